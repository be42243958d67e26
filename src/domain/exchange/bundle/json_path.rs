//! JSON values read at a path: each problem a payload's reader finds is named by its JSON path
//! (`payload.rows[3].ege_rus_mean`). Used by [`super::validate`] for every payload kind.

use crate::domain::contract::problem::{serde_error_ru, Place, Problem};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// A problem of the row validators at `Place::Path(p)` about column `c` becomes one at path
/// `p.c` (`payload.rows[3]` + `ege_rus_mean` → `payload.rows[3].ege_rus_mean`).
pub(super) fn into_path(mut p: Problem) -> Problem {
    if let (Place::Path(path), Some(c)) = (&p.place, &p.column) {
        p.place = Place::Path(format!("{path}.{c}"));
    }
    p
}

/// `v` as a `T`, or `None` with the deserialiser's error at `path`.
pub(super) fn typed<T: DeserializeOwned>(
    file: &str,
    v: &Value,
    path: &str,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    match T::deserialize(v) {
        Ok(t) => Some(t),
        Err(e) => {
            problems.push(Problem::error(
                file,
                Place::Path(path.to_string()),
                None,
                serde_error_ru(&e),
            ));
            None
        }
    }
}

/// The array at `obj[key]`; missing → `None` with an error if `required`, else empty.
pub(super) fn array_at<'a>(
    file: &str,
    obj: &'a Map<String, Value>,
    key: &str,
    path: &str,
    required: bool,
    problems: &mut Vec<Problem>,
) -> Option<&'a [Value]> {
    match obj.get(key) {
        Some(Value::Array(items)) => Some(items),
        None if !required => Some(&[]),
        None => {
            problems.push(Problem::error(
                file,
                Place::Path(path.to_string()),
                None,
                format!("нет поля «{key}»"),
            ));
            None
        }
        Some(_) => {
            problems.push(Problem::error(
                file,
                Place::Path(path.to_string()),
                None,
                "ожидался массив",
            ));
            None
        }
    }
}

/// A warning for every key of `obj` that is not `known`, at `base.key`.
pub(super) fn warn_unknown_keys(
    file: &str,
    obj: &Map<String, Value>,
    known: &[&str],
    base: &str,
    problems: &mut Vec<Problem>,
) {
    for key in obj.keys() {
        if !known.contains(&key.as_str()) {
            problems.push(Problem::warning(
                file,
                Place::Path(format!("{base}.{key}")),
                None,
                "неизвестное поле — оно не будет использовано",
            ));
        }
    }
}
