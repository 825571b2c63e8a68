//! The falcon model without a VM: reset, identification, PIO ports, the
//! DMA engine and its FBIF checks, BROM registers, starting the CPU.

mod common;

use common::rig::{Rig, GSP, RAM, SEC2};

#[test]
fn reset_values_and_scrubbing_after_an_engine_reset() {
    let mut r = Rig::new("ga102");
    assert_eq!(r.rd(GSP + 0x100) & 0x10, 0x10, "CPUCTL halted at power-on");
    assert_eq!(r.rd(GSP + 0x118), 0x2, "DMATRFCMD idle");
    assert_eq!(r.rd(GSP + 0x10c), 0x1, "DMACTL.REQUIRE_CTX");
    assert_eq!(r.rd(GSP + 0x108), (96 * 4) | ((64 * 4) << 9), "HWCFG");
    assert_eq!(r.rd(GSP + 0x1668), 0x1, "falcon core selected");
    r.wr(GSP + 0x40, 0x1234);
    r.wr(GSP + 0x84, 0x5678);
    r.wr(GSP + 0x3c0, 1);
    assert_eq!(r.rd(GSP + 0x3c0), 1);
    assert_ne!(r.rd(GSP + 0xf4) & (1 << 12), 0, "scrubbing while in reset");
    r.wr(GSP + 0x3c0, 0);
    let hwcfg2 = r.rd(GSP + 0xf4);
    assert_eq!(hwcfg2 >> 31, 1, "reset ready (GA102+)");
    assert_ne!(hwcfg2 & (1 << 12), 0, "first read: still scrubbing");
    assert_eq!(r.rd(GSP + 0xf4) & (1 << 12), 0, "then done");
    assert_eq!(
        (r.rd(GSP + 0x40), r.rd(GSP + 0x84)),
        (0, 0),
        "registers reset"
    );

    let mut t = Rig::new("tu102");
    t.reset_falcon(SEC2, true);
    assert_eq!(t.rd(SEC2 + 0xf4) >> 31, 0, "no reset-ready bit on Turing");
    assert_eq!(t.rd(SEC2 + 0x10c) & 0x6, 0);
    assert_eq!(
        t.rd(SEC2 + 0x1180),
        0xbadf_1100,
        "no BROM registers on Turing"
    );
}

#[test]
fn pio_ports_tag_imem_and_read_back() {
    let mut r = Rig::new("tu102");
    r.reset_falcon(GSP, true);
    // IMEM port 0: non-secure, auto-increment on write, at 0xfe00, tag 0xfd.
    r.wr(GSP + 0x180, (1 << 24) | 0xfe00);
    r.wr(GSP + 0x188, 0xfd);
    for i in 0..64 {
        r.wr(GSP + 0x184, 0xc0de_0000 | i);
    }
    r.wr(GSP + 0x188, 0xfe);
    r.wr(GSP + 0x184, 0xfeed);
    assert_eq!(r.rd(GSP + 0x180) & 0xffff, 0xff04, "offset advanced");
    r.wr(GSP + 0x180, (1 << 25) | 0xfe00);
    assert_eq!(r.rd(GSP + 0x184), 0xc0de_0000);
    assert_eq!(r.rd(GSP + 0x184), 0xc0de_0001);
    // DMEM port 3 (stride 8): write two words, read them back.
    r.wr(GSP + 0x1d8, (1 << 24) | 0x40);
    r.wr(GSP + 0x1dc, 0x1111);
    r.wr(GSP + 0x1dc, 0x2222);
    r.wr(GSP + 0x1d8, (1 << 25) | 0x44);
    assert_eq!(r.rd(GSP + 0x1dc), 0x2222);
    // The 16-bit offset wraps at the end of the 64 KiB DMEM.
    r.wr(GSP + 0x1c0, (1 << 24) | 0xfffc);
    r.wr(GSP + 0x1c4, 1);
    r.wr(GSP + 0x1c4, 2);
    r.wr(GSP + 0x1c0, 1 << 25);
    assert_eq!(r.rd(GSP + 0x1c4), 2);
}

#[test]
fn dma_copies_guest_memory_and_checks_the_fbif() {
    let mut r = Rig::new("ga102");
    r.reset_falcon(GSP, false);
    let data: Vec<u8> = (0..512u32).map(|i| (i * 7) as u8).collect();
    r.gpu.dma.write(RAM + 0x2000, &data).expect("guest write");

    // Without the FBIF setup the transfer is refused.
    r.wr(GSP + 0x110, ((RAM + 0x2000) >> 8) as u32);
    r.wr(GSP + 0x114, 0);
    r.wr(GSP + 0x11c, 0);
    r.wr(GSP + 0x118, (6 << 8) | (1 << 4));
    assert_eq!(
        r.logged("DMA transfer refused: FBIF_TRANSCFG(0) = 0x0 selects virtual"),
        1
    );

    r.dma_load(GSP, RAM + 0x2000, 512, false);
    r.wr(GSP + 0x1c0, (1 << 25) | 0x100);
    let w = r.rd(GSP + 0x1c4);
    assert_eq!(w.to_le_bytes(), data[0x100..0x104]);

    // DMEM -> guest memory (is_write), then an unmapped bus address.
    r.wr(GSP + 0x110, ((RAM + 0x8000) >> 8) as u32);
    r.wr(GSP + 0x114, 0x100);
    r.wr(GSP + 0x11c, 0);
    r.wr(GSP + 0x118, (6 << 8) | (1 << 5));
    let mut back = [0u8; 256];
    r.gpu.dma.read(RAM + 0x8000, &mut back).expect("guest read");
    assert_eq!(back[..], data[0x100..0x200]);
    r.wr(GSP + 0x110, 0x10);
    r.wr(GSP + 0x118, 6 << 8);
    assert_eq!(r.logged("no DMA region maps bus address 0x1000"), 2);
    // Reserved size code and a transfer past DMEM: refused, no panic.
    r.wr(GSP + 0x118, 7 << 8);
    r.wr(GSP + 0x114, 0xff_ff00);
    r.wr(GSP + 0x118, 6 << 8);
    assert_eq!(r.logged("size code 7 is reserved"), 1);
    assert_eq!(r.logged("outside the 0x10000-byte memory"), 1);
}

#[test]
fn start_with_nothing_loaded_halts_and_unknown_code_keeps_running() {
    let mut r = Rig::new("ga102");
    r.reset_falcon(GSP, false);
    assert!(r.boot(GSP, 0xd77000, 0), "empty IMEM halts at once");
    assert_eq!(r.rd(GSP + 0x40), 0xd77000, "mailboxes untouched");
    assert_ne!(r.rd(GSP + 0x8) & 0x10, 0, "HALT interrupt pending");
    r.wr(GSP + 0x4, 0x10);
    assert_eq!(r.rd(GSP + 0x8) & 0x10, 0, "IRQSCLR");

    r.reset_falcon(SEC2, false);
    r.gpu.dma.write(RAM, &[0x55; 256]).expect("guest write");
    r.dma_load(SEC2, RAM, 256, true);
    assert!(!r.boot(SEC2, 0, 0), "unrecognised code keeps running");
    assert_eq!(r.logged("falcon sec2: started at BOOTVEC 0x0"), 1);
    r.wr(SEC2 + 0x130, 0x2);
    assert_eq!(r.logged("STARTCPU while running"), 1);
    // An engine reset stops it.
    r.reset_falcon(SEC2, false);
    assert_eq!(r.rd(SEC2 + 0x100) & 0x10, 0x10);
}
