//! The API client against the embedded server over real loopback HTTP: every
//! endpoint, every fault the server can play, credentials, files on disk, dead and
//! silent servers, cancellation and redirects. Nothing here leaves 127.0.0.1.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use veriff_tui::api::{ApiError, Client, ClientConfig, ErrorKind, MediaKind, RetryPolicy, SaveAs, Secret};
use veriff_tui::config::describe_error;
use veriff_tui::ids::{AttemptId, MediaId, SessionId};
use veriff_tui::server::{self, BIG_MEDIA, DEMO_API_KEY, DEMO_SHARED_SECRET, RunningServer, ServerOptions, faults};

const SESSION: &str = "c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f";
const UNDECIDED_SESSION: &str = "b0a7f00d-2e4f-4a6b-8c9d-1e2f3a4b5c6d";
const NEWEST_ATTEMPT: &str = "a1000003-5f2e-4c1a-9b3d-7e8f9a0b1c2d";
const DOCUMENT_FRONT: &str = "d0c0f001-2a3b-4c5d-8e6f-a1b2c3d4e5f6";
const FACE_PRE: &str = "face0002-2a3b-4c5d-8e6f-a1b2c3d4e5f6";

/// The newest attempt's media, in the order the server lists them, with their files.
const NEWEST_MEDIA: &[(&str, MediaKind, &str, &str)] = &[
    (DOCUMENT_FRONT, MediaKind::Image, "document-front", "document-front.jpg"),
    (
        "d0c0b001-2a3b-4c5d-8e6f-a1b2c3d4e5f6",
        MediaKind::Image,
        "document-back",
        "document-back.jpg",
    ),
    (
        "face0001-2a3b-4c5d-8e6f-a1b2c3d4e5f6",
        MediaKind::Image,
        "face",
        "face.jpg",
    ),
    (FACE_PRE, MediaKind::Image, "face-pre", "face-pre.png"),
    (
        "v1de0001-2a3b-4c5d-8e6f-a1b2c3d4e5f6",
        MediaKind::Video,
        "selfid_video",
        "selfid_video.webm",
    ),
    (
        "v1de0002-2a3b-4c5d-8e6f-a1b2c3d4e5f6",
        MediaKind::Video,
        "document-front-pre-video",
        "document-front-pre-video.mp4",
    ),
];

// ---------------------------------------------------------------------------
// helpers

async fn serve() -> RunningServer {
    server::start(ServerOptions::default())
        .await
        .expect("the demo server starts")
}

/// The same retries as in real use, with delays shrunk so the tests run fast.
fn fast(mut config: ClientConfig) -> ClientConfig {
    config.retry = RetryPolicy {
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        ..RetryPolicy::default()
    };
    config
}

fn client_for(server: &RunningServer) -> Client {
    Client::new(fast(server.client_config())).expect("client builds")
}

/// A client with the demo credentials aimed at `addr`, for the hand-made servers.
fn client_at(addr: SocketAddr) -> Client {
    let url = veriff_tui::api::normalize_api_url(&format!("http://{addr}")).unwrap();
    Client::new(fast(ClientConfig::new(
        url,
        DEMO_API_KEY,
        Secret::new(DEMO_SHARED_SECRET),
    )))
    .unwrap()
}

fn asset(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every entry under `dir`, hidden ones included, recursively (files only).
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found.sort();
    found
}

fn no_progress(_: veriff_tui::api::Progress) {}

/// A hand-made HTTP/1.1 server on 127.0.0.1: records the head of every request and
/// answers each with `respond(head)`, then closes the connection.
async fn raw_server(respond: impl Fn(&str) -> String + Send + Sync + 'static) -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = heads.clone();
    let respond = Arc::new(respond);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let seen = seen.clone();
            let respond = respond.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let answer = respond(&head);
                seen.lock().unwrap().push(head);
                let _ = stream.write_all(answer.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (addr, heads)
}

// ---------------------------------------------------------------------------
// endpoints

#[tokio::test]
async fn session_attempts_are_listed_newest_first() {
    let server = serve().await;
    let list = client_for(&server)
        .session_attempts(&SessionId::from(SESSION))
        .await
        .unwrap();
    assert_eq!(list.status.as_deref(), Some("success"));
    let attempts: Vec<(&str, Option<&str>)> = list
        .verifications
        .iter()
        .map(|a| (a.id.as_str(), a.status.as_deref()))
        .collect();
    assert_eq!(
        attempts,
        [
            (NEWEST_ATTEMPT, Some("approved")),
            ("a1000002-5f2e-4c1a-9b3d-7e8f9a0b1c2d", Some("resubmission_requested")),
            ("a1000001-5f2e-4c1a-9b3d-7e8f9a0b1c2d", Some("abandoned")),
        ]
    );
    let times: Vec<&str> = list
        .verifications
        .iter()
        .map(|a| a.created_time.as_deref().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] > w[1]), "newest first: {times:?}");
}

#[tokio::test]
async fn attempt_media_lists_images_then_videos_with_true_sizes() {
    let server = serve().await;
    let list = client_for(&server)
        .attempt_media(&AttemptId::from(NEWEST_ATTEMPT))
        .await
        .unwrap();
    assert_eq!(list.images.len(), 4);
    assert_eq!(list.videos.len(), 2);
    let items: Vec<_> = list.items().collect();
    assert_eq!(items.len(), NEWEST_MEDIA.len());
    for ((kind, media), (id, want_kind, context, file)) in items.iter().zip(NEWEST_MEDIA) {
        assert_eq!(media.id, *id);
        assert_eq!(kind, want_kind, "{id}");
        assert_eq!(media.context.as_deref(), Some(*context), "{id}");
        assert_eq!(media.size, Some(asset(file).len() as u64), "{id} size = {file}");
        assert_eq!(media.session_id.as_deref(), Some(SESSION));
        let mimetype = media.mimetype.as_deref().unwrap();
        match kind {
            MediaKind::Image => {
                assert!(mimetype.starts_with("image/"), "{mimetype}");
                assert_eq!(media.duration, None);
            }
            MediaKind::Video => {
                assert!(mimetype.starts_with("video/"), "{mimetype}");
                assert!(media.duration.is_some_and(|d| d > 0.0), "{id}");
            }
            MediaKind::Nfc => panic!("an attempt's own list has no NFC documents: {id}"),
        }
    }
    assert_eq!(list.videos[0].duration, Some(3.0));
    assert_eq!(list.videos[1].duration, Some(2.0));
}

#[tokio::test]
async fn session_media_is_the_newest_attempts_media() {
    let server = serve().await;
    let client = client_for(&server);
    let session = client.session_media(&SessionId::from(SESSION)).await.unwrap();
    let attempt = client.attempt_media(&AttemptId::from(NEWEST_ATTEMPT)).await.unwrap();
    assert_eq!(session.images, attempt.images);
    assert_eq!(session.videos, attempt.videos);
    // Only the session's media carry the chip data, listed as their own kind.
    assert_eq!(session.nfc_documents.len(), 1);
    assert_eq!(session.nfc_documents[0].mimetype.as_deref(), Some("application/json"));
    assert!(session.items().any(|(kind, _)| kind == MediaKind::Nfc));
    assert!(attempt.nfc_documents.is_empty());
}

#[tokio::test]
async fn session_decision_approved_or_not_yet() {
    let server = serve().await;
    let client = client_for(&server);
    let decision = client.session_decision(&SessionId::from(SESSION)).await.unwrap();
    let verification = decision.verification.expect("the demo session is decided");
    assert_eq!(verification.status.as_deref(), Some("approved"));
    assert_eq!(verification.code, Some(9001));
    assert_eq!(verification.id.as_deref(), Some(SESSION));
    assert_eq!(verification.attempt_id.as_deref(), Some(NEWEST_ATTEMPT));

    let undecided = client
        .session_decision(&SessionId::from(UNDECIDED_SESSION))
        .await
        .unwrap();
    assert_eq!(undecided.status.as_deref(), Some("success"));
    assert!(undecided.verification.is_none(), "verification: null");
}

#[tokio::test]
async fn unknown_ids_are_veriff_not_found_errors() {
    let server = serve().await;
    let client = client_for(&server);
    let missing = "00000000-0000-4000-8000-000000000000";
    let err = client.session_attempts(&SessionId::from(missing)).await.unwrap_err();
    assert!(
        matches!(&err, ApiError::Veriff { status: 404, code, .. } if code == "1102"),
        "{err:?}"
    );
    assert_ne!(err.kind(), ErrorKind::Credentials);
    let dir = tempfile::tempdir().unwrap();
    let save = SaveAs::InDir {
        dir: dir.path().to_path_buf(),
        parts: vec![missing.into()],
    };
    let err = client
        .download(&MediaId::from(missing), &save, false, no_progress)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ApiError::Veriff { status: 404, code, .. } if code == "1105"),
        "{err:?}"
    );
    assert!(files_under(dir.path()).is_empty());
}

#[tokio::test]
async fn downloads_are_byte_exact_in_a_dir_at_a_path_and_into_a_writer() {
    let server = serve().await;
    let client = client_for(&server);
    let want = asset("document-front.jpg");
    let dir = tempfile::tempdir().unwrap();

    let mut progress = Vec::new();
    let save = SaveAs::InDir {
        dir: dir.path().to_path_buf(),
        parts: vec![SESSION.into(), "document-front".into(), DOCUMENT_FRONT.into()],
    };
    let path = client
        .download(&MediaId::from(DOCUMENT_FRONT), &save, false, |p| progress.push(p))
        .await
        .unwrap();
    assert_eq!(path.parent(), Some(dir.path()), "{}", path.display());
    let name = path.file_name().unwrap().to_str().unwrap();
    assert!(name.ends_with(".jpg"), "{name}");
    assert!(name.contains(DOCUMENT_FRONT), "{name}");
    assert_eq!(std::fs::read(&path).unwrap(), want);
    let last = progress.last().unwrap();
    assert_eq!(
        (last.received, last.total),
        (want.len() as u64, Some(want.len() as u64))
    );
    assert_eq!(
        files_under(dir.path()),
        std::slice::from_ref(&path),
        "no temporary file left"
    );

    let exact = dir.path().join("nested/chosen-name.bin");
    let saved = client
        .download(
            &MediaId::from(FACE_PRE),
            &SaveAs::Path(exact.clone()),
            false,
            no_progress,
        )
        .await
        .unwrap();
    assert_eq!(saved, exact);
    assert_eq!(std::fs::read(&exact).unwrap(), asset("face-pre.png"));

    let mut out = Vec::new();
    let n = client
        .download_to_writer(
            &MediaId::from("v1de0001-2a3b-4c5d-8e6f-a1b2c3d4e5f6"),
            &mut out,
            no_progress,
        )
        .await
        .unwrap();
    let video = asset("selfid_video.webm");
    assert_eq!(n, video.len() as u64);
    assert_eq!(out, video);
}

#[tokio::test]
async fn existing_files_are_kept_unless_overwrite() {
    let server = serve().await;
    let client = client_for(&server);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("face.png");
    std::fs::write(&path, b"precious").unwrap();

    let err = client
        .download(
            &MediaId::from(FACE_PRE),
            &SaveAs::Path(path.clone()),
            false,
            no_progress,
        )
        .await
        .unwrap_err();
    assert!(matches!(&err, ApiError::Exists(p) if *p == path), "{err:?}");
    assert!(err.to_string().contains("already exists"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), b"precious");

    // The same for a name chosen in a folder.
    let save = SaveAs::InDir {
        dir: dir.path().to_path_buf(),
        parts: vec!["face".into()],
    };
    let err = client
        .download(&MediaId::from(FACE_PRE), &save, false, no_progress)
        .await
        .unwrap_err();
    assert!(matches!(&err, ApiError::Exists(p) if *p == path), "{err:?}");
    assert_eq!(std::fs::read(&path).unwrap(), b"precious");
    assert_eq!(
        files_under(dir.path()),
        std::slice::from_ref(&path),
        "nothing else was written"
    );

    let saved = client
        .download(&MediaId::from(FACE_PRE), &SaveAs::Path(path.clone()), true, no_progress)
        .await
        .unwrap();
    assert_eq!(saved, path);
    assert_eq!(std::fs::read(&path).unwrap(), asset("face-pre.png"));
    assert_eq!(files_under(dir.path()), [path]);
}

// ---------------------------------------------------------------------------
// faults

#[tokio::test]
async fn a_500_once_is_retried() {
    let server = serve().await;
    let list = client_for(&server)
        .attempt_media(&AttemptId::from(faults::ATTEMPT_500_ONCE))
        .await
        .unwrap();
    assert_eq!(list.images.len(), 1);
    assert_eq!(list.images[0].id, "fa00e001-0000-4000-8000-000000000000");
}

#[tokio::test]
async fn a_429_waits_for_retry_after_then_succeeds() {
    let server = serve().await;
    let client = client_for(&server);
    let started = Instant::now();
    let list = client
        .attempt_media(&AttemptId::from(faults::ATTEMPT_429_ONCE))
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(list.images.len(), 1);
    // The server says `Retry-After: 1`; the test's backoff is at most 50 ms.
    assert!(
        elapsed >= Duration::from_millis(900),
        "Retry-After ignored: {elapsed:?}"
    );
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[tokio::test]
async fn a_proxys_html_502_is_reported_without_its_html() {
    let server = serve().await;
    let err = client_for(&server)
        .attempt_media(&AttemptId::from(faults::ATTEMPT_HTML_502))
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Http { status: 502, .. }), "{err:?}");
    let text = err.to_string();
    assert!(!text.contains('<'), "HTML shown: {text}");
    assert!(!text.contains("nginx"), "{text}");
    assert!(text.contains("502 Bad Gateway"), "{text}");
    assert_ne!(err.kind(), ErrorKind::Credentials);
}

#[tokio::test]
async fn broken_json_is_a_parse_error() {
    let server = serve().await;
    let err = client_for(&server)
        .attempt_media(&AttemptId::from(faults::ATTEMPT_BROKEN_JSON))
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Parse(_)), "{err:?}");
}

#[tokio::test]
async fn a_listing_with_a_wrong_response_signature_is_refused() {
    let server = serve().await;
    let err = client_for(&server)
        .attempt_media(&AttemptId::from(faults::ATTEMPT_BAD_SIGNATURE))
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::BadSignature), "{err:?}");
    assert!(describe_error(&err).contains("VERIFF_SHARED_SECRET"), "{err}");
}

#[tokio::test]
async fn a_hostile_listing_parses_numbers_from_strings() {
    let server = serve().await;
    let list = client_for(&server)
        .attempt_media(&AttemptId::from(faults::ATTEMPT_HOSTILE))
        .await
        .unwrap();
    assert_eq!(list.images.len(), 4);
    assert_eq!(list.videos.len(), 1);
    let hostile = &list.images[0];
    assert_eq!(hostile.id, faults::MEDIA_HOSTILE);
    assert_eq!(hostile.size, Some(asset("face.jpg").len() as u64));
    assert_eq!(hostile.name.as_deref(), Some(faults::HOSTILE_NAME));
    let video = &list.videos[0];
    assert_eq!(video.size, Some(12_345));
    assert_eq!(video.duration, Some(2.5));
}

#[tokio::test]
async fn a_truncated_download_leaves_nothing_behind() {
    let server = serve().await;
    let dir = tempfile::tempdir().unwrap();
    let save = SaveAs::InDir {
        dir: dir.path().to_path_buf(),
        parts: vec![faults::MEDIA_TRUNCATED.into()],
    };
    let err = client_for(&server)
        .download(&MediaId::from(faults::MEDIA_TRUNCATED), &save, false, no_progress)
        .await
        .unwrap_err();
    let expected = asset("document-front.jpg").len() as u64;
    assert!(
        matches!(err, ApiError::Truncated { received, expected: e } if received < e && e == expected),
        "{err:?}"
    );
    assert!(err.to_string().contains("nothing was saved"), "{err}");
    assert!(files_under(dir.path()).is_empty(), "{:?}", files_under(dir.path()));
}

#[tokio::test]
async fn a_download_with_a_wrong_signature_leaves_nothing_behind() {
    let server = serve().await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("back.jpg");
    let err = client_for(&server)
        .download(
            &MediaId::from(faults::MEDIA_BAD_SIGNATURE),
            &SaveAs::Path(target),
            false,
            no_progress,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::BadSignature), "{err:?}");
    assert!(files_under(dir.path()).is_empty(), "{:?}", files_under(dir.path()));
}

#[tokio::test]
async fn a_download_failing_once_is_retried_and_exact() {
    let server = serve().await;
    let dir = tempfile::tempdir().unwrap();
    let save = SaveAs::InDir {
        dir: dir.path().to_path_buf(),
        parts: vec![faults::MEDIA_500_ONCE.into()],
    };
    let path = client_for(&server)
        .download(&MediaId::from(faults::MEDIA_500_ONCE), &save, false, no_progress)
        .await
        .unwrap();
    assert!(path.to_str().unwrap().ends_with(".png"), "{}", path.display());
    assert_eq!(std::fs::read(&path).unwrap(), asset("face-pre.png"));
    assert_eq!(files_under(dir.path()), [path]);
}

#[tokio::test]
async fn a_hostile_download_stays_in_its_folder_with_a_safe_name() {
    let server = serve().await;
    let client = client_for(&server);
    // Deep enough that `../../../` from the target would still land inside `root`.
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("a/b/c/d/downloads");
    std::fs::create_dir_all(&dir).unwrap();

    // Name the file from every hostile field of the listing (the browser uses
    // fewer of them: session, context and id).
    let list = client
        .attempt_media(&AttemptId::from(faults::ATTEMPT_HOSTILE))
        .await
        .unwrap();
    let media = list.images.iter().find(|m| m.id == faults::MEDIA_HOSTILE).unwrap();
    let parts: Vec<String> = [&media.session_id, &media.context, &media.name]
        .into_iter()
        .flatten()
        .cloned()
        .chain([media.id.clone()])
        .collect();
    let save = SaveAs::InDir {
        dir: dir.clone(),
        parts,
    };
    let path = client
        .download(&MediaId::from(faults::MEDIA_HOSTILE), &save, false, no_progress)
        .await
        .unwrap();
    assert_eq!(path.parent(), Some(dir.as_path()), "{}", path.display());
    let name = path.file_name().unwrap().to_str().unwrap();
    assert!(!name.contains('/') && !name.contains('\\'), "{name}");
    assert!(!name.starts_with('.'), "{name}");
    assert!(
        name.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)),
        "{name:?}"
    );
    let extension = path.extension().unwrap().to_str().unwrap();
    assert_eq!(extension, "bin", "Content-Type image/../../../etc/evil");
    assert_eq!(std::fs::read(&path).unwrap(), asset("face.jpg"));
    assert_eq!(files_under(root.path()), [path], "nothing created outside the folder");
}

// ---------------------------------------------------------------------------
// credentials

fn with_credentials(server: &RunningServer, key: Option<&str>, secret: Option<&str>) -> Client {
    let mut config = fast(server.client_config());
    if let Some(key) = key {
        config.api_key = key.to_owned();
    }
    if let Some(secret) = secret {
        config.secret = Secret::new(secret);
    }
    Client::new(config).unwrap()
}

fn veriff_code(err: &ApiError) -> &str {
    match err {
        ApiError::Veriff { code, status: 401, .. } => code,
        other => panic!("expected a Veriff 401 error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unknown_api_key_says_check_the_key() {
    let server = serve().await;
    let client = with_credentials(&server, Some("00000000-0000-4000-8000-000000000000"), None);
    let err = client.session_attempts(&SessionId::from(SESSION)).await.unwrap_err();
    assert_eq!(veriff_code(&err), "1803");
    assert_eq!(err.kind(), ErrorKind::Credentials);
    assert!(describe_error(&err).contains("check VERIFF_API_KEY"), "{err}");
}

#[tokio::test]
async fn a_key_that_is_not_a_uuid_is_1802() {
    let server = serve().await;
    let client = with_credentials(&server, Some("not-a-uuid"), None);
    let err = client
        .attempt_media(&AttemptId::from(NEWEST_ATTEMPT))
        .await
        .unwrap_err();
    assert_eq!(veriff_code(&err), "1802");
    assert_eq!(err.kind(), ErrorKind::Credentials);
    assert!(describe_error(&err).contains("VERIFF_API_KEY"), "{err}");
}

#[tokio::test]
async fn a_wrong_secret_says_the_signature_was_rejected() {
    let server = serve().await;
    let secret = "wrong-secret-0d2f7a";
    let client = with_credentials(&server, None, Some(secret));
    let dir = tempfile::tempdir().unwrap();
    let save = SaveAs::InDir {
        dir: dir.path().to_path_buf(),
        parts: vec!["x".into()],
    };
    let errors = [
        client.session_attempts(&SessionId::from(SESSION)).await.unwrap_err(),
        client.session_decision(&SessionId::from(SESSION)).await.unwrap_err(),
        client
            .download(&MediaId::from(DOCUMENT_FRONT), &save, false, no_progress)
            .await
            .unwrap_err(),
    ];
    for err in errors {
        assert_eq!(veriff_code(&err), "1818");
        assert_eq!(err.kind(), ErrorKind::Credentials);
        let text = describe_error(&err);
        assert!(text.contains("signature was rejected"), "{text}");
        assert!(text.contains("check VERIFF_SHARED_SECRET"), "{text}");
        assert!(!text.contains(secret), "{text}");
    }
    assert!(files_under(dir.path()).is_empty());
}

/// What the server answers a hand-made request: status and Veriff's code.
async fn raw_request(server: &RunningServer, headers: &[(&str, &str)]) -> (u16, String) {
    let url = format!("{}/v1/sessions/{SESSION}/attempts", server.url());
    let mut request = reqwest::Client::new().get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let body: serde_json::Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(body["status"], "fail", "{body}");
    (status, body["code"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn the_server_answers_credential_mistakes_with_veriffs_codes() {
    let server = serve().await;
    let good = Secret::new(DEMO_SHARED_SECRET).sign(SESSION.as_bytes());
    assert_eq!(
        raw_request(&server, &[("x-hmac-signature", &good)]).await,
        (401, "1801".into()),
        "no X-AUTH-CLIENT"
    );
    assert_eq!(
        raw_request(
            &server,
            &[("x-auth-client", DEMO_API_KEY), ("x-hmac-signature", &"zz".repeat(32))]
        )
        .await,
        (401, "1812".into()),
        "a signature that is not hex"
    );
    assert_eq!(
        raw_request(&server, &[("x-auth-client", DEMO_API_KEY)]).await,
        (401, "1812".into()),
        "no signature"
    );
    // Signed the path instead of the bare id.
    let path_signed = Secret::new(DEMO_SHARED_SECRET).sign(format!("/v1/sessions/{SESSION}/attempts").as_bytes());
    assert_eq!(
        raw_request(
            &server,
            &[("x-auth-client", DEMO_API_KEY), ("x-hmac-signature", &path_signed)]
        )
        .await,
        (401, "1818".into())
    );

    // The right request succeeds, and the reply is signed over its body.
    let response = reqwest::Client::new()
        .get(format!("{}/v1/sessions/{SESSION}/attempts", server.url()))
        .header("x-auth-client", DEMO_API_KEY)
        .header("x-hmac-signature", &good)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let signature = response.headers()["x-hmac-signature"].to_str().unwrap().to_owned();
    let body = response.bytes().await.unwrap();
    assert!(Secret::new(DEMO_SHARED_SECRET).verifies(&body, &signature));

    for code in ["1801", "1812"] {
        let err = ApiError::Veriff {
            status: 401,
            code: code.into(),
            message: String::new(),
        };
        assert_eq!(err.kind(), ErrorKind::Credentials, "{code}");
    }
}

// ---------------------------------------------------------------------------
// dead, silent and wandering servers

#[tokio::test]
async fn a_server_that_hangs_up_fails_after_three_tries() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(Mutex::new(0u32));
    let counter = accepted.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            *counter.lock().unwrap() += 1;
            drop(stream);
        }
    });
    let started = Instant::now();
    let err = tokio::time::timeout(
        Duration::from_secs(10),
        client_at(addr).session_attempts(&SessionId::from(SESSION)),
    )
    .await
    .expect("no hang")
    .unwrap_err();
    assert!(
        matches!(err, ApiError::Connect { .. } | ApiError::Transport(_)),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    assert_eq!(*accepted.lock().unwrap(), 3, "tries");
}

#[tokio::test]
async fn a_refused_connection_names_the_host() {
    let addr = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap()
    };
    let err = tokio::time::timeout(
        Duration::from_secs(10),
        client_at(addr).session_attempts(&SessionId::from(SESSION)),
    )
    .await
    .expect("no hang")
    .unwrap_err();
    match &err {
        ApiError::Connect { host, .. } => assert_eq!(*host, addr.to_string()),
        other => panic!("expected Connect, got {other:?}"),
    }
    assert!(err.to_string().contains(&addr.to_string()), "{err}");
}

#[tokio::test]
async fn a_silent_server_times_out_promptly() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let held = Arc::new(Mutex::new(Vec::new()));
    let keep = held.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            keep.lock().unwrap().push(stream); // never answered
        }
    });
    let url = veriff_tui::api::normalize_api_url(&format!("http://{addr}")).unwrap();
    let mut config = fast(ClientConfig::new(url, DEMO_API_KEY, Secret::new(DEMO_SHARED_SECRET)));
    config.timeout = Duration::from_millis(300);
    let client = Client::new(config).unwrap();
    let started = Instant::now();
    let err = tokio::time::timeout(
        Duration::from_secs(10),
        client.session_attempts(&SessionId::from(SESSION)),
    )
    .await
    .expect("no hang")
    .unwrap_err();
    let elapsed = started.elapsed();
    assert!(
        matches!(err, ApiError::Timeout(t) if t == Duration::from_millis(300)),
        "{err:?}"
    );
    assert!(elapsed >= Duration::from_millis(250), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    assert!(describe_error(&err).contains("--timeout"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_download_leaves_nothing_behind() {
    let server = server::start(ServerOptions {
        big_media_size: Some(16 * 1024 * 1024),
        ..ServerOptions::default()
    })
    .await
    .unwrap();
    let client = client_for(&server);
    let dir = tempfile::tempdir().unwrap();
    let save = SaveAs::InDir {
        dir: dir.path().to_path_buf(),
        parts: vec![BIG_MEDIA.into()],
    };
    let (started_tx, mut started_rx) = tokio::sync::mpsc::unbounded_channel();
    let watched = dir.path().to_path_buf();
    let task = tokio::spawn(async move {
        let mut told = false;
        client
            .download(&MediaId::from(BIG_MEDIA), &save, false, move |p| {
                if p.received > 0 && !told {
                    told = true;
                    // What lies in the folder mid-download: the partial file.
                    let _ = started_tx.send(files_under(&watched));
                }
                if told {
                    // A slow link, so the download cannot finish before the abort.
                    std::thread::sleep(Duration::from_millis(2));
                }
            })
            .await
    });
    let during = started_rx.recv().await.expect("the download started");
    assert_eq!(during.len(), 1, "a temporary file while downloading: {during:?}");
    let partial = during[0].file_name().unwrap().to_str().unwrap();
    assert!(partial.starts_with('.') && partial.ends_with(".part"), "{partial}");

    task.abort();
    let outcome = task.await;
    assert!(outcome.is_err_and(|e| e.is_cancelled()), "cancelled before finishing");
    assert!(files_under(dir.path()).is_empty(), "{:?}", files_under(dir.path()));
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed() {
    // The place a redirect would lead: it records whatever reaches it.
    let (elsewhere, reached) = raw_server(|_| {
        let body = r#"{"status":"success","verifications":[]}"#;
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    })
    .await;
    for location_host in [format!("localhost:{}", elsewhere.port()), elsewhere.to_string()] {
        let location = format!("http://{location_host}/v1/sessions/{SESSION}/attempts");
        let answer =
            format!("HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        let (api, asked) = raw_server(move |_| answer.clone()).await;
        let err = client_at(api)
            .session_attempts(&SessionId::from(SESSION))
            .await
            .unwrap_err();
        match &err {
            ApiError::Redirect { location: shown } => assert_eq!(*shown, location),
            other => panic!("expected Redirect, got {other:?}"),
        }
        assert!(err.to_string().contains("not followed"), "{err}");
        let asked = asked.lock().unwrap();
        assert_eq!(asked.len(), 1, "one request, not retried");
        assert!(asked[0].to_ascii_lowercase().contains("x-auth-client:"), "{}", asked[0]);
    }
    let reached = reached.lock().unwrap();
    assert!(
        !reached.iter().any(|h| h.to_ascii_lowercase().contains("x-auth-client")),
        "credentials reached another host: {reached:?}"
    );
    assert!(reached.is_empty(), "{reached:?}");
}

// ---------------------------------------------------------------------------
// failing closed (issue 8)

async fn serve_unsigned() -> RunningServer {
    server::start(ServerOptions {
        strip_signatures: true,
        ..ServerOptions::default()
    })
    .await
    .expect("the demo server starts")
}

#[tokio::test]
async fn an_unsigned_listing_is_refused_unless_allowed() {
    let server = serve_unsigned().await;
    let err = client_for(&server)
        .session_attempts(&SessionId::from(SESSION))
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Unsigned), "{err:?}");
    assert!(err.to_string().starts_with("the response is not signed"), "{err}");
    assert!(describe_error(&err).contains("--allow-unsigned"), "{err}");

    let mut config = fast(server.client_config());
    config.allow_unsigned = true;
    assert!(
        !veriff_tui::config::security_warnings(&config).is_empty(),
        "the escape hatch is said"
    );
    let list = Client::new(config)
        .unwrap()
        .session_attempts(&SessionId::from(SESSION))
        .await
        .unwrap();
    assert_eq!(list.verifications.len(), 3);
}

#[tokio::test]
async fn an_unsigned_download_saves_nothing_unless_allowed() {
    let server = serve_unsigned().await;
    let dir = tempfile::tempdir().unwrap();
    let save = SaveAs::InDir {
        dir: dir.path().to_path_buf(),
        parts: vec![DOCUMENT_FRONT.into()],
    };
    let err = client_for(&server)
        .download(&MediaId::from(DOCUMENT_FRONT), &save, false, no_progress)
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Unsigned), "{err:?}");
    assert!(files_under(dir.path()).is_empty(), "{:?}", files_under(dir.path()));

    let mut config = fast(server.client_config());
    config.allow_unsigned = true;
    let path = Client::new(config)
        .unwrap()
        .download(&MediaId::from(DOCUMENT_FRONT), &save, false, no_progress)
        .await
        .unwrap();
    assert_eq!(std::fs::read(path).unwrap(), asset("document-front.jpg"));
}

#[test]
fn plain_http_to_a_network_host_is_refused_before_any_connection() {
    let config = |url: &str| {
        ClientConfig::new(
            veriff_tui::api::normalize_api_url(url).unwrap(),
            DEMO_API_KEY,
            Secret::new(DEMO_SHARED_SECRET),
        )
    };
    // 192.0.2.0/24 is TEST-NET-1: nothing answers there, and Client::new connects nowhere.
    for url in [
        "http://192.0.2.1:8080",
        "http://stationapi.veriff.com",
        "http://10.0.0.1",
    ] {
        let err = Client::new(config(url)).unwrap_err();
        assert!(matches!(err, ApiError::Cleartext { .. }), "{url}: {err:?}");
        let text = describe_error(&err);
        assert!(text.contains("in clear") && text.contains("--insecure-http"), "{text}");
        let mut allowed = config(url);
        allowed.insecure_http = true;
        assert!(
            veriff_tui::config::security_warnings(&allowed)[0].contains("in clear"),
            "{url}"
        );
        assert!(Client::new(allowed).is_ok(), "{url}");
    }
    for url in [
        "http://127.0.0.1:9",
        "http://127.8.9.10",
        "http://localhost:9",
        "http://[::1]:9",
        "https://h.example",
    ] {
        assert!(Client::new(config(url)).is_ok(), "{url}");
        assert!(veriff_tui::config::security_warnings(&config(url)).is_empty(), "{url}");
    }
}

#[tokio::test]
async fn too_many_redirects_on_the_same_host_are_not_called_another_host() {
    let (api, asked) = raw_server(move |head| {
        // Every request is sent one hop further along the same host.
        let hop = head.matches("hop").count();
        format!(
            "HTTP/1.1 302 Found\r\nLocation: /v1/sessions/{SESSION}/attempts?hop{hop}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
    })
    .await;
    let err = client_at(api)
        .session_attempts(&SessionId::from(SESSION))
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::TooManyRedirects), "{err:?}");
    assert!(!err.to_string().contains("another host"), "{err}");
    assert!(asked.lock().unwrap().len() > 1, "same-host redirects are followed");
}

#[tokio::test]
async fn a_stalled_download_of_known_length_says_timed_out() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf).await;
                let head = "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: 1000\r\nx-hmac-signature: 00\r\n\r\n";
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(&[0u8; 100]).await;
                // Then nothing: the connection stays open and silent.
                tokio::time::sleep(Duration::from_secs(30)).await;
            });
        }
    });
    let url = veriff_tui::api::normalize_api_url(&format!("http://{addr}")).unwrap();
    let mut config = fast(ClientConfig::new(url, DEMO_API_KEY, Secret::new(DEMO_SHARED_SECRET)));
    config.timeout = Duration::from_millis(300);
    let dir = tempfile::tempdir().unwrap();
    let err = Client::new(config)
        .unwrap()
        .download(
            &MediaId::from(DOCUMENT_FRONT),
            &SaveAs::Path(dir.path().join("f.jpg")),
            false,
            no_progress,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Timeout(_)), "{err:?}");
    assert!(!err.to_string().contains("incomplete"), "{err}");
    assert!(files_under(dir.path()).is_empty());
}

#[cfg(unix)]
#[tokio::test]
async fn folders_a_download_creates_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let server = serve().await;
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("case-1234/attempt");
    let save = SaveAs::InDir {
        dir: nested.clone(),
        parts: vec![DOCUMENT_FRONT.into()],
    };
    client_for(&server)
        .download(&MediaId::from(DOCUMENT_FRONT), &save, false, no_progress)
        .await
        .unwrap();
    for path in [dir.path().join("case-1234"), nested] {
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{}", path.display());
    }
}
