// SPDX-License-Identifier: GPL-2.0

//! The falcon registers nova uses, relative to an engine's base
//! ([`PFalconBase`]); the PFALCON2/RISC-V registers sit at base + 0x1000 and
//! up. Offsets and fields: NVIDIA's open-gpu-doc (`dev_falcon_v4.ref`,
//! `dev_riscv_pri.ref`), nova-core `regs.rs` and nouveau `nvkm/falcon/`.

use kernel::io::register;

/// The family of falcon engine bases: each engine (GSP, SEC2) implements
/// `RegisterBase<PFalconBase>` with its BAR0 base.
pub(crate) struct PFalconBase;

register! {
    /// Interrupt status clear: a written 1 clears that interrupt.
    pub(crate) NV_PFALCON_FALCON_IRQSCLR(u32) @ PFalconBase + 0x004 {
        /// Software interrupt 0.
        6:6 swgen0 => bool;
    }

    /// Interrupt status.
    pub(crate) NV_PFALCON_FALCON_IRQSTAT(u32) @ PFalconBase + 0x008 {
        /// Software interrupt 0: GSP-RM raises it after writing a message.
        6:6 swgen0 => bool;
    }

    /// Interrupt mask set: a written 1 enables that interrupt.
    pub(crate) NV_PFALCON_FALCON_IRQMSET(u32) @ PFalconBase + 0x010 {
        /// Software interrupt 0.
        6:6 swgen0 => bool;
    }

    /// Interrupt mask clear: a written 1 disables that interrupt.
    pub(crate) NV_PFALCON_FALCON_IRQMCLR(u32) @ PFalconBase + 0x014 {
        /// Software interrupt 0.
        6:6 swgen0 => bool;
    }

    /// Interrupt mask: the interrupts enabled.
    pub(crate) NV_PFALCON_FALCON_IRQMASK(u32) @ PFalconBase + 0x018 {
        /// Software interrupt 0.
        6:6 swgen0 => bool;
    }

    /// Interrupt destination: a set bit routes that interrupt to the host.
    pub(crate) NV_PFALCON_FALCON_IRQDEST(u32) @ PFalconBase + 0x01c {
        /// Software interrupt 0.
        6:6 swgen0 => bool;
    }

    /// Mailbox 0, shared by the host and the ucode.
    pub(crate) NV_PFALCON_FALCON_MAILBOX0(u32) @ PFalconBase + 0x040 {
        31:0 value;
    }

    /// The same mailbox as GSP-RM reports its power state in it.
    pub(crate) NV_PFALCON_FALCON_MAILBOX0_GSP(u32) => PFalconBase + NV_PFALCON_FALCON_MAILBOX0 {
        /// Set once GSP-RM suspended its processor.
        31:31 suspended => bool;
    }

    /// Mailbox 1.
    pub(crate) NV_PFALCON_FALCON_MAILBOX1(u32) @ PFalconBase + 0x044 {
        31:0 value;
    }

    /// OS register: on the GSP, the RISC-V bootloader's application version.
    pub(crate) NV_PFALCON_FALCON_OS(u32) @ PFalconBase + 0x080 {
        31:0 value;
    }

    /// RM register: the falcon expects `NV_PMC_BOOT_0` here after a reset.
    pub(crate) NV_PFALCON_FALCON_RM(u32) @ PFalconBase + 0x084 {
        31:0 value;
    }

    /// Hardware configuration 2.
    pub(crate) NV_PFALCON_FALCON_HWCFG2(u32) @ PFalconBase + 0x0f4 {
        /// The engine may be reset (GA102 and later).
        31:31 reset_ready => bool;
        /// The RISC-V core's boot ROM keeps the engine's registers locked
        /// down (Hopper and later: until the FMC started GSP-RM).
        13:13 riscv_br_priv_lockdown => bool;
        /// IMEM/DMEM scrubbing in progress (GA102 and later).
        12:12 mem_scrubbing => bool;
    }

    /// CPU control.
    pub(crate) NV_PFALCON_FALCON_CPUCTL(u32) @ PFalconBase + 0x100 {
        /// CPUCTL is controlled through [`NV_PFALCON_FALCON_CPUCTL_ALIAS`].
        6:6 alias_en => bool;
        /// The CPU is halted.
        4:4 halted => bool;
        /// Starts the CPU.
        1:1 startcpu => bool;
    }

    /// Boot vector: where the CPU starts.
    pub(crate) NV_PFALCON_FALCON_BOOTVEC(u32) @ PFalconBase + 0x104 {
        31:0 value;
    }

    /// DMA control.
    pub(crate) NV_PFALCON_FALCON_DMACTL(u32) @ PFalconBase + 0x10c {
        /// IMEM/DMEM scrubbing in progress (Turing, GA100).
        2:1 mem_scrubbing;
    }

    /// DMA transfer base, address bits 39:8.
    pub(crate) NV_PFALCON_FALCON_DMATRFBASE(u32) @ PFalconBase + 0x110 {
        31:0 base;
    }

    /// DMA transfer offset in falcon memory.
    pub(crate) NV_PFALCON_FALCON_DMATRFMOFFS(u32) @ PFalconBase + 0x114 {
        23:0 offs;
    }

    /// DMA transfer command.
    pub(crate) NV_PFALCON_FALCON_DMATRFCMD(u32) @ PFalconBase + 0x118 {
        /// Transfer size, 4 << n bytes (6: 256 bytes).
        10:8 size;
        /// The transfer fills IMEM (else DMEM).
        4:4 imem => bool;
        /// The filled IMEM blocks are secure.
        2:2 sec => bool;
        /// The DMA engine is idle.
        1:1 idle => bool;
    }

    /// DMA transfer offset from the base, in the source.
    pub(crate) NV_PFALCON_FALCON_DMATRFFBOFFS(u32) @ PFalconBase + 0x11c {
        31:0 offs;
    }

    /// DMA transfer base, address bits 48:40.
    pub(crate) NV_PFALCON_FALCON_DMATRFBASE1(u32) @ PFalconBase + 0x128 {
        8:0 base;
    }

    /// CPU control alias.
    pub(crate) NV_PFALCON_FALCON_CPUCTL_ALIAS(u32) @ PFalconBase + 0x130 {
        /// Starts the CPU.
        1:1 startcpu => bool;
    }

    /// IMEM PIO port control.
    pub(crate) NV_PFALCON_FALCON_IMEMC(u32)[4, stride = 16] @ PFalconBase + 0x180 {
        /// The written blocks are secure.
        28:28 secure => bool;
        /// Auto-increment the offset after each data write.
        24:24 aincw => bool;
        /// Byte offset in IMEM.
        15:0 offs;
    }

    /// IMEM PIO port data.
    pub(crate) NV_PFALCON_FALCON_IMEMD(u32)[4, stride = 16] @ PFalconBase + 0x184 {
        31:0 data;
    }

    /// IMEM PIO port tag of the block written next.
    pub(crate) NV_PFALCON_FALCON_IMEMT(u32)[4, stride = 16] @ PFalconBase + 0x188 {
        15:0 tag;
    }

    /// DMEM PIO port control.
    pub(crate) NV_PFALCON_FALCON_DMEMC(u32)[4, stride = 8] @ PFalconBase + 0x1c0 {
        /// Auto-increment the offset after each data write.
        24:24 aincw => bool;
        /// Byte offset in DMEM.
        15:0 offs;
    }

    /// DMEM PIO port data.
    pub(crate) NV_PFALCON_FALCON_DMEMD(u32)[4, stride = 8] @ PFalconBase + 0x1c4 {
        31:0 data;
    }

    /// Engine control.
    pub(crate) NV_PFALCON_FALCON_ENGINE(u32) @ PFalconBase + 0x3c0 {
        /// Holds the engine in reset.
        0:0 reset => bool;
    }

    /// Translation of each of the eight DMA contexts.
    pub(crate) NV_PFALCON_FBIF_TRANSCFG(u32)[8] @ PFalconBase + 0x600 {
        /// Physical addressing (else virtual).
        2:2 mem_type_physical => bool;
        /// Target: 0 local memory, 1 coherent system memory, 2 non-coherent.
        1:0 target;
    }

    /// FBIF control.
    pub(crate) NV_PFALCON_FBIF_CTL(u32) @ PFalconBase + 0x624 {
        /// Physical DMA is allowed without an instance block.
        7:7 allow_phys_no_ctx => bool;
    }

    /// Signature algorithm the boot ROM checks.
    pub(crate) NV_PFALCON2_FALCON_MOD_SEL(u32) @ PFalconBase + 0x1180 {
        /// 1: RSA-3K.
        7:0 algo;
    }

    /// Ucode id for the boot ROM (selects the fuse version register).
    pub(crate) NV_PFALCON2_FALCON_BROM_CURR_UCODE_ID(u32) @ PFalconBase + 0x1198 {
        7:0 ucode_id;
    }

    /// Engines the ucode may run on.
    pub(crate) NV_PFALCON2_FALCON_BROM_ENGIDMASK(u32) @ PFalconBase + 0x119c {
        31:0 value;
    }

    /// DMEM offset of the signature for the boot ROM.
    pub(crate) NV_PFALCON2_FALCON_BROM_PARAADDR0(u32) @ PFalconBase + 0x1210 {
        31:0 value;
    }

    /// RISC-V core status (Turing, GA100).
    pub(crate) NV_PRISCV_RISCV_CORE_SWITCH_RISCV_STATUS(u32) @ PFalconBase + 0x1240 {
        /// The RISC-V core is active.
        0:0 active_stat => bool;
    }

    /// RISC-V CPU control (GA102 and later).
    pub(crate) NV_PRISCV_RISCV_CPUCTL(u32) @ PFalconBase + 0x1388 {
        /// The RISC-V core is active.
        7:7 active_stat => bool;
        /// The RISC-V core halted.
        4:4 halted => bool;
    }

    /// Boot configuration: which core (falcon or RISC-V) the engine runs.
    pub(crate) NV_PRISCV_RISCV_BCR_CTRL(u32) @ PFalconBase + 0x1668 {
        /// The RISC-V core is selected.
        4:4 core_select_riscv => bool;
        /// The configuration is valid.
        0:0 valid => bool;
    }
}

register! {
    /// `NV_FUSE_OPT_FPF_GSP_UCODE1_VERSION`: one register per GSP ucode id
    /// (1..16); the highest set bit is the signature version required.
    pub(crate) NV_FUSE_OPT_FPF_GSP_UCODE_VERSION(u32)[16] @ 0x008241c0 {
        15:0 data;
    }

    /// The same for SEC2 ucodes.
    pub(crate) NV_FUSE_OPT_FPF_SEC2_UCODE_VERSION(u32)[16] @ 0x00824140 {
        15:0 data;
    }
}
