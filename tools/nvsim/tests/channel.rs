//! A copy-engine channel built by hand, as nouveau's r570 code builds one,
//! and work run through it: RM objects over the queues (a client, device,
//! subdevice, externally owned VA space with its root page directory, the
//! GPFIFO channel with driver-supplied instance block, USERD and fault
//! method buffer, BIND, GPFIFO_SCHEDULE, the copy-engine object, the
//! work-submit token), ver2 (Turing, Ampere, Ada) or ver3 (Hopper,
//! Blackwell) page tables in VRAM, push buffers, the doorbell, and what
//! comes back: copies, constant fills, semaphores, GP_GET, and the channel
//! errors GSP-RM reports. The copy and MMU-fault tests run on TU102, GA102,
//! AD102, GH100 and GB202 (GSP-RM booted through the FSP on the last two,
//! skipped if the build root's FMC files are not at hand), each with its
//! own classes; the others on GA102 or AD102.
//!
//! Layouts are written here from their sources, not from nvsim's code:
//! `NV_CHANNEL_ALLOC_PARAMS` of r570.144 (nouveau `rm/r570/nvrm/fifo.h`,
//! 0x170 bytes), `NVC0B5_ALLOCATION_PARAMETERS` (`rm/r535/nvrm/ce.h`), the
//! controls (`ctrla06f`/`ctrlc36f`, `ctrl2080fifo.h`, `ctrl2080ce.h`),
//! the GPFIFO entry and method headers (`clc56f.h`), the copy-engine
//! methods (`clc5b5.h`), USERD GP_GET 0x88 / GP_PUT 0x8c (`clc56f.h`), the
//! doorbell at BAR0 0xbb0090 (nouveau `vfn/ga100.c` + `NVC361_NOTIFY_
//! CHANNEL_PENDING`), the ver2 page-table entries (`dev_mmu.ref.txt`),
//! the ver3 ones (nouveau `nvhw/ref/gh100/dev_mmu.h`), RAMFC and the
//! instance block (`dev_ram.ref.txt`, GB20x's `gb100/dev_ram.h`), RC_TRIGGERED
//! (`rpc_rc_triggered_v17_02`, nouveau `rm/r570/nvrm/fifo.h`) and the
//! event numbers (nouveau `rm/r570/nvrm/msgfn.h`).

mod common;

use std::collections::HashMap;

use common::gsp::*;
use common::rig::RAM;
use nvsim::gsprm;
use nvsim::mmu::{Memory, PhysAddr};

const CHANNEL_CLASS: u32 = 0xc56f; // AMPERE_CHANNEL_GPFIFO_A (GA10x, AD10x)
const CE_CLASS: u32 = 0xc7b5; // AMPERE_DMA_COPY_B
const USERMODE_CLASS: u32 = 0xc561; // AMPERE_USERMODE_A
const COPY0: u32 = 9;
const GR0: u32 = 1;

const BIND: u32 = 0xa06f_0104;
const SCHEDULE: u32 = 0xa06f_0103;
const GET_WORK_SUBMIT_TOKEN: u32 = 0xc36f_0108;
const GET_DEVICE_INFO_TABLE: u32 = 0x2080_1112;
const GET_FAULT_METHOD_BUFFER_SIZE: u32 = 0x2080_2a08;

const NOT_FOUND_STATUS: u32 = OBJECT_NOT_FOUND;
const INVALID_ADDRESS: u32 = 0x1e;

const DOORBELL: u32 = 0x00bb_0090;
const RC_TRIGGERED: u32 = 0x1004;
const MMU_FAULT_QUEUED: u32 = 0x1005;

/// Where things are in VRAM and in the channel's VA space.
const PT_BASE: u64 = 0x10_0000;
const RING_VA: u64 = 0x1_0000_0000;
const PB_VA: u64 = 0x1_0001_0000;
const SRC_VA: u64 = 0x1_0010_0000;
const DST_VA: u64 = 0x1_0020_0000;
const SEM_VA: u64 = 0x1_0030_0000;
const RO_VA: u64 = 0x1_0040_0000;
const UNMAPPED_VA: u64 = 0x1_0050_0000;

/// Page tables in VRAM, 4 KiB pages, as a driver writes them.
///
/// ver2 (Turing, Ampere, Ada; `dev_mmu.ref.txt` `NV_MMU_VER2_*`): PD3
/// (VA 48:47), PD2 (46:38), PD1 (37:29), PD0 (28:21, 16-byte dual
/// entries), PT (20:12); PDE `(table >> 4) | APERTURE_VIDEO_MEMORY (1) <<
/// 1`; PD0 dual entry with the small table in the high half at the same
/// bit positions; PTE `VALID | APERTURE VIDEO (0) | PRIVILEGE 5 |
/// READ_ONLY 6 | (page >> 4)`.
///
/// ver3 (Hopper, Blackwell; nouveau `nvhw/ref/gh100/dev_mmu.h`
/// `NV_MMU_VER3_*`, the levels of open-gpu-kernel-modules
/// `kern_gmmu_fmt_gh10x.c`): 57-bit VA, PD4 (56), PD3 (55:47), PD2, PD1,
/// PD0 and PT as ver2; PDE: the table's address in place (ADDRESS 51:12),
/// APERTURE 2:1 VIDEO_MEMORY (1), PCF 5:3 VALID_CACHED_ATS_NOT_ALLOWED
/// (2); PD0 dual entry: the small half in the high word at the same bit
/// positions (APERTURE_SMALL 66:65, PCF_SMALL 69:67, ADDRESS_SMALL
/// 115:76); PTE: VALID 0, APERTURE 2:1 VIDEO_MEMORY (0), PCF 7:3
/// REGULAR_RW_ATOMIC_CACHED_ACE (0) or REGULAR_RO_ATOMIC_CACHED_ACE (4),
/// KIND 11:8 (0, pitch), the page's address in place (39:12 for video
/// memory).
struct Vm {
    mem: Memory,
    root: u64,
    next: u64,
    ver3: bool,
    tables: HashMap<(u64, u64), u64>,
}

impl Vm {
    fn new(mem: Memory, base: u64, ver3: bool) -> Vm {
        mem.write(PhysAddr::vram(base), &[0u8; 0x1000]).unwrap();
        Vm {
            mem,
            root: base,
            next: base + 0x1000,
            ver3,
            tables: HashMap::new(),
        }
    }

    /// The root level's entries (SET_PAGE_DIRECTORY's numEntries): ver2's
    /// PD3 indexes 2 VA bits, ver3's PD4 one.
    fn root_entries(&self) -> u32 {
        if self.ver3 {
            2
        } else {
            4
        }
    }

    fn w64(&self, at: u64, v: u64) {
        self.mem
            .write(PhysAddr::vram(at), &v.to_le_bytes())
            .unwrap();
    }

    fn table(&mut self, parent: u64, idx: u64) -> (u64, bool) {
        if let Some(t) = self.tables.get(&(parent, idx)) {
            return (*t, false);
        }
        let t = self.next;
        self.next += 0x1000;
        self.mem.write(PhysAddr::vram(t), &[0u8; 0x1000]).unwrap();
        self.tables.insert((parent, idx), t);
        (t, true)
    }

    /// A directory entry (or the small half of a dual one) for the table
    /// at `t` in video memory.
    fn pde(&self, t: u64) -> u64 {
        if self.ver3 {
            t | (1 << 1) | (2 << 3)
        } else {
            (t >> 4) | (1 << 1)
        }
    }

    /// A PTE for the video-memory page at `pa`.
    fn pte(&self, pa: u64, ro: bool) -> u64 {
        if self.ver3 {
            1 | pa | if ro { 4 << 3 } else { 0 }
        } else {
            1 | (pa >> 4) | if ro { 1 << 6 } else { 0 }
        }
    }

    fn map(&mut self, va: u64, pa: u64, len: u64, ro: bool) {
        let dirs: &[(u64, u64)] = if self.ver3 {
            &[(56, 1), (47, 9), (38, 9), (29, 9)]
        } else {
            &[(47, 2), (38, 9), (29, 9)]
        };
        for off in (0..len).step_by(0x1000) {
            let v = va + off;
            let mut t = self.root;
            for &(shift, bits) in dirs {
                let idx = (v >> shift) & ((1 << bits) - 1);
                let (child, new) = self.table(t, idx);
                if new {
                    self.w64(t + idx * 8, self.pde(child));
                }
                t = child;
            }
            let idx = (v >> 21) & 0xff;
            let (spt, new) = self.table(t, idx);
            if new {
                self.w64(t + idx * 16, 0);
                self.w64(t + idx * 16 + 8, self.pde(spt));
            }
            self.w64(spt + ((v >> 12) & 0x1ff) * 8, self.pte(pa + off, ro));
        }
    }
}

/// A generation's channel facts: its GPFIFO channel and copy-engine
/// classes (nouveau `include/nvif/class.h`; which generation has which:
/// nouveau `rm/{tu1xx,ga1xx,ad10x,gh100,gb20x}.c`), its page-table format,
/// RAMFC's GP_BASE words (18/19; 36/37 on GB20x, `gb100/dev_ram.h`) and
/// CHID word (0x3a; none on GB20x), and the work-submit token's bit 30 on
/// GB20x (nouveau `gb202_chan_doorbell_handle`).
#[derive(Clone, Copy, Debug)]
struct Gen {
    gpfifo: u32,
    ce: u32,
    ver3: bool,
    gp_base: (u64, u64),
    chid_word: bool,
    token_bits: u32,
}

fn gen(chip: &str) -> Gen {
    let (gpfifo, ce) = match chip {
        // TURING_CHANNEL_GPFIFO_A, TURING_DMA_COPY_A.
        "tu102" => (0xc46f, 0xc5b5),
        // AMPERE_CHANNEL_GPFIFO_A, AMPERE_DMA_COPY_B.
        "ga102" | "ad102" => (CHANNEL_CLASS, CE_CLASS),
        // HOPPER_CHANNEL_GPFIFO_A, HOPPER_DMA_COPY_A.
        "gh100" => (0xc86f, 0xc8b5),
        // BLACKWELL_CHANNEL_GPFIFO_B, BLACKWELL_DMA_COPY_B.
        "gb202" => (0xca6f, 0xcab5),
        _ => panic!("no channel facts for {chip}"),
    };
    let gb20x = chip == "gb202";
    Gen {
        gpfifo,
        ce,
        ver3: matches!(chip, "gh100" | "gb202"),
        gp_base: if gb20x { (36, 37) } else { (18, 19) },
        chid_word: !gb20x,
        token_bits: if gb20x { 1 << 30 } else { 0 },
    }
}

/// The chips the channel tests run on: a board of each generation.
const CHIPS: [&str; 5] = ["tu102", "ga102", "ad102", "gh100", "gb202"];

/// A channel's memory (VRAM) and handle.
#[derive(Clone, Copy)]
struct Layout {
    handle: u32,
    inst: u64,
    userd: u64,
    ring: u64,
    pb: u64,
    src: u64,
    dst: u64,
    sem: u64,
}

fn layout(n: u64) -> Layout {
    let b = 0x100_0000 * (n + 1);
    Layout {
        handle: 0xf1f0_0000 + n as u32,
        inst: b,
        userd: b + 0x1000,
        ring: b + 0x2000,
        pb: b + 0x1_0000,
        src: b + 0x10_0000,
        dst: b + 0x20_0000,
        sem: b + 0x30_0000,
    }
}

/// `NV_CHANNEL_ALLOC_PARAMS` as `r570_chan_alloc` fills it for channel
/// `chid` (USERD index page fixed, the page and index of the ID).
#[allow(clippy::too_many_arguments)]
fn channel_params(
    ring_va: u64,
    entries: u32,
    h_vas: u32,
    engine: u32,
    inst: u64,
    userd: u64,
    mthdbuf: u64,
    chid: u32,
) -> Vec<u8> {
    let mut p = vec![0u8; 0x170];
    put64(&mut p, 0x08, ring_va);
    put(&mut p, 0x10, entries);
    put(
        &mut p,
        0x14,
        ((chid % 8) << 8) | ((chid / 8) << 12) | (1 << 21),
    );
    put(&mut p, 0x1c, h_vas);
    put(&mut p, 0x80, engine);
    let mut desc = |at: usize, base: u64, size: u64, aspace: u32, cache: u32| {
        put64(&mut p, at, base);
        put64(&mut p, at + 8, size);
        put(&mut p, at + 16, aspace);
        put(&mut p, at + 20, cache);
    };
    desc(0x90, inst, 0x1000, 2, 1);
    desc(0xa8, userd, 0x200, 2, 1);
    desc(0xc0, inst, 0x200, 2, 1);
    desc(0xd8, mthdbuf, 0x1000, 1, 0);
    // internalFlags: PRIVILEGE USER, ERROR_NOTIFIER_TYPE NONE, ECC NONE.
    put(&mut p, 0xf4, (1 << 2) | (1 << 4));
    p
}

/// Method headers (`NVC56F_DMA_*`): SEC_OP 31:29, COUNT 28:16,
/// SUBCHANNEL 15:13, ADDRESS 11:0 in dwords.
fn hdr(op: u32, subch: u32, mthd: u32, count: u32) -> u32 {
    (op << 29) | (count << 16) | (subch << 13) | (mthd >> 2)
}

fn inc(pb: &mut Vec<u32>, subch: u32, mthd: u32, data: &[u32]) {
    pb.push(hdr(1, subch, mthd, data.len() as u32));
    pb.extend_from_slice(data);
}

fn non_inc(pb: &mut Vec<u32>, subch: u32, mthd: u32, data: &[u32]) {
    pb.push(hdr(3, subch, mthd, data.len() as u32));
    pb.extend_from_slice(data);
}

fn one_inc(pb: &mut Vec<u32>, subch: u32, mthd: u32, data: &[u32]) {
    pb.push(hdr(5, subch, mthd, data.len() as u32));
    pb.extend_from_slice(data);
}

fn immd(pb: &mut Vec<u32>, subch: u32, mthd: u32, v: u32) {
    pb.push(hdr(4, subch, mthd, v));
}

const CE_SUBCH: u32 = 4;

/// LAUNCH_DMA (`clc5b5.h`): PIPELINED 1, FLUSH 1 << 2, SEMAPHORE_TYPE 4:3,
/// INTERRUPT_TYPE 6:5, SRC/DST PITCH 1 << 7 / 1 << 8, MULTI_LINE 1 << 9,
/// REMAP 1 << 10, SRC/DST PHYSICAL 1 << 12 / 1 << 13.
const LAUNCH_COPY: u32 = 1 | (1 << 2) | (1 << 7) | (1 << 8);
const SEM_ONE_WORD: u32 = 1 << 3;
const SEM_FOUR_WORD: u32 = 2 << 3;
const INTR_NON_BLOCKING: u32 = 2 << 5;
const MULTI_LINE: u32 = 1 << 9;
const REMAP: u32 = 1 << 10;

/// The VFN CPU interrupt tree (open-gpu-kernel-modules `dev_vm.h`, VFN
/// base 0xb80000): LEAF(i) at +0x1000 + 4i (write 1 to clear). COPY0's
/// non-stall vector as the internal subdevice's interrupt table gives it
/// (see `interrupt_vectors_on_the_internal_subdevice`): 0x81, leaf 4 bit 1.
const CPU_INTR_LEAF: u32 = 0x00b8_1000;
const COPY0_NONSTALL: u32 = 0x81;

fn leaf_of(vector: u32) -> (u32, u32) {
    (CPU_INTR_LEAF + 4 * (vector / 32), 1 << (vector % 32))
}

struct Chan {
    g: Gsp,
    /// The chip's generation.
    gen: Gen,
    /// The page tables.
    vm: Vm,
    mem: Memory,
    token: [u32; 4],
    put: [u32; 4],
    pb_used: [u64; 4],
}

impl Chan {
    /// `chip` booted, a client with its device, subdevice and externally
    /// owned VA space whose root is in VRAM, the VA space's pages mapped
    /// for `channels` channels (each with its ring, push buffer, source,
    /// destination and semaphore pages), and those channels allocated,
    /// bound, scheduled, with their copy-engine objects and tokens.
    fn new(chip: &str, channels: u64) -> Chan {
        Self::booted(Gsp::boot(chip), channels)
    }

    /// The same, or `None` after reporting test `test` skipped on an FSP
    /// chip whose FMC files are not at hand.
    fn try_new(chip: &str, channels: u64, test: &str) -> Option<Chan> {
        let Some(g) = Gsp::try_boot(chip) else {
            common::skip(
                &format!("nvsim::channel::{test}::{chip}"),
                &format!(
                    "no nvidia/{chip}/gsp/fmc-570.144.bin under NOVA_FW_DIR, /usr/lib/firmware \
                     or the build root"
                ),
            );
            return None;
        };
        Some(Self::booted(g, channels))
    }

    /// The same on a booted GPU.
    fn booted(mut g: Gsp, channels: u64) -> Chan {
        g.client_device(CLIENT);
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
        let gen = gen(g.r.gpu.chip().name);
        let mem = g.r.gpu.mmu.memory().clone();
        let mut vm = Vm::new(mem.clone(), PT_BASE, gen.ver3);
        for n in 0..channels {
            let l = layout(n);
            let o = n * 0x100_0000;
            vm.map(RING_VA + o, l.ring, 0x1000, false);
            vm.map(PB_VA + o, l.pb, 0x10000, false);
            vm.map(SRC_VA + o, l.src, 0x10000, false);
            vm.map(DST_VA + o, l.dst, 0x10000, false);
            vm.map(SEM_VA + o, l.sem, 0x1000, false);
            vm.map(RO_VA + o, l.sem + 0x1000, 0x1000, true);
        }
        assert_eq!(
            g.control(
                CLIENT,
                DEVICE,
                SET_PAGE_DIRECTORY,
                &set_pd(PT_BASE, vm.root_entries(), 0, VASPACE)
            ),
            OK
        );
        let mut c = Chan {
            g,
            gen,
            vm,
            mem,
            token: [0; 4],
            put: [0; 4],
            pb_used: [0; 4],
        };
        for n in 0..channels {
            c.channel(n);
        }
        c
    }

    fn channel(&mut self, n: u64) {
        let l = layout(n);
        let chid = n as u32 + 1;
        let mthdbuf = RAM + 0xe_0000 + n * 0x1000;
        let p = channel_params(
            RING_VA + n * 0x100_0000,
            512,
            VASPACE,
            COPY0,
            l.inst,
            l.userd,
            mthdbuf,
            chid,
        );
        assert_eq!(
            self.g.alloc(CLIENT, DEVICE, l.handle, self.gen.gpfifo, &p),
            OK
        );
        let mut b = vec![0u8; 4];
        put(&mut b, 0, COPY0);
        assert_eq!(self.g.control(CLIENT, l.handle, BIND, &b), OK);
        assert_eq!(self.g.control(CLIENT, l.handle, SCHEDULE, &[1, 0]), OK);
        let mut ce = vec![0u8; 8];
        put(&mut ce, 0, 1);
        put(&mut ce, 4, COPY0);
        assert_eq!(
            self.g
                .alloc(CLIENT, l.handle, l.handle + 0x100, self.gen.ce, &ce),
            OK
        );
        let (st, t) = self
            .g
            .control_reply(CLIENT, l.handle, GET_WORK_SUBMIT_TOKEN, &[0; 4]);
        assert_eq!(st, OK);
        self.token[n as usize] = get(&t, 0);
    }

    fn rd(&self, pa: u64, len: usize) -> Vec<u8> {
        let mut b = vec![0u8; len];
        self.mem.read(PhysAddr::vram(pa), &mut b).unwrap();
        b
    }

    fn wr(&self, pa: u64, data: &[u8]) {
        self.mem.write(PhysAddr::vram(pa), data).unwrap();
    }

    fn rd32(&self, pa: u64) -> u32 {
        get(&self.rd(pa, 4), 0)
    }

    fn gp_get(&self, n: u64) -> u32 {
        self.rd32(layout(n).userd + 0x88)
    }

    /// Writes `pb` into channel `n`'s push buffer, a GPFIFO entry for it,
    /// GP_PUT, and rings the doorbell with the channel's token; then waits
    /// for the engine thread to have run it.
    fn submit(&mut self, n: u64, pb: &[u32]) {
        self.queue(n, pb);
        self.ring(n);
    }

    /// Rings channel `n`'s doorbell and waits until the engine thread
    /// has run what it could (a channel waiting at an acquire stays so).
    fn ring(&mut self, n: u64) {
        self.g.r.wr(DOORBELL, self.token[n as usize]);
        self.settle();
    }

    /// Waits until the engine thread has run what was rung.
    fn settle(&self) {
        let settled = self.g.r.gpu.settle(std::time::Duration::from_secs(20));
        assert!(
            settled,
            "the engine never settled: {:?}",
            self.g.r.trace.lines()
        );
    }

    /// Writes `pb` into channel `n`'s push buffer, a GPFIFO entry for it
    /// and GP_PUT, without ringing the doorbell.
    fn queue(&mut self, n: u64, pb: &[u32]) {
        let l = layout(n);
        let i = n as usize;
        let at = self.pb_used[i];
        let bytes: Vec<u8> = pb.iter().flat_map(|w| w.to_le_bytes()).collect();
        self.wr(l.pb + at, &bytes);
        self.pb_used[i] += (bytes.len() as u64).next_multiple_of(0x100);
        // GP entry (`NVC56F_GP_ENTRY*`): GET 31:2, GET_HI 7:0, LENGTH 30:10.
        let va = PB_VA + n * 0x100_0000 + at;
        let e0 = va as u32 & !3;
        let e1 = ((va >> 32) as u32 & 0xff) | ((pb.len() as u32) << 10);
        let slot = self.put[i];
        self.wr(l.ring + u64::from(slot) * 8, &e0.to_le_bytes());
        self.wr(l.ring + u64::from(slot) * 8 + 4, &e1.to_le_bytes());
        self.put[i] = (slot + 1) % 512;
        self.wr(l.userd + 0x8c, &self.put[i].to_le_bytes());
    }

    /// The events GSP-RM sent since the last look: (function, payload).
    fn events(&mut self) -> Vec<(u32, Vec<u8>)> {
        let mut out = Vec::new();
        while let Some(m) = self.g.d.recv(&mut self.g.r) {
            let m = m.expect("checksum");
            out.push((m.0, m.3));
        }
        out
    }

    fn exec(&self, n: u64) -> nvsim::fifo::Exec {
        let g = gsprm::lock(&self.g.r.gpu.gsp_rm);
        g.rm_objects()
            .and_then(|o| o.channel(CLIENT, layout(n).handle))
            .map(|c| c.exec.clone())
            .expect("channel")
    }
}

fn set_object(pb: &mut Vec<u32>) {
    set_object_of(pb, CE_CLASS);
}

/// SET_OBJECT of the copy-engine class `class` on the copy engine's
/// subchannel.
fn set_object_of(pb: &mut Vec<u32>, class: u32) {
    inc(pb, CE_SUBCH, 0x0, &[class]);
}

fn va(n: u64, base: u64) -> u64 {
    base + n * 0x100_0000
}

#[test]
fn ce_copy_fill_and_semaphores_through_a_hand_built_channel() {
    for chip in CHIPS {
        let test = "ce_copy_fill_and_semaphores_through_a_hand_built_channel";
        let Some(mut c) = Chan::try_new(chip, 1, test) else {
            continue;
        };
        let (l, gen) = (layout(0), c.gen);
        // The boot each took: FWSEC-FRTS through the generic bootloader on
        // Turing, the COT through the FSP on Hopper and Blackwell.
        let (tu102, fsp) = (chip == "tu102", gen.ver3);
        assert_eq!(
            c.g.logged("generic bootloader recognised"),
            usize::from(tu102)
        );
        assert_eq!(c.g.logged("FSP: COT accepted"), usize::from(fsp), "{chip}");
        // What GSP-RM wrote: RAMFC GP_BASE (word 18; 36 on GB20x) and
        // GP_BASE_HI (19; 37) with LIMIT2 = log2(512) in 20:16, SIGNATURE
        // 0xface (word 4), CHID (0x3a, not on GB20x), USERD and USERD_HI
        // (words 2/3, Turing only: ADDR 31:9, TARGET 1:0 VID_MEM), and
        // PAGE_DIR_BASE (128/129): the root, target VID_MEM,
        // USE_VER2_PT_FORMAT (10, ver2 only), BIG_PAGE_SIZE 64 KiB (11).
        let (lo, hi) = gen.gp_base;
        assert_eq!(c.rd32(l.inst + lo * 4), RING_VA as u32, "{chip}");
        assert_eq!(c.rd32(l.inst + hi * 4), 1 | (9 << 16), "{chip}");
        assert_eq!(c.rd32(l.inst + 4 * 4), 0xface, "{chip}");
        if gen.chid_word {
            assert_eq!(c.rd32(l.inst + 0x3a * 4), 1, "{chip}");
        }
        if chip == "tu102" {
            assert_eq!(c.rd32(l.inst + 2 * 4), l.userd as u32, "{chip}");
            assert_eq!(c.rd32(l.inst + 3 * 4), (l.userd >> 32) as u32);
        }
        let ver2 = if gen.ver3 { 0 } else { 1 << 10 };
        assert_eq!(
            c.rd32(l.inst + 0x200),
            PT_BASE as u32 | ver2 | (1 << 11),
            "{chip}"
        );
        assert_eq!(c.rd32(l.inst + 0x204), 0, "{chip}");
        // The token: runlist of COPY0 (1) << 16 | chid 1 (| 1 << 30 on
        // GB20x).
        assert_eq!(c.token[0], gen.token_bits | 0x1_0001, "{chip}");

        // A 12 KiB copy across pages, its one-word semaphore, a 64-bit
        // host semaphore release and a non-stall interrupt.
        let src: Vec<u8> = (0..0x3000u32).map(|i| (i * 7 + 3) as u8).collect();
        c.wr(l.src, &src);
        let mut pb = Vec::new();
        set_object_of(&mut pb, gen.ce);
        inc(
            &mut pb,
            CE_SUBCH,
            0x240,
            &[(SEM_VA >> 32) as u32, SEM_VA as u32],
        );
        // NON_INC: the last payload wins.
        non_inc(&mut pb, CE_SUBCH, 0x248, &[0x1111, 0xcafe_0001]);
        // ONE_INC: OFFSET_IN_UPPER, then OFFSET_IN_LOWER.
        one_inc(
            &mut pb,
            CE_SUBCH,
            0x400,
            &[(SRC_VA >> 32) as u32, SRC_VA as u32],
        );
        inc(
            &mut pb,
            CE_SUBCH,
            0x408,
            &[(DST_VA >> 32) as u32, DST_VA as u32],
        );
        inc(&mut pb, CE_SUBCH, 0x418, &[0x3000, 1]);
        inc(&mut pb, CE_SUBCH, 0x300, &[LAUNCH_COPY | SEM_ONE_WORD]);
        let host_sem = SEM_VA + 0x100;
        inc(
            &mut pb,
            0,
            0x5c,
            &[
                host_sem as u32,
                (host_sem >> 32) as u32,
                0x8765_4321,
                0x0123_4567,
                1 | (1 << 24),
            ],
        );
        immd(&mut pb, 0, 0x20, 0);
        let (leaf, bit) = leaf_of(COPY0_NONSTALL);
        assert_eq!(c.g.r.rd(leaf) & bit, 0, "{chip}: nothing pending yet");
        c.submit(0, &pb);
        // NON_STALL_INTERRUPT: COPY0's non-stall vector pending; a written
        // 1 clears it.
        assert_eq!(c.g.r.rd(leaf), bit, "{chip}: non-stall vector pending");
        c.g.r.wr(leaf, bit);
        assert_eq!(c.g.r.rd(leaf), 0, "{chip}: cleared");
        assert_eq!(c.rd(l.dst, 0x3000), src, "{chip}: the copy");
        assert_eq!(c.rd32(l.sem), 0xcafe_0001, "{chip}: CE semaphore");
        assert_eq!(
            c.rd(l.sem + 0x100, 8),
            0x0123_4567_8765_4321u64.to_le_bytes(),
            "{chip}: 64-bit host semaphore"
        );
        assert_eq!(c.gp_get(0), 1, "{chip}: GP_GET");
        let e = c.exec(0);
        assert_eq!((e.nonstall, e.copies, e.bytes), (1, 1, 0x3000), "{chip}");
        assert!(e.stopped.is_none());

        // A constant fill through remap: CONST_A into 2 lines of 0x100
        // four-byte pixels, 0x2000 apart, with a four-word semaphore and a
        // non-blocking interrupt; the gap between the lines is untouched.
        c.wr(l.dst, &[0x55; 0x3000]);
        let mut pb = Vec::new();
        inc(&mut pb, CE_SUBCH, 0x700, &[0xdead_beef, 0, 4 | (3 << 16)]);
        inc(
            &mut pb,
            CE_SUBCH,
            0x408,
            &[(DST_VA >> 32) as u32, DST_VA as u32],
        );
        inc(&mut pb, CE_SUBCH, 0x410, &[0, 0x2000, 0x100, 2]);
        inc(&mut pb, CE_SUBCH, 0x248, &[0xcafe_0002]);
        inc(
            &mut pb,
            CE_SUBCH,
            0x300,
            &[LAUNCH_COPY | REMAP | MULTI_LINE | SEM_FOUR_WORD | INTR_NON_BLOCKING],
        );
        c.submit(0, &pb);
        let fill: Vec<u8> = [0xef, 0xbe, 0xad, 0xde].repeat(0x100);
        assert_eq!(c.rd(l.dst, 0x400), fill, "{chip}: line 0");
        assert_eq!(
            c.rd(l.dst + 0x400, 0x1c00),
            vec![0x55; 0x1c00],
            "{chip}: gap"
        );
        assert_eq!(c.rd(l.dst + 0x2000, 0x400), fill, "{chip}: line 1");
        assert_eq!(c.rd32(l.sem), 0xcafe_0002, "{chip}");
        assert_eq!(
            c.rd32(l.sem + 4),
            0,
            "{chip}: four-word semaphore: a zero word"
        );
        assert_ne!(get(&c.rd(l.sem + 8, 8), 4), 0, "{chip}: and a timestamp");
        assert_eq!(c.gp_get(0), 2, "{chip}");
        assert_eq!(c.exec(0).nonstall, 2, "{chip}");
        // LAUNCH_DMA's NON_BLOCKING interrupt: the same vector again.
        assert_eq!(c.g.r.rd(leaf), bit, "{chip}: LAUNCH_DMA's interrupt");
        c.g.r.wr(leaf, bit);
        assert_eq!(c.g.r.rd(leaf), 0, "{chip}");
        // No channel error, no event.
        assert!(c.events().is_empty(), "{chip}");
        c.g.done();
    }
}

#[test]
fn a_semaphore_acquire_waits_until_released() {
    let mut c = Chan::new("ga102", 1);
    let l = layout(0);
    let sem = SEM_VA + 0x200;
    let mut pb = Vec::new();
    // ACQ_STRICT_GEQ 5 (32-bit), then release 7 at another semaphore.
    inc(&mut pb, 0, 0x5c, &[sem as u32, (sem >> 32) as u32, 5, 0, 2]);
    inc(
        &mut pb,
        0,
        0x5c,
        &[(sem + 0x10) as u32, ((sem + 0x10) >> 32) as u32, 7, 0, 1],
    );
    c.submit(0, &pb);
    assert_eq!(c.gp_get(0), 0, "waiting in the entry");
    assert_eq!(c.rd32(l.sem + 0x210), 0);
    assert!(c.exec(0).waiting.is_some());
    // Another doorbell before the value is there: still waiting.
    c.ring(0);
    assert_eq!(c.gp_get(0), 0);
    // The value arrives (as another engine or the CPU would write it).
    c.wr(l.sem + 0x200, &6u32.to_le_bytes());
    c.ring(0);
    assert_eq!(c.gp_get(0), 1);
    assert_eq!(c.rd32(l.sem + 0x210), 7);
    assert!(c.exec(0).waiting.is_none());
    c.g.done();
}

/// RC_TRIGGERED's r570.144 fields: (nv2080EngineType, chid, exceptType,
/// mmuFaultAddr, mmuFaultType).
fn rc_fields(p: &[u8]) -> (u32, u32, u32, u64, u32) {
    assert_eq!(p.len(), 0x30, "rpc_rc_triggered_v17_02 with no journal");
    (
        get(p, 0x00),
        get(p, 0x04),
        get(p, 0x10),
        u64::from(get(p, 0x1c)) | (u64::from(get(p, 0x20)) << 32),
        get(p, 0x24),
    )
}

#[test]
fn mmu_faults_stop_the_channel_and_gsp_rm_reports_them() {
    for chip in CHIPS {
        let test = "mmu_faults_stop_the_channel_and_gsp_rm_reports_them";
        let Some(c) = Chan::try_new(chip, 2, test) else {
            continue;
        };
        mmu_faults_on(c, chip);
    }
}

/// The MMU faults on `c`'s two channels (chip `chip`): a copy into an
/// unmapped page on the first, a host semaphore release into a read-only
/// page on the second.
fn mmu_faults_on(mut c: Chan, chip: &str) {
    // Channel 1 (chid 1): a copy into an unmapped page.
    let mut pb = Vec::new();
    set_object_of(&mut pb, c.gen.ce);
    inc(
        &mut pb,
        CE_SUBCH,
        0x400,
        &[(SRC_VA >> 32) as u32, SRC_VA as u32],
    );
    inc(
        &mut pb,
        CE_SUBCH,
        0x408,
        &[(UNMAPPED_VA >> 32) as u32, UNMAPPED_VA as u32],
    );
    inc(&mut pb, CE_SUBCH, 0x418, &[0x100, 1]);
    inc(&mut pb, CE_SUBCH, 0x300, &[LAUNCH_COPY]);
    c.submit(0, &pb);
    let ev = c.events();
    let f: Vec<u32> = ev.iter().map(|e| e.0).collect();
    assert_eq!(
        f,
        [MMU_FAULT_QUEUED, RC_TRIGGERED],
        "{chip}: {:?}",
        c.g.r.trace.lines()
    );
    assert!(ev[0].1.is_empty(), "MMU_FAULT_QUEUED has no payload");
    let (engine, chid, ty, addr, fault) = rc_fields(&ev[1].1);
    assert_eq!(
        (engine, chid, ty, addr),
        (COPY0, 1, 31, UNMAPPED_VA),
        "{chip}"
    );
    // NV_PFAULT_FAULT_TYPE_PDE (0x0) or _PTE (0x2): nothing maps it.
    assert!(fault == 0 || fault == 2, "{chip}: fault type {fault:#x}");
    assert_eq!(c.gp_get(0), 0, "the faulting entry did not complete");
    assert!(c.exec(0).stopped.is_some(), "{chip}");
    assert_eq!(
        c.g.logged("stopped: ROBUST_CHANNEL_FIFO_ERROR_MMU_ERR_FLT"),
        1,
        "{chip}"
    );
    // A stopped channel runs nothing more.
    let mut pb = Vec::new();
    immd(&mut pb, 0, 0x20, 0);
    c.submit(0, &pb);
    assert_eq!(c.gp_get(0), 0);
    assert!(c.events().is_empty());

    // Channel 2 (chid 2): a host semaphore release into a read-only page.
    let ro = va(1, RO_VA);
    let mut pb = Vec::new();
    inc(&mut pb, 0, 0x5c, &[ro as u32, (ro >> 32) as u32, 1, 0, 1]);
    c.submit(1, &pb);
    let ev = c.events();
    assert_eq!(ev.len(), 2, "{chip}");
    let (engine, chid, ty, addr, fault) = rc_fields(&ev[1].1);
    // NV_PFAULT_FAULT_TYPE_RO_VIOLATION is 0x6 (`dev_fault.ref`).
    assert_eq!(
        (engine, chid, ty, addr, fault),
        (COPY0, 2, 31, ro, 0x6),
        "{chip}"
    );
    c.g.done();
}

#[test]
fn bad_methods_stop_the_channel() {
    // Each on its own channel: (push buffer, ROBUST_CHANNEL_* expected).
    let cases: Vec<(Vec<u32>, u32, &str)> = vec![
        // A host method that does not exist: PBDMA_ERROR (32).
        (vec![hdr(1, 0, 0x0c, 1), 0], 32, "host method 0xc"),
        // A copy-engine method before SET_OBJECT: PBDMA_ERROR.
        (vec![hdr(1, CE_SUBCH, 0x400, 1), 0], 32, "no object"),
        // A method the copy engine does not have: CE0_ERROR (39).
        (
            {
                let mut pb = Vec::new();
                set_object(&mut pb);
                inc(&mut pb, CE_SUBCH, 0x500, &[0]);
                pb
            },
            39,
            "not a method of class",
        ),
        // SET_OBJECT of a class the engine is not: CE0_ERROR.
        (
            vec![hdr(1, CE_SUBCH, 0, 1), 0xc5b5],
            39,
            "SET_OBJECT of class 0xc5b5",
        ),
    ];
    let mut c = Chan::new("ad102", cases.len() as u64);
    for (n, (pb, want, why)) in cases.iter().enumerate() {
        c.submit(n as u64, pb);
        let ev = c.events();
        assert_eq!(ev.len(), 1, "case {n}: {:?}", c.g.r.trace.lines());
        assert_eq!(ev[0].0, RC_TRIGGERED);
        let (engine, chid, ty, addr, fault) = rc_fields(&ev[0].1);
        assert_eq!(
            (engine, chid, ty, addr, fault),
            (COPY0, n as u32 + 1, *want, 0, 0),
            "case {n}"
        );
        assert_eq!(c.g.logged(why), 1, "case {n}: {why}");
        assert_eq!(c.gp_get(n as u64), 0);
    }
    c.g.done();
}

#[test]
fn channel_objects_and_their_refusals() {
    let mut c = Chan::new("ga102", 1);
    let l = layout(3);
    let mthd = RAM + 0xf_0000;
    let params = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut p = channel_params(RING_VA, 512, VASPACE, COPY0, l.inst, l.userd, mthd, 9);
        f(&mut p);
        p
    };
    let h = 0xf1f0_0042;
    let g = &mut c.g;
    // Another generation's channel class is not this GPU's.
    assert_eq!(
        g.alloc(CLIENT, DEVICE, h, 0xc46f, &params(&|_| {})),
        INVALID_CLASS
    );
    assert_eq!(g.alloc(CLIENT, DEVICE, h, 0xc5b5, &[]), INVALID_CLASS);
    // Parents, parameters.
    assert_eq!(
        g.alloc(CLIENT, SUBDEVICE, h, CHANNEL_CLASS, &params(&|_| {})),
        INVALID_OBJECT_PARENT
    );
    assert_eq!(
        g.alloc(CLIENT, DEVICE, h, CHANNEL_CLASS, &[]),
        INVALID_ARGUMENT
    );
    assert_eq!(
        g.alloc(CLIENT, DEVICE, h, CHANNEL_CLASS, &[0; 0x168]),
        INVALID_PARAM_STRUCT,
        "r535's size"
    );
    // hVASpace: the default, unknown, not a VA space, without a root.
    for (vas, want) in [
        (0, NOT_SUPPORTED),
        (0x1234, NOT_FOUND_STATUS),
        (SUBDEVICE, INVALID_OBJECT_HANDLE),
    ] {
        let p = params(&|p| put(p, 0x1c, vas));
        assert_eq!(
            g.alloc(CLIENT, DEVICE, h, CHANNEL_CLASS, &p),
            want,
            "{vas:#x}"
        );
    }
    assert_eq!(
        g.alloc(
            CLIENT,
            DEVICE,
            0x90f1_0001,
            FERMI_VASPACE_A,
            &vaspace_params(1 << 3)
        ),
        OK
    );
    let p = params(&|p| put(p, 0x1c, 0x90f1_0001));
    assert_eq!(g.alloc(CLIENT, DEVICE, h, CHANNEL_CLASS, &p), INVALID_STATE);
    // The engine, the ring, the memory.
    for (f, want) in [
        (
            Box::new(|p: &mut Vec<u8>| put(p, 0x80, GR0)) as Box<dyn Fn(&mut Vec<u8>)>,
            NOT_SUPPORTED,
        ),
        (
            Box::new(|p: &mut Vec<u8>| put(p, 0x80, 0x30)),
            INVALID_ARGUMENT,
        ),
        (
            Box::new(|p: &mut Vec<u8>| put(p, 0x80, COPY0 + 3)),
            INVALID_ARGUMENT,
        ),
        (
            Box::new(|p: &mut Vec<u8>| put(p, 0x10, 3)),
            INVALID_ARGUMENT,
        ),
        (
            Box::new(|p: &mut Vec<u8>| put64(p, 0x08, RING_VA + 4)),
            INVALID_ARGUMENT,
        ),
        (
            Box::new(|p: &mut Vec<u8>| put64(p, 0x90, l.inst + 0x100)),
            INVALID_ADDRESS,
        ),
        (
            Box::new(|p: &mut Vec<u8>| put64(p, 0xc0, l.inst + 0x200)),
            INVALID_ADDRESS,
        ),
        (
            Box::new(|p: &mut Vec<u8>| put64(p, 0xa8, l.userd + 0x10)),
            INVALID_ADDRESS,
        ),
        (
            Box::new(|p: &mut Vec<u8>| put64(p, 0xe0, 0x100)),
            INVALID_ADDRESS,
        ),
        (Box::new(|p: &mut Vec<u8>| put(p, 0xa0, 3)), INVALID_ADDRESS),
        (
            Box::new(|p: &mut Vec<u8>| put64(p, 0x90, 1 << 40)),
            INVALID_ADDRESS,
        ),
    ] {
        let p = params(&|p| f(p));
        assert_eq!(g.alloc(CLIENT, DEVICE, h, CHANNEL_CLASS, &p), want);
    }
    // The channel ID asked for is taken (chid 1, the first channel's);
    // USERD page and index both fixed is refused.
    let p = params(&|p| put(p, 0x14, (1 << 8) | (1 << 21)));
    assert_eq!(g.alloc(CLIENT, DEVICE, h, CHANNEL_CLASS, &p), 0x1a);
    let p = params(&|p| put(p, 0x14, (1 << 8) | (1 << 11) | (1 << 21)));
    assert_eq!(g.alloc(CLIENT, DEVICE, h, CHANNEL_CLASS, &p), INVALID_STATE);
    // None of that left an object behind.
    assert!(gsprm::lock(&g.r.gpu.gsp_rm)
        .rm_objects()
        .and_then(|o| o.object(CLIENT, h))
        .is_none());

    // A good one: chid 9, its controls in the order RM wants them.
    assert_eq!(
        g.alloc(CLIENT, DEVICE, h, CHANNEL_CLASS, &params(&|_| {})),
        OK
    );
    let mut b = vec![0u8; 4];
    put(&mut b, 0, COPY0);
    assert_eq!(
        g.control(CLIENT, h, SCHEDULE, &[1, 0]),
        INVALID_STATE,
        "before BIND"
    );
    let mut other = vec![0u8; 4];
    put(&mut other, 0, COPY0 + 1);
    assert_eq!(g.control(CLIENT, h, BIND, &other), INVALID_ARGUMENT);
    assert_eq!(g.control(CLIENT, h, BIND, &b), OK);
    assert_eq!(g.control(CLIENT, h, BIND, &b), INVALID_STATE, "twice");
    assert_eq!(
        g.control(CLIENT, h, SCHEDULE, &[1, 0, 0]),
        INVALID_PARAM_STRUCT
    );
    assert_eq!(g.control(CLIENT, h, SCHEDULE, &[1, 0]), OK);
    let (st, t) = g.control_reply(CLIENT, h, GET_WORK_SUBMIT_TOKEN, &[0; 4]);
    assert_eq!((st, get(&t, 0)), (OK, 0x1_0009));
    // The channel's controls are not the device's.
    assert_eq!(g.control(CLIENT, DEVICE, BIND, &b), NOT_SUPPORTED);
    // Copy-engine objects: under a channel, version 1, the channel's
    // engine, one per channel.
    let ce = |v: u32, e: u32| {
        let mut p = vec![0u8; 8];
        put(&mut p, 0, v);
        put(&mut p, 4, e);
        p
    };
    assert_eq!(
        g.alloc(CLIENT, DEVICE, h + 1, CE_CLASS, &ce(1, COPY0)),
        INVALID_OBJECT_PARENT
    );
    assert_eq!(
        g.alloc(CLIENT, h, h + 1, CE_CLASS, &ce(2, COPY0)),
        INVALID_ARGUMENT
    );
    assert_eq!(
        g.alloc(CLIENT, h, h + 1, CE_CLASS, &ce(1, COPY0 + 1)),
        INVALID_ARGUMENT
    );
    assert_eq!(g.alloc(CLIENT, h, h + 1, CE_CLASS, &ce(1, COPY0)), OK);
    assert_eq!(
        g.alloc(CLIENT, h, h + 2, CE_CLASS, &ce(1, COPY0)),
        INVALID_STATE
    );
    // The usermode object lives under a subdevice and takes no parameters
    // before Hopper.
    assert_eq!(g.alloc(CLIENT, SUBDEVICE, 0x7001, USERMODE_CLASS, &[]), OK);
    assert_eq!(
        g.alloc(CLIENT, DEVICE, 0x7002, USERMODE_CLASS, &[]),
        INVALID_OBJECT_PARENT
    );
    assert_eq!(
        g.alloc(CLIENT, SUBDEVICE, 0x7002, USERMODE_CLASS, &[0; 2]),
        INVALID_PARAM_STRUCT
    );
    // Freeing the channel frees its copy-engine object; its doorbell then
    // names nothing.
    assert_eq!(g.free(CLIENT, h), OK);
    assert!(gsprm::lock(&g.r.gpu.gsp_rm)
        .rm_objects()
        .and_then(|o| o.object(CLIENT, h + 1))
        .is_none());
    g.r.wr(DOORBELL, 0x1_0009);
    assert!(g.r.gpu.settle(std::time::Duration::from_secs(20)));
    assert_eq!(g.logged("doorbell token 0x10009 names no channel"), 1);
    // A channel depends on its VA space (RM's refAddDependant): freeing the
    // VA space frees the first channel and its copy-engine object.
    assert_eq!(g.free(CLIENT, VASPACE), OK);
    let objects = |g: &Gsp, h: u32| {
        gsprm::lock(&g.r.gpu.gsp_rm)
            .rm_objects()
            .and_then(|o| o.object(CLIENT, h).map(|o| o.class))
    };
    assert_eq!(objects(g, layout(0).handle), None);
    assert_eq!(objects(g, layout(0).handle + 0x100), None);
    assert_eq!(objects(g, DEVICE), Some(0x80));
    c.g.done();
}

#[test]
fn engines_and_fault_method_buffer_size() {
    let mut g = Gsp::boot("ga102");
    let (result, si) = g.rpc(GET_GSP_STATIC_INFO, &[0u8; 0x678]);
    assert_eq!(result, OK);
    let (hc, hs) = (get(&si, 0x640), get(&si, 0x648));
    // NV2080_CTRL_FIFO_GET_DEVICE_INFO_TABLE_PARAMS: baseIndex, numEntries,
    // bMore, entries[32] of 100 bytes from 12 (engineData[16] by
    // ENGINE_INFO_TYPE: RM_ENGINE_TYPE 2, RUNLIST 3, RUNLIST_PRI_BASE 11).
    let (st, p) = g.control_reply(hc, hs, GET_DEVICE_INFO_TABLE, &[0; 0xc8c]);
    assert_eq!(st, OK);
    let n = get(&p, 4) as usize;
    assert_eq!((n, p[8]), (4, 0));
    let entry = |i: usize, k: usize| get(&p, 12 + i * 100 + 4 * k);
    let engines: Vec<(u32, u32)> = (0..n).map(|i| (entry(i, 2), entry(i, 3))).collect();
    assert_eq!(
        engines,
        [(GR0, 0), (COPY0, 1), (COPY0 + 1, 2), (COPY0 + 2, 3)]
    );
    // Runlists are told apart by their base, as nouveau keys them.
    let bases: std::collections::HashSet<u32> = (0..n).map(|i| entry(i, 11)).collect();
    assert_eq!(bases.len(), 4);
    // From baseIndex 2: the last two.
    let mut q = vec![0u8; 0xc8c];
    put(&mut q, 0, 2);
    let (st, p) = g.control_reply(hc, hs, GET_DEVICE_INFO_TABLE, &q);
    assert_eq!((st, get(&p, 4), get(&p, 12 + 8)), (OK, 2, COPY0 + 1));
    assert_eq!(
        g.control(hc, hs, GET_DEVICE_INFO_TABLE, &[0; 0xc88]),
        INVALID_PARAM_STRUCT
    );
    let (st, p) = g.control_reply(hc, hs, GET_FAULT_METHOD_BUFFER_SIZE, &[0; 4]);
    assert_eq!((st, get(&p, 0)), (OK, 0x1000));
    // NV2080_CTRL_GPU_GET_ENGINES_V2_PARAMS: engineCount, engineList[0x54]
    // (NV2080_ENGINE_TYPE_LAST of r570.144): 340 bytes; on the driver's
    // own subdevice too.
    g.client_device(CLIENT);
    let (st, p) = g.control_reply(CLIENT, SUBDEVICE, 0x2080_0170, &[0; 340]);
    assert_eq!(st, OK);
    let list: Vec<u32> = (0..get(&p, 0) as usize)
        .map(|i| get(&p, 4 + 4 * i))
        .collect();
    assert_eq!(list, [GR0, COPY0, COPY0 + 1, COPY0 + 2]);
    assert_eq!(
        g.control(CLIENT, SUBDEVICE, 0x2080_0170, &[0; 212]),
        INVALID_PARAM_STRUCT
    );
    g.done();
}

#[test]
fn interrupt_vectors_on_the_internal_subdevice() {
    let mut g = Gsp::boot("ad102");
    let (_, si) = g.rpc(GET_GSP_STATIC_INFO, &[0u8; 0x678]);
    let (hc, hs) = (get(&si, 0x640), get(&si, 0x648));
    // NV2080_CTRL_INTERNAL_INTR_GET_KERNEL_TABLE_PARAMS (nouveau
    // rm/r535/nvrm/gsp.h): tableLen, table[128] of {u16 engineIdx, u32
    // pmcIntrMask, vectorStall, vectorNonStall}, subtreeMap[7]: 0x814 bytes.
    let (st, p) = g.control_reply(hc, hs, 0x2080_0a5c, &[0; 0x814]);
    assert_eq!(st, OK);
    let n = get(&p, 0) as usize;
    let e = |i: usize| {
        let at = 4 + 16 * i;
        (
            u16::from_le_bytes([p[at], p[at + 1]]),
            get(&p, at + 8),
            get(&p, at + 12),
        )
    };
    let t: Vec<(u16, u32, u32)> = (0..n).map(e).collect();
    // MC_ENGINE_IDX_GSP 50, GR0 84, CE0.. 15.. (nouveau rm/r570/nvrm/engine.h).
    let idx: Vec<u16> = t.iter().map(|x| x.0).collect();
    assert_eq!(idx, [50, 84, 15, 16, 17]);
    // Every copy engine has a non-stall vector of its own.
    let ns: std::collections::HashSet<u32> = t[2..].iter().map(|x| x.2).collect();
    assert_eq!(ns.len(), 3);
    assert_eq!(
        g.control(hc, hs, 0x2080_0a5c, &[0; 0x810]),
        INVALID_PARAM_STRUCT
    );
    g.done();
}

#[test]
fn physical_copies_unscheduled_channels_and_what_is_not_modelled() {
    let mut c = Chan::new("ga102", 3);
    let l = layout(0);
    // A physical copy, VRAM to coherent system memory (SET_DST_PHYS_MODE
    // TARGET COHERENT_SYSMEM 1), source in VRAM (LOCAL_FB 0).
    let sys = RAM + 0xf_8000;
    c.wr(l.src, &[0xa5; 0x200]);
    let mut pb = Vec::new();
    set_object(&mut pb);
    inc(&mut pb, CE_SUBCH, 0x260, &[0, 1]);
    inc(
        &mut pb,
        CE_SUBCH,
        0x400,
        &[
            (l.src >> 32) as u32,
            l.src as u32,
            (sys >> 32) as u32,
            sys as u32,
        ],
    );
    inc(&mut pb, CE_SUBCH, 0x418, &[0x200, 1]);
    inc(
        &mut pb,
        CE_SUBCH,
        0x300,
        &[LAUNCH_COPY | (1 << 12) | (1 << 13)],
    );
    c.submit(0, &pb);
    let mut b = vec![0u8; 0x200];
    c.g.r.gpu.dma.read(sys, &mut b).unwrap();
    assert_eq!(b, vec![0xa5; 0x200], "{:?}", c.g.r.trace.lines());
    assert_eq!(c.gp_get(0), 1);

    // Block-linear is not modelled: a copy-engine error, said so.
    let mut pb = Vec::new();
    set_object(&mut pb);
    inc(&mut pb, CE_SUBCH, 0x300, &[1 | (1 << 8)]);
    c.submit(1, &pb);
    let ev = c.events();
    assert_eq!(ev.len(), 1);
    assert_eq!(rc_fields(&ev[0].1).2, 39);
    assert_eq!(
        c.g.logged("BLOCKLINEAR layout (SRC/DST_MEMORY_LAYOUT 0) is not modelled"),
        1
    );

    // A channel taken off its runlist (GPFIFO_SCHEDULE bEnable 0): the
    // doorbell runs nothing until it is scheduled again.
    let h = layout(2).handle;
    assert_eq!(c.g.control(CLIENT, h, SCHEDULE, &[0, 0]), OK);
    let mut pb = Vec::new();
    immd(&mut pb, 0, 0x20, 0);
    c.submit(2, &pb);
    assert_eq!(c.gp_get(2), 0);
    assert_eq!(c.g.logged("which is not scheduled"), 1);
    assert_eq!(c.g.control(CLIENT, h, SCHEDULE, &[1, 0]), OK);
    c.ring(2);
    assert_eq!(c.gp_get(2), 1);
    // --trace: the doorbell, the entry, each method.
    assert!(c.g.logged("fifo: doorbell NOTIFY_CHANNEL_PENDING token 0x10003") >= 2);
    assert!(c.g.logged("fifo: chid 3 GPFIFO entry 0: push buffer VA") >= 1);
    assert!(c.g.logged("fifo: chid 3 subch 0 method 0x0020") >= 1);
    c.g.done();
}

#[test]
fn a_channel_denied_physical_mode_refuses_a_physical_copy() {
    let mut c = Chan::new("ga102", 1);
    let l = layout(1);
    let h = l.handle;
    let mut p = channel_params(
        RING_VA + 0x100_0000,
        512,
        VASPACE,
        COPY0,
        l.inst,
        l.userd,
        RAM + 0xe_1000,
        2,
    );
    // NVOS04_FLAGS_CHANNEL_DENY_PHYSICAL_MODE_CE (7:7).
    let flags = get(&p, 0x14) | (1 << 7);
    put(&mut p, 0x14, flags);
    assert_eq!(c.g.alloc(CLIENT, DEVICE, h, CHANNEL_CLASS, &p), OK);
    let mut b = vec![0u8; 4];
    put(&mut b, 0, COPY0);
    assert_eq!(c.g.control(CLIENT, h, BIND, &b), OK);
    assert_eq!(c.g.control(CLIENT, h, SCHEDULE, &[1, 0]), OK);
    let mut ce = vec![0u8; 8];
    put(&mut ce, 0, 1);
    put(&mut ce, 4, COPY0);
    assert_eq!(c.g.alloc(CLIENT, h, h + 0x100, CE_CLASS, &ce), OK);
    c.token[1] = 0x1_0002;
    c.vm.map(RING_VA + 0x100_0000, l.ring, 0x1000, false);
    c.vm.map(PB_VA + 0x100_0000, l.pb, 0x10000, false);
    // The driver added mappings: it invalidates the TLB (all PDBs).
    c.g.r.wr(0xb830b0, 0x8000_0001);
    let mut pb = Vec::new();
    set_object(&mut pb);
    inc(
        &mut pb,
        CE_SUBCH,
        0x400,
        &[0, l.src as u32, 0, l.dst as u32],
    );
    inc(&mut pb, CE_SUBCH, 0x418, &[0x100, 1]);
    inc(&mut pb, CE_SUBCH, 0x300, &[LAUNCH_COPY | (1 << 12)]);
    c.submit(1, &pb);
    let ev = c.events();
    assert_eq!(ev.len(), 1, "{:?}", c.g.r.trace.lines());
    assert_eq!(rc_fields(&ev[0].1).2, 39);
    assert_eq!(c.g.logged("CHANNEL_DENY_PHYSICAL_MODE_CE"), 1);
    c.g.done();
}

fn faulty(chip: &str, kind: &str) -> Gsp {
    let f = nvsim::fault::Fault::parse(kind).expect("fault");
    Gsp::boot_with_faults(chip, nvsim::fault::Faults::new(vec![f], 1))
}

/// A copy of 0x100 bytes from the source to the destination page of
/// channel `n`, with a one-word semaphore release of `payload`.
fn copy_with_semaphore(n: u64, payload: u32) -> Vec<u32> {
    let (src, dst, sem) = (va(n, SRC_VA), va(n, DST_VA), va(n, SEM_VA));
    let mut pb = Vec::new();
    set_object(&mut pb);
    inc(
        &mut pb,
        CE_SUBCH,
        0x240,
        &[(sem >> 32) as u32, sem as u32, payload],
    );
    inc(
        &mut pb,
        CE_SUBCH,
        0x400,
        &[
            (src >> 32) as u32,
            src as u32,
            (dst >> 32) as u32,
            dst as u32,
        ],
    );
    inc(&mut pb, CE_SUBCH, 0x418, &[0x100, 1]);
    inc(&mut pb, CE_SUBCH, 0x300, &[LAUNCH_COPY | SEM_ONE_WORD]);
    pb
}

#[test]
fn fault_mmu_fault_stops_every_copy() {
    let mut c = Chan::booted(faulty("ga102", "mmu-fault"), 1);
    c.submit(0, &copy_with_semaphore(0, 7));
    let ev = c.events();
    let f: Vec<u32> = ev.iter().map(|e| e.0).collect();
    assert_eq!(f, [MMU_FAULT_QUEUED, RC_TRIGGERED]);
    let (engine, chid, ty, addr, fault) = rc_fields(&ev[1].1);
    assert_eq!((engine, chid, ty, addr, fault), (COPY0, 1, 31, DST_VA, 2));
    assert_eq!(c.rd32(layout(0).sem), 0, "no semaphore");
    assert_eq!(c.g.logged("fault mmu-fault: COPY0's write at VA"), 1);
    c.g.done();
}

#[test]
fn fault_ce_hang_leaves_the_channel_waiting() {
    let mut c = Chan::booted(faulty("ga102", "ce-hang"), 1);
    c.submit(0, &copy_with_semaphore(0, 7));
    c.ring(0);
    assert_eq!(c.gp_get(0), 0);
    assert_eq!(c.rd32(layout(0).sem), 0);
    assert!(c.events().is_empty());
    assert!(c.exec(0).waiting.is_some());
    assert_eq!(
        c.g.logged("fault ce-hang: the copy engine never completes"),
        1
    );
    c.g.done();
}

#[test]
fn fault_remove_at_doorbell_loses_the_device_with_work_in_flight() {
    let mut c = Chan::booted(faulty("ga102", "remove-at=doorbell"), 1);
    c.submit(0, &copy_with_semaphore(0, 7));
    // The device is gone: BAR0 reads all ones, the work never ran.
    assert_eq!(c.g.r.rd(0), 0xffff_ffff);
    assert_eq!(c.rd32(layout(0).sem), 0);
    assert_eq!(c.g.logged("fault remove-at=doorbell"), 1);
    c.g.done();
}

/// `--delay engine=30ms`: each GPFIFO entry completes 30 ms after the host
/// takes it up, on the engine thread, so the work completes after the
/// doorbell write returned (and its non-stall interrupt comes then); a
/// second entry completes 30 ms after the first; a waiting acquire is
/// retried without a doorbell.
#[test]
fn with_an_engine_delay_work_completes_after_the_doorbell() {
    use std::time::{Duration, Instant};
    let mut timing = nvsim::timing::Timing::fast();
    timing.apply("engine=30ms").expect("delay");
    let mut c = Chan::booted(Gsp::boot_with_timing("ga102", timing), 2);
    let l = layout(0);
    c.wr(l.src, &[0x3c; 0x100]);
    let (leaf, bit) = leaf_of(COPY0_NONSTALL);
    let mut pb = copy_with_semaphore(0, 7);
    let last = pb.len() - 1;
    pb[last] |= INTR_NON_BLOCKING;
    c.queue(0, &pb);
    let mut second = Vec::new();
    inc(&mut second, CE_SUBCH, 0x248, &[8]);
    inc(&mut second, CE_SUBCH, 0x300, &[SEM_ONE_WORD]);
    c.queue(0, &second);
    let t0 = Instant::now();
    c.g.r.wr(DOORBELL, c.token[0]);
    let rang = t0.elapsed();
    assert!(
        rang < Duration::from_millis(30),
        "the doorbell write returned at once"
    );
    // Not done yet (unless this thread was held up for the whole 30 ms).
    let early = (c.gp_get(0), c.rd32(l.sem), c.g.r.rd(leaf) & bit);
    let looked = t0.elapsed();
    assert!(
        early == (0, 0, 0) || looked >= Duration::from_millis(30),
        "{early:?}"
    );
    let wait = |c: &Chan, what: &dyn Fn(&Chan) -> bool| {
        let end = Instant::now() + Duration::from_secs(5);
        while !what(c) {
            assert!(Instant::now() < end, "timed out: {:?}", c.g.r.trace.lines());
            std::thread::sleep(Duration::from_millis(1));
        }
    };
    // GP_GET moves last, once the entry's work is done.
    wait(&c, &|c| c.gp_get(0) >= 1);
    let first = t0.elapsed();
    assert!(first >= Duration::from_millis(30), "{first:?}");
    assert!(matches!(c.rd32(l.sem), 7 | 8));
    assert_eq!(c.rd(l.dst, 0x100), vec![0x3c; 0x100]);
    assert_eq!(c.g.r.rd(leaf) & bit, bit, "the copy's non-stall interrupt");
    wait(&c, &|c| c.gp_get(0) == 2);
    assert!(
        t0.elapsed() >= Duration::from_millis(60),
        "one entry after the other"
    );
    assert_eq!(c.rd32(l.sem), 8);

    // Channel 2 waits for a semaphore the CPU writes later: no second
    // doorbell needed.
    let l1 = layout(1);
    let sem = va(1, SEM_VA);
    let mut pb = Vec::new();
    inc(&mut pb, 0, 0x5c, &[sem as u32, (sem >> 32) as u32, 1, 0, 0]);
    inc(
        &mut pb,
        0,
        0x5c,
        &[(sem + 8) as u32, ((sem + 8) >> 32) as u32, 2, 0, 1],
    );
    c.queue(1, &pb);
    c.g.r.wr(DOORBELL, c.token[1]);
    std::thread::sleep(Duration::from_millis(60));
    assert_eq!(c.gp_get(1), 0, "waiting on the acquire");
    assert!(c.exec(1).waiting.is_some());
    c.wr(l1.sem, &1u32.to_le_bytes());
    wait(&c, &|c| c.gp_get(1) == 1);
    assert_eq!(c.rd32(l1.sem + 8), 2);
    c.g.done();
}

/// The engine thread goes with the device: a device reset drops the work
/// in flight (GSP-RM's channels go with it), and dropping the device
/// stops the thread at once, with an entry in progress and a channel
/// waiting at an acquire.
#[test]
fn the_engine_thread_stops_with_the_device() {
    use std::time::{Duration, Instant};
    let mut timing = nvsim::timing::Timing::fast();
    timing.apply("engine=200ms").expect("delay");
    let mut c = Chan::booted(Gsp::boot_with_timing("ga102", timing), 2);
    c.queue(0, &copy_with_semaphore(0, 7));
    c.g.r.wr(DOORBELL, c.token[0]);
    c.g.r.gpu.reset();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(c.rd32(layout(0).sem), 0, "dropped by the reset");
    assert_eq!(c.g.logged("the host does not run the channel"), 0);
    assert!(c.g.r.gpu.settle(Duration::from_secs(1)), "nothing left");
    c.g.done();

    let mut c = Chan::booted(
        Gsp::boot_with_timing("ga102", {
            let mut t = nvsim::timing::Timing::fast();
            t.apply("engine=1s").expect("delay");
            t
        }),
        2,
    );
    let sem = va(1, SEM_VA);
    let mut pb = Vec::new();
    inc(&mut pb, 0, 0x5c, &[sem as u32, (sem >> 32) as u32, 1, 0, 0]);
    c.queue(1, &pb);
    c.g.r.wr(DOORBELL, c.token[1]);
    c.queue(0, &copy_with_semaphore(0, 7));
    c.g.r.wr(DOORBELL, c.token[0]);
    assert!(
        !c.g.r.gpu.settle(Duration::from_millis(20)),
        "an entry in progress"
    );
    let Chan { g, .. } = c;
    let Gsp { r, dir, .. } = g;
    let t = Instant::now();
    drop(r);
    assert!(
        t.elapsed() < Duration::from_millis(500),
        "{:?}",
        t.elapsed()
    );
    cleanup(&dir);
}

/// AMPERE_DMA_COPY_B's 64-bit semaphore (SET_SEMAPHORE_PAYLOAD_UPPER 0x24c,
/// LAUNCH_DMA SEMAPHORE_PAYLOAD_SIZE TWO_WORD 27, `clc8b5.h`'s fields).
#[test]
fn a_64_bit_copy_engine_semaphore() {
    let mut c = Chan::new("ad102", 1);
    let l = layout(0);
    let mut pb = Vec::new();
    set_object(&mut pb);
    inc(
        &mut pb,
        CE_SUBCH,
        0x240,
        &[
            (SEM_VA >> 32) as u32,
            SEM_VA as u32,
            0x8888_0001,
            0x7777_0002,
        ],
    );
    inc(&mut pb, CE_SUBCH, 0x300, &[SEM_ONE_WORD | (1 << 27)]);
    c.submit(0, &pb);
    assert_eq!(
        c.rd(l.sem, 8),
        0x7777_0002_8888_0001u64.to_le_bytes(),
        "{:?}",
        c.g.r.trace.lines()
    );
    assert_eq!(c.gp_get(0), 1);
    c.g.done();
}

/// The copy engine's rate on a 16 MiB VRAM-to-VRAM copy through 4 KiB
/// pages (`cargo test -p nvsim --release --test channel copy_rate --
/// --nocapture` prints it).
#[test]
fn copy_rate() {
    use std::time::Instant;
    let mut c = Chan::new("ga102", 1);
    const SIZE: u64 = 16 << 20;
    let (src_va, dst_va) = (0x2_0000_0000u64, 0x2_1000_0000u64);
    let (src_pa, dst_pa) = (0x4000_0000u64, 0x5000_0000u64);
    c.vm.map(src_va, src_pa, SIZE, false);
    c.vm.map(dst_va, dst_pa, SIZE, false);
    c.g.r.wr(0xb830b0, 0x8000_0001);
    let data: Vec<u8> = (0..SIZE).map(|i| (i % 251) as u8).collect();
    c.wr(src_pa, &data);
    let mut pb = Vec::new();
    set_object(&mut pb);
    inc(
        &mut pb,
        CE_SUBCH,
        0x400,
        &[
            (src_va >> 32) as u32,
            src_va as u32,
            (dst_va >> 32) as u32,
            dst_va as u32,
        ],
    );
    inc(&mut pb, CE_SUBCH, 0x418, &[SIZE as u32, 1]);
    inc(&mut pb, CE_SUBCH, 0x300, &[LAUNCH_COPY]);
    // The first copy touches the destination's VRAM pages for the first
    // time (sparse VRAM allocates them); the second does not.
    for (round, what) in [(1, "first, fresh pages"), (2, "again")] {
        let t = Instant::now();
        c.submit(0, &pb[if round == 1 { 0 } else { 2 }..]);
        let dt = t.elapsed();
        assert_eq!(c.gp_get(0), round);
        assert!(c.rd(dst_pa, SIZE as usize) == data, "the copy");
        println!(
            "copy engine: {} MiB in {:.1} ms ({what}): {:.0} MiB/s",
            SIZE >> 20,
            dt.as_secs_f64() * 1e3,
            (SIZE >> 20) as f64 / dt.as_secs_f64()
        );
    }
    c.g.done();
}

/// TU102 without the boot: the RM model driven directly with the same RPC
/// payloads
/// (`gsprm::rm::Objects::handle`) and the host run on the channel the
/// token names (`fifo::pbdma::run`), through the GPU's own MMU: Turing's
/// classes (TURING_CHANNEL_GPFIFO_A 0xc46f, TURING_DMA_COPY_A 0xc5b5),
/// RAMFC's USERD (words 2/3, as on Turing RAMFC holds it), a copy and its
/// semaphore; 0x24c (SET_SEMAPHORE_PAYLOAD_UPPER) is not a Turing method.
#[test]
fn turing_copy_through_the_rm_model() {
    use nvsim::chip::Chip;
    use nvsim::device::Gpu;
    use nvsim::fault::Faults;
    use nvsim::fifo::pbdma;
    use nvsim::gsprm::rm::Objects;
    use nvsim::trace::Trace;

    let chip = Chip::by_name("tu102").expect("chip");
    let trace = Trace::memory(true);
    let gpu = Gpu::new(chip, 1 << 30, trace.clone());
    let mem = gpu.mmu.memory().clone();
    let mut o = Objects::new(chip).with_memory(mem.clone());
    let alloc = |o: &mut Objects, h: [u32; 3], class: u32, p: &[u8]| {
        let mut m = vec![0u8; 0x20];
        for (i, v) in [h[0], h[1], h[2], class, 0, p.len() as u32]
            .iter()
            .enumerate()
        {
            put(&mut m, 4 * i, *v);
        }
        m.extend_from_slice(p);
        let (res, r) = o.handle(103, &m, &trace);
        assert_eq!(res, 0);
        get(&r, 0x10)
    };
    let control = |o: &mut Objects, h: u32, cmd: u32, p: &[u8]| {
        let mut m = vec![0u8; 0x18];
        for (i, v) in [CLIENT, h, cmd, 0, p.len() as u32].iter().enumerate() {
            put(&mut m, 4 * i, *v);
        }
        m.extend_from_slice(p);
        let (res, r) = o.handle(76, &m, &trace);
        assert_eq!(res, 0);
        (get(&r, 0xc), r[0x18..].to_vec())
    };
    assert_eq!(
        alloc(&mut o, [CLIENT; 3], NV01_ROOT, &root_params(CLIENT)),
        OK
    );
    let dev = device_params(0, CLIENT);
    assert_eq!(
        alloc(&mut o, [CLIENT, CLIENT, DEVICE], NV01_DEVICE_0, &dev),
        OK
    );
    let vas = vaspace_params(1 << 3);
    assert_eq!(
        alloc(&mut o, [CLIENT, DEVICE, VASPACE], FERMI_VASPACE_A, &vas),
        OK
    );
    let mut vm = Vm::new(mem.clone(), PT_BASE, false);
    let l = layout(0);
    vm.map(RING_VA, l.ring, 0x1000, false);
    vm.map(PB_VA, l.pb, 0x1000, false);
    vm.map(SRC_VA, l.src, 0x1000, false);
    vm.map(DST_VA, l.dst, 0x1000, false);
    vm.map(SEM_VA, l.sem, 0x1000, false);
    let pd = set_pd(PT_BASE, 4, 0, VASPACE);
    assert_eq!(control(&mut o, DEVICE, SET_PAGE_DIRECTORY, &pd).0, OK);
    let p = channel_params(
        RING_VA,
        512,
        VASPACE,
        COPY0,
        l.inst,
        l.userd,
        l.sem + 0x2000,
        1,
    );
    let mthd_in_vram = {
        let mut p = p.clone();
        put(&mut p, 0xe8, 2);
        p
    };
    // Turing's channel class; Ampere's is not this GPU's.
    assert_eq!(
        alloc(
            &mut o,
            [CLIENT, DEVICE, l.handle],
            CHANNEL_CLASS,
            &mthd_in_vram
        ),
        INVALID_CLASS
    );
    assert_eq!(
        alloc(&mut o, [CLIENT, DEVICE, l.handle], 0xc46f, &mthd_in_vram),
        OK
    );
    let rd32 = |pa: u64| {
        let mut b = [0u8; 4];
        mem.read(PhysAddr::vram(pa), &mut b).unwrap();
        u32::from_le_bytes(b)
    };
    // RAMFC USERD (word 2: ADDR 31:9, TARGET 1:0 VID_MEM) and USERD_HI.
    assert_eq!(rd32(l.inst + 8), l.userd as u32);
    assert_eq!(rd32(l.inst + 12), (l.userd >> 32) as u32);
    let mut b = vec![0u8; 4];
    put(&mut b, 0, COPY0);
    assert_eq!(control(&mut o, l.handle, BIND, &b).0, OK);
    assert_eq!(control(&mut o, l.handle, SCHEDULE, &[1, 0]).0, OK);
    let mut ce = vec![0u8; 8];
    put(&mut ce, 0, 1);
    put(&mut ce, 4, COPY0);
    assert_eq!(
        alloc(&mut o, [CLIENT, l.handle, l.handle + 1], 0xc5b5, &ce),
        OK
    );
    let (st, t) = control(&mut o, l.handle, GET_WORK_SUBMIT_TOKEN, &[0; 4]);
    assert_eq!((st, get(&t, 0)), (OK, 0x1_0001));

    // The work: SET_OBJECT, a copy with a semaphore, then 0x24c.
    mem.write(PhysAddr::vram(l.src), &[0x5a; 0x200]).unwrap();
    let mut pb = Vec::new();
    inc(&mut pb, CE_SUBCH, 0, &[0xc5b5]);
    inc(
        &mut pb,
        CE_SUBCH,
        0x240,
        &[(SEM_VA >> 32) as u32, SEM_VA as u32, 0x71],
    );
    inc(
        &mut pb,
        CE_SUBCH,
        0x400,
        &[
            (SRC_VA >> 32) as u32,
            SRC_VA as u32,
            (DST_VA >> 32) as u32,
            DST_VA as u32,
        ],
    );
    inc(&mut pb, CE_SUBCH, 0x418, &[0x200, 1]);
    inc(&mut pb, CE_SUBCH, 0x300, &[LAUNCH_COPY | SEM_ONE_WORD]);
    let bytes: Vec<u8> = pb.iter().flat_map(|w| w.to_le_bytes()).collect();
    mem.write(PhysAddr::vram(l.pb), &bytes).unwrap();
    let e1 = ((PB_VA >> 32) as u32 & 0xff) | ((pb.len() as u32) << 10);
    mem.write(PhysAddr::vram(l.ring), &(PB_VA as u32).to_le_bytes())
        .unwrap();
    mem.write(PhysAddr::vram(l.ring + 4), &e1.to_le_bytes())
        .unwrap();
    mem.write(PhysAddr::vram(l.userd + 0x8c), &1u32.to_le_bytes())
        .unwrap();
    let faults = Faults::none();
    let cx = pbdma::Ctx {
        mmu: &gpu.mmu,
        trace: &trace,
        arch: chip.arch,
        ce_class: 0xc5b5,
        faults: &faults,
        intr: &gpu.intr,
    };
    let (_, _, ch) = o.channel_by_token(0x1_0001).expect("the token's channel");
    let done = pbdma::run(ch, &cx, u32::MAX).expect("no channel error");
    assert_eq!(done.entries, 1);
    let mut dst = vec![0u8; 0x200];
    mem.read(PhysAddr::vram(l.dst), &mut dst).unwrap();
    assert_eq!(dst, vec![0x5a; 0x200]);
    assert_eq!(rd32(l.sem), 0x71);
    assert_eq!(rd32(l.userd + 0x88), 1, "GP_GET");

    let mut pb = Vec::new();
    inc(&mut pb, CE_SUBCH, 0x24c, &[1]);
    let bytes: Vec<u8> = pb.iter().flat_map(|w| w.to_le_bytes()).collect();
    mem.write(PhysAddr::vram(l.pb + 0x100), &bytes).unwrap();
    let va = PB_VA + 0x100;
    let e1 = ((va >> 32) as u32 & 0xff) | ((pb.len() as u32) << 10);
    mem.write(PhysAddr::vram(l.ring + 8), &(va as u32).to_le_bytes())
        .unwrap();
    mem.write(PhysAddr::vram(l.ring + 12), &e1.to_le_bytes())
        .unwrap();
    mem.write(PhysAddr::vram(l.userd + 0x8c), &2u32.to_le_bytes())
        .unwrap();
    let (_, _, ch) = o.channel_by_token(0x1_0001).expect("channel");
    let err = pbdma::run(ch, &cx, u32::MAX).expect_err("not a Turing method");
    assert_eq!(err.except_type, 39, "{}", err.what);
}
