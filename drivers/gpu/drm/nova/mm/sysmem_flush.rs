// SPDX-License-Identifier: GPL-2.0

//! The system-memory flush page.
//!
//! The GPU implements a "sysmembar" (making its earlier writes to system
//! memory visible) as a read of one page of host memory whose address the
//! driver registers in the framebuffer hub. The falcon ucodes (FWSEC,
//! booter) and GSP-RM rely on it, so it is registered before any falcon is
//! reset and stays registered until GSP-RM and the falcons are stopped.
//! Where the address goes differs by generation ([`FlushHal`]).

use kernel::{
    device,
    dma::Coherent,
    io::{
        register::WithBase,
        Io, //
    },
    pci,
    prelude::*,
    sync::aref::ARef,
};

use super::regs::*;
use crate::{
    chip::Chip,
    firmware::parse::chip::{
        Arch,
        Gen, //
    },
    gpu::Bar0,
};

/// Size of the flush page.
const FLUSH_PAGE_SIZE: usize = 4096;

/// `addr >> shift`, if it fits 32 bits (the field then checks its width).
fn upper(addr: u64, shift: u32) -> Result<u32> {
    u32::try_from(addr >> shift).map_err(|_| EINVAL)
}

/// Where a generation registers the flush page.
pub(crate) trait FlushHal: Sync {
    /// Registers `addr`, or fails with `EINVAL` if the registers cannot hold
    /// it.
    fn write(&self, bar: &Bar0<'_>, addr: u64) -> Result;

    /// The address registered now.
    fn read(&self, bar: &Bar0<'_>) -> u64;
}

/// Turing: address bits 39:8 only.
struct Tu102;

impl FlushHal for Tu102 {
    fn write(&self, bar: &Bar0<'_>, addr: u64) -> Result {
        let lo = u32::try_from(addr >> 8).map_err(|_| EINVAL)?;
        bar.write_reg(NV_PFB_NISO_FLUSH_SYSMEM_ADDR::zeroed().with_adr_39_08(lo));
        Ok(())
    }

    fn read(&self, bar: &Bar0<'_>) -> u64 {
        u64::from(bar.read(NV_PFB_NISO_FLUSH_SYSMEM_ADDR).adr_39_08().get()) << 8
    }
}

/// GA100 to Ada: bits 39:8 and 63:40.
struct Ga100;

impl FlushHal for Ga100 {
    fn write(&self, bar: &Bar0<'_>, addr: u64) -> Result {
        let hi = NV_PFB_NISO_FLUSH_SYSMEM_ADDR_HI::zeroed().try_with_adr_63_40(upper(addr, 40)?)?;
        bar.write_reg(hi);
        bar.write_reg(NV_PFB_NISO_FLUSH_SYSMEM_ADDR::zeroed().with_adr_39_08((addr >> 8) as u32));
        Ok(())
    }

    fn read(&self, bar: &Bar0<'_>) -> u64 {
        (u64::from(bar.read(NV_PFB_NISO_FLUSH_SYSMEM_ADDR_HI).adr_63_40().get()) << 40)
            | (u64::from(bar.read(NV_PFB_NISO_FLUSH_SYSMEM_ADDR).adr_39_08().get()) << 8)
    }
}

/// Hopper: the raw address in two halves, the low half written last.
struct Gh100;

impl FlushHal for Gh100 {
    fn write(&self, bar: &Bar0<'_>, addr: u64) -> Result {
        let hi = NV_PFB_FBHUB_PCIE_FLUSH_SYSMEM_ADDR_HI::zeroed().try_with_adr(upper(addr, 32)?)?;
        bar.write_reg(hi);
        bar.write_reg(NV_PFB_FBHUB_PCIE_FLUSH_SYSMEM_ADDR_LO::zeroed().with_adr(addr as u32));
        Ok(())
    }

    fn read(&self, bar: &Bar0<'_>) -> u64 {
        (u64::from(bar.read(NV_PFB_FBHUB_PCIE_FLUSH_SYSMEM_ADDR_HI).adr().get()) << 32)
            | u64::from(bar.read(NV_PFB_FBHUB_PCIE_FLUSH_SYSMEM_ADDR_LO).adr().get())
    }
}

/// GB10x: the primary and the egress path of HSHUB0, both with the raw
/// address.
struct Gb100;

impl kernel::io::register::RegisterBase<Hshub0Base> for Gb100 {
    const BASE: usize = 0x0087_0000;
}

impl FlushHal for Gb100 {
    fn write(&self, bar: &Bar0<'_>, addr: u64) -> Result {
        let hi = NV_PFB_HSHUB_PCIE_FLUSH_SYSMEM_ADDR_HI::zeroed().try_with_adr(upper(addr, 32)?)?;
        let eg_hi =
            NV_PFB_HSHUB_EG_PCIE_FLUSH_SYSMEM_ADDR_HI::zeroed().try_with_adr(upper(addr, 32)?)?;
        bar.write(WithBase::of::<Gb100>(), hi);
        bar.write(
            WithBase::of::<Gb100>(),
            NV_PFB_HSHUB_PCIE_FLUSH_SYSMEM_ADDR_LO::zeroed().with_adr(addr as u32),
        );
        bar.write(WithBase::of::<Gb100>(), eg_hi);
        bar.write(
            WithBase::of::<Gb100>(),
            NV_PFB_HSHUB_EG_PCIE_FLUSH_SYSMEM_ADDR_LO::zeroed().with_adr(addr as u32),
        );
        Ok(())
    }

    fn read(&self, bar: &Bar0<'_>) -> u64 {
        let hi = bar.read(NV_PFB_HSHUB_PCIE_FLUSH_SYSMEM_ADDR_HI::of::<Gb100>());
        let lo = bar.read(NV_PFB_HSHUB_PCIE_FLUSH_SYSMEM_ADDR_LO::of::<Gb100>());
        (u64::from(hi.adr().get()) << 32) | u64::from(lo.adr().get())
    }
}

/// GB20x: FBHUB0, with the raw address.
struct Gb202;

impl FlushHal for Gb202 {
    fn write(&self, bar: &Bar0<'_>, addr: u64) -> Result {
        let hi =
            NV_PFB_FBHUB0_PCIE_FLUSH_SYSMEM_ADDR_HI::zeroed().try_with_adr(upper(addr, 32)?)?;
        bar.write_reg(hi);
        bar.write_reg(NV_PFB_FBHUB0_PCIE_FLUSH_SYSMEM_ADDR_LO::zeroed().with_adr(addr as u32));
        Ok(())
    }

    fn read(&self, bar: &Bar0<'_>) -> u64 {
        (u64::from(
            bar.read(NV_PFB_FBHUB0_PCIE_FLUSH_SYSMEM_ADDR_HI)
                .adr()
                .get(),
        ) << 32)
            | u64::from(
                bar.read(NV_PFB_FBHUB0_PCIE_FLUSH_SYSMEM_ADDR_LO)
                    .adr()
                    .get(),
            )
    }
}

/// The flush-page HAL of `chip`.
fn hal(chip: &Chip) -> &'static dyn FlushHal {
    match (chip.gen, chip.arch) {
        (Gen::Tu1xx, _) => &Tu102,
        (Gen::Ga100 | Gen::Ga10x, _) => &Ga100,
        (Gen::Gh100, Arch::Hopper) => &Gh100,
        (Gen::Gh100, _) if chip.is_gb10x() => &Gb100,
        (Gen::Gh100, _) => &Gb202,
    }
}

/// A registered flush page; unregister it with [`SysmemFlush::unregister`]
/// once nothing on the GPU uses it any more.
pub(crate) struct SysmemFlush {
    page: Coherent<[u8]>,
    hal: &'static dyn FlushHal,
    dev: ARef<device::Device>,
}

impl SysmemFlush {
    /// Allocates the flush page and registers it.
    pub(crate) fn register(
        pdev: &pci::Device<device::Bound>,
        bar: &Bar0<'_>,
        chip: &Chip,
    ) -> Result<Self> {
        let page = Coherent::<u8>::zeroed_slice(pdev.as_ref(), FLUSH_PAGE_SIZE, GFP_KERNEL)
            .inspect_err(|e| dev_err!(pdev, "sysmem flush page: allocate: {:?}\n", e))?;
        let hal = hal(chip);
        let addr = page.dma_address();
        hal.write(bar, addr).inspect_err(|_| {
            dev_err!(
                pdev,
                "sysmem flush page: address {:#x} does not fit the GPU's registers\n",
                addr
            )
        })?;
        dev_dbg!(pdev, "sysmem flush page registered at {:#x}\n", addr);
        let dev: &device::Device = pdev.as_ref();
        Ok(Self {
            page,
            hal,
            dev: dev.into(),
        })
    }

    /// Unregisters the page, if the GPU still holds its address (an
    /// unanswering GPU is left alone). The page itself goes with `self`.
    pub(crate) fn unregister(&self, bar: &Bar0<'_>) {
        let addr = self.page.dma_address();
        if self.hal.read(bar) == addr && self.hal.write(bar, 0).is_ok() {
            dev_dbg!(self.dev, "sysmem flush page unregistered\n");
        }
    }
}
