//! What every scripting subcommand prints through: stdout that a closed pipe
//! does not fail, stderr that a hung-up terminal does not panic, JSON and tables
//! in which no string can drive a terminal, and the signals that stop a run.

use std::io::Write;

use serde::Serialize;

use crate::text::{clean, display_width};

/// Pretty JSON of the tool's own in which no string can drive a terminal.
pub(crate) fn json_text<T: Serialize>(value: &T) -> Result<String, String> {
    let raw = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    Ok(terminal_safe(&raw))
}

/// The same on one line (NDJSON, as `inbox list --json` prints).
pub(crate) fn json_line<T: Serialize>(value: &T) -> Result<String, String> {
    let raw = serde_json::to_string(value).map_err(|e| e.to_string())?;
    Ok(terminal_safe(&raw))
}

/// JSON text with DEL, the C1 controls (U+0080..U+009F, which include a
/// single-character CSI) and bidirectional overrides escaped; C0 controls cannot
/// be raw in JSON that parsed, and serde_json escapes them in its own. Outside
/// strings JSON is plain ASCII, so escaping every such character is exact and
/// keeps it JSON.
pub(super) fn terminal_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if ('\u{7f}'..='\u{9f}').contains(&c) || crate::text::is_bidi_control(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Writes to stdout; a closed pipe (`| head`) is the reader's choice, not a failure.
pub(super) fn emit(bytes: &[u8]) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("cannot write output: {e}")),
        _ => Ok(()),
    }
}

/// Writes to stderr, and says nothing when it cannot: a terminal that hung up (a
/// dropped SSH link) must not turn a progress line into a panic that aborts the
/// process before its downloads clean up after themselves.
pub(super) fn say(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(text.as_bytes()).and_then(|()| stderr.flush());
}

/// Columns padded to their widest cell; every cell cleaned of control characters.
pub(super) fn table(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let rows: Vec<Vec<String>> = rows.into_iter().map(|r| r.iter().map(|c| clean(c)).collect()).collect();
    // Padded by the columns each cell takes on screen, not its characters: a wide
    // name (山田, emoji) would otherwise push the columns after it.
    let mut widths: Vec<usize> = header.iter().map(|h| display_width(h)).collect();
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(display_width(cell));
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w - display_width(c))))
            .collect();
        padded.join("  ").trim_end().to_owned() + "\n"
    };
    let mut out = line(header.to_vec());
    for row in &rows {
        out += &line(row.iter().map(String::as_str).collect());
    }
    out
}

/// Resolves when the process is asked to stop: Ctrl-C, SIGTERM or SIGHUP.
pub(super) async fn stopped() -> &'static str {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut hangup)) = (signal(SignalKind::terminate()), signal(SignalKind::hangup())) else {
        let _ = tokio::signal::ctrl_c().await;
        return "interrupted";
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => "interrupted",
        _ = term.recv() => "terminated",
        _ = hangup.recv() => "hung up",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_and_neutralise_escapes() {
        let out = table(
            &["A", "B"],
            vec![vec!["x\x1b[2J".into(), "1".into()], vec!["longer".into(), "2".into()]],
        );
        assert_eq!(out, "A       B\nx\u{fffd}[2J   1\nlonger  2\n");
    }

    #[test]
    fn json_escapes_every_control_and_override_and_stays_json() {
        let value = serde_json::json!({"name\u{9b}": "a\u{1b}b\u{7f}c\u{9b}31md\u{202e}e"});
        let text = json_text(&value).unwrap();
        assert!(
            !text
                .chars()
                .any(|c| (c.is_control() && c != '\n') || crate::text::is_bidi_control(c)),
            "{text:?}"
        );
        assert!(
            text.contains(r"\u001b") && text.contains(r"\u007f") && text.contains(r"\u009b"),
            "{text}"
        );
        assert!(text.contains(r"\u202e"), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value, "the escapes decode to the same data");
    }

    #[test]
    fn wide_and_right_to_left_names_keep_the_columns_aligned() {
        let out = table(
            &["CONTEXT", "SIZE"],
            vec![
                vec!["山田太郎".into(), "1".into()],
                vec!["👩\u{200D}👩\u{200D}👧".into(), "2".into()],
                vec!["שלום".into(), "3".into()],
                vec!["face".into(), "4".into()],
            ],
        );
        let columns: Vec<usize> = out
            .lines()
            .map(|l| display_width(&l[..l.rfind(' ').unwrap() + 1]))
            .collect();
        assert_eq!(columns, vec![10, 10, 10, 10, 10], "{out}");
    }
}
