//! An export folder others can write in: while `veriff-tui export` runs, session
//! folders are swapped for links to a folder outside it, and back, again and
//! again. Nothing may be written through a link, no temporary file may stay, and
//! what could not be written is reported, never lost silently.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;
use sha2::{Digest, Sha256};
use veriff_tui::server::{self, DEMO_API_KEY, DEMO_SHARED_SECRET, RunningServer, ServerOptions};

const BIN: &str = env!("CARGO_BIN_EXE_veriff-tui");
/// The swapping loop's bounds: whichever comes first (or the export's end).
const MAX_SWAPS: usize = 2_000;
const MAX_SWAPPING: Duration = Duration::from_secs(20);
/// Of the server's bulk sessions, (3 attempts of 6 images of 200 KiB each) the first ten.
const SESSIONS: usize = 10;

/// `veriff-tui NAME ARGS` against `server`, with an empty environment and
/// `home` as HOME.
fn command(name: &str, server: &RunningServer, home: &Path, args: &[&str]) -> tokio::process::Command {
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
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

async fn finished(command: &mut tokio::process::Command) -> Output {
    let child = command.spawn().expect("the binary runs");
    tokio::time::timeout(Duration::from_secs(120), child.wait_with_output())
        .await
        .expect("it finishes")
        .unwrap()
}

fn manifest(out: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(out.join("manifest.json")).expect("a manifest")).expect("JSON")
}

/// Every entry under `dir` that is not a folder, links included (never followed).
fn entries_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if std::fs::symlink_metadata(&path).unwrap().is_dir() {
                stack.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

/// Swaps `DIR/ID` (a session's folder, once it exists) with the link `DIR/.swap`
/// in one step (RENAME_EXCHANGE: never a moment without either), holds it a
/// moment, and swaps it back, one session after another, until `stop`, for at
/// most [`MAX_SWAPS`] swaps or [`MAX_SWAPPING`]. Returns how many swaps it made.
fn swap_folders(out: &Path, ids: &[String], stop: &AtomicBool) -> usize {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    let link = out.join(".swap");
    let started = Instant::now();
    let mut swaps = 0;
    let mut turn = 0;
    while swaps < MAX_SWAPS && started.elapsed() < MAX_SWAPPING && !stop.load(Ordering::Relaxed) {
        let folder = out.join(&ids[turn % ids.len()]);
        turn += 1;
        if !std::fs::symlink_metadata(&folder).is_ok_and(|m| m.is_dir()) {
            std::thread::sleep(Duration::from_micros(200));
            continue;
        }
        renameat_with(CWD, &folder, CWD, &link, RenameFlags::EXCHANGE).expect("swapped for the link");
        swaps += 1;
        std::thread::sleep(Duration::from_millis(2));
        renameat_with(CWD, &folder, CWD, &link, RenameFlags::EXCHANGE).expect("swapped back");
        std::thread::sleep(Duration::from_millis(1));
    }
    swaps
}

#[tokio::test(flavor = "multi_thread")]
async fn session_folders_swapped_for_links_mid_export_get_nothing_written_through_them() {
    // 200 KiB files at 4 MiB/s each: ten bulk sessions' 180 files keep the
    // export busy for seconds, with folders opened and files renamed all the while.
    let server = server::start(ServerOptions {
        bulk: true,
        media_bandwidth: Some(4 * 1024 * 1024),
        latency: Duration::from_millis(5),
        ..Default::default()
    })
    .await
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("case");
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::create_dir(&out).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), out.join(".swap")).unwrap();
    let ids: Vec<String> = (0..SESSIONS).map(server::bulk_session).collect();
    let mut args: Vec<&str> = ids.iter().map(String::as_str).collect();
    args.extend(["--out", out.to_str().unwrap(), "--jobs", "8"]);

    let stop = Arc::new(AtomicBool::new(false));
    let swapper = {
        let (out, ids, stop) = (out.clone(), ids.clone(), stop.clone());
        std::thread::spawn(move || swap_folders(&out, &ids, &stop))
    };
    let first = finished(&mut command("export", &server, home.path(), &args)).await;
    stop.store(true, Ordering::Relaxed);
    let swaps = swapper.join().expect("the swapping loop ends");
    let err = String::from_utf8_lossy(&first.stderr).into_owned();

    assert_eq!(
        std::fs::read_dir(elsewhere.path()).unwrap().count(),
        0,
        "nothing written outside the export folder ({swaps} swaps): {err}"
    );
    std::fs::remove_file(out.join(".swap")).unwrap();
    let parts: Vec<_> = entries_under(&out)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".part"))
        .collect();
    assert!(parts.is_empty(), "{parts:?}");

    // A session that met a link is failed, says so, and is named on stderr;
    // every file of one that is done is where the manifest says, intact.
    let saved = manifest(&out);
    let sessions = saved["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), ids.len());
    let mut refused = 0;
    for record in sessions {
        let id = record["id"].as_str().unwrap();
        match record["status"].as_str().unwrap() {
            "done" => {
                for file in record["files"].as_array().unwrap() {
                    let bytes = std::fs::read(out.join(file["path"].as_str().unwrap())).unwrap();
                    assert_eq!(hex::encode(Sha256::digest(&bytes)), file["sha256"], "{file}");
                }
            }
            "failed" => {
                let error = record["error"].as_str().unwrap();
                assert!(error.contains("symbolic link"), "{id}: {error}");
                assert!(err.contains(&format!("failed {id}")), "{id} is named: {err}");
                refused += 1;
            }
            other => panic!("{id} is {other}"),
        }
    }
    assert!(
        swaps > 0 && refused > 0,
        "the loop caught the export: {swaps} swaps, {refused} refused"
    );
    assert!(!first.status.success(), "failed sessions fail the export");

    // Run again, left alone: the failed sessions are resumed, and the whole
    // folder verifies.
    let second = finished(&mut command("export", &server, home.path(), &args)).await;
    assert!(second.status.success(), "{}", String::from_utf8_lossy(&second.stderr));
    let saved = manifest(&out);
    assert!(
        saved["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["status"] == "done")
    );
    let checked = finished(&mut command("verify", &server, home.path(), &[out.to_str().unwrap()])).await;
    assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
}

/// A download that fails once its bytes have started to land (a bad signature,
/// a body cut short) leaves nothing in the folder: its `.part` goes with it.
#[tokio::test]
async fn the_part_of_a_failed_download_is_removed() {
    use veriff_tui::api::Client;
    use veriff_tui::files::Folder;
    use veriff_tui::ids::MediaId;
    use veriff_tui::server::{self, ServerOptions, faults};
    let server = server::start(ServerOptions::default()).await.unwrap();
    let client = Client::new(server.client_config()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let folder = Folder::open(dir.path()).unwrap();
    for (media, said) in [
        (faults::MEDIA_BAD_SIGNATURE, "signature"),
        (faults::MEDIA_TRUNCATED, "incomplete"),
    ] {
        let part = folder.part("face.jpg").unwrap();
        let error = client
            .download_evidence(&MediaId::from(media), part, |_| {})
            .await
            .unwrap_err();
        assert!(error.to_string().contains(said), "{error}");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "{media}: {left:?}");
    }
}
