//! VRAM: sparse backing, and every path that reaches it: PRAMIN (both
//! window registers, both targets), BAR1 and BAR3 in physical mode, BAR1
//! mapped into the client (`--bar1-mmap`), falcon DMA with the local
//! framebuffer target, and the engine API. Ends with access-rate figures
//! (printed, not asserted).

use std::fs::File;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use nvsim::chip::Chip;
use nvsim::device::Gpu;
use nvsim::mmu::{PageDir, PhysAddr};
use nvsim::server;
use nvsim::trace::Trace;
use nvsim::vram::Vram;

const GIB: u64 = 1 << 30;
const BAR0: u32 = 0;
const BAR1: u32 = 1;
const BAR3: u32 = 3;
/// Guest memory mapped for DMA.
const RAM: u64 = 0x4000_0000;
const RAM_SIZE: u64 = 0x40_0000;

/// `chip` with `vram` bytes (0: the board's).
fn gpu(chip: &str, vram: u64) -> (Gpu, Trace) {
    let chip = Chip::by_name(chip).expect("chip");
    let vram = if vram == 0 { chip.vram } else { vram };
    let trace = Trace::memory(false);
    let gpu = Gpu::new(chip, vram, trace.clone());
    // SAFETY: creates a new anonymous memory file; checked below.
    let fd = unsafe { libc::memfd_create(c"guest-ram".as_ptr(), 0) };
    assert!(fd >= 0);
    // SAFETY: `fd` is a fresh descriptor owned by nobody else.
    let ram = File::from(unsafe { OwnedFd::from_raw_fd(fd) });
    ram.set_len(RAM_SIZE).expect("size");
    gpu.dma.map(true, 0, RAM, RAM_SIZE, Some(ram)).expect("map");
    (gpu, trace)
}

fn rd(gpu: &mut Gpu, region: u32, off: u64) -> u32 {
    let mut b = [0; 4];
    gpu.region_read(region, off, &mut b).expect("read");
    u32::from_le_bytes(b)
}

fn wr(gpu: &mut Gpu, region: u32, off: u64, v: u32) {
    gpu.region_write(region, off, &v.to_le_bytes())
        .expect("write");
}

fn pages(v: &Vram) -> u64 {
    v.backing_bytes() / 4096
}

#[test]
fn a_24g_board_touching_a_few_pages_stays_small() {
    let (mut g, _) = gpu("ga102", 24 * GIB);
    assert_eq!(g.vram.size(), 24 * GIB);
    // Power-on: the VBIOS copy in the VGA workspace and nothing else.
    let at_boot = pages(&g.vram);
    let rom_pages = (g.rom().len() as u64).div_ceil(4096);
    assert!(at_boot <= rom_pages + 1, "{at_boot} pages at power-on");

    // One dword through each path, spread over the 24 GiB.
    let addrs = [
        0u64,
        3 * GIB + 0x1234,
        11 * GIB,
        17 * GIB + 0x10_0000,
        24 * GIB - 8,
    ];
    for (i, &a) in addrs.iter().enumerate() {
        let v = 0x5eed_0000 | i as u32;
        match i % 3 {
            0 => g
                .mmu
                .write_phys(PhysAddr::vram(a), &v.to_le_bytes())
                .expect("engine write"),
            1 => {
                wr(&mut g, BAR0, 0x1700, (a >> 16) as u32);
                wr(&mut g, BAR0, 0x70_0000 + (a & 0xffff), v);
            }
            _ => g.vram.write_u32(a, v),
        }
    }
    // Reading all of BAR1 and 16 MiB elsewhere allocates nothing.
    let mut buf = vec![0u8; 1 << 20];
    for off in (0..g.chip().bar1_size).step_by(1 << 20) {
        g.region_read(BAR1, off, &mut buf).expect("bar1");
    }
    for i in 0..16u64 {
        g.mmu
            .read_phys(PhysAddr::vram(20 * GIB + (i << 20)), &mut buf)
            .expect("engine read");
    }
    for (i, &a) in addrs.iter().enumerate() {
        assert_eq!(g.vram.read_u32(a), 0x5eed_0000 | i as u32, "{a:#x}");
    }
    let used = pages(&g.vram);
    println!(
        "sparse VRAM: 24 GiB board, {at_boot} backing pages at power-on, {used} after \
         {} scattered writes and 272 MiB of reads ({} KiB of host memory)",
        addrs.len(),
        used * 4
    );
    assert!(used <= at_boot + addrs.len() as u64, "{used} pages");
}

#[test]
fn pramin_window_targets_vram_and_sysmem() {
    let (mut g, trace) = gpu("tu102", 0);
    // VRAM: the window at 9 GiB + 0x30000, offset 0x8_0010 into it.
    let base = 9 * GIB + 0x3_0000;
    wr(&mut g, BAR0, 0x1700, (base >> 16) as u32);
    assert_eq!(rd(&mut g, BAR0, 0x1700), (base >> 16) as u32);
    wr(&mut g, BAR0, 0x78_0010, 0x1122_3344);
    assert_eq!(g.vram.read_u32(base + 0x8_0010), 0x1122_3344);
    g.vram.write_u32(base + 0xf_fffc, 0xaabb_ccdd);
    assert_eq!(rd(&mut g, BAR0, 0x7f_fffc), 0xaabb_ccdd);
    // Past the end of VRAM: unmodelled (and logged), no panic.
    let end = g.vram.size();
    wr(&mut g, BAR0, 0x1700, (end >> 16) as u32);
    assert_eq!(rd(&mut g, BAR0, 0x70_0000), 0xbadf_1100);
    // TARGET 2 (coherent sysmem) and 3 (non-coherent): guest memory.
    for t in [2u32, 3] {
        wr(&mut g, BAR0, 0x1700, (t << 24) | (RAM >> 16) as u32);
        wr(&mut g, BAR0, 0x70_0100 + 4 * t as u64, 0xc0de_0000 | t);
        assert_eq!(
            g.dma.read_u32(RAM + 0x100 + 4 * t as u64),
            Ok(0xc0de_0000 | t)
        );
    }
    // TARGET 1 is not defined: refused, logged once.
    wr(&mut g, BAR0, 0x1700, 1 << 24);
    assert_eq!(rd(&mut g, BAR0, 0x70_0000), 0xbadf_1100);
    rd(&mut g, BAR0, 0x70_0004);
    let n = trace
        .lines()
        .iter()
        .filter(|l| l.contains("TARGET 1 is not defined"))
        .count();
    assert_eq!(n, 1);
}

/// A driver's `writeq`/`readq` to the PRAMIN window reaches nvsim as one
/// 8-byte BAR0 access (QEMU passes the access size through vfio-user):
/// both halves land, little-endian, at the window's VRAM or guest memory,
/// aligned or not on 8 bytes, in process and over the socket.
#[test]
fn pramin_takes_8_byte_accesses() {
    let (mut g, _) = gpu("ga102", 0);
    let base = 3 * GIB + 0x7_0000;
    wr(&mut g, BAR0, 0x1700, (base >> 16) as u32);
    let v = 0x0123_4567_89ab_cdefu64;
    g.region_write(BAR0, 0x70_0100, &v.to_le_bytes())
        .expect("writeq");
    assert_eq!(g.vram.read_u64(base + 0x100), v);
    assert_eq!(g.vram.read_u32(base + 0x104), 0x0123_4567, "high half");
    // Across a dword boundary (offset 4 mod 8) and at the window's end.
    g.region_write(BAR0, 0x70_0204, &(!v).to_le_bytes())
        .expect("unaligned writeq");
    assert_eq!(g.vram.read_u64(base + 0x204), !v);
    g.region_write(BAR0, 0x7f_fff8, &v.to_le_bytes())
        .expect("last qword");
    assert_eq!(g.vram.read_u64(base + 0xf_fff8), v);
    let mut b = [0u8; 8];
    g.vram.write_u64(base + 0x300, 0xfeed_face_dead_beef);
    g.region_read(BAR0, 0x70_0300, &mut b).expect("readq");
    assert_eq!(u64::from_le_bytes(b), 0xfeed_face_dead_beef);
    // Guest memory (TARGET 2).
    wr(&mut g, BAR0, 0x1700, (2 << 24) | (RAM >> 16) as u32);
    g.region_write(BAR0, 0x70_0010, &v.to_le_bytes())
        .expect("sysmem writeq");
    let mut r = [0u8; 8];
    g.dma.read(RAM + 0x10, &mut r).expect("dma");
    assert_eq!(u64::from_le_bytes(r), v);
    // Through the vfio-user socket.
    wr(&mut g, BAR0, 0x1700, (base >> 16) as u32);
    let vram = g.vram.clone();
    let (mut client, thread, socket) = serve(g);
    client
        .region_write(BAR0, 0x70_0400, &v.to_le_bytes())
        .expect("writeq over vfio-user");
    assert_eq!(vram.read_u64(base + 0x400), v);
    let mut b = [0u8; 8];
    client
        .region_read(BAR0, 0x70_0100, &mut b)
        .expect("readq over vfio-user");
    assert_eq!(u64::from_le_bytes(b), v);
    stop(client, thread, socket);
}

#[test]
fn hopper_and_blackwell_use_the_xal_window() {
    for (chip, mask) in [("gh100", 0x003f_ffffu32), ("gb202", 0x007f_ffff)] {
        let (mut g, _) = gpu(chip, 0);
        let base = g.vram.size() - GIB + 0x5_0000;
        wr(&mut g, BAR0, 0x10_fd40, 0xffff_ffff);
        assert_eq!(rd(&mut g, BAR0, 0x10_fd40), mask, "{chip} BASE width");
        wr(&mut g, BAR0, 0x10_fd40, (base >> 16) as u32);
        wr(&mut g, BAR0, 0x70_0040, 0x600d_f00d);
        assert_eq!(g.vram.read_u32(base + 0x40), 0x600d_f00d, "{chip}");
    }
}

#[test]
fn bar1_and_bar3_map_vram_physically_by_default() {
    for chip in ["tu102", "ga102", "ad102", "gh100", "gb202"] {
        let (mut g, _) = gpu(chip, 0);
        wr(&mut g, BAR1, 0x123_4560, 0x0bad_cafe);
        assert_eq!(g.vram.read_u32(0x123_4560), 0x0bad_cafe, "{chip}");
        g.vram.write_u32(0x1_0000, 0x7777_8888);
        assert_eq!(rd(&mut g, BAR3, 0x1_0000), 0x7777_8888, "{chip}");
    }
}

/// Engine reset and scrub wait on a GA102 falcon (nova-core's sequence).
fn reset_falcon(g: &mut Gpu, base: u64) {
    let v = rd(g, BAR0, base + 0x3c0);
    wr(g, BAR0, base + 0x3c0, v | 1);
    wr(g, BAR0, base + 0x3c0, v & !1);
    for _ in 0..10 {
        if rd(g, BAR0, base + 0xf4) & (1 << 12) == 0 {
            return;
        }
    }
    panic!("scrubbing never completed");
}

#[test]
fn falcon_dma_reaches_vram_with_the_local_fb_target() {
    const GSP: u64 = 0x11_0000;
    let (mut g, _) = gpu("ga102", 0);
    reset_falcon(&mut g, GSP);
    let src = 22 * GIB + 0x4_0000;
    let dst = 5 * GIB + 0x100;
    let data: Vec<u8> = (0..256u32).map(|i| (i * 13 + 1) as u8).collect();
    g.mmu
        .write_phys(PhysAddr::vram(src), &data)
        .expect("engine write");
    // FBIF: physical, target 0 (local FB); physical DMA without a context.
    let ctl = rd(&mut g, BAR0, GSP + 0x624);
    wr(&mut g, BAR0, GSP + 0x624, ctl | 0x80);
    wr(&mut g, BAR0, GSP + 0x10c, 0);
    wr(&mut g, BAR0, GSP + 0x600, 0x4);
    // VRAM -> DMEM 0x200.
    wr(&mut g, BAR0, GSP + 0x110, (src >> 8) as u32);
    wr(&mut g, BAR0, GSP + 0x128, (src >> 40) as u32);
    wr(&mut g, BAR0, GSP + 0x114, 0x200);
    wr(&mut g, BAR0, GSP + 0x11c, 0);
    wr(&mut g, BAR0, GSP + 0x118, 6 << 8);
    // DMEM 0x200 -> VRAM (bit 5: to external memory).
    wr(&mut g, BAR0, GSP + 0x110, (dst >> 8) as u32);
    wr(&mut g, BAR0, GSP + 0x128, (dst >> 40) as u32);
    wr(&mut g, BAR0, GSP + 0x118, (6 << 8) | (1 << 5));
    let mut back = vec![0u8; 256];
    g.mmu
        .read_phys(PhysAddr::vram(dst), &mut back)
        .expect("engine read");
    assert_eq!(back, data);
}

#[test]
fn engine_api_refuses_out_of_range_vram_precisely() {
    let (g, _) = gpu("tu102", 0);
    let end = g.vram.size();
    let e = g
        .mmu
        .write_phys(PhysAddr::vram(end - 2), &[0; 4])
        .expect_err("past the end");
    assert!(
        e.to_string()
            .contains("outside the 0x2c0000000-byte framebuffer"),
        "{e}"
    );
    let mut b = [0; 4];
    let e = g
        .mmu
        .read_phys(PhysAddr::sys(0x1000), &mut b)
        .expect_err("unmapped sysmem");
    assert!(
        e.to_string()
            .contains("no DMA region maps bus address 0x1000"),
        "{e}"
    );
}

fn temp_socket(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "nvsim-vram-{}-{tag}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join("nvsim.sock")
}

/// Starts an in-process server for `gpu`; returns the connected client,
/// the server thread and the socket path.
fn serve(gpu: Gpu) -> (vfio_user::Client, std::thread::JoinHandle<()>, PathBuf) {
    let socket = temp_socket(gpu.chip().name);
    let listener = server::listen(&gpu, &socket).expect("listen");
    let mut gpu = gpu;
    let thread = std::thread::spawn(move || {
        let _ = server::run(listener, &mut gpu);
    });
    let client = vfio_user::Client::new(&socket).expect("connect");
    (client, thread, socket)
}

fn stop(client: vfio_user::Client, thread: std::thread::JoinHandle<()>, socket: PathBuf) {
    let _ = client.shutdown();
    let _ = thread.join();
    if let Some(dir) = socket.parent() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// A shared mapping of BAR1 as the client got it.
struct Mapping {
    ptr: *mut u8,
    len: usize,
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly the mapping made in `map_bar1`.
        unsafe {
            libc::munmap(self.ptr.cast(), self.len);
        }
    }
}

fn map_bar1(client: &vfio_user::Client) -> Option<Mapping> {
    let r = client.region(BAR1)?;
    let fo = r.file_offset.as_ref()?;
    assert_eq!(r.sparse_areas.len(), 1);
    let len = r.sparse_areas[0].size as usize;
    // SAFETY: a fresh shared mapping of the file the server sent; the
    // kernel checks fd, offset and length, and the result is checked.
    let ptr = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED,
            fo.file().as_raw_fd(),
            fo.start() as libc::off_t,
        )
    };
    assert_ne!(ptr, libc::MAP_FAILED, "mmap BAR1");
    Some(Mapping {
        ptr: ptr.cast(),
        len,
    })
}

#[test]
fn bar1_mmap_shares_vram_with_the_client() {
    let chip = Chip::by_name("ad102").expect("chip");
    let mut gpu = Gpu::new(chip, chip.vram, Trace::memory(false));
    assert!(gpu.set_bar1_mmap(true));
    let vram = gpu.vram.clone();
    let (mut client, thread, socket) = serve(gpu);
    let map = map_bar1(&client).expect("BAR1 comes with a file to map");
    assert_eq!(map.len as u64, chip.bar1_size);
    // Client stores land in VRAM; VRAM stores show in the mapping.
    // SAFETY: offsets below are inside the mapping; volatile accesses to
    // shared memory.
    unsafe {
        std::ptr::write_volatile(map.ptr.add(0x10_0000).cast::<u32>(), 0xfeed_beef);
        assert_eq!(vram.read_u32(0x10_0000), 0xfeed_beef);
        vram.write_u32(0x20_0008, 0x0123_4567);
        assert_eq!(
            std::ptr::read_volatile(map.ptr.add(0x20_0008).cast::<u32>()),
            0x0123_4567
        );
    }
    // The trapped path still sees the same memory.
    let mut b = [0u8; 4];
    client.region_read(BAR1, 0x10_0000, &mut b).expect("read");
    assert_eq!(u32::from_le_bytes(b), 0xfeed_beef);
    drop(map);
    stop(client, thread, socket);
}

#[test]
fn bar1_is_not_mappable_without_the_option() {
    let chip = Chip::by_name("ga102").expect("chip");
    let gpu = Gpu::new(chip, chip.vram, Trace::memory(false));
    let (client, thread, socket) = serve(gpu);
    assert!(map_bar1(&client).is_none());
    stop(client, thread, socket);
}

/// "N MB/s (M us per access)" for `ops` accesses of `bytes` in all.
fn rate(bytes: u64, ops: u64, secs: f64) -> String {
    format!(
        "{:.3} MB/s ({:.3} us per access)",
        bytes as f64 / secs / 1e6,
        secs * 1e6 / ops as f64
    )
}

/// Access rates, printed (`cargo test -p nvsim --test vram -- --nocapture
/// access_rates`); nothing is asserted about time.
#[test]
fn access_rates() {
    let chip = Chip::by_name("ga102").expect("chip");
    let mut gpu = Gpu::new(chip, chip.vram, Trace::memory(false));
    assert!(gpu.set_bar1_mmap(true));
    let mmu = gpu.mmu.clone();
    let mut lines = Vec::new();

    // In process, no socket: PRAMIN dwords through the BAR0 dispatch.
    let n = 200_000u64;
    gpu.region_write(BAR0, 0x1700, &2u32.to_le_bytes())
        .expect("window");
    let t = Instant::now();
    for i in 0..n {
        let off = 0x70_0000 + (i * 4) % 0x10_0000;
        gpu.region_write(BAR0, off, &(i as u32).to_le_bytes())
            .expect("w");
    }
    lines.push(format!(
        "PRAMIN 4-byte writes, in process:     {}",
        rate(4 * n, n, t.elapsed().as_secs_f64())
    ));
    let t = Instant::now();
    let mut b = [0u8; 4];
    for i in 0..n {
        let off = 0x70_0000 + (i * 4) % 0x10_0000;
        gpu.region_read(BAR0, off, &mut b).expect("r");
    }
    lines.push(format!(
        "PRAMIN 4-byte reads, in process:      {}",
        rate(4 * n, n, t.elapsed().as_secs_f64())
    ));

    // Engine API: bulk physical and virtual reads.
    let mut big = vec![0u8; 1 << 20];
    mmu.write_phys(PhysAddr::vram(0x100_0000), &big)
        .expect("fill");
    let t = Instant::now();
    let rounds = 256u64;
    for i in 0..rounds {
        mmu.read_phys(PhysAddr::vram(0x100_0000 + (i % 16) * 0x10_0000), &mut big)
            .expect("bulk read");
    }
    lines.push(format!(
        "engine 1 MiB physical reads:          {}",
        rate(rounds << 20, rounds, t.elapsed().as_secs_f64())
    ));
    // A VA space of 4 KiB pages mapping 16 MiB at VA 0 onto VRAM 16 MiB.
    // Ver2 PDEs: address >> 4, aperture 1 (video memory) in bits 2:1;
    // PTEs: address >> 4, VALID, aperture 0.
    let root = 0x80_0000u64;
    let (pd2, pd1, pd0) = (root + 0x1000, root + 0x2000, root + 0x3000);
    let vram = &gpu.vram;
    vram.write_u64(root, (pd2 >> 4) | 2); // PD3[0] -> PD2
    vram.write_u64(pd2, (pd1 >> 4) | 2); // PD2[0] -> PD1
    vram.write_u64(pd1, (pd0 >> 4) | 2); // PD1[0] -> PD0
    for i in 0..8u64 {
        let pt = 0x40_0000 + i * 0x1000;
        vram.write_u64(pd0 + i * 16 + 8, (pt >> 4) | 2); // small half
        for j in 0..512u64 {
            let pa = 0x100_0000 + ((i * 512 + j) << 12);
            vram.write_u64(pt + j * 8, (pa >> 4) | 1);
        }
    }
    let pd = PageDir::new(PhysAddr::vram(root));
    let t = Instant::now();
    for i in 0..rounds {
        mmu.read_virt(&pd, (i % 16) << 20, &mut big, false)
            .expect("virtual read");
    }
    lines.push(format!(
        "engine 1 MiB virtual reads (4K pages, TLB warm after the first): {}",
        rate(rounds << 20, rounds, t.elapsed().as_secs_f64())
    ));

    // Through the vfio-user socket, as a guest's trapped accesses are.
    let (mut client, thread, socket) = serve(gpu);
    let n = 20_000u64;
    let t = Instant::now();
    for i in 0..n {
        client
            .region_read(BAR0, 0x70_0000 + (i * 4) % 0x10_0000, &mut b)
            .expect("r");
    }
    lines.push(format!(
        "PRAMIN 4-byte reads, vfio-user:       {}",
        rate(4 * n, n, t.elapsed().as_secs_f64())
    ));
    let t = Instant::now();
    for i in 0..n {
        client
            .region_write(BAR1, (i * 4) % 0x100_0000, &(i as u32).to_le_bytes())
            .expect("w");
    }
    lines.push(format!(
        "BAR1 4-byte writes, vfio-user:        {}",
        rate(4 * n, n, t.elapsed().as_secs_f64())
    ));
    let t = Instant::now();
    for i in 0..n {
        client
            .region_read(BAR1, (i * 4) % 0x100_0000, &mut b)
            .expect("r");
    }
    lines.push(format!(
        "BAR1 4-byte reads, vfio-user:         {}",
        rate(4 * n, n, t.elapsed().as_secs_f64())
    ));
    let map = map_bar1(&client).expect("mapping");
    let n = 4_000_000u64;
    let t = Instant::now();
    for i in 0..n {
        // SAFETY: the offset is inside the 256 MiB mapping.
        unsafe {
            std::ptr::write_volatile(
                map.ptr.add(((i * 4) % 0x100_0000) as usize).cast::<u32>(),
                i as u32,
            );
        }
    }
    lines.push(format!(
        "BAR1 4-byte writes, mmap:             {}",
        rate(4 * n, n, t.elapsed().as_secs_f64())
    ));
    let t = Instant::now();
    let mut sum = 0u32;
    for i in 0..n {
        // SAFETY: as above.
        sum = sum.wrapping_add(unsafe {
            std::ptr::read_volatile(map.ptr.add(((i * 4) % 0x100_0000) as usize).cast::<u32>())
        });
    }
    lines.push(format!(
        "BAR1 4-byte reads, mmap:              {} (checksum {sum:#x})",
        rate(4 * n, n, t.elapsed().as_secs_f64())
    ));
    drop(map);
    stop(client, thread, socket);
    println!("access rates (host, this machine):");
    for l in lines {
        println!("  {l}");
    }
}
