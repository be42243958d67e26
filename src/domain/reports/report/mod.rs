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
//!   distribution of the results index, the caller's sections (monitoring summary, programme
//!   monitoring, project figures) and the recommendations;
//! - [`recommendations`] — the addressed recommendations («адресные рекомендации»), grouped
//!   by what they recommend, and the specialist's edits.
//!
//! Nothing here panics on any input: a run without schools or years, an unknown
//! municipality, missing years of a school all give a report that says so.

mod method_text;
mod plain_text;
pub mod recommendations;
mod sections;

use sections::{
    changes_section, charts_section, counts_section, cross_section, lists_section, method_section,
};

pub use method_text::{method_paragraph, parameters_statement};
pub use plain_text::report_text;
pub use recommendations::{
    checked_summary, draft_items, draft_recommendations, group_items, group_status,
    recommendations_note, recommendations_section, Advice, DocumentFields, RecommendationGroup,
    Recommendations, ReportEdits, SchoolItems, SchoolLine,
};

use crate::domain::common::time::{date_ru, years_span};
use crate::domain::contract::row::SchoolType;
use crate::domain::contract::schema::schema;
use crate::domain::method::analysis;
use crate::domain::method::identify::method::method;
use crate::domain::method::identify::{Identification, SchoolResult};
use serde::{Deserialize, Serialize};

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
    /// ("monitoring", "programmes", "figures", "chance"), "recommendations"; subsections:
    /// "list:<id>", "recommendation:<key>", "recommendation-notes".
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
        years_span(&r.years)
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
                years_span(&r.years)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::demo::{region, DemoSpec};
    use crate::domain::method::analysis::Category;
    use crate::domain::method::identify::{identify, Pool, Summary};
    use crate::domain::method::identify::{
        Params, ResultsCategory, SocialCategory, SocialRule, Tally,
    };
    use sections::{count_share, LIST_DEFS};
    use std::collections::BTreeMap;
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
            ("programmes", "Мониторинг программ"),
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

    const EXPECTED: [&str; 10] = [
        "method",
        "counts",
        "cross",
        "changes",
        "lists",
        "charts",
        "monitoring",
        "programmes",
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
        assert_eq!(years_span(&[2023, 2024, 2025]), "2023–2025");
        assert_eq!(years_span(&[2021, 2023]), "2021, 2023");
        assert_eq!(
            years_span(&[i32::MAX, i32::MAX]),
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

    /// The report's table per municipality, the run page's and the workbook's sheet name the
    /// categories in one order ([`analysis::MUNICIPALITY_CATEGORIES`]); they differed before.
    #[test]
    fn the_tables_per_municipality_share_one_column_order() {
        let r = demo();
        let f = fixture(r, None);
        let report = build(&input(r, None, &f));
        let table = report
            .sections
            .iter()
            .flat_map(|s| {
                s.tables
                    .iter()
                    .chain(s.subsections.iter().flat_map(|x| x.tables.iter()))
            })
            .find(|t| {
                t.caption
                    .starts_with("Школы по категориям и муниципалитетам")
            })
            .expect("the report's table per municipality");
        let workbook = analysis::municipalities_table(r);
        let sheet_header: Vec<String> = workbook
            .to_csv()
            .trim_start_matches('\u{feff}')
            .lines()
            .next()
            .expect("a header")
            .split(';')
            .map(String::from)
            .collect();
        assert_eq!(table.header, sheet_header);
        assert_eq!(&table.header[3..], &analysis::MUNICIPALITY_CATEGORIES[..]);
        // Each cell is the count and share of the tally in that column.
        let (name, c) = r
            .summary
            .municipalities
            .iter()
            .next()
            .expect("a municipality");
        let row = table
            .rows
            .iter()
            .find(|row| row[0] == *name)
            .expect("its row");
        for (cell, t) in row[3..].iter().zip(analysis::municipality_tallies(c)) {
            assert_eq!(*cell, count_share(t));
        }
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
        assert_eq!(numbers, ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
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
        assert_eq!(recs.number, "10");
        // One subsection per group, then the notes; numbered like the contents.
        assert_eq!(recs.subsections.len(), f.recs.groups.len() + 1);
        assert_eq!(recs.subsections[0].number, "10.1");
        assert_eq!(recs.subsections[0].heading, f.recs.groups[0].heading);
        assert_eq!(recs.paragraphs[1], checked_summary(10, &f.recs, &f.edits));
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
        assert!(text.contains("рекомендации 10.2; остальные"), "{text}");
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

    /// Issue 22: a run over three schools says, next to its counts and in the pools' table,
    /// that the 25 % group is one school and the lists are not representative.
    #[test]
    fn a_three_school_run_says_its_group_is_small() {
        let rows = region(&DemoSpec {
            schools: 3,
            municipalities: 1,
            years: vec![2023, 2024, 2025],
            seed: 3,
        });
        // One pool, so the three schools are ranked together.
        let mut p = Params::default();
        p.set_excluded(SchoolType::Basic, true);
        p.set_excluded(SchoolType::Evening, true);
        let rows: Vec<_> = rows
            .into_iter()
            .map(|mut row| {
                row.school_type = SchoolType::Secondary;
                row
            })
            .collect();
        let r = identify(&rows, &p).expect("three schools identify");
        assert!(
            r.pools.iter().all(|p| p.results_ranked == 3),
            "{:?}",
            r.pools
        );
        let sentence =
            "в группе 3 школы: 25 % — это 1 школа; списки по этой группе не показательны";
        for m in [None, Some(first_municipality(&r))] {
            let f = fixture(&r, m);
            let report = build(&input(&r, m, &f));
            let counts = section(&report, COUNTS);
            assert!(
                counts.paragraphs.iter().any(|p| p
                    == "Малые группы школ (меньше 20 школ с индексом результатов за год): \
                        расчёт по ним выполнен по методике, но списки по ним не показательны."),
                "{:?}",
                counts.paragraphs
            );
            assert!(
                counts.paragraphs.contains(&format!(
                    "Средние школы, 2023, 2024 и 2025 годы — {sentence}."
                )),
                "{:?}",
                counts.paragraphs
            );
            let pools = &section(&report, METHOD).tables[0];
            assert!(pools
                .rows
                .iter()
                .all(|row| row.last() == Some(&capitalise_first(sentence))));
            assert!(report_text(&report).contains(sentence));
        }
        // The demonstration region: its secondary schools are a large group, never named
        // small; its evening schools (about one in twenty of 240) are a small one.
        let f = fixture(demo(), None);
        let text = report_text(&build(&input(demo(), None, &f)));
        assert!(!text.contains("Средние школы, 2023"), "{text}");
        assert!(text.contains("Вечерние (сменные) школы, 2023"), "{text}");
    }

    fn capitalise_first(s: &str) -> String {
        crate::domain::common::format::capitalise(s)
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
