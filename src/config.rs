//! Settings resolved from flags, environment, the config file and defaults, in that
//! order of precedence.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::api::{ClientConfig, Secret, normalize_api_url};

pub const DEFAULT_API_URL: &str = "https://stationapi.veriff.com";
pub const APP_DIR: &str = "veriff-tui";

/// What the command line and its environment variables said (clap merges the two,
/// flag first). The shared secret has no flag on purpose: it would show in `ps`.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub config: Option<PathBuf>,
    pub profile: Option<String>,
    pub api_url: Option<String>,
    pub api_key: Option<String>,
    pub shared_secret_file: Option<PathBuf>,
    pub download_dir: Option<PathBuf>,
    pub timeout: Option<Duration>,
    pub connect_timeout: Option<Duration>,
    /// `--redact`: on whatever the profile says.
    pub redact: bool,
}

impl Overrides {
    /// The timeouts given on the command line, over the client's defaults.
    pub fn apply_timeouts(&self, client: &mut ClientConfig) {
        if let Some(timeout) = self.timeout {
            client.timeout = timeout;
        }
        if let Some(timeout) = self.connect_timeout {
            client.connect_timeout = timeout;
        }
    }
}

/// `config.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub default_profile: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub api_url: Option<String>,
    pub api_key: Option<String>,
    pub shared_secret: Option<Secret>,
    /// A command whose standard output is the secret (a password manager, `pass`).
    pub shared_secret_command: Option<String>,
    pub download_dir: Option<PathBuf>,
    /// Mask personal values in everything printed (as `--redact`).
    pub redact: Option<bool>,
}

/// Everything a run needs, resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The profile in use, if any.
    pub profile: Option<String>,
    pub client: ClientConfig,
    pub download_dir: PathBuf,
    /// Personal values masked in everything printed.
    pub redact: bool,
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
                let file: ConfigFile =
                    toml::from_str(&text).map_err(|e| format!("{}: {}", path.display(), e.message()))?;
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
        Ok(Config {
            path,
            file,
            overrides,
            warnings,
        })
    }

    /// What, if anything, fixes the API or credentials whatever the profile.
    pub fn pinned_by(&self, env: Env) -> Option<&'static str> {
        let o = &self.overrides;
        if o.api_url.is_some() {
            Some("VERIFF_API_URL (or --api-url)")
        } else if o.api_key.is_some() {
            Some("VERIFF_API_KEY (or --api-key)")
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

    pub fn profile_names(&self) -> Vec<&str> {
        self.file.profiles.keys().map(String::as_str).collect()
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

        let api_url = o
            .api_url
            .clone()
            .or(from_profile.api_url)
            .unwrap_or_else(|| DEFAULT_API_URL.to_owned());
        let api_url = normalize_api_url(&api_url)?;
        let api_key = o.api_key.clone().or(from_profile.api_key).ok_or_else(|| {
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
                (None, Some(command)) => run_secret_command(command)?,
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
        let download_dir = match (&o.download_dir, from_profile.download_dir) {
            (Some(flag), _) => flag.clone(),
            // The file is read by us, not a shell: `~/` is expanded here.
            (None, Some(path)) => expand_home(&path, env),
            (None, None) => default_download_dir(env),
        };

        let mut client = ClientConfig::new(api_url, api_key.trim(), secret);
        o.apply_timeouts(&mut client);
        Ok(Settings {
            profile: profile.map(str::to_owned),
            client,
            download_dir,
            redact: o.redact || from_profile.redact.unwrap_or(false),
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
# Mask names, dates of birth, ID numbers, addresses and IPs everywhere (as --redact).
# redact = true

# [profiles.live]
# api_url = "https://stationapi.veriff.com"
# api_key = "00000000-0000-0000-0000-000000000000"
# shared_secret_command = "pass show veriff/live"
"#;

/// Writes [`TEMPLATE`] to `path` with mode 0600, refusing to replace a file.
pub fn write_template(path: &Path) -> Result<(), String> {
    use std::io::Write;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
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

/// Runs the profile's `shared_secret_command` through the shell; its output is the
/// secret and is never logged or echoed, not even in an error.
fn run_secret_command(command: &str) -> Result<Secret, String> {
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(std::process::Stdio::null())
        // Captured, not inherited: it may run while the browser owns the screen.
        .stderr(std::process::Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run shared_secret_command: {e}"))?;
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stderr);
        let last = said.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default();
        let said = if last.is_empty() {
            String::new()
        } else {
            format!(": {}", crate::text::clean_short(last, 160))
        };
        return Err(format!("shared_secret_command failed ({}){said}", output.status));
    }
    let text = String::from_utf8(output.stdout)
        .map_err(|_| "shared_secret_command printed something that is not UTF-8".to_owned())?;
    Ok(Secret::new(text.trim()))
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
        assert!(!config.settings(Some("test"), &env).unwrap().redact);
        assert!(config.settings(Some("live"), &env).unwrap().redact);
        assert!(load(true).settings(Some("test"), &env).unwrap().redact, "--redact wins");
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
}
