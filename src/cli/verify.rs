//! `veriff-tui verify DIR`: the export engine's offline check
//! ([`crate::export::verify`]), one line per problem on standard output, and last
//! what was proven and by what.

use std::path::PathBuf;

use clap::Args;

use super::GlobalArgs;
use super::output::{emit, say};
use crate::export::seal::PublicKey;
use crate::export::verify;
use crate::text::clean;

#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// The folder an export wrote (it holds `manifest.json`).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The team's public key (`veriff-tui keygen` made it): checks the
    /// manifest's signature, `manifest.json.minisig`, without the shared secret.
    #[arg(long, value_name = "KEY.pub")]
    pub pubkey: Option<PathBuf>,
    /// Sums are all that is wanted: exit 0 when every file matches the manifest's
    /// sha256, though without the shared secret or --pubkey that proves nothing.
    #[arg(long)]
    pub sums_only: bool,
}

pub async fn run(args: VerifyArgs, global: &GlobalArgs) -> Result<(), String> {
    let team = args.pubkey.as_deref().map(PublicKey::from_file).transpose()?;
    // The shared secret, where one is configured, proves what Veriff signed and
    // the manifest's HMAC; without it the team's key may still prove the manifest.
    let secret = match super::resolve(global).await {
        Ok(resolved) => Some(resolved.settings.client.secret.clone()),
        Err(e) => {
            say(&format!("Veriff's signatures not checked: {}\n", clean(&e)));
            None
        }
    };
    let dir = args.dir.clone();
    let report = tokio::task::spawn_blocking(move || verify::verify(&dir, secret.as_ref(), team.as_ref()))
        .await
        .map_err(|e| e.to_string())??;
    let mut lines = String::new();
    for (path, problem) in &report.problems {
        lines += &clean(&problem.describe(path));
        lines.push('\n');
    }
    emit(lines.as_bytes())?;
    say(&format!("{}\n", report.summary()));
    if !report.holds() {
        Err(format!(
            "{} does not hold: {}",
            args.dir.display(),
            crate::text::counted(report.problems.len(), "problem")
        ))
    } else if !report.proves() && !args.sums_only {
        Err(format!(
            "nothing beyond sums was checked in {}: give --pubkey KEY.pub (the team's public key) or configure the shared secret, or --sums-only if sums are all you want",
            args.dir.display()
        ))
    } else {
        Ok(())
    }
}
