use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use veriff_tui::cli::{self, Cli};

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
            None => {
                let options = veriff_tui::tui::Options {
                    sessions: cli.sessions,
                    from: cli.from,
                    image_protocol: cli.image_protocol,
                    mouse: cli.mouse,
                };
                veriff_tui::tui::run(options, &cli.global).await
            }
        }
    });
    runtime.shutdown_timeout(SHUTDOWN_GRACE);
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
