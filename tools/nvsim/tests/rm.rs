//! GSP-RM objects over the queues, as a driver allocates them: a client,
//! its device, subdevice and externally owned VA space, the page directory
//! controls, every refusal with its status, and freeing.
//!
//! The messages are built here from the r570.144 layouts
//! (open-gpu-kernel-modules `g_rpc-structures.h`; nouveau `rm/r535/nvrm/`
//! and `rm/r570/nvrm/`), not with nvsim's own definitions:
//! `rpc_gsp_rm_alloc_v03_00` (hClient, hParent, hObject, hClass, status,
//! paramsSize, flags, reserved[4], params at 0x20), `rpc_gsp_rm_control_v03_00`
//! (hClient, hObject, cmd, status, paramsSize, flags, params at 0x18),
//! `NVOS00_PARAMETERS` (hRoot, hObjectParent, hObjectOld, status). Function
//! numbers: FREE 10, GSP_RM_CONTROL 76, GSP_RM_ALLOC 103. Statuses:
//! `nvstatuscodes.h`. The handles are nouveau's (`rm/handles.h`).

mod common;

use common::gsp::*;
use nvsim::gsprm::rm::vaspace::Aperture;

#[test]
fn client_device_subdevice_vaspace_and_page_directory() {
    for chip in ["ga102", "ad102"] {
        let mut g = Gsp::boot(chip);
        g.client_device(CLIENT);
        // nouveau's r535_mmu_vaspace_new(..., external = true).
        assert_eq!(
            g.alloc(
                CLIENT,
                DEVICE,
                VASPACE,
                FERMI_VASPACE_A,
                &vaspace_params(1 << 3)
            ),
            OK
        );
        assert_eq!(g.objects(), 4, "{chip}");
        // Its page directory: 4 root entries of the ver2 format, in VRAM.
        assert_eq!(
            g.control(
                CLIENT,
                DEVICE,
                SET_PAGE_DIRECTORY,
                &set_pd(0x20_0000, 4, 0, VASPACE)
            ),
            OK
        );
        assert_eq!(
            g.page_dir(CLIENT, VASPACE),
            Some((0x20_0000, 4, Aperture::Vidmem))
        );
        // A second SET without UNSET: the root is already there.
        assert_eq!(
            g.control(
                CLIENT,
                DEVICE,
                SET_PAGE_DIRECTORY,
                &set_pd(0x30_0000, 4, 0, VASPACE)
            ),
            INVALID_STATE
        );
        assert_eq!(
            g.control(CLIENT, DEVICE, UNSET_PAGE_DIRECTORY, &unset_pd(VASPACE)),
            OK
        );
        assert_eq!(g.page_dir(CLIENT, VASPACE), None);
        // Now in coherent system memory.
        assert_eq!(
            g.control(
                CLIENT,
                DEVICE,
                SET_PAGE_DIRECTORY,
                &set_pd(0x4000_0000, 4, 1, VASPACE)
            ),
            OK
        );
        assert_eq!(
            g.page_dir(CLIENT, VASPACE),
            Some((0x4000_0000, 4, Aperture::SysmemCoherent))
        );
        // --trace: each object and control.
        assert_eq!(g.logged("RM object allocated"), 4, "{chip}");
        assert_eq!(g.logged("RM control"), 4, "{chip}");
        assert_eq!(
            g.logged("NV01_DEVICE_0"),
            1,
            "{chip}: one line, the allocation"
        );
        g.done();
    }
}

#[test]
fn each_allocation_refusal_has_rms_status() {
    let mut g = Gsp::boot("ga102");
    g.client_device(CLIENT);
    let vas = vaspace_params(1 << 3);
    // A class RM does not have.
    assert_eq!(g.alloc(CLIENT, DEVICE, 0x10, 0x1234, &[]), INVALID_CLASS);
    // A class RM has and nvsim does not model: logged once.
    for _ in 0..2 {
        assert_eq!(
            g.alloc(CLIENT, DEVICE, 0x11, KEPLER_CHANNEL_GROUP_A, &[0; 0x40]),
            NOT_SUPPORTED
        );
    }
    assert_eq!(g.logged("KEPLER_CHANNEL_GROUP_A) is not modelled"), 1);
    // Unknown client; unknown parent.
    assert_eq!(
        g.alloc(0xdead, DEVICE, 0x12, NV20_SUBDEVICE_0, &[0; 4]),
        INVALID_OBJECT_HANDLE
    );
    assert_eq!(
        g.alloc(CLIENT, 0xbeef, 0x12, NV20_SUBDEVICE_0, &[0; 4]),
        OBJECT_NOT_FOUND
    );
    // Parent rules: a subdevice and a VA space cannot live under a client,
    // a device not under a device; no object may take the client's handle.
    assert_eq!(
        g.alloc(CLIENT, CLIENT, 0x12, NV20_SUBDEVICE_0, &[0; 4]),
        INVALID_OBJECT_PARENT
    );
    assert_eq!(
        g.alloc(CLIENT, CLIENT, 0x12, FERMI_VASPACE_A, &vas),
        INVALID_OBJECT_PARENT
    );
    assert_eq!(
        g.alloc(
            CLIENT,
            DEVICE,
            0x12,
            NV01_DEVICE_0,
            &device_params(0, CLIENT)
        ),
        INVALID_OBJECT_PARENT
    );
    assert_eq!(
        g.alloc(CLIENT, DEVICE, CLIENT, NV20_SUBDEVICE_0, &[0; 4]),
        INVALID_OBJECT_PARENT
    );
    // A VA space under the subdevice is allowed too.
    assert_eq!(g.alloc(CLIENT, SUBDEVICE, 0x13, FERMI_VASPACE_A, &vas), OK);
    // Duplicate handles, of an object and of a client.
    assert_eq!(
        g.alloc(CLIENT, DEVICE, SUBDEVICE, NV20_SUBDEVICE_0, &[0; 4]),
        INSERT_DUPLICATE_NAME
    );
    assert_eq!(
        g.alloc(CLIENT, CLIENT, CLIENT, NV01_ROOT, &root_params(CLIENT)),
        INSERT_DUPLICATE_NAME
    );
    // Parameter sizes: not the structure's, beyond the message, missing.
    assert_eq!(
        g.alloc(CLIENT, CLIENT, 0x14, NV01_DEVICE_0, &[0; 0x30]),
        INVALID_PARAM_STRUCT
    );
    assert_eq!(
        g.alloc_raw([CLIENT, DEVICE, 0x14], NV20_SUBDEVICE_0, &[0; 4], 0x40)
            .0,
        INVALID_PARAM_STRUCT
    );
    assert_eq!(
        g.alloc(CLIENT, DEVICE, 0x14, FERMI_VASPACE_A, &[]),
        INVALID_ARGUMENT
    );
    assert_eq!(
        g.alloc(CLIENT, CLIENT, 0x14, NV01_DEVICE_0, &[]),
        INVALID_ARGUMENT
    );
    // Device instances: one GPU, and NV_MAX_DEVICES (32).
    assert_eq!(
        g.alloc(
            CLIENT,
            CLIENT,
            0x14,
            NV01_DEVICE_0,
            &device_params(1, CLIENT)
        ),
        INVALID_STATE
    );
    assert_eq!(
        g.alloc(
            CLIENT,
            CLIENT,
            0x14,
            NV01_DEVICE_0,
            &device_params(32, CLIENT)
        ),
        INVALID_ARGUMENT
    );
    // A message shorter than rpc_gsp_rm_alloc_v03_00: the RPC fails.
    let (result, _) = g.rpc(ALLOC, &[0u8; 8]);
    assert_eq!(result, INVALID_PARAM_STRUCT);
    // None of it left an object behind: client, device, subdevice and
    // the VA space under the subdevice.
    assert_eq!(g.objects(), 4);
    g.done();
}

#[test]
fn each_control_refusal_has_rms_status() {
    let mut g = Gsp::boot("ga102");
    g.client_device(CLIENT);
    let ext = vaspace_params(1 << 3);
    assert_eq!(g.alloc(CLIENT, DEVICE, VASPACE, FERMI_VASPACE_A, &ext), OK);
    assert_eq!(
        g.alloc(
            CLIENT,
            DEVICE,
            0x90f1_0001,
            FERMI_VASPACE_A,
            &vaspace_params(0)
        ),
        OK
    );
    let pd = |h| set_pd(0x20_0000, 4, 0, h);
    // Unknown client, unknown object.
    assert_eq!(
        g.control(0xdead, DEVICE, SET_PAGE_DIRECTORY, &pd(VASPACE)),
        INVALID_OBJECT_HANDLE
    );
    assert_eq!(
        g.control(CLIENT, 0xbeef, SET_PAGE_DIRECTORY, &pd(VASPACE)),
        OBJECT_NOT_FOUND
    );
    // A command of another class; a command nvsim does not model (logged
    // once).
    assert_eq!(
        g.control(CLIENT, SUBDEVICE, SET_PAGE_DIRECTORY, &pd(VASPACE)),
        NOT_SUPPORTED
    );
    for _ in 0..2 {
        assert_eq!(
            g.control(CLIENT, SUBDEVICE, GPU_GET_INFO_V2, &[0; 8]),
            NOT_SUPPORTED
        );
    }
    assert_eq!(g.logged("cmd 0x20800102 on NV20_SUBDEVICE_0"), 1);
    // Wrong parameter size.
    assert_eq!(
        g.control(CLIENT, DEVICE, SET_PAGE_DIRECTORY, &[0; 0x18]),
        INVALID_PARAM_STRUCT
    );
    // hVASpace: unknown, not a VA space, 0 (the device default).
    assert_eq!(
        g.control(CLIENT, DEVICE, SET_PAGE_DIRECTORY, &pd(0x1234)),
        OBJECT_NOT_FOUND
    );
    assert_eq!(
        g.control(CLIENT, DEVICE, SET_PAGE_DIRECTORY, &pd(SUBDEVICE)),
        INVALID_OBJECT_HANDLE
    );
    assert_eq!(
        g.control(CLIENT, DEVICE, SET_PAGE_DIRECTORY, &pd(0)),
        NOT_SUPPORTED
    );
    // Aperture 3; more root entries than the format has (4), or none.
    assert_eq!(
        g.control(
            CLIENT,
            DEVICE,
            SET_PAGE_DIRECTORY,
            &set_pd(0x20_0000, 4, 3, VASPACE)
        ),
        INVALID_ARGUMENT
    );
    assert_eq!(
        g.control(
            CLIENT,
            DEVICE,
            SET_PAGE_DIRECTORY,
            &set_pd(0x20_0000, 5, 0, VASPACE)
        ),
        INVALID_ARGUMENT
    );
    assert_eq!(
        g.control(
            CLIENT,
            DEVICE,
            SET_PAGE_DIRECTORY,
            &set_pd(0x20_0000, 0, 0, VASPACE)
        ),
        INVALID_ARGUMENT
    );
    // A VA space RM manages itself.
    assert_eq!(
        g.control(CLIENT, DEVICE, SET_PAGE_DIRECTORY, &pd(0x90f1_0001)),
        NOT_SUPPORTED
    );
    assert_eq!(
        g.control(CLIENT, DEVICE, UNSET_PAGE_DIRECTORY, &unset_pd(0x90f1_0001)),
        INVALID_STATE
    );
    // UNSET of an externally owned VA space without a root: nothing to do.
    assert_eq!(
        g.control(CLIENT, DEVICE, UNSET_PAGE_DIRECTORY, &unset_pd(VASPACE)),
        OK
    );
    assert_eq!(g.page_dir(CLIENT, VASPACE), None);
    // A message shorter than rpc_gsp_rm_control_v03_00.
    let (result, _) = g.rpc(CONTROL, &[0u8; 0x10]);
    assert_eq!(result, INVALID_PARAM_STRUCT);
    g.done();
}

#[test]
fn freeing_a_parent_frees_its_children_and_the_client_everything() {
    let mut g = Gsp::boot("ga102");
    g.client_device(CLIENT);
    let ext = vaspace_params(1 << 3);
    assert_eq!(g.alloc(CLIENT, DEVICE, VASPACE, FERMI_VASPACE_A, &ext), OK);
    assert_eq!(
        g.alloc(CLIENT, SUBDEVICE, 0x90f1_0002, FERMI_VASPACE_A, &ext),
        OK
    );
    assert_eq!(
        g.control(
            CLIENT,
            DEVICE,
            SET_PAGE_DIRECTORY,
            &set_pd(0x20_0000, 4, 0, VASPACE)
        ),
        OK
    );
    assert_eq!(g.objects(), 5);
    // The device goes with its subdevice and both VA spaces, children
    // before their parents.
    assert_eq!(g.free(CLIENT, DEVICE), OK);
    assert_eq!(g.objects(), 1, "the client is left");
    let freed: Vec<String> =
        g.r.trace
            .lines()
            .into_iter()
            .filter(|l| l.contains("RM object freed"))
            .collect();
    assert_eq!(freed.len(), 4, "{freed:?}");
    let at = |h: &str| freed.iter().position(|l| l.contains(h));
    assert!(at("0x90f10002") < at("0x5d1d0000"), "{freed:?}");
    assert!(at("0x5d1d0000") < at("0xde1d0000"), "{freed:?}");
    assert!(at("0x90f10000") < at("0xde1d0000"), "{freed:?}");
    assert_eq!(g.page_dir(CLIENT, VASPACE), None);
    // The handles are gone: the subdevice's parent is not found, the VA
    // space is not there for a control, and the device's handle can be
    // used again.
    assert_eq!(
        g.alloc(CLIENT, DEVICE, SUBDEVICE, NV20_SUBDEVICE_0, &[0; 4]),
        OBJECT_NOT_FOUND
    );
    assert_eq!(
        g.control(CLIENT, VASPACE, SET_PAGE_DIRECTORY, &[0; 0x20]),
        OBJECT_NOT_FOUND
    );
    assert_eq!(
        g.alloc(
            CLIENT,
            CLIENT,
            DEVICE,
            NV01_DEVICE_0,
            &device_params(0, CLIENT)
        ),
        OK
    );
    // Freeing an object the client does not have: NV_OK, as RM.
    assert_eq!(g.free(CLIENT, 0x4444), OK);
    // Freeing the client frees everything; the client is unknown then.
    assert_eq!(g.free(CLIENT, CLIENT), OK);
    assert_eq!(g.objects(), 0);
    assert_eq!(g.free(CLIENT, DEVICE), INVALID_OBJECT_HANDLE);
    assert_eq!(
        g.control(CLIENT, DEVICE, SET_PAGE_DIRECTORY, &[0; 0x20]),
        INVALID_OBJECT_HANDLE
    );
    assert_eq!(
        g.alloc(
            CLIENT,
            CLIENT,
            DEVICE,
            NV01_DEVICE_0,
            &device_params(0, CLIENT)
        ),
        INVALID_OBJECT_HANDLE
    );
    // And the client handle can be allocated again.
    g.client_device(CLIENT);
    assert_eq!(g.objects(), 3);
    g.done();
}

#[test]
fn handles_are_per_client_and_rm_picks_one_for_zero() {
    let mut g = Gsp::boot("ga102");
    let other = 0xc1d0_0002;
    g.client_device(CLIENT);
    // The same device and subdevice handles in another client.
    g.client_device(other);
    assert_eq!(g.objects(), 6);
    // A VA space of one client is not the other's.
    let ext = vaspace_params(1 << 3);
    assert_eq!(g.alloc(CLIENT, DEVICE, VASPACE, FERMI_VASPACE_A, &ext), OK);
    assert_eq!(
        g.control(
            other,
            DEVICE,
            SET_PAGE_DIRECTORY,
            &set_pd(0x20_0000, 4, 0, VASPACE)
        ),
        OBJECT_NOT_FOUND
    );
    // hObject 0: RM picks the handle and returns it.
    let (st, h) = g.alloc_raw([CLIENT, DEVICE, 0], FERMI_VASPACE_A, &ext, 0x30);
    assert_eq!((st, h), (OK, 0xcaf0_0000));
    let (st, h) = g.alloc_raw([CLIENT, DEVICE, 0], FERMI_VASPACE_A, &ext, 0x30);
    assert_eq!((st, h), (OK, 0xcaf0_0001));
    let (st, h) = g.alloc_raw([0, 0, 0], NV01_ROOT, &[], 0);
    assert_eq!((st, h), (OK, 0xc1d0_0000));
    // Freeing one client leaves the other whole.
    assert_eq!(g.free(CLIENT, CLIENT), OK);
    assert_eq!(
        g.objects(),
        4,
        "the other client's three and the new client"
    );
    assert_eq!(g.alloc(other, DEVICE, VASPACE, FERMI_VASPACE_A, &ext), OK);
    g.done();
}

/// r570.144's `GspStaticConfigInfo` has no GPC/TPC fields: nouveau's r570
/// code takes GSP-RM's internal handles from it (`hInternalClient` 0x640,
/// `hInternalDevice` 0x644, `hInternalSubdevice` 0x648) and asks the
/// internal subdevice for the GPC mask, then each enabled GPC's TPC mask
/// (`r570_gsp_get_static_info`, `r570_gr_gpc_mask`, `r570_gr_tpc_mask`).
/// The counts are the boards' (RTX 3090 7/41, RTX 4090 11/64, from
/// NVIDIA's whitepapers; the boot rig is GA102-class, the other chips'
/// masks are checked in `chip.rs`). The same controls work on the
/// driver's own subdevice.
#[test]
fn gpc_and_tpc_masks_through_the_internal_subdevice() {
    for (chip, want_gpcs, want_tpcs) in [("ga102", 7, 41), ("ad102", 11, 64)] {
        let mut g = Gsp::boot(chip);
        let (result, si) = g.rpc(GET_GSP_STATIC_INFO, &[0u8; 0x678]);
        assert_eq!((result, si.len()), (OK, 0x678), "{chip}");
        let (hc, hs) = (get(&si, 0x640), get(&si, 0x648));
        assert_ne!(hc, 0, "{chip}: hInternalClient");
        assert_ne!(get(&si, 0x644), 0, "{chip}: hInternalDevice");
        let (st, p) = g.control_reply(hc, hs, GET_FERMI_GPC_INFO, &[0; 4]);
        assert_eq!(st, OK, "{chip}");
        let gpc_mask = get(&p, 0);
        let (mut gpcs, mut tpcs) = (0, 0);
        for gpc in 0..32 {
            let mut q = vec![0u8; 8];
            put(&mut q, 0, gpc);
            let (st, p) = g.control_reply(hc, hs, GET_FERMI_TPC_INFO, &q);
            assert_eq!((st, get(&p, 0)), (OK, gpc), "{chip}: gpcId kept");
            let tpc_mask = get(&p, 4);
            if gpc_mask & (1 << gpc) != 0 {
                gpcs += 1;
                tpcs += tpc_mask.count_ones();
            } else {
                assert_eq!(tpc_mask, 0, "{chip}: GPC {gpc} is not enabled");
            }
        }
        assert_eq!((gpcs, tpcs), (want_gpcs, want_tpcs), "{chip}");
        // The driver's own subdevice answers the same; a wrong size does not.
        g.client_device(CLIENT);
        let (st, p) = g.control_reply(CLIENT, SUBDEVICE, GET_FERMI_GPC_INFO, &[0; 4]);
        assert_eq!((st, get(&p, 0)), (OK, gpc_mask), "{chip}");
        assert_eq!(
            g.control(CLIENT, SUBDEVICE, GET_FERMI_TPC_INFO, &[0; 4]),
            INVALID_PARAM_STRUCT
        );
        // On the device it is not a command of the class.
        assert_eq!(
            g.control(CLIENT, DEVICE, GET_FERMI_GPC_INFO, &[0; 4]),
            NOT_SUPPORTED
        );
        g.done();
    }
}
