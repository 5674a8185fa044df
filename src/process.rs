//! Other programs the tool starts (the system viewer, ffmpeg, a profile's
//! `shared_secret_command`): none of them is handed the integration's credentials.

use std::ffi::OsStr;
use std::io;
use std::path::Path;
use std::process::{Command, Stdio};

/// Environment variables that hold credentials; removed from every child.
pub const SECRET_VARIABLES: [&str; 2] = ["VERIFF_SHARED_SECRET", "VERIFF_API_KEY"];

/// `program`, to be run without the credentials in its environment.
pub fn command(program: impl AsRef<OsStr>) -> Command {
    let mut command = Command::new(program);
    without_secrets(&mut command);
    command
}

fn without_secrets(command: &mut Command) -> &mut Command {
    for name in SECRET_VARIABLES {
        command.env_remove(name);
    }
    command
}

/// Opens `path` with the system viewer (xdg-open, gio, open, ...), trying each
/// opener the platform has until one succeeds, each without the credentials.
pub fn open_with_system_viewer(path: &Path) -> io::Result<()> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, "no program to open files with");
    for mut opener in open::commands(path) {
        let status = without_secrets(&mut opener)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        match status {
            Ok(status) if status.success() => return Ok(()),
            Ok(status) => {
                last = io::Error::other(format!("{} failed ({status})", opener.get_program().to_string_lossy()))
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}
