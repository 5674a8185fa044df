//! The real binary in a real terminal (tmux), against the embedded server on
//! loopback: what a person at the keyboard would see.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use veriff_tui::server::{self, ServerOptions, faults};

#[path = "support/tmux.rs"]
mod tmux;
use tmux::Tmux;

const SESSION: &str = "c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f";

/// veriff-tui in a 100x30 pane, pointed at the server with the demo
/// credentials and a private HOME; the pane stays open after it exits and prints
/// its exit status.
struct App {
    tmux: Tmux,
    home: tempfile::TempDir,
}

impl App {
    fn launch(api_url: &str, args: &[&str]) -> App {
        let home = tempfile::tempdir().unwrap();
        let h = home.path().display().to_string();
        let env = [
            ("HOME", h.clone()),
            ("XDG_CONFIG_HOME", format!("{h}/config")),
            ("XDG_DATA_HOME", format!("{h}/data")),
            ("XDG_CACHE_HOME", format!("{h}/cache")),
            ("VERIFF_DOWNLOAD_DIR", format!("{h}/Downloads")),
            ("VERIFF_API_URL", api_url.to_owned()),
            ("VERIFF_API_KEY", server::DEMO_API_KEY.to_owned()),
            ("VERIFF_SHARED_SECRET", server::DEMO_SHARED_SECRET.to_owned()),
            ("TERM", "xterm-256color".to_owned()),
            ("DISPLAY", String::new()),
            ("WAYLAND_DISPLAY", String::new()),
        ];
        let binary = env!("CARGO_BIN_EXE_veriff-tui");
        let command = format!("{binary} {}; echo EXIT=$?; sleep 600", args.join(" "));
        App {
            tmux: Tmux::start(100, 30, &env, &command),
            home,
        }
    }

    fn screen(&self) -> String {
        self.tmux.screen()
    }

    fn keys(&self, keys: &[&str]) {
        for key in keys {
            self.tmux.send(&[key]);
            // Esc followed at once by a letter reads as Alt-letter in any terminal.
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    fn wait_for(&self, text: &str) -> String {
        self.tmux.wait_for(text, Duration::from_secs(15))
    }

    fn format(&self, format: &str) -> String {
        self.tmux.format(format)
    }

    /// The pid of veriff-tui, the pane shell's child.
    fn app_pid(&self) -> String {
        let shell = self.format("#{pane_pid}");
        let out = Command::new("pgrep").args(["-P", &shell]).output().unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .expect("veriff-tui is running")
            .to_owned()
    }

    fn downloads(&self) -> PathBuf {
        self.home.path().join("Downloads")
    }

    /// After the app exited: the main screen is back, the cursor shows.
    fn assert_restored(&self) {
        let screen = self.wait_for("EXIT=");
        assert!(
            !screen.contains("veriff-tui ·"),
            "the app's screen is still up:\n{screen}"
        );
        assert_eq!(self.format("#{alternate_on}"), "0", "still on the alternate screen");
        assert_eq!(self.format("#{cursor_flag}"), "1", "the cursor is still hidden");
    }
}

fn asset(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo").join(name)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browse_a_session_save_a_file_and_quit_cleanly() {
    let server = server::start(ServerOptions::default()).await.unwrap();
    let url = server.url();
    tokio::task::spawn_blocking(move || {
        let tmux = App::launch(&url, &[SESSION]);
        // Opened on the newest attempt with its media listed. The session's media
        // may show before the attempt list arrives: each is waited for.
        tmux.wait_for("document-front");
        tmux.wait_for("attempts 1/3");
        tmux.wait_for("media 1/6");
        tmux.wait_for("approved");

        // Older attempt: its media were prefetched, so they show at once.
        tmux.keys(&["j"]);
        tmux.wait_for("media 1/2");
        tmux.keys(&["j"]);
        tmux.wait_for("no media");
        tmux.keys(&["g", "l", "j", "s"]);
        let screen = tmux.wait_for("saved ");
        let saved: Vec<_> = std::fs::read_dir(tmux.downloads())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(saved.len(), 1, "exactly one file, no leftovers: {saved:?}");
        assert!(
            screen.contains(&saved[0].file_name().unwrap().to_string_lossy()[..20]),
            "{screen}"
        );
        assert_eq!(
            std::fs::read(&saved[0]).unwrap(),
            asset("document-back.jpg"),
            "byte-exact"
        );

        // Saving it again does not duplicate or overwrite it.
        tmux.keys(&["s"]);
        tmux.wait_for("already saved");

        // Without a display, o saves instead and says where.
        tmux.keys(&["j", "o"]);
        let screen = tmux.wait_for("no display to open it on: saved to");
        assert!(screen.contains("_face_face0001"), "{screen}");
        assert_eq!(std::fs::read_dir(tmux.downloads()).unwrap().count(), 2);

        // S: every file of the attempt, in a folder named after session and attempt.
        tmux.keys(&["S"]);
        tmux.wait_for("saved 6 files");
        let folder = tmux
            .downloads()
            .join(format!("{SESSION}_a1000003-5f2e-4c1a-9b3d-7e8f9a0b1c2d"));
        let mut saved: Vec<_> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        saved.sort();
        assert_eq!(saved.len(), 6, "{saved:?}");
        let front = saved
            .iter()
            .find(|n| n.to_string_lossy().contains("document-front_d0c0f001"))
            .unwrap();
        assert_eq!(std::fs::read(folder.join(front)).unwrap(), asset("document-front.jpg"));
        assert!(
            saved.iter().any(|n| n.to_string_lossy().ends_with(".webm")),
            "{saved:?}"
        );

        tmux.keys(&["q"]);
        tmux.assert_restored();
        assert!(tmux.screen().contains("EXIT=0"));
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_and_sighup_restore_the_terminal() {
    let server = server::start(ServerOptions::default()).await.unwrap();
    let url = server.url();
    tokio::task::spawn_blocking(move || {
        for signal in ["-TERM", "-HUP"] {
            let tmux = App::launch(&url, &[SESSION]);
            tmux.wait_for("document-front");
            let status = Command::new("kill").args([signal, &tmux.app_pid()]).status().unwrap();
            assert!(status.success());
            tmux.assert_restored();
        }
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_misbehaving_server_never_freezes_garbles_or_kills_the_app() {
    let server = server::start(ServerOptions::default()).await.unwrap();
    let url = server.url();
    tokio::task::spawn_blocking(move || {
        let tmux = App::launch(&url, &[faults::SESSION]);
        // The hostile attempt: names with escape sequences are shown inert.
        tmux.wait_for("document-front");
        tmux.wait_for("declined");
        assert!(
            !tmux.format("#{pane_title}").contains("pwned"),
            "a server string retitled the terminal"
        );

        // 500 once and 429 once: retried, then shown.
        tmux.keys(&["j"]);
        tmux.wait_for("attempts 2/6");
        tmux.wait_for("media 1/1");
        tmux.keys(&["j"]);
        tmux.wait_for("attempts 3/6");
        tmux.wait_for("media 1/1");
        // An HTML 502 page: shown as its status, never as HTML.
        tmux.keys(&["j"]);
        let screen = tmux.wait_for("502 Bad Gateway");
        assert!(!screen.contains("<html") && !screen.contains("nginx"), "{screen}");
        assert!(screen.contains("r retries"), "{screen}");
        // Broken JSON and a bad signature: clear errors in place.
        tmux.keys(&["j"]);
        tmux.wait_for("could not read the API");
        tmux.keys(&["j"]);
        tmux.wait_for("signature does not match");

        // Downloads that fail leave nothing behind.
        tmux.keys(&["g"]);
        tmux.wait_for("attempts 1/6");
        tmux.keys(&["l", "j", "s"]);
        tmux.wait_for("download incomplete");
        tmux.keys(&["j", "s"]);
        tmux.wait_for("signature does not match its body");
        assert!(
            std::fs::read_dir(tmux.downloads()).map(|d| d.count()).unwrap_or(0) == 0,
            "a failed download left a file"
        );
        // A hostile Content-Type and context still land inside the folder.
        tmux.keys(&["g", "s"]);
        tmux.wait_for("saved ");
        let saved: Vec<_> = std::fs::read_dir(tmux.downloads())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(saved.len(), 1, "{saved:?}");
        let name = saved[0].to_string_lossy();
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) && !name.starts_with('.'),
            "{name}"
        );

        // Still alive and responsive.
        tmux.keys(&["?"]);
        tmux.wait_for("keys · Esc closes");
        tmux.keys(&["Escape", "q"]);
        tmux.assert_restored();
        assert!(tmux.screen().contains("EXIT=0"));
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_read_from_standard_input_are_marked_and_exported() {
    let server = server::start(ServerOptions::default()).await.unwrap();
    let url = server.url();
    let list = tempfile::NamedTempFile::new().unwrap();
    let other = "b0a7f00d-2e4f-4a6b-8c9d-1e2f3a4b5c6d";
    std::fs::write(
        list.path(),
        format!("ticket 88123\n{SESSION}\nhttps://portal/x/{other}\n"),
    )
    .unwrap();
    let list = list.path().display().to_string();
    tokio::task::spawn_blocking(move || {
        let tmux = App::launch(&url, &["<", &list]);
        tmux.wait_for("sessions 1/2");
        tmux.wait_for("document-front");
        // Space marks and moves on: both marked.
        tmux.keys(&["h", "Space", "Space"]);
        tmux.wait_for("sessions 2/2 ● 2");
        tmux.keys(&["E"]);
        let screen = tmux.wait_for("exported 2 sessions into");
        assert!(screen.contains("manifest.json"), "{screen}");
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(tmux.downloads().join("manifest.json")).unwrap()).unwrap();
        let statuses: Vec<&str> = manifest["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["status"].as_str().unwrap())
            .collect();
        assert_eq!(statuses, ["done", "done"]);
        let front = tmux.downloads().join(format!(
            "{SESSION}/a1000003-5f2e-4c1a-9b3d-7e8f9a0b1c2d/document-front_d0c0f001-2a3b-4c5d-8e6f-a1b2c3d4e5f6.jpg"
        ));
        assert_eq!(std::fs::read(front).unwrap(), asset("document-front.jpg"));
        tmux.keys(&["q"]);
        tmux.assert_restored();
        assert!(tmux.screen().contains("EXIT=0"));
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn esc_stops_an_export_leaving_no_partial_file_and_a_manifest() {
    // Media at 1 MiB/s: the export is still running when Esc arrives.
    let server = server::start(ServerOptions {
        bulk: true,
        media_bandwidth: Some(1024 * 1024),
        ..Default::default()
    })
    .await
    .unwrap();
    let url = server.url();
    let list = tempfile::NamedTempFile::new().unwrap();
    let ids: Vec<String> = (0..6).map(server::bulk_session).collect();
    std::fs::write(list.path(), ids.join("\n")).unwrap();
    let list = list.path().display().to_string();
    tokio::task::spawn_blocking(move || {
        let tmux = App::launch(&url, &["--from", &list]);
        tmux.wait_for("sessions 1/6");
        tmux.keys(&["h", "Space", "Space", "Space", "Space", "Space", "Space"]);
        tmux.wait_for("● 6");
        tmux.keys(&["E"]);
        tmux.wait_for("exporting sessions");
        tmux.wait_for("Esc cancels");
        tmux.keys(&["Escape"]);
        tmux.wait_for("export cancelled");
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(tmux.downloads().join("manifest.json")).unwrap()).unwrap();
        let sessions = manifest["sessions"].as_array().unwrap();
        assert_eq!(sessions.len(), 6, "{manifest}");
        assert!(sessions.iter().any(|s| s["status"] == "interrupted"), "{manifest}");
        let mut stack = vec![tmux.downloads()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                assert!(!path.to_string_lossy().ends_with(".part"), "{path:?} left behind");
                if path.is_dir() {
                    stack.push(path);
                }
            }
        }
        tmux.keys(&["q"]);
        tmux.assert_restored();
    })
    .await
    .unwrap();
}
