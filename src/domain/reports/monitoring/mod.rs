//! Monitoring for the municipality: the schools' self-assessments by school, item and year, and
//! the state of the schools' improvement programmes.
//!
//! * [`monitoring_table`] — the municipal monitoring table. Seed 000 §5 asks for monitoring
//!   «с учетом динамики показателей (по предыдущим годам)» covering «100 процентов
//!   общеобразовательных организаций»; seed 003 asks for analysis «в разрезе образовательных
//!   организаций» and «по годам … глубиной не менее 3 лет». The table holds every school ×
//!   questionnaire item × year, and per municipality (and for all municipalities together) ×
//!   item × year the number of schools answering, meeting, the share meeting and its change
//!   from the previous year in percentage points, with the coverage (schools with a
//!   self-assessment) per year. [`depth_note`] says when fewer than 3 years are present.
//! * [`programme_status`], [`programme_list`] — the programme monitoring of seed 001
//!   («входного, промежуточного, итогового»): every target reached, off target, late, on
//!   track or not measured; measures overdue.
//! * [`monitoring_csv_long`], [`monitoring_shares_csv`], [`monitoring_coverage_csv`],
//!   [`programme_csv`], [`programme_targets_csv`] — the same for Excel
//!   ([`crate::domain::tables::csv_write`]), each the CSV of a typed table (`*_table`,
//!   [`crate::domain::tables::table`]) that can also go into a workbook.
//!
//! Whether an answer meets the questionnaire's expectation is not judged here: it is read from
//! [`Questionnaire::summary`] (strengths meet, gaps do not, numbers without a norm are not
//! classifiable, missing or invalid answers are no answer).
//!
//! The programme monitoring is in [`programmes`]; dates are read by
//! [`crate::domain::common::time::iso_date`].

use crate::domain::common::format::{num, points_change_to};
use crate::domain::exchange::records::{SchoolDocuments, SchoolIdentity};
use crate::domain::method::stats::median;
use crate::domain::school::self_assessment::{
    questionnaire, AnswerType, AnswerValue, Questionnaire, SelfAssessment,
};
use crate::domain::tables::table::{Table, TableWriter};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

mod programmes;

pub use programmes::{
    measure_state, overdue_measures_csv, overdue_measures_table, programme_csv, programme_detail,
    programme_details, programme_list, programme_status, programme_table, programme_targets_csv,
    programme_targets_table, MeasureState, OverdueMeasure, PointDetail, ProgrammeDetail,
    ProgrammeRow, ProgrammeStatus, TargetDetail, TargetState, TargetStatus, PROGRAMME_DECIMALS,
};

/// The name of the line for the whole territory in the municipal lists.
pub const ALL_MUNICIPALITIES: &str = "Все муниципалитеты";

/// The depth of the analysis by years that seed 003 asks for («глубиной не менее 3 лет»).
pub const MIN_DEPTH_YEARS: usize = 3;

// ---------------------------------------------------------------- the monitoring table

/// How one school's answer to one item in one year is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Judgement {
    /// A strength of [`Questionnaire::summary`].
    Meets,
    /// A gap of [`Questionnaire::summary`].
    DoesNotMeet,
    /// Answered, but the questionnaire sets no norm for it (numbers without `good_from`).
    NotClassifiable,
    /// The school's self-assessment of that year has no valid answer to the item.
    NoAnswer,
    /// The school has no self-assessment for that year.
    NoSelfAssessment,
}

impl Judgement {
    /// «соответствует», «не соответствует», «не оценивается», «нет ответа», «нет самооценки».
    pub fn label(self) -> &'static str {
        match self {
            Judgement::Meets => "соответствует",
            Judgement::DoesNotMeet => "не соответствует",
            Judgement::NotClassifiable => "не оценивается",
            Judgement::NoAnswer => "нет ответа",
            Judgement::NoSelfAssessment => "нет самооценки",
        }
    }

    /// The school answered the item (whether or not the answer can be judged).
    pub fn answered(self) -> bool {
        matches!(
            self,
            Judgement::Meets | Judgement::DoesNotMeet | Judgement::NotClassifiable
        )
    }

    /// The answer is judged: it meets or it does not.
    pub fn classified(self) -> bool {
        matches!(self, Judgement::Meets | Judgement::DoesNotMeet)
    }
}

/// A questionnaire item as the table shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitoringItem {
    pub id: String,
    pub block: String,
    /// The indicator's wording.
    pub text: String,
    /// The item phrased as met ([`crate::domain::school::self_assessment::Item::met_text`]):
    /// what a share «соответствуют» is a share of («Нет признаков необъективности…»).
    pub met: String,
    /// The unit of a numeric answer (empty for «да/нет»).
    pub unit: String,
    pub answer: AnswerType,
}

/// One school × item × year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolCell {
    pub year: i32,
    /// The answer as shown ([`AnswerValue::display`] with the item's unit); «—» without one.
    pub shown: String,
    pub judgement: Judgement,
    /// A numeric answer that passed the questionnaire's checks (for the numeric summaries).
    #[serde(default)]
    pub value: Option<f64>,
}

/// One school's line of the table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonitoringSchool {
    pub identity: SchoolIdentity,
    /// Per year of the table: whether the school has a self-assessment for it.
    pub assessed: Vec<bool>,
    /// `cells[item][year]`, in the table's item and year order.
    pub cells: Vec<Vec<SchoolCell>>,
}

/// Schools with a self-assessment in one year, in one municipality (or all of them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    pub year: i32,
    /// Schools in the group.
    pub schools: usize,
    /// Schools with a self-assessment for the year.
    pub assessed: usize,
    /// `assessed / schools`, in percent (`None` for a group without schools).
    pub share: Option<f64>,
}

/// One municipality (or all) × item × year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareCell {
    pub year: i32,
    /// Schools that answered (judged or not).
    pub answered: usize,
    /// Schools whose answer is judged (meets or does not meet): the share's denominator.
    pub classified: usize,
    /// Schools whose answer meets.
    pub meeting: usize,
    /// `meeting / classified`, in percent; `None` when no answer is judged.
    pub share: Option<f64>,
    /// `share` minus the share of the previous year of the table, in percentage points;
    /// `None` for the first year or when either year has no share.
    pub change_pp: Option<f64>,
    /// Schools with a self-assessment for the year that left the item unanswered (or gave an
    /// answer that does not pass the checks) — «не знаю» is no answer.
    pub unanswered: usize,
    /// For a numeric item: its answers summarised ([`Numbers`]); `None` for «да/нет» items
    /// and when nobody gave a number.
    pub numbers: Option<Numbers>,
}

/// The numeric answers of one group × item × year: how many, their median and range, and the
/// median's change from the previous year of the table. Medians, not means: a few schools with
/// one outlier (a typo of 1000 computers per 100 pupils) do not move a median.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Numbers {
    pub n: usize,
    pub median: f64,
    pub min: f64,
    pub max: f64,
    /// `median` minus the previous year's median (same unit); `None` for the first year or
    /// when the previous year has no numbers.
    pub change: Option<f64>,
}

/// A municipality's part of the table (or the whole territory's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonitoringGroup {
    /// The municipality; [`ALL_MUNICIPALITIES`] for the whole.
    pub municipality: String,
    /// The line for all municipalities together.
    pub whole: bool,
    /// Per year of the table.
    pub coverage: Vec<Coverage>,
    /// `cells[item][year]`, in the table's item and year order.
    pub cells: Vec<Vec<ShareCell>>,
}

/// The municipal monitoring table of the self-assessments.
///
/// Seed 003 asks for the analysis by years «глубиной не менее 3 лет»: with fewer years
/// present the table is still built, and [`depth_note`] says so.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonitoringTable {
    /// Every year of any school's self-assessment, ascending.
    pub years: Vec<i32>,
    /// The questionnaire's items in its order.
    pub items: Vec<MonitoringItem>,
    /// By municipality, then school name, then school id.
    pub schools: Vec<MonitoringSchool>,
    /// The municipalities by name, then [`ALL_MUNICIPALITIES`].
    pub groups: Vec<MonitoringGroup>,
}

impl MonitoringTable {
    /// The position of a year in [`MonitoringTable::years`].
    pub fn year_index(&self, year: i32) -> Option<usize> {
        self.years.iter().position(|y| *y == year)
    }

    /// The position of an item in [`MonitoringTable::items`].
    pub fn item_index(&self, item: &str) -> Option<usize> {
        self.items.iter().position(|i| i.id == item)
    }

    /// One school × item × year.
    pub fn school_cell(&self, school_id: &str, item: &str, year: i32) -> Option<&SchoolCell> {
        let (i, y) = (self.item_index(item)?, self.year_index(year)?);
        self.schools
            .iter()
            .find(|s| s.identity.school_id == school_id)?
            .cells
            .get(i)?
            .get(y)
    }

    /// A municipality's group by name; `None` — the whole territory: the line for all
    /// municipalities, or the one municipality's own when the table holds only one.
    pub fn group(&self, municipality: Option<&str>) -> Option<&MonitoringGroup> {
        match municipality {
            None => self
                .groups
                .iter()
                .find(|g| g.whole)
                .or_else(|| self.groups.first().filter(|_| self.groups.len() == 1)),
            Some(m) => self.groups.iter().find(|g| !g.whole && g.municipality == m),
        }
    }

    /// What the table covers, for a title and a file name: its one municipality, or «Все
    /// муниципалитеты»; with its years («Северный район, 2024–2025 годы»).
    pub fn scope(&self) -> String {
        let place = match self.groups.as_slice() {
            [only] => only.municipality.clone(),
            _ => ALL_MUNICIPALITIES.to_string(),
        };
        match (self.years.first(), self.years.last()) {
            (Some(a), Some(b)) if a == b => format!("{place}, {a} год"),
            (Some(a), Some(b)) => format!("{place}, {a}–{b} годы"),
            _ => place,
        }
    }

    /// One municipality (`None` — all) × item × year.
    pub fn share_cell(
        &self,
        municipality: Option<&str>,
        item: &str,
        year: i32,
    ) -> Option<&ShareCell> {
        let (i, y) = (self.item_index(item)?, self.year_index(year)?);
        self.group(municipality)?.cells.get(i)?.get(y)
    }
}

/// The municipal monitoring table over the built-in questionnaire; see
/// [`monitoring_table_with`].
pub fn monitoring_table(schools: &[(SchoolIdentity, &SchoolDocuments)]) -> MonitoringTable {
    monitoring_table_with(questionnaire(), schools)
}

/// The municipal monitoring table over a questionnaire.
///
/// * Years: every year of any school's self-assessment, ascending. A school with more than
///   one self-assessment for a year is read from the last of them in its list.
/// * A school that sent no self-assessment at all has no line of the table; it counts among
///   its group's schools in the coverage.
/// * A school without a self-assessment for a year (also a school with none at all) is
///   «нет самооценки» for every item of that year and is not counted in that year's
///   coverage; it still counts among the group's schools.
/// * Judgements are those of [`Questionnaire::summary`] on the school's self-assessment of
///   the year.
/// * The share meeting is taken over the schools whose answer is judged (meets or does not
///   meet), not over all schools answering: numbers without a norm and missing answers are
///   left out of the denominator. The change is taken from the previous year present in the
///   table (the previous column), in percentage points.
/// * Schools are listed as given, sorted by municipality, name and id; a school given twice
///   is counted twice.
/// * «Не знаю» is no answer: it is counted apart (`unanswered`), never in a share's base.
/// * A numeric item has no norm in the questionnaire, so no share: its answers are summarised
///   by [`Numbers`] (n, median, range, the median's change).
/// * The line for all municipalities ([`ALL_MUNICIPALITIES`]) is there only when the table
///   holds several municipalities.
pub fn monitoring_table_with(
    q: &Questionnaire,
    schools: &[(SchoolIdentity, &SchoolDocuments)],
) -> MonitoringTable {
    let years: Vec<i32> = schools
        .iter()
        .flat_map(|(_, d)| d.self_assessments.iter().map(|s| s.year))
        .collect::<BTreeSet<i32>>()
        .into_iter()
        .collect();
    let items: Vec<MonitoringItem> = q
        .items
        .iter()
        .map(|i| MonitoringItem {
            id: i.id.clone(),
            block: i.block.clone(),
            text: i.text.clone(),
            met: i.met_text().to_string(),
            unit: i.unit.clone(),
            answer: i.answer,
        })
        .collect();
    // Every school counts in its municipality's coverage; only the schools that sent a
    // self-assessment get a line (a national store of 45,000 schools with a few hundred
    // self-assessments stays small).
    let mut totals: BTreeMap<&str, usize> = BTreeMap::new();
    for (s, _) in schools {
        *totals.entry(s.municipality.as_str()).or_default() += 1;
    }
    let mut order: Vec<&(SchoolIdentity, &SchoolDocuments)> = schools
        .iter()
        .filter(|(_, d)| !d.self_assessments.is_empty())
        .collect();
    order.sort_by(|a, b| school_key(&a.0).cmp(&school_key(&b.0)));
    let rows: Vec<MonitoringSchool> = order
        .into_iter()
        .map(|(identity, docs)| school_row(q, &years, identity, docs))
        .collect();

    let mut by_municipality: BTreeMap<&str, Vec<&MonitoringSchool>> =
        totals.keys().map(|m| (*m, Vec::new())).collect();
    for r in &rows {
        by_municipality
            .entry(r.identity.municipality.as_str())
            .or_default()
            .push(r);
    }
    let mut groups: Vec<MonitoringGroup> = by_municipality
        .iter()
        .map(|(m, members)| {
            let total = totals.get(m).copied().unwrap_or(members.len());
            group(m, false, members, total, &years, items.len())
        })
        .collect();
    // The line for all municipalities only where there are several: for one municipality it
    // would repeat that municipality's figures under a name that says more than they are.
    if groups.len() != 1 {
        let all: Vec<&MonitoringSchool> = rows.iter().collect();
        groups.push(group(
            ALL_MUNICIPALITIES,
            true,
            &all,
            schools.len(),
            &years,
            items.len(),
        ));
    }
    MonitoringTable {
        years,
        items,
        schools: rows,
        groups,
    }
}

fn school_key(s: &SchoolIdentity) -> (&str, &str, &str) {
    (&s.municipality, &s.school_name, &s.school_id)
}

/// Judgements of one self-assessment by item id, as [`Questionnaire::summary`] gives them.
fn judgements(q: &Questionnaire, sa: &SelfAssessment) -> HashMap<String, Judgement> {
    let mut out = HashMap::new();
    for b in q.summary(sa, &[]).blocks {
        for (list, j) in [
            (b.strengths, Judgement::Meets),
            (b.gaps, Judgement::DoesNotMeet),
            (b.unclassified, Judgement::NotClassifiable),
            (b.unanswered, Judgement::NoAnswer),
        ] {
            for id in list {
                out.insert(id, j);
            }
        }
    }
    out
}

fn school_row(
    q: &Questionnaire,
    years: &[i32],
    identity: &SchoolIdentity,
    docs: &SchoolDocuments,
) -> MonitoringSchool {
    // The last self-assessment of every year, and its judgements.
    let by_year: Vec<Option<(&SelfAssessment, HashMap<String, Judgement>)>> = years
        .iter()
        .map(|y| {
            docs.self_assessments
                .iter()
                .rev()
                .find(|s| s.year == *y)
                .map(|sa| (sa, judgements(q, sa)))
        })
        .collect();
    let cells = q
        .items
        .iter()
        .map(|item| {
            years
                .iter()
                .zip(&by_year)
                .map(|(year, found)| match found {
                    None => SchoolCell {
                        year: *year,
                        shown: AnswerValue::Empty.display(""),
                        judgement: Judgement::NoSelfAssessment,
                        value: None,
                    },
                    Some((sa, judged)) => {
                        let answer = sa
                            .answers
                            .get(&item.id)
                            .map_or(AnswerValue::Empty, |a| a.value);
                        let judgement =
                            judged.get(&item.id).copied().unwrap_or(Judgement::NoAnswer);
                        SchoolCell {
                            year: *year,
                            shown: answer.display(&item.unit),
                            judgement,
                            // Only an answer the summary accepted: an invalid one is no answer.
                            value: match answer {
                                AnswerValue::Number(v) if judgement.answered() => Some(v),
                                _ => None,
                            },
                        }
                    }
                })
                .collect()
        })
        .collect();
    MonitoringSchool {
        identity: identity.clone(),
        assessed: by_year.iter().map(Option::is_some).collect(),
        cells,
    }
}

fn percent(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64 * 100.0)
}

/// The median and range of `values` (any order; sorted here), with the median's change from
/// `previous`; `None` for no values.
fn summarise(values: &mut [f64], previous: Option<f64>) -> Option<Numbers> {
    values.sort_unstable_by(f64::total_cmp);
    let median = median(values)?;
    Some(Numbers {
        n: values.len(),
        median,
        min: values[0],
        max: values[values.len() - 1],
        change: previous.map(|p| median - p),
    })
}

/// `members`: the group's schools with a self-assessment; `total`: all its schools.
fn group(
    name: &str,
    whole: bool,
    members: &[&MonitoringSchool],
    total: usize,
    years: &[i32],
    items: usize,
) -> MonitoringGroup {
    let coverage = years
        .iter()
        .enumerate()
        .map(|(y, year)| {
            let assessed = members
                .iter()
                .filter(|s| s.assessed.get(y).copied().unwrap_or(false))
                .count();
            Coverage {
                year: *year,
                schools: total,
                assessed,
                share: percent(assessed, total),
            }
        })
        .collect();
    let cells = (0..items)
        .map(|i| {
            let mut previous: Option<f64> = None;
            let mut previous_median: Option<f64> = None;
            years
                .iter()
                .enumerate()
                .map(|(y, year)| {
                    let judged: Vec<Judgement> = members
                        .iter()
                        .filter_map(|s| s.cells.get(i).and_then(|c| c.get(y)))
                        .map(|c| c.judgement)
                        .collect();
                    let answered = judged.iter().filter(|j| j.answered()).count();
                    let classified = judged.iter().filter(|j| j.classified()).count();
                    let meeting = judged.iter().filter(|j| **j == Judgement::Meets).count();
                    let unanswered = judged.iter().filter(|j| **j == Judgement::NoAnswer).count();
                    let share = percent(meeting, classified);
                    let change_pp = match (share, previous) {
                        (Some(now), Some(then)) => Some(now - then),
                        _ => None,
                    };
                    previous = share;
                    let mut values: Vec<f64> = members
                        .iter()
                        .filter_map(|s| s.cells.get(i).and_then(|c| c.get(y)))
                        .filter_map(|c| c.value)
                        .collect();
                    let numbers = summarise(&mut values, previous_median);
                    previous_median = numbers.as_ref().map(|n| n.median);
                    ShareCell {
                        year: *year,
                        answered,
                        classified,
                        meeting,
                        share,
                        change_pp,
                        unanswered,
                        numbers,
                    }
                })
                .collect()
        })
        .collect();
    MonitoringGroup {
        municipality: name.to_string(),
        whole,
        coverage,
        cells,
    }
}

/// In Russian, when the table holds fewer than [`MIN_DEPTH_YEARS`] years (seed 003:
/// «по годам … глубиной не менее 3 лет»); `None` from 3 years on. The years counted are the
/// years present, not the span between the first and the last.
pub fn depth_note(t: &MonitoringTable) -> Option<String> {
    let years: Vec<String> = t.years.iter().map(ToString::to_string).collect();
    match years.len() {
        0 => Some(
            "Самооценок пока нет: динамику показывать не по чему. Анализ по годам ведётся \
             глубиной не менее 3 лет."
                .to_string(),
        ),
        1 => Some(format!(
            "Самооценки есть только за {} год: динамику по предыдущим годам показать нельзя. \
             Анализ по годам ведётся глубиной не менее 3 лет.",
            years.join("")
        )),
        n if n < MIN_DEPTH_YEARS => Some(format!(
            "Самооценки есть за {n} года ({}): для анализа по годам нужна глубина не менее 3 лет.",
            years.join(", ")
        )),
        _ => None,
    }
}

/// The table for Excel, one line per school × item × year: municipality, school id, school,
/// item id, indicator, year, answer as shown, judgement.
pub fn monitoring_long_table(t: &MonitoringTable) -> Table {
    let mut w = TableWriter::new();
    w.title(&format!("Ответы школ на самооценку: {}", t.scope()));
    for h in [
        "Муниципалитет",
        "Идентификатор школы",
        "Школа",
        "Пункт",
        "Индикатор",
        "Год",
        "Ответ",
        "Оценка",
    ] {
        w.text(h);
    }
    w.end_line();
    for s in &t.schools {
        for (item, cells) in t.items.iter().zip(&s.cells) {
            for c in cells {
                w.text(&s.identity.municipality)
                    .text(&s.identity.school_id)
                    .text(&s.identity.school_name)
                    .text(&item.id)
                    .text(&item.text)
                    .number(Some(f64::from(c.year)))
                    .text(&c.shown)
                    .text(c.judgement.label())
                    .end_line();
            }
        }
    }
    w.finish()
}

/// [`monitoring_long_table`] as CSV for Excel.
pub fn monitoring_csv_long(t: &MonitoringTable) -> String {
    monitoring_long_table(t).to_csv()
}

/// Decimals of the monitoring's shares in per cent and their changes in percentage points:
/// the screen, the справка and the CSV all read them so («67 % (2 из 3)», «−33 п. п.»). Whole
/// per cents: a share of a few schools has no meaningful tenth.
pub const SHARE_DECIMALS: u8 = 0;

/// Decimals of the numeric items' medians and ranges, wherever they are shown.
pub const NUMBER_DECIMALS: u8 = 2;

/// A share with its base, as every place shows it: «67 % (2 из 3)» — meeting of the schools
/// whose answer is judged; «—» when no answer is judged.
pub fn share_words(c: &ShareCell) -> String {
    match c.share {
        Some(_) => format!(
            "{} ({} из {})",
            percent_words(c.share),
            c.meeting,
            c.classified
        ),
        None => "—".to_string(),
    }
}

/// A share in per cent as every place shows it («67 %», [`SHARE_DECIMALS`]); «—» for none.
pub fn percent_words(share: Option<f64>) -> String {
    share.map_or_else(
        || "—".to_string(),
        |v| format!("{} %", num(Some(v), SHARE_DECIMALS.into())),
    )
}

/// A share's change from the previous year: «+17 п. п.», «−33 п. п.», «без изменений»
/// (a change that rounds to zero); `None` without one.
pub fn change_words(change: Option<f64>) -> Option<String> {
    let c = change.filter(|c| c.is_finite())?;
    Some(match points_change_to(c, SHARE_DECIMALS.into()) {
        zero if zero == "0 п. п." => "без изменений".to_string(),
        text => text,
    })
}

/// «без ответа: 1» — the schools with a self-assessment that did not answer; `None` for none.
pub fn unanswered_words(c: &ShareCell) -> Option<String> {
    (c.unanswered > 0).then(|| format!("без ответа: {}", c.unanswered))
}

/// A number of a numeric item with its unit: «85 %», «12,5 на 100 обучающихся».
fn value_words(v: f64, unit: &str) -> String {
    let n = num(Some(v), NUMBER_DECIMALS.into());
    if unit.is_empty() {
        n
    } else {
        format!("{n} {unit}")
    }
}

/// A numeric item's answers: «медиана 85 % (от 80 до 90 %, n = 2)»; with one answer
/// «85 % (n = 1)».
pub fn numbers_words(n: &Numbers, unit: &str) -> String {
    if n.n == 1 {
        return format!("{} (n = 1)", value_words(n.median, unit));
    }
    format!(
        "медиана {} (от {} до {}, n = {})",
        value_words(n.median, unit),
        num(Some(n.min), NUMBER_DECIMALS.into()),
        value_words(n.max, unit),
        n.n
    )
}

/// The median's change: «медиана +5 %», «медиана −1,5 на 100 обучающихся», «медиана без
/// изменений»; `None` without one.
pub fn numbers_change_words(n: &Numbers, unit: &str) -> Option<String> {
    let c = n.change.filter(|c| c.is_finite())?;
    let text = value_words(c.abs(), unit);
    Some(if num(Some(c.abs()), NUMBER_DECIMALS.into()) == "0" {
        "медиана без изменений".to_string()
    } else if c > 0.0 {
        format!("медиана +{text}")
    } else {
        format!("медиана \u{2212}{text}")
    })
}

/// The shares for Excel, one line per municipality (then all) × item × year: schools
/// answering, with a judged answer, meeting, without an answer, the share meeting in percent
/// and its change in percentage points (read with [`SHARE_DECIMALS`] decimals); for a numeric
/// item the number of answers, median, minimum, maximum and the median's change (read with
/// [`NUMBER_DECIMALS`]). The first line says what the table covers ([`MonitoringTable::scope`]).
/// The indicator is phrased as met ([`MonitoringItem::met`]), so a share reads the right way.
pub fn monitoring_shares_table(t: &MonitoringTable) -> Table {
    let mut w = TableWriter::new();
    w.title(&format!(
        "Мониторинг самооценок школ: {}. Доля соответствующих — из школ, чей ответ оценивается; «не знаю» и пропуски — в столбце «Без ответа»",
        t.scope()
    ));
    for h in [
        "Муниципалитет",
        "Пункт",
        "Индикатор",
        "Год",
        "Ответили",
        "С оцениваемым ответом",
        "Соответствуют",
        "Без ответа",
        "Доля соответствующих, %",
        "Изменение к предыдущему году, п. п.",
        "Числовых ответов",
        "Медиана",
        "Минимум",
        "Максимум",
        "Изменение медианы",
        "Единица",
    ] {
        w.text(h);
    }
    w.end_line();
    let d = NUMBER_DECIMALS;
    for g in &t.groups {
        for (item, cells) in t.items.iter().zip(&g.cells) {
            for c in cells {
                w.text(&g.municipality)
                    .text(&item.id)
                    .text(&item.met)
                    .number(Some(f64::from(c.year)));
                w.number(Some(c.answered as f64))
                    .number(Some(c.classified as f64))
                    .number(Some(c.meeting as f64))
                    .number(Some(c.unanswered as f64))
                    .rounded(c.share, SHARE_DECIMALS)
                    .rounded(c.change_pp, SHARE_DECIMALS);
                let n = c.numbers.as_ref();
                w.number(n.map(|n| n.n as f64))
                    .rounded(n.map(|n| n.median), d)
                    .rounded(n.map(|n| n.min), d)
                    .rounded(n.map(|n| n.max), d)
                    .rounded(n.and_then(|n| n.change), d)
                    .text(&item.unit)
                    .end_line();
            }
        }
    }
    w.finish()
}

/// [`monitoring_shares_table`] as CSV for Excel.
pub fn monitoring_shares_csv(t: &MonitoringTable) -> String {
    monitoring_shares_table(t).to_csv()
}

/// The coverage for Excel (seed 000: «100 процентов общеобразовательных организаций»), one
/// line per municipality (then all) × year: schools, schools with a self-assessment, share
/// (read with [`SHARE_DECIMALS`] decimals).
pub fn monitoring_coverage_table(t: &MonitoringTable) -> Table {
    let mut w = TableWriter::new();
    w.title(&format!("Охват самооценкой: {}", t.scope()));
    for h in [
        "Муниципалитет",
        "Год",
        "Школ",
        "С самооценкой",
        "Доля школ с самооценкой, %",
    ] {
        w.text(h);
    }
    w.end_line();
    for g in &t.groups {
        for c in &g.coverage {
            w.text(&g.municipality).number(Some(f64::from(c.year)));
            w.number(Some(c.schools as f64))
                .number(Some(c.assessed as f64))
                .rounded(c.share, SHARE_DECIMALS)
                .end_line();
        }
    }
    w.finish()
}

/// [`monitoring_coverage_table`] as CSV for Excel.
pub fn monitoring_coverage_csv(t: &MonitoringTable) -> String {
    monitoring_coverage_table(t).to_csv()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::common::time::{compare_dates, date_year};
    use crate::domain::contract::row::SchoolType;
    use crate::domain::school::programme::Checkpoint;
    use crate::domain::school::programme::{Better, Measure, Programme, Target};
    use crate::domain::school::self_assessment::Answer;
    use programmes::target_status;
    use std::cmp::Ordering;
    use AnswerValue::{No, Number as N, Yes};

    const AMUR: &str = "Амурский район";
    const BIKIN: &str = "Бикинский район";
    /// 5.1.01 — «да» хорошо; 5.1.11 — «нет» хорошо; 5.1.13 — доля без нормы.
    const OBJECTIVITY: &str = "Наличие признаков необъективности результатов ВПР в ОО";

    fn school(id: &str, name: &str, municipality: &str) -> SchoolIdentity {
        SchoolIdentity {
            school_id: id.to_string(),
            school_name: name.to_string(),
            municipality: municipality.to_string(),
            school_type: SchoolType::Secondary,
        }
    }

    fn sa(school: &str, year: i32, list: &[(&str, AnswerValue)]) -> SelfAssessment {
        let mut out = SelfAssessment::new(school, year);
        for (id, v) in list {
            out.answers.insert((*id).to_string(), Answer::new(*v));
        }
        out
    }

    fn docs(self_assessments: Vec<SelfAssessment>) -> SchoolDocuments {
        SchoolDocuments {
            self_assessments,
            programme: None,
        }
    }

    /// Three schools, two municipalities, two years (given out of order):
    ///
    /// | school | 2023                               | 2024                        |
    /// |--------|------------------------------------|-----------------------------|
    /// | a1     | 5.1.01 да, 5.1.11 да, 5.1.13 80    | 5.1.01 да, 5.1.11 нет, 5.1.13 85 |
    /// | a2     | 5.1.01 нет (5.1.11 без ответа)     | 5.1.01 да, 5.1.11 да        |
    /// | b1     | нет самооценки                     | 5.1.01 нет, 5.1.11 нет      |
    fn fixture() -> Vec<(SchoolIdentity, SchoolDocuments)> {
        vec![
            (
                school("b1", "СОШ № 3 с. Лермонтовка", BIKIN),
                docs(vec![sa("b1", 2024, &[("5.1.01", No), ("5.1.11", No)])]),
            ),
            (
                school("a2", "СОШ № 2", AMUR),
                docs(vec![
                    sa("a2", 2024, &[("5.1.01", Yes), ("5.1.11", Yes)]),
                    sa("a2", 2023, &[("5.1.01", No)]),
                ]),
            ),
            (
                school("a1", "СОШ № 1", AMUR),
                docs(vec![
                    sa(
                        "a1",
                        2023,
                        &[("5.1.01", Yes), ("5.1.11", Yes), ("5.1.13", N(80.0))],
                    ),
                    sa(
                        "a1",
                        2024,
                        &[("5.1.01", Yes), ("5.1.11", No), ("5.1.13", N(85.0))],
                    ),
                ]),
            ),
        ]
    }

    fn view(f: &[(SchoolIdentity, SchoolDocuments)]) -> Vec<(SchoolIdentity, &SchoolDocuments)> {
        f.iter().map(|(s, d)| (s.clone(), d)).collect()
    }

    /// (answered, classified, meeting, share, change)
    type Numbers = (usize, usize, usize, Option<f64>, Option<f64>);

    fn numbers(t: &MonitoringTable, m: Option<&str>, item: &str, year: i32) -> Numbers {
        let c = t.share_cell(m, item, year).expect("cell exists");
        (c.answered, c.classified, c.meeting, c.share, c.change_pp)
    }

    fn close(a: Option<f64>, b: Option<f64>) -> bool {
        match (a, b) {
            (Some(a), Some(b)) => (a - b).abs() < 1e-9,
            (None, None) => true,
            _ => false,
        }
    }

    fn assert_numbers(got: Numbers, want: Numbers) {
        assert!(
            got.0 == want.0
                && got.1 == want.1
                && got.2 == want.2
                && close(got.3, want.3)
                && close(got.4, want.4),
            "got {got:?}, want {want:?}"
        );
    }

    #[test]
    fn table_holds_years_items_and_schools_in_order() {
        let f = fixture();
        let t = monitoring_table(&view(&f));
        assert_eq!(t.years, [2023, 2024]);
        let q = questionnaire();
        assert_eq!(t.items.len(), q.items.len());
        assert_eq!(t.items[0].id, q.items[0].id);
        let share = &t.items[t.item_index("5.1.13").unwrap()];
        assert_eq!(
            (share.unit.as_str(), share.answer),
            ("%", AnswerType::Share)
        );
        let ids: Vec<&str> = t
            .schools
            .iter()
            .map(|s| s.identity.school_id.as_str())
            .collect();
        assert_eq!(ids, ["a1", "a2", "b1"]);
        let groups: Vec<(&str, bool)> = t
            .groups
            .iter()
            .map(|g| (g.municipality.as_str(), g.whole))
            .collect();
        assert_eq!(
            groups,
            [(AMUR, false), (BIKIN, false), (ALL_MUNICIPALITIES, true)]
        );
        for s in &t.schools {
            assert_eq!(s.cells.len(), t.items.len());
            assert!(s.cells.iter().all(|c| c.len() == 2));
        }
        assert_eq!(t.schools[2].assessed, [false, true]);
    }

    #[test]
    fn school_cells_show_the_answer_and_the_summarys_judgement() {
        let f = fixture();
        let t = monitoring_table(&view(&f));
        let cell = |s: &str, i: &str, y: i32| {
            let c = t.school_cell(s, i, y).expect("cell exists");
            (c.shown.clone(), c.judgement)
        };
        assert_eq!(cell("a1", "5.1.01", 2023), ("да".into(), Judgement::Meets));
        // «да» на «Наличие признаков необъективности» — не соответствует (no_good).
        assert_eq!(
            cell("a1", "5.1.11", 2023),
            ("да".into(), Judgement::DoesNotMeet)
        );
        assert_eq!(cell("a1", "5.1.11", 2024), ("нет".into(), Judgement::Meets));
        // Доля без нормы показывается, но не оценивается.
        assert_eq!(
            cell("a1", "5.1.13", 2023),
            ("80 %".into(), Judgement::NotClassifiable)
        );
        assert_eq!(
            cell("a2", "5.1.11", 2023),
            ("—".into(), Judgement::NoAnswer)
        );
        assert_eq!(
            cell("a2", "5.1.01", 2023),
            ("нет".into(), Judgement::DoesNotMeet)
        );
        assert_eq!(
            cell("b1", "5.1.01", 2023),
            ("—".into(), Judgement::NoSelfAssessment)
        );
        assert_eq!(
            cell("b1", "5.1.01", 2024),
            ("нет".into(), Judgement::DoesNotMeet)
        );
        assert!(t.school_cell("b1", "5.1.01", 2022).is_none());
        assert!(t.school_cell("zz", "5.1.01", 2024).is_none());
        assert!(t.school_cell("b1", "9.9.99", 2024).is_none());
    }

    #[test]
    fn shares_and_changes_by_hand() {
        let f = fixture();
        let t = monitoring_table(&view(&f));
        // 5.1.01. Амурский: 2023 — a1 да, a2 нет: 1 из 2 = 50 %; 2024 — оба да: 100 %,
        // +50 п.п.
        assert_numbers(
            numbers(&t, Some(AMUR), "5.1.01", 2023),
            (2, 2, 1, Some(50.0), None),
        );
        assert_numbers(
            numbers(&t, Some(AMUR), "5.1.01", 2024),
            (2, 2, 2, Some(100.0), Some(50.0)),
        );
        // Бикинский: 2023 — никто не отвечал, доли нет; 2024 — b1 нет: 0 %, изменения нет.
        assert_numbers(
            numbers(&t, Some(BIKIN), "5.1.01", 2023),
            (0, 0, 0, None, None),
        );
        assert_numbers(
            numbers(&t, Some(BIKIN), "5.1.01", 2024),
            (1, 1, 0, Some(0.0), None),
        );
        // Все: 2023 — 1 из 2 = 50 %; 2024 — 2 из 3 = 66,67 %, +16,67 п.п.
        assert_numbers(
            numbers(&t, None, "5.1.01", 2023),
            (2, 2, 1, Some(50.0), None),
        );
        assert_numbers(
            numbers(&t, None, "5.1.01", 2024),
            (3, 3, 2, Some(200.0 / 3.0), Some(200.0 / 3.0 - 50.0)),
        );
        // 5.1.11 («нет» хорошо). Амурский: 2023 — a1 да, a2 без ответа: 0 из 1 = 0 %;
        // 2024 — a1 нет (соответствует), a2 да: 1 из 2 = 50 %, +50 п.п.
        assert_numbers(
            numbers(&t, Some(AMUR), "5.1.11", 2023),
            (1, 1, 0, Some(0.0), None),
        );
        assert_numbers(
            numbers(&t, Some(AMUR), "5.1.11", 2024),
            (2, 2, 1, Some(50.0), Some(50.0)),
        );
        assert_numbers(
            numbers(&t, Some(BIKIN), "5.1.11", 2024),
            (1, 1, 1, Some(100.0), None),
        );
        // Все: 2023 — 0 из 1; 2024 — 2 из 3, +66,67 п.п.
        assert_numbers(
            numbers(&t, None, "5.1.11", 2024),
            (3, 3, 2, Some(200.0 / 3.0), Some(200.0 / 3.0)),
        );
        // 5.1.13: ответ есть, но не оценивается — доли нет.
        assert_numbers(
            numbers(&t, Some(AMUR), "5.1.13", 2023),
            (1, 0, 0, None, None),
        );
        assert_numbers(numbers(&t, None, "5.1.13", 2024), (1, 0, 0, None, None));
        // Пункт без ответов.
        assert_numbers(numbers(&t, None, "5.6.14", 2024), (0, 0, 0, None, None));
    }

    #[test]
    fn coverage_counts_schools_without_any_self_assessment() {
        let mut f = fixture();
        f.push((school("b2", "ООШ с. Васильевка", BIKIN), docs(Vec::new())));
        let t = monitoring_table(&view(&f));
        let cov = |m: Option<&str>| -> Vec<(i32, usize, usize, Option<f64>)> {
            t.group(m)
                .expect("group exists")
                .coverage
                .iter()
                .map(|c| (c.year, c.schools, c.assessed, c.share))
                .collect()
        };
        assert_eq!(
            cov(Some(AMUR)),
            [(2023, 2, 2, Some(100.0)), (2024, 2, 2, Some(100.0))]
        );
        assert_eq!(
            cov(Some(BIKIN)),
            [(2023, 2, 0, Some(0.0)), (2024, 2, 1, Some(50.0))]
        );
        assert_eq!(
            cov(None),
            [(2023, 4, 2, Some(50.0)), (2024, 4, 3, Some(75.0))]
        );
        // b2 sent no self-assessment: it counts in the coverage and has no line of its own.
        assert!(t.schools.iter().all(|s| s.identity.school_id != "b2"));
        assert_numbers(
            numbers(&t, Some(BIKIN), "5.1.01", 2024),
            (1, 1, 0, Some(0.0), None),
        );
        assert_eq!(
            monitoring_coverage_csv(&t).lines().nth(5),
            Some("Бикинский район;2024;2;1;50")
        );
    }

    #[test]
    fn the_last_self_assessment_of_a_year_counts_and_invalid_answers_are_no_answer() {
        let f = vec![(
            school("a1", "СОШ № 1", AMUR),
            docs(vec![
                sa("a1", 2024, &[("5.1.01", No)]),
                // 120 % — недопустимо: как без ответа (так считает сводка).
                sa("a1", 2024, &[("5.1.01", Yes), ("5.1.13", N(120.0))]),
            ]),
        )];
        let t = monitoring_table(&view(&f));
        assert_eq!(t.years, [2024]);
        let c = t.school_cell("a1", "5.1.01", 2024).unwrap();
        assert_eq!(c.judgement, Judgement::Meets);
        let c = t.school_cell("a1", "5.1.13", 2024).unwrap();
        assert_eq!(
            (c.shown.as_str(), c.judgement),
            ("120 %", Judgement::NoAnswer)
        );
        assert_numbers(numbers(&t, None, "5.1.13", 2024), (0, 0, 0, None, None));
    }

    #[test]
    fn numbers_with_a_norm_are_judged_as_the_summary_does() {
        let q = Questionnaire::from_json(
            r#"{
          "version": 1, "title": "Проба", "source": "", "note": "",
          "blocks": [{"id": "A", "title": "Блок А", "groups": ["Г"]}],
          "items": [
            {"id": "a.norm", "block": "A", "group": "Г", "text": "Доля с нормой", "answer": "share", "source": "", "external": false, "polarity": "higher_better", "unit": "%", "good_from": 80},
            {"id": "a.low", "block": "A", "group": "Г", "text": "Доля, норма сверху", "answer": "share", "source": "", "external": false, "polarity": "lower_better", "unit": "%", "good_from": 5}
          ]
        }"#,
        )
        .unwrap();
        let f = vec![
            (
                school("a1", "СОШ № 1", AMUR),
                docs(vec![
                    sa("a1", 2022, &[("a.norm", N(70.0)), ("a.low", N(5.0))]),
                    sa("a1", 2023, &[("a.norm", N(80.0)), ("a.low", N(6.0))]),
                ]),
            ),
            (
                school("a2", "СОШ № 2", AMUR),
                docs(vec![
                    sa("a2", 2022, &[("a.norm", N(90.0))]),
                    sa("a2", 2023, &[("a.norm", N(79.5))]),
                ]),
            ),
        ];
        let t = monitoring_table_with(&q, &view(&f));
        assert_eq!(t.items.len(), 2);
        // a.norm: 2022 — 70 нет, 90 да: 50 %; 2023 — 80 да, 79,5 нет: 50 %, 0 п.п.
        assert_numbers(
            numbers(&t, Some(AMUR), "a.norm", 2022),
            (2, 2, 1, Some(50.0), None),
        );
        assert_numbers(
            numbers(&t, Some(AMUR), "a.norm", 2023),
            (2, 2, 1, Some(50.0), Some(0.0)),
        );
        // a.low: 5 не выше 5 — да (100 %); 6 — нет (0 %), −100 п.п.
        assert_numbers(
            numbers(&t, None, "a.low", 2023),
            (1, 1, 0, Some(0.0), Some(-100.0)),
        );
        assert_eq!(t.school_cell("a2", "a.norm", 2023).unwrap().shown, "79,5 %");
    }

    #[test]
    fn the_change_is_taken_from_the_previous_year_present() {
        let f = vec![(
            school("a1", "СОШ № 1", AMUR),
            docs(vec![
                sa("a1", 2021, &[("5.1.01", No)]),
                sa("a1", 2024, &[("5.1.01", Yes)]),
            ]),
        )];
        let t = monitoring_table(&view(&f));
        assert_eq!(t.years, [2021, 2024]);
        assert_numbers(
            numbers(&t, None, "5.1.01", 2024),
            (1, 1, 1, Some(100.0), Some(100.0)),
        );
    }

    #[test]
    fn depth_note_below_three_years() {
        let mut t = monitoring_table(&[]);
        assert!(t.years.is_empty());
        assert!(depth_note(&t).unwrap().starts_with("Самооценок пока нет"));
        t.years = vec![2024];
        assert_eq!(
            depth_note(&t).unwrap(),
            "Самооценки есть только за 2024 год: динамику по предыдущим годам показать нельзя. \
             Анализ по годам ведётся глубиной не менее 3 лет."
        );
        t.years = vec![2023, 2024];
        assert_eq!(
            depth_note(&t).unwrap(),
            "Самооценки есть за 2 года (2023, 2024): для анализа по годам нужна глубина не \
             менее 3 лет."
        );
        t.years = vec![2022, 2023, 2024];
        assert_eq!(depth_note(&t), None);
    }

    #[test]
    fn one_municipality_has_no_line_for_all_municipalities() {
        // The region's page filtered to one municipality: the table holds only Амурский
        // район, so nothing may be labelled «Все муниципалитеты» — not the select, not a file.
        let f: Vec<_> = fixture()
            .into_iter()
            .filter(|(s, _)| s.municipality == AMUR)
            .collect();
        let t = monitoring_table(&view(&f));
        assert_eq!(t.groups.len(), 1);
        assert!(!t.groups[0].whole);
        assert_eq!(t.scope(), format!("{AMUR}, 2023–2024 годы"));
        // The territory asked for is that municipality.
        assert_eq!(t.group(None).map(|g| g.municipality.as_str()), Some(AMUR));
        let csv = monitoring_shares_csv(&t);
        assert!(!csv.contains(ALL_MUNICIPALITIES), "{csv}");
        assert!(csv.contains(&format!(
            "Мониторинг самооценок школ: {AMUR}, 2023–2024 годы"
        )));
    }

    #[test]
    fn bases_and_numbers_are_given_with_every_share() {
        let f = fixture();
        let t = monitoring_table(&view(&f));
        // Амурский, 5.1.11, 2023: a1 «да» (does not meet), a2 no answer.
        let c = t.share_cell(Some(AMUR), "5.1.11", 2023).unwrap();
        assert_eq!(share_words(c), "0 % (0 из 1)");
        assert_eq!(unanswered_words(c).as_deref(), Some("без ответа: 1"));
        // All, 2024: 2 of 3 meet, +67 п. п. with the typographic signs.
        let c = t.share_cell(None, "5.1.11", 2024).unwrap();
        assert_eq!(share_words(c), "67 % (2 из 3)");
        assert_eq!(change_words(c.change_pp).as_deref(), Some("+67 п. п."));
        assert_eq!(
            change_words(Some(-33.4)).as_deref(),
            Some("\u{2212}33 п. п.")
        );
        assert_eq!(change_words(Some(0.2)).as_deref(), Some("без изменений"));
        assert_eq!(unanswered_words(c), None);
        // 5.1.13 (a number without a norm): no share, the number summarised.
        let c = t.share_cell(Some(AMUR), "5.1.13", 2024).unwrap();
        assert_eq!(share_words(c), "—");
        let n = c.numbers.as_ref().expect("numbers");
        assert_eq!((n.n, n.median, n.change), (1, 85.0, Some(5.0)));
        assert_eq!(numbers_words(n, "%"), "85 % (n = 1)");
        assert_eq!(
            numbers_change_words(n, "%").as_deref(),
            Some("медиана +5 %")
        );
    }

    #[test]
    fn medians_of_odd_and_even_counts_and_their_range() {
        let mut odd = [30.0, 10.0, 14.5];
        let n = summarise(&mut odd, Some(20.0)).unwrap();
        assert_eq!((n.n, n.median, n.min, n.max), (3, 14.5, 10.0, 30.0));
        assert_eq!(n.change, Some(-5.5));
        assert_eq!(
            numbers_words(&n, "на 100 обучающихся"),
            "медиана 14,5 на 100 обучающихся (от 10 до 30 на 100 обучающихся, n = 3)"
        );
        assert_eq!(
            numbers_change_words(&n, "").as_deref(),
            Some("медиана \u{2212}5,5")
        );
        let mut even = [1.0, 4.0, 2.0, 100.0];
        let n = summarise(&mut even, None).unwrap();
        // The mean of the two middle values; an outlier does not move it.
        assert_eq!((n.median, n.change), (3.0, None));
        assert!(summarise(&mut [], None).is_none());
    }

    #[test]
    fn an_empty_region_gives_headers_only() {
        let t = monitoring_table(&[]);
        assert!(t.schools.is_empty());
        assert_eq!(t.groups.len(), 1);
        assert!(t.groups[0].whole && t.groups[0].coverage.is_empty());
        // The title and the header.
        assert_eq!(monitoring_csv_long(&t).lines().count(), 2);
        assert_eq!(monitoring_shares_csv(&t).lines().count(), 2);
        assert_eq!(monitoring_coverage_csv(&t).lines().count(), 2);
    }

    #[test]
    fn long_csv_header_and_a_line() {
        let f = fixture();
        let t = monitoring_table(&view(&f));
        let csv = monitoring_csv_long(&t);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "\u{feff}Ответы школ на самооценку: Все муниципалитеты, 2023–2024 годы"
        );
        assert_eq!(
            lines[1],
            "Муниципалитет;Идентификатор школы;Школа;Пункт;Индикатор;Год;Ответ;Оценка"
        );
        // 3 школы × все пункты × 2 года, название, заголовок и пустой хвост после последнего
        // CRLF.
        assert_eq!(lines.len(), 3 * t.items.len() * 2 + 3);
        let line = format!("{AMUR};a1;СОШ № 1;5.1.11;{OBJECTIVITY};2023;да;не соответствует");
        assert!(lines.contains(&line.as_str()), "{line}");
        let line =
            format!("{BIKIN};b1;СОШ № 3 с. Лермонтовка;5.1.11;{OBJECTIVITY};2023;—;нет самооценки");
        assert!(lines.contains(&line.as_str()), "{line}");
        assert!(csv.contains(";2023;80 %;не оценивается\r\n"));
    }

    #[test]
    fn shares_csv_header_and_lines() {
        let f = fixture();
        let t = monitoring_table(&view(&f));
        let csv = monitoring_shares_csv(&t);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        // The first line says what the table covers.
        assert!(
            lines[0].starts_with(
                "\u{feff}\"Мониторинг самооценок школ: Все муниципалитеты, 2023–2024 годы."
            ),
            "{}",
            lines[0]
        );
        assert_eq!(
            lines[1],
            "Муниципалитет;Пункт;Индикатор;Год;Ответили;С оцениваемым ответом;\
             Соответствуют;Без ответа;Доля соответствующих, %;Изменение к предыдущему году, п. п.;\
             Числовых ответов;Медиана;Минимум;Максимум;Изменение медианы;Единица"
        );
        assert_eq!(lines.len(), 3 * t.items.len() * 2 + 3);
        // 5.1.11 is good when «нет»: its line is phrased as met, so the share reads right.
        let met = "Нет признаков необъективности результатов ВПР в ОО";
        let low = "Доля обучающихся с ОВЗ, которым созданы специальные образовательные условия \
                   в соответствии с рекомендациями ПМПК, от общего количества обучающихся с ОВЗ";
        for line in [
            // a2 has a self-assessment for 2023 without 5.1.11: one without an answer.
            format!("{AMUR};5.1.11;{met};2023;1;1;0;1;0;;;;;;;"),
            format!("{AMUR};5.1.11;{met};2024;2;2;1;0;50;50;;;;;;"),
            format!("{BIKIN};5.1.11;{met};2023;0;0;0;0;;;;;;;;"),
            // Rounded as the section shows them («67 % (2 из 3)», «+67 п. п.»).
            format!("{ALL_MUNICIPALITIES};5.1.11;{met};2024;3;3;2;0;67;67;;;;;;"),
            // A numeric item: no share, its number, median, range and the median's change.
            format!("{AMUR};5.1.13;{low};2023;1;0;0;1;;;1;80;80;80;;%"),
            format!("{AMUR};5.1.13;{low};2024;1;0;0;1;;;1;85;85;85;5;%"),
        ] {
            assert!(lines.contains(&line.as_str()), "{line}");
        }
        // The workbook keeps the share in full.
        let table = monitoring_shares_table(&t);
        assert!(table.rows.iter().any(|r| matches!(
            r[8],
            crate::domain::tables::table::Cell::Rounded(v, SHARE_DECIMALS) if (v - 200.0 / 3.0).abs() < 1e-9
        )));
    }

    // ------------------------------------------------------------ programmes

    fn point(value: Option<f64>, date: &str) -> Checkpoint {
        Checkpoint {
            value,
            date: date.to_string(),
        }
    }

    fn target(
        better: Better,
        goal: Option<f64>,
        year: Option<i32>,
        entry: Option<f64>,
        interim: Option<f64>,
        final_: Option<f64>,
    ) -> Target {
        Target {
            indicator: String::new(),
            label: "Показатель".to_string(),
            unit: "%".to_string(),
            better,
            baseline: entry,
            target: goal,
            target_year: year,
            entry: point(entry, ""),
            interim: point(interim, ""),
            final_: point(final_, ""),
        }
    }

    fn state(t: &Target, year: i32) -> (TargetState, bool, String) {
        let s = target_status(1, t, year);
        (s.state, s.late, s.note)
    }

    use Better::{Higher, Lower};

    #[test]
    fn reached_by_the_final_value() {
        let t = target(
            Lower,
            Some(10.0),
            Some(2025),
            Some(18.0),
            Some(14.0),
            Some(9.0),
        );
        assert_eq!(
            state(&t, 2025),
            (
                TargetState::Reached,
                false,
                "итоговый замер 9 % при цели 10 %".into()
            )
        );
        // Ровно цель — достигнута.
        let t = target(
            Higher,
            Some(70.0),
            Some(2025),
            Some(60.0),
            Some(65.0),
            Some(70.0),
        );
        assert_eq!(state(&t, 2026).0, TargetState::Reached);
    }

    #[test]
    fn an_interim_value_at_the_target_is_on_track_until_the_final_value() {
        // «Достигнута» only by the final value, as the school's report says it.
        let mut t = target(Higher, Some(70.0), Some(2026), Some(60.0), Some(71.0), None);
        assert_eq!(
            state(&t, 2025),
            (
                TargetState::OnTrack,
                false,
                "промежуточный замер 71 % уже на уровне цели 70 %, итогового замера нет".into()
            )
        );
        assert_eq!(t.reached_label(), "нет данных");
        // The final value decides, whatever the interim one was.
        t.final_.value = Some(69.0);
        assert_eq!(state(&t, 2025).0, TargetState::OffTarget);
        assert_eq!(t.reached_label(), "нет");
        t.final_.value = Some(70.0);
        assert_eq!(state(&t, 2025).0, TargetState::Reached);
        assert_eq!(t.reached_label(), "да");
    }

    #[test]
    fn off_target_when_the_final_value_falls_short() {
        let t = target(
            Higher,
            Some(70.0),
            Some(2025),
            Some(60.0),
            Some(65.0),
            Some(68.0),
        );
        assert_eq!(
            state(&t, 2025),
            (
                TargetState::OffTarget,
                false,
                "итоговый замер 68 % не достигает цели 70 %".into()
            )
        );
    }

    #[test]
    fn off_target_when_the_interim_value_moves_away() {
        let t = target(Lower, Some(10.0), Some(2026), Some(18.0), Some(21.0), None);
        assert_eq!(
            state(&t, 2025),
            (
                TargetState::OffTarget,
                false,
                "промежуточный замер 21 % дальше от цели 10 %, чем входной 18 %".into()
            )
        );
        // Без входного замера сравнить не с чем — в графике.
        let t = target(Lower, Some(10.0), Some(2026), None, Some(21.0), None);
        assert_eq!(state(&t, 2025).0, TargetState::OnTrack);
    }

    #[test]
    fn late_when_the_target_year_passed_without_a_final_value() {
        let t = target(Higher, Some(30.0), Some(2024), Some(12.0), Some(20.0), None);
        assert_eq!(
            state(&t, 2025),
            (
                TargetState::Late,
                true,
                "год достижения 2024 прошёл, итогового замера нет".into()
            )
        );
        // В самом году достижения — ещё не поздно.
        assert_eq!(
            state(&t, 2024),
            (
                TargetState::OnTrack,
                false,
                "промежуточный замер 20 %, цель 30 %".into()
            )
        );
        // Без замеров и без целевого значения — тоже просрочен.
        let t = target(Higher, None, Some(2024), None, None, None);
        assert_eq!(state(&t, 2025).0, TargetState::Late);
    }

    #[test]
    fn a_missing_interim_value_after_the_target_year_is_flagged() {
        let t = target(Lower, Some(10.0), Some(2024), Some(18.0), None, Some(9.0));
        assert_eq!(
            state(&t, 2025),
            (
                TargetState::Reached,
                true,
                "итоговый замер 9 % при цели 10 %; год достижения прошёл, промежуточного замера нет"
                    .into()
            )
        );
        assert!(!state(&t, 2024).1);
    }

    #[test]
    fn on_track_and_not_measured() {
        let t = target(Lower, Some(5.0), Some(2026), Some(9.0), None, None);
        assert_eq!(
            state(&t, 2025),
            (
                TargetState::OnTrack,
                false,
                "входной замер 9 %, цель 5 %".into()
            )
        );
        let t = target(Lower, Some(5.0), Some(2026), None, None, None);
        assert_eq!(
            state(&t, 2025),
            (TargetState::NotMeasured, false, "замеров ещё нет".into())
        );
        let t = target(Lower, None, Some(2026), Some(9.0), None, Some(4.0));
        assert_eq!(
            state(&t, 2026),
            (
                TargetState::NotMeasured,
                false,
                "не задано целевое значение".into()
            )
        );
        let t = target(Lower, Some(5.0), None, None, None, None);
        assert_eq!(state(&t, 2100).0, TargetState::NotMeasured);
    }

    #[test]
    fn values_that_are_not_numbers_do_not_panic() {
        let t = target(
            Higher,
            Some(f64::NAN),
            Some(i32::MAX),
            Some(f64::INFINITY),
            Some(f64::NAN),
            None,
        );
        let s = target_status(1, &t, i32::MIN);
        assert!(!s.late);
        let t = target(
            Higher,
            Some(1.0),
            Some(i32::MIN),
            None,
            None,
            Some(f64::NAN),
        );
        assert_eq!(target_status(1, &t, i32::MAX).state, TargetState::OffTarget);
    }

    fn measure(due: &str, done: bool) -> Measure {
        Measure {
            text: format!("Мероприятие до {due}"),
            start: String::new(),
            due: due.to_string(),
            responsible: "Зам. директора".to_string(),
            done,
        }
    }

    #[test]
    fn measures_are_overdue_only_by_valid_dates() {
        let today = "2025-03-10";
        assert_eq!(
            measure_state(&measure("2025-01-31", false), today),
            MeasureState::Overdue
        );
        assert_eq!(
            measure_state(&measure("2025-01-31", true), today),
            MeasureState::Done
        );
        assert_eq!(
            measure_state(&measure("2025-03-10", false), today),
            MeasureState::Open
        );
        assert_eq!(
            measure_state(&measure("2025-12-31", false), today),
            MeasureState::Open
        );
        assert_eq!(
            measure_state(&measure("", false), today),
            MeasureState::Open
        );
        assert_eq!(
            measure_state(&measure("31.01.2025", false), today),
            MeasureState::Open
        );
        assert_eq!(
            measure_state(&measure("2025-02-30", false), today),
            MeasureState::Open
        );
        assert_eq!(
            measure_state(&measure("2025-01-31", false), "сегодня"),
            MeasureState::Open
        );
        assert_eq!(MeasureState::Overdue.label(), "просрочено");
    }

    #[test]
    fn dates_are_compared_only_when_both_parse() {
        assert_eq!(
            compare_dates("2025-01-31", "2025-02-01"),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare_dates(" 2025-02-01", "2025-02-01 "),
            Some(Ordering::Equal)
        );
        assert_eq!(
            compare_dates("2026-01-01", "2025-12-31"),
            Some(Ordering::Greater)
        );
        assert_eq!(compare_dates("2025-1-31", "2025-02-01"), None);
        assert_eq!(compare_dates("2025-02-01", "２０２５-01-05"), None);
        assert_eq!(compare_dates("", ""), None);
        assert_eq!(date_year("2024-02-29"), Some(2024));
        assert_eq!(date_year("2025-02-29"), None);
        assert_eq!(date_year("ё-ё-ё"), None);
    }

    /// The programme of the worked example: today 2025-03-10.
    fn programme() -> Programme {
        let mut t1 = target(Lower, Some(10.0), Some(2024), Some(18.0), None, Some(9.0));
        t1.label = "Доля «2» по ОГЭ, математика".into();
        t1.entry.date = "2023-09-15".into();
        t1.final_.date = "2024-06-20".into();
        let mut t2 = target(Higher, Some(70.0), Some(2026), Some(60.0), Some(58.0), None);
        t2.label = "Средний балл ЕГЭ, русский язык".into();
        t2.unit = "баллов".into();
        let mut t3 = target(Higher, Some(30.0), Some(2024), Some(12.0), Some(20.0), None);
        t3.label = "Доля участников олимпиад".into();
        let mut t4 = target(Lower, Some(5.0), Some(2026), Some(9.0), None, None);
        t4.label = "Доля пропусков без причины".into();
        t4.entry.date = "вчера".into();
        Programme {
            basis: "ШНРО".into(),
            zones: Vec::new(),
            targets: vec![t1, t2, t3, t4],
            measures: vec![
                measure("2025-01-31", false),
                measure("2024-12-01", true),
                measure("2025-03-10", false),
                measure("31.12.2024", false),
            ],
        }
    }

    const SENTENCE: &str = "Целей: 4 — достигнута: 1, отклонение от цели: 1, просрочен замер: 1, \
                            в графике: 1. Без промежуточного замера после года достижения: 1. \
                            Просрочено мероприятий: 1.";

    #[test]
    fn programme_status_of_the_worked_example() {
        let s = programme_status(&programme(), "2025-03-10", 2025);
        let states: Vec<(usize, TargetState, bool)> = s
            .targets
            .iter()
            .map(|t| (t.number, t.state, t.late))
            .collect();
        assert_eq!(
            states,
            [
                (1, TargetState::Reached, true),
                (2, TargetState::OffTarget, false),
                (3, TargetState::Late, true),
                (4, TargetState::OnTrack, false),
            ]
        );
        assert_eq!(
            s.targets[1].note,
            "промежуточный замер 58 баллов дальше от цели 70 баллов, чем входной 60 баллов"
        );
        assert!(s.late && s.off_target);
        assert_eq!(s.overdue_measures, 1);
        assert_eq!(s.summary, SENTENCE);

        let empty = programme_status(&Programme::default(), "2025-03-10", 2025);
        assert!(!empty.late && !empty.off_target);
        assert_eq!(empty.summary, "Целей нет. Просроченных мероприятий нет.");
        assert_eq!(TargetState::Late.label(), "просрочен замер");
    }

    #[test]
    fn an_unparseable_today_makes_nothing_late_or_overdue() {
        let p = programme();
        let d = SchoolDocuments {
            self_assessments: Vec::new(),
            programme: Some(p),
        };
        let schools = vec![(school("a1", "СОШ № 1", AMUR), &d)];
        for today in ["10.03.2025", "", "2025-13-01", "ъъъъ-ъъ-ъъ"] {
            let rows = programme_list(&schools, today);
            assert_eq!(rows.len(), 1);
            assert_eq!((rows[0].late, rows[0].overdue_measures), (0, 0), "{today}");
            let csv = programme_targets_csv(&schools, today);
            assert!(!csv.contains("просрочен замер"), "{today}");
        }
        // Непонятная дата замера не мешает: замера без значения нет.
        let mut t = target(Lower, Some(5.0), Some(2026), None, None, None);
        t.entry.date = "не помню".into();
        assert_eq!(
            state(&t, 2025),
            (TargetState::NotMeasured, false, "замеров ещё нет".into())
        );
    }

    #[test]
    fn programme_list_rows_and_csv() {
        let with = SchoolDocuments {
            self_assessments: Vec::new(),
            programme: Some(programme()),
        };
        let empty = SchoolDocuments {
            self_assessments: Vec::new(),
            programme: Some(Programme::default()),
        };
        let none = SchoolDocuments::default();
        let mut other = programme();
        other.targets.truncate(1);
        other.measures.clear();
        other.basis = "=решение школы".into();
        let other = SchoolDocuments {
            self_assessments: Vec::new(),
            programme: Some(other),
        };
        let schools = vec![
            (school("b1", "СОШ № 3", BIKIN), &other),
            (school("a2", "СОШ № 2", AMUR), &empty),
            (school("a3", "СОШ № 4", AMUR), &none),
            (school("a1", "СОШ № 1", AMUR), &with),
        ];
        let rows = programme_list(&schools, "2025-03-10");
        let ids: Vec<&str> = rows.iter().map(|r| r.identity.school_id.as_str()).collect();
        assert_eq!(ids, ["a1", "b1"]);
        let r = &rows[0];
        assert_eq!(
            (
                r.targets,
                r.reached,
                r.off_target,
                r.late,
                r.measures,
                r.overdue_measures
            ),
            (4, 1, 1, 2, 4, 1)
        );
        assert_eq!(r.status, SENTENCE);

        let csv = programme_csv(&rows);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "\u{feff}Муниципалитет;Идентификатор школы;Школа;Основание;Целей;Достигнуто;\
             Отклонение от цели;Просрочен замер;Мероприятий;Просрочено мероприятий;Состояние"
        );
        assert_eq!(
            lines[1],
            format!("{AMUR};a1;СОШ № 1;ШНРО;4;1;1;2;4;1;{SENTENCE}")
        );
        assert!(lines[2].starts_with(&format!("{BIKIN};b1;СОШ № 3;'=решение школы;1;1;0;1;0;0;")));
        assert_eq!(lines.len(), 4);
    }

    #[test]
    fn programme_targets_csv_header_and_a_line() {
        let d = SchoolDocuments {
            self_assessments: Vec::new(),
            programme: Some(programme()),
        };
        let schools = vec![(school("a1", "СОШ № 1", AMUR), &d)];
        let csv = programme_targets_csv(&schools, "2025-03-10");
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "\u{feff}Муниципалитет;Идентификатор школы;Школа;Показатель;Единица;\
             Исходное значение;Целевое значение;Год достижения;Входной замер;\
             Дата входного замера;Промежуточный замер;Дата промежуточного замера;\
             Итоговый замер;Дата итогового замера;Состояние;Пояснение"
        );
        assert_eq!(
            lines[1],
            format!(
                "{AMUR};a1;СОШ № 1;Доля «2» по ОГЭ, математика;%;18;10;2024;18;15.09.2023;;;9;\
                 20.06.2024;достигнута;\"итоговый замер 9 % при цели 10 %; год достижения \
                 прошёл, промежуточного замера нет\""
            )
        );
        assert_eq!(lines.len(), 4 + 2);
        assert!(
            lines[3].ends_with(";просрочен замер;год достижения 2024 прошёл, итогового замера нет")
        );
    }
}
