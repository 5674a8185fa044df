//! `cargo bench`: the figures of BENCHMARKS.md, measured side by side in one run
//! against curl, `true` and the round-trip limit, on the embedded server over
//! loopback. Prints each figure beside its target and exits non-zero when one
//! misses. Needs curl, tmux and GNU time (`apt-get install -y curl tmux time`).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use veriff_tui::api::Secret;
use veriff_tui::server::{
    self, BIG_MEDIA, DEMO_API_KEY, DEMO_SHARED_SECRET, LARGE_SESSION, RunningServer, ServerOptions,
};
use veriff_tui::tui::app::{Model, Msg, Pane, update};
use veriff_tui::tui::effects::{Dirs, Effects};
use veriff_tui::tui::ui::{Theme, view};

#[path = "../tests/support/tmux.rs"]
mod tmux;
use tmux::Tmux;
#[path = "support/measure.rs"]
mod measure;
use measure::{Report, median, ms, run, run_measured};

const BIN: &str = env!("CARGO_BIN_EXE_veriff-tui");
const SESSION: &str = "c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f";
const ATTEMPT: &str = "a1000003-5f2e-4c1a-9b3d-7e8f9a0b1c2d";
const MIB: u64 = 1024 * 1024;

fn main() {
    // `cargo bench` passes --bench; a filter argument is not supported.
    let runtime = measure::runtime();
    let mut report = Report::default();
    let work = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();

    println!("veriff-tui benchmarks: {}", machine());
    download_throughput(&runtime, &mut report, work.path());
    export(&runtime, &mut report, work.path());
    request_overhead(&runtime, &mut report);
    first_useful_screen(&runtime, &mut report);
    scale(&runtime, &mut report);
    many_sessions(&mut report);
    idle(&runtime, &mut report);
    startup(&runtime, &mut report);

    report.finish();
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    format!("{cpu}, {cores} cores")
}

fn start(runtime: &tokio::runtime::Runtime, options: ServerOptions) -> RunningServer {
    runtime.block_on(server::start(options)).unwrap()
}

fn env_for(server: &RunningServer) -> Vec<(&'static str, String)> {
    vec![
        ("VERIFF_API_URL", server.url()),
        ("VERIFF_API_KEY", DEMO_API_KEY.to_owned()),
        ("VERIFF_SHARED_SECRET", DEMO_SHARED_SECRET.to_owned()),
        ("VERIFF_TUI_CONFIG", "/dev/null".to_owned()),
    ]
}

fn curl(server: &RunningServer, id: &str, path: &str, out: &Path) -> Command {
    let mut command = Command::new("curl");
    command
        .args(["-sSf", "-o"])
        .arg(out)
        .args(["-H", &format!("X-AUTH-CLIENT: {DEMO_API_KEY}")])
        .args([
            "-H",
            &format!(
                "X-HMAC-SIGNATURE: {}",
                Secret::new(DEMO_SHARED_SECRET).sign(id.as_bytes())
            ),
        ])
        .arg(format!("{}/v1/{path}", server.url()));
    command
}

fn veriff(server: &RunningServer, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command.args(args).envs(env_for(server));
    command
}

fn download_throughput(runtime: &tokio::runtime::Runtime, report: &mut Report, dir: &Path) {
    for (size, runs) in [(256 * MIB, 5), (1024 * MIB, 2)] {
        let server = start(
            runtime,
            ServerOptions {
                big_media_size: Some(size),
                ..Default::default()
            },
        );
        let target = dir.join("big.bin");
        let (mut ours, mut theirs, mut peak) = (Vec::new(), Vec::new(), 0);
        for _ in 0..runs {
            let _ = std::fs::remove_file(&target);
            theirs.push(run_measured(&curl(&server, BIG_MEDIA, &format!("media/{BIG_MEDIA}"), &target)).0);
            let _ = std::fs::remove_file(&target);
            let mut download = veriff(&server, &["download", BIG_MEDIA, "--force", "-o"]);
            let (time, rss) = run_measured(download.arg(&target));
            assert_eq!(
                std::fs::metadata(&target).unwrap().len(),
                size,
                "the download is complete"
            );
            ours.push(time);
            peak = peak.max(rss);
        }
        let _ = std::fs::remove_file(&target);
        let label = format!("{} MiB", size / MIB);
        if size == 256 * MIB {
            let ratio = median(ours.clone()).as_secs_f64() / median(theirs.clone()).as_secs_f64();
            report.add(
                &format!("download {label}: time vs curl (median of {runs})"),
                format!("{ratio:.2}x ({} vs {})", ms(median(ours)), ms(median(theirs))),
                "<= 1.10x".into(),
                ratio <= 1.10,
            );
        }
        report.add(
            &format!("download {label}: peak memory"),
            format!("{:.1} MiB", peak as f64 / 1024.0),
            "<= 40 MiB".into(),
            peak <= 40 * 1024,
        );
    }
}

fn request_overhead(runtime: &tokio::runtime::Runtime, report: &mut Report) {
    let server = start(runtime, ServerOptions::default());
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..30 {
        theirs.push(run(&mut curl(
            &server,
            ATTEMPT,
            &format!("attempts/{ATTEMPT}/media"),
            Path::new("/dev/null"),
        )));
        ours.push(run(&mut veriff(&server, &["media", ATTEMPT, "--json"])));
    }
    let ratio = median(ours.clone()).as_secs_f64() / median(theirs.clone()).as_secs_f64();
    report.add(
        "`media --json` time vs curl (median of 30)",
        format!("{ratio:.2}x ({} vs {})", ms(median(ours)), ms(median(theirs))),
        "<= 1.15x".into(),
        ratio <= 1.15,
    );
}

/// veriff-tui in a tmux pane of its own, started on Enter so that tmux's own
/// start-up is not counted.
struct TmuxPane {
    tmux: Tmux,
    _home: tempfile::TempDir,
}

impl TmuxPane {
    fn new(server: &RunningServer, args: &[&str]) -> TmuxPane {
        let home = tempfile::tempdir().unwrap();
        let h = home.path().display().to_string();
        let mut env = env_for(server);
        env.extend([
            ("HOME", h.clone()),
            ("XDG_DATA_HOME", h),
            ("TERM", "xterm-256color".into()),
        ]);
        // `exec`: the pane's process is veriff-tui itself.
        let script = format!("read _; exec {BIN} {}", args.join(" "));
        let tmux = Tmux::start(120, 40, &env, &script);
        std::thread::sleep(Duration::from_millis(300));
        TmuxPane { tmux, _home: home }
    }

    fn keys(&self, keys: &[&str]) {
        self.tmux.send(keys);
    }

    /// Sends Enter to launch, then waits for `text`: the time from launch.
    fn launch_until(&self, text: &str) -> Duration {
        let started = Instant::now();
        self.keys(&["Enter"]);
        self.wait_for(text, started)
    }

    fn wait_for(&self, text: &str, started: Instant) -> Duration {
        self.tmux.wait_for(text, Duration::from_secs(20));
        started.elapsed()
    }

    fn pid(&self) -> String {
        self.tmux.format("#{pane_pid}")
    }
}

fn wait_until_quiet(server: &RunningServer) {
    let mut last = server.requests();
    loop {
        std::thread::sleep(Duration::from_millis(400));
        let now = server.requests();
        if now == last {
            return;
        }
        last = now;
    }
}

fn first_useful_screen(runtime: &tokio::runtime::Runtime, report: &mut Report) {
    let latency = Duration::from_millis(200);
    let server = start(
        runtime,
        ServerOptions {
            latency,
            ..Default::default()
        },
    );
    let mut times = Vec::new();
    for _ in 0..5 {
        let pane = TmuxPane::new(&server, &[SESSION]);
        times.push(pane.launch_until("document-front"));
    }
    let first = median(times);
    report.add(
        "first useful screen with L = 200 ms (median of 5)",
        ms(first),
        "<= L + 150 ms = 350 ms".into(),
        first <= latency + Duration::from_millis(150),
    );

    let pane = TmuxPane::new(&server, &[SESSION]);
    pane.launch_until("document-front");
    wait_until_quiet(&server);
    let before = server.requests();
    pane.keys(&["l"]);
    let started = Instant::now();
    pane.keys(&["j"]);
    let switch = pane.wait_for("media 1/2", started);
    let asked = server.requests() - before;
    report.add(
        "switching attempt after prefetch: requests, time to its media",
        format!("{asked} requests, {}", ms(switch)),
        "0 requests, next frame".into(),
        asked == 0 && switch < Duration::from_millis(100),
    );
}

fn scale(runtime: &tokio::runtime::Runtime, report: &mut Report) {
    // Frame time, in-process: 60 attempts, 2000 media, the cursor moving each frame.
    let (mut model, cmds) = Model::new("bench".into(), None).start(vec![LARGE_SESSION.into()], vec![]);
    let server = start(runtime, ServerOptions::default());
    let client = veriff_tui::api::Client::new(server.client_config()).unwrap();
    // Loaded through the browser's own effects, as in real use.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    runtime.block_on(async {
        let dirs = Dirs {
            download: std::env::temp_dir(),
            cache: std::env::temp_dir(),
        };
        let mut effects = Effects::new(client, tx, dirs, None);
        for cmd in cmds {
            effects.run(cmd);
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        while model.visible_media().len() < 2000 {
            assert!(Instant::now() < deadline, "the large session never loaded");
            let msg = rx.recv().await.expect("the effects answer");
            for cmd in update(&mut model, msg) {
                effects.run(cmd);
            }
        }
    });
    let theme = Theme { color: true };
    let mut worst = Duration::ZERO;
    for (width, height) in [(80, 24), (200, 60)] {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        let _ = update(&mut model, Msg::Resize { width, height });
        for pane in [Pane::Attempts, Pane::Media] {
            model.focus = pane;
            for i in 0..500 {
                let key = if i % 50 < 25 { 'j' } else { 'k' };
                let _ = update(
                    &mut model,
                    Msg::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char(key))),
                );
                let started = Instant::now();
                terminal.draw(|frame| view(&model, &theme, frame)).unwrap();
                worst = worst.max(started.elapsed());
            }
        }
    }
    assert_eq!(model.visible_media().len(), 2000, "the large attempt loaded");
    report.add(
        "frame render, 60 attempts x 2000 media (worst of 2000 frames)",
        ms(worst),
        "< 4 ms".into(),
        worst < Duration::from_millis(4),
    );

    // In a real terminal: G, then 100 presses of k.
    let pane = TmuxPane::new(&server, &[LARGE_SESSION]);
    pane.launch_until("media 1/2000");
    pane.keys(&["l", "l"]);
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    let mut keys = vec!["G"];
    keys.extend(std::iter::repeat_n("k", 100));
    pane.keys(&keys);
    let took = pane.wait_for("media 1900/2000", started);
    report.add(
        "`G` then 100 x `k` on 2000 media, all on screen",
        ms(took),
        "<= 1 s".into(),
        took <= Duration::from_secs(1),
    );
}

/// `--from` with 10,000 sessions: the start, then keys with decisions arriving
/// and with a filter typed, each timed from the key to the drawn frame.
fn many_sessions(report: &mut Report) {
    use veriff_tui::tui::app::{Cmd, Payload, Req};
    const SESSIONS: usize = 10_000;
    let ids: Vec<veriff_tui::ids::SessionId> = (0..SESSIONS)
        .map(|i| format!("{i:08x}-0000-4000-8000-000000000000").into())
        .collect();
    let started = Instant::now();
    let (mut model, cmds) = Model::new("bench".into(), None).start(ids, vec![]);
    let start = started.elapsed();
    let _ = update(&mut model, Msg::Resize { width: 120, height: 40 });
    let decisions = |cmds: &[Cmd]| {
        cmds.iter()
            .filter(|c| {
                matches!(
                    c,
                    Cmd::Load {
                        req: Req::Decision(_),
                        ..
                    }
                )
            })
            .count()
    };
    let asked = decisions(&cmds);
    report.add(
        "10,000 sessions from `--from`: decisions asked at start",
        asked.to_string(),
        "<= 100".into(),
        asked <= 100,
    );
    report.add(
        "10,000 sessions from `--from`: start (in-process)",
        ms(start),
        "< 50 ms".into(),
        start < Duration::from_millis(50),
    );
    // Replies arrive between keys, as they would: each one is an update too.
    let mut pending: Vec<Cmd> = cmds;
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let theme = Theme { color: true };
    let key = |c: char| Msg::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char(c)));
    let mut worst = Duration::ZERO;
    let mut press = |model: &mut Model, msg: Msg, pending: &mut Vec<Cmd>| {
        let started = Instant::now();
        pending.extend(update(model, msg));
        terminal.draw(|frame| view(model, &theme, frame)).unwrap();
        worst = worst.max(started.elapsed());
    };
    for round in 0..400 {
        // A decision answered, then a key (j mostly, back up now and then).
        if let Some(Cmd::Load { id, req, .. }) = pending.pop() {
            let result = match &req {
                Req::Decision(_) => Ok(Payload::Decision(
                    serde_json::from_value(serde_json::json!({"status": "declined", "code": 9102})).ok(),
                )),
                _ => Err("not in this bench".into()),
            };
            press(&mut model, Msg::Loaded { id, req, result }, &mut pending);
        }
        if round == 200 {
            // A filter on the decision word: every row's decision is looked at.
            for c in "/decl".chars() {
                press(&mut model, key(c), &mut pending);
            }
            press(
                &mut model,
                Msg::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Enter)),
                &mut pending,
            );
        }
        press(&mut model, key(if round % 40 < 30 { 'j' } else { 'k' }), &mut pending);
    }
    report.add(
        "10,000 sessions: key to drawn frame, replies arriving, filter on (worst of ~1,200)",
        ms(worst),
        "< 16 ms".into(),
        worst < Duration::from_millis(16),
    );
}

/// CPU time (user + system) of a process so far, from /proc.
fn cpu_time(pid: &str) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap().split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    let hz = rustix::param::clock_ticks_per_second();
    Duration::from_millis(ticks * 1000 / hz)
}

fn idle(runtime: &tokio::runtime::Runtime, report: &mut Report) {
    let server = start(runtime, ServerOptions::default());
    let pane = TmuxPane::new(&server, &[SESSION]);
    pane.launch_until("document-front");
    wait_until_quiet(&server);
    let pid = pane.pid();
    let before = cpu_time(&pid);
    std::thread::sleep(Duration::from_secs(10));
    let used = cpu_time(&pid) - before;
    let share = used.as_secs_f64() / 10.0 * 100.0;
    report.add(
        "idle for 10 s after loading: CPU",
        format!("{share:.2}% of a core"),
        "<= 1%".into(),
        share <= 1.0,
    );
}

fn startup(runtime: &tokio::runtime::Runtime, report: &mut Report) {
    let (mut plain, mut version) = (Vec::new(), Vec::new());
    for _ in 0..30 {
        plain.push(run(&mut Command::new("true")));
        version.push(run(Command::new(BIN).arg("--version")));
    }
    let limit = median(plain.clone()) * 2 + Duration::from_millis(20);
    let version = median(version);
    report.add(
        "`--version` (median of 30)",
        format!("{} (`true`: {})", ms(version), ms(median(plain))),
        format!("<= 2 x true + 20 ms = {}", ms(limit)),
        version <= limit,
    );
    let server = start(
        runtime,
        ServerOptions {
            latency: Duration::from_millis(200),
            ..Default::default()
        },
    );
    let mut frames = Vec::new();
    for _ in 0..5 {
        let pane = TmuxPane::new(&server, &[SESSION]);
        frames.push(pane.launch_until("veriff-tui ·"));
    }
    let frame = median(frames);
    report.add(
        "first frame of the app, launch to screen in tmux (median of 5)",
        ms(frame),
        format!("<= {}", ms(limit)),
        frame <= limit,
    );
}

/// Loopback bandwidth: what curl gets for a 256 MiB file, in bytes per second.
fn loopback_bandwidth(runtime: &tokio::runtime::Runtime, dir: &Path) -> f64 {
    let size = 256 * MIB;
    let server = start(
        runtime,
        ServerOptions {
            big_media_size: Some(size),
            ..Default::default()
        },
    );
    let target = dir.join("bandwidth.bin");
    let best = (0..3)
        .map(|_| run(&mut curl(&server, BIG_MEDIA, &format!("media/{BIG_MEDIA}"), &target)))
        .min()
        .unwrap();
    let _ = std::fs::remove_file(&target);
    size as f64 / best.as_secs_f64()
}

/// Every request an export of `sessions` makes, as (signed id, path), found by
/// walking the API in-process: the sequential script's list.
fn export_requests(
    runtime: &tokio::runtime::Runtime,
    server: &RunningServer,
    sessions: &[String],
) -> Vec<(String, String)> {
    let client = veriff_tui::api::Client::new(server.client_config()).unwrap();
    let mut requests = Vec::new();
    for session in sessions {
        for route in ["attempts", "decision", "person", "watchlist-screening"] {
            requests.push((session.clone(), format!("sessions/{session}/{route}")));
        }
        let attempts = runtime
            .block_on(client.session_attempts(&veriff_tui::ids::SessionId::from(session.as_str())))
            .unwrap();
        for attempt in attempts.verifications {
            requests.push((attempt.id.clone(), format!("attempts/{}/media", attempt.id)));
            let media = runtime
                .block_on(client.attempt_media(&veriff_tui::ids::AttemptId::from(attempt.id.as_str())))
                .unwrap();
            for (_, m) in media.items() {
                requests.push((m.id.clone(), format!("media/{}", m.id)));
            }
        }
    }
    requests
}

fn export(runtime: &tokio::runtime::Runtime, report: &mut Report, dir: &Path) {
    let bandwidth = loopback_bandwidth(runtime, dir);
    let latency = Duration::from_millis(50);
    let jobs = 8;
    let server = start(
        runtime,
        ServerOptions {
            bulk: true,
            latency,
            ..Default::default()
        },
    );
    let sessions: Vec<String> = (0..server::BULK_SESSIONS).map(server::bulk_session).collect();
    let out = dir.join("export");
    let mut command = veriff(&server, &["export", "--jobs", &jobs.to_string(), "--out"]);
    command.arg(&out).args(&sessions);
    let before = server.requests();
    let (ours, rss) = run_measured(&command);
    let delayed = server.requests() - before;
    let bytes: u64 = std::fs::read_to_string(out.join("manifest.json"))
        .ok()
        .and_then(|m| serde_json::from_str::<serde_json::Value>(&m).ok())
        .map(|m| {
            m["sessions"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|s| s["files"].as_array().unwrap().iter())
                .map(|f| f["size"].as_u64().unwrap())
                .sum()
        })
        .unwrap();

    // The same requests one after another with curl, as a shell loop would.
    let requests = export_requests(runtime, &server, &sessions);
    let script_dir = dir.join("curl");
    std::fs::create_dir_all(&script_dir).unwrap();
    let secret = Secret::new(DEMO_SHARED_SECRET);
    let mut script = String::new();
    for (n, (id, path)) in requests.iter().enumerate() {
        // Person and watchlist routes may be missing: no -f, as the export records
        // them as not available and goes on.
        script += &format!(
            "curl -sS -o {}/{n} -H 'X-AUTH-CLIENT: {DEMO_API_KEY}' -H 'X-HMAC-SIGNATURE: {}' '{}/v1/{path}'\n",
            script_dir.display(),
            secret.sign(id.as_bytes()),
            server.url()
        );
    }
    let script_path = dir.join("sequential.sh");
    std::fs::write(&script_path, script).unwrap();
    let theirs = run(Command::new("bash").arg("-e").arg(&script_path));
    let _ = std::fs::remove_dir_all(&script_dir);
    let speedup = theirs.as_secs_f64() / ours.as_secs_f64();
    report.add(
        &format!(
            "export 40 x 3 x 6 x 200 KiB, L = 50 ms: vs sequential curl ({} requests)",
            requests.len()
        ),
        format!("{speedup:.1}x faster ({} vs {})", ms(ours), ms(theirs)),
        ">= 8x".into(),
        speedup >= 8.0,
    );
    let ideal = latency.as_secs_f64() * delayed as f64 / jobs as f64 + bytes as f64 / bandwidth;
    let ratio = ours.as_secs_f64() / ideal;
    report.add(
        "export: vs ideal (delayed requests x L / jobs + bytes / loopback bandwidth)",
        format!(
            "{ratio:.2}x ({} vs {delayed} x 50 ms / {jobs} + {:.0} MiB at {:.0} MiB/s = {})",
            ms(ours),
            bytes as f64 / MIB as f64,
            bandwidth / MIB as f64,
            ms(Duration::from_secs_f64(ideal))
        ),
        "<= 1.3x".into(),
        ratio <= 1.3,
    );
    report.add(
        "export: peak memory",
        format!("{:.1} MiB", rss as f64 / 1024.0),
        "<= 60 MiB".into(),
        rss <= 60 * 1024,
    );
    let media_before = server.media_requests();
    let again = run(veriff(&server, &["export", "--out", out.to_str().unwrap()]).args(&sessions));
    let fetched = server.media_requests() - media_before;
    report.add(
        "export again into the same folder: media requests",
        format!("{fetched} ({})", ms(again)),
        "0".into(),
        fetched == 0,
    );
    let _ = std::fs::remove_dir_all(&out);

    // A server that allows 10 requests a second: 3 sessions, 75 requests.
    let limited = start(
        runtime,
        ServerOptions {
            bulk: true,
            latency,
            rate_limit: Some(10),
            ..Default::default()
        },
    );
    let mut command = veriff(&limited, &["export", "--out"]);
    command.arg(&out).args(&sessions[..3]);
    let took = run(&mut command);
    let complete = std::fs::read_to_string(out.join("manifest.json"))
        .is_ok_and(|m| m.matches("\"status\": \"done\"").count() == 3);
    let late = limited.refused_after_first(latency);
    report.add(
        "export at a 10 requests/s limit: refused after the first 429, completion",
        format!(
            "{late} after the first ({} in the first burst), {} in {}",
            limited.refused(),
            if complete { "complete" } else { "INCOMPLETE" },
            ms(took)
        ),
        "0, complete".into(),
        late == 0 && complete,
    );
    let _ = std::fs::remove_dir_all(&out);
}
