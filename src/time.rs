//! Times as text, one implementation for the whole tool: ISO 8601 UTC times as
//! milliseconds since 1970 (the inbox's sortable form) and back, and RFC 3339 to
//! the second (the manifest's, the audit log's). Any year, before 1970 too: a
//! time read from a webhook is whatever its sender wrote.

/// `2026-01-02T03:04:05Z`, with any number of fractional digits and `Z` or an
/// offset (`+02:00`); a bare date `2026-01-02` is its midnight UTC.
pub fn parse_time_ms(text: &str) -> Option<i64> {
    let text = text.trim();
    let date = text.get(..10)?;
    let mut parts = date.split('-');
    let (y, m, d): (i64, i64, i64) = (
        parts.next()?.parse().ok()?,
        parts.next()?.parse().ok()?,
        parts.next()?.parse().ok()?,
    );
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let days = days_from_civil(y, m, d);
    let rest = &text[10..];
    if rest.is_empty() {
        return Some(days * 86_400_000);
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let (h, mi, s) = (
        rest.get(0..2)?.parse::<i64>().ok()?,
        rest.get(3..5)?.parse::<i64>().ok()?,
        rest.get(6..8)?.parse::<i64>().ok()?,
    );
    let mut rest = rest.get(8..)?;
    let mut millis = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        let padded = format!("{:0<3}", &fraction[..digits.min(3)]);
        millis = padded.parse::<i64>().ok()?;
        rest = &fraction[digits..];
    }
    let offset_min = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let hhmm = rest[1..].replace(':', "");
            let oh: i64 = hhmm.get(0..2)?.parse().ok()?;
            let om: i64 = hhmm.get(2..4).unwrap_or("00").parse().ok()?;
            sign * (oh * 60 + om)
        }
    };
    Some(((days * 24 + h) * 60 + mi - offset_min) * 60_000 + s * 1000 + millis)
}

/// `2026-01-02T03:04:05.123Z`.
pub fn format_time_ms(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000
    )
}

/// `SystemTime` as UTC RFC 3339 to the second, e.g. `2026-12-02T18:51:53Z`.
pub fn format_utc(time: std::time::SystemTime) -> String {
    let seconds = match time.duration_since(std::time::UNIX_EPOCH) {
        Ok(after) => after.as_secs() as i64,
        Err(before) => -(before.duration().as_secs() as i64),
    };
    let text = format_time_ms(seconds * 1000);
    // `2026-12-02T18:51:53.000Z` without its milliseconds.
    format!("{}Z", &text[..text.len() - 5])
}

/// Now, as [`format_utc`] writes it.
pub fn now_utc() -> String {
    format_utc(std::time::SystemTime::now())
}

/// The civil (proleptic Gregorian) year of `ms` since 1970, UTC.
pub fn year_of_ms(ms: i64) -> i64 {
    civil_from_days(ms.div_euclid(86_400_000)).0
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

// Howard Hinnant's civil calendar algorithms (public domain).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip_and_order_across_precisions_and_offsets() {
        let ms = parse_time_ms("2025-01-02T03:04:05.123456Z").unwrap();
        assert_eq!(format_time_ms(ms), "2025-01-02T03:04:05.123Z");
        assert_eq!(parse_time_ms("2025-01-02T05:04:05.123+02:00"), Some(ms));
        assert_eq!(parse_time_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_time_ms("2024-02-29"), Some(1_709_164_800_000));
        assert!(parse_time_ms("2025-01-02T03:04:05.1Z") < parse_time_ms("2025-01-02T03:04:05.12Z"));
        assert_eq!(parse_time_ms("null"), None);
        assert_eq!(parse_time_ms("2025-13-02"), None);
    }

    #[test]
    fn times_to_the_second_are_utc_rfc3339() {
        let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_796_237_513);
        assert_eq!(format_utc(at), "2026-12-02T18:51:53Z");
        assert_eq!(format_utc(std::time::UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(
            format_utc(std::time::UNIX_EPOCH - std::time::Duration::from_secs(1)),
            "1969-12-31T23:59:59Z"
        );
    }

    #[test]
    fn the_year_of_a_time_is_the_calendars() {
        let day = 86_400_000;
        assert_eq!(year_of_ms(0), 1970);
        assert_eq!(year_of_ms(364 * day), 1970);
        assert_eq!(year_of_ms(365 * day), 1971);
        // 2024-12-31 and 2025-01-01.
        assert_eq!(year_of_ms(20_088 * day), 2024);
        assert_eq!(year_of_ms(20_089 * day), 2025);
        assert_eq!(year_of_ms(-1), 1969);
    }
}
