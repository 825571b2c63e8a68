//! The VFN CPU interrupt tree and the PCI interrupt behind it, driven as a
//! driver drives them: nouveau's `tu102_vfn_intr` functions (`vfn/tu102.c`,
//! offsets from the VFN base 0xb80000: LEAF at 0x1000 plus 4 per leaf,
//! written 1 to clear; LEAF_EN_SET at 0x1200, LEAF_EN_CLEAR at 0x1400;
//! TOP at 0x1600, read as `BIT(leaf / 2)`; rearm writes 0xf to 0x1608,
//! unarm 0xf to 0x1610) and the register list of open-gpu-kernel-modules
//! `ampere/ga100/dev_vm.h` (`..._CPU_INTR_LEAF_TRIGGER` at 0x1640). The
//! GSP falcon's interrupt registers: IRQSSET 0x000, IRQSCLR 0x004, IRQSTAT
//! 0x008, IRQMSET 0x010, IRQMCLR 0x014, IRQDEST 0x01c, SWGEN0 bit 6
//! (nova-core `regs.rs`); IRQDEST bit n + 16 takes line n away from the
//! host (envytools `docs/hw/falcon/intr.rst`). The vectors are those
//! GSP-RM reports in its interrupt table (the GSP 0x17, COPYn non-stall
//! 0x81 + n; `tests/channel.rs` reads the table). The PCI side: vfio's
//! SET_IRQS (`include/uapi/linux/vfio.h`).

mod common;

use std::fs::File;
use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::Path;
use std::time::{Duration, Instant};

use common::boot::*;
use common::gsp::cleanup;
use common::rig::{Rig, GSP};
use nvsim::timing::Timing;

const LEAF: u32 = 0x00b8_1000;
const LEAF_EN_SET: u32 = 0x00b8_1200;
const LEAF_EN_CLEAR: u32 = 0x00b8_1400;
const TOP: u32 = 0x00b8_1600;
const TOP_EN_SET: u32 = 0x00b8_1608;
const TOP_EN_CLEAR: u32 = 0x00b8_1610;
const LEAF_TRIGGER: u32 = 0x00b8_1640;

const GSP_VECTOR: u32 = 0x17;
const COPY0_NONSTALL: u32 = 0x81;
const SWGEN0: u32 = 1 << 6;
const IRQSSET: u32 = GSP;
const IRQSCLR: u32 = GSP + 0x004;
const IRQSTAT: u32 = GSP + 0x008;
const IRQMSET: u32 = GSP + 0x010;
const IRQMCLR: u32 = GSP + 0x014;
const IRQDEST: u32 = GSP + 0x01c;

/// vfio SET_IRQS flags: DATA_NONE 1 << 0, DATA_EVENTFD 1 << 2,
/// ACTION_UNMASK 1 << 4, ACTION_TRIGGER 1 << 5; indices INTx 0, MSI 1.
const TRIGGER_EVENTFD: u32 = (1 << 5) | (1 << 2);
const UNMASK: u32 = (1 << 4) | 1;
const INTX: u32 = 0;
const MSI: u32 = 1;

fn leaf(vector: u32) -> (u32, u32) {
    (LEAF + 4 * (vector / 32), 1 << (vector % 32))
}

/// An eventfd, and a second descriptor of it to hand to SET_IRQS.
fn eventfd() -> (File, File) {
    // SAFETY: eventfd returns a new descriptor or -1, checked below.
    let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK) };
    assert!(fd >= 0, "eventfd");
    // SAFETY: `fd` is a fresh descriptor owned by nobody else.
    let f = File::from(unsafe { OwnedFd::from_raw_fd(fd) });
    let g = f.try_clone().expect("dup");
    (f, g)
}

/// Signals on an eventfd since the last look.
fn signals(f: &File) -> u64 {
    let mut b = [0u8; 8];
    let mut r = f;
    match r.read(&mut b) {
        Ok(8) => u64::from_ne_bytes(b),
        _ => 0,
    }
}

fn install(r: &Rig, index: u32) -> File {
    let (mine, theirs) = eventfd();
    r.gpu
        .irq
        .set_irqs(index, TRIGGER_EVENTFD, 0, 1, vec![theirs])
        .expect("SET_IRQS");
    mine
}

#[test]
fn enables_clears_and_the_top_register() {
    let mut r = Rig::new("ga102");
    // Reset state: nothing pending, nothing enabled.
    for i in 0..8 {
        assert_eq!(r.rd(LEAF + 4 * i), 0);
        assert_eq!(r.rd(LEAF_EN_SET + 4 * i), 0);
        assert_eq!(r.rd(LEAF_EN_CLEAR + 4 * i), 0);
    }
    assert_eq!((r.rd(TOP), r.rd(TOP_EN_SET), r.rd(TOP_EN_CLEAR)), (0, 0, 0));

    // A non-stall interrupt of COPY0: pending in leaf 4 bit 1, but not
    // in TOP until enabled in its leaf.
    let (at, bit) = leaf(COPY0_NONSTALL);
    assert_eq!((at, bit), (LEAF + 0x10, 1 << 1));
    r.gpu.intr.pulse(COPY0_NONSTALL);
    assert_eq!(r.rd(at), bit);
    assert_eq!(r.rd(TOP), 0, "not enabled");
    r.wr(LEAF_EN_SET + 0x10, bit | (1 << 5));
    assert_eq!(r.rd(LEAF_EN_SET + 0x10), bit | (1 << 5));
    assert_eq!(
        r.rd(LEAF_EN_CLEAR + 0x10),
        bit | (1 << 5),
        "reads the mask too"
    );
    assert_eq!(r.rd(TOP), 1 << 2, "leaf 4 is subtree 2");
    assert!(!r.gpu.irq.asserted(), "TOP_EN still 0");
    r.wr(LEAF_EN_CLEAR + 0x10, 1 << 5);
    assert_eq!(r.rd(LEAF_EN_SET + 0x10), bit);

    // TOP_EN: the PCI interrupt follows TOP & TOP_EN.
    r.wr(TOP_EN_SET, 0xf);
    assert_eq!(r.rd(TOP_EN_SET), 0xf);
    assert!(r.gpu.irq.asserted());
    r.wr(TOP_EN_CLEAR, 1 << 2);
    assert_eq!(r.rd(TOP_EN_CLEAR), 0xb);
    assert!(!r.gpu.irq.asserted());
    r.wr(TOP_EN_SET, 1 << 2);
    assert!(r.gpu.irq.asserted());

    // Leaf 5 belongs to subtree 2 too; leaf 0 to subtree 0.
    r.wr(LEAF_EN_SET + 0x14, 1);
    r.wr(LEAF_TRIGGER, 0xa0);
    assert_eq!(r.rd(LEAF + 0x14), 1, "LEAF_TRIGGER: vector 0xa0 pending");
    r.wr(LEAF_EN_SET, 1 << 23);
    r.gpu.intr.pulse(GSP_VECTOR);
    assert_eq!(r.rd(TOP), (1 << 2) | 1);

    // Write 1 to clear, only the bits written.
    r.wr(at, 0);
    assert_eq!(r.rd(at), bit, "a written 0 clears nothing");
    r.wr(at, bit);
    assert_eq!(r.rd(at), 0);
    assert_eq!(r.rd(TOP), (1 << 2) | 1, "leaf 5 still pending");
    r.wr(LEAF + 0x14, 1);
    r.wr(LEAF, 1 << 23);
    assert_eq!(r.rd(TOP), 0);
    assert!(!r.gpu.irq.asserted(), "nothing pending: deasserted");
    // A pending vector that is not enabled raises nothing.
    r.gpu.intr.pulse(COPY0_NONSTALL + 1);
    assert_eq!(r.rd(at), 1 << 2);
    assert_eq!(r.rd(TOP), 0);

    // TOP is read-only; offsets of the range without a register are
    // unmodelled like any other BAR0 offset.
    r.wr(TOP, 0xf);
    assert_eq!(r.logged("unmodelled or read-only write at 0xb81600"), 1);
    assert_eq!(r.rd(LEAF + 0x20), 0xbadf_1100);
    assert_eq!(r.logged("unmodelled read at 0xb81020"), 1);
    assert_eq!(r.rd(LEAF_TRIGGER), 0, "write-only");

    // A device reset: everything back to 0.
    r.gpu.reset();
    assert_eq!(
        (r.rd(at), r.rd(LEAF_EN_SET + 0x10), r.rd(TOP_EN_SET)),
        (0, 0, 0)
    );
    assert!(!r.gpu.irq.asserted());
}

#[test]
fn intx_is_a_level_lowered_when_nothing_is_pending() {
    let mut r = Rig::new("ga102");
    let intx = install(&r, INTX);
    let (at, bit) = leaf(COPY0_NONSTALL);
    r.wr(LEAF_EN_SET + 0x10, bit);
    r.wr(TOP_EN_SET, 0xf);
    assert_eq!(signals(&intx), 0);
    r.gpu.intr.pulse(COPY0_NONSTALL);
    assert!(r.gpu.irq.asserted());
    assert_eq!(signals(&intx), 1, "INTx asserted");
    // Still asserted when the client unmasks (after the guest's EOI): the
    // level is signalled again.
    r.gpu
        .irq
        .set_irqs(INTX, UNMASK, 0, 1, Vec::new())
        .expect("unmask");
    assert_eq!(signals(&intx), 1, "still asserted");
    // The driver clears the leaf: INTx is lowered, the next unmask is
    // quiet.
    r.wr(at, bit);
    assert!(!r.gpu.irq.asserted(), "lowered");
    r.gpu
        .irq
        .set_irqs(INTX, UNMASK, 0, 1, Vec::new())
        .expect("unmask");
    assert_eq!(signals(&intx), 0, "nothing pending, nothing signalled");
    // The next interrupt asserts it again.
    r.gpu.intr.pulse(COPY0_NONSTALL);
    assert_eq!(signals(&intx), 1);
    // Disabling the subtree lowers it too.
    r.wr(TOP_EN_CLEAR, 0xf);
    assert!(!r.gpu.irq.asserted());
    assert_eq!(r.gpu.irq.counts(), (0, 3));
}

#[test]
fn msi_on_each_rising_edge_and_again_on_rearm() {
    let mut r = Rig::new("ga102");
    let msi = install(&r, MSI);
    let (at, bit) = leaf(COPY0_NONSTALL);
    r.wr(LEAF_EN_SET + 0x10, bit | (bit << 1));
    r.wr(TOP_EN_SET, 0xf);
    r.gpu.intr.pulse(COPY0_NONSTALL);
    assert_eq!(signals(&msi), 1, "one message");
    // Another vector while the line is asserted: no new edge.
    r.gpu.intr.pulse(COPY0_NONSTALL + 1);
    assert_eq!(signals(&msi), 0);

    // A handler as nouveau's: unarm, read TOP and the leaves, clear one
    // of the two, rearm: the other is still pending, a new message.
    r.wr(TOP_EN_CLEAR, 0xf);
    assert!(!r.gpu.irq.asserted());
    assert_eq!(r.rd(TOP), 1 << 2);
    assert_eq!(r.rd(at), bit | (bit << 1));
    r.wr(at, bit);
    r.wr(TOP_EN_SET, 0xf);
    assert_eq!(signals(&msi), 1, "rearmed with a vector pending");
    // The same handler with everything cleared: rearm sends nothing.
    r.wr(TOP_EN_CLEAR, 0xf);
    r.wr(at, bit << 1);
    r.wr(TOP_EN_SET, 0xf);
    assert_eq!(signals(&msi), 0, "nothing pending");

    // Re-enabling a pending vector in its leaf is an edge as well.
    r.wr(LEAF_EN_CLEAR + 0x10, bit);
    r.gpu.intr.pulse(COPY0_NONSTALL);
    assert_eq!(signals(&msi), 0, "disabled in its leaf");
    r.wr(LEAF_EN_SET + 0x10, bit);
    assert_eq!(signals(&msi), 1, "LEAF_EN_SET of a pending vector");
    assert_eq!(r.gpu.irq.counts(), (3, 0));
}

#[test]
fn the_gsp_falcon_is_a_level_source() {
    let mut r = Rig::new("ga102");
    let msi = install(&r, MSI);
    let (at, bit) = leaf(GSP_VECTOR);
    assert_eq!((at, bit), (LEAF, 1 << 23));
    r.wr(LEAF_EN_SET, bit);
    r.wr(TOP_EN_SET, 0xf);

    // SWGEN0 pending but masked: no source.
    r.wr(IRQSSET, SWGEN0);
    assert_eq!(r.rd(IRQSTAT) & SWGEN0, SWGEN0);
    assert_eq!(r.rd(at), 0);
    // Unmasked but routed to the falcon (IRQDEST bit 6 clear): none.
    r.wr(IRQMSET, SWGEN0);
    assert_eq!(r.rd(at), 0);
    // IRQDEST bit 6 and bit 22 both set: the falcon's other vector (3),
    // not the host's (1).
    r.wr(IRQDEST, SWGEN0 | (SWGEN0 << 16));
    assert_eq!(r.rd(at), 0);
    // Routed to the host: the GSP vector pending, one message.
    r.wr(IRQDEST, SWGEN0);
    assert_eq!(r.rd(at), bit);
    assert_eq!(signals(&msi), 1);

    // While SWGEN0 stays pending the leaf bit cannot be cleared.
    r.wr(at, bit);
    assert_eq!(r.rd(at), bit, "the level source sets it again");
    assert!(r.gpu.irq.asserted());
    // The driver clears SWGEN0 in the falcon: the level drops, the leaf
    // keeps what it latched until cleared, then stays clear.
    r.wr(IRQSCLR, SWGEN0);
    assert_eq!(r.rd(IRQSTAT) & SWGEN0, 0);
    assert_eq!(r.rd(at), bit, "latched");
    r.wr(at, bit);
    assert_eq!(r.rd(at), 0);
    assert_eq!(r.rd(at), 0, "and stays clear");
    assert!(!r.gpu.irq.asserted());
    // Masking also takes the source away.
    r.wr(IRQSSET, SWGEN0);
    assert_eq!(r.rd(at), bit);
    assert_eq!(signals(&msi), 1);
    r.wr(IRQMCLR, SWGEN0);
    r.wr(at, bit);
    assert_eq!(r.rd(at), 0);
    assert!(!r.gpu.irq.asserted());
}

/// GSP-RM's messages reach the tree at the GSP's vector: at once when the
/// command that caused them is handled, and from GSP-RM's background
/// thread (an `rpc` duration) with no falcon access in between.
#[test]
fn gsp_rm_messages_assert_the_gsp_vector() {
    let dir = fw_dir("ga102");
    let mut timing = Timing::fast();
    timing.apply("rpc=20ms").expect("delay");
    let mut r = Rig::with_timing("ga102", &dir, timing);
    assert_eq!(boot_to_booter_load(&mut r), (true, 0));
    let msi = install(&r, MSI);
    let (at, bit) = leaf(GSP_VECTOR);
    // nova's order: clear SWGEN0, route it to the host, unmask it; then
    // the tree.
    r.wr(IRQSCLR, SWGEN0);
    r.wr(IRQDEST, SWGEN0);
    r.wr(IRQMSET, SWGEN0);
    r.wr(LEAF_EN_SET, bit);
    r.wr(TOP_EN_SET, 0xf);
    assert_eq!(r.rd(at), 0);

    // The init commands: GSP-RM's boot events are in the queue when the
    // doorbell write returns, and the GSP vector is pending.
    let mut d = Driver::new();
    d.init_commands(&mut r);
    assert_eq!(r.rd(at), bit);
    assert_eq!(signals(&msi), 1);
    // The driver's handler: unarm, SWGEN0 cleared at the falcon, the leaf
    // cleared, the queue drained, rearm: nothing left, no message.
    r.wr(TOP_EN_CLEAR, 0xf);
    r.wr(IRQSCLR, SWGEN0);
    r.wr(at, bit);
    assert_eq!(r.rd(at), 0);
    while d.recv(&mut r).is_some() {}
    r.wr(TOP_EN_SET, 0xf);
    assert_eq!(signals(&msi), 0);

    // A NOP answered 20 ms later by the background thread: the vector
    // becomes pending with no register access in between.
    let asked = Instant::now();
    d.send(&mut r, 0, &[0; 4]);
    while !r.gpu.intr.pending(GSP_VECTOR) {
        assert!(asked.elapsed() < Duration::from_secs(5), "never raised");
        std::thread::sleep(Duration::from_millis(1));
    }
    assert!(asked.elapsed() >= Duration::from_millis(20));
    assert!(r.gpu.irq.asserted());
    assert_eq!(signals(&msi), 1);
    assert_eq!(r.rd(IRQSTAT) & SWGEN0, SWGEN0, "IRQSTAT has it too");
    assert!(d.wait(&mut r, 0).is_some(), "the NOP's reply");
    cleanup(Path::new(&dir));
}
