//! Ответы организации на пункты рубрики и их проверка.

use super::{fmt_points, Rubric, RubricError, Rule};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// Уровень организации, которую оценивают.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum OrgLevel {
    #[default]
    Region,
    Municipality,
    School,
}

impl OrgLevel {
    /// Название уровня по-русски.
    pub fn title(self) -> &'static str {
        match self {
            OrgLevel::Region => "регион",
            OrgLevel::Municipality => "муниципалитет",
            OrgLevel::School => "школа",
        }
    }
}

/// Оцениваемая организация.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Organisation {
    pub name: String,
    pub level: OrgLevel,
    /// Код (ОКТМО, ИНН, код ОО …), если есть.
    pub code: Option<String>,
}

impl Organisation {
    /// Ключ, по которому оценки разных лет относятся к одной организации:
    /// уровень и код, а без кода — уровень и название (без учёта регистра и краевых пробелов).
    pub fn key(&self) -> String {
        match self.code.as_deref().map(str::trim) {
            Some(code) if !code.is_empty() => format!("{:?}:code:{code}", self.level),
            _ => format!("{:?}:name:{}", self.level, self.name.trim().to_lowercase()),
        }
    }
}

/// Подтверждающий документ.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Evidence {
    pub name: String,
    /// Дата документа как введена (обычно `ГГГГ-ММ-ДД`).
    pub date: String,
    pub link: String,
}

/// Ответ на один пункт.
///
/// * Для правил с одним значением (`presence`, `conformity`, `levels`, `targeted`,
///   `penalty`) балл — `points`; `None` — пункт ещё не оценён; `selected` пуст.
/// * Для `per_option` балл — число выбранных вариантов `selected`; пункт считается
///   оценённым, если выбран хотя бы один вариант или задан `points` (так отмечается ответ
///   «ни один вариант», `points: 0`). Если `points` задан, он должен совпадать с числом
///   выбранных вариантов.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ItemAnswer {
    pub points: Option<i32>,
    pub selected: Vec<String>,
    pub evidence: Vec<Evidence>,
    pub comment: String,
}

impl ItemAnswer {
    /// Ответ одним значением.
    pub fn with_points(points: i32) -> Self {
        ItemAnswer {
            points: Some(points),
            ..ItemAnswer::default()
        }
    }

    /// Ответ набором вариантов (`per_option`).
    pub fn with_options<I, S>(options: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        ItemAnswer {
            selected: options.into_iter().map(Into::into).collect(),
            ..ItemAnswer::default()
        }
    }

    /// Задан ли ответ (см. описание типа).
    pub fn is_answered(&self) -> bool {
        self.points.is_some() || !self.selected.is_empty()
    }
}

/// Оценка одной организации за один год.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Assessment {
    pub rubric_id: String,
    pub rubric_version: String,
    pub organisation: Organisation,
    pub year: i32,
    /// Ответы по идентификатору пункта.
    pub answers: BTreeMap<String, ItemAnswer>,
    /// Когда оценка изменялась в последний раз (строка ISO 8601, задаёт интерфейс).
    pub updated_at: String,
}

impl Assessment {
    /// Сколько из данных пунктов имеют ответ.
    pub fn answered<'a>(&self, items: impl IntoIterator<Item = &'a super::Item>) -> usize {
        items
            .into_iter()
            .filter(|i| self.answers.get(&i.id).is_some_and(ItemAnswer::is_answered))
            .count()
    }

    /// Пустая оценка по рубрике.
    pub fn new(rubric: &Rubric, organisation: Organisation, year: i32) -> Self {
        Assessment {
            rubric_id: rubric.id.clone(),
            rubric_version: rubric.version.clone(),
            organisation,
            year,
            answers: BTreeMap::new(),
            updated_at: String::new(),
        }
    }

    /// Читает оценку из JSON (недостающие поля — значения по умолчанию).
    pub fn from_json(json: &str) -> Result<Assessment, RubricError> {
        serde_json::from_str(json).map_err(|e| RubricError::Json(e.to_string()))
    }

    /// JSON с отступами.
    pub fn to_json_pretty(&self) -> String {
        // Сериализация этих типов не может завершиться ошибкой: ключи карты — строки.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Сообщения о несоответствиях рубрике; см. [`validate_assessment`].
    pub fn validate(&self, rubric: &Rubric) -> Vec<String> {
        validate_assessment(rubric, self)
    }
}

/// Балл за ответ по правилу: `Ok(None)` — ответа нет, `Ok(Some(p))` — допустимый ответ,
/// `Err` — описания ошибок (без имени пункта).
pub(crate) fn evaluate(rule: &Rule, answer: &ItemAnswer) -> Result<Option<i32>, Vec<String>> {
    let mut problems = Vec::new();
    match rule {
        Rule::PerOption { options } => {
            let mut seen = HashSet::new();
            for chosen in &answer.selected {
                if !options.iter().any(|o| o == chosen) {
                    let allowed: Vec<String> = options.iter().map(|o| format!("«{o}»")).collect();
                    problems.push(format!(
                        "неизвестный вариант «{chosen}» (допустимо: {})",
                        allowed.join(", ")
                    ));
                } else if !seen.insert(chosen.as_str()) {
                    problems.push(format!("вариант «{chosen}» выбран дважды"));
                }
            }
            if !problems.is_empty() {
                return Err(problems);
            }
            let count = i32::try_from(seen.len()).unwrap_or(i32::MAX);
            match answer.points {
                Some(p) if p != count => Err(vec![format!(
                    "указано баллов: {}, а выбрано вариантов: {count}",
                    fmt_points(p)
                )]),
                _ if answer.is_answered() => Ok(Some(count)),
                _ => Ok(None),
            }
        }
        _ => {
            if !answer.selected.is_empty() {
                problems.push(format!(
                    "для этого пункта варианты не выбираются, ставится балл ({})",
                    allowed_list(rule)
                ));
            }
            if let Some(p) = answer.points {
                if !rule.allowed_points().contains(&p) {
                    problems.push(format!(
                        "недопустимое значение {} (допустимо: {})",
                        fmt_points(p),
                        allowed_list(rule)
                    ));
                }
            }
            if problems.is_empty() {
                Ok(answer.points)
            } else {
                Err(problems)
            }
        }
    }
}

fn allowed_list(rule: &Rule) -> String {
    rule.allowed_points()
        .into_iter()
        .map(fmt_points)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Проверяет оценку по рубрике и возвращает сообщения по-русски; каждое сообщение о
/// пункте начинается с его идентификатора. Пустой список — оценка корректна.
/// Проверяются: рубрика (идентификатор), неизвестные пункты, баллы вне допустимых
/// значений, неизвестные и повторные варианты, варианты у пунктов с одним значением.
/// Никогда не паникует.
pub fn validate_assessment(rubric: &Rubric, assessment: &Assessment) -> Vec<String> {
    let mut out = Vec::new();
    if !assessment.rubric_id.is_empty() && assessment.rubric_id != rubric.id {
        out.push(format!(
            "оценка заполнена по рубрике «{}», а не «{}»",
            assessment.rubric_id, rubric.id
        ));
    }
    for (id, answer) in &assessment.answers {
        match rubric.item(id) {
            None => out.push(format!(
                "пункт «{id}»: такого пункта нет в рубрике «{}»",
                rubric.id
            )),
            Some(item) => {
                if let Err(problems) = evaluate(&item.rule, answer) {
                    out.extend(problems.into_iter().map(|p| format!("пункт «{id}»: {p}")));
                }
            }
        }
    }
    out
}
