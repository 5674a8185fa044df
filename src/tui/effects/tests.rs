//! The effects' contract, against the embedded server on loopback: every command
//! the model waits on gets exactly one reply — its result, its error, or
//! "cancelled" — also when it is aborted or its task panics.

use std::time::Duration;

use super::*;
use crate::api::ErrorKind;
use crate::ids::SessionId;
use crate::server::{self, RunningServer, ServerOptions};
use crate::tui::app::{Payload, PreviewKey, Req, TransferItem, TransferKind, TransferOutcome};

const SESSION: &str = "c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f";
const NEWEST_ATTEMPT: &str = "a1000003-5f2e-4c1a-9b3d-7e8f9a0b1c2d";
const DOCUMENT_FRONT: &str = "d0c0f001-2a3b-4c5d-8e6f-a1b2c3d4e5f6";
const FACE: &str = "face0001-2a3b-4c5d-8e6f-a1b2c3d4e5f6";

struct Rig {
    server: RunningServer,
    effects: Effects,
    rx: mpsc::UnboundedReceiver<Msg>,
    dir: tempfile::TempDir,
}

async fn rig() -> Rig {
    rig_with(ServerOptions::default()).await
}

async fn rig_with(options: ServerOptions) -> Rig {
    let server = server::start(options).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dirs = Dirs {
        download: dir.path().join("Downloads"),
        cache: dir.path().join("cache"),
    };
    let (tx, rx) = mpsc::unbounded_channel();
    let mut effects = Effects::new(Client::new(server.client_config()).unwrap(), tx, dirs, None);
    effects.set_display(false);
    effects.set_renderer(Some(Renderer::Halfblocks));
    Rig {
        server,
        effects,
        rx,
        dir,
    }
}

impl Rig {
    /// Every reply that arrives until nothing more comes for a while; progress
    /// reports are not replies and are left out.
    async fn replies(&mut self) -> Vec<Msg> {
        let mut replies = Vec::new();
        while let Ok(Some(msg)) = tokio::time::timeout(Duration::from_millis(700), self.rx.recv()).await {
            if !matches!(msg, Msg::TransferProgress { .. }) {
                replies.push(msg);
            }
        }
        replies
    }

    /// The first `n` replies, however slowly they come (at most 20 s): a
    /// preview is decoded on a busy machine's thread pool, and a quiet gap is
    /// no sign that it is done.
    async fn load_outcomes_of(&mut self, n: usize) -> Vec<(u64, Result<(), String>)> {
        let mut outcomes = Vec::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while outcomes.len() < n
            && let Ok(Some(msg)) = tokio::time::timeout_at(deadline, self.rx.recv()).await
        {
            match msg {
                Msg::Loaded { id, result, .. } => outcomes.push((id, result.map(|_| ()).map_err(|e| e.message))),
                Msg::TransferProgress { .. } => {}
                other => panic!("unexpected {other:?}"),
            }
        }
        outcomes.sort();
        outcomes
    }

    /// Each load's id and whether it brought data (or its failure's message),
    /// in id order; anything else is a bug.
    async fn load_outcomes(&mut self) -> Vec<(u64, Result<(), String>)> {
        let mut outcomes: Vec<(u64, Result<(), String>)> = self
            .replies()
            .await
            .into_iter()
            .map(|msg| match msg {
                Msg::Loaded { id, result, .. } => (id, result.map(|_| ()).map_err(|e| e.message)),
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        outcomes.sort();
        outcomes
    }

    /// The replies until an export's answer, or `limit`; its figures on the way
    /// are not replies and are left out.
    async fn export_replies(&mut self, limit: Duration) -> Vec<Msg> {
        let mut replies = Vec::new();
        let deadline = tokio::time::Instant::now() + limit;
        while let Ok(Some(msg)) = tokio::time::timeout_at(deadline, self.rx.recv()).await {
            if matches!(msg, Msg::ExportProgress { .. }) {
                continue;
            }
            let done = matches!(msg, Msg::ExportDone { .. });
            replies.push(msg);
            if done {
                // Anything owed after it would show within a moment.
                replies.extend(self.replies().await);
                break;
            }
        }
        replies
    }
}

fn item(media: &str) -> TransferItem {
    TransferItem {
        media_id: media.into(),
        name_parts: vec!["c0ffee00".into(), "ctx".into(), media.into()],
        mimetype: Some("image/jpeg".into()),
    }
}

fn load(id: u64, req: Req, background: bool) -> Cmd {
    Cmd::Load { id, req, background }
}

#[tokio::test]
async fn every_load_gets_exactly_one_reply_with_its_request_id() {
    let mut rig = rig().await;
    let unknown = "00000000-0000-4000-8000-000000000000";
    rig.effects.run(load(1, Req::Attempts(SESSION.into()), false));
    rig.effects.run(load(2, Req::Decision(SESSION.into()), true));
    rig.effects.run(load(3, Req::SessionMedia(SESSION.into()), false));
    rig.effects
        .run(load(4, Req::Media(SESSION.into(), NEWEST_ATTEMPT.into()), true));
    rig.effects.run(load(5, Req::Attempts(unknown.into()), false));
    let mut reqs: Vec<(u64, bool)> = rig
        .replies()
        .await
        .into_iter()
        .map(|msg| match msg {
            Msg::Loaded { id: 5, result, .. } => {
                assert_eq!(result.as_ref().unwrap_err().kind, ErrorKind::NotFound);
                (5, false)
            }
            Msg::Loaded { id, result, .. } => (
                id,
                match result.unwrap() {
                    Payload::Attempts(list) => list.len() == 3,
                    Payload::Decision(d) => d.is_some(),
                    // The newest attempt's six files; the session's media add its NFC data.
                    Payload::Media(list) => list.len() == if id == 3 { 7 } else { 6 },
                    other => panic!("unexpected {other:?}"),
                },
            ),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    reqs.sort();
    assert_eq!(reqs, [(1, true), (2, true), (3, true), (4, true), (5, false)]);
    assert_eq!(rig.effects.loads.in_flight(), 0, "answered loads are forgotten");
}

/// A load asked for again supersedes the one on its way, and a load no longer
/// wanted is aborted: each answers once, as cancelled, and only the newest of the
/// same request brings its data.
#[tokio::test]
async fn a_load_asked_again_or_cancelled_answers_cancelled_and_the_newest_answers_with_data() {
    let mut rig = rig_with(ServerOptions {
        latency: Duration::from_millis(200),
        ..ServerOptions::default()
    })
    .await;
    rig.effects.run(load(1, Req::Attempts(SESSION.into()), false));
    rig.effects.run(load(2, Req::Attempts(SESSION.into()), false));
    rig.effects.run(load(3, Req::Decision(SESSION.into()), false));
    rig.effects.run(Cmd::Cancel(vec![Req::Decision(SESSION.into())]));
    let replies = rig.load_outcomes().await;
    let cancelled = || Err("cancelled".to_owned());
    assert_eq!(replies, [(1, cancelled()), (2, Ok(())), (3, cancelled())]);
}

#[tokio::test]
async fn save_and_save_all_answer_once_with_where_the_files_went() {
    let mut rig = rig().await;
    rig.effects.run(Cmd::Transfer {
        id: 7,
        kind: TransferKind::Save,
        folder: None,
        items: vec![item(DOCUMENT_FRONT)],
    });
    let replies = rig.replies().await;
    assert_eq!(replies.len(), 1, "{replies:?}");
    let Msg::TransferDone {
        id: 7,
        result: Ok(TransferOutcome::Saved(path)),
    } = &replies[0]
    else {
        panic!("{replies:?}")
    };
    assert!(path.starts_with(rig.dir.path().join("Downloads")));

    rig.effects.run(Cmd::Transfer {
        id: 8,
        kind: TransferKind::SaveAll,
        folder: Some("case".into()),
        items: vec![item(DOCUMENT_FRONT), item(FACE)],
    });
    let replies = rig.replies().await;
    assert!(
        matches!(
            replies.as_slice(),
            [Msg::TransferDone {
                id: 8,
                result: Ok(TransferOutcome::SavedAll {
                    saved: 2,
                    skipped: 0,
                    ..
                })
            }]
        ),
        "{replies:?}"
    );
}

#[tokio::test]
async fn a_cancelled_transfer_answers_once_as_cancelled_and_leaves_nothing() {
    let mut rig = rig_with(ServerOptions {
        big_media_size: Some(256 * 1024 * 1024),
        ..ServerOptions::default()
    })
    .await;
    rig.effects.run(Cmd::Transfer {
        id: 9,
        kind: TransferKind::Save,
        folder: None,
        items: vec![item(crate::server::BIG_MEDIA)],
    });
    // Under way: its temporary file exists.
    let downloads = rig.dir.path().join("Downloads");
    let started = std::time::Instant::now();
    while std::fs::read_dir(&downloads).map(|d| d.count()).unwrap_or(0) == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the download never started"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    rig.effects.run(Cmd::CancelTransfer { id: 9 });
    let replies = rig.replies().await;
    assert_eq!(replies.len(), 1, "{replies:?}");
    let Msg::TransferDone { id: 9, result: Err(e) } = &replies[0] else {
        panic!("{replies:?}")
    };
    assert_eq!(e.message, "cancelled");
    let left = std::fs::read_dir(&downloads).map(|d| d.count()).unwrap_or(0);
    assert_eq!(left, 0, "nothing partial");
}

/// Previews wait out a short debounce: one superseded meanwhile costs no
/// download at all.
#[tokio::test]
async fn a_preview_superseded_during_its_debounce_costs_no_download() {
    let mut rig = rig().await;
    let key = |media: &str| PreviewKey {
        media: media.into(),
        width: 20,
        height: 10,
    };
    let preview = |media| Req::Preview {
        key: key(media),
        video: None,
    };
    rig.effects.run(load(1, preview(DOCUMENT_FRONT), false));
    rig.effects.run(Cmd::Cancel(vec![preview(DOCUMENT_FRONT)]));
    rig.effects.run(load(2, preview(FACE), false));
    let replies = rig.load_outcomes_of(2).await;
    assert_eq!(replies, [(1, Err("cancelled".to_owned())), (2, Ok(()))]);
    assert_eq!(
        rig.server.media_requests(),
        1,
        "only the picture still wanted was fetched"
    );
}

#[tokio::test]
async fn open_reuses_the_bytes_a_preview_already_verified() {
    let mut rig = rig().await;
    let key = PreviewKey {
        media: FACE.into(),
        width: 20,
        height: 10,
    };
    rig.effects.run(load(1, Req::Preview { key, video: None }, false));
    assert_eq!(rig.replies().await.len(), 1);
    assert_eq!(rig.server.media_requests(), 1, "the preview fetched it");
    // A viewer that opens whatever it is given.
    rig.effects.set_display(true);
    rig.effects.set_opener(|_| Ok(()));
    rig.effects.run(Cmd::Transfer {
        id: 3,
        kind: TransferKind::Open,
        folder: None,
        items: vec![item(FACE)],
    });
    let replies = rig.replies().await;
    let [
        Msg::TransferDone {
            id: 3,
            result: Ok(TransferOutcome::Opened(path)),
        },
    ] = replies.as_slice()
    else {
        panic!("{replies:?}")
    };
    assert_eq!(rig.server.media_requests(), 1, "opened without a second download");
    let original = include_bytes!("../../../assets/demo/face.jpg");
    assert_eq!(std::fs::read(path).unwrap(), original, "the preview's bytes, verified");
    assert!(path.starts_with(rig.dir.path().join("cache")), "{}", path.display());
}

/// `O`: the Customer Portal link goes to the opener where there is a display;
/// without one (over SSH) the answer says so, for the link to be shown.
#[tokio::test]
async fn a_link_is_opened_where_a_display_is_and_said_unopened_elsewhere() {
    static OPENED: std::sync::Mutex<Vec<std::path::PathBuf>> = std::sync::Mutex::new(Vec::new());
    let mut rig = rig().await;
    let url = "https://station.veriff.com/verifications/c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f";
    rig.effects.set_opener(|link| {
        OPENED.lock().unwrap().push(link.to_owned());
        Ok(())
    });
    rig.effects.set_display(false);
    rig.effects.run(Cmd::OpenLink(url.into()));
    let replies = rig.replies().await;
    assert!(
        matches!(replies.as_slice(), [Msg::LinkOpened { url: u, result: Err(e) }] if u == url && e.message.contains("no display")),
        "{replies:?}"
    );
    assert!(OPENED.lock().unwrap().is_empty(), "nothing opened without a display");
    rig.effects.set_display(true);
    rig.effects.run(Cmd::OpenLink(url.into()));
    let replies = rig.replies().await;
    assert!(
        matches!(replies.as_slice(), [Msg::LinkOpened { result: Ok(()), .. }]),
        "{replies:?}"
    );
    assert_eq!(*OPENED.lock().unwrap(), vec![std::path::PathBuf::from(url)]);
}

#[tokio::test]
async fn a_profile_switch_without_a_config_file_answers_with_why() {
    let mut rig = rig().await;
    rig.effects.run(Cmd::SwitchProfile("live".into()));
    let replies = rig.replies().await;
    assert!(
        matches!(replies.as_slice(), [Msg::ProfileSwitched { result: Err(e), .. }] if e.message.contains("no config file")),
        "{replies:?}"
    );
}

#[tokio::test]
async fn work_that_panics_still_answers_once() {
    let mut rig = rig().await;
    let work = async {
        if rig_never() {
            return Ok(Vec::new());
        }
        panic!("a bug in the work");
    };
    drop(spawn_answered(&rig.effects.tx, work, |result| Msg::Loaded {
        id: 42,
        req: Req::Attempts(SESSION.into()),
        result: result.map(Payload::Attempts),
    }));
    let replies = rig.replies().await;
    assert_eq!(replies.len(), 1, "{replies:?}");
    let Msg::Loaded {
        id: 42, result: Err(e), ..
    } = &replies[0]
    else {
        panic!("{replies:?}")
    };
    assert!(e.message.contains("failed unexpectedly"), "{e:?}");
}

/// Keeps the panicking future's type a `Result` without an unreachable warning.
fn rig_never() -> bool {
    std::hint::black_box(false)
}

#[tokio::test]
async fn the_triage_loads_answer_once_each_with_what_the_card_needs() {
    const DECLINED: &str = "dec11ned-7b8c-4d9e-8f0a-1b2c3d4e5f6a";
    let mut rig = rig().await;
    let cmds = [
        load(1, Req::Person(DECLINED.into()), false),
        load(2, Req::Watchlist(DECLINED.into()), false),
        load(
            3,
            Req::Nfc(DECLINED.into(), "nfc00001-2a3b-4c5d-8e6f-a1b2c3d4e5f6".into()),
            false,
        ),
    ];
    let owed: usize = cmds.iter().map(Cmd::replies).sum();
    for cmd in cmds {
        rig.effects.run(cmd);
    }
    let replies = rig.replies().await;
    assert_eq!(replies.len(), owed, "{replies:?}");
    for reply in replies {
        match reply {
            Msg::Loaded {
                id: 1,
                result: Ok(Payload::Person(person)),
                ..
            } => assert!(person.is_some()),
            Msg::Loaded {
                id: 2,
                result: Ok(Payload::Watchlist(watchlist)),
                ..
            } => assert_eq!(watchlist.unwrap().match_status.as_deref(), Some("possible_match")),
            Msg::Loaded {
                id: 3,
                result: Ok(Payload::Nfc(nfc)),
                ..
            } => assert!(nfc.is_object()),
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_export_answers_once_done_or_stopped_and_leaves_its_manifest() {
    let mut rig = rig().await;
    let log = rig.dir.path().join("data/audit.log");
    rig.effects.set_profile_in_use(ProfileInUse {
        audit_log: Some(log.clone()),
        ..ProfileInUse::default()
    });
    rig.effects.run(Cmd::Export {
        id: 5,
        sessions: vec![SESSION.into()],
        folder: "case-4711".into(),
    });
    let done = rig.export_replies(Duration::from_secs(30)).await;
    let [
        Msg::ExportDone {
            id: 5,
            result: Ok(summary),
        },
    ] = done.as_slice()
    else {
        panic!("{done:?}")
    };
    assert_eq!((summary.done, summary.failed, summary.interrupted), (1, 0, false));
    // One audit line with its figures, not the folder's name.
    let recorded = std::fs::read_to_string(&log).unwrap();
    let line: serde_json::Value = serde_json::from_str(&recorded).unwrap();
    assert_eq!((&line["action"], &line["outcome"]), (&"export".into(), &"done".into()));
    assert_eq!(line["counts"]["sessions"], 1);
    assert!(!recorded.contains("case-4711"), "{recorded}");
    // Into the case folder, in the download folder, said as an absolute path.
    assert!(rig.dir.path().join("Downloads/case-4711/manifest.json").is_file());
    assert!(
        summary.dir.is_absolute() && summary.dir.ends_with("Downloads/case-4711"),
        "{summary:?}"
    );
    // Verified as exported, every file against Veriff's signature; then with
    // one file altered, that file named.
    let case = summary.dir.clone();
    rig.effects.run(Cmd::Verify { dir: case.clone() });
    let replies = rig.replies().await;
    let [Msg::Verified { result: Ok(found), .. }] = replies.as_slice() else {
        panic!("{replies:?}")
    };
    assert!(found.problems.is_empty() && found.verified > 3, "{found:?}");
    assert_eq!(found.signed, found.verified, "{found:?}");
    let decision = walk(&case)
        .into_iter()
        .find(|p| p.ends_with("decision.json"))
        .expect("the decision is exported");
    let mut bytes = std::fs::read(&decision).unwrap();
    bytes[0] = b' ';
    std::fs::write(&decision, bytes).unwrap();
    rig.effects.run(Cmd::Verify { dir: case });
    let replies = rig.replies().await;
    let [Msg::Verified { result: Ok(found), .. }] = replies.as_slice() else {
        panic!("{replies:?}")
    };
    assert_eq!(found.problems.len(), 1, "{found:?}");
    assert!(
        found.problems[0].starts_with("altered ") && found.problems[0].contains("decision.json"),
        "{found:?}"
    );

    // Stopped at once: still one answer, said as interrupted, nothing partial.
    let mut rig = rig_with(ServerOptions {
        media_bandwidth: Some(64 * 1024),
        ..ServerOptions::default()
    })
    .await;
    rig.effects.run(Cmd::Export {
        id: 6,
        sessions: vec![SESSION.into()],
        folder: "case-4712".into(),
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    rig.effects.run(Cmd::CancelExport { id: 6 });
    let done = rig.export_replies(Duration::from_secs(30)).await;
    let [
        Msg::ExportDone {
            id: 6,
            result: Ok(summary),
        },
    ] = done.as_slice()
    else {
        panic!("{done:?}")
    };
    assert!(summary.interrupted, "{summary:?}");
    let partial = walk(&rig.dir.path().join("Downloads"))
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".part"))
        .count();
    assert_eq!(partial, 0);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// `--from` with a hundred sessions against a slow API, then a switch of profile:
/// the old profile's loads, queued or on the wire, are aborted as the new client
/// takes over (each answers once, as cancelled). A second after the switch the
/// old API hears nothing more; the new one answers.
#[tokio::test]
async fn after_a_profile_switch_the_old_profile_sends_nothing_more() {
    use crate::config::{Config, Overrides, Profiles, Settings};
    let old = server::start(ServerOptions {
        latency: Duration::from_millis(300),
        ..ServerOptions::default()
    })
    .await
    .unwrap();
    let new = server::start(ServerOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, "").unwrap();
    let overrides = Overrides {
        config: Some(path),
        ..Overrides::default()
    };
    let config = Config::load(overrides, &|_| None).unwrap();
    let settings = Settings {
        profile: Some("new".into()),
        client: new.client_config(),
        download_dir: dir.path().join("Downloads"),
        redact: Default::default(),
        read_only: false,
        team_key: None,
        portal_url: crate::config::PORTAL_URL.to_owned(),
    };
    let profiles = Profiles::new(config, Some(("new".into(), settings)));
    let dirs = Dirs {
        download: dir.path().join("Downloads"),
        cache: dir.path().join("cache"),
    };
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut effects = Effects::new(Client::new(old.client_config()).unwrap(), tx, dirs, Some(profiles));
    const SESSIONS: u64 = 100;
    for i in 0..SESSIONS {
        let session = format!("{i:08x}-0000-4000-8000-000000000000");
        effects.run(load(i, Req::Decision(session.into()), true));
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(old.requests() > 0, "the old profile's loads were on the wire");
    effects.run(Cmd::SwitchProfile("new".into()));
    let mut loaded = 0;
    loop {
        match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
            Ok(Some(Msg::ProfileSwitched { result, .. })) => {
                assert!(result.is_ok(), "{result:?}");
                break;
            }
            Ok(Some(Msg::Loaded { .. })) => loaded += 1,
            Ok(Some(_)) => {}
            other => panic!("no answer to the switch: {other:?}"),
        }
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let a_second_after = old.requests();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        old.requests(),
        a_second_after,
        "the old profile kept sending after the switch"
    );
    assert!(
        a_second_after < SESSIONS,
        "only {a_second_after} of {SESSIONS} loads ever went out"
    );
    assert_eq!(effects.loads.in_flight(), 0, "nothing of the old profile left to run");
    while let Ok(msg) = rx.try_recv() {
        if matches!(msg, Msg::Loaded { .. }) {
            loaded += 1;
        }
    }
    assert_eq!(loaded, SESSIONS, "every load answered exactly once");

    effects.run(load(SESSIONS, Req::Decision(SESSION.into()), false));
    let reply = tokio::time::timeout(Duration::from_secs(10), rx.recv()).await.unwrap();
    assert!(
        matches!(
            reply,
            Some(Msg::Loaded {
                result: Ok(Payload::Decision(Some(_))),
                ..
            })
        ),
        "{reply:?}"
    );
    assert_eq!(new.requests(), 1, "the new profile answers from now on");
}

/// A deletion goes out once, is recorded in the audit log with Veriff's answer,
/// and the session is gone from the API; under a read-only profile nothing is
/// sent at all.
#[tokio::test]
async fn a_deletion_is_sent_once_recorded_and_refused_when_read_only() {
    use crate::tui::app::Write;
    let mut rig = rig().await;
    let log = rig.dir.path().join("data/audit.log");
    rig.effects.set_profile_in_use(ProfileInUse {
        profile: Some("test".into()),
        read_only: true,
        audit_log: Some(log.clone()),
        sessions: None,
    });
    let sent = rig.server.requests();
    rig.effects.run(Cmd::Write {
        id: 1,
        write: Write::DeleteSession {
            session: SESSION.into(),
            reference: None,
        },
    });
    let replies = rig.replies().await;
    assert!(
        matches!(&replies[..], [Msg::Written { id: 1, result: Err(e), .. }] if e.message.contains("read-only")),
        "{replies:?}"
    );
    assert_eq!(rig.server.requests(), sent, "nothing sent");
    let refused: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&log).unwrap()).unwrap();
    assert_eq!(
        (&refused["outcome"], &refused["reason"], &refused["session"]),
        (&"refused_here".into(), &"read_only".into(), &SESSION.into()),
        "the refusal is a line: {refused}"
    );
    // A refusal the browser made before asking is a line too.
    rig.effects.run(Cmd::Refused {
        action: "delete_session",
        session: Some(SESSION.into()),
        reason: "not_deletable",
    });
    let mut lines = 0;
    for _ in 0..100 {
        lines = std::fs::read_to_string(&log).unwrap().lines().count();
        if lines == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(lines, 2, "recorded off the event loop, soon");

    rig.effects.set_profile_in_use(ProfileInUse {
        profile: Some("test".into()),
        read_only: false,
        audit_log: Some(log.clone()),
        sessions: None,
    });
    rig.effects.run(Cmd::Write {
        id: 2,
        write: Write::DeleteSession {
            session: SESSION.into(),
            reference: None,
        },
    });
    let replies = rig.replies().await;
    let [
        Msg::Written {
            id: 2,
            result: Ok(crate::tui::app::Done { said, .. }),
            ..
        },
    ] = &replies[..]
    else {
        panic!("{replies:?}")
    };
    assert!(said.contains("deleted session") && said.contains("audit.log"), "{said}");
    let recorded = std::fs::read_to_string(&log).unwrap();
    assert!(
        recorded.contains("\"delete_session\"") && recorded.contains(SESSION) && recorded.contains("\"done\""),
        "{recorded}"
    );
    rig.effects.run(load(3, Req::Decision(SESSION.into()), false));
    let replies = rig.replies().await;
    assert!(
        matches!(&replies[..], [Msg::Loaded { result: Err(e), .. }] if e.kind == ErrorKind::NotFound),
        "deleted at the API: {replies:?}"
    );
}

/// The sessions list's source: what the profile remembers is read through a
/// load, and each change is appended in the order made.
#[tokio::test]
async fn the_profiles_remembered_sessions_load_and_changes_append_in_order() {
    use crate::history::Change;
    let mut rig = rig().await;
    let path = rig.dir.path().join("data/history-test");
    let (a, b) = (
        "c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f",
        "b0a7f00d-2e4f-4a6b-8c9d-1e2f3a4b5c6d",
    );
    crate::history::save(&path, &[a.into()]).unwrap();
    rig.effects.set_profile_in_use(ProfileInUse {
        sessions: Some(Arc::new(History(path.clone()))),
        ..ProfileInUse::default()
    });
    rig.effects.run(load(1, Req::Remembered, false));
    let replies = rig.replies().await;
    assert!(
        matches!(&replies[..], [Msg::Loaded { result: Ok(Payload::Sessions(ids)), .. }] if ids == &[SessionId::from(a)]),
        "{replies:?}"
    );
    rig.effects.run(Cmd::Remember(Change::Added(vec![b.into()])));
    rig.effects.run(Cmd::Remember(Change::Removed(a.into())));
    rig.effects.run(Cmd::Remember(Change::Added(vec![a.into()])));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(crate::history::load(&path), vec![SessionId::from(a), b.into()]);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().count(), 4, "one line a change, nothing rewritten:\n{text}");
}

/// A new link: created once at the server, recorded with the new session's id,
/// and the link for the end user handed back.
#[tokio::test]
async fn a_new_session_is_created_once_recorded_and_its_link_handed_back() {
    use crate::tui::app::Write;
    let mut rig = rig().await;
    let log = rig.dir.path().join("data/audit.log");
    rig.effects.set_profile_in_use(ProfileInUse {
        profile: Some("test".into()),
        audit_log: Some(log.clone()),
        ..ProfileInUse::default()
    });
    let new = crate::api::NewSession {
        vendor_data: Some("ticket-4711".into()),
        ..Default::default()
    };
    rig.effects.run(Cmd::Write {
        id: 1,
        write: Write::NewSession(new),
    });
    let replies = rig.replies().await;
    let [
        Msg::Written {
            id: 1,
            result: Ok(done),
            ..
        },
    ] = &replies[..]
    else {
        panic!("{replies:?}")
    };
    let (session, link) = done.created.clone().expect("a session was created");
    let link = link.expect("with a link");
    assert!(link.starts_with(&rig.server.url()), "{link}");
    assert_eq!(rig.server.paths().iter().filter(|p| p.starts_with("POST")).count(), 1);
    let recorded = std::fs::read_to_string(&log).unwrap();
    assert!(
        recorded.contains("\"create_session\"")
            && recorded.contains(session.as_str())
            && !recorded.contains("ticket-4711"),
        "one line, the new id, no vendorData: {recorded}"
    );
}

/// A hit's review goes out once (a PATCH) and is recorded.
#[tokio::test]
async fn a_hit_review_is_sent_once_and_recorded() {
    use crate::tui::app::Write;
    const DECLINED: &str = "dec11ned-7b8c-4d9e-8f0a-1b2c3d4e5f6a";
    let mut rig = rig().await;
    let log = rig.dir.path().join("data/audit.log");
    rig.effects.set_profile_in_use(ProfileInUse {
        audit_log: Some(log.clone()),
        ..ProfileInUse::default()
    });
    rig.effects.run(load(1, Req::Watchlist(DECLINED.into()), false));
    let replies = rig.replies().await;
    let [
        Msg::Loaded {
            result: Ok(Payload::Watchlist(Some(watchlist))),
            ..
        },
    ] = &replies[..]
    else {
        panic!("{replies:?}")
    };
    let hit = watchlist.hits[0].id.clone().expect("the demo's hits have ids");
    let review = crate::api::HitReview {
        hit: hit.clone(),
        match_status: "false_positive".into(),
        risk_level: None,
        whitelisted: None,
    };
    rig.effects.run(Cmd::Write {
        id: 2,
        write: Write::ReviewHit(DECLINED.into(), review),
    });
    let replies = rig.replies().await;
    assert!(
        matches!(&replies[..], [Msg::Written { id: 2, result: Ok(done), .. }] if done.said.contains("false_positive")),
        "{replies:?}"
    );
    assert_eq!(rig.server.paths().iter().filter(|p| p.starts_with("PATCH")).count(), 1);
    let recorded: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&log).unwrap()).unwrap();
    assert_eq!(recorded["action"], "review_watchlist_hit");
    assert_eq!(recorded["outcome"], "done");
    assert_eq!(recorded["hit"], hit.as_str());
    assert_eq!(recorded["match_status"], "false_positive");
    let received = rig.server.request_ids();
    assert_eq!(received.len(), 1);
    assert_eq!(
        recorded["request_id"].as_str(),
        received[0].1.as_deref(),
        "the id logged is the id the server got"
    );
}

#[tokio::test]
async fn with_an_inbox_pages_and_marks_go_through_it_and_fetched_decisions_are_indexed() {
    use crate::inbox::{MarkChange, Store};
    use crate::tui::app::{InboxAsk, Payload};
    let mut rig = rig().await;
    let url = format!("sqlite://{}", rig.dir.path().join("inbox.db").display());
    let store = std::sync::Arc::new(Store::open(&url).await.unwrap());
    rig.effects.set_inbox(super::InboxInUse {
        store: store.clone(),
        who: "ann@desk1".into(),
        index_fetched: true,
    });
    // The watcher says the inbox's revision at once.
    let first = tokio::time::timeout(Duration::from_secs(5), rig.rx.recv())
        .await
        .unwrap();
    assert!(matches!(first, Some(Msg::InboxChanged(0))), "{first:?}");
    // A decision looked at in the browser is found in the inbox afterwards.
    let declined = crate::ids::SessionId::from("dec11ned-7b8c-4d9e-8f0a-1b2c3d4e5f6a");
    rig.effects.run(load(1, Req::Decision(declined.clone()), false));
    let ask = InboxAsk {
        query: Some("KARL".into()),
        limit: 10,
        counts: vec!["status:declined".into(), "status:approved".into()],
        me: String::new(),
    };
    let mut page = None;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        rig.effects.run(load(2, Req::Inbox(ask.clone()), false));
        let replies = rig.replies().await;
        page = replies.into_iter().find_map(|msg| match msg {
            Msg::Loaded {
                result: Ok(Payload::Inbox(page)),
                ..
            } if !page.rows.is_empty() => Some(page),
            _ => None,
        });
        if page.is_some() {
            break;
        }
    }
    let page = page.expect("the fetched decision is in the inbox");
    assert_eq!(page.rows[0].id, declined);
    assert_eq!(page.rows[0].index.person_name.as_deref(), Some("KARL SPECIMEN"));
    assert_eq!(page.counts, [Some(1), Some(0)]);
    // A mark goes to the inbox as the browser's user, answered once.
    let change = MarkChange::Claim { from: None };
    rig.effects.run(Cmd::Mark {
        id: 3,
        session: declined.clone(),
        change: change.clone(),
    });
    let replies = rig.replies().await;
    let marked: Vec<_> = replies.iter().filter(|m| matches!(m, Msg::Marked { .. })).collect();
    assert!(
        matches!(
            marked[..],
            [Msg::Marked {
                id: 3,
                result: Ok(()),
                ..
            }]
        ),
        "{replies:?}"
    );
    let marks = store.marks(&[declined.to_string()]).await.unwrap();
    assert_eq!(marks[declined.as_str()].claimed_by.as_deref(), Some("ann@desk1"));
    // And the watcher says the inbox moved.
    assert!(
        replies.iter().any(|m| matches!(m, Msg::InboxChanged(r) if *r != 0)),
        "{replies:?}"
    );
    // The card's history of the marks comes from the same inbox.
    rig.effects.run(load(4, Req::MarkLog(declined.clone()), false));
    let history = rig.replies().await.into_iter().find_map(|msg| match msg {
        Msg::Loaded {
            id: 4,
            result: Ok(Payload::MarkLog(log)),
            ..
        } => Some(log),
        _ => None,
    });
    let history = history.expect("the history is answered");
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].who.as_str(), history[0].said()),
        ("ann@desk1", "claimed".to_owned())
    );
}

/// A watchlist read in the browser is kept in the inbox: the saved view
/// `watchlist possible match` finds its session.
#[tokio::test]
async fn a_watchlist_read_in_the_browser_is_found_by_watchlist_in_the_inbox() {
    use crate::inbox::{Page, Query, Store};
    use crate::tui::app::Payload;
    let mut rig = rig().await;
    let url = format!("sqlite://{}", rig.dir.path().join("inbox.db").display());
    let store = std::sync::Arc::new(Store::open(&url).await.unwrap());
    rig.effects.set_inbox(super::InboxInUse {
        store: store.clone(),
        who: "ann@desk1".into(),
        index_fetched: true,
    });
    let declined = crate::ids::SessionId::from("dec11ned-7b8c-4d9e-8f0a-1b2c3d4e5f6a");
    rig.effects.run(load(1, Req::Watchlist(declined.clone()), false));
    let replies = rig.replies().await;
    assert!(
        replies.iter().any(|m| matches!(
            m,
            Msg::Loaded { id: 1, result: Ok(Payload::Watchlist(Some(w))), .. } if w.hits.len() == 2
        )),
        "{replies:?}"
    );
    let query = Query::parse("watchlist:possible_match").unwrap();
    let mut found = Vec::new();
    for _ in 0..100 {
        let page = Page { after: None, limit: 10 };
        found = store.list(&query, page).await.unwrap();
        if !found.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let found: Vec<&str> = found.iter().map(|row| row.id.as_str()).collect();
    assert_eq!(found, [declined.as_str()], "the fetched watchlist is in the inbox");
}

/// The browser's export is signed with the profile's team key like the CLI's,
/// and a key that cannot be read stops it before anything is fetched.
#[tokio::test]
async fn a_browser_export_is_signed_with_the_team_key_and_an_unreadable_key_stops_it() {
    use crate::config::TeamKeySource;
    use crate::export::seal::{PublicKey, SIGNATURE_FILE, TeamKey};
    use std::os::unix::fs::PermissionsExt;
    let mut rig = rig().await;
    let key = TeamKey::generate().unwrap();
    let (secret, public) = (rig.dir.path().join("team.key"), rig.dir.path().join("team.pub"));
    std::fs::write(&secret, key.secret_text().unwrap()).unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::write(&public, key.public_text().unwrap()).unwrap();
    rig.effects.set_team_key(Some(TeamKeySource::File(secret)));
    rig.effects.run(Cmd::Export {
        id: 7,
        sessions: vec![SESSION.into()],
        folder: "case-signed".into(),
    });
    let done = rig.export_replies(Duration::from_secs(30)).await;
    let [
        Msg::ExportDone {
            result: Ok(summary), ..
        },
    ] = done.as_slice()
    else {
        panic!("{done:?}")
    };
    let manifest = std::fs::read(summary.dir.join("manifest.json")).unwrap();
    let signature = std::fs::read_to_string(summary.dir.join(SIGNATURE_FILE)).unwrap();
    let public = PublicKey::from_file(&public).unwrap();
    assert_eq!(public.verify(&manifest, &signature), Ok(()));
    let checked = crate::export::verify::verify(&summary.dir, None, Some(&public)).unwrap();
    assert!(checked.holds(), "{:?}", checked.problems);
    assert_eq!(checked.team_key, Some(key.id()));

    let missing = rig.dir.path().join("no-such.key");
    rig.effects.set_team_key(Some(TeamKeySource::File(missing.clone())));
    let media = rig.server.media_requests();
    rig.effects.run(Cmd::Export {
        id: 8,
        sessions: vec![SESSION.into()],
        folder: "case-unsigned".into(),
    });
    let done = rig.export_replies(Duration::from_secs(30)).await;
    let [Msg::ExportDone { result: Err(e), .. }] = done.as_slice() else {
        panic!("{done:?}")
    };
    assert!(e.message.contains(missing.to_str().unwrap()), "{e:?}");
    assert_eq!(rig.server.media_requests(), media, "nothing fetched");
    assert!(!rig.dir.path().join("Downloads/case-unsigned").exists());
}

#[tokio::test]
async fn after_a_profile_switch_what_is_fetched_goes_to_the_new_profiles_inbox_or_none() {
    use crate::config::{Config, Overrides, Profiles};
    use crate::inbox::Store;
    const DECLINED: &str = "dec11ned-7b8c-4d9e-8f0a-1b2c3d4e5f6a";
    const RESUBMIT: &str = "re5ubmit-3c4d-4e5f-8a9b-0c1d2e3f4a5b";
    let server = server::start(ServerOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = |name: &str| format!("sqlite://{}", dir.path().join(name).join("inbox.db").display());
    let (old_url, new_url) = (url("old"), url("new"));
    let old = std::sync::Arc::new(Store::open(&old_url).await.unwrap());
    let new = Store::open(&new_url).await.unwrap();
    let api = |inbox: Option<&str>| {
        let mut text = format!(
            "api_url = \"{}\"\napi_key = \"{}\"\nshared_secret = \"{}\"\n",
            server.url(),
            crate::server::DEMO_API_KEY,
            crate::server::DEMO_SHARED_SECRET
        );
        if let Some(inbox) = inbox {
            text.push_str(&format!("inbox_url = \"{inbox}\"\n"));
        }
        text
    };
    let path = dir.path().join("config.toml");
    let text = format!(
        "[profiles.old]\n{}[profiles.new]\n{}[profiles.bare]\n{}",
        api(Some(&old_url)),
        api(Some(&new_url)),
        api(None)
    );
    crate::files::write_private(&path, text.as_bytes()).unwrap();
    let overrides = Overrides {
        config: Some(path),
        ..Overrides::default()
    };
    let config = Config::load(overrides, &|_| None).unwrap();
    let dirs = Dirs {
        download: dir.path().join("Downloads"),
        cache: dir.path().join("cache"),
    };
    let (tx, mut rx) = mpsc::unbounded_channel();
    let client = Client::new(server.client_config()).unwrap();
    let mut effects = Effects::new(client, tx, dirs, Some(Profiles::new(config, None)));
    effects.set_inbox(super::InboxInUse {
        store: old.clone(),
        who: "ann@desk1".into(),
        index_fetched: true,
    });
    let mut switch = async |effects: &mut Effects, to: &str| {
        effects.run(Cmd::SwitchProfile(to.into()));
        loop {
            match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
                Ok(Some(Msg::ProfileSwitched { result, .. })) => break assert!(result.is_ok(), "{result:?}"),
                Ok(Some(_)) => {}
                other => panic!("no answer to the switch: {other:?}"),
            }
        }
    };
    // Stored in the background: waits until `store` holds the session's events.
    let held = async |store: &Store, session: &str| {
        for _ in 0..50 {
            if store.event_count(session).await.unwrap() > 0 {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    };

    effects.run(load(1, Req::Decision(SESSION.into()), false));
    assert!(held(&old, SESSION).await, "the first profile's fetch in its inbox");
    switch(&mut effects, "new").await;
    effects.run(load(2, Req::Decision(DECLINED.into()), false));
    assert!(held(&new, DECLINED).await, "the new profile's fetch in its own inbox");
    assert_eq!(old.event_count(DECLINED).await.unwrap(), 0, "nor in the old one");
    // A profile with no inbox of its own keeps nothing, in neither of the others.
    switch(&mut effects, "bare").await;
    effects.run(load(3, Req::Decision(RESUBMIT.into()), false));
    assert!(!held(&new, RESUBMIT).await);
    assert_eq!(old.event_count(RESUBMIT).await.unwrap(), 0);
}
