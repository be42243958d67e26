//! The mapping step: a table whose header is not the row contract's (another region's form,
//! an old template, a foreign data set) is read through a [`ColumnMapping`] a person confirms.
//!
//! [`suggest`] proposes, for each column of the file, a contract column (or none) from the
//! header — the id, the Russian or English label, a known alias, or word similarity — and
//! from the values of the first rows (a year column holds years, a share given as 0–1 is
//! offered for conversion). [`preview_rows`] shows the first rows as they will be read,
//! [`validate`] says what is wrong with a mapping, and [`SavedMappings`] keeps mappings by
//! name so that next year's file of the same form opens with last year's mapping.
//!
//! Above `input` in the dependency order: this module uses `input`, never the reverse.

use crate::domain::contract::problem::{column_letters, Place};
use crate::domain::contract::row::SchoolType;
use crate::domain::contract::schema::{schema, Column, Kind};
use crate::domain::input::{
    self, normalise_header, ColumnMapping, MappedColumn, Parsed, ReadOptions, TablePreview,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// How a file's column was matched to a contract column, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// The header is the column's id.
    Exact,
    /// The header is the column's Russian or English label.
    Label,
    /// The header is a name the column goes by in Russian forms («Код ОО», «МО»).
    Alias,
    /// The header's words are like the column's names.
    Similar,
    /// Nothing matched: the column is not read.
    None,
}

impl Confidence {
    /// The Russian word for the mapping table.
    pub fn label(self) -> &'static str {
        match self {
            Confidence::Exact => "точно",
            Confidence::Label => "по названию",
            Confidence::Alias => "известное название",
            Confidence::Similar => "похоже",
            Confidence::None => "нет",
        }
    }
}

/// The suggestion for one column of the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    /// The column's position in the file, 0-based.
    pub position: usize,
    /// The file's header text.
    pub source: String,
    /// The contract column id; `None`: the column is not read.
    pub target: Option<String>,
    pub confidence: Confidence,
    /// The shares are given as fractions (0–1) and will be multiplied by 100.
    pub fraction: bool,
    /// Why, in Russian.
    pub why: String,
    /// A doubt about the values of the first rows for the suggested column, in Russian.
    pub values_check: Option<String>,
}

/// Similar names: the least Dice coefficient over word stems for a suggestion.
const SIMILAR_MIN: f64 = 0.5;

/// Words that say nothing about a column.
const STOP_WORDS: &[&str] = &[
    "по", "с", "со", "в", "во", "и", "из", "на", "за", "от", "до", "у", "к", "о", "об", "для",
    "или", "а", "при", "the", "of", "a", "an", "in", "with", "and", "or", "for", "by", "on", "to",
    "from", "at", "who", "whose", "чел", "шт", "ед",
];

/// A header as compared with the contract's names: case, `ё`, punctuation and spaces aside.
fn key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = if c == 'ё' { 'е' } else { c };
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// The words of a name as crude stems (the first five letters; whole numbers kept), with the
/// common synonyms and abbreviations of school tables brought together.
fn stems(text: &str) -> BTreeSet<String> {
    key(text)
        .split(' ')
        .filter(|w| !w.is_empty() && !STOP_WORDS.contains(w))
        .map(|w| {
            let stem: String = if w.chars().all(|c| c.is_ascii_digit()) {
                w.to_string()
            } else {
                w.chars().take(5).collect()
            };
            match stem.as_str() {
                "учащи" | "учени" | "школь" => "обуча".to_string(),
                "колич" | "числе" | "кол" => "число".to_string(),
                "проце" => "доля".to_string(),
                "рус" | "русяз" => "русск".to_string(),
                "мат" => "матем".to_string(),
                "яз" | "языку" | "языка" | "языке" | "языко" => {
                    "язык".to_string()
                }
                "math" | "maths" => "mathe".to_string(),
                "rus" | "russ" => "russi".to_string(),
                "pupil" | "learn" => "stude".to_string(),
                "perce" | "propo" => "share".to_string(),
                _ => stem,
            }
        })
        .collect()
}

/// Dice's coefficient of two sets of stems.
fn dice(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let common = a.intersection(b).count();
    2.0 * common as f64 / (a.len() + b.len()) as f64
}

/// Shortens a long label for a sentence.
fn short(label: &str) -> String {
    const MAX: usize = 60;
    if label.chars().count() <= MAX {
        label.to_string()
    } else {
        let cut: String = label.chars().take(MAX - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

/// What the first rows' values say about reading a column as a contract column.
enum Fit {
    Good,
    /// Readable, but doubtful (shown to the person).
    Doubtful(String),
    /// Not readable as this column.
    Bad(String),
}

/// Up to three distinct values, quoted, for a message.
fn quoted(values: &[&str]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for v in values {
        if !seen.contains(v) {
            seen.push(v);
        }
        if seen.len() == 3 {
            break;
        }
    }
    seen.iter()
        .map(|v| format!("«{}»", short(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks the first rows' values (empty cells left out) against a column's kind.
fn fit(kind: Kind, values: &[&str]) -> Fit {
    if values.is_empty() {
        return Fit::Good;
    }
    match kind {
        Kind::Text => Fit::Good,
        Kind::SchoolType => {
            let bad: Vec<&str> = values
                .iter()
                .copied()
                .filter(|v| SchoolType::parse(v).is_none())
                .collect();
            if bad.is_empty() {
                Fit::Good
            } else {
                Fit::Bad(format!(
                    "значения {} не похожи на тип школы («средняя», «основная», «вечерняя», «начальная», «СОШ», «ООШ» и т. п.)",
                    quoted(&bad)
                ))
            }
        }
        _ => {
            let mut numbers = Vec::with_capacity(values.len());
            let mut not_numbers = Vec::new();
            for v in values {
                match input::parse_number(v) {
                    Ok(Some(n)) => numbers.push((n, *v)),
                    _ => not_numbers.push(*v),
                }
            }
            if !not_numbers.is_empty() && kind == Kind::Year {
                return Fit::Bad(format!(
                    "значения {} не похожи на год (нужен год экзамена, целое число, например 2024)",
                    quoted(&not_numbers)
                ));
            }
            if !not_numbers.is_empty() {
                return Fit::Bad(format!("значения {} — не числа", quoted(&not_numbers)));
            }
            let outside = |ok: &dyn Fn(f64) -> bool| -> Vec<&str> {
                numbers
                    .iter()
                    .filter(|(n, _)| !ok(*n))
                    .map(|(_, v)| *v)
                    .collect()
            };
            match kind {
                Kind::Year => {
                    let bad = outside(&input::is_year);
                    if bad.is_empty() {
                        Fit::Good
                    } else {
                        Fit::Bad(format!(
                            "значения {} не похожи на год (нужен год экзамена, целое число, например 2024)",
                            quoted(&bad)
                        ))
                    }
                }
                Kind::Count => {
                    let bad = outside(&|n| input::check_range(kind, n).is_ok());
                    if bad.is_empty() {
                        Fit::Good
                    } else {
                        Fit::Bad(format!(
                            "значения {} — не количество (нужны целые неотрицательные числа)",
                            quoted(&bad)
                        ))
                    }
                }
                Kind::Share => {
                    let bad = outside(&|n| input::check_range(kind, n).is_ok());
                    if bad.is_empty() {
                        Fit::Good
                    } else {
                        Fit::Bad(format!(
                            "значения {} вне диапазона доли в процентах (от 0 до 100)",
                            quoted(&bad)
                        ))
                    }
                }
                Kind::Score100 => {
                    let bad = outside(&|n| input::check_range(kind, n).is_ok());
                    if !bad.is_empty() {
                        Fit::Bad(format!(
                            "значения {} вне диапазона среднего балла ЕГЭ (от 0 до 100)",
                            quoted(&bad)
                        ))
                    } else if numbers.iter().all(|(n, _)| *n <= 5.0) {
                        Fit::Doubtful(
                            "все значения не больше 5 — похоже на пятибалльную шкалу, а столбец — средний балл по 100-балльной".to_string(),
                        )
                    } else {
                        Fit::Good
                    }
                }
                Kind::Score5 => {
                    let bad = outside(&|n| input::check_range(kind, n).is_ok());
                    if bad.is_empty() {
                        Fit::Good
                    } else if numbers.iter().all(|(n, _)| (0.0..=100.0).contains(n))
                        && numbers.iter().any(|(n, _)| *n > 5.0)
                    {
                        Fit::Bad(format!(
                            "значения {} больше 5 — похоже на 100-балльную шкалу или проценты, а столбец — средний балл по пятибалльной шкале (от 2 до 5)",
                            quoted(&bad)
                        ))
                    } else {
                        Fit::Bad(format!(
                            "значения {} вне диапазона среднего балла по пятибалльной шкале (от 2 до 5)",
                            quoted(&bad)
                        ))
                    }
                }
                Kind::Text | Kind::SchoolType => Fit::Good,
            }
        }
    }
}

/// True when the values of a share column look like fractions: every value a number within
/// [0, 1] written without «%», at least one strictly between 0 and 1.
fn looks_like_fractions(values: &[&str]) -> bool {
    let mut inside = false;
    for v in values {
        if v.trim_end().ends_with('%') {
            return false;
        }
        match input::parse_number(v) {
            Ok(Some(n)) if (0.0..=1.0).contains(&n) => inside |= n > 0.0 && n < 1.0,
            _ => return false,
        }
    }
    inside
}

/// The rule behind the fraction flag, as the person reads it.
pub const FRACTION_WHY: &str = "значения от 0 до 1 — похоже на доли; будут умножены на 100";

/// A possible match of a file's column to a contract column.
struct Candidate {
    position: usize,
    column: usize,
    confidence: Confidence,
    score: f64,
    why: String,
    values_check: Option<String>,
}

/// How well a header names a contract column, if at all.
fn name_match(header: &str, c: &Column) -> Option<(Confidence, f64, String)> {
    let k = key(header);
    if k.is_empty() {
        return None;
    }
    if normalise_header(header) == c.id {
        return Some((
            Confidence::Exact,
            1.0,
            format!("совпадает с идентификатором столбца «{}»", c.id),
        ));
    }
    if k == key(&c.label) {
        return Some((
            Confidence::Label,
            1.0,
            "совпадает с русским названием столбца".to_string(),
        ));
    }
    if k == key(&c.label_en) {
        return Some((
            Confidence::Label,
            1.0,
            format!(
                "совпадает с английским названием столбца («{}»)",
                c.label_en
            ),
        ));
    }
    if c.aliases.iter().any(|a| key(a) == k) {
        return Some((
            Confidence::Alias,
            1.0,
            format!(
                "так в региональных формах называют столбец «{}»",
                short(&c.label)
            ),
        ));
    }
    let words = stems(header);
    let best = std::iter::once(&c.label)
        .chain(std::iter::once(&c.label_en))
        .chain(c.aliases.iter())
        .map(|name| dice(&words, &stems(name)))
        .fold(0.0, f64::max);
    (best >= SIMILAR_MIN).then(|| {
        (
            Confidence::Similar,
            best,
            format!(
                "похоже на «{}» (сходство слов {} %)",
                short(&c.label),
                (best * 100.0).round()
            ),
        )
    })
}

/// One suggestion per column of the file: the contract column it is read as (or none), how
/// sure, why, whether its shares are fractions, and a doubt about its values. Each contract
/// column is suggested for one file column at most: the best match (exact id, then label,
/// then alias, then the most similar; a tie goes to the leftmost column). A similar name
/// whose values do not fit the column (a «year» without years) is not suggested.
pub fn suggest(preview: &TablePreview) -> Vec<Suggestion> {
    let s = schema();
    let values: Vec<Vec<&str>> = (0..preview.header.len())
        .map(|p| preview.column_values(p).collect())
        .collect();
    let mut candidates = Vec::new();
    // Similar names whose values do not fit, to explain a column left without a target.
    let mut unfit: Vec<Option<String>> = vec![None; preview.header.len()];
    for (position, header) in preview.header.iter().enumerate() {
        for (column, c) in s.columns.iter().enumerate() {
            let Some((confidence, score, why)) = name_match(header, c) else {
                continue;
            };
            let values_check = match fit(c.kind, &values[position]) {
                Fit::Good => None,
                Fit::Doubtful(m) => Some(m),
                Fit::Bad(m) if confidence == Confidence::Similar => {
                    if unfit[position].is_none() {
                        unfit[position] = Some(format!("похоже на «{}», но {m}", short(&c.label)));
                    }
                    continue;
                }
                Fit::Bad(m) => Some(m),
            };
            candidates.push(Candidate {
                position,
                column,
                confidence,
                score,
                why,
                values_check,
            });
        }
    }
    candidates.sort_by(|a, b| {
        a.confidence
            .cmp(&b.confidence)
            .then(b.score.total_cmp(&a.score))
            .then(a.position.cmp(&b.position))
            .then(a.column.cmp(&b.column))
    });
    let mut chosen: Vec<Option<Candidate>> = (0..preview.header.len()).map(|_| None).collect();
    let mut taken: Vec<Option<usize>> = vec![None; s.columns.len()];
    // For a column left out: the best contract column that went to another file column.
    let mut lost: Vec<Option<(usize, usize)>> = vec![None; preview.header.len()];
    for c in candidates {
        if chosen[c.position].is_some() {
            continue;
        }
        if let Some(other) = taken[c.column] {
            if lost[c.position].is_none() {
                lost[c.position] = Some((c.column, other));
            }
            continue;
        }
        taken[c.column] = Some(c.position);
        let position = c.position;
        chosen[position] = Some(c);
    }
    preview
        .header
        .iter()
        .enumerate()
        .zip(chosen)
        .map(|((position, header), choice)| match choice {
            Some(c) => {
                let column = &s.columns[c.column];
                let fraction =
                    column.kind == Kind::Share && looks_like_fractions(&values[position]);
                let why = if fraction {
                    format!("{}; {FRACTION_WHY}", c.why)
                } else {
                    c.why
                };
                Suggestion {
                    position,
                    source: header.clone(),
                    target: Some(column.id.clone()),
                    confidence: c.confidence,
                    fraction,
                    why,
                    values_check: c.values_check,
                }
            }
            None => {
                let why = if header.trim().is_empty() {
                    "у столбца нет заголовка; не будет использован".to_string()
                } else if let Some((column, other)) = lost[position] {
                    format!(
                        "похоже на «{}», но этот столбец Шкалы уже сопоставлен со столбцом файла «{}»; не будет использован",
                        short(&s.columns[column].label),
                        preview.header[other].trim()
                    )
                } else if let Some(m) = unfit[position].take() {
                    format!("{m}; не будет использован")
                } else {
                    "не похоже ни на один столбец Шкалы; не будет использован".to_string()
                };
                Suggestion {
                    position,
                    source: header.clone(),
                    target: None,
                    confidence: Confidence::None,
                    fraction: false,
                    why,
                    values_check: None,
                }
            }
        })
        .collect()
}

/// The mapping the suggestions make (every titled column of the file, ignored ones too, so
/// that they are not called unknown and a saved mapping recognises the whole form).
pub fn mapping_from(suggestions: &[Suggestion], name: &str) -> ColumnMapping {
    ColumnMapping {
        name: name.to_string(),
        columns: suggestions
            .iter()
            .filter(|s| !s.source.trim().is_empty())
            .map(|s| MappedColumn {
                source: s.source.clone(),
                target: s.target.clone(),
                fraction: s.fraction && s.target.is_some(),
            })
            .collect(),
    }
}

/// The name a mapping made for a file gets: the file's name without its extension
/// («Форма ОО 2024.csv» → «Форма ОО 2024»).
pub fn name_for_file(file: &str) -> String {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    match base.rsplit_once('.') {
        Some((stem, _)) if !stem.trim().is_empty() => stem.trim().to_string(),
        _ => base.trim().to_string(),
    }
}

/// Where a problem or a row is, as a line (or workbook row) number for ordering.
fn line_of(place: &Place) -> Option<usize> {
    match place {
        Place::Line(n) | Place::Record(n) => Some(*n),
        Place::Cell { row, .. } => Some(*row),
        Place::File | Place::Path(_) => None,
    }
}

/// The first `max_rows` rows of a file as they will be read with `options` (its mapping and
/// sheet), with the problems of the header and of those rows. Of a CSV file only the bytes
/// of the header and the first records are read, so a big file previews at once.
pub fn preview_rows(file: &str, bytes: &[u8], options: &ReadOptions, max_rows: usize) -> Parsed {
    let head = match input::csv_head_len(bytes, max_rows) {
        Some(n) => &bytes[..n.min(bytes.len())],
        None => bytes,
    };
    let mut parsed = input::parse_file_with(file, head, options);
    if parsed.rows.len() > max_rows {
        let last = parsed
            .places
            .get(max_rows.wrapping_sub(1))
            .and_then(line_of);
        parsed.rows.truncate(max_rows);
        parsed.places.truncate(max_rows);
        let limit = last.unwrap_or(1);
        parsed
            .problems
            .retain(|p| line_of(&p.place).is_none_or(|n| n <= limit));
    }
    parsed
}

/// What is wrong with a mapping, in Russian (empty: it can be used): no name, a column of the
/// file listed twice, a target the contract does not have, two columns of the file read as
/// one contract column, a required column not mapped, the fraction flag on a column that is
/// not a share.
pub fn validate(mapping: &ColumnMapping) -> Vec<String> {
    let s = schema();
    let mut out = Vec::new();
    if mapping.name.trim().is_empty() {
        out.push(
            "у сопоставления нет названия — под ним оно сохраняется для файлов следующих лет"
                .to_string(),
        );
    }
    let mut sources: Vec<(String, &str)> = Vec::new();
    let mut targets: Vec<(usize, &str)> = Vec::new();
    for m in &mapping.columns {
        let source = m.source.trim();
        if source.is_empty() {
            out.push("в сопоставлении есть столбец файла без заголовка".to_string());
            continue;
        }
        let norm = normalise_header(source);
        if sources.iter().any(|(n, _)| *n == norm) {
            out.push(format!(
                "столбец файла «{source}» указан в сопоставлении несколько раз"
            ));
        } else {
            sources.push((norm, source));
        }
        let Some(id) = &m.target else {
            if m.fraction {
                out.push(format!(
                    "столбец файла «{source}» не используется, но отмечен как доли от 0 до 1"
                ));
            }
            continue;
        };
        let Some(column) = s.position(id) else {
            out.push(format!(
                "столбец файла «{source}» отнесён к неизвестному столбцу «{id}»"
            ));
            continue;
        };
        let c = &s.columns[column];
        if let Some((_, first)) = targets.iter().find(|(t, _)| *t == column) {
            out.push(format!(
                "столбцы файла «{first}» и «{source}» отнесены к одному столбцу «{}» ({})",
                c.id, c.label
            ));
        } else {
            targets.push((column, source));
        }
        if m.fraction && c.kind != Kind::Share {
            out.push(format!(
                "столбец файла «{source}» отмечен как доли от 0 до 1, но «{}» ({}) — не доля в процентах",
                c.id, c.label
            ));
        }
    }
    for (i, c) in s.columns.iter().enumerate() {
        if c.required && !targets.iter().any(|(t, _)| *t == i) {
            out.push(format!(
                "обязательный столбец «{}» ({}) не сопоставлен ни с одним столбцом файла",
                c.id, c.label
            ));
        }
    }
    out
}

/// Mappings saved by name (the app keeps them with its settings; the CLI reads one from a
/// file): next year's file of the same form opens with last year's mapping.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedMappings {
    pub mappings: Vec<ColumnMapping>,
}

impl SavedMappings {
    pub fn from_json(text: &str) -> Result<SavedMappings, String> {
        serde_json::from_str(text).map_err(|e| crate::domain::contract::problem::serde_error_ru(&e))
    }

    /// Saves a mapping under its name: one of the same name (case and spaces aside) is
    /// replaced, and the mapping becomes the most recent.
    pub fn save(&mut self, mapping: ColumnMapping) {
        let name = normalise_header(&mapping.name);
        self.mappings.retain(|m| normalise_header(&m.name) != name);
        self.mappings.push(mapping);
    }

    /// Removes the mapping of a name; false when there is none.
    pub fn remove(&mut self, name: &str) -> bool {
        let name = normalise_header(name);
        let before = self.mappings.len();
        self.mappings.retain(|m| normalise_header(&m.name) != name);
        self.mappings.len() != before
    }

    pub fn get(&self, name: &str) -> Option<&ColumnMapping> {
        let name = normalise_header(name);
        self.mappings
            .iter()
            .find(|m| normalise_header(&m.name) == name)
    }

    /// The saved mapping for a file: among those whose every read column is in the file's
    /// header, the one that names the most of the file's columns; on a tie, the most recent.
    pub fn find_for(&self, preview: &TablePreview) -> Option<&ColumnMapping> {
        let header: Vec<String> = preview
            .header
            .iter()
            .map(|h| normalise_header(h))
            .filter(|h| !h.is_empty())
            .collect();
        self.mappings
            .iter()
            .enumerate()
            .filter(|(_, m)| {
                let mut read = m.columns.iter().filter(|c| c.target.is_some()).peekable();
                read.peek().is_some() && read.all(|c| header.contains(&normalise_header(&c.source)))
            })
            .map(|(i, m)| {
                let named = header
                    .iter()
                    .filter(|h| m.columns.iter().any(|c| normalise_header(&c.source) == **h))
                    .count();
                (named, i, m)
            })
            .max_by_key(|&(named, i, _)| (named, i))
            .map(|(_, _, m)| m)
    }
}

/// The suggestions as a table for a terminal: per column of the file, its letter, header,
/// the contract column and how sure, then why (and a doubt about the values) on the next
/// lines.
pub fn table_text(suggestions: &[Suggestion]) -> String {
    let s = schema();
    let width = |t: &str| t.chars().count();
    let rows: Vec<(String, String, String)> = suggestions
        .iter()
        .map(|x| {
            let source = format!("«{}»", short(x.source.trim()));
            let target = match &x.target {
                Some(id) if x.fraction => format!("{id} (доли × 100)"),
                Some(id) => id.clone(),
                None => "— не используется".to_string(),
            };
            (column_letters(x.position), source, target)
        })
        .collect();
    let w_letter = rows.iter().map(|r| width(&r.0)).max().unwrap_or(1).max(1);
    let w_source = rows
        .iter()
        .map(|r| width(&r.1))
        .chain(std::iter::once(width("Столбец файла")))
        .max()
        .unwrap_or(0);
    let w_target = rows
        .iter()
        .map(|r| width(&r.2))
        .chain(std::iter::once(width("Столбец Шкалы")))
        .max()
        .unwrap_or(0);
    let pad = |t: &str, w: usize| format!("{t}{}", " ".repeat(w.saturating_sub(width(t))));
    let mut out = format!(
        "{}  {}  {}  Уверенность\n",
        pad("", w_letter),
        pad("Столбец файла", w_source),
        pad("Столбец Шкалы", w_target)
    );
    let indent = " ".repeat(w_letter + 2);
    for (x, (letter, source, target)) in suggestions.iter().zip(&rows) {
        out.push_str(&format!(
            "{}  {}  {}  {}\n",
            pad(letter, w_letter),
            pad(source, w_source),
            pad(target, w_target),
            x.confidence.label()
        ));
        if let Some(c) = x.target.as_deref().and_then(|id| s.column(id)) {
            out.push_str(&format!("{indent}{}\n", c.label));
        }
        out.push_str(&format!("{indent}{}\n", x.why));
        if let Some(v) = &x.values_check {
            out.push_str(&format!("{indent}внимание: {v}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::input::{parse_csv, parse_csv_with, preview_table};

    fn preview(csv: &str) -> TablePreview {
        preview_table("f.csv", csv.as_bytes(), &ReadOptions::default(), 20).unwrap()
    }

    fn target<'a>(s: &'a [Suggestion], source: &str) -> &'a Suggestion {
        s.iter().find(|x| x.source == source).unwrap()
    }

    /// The case: another region's form — columns in another order, named by Russian
    /// form names and English names, one share given as 0–1, a column to ignore — is matched
    /// column by column, and read with the suggested mapping it gives exactly the rows of the
    /// same data in the contract's form.
    #[test]
    fn another_form_is_matched_and_reads_as_the_contract_form() {
        let odd = include_str!("../../../tests/fixtures/mapping/odd.csv");
        let contract = include_str!("../../../tests/fixtures/mapping/contract.csv");
        let p = preview_table("odd.csv", odd.as_bytes(), &ReadOptions::default(), 20).unwrap();
        assert!(!p.reads_by_names());
        let s = suggest(&p);
        let expected = [
            ("Year", Some("year"), Confidence::Exact),
            ("Код ОО", Some("school_id"), Confidence::Alias),
            ("Municipality", Some("municipality"), Confidence::Exact),
            ("Наименование ОО", Some("school_name"), Confidence::Alias),
            ("Вид ОО", Some("school_type"), Confidence::Alias),
            (
                "Число участников ЕГЭ, чел.",
                Some("ege_participants"),
                Confidence::Similar,
            ),
            (
                "EGE Russian mean score",
                Some("ege_rus_mean"),
                Confidence::Label,
            ),
            (
                "Доля не получивших аттестат (ЕГЭ), %",
                Some("ege_no_cert_pct"),
                Confidence::Similar,
            ),
            (
                "Share of OGE participants with mark 2 in mathematics",
                Some("oge_math_2_pct"),
                Confidence::Label,
            ),
            (
                "Средний балл ОГЭ (математика)",
                Some("oge_math_mean"),
                Confidence::Alias,
            ),
            (
                "Численность учащихся, чел.",
                Some("students_total"),
                Confidence::Similar,
            ),
            (
                "Доля детей, получающих бесплатное питание",
                Some("free_meals_pct"),
                Confidence::Similar,
            ),
            (
                "Доля обучающихся с ОВЗ",
                Some("disabled_pct"),
                Confidence::Alias,
            ),
            ("Примечание", None, Confidence::None),
        ];
        assert_eq!(s.len(), expected.len());
        for (x, (source, target, confidence)) in s.iter().zip(expected) {
            assert_eq!(x.source, source);
            assert_eq!(x.target.as_deref(), target, "{source}: {}", x.why);
            assert_eq!(x.confidence, confidence, "{source}: {}", x.why);
            assert_eq!(x.fraction, source.contains("питание"), "{source}");
            assert_eq!(x.values_check, None, "{source}");
        }
        assert!(s[11].why.contains(FRACTION_WHY));
        let mapping = mapping_from(&s, &name_for_file("odd.csv"));
        assert_eq!(mapping.name, "odd");
        assert_eq!(validate(&mapping), Vec::<String>::new());
        let by_mapping = parse_csv_with("odd.csv", odd.as_bytes(), Some(&mapping));
        let by_contract = parse_csv("contract.csv", contract.as_bytes());
        assert!(
            !crate::domain::contract::problem::has_errors(&by_mapping.problems),
            "{:?}",
            by_mapping.problems
        );
        assert!(!crate::domain::contract::problem::has_errors(
            &by_contract.problems
        ));
        assert_eq!(by_contract.rows.len(), 24);
        assert_eq!(by_mapping.rows, by_contract.rows);
        // The mapping survives JSON (the CLI's file, the app's saved mappings).
        let json = serde_json::to_string_pretty(&mapping).unwrap();
        assert_eq!(ColumnMapping::from_json(&json).unwrap(), mapping);
        let text = table_text(&s);
        assert!(text.contains("free_meals_pct (доли × 100)"), "{text}");
        assert_eq!(
            text.lines().filter(|l| l.contains("«Примечание»")).count(),
            1
        );
    }

    #[test]
    fn names_are_compared_without_case_punctuation_and_yo() {
        assert_eq!(
            key("  Доля обучающихся, состоящих на внутришкольном учёте, %"),
            "доля обучающихся состоящих на внутришкольном учете"
        );
        assert_eq!(key("School ID"), "school id");
        assert_eq!(key("(%)"), "");
        let a = stems("Средний балл ЕГЭ (рус. яз.)");
        let b = stems("Средний балл ЕГЭ по русскому языку");
        assert_eq!(a, b);
        assert_eq!(dice(&a, &b), 1.0);
        assert!(dice(&stems("Примечание"), &b) == 0.0);
    }

    #[test]
    fn id_label_english_label_alias_and_similar_words() {
        let csv = "SCHOOL_ID;Наименование ОО;муниципалитет;School type;Учебный год;\
                   Доля учащихся с девиантным поведением;Примечание\n\
                   s1;Школа 1;Город;СОШ;2024;3,5;—\n";
        let s = suggest(&preview(csv));
        let t = |src: &str| target(&s, src).target.as_deref();
        assert_eq!(t("SCHOOL_ID"), Some("school_id"));
        assert_eq!(target(&s, "SCHOOL_ID").confidence, Confidence::Exact);
        assert_eq!(t("Наименование ОО"), Some("school_name"));
        assert_eq!(target(&s, "Наименование ОО").confidence, Confidence::Alias);
        assert_eq!(t("муниципалитет"), Some("municipality"));
        assert_eq!(target(&s, "муниципалитет").confidence, Confidence::Label);
        assert_eq!(
            target(&s, "муниципалитет").why,
            "совпадает с русским названием столбца"
        );
        assert_eq!(t("School type"), Some("school_type"));
        assert!(target(&s, "School type").why.contains("английским"));
        assert_eq!(t("Учебный год"), Some("year"));
        let d = target(&s, "Доля учащихся с девиантным поведением");
        assert_eq!(d.target.as_deref(), Some("deviant_pct"));
        assert_eq!(d.confidence, Confidence::Similar);
        assert!(
            d.why.starts_with("похоже на «Доля обучающихся"),
            "{}",
            d.why
        );
        assert!(!d.fraction);
        let n = target(&s, "Примечание");
        assert_eq!(n.target, None);
        assert_eq!(n.confidence, Confidence::None);
        assert_eq!(
            s.iter().map(|x| x.position).collect::<Vec<_>>(),
            (0..7).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_contract_column_goes_to_one_file_column_the_best_or_the_leftmost() {
        // Two headers both like the ЕГЭ participants; the exact one wins, wherever it stands.
        let csv = "Участники ЕГЭ (всего);ege_participants;Участники ЕГЭ всего\n10;11;12\n";
        let s = suggest(&preview(csv));
        assert_eq!(s[1].target.as_deref(), Some("ege_participants"));
        assert_eq!(s[0].target, None);
        assert!(s[0]
            .why
            .contains("уже сопоставлен со столбцом файла «ege_participants»"));
        // Two equally similar headers: the leftmost.
        let csv = "Участники ЕГЭ (всего);Участники ЕГЭ всего\n10;12\n";
        let s = suggest(&preview(csv));
        assert_eq!(s[0].target.as_deref(), Some("ege_participants"));
        assert_eq!(s[1].target, None);
    }

    #[test]
    fn values_decide_similar_names_and_are_checked_for_named_ones() {
        // An alias whose values do not fit: suggested, with the doubt said.
        let csv = "Учебный год;Тип\n2023/2024;лицей\n";
        let s = suggest(&preview(csv));
        assert_eq!(s[0].target.as_deref(), Some("year"));
        assert!(s[0]
            .values_check
            .as_deref()
            .unwrap()
            .contains("не похожи на год"));
        // «Тип» is like «Тип школы», but «лицей» is not a school type: not suggested.
        assert_eq!(s[1].target, None);
        assert!(s[1].why.contains("не похожи на тип школы"), "{}", s[1].why);
        // A 5-point mean with values of 100-point scale.
        let csv = "OGE mathematics mean mark;EGE Russian mean score\n64,5;4,2\n";
        let s = suggest(&preview(csv));
        assert_eq!(s[0].target.as_deref(), Some("oge_math_mean"));
        assert!(s[0].values_check.as_deref().unwrap().contains("больше 5"));
        assert!(s[1]
            .values_check
            .as_deref()
            .unwrap()
            .contains("пятибалльную"));
    }

    #[test]
    fn shares_between_0_and_1_are_offered_as_fractions() {
        let csv = "Доля обучающихся с ОВЗ;Share of students from single-parent families;\
                   Доля детей мигрантов;Число обучающихся\n\
                   0,05;0;1;0,5\n0,125;1;7%;1\n;0,5;0,3;2\n";
        let s = suggest(&preview(csv));
        assert_eq!(s[0].target.as_deref(), Some("disabled_pct"));
        assert!(s[0].fraction);
        assert!(s[0].why.ends_with(FRACTION_WHY), "{}", s[0].why);
        assert_eq!(s[1].target.as_deref(), Some("single_parent_pct"));
        assert!(s[1].fraction);
        // «7%» is written as a percentage: not fractions.
        assert_eq!(s[2].target.as_deref(), Some("non_native_pct"));
        assert!(!s[2].fraction);
        // Not a share.
        assert!(!s[3].fraction);
        // 0 and 1 only: nothing says fractions.
        let s = suggest(&preview("Доля обучающихся с ОВЗ\n0\n1\n"));
        assert!(!s[0].fraction);
        let m = mapping_from(&suggest(&preview(csv)), "Форма");
        assert!(m.columns[0].fraction && !m.columns[3].fraction);
    }

    #[test]
    fn validate_names_every_problem() {
        let col = |source: &str, target: Option<&str>, fraction: bool| MappedColumn {
            source: source.into(),
            target: target.map(str::to_string),
            fraction,
        };
        let ok = ColumnMapping {
            name: "Форма".into(),
            columns: vec![
                col("Код", Some("school_id"), false),
                col("Название", Some("school_name"), false),
                col("МО", Some("municipality"), false),
                col("Вид", Some("school_type"), false),
                col("Год", Some("year"), false),
                col("Доля", Some("deviant_pct"), true),
                col("Прочее", None, false),
            ],
        };
        assert_eq!(validate(&ok), Vec::<String>::new());
        let mut bad = ok.clone();
        bad.name = " ".into();
        bad.columns[0].target = Some("school_idd".into());
        bad.columns[1].target = Some("municipality".into());
        bad.columns[4].fraction = true;
        bad.columns.push(col("код", None, false));
        let problems = validate(&bad);
        let has = |t: &str| problems.iter().any(|p| p.contains(t));
        assert!(has("нет названия"), "{problems:?}");
        assert!(has("«Код» отнесён к неизвестному столбцу «school_idd»"));
        assert!(has(
            "«Название» и «МО» отнесены к одному столбцу «municipality»"
        ));
        assert!(has("обязательный столбец «school_id»"));
        assert!(has("обязательный столбец «school_name»"));
        assert!(has("«Год» отмечен как доли от 0 до 1, но «year»"));
        assert!(has("«код» указан в сопоставлении несколько раз"));
        assert_eq!(problems.len(), 7, "{problems:?}");
    }

    #[test]
    fn saved_mappings_open_next_years_file() {
        let csv_2024 = "Код ОО;Наименование ОО;МО;Вид ОО;Год;Примечание\ns1;Ш;Г;СОШ;2024;\n";
        let csv_2025 = "Код ОО;Наименование ОО;МО;Вид ОО;Год;Примечание;Новый столбец\n";
        let other = "ID;Name;Region;Kind;Year\n";
        let m24 = mapping_from(&suggest(&preview(csv_2024)), "Форма района");
        assert_eq!(validate(&m24), Vec::<String>::new());
        let mut saved = SavedMappings::default();
        let mut narrow = m24.clone();
        narrow.name = "Узкая".into();
        narrow.columns.retain(|c| c.target.is_some());
        saved.save(m24.clone());
        saved.save(narrow.clone());
        // Both fit next year's file; the one that names more of its columns wins.
        assert_eq!(saved.find_for(&preview(csv_2025)), Some(&m24));
        assert_eq!(saved.find_for(&preview(other)), None);
        // A file without one of the read columns does not take the mapping.
        assert_eq!(saved.find_for(&preview("Код ОО;МО;Вид ОО;Год\n")), None);
        // Saved again under the same name: replaced, and now the most recent.
        let mut again = m24.clone();
        again.name = "форма  района".into();
        saved.save(again.clone());
        assert_eq!(saved.mappings.len(), 2);
        assert_eq!(saved.find_for(&preview(csv_2025)), Some(&again));
        let json = serde_json::to_string(&saved).unwrap();
        assert_eq!(SavedMappings::from_json(&json).unwrap(), saved);
        assert!(SavedMappings::from_json("{\"mappings\": 1}").is_err());
        assert!(saved.remove("Узкая") && !saved.remove("Узкая"));
        assert_eq!(saved.get("ФОРМА РАЙОНА"), Some(&again));
    }

    #[test]
    fn the_preview_reads_only_the_first_rows_as_the_whole_file_does() {
        let mut csv = String::from("Код ОО;Наименование ОО;МО;Вид ОО;Год;\"Доля, с ОВЗ\"\n");
        for i in 0..50 {
            let name = if i == 3 {
                "\"Школа\n«Ромашка»\""
            } else {
                "Школа"
            };
            let share = if i == 5 { "x" } else { "0,1" };
            csv.push_str(&format!("s{i};{name};Город;СОШ;2024;{share}\n\n"));
        }
        let mut mapping = mapping_from(&suggest(&preview(&csv)), "Ф");
        mapping.columns[5].target = Some("disabled_pct".into());
        mapping.columns[5].fraction = true;
        let options = ReadOptions {
            sheet: None,
            mapping: Some(mapping.clone()),
        };
        let whole = parse_csv_with("f.csv", csv.as_bytes(), Some(&mapping));
        assert_eq!(whole.rows.len(), 49);
        let head = preview_rows("f.csv", csv.as_bytes(), &options, 6);
        // Rows 1–6 of the file, the sixth with an error: five rows and that error.
        assert_eq!(head.rows[..], whole.rows[..5]);
        assert_eq!(head.places[..], whole.places[..5]);
        assert_eq!(head.rows[3].school_name, "Школа\n«Ромашка»");
        assert_eq!(head.rows[0].values.get_by_id("disabled_pct"), Some(10.0));
        assert_eq!(head.problems.iter().filter(|p| p.is_error()).count(), 1);
        let head = preview_rows("f.csv", csv.as_bytes(), &options, 1000);
        assert_eq!(head.rows, whole.rows);
        assert_eq!(head.problems, whole.problems);
        let none = preview_rows("f.csv", csv.as_bytes(), &options, 0);
        assert!(none.rows.is_empty());
        // Without the mapping the preview says why nothing can be read.
        let plain = preview_rows("f.csv", csv.as_bytes(), &ReadOptions::default(), 3);
        assert!(plain.rows.is_empty());
        assert!(plain
            .problems
            .iter()
            .any(|p| p.message.contains("нет обязательного столбца")));
        assert_eq!(parse_csv("f.csv", csv.as_bytes()).problems, plain.problems);
    }

    #[test]
    fn nothing_read_from_a_file_panics() {
        for text in [
            "",
            ";;;",
            "\"",
            "a\n\"b",
            "\u{feff}",
            "ё;%;();\n1;2;3;4;5",
            "[1]",
        ] {
            if let Ok(p) = preview_table("f.csv", text.as_bytes(), &ReadOptions::default(), 5) {
                let s = suggest(&p);
                assert_eq!(s.len(), p.header.len());
                let _ = validate(&mapping_from(&s, ""));
                let _ = table_text(&s);
            }
            let _ = preview_rows("f.csv", text.as_bytes(), &ReadOptions::default(), 2);
        }
        assert_eq!(name_for_file("C:\\Данные\\Форма 2024.csv"), "Форма 2024");
        assert_eq!(name_for_file("dir/odd.csv"), "odd");
        assert_eq!(name_for_file(".csv"), ".csv");
    }
}
