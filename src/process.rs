//! Other programs the tool starts (the system viewer, ffmpeg, a profile's
//! `shared_secret_command`): none of them is handed the integration's credentials.

use std::ffi::OsStr;
use std::io;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Environment variables that hold credentials; removed from every child.
const SECRET_VARIABLES: [&str; 2] = ["VERIFF_SHARED_SECRET", "VERIFF_API_KEY"];

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

/// Why [`output_within`] produced no output.
#[derive(Debug)]
pub enum RunError {
    /// It could not be started (not installed, most often).
    Spawn(io::Error),
    /// It ran past its time and was killed with its whole process group.
    TimedOut,
    Io(io::Error),
}

/// Runs `command` with stdin closed and stderr discarded, in a process group of its
/// own, and returns its exit status and standard output. Past `timeout` the whole
/// group is killed (children it left behind included), as ssh does with a
/// ProxyCommand: a hung helper must never hang the tool.
pub fn output_within(command: &mut Command, timeout: Duration) -> Result<(ExitStatus, Vec<u8>), RunError> {
    use std::io::Read;
    use std::os::unix::process::CommandExt;
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .map_err(RunError::Spawn)?;
    let group = rustix::process::Pid::from_child(&child);
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let read = stdout.read_to_end(&mut bytes).map(|_| bytes);
        let _ = tx.send(read);
    });
    let deadline = Instant::now() + timeout;
    let kill = |child: &mut std::process::Child| {
        // The process group this function created (its leader is the child).
        let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
        let _ = child.wait();
        RunError::TimedOut
    };
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => return Err(kill(&mut child)),
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(RunError::Io(e)),
        }
    };
    // A child it left behind may hold the pipe open: the same deadline applies.
    match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        Ok(Ok(bytes)) => Ok((status, bytes)),
        Ok(Err(e)) => Err(RunError::Io(e)),
        Err(_) => Err(kill(&mut child)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_helper_that_hangs_is_killed_with_the_children_it_started() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("grandchild-alive");
        // A grandchild that outlives the shell would go on without the group kill.
        let script = format!("(sleep 1; touch {}) & sleep 5", marker.display());
        let started = Instant::now();
        let outcome = output_within(command("sh").arg("-c").arg(script), Duration::from_millis(300));
        assert!(matches!(outcome, Err(RunError::TimedOut)), "{outcome:?}");
        assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
        std::thread::sleep(Duration::from_millis(1500));
        assert!(!marker.exists(), "the process group was killed");
    }

    #[test]
    fn output_and_status_come_back() {
        let (status, out) =
            output_within(command("sh").arg("-c").arg("printf hi; exit 3"), Duration::from_secs(5)).unwrap();
        assert_eq!((status.code(), out.as_slice()), (Some(3), &b"hi"[..]));
        assert!(matches!(
            output_within(&mut command("/nonexistent/program"), Duration::from_secs(1)),
            Err(RunError::Spawn(_))
        ));
    }
}
