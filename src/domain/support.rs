//! The module `support` (a folder of one file): the support project's decisions kept on the
//! schools' records, the partner candidates and the project's figures. Uses `common`,
//! `contract`, `tables`, `method` and `school`.
//!
//! Support of the schools in the project (seed 001, краевой проект «Эффективная школа»).
//!
//! The seed names three things the project keeps about a school, year by year:
//!
//! * whether it is a «школа-участник краевого проекта» — chosen «по согласованию с ОМСУ»
//!   from the identified ШНРО and ШНСУ, so here a mark set by hand ([`Support::participant`]);
//! * its partner school: «За всеми ШНРО и ШНСУ закреплены школы-партнёры, демонстрирующие
//!   высокие образовательные результаты», with «договоров по сетевому взаимодействию школ-
//!   участников краевого проекта со школами-партнерами» ([`Agreement`]);
//! * a note (what was agreed, who accompanies the school).
//!
//! [`candidates`] ranks the partner schools a school may take, by the identification's rule
//! (see [`crate::domain::method::identify::partners`]), for any school of a pool — not only the ШНРО
//! and «группа риска» the run suggests partners for. [`project_figures`] counts the project's
//! figures for a year, including the seed's indicator «Доля муниципальных систем общего
//! образования, в которых разработаны и реализуются мероприятия по повышению качества
//! образования в …» (ШНРО и ШНСУ), read as [`FIGURES_READING`] says.
//!
//! Reads `identify` (the run), `programme`'s date rule and `table`; `records` keeps the
//! support on the school record (year → [`Support`]).

use crate::domain::common::format::num;
use crate::domain::common::time::date_ru;
use crate::domain::method::identify::partners::PartnerTier;
use crate::domain::method::identify::partners::{rule_order, social_distance, RuleKey};
use crate::domain::method::identify::{
    Identification, ResultsBand, ResultsCategory, SchoolResult, SocialCategory,
};
use crate::domain::school::programme::check_date;
use crate::domain::tables::table::{self, Table, TableWriter};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A partner agreement: the partner school and the agreement's number and date.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Agreement {
    /// The partner school's id.
    pub partner_id: String,
    /// The agreement's number as written on it (may be empty).
    pub number: String,
    /// `YYYY-MM-DD`, or empty.
    pub date: String,
}

impl Agreement {
    /// The agreement is concluded: it has a number or a date (a partner alone is only
    /// assigned).
    pub fn is_concluded(&self) -> bool {
        !self.number.trim().is_empty() || !self.date.trim().is_empty()
    }
}

/// A school's place in the project in one year. Stored on the school record by year.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Support {
    /// «Школа-участник краевого проекта» this year.
    pub participant: bool,
    /// The partner school assigned this year, with the agreement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partner: Option<Agreement>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl Support {
    /// Nothing is marked: not a participant, no partner, no note.
    pub fn is_empty(&self) -> bool {
        !self.participant && self.partner.is_none() && self.note.trim().is_empty()
    }

    /// The id of the assigned partner, if there is one.
    pub fn partner_id(&self) -> Option<&str> {
        self.partner
            .as_ref()
            .map(|a| a.partner_id.trim())
            .filter(|id| !id.is_empty())
    }
}

/// The problems of an agreement of school `school_id`, in Russian (empty when it is fine).
pub fn validate_agreement(a: &Agreement, school_id: &str) -> Vec<String> {
    let mut out = Vec::new();
    let partner = a.partner_id.trim();
    if partner.is_empty() {
        out.push("школа-партнёр не указана".to_string());
    } else if partner == school_id.trim() {
        out.push(format!(
            "школа-партнёр «{partner}» — сама эта школа: партнёром должна быть другая школа"
        ));
    }
    if !a.date.trim().is_empty() {
        if let Err(e) = check_date(&a.date) {
            out.push(format!("дата соглашения: {e}"));
        }
    }
    out
}

/// The problems of a school's support, year by year, in Russian, naming the year
/// («2025 год, школа-партнёр: …»).
pub fn validate_support(support: &BTreeMap<i32, Support>, school_id: &str) -> Vec<String> {
    support
        .iter()
        .filter_map(|(y, s)| s.partner.as_ref().map(|a| (y, a)))
        .flat_map(|(y, a)| {
            validate_agreement(a, school_id)
                .into_iter()
                .map(move |m| format!("{y} год, школа-партнёр: {m}"))
        })
        .collect()
}

/// A school that could be a partner of another, with why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartnerCandidate {
    pub school_id: String,
    pub school_name: String,
    pub municipality: String,
    pub tier: PartnerTier,
    /// |difference| of the two schools' social indices (each school's latest in the window),
    /// rounded as the engine ranks it; `None` when either has none.
    pub social_distance: Option<f64>,
    /// In the run's own `partners` list of the school.
    pub suggested: bool,
    /// In Russian: «стабильно высокие результаты; тот же муниципалитет; индекс социальных
    /// условий ближе всех (разница 0,04)».
    pub why: String,
}

/// A difference of social indices (each from 0 to 1) from which two schools' conditions are
/// said to differ markedly: a quarter of the scale, the width of the 25 % band's share.
pub const FAR_SOCIAL_DISTANCE: f64 = 0.25;

/// The latest social index of a school in the window (the engine's reference value).
fn latest_social(s: &SchoolResult) -> Option<f64> {
    s.years.values().filter_map(|y| y.social_index).last()
}

/// The school's tier as a partner by the engine's rule ([`PartnerTier::of`]).
fn tier_of(s: &SchoolResult, latest_year: Option<i32>) -> Option<PartnerTier> {
    let high_latest = latest_year
        .and_then(|y| s.years.get(&y))
        .is_some_and(|y| y.results_band == Some(ResultsBand::High));
    PartnerTier::of(
        s.results_category == Some(ResultsCategory::High),
        high_latest,
    )
}

/// A distance for reading: at most two decimals, rounded as every number on screen
/// ([`num`]); «менее 0,01» for a smaller one that is not zero.
fn distance_text(d: f64) -> String {
    let s = num(Some(d), 2);
    if s == "0" && d > 0.0 {
        "менее 0,01".to_string()
    } else {
        s
    }
}

/// Every school of the run that could partner `school_id`, by the engine's rule, applied
/// through its own functions ([`PartnerTier::of`], [`social_distance`], [`rule_order`] of
/// `method::identify::partners`):
///
/// * the same pool; the school itself is left out;
/// * stably high schools first (results category «high»), then schools in the top band in
///   the latest year of the window; other schools are not candidates;
/// * within a tier the same municipality first, then the nearest social index, then the
///   school id (the run's school order is the engine's). The social index of each school is
///   its latest in the window; a candidate without an index comes after those with one.
///
/// The run's own `partners` of the school (for ШНРО and «группа риска») come first, in their
/// order, marked `suggested`; the rule gives them first anyway for a run made by this
/// version. At most `limit` are returned. An unknown or excluded school has none.
pub fn candidates(r: &Identification, school_id: &str, limit: usize) -> Vec<PartnerCandidate> {
    let mut list = ranked(r, school_id);
    let stored: &[String] = r.school(school_id).map_or(&[], |s| &s.partners);
    // Stable: the suggested ones in the run's order, then the rest in rank order.
    list.sort_by_key(|c| {
        stored
            .iter()
            .position(|p| *p == c.school_id)
            .unwrap_or(usize::MAX)
    });
    list.truncate(limit);
    list
}

/// All candidates in the rule's order (without moving the run's own partners first).
fn ranked(r: &Identification, school_id: &str) -> Vec<PartnerCandidate> {
    let Some((me_pos, me)) = r
        .schools
        .iter()
        .enumerate()
        .find(|(_, s)| s.school_id == school_id)
    else {
        return Vec::new();
    };
    let Some(pool) = me.pool.as_deref() else {
        return Vec::new();
    };
    let latest_year = r.years.last().copied();
    let my_social = latest_social(me);
    let mut found: Vec<RuleKey> = Vec::new();
    for (pos, s) in r.schools.iter().enumerate() {
        if pos == me_pos || s.pool.as_deref() != Some(pool) {
            continue;
        }
        let Some(tier) = tier_of(s, latest_year) else {
            continue;
        };
        found.push(RuleKey {
            tier,
            elsewhere: s.municipality != me.municipality,
            distance: social_distance(my_social, latest_social(s)),
            school: pos,
        });
    }
    // The engine's order; the run's school order is the engine's (by school id).
    found.sort_by(rule_order);
    let nearest = found
        .iter()
        .filter_map(|c| c.distance)
        .min_by(|a, b| a.total_cmp(b));
    found
        .into_iter()
        .map(|key| {
            let RuleKey {
                tier,
                elsewhere,
                distance,
                school: pos,
            } = key;
            let s = &r.schools[pos];
            let mut why = vec![match (tier, latest_year) {
                (PartnerTier::HighLatest, Some(y)) => format!("высокие результаты в {y} году"),
                _ => tier.label().to_string(),
            }];
            why.push(if elsewhere {
                format!("другой муниципалитет ({})", s.municipality)
            } else {
                "тот же муниципалитет".to_string()
            });
            why.push(match distance {
                // «Ближе всех» only where the conditions are close: a difference of a quarter
                // of the index's scale or more is the nearest there is, not a near one.
                Some(d) if Some(d) == nearest && d < FAR_SOCIAL_DISTANCE => format!(
                    "индекс социальных условий ближе всех (разница {})",
                    distance_text(d)
                ),
                Some(d) if Some(d) == nearest => format!(
                    "разница индексов социальных условий {} — наименьшая среди подходящих школ, но условия заметно различаются",
                    distance_text(d)
                ),
                Some(d) => format!("разница индексов социальных условий {}", distance_text(d)),
                None => {
                    "индексы социальных условий не сравнить: у одной из школ его нет".to_string()
                }
            });
            PartnerCandidate {
                school_id: s.school_id.clone(),
                school_name: s.school_name.clone(),
                municipality: s.municipality.clone(),
                tier,
                social_distance: distance,
                suggested: me.partners.contains(&s.school_id),
                why: why.join("; "),
            }
        })
        .collect()
}

/// What [`project_figures`] needs of a stored school.
#[derive(Debug, Clone, Copy)]
pub struct SupportView<'a> {
    pub school_id: &'a str,
    /// The school's name (as its record has it).
    pub school_name: &'a str,
    /// The school's municipality (as its record has it).
    pub municipality: &'a str,
    pub support: &'a BTreeMap<i32, Support>,
    /// The school has an improvement programme.
    pub has_programme: bool,
}

/// How the figures read the seed, in Russian (shown with them).
pub const FIGURES_READING: &str = "ШНРО и ШНСУ — по категориям выбранного расчёта. \
Участник краевого проекта, школа-партнёр и соглашение отмечаются по годам вручную. \
Школа-партнёр закреплена, если указана; соглашение заключено, если у школы-участника \
указана школа-партнёр и у соглашения есть номер или дата. \
Муниципальные системы общего образования — муниципалитеты школ расчёта. \
«Разработаны и реализуются мероприятия по повышению качества образования» в муниципалитете, \
если в этом году в нём есть хотя бы одна школа-участник краевого проекта, у которой есть \
школьная программа повышения качества образования или закреплена школа-партнёр.";

/// The figures of one group of schools (ШНРО or ШНСУ).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GroupFigures {
    /// Schools of the group in the run.
    pub count: usize,
    /// Of them, with an improvement programme.
    pub with_programme: usize,
    /// Of them, with a partner school assigned in the year.
    pub with_partner: usize,
    /// Of them, participants of the project in the year.
    pub participants: usize,
}

/// The project's figures for a year.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProjectFigures {
    pub year: i32,
    /// ШНРО: results category «low».
    pub low: GroupFigures,
    /// ШНСУ: social category «unfavourable».
    pub unfavourable: GroupFigures,
    /// Participants of the project in the year (every school given, whatever its category).
    pub participants: usize,
    /// Participants with a concluded agreement with a partner school in the year.
    pub agreements: usize,
    /// Municipalities of the run's schools.
    pub municipalities: usize,
    /// Of them, those «в которых разработаны и реализуются мероприятия» (see
    /// [`FIGURES_READING`]).
    pub municipalities_with_measures: usize,
}

/// One figure for display: a count, and the whole it is a part of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// Stable id (CSV, tests, pages).
    pub id: &'static str,
    /// In Russian, quoting the seed where it names the figure.
    pub label: String,
    pub count: usize,
    /// The whole (for the share), when the figure is a part of one.
    pub of: Option<usize>,
}

impl Figure {
    /// `count` as a percentage of `of` (`None` without a whole or for an empty one).
    pub fn percent(&self) -> Option<f64> {
        self.of
            .filter(|&n| n > 0)
            .map(|n| self.count as f64 * 100.0 / n as f64)
    }
}

impl ProjectFigures {
    /// The share of municipalities with measures, in percent (`None` without any).
    pub fn municipalities_percent(&self) -> Option<f64> {
        (self.municipalities > 0)
            .then(|| self.municipalities_with_measures as f64 * 100.0 / self.municipalities as f64)
    }

    /// Every figure with its label, in reading order.
    pub fn figures(&self) -> Vec<Figure> {
        let y = self.year;
        let mut out = Vec::new();
        for (g, short, ids) in [
            (
                &self.low,
                "ШНРО",
                ["low", "low_programme", "low_partner", "low_participants"],
            ),
            (
                &self.unfavourable,
                "ШНСУ",
                [
                    "unfavourable",
                    "unfavourable_programme",
                    "unfavourable_partner",
                    "unfavourable_participants",
                ],
            ),
        ] {
            let whole = match short {
                "ШНРО" => "ШНРО — общеобразовательные организации с низкими результатами обучения",
                _ => "ШНСУ — общеобразовательные организации, функционирующие в неблагоприятных социальных условиях",
            };
            out.push(Figure {
                id: ids[0],
                label: whole.to_string(),
                count: g.count,
                of: None,
            });
            out.push(Figure {
                id: ids[1],
                label: format!(
                    "{short}, в которых разработаны школьные программы повышения качества образования"
                ),
                count: g.with_programme,
                of: Some(g.count),
            });
            out.push(Figure {
                id: ids[2],
                label: format!("{short}, за которыми закреплены школы-партнёры ({y} год)"),
                count: g.with_partner,
                of: Some(g.count),
            });
            out.push(Figure {
                id: ids[3],
                label: format!("{short} — школы-участники краевого проекта ({y} год)"),
                count: g.participants,
                of: Some(g.count),
            });
        }
        out.push(Figure {
            id: "participants",
            label: format!("Школы-участники краевого проекта ({y} год)"),
            count: self.participants,
            of: None,
        });
        out.push(Figure {
            id: "agreements",
            label: format!(
                "Заключены договоры по сетевому взаимодействию школ-участников краевого проекта со школами-партнерами ({y} год)"
            ),
            count: self.agreements,
            of: Some(self.participants),
        });
        out.push(Figure {
            id: "municipalities",
            label: "Муниципальные системы общего образования (муниципалитеты расчёта)".to_string(),
            count: self.municipalities,
            of: None,
        });
        out.push(Figure {
            id: "municipalities_with_measures",
            label: format!(
                "Доля муниципальных систем общего образования, в которых разработаны и реализуются мероприятия по повышению качества образования в ШНРО и ШНСУ ({y} год)"
            ),
            count: self.municipalities_with_measures,
            of: Some(self.municipalities),
        });
        out
    }
}

/// The project's figures of `year`: ШНРО and ШНСУ by the run's categories, the marks of
/// `schools` (the stored schools; a school of the run without a view has no programme and
/// no support), and the municipalities of the run. See [`FIGURES_READING`].
pub fn project_figures(r: &Identification, schools: &[SupportView], year: i32) -> ProjectFigures {
    let views: BTreeMap<&str, &SupportView> = schools.iter().map(|v| (v.school_id, v)).collect();
    fn in_year<'a>(v: &SupportView<'a>, year: i32) -> Option<&'a Support> {
        v.support.get(&year)
    }
    let participant = |v: &SupportView| in_year(v, year).is_some_and(|s| s.participant);
    let with_partner = |v: &SupportView| in_year(v, year).and_then(Support::partner_id).is_some();
    let group = |pick: &dyn Fn(&SchoolResult) -> bool| {
        let mut g = GroupFigures::default();
        for s in r.schools.iter().filter(|s| pick(s)) {
            g.count += 1;
            if let Some(v) = views.get(s.school_id.as_str()) {
                g.with_programme += usize::from(v.has_programme);
                g.with_partner += usize::from(with_partner(v));
                g.participants += usize::from(participant(v));
            }
        }
        g
    };
    let low = group(&|s| s.results_category == Some(ResultsCategory::Low));
    let unfavourable = group(&|s| s.social_category == Some(SocialCategory::Unfavourable));
    let municipalities: BTreeSet<&str> =
        r.schools.iter().map(|s| s.municipality.as_str()).collect();
    let mut with_measures: BTreeSet<&str> = BTreeSet::new();
    let (mut participants, mut agreements) = (0, 0);
    for v in views.values() {
        if !participant(v) {
            continue;
        }
        participants += 1;
        let support = in_year(v, year);
        let partner = support.and_then(Support::partner_id).is_some();
        if partner
            && support
                .and_then(|s| s.partner.as_ref())
                .is_some_and(Agreement::is_concluded)
        {
            agreements += 1;
        }
        if (v.has_programme || partner) && municipalities.contains(v.municipality) {
            with_measures.insert(v.municipality);
        }
    }
    ProjectFigures {
        year,
        low,
        unfavourable,
        participants,
        agreements,
        municipalities: municipalities.len(),
        municipalities_with_measures: with_measures.len(),
    }
}

/// The figures for Excel: «Показатель; Значение; Из; Доля, %», then the reading.
pub fn figures_table(f: &ProjectFigures) -> Table {
    let mut w = TableWriter::new();
    for h in ["Показатель", "Значение", "Из", "Доля, %"] {
        w.text(h);
    }
    w.end_line();
    for fig in f.figures() {
        w.text(&fig.label)
            .number(Some(fig.count as f64))
            .number(fig.of.map(|n| n as f64))
            .rounded(fig.percent(), table::PERCENT)
            .end_line();
    }
    w.end_line();
    w.text(&format!("Как считаются показатели: {FIGURES_READING}"))
        .end_line();
    w.finish()
}

/// [`figures_table`] as CSV for Excel.
pub fn figures_csv(f: &ProjectFigures) -> String {
    figures_table(f).to_csv()
}

/// The category of a school outside the run, in the participants table.
pub const NOT_IN_RUN: &str = "нет в расчёте";

/// One line of the project's participants: a ШНРО or ШНСУ of the run, or a participant of
/// the year.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectLine {
    pub school_id: String,
    pub school_name: String,
    pub municipality: String,
    /// «ШНРО», «ШНСУ», «ШНРО, ШНСУ», or [`NOT_IN_RUN`].
    pub category: String,
    /// The school is in the run (else a participant of another year's data or a later
    /// import).
    pub in_run: bool,
    /// The school's support in the year, as stored (default without one).
    pub support: Support,
    /// The partner school as «Название (код, муниципалитет)»
    /// ([`crate::domain::tables::table::school_cell`]) from the stored schools or the run; its code
    /// alone when neither has it; empty without a partner.
    pub partner: String,
}

/// The participants table of `year`: the run's ШНРО and ШНСУ and every participant of the
/// year among the stored `schools` (those outside the run too), by municipality, then name,
/// then id.
pub fn project_lines(r: &Identification, schools: &[SupportView], year: i32) -> Vec<ProjectLine> {
    let views: BTreeMap<&str, &SupportView> = schools.iter().map(|v| (v.school_id, v)).collect();
    let partner_of = |support: &Support| match support.partner_id() {
        None => String::new(),
        Some(id) => match (views.get(id), r.school(id)) {
            (Some(v), _) => table::school_cell(v.school_name, v.school_id, v.municipality),
            (None, Some(s)) => table::school_cell(&s.school_name, &s.school_id, &s.municipality),
            (None, None) => id.to_string(),
        },
    };
    let support_of = |id: &str| {
        views
            .get(id)
            .and_then(|v| v.support.get(&year))
            .cloned()
            .unwrap_or_default()
    };
    let mut out: Vec<ProjectLine> = Vec::new();
    let mut seen = BTreeSet::new();
    for s in &r.schools {
        let low = s.results_category == Some(ResultsCategory::Low);
        let unfavourable = s.social_category == Some(SocialCategory::Unfavourable);
        let support = support_of(&s.school_id);
        if !(low || unfavourable || support.participant) {
            continue;
        }
        seen.insert(s.school_id.as_str());
        let category = [low.then_some("ШНРО"), unfavourable.then_some("ШНСУ")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
        out.push(ProjectLine {
            school_id: s.school_id.clone(),
            school_name: s.school_name.clone(),
            municipality: s.municipality.clone(),
            category,
            in_run: true,
            partner: partner_of(&support),
            support,
        });
    }
    for v in schools {
        if seen.contains(v.school_id) {
            continue;
        }
        if let Some(support) = v.support.get(&year).filter(|x| x.participant) {
            out.push(ProjectLine {
                school_id: v.school_id.to_string(),
                school_name: v.school_name.to_string(),
                municipality: v.municipality.to_string(),
                category: NOT_IN_RUN.to_string(),
                in_run: false,
                partner: partner_of(support),
                support: support.clone(),
            });
        }
    }
    out.sort_by(|a, b| {
        (&a.municipality, &a.school_name, &a.school_id).cmp(&(
            &b.municipality,
            &b.school_name,
            &b.school_id,
        ))
    });
    out
}

/// The participants for Excel: «Муниципалитет; Идентификатор школы; Школа; Категория;
/// Участник проекта; Школа-партнёр; № соглашения; Дата соглашения; Примечание» — the partner
/// by name with its code and municipality, the agreement's date as ДД.ММ.ГГГГ.
pub fn participants_table(lines: &[ProjectLine]) -> Table {
    let mut w = TableWriter::new();
    for h in [
        "Муниципалитет",
        "Идентификатор школы",
        "Школа",
        "Категория",
        "Участник проекта",
        "Школа-партнёр",
        "№ соглашения",
        "Дата соглашения",
        "Примечание",
    ] {
        w.text(h);
    }
    w.end_line();
    for x in lines {
        let a = x.support.partner.as_ref();
        w.text(&x.municipality)
            .text(&x.school_id)
            .text(&x.school_name)
            .text(&x.category)
            .text(if x.support.participant {
                "да"
            } else {
                "нет"
            })
            .text(&x.partner)
            .text(a.map_or("", |a| a.number.trim()))
            .text(&a.map(|a| date_ru(&a.date)).unwrap_or_default())
            .text(&x.support.note)
            .end_line();
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::contract::row::SchoolType;
    use crate::domain::method::identify::{identify, Params, Summary, YearMap, YearResult};
    use crate::domain::tables::table::Cell;

    fn year(band: Option<ResultsBand>, social: Option<f64>) -> YearResult {
        YearResult {
            results_band: band,
            social_index: social,
            ..YearResult::default()
        }
    }

    /// A school of pool `pool` (`None`: excluded) with its bands and social indices in
    /// 2024 and 2025.
    fn school(
        id: &str,
        muni: &str,
        pool: Option<&str>,
        results: ResultsCategory,
        social: SocialCategory,
        years: [(Option<ResultsBand>, Option<f64>); 2],
    ) -> SchoolResult {
        SchoolResult {
            school_id: id.into(),
            school_name: format!("Школа {id}"),
            municipality: muni.into(),
            school_type: SchoolType::Secondary,
            pool: pool.map(Into::into),
            excluded: pool.is_none().then(|| "исключена".to_string()),
            results_category: pool.map(|_| results),
            social_category: pool.map(|_| social),
            years: YearMap(vec![
                (2024, year(years[0].0, years[0].1)),
                (2025, year(years[1].0, years[1].1)),
            ]),
            partners: Vec::new(),
            resilient: false,
            context_resilient: false,
        }
    }

    fn run(schools: Vec<SchoolResult>) -> Identification {
        Identification {
            params: Params::default(),
            years: vec![2024, 2025],
            schools,
            summary: Summary::default(),
            pools: Vec::new(),
            regional_means: BTreeMap::new(),
            notes: Vec::new(),
            context: Default::default(),
        }
    }

    use ResultsBand as B;
    use ResultsCategory as R;
    use SocialCategory as S;

    /// L (ШНРО, «А», social 0.50 in 2025) and the schools around it.
    fn worked() -> Identification {
        let high = Some(B::High);
        let s = Some("secondary");
        run(vec![
            school(
                "L",
                "А",
                s,
                R::Low,
                S::Neutral,
                [(Some(B::Low), Some(0.6)), (Some(B::Low), Some(0.50))],
            ),
            // Stably high elsewhere, distance 0.02.
            school(
                "h1",
                "Б",
                s,
                R::High,
                S::Neutral,
                [(high, None), (high, Some(0.52))],
            ),
            // Stably high here, distance 0.20 and 0.04.
            school(
                "h2",
                "А",
                s,
                R::High,
                S::Favourable,
                [(high, Some(0.7)), (high, Some(0.70))],
            ),
            school(
                "h3",
                "А",
                s,
                R::High,
                S::Neutral,
                [(high, Some(0.46)), (high, None)],
            ),
            // Stably high elsewhere, no social index.
            school(
                "h4",
                "В",
                s,
                R::High,
                S::Insufficient,
                [(high, None), (high, None)],
            ),
            // High in 2025 only, here, distance 0.01: after every stably high school.
            school(
                "t1",
                "А",
                s,
                R::Middle,
                S::Neutral,
                [(Some(B::Middle), Some(0.3)), (high, Some(0.49))],
            ),
            // High in 2024 only: not a candidate.
            school(
                "t2",
                "А",
                s,
                R::Middle,
                S::Neutral,
                [(high, Some(0.5)), (Some(B::Middle), Some(0.5))],
            ),
            // Another pool, and an excluded school.
            school(
                "x",
                "А",
                Some("basic"),
                R::High,
                S::Neutral,
                [(high, Some(0.5)), (high, Some(0.5))],
            ),
            school(
                "e",
                "А",
                None,
                R::High,
                S::Neutral,
                [(None, None), (None, None)],
            ),
        ])
    }

    fn ids(list: &[PartnerCandidate]) -> Vec<&str> {
        list.iter().map(|c| c.school_id.as_str()).collect()
    }

    #[test]
    fn candidates_follow_the_engine_rule_on_a_worked_example() {
        let r = worked();
        let list = candidates(&r, "L", 10);
        assert_eq!(ids(&list), ["h3", "h2", "h1", "h4", "t1"]);
        // h3's latest index is 0.46 (2024): each school's latest, as the engine takes it.
        assert_eq!(list[0].social_distance, Some(0.04));
        assert_eq!(
            list[0].why,
            "стабильно высокие результаты; тот же муниципалитет; разница индексов социальных условий 0,04"
        );
        assert_eq!(list[1].social_distance, Some(0.2));
        assert_eq!(
            list[2].why,
            "стабильно высокие результаты; другой муниципалитет (Б); разница индексов социальных условий 0,02"
        );
        assert_eq!(list[3].social_distance, None);
        assert!(list[3]
            .why
            .ends_with("не сравнить: у одной из школ его нет"));
        assert_eq!(list[4].tier, PartnerTier::HighLatest);
        assert_eq!(
            list[4].why,
            "высокие результаты в 2025 году; тот же муниципалитет; индекс социальных условий ближе всех (разница 0,01)"
        );
        assert!(list.iter().all(|c| !c.suggested));
        assert_eq!(ids(&candidates(&r, "L", 2)), ["h3", "h2"]);
        // Any school of a pool has candidates, itself left out.
        assert_eq!(ids(&candidates(&r, "h2", 10)), ["h3", "h1", "h4", "t1"]);
        assert!(candidates(&r, "e", 10).is_empty(), "excluded");
        assert!(candidates(&r, "нет такой", 10).is_empty());
    }

    #[test]
    fn the_nearest_partner_far_away_is_not_called_near() {
        // Only t1 compares (the others' indices are removed), and it is 0.49 away from L's
        // 0.50 moved to 1.0: the nearest there is, but not a near one.
        let mut r = worked();
        for s in &mut r.schools {
            if s.school_id == "L" {
                for (_, y) in s.years.0.iter_mut() {
                    y.social_index = Some(1.0);
                }
            } else if s.school_id != "t1" {
                for (_, y) in s.years.0.iter_mut() {
                    y.social_index = None;
                }
            }
        }
        let t1 = candidates(&r, "L", 10)
            .into_iter()
            .find(|c| c.school_id == "t1")
            .expect("t1");
        assert!(!t1.why.contains("ближе всех"), "{}", t1.why);
        assert!(
            t1.why.ends_with(
                "разница индексов социальных условий 0,51 — наименьшая среди подходящих школ, но условия заметно различаются"
            ),
            "{}",
            t1.why
        );
    }

    #[test]
    fn the_runs_own_partners_come_first_in_their_order() {
        let mut r = worked();
        r.schools[0].partners = vec!["h1".into(), "h3".into()];
        let list = candidates(&r, "L", 10);
        assert_eq!(ids(&list), ["h1", "h3", "h2", "h4", "t1"]);
        assert_eq!(
            list.iter().map(|c| c.suggested).collect::<Vec<_>>(),
            [true, true, false, false, false]
        );
    }

    #[test]
    fn the_rule_gives_the_engines_partners_on_the_demo_region() {
        let rows = crate::domain::demo::region(&crate::domain::demo::DemoSpec::default());
        let params = Params {
            partners_max: 6,
            ..Params::default()
        };
        let r = identify(&rows, &params).unwrap();
        let mut checked = 0;
        for s in &r.schools {
            if s.partners.is_empty() {
                continue;
            }
            checked += 1;
            let rule = ranked(&r, &s.school_id);
            assert_eq!(
                ids(&rule[..s.partners.len()]),
                s.partners,
                "school {}",
                s.school_id
            );
            let list = candidates(&r, &s.school_id, s.partners.len() + 2);
            assert_eq!(ids(&list[..s.partners.len()]), s.partners);
            assert!(list[..s.partners.len()].iter().all(|c| c.suggested));
            assert!(list[s.partners.len()..].iter().all(|c| !c.suggested));
        }
        assert!(checked > 20, "only {checked} schools with partners");
        // A ШНСУ that is not ШНРО nor «группа риска» gets candidates too, none suggested.
        let shnsu = r
            .schools
            .iter()
            .find(|s| {
                s.social_category == Some(S::Unfavourable)
                    && matches!(s.results_category, Some(R::Middle | R::High))
            })
            .unwrap();
        let list = candidates(&r, &shnsu.school_id, 3);
        assert_eq!(list.len(), 3);
        assert!(list
            .iter()
            .all(|c| !c.suggested && c.school_id != shnsu.school_id));
    }

    #[test]
    fn agreements_are_checked() {
        let ok = Agreement {
            partner_id: "p1".into(),
            number: "12".into(),
            date: "2025-03-31".into(),
        };
        assert!(validate_agreement(&ok, "s1").is_empty());
        let undated = Agreement {
            date: String::new(),
            ..ok.clone()
        };
        assert!(validate_agreement(&undated, "s1").is_empty());
        let bad = Agreement {
            partner_id: " s1 ".into(),
            number: String::new(),
            date: "31.03.2025".into(),
        };
        let found = validate_agreement(&bad, "s1");
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].contains("сама эта школа"));
        assert!(found[1].starts_with("дата соглашения: «31.03.2025» не является датой"));
        let empty = Agreement::default();
        assert_eq!(
            validate_agreement(&empty, "s1"),
            ["школа-партнёр не указана"]
        );
        let support = BTreeMap::from([
            (2024, Support::default()),
            (
                2025,
                Support {
                    partner: Some(empty),
                    ..Support::default()
                },
            ),
        ]);
        assert_eq!(
            validate_support(&support, "s1"),
            ["2025 год, школа-партнёр: школа-партнёр не указана"]
        );
    }

    #[test]
    fn support_reads_with_missing_fields_and_round_trips_on_the_record() {
        let s: Support = serde_json::from_str("{}").unwrap();
        assert!(s.is_empty());
        let s: Support =
            serde_json::from_str(r#"{"participant": true, "partner": {"partner_id": "p"}}"#)
                .unwrap();
        assert!(s.participant && !s.is_empty());
        assert_eq!(s.partner_id(), Some("p"));
        assert!(!s.partner.as_ref().unwrap().is_concluded());
        assert!(!Support {
            note: "сопровождает ММС".into(),
            ..Support::default()
        }
        .is_empty());

        use crate::domain::exchange::records::{Origin, RecordMeta, SchoolIdentity, SchoolRecord};
        let mut rec = SchoolRecord::new(
            SchoolIdentity {
                school_id: "s1".into(),
                school_name: "Школа".into(),
                municipality: "М".into(),
                school_type: SchoolType::Basic,
            },
            RecordMeta {
                modified_at: crate::domain::common::time::ts("2025-11-22T10:00:00Z"),
                origin: Origin::Local,
            },
        );
        let plain = serde_json::to_string(&rec).unwrap();
        assert!(!plain.contains("support"), "no support, no field: {plain}");
        rec.support.insert(
            2025,
            Support {
                participant: true,
                partner: Some(Agreement {
                    partner_id: "p".into(),
                    number: "7".into(),
                    date: "2025-03-31".into(),
                }),
                note: String::new(),
            },
        );
        rec.support.insert(2024, Support::default());
        let text = serde_json::to_string(&rec).unwrap();
        assert!(text.contains(r#""support":{"2024":"#), "{text}");
        let back: SchoolRecord = serde_json::from_str(&text).unwrap();
        assert_eq!(back, rec);
        // A record written before support existed reads.
        let old: SchoolRecord = serde_json::from_str(&plain).unwrap();
        assert!(old.support.is_empty());
    }

    /// (school id, municipality, support, has a programme) of stored schools.
    type Views = Vec<(&'static str, &'static str, BTreeMap<i32, Support>, bool)>;

    fn views_of(views: &Views) -> Vec<SupportView<'_>> {
        views
            .iter()
            .map(|(id, m, s, p)| SupportView {
                school_id: id,
                school_name: if *id == "z" {
                    "Школа вне расчёта"
                } else {
                    "Школа"
                },
                municipality: m,
                support: s,
                has_programme: *p,
            })
            .collect()
    }

    /// Five schools of the run in three municipalities, an excluded one in a fourth, and a
    /// participant outside the run.
    fn figures_example() -> (Identification, Views) {
        let s = Some("secondary");
        let none = [(None, None), (None, None)];
        let r = run(vec![
            school("a1", "М1", s, R::Low, S::Unfavourable, none),
            school("a2", "М1", s, R::Low, S::Neutral, none),
            school("a3", "М2", s, R::Middle, S::Unfavourable, none),
            school("a4", "М3", s, R::High, S::Favourable, none),
            school("a5", "М3", s, R::Low, S::Unfavourable, none),
            school("e1", "М4", None, R::Low, S::Unfavourable, none),
        ]);
        let partner = |number: &str, date: &str| {
            Some(Agreement {
                partner_id: "a4".into(),
                number: number.into(),
                date: date.into(),
            })
        };
        let sup = |participant: bool, partner: Option<Agreement>| Support {
            participant,
            partner,
            note: String::new(),
        };
        let views = vec![
            (
                "a1",
                "М1",
                BTreeMap::from([(2025, sup(true, partner("12", "")))]),
                true,
            ),
            (
                "a2",
                "М1",
                BTreeMap::from([
                    (2024, sup(true, partner("1", "2024-03-01"))),
                    (2025, sup(true, None)),
                ]),
                false,
            ),
            (
                "a3",
                "М2",
                BTreeMap::from([(2025, sup(true, partner("", "")))]),
                false,
            ),
            ("a4", "М3", BTreeMap::new(), false),
            (
                "a5",
                "М3",
                BTreeMap::from([(2025, sup(false, partner("", "2025-04-01")))]),
                true,
            ),
            ("z", "М9", BTreeMap::from([(2025, sup(true, None))]), true),
        ];
        (r, views)
    }

    #[test]
    fn project_figures_on_a_worked_example() {
        let (r, views) = figures_example();
        let views = views_of(&views);
        let f = project_figures(&r, &views, 2025);
        // ШНРО a1, a2, a5: programmes a1, a5; partners a1, a5; participants a1, a2.
        assert_eq!(
            f.low,
            GroupFigures {
                count: 3,
                with_programme: 2,
                with_partner: 2,
                participants: 2
            }
        );
        // ШНСУ a1, a3, a5: programmes a1, a5; partners a1, a3, a5; participants a1, a3.
        assert_eq!(
            f.unfavourable,
            GroupFigures {
                count: 3,
                with_programme: 2,
                with_partner: 3,
                participants: 2
            }
        );
        // Participants a1, a2, a3, z; a concluded agreement: a1 only (a3's partner is only
        // assigned, a5 is not a participant).
        assert_eq!((f.participants, f.agreements), (4, 1));
        // М1 (a1) and М2 (a3's partner) of М1…М4; М3's a5 is not a participant, z's М9 is
        // not a municipality of the run.
        assert_eq!((f.municipalities, f.municipalities_with_measures), (4, 2));
        assert_eq!(f.municipalities_percent(), Some(50.0));
        let figures = f.figures();
        let share = figures
            .iter()
            .find(|x| x.id == "municipalities_with_measures")
            .unwrap();
        assert_eq!(share.percent(), Some(50.0));
        assert!(share.label.starts_with(
            "Доля муниципальных систем общего образования, в которых разработаны и реализуются мероприятия"
        ));
        // 2024: a2 was a participant with a concluded agreement, nothing else is marked.
        let f = project_figures(&r, &views, 2024);
        assert_eq!((f.participants, f.agreements), (1, 1));
        assert_eq!(f.low.participants, 1);
        assert_eq!(f.low.with_partner, 1);
        assert_eq!(f.municipalities_with_measures, 1);
        // Without views only the run's counts remain.
        let f = project_figures(&r, &[], 2025);
        assert_eq!(f.low.count, 3);
        assert_eq!((f.participants, f.municipalities_with_measures), (0, 0));
    }

    #[test]
    fn figures_csv_is_for_excel() {
        let (r, views) = figures_example();
        let views = views_of(&views);
        let csv = figures_csv(&project_figures(&r, &views, 2025));
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines[0], "\u{feff}Показатель;Значение;Из;Доля, %");
        assert_eq!(
            lines[1],
            "ШНРО — общеобразовательные организации с низкими результатами обучения;3;;"
        );
        assert_eq!(
            lines[2],
            "ШНРО, в которых разработаны школьные программы повышения качества образования;2;3;66,7"
        );
        assert!(lines.contains(
            &"Доля муниципальных систем общего образования, в которых разработаны и реализуются мероприятия по повышению качества образования в ШНРО и ШНСУ (2025 год);2;4;50"
        ));
        assert!(csv.contains("Как считаются показатели: ШНРО и ШНСУ"));
        // The workbook keeps the share in full.
        let t = figures_table(&project_figures(&r, &views, 2025));
        assert_eq!(t.rows[2][3], Cell::Rounded(200.0 / 3.0, table::PERCENT));
    }

    #[test]
    fn the_participants_table_names_partners_and_writes_dates_as_people_do() {
        let (r, views) = figures_example();
        let views = views_of(&views);
        let lines = project_lines(&r, &views, 2025);
        // ШНРО/ШНСУ a1, a2, a3, a5 (not e1: excluded, no category) and the participant z.
        let ids: Vec<&str> = lines.iter().map(|l| l.school_id.as_str()).collect();
        assert_eq!(ids, ["a1", "a2", "a3", "a5", "z"]);
        let a1 = &lines[0];
        assert_eq!(a1.category, "ШНРО, ШНСУ");
        // The partner a4 is stored («Школа») and in the run («Школа a4»): the record's name.
        assert_eq!(a1.partner, "Школа (a4, М3)");
        assert_eq!(lines[1].partner, "", "a2 has no partner in 2025");
        assert_eq!(lines[4].category, NOT_IN_RUN);
        assert!(!lines[4].in_run && lines[0].in_run);
        let t = participants_table(&lines);
        let csv = t.to_csv();
        let rows: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            rows[0],
            "\u{feff}Муниципалитет;Идентификатор школы;Школа;Категория;Участник проекта;Школа-партнёр;№ соглашения;Дата соглашения;Примечание"
        );
        assert_eq!(rows[1], "М1;a1;Школа a1;ШНРО, ШНСУ;да;Школа (a4, М3);12;;");
        // a5: not a participant, its agreement dated 2025-04-01.
        assert_eq!(
            rows[4],
            "М3;a5;Школа a5;ШНРО, ШНСУ;нет;Школа (a4, М3);;01.04.2025;"
        );
        assert_eq!(rows[5], "М9;z;Школа вне расчёта;нет в расчёте;да;;;;");
        // A partner only the run knows, and one nobody knows.
        let only_run: Vec<SupportView> = views
            .iter()
            .copied()
            .filter(|v| v.school_id != "a4")
            .collect();
        assert_eq!(
            project_lines(&r, &only_run, 2025)[0].partner,
            "Школа a4 (a4, М3)"
        );
        let mut lost = r.clone();
        lost.schools.retain(|s| s.school_id != "a4");
        assert_eq!(project_lines(&lost, &only_run, 2025)[0].partner, "a4");
    }
}
