//! A watchlist review seen where it was made: the card after `H` in the real
//! binary, and the watchlist answers the tool fetches found in the inbox by
//! `watchlist:` (issue 27, item 5).

#[path = "support/postgres.rs"]
mod postgres;
#[path = "support/tmux.rs"]
mod tmux;
#[path = "support/tools.rs"]
mod tools;

use std::time::Duration;

use veriff_tui::inbox::{Indexer, Page, Query, Store};
use veriff_tui::server::{self, DEMO_API_KEY, DEMO_SHARED_SECRET, ServerOptions};

/// The demo's declined session: a possible watchlist match with 2 hits.
const DECLINED: &str = "dec11ned-7b8c-4d9e-8f0a-1b2c3d4e5f6a";
const FIRST_HIT: &str = "h0000001-0000-4000-8000-000000000001";
/// Veriff's documented watchlist answer, `{status, data}` as the API sends it.
const DOC_WATCHLIST: &str = include_str!("fixtures/doc_watchlist.json");
const DOC_SESSION: &str = "5e551011-aaaa-4bbb-8ccc-000000000001";

async fn ids(store: &Store, query: &str) -> Vec<String> {
    let query = Query::parse(query).unwrap();
    let page = Page {
        after: None,
        limit: 1000,
    };
    store
        .list(&query, page)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect()
}

/// A fetched watchlist answer is indexed as its webhook would be: the saved view
/// `watchlist possible match` finds the session; an answer with no screening
/// adds nothing.
async fn a_fetched_watchlist_answer_is_found_by_its_match_status(store: &Store) {
    assert!(ids(store, "watchlist:possible_match").await.is_empty());
    let (indexer, task) = Indexer::start(store.clone());
    indexer.watchlist(DOC_WATCHLIST.as_bytes().to_vec());
    indexer.watchlist(br#"{"status":"success","data":null}"#.to_vec());
    // Fetched again: stored once.
    indexer.watchlist(DOC_WATCHLIST.as_bytes().to_vec());
    drop(indexer);
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("the indexer stores and ends")
        .unwrap();
    assert_eq!(ids(store, "watchlist:possible_match").await, [DOC_SESSION]);
    assert!(ids(store, "watchlist:no_match").await.is_empty());
    assert_eq!(ids(store, "").await, [DOC_SESSION], "one session, nothing else");
}

mod indexed {
    #[tokio::test]
    async fn sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("inbox.db").display());
        let store = super::Store::open(&url).await.unwrap();
        super::a_fetched_watchlist_answer_is_found_by_its_match_status(&store).await;
    }

    #[tokio::test]
    async fn postgres() {
        let Some(db) = super::postgres::database("hit_review::indexed").await else {
            return;
        };
        let store = super::Store::open(&db.url).await.unwrap();
        super::a_fetched_watchlist_answer_is_found_by_its_match_status(&store).await;
        store.close().await;
    }
}

/// The binary with the demo server's credentials and nothing of the
/// developer's environment.
fn veriff_tui(home: &std::path::Path, api_url: &str, inbox_url: &str) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_veriff-tui"));
    for (name, _) in std::env::vars() {
        if name.starts_with("VERIFF_") || name.starts_with("XDG_") {
            command.env_remove(name);
        }
    }
    command
        .env("HOME", home)
        .env("VERIFF_API_URL", api_url)
        .env("VERIFF_API_KEY", DEMO_API_KEY)
        .env("VERIFF_SHARED_SECRET", DEMO_SHARED_SECRET)
        .env("VERIFF_TUI_CONFIG", "/dev/null")
        .env("VERIFF_INBOX_URL", inbox_url)
        .kill_on_drop(true);
    command
}

/// `veriff-tui watchlist SESSION` keeps the answer in the inbox, and after
/// `watchlist review --whitelist` its table says the hit's new status.
#[tokio::test]
async fn the_watchlist_command_fills_the_inbox_and_shows_a_review() {
    let server = server::start(ServerOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", home.path().join("inbox.db").display());
    let store = Store::open(&url).await.unwrap();
    let run = |args: &[&str]| {
        let mut command = veriff_tui(home.path(), &server.url(), &url);
        command.args(args);
        command
    };

    let out = run(&["watchlist", DECLINED]).output().await.unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(table.contains("Karl Spezimen on PEP (Latvia, born 1990)"), "{table}");
    assert_eq!(ids(&store, "watchlist:possible_match").await, [DECLINED]);

    let out = run(&[
        "watchlist",
        "review",
        DECLINED,
        FIRST_HIT,
        "--status",
        "false_positive",
        "--whitelist",
    ])
    .output()
    .await
    .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["watchlist", DECLINED]).output().await.unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("Karl Spezimen on PEP (Latvia, born 1990, false positive, whitelisted)"),
        "{table}"
    );
    assert_eq!(
        ids(&store, "watchlist:possible_match").await,
        [DECLINED],
        "the session still matches, once"
    );
}

/// `H` in the real binary: the chooser says each hit is not reviewed; the hit
/// reviewed as a false positive shows so on the card at once, and again in a
/// browser started afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_h_the_card_shows_the_hits_new_status() {
    let test = "after_h_the_card_shows_the_hits_new_status";
    if !tools::available(test, &[tools::TMUX]) {
        return;
    }
    let server = server::start(ServerOptions::default()).await.unwrap();
    let url = server.url();
    tokio::task::spawn_blocking(move || {
        let home = tempfile::tempdir().unwrap();
        let launch = || {
            let env = tmux::app_env(home.path(), &url);
            let command = format!(
                "{} {DECLINED}; echo EXIT=$?; sleep 600",
                env!("CARGO_BIN_EXE_veriff-tui")
            );
            tmux::Tmux::start(100, 30, &env, &command)
        };
        let wait = |tmux: &tmux::Tmux, text: &str| tmux.wait_for(text, Duration::from_secs(15));
        let keys = |tmux: &tmux::Tmux, keys: &[&str]| {
            for key in keys {
                tmux.send(&[key]);
                std::thread::sleep(Duration::from_millis(60));
            }
        };
        // The watchlist is at the card's end (J stops there), its hits last in.
        let to_the_end = |app: &tmux::Tmux| {
            wait(app, "attempts 1/2");
            wait(app, "J/K scroll");
            keys(app, &["J"; 12]);
            wait(app, "possible match · 2 hits");
            keys(app, &["J"; 4]);
        };
        let app = launch();
        to_the_end(&app);
        keys(&app, &["H"]);
        wait(&app, "watchlist hits of dec11ned");
        wait(&app, "h0000001  Karl Spezimen · not reviewed");
        wait(&app, "h0000002  Karl Specimen-Muster · not reviewed");
        // The first hit, false positive (the first status), whitelisting as it is.
        keys(&app, &["Enter", "Enter"]);
        wait(&app, "not whitelisted");
        keys(&app, &["Enter"]);
        wait(&app, "review a watchlist hit");
        keys(&app, &["Enter"]);
        wait(&app, "recorded as false_positive");
        keys(&app, &["J"; 4]);
        // Read again from Veriff, the hit line whole (a review only ours is not).
        wait(&app, "possible match · 2 hits · 1 reviewed");
        let screen = wait(&app, "Karl Spezimen · false positive · Latvia");
        assert!(
            !screen.contains("reviewed by you"),
            "Veriff's answer shows it:\n{screen}"
        );
        // The chooser says it too.
        keys(&app, &["H"]);
        wait(&app, "h0000001  Karl Spezimen · false positive");
        keys(&app, &["Escape", "q"]);
        wait(&app, "EXIT=0");
        drop(app);

        // A browser started afterwards reads it from Veriff.
        let app = launch();
        to_the_end(&app);
        wait(&app, "possible match · 2 hits · 1 reviewed");
        wait(&app, "Karl Spezimen · false positive · Latvia");
        keys(&app, &["q"]);
        wait(&app, "EXIT=0");
    })
    .await
    .unwrap();
}
