//! One school's data for one exam year: the row contract shared by the CLI, the app's
//! storage and the bundles.

use crate::domain::contract::schema::{schema, IDENTITY};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

// `Row` is also `Deserialize`: the impl is in `crate::domain::input`, beside the validation it
// runs, so that this module does not depend on the reader.
use std::fmt;

/// The type of a school; it decides the pool and whether the school takes part at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SchoolType {
    Secondary,
    Basic,
    Evening,
    Primary,
    Adapted,
    Penitentiary,
}

impl SchoolType {
    pub const ALL: [SchoolType; 6] = [
        SchoolType::Secondary,
        SchoolType::Basic,
        SchoolType::Evening,
        SchoolType::Primary,
        SchoolType::Adapted,
        SchoolType::Penitentiary,
    ];

    pub fn id(self) -> &'static str {
        match self {
            SchoolType::Secondary => "secondary",
            SchoolType::Basic => "basic",
            SchoolType::Evening => "evening",
            SchoolType::Primary => "primary",
            SchoolType::Adapted => "adapted",
            SchoolType::Penitentiary => "penitentiary",
        }
    }

    /// Russian label, as in the seed («средние, основные, вечерние …»).
    pub fn label(self) -> &'static str {
        match self {
            SchoolType::Secondary => "средняя",
            SchoolType::Basic => "основная",
            SchoolType::Evening => "вечерняя (сменная)",
            SchoolType::Primary => "начальная",
            SchoolType::Adapted => "реализующая адаптированные программы",
            SchoolType::Penitentiary => "при исправительном учреждении",
        }
    }

    /// Parses the contract id; Russian words are accepted too, because school tables
    /// often carry them («средняя», «СОШ», «основная», «ООШ», «вечерняя», …), and so is
    /// every [`label`](Self::label).
    pub fn parse(s: &str) -> Option<SchoolType> {
        // The forms tables write most (a national file has 135,000 rows), without lowering
        // the case first.
        let exact = s.trim();
        if let Some(t) = SchoolType::ALL
            .into_iter()
            .find(|t| t.id() == exact || t.label() == exact)
        {
            return Some(t);
        }
        let t = s.trim().to_lowercase();
        let t = t.as_str();
        Some(match t {
            "secondary" | "средняя" | "сош" | "средняя общеобразовательная школа" => {
                SchoolType::Secondary
            }
            "basic" | "основная" | "оош" | "основная общеобразовательная школа" => {
                SchoolType::Basic
            }
            "evening" | "вечерняя" | "сменная" | "вечерняя (сменная)" | "открытая (сменная)" => {
                SchoolType::Evening
            }
            "primary" | "начальная" | "нош" | "начальная общеобразовательная школа" => {
                SchoolType::Primary
            }
            "adapted" | "адаптированная" | "коррекционная" => {
                SchoolType::Adapted
            }
            "penitentiary"
            | "пенитенциарная"
            | "при исправительной колонии"
            | "при исправительном учреждении" => {
                SchoolType::Penitentiary
            }
            // Every label, as the app's tables write it (the rows export reads back).
            _ => return SchoolType::ALL.into_iter().find(|x| x.label() == t),
        })
    }
}

impl fmt::Display for SchoolType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The data columns of a row, by data index (see [`crate::domain::contract::schema::Schema::data_index`]).
/// An empty cell is `None`.
#[derive(Clone)]
pub struct Values(Box<[f64]>);

impl Values {
    /// All cells empty.
    pub fn empty() -> Values {
        Values(vec![f64::NAN; schema().data_len()].into_boxed_slice())
    }
    /// Value at a data index; `None` for an empty cell.
    #[inline]
    pub fn get(&self, i: usize) -> Option<f64> {
        let v = self.0[i];
        (!v.is_nan()).then_some(v)
    }
    /// The cells as stored, NaN for an empty cell (for tight loops in the engine).
    #[inline]
    pub fn raw(&self) -> &[f64] {
        &self.0
    }
    /// Sets a cell; `None` or a NaN empties it.
    pub fn set(&mut self, i: usize, v: Option<f64>) {
        self.0[i] = v.unwrap_or(f64::NAN);
    }
    pub fn get_by_id(&self, id: &str) -> Option<f64> {
        schema().data_index(id).and_then(|i| self.get(i))
    }
    pub fn set_by_id(&mut self, id: &str, v: Option<f64>) -> bool {
        match schema().data_index(id) {
            Some(i) => {
                self.set(i, v);
                true
            }
            None => false,
        }
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Number of filled cells.
    pub fn filled(&self) -> usize {
        self.0.iter().filter(|v| !v.is_nan()).count()
    }
}

impl PartialEq for Values {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len() && (0..self.0.len()).all(|i| self.get(i) == other.get(i))
    }
}

impl fmt::Debug for Values {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = schema();
        let mut m = f.debug_map();
        for i in 0..self.len() {
            if let Some(v) = self.get(i) {
                m.entry(&s.data_column(i).id, &v);
            }
        }
        m.finish()
    }
}

/// One school, one year.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub school_id: String,
    pub school_name: String,
    pub municipality: String,
    pub school_type: SchoolType,
    pub year: i32,
    pub values: Values,
}

impl Row {
    pub fn new(
        school_id: &str,
        school_name: &str,
        municipality: &str,
        school_type: SchoolType,
        year: i32,
    ) -> Row {
        Row {
            school_id: school_id.to_string(),
            school_name: school_name.to_string(),
            municipality: municipality.to_string(),
            school_type,
            year,
            values: Values::empty(),
        }
    }

    /// Builder used by tests and generators: sets a data column by id.
    ///
    /// # Panics
    /// If `id` is not a data column of the contract (a programming error, not input).
    pub fn with(mut self, id: &str, v: f64) -> Row {
        assert!(
            self.values.set_by_id(id, Some(v)),
            "unknown data column {id}"
        );
        self
    }

    /// The key a row is stored under: (school_id, year).
    pub fn key(&self) -> (&str, i32) {
        (&self.school_id, self.year)
    }
}

/// A row serialises as a flat object with the contract's column ids; empty cells are left out.
impl Serialize for Row {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let s = schema();
        let mut map = serializer.serialize_map(Some(IDENTITY.len() + self.values.filled()))?;
        map.serialize_entry("school_id", &self.school_id)?;
        map.serialize_entry("school_name", &self.school_name)?;
        map.serialize_entry("municipality", &self.municipality)?;
        map.serialize_entry("school_type", &self.school_type)?;
        map.serialize_entry("year", &self.year)?;
        for i in 0..self.values.len() {
            if let Some(v) = self.values.get(i) {
                let col = s.data_column(i);
                if col.kind == crate::domain::contract::schema::Kind::Count
                    && v.fract() == 0.0
                    && v.abs() < 9.0e15
                {
                    map.serialize_entry(&col.id, &(v as i64))?;
                } else {
                    map.serialize_entry(&col.id, &v)?;
                }
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn school_type_parses_ids_and_russian_words() {
        for t in SchoolType::ALL {
            assert_eq!(SchoolType::parse(t.id()), Some(t));
            assert_eq!(
                SchoolType::parse(t.label()),
                Some(t),
                "{t}: the exports' word"
            );
        }
        assert_eq!(
            SchoolType::parse("Реализующая адаптированные программы"),
            Some(SchoolType::Adapted)
        );
        assert_eq!(SchoolType::parse(" СОШ "), Some(SchoolType::Secondary));
        assert_eq!(SchoolType::parse("Основная"), Some(SchoolType::Basic));
        assert_eq!(SchoolType::parse("гимназия"), None);
    }

    #[test]
    fn values_treat_nan_as_empty_and_compare_by_content() {
        let mut a = Values::empty();
        let b = Values::empty();
        assert_eq!(a, b);
        assert_eq!(a.get(0), None);
        a.set(0, Some(3.0));
        assert_ne!(a, b);
        assert_eq!(a.get(0), Some(3.0));
        assert_eq!(a.filled(), 1);
        a.set(0, Some(f64::NAN));
        assert_eq!(a.get(0), None);
    }

    #[test]
    fn json_round_trip_is_identity() {
        let row = Row::new("s1", "Школа №1", "Город", SchoolType::Basic, 2021)
            .with("oge_participants", 25.0)
            .with("oge_rus_mean", 3.75);
        let json = serde_json::to_string(&row).unwrap();
        assert_eq!(
            json,
            r#"{"school_id":"s1","school_name":"Школа №1","municipality":"Город","school_type":"basic","year":2021,"oge_participants":25,"oge_rus_mean":3.75}"#
        );
        let back: Row = serde_json::from_str(&json).unwrap();
        assert_eq!(back, row);
    }

    #[test]
    fn deserialising_a_bad_row_names_the_field() {
        let err = serde_json::from_str::<Row>(
            r#"{"school_id":"s1","school_name":"x","municipality":"m","school_type":"basic","year":2021,"oge_rus_mean":7}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("«oge_rus_mean»"), "{err}");
        assert!(err.contains("от 2 до 5"), "{err}");
    }
}
