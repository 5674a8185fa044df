//! `veriff-tui keygen`: the team's signing key, made once. The secret key goes
//! where the shared secret would (a private file, or a password manager the
//! profile's `signing_key_command` reads); the public key goes to whoever checks
//! the team's exports.

use std::path::{Path, PathBuf};

use clap::Args;

use super::GlobalArgs;
use super::output::{emit, say};
use crate::export::seal::TeamKey;

#[derive(Debug, Clone, Args)]
pub struct KeygenArgs {
    /// Where to write the secret key (mode 0600); the public key goes beside it,
    /// as `.pub` [default: team.key in the config folder].
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
}

/// `team.key` → `team.pub`; any other name gets `.pub` added.
fn public_path(secret: &Path) -> PathBuf {
    match secret.extension() {
        Some(ext) if ext == "key" => secret.with_extension("pub"),
        _ => PathBuf::from(format!("{}.pub", secret.display())),
    }
}

/// Creates `path` with `bytes` and `mode`, refusing to replace a file.
fn create(path: &Path, bytes: &[u8], mode: u32) -> Result<(), String> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!("{} already exists; not overwritten", path.display()),
            _ => format!("cannot create {}: {e}", path.display()),
        })?;
    file.write_all(bytes)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

pub fn run(args: &KeygenArgs, global: &GlobalArgs) -> Result<(), String> {
    let secret_path = match &args.out {
        Some(path) => path.clone(),
        None => {
            let config = match &global.config {
                Some(path) => path.clone(),
                None => crate::config::config_path(&crate::config::process_env).ok_or("HOME is not set")?,
            };
            config.with_file_name("team.key")
        }
    };
    let public_path = public_path(&secret_path);
    if public_path.exists() {
        return Err(format!("{} already exists; not overwritten", public_path.display()));
    }
    if let Some(dir) = secret_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::files::create_private_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let key = TeamKey::generate()?;
    // Unencrypted, as the shared secret is kept: a password would have to sit
    // beside the key for unattended exports, or stop them to ask.
    create(&secret_path, key.secret_text()?.as_bytes(), 0o600)?;
    create(&public_path, key.public_text()?.as_bytes(), 0o644)?;
    say(&format!(
        "the team's key {}: the secret key signs every export's manifest; in your profile set\n  signing_key_file = \"{}\"\nor keep it in a password manager and set signing_key_command. Hand {} to whoever checks a case folder:\n  minisign -Vm manifest.json -p {}\n",
        key.id(),
        secret_path.display(),
        public_path.display(),
        public_path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
    ));
    emit(format!("{}\n", public_path.display()).as_bytes())
}
