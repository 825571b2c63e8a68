//! FERMI_VASPACE_A objects and the device controls that give an
//! externally owned one its root page directory.
//!
//! Facts (open-gpu-kernel-modules `src/nvidia/src/kernel/gpu/mem_mgr/dma.c`
//! `deviceCtrlCmdDmaSetPageDirectory_IMPL` / `...Unset...`,
//! `mem_mgr/gpu_vaspace.c` `gvaspaceExternalRootDirCommit_IMPL` /
//! `...Revoke_IMPL`, `mem_mgr/vaspace.c`
//! `vaspaceGetByHandleOrDeviceDefault_IMPL`; nouveau `rm/r535/vmm.c`):
//!
//! * the driver that owns its page tables allocates the VA space with
//!   `NV_VASPACE_ALLOCATION_FLAGS_IS_EXTERNALLY_OWNED` and then tells RM
//!   where the root is with SET_PAGE_DIRECTORY on the device (hVASpace
//!   names the VA space; 0 would mean the device's default one);
//! * SET on an externally owned VA space that already has a root:
//!   NV_ERR_INVALID_STATE; an aperture field of 3: NV_ERR_INVALID_ARGUMENT;
//!   a numEntries whose VA limit is beyond the format's:
//!   NV_ERR_INVALID_ARGUMENT; a VA space neither shared-management nor
//!   externally owned: NV_ERR_NOT_SUPPORTED. For an externally owned one RM
//!   only records the root (`_gvaspaceSetExternalPageDirBase`): it builds
//!   and touches no page table;
//! * UNSET on an externally owned VA space forgets the root (NV_OK also
//!   when none was set); on any other it finds no committed root:
//!   NV_ERR_INVALID_STATE.
//!
//! The record ([`PageDir`]) is what the MMU model will use to walk the
//! driver's page tables.

use super::abi::{params, status, Fields};

/// Where the root page directory lives (`..._FLAGS_APERTURE`, bits 1:0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aperture {
    /// 0: video memory.
    Vidmem,
    /// 1: coherent system memory.
    SysmemCoherent,
    /// 2: non-coherent system memory.
    SysmemNoncoherent,
}

impl Aperture {
    fn from_flags(flags: u32) -> Option<Self> {
        match flags & 0x3 {
            0 => Some(Self::Vidmem),
            1 => Some(Self::SysmemCoherent),
            2 => Some(Self::SysmemNoncoherent),
            _ => None,
        }
    }
}

/// A root page directory the driver registered for a VA space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageDir {
    /// `physAddress`.
    pub phys_address: u64,
    /// `numEntries` of the root level.
    pub num_entries: u32,
    /// The aperture of `flags`.
    pub aperture: Aperture,
    /// `flags` as given (aperture, PRESERVE_PDES, ALL_CHANNELS, ...).
    pub flags: u32,
    /// `chId`.
    pub ch_id: u32,
    /// `subDeviceId` (ID+1, 0 for broadcast).
    pub subdevice_id: u32,
    /// `pasid`.
    pub pasid: u32,
}

/// A FERMI_VASPACE_A object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaSpace {
    /// `index` (`NV_VASPACE_ALLOCATION_INDEX_*`).
    pub index: u32,
    /// `flags` (`NV_VASPACE_ALLOCATION_FLAGS_*`).
    pub flags: u32,
    /// `vaSize` (0: RM's default).
    pub va_size: u64,
    /// `bigPageSize` (0: RM's default).
    pub big_page_size: u32,
    /// `vaBase`.
    pub va_base: u64,
    /// The root page directory the driver registered, if any.
    pub page_dir: Option<PageDir>,
}

impl VaSpace {
    /// From `NV_VASPACE_ALLOCATION_PARAMETERS` (at least
    /// [`params::VASPACE`] bytes).
    pub fn from_params(p: &[u8]) -> Self {
        let f = Fields(p);
        Self {
            index: f.u32(0x00),
            flags: f.u32(0x04),
            va_size: f.u64(0x08),
            big_page_size: f.u32(0x20),
            va_base: f.u64(0x28),
            page_dir: None,
        }
    }

    /// Allocated with `IS_EXTERNALLY_OWNED`: the driver owns its page
    /// tables.
    pub fn externally_owned(&self) -> bool {
        self.flags & params::VASPACE_FLAGS_IS_EXTERNALLY_OWNED != 0
    }

    fn shared_management(&self) -> bool {
        self.flags & params::VASPACE_FLAGS_SHARED_MANAGEMENT != 0
    }
}

/// A refusal: the status and why, for the log.
pub type Refusal = (u32, String);

/// `NV0080_CTRL_DMA_SET_PAGE_DIRECTORY_PARAMS` (0x20 bytes): the
/// hVASpace it names and the page directory it describes.
pub fn parse_set(p: &[u8]) -> (u32, PageDir) {
    let f = Fields(p);
    let flags = f.u32(0x0c);
    (
        f.u32(0x10),
        PageDir {
            phys_address: f.u64(0x00),
            num_entries: f.u32(0x08),
            aperture: Aperture::from_flags(flags).unwrap_or(Aperture::Vidmem),
            flags,
            ch_id: f.u32(0x14),
            subdevice_id: f.u32(0x18),
            pasid: f.u32(0x1c),
        },
    )
}

/// `NV0080_CTRL_DMA_UNSET_PAGE_DIRECTORY_PARAMS` (8 bytes): (hVASpace,
/// subDeviceId).
pub fn parse_unset(p: &[u8]) -> (u32, u32) {
    let f = Fields(p);
    (f.u32(0x00), f.u32(0x04))
}

/// SET_PAGE_DIRECTORY's commit on `vas`, in RM's order of checks; a root
/// level of the chip's format holds `root_entries`.
pub fn set(vas: &mut VaSpace, pd: PageDir, root_entries: u32) -> Result<(), Refusal> {
    if vas.externally_owned() {
        if let Some(old) = vas.page_dir {
            return Err((
                status::INVALID_STATE,
                format!(
                    "the VA space already has a root page directory at {:#x}; UNSET it first",
                    old.phys_address
                ),
            ));
        }
    }
    let Some(aperture) = Aperture::from_flags(pd.flags) else {
        return Err((
            status::INVALID_ARGUMENT,
            format!("flags {:#x}: aperture 3 is not an aperture", pd.flags),
        ));
    };
    if pd.num_entries == 0 || pd.num_entries > root_entries {
        return Err((
            status::INVALID_ARGUMENT,
            format!(
                "numEntries {} does not fit the root level's {root_entries} entries",
                pd.num_entries
            ),
        ));
    }
    if !vas.externally_owned() {
        let why = if vas.shared_management() {
            "SET_PAGE_DIRECTORY on a shared-management VA space (RM migrates its own root) is \
             not modelled"
        } else {
            "the VA space is neither externally owned nor shared-management"
        };
        return Err((status::NOT_SUPPORTED, why.to_string()));
    }
    vas.page_dir = Some(PageDir { aperture, ..pd });
    Ok(())
}

/// UNSET_PAGE_DIRECTORY's revoke on `vas`: the page directory it had.
pub fn unset(vas: &mut VaSpace) -> Result<Option<PageDir>, Refusal> {
    if !vas.externally_owned() {
        return Err((
            status::INVALID_STATE,
            "the VA space is not externally owned and has no external root committed".to_string(),
        ));
    }
    Ok(vas.page_dir.take())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vas(flags: u32) -> VaSpace {
        let mut p = [0u8; params::VASPACE];
        p[4..8].copy_from_slice(&flags.to_le_bytes());
        VaSpace::from_params(&p)
    }

    fn pd(flags: u32, n: u32) -> PageDir {
        PageDir {
            phys_address: 0x10_0000,
            num_entries: n,
            aperture: Aperture::Vidmem,
            flags,
            ch_id: 0,
            subdevice_id: 0,
            pasid: 0,
        }
    }

    #[test]
    fn set_and_unset_follow_rms_checks() {
        let mut v = vas(params::VASPACE_FLAGS_IS_EXTERNALLY_OWNED);
        assert_eq!(set(&mut v, pd(3, 4), 4).map_err(|e| e.0), Err(0x1f));
        assert_eq!(set(&mut v, pd(0, 5), 4).map_err(|e| e.0), Err(0x1f));
        assert_eq!(set(&mut v, pd(0, 0), 4).map_err(|e| e.0), Err(0x1f));
        assert_eq!(set(&mut v, pd(1, 4), 4), Ok(()));
        assert_eq!(
            v.page_dir.map(|p| p.aperture),
            Some(Aperture::SysmemCoherent)
        );
        assert_eq!(set(&mut v, pd(0, 4), 4).map_err(|e| e.0), Err(0x40));
        assert_eq!(unset(&mut v).map(|p| p.is_some()), Ok(true));
        assert_eq!(unset(&mut v), Ok(None));
        let mut plain = vas(0);
        assert_eq!(set(&mut plain, pd(0, 4), 4).map_err(|e| e.0), Err(0x56));
        assert_eq!(unset(&mut plain).map_err(|e| e.0), Err(0x40));
    }
}
