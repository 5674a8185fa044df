//! Times as the panes show them: short where the year goes without saying (this
//! year's), with the year wherever it does not. A filter matches this text too,
//! so what is typed can be what is seen.

/// The current year (UTC), from the system clock.
pub fn this_year() -> i32 {
    crate::time::year_of_ms(crate::time::now_ms()) as i32
}

/// `2025-12-30T10:42:05.000Z` in at most `width` columns: this year's as
/// `12-30 10:42` (or `10:42`), another year's as `2025-12-30 10:42` (or
/// `2025-12-30`, or `2025`): the year is never the part that gives way. Text that
/// is not such a time shows cleaned, cut to `width`.
pub fn short_time(created: &str, this_year: i32, width: usize) -> String {
    let text = crate::text::clean(created);
    let year = text.get(..4).and_then(|y| y.parse::<i32>().ok());
    let minutes = match (year, text.get(4..5), text.get(10..11), text.get(11..16)) {
        (Some(year), Some("-"), Some("T" | " "), Some(clock)) => Some((year, &text[5..10], clock)),
        _ => None,
    };
    let Some((year, day, clock)) = minutes else {
        return text.chars().take(width).collect();
    };
    let candidates = if year == this_year {
        vec![format!("{day} {clock}"), clock.to_owned()]
    } else {
        vec![
            format!("{year}-{day} {clock}"),
            format!("{year}-{day}"),
            year.to_string(),
        ]
    };
    let fallback = candidates.last().cloned().unwrap_or_default();
    candidates
        .into_iter()
        .find(|c| c.chars().count() <= width)
        .unwrap_or(fallback)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_year_shows_wherever_it_is_not_this_one() {
        let old = "2025-12-30T10:42:05.000Z";
        assert_eq!(short_time(old, 2026, 16), "2025-12-30 10:42");
        assert_eq!(short_time(old, 2026, 11), "2025-12-30");
        assert_eq!(short_time(old, 2026, 5), "2025");
        assert_eq!(short_time(old, 2025, 16), "12-30 10:42");
        assert_eq!(short_time(old, 2025, 11), "12-30 10:42");
        assert_eq!(short_time(old, 2025, 5), "10:42");
        assert_eq!(short_time("yesterday\u{1b}[2J", 2026, 16), "yesterday�[2J");
        assert!(this_year() >= 2025);
    }
}
