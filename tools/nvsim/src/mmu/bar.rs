//! The BAR1 and BAR2 apertures (PCI BAR1 and BAR3): physical or virtual.
//!
//! Facts:
//!
//! * Turing, Ampere, Ada: `NV_PBUS_BAR1_BLOCK` (0x1704) and
//!   `NV_PBUS_BAR2_BLOCK` (0x1714): PTR 27:0 = instance block >> 12
//!   (`_PTR_SHIFT` 12), TARGET 29:28 (0 VID_MEM, 2 SYS_MEM_COHERENT, 3
//!   SYS_MEM_NONCOHERENT), MODE 31 (0 PHYSICAL, the reset value; 1
//!   VIRTUAL); BAR2 also DEBUG_CYA 30 (reset 1). `NV_PBUS_BIND_STATUS`
//!   (0x1710) bits 0-3: BAR1/BAR2 bind pending/outstanding, 0 when idle
//!   (open-gpu-kernel-modules published `maxwell/gm107/dev_bus.h`, same
//!   layout in `ada/ad102/dev_bus.h`). RM uses this register through Ada
//!   (`kbusTeardownMailbox_GM107`).
//! * Hopper, Blackwell: `NV_VIRTUAL_FUNCTION_PRIV_FUNC_BAR1_BLOCK_LOW_ADDR`
//!   (VFN + 0xf60 = BAR0 0xb80f60): BAR1_PENDING 0, BAR1_OUTSTANDING 1
//!   (read-only), MODE 9, TARGET 11:10, PTR 31:12 (address bits 31:12);
//!   `..._HIGH_ADDR` (0xb80f64) PTR 31:0 (address bits 63:32); BAR2 at
//!   0xb80f70/0xb80f74 alike (published `hopper/gh100/dev_vm.h`; RM
//!   `kbusTeardownMailbox_GH100` in `kern_bus_gh100.c`, which returns BAR1
//!   to "physical and vidmem so we don't accidentally corrupt sysmem": in
//!   physical mode TARGET selects where BAR offsets land).
//! * Physical mode: a BAR offset is an address in the TARGET aperture.
//!   Virtual mode: the PTR/TARGET pair names an instance block whose
//!   `PAGE_DIR_BASE` is the root of the BAR's VA space; a BAR offset is a
//!   virtual address in it, translated by the GMMU (and its TLB).
//!
//! Who programs them on GSP-RM systems: GSP-RM, not the driver. r535/r570
//! GSP-RM owns the BAR1 and BAR2 instance blocks; its static info
//! (`GspStaticConfigInfo.bar1PdeBase`, `.bar2PdeBase`) gives the driver the
//! address of each root page directory. nouveau (`r535/bar.c`) then builds
//! its own BAR1 tables under RM's root (`r535_bar_bar1_init` wraps
//! `rm_bar1_pdb` as its VMM's PD3) and invalidates with the VFN registers
//! (`tu102_vmm_flush`, HUB_ONLY | ALL_PDB while BAR mappings exist); for
//! BAR2 it builds its own root and tells GSP-RM with the
//! `UPDATE_BAR_PDE` RPC (`NV_RPC_UPDATE_PDE_BAR_2`), and flushes with
//! RM's `bar2PdeBase` as the PDB. A client that wants a physical BAR1
//! after GSP-RM booted (tinygrad's NV driver, after GSP_INIT_DONE) writes
//! `NV_PBUS_BAR1_BLOCK` (and on FSP chips the VFN register) back to mode
//! 0, target 0, ptr 0, which says GSP-RM leaves BAR1 in virtual mode (an
//! inference from a third-party client, not a documented fact).
//!
//! nvsim reads these registers from the register file on every BAR
//! access, so whoever writes them (a driver through BAR0, or nvsim's
//! GSP-RM model through `Bus::regs`) switches the aperture. Both BARs are
//! physical over VRAM from power-on; nvsim's GSP-RM model switches BAR1 to
//! virtual mode when it resumes (state load, before GSP_INIT_DONE) through
//! its own instance block and root (`gsprm/bar1.rs`), and back to physical
//! at a non-PM unload. BAR2 stays physical (not modelled).
//!
//! Faults in virtual mode: the access is logged once per page with the
//! walk's precise reason; reads return all ones and writes are dropped.
//! RM treats a BAR1 MMU fault as a bad mapping, "usually fatal"
//! (`kgmmuServicePriFaults_GV100`, `kern_gmmu_gv100.c`: "BAR faults mean
//! incorrect BAR mappings"), and sparsifies BAR1 precisely so that CPU
//! accesses do not fault (`kbusInitBar1_GM107`: "Sparsify the VAS to
//! prevent faults during CPU access"; a sparse page reads zero). What data
//! a faulting read returns is not documented: nvsim answers all ones, what
//! a CPU reads for a PCIe read the device completes with an error, so a
//! driver reading an unmapped BAR1 address sees the same value as for a
//! device that fell off the bus.

use std::fmt;

use super::format::{Aperture, PhysAddr};
use super::{AccessError, Gmmu, PageDir};
use crate::chip::Arch;
use crate::regs::RegFile;

/// `NV_PBUS_BAR1_BLOCK`.
pub const NV_PBUS_BAR1_BLOCK: u32 = 0x0000_1704;
/// `NV_PBUS_BIND_STATUS`.
pub const NV_PBUS_BIND_STATUS: u32 = 0x0000_1710;
/// `NV_PBUS_BAR2_BLOCK`.
pub const NV_PBUS_BAR2_BLOCK: u32 = 0x0000_1714;
/// `NV_VIRTUAL_FUNCTION_PRIV_FUNC_BAR1_BLOCK_LOW_ADDR`.
pub const VF_BAR1_BLOCK_LOW: u32 = 0x00b8_0f60;
/// `NV_VIRTUAL_FUNCTION_PRIV_FUNC_BAR1_BLOCK_HIGH_ADDR`.
pub const VF_BAR1_BLOCK_HIGH: u32 = 0x00b8_0f64;
/// `NV_VIRTUAL_FUNCTION_PRIV_FUNC_BAR2_BLOCK_LOW_ADDR`.
pub const VF_BAR2_BLOCK_LOW: u32 = 0x00b8_0f70;
/// `NV_VIRTUAL_FUNCTION_PRIV_FUNC_BAR2_BLOCK_HIGH_ADDR`.
pub const VF_BAR2_BLOCK_HIGH: u32 = 0x00b8_0f74;

/// Which aperture, in NVIDIA's naming.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bar {
    /// BAR1 (PCI BAR1): the driver's CPU window onto GPU memory.
    Bar1,
    /// BAR2 (PCI BAR3): RM's window.
    Bar2,
}

impl Bar {
    /// "BAR1"/"BAR2".
    pub fn name(self) -> &'static str {
        match self {
            Bar::Bar1 => "BAR1",
            Bar::Bar2 => "BAR2",
        }
    }
}

/// How an aperture maps its offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Offset = address in this aperture.
    Physical(Aperture),
    /// Offset = VA of the page directory bound by the instance block.
    Virtual {
        /// The instance block.
        inst: PhysAddr,
    },
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mode::Physical(a) => write!(f, "physical ({})", a.name()),
            Mode::Virtual { inst } => write!(f, "virtual (instance block {inst})"),
        }
    }
}

fn target(t: u32) -> Aperture {
    match t & 3 {
        2 => Aperture::SysCoherent,
        3 => Aperture::SysNonCoherent,
        // 1 is not defined; treated as video memory.
        _ => Aperture::Vram,
    }
}

/// Whether the chip uses the VFN block registers (Hopper on).
fn vfn(arch: Arch) -> bool {
    matches!(
        arch,
        Arch::Hopper | Arch::BlackwellGb10x | Arch::BlackwellGb20x
    )
}

/// The block registers of `bar` on `arch`: (low, high).
pub fn block_regs(arch: Arch, bar: Bar) -> (u32, Option<u32>) {
    match (vfn(arch), bar) {
        (false, Bar::Bar1) => (NV_PBUS_BAR1_BLOCK, None),
        (false, Bar::Bar2) => (NV_PBUS_BAR2_BLOCK, None),
        (true, Bar::Bar1) => (VF_BAR1_BLOCK_LOW, Some(VF_BAR1_BLOCK_HIGH)),
        (true, Bar::Bar2) => (VF_BAR2_BLOCK_LOW, Some(VF_BAR2_BLOCK_HIGH)),
    }
}

/// The block register values that select `mode` for `bar` on `arch`:
/// (low, high).
pub fn encode(arch: Arch, mode: Mode) -> (u32, u32) {
    let (virt, at) = match mode {
        Mode::Physical(a) => (
            false,
            PhysAddr {
                aperture: a,
                addr: 0,
            },
        ),
        Mode::Virtual { inst } => (true, inst),
    };
    let t = match at.aperture {
        Aperture::SysCoherent => 2,
        Aperture::SysNonCoherent => 3,
        _ => 0,
    };
    if vfn(arch) {
        (
            (at.addr as u32 & 0xffff_f000) | (t << 10) | (u32::from(virt) << 9),
            (at.addr >> 32) as u32,
        )
    } else {
        (
            ((at.addr >> 12) as u32 & 0x0fff_ffff) | (t << 28) | (u32::from(virt) << 31),
            0,
        )
    }
}

/// The mode `bar` is in, from the register file.
pub fn mode(regs: &RegFile, arch: Arch, bar: Bar) -> Mode {
    let (lo, hi) = block_regs(arch, bar);
    let v = regs.read(lo).unwrap_or(0);
    if vfn(arch) {
        let t = target(v >> 10);
        if v & (1 << 9) == 0 {
            return Mode::Physical(t);
        }
        let high = hi.and_then(|h| regs.read(h)).unwrap_or(0);
        Mode::Virtual {
            inst: PhysAddr {
                aperture: t,
                addr: u64::from(v & 0xffff_f000) | (u64::from(high) << 32),
            },
        }
    } else {
        let t = target(v >> 28);
        if v & (1 << 31) == 0 {
            return Mode::Physical(t);
        }
        Mode::Virtual {
            inst: PhysAddr {
                aperture: t,
                addr: u64::from(v & 0x0fff_ffff) << 12,
            },
        }
    }
}

/// Reads `buf.len()` bytes at `offset` of `bar` in `mode`. Failures are
/// logged (once per page); a virtual-mode fault reads all ones, a physical
/// access beyond VRAM zeros.
pub fn read(mmu: &Gmmu, bar: Bar, mode: Mode, offset: u64, buf: &mut [u8]) {
    if let Err(e) = access(mmu, mode, offset, Dir::Read(buf)) {
        report(mmu, bar, mode, offset, "read", &e);
    }
}

/// Writes `data` at `offset` of `bar` in `mode`. Failures are logged (once
/// per page) and the write is dropped.
pub fn write(mmu: &Gmmu, bar: Bar, mode: Mode, offset: u64, data: &[u8]) {
    if let Err(e) = access(mmu, mode, offset, Dir::Write(data)) {
        report(mmu, bar, mode, offset, "write", &e);
    }
}

enum Dir<'a> {
    Read(&'a mut [u8]),
    Write(&'a [u8]),
}

fn access(mmu: &Gmmu, mode: Mode, offset: u64, dir: Dir<'_>) -> Result<(), String> {
    match mode {
        Mode::Physical(aperture) => {
            let pa = PhysAddr {
                aperture,
                addr: offset,
            };
            match dir {
                Dir::Read(buf) => {
                    if aperture == Aperture::Vram {
                        // Beyond VRAM reads as zero, as before.
                        mmu.memory().vram.read(offset, buf);
                        Ok(())
                    } else {
                        mmu.read_phys(pa, buf).map_err(|e| e.to_string())
                    }
                }
                Dir::Write(data) => {
                    if aperture == Aperture::Vram {
                        mmu.memory().vram.write(offset, data);
                        Ok(())
                    } else {
                        mmu.write_phys(pa, data).map_err(|e| e.to_string())
                    }
                }
            }
        }
        Mode::Virtual { inst } => {
            let ib = match mmu.instance_block(inst) {
                Ok(ib) => ib,
                Err(f) => {
                    if let Dir::Read(buf) = dir {
                        buf.fill(0xff);
                    }
                    return Err(f.to_string());
                }
            };
            let pd: PageDir = ib.page_dir;
            // BAR accesses are not privileged (not documented either way).
            let r = match dir {
                Dir::Read(buf) => {
                    let r = mmu.read_virt(&pd, offset, buf, false);
                    if r.is_err() {
                        buf.fill(0xff);
                    }
                    r
                }
                Dir::Write(data) => mmu.write_virt(&pd, offset, data, false),
            };
            r.map_err(|e: AccessError| e.to_string())
        }
    }
}

fn report(mmu: &Gmmu, bar: Bar, mode: Mode, offset: u64, what: &str, e: &str) {
    mmu.log_once(format!("{} {what} {:#x}", bar.name(), offset >> 12), || {
        format!(
            "{}: {what} at offset {offset:#x} failed ({mode}): {e}",
            bar.name()
        )
    });
}
