//! The seed's indicator tables (results: table 1, 11 indicators; social: 11 shares), loaded
//! from `src/data/components.json`, with column ids resolved to data indices.

use crate::domain::contract::row::SchoolType;
use crate::domain::contract::schema::schema;
use crate::domain::method::stats::Direction;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Min–max normalisation over the pool-year (formulas 1–3).
    Minmax,
    /// 0/1 flag against the regional mean (the seed's «второй способ»).
    Gap,
}

#[derive(Debug, Clone)]
pub struct Variant {
    pub column: String,
    /// Data index of `column`.
    pub index: usize,
    /// Data index of the participant count used to weight the regional mean (gap only).
    pub weight: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Component {
    pub id: String,
    pub number: u32,
    pub label: String,
    /// A few words for lists on the screen («ВПР: мало «5»»): how the component lowered a
    /// school's index; the seed's wording is `label`. The label where the table gives none.
    pub short: String,
    pub rule: Rule,
    pub direction: Direction,
    pub variants: Vec<Variant>,
}

#[derive(Debug)]
pub struct Method {
    pub results: Vec<Component>,
    pub social: Vec<Component>,
    /// The data groups (ids of `columns.json`) the method expects of each school type it
    /// identifies by default; a type not listed is excluded and expects nothing.
    pub expected_groups: BTreeMap<SchoolType, Vec<String>>,
}

#[derive(Deserialize)]
struct RawVariant {
    column: String,
    weight: Option<String>,
}

#[derive(Deserialize)]
struct RawComponent {
    id: String,
    number: u32,
    label: String,
    short: Option<String>,
    method: Rule,
    direction: Option<Direction>,
    variants: Vec<RawVariant>,
}

#[derive(Deserialize)]
struct RawMethod {
    results: Vec<RawComponent>,
    social: Vec<RawComponent>,
    /// By school type id, and a `note`.
    expected_groups: BTreeMap<String, serde_json::Value>,
}

fn resolve(raw: Vec<RawComponent>) -> Vec<Component> {
    let s = schema();
    let index = |c: &str| {
        s.data_index(c)
            .unwrap_or_else(|| panic!("components.json: unknown column {c}"))
    };
    raw.into_iter()
        .map(|c| Component {
            variants: c
                .variants
                .into_iter()
                .map(|v| Variant {
                    index: index(&v.column),
                    weight: v.weight.as_deref().map(index),
                    column: v.column,
                })
                .collect(),
            id: c.id,
            number: c.number,
            short: c.short.unwrap_or_else(|| c.label.clone()),
            label: c.label,
            rule: c.method,
            direction: c.direction.unwrap_or(Direction::Direct),
        })
        .collect()
}

/// The embedded method tables (checked by the tests below; a broken table is a build defect).
pub fn method() -> &'static Method {
    static METHOD: OnceLock<Method> = OnceLock::new();
    METHOD.get_or_init(|| {
        let raw: RawMethod = serde_json::from_str(include_str!("../../../data/components.json"))
            .expect("components.json is valid");
        let expected_groups = raw
            .expected_groups
            .into_iter()
            .filter(|(k, _)| k != "note")
            .map(|(k, v)| {
                let t = SchoolType::ALL
                    .into_iter()
                    .find(|t| t.id() == k)
                    .unwrap_or_else(|| panic!("components.json: unknown school type {k}"));
                let groups: Vec<String> = serde_json::from_value(v)
                    .expect("components.json: expected_groups lists group ids");
                (t, groups)
            })
            .collect();
        Method {
            results: resolve(raw.results),
            social: resolve(raw.social),
            expected_groups,
        }
    })
}

impl Method {
    /// The data groups the method expects of a school of type `t`; `None` for a type it
    /// excludes by default (nothing is expected of it).
    pub fn expected_groups(&self, t: SchoolType) -> Option<&[String]> {
        self.expected_groups.get(&t).map(Vec::as_slice)
    }

    /// The columns the method's components read (results, then social), each once.
    pub fn columns(&self) -> Vec<&Variant> {
        let mut seen = std::collections::HashSet::new();
        self.results
            .iter()
            .chain(&self.social)
            .flat_map(|c| &c.variants)
            .filter(|v| seen.insert(v.index))
            .collect()
    }

    /// A results component by id.
    pub fn result_component(&self, id: &str) -> Option<&Component> {
        self.results.iter().find(|c| c.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_match_the_seed() {
        let m = method();
        assert_eq!(m.results.len(), 11);
        assert!(m.results.len() <= crate::domain::method::identify::output::MAX_COMPONENTS);
        assert_eq!(m.social.len(), 11);
        let numbers: Vec<u32> = m.results.iter().map(|c| c.number).collect();
        assert_eq!(numbers, (1..=11).collect::<Vec<_>>());
        // Seed: direct 3, 6, 8; inverse 1, 2, 4, 5, 7; 9–11 are gap flags.
        for c in &m.results {
            let expected = match c.number {
                3 | 6 | 8 => (Rule::Minmax, Direction::Direct),
                1 | 2 | 4 | 5 | 7 => (Rule::Minmax, Direction::Inverse),
                _ => (Rule::Gap, Direction::Direct),
            };
            assert_eq!((c.rule, c.direction), expected, "component {}", c.number);
            if c.rule == Rule::Gap {
                assert!(
                    c.variants.iter().all(|v| v.weight.is_some()),
                    "gap {} needs weights",
                    c.id
                );
            }
        }
        assert!(m
            .social
            .iter()
            .all(|c| c.rule == Rule::Minmax && c.direction == Direction::Direct));
        // Every share column of the social group is used exactly once.
        let social_cols: Vec<&str> = m
            .social
            .iter()
            .flat_map(|c| c.variants.iter().map(|v| v.column.as_str()))
            .collect();
        let expected: Vec<&str> = schema()
            .data_columns()
            .filter(|c| {
                c.group == "social" && c.kind == crate::domain::contract::schema::Kind::Share
            })
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(social_cols, expected);
    }
}
