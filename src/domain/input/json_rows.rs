//! JSON files read into rows: an array of objects with the contract's keys, each object
//! checked like a CSV record, every problem at its record and key.

use super::cells::{build_row, Cell, Field};
use super::columns::note_absent_columns;
use super::{decode, Parsed};
use crate::domain::contract::problem::{Place, Problem};
use crate::domain::contract::row::Row;
use crate::domain::contract::schema::schema;
use std::collections::BTreeMap;

pub fn parse_json(file: &str, bytes: &[u8]) -> Parsed {
    let mut out = Parsed {
        file: file.to_string(),
        ..Parsed::default()
    };
    let Some(text) = decode(file, bytes, &mut out.problems) else {
        return out;
    };
    // The strict reader: a repeated key in an object is refused (which value was meant?),
    // as in bundles.
    let value = match crate::domain::common::canonical::parse_json(text) {
        Ok(v) => v,
        Err(e) => {
            out.problems
                .push(Problem::error(file, Place::File, None, e.to_string()));
            return out;
        }
    };
    let Some(items) = value.as_array() else {
        out.problems.push(Problem::error(
            file,
            Place::File,
            None,
            "ожидался массив объектов (по одному на школу и год)",
        ));
        return out;
    };
    let rows = rows_from_json_array(file, items, |i| Place::Record(i + 1), &mut out.problems);
    for (place, row) in rows {
        out.places.push(place);
        out.rows.push(row);
    }
    out
}

/// Validates an array of row objects (used by JSON files and by bundle payloads).
/// `place` gives the location of element `i`. Unknown keys are reported once per key.
pub fn rows_from_json_array(
    file: &str,
    items: &[serde_json::Value],
    place: impl Fn(usize) -> Place,
    problems: &mut Vec<Problem>,
) -> Vec<(Place, Row)> {
    let s = schema();
    let mut present = vec![false; s.columns.len()];
    let mut unknown: BTreeMap<String, usize> = BTreeMap::new();
    let mut rows = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        if let Some(obj) = item.as_object() {
            for k in obj.keys() {
                match s.columns.iter().position(|c| c.id == *k) {
                    Some(c) => present[c] = true,
                    None => {
                        unknown.entry(k.clone()).or_insert(i);
                    }
                }
            }
        }
        if let Some(row) = row_from_json(item, file, place(i), problems) {
            rows.push((place(i), row));
        }
    }
    for (k, first) in unknown {
        problems.push(Problem::warning(
            file,
            place(first),
            Some(&k),
            "неизвестное поле — оно не будет использовано",
        ));
    }
    if !items.is_empty() {
        note_absent_columns(file, |c| present[c], problems);
    }
    rows
}

/// Validates one JSON object as a row. Problems go to `problems`; `None` if the row has errors.
pub fn row_from_json(
    value: &serde_json::Value,
    file: &str,
    place: Place,
    problems: &mut Vec<Problem>,
) -> Option<Row> {
    let Some(obj) = value.as_object() else {
        problems.push(Problem::error(
            file,
            place,
            None,
            "ожидался объект с полями строки",
        ));
        return None;
    };
    let s = schema();
    let mut fields: Vec<Field> = Vec::with_capacity(obj.len());
    for (i, c) in s.columns.iter().enumerate() {
        let cell = match obj.get(&c.id) {
            Some(v) => Cell::Json(v),
            None if c.required => Cell::Text(""),
            None => continue,
        };
        fields.push(Field {
            column: i,
            position: None,
            fraction: false,
            cell,
        });
    }
    build_row(file, &|_| place.clone(), fields, problems)
}
