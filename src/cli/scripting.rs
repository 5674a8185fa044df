//! The scripting subcommands, dispatched: each runs in its own file (`reads.rs`
//! for the reads, `export.rs`, `actions.rs`, `inbox.rs`, ...) and prints through
//! `output.rs`; what writes is shared with the team's audit here, once.

use std::io::Write;
use std::time::Duration;

use super::output::emit;
use super::{Command, GlobalArgs};

/// A command's outcome once its audit lines are in the team's audit.
async fn shared(team: Option<crate::config::writes::TeamShare>, outcome: Result<(), String>) -> Result<(), String> {
    if let Some(team) = team {
        team.flush().await;
    }
    outcome
}

/// Runs a scripting subcommand. `Err` is the one-line message for stderr.
pub async fn run(command: Command, global: &GlobalArgs) -> Result<(), String> {
    use super::inbox::InboxAction;
    // What writes to Veriff or changes the inbox is shared with the team's
    // audit where the inbox is a team's store.
    let team = match &command {
        Command::Export(_)
        | Command::NewSession(_)
        | Command::DeleteSession(_)
        | Command::Watchlist { review: Some(_), .. } => super::inbox::team_share(global, None).await,
        Command::Inbox(args)
            if matches!(
                args.action,
                Some(InboxAction::Purge { .. } | InboxAction::Import { .. } | InboxAction::Restore { .. })
            ) =>
        {
            super::inbox::team_share(global, global.inbox_url.clone()).await
        }
        _ => None,
    };
    // Commands that need no credentials.
    match command {
        Command::ServeDemo {
            addr,
            latency_ms,
            big_media_size,
            bulk,
            rate_limit,
            public,
        } => {
            if !addr.ip().is_loopback() && !public {
                return Err(format!(
                    "refusing to listen on {addr}, which other hosts can reach: the demo's credentials are \
                     published, so anyone there could use it; add --public to mean it"
                ));
            }
            let options = crate::server::ServerOptions {
                addr,
                latency: Duration::from_millis(latency_ms),
                big_media_size,
                bulk,
                rate_limit,
                ..Default::default()
            };
            return serve_demo(options).await;
        }
        Command::Export(args) => return shared(team, super::export::run(args, global).await).await,
        Command::NewSession(args) => return shared(team, super::actions::new_session(args, global).await).await,
        Command::Watchlist {
            review: Some(super::WatchlistAction::Review(args)),
            ..
        } => return shared(team, super::actions::review_hit(args, global).await).await,
        Command::DeleteSession(args) => return shared(team, super::actions::delete_session(args, global).await).await,
        Command::Inbox(args) => return shared(team, super::inbox::run(args, global).await).await,
        Command::Verify(args) => return super::verify::run(args, global).await,
        Command::Keygen(args) => return super::keygen::run(&args, global),
        Command::Audit(args) => return super::audit::run(args),
        Command::Completions { shell } => {
            let mut cli = <super::Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cli, "veriff-tui", &mut script);
            return emit(&script);
        }
        Command::Man => {
            let cli = <super::Cli as clap::CommandFactory>::command();
            let mut page = Vec::new();
            clap_mangen::Man::new(cli)
                .render(&mut page)
                .map_err(|e| e.to_string())?;
            return emit(&page);
        }
        Command::Config {
            action: super::ConfigAction::Init,
        } => {
            let path = match &global.config {
                Some(path) => path.clone(),
                None => crate::config::config_path(&crate::config::process_env).ok_or("HOME is not set")?,
            };
            crate::config::write_template(&path)?;
            return emit(format!("wrote {}\n", path.display()).as_bytes());
        }
        _ => {}
    }
    super::reads::run(command, global).await
}

async fn serve_demo(options: crate::server::ServerOptions) -> Result<(), String> {
    let addr = options.addr;
    let bulk = options.bulk;
    let server = crate::server::start(options)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    // The URL to use from this host: the client refuses plain http:// to any
    // other, so an unspecified address (0.0.0.0, ::) is reached on loopback.
    let local = match server.addr.ip() {
        ip if ip.is_unspecified() && ip.is_ipv6() => format!("http://[::1]:{}", server.addr.port()),
        ip if ip.is_unspecified() => format!("http://127.0.0.1:{}", server.addr.port()),
        _ => server.url(),
    };
    println!("Veriff demo server listening on {}", server.url());
    if !server.addr.ip().is_loopback() {
        println!(
            "Other hosts reach it over plain http://, which veriff-tui refuses to a network host unless given \
             --insecure-http: for a demo only."
        );
    }
    println!("Point veriff-tui at it with:");
    println!("  export VERIFF_API_URL={local}");
    println!("  export VERIFF_API_KEY={}", crate::server::DEMO_API_KEY);
    println!("  export VERIFF_SHARED_SECRET={}", crate::server::DEMO_SHARED_SECRET);
    println!("Demo sessions:");
    for session in server.featured_sessions() {
        println!("  {session}");
    }
    println!(
        "Stress session (60 attempts, the newest with 2,000 media): {}",
        crate::server::LARGE_SESSION
    );
    if bulk {
        println!(
            "Bulk sessions: {} to {}",
            crate::server::bulk_session(0),
            crate::server::bulk_session(crate::server::BULK_SESSIONS - 1)
        );
    }
    println!("Misbehaving session (faults): {}", crate::server::faults::SESSION);
    println!("Ctrl-C stops it.");
    let _ = std::io::stdout().flush();
    tokio::signal::ctrl_c().await.map_err(|e| e.to_string())?;
    Ok(())
}
