//! The TLB invalidation registers a driver uses on GSP-RM systems: the
//! virtual-function copies in the VFN window at BAR0 0xb80000.
//!
//! Facts (open-gpu-kernel-modules published `turing/tu102/dev_vm.h`;
//! `NV_VIRTUAL_FUNCTION_FULL_PHYS_OFFSET` is 0xb80000):
//!
//! | BAR0 | register | fields |
//! | --- | --- | --- |
//! | 0xb830a0 | `NV_VIRTUAL_FUNCTION_PRIV_MMU_INVALIDATE_PDB` | APERTURE 1:1 (0 VID_MEM, 1 SYS_MEM), ADDR 31:4 = PDB >> 12 (`_ADDR_ALIGNMENT` 12) |
//! | 0xb830a4 | `..._MMU_INVALIDATE_UPPER_PDB` | ADDR 19:0 = PDB >> 40 |
//! | 0xb830b0 | `..._MMU_INVALIDATE` | ALL_VA 0, ALL_PDB 1, HUBTLB_ONLY 2, REPLAY 5:3, SYS_MEMBAR 6, ACK 8:7, CANCEL_CLIENT_ID 14:9, CANCEL_GPC_ID 19:15, CANCEL_CLIENT_TYPE 20, USE_PASID 21, USE_SIZE 22, PROP_FLUSH 23, CACHE_LEVEL 26:24, TRIGGER 31 |
//!
//! All fields reset to 0 (`_INIT`). Writing TRIGGER performs the
//! invalidation; the driver polls the register until TRIGGER reads 0
//! (RM `kgmmuCheckPendingInvalidates_TU102`; nouveau `tu102_vmm_flush`
//! polls `0xb830b0 & 0x80000000` for 2 s). nvsim completes at once, so the
//! first poll sees it done. nouveau writes the PDB as `addr >> 8` (the
//! same value for a 4 KiB-aligned VRAM PDB), UPPER_PDB 0, and the
//! command `0x80000000 | PAGE_ALL` (ALL_VA), adding `HUB_ONLY | ALL_PDB`
//! while BAR mappings are in use.
//!
//! The same registers serve Hopper and Blackwell: RM uses the TU102 HAL up
//! to GH100 and on Blackwell `kgmmuCommitTlbInvalidate_GB100`, which
//! writes the same `NV_VIRTUAL_FUNCTION_PRIV_MMU_INVALIDATE(_PDB)` names
//! (from `blackwell/gb100/dev_vm.h`; nvsim assumes the offsets did not
//! move); nouveau uses `tu102_vmm_flush` for `gh100_mmu`, also on GB20x.
//!
//! What nvsim does with a trigger: ALL_PDB drops every TLB entry, else
//! the entries of the PDB in the two PDB registers. ALL_VA clear asks for
//! a targeted invalidation, whose VA register dev_vm.h does not show:
//! nvsim logs it once and drops every VA of the PDB. HUBTLB_ONLY makes no
//! difference (nvsim's only TLB is the hub's). REPLAY other than NONE
//! (fault replay and cancel) is logged once and otherwise ignored: nvsim
//! has no replayable faults.
//!
//! After the TLB, the MMU audit ([`super::audit`]) runs, unless
//! `--mmu-audit off`: every VA space whose registered root page directory
//! is the invalidated PDB (all of them for ALL_PDB), and BAR1's tree under
//! GSP-RM's root (`gsprm::bar1`) likewise, is walked from its root and
//! summed up in one log line, with a line per bad entry. An
//! invalidation of a PDB no VA space registered is logged once per PDB.

use std::ops::Range;

use super::audit::{self, Target};
use super::{Gmmu, PdbKey, Scope};
use crate::bar0::{Bar0Model, Bus};

/// `NV_VIRTUAL_FUNCTION_PRIV_MMU_INVALIDATE_PDB`.
pub const MMU_INVALIDATE_PDB: u32 = 0x00b8_30a0;
/// `NV_VIRTUAL_FUNCTION_PRIV_MMU_INVALIDATE_UPPER_PDB`.
pub const MMU_INVALIDATE_UPPER_PDB: u32 = 0x00b8_30a4;
/// `NV_VIRTUAL_FUNCTION_PRIV_MMU_INVALIDATE`.
pub const MMU_INVALIDATE: u32 = 0x00b8_30b0;

/// `..._MMU_INVALIDATE_TRIGGER`.
pub const TRIGGER: u32 = 1 << 31;
/// `..._MMU_INVALIDATE_ALL_VA`.
pub const ALL_VA: u32 = 1 << 0;
/// `..._MMU_INVALIDATE_ALL_PDB`.
pub const ALL_PDB: u32 = 1 << 1;
/// `..._MMU_INVALIDATE_HUBTLB_ONLY`.
pub const HUBTLB_ONLY: u32 = 1 << 2;

/// Writable bits of the PDB register: APERTURE 1 and ADDR 31:4.
const PDB_MASK: u32 = 0xffff_fff2;
/// Writable bits of UPPER_PDB: ADDR 19:0.
const UPPER_MASK: u32 = 0x000f_ffff;
/// Defined bits of the command register.
const CMD_MASK: u32 = 0x87ff_ffff;

/// An invalidation command decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invalidate {
    /// ALL_VA.
    pub all_va: bool,
    /// ALL_PDB.
    pub all_pdb: bool,
    /// HUBTLB_ONLY.
    pub hubtlb_only: bool,
    /// REPLAY (0 NONE).
    pub replay: u32,
    /// SYS_MEMBAR.
    pub sys_membar: bool,
    /// ACK (0 NONE_REQUIRED, 1 GLOBALLY, 2 INTRANODE).
    pub ack: u32,
    /// CACHE_LEVEL (0 ALL, 1 PTE_ONLY, 2.. UP_TO_PDEn).
    pub cache_level: u32,
    /// The PDB of the PDB registers.
    pub pdb: PdbKey,
}

impl Invalidate {
    /// Decodes command `cmd` with the PDB registers `pdb` and `upper`.
    pub fn decode(cmd: u32, pdb: u32, upper: u32) -> Self {
        let addr = (u64::from(pdb >> 4) << 12) | (u64::from(upper & UPPER_MASK) << 40);
        Self {
            all_va: cmd & ALL_VA != 0,
            all_pdb: cmd & ALL_PDB != 0,
            hubtlb_only: cmd & HUBTLB_ONLY != 0,
            replay: (cmd >> 3) & 7,
            sys_membar: cmd & (1 << 6) != 0,
            ack: (cmd >> 7) & 3,
            cache_level: (cmd >> 24) & 7,
            pdb: PdbKey {
                sysmem: pdb & 2 != 0,
                addr,
            },
        }
    }

    /// The PDB register values naming `pdb`: (PDB, UPPER_PDB).
    pub fn encode_pdb(pdb: PdbKey) -> (u32, u32) {
        let lo = (((pdb.addr >> 12) as u32) << 4) | if pdb.sysmem { 2 } else { 0 };
        (lo, ((pdb.addr >> 40) as u32) & UPPER_MASK)
    }
}

/// Where the MMU audit finds the VA spaces to audit (the GSP-RM model's
/// SET_PAGE_DIRECTORY records, or a test's list).
pub type AuditSource = Box<dyn Fn() -> Vec<Target> + Send>;

/// The three registers.
pub struct InvalidateRegs {
    mmu: Gmmu,
    pdb: u32,
    upper: u32,
    cmd: u32,
    audit: Option<AuditSource>,
}

impl InvalidateRegs {
    /// The registers of `mmu`'s TLB, without the audit.
    pub fn new(mmu: Gmmu) -> Self {
        Self {
            mmu,
            pdb: 0,
            upper: 0,
            cmd: 0,
            audit: None,
        }
    }

    /// The same, auditing after each invalidation the VA spaces `source`
    /// gives.
    pub fn with_audit(mut self, source: AuditSource) -> Self {
        self.audit = Some(source);
        self
    }

    /// Audits the VA spaces of `scope` (see [`super::audit`]).
    fn audit(&self, scope: Scope) {
        let Some(source) = &self.audit else {
            return;
        };
        let targets: Vec<Target> = source()
            .into_iter()
            .filter(|t| match scope {
                Scope::All => true,
                Scope::Pdb(p) => PdbKey::of(&t.pd) == p,
            })
            .collect();
        if targets.is_empty() {
            if let Scope::Pdb(p) = scope {
                self.mmu.log_once(format!("audit-unregistered-{p}"), || {
                    format!(
                        "mmu audit: invalidation of pdb {p}, which no VA space registered \
                         (SET_PAGE_DIRECTORY): nothing audited (logged once per pdb)"
                    )
                });
            }
            return;
        }
        let fmt = self.mmu.format();
        for t in &targets {
            let r = audit::audit(self.mmu.memory(), fmt, &t.pd);
            let trace = self.mmu.trace();
            trace.log(r.summary(t, fmt));
            for line in r.error_lines(t) {
                trace.log(line);
            }
        }
    }

    fn trigger(&mut self, cmd: u32) {
        let inv = Invalidate::decode(cmd, self.pdb, self.upper);
        if !inv.all_va {
            self.mmu.log_once("invalidate-targeted".into(), || {
                "mmu: MMU_INVALIDATE with ALL_VA clear: targeted invalidation is not \
                 modelled, every VA of the PDB is invalidated"
                    .into()
            });
        }
        if inv.replay != 0 {
            self.mmu
                .log_once(format!("invalidate-replay-{}", inv.replay), || {
                    format!(
                        "mmu: MMU_INVALIDATE REPLAY = {} ignored: nvsim has no replayable faults",
                        inv.replay
                    )
                });
        }
        let scope = if inv.all_pdb {
            Scope::All
        } else {
            Scope::Pdb(inv.pdb)
        };
        let dropped = self.mmu.invalidate(scope);
        self.mmu.trace().trace(|| {
            format!(
                "mmu: invalidate {}{}{} cache level {} ({dropped} TLB entries dropped)",
                match scope {
                    Scope::All => "all PDBs".to_string(),
                    Scope::Pdb(p) => format!("pdb {p}"),
                },
                if inv.all_va { ", all VAs" } else { "" },
                if inv.hubtlb_only {
                    ", hub TLB only"
                } else {
                    ""
                },
                inv.cache_level
            )
        });
        self.audit(scope);
    }
}

impl Bar0Model for InvalidateRegs {
    fn name(&self) -> &str {
        "MMU_INVALIDATE"
    }

    fn range(&self) -> Range<u32> {
        MMU_INVALIDATE_PDB..MMU_INVALIDATE + 4
    }

    fn read32(&mut self, _bus: &mut Bus<'_>, offset: u32) -> Option<u32> {
        match offset {
            MMU_INVALIDATE_PDB => Some(self.pdb),
            MMU_INVALIDATE_UPPER_PDB => Some(self.upper),
            MMU_INVALIDATE => Some(self.cmd),
            _ => None,
        }
    }

    fn write32(&mut self, _bus: &mut Bus<'_>, offset: u32, value: u32) -> bool {
        match offset {
            MMU_INVALIDATE_PDB => self.pdb = value & PDB_MASK,
            MMU_INVALIDATE_UPPER_PDB => self.upper = value & UPPER_MASK,
            MMU_INVALIDATE => {
                if value & TRIGGER != 0 {
                    self.trigger(value);
                }
                // Done at once: TRIGGER reads back FALSE.
                self.cmd = value & CMD_MASK & !TRIGGER;
            }
            _ => return false,
        }
        true
    }

    fn reg_name(&self, offset: u32) -> Option<String> {
        Some(
            match offset {
                MMU_INVALIDATE_PDB => "NV_VIRTUAL_FUNCTION_PRIV_MMU_INVALIDATE_PDB",
                MMU_INVALIDATE_UPPER_PDB => "NV_VIRTUAL_FUNCTION_PRIV_MMU_INVALIDATE_UPPER_PDB",
                MMU_INVALIDATE => "NV_VIRTUAL_FUNCTION_PRIV_MMU_INVALIDATE",
                _ => return None,
            }
            .to_string(),
        )
    }

    fn reset(&mut self) {
        self.pdb = 0;
        self.upper = 0;
        self.cmd = 0;
        self.mmu.reset();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdb_fields_round_trip() {
        let key = PdbKey {
            sysmem: true,
            addr: 0x0123_4567_8000,
        };
        let (lo, hi) = Invalidate::encode_pdb(key);
        assert_eq!(lo, (0x0123_4567_8000u64 >> 12 << 4) as u32 | 2);
        assert_eq!(hi, 0x1);
        let inv = Invalidate::decode(TRIGGER | ALL_VA | (2 << 7) | (1 << 24), lo, hi);
        assert_eq!(inv.pdb, key);
        assert!(inv.all_va && !inv.all_pdb);
        assert_eq!((inv.ack, inv.cache_level), (2, 1));
        // nouveau's form: addr >> 8 of a 4 KiB-aligned VRAM PDB.
        let inv = Invalidate::decode(TRIGGER | 1, (0x2000_0000u64 >> 8) as u32, 0);
        assert_eq!(
            inv.pdb,
            PdbKey {
                sysmem: false,
                addr: 0x2000_0000
            }
        );
    }
}
