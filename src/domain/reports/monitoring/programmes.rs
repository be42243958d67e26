//! The programme monitoring of seed 001 («входного, промежуточного, итогового»): each target
//! of a school's improvement programme reached, off target, late, on track or not measured,
//! the measures overdue, the list of the schools' programmes and its tables for Excel. Dates
//! are compared only when both are dates ([`compare_dates`]), so a date that does not parse
//! never makes anything overdue.

use super::school_key;
use crate::domain::common::format::num;
use crate::domain::common::time::date_ru;
use crate::domain::common::time::{compare_dates, date_year};
use crate::domain::exchange::records::{SchoolDocuments, SchoolIdentity};
use crate::domain::school::programme::{Better, Checkpoint, Measure, Programme, Target};
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

/// The decimals of a programme's values wherever a person reads them: the municipal page,
/// the справка and the CSV (the school's own programme page shows them so, `num(v, 2)`).
pub const PROGRAMME_DECIMALS: usize = 2;

/// A value with its unit as a person reads it: «7,5 %», «58 баллов», «−1,25» (the one
/// number format of the pages, [`num`], rounded to [`PROGRAMME_DECIMALS`]; no float noise);
/// «—» for a value that is not finite.
pub(super) fn shown(v: f64, unit: &str) -> String {
    let n = num(Some(v), PROGRAMME_DECIMALS);
    let unit = unit.trim();
    if unit.is_empty() || !v.is_finite() {
        n
    } else {
        format!("{n} {unit}")
    }
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

/// [`PROGRAMME_DECIMALS`] as the tables' cells take it.
const DECIMALS_U8: u8 = PROGRAMME_DECIMALS as u8;

/// The targets of every programme for Excel, one line per target: school, indicator, unit,
/// baseline, target, target year, the entry, interim and final values with their dates
/// (ДД.ММ.ГГГГ), the state and why. The values are written as the page shows them (rounded
/// to [`PROGRAMME_DECIMALS`] in CSV, in full with that format in a workbook).
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
                .rounded(t.baseline, DECIMALS_U8)
                .rounded(t.target, DECIMALS_U8)
                .number(t.target_year.map(f64::from))
                .rounded(t.entry.value, DECIMALS_U8)
                .text(&date_ru(&t.entry.date))
                .rounded(t.interim.value, DECIMALS_U8)
                .text(&date_ru(&t.interim.date))
                .rounded(t.final_.value, DECIMALS_U8)
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

// ---------------------------------------------------------------- one school's programme in detail

/// One monitoring point of a target as shown: seed 001's «входного, промежуточного,
/// итогового» measurement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointDetail {
    pub value: Option<f64>,
    /// The value with the target's unit («7,5 %»), «—» when not measured.
    pub shown: String,
    /// The date ДД.ММ.ГГГГ ([`date_ru`]: a date that does not parse as written), empty when
    /// none.
    pub date: String,
}

impl PointDetail {
    fn of(c: &Checkpoint, unit: &str) -> Self {
        PointDetail {
            value: c.value,
            shown: value_shown(c.value, unit),
            date: date_ru(&c.date),
        }
    }

    /// «7,5 % (10.06.2025)», «7,5 %» without a date, «—» when not measured (a date without a
    /// value is no measurement).
    pub fn text(&self) -> String {
        if self.value.is_none() || self.date.is_empty() {
            self.shown.clone()
        } else {
            format!("{} ({})", self.shown, self.date)
        }
    }
}

/// A value with its unit, «—» for none ([`shown`]).
fn value_shown(v: Option<f64>, unit: &str) -> String {
    v.map_or_else(|| "—".to_string(), |v| shown(v, unit))
}

/// One target of a school's programme with its values: what the municipality reads to see
/// where the school stands, not only the counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetDetail {
    /// From 1, as [`TargetStatus::number`].
    pub number: usize,
    pub label: String,
    pub unit: String,
    /// The indicator as shown: the label with the unit once ([`Target::name`]).
    pub name: String,
    pub baseline: Option<f64>,
    /// [`TargetDetail::baseline`] with the unit, «—» when none.
    pub baseline_shown: String,
    pub target: Option<f64>,
    /// [`TargetDetail::target`] with the unit, «—» when none.
    pub target_shown: String,
    pub target_year: Option<i32>,
    pub entry: PointDetail,
    pub interim: PointDetail,
    pub final_: PointDetail,
    pub state: TargetState,
    /// [`TargetStatus::late`].
    pub late: bool,
    /// [`TargetStatus::note`].
    pub note: String,
}

impl TargetDetail {
    /// Off target or late (a checkpoint missing after the target year): what the
    /// municipality looks at first.
    pub fn needs_attention(&self) -> bool {
        self.late || self.state == TargetState::OffTarget
    }

    /// «2025 год», «—» without a target year.
    pub fn year_text(&self) -> String {
        self.target_year
            .map_or_else(|| "—".to_string(), |y| format!("{y} год"))
    }
}

/// A measure not done by its due date ([`MeasureState::Overdue`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueMeasure {
    /// The measure's number in the programme, from 1.
    pub number: usize,
    pub text: String,
    /// The due date ДД.ММ.ГГГГ.
    pub due: String,
    pub responsible: String,
}

/// One school's programme in detail: every target with its entry, interim and final values
/// and their dates, the target and its year, the state and why; the overdue measures by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgrammeDetail {
    pub identity: SchoolIdentity,
    pub basis: String,
    pub targets: Vec<TargetDetail>,
    /// In the programme's order.
    pub overdue: Vec<OverdueMeasure>,
    /// The number of measures of the programme.
    pub measures: usize,
    /// [`ProgrammeStatus::summary`].
    pub summary: String,
}

impl ProgrammeDetail {
    /// Some target is late (a checkpoint missing after the target year).
    pub fn late(&self) -> bool {
        self.targets.iter().any(|t| t.late)
    }

    /// Some target is [`TargetState::OffTarget`].
    pub fn off_target(&self) -> bool {
        self.targets
            .iter()
            .any(|t| t.state == TargetState::OffTarget)
    }

    /// The targets off target or late, in the programme's order.
    pub fn flagged(&self) -> impl Iterator<Item = &TargetDetail> {
        self.targets.iter().filter(|t| t.needs_attention())
    }
}

/// One school's programme in detail; `today` is an ISO date (the measures' due dates; its
/// year is the current year of the targets, as in [`programme_list`]: when `today` is not a
/// valid date, nothing is late or overdue).
pub fn programme_detail(identity: &SchoolIdentity, p: &Programme, today: &str) -> ProgrammeDetail {
    let year = current_year(today);
    let status = programme_status(p, today, year);
    let targets = p
        .targets
        .iter()
        .zip(status.targets)
        .map(|(t, s)| {
            let u = t.unit.as_str();
            TargetDetail {
                number: s.number,
                name: t.name(),
                label: s.label,
                unit: s.unit,
                baseline: t.baseline,
                baseline_shown: value_shown(t.baseline, u),
                target: t.target,
                target_shown: value_shown(t.target, u),
                target_year: t.target_year,
                entry: PointDetail::of(&t.entry, u),
                interim: PointDetail::of(&t.interim, u),
                final_: PointDetail::of(&t.final_, u),
                state: s.state,
                late: s.late,
                note: s.note,
            }
        })
        .collect();
    let overdue = p
        .measures
        .iter()
        .enumerate()
        .filter(|(_, m)| measure_state(m, today) == MeasureState::Overdue)
        .map(|(i, m)| OverdueMeasure {
            number: i + 1,
            text: m.text.trim().to_string(),
            due: date_ru(&m.due),
            responsible: m.responsible.trim().to_string(),
        })
        .collect();
    ProgrammeDetail {
        identity: identity.clone(),
        basis: p.basis.clone(),
        targets,
        overdue,
        measures: p.measures.len(),
        summary: status.summary,
    }
}

/// Every school's programme in detail, in the order of [`programme_list`] (schools without a
/// programme, or with an empty one, left out).
pub fn programme_details(
    schools: &[(SchoolIdentity, &SchoolDocuments)],
    today: &str,
) -> Vec<ProgrammeDetail> {
    with_programmes(schools)
        .into_iter()
        .map(|(identity, p)| programme_detail(identity, p, today))
        .collect()
}

/// The overdue measures of every programme for Excel, «Просроченные мероприятия»: one line
/// per measure — municipality, school id, school, measure, due date (ДД.ММ.ГГГГ),
/// responsible.
pub fn overdue_measures_table(
    schools: &[(SchoolIdentity, &SchoolDocuments)],
    today: &str,
) -> Table {
    let mut w = TableWriter::new();
    for h in [
        "Муниципалитет",
        "Идентификатор школы",
        "Школа",
        "Мероприятие",
        "Срок",
        "Ответственный",
    ] {
        w.text(h);
    }
    w.end_line();
    for d in programme_details(schools, today) {
        for m in &d.overdue {
            w.text(&d.identity.municipality)
                .text(&d.identity.school_id)
                .text(&d.identity.school_name)
                .text(&m.text)
                .text(&m.due)
                .text(&m.responsible)
                .end_line();
        }
    }
    w.finish()
}

/// [`overdue_measures_table`] as CSV for Excel.
pub fn overdue_measures_csv(schools: &[(SchoolIdentity, &SchoolDocuments)], today: &str) -> String {
    overdue_measures_table(schools, today).to_csv()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::contract::row::SchoolType;

    fn school(id: &str, name: &str) -> SchoolIdentity {
        SchoolIdentity {
            school_id: id.to_string(),
            school_name: name.to_string(),
            municipality: "Северный район".to_string(),
            school_type: SchoolType::Secondary,
        }
    }

    fn point(value: Option<f64>, date: &str) -> Checkpoint {
        Checkpoint {
            value,
            date: date.to_string(),
        }
    }

    /// The first school of the monitoring fixtures (tests/fixtures/monitoring/MON-1.json),
    /// with a value that has no short binary form and a measure done and one not yet due.
    fn programme() -> Programme {
        let math = Target {
            indicator: "oge_math_2_pct".into(),
            label: "Доля «2» на ОГЭ по математике".into(),
            unit: "%".into(),
            better: Better::Lower,
            baseline: Some(12.0),
            target: Some(8.0),
            target_year: Some(2025),
            entry: point(Some(12.0), "2024-09-15"),
            interim: point(Some(10.0), "2025-01-20"),
            final_: point(Some(7.5), "2025-06-10"),
        };
        let russian = Target {
            label: "Доля «2» на ОГЭ по русскому языку".into(),
            baseline: Some(9.0),
            target: Some(5.0),
            entry: point(Some(9.0), "2024-09-15"),
            interim: point(Some(50.0 / 3.0), "2025-01-20"),
            final_: point(Some(10.0), "2025-06-10"),
            ..math.clone()
        };
        let measure = |text: &str, due: &str, done: bool| Measure {
            text: text.into(),
            start: "2024-09-01".into(),
            due: due.into(),
            responsible: "Завуч".into(),
            done,
        };
        Programme {
            basis: "ШНРО по итогам идентификации".into(),
            zones: Vec::new(),
            targets: vec![math, russian],
            measures: vec![
                measure("Методический семинар", "2025-01-31", true),
                measure("Консультации для девятиклассников", "2025-05-31", false),
                measure("Итоговый педсовет", "2026-05-31", false),
            ],
        }
    }

    #[test]
    fn the_detail_shows_values_dates_and_the_state_of_each_target() {
        let d = programme_detail(&school("MON-1", "Школа № 1"), &programme(), "2026-03-01");
        assert_eq!(d.identity.school_id, "MON-1");
        assert_eq!(d.basis, "ШНРО по итогам идентификации");
        assert_eq!(d.targets.len(), 2);
        let math = &d.targets[0];
        assert_eq!(math.number, 1);
        assert_eq!(math.name, "Доля «2» на ОГЭ по математике, %");
        assert_eq!(
            (math.baseline_shown.as_str(), math.target_shown.as_str()),
            ("12 %", "8 %")
        );
        assert_eq!(math.year_text(), "2025 год");
        assert_eq!(math.entry.text(), "12 % (15.09.2024)");
        assert_eq!(math.interim.text(), "10 % (20.01.2025)");
        assert_eq!(math.final_.text(), "7,5 % (10.06.2025)");
        assert_eq!(math.state, TargetState::Reached);
        assert_eq!(math.note, "итоговый замер 7,5 % при цели 8 %");
        assert!(!math.needs_attention());
    }

    #[test]
    fn an_off_target_target_is_flagged_and_its_values_carry_no_float_noise() {
        let d = programme_detail(&school("MON-1", "Школа № 1"), &programme(), "2026-03-01");
        let russian = &d.targets[1];
        assert_eq!(russian.state, TargetState::OffTarget);
        assert!(russian.needs_attention());
        assert_eq!(russian.interim.shown, "16,67 %");
        assert_eq!(russian.note, "итоговый замер 10 % не достигает цели 5 %");
        assert!(d.off_target() && !d.late());
        let flagged: Vec<usize> = d.flagged().map(|t| t.number).collect();
        assert_eq!(flagged, [2]);
        // The CSV writes what the page shows; the workbook keeps the value in full.
        let docs = SchoolDocuments {
            self_assessments: Vec::new(),
            programme: Some(programme()),
        };
        let schools = vec![(school("MON-1", "Школа № 1"), &docs)];
        let csv = programme_targets_csv(&schools, "2026-03-01");
        assert!(csv.contains(";16,67;20.01.2025;"), "{csv}");
        assert!(!csv.contains("16,666"), "{csv}");
        // A negative value with the minus sign, a missing one as a dash.
        assert_eq!(shown(-1.25, ""), "\u{2212}1,25");
        assert_eq!(shown(f64::NAN, "%"), "—");
        assert_eq!(value_shown(None, "%"), "—");
    }

    #[test]
    fn a_late_measure_is_listed_by_name_with_its_due_date_and_responsible() {
        let d = programme_detail(&school("MON-1", "Школа № 1"), &programme(), "2026-03-01");
        assert_eq!(d.measures, 3);
        assert_eq!(
            d.overdue,
            [OverdueMeasure {
                number: 2,
                text: "Консультации для девятиклассников".into(),
                due: "31.05.2025".into(),
                responsible: "Завуч".into(),
            }]
        );
        assert!(
            d.summary.ends_with("Просрочено мероприятий: 1."),
            "{}",
            d.summary
        );
        // Before its due date nothing is overdue; with a date that is not a date neither.
        for today in ["2025-05-31", "вчера"] {
            let d = programme_detail(&school("MON-1", "Школа № 1"), &programme(), today);
            assert!(d.overdue.is_empty(), "{today}");
        }
    }

    #[test]
    fn a_target_without_a_final_value_after_its_year_is_late() {
        let mut p = programme();
        p.targets[0].final_ = Checkpoint::default();
        let d = programme_detail(&school("MON-1", "Школа № 1"), &p, "2026-03-01");
        let math = &d.targets[0];
        assert_eq!(math.state, TargetState::Late);
        assert!(math.late && math.needs_attention() && d.late());
        assert_eq!(math.final_.text(), "—");
        assert_eq!(
            math.note,
            "год достижения 2025 прошёл, итогового замера нет"
        );
    }

    #[test]
    fn details_follow_the_list_and_the_overdue_table_names_each_measure() {
        let with = SchoolDocuments {
            self_assessments: Vec::new(),
            programme: Some(programme()),
        };
        let none = SchoolDocuments::default();
        let schools = vec![
            (school("MON-3", "Школа № 3"), &none),
            (school("MON-1", "Школа № 1"), &with),
        ];
        let details = programme_details(&schools, "2026-03-01");
        let list = programme_list(&schools, "2026-03-01");
        assert_eq!(details.len(), list.len());
        assert_eq!(details[0].identity, list[0].identity);
        assert_eq!(details[0].summary, list[0].status);
        let csv = overdue_measures_csv(&schools, "2026-03-01");
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "\u{feff}Муниципалитет;Идентификатор школы;Школа;Мероприятие;Срок;Ответственный"
        );
        assert_eq!(
            lines[1],
            "Северный район;MON-1;Школа № 1;Консультации для девятиклассников;31.05.2025;Завуч"
        );
        assert_eq!(lines.len(), 3);
    }
}
