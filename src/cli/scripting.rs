//! The scripting subcommands: a readable table by default, the parsed data as JSON
//! with `--json`, exit status 0 only on success.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use super::{Command, GlobalArgs, Output, resolve};
use crate::api::{
    ApiError, AttemptList, Client, DecisionResponse, MediaList, Progress, ProgressThrottle, SaveAs, model::plain_value,
};
use crate::ids::find_id;
use crate::text::{clean, human_duration, human_size};

/// Runs a scripting subcommand. `Err` is the one-line message for stderr.
pub async fn run(command: Command, global: &GlobalArgs) -> Result<(), String> {
    // Commands that need no credentials.
    match command {
        Command::ServeDemo {
            addr,
            latency_ms,
            big_media_size,
            bulk,
            rate_limit,
        } => {
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
        Command::Export(args) => return super::export::run(args, global).await,
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
    // The id first: text without one is refused before credentials are needed.
    let text = match &command {
        Command::Attempts { session, .. }
        | Command::SessionMedia { session, .. }
        | Command::Decision { session, .. } => session,
        Command::Media { attempt, .. } => attempt,
        Command::Download { media, .. } => media,
        _ => unreachable!("handled above"),
    };
    let id = find_id(text).map_err(|e| e.to_string())?;
    let resolved = resolve(global).await?;
    let client = Client::new(resolved.settings.client.clone()).map_err(|e| e.to_string())?;
    match command {
        Command::Attempts { output, .. } => {
            let list = client.session_attempts(&id).await.map_err(|e| e.to_string())?;
            print(&output, &list, attempts_table)
        }
        Command::SessionMedia { output, .. } => {
            let list = client.session_media(&id).await.map_err(|e| e.to_string())?;
            print(&output, &list, media_table)
        }
        Command::Media { output, .. } => {
            let list = client.attempt_media(&id).await.map_err(|e| e.to_string())?;
            print(&output, &list, media_table)
        }
        Command::Decision { output, .. } => {
            let decision = client.session_decision(&id).await.map_err(|e| e.to_string())?;
            print(&output, &decision, decision_table)
        }
        Command::Download { output, force, .. } => {
            let dir = resolved.settings.download_dir.clone();
            download(&client, &id, output, dir, force).await
        }
        Command::ServeDemo { .. }
        | Command::Completions { .. }
        | Command::Man
        | Command::Config { .. }
        | Command::Export(_) => {
            unreachable!("handled above")
        }
    }
}

fn print<T: Serialize>(output: &Output, value: &T, table: fn(&T) -> String) -> Result<(), String> {
    let text = if output.json {
        serde_json::to_string_pretty(value).map_err(|e| e.to_string())? + "\n"
    } else {
        table(value)
    };
    emit(text.as_bytes())
}

/// Writes to stdout; a closed pipe (`| head`) is the reader's choice, not a failure.
pub(super) fn emit(bytes: &[u8]) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("cannot write output: {e}")),
        _ => Ok(()),
    }
}

/// Columns padded to their widest cell; every cell cleaned of control characters.
fn table(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let rows: Vec<Vec<String>> = rows.into_iter().map(|r| r.iter().map(|c| clean(c)).collect()).collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        padded.join("  ").trim_end().to_owned() + "\n"
    };
    let mut out = line(header.to_vec());
    for row in &rows {
        out += &line(row.iter().map(String::as_str).collect());
    }
    out
}

fn attempts_table(list: &AttemptList) -> String {
    if list.verifications.is_empty() {
        return "no attempts\n".into();
    }
    let rows = list
        .verifications
        .iter()
        .map(|a| {
            vec![
                a.id.clone(),
                a.status.clone().unwrap_or_default(),
                a.created_time.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table(&["ID", "STATUS", "CREATED"], rows)
}

fn media_table(list: &MediaList) -> String {
    if list.is_empty() {
        return "no media\n".into();
    }
    let rows = list
        .items()
        .map(|(kind, m)| {
            vec![
                kind.label().to_owned(),
                m.context.clone().unwrap_or_default(),
                m.size.map(human_size).unwrap_or_default(),
                m.mimetype.clone().unwrap_or_default(),
                m.duration.map(human_duration).unwrap_or_default(),
                m.id.clone(),
            ]
        })
        .collect();
    table(&["KIND", "CONTEXT", "SIZE", "MIMETYPE", "DURATION", "ID"], rows)
}

fn decision_table(response: &DecisionResponse) -> String {
    let Some(d) = &response.verification else {
        return "no decision yet\n".into();
    };
    let field = |v: &Option<String>| v.clone().unwrap_or_default();
    let rows = vec![
        vec!["status".into(), field(&d.status)],
        vec!["code".into(), d.code.map(|c| c.to_string()).unwrap_or_default()],
        vec!["reason".into(), plain_value(&d.reason)],
        vec!["reason code".into(), plain_value(&d.reason_code)],
        vec!["decided".into(), field(&d.decision_time)],
        vec!["accepted".into(), field(&d.acceptance_time)],
        vec!["session".into(), field(&d.id)],
        vec!["attempt".into(), field(&d.attempt_id)],
    ];
    table(&["FIELD", "VALUE"], rows)
}

async fn download(
    client: &Client,
    media: &str,
    output: Option<PathBuf>,
    dir: PathBuf,
    force: bool,
) -> Result<(), String> {
    let to_stdout = output.as_deref() == Some(std::path::Path::new("-"));
    if to_stdout && std::io::stdout().is_terminal() {
        // The file's bytes are the server's: on a terminal they could drive it.
        return Err("refusing to write a media file to the terminal; redirect it (-o - > FILE, | viewer)".into());
    }
    let show_progress = std::io::stderr().is_terminal();
    let mut throttle = ProgressThrottle::default();
    let on_progress = |p: Progress| {
        if show_progress && let Some(elapsed) = throttle.pass(&p) {
            eprint!("\r\x1b[2K{}", p.describe(elapsed));
        }
    };
    let work = async {
        if to_stdout {
            let mut stdout = tokio::io::stdout();
            client
                .download_to_writer(media, &mut stdout, on_progress)
                .await
                .map(|_| None)
        } else {
            let save_as = match output {
                Some(path) => SaveAs::Path(path),
                None => SaveAs::InDir {
                    dir,
                    parts: vec![media.to_owned()],
                },
            };
            client.download(media, &save_as, force, on_progress).await.map(Some)
        }
    };
    // Dropping the download deletes its temporary file: on Ctrl-C, and on the
    // SIGTERM or SIGHUP of a closed terminal or a dropped SSH connection.
    let outcome = tokio::select! {
        outcome = work => outcome,
        why = stopped() => {
            if show_progress { eprintln!() }
            return Err(format!("{why}; nothing was saved"));
        }
    };
    if show_progress {
        eprint!("\r\x1b[2K");
    }
    match outcome {
        Ok(Some(path)) => emit(format!("{}\n", path.display()).as_bytes()),
        Ok(None) => Ok(()),
        Err(ApiError::Exists(path)) => Err(format!(
            "{} already exists; pass --force to overwrite it",
            path.display()
        )),
        Err(e) => Err(e.to_string()),
    }
}

/// Resolves when the process is asked to stop: Ctrl-C, SIGTERM or SIGHUP.
pub(super) async fn stopped() -> &'static str {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut hangup)) = (signal(SignalKind::terminate()), signal(SignalKind::hangup())) else {
        let _ = tokio::signal::ctrl_c().await;
        return "interrupted";
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => "interrupted",
        _ = term.recv() => "terminated",
        _ = hangup.recv() => "hung up",
    }
}

async fn serve_demo(options: crate::server::ServerOptions) -> Result<(), String> {
    let addr = options.addr;
    let bulk = options.bulk;
    let server = crate::server::start(options)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    println!("Veriff demo server listening on {}", server.url());
    println!("Point veriff-tui at it with:");
    println!("  export VERIFF_API_URL={}", server.url());
    println!("  export VERIFF_API_KEY={}", crate::server::DEMO_API_KEY);
    println!("  export VERIFF_SHARED_SECRET={}", crate::server::DEMO_SHARED_SECRET);
    println!("Demo sessions:");
    for session in server.featured_sessions() {
        println!("  {session}");
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_and_neutralise_escapes() {
        let out = table(
            &["A", "B"],
            vec![vec!["x\x1b[2J".into(), "1".into()], vec!["longer".into(), "2".into()]],
        );
        assert_eq!(out, "A       B\nx\u{fffd}[2J   1\nlonger  2\n");
    }
}
