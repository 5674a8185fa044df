//! `veriff-tui export` run as a user runs it, against the embedded server on
//! loopback: what lands on disk, in the manifest, on stderr and in the exit status,
//! and how many media requests reached the server.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use rustix::process::Signal;
use serde_json::Value;
use sha2::{Digest, Sha256};
use veriff_tui::server::{self, DEMO_API_KEY, DEMO_SHARED_SECRET, RunningServer, ServerOptions, faults};

const BIN: &str = env!("CARGO_BIN_EXE_veriff-tui");
const SESSION: &str = "c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f";
const UNDECIDED_SESSION: &str = "b0a7f00d-2e4f-4a6b-8c9d-1e2f3a4b5c6d";
const NEWEST_ATTEMPT: &str = "a1000003-5f2e-4c1a-9b3d-7e8f9a0b1c2d";
const DOCUMENT_FRONT: &str = "d0c0f001-2a3b-4c5d-8e6f-a1b2c3d4e5f6";

/// `veriff-tui export ARGS` against `server`, with an empty environment and a
/// temporary HOME; `stdin` is piped in when given.
fn export(server: &RunningServer, home: &Path, args: &[&str], stdin: Option<&str>) -> tokio::process::Child {
    subcommand("export", server, home, args, stdin)
}

/// `veriff-tui verify DIR`, configured like [`export`].
async fn verify(server: &RunningServer, home: &Path, dir: &Path) -> Output {
    finished(subcommand("verify", server, home, &[dir.to_str().unwrap()], None)).await
}

fn subcommand(
    name: &str,
    server: &RunningServer,
    home: &Path,
    args: &[&str],
    stdin: Option<&str>,
) -> tokio::process::Child {
    let mut command = tokio::process::Command::new(BIN);
    command
        .arg(name)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("VERIFF_TUI_CONFIG", "/dev/null")
        .env("VERIFF_API_URL", server.url())
        .env("VERIFF_API_KEY", DEMO_API_KEY)
        .env("VERIFF_SHARED_SECRET", DEMO_SHARED_SECRET)
        .current_dir(home)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = command.spawn().expect("the binary runs");
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        let text = text.to_owned();
        tokio::spawn(async move {
            use tokio::io::AsyncWriteExt;
            let _ = pipe.write_all(text.as_bytes()).await;
        });
    }
    child
}

async fn finished(child: tokio::process::Child) -> Output {
    tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("the export finishes")
        .unwrap()
}

async fn run(server: &RunningServer, home: &Path, args: &[&str]) -> Output {
    finished(export(server, home, args, None)).await
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn manifest(out: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(out.join("manifest.json")).expect("a manifest")).expect("JSON")
}

fn session<'a>(manifest: &'a Value, id: &str) -> &'a Value {
    manifest["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("{id} is in the manifest: {manifest}"))
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Each file the manifest lists for `id` is on disk with its size and sha256;
/// returns how many.
fn verify_files(out: &Path, manifest: &Value, id: &str) -> usize {
    let files = session(manifest, id)["files"].as_array().unwrap();
    for file in files {
        let bytes = std::fs::read(out.join(file["path"].as_str().unwrap())).unwrap();
        assert_eq!(bytes.len() as u64, file["size"].as_u64().unwrap(), "{file}");
        assert_eq!(hex::encode(Sha256::digest(&bytes)), file["sha256"], "{file}");
    }
    files.len()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_files_match_the_manifest_a_second_run_fetches_no_media_and_force_fetches_all() {
    let server = server::start(ServerOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("case-4711");
    let out_arg = out.to_str().unwrap();
    let run1 = run(
        &server,
        home.path(),
        &[SESSION, UNDECIDED_SESSION, "--out", out_arg, "--json"],
    )
    .await;
    assert!(run1.status.success(), "{}", stderr(&run1));
    let printed: Value = serde_json::from_slice(&run1.stdout).expect("--json prints the manifest");
    assert_eq!(printed, manifest(&out), "--json prints what was saved");
    let order: Vec<&str> = printed["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(order, [SESSION, UNDECIDED_SESSION], "in the order given");
    for id in [SESSION, UNDECIDED_SESSION] {
        assert_eq!(session(&printed, id)["status"], "done");
        assert!(verify_files(&out, &printed, id) > 0);
    }
    let media = server.media_requests();
    let listed = session(&printed, SESSION)["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["media_id"].is_string())
        .count() as u64
        + session(&printed, UNDECIDED_SESSION)["files"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["media_id"].is_string())
            .count() as u64;
    assert_eq!(media, listed, "each media file fetched once");

    // The layout the issue asks for, and the evidence as Veriff sent it.
    let front = out.join(format!(
        "{SESSION}/{NEWEST_ATTEMPT}/document-front_{DOCUMENT_FRONT}.jpg"
    ));
    let asset = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/document-front.jpg");
    assert_eq!(std::fs::read(&front).unwrap(), std::fs::read(asset).unwrap());
    let attempts: Value =
        serde_json::from_slice(&std::fs::read(out.join(format!("{SESSION}/attempts.json"))).unwrap()).unwrap();
    assert_eq!(attempts["verifications"][0]["id"], NEWEST_ATTEMPT);
    assert!(out.join(format!("{SESSION}/decision.json")).is_file());
    assert!(out.join(format!("{SESSION}/{NEWEST_ATTEMPT}/media.json")).is_file());
    // Person and watchlist data: saved where the server has the route, otherwise
    // recorded as not available, never a failure.
    for (file, route) in [("person.json", "person"), ("watchlist.json", "watchlist-screening")] {
        let saved = out.join(format!("{SESSION}/{file}")).is_file();
        let unavailable = session(&printed, SESSION)["not_available"]
            .as_array()
            .is_some_and(|list| {
                list.iter()
                    .any(|u| u["file"] == file && u["endpoint"].as_str().unwrap().ends_with(route))
            });
        assert!(saved != unavailable, "{file}: saved or recorded as not available");
    }

    let run2 = run(&server, home.path(), &[SESSION, UNDECIDED_SESSION, "--out", out_arg]).await;
    assert!(run2.status.success(), "{}", stderr(&run2));
    assert_eq!(server.media_requests(), media, "the second run fetched no media");
    assert!(
        stderr(&run2).contains(&format!("({listed} already there)")),
        "{}",
        stderr(&run2)
    );
    assert_eq!(
        String::from_utf8_lossy(&run2.stdout).trim(),
        out.join("manifest.json").to_str().unwrap(),
        "without --json, the manifest's path"
    );

    // A file damaged on disk is fetched again; the others are not.
    std::fs::write(&front, b"damaged").unwrap();
    let run3 = run(&server, home.path(), &[SESSION, "--out", out_arg]).await;
    assert!(run3.status.success(), "{}", stderr(&run3));
    assert_eq!(server.media_requests(), media + 1, "only the damaged file");
    assert!(
        verify_files(&out, &manifest(&out), SESSION) > 0,
        "the damaged file is whole again"
    );

    let run4 = run(
        &server,
        home.path(),
        &[SESSION, UNDECIDED_SESSION, "--out", out_arg, "--force"],
    )
    .await;
    assert!(run4.status.success(), "{}", stderr(&run4));
    assert_eq!(
        server.media_requests(),
        2 * media + 1,
        "--force fetches every file again"
    );
    assert!(
        files_under(&out)
            .iter()
            .all(|p| !p.to_string_lossy().ends_with(".part"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_fault_session_is_recorded_as_failed_while_the_others_complete() {
    let server = server::start(ServerOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("out");
    let unknown = "0000dead-0000-4000-8000-000000000000";
    let ticket = format!(
        "Ticket 88123\n{SESSION}\nsee https://portal/verifications/{}\n\n{unknown}\n",
        faults::SESSION
    );
    let child = export(
        &server,
        home.path(),
        &["--from", "-", "--out", out.to_str().unwrap()],
        Some(&ticket),
    );
    let output = finished(child).await;
    let err = stderr(&output);
    assert!(!output.status.success(), "a failed session fails the run: {err}");
    assert!(err.contains("2 of 3 sessions failed"), "{err}");
    assert!(err.contains("no session id on line 1"), "{err}");
    // Without a terminal: one plain line per finished session.
    for (id, word) in [(SESSION, "done"), (faults::SESSION, "failed"), (unknown, "failed")] {
        assert!(
            err.lines().any(|l| l.starts_with(&format!("{word} {id}"))),
            "{word} {id}: {err}"
        );
    }
    assert!(!err.contains('\x1b'), "no escape sequence reaches a log: {err:?}");

    let manifest = manifest(&out);
    assert_eq!(session(&manifest, SESSION)["status"], "done");
    verify_files(&out, &manifest, SESSION);
    let fault = session(&manifest, faults::SESSION);
    assert_eq!(fault["status"], "failed");
    let failures = fault["failures"].as_array().unwrap();
    let failed = |endpoint: &str, says: &str| {
        failures
            .iter()
            .any(|f| f["endpoint"].as_str().unwrap().contains(endpoint) && f["error"].as_str().unwrap().contains(says))
    };
    assert!(failed(faults::MEDIA_TRUNCATED, "incomplete"), "{fault}");
    assert!(failed(faults::MEDIA_BAD_SIGNATURE, "signature"), "{fault}");
    assert!(failed(faults::ATTEMPT_HTML_502, "502"), "{fault}");
    assert!(failed(faults::ATTEMPT_BAD_SIGNATURE, "signature"), "{fault}");
    // What could be fetched was, verified; a 500 once is retried.
    verify_files(&out, &manifest, faults::SESSION);
    assert!(
        fault["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["media_id"] == faults::MEDIA_500_ONCE)
    );
    // The hostile names stayed inside the session's folder.
    for path in files_under(&out) {
        let name = path.strip_prefix(&out).unwrap().to_string_lossy().into_owned();
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || "._-/".contains(c)),
            "{name}"
        );
        assert!(!name.ends_with(".part"), "{name}");
    }
    assert_eq!(session(&manifest, unknown)["status"], "failed");
    assert!(session(&manifest, unknown)["error"].as_str().unwrap().contains("1102"));
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_sigterm_or_sighup_leave_no_partial_file_and_a_manifest_of_what_completed() {
    // 200 KiB files at 2 MiB/s: a tenth of a second each, in flight long enough
    // to be caught.
    let server = server::start(ServerOptions {
        bulk: true,
        media_bandwidth: Some(2 * 1024 * 1024),
        ..Default::default()
    })
    .await
    .unwrap();
    // Ctrl-C; a `kill`; a closed terminal or dropped SSH connection.
    for (signal, said) in [
        (Signal::INT, "interrupted"),
        (Signal::TERM, "terminated"),
        (Signal::HUP, "hung up"),
    ] {
        interrupt(&server, signal, said).await;
    }
}

async fn interrupt(server: &RunningServer, signal: Signal, said: &str) {
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("out");
    let ids: Vec<String> = (0..server::BULK_SESSIONS).map(server::bulk_session).collect();
    let mut args: Vec<&str> = ids.iter().map(String::as_str).collect();
    args.extend(["--out", out.to_str().unwrap(), "--jobs", "4"]);
    let mut child = export(server, home.path(), &args, None);
    // Wait for the first finished session, then for files in flight.
    let stderr_pipe = child.stderr.take().unwrap();
    let mut lines = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(stderr_pipe));
    let first = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("a session finishes")
        .unwrap()
        .unwrap();
    assert!(first.starts_with("done "), "{first}");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !files_under(&out).iter().any(|p| p.to_string_lossy().ends_with(".part")) {
        assert!(std::time::Instant::now() < deadline, "no download in flight");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    rustix::process::kill_process(
        rustix::process::Pid::from_raw(child.id().unwrap() as i32).unwrap(),
        signal,
    )
    .unwrap();
    let mut rest = Vec::new();
    while let Ok(Some(line)) = lines.next_line().await {
        rest.push(line);
    }
    let output = finished(child).await;
    assert!(!output.status.success());
    let told = rest.join("\n");
    assert!(told.contains(&format!("{said}; no partial file left")), "{told}");
    let manifest = manifest(&out);
    let sessions = manifest["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), ids.len(), "every session is listed");
    let done: Vec<&Value> = sessions.iter().filter(|s| s["status"] == "done").collect();
    assert!(!done.is_empty() && done.len() < ids.len(), "{} done", done.len());
    assert!(sessions.iter().any(|s| s["status"] == "interrupted"));
    // Every file listed is complete and verified; no partial file is on disk.
    let mut listed = 0;
    for record in sessions {
        listed += verify_files(&out, &manifest, record["id"].as_str().unwrap());
    }
    let on_disk = files_under(&out);
    assert!(
        on_disk.iter().all(|p| !p.to_string_lossy().ends_with(".part")),
        "{on_disk:?}"
    );
    // A file renamed into place in the instant before the stop, while its hash
    // was still being taken, is complete but unlisted (the next run fetches it
    // again): at most one per request in flight.
    assert!(on_disk.len() > listed, "the manifest and the files listed");
    assert!(
        on_disk.len() <= listed + 1 + 4,
        "{} on disk, {listed} listed",
        on_disk.len()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rate_limited_server_is_obeyed_after_its_first_429_and_the_export_completes() {
    let server = server::start(ServerOptions {
        rate_limit: Some(10),
        ..Default::default()
    })
    .await
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("out");
    let output = run(
        &server,
        home.path(),
        &[SESSION, UNDECIDED_SESSION, "--out", out.to_str().unwrap()],
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(server.refused() > 0, "the limit was reached");
    assert_eq!(
        server.refused_after_first(Duration::from_millis(50)),
        0,
        "no request over the limit once told"
    );
    let manifest = manifest(&out);
    for id in [SESSION, UNDECIDED_SESSION] {
        assert_eq!(session(&manifest, id)["status"], "done");
        verify_files(&out, &manifest, id);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn max_rps_caps_the_rate_of_requests() {
    let server = server::start(ServerOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("out");
    let started = std::time::Instant::now();
    let output = run(
        &server,
        home.path(),
        &[SESSION, "--out", out.to_str().unwrap(), "--max-rps", "20"],
    )
    .await;
    let took = started.elapsed();
    assert!(output.status.success(), "{}", stderr(&output));
    // Starts 50 ms apart: n requests take at least (n - 1) x 50 ms. (The server
    // does not count requests to routes it lacks, so this bound is if anything low.)
    let requests = server.requests().max(1);
    let least = Duration::from_millis(50) * (requests as u32 - 1);
    assert!(took >= least, "{requests} requests in {took:?}, under {least:?}");
}

/// Under --redact an export would write every answer and file unmasked: refused
/// with the reason unless --unredacted says so.
#[tokio::test(flavor = "multi_thread")]
async fn under_redact_an_export_is_refused_unless_unredacted_is_given() {
    let server = server::start(ServerOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("out");
    let refused = run(
        &server,
        home.path(),
        &[SESSION, "--out", out.to_str().unwrap(), "--redact"],
    )
    .await;
    assert!(!refused.status.success());
    let said = stderr(&refused);
    assert!(
        said.contains("refusing to export under --redact") && said.contains("--unredacted"),
        "{said}"
    );
    assert!(!out.exists(), "nothing written");
    assert_eq!(server.requests(), 0, "nothing asked");
    let done = run(
        &server,
        home.path(),
        &[SESSION, "--out", out.to_str().unwrap(), "--redact", "--unredacted"],
    )
    .await;
    assert!(done.status.success(), "{}", stderr(&done));
    assert_eq!(session(&manifest(&out), SESSION)["status"], "done");
}

/// A rate no clock can wait out is refused before anything starts, not a panic.
#[tokio::test(flavor = "multi_thread")]
async fn a_rate_too_small_to_wait_for_is_an_error_not_a_panic() {
    let server = server::start(ServerOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("out");
    for rate in ["1e-300", "0.001", "0", "NaN", "inf"] {
        let output = run(
            &server,
            home.path(),
            &[SESSION, "--out", out.to_str().unwrap(), "--max-rps", rate],
        )
        .await;
        let said = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{rate}: {said}");
        assert!(!said.contains("panicked"), "{rate}: {said}");
        assert!(said.contains("--max-rps"), "{rate}: {said}");
    }
    assert!(!out.exists(), "nothing was started");
    assert_eq!(server.requests(), 0);
}

#[path = "support/tmux.rs"]
#[allow(
    dead_code,
    reason = "the tmux driver of the end-to-end tests; only part of it is needed here"
)]
mod tmux;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_terminal_one_progress_line_shows_sessions_files_bytes_rate_and_eta() {
    let server = server::start(ServerOptions {
        bulk: true,
        latency: Duration::from_millis(30),
        ..Default::default()
    })
    .await
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (0..12).map(server::bulk_session).collect();
    let env = [
        ("HOME", home.path().display().to_string()),
        ("VERIFF_TUI_CONFIG", "/dev/null".to_owned()),
        ("VERIFF_API_URL", server.url()),
        ("VERIFF_API_KEY", DEMO_API_KEY.to_owned()),
        ("VERIFF_SHARED_SECRET", DEMO_SHARED_SECRET.to_owned()),
    ];
    let command = format!(
        "{BIN} export --out {}/out {} > /dev/null; echo EXIT=$?; sleep 600",
        home.path().display(),
        ids.join(" ")
    );
    tokio::task::spawn_blocking(move || {
        let tmux = tmux::Tmux::start(160, 10, &env, &command);
        let screen = tmux.wait_for("ETA", Duration::from_secs(30));
        let line = screen.lines().find(|l| l.contains("ETA")).unwrap();
        for part in ["sessions ", "/12", "files ", "MiB", "/s"] {
            assert!(line.contains(part), "{part}: {line}");
        }
        let screen = tmux.wait_for("EXIT=0", Duration::from_secs(60));
        assert!(screen.contains("12 of 12 sessions"), "{screen}");
        // One line, redrawn in place: no per-session lines on a terminal.
        assert!(!screen.contains("done b01c"), "{screen}");
        assert!(
            !screen.contains("ETA"),
            "the progress line is cleared at the end:\n{screen}"
        );
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sessions_files_are_fetched_while_other_sessions_lists_still_load() {
    let server = server::start(ServerOptions {
        bulk: true,
        latency: Duration::from_millis(10),
        ..Default::default()
    })
    .await
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("out");
    let ids: Vec<String> = (0..10).map(server::bulk_session).collect();
    let mut args: Vec<&str> = ids.iter().map(String::as_str).collect();
    args.extend(["--out", out.to_str().unwrap()]);
    let output = run(&server, home.path(), &args).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let paths = server.paths();
    let first_file = paths.iter().position(|p| p.starts_with("/v1/media/")).unwrap();
    let last_list = paths.iter().rposition(|p| p.ends_with("/attempts")).unwrap();
    assert!(
        first_file < last_list,
        "the first file came at request {first_file}, the last attempt list at {last_list}"
    );
}

const NFC_DOCUMENT: &str = "nfc00001-2a3b-4c5d-8e6f-a1b2c3d4e5f6";

#[tokio::test(flavor = "multi_thread")]
async fn nfc_documents_and_the_session_listing_are_exported_signed_and_verify_names_a_forged_file() {
    let server = server::start(ServerOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("case");
    let out_arg = out.to_str().unwrap();
    let run1 = run(&server, home.path(), &[SESSION, "--out", out_arg]).await;
    assert!(run1.status.success(), "{}", stderr(&run1));
    let saved = manifest(&out);
    assert!(saved["tool"].as_str().unwrap().starts_with("veriff-tui "), "{saved}");
    let port = server
        .url()
        .rsplit(':')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .to_owned();
    let api = saved["api"].as_str().unwrap();
    assert!(
        api.starts_with("loopback/") && !api.contains(&port),
        "the demo's identity is not its port: {api}"
    );
    assert!(saved["api_url"].as_str().unwrap().starts_with(&server.url()), "{saved}");
    assert!(saved["started"].as_str().unwrap() <= saved["finished"].as_str().unwrap());
    let files = session(&saved, SESSION)["files"].as_array().unwrap().clone();
    let listing = files
        .iter()
        .find(|f| f["path"] == format!("{SESSION}/session-media.json"))
        .expect("the session media listing is exported");
    assert_eq!(listing["endpoint"], format!("/v1/sessions/{SESSION}/media"));
    let nfc = files
        .iter()
        .find(|f| f["media_id"] == NFC_DOCUMENT)
        .expect("the NFC document is exported");
    let nfc_path = out.join(nfc["path"].as_str().unwrap());
    assert!(
        nfc["path"].as_str().unwrap().starts_with(&format!("{SESSION}/nfc/")),
        "{nfc}"
    );
    let chip: Value = serde_json::from_slice(&std::fs::read(&nfc_path).unwrap()).expect("NFC data is JSON");
    assert!(chip.is_object(), "{chip}");
    for file in &files {
        let signature = file["signature"].as_str().unwrap_or_else(|| panic!("signed: {file}"));
        assert_eq!(signature.len(), 64, "{file}");
        assert!(file["fetched"].as_str().unwrap().ends_with('Z'), "{file}");
    }
    verify_files(&out, &saved, SESSION);

    let intact = verify(&server, home.path(), &out).await;
    assert!(intact.status.success(), "{}", stderr(&intact));
    assert!(
        stderr(&intact).contains("each against Veriff's signature"),
        "{}",
        stderr(&intact)
    );

    // Same size, and the manifest's sha256 edited to match: only Veriff's
    // signature tells.
    let front = format!("{SESSION}/{NEWEST_ATTEMPT}/document-front_{DOCUMENT_FRONT}.jpg");
    let mut bytes = std::fs::read(out.join(&front)).unwrap();
    bytes[100] ^= 0xff;
    std::fs::write(out.join(&front), &bytes).unwrap();
    let mut edited = saved.clone();
    for record in edited["sessions"][0]["files"].as_array_mut().unwrap() {
        if record["path"] == front {
            record["sha256"] = hex::encode(Sha256::digest(&bytes)).into();
        }
    }
    std::fs::write(out.join("manifest.json"), edited.to_string()).unwrap();
    std::fs::write(out.join(format!("{SESSION}/planted.jpg")), b"x").unwrap();
    std::fs::remove_file(&nfc_path).unwrap();
    let forged = verify(&server, home.path(), &out).await;
    assert!(!forged.status.success());
    let said = String::from_utf8_lossy(&forged.stdout).into_owned();
    assert!(
        said.contains(&format!("unprovable {front}: does not match Veriff's signature")),
        "{said}"
    );
    assert!(said.contains(&format!("extra {SESSION}/planted.jpg")), "{said}");
    assert!(
        said.contains(&format!("missing {}", nfc["path"].as_str().unwrap())),
        "{said}"
    );

    // A resumed export checks what it skips the same way: the forged file is
    // fetched again, the missing one too.
    std::fs::remove_file(out.join(format!("{SESSION}/planted.jpg"))).unwrap();
    let media = server.media_requests();
    let run2 = run(&server, home.path(), &[SESSION, "--out", out_arg]).await;
    assert!(run2.status.success(), "{}", stderr(&run2));
    assert_eq!(server.media_requests(), media + 2, "the forged and the missing file");
    let again = verify(&server, home.path(), &out).await;
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stdout));
    // The demo started again, on another port: nothing to fetch again.
    let restarted = server::start(ServerOptions::default()).await.unwrap();
    assert_ne!(restarted.url(), server.url());
    let run3 = run(&restarted, home.path(), &[SESSION, "--out", out_arg]).await;
    assert!(run3.status.success(), "{}", stderr(&run3));
    assert_eq!(restarted.media_requests(), 0, "resumed across ports");
}

/// The review's colliding names, exported for real: attempts `a~b` and `a_b`, two
/// ids alike in their first 80 characters and one named `decision.json` each end
/// in a file of their own, every sum in the manifest that file's, and the folder
/// verifies.
#[tokio::test(flavor = "multi_thread")]
async fn colliding_attempt_ids_end_in_distinct_files_with_their_own_sums() {
    let server = server::start(ServerOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("case");
    let out_arg = out.to_str().unwrap();
    let done = run(&server, home.path(), &[faults::COLLIDING_SESSION, "--out", out_arg]).await;
    assert!(done.status.success(), "{}", stderr(&done));
    let manifest = manifest(&out);
    assert!(
        verify_files(&out, &manifest, faults::COLLIDING_SESSION) > 5,
        "every file listed holds"
    );
    let faces: Vec<&Value> = session(&manifest, faults::COLLIDING_SESSION)["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"].as_str().unwrap().ends_with(".jpg") || f["path"].as_str().unwrap().ends_with(".png"))
        .collect();
    let paths: std::collections::HashSet<&str> = faces.iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(paths.len(), 5, "one file for each attempt's face: {paths:?}");
    let sums: std::collections::HashSet<&str> = faces.iter().map(|f| f["sha256"].as_str().unwrap()).collect();
    assert_eq!(
        sums.len(),
        4,
        "four distinct images (two attempts share face.jpg): {sums:?}"
    );
    // The session's own decision.json is the decision, not a folder of faces.
    let decision = files_under(&out)
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n == "decision.json") && p.is_file())
        .expect("the session's decision.json");
    assert!(std::fs::read_to_string(decision).unwrap().contains("\"verification\""));
    let checked = verify(&server, home.path(), &out).await;
    assert!(checked.status.success(), "{}", stderr(&checked));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_planted_link_folder_fifo_and_dev_zero_link_are_not_followed_read_or_waited_on() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let server = server::start(ServerOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("case");
    let out_arg = out.to_str().unwrap();
    let run1 = run(&server, home.path(), &[UNDECIDED_SESSION, "--out", out_arg]).await;
    assert!(run1.status.success(), "{}", stderr(&run1));
    let saved = manifest(&out);
    let media_file = session(&saved, UNDECIDED_SESSION)["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["media_id"].is_string())
        .unwrap()["path"]
        .as_str()
        .unwrap()
        .to_owned();
    // A link to /dev/zero where a listed file was, a FIFO as decision.json, and
    // another session's folder a link to somewhere else.
    std::fs::remove_file(out.join(&media_file)).unwrap();
    symlink("/dev/zero", out.join(&media_file)).unwrap();
    let decision = out.join(format!("{UNDECIDED_SESSION}/decision.json"));
    std::fs::remove_file(&decision).unwrap();
    rustix::fs::mkfifoat(rustix::fs::CWD, &decision, rustix::fs::Mode::from_raw_mode(0o600)).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    symlink(elsewhere.path(), out.join(SESSION)).unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o777)).unwrap();

    let media = server.media_requests();
    let child = export(
        &server,
        home.path(),
        &[SESSION, UNDECIDED_SESSION, "--out", out_arg],
        None,
    );
    let output = tokio::time::timeout(Duration::from_secs(20), child.wait_with_output())
        .await
        .expect("no hang on a FIFO or /dev/zero")
        .unwrap();
    let err = stderr(&output);
    assert!(err.contains("writable by other users"), "{err}");
    assert_eq!(
        std::fs::read_dir(elsewhere.path()).unwrap().count(),
        0,
        "nothing written through the link"
    );
    let saved = manifest(&out);
    assert_eq!(session(&saved, SESSION)["status"], "failed");
    assert!(
        session(&saved, SESSION)["error"]
            .as_str()
            .unwrap()
            .contains("symbolic link"),
        "{saved}"
    );
    assert_eq!(session(&saved, UNDECIDED_SESSION)["status"], "done", "{err}");
    for path in [out.join(&media_file), decision] {
        let kind = std::fs::symlink_metadata(&path).unwrap().file_type();
        assert!(kind.is_file(), "{} replaced by a regular file", path.display());
    }
    verify_files(&out, &saved, UNDECIDED_SESSION);
    assert_eq!(server.media_requests(), media + 1, "only the file the link replaced");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signal_stops_the_export_within_two_seconds_while_requests_hang() {
    // Every answer 10 s away: the stop comes while every request waits.
    let server = server::start(ServerOptions {
        latency: Duration::from_secs(10),
        ..Default::default()
    })
    .await
    .unwrap();
    for signal in [Signal::INT, Signal::TERM, Signal::HUP] {
        let home = tempfile::tempdir().unwrap();
        let out = home.path().join("out");
        let child = export(&server, home.path(), &[SESSION, "--out", out.to_str().unwrap()], None);
        tokio::time::sleep(Duration::from_millis(500)).await;
        rustix::process::kill_process(
            rustix::process::Pid::from_raw(child.id().unwrap() as i32).unwrap(),
            signal,
        )
        .unwrap();
        let stopped = std::time::Instant::now();
        let output = tokio::time::timeout(Duration::from_secs(2), child.wait_with_output())
            .await
            .unwrap_or_else(|_| panic!("signal {} stopped the export within 2 s", signal.as_raw()))
            .unwrap();
        assert!(!output.status.success());
        assert!(stopped.elapsed() < Duration::from_secs(2));
        assert_eq!(session(&manifest(&out), SESSION)["status"], "interrupted");
    }
}
