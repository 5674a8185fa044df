//! The real binary in a real terminal (tmux), against the embedded server on
//! loopback: what a person at the keyboard would see.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use veriff_tui::server::{self, DEMO_SHARED_SECRET, ServerOptions, faults};

#[path = "support/tmux.rs"]
mod tmux;
#[path = "support/tools.rs"]
mod tools;
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
        App::launch_with(api_url, args, &[])
    }

    /// Like [`App::launch`], with `extra` set over (or beside) the usual environment.
    fn launch_with(api_url: &str, args: &[&str], extra: &[(&str, String)]) -> App {
        App::launch_sized((100, 30), api_url, args, extra)
    }

    /// Like [`App::launch_with`], in a pane of `size` (columns, rows).
    fn launch_sized(size: (u16, u16), api_url: &str, args: &[&str], extra: &[(&str, String)]) -> App {
        let home = tempfile::tempdir().unwrap();
        let env = tmux::app_env(home.path(), api_url);
        let binary = env!("CARGO_BIN_EXE_veriff-tui");
        // Exported by the pane's shell: tmux takes PATH and DISPLAY from its client
        // whatever `-e` says.
        let exports: String = extra
            .iter()
            .map(|(name, value)| format!("export {name}='{value}'; "))
            .collect();
        let command = format!("{exports}{binary} {}; echo EXIT=$?; sleep 600", args.join(" "));
        App {
            tmux: Tmux::start(size.0, size.1, &env, &command),
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

    /// `M`'s message log: the screen, and its lines joined back into one text
    /// (a message wrapped over lines reads whole).
    fn message_log(&self) -> (String, String) {
        self.keys(&["M"]);
        let log = self.wait_for(" messages ");
        let flat = log
            .lines()
            .map(|l| l.trim_matches(|c| c == '║' || c == ' '))
            .collect::<Vec<_>>()
            .join(" ");
        (log, flat)
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

/// Runs `drive`, the blocking tmux part of a test, with the URL of an embedded
/// server started with `options`. Where tmux is missing the test says so loudly
/// and ends (under CI=true it fails instead: `.ci/run` installs tmux).
async fn in_tmux(test: &str, options: ServerOptions, drive: impl FnOnce(String) + Send + 'static) {
    if !tools::available(test, &[tools::TMUX, tools::PGREP]) {
        return;
    }
    let server = server::start(options).await.unwrap();
    let url = server.url();
    tokio::task::spawn_blocking(move || drive(url)).await.unwrap();
}

fn asset(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo").join(name)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browse_a_session_save_a_file_and_quit_cleanly() {
    in_tmux(
        "browse_a_session_save_a_file_and_quit_cleanly",
        ServerOptions::default(),
        move |url| {
            let tmux = App::launch(&url, &[SESSION]);
            // Opened on the newest attempt with its media listed. The session's media
            // may show before the attempt list arrives: each is waited for.
            tmux.wait_for("document-front");
            tmux.wait_for("attempts 1/3");
            tmux.wait_for("media 1/7");
            tmux.wait_for("approved");

            // The card first, the attempts one pane to the right. Older attempt:
            // its media were prefetched, so they show at once.
            tmux.keys(&["l", "j"]);
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
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_and_sighup_restore_the_terminal() {
    in_tmux(
        "sigterm_and_sighup_restore_the_terminal",
        ServerOptions::default(),
        move |url| {
            for signal in ["-TERM", "-HUP"] {
                let tmux = App::launch(&url, &[SESSION]);
                tmux.wait_for("document-front");
                let status = Command::new("kill").args([signal, &tmux.app_pid()]).status().unwrap();
                assert!(status.success());
                tmux.assert_restored();
            }
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_misbehaving_server_never_freezes_garbles_or_kills_the_app() {
    in_tmux(
        "a_misbehaving_server_never_freezes_garbles_or_kills_the_app",
        ServerOptions::default(),
        move |url| {
            let tmux = App::launch(&url, &[faults::SESSION]);
            // The hostile attempt: names with escape sequences are shown inert.
            tmux.wait_for("document-front");
            tmux.wait_for("declined");
            assert!(
                !tmux.format("#{pane_title}").contains("pwned"),
                "a server string retitled the terminal"
            );

            // 500 once and 429 once: retried, then shown.
            tmux.keys(&["l", "j"]);
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
            tmux.wait_for("Esc closes");
            tmux.keys(&["Escape", "q"]);
            tmux.assert_restored();
            assert!(tmux.screen().contains("EXIT=0"));
        },
    )
    .await;
}

/// The peak resident memory of a running process, from /proc.
fn peak_rss_kib(pid: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decompression_bomb_is_refused_by_its_header_and_memory_stays_low() {
    in_tmux(
        "a_decompression_bomb_is_refused_by_its_header_and_memory_stays_low",
        ServerOptions::default(),
        move |url| {
            let tmux = App::launch(&url, &["--image-protocol", "halfblocks", faults::OVERSIZED_SESSION]);
            tmux.wait_for("document-front");
            tmux.keys(&["Tab", "Tab"]);
            tmux.wait_for("too large to preview: 10000 x 10000");
            let peak = peak_rss_kib(&tmux.app_pid());
            assert!(peak < 100 * 1024, "peak RSS {peak} KiB for a 120 KB PNG");
            tmux.keys(&["q"]);
            tmux.assert_restored();
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_viewer_and_ffmpeg_never_see_the_credentials() {
    in_tmux(
        "the_viewer_and_ffmpeg_never_see_the_credentials",
        ServerOptions::default(),
        move |url| {
            // Fake programs, first on PATH, that write down the environment they got.
            let bin = tempfile::tempdir().unwrap();
            for program in ["xdg-open", "ffmpeg"] {
                let path = bin.path().join(program);
                std::fs::write(&path, format!("#!/bin/sh\nenv > {}.env\nexit 0\n", path.display())).unwrap();
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
            }
            let path = format!("{}:{}", bin.path().display(), std::env::var("PATH").unwrap_or_default());
            let tmux = App::launch_with(
                &url,
                &["--image-protocol", "halfblocks", SESSION],
                &[("PATH", path), ("DISPLAY", ":99".to_owned())],
            );
            tmux.wait_for("media 1/7");
            // The first media opened with the (fake) system viewer; then the first
            // video, whose preview runs (fake) ffmpeg.
            tmux.keys(&["Tab", "Tab", "o"]);
            tmux.wait_for("opened ");
            // The last video (the NFC data is listed after the videos).
            tmux.keys(&["G", "k"]);
            tmux.wait_for("ffmpeg could not read a frame");
            for program in ["xdg-open", "ffmpeg"] {
                let seen = std::fs::read_to_string(bin.path().join(format!("{program}.env")))
                    .unwrap_or_else(|e| panic!("{program} never ran: {e}"));
                assert!(
                    seen.contains("DISPLAY=:99"),
                    "{program} got the rest of the environment:\n{seen}"
                );
                for secret in ["VERIFF_SHARED_SECRET", "VERIFF_API_KEY", DEMO_SHARED_SECRET] {
                    assert!(!seen.contains(secret), "{program} was given {secret}");
                }
            }
            // What the app created for itself is private: the cache of opened files,
            // the data dir and the log.
            let home = tmux.home.path();
            for (path, wanted) in [
                (home.join("cache/veriff-tui"), 0o700),
                (home.join("data/veriff-tui"), 0o700),
                (home.join("data/veriff-tui/veriff-tui.log"), 0o600),
            ] {
                let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
                assert_eq!(mode, wanted, "{}", path.display());
            }
            tmux.keys(&["q"]);
            tmux.assert_restored();
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_remapped_in_the_config_file_drive_the_app_its_hints_and_its_help() {
    in_tmux(
        "keys_remapped_in_the_config_file_drive_the_app_its_hints_and_its_help",
        ServerOptions::default(),
        move |url| {
            let dir = tempfile::tempdir().unwrap();
            let config = dir.path().join("config.toml");
            let write = |text: &str| {
                std::fs::write(&config, text).unwrap();
                std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
            };
            // A mistake is named before the screen changes.
            write("[keys]\nqiut = [\"Q\"]\n");
            let path = config.display().to_string();
            let tmux = App::launch(&url, &["--config", &path, SESSION]);
            let screen = tmux.wait_for("EXIT=1");
            assert!(screen.contains("unknown action `qiut`"), "{screen}");

            write("[keys]\nquit = [\"Q\", \"ctrl-q\"]\n");
            let tmux = App::launch(&url, &["--config", &path, SESSION]);
            let screen = tmux.wait_for("media 1/7");
            let hints = screen.lines().last().unwrap_or_default().to_owned();
            assert!(hints.contains("Q quit") && !hints.contains("q quit"), "{hints}");
            // q is free now: nothing happens.
            tmux.keys(&["q"]);
            std::thread::sleep(Duration::from_millis(300));
            assert!(!tmux.screen().contains("EXIT="), "q still quits");
            tmux.keys(&["?", "G"]);
            let help = tmux.wait_for("Esc closes");
            assert!(help.contains("Q C-q C-c  quit"), "C-c still quits:\n{help}");
            tmux.keys(&["Escape", "Q"]);
            tmux.assert_restored();
            assert!(tmux.screen().contains("EXIT=0"));
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_declined_sessions_card_leads_to_the_session_it_is_linked_to() {
    in_tmux(
        "the_declined_sessions_card_leads_to_the_session_it_is_linked_to",
        ServerOptions::default(),
        move |url| {
            const DECLINED: &str = "dec11ned-7b8c-4d9e-8f0a-1b2c3d4e5f6a";
            let tmux = App::launch(&url, &[DECLINED]);
            tmux.wait_for("attempts 1/2");
            // Without a key: the card says why, who, with what, and what is odd.
            // Each waited for: a capture can land in the middle of a frame being written.
            for part in [
                "102 Suspected document tampering",
                "declined · 9102 not verified",
                "KARL SPECIMEN · born 1990-07-21 · LV",
                "DRIVERS_LICENSE · LV · DL0000042",
                "document: integration level crosslinked with fraud · 1 linked",
                "J/K scroll",
            ] {
                tmux.wait_for(part);
            }
            // Further down: the face match and the watchlist.
            tmux.keys(&["J", "J", "J", "J"]);
            let screen = tmux.wait_for("possible match · 2 hits");
            // A biometric link says what it is: this face was seen elsewhere.
            assert!(screen.contains("face same face as session "), "{screen}");

            // L lists the linked sessions, each with its verdict; one from another
            // integration (the demo server does not know it) says so.
            tmux.keys(&["L"]);
            tmux.wait_for("linked sessions · Enter opens");
            tmux.wait_for("c0ffee00  approved");
            tmux.wait_for("b0a7f00d  no decision yet");
            tmux.wait_for("e15ewe4e  another integration's session");
            // Enter opens the first, whose card shows.
            tmux.keys(&["Enter"]);
            tmux.wait_for("opened linked session c0ffee00");
            let screen = tmux.wait_for("approved · 9001 verified");
            assert!(screen.contains("MARTA SPECIMEN"), "{screen}");
            assert!(screen.contains("▶c0ffee00"), "selected in the sessions pane:\n{screen}");

            tmux.keys(&["q"]);
            tmux.assert_restored();
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_polls_an_undecided_session_and_says_when() {
    in_tmux(
        "watch_polls_an_undecided_session_and_says_when",
        ServerOptions::default(),
        move |url| {
            const UNDECIDED: &str = "b0a7f00d-2e4f-4a6b-8c9d-1e2f3a4b5c6d";
            let tmux = App::launch(&url, &["--watch", "1", UNDECIDED]);
            tmux.wait_for("watching b0a7f00d · every 1s");
            // A poll happened: the title says when.
            let screen = tmux.wait_for("watching b0a7f00d · updated ");
            assert!(screen.lines().next().unwrap().ends_with(" UTC"), "{screen}");
            // w stops it, and says so.
            tmux.keys(&["w"]);
            tmux.wait_for("stopped watching b0a7f00d");
            tmux.keys(&["q"]);
            tmux.assert_restored();
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_read_from_standard_input_are_marked_and_exported() {
    in_tmux(
        "sessions_read_from_standard_input_are_marked_and_exported",
        ServerOptions::default(),
        move |url| {
            let list = tempfile::NamedTempFile::new().unwrap();
            let other = "b0a7f00d-2e4f-4a6b-8c9d-1e2f3a4b5c6d";
            std::fs::write(
                list.path(),
                format!("ticket 88123\n{SESSION}\nhttps://portal/x/{other}\n"),
            )
            .unwrap();
            let list = list.path().display().to_string();
            let tmux = App::launch(&url, &["<", &list]);
            tmux.wait_for("sessions 1/2");
            tmux.wait_for("document-front");
            // Space marks and moves on: both marked.
            tmux.keys(&["h", "Space", "Space"]);
            tmux.wait_for("sessions 2/2 ● 2");
            // E asks for the case folder, prefilled in the download folder.
            tmux.keys(&["E"]);
            tmux.wait_for("case folder");
            tmux.keys(&["Enter"]);
            let screen = tmux.wait_for("exported 2 sessions into");
            let case = case_folder(&tmux.downloads());
            assert!(screen.contains(case.to_str().unwrap()), "the absolute path: {screen}");
            let manifest: serde_json::Value =
                serde_json::from_slice(&std::fs::read(case.join("manifest.json")).unwrap()).unwrap();
            let statuses: Vec<&str> = manifest["sessions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["status"].as_str().unwrap())
                .collect();
            assert_eq!(statuses, ["done", "done"]);
            let front = case.join(format!(
                "{SESSION}/a1000003-5f2e-4c1a-9b3d-7e8f9a0b1c2d/document-front_d0c0f001-2a3b-4c5d-8e6f-a1b2c3d4e5f6.jpg"
            ));
            assert_eq!(std::fs::read(front).unwrap(), asset("document-front.jpg"));
            // The finished case is offered a check: Enter verifies it.
            tmux.wait_for("verify the export?");
            tmux.keys(&["Enter"]);
            tmux.wait_for("files match the manifest");
            // The export's message whole, where the status line said the rest is.
            let (log, flat) = tmux.message_log();
            assert!(
                flat.contains("(manifest.json) · check it any time: veriff-tui verify"),
                "{log}"
            );
            tmux.keys(&["Escape", "q"]);
            tmux.assert_restored();
            assert!(tmux.screen().contains("EXIT=0"));
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn esc_stops_an_export_leaving_no_partial_file_and_a_manifest() {
    in_tmux(
        "esc_stops_an_export_leaving_no_partial_file_and_a_manifest",
        ServerOptions {
            bulk: true,
            media_bandwidth: Some(1024 * 1024),
            ..Default::default()
        },
        move |url| {
            // Media at 1 MiB/s: the export is still running when Esc arrives.
            let list = tempfile::NamedTempFile::new().unwrap();
            let ids: Vec<String> = (0..6).map(server::bulk_session).collect();
            std::fs::write(list.path(), ids.join("\n")).unwrap();
            let list = list.path().display().to_string();
            let tmux = App::launch(&url, &["--from", &list]);
            tmux.wait_for("sessions 1/6");
            tmux.keys(&["h", "Space", "Space", "Space", "Space", "Space", "Space"]);
            tmux.wait_for("● 6");
            tmux.keys(&["E"]);
            tmux.wait_for("case folder");
            tmux.keys(&["Enter"]);
            tmux.wait_for("exporting sessions");
            tmux.wait_for("Esc cancels");
            tmux.keys(&["Escape"]);
            tmux.wait_for("export cancelled");
            let manifest: serde_json::Value =
                serde_json::from_slice(&std::fs::read(case_folder(&tmux.downloads()).join("manifest.json")).unwrap())
                    .unwrap();
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
        },
    )
    .await;
}

/// The answer on the first screen: a session opened by id, by link from the
/// prompt, shows its verdict and reason before any key, at 80x24.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_opened_session_shows_its_verdict_and_reason_first_at_80x24() {
    in_tmux(
        "an_opened_session_shows_its_verdict_and_reason_first_at_80x24",
        ServerOptions::default(),
        move |url| {
            const DECLINED: &str = "dec11ned-7b8c-4d9e-8f0a-1b2c3d4e5f6a";
            let tmux = App::launch_sized((80, 24), &url, &[DECLINED], &[]);
            let screen = tmux.wait_for("102 Suspected document tampering");
            assert!(screen.contains("declined · 9102 not verified"), "{screen}");
            assert!(
                screen.contains("┏ sessions"),
                "the sessions pane has the focus:\n{screen}"
            );

            // A link pasted into the prompt: its card, not an attempt row.
            tmux.keys(&["a"]);
            tmux.wait_for("Paste a session id");
            tmux.tmux
                .send(&["-l", &format!("https://station.veriff.com/verifications/{SESSION}")]);
            tmux.keys(&["Enter"]);
            let screen = tmux.wait_for("approved · 9001 verified");
            assert!(screen.contains("▶c0ffee00"), "{screen}");
            tmux.keys(&["q"]);
            tmux.assert_restored();
        },
    )
    .await;
}

/// Keys that forgive: `quit = ["Q"]` starts (it was refused for the prompt), the
/// help says what it kept, Ctrl-C still quits, even from the prompt, and a wide
/// hint bar shows every key of an action.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebound_quit_starts_says_what_it_kept_and_ctrl_c_still_quits() {
    in_tmux(
        "a_rebound_quit_starts_says_what_it_kept_and_ctrl_c_still_quits",
        ServerOptions::default(),
        move |url| {
            let dir = tempfile::tempdir().unwrap();
            let config = dir.path().join("config.toml");
            std::fs::write(&config, "[keys]\nquit = [\"Q\"]\n").unwrap();
            std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
            let path = config.display().to_string();
            let tmux = App::launch_sized((160, 45), &url, &["--config", &path, SESSION], &[]);
            let screen = tmux.wait_for("media 1/7");
            let hints = screen.lines().last().unwrap_or_default().to_owned();
            assert!(
                hints.contains("Tab/l/→ pane") && hints.contains("Q/C-c quit"),
                "{hints}"
            );
            tmux.keys(&["?"]);
            let help = tmux.wait_for("your [keys]");
            assert!(help.contains("prompt: quit keeps C-c (Q types itself there)"), "{help}");
            assert!(help.contains("C-c still quits"), "{help}");
            tmux.keys(&["Escape", "a"]);
            tmux.wait_for("Paste a session id");
            tmux.keys(&["Q", "C-c"]);
            tmux.assert_restored();
            assert!(tmux.screen().contains("EXIT=0"));
        },
    )
    .await;
}

/// Dates carry their year where it is not this one, a filter matches what the
/// pane shows, and a sessions filter matching nothing says so instead of spinning.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_80x24_old_dates_show_their_year_and_filters_match_the_screen() {
    in_tmux(
        "at_80x24_old_dates_show_their_year_and_filters_match_the_screen",
        ServerOptions::default(),
        move |url| {
            let tmux = App::launch_sized((80, 24), &url, &[SESSION], &[]);
            tmux.wait_for("attempts 1/3");
            // The demo's oldest attempt is of 2025-12-30.
            let screen = tmux.wait_for("2025-12-30");
            assert!(screen.contains("2025-12-30  abandoned"), "{screen}");
            tmux.keys(&["l", "/"]);
            tmux.tmux.send(&["-l", "12-30 10"]);
            tmux.keys(&["Enter"]);
            let screen = tmux.wait_for("attempts 1/1");
            assert!(screen.contains("▶2025-12-30"), "{screen}");
            assert!(
                !screen.contains("approved "),
                "the filter let others through:\n{screen}"
            );

            tmux.keys(&["h", "/"]);
            tmux.tmux.send(&["-l", "no such session"]);
            tmux.keys(&["Enter"]);
            tmux.wait_for("no session matches the filter");
            // Kept, and still saying so a while later: nothing is on its way.
            std::thread::sleep(Duration::from_millis(300));
            let screen = tmux.screen();
            assert!(!screen.contains("filter sessions:"), "{screen}");
            assert!(!screen.contains("loading"), "a spinner for nothing:\n{screen}");
            assert_eq!(
                screen.matches("no session matches").count(),
                3,
                "each pane says so:\n{screen}"
            );
            tmux.keys(&["q"]);
            tmux.assert_restored();
        },
    )
    .await;
}

/// A wrong secret: one banner for every session instead of an `error` per row
/// that says nothing more, short enough for 80 columns, and `M` shows every
/// message in full, the fix first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_80x24_a_wrong_secret_is_one_banner_and_the_log_reads_in_full() {
    in_tmux(
        "at_80x24_a_wrong_secret_is_one_banner_and_the_log_reads_in_full",
        ServerOptions::default(),
        move |url| {
            const DECLINED: &str = "dec11ned-7b8c-4d9e-8f0a-1b2c3d4e5f6a";
            let tmux = App::launch_sized(
                (80, 24),
                &url,
                &[SESSION, DECLINED],
                &[("VERIFF_SHARED_SECRET", "not-the-secret".to_owned())],
            );
            let screen = tmux.wait_for("2 sessions: wrong shared secret: check VERIFF_SHARED_SECRET (M: details)");
            assert_eq!(
                screen.lines().nth(22).map(str::trim_end),
                Some("2 sessions: wrong shared secret: check VERIFF_SHARED_SECRET (M: details)"),
                "the status line holds the banner whole:\n{screen}"
            );
            let (log, flat) = tmux.message_log();
            for part in [
                "fix: the request signature was rejected: check VERIFF_SHARED_SECRET or the profile's shared secret \
                 (the integration's shared secret, not its API key)",
                // Which answer failed first varies; each names its request and session.
                " of session c0ffee00",
                ": Veriff error 1818 (HTTP 401): Signature does not match the HMAC-SHA256 of query ID and \
                 integration API secret.",
            ] {
                // The banner is checked on the main screen above: the log lists it
                // wherever it fell among the replies, which may be below the fold.
                assert!(flat.contains(part), "{part:?} missing:\n{log}");
            }
            assert!(log.lines().all(|l| l.chars().count() <= 80), "{log}");
            tmux.keys(&["Escape"]);
            tmux.wait_for("q quit");
            tmux.keys(&["q"]);
            tmux.assert_restored();
        },
    )
    .await;
}

/// The one case folder (`case-<date>-<time>`) an export made in `downloads`.
fn case_folder(downloads: &std::path::Path) -> std::path::PathBuf {
    let cases: Vec<std::path::PathBuf> = std::fs::read_dir(downloads)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("case-"))
        .collect();
    assert_eq!(cases.len(), 1, "{cases:?}");
    std::path::absolute(&cases[0]).unwrap()
}

/// `D` in the real binary: a wrong answer is refused, the session's first 8
/// characters delete it at the embedded server, the list forgets it and the
/// audit log has the line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d_deletes_a_session_only_after_its_first_eight_characters_are_typed() {
    in_tmux(
        "d_deletes_a_session_only_after_its_first_eight_characters_are_typed",
        ServerOptions::default(),
        move |url| {
            let app = App::launch(&url, &[SESSION]);
            app.wait_for("approved · 9001 verified");
            app.keys(&["D"]);
            let asked = app.wait_for("Type c0ffee00");
            // What goes: the verdict, the name read, attempts and media files.
            assert!(
                asked.contains("approved, MARTA SPECIMEN")
                    && asked.contains("3 attempts,")
                    && asked.contains("media files"),
                "{asked}"
            );
            app.tmux.send(&["-l", "c0ffee01"]);
            app.keys(&["Enter"]);
            app.wait_for("type c0ffee00 to confirm");
            app.keys(&["BSpace"]);
            app.tmux.send(&["-l", "0"]);
            app.keys(&["Enter"]);
            let screen = app.wait_for("deleted session c0ffee00");
            assert!(screen.contains("no sessions"), "the list forgot it:\n{screen}");
            let log = app.home.path().join("data/veriff-tui/audit.log");
            let recorded = std::fs::read_to_string(&log).unwrap();
            assert!(
                recorded.contains("\"delete_session\"") && recorded.contains(SESSION),
                "{recorded}"
            );
            app.keys(&["q"]);
            app.assert_restored();
        },
    )
    .await;
}
