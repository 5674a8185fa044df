//! The writes to Veriff from the command line: `new-session` (a verification
//! link), `delete-session` (an erasure request) and `watchlist review`. Each is
//! refused under `read_only`, checked before anything is sent, and written to the
//! audit log, its refusals too.

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};

use clap::Args;

use super::GlobalArgs;
use super::audit::audit_log_path;
use super::output::{emit, json_text, say};
use crate::api::{ApiError, Client, DELETABLE_STATUSES, HitReview, NewSession};
use crate::audit::Entry;
use crate::config::{Settings, describe_error, process_env, writes};
use crate::ids::{AttemptId, SessionId};
use crate::text::clean;

#[derive(Debug, Args)]
pub struct NewSessionArgs {
    /// The integrator's reference (at most 1,000 characters; it cannot be changed later).
    #[arg(long, value_name = "S")]
    pub vendor_data: Option<String>,
    /// The end user's id in the integrator's system: a UUID.
    #[arg(long, value_name = "UUID")]
    pub end_user_id: Option<String>,
    #[arg(long, value_name = "S")]
    pub first_name: Option<String>,
    #[arg(long, value_name = "S")]
    pub last_name: Option<String>,
    /// Where the end user returns when done.
    #[arg(long, value_name = "URL")]
    pub callback: Option<String>,
    /// Print Veriff's answer as JSON.
    #[arg(long)]
    pub json: bool,
    /// Create it under --redact all the same, and print its link and QR code (a
    /// link is made once: it could not be shown later).
    #[arg(long)]
    pub unredacted: bool,
}

/// Why `new-session` is refused under `--redact`: the link is the end user's key
/// to the session, shown once and never again.
const NEW_SESSION_REDACTED: &str = "refusing to create a session under --redact: its link would be shown \
     on this screen, and it cannot be fetched later; run new-session without --redact (off the shared screen), \
     or add --unredacted to create it and print its link all the same";

#[derive(Debug, Args)]
pub struct DeleteSessionArgs {
    /// The session's id, or a link containing it.
    pub session: String,
    /// The session's first 8 characters, for scripts; on a terminal they are asked for.
    #[arg(long, value_name = "ID8")]
    pub confirm: Option<String>,
    /// The request this deletion answers (`DSR-2291`), kept in the audit log.
    #[arg(long, value_name = "TEXT")]
    pub reference: Option<String>,
    /// Print the outcome as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The session's id, or a link containing it.
    pub session: String,
    /// The hit's id, as `watchlist SESSION --json` lists it.
    pub hit: String,
    /// false_positive, potential_match, true_match or inconclusive.
    #[arg(long, value_name = "STATUS")]
    pub status: String,
    /// low or high, with --status true_match only.
    #[arg(long, value_name = "LEVEL")]
    pub risk_level: Option<String>,
    /// Whitelist the hit (no more alerts for it), or --whitelist=false to undo.
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub whitelist: Option<bool>,
    /// Print Veriff's answer as JSON.
    #[arg(long)]
    pub json: bool,
}

fn audit_log_ready() -> Result<PathBuf, String> {
    writes::audit_log_ready(audit_log_path())
}

/// Appends the write to the audit log; a log that cannot be written after all is
/// said, since the write itself has happened.
fn audit(path: &Path, entry: &mut Entry) {
    if let Err(e) = writes::append(path, entry) {
        say(&format!("warning: {e}\n"));
    }
}

/// A write refused here, nothing sent: recorded, and why said.
fn refuse(entry: Entry, reason: &'static str, why: String) -> String {
    writes::refuse(audit_log_path(), entry, reason, why)
}

/// A request refused before credentials are needed, as Veriff would refuse it:
/// recorded under the profile where it resolves, said either way.
async fn refuse_invalid(global: &GlobalArgs, why: String, entry: impl FnOnce(&Settings) -> Entry) -> String {
    match super::resolve(global).await {
        Ok(resolved) => refuse(entry(&resolved.settings), "invalid_request", why),
        Err(_) => why,
    }
}

fn entry(action: &'static str, settings: &Settings, session: Option<String>) -> Entry {
    writes::entry(action, settings.profile.clone(), &settings.client.api_url, session)
}

/// The id a write's entry is sent with.
fn request_id(entry: &Entry) -> &str {
    entry.request_id.as_deref().unwrap_or_default()
}

pub async fn new_session(args: NewSessionArgs, global: &GlobalArgs) -> Result<(), String> {
    let new = NewSession {
        vendor_data: args.vendor_data,
        end_user_id: args.end_user_id,
        first_name: args.first_name,
        last_name: args.last_name,
        callback: args.callback,
    };
    // Refused before credentials are needed, as Veriff would refuse it.
    if let Err(why) = new.body() {
        return Err(refuse_invalid(global, why, |settings| entry("create_session", settings, None)).await);
    }
    let resolved = super::resolve(global).await?;
    let settings = &resolved.settings;
    let mut entry = entry("create_session", settings, None);
    if let Err(why) = settings.writes_allowed() {
        return Err(refuse(entry, "read_only", why));
    }
    // Refused before it is made, not masked after: a link nobody sees is a session
    // nobody can use.
    if settings.redact.on && !args.unredacted {
        return Err(refuse(entry, "redacted", NEW_SESSION_REDACTED.to_owned()));
    }
    let audit_log = audit_log_ready()?;
    let client = Client::new(settings.client.clone()).map_err(|e| describe_error(&e))?;
    let result = client.create_session(&new, request_id(&entry)).await;
    writes::record(&mut entry, &result);
    if let Ok(written) = &result {
        entry.session = written.answer.verification.as_ref().map(|v| v.id.clone());
    }
    audit(&audit_log, &mut entry);
    let created = result.map_err(|e| describe_error(&e))?.answer;
    let verification = created.verification.expect("checked by create_session");
    // Redaction is off here, or --unredacted said to show the answer as it is.
    if args.json {
        return emit((json_text(&verification)? + "\n").as_bytes());
    }
    say(&format!("created session {}\n", clean(&verification.id)));
    let url = clean(verification.url.as_deref().unwrap_or_default());
    // For a customer at the desk: a code to scan off the screen, on stderr so the
    // link stays the only thing on stdout for a script.
    if std::io::stdout().is_terminal()
        && !url.is_empty()
        && let Ok(lines) = crate::qr::half_block_lines(&url)
    {
        say(&(lines.join("\n") + "\n"));
    }
    emit(format!("{url}\n").as_bytes())
}

pub async fn review_hit(args: ReviewArgs, global: &GlobalArgs) -> Result<(), String> {
    let session = SessionId::from(crate::ids::find_id(&args.session).map_err(|e| e.to_string())?);
    let review = HitReview {
        hit: args.hit.trim().to_owned(),
        match_status: args.status,
        risk_level: args.risk_level,
        whitelisted: args.whitelist,
    };
    let reviewing = |settings: &Settings| {
        writes::reviewing(
            entry("review_watchlist_hit", settings, Some(session.to_string())),
            &review,
        )
    };
    // Refused before credentials are needed, as Veriff would refuse it.
    if let Err(why) = review.body() {
        return Err(refuse_invalid(global, why, reviewing).await);
    }
    let resolved = super::resolve(global).await?;
    let settings = &resolved.settings;
    let mut entry = reviewing(settings);
    if let Err(why) = settings.writes_allowed() {
        return Err(refuse(entry, "read_only", why));
    }
    let audit_log = audit_log_ready()?;
    let client = Client::new(settings.client.clone()).map_err(|e| describe_error(&e))?;
    let result = client.review_hit(&session, &review, request_id(&entry)).await;
    writes::record(&mut entry, &result);
    audit(&audit_log, &mut entry);
    let written = result.map_err(|e| describe_error(&e))?;
    if args.json {
        return emit((json_text(&settings.redact.json(written.answer))? + "\n").as_bytes());
    }
    say(&format!(
        "hit {} of session {session} recorded as {}\n",
        clean(&review.hit),
        review.match_status
    ));
    Ok(())
}

/// What a deletion would take away, said before it is asked for.
struct Doomed {
    status: String,
    verdict: String,
    name: Option<String>,
    attempts: usize,
    media: usize,
}

async fn doomed(client: &Client, session: &SessionId, settings: &Settings) -> Result<Doomed, String> {
    let decision = client.session_decision(session).await.map_err(|e| describe_error(&e))?;
    let attempts = client
        .session_attempts(session)
        .await
        .map_err(|e| describe_error(&e))?
        .verifications;
    let mut media = 0;
    // The newest attempts' media, as the browser prefetches them: a session of
    // thousands of attempts is not worth thousands of requests to describe.
    for attempt in attempts.iter().take(20) {
        let list = client
            .attempt_media(&AttemptId::from(attempt.id.as_str()))
            .await
            .map_err(|e| describe_error(&e))?;
        media += list.items().count();
    }
    let decision = decision.into_decision().map(|d| settings.redact.model(d));
    let status = decision
        .as_ref()
        .and_then(|d| d.status.clone())
        .or_else(|| attempts.first().and_then(|a| a.status.clone()))
        .unwrap_or_else(|| "created".into());
    let verdict = match decision.as_ref().and_then(|d| d.code) {
        Some(code) => format!("{status} ({})", crate::api::codes::describe_decision(code)),
        None => status.clone(),
    };
    let name = decision.as_ref().and_then(|d| d.person.as_ref()).map(|p| {
        [&p.first_name, &p.last_name]
            .iter()
            .filter_map(|n| n.as_deref())
            .collect::<Vec<_>>()
            .join(" ")
    });
    Ok(Doomed {
        status,
        verdict,
        name: name.filter(|n| !n.is_empty()),
        attempts: attempts.len(),
        media,
    })
}

pub async fn delete_session(args: DeleteSessionArgs, global: &GlobalArgs) -> Result<(), String> {
    let session = SessionId::from(crate::ids::find_id(&args.session).map_err(|e| e.to_string())?);
    let resolved = super::resolve(global).await?;
    let settings = &resolved.settings;
    let mut entry = entry("delete_session", settings, Some(session.to_string()));
    entry.reference = args.reference.as_deref().and_then(writes::reference);
    if let Err(why) = settings.writes_allowed() {
        return Err(refuse(entry, "read_only", why));
    }
    let audit_log = audit_log_ready()?;
    let client = Client::new(settings.client.clone()).map_err(|e| describe_error(&e))?;
    let doomed = doomed(&client, &session, settings).await?;
    if !DELETABLE_STATUSES.contains(&doomed.status.as_str()) {
        let why = format!(
            "session {session} is {}: Veriff deletes only sessions that are {} (\"Session is not in a completed \
             status.\"); nothing was sent",
            clean(&doomed.status),
            DELETABLE_STATUSES.join(", ")
        );
        return Err(refuse(entry, "not_deletable", why));
    }
    let name = doomed.name.map(|n| format!(", {}", clean(&n))).unwrap_or_default();
    say(&format!(
        "This deletes session {session} at Veriff for good: {}{name}, {}, {}. Its data is \
         erased within 12 hours.\n",
        clean(&doomed.verdict),
        crate::text::counted(doomed.attempts, "attempt"),
        crate::text::counted(doomed.media, "media file")
    ));
    let expected = &session[..8];
    let typed = match args.confirm {
        Some(typed) => typed,
        None if std::io::stdin().is_terminal() => {
            say(&format!(
                "Type the session's first 8 characters ({expected}) to delete it: "
            ));
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| e.to_string())?;
            line
        }
        None => {
            let why = format!("nothing deleted: no terminal to confirm on; pass --confirm {expected}");
            return Err(refuse(entry, "not_confirmed", why));
        }
    };
    if typed.trim() != expected {
        let why = "nothing deleted: what was typed is not the session's first 8 characters".to_owned();
        return Err(refuse(entry, "confirmation_mismatch", why));
    }
    let result = client.delete_session(&session, request_id(&entry)).await;
    writes::record(&mut entry, &result);
    audit(&audit_log, &mut entry);
    match result {
        Err(ApiError::RateLimited { retry_after }) => return Err(writes::deletion_rate_limited(retry_after)),
        Err(e) => return Err(describe_error(&e)),
        Ok(_) => {}
    }
    // Gone at Veriff: gone here too, from every copy this tool keeps.
    let default_profile = resolved.config.as_ref().and_then(|c| c.file.default_profile.as_deref());
    let data_dir = crate::config::data_dir(&process_env);
    let history = data_dir
        .as_deref()
        .map(|d| crate::history::path_for(d, settings.profile.as_deref(), default_profile));
    let inbox = match &resolved.config {
        Some(config) => existing_inbox(config, global.demo).await,
        None => None,
    };
    let cache = crate::config::cache_dir(&process_env);
    let places = crate::erasure::Places {
        history: history.as_deref(),
        inboxes: &inbox.iter().collect::<Vec<_>>(),
        cache: cache.as_deref(),
    };
    let forgotten = crate::erasure::forget(places, &session, &entry.user).await;
    if let Some(store) = inbox {
        store.close().await;
    }
    if args.json {
        let inbox = forgotten
            .inbox
            .map(|removed| serde_json::to_value(removed).unwrap_or_default());
        emit(
            (json_text(&serde_json::json!({
                "deleted": session.as_str(),
                "status": entry.status,
                "removedFromInbox": inbox,
                "problems": forgotten.problems,
            }))? + "\n")
                .as_bytes(),
        )?;
    } else {
        say(&format!("deleted session {session} at Veriff; here, {forgotten}\n"));
    }
    // A script answering an erasure request must not take this for done.
    match forgotten.problems.is_empty() {
        true => Ok(()),
        false => Err(format!(
            "session {session} is deleted at Veriff, but not every copy here is gone: {}",
            forgotten.problems.join("; ")
        )),
    }
}

/// The profile's inbox, where there is one (a missing SQLite file is not made
/// for a deletion); a failure to open it is said, and the rest goes on.
async fn existing_inbox(config: &crate::config::Config, demo: bool) -> Option<crate::inbox::Store> {
    let url = super::inbox::inbox_url(None, config, demo).ok()?;
    if let Some(path) = url.strip_prefix("sqlite://")
        && !Path::new(path).exists()
    {
        return None;
    }
    match super::inbox::open(&url, config, crate::inbox::Purpose::Work).await {
        Ok(store) => Some(store),
        Err(e) => {
            say(&format!("warning: {e}; the session is not erased from the inbox\n"));
            None
        }
    }
}
