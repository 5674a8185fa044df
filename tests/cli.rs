//! The real binary, run as a user runs it, against the embedded server in this
//! process: what lands on stdout, stderr, disk and in the exit status. Every run
//! starts from an empty environment and a temporary HOME, so no real configuration
//! or credentials can leak in, and nothing leaves 127.0.0.1.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use tempfile::TempDir;
use veriff_tui::server::{self, DEMO_API_KEY, DEMO_SHARED_SECRET, RunningServer, ServerOptions, faults};

const BIN: &str = env!("CARGO_BIN_EXE_veriff-tui");
const SESSION: &str = "c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f";
const UNDECIDED_SESSION: &str = "b0a7f00d-2e4f-4a6b-8c9d-1e2f3a4b5c6d";
const NEWEST_ATTEMPT: &str = "a1000003-5f2e-4c1a-9b3d-7e8f9a0b1c2d";
const DOCUMENT_FRONT: &str = "d0c0f001-2a3b-4c5d-8e6f-a1b2c3d4e5f6";
const SELFID_VIDEO: &str = "v1de0001-2a3b-4c5d-8e6f-a1b2c3d4e5f6";

struct Run {
    success: bool,
    stdout: Vec<u8>,
    stderr: String,
}

impl Run {
    fn stdout(&self) -> String {
        String::from_utf8(self.stdout.clone()).expect("stdout is UTF-8")
    }
}

/// A temporary HOME (and XDG dirs inside it), also the working directory.
struct Home(TempDir);

impl Home {
    fn new() -> Home {
        Home(tempfile::tempdir().unwrap())
    }

    fn path(&self) -> &Path {
        self.0.path()
    }

    /// Runs the binary with only PATH, the temporary HOME and `env` set.
    async fn run(&self, env: &[(&str, String)], args: &[&str]) -> Run {
        let home = self.path();
        let mut command = tokio::process::Command::new(BIN);
        command
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .current_dir(home)
            .stdin(Stdio::null())
            .kill_on_drop(true);
        for (name, value) in env {
            command.env(name, value);
        }
        let output = tokio::time::timeout(std::time::Duration::from_secs(20), command.output())
            .await
            .unwrap_or_else(|_| panic!("veriff-tui {args:?} hung"))
            .expect("the binary runs");
        Run {
            success: output.status.success(),
            stdout: output.stdout,
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Runs the binary against `server` with its demo credentials.
    /// What is in HOME other than the log's folder (`$XDG_DATA_HOME/veriff-tui`).
    fn written_besides_the_log(&self) -> Vec<PathBuf> {
        let data = self.path().join("data");
        let mut found: Vec<PathBuf> = entries(self.path()).into_iter().filter(|p| *p != data).collect();
        if data.exists() {
            found.extend(entries(&data).into_iter().filter(|p| !p.ends_with("veriff-tui")));
        }
        found
    }

    async fn run_at(&self, server: &RunningServer, args: &[&str]) -> Run {
        self.run(&credentials(server), args).await
    }
}

fn credentials(server: &RunningServer) -> Vec<(&'static str, String)> {
    vec![
        ("VERIFF_API_URL", server.url()),
        ("VERIFF_API_KEY", DEMO_API_KEY.to_owned()),
        ("VERIFF_SHARED_SECRET", DEMO_SHARED_SECRET.to_owned()),
    ]
}

async fn serve() -> RunningServer {
    server::start(ServerOptions::default()).await.unwrap()
}

fn asset(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo").join(name)).unwrap()
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    found.sort();
    found
}

fn json(run: &Run) -> serde_json::Value {
    serde_json::from_slice(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", run.stdout()))
}

/// A failure as the user sees it: non-zero exit, nothing on stdout, one line on
/// stderr starting `error: `. Returns that line.
fn one_line_error(run: &Run) -> &str {
    assert!(!run.success, "expected a failure; stdout: {}", run.stdout());
    assert!(run.stdout.is_empty(), "stdout: {}", run.stdout());
    assert_eq!(run.stderr.lines().count(), 1, "one line on stderr: {:?}", run.stderr);
    assert!(run.stderr.starts_with("error: "), "{:?}", run.stderr);
    run.stderr.trim_end()
}

// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn attempts_prints_a_table_of_the_three_attempts() {
    let server = serve().await;
    let home = Home::new();
    let run = home.run_at(&server, &["attempts", SESSION]).await;
    assert!(run.success, "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let out = run.stdout();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(lines[0].starts_with("ID") && lines[0].contains("STATUS"), "{out}");
    for (line, status) in lines[1..]
        .iter()
        .zip(["approved", "resubmission_requested", "abandoned"])
    {
        assert!(line.contains(status), "{line:?} should say {status}");
    }
    assert!(lines[1].starts_with(NEWEST_ATTEMPT), "newest first: {out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn attempts_json_from_a_pasted_link_uses_the_apis_field_names() {
    let server = serve().await;
    let home = Home::new();
    let link = format!("https://portal/x/{SESSION}?tab=1");
    let run = home.run_at(&server, &["attempts", &link, "--json"]).await;
    assert!(run.success, "{}", run.stderr);
    let value = json(&run);
    let verifications = value["verifications"].as_array().expect("a verifications array");
    assert_eq!(verifications.len(), 3);
    assert_eq!(verifications[0]["id"], NEWEST_ATTEMPT);
    assert_eq!(verifications[0]["status"], "approved");
    assert!(verifications[0]["createdTime"].is_string(), "{value}");
    assert!(verifications[0].get("created_time").is_none(), "{value}");
}

#[tokio::test(flavor = "multi_thread")]
async fn media_and_session_media_json_have_images_and_videos() {
    let server = serve().await;
    let home = Home::new();
    let run = home.run_at(&server, &["media", NEWEST_ATTEMPT, "--json"]).await;
    assert!(run.success, "{}", run.stderr);
    let media = json(&run);
    assert_eq!(media["images"].as_array().unwrap().len(), 4, "{media}");
    assert_eq!(media["videos"].as_array().unwrap().len(), 2, "{media}");
    assert_eq!(media["images"][0]["id"], DOCUMENT_FRONT);
    assert_eq!(media["images"][0]["sessionId"], SESSION);
    assert_eq!(media["images"][0]["size"], asset("document-front.jpg").len() as u64);
    assert_eq!(media["videos"][0]["duration"], 3.0);

    let run = home.run_at(&server, &["session-media", SESSION, "--json"]).await;
    assert!(run.success, "{}", run.stderr);
    let session = json(&run);
    assert_eq!(session["images"], media["images"]);
    assert_eq!(session["videos"], media["videos"]);

    let run = home.run_at(&server, &["media", NEWEST_ATTEMPT]).await;
    assert!(run.success, "{}", run.stderr);
    let table = run.stdout();
    assert_eq!(table.lines().count(), 7, "{table}");
    assert!(
        table.contains("document-front") && table.contains("selfid_video"),
        "{table}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn decision_shows_the_verdict_or_that_there_is_none() {
    let server = serve().await;
    let home = Home::new();
    let run = home.run_at(&server, &["decision", SESSION]).await;
    assert!(run.success, "{}", run.stderr);
    let out = run.stdout();
    assert!(
        out.lines().any(|l| l.starts_with("status") && l.contains("approved")),
        "{out}"
    );
    assert!(
        out.lines().any(|l| l.starts_with("code") && l.contains("9001")),
        "{out}"
    );

    let run = home.run_at(&server, &["decision", SESSION, "--json"]).await;
    assert!(run.success, "{}", run.stderr);
    let value = json(&run);
    assert_eq!(value["verification"]["code"], 9001);
    assert_eq!(value["verification"]["status"], "approved");

    let run = home.run_at(&server, &["decision", UNDECIDED_SESSION]).await;
    assert!(run.success, "{}", run.stderr);
    assert_eq!(run.stdout(), "no decision yet\n");
}

#[tokio::test(flavor = "multi_thread")]
async fn download_saves_prints_the_path_and_will_not_overwrite_without_force() {
    let server = serve().await;
    let home = Home::new();
    let dir = home.path().join("downloads");
    let dir_arg = dir.to_str().unwrap();
    let args = ["download", DOCUMENT_FRONT, "--download-dir", dir_arg];

    let run = home.run_at(&server, &args).await;
    assert!(run.success, "{}", run.stderr);
    assert!(
        run.stderr.is_empty(),
        "no progress meter without a terminal: {:?}",
        run.stderr
    );
    let printed = PathBuf::from(run.stdout().trim_end());
    assert_eq!(printed.parent(), Some(dir.as_path()), "{}", printed.display());
    assert!(printed.to_str().unwrap().ends_with(".jpg"), "{}", printed.display());
    assert_eq!(std::fs::read(&printed).unwrap(), asset("document-front.jpg"));
    assert_eq!(entries(&dir), std::slice::from_ref(&printed));

    std::fs::write(&printed, b"edited by hand").unwrap();
    let run = home.run_at(&server, &args).await;
    let line = one_line_error(&run);
    assert!(line.contains("already exists"), "{line}");
    assert!(line.contains("--force"), "{line}");
    assert_eq!(std::fs::read(&printed).unwrap(), b"edited by hand");
    assert_eq!(entries(&dir), std::slice::from_ref(&printed), "no temporary file left");

    let mut forced = args.to_vec();
    forced.push("--force");
    let run = home.run_at(&server, &forced).await;
    assert!(run.success, "{}", run.stderr);
    assert_eq!(PathBuf::from(run.stdout().trim_end()), printed);
    assert_eq!(std::fs::read(&printed).unwrap(), asset("document-front.jpg"));
}

#[tokio::test(flavor = "multi_thread")]
async fn download_to_stdout_writes_exactly_the_file() {
    let server = serve().await;
    let home = Home::new();
    let run = home.run_at(&server, &["download", SELFID_VIDEO, "-o", "-"]).await;
    assert!(run.success, "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{:?}", run.stderr);
    assert_eq!(run.stdout, asset("selfid_video.webm"));
    assert!(home.written_besides_the_log().is_empty(), "nothing written to disk");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_truncated_download_fails_and_saves_nothing() {
    let server = serve().await;
    let home = Home::new();
    let dir = home.path().join("downloads");
    std::fs::create_dir(&dir).unwrap();
    let run = home
        .run_at(
            &server,
            &[
                "download",
                faults::MEDIA_TRUNCATED,
                "--download-dir",
                dir.to_str().unwrap(),
            ],
        )
        .await;
    let line = one_line_error(&run);
    assert!(
        line.contains("incomplete") && line.contains("nothing was saved"),
        "{line}"
    );
    assert!(entries(&dir).is_empty(), "{:?}", entries(&dir));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_secret_is_one_line_naming_the_variable_never_the_secret() {
    let server = serve().await;
    let home = Home::new();
    let secret = "wrong-secret-for-the-cli-test-5b1e";
    let env = [
        ("VERIFF_API_URL", server.url()),
        ("VERIFF_API_KEY", DEMO_API_KEY.to_owned()),
        ("VERIFF_SHARED_SECRET", secret.to_owned()),
    ];
    for args in [vec!["attempts", SESSION], vec!["download", DOCUMENT_FRONT, "-o", "-"]] {
        let run = home.run(&env, &args).await;
        let line = one_line_error(&run);
        assert!(line.contains("signature was rejected"), "{line}");
        assert!(line.contains("VERIFF_SHARED_SECRET"), "{line}");
        assert!(!line.contains(secret), "the secret was shown: {line}");
        assert!(!String::from_utf8_lossy(&run.stdout).contains(secret));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_key_says_to_check_the_key() {
    let server = serve().await;
    let home = Home::new();
    let env = [
        ("VERIFF_API_URL", server.url()),
        ("VERIFF_API_KEY", "00000000-0000-4000-8000-000000000000".to_owned()),
        ("VERIFF_SHARED_SECRET", DEMO_SHARED_SECRET.to_owned()),
    ];
    let run = home.run(&env, &["attempts", SESSION]).await;
    let line = one_line_error(&run);
    assert!(line.contains("1803") && line.contains("check VERIFF_API_KEY"), "{line}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_key_is_a_one_line_error() {
    let server = serve().await;
    let home = Home::new();
    let env = [
        ("VERIFF_API_URL", server.url()),
        ("VERIFF_SHARED_SECRET", DEMO_SHARED_SECRET.to_owned()),
    ];
    let run = home.run(&env, &["attempts", SESSION]).await;
    let line = one_line_error(&run);
    assert!(line.starts_with("error: no API key"), "{line}");
    assert!(line.contains("VERIFF_API_KEY"), "{line}");
    assert!(!line.contains(DEMO_SHARED_SECRET), "{line}");
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_text_never_reaches_the_terminal_raw() {
    let server = serve().await;
    let home = Home::new();
    let runs = [
        home.run_at(&server, &["media", faults::ATTEMPT_HOSTILE]).await,
        home.run_at(&server, &["media", faults::ATTEMPT_HOSTILE, "--json"])
            .await,
        home.run_at(&server, &["attempts", faults::SESSION]).await,
    ];
    for run in &runs {
        assert!(run.success, "{}", run.stderr);
        for output in [&run.stdout, run.stderr.as_bytes()] {
            assert!(!output.contains(&0x1b), "ESC in {:?}", String::from_utf8_lossy(output));
            assert!(!output.contains(&0x07), "BEL in {:?}", String::from_utf8_lossy(output));
        }
    }
    let table = runs[0].stdout();
    assert!(table.contains(faults::MEDIA_HOSTILE), "{table}");
    assert!(table.contains("document-front"), "text stays readable: {table}");
    // The JSON keeps the strings, escaped, for a program to read.
    let value = json(&runs[1]);
    assert_eq!(value["images"][0]["name"], faults::HOSTILE_NAME);
    // As sent: this server writes the duration as a string.
    assert_eq!(value["videos"][0]["duration"], "2.5");
}

/// `--json` prints the bytes the server sent and signed, not the tool's reading of
/// them: every key, every `null` (`matchedSessionId: null`, which a model would
/// drop) and the key order as sent.
#[tokio::test(flavor = "multi_thread")]
async fn json_is_what_the_server_sent_byte_for_byte() {
    let server = serve().await;
    let home = Home::new();
    let secret = veriff_tui::api::Secret::new(DEMO_SHARED_SECRET);
    let client = reqwest::Client::new();
    for (command, path) in [
        ("decision", format!("sessions/{SESSION}/decision")),
        ("person", format!("sessions/{SESSION}/person")),
        ("attempts", format!("sessions/{SESSION}/attempts")),
        ("session-media", format!("sessions/{SESSION}/media")),
        ("media", format!("attempts/{NEWEST_ATTEMPT}/media")),
    ] {
        let id = if command == "media" { NEWEST_ATTEMPT } else { SESSION };
        let sent = client
            .get(format!("{}/v1/{path}", server.url()))
            .header("X-AUTH-CLIENT", DEMO_API_KEY)
            .header("X-HMAC-SIGNATURE", secret.sign(id.as_bytes()))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let run = home.run_at(&server, &[command, id, "--json"]).await;
        assert!(run.success, "{command}: {}", run.stderr);
        assert_eq!(run.stdout().trim_end(), sent.trim_end(), "{command}");
    }
    let run = home.run_at(&server, &["decision", SESSION, "--json"]).await;
    assert!(run.stdout().contains("\"matchedSessionId\":null"), "{}", run.stdout());
}

#[tokio::test(flavor = "multi_thread")]
async fn text_without_an_id_is_refused() {
    let server = serve().await;
    let home = Home::new();
    let run = home.run_at(&server, &["attempts", "the session from yesterday"]).await;
    let line = one_line_error(&run);
    assert!(line.contains("no Veriff id"), "{line}");
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_mode_needs_no_configuration() {
    let home = Home::new();
    // Nothing but PATH and the empty HOME (the XDG dirs point into it).
    let run = home.run(&[], &["--demo", "attempts", SESSION]).await;
    assert!(run.success, "{}", run.stderr);
    let out = run.stdout();
    for status in ["approved", "resubmission_requested", "abandoned"] {
        assert!(out.contains(status), "{out}");
    }
    // The flag may also come after the subcommand.
    let run = home.run(&[], &["decision", "--demo", SESSION, "--json"]).await;
    assert!(run.success, "{}", run.stderr);
    assert_eq!(json(&run)["verification"]["code"], 9001);
    assert!(
        home.written_besides_the_log().is_empty(),
        "demo mode wrote nothing: {:?}",
        entries(home.path())
    );
}

#[tokio::test]
async fn an_id_is_checked_before_credentials_are_asked_for() {
    let home = Home::new();
    let run = home.run(&[], &["attempts", "the session from yesterday"]).await;
    let line = one_line_error(&run);
    assert!(line.contains("no Veriff id"), "{line}");
}

#[tokio::test]
async fn completions_and_the_man_page_come_from_the_command_line_definition() {
    let home = Home::new();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef veriff-tui"),
        ("fish", "complete -c veriff-tui"),
    ] {
        let run = home.run(&[], &["completions", shell]).await;
        assert!(run.success, "{}", run.stderr);
        let script = run.stdout();
        assert!(script.contains(marker), "{shell}: {script}");
        for subcommand in ["attempts", "session-media", "download", "serve-demo"] {
            assert!(script.contains(subcommand), "{shell} completes {subcommand}");
        }
    }
    let run = home.run(&[], &["man"]).await;
    assert!(run.success, "{}", run.stderr);
    let page = run.stdout();
    assert!(page.contains(".TH veriff-tui"), "{page}");
    assert!(page.contains("shared\\-secret\\-file"), "flags are documented: {page}");
}

#[cfg(unix)]
#[tokio::test]
async fn config_init_writes_a_private_file_once() {
    use std::os::unix::fs::PermissionsExt;
    let home = Home::new();
    let run = home.run(&[], &["config", "init"]).await;
    assert!(run.success, "{}", run.stderr);
    let path = home.path().join("config/veriff-tui/config.toml");
    assert!(run.stdout().contains(&path.display().to_string()), "{}", run.stdout());
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    let written = std::fs::read_to_string(&path).unwrap();
    let run = home.run(&[], &["config", "init"]).await;
    assert!(one_line_error(&run).contains("already exists"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), written, "not overwritten");
}

#[tokio::test]
async fn a_readable_config_holding_a_secret_is_warned_about_on_stderr() {
    let server = serve().await;
    let home = Home::new();
    let path = home.path().join("config/veriff-tui/config.toml");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let text = format!(
        "[profiles.demo]\napi_url = \"{}\"\napi_key = \"{}\"\nshared_secret = \"{}\"\n",
        server.url(),
        veriff_tui::server::DEMO_API_KEY,
        veriff_tui::server::DEMO_SHARED_SECRET
    );
    std::fs::write(&path, text).unwrap();
    #[cfg(unix)]
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    let run = home.run(&[], &["--profile", "demo", "attempts", SESSION]).await;
    assert!(run.success, "{}", run.stderr);
    assert!(
        run.stderr.contains("readable by others") && run.stderr.contains("chmod 600"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(veriff_tui::server::DEMO_SHARED_SECRET));
}

/// A server on loopback that answers any request with the headers of a 1 MiB
/// file and then trickles its bytes, never finishing: a download in progress.
async fn trickling_server() -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = vec![0; 4096];
                let _ = socket.read(&mut request).await;
                // Signed (wrongly: it never finishes anyway), so the download starts.
                let head = "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: 1048576\r\nx-hmac-signature: 00\r\n\r\n";
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                while socket.write_all(&[7u8; 1024]).await.is_ok() {
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
            });
        }
    });
    url
}

#[tokio::test]
async fn ctrl_c_sigterm_or_sighup_during_a_download_leave_nothing_behind() {
    let url = trickling_server().await;
    // Ctrl-C; a `kill`; a closed terminal or dropped SSH connection.
    for (signal, said) in [
        (rustix::process::Signal::INT, "interrupted"),
        (rustix::process::Signal::TERM, "terminated"),
        (rustix::process::Signal::HUP, "hung up"),
    ] {
        let home = Home::new();
        let downloads = home.path().join("Downloads");
        std::fs::create_dir_all(&downloads).unwrap();
        let child = tokio::process::Command::new(BIN)
            .args(["download", DOCUMENT_FRONT, "--download-dir"])
            .arg(&downloads)
            .env_clear()
            .env("HOME", home.path())
            .env("VERIFF_TUI_CONFIG", "/dev/null")
            .env("VERIFF_API_URL", &url)
            .env("VERIFF_API_KEY", DEMO_API_KEY)
            .env("VERIFF_SHARED_SECRET", DEMO_SHARED_SECRET)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        // Bytes are flowing into the temporary file.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !entries(&downloads)
            .iter()
            .any(|p| p.to_string_lossy().ends_with(".part"))
        {
            assert!(std::time::Instant::now() < deadline, "the download never started");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        rustix::process::kill_process(
            rustix::process::Pid::from_raw(child.id().unwrap() as i32).unwrap(),
            signal,
        )
        .unwrap();
        let output = tokio::time::timeout(std::time::Duration::from_secs(10), child.wait_with_output())
            .await
            .expect("the download stops")
            .unwrap();
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(&format!("{said}; nothing was saved")), "{stderr}");
        assert!(
            entries(&downloads).is_empty(),
            "left behind after {said}: {:?}",
            entries(&downloads)
        );
    }
}

// ---------------------------------------------------------------------------
// failing closed (issue 8)

#[tokio::test]
async fn an_unsigned_reply_fails_unless_allow_unsigned_which_warns() {
    let server = server::start(ServerOptions {
        strip_signatures: true,
        ..ServerOptions::default()
    })
    .await
    .unwrap();
    let home = Home::new();
    let refused = home.run_at(&server, &["attempts", SESSION]).await;
    assert!(!refused.success);
    assert!(
        refused.stderr.contains("the response is not signed"),
        "{}",
        refused.stderr
    );
    assert!(refused.stdout.is_empty());

    let allowed = home.run_at(&server, &["--allow-unsigned", "attempts", SESSION]).await;
    assert!(allowed.success, "{}", allowed.stderr);
    assert!(allowed.stdout().contains(NEWEST_ATTEMPT));
    assert!(
        allowed.stderr.contains("warning: allow_unsigned is on"),
        "{}",
        allowed.stderr
    );

    let downloads = home.path().join("dl");
    let refused = home
        .run_at(
            &server,
            &[
                "download",
                DOCUMENT_FRONT,
                "--download-dir",
                downloads.to_str().unwrap(),
            ],
        )
        .await;
    assert!(
        !refused.success && refused.stderr.contains("not signed"),
        "{}",
        refused.stderr
    );
    assert!(!downloads.exists() || entries(&downloads).is_empty(), "nothing saved");
}

#[tokio::test]
async fn plain_http_to_a_network_host_is_refused_with_the_reason() {
    let home = Home::new();
    let env = [
        ("VERIFF_API_URL", "http://192.0.2.1:8080".to_owned()),
        ("VERIFF_API_KEY", DEMO_API_KEY.to_owned()),
        ("VERIFF_SHARED_SECRET", DEMO_SHARED_SECRET.to_owned()),
    ];
    let run = home.run(&env, &["attempts", SESSION]).await;
    assert!(!run.success);
    assert!(
        run.stderr.contains("refusing plain http:// to 192.0.2.1:8080"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("travel in clear"), "{}", run.stderr);
}

#[tokio::test]
async fn a_secret_command_never_sees_the_api_key() {
    let home = Home::new();
    let server = serve().await;
    let seen = home.path().join("seen-env");
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[profiles.p]\napi_url = \"{}\"\nshared_secret_command = \"env > {}; echo {DEMO_SHARED_SECRET}\"\n",
            server.url(),
            seen.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let env = [("VERIFF_API_KEY", DEMO_API_KEY.to_owned())];
    let run = home
        .run(
            &env,
            &[
                "--config",
                config.to_str().unwrap(),
                "--profile",
                "p",
                "attempts",
                SESSION,
            ],
        )
        .await;
    assert!(run.success, "{}", run.stderr);
    let seen = std::fs::read_to_string(&seen).unwrap();
    assert!(seen.contains("HOME="), "the command got the rest of the environment");
    assert!(
        !seen.contains("VERIFF_API_KEY") && !seen.contains(DEMO_API_KEY),
        "{seen}"
    );
}

#[tokio::test]
async fn help_says_an_api_key_flag_shows_in_ps() {
    let run = Home::new().run(&[], &["--help"]).await;
    assert!(
        run.stdout().contains("visible to every user in `ps`"),
        "{}",
        run.stdout()
    );
    assert!(run.stdout().contains("--api-key-file"), "{}", run.stdout());
}

#[tokio::test]
async fn a_retry_by_a_scripting_command_is_in_the_log() {
    let server = serve().await;
    let home = Home::new();
    let run = home.run_at(&server, &["media", faults::ATTEMPT_500_ONCE]).await;
    assert!(run.success, "{}", run.stderr);
    let log = home.path().join("data/veriff-tui/veriff-tui.log");
    let text = std::fs::read_to_string(&log).unwrap_or_else(|e| panic!("{}: {e}", log.display()));
    assert!(text.contains("retrying: HTTP 500"), "{text}");
    assert!(text.contains(&format!("media {}", faults::ATTEMPT_500_ONCE)), "{text}");
    assert!(!text.contains(DEMO_SHARED_SECRET), "{text}");
    let mode = std::fs::metadata(&log).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

const DECLINED_SESSION: &str = "dec11ned-7b8c-4d9e-8f0a-1b2c3d4e5f6a";

const RESUBMISSION_SESSION: &str = "re5ubmit-3c4d-4e5f-8a9b-0c1d2e3f4a5b";

#[tokio::test(flavor = "multi_thread")]
async fn decision_person_and_watchlist_print_tables_and_json_for_every_demo_session() {
    let server = serve().await;
    let home = Home::new();
    for session in server.featured_sessions() {
        for command in ["decision", "person", "watchlist"] {
            let run = home.run_at(&server, &[command, session]).await;
            assert!(run.success, "{command} {session}: {}", run.stderr);
            assert!(!run.stdout().is_empty(), "{command} {session}");
            let run = home.run_at(&server, &[command, session, "--json"]).await;
            assert!(run.success, "{command} {session} --json: {}", run.stderr);
            assert_eq!(json(&run)["status"], "success", "{command} {session}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_declined_sessions_tables_say_why_who_and_what_links_it() {
    let server = serve().await;
    let home = Home::new();
    let out = home.run_at(&server, &["decision", DECLINED_SESSION]).await.stdout();
    let row = |name: &str| {
        out.lines()
            .filter(|l| l.starts_with(name))
            .map(str::to_owned)
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(row("code").contains("9102 not verified"), "{out}");
    assert!(row("reason code").contains("102 suspected document tampering"), "{out}");
    assert!(row("person").contains("KARL SPECIMEN"), "{out}");
    assert!(row("document").contains("DRIVERS_LICENSE LV DL0000042"), "{out}");
    let labels = row("risk label");
    assert!(
        labels.contains("document integration level crosslinked with fraud [document]"),
        "{out}"
    );
    assert!(labels.contains(UNDECIDED_SESSION) && labels.contains(SESSION), "{out}");
    assert!(row("face matches").contains(SESSION), "{out}");
    assert!(row("ip").contains("198.51.100.77"), "{out}");

    let out = home.run_at(&server, &["watchlist", DECLINED_SESSION]).await.stdout();
    assert!(
        out.lines()
            .any(|l| l.starts_with("match") && l.contains("possible match")),
        "{out}"
    );
    assert!(out.contains("Karl Spezimen on PEP (Latvia, born 1990)"), "{out}");
    // Under each hit: the list it comes from, how it matched, its aka and associates.
    assert!(
        out.contains("Demo PEP register (PEP) · name fuzzy, year of birth · 1 aka · 0 associates"),
        "{out}"
    );
    let second = out
        .lines()
        .find(|l| l.contains("Karl Specimen-Muster on"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(second.contains("sanctions") && second.contains("warnings"), "{second}");
    let run = home.run_at(&server, &["watchlist", SESSION, "--json"]).await;
    assert_eq!(json(&run)["data"]["matchStatus"], "no_match");

    let out = home.run_at(&server, &["person", DECLINED_SESSION]).await.stdout();
    assert!(
        out.lines()
            .any(|l| l.starts_with("id code") && l.contains("39007210000")),
        "{out}"
    );
    assert!(
        out.contains("Karl Spezimen (name_fuzzy, year_of_birth, score 1.7)"),
        "{out}"
    );
    let out = home.run_at(&server, &["person", RESUBMISSION_SESSION]).await.stdout();
    assert_eq!(out, "no person data\n");
    let out = home.run_at(&server, &["watchlist", UNDECIDED_SESSION]).await.stdout();
    assert_eq!(out, "no watchlist screening\n");

    // The sparse resubmission: the table's meaning where the response has none.
    let out = home.run_at(&server, &["decision", RESUBMISSION_SESSION]).await.stdout();
    assert!(out.contains("204 poor image quality"), "{out}");
    assert!(out.contains("2026-10-31 (expired at decision)"), "{out}");
    let run = home
        .run_at(&server, &["decision", RESUBMISSION_SESSION, "--json"])
        .await;
    let value = json(&run);
    assert_eq!(value["verification"]["decisionTime"], "2026-11-27T09:14:03.512904Z");
    assert_eq!(
        value["verification"]["person"]["addresses"][0]["parsedAddress"]["houseNumber"], "null",
        "unknown fields are echoed as they came"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn nfc_documents_are_listed_with_the_session_media_and_download_as_json() {
    let server = serve().await;
    let home = Home::new();
    let out = home.run_at(&server, &["session-media", SESSION]).await.stdout();
    let row = out
        .lines()
        .find(|l| l.starts_with("nfc"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(row.contains("application/json") && row.contains("nfc00001"), "{row}");
    let run = home
        .run_at(
            &server,
            &["download", "nfc00001-2a3b-4c5d-8e6f-a1b2c3d4e5f6", "-o", "-"],
        )
        .await;
    assert!(run.success, "{}", run.stderr);
    let chip: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(chip["surname"], "SPECIMEN");
}

#[tokio::test]
async fn watching_more_often_than_once_a_second_is_refused_before_the_screen_changes() {
    let home = Home::new();
    let run = home.run(&[], &["--demo", "--watch", "0", SESSION]).await;
    assert!(!run.success);
    assert!(run.stderr.contains("too often"), "{}", run.stderr);
}

/// The demo's credentials are published: listening where other hosts reach it is
/// said out loud, and the URL printed is one the client accepts.
#[tokio::test]
async fn serve_demo_on_a_network_address_needs_public_and_prints_a_url_the_client_takes() {
    let home = Home::new();
    let refused = home.run(&[], &["serve-demo", "--addr", "0.0.0.0:0"]).await;
    assert!(!refused.success);
    assert!(refused.stderr.contains("--public"), "{}", refused.stderr);

    let mut child = tokio::process::Command::new(BIN)
        .args(["serve-demo", "--addr", "0.0.0.0:0", "--public"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(child.stdout.take().unwrap()));
    let mut url = None;
    let mut said = String::new();
    while url.is_none() {
        let line = tokio::time::timeout(std::time::Duration::from_secs(10), lines.next_line())
            .await
            .expect("the server says where it is")
            .unwrap()
            .expect("a line");
        said.push_str(&line);
        said.push('\n');
        url = line.trim().strip_prefix("export VERIFF_API_URL=").map(str::to_owned);
    }
    let url = url.unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}\n{said}");
    assert!(said.contains("--insecure-http"), "{said}");
    let env = [
        ("VERIFF_API_URL", url),
        ("VERIFF_API_KEY", DEMO_API_KEY.to_owned()),
        ("VERIFF_SHARED_SECRET", DEMO_SHARED_SECRET.to_owned()),
    ];
    let attempts = home.run(&env, &["attempts", SESSION]).await;
    assert!(attempts.success, "{}", attempts.stderr);
    assert!(attempts.stdout().contains(NEWEST_ATTEMPT));
    child.kill().await.unwrap();
}

/// A plain-http loopback URL needs no TLS, so no CA store is read: a broken one
/// (as a misconfigured SSL_CERT_FILE makes it) used to fail every command with "No
/// CA certificates were loaded from the system".
#[tokio::test]
async fn a_loopback_http_command_reads_no_ca_store() {
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_veriff-tui"))
        .args(["--demo", "attempts", "c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f"])
        .env("SSL_CERT_FILE", "/nonexistent/bundle.pem")
        .env("SSL_CERT_DIR", "/nonexistent")
        .env("HOME", tempfile::tempdir().unwrap().path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(String::from_utf8_lossy(&run.stdout).contains("approved"), "{stderr}");
}
