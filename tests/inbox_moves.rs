//! Working the inbox's queue in a real terminal (issue 29, done-when): from the
//! first view `/` and a surname find an approved session and `Esc` returns to
//! the row; back (`Ctrl-O`) walks the jump list; the sort key changes the
//! order; a claim of marked sessions asks once. And the CLI takes
//! `--inbox-url` wherever it is typed.

#[path = "support/tmux.rs"]
mod tmux;
#[path = "support/tools.rs"]
mod tools;
#[path = "support/webhooks.rs"]
mod webhooks;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use veriff_tui::inbox::{MarkChange, Store};

const MARTA: &str = "b7e3c1d2-0001-4000-8000-000000000001";
const JAAN: &str = "a0000002-0002-4000-8000-000000000002";
const KARL: &str = "a0000004-0004-4000-8000-000000000004";
const LIIS: &str = "a0000003-0003-4000-8000-000000000003";

/// Who else claims sessions.
const ANN: &str = "ann@desk1";

/// A decision webhook of an invented person at `time`.
fn decided(id: &str, status: &str, time: &str, first: &str, last: &str) -> Value {
    json!({"status": "success", "verification": {
        "id": id, "status": status, "code": 9001, "decisionTime": time,
        "person": {"firstName": first, "lastName": last},
    }})
}

/// Marta approved long ago; three to review, Liis the newest (claimed by Ann),
/// then Karl, then Jaan.
async fn queue(url: &str) {
    let store = Store::open(url).await.unwrap();
    let bodies = [
        decided(MARTA, "approved", "2026-01-01T00:00:01Z", "MARTA", "TAMM"),
        decided(JAAN, "review", "2026-01-01T00:00:02Z", "JAAN", "KASK"),
        decided(KARL, "review", "2026-01-01T00:00:03Z", "KARL", "SAMPLE"),
        decided(LIIS, "review", "2026-01-01T00:00:04Z", "LIIS", "SPECIMEN"),
    ];
    let batch: Vec<_> = bodies.iter().map(webhooks::incoming).collect();
    store.ingest(&batch).await.unwrap();
    store.mark(LIIS, &MarkChange::Claim { from: None }, ANN).await.unwrap();
    store.close().await;
}

/// Whether `first` shows above `then` on `screen`.
fn above(screen: &str, first: &str, then: &str) -> bool {
    matches!((screen.find(first), screen.find(then)), (Some(a), Some(b)) if a < b)
}

#[tokio::test]
async fn search_back_sort_and_a_bulk_claim_in_the_browser() {
    const TEST: &str = "search_back_sort_and_a_bulk_claim_in_the_browser";
    if !tools::available(TEST, &[tools::TMUX]) {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", home.path().join("inbox.db").display());
    queue(&url).await;
    let home_path = home.path().to_owned();
    let inbox_url = url.clone();
    tokio::task::spawn_blocking(move || {
        let tmux = tmux::inbox_browser((80, 24), &home_path, "http://127.0.0.1:9", &inbox_url, None, "");
        let wait = |text: &str| tmux.wait_for(text, Duration::from_secs(15));
        // No API behind it: the first row's failure is said once it settled.
        wait("needs review 3");
        wait("attempts of a0000003 failed");
        // Karl's row.
        tmux.send(&["j"]);
        wait("needs review 2/3");

        // `/` and a surname: Marta, approved, is in no queue but is found.
        tmux.send(&["/"]);
        tmux.send(&["-l", "tamm"]);
        // `tam` finds her too: the screen is read once the whole word is searched.
        wait("search: tamm 1");
        let screen = wait("MARTA TAMM");
        // The tab counts one (the title bar may end with it).
        let title = screen.lines().next().unwrap_or_default().trim_end();
        assert!(
            title.ends_with("search: tamm 1") || title.contains("search: tamm 1 "),
            "{screen}"
        );
        tmux.send(&["Enter"]);
        tmux.send(&["Escape"]);
        let screen = wait("needs review 2/3");
        assert!(!screen.contains("search: tamm"), "back on the view: {screen}");

        // A session opened from elsewhere shows at once (on the opened tab);
        // back returns to the view and Karl's row, forward to the session.
        tmux.send(&["a"]);
        tmux.send(&["-l", MARTA]);
        tmux.send(&["Enter"]);
        let screen = wait("sessions 1/1");
        assert!(screen.contains("b7e3c1d2"), "the session opened is shown: {screen}");
        tmux.send(&["C-o"]);
        let screen = wait("needs review 2/3");
        assert!(above(&screen, "LIIS SPECIMEN", "KARL SAMPLE"), "{screen}");
        tmux.send(&["C-p"]);
        wait("sessions 1/1");
        tmux.send(&["C-o"]);
        wait("needs review 2/3");

        // `=`: oldest waiting first; Jaan, waiting longest, comes first.
        tmux.send(&["="]);
        wait("oldest waiting first");
        let deadline = Instant::now() + Duration::from_secs(15);
        let mut screen = tmux.screen();
        while !above(&screen, "JAAN KASK", "LIIS SPECIMEN") && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
            screen = tmux.screen();
        }
        assert!(above(&screen, "JAAN KASK", "LIIS SPECIMEN"), "{screen}");
        assert!(screen.contains("· oldest"), "the title says the order: {screen}");

        // The cursor stayed on Liis, now the last row. Karl and Liis (Ann's)
        // marked; one claim of both, after one question.
        wait("needs review 3/3");
        tmux.send(&["k", "m", "m"]);
        wait("2 marked");
        tmux.send(&["c"]);
        let screen = wait("claim 2 sessions");
        assert!(
            screen.contains("1 from ann@desk1"),
            "whose claim is taken over: {screen}"
        );
        tmux.send(&["Enter"]);
        // Both are mine now: the tab counts them.
        let screen = wait("mine 2");
        assert!(!screen.contains("claim 2 sessions"), "asked once: {screen}");
        assert!(!screen.contains("take over a claim"), "no second question: {screen}");
        // Said once for both (the message log keeps it: a late failure of
        // the API behind may take the status line).
        // The log's own title first: the status line may say the same words
        // before `M` is read, and an `Esc` sent then would reach the terminal
        // with the `q` after it as one Alt-q.
        tmux.send(&["M"]);
        wait("j k scroll");
        wait("claimed 2 sessions (in the inbox only");
        tmux.send(&["Escape"]);
        wait("needs review 3/3");
        tmux.send(&["q"]);
        wait("EXIT=0");
    })
    .await
    .unwrap();
    // Both are the claimer's now, Ann's taken over.
    let store = Store::open(&url).await.unwrap();
    let marks = store.marks(&[KARL.to_owned(), LIIS.to_owned()]).await.unwrap();
    let karl = marks[KARL].claimed_by.clone().unwrap();
    assert_eq!(marks[LIIS].claimed_by.as_deref(), Some(karl.as_str()));
    assert_ne!(karl, ANN);
    store.close().await;
}

/// `--inbox-url` before `inbox`, between it and its action, or after the
/// action: the same inbox in each place.
#[tokio::test]
async fn the_inbox_url_is_taken_wherever_it_is_typed() {
    let home = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", home.path().join("inbox.db").display());
    queue(&url).await;
    let placements: [&[&str]; 3] = [
        &["--inbox-url", &url, "inbox", "list", "tamm"],
        &["inbox", "--inbox-url", &url, "list", "tamm"],
        &["inbox", "list", "tamm", "--inbox-url", &url],
    ];
    for args in placements {
        let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_veriff-tui"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home.path().join("elsewhere"))
            .args(args)
            .output()
            .await
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{args:?}: {stderr}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            stdout.contains(MARTA) || stdout.contains("b7e3c1d2"),
            "{args:?}: {stdout}"
        );
    }
}

/// `--profile` after the subcommand and its argument, as people type it.
#[tokio::test]
async fn the_profile_is_taken_after_the_subcommand() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        "default_profile = \"test\"\n[profiles.test]\napi_url = \"http://127.0.0.1:9\"\napi_key = \"k\"\n\
         shared_secret = \"s\"\n[profiles.live]\napi_url = \"http://127.0.0.1:9\"\napi_key = \"k\"\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_veriff-tui"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home.path())
            .env("VERIFF_TUI_CONFIG", &config)
            .args(args)
            .output()
            .unwrap()
    };
    // `live` has no shared secret: taken after the id, the profile is the
    // one resolved (and refused for it), not the default.
    for args in [
        &["decision", MARTA, "--profile", "live"][..],
        &["--profile", "live", "decision", MARTA][..],
    ] {
        let output = run(args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?}");
        assert!(stderr.contains("no shared secret"), "{args:?}: {stderr}");
    }
    // The default profile is complete: it gets as far as the network.
    let output = run(&["decision", MARTA]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("no shared secret"), "{stderr}");
}
