//! Diagnostics: the access trace (`--trace`) and the always-on log.
//!
//! Every line goes to stderr prefixed with `nvsim: `. Tests capture the
//! lines in memory instead.

use std::io::Write;
use std::sync::{Arc, Mutex};

/// Where lines go.
enum Sink {
    Stderr,
    Memory(Mutex<Vec<String>>),
}

struct Inner {
    tracing: bool,
    sink: Sink,
}

/// Handle to the diagnostics output; cheap to clone and shareable between
/// threads.
#[derive(Clone)]
pub struct Trace {
    inner: Arc<Inner>,
}

impl Trace {
    /// Diagnostics on stderr; `tracing` enables the per-access trace.
    pub fn stderr(tracing: bool) -> Self {
        Self {
            inner: Arc::new(Inner {
                tracing,
                sink: Sink::Stderr,
            }),
        }
    }

    /// Diagnostics kept in memory (for tests), see [`Trace::lines`].
    pub fn memory(tracing: bool) -> Self {
        Self {
            inner: Arc::new(Inner {
                tracing,
                sink: Sink::Memory(Mutex::new(Vec::new())),
            }),
        }
    }

    /// Whether the per-access trace is on.
    pub fn tracing(&self) -> bool {
        self.inner.tracing
    }

    /// Emits a trace line built by `line`, if tracing is on.
    pub fn trace(&self, line: impl FnOnce() -> String) {
        if self.inner.tracing {
            self.emit(line());
        }
    }

    /// Emits a log line (always).
    pub fn log(&self, line: impl Into<String>) {
        self.emit(line.into());
    }

    /// The lines captured so far by a [`Trace::memory`] handle.
    pub fn lines(&self) -> Vec<String> {
        match &self.inner.sink {
            Sink::Stderr => Vec::new(),
            Sink::Memory(m) => m.lock().unwrap_or_else(|e| e.into_inner()).clone(),
        }
    }

    fn emit(&self, line: String) {
        match &self.inner.sink {
            Sink::Stderr => {
                // Nothing sensible to do if stderr is gone.
                let _ = writeln!(std::io::stderr().lock(), "nvsim: {line}");
            }
            Sink::Memory(m) => m.lock().unwrap_or_else(|e| e.into_inner()).push(line),
        }
    }
}

/// Forwards the `log` records of the vfio_user crate to stderr: warnings
/// and errors always, the rest with `--trace`.
struct CrateLogger {
    verbose: bool,
}

impl log::Log for CrateLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        self.verbose || metadata.level() <= log::Level::Warn
    }

    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            let _ = writeln!(
                std::io::stderr().lock(),
                "nvsim: {}: {}",
                record.target(),
                record.args()
            );
        }
    }

    fn flush(&self) {}
}

static QUIET: CrateLogger = CrateLogger { verbose: false };
static VERBOSE: CrateLogger = CrateLogger { verbose: true };

/// Installs the forwarder for the vfio_user crate's log records (once per
/// process; later calls do nothing).
pub fn install_crate_logger(verbose: bool) {
    let (logger, level) = if verbose {
        (&VERBOSE, log::LevelFilter::Debug)
    } else {
        (&QUIET, log::LevelFilter::Warn)
    };
    if log::set_logger(logger).is_ok() {
        log::set_max_level(level);
    }
}
