//! One naming scheme for every file Shkala writes for a person to keep or send:
//! «шкала-<что>-<ДД.ММ.ГГГГ>.<расширение>», e.g. «шкала-эталон-Демонстрационный-край-06.12.2026.json»,
//! «шкала-результаты-идентификации-06.12.2026.xlsx». Russian words only, the date as Russian
//! readers write it; the CLI's machine files are named by the person who runs it.

/// The file name for `what` (words, any case; runs of spaces become one hyphen) on `date`
/// (already written as «ДД.ММ.ГГГГ»; empty for none) with the extension `ext` (without the
/// dot). Characters no file system takes (`/ \ : * ? " < > |`, control characters) become `_`;
/// the words are cut at 80 characters so that the name stays usable on every system.
pub fn file_name(what: &str, date: &str, ext: &str) -> String {
    let words: String = what
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("-")
        .chars()
        .take(80)
        .collect();
    let mut name = String::from("шкала");
    for part in [words.as_str(), date.trim()] {
        if !part.is_empty() {
            name.push('-');
            name.push_str(part);
        }
    }
    name.push('.');
    name.push_str(ext.trim_start_matches('.'));
    name.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_one_scheme() {
        assert_eq!(
            file_name("эталон Демонстрационный край", "06.12.2026", "json"),
            "шкала-эталон-Демонстрационный-край-06.12.2026.json"
        );
        assert_eq!(
            file_name("школа 0010001", "22.11.2025", ".json"),
            "шкала-школа-0010001-22.11.2025.json"
        );
        assert_eq!(file_name("", "", "csv"), "шкала.csv");
        assert_eq!(
            file_name("оценка «A/B»: 2025?", "01.01.2026", "json"),
            "шкала-оценка-«A_B»_-2025_-01.01.2026.json"
        );
        let long = "ш".repeat(200);
        assert_eq!(
            file_name(&long, "01.01.2026", "csv").chars().count(),
            "шкала".chars().count() + 1 + 80 + 1 + "01.01.2026".len() + ".csv".len()
        );
    }
}
