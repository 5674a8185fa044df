//! `veriff-tui audit`: the audit log read back (a table, newest last, or its
//! lines as JSON), and `--verify`, which checks each line's `prev` against the
//! line before it ([`crate::audit::verify`]); and the CLI's runs that change
//! things here (an export, an inbox import, purge or restore) recorded in it.

use std::path::PathBuf;
use std::time::SystemTime;

use clap::Args;
use serde_json::Value;

use super::output::{emit, json_text, say, table};
use crate::config::{Settings, process_env, writes};

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Only what was done in the last DURATION (`24h`, `7days`, `30min`).
    #[arg(long, value_name = "DURATION")]
    pub since: Option<String>,
    /// Only this action (`delete_session`, `review_watchlist_hit`, `create_session`,
    /// `export`, `inbox_import`, `inbox_purge`); a first word stands for all it
    /// begins (`delete`, `inbox`).
    #[arg(long, value_name = "ACTION")]
    pub action: Option<String>,
    /// The lines as they are in the log, as a JSON array.
    #[arg(long)]
    pub json: bool,
    /// Check that no line was edited or removed: each line carries the SHA-256 of
    /// the one before it. Names the first broken line; exit status 0 only when the
    /// chain holds.
    #[arg(long, conflicts_with_all = ["since", "action", "json"])]
    pub verify: bool,
}

pub fn run(args: AuditArgs) -> Result<(), String> {
    let path = audit_log_path().ok_or("no data dir for the audit log (set HOME or XDG_DATA_HOME)")?;
    if !path.exists() {
        let said = format!("no audit log at {}: nothing recorded yet", path.display());
        if args.verify {
            return Err(said + ", nothing to check");
        }
        say(&(said + "\n"));
        return Ok(());
    }
    if args.verify {
        return verify(&path);
    }
    let since = args
        .since
        .as_deref()
        .map(|text| {
            humantime::parse_duration(text)
                .map(|span| SystemTime::now() - span)
                .map_err(|e| {
                    format!(
                        "--since {}: {e} (say 24h, 7days, 30min)",
                        crate::text::clean_short(text, 40)
                    )
                })
        })
        .transpose()?;
    let mut kept = Vec::new();
    for (number, line) in crate::audit::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))? {
        let Some(line) = line else {
            say(&format!(
                "line {number} is not JSON: `veriff-tui audit --verify` says more\n"
            ));
            continue;
        };
        if since.is_some_and(|since| time_of(&line).is_none_or(|time| time < since)) {
            continue;
        }
        if args.action.as_deref().is_some_and(|wanted| !is_action(&line, wanted)) {
            continue;
        }
        kept.push(line);
    }
    if args.json {
        return emit((json_text(&kept)? + "\n").as_bytes());
    }
    if kept.is_empty() {
        say("no line of the audit log matches\n");
        return Ok(());
    }
    let rows = kept.iter().map(row).collect();
    emit(
        table(
            &[
                "TIME",
                "USER",
                "PROFILE",
                "ACTION",
                "SESSION",
                "OUTCOME",
                "WHAT",
                "REQUEST ID",
            ],
            rows,
        )
        .as_bytes(),
    )
}

fn verify(path: &std::path::Path) -> Result<(), String> {
    let chain = crate::audit::verify(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let before = match chain.unchained {
        0 => String::new(),
        n => format!(
            "; the {} before it {} written before the chain existed and {} not proven",
            crate::text::counted(n, "line"),
            if n == 1 { "was" } else { "were" },
            if n == 1 { "is" } else { "are" },
        ),
    };
    if let Some((line, why)) = chain.broken {
        return Err(format!(
            "the audit log {} is broken at line {line}: {why}",
            path.display()
        ));
    }
    // Every `prev` stripped reads as a log from before the chain: nothing proven.
    if chain.lines > 0 && chain.unchained >= chain.lines {
        return Err(format!(
            "the audit log {} has {} lines and none is chained: nothing in it is proven",
            path.display(),
            chain.lines
        ));
    }
    let head = chain.head.unwrap_or_default();
    emit(
        format!(
            "the audit log {} holds: {} lines, chained from line {}{before}; the last line's SHA-256 is {head} \
             (kept elsewhere, it shows later that nothing up to here was rewritten)\n",
            path.display(),
            chain.lines,
            (chain.unchained + 1).min(chain.lines),
        )
        .as_bytes(),
    )
}

fn text(line: &Value, key: &str) -> String {
    match &line[key] {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn time_of(line: &Value) -> Option<SystemTime> {
    humantime::parse_rfc3339_weak(line["time"].as_str()?.trim_end_matches('Z')).ok()
}

fn is_action(line: &Value, wanted: &str) -> bool {
    let action = text(line, "action");
    action == wanted || action.strip_prefix(wanted).is_some_and(|rest| rest.starts_with('_'))
}

/// One line of the table; the cells are made terminal-safe by `table`.
fn row(line: &Value) -> Vec<String> {
    let mut what = Vec::new();
    if let Some(hit) = line["hit"].as_str() {
        let mut review = format!("hit {hit} → {}", text(line, "match_status"));
        if let Some(level) = line["risk_level"].as_str() {
            review += &format!(" ({level} risk)");
        }
        match line["whitelisted"].as_bool() {
            Some(true) => review += ", whitelisted",
            Some(false) => review += ", not whitelisted",
            None => {}
        }
        what.push(review);
    }
    if let Some(reference) = line["reference"].as_str() {
        what.push(format!("reference {reference}"));
    }
    if let Some(reason) = line["reason"].as_str() {
        what.push(format!("why {reason}"));
    }
    if let Some(counts) = line["counts"].as_object() {
        what.push(
            counts
                .iter()
                .map(|(name, n)| format!("{name} {n}"))
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    let outcome = match line["status"].as_u64() {
        Some(status) => format!("{} {status}", text(line, "outcome")),
        None => text(line, "outcome"),
    };
    vec![
        text(line, "time"),
        text(line, "user"),
        text(line, "profile"),
        text(line, "action"),
        text(line, "session"),
        outcome,
        what.join("; "),
        text(line, "request_id"),
    ]
}

/// The audit log's path under this process's environment.
pub(super) fn audit_log_path() -> Option<PathBuf> {
    writes::audit_log_path(&process_env)
}

/// Records a run that changed things here (an export, an inbox import or
/// purge), with its counts; a log that cannot be written is said.
pub(super) fn record_run(
    action: &'static str,
    profile: Option<String>,
    api_url: Option<&reqwest::Url>,
    outcome: &'static str,
    counts: &[(&'static str, u64)],
) {
    let log = audit_log_path();
    if let Err(e) = writes::record_run(log.as_deref(), action, profile, api_url, outcome, counts) {
        say(&format!("warning: {e}; this {action} is not in the audit log\n"));
    }
}

/// Records an export with its figures.
pub(super) fn record_export(settings: &Settings, snapshot: &crate::export::Snapshot, interrupted: bool) {
    let log = audit_log_path();
    let api_url = &settings.client.api_url;
    if let Err(e) = writes::record_export(log.as_deref(), settings.profile.clone(), api_url, snapshot, interrupted) {
        say(&format!("warning: {e}; this export is not in the audit log\n"));
    }
}
