#![forbid(unsafe_code)]

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
    let mut cli = Cli::parse();
    let mut builder = match &cli.command {
        Some(command) if command.is_one_read() => tokio::runtime::Builder::new_current_thread(),
        _ => tokio::runtime::Builder::new_multi_thread(),
    };
    let runtime = match builder.enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        let Cli { command, global, .. } = &mut cli;
        match command.take() {
            Some(cli::Command::Inbox(args)) if args.action.is_none() => browse(&cli, Some(args)).await,
            Some(command) => cli::run(command, global).await,
            None => browse(&cli, None).await,
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

/// The browser, on the sessions given (ids refused before anything else happens),
/// with the inbox's views (`inbox` opens on them).
async fn browse(cli: &Cli, inbox: Option<cli::InboxArgs>) -> Result<(), String> {
    let sessions = cli
        .sessions
        .iter()
        .map(|s| find_id(s).map(SessionId::from).map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    let (inbox, webhooks) = cli::inbox::for_browser(&cli.global, inbox).await?;
    let resolved = cli::resolve_with(&cli.global, webhooks).await?;
    let options = veriff_tui::tui::Options {
        sessions,
        from: cli.from.clone(),
        image_protocol: cli.image_protocol,
        mouse: cli.mouse,
        watch: cli.watch,
        log_file: cli.global.log_file.clone(),
        inbox: inbox.as_ref().map(|inbox| veriff_tui::tui::InboxOptions {
            store: inbox.store.clone(),
            views: inbox.views.clone(),
            on_a_view: inbox.on_a_view,
        }),
    };
    let outcome = veriff_tui::tui::run(options, resolved.settings, resolved.config, resolved.demo_server).await;
    drop(inbox);
    outcome
}
