//! nvsim as a vfio-user client sees it: configuration space, regions,
//! identification, PROM, register behaviour, interrupts and DMA.

mod common;

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use common::{Sim, BAR0, CONFIG};
use nvsim::chip::Chip;

/// (chip, device id, class code, subsystem id, BOOT_0, BOOT_42, I/O BAR)
const IDS: &[(&str, u16, u32, u16, u32, u32, bool)] = &[
    (
        "tu102",
        0x1e07,
        0x030000,
        0x12fa,
        0x1620_00a1,
        0x162a_1000,
        true,
    ),
    (
        "ga102",
        0x2204,
        0x030000,
        0x147d,
        0x1720_00a1,
        0x172a_1000,
        true,
    ),
    (
        "ad102",
        0x2684,
        0x030000,
        0x167c,
        0x1920_00a1,
        0x192a_1000,
        true,
    ),
    (
        "gh100",
        0x2331,
        0x030200,
        0x1626,
        0x1800_00a1,
        0x180a_1000,
        false,
    ),
    (
        "gb202",
        0x2b85,
        0x030000,
        0x2057,
        0x1b20_00a1,
        0x1b2a_1000,
        true,
    ),
];

fn le16(b: &[u8], o: usize) -> u16 {
    u16::from_le_bytes([b[o], b[o + 1]])
}
fn le32(b: &[u8], o: usize) -> u32 {
    u32::from_le_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]])
}

#[test]
fn identity_config_space_and_regions_per_chip() {
    for &(name, device, class, subsys, boot0, boot42, io_bar) in IDS {
        let mut sim = Sim::start(name, 0, false);
        let cfg = sim.read(CONFIG, 0, 256);
        assert_eq!(le16(&cfg, 0x00), 0x10de, "{name} vendor");
        assert_eq!(le16(&cfg, 0x02), device, "{name} device");
        assert_eq!(cfg[0x08], 0xa1, "{name} revision");
        assert_eq!(le32(&cfg, 0x08) >> 8, class, "{name} class");
        assert_eq!(cfg[0x0e], 0x00, "header type");
        assert_eq!((le16(&cfg, 0x2c), le16(&cfg, 0x2e)), (0x10de, subsys));
        assert_ne!(le16(&cfg, 0x06) & 0x10, 0, "capability list bit");
        assert_eq!(cfg[0x3d], 1, "INTA");
        // BAR types: BAR0 32-bit memory, BAR1/BAR3 64-bit prefetchable.
        assert_eq!(le32(&cfg, 0x10) & 0xf, 0x0);
        assert_eq!(le32(&cfg, 0x14) & 0xf, 0xc);
        assert_eq!(le32(&cfg, 0x1c) & 0xf, 0xc);
        assert_eq!(le32(&cfg, 0x24) & 0x1, u32::from(io_bar));

        // Capability chain: PM -> MSI -> PCIe -> end.
        let mut caps = Vec::new();
        let mut p = cfg[0x34] as usize;
        while p != 0 {
            caps.push((p, cfg[p]));
            p = cfg[p + 1] as usize;
            assert!(caps.len() < 8, "capability loop");
        }
        assert_eq!(caps, [(0x60, 0x01), (0x68, 0x05), (0x78, 0x10)]);
        assert_ne!(le16(&cfg, 0x6a) & 0x80, 0, "MSI 64-bit");
        assert_eq!(le16(&cfg, 0x6a) & 0x0e, 0, "one MSI vector");
        assert_eq!(le16(&cfg, 0x7a) & 0xf, 2, "PCIe capability version 2");
        assert_eq!(sim.read32(CONFIG, 0x100), 0, "no extended capabilities");

        let chip = Chip::by_name(name).expect("chip");
        let sizes: Vec<u64> = (0..9)
            .map(|i| sim.client.region(i).map_or(0, |r| r.size))
            .collect();
        let bar5 = if io_bar { 128 } else { 0 };
        assert_eq!(
            sizes,
            [16 << 20, chip.bar1_size, 0, 32 << 20, 0, bar5, 0, 4096, 0],
            "{name} region sizes"
        );

        assert_eq!(sim.bar0(0x0), boot0, "{name} BOOT_0");
        assert_eq!(sim.bar0(0xa00), boot42, "{name} BOOT_42");
        assert!(sim.stop(), "socket removed");
    }
}

#[test]
fn bar_sizing_and_config_write_masks() {
    let mut sim = Sim::start("ga102", 0, false);
    for (off, expect) in [
        (0x10, 0xff00_0000),
        (0x14, 0xf000_000c),
        (0x18, 0xffff_ffff),
        (0x1c, 0xfe00_000c),
        (0x24, 0xffff_ff81),
    ] {
        sim.write32(CONFIG, off, 0xffff_ffff);
        assert_eq!(sim.read32(CONFIG, off), expect, "BAR at {off:#x}");
    }
    // Read-only fields keep their value.
    sim.write32(CONFIG, 0x00, 0);
    assert_eq!(sim.read32(CONFIG, 0x00), 0x2204_10de);
    // Command register: memory + bus master + INTx disable stick.
    sim.client
        .region_write(CONFIG, 0x04, &[0x06, 0x04])
        .expect("write");
    assert_eq!(sim.read32(CONFIG, 0x04) & 0xffff, 0x0406);
    // ROM shadow bit at 0x50 (nouveau clears it to read the PROM).
    assert_eq!(sim.read32(CONFIG, 0x50) & 1, 1);
    sim.write32(BAR0, 0x88050, 0);
    assert_eq!(sim.read32(CONFIG, 0x50) & 1, 0);
    // The BAR0 config mirror shows the same space.
    assert_eq!(sim.bar0(0x88000), 0x2204_10de);
    sim.stop();
}

#[test]
fn prom_serves_the_generated_vbios() {
    for chip in ["tu102", "ga102", "gh100"] {
        let mut sim = Sim::start(chip, 0, false);
        let expect = nvsim_vbios::build(&Chip::by_name(chip).expect("chip").rom_spec()).bytes;
        // The way drivers read it: 32-bit reads (first 4 KiB) ...
        for off in (0..4096).step_by(4) {
            let v = sim.bar0(0x300000 + off as u64);
            assert_eq!(
                v.to_le_bytes(),
                expect[off..off + 4],
                "{chip} PROM+{off:#x}"
            );
        }
        // ... and the whole image in bulk.
        let all = sim.read(BAR0, 0x300000, expect.len());
        assert_eq!(all, expect, "{chip} PROM contents");
        // Past the image: erased flash.
        assert_eq!(sim.bar0(0x300000 + expect.len() as u64 + 64), 0xffff_ffff);
        // Byte reads work too.
        assert_eq!(sim.read(BAR0, 0x300001, 1), [0xaa]);
        sim.stop();
    }
}

#[test]
fn unmodelled_registers_read_pattern_and_log_once() {
    let mut sim = Sim::start("ga102", 0, false);
    let off = 0x0012_3450;
    assert_eq!(sim.bar0(off), 0xbadf_1100);
    assert_eq!(sim.bar0(off), 0xbadf_1100);
    assert_eq!(sim.read(BAR0, off + 2, 2), [0xdf, 0xba]);
    assert_eq!(sim.log_count("unmodelled read at 0x123450"), 1);
    sim.write32(BAR0, off, 1);
    sim.write32(BAR0, off, 2);
    assert_eq!(sim.log_count("write at 0x123450"), 1);
    assert_eq!(sim.bar0(off), 0xbadf_1100, "writes do not stick");
    // A read-only register ignores writes (logged once).
    sim.write32(BAR0, 0x0, 0);
    assert_eq!(sim.bar0(0x0), 0x1720_00a1);
    assert_eq!(sim.log_count("write at 0x000000"), 1);
    sim.stop();
}

#[test]
fn boot_status_fb_and_scratch_registers() {
    // GA102 with an 8 GiB override.
    let mut sim = Sim::start("ga102", 8 << 30, false);
    assert_eq!(
        sim.bar0(0x118128) & 1,
        1,
        "FWSEC lowered the privilege level"
    );
    assert_eq!(sim.bar0(0x118234) & 0xff, 0xff, "GFW boot done");
    // GA10x: the usable framebuffer ends 8 MiB under the physical size
    // (a real 16 GiB RTX A4000 reports 16376 MiB); the local memory range
    // is the physical size; the VGA workspace is the usable FB's last MiB.
    assert_eq!(sim.bar0(0x1183a4), 8184, "usable FB in MiB");
    let lmr = sim.bar0(0x100ce0);
    assert_eq!(
        ((lmr >> 4) & 0x3f) << (lmr & 0xf),
        8192,
        "local memory range"
    );
    assert_eq!(sim.bar0(0x820c04) & 1, 0, "display present");
    let vga = sim.bar0(0x625f04);
    assert_eq!(vga & 0xf, 0x9, "workspace valid, in VRAM");
    assert_eq!(u64::from(vga >> 8) << 16, (8184 << 20) - (1 << 20));
    // FWSEC signature selection: GSP UCODE1 fuse gives version 2.
    assert_eq!(sim.bar0(0x8241c0), 0b11);
    // Sysmem flush page (GA102: address >> 8 and >> 40).
    sim.write32(BAR0, 0x100c40, 0xffff_ffff);
    sim.write32(BAR0, 0x100c10, 0x0012_3456);
    assert_eq!(sim.bar0(0x100c40), 0x00ff_ffff);
    assert_eq!(sim.bar0(0x100c10), 0x0012_3456);
    // Scratch registers keep what is written.
    sim.write32(BAR0, 0x1400 + 0x15 * 4, 0xdead_beef);
    assert_eq!(sim.bar0(0x1454), 0xdead_beef);
    // WPR2 is not set before FWSEC-FRTS runs.
    assert_eq!(sim.bar0(0x1fa828), 0);
    sim.stop();

    // TU102: FB size from the local memory range only; Hopper: FSP done.
    let mut sim = Sim::start("tu102", 0, false);
    let lmr = sim.bar0(0x100ce0);
    assert_eq!(((lmr >> 4) & 0x3f) << (lmr & 0xf), 11 * 1024);
    assert_eq!(sim.bar0(0x1183a4), 0xbadf_1100);
    assert_eq!(sim.bar0(0x21c04), 0);
    sim.stop();
    let mut sim = Sim::start("gh100", 0, false);
    assert_eq!(sim.bar0(0x200bc), 0xff, "FSP boot complete");
    assert_eq!(sim.bar0(0x820c04) & 1, 1, "no display");
    assert_eq!(sim.bar0(0x92000), 0x2331_10de, "config mirror at 0x92000");
    sim.stop();
}

#[test]
fn falcon_hardware_configuration() {
    let mut sim = Sim::start("ga102", 0, false);
    for (base, imem, dmem) in [
        (0x110000u64, 96 << 10, 64 << 10),
        (0x840000, 64 << 10, 64 << 10),
    ] {
        let hwcfg = sim.bar0(base + 0x108);
        assert_eq!((hwcfg & 0x1ff) << 8, imem);
        assert_eq!(((hwcfg >> 9) & 0x1ff) << 8, dmem);
        let hwcfg1 = sim.bar0(base + 0x12c);
        assert_eq!(hwcfg1 & 0xf, 7, "core revision");
        assert_eq!((hwcfg1 >> 4) & 3, 3, "heavy-secure capable");
        let hwcfg2 = sim.bar0(base + 0xf4);
        assert_ne!(hwcfg2 & (1 << 31), 0, "reset ready");
        assert_eq!(hwcfg2 & (1 << 12), 0, "not scrubbing");
        assert_eq!(sim.bar0(base + 0x10c) & 0x6, 0, "DMACTL scrubbing done");
        sim.write32(BAR0, base + 0x40, 0x1234);
        assert_eq!(sim.bar0(base + 0x40), 0x1234, "mailbox");
    }
    sim.stop();
}

#[test]
fn pramin_reads_the_vbios_copy_in_the_vga_workspace() {
    let mut sim = Sim::start("ad102", 0, false);
    let vga = sim.bar0(0x625f04);
    sim.write32(BAR0, 0x1700, vga >> 8);
    assert_eq!(sim.bar0(0x700000) & 0xffff, 0xaa55);
    // PRAMIN writes land in VRAM; BAR1 shows VRAM physically.
    sim.write32(BAR0, 0x1700, 0);
    sim.write32(BAR0, 0x700010, 0xcafe_f00d);
    assert_eq!(sim.read32(1, 0x10), 0xcafe_f00d);
    sim.stop();
}

#[test]
fn trace_names_registers() {
    let mut sim = Sim::start("ga102", 0, true);
    sim.bar0(0xa00);
    sim.bar0(0x110108);
    assert_eq!(
        sim.log_count("bar0 R 0x000a00 w4 0x172a1000 NV_PMC_BOOT_42"),
        1
    );
    assert_eq!(sim.log_count("GSP_FALCON_HWCFG"), 1);
    sim.stop();
}

fn eventfd() -> OwnedFd {
    // SAFETY: eventfd returns a new descriptor or -1, checked below.
    let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK) };
    assert!(fd >= 0, "eventfd");
    // SAFETY: `fd` is a fresh descriptor owned by nobody else.
    unsafe { OwnedFd::from_raw_fd(fd) }
}

fn eventfd_count(fd: &OwnedFd) -> u64 {
    let mut v = 0u64;
    // SAFETY: reads 8 bytes into `v` from a valid eventfd.
    let n = unsafe { libc::read(fd.as_raw_fd(), (&mut v as *mut u64).cast(), 8) };
    if n == 8 {
        v
    } else {
        0
    }
}

const TRIGGER_EVENTFD: u32 = (1 << 5) | (1 << 2);
const UNMASK_NONE: u32 = (1 << 4) | 1;

#[test]
fn interrupts_msi_and_intx() {
    let mut sim = Sim::start("ga102", 0, false);
    let intx = eventfd();
    sim.client
        .set_irqs(0, TRIGGER_EVENTFD, 0, 1, &[intx.as_raw_fd()])
        .expect("set INTx");
    sim.irq.raise();
    assert_eq!(eventfd_count(&intx), 1, "INTx signalled");
    sim.irq.raise();
    assert_eq!(eventfd_count(&intx), 0, "automasked until unmask");
    sim.client
        .set_irqs(0, UNMASK_NONE, 0, 1, &[])
        .expect("unmask");
    assert_eq!(eventfd_count(&intx), 1, "still asserted: signalled again");
    sim.irq.lower();
    sim.client
        .set_irqs(0, UNMASK_NONE, 0, 1, &[])
        .expect("unmask");
    assert_eq!(eventfd_count(&intx), 0, "deasserted");

    let msi = eventfd();
    sim.client
        .set_irqs(1, TRIGGER_EVENTFD, 0, 1, &[msi.as_raw_fd()])
        .expect("set MSI");
    sim.irq.raise();
    sim.irq.raise();
    assert_eq!(eventfd_count(&msi), 2, "two MSI messages");
    assert_eq!(eventfd_count(&intx), 0, "MSI takes precedence");

    // The error notification (QEMU installs it for error recovery).
    let err = eventfd();
    sim.client
        .set_irqs(3, TRIGGER_EVENTFD, 0, 1, &[err.as_raw_fd()])
        .expect("set ERR");
    assert!(sim.irq.signal_error());
    assert_eq!(eventfd_count(&err), 1, "ERR signalled");
    sim.stop();
}

#[test]
fn dma_through_mapped_guest_memory() {
    let mut sim = Sim::start("ga102", 0, false);
    // SAFETY: creates a new anonymous memory file; checked below.
    let fd = unsafe { libc::memfd_create(c"guest-ram".as_ptr(), 0) };
    assert!(fd >= 0);
    // SAFETY: `fd` is a fresh descriptor owned by nobody else.
    let ram = unsafe { OwnedFd::from_raw_fd(fd) };
    // SAFETY: resizes the memory file we own.
    assert_eq!(unsafe { libc::ftruncate(ram.as_raw_fd(), 0x20000) }, 0);
    sim.client
        .dma_map(0x10000, 0x4000_0000, 0x10000, ram.as_raw_fd())
        .expect("map");
    assert_eq!(sim.dma.regions(), [(0x4000_0000, 0x10000, true)]);

    sim.dma.write_u32(0x4000_0ffe, 0x1122_3344).expect("write");
    let mut b = [0u8; 4];
    // SAFETY: reads 4 bytes into `b` from the memory file at the offset
    // that backs bus address 0x40000ffe.
    let n = unsafe { libc::pread(ram.as_raw_fd(), b.as_mut_ptr().cast(), 4, 0x10ffe) };
    assert_eq!(n, 4);
    assert_eq!(u32::from_le_bytes(b), 0x1122_3344);
    assert_eq!(sim.dma.read_u32(0x4000_0ffe), Ok(0x1122_3344));
    assert!(sim.dma.read_u32(0x4001_0000).is_err(), "past the region");
    assert_eq!(
        sim.log_count("no DMA region maps bus address 0x40010000"),
        1
    );

    sim.client.dma_unmap(0x4000_0000, 0x10000).expect("unmap");
    assert!(sim.dma.regions().is_empty());
    assert!(sim.dma.read_u32(0x4000_0000).is_err());
    sim.stop();
}
