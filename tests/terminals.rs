//! Terminals other than a capable one: none at all, `TERM=dumb`, and one that
//! never answers a query while an image protocol is forced.

use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[allow(dead_code, reason = "this file types no keys")]
#[path = "support/tmux.rs"]
mod tmux;
#[path = "support/tools.rs"]
mod tools;

const BIN: &str = env!("CARGO_BIN_EXE_veriff-tui");
const SESSION: &str = "c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f";

#[test]
fn without_a_terminal_the_browser_points_at_the_subcommands() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args(["--demo", SESSION])
        .env_clear()
        .env("HOME", home.path())
        .env("TERM", "xterm-256color")
        .env("VERIFF_TUI_CONFIG", "/dev/null")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Standard input, or standard output when keys could come from /dev/tty.
    assert!(
        stderr.contains("the browser needs a terminal (standard ") && stderr.contains(" is not a terminal)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("attempts, session-media, decision, person, watchlist SESSION")
            && stderr.contains("download MEDIA")
            && stderr.contains("export SESSION..."),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "nothing drawn on a pipe: {:?}", out.stdout);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn term_dumb_is_refused_with_the_same_pointer() {
    if !tools::available("TERM=dumb in tmux", &[tools::TMUX]) {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let env = [
        ("HOME", home.path().display().to_string()),
        ("VERIFF_TUI_CONFIG", "/dev/null".to_owned()),
    ];
    // TERM is set on the command line: tmux sets its own in the pane.
    let tmux = tmux::Tmux::start(
        100,
        10,
        &env,
        &format!("TERM=dumb {BIN} --demo {SESSION}; echo EXIT=$?; sleep 600"),
    );
    let screen = tmux.wait_for("EXIT=", Duration::from_secs(15));
    assert!(screen.contains("EXIT=1"), "{screen}");
    // The message wraps at 100 columns; tmux joins what it wrapped.
    let joined = tmux.run(&["capture-pane", "-p", "-J", "-t", "0"]);
    assert!(
        joined.contains("needs a terminal (TERM=dumb cannot draw it)"),
        "{screen}"
    );
    assert!(joined.contains("veriff-tui --help"), "{screen}");
    assert_eq!(tmux.format("#{alternate_on}"), "0", "the screen was never taken over");
}

/// A pseudo-terminal nobody answers: whatever the app asks goes unanswered, as
/// in a terminal that knows no graphics query (or a serial console).
struct SilentTerminal {
    master: std::fs::File,
    output: Arc<Mutex<Vec<u8>>>,
    child: std::process::Child,
}

impl SilentTerminal {
    fn run(args: &[&str], home: &std::path::Path) -> SilentTerminal {
        // openpty(3), in its steps.
        use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
        let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC).unwrap();
        grantpt(&master).unwrap();
        unlockpt(&master).unwrap();
        let size = rustix::termios::Winsize {
            ws_row: 30,
            ws_col: 100,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        rustix::termios::tcsetwinsize(&master, size).unwrap();
        let slave: OwnedFd = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(rustix::fs::OFlags::NOCTTY.bits() as i32)
            .open(ptsname(&master, Vec::new()).unwrap().to_str().unwrap())
            .unwrap()
            .into();
        let mut command = Command::new(BIN);
        command
            .args(args)
            .env_clear()
            .env("HOME", home)
            .env("TERM", "xterm-256color")
            .env("VERIFF_TUI_CONFIG", "/dev/null")
            .env("VERIFF_DOWNLOAD_DIR", home.join("Downloads"))
            .stdin(slave.try_clone().unwrap())
            .stdout(slave.try_clone().unwrap())
            .stderr(slave);
        // SAFETY: only async-signal-safe calls (two system calls) between fork and
        // exec; pre_exec itself is what needs unsafe.
        unsafe {
            command.pre_exec(|| {
                rustix::process::setsid()?;
                rustix::process::ioctl_tiocsctty(rustix::stdio::stdin())?;
                Ok(())
            });
        }
        let child = command.spawn().unwrap();
        drop(command);
        let master = std::fs::File::from(master);
        let output = Arc::new(Mutex::new(Vec::new()));
        let mut reader = master.try_clone().unwrap();
        let sink = output.clone();
        std::thread::spawn(move || {
            let mut buffer = [0; 8192];
            while let Ok(n) = reader.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buffer[..n]);
            }
        });
        SilentTerminal { master, output, child }
    }

    fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while !String::from_utf8_lossy(&self.output.lock().unwrap()).contains(text) {
            assert!(Instant::now() < deadline, "never saw {text:?}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits up to `limit` for the app to exit.
    fn exited_within(&mut self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if self.child.try_wait().unwrap().is_some() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }
}

impl Drop for SilentTerminal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_forced_image_protocol_never_swallows_the_first_key() {
    for protocol in ["sixel", "kitty"] {
        let home = tempfile::tempdir().unwrap();
        let mut app = SilentTerminal::run(&["--demo", "--image-protocol", protocol, SESSION], home.path());
        app.wait_for("approved");
        // Past the point where the renderer is chosen (right after the first frame
        // and the first requests).
        std::thread::sleep(Duration::from_millis(300));
        app.master.write_all(b"q").unwrap();
        assert!(
            app.exited_within(Duration::from_secs(3)),
            "--image-protocol {protocol}: the first key (q) was swallowed"
        );
    }
}
