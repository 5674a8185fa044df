//! The real binary at 80x24 in tmux (#30), as a new user sees it: the fix for a
//! wrong secret on the first screen, long texts wrapped whole on the card, the
//! inbox's hint bar, a `review` that says why a human is asked, and a demo that
//! opens on a morning's queue.

use std::time::Duration;

use veriff_tui::server::{self, ServerOptions};

#[path = "support/tmux.rs"]
mod tmux;
#[path = "support/tools.rs"]
mod tools;

const APPROVED: &str = "c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f";
const DECLINED: &str = "dec11ned-7b8c-4d9e-8f0a-1b2c3d4e5f6a";

/// veriff-tui at 80x24 with `args`, a private HOME, the server at `api_url`
/// with the demo credentials but for `extra`.
struct App {
    tmux: tmux::Tmux,
    _home: tempfile::TempDir,
}

impl App {
    fn launch(api_url: &str, args: &str, extra: &[(&str, &str)]) -> App {
        let home = tempfile::tempdir().unwrap();
        let env = tmux::app_env(home.path(), api_url);
        let exports: String = extra
            .iter()
            .map(|(name, value)| format!("export {name}='{value}'; "))
            .collect();
        let binary = env!("CARGO_BIN_EXE_veriff-tui");
        let command = format!("{exports}{binary} {args}; echo EXIT=$?; sleep 600");
        App {
            tmux: tmux::Tmux::start(80, 24, &env, &command),
            _home: home,
        }
    }

    fn wait_for(&self, text: &str) -> String {
        self.tmux.wait_for(text, Duration::from_secs(20))
    }

    /// Tmux key names, one at a time (Esc then a letter would read as Alt).
    fn keys(&self, keys: &[&str]) {
        for key in keys {
            self.tmux.send(&[key]);
            std::thread::sleep(Duration::from_millis(80));
        }
    }

    fn type_text(&self, text: &str) {
        self.tmux.send(&["-l", text]);
        std::thread::sleep(Duration::from_millis(80));
    }

    /// The card from its first line to its last, scrolled with J: its rows as
    /// drawn inside the details border.
    fn whole_card(&self) -> Vec<String> {
        let rows = |screen: &str| -> (Vec<String>, Option<(usize, usize)>) {
            let lines: Vec<&str> = screen.lines().collect();
            let top = lines
                .iter()
                .position(|l| l.starts_with("┌ details"))
                .expect("a details area");
            let title = lines[top];
            // `· 3/12 J/K scroll`: where it is and how far it goes.
            let at = title
                .split("· ")
                .nth(1)
                .and_then(|s| s.split(' ').next())
                .and_then(|s| {
                    let (at, of) = s.split_once('/')?;
                    Some((at.parse().ok()?, of.parse().ok()?))
                });
            let body = lines[top + 1..]
                .iter()
                .take_while(|l| !l.starts_with('└'))
                .map(|l| l.trim_start_matches('│').trim_end().trim_end_matches('│').to_owned())
                .collect();
            (body, at)
        };
        let mut seen = Vec::new();
        loop {
            let screen = self.tmux.screen();
            let (body, at) = rows(&screen);
            match at {
                Some((at, of)) if at < of => {
                    seen.push(body[0].clone());
                    self.keys(&["J"]);
                    // One line further down; how far it goes may grow meanwhile
                    // (a late answer adds lines), so only the position is waited for.
                    let deadline = std::time::Instant::now() + Duration::from_secs(20);
                    while rows(&self.tmux.screen()).1.is_none_or(|(now, _)| now <= at) {
                        assert!(std::time::Instant::now() < deadline, "J did not scroll");
                        std::thread::sleep(Duration::from_millis(5));
                    }
                }
                _ => {
                    seen.extend(body);
                    return seen;
                }
            }
        }
    }
}

/// The card's text, the label column left off and wrapped lines joined back.
fn card_text(rows: &[String]) -> String {
    rows.iter()
        .map(|r| r.chars().skip(11).collect::<String>().trim().to_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn tmux_here(test: &str) -> bool {
    tools::available(test, &[tools::TMUX])
}

/// A wrong shared secret: the fix, whole, in the attempts pane, on the card and
/// on the status line of the first screen, with no key pressed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_is_fixed_from_the_first_screen() {
    if !tmux_here("a_wrong_secret_is_fixed_from_the_first_screen") {
        return;
    }
    let server = server::start(ServerOptions::default()).await.unwrap();
    let url = server.url();
    tokio::task::spawn_blocking(move || {
        let app = App::launch(
            &url,
            &format!("{APPROVED} {DECLINED}"),
            &[("VERIFF_SHARED_SECRET", "not-the-secret")],
        );
        let fix = "wrong shared secret: check VERIFF_SHARED_SECRET (M: details)";
        let screen = app.wait_for(&format!("2 sessions: {fix}"));
        let lines: Vec<&str> = screen.lines().collect();
        assert_eq!(lines[22].trim_end(), format!("2 sessions: {fix}"), "{screen}");
        let screen = app.wait_for(&format!("   verdict {fix}"));
        // The attempts pane (columns 20 to 45): the same words, between its borders.
        let pane: Vec<String> = screen.lines().collect::<Vec<_>>()[2..11]
            .iter()
            .map(|l| l.chars().skip(20).take(26).collect::<String>())
            .map(|l| l.trim_matches(|c| c == '│' || c == '┃' || c == ' ').to_owned())
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(pane.join(" "), fix, "{screen}");
        assert!(screen.lines().all(|l| l.chars().count() <= 80));
        app.keys(&["q"]);
        app.wait_for("EXIT=0");
    })
    .await
    .unwrap();
}

/// `--demo inbox` at 80x24: a morning's queue of named people, the reasons
/// and labels Veriff gave, a declined view that is not empty, no stress
/// session in sight, and the inbox's own keys in the hint bar.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_opens_on_a_morning_queue_with_the_inbox_keys() {
    if !tmux_here("the_demo_opens_on_a_morning_queue_with_the_inbox_keys") {
        return;
    }
    tokio::task::spawn_blocking(|| {
        let app = App::launch("http://127.0.0.1:9", "--demo inbox", &[]);
        let screen = app.wait_for("PRIIT");
        // Rows of people (their names as wide as the pane allows) and statuses.
        for part in ["ELLEN SPECIMEN", "HENDRIK", "KATRIN", "review", "resub"] {
            assert!(screen.contains(part), "{part} missing:\n{screen}");
        }
        assert!(screen.lines().next().unwrap().contains("needs review"), "{screen}");
        // The cursor on the newest of the queue: the whole queue was in before the first view.
        let selected = screen.lines().find(|l| l.contains('▶')).unwrap_or_default();
        assert!(selected.contains("ELLEN SPECIMEN"), "{screen}");
        assert!(!screen.contains("5ca1e000"), "the stress session is in view:\n{screen}");
        let hints = screen.lines().last().unwrap();
        for hint in ["/ search", "c claim", "t tag", "n note"] {
            assert!(hints.contains(hint), "{hint:?} missing: {hints}");
        }
        // The first row's card: the person, why a human is asked, the watchlist.
        app.wait_for("a watchlist possible match");
        let card = card_text(&app.whole_card());
        for part in [
            "review · 9121",
            "Veriff asks a human to look before it decides",
            "Veriff points at 2 risk labels, a watchlist possible match",
            "document: integration level crosslinked with fraud",
            "possible match · 2 hits",
            "Ellen Spezimen",
        ] {
            assert!(card.contains(part), "{part:?} missing: {card}");
        }
        // The last hours' declines.
        app.keys(&["]", "]", "]"]);
        let screen = app.wait_for("declined 24h");
        let screen = if screen.contains("MARGUS") {
            screen
        } else {
            app.wait_for("MARGUS")
        };
        assert!(screen.contains("AARE"), "{screen}");
        app.keys(&["q"]);
        app.wait_for("EXIT=0");
    })
    .await
    .unwrap();
}

/// A review Veriff gave no reason for says so; a long decline reason, a long
/// risk label and a long note read whole on the card, broken between words.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_reasons_labels_and_notes_wrap_whole_on_the_card() {
    if !tmux_here("long_reasons_labels_and_notes_wrap_whole_on_the_card") {
        return;
    }
    tokio::task::spawn_blocking(|| {
        let app = App::launch("http://127.0.0.1:9", "--demo inbox", &[]);
        app.wait_for("HENDRIK");
        // Found by a search: new sessions keep arriving above.
        app.keys(&["/"]);
        app.type_text("HENDRIK");
        app.keys(&["Enter"]);
        app.wait_for("HENDRIK MUSTERMANN-SPECIMEN · born");
        app.wait_for("Veriff asked for a human review and gave no reason");

        app.keys(&["Escape"]);
        app.wait_for("ELLEN SPECIMEN");
        app.keys(&["/"]);
        app.type_text("KATRIN");
        app.keys(&["Enter"]);
        app.wait_for("KATRIN SPECIMEN · born");
        let note = "Selfie and document compared twice; the chin and ears differ, asked the customer for a video call";
        app.keys(&["n"]);
        app.wait_for("Note on session");
        app.type_text(note);
        app.keys(&["Enter"]);
        app.wait_for("“Selfie");
        let rows = app.whole_card();
        let card = card_text(&rows);
        assert!(card.contains(&format!("“{note}”")), "{card}\n{rows:#?}");
        assert!(
            card.contains("device: used in multiple sessions with different personal data"),
            "{card}\n{rows:#?}"
        );
        for word in note.split(' ') {
            assert!(
                rows.iter().any(|r| r
                    .split(' ')
                    .any(|w| w.trim_matches(|c| "“”;,".contains(c)) == word.trim_matches(|c| "“”;,".contains(c)))),
                "{word:?} is cut:\n{rows:#?}"
            );
        }

        app.keys(&["Escape"]);
        app.wait_for("ELLEN SPECIMEN");
        app.keys(&["/"]);
        app.type_text("MARGUS");
        app.keys(&["Enter"]);
        app.wait_for("MARGUS SPECIMEN · born");
        let card = card_text(&app.whole_card());
        assert!(
            card.contains(
                "102 Name on document (MARGUS K SPECIMEN) does not match the selfie; the document photo shows \
                 signs of having been replaced"
            ),
            "{card}"
        );
        app.keys(&["q"]);
        app.wait_for("EXIT=0");
    })
    .await
    .unwrap();
}
