//! The summary of a self-assessment by block: each item's standing against its norm, the
//! strengths and the gaps, and the change against the nearest earlier year.

use super::answers::{check_value, AnswerValue, SelfAssessment};
use super::{questionnaire, Item, Polarity};
use crate::domain::contract::problem::Severity;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Сводка самооценки по блокам.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub school_id: String,
    pub year: i32,
    /// Год, с которым сравнивали, — ближайший предыдущий год этой школы, если он есть.
    pub previous_year: Option<i32>,
    pub blocks: Vec<BlockSummary>,
    /// Допустимые ответы этого года по пунктам (сильные стороны, дефициты, пункты без нормы):
    /// списки сводки показывают каждый пункт с его ответом ([`Questionnaire::listed`]).
    #[serde(default)]
    pub answers: BTreeMap<String, AnswerValue>,
}

/// Списки сводки для человека, в порядке анкеты: каждый пункт — формулировкой и ответом
/// словами («Наличие признаков необъективности результатов ВПР в ОО: нет», «Доля …: 87,5 %»),
/// распределённые так, как их классифицирует [`summary`] по направлению пункта.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Listed {
    pub strengths: Vec<String>,
    pub gaps: Vec<String>,
    /// Числовые пункты без нормы — со значением, без оценки.
    pub unclassified: Vec<String>,
    /// Пункты без ответа (или с ответом, не прошедшим проверку) — одной формулировкой.
    pub unanswered: Vec<String>,
}

/// Один блок сводки; списки — идентификаторы пунктов в порядке анкеты.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockSummary {
    pub block: String,
    pub title: String,
    /// Пунктов в блоке.
    pub total: usize,
    /// Пунктов с допустимым ответом.
    pub answered: usize,
    /// «Да» там, где хорошо «да»; «нет» там, где хорошо «нет»; число не хуже нормы.
    pub strengths: Vec<String>,
    /// Обратное сильным сторонам.
    pub gaps: Vec<String>,
    /// Без ответа (или с недопустимым ответом) — считаются отдельно от дефицитов.
    pub unanswered: Vec<String>,
    /// Числовые пункты без нормы: показываются с динамикой, но не относятся ни к сильным
    /// сторонам, ни к дефицитам.
    pub unclassified: Vec<String>,
    /// Изменение к ближайшему предыдущему году по пунктам, отвеченным в оба года.
    pub changes: Vec<ItemChange>,
}

/// Изменение ответа на пункт к предыдущему году.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemChange {
    pub item: String,
    pub previous: AnswerValue,
    pub current: AnswerValue,
    pub direction: Direction,
}

impl ItemChange {
    /// «лучше: было «нет», стало «да»», «хуже: было «60 %», стало «50 %»».
    pub fn describe(&self, unit: &str) -> String {
        format!(
            "{}: было «{}», стало «{}»",
            self.direction.label(),
            self.previous.display(unit),
            self.current.display(unit)
        )
    }
}

/// Направление изменения с учётом [`Polarity`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Better,
    Worse,
    Same,
}

impl Direction {
    /// «лучше», «хуже», «без изменений».
    pub fn label(self) -> &'static str {
        match self {
            Direction::Better => "лучше",
            Direction::Worse => "хуже",
            Direction::Same => "без изменений",
        }
    }
}

/// Сводка самооценки по блокам встроенной анкеты: сколько пунктов отвечено, сильные
/// стороны, дефициты, пункты без ответа и изменение к прошлому году («с учетом динамики
/// показателей (по предыдущим годам)», 000 §5.1).
///
/// Как читаются ответы:
/// * «да/нет»: при `yes_good` «да» — сильная сторона, «нет» — дефицит; при `no_good`
///   наоборот (например, «Наличие признаков необъективности результатов ВПР в ОО» — «да»
///   считается дефицитом).
/// * Числа с нормой (`good_from`): при `higher_better` значение не ниже нормы — сильная
///   сторона, ниже — дефицит; при `lower_better` — не выше нормы и выше нормы.
/// * **Числа без нормы** (методика норм для этих пунктов не устанавливает) не относятся
///   ни к сильным сторонам, ни к дефицитам: доля или балл сами по себе не говорят, хорошо
///   это или плохо. Они попадают в `unclassified` и показываются с динамикой.
/// * Пункты без ответа и с ответом, который не проходит [`check_answer`] (о нём сообщает
///   [`validate`]), считаются в `unanswered`, отдельно от дефицитов; ответы на неизвестные
///   пункты не учитываются.
///
/// Динамика: из `previous` берутся самооценки той же школы (`school_id`) за годы раньше
/// `current.year`; сравнение идёт с ближайшим из этих годов (при нескольких за один год —
/// с последней в срезе). Для каждого пункта, отвеченного и в тот год, и сейчас,
/// записывается изменение с обоими значениями: «лучше» или «хуже» по направлению пункта,
/// «без изменений» при равных значениях.
pub fn summary(current: &SelfAssessment, previous: &[SelfAssessment]) -> Summary {
    questionnaire().summary(current, previous)
}

/// Списки сводки по встроенной анкете, каждый пункт с ответом; см. [`Questionnaire::listed`].
pub fn listed(summary: &Summary) -> Listed {
    questionnaire().listed(summary)
}

/// Значение ответа на пункт, если оно есть и допустимо.
pub(super) fn usable<'a>(item: &Item, sa: &'a SelfAssessment) -> Option<&'a AnswerValue> {
    let value = &sa.answers.get(&item.id)?.value;
    (!value.is_empty() && check_value(item, value).is_ok()).then_some(value)
}

/// `Some(true)` — сильная сторона, `Some(false)` — дефицит, `None` — не классифицируется.
pub(super) fn standing(item: &Item, value: &AnswerValue) -> Option<bool> {
    match (item.polarity, *value) {
        (Polarity::YesGood, AnswerValue::Yes) | (Polarity::NoGood, AnswerValue::No) => Some(true),
        (Polarity::YesGood, AnswerValue::No) | (Polarity::NoGood, AnswerValue::Yes) => Some(false),
        (Polarity::HigherBetter, AnswerValue::Number(v)) => item.good_from.map(|t| v >= t),
        (Polarity::LowerBetter, AnswerValue::Number(v)) => item.good_from.map(|t| v <= t),
        _ => None,
    }
}

pub(super) fn direction(item: &Item, then: &AnswerValue, now: &AnswerValue) -> Option<Direction> {
    use AnswerValue::{No, Number, Yes};
    if then == now {
        return Some(Direction::Same);
    }
    let better = match (item.polarity, *then, *now) {
        (Polarity::HigherBetter, Number(a), Number(b)) => b > a,
        (Polarity::LowerBetter, Number(a), Number(b)) => b < a,
        (Polarity::YesGood | Polarity::NoGood, Yes | No, Yes | No) => {
            standing(item, now) == Some(true)
        }
        _ => return None,
    };
    Some(if better {
        Direction::Better
    } else {
        Direction::Worse
    })
}

/// The errors of a self-assessment (warnings, such as an external value without its link,
/// do not stop saving or sending).
pub fn errors(sa: &SelfAssessment) -> Vec<String> {
    questionnaire()
        .findings(sa)
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(ToString::to_string)
        .collect()
}
