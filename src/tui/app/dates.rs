//! Times as the panes show them: short where the year goes without saying (this
//! year's), with the year wherever it does not. A filter matches this text too,
//! so what is typed can be what is seen.

/// The current year (UTC), from the system clock.
pub fn this_year() -> i32 {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    year_of_day((seconds / 86_400) as i64)
}

/// The civil (proleptic Gregorian) year of a day counted from 1970-01-01, after
/// Howard Hinnant's `civil_from_days`.
fn year_of_day(days: i64) -> i32 {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153; // March = 0
    let year = year_of_era + era * 400 + i64::from(month_index >= 10);
    year as i32
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
    }

    #[test]
    fn the_year_of_a_day_is_the_calendars() {
        assert_eq!(year_of_day(0), 1970);
        assert_eq!(year_of_day(364), 1970);
        assert_eq!(year_of_day(365), 1971);
        // 2024-12-31 and 2025-01-01.
        assert_eq!(year_of_day(20_088), 2024);
        assert_eq!(year_of_day(20_089), 2025);
        assert!(this_year() >= 2025);
    }
}
