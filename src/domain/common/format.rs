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

/// A share 0–1 as per cent, «12,5 %».
pub fn pct(v: f64) -> String {
    format!("{} %", num(Some(v * 100.0), 1))
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
/// rounding of the app's pages ([`crate::domain::common::format::num`]) and of the tables' CSV.
pub fn rounded_decimal_comma(v: f64, decimals: usize) -> String {
    let p = 10f64.powi(decimals.min(12) as i32);
    let r = (v * p).round() / p;
    decimal_comma(if r.is_finite() { r } else { v })
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
