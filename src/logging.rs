//! The log: a file, never the screen the browser draws on, nor the output a
//! script reads. Private, like the documents whose ids it names. A receiver
//! (a service) may log to standard error instead, as JSON for a log shipper,
//! and reopens its file on SIGHUP, after logrotate moved it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tracing_appender::non_blocking::WorkerGuard;

/// Lines the log holds for its writer thread; past them a line is dropped
/// rather than the app kept waiting.
const BUFFERED_LINES: usize = 4096;

/// Where the log goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Created 0600 in a 0700 folder; reopened by [`Log::reopen`].
    File(PathBuf),
    /// Standard error (`--log-file -`): the journal's, under systemd.
    Stderr,
}

impl Target {
    /// `-` is standard error, anything else a file.
    pub fn from_arg(path: PathBuf) -> Target {
        if path.as_os_str() == "-" {
            Target::Stderr
        } else {
            Target::File(path)
        }
    }
}

/// How each line is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `2026-12-07T09:00:00Z  INFO veriff_tui::inbox::receiver: inbox: webhook kind="decision" ...`
    #[default]
    Text,
    /// One JSON object a line (`timestamp`, `level`, `fields`, `target`).
    Json,
}

/// The log in use: keep it for the process's life (dropping it flushes).
pub struct Log {
    _guard: WorkerGuard,
    file: Option<Reopenable>,
}

impl Log {
    /// What reopens this log's file (a signal handler's).
    pub fn reopener(&self) -> Reopener {
        Reopener(self.file.clone())
    }
}

/// Reopens a log's file.
#[derive(Clone, Default)]
pub struct Reopener(Option<Reopenable>);

impl Reopener {
    /// Opens the log file again at its path (after logrotate renamed it), so
    /// new lines go to a new file; nothing for standard error.
    pub fn reopen(&self) -> Result<(), String> {
        match &self.0 {
            Some(file) => file.reopen(),
            None => Ok(()),
        }
    }
}

/// Sends this process's `tracing` output to `path` (created 0600 in a 0700
/// folder), at `VERIFF_LOG` or info level. Keep the guard: dropping it flushes.
pub fn init(path: PathBuf) -> Result<WorkerGuard, String> {
    init_with(Target::File(path), Format::Text).map(|log| log._guard)
}

/// [`init`] to `target`, as `format`.
pub fn init_with(target: Target, format: Format) -> Result<Log, String> {
    let (writer, file): (Box<dyn Write + Send>, _) = match target {
        Target::File(path) => {
            let file = Reopenable::open(path)?;
            (Box::new(file.clone()), Some(file))
        }
        Target::Stderr => (Box::new(std::io::stderr()), None),
    };
    // Room for a burst, not the default's 128,000 lines: that channel is
    // allocated and touched whole at start, about 5 MiB and a third of a
    // scripting call's CPU (what `media --json` is measured by against curl).
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(BUFFERED_LINES)
        .finish(writer);
    let filter = tracing_subscriber::EnvFilter::try_from_env("VERIFF_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("veriff_tui=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false);
    let _ = match format {
        Format::Text => builder.try_init(),
        Format::Json => builder.json().try_init(),
    };
    Ok(Log { _guard: guard, file })
}

/// The log file, which [`Reopenable::reopen`] swaps for a new one at its path.
#[derive(Clone)]
struct Reopenable {
    path: PathBuf,
    file: Arc<Mutex<std::fs::File>>,
}

impl Reopenable {
    fn open(path: PathBuf) -> Result<Reopenable, String> {
        let file = open_private(&path)?;
        Ok(Reopenable {
            path,
            file: Arc::new(Mutex::new(file)),
        })
    }

    fn reopen(&self) -> Result<(), String> {
        let file = open_private(&self.path)?;
        let mut current = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let _ = current.flush();
        *current = file;
        Ok(())
    }
}

/// Only the log's writer thread writes: the lock is never waited on but for a reopen.
impl Write for Reopenable {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.lock().unwrap_or_else(|e| e.into_inner()).write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.lock().unwrap_or_else(|e| e.into_inner()).flush()
    }
}

fn open_private(path: &Path) -> Result<std::fs::File, String> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    crate::files::create_private_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    crate::files::private_file_options()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("cannot open the log file {}: {e}", path.display()))
}
