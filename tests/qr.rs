//! The QR code of a verification link, read back from the half blocks drawn in
//! the terminal with a QR decoder (rqrr, a dev-dependency only): what a customer's
//! phone would read off the screen.

use std::time::Duration;

#[allow(dead_code, reason = "this test only reads the screen, it types nothing")]
#[path = "support/tmux.rs"]
mod tmux;
#[path = "support/tools.rs"]
mod tools;

const BIN: &str = env!("CARGO_BIN_EXE_veriff-tui");

/// The drawn cells turned back into a picture (a drawn half = light = white),
/// 4 pixels a module, and decoded.
fn decode(lines: &[&str]) -> String {
    const SCALE: usize = 4;
    let modules: Vec<Vec<bool>> = lines
        .iter()
        .flat_map(|line| {
            let cells: Vec<char> = line.chars().collect();
            let top = cells.iter().map(|c| matches!(c, '█' | '▀')).collect::<Vec<_>>();
            let bottom = cells.iter().map(|c| matches!(c, '█' | '▄')).collect::<Vec<_>>();
            [top, bottom]
        })
        .collect();
    let width = modules.iter().map(Vec::len).max().unwrap() * SCALE;
    let height = modules.len() * SCALE;
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| {
        // tmux trims trailing blanks: a missing cell is a dark module.
        let light = modules[y / SCALE].get(x / SCALE).copied().unwrap_or(false);
        if light { 255 } else { 0 }
    });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in:\n{}", lines.join("\n"));
    grids[0].decode().expect("the code decodes").1
}

#[test]
fn the_drawn_code_decodes_back_to_the_url() {
    for url in [
        "http://127.0.0.1:8790/v/09835832-5617-4a9d-ad55-93b1534ce2bc",
        "https://alchemy.veriff.com/v/eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzZXNzaW9uX2lkIjoiYzBmZmVlMDAifQ.c2lnbmF0dXJl",
    ] {
        let lines = veriff_tui::qr::half_block_lines(url).unwrap();
        assert!(lines.iter().all(|l| l.chars().count() == lines[0].chars().count()));
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        assert_eq!(decode(&lines), url);
    }
}

#[test]
fn new_session_on_a_terminal_shows_a_code_that_scans_to_the_printed_link() {
    let test = "new_session_on_a_terminal_shows_a_code_that_scans_to_the_printed_link";
    if !tools::available(test, &[tools::TMUX]) {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let env = tmux::app_env(home.path(), "http://127.0.0.1:9");
    let command = format!("{BIN} --demo new-session; echo EXITED $?; sleep 30");
    let terminal = tmux::Tmux::start(120, 60, &env, &command);
    let screen = terminal.wait_for("EXITED", Duration::from_secs(20));
    assert!(screen.contains("EXITED 0"), "{screen}");
    let lines: Vec<&str> = screen.lines().collect();
    let url = lines
        .iter()
        .find(|l| l.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no link on:\n{screen}"));
    let code: Vec<&str> = lines.iter().copied().filter(|l| l.contains(['█', '▀', '▄'])).collect();
    assert!(!code.is_empty(), "no QR code on:\n{screen}");
    assert_eq!(decode(&code), *url);
}

/// The browser's `N`: the form, the confirmation, then a code on screen that
/// scans to the link shown beside it (what the customer's phone would read).
#[test]
fn the_browsers_new_link_shows_a_code_that_scans_to_its_link() {
    let test = "the_browsers_new_link_shows_a_code_that_scans_to_its_link";
    if !tools::available(test, &[tools::TMUX]) {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let env = tmux::app_env(home.path(), "http://127.0.0.1:9");
    let command = format!("{BIN} --demo; echo EXITED $?; sleep 30");
    let terminal = tmux::Tmux::start(120, 60, &env, &command);
    terminal.wait_for("verdict", Duration::from_secs(20));
    for key in ["N", "Enter", "Enter"] {
        terminal.send(&[key]);
        std::thread::sleep(Duration::from_millis(150));
    }
    let screen = terminal.wait_for("copied to your clipboard", Duration::from_secs(20));
    let url = screen
        .lines()
        .find_map(|l| l.find("http://127.0.0.1:").map(|at| &l[at..]))
        .map(|l| l.split(['║', ' ']).next().unwrap_or_default())
        .unwrap_or_else(|| panic!("no link on:\n{screen}"));
    let code: Vec<String> = screen
        .lines()
        .filter(|l| l.contains(['▀', '▄']))
        // Inside the overlay's double border, without the blanks that pad it.
        .filter_map(|l| l.split('║').nth(1))
        .map(|l| l.trim_end().to_owned())
        .collect();
    let code: Vec<&str> = code.iter().map(String::as_str).collect();
    assert!(!code.is_empty(), "no QR code on:\n{screen}");
    assert_eq!(decode(&code), url, "{screen}");
    terminal.send(&["Escape"]);
    std::thread::sleep(Duration::from_millis(150));
    terminal.send(&["q"]);
    terminal.wait_for("EXITED 0", Duration::from_secs(10));
}
