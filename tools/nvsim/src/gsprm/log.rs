//! GSP-RM's logs: the entries libos's logger writes into the LOGINIT,
//! LOGINTR and LOGRM buffers the driver passes among the libos arguments.
//!
//! Facts:
//! - The buffers (nouveau `nvkm/subdev/gsp/rm/r535/gsp.c`
//!   `r535_gsp_libos_init`, open-gpu-kernel-modules
//!   `src/nvidia/src/kernel/gpu/gsp/kernel_gsp.c`
//!   `_kgspInitLibosLoggingStructures` / `_setupLogBufferBaremetal`,
//!   nova-core `gsp.rs` `LogBuffer`): each is a libos region (kind
//!   CONTIGUOUS, loc SYSMEM, a whole number of 4 KiB pages; 64 KiB each
//!   in release OpenRM and nouveau). The driver zeroes it and passes "the
//!   PTE table for the log buffer in the log buffer, after the put
//!   pointer": u64 0 is the put pointer, u64 1.. the bus address of each
//!   page; the region's `pa` is the first of them. Which task writes
//!   which buffer (`logInitValues`, `nv_firmware_log_info_for_task`):
//!   LOGINIT the init task, LOGINTR the interrupt task, LOGRM the RM
//!   task.
//! - The entries (open-gpu-kernel-modules
//!   `src/common/uproc/os/common/include/libos_log.h`, and its decoder
//!   `src/common/uproc/os/libos-v3.1.0/lib/liblogdecode.c`
//!   `libosExtractLog_ReadRecord`): the buffer is an array of u64;
//!   `put = buf[0]` counts the u64 words written since the logger
//!   started (it is not reduced modulo the size); word `k` is at
//!   `buf[1 + k % (size / 8 - 1)]`, so the buffer wraps and a reader
//!   knows it lost entries when `put` is more than `size / 8 - 1` past
//!   where it last read. A record is, in writing order, its arguments
//!   (one u64 each, `LIBOS_LOG_BUILD_ARG`), the address of its
//!   `libosLogMetadata`, then a timestamp (the decoder reads backwards
//!   from `put`: timestamp, metadata, `argumentCount` arguments); a
//!   timestamp of 0 ends the decoding, so real ones are never 0.
//! - `libosLogMetadata` (`libos_log.h`), 0x18 bytes in the firmware's
//!   `.logging` section: u64 filename pointer, u64 format pointer, u32
//!   lineNumber (8-byte aligned slot, at 0x10), u8 argumentCount (0x14),
//!   u8 printLevel (0x15: `LOG_LEVEL_INFO` 1, `_NOTICE` 2, `_WARNING` 3,
//!   `_ERROR` 4), u8 specialType (0x16). A `%s` argument is the address
//!   of a string in the same section (`MAKE_LIBOS_LOGGING_STR`). "These
//!   structures are emitted into the .logging section which is stripped
//!   from the image as the final build step": `gsp-570.144.bin` in
//!   linux-firmware has no logging section (its sections are `.fwimage`,
//!   `.note.gnu.build-id`, `.fwversion`, the `.fwsignature_*`, the symbol
//!   tables; nouveau's `r535_gsp_libos_debugfs_init` notes the logging
//!   ELF is "not distributed with the driver"), so no real metadata
//!   address can be known. nvsim's are placeholders: its own `.logging`
//!   image ([`logging_image`]) at [`LOGGING_VA`], with its own messages
//!   (below), laid out as libos lays the section out, so a decoder that
//!   follows `libos_log.h` reads nvsim's entries given that image.
//! - Timestamps are the GPU's PTIMER in ns, which RM sets from the OS's
//!   time ([`crate::fifo::timestamp`]), kept increasing per buffer.
//!
//! nvsim's checks, as libos maps the buffer through the PTE table before
//! it writes: a log region that is not CONTIGUOUS SYSMEM, not a whole
//! number of pages, or whose page table holds a zero, unaligned or
//! unmapped address, or whose first page is not the region's `pa`, is
//! reported in one log line and not written (GSP-RM still boots: the
//! driver only loses the log). The logger starts at `put = 0` on every
//! boot; after it read the page table the entries overwrite it.

use crate::dma::DmaSpace;
use crate::trace::Trace;

use super::libos::Region;

/// Base of nvsim's placeholder `.logging` section in GSP-RM's address
/// space (nvsim's value; the real one is in the stripped logging ELF).
pub const LOGGING_VA: u64 = 0x0000_7f00_0000_0000;

/// Size of `libosLogMetadata`.
pub const META_SIZE: u64 = 0x18;

/// `LOG_LEVEL_INFO`.
pub const LEVEL_INFO: u8 = 1;
/// `LOG_LEVEL_NOTICE`.
pub const LEVEL_NOTICE: u8 = 2;
/// `LOG_LEVEL_ERROR`.
pub const LEVEL_ERROR: u8 = 4;

/// Which buffer (the task that writes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Buf {
    /// LOGINIT, the libos init task.
    Init,
    /// LOGINTR, the interrupt task.
    Intr,
    /// LOGRM, the RM task.
    Rm,
}

impl Buf {
    /// The region's name.
    pub fn name(self) -> &'static str {
        match self {
            Buf::Init => "LOGINIT",
            Buf::Intr => "LOGINTR",
            Buf::Rm => "LOGRM",
        }
    }
}

/// One message GSP-RM logs (nvsim's messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Msg {
    /// Source file named in the metadata.
    pub file: &'static str,
    /// Line number.
    pub line: u32,
    /// printLevel.
    pub level: u8,
    /// The format.
    pub format: &'static str,
    /// argumentCount.
    pub args: u8,
}

macro_rules! msg {
    ($name:ident, $file:expr, $line:expr, $level:expr, $args:expr, $fmt:expr) => {
        #[doc = concat!("`", $fmt, "`")]
        pub const $name: Msg = Msg {
            file: $file,
            line: $line,
            level: $level,
            format: $fmt,
            args: $args,
        };
    };
}

const INIT_C: &str = "nvsim/gsprm/init.c";
const RM_C: &str = "nvsim/gsprm/rpc.c";
const INTR_C: &str = "nvsim/gsprm/intr.c";

msg!(
    BOOT,
    INIT_C,
    100,
    LEVEL_NOTICE,
    2,
    "GSP-RM 570.144 (nvsim) booting, boot %u, libos arguments at 0x%llx\n"
);
msg!(
    GPU,
    INIT_C,
    110,
    LEVEL_NOTICE,
    3,
    "GPU %s: %llu MiB usable framebuffer, firmware reserved from 0x%llx\n"
);
msg!(
    QUEUES,
    INIT_C,
    120,
    LEVEL_INFO,
    4,
    "message queues: shared memory 0x%llx (%u pages), command queue +0x%llx, status queue +0x%llx\n"
);
msg!(
    SEQUENCER,
    INIT_C,
    130,
    LEVEL_INFO,
    1,
    "CPU sequencer sent (%u commands); waiting for SEC2 to resume the GSP\n"
);
msg!(
    INIT_DONE,
    INIT_C,
    140,
    LEVEL_NOTICE,
    0,
    "GSP-RM initialised; sending GSP_INIT_DONE\n"
);
msg!(
    INIT_STOPPED,
    INIT_C,
    150,
    LEVEL_ERROR,
    1,
    "init command 0x%x refused; GSP-RM stops initialising\n"
);
msg!(
    SUSPENDED,
    INIT_C,
    160,
    LEVEL_NOTICE,
    0,
    "GSP-RM suspended\n"
);
msg!(
    RPC_IN,
    RM_C,
    200,
    LEVEL_INFO,
    3,
    "rpc: received function 0x%x seq %u, %u-byte payload\n"
);
msg!(
    RPC_OUT,
    RM_C,
    210,
    LEVEL_INFO,
    3,
    "rpc: sent function 0x%x result 0x%x, %u-byte payload\n"
);
msg!(
    SYSTEM_INFO,
    RM_C,
    220,
    LEVEL_INFO,
    3,
    "system info: BAR0 0x%llx, PCI id 0x%08x subsystem 0x%08x\n"
);
msg!(REGISTRY, RM_C, 230, LEVEL_INFO, 1, "registry: %u entries\n");
msg!(
    UNLOADING,
    RM_C,
    240,
    LEVEL_NOTICE,
    2,
    "unloading guest driver: PM level %u, transition %u\n"
);
msg!(
    DOORBELL,
    INTR_C,
    300,
    LEVEL_INFO,
    1,
    "doorbell: command queue write pointer %u\n"
);

/// Every message, in the order of their metadata in [`logging_image`].
pub const MESSAGES: [Msg; 13] = [
    BOOT,
    GPU,
    QUEUES,
    SEQUENCER,
    INIT_DONE,
    INIT_STOPPED,
    SUSPENDED,
    RPC_IN,
    RPC_OUT,
    SYSTEM_INFO,
    REGISTRY,
    UNLOADING,
    DOORBELL,
];

/// Strings `%s` arguments point at (GPU names), after the messages'.
pub const STRINGS: [&str; 5] = ["TU102", "GA102", "AD102", "GH100", "GB202"];

/// nvsim's `.logging` section, to be loaded at [`LOGGING_VA`]: the
/// `libosLogMetadata` of each of [`MESSAGES`] (0x18 bytes each, in that
/// order from offset 0), then NUL-terminated strings (files, formats,
/// [`STRINGS`]).
pub fn logging_image() -> Vec<u8> {
    let mut strings: Vec<u8> = Vec::new();
    let base = META_SIZE * MESSAGES.len() as u64;
    let mut add = |s: &str| -> u64 {
        let at = LOGGING_VA + base + strings.len() as u64;
        strings.extend_from_slice(s.as_bytes());
        strings.push(0);
        at
    };
    let mut meta = Vec::new();
    for m in MESSAGES {
        let file = add(m.file);
        let format = add(m.format);
        let mut e = [0u8; META_SIZE as usize];
        e[0..8].copy_from_slice(&file.to_le_bytes());
        e[8..16].copy_from_slice(&format.to_le_bytes());
        e[16..20].copy_from_slice(&m.line.to_le_bytes());
        e[20] = m.args;
        e[21] = m.level;
        e[22] = 0;
        meta.extend_from_slice(&e);
    }
    for s in STRINGS {
        add(s);
    }
    meta.extend_from_slice(&strings);
    meta
}

/// Address of `m`'s metadata.
pub fn meta_va(m: Msg) -> u64 {
    let i = MESSAGES
        .iter()
        .position(|x| *x == m)
        .expect("a known message");
    LOGGING_VA + META_SIZE * i as u64
}

/// Address of the string `s` of [`STRINGS`] (`None` if it is not one).
pub fn string_va(s: &str) -> Option<u64> {
    let i = STRINGS.iter().position(|x| *x == s)?;
    let mut at = LOGGING_VA + META_SIZE * MESSAGES.len() as u64;
    for m in MESSAGES {
        at += m.file.len() as u64 + 1 + m.format.len() as u64 + 1;
    }
    for x in &STRINGS[..i] {
        at += x.len() as u64 + 1;
    }
    Some(at)
}

/// One buffer libos writes.
struct Writer {
    /// Bus address of each page.
    pages: Vec<u64>,
    /// Words after the put pointer.
    entries: u64,
    put: u64,
    last_ts: u64,
}

/// The three buffers of one boot.
pub struct Logs {
    dma: DmaSpace,
    bufs: [Option<Writer>; 3],
    /// Records written, per buffer.
    pub written: [u64; 3],
}

fn slot(b: Buf) -> usize {
    match b {
        Buf::Init => 0,
        Buf::Intr => 1,
        Buf::Rm => 2,
    }
}

impl Logs {
    /// Maps the log regions among `regions` through their page tables.
    /// A missing or bad buffer is logged on `trace` and left alone.
    pub fn open(dma: &DmaSpace, regions: &[Region], trace: &Trace) -> Logs {
        let mut bufs = [None, None, None];
        for b in [Buf::Init, Buf::Intr, Buf::Rm] {
            let Some(r) = regions.iter().find(|r| r.name == b.name()) else {
                trace.log(format!(
                    "GSP-RM: no {} region among the libos arguments; nothing is logged there",
                    b.name()
                ));
                continue;
            };
            match Self::map(dma, r) {
                Ok(w) => bufs[slot(b)] = Some(w),
                Err(e) => trace.log(format!(
                    "GSP-RM: {} at {:#x} ({:#x} bytes): {e}; nothing is logged there",
                    b.name(),
                    r.pa,
                    r.size
                )),
            }
        }
        Logs {
            dma: dma.clone(),
            bufs,
            written: [0; 3],
        }
    }

    fn map(dma: &DmaSpace, r: &Region) -> Result<Writer, String> {
        if r.kind != 1 || r.loc != 1 {
            return Err(format!(
                "kind {} loc {}, libos logs to contiguous (1) sysmem (1)",
                r.kind, r.loc
            ));
        }
        if r.size == 0 || !r.size.is_multiple_of(0x1000) || r.size > 0x100_0000 {
            return Err("not a whole number of 4 KiB pages (at most 16 MiB)".into());
        }
        let n = (r.size / 0x1000) as usize;
        let mut raw = vec![0u8; 8 * n];
        dma.read(r.pa + 8, &mut raw)
            .map_err(|e| format!("reading its page table: {e}"))?;
        let pages: Vec<u64> = raw
            .chunks(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
            .collect();
        for (i, p) in pages.iter().enumerate() {
            if *p == 0 || !p.is_multiple_of(0x1000) {
                return Err(format!(
                    "page table entry {i} (u64 {} of the buffer) is {p:#x}, not a page address",
                    i + 1
                ));
            }
            if !dma.covers(*p, 0x1000) {
                return Err(format!(
                    "page table entry {i} is {p:#x}, which is not mapped for DMA"
                ));
            }
        }
        if pages[0] != r.pa {
            return Err(format!(
                "page table entry 0 is {:#x}, not the region's address",
                pages[0]
            ));
        }
        Ok(Writer {
            pages,
            entries: r.size / 8 - 1,
            put: 0,
            last_ts: 0,
        })
    }

    /// Whether `b` is being written.
    pub fn active(&self, b: Buf) -> bool {
        self.bufs[slot(b)].is_some()
    }

    /// Writes a record of `m` with `args` into `b` (`args.len()` must be
    /// `m.args`); a DMA error is logged on `trace` and stops that buffer.
    pub fn write(&mut self, b: Buf, m: Msg, args: &[u64], trace: &Trace) {
        debug_assert_eq!(args.len(), usize::from(m.args), "{}", m.format);
        let Some(w) = self.bufs[slot(b)].as_mut() else {
            return;
        };
        let ts = crate::fifo::timestamp().max(w.last_ts + 1);
        w.last_ts = ts;
        let words = args.iter().copied().chain([meta_va(m), ts]);
        let mut err = None;
        for v in words {
            let idx = 1 + w.put % w.entries;
            let at = w.pages[(idx / 512) as usize] + (idx % 512) * 8;
            if let Err(e) = self.dma.write(at, &v.to_le_bytes()) {
                err = Some(format!("writing {at:#x}: {e}"));
                break;
            }
            w.put += 1;
        }
        if err.is_none() {
            if let Err(e) = self.dma.write(w.pages[0], &w.put.to_le_bytes()) {
                err = Some(format!("writing the put pointer: {e}"));
            }
        }
        if let Some(e) = err {
            trace.log(format!("GSP-RM: {}: {e}; logging there stops", b.name()));
            self.bufs[slot(b)] = None;
            return;
        }
        self.written[slot(b)] += 1;
        trace.trace(|| {
            format!(
                "GSP-RM: {} put {}: {}",
                b.name(),
                w.put,
                m.format.trim_end()
            )
        });
    }

    /// The put pointer of `b` (`None` when it is not written).
    pub fn put(&self, b: Buf) -> Option<u64> {
        self.bufs[slot(b)].as_ref().map(|w| w.put)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_layout() {
        let img = logging_image();
        let i = MESSAGES.iter().position(|m| *m == GPU).unwrap();
        let e = &img[i * 0x18..(i + 1) * 0x18];
        let fmt = u64::from_le_bytes(e[8..16].try_into().unwrap()) - LOGGING_VA;
        let s = &img[fmt as usize..];
        let end = s.iter().position(|c| *c == 0).unwrap();
        assert_eq!(std::str::from_utf8(&s[..end]).unwrap(), GPU.format);
        assert_eq!(e[20], 3);
        assert_eq!(e[21], LEVEL_NOTICE);
        let at = (string_va("GA102").unwrap() - LOGGING_VA) as usize;
        assert_eq!(&img[at..at + 6], b"GA102\0");
        assert_eq!(meta_va(BOOT), LOGGING_VA);
    }
}
