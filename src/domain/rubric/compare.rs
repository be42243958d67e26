//! Сравнение организаций и изменение к прошлому году.

use super::{score, Assessment, Organisation, Rubric, Scores};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Таблица сравнения: столбец на организацию.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Идентификаторы систем в порядке рубрики (порядок строк каждого столбца).
    pub systems: Vec<String>,
    /// Идентификаторы этапов в порядке цикла (порядок `ComparisonRow::stages`).
    pub stages: Vec<String>,
    /// Столбцы, упорядоченные по уровню (регион, муниципалитет, школа), названию и ключу.
    pub columns: Vec<ComparisonColumn>,
}

/// Одна организация за последний год, по которому у неё есть оценка.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonColumn {
    pub organisation: Organisation,
    pub year: i32,
    /// По строке на систему.
    pub rows: Vec<ComparisonRow>,
    /// Итоговый процент.
    pub overall: f64,
    pub answered: usize,
    pub unanswered: usize,
    /// Изменение к оценке за предыдущий год (`year - 1`), если она есть.
    pub change: Option<Change>,
}

/// Проценты одной системы: по этапам и в целом.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonRow {
    pub system: String,
    /// Процент по каждому этапу, в порядке `Comparison::stages`.
    pub stages: Vec<f64>,
    pub percent: f64,
}

/// Изменение в процентных пунктах (текущий процент минус прошлогодний).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub previous_year: i32,
    pub systems: Vec<SystemChange>,
    pub overall: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SystemChange {
    pub system: String,
    /// Процентные пункты.
    pub delta: f64,
}

/// Сравнивает организации. Оценки одной организации связываются по
/// [`Organisation::key`]; для столбца берётся последний год, при нескольких оценках за
/// год — с наибольшим `updated_at`, а при равенстве — последняя в срезе. Оценки по другой
/// рубрике (`rubric_id` не пуст и не совпадает) пропускаются.
pub fn compare(rubric: &Rubric, assessments: &[Assessment]) -> Comparison {
    let mut by_org: BTreeMap<String, Vec<(usize, &Assessment)>> = BTreeMap::new();
    for (index, a) in assessments.iter().enumerate() {
        if !a.rubric_id.is_empty() && a.rubric_id != rubric.id {
            continue;
        }
        by_org
            .entry(a.organisation.key())
            .or_default()
            .push((index, a));
    }

    let newest = |list: &[(usize, &'_ Assessment)], year: Option<i32>| -> Option<usize> {
        list.iter()
            .filter(|(_, a)| year.is_none_or(|y| a.year == y))
            .max_by(|(ia, a), (ib, b)| {
                (a.year, &a.updated_at, ia).cmp(&(b.year, &b.updated_at, ib))
            })
            .map(|(i, _)| *i)
    };

    let mut columns: Vec<(String, ComparisonColumn)> = Vec::new();
    for (key, list) in &by_org {
        let Some(latest_index) = newest(list, None) else {
            continue;
        };
        let latest = &assessments[latest_index];
        let current = score(rubric, latest);
        let change = newest(list, Some(latest.year - 1)).map(|prev_index| {
            let previous = score(rubric, &assessments[prev_index]);
            change_between(&current, &previous, latest.year - 1)
        });
        let rows = rubric
            .systems
            .iter()
            .map(|system| ComparisonRow {
                system: system.id.clone(),
                stages: rubric
                    .stages
                    .iter()
                    .map(|stage| {
                        current
                            .cell(&system.id, &stage.id)
                            .map_or(0.0, |t| t.percent)
                    })
                    .collect(),
                percent: current.system(&system.id).map_or(0.0, |t| t.percent),
            })
            .collect();
        columns.push((
            key.clone(),
            ComparisonColumn {
                organisation: latest.organisation.clone(),
                year: latest.year,
                rows,
                overall: current.overall.percent,
                answered: current.overall.answered,
                unanswered: current.overall.unanswered,
                change,
            },
        ));
    }
    columns.sort_by(|(ka, a), (kb, b)| {
        (a.organisation.level, &a.organisation.name, ka).cmp(&(
            b.organisation.level,
            &b.organisation.name,
            kb,
        ))
    });

    Comparison {
        systems: rubric.systems.iter().map(|s| s.id.clone()).collect(),
        stages: rubric.stages.iter().map(|s| s.id.clone()).collect(),
        columns: columns.into_iter().map(|(_, c)| c).collect(),
    }
}

fn change_between(current: &Scores, previous: &Scores, previous_year: i32) -> Change {
    Change {
        previous_year,
        systems: current
            .systems
            .iter()
            .map(|s| SystemChange {
                system: s.system.clone(),
                delta: s.tally.percent - previous.system(&s.system).map_or(0.0, |t| t.percent),
            })
            .collect(),
        overall: current.overall.percent - previous.overall.percent,
    }
}
