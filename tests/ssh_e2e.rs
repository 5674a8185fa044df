//! The browser where it is meant to be used: through a real SSH link. A private
//! sshd on 127.0.0.1 (throwaway host and user keys), `ssh -tt` in tmux, and at the
//! other end the real binary against the embedded server. Then the link drops in
//! the middle of a download.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use veriff_tui::server::{self, BIG_SESSION, ServerOptions};
use veriff_tui::tui::layout;

#[path = "support/tmux.rs"]
mod tmux;
#[path = "support/tools.rs"]
mod tools;
use tmux::Tmux;

const SESSION: &str = "c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f";
const BIN: &str = env!("CARGO_BIN_EXE_veriff-tui");
const WAIT: Duration = Duration::from_secs(15);

/// An sshd of the test's own, on a free loopback port, accepting only the
/// throwaway user key. Killed when dropped.
struct Sshd {
    child: Child,
    dir: tempfile::TempDir,
    port: u16,
}

impl Sshd {
    fn start() -> Sshd {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        for key in ["host_key", "user_key"] {
            let status = Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-C", "veriff-tui-test", "-f"])
                .arg(path(key))
                .status()
                .unwrap();
            assert!(status.success(), "ssh-keygen failed");
        }
        std::fs::copy(path("user_key.pub"), path("authorized_keys")).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        // StrictModes off: the keys live in a temporary directory. Root may log
        // in (CI runs as root), by key only.
        let config = format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {host}\nAuthorizedKeysFile {keys}\n\
             PidFile none\nStrictModes no\nUsePAM no\nPermitRootLogin prohibit-password\n\
             PasswordAuthentication no\nKbdInteractiveAuthentication no\nPubkeyAuthentication yes\n\
             PrintMotd no\nPrintLastLog no\nX11Forwarding no\nAllowTcpForwarding no\nLogLevel ERROR\n",
            host = path("host_key").display(),
            keys = path("authorized_keys").display(),
        );
        std::fs::write(path("sshd_config"), config).unwrap();
        // Privilege separation needs its empty directory (a package's service
        // would create it at boot).
        let _ = std::fs::create_dir_all("/run/sshd");
        let log = std::fs::File::create(path("sshd.log")).unwrap();
        let child = Command::new("/usr/sbin/sshd")
            .args(["-D", "-e", "-f"])
            .arg(path("sshd_config"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        let sshd = Sshd { child, dir, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "sshd did not start: {}",
                std::fs::read_to_string(sshd.path("sshd.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        sshd
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A script that logs in with `ssh -tt` and runs, at the other end, veriff-tui
    /// on `args` against `api_url` with the demo credentials and `home` as HOME.
    /// The remote process writes its pid to `remote.pid`.
    fn connect_script(&self, api_url: &str, home: &Path, args: &str) -> PathBuf {
        let h = home.display();
        // sshd passes no environment through (no AcceptEnv): the remote side sets
        // its own, as a login on another machine would have it.
        let remote = format!(
            "#!/bin/sh\necho $$ > {pid}\nexport HOME={h} XDG_CONFIG_HOME={h}/config XDG_DATA_HOME={h}/data \
             XDG_CACHE_HOME={h}/cache VERIFF_DOWNLOAD_DIR={h}/Downloads VERIFF_API_URL={api_url} \
             VERIFF_API_KEY={key} VERIFF_SHARED_SECRET={secret}\nunset DISPLAY WAYLAND_DISPLAY\n\
             exec {BIN} {args}\n",
            pid = self.path("remote.pid").display(),
            key = server::DEMO_API_KEY,
            secret = server::DEMO_SHARED_SECRET,
        );
        let user = String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout).unwrap();
        let connect = format!(
            "#!/bin/sh\nexec ssh -tt -F /dev/null -i {key} -p {port} -o BatchMode=yes -o IdentitiesOnly=yes \
             -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
             {user}@127.0.0.1 {remote}\n",
            key = self.path("user_key").display(),
            port = self.port,
            user = user.trim(),
            remote = self.path("remote.sh").display(),
        );
        for (name, text) in [("remote.sh", remote), ("connect.sh", connect)] {
            std::fs::write(self.path(name), text).unwrap();
            let status = Command::new("chmod").arg("+x").arg(self.path(name)).status().unwrap();
            assert!(status.success());
        }
        self.path("connect.sh")
    }

    /// The pid of veriff-tui at the far end, once it has started.
    fn remote_pid(&self) -> i32 {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(pid) = std::fs::read_to_string(self.path("remote.pid"))
                .ok()
                .and_then(|s| s.trim().parse().ok())
            {
                return pid;
            }
            assert!(
                Instant::now() < deadline,
                "the remote side never started: {}",
                std::fs::read_to_string(self.path("sshd.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether process `pid` still runs (a zombie waiting for its parent does not).
fn running(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|stat| stat.rsplit(") ").next().is_some_and(|rest| !rest.starts_with('Z')))
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default()
}

fn asset(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo").join(name)).unwrap()
}

/// Waits until `ready` holds for the screen; fails with the screen if it does not.
fn wait_until(tmux: &Tmux, what: &str, ready: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let screen = tmux.screen();
        if ready(&screen) {
            return screen;
        }
        assert!(Instant::now() < deadline, "never saw {what}; the screen was:\n{screen}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Milliseconds from a keypress to the frame that answers it: `j` and `k` on
/// prefetched attempts, each timed until the attempts title changes (median).
fn keypress_to_frame(tmux: &Tmux, samples: usize) -> f64 {
    let mut times = Vec::new();
    for i in 0..samples {
        let (key, title) = if i % 2 == 0 {
            ("j", "attempts 2/3")
        } else {
            ("k", "attempts 1/3")
        };
        let started = Instant::now();
        tmux.send(&[key]);
        tmux.wait_for(title, WAIT);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_ssh_browse_preview_save_resize_then_a_dropped_link_leaves_nothing() {
    if !tools::available(
        "the SSH end-to-end test",
        &[tools::TMUX, tools::SSHD, tools::SSH, tools::SSH_KEYGEN],
    ) {
        return;
    }
    let server = server::start(ServerOptions {
        big_media_size: Some(8 * 1024 * 1024),
        ..ServerOptions::default()
    })
    .await
    .unwrap();
    let url = server.url();
    let server = std::sync::Arc::new(server);
    let remote_server = server.clone();
    tokio::task::spawn_blocking(move || {
        let server = remote_server;
        let sshd = Sshd::start();
        let home = tempfile::tempdir().unwrap();
        let downloads = home.path().join("Downloads");
        let connect = sshd.connect_script(
            &url,
            home.path(),
            &format!("--image-protocol halfblocks {SESSION} {BIG_SESSION}"),
        );
        let tmux = Tmux::start(
            100,
            30,
            &[("TERM", "xterm-256color".to_owned())],
            &connect.display().to_string(),
        );
        let pid = sshd.remote_pid();

        // Browse: the session opens on its newest attempt, through the link.
        tmux.wait_for("attempts 1/3", WAIT);
        tmux.wait_for("document-front", WAIT);
        let local_ms = local_keypress_to_frame(&url);
        // The card first; the attempts pane one to the right.
        tmux.send(&["l"]);
        let ssh_ms = keypress_to_frame(&tmux, 20);
        println!("keypress to frame (median of 20): local {local_ms:.1} ms, through SSH {ssh_ms:.1} ms");

        // Preview: half blocks fill the picture's box beside the fields.
        tmux.send(&["l"]);
        tmux.wait_for("media 1/7", WAIT);
        let picture = layout::preview_rect(layout::areas(ratatui::layout::Rect::new(0, 0, 100, 30)).details);
        let screen = wait_until(&tmux, "a halfblock preview", |screen| {
            half_blocks(screen, picture) * 3 >= (picture.width * picture.height) as usize
        });
        assert!(screen.contains("d0c0f001-2a3b-4c5d-8e6f-a1b2c3d4e5f6"), "{screen}");

        // Save: the file arrives byte for byte.
        tmux.send(&["s"]);
        tmux.wait_for("saved ", WAIT);
        let saved = entries(&downloads);
        assert_eq!(saved.len(), 1, "{saved:?}");
        assert_eq!(std::fs::read(&saved[0]).unwrap(), asset("document-front.jpg"));
        std::fs::remove_file(&saved[0]).unwrap();

        // Resize: SIGWINCH travels through ssh and the app redraws at the new size.
        tmux.run(&["resize-window", "-t", "0", "-x", "70", "-y", "20"]);
        let screen = wait_until(&tmux, "the frame redrawn at 70x20", |screen| {
            let lines: Vec<&str> = screen.lines().collect();
            lines.len() >= 20 && lines[19].contains("q quit") && lines[1].chars().nth(69) == Some('┓')
        });
        assert!(screen.lines().all(|l| l.chars().count() <= 70), "{screen}");
        assert!(screen.contains("media 1/7"), "the selection survived:\n{screen}");
        tmux.run(&["resize-window", "-t", "0", "-x", "100", "-y", "30"]);
        wait_until(&tmux, "the frame redrawn at 100x30", |screen| {
            screen.lines().nth(29).is_some_and(|l| l.contains("q quit"))
        });

        // The big session's file, trickling at 256 KiB/s: 32 s to finish.
        tmux.send(&["h"]);
        tmux.send(&["h"]);
        tmux.send(&["j"]);
        tmux.wait_for("attempts 1/1", WAIT);
        tmux.send(&["l", "l"]);
        tmux.wait_for("8.0 MiB", WAIT);
        server.set_media_rate(Some(256 * 1024));
        tmux.send(&["s"]);
        let deadline = Instant::now() + WAIT;
        let part = loop {
            if let Some(part) = entries(&downloads)
                .into_iter()
                .find(|p| p.to_string_lossy().ends_with(".part") && p.metadata().is_ok_and(|m| m.len() > 0))
            {
                break part;
            }
            assert!(
                Instant::now() < deadline,
                "the download never started:\n{}",
                tmux.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        tmux.wait_for("Esc cancels", WAIT);

        // The link drops: the ssh client dies without a word.
        let client: i32 = tmux.format("#{pane_pid}").parse().unwrap();
        let dropped = Instant::now();
        // The ssh client this test started in its own tmux.
        rustix::process::kill_process(
            rustix::process::Pid::from_raw(client).unwrap(),
            rustix::process::Signal::KILL,
        )
        .unwrap();
        while running(pid) {
            assert!(
                dropped.elapsed() < Duration::from_secs(2),
                "veriff-tui still runs 2 s after the link dropped"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        let gone = dropped.elapsed();
        println!("the remote veriff-tui ended {gone:?} after the link dropped");
        let log = std::fs::read_to_string(home.path().join("data/veriff-tui/veriff-tui.log")).unwrap_or_default();
        assert!(
            !part.exists(),
            "left its partial file behind: {part:?}; its log:\n{log}"
        );
        assert!(entries(&downloads).is_empty(), "{:?}", entries(&downloads));
        server.set_media_rate(None);
    })
    .await
    .unwrap();
}

/// Cells of `area` drawn with half blocks.
fn half_blocks(screen: &str, area: ratatui::layout::Rect) -> usize {
    screen
        .lines()
        .skip(area.y as usize)
        .take(area.height as usize)
        .map(|line| {
            line.chars()
                .skip(area.x as usize)
                .take(area.width as usize)
                .filter(|c| matches!(c, '▀' | '▄' | '█'))
                .count()
        })
        .sum()
}

/// The same keypress-to-frame figure without SSH: the app straight in tmux.
fn local_keypress_to_frame(url: &str) -> f64 {
    let home = tempfile::tempdir().unwrap();
    let env = tmux::app_env(home.path(), url);
    let tmux = Tmux::start(100, 30, &env, &format!("{BIN} --image-protocol halfblocks {SESSION}"));
    tmux.wait_for("document-front", WAIT);
    tmux.wait_for("attempts 1/3", WAIT);
    tmux.send(&["l"]);
    keypress_to_frame(&tmux, 20)
}
