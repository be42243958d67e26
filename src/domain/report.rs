//! The analytical report («аналитическая справка», seed 003: «Проведение анализа результатов
//! мониторинга состояния школ с низкими результатами обучения … — Аналитическая справка»,
//! «Направление адресных рекомендаций для школ») as data: sections of paragraphs and tables,
//! built from one identification run, for the region or for one municipality. The web page
//! renders it; [`report_text`] gives it as plain text (tests, a `.txt` export).
//!
//! - [`method_paragraph`] — the method of seed 001 («Методика проведения идентификации
//!   общеобразовательных организаций») with the run's actual parameters;
//! - [`build`] — the report: method, counts and shares, the cross-table, changes since the
//!   previous run, the lists, the distribution of the results index, the caller's sections
//!   (monitoring summary, project figures) and the recommendations;
//! - [`draft_recommendations`] — a draft of the addressed recommendations («адресные
//!   рекомендации») for the specialist to edit: the weakest components of the latest year,
//!   the gaps of the school's latest self-assessment, the social framing for ШНСУ and the
//!   suggested partner schools.
//!
//! Nothing here panics on any input: a run without schools or years, an unknown
//! municipality, missing years of a school all give a report that says so.

use super::analysis::{self, Category, CrossTable};
use super::identify::method::{method, Rule};
use super::identify::{
    Counts, Identification, Params, ResultsBand, ResultsCategory, SchoolResult, SocialCategory,
    SocialRule, Tally,
};
use super::records::SchoolDocuments;
use super::row::SchoolType;
use super::schema::schema;
use super::self_assessment::{questionnaire, summary as self_assessment_summary};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// The report: a title, a subtitle (scope, run, years) and sections in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub title: String,
    pub subtitle: String,
    pub sections: Vec<Section>,
}

/// One section: a stable id (see [`SECTION_IDS`]), a heading, paragraphs, then tables.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Section {
    /// Stable: "method", "counts", "cross", "changes", "lists", "charts", the caller's
    /// ("monitoring", "figures"), "recommendations".
    pub id: String,
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub tables: Vec<ReportTable>,
}

/// A table of text cells.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ReportTable {
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Per column: whether it holds numbers (aligned right).
    pub numeric: Vec<bool>,
}

/// An addressed recommendation to one school: drafted by [`draft_recommendations`], edited by
/// the specialist, printed in the report's last section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recommendation {
    pub school_id: String,
    pub school_name: String,
    pub municipality: String,
    /// The school's categories, e.g. «ШНРО, ШНСУ».
    pub categories: String,
    pub text: String,
}

/// What [`build`] needs.
#[derive(Debug, Clone)]
pub struct ReportInput<'a> {
    pub run_label: &'a str,
    /// Shown as given (the caller formats it for the user's time zone).
    pub run_created_at: &'a str,
    pub result: &'a Identification,
    /// `None`: the region; `Some(name)`: that municipality's schools only.
    pub municipality: Option<&'a str>,
    /// The previous run to compare with: (label, result).
    pub previous: Option<(&'a str, &'a Identification)>,
    pub recommendations: &'a [Recommendation],
    /// Sections built by the caller (monitoring summary, project figures), placed before the
    /// recommendations.
    pub extra: Vec<Section>,
}

pub const METHOD: &str = "method";
pub const COUNTS: &str = "counts";
pub const CROSS: &str = "cross";
pub const CHANGES: &str = "changes";
pub const LISTS: &str = "lists";
pub const CHARTS: &str = "charts";
pub const RECOMMENDATIONS: &str = "recommendations";

/// The ids of the sections [`build`] makes itself, in order; the caller's `extra` sections
/// come between [`CHARTS`] and [`RECOMMENDATIONS`].
pub const SECTION_IDS: [&str; 7] = [
    METHOD,
    COUNTS,
    CROSS,
    CHANGES,
    LISTS,
    CHARTS,
    RECOMMENDATIONS,
];

pub const TITLE: &str = "Аналитическая справка по результатам идентификации \
общеобразовательных организаций с низкими результатами обучения и функционирующих в \
неблагоприятных социальных условиях";

/// The first paragraph of the recommendations section.
pub const RECOMMENDATIONS_NOTE: &str = "Рекомендации составлены автоматически по показателям, \
сильнее всего снизившим индекс образовательных результатов школы в последнем году расчёта, \
по дефицитам последней самооценки школы и, для ШНСУ, с учётом социальных условий; затем \
проверены и отредактированы специалистом.";

// ---------------------------------------------------------------- formatting

/// A number in Russian notation: at most `decimals` decimals, trailing zeros dropped,
/// decimal comma; «—» for a value that is not finite.
fn num(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "—".to_string();
    }
    let mut s = format!("{v:.decimals$}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" {
        s = "0".to_string();
    }
    s.replace('.', ",")
}

/// A share (0–1) as a percentage: «12,5 %».
fn pct(share: f64) -> String {
    format!("{} %", num(share * 100.0, 1))
}

/// The Russian plural form for `n`: `forms` = [one, few, many] («год», «года», «лет»).
fn plural(n: usize, forms: [&'static str; 3]) -> &'static str {
    let (m10, m100) = (n % 10, n % 100);
    if m10 == 1 && m100 != 11 {
        forms[0]
    } else if (2..=4).contains(&m10) && !(12..=14).contains(&m100) {
        forms[1]
    } else {
        forms[2]
    }
}

const YEARS: [&str; 3] = ["год", "года", "лет"];
const SCHOOLS: [&str; 3] = ["школа", "школы", "школ"];
const POINTS: [&str; 3] = ["балл", "балла", "баллов"];

/// «4 балла», «0,5 балла», «20 баллов».
fn points(v: f64) -> String {
    let whole = v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < 1e15;
    let word = if whole {
        plural(v as usize, POINTS)
    } else {
        POINTS[1]
    };
    format!("{} {word}", num(v, 2))
}

/// «2023–2025» for consecutive years, «2021, 2023» otherwise, «—» for none.
fn years_text(years: &[i32]) -> String {
    match years {
        [] => "—".to_string(),
        [y] => y.to_string(),
        [first, .., last] if years.windows(2).all(|w| w[0].checked_add(1) == Some(w[1])) => {
            format!("{first}–{last}")
        }
        _ => years
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// «в последний год» / «за последние 2 года».
fn last_years(n: usize) -> String {
    if n == 1 {
        "за последний год".to_string()
    } else {
        format!("за последние {n} {}", plural(n, YEARS))
    }
}

fn quoted(list: &[String]) -> String {
    list.iter()
        .map(|x| format!("«{x}»"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn school_type_list(types: &[SchoolType]) -> String {
    types
        .iter()
        .map(|t| t.label())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The Russian label of a data column (from the row contract), or its id.
fn column_label(id: &str) -> String {
    schema()
        .column(id)
        .map_or_else(|| id.to_string(), |c| c.label.clone())
}

/// The Russian label of a results component, or its id.
fn component_label(id: &str) -> String {
    method()
        .result_component(id)
        .map_or_else(|| id.to_string(), |c| c.label.clone())
}

fn table(caption: impl Into<String>, header: &[&str], numeric: &[bool]) -> ReportTable {
    ReportTable {
        caption: caption.into(),
        header: header.iter().map(|h| h.to_string()).collect(),
        rows: Vec::new(),
        numeric: numeric.to_vec(),
    }
}

// ---------------------------------------------------------------- the method

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
        format!("за {n} {} ({})", plural(n, YEARS), years_text(years))
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
        "Для каждой школы и года называются до {} показателей, сильнее всего снизивших индекс; \
         для ШНРО и школ «группы риска» подбирается до {} школ-партнёров из той же группы школ.",
        params.weakest_max, params.partners_max
    ));
    out.join(" ")
}

// ---------------------------------------------------------------- scope

#[derive(Clone, Copy)]
struct Scope<'a>(Option<&'a str>);

impl Scope<'_> {
    fn holds(self, s: &SchoolResult) -> bool {
        self.0.is_none_or(|m| s.municipality == m)
    }
    fn holds_ref(self, s: &analysis::SchoolRef) -> bool {
        self.0.is_none_or(|m| s.municipality == m)
    }
}

/// The schools of `r` in scope that satisfy `keep`, by municipality, name, id.
fn schools_where<'r>(
    r: &'r Identification,
    scope: Scope<'_>,
    keep: impl Fn(&SchoolResult) -> bool,
) -> Vec<&'r SchoolResult> {
    let mut list: Vec<&SchoolResult> = r
        .schools
        .iter()
        .filter(|s| scope.holds(s) && keep(s))
        .collect();
    list.sort_by(|a, b| {
        (&a.municipality, &a.school_name, &a.school_id).cmp(&(
            &b.municipality,
            &b.school_name,
            &b.school_id,
        ))
    });
    list
}

/// The latest year of the window in which the school has named weakest components, with
/// them; the latest year of the window first.
fn weakest_of(r: &Identification, s: &SchoolResult) -> Option<(i32, Vec<String>)> {
    r.years.iter().rev().find_map(|y| {
        let yr = s.years.get(y)?;
        (!yr.weakest.is_empty()).then(|| (*y, yr.weakest.ids().map(component_label).collect()))
    })
}

/// The weakest components of the latest year, as one cell.
fn weakest_cell(r: &Identification, s: &SchoolResult) -> String {
    let Some(year) = r.years.last() else {
        return "—".to_string();
    };
    match s.years.get(year) {
        None => format!("нет данных за {year} год"),
        Some(yr) if yr.weakest.is_empty() => "не выделены".to_string(),
        Some(yr) => yr
            .weakest
            .ids()
            .map(component_label)
            .collect::<Vec<_>>()
            .join("; "),
    }
}

// ---------------------------------------------------------------- the report

/// Builds the report: sections [`METHOD`], [`COUNTS`], [`CROSS`], [`CHANGES`], [`LISTS`],
/// [`CHARTS`], then `input.extra` as given, then [`RECOMMENDATIONS`].
pub fn build(input: &ReportInput) -> Report {
    let r = input.result;
    let scope = Scope(input.municipality);
    let scope_text = match input.municipality {
        None => "по региону (все муниципалитеты)".to_string(),
        Some(m) => format!("по муниципалитету «{m}»"),
    };
    let subtitle = format!(
        "Справка {scope_text}; расчёт «{}» от {}; годы расчёта: {}.",
        input.run_label,
        input.run_created_at,
        years_text(&r.years)
    );
    let mut sections = vec![
        method_section(r),
        counts_section(r, input.municipality),
        cross_section(r, input.municipality),
        changes_section(r, scope, input.previous),
        lists_section(r, scope),
        charts_section(r, scope),
    ];
    sections.extend(input.extra.iter().cloned());
    sections.push(recommendations_section(input.recommendations));
    Report {
        title: TITLE.to_string(),
        subtitle,
        sections,
    }
}

fn method_section(r: &Identification) -> Section {
    let mut paragraphs = vec![method_paragraph(&r.params, &r.years)];
    if !r.notes.is_empty() {
        paragraphs.push(format!("Замечания к данным: {}", r.notes.join("; ")));
    }
    let mut tables = Vec::new();
    if !r.pools.is_empty() {
        let mut t = table(
            "Группы школ по годам: сколько школ ранжировано и размер групп 25 %",
            &[
                "Группа школ",
                "Год",
                "Школ",
                "С индексом результатов",
                "Размер группы по результатам",
                "С индексом социальных условий",
                "Размер группы по социальным условиям",
            ],
            &[false, true, true, true, true, true, true],
        );
        for p in &r.pools {
            t.rows.push(vec![
                pool_label(&r.params, &p.pool),
                p.year.to_string(),
                p.schools.to_string(),
                p.results_ranked.to_string(),
                p.results_band_size.to_string(),
                p.social_ranked.to_string(),
                p.social_band_size.to_string(),
            ]);
        }
        tables.push(t);
    }
    Section {
        id: METHOD.to_string(),
        heading: "Методика идентификации".to_string(),
        paragraphs,
        tables,
    }
}

fn pool_label(params: &Params, id: &str) -> String {
    params
        .pools
        .iter()
        .find(|p| p.id == id)
        .map_or_else(|| id.to_string(), |p| p.label.clone())
}

/// The rows of the counts table: (kind, category, tally of `c`).
fn count_rows(c: &Counts) -> Vec<(&'static str, String, Tally)> {
    let mut rows = Vec::new();
    for cat in ResultsCategory::ALL {
        rows.push((
            "по результатам",
            capitalise(cat.label()),
            c.results.get(&cat).copied().unwrap_or_default(),
        ));
    }
    for cat in SocialCategory::ALL {
        rows.push((
            "по социальным условиям",
            capitalise(cat.label()),
            c.social.get(&cat).copied().unwrap_or_default(),
        ));
    }
    rows.push((
        "сочетание",
        "Резильентные школы (стабильно высокие результаты в неблагоприятных социальных \
         условиях)"
            .to_string(),
        c.resilient,
    ));
    rows.push((
        "сочетание",
        analysis::LOW_AND_UNFAVOURABLE.to_string(),
        c.low_and_unfavourable,
    ));
    rows
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn count_share(t: Tally) -> String {
    format!("{} ({})", t.count, pct(t.share))
}

fn counts_section(r: &Identification, municipality: Option<&str>) -> Section {
    let overall = &r.summary.overall;
    let mut paragraphs = Vec::new();
    let mut tables = Vec::new();
    match municipality {
        None => {
            paragraphs.push(format!(
                "В расчёте {} {}: оценено {}, исключено по типу {}. Доли — от числа \
                 оценённых школ.",
                overall.schools,
                plural(overall.schools, SCHOOLS),
                overall.assessed,
                overall.excluded
            ));
            let mut t = table(
                "Школы по категориям, регион",
                &["Признак", "Категория", "Школ", "Доля"],
                &[false, false, true, true],
            );
            for (kind, label, tally) in count_rows(overall) {
                t.rows.push(vec![
                    kind.to_string(),
                    label,
                    tally.count.to_string(),
                    pct(tally.share),
                ]);
            }
            tables.push(t);
            let mut m = table(
                "Школы по категориям и муниципалитетам: число школ (доля от оценённых школ \
                 муниципалитета)",
                &[
                    "Муниципалитет",
                    "Школ",
                    "Оценено",
                    "ШНРО",
                    "Группа риска",
                    "Стабильно высокие",
                    "ШНСУ",
                    "ШНРО и ШНСУ",
                    "Резильентные",
                ],
                &[false, true, true, true, true, true, true, true, true],
            );
            let row = |name: &str, c: &Counts| {
                let res = |x| c.results.get(&x).copied().unwrap_or_default();
                vec![
                    name.to_string(),
                    c.schools.to_string(),
                    c.assessed.to_string(),
                    count_share(res(ResultsCategory::Low)),
                    count_share(res(ResultsCategory::Risk)),
                    count_share(res(ResultsCategory::High)),
                    count_share(
                        c.social
                            .get(&SocialCategory::Unfavourable)
                            .copied()
                            .unwrap_or_default(),
                    ),
                    count_share(c.low_and_unfavourable),
                    count_share(c.resilient),
                ]
            };
            for (name, c) in &r.summary.municipalities {
                m.rows.push(row(name, c));
            }
            m.rows.push(row("Итого по региону", overall));
            tables.push(m);
        }
        Some(name) => {
            let Some(c) = r.summary.municipalities.get(name) else {
                paragraphs.push(format!("В расчёте нет школ муниципалитета «{name}»."));
                return Section {
                    id: COUNTS.to_string(),
                    heading: "Количество и доля школ по категориям".to_string(),
                    paragraphs,
                    tables,
                };
            };
            paragraphs.push(format!(
                "В расчёте {} {} муниципалитета «{name}»: оценено {}, исключено по типу {}. \
                 Доли — от числа оценённых школ муниципалитета; для сравнения приведены доли по \
                 региону (оценено школ по региону: {}).",
                c.schools,
                plural(c.schools, SCHOOLS),
                c.assessed,
                c.excluded,
                overall.assessed,
            ));
            let mut t = table(
                format!("Школы по категориям, муниципалитет «{name}»"),
                &["Признак", "Категория", "Школ", "Доля", "Доля по региону"],
                &[false, false, true, true, true],
            );
            for ((kind, label, tally), (_, _, region)) in
                count_rows(c).into_iter().zip(count_rows(overall))
            {
                t.rows.push(vec![
                    kind.to_string(),
                    label,
                    tally.count.to_string(),
                    pct(tally.share),
                    pct(region.share),
                ]);
            }
            tables.push(t);
        }
    }
    Section {
        id: COUNTS.to_string(),
        heading: "Количество и доля школ по категориям".to_string(),
        paragraphs,
        tables,
    }
}

fn cross_section(r: &Identification, municipality: Option<&str>) -> Section {
    let t: CrossTable = match municipality {
        None => analysis::cross_table(r),
        Some(m) => analysis::cross_table_of_municipality(r, m),
    };
    let mut paragraphs = vec![
        "Перечень ШНРО сопоставлен с перечнем ШНСУ (методика: «сопоставить перечень школ с \
         низкими результатами обучения с перечнем школ, функционирующих в неблагоприятных \
         социальных условиях»): в таблице — число школ по категории образовательных \
         результатов и категории социальных условий."
            .to_string(),
    ];
    match t.low_and_unfavourable() {
        Some(cell) if cell.count() > 0 => {
            let names: Vec<String> = cell
                .schools
                .iter()
                .map(|s| {
                    if municipality.is_some() {
                        s.school_name.clone()
                    } else {
                        format!("{} ({})", s.school_name, s.municipality)
                    }
                })
                .collect();
            paragraphs.push(format!(
                "{}: {} — {}.",
                analysis::LOW_AND_UNFAVOURABLE,
                cell.count(),
                names.join("; ")
            ));
        }
        _ => paragraphs.push(format!("{}: нет.", analysis::LOW_AND_UNFAVOURABLE)),
    }
    if t.excluded > 0 {
        paragraphs.push(format!(
            "Исключены из идентификации и не вошли в таблицу: {} {}.",
            t.excluded,
            plural(t.excluded, SCHOOLS)
        ));
    }
    let mut header = vec!["По результатам \\ по социальным условиям".to_string()];
    header.extend(t.columns.iter().map(|c| capitalise(c.short())));
    header.push("Итого".to_string());
    let mut numeric = vec![false];
    numeric.extend(std::iter::repeat_n(true, t.columns.len() + 1));
    let mut rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|row| {
            let mut cells = vec![capitalise(row.results.short())];
            cells.extend(t.columns.iter().map(|c| {
                row.cells
                    .iter()
                    .find(|x| x.social == *c)
                    .map_or(0, |x| x.count())
                    .to_string()
            }));
            cells.push(row.total.to_string());
            cells
        })
        .collect();
    let mut last = vec!["Итого".to_string()];
    last.extend(t.column_totals.iter().map(usize::to_string));
    last.push(t.total.to_string());
    rows.push(last);
    Section {
        id: CROSS.to_string(),
        heading: "Образовательные результаты и социальные условия".to_string(),
        paragraphs,
        tables: vec![ReportTable {
            caption: "Категория по образовательным результатам × категория по социальным \
                      условиям"
                .to_string(),
            header,
            rows,
            numeric,
        }],
    }
}

/// Members of `c` among the schools of `r` in scope.
fn members(r: &Identification, scope: Scope<'_>, c: Category) -> usize {
    r.schools
        .iter()
        .filter(|s| scope.holds(s) && c.holds(s))
        .count()
}

/// Whether a category is one the report lists (and so whose moves it names school by school).
fn is_listed(c: Category) -> bool {
    matches!(
        c,
        Category::Results(ResultsCategory::Low | ResultsCategory::Risk | ResultsCategory::High)
            | Category::Social(SocialCategory::Unfavourable)
    )
}

fn changes_section(
    r: &Identification,
    scope: Scope<'_>,
    previous: Option<(&str, &Identification)>,
) -> Section {
    let mut section = Section {
        id: CHANGES.to_string(),
        heading: "Изменения по сравнению с предыдущим расчётом".to_string(),
        ..Section::default()
    };
    let Some((label, prev)) = previous else {
        section
            .paragraphs
            .push("Сравнение не проводится: предыдущего расчёта нет.".to_string());
        return section;
    };
    let cmp = analysis::compare(prev, r);
    section.paragraphs.push(format!(
        "Сравнение с расчётом «{label}» (годы {}; в этом расчёте — {}). Школа «вошла» в \
         категорию, если она в ней в этом расчёте и не была в ней в предыдущем; «вышла» — \
         наоборот. Школы сопоставлены по идентификатору.",
        years_text(&prev.years),
        years_text(&r.years)
    ));
    let only_prev = cmp.only_in_a.iter().filter(|s| scope.holds_ref(s)).count();
    let only_now = cmp.only_in_b.iter().filter(|s| scope.holds_ref(s)).count();
    if only_prev + only_now > 0 {
        section.paragraphs.push(format!(
            "Только в предыдущем расчёте: {only_prev} {}; только в этом: {only_now} {}. Такие \
             школы не считаются вошедшими в категории или вышедшими из них.",
            plural(only_prev, SCHOOLS),
            plural(only_now, SCHOOLS)
        ));
    }
    let mut moves = Vec::new();
    let mut t = table(
        "Вошли в категорию и вышли из неё",
        &["Признак", "Категория", "Было", "Стало", "Вошли", "Вышли"],
        &[false, false, true, true, true, true],
    );
    for ch in &cmp.categories {
        let entered = ch.entered.iter().filter(|s| scope.holds_ref(s)).count();
        let left = ch.left.iter().filter(|s| scope.holds_ref(s)).count();
        t.rows.push(vec![
            ch.category.kind_label().to_string(),
            capitalise(ch.category.label()),
            members(prev, scope, ch.category).to_string(),
            members(r, scope, ch.category).to_string(),
            entered.to_string(),
            left.to_string(),
        ]);
        if is_listed(ch.category) && entered + left > 0 {
            moves.push(format!(
                "{} — вошли {entered}, вышли {left}",
                ch.category.short()
            ));
        }
    }
    section.paragraphs.push(if moves.is_empty() {
        "Составы списков ШНРО, «группы риска», стабильно высоких и ШНСУ не изменились.".to_string()
    } else {
        format!("{}.", capitalise(&moves.join("; ")))
    });
    section.tables.push(t);
    let mut schools = table(
        "Школы, вошедшие в списки ШНРО, «группы риска», стабильно высоких, ШНСУ или вышедшие из \
         них",
        &[
            "Школа",
            "Муниципалитет",
            "По результатам: было",
            "По результатам: стало",
            "По социальным условиям: было",
            "По социальным условиям: стало",
        ],
        &[false; 6],
    );
    let text =
        |c: Option<Category>| c.map_or_else(|| "исключена".to_string(), |c| c.short().to_string());
    for ch in cmp.changed.iter().filter(|c| scope.holds_ref(&c.school)) {
        let touches = [
            ch.results_before.map(Category::Results),
            ch.results_after.map(Category::Results),
            ch.social_before.map(Category::Social),
            ch.social_after.map(Category::Social),
        ];
        let results_moved = ch.results_before != ch.results_after
            && touches[..2].iter().flatten().any(|c| is_listed(*c));
        let social_moved = ch.social_before != ch.social_after
            && touches[2..].iter().flatten().any(|c| is_listed(*c));
        if results_moved || social_moved {
            schools.rows.push(vec![
                ch.school.school_name.clone(),
                ch.school.municipality.clone(),
                text(touches[0]),
                text(touches[1]),
                text(touches[2]),
                text(touches[3]),
            ]);
        }
    }
    if !schools.rows.is_empty() {
        section.tables.push(schools);
    }
    section
}

fn lists_section(r: &Identification, scope: Scope<'_>) -> Section {
    let mut section = Section {
        id: LISTS.to_string(),
        heading: "Списки школ".to_string(),
        ..Section::default()
    };
    let year = r.years.last().copied();
    let year_text = year.map_or_else(|| "—".to_string(), |y| y.to_string());
    section.paragraphs.push(match year {
        Some(y) => format!(
            "Слабые показатели — показатели, сильнее всего снизившие индекс образовательных \
             результатов школы в {y} году (последний год расчёта), до {} на школу.",
            r.params.weakest_max
        ),
        None => "В расчёте нет ни одного года: слабые показатели не определены.".to_string(),
    });
    type Filter = fn(&SchoolResult) -> bool;
    let lists: [(&str, &str, Filter); 4] = [
        (
            "ШНРО — школы с низкими результатами обучения",
            "ШНРО нет.",
            |s| s.results_category == Some(ResultsCategory::Low),
        ),
        (
            "Школы «группы риска»",
            "Школ «группы риска» нет.",
            |s| s.results_category == Some(ResultsCategory::Risk),
        ),
        (
            "ШНСУ — школы, функционирующие в неблагоприятных социальных условиях",
            "ШНСУ нет.",
            |s| s.social_category == Some(SocialCategory::Unfavourable),
        ),
        (
            "Резильентные школы (стабильно высокие результаты в неблагоприятных социальных \
             условиях)",
            "Резильентных школ нет.",
            |s| s.resilient,
        ),
    ];
    let index_header = format!("Индекс результатов, {year_text}");
    let weakest_header = format!("Слабые показатели, {year_text}");
    for (caption, none, keep) in lists {
        let list = schools_where(r, scope, keep);
        if list.is_empty() {
            section.paragraphs.push(none.to_string());
            continue;
        }
        let mut t = table(
            format!("{caption}: {}", list.len()),
            &[
                "№",
                "Школа",
                "Муниципалитет",
                &index_header,
                &weakest_header,
            ],
            &[true, false, false, true, false],
        );
        for (i, s) in list.iter().enumerate() {
            let index = year
                .and_then(|y| s.years.get(&y))
                .and_then(|y| y.results_index)
                .map_or_else(|| "—".to_string(), |v| num(v, 3));
            t.rows.push(vec![
                (i + 1).to_string(),
                s.school_name.clone(),
                s.municipality.clone(),
                index,
                weakest_cell(r, s),
            ]);
        }
        section.tables.push(t);
    }
    section
}

fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => sorted.get(n / 2).copied(),
        _ => Some((sorted.get(n / 2 - 1)? + sorted.get(n / 2)?) / 2.0),
    }
}

fn charts_section(r: &Identification, scope: Scope<'_>) -> Section {
    let mut section = Section {
        id: CHARTS.to_string(),
        heading: "Диаграммы и распределение индекса образовательных результатов".to_string(),
        ..Section::default()
    };
    let Some(year) = r.years.last().copied() else {
        section
            .paragraphs
            .push("В расчёте нет ни одного года: распределение индекса не строится.".to_string());
        return section;
    };
    section.paragraphs.push(format!(
        "На странице расчёта построены диаграммы: точечная диаграмма «индекс образовательных \
         результатов — индекс социальных условий» и распределение индекса образовательных \
         результатов по группе школ и году. Ниже — то же распределение за {year} год \
         таблицей: сколько школ каждой группы попало в каждую группу 25 % и в каждый список."
    ));
    let share = num(r.params.band_share * 100.0, 1);
    let low = format!("Низкие ({share} %)");
    let high = format!("Высокие ({share} %)");
    let mut t = table(
        format!("Распределение индекса образовательных результатов по группам школ, {year} год"),
        &[
            "Группа школ",
            "Школ",
            "С индексом",
            &low,
            "Средние",
            &high,
            "Индекс: минимум",
            "Индекс: медиана",
            "Индекс: максимум",
            "ШНРО",
            "Группа риска",
            "Стабильно высокие",
        ],
        &[
            false, true, true, true, true, true, true, true, true, true, true, true,
        ],
    );
    let mut pool_ids: Vec<String> = r.params.pools.iter().map(|p| p.id.clone()).collect();
    for s in &r.schools {
        if let Some(p) = s.pool.as_deref() {
            if !pool_ids.iter().any(|x| x == p) {
                pool_ids.push(p.to_string());
            }
        }
    }
    for pool in &pool_ids {
        let members: Vec<&SchoolResult> = r
            .schools
            .iter()
            .filter(|s| scope.holds(s) && s.pool.as_deref() == Some(pool.as_str()))
            .collect();
        let mut values = Vec::new();
        let mut bands = [0usize; 3];
        for s in &members {
            let Some(yr) = s.years.get(&year) else {
                continue;
            };
            if let Some(v) = yr.results_index.filter(|v| v.is_finite()) {
                values.push(v);
            }
            match yr.results_band {
                Some(ResultsBand::Low) => bands[0] += 1,
                Some(ResultsBand::Middle) => bands[1] += 1,
                Some(ResultsBand::High) => bands[2] += 1,
                None => {}
            }
        }
        values.sort_by(f64::total_cmp);
        let category = |c: ResultsCategory| {
            members
                .iter()
                .filter(|s| s.results_category == Some(c))
                .count()
                .to_string()
        };
        let stat = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| num(v, 3));
        t.rows.push(vec![
            pool_label(&r.params, pool),
            members.len().to_string(),
            values.len().to_string(),
            bands[0].to_string(),
            bands[1].to_string(),
            bands[2].to_string(),
            stat(values.first().copied()),
            stat(median(&values)),
            stat(values.last().copied()),
            category(ResultsCategory::Low),
            category(ResultsCategory::Risk),
            category(ResultsCategory::High),
        ]);
    }
    section.tables.push(t);
    section
}

fn recommendations_section(recs: &[Recommendation]) -> Section {
    let mut paragraphs = vec![RECOMMENDATIONS_NOTE.to_string()];
    if recs.is_empty() {
        paragraphs.push("Рекомендаций нет.".to_string());
    }
    for rec in recs {
        let mut who = rec.school_name.clone();
        let detail: Vec<&str> = [rec.municipality.as_str(), rec.categories.as_str()]
            .into_iter()
            .filter(|x| !x.trim().is_empty())
            .collect();
        if !detail.is_empty() {
            who = format!("{who} ({})", detail.join("; "));
        }
        paragraphs.push(format!("{who} — {}", rec.text.trim()));
    }
    Section {
        id: RECOMMENDATIONS.to_string(),
        heading: "Адресные рекомендации".to_string(),
        paragraphs,
        tables: Vec::new(),
    }
}

// ---------------------------------------------------------------- recommendations

/// How many self-assessment gaps a recommendation names.
const GAPS_NAMED: usize = 3;

/// Drafts a recommendation for every ШНРО, «группа риска» and ШНСУ school in scope
/// (`municipality`: `None` = the region), in order of municipality, name, id.
///
/// The text: (a) the components that pulled the results index down most in the latest year
/// of the window (or, if that year names none, the latest year that does); (b) the gaps of
/// the school's latest self-assessment in `documents` (keyed by school id), by item wording,
/// or a suggestion to carry one out; (c) for ШНСУ, the social framing of seed 001; (d) the
/// partner schools the run suggests (for ШНСУ that is neither ШНРО nor «группа риска», the
/// resilient schools of its pool, its own municipality first, up to `partners_max`; a ШНСУ
/// that is itself resilient is pointed to the bank of best practices instead).
pub fn draft_recommendations(
    r: &Identification,
    municipality: Option<&str>,
    documents: &BTreeMap<String, SchoolDocuments>,
) -> Vec<Recommendation> {
    let by_id: HashMap<&str, &SchoolResult> = r
        .schools
        .iter()
        .rev()
        .map(|s| (s.school_id.as_str(), s))
        .collect();
    let name_of = |s: &SchoolResult| format!("«{}» ({})", s.school_name, s.municipality);
    let list = schools_where(r, Scope(municipality), |s| {
        matches!(
            s.results_category,
            Some(ResultsCategory::Low | ResultsCategory::Risk)
        ) || s.social_category == Some(SocialCategory::Unfavourable)
    });
    list.into_iter()
        .map(|s| {
            let results = match s.results_category {
                Some(c @ (ResultsCategory::Low | ResultsCategory::Risk)) => Some(c),
                _ => None,
            };
            let unfavourable = s.social_category == Some(SocialCategory::Unfavourable);
            let categories: Vec<&str> = results
                .map(ResultsCategory::short)
                .into_iter()
                .chain(unfavourable.then_some(SocialCategory::Unfavourable.short()))
                .collect();
            let mut text = Vec::new();

            // (a) The weakest components.
            match weakest_of(r, s) {
                Some((year, labels)) => text.push(format!(
                    "Сильнее всего индекс образовательных результатов в {year} году снизили \
                     показатели: {}. Рекомендуется проанализировать причины и включить меры по \
                     этим показателям в программу повышения качества образования.",
                    quoted(&labels)
                )),
                None => text.push(
                    "Показатели, снизившие индекс образовательных результатов, не выделены: \
                     рекомендуется проверить полноту данных школы."
                        .to_string(),
                ),
            }

            // (b) The latest self-assessment.
            let assessments = documents
                .get(&s.school_id)
                .map_or(&[][..], |d| d.self_assessments.as_slice());
            match assessments.iter().max_by_key(|a| a.year) {
                Some(latest) => {
                    let summary = self_assessment_summary(latest, assessments);
                    let gaps: Vec<String> = summary
                        .blocks
                        .iter()
                        .flat_map(|b| b.gaps.iter())
                        .map(|id| {
                            questionnaire()
                                .item(id)
                                .map_or_else(|| id.clone(), |i| i.text.clone())
                        })
                        .collect();
                    if gaps.is_empty() {
                        text.push(format!(
                            "Самооценка школы за {} год дефицитов не выявила.",
                            latest.year
                        ));
                    } else {
                        let named = &gaps[..gaps.len().min(GAPS_NAMED)];
                        let more = gaps.len() - named.len();
                        let tail = if more > 0 {
                            format!(" и ещё {more}")
                        } else {
                            String::new()
                        };
                        text.push(format!(
                            "По самооценке школы за {} год выявлены дефициты: {}{tail}; их \
                             устранение следует включить в программу.",
                            latest.year,
                            quoted(named)
                        ));
                    }
                }
                None => text.push(
                    "Самооценка школы не представлена: рекомендуется провести её, чтобы \
                     уточнить дефициты управления."
                        .to_string(),
                ),
            }

            // (c) The social framing.
            if unfavourable {
                text.push(
                    "Школа функционирует в неблагоприятных социальных условиях: в программу \
                     следует включить адресную работу с обучающимися, испытывающими трудности \
                     в освоении образовательных программ и социальной адаптации, и с их \
                     семьями."
                        .to_string(),
                );
            }

            // (d) Partners.
            if results.is_some() {
                let partners: Vec<String> = s
                    .partners
                    .iter()
                    .map(|id| {
                        by_id
                            .get(id.as_str())
                            .map_or_else(|| id.clone(), |p| name_of(p))
                    })
                    .collect();
                text.push(if partners.is_empty() {
                    "Школу-партнёра из той же группы школ расчёт не подобрал: партнёра \
                     следует определить специалисту."
                        .to_string()
                } else {
                    format!(
                        "Рекомендуется закрепить школу-партнёра из числа школ с высокими \
                         результатами: {}.",
                        partners.join(", ")
                    )
                });
            } else if s.resilient {
                text.push(
                    "Школа показывает стабильно высокие результаты в неблагоприятных \
                     социальных условиях (резильентная): её опыт стоит включить в банк лучших \
                     практик и привлечь школу как партнёра для других ШНРО и ШНСУ."
                        .to_string(),
                );
            } else if unfavourable && r.params.partners_max > 0 {
                let mut resilient: Vec<&SchoolResult> = r
                    .schools
                    .iter()
                    .filter(|p| p.resilient && p.pool == s.pool && p.school_id != s.school_id)
                    .collect();
                resilient.sort_by(|a, b| {
                    (
                        a.municipality != s.municipality,
                        &a.school_name,
                        &a.school_id,
                    )
                        .cmp(&(
                            b.municipality != s.municipality,
                            &b.school_name,
                            &b.school_id,
                        ))
                });
                resilient.truncate(r.params.partners_max);
                if !resilient.is_empty() {
                    text.push(format!(
                        "В качестве школы-партнёра можно рассмотреть резильентную школу той же \
                         группы: {}.",
                        resilient
                            .iter()
                            .map(|p| name_of(p))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
            Recommendation {
                school_id: s.school_id.clone(),
                school_name: s.school_name.clone(),
                municipality: s.municipality.clone(),
                categories: categories.join(", "),
                text: text.join(" "),
            }
        })
        .collect()
}

// ---------------------------------------------------------------- plain text

/// The report as plain text: the title, the subtitle, then each section's heading,
/// paragraphs and tables (columns padded, numbers aligned right).
pub fn report_text(report: &Report) -> String {
    let mut out = String::new();
    out.push_str(&report.title);
    out.push('\n');
    if !report.subtitle.is_empty() {
        out.push_str(&report.subtitle);
        out.push('\n');
    }
    for (i, s) in report.sections.iter().enumerate() {
        out.push('\n');
        let heading = format!("{}. {}", i + 1, s.heading);
        out.push_str(&heading);
        out.push('\n');
        out.push_str(&"=".repeat(heading.chars().count()));
        out.push('\n');
        for p in &s.paragraphs {
            out.push('\n');
            out.push_str(p);
            out.push('\n');
        }
        for t in &s.tables {
            out.push('\n');
            out.push_str(&table_text(t));
        }
    }
    out
}

fn table_text(t: &ReportTable) -> String {
    let mut out = String::new();
    if !t.caption.is_empty() {
        out.push_str(&t.caption);
        out.push('\n');
    }
    let columns = t
        .rows
        .iter()
        .map(Vec::len)
        .chain(std::iter::once(t.header.len()))
        .max()
        .unwrap_or(0);
    let mut width = vec![0usize; columns];
    for line in std::iter::once(&t.header).chain(&t.rows) {
        for (w, cell) in width.iter_mut().zip(line) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let render = |line: &[String]| -> String {
        let cells: Vec<String> = (0..columns)
            .map(|c| {
                let cell = line.get(c).map_or("", String::as_str);
                let pad = width[c].saturating_sub(cell.chars().count());
                if t.numeric.get(c).copied().unwrap_or(false) {
                    format!("{}{cell}", " ".repeat(pad))
                } else {
                    format!("{cell}{}", " ".repeat(pad))
                }
            })
            .collect();
        format!("| {} |\n", cells.join(" | "))
    };
    if !t.header.is_empty() {
        out.push_str(&render(&t.header));
        let rule: Vec<String> = width.iter().map(|w| "-".repeat(*w)).collect();
        out.push_str(&format!("|-{}-|\n", rule.join("-|-")));
    }
    if t.rows.is_empty() {
        out.push_str("(нет строк)\n");
    }
    for row in &t.rows {
        out.push_str(&render(row));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::demo::{region, DemoSpec};
    use crate::domain::identify::{identify, Pool, Summary};
    use crate::domain::self_assessment::{Answer, AnswerValue, SelfAssessment};
    use std::sync::OnceLock;

    fn demo() -> &'static Identification {
        static RUN: OnceLock<Identification> = OnceLock::new();
        RUN.get_or_init(|| {
            identify(&region(&DemoSpec::default()), &Params::default())
                .expect("the demo region identifies")
        })
    }

    fn extra() -> Vec<Section> {
        ["monitoring", "figures"]
            .into_iter()
            .map(|id| Section {
                id: id.to_string(),
                heading: format!("Раздел {id}"),
                paragraphs: vec!["Текст раздела.".to_string()],
                tables: Vec::new(),
            })
            .collect()
    }

    const EXPECTED: [&str; 9] = [
        "method",
        "counts",
        "cross",
        "changes",
        "lists",
        "charts",
        "monitoring",
        "figures",
        "recommendations",
    ];

    fn section_ids(r: &Report) -> Vec<&str> {
        r.sections.iter().map(|s| s.id.as_str()).collect()
    }

    fn section<'r>(r: &'r Report, id: &str) -> &'r Section {
        r.sections
            .iter()
            .find(|s| s.id == id)
            .unwrap_or_else(|| panic!("section {id}"))
    }

    fn input<'a>(
        r: &'a Identification,
        municipality: Option<&'a str>,
        recs: &'a [Recommendation],
    ) -> ReportInput<'a> {
        ReportInput {
            run_label: "пробный",
            run_created_at: "22.11.2025 13:15",
            result: r,
            municipality,
            previous: None,
            recommendations: recs,
            extra: extra(),
        }
    }

    fn first_municipality(r: &Identification) -> &str {
        r.summary
            .municipalities
            .keys()
            .next()
            .map(String::as_str)
            .expect("the demo region has municipalities")
    }

    #[test]
    fn numbers_and_plurals_read_as_russian() {
        assert_eq!(points(1.0), "1 балл");
        assert_eq!(points(4.0), "4 балла");
        assert_eq!(points(20.0), "20 баллов");
        assert_eq!(points(21.0), "21 балл");
        assert_eq!(points(11.0), "11 баллов");
        assert_eq!(points(0.5), "0,5 балла");
        assert_eq!(pct(0.125), "12,5 %");
        assert_eq!(pct(0.25), "25 %");
        assert_eq!(num(f64::NAN, 2), "—");
        assert_eq!(num(-0.0001, 2), "0");
        assert_eq!(years_text(&[2023, 2024, 2025]), "2023–2025");
        assert_eq!(years_text(&[2021, 2023]), "2021, 2023");
        assert_eq!(
            years_text(&[i32::MAX, i32::MAX]),
            format!("{0}, {0}", i32::MAX)
        );
    }

    #[test]
    fn method_paragraph_states_the_seed_defaults() {
        let text = method_paragraph(&Params::default(), &[2023, 2024, 2025]);
        for needle in [
            "Методике проведения идентификации общеобразовательных организаций",
            "за 3 года (2023–2025)",
            "«Средние школы» (средняя)",
            "ранжируются раздельно",
            "25 % школ с самыми низкими",
            "за последние 2 года",
            "не менее чем за 2 года из 3",
            "Средний балл ЕГЭ по русскому языку — 20 баллов",
            "Средний балл ЕГЭ по базовой математике — 4 балла",
            "Средний балл ОГЭ по математике — 1 балл",
            "начальная",
            "при исправительном учреждении",
            "Официальные региональные средние баллы не заданы",
        ] {
            assert!(text.contains(needle), "«{needle}» in {text}");
        }
    }

    #[test]
    fn method_paragraph_changes_with_every_parameter() {
        let years = [2023, 2024, 2025];
        let base = Params::default();
        let text = method_paragraph(&base, &years);
        let with = |f: &dyn Fn(&mut Params)| {
            let mut p = Params::default();
            f(&mut p);
            p
        };
        let joined = with(&|p| {
            p.pools.truncate(1);
            p.pools.push(Pool {
                id: "basic_evening".into(),
                label: "Основные и вечерние".into(),
                types: vec![SchoolType::Basic, SchoolType::Evening],
            });
        });
        let cases: Vec<(&str, Params, &str)> = vec![
            (
                "pools",
                joined,
                "объединены в одну группу «Основные и вечерние»",
            ),
            ("band_share", with(&|p| p.band_share = 0.3), "30 %"),
            (
                "risk_years",
                with(&|p| p.risk_years = 1),
                "за последний год",
            ),
            (
                "social_rule",
                with(&|p| p.social_rule = SocialRule::LastOrAll),
                "за последние 2 года или за все 3 года",
            ),
            (
                "social_min_years",
                with(&|p| p.social_min_years = 3),
                "не менее чем за 3 года из 3",
            ),
            (
                "gap_thresholds (value)",
                with(&|p| {
                    p.gap_thresholds.insert("ege_math_base_mean".into(), 3.5);
                }),
                "базовой математике — 3,5 балла",
            ),
            (
                "gap_thresholds (absent)",
                with(&|p| {
                    p.gap_thresholds.remove("vpr_math_mean");
                }),
                "порог не задан",
            ),
            (
                "excluded_types",
                with(&|p| p.excluded_types.retain(|t| *t != SchoolType::Penitentiary)),
                "в идентификации не участвуют: при исправительном учреждении",
            ),
            (
                "regional_means",
                with(&|p| {
                    p.regional_means.insert(
                        "2025".into(),
                        [("ege_rus_mean".to_string(), 70.0)].into_iter().collect(),
                    );
                }),
                "заданы за 2025 (1 значение)",
            ),
            (
                "weakest_max",
                with(&|p| p.weakest_max = 2),
                "до 2 показателей",
            ),
            (
                "partners_max",
                with(&|p| p.partners_max = 5),
                "до 5 школ-партнёров",
            ),
        ];
        for (name, p, needle) in cases {
            let changed = method_paragraph(&p, &years);
            assert_ne!(changed, text, "{name} changes the paragraph");
            assert!(changed.contains(needle), "{name}: «{needle}» in {changed}");
        }
        assert_ne!(
            method_paragraph(&base, &[2022, 2023, 2024]),
            text,
            "the years"
        );
        // Without the run's years, the window length is described.
        let window = with(&|p| p.window = 4);
        assert!(method_paragraph(&base, &[]).contains("за 3 последних года"));
        assert!(method_paragraph(&window, &[]).contains("за 4 последних года"));
    }

    #[test]
    fn sections_come_in_order_for_the_region_and_a_municipality() {
        let r = demo();
        let recs = draft_recommendations(r, None, &BTreeMap::new());
        let report = build(&input(r, None, &recs));
        assert_eq!(section_ids(&report), EXPECTED);
        assert_eq!(report.title, TITLE);
        assert!(report.subtitle.contains("по региону"));
        assert!(report.subtitle.contains("2023–2025"));
        // Region: one row per municipality and a total.
        let counts = section(&report, COUNTS);
        assert_eq!(counts.tables.len(), 2);
        assert_eq!(
            counts.tables[1].rows.len(),
            r.summary.municipalities.len() + 1
        );
        let text = report_text(&report);
        for s in &report.sections {
            assert!(text.contains(&s.heading), "{}", s.heading);
        }
        assert!(section(&report, CHANGES).paragraphs[0].contains("предыдущего расчёта нет"));

        let m = first_municipality(r);
        let recs = draft_recommendations(r, Some(m), &BTreeMap::new());
        let report = build(&input(r, Some(m), &recs));
        assert_eq!(section_ids(&report), EXPECTED);
        assert!(report.subtitle.contains(m));
        // The counts are the municipality's.
        let c = &r.summary.municipalities[m];
        let counts = section(&report, COUNTS);
        assert_eq!(counts.tables.len(), 1);
        let low = &counts.tables[0].rows[0];
        assert_eq!(
            low[2],
            c.results[&ResultsCategory::Low].count.to_string(),
            "{low:?}"
        );
        // The lists hold the municipality's schools only, and all of its ШНРО.
        let lists = section(&report, LISTS);
        for t in &lists.tables {
            assert!(t.rows.iter().all(|row| row[2] == m), "{}", t.caption);
        }
        let low_here = r
            .schools
            .iter()
            .filter(|s| s.municipality == m && s.results_category == Some(ResultsCategory::Low))
            .count();
        let listed = lists
            .tables
            .iter()
            .find(|t| t.caption.starts_with("ШНРО"))
            .map_or(0, |t| t.rows.len());
        assert_eq!(listed, low_here);
        // The cross-table is the municipality's.
        let cross = &section(&report, CROSS).tables[0];
        let total = cross.rows.last().and_then(|row| row.last()).cloned();
        assert_eq!(
            total,
            Some(
                analysis::cross_table_of_municipality(r, m)
                    .total
                    .to_string()
            )
        );
        // The distribution counts the municipality's schools per pool.
        let charts = &section(&report, CHARTS).tables[0];
        let in_pools: usize = charts
            .rows
            .iter()
            .map(|row| row[1].parse::<usize>().unwrap())
            .sum();
        assert_eq!(in_pools, c.assessed);
    }

    #[test]
    fn the_lists_and_the_distribution_add_up_for_the_region() {
        let r = demo();
        let report = build(&input(r, None, &[]));
        let lists = section(&report, LISTS);
        let count = |prefix: &str| {
            lists
                .tables
                .iter()
                .find(|t| t.caption.starts_with(prefix))
                .map_or(0, |t| t.rows.len())
        };
        let o = &r.summary.overall;
        assert_eq!(count("ШНРО"), o.results[&ResultsCategory::Low].count);
        assert_eq!(
            count("Школы «группы риска»"),
            o.results[&ResultsCategory::Risk].count
        );
        assert_eq!(count("ШНСУ"), o.social[&SocialCategory::Unfavourable].count);
        assert_eq!(count("Резильентные"), o.resilient.count);
        let charts = &section(&report, CHARTS).tables[0];
        assert_eq!(charts.rows.len(), r.params.pools.len());
        let col = |i: usize| -> usize {
            charts
                .rows
                .iter()
                .map(|row| row[i].parse::<usize>().unwrap())
                .sum()
        };
        assert_eq!(col(1), o.assessed);
        assert_eq!(col(9), o.results[&ResultsCategory::Low].count);
        // Every ranked school of the latest year is in one band.
        assert_eq!(col(3) + col(4) + col(5), col(2));
        for t in section(&report, CHARTS).tables.iter().chain(&lists.tables) {
            assert_eq!(t.numeric.len(), t.header.len(), "{}", t.caption);
            assert!(t.rows.iter().all(|row| row.len() == t.header.len()));
        }
    }

    #[test]
    fn changes_against_a_previous_run_count_entered_and_left() {
        let r = demo();
        let wider = identify(
            &region(&DemoSpec::default()),
            &Params {
                band_share: 0.30,
                ..Params::default()
            },
        )
        .unwrap();
        let mut inp = input(r, None, &[]);
        inp.previous = Some(("широкие группы", &wider));
        let report = build(&inp);
        let changes = section(&report, CHANGES);
        assert!(changes.paragraphs[0].contains("«широкие группы»"));
        let t = &changes.tables[0];
        let cmp = analysis::compare(&wider, r);
        assert_eq!(t.rows.len(), cmp.categories.len());
        for (row, ch) in t.rows.iter().zip(&cmp.categories) {
            assert_eq!(row[4], ch.entered.len().to_string());
            assert_eq!(row[5], ch.left.len().to_string());
        }
        // Narrower bands: some ШНРО of the wider run leave.
        let low_left = cmp
            .category(Category::Results(ResultsCategory::Low))
            .map_or(0, |c| c.left.len());
        assert!(low_left > 0);
        assert!(changes.tables.len() == 2 && !changes.tables[1].rows.is_empty());

        // A municipality counts its own schools only.
        let m = first_municipality(r);
        let mut inp = input(r, Some(m), &[]);
        inp.previous = Some(("широкие группы", &wider));
        let report = build(&inp);
        let t = &section(&report, CHANGES).tables[0];
        for (row, ch) in t.rows.iter().zip(&cmp.categories) {
            let here = ch.entered_by_municipality.get(m).copied().unwrap_or(0);
            assert_eq!(row[4], here.to_string());
        }
    }

    #[test]
    fn recommendations_name_the_weakest_component_of_a_low_school() {
        let r = demo();
        let recs = draft_recommendations(r, None, &BTreeMap::new());
        let latest = *r.years.last().unwrap();
        let low = r
            .schools
            .iter()
            .find(|s| {
                s.results_category == Some(ResultsCategory::Low)
                    && s.years.get(&latest).is_some_and(|y| !y.weakest.is_empty())
            })
            .expect("the demo region has a ШНРО with weakest components");
        let first = low.years[&latest].weakest.ids().next().unwrap();
        let label = &method().result_component(first).unwrap().label;
        let rec = recs
            .iter()
            .find(|x| x.school_id == low.school_id)
            .expect("a ШНРО gets a recommendation");
        assert!(rec.text.contains(label.as_str()), "{}", rec.text);
        assert!(rec.text.contains(&format!("в {latest} году")));
        assert!(rec.categories.starts_with("ШНРО"));
        assert!(rec.text.contains("Самооценка школы не представлена"));
        if let Some(p) = low.partners.first() {
            let partner = r.school(p).unwrap();
            assert!(rec.text.contains(&partner.school_name), "{}", rec.text);
        }
        // Every ШНРО, «группа риска» and ШНСУ school, no other, in order.
        let expected = r
            .schools
            .iter()
            .filter(|s| {
                matches!(
                    s.results_category,
                    Some(ResultsCategory::Low | ResultsCategory::Risk)
                ) || s.social_category == Some(SocialCategory::Unfavourable)
            })
            .count();
        assert_eq!(recs.len(), expected);
        assert!(recs.windows(2).all(|w| {
            (&w[0].municipality, &w[0].school_name, &w[0].school_id)
                <= (&w[1].municipality, &w[1].school_name, &w[1].school_id)
        }));
        // ШНСУ only: the social framing, no «ШНРО».
        let social = recs
            .iter()
            .find(|x| x.categories == "ШНСУ")
            .expect("the demo region has a ШНСУ that is not ШНРО nor at risk");
        assert!(social.text.contains("неблагоприятных социальных условиях"));
        // A resilient ШНСУ is pointed to the bank of best practices.
        for rec in &recs {
            let resilient = r.school(&rec.school_id).is_some_and(|s| s.resilient);
            assert_eq!(
                rec.text.contains("(резильентная)"),
                resilient,
                "{}",
                rec.text
            );
        }
        // The report prints «Школа — текст».
        let report = build(&input(r, None, &recs));
        let section = section(&report, RECOMMENDATIONS);
        assert_eq!(section.paragraphs[0], RECOMMENDATIONS_NOTE);
        assert_eq!(section.paragraphs.len(), recs.len() + 1);
        assert!(section.paragraphs[1].starts_with(&recs[0].school_name));
        assert!(section.paragraphs[1].contains(&format!(" — {}", recs[0].text)));
        // A municipality's drafts are its own.
        let m = first_municipality(r);
        let here = draft_recommendations(r, Some(m), &BTreeMap::new());
        assert!(here.iter().all(|x| x.municipality == m));
        assert_eq!(
            here.len(),
            recs.iter().filter(|x| x.municipality == m).count()
        );
    }

    #[test]
    fn recommendations_name_the_gaps_of_the_latest_self_assessment() {
        let r = demo();
        let low = r
            .schools
            .iter()
            .find(|s| s.results_category == Some(ResultsCategory::Low))
            .unwrap();
        let q = questionnaire();
        let yes_good: Vec<&crate::domain::self_assessment::Item> = q
            .items
            .iter()
            .filter(|i| i.polarity == crate::domain::self_assessment::Polarity::YesGood)
            .take(2)
            .collect();
        let (old_gap, new_gap) = (yes_good[0], yes_good[1]);
        let assessment = |year: i32, answers: &[(&str, AnswerValue)]| {
            let mut sa = SelfAssessment::new(low.school_id.clone(), year);
            for (id, v) in answers {
                sa.answers.insert(id.to_string(), Answer::new(*v));
            }
            sa
        };
        let docs = SchoolDocuments {
            self_assessments: vec![
                assessment(
                    2025,
                    &[
                        (&old_gap.id, AnswerValue::Yes),
                        (&new_gap.id, AnswerValue::No),
                    ],
                ),
                assessment(2024, &[(&old_gap.id, AnswerValue::No)]),
            ],
            programme: None,
        };
        let documents: BTreeMap<String, SchoolDocuments> =
            [(low.school_id.clone(), docs)].into_iter().collect();
        let recs = draft_recommendations(r, None, &documents);
        let rec = recs.iter().find(|x| x.school_id == low.school_id).unwrap();
        assert!(rec.text.contains(&new_gap.text), "{}", rec.text);
        assert!(!rec.text.contains(&old_gap.text), "{}", rec.text);
        assert!(rec.text.contains("за 2025 год"));
        // No gaps: said so.
        let docs = SchoolDocuments {
            self_assessments: vec![assessment(2025, &[(&old_gap.id, AnswerValue::Yes)])],
            programme: None,
        };
        let documents: BTreeMap<String, SchoolDocuments> =
            [(low.school_id.clone(), docs)].into_iter().collect();
        let recs = draft_recommendations(r, None, &documents);
        let rec = recs.iter().find(|x| x.school_id == low.school_id).unwrap();
        assert!(rec.text.contains("дефицитов не выявила"), "{}", rec.text);
    }

    #[test]
    fn an_empty_run_and_an_unknown_municipality_give_a_report() {
        let empty = Identification {
            params: Params::default(),
            years: Vec::new(),
            schools: Vec::new(),
            summary: Summary::default(),
            pools: Vec::new(),
            regional_means: BTreeMap::new(),
            notes: Vec::new(),
            context: Default::default(),
        };
        for (r, m) in [
            (&empty, None),
            (&empty, Some("Нет такого")),
            (demo(), Some("Нет такого")),
        ] {
            let recs = draft_recommendations(r, m, &BTreeMap::new());
            assert!(recs.is_empty());
            let mut inp = input(r, m, &recs);
            inp.previous = Some(("пустой", &empty));
            let report = build(&inp);
            assert_eq!(section_ids(&report), EXPECTED);
            let text = report_text(&report);
            assert!(text.contains("Рекомендаций нет."));
            if m.is_some() {
                assert!(text.contains("В расчёте нет школ муниципалитета «Нет такого»."));
            }
        }
        let odd = Params {
            pools: Vec::new(),
            excluded_types: Vec::new(),
            band_share: f64::NAN,
            window: 0,
            risk_years: 0,
            social_min_years: 0,
            ..Params::default()
        };
        assert!(method_paragraph(&odd, &[]).contains("группы школ не заданы"));
    }

    #[test]
    fn plain_text_aligns_numbers_right() {
        let report = Report {
            title: "Справка".into(),
            subtitle: String::new(),
            sections: vec![Section {
                id: "t".into(),
                heading: "Таблица".into(),
                paragraphs: vec!["Абзац.".into()],
                tables: vec![ReportTable {
                    caption: "Подпись".into(),
                    header: vec!["Школа".into(), "Число".into()],
                    rows: vec![
                        vec!["Первая".into(), "7".into()],
                        vec!["Вторая".into(), "12".into(), "лишняя".into()],
                        vec![],
                    ],
                    numeric: vec![false, true],
                }],
            }],
        };
        let text = report_text(&report);
        assert!(text.contains("1. Таблица\n"), "{text}");
        assert!(text.contains("| Первая |     7 |        |"), "{text}");
        assert!(text.contains("| Вторая |    12 | лишняя |"), "{text}");
    }
}
