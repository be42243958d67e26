//! The row contract as data: which columns a row has, their kinds and Russian labels.
//!
//! The table itself lives in `src/data/columns.json`; this module loads it once and gives
//! typed access. Identity columns (`school_id` … `year`) are fields of [`crate::domain::contract::row::Row`];
//! every other column is a *data column* stored by position in [`Schema::data_columns`].

use serde::Deserialize;
use std::sync::OnceLock;

/// How a column's cells are read and validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Text,
    SchoolType,
    Year,
    /// Non-negative integer.
    Count,
    /// Percentage, 0–100.
    Share,
    /// Mean score on the 100-point ЕГЭ scale, 0–100.
    Score100,
    /// Mean mark on the 5-point scale, 2–5.
    Score5,
}

impl Kind {
    /// Allowed closed range for numeric kinds.
    pub fn range(self) -> Option<(f64, f64)> {
        match self {
            Kind::Share | Kind::Score100 => Some((0.0, 100.0)),
            Kind::Score5 => Some((2.0, 5.0)),
            Kind::Count => Some((0.0, f64::MAX)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Column {
    pub id: String,
    pub group: String,
    pub kind: Kind,
    #[serde(default)]
    pub required: bool,
    pub label: String,
    /// The column's name in plain English (matched by the mapping step against the headers
    /// of foreign data sets).
    pub label_en: String,
    /// Other headers this column goes by in Russian forms («Код ОО», «МО», «Учебный год»):
    /// suggestions of the mapping step, never read as headers without it.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The seed's wording of the indicator and its meaning (the method's tables), shown as
    /// help on data entry; empty for columns the tables do not name.
    #[serde(default)]
    pub help: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Group {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Deserialize)]
struct SchemaFile {
    groups: Vec<Group>,
    columns: Vec<Column>,
}

/// The loaded column table.
#[derive(Debug)]
pub struct Schema {
    pub groups: Vec<Group>,
    /// All columns in contract order (identity first).
    pub columns: Vec<Column>,
    /// Positions in `columns` of the data columns, in order; a data column's index in
    /// [`crate::domain::contract::row::Values`] is its position in this list.
    data: Vec<usize>,
    /// For each column (by position in `columns`), its data index.
    data_of: Vec<Option<usize>>,
    /// Position in `columns` of each column id (looked up for every cell of every stored
    /// row, so with a cheap hash: the keys are this table's own ids).
    by_id: std::collections::HashMap<String, usize, std::hash::BuildHasherDefault<Fnv>>,
}

/// Identity column ids, in contract order.
pub const IDENTITY: [&str; 5] = [
    "school_id",
    "school_name",
    "municipality",
    "school_type",
    "year",
];

impl Schema {
    fn load() -> Schema {
        // The table is embedded and checked by the tests below; a broken table is a build defect.
        let file: SchemaFile = serde_json::from_str(include_str!("../../data/columns.json"))
            .expect("src/data/columns.json is valid");
        let data: Vec<usize> = file
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| !IDENTITY.contains(&c.id.as_str()))
            .map(|(i, _)| i)
            .collect();
        let mut data_of = vec![None; file.columns.len()];
        for (d, &c) in data.iter().enumerate() {
            data_of[c] = Some(d);
        }
        let by_id = file
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect();
        Schema {
            groups: file.groups,
            columns: file.columns,
            data,
            data_of,
            by_id,
        }
    }

    /// Number of data (non-identity) columns.
    pub fn data_len(&self) -> usize {
        self.data.len()
    }

    /// The data column at data index `i`.
    pub fn data_column(&self, i: usize) -> &Column {
        &self.columns[self.data[i]]
    }

    pub fn data_columns(&self) -> impl Iterator<Item = &Column> + '_ {
        self.data.iter().map(|&i| &self.columns[i])
    }

    /// Data index of a data column id.
    pub fn data_index(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).and_then(|&c| self.data_of[c])
    }

    /// Data index of the column at position `column` in [`Schema::columns`].
    pub fn data_index_of_column(&self, column: usize) -> Option<usize> {
        self.data_of.get(column).copied().flatten()
    }

    /// Position in [`Schema::columns`] of a column id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    pub fn column(&self, id: &str) -> Option<&Column> {
        self.position(id).map(|i| &self.columns[i])
    }

    pub fn group_label<'a>(&'a self, id: &'a str) -> &'a str {
        self.groups
            .iter()
            .find(|g| g.id == id)
            .map(|g| g.label.as_str())
            .unwrap_or(id)
    }

    /// Column ids in contract order, as a CSV header.
    pub fn ids(&self) -> impl Iterator<Item = &str> + '_ {
        self.columns.iter().map(|c| c.id.as_str())
    }
}

/// FNV-1a, for short trusted keys.
#[derive(Default)]
pub struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// The embedded schema.
pub fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(Schema::load)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_consistent() {
        let s = schema();
        // 5 identity + 9 ЕГЭ + 8 ОГЭ + 7 ВПР + 12 social columns.
        assert_eq!(s.columns.len(), 41);
        assert_eq!(s.data_len(), 36);
        for (i, id) in IDENTITY.iter().enumerate() {
            assert_eq!(s.columns[i].id, *id);
            assert!(s.columns[i].required, "{id} must be required");
        }
        let mut ids: Vec<_> = s.ids().collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), s.columns.len(), "column ids are unique");
        for c in &s.columns {
            assert!(
                s.groups.iter().any(|g| g.id == c.group),
                "group of {}",
                c.id
            );
            assert!(!c.label.is_empty());
            assert!(!c.label_en.is_empty(), "English label of {}", c.id);
            assert!(c.label_en.is_ascii(), "English label of {}", c.id);
            if !IDENTITY.contains(&c.id.as_str()) {
                assert!(!c.required, "data column {} must be optional", c.id);
                assert!(
                    c.kind.range().is_some(),
                    "data column {} must be numeric",
                    c.id
                );
            }
        }
        assert_eq!(s.data_index("ege_participants"), Some(0));
        assert_eq!(
            s.data_column(s.data_index("guardianship_pct").unwrap())
                .kind,
            Kind::Share
        );
        assert_eq!(s.column("ege_math_base_mean").unwrap().kind, Kind::Score5);
    }

    /// Every name a header may be matched by in the mapping step — id, Russian and English
    /// label, alias — names one column only (compared as headers are: case and spaces aside).
    #[test]
    fn names_of_columns_are_unambiguous() {
        let s = schema();
        let norm = |t: &str| {
            t.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        };
        let mut owner: std::collections::HashMap<String, &str> = Default::default();
        for c in &s.columns {
            // The English label may be the id («Municipality»); an alias is a name of its own.
            let mut own: Vec<String> = [&c.id, &c.label, &c.label_en]
                .into_iter()
                .map(|n| norm(n))
                .collect();
            for a in &c.aliases {
                assert!(
                    !own.contains(&norm(a)),
                    "alias «{a}» of {} repeats a name",
                    c.id
                );
                own.push(norm(a));
            }
            own.sort();
            own.dedup();
            for n in own {
                assert!(!n.is_empty(), "an empty name of {}", c.id);
                if let Some(other) = owner.insert(n.clone(), &c.id) {
                    panic!("«{n}» names both {other} and {}", c.id);
                }
            }
        }
        assert!(s
            .column("school_id")
            .unwrap()
            .aliases
            .iter()
            .any(|a| a == "Код ОО"));
    }
}
