// SPDX-License-Identifier: GPL-2.0

//! The GSP and SEC2 falcons, as far as the GSP boot needs them: reset, PIO
//! and DMA loads, boot ROM parameters (GA102 and later), mailboxes, start
//! and wait for halt, and the state of the GSP's RISC-V core.
//!
//! Both engines have the same registers at their own base; offsets here are
//! relative to it, the PFALCON2 registers at base + 0x1000 (facts from
//! nova-core `regs.rs`, `falcon.rs`, `falcon/hal/{tu102,ga102}.rs` and
//! nouveau `nvkm/falcon/`).

use kernel::{
    dma::{
        Coherent,
        DmaAddress, //
    },
    io::{
        poll::read_poll_timeout,
        Io, //
    },
    prelude::*,
    time::{
        delay::fsleep,
        Delta, //
    },
};

use crate::{
    gpu::Bar0,
    regs, //
};

/// BAR0 base of the GSP falcon.
const GSP_BASE: usize = 0x0011_0000;
/// BAR0 base of the SEC2 falcon.
const SEC2_BASE: usize = 0x0084_0000;

const IRQSCLR: usize = 0x004;
const IRQSTAT: usize = 0x008;
const IRQMSET: usize = 0x010;
const IRQMCLR: usize = 0x014;
const IRQDEST: usize = 0x01c;
/// IRQSTAT/IRQMASK/IRQDEST bit 6, SWGEN0: the software interrupt GSP-RM
/// raises when it writes a message to the status queue.
const IRQ_SWGEN0: u32 = 1 << 6;
const MAILBOX0: usize = 0x040;
const MAILBOX1: usize = 0x044;
const OS: usize = 0x080;
const RM: usize = 0x084;
const HWCFG2: usize = 0x0f4;
const HWCFG2_MEM_SCRUBBING: u32 = 1 << 12;
const HWCFG2_RESET_READY: u32 = 1 << 31;
const CPUCTL: usize = 0x100;
const CPUCTL_STARTCPU: u32 = 1 << 1;
const CPUCTL_HALTED: u32 = 1 << 4;
const CPUCTL_ALIAS_EN: u32 = 1 << 6;
const BOOTVEC: usize = 0x104;
const DMACTL: usize = 0x10c;
const DMATRFBASE: usize = 0x110;
const DMATRFMOFFS: usize = 0x114;
const DMATRFCMD: usize = 0x118;
const DMATRFCMD_IDLE: u32 = 1 << 1;
const DMATRFCMD_IMEM: u32 = 1 << 4;
const DMATRFCMD_SECURE: u32 = 1 << 2;
/// Transfer size field: 4 << 6 = 256 bytes.
const DMATRFCMD_SIZE_256: u32 = 6 << 8;
const DMATRFFBOFFS: usize = 0x11c;
const DMATRFBASE1: usize = 0x128;
const CPUCTL_ALIAS: usize = 0x130;
const ENGINE: usize = 0x3c0;
const ENGINE_RESET: u32 = 1 << 0;
const FBIF_TRANSCFG0: usize = 0x600;
/// TRANSCFG: coherent system memory, physical addressing.
const TRANSCFG_SYSMEM_PHYS: u32 = 1 | (1 << 2);
const FBIF_CTL: usize = 0x624;
const FBIF_CTL_ALLOW_PHYS_NO_CTX: u32 = 1 << 7;
const MOD_SEL: usize = 0x1180;
const MOD_SEL_RSA3K: u32 = 1;
const BROM_CURR_UCODE_ID: usize = 0x1198;
const BROM_ENGIDMASK: usize = 0x119c;
const BROM_PARAADDR0: usize = 0x1210;
const RISCV_BCR_CTRL: usize = 0x1668;
const BCR_CTRL_CORE_RISCV: u32 = 1 << 4;
const BCR_CTRL_VALID: u32 = 1 << 0;
/// `NV_PRISCV_RISCV_CORE_SWITCH_RISCV_STATUS` (Turing, GA100): bit 0 active.
const RISCV_CORE_SWITCH_STATUS: usize = 0x1240;
/// `NV_PRISCV_RISCV_CPUCTL` (GA102 and later): bit 7 active.
const RISCV_CPUCTL: usize = 0x1388;
const RISCV_CPUCTL_ACTIVE: u32 = 1 << 7;

const IMEMC0: usize = 0x180;
const IMEMD0: usize = 0x184;
const IMEMT0: usize = 0x188;
const DMEMC0: usize = 0x1c0;
const DMEMD0: usize = 0x1c4;
/// IMEMC/DMEMC: auto-increment the offset after each data write.
const MEMC_AINCW: u32 = 1 << 24;
/// IMEMC: the written blocks are secure.
const IMEMC_SECURE: u32 = 1 << 28;
/// DMACTL bits 2:1: IMEM/DMEM scrubbing in progress (Turing).
const DMACTL_SCRUBBING: u32 = 0x6;

/// Which falcon generation's reset sequence applies.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum FalconGen {
    /// Turing and GA100: scrubbing status in DMACTL, no core select.
    Tu102,
    /// GA102 and later: reset-ready and scrubbing status in HWCFG2, the
    /// falcon core selected over RISC-V.
    Ga102,
}

/// Unit of a falcon DMA transfer.
pub(crate) const DMA_BLOCK: usize = 256;

/// `NV_FUSE_OPT_FPF_GSP_UCODE1_VERSION`: fuse versions of GSP ucodes, one
/// register per ucode id (1..16).
const FUSE_GSP_UCODE1_VERSION: usize = 0x0082_41c0;
/// `NV_FUSE_OPT_FPF_SEC2_UCODE1_VERSION`: the same for SEC2.
const FUSE_SEC2_UCODE1_VERSION: usize = 0x0082_4140;

/// Which falcon memory a transfer fills.
#[derive(Clone, Copy)]
pub(crate) enum Mem {
    /// Secure IMEM.
    ImemSecure,
    /// DMEM.
    Dmem,
}

/// Boot ROM parameters of a heavy-secure ucode (GA102 and later).
pub(crate) struct BromParams {
    /// DMEM offset of the signature.
    pub(crate) pkc_data_offset: u32,
    /// Engines the ucode may run on.
    pub(crate) engine_id_mask: u16,
    /// Ucode id (selects the fuse register).
    pub(crate) ucode_id: u8,
}

/// One falcon (GSP or SEC2) of a bound GPU.
pub(crate) struct Falcon<'a, 'b> {
    bar: &'a Bar0<'b>,
    /// BAR0 offset of the engine's registers.
    base: usize,
    /// BAR0 offset of the engine's first ucode fuse-version register.
    fuse_base: usize,
}

impl<'a, 'b> Falcon<'a, 'b> {
    /// The GSP falcon behind `bar`.
    pub(crate) fn gsp(bar: &'a Bar0<'b>) -> Self {
        Self {
            bar,
            base: GSP_BASE,
            fuse_base: FUSE_GSP_UCODE1_VERSION,
        }
    }

    /// The SEC2 falcon behind `bar`.
    pub(crate) fn sec2(bar: &'a Bar0<'b>) -> Self {
        Self {
            bar,
            base: SEC2_BASE,
            fuse_base: FUSE_SEC2_UCODE1_VERSION,
        }
    }

    fn rd(&self, reg: usize) -> Result<u32> {
        self.bar.try_read32(self.base + reg)
    }

    fn wr(&self, reg: usize, v: u32) -> Result {
        self.bar.try_write32(v, self.base + reg)
    }

    /// Resets the falcon, selects its falcon (not RISC-V) core where there
    /// is a choice, and waits for IMEM/DMEM scrubbing.
    pub(crate) fn reset(&self, gen: FalconGen) -> Result {
        if gen == FalconGen::Ga102 {
            // The reset-ready bit may never rise on some parts; waiting for
            // it is advisory, so its timeout is not an error.
            let _ = read_poll_timeout(
                || self.rd(HWCFG2),
                |v| v & HWCFG2_RESET_READY != 0,
                Delta::ZERO,
                Delta::from_micros(150),
            );
        }
        let engine = self.rd(ENGINE)?;
        self.wr(ENGINE, engine | ENGINE_RESET)?;
        fsleep(Delta::from_micros(10));
        self.wr(ENGINE, engine & !ENGINE_RESET)?;
        self.wait_scrubbing(gen)?;

        if gen == FalconGen::Ga102 && self.rd(RISCV_BCR_CTRL)? & BCR_CTRL_CORE_RISCV != 0 {
            self.wr(RISCV_BCR_CTRL, 0)?;
            read_poll_timeout(
                || self.rd(RISCV_BCR_CTRL),
                |v| v & BCR_CTRL_VALID != 0,
                Delta::ZERO,
                Delta::from_millis(10),
            )?;
            self.wait_scrubbing(gen)?;
        }
        // The falcon expects BOOT_0 in its RM register.
        self.wr(RM, self.bar.read32(regs::NV_PMC_BOOT_0))
    }

    fn wait_scrubbing(&self, gen: FalconGen) -> Result {
        let (reg, busy) = match gen {
            FalconGen::Tu102 => (DMACTL, DMACTL_SCRUBBING),
            FalconGen::Ga102 => (HWCFG2, HWCFG2_MEM_SCRUBBING),
        };
        read_poll_timeout(
            || self.rd(reg),
            |v| v & busy == 0,
            Delta::ZERO,
            Delta::from_millis(20),
        )
        .map(drop)
    }

    /// Allows physical DMA without an instance block and clears DMACTL.
    pub(crate) fn setup_dma(&self) -> Result {
        let ctl = self.rd(FBIF_CTL)?;
        self.wr(FBIF_CTL, ctl | FBIF_CTL_ALLOW_PHYS_NO_CTX)?;
        self.wr(DMACTL, 0)
    }

    /// Points DMA context `ctx` (0..7) at physical, coherent system memory.
    pub(crate) fn set_dma_target(&self, ctx: usize) -> Result {
        if ctx > 7 {
            return Err(EINVAL);
        }
        let reg = FBIF_TRANSCFG0 + 4 * ctx;
        let t = self.rd(reg)?;
        self.wr(reg, (t & !0x7) | TRANSCFG_SYSMEM_PHYS)
    }

    /// Writes `code` to IMEM (secure if `secure`) at `dst` through PIO port
    /// 0, its 256-byte blocks tagged from `tag` on. A partial last block is
    /// padded with zeros.
    pub(crate) fn pio_load_imem(&self, code: &[u8], dst: u32, tag: u16, secure: bool) -> Result {
        let sec = if secure { IMEMC_SECURE } else { 0 };
        self.wr(IMEMC0, (dst & 0xfffc) | MEMC_AINCW | sec)?;
        for (n, block) in code.chunks(DMA_BLOCK).enumerate() {
            let t = tag.checked_add(u16::try_from(n)?).ok_or(ERANGE)?;
            self.wr(IMEMT0, u32::from(t))?;
            for i in (0..DMA_BLOCK).step_by(4) {
                let mut w = [0u8; 4];
                for (j, b) in w.iter_mut().enumerate() {
                    *b = block.get(i + j).copied().unwrap_or(0);
                }
                self.wr(IMEMD0, u32::from_le_bytes(w))?;
            }
        }
        Ok(())
    }

    /// Writes `data` (a multiple of 4 bytes) to DMEM at `dst` through PIO
    /// port 0.
    pub(crate) fn pio_load_dmem(&self, data: &[u8], dst: u32) -> Result {
        if data.len() % 4 != 0 {
            return Err(EINVAL);
        }
        self.wr(DMEMC0, (dst & 0xfffc) | MEMC_AINCW)?;
        for w in data.chunks_exact(4) {
            self.wr(DMEMD0, u32::from_le_bytes([w[0], w[1], w[2], w[3]]))?;
        }
        Ok(())
    }

    /// Copies `len` bytes at `src` in `buf` to falcon memory `mem` at `dst`,
    /// in 256-byte transfers. IMEM blocks are tagged with their offset in
    /// the image (`src` + position).
    pub(crate) fn dma_load(
        &self,
        buf: &Coherent<[u8]>,
        mem: Mem,
        src: u32,
        dst: u32,
        len: u32,
    ) -> Result {
        let block = DMA_BLOCK as u32;
        let count = len.div_ceil(block);
        let span = count.checked_mul(block).ok_or(EOVERFLOW)?;
        let end = src.checked_add(span).ok_or(EOVERFLOW)?;
        if end as usize > buf.len() {
            return Err(EINVAL);
        }
        // IMEM: the base is the image start and the offset its tag. DMEM:
        // the source offset is folded into the base.
        let (base_off, fb_off, cmd) = match mem {
            Mem::ImemSecure => (
                0u64,
                src,
                DMATRFCMD_IMEM | DMATRFCMD_SECURE | DMATRFCMD_SIZE_256,
            ),
            Mem::Dmem => (u64::from(src), 0, DMATRFCMD_SIZE_256),
        };
        let addr: DmaAddress = buf.dma_address() + base_off;
        if addr % DMA_BLOCK as u64 != 0 {
            return Err(EINVAL);
        }
        self.wr(DMATRFBASE, (addr >> 8) as u32)?;
        self.wr(DMATRFBASE1, ((addr >> 40) as u32) & 0x1ff)?;
        for i in 0..count {
            let pos = i * block;
            self.wr(DMATRFMOFFS, dst + pos)?;
            self.wr(DMATRFFBOFFS, fb_off + pos)?;
            self.wr(DMATRFCMD, cmd)?;
            read_poll_timeout(
                || self.rd(DMATRFCMD),
                |v| v & DMATRFCMD_IDLE != 0,
                Delta::ZERO,
                Delta::from_secs(2),
            )?;
        }
        Ok(())
    }

    /// The signature version the engine's fuses require for ucode `ucode_id`
    /// (the highest set fuse bit, 0 if none).
    pub(crate) fn fuse_version(&self, ucode_id: u8) -> Result<u32> {
        if !(1..=16).contains(&ucode_id) {
            return Err(EINVAL);
        }
        let reg = self.fuse_base + 4 * (usize::from(ucode_id) - 1);
        let fuse = self.bar.try_read32(reg)? & 0xffff;
        Ok(u32::BITS - fuse.leading_zeros())
    }

    /// Programs the boot ROM parameters.
    pub(crate) fn program_brom(&self, p: &BromParams) -> Result {
        self.wr(BROM_PARAADDR0, p.pkc_data_offset)?;
        self.wr(BROM_ENGIDMASK, u32::from(p.engine_id_mask))?;
        self.wr(BROM_CURR_UCODE_ID, u32::from(p.ucode_id))?;
        self.wr(MOD_SEL, MOD_SEL_RSA3K)
    }

    /// Writes the two mailbox registers.
    pub(crate) fn write_mailboxes(&self, mailbox0: u32, mailbox1: u32) -> Result {
        self.wr(MAILBOX0, mailbox0)?;
        self.wr(MAILBOX1, mailbox1)
    }

    /// Reads MAILBOX0.
    pub(crate) fn mailbox0(&self) -> Result<u32> {
        self.rd(MAILBOX0)
    }

    /// Reads MAILBOX0 and MAILBOX1.
    pub(crate) fn mailboxes(&self) -> Result<(u32, u32)> {
        Ok((self.rd(MAILBOX0)?, self.rd(MAILBOX1)?))
    }

    /// Sets the address the CPU starts at.
    pub(crate) fn set_bootvec(&self, bootvec: u32) -> Result {
        self.wr(BOOTVEC, bootvec)
    }

    /// Starts the falcon CPU, without waiting.
    pub(crate) fn start(&self) -> Result {
        if self.rd(CPUCTL)? & CPUCTL_ALIAS_EN != 0 {
            self.wr(CPUCTL_ALIAS, CPUCTL_STARTCPU)
        } else {
            self.wr(CPUCTL, CPUCTL_STARTCPU)
        }
    }

    /// Waits up to `timeout` for the falcon CPU to halt.
    pub(crate) fn wait_halted(&self, timeout: Delta) -> Result {
        read_poll_timeout(
            || self.rd(CPUCTL),
            |v| v & CPUCTL_HALTED != 0,
            Delta::from_micros(100),
            timeout,
        )
        .map(drop)
    }

    /// Starts the loaded ucode at `bootvec` with the given mailboxes and
    /// waits (up to `timeout`) for it to halt. Returns MAILBOX0 and
    /// MAILBOX1.
    pub(crate) fn run(
        &self,
        bootvec: u32,
        mailboxes: (u32, u32),
        timeout: Delta,
    ) -> Result<(u32, u32)> {
        self.set_bootvec(bootvec)?;
        self.write_mailboxes(mailboxes.0, mailboxes.1)?;
        self.start()?;
        self.wait_halted(timeout)?;
        self.mailboxes()
    }

    /// Writes the OS register (the RISC-V bootloader's application version
    /// on the GSP).
    pub(crate) fn write_os(&self, value: u32) -> Result {
        self.wr(OS, value)
    }

    /// Clears a stale SWGEN0, routes it to the host (IRQDEST) and unmasks
    /// it (IRQMSET): from now on a message from GSP-RM interrupts the host.
    pub(crate) fn swgen0_enable(&self) -> Result {
        self.wr(IRQSCLR, IRQ_SWGEN0)?;
        let dest = self.rd(IRQDEST)?;
        self.wr(IRQDEST, dest | IRQ_SWGEN0)?;
        self.wr(IRQMSET, IRQ_SWGEN0)
    }

    /// Masks SWGEN0 (IRQMCLR) and routes it back to the falcon.
    pub(crate) fn swgen0_disable(&self) -> Result {
        self.wr(IRQMCLR, IRQ_SWGEN0)?;
        let dest = self.rd(IRQDEST)?;
        self.wr(IRQDEST, dest & !IRQ_SWGEN0)
    }

    /// Whether SWGEN0 is pending; if so it is acknowledged (IRQSCLR). Safe
    /// in interrupt context. A register reading all ones (the device is
    /// gone) does not count as pending.
    pub(crate) fn swgen0_ack(&self) -> Result<bool> {
        let stat = self.rd(IRQSTAT)?;
        if stat == u32::MAX || stat & IRQ_SWGEN0 == 0 {
            return Ok(false);
        }
        self.wr(IRQSCLR, IRQ_SWGEN0)?;
        Ok(true)
    }

    /// Whether the engine's RISC-V core is active.
    pub(crate) fn riscv_active(&self, gen: FalconGen) -> Result<bool> {
        Ok(match gen {
            FalconGen::Tu102 => self.rd(RISCV_CORE_SWITCH_STATUS)? & 1 != 0,
            FalconGen::Ga102 => self.rd(RISCV_CPUCTL)? & RISCV_CPUCTL_ACTIVE != 0,
        })
    }
}
