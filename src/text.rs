//! Text from a server on its way to a person: made inert and measured.

/// Replaces every control character (C0, DEL and C1, which covers ESC and the
/// single-byte CSI) with U+FFFD, so a server string can never move the cursor,
/// retitle the window or change colours, whether it ends up in the TUI or on stderr.
///
/// Bidirectional overrides and isolates (which reorder what follows them, the
/// trick behind `exe.txt` names spelled backwards) are replaced too. Joiners, variation
/// selectors and skin-tone modifiers are dropped: terminals disagree on how wide a
/// joined emoji is (tmux draws 👩‍👩‍👧 as six columns, ratatui counts two), and any
/// disagreement shifts every column after it; the parts alone are as wide
/// everywhere. Right-to-left letters stay, one column each.
pub fn clean(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            c if c.is_control() || is_bidi_control(c) => Some('\u{FFFD}'),
            '\u{200D}' | '\u{FE00}'..='\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}' => None,
            c => Some(c),
        })
        .collect()
}

/// Marks, embeddings, overrides and isolates of the Unicode bidirectional algorithm.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Columns `s` takes in a terminal (wide CJK and emoji count two, combining
/// marks none), for padding text that is not drawn by ratatui.
pub fn display_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// `text` in lines of at most `width` columns, broken between words; a word
/// longer than a line is broken where it must.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let fits = display_width(&line) + 1 + display_width(word) <= width;
        if !line.is_empty() && !fits {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        while display_width(&line) > width {
            let head: String = line.chars().take(width).collect();
            line = line.chars().skip(width).collect();
            lines.push(head);
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Text in parts of different kinds (styles, tones) in lines of at most `width`
/// columns, broken between words as [`wrap_words`] breaks it; each part keeps its
/// kind on whichever line its words land.
pub fn wrap_parts<T: Clone>(parts: &[(String, T)], width: usize) -> Vec<Vec<(String, T)>> {
    let chars: Vec<(char, usize)> = parts
        .iter()
        .enumerate()
        .flat_map(|(i, (text, _))| text.chars().map(move |c| (c, i)))
        .collect();
    let whole: String = chars.iter().map(|(c, _)| *c).collect();
    // The wrapped lines are the text in order less the spaces broken at, so each
    // line's characters are found again walking the text, skipping only spaces.
    let mut at = 0;
    let mut lines = Vec::new();
    for line in wrap_words(&whole, width) {
        let mut out: Vec<(String, T)> = Vec::new();
        let mut last_part = None;
        for c in line.chars() {
            while at < chars.len() && chars[at].0 != c && chars[at].0 == ' ' {
                at += 1;
            }
            let part = chars.get(at).map_or(parts.len().saturating_sub(1), |(_, i)| *i);
            at += 1;
            match out.last_mut() {
                Some((text, _)) if last_part == Some(part) => text.push(c),
                _ => out.push((c.to_string(), parts[part].1.clone())),
            }
            last_part = Some(part);
        }
        lines.push(out);
    }
    lines
}

/// `n` and its noun, plural but for one: `1 attempt`, `2 attempts`, `0 problems`.
pub fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `text` cut to fit `width` columns with `more` after it (` … M shows all`),
/// for a line that cannot grow; as it is where it fits. Cut between words
/// unless that would leave a third of the room empty (a long path is cut
/// inside, not dropped whole).
pub fn fitted(text: &str, width: usize, more: &str) -> String {
    if display_width(text) <= width {
        return text.to_owned();
    }
    let room = width.saturating_sub(display_width(more)).max(1);
    let mut first = wrap_words(text, room).into_iter().next().unwrap_or_default();
    if display_width(&first) * 3 < room * 2 {
        first = String::new();
        for c in text.chars() {
            if display_width(&first) + display_width(c.encode_utf8(&mut [0; 4])) > room {
                break;
            }
            first.push(c);
        }
    }
    format!("{}{more}", first.trim_end())
}

/// `s` as a search compares it: lower case, without diacritics (`Tõnisson`
/// is `tonisson`), as SQLite's text index folds them.
pub fn folded(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase()
}

/// Like [`clean`], also cut to `max` characters with an ellipsis, for messages that
/// a hostile or broken server could make arbitrarily long.
pub fn clean_short(s: &str, max: usize) -> String {
    let cleaned = clean(s.trim());
    if cleaned.chars().count() <= max {
        return cleaned;
    }
    let mut cut: String = cleaned.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// Byte counts the way people read them: `245678` -> `239.9 KiB`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// How far a transfer has come, as curl says it: `512.0 KiB / 1.0 MiB (50%) at
/// 512.0 KiB/s`, or without a total `10 B at 10 B/s`.
pub fn progress(received: u64, total: Option<u64>, elapsed: std::time::Duration) -> String {
    let rate = human_size((received as f64 / elapsed.as_secs_f64().max(0.001)) as u64);
    match total {
        Some(total) if total > 0 => format!(
            "{} / {} ({:.0}%) at {rate}/s",
            human_size(received),
            human_size(total),
            received as f64 * 100.0 / total as f64
        ),
        _ => format!("{} at {rate}/s", human_size(received)),
    }
}

/// Seconds as people read them: whole numbers without a fraction, others to 0.1 s.
pub fn human_duration(seconds: f64) -> String {
    if seconds.fract() == 0.0 {
        format!("{seconds:.0}s")
    } else {
        format!("{seconds:.1}s")
    }
}

/// `2026-11-28...`: text that starts with an ISO 8601 date.
pub fn is_iso_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b[..10]
            .iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    #[test]
    fn wrapping_breaks_between_words_and_keeps_every_character() {
        let text = "the request signature was rejected: check VERIFF_SHARED_SECRET or the profile's shared secret";
        let lines = wrap_words(text, 30);
        assert!(lines.iter().all(|l| l.chars().count() <= 30), "{lines:?}");
        assert_eq!(lines.join(" "), text);
        assert_eq!(lines[1], "rejected: check");
    }

    use super::*;

    #[test]
    fn wrapped_parts_keep_their_kind_and_every_word() {
        let parts = vec![
            ("document: ".to_owned(), 1),
            ("integration level crosslinked with fraud".to_owned(), 2),
            (" · 2 linked".to_owned(), 3),
        ];
        let lines = wrap_parts(&parts, 20);
        let text: Vec<String> = lines
            .iter()
            .map(|l| l.iter().map(|(t, _)| t.as_str()).collect())
            .collect();
        assert_eq!(
            text,
            ["document:", "integration level", "crosslinked with", "fraud · 2 linked"]
        );
        assert_eq!(lines[0], [("document:".to_owned(), 1)]);
        assert_eq!(lines[3], [("fraud".to_owned(), 2), (" · 2 linked".to_owned(), 3)]);
        assert!(text.iter().all(|l| display_width(l) <= 20));
    }

    #[test]
    fn counts_read_in_the_singular_for_one() {
        assert_eq!(counted(1, "attempt"), "1 attempt");
        assert_eq!(counted(2, "attempt"), "2 attempts");
        assert_eq!(counted(0, "problem"), "0 problems");
    }

    #[test]
    fn a_line_that_cannot_grow_says_where_the_rest_is() {
        let long = "attempts of c0ffee00 failed: the request signature was rejected";
        let cut = fitted(long, 40, " … M shows all");
        assert_eq!(cut, "attempts of c0ffee00 … M shows all");
        assert!(display_width(&cut) <= 40);
        assert_eq!(fitted("short", 40, " … M shows all"), "short");
        // A long word is cut inside rather than dropped whole.
        let saved = "saved to /home/ann/Downloads/c0ffee00_a1000003_face_face0001.jpg";
        assert_eq!(
            fitted(saved, 50, " … M shows all"),
            "saved to /home/ann/Downloads/c0ffee0 … M shows all"
        );
    }

    #[test]
    fn escape_sequences_become_inert() {
        let hostile = "name\x1b]0;pwned\x07\x1b[2J\u{9b}31m";
        let shown = clean(hostile);
        assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
        assert!(shown.starts_with("name"));
        assert!(shown.contains("]0;pwned"), "text stays readable: {shown:?}");
    }

    #[test]
    fn reordering_and_joining_characters_cannot_shift_columns() {
        // U+202E would show `gpj.exe` as `exe.jpg` and push the columns after it.
        assert_eq!(clean("face\u{202E}gpj.exe"), "face\u{FFFD}gpj.exe");
        assert_eq!(clean("\u{2067}x\u{2069}"), "\u{FFFD}x\u{FFFD}");
        // A joined family and a red heart: their parts, as wide in every terminal.
        assert_eq!(clean("👩\u{200D}👩\u{200D}👧"), "👩👩👧");
        assert_eq!(clean("❤\u{FE0F}"), "❤");
        assert_eq!(clean("👍\u{1F3FD}"), "👍");
        // Right-to-left and wide letters are kept as they are.
        assert_eq!(clean("שלום مرحبا 山田"), "שלום مرحبا 山田");
        assert_eq!(display_width("山田"), 4);
        assert_eq!(display_width(&clean("👩\u{200D}👩\u{200D}👧")), 6);
        assert_eq!(display_width("שלום"), 4);
    }

    #[test]
    fn long_messages_are_cut() {
        let long = "x".repeat(500);
        let short = clean_short(&long, 20);
        assert_eq!(short.chars().count(), 20);
        assert!(short.ends_with('…'));
        assert_eq!(clean_short(" ok ", 20), "ok");
    }

    #[test]
    fn progress_reads_like_curl() {
        let second = std::time::Duration::from_secs(1);
        assert_eq!(
            progress(512 * 1024, Some(1024 * 1024), second),
            "512.0 KiB / 1.0 MiB (50%) at 512.0 KiB/s"
        );
        assert_eq!(progress(10, None, second), "10 B at 10 B/s");
    }

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(245_678), "239.9 KiB");
        assert_eq!(human_size(1_456_789), "1.4 MiB");
        assert_eq!(human_duration(8.0), "8s");
        assert_eq!(human_duration(2.54), "2.5s");
    }
}
