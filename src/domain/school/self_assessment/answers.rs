//! A school's answers to the questionnaire: the values (yes/no, a level, a number, a text, a
//! link), their checks against each item's answer type and range, and the findings in Russian.

use super::{questionnaire, AnswerType, Item};
use crate::domain::contract::problem::{serde_error_ru, Severity};
use crate::domain::contract::schema::Kind;
use crate::domain::input::check_range;
use serde::de::{self, Deserializer, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Значение ответа. В JSON: `true` — да, `false` — нет, число, `null` (или отсутствие
/// поля) — ответа нет.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum AnswerValue {
    Yes,
    No,
    Number(f64),
    #[default]
    Empty,
}

impl AnswerValue {
    pub fn is_empty(&self) -> bool {
        matches!(self, AnswerValue::Empty)
    }

    /// Значение для человека: «да», «нет», «87,5 %», «—».
    pub fn display(&self, unit: &str) -> String {
        match self {
            AnswerValue::Yes => "да".to_string(),
            AnswerValue::No => "нет".to_string(),
            AnswerValue::Number(v) if unit.is_empty() => fmt_number(*v),
            AnswerValue::Number(v) => format!("{} {unit}", fmt_number(*v)),
            AnswerValue::Empty => "—".to_string(),
        }
    }
}

/// Число с десятичной запятой, не больше двух знаков после неё, без лишних нулей и со знаком
/// минус «−»: «120», «2,5», «66,67», «−1» — так, как его читает человек (значение, посчитанное
/// в таблице, не тянет за собой «66,66666666666666»).
fn fmt_number(v: f64) -> String {
    crate::domain::common::format::num(Some(v), 2)
}

/// Число ровно так, как оно записано в файле («-0,5», «2,555»): сообщение об ошибке
/// повторяет полученное значение, как его повторяет импорт.
fn exact_number(v: f64) -> String {
    crate::domain::common::format::shortest_decimal_comma(v)
}

impl Serialize for AnswerValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            AnswerValue::Yes => s.serialize_bool(true),
            AnswerValue::No => s.serialize_bool(false),
            // Целые — без «.0»: компактнее и так же читается обратно.
            AnswerValue::Number(v) if v.fract() == 0.0 && v.abs() < 9.0e15 =>
            {
                #[allow(clippy::cast_possible_truncation)]
                s.serialize_i64(v as i64)
            }
            AnswerValue::Number(v) => s.serialize_f64(v),
            AnswerValue::Empty => s.serialize_none(),
        }
    }
}

impl<'de> Deserialize<'de> for AnswerValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ValueVisitor;
        impl Visitor<'_> for ValueVisitor {
            type Value = AnswerValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("ответ: true (да), false (нет), число или null")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<AnswerValue, E> {
                Ok(if v { AnswerValue::Yes } else { AnswerValue::No })
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<AnswerValue, E> {
                #[allow(clippy::cast_precision_loss)]
                Ok(AnswerValue::Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<AnswerValue, E> {
                #[allow(clippy::cast_precision_loss)]
                Ok(AnswerValue::Number(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<AnswerValue, E> {
                Ok(AnswerValue::Number(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<AnswerValue, E> {
                Ok(AnswerValue::Empty)
            }
            fn visit_none<E: de::Error>(self) -> Result<AnswerValue, E> {
                Ok(AnswerValue::Empty)
            }
        }
        d.deserialize_any(ValueVisitor)
    }
}

/// Ответ на один пункт. В JSON пустые поля опускаются: `{"value": 87.5, "evidence": "ОО-1"}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    #[serde(default, skip_serializing_if = "AnswerValue::is_empty")]
    pub value: AnswerValue,
    /// Подтверждение свободным текстом: документ, номер приказа, раздел формы.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub evidence: String,
    /// Ссылка (URL); нужна для пунктов с внешним источником значения.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub link: String,
}

impl Answer {
    /// Ответ одним значением, без подтверждения.
    pub fn new(value: AnswerValue) -> Self {
        Answer {
            value,
            ..Answer::default()
        }
    }
}

/// Самооценка одной школы за один год: ответы по идентификатору пункта.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelfAssessment {
    pub school_id: String,
    pub year: i32,
    #[serde(default)]
    pub answers: BTreeMap<String, Answer>,
}

impl SelfAssessment {
    /// Пустая самооценка.
    pub fn new(school_id: impl Into<String>, year: i32) -> Self {
        SelfAssessment {
            school_id: school_id.into(),
            year,
            answers: BTreeMap::new(),
        }
    }

    /// Читает самооценку из JSON; неизвестные поля — ошибка; сообщение по-русски.
    pub fn from_json(json: &str) -> Result<SelfAssessment, String> {
        serde_json::from_str(json).map_err(|e| serde_error_ru(&e))
    }

    /// Компактный JSON.
    pub fn to_json(&self) -> String {
        // Сериализация не может завершиться ошибкой: ключи карты — строки.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Проверяет ответ на пункт: вид значения (да/нет или число), диапазон (доля — от 0 до 100,
/// количество — целое неотрицательное, балл — по шкале пункта, иное число —
/// неотрицательное или по шкале), вид ссылки, если она дана. Сообщение — как у импорта
/// таблиц: «доля должна быть от 0 до 100 %, получено «120»». Пустой ответ допустим.
/// Отсутствие ссылки у внешнего пункта здесь не ошибка: о нём предупреждает [`validate`].
pub fn check_answer(item: &Item, answer: &Answer) -> Result<(), String> {
    let mut problems = Vec::new();
    if let Err(m) = check_value(item, &answer.value) {
        problems.push(m);
    }
    if let Err(m) = check_link(&answer.link) {
        problems.push(m);
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

pub(super) fn check_value(item: &Item, value: &AnswerValue) -> Result<(), String> {
    match (item.answer, *value) {
        (_, AnswerValue::Empty) | (AnswerType::YesNo, AnswerValue::Yes | AnswerValue::No) => Ok(()),
        (AnswerType::YesNo, AnswerValue::Number(v)) => Err(format!(
            "ожидался ответ «да» или «нет», получено число «{}»",
            exact_number(v)
        )),
        (_, AnswerValue::Yes | AnswerValue::No) => {
            Err(format!("ожидалось число, получено «{}»", value.display("")))
        }
        (kind, AnswerValue::Number(v)) => {
            if !v.is_finite() {
                return Err("ожидалось число".to_string());
            }
            let rule: Result<(), String> = match kind {
                AnswerType::Share => check_range(Kind::Share, v).map_err(str::to_string),
                AnswerType::Count => check_range(Kind::Count, v).map_err(str::to_string),
                AnswerType::Score | AnswerType::Number => {
                    let (lo, hi) = item.bounds().unwrap_or((0.0, f64::MAX));
                    if v >= lo && v <= hi {
                        Ok(())
                    } else if let Some(r) = item.range {
                        let (lo, hi) = (exact_number(r.min), exact_number(r.max));
                        Err(if kind == AnswerType::Score {
                            format!("балл должен быть от {lo} до {hi}")
                        } else {
                            format!("значение должно быть от {lo} до {hi}")
                        })
                    } else {
                        Err("значение должно быть неотрицательным числом".to_string())
                    }
                }
                AnswerType::YesNo => Ok(()),
            };
            rule.map_err(|m| format!("{m}, получено «{}»", exact_number(v)))
        }
    }
}

/// A link, if given, is a web address.
pub(super) fn check_link(link: &str) -> Result<(), String> {
    let link = link.trim();
    if link.is_empty() || is_web_link(link) {
        Ok(())
    } else {
        Err(format!(
            "ссылка должна начинаться с http:// или https://, получено «{link}»"
        ))
    }
}

fn is_web_link(link: &str) -> bool {
    let lower = link.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && link.len() > "https://".len()
        && !link.chars().any(char::is_whitespace)
}

/// Поле ответа, о котором замечание.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerField {
    /// Значение (да/нет или число).
    Value,
    /// Ссылка на внешний источник.
    Link,
}

/// Замечание к самооценке.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub severity: Severity,
    /// Год самооценки.
    #[serde(default)]
    pub year: i32,
    /// Пункт, о котором замечание (`None` — о самооценке в целом).
    pub item: Option<String>,
    /// Поле ответа (`None` — о пункте или самооценке в целом).
    #[serde(default)]
    pub field: Option<AnswerField>,
    pub message: String,
}

impl Finding {
    pub(super) fn error(
        year: i32,
        item: Option<&str>,
        field: Option<AnswerField>,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            severity: Severity::Error,
            year,
            item: item.map(str::to_string),
            field,
            message: message.into(),
        }
    }
    pub(super) fn warning(
        year: i32,
        item: Option<&str>,
        field: Option<AnswerField>,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            severity: Severity::Warning,
            year,
            item: item.map(str::to_string),
            field,
            message: message.into(),
        }
    }
}

impl fmt::Display for Finding {
    /// С годом и номером пункта, как их показывает анкета: `самооценка за 2026 год, пункт
    /// 5.1.13: доля должна быть от 0 до 100 %, …`; предупреждение — с уровнем впереди:
    /// `предупреждение: самооценка за 2026 год, пункт 5.1.11: …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.severity != Severity::Error {
            write!(f, "{}: ", self.severity.label())?;
        }
        write!(f, "самооценка за {} год", self.year)?;
        if let Some(item) = &self.item {
            write!(f, ", пункт {item}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Проверяет самооценку по встроенной анкете; пустой список — замечаний нет.
///
/// Ошибки (сообщение начинается с года и номера пункта: «самооценка за 2026 год, пункт
/// 5.1.07: »): пустой `school_id`, год вне 1990–2100, неизвестные пункты, значение не того
/// вида или вне диапазона, неверная ссылка ([`check_answer`]; значение и ссылка — отдельные
/// замечания). Предупреждение (сообщение начинается с
/// «предупреждение: »): у пункта с внешним источником есть значение, но нет ссылки — такой
/// ответ можно сохранить. Кому нужно отличать ошибки от предупреждений без разбора текста,
/// берёт [`Questionnaire::findings`] (уровень — в [`Finding::severity`]).
pub fn validate(sa: &SelfAssessment) -> Vec<String> {
    questionnaire()
        .findings(sa)
        .iter()
        .map(ToString::to_string)
        .collect()
}
