//! `veriff-tui verify` as an attacker would test it: an export of two sessions
//! against the embedded server, signed with a team key `veriff-tui keygen` made,
//! then a swapped, a moved and a removed file, each checked by three readers: one
//! with the shared secret, one with only the team's public key, one with neither.
//! And the standard `minisign` tool, as a regulator runs it.

#[path = "support/tools.rs"]
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use serde_json::Value;
use veriff_tui::server::{self, DEMO_API_KEY, DEMO_SHARED_SECRET, RunningServer, ServerOptions};

const BIN: &str = env!("CARGO_BIN_EXE_veriff-tui");
const SESSION: &str = "c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f";
const DECLINED: &str = "dec11ned-7b8c-4d9e-8f0a-1b2c3d4e5f6a";
const NEWEST_ATTEMPT: &str = "a1000003-5f2e-4c1a-9b3d-7e8f9a0b1c2d";
const DECLINED_ATTEMPT: &str = "a3000002-7b8c-4d9e-8f0a-1b2c3d4e5f6a";
const FACE: &str = "face0001-2a3b-4c5d-8e6f-a1b2c3d4e5f6";
const DOCUMENT_FRONT: &str = "d0c0f001-2a3b-4c5d-8e6f-a1b2c3d4e5f6";

/// Who checks the folder.
#[derive(Debug, Clone, Copy)]
enum Reader {
    /// The integration: the shared secret (and the API key and URL with it).
    Secret,
    /// A regulator given the team's public key.
    PublicKey,
    /// Someone with neither.
    Neither,
}

/// `veriff-tui ARGS` with an empty environment but PATH and HOME, and `env`.
async fn cli(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = tokio::process::Command::new(BIN);
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("VERIFF_TUI_CONFIG", "/dev/null")
        .envs(env.iter().copied())
        .current_dir(home)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    tokio::time::timeout(Duration::from_secs(60), command.output())
        .await
        .expect("the command finishes")
        .expect("the binary runs")
}

fn credentials(server: &RunningServer) -> Vec<(&'static str, String)> {
    vec![
        ("VERIFF_API_URL", server.url()),
        ("VERIFF_API_KEY", DEMO_API_KEY.to_owned()),
        ("VERIFF_SHARED_SECRET", DEMO_SHARED_SECRET.to_owned()),
    ]
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// An export of SESSION and DECLINED into `home/case`, its manifest signed with a
/// key `veriff-tui keygen` wrote; returns the folder and the public key.
async fn signed_export(server: &RunningServer, home: &Path) -> (PathBuf, PathBuf) {
    let key = home.join("keys/team.key");
    let made = cli(home, &["keygen", "--out", key.to_str().unwrap()], &[]).await;
    assert!(made.status.success(), "{}", text(&made.stderr));
    let public = home.join("keys/team.pub");
    assert_eq!(text(&made.stdout).trim(), public.to_str().unwrap());
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    let out = home.join("case");
    let mut env = credentials(server);
    env.push(("VERIFF_SIGNING_KEY_FILE", key.to_str().unwrap().to_owned()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let exported = cli(
        home,
        &["export", SESSION, DECLINED, "--out", out.to_str().unwrap()],
        &env,
    )
    .await;
    assert!(exported.status.success(), "{}", text(&exported.stderr));
    assert!(out.join("manifest.json.minisig").is_file());
    (out, public)
}

/// `verify DIR` as `reader` runs it (with `extra` arguments).
async fn verify_as(
    reader: Reader,
    server: &RunningServer,
    home: &Path,
    dir: &Path,
    public: &Path,
    extra: &[&str],
) -> Output {
    let mut args = vec!["verify", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    let secret = credentials(server);
    let env: Vec<(&str, &str)> = match reader {
        Reader::Secret => secret.iter().map(|(k, v)| (*k, v.as_str())).collect(),
        _ => Vec::new(),
    };
    if let Reader::PublicKey = reader {
        args.extend(["--pubkey", public.to_str().unwrap()]);
    }
    cli(home, &args, &env).await
}

fn manifest(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

fn save_manifest(dir: &Path, manifest: &Value) {
    std::fs::write(
        dir.join("manifest.json"),
        serde_json::to_string_pretty(manifest).unwrap(),
    )
    .unwrap();
}

/// The manifest entry of `path`: (session index, file index).
fn entry(manifest: &Value, path: &str) -> (usize, usize) {
    for (s, session) in manifest["sessions"].as_array().unwrap().iter().enumerate() {
        for (f, file) in session["files"].as_array().unwrap().iter().enumerate() {
            if file["path"] == path {
                return (s, f);
            }
        }
    }
    panic!("{path} is not in the manifest");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for item in std::fs::read_dir(from).unwrap() {
        let item = item.unwrap();
        let target = to.join(item.file_name());
        if item.file_type().unwrap().is_dir() {
            copy_dir(&item.path(), &target);
        } else {
            std::fs::copy(item.path(), target).unwrap();
        }
    }
}

/// Each reader's verdict on `dir`: not holding, with every line of `expected`
/// (and, for the readers with a key, the line that says the manifest was
/// touched) on standard output.
async fn found_by_every_reader(server: &RunningServer, home: &Path, dir: &Path, public: &Path, expected: &[String]) {
    for reader in [Reader::Secret, Reader::PublicKey, Reader::Neither] {
        let checked = verify_as(reader, server, home, dir, public, &[]).await;
        let said = text(&checked.stdout);
        assert!(!checked.status.success(), "{reader:?} is told: {said}");
        for line in expected {
            assert!(said.contains(line.as_str()), "{reader:?} is told {line:?}: {said}");
        }
        let manifest_line = match reader {
            Reader::Secret => Some("altered manifest.json: its HMAC is not the shared secret's"),
            Reader::PublicKey => {
                Some("altered manifest.json: the team's signature (manifest.json.minisig) does not hold")
            }
            Reader::Neither => None,
        };
        if let Some(line) = manifest_line {
            assert!(said.contains(line), "{reader:?} is told {line:?}: {said}");
        }
        // The last line says what still holds, and by what: Veriff's signature of
        // each file for the integration, nothing for the others.
        let last = text(&checked.stderr);
        let by = match reader {
            Reader::Secret => {
                "files match the manifest, each against Veriff's signature; the manifest itself unproven;"
            }
            Reader::PublicKey | Reader::Neither => "files match the manifest's sums only: nothing proven",
        };
        assert!(last.contains(by), "{reader:?}: {last}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_untouched_export_holds_for_each_reader_and_says_by_what() {
    let server = server::start(ServerOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let (out, public) = signed_export(&server, home.path()).await;
    let saved = manifest(&out);
    assert_eq!(saved["version"], 3);
    let key_id = saved["team_key"]
        .as_str()
        .expect("the team's key id is in the manifest");
    assert!(
        text(&std::fs::read(&public).unwrap()).contains(key_id),
        "the id of the key in team.pub"
    );
    assert_eq!(saved["hmac"].as_str().unwrap().len(), 64);

    let with_secret = verify_as(Reader::Secret, &server, home.path(), &out, &public, &[]).await;
    assert!(with_secret.status.success(), "{}", text(&with_secret.stderr));
    assert!(
        text(&with_secret.stderr).contains("files match the manifest, each against Veriff's signature; the manifest, sums and places, proven by its HMAC under the shared secret; 0 problems"),
        "{}",
        text(&with_secret.stderr)
    );
    let with_key = verify_as(Reader::PublicKey, &server, home.path(), &out, &public, &[]).await;
    assert!(with_key.status.success(), "{}", text(&with_key.stderr));
    assert!(
        text(&with_key.stderr).contains(&format!(
            "files match the manifest; the manifest, sums and places, proven by the team's key {key_id}; 0 problems"
        )),
        "{}",
        text(&with_key.stderr)
    );
    // Sums anyone can recompute prove nothing: not a success unless asked for.
    let neither = verify_as(Reader::Neither, &server, home.path(), &out, &public, &[]).await;
    assert!(!neither.status.success());
    let said = text(&neither.stderr);
    assert!(
        said.contains("files match the manifest's sums only: nothing proven"),
        "{said}"
    );
    assert!(
        said.contains("--pubkey KEY.pub") && said.contains("--sums-only"),
        "{said}"
    );
    let sums_only = verify_as(Reader::Neither, &server, home.path(), &out, &public, &["--sums-only"]).await;
    assert!(sums_only.status.success(), "{}", text(&sums_only.stderr));
    assert!(
        text(&sums_only.stderr).contains("sums only"),
        "{}",
        text(&sums_only.stderr)
    );

    // Another team's key proves nothing about this folder.
    let other = home.path().join("other/team.key");
    assert!(
        cli(home.path(), &["keygen", "--out", other.to_str().unwrap()], &[])
            .await
            .status
            .success()
    );
    let wrong = verify_as(
        Reader::PublicKey,
        &server,
        home.path(),
        &out,
        &home.path().join("other/team.pub"),
        &[],
    )
    .await;
    assert!(!wrong.status.success());
    assert!(
        text(&wrong.stdout).contains("altered manifest.json: the team's signature"),
        "{}",
        text(&wrong.stdout)
    );
}

/// Two sessions' decision.json swapped together with their manifest entries
/// (size, sha256 and Veriff's signature): every file still matches its entry and
/// Veriff's signature, but each folder holds the other session's verdict.
#[tokio::test(flavor = "multi_thread")]
async fn a_swapped_decision_is_found_by_every_reader() {
    let server = server::start(ServerOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let (out, public) = signed_export(&server, home.path()).await;
    let (a, b) = (format!("{SESSION}/decision.json"), format!("{DECLINED}/decision.json"));
    let (bytes_a, bytes_b) = (
        std::fs::read(out.join(&a)).unwrap(),
        std::fs::read(out.join(&b)).unwrap(),
    );
    std::fs::write(out.join(&a), &bytes_b).unwrap();
    std::fs::write(out.join(&b), &bytes_a).unwrap();
    let mut edited = manifest(&out);
    let ((sa, fa), (sb, fb)) = (entry(&edited, &a), entry(&edited, &b));
    for field in ["size", "sha256", "signature"] {
        let value_a = edited["sessions"][sa]["files"][fa][field].clone();
        edited["sessions"][sa]["files"][fa][field] = edited["sessions"][sb]["files"][fb][field].clone();
        edited["sessions"][sb]["files"][fb][field] = value_a;
    }
    save_manifest(&out, &edited);
    // Without the placement check the old verify said all of it held.
    let expected = [
        format!("misplaced {a}: holds session {DECLINED}'s decision"),
        format!("misplaced {b}: holds session {SESSION}'s decision"),
    ];
    found_by_every_reader(&server, home.path(), &out, &public, &expected).await;
}

/// A face image moved into another session's attempt, its manifest entry moved
/// with it; and a document removed together with its entry.
#[tokio::test(flavor = "multi_thread")]
async fn a_moved_and_a_removed_media_file_are_found_by_every_reader() {
    let server = server::start(ServerOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let (exported, public) = signed_export(&server, home.path()).await;
    let listing = format!("{SESSION}/{NEWEST_ATTEMPT}/media.json");

    let moved_dir = home.path().join("moved");
    copy_dir(&exported, &moved_dir);
    let from = format!("{SESSION}/{NEWEST_ATTEMPT}/face_{FACE}.jpg");
    let to = format!("{DECLINED}/{DECLINED_ATTEMPT}/face_{FACE}.jpg");
    std::fs::rename(moved_dir.join(&from), moved_dir.join(&to)).unwrap();
    let mut edited = manifest(&moved_dir);
    let (s, f) = entry(&edited, &from);
    let mut record = edited["sessions"][s]["files"].as_array_mut().unwrap().remove(f);
    record["path"] = to.clone().into();
    let declined = edited["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .position(|x| x["id"] == DECLINED)
        .unwrap();
    edited["sessions"][declined]["files"]
        .as_array_mut()
        .unwrap()
        .push(record);
    save_manifest(&moved_dir, &edited);
    let expected = [
        format!("misplaced {to}: holds media {FACE}, which {DECLINED}/{DECLINED_ATTEMPT}/media.json does not list"),
        format!("missing {from}: listed in {listing}"),
    ];
    found_by_every_reader(&server, home.path(), &moved_dir, &public, &expected).await;

    let removed_dir = home.path().join("removed");
    copy_dir(&exported, &removed_dir);
    let removed = format!("{SESSION}/{NEWEST_ATTEMPT}/document-front_{DOCUMENT_FRONT}.jpg");
    std::fs::remove_file(removed_dir.join(&removed)).unwrap();
    let mut edited = manifest(&removed_dir);
    let (s, f) = entry(&edited, &removed);
    edited["sessions"][s]["files"].as_array_mut().unwrap().remove(f);
    save_manifest(&removed_dir, &edited);
    found_by_every_reader(
        &server,
        home.path(),
        &removed_dir,
        &public,
        &[format!("missing {removed}: listed in {listing}")],
    )
    .await;

    // The untouched copy still holds: what was found was the tampering.
    let intact = verify_as(Reader::PublicKey, &server, home.path(), &exported, &public, &[]).await;
    assert!(intact.status.success(), "{}", text(&intact.stdout));
}

/// The regulator's check, with Debian's `minisign`: the untouched manifest
/// verifies with the team's public key; one byte changed, it does not.
#[tokio::test(flavor = "multi_thread")]
async fn the_standard_minisign_tool_verifies_the_manifest_and_refuses_one_changed_byte() {
    if !tools::available("minisign verifies an export's manifest", &[tools::MINISIGN]) {
        return;
    }
    let server = server::start(ServerOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let (out, public) = signed_export(&server, home.path()).await;
    let minisign = |dir: &Path| {
        std::process::Command::new("minisign")
            .args(["-V", "-m", "manifest.json", "-p", public.to_str().unwrap()])
            .current_dir(dir)
            .output()
            .expect("minisign runs")
    };
    let intact = minisign(&out);
    assert!(
        intact.status.success(),
        "{}{}",
        text(&intact.stdout),
        text(&intact.stderr)
    );
    assert!(
        text(&intact.stdout).contains("Trusted comment: veriff-tui export manifest, 2 sessions"),
        "{}",
        text(&intact.stdout)
    );
    let mut bytes = std::fs::read(out.join("manifest.json")).unwrap();
    // One digit of a sha256: still a valid manifest, no longer the signed one.
    let at = text(&bytes).find("\"sha256\": \"").unwrap() + 11;
    bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
    std::fs::write(out.join("manifest.json"), &bytes).unwrap();
    let changed = minisign(&out);
    assert!(!changed.status.success(), "{}", text(&changed.stdout));
    assert!(
        text(&changed.stderr).contains("Signature verification failed"),
        "{}",
        text(&changed.stderr)
    );

    // A key the team already has, made by the minisign tool without a password,
    // signs as well as one of `keygen`'s.
    let keys = home.path().join("existing");
    std::fs::create_dir(&keys).unwrap();
    let made = std::process::Command::new("minisign")
        .args(["-G", "-W", "-p", "team.pub", "-s", "team.key"])
        .current_dir(&keys)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", text(&made.stderr));
    let out = home.path().join("case-existing-key");
    let mut env = credentials(&server);
    env.push((
        "VERIFF_SIGNING_KEY_FILE",
        keys.join("team.key").to_str().unwrap().to_owned(),
    ));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let exported = cli(home.path(), &["export", SESSION, "--out", out.to_str().unwrap()], &env).await;
    assert!(exported.status.success(), "{}", text(&exported.stderr));
    let checked = std::process::Command::new("minisign")
        .args(["-V", "-m", "manifest.json", "-p"])
        .arg(keys.join("team.pub"))
        .current_dir(&out)
        .output()
        .unwrap();
    assert!(checked.status.success(), "{}", text(&checked.stderr));
    let verified = verify_as(
        Reader::PublicKey,
        &server,
        home.path(),
        &out,
        &keys.join("team.pub"),
        &[],
    )
    .await;
    assert!(verified.status.success(), "{}", text(&verified.stdout));
}
