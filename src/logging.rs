//! The log: a file, never the screen the browser draws on, nor the output a
//! script reads. Private, like the documents whose ids it names.

use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;

/// Lines the log holds for its writer thread; past them a line is dropped
/// rather than the app kept waiting.
const BUFFERED_LINES: usize = 4096;

/// Sends this process's `tracing` output to `path` (created 0600 in a 0700
/// folder), at `VERIFF_LOG` or info level. Keep the guard: dropping it flushes.
pub fn init(path: PathBuf) -> Result<WorkerGuard, String> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    crate::files::create_private_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let file = crate::files::private_file_options()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| format!("cannot open the log file {}: {e}", path.display()))?;
    // Room for a burst, not the default's 128,000 lines: that channel is
    // allocated and touched whole at start, about 5 MiB and a third of a
    // scripting call's CPU (what `media --json` is measured by against curl).
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(BUFFERED_LINES)
        .finish(file);
    let filter = tracing_subscriber::EnvFilter::try_from_env("VERIFF_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("veriff_tui=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init();
    Ok(guard)
}
