//! Moments in records and files: RFC 3339 text, checked whenever it is made or read.
//!
//! A [`Timestamp`] can only hold text that parses as RFC 3339 (`2025-11-22T10:15:00Z`,
//! `2025-11-22T13:15:00.5+03:00`), so every record that carries one — read from a file, a
//! backup or the browser's database — is refused with a clear message if the text is anything
//! else, and code that compares or shows a timestamp never meets a malformed one. The text is
//! kept as it was written (a file re-saved keeps its checksum); comparisons use the instant.
//! Parsing and formatting are the `time` crate's.

use serde::{Deserialize, Serialize};
use std::fmt;
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// An RFC 3339 timestamp.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Timestamp(String);

/// The Russian message for text that is not a timestamp.
pub fn not_a_timestamp(text: &str) -> String {
    let shown: String = text.chars().take(60).collect();
    let more = if text.chars().count() > 60 { "…" } else { "" };
    format!(
        "время должно быть в формате RFC 3339 (например, 2025-11-22T10:15:00Z), получено «{shown}{more}»"
    )
}

impl Timestamp {
    /// Checks `text` as RFC 3339.
    pub fn parse(text: &str) -> Result<Timestamp, String> {
        match OffsetDateTime::parse(text, &Rfc3339) {
            Ok(_) => Ok(Timestamp(text.to_string())),
            Err(_) => Err(not_a_timestamp(text)),
        }
    }

    /// The moment `millis` milliseconds after 1970-01-01T00:00:00Z, written as UTC with
    /// milliseconds (as JavaScript's `Date.toISOString`). Values outside the years 0–9999
    /// are clamped to the epoch.
    pub fn from_unix_millis(millis: f64) -> Timestamp {
        let nanos = if millis.is_finite() {
            (millis * 1e6) as i128
        } else {
            0
        };
        let at = OffsetDateTime::from_unix_timestamp_nanos(nanos - nanos % 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let text = at
            .format(&Rfc3339)
            .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string());
        Timestamp(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Nanoseconds since 1970-01-01T00:00:00Z.
    pub fn unix_nanos(&self) -> i128 {
        // The text was checked when the value was made.
        OffsetDateTime::parse(&self.0, &Rfc3339)
            .map(OffsetDateTime::unix_timestamp_nanos)
            .unwrap_or(0)
    }

    /// Whether this moment is strictly after `other`.
    pub fn is_after(&self, other: &Timestamp) -> bool {
        self.unix_nanos() > other.unix_nanos()
    }

    /// The calendar date as written, `YYYY-MM-DD` (the first ten characters: RFC 3339 starts
    /// with the date).
    pub fn date(&self) -> &str {
        self.0.get(..10).unwrap_or(&self.0)
    }

    /// «22.11.2025» — the calendar date at the given offset from UTC in minutes (the
    /// browser's local time; 0 for UTC).
    pub fn date_ru(&self, offset_minutes: i32) -> String {
        let shown = self.display_ru(offset_minutes);
        match shown.split_once(' ') {
            Some((date, _)) => date.to_string(),
            None => shown,
        }
    }

    /// «22.11.2025 13:15» at the given offset from UTC in minutes (the browser's local time;
    /// 0 for UTC). An offset that cannot be applied shows the time as written.
    pub fn display_ru(&self, offset_minutes: i32) -> String {
        let Ok(at) = OffsetDateTime::parse(&self.0, &Rfc3339) else {
            return self.0.clone();
        };
        let local = UtcOffset::from_whole_seconds(offset_minutes.saturating_mul(60))
            .ok()
            .and_then(|o| at.checked_to_offset(o))
            .unwrap_or(at);
        format!(
            "{:02}.{:02}.{:04} {:02}:{:02}",
            local.day(),
            u8::from(local.month()),
            local.year(),
            local.hour(),
            local.minute()
        )
    }
}

/// A calendar date written `ГГГГ-ММ-ДД` (what `<input type="date">` gives; a year from 1990 to
/// 2100), as (year, month, day); `None` for any other text. The one reading of such dates:
/// the programme's checks, the monitoring's comparisons.
pub fn iso_date(text: &str) -> Option<(i32, u8, u8)> {
    let t = text.trim();
    let parts: Vec<&str> = t.split('-').collect();
    let ok = parts.len() == 3
        && parts[0].len() == 4
        && parts[1].len() == 2
        && parts[2].len() == 2
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if !ok {
        return None;
    }
    let (y, m, d) = (
        parts[0].parse::<i32>().ok()?,
        parts[1].parse::<u8>().ok()?,
        parts[2].parse::<u8>().ok()?,
    );
    let month = time::Month::try_from(m).ok()?;
    ((1990..=2100).contains(&y) && time::Date::from_calendar_date(y, month, d).is_ok())
        .then_some((y, m, d))
}

/// Compares two dates `ГГГГ-ММ-ДД` ([`iso_date`]); `None` unless both are dates.
pub fn compare_dates(a: &str, b: &str) -> Option<std::cmp::Ordering> {
    Some(iso_date(a)?.cmp(&iso_date(b)?))
}

/// The year of a date `ГГГГ-ММ-ДД` ([`iso_date`]); `None` unless it is a date.
pub fn date_year(date: &str) -> Option<i32> {
    iso_date(date).map(|(y, _, _)| y)
}

/// A calendar date as Russian readers write it: «2026-09-15» → «15.09.2026». Text that is
/// not a date in the form `ГГГГ-ММ-ДД` (a typed draft, an empty cell) is given back as it is,
/// trimmed, so nothing a file holds is lost or panics.
pub fn date_ru(iso: &str) -> String {
    let t = iso.trim();
    let b = t.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && digits(0..4)
        && digits(5..7)
        && digits(8..10)
    {
        format!("{}.{}.{}", &t[8..10], &t[5..7], &t[0..4])
    } else {
        t.to_string()
    }
}

/// Years as a span: «2023–2025» for consecutive years, «2021, 2023» otherwise, «2025» for one,
/// «—» for none (the years as given, oldest first).
pub fn years_span(years: &[i32]) -> String {
    match years {
        [] => "—".to_string(),
        [y] => y.to_string(),
        [first, .., last] if years.windows(2).all(|w| w[0].checked_add(1) == Some(w[1])) => {
            format!("{first}–{last}")
        }
        _ => years
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Timestamp::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// By instant, then by text (two spellings of one instant are different timestamps).
impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.unix_nanos()
            .cmp(&other.unix_nanos())
            .then_with(|| self.0.cmp(&other.0))
    }
}

/// A timestamp from a literal, for tests.
///
/// # Panics
/// If the literal is not RFC 3339.
#[cfg(test)]
pub fn ts(text: &str) -> Timestamp {
    Timestamp::parse(text).expect("a test timestamp")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rfc3339_is_accepted_and_anything_else_refused() {
        for ok in [
            "2025-11-22T10:15:00Z",
            "2025-11-22T10:15:00.000Z",
            "2025-11-22T13:15:00.5+03:00",
            "2024-02-29T00:00:00-01:30",
        ] {
            assert_eq!(Timestamp::parse(ok).unwrap().as_str(), ok);
        }
        for bad in [
            "",
            "x",
            "2025-11-22",
            "2025-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2025-11-22T10:15:00",
            "2025-11-22T24:00:00Z",
            "22.11.2025 10:15",
            "ДД.ММ.ГГГГ чч:мм",
        ] {
            let e = Timestamp::parse(bad).unwrap_err();
            assert!(e.starts_with("время должно быть в формате RFC 3339"), "{e}");
        }
        let e = serde_json::from_str::<Timestamp>("\"вчера\"").unwrap_err();
        assert!(e.to_string().contains("получено «вчера»"), "{e}");
    }

    #[test]
    fn instants_as_unix_time() {
        let nanos = |s: &str| Timestamp::parse(s).map(|t| t.unix_nanos());
        assert_eq!(nanos("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(nanos("2025-11-22T10:00:00Z"), Ok(1_763_805_600_000_000_000));
        assert_eq!(
            nanos("2025-11-22T13:00:00+03:00"),
            nanos("2025-11-22T10:00:00Z")
        );
        assert_eq!(
            nanos("2025-11-22T10:00:00.25Z"),
            Ok(1_763_805_600_250_000_000)
        );
        assert_eq!(nanos("2024-02-29t00:00:00z"), Ok(1_709_164_800_000_000_000));
        for bad in [
            "2025-02-29T00:00:00Z",
            "2025-11-22T10:00:00.Z",
            "2025-11-22T10:00:00+3:00",
            "2025-11-22T10:00:00Zx",
            "２０２５-11-22T10:00:00Z",
        ] {
            assert!(nanos(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn comparison_uses_the_instant() {
        let a = Timestamp::parse("2025-11-22T13:15:00+03:00").unwrap();
        let b = Timestamp::parse("2025-11-22T10:15:00.001Z").unwrap();
        assert!(b.is_after(&a));
        assert!(!a.is_after(&b));
        assert!(a < b);
        assert_eq!(a.date(), "2025-11-22");
    }

    #[test]
    fn shown_in_russian_at_an_offset() {
        let t = Timestamp::parse("2025-11-22T22:15:30Z").unwrap();
        assert_eq!(t.display_ru(0), "22.11.2025 22:15");
        assert_eq!(t.display_ru(180), "23.11.2025 01:15");
        assert_eq!(t.display_ru(i32::MAX), "22.11.2025 22:15");
        let edge = Timestamp::parse("9999-12-31T23:59:59Z").unwrap();
        assert_eq!(edge.display_ru(600), "31.12.9999 23:59");
    }

    #[test]
    fn made_from_the_clock() {
        let t = Timestamp::from_unix_millis(1_732_270_500_123.0);
        assert_eq!(t.as_str(), "2024-11-22T10:15:00.123Z");
        assert_eq!(
            Timestamp::from_unix_millis(f64::NAN).as_str(),
            "1970-01-01T00:00:00Z"
        );
        assert_eq!(
            Timestamp::from_unix_millis(1e30).as_str(),
            "1970-01-01T00:00:00Z"
        );
    }

    #[test]
    fn dates_read_as_russian_readers_write_them() {
        assert_eq!(date_ru("2026-09-15"), "15.09.2026");
        assert_eq!(date_ru(" 2012-03-15 "), "15.03.2012");
        // Not a date of that form: given back as typed.
        for other in [
            "",
            "15.09.2026",
            "2026-9-15",
            "2026-09-15T10:00:00Z",
            "год",
            "２０２６-09-15",
        ] {
            assert_eq!(date_ru(other), other.trim());
        }
        let t = Timestamp::parse("2025-11-22T22:30:00Z").unwrap();
        assert_eq!(t.date_ru(0), "22.11.2025");
        assert_eq!(t.date_ru(180), "23.11.2025");
    }

    proptest! {
        #[test]
        fn any_date_text_gives_text_without_panicking(s in "\\PC*") {
            let _ = date_ru(&s);
        }

        #[test]
        fn any_text_is_checked_without_panicking(s in "\\PC*", offset in any::<i32>()) {
            if let Ok(t) = Timestamp::parse(&s) {
                let _ = t.display_ru(offset);
                let _ = t.date();
                prop_assert!(!t.is_after(&t));
            }
        }

        #[test]
        fn near_misses_are_checked_without_panicking(
            y in 0u32..10000, mo in 0u32..14, d in 0u32..33, h in 0u32..26, mi in 0u32..62,
            s in 0u32..62, tail in "(Z|z|[+-][0-9]{2}:[0-9]{2}|\\.[0-9]{1,12}Z|)", offset in any::<i32>()
        ) {
            let text = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{tail}");
            if let Ok(t) = Timestamp::parse(&text) {
                let _ = t.display_ru(offset);
                prop_assert_eq!(t.as_str(), text.as_str());
            }
        }
    }
}
