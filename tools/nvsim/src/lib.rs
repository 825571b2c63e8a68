//! nvsim: a vfio-user server that QEMU attaches as a PCI device and that
//! behaves, at the register and DMA level, like a GSP-era NVIDIA GPU.
//!
//! The core ([`device::Gpu`]) holds the PCI configuration space, BAR0 with
//! its pluggable models ([`bar0::Bar0Model`]), VRAM, the interrupt line
//! ([`irq::IrqLine`]) behind the VFN CPU interrupt tree ([`intr`]), the
//! guest memory table ([`dma::DmaSpace`]) and the engine thread that runs
//! the channels ([`fifo::engine`]).
//! The GPU MMU ([`mmu::Gmmu`]) translates through page tables in VRAM or
//! guest memory, for the BAR apertures and the engines.
//! [`server`] connects it to a vfio-user client. Models plug into BAR0 by
//! address range and use the IRQ and DMA handles: the falcons
//! ([`falcon`]) with the ucodes they recognise ([`fwsec`], [`gbl`],
//! [`booter`]); the GSP-RM model ([`gsprm`]) that `booter_load` starts,
//! or on Hopper and Blackwell the FSP and its FMC ([`fsp`]);
//! fault injection ([`fault`]); the duration of each step ([`timing`]).
//!
//! nvsim shares no definitions with the nova driver: its registers and
//! firmware structures are written from the hardware and firmware facts,
//! with the sources named next to each.

#![warn(missing_docs)]

pub mod bar0;
pub mod booter;
pub mod chip;
pub mod cli;
pub mod describe;
pub mod device;
pub mod dma;
pub mod falcon;
pub mod fault;
pub mod fifo;
pub mod fsp;
pub mod fwsec;
pub mod gbl;
pub mod gsprm;
pub mod intr;
pub mod irq;
pub mod le;
pub mod mmu;
pub mod pci;
pub mod pramin;
pub mod prom;
pub mod regs;
pub mod server;
pub mod timing;
pub mod trace;
pub mod vram;
