//! Test harness: an in-process nvsim server on a temporary socket, driven
//! by the vfio_user crate's client.

#![allow(dead_code)]

pub mod boot;
pub mod fsp;
pub mod gsp;
pub mod rig;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;

use nvsim::chip::Chip;
use nvsim::device::Gpu;
use nvsim::dma::DmaSpace;
use nvsim::irq::IrqLine;
use nvsim::server;
use nvsim::trace::Trace;
use vfio_user::Client;

/// Reports test `name` as skipped because of `why` (its input is
/// missing); the caller then returns, so libtest counts it as passed.
/// `scripts/test.sh` counts each `SKIP: <name>: <why>` line as a skipped
/// test and takes it off the passed ones. The line is written to stderr
/// directly, not with `eprintln!`, so libtest's output capture does not
/// hide it (the capture only takes the print macros, rust-lang/rust#90785);
/// a leading newline keeps it on a line of its own whatever libtest
/// printed last.
pub fn skip(name: &str, why: &str) {
    use std::io::Write;
    let line = format!("\nSKIP: {name}: {why}\n");
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// vfio region index of BAR0.
pub const BAR0: u32 = 0;
/// vfio region index of the configuration space.
pub const CONFIG: u32 = 7;

/// A fresh, unused socket path in a fresh temporary directory.
pub fn temp_socket(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "nvsim-test-{}-{tag}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join("nvsim.sock")
}

/// A running server and a connected client.
pub struct Sim {
    pub client: Client,
    pub trace: Trace,
    pub irq: IrqLine,
    pub dma: DmaSpace,
    pub socket: PathBuf,
    thread: Option<JoinHandle<()>>,
}

impl Sim {
    /// Starts `chip` (by name) with `vram` bytes (0: the board's default).
    pub fn start(chip: &str, vram: u64, tracing: bool) -> Sim {
        let chip = Chip::by_name(chip).expect("chip");
        let vram = if vram == 0 { chip.vram } else { vram };
        let trace = Trace::memory(tracing);
        let mut gpu = Gpu::new(chip, vram, trace.clone());
        let (irq, dma) = (gpu.irq.clone(), gpu.dma.clone());
        let socket = temp_socket(chip.name);
        let listener = server::listen(&gpu, &socket).expect("listen");
        let thread = std::thread::spawn(move || {
            let _ = server::run(listener, &mut gpu);
        });
        let client = Client::new(&socket).expect("connect");
        Sim {
            client,
            trace,
            irq,
            dma,
            socket,
            thread: Some(thread),
        }
    }

    pub fn read32(&mut self, region: u32, offset: u64) -> u32 {
        let mut b = [0; 4];
        self.client
            .region_read(region, offset, &mut b)
            .expect("read");
        u32::from_le_bytes(b)
    }

    pub fn write32(&mut self, region: u32, offset: u64, v: u32) {
        self.client
            .region_write(region, offset, &v.to_le_bytes())
            .expect("write");
    }

    pub fn read(&mut self, region: u32, offset: u64, len: usize) -> Vec<u8> {
        let mut b = vec![0; len];
        self.client
            .region_read(region, offset, &mut b)
            .expect("read");
        b
    }

    pub fn bar0(&mut self, offset: u64) -> u32 {
        self.read32(BAR0, offset)
    }

    /// Log lines containing `needle`.
    pub fn log_count(&self, needle: &str) -> usize {
        self.trace
            .lines()
            .iter()
            .filter(|l| l.contains(needle))
            .count()
    }

    /// Disconnects and waits for the server to finish; returns whether the
    /// socket file is gone.
    pub fn stop(mut self) -> bool {
        let _ = self.client.shutdown();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let gone = !self.socket.exists();
        if let Some(dir) = self.socket.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
        gone
    }
}
