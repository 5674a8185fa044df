//! The command line: definitions (also the source of completions and the man page)
//! and the scripting subcommands.

mod actions;
mod audit;
mod export;
pub mod inbox;
mod keygen;
mod output;
mod reads;
mod scripting;
mod verify;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

pub use export::ExportArgs;
pub use inbox::InboxArgs;
pub use keygen::KeygenArgs;
pub use scripting::run;
pub use verify::VerifyArgs;

use crate::config::Overrides;

/// Browse Veriff verification sessions, attempts and media from a terminal.
///
/// Without a subcommand, opens the terminal browser on the given sessions.
#[derive(Debug, Parser)]
// No `args_conflicts_with_subcommands`: with it, any flag before the subcommand
// (`--demo attempts ID`) turns the subcommand's name into a session to browse.
// Without it a subcommand is still only recognised before the first session.
#[command(name = "veriff-tui", version)]
pub struct Cli {
    /// Sessions to open: ids, or any text containing one (a portal link).
    #[arg(value_name = "SESSION")]
    pub sessions: Vec<String>,

    /// Also open the sessions in this file, one per line (ids or text containing
    /// them); `-` reads standard input, as does a pipe on standard input.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,

    /// How to show image previews [auto: ask the terminal; halfblocks work everywhere].
    #[arg(long, value_enum, default_value_t, value_name = "PROTOCOL")]
    pub image_protocol: crate::config::ImageProtocol,

    /// Let the mouse select and scroll (it then no longer selects text in the
    /// terminal; hold Shift for that in most terminals).
    #[arg(long)]
    pub mouse: bool,

    /// Poll the first session every SECS seconds (attempts and decision) until it
    /// has a final decision; `w` toggles watching in the browser (every 30 s).
    #[arg(long, value_name = "SECS", value_parser = watch_interval)]
    pub watch: Option<Duration>,

    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options every command takes.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Run against the built-in demo server on a free loopback port, with its
    /// credentials: no configuration or network needed.
    #[arg(long, global = true)]
    pub demo: bool,

    /// The integration's API URL (with or without a trailing / or /v1).
    #[arg(long, global = true, env = "VERIFF_API_URL", value_name = "URL")]
    pub api_url: Option<String>,

    /// The integration's API key. A flag's value is visible to every user in `ps`:
    /// prefer VERIFF_API_KEY, --api-key-file or the config file.
    #[arg(
        long,
        global = true,
        env = "VERIFF_API_KEY",
        hide_env_values = true,
        value_name = "KEY"
    )]
    pub api_key: Option<String>,

    /// Read the API key from this file (not visible in `ps`, unlike --api-key).
    #[arg(long, global = true, value_name = "PATH", conflicts_with = "api_key")]
    pub api_key_file: Option<PathBuf>,

    /// Read the shared secret from this file. There is no flag that takes the secret
    /// itself (it would show in `ps`): use this or VERIFF_SHARED_SECRET.
    #[arg(long, global = true, value_name = "PATH")]
    pub shared_secret_file: Option<PathBuf>,

    /// Where files are saved [default: your Downloads folder, else the current one].
    #[arg(long, global = true, env = "VERIFF_DOWNLOAD_DIR", value_name = "DIR")]
    pub download_dir: Option<PathBuf>,

    /// The config file profile to use [default: the file's default_profile].
    #[arg(long, global = true, env = "VERIFF_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,

    /// The config file [default: $XDG_CONFIG_HOME/veriff-tui/config.toml, else
    /// ~/.config/veriff-tui/config.toml].
    #[arg(long, global = true, env = "VERIFF_TUI_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Give up on a listing request after this many seconds (downloads: when no
    /// byte arrives for this long).
    #[arg(long, global = true, env = "VERIFF_TIMEOUT", value_name = "SECS", value_parser = seconds)]
    pub timeout: Option<Duration>,

    /// Give up connecting after this many seconds.
    #[arg(long, global = true, env = "VERIFF_CONNECT_TIMEOUT", value_name = "SECS", value_parser = seconds)]
    pub connect_timeout: Option<Duration>,

    /// Accept replies that lack Veriff's response signature (for a proxy that strips
    /// the header). Unsafe: an unsigned reply cannot be told from a forged one.
    #[arg(long, global = true)]
    pub allow_unsigned: bool,

    /// Allow plain http:// to a host that is not loopback. Unsafe: the API key,
    /// replayable signatures and documents travel in clear.
    #[arg(long, global = true)]
    pub insecure_http: bool,
    /// Allow a PostgreSQL inbox on another host without TLS (no sslmode=require,
    /// verify-ca or verify-full in its URL). Unsafe: names, document numbers and
    /// webhook headers travel in clear.
    #[arg(long, global = true)]
    pub insecure_inbox: bool,
    /// Hide every personal value in everything printed (browser, tables, --json)
    /// and every picture until revealed: only ids, statuses, codes, dates of the
    /// decision and the like stay. For screen sharing and ticket screenshots.
    #[arg(long, global = true)]
    pub redact: bool,
    /// Refuse every write to Veriff (new-session, delete-session), as a profile's
    /// `read_only = true` does.
    #[arg(long, global = true)]
    pub read_only: bool,

    /// Write the log here [default: veriff-tui.log in the data dir].
    #[arg(long, global = true, env = "VERIFF_LOG_FILE", value_name = "PATH")]
    pub log_file: Option<PathBuf>,

    /// The inbox database the `inbox` commands use:
    /// `postgres://user@host/db?sslmode=verify-full&sslrootcert=CA.pem` for a team
    /// (another host only over TLS), `sqlite://PATH` [default: the profile's
    /// inbox_url, else $XDG_DATA_HOME/veriff-tui/<profile>/inbox.db].
    // Its value is not shown in --help: a URL may hold a password. Global, so
    // it is taken before `inbox` as well as after it or its action.
    #[arg(
        long,
        global = true,
        env = "VERIFF_INBOX_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub inbox_url: Option<String>,
}

impl GlobalArgs {
    pub fn overrides(&self) -> Overrides {
        Overrides {
            config: self.config.clone(),
            profile: self.profile.clone(),
            api_url: self.api_url.clone(),
            api_key: self.api_key.clone(),
            api_key_file: self.api_key_file.clone(),
            shared_secret_file: self.shared_secret_file.clone(),
            download_dir: self.download_dir.clone(),
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            allow_unsigned: self.allow_unsigned,
            insecure_http: self.insecure_http,
            insecure_inbox: self.insecure_inbox,
            redact: self.redact,
            read_only: self.read_only,
        }
    }
}

fn seconds(text: &str) -> Result<Duration, String> {
    let value: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    Duration::try_from_secs_f64(value).map_err(|_| format!("{text:?} is not a usable number of seconds"))
}

/// A polling interval: whole seconds at least, so a typo cannot hammer the API.
fn watch_interval(text: &str) -> Result<Duration, String> {
    let every = seconds(text)?;
    if every < Duration::from_secs(1) {
        return Err(format!("{text:?} is too often: poll at most once a second"));
    }
    Ok(every)
}

#[derive(Debug, Clone, Args)]
pub struct Output {
    /// Print the parsed data as JSON (the API's field names) instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List a session's attempts, newest first.
    Attempts {
        /// A session id, or text containing one.
        session: String,
        #[command(flatten)]
        output: Output,
    },
    /// List the media of a session's most recent attempt.
    SessionMedia {
        /// A session id, or text containing one.
        session: String,
        #[command(flatten)]
        output: Output,
    },
    /// Show a session's decision.
    Decision {
        /// A session id, or text containing one.
        session: String,
        #[command(flatten)]
        output: Output,
    },
    /// Show the person data of a session, with any PEP and sanctions matches.
    Person {
        /// A session id, or text containing one.
        session: String,
        #[command(flatten)]
        output: Output,
    },
    /// Show a session's watchlist (PEP and sanctions) screening; `watchlist review`
    /// records a hit's review at Veriff.
    #[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
    Watchlist {
        /// A session id, or text containing one.
        #[arg(required = true)]
        session: Option<String>,
        #[command(flatten)]
        output: Output,
        #[command(subcommand)]
        review: Option<WatchlistAction>,
    },
    /// List an attempt's media, best first.
    Media {
        /// An attempt id, or text containing one.
        attempt: String,
        #[command(flatten)]
        output: Output,
    },
    /// Download one media file, verified, to disk or standard output.
    Download {
        /// A media id.
        media: String,
        /// Where to write it; `-` for standard output [default: a safe name in the
        /// download dir].
        #[arg(short, long, value_name = "PATH")]
        output: Option<PathBuf>,
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Print a completion script: `veriff-tui completions bash > ~/.local/share/bash-completion/completions/veriff-tui`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `veriff-tui man | man -l -`.
    Man,
    /// Export many sessions into a folder: every attempt's media list and file,
    /// decision and attempts as Veriff sent them, verified, with a manifest of
    /// sha256s. Run it again to fetch only what is missing.
    Export(ExportArgs),
    /// Create a verification session and print its link for the end user.
    NewSession(actions::NewSessionArgs),
    /// Delete a session at Veriff (an erasure request): says what goes, and asks
    /// for the session's first 8 characters (--confirm ID8 in scripts).
    DeleteSession(actions::DeleteSessionArgs),
    /// The inbox: Veriff's webhooks received and indexed, so sessions are found by
    /// name, status or date.
    Inbox(InboxArgs),
    /// Check an export offline: every file against the manifest's size and sha256
    /// and its place (the session and attempt it names, the signed media listing
    /// above it); with the shared secret, against the signature Veriff sent with
    /// it and the manifest's HMAC; with --pubkey, the team's signature of the
    /// manifest. Names each missing, extra, altered, misplaced or unprovable file;
    /// exit status 0 only when all hold and something beyond sums was proven
    /// (or --sums-only).
    Verify(VerifyArgs),
    /// Make the team's signing key: a minisign key pair whose secret key signs
    /// every export's manifest (set signing_key_file or signing_key_command in a
    /// profile) and whose public key anyone can check a case folder with.
    Keygen(KeygenArgs),
    /// Read the audit log of writes, refusals, exports and inbox changes (a table,
    /// newest last); `--verify` checks that no line was edited or removed.
    Audit(audit::AuditArgs),
    /// Manage the config file.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Run the built-in Veriff-compatible demo server.
    ServeDemo {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8790")]
        addr: SocketAddr,
        /// Delay every answer by this many milliseconds, to play a distant server.
        #[arg(long, default_value_t = 0, value_name = "MS")]
        latency_ms: u64,
        /// Also serve a file of this many bytes as media b1600000-0000-4000-8000-000000000000
        /// (for benchmarks).
        #[arg(long, value_name = "BYTES")]
        big_media_size: Option<u64>,
        /// Also serve 40 generated sessions of 3 attempts x 6 media of 200 KiB
        /// (b01c0000-0000-4000-8000-000000000000 to b01c0027-0000-4000-8000-000000000027),
        /// for export benchmarks.
        #[arg(long)]
        bulk: bool,
        /// Accept at most this many requests per second; answer 429 with
        /// Retry-After beyond.
        #[arg(long, value_name = "N")]
        rate_limit: Option<u32>,
        /// Listen on an address other hosts can reach. The demo's credentials are
        /// published, so anyone who reaches it can use it.
        #[arg(long)]
        public: bool,
    },
}

impl Command {
    /// One signed read and its answer printed: a runtime of one thread does it
    /// as fast, without starting a pool of workers for the process's few
    /// milliseconds (what `media --json` is measured by, against curl).
    pub fn is_one_read(&self) -> bool {
        matches!(
            self,
            Command::Attempts { .. }
                | Command::SessionMedia { .. }
                | Command::Media { .. }
                | Command::Decision { .. }
                | Command::Person { .. }
                | Command::Watchlist { review: None, .. }
        )
    }
}

#[derive(Debug, Subcommand)]
pub enum WatchlistAction {
    /// Record a hit as reviewed: a false positive, a true match, ...
    Review(actions::ReviewArgs),
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Write a commented config file, private to you (mode 0600); never overwrites one.
    Init,
}

/// The settings a run uses, and the demo server when `--demo` started one (it
/// stops when this is dropped).
pub struct Resolved {
    pub settings: crate::config::Settings,
    /// The config file, for switching profiles; `None` in demo mode.
    pub config: Option<crate::config::Config>,
    pub demo_server: Option<crate::server::RunningServer>,
}

/// Flags, environment and config file resolved into settings, or the demo server's
/// with `--demo`. Config warnings go to stderr here, before any full-screen UI.
pub async fn resolve(global: &GlobalArgs) -> Result<Resolved, String> {
    resolve_with(global, None).await
}

/// The same, with `--demo`'s server posting its webhooks to `webhooks`.
pub async fn resolve_with(global: &GlobalArgs, webhooks: Option<crate::server::Webhooks>) -> Result<Resolved, String> {
    let env = crate::config::process_env;
    if global.demo {
        let options = crate::server::ServerOptions {
            webhooks,
            ..Default::default()
        };
        let server = crate::server::start(options)
            .await
            .map_err(|e| format!("cannot start the demo server: {e}"))?;
        let mut client = server.client_config();
        global.overrides().apply_to(&mut client);
        let download_dir = global
            .download_dir
            .clone()
            .unwrap_or_else(|| crate::config::default_download_dir(&env));
        let settings = crate::config::Settings {
            profile: None,
            client,
            download_dir,
            redact: crate::redact::Redact::new(global.redact),
            read_only: global.read_only,
            team_key: crate::config::TeamKeySource::from_env(&env),
            portal_url: crate::config::PORTAL_URL.to_owned(),
        };
        warn_about(&settings);
        return Ok(Resolved {
            settings,
            config: None,
            demo_server: Some(server),
        });
    }
    let config = crate::config::Config::load(global.overrides(), &env)?;
    for warning in &config.warnings {
        eprintln!("{warning}");
    }
    let settings = config.settings(config.selected_profile(), &env)?;
    warn_about(&settings);
    Ok(Resolved {
        settings,
        config: Some(config),
        demo_server: None,
    })
}

/// What the settings give up in safety, said on stderr on every run (the browser
/// repeats it in its status line).
fn warn_about(settings: &crate::config::Settings) {
    for warning in crate::config::security_warnings(&settings.client) {
        eprintln!("{warning}");
    }
}
