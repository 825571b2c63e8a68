// SPDX-License-Identifier: GPL-2.0

//! The GSP and SEC2 falcons, as far as the GSP boot needs them: reset, PIO
//! and DMA loads, boot ROM parameters (GA102 and later), mailboxes, start
//! and wait for halt, and the state of the GSP's RISC-V core.
//!
//! Both engines have the same registers at their own base; offsets here are
//! relative to it, the PFALCON2 registers at base + 0x1000 (facts from
//! nova-core `regs.rs`, `falcon.rs`, `falcon/hal/{tu102,ga102}.rs` and
//! nouveau `nvkm/falcon/`).

use core::marker::PhantomData;

use kernel::{
    dma::{
        Coherent,
        DmaAddress, //
    },
    io::{
        poll::read_poll_timeout,
        register::{
            Array,
            RegisterBase,
            WithBase, //
        },
        Io, //
    },
    prelude::*,
    time::{
        delay::fsleep,
        Delta, //
    },
};

use crate::{
    chip::NV_PMC_BOOT_0,
    gpu::Bar0, //
};

pub(crate) mod regs;

use regs::*;

/// A falcon engine: its register base and its ucode fuse-version registers.
pub(crate) trait FalconEngine: RegisterBase<PFalconBase> {
    /// Raw value of the fuse-version register of ucode `ucode_id` (1..16).
    fn fuse(bar: &Bar0<'_>, ucode_id: u8) -> Result<u32>;
}

/// The GSP falcon.
pub(crate) struct Gsp;

impl RegisterBase<PFalconBase> for Gsp {
    const BASE: usize = 0x0011_0000;
}

impl FalconEngine for Gsp {
    fn fuse(bar: &Bar0<'_>, ucode_id: u8) -> Result<u32> {
        let idx = usize::from(ucode_id).checked_sub(1).ok_or(EINVAL)?;
        let loc = NV_FUSE_OPT_FPF_GSP_UCODE_VERSION::try_at(idx).ok_or(EINVAL)?;
        Ok(bar.read(loc).data().get())
    }
}

/// The SEC2 falcon.
pub(crate) struct Sec2;

impl RegisterBase<PFalconBase> for Sec2 {
    const BASE: usize = 0x0084_0000;
}

impl FalconEngine for Sec2 {
    fn fuse(bar: &Bar0<'_>, ucode_id: u8) -> Result<u32> {
        let idx = usize::from(ucode_id).checked_sub(1).ok_or(EINVAL)?;
        let loc = NV_FUSE_OPT_FPF_SEC2_UCODE_VERSION::try_at(idx).ok_or(EINVAL)?;
        Ok(bar.read(loc).data().get())
    }
}

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

/// What a register the host may not read returns, in bits 31:8 (the PRIV
/// error code 0xbadf41xx).
const PRIV_ERROR: u32 = 0xbadf_4100;

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
pub(crate) struct Falcon<'a, 'b, E: FalconEngine> {
    bar: &'a Bar0<'b>,
    _engine: PhantomData<E>,
}

impl<'a, 'b> Falcon<'a, 'b, Gsp> {
    /// The GSP falcon behind `bar`.
    pub(crate) fn gsp(bar: &'a Bar0<'b>) -> Self {
        Self::new(bar)
    }
}

impl<'a, 'b> Falcon<'a, 'b, Sec2> {
    /// The SEC2 falcon behind `bar`.
    pub(crate) fn sec2(bar: &'a Bar0<'b>) -> Self {
        Self::new(bar)
    }
}

impl<'a, 'b, E: FalconEngine> Falcon<'a, 'b, E> {
    /// Engine `E` behind `bar`.
    pub(crate) fn new(bar: &'a Bar0<'b>) -> Self {
        Self {
            bar,
            _engine: PhantomData,
        }
    }

    /// Resets the falcon, selects its falcon (not RISC-V) core where there
    /// is a choice, and waits for IMEM/DMEM scrubbing.
    pub(crate) fn reset(&self, gen: FalconGen) -> Result {
        let bar = self.bar;
        if gen == FalconGen::Ga102 {
            // The reset-ready bit may never rise on some parts; waiting for
            // it is advisory, so its timeout is not an error.
            let _ = read_poll_timeout(
                || Ok(bar.read(NV_PFALCON_FALCON_HWCFG2::of::<E>())),
                |v| v.reset_ready(),
                Delta::ZERO,
                Delta::from_micros(150),
            );
        }
        bar.update(NV_PFALCON_FALCON_ENGINE::of::<E>(), |v| v.with_reset(true));
        fsleep(Delta::from_micros(10));
        bar.update(NV_PFALCON_FALCON_ENGINE::of::<E>(), |v| v.with_reset(false));
        self.wait_scrubbing(gen)?;

        if gen == FalconGen::Ga102
            && bar
                .read(NV_PRISCV_RISCV_BCR_CTRL::of::<E>())
                .core_select_riscv()
        {
            bar.write(
                WithBase::of::<E>(),
                NV_PRISCV_RISCV_BCR_CTRL::zeroed().with_core_select_riscv(false),
            );
            read_poll_timeout(
                || Ok(bar.read(NV_PRISCV_RISCV_BCR_CTRL::of::<E>())),
                |v| v.valid(),
                Delta::ZERO,
                Delta::from_millis(10),
            )?;
            self.wait_scrubbing(gen)?;
        }
        // The falcon expects BOOT_0 in its RM register.
        let boot0 = bar.read(NV_PMC_BOOT_0).into_raw();
        bar.write(
            WithBase::of::<E>(),
            NV_PFALCON_FALCON_RM::zeroed().with_value(boot0),
        );
        Ok(())
    }

    fn wait_scrubbing(&self, gen: FalconGen) -> Result {
        let bar = self.bar;
        let scrubbing = || match gen {
            FalconGen::Tu102 => {
                bar.read(NV_PFALCON_FALCON_DMACTL::of::<E>())
                    .mem_scrubbing()
                    .get()
                    != 0
            }
            FalconGen::Ga102 => bar
                .read(NV_PFALCON_FALCON_HWCFG2::of::<E>())
                .mem_scrubbing(),
        };
        read_poll_timeout(
            || Ok(scrubbing()),
            |busy| !busy,
            Delta::ZERO,
            Delta::from_millis(20),
        )
        .map(drop)
    }

    /// Allows physical DMA without an instance block and clears DMACTL.
    pub(crate) fn setup_dma(&self) -> Result {
        self.bar.update(NV_PFALCON_FBIF_CTL::of::<E>(), |v| {
            v.with_allow_phys_no_ctx(true)
        });
        self.bar
            .write(WithBase::of::<E>(), NV_PFALCON_FALCON_DMACTL::zeroed());
        Ok(())
    }

    /// Points DMA context `ctx` (0..7) at physical, coherent system memory.
    pub(crate) fn set_dma_target(&self, ctx: usize) -> Result {
        let loc = NV_PFALCON_FBIF_TRANSCFG::of::<E>()
            .try_at(ctx)
            .ok_or(EINVAL)?;
        self.bar.update(loc, |v| {
            v.with_const_target::<1>().with_mem_type_physical(true)
        });
        Ok(())
    }

    /// Writes `code` to IMEM (secure if `secure`) at `dst` through PIO port
    /// 0, its 256-byte blocks tagged from `tag` on. A partial last block is
    /// padded with zeros.
    pub(crate) fn pio_load_imem(&self, code: &[u8], dst: u32, tag: u16, secure: bool) -> Result {
        let bar = self.bar;
        let imemc = NV_PFALCON_FALCON_IMEMC::zeroed()
            .try_with_offs(dst & 0xfffc)?
            .with_aincw(true)
            .with_secure(secure);
        bar.write(NV_PFALCON_FALCON_IMEMC::of::<E>().at(0), imemc);
        for (n, block) in code.chunks(DMA_BLOCK).enumerate() {
            let t = tag.checked_add(u16::try_from(n)?).ok_or(ERANGE)?;
            bar.write(
                NV_PFALCON_FALCON_IMEMT::of::<E>().at(0),
                NV_PFALCON_FALCON_IMEMT::zeroed().with_tag(t),
            );
            for i in (0..DMA_BLOCK).step_by(4) {
                let mut w = [0u8; 4];
                for (j, b) in w.iter_mut().enumerate() {
                    *b = block.get(i + j).copied().unwrap_or(0);
                }
                bar.write(
                    NV_PFALCON_FALCON_IMEMD::of::<E>().at(0),
                    NV_PFALCON_FALCON_IMEMD::zeroed().with_data(u32::from_le_bytes(w)),
                );
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
        let bar = self.bar;
        let dmemc = NV_PFALCON_FALCON_DMEMC::zeroed()
            .try_with_offs(dst & 0xfffc)?
            .with_aincw(true);
        bar.write(NV_PFALCON_FALCON_DMEMC::of::<E>().at(0), dmemc);
        for w in data.chunks_exact(4) {
            bar.write(
                NV_PFALCON_FALCON_DMEMD::of::<E>().at(0),
                NV_PFALCON_FALCON_DMEMD::zeroed()
                    .with_data(u32::from_le_bytes([w[0], w[1], w[2], w[3]])),
            );
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
        let bar = self.bar;
        let block = DMA_BLOCK as u32;
        let count = len.div_ceil(block);
        let span = count.checked_mul(block).ok_or(EOVERFLOW)?;
        let end = src.checked_add(span).ok_or(EOVERFLOW)?;
        if end as usize > buf.len() {
            return Err(EINVAL);
        }
        // IMEM: the base is the image start and the offset its tag. DMEM:
        // the source offset is folded into the base. Transfers are 256
        // bytes (size 6: 4 << 6).
        let cmd = NV_PFALCON_FALCON_DMATRFCMD::zeroed().with_const_size::<6>();
        let (base_off, fb_off, cmd) = match mem {
            Mem::ImemSecure => (0u64, src, cmd.with_imem(true).with_sec(true)),
            Mem::Dmem => (u64::from(src), 0, cmd),
        };
        let addr: DmaAddress = buf.dma_address() + base_off;
        if addr % DMA_BLOCK as u64 != 0 {
            return Err(EINVAL);
        }
        bar.write(
            WithBase::of::<E>(),
            NV_PFALCON_FALCON_DMATRFBASE::zeroed().with_base((addr >> 8) as u32),
        );
        bar.write(
            WithBase::of::<E>(),
            NV_PFALCON_FALCON_DMATRFBASE1::zeroed().try_with_base(((addr >> 40) as u32) & 0x1ff)?,
        );
        for i in 0..count {
            let pos = i * block;
            bar.write(
                WithBase::of::<E>(),
                NV_PFALCON_FALCON_DMATRFMOFFS::zeroed().try_with_offs(dst + pos)?,
            );
            bar.write(
                WithBase::of::<E>(),
                NV_PFALCON_FALCON_DMATRFFBOFFS::zeroed().with_offs(fb_off + pos),
            );
            bar.write(WithBase::of::<E>(), cmd);
            read_poll_timeout(
                || Ok(bar.read(NV_PFALCON_FALCON_DMATRFCMD::of::<E>())),
                |v| v.idle(),
                Delta::ZERO,
                Delta::from_secs(2),
            )?;
        }
        Ok(())
    }

    /// The signature version the engine's fuses require for ucode `ucode_id`
    /// (the highest set fuse bit, 0 if none).
    pub(crate) fn fuse_version(&self, ucode_id: u8) -> Result<u32> {
        let fuse = E::fuse(self.bar, ucode_id)?;
        Ok(u32::BITS - fuse.leading_zeros())
    }

    /// Programs the boot ROM parameters.
    pub(crate) fn program_brom(&self, p: &BromParams) -> Result {
        let bar = self.bar;
        bar.write(
            WithBase::of::<E>(),
            NV_PFALCON2_FALCON_BROM_PARAADDR0::zeroed().with_value(p.pkc_data_offset),
        );
        bar.write(
            WithBase::of::<E>(),
            NV_PFALCON2_FALCON_BROM_ENGIDMASK::zeroed().with_value(u32::from(p.engine_id_mask)),
        );
        bar.write(
            WithBase::of::<E>(),
            NV_PFALCON2_FALCON_BROM_CURR_UCODE_ID::zeroed().with_ucode_id(p.ucode_id),
        );
        // RSA-3K.
        bar.write(
            WithBase::of::<E>(),
            NV_PFALCON2_FALCON_MOD_SEL::zeroed().with_const_algo::<1>(),
        );
        Ok(())
    }

    /// Writes the two mailbox registers.
    pub(crate) fn write_mailboxes(&self, mailbox0: u32, mailbox1: u32) -> Result {
        self.bar.write(
            WithBase::of::<E>(),
            NV_PFALCON_FALCON_MAILBOX0::zeroed().with_value(mailbox0),
        );
        self.bar.write(
            WithBase::of::<E>(),
            NV_PFALCON_FALCON_MAILBOX1::zeroed().with_value(mailbox1),
        );
        Ok(())
    }

    /// Reads MAILBOX0.
    pub(crate) fn mailbox0(&self) -> Result<u32> {
        Ok(self
            .bar
            .read(NV_PFALCON_FALCON_MAILBOX0::of::<E>())
            .value()
            .get())
    }

    /// Reads MAILBOX0 and MAILBOX1.
    pub(crate) fn mailboxes(&self) -> Result<(u32, u32)> {
        let mbox1 = self.bar.read(NV_PFALCON_FALCON_MAILBOX1::of::<E>());
        Ok((self.mailbox0()?, mbox1.value().get()))
    }

    /// Sets the address the CPU starts at.
    pub(crate) fn set_bootvec(&self, bootvec: u32) -> Result {
        self.bar.write(
            WithBase::of::<E>(),
            NV_PFALCON_FALCON_BOOTVEC::zeroed().with_value(bootvec),
        );
        Ok(())
    }

    /// Starts the falcon CPU, without waiting.
    pub(crate) fn start(&self) -> Result {
        let bar = self.bar;
        if bar.read(NV_PFALCON_FALCON_CPUCTL::of::<E>()).alias_en() {
            bar.write(
                WithBase::of::<E>(),
                NV_PFALCON_FALCON_CPUCTL_ALIAS::zeroed().with_startcpu(true),
            );
        } else {
            bar.write(
                WithBase::of::<E>(),
                NV_PFALCON_FALCON_CPUCTL::zeroed().with_startcpu(true),
            );
        }
        Ok(())
    }

    /// Waits up to `timeout` for the falcon CPU to halt.
    pub(crate) fn wait_halted(&self, timeout: Delta) -> Result {
        read_poll_timeout(
            || Ok(self.bar.read(NV_PFALCON_FALCON_CPUCTL::of::<E>())),
            |v| v.halted(),
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
        self.bar.write(
            WithBase::of::<E>(),
            NV_PFALCON_FALCON_OS::zeroed().with_value(value),
        );
        Ok(())
    }

    /// Whether the engine's RISC-V core is active.
    pub(crate) fn riscv_active(&self, gen: FalconGen) -> Result<bool> {
        Ok(match gen {
            FalconGen::Tu102 => self
                .bar
                .read(NV_PRISCV_RISCV_CORE_SWITCH_RISCV_STATUS::of::<E>())
                .active_stat(),
            FalconGen::Ga102 => self
                .bar
                .read(NV_PRISCV_RISCV_CPUCTL::of::<E>())
                .active_stat(),
        })
    }
}

impl Falcon<'_, '_, Gsp> {
    /// Clears a stale SWGEN0, routes it to the host (IRQDEST) and unmasks
    /// it (IRQMSET): from now on a message from GSP-RM interrupts the host.
    pub(crate) fn swgen0_enable(&self) -> Result {
        let bar = self.bar;
        bar.write(
            WithBase::of::<Gsp>(),
            NV_PFALCON_FALCON_IRQSCLR::zeroed().with_swgen0(true),
        );
        bar.update(NV_PFALCON_FALCON_IRQDEST::of::<Gsp>(), |v| {
            v.with_swgen0(true)
        });
        bar.write(
            WithBase::of::<Gsp>(),
            NV_PFALCON_FALCON_IRQMSET::zeroed().with_swgen0(true),
        );
        Ok(())
    }

    /// Masks SWGEN0 (IRQMCLR) and routes it back to the falcon.
    pub(crate) fn swgen0_disable(&self) -> Result {
        let bar = self.bar;
        bar.write(
            WithBase::of::<Gsp>(),
            NV_PFALCON_FALCON_IRQMCLR::zeroed().with_swgen0(true),
        );
        bar.update(NV_PFALCON_FALCON_IRQDEST::of::<Gsp>(), |v| {
            v.with_swgen0(false)
        });
        Ok(())
    }

    /// Whether SWGEN0 is pending and enabled; if so it is acknowledged
    /// (IRQSCLR). Safe in interrupt context. Only an interrupt nova enabled
    /// in IRQMASK is claimed, and registers reading all ones (the device is
    /// gone) claim nothing.
    pub(crate) fn swgen0_ack(&self) -> bool {
        let bar = self.bar;
        let stat = bar.read(NV_PFALCON_FALCON_IRQSTAT::of::<Gsp>());
        let mask = bar.read(NV_PFALCON_FALCON_IRQMASK::of::<Gsp>());
        if stat.into_raw() == u32::MAX || !(stat.swgen0() && mask.swgen0()) {
            return false;
        }
        bar.write(
            WithBase::of::<Gsp>(),
            NV_PFALCON_FALCON_IRQSCLR::zeroed().with_swgen0(true),
        );
        true
    }

    /// The GSP's register lockdown while the FMC boots it (Hopper and
    /// later): `None` while its registers are still hidden from the host
    /// (HWCFG2 reads 0 or a PRIV error, 0xbadf41xx), else whether the
    /// RISC-V boot ROM still holds the lockdown.
    pub(crate) fn priv_lockdown(&self) -> Option<bool> {
        let v = self.bar.read(NV_PFALCON_FALCON_HWCFG2::of::<Gsp>());
        let raw = v.into_raw();
        if raw == 0 || raw & 0xffff_ff00 == PRIV_ERROR {
            None
        } else {
            Some(v.riscv_br_priv_lockdown())
        }
    }

    /// Whether the GSP's RISC-V core halted (GA102 and later).
    pub(crate) fn riscv_halted(&self) -> bool {
        self.bar.read(NV_PRISCV_RISCV_CPUCTL::of::<Gsp>()).halted()
    }

    /// Whether GSP-RM reported in MAILBOX0 that it suspended.
    pub(crate) fn rm_suspended(&self) -> bool {
        self.bar
            .read(NV_PFALCON_FALCON_MAILBOX0_GSP::of::<Gsp>())
            .suspended()
    }
}
