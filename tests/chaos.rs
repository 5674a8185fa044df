//! A chaos run: the real binary in tmux for a minute against the embedded server
//! misbehaving at random (latency, resets, 5xx, truncated and broken bodies, bad
//! signatures), driven by random keys from the key table and random resizes. It must
//! end with no panic, the terminal restored, no partial file and bounded memory.
//!
//! Reproducible: the seed is printed, and `CHAOS_SEED=N cargo test --test chaos`
//! replays the same keys and the same draws of faults. `CHAOS_SECS` shortens it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyModifiers};
use veriff_tui::server::{self, ServerOptions, faults};
use veriff_tui::tui::keymap::{Action, Keymap, Mode};

#[path = "support/tmux.rs"]
mod tmux;
#[path = "support/tools.rs"]
mod tools;
use tmux::Tmux;

/// Peak memory the app may reach during the run.
const RSS_LIMIT_KIB: u64 = 200 * 1024;

/// A key of the table in tmux's names, or `None` for one tmux cannot send.
fn tmux_key(code: KeyCode, modifiers: KeyModifiers) -> Option<String> {
    let name = match code {
        KeyCode::Char(c) if modifiers.contains(KeyModifiers::CONTROL) => format!("C-{c}"),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Down => "Down".into(),
        KeyCode::Up => "Up".into(),
        KeyCode::Left => "Left".into(),
        KeyCode::Right => "Right".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::PageDown => "NPage".into(),
        KeyCode::PageUp => "PPage".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "BTab".into(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Escape".into(),
        _ => return None,
    };
    Some(name)
}

/// Every key of every mode's table except those that quit.
fn keys() -> Vec<String> {
    let keymap = Keymap::defaults();
    let keys: std::collections::BTreeSet<String> = Mode::ALL
        .iter()
        .flat_map(|mode| keymap.rows(*mode))
        .filter(|row| row.action != Action::Quit)
        .flat_map(|row| row.keys.iter())
        .filter_map(|key| {
            let event = key.event();
            tmux_key(event.code, event.modifiers)
        })
        .collect();
    keys.into_iter().collect()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

fn rss_kib(pid: &str, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_minute_of_random_keys_against_a_misbehaving_server() {
    if !tools::available(
        "a_minute_of_random_keys_against_a_misbehaving_server",
        &[tools::TMUX, tools::PGREP],
    ) {
        return;
    }
    let seed = std::env::var("CHAOS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    let secs = std::env::var("CHAOS_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    eprintln!("chaos seed {seed} ({secs} s): replay with CHAOS_SEED={seed} cargo test --test chaos");
    let options = ServerOptions {
        chaos: Some(faults::Chaos { seed, rate: 0.3 }),
        ..ServerOptions::default()
    };
    let server = server::start(options).await.unwrap();
    let url = server.url();
    tokio::task::spawn_blocking(move || {
        let home = tempfile::tempdir().unwrap();
        let h = home.path().display().to_string();
        let env = [
            ("HOME", h.clone()),
            ("XDG_CONFIG_HOME", format!("{h}/config")),
            ("XDG_DATA_HOME", format!("{h}/data")),
            ("XDG_CACHE_HOME", format!("{h}/cache")),
            ("VERIFF_DOWNLOAD_DIR", format!("{h}/Downloads")),
            ("VERIFF_API_URL", url.clone()),
            ("VERIFF_API_KEY", server::DEMO_API_KEY.to_owned()),
            ("VERIFF_SHARED_SECRET", server::DEMO_SHARED_SECRET.to_owned()),
            ("TERM", "xterm-256color".to_owned()),
        ];
        let binary = env!("CARGO_BIN_EXE_veriff-tui");
        let sessions = [
            "c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f",
            "b0a7f00d-2e4f-4a6b-8c9d-1e2f3a4b5c6d",
            faults::SESSION,
            faults::OVERSIZED_SESSION,
            server::LARGE_SESSION,
        ];
        let command = format!(
            "{binary} --image-protocol halfblocks {}; echo EXIT=$?; sleep 600",
            sessions.join(" ")
        );
        let tmux = Tmux::start(100, 30, &env, &command);
        tmux.wait_for("veriff-tui ·", Duration::from_secs(15));
        let shell = tmux.format("#{pane_pid}");
        let pid = String::from_utf8_lossy(
            &std::process::Command::new("pgrep")
                .args(["-P", &shell])
                .output()
                .unwrap()
                .stdout,
        )
        .lines()
        .next()
        .expect("veriff-tui is running")
        .to_owned();

        let keys = keys();
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut sent = 0usize;
        let end = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < end {
            if rng.u8(..) < 8 {
                let (width, height) = (rng.u16(20..200), rng.u16(5..60));
                tmux.run(&[
                    "resize-window",
                    "-t",
                    "0",
                    "-x",
                    &width.to_string(),
                    "-y",
                    &height.to_string(),
                ]);
            } else {
                let key = &keys[rng.usize(..keys.len())];
                tmux.send(&[key]);
                sent += 1;
                // Esc followed at once by a key reads as Alt-key.
                std::thread::sleep(Duration::from_millis(if key == "Escape" { 60 } else { 0 }));
            }
            std::thread::sleep(Duration::from_millis(rng.u64(5..60)));
            let alive = Path::new(&format!("/proc/{pid}")).exists();
            assert!(alive, "the app died (seed {seed}); the screen was:\n{}", tmux.screen());
        }
        let peak = rss_kib(&pid, "VmHWM:").unwrap();
        // Out of any prompt, filter, overlay or transfer, then quit.
        tmux.run(&["resize-window", "-t", "0", "-x", "100", "-y", "30"]);
        for key in ["Escape", "Escape", "Escape", "q"] {
            tmux.send(&[key]);
            std::thread::sleep(Duration::from_millis(100));
        }
        let screen = tmux.wait_for("EXIT=", Duration::from_secs(10));
        assert!(screen.contains("EXIT=0"), "seed {seed}: {screen}");
        assert_eq!(
            tmux.format("#{alternate_on}"),
            "0",
            "seed {seed}: still on the alternate screen"
        );
        assert_eq!(
            tmux.format("#{cursor_flag}"),
            "1",
            "seed {seed}: the cursor is still hidden"
        );
        assert!(!screen.contains("panicked"), "seed {seed}: {screen}");
        let log = std::fs::read_to_string(home.path().join("data/veriff-tui/veriff-tui.log")).unwrap_or_default();
        assert!(!log.contains("panicked"), "seed {seed}: a task panicked:\n{log}");
        let partial: Vec<PathBuf> = files_under(home.path())
            .into_iter()
            .filter(|p| p.to_string_lossy().ends_with(".part"))
            .collect();
        assert!(partial.is_empty(), "seed {seed}: partial files left: {partial:?}");
        assert!(peak < RSS_LIMIT_KIB, "seed {seed}: peak RSS {peak} KiB");
        eprintln!(
            "chaos seed {seed}: {sent} keys, peak RSS {} MiB, no panic, nothing partial",
            peak / 1024
        );
    })
    .await
    .unwrap();
}
