//! The positional form of a row that the browser's database stores: the identity fields, then
//! every data column by index; read back with the readers' checks.

use super::cells::check_range;
use crate::domain::contract::row::{Row, SchoolType, Values};
use crate::domain::contract::schema::schema;

/// A row from its parts in contract order — the identity fields, then every data column by
/// data index (`None` = empty) — validated as the readers validate (the browser's database
/// stores rows this way). The error names the column, in Russian.
pub fn row_from_parts(
    school_id: String,
    school_name: String,
    municipality: String,
    school_type: &str,
    year: i64,
    values: &[Option<f64>],
) -> Result<Row, String> {
    let s = schema();
    for (id, text) in [
        ("school_id", &school_id),
        ("school_name", &school_name),
        ("municipality", &municipality),
    ] {
        if text.trim().is_empty() {
            return Err(format!("«{id}»: обязательное поле не заполнено"));
        }
    }
    // Named by its key, as the identity fields above: this is a stored record.
    let key = "school_type";
    let school_type = SchoolType::parse(school_type)
        .ok_or_else(|| format!("«{key}»: неизвестный тип школы «{school_type}»"))?;
    if !(1990..=2100).contains(&year) {
        return Err(format!(
            "«year»: год должен быть целым числом от 1990 до 2100, получено «{year}»"
        ));
    }
    if values.len() > s.data_len() {
        return Err(format!(
            "в строке {} значений, а столбцов данных {}",
            values.len(),
            s.data_len()
        ));
    }
    let mut out = Values::empty();
    for (i, v) in values.iter().enumerate() {
        if let Some(v) = *v {
            let c = s.data_column(i);
            check_range(c.kind, v).map_err(|m| format!("«{}»: {m}, получено «{v}»", c.id))?;
            out.set(i, Some(v));
        }
    }
    Ok(Row {
        school_id,
        school_name,
        municipality,
        school_type,
        year: year as i32,
        values: out,
    })
}

/// The parts of a row in contract order, trailing empty columns left out (see
/// [`row_from_parts`]).
pub fn row_parts(row: &Row) -> Vec<Option<f64>> {
    let mut v: Vec<Option<f64>> = (0..row.values.len()).map(|i| row.values.get(i)).collect();
    while v.last() == Some(&None) {
        v.pop();
    }
    v
}
