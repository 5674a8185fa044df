//! `veriff-tui verify DIR`: the export engine's offline check
//! ([`crate::export::verify`]), one line per problem on standard output.

use std::path::PathBuf;

use clap::Args;

use super::GlobalArgs;
use super::scripting::{emit, say};
use crate::export::verify;
use crate::text::clean;

#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// The folder an export wrote (it holds `manifest.json`).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

pub async fn run(args: VerifyArgs, global: &GlobalArgs) -> Result<(), String> {
    // The shared secret, where one is configured, proves what Veriff signed; the
    // sums alone are checked without it.
    let secret = match super::resolve(global).await {
        Ok(resolved) => Some(resolved.settings.client.secret.clone()),
        Err(e) => {
            say(&format!("signatures not checked: {}\n", clean(&e)));
            None
        }
    };
    let dir = args.dir.clone();
    let report = tokio::task::spawn_blocking(move || verify::verify(&dir, secret.as_ref()))
        .await
        .map_err(|e| e.to_string())??;
    let mut lines = String::new();
    for (path, problem) in &report.problems {
        lines += &clean(&problem.describe(path));
        lines.push('\n');
    }
    emit(lines.as_bytes())?;
    let signed = if report.signed == report.verified {
        "each against Veriff's signature".to_owned()
    } else {
        format!("{} against Veriff's signature", report.signed)
    };
    say(&format!(
        "{} files match the manifest, {signed}; {} problems\n",
        report.verified,
        report.problems.len()
    ));
    if report.holds() {
        Ok(())
    } else {
        Err(format!(
            "{} does not hold: {} problems",
            args.dir.display(),
            report.problems.len()
        ))
    }
}
