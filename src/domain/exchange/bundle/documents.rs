//! The schools' documents an import brings (self-assessments by year, improvement programmes),
//! for the preview: the totals over every school and a bounded list of lines, one per school,
//! each saying whether the documents are new, replace stored ones or are the same.
//!
//! A national file can bring 45,000 schools: the totals count them all, the list holds at most
//! [`DOCUMENT_LINES`] lines (those that change stored documents first), the rest is «и ещё N».

use super::plan::{Class, ImportPlan, Record};
use crate::domain::common::format::{count, thousands};
use crate::domain::exchange::records::SchoolRecord;
use serde::{Deserialize, Serialize};

/// How many schools the preview names one by one.
pub const DOCUMENT_LINES: usize = 50;

/// The classes in the order the preview lists them: what needs a choice, what replaces stored
/// documents, what is new, what is already there.
const ORDER: [Class; 4] = [
    Class::Conflict,
    Class::Updated,
    Class::New,
    Class::Identical,
];

/// The documents an import brings.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DocumentsPreview {
    /// Schools that bring any document.
    pub schools: usize,
    /// Self-assessments (one per school and year), and the schools that bring any.
    pub self_assessments: usize,
    pub schools_with_self_assessments: usize,
    pub programmes: usize,
    /// Schools by what their documents do, in [`ORDER`], classes without schools left out.
    pub by_class: Vec<(Class, usize)>,
    /// At most [`DOCUMENT_LINES`] schools, those that change stored documents first.
    pub lines: Vec<DocumentLine>,
}

/// One school's incoming documents, in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentLine {
    pub class: Class,
    /// «Школа № 1 (Северный район): самооценки за 2024, 2025 годы; программа повышения
    /// качества (2 цели, 1 мероприятие) — новые».
    pub text: String,
}

/// What the documents of a class do, in a few words.
pub fn status(class: Class) -> &'static str {
    match class {
        Class::New => "новые",
        Class::Updated => "заменят сохранённые",
        Class::Identical => "те же, что уже есть",
        Class::Conflict => "расходятся с уже имеющимися (выбор — в списке конфликтов)",
    }
}

/// «Школа № 1 (Северный район): самооценки за 2024, 2025 годы; программа повышения качества
/// (2 цели, 1 мероприятие)» — the school and what its documents hold.
pub fn school_documents(school: &SchoolRecord) -> String {
    let mut name = school.school_name.trim().to_string();
    if name.is_empty() {
        name = school.school_id.clone();
    }
    if !school.municipality.trim().is_empty() {
        name.push_str(&format!(" ({})", school.municipality.trim()));
    }
    let d = &school.documents;
    let mut parts = Vec::new();
    let mut years: Vec<i32> = d.self_assessments.iter().map(|s| s.year).collect();
    years.sort_unstable();
    years.dedup();
    match years.as_slice() {
        [] => {}
        [one] => parts.push(format!("самооценка за {one} год")),
        many => parts.push(format!(
            "самооценки за {} годы",
            many.iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
    if let Some(p) = &d.programme {
        let targets = match p.targets.len() {
            0 => "без целей".to_string(),
            n => count(n, "цель", "цели", "целей"),
        };
        let measures = match p.measures.len() {
            0 => "без мероприятий".to_string(),
            n => count(n, "мероприятие", "мероприятия", "мероприятий"),
        };
        parts.push(format!(
            "программа повышения качества ({targets}, {measures})"
        ));
    }
    format!("{name}: {}", parts.join("; "))
}

impl DocumentsPreview {
    /// The preview of the schools' documents a plan brings ([`ImportPlan::documents`]).
    pub fn of(plan: &ImportPlan) -> DocumentsPreview {
        let school = |i: usize| match plan.items.get(i).map(|item| &item.record) {
            Some(Record::School(r)) => Some(r),
            _ => None,
        };
        let mut p = DocumentsPreview::default();
        let mut by = [0usize; ORDER.len()];
        let rank = |c: Class| ORDER.iter().position(|o| *o == c).unwrap_or(ORDER.len());
        let mut listed: Vec<(usize, usize, Class)> = Vec::new();
        for &(i, class) in &plan.documents {
            let Some(r) = school(i) else { continue };
            p.schools += 1;
            let n = r.documents.self_assessments.len();
            p.self_assessments += n;
            p.schools_with_self_assessments += usize::from(n > 0);
            p.programmes += usize::from(r.documents.programme.is_some());
            if let Some(c) = by.get_mut(rank(class)) {
                *c += 1;
            }
            listed.push((rank(class), i, class));
        }
        p.by_class = ORDER.into_iter().zip(by).filter(|(_, n)| *n > 0).collect();
        // Those that need a choice or change stored documents first, then in the files' order.
        listed.sort_unstable_by_key(|(rank, i, _)| (*rank, *i));
        p.lines = listed
            .into_iter()
            .take(DOCUMENT_LINES)
            .filter_map(|(_, i, class)| {
                school(i).map(|r| DocumentLine {
                    class,
                    text: format!("{} — {}", school_documents(r), status(class)),
                })
            })
            .collect();
        p
    }

    pub fn is_empty(&self) -> bool {
        self.schools == 0
    }

    /// «Документы школ: 3 школы».
    pub fn heading(&self) -> String {
        format!(
            "Документы школ: {}",
            count(self.schools, "школа", "школы", "школ")
        )
    }

    /// «Самооценок: 5 (3 школы), программ: 2».
    pub fn totals(&self) -> String {
        let schools = if self.self_assessments > 0 {
            format!(
                " ({})",
                count(self.schools_with_self_assessments, "школа", "школы", "школ")
            )
        } else {
            String::new()
        };
        format!(
            "Самооценок: {}{schools}, программ: {}",
            thousands(self.self_assessments),
            thousands(self.programmes)
        )
    }

    /// «Новые — у 2 школ; заменят сохранённые — у 1 школы».
    pub fn classes(&self) -> String {
        let parts: Vec<String> = self
            .by_class
            .iter()
            .map(|(class, n)| {
                format!(
                    "{} — у {}",
                    status(*class),
                    count(*n, "школы", "школ", "школ")
                )
            })
            .collect();
        let text = parts.join("; ");
        let mut chars = text.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => text,
        }
    }

    /// «и ещё 44 950 школ с документами» when the list does not name every school.
    pub fn more(&self) -> Option<String> {
        let n = self.schools.saturating_sub(self.lines.len());
        (n > 0).then(|| format!("и ещё {} с документами", count(n, "школа", "школы", "школ")))
    }
}

#[cfg(test)]
mod tests;
