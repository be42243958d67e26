//! What a school lacks to be placed: per placed year (no index, filled columns not used) and,
//! without a reference, the method's empty columns per year.

use super::words::labels;
use super::{column_label, Missing, MissingKind};
use crate::domain::contract::row::Row;
use crate::domain::contract::schema::schema;
use crate::domain::method::identify::eligibility::pool_or_exclusion;
use crate::domain::method::identify::indices::Scale;
use crate::domain::method::identify::method::{method, Component, Rule, Variant};
use crate::domain::method::identify::Params;
use crate::domain::method::reference::ReferencePool;

/// The per-year missing items of a placed year: no index, and filled columns not used.
pub(super) fn year_missing(
    year: i32,
    raw: &[f64],
    results: (&[Component], &[Vec<Scale>], Option<f64>),
    social: (&[Component], &[Vec<Scale>], Option<f64>),
    py: &ReferencePool,
    missing: &mut Vec<Missing>,
) {
    let filled = |var: &Variant| raw.get(var.index).is_some_and(|v| !v.is_nan());
    let empty_of = |table: &[Component]| -> Vec<String> {
        let mut cols: Vec<&Variant> = table
            .iter()
            .flat_map(|c| &c.variants)
            .filter(|v| !filled(v))
            .collect();
        cols.sort_by_key(|v| v.index);
        cols.into_iter().map(|v| v.column.clone()).collect()
    };
    for (table, index, kind, what, none) in [
        (
            results.0,
            results.2,
            MissingKind::NoResults,
            "индекс образовательных результатов",
            "ни один показатель образовательных результатов",
        ),
        (
            social.0,
            social.2,
            MissingKind::NoSocial,
            "индекс социальных условий",
            "ни один социальный показатель",
        ),
    ] {
        if index.is_some() {
            continue;
        }
        let columns = empty_of(table);
        let any_filled = table.iter().flat_map(|c| &c.variants).any(filled);
        let why = match (any_filled, columns.is_empty()) {
            (false, _) => format!("не заполнен {none}: {}", labels(&columns)),
            (true, true) => {
                "заполненные показатели не участвуют в расчёте по эталону (см. ниже)".into()
            }
            (true, false) => format!(
                "заполненные показатели не участвуют в расчёте по эталону (см. ниже); не заполнены: {}",
                labels(&columns)
            ),
        };
        missing.push(Missing {
            year,
            kind,
            columns,
            message: format!("За {year} год {what} не рассчитан: {why}."),
        });
    }
    let mut unused: Vec<(usize, String, &'static str)> = Vec::new();
    for (table, scales) in [(results.0, results.1), (social.0, social.1)] {
        for (comp, scales) in table.iter().zip(scales) {
            for (var, scale) in comp.variants.iter().zip(scales) {
                if !filled(var) || *scale != Scale::Unused {
                    continue;
                }
                let why = match comp.rule {
                    Rule::Minmax => match py.columns.get(&var.column) {
                        None => "в эталоне нет значений этого показателя в группе",
                        Some((lo, hi)) if lo == hi => "у всех школ группы одно и то же значение",
                        Some(_) => "диапазон в эталоне непригоден",
                    },
                    Rule::Gap => {
                        if py.regional_means.contains_key(&var.column) {
                            "в параметрах эталона нет порога"
                        } else {
                            "в эталоне нет регионального среднего за этот год"
                        }
                    }
                };
                unused.push((var.index, var.column.clone(), why));
            }
        }
    }
    if !unused.is_empty() {
        unused.sort_by_key(|u| u.0);
        let text: Vec<String> = unused
            .iter()
            .map(|(_, c, why)| format!("«{}» — {why}", column_label(c)))
            .collect();
        missing.push(Missing {
            year,
            kind: MissingKind::NotUsed,
            columns: unused.into_iter().map(|u| u.1).collect(),
            message: format!(
                "За {year} год заполненные показатели не участвуют в расчёте: {}.",
                text.join("; ")
            ),
        });
    }
}

/// Without a reference: for each row (year), the columns of the method that are empty — the
/// results columns, the participant counts that weight the regional means, the social
/// columns — so that the school sees what to fill in before it is placed. Nothing for a
/// school whose type the parameters leave out of the method (see [`place`]).
pub fn missing_without_reference(rows: &[Row], params: &Params) -> Vec<Missing> {
    let m = method();
    let mut used: Vec<usize> = m
        .results
        .iter()
        .chain(&m.social)
        .flat_map(|c| &c.variants)
        .flat_map(|v| std::iter::once(v.index).chain(v.weight))
        .collect();
    used.sort_unstable();
    used.dedup();
    let s = schema();
    let mut sorted: Vec<&Row> = rows.iter().collect();
    sorted.sort_by_key(|r| r.year);
    sorted
        .into_iter()
        .filter(|r| pool_or_exclusion(r.school_type, params).1.is_none())
        .filter_map(|r| {
            let columns: Vec<String> = used
                .iter()
                .filter(|&&i| r.values.get(i).is_none())
                .map(|&i| s.data_column(i).id.clone())
                .collect();
            (!columns.is_empty()).then(|| Missing {
                year: r.year,
                kind: MissingKind::Empty,
                message: format!(
                    "За {} год не заполнены показатели методики: {}.",
                    r.year,
                    labels(&columns)
                ),
                columns,
            })
        })
        .collect()
}
