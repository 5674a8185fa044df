//! The real binary in a real terminal: a tmux server of its own (its own socket,
//! no user config), for the end-to-end tests and the benchmarks.

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// Runs the shell line `command` in a `width` x `height` pane with `env` set.
    pub fn start(width: u16, height: u16, env: &[(&str, String)], command: &str) -> Tmux {
        assert!(
            Command::new("tmux")
                .arg("-V")
                .output()
                .is_ok_and(|o| o.status.success()),
            "tmux is needed here (.ci/run installs it)"
        );
        // A socket of its own: a previous server may still be shutting down.
        static STARTED: AtomicUsize = AtomicUsize::new(0);
        let socket = format!(
            "veriff-tui-{}-{}",
            std::process::id(),
            STARTED.fetch_add(1, Ordering::Relaxed)
        );
        let mut tmux = Command::new("tmux");
        tmux.args(["-L", &socket, "-f", "/dev/null", "new-session", "-d"]);
        tmux.args(["-x", &width.to_string(), "-y", &height.to_string()]);
        for (name, value) in env {
            tmux.arg("-e").arg(format!("{name}={value}"));
        }
        assert!(tmux.arg(command).status().unwrap().success(), "tmux new-session failed");
        Tmux { socket }
    }

    /// The server's socket name, for a client started elsewhere (`tmux -L NAME attach`).
    #[allow(dead_code, reason = "only the tests that nest tmux attach a second client")]
    pub fn socket(&self) -> &str {
        &self.socket
    }

    /// A tmux command against this server; its standard output.
    pub fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "0"])
    }

    /// Types `keys` (tmux key names) in one go.
    pub fn send(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "0"];
        args.extend(keys);
        self.run(&args);
    }

    /// Waits until the screen shows `text` and returns the screen; fails with the
    /// screen if it does not within `limit`.
    pub fn wait_for(&self, text: &str, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "never saw {text:?}; the screen was:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// A tmux format (`#{pane_pid}`, `#{alternate_on}`, ...) of the pane.
    #[allow(dead_code, reason = "the inbox's tests read only the screen")]
    pub fn format(&self, format: &str) -> String {
        self.run(&["display-message", "-p", "-t", "0", format])
            .trim()
            .to_owned()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["-L", &self.socket, "kill-server"]).output();
    }
}

/// The browser on the inbox at `inbox_url`, started in a `width` x `height`
/// pane: the API at `api_url` (a closed port where only the inbox is looked
/// at), marking as `user` where given, `flags` before `inbox` (`--redact`). The
/// pane stays after the app exits, saying `EXIT=` and its status.
#[allow(dead_code, reason = "only the inbox's tests use it")]
pub fn inbox_browser(
    (width, height): (u16, u16),
    home: &std::path::Path,
    api_url: &str,
    inbox_url: &str,
    user: Option<&str>,
    flags: &str,
) -> Tmux {
    let mut env = app_env(home, api_url);
    env.extend(user.map(|user| ("USER", user.to_owned())));
    let binary = env!("CARGO_BIN_EXE_veriff-tui");
    let command = format!("{binary}{flags} inbox --inbox-url '{inbox_url}'; echo EXIT=$?; sleep 600");
    Tmux::start(width, height, &env, &command)
}

/// The environment of the app under test: a private HOME (with the XDG folders and
/// Downloads inside it), the server at `api_url` with the demo credentials, a
/// common terminal and no display to open files on.
#[allow(dead_code, reason = "the benchmarks set their own")]
pub fn app_env(home: &std::path::Path, api_url: &str) -> Vec<(&'static str, String)> {
    let h = home.display().to_string();
    vec![
        ("HOME", h.clone()),
        ("XDG_CONFIG_HOME", format!("{h}/config")),
        ("XDG_DATA_HOME", format!("{h}/data")),
        ("XDG_CACHE_HOME", format!("{h}/cache")),
        ("VERIFF_DOWNLOAD_DIR", format!("{h}/Downloads")),
        ("VERIFF_API_URL", api_url.to_owned()),
        ("VERIFF_API_KEY", veriff_tui::server::DEMO_API_KEY.to_owned()),
        (
            "VERIFF_SHARED_SECRET",
            veriff_tui::server::DEMO_SHARED_SECRET.to_owned(),
        ),
        ("TERM", "xterm-256color".to_owned()),
        ("DISPLAY", String::new()),
        ("WAYLAND_DISPLAY", String::new()),
    ]
}
