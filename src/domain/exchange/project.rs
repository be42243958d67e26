//! The support project's decisions as writes: marking schools as participants of a year and
//! assigning their partner schools with the agreements (seed 001: участники «по согласованию с
//! ОМСУ», «За всеми ШНРО и ШНСУ закреплены школы-партнёры»). The decisions are kept on the
//! schools' records, by year (see [`crate::domain::support`]), so they travel in backups and in
//! the collection a municipality sends to the region.

use crate::domain::common::time::Timestamp;
use crate::domain::exchange::records::{ImportCounts, LogAction, LogEntry, Origin};
use crate::domain::exchange::snapshot::{Snapshot, Writes};
use crate::domain::support::{validate_support, ProjectLine, Support};
use std::collections::HashMap;

/// The writes that set the support of `year` of the given schools (an empty support clears the
/// year), in one transaction; every problem in Russian, naming the school and the year. A
/// partner must be a stored school.
pub fn support_writes(
    snapshot: &Snapshot,
    year: i32,
    changes: &[(String, Support)],
    now: &Timestamp,
) -> Result<Writes, Vec<String>> {
    let by_id: HashMap<&str, usize> = snapshot
        .schools
        .iter()
        .enumerate()
        .map(|(i, s)| (s.school_id.as_str(), i))
        .collect();
    let mut problems = Vec::new();
    let mut schools = Vec::new();
    if !(1990..=2100).contains(&year) {
        problems.push(format!("год проекта {year} вне 1990–2100"));
    }
    let mut seen = std::collections::HashSet::new();
    for (id, support) in changes {
        if !seen.insert(id.as_str()) {
            problems.push(format!("школа «{id}» указана дважды"));
            continue;
        }
        let Some(&i) = by_id.get(id.as_str()) else {
            problems.push(format!("школы «{id}» нет в хранилище"));
            continue;
        };
        let mut record = snapshot.schools[i].clone();
        if let Some(p) = support.partner_id() {
            if !by_id.contains_key(p) {
                problems.push(format!(
                    "«{}»: школы-партнёра «{p}» нет в хранилище",
                    record.school_name
                ));
            }
        }
        let one = std::collections::BTreeMap::from([(year, support.clone())]);
        problems.extend(
            validate_support(&one, id)
                .into_iter()
                .map(|m| format!("«{}»: {m}", record.school_name)),
        );
        if support.is_empty() {
            record.support.remove(&year);
        } else {
            record.support.insert(year, support.clone());
        }
        if record.support == snapshot.schools[i].support {
            continue;
        }
        record.meta.modified_at = now.clone();
        if record.meta.origin != Origin::Demo {
            record.meta.origin = Origin::Local;
        }
        schools.push(record);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let participants = schools
        .iter()
        .filter(|s| s.support.get(&year).is_some_and(|x| x.participant))
        .count();
    let partners = schools
        .iter()
        .filter(|s| s.support.get(&year).and_then(Support::partner_id).is_some())
        .count();
    let summary = format!(
        "поддержка школ в {year} г.: изменено записей — {}, из них участников — {participants}, со школой-партнёром — {partners}",
        schools.len()
    );
    Ok(Writes {
        schools,
        submissions: Vec::new(),
        assessments: Vec::new(),
        runs: Vec::new(),
        references: Vec::new(),
        log: Vec::new(),
        entry: LogEntry::new(
            now,
            LogAction::Support,
            None,
            None,
            summary,
            ImportCounts::default(),
        ),
    })
}

/// «Отметить участниками всех ШНРО и ШНСУ»: each school of the run's lists (`lines`) not
/// yet a participant of the year, with its support as stored and `participant` set (its
/// partner, agreement and note kept). What [`support_writes`] takes; the ids are what
/// [`unmark`] undoes.
pub fn mark_all(lines: &[ProjectLine]) -> Vec<(String, Support)> {
    lines
        .iter()
        .filter(|x| x.in_run && !x.support.participant)
        .map(|x| {
            (
                x.school_id.clone(),
                Support {
                    participant: true,
                    ..x.support.clone()
                },
            )
        })
        .collect()
}

/// Undoes [`mark_all`]: of the schools it marked (`marked`), those still participants lose
/// the mark, and only it — a partner assigned since stays.
pub fn unmark(lines: &[ProjectLine], marked: &[String]) -> Vec<(String, Support)> {
    let marked: std::collections::HashSet<&str> = marked.iter().map(String::as_str).collect();
    lines
        .iter()
        .filter(|x| marked.contains(x.school_id.as_str()) && x.support.participant)
        .map(|x| {
            (
                x.school_id.clone(),
                Support {
                    participant: false,
                    ..x.support.clone()
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::common::time::ts;
    use crate::domain::contract::row::SchoolType;
    use crate::domain::exchange::records::{RecordMeta, SchoolIdentity, SchoolRecord};
    use crate::domain::support::Agreement;

    fn school(id: &str) -> SchoolRecord {
        SchoolRecord::new(
            SchoolIdentity {
                school_id: id.into(),
                school_name: format!("Школа {id}"),
                municipality: "Север".into(),
                school_type: SchoolType::Secondary,
            },
            RecordMeta {
                modified_at: ts("2025-01-01T00:00:00Z"),
                origin: Origin::Local,
            },
        )
    }

    fn snapshot() -> Snapshot {
        Snapshot {
            schools: vec![school("A"), school("B")],
            ..Snapshot::default()
        }
    }

    fn with_partner(partner: &str, date: &str) -> Support {
        Support {
            participant: true,
            partner: Some(Agreement {
                partner_id: partner.into(),
                number: "12".into(),
                date: date.into(),
            }),
            note: String::new(),
        }
    }

    #[test]
    fn a_participant_with_a_partner_is_written_and_cleared_again() {
        let now = ts("2026-02-01T10:00:00Z");
        let mut s = snapshot();
        let w = support_writes(
            &s,
            2026,
            &[("A".into(), with_partner("B", "2026-01-20"))],
            &now,
        )
        .expect("valid");
        assert_eq!(w.schools.len(), 1);
        assert_eq!(w.entry.action, LogAction::Support);
        assert!(
            w.entry.summary.contains("участников — 1"),
            "{}",
            w.entry.summary
        );
        s.apply(&w);
        assert_eq!(
            s.school("A")
                .and_then(|a| a.support.get(&2026))
                .and_then(Support::partner_id),
            Some("B")
        );
        // The same decision again writes nothing; an empty one clears the year.
        let again = support_writes(
            &s,
            2026,
            &[("A".into(), with_partner("B", "2026-01-20"))],
            &now,
        )
        .expect("valid");
        assert!(again.schools.is_empty());
        let cleared =
            support_writes(&s, 2026, &[("A".into(), Support::default())], &now).expect("valid");
        s.apply(&cleared);
        assert!(s.school("A").is_some_and(|a| a.support.is_empty()));
    }

    #[test]
    fn every_problem_is_named_and_nothing_is_written() {
        let now = ts("2026-02-01T10:00:00Z");
        let e = support_writes(
            &snapshot(),
            2026,
            &[
                ("A".into(), with_partner("A", "2026-01-20")),
                ("B".into(), with_partner("Z", "2026-13-40")),
                ("C".into(), Support::default()),
            ],
            &now,
        )
        .expect_err("refused");
        assert!(
            e.iter()
                .any(|m| m.contains("«Школа A»") && m.contains("сама эта школа")),
            "{e:?}"
        );
        assert!(
            e.iter()
                .any(|m| m.contains("«Z»") && m.contains("нет в хранилище")),
            "{e:?}"
        );
        assert!(e.iter().any(|m| m.contains("дата соглашения")), "{e:?}");
        assert!(e.iter().any(|m| m.contains("«C»")), "{e:?}");
    }

    #[test]
    fn bulk_marking_marks_the_lists_and_is_undone_without_losing_a_later_partner() {
        let line = |id: &str, in_run: bool, participant: bool| ProjectLine {
            school_id: id.into(),
            school_name: format!("Школа {id}"),
            municipality: "Город".into(),
            category: "ШНРО".into(),
            in_run,
            support: Support {
                participant,
                note: format!("заметка {id}"),
                ..Support::default()
            },
            partner: String::new(),
        };
        // a: to mark; b: already a participant; c: a participant outside the run.
        let lines = vec![
            line("a", true, false),
            line("b", true, true),
            line("c", false, false),
        ];
        let changes = mark_all(&lines);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].0, "a");
        assert!(changes[0].1.participant);
        assert_eq!(
            changes[0].1.note, "заметка a",
            "the rest of the support is kept"
        );
        let marked: Vec<String> = changes.iter().map(|(id, _)| id.clone()).collect();

        // Written, then a partner is assigned to a in its card; the undo keeps the partner.
        let mut after = lines.clone();
        after[0].support = changes[0].1.clone();
        after[0].support.partner = Some(Agreement {
            partner_id: "h".into(),
            number: "1".into(),
            date: "2026-01-10".into(),
        });
        let undo = unmark(&after, &marked);
        assert_eq!(undo.len(), 1, "b was a participant before and stays");
        assert_eq!(undo[0].0, "a");
        assert!(!undo[0].1.participant);
        assert_eq!(undo[0].1.partner_id(), Some("h"));

        // Nothing to mark: nothing asked.
        assert!(mark_all(&after).is_empty());
    }
}
