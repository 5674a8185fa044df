//! Text from a server on its way to a person: made inert and measured.

/// Replaces every control character (C0, DEL and C1, which covers ESC and the
/// single-byte CSI) with U+FFFD, so a server string can never move the cursor,
/// retitle the window or change colours, whether it ends up in the TUI or on stderr;
/// and drops bidirectional overrides and isolates, which would make a name or a
/// file extension read backwards.
pub fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| !is_bidi_control(*c))
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

/// U+202A..U+202E (embeddings, overrides) and U+2066..U+2069 (isolates).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_inert() {
        let hostile = "name\x1b]0;pwned\x07\x1b[2J\u{9b}31m";
        let shown = clean(hostile);
        assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
        assert!(shown.starts_with("name"));
        assert!(shown.contains("]0;pwned"), "text stays readable: {shown:?}");
    }

    #[test]
    fn bidirectional_overrides_are_dropped() {
        // "evil\u{202E}gpj.exe" reads as "evilexe.jpg" in a terminal that honours it.
        assert_eq!(clean("evil\u{202E}gpj.exe"), "evilgpj.exe");
        assert_eq!(clean("a\u{2066}b\u{2069}c\u{202A}d"), "abcd");
        assert_eq!(clean("\u{7f}\u{85}\u{9f}"), "\u{FFFD}\u{FFFD}\u{FFFD}");
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
