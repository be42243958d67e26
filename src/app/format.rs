//! Numbers and dates as Russian readers expect them.

use crate::domain::csv_write::decimal_comma;

/// A value with a decimal comma and at most `digits` decimals; «—» for no value.
pub fn num(v: Option<f64>, digits: usize) -> String {
    match v {
        Some(v) => {
            let p = 10f64.powi(digits as i32);
            decimal_comma((v * p).round() / p)
        }
        None => "—".to_string(),
    }
}

/// A share 0–1 as per cent, «12,5 %».
pub fn pct(v: f64) -> String {
    format!("{} %", decimal_comma((v * 1000.0).round() / 10.0))
}

/// `2025-11-22T10:15:03.000Z` → «22.11.2025 10:15» (UTC, as stored).
pub fn date_time(iso: &str) -> String {
    let b = iso.as_bytes();
    if b.len() >= 16 && b[4] == b'-' && b[7] == b'-' {
        format!(
            "{}.{}.{} {}",
            &iso[8..10],
            &iso[5..7],
            &iso[0..4],
            &iso[11..16]
        )
    } else {
        iso.to_string()
    }
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
    format!("{n} {}", plural(n, one, few, many))
}
