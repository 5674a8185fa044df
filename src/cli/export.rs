//! `veriff-tui export`: the export engine ([`crate::export`]) with a progress line
//! on a terminal, one plain line per finished session otherwise, and the manifest
//! as JSON with `--json`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;

use super::GlobalArgs;
use super::output::{emit, json_text, say, stopped};
use crate::export::{self, Counters, SessionRecord, SessionStatus};
use crate::ids::find_id;
use crate::text::{clean, human_size};

/// The progress line is redrawn at most this often.
const REDRAW: Duration = Duration::from_millis(250);

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// Sessions: ids, or any text containing one (a portal link).
    #[arg(value_name = "SESSION")]
    pub sessions: Vec<String>,
    /// Also read sessions from this file, one per line (ids or text containing
    /// them); `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// The folder to export into [default: the download dir].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Requests in flight at most (halved while the API answers 429).
    #[arg(long, default_value_t = export::DEFAULT_JOBS, value_name = "N",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=64))]
    pub jobs: usize,
    /// Start at most this many requests per second.
    #[arg(long, value_name = "R", value_parser = positive)]
    pub max_rps: Option<f64>,
    /// Fetch every file again, even those the manifest says are there.
    #[arg(long)]
    pub force: bool,
    /// Print the manifest as JSON at the end.
    #[arg(long)]
    pub json: bool,
    /// Export under --redact all the same: the export holds every answer and
    /// file as Veriff sent them, unmasked.
    #[arg(long)]
    pub unredacted: bool,
}

/// A request rate that can be waited for: at least one request a minute (a rate
/// like 1e-300 would mean waiting longer than time can be counted).
fn positive(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(r) if r.is_finite() && r >= crate::api::pacing::SLOWEST_RPS => Ok(r),
        Ok(r) if r.is_finite() && r > 0.0 => Err(format!("{text:?} is slower than one request a minute")),
        _ => Err(format!("{text:?} is not a positive number")),
    }
}

/// The sessions named on the command line and in `--from`, each once.
fn sessions(args: &ExportArgs) -> Result<Vec<String>, String> {
    let mut ids = Vec::new();
    for text in &args.sessions {
        ids.push(find_id(text).map_err(|e| e.to_string())?);
    }
    if let Some(from) = &args.from {
        let (found, without) = export::read_session_list(from)?;
        if !without.is_empty() {
            let lines: Vec<String> = without.iter().take(10).map(usize::to_string).collect();
            say(&format!(
                "warning: no session id on line {} of {}; skipped\n",
                lines.join(", "),
                from.display()
            ));
        }
        ids.extend(found);
    }
    let mut unique: Vec<String> = Vec::new();
    for id in ids {
        if !unique.contains(&id) {
            unique.push(id);
        }
    }
    if unique.is_empty() {
        return Err("no sessions to export: give session ids, or --from FILE (one per line)".into());
    }
    Ok(unique)
}

/// One line for a finished session, for logs and pipes.
fn session_line(record: &SessionRecord) -> String {
    let bytes: u64 = record.files.iter().map(|f| f.size).sum();
    match record.status {
        SessionStatus::Done => format!(
            "done {}: {} files, {}",
            record.id,
            record.files.len(),
            human_size(bytes)
        ),
        _ => format!(
            "failed {}: {}",
            record.id,
            clean(record.error.as_deref().unwrap_or("unknown error"))
        ),
    }
}

pub async fn run(args: ExportArgs, global: &GlobalArgs) -> Result<(), String> {
    // Ids first: a list without one is refused before credentials are needed.
    let ids = sessions(&args)?;
    let resolved = super::resolve(global).await?;
    if resolved.settings.redact.on && !args.unredacted {
        return Err(format!(
            "{}; add --unredacted to export all the same",
            export::REDACTED_REFUSAL
        ));
    }
    let out = args.out.clone().unwrap_or(resolved.settings.download_dir.clone());
    if let Some(warning) = export::folder::folder_warning(&out) {
        say(&format!("{warning}\n"));
    }
    // Read before anything is fetched: a key that cannot be read stops the export
    // here, not after an hour of downloads.
    let team_key = match &resolved.settings.team_key {
        Some(source) => {
            let source = source.clone();
            let key = tokio::task::spawn_blocking(move || source.load(&crate::config::process_env))
                .await
                .map_err(|e| e.to_string())??;
            Some(Arc::new(key))
        }
        None => None,
    };
    let unsigned = team_key.is_none();
    let indexer = super::inbox::indexer(global).await;
    let options = export::Options {
        team_key,
        pacer: None,
        out,
        jobs: args.jobs,
        max_rps: args.max_rps,
        force: args.force,
        decisions: indexer
            .as_ref()
            .map(|(indexer, _)| export::Sink(indexer.decision_sink())),
    };
    let counters = Arc::new(Counters::default());
    let (finished, mut reports) = tokio::sync::mpsc::unbounded_channel::<SessionRecord>();
    let terminal = std::io::stderr().is_terminal();
    let started = Instant::now();
    let progress = {
        let counters = counters.clone();
        tokio::spawn(async move {
            let mut redraw = tokio::time::interval(REDRAW);
            loop {
                tokio::select! {
                    report = reports.recv() => match report {
                        Some(record) if terminal && record.status == SessionStatus::Done => {}
                        // Above the progress line on a terminal; every session in a log.
                        Some(record) if terminal => say(&format!("\r\x1b[2K{}\n", session_line(&record))),
                        Some(record) => say(&format!("{}\n", session_line(&record))),
                        None => break,
                    },
                    _ = redraw.tick(), if terminal => {
                        say(&format!("\r\x1b[2K{}", counters.snapshot(started.elapsed()).describe()));
                    }
                }
            }
            if terminal {
                say("\r\x1b[2K");
            }
        })
    };
    let mut why = None;
    let stop = async {
        why = Some(stopped().await);
    };
    let outcome = export::run(
        &resolved.settings.client,
        ids,
        &options,
        counters.clone(),
        Some(finished),
        stop,
    )
    .await;
    let _ = progress.await;
    drop(options);
    super::inbox::indexed(indexer).await;
    let outcome = outcome?;
    let snapshot = counters.snapshot(started.elapsed());
    super::audit::record_export(&resolved.settings, &snapshot, outcome.interrupted);
    let path = outcome.manifest_path.display();
    if args.json {
        emit((json_text(&outcome.manifest)? + "\n").as_bytes())?;
    }
    if outcome.interrupted {
        let why = why.unwrap_or("stopped");
        return Err(format!(
            "{why}; no partial file left, {path} lists the {} files that completed",
            snapshot.files_done
        ));
    }
    say(&format!(
        "{} of {} sessions, {} files ({} already there), {} received in {:.1}s\n",
        outcome.sessions.len() - outcome.failed(),
        outcome.sessions.len(),
        snapshot.files_done,
        snapshot.files_skipped,
        human_size(snapshot.bytes_received),
        snapshot.elapsed.as_secs_f64()
    ));
    if unsigned {
        // Last, where it is read: not among the lines a script follows per session.
        say(
            "note: no team signing key configured (veriff-tui keygen, then signing_key_file in the profile): the manifest is sealed with the shared secret only, which no regulator holds\n",
        );
    }
    if !args.json {
        emit(format!("{path}\n").as_bytes())?;
    }
    match outcome.failed() {
        0 => Ok(()),
        failed => Err(format!(
            "{failed} of {} sessions failed; {path} says why",
            outcome.sessions.len()
        )),
    }
}
