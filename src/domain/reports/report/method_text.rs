//! The method in words: the paragraph that states a run's method with its parameters, as the
//! report and the run page print it, and the statement of the parameters that differ from the
//! seed's.

use super::{column_label, last_years, num, plural, points, school_type_list, YEARS};
use crate::domain::common::time::years_span;
use crate::domain::contract::row::SchoolType;
use crate::domain::method::identify::method::{method, Rule};
use crate::domain::method::identify::params::parameter_texts;
use crate::domain::method::identify::{Params, SocialRule};
use std::collections::BTreeMap;

/// The method in one Russian paragraph, with the run's parameters: the window, the pools
/// (and whether basic and evening schools share one), the excluded types, the band share,
/// the three-year rules, the ШНСУ rule, the gap thresholds per column, the regional means,
/// how many weakest components and partners are named. `years` is the run's window; when it
/// is empty the window is described by its length.
pub fn method_paragraph(params: &Params, years: &[i32]) -> String {
    let n = if years.is_empty() {
        params.window_len()
    } else {
        years.len()
    };
    let share = num(params.band_share * 100.0, 1);
    let mut out = Vec::new();

    let window = if years.is_empty() {
        format!("за {n} последних {} данных", plural(n, YEARS))
    } else {
        format!("за {n} {} ({})", plural(n, YEARS), years_span(years))
    };
    let pools = if params.pools.is_empty() {
        "группы школ не заданы".to_string()
    } else {
        params
            .pools
            .iter()
            .map(|p| format!("«{}» ({})", p.label, school_type_list(&p.types)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push(format!(
        "Идентификация проведена по «Методике проведения идентификации общеобразовательных \
         организаций» по данным {window}: расчёты выполнены отдельно за каждый год и отдельно \
         по группам школ — {pools}."
    ));
    out.push(
        match (
            params.pool_of(SchoolType::Basic),
            params.pool_of(SchoolType::Evening),
        ) {
            (Some(a), Some(b)) if a == b => format!(
                "Основные и вечерние (сменные) школы объединены в одну группу «{}» и \
                 ранжируются вместе.",
                params.pools.get(a).map_or("", |p| p.label.as_str())
            ),
            (Some(_), Some(_)) => {
                "Основные и вечерние (сменные) школы ранжируются раздельно.".to_string()
            }
            _ => "Основные и вечерние (сменные) школы в одну группу не объединены.".to_string(),
        },
    );
    if params.excluded_types.is_empty() {
        out.push("Ни один тип школ не исключён из идентификации.".to_string());
    } else {
        out.push(format!(
            "Из идентификации исключены школы следующих типов: {}.",
            school_type_list(&params.excluded_types)
        ));
    }
    let outside: Vec<SchoolType> = SchoolType::ALL
        .into_iter()
        .filter(|t| !params.excluded_types.contains(t) && params.pool_of(*t).is_none())
        .collect();
    if !outside.is_empty() {
        out.push(format!(
            "Типы школ, не вошедшие ни в одну группу, в идентификации не участвуют: {}.",
            school_type_list(&outside)
        ));
    }
    out.push(format!(
        "За каждый год в каждой группе школы ранжируются по индексу образовательных \
         результатов (многомерная средняя нормированных показателей) и выделяются {share} % \
         школ с самыми низкими и {share} % школ с самыми высокими значениями индекса."
    ));
    out.push(format!(
        "В список ШНРО попадают школы, вошедшие в {share} % с самыми низкими значениями за все \
         {n} {} окна; в список школ «группы риска» — вошедшие в эти {share} % {} (кроме ШНРО); в \
         список школ со стабильно высокими образовательными результатами — вошедшие в {share} % \
         с самыми высокими значениями за все {n} {}.",
        plural(n, YEARS),
        last_years(params.risk_years),
        plural(n, YEARS),
    ));
    let k = params.social_min_years;
    let social = match params.social_rule {
        SocialRule::AtLeast => format!(
            "не менее чем за {k} {} из {n} (прочтение приложения к методике: «за 2 или 3 года»)",
            plural(k, YEARS)
        ),
        SocialRule::LastOrAll => format!(
            "{} или за все {n} {} (прочтение раздела «Подходы к идентификации»: «за 2 \
             последних года или за все 3 года»)",
            last_years(k),
            plural(n, YEARS)
        ),
    };
    out.push(format!(
        "ШНСУ — школы, вошедшие в {share} % с самыми высокими значениями индекса социальных \
         условий {social}; так же по {share} % с самыми низкими значениями определяются школы, \
         функционирующие в благоприятных социальных условиях."
    ));

    // Gap thresholds, in the order of the method table, then any other configured column.
    let gap_columns: Vec<&str> = method()
        .results
        .iter()
        .filter(|c| c.rule == Rule::Gap)
        .flat_map(|c| c.variants.iter().map(|v| v.column.as_str()))
        .collect();
    let mut gaps: Vec<String> = gap_columns
        .iter()
        .map(|col| match params.gap_thresholds.get(*col) {
            Some(t) => format!("{} — {}", column_label(col), points(*t)),
            None => format!(
                "{} — порог не задан, показатель не используется",
                column_label(col)
            ),
        })
        .collect();
    gaps.extend(
        params
            .gap_thresholds
            .iter()
            .filter(|(col, _)| !gap_columns.contains(&col.as_str()))
            .map(|(col, t)| format!("{} — {}", column_label(col), points(*t))),
    );
    out.push(format!(
        "Показатели расхождения среднего балла школы со средним баллом по региону принимают \
         значение «1» (отставание), если средний балл школы ниже регионального более чем на: \
         {}.",
        gaps.join("; ")
    ));
    if params.regional_means.is_empty() {
        out.push(format!(
            "Официальные региональные средние баллы не заданы: используются средние по данным \
             школ, {}.",
            params.mean_weighting.reading()
        ));
    } else {
        let given: usize = params.regional_means.values().map(BTreeMap::len).sum();
        let years: Vec<&str> = params.regional_means.keys().map(String::as_str).collect();
        out.push(format!(
            "Официальные региональные средние баллы заданы за {} ({given} {}); для остальных \
             лет и предметов используются средние по данным школ, {}.",
            years.join(", "),
            plural(given, ["значение", "значения", "значений"]),
            params.mean_weighting.reading()
        ));
    }
    out.push(format!(
        "Для каждой школы и года называются до {} {}, сильнее всего снизивших индекс; \
         для ШНРО и школ «группы риска» подбирается до {} {} из той же группы школ.",
        params.weakest_max,
        plural(
            params.weakest_max,
            ["показателя", "показателей", "показателей"]
        ),
        params.partners_max,
        plural(
            params.partners_max,
            ["школы-партнёра", "школ-партнёров", "школ-партнёров"]
        )
    ));
    out.join(" ")
}

/// What the title block says of the run's parameters: that they are the method's
/// (`Params::default()`), or which differ, by the run panel's labels; their values are in
/// the method section ([`method_paragraph`] describes the run with its own parameters).
pub fn parameters_statement(params: &Params) -> String {
    let seed = Params::default();
    if *params == seed {
        return "как в методике (значения по умолчанию)".to_string();
    }
    let (mine, theirs) = (
        serde_json::to_value(params).unwrap_or_default(),
        serde_json::to_value(&seed).unwrap_or_default(),
    );
    let labels: Vec<String> = parameter_texts()
        .iter()
        .filter(|t| mine.get(&t.id) != theirs.get(&t.id))
        .map(|t| format!("«{}»", t.label))
        .collect();
    let values = "значения этого расчёта — в разделе «Методика идентификации»";
    if labels.is_empty() {
        format!("отличаются от методики ({values})")
    } else {
        format!("отличаются от методики: {} ({values})", labels.join("; "))
    }
}
