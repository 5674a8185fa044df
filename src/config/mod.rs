//! Settings resolved from flags, environment, the config file and defaults, in that
//! order of precedence.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::api::{ClientConfig, Secret, normalize_api_url};

mod hints;
mod keys;
pub mod writes;
pub use hints::{describe_error, headline, security_warnings};
pub use keys::KeyOverrides;

pub const DEFAULT_API_URL: &str = "https://stationapi.veriff.com";
pub const APP_DIR: &str = "veriff-tui";

/// `--image-protocol`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ImageProtocol {
    /// Ask the terminal (kitty, sixel, iTerm2), else halfblocks.
    #[default]
    Auto,
    Kitty,
    Sixel,
    Iterm2,
    /// Unicode half blocks: every terminal shows them, over any SSH link.
    Halfblocks,
    /// No previews.
    None,
}

/// What the command line and its environment variables said (clap merges the two,
/// flag first). The shared secret has no flag on purpose: it would show in `ps`.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub config: Option<PathBuf>,
    pub profile: Option<String>,
    pub api_url: Option<String>,
    pub api_key: Option<String>,
    /// Read the API key from this file (a flag's value shows in `ps`).
    pub api_key_file: Option<PathBuf>,
    pub shared_secret_file: Option<PathBuf>,
    pub download_dir: Option<PathBuf>,
    pub timeout: Option<Duration>,
    pub connect_timeout: Option<Duration>,
    /// `--allow-unsigned`: on for this run whatever the profile says.
    pub allow_unsigned: bool,
    /// `--insecure-http`: on for this run whatever the profile says.
    pub insecure_http: bool,
    /// `--insecure-inbox`: on for this run whatever the profile says.
    pub insecure_inbox: bool,
    /// `--redact`: on whatever the profile says.
    pub redact: bool,
    /// `--read-only`: no write to Veriff, whatever the profile says.
    pub read_only: bool,
}

impl Overrides {
    /// The timeouts and security switches given on the command line, over what
    /// the profile or the defaults said.
    pub fn apply_to(&self, client: &mut ClientConfig) {
        if let Some(timeout) = self.timeout {
            client.timeout = timeout;
        }
        if let Some(timeout) = self.connect_timeout {
            client.connect_timeout = timeout;
        }
        client.allow_unsigned |= self.allow_unsigned;
        client.insecure_http |= self.insecure_http;
    }
}

/// `config.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub default_profile: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
    /// The browser's key overrides, checked when the browser starts.
    #[serde(default)]
    pub keys: KeyOverrides,
    #[serde(default)]
    pub inbox: InboxSection,
}

/// `[inbox]`: saved views (`[[inbox.views]] name = "...", query = "..."`), shown
/// after the default ones.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InboxSection {
    #[serde(default)]
    pub views: Vec<crate::inbox::View>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub api_url: Option<String>,
    pub api_key: Option<String>,
    pub shared_secret: Option<Secret>,
    /// A command whose standard output is the secret (a password manager, `pass`).
    pub shared_secret_command: Option<String>,
    /// The team's minisign secret key (`veriff-tui keygen` writes one), which signs
    /// every export's manifest for those without the shared secret; mode 0600.
    pub signing_key_file: Option<PathBuf>,
    /// A command whose standard output is that key (a password manager).
    pub signing_key_command: Option<String>,
    pub download_dir: Option<PathBuf>,
    /// Accept replies without Veriff's response signature (a proxy strips it).
    pub allow_unsigned: Option<bool>,
    /// Allow plain `http://` to a host that is not loopback.
    pub insecure_http: Option<bool>,
    /// Allow a PostgreSQL `inbox_url` on another host without TLS.
    pub insecure_inbox: Option<bool>,
    /// Copy what the tool fetches (a session's decision) into the inbox, so a
    /// session looked at is found there again (default true). A team whose
    /// inbox is to hold only what Veriff sent sets it false.
    pub index_fetched: Option<bool>,
    /// Mask personal values in everything printed (as `--redact`): `true`, or
    /// `"initials"` to keep the initials of names.
    pub redact: Option<RedactSetting>,
    /// What this integration's vendorData and endUserId look like when they are
    /// opaque references (a regex matched against the whole value, `^ORDER-[0-9]+$`):
    /// such values stay visible under redaction. A UUID always does; anything else
    /// is masked, as integrators put names in them.
    pub redact_references: Option<String>,
    /// Refuse every write to Veriff (new sessions, deletions): a profile to hand
    /// to staff who only look.
    pub read_only: Option<bool>,
    /// Where this profile's inbox is: `postgres://...` for a team [default: SQLite
    /// in the data dir].
    pub inbox_url: Option<String>,
    /// Where the Customer Portal shows a session, its id appended (`Y`, `O`)
    /// [default: [`PORTAL_URL`]].
    pub portal_url: Option<String>,
}

/// Where Veriff's Customer Portal shows a session: its id is appended.
pub const PORTAL_URL: &str = "https://station.veriff.com/verifications";

/// The Customer Portal's page of `session`, under `base`.
pub fn portal_link(base: &str, session: &str) -> String {
    format!("{}/{session}", base.trim_end_matches('/'))
}

/// A profile's `portal_url`, checked: a web address, said back cleaned when not.
fn portal_url(configured: Option<String>) -> Result<String, String> {
    let Some(url) = configured else {
        return Ok(PORTAL_URL.to_owned());
    };
    match reqwest::Url::parse(&url) {
        Ok(parsed) if matches!(parsed.scheme(), "https" | "http") && parsed.host().is_some() => Ok(url),
        _ => Err(format!(
            "portal_url `{}` is not a web address: write it like {PORTAL_URL}",
            crate::text::clean_short(&url, 80)
        )),
    }
}

/// `redact = true` or `redact = "initials"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum RedactSetting {
    On(bool),
    Style(RedactStyle),
}

impl RedactSetting {
    /// The redaction a run uses: the profile's setting, turned on by `--redact`.
    fn resolve(flag: bool, setting: Option<RedactSetting>) -> crate::redact::Redact {
        match setting {
            Some(RedactSetting::Style(RedactStyle::Initials)) => crate::redact::Redact::with_initials(true),
            Some(RedactSetting::On(on)) => crate::redact::Redact::new(flag || on),
            None => crate::redact::Redact::new(flag),
        }
    }
}

impl Profile {
    /// The redaction a run on this profile uses: its `redact`, turned on by
    /// `--redact`, showing the references its `redact_references` describes.
    pub fn redaction(&self, flag: bool) -> Result<crate::redact::Redact, String> {
        let references = self
            .redact_references
            .as_deref()
            .map(crate::redact::References::compile)
            .transpose()?;
        Ok(RedactSetting::resolve(flag, self.redact).with_references(references))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RedactStyle {
    Initials,
}

/// Everything a run needs, resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The profile in use, if any.
    pub profile: Option<String>,
    pub client: ClientConfig,
    pub download_dir: PathBuf,
    /// Personal values masked in everything printed.
    pub redact: crate::redact::Redact,
    /// Writes to Veriff refused (`read_only = true`, `--read-only`).
    pub read_only: bool,
    /// Where the team's signing key comes from, if anywhere; read when an export
    /// signs its manifest.
    pub team_key: Option<TeamKeySource>,
    /// Where the Customer Portal shows a session (the profile's `portal_url`).
    pub portal_url: String,
}

/// The variable that names the team's signing key file, over the profile's.
pub const SIGNING_KEY_VARIABLE: &str = "VERIFF_SIGNING_KEY_FILE";

/// Where the team's signing key is kept: as the shared secret is, a private file
/// or a command that prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TeamKeySource {
    File(PathBuf),
    Command(String),
}

impl TeamKeySource {
    /// `VERIFF_SIGNING_KEY_FILE`, if set.
    pub fn from_env(env: Env) -> Option<TeamKeySource> {
        env(SIGNING_KEY_VARIABLE).map(|path| TeamKeySource::File(PathBuf::from(path)))
    }

    /// The key, read (or its command run) now. An encrypted key's password comes
    /// from `VERIFF_SIGNING_KEY_PASSWORD`; it is never asked for.
    pub fn load(&self, env: Env) -> Result<crate::export::seal::TeamKey, String> {
        use crate::export::seal::{PASSWORD_VARIABLE, TeamKey};
        let password = env(PASSWORD_VARIABLE);
        match self {
            TeamKeySource::File(path) => TeamKey::from_file(&expand_home(path, env), password),
            TeamKeySource::Command(command) => {
                let text = run_command_text(command, SECRET_COMMAND_TIMEOUT, "signing_key_command")?;
                TeamKey::from_text(&text, password)
            }
        }
    }
}

/// Looks up an environment variable; injected so tests need not touch the process
/// environment.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The loaded config file and the overrides, from which settings for any profile
/// can be resolved.
#[derive(Debug)]
pub struct Config {
    pub path: PathBuf,
    pub file: ConfigFile,
    pub overrides: Overrides,
    /// Said once on stderr by the caller (before any full-screen UI).
    pub warnings: Vec<String>,
    /// Why this file may not run `shared_secret_command`, if it may not.
    command_refusal: Option<String>,
}

impl Config {
    pub fn load(overrides: Overrides, env: Env) -> Result<Config, String> {
        let path = match &overrides.config {
            Some(path) => path.clone(),
            None => config_path(env).ok_or("cannot tell where the config file is: HOME is not set")?,
        };
        let mut warnings = Vec::new();
        let file = match std::fs::read_to_string(&path) {
            Ok(text) => {
                let file: ConfigFile = toml::from_str(&text).map_err(|e| describe_toml_error(&path, &text, &e))?;
                if file.profiles.values().any(|p| p.shared_secret.is_some())
                    && let Some(mode) = loose_mode(&path)
                {
                    warnings.push(format!(
                        "warning: {} holds a shared secret and is readable by others (mode {mode:03o}); run: chmod 600 {}",
                        path.display(),
                        path.display()
                    ));
                }
                file
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && overrides.config.is_none() => ConfigFile::default(),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        let command_refusal = command_refusal(&path);
        Ok(Config {
            path,
            file,
            overrides,
            warnings,
            command_refusal,
        })
    }

    fn may_run_commands(&self) -> Result<(), String> {
        match &self.command_refusal {
            Some(why) => Err(why.clone()),
            None => Ok(()),
        }
    }

    /// What, if anything, fixes the API or credentials whatever the profile.
    fn pinned_by(&self, env: Env) -> Option<&'static str> {
        let o = &self.overrides;
        if o.api_url.is_some() {
            Some("VERIFF_API_URL (or --api-url)")
        } else if o.api_key.is_some() || o.api_key_file.is_some() {
            Some("VERIFF_API_KEY (or --api-key, --api-key-file)")
        } else if o.shared_secret_file.is_some() {
            Some("--shared-secret-file")
        } else if env("VERIFF_SHARED_SECRET").is_some() {
            Some("VERIFF_SHARED_SECRET")
        } else {
            None
        }
    }

    /// The profile chosen by `--profile`/`VERIFF_PROFILE`, else `default_profile`.
    pub fn selected_profile(&self) -> Option<&str> {
        self.overrides
            .profile
            .as_deref()
            .or(self.file.default_profile.as_deref())
    }

    /// Whether a PostgreSQL inbox on another host may be reached without TLS:
    /// `--insecure-inbox`, else the profile's `insecure_inbox`.
    pub fn insecure_inbox(&self) -> bool {
        self.overrides.insecure_inbox
            || self
                .selected_profile()
                .and_then(|p| self.file.profiles.get(p))
                .and_then(|p| p.insecure_inbox)
                .unwrap_or(false)
    }

    fn profile_names(&self) -> Vec<&str> {
        self.file.profiles.keys().map(String::as_str).collect()
    }

    /// Where `profile`'s inbox is: its `inbox_url`, else a SQLite file in the
    /// data dir, one per profile (`default` without one); and whether it was
    /// configured rather than defaulted.
    pub fn inbox_url(&self, profile: Option<&str>, env: Env) -> Result<(String, bool), String> {
        let configured = profile
            .and_then(|p| self.file.profiles.get(p))
            .and_then(|p| p.inbox_url.clone());
        if let Some(url) = configured {
            return Ok((url, true));
        }
        let dir = data_dir(env).ok_or("cannot tell where the inbox goes: HOME is not set")?;
        let folder = profile.unwrap_or("default");
        Ok((
            format!("sqlite://{}", dir.join(folder).join("inbox.db").display()),
            false,
        ))
    }

    /// Whether what `profile` fetches is copied into its inbox (`index_fetched`).
    pub fn index_fetched(&self, profile: Option<&str>) -> bool {
        profile
            .and_then(|p| self.file.profiles.get(p))
            .and_then(|p| p.index_fetched)
            .unwrap_or(true)
    }

    /// `profile`'s inbox if it is configured or its SQLite file already exists:
    /// where what is fetched is kept without making an inbox nobody asked for.
    pub fn inbox_in_use(&self, profile: Option<&str>, env: Env) -> Option<String> {
        let (url, configured) = self.inbox_url(profile, env).ok()?;
        let exists = url
            .strip_prefix("sqlite://")
            .is_some_and(|path| Path::new(path.split('?').next().unwrap_or(path)).exists());
        (configured || exists).then_some(url)
    }

    /// Settings for `profile` (or none), with flags and environment still on top.
    pub fn settings(&self, profile: Option<&str>, env: Env) -> Result<Settings, String> {
        let chosen = match profile {
            Some(name) => Some(self.file.profiles.get(name).ok_or_else(|| {
                let known = self.profile_names().join(", ");
                format!("no profile {name:?} in {} (profiles: {known})", self.path.display())
            })?),
            None => None,
        };
        let from_profile = chosen.cloned().unwrap_or_default();
        let o = &self.overrides;
        let redact = from_profile.redaction(o.redact).map_err(|e| match profile {
            Some(name) => format!("{}, profile {name}: {e}", self.path.display()),
            None => e,
        })?;

        let api_url = o
            .api_url
            .clone()
            .or(from_profile.api_url)
            .unwrap_or_else(|| DEFAULT_API_URL.to_owned());
        let api_url = normalize_api_url(&api_url)?;
        let api_key_from_file = match &o.api_key_file {
            Some(path) => Some(
                std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read the API key file {}: {e}", path.display()))?,
            ),
            None => None,
        };
        let api_key = o
            .api_key
            .clone()
            .or(api_key_from_file)
            .or(from_profile.api_key)
            .ok_or_else(|| {
                format!(
                    "no API key: set VERIFF_API_KEY, pass --api-key, or set api_key in a profile of {}",
                    self.path.display()
                )
            })?;
        let secret = match (&o.shared_secret_file, env("VERIFF_SHARED_SECRET")) {
            (Some(file), _) => read_secret_file(file)?,
            (None, Some(value)) => Secret::new(value),
            (None, None) => match (from_profile.shared_secret, &from_profile.shared_secret_command) {
                (Some(secret), _) => secret,
                (None, Some(command)) => {
                    self.may_run_commands()?;
                    run_secret_command(command, SECRET_COMMAND_TIMEOUT)?
                }
                (None, None) => {
                    return Err(format!(
                        "no shared secret: set VERIFF_SHARED_SECRET, pass --shared-secret-file PATH, or set shared_secret_command in a profile of {}",
                        self.path.display()
                    ));
                }
            },
        };
        if secret.is_empty() {
            return Err("the shared secret is empty".into());
        }
        let team_key = match (
            TeamKeySource::from_env(env),
            from_profile.signing_key_file,
            from_profile.signing_key_command,
        ) {
            (Some(source), _, _) => Some(source),
            (None, Some(path), _) => Some(TeamKeySource::File(path)),
            (None, None, Some(command)) => {
                self.may_run_commands()?;
                Some(TeamKeySource::Command(command))
            }
            (None, None, None) => None,
        };
        let download_dir = match (&o.download_dir, from_profile.download_dir) {
            (Some(flag), _) => flag.clone(),
            // The file is read by us, not a shell: `~/` is expanded here.
            (None, Some(path)) => expand_home(&path, env),
            (None, None) => default_download_dir(env),
        };

        let portal_url = portal_url(from_profile.portal_url)?;
        let mut client = ClientConfig::new(api_url, api_key.trim(), secret);
        client.allow_unsigned = from_profile.allow_unsigned.unwrap_or(false);
        client.insecure_http = from_profile.insecure_http.unwrap_or(false);
        o.apply_to(&mut client);
        Ok(Settings {
            profile: profile.map(str::to_owned),
            client,
            download_dir,
            redact,
            read_only: o.read_only || from_profile.read_only.unwrap_or(false),
            team_key,
            portal_url,
        })
    }
}

/// The config file's profiles, each resolved at most once per run, so a
/// `shared_secret_command` (a password manager, perhaps prompting) runs once.
#[derive(Debug)]
pub struct Profiles {
    config: Config,
    resolved: std::sync::Mutex<BTreeMap<String, Settings>>,
}

impl Profiles {
    /// `current` is the profile already in use, with its settings.
    pub fn new(config: Config, current: Option<(String, Settings)>) -> Profiles {
        Profiles {
            config,
            resolved: std::sync::Mutex::new(current.into_iter().collect()),
        }
    }

    pub fn names(&self) -> Vec<String> {
        self.config.profile_names().into_iter().map(str::to_owned).collect()
    }

    /// The settings of profile `name` for switching to it. Refused while a flag or
    /// variable pins the credentials: every profile would say one integration and
    /// use another.
    pub fn settings(&self, name: &str, env: Env) -> Result<Settings, String> {
        // One lock across the resolution: two quick switches run the command once.
        let mut resolved = self.resolved.lock().expect("profile cache lock");
        if let Some(settings) = resolved.get(name) {
            return Ok(settings.clone());
        }
        if let Some(pin) = self.config.pinned_by(env) {
            return Err(format!("{pin} is set and overrides every profile; unset it to switch"));
        }
        let settings = self.config.settings(Some(name), env)?;
        resolved.insert(name.to_owned(), settings.clone());
        Ok(settings)
    }

    /// Where what profile `name` fetches is kept: its inbox, where one is
    /// configured or already exists and its `index_fetched` allows, and whether
    /// it may be reached without TLS (its `insecure_inbox`, `--insecure-inbox`).
    pub fn inbox_in_use(&self, name: &str, env: Env) -> Option<(String, bool)> {
        let url = self.config.inbox_in_use(Some(name), env)?;
        // What it fetches kept only where the profile wants it kept.
        if !self.config.index_fetched(Some(name)) {
            return None;
        }
        let insecure = self.config.overrides.insecure_inbox
            || self
                .config
                .file
                .profiles
                .get(name)
                .and_then(|p| p.insecure_inbox)
                .unwrap_or(false);
        Some((url, insecure))
    }
}

/// What `veriff-tui config init` writes: every setting, commented.
const TEMPLATE: &str = r#"# veriff-tui configuration. Flags and environment variables override what is here.
# Values come from Veriff's Customer Portal: the integration's API URL, API key and
# shared secret. This file is private to you (mode 0600): keep it so.

# The profile used when --profile / VERIFF_PROFILE names none.
default_profile = "test"

[profiles.test]
# With or without a trailing / or /v1.
api_url = "https://stationapi.veriff.com"
api_key = "00000000-0000-0000-0000-000000000000"
# Either the secret itself...
# shared_secret = "..."
# ...or, better, a command whose standard output is the secret:
shared_secret_command = "pass show veriff/test"
# Where `s` and `download` save files (default: your Downloads folder).
# download_dir = "~/veriff"
# Hide every personal value everywhere (as --redact); "initials" keeps the initials of names.
# redact = true
# Under redaction vendorData and endUserId show only as a UUID or a value matching this
# whole (a regex); anything else is masked, as references may hold names.
# redact_references = "^ORDER-[0-9]+$"
# Refuse every write to Veriff: new sessions, deletions (as --read-only).
# read_only = true
# Copy the decisions this profile fetches into its inbox (found there again later);
# false keeps the inbox to what Veriff sent.
# index_fetched = true
# The team's key that signs every export's manifest, so anyone with its public key
# can check a case folder (`veriff-tui keygen` makes one; mode 0600):
# signing_key_file = "~/.config/veriff-tui/team.key"
# ...or a command whose standard output is that key:
# signing_key_command = "pass show veriff/team-key"
# The inbox (`veriff-tui inbox`): a team's shared PostgreSQL (default: SQLite in your data dir).
# inbox_url = "postgres://inbox@db.internal/veriff?sslmode=verify-full&sslrootcert=/etc/veriff/db-ca.pem"
# Where `Y` and `O` find a session in the Customer Portal, its id appended.
# portal_url = "https://station.veriff.com/verifications"

# [profiles.live]
# api_url = "https://stationapi.veriff.com"
# api_key = "00000000-0000-0000-0000-000000000000"
# shared_secret_command = "pass show veriff/live"

# Saved inbox views, after the defaults (needs review, declined 24h, ...).
# [[inbox.views]]
# name = "big orders"
# query = "vendor:VIP status:review"

# Keys of the browser: name an action and its keys, for every mode that has it, or
# in one mode's table. `?` in the browser lists every mode, action and key, and says
# what your keys changed. Ctrl-C quits unless you bind ctrl-c to another action; in
# the prompt and the filter a plain character types itself.
# [keys]
# quit = ["q", "ctrl-q"]
# save = ["s", "ctrl-s"]
# [keys.help]
# down = ["j", "n"]
"#;

/// Writes [`TEMPLATE`] to `path` with mode 0600, refusing to replace a file.
pub fn write_template(path: &Path) -> Result<(), String> {
    use std::io::Write;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::files::create_private_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => format!("{} already exists; not overwritten", path.display()),
        _ => format!("cannot create {}: {e}", path.display()),
    })?;
    file.write_all(TEMPLATE.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn read_secret_file(path: &Path) -> Result<Secret, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the shared secret file {}: {e}", path.display()))?;
    Ok(Secret::new(text.trim()))
}

/// How long a `shared_secret_command` may take (a password manager waiting for a
/// passphrase included) before it is stopped.
const SECRET_COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs the profile's `shared_secret_command` through the shell, as ssh runs a
/// ProxyCommand: in a process group of its own that is killed whole on timeout,
/// without the credentials in its environment. Its output is the secret and is
/// never logged or echoed; its stderr is never read into an error (a failing
/// password manager may print what it was given), only its exit status is.
fn run_secret_command(command: &str, timeout: Duration) -> Result<Secret, String> {
    run_command_text(command, timeout, "shared_secret_command").map(|text| Secret::new(text.trim()))
}

/// What `command` (the setting `name`'s value) prints, run as
/// [`run_secret_command`] runs it.
fn run_command_text(command: &str, timeout: Duration, name: &str) -> Result<String, String> {
    use crate::process::{RunError, output_within};
    let (status, stdout) =
        output_within(crate::process::command("sh").arg("-c").arg(command), timeout).map_err(|e| match e {
            RunError::Spawn(e) | RunError::Io(e) => format!("cannot run {name}: {e}"),
            RunError::TimedOut => format!("{name} did not finish within {} s and was stopped", timeout.as_secs()),
        })?;
    if !status.success() {
        return Err(format!("{name} failed ({status})"));
    }
    String::from_utf8(stdout).map_err(|_| format!("{name} printed something that is not UTF-8"))
}

/// Why a config file may not run commands: ssh's rule for its own config, since
/// whoever can write the file chooses what `shared_secret_command` runs as you.
fn command_refusal(path: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    let me = rustix::process::geteuid().as_raw();
    if meta.uid() != me {
        return Some(format!(
            "{} is not owned by you, so its shared_secret_command is not run; chown it, or use VERIFF_SHARED_SECRET or --shared-secret-file",
            path.display()
        ));
    }
    let mode = meta.mode() & 0o777;
    if mode & 0o022 != 0 {
        return Some(format!(
            "{} is writable by others (mode {mode:03o}), so its shared_secret_command is not run; run: chmod go-w {}",
            path.display(),
            path.display()
        ));
    }
    None
}

/// A TOML error without the value it rejected (a secret in the wrong place must
/// not end up on the screen): unknown keys are named, other errors give the line
/// and the key, and what was expected.
fn describe_toml_error(path: &Path, text: &str, e: &toml::de::Error) -> String {
    let message = e.message();
    if message.starts_with("unknown field") || message.starts_with("missing field") {
        return format!("{}: {message}", path.display());
    }
    let Some(span) = e.span() else {
        return format!("{}: not valid TOML", path.display());
    };
    let start = span.start.min(text.len());
    let line_number = text[..start].matches('\n').count() + 1;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or_default();
    let key = line
        .split_once('=')
        .map(|(key, _)| crate::text::clean_short(key.trim(), 40))
        .filter(|key| !key.is_empty());
    let expected = message
        .split_once("expected ")
        .map(|(_, what)| format!(": expected {}", crate::text::clean_short(what.trim(), 60)))
        .unwrap_or_default();
    match key {
        Some(key) => format!(
            "{}: line {line_number}: bad value for `{key}`{expected}",
            path.display()
        ),
        None => format!("{}: line {line_number}: not valid TOML{expected}", path.display()),
    }
}

/// The group/other permission bits when any are set.
fn loose_mode(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o077 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// `~/x` as `$HOME/x`; any other path as it is.
fn expand_home(path: &Path, env: Env) -> PathBuf {
    match (path.strip_prefix("~"), home(env)) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path.to_path_buf(),
    }
}

fn home(env: Env) -> Option<PathBuf> {
    env("HOME")
        .map(PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf()))
}

/// `$VAR/veriff-tui`, else `~/<fallback>/veriff-tui`: the XDG layout terminal users
/// expect on every Unix, macOS included.
fn xdg_dir(env: Env, var: &str, fallback: &str) -> Option<PathBuf> {
    let base = env(var)
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| home(env).map(|h| h.join(fallback)))?;
    Some(base.join(APP_DIR))
}

pub fn config_path(env: Env) -> Option<PathBuf> {
    xdg_dir(env, "XDG_CONFIG_HOME", ".config").map(|d| d.join("config.toml"))
}

/// History and logs.
pub fn data_dir(env: Env) -> Option<PathBuf> {
    xdg_dir(env, "XDG_DATA_HOME", ".local/share")
}

/// The log: `$XDG_DATA_HOME/veriff-tui/veriff-tui.log` (or `~/.local/share/...`).
pub fn log_path(env: Env) -> PathBuf {
    data_dir(env)
        .unwrap_or_else(|| PathBuf::from("."))
        .join("veriff-tui.log")
}

/// A receiver's own log (`inbox receive`), beside its profile's inbox: never the
/// file the analysts' commands share.
pub fn receiver_log_path(env: Env, profile: Option<&str>) -> PathBuf {
    data_dir(env)
        .unwrap_or_else(|| PathBuf::from("."))
        .join(profile.unwrap_or("default"))
        .join("receiver.log")
}

/// Files downloaded only to be opened.
pub fn cache_dir(env: Env) -> Option<PathBuf> {
    xdg_dir(env, "XDG_CACHE_HOME", ".cache")
}

/// The user's Downloads folder (XDG user dirs), else `~/Downloads` when it exists,
/// else the current directory.
pub fn default_download_dir(env: Env) -> PathBuf {
    if let Some(dir) = env("XDG_DOWNLOAD_DIR").map(PathBuf::from).filter(|p| p.is_absolute()) {
        return dir;
    }
    if let Some(dir) = directories::UserDirs::new().and_then(|d| d.download_dir().map(Path::to_path_buf)) {
        return dir;
    }
    match home(env).map(|h| h.join("Downloads")) {
        Some(dir) if dir.is_dir() => dir,
        _ => PathBuf::from("."),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| map.get(k).cloned()
    }

    fn write_config(dir: &Path, text: &str) -> PathBuf {
        let path = dir.join("config.toml");
        std::fs::write(&path, text).unwrap();
        path
    }

    const TWO_PROFILES: &str = r#"
default_profile = "test"
[profiles.test]
api_url = "https://test.example/v1/"
api_key = "file-key"
shared_secret = "file-secret"
download_dir = "/tmp/test-dl"
[profiles.live]
download_dir = "~/cases"
api_url = "https://live.example"
api_key = "live-key"
shared_secret_command = "printf 'from-command\n'"
"#;

    #[test]
    fn redaction_comes_from_the_profile_or_the_flag() {
        let dir = tempfile::tempdir().unwrap();
        let text = TWO_PROFILES.replace("[profiles.live]", "[profiles.live]\nredact = true");
        let path = write_config(dir.path(), &text);
        let env = env_of(&[("VERIFF_SHARED_SECRET", "s")]);
        let load = |redact| {
            let overrides = Overrides {
                config: Some(path.clone()),
                redact,
                ..Default::default()
            };
            Config::load(overrides, &env).unwrap()
        };
        let config = load(false);
        assert!(!config.settings(Some("test"), &env).unwrap().redact.on);
        assert!(config.settings(Some("live"), &env).unwrap().redact.on);
        assert!(
            load(true).settings(Some("test"), &env).unwrap().redact.on,
            "--redact wins"
        );

        let text = TWO_PROFILES.replace("[profiles.live]", "[profiles.live]\nredact = \"initials\"");
        let path = write_config(dir.path(), &text);
        let overrides = Overrides {
            config: Some(path),
            ..Default::default()
        };
        let initials = Config::load(overrides, &env)
            .unwrap()
            .settings(Some("live"), &env)
            .unwrap();
        assert_eq!(initials.redact.name("Marta Specimen"), "M. S.");
    }

    #[test]
    fn insecure_inbox_comes_from_the_profile_or_the_flag() {
        let dir = tempfile::tempdir().unwrap();
        let text = TWO_PROFILES.replace("[profiles.live]", "[profiles.live]\ninsecure_inbox = true");
        let path = write_config(dir.path(), &text);
        let env = env_of(&[]);
        let load = |profile: &str, insecure_inbox| {
            let overrides = Overrides {
                config: Some(path.clone()),
                profile: Some(profile.to_owned()),
                insecure_inbox,
                ..Default::default()
            };
            Config::load(overrides, &env).unwrap().insecure_inbox()
        };
        assert!(!load("test", false));
        assert!(load("live", false));
        assert!(load("test", true), "--insecure-inbox wins");
    }

    #[test]
    fn each_profile_shows_its_own_references_under_redaction() {
        use crate::redact::MASK;
        let dir = tempfile::tempdir().unwrap();
        let text = TWO_PROFILES
            .replace("[profiles.test]", "[profiles.test]\nredact_references = \"^T-[0-9]+$\"")
            .replace(
                "[profiles.live]",
                "[profiles.live]\nredact_references = \"^ORDER-[0-9]+$\"",
            );
        let path = write_config(dir.path(), &text);
        let env = env_of(&[("VERIFF_SHARED_SECRET", "s")]);
        let overrides = Overrides {
            config: Some(path.clone()),
            redact: true,
            ..Default::default()
        };
        let config = Config::load(overrides.clone(), &env).unwrap();
        let test = config.settings(Some("test"), &env).unwrap().redact;
        let live = config.settings(Some("live"), &env).unwrap().redact;
        assert_eq!(
            (test.reference("T-1"), test.reference("ORDER-1")),
            ("T-1".into(), MASK.into())
        );
        assert_eq!(
            (live.reference("T-1"), live.reference("ORDER-1")),
            (MASK.into(), "ORDER-1".into())
        );

        let broken = TWO_PROFILES.replace("[profiles.live]", "[profiles.live]\nredact_references = \"^ORDER-(\"");
        write_config(dir.path(), &broken);
        let config = Config::load(overrides, &env).unwrap();
        assert!(
            config.settings(Some("test"), &env).is_ok(),
            "another profile's pattern is not this one's"
        );
        let e = config.settings(Some("live"), &env).unwrap_err();
        assert!(
            e.contains("profile live") && e.contains("redact_references") && e.contains("^ORDER-("),
            "{e}"
        );
    }

    #[test]
    fn each_profile_has_its_portal_url_or_veriffs_and_a_bad_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let text = TWO_PROFILES.replace(
            "[profiles.live]",
            "[profiles.live]\nportal_url = \"https://portal.example/sessions/\"",
        );
        let path = write_config(dir.path(), &text);
        let env = env_of(&[("VERIFF_SHARED_SECRET", "s")]);
        let overrides = Overrides {
            config: Some(path.clone()),
            ..Default::default()
        };
        let config = Config::load(overrides.clone(), &env).unwrap();
        let link = |profile| portal_link(&config.settings(Some(profile), &env).unwrap().portal_url, "c0ffee00");
        assert_eq!(link("test"), "https://station.veriff.com/verifications/c0ffee00");
        assert_eq!(link("live"), "https://portal.example/sessions/c0ffee00");

        let broken = TWO_PROFILES.replace("[profiles.live]", "[profiles.live]\nportal_url = \"station.veriff\"");
        write_config(dir.path(), &broken);
        let e = Config::load(overrides, &env)
            .unwrap()
            .settings(Some("live"), &env)
            .unwrap_err();
        assert!(e.contains("portal_url `station.veriff` is not a web address"), "{e}");
    }

    #[test]
    fn the_config_file_fills_what_flags_and_environment_leave_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(dir.path(), TWO_PROFILES);
        let env = env_of(&[]);
        let config = Config::load(
            Overrides {
                config: Some(path),
                ..Default::default()
            },
            &env,
        )
        .unwrap();
        let settings = config.settings(config.selected_profile(), &env).unwrap();
        assert_eq!(settings.profile.as_deref(), Some("test"));
        assert_eq!(settings.client.api_url.as_str(), "https://test.example/v1/");
        assert_eq!(settings.client.api_key, "file-key");
        assert!(
            settings
                .client
                .secret
                .verifies(b"m", &Secret::new("file-secret").sign(b"m"))
        );
        assert_eq!(settings.download_dir, PathBuf::from("/tmp/test-dl"));

        let env = env_of(&[("HOME", "/home/u")]);
        let live = config.settings(Some("live"), &env).unwrap();
        assert_eq!(live.download_dir, PathBuf::from("/home/u/cases"));
        assert_eq!(live.client.api_url.as_str(), "https://live.example/v1/");
        assert!(
            live.client
                .secret
                .verifies(b"m", &Secret::new("from-command").sign(b"m"))
        );
        let err = config.settings(Some("prod"), &env).unwrap_err();
        assert!(
            err.contains("no profile \"prod\"") && err.contains("live, test"),
            "{err}"
        );
    }

    #[test]
    fn flags_and_environment_win_over_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(dir.path(), TWO_PROFILES);
        let secret_file = dir.path().join("secret");
        std::fs::write(&secret_file, "secret-from-file\n").unwrap();
        let env = env_of(&[("VERIFF_SHARED_SECRET", "secret-from-env")]);
        let overrides = Overrides {
            config: Some(path),
            api_url: Some("http://127.0.0.1:9/".into()),
            api_key: Some("flag-key".into()),
            download_dir: Some("/elsewhere".into()),
            ..Default::default()
        };
        let config = Config::load(overrides.clone(), &env).unwrap();
        let settings = config.settings(config.selected_profile(), &env).unwrap();
        assert_eq!(settings.client.api_url.as_str(), "http://127.0.0.1:9/v1/");
        assert_eq!(settings.client.api_key, "flag-key");
        assert!(
            settings
                .client
                .secret
                .verifies(b"m", &Secret::new("secret-from-env").sign(b"m"))
        );
        assert_eq!(settings.download_dir, PathBuf::from("/elsewhere"));

        let with_file = Config::load(
            Overrides {
                shared_secret_file: Some(secret_file),
                ..overrides
            },
            &env,
        )
        .unwrap();
        let settings = with_file.settings(None, &env).unwrap();
        assert!(
            settings
                .client
                .secret
                .verifies(b"m", &Secret::new("secret-from-file").sign(b"m"))
        );
    }

    #[test]
    fn missing_credentials_name_what_to_set() {
        let dir = tempfile::tempdir().unwrap();
        let env = env_of(&[("HOME", dir.path().to_str().unwrap())]);
        let config = Config::load(Overrides::default(), &env).unwrap();
        assert_eq!(config.path, dir.path().join(".config/veriff-tui/config.toml"));
        let err = config.settings(None, &env).unwrap_err();
        assert!(err.starts_with("no API key: set VERIFF_API_KEY"), "{err}");
        let config = Config::load(
            Overrides {
                api_key: Some("k".into()),
                ..Default::default()
            },
            &env,
        )
        .unwrap();
        let err = config.settings(None, &env).unwrap_err();
        assert!(err.starts_with("no shared secret: set VERIFF_SHARED_SECRET"), "{err}");
        assert_eq!(config.settings(None, &env).map(|_| ()).unwrap_err().lines().count(), 1);
    }

    #[test]
    fn xdg_config_home_is_honoured() {
        let env = env_of(&[("XDG_CONFIG_HOME", "/xdg"), ("HOME", "/home/u")]);
        assert_eq!(config_path(&env).unwrap(), PathBuf::from("/xdg/veriff-tui/config.toml"));
        let env = env_of(&[("XDG_CONFIG_HOME", "relative"), ("HOME", "/home/u")]);
        assert_eq!(
            config_path(&env).unwrap(),
            PathBuf::from("/home/u/.config/veriff-tui/config.toml")
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_readable_secret_is_warned_about_like_ssh_does() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(dir.path(), TWO_PROFILES);
        let env = env_of(&[]);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let config = Config::load(
            Overrides {
                config: Some(path.clone()),
                ..Default::default()
            },
            &env,
        )
        .unwrap();
        assert_eq!(config.warnings.len(), 1);
        assert!(
            config.warnings[0].contains("readable by others (mode 644)"),
            "{:?}",
            config.warnings
        );
        assert!(!config.warnings[0].contains("file-secret"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let config = Config::load(
            Overrides {
                config: Some(path),
                ..Default::default()
            },
            &env,
        )
        .unwrap();
        assert!(config.warnings.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn config_init_writes_a_private_file_that_loads_and_never_overwrites() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("veriff-tui/config.toml");
        write_template(&path).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        let config = Config::load(
            Overrides {
                config: Some(path.clone()),
                ..Default::default()
            },
            &env_of(&[]),
        )
        .unwrap();
        assert_eq!(config.selected_profile(), Some("test"));
        assert!(config.warnings.is_empty());
        std::fs::write(&path, "mine").unwrap();
        let err = write_template(&path).unwrap_err();
        assert!(err.contains("already exists"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine");
    }

    #[test]
    fn the_team_key_comes_from_the_variable_the_file_or_the_command_and_is_read_only_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let key = crate::export::seal::TeamKey::generate().unwrap();
        let key_file = dir.path().join("team.key");
        std::fs::write(&key_file, key.secret_text().unwrap()).unwrap();
        std::fs::set_permissions(&key_file, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
        let text = format!(
            "[profiles.file]\napi_key = \"k\"\nshared_secret = \"s\"\nsigning_key_file = \"{}\"\n[profiles.command]\napi_key = \"k\"\nshared_secret = \"s\"\nsigning_key_command = \"cat {}\"\n[profiles.none]\napi_key = \"k\"\nshared_secret = \"s\"\n",
            key_file.display(),
            key_file.display()
        );
        let path = write_config(dir.path(), &text);
        let config = Config::load(
            Overrides {
                config: Some(path),
                ..Default::default()
            },
            &env_of(&[]),
        )
        .unwrap();
        let env = env_of(&[]);
        let source = |profile: &str, env: Env| config.settings(Some(profile), env).unwrap().team_key;
        assert_eq!(source("none", &env), None);
        assert_eq!(source("file", &env), Some(TeamKeySource::File(key_file.clone())));
        for profile in ["file", "command"] {
            let loaded = source(profile, &env).unwrap().load(&env).unwrap();
            assert_eq!(loaded.id(), key.id(), "{profile}");
        }
        let elsewhere = env_of(&[(SIGNING_KEY_VARIABLE, "/elsewhere/team.key")]);
        assert_eq!(
            source("command", &elsewhere),
            Some(TeamKeySource::File("/elsewhere/team.key".into()))
        );
        // The key file's path is named, never its content.
        let err = source("command", &elsewhere).unwrap().load(&elsewhere).unwrap_err();
        assert!(err.contains("/elsewhere/team.key"), "{err}");
    }

    #[test]
    fn a_profiles_secret_command_runs_once_per_run() {
        let dir = tempfile::tempdir().unwrap();
        let count = dir.path().join("count");
        let text = format!(
            "[profiles.a]\napi_key = \"k\"\nshared_secret_command = \"echo run >> {} && echo s\"\n[profiles.b]\napi_key = \"k\"\nshared_secret = \"t\"\n",
            count.display()
        );
        let path = write_config(dir.path(), &text);
        let env = env_of(&[]);
        let profiles = Profiles::new(
            Config::load(
                Overrides {
                    config: Some(path),
                    ..Default::default()
                },
                &env,
            )
            .unwrap(),
            None,
        );
        assert_eq!(profiles.names(), vec!["a", "b"]);
        for _ in 0..3 {
            assert_eq!(profiles.settings("a", &env).unwrap().profile.as_deref(), Some("a"));
            profiles.settings("b", &env).unwrap();
        }
        assert_eq!(
            std::fs::read_to_string(&count).unwrap(),
            "run\n",
            "the command ran once"
        );
        assert!(profiles.settings("c", &env).is_err());

        let pinned = env_of(&[("VERIFF_SHARED_SECRET", "s")]);
        let err = profiles.settings("c", &pinned).unwrap_err();
        assert!(
            err.contains("VERIFF_SHARED_SECRET is set and overrides every profile"),
            "{err}"
        );
        assert!(
            profiles.settings("a", &pinned).is_ok(),
            "a profile already in use stays usable"
        );
    }

    #[test]
    fn typos_in_the_file_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(dir.path(), "[profiles.x]\napi_ulr = \"x\"\n");
        let err = Config::load(
            Overrides {
                config: Some(path),
                ..Default::default()
            },
            &env_of(&[]),
        )
        .unwrap_err();
        assert!(err.contains("api_ulr"), "{err}");
    }

    #[test]
    fn a_secret_command_that_hangs_is_stopped() {
        let started = std::time::Instant::now();
        let err = run_secret_command("sleep 5", Duration::from_millis(200))
            .map(|_| ())
            .unwrap_err();
        assert!(err.contains("did not finish within"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    }

    #[test]
    fn a_failing_secret_command_says_its_status_never_its_stderr() {
        let err = run_secret_command("echo 'hunter2 is wrong' >&2; exit 3", SECRET_COMMAND_TIMEOUT)
            .map(|_| ())
            .unwrap_err();
        assert!(err.contains("exit status: 3"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_config_file_others_can_write_may_not_run_commands() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(dir.path(), TWO_PROFILES);
        let env = env_of(&[("HOME", "/home/u")]);
        for (mode, allowed) in [(0o664, false), (0o646, false), (0o600, true), (0o644, true)] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            let config = Config::load(
                Overrides {
                    config: Some(path.clone()),
                    ..Default::default()
                },
                &env,
            )
            .unwrap();
            let live = config.settings(Some("live"), &env);
            assert_eq!(live.is_ok(), allowed, "mode {mode:o}: {:?}", live.map(|_| ()));
            if let Err(e) = live {
                assert!(e.contains("writable by others") && e.contains("chmod go-w"), "{e}");
            }
            // A profile with the secret inline needs no command: still usable.
            assert!(config.settings(Some("test"), &env).is_ok());
        }
        if rustix::process::geteuid().is_root() {
            // Root (as in CI) can give the file away: owned by someone else, refused.
            let nobody = (rustix::fs::Uid::from_raw(65534), rustix::fs::Gid::from_raw(65534));
            rustix::fs::chown(&path, Some(nobody.0), Some(nobody.1)).unwrap();
            let config = Config::load(
                Overrides {
                    config: Some(path.clone()),
                    ..Default::default()
                },
                &env,
            )
            .unwrap();
            let err = config.settings(Some("live"), &env).map(|_| ()).unwrap_err();
            assert!(err.contains("not owned by you"), "{err}");
        } else {
            eprintln!("SKIPPED: the not-owned-by-you case needs root to chown the file");
        }
    }

    #[test]
    fn a_toml_type_error_never_shows_the_rejected_value() {
        let dir = tempfile::tempdir().unwrap();
        for text in [
            "[profiles.x]\napi_key = \"k\"\nshared_secret = 424242424242\n",
            "[profiles.x]\ndownload_dir = [\"424242424242\"]\n",
            "[profiles.x]\nallow_unsigned = \"424242424242\"\n",
        ] {
            let path = write_config(dir.path(), text);
            let err = Config::load(
                Overrides {
                    config: Some(path),
                    ..Default::default()
                },
                &env_of(&[]),
            )
            .unwrap_err();
            assert!(!err.contains("424242"), "{err}");
            assert!(err.contains("line "), "{err}");
        }
    }

    #[test]
    fn the_api_key_can_come_from_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("key");
        std::fs::write(&key_file, "key-from-file\n").unwrap();
        let config = Config::load(
            Overrides {
                api_key_file: Some(dir.path().join("key")),
                ..Default::default()
            },
            &env_of(&[("VERIFF_SHARED_SECRET", "s"), ("HOME", dir.path().to_str().unwrap())]),
        )
        .unwrap();
        let settings = config
            .settings(None, &env_of(&[("VERIFF_SHARED_SECRET", "s")]))
            .unwrap();
        assert_eq!(settings.client.api_key, "key-from-file");
    }
}
