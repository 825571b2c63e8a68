//! A GPU booted to GSP_INIT_DONE through the queues, and GSP-RM's object
//! RPCs built from the r570.144 layouts (open-gpu-kernel-modules
//! `g_rpc-structures.h`; nouveau `rm/r535/nvrm/` and `rm/r570/nvrm/`), not
//! with nvsim's own definitions: `rpc_gsp_rm_alloc_v03_00` (hClient,
//! hParent, hObject, hClass, status, paramsSize, flags, reserved[4], params
//! at 0x20), `rpc_gsp_rm_control_v03_00` (hClient, hObject, cmd, status,
//! paramsSize, flags, params at 0x18), `NVOS00_PARAMETERS` (hRoot,
//! hObjectParent, hObjectOld, status). Function numbers: FREE 10,
//! GSP_RM_CONTROL 76, GSP_RM_ALLOC 103. Statuses: `nvstatuscodes.h`. The
//! handles are nouveau's (`rm/handles.h`).

use std::path::{Path, PathBuf};

use super::boot::*;
use super::rig::Rig;
use nvsim::gsprm;
use nvsim::gsprm::rm::vaspace::Aperture;

pub const FREE: u32 = 10;
pub const CONTROL: u32 = 76;
pub const ALLOC: u32 = 103;

pub const OK: u32 = 0;
pub const INSERT_DUPLICATE_NAME: u32 = 0x19;
pub const INVALID_ARGUMENT: u32 = 0x1f;
pub const INVALID_CLASS: u32 = 0x22;
pub const INVALID_OBJECT_HANDLE: u32 = 0x33;
pub const INVALID_OBJECT_PARENT: u32 = 0x36;
pub const INVALID_PARAM_STRUCT: u32 = 0x3a;
pub const INVALID_STATE: u32 = 0x40;
pub const NOT_SUPPORTED: u32 = 0x56;
pub const OBJECT_NOT_FOUND: u32 = 0x57;

pub const NV01_ROOT: u32 = 0x0;
pub const NV01_DEVICE_0: u32 = 0x80;
pub const NV20_SUBDEVICE_0: u32 = 0x2080;
pub const FERMI_VASPACE_A: u32 = 0x90f1;
pub const KEPLER_CHANNEL_GROUP_A: u32 = 0xa06c;

pub const SET_PAGE_DIRECTORY: u32 = 0x0080_1813;
pub const UNSET_PAGE_DIRECTORY: u32 = 0x0080_1814;
pub const GPU_GET_INFO_V2: u32 = 0x2080_0102;
pub const GET_FERMI_GPC_INFO: u32 = 0x2080_0137;
pub const GET_FERMI_TPC_INFO: u32 = 0x2080_0138;
pub const GET_GSP_STATIC_INFO: u32 = 65;

pub const CLIENT: u32 = 0xc1d0_0001;
pub const DEVICE: u32 = 0xde1d_0000;
pub const SUBDEVICE: u32 = 0x5d1d_0000;
pub const VASPACE: u32 = 0x90f1_0000;

pub fn put(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

pub fn put64(b: &mut [u8], at: usize, v: u64) {
    b[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

pub fn get(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// `NV0000_ALLOC_PARAMETERS` of r570.144 (0x78 bytes: hClient, processID,
/// processName[100], pOsPidInfo at 0x70), as nouveau fills it.
pub fn root_params(h: u32) -> Vec<u8> {
    let mut p = vec![0u8; 0x78];
    put(&mut p, 0, h);
    put(&mut p, 4, !0);
    p
}

/// `NV0080_ALLOC_PARAMETERS` (0x38 bytes) for `device_id`, sharing the
/// client's VA spaces (hClientShare), as nouveau's device constructor.
pub fn device_params(device_id: u32, share: u32) -> Vec<u8> {
    let mut p = vec![0u8; 0x38];
    put(&mut p, 0, device_id);
    put(&mut p, 4, share);
    p
}

/// `NV_VASPACE_ALLOCATION_PARAMETERS` (0x30 bytes), index GPU_NEW, with
/// `flags` (bit 3: IS_EXTERNALLY_OWNED).
pub fn vaspace_params(flags: u32) -> Vec<u8> {
    let mut p = vec![0u8; 0x30];
    put(&mut p, 4, flags);
    p
}

/// `NV0080_CTRL_DMA_SET_PAGE_DIRECTORY_PARAMS` (0x20 bytes).
pub fn set_pd(addr: u64, entries: u32, flags: u32, h_vas: u32) -> Vec<u8> {
    let mut p = vec![0u8; 0x20];
    put64(&mut p, 0, addr);
    put(&mut p, 8, entries);
    put(&mut p, 0xc, flags);
    put(&mut p, 0x10, h_vas);
    p
}

/// `NV0080_CTRL_DMA_UNSET_PAGE_DIRECTORY_PARAMS` (8 bytes).
pub fn unset_pd(h_vas: u32) -> Vec<u8> {
    let mut p = vec![0u8; 8];
    put(&mut p, 0, h_vas);
    p
}

pub struct Gsp {
    pub r: Rig,
    pub d: Driver,
    pub dir: PathBuf,
}

impl Gsp {
    /// `chip` booted to GSP_INIT_DONE through the queues: through the
    /// booters (FWSEC-FRTS, booter_load, the CPU sequencer) before Hopper,
    /// through the FSP (the COT with the build root's FMC files, the
    /// lockdown release, no sequencer, `super::fsp::full_boot`) on Hopper
    /// and Blackwell. Panics there if those files are not at hand; see
    /// [`Gsp::try_boot`].
    pub fn boot(chip: &str) -> Gsp {
        Self::boot_with_faults(chip, nvsim::fault::Faults::none())
    }

    /// The same with the step durations `timing`.
    pub fn boot_with_timing(chip: &str, timing: nvsim::timing::Timing) -> Gsp {
        Self::boot_with(chip, nvsim::fault::Faults::none(), timing)
    }

    /// The same with fault injection.
    pub fn boot_with_faults(chip: &str, faults: nvsim::fault::Faults) -> Gsp {
        Self::boot_with(chip, faults, nvsim::timing::Timing::fast())
    }

    fn boot_with(chip: &str, faults: nvsim::fault::Faults, timing: nvsim::timing::Timing) -> Gsp {
        Self::try_boot_with(chip, faults, timing).unwrap_or_else(|| {
            panic!(
                "{chip} boots through the FSP: no nvidia/{chip}/gsp/fmc-570.144.bin under \
                 NOVA_FW_DIR, /usr/lib/firmware or the build root"
            )
        })
    }

    /// [`Gsp::boot`], or `None` on an FSP chip whose FMC and bootloader
    /// files are not at hand (`super::fsp::real_fw`).
    pub fn try_boot(chip: &str) -> Option<Gsp> {
        Self::try_boot_with(
            chip,
            nvsim::fault::Faults::none(),
            nvsim::timing::Timing::fast(),
        )
    }

    /// [`Gsp::try_boot`] with fault injection and step durations.
    pub fn try_boot_with(
        chip: &str,
        faults: nvsim::fault::Faults,
        timing: nvsim::timing::Timing,
    ) -> Option<Gsp> {
        let c = nvsim::chip::Chip::by_name(chip).expect("chip");
        let (dir, fsp) = if c.arch.has_fsp() {
            let f = super::fsp::Files::new(chip)?;
            (f.dir.clone(), Some(f))
        } else {
            (fw_dir(chip), None)
        };
        let mut setup = nvsim::device::Setup::new(c);
        setup.firmware = dir.clone();
        setup.faults = faults;
        setup.timing = timing;
        let mut r = Rig::from_setup(c, setup);
        r.register_flush_page(super::rig::FLUSH_PAGE);
        let d = match fsp {
            Some(f) => {
                super::fsp::map_ram2(&mut r);
                super::fsp::full_boot(&mut r, &f)
            }
            None => {
                assert_eq!(boot_to_booter_load(&mut r), (true, 0), "booter_load");
                let mut d = Driver::new();
                assert!(d.boot_rpcs(&mut r), "GSP_INIT_DONE");
                d
            }
        };
        Some(Gsp { r, d, dir })
    }

    /// Sends `function` with `payload`; returns the reply's RPC result and
    /// payload.
    pub fn rpc(&mut self, function: u32, payload: &[u8]) -> (u32, Vec<u8>) {
        self.d.send(&mut self.r, function, payload);
        let (f, result, _, p) = self.d.wait(&mut self.r, function).expect("a reply");
        assert_eq!(f, function);
        (result, p)
    }

    /// GSP_RM_ALLOC with `params` as paramsSize; returns the status and
    /// the reply's hObject.
    pub fn alloc_raw(&mut self, h: [u32; 3], class: u32, params: &[u8], size: u32) -> (u32, u32) {
        let mut m = vec![0u8; 0x20];
        put(&mut m, 0, h[0]);
        put(&mut m, 4, h[1]);
        put(&mut m, 8, h[2]);
        put(&mut m, 0xc, class);
        put(&mut m, 0x14, size);
        m.extend_from_slice(params);
        let (result, p) = self.rpc(ALLOC, &m);
        assert_eq!(result, OK, "the RPC itself is carried out");
        assert_eq!(p.len(), m.len(), "the reply is the request's structure");
        (get(&p, 0x10), get(&p, 8))
    }

    pub fn alloc(
        &mut self,
        client: u32,
        parent: u32,
        object: u32,
        class: u32,
        params: &[u8],
    ) -> u32 {
        self.alloc_raw([client, parent, object], class, params, params.len() as u32)
            .0
    }

    /// GSP_RM_CONTROL; returns the status.
    pub fn control(&mut self, client: u32, object: u32, cmd: u32, params: &[u8]) -> u32 {
        self.control_reply(client, object, cmd, params).0
    }

    /// GSP_RM_CONTROL; returns the status and the reply's parameters.
    pub fn control_reply(
        &mut self,
        client: u32,
        object: u32,
        cmd: u32,
        params: &[u8],
    ) -> (u32, Vec<u8>) {
        let mut m = vec![0u8; 0x18];
        put(&mut m, 0, client);
        put(&mut m, 4, object);
        put(&mut m, 8, cmd);
        put(&mut m, 0x10, params.len() as u32);
        m.extend_from_slice(params);
        let (result, p) = self.rpc(CONTROL, &m);
        assert_eq!(result, OK, "the RPC itself is carried out");
        assert_eq!(p.len(), m.len());
        (get(&p, 0xc), p[0x18..].to_vec())
    }

    /// FREE as nouveau sends it (hObjectParent 0); returns the status.
    pub fn free(&mut self, client: u32, object: u32) -> u32 {
        let mut m = vec![0u8; 0x10];
        put(&mut m, 0, client);
        put(&mut m, 8, object);
        let (result, p) = self.rpc(FREE, &m);
        assert_eq!(result, OK);
        get(&p, 0xc)
    }

    /// The client, device and subdevice nouveau allocates
    /// (`r535_gsp_client_ctor`, `r535_gsp_device_ctor`).
    pub fn client_device(&mut self, client: u32) {
        assert_eq!(
            self.alloc(client, client, client, NV01_ROOT, &root_params(client)),
            OK
        );
        assert_eq!(
            self.alloc(
                client,
                client,
                DEVICE,
                NV01_DEVICE_0,
                &device_params(0, client)
            ),
            OK
        );
        assert_eq!(
            self.alloc(client, DEVICE, SUBDEVICE, NV20_SUBDEVICE_0, &[0; 4]),
            OK
        );
    }

    pub fn page_dir(&self, client: u32, vas: u32) -> Option<(u64, u32, Aperture)> {
        let g = gsprm::lock(&self.r.gpu.gsp_rm);
        let pd = g.rm_objects()?.page_directory(client, vas)?;
        Some((pd.phys_address, pd.num_entries, pd.aperture))
    }

    /// The driver's objects: GSP-RM's own internal client, device and
    /// subdevice not counted.
    pub fn objects(&self) -> usize {
        gsprm::lock(&self.r.gpu.gsp_rm)
            .rm_objects()
            .map_or(0, |o| o.len() - gsprm::rm::INTERNAL_OBJECTS)
    }

    pub fn logged(&self, needle: &str) -> usize {
        self.r.logged(needle)
    }

    pub fn done(self) {
        cleanup(&self.dir);
    }
}

pub fn cleanup(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}
