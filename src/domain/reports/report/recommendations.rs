//! The addressed recommendations («адресные рекомендации», seed 003: «Направление адресных
//! рекомендаций для школ») of the analytical report, grouped by what they recommend.
//!
//! - [`draft_items`] — per school (every ШНРО, «группа риска» and ШНСУ in scope), the items
//!   of advice with the school's own detail: the weakest components of the latest year, the
//!   gaps of the latest self-assessment (or «провести самооценку»), the social framing for
//!   ШНСУ, the partner school (the one recorded for the project year, or the run's suggestions,
//!   or a resilient school of the pool for a ШНСУ), the bank of practices for a resilient one;
//! - [`group_items`] — one [`RecommendationGroup`] per item of advice: one paragraph and the
//!   table of the schools it applies to (instead of one near-identical paragraph per school);
//! - [`ReportEdits`] — what the specialist changed (a group's text, «Проверено», a school's
//!   note; the title block's fields), kept in the page's `drafts` store; the first form of the
//!   record (one edited text per school) still reads, its texts become the schools' notes;
//! - [`recommendations_section`] — the report's section: a group is called checked only when
//!   the specialist edited its text or ticked «Проверено» ([`checked_summary`]).

use super::{
    component_label, plural, schools_where, table, ReportTable, Scope, Section, RECOMMENDATIONS,
    SCHOOLS,
};
use crate::domain::common::time::date_ru;
use crate::domain::exchange::records::SchoolDocuments;
use crate::domain::method::identify::method::method;
use crate::domain::method::identify::{
    Identification, ResultsCategory, SchoolResult, SocialCategory,
};
use crate::domain::school::self_assessment::{questionnaire, summary as self_assessment_summary};
use crate::domain::support::{Agreement, Support, SupportView};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What one recommendation says, without the school it is for: the key of its group.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Advice {
    /// This results component (id) pulled the school's results index down most: analyse why.
    Weakest(String),
    /// The run names no weakest component for the school: check its data.
    NoWeakest,
    /// A gap of the school's latest self-assessment (item id).
    Gap(String),
    /// The school has no self-assessment: carry one out.
    SelfAssessment,
    /// ШНСУ: the social framing of the programme.
    Social,
    /// ШНРО or «группа риска» without a recorded partner: take one of the run's suggestions.
    Partner,
    /// ШНРО or «группа риска» without a recorded partner and without a suggestion.
    NoPartnerFound,
    /// A partner school is recorded for the project year (with the agreement).
    PartnerRecorded,
    /// A ШНСУ without a recorded partner: a resilient school of its pool could be one.
    ResilientPartner,
    /// A resilient school: its practice for the bank of best practices.
    Practices,
}

impl Advice {
    /// A stable key (edits are kept under it): «weakest:ege_rus», «gap:5.1.13», «social».
    pub fn key(&self) -> String {
        match self {
            Advice::Weakest(c) => format!("weakest:{c}"),
            Advice::NoWeakest => "no_weakest".into(),
            Advice::Gap(i) => format!("gap:{i}"),
            Advice::SelfAssessment => "self_assessment".into(),
            Advice::Social => "social".into(),
            Advice::Partner => "partner".into(),
            Advice::NoPartnerFound => "no_partner".into(),
            Advice::PartnerRecorded => "partner_recorded".into(),
            Advice::ResilientPartner => "resilient_partner".into(),
            Advice::Practices => "practices".into(),
        }
    }

    /// The order of the groups: results first (components in the method's order), then the
    /// self-assessment (items in the questionnaire's order), the social framing, partners.
    fn order(&self) -> (u8, usize) {
        let in_method = |id: &str| {
            method()
                .results
                .iter()
                .position(|c| c.id == id)
                .unwrap_or(usize::MAX)
        };
        let in_questionnaire = |id: &str| {
            questionnaire()
                .items
                .iter()
                .position(|i| i.id == id)
                .unwrap_or(usize::MAX)
        };
        match self {
            Advice::Weakest(c) => (0, in_method(c)),
            Advice::NoWeakest => (1, 0),
            Advice::Gap(i) => (2, in_questionnaire(i)),
            Advice::SelfAssessment => (3, 0),
            Advice::Social => (4, 0),
            Advice::Partner => (5, 0),
            Advice::NoPartnerFound => (6, 0),
            Advice::PartnerRecorded => (7, 0),
            Advice::ResilientPartner => (8, 0),
            Advice::Practices => (9, 0),
        }
    }

    /// The group's heading: what it recommends.
    pub fn heading(&self) -> String {
        match self {
            Advice::Weakest(c) => format!(
                "Проанализировать причины низких значений показателя «{}»",
                component_label(c)
            ),
            Advice::NoWeakest => "Проверить полноту данных школы".into(),
            Advice::Gap(i) => format!(
                "Устранить дефицит, выявленный самооценкой: «{}»",
                item_text(i)
            ),
            Advice::SelfAssessment => "Провести самооценку".into(),
            Advice::Social => "Учесть неблагоприятные социальные условия".into(),
            Advice::Partner => "Закрепить школу-партнёра".into(),
            Advice::NoPartnerFound => "Определить школу-партнёра".into(),
            Advice::PartnerRecorded => "Школа-партнёр закреплена".into(),
            Advice::ResilientPartner => "Рассмотреть резильентную школу как партнёра".into(),
            Advice::Practices => "Включить опыт школы в банк лучших практик".into(),
        }
    }

    /// The drafted paragraph (the specialist may rewrite it). `project_year`: the year of the
    /// support project whose partner records are read.
    pub fn text(&self, project_year: i32) -> String {
        match self {
            Advice::Weakest(c) => format!(
                "У школ из таблицы показатель «{}» сильнее других снизил индекс образовательных \
                 результатов (год — в таблице). Рекомендуется проанализировать причины низких \
                 значений этого показателя и включить меры по нему в программу повышения \
                 качества образования.",
                component_label(c)
            ),
            Advice::NoWeakest => "Показатели, снизившие индекс образовательных результатов, у \
                 школ из таблицы не выделены: рекомендуется проверить полноту их данных."
                .into(),
            Advice::Gap(i) => format!(
                "Последняя самооценка школ из таблицы выявила дефицит: «{}» (показатель {i}; \
                 год самооценки — в таблице). Его устранение следует включить в программу \
                 повышения качества образования.",
                item_text(i)
            ),
            Advice::SelfAssessment => "Самооценка школ из таблицы не представлена: \
                 рекомендуется провести её, чтобы уточнить дефициты управления."
                .into(),
            Advice::Social => "Школы из таблицы функционируют в неблагоприятных социальных \
                 условиях: в программу следует включить адресную работу с обучающимися, \
                 испытывающими трудности в освоении образовательных программ и социальной \
                 адаптации, и с их семьями."
                .into(),
            Advice::Partner => "Рекомендуется закрепить за школой школу-партнёра из числа школ \
                 той же группы школ с высокими образовательными результатами; школы, \
                 предложенные расчётом, — в таблице."
                .into(),
            Advice::NoPartnerFound => "Школу-партнёра из той же группы школ расчёт не подобрал: \
                 партнёра следует определить специалисту."
                .into(),
            Advice::PartnerRecorded => format!(
                "За школами из таблицы на {project_year} год закреплены школы-партнёры (данные \
                 проекта «Эффективная школа»): рекомендуется продолжить сетевое взаимодействие \
                 по соглашению и отразить совместные мероприятия в программе повышения \
                 качества образования."
            ),
            Advice::ResilientPartner => "В качестве школы-партнёра можно рассмотреть \
                 резильентную школу той же группы школ (стабильно высокие результаты в \
                 неблагоприятных социальных условиях); такие школы — в таблице."
                .into(),
            Advice::Practices => "Школы из таблицы показывают стабильно высокие результаты в \
                 неблагоприятных социальных условиях (резильентные): их опыт стоит включить в \
                 банк лучших практик и привлечь эти школы как партнёров для ШНРО и ШНСУ."
                .into(),
        }
    }

    /// The header of the column with each school's own detail, if the group has one.
    pub fn detail_header(&self) -> Option<&'static str> {
        match self {
            Advice::Weakest(_) => Some("Год"),
            Advice::Gap(_) => Some("Год самооценки"),
            Advice::Partner => Some("Предложенные школы-партнёры"),
            Advice::PartnerRecorded => Some("Школа-партнёр и соглашение"),
            Advice::ResilientPartner => Some("Резильентные школы группы"),
            _ => None,
        }
    }
}

/// A self-assessment item's wording, or its id when the questionnaire lacks it.
fn item_text(id: &str) -> String {
    questionnaire()
        .item(id)
        .map_or_else(|| id.to_string(), |i| i.text.clone())
}

/// A school with a recommendation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolLine {
    pub school_id: String,
    pub school_name: String,
    pub municipality: String,
    /// The school's categories, «ШНРО, ШНСУ».
    pub categories: String,
}

/// One school's items of advice, each with the school's own detail (a year, the partners).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolItems {
    pub school: SchoolLine,
    pub items: Vec<(Advice, String)>,
}

/// One recommendation and the schools it applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecommendationGroup {
    pub advice: Advice,
    /// [`Advice::key`].
    pub key: String,
    pub heading: String,
    /// The drafted paragraph.
    pub text: String,
    /// The schools, in the order of the schools given, each with its detail.
    pub schools: Vec<(SchoolLine, String)>,
}

impl RecommendationGroup {
    /// The table of the group's schools: school, municipality, categories and, if the group
    /// has one, the detail column.
    pub fn table(&self) -> ReportTable {
        let n = self.schools.len();
        let caption = format!("{n} {}", plural(n, SCHOOLS));
        let detail = self.advice.detail_header();
        let mut header = vec!["Школа", "Муниципалитет", "Категории"];
        header.extend(detail);
        let mut t = table(caption, &header, &vec![false; header.len()]);
        for (s, d) in &self.schools {
            let mut row = vec![
                s.school_name.clone(),
                s.municipality.clone(),
                s.categories.clone(),
            ];
            if detail.is_some() {
                row.push(d.clone());
            }
            t.rows.push(row);
        }
        t
    }
}

/// The drafted recommendations of a report: the groups, every school they name, and the
/// year of the support project whose partner records were read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Recommendations {
    pub groups: Vec<RecommendationGroup>,
    pub schools: Vec<SchoolLine>,
    pub project_year: i32,
}

/// «ШНРО, ШНСУ» — the categories that bring a school into the recommendations.
fn categories_of(s: &SchoolResult) -> String {
    let results = match s.results_category {
        Some(c @ (ResultsCategory::Low | ResultsCategory::Risk)) => Some(c.short()),
        _ => None,
    };
    let social = (s.social_category == Some(SocialCategory::Unfavourable))
        .then_some(SocialCategory::Unfavourable.short());
    results
        .into_iter()
        .chain(social)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The agreement of a recorded partner in words: «соглашение № 12 от 15.09.2026», or that
/// it has neither number nor date.
fn agreement_text(a: &Agreement) -> String {
    let (number, date) = (a.number.trim(), a.date.trim());
    match (number.is_empty(), date.is_empty()) {
        (false, false) => format!("соглашение № {number} от {}", date_ru(date)),
        (false, true) => format!("соглашение № {number}"),
        (true, false) => format!("соглашение от {}", date_ru(date)),
        (true, true) => "соглашение не заключено (номер и дата не указаны)".to_string(),
    }
}

/// The items of advice of every ШНРО, «группа риска» and ШНСУ school in scope
/// (`municipality`: `None` = the region), in order of municipality, name, id.
///
/// (a) The components that pulled the results index down most in the latest year of the
/// window (or, if that year names none, the latest year that does), one item each; (b) each
/// gap of the school's latest self-assessment in `documents` (keyed by school id), or
/// «провести самооценку» without one; (c) for ШНСУ, the social framing of seed 001; (d) the
/// partner: a school whose partner is recorded for `project_year` in `support` gets
/// «Школа-партнёр закреплена» with the partner and the agreement, never a suggestion to find
/// one; otherwise a ШНРО or «группа риска» gets the run's suggested partners (or, without
/// any, a task for the specialist), and a ШНСУ the resilient schools of its pool (its own
/// municipality first, up to `partners_max`); (e) a resilient school, the bank of practices.
pub fn draft_items(
    r: &Identification,
    municipality: Option<&str>,
    documents: &BTreeMap<String, SchoolDocuments>,
    support: &[SupportView<'_>],
    project_year: i32,
) -> Vec<SchoolItems> {
    let by_id: HashMap<&str, &SchoolResult> = r
        .schools
        .iter()
        .rev()
        .map(|s| (s.school_id.as_str(), s))
        .collect();
    let recorded: HashMap<&str, &Agreement> = support
        .iter()
        .filter_map(|v| {
            let s: &Support = v.support.get(&project_year)?;
            s.partner_id()?;
            Some((v.school_id, s.partner.as_ref()?))
        })
        .collect();
    let name_of = |s: &SchoolResult| format!("«{}» ({})", s.school_name, s.municipality);
    let partner_name = |id: &str| {
        by_id.get(id).map_or_else(
            || format!("школа с идентификатором «{id}» (нет в расчёте)"),
            |p| name_of(p),
        )
    };
    let list = schools_where(r, Scope(municipality), |s| {
        matches!(
            s.results_category,
            Some(ResultsCategory::Low | ResultsCategory::Risk)
        ) || s.social_category == Some(SocialCategory::Unfavourable)
    });
    list.into_iter()
        .map(|s| {
            let low_or_risk = matches!(
                s.results_category,
                Some(ResultsCategory::Low | ResultsCategory::Risk)
            );
            let unfavourable = s.social_category == Some(SocialCategory::Unfavourable);
            let mut items = Vec::new();

            // (a) The weakest components.
            match r.years.iter().rev().find_map(|y| {
                let yr = s.years.get(y)?;
                (!yr.weakest.is_empty()).then_some((*y, yr))
            }) {
                Some((year, yr)) => {
                    for c in yr.weakest.ids() {
                        items.push((Advice::Weakest(c.to_string()), year.to_string()));
                    }
                }
                None => items.push((Advice::NoWeakest, String::new())),
            }

            // (b) The latest self-assessment.
            let assessments = documents
                .get(&s.school_id)
                .map_or(&[][..], |d| d.self_assessments.as_slice());
            match assessments.iter().max_by_key(|a| a.year) {
                Some(latest) => {
                    let summary = self_assessment_summary(latest, assessments);
                    for id in summary.blocks.iter().flat_map(|b| b.gaps.iter()) {
                        items.push((Advice::Gap(id.clone()), latest.year.to_string()));
                    }
                }
                None => items.push((Advice::SelfAssessment, String::new())),
            }

            // (c) The social framing.
            if unfavourable {
                items.push((Advice::Social, String::new()));
            }

            // (d) The partner.
            if let Some(a) = recorded.get(s.school_id.as_str()) {
                items.push((
                    Advice::PartnerRecorded,
                    format!(
                        "{}; {}",
                        partner_name(a.partner_id.trim()),
                        agreement_text(a)
                    ),
                ));
            } else if low_or_risk {
                if s.partners.is_empty() {
                    items.push((Advice::NoPartnerFound, String::new()));
                } else {
                    let names: Vec<String> = s.partners.iter().map(|p| partner_name(p)).collect();
                    items.push((Advice::Partner, names.join("; ")));
                }
            } else if unfavourable && !s.resilient && r.params.partners_max > 0 {
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
                    let names: Vec<String> = resilient.iter().map(|p| name_of(p)).collect();
                    items.push((Advice::ResilientPartner, names.join("; ")));
                }
            }

            // (e) The bank of practices.
            if s.resilient {
                items.push((Advice::Practices, String::new()));
            }

            SchoolItems {
                school: SchoolLine {
                    school_id: s.school_id.clone(),
                    school_name: s.school_name.clone(),
                    municipality: s.municipality.clone(),
                    categories: categories_of(s),
                },
                items,
            }
        })
        .collect()
}

/// One group per item of advice, in the order of [`Advice`] (components in the method's
/// order, self-assessment items in the questionnaire's); within a group the schools keep
/// the order of `schools`. A school with the same advice twice is listed once (the first
/// detail kept).
pub fn group_items(schools: &[SchoolItems], project_year: i32) -> Vec<RecommendationGroup> {
    let mut groups: Vec<RecommendationGroup> = Vec::new();
    let mut at: HashMap<Advice, usize> = HashMap::new();
    for s in schools {
        for (advice, detail) in &s.items {
            let i = *at.entry(advice.clone()).or_insert_with(|| {
                groups.push(RecommendationGroup {
                    advice: advice.clone(),
                    key: advice.key(),
                    heading: advice.heading(),
                    text: advice.text(project_year),
                    schools: Vec::new(),
                });
                groups.len() - 1
            });
            let g = &mut groups[i];
            if !g
                .schools
                .iter()
                .any(|(x, _)| x.school_id == s.school.school_id)
            {
                g.schools.push((s.school.clone(), detail.clone()));
            }
        }
    }
    groups.sort_by_key(|g| g.advice.order());
    groups
}

/// [`draft_items`] grouped by [`group_items`].
pub fn draft_recommendations(
    r: &Identification,
    municipality: Option<&str>,
    documents: &BTreeMap<String, SchoolDocuments>,
    support: &[SupportView<'_>],
    project_year: i32,
) -> Recommendations {
    let items = draft_items(r, municipality, documents, support, project_year);
    Recommendations {
        groups: group_items(&items, project_year),
        schools: items.into_iter().map(|s| s.school).collect(),
        project_year,
    }
}

// ---------------------------------------------------------------- the specialist's edits

/// The fields of the title and signature blocks that the person types.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DocumentFields {
    /// «Для кого»: the addressee.
    pub addressee: String,
    /// «Кем подготовлено»: the organisation, the position and the name of the person.
    pub organisation: String,
    pub position: String,
    pub name: String,
    /// The document's date, `YYYY-MM-DD`; empty: not chosen (the page puts today).
    pub date: String,
}

impl DocumentFields {
    /// Nothing typed (the date aside).
    pub fn is_blank(&self) -> bool {
        [
            &self.addressee,
            &self.organisation,
            &self.position,
            &self.name,
        ]
        .iter()
        .all(|f| f.trim().is_empty())
    }
}

/// What the specialist changed in one report (one run and scope), kept in the `drafts` store
/// under `report:<run>:<scope>`. Every field has a default, so a record of the first form
/// (`{"key", "texts"}`) reads.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportEdits {
    pub key: String,
    /// The first form: a school's whole edited recommendation, by school id. Read only:
    /// [`ReportEdits::upgrade`] turns each into the school's note.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub texts: BTreeMap<String, String>,
    /// A group's text as edited, by [`Advice::key`].
    pub groups: BTreeMap<String, String>,
    /// The groups ticked «Проверено», by [`Advice::key`].
    pub checked: BTreeSet<String>,
    /// The specialist's note on a school, by school id.
    pub notes: BTreeMap<String, String>,
    /// The title block's fields as typed for this report.
    pub title: DocumentFields,
}

impl ReportEdits {
    pub fn new(key: impl Into<String>) -> Self {
        ReportEdits {
            key: key.into(),
            ..ReportEdits::default()
        }
    }

    /// The stored record as read: the first form's texts become the schools' notes (a
    /// note already written wins), so that nothing the specialist wrote is lost.
    pub fn upgrade(mut self) -> Self {
        for (school, text) in std::mem::take(&mut self.texts) {
            if text.trim().is_empty() {
                continue;
            }
            let note = self.notes.entry(school).or_default();
            if note.trim().is_empty() {
                *note = text;
            }
        }
        self
    }

    /// The group's text as it prints: the edited one, or the draft when none was typed (a
    /// text of spaces only counts as none).
    pub fn text_of<'a>(&'a self, g: &'a RecommendationGroup) -> &'a str {
        match self.groups.get(&g.key) {
            Some(t) if !t.trim().is_empty() => t,
            _ => &g.text,
        }
    }

    /// The specialist changed the group's text.
    pub fn edited(&self, g: &RecommendationGroup) -> bool {
        self.text_of(g).trim() != g.text.trim()
    }

    /// The specialist ticked «Проверено» for the group.
    pub fn confirmed(&self, g: &RecommendationGroup) -> bool {
        self.checked.contains(&g.key)
    }

    /// The group was checked by the specialist: edited or ticked.
    pub fn checked(&self, g: &RecommendationGroup) -> bool {
        self.edited(g) || self.confirmed(g)
    }

    /// The school's note, trimmed; `None` when there is none.
    pub fn note(&self, school_id: &str) -> Option<&str> {
        self.notes
            .get(school_id)
            .map(|n| n.trim())
            .filter(|n| !n.is_empty())
    }
}

/// What the report says of a group: drafted or checked, and how.
pub fn group_status(edited: bool, confirmed: bool) -> &'static str {
    match (edited, confirmed) {
        (false, false) => "Составлено автоматически; специалистом не проверено.",
        (true, false) => "Текст отредактирован специалистом.",
        (false, true) => "Проверено специалистом.",
        (true, true) => "Текст отредактирован и проверен специалистом.",
    }
}

/// The section's first paragraph: how the recommendations were drafted.
pub fn recommendations_note(project_year: i32) -> String {
    format!(
        "Рекомендации составлены автоматически: по показателям, сильнее всего снизившим индекс \
         образовательных результатов школы в последнем году расчёта; по дефицитам последней \
         самооценки школы; для ШНСУ — с учётом социальных условий; по школам-партнёрам, \
         предложенным расчётом или закреплённым в проекте «Эффективная школа» на \
         {project_year} год. Одинаковые рекомендации объединены: под каждой — таблица школ, к \
         которым она относится."
    )
}

/// Which groups the specialist checked, by their numbers (`section` is the section's
/// number; the groups are its subsections 1, 2, … in order): a sentence that is true of
/// `edits`.
pub fn checked_summary(section: usize, recs: &Recommendations, edits: &ReportEdits) -> String {
    let checked: Vec<String> = recs
        .groups
        .iter()
        .enumerate()
        .filter(|(_, g)| edits.checked(g))
        .map(|(i, _)| format!("{section}.{}", i + 1))
        .collect();
    if recs.groups.is_empty() {
        "Рекомендаций нет.".to_string()
    } else if checked.is_empty() {
        "Отметок о проверке специалистом нет: все рекомендации — в автоматической редакции."
            .to_string()
    } else if checked.len() == recs.groups.len() {
        "Все рекомендации проверены специалистом (отредактированы или отмечены как \
         проверенные)."
            .to_string()
    } else {
        format!(
            "Проверены специалистом (отредактированы или отмечены как проверенные) \
             рекомендации {}; остальные — в автоматической редакции, специалистом не \
             проверены.",
            checked.join(", ")
        )
    }
}

/// The heading of the subsection of the schools' notes.
pub const NOTES_HEADING: &str = "Дополнения специалиста по отдельным школам";

/// The table of the schools' notes (schools in the order of `recs.schools`), or `None`
/// when there are none.
pub fn notes_table(recs: &Recommendations, edits: &ReportEdits) -> Option<ReportTable> {
    let mut t = table(
        "",
        &["Школа", "Муниципалитет", "Категории", "Дополнение"],
        &[false; 4],
    );
    for s in &recs.schools {
        if let Some(note) = edits.note(&s.school_id) {
            t.rows.push(vec![
                s.school_name.clone(),
                s.municipality.clone(),
                s.categories.clone(),
                note.to_string(),
            ]);
        }
    }
    let n = t.rows.len();
    t.caption = format!("{n} {}", plural(n, SCHOOLS));
    (n > 0).then_some(t)
}

/// The section of the recommendations, numbered `number`: the note on how they were drafted,
/// which were checked, then one subsection per group (its text as edited, whether it was
/// checked, the table of its schools) and the subsection of the schools' notes.
pub fn recommendations_section(
    number: usize,
    recs: &Recommendations,
    edits: &ReportEdits,
) -> Section {
    let mut s = Section {
        id: RECOMMENDATIONS.to_string(),
        heading: "Адресные рекомендации".to_string(),
        paragraphs: vec![recommendations_note(recs.project_year)],
        ..Section::default()
    };
    if recs.groups.is_empty() {
        s.paragraphs.push(
            "Школ с низкими результатами, школ «группы риска» и ШНСУ нет — рекомендаций нет."
                .to_string(),
        );
        return s;
    }
    s.paragraphs.push(checked_summary(number, recs, edits));
    for g in &recs.groups {
        s.subsections.push(Section {
            id: format!("recommendation:{}", g.key),
            heading: g.heading.clone(),
            paragraphs: vec![
                edits.text_of(g).trim().to_string(),
                group_status(edits.edited(g), edits.confirmed(g)).to_string(),
            ],
            tables: vec![g.table()],
            ..Section::default()
        });
    }
    let mut notes = Section {
        id: "recommendation-notes".to_string(),
        heading: NOTES_HEADING.to_string(),
        ..Section::default()
    };
    match notes_table(recs, edits) {
        Some(t) => notes.tables.push(t),
        None => notes.paragraphs.push("Дополнений нет.".to_string()),
    }
    s.subsections.push(notes);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::reports::report::tests::demo;
    use crate::domain::school::self_assessment::{Answer, AnswerValue, Polarity, SelfAssessment};

    fn project_year(r: &Identification) -> i32 {
        r.years.last().map_or(0, |y| y + 1)
    }

    fn line(id: &str, municipality: &str, categories: &str) -> SchoolLine {
        SchoolLine {
            school_id: id.into(),
            school_name: format!("Школа {id}"),
            municipality: municipality.into(),
            categories: categories.into(),
        }
    }

    /// The groups that name `school_id`, by key, with the school's detail.
    fn groups_of(recs: &Recommendations, school_id: &str) -> BTreeMap<String, String> {
        recs.groups
            .iter()
            .filter_map(|g| {
                g.schools
                    .iter()
                    .find(|(s, _)| s.school_id == school_id)
                    .map(|(_, d)| (g.key.clone(), d.clone()))
            })
            .collect()
    }

    #[test]
    fn grouping_gives_one_recommendation_per_advice_with_the_table_of_its_schools() {
        let weakest = |i: usize| method().results[i].id.clone();
        let schools = vec![
            SchoolItems {
                school: line("A", "Северный район", "ШНРО"),
                items: vec![
                    (Advice::Weakest(weakest(3)), "2025".into()),
                    (Advice::Weakest(weakest(1)), "2025".into()),
                    (Advice::SelfAssessment, String::new()),
                    (Advice::Partner, "«Школа П» (Северный район)".into()),
                ],
            },
            SchoolItems {
                school: line("B", "Южный район", "группа риска, ШНСУ"),
                items: vec![
                    (Advice::Weakest(weakest(1)), "2024".into()),
                    (Advice::Social, String::new()),
                    (Advice::SelfAssessment, String::new()),
                    // The same advice twice: the school is listed once, with its first detail.
                    (Advice::Weakest(weakest(1)), "2023".into()),
                ],
            },
            SchoolItems {
                school: line("C", "Южный район", "ШНСУ"),
                items: vec![
                    (Advice::Social, String::new()),
                    (
                        Advice::PartnerRecorded,
                        "«Школа П» (Южный район); соглашение № 7".into(),
                    ),
                ],
            },
        ];
        let groups = group_items(&schools, 2026);
        let keys: Vec<&str> = groups.iter().map(|g| g.key.as_str()).collect();
        // Components in the method's order, then self-assessment, social, partners.
        let w1 = format!("weakest:{}", weakest(1));
        let w3 = format!("weakest:{}", weakest(3));
        assert_eq!(
            keys,
            [
                w1.as_str(),
                w3.as_str(),
                "self_assessment",
                "social",
                "partner",
                "partner_recorded"
            ]
        );
        let ids = |g: &RecommendationGroup| -> Vec<(String, String)> {
            g.schools
                .iter()
                .map(|(s, d)| (s.school_id.clone(), d.clone()))
                .collect()
        };
        assert_eq!(
            ids(&groups[0]),
            [("A".into(), "2025".into()), ("B".into(), "2024".into())]
        );
        assert_eq!(ids(&groups[1]), [("A".to_string(), "2025".to_string())]);
        assert_eq!(groups[2].schools.len(), 2);
        assert_eq!(groups[3].schools.len(), 2);
        // One paragraph per group, written for many schools.
        let label = &method().results[1].label;
        assert_eq!(
            groups[0].heading,
            format!("Проанализировать причины низких значений показателя «{label}»")
        );
        assert!(groups[0].text.contains(&format!("«{label}»")));
        assert!(groups[5].text.contains("на 2026 год"));
        // The table: school, municipality, categories and, where the advice has one, the
        // school's own detail.
        let t = groups[0].table();
        assert_eq!(t.header, ["Школа", "Муниципалитет", "Категории", "Год"]);
        assert_eq!(t.caption, "2 школы");
        assert_eq!(
            t.rows[1],
            ["Школа B", "Южный район", "группа риска, ШНСУ", "2024"]
        );
        let t = groups[3].table();
        assert_eq!(t.header, ["Школа", "Муниципалитет", "Категории"]);
        assert_eq!(t.rows[1], ["Школа C", "Южный район", "ШНСУ"]);
        let t = groups[5].table();
        assert_eq!(t.header[3], "Школа-партнёр и соглашение");
        assert_eq!(t.rows[0][3], "«Школа П» (Южный район); соглашение № 7");
        assert!(group_items(&[], 2026).is_empty());
    }

    #[test]
    fn a_low_school_is_advised_by_its_weakest_components_and_the_suggested_partners() {
        let r = demo();
        let recs = draft_recommendations(r, None, &BTreeMap::new(), &[], project_year(r));
        let latest = *r.years.last().unwrap();
        let low = r
            .schools
            .iter()
            .find(|s| {
                s.results_category == Some(ResultsCategory::Low)
                    && s.years.get(&latest).is_some_and(|y| y.weakest.len() > 1)
                    && !s.partners.is_empty()
            })
            .expect("the demo region has a ШНРО with weakest components and partners");
        let mine = groups_of(&recs, &low.school_id);
        for c in low.years[&latest].weakest.ids() {
            assert_eq!(
                mine.get(&format!("weakest:{c}")),
                Some(&latest.to_string()),
                "{c}: {mine:?}"
            );
        }
        let weakest_groups = mine.keys().filter(|k| k.starts_with("weakest:")).count();
        assert_eq!(weakest_groups, low.years[&latest].weakest.len());
        assert!(mine.contains_key("self_assessment"), "{mine:?}");
        let partners: Vec<String> = low
            .partners
            .iter()
            .map(|p| {
                let p = r.school(p).unwrap();
                format!("«{}» ({})", p.school_name, p.municipality)
            })
            .collect();
        assert_eq!(mine["partner"], partners.join("; "));
        assert!(!mine.contains_key("partner_recorded"));
        let line = recs
            .schools
            .iter()
            .find(|s| s.school_id == low.school_id)
            .unwrap();
        assert!(line.categories.starts_with("ШНРО"));

        // Every ШНРО, «группа риска» and ШНСУ school, no other, in order.
        let expected: Vec<&str> = schools_where(r, Scope(None), |s| {
            matches!(
                s.results_category,
                Some(ResultsCategory::Low | ResultsCategory::Risk)
            ) || s.social_category == Some(SocialCategory::Unfavourable)
        })
        .into_iter()
        .map(|s| s.school_id.as_str())
        .collect();
        let listed: Vec<&str> = recs.schools.iter().map(|s| s.school_id.as_str()).collect();
        assert_eq!(listed, expected);
        // Far fewer paragraphs than schools.
        assert!(
            recs.groups.len() < recs.schools.len(),
            "{}",
            recs.groups.len()
        );
        for g in &recs.groups {
            let mut ids: Vec<&str> = g
                .schools
                .iter()
                .map(|(s, _)| s.school_id.as_str())
                .collect();
            let n = ids.len();
            ids.dedup();
            assert_eq!(ids.len(), n, "{}: a school listed twice", g.key);
        }
        // ШНСУ only: the social framing, no partner of the run; a resilient school, and only
        // it, is pointed to the bank of practices.
        let social = recs
            .schools
            .iter()
            .find(|s| s.categories == "ШНСУ")
            .expect("the demo region has a ШНСУ that is not ШНРО nor at risk");
        let theirs = groups_of(&recs, &social.school_id);
        assert!(theirs.contains_key("social"));
        assert!(!theirs.contains_key("partner") && !theirs.contains_key("no_partner"));
        let practices = recs.groups.iter().find(|g| g.key == "practices");
        for s in &recs.schools {
            let resilient = r.school(&s.school_id).is_some_and(|x| x.resilient);
            let listed = practices
                .is_some_and(|g| g.schools.iter().any(|(x, _)| x.school_id == s.school_id));
            assert_eq!(listed, resilient, "{}", s.school_name);
        }
        // A municipality's drafts are its own.
        let m = r.summary.municipalities.keys().next().unwrap();
        let here = draft_recommendations(r, Some(m), &BTreeMap::new(), &[], project_year(r));
        assert!(here.schools.iter().all(|x| &x.municipality == m));
        assert_eq!(
            here.schools.len(),
            recs.schools.iter().filter(|x| &x.municipality == m).count()
        );
    }

    #[test]
    fn a_school_whose_partner_is_recorded_is_not_told_to_find_one() {
        let r = demo();
        let year = project_year(r);
        let low = r
            .schools
            .iter()
            .find(|s| s.results_category == Some(ResultsCategory::Low) && !s.partners.is_empty())
            .unwrap();
        let social = r
            .schools
            .iter()
            .find(|s| {
                s.social_category == Some(SocialCategory::Unfavourable)
                    && s.results_category == Some(ResultsCategory::Middle)
                    && !s.resilient
            })
            .expect("a ШНСУ with middle results");
        let partner = r
            .schools
            .iter()
            .find(|s| s.results_category == Some(ResultsCategory::High))
            .unwrap();
        let record = |number: &str, date: &str| -> BTreeMap<i32, Support> {
            [(
                year,
                Support {
                    participant: true,
                    partner: Some(Agreement {
                        partner_id: partner.school_id.clone(),
                        number: number.into(),
                        date: date.into(),
                    }),
                    note: String::new(),
                },
            )]
            .into_iter()
            .collect()
        };
        let with_agreement = record("12", "2026-09-15");
        let assigned_only = record(" ", "");
        let last_year: BTreeMap<i32, Support> = with_agreement
            .values()
            .map(|s| (year - 1, s.clone()))
            .collect();
        let view = |id, support| SupportView {
            school_id: id,
            school_name: "",
            municipality: "",
            support,
            has_programme: false,
        };
        let (low_id, social_id) = (low.school_id.as_str(), social.school_id.as_str());
        let name = format!("«{}» ({})", partner.school_name, partner.municipality);

        // Recorded for the project year, with the agreement.
        let views = [
            view(low_id, &with_agreement),
            view(social_id, &assigned_only),
        ];
        let recs = draft_recommendations(r, None, &BTreeMap::new(), &views, year);
        let mine = groups_of(&recs, low_id);
        assert_eq!(
            mine.get("partner_recorded"),
            Some(&format!("{name}; соглашение № 12 от 15.09.2026"))
        );
        assert!(!mine.contains_key("partner") && !mine.contains_key("no_partner"));
        let theirs = groups_of(&recs, social_id);
        assert_eq!(
            theirs.get("partner_recorded"),
            Some(&format!(
                "{name}; соглашение не заключено (номер и дата не указаны)"
            ))
        );
        assert!(!theirs.contains_key("resilient_partner"));
        let g = recs
            .groups
            .iter()
            .find(|g| g.key == "partner_recorded")
            .unwrap();
        assert_eq!(g.heading, "Школа-партнёр закреплена");
        assert_eq!(g.schools.len(), 2);

        // Recorded for another year only: the run's suggestion stands.
        let views = [view(low_id, &last_year)];
        let recs = draft_recommendations(r, None, &BTreeMap::new(), &views, year);
        let mine = groups_of(&recs, low_id);
        assert!(mine.contains_key("partner") && !mine.contains_key("partner_recorded"));
        assert!(!recs.groups.iter().any(|g| g.key == "partner_recorded"));
    }

    #[test]
    fn the_gaps_of_the_latest_self_assessment_are_groups_of_their_own() {
        let r = demo();
        let low = r
            .schools
            .iter()
            .find(|s| s.results_category == Some(ResultsCategory::Low))
            .unwrap();
        let q = questionnaire();
        let yes_good: Vec<&crate::domain::school::self_assessment::Item> = q
            .items
            .iter()
            .filter(|i| i.polarity == Polarity::YesGood)
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
        let recs = draft_recommendations(r, None, &documents, &[], project_year(r));
        let mine = groups_of(&recs, &low.school_id);
        assert_eq!(
            mine.get(&format!("gap:{}", new_gap.id)),
            Some(&"2025".to_string())
        );
        assert!(!mine.contains_key(&format!("gap:{}", old_gap.id)));
        assert!(!mine.contains_key("self_assessment"));
        let g = recs
            .groups
            .iter()
            .find(|g| g.key == format!("gap:{}", new_gap.id))
            .unwrap();
        assert!(g.heading.contains(&new_gap.text), "{}", g.heading);
        assert_eq!(g.schools.len(), 1);
        // No gaps: no gap group, and no advice to carry one out either.
        let docs = SchoolDocuments {
            self_assessments: vec![assessment(2025, &[(&old_gap.id, AnswerValue::Yes)])],
            programme: None,
        };
        let documents: BTreeMap<String, SchoolDocuments> =
            [(low.school_id.clone(), docs)].into_iter().collect();
        let recs = draft_recommendations(r, None, &documents, &[], project_year(r));
        let mine = groups_of(&recs, &low.school_id);
        assert!(
            !mine
                .keys()
                .any(|k| k.starts_with("gap:") || k == "self_assessment"),
            "{mine:?}"
        );
    }

    #[test]
    fn checked_only_where_the_specialist_edited_or_ticked() {
        let r = demo();
        let recs = draft_recommendations(r, None, &BTreeMap::new(), &[], project_year(r));
        assert!(recs.groups.len() >= 3);
        let section_text = |edits: &ReportEdits| {
            let s = recommendations_section(8, &recs, edits);
            let mut all = s.paragraphs.clone();
            for sub in &s.subsections {
                all.extend(sub.paragraphs.iter().cloned());
            }
            all.join("\n")
        };

        // Nobody touched them: drafted, not checked.
        let mut edits = ReportEdits::new("k");
        let text = section_text(&edits);
        assert!(!text.contains("проверены специалистом"), "{text}");
        assert!(!text.contains("Проверено специалистом"), "{text}");
        assert!(!text.contains("отредактирован"), "{text}");
        assert_eq!(
            checked_summary(8, &recs, &edits),
            "Отметок о проверке специалистом нет: все рекомендации — в автоматической редакции."
        );
        let s = recommendations_section(8, &recs, &edits);
        assert_eq!(s.paragraphs[0], recommendations_note(recs.project_year));
        assert_eq!(s.subsections.len(), recs.groups.len() + 1);
        assert_eq!(s.subsections[0].paragraphs[0], recs.groups[0].text);
        assert_eq!(s.subsections[0].paragraphs[1], group_status(false, false));

        // The draft typed again (or spaces only) is no edit.
        let (g0, g1, g2) = (&recs.groups[0], &recs.groups[1], &recs.groups[2]);
        edits
            .groups
            .insert(g0.key.clone(), format!("  {}\n", g0.text));
        edits.groups.insert(g1.key.clone(), "   ".into());
        assert!(!edits.edited(g0) && !edits.edited(g1));
        assert_eq!(edits.text_of(g1), g1.text);
        assert!(!section_text(&edits).contains("специалистом ("));

        // One edited, one ticked: those two are named, the rest are not checked.
        edits
            .groups
            .insert(g0.key.clone(), "Провести семинар по математике.".into());
        edits.checked.insert(g2.key.clone());
        assert!(edits.edited(g0) && !edits.confirmed(g0) && edits.checked(g0));
        assert!(!edits.edited(g2) && edits.confirmed(g2) && edits.checked(g2));
        assert!(!edits.checked(g1));
        assert_eq!(
            checked_summary(8, &recs, &edits),
            "Проверены специалистом (отредактированы или отмечены как проверенные) \
             рекомендации 8.1, 8.3; остальные — в автоматической редакции, специалистом не \
             проверены."
        );
        let s = recommendations_section(8, &recs, &edits);
        assert_eq!(
            s.subsections[0].paragraphs,
            [
                "Провести семинар по математике.",
                "Текст отредактирован специалистом."
            ]
        );
        assert_eq!(s.subsections[1].paragraphs[1], group_status(false, false));
        assert_eq!(s.subsections[2].paragraphs[1], "Проверено специалистом.");

        // Every group checked: the whole section is.
        for g in &recs.groups {
            edits.checked.insert(g.key.clone());
        }
        assert_eq!(
            checked_summary(8, &recs, &edits),
            "Все рекомендации проверены специалистом (отредактированы или отмечены как \
             проверенные)."
        );
        assert_eq!(
            recommendations_section(8, &recs, &edits).subsections[0].paragraphs[1],
            "Текст отредактирован и проверен специалистом."
        );
        // No recommendations: nothing is called checked.
        let none = Recommendations::default();
        assert_eq!(checked_summary(8, &none, &edits), "Рекомендаций нет.");
    }

    #[test]
    fn saved_edits_of_the_first_form_load_and_their_texts_become_notes() {
        let r = demo();
        let recs = draft_recommendations(r, None, &BTreeMap::new(), &[], project_year(r));
        let (a, b) = (&recs.schools[0], &recs.schools[1]);
        let old = format!(
            r#"{{"key":"report:run:регион","texts":{{"{}":"Провести семинар.","{}":"  "}}}}"#,
            a.school_id, b.school_id
        );
        let edits: ReportEdits = serde_json::from_str::<ReportEdits>(&old).unwrap().upgrade();
        assert_eq!(edits.key, "report:run:регион");
        assert_eq!(edits.note(&a.school_id), Some("Провести семинар."));
        assert_eq!(edits.note(&b.school_id), None);
        assert!(edits.texts.is_empty() && edits.groups.is_empty() && edits.checked.is_empty());
        assert!(edits.title.is_blank());
        // Written back in the new form, it reads the same.
        let json = serde_json::to_string(&edits).unwrap();
        assert!(!json.contains("\"texts\""), "{json}");
        let again: ReportEdits = serde_json::from_str::<ReportEdits>(&json)
            .unwrap()
            .upgrade();
        assert_eq!(again, edits);
        // The note prints in the notes' subsection; no group is called checked because of it.
        let s = recommendations_section(8, &recs, &edits);
        let notes = s.subsections.last().unwrap();
        assert_eq!(notes.heading, NOTES_HEADING);
        assert_eq!(
            notes.tables[0].rows,
            [vec![
                a.school_name.clone(),
                a.municipality.clone(),
                a.categories.clone(),
                "Провести семинар.".to_string()
            ]]
        );
        assert!(s.paragraphs[1].starts_with("Отметок о проверке специалистом нет"));
        // A note written since wins over the old text.
        let mut both: ReportEdits = serde_json::from_str(&old).unwrap();
        both.notes.insert(a.school_id.clone(), "Новое.".into());
        assert_eq!(both.upgrade().note(&a.school_id), Some("Новое."));
        // Without notes: said so.
        let s = recommendations_section(8, &recs, &ReportEdits::new("k"));
        assert_eq!(
            s.subsections.last().unwrap().paragraphs,
            ["Дополнений нет."]
        );
    }
}
