//! `veriff-tui inbox`: receive webhooks, list sessions by query, import an archive,
//! purge old data. The store itself is [`crate::inbox`].

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::{Args, Subcommand};
use serde_json::Value;

use super::GlobalArgs;
use crate::config::{Config, process_env};
use crate::inbox::receiver::{self, Integration};
use crate::inbox::{self as store, Incoming, Indexer, MarkEntry, Page, Purpose, Query, SessionRow, Store};
use crate::redact::Redact;
use crate::text::clean_short;
use crate::time::{format_time_ms, now_ms};

#[derive(Debug, Clone, Args)]
pub struct InboxArgs {
    // `--inbox-url` is one of the options every command takes (`GlobalArgs`):
    // typed before `inbox`, between it and the action, or after the action.
    /// Without one: the browser, on the inbox's views.
    #[command(subcommand)]
    pub action: Option<InboxAction>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum InboxAction {
    /// Receive Veriff's webhooks (POST /decision, /event, /watchlist, /status, or /
    /// for any) signed with the profile's own API key and secret, into its inbox:
    /// one receiver per profile (`--profile NAME`).
    Receive {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8791")]
        listen: SocketAddr,
        /// Allow listening on an address that is not loopback (with --tls-cert, or
        /// behind a TLS proxy: webhooks carry personal data); and --metrics there.
        #[arg(long)]
        public: bool,
        /// Serve HTTPS with this certificate chain (PEM, leaf first); SIGHUP reads
        /// it and the key again (a renewed certificate needs no restart).
        #[arg(long, value_name = "PEM", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The certificate's private key (PEM).
        #[arg(long, value_name = "PEM", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Take webhooks only from these senders: `veriff` (the addresses Veriff
        /// publishes for its webhooks), an address, or a CIDR; repeatable. Others
        /// are answered 403 [default: any sender].
        #[arg(long, value_name = "SOURCE")]
        allow_from: Vec<crate::inbox::senders::Ranges>,
        /// A reverse proxy (address or CIDR; repeatable): from it, the sender is
        /// the rightmost X-Forwarded-For hop that is not a trusted proxy.
        #[arg(long, value_name = "CIDR")]
        trusted_proxy: Vec<crate::inbox::senders::Ranges>,
        /// Serve Prometheus metrics on http://ADDR/metrics (loopback unless --public).
        #[arg(long, value_name = "ADDR")]
        metrics: Option<SocketAddr>,
        /// The log's lines: text, or one JSON object a line for a log shipper.
        /// The log is --log-file (`-`: standard error), else the profile's own
        /// receiver.log beside its inbox; SIGHUP reopens it.
        #[arg(long, value_enum, default_value_t)]
        log_format: crate::logging::Format,
    },
    /// List the sessions a query finds, newest activity first (`sort:` for another order).
    ///
    /// QUERY is words plus field:value terms (listed below).
    #[command(after_help = crate::inbox::terms_help())]
    List {
        #[arg(value_name = "QUERY")]
        query: Vec<String>,
        /// Run a saved view's query (see `inbox views`) before QUERY's terms.
        #[arg(long, value_name = "NAME")]
        view: Option<String>,
        /// At most this many sessions (0: all, read page by page).
        #[arg(long, default_value_t = 100, value_name = "N")]
        limit: u64,
        /// One JSON object per session per line, with its index fields.
        #[arg(long)]
        json: bool,
    },
    /// The saved views and how many sessions each finds.
    Views,
    /// A session's mark history: every claim, tag and note, who and when,
    /// newest first (`--redact` masks notes).
    Log {
        /// A session id, or text containing one.
        #[arg(value_name = "SESSION")]
        session: String,
        /// At most this many changes (0: all).
        #[arg(long, default_value_t = 50, value_name = "N")]
        limit: u32,
        /// A JSON array: `at`, `who`, `what`, `value`, `valueRemoved`.
        #[arg(long)]
        json: bool,
    },
    /// Store webhook bodies from a file (`-`: standard input), one JSON object per
    /// line (NDJSON), as an integrator's archive keeps them.
    Import {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Ask the API for the decision of sessions known without one (or in review),
    /// paced like an export.
    Sync {
        /// At most this many sessions.
        #[arg(long, default_value_t = 1000, value_name = "N")]
        limit: u32,
        /// Requests in flight at most (halved while the API answers 429).
        #[arg(long, default_value_t = crate::export::DEFAULT_JOBS, value_name = "N",
              value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=64))]
        jobs: usize,
        /// Start at most this many requests per second.
        #[arg(long, value_name = "R")]
        max_rps: Option<f64>,
    },
    /// Remove the sessions with no activity (webhook, claim, tag or note) for DAYS
    /// days, as an erasure removes them, then every older webhook.
    Purge {
        #[arg(long, value_name = "DAYS")]
        older_than: u32,
        /// Say what would be removed, and remove nothing.
        #[arg(long)]
        dry_run: bool,
        /// Needed when the purge would remove every session.
        #[arg(long)]
        all: bool,
    },
    /// Copy a SQLite inbox into FILE (mode 0600) while receivers go on writing.
    Backup {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Put a SQLite backup (FILE) in place of the inbox, stopping its receivers
    /// first; or, for PostgreSQL, after `pg_restore`, finish the restore. Either
    /// way every session erased since the backup is erased again: those the
    /// audit log says were deleted at Veriff, and those in the erased list of the
    /// inbox replaced (the SQLite file, or `--erased-from URL`).
    Restore {
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
        /// The store the restored one replaces, to carry its erased list over.
        #[arg(long, value_name = "URL")]
        erased_from: Option<String>,
    },
    /// Bring a shared store to this version's schema (PostgreSQL is migrated only
    /// by this; one person's SQLite file is migrated on first use).
    Migrate,
    /// The team's audit on a shared PostgreSQL store: every member's writes to
    /// Veriff, purges, imports and exports, under their database login.
    Audit {
        /// Only lines newer than this (`24h`, `7d`).
        #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
        since: Option<Duration>,
        /// Only lines of this session (its id: lines name it by its keyed hash).
        #[arg(long, value_name = "SESSION")]
        session: Option<String>,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// The store's schema version, counts, the newest webhook's age and where the
    /// webhooks came from.
    Status {
        /// As one JSON object.
        #[arg(long)]
        json: bool,
    },
}

/// How many webhooks an import commits at once.
const IMPORT_BATCH: usize = 1000;
/// And how many bytes of them at most: a thousand bodies of 1 MiB would be a GiB.
const IMPORT_BATCH_BYTES: usize = 32 << 20;

/// An import checkpoints SQLite's WAL into the database, and truncates it,
/// after this many batches and at its end: the WAL holds at most about
/// 10,000 webhooks' pages (tens of MB) beside the database, and is empty
/// when the import returns.
const CHECKPOINT_EVERY: u64 = 10;
/// A page read by `inbox list --limit 0`.
const LIST_PAGE: u32 = 500;

pub async fn run(args: InboxArgs, global: &GlobalArgs) -> Result<(), String> {
    let env = process_env;
    if let Some(InboxAction::Receive { .. }) = &args.action {
        return receive(args, global).await;
    }
    let log_path = global.log_file.clone().unwrap_or_else(|| crate::config::log_path(&env));
    let _log = crate::logging::init(log_path)
        .inspect_err(|e| eprintln!("warning: {e}; running without a log"))
        .ok();
    let config = Config::load(global.overrides(), &env)?;
    let profile_name = config.selected_profile().map(str::to_owned);
    let profile = profile_name
        .as_ref()
        .and_then(|p| config.file.profiles.get(p))
        .cloned()
        .unwrap_or_default();
    let url = inbox_url(global.inbox_url.clone(), &config, global.demo)?;
    let redact = profile.redaction(global.redact).map_err(|e| match &profile_name {
        Some(name) => format!("{}, profile {name}: {e}", config.path.display()),
        None => e,
    })?;
    let Some(action) = args.action else {
        return Err("the inbox's browser is started by main (a bug: it came here)".to_owned());
    };
    match action {
        InboxAction::Receive { .. } => unreachable!("handled above"),
        InboxAction::List {
            query,
            view,
            limit,
            json,
        } => {
            let mut text = match view {
                Some(name) => views(&config)
                    .into_iter()
                    .find(|v| v.name == name)
                    .map(|v| v.query)
                    .ok_or_else(|| format!("no view {name:?}: `veriff-tui inbox views` lists them"))?,
                None => String::new(),
            };
            text.push(' ');
            text.push_str(&query.join(" "));
            let mut query = match Query::parse(&text) {
                Ok(query) => query,
                Err(e) => {
                    // A usage error, as clap's own: exit status 2.
                    let _ = writeln!(std::io::stderr(), "error: {e}");
                    std::process::exit(2);
                }
            };
            let store = open(&url, &config, Purpose::Reading).await?;
            query.me = Some(store.who(&crate::audit::user_at_host()));
            list(&store, &query, limit, json, redact).await
        }
        InboxAction::Views => {
            let store = open(&url, &config, Purpose::Reading).await?;
            let mut out = std::io::stdout().lock();
            for view in views(&config) {
                let mut query = Query::parse(&view.query).map_err(|e| format!("view {:?}: {e}", view.name))?;
                query.me = Some(store.who(&crate::audit::user_at_host()));
                let count = store.count(&query, None).await?;
                let _ = writeln!(out, "{count:>8}  {:<32} {}", view.name, view.query);
            }
            Ok(())
        }
        InboxAction::Log { session, limit, json } => {
            let session = crate::ids::find_id(&session).map_err(|e| e.to_string())?;
            let store = open(&url, &config, Purpose::Reading).await?;
            mark_log(&store, &session, limit, json, redact).await
        }
        InboxAction::Import { file } => {
            let store = open(&url, &config, Purpose::Work).await?;
            let imported = import(&store, &file).await;
            let (outcome, counts) = match &imported {
                Ok((tally, skipped)) => (
                    "done",
                    vec![
                        ("stored", tally.stored),
                        ("duplicates", tally.duplicates),
                        ("erased_dropped", tally.erased),
                        ("lines_skipped", skipped.count),
                    ],
                ),
                Err(_) => ("failed", Vec::new()),
            };
            super::audit::record_run("inbox_import", profile_name.clone(), None, outcome, &counts);
            match imported? {
                (_, skipped) if skipped.count > 0 => Err(skipped.summary()),
                _ => Ok(()),
            }
        }
        InboxAction::Sync { limit, jobs, max_rps } => {
            let resolved = super::resolve(global).await?;
            let client = crate::api::Client::new(resolved.settings.client).map_err(|e| e.to_string())?;
            let store = open(&url, &config, Purpose::Work).await?;
            let counts = store::sync::sync(&store, &client, limit, jobs, max_rps).await?;
            println!(
                "asked about {} sessions: {} decisions stored, {} unchanged, {} failed (see the log)",
                counts.asked, counts.stored, counts.unchanged, counts.failed
            );
            if counts.failed > 0 {
                return Err(format!("{} sessions could not be synced", counts.failed));
            }
            Ok(())
        }
        InboxAction::Purge {
            older_than,
            dry_run,
            all,
        } => {
            let store = open(&url, &config, Purpose::Work).await?;
            let cutoff = now_ms() - i64::from(older_than) * 86_400_000;
            let (plan, total) = store.purge_plan(cutoff).await?;
            let what = format!(
                "{} of {total} sessions with no activity (webhook, claim, tag or note) for {older_than} days",
                plan.sessions
            );
            if dry_run {
                println!("would purge {what}; would remove from the inbox: {plan}");
                return Ok(());
            }
            if total > 0 && plan.sessions == total && !all {
                return Err(format!(
                    "nothing purged: this would remove every session ({what}); add --all if that is meant, \
                     or --dry-run to see what would go"
                ));
            }
            let removed = store.purge(cutoff).await?;
            record_purge(profile_name.clone(), &removed);
            println!(
                "purged {} sessions with no activity (webhook, claim, tag or note) for {older_than} days; \
                 removed from the inbox: {removed}",
                removed.sessions
            );
            Ok(())
        }
        InboxAction::Backup { file } => {
            let store = open(&url, &config, Purpose::Work).await?;
            let bytes = store.backup(&file).await?;
            store.close().await;
            println!("backed up the inbox to {} ({bytes} bytes, mode 0600)", file.display());
            Ok(())
        }
        InboxAction::Restore { file, erased_from } => {
            let deleted = crate::config::writes::audit_log_path(&env)
                .map(|log| deleted_at_veriff(&log))
                .unwrap_or_default();
            let who = crate::audit::user_at_host();
            let (sessions, again) = match file {
                Some(file) => store::restore(&file, &url, &deleted, &who).await?,
                None => {
                    let hashes = match erased_from {
                        Some(old) => {
                            let old = open(&old, &config, Purpose::Work).await?;
                            let hashes = old.erased_hashes().await?;
                            old.close().await;
                            hashes
                        }
                        None => Vec::new(),
                    };
                    let store = open(&url, &config, Purpose::Work).await?;
                    let again = store.erase_again(&hashes, &deleted, &who).await?;
                    let sessions = store.status().await?.sessions;
                    store.close().await;
                    (sessions, again)
                }
            };
            let counts = [("sessions", sessions.max(0) as u64), ("erased_again", again)];
            super::audit::record_run("inbox_restore", profile_name.clone(), None, "done", &counts);
            println!("the restored inbox holds {sessions} sessions; {again} erased since the backup erased again");
            Ok(())
        }
        InboxAction::Audit { since, session, json } => {
            let store = open(&url, &config, Purpose::Reading).await?;
            if !store.is_postgres() {
                return Err(
                    "a team's audit is kept in a shared PostgreSQL inbox; this one is one person's SQLite file: \
                     `veriff-tui audit` shows your own"
                        .to_owned(),
                );
            }
            let since_ms = since.map_or(0, |d| now_ms() - i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
            let wanted = session.map(|s| store.session_hash(&s));
            let lines = store.team_audit(since_ms).await?;
            store.close().await;
            let mut out = std::io::stdout().lock();
            for line in lines.iter().filter(|l| wanted.is_none() || l.session_hash == wanted) {
                let printed = if json {
                    super::output::json_line(&serde_json::to_value(line).map_err(|e| e.to_string())?)?
                } else {
                    format!(
                        "{:<24} {:<20} {:<22} {:<12} {}",
                        format_time_ms(line.at_ms),
                        clean_short(&line.login, 20),
                        clean_short(&line.action, 22),
                        clean_short(&line.outcome, 12),
                        line.session_hash.as_deref().map_or("-", |h| &h[..h.len().min(12)])
                    )
                };
                if writeln!(out, "{printed}").is_err() {
                    return Ok(());
                }
            }
            Ok(())
        }
        InboxAction::Migrate => {
            let (before, after) = Store::migrate(&url, config.insecure_inbox()).await?;
            let shown = store::shown_url(&url);
            match before {
                Some(before) if before >= after => println!("the inbox at {shown} is at schema {after}: nothing to do"),
                Some(before) => println!("the inbox at {shown}: schema {before} → {after}"),
                None => println!("the inbox at {shown}: tables made, schema {after}"),
            }
            Ok(())
        }
        InboxAction::Status { json } => {
            let store = open(&url, &config, Purpose::Reading).await?;
            let status = store.status().await?;
            store.close().await;
            if json {
                println!("{}", super::output::json_line(&status)?);
                return Ok(());
            }
            print!("{}", status_text(&status, &store::shown_url(&url), now_ms()));
            Ok(())
        }
    }
}

/// The sessions the audit log says were deleted at Veriff: a restored backup
/// must not bring them back. A missing log is none.
fn deleted_at_veriff(log: &std::path::Path) -> Vec<String> {
    // Read as `veriff-tui audit` reads it: under the log's lock, a line cut short skipped.
    crate::audit::read(log)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(_, entry)| entry)
        // An unverified deletion may have happened: erased again all the same.
        .filter(|entry| {
            entry["action"] == "delete_session"
                && ["done", "unverified"].contains(&entry["outcome"].as_str().unwrap_or_default())
        })
        .filter_map(|entry| entry["session"].as_str().map(str::to_owned))
        .collect()
}

/// `inbox status` as lines of `label  value`.
fn status_text(status: &store::Status, shown: &str, now: i64) -> String {
    let newest = status.newest_received_ms.map_or("none received".to_owned(), |at| {
        let age = Duration::from_secs(u64::try_from((now - at) / 1000).unwrap_or(0));
        format!("received {} ago", humantime::format_duration(age))
    });
    let sources: Vec<String> = status
        .sources
        .iter()
        .map(|(source, n)| format!("{} {n}", clean_short(source, 40)))
        .collect();
    let schema = status.schema.map_or("none".to_owned(), |v| v.to_string());
    format!(
        "inbox        {shown}\n\
         schema       {schema} (this veriff-tui knows {})\n\
         sessions     {}\n\
         webhooks     {} (newest {newest})\n\
         erased       {}\n\
         sources      {}\n",
        status.known,
        status.sessions,
        status.webhooks,
        status.erased,
        if sources.is_empty() {
            "none".to_owned()
        } else {
            sources.join(" · ")
        }
    )
}

/// The default views, then the config file's.
fn views(config: &Config) -> Vec<store::View> {
    let mut views = store::default_views();
    views.extend(config.file.inbox.views.iter().cloned());
    views
}

/// The demo server's: it signs the demo's webhooks.
fn demo_integration() -> Integration {
    Integration {
        name: "demo".to_owned(),
        api_key: crate::server::DEMO_API_KEY.to_owned(),
        secret: crate::api::Secret::new(crate::server::DEMO_SHARED_SECRET),
    }
}

/// The one integration a receiver accepts: the selected profile's own API key
/// and secret, so its webhooks land in that profile's inbox and no other's (one
/// receiver per profile). Credentials from flags or the environment count only
/// where no profile is configured (`environment`): they never stand in for a
/// profile's, whose receiver would then store another integration's webhooks.
/// Returned with how to name it to the person starting the receiver.
/// `inbox receive`: the receiver, run until SIGTERM or SIGINT (then it drains
/// and exits 0); SIGHUP reopens its log and reloads its certificate.
async fn receive(args: InboxArgs, global: &GlobalArgs) -> Result<(), String> {
    let Some(InboxAction::Receive {
        listen,
        public,
        tls_cert,
        tls_key,
        allow_from,
        trusted_proxy,
        metrics,
        log_format,
    }) = args.action
    else {
        unreachable!("called for receive only")
    };
    let env = process_env;
    let config = Config::load(global.overrides(), &env)?;
    // Its own log, not the one the analysts' commands share: refusals, one line
    // per webhook, failed batches; never a body, a name or a key.
    let target = match &global.log_file {
        Some(path) => crate::logging::Target::from_arg(path.clone()),
        None => crate::logging::Target::File(crate::config::receiver_log_path(&env, config.selected_profile())),
    };
    let log = crate::logging::init_with(target, log_format)
        .inspect_err(|e| eprintln!("warning: {e}; running without a log"))
        .ok();
    for (addr, what) in [(Some(listen), "listen"), (metrics, "metrics")] {
        if let Some(addr) = addr
            && !receiver::is_loopback(&addr)
            && !public
        {
            return Err(format!(
                "{addr} (--{what}) is not a loopback address: add --public to listen there, with --tls-cert \
                 or behind a TLS proxy (webhooks carry personal data)"
            ));
        }
    }
    let credentials = Credentials::from_env();
    let (integration, whose) = integration(&config, global, &credentials)?;
    let url = match (global.inbox_url.clone(), credentials.read("inbox-url")?) {
        (Some(url), _) => url,
        (None, Some(url)) => url,
        (None, None) => inbox_url(None, &config, global.demo)?,
    };
    let tls = match (&tls_cert, &tls_key) {
        (Some(cert), Some(key)) => Some(crate::inbox::tls::Certificates::load(cert, key)?),
        _ => None,
    };
    let store = open(&url, &config, Purpose::Intake).await?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let metrics_listener = match metrics {
        Some(at) => Some(
            tokio::net::TcpListener::bind(at)
                .await
                .map_err(|e| format!("cannot listen on {at} for metrics: {e}"))?,
        ),
        None => None,
    };
    if public && tls.is_none() {
        eprintln!("listening beyond this machine: serve it only behind TLS (--tls-cert, or a reverse proxy)");
    }
    // Which integration, said before any webhook: never the secret.
    let key: String = integration.api_key.chars().take(8).collect();
    eprintln!(
        "inbox: accepts only webhooks of {whose}, API key {key}..., into {}, from {}",
        if store.is_postgres() { "PostgreSQL" } else { "SQLite" },
        if allow_from.is_empty() {
            "any sender"
        } else {
            "--allow-from's senders"
        }
    );
    let options = receiver::Options {
        senders: crate::inbox::senders::Senders::new(allow_from, trusted_proxy),
        tls: tls.clone(),
        metrics: Default::default(),
    };
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    // Tests and scripts read the addresses (port 0 picks a free one).
    let mut out = std::io::stdout();
    let scheme = if tls.is_some() { "https" } else { "http" };
    let _ = writeln!(out, "listening on {scheme}://{addr}");
    let metrics_served = match metrics_listener {
        Some(listener) => {
            let at = listener.local_addr().map_err(|e| e.to_string())?;
            let _ = writeln!(out, "metrics on http://{at}/metrics");
            let served = receiver::serve_metrics(listener, options.metrics.clone(), stop.clone());
            Some(tokio::spawn(served))
        }
        None => None,
    };
    let _ = out.flush();
    let reopener = log.as_ref().map(crate::logging::Log::reopener).unwrap_or_default();
    let signals = tokio::spawn(signals(stop_tx, reopener, tls, options.metrics.clone()));
    let served = receiver::serve_with(listener, store.clone(), vec![integration], options, stop).await;
    signals.abort();
    if let Some(metrics) = metrics_served {
        metrics.abort();
    }
    let drained = served.map_err(|e| format!("the receiver stopped: {e}"))?;
    if !drained {
        tracing::warn!(
            "inbox: stopped with requests still in flight after 8 s (not answered 2xx: Veriff sends them again)"
        );
    }
    let _ = tokio::time::timeout(Duration::from_secs(1), store.close()).await;
    tracing::info!("inbox: stopped");
    drop(log);
    Ok(())
}

/// SIGTERM or SIGINT: stop (drain, then exit). SIGHUP: reopen the log (after
/// logrotate) and reload the certificate, keeping the old one if the new is unusable.
async fn signals(
    stop: tokio::sync::watch::Sender<bool>,
    log: crate::logging::Reopener,
    tls: Option<std::sync::Arc<crate::inbox::tls::Certificates>>,
    metrics: std::sync::Arc<crate::inbox::metrics::Metrics>,
) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int), Ok(mut hup)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
        signal(SignalKind::hangup()),
    ) else {
        eprintln!("warning: cannot watch for signals: SIGTERM ends the receiver without draining");
        return;
    };
    loop {
        tokio::select! {
            _ = term.recv() => break,
            _ = int.recv() => break,
            _ = hup.recv() => {
                if let Err(e) = log.reopen() {
                    eprintln!("warning: {e}; the log goes on in the file it had");
                }
                tracing::info!("inbox: SIGHUP: log reopened");
                if let Some(tls) = &tls {
                    let reloaded = tls.reload();
                    match &reloaded {
                        Ok(()) => tracing::info!("inbox: SIGHUP: certificate and key reloaded"),
                        Err(e) => tracing::error!(error = %e, "inbox: SIGHUP: certificate not reloaded; the previous one stays"),
                    }
                    metrics.tls_reload(reloaded.is_ok());
                }
            }
        }
    }
    tracing::info!("inbox: stopping: no new connections; answering what is in flight");
    let _ = stop.send(true);
    // Held until the receiver has drained (this task is then aborted).
    std::future::pending::<()>().await;
}

/// systemd's credentials (`LoadCredential=`): files in `$CREDENTIALS_DIRECTORY`,
/// readable only by the service, never in its environment or command line.
struct Credentials {
    dir: Option<PathBuf>,
}

impl Credentials {
    fn from_env() -> Credentials {
        Credentials {
            dir: std::env::var_os("CREDENTIALS_DIRECTORY").map(PathBuf::from),
        }
    }

    /// The credential `name`'s path, where it was given.
    fn path(&self, name: &str) -> Option<PathBuf> {
        self.dir.as_ref().map(|dir| dir.join(name)).filter(|p| p.is_file())
    }

    /// The credential `name`, trimmed, where it was given.
    fn read(&self, name: &str) -> Result<Option<String>, String> {
        let Some(path) = self.path(name) else {
            return Ok(None);
        };
        std::fs::read_to_string(&path)
            .map(|text| Some(text.trim().to_owned()))
            .map_err(|e| format!("cannot read the credential {}: {e}", path.display()))
    }
}

fn integration(
    config: &Config,
    global: &GlobalArgs,
    credentials: &Credentials,
) -> Result<(Integration, String), String> {
    if global.demo {
        return Ok((demo_integration(), "the demo server".to_owned()));
    }
    let env = process_env;
    if config.file.profiles.is_empty() {
        let settings = config.settings(None, &env)?;
        let integration = Integration {
            name: "environment".to_owned(),
            api_key: settings.client.api_key,
            secret: settings.client.secret,
        };
        return Ok((
            integration,
            "the environment's credentials (no profile is configured)".to_owned(),
        ));
    }
    let Some(name) = config.selected_profile().map(str::to_owned) else {
        let names: Vec<&str> = config.file.profiles.keys().map(String::as_str).collect();
        return Err(format!(
            "one receiver per profile: name it with --profile NAME or default_profile (profiles: {})",
            names.join(", ")
        ));
    };
    let ignored = [
        (global.api_key.is_some(), "VERIFF_API_KEY (or --api-key)"),
        (global.api_key_file.is_some(), "--api-key-file"),
        (global.shared_secret_file.is_some(), "--shared-secret-file"),
        (env("VERIFF_SHARED_SECRET").is_some(), "VERIFF_SHARED_SECRET"),
    ];
    for (_, what) in ignored.iter().filter(|(set, _)| *set) {
        eprintln!("inbox: {what} ignored: the receiver checks webhooks with profile {name}'s own API key and secret");
    }
    let own_env = |var: &str| (var != "VERIFF_SHARED_SECRET").then(|| process_env(var)).flatten();
    // Under systemd the profile's key and secret may come as credentials.
    let own = Config::load(
        crate::config::Overrides {
            api_key: None,
            api_key_file: credentials.path("api-key"),
            shared_secret_file: credentials.path("shared-secret"),
            ..global.overrides()
        },
        &own_env,
    )?;
    let settings = own.settings(Some(&name), &own_env).map_err(|e| {
        format!("profile {name} has no API key and shared secret of its own to check webhooks with: {e}")
    })?;
    let whose = format!("profile {name}");
    let integration = Integration {
        name,
        api_key: settings.client.api_key,
        secret: settings.client.secret,
    };
    Ok((integration, whose))
}

async fn list(store: &Store, query: &Query, limit: u64, json: bool, redact: Redact) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    let mut page = Page {
        after: None,
        limit: LIST_PAGE,
    };
    let mut printed = 0u64;
    if !json {
        let _ = writeln!(
            out,
            "{:<24} {:<22} {:<5} {:<6} {:<24} {:<20} SESSION",
            "TIME", "STATUS", "CODE", "REASON", "NAME", "VENDOR"
        );
    }
    loop {
        if limit > 0 {
            page.limit = LIST_PAGE.min(u32::try_from(limit - printed).unwrap_or(LIST_PAGE));
        }
        let rows = store.list(query, page).await?;
        let Some(last) = rows.last() else { break };
        page.after = Some((last.updated_ms, last.n));
        for row in &rows {
            let line = list_line(row, redact, json)?;
            if writeln!(out, "{line}").is_err() {
                return Ok(()); // the reader went away (`| head`)
            }
            printed += 1;
        }
        if (limit > 0 && printed >= limit) || rows.len() < page.limit as usize {
            break;
        }
    }
    Ok(())
}

/// What `inbox list` prints for `row`: a line of the table, or of JSON (escaped
/// as every `--json` is, so no string can drive a terminal).
pub fn list_line(row: &SessionRow, redact: Redact, json: bool) -> Result<String, String> {
    if json {
        super::output::json_line(&row.masked_json(redact))
    } else if row.imported {
        // Its status is an archive's word: no signature of Veriff's was checked.
        Ok(format!("{}  {}", table_line(row, redact), store::IMPORTED))
    } else {
        Ok(table_line(row, redact))
    }
}

/// Every column from the masked row, as the browser's rows are made.
fn table_line(row: &SessionRow, redact: Redact) -> String {
    let masked = row.masked_json(redact);
    let column = |key: &str, max: usize| match &masked[key] {
        Value::String(s) => clean_short(s, max),
        Value::Number(n) => n.to_string(),
        _ => "-".to_owned(),
    };
    format!(
        "{:<24} {:<22} {:<5} {:<6} {:<24} {:<20} {}",
        format_time_ms(row.updated_ms),
        column("status", 22),
        column("code", 5),
        column("reasonCode", 6),
        column("personName", 24),
        column("vendorData", 20),
        column("id", 40)
    )
}

/// What an import did with the webhooks it read.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    stored: u64,
    duplicates: u64,
    /// Of sessions erased here: dropped, as the receiver drops them.
    erased: u64,
}

impl Tally {
    fn add(&mut self, outcomes: Vec<store::Outcome>) {
        for outcome in outcomes {
            match outcome {
                store::Outcome::Stored => self.stored += 1,
                store::Outcome::Duplicate => self.duplicates += 1,
                store::Outcome::Erased => self.erased += 1,
            }
        }
    }
}

/// `inbox log`: a session's mark changes, newest first, masked as `redact` says.
async fn mark_log(store: &Store, session: &str, limit: u32, json: bool, redact: Redact) -> Result<(), String> {
    let limit = if limit == 0 { u32::MAX } else { limit };
    let log: Vec<MarkEntry> = store
        .mark_log(session, limit)
        .await?
        .into_iter()
        .map(|change| change.masked(redact))
        .collect();
    if json {
        let changes: Vec<Value> = log
            .iter()
            .map(|change| {
                serde_json::json!({
                    "at": format_time_ms(change.at_ms),
                    "who": change.who,
                    "what": change.what,
                    "value": change.value,
                    "valueRemoved": change.value_removed(),
                })
            })
            .collect();
        return super::output::emit((super::output::json_text(&changes)? + "\n").as_bytes());
    }
    if log.is_empty() {
        eprintln!("no change of marks is logged for session {session}");
        return Ok(());
    }
    let mut text = format!("{:<24} {:<24} CHANGE\n", "TIME", "WHO");
    for change in &log {
        text.push_str(&format!(
            "{:<24} {:<24} {}\n",
            format_time_ms(change.at_ms),
            clean_short(&change.who, 24),
            clean_short(&change.said(), 240)
        ));
    }
    super::output::emit(text.as_bytes())
}

/// Why a line of an archive was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BadLine {
    NotUtf8,
    NotJson,
    TooLong,
}

impl BadLine {
    fn says(self) -> &'static str {
        match self {
            BadLine::NotUtf8 => "not UTF-8",
            BadLine::NotJson => "not JSON",
            BadLine::TooLong => "over 1 MiB",
        }
    }
}

/// The lines an import skipped: how many, the first few line numbers, and why.
#[derive(Debug, Default)]
struct Skipped {
    count: u64,
    first: Vec<u64>,
    why: Vec<BadLine>,
}

/// Line numbers named in the summary.
const SKIPPED_NAMED: usize = 3;

impl Skipped {
    fn add(&mut self, line: u64, why: BadLine) {
        self.count += 1;
        if self.first.len() < SKIPPED_NAMED {
            self.first.push(line);
        }
        if !self.why.contains(&why) {
            self.why.push(why);
        }
        if self.count <= 5 {
            eprintln!("line {line}: {}, skipped", why.says());
        }
    }

    /// `3 lines skipped (first: 17, 230, 4102): not UTF-8 / not JSON / over 1 MiB`
    fn summary(&self) -> String {
        let first: Vec<String> = self.first.iter().map(u64::to_string).collect();
        let why: Vec<&str> = self.why.iter().map(|w| w.says()).collect();
        format!(
            "{} skipped (first: {}): {}",
            crate::text::counted(self.count as usize, "line"),
            first.join(", "),
            why.join(" / ")
        )
    }
}

/// The next line of `reader` into `line` (without its end), keeping at most
/// `cap` bytes of it: `None` at the end, else whether it was longer (then
/// `line` is empty; the rest was read past, never held).
async fn next_line(
    reader: &mut (impl tokio::io::AsyncBufRead + Unpin),
    line: &mut Vec<u8>,
    cap: usize,
) -> std::io::Result<Option<bool>> {
    use tokio::io::AsyncBufReadExt;
    line.clear();
    let (mut any, mut over) = (false, false);
    loop {
        let buf = reader.fill_buf().await?;
        if buf.is_empty() {
            return Ok(any.then_some(over));
        }
        any = true;
        let end = buf.iter().position(|&b| b == b'\n');
        let part = &buf[..end.unwrap_or(buf.len())];
        if !over && line.len() + part.len() > cap {
            over = true;
            *line = Vec::new();
        }
        if !over {
            line.extend_from_slice(part);
        }
        let used = end.map_or(buf.len(), |end| end + 1);
        reader.consume(used);
        if end.is_some() {
            return Ok(Some(over));
        }
    }
}

/// One line of an archive as a webhook, or why it is not one.
fn archived(line: &[u8]) -> Result<Option<Incoming>, BadLine> {
    let text = std::str::from_utf8(line).map_err(|_| BadLine::NotUtf8)?.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let value = serde_json::from_str::<Value>(text).map_err(|_| BadLine::NotJson)?;
    Ok(Some(Incoming::imported(&value, text.as_bytes().to_vec())))
}

/// Streams NDJSON into the store in batches; progress on stderr. A line that
/// is not UTF-8, not JSON or over 1 MiB (as the receiver refuses) is skipped
/// and counted, every other one stored; what was done and what was skipped (a
/// skipped line fails the run, named by its number, once the run is recorded).
async fn import(store: &Store, file: &PathBuf) -> Result<(Tally, Skipped), String> {
    let reader: Box<dyn tokio::io::AsyncRead + Unpin + Send> = if file.as_os_str() == "-" {
        Box::new(tokio::io::stdin())
    } else {
        Box::new(
            tokio::fs::File::open(file)
                .await
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?,
        )
    };
    let mut reader = tokio::io::BufReader::with_capacity(1 << 16, reader);
    let terminal = std::io::stderr().is_terminal();
    let mut line_no = 0u64;
    let mut tally = Tally::default();
    let mut skipped = Skipped::default();
    let mut line = Vec::new();
    let mut batch = Vec::with_capacity(IMPORT_BATCH);
    let mut batch_bytes = 0;
    let mut batches = 0u64;
    let mut committing: Option<tokio::task::JoinHandle<Result<Vec<store::Outcome>, String>>> = None;
    let started = Instant::now();
    let mut last_report = Instant::now();
    loop {
        let read = next_line(&mut reader, &mut line, receiver::MAX_BODY)
            .await
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let done = read.is_none();
        if let Some(over) = read {
            line_no += 1;
            match if over { Err(BadLine::TooLong) } else { archived(&line) } {
                Ok(Some(incoming)) => {
                    batch_bytes += incoming.body.len();
                    batch.push(incoming);
                }
                Ok(None) => {}
                Err(why) => skipped.add(line_no, why),
            }
        }
        if batch.len() >= IMPORT_BATCH || batch_bytes >= IMPORT_BATCH_BYTES || (done && !batch.is_empty()) {
            batch_bytes = 0;
            batches += 1;
            // One batch written at a time (two transactions at once made
            // SQLite answer busy past the retries); the next is read and
            // parsed meanwhile.
            if let Some(previous) = committing.take() {
                tally.add(previous.await.map_err(|e| e.to_string())??);
            }
            // Left alone, the WAL grew to 1.5 GB in an import of 200,000
            // webhooks and every later command paid for reading it.
            if batches.is_multiple_of(CHECKPOINT_EVERY) {
                store.checkpoint(true).await?;
            }
            committing = Some(tokio::spawn({
                let (store, batch) = (store.clone(), std::mem::take(&mut batch));
                async move { store.ingest(&batch).await }
            }));
        }
        if done && let Some(last) = committing.take() {
            tally.add(last.await.map_err(|e| e.to_string())??);
            store.settle().await?;
        }
        if done || last_report.elapsed() >= Duration::from_secs(1) {
            last_report = Instant::now();
            let Tally {
                stored,
                duplicates,
                erased,
            } = tally;
            let rate = (stored + duplicates + erased) as f64 / started.elapsed().as_secs_f64().max(0.001);
            let dropped = match erased {
                0 => String::new(),
                n => format!(", {n} of erased sessions dropped"),
            };
            let progress = format!(
                "imported {stored}, {duplicates} already stored, {} skipped{dropped} ({rate:.0}/s)",
                skipped.count
            );
            if terminal && !done {
                eprint!("\r{progress}");
            } else {
                eprintln!("{}{progress}", if terminal { "\r" } else { "" });
            }
        }
        if done {
            return Ok((tally, skipped));
        }
    }
}

/// The inbox the browser shows, opened before the screen changes.
pub struct BrowserInbox {
    pub store: Store,
    pub views: Vec<store::View>,
    /// Opened as `veriff-tui inbox`: the first view, not the sessions opened here.
    pub on_a_view: bool,
    /// `--demo`'s: its folder and receiver, kept until the browser ends.
    _demo: Option<(tempfile::TempDir, tokio::task::AbortHandle)>,
}

impl Drop for BrowserInbox {
    fn drop(&mut self) {
        if let Some((_, receiver)) = &self._demo {
            receiver.abort();
        }
    }
}

/// The browser's inbox: `veriff-tui inbox` (`asked`) opens the profile's (made
/// if new); a plain run shows one only where it is configured or already exists,
/// so nothing appears on disk unasked. `--demo`'s is a fresh one with a receiver
/// the demo server posts to: the returned webhooks say where.
pub async fn for_browser(
    global: &GlobalArgs,
    asked: Option<InboxArgs>,
) -> Result<(Option<BrowserInbox>, Option<crate::server::Webhooks>), String> {
    let on_a_view = asked.is_some();
    if global.demo {
        let dir = tempfile::Builder::new()
            .prefix("veriff-tui-demo-inbox")
            .tempdir()
            .map_err(|e| format!("cannot make the demo's inbox: {e}"))?;
        let url = format!("sqlite://{}", dir.path().join("inbox.db").display());
        let store = Store::open(&url).await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("cannot start the demo's receiver: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let receiver = tokio::spawn(receiver::serve(listener, store.clone(), vec![demo_integration()]));
        let webhooks = crate::server::Webhooks {
            url: format!("http://{addr}"),
            every: DEMO_ARRIVALS,
        };
        let inbox = BrowserInbox {
            store,
            views: store::default_views(),
            on_a_view,
            _demo: Some((dir, receiver.abort_handle())),
        };
        return Ok((Some(inbox), Some(webhooks)));
    }
    // Only `veriff-tui inbox` opens the inbox named; a plain run keeps to the profile's.
    let given = asked.and(global.inbox_url.clone());
    let Some((store, config)) = profile_inbox(global, given, on_a_view).await? else {
        return Ok((None, None));
    };
    let inbox = BrowserInbox {
        store,
        views: views(&config),
        on_a_view,
        _demo: None,
    };
    Ok((Some(inbox), None))
}

/// The profile's inbox: the one `given` names, configured or already there; made
/// new only when `make` (the user asked for the inbox). `None`: nothing to open.
async fn profile_inbox(
    global: &GlobalArgs,
    given: Option<String>,
    make: bool,
) -> Result<Option<(Store, Config)>, String> {
    profile_inbox_if(global, given, make, |_| true).await
}

/// [`profile_inbox`], where `wanted` says the config wants it opened at all:
/// nothing is opened (nor, for SQLite, migrated) only to be dropped.
async fn profile_inbox_if(
    global: &GlobalArgs,
    given: Option<String>,
    make: bool,
    wanted: impl FnOnce(&Config) -> bool,
) -> Result<Option<(Store, Config)>, String> {
    let config = Config::load(global.overrides(), &process_env)?;
    if !wanted(&config) {
        return Ok(None);
    }
    let given = given.or_else(|| std::env::var("VERIFF_INBOX_URL").ok());
    let url = match given {
        Some(url) => url,
        None if make => inbox_url(None, &config, false)?,
        None => match config.inbox_in_use(config.selected_profile(), &process_env) {
            Some(url) => url,
            None => return Ok(None),
        },
    };
    Ok(Some((open(&url, &config, Purpose::Work).await?, config)))
}

/// Where a command keeps the decisions it fetches: the profile's inbox where one
/// is configured or already exists (a script never makes one; nor `--demo`,
/// whose sessions are made up). A failure to open it is said, not fatal: the
/// command's own work goes on.
pub async fn indexer(global: &GlobalArgs) -> Option<(Indexer, tokio::task::JoinHandle<()>)> {
    if global.demo {
        return None;
    }
    let keeps_fetched = |config: &Config| config.index_fetched(config.selected_profile());
    match profile_inbox_if(global, None, false, keeps_fetched).await {
        Ok(found) => found.map(|(store, _)| Indexer::start(store)),
        Err(e) => {
            eprintln!("warning: {e}; what this fetches is not kept in the inbox");
            None
        }
    }
}

/// Where the profile's inbox is a shared PostgreSQL store (`given`, else the
/// profile's), this run's audit lines are copied into its team audit too. A
/// store that cannot be opened is said, not fatal.
pub async fn team_share(global: &GlobalArgs, given: Option<String>) -> Option<crate::config::writes::TeamShare> {
    if global.demo {
        return None;
    }
    match profile_inbox(global, given, false).await {
        Ok(Some((store, _))) if store.is_postgres() => Some(crate::config::writes::share_with_team(store)),
        Ok(_) => None,
        Err(e) => {
            eprintln!("warning: {e}; this run's audit lines are not shared with the team");
            None
        }
    }
}

/// Waits until what `indexer` was given is stored, once nothing else holds it;
/// at most 2 s (a database another writer holds must not keep a stopped export
/// running).
pub async fn indexed(indexer: Option<(Indexer, tokio::task::JoinHandle<()>)>) {
    if let Some((indexer, task)) = indexer {
        drop(indexer);
        if tokio::time::timeout(Duration::from_secs(2), task).await.is_err() {
            eprintln!("warning: the inbox did not take what this run fetched within 2 s; some are not kept there");
        }
    }
}

/// How often `--demo`'s server sends a new session.
const DEMO_ARRIVALS: Duration = Duration::from_secs(5);

/// Opens the inbox at `url` for `purpose`: a PostgreSQL on another host without
/// TLS only where `insecure_inbox` allows it, and then said on stderr, as
/// `insecure_http` is.
pub(super) async fn open(url: &str, config: &Config, purpose: Purpose) -> Result<Store, String> {
    let insecure = config.insecure_inbox();
    let in_clear = store::cleartext_host(url).ok().flatten();
    if let Some(host) = &in_clear
        && insecure
    {
        eprintln!(
            "warning: insecure_inbox is on: names, document numbers and webhook headers travel in clear to {host}"
        );
    }
    match Store::open_for(url, insecure, purpose).await {
        Err(e) if in_clear.is_some() && !insecure => Err(format!(
            "{e}, or set insecure_inbox = true (--insecure-inbox) if you must"
        )),
        Err(e) if e.contains("invalid peer certificate") => Err(format!(
            "{e} — point sslrootcert=PATH in the URL at the CA that signed the server's certificate"
        )),
        opened => opened,
    }
}

/// Where the profile's inbox is: `--inbox-url`, else the profile's `inbox_url`,
/// else a SQLite file in the data dir, one per profile.
pub(super) fn inbox_url(given: Option<String>, config: &Config, demo: bool) -> Result<String, String> {
    if let Some(url) = given {
        return Ok(url);
    }
    let profile = if demo { Some("demo") } else { config.selected_profile() };
    config.inbox_url(profile, &process_env).map(|(url, _)| url)
}

/// Records an inbox purge with what it removed.
fn record_purge(profile: Option<String>, removed: &crate::inbox::Removed) {
    let counts = [
        ("sessions", removed.sessions),
        ("webhooks", removed.webhooks),
        ("claims", removed.claims),
        ("tags", removed.tags),
        ("notes", removed.notes),
    ];
    super::audit::record_run("inbox_purge", profile, None, "done", &counts);
}
