//! BAR0 dispatch: pluggable models by address range, the plain register
//! file underneath, and the handling of everything else.
//!
//! A model ([`Bar0Model`]) owns an address range (a falcon at 0x110000, the
//! PROM window at 0x300000, ...). Models registered later take precedence,
//! so a full model can replace a stub. A model that declines an offset
//! (returns `None`/`false`) lets the access fall through to the register
//! file ([`RegFile`]), and what neither handles is *unmodelled*: reads
//! return [`UNMODELLED`] and each offset is logged once for reads and once
//! for writes.
//!
//! Models see 32-bit accesses only. Narrower accesses are carved out of the
//! containing dword (writes as read-modify-write); wider ones are split.

use std::collections::HashSet;
use std::ops::Range;

use crate::dma::DmaSpace;
use crate::intr::IntrTree;
use crate::irq::IrqLine;
use crate::pci::ConfigSpace;
use crate::regs::RegFile;
use crate::trace::Trace;
use crate::vram::Vram;

/// Value read from an unmodelled BAR0 offset. Real GPUs answer accesses
/// that fail in the PRI bus with 0xbadfXXXX patterns; nvsim uses this one
/// value for "no model here", so it stands out in a trace or a driver log.
pub const UNMODELLED: u32 = 0xbadf_1100;

/// Everything a model may use while handling an access.
pub struct Bus<'a> {
    /// The plain registers (identification, scratch, FB, fuses...).
    pub regs: &'a mut RegFile,
    /// PCI configuration space.
    pub config: &'a mut ConfigSpace,
    /// Video memory.
    pub vram: &'a Vram,
    /// The device interrupt.
    pub irq: &'a IrqLine,
    /// The CPU interrupt tree in front of it.
    pub intr: &'a IntrTree,
    /// Guest memory.
    pub dma: &'a DmaSpace,
    /// Diagnostics.
    pub trace: &'a Trace,
}

/// A device model mapped into BAR0.
pub trait Bar0Model: Send {
    /// Short name for diagnostics.
    fn name(&self) -> &str;
    /// The BAR0 offsets the model owns.
    fn range(&self) -> Range<u32>;
    /// Reads the dword at `offset` (absolute, 4-byte aligned); `None` if
    /// the model has nothing there.
    fn read32(&mut self, bus: &mut Bus<'_>, offset: u32) -> Option<u32>;
    /// Writes the dword at `offset`; `false` if the model has nothing
    /// writable there.
    fn write32(&mut self, bus: &mut Bus<'_>, offset: u32, value: u32) -> bool;
    /// Name of the register at `offset`, for the trace.
    fn reg_name(&self, _offset: u32) -> Option<String> {
        None
    }
    /// Returns to the power-on state (device reset).
    fn reset(&mut self) {}
}

/// BAR0: the models, the register file and the log-once bookkeeping.
pub struct Bar0 {
    /// The plain register file.
    pub regs: RegFile,
    models: Vec<Box<dyn Bar0Model>>,
    unmodelled_reads: HashSet<u32>,
    unmodelled_writes: HashSet<u32>,
}

/// The resources a BAR0 access may reach besides BAR0 itself.
pub struct Env<'a> {
    /// PCI configuration space.
    pub config: &'a mut ConfigSpace,
    /// Video memory.
    pub vram: &'a Vram,
    /// The device interrupt.
    pub irq: &'a IrqLine,
    /// The CPU interrupt tree in front of it.
    pub intr: &'a IntrTree,
    /// Guest memory.
    pub dma: &'a DmaSpace,
    /// Diagnostics.
    pub trace: &'a Trace,
}

impl Bar0 {
    /// BAR0 with `regs` and no models.
    pub fn new(regs: RegFile) -> Self {
        Self {
            regs,
            models: Vec::new(),
            unmodelled_reads: HashSet::new(),
            unmodelled_writes: HashSet::new(),
        }
    }

    /// Adds a model; it takes precedence over those added before.
    pub fn add_model(&mut self, model: Box<dyn Bar0Model>) {
        self.models.push(model);
    }

    /// Names and ranges of the models, most recent first.
    pub fn models(&self) -> Vec<(String, Range<u32>)> {
        self.models
            .iter()
            .rev()
            .map(|m| (m.name().to_string(), m.range()))
            .collect()
    }

    /// Resets every model and forgets what was logged.
    pub fn reset(&mut self, regs: RegFile) {
        self.regs = regs;
        for m in &mut self.models {
            m.reset();
        }
        self.unmodelled_reads.clear();
        self.unmodelled_writes.clear();
    }

    fn bus<'a>(regs: &'a mut RegFile, env: &'a mut Env<'_>) -> Bus<'a> {
        Bus {
            regs,
            config: env.config,
            vram: env.vram,
            irq: env.irq,
            intr: env.intr,
            dma: env.dma,
            trace: env.trace,
        }
    }

    /// Reads one dword; `None` if unmodelled.
    fn read_dword(&mut self, env: &mut Env<'_>, offset: u32) -> Option<u32> {
        let Self { regs, models, .. } = self;
        for m in models.iter_mut().rev() {
            if m.range().contains(&offset) {
                let mut bus = Self::bus(regs, env);
                if let Some(v) = m.read32(&mut bus, offset) {
                    return Some(v);
                }
                break;
            }
        }
        regs.read(offset)
    }

    /// Writes one dword; `false` if unmodelled.
    fn write_dword(&mut self, env: &mut Env<'_>, offset: u32, value: u32) -> bool {
        let Self { regs, models, .. } = self;
        for m in models.iter_mut().rev() {
            if m.range().contains(&offset) {
                let mut bus = Self::bus(regs, env);
                if m.write32(&mut bus, offset, value) {
                    return true;
                }
                break;
            }
        }
        regs.write(offset, value)
    }

    /// The trace name of the register at `offset`.
    pub fn reg_name(&self, offset: u32) -> Option<String> {
        let owner = self
            .models
            .iter()
            .rev()
            .find(|m| m.range().contains(&offset));
        owner
            .and_then(|m| m.reg_name(offset))
            .or_else(|| self.regs.name(offset).map(str::to_string))
    }

    /// Handles a BAR0 read of `buf.len()` bytes at `offset`.
    pub fn read(&mut self, env: &mut Env<'_>, offset: u64, buf: &mut [u8]) {
        let mut pos = 0;
        while pos < buf.len() {
            let at = offset + pos as u64;
            let dword = (at & !3) as u32;
            let skip = (at & 3) as usize;
            let n = (4 - skip).min(buf.len() - pos);
            let v = match self.read_dword(env, dword) {
                Some(v) => v,
                None => {
                    if self.unmodelled_reads.insert(dword) {
                        env.trace
                            .log(format!("bar0: unmodelled read at {dword:#08x}"));
                    }
                    UNMODELLED
                }
            };
            buf[pos..pos + n].copy_from_slice(&v.to_le_bytes()[skip..skip + n]);
            pos += n;
        }
        self.trace_access(env.trace, 'R', offset, buf);
    }

    /// Handles a BAR0 write of `data` at `offset`.
    pub fn write(&mut self, env: &mut Env<'_>, offset: u64, data: &[u8]) {
        self.trace_access(env.trace, 'W', offset, data);
        let mut pos = 0;
        while pos < data.len() {
            let at = offset + pos as u64;
            let dword = (at & !3) as u32;
            let skip = (at & 3) as usize;
            let n = (4 - skip).min(data.len() - pos);
            let value = if n == 4 {
                u32::from_le_bytes([data[pos], data[pos + 1], data[pos + 2], data[pos + 3]])
            } else {
                let old = self.read_dword(env, dword).unwrap_or(0);
                let mut b = old.to_le_bytes();
                b[skip..skip + n].copy_from_slice(&data[pos..pos + n]);
                u32::from_le_bytes(b)
            };
            if !self.write_dword(env, dword, value) && self.unmodelled_writes.insert(dword) {
                env.trace.log(format!(
                    "bar0: unmodelled or read-only write at {dword:#08x} ({value:#010x})"
                ));
            }
            pos += n;
        }
    }

    fn trace_access(&self, trace: &Trace, dir: char, offset: u64, bytes: &[u8]) {
        trace.trace(|| {
            let mut v = [0u8; 8];
            let n = bytes.len().min(8);
            v[..n].copy_from_slice(&bytes[..n]);
            let name = self
                .reg_name(offset as u32 & !3)
                .map(|n| format!(" {n}"))
                .unwrap_or_default();
            format!(
                "bar0 {dir} {offset:#08x} w{} {:#0w$x}{name}",
                bytes.len(),
                u64::from_le_bytes(v),
                w = 2 + 2 * n
            )
        });
    }
}
