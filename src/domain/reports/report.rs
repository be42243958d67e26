//! The analytical report («аналитическая справка», seed 003: «Проведение анализа результатов
//! мониторинга состояния школ с низкими результатами обучения … — Аналитическая справка»,
//! «Направление адресных рекомендаций для школ») as data: an official document built from one
//! identification run, for the region or for one municipality. The web page renders it;
//! [`report_text`] gives it as plain text (tests, a `.txt` export).
//!
//! - the title block ([`TitleBlock`]: for whom, prepared by whom — the fields the person types,
//!   [`DocumentFields`] —, the date, the run used and whether its parameters are the method's),
//!   the numbered sections and subsections with their contents ([`Report::contents`]; page
//!   numbers are the printer's, not ours) and the signature block ([`Signature`]);
//! - [`method_paragraph`] — the method of seed 001 («Методика проведения идентификации
//!   общеобразовательных организаций») with the run's actual parameters;
//! - [`build`] — the report: method, counts and shares, the cross-table, the comparison with
//!   the previous run as chosen ([`Comparison`]), the seed's lists (ШНРО, «группа риска»,
//!   стабильно высокие, ШНСУ, резильентные, недостаточно данных) by municipality, the
//!   distribution of the results index, the caller's sections (monitoring summary, project
//!   figures) and the recommendations;
//! - [`recommendations`] — the addressed recommendations («адресные рекомендации»), grouped
//!   by what they recommend, and the specialist's edits.
//!
//! Nothing here panics on any input: a run without schools or years, an unknown
//! municipality, missing years of a school all give a report that says so.

pub mod recommendations;

pub use recommendations::{
    checked_summary, draft_items, draft_recommendations, group_items, group_status,
    recommendations_note, recommendations_section, Advice, DocumentFields, RecommendationGroup,
    Recommendations, ReportEdits, SchoolItems, SchoolLine,
};

use crate::domain::common::time::date_ru;
use crate::domain::contract::row::SchoolType;
use crate::domain::contract::schema::schema;
use crate::domain::method::analysis::{self, Category, CrossTable};
use crate::domain::method::identify::method::{method, Rule};
use crate::domain::method::identify::params::parameter_texts;
use crate::domain::method::identify::{
    Counts, Identification, Params, ResultsBand, ResultsCategory, SchoolResult, SocialCategory,
    SocialRule, Tally, YearResult,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The report: a title, a subtitle (scope, run, years), the title block, the sections in
/// order and the signature block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub title: String,
    /// For the printed page's header: «Аналитическая справка — регион» or «… — <муниципалитет>».
    #[serde(default)]
    pub short_title: String,
    pub subtitle: String,
    #[serde(default)]
    pub title_block: TitleBlock,
    pub sections: Vec<Section>,
    #[serde(default)]
    pub signature: Signature,
}

/// One line of the contents: the number («5», «5.1»), the heading, the depth (1 or 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentsLine {
    pub number: String,
    pub heading: String,
    pub level: u8,
}

impl Report {
    /// The contents: every section and subsection with its number, in order. No page
    /// numbers: they depend on the printer.
    pub fn contents(&self) -> Vec<ContentsLine> {
        let mut out = Vec::new();
        for s in &self.sections {
            out.push(ContentsLine {
                number: s.number.clone(),
                heading: s.heading.clone(),
                level: 1,
            });
            for sub in &s.subsections {
                out.push(ContentsLine {
                    number: sub.number.clone(),
                    heading: sub.heading.clone(),
                    level: 2,
                });
            }
        }
        out
    }

    /// Puts the typed fields into the title and signature blocks.
    pub fn set_document(&mut self, fields: &DocumentFields) {
        self.title_block.set_document(fields);
        self.signature = Signature::of(fields);
    }
}

/// One section: a stable id (see [`SECTION_IDS`]), its number («5»; a subsection's «5.1»), a
/// heading, paragraphs, tables, then subsections (one level: a subsection's own subsections
/// are neither numbered nor shown).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Section {
    /// Stable: "method", "counts", "cross", "changes", "lists", "charts", the caller's
    /// ("monitoring", "figures"), "recommendations"; subsections: "list:<id>",
    /// "recommendation:<key>", "recommendation-notes".
    pub id: String,
    /// Given by [`build`].
    #[serde(default)]
    pub number: String,
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub tables: Vec<ReportTable>,
    #[serde(default)]
    pub subsections: Vec<Section>,
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

/// What an empty field prints as: a line to fill in by hand.
pub const BLANK: &str = "____________________";

fn or_blank(s: &str) -> String {
    if s.trim().is_empty() {
        BLANK.to_string()
    } else {
        s.trim().to_string()
    }
}

/// The title block: for whom, prepared by whom, the date, the scope, the run and its
/// parameters.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TitleBlock {
    pub addressee: String,
    pub organisation: String,
    pub position: String,
    pub name: String,
    /// ДД.ММ.ГГГГ, or empty.
    pub date: String,
    /// «регион (все муниципалитеты)» or «муниципалитет «…»».
    pub scope: String,
    /// ««<label>» от 22.11.2025 13:15; годы расчёта: 2023–2025».
    pub run: String,
    /// Whether the run's parameters are the method's, and if not, what differs.
    pub parameters: String,
}

impl TitleBlock {
    /// Puts the typed fields in (trimmed; the date as ДД.ММ.ГГГГ).
    pub fn set_document(&mut self, f: &DocumentFields) {
        self.addressee = f.addressee.trim().to_string();
        self.organisation = f.organisation.trim().to_string();
        self.position = f.position.trim().to_string();
        self.name = f.name.trim().to_string();
        self.date = date_ru(f.date.trim());
    }

    /// The block as printed, (label, text): the typed fields (an empty one is a line to fill
    /// in by hand), then the scope, the run and its parameters (when known).
    pub fn lines(&self) -> Vec<(&'static str, String)> {
        let who: Vec<&str> = [self.position.as_str(), self.name.as_str()]
            .into_iter()
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .collect();
        [
            ("Для кого", or_blank(&self.addressee)),
            ("Подготовлено", or_blank(&self.organisation)),
            ("Исполнитель", or_blank(&who.join(" "))),
            ("Дата документа", or_blank(&self.date)),
        ]
        .into_iter()
        .chain(
            [
                ("Охват", &self.scope),
                ("Расчёт", &self.run),
                ("Параметры расчёта", &self.parameters),
            ]
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (k, v.clone())),
        )
        .collect()
    }
}

/// The signature block: the position, the name, a line for the signature, the date.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Signature {
    pub position: String,
    pub name: String,
    /// ДД.ММ.ГГГГ, or empty.
    pub date: String,
}

impl Signature {
    /// The signature block of the typed fields.
    pub fn of(f: &DocumentFields) -> Signature {
        Signature {
            position: f.position.trim().to_string(),
            name: f.name.trim().to_string(),
            date: date_ru(f.date.trim()),
        }
    }

    /// The block as printed: «<должность>   ____________ (подпись)   <ФИО>» and «Дата: …»;
    /// empty fields are lines to fill in.
    pub fn lines(&self) -> [String; 2] {
        [
            format!(
                "{}   ____________ (подпись)   {}",
                or_blank(&self.position),
                or_blank(&self.name)
            ),
            format!("Дата: {}", or_blank(&self.date)),
        ]
    }
}

/// Which comparison the person chose for the section of changes.
#[derive(Debug, Clone, Copy)]
pub enum Comparison<'a> {
    /// Compare with this run: its label, when it was made (as shown to the user), result.
    With {
        label: &'a str,
        created_at: &'a str,
        result: &'a Identification,
    },
    /// Runs made before this one exist (this many), but none was chosen.
    NotChosen { earlier: usize },
    /// No run was made before this one.
    NoEarlier,
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
    pub comparison: Comparison<'a>,
    /// The title and signature blocks' fields (the date as `YYYY-MM-DD`).
    pub document: &'a DocumentFields,
    pub recommendations: &'a Recommendations,
    pub edits: &'a ReportEdits,
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

/// The short title for the printed page's header.
pub fn short_title(municipality: Option<&str>) -> String {
    format!(
        "Аналитическая справка — {}",
        municipality.unwrap_or("регион")
    )
}

// ---------------------------------------------------------------- formatting

/// A number in Russian notation: at most `decimals` decimals, trailing zeros dropped,
/// decimal comma; «—» for a value that is not finite.
fn num(v: f64, decimals: usize) -> String {
    crate::domain::common::format::num(Some(v), decimals)
}
/// The Russian plural form for `n`: `forms` = [one, few, many] («год», «года», «лет»), by
/// the app's one plural rule ([`crate::domain::common::format::plural`]).
fn plural(n: usize, forms: [&'static str; 3]) -> &'static str {
    crate::domain::common::format::plural(n, forms[0], forms[1], forms[2])
}

const YEARS: [&str; 3] = ["год", "года", "лет"];
const SCHOOLS: [&str; 3] = ["школа", "школы", "школ"];
const POINTS: [&str; 3] = ["балл", "балла", "баллов"];

/// «4 балла», «0,5 балла», «20 баллов».
pub fn points(v: f64) -> String {
    let whole = v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < 1e15;
    let word = if whole {
        plural(v as usize, POINTS)
    } else {
        POINTS[1]
    };
    format!("{} {word}", num(v, 2))
}

// One span of years for every text: «2023–2025», «2021, 2023», «—».
use crate::domain::common::time::years_span as years_text;

/// «в последний год» / «за последние 2 года».
fn last_years(n: usize) -> String {
    if n == 1 {
        "за последний год".to_string()
    } else {
        format!("за последние {n} {}", plural(n, YEARS))
    }
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

/// Builds the report: the title block, sections [`METHOD`], [`COUNTS`], [`CROSS`],
/// [`CHANGES`], [`LISTS`], [`CHARTS`], then `input.extra` as given, then [`RECOMMENDATIONS`]
/// (with the specialist's edits), numbered 1, 2, … (subsections 5.1, 5.2, …), and the
/// signature block.
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
        changes_section(r, scope, input.comparison),
        lists_section(r, scope),
        charts_section(r, scope),
    ];
    sections.extend(input.extra.iter().cloned());
    let number = sections.len() + 1;
    sections.push(recommendations_section(
        number,
        input.recommendations,
        input.edits,
    ));
    for (i, s) in sections.iter_mut().enumerate() {
        s.number = (i + 1).to_string();
        for (j, sub) in s.subsections.iter_mut().enumerate() {
            sub.number = format!("{}.{}", i + 1, j + 1);
        }
    }
    let mut report = Report {
        title: TITLE.to_string(),
        short_title: short_title(input.municipality),
        subtitle,
        title_block: TitleBlock {
            scope: match input.municipality {
                None => "регион (все муниципалитеты)".to_string(),
                Some(m) => format!("муниципалитет «{m}»"),
            },
            run: format!(
                "«{}» от {}; годы расчёта: {}",
                input.run_label,
                input.run_created_at,
                years_text(&r.years)
            ),
            parameters: parameters_statement(&r.params),
            ..TitleBlock::default()
        },
        sections,
        signature: Signature::default(),
    };
    report.set_document(input.document);
    report
}

fn method_section(r: &Identification) -> Section {
    let mut paragraphs = vec![method_paragraph(&r.params, &r.years)];
    if !r.notes.is_empty() {
        paragraphs.push(format!("Замечания к данным: {}", r.notes.join("; ")));
    }
    let mut tables = Vec::new();
    if !r.pools.is_empty() {
        let mut t = table(
            format!(
                "Группы школ по годам: сколько школ ранжировано и размер групп {} %",
                num(r.params.band_share * 100.0, 1)
            ),
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
        ..Section::default()
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
            crate::domain::common::format::capitalise(cat.label()),
            c.results.get(&cat).copied().unwrap_or_default(),
        ));
    }
    for cat in SocialCategory::ALL {
        rows.push((
            "по социальным условиям",
            crate::domain::common::format::capitalise(cat.label()),
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
fn count_share(t: Tally) -> String {
    format!(
        "{} ({})",
        t.count,
        crate::domain::common::format::pct(t.share)
    )
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
                    crate::domain::common::format::pct(tally.share),
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
                    ..Section::default()
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
                    crate::domain::common::format::pct(tally.share),
                    crate::domain::common::format::pct(region.share),
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
        ..Section::default()
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
    header.extend(
        t.columns
            .iter()
            .map(|c| crate::domain::common::format::capitalise(c.short())),
    );
    header.push("Итого".to_string());
    let mut numeric = vec![false];
    numeric.extend(std::iter::repeat_n(true, t.columns.len() + 1));
    let mut rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|row| {
            let mut cells = vec![crate::domain::common::format::capitalise(
                row.results.short(),
            )];
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
        ..Section::default()
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

/// The sentence of the changes section when no comparison is made, true of `comparison`.
fn no_comparison(comparison: Comparison<'_>) -> Option<String> {
    match comparison {
        Comparison::With { .. } => None,
        Comparison::NotChosen { earlier } => Some(format!(
            "Сравнение с предыдущим расчётом не выбрано (более ранних расчётов: {earlier})."
        )),
        Comparison::NoEarlier => Some("Предыдущих расчётов нет: сравнивать не с чем.".to_string()),
    }
}

fn changes_section(r: &Identification, scope: Scope<'_>, comparison: Comparison<'_>) -> Section {
    let mut section = Section {
        id: CHANGES.to_string(),
        heading: "Изменения по сравнению с предыдущим расчётом".to_string(),
        ..Section::default()
    };
    let Comparison::With {
        label,
        created_at,
        result: prev,
    } = comparison
    else {
        section.paragraphs.extend(no_comparison(comparison));
        return section;
    };
    let cmp = analysis::compare(prev, r);
    section.paragraphs.push(format!(
        "Сравнение с расчётом «{label}» от {created_at} (годы {}; в этом расчёте — {}). Школа \
         «вошла» в категорию, если она в ней в этом расчёте и не была в ней в том; «вышла» — \
         наоборот. Школы сопоставлены по идентификатору.",
        years_text(&prev.years),
        years_text(&r.years)
    ));
    let only_prev = cmp.only_in_a.iter().filter(|s| scope.holds_ref(s)).count();
    let only_now = cmp.only_in_b.iter().filter(|s| scope.holds_ref(s)).count();
    if only_prev + only_now > 0 {
        section.paragraphs.push(format!(
            "Только в расчёте для сравнения: {only_prev} {}; только в этом: {only_now} {}. Такие \
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
            crate::domain::common::format::capitalise(ch.category.label()),
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
        format!(
            "{}.",
            crate::domain::common::format::capitalise(&moves.join("; "))
        )
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

/// What a list shows of each school besides its name.
#[derive(Clone, Copy)]
enum ListColumns {
    /// The results index and the weakest components of the latest year (ШНРО, «группа риска»).
    Results,
    /// The results index of the latest year and the social category (стабильно высокие).
    High,
    /// The social index of the latest year, the results category, the weakest components (ШНСУ).
    Social,
    /// Both indices of the latest year (резильентные).
    Both,
    /// The years of the window without a results index (недостаточно данных).
    Missing,
}

/// One of the seed's lists: the subsection's id and heading, what it says when empty, which
/// schools, which columns.
struct ListDef {
    id: &'static str,
    heading: &'static str,
    none: &'static str,
    keep: fn(&SchoolResult) -> bool,
    columns: ListColumns,
}

/// The lists of the report, in the run page's order (seed 001: «Сформированы перечни ШНРО,
/// школ "группы риска", школ со стабильно высокими образовательными результатами», the
/// list of ШНСУ; the resilient schools; the schools with too few data).
const LIST_DEFS: [ListDef; 6] = [
    ListDef {
        id: "low",
        heading: "ШНРО — школы с низкими результатами обучения",
        none: "ШНРО нет.",
        keep: |s| s.results_category == Some(ResultsCategory::Low),
        columns: ListColumns::Results,
    },
    ListDef {
        id: "risk",
        heading: "Школы «группы риска»",
        none: "Школ «группы риска» нет.",
        keep: |s| s.results_category == Some(ResultsCategory::Risk),
        columns: ListColumns::Results,
    },
    ListDef {
        id: "high",
        heading: "Школы со стабильно высокими образовательными результатами",
        none: "Школ со стабильно высокими образовательными результатами нет.",
        keep: |s| s.results_category == Some(ResultsCategory::High),
        columns: ListColumns::High,
    },
    ListDef {
        id: "unfavourable",
        heading: "ШНСУ — школы, функционирующие в неблагоприятных социальных условиях",
        none: "ШНСУ нет.",
        keep: |s| s.social_category == Some(SocialCategory::Unfavourable),
        columns: ListColumns::Social,
    },
    ListDef {
        id: "resilient",
        heading: "Резильентные школы (стабильно высокие результаты в неблагоприятных \
                  социальных условиях)",
        none: "Резильентных школ нет.",
        keep: |s| s.resilient,
        columns: ListColumns::Both,
    },
    ListDef {
        id: "insufficient",
        heading: "Школы с недостаточными данными для отнесения к категории по результатам",
        none: "Школ с недостаточными данными нет.",
        keep: |s| s.results_category == Some(ResultsCategory::Insufficient),
        columns: ListColumns::Missing,
    },
];

/// A value of the latest year as a cell: three decimals, «—» without one.
fn index_cell(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |v| num(v, 3))
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
            "Списки сгруппированы по муниципалитетам; номер школы сквозной в пределах списка. \
             Индексы — за {y} год (последний год расчёта). Слабые показатели — показатели, \
             сильнее всего снизившие индекс образовательных результатов школы в {y} году, до \
             {} на школу.",
            r.params.weakest_max
        ),
        None => {
            "В расчёте нет ни одного года: индексы и слабые показатели не определены.".to_string()
        }
    });
    let results_index = format!("Индекс результатов, {year_text}");
    let social_index = format!("Индекс соц. условий, {year_text}");
    let weakest = format!("Слабые показатели, {year_text}");
    fn latest(year: Option<i32>, s: &SchoolResult) -> Option<&YearResult> {
        year.and_then(|y| s.years.get(&y))
    }
    for def in &LIST_DEFS {
        let list = schools_where(r, scope, def.keep);
        let mut sub = Section {
            id: format!("list:{}", def.id),
            heading: format!("{}: {}", def.heading, list.len()),
            ..Section::default()
        };
        if list.is_empty() {
            sub.paragraphs.push(def.none.to_string());
            section.subsections.push(sub);
            continue;
        }
        let (header, numeric): (Vec<&str>, Vec<bool>) = match def.columns {
            ListColumns::Results => (
                vec!["№", "Школа", "Тип", &results_index, &weakest],
                vec![true, false, false, true, false],
            ),
            ListColumns::High => (
                vec!["№", "Школа", "Тип", &results_index, "Социальные условия"],
                vec![true, false, false, true, false],
            ),
            ListColumns::Social => (
                vec!["№", "Школа", "Тип", &social_index, "Результаты", &weakest],
                vec![true, false, false, true, false, false],
            ),
            ListColumns::Both => (
                vec!["№", "Школа", "Тип", &results_index, &social_index],
                vec![true, false, false, true, true],
            ),
            ListColumns::Missing => (
                vec!["№", "Школа", "Тип", "Нет индекса результатов за годы"],
                vec![true, false, false, false],
            ),
        };
        // One table per municipality (the list is sorted by municipality).
        let mut number = 0;
        for chunk in list.chunk_by(|a, b| a.municipality == b.municipality) {
            let municipality = chunk.first().map_or("", |s| s.municipality.as_str());
            let mut t = table(
                format!("{municipality}: {}", chunk.len()),
                &header,
                &numeric,
            );
            for s in chunk {
                number += 1;
                let y = latest(year, s);
                let mut row = vec![
                    number.to_string(),
                    s.school_name.clone(),
                    s.school_type.label().to_string(),
                ];
                match def.columns {
                    ListColumns::Results => {
                        row.push(index_cell(y.and_then(|y| y.results_index)));
                        row.push(weakest_cell(r, s));
                    }
                    ListColumns::High => {
                        row.push(index_cell(y.and_then(|y| y.results_index)));
                        row.push(
                            s.social_category
                                .map_or("—", SocialCategory::short)
                                .to_string(),
                        );
                    }
                    ListColumns::Social => {
                        row.push(index_cell(y.and_then(|y| y.social_index)));
                        row.push(
                            s.results_category
                                .map_or("—", ResultsCategory::short)
                                .to_string(),
                        );
                        row.push(weakest_cell(r, s));
                    }
                    ListColumns::Both => {
                        row.push(index_cell(y.and_then(|y| y.results_index)));
                        row.push(index_cell(y.and_then(|y| y.social_index)));
                    }
                    ListColumns::Missing => {
                        let missing: Vec<i32> = r
                            .years
                            .iter()
                            .copied()
                            .filter(|y| s.years.get(y).and_then(|x| x.results_index).is_none())
                            .collect();
                        row.push(years_text(&missing));
                    }
                }
                t.rows.push(row);
            }
            sub.tables.push(t);
        }
        section.subsections.push(sub);
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

// ---------------------------------------------------------------- plain text

/// The report as plain text: the title, the subtitle, the title block, the contents, then
/// each section's numbered heading, paragraphs, tables and subsections (columns padded,
/// numbers aligned right), and the signature block.
pub fn report_text(report: &Report) -> String {
    let mut out = String::new();
    out.push_str(&report.title);
    out.push('\n');
    if !report.subtitle.is_empty() {
        out.push_str(&report.subtitle);
        out.push('\n');
    }
    out.push('\n');
    for (label, text) in report.title_block.lines() {
        out.push_str(&format!("{label}: {text}\n"));
    }
    out.push_str("\nСодержание\n");
    for line in report.contents() {
        let indent = if line.level > 1 { "    " } else { "" };
        out.push_str(&format!("{indent}{}. {}\n", line.number, line.heading));
    }
    for s in &report.sections {
        section_text(&mut out, s, '=');
        for sub in &s.subsections {
            section_text(&mut out, sub, '-');
        }
    }
    out.push('\n');
    for line in report.signature.lines() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// One section's heading (underlined with `rule`), paragraphs and tables.
fn section_text(out: &mut String, s: &Section, rule: char) {
    out.push('\n');
    let heading = if s.number.is_empty() {
        s.heading.clone()
    } else {
        format!("{}. {}", s.number, s.heading)
    };
    out.push_str(&heading);
    out.push('\n');
    out.push_str(&rule.to_string().repeat(heading.chars().count()));
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
    use crate::domain::method::identify::{identify, Pool, Summary};
    use std::collections::BTreeSet;
    use std::sync::OnceLock;

    /// The demonstration region identified once (also for the recommendations' tests).
    pub(super) fn demo() -> &'static Identification {
        static RUN: OnceLock<Identification> = OnceLock::new();
        RUN.get_or_init(|| {
            identify(&region(&DemoSpec::default()), &Params::default())
                .expect("the demo region identifies")
        })
    }

    fn extra() -> Vec<Section> {
        [
            ("monitoring", "Мониторинг"),
            ("figures", "Показатели проекта"),
        ]
        .into_iter()
        .map(|(id, heading)| Section {
            id: id.to_string(),
            heading: heading.to_string(),
            paragraphs: vec!["Текст раздела.".to_string()],
            ..Section::default()
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

    /// What a report needs besides the run: the drafted recommendations (no documents, no
    /// support records), no edits, the typed fields.
    struct Fixture {
        recs: Recommendations,
        edits: ReportEdits,
        doc: DocumentFields,
    }

    fn fixture(r: &Identification, municipality: Option<&str>) -> Fixture {
        let year = r.years.last().map_or(0, |y| y + 1);
        Fixture {
            recs: draft_recommendations(r, municipality, &BTreeMap::new(), &[], year),
            edits: ReportEdits::new("report:пробный:регион"),
            doc: DocumentFields {
                addressee: "Министерство образования и науки края".into(),
                organisation: "Центр оценки качества образования".into(),
                position: "Методист".into(),
                name: "И. И. Иванова".into(),
                date: "2026-09-15".into(),
            },
        }
    }

    fn input<'a>(
        r: &'a Identification,
        municipality: Option<&'a str>,
        f: &'a Fixture,
    ) -> ReportInput<'a> {
        ReportInput {
            run_label: "пробный",
            run_created_at: "22.11.2025 13:15",
            result: r,
            municipality,
            comparison: Comparison::NoEarlier,
            document: &f.doc,
            recommendations: &f.recs,
            edits: &f.edits,
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
        assert_eq!(crate::domain::common::format::pct(0.125), "12,5 %");
        assert_eq!(crate::domain::common::format::pct(0.25), "25 %");
        assert_eq!(num(f64::NAN, 2), "—");
        assert_eq!(num(-0.0001, 2), "0");
        assert_eq!(years_text(&[2023, 2024, 2025]), "2023–2025");
        assert_eq!(years_text(&[2021, 2023]), "2021, 2023");
        assert_eq!(
            years_text(&[i32::MAX, i32::MAX]),
            format!("{0}, {0}", i32::MAX)
        );
    }

    /// The run page's tiles print `format::pct` of a category's share; the report prints the
    /// same share through `count_share`. For every share the engine can give up to 500 schools,
    /// both print the same text, and it is the share rounded half up to one decimal, worked
    /// out in integers («1 из 16» is «6,3 %» everywhere).
    #[test]
    fn the_tiles_and_the_report_print_the_same_percent_for_every_share_up_to_500() {
        use crate::domain::common::format::pct;
        for whole in 1usize..=500 {
            for part in 0..=whole {
                let tally = Tally {
                    count: part,
                    share: part as f64 / whole as f64,
                };
                let tile = pct(tally.share);
                assert_eq!(
                    count_share(tally),
                    format!("{part} ({tile})"),
                    "{part}/{whole}"
                );
                // Tenths of a per cent, rounded half up: (1000·part/whole + ½) in integers.
                let tenths = (2000 * part + whole) / (2 * whole);
                let exact = if tenths % 10 == 0 {
                    format!("{} %", tenths / 10)
                } else {
                    format!("{},{} %", tenths / 10, tenths % 10)
                };
                assert_eq!(tile, exact, "{part}/{whole}");
            }
        }
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
        let f = fixture(r, None);
        let report = build(&input(r, None, &f));
        assert_eq!(section_ids(&report), EXPECTED);
        assert_eq!(report.title, TITLE);
        assert_eq!(report.short_title, "Аналитическая справка — регион");
        assert!(report.subtitle.contains("по региону"));
        assert!(report.subtitle.contains("2023–2025"));
        // Numbered 1, 2, …; subsections 5.1, 5.2, …; the contents list every one of them.
        let numbers: Vec<&str> = report.sections.iter().map(|s| s.number.as_str()).collect();
        assert_eq!(numbers, ["1", "2", "3", "4", "5", "6", "7", "8", "9"]);
        let lists = section(&report, LISTS);
        assert_eq!(lists.number, "5");
        assert_eq!(lists.subsections[1].number, "5.2");
        let contents = report.contents();
        let expected: usize = report
            .sections
            .iter()
            .map(|s| 1 + s.subsections.len())
            .sum();
        assert_eq!(contents.len(), expected);
        assert_eq!(contents[0].number, "1");
        assert!(contents
            .iter()
            .any(|c| c.number == "5.1" && c.level == 2 && c.heading.starts_with("ШНРО")));
        // Region: one row per municipality and a total.
        let counts = section(&report, COUNTS);
        assert_eq!(counts.tables.len(), 2);
        assert_eq!(
            counts.tables[1].rows.len(),
            r.summary.municipalities.len() + 1
        );
        let text = report_text(&report);
        for c in &contents {
            let line = format!("{}. {}", c.number, c.heading);
            // Once in the contents, once as the heading.
            assert_eq!(text.matches(&line).count(), 2, "{line}");
        }
        assert!(section(&report, CHANGES).paragraphs[0].contains("Предыдущих расчётов нет"));

        let m = first_municipality(r);
        let f = fixture(r, Some(m));
        let report = build(&input(r, Some(m), &f));
        assert_eq!(section_ids(&report), EXPECTED);
        assert!(report.subtitle.contains(m));
        assert_eq!(report.short_title, format!("Аналитическая справка — {m}"));
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
        // The lists hold the municipality's schools only, in one table per list, and all of
        // its ШНРО.
        let lists = section(&report, LISTS);
        for sub in &lists.subsections {
            assert!(sub.tables.len() <= 1, "{}", sub.heading);
            for t in &sub.tables {
                assert_eq!(t.caption, format!("{m}: {}", t.rows.len()));
            }
        }
        let low_here = r
            .schools
            .iter()
            .filter(|s| s.municipality == m && s.results_category == Some(ResultsCategory::Low))
            .count();
        let low_list = &lists.subsections[0];
        assert_eq!(low_list.id, "list:low");
        assert_eq!(
            low_list.tables.iter().map(|t| t.rows.len()).sum::<usize>(),
            low_here
        );
        assert!(low_list.heading.ends_with(&format!(": {low_here}")));
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
    fn the_lists_are_the_seeds_grouped_by_municipality_and_add_up() {
        let r = demo();
        let f = fixture(r, None);
        let report = build(&input(r, None, &f));
        let lists = section(&report, LISTS);
        let ids: Vec<&str> = lists.subsections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "list:low",
                "list:risk",
                "list:high",
                "list:unfavourable",
                "list:resilient",
                "list:insufficient"
            ]
        );
        let o = &r.summary.overall;
        let expected = [
            o.results[&ResultsCategory::Low].count,
            o.results[&ResultsCategory::Risk].count,
            o.results[&ResultsCategory::High].count,
            o.social[&SocialCategory::Unfavourable].count,
            o.resilient.count,
            o.results
                .get(&ResultsCategory::Insufficient)
                .map_or(0, |t| t.count),
        ];
        assert!(expected[2] > 0, "the demo region has stably high schools");
        for (sub, (def, n)) in lists.subsections.iter().zip(LIST_DEFS.iter().zip(expected)) {
            let rows: Vec<&Vec<String>> = sub.tables.iter().flat_map(|t| &t.rows).collect();
            assert_eq!(rows.len(), n, "{}", sub.heading);
            assert_eq!(sub.heading, format!("{}: {n}", def.heading));
            if n == 0 {
                assert_eq!(sub.paragraphs, [def.none]);
                continue;
            }
            // Numbered through the list, across the municipalities' tables.
            let numbers: Vec<String> = rows.iter().map(|row| row[0].clone()).collect();
            let through: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
            assert_eq!(numbers, through, "{}", sub.heading);
            // One table per municipality, in order, each holding that municipality's schools.
            let munis: Vec<&str> = sub
                .tables
                .iter()
                .map(|t| t.caption.split(':').next().unwrap_or(""))
                .collect();
            let mut sorted = munis.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(munis, sorted, "{}", sub.heading);
            for (t, m) in sub.tables.iter().zip(&munis) {
                assert_eq!(t.caption, format!("{m}: {}", t.rows.len()));
                for row in &t.rows {
                    assert!(
                        r.schools.iter().any(|s| s.school_name == row[1]
                            && s.municipality == *m
                            && (def.keep)(s)),
                        "{} in {m}: {row:?}",
                        sub.heading
                    );
                }
                assert_eq!(t.numeric.len(), t.header.len(), "{}", t.caption);
                assert!(t.rows.iter().all(|row| row.len() == t.header.len()));
            }
        }
        // The stably high list shows the social conditions in words.
        let high = &lists.subsections[2].tables[0];
        assert_eq!(high.header[4], "Социальные условия");
        assert!(high
            .rows
            .iter()
            .all(|row| SocialCategory::ALL.iter().any(|c| c.short() == row[4])));
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
        for t in &section(&report, CHARTS).tables {
            assert_eq!(t.numeric.len(), t.header.len(), "{}", t.caption);
            assert!(t.rows.iter().all(|row| row.len() == t.header.len()));
        }
    }

    #[test]
    fn the_insufficient_list_names_the_years_without_an_index() {
        // Drop one school's results of the middle year: too few data for a category.
        let mut rows = region(&DemoSpec::default());
        let latest = rows.iter().map(|row| row.year).max().unwrap();
        let victim = rows
            .iter()
            .find(|row| row.school_type == SchoolType::Secondary)
            .map(|row| row.school_id.clone())
            .unwrap();
        rows.retain(|row| !(row.school_id == victim && row.year == latest - 1));
        let r = identify(&rows, &Params::default()).unwrap();
        let s = r.school(&victim).unwrap();
        assert_eq!(s.results_category, Some(ResultsCategory::Insufficient));
        let f = fixture(&r, None);
        let report = build(&input(&r, None, &f));
        let list = &section(&report, LISTS).subsections[5];
        let row = list
            .tables
            .iter()
            .find(|t| t.caption.starts_with(&format!("{}:", s.municipality)))
            .and_then(|t| t.rows.iter().find(|row| row[1] == s.school_name))
            .expect("the school is in the list, in its municipality's table");
        assert_eq!(row[2], s.school_type.label());
        assert_eq!(row[3], (latest - 1).to_string());
    }

    #[test]
    fn the_changes_say_which_comparison_was_chosen() {
        let r = demo();
        let f = fixture(r, None);
        let first = |c: Comparison| {
            let mut inp = input(r, None, &f);
            inp.comparison = c;
            let report = build(&inp);
            let s = section(&report, CHANGES).clone();
            (s.paragraphs.join(" "), s.tables.len())
        };
        let (text, tables) = first(Comparison::NotChosen { earlier: 2 });
        assert_eq!(
            text,
            "Сравнение с предыдущим расчётом не выбрано (более ранних расчётов: 2)."
        );
        assert_eq!(tables, 0);
        let (text, tables) = first(Comparison::NoEarlier);
        assert_eq!(text, "Предыдущих расчётов нет: сравнивать не с чем.");
        assert_eq!(tables, 0);
        let (text, tables) = first(Comparison::With {
            label: "тот же",
            created_at: "01.10.2025 09:00",
            result: r,
        });
        assert!(
            text.starts_with("Сравнение с расчётом «тот же» от 01.10.2025 09:00"),
            "{text}"
        );
        assert!(!text.contains("не выбрано") && !text.contains("нет:"));
        assert!(text.contains("не изменились"), "{text}");
        assert_eq!(tables, 1, "no school moved: no table of schools");
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
        let with = Comparison::With {
            label: "широкие группы",
            created_at: "01.10.2025 09:00",
            result: &wider,
        };
        let f = fixture(r, None);
        let mut inp = input(r, None, &f);
        inp.comparison = with;
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
        let f = fixture(r, Some(m));
        let mut inp = input(r, Some(m), &f);
        inp.comparison = with;
        let report = build(&inp);
        let t = &section(&report, CHANGES).tables[0];
        for (row, ch) in t.rows.iter().zip(&cmp.categories) {
            let here = ch.entered_by_municipality.get(m).copied().unwrap_or(0);
            assert_eq!(row[4], here.to_string());
        }
    }

    #[test]
    fn the_title_and_signature_blocks_print_the_typed_fields_and_the_run() {
        let r = demo();
        let f = fixture(r, None);
        let report = build(&input(r, None, &f));
        let lines: BTreeMap<&str, String> = report.title_block.lines().into_iter().collect();
        assert_eq!(lines["Для кого"], "Министерство образования и науки края");
        assert_eq!(lines["Подготовлено"], "Центр оценки качества образования");
        assert_eq!(lines["Исполнитель"], "Методист И. И. Иванова");
        assert_eq!(lines["Дата документа"], "15.09.2026");
        assert_eq!(lines["Охват"], "регион (все муниципалитеты)");
        assert_eq!(
            lines["Расчёт"],
            "«пробный» от 22.11.2025 13:15; годы расчёта: 2023–2025"
        );
        assert_eq!(
            lines["Параметры расчёта"],
            "как в методике (значения по умолчанию)"
        );
        assert_eq!(
            report.signature.lines(),
            [
                "Методист   ____________ (подпись)   И. И. Иванова".to_string(),
                "Дата: 15.09.2026".to_string()
            ]
        );
        let text = report_text(&report);
        assert!(text.contains("Для кого: Министерство образования и науки края\n"));
        assert!(text.contains("\nСодержание\n1. Методика идентификации\n"));
        assert!(
            text.ends_with("И. И. Иванова\nДата: 15.09.2026\n"),
            "{text}"
        );

        // Nothing typed: lines to fill in by hand; the fields typed later replace them.
        let mut blank = f.doc.clone();
        blank.addressee = "  ".into();
        blank.position.clear();
        blank.name.clear();
        blank.date.clear();
        let mut report = report;
        report.set_document(&blank);
        let lines: BTreeMap<&str, String> = report.title_block.lines().into_iter().collect();
        assert_eq!(lines["Для кого"], BLANK);
        assert_eq!(lines["Исполнитель"], BLANK);
        assert_eq!(lines["Дата документа"], BLANK);
        assert_eq!(report.signature.lines()[1], format!("Дата: {BLANK}"));
        report.set_document(&f.doc);
        assert_eq!(report.title_block.date, "15.09.2026");
    }

    #[test]
    fn the_title_block_names_the_parameters_that_differ_from_the_method() {
        assert_eq!(
            parameters_statement(&Params::default()),
            "как в методике (значения по умолчанию)"
        );
        let wider = Params {
            band_share: 0.3,
            partners_max: 5,
            ..Params::default()
        };
        assert_eq!(
            parameters_statement(&wider),
            "отличаются от методики: «Доля школ в нижней и верхней группе, %»; «Сколько \
             школ-партнёров предлагать» (значения этого расчёта — в разделе «Методика \
             идентификации»)"
        );
        // The method section then describes the run with its own values, in words.
        let r = identify(&region(&DemoSpec::default()), &wider).unwrap();
        let f = fixture(&r, None);
        let report = build(&input(&r, None, &f));
        assert!(report.title_block.parameters.starts_with("отличаются"));
        let method = section(&report, METHOD);
        assert!(method.paragraphs[0].contains("выделяются 30 % школ"));
        assert!(method.paragraphs[0].contains("до 5 школ-партнёров"));
        assert!(method.tables[0].caption.ends_with("размер групп 30 %"));
        // A parameter beyond the method paragraph is named all the same.
        let context = Params {
            context_share: 0.3,
            ..Params::default()
        };
        assert!(parameters_statement(&context).starts_with(
            "отличаются от методики: «Контекстуализированные результаты: доля школ выше и \
             ниже ожидаемого» ("
        ));
    }

    #[test]
    fn the_report_prints_the_recommendations_as_edited_and_checked() {
        let r = demo();
        let mut f = fixture(r, None);
        let report = build(&input(r, None, &f));
        let recs = section(&report, RECOMMENDATIONS);
        assert_eq!(recs.number, "9");
        // One subsection per group, then the notes; numbered like the contents.
        assert_eq!(recs.subsections.len(), f.recs.groups.len() + 1);
        assert_eq!(recs.subsections[0].number, "9.1");
        assert_eq!(recs.subsections[0].heading, f.recs.groups[0].heading);
        assert_eq!(recs.paragraphs[1], checked_summary(9, &f.recs, &f.edits));
        let g = f.recs.groups[1].clone();
        f.edits
            .groups
            .insert(g.key.clone(), "Провести выездной семинар.".into());
        f.edits.notes.insert(
            f.recs.schools[0].school_id.clone(),
            "Школа на контроле.".into(),
        );
        let text = report_text(&build(&input(r, None, &f)));
        assert!(
            text.contains("\nПровести выездной семинар.\n\nТекст отредактирован специалистом.\n")
        );
        assert!(text.contains("рекомендации 9.2; остальные"), "{text}");
        assert!(text.contains("| Школа на контроле. |"), "{text}");
        assert!(!text.contains(&g.text));
    }

    #[test]
    fn no_printed_word_is_a_code() {
        let r = demo();
        let wider = identify(
            &region(&DemoSpec::default()),
            &Params {
                band_share: 0.30,
                ..Params::default()
            },
        )
        .unwrap();
        for m in [None, Some(first_municipality(r))] {
            let f = fixture(r, m);
            let mut inp = input(r, m, &f);
            inp.comparison = Comparison::With {
                label: "широкие группы",
                created_at: "01.10.2025 09:00",
                result: &wider,
            };
            let text = report_text(&build(&inp));
            let words: BTreeSet<&str> = text
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| !w.is_empty())
                .collect();
            // No Latin word at all: so none of the engine's ids (`low`, `secondary` …).
            assert!(words.is_empty(), "Latin words in the report: {words:?}");
        }
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
            let f = fixture(r, m);
            assert!(f.recs.groups.is_empty() && f.recs.schools.is_empty());
            let mut inp = input(r, m, &f);
            inp.comparison = Comparison::With {
                label: "пустой",
                created_at: "",
                result: &empty,
            };
            let report = build(&inp);
            assert_eq!(section_ids(&report), EXPECTED);
            let text = report_text(&report);
            assert!(text.contains("рекомендаций нет."), "{text}");
            for sub in &section(&report, LISTS).subsections {
                assert!(sub.tables.is_empty());
                assert!(sub.heading.ends_with(": 0"));
            }
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
        assert!(parameters_statement(&odd).starts_with("отличаются от методики: "));
    }

    #[test]
    fn plain_text_aligns_numbers_right() {
        let report = Report {
            title: "Справка".into(),
            short_title: "Справка — регион".into(),
            subtitle: String::new(),
            title_block: TitleBlock::default(),
            sections: vec![Section {
                id: "t".into(),
                number: "1".into(),
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
                subsections: vec![Section {
                    id: "u".into(),
                    number: "1.1".into(),
                    heading: "Часть".into(),
                    paragraphs: vec!["Текст части.".into()],
                    ..Section::default()
                }],
            }],
            signature: Signature::default(),
        };
        let text = report_text(&report);
        assert!(text.contains("\n1. Таблица\n==========\n"), "{text}");
        assert!(
            text.contains("\n1.1. Часть\n----------\n\nТекст части.\n"),
            "{text}"
        );
        assert!(
            text.contains("Содержание\n1. Таблица\n    1.1. Часть\n"),
            "{text}"
        );
        assert!(text.contains("| Первая |     7 |        |"), "{text}");
        assert!(text.contains("| Вторая |    12 | лишняя |"), "{text}");
    }
}
