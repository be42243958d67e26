//! Numbers, sizes and times as Russian readers expect them. Every function here is total:
//! any value, any text gives a string (property-tested on arbitrary input), so nothing a file
//! or the database holds can make a page panic while it is shown.

use crate::domain::common::time::Timestamp;

/// A value with a decimal comma and at most `digits` decimals, a negative one with the minus
/// sign «−» (U+2212, not the hyphen: the files keep the hyphen, see
/// [`rounded_decimal_comma`]); «—» for no value or a value that is not finite.
pub fn num(v: Option<f64>, digits: usize) -> String {
    match v.filter(|v| v.is_finite()) {
        Some(v) => minus(rounded_decimal_comma(v, digits)),
        None => "—".to_string(),
    }
}

/// A number as written for a machine («-0,113») as written for a person («−0,113»).
pub fn minus(number: String) -> String {
    match number.strip_prefix('-') {
        Some(rest) => format!("\u{2212}{rest}"),
        None => number,
    }
}

/// A share 0–1 as per cent, «12,5 %» (one decimal at most, [`percent`]).
pub fn pct(share: f64) -> String {
    if share.is_finite() {
        format!("{} %", minus(round_decimal(share, 2, 1).replace('.', ",")))
    } else {
        "—".to_string()
    }
}

/// A value already in per cent, «55,9 %», «−50 %», «0 %»: at most one decimal, rounded as
/// every number on screen ([`rounded_decimal_comma`]); «—» for a value that is not finite.
/// The one per cent of the pages, the printed documents, the charts and the exports.
pub fn percent(p: f64) -> String {
    if p.is_finite() {
        format!("{} %", num(Some(p), 1))
    } else {
        "—".to_string()
    }
}

/// A change in percentage points with its sign, to one decimal: «+3,2 п. п.», «−1 п. п.»; a
/// change that rounds to zero is «0 п. п.», without a sign; «—» for a value that is not finite.
pub fn points_change(delta: f64) -> String {
    points_change_to(delta, 1)
}

/// [`points_change`] with at most `digits` decimals («−33 п. п.» with none).
pub fn points_change_to(delta: f64, digits: usize) -> String {
    if !delta.is_finite() {
        return "—".to_string();
    }
    let text = round_decimal(delta.abs(), 0, digits).replace('.', ",");
    if text == "0" {
        "0 п. п.".to_string()
    } else if delta > 0.0 {
        format!("+{text} п. п.")
    } else {
        format!("\u{2212}{text} п. п.")
    }
}

/// The text with its first letter in upper case: «ШНРО» stays, «группа риска» →
/// «Группа риска» (for a label that starts a sentence or a table's cell).
pub fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The shortest decimal that reads back as exactly `v`, with a decimal comma and no exponent
/// (`0,1`, `68,25`, `0,30000000000000004`); `-0` is written `0`.
pub fn shortest_decimal_comma(v: f64) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    // Rust's `Display` for f64 is the shortest round-trip decimal, never in exponent form.
    format!("{v}").replace('.', ",")
}

/// A number for reading, as Excel in a Russian locale shows it: decimal comma, at most 6
/// decimals, no trailing zeros. (Files use [`shortest_decimal_comma`].)
pub fn decimal_comma(v: f64) -> String {
    let s = format!("{v:.6}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        &s
    };
    let s = if s == "-0" { "0" } else { s };
    s.replace('.', ",")
}

/// `v` rounded to `decimals` (at most 6: [`decimal_comma`] shows no more), as the screen shows
/// numbers: decimal comma, no trailing zeros, `-0` as `0` («0,458», «25», «12,5»). The one
/// rounding of the app's pages ([`num`]) and of the tables' CSV: half away from zero on the
/// number as it is written ([`round_decimal`]), so 0,2875 is «0,288» and not «0,287» as
/// rounding its nearest binary value would give.
pub fn rounded_decimal_comma(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return decimal_comma(v);
    }
    round_decimal(v, 0, decimals.min(6)).replace('.', ",")
}

/// `v` (finite) × 10^`shift`, rounded half away from zero to at most `decimals` decimals,
/// with a decimal point, no trailing zeros and `-0` as `0`. Worked on the digits of the
/// shortest decimal that reads back as `v` (what the files and a person see), not in floating
/// point: 23 / 80 = 0,2875 is 28,75 % and so «28,8 %», where 0,2875 × 100 in floating point is
/// 28,749999999999996.
pub fn round_decimal(v: f64, shift: usize, decimals: usize) -> String {
    // Rust writes an f64 as its shortest round-trip decimal, never with an exponent.
    let text = format!("{}", v.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut digits: Vec<u8> = int.bytes().chain(frac.bytes()).map(|b| b - b'0').collect();
    let mut point = int.len() + shift; // digits before the decimal point
    let kept = point + decimals;
    if digits.len() <= kept {
        digits.resize(kept + 1, 0);
    }
    let up = digits[kept] >= 5;
    digits.truncate(kept);
    if up {
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, 1);
                point += 1;
                break;
            }
            i -= 1;
            if digits[i] == 9 {
                digits[i] = 0;
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    let text = |d: &[u8]| d.iter().map(|d| char::from(b'0' + d)).collect::<String>();
    let whole = text(&digits[..point]);
    let whole = whole.trim_start_matches('0');
    let fraction = text(&digits[point..]);
    let fraction = fraction.trim_end_matches('0');
    let mut out = String::new();
    if v < 0.0 && (!whole.is_empty() || !fraction.is_empty()) {
        out.push('-');
    }
    out.push_str(if whole.is_empty() { "0" } else { whole });
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

/// The browser's offset from UTC, in minutes (0 outside the browser).
pub fn local_offset_minutes() -> i32 {
    #[cfg(target_arch = "wasm32")]
    {
        let minutes = -js_sys::Date::new_0().get_timezone_offset();
        if minutes.is_finite() {
            return minutes as i32;
        }
    }
    0
}

/// Today's date where the person is, «22.11.2025» (the browser's local time; natively, UTC):
/// the date of the files the app offers for download.
pub fn today_ru() -> String {
    #[cfg(target_arch = "wasm32")]
    let millis = js_sys::Date::now();
    #[cfg(not(target_arch = "wasm32"))]
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_millis() as f64);
    Timestamp::from_unix_millis(millis).date_ru(local_offset_minutes())
}

/// «22.11.2025 13:15» in the browser's local time.
pub fn date_time(t: &Timestamp) -> String {
    t.display_ru(local_offset_minutes())
}

/// Russian plural: `plural(5, "школа", "школы", "школ")` → «школ».
pub fn plural<'a>(n: usize, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    let (m10, m100) = (n % 10, n % 100);
    if m10 == 1 && m100 != 11 {
        one
    } else if (2..=4).contains(&m10) && !(12..=14).contains(&m100) {
        few
    } else {
        many
    }
}

/// «5 школ».
pub fn count(n: usize, one: &str, few: &str, many: &str) -> String {
    format!("{} {}", thousands(n), plural(n, one, few, many))
}

/// «45 000»: groups of three digits separated by a narrow no-break space.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// A size in Russian units: «512 Б», «1,5 МБ».
pub fn human_bytes(b: f64) -> String {
    const UNITS: [&str; 5] = ["Б", "КБ", "МБ", "ГБ", "ТБ"];
    if !b.is_finite() || b < 0.0 {
        return "—".to_string();
    }
    let mut v = b;
    let mut i = 0;
    while v >= 1024.0 && i + 1 < UNITS.len() {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{v:.0} {}", UNITS[i])
    } else {
        format!("{} {}", num(Some(v), 1), UNITS[i])
    }
}

/// At most `max` characters of `text`, with «…» when cut (on a character boundary).
pub fn ellipsis(text: &str, max: usize) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_works_on_the_written_digits() {
        assert_eq!(round_decimal(0.2875, 2, 1), "28.8");
        assert_eq!(round_decimal(0.2875, 0, 3), "0.288");
        assert_eq!(round_decimal(2.675, 0, 2), "2.68");
        assert_eq!(round_decimal(-1.25, 0, 1), "-1.3");
        assert_eq!(round_decimal(-0.0004, 0, 3), "0");
        assert_eq!(round_decimal(9.96, 0, 1), "10");
        assert_eq!(round_decimal(0.9996, 2, 1), "100");
        assert_eq!(round_decimal(1e-7, 0, 6), "0");
        assert_eq!(round_decimal(5e-7, 0, 6), "0.000001");
        assert_eq!(round_decimal(12.0, 0, 3), "12");
        assert_eq!(round_decimal(0.0, 2, 1), "0");
        assert_eq!(round_decimal(1.0 / 3.0, 2, 1), "33.3");
        assert_eq!(rounded_decimal_comma(0.2875, 3), "0,288");
        assert_eq!(pct(23.0 / 80.0), "28,8 %");
        assert_eq!(pct(1.0 / 16.0), "6,3 %");
        assert_eq!(pct(f64::NAN), "—");
        assert_eq!(percent(-50.0), "\u{2212}50 %");
        assert_eq!(points_change(-33.33), "\u{2212}33,3 п. п.");
        assert_eq!(points_change(0.04), "0 п. п.");
        assert_eq!(points_change(3.25), "+3,3 п. п.");
        assert_eq!(capitalise("группа риска"), "Группа риска");
        assert_eq!(capitalise(""), "");
    }

    #[test]
    fn examples() {
        assert_eq!(num(Some(0.12345), 3), "0,123");
        assert_eq!(num(None, 2), "—");
        assert_eq!(num(Some(f64::NAN), 2), "—");
        assert!(num(Some(1e308), 3).starts_with("1000000000000000"));
        assert_eq!(pct(0.125), "12,5 %");
        assert_eq!(count(45000, "школа", "школы", "школ"), "45\u{202f}000 школ");
        assert_eq!(count(1, "школа", "школы", "школ"), "1 школа");
        assert_eq!(count(22, "школа", "школы", "школ"), "22 школы");
        assert_eq!(count(111, "школа", "школы", "школ"), "111 школ");
        assert_eq!(human_bytes(512.0), "512 Б");
        assert_eq!(human_bytes(1536.0 * 1024.0), "1,5 МБ");
        assert_eq!(human_bytes(-1.0), "—");
        assert_eq!(ellipsis("Школа № 1", 5), "Школа…");
        assert_eq!(ellipsis("Школа", 5), "Школа");
        let t = Timestamp::parse("2025-11-22T10:15:00Z").unwrap();
        assert_eq!(date_time(&t), "22.11.2025 10:15");
        let today = today_ru();
        assert_eq!(
            crate::domain::common::time::date_ru(&today),
            today,
            "not ISO"
        );
        assert!(
            today.len() == 10 && today.as_bytes()[2] == b'.' && today.as_bytes()[5] == b'.',
            "{today}"
        );
    }
}
