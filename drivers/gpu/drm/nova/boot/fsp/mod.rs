// SPDX-License-Identifier: GPL-2.0

//! The GSP boot through the FSP (Hopper, Blackwell).
//!
//! On these chips no driver-loaded ucode sets up WPR2 or starts the GSP:
//! the FSP, which booted with the GPU, checks the GSP's first mutable code
//! (the FMC, `fmc-570.144.bin`) against the hash, key and signature the
//! driver passes it in one Chain-of-Trust (COT) message, and the FMC then
//! places GSP-RM in WPR2 as the WPR metadata describes it and starts it
//! with the libos arguments of the boot parameters. The steps nova runs:
//!
//! 1. wait for the FSP's secure boot ([`wait_secure_boot`]);
//! 2. the FMC image in DMA memory ([`Fmc`]) and the boot parameters
//!    ([`boot_params`]);
//! 3. the COT message and the FSP's response ([`chain_of_trust`]);
//! 4. wait until the FMC released the GSP's register lockdown
//!    ([`wait_lockdown_release`]), then the RISC-V core runs GSP-RM, which
//!    from here on is driven as on the other chips.
//!
//! Nothing is sent to the FSP at unload: once GSP-RM suspended, the host
//! waits for the GSP's RISC-V core to halt ([`wait_gsp_halted`]).
//!
//! Sources: `Documentation/gpu/nova/core/fsp.rst` and nova-core `fsp.rs`,
//! `gsp/hal/gh100.rs` (Linux 7.3); open-gpu-kernel-modules 570.144
//! `kern_fsp_gh100.c` (`kfspPrepareBootCommands_GH100`,
//! `kfspSendBootCommands_GH100`) and `kernel_gsp_gh100.c`
//! (`kgspBootstrap_GH100`, `_kgspIsLockdownReleased`); nouveau
//! `nvkm/subdev/fsp/gh100.c`. The facts, checked, are in the repository's
//! `docs/fsp-facts.md`.

pub(crate) mod boot;
pub(crate) mod emem;
pub(crate) mod hal;
pub(crate) mod regs;

use core::mem::size_of;

use kernel::{
    device::Bound,
    dma::{
        Coherent,
        CoherentBox, //
    },
    io::poll::read_poll_timeout,
    pci,
    prelude::*,
    time::Delta,
    transmute::{
        AsBytes,
        FromBytes, //
    },
};

pub(crate) use hal::FspHal;

use crate::{
    chip::Chip,
    falcon::Falcon,
    firmware::{
        self,
        parse::fmc::FmcImage, //
    },
    gpu::Bar0,
    gsp::fw::{
        nvdm_header,
        split64,
        FspCotMessage,
        FspResponse,
        GspAcrBootGspRmParams,
        GspFmcBootParams,
        GspRmParams,
        COT_HASH_SIZE,
        COT_KEY_SIZE,
        COT_PAYLOAD_SIZE,
        GSP_DMA_TARGET_COHERENT_SYSTEM,
        GSP_DMA_TARGET_NONCOHERENT_SYSTEM,
        MCTP_SOM_EOM,
        NVDM_TYPE_COT,
        NVDM_TYPE_FSP_RESPONSE, //
    },
};

/// The FMC image file.
pub(crate) const FMC: &str = "fmc-570.144.bin";

/// How long the FSP may take to finish its secure boot.
const SECURE_BOOT_TIMEOUT: Delta = Delta::from_secs(5);
/// How long the FMC may take to start GSP-RM after the COT.
const LOCKDOWN_TIMEOUT: Delta = Delta::from_secs(30);
/// How long the RISC-V core may take to halt at unload.
const HALT_TIMEOUT: Delta = Delta::from_secs(5);

/// Step 1: waits until the FSP finished its secure boot.
pub(crate) fn wait_secure_boot(
    pdev: &pci::Device<Bound>,
    bar: &Bar0<'_>,
    fsp: &dyn FspHal,
) -> Result {
    read_poll_timeout(
        || Ok(fsp.secure_boot_complete(bar)),
        |&done| done,
        Delta::from_millis(10),
        SECURE_BOOT_TIMEOUT,
    )
    .map(drop)
    .inspect_err(|e| {
        dev_err!(
            pdev,
            "FSP: secure boot not complete after {} s: {:?}\n",
            SECURE_BOOT_TIMEOUT.as_millis() / 1000,
            e
        )
    })
}

/// The FMC image in DMA memory, and what the COT message says of it.
pub(crate) struct Fmc {
    /// The `image` section, where the FSP reads it.
    image: Coherent<[u8]>,
    hash: [u8; COT_HASH_SIZE],
    public_key: [u8; COT_KEY_SIZE],
    signature: [u8; COT_KEY_SIZE],
}

/// `src` at the start of a zeroed field of `N` bytes; `EINVAL` if longer.
fn padded<const N: usize>(src: &[u8]) -> Result<[u8; N]> {
    let mut out = [0u8; N];
    out.get_mut(..src.len()).ok_or(EINVAL)?.copy_from_slice(src);
    Ok(out)
}

impl Fmc {
    /// Loads and checks the FMC file of `chip` and copies its image into
    /// DMA memory.
    pub(crate) fn load(pdev: &pci::Device<Bound>, chip: &Chip) -> Result<KBox<Self>> {
        let dev = pdev.as_ref();
        let fw = firmware::request_checked(dev, chip, FMC)?;
        let fmc = FmcImage::parse(fw.data()).map_err(|_| EINVAL)?;
        let image: Coherent<[u8]> = CoherentBox::from_slice(dev, fmc.image, GFP_KERNEL)
            .inspect_err(|e| dev_err!(pdev, "FSP: the FMC image in DMA memory: {:?}\n", e))?
            .into();
        Ok(KBox::new(
            Self {
                image,
                hash: padded(fmc.hash)?,
                public_key: padded(fmc.public_key)?,
                signature: padded(fmc.signature)?,
            },
            GFP_KERNEL,
        )?)
    }

    /// Size of the image.
    pub(crate) fn size(&self) -> usize {
        self.image.size()
    }
}

/// Step 2: the FMC's boot parameters: the WPR metadata at `wpr_meta`
/// (coherent system memory) and GSP-RM's libos arguments at `libos`.
pub(crate) fn boot_params(
    pdev: &pci::Device<Bound>,
    wpr_meta: u64,
    wpr_meta_size: usize,
    libos: u64,
) -> Result<Coherent<[u8]>> {
    let p = GspFmcBootParams {
        boot_gsp_rm_params: GspAcrBootGspRmParams {
            target: GSP_DMA_TARGET_COHERENT_SYSTEM,
            gsp_rm_desc_size: u32::try_from(wpr_meta_size).map_err(|_| EINVAL)?,
            gsp_rm_desc_offset: wpr_meta,
            is_gsp_rm_boot: 1,
            ..Zeroable::zeroed()
        },
        gsp_rm_params: GspRmParams {
            target: GSP_DMA_TARGET_NONCOHERENT_SYSTEM,
            boot_args_offset: libos,
            ..Zeroable::zeroed()
        },
        ..Zeroable::zeroed()
    };
    Ok(
        CoherentBox::from_slice(pdev.as_ref(), p.as_bytes(), GFP_KERNEL)
            .inspect_err(|e| dev_err!(pdev, "FSP: the FMC boot parameters: {:?}\n", e))?
            .into(),
    )
}

/// Step 3: sends the COT message for `fmc` with the boot parameters at
/// `boot_params` and checks the FSP's response.
pub(crate) fn chain_of_trust(
    pdev: &pci::Device<Bound>,
    bar: &Bar0<'_>,
    fsp: &dyn FspHal,
    fmc: &Fmc,
    boot_params: u64,
) -> Result {
    let msg = KBox::new(
        FspCotMessage {
            mctp: MCTP_SOM_EOM,
            nvdm: nvdm_header(NVDM_TYPE_COT),
            version: fsp.cot_version(),
            size: COT_PAYLOAD_SIZE,
            gsp_fmc_sysmem_offset: split64(fmc.image.dma_address()),
            frts_vidmem_offset: split64(hal::frts_vidmem_offset(fsp)),
            frts_vidmem_size: FRTS_SIZE,
            hash384: fmc.hash,
            public_key: fmc.public_key,
            signature: fmc.signature,
            gsp_boot_args_sysmem_offset: split64(boot_params),
            ..Zeroable::zeroed()
        },
        GFP_KERNEL,
    )?;
    emem::send(bar, msg.as_bytes())
        .inspect_err(|e| dev_err!(pdev, "FSP: sending the COT message: {:?}\n", e))?;
    let mut buf = KBox::new([0u8; emem::CHANNEL_SIZE], GFP_KERNEL)?;
    let len = emem::recv(bar, &mut buf)
        .inspect_err(|e| dev_err!(pdev, "FSP: no response to the COT message: {:?}\n", e))?;
    let resp = buf
        .get(..len)
        .and_then(|b| b.get(..size_of::<FspResponse>()))
        .and_then(FspResponse::from_bytes_copy)
        .ok_or_else(|| {
            dev_err!(pdev, "FSP: COT response of {} bytes is too short\n", len);
            EPROTO
        })?;
    // Bit 7 of the NVDM header (integrity check) is not part of the type.
    if resp.mctp & MCTP_SOM_EOM != MCTP_SOM_EOM
        || resp.nvdm & !0x80 != nvdm_header(NVDM_TYPE_FSP_RESPONSE)
        || resp.command_nvdm_type != u32::from(NVDM_TYPE_COT)
    {
        dev_err!(
            pdev,
            "FSP: unexpected COT response (headers {:#010x} {:#010x}, command {:#x})\n",
            resp.mctp,
            resp.nvdm,
            resp.command_nvdm_type
        );
        return Err(EPROTO);
    }
    if resp.error_code != 0 {
        dev_err!(
            pdev,
            "FSP: COT refused, error code {:#x}\n",
            resp.error_code
        );
        return Err(EIO);
    }
    Ok(())
}

/// Size of the FRTS region the FSP places below the reserved end of the
/// framebuffer.
pub(crate) const FRTS_SIZE: u32 = 1 << 20;

/// How far the FMC got, from the GSP's registers.
enum FmcState {
    /// Still booting GSP-RM.
    Booting,
    /// GSP-RM started.
    Started,
    /// The FMC reported an error in the GSP's mailboxes.
    Failed(u32, u32),
}

fn fmc_state(bar: &Bar0<'_>, boot_params: u64) -> FmcState {
    let gsp = Falcon::gsp(bar);
    let Some(lockdown) = gsp.priv_lockdown() else {
        return FmcState::Booting;
    };
    let (mbox0, mbox1) = gsp.mailboxes().unwrap_or((0, 0));
    if mbox0 != 0 {
        // The boot parameters' address means the FMC is still at work.
        if (u64::from(mbox1) << 32) | u64::from(mbox0) == boot_params {
            return FmcState::Booting;
        }
        return FmcState::Failed(mbox0, mbox1);
    }
    if lockdown {
        FmcState::Booting
    } else {
        FmcState::Started
    }
}

/// Step 4: waits until the FMC started GSP-RM and released the GSP's
/// register lockdown.
pub(crate) fn wait_lockdown_release(
    pdev: &pci::Device<Bound>,
    bar: &Bar0<'_>,
    boot_params: u64,
) -> Result {
    let state = read_poll_timeout(
        || Ok(fmc_state(bar, boot_params)),
        |s| !matches!(s, FmcState::Booting),
        Delta::from_millis(10),
        LOCKDOWN_TIMEOUT,
    )
    .inspect_err(|e| {
        dev_err!(
            pdev,
            "FMC: GSP-RM not started, the GSP still locked down after {} s: {:?}\n",
            LOCKDOWN_TIMEOUT.as_millis() / 1000,
            e
        )
    })?;
    match state {
        FmcState::Failed(mbox0, mbox1) => {
            dev_err!(
                pdev,
                "FMC: GSP boot failed, GSP MAILBOX0 {:#x} MAILBOX1 {:#x}\n",
                mbox0,
                mbox1
            );
            Err(EIO)
        }
        _ => Ok(()),
    }
}

/// At unload or after a failed boot: waits until the GSP's RISC-V core
/// halted (nothing is sent to the FSP).
pub(crate) fn wait_gsp_halted(pdev: &pci::Device<Bound>, bar: &Bar0<'_>) -> Result {
    read_poll_timeout(
        || {
            let gsp = Falcon::gsp(bar);
            Ok(gsp.priv_lockdown().is_some() && gsp.riscv_halted())
        },
        |&halted| halted,
        Delta::from_millis(10),
        HALT_TIMEOUT,
    )
    .map(drop)
    .inspect_err(|e| dev_err!(pdev, "GSP unload: the RISC-V core did not halt: {:?}\n", e))
}
