//! Подсчёт баллов и слабые звенья управленческого цикла.
//!
//! Проценты считаются от максимума: `points * 100 / max`. Пункт без ответа даёт 0 баллов,
//! но его максимум входит в итог. Штраф (`penalty`, −1) уменьшает баллы и ничего не
//! добавляет к максимуму, поэтому процент этапа, системы или итога может быть
//! **отрицательным** — значение не обрезается, интерфейс сам решает, как его показать.
//! Если максимум равен 0 (например, у самого штрафного пункта), процент равен 0.
//!
//! Ответ, не прошедший проверку ([`super::validate_assessment`]), считается
//! неоценённым (0 баллов) и отмечается `valid: false`.

use super::assessment::evaluate;
use super::{Assessment, Rubric};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Процент от максимума; 0 при неположительном максимуме. Не округляется.
pub fn percent_of(points: i32, max: i32) -> f64 {
    if max <= 0 {
        0.0
    } else {
        f64::from(points) * 100.0 / f64::from(max)
    }
}

/// Сумма по группе пунктов.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Tally {
    /// Сумма баллов (штрафы учтены, может быть отрицательной).
    pub points: i32,
    /// Сумма максимумов.
    pub max: i32,
    /// `points * 100 / max` без округления; может быть отрицательным.
    pub percent: f64,
    /// Пунктов с ответом (допустимым).
    pub answered: usize,
    /// Пунктов без ответа или с недопустимым ответом.
    pub unanswered: usize,
}

impl Tally {
    fn add(&mut self, item: &ItemScore) {
        self.points += item.points;
        self.max += item.max;
        if item.answered {
            self.answered += 1;
        } else {
            self.unanswered += 1;
        }
        self.percent = percent_of(self.points, self.max);
    }

    /// Всего пунктов.
    pub fn total(&self) -> usize {
        self.answered + self.unanswered
    }
}

/// Баллы за один пункт.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemScore {
    pub item: String,
    pub system: String,
    pub stage: String,
    pub points: i32,
    pub max: i32,
    pub percent: f64,
    /// Есть допустимый ответ.
    pub answered: bool,
    /// `false`, если ответ есть, но не прошёл проверку (и потому не засчитан).
    pub valid: bool,
}

/// Баллы за этап одной системы.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellScore {
    pub system: String,
    pub stage: String,
    pub tally: Tally,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SystemScore {
    pub system: String,
    pub tally: Tally,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MechanismScore {
    pub mechanism: String,
    pub tally: Tally,
}

/// Результат подсчёта; все списки — в порядке рубрики.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    pub rubric_id: String,
    pub rubric_version: String,
    pub items: Vec<ItemScore>,
    /// Система × этап: для каждой системы все этапы в порядке цикла.
    pub cells: Vec<CellScore>,
    pub systems: Vec<SystemScore>,
    pub mechanisms: Vec<MechanismScore>,
    pub overall: Tally,
}

impl Scores {
    pub fn item(&self, id: &str) -> Option<&ItemScore> {
        self.items.iter().find(|i| i.item == id)
    }

    pub fn cell(&self, system: &str, stage: &str) -> Option<&Tally> {
        self.cells
            .iter()
            .find(|c| c.system == system && c.stage == stage)
            .map(|c| &c.tally)
    }

    pub fn system(&self, id: &str) -> Option<&Tally> {
        self.systems
            .iter()
            .find(|s| s.system == id)
            .map(|s| &s.tally)
    }

    pub fn mechanism(&self, id: &str) -> Option<&Tally> {
        self.mechanisms
            .iter()
            .find(|m| m.mechanism == id)
            .map(|m| &m.tally)
    }
}

/// Считает баллы оценки по рубрике: по пунктам, по этапам систем, по системам,
/// по механизмам и в целом. Ответы на неизвестные пункты не учитываются.
pub fn score(rubric: &Rubric, assessment: &Assessment) -> Scores {
    let items: Vec<ItemScore> = rubric
        .items
        .iter()
        .map(|item| {
            let (points, answered, valid) = match assessment.answers.get(&item.id) {
                None => (0, false, true),
                Some(answer) => match evaluate(&item.rule, answer) {
                    Ok(Some(p)) => (p, true, true),
                    Ok(None) => (0, false, true),
                    Err(_) => (0, false, false),
                },
            };
            ItemScore {
                item: item.id.clone(),
                system: item.system.clone(),
                stage: item.stage.clone(),
                points,
                max: item.max,
                percent: percent_of(points, item.max),
                answered,
                valid,
            }
        })
        .collect();

    let mut cells: Vec<CellScore> = Vec::new();
    let mut cell_index: HashMap<(&str, &str), usize> = HashMap::new();
    for system in &rubric.systems {
        for stage in &rubric.stages {
            cell_index.insert((system.id.as_str(), stage.id.as_str()), cells.len());
            cells.push(CellScore {
                system: system.id.clone(),
                stage: stage.id.clone(),
                tally: Tally::default(),
            });
        }
    }
    let mut systems: Vec<SystemScore> = rubric
        .systems
        .iter()
        .map(|s| SystemScore {
            system: s.id.clone(),
            tally: Tally::default(),
        })
        .collect();
    let mut mechanisms: Vec<MechanismScore> = rubric
        .mechanisms
        .iter()
        .map(|m| MechanismScore {
            mechanism: m.id.clone(),
            tally: Tally::default(),
        })
        .collect();
    let mut overall = Tally::default();

    for item_score in &items {
        overall.add(item_score);
        if let Some(&i) = cell_index.get(&(item_score.system.as_str(), item_score.stage.as_str())) {
            cells[i].tally.add(item_score);
        }
        if let Some(system) = systems.iter_mut().find(|s| s.system == item_score.system) {
            system.tally.add(item_score);
        }
        let mechanism_id = rubric
            .system(&item_score.system)
            .map(|s| s.mechanism.as_str());
        if let Some(m) = mechanisms
            .iter_mut()
            .find(|m| Some(m.mechanism.as_str()) == mechanism_id)
        {
            m.tally.add(item_score);
        }
    }

    Scores {
        rubric_id: rubric.id.clone(),
        rubric_version: rubric.version.clone(),
        items,
        cells,
        systems,
        mechanisms,
        overall,
    }
}

/// Слабое звено системы словами.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeakLink {
    pub system: String,
    pub text: String,
}

/// Слабые звенья управленческого цикла по каждой системе, в порядке рубрики.
///
/// Для каждой системы (этапы без пунктов пропускаются; «нет» — этап набрал 0 баллов
/// или меньше):
/// 1. если ни один этап не набрал баллов — одна фраза «ни один этап управленческого цикла
///    не набрал баллов», и больше ничего;
/// 2. для каждого этапа без баллов, перед которым в цикле есть этап с баллами, —
///    «есть ⟨ближайший предыдущий этап с баллами⟩, но нет ⟨этого этапа⟩», например
///    «есть мониторинг, но нет анализа эффективности принятых мер»;
/// 3. перечень этапов с 0 %: «0 % на этапе «…»» / «0 % на этапах «…», «…»»;
/// 4. если этапов с 0 % нет и проценты этапов различаются — самый слабый этап
///    (при равенстве — первый по циклу): «слабее всего этап «…»: 33,3 %».
pub fn weak_links(rubric: &Rubric, scores: &Scores) -> Vec<WeakLink> {
    let mut out = Vec::new();
    for system in &rubric.systems {
        let stages: Vec<(&super::Stage, Tally)> = rubric
            .stages
            .iter()
            .filter_map(|stage| {
                let tally = scores.cell(&system.id, &stage.id).copied()?;
                (tally.total() > 0).then_some((stage, tally))
            })
            .collect();
        if stages.is_empty() {
            continue;
        }
        let mut push = |text: String| {
            out.push(WeakLink {
                system: system.id.clone(),
                text,
            })
        };
        if stages.iter().all(|(_, t)| t.points <= 0) {
            push("ни один этап управленческого цикла не набрал баллов".to_string());
            continue;
        }
        let mut last_positive: Option<&super::Stage> = None;
        for (stage, tally) in &stages {
            if tally.points > 0 {
                last_positive = Some(stage);
            } else if let Some(before) = last_positive {
                push(format!(
                    "есть {}, но нет {}",
                    before.nominative, stage.genitive
                ));
            }
        }
        let zero: Vec<String> = stages
            .iter()
            .filter(|(_, t)| t.points <= 0)
            .map(|(s, _)| format!("«{}»", s.title))
            .collect();
        match zero.len() {
            0 => {
                let mut weakest = &stages[0];
                for cur in &stages[1..] {
                    if cur.1.percent < weakest.1.percent {
                        weakest = cur;
                    }
                }
                let (weakest, tally) = (weakest.0, weakest.1);
                let all_equal = stages.iter().all(|(_, t)| t.percent == tally.percent);
                if !all_equal {
                    push(format!(
                        "слабее всего этап «{}»: {}",
                        weakest.title,
                        crate::domain::common::format::percent(tally.percent)
                    ));
                }
            }
            1 => push(format!("0 % на этапе {}", zero[0])),
            _ => push(format!("0 % на этапах {}", zero.join(", "))),
        }
    }
    out
}
