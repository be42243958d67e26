//! `Row`'s `Deserialize`: the JSON import's checks, key by key without an intermediate map.

use super::cells::{build_row, Cell, Field};
use crate::domain::contract::problem::Place;
use crate::domain::contract::row::Row;
use crate::domain::contract::schema::schema;
use serde::Deserialize;
use std::borrow::Cow;

/// Deserialising validates exactly like the JSON import; problems become one error message.
/// The object is read key by key (no intermediate map): the browser's database holds 135,000
/// rows at national scale and reads them all at start. Unknown keys are ignored, as by
/// [`row_from_json`].
impl<'de> Deserialize<'de> for Row {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RowVisitor;
        impl<'de> serde::de::Visitor<'de> for RowVisitor {
            type Value = Row;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("объект с полями строки")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Row, A::Error> {
                let s = schema();
                let mut cells: Vec<(usize, serde_json::Value)> = Vec::with_capacity(24);
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    match s.position(&key) {
                        Some(c) => cells.push((c, map.next_value()?)),
                        None => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                cells.sort_by_key(|(c, _)| *c);
                let field = |column: usize, cell| Field {
                    column,
                    position: None,
                    fraction: false,
                    cell,
                };
                let mut fields: Vec<Field> = Vec::with_capacity(cells.len() + 5);
                for (i, c) in s.columns.iter().enumerate() {
                    if c.required && !cells.iter().any(|(k, _)| *k == i) {
                        fields.push(field(i, Cell::Text("")));
                    }
                }
                fields.extend(cells.iter().map(|(c, v)| field(*c, Cell::Json(v))));
                fields.sort_by_key(|f| f.column);
                let mut problems = Vec::new();
                let row = build_row("", &|_| Place::Record(1), fields, &mut problems);
                let errors: Vec<String> = problems
                    .iter()
                    .filter(|p| p.is_error())
                    .map(|p| match &p.column {
                        Some(c) => format!("«{c}»: {}", p.reason()),
                        None => p.reason(),
                    })
                    .collect();
                match row {
                    Some(row) if errors.is_empty() => Ok(row),
                    _ => Err(serde::de::Error::custom(errors.join("; "))),
                }
            }
        }
        deserializer.deserialize_map(RowVisitor)
    }
}
