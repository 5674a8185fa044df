//! The effects' contract, against the embedded server on loopback: every command
//! the model waits on gets exactly one reply — its result, its error, or
//! "cancelled" — also when it is aborted or its task panics.

use std::time::Duration;

use super::*;
use crate::api::ErrorKind;
use crate::server::{self, RunningServer, ServerOptions};
use crate::tui::app::{TransferItem, TransferKind, TransferOutcome};

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
        history: None,
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

#[tokio::test]
async fn every_load_gets_exactly_one_reply_with_its_request_id() {
    let mut rig = rig().await;
    rig.effects.run(Cmd::LoadAttempts {
        session: SESSION.into(),
        req: 1,
    });
    rig.effects.run(Cmd::LoadDecision {
        session: SESSION.into(),
        req: 2,
        background: true,
    });
    rig.effects.run(Cmd::LoadSessionMedia {
        session: SESSION.into(),
        req: 3,
    });
    rig.effects.run(Cmd::LoadMedia {
        attempt: NEWEST_ATTEMPT.into(),
        req: 4,
        background: true,
    });
    rig.effects.run(Cmd::LoadAttempts {
        session: "00000000-0000-4000-8000-000000000000".into(),
        req: 5,
    });
    let mut reqs: Vec<(u64, bool)> = rig
        .replies()
        .await
        .into_iter()
        .map(|msg| match msg {
            Msg::AttemptsLoaded { req, result, .. } => {
                if req == 5 {
                    assert_eq!(result.as_ref().unwrap_err().kind, ErrorKind::NotFound);
                } else {
                    assert_eq!(result.as_ref().unwrap().len(), 3);
                }
                (req, result.is_ok())
            }
            Msg::DecisionLoaded { req, result, .. } => (req, result.unwrap().is_some()),
            // The newest attempt's six files; the session's media add its NFC data.
            Msg::SessionMediaLoaded { req, result, .. } => (req, result.unwrap().len() == 7),
            Msg::MediaLoaded { req, result, .. } => (req, result.unwrap().len() == 6),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    reqs.sort();
    assert_eq!(reqs, [(1, true), (2, true), (3, true), (4, true), (5, false)]);
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

#[tokio::test]
async fn a_superseded_preview_answers_cancelled_and_the_newest_answers_with_its_image() {
    let mut rig = rig().await;
    let key = |media: &str| PreviewKey {
        media: media.into(),
        width: 20,
        height: 10,
    };
    rig.effects.run(Cmd::Preview {
        key: key(DOCUMENT_FRONT),
        req: 1,
        video: None,
    });
    rig.effects.run(Cmd::Preview {
        key: key(FACE),
        req: 2,
        video: None,
    });
    let mut replies: Vec<(u64, Result<(), String>)> = rig
        .replies()
        .await
        .into_iter()
        .map(|msg| match msg {
            Msg::PreviewReady { req, result, .. } => (req, result.map(|_| ()).map_err(|e| e.message)),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    replies.sort();
    assert_eq!(replies, [(1, Err("cancelled".to_owned())), (2, Ok(()))]);
}

#[tokio::test]
async fn open_reuses_the_bytes_a_preview_already_verified() {
    let mut rig = rig().await;
    rig.effects.run(Cmd::Preview {
        key: PreviewKey {
            media: FACE.into(),
            width: 20,
            height: 10,
        },
        req: 1,
        video: None,
    });
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
    rig.effects.spawn_answered(false, work, |result| Msg::AttemptsLoaded {
        session: SESSION.into(),
        req: 42,
        result,
    });
    let replies = rig.replies().await;
    assert_eq!(replies.len(), 1, "{replies:?}");
    let Msg::AttemptsLoaded {
        req: 42,
        result: Err(e),
        ..
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
        Cmd::LoadPerson {
            session: DECLINED.into(),
            req: 1,
        },
        Cmd::LoadWatchlist {
            session: DECLINED.into(),
            req: 2,
        },
        Cmd::LoadNfc {
            media: "nfc00001-2a3b-4c5d-8e6f-a1b2c3d4e5f6".into(),
            req: 3,
        },
    ];
    let owed: usize = cmds.iter().map(Cmd::replies).sum();
    for cmd in cmds {
        rig.effects.run(cmd);
    }
    let replies = rig.replies().await;
    assert_eq!(replies.len(), owed, "{replies:?}");
    for reply in replies {
        match reply {
            Msg::PersonLoaded { req: 1, result, .. } => assert!(result.unwrap().is_some()),
            Msg::WatchlistLoaded { req: 2, result, .. } => {
                assert_eq!(result.unwrap().unwrap().match_status.as_deref(), Some("possible_match"))
            }
            Msg::NfcLoaded { req: 3, result, .. } => assert!(result.unwrap().is_object()),
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[tokio::test]
async fn pictures_side_by_side_answer_one_reply_each() {
    let mut rig = rig().await;
    let key = |media: &str| PreviewKey {
        media: media.into(),
        width: 20,
        height: 10,
    };
    let batch = Cmd::Previews(vec![(key(DOCUMENT_FRONT), 1, None), (key(FACE), 2, None)]);
    assert_eq!(batch.replies(), 2);
    rig.effects.run(batch);
    let mut reqs: Vec<(u64, bool)> = rig
        .replies()
        .await
        .into_iter()
        .map(|msg| match msg {
            Msg::PreviewReady { req, result, .. } => (req, result.is_ok()),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    reqs.sort();
    assert_eq!(reqs, [(1, true), (2, true)]);
}

#[tokio::test]
async fn an_export_answers_once_done_or_stopped_and_leaves_its_manifest() {
    let mut rig = rig().await;
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
    // Into the case folder, in the download folder, said as an absolute path.
    assert!(rig.dir.path().join("Downloads/case-4711/manifest.json").is_file());
    assert!(
        summary.dir.is_absolute() && summary.dir.ends_with("Downloads/case-4711"),
        "{summary:?}"
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
