//! nvsim command line entry point.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use nvsim::cli::{self, Parsed, USAGE};
use nvsim::describe;
use nvsim::device::{Gpu, Setup};
use nvsim::fault::Faults;
use nvsim::server;
use nvsim::trace::{self, Trace};

/// Blocks SIGINT and SIGTERM in this thread (and the threads it starts),
/// so that only the dedicated signal thread receives them.
fn block_signals() -> libc::sigset_t {
    // SAFETY: `sigset_t` is plain data; sigemptyset initializes it.
    let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: `set` is a valid sigset_t owned by this frame; these calls
    // only modify it and the calling thread's signal mask.
    unsafe {
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::sigaddset(&mut set, libc::SIGTERM);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
    set
}

/// Waits for SIGINT/SIGTERM, removes the socket and exits with status 0.
fn spawn_signal_thread(set: libc::sigset_t, socket: PathBuf, trace: Trace) {
    let log = trace.clone();
    let spawned = std::thread::Builder::new()
        .name("nvsim-signals".into())
        .spawn(move || {
            let mut sig = 0;
            // SAFETY: `set` holds the signals blocked in every thread;
            // sigwait stores the received signal number in `sig`.
            let rc = unsafe { libc::sigwait(&set, &mut sig) };
            if rc == 0 {
                trace.log(format!("signal {sig}, shutting down"));
            }
            let _ = std::fs::remove_file(&socket);
            std::process::exit(0);
        });
    if let Err(e) = spawned {
        log.log(format!("cannot start the signal thread: {e}"));
    }
}

fn dump_file(bytes: &[u8], path: &Path) -> ExitCode {
    match std::fs::write(path, bytes) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("nvsim: cannot write {}: {e}", path.display());
            ExitCode::FAILURE
        }
    }
}

fn main() -> ExitCode {
    let opts = match cli::parse(std::env::args().skip(1)) {
        Ok(Parsed::Run(o)) => o,
        Ok(Parsed::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Parsed::DescribeAll) => {
            print!("{}", describe::all());
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("nvsim: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if opts.describe {
        println!("{}", describe::json(opts.chip, opts.vram, opts.fb_reserved));
        return ExitCode::SUCCESS;
    }
    if let Some(path) = &opts.dump_vbios {
        let rom = nvsim_vbios::build(&opts.chip.rom_spec()).bytes;
        return dump_file(&rom, path);
    }
    if let Some(path) = &opts.dump_log_section {
        return dump_file(&nvsim::gsprm::log::logging_image(), path);
    }
    let Some(socket) = opts.socket else {
        eprintln!("nvsim: --socket PATH is required");
        return ExitCode::from(2);
    };

    let set = block_signals();
    trace::install_crate_logger(opts.trace);
    let trace = Trace::stderr(opts.trace);
    let faults = Faults::new(opts.faults.clone(), opts.fault_boots);
    for f in &opts.faults {
        trace.log(format!(
            "fault injection: {}{}",
            f.kind,
            if f.always {
                " (every boot)".to_string()
            } else {
                format!(" (first {} GSP boot(s))", opts.fault_boots)
            }
        ));
    }
    if !opts.timing.is_fast() {
        trace.log(format!("timing: {}", opts.timing));
    }
    if !opts.mmu_audit {
        trace.log("mmu audit: off (--mmu-audit off)");
    }
    let setup = Setup {
        vram: opts.vram,
        fb_reserved: opts.fb_reserved,
        firmware: opts.firmware.clone(),
        faults,
        timing: opts.timing,
        mmu_audit: opts.mmu_audit,
    };
    let mut gpu = Gpu::with_setup(opts.chip, setup, trace.clone());
    if opts.bar1_mmap && !gpu.set_bar1_mmap(true) {
        trace.log("--bar1-mmap: VRAM has no memory file to map; BAR1 stays trapped");
    }
    let listener = match server::listen(&gpu, &socket) {
        Ok(l) => l,
        Err(e) => {
            trace.log(format!("cannot listen on {}: {e}", socket.display()));
            return ExitCode::FAILURE;
        }
    };
    spawn_signal_thread(set, socket, trace.clone());

    match server::run(listener, &mut gpu) {
        Ok(()) => {
            trace.log("client disconnected, exiting");
            ExitCode::SUCCESS
        }
        Err(
            e @ (vfio_user::Error::StreamRead(_)
            | vfio_user::Error::StreamWrite(_)
            | vfio_user::Error::ReceiveWithFd(_)),
        ) => {
            trace.log(format!("connection lost ({e}), exiting"));
            ExitCode::SUCCESS
        }
        Err(e) => {
            trace.log(format!("server error: {e}"));
            ExitCode::FAILURE
        }
    }
}
