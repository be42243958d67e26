//! Which contract column each column of a file is: the header resolved by id or Russian label,
//! or by a person's [`ColumnMapping`]; the plan a table's records are read by; the note of the
//! data columns a file does not have.

use super::cells::{build_row, Cell, Field};
use super::Parsed;
use crate::domain::contract::problem::{Place, Problem};
use crate::domain::contract::schema::{schema, Kind};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;

/// Finds the contract column a header cell names: the id (any case) or the Russian label.
pub(super) fn resolve_header(cell: &str) -> Option<usize> {
    // The labels as compared, made once (a workbook's header can have 16,384 cells).
    static LABELS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let labels = LABELS.get_or_init(|| {
        schema()
            .columns
            .iter()
            .map(|c| normalise_header(&c.label))
            .collect()
    });
    let lower = normalise_header(cell);
    let s = schema();
    s.columns
        .iter()
        .position(|c| c.id == lower)
        .or_else(|| labels.iter().position(|l| *l == lower))
}

/// How one column of a file is read: the contract column, and whether its shares are given
/// as fractions (0–1) to be read as percentages.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Target {
    pub(super) column: usize,
    pub(super) fraction: bool,
}

/// For each column of a file (by position), how it is read; `None` = not used.
#[derive(Debug, Clone, Default)]
pub(super) struct ColumnPlan {
    pub(super) targets: Vec<Option<Target>>,
}

/// A reading of a file's columns chosen by a person (the mapping step), for files whose
/// header is not the contract's: each of the file's columns, by its header text, is read as a
/// contract column or ignored. Saved by name so that next year's file of the same form opens
/// with it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnMapping {
    pub name: String,
    pub columns: Vec<MappedColumn>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappedColumn {
    /// The file's header text (matched ignoring case and surrounding spaces).
    pub source: String,
    /// The contract column id; `None` = the column is ignored.
    pub target: Option<String>,
    /// A share given as a fraction (0–1) is multiplied by 100.
    #[serde(default)]
    pub fraction: bool,
}

impl ColumnMapping {
    /// Reads a mapping from JSON (the CLI's `--mapping`, the app's saved mappings).
    pub fn from_json(text: &str) -> Result<ColumnMapping, String> {
        serde_json::from_str(text).map_err(|e| crate::domain::contract::problem::serde_error_ru(&e))
    }

    pub(super) fn find(&self, header: &str) -> Option<&MappedColumn> {
        let key = normalise_header(header);
        self.columns
            .iter()
            .find(|m| normalise_header(&m.source) == key)
    }
}

/// A header cell as compared: spaces at the ends, a BOM and case do not matter; runs of
/// spaces and line breaks inside (merged or wrapped header cells) count as one space.
pub fn normalise_header(cell: &str) -> String {
    cell.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Matches each header cell to a contract column: by the mapping where it names the cell,
/// otherwise by the contract's id or Russian label. Unknown columns are warned about and not
/// used; a repeated column or a missing required one is an error (then `None`: no row can be
/// read). `at(position)` is where a header cell is.
pub(super) fn plan_columns(
    file: &str,
    header: &[String],
    at: &dyn Fn(usize) -> Place,
    mapping: Option<&ColumnMapping>,
    problems: &mut Vec<Problem>,
) -> Option<ColumnPlan> {
    let s = schema();
    let mut targets: Vec<Option<Target>> = Vec::with_capacity(header.len());
    let mut seen: HashMap<usize, usize> = HashMap::new();
    let mut ok = true;
    if let Some(m) = mapping {
        for mc in &m.columns {
            if let Some(id) = &mc.target {
                if s.position(id).is_none() {
                    problems.push(Problem::error(
                        file,
                        Place::File,
                        Some(&mc.source),
                        format!(
                            "в сопоставлении «{}» столбец файла отнесён к неизвестному столбцу «{id}»",
                            m.name
                        ),
                    ));
                    ok = false;
                }
            }
            if !header
                .iter()
                .any(|h| normalise_header(h) == normalise_header(&mc.source))
            {
                problems.push(Problem::warning(
                    file,
                    Place::File,
                    Some(&mc.source),
                    format!("в файле нет столбца из сопоставления «{}»", m.name),
                ));
            }
        }
    }
    for (pos, cell) in header.iter().enumerate() {
        let name = cell.trim();
        if name.is_empty() {
            targets.push(None);
            continue;
        }
        let target = match mapping.and_then(|m| m.find(name)) {
            Some(mc) => match &mc.target {
                None => {
                    targets.push(None);
                    continue;
                }
                Some(id) => s.position(id).map(|column| Target {
                    column,
                    fraction: mc.fraction && s.columns[column].kind == Kind::Share,
                }),
            },
            None => resolve_header(name).map(|column| Target {
                column,
                fraction: false,
            }),
        };
        match target {
            Some(t) => {
                if let Some(first) = seen.insert(t.column, pos) {
                    problems.push(Problem::error(
                        file,
                        at(pos),
                        Some(&s.columns[t.column].id),
                        format!(
                            "столбец повторяется в заголовке (позиции {} и {})",
                            first + 1,
                            pos + 1
                        ),
                    ));
                    ok = false;
                }
                targets.push(Some(t));
            }
            None => {
                if mapping.is_none_or(|m| m.find(name).is_none()) {
                    problems.push(Problem::warning(
                        file,
                        at(pos),
                        Some(name),
                        "неизвестный столбец — он не будет использован",
                    ));
                }
                targets.push(None);
            }
        }
    }
    for (i, c) in s.columns.iter().enumerate() {
        if c.required && !seen.contains_key(&i) {
            problems.push(Problem::error(
                file,
                at(0),
                Some(&c.id),
                format!("нет обязательного столбца «{}» ({})", c.id, c.label),
            ));
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    note_absent_columns(file, |col| seen.contains_key(&col), problems);
    Some(ColumnPlan { targets })
}

/// A cell of a record as [`read_record`] takes it: a CSV field as it is, or a workbook's cell.
pub(super) trait RecordCell {
    fn cell(&self) -> Cell<'_>;
    fn is_blank(&self) -> bool;
}

impl RecordCell for Cow<'_, str> {
    fn cell(&self) -> Cell<'_> {
        Cell::Text(self)
    }
    fn is_blank(&self) -> bool {
        self.trim().is_empty()
    }
}

impl RecordCell for Cell<'_> {
    fn cell(&self) -> Cell<'_> {
        self.clone()
    }
    fn is_blank(&self) -> bool {
        Cell::is_blank(self)
    }
}

/// Reads one record of a table by the plan: a blank record is skipped; a record with more
/// filled cells than the header has columns is an error. `at(position)` is where a cell is
/// (`None`: the record as a whole).
pub(super) fn read_record<C: RecordCell>(
    file: &str,
    plan: &ColumnPlan,
    cells: &[C],
    at: &dyn Fn(Option<usize>) -> Place,
    out: &mut Parsed,
) {
    if cells.iter().all(RecordCell::is_blank) {
        return;
    }
    let width = plan.targets.len();
    if cells.len() > width && cells[width..].iter().any(|c| !c.is_blank()) {
        out.problems.push(Problem::error(
            file,
            at(None),
            None,
            format!(
                "в строке {} ячеек, а в заголовке {}: проверьте разделитель и кавычки",
                cells.len(),
                width
            ),
        ));
        return;
    }
    let fields = plan.targets.iter().enumerate().filter_map(|(pos, target)| {
        target.map(|t| Field {
            column: t.column,
            position: Some(pos),
            fraction: t.fraction,
            cell: cells.get(pos).map_or(Cell::Text(""), RecordCell::cell),
        })
    });
    if let Some(row) = build_row(file, at, fields, &mut out.problems) {
        out.rows.push(row);
        out.places.push(at(None));
    }
}

/// Says which data columns a file does not have (they count as empty in every row).
pub(super) fn note_absent_columns(
    file: &str,
    present: impl Fn(usize) -> bool,
    problems: &mut Vec<Problem>,
) {
    let s = schema();
    let mut whole_groups = Vec::new();
    let mut single = Vec::new();
    for g in &s.groups {
        let cols: Vec<(usize, &str)> = s
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.group == g.id && !c.required)
            .map(|(i, c)| (i, c.label.as_str()))
            .collect();
        if cols.is_empty() {
            continue;
        }
        let absent: Vec<&str> = cols
            .iter()
            .filter(|(i, _)| !present(*i))
            .map(|(_, id)| *id)
            .collect();
        if absent.len() == cols.len() {
            whole_groups.push(g.label.as_str());
        } else {
            single.extend(absent);
        }
    }
    if whole_groups.is_empty() && single.is_empty() {
        return;
    }
    let mut parts = Vec::new();
    if !whole_groups.is_empty() {
        parts.push(format!("нет данных: {}", whole_groups.join(", ")));
    }
    if !single.is_empty() {
        let named: Vec<String> = single.iter().map(|l| format!("«{l}»")).collect();
        parts.push(format!("нет столбцов: {}", named.join(", ")));
    }
    problems.push(Problem::note(
        file,
        Place::File,
        None,
        format!(
            "{}; эти показатели считаются пустыми во всех строках",
            parts.join("; ")
        ),
    ));
}
