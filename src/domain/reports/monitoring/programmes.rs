//! The programme monitoring of seed 001 («входного, промежуточного, итогового»): each target
//! of a school's improvement programme reached, off target, late, on track or not measured,
//! the measures overdue, the list of the schools' programmes and its tables for Excel. Dates
//! are compared only when both are dates ([`compare_dates`]), so a date that does not parse
//! never makes anything overdue.

use super::school_key;
use crate::domain::common::time::date_ru;
use crate::domain::common::time::{compare_dates, date_year};
use crate::domain::exchange::records::{SchoolDocuments, SchoolIdentity};
use crate::domain::school::programme::{Better, Measure, Programme, Target};
use crate::domain::school::self_assessment::AnswerValue;
use crate::domain::tables::table::{Table, TableWriter};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// The state of one target of a programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetState {
    /// The final value reaches the target ([`Target::reached`]: only the final value decides
    /// it, as in the school's own programme and report).
    Reached,
    /// The final value does not reach the target, or the interim value moved away from the
    /// target compared to the entry value.
    OffTarget,
    /// The target year has passed without a final value.
    Late,
    /// Measured without a final value yet, not moving away, the target year not passed (an
    /// entry or interim value already at the target is on track, the note says so).
    OnTrack,
    /// Nothing measured yet, or no target value to compare with.
    NotMeasured,
}

impl TargetState {
    /// «достигнута», «отклонение от цели», «просрочен замер», «в графике», «нет данных».
    pub fn label(self) -> &'static str {
        match self {
            TargetState::Reached => "достигнута",
            TargetState::OffTarget => "отклонение от цели",
            TargetState::Late => "просрочен замер",
            TargetState::OnTrack => "в графике",
            TargetState::NotMeasured => "нет данных",
        }
    }
}

/// One target's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetStatus {
    /// The target's number in the programme, from 1 (as [`crate::domain::school::programme::validate`]
    /// names them: «цель 1»).
    pub number: usize,
    pub label: String,
    pub unit: String,
    pub state: TargetState,
    /// The target year has passed and the interim or the final value is missing (always
    /// true for [`TargetState::Late`]; may be true with any other state when only the interim
    /// value is missing).
    pub late: bool,
    /// Why, in Russian.
    pub note: String,
}

/// The state of a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureState {
    Done,
    /// Not done, and its due date is before today.
    Overdue,
    /// Not done, not overdue (also when the due date or today is not a valid date).
    Open,
}

impl MeasureState {
    /// «выполнено», «просрочено», «не выполнено».
    pub fn label(self) -> &'static str {
        match self {
            MeasureState::Done => "выполнено",
            MeasureState::Overdue => "просрочено",
            MeasureState::Open => "не выполнено",
        }
    }
}

/// A measure is overdue when it is not done and its due date is before `today` (both dates
/// valid; a due date equal to today is not overdue yet).
pub fn measure_state(m: &Measure, today: &str) -> MeasureState {
    if m.done {
        MeasureState::Done
    } else if compare_dates(&m.due, today) == Some(Ordering::Less) {
        MeasureState::Overdue
    } else {
        MeasureState::Open
    }
}

/// A programme's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammeStatus {
    /// Some target has its `late` flag.
    pub late: bool,
    /// Some target is [`TargetState::OffTarget`].
    pub off_target: bool,
    pub targets: Vec<TargetStatus>,
    pub overdue_measures: usize,
    /// One sentence in Russian.
    pub summary: String,
}

pub(super) fn shown(v: f64, unit: &str) -> String {
    AnswerValue::Number(v).display(unit)
}

/// Whether the interim value is further from the target than the entry value (in the
/// target's direction); false unless both are measured.
fn moved_away(t: &Target) -> bool {
    match (t.entry.value, t.interim.value) {
        (Some(entry), Some(interim)) => match t.better {
            Better::Higher => interim < entry,
            Better::Lower => interim > entry,
        },
        _ => false,
    }
}

/// One target's status; `year` is the current year.
pub(super) fn target_status(number: usize, t: &Target, year: i32) -> TargetStatus {
    let past = t.target_year.is_some_and(|y| y < year);
    let final_missing = t.final_.value.is_none();
    let late = past && (final_missing || t.interim.value.is_none());
    let u = t.unit.as_str();
    let (state, mut note) = match (t.target, t.final_.value) {
        (Some(goal), Some(last)) => {
            if t.reached() == Some(true) {
                (
                    TargetState::Reached,
                    format!(
                        "итоговый замер {} при цели {}",
                        shown(last, u),
                        shown(goal, u)
                    ),
                )
            } else {
                (
                    TargetState::OffTarget,
                    format!(
                        "итоговый замер {} не достигает цели {}",
                        shown(last, u),
                        shown(goal, u)
                    ),
                )
            }
        }
        _ if past && final_missing => (
            TargetState::Late,
            format!(
                "год достижения {} прошёл, итогового замера нет",
                t.target_year.unwrap_or(year)
            ),
        ),
        (None, _) => (
            TargetState::NotMeasured,
            "не задано целевое значение".to_string(),
        ),
        (Some(goal), None) => match (t.interim.value, t.entry.value) {
            (None, None) => (TargetState::NotMeasured, "замеров ещё нет".to_string()),
            (Some(v), _) | (None, Some(v)) => {
                let point = if t.interim.value.is_some() {
                    "промежуточный"
                } else {
                    "входной"
                };
                if t.reaches(v) == Some(true) {
                    (
                        TargetState::OnTrack,
                        format!(
                            "{point} замер {} уже на уровне цели {}, итогового замера нет",
                            shown(v, u),
                            shown(goal, u)
                        ),
                    )
                } else if moved_away(t) {
                    (
                        TargetState::OffTarget,
                        format!(
                            "промежуточный замер {} дальше от цели {}, чем входной {}",
                            shown(v, u),
                            shown(goal, u),
                            t.entry.value.map_or_else(String::new, |e| shown(e, u))
                        ),
                    )
                } else {
                    (
                        TargetState::OnTrack,
                        format!("{point} замер {}, цель {}", shown(v, u), shown(goal, u)),
                    )
                }
            }
        },
    };
    if late && state != TargetState::Late {
        note.push_str("; год достижения прошёл, промежуточного замера нет");
    }
    TargetStatus {
        number,
        label: t.label.clone(),
        unit: t.unit.clone(),
        state,
        late,
        note,
    }
}

/// The programme monitoring of one school (seed 001: «входного, промежуточного,
/// итогового»); `today` is an ISO date (for the measures' due dates), `year` the current
/// year (for the targets' years).
///
/// A target is, in this order:
/// 1. with a final value and a target value: [`TargetState::Reached`] when the final value
///    reaches the target, else [`TargetState::OffTarget`];
/// 2. [`TargetState::Late`] when its target year is before `year` and there is no final
///    value;
/// 3. [`TargetState::NotMeasured`] without a target value;
/// 4. by the latest of the interim and entry values: [`TargetState::OffTarget`] when the
///    interim value is further from the target than the entry value;
///    [`TargetState::OnTrack`] otherwise, also when that value is already at the target
///    («достигнута» is decided by the final value only, [`Target::reached`]);
///    [`TargetState::NotMeasured`] when neither is measured.
///
/// Besides the state, a target is `late` when its target year is before `year` and the
/// interim or the final value is missing. A measure is overdue by [`measure_state`].
/// Checkpoint dates are not read: a value is measured when it is there.
pub fn programme_status(p: &Programme, today: &str, year: i32) -> ProgrammeStatus {
    let targets: Vec<TargetStatus> = p
        .targets
        .iter()
        .enumerate()
        .map(|(i, t)| target_status(i + 1, t, year))
        .collect();
    let overdue_measures = p
        .measures
        .iter()
        .filter(|m| measure_state(m, today) == MeasureState::Overdue)
        .count();
    let summary = status_sentence(&targets, overdue_measures);
    ProgrammeStatus {
        late: targets.iter().any(|t| t.late),
        off_target: targets.iter().any(|t| t.state == TargetState::OffTarget),
        targets,
        overdue_measures,
        summary,
    }
}

/// «Целей: 3 — достигнута: 1, отклонение от цели: 1, просрочен замер: 1. Просрочено
/// мероприятий: 2.»
fn status_sentence(targets: &[TargetStatus], overdue_measures: usize) -> String {
    let mut out = if targets.is_empty() {
        "Целей нет.".to_string()
    } else {
        let parts: Vec<String> = [
            TargetState::Reached,
            TargetState::OffTarget,
            TargetState::Late,
            TargetState::OnTrack,
            TargetState::NotMeasured,
        ]
        .into_iter()
        .filter_map(|s| {
            let n = targets.iter().filter(|t| t.state == s).count();
            (n > 0).then(|| format!("{}: {n}", s.label()))
        })
        .collect();
        format!("Целей: {} — {}.", targets.len(), parts.join(", "))
    };
    let missing_interim = targets
        .iter()
        .filter(|t| t.late && t.state != TargetState::Late)
        .count();
    if missing_interim > 0 {
        out.push_str(&format!(
            " Без промежуточного замера после года достижения: {missing_interim}."
        ));
    }
    if overdue_measures > 0 {
        out.push_str(&format!(" Просрочено мероприятий: {overdue_measures}."));
    } else {
        out.push_str(" Просроченных мероприятий нет.");
    }
    out
}

/// One school's programme in the municipal list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammeRow {
    pub identity: SchoolIdentity,
    pub basis: String,
    pub targets: usize,
    pub reached: usize,
    pub off_target: usize,
    /// Targets with the `late` flag.
    pub late: usize,
    pub measures: usize,
    pub overdue_measures: usize,
    /// [`ProgrammeStatus::summary`].
    pub status: String,
}

/// The current year for the lists: the year of `today`; when `today` is not a valid date,
/// a year before any, so that nothing is late.
fn current_year(today: &str) -> i32 {
    date_year(today).unwrap_or(i32::MIN)
}

fn with_programmes<'a>(
    schools: &'a [(SchoolIdentity, &'a SchoolDocuments)],
) -> Vec<(&'a SchoolIdentity, &'a Programme)> {
    let mut out: Vec<(&SchoolIdentity, &Programme)> = schools
        .iter()
        .filter_map(|(s, d)| {
            d.programme
                .as_ref()
                .filter(|p| !p.is_empty())
                .map(|p| (s, p))
        })
        .collect();
    out.sort_by(|a, b| school_key(a.0).cmp(&school_key(b.0)));
    out
}

/// One row per school with a (non-empty) programme, by municipality, name and id; the current
/// year is the year of `today` (when `today` is not a valid date, nothing is late or overdue).
pub fn programme_list(
    schools: &[(SchoolIdentity, &SchoolDocuments)],
    today: &str,
) -> Vec<ProgrammeRow> {
    let year = current_year(today);
    with_programmes(schools)
        .into_iter()
        .map(|(identity, p)| {
            let s = programme_status(p, today, year);
            let count = |state: TargetState| s.targets.iter().filter(|t| t.state == state).count();
            ProgrammeRow {
                identity: identity.clone(),
                basis: p.basis.clone(),
                targets: s.targets.len(),
                reached: count(TargetState::Reached),
                off_target: count(TargetState::OffTarget),
                late: s.targets.iter().filter(|t| t.late).count(),
                measures: p.measures.len(),
                overdue_measures: s.overdue_measures,
                status: s.summary,
            }
        })
        .collect()
}

/// The programme list for Excel.
pub fn programme_table(rows: &[ProgrammeRow]) -> Table {
    let mut w = TableWriter::new();
    for h in [
        "Муниципалитет",
        "Идентификатор школы",
        "Школа",
        "Основание",
        "Целей",
        "Достигнуто",
        "Отклонение от цели",
        "Просрочен замер",
        "Мероприятий",
        "Просрочено мероприятий",
        "Состояние",
    ] {
        w.text(h);
    }
    w.end_line();
    for r in rows {
        w.text(&r.identity.municipality)
            .text(&r.identity.school_id)
            .text(&r.identity.school_name)
            .text(&r.basis);
        for n in [
            r.targets,
            r.reached,
            r.off_target,
            r.late,
            r.measures,
            r.overdue_measures,
        ] {
            w.number(Some(n as f64));
        }
        w.text(&r.status).end_line();
    }
    w.finish()
}

/// [`programme_table`] as CSV for Excel.
pub fn programme_csv(rows: &[ProgrammeRow]) -> String {
    programme_table(rows).to_csv()
}

/// The targets of every programme for Excel, one line per target: school, indicator, unit,
/// baseline, target, target year, the entry, interim and final values with their dates
/// (ДД.ММ.ГГГГ), the state and why.
pub fn programme_targets_table(
    schools: &[(SchoolIdentity, &SchoolDocuments)],
    today: &str,
) -> Table {
    let year = current_year(today);
    let mut w = TableWriter::new();
    for h in [
        "Муниципалитет",
        "Идентификатор школы",
        "Школа",
        "Показатель",
        "Единица",
        "Исходное значение",
        "Целевое значение",
        "Год достижения",
        "Входной замер",
        "Дата входного замера",
        "Промежуточный замер",
        "Дата промежуточного замера",
        "Итоговый замер",
        "Дата итогового замера",
        "Состояние",
        "Пояснение",
    ] {
        w.text(h);
    }
    w.end_line();
    for (identity, p) in with_programmes(schools) {
        for (i, t) in p.targets.iter().enumerate() {
            let s = target_status(i + 1, t, year);
            w.text(&identity.municipality)
                .text(&identity.school_id)
                .text(&identity.school_name)
                .text(&t.label)
                .text(&t.unit)
                .number(t.baseline)
                .number(t.target)
                .number(t.target_year.map(f64::from))
                .number(t.entry.value)
                .text(&date_ru(&t.entry.date))
                .number(t.interim.value)
                .text(&date_ru(&t.interim.date))
                .number(t.final_.value)
                .text(&date_ru(&t.final_.date))
                .text(s.state.label())
                .text(&s.note)
                .end_line();
        }
    }
    w.finish()
}

/// [`programme_targets_table`] as CSV for Excel.
pub fn programme_targets_csv(
    schools: &[(SchoolIdentity, &SchoolDocuments)],
    today: &str,
) -> String {
    programme_targets_table(schools, today).to_csv()
}
