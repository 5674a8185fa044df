use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use veriff_tui::cli::{self, Cli};
use veriff_tui::ids::{SessionId, find_id};

/// Blocking work still running at exit (a viewer being launched, ffmpeg, a secret
/// command) gets this long before the process leaves without it.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(500);

fn main() -> ExitCode {
    // Readable panic reports; the browser adds its terminal restore in front.
    let _ = color_eyre::install();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        match cli.command {
            Some(command) => cli::run(command, &cli.global).await,
            None => browse(cli).await,
        }
    });
    runtime.shutdown_timeout(SHUTDOWN_GRACE);
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            // Not eprintln!: it panics when stderr is a terminal that hung up.
            let _ = writeln!(std::io::stderr(), "error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The browser, on the sessions given (ids refused before anything else happens).
async fn browse(cli: Cli) -> Result<(), String> {
    let sessions = cli
        .sessions
        .iter()
        .map(|s| find_id(s).map(SessionId::from).map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    let resolved = cli::resolve(&cli.global).await?;
    let options = veriff_tui::tui::Options {
        sessions,
        from: cli.from.clone(),
        image_protocol: cli.image_protocol,
        mouse: cli.mouse,
        watch: cli.watch,
        log_file: cli.global.log_file.clone(),
    };
    veriff_tui::tui::run(options, resolved.settings, resolved.config, resolved.demo_server).await
}
