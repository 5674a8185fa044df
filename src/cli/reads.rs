//! The reads: attempts, session-media, media, decision, person, watchlist and
//! download. A readable table by default, the parsed data as JSON with `--json`,
//! exit status 0 only on success.

use std::io::IsTerminal;
use std::path::PathBuf;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::output::{emit, json_text, say, stopped, table, terminal_safe};
use super::{Command, GlobalArgs, Output, resolve};
use crate::api::{
    ApiError, AttemptList, Client, DecisionResponse, MediaList, PersonResponse, Progress, ProgressThrottle, Read,
    SaveAs, WatchlistResponse, codes, model::plain_value,
};
use crate::config::describe_error;
use crate::ids::{AttemptId, MediaId, SessionId, find_id};
use crate::inbox::Indexer;
use crate::redact::Redact;
use crate::text::{human_duration, human_size};

/// Runs a read: the id first (text without one is refused before credentials
/// are needed), then the signed request, printed as a table or `--json`.
pub async fn run(command: Command, global: &GlobalArgs) -> Result<(), String> {
    let text = match &command {
        Command::Attempts { session, .. }
        | Command::SessionMedia { session, .. }
        | Command::Decision { session, .. }
        | Command::Person { session, .. }
        | Command::Watchlist {
            session: Some(session), ..
        } => session,
        Command::Media { attempt, .. } => attempt,
        Command::Download { media, .. } => media,
        _ => unreachable!("not a read: scripting::run dispatches it elsewhere"),
    };
    let id = find_id(text).map_err(|e| e.to_string())?;
    // Retries and failures are logged as in the browser; a log that cannot be
    // opened must not fail a script, so that is only said.
    let log_path = global
        .log_file
        .clone()
        .unwrap_or_else(|| crate::config::log_path(&crate::config::process_env));
    let _log = crate::logging::init(log_path)
        .inspect_err(|e| eprintln!("warning: {e}; running without a log"))
        .ok();
    tracing::info!("{}", command_line(&command));
    let resolved = resolve(global).await?;
    let client = Client::new(resolved.settings.client.clone()).map_err(|e| describe_error(&e))?;
    let redact = resolved.settings.redact;
    match command {
        Command::Attempts { output, .. } => {
            let session = SessionId::from(id);
            let answer = client.answer(Read::Attempts(&session)).await;
            print(&output, redact, answer, attempts_table)
        }
        Command::SessionMedia { output, .. } => {
            let session = SessionId::from(id);
            let answer = client.answer(Read::SessionMedia(&session)).await;
            print(&output, redact, answer, media_table)
        }
        Command::Media { output, .. } => {
            let attempt = AttemptId::from(id);
            let answer = client.answer(Read::AttemptMedia(&attempt)).await;
            print(&output, redact, answer, media_table)
        }
        Command::Decision { output, .. } => {
            let session = SessionId::from(id);
            let answer =
                answer_kept::<DecisionResponse>(global, &client, Read::Decision(&session), Indexer::decision).await;
            print(&output, redact, answer, |d| decision_table(d, redact))
        }
        Command::Person { output, .. } => {
            let session = SessionId::from(id);
            let answer = client.answer(Read::Person(&session)).await;
            print(&output, redact, answer, person_table)
        }
        Command::Watchlist { output, .. } => {
            // Kept in the inbox as a decision is: `watchlist:` finds the session.
            let session = SessionId::from(id);
            let answer =
                answer_kept::<WatchlistResponse>(global, &client, Read::Watchlist(&session), Indexer::watchlist).await;
            print(&output, redact, answer, watchlist_table)
        }
        Command::Download { output, force, .. } => {
            let dir = resolved.settings.download_dir.clone();
            download(&client, &MediaId::from(id), output, dir, force).await
        }
        Command::ServeDemo { .. }
        | Command::Completions { .. }
        | Command::Man
        | Command::Config { .. }
        | Command::Export(_)
        | Command::NewSession(_)
        | Command::DeleteSession(_)
        | Command::Inbox(_)
        | Command::Verify(_)
        | Command::Keygen(_)
        | Command::Audit(_) => {
            unreachable!("not a read: scripting::run dispatches it elsewhere")
        }
    }
}

/// What a command was asked, for the log: its name and the id it names.
fn command_line(command: &Command) -> String {
    match command {
        Command::Attempts { session, .. } => format!("attempts {}", crate::text::clean_short(session, 80)),
        Command::SessionMedia { session, .. } => format!("session-media {}", crate::text::clean_short(session, 80)),
        Command::Decision { session, .. } => format!("decision {}", crate::text::clean_short(session, 80)),
        Command::Person { session, .. } => format!("person {}", crate::text::clean_short(session, 80)),
        Command::Watchlist {
            session: Some(session), ..
        } => format!("watchlist {}", crate::text::clean_short(session, 80)),
        Command::Media { attempt, .. } => format!("media {}", crate::text::clean_short(attempt, 80)),
        Command::Download { media, .. } => format!("download {}", crate::text::clean_short(media, 80)),
        _ => String::new(),
    }
}

/// `--json` prints the bytes Veriff sent, once their signature checked out: every
/// key, every `null` and the key order as sent, only escaped so no string can drive
/// a terminal. Under redaction the answer is masked once, before either form is
/// made: the table and the JSON show only what the allow-list let through (that
/// JSON is the tool's, not Veriff's bytes).
/// `read`'s answer, its body also given to the profile's inbox by `keep` (where
/// the profile keeps what it fetches). The inbox opens while the request is
/// out: the answer waits for neither.
async fn answer_kept<T: DeserializeOwned>(
    global: &GlobalArgs,
    client: &Client,
    read: Read<'_>,
    keep: fn(&Indexer, Vec<u8>),
) -> Result<(T, Vec<u8>), ApiError> {
    let (indexer, answer) = tokio::join!(super::inbox::indexer(global), client.answer::<T>(read));
    if let (Some((indexer, _)), Ok((_, body))) = (&indexer, &answer) {
        keep(indexer, body.clone());
    }
    super::inbox::indexed(indexer).await;
    answer
}

fn print<T: Serialize + DeserializeOwned + Default + Clone>(
    output: &Output,
    redact: Redact,
    answer: Result<(T, Vec<u8>), ApiError>,
    table: impl Fn(&T) -> String,
) -> Result<(), String> {
    let (value, body) = answer.map_err(|e| describe_error(&e))?;
    let text = match (output.json, redact.on) {
        (true, false) => {
            let sent = std::str::from_utf8(&body).map_err(|e| format!("the answer is not UTF-8: {e}"))?;
            terminal_safe(sent.trim_end()) + "\n"
        }
        (true, true) => json_text(&redact.model(value))? + "\n",
        (false, false) => table(&value),
        (false, true) => table(&redact.model(value)),
    };
    emit(text.as_bytes())
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

fn decision_table(response: &DecisionResponse, redact: Redact) -> String {
    let Some(d) = response.clone().into_decision() else {
        return "no decision yet\n".into();
    };
    let field = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut rows = vec![
        vec!["status".into(), field(&d.status)],
        vec!["code".into(), d.code.map(codes::describe_decision).unwrap_or_default()],
        // Under redaction the free text is gone; the code's row below says it.
        vec![
            "reason".into(),
            if redact.on {
                String::new()
            } else {
                plain_value(&d.reason)
            },
        ],
        vec![
            "reason code".into(),
            codes::describe_reason(d.reason_code.as_ref(), None),
        ],
        vec!["decided".into(), field(&d.decision_time)],
        vec!["accepted".into(), field(&d.acceptance_time)],
        vec!["session".into(), field(&d.id)],
        vec!["attempt".into(), field(&d.attempt_id)],
    ];
    if let Some(p) = &d.person {
        let name = [&p.first_name, &p.last_name]
            .iter()
            .filter_map(|n| n.as_deref())
            .collect::<Vec<_>>()
            .join(" ");
        rows.push(vec!["person".into(), name]);
        rows.push(vec!["born".into(), field(&p.date_of_birth)]);
        rows.push(vec!["nationality".into(), field(&p.nationality)]);
        rows.push(vec!["id number".into(), field(&p.id_number)]);
    }
    if let Some(doc) = &d.document {
        let expired = match doc.expired_at(d.decision_time.as_deref()) {
            Some(true) => " (expired at decision)",
            _ => "",
        };
        rows.push(vec![
            "document".into(),
            [field(&doc.kind), field(&doc.country), field(&doc.number)]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" "),
        ]);
        rows.push(vec![
            "valid until".into(),
            format!("{}{expired}", field(&doc.valid_until)),
        ]);
        rows.push(vec!["nfc validated".into(), field(&doc.nfc_validated)]);
    }
    for label in &d.risk_labels {
        let linked = match label.session_ids.len() {
            0 => String::new(),
            1 => format!(": {}", label.session_ids[0]),
            _ => format!(": {}", label.session_ids.join(", ")),
        };
        rows.push(vec![
            "risk label".into(),
            format!("{} [{}]{linked}", label.humanised(), field(&label.category)),
        ]);
    }
    if let Some(id) = d
        .biometric_authentication
        .as_ref()
        .and_then(|b| b.matched_session_id.clone())
    {
        rows.push(vec!["face matches".into(), id]);
    }
    rows.push(vec!["vendor data".into(), field(&d.vendor_data)]);
    rows.push(vec!["end user".into(), field(&d.end_user_id)]);
    rows.push(vec!["ip".into(), field(&d.ip)]);
    table(&["FIELD", "VALUE"], rows)
}

fn person_table(response: &PersonResponse) -> String {
    let Some(p) = response.person.as_ref().filter(|p| !p.is_empty()) else {
        return "no person data\n".into();
    };
    let field = |v: &Option<String>| v.clone().unwrap_or_default();
    let name = [&p.first_name, &p.last_name]
        .iter()
        .filter_map(|n| n.as_deref())
        .collect::<Vec<_>>()
        .join(" ");
    let mut rows = vec![
        vec!["name".into(), name],
        vec!["born".into(), field(&p.date_of_birth)],
        vec!["gender".into(), field(&p.gender)],
        vec!["nationality".into(), field(&p.nationality)],
        vec!["citizenships".into(), p.citizenships.join(", ")],
        vec!["id code".into(), field(&p.id_code)],
        vec!["place of birth".into(), field(&p.place_of_birth)],
        vec!["person id".into(), field(&p.id)],
    ];
    if p.pep_sanction_matches.is_empty() {
        rows.push(vec!["pep/sanctions".into(), "no matches".into()]);
    }
    for provider in &p.pep_sanction_matches {
        let count = provider.number_of_matches.unwrap_or(provider.hits.len() as u64);
        rows.push(vec![
            "pep/sanctions".into(),
            format!("{}: {count} matches", field(&provider.provider)),
        ]);
        for hit in &provider.hits {
            let score = hit.score.map(|s| format!(", score {s}")).unwrap_or_default();
            rows.push(vec![
                "  hit".into(),
                format!(
                    "{} ({}{score}) {}",
                    hit.name().unwrap_or_default(),
                    hit.match_types.join(", "),
                    field(&hit.match_status)
                ),
            ]);
        }
    }
    table(&["FIELD", "VALUE"], rows)
}

fn watchlist_table(response: &WatchlistResponse) -> String {
    let Some(w) = response.data.as_ref().filter(|w| !w.is_empty()) else {
        return "no watchlist screening\n".into();
    };
    let field = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut rows = vec![
        vec!["match".into(), field(&w.match_status).replace('_', " ")],
        vec!["hits".into(), w.hit_count().to_string()],
        vec!["check".into(), field(&w.check_type).replace('_', " ")],
        vec!["screened".into(), field(&w.created_at)],
        vec!["session".into(), field(&w.session_id)],
        vec!["attempt".into(), field(&w.attempt_id)],
        vec!["vendor data".into(), field(&w.vendor_data)],
    ];
    for hit in &w.hits {
        let born = hit
            .date_of_birth
            .as_deref()
            .map(|d| format!(", born {d}"))
            .unwrap_or_default();
        let id = hit.id.as_ref().map(|id| format!(" [{id}]")).unwrap_or_default();
        let reviewed = match hit.review() {
            review if review.is_empty() => review,
            review => format!(", {}", review.replace(" · ", ", ")),
        };
        rows.push(vec![
            "hit".into(),
            format!(
                "{} on {} ({}{born}{reviewed}){id}",
                field(&hit.matched_name),
                hit.list_types().join(", "),
                hit.countries.join(", ")
            ),
        ]);
        rows.push(vec!["".into(), hit.summary()]);
    }
    table(&["FIELD", "VALUE"], rows)
}

async fn download(
    client: &Client,
    media: &MediaId,
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
            say(&format!(
                "\r\x1b[2K{}",
                crate::text::progress(p.received, p.total, elapsed)
            ));
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
                    parts: vec![media.to_string()],
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
            if show_progress { say("\n") }
            return Err(format!("{why}; nothing was saved"));
        }
    };
    if show_progress {
        say("\r\x1b[2K");
    }
    match outcome {
        Ok(Some(path)) => emit(format!("{}\n", path.display()).as_bytes()),
        Ok(None) => Ok(()),
        Err(ApiError::Exists(path)) => Err(format!(
            "{} already exists; pass --force to overwrite it",
            path.display()
        )),
        Err(e) => Err(describe_error(&e)),
    }
}
