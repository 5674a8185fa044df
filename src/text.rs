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
    fn sizes_read_like_a_file_manager() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(245_678), "239.9 KiB");
        assert_eq!(human_size(1_456_789), "1.4 MiB");
        assert_eq!(human_duration(8.0), "8s");
        assert_eq!(human_duration(2.54), "2.5s");
    }
}
