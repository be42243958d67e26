//! Анкета самооценки общеобразовательной организации как данные
//! (`src/data/self_assessment.json`) и её чистая логика: проверка ответов и сводка по блокам
//! с изменением к прошлому году.
//!
//! Пункты анкеты — показатели уровня школы из раздела 5 методологии Хабаровского края
//! (источник `000_e73747407bc4030a.txt`): 5.1 (эффективность руководителей), школьные пункты
//! 5.3 (методическая работа), 5.4 (школы с низкими результатами) и 5.6 (профориентация).
//! Тексты показателей, индикаторов и источников перенесены дословно; это проверяет
//! `tests/self_assessment_seed.rs`.
//!
//! * [`questionnaire`] — встроенная анкета (разбирается и проверяется один раз);
//! * [`Questionnaire::from_json`] — разбор и проверка любой анкеты той же схемы;
//! * [`Answer`], [`AnswerValue`], [`SelfAssessment`] — ответы школы за год;
//! * [`check_answer`], [`validate`] — проверка ответов (сообщения как у импорта таблиц);
//! * [`summary`] — сильные стороны, дефициты и динамика по блокам.
//!
//! Модуль не знает о вебе и не делает ввода-вывода.

use crate::domain::contract::schema::Kind;
use answers::{check_link, check_value};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::OnceLock;
use summary::{direction, standing, usable};

mod answers;
mod summary;

pub use answers::{
    check_answer, validate, Answer, AnswerField, AnswerValue, Finding, SelfAssessment,
};
pub use summary::{errors, listed, summary, BlockSummary, Direction, ItemChange, Listed, Summary};

/// Текст встроенной анкеты.
pub const QUESTIONNAIRE_JSON: &str = include_str!("../../../data/self_assessment.json");

/// Встроенная анкета, разобранная и проверенная один раз.
///
/// Корректность встроенного файла проверяют тесты (`cargo test --lib self_assessment`,
/// `cargo test --test self_assessment_seed`), поэтому паника здесь означает испорченную сборку.
pub fn questionnaire() -> &'static Questionnaire {
    static BUILT_IN: OnceLock<Questionnaire> = OnceLock::new();
    BUILT_IN.get_or_init(|| match Questionnaire::from_json(QUESTIONNAIRE_JSON) {
        Ok(q) => q,
        Err(err) => panic!("встроенная анкета самооценки некорректна: {err}"),
    })
}

// ---------------------------------------------------------------- the questionnaire

/// Анкета целиком.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Questionnaire {
    pub version: u32,
    pub title: String,
    /// Имя файла-источника.
    pub source: String,
    /// Как составлена анкета (показывается вместе с ней).
    pub note: String,
    pub blocks: Vec<Block>,
    /// Пункты в порядке источника.
    pub items: Vec<Item>,
}

/// Блок анкеты — раздел методологии («5.1», «5.3» …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Block {
    pub id: String,
    /// Название раздела дословно.
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Показатели (группы пунктов) блока в порядке источника.
    #[serde(default)]
    pub groups: Vec<String>,
}

/// Пункт анкеты — одна строка таблицы источника (или одна из двух частей строки).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// `<раздел>.<номер строки таблицы>`, например `5.1.13`; часть строки — `5.1.02.1`.
    pub id: String,
    pub block: String,
    /// Ячейка «Показатели» дословно.
    pub group: String,
    /// Подзаголовок внутри показателя («Общие», «В рамках независимой оценки качества»).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subgroup: Option<String>,
    /// Ячейка «Индикаторы» дословно (пробелы нормализованы).
    pub text: String,
    /// Формулировка выполненного пункта, если она не совпадает с `text`: для пунктов, где
    /// хорошо «нет» (`no_good`), — «Нет признаков необъективности…». По ней читаются доли
    /// «соответствуют» в мониторинге и сильные стороны в сводке.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub met: Option<String>,
    pub answer: AnswerType,
    /// Ячейка «Источник информации» дословно; пусто, если ячейка пуста.
    pub source: String,
    /// Значение хранится вне школы (ФИОКО, bus.gov.ru, рейтинги, МО ХК): анкета просит
    /// и значение, и ссылку.
    pub external: bool,
    pub polarity: Polarity,
    /// Единица числового ответа («%», «на 100 обучающихся»).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
    /// Шкала баллов (обязательна для `score`, допустима для `number`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<Range>,
    /// Норма, если её устанавливает источник: для `higher_better` — сильная сторона при
    /// значении не ниже нормы, для `lower_better` — не выше нормы.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub good_from: Option<f64>,
    /// Пояснение к пункту (прочтение источника).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Вид ответа на пункт.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerType {
    /// Да или нет.
    YesNo,
    /// Доля в процентах, от 0 до 100.
    Share,
    /// Количество, целое неотрицательное.
    Count,
    /// Иное число (отношение, число на 100 обучающихся); неотрицательное, если не задана шкала.
    Number,
    /// Балл по шкале пункта (`range`).
    Score,
}

impl AnswerType {
    /// Имя вида, как в JSON.
    pub fn id(self) -> &'static str {
        match self {
            AnswerType::YesNo => "yes_no",
            AnswerType::Share => "share",
            AnswerType::Count => "count",
            AnswerType::Number => "number",
            AnswerType::Score => "score",
        }
    }

    /// Название по-русски.
    pub fn title(self) -> &'static str {
        match self {
            AnswerType::YesNo => "да/нет",
            AnswerType::Share => "доля, %",
            AnswerType::Count => "количество",
            AnswerType::Number => "число",
            AnswerType::Score => "балл",
        }
    }

    /// Ответ — число (всё, кроме «да/нет»).
    pub fn is_numeric(self) -> bool {
        self != AnswerType::YesNo
    }
}

/// Какой ответ лучше.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    HigherBetter,
    LowerBetter,
    /// «Да» — хорошо (например, «Наличие профильных классов»).
    YesGood,
    /// «Нет» — хорошо (например, «Наличие признаков необъективности результатов ВПР в ОО»).
    NoGood,
}

impl Polarity {
    /// Имя, как в JSON.
    pub fn id(self) -> &'static str {
        match self {
            Polarity::HigherBetter => "higher_better",
            Polarity::LowerBetter => "lower_better",
            Polarity::YesGood => "yes_good",
            Polarity::NoGood => "no_good",
        }
    }

    /// Подходит ли направление к виду ответа: `yes_good`/`no_good` — к «да/нет»,
    /// `higher_better`/`lower_better` — к числам.
    pub fn fits(self, answer: AnswerType) -> bool {
        match self {
            Polarity::YesGood | Polarity::NoGood => answer == AnswerType::YesNo,
            Polarity::HigherBetter | Polarity::LowerBetter => answer.is_numeric(),
        }
    }
}

/// Замкнутый диапазон значений.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Range {
    pub min: f64,
    pub max: f64,
}

impl Item {
    /// Пункт так, как он читается выполненным: `met`, если она задана, иначе `text`
    /// («Нет признаков необъективности результатов ВПР в ОО» для 5.1.11).
    pub fn met_text(&self) -> &str {
        self.met.as_deref().unwrap_or(&self.text)
    }

    /// Допустимые числовые значения пункта; `None` для «да/нет».
    pub fn bounds(&self) -> Option<(f64, f64)> {
        match self.answer {
            AnswerType::YesNo => None,
            AnswerType::Share => Kind::Share.range(),
            AnswerType::Count => Kind::Count.range(),
            AnswerType::Score | AnswerType::Number => {
                Some(self.range.map_or((0.0, f64::MAX), |r| (r.min, r.max)))
            }
        }
    }
}

/// Ошибка чтения или проверки анкеты (по-русски).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuestionnaireError {
    /// JSON не разобран (синтаксис или схема).
    #[error("не удалось прочитать JSON: {0}")]
    Json(String),
    /// JSON разобран, но содержимое противоречиво; каждое сообщение называет пункт.
    #[error("анкета содержит ошибки: {}", .0.join("; "))]
    Invalid(Vec<String>),
}

impl Questionnaire {
    /// Разбирает и проверяет анкету (см. [`Questionnaire::problems`]).
    pub fn from_json(json: &str) -> Result<Questionnaire, QuestionnaireError> {
        let q: Questionnaire =
            serde_json::from_str(json).map_err(|e| QuestionnaireError::Json(e.to_string()))?;
        let problems = q.problems();
        if problems.is_empty() {
            Ok(q)
        } else {
            Err(QuestionnaireError::Invalid(problems))
        }
    }

    /// Все противоречия анкеты (пустой список — анкета корректна): уникальные
    /// идентификаторы, известные блоки и показатели, вид ответа, согласованный с
    /// направлением, шкалы и нормы в пределах допустимого, тексты без лишних пробелов.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.version == 0 {
            out.push("у анкеты нет версии".to_string());
        }
        if self.title.trim().is_empty() {
            out.push("у анкеты нет названия".to_string());
        }
        if self.blocks.is_empty() {
            out.push("в анкете нет блоков".to_string());
        }
        let mut block_ids = HashSet::new();
        for b in &self.blocks {
            if !block_ids.insert(b.id.as_str()) {
                out.push(format!("повторяется идентификатор блока «{}»", b.id));
            }
            if b.title.trim().is_empty() {
                out.push(format!("у блока «{}» нет названия", b.id));
            }
            let mut groups = HashSet::new();
            for g in &b.groups {
                if !groups.insert(g.as_str()) {
                    out.push(format!("блок «{}»: показатель «{g}» повторяется", b.id));
                }
                if !self.items.iter().any(|i| i.block == b.id && &i.group == g) {
                    out.push(format!("блок «{}»: у показателя «{g}» нет пунктов", b.id));
                }
            }
        }
        let mut item_ids = HashSet::new();
        for item in &self.items {
            let id = &item.id;
            if !item_ids.insert(id.as_str()) {
                out.push(format!("повторяется идентификатор пункта «{id}»"));
            }
            if id.is_empty()
                || !id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            {
                out.push(format!(
                    "пункт «{id}»: идентификатор должен состоять из латинских букв, цифр, «.», «_» и «-»"
                ));
            }
            out.extend(
                item_problems(self, item)
                    .into_iter()
                    .map(|p| format!("пункт «{id}»: {p}")),
            );
        }
        if self.items.is_empty() {
            out.push("в анкете нет пунктов".to_string());
        }
        out
    }

    /// Пункт по идентификатору.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// Блок по идентификатору.
    pub fn block(&self, id: &str) -> Option<&Block> {
        self.blocks.iter().find(|b| b.id == id)
    }

    /// Пункты блока в порядке анкеты.
    pub fn items_of<'a>(&'a self, block: &'a str) -> impl Iterator<Item = &'a Item> + 'a {
        self.items.iter().filter(move |i| i.block == block)
    }

    /// Замечания к самооценке по этой анкете, в порядке номеров пунктов; каждое знает год,
    /// пункт и поле ответа (значение или ссылку), чтобы к нему можно было перейти; см.
    /// [`validate`].
    pub fn findings(&self, sa: &SelfAssessment) -> Vec<Finding> {
        let year = sa.year;
        let mut out = Vec::new();
        if sa.school_id.trim().is_empty() {
            out.push(Finding::error(
                year,
                None,
                None,
                "не указан идентификатор школы",
            ));
        }
        if !(1990..=2100).contains(&sa.year) {
            out.push(Finding::error(
                year,
                None,
                None,
                "год самооценки должен быть целым числом от 1990 до 2100",
            ));
        }
        for (id, answer) in &sa.answers {
            let Some(item) = self.item(id) else {
                out.push(Finding::error(
                    year,
                    Some(id),
                    None,
                    "такого пункта нет в анкете самооценки",
                ));
                continue;
            };
            let value = check_value(item, &answer.value);
            if let Err(message) = &value {
                out.push(Finding::error(
                    year,
                    Some(id),
                    Some(AnswerField::Value),
                    message.clone(),
                ));
            }
            let link = check_link(&answer.link);
            if let Err(message) = &link {
                out.push(Finding::error(
                    year,
                    Some(id),
                    Some(AnswerField::Link),
                    message.clone(),
                ));
            }
            if value.is_ok()
                && link.is_ok()
                && item.external
                && !answer.value.is_empty()
                && answer.link.trim().is_empty()
            {
                out.push(Finding::warning(
                    year,
                    Some(id),
                    Some(AnswerField::Link),
                    "значение подтверждается внешним источником — укажите ссылку на него",
                ));
            }
        }
        out
    }

    /// Сводка по блокам; см. [`summary`].
    pub fn summary(&self, current: &SelfAssessment, previous: &[SelfAssessment]) -> Summary {
        let before = previous
            .iter()
            .filter(|p| p.school_id == current.school_id && p.year < current.year)
            .fold(None::<&SelfAssessment>, |best, p| match best {
                Some(b) if b.year > p.year => Some(b),
                _ => Some(p),
            });
        let blocks = self
            .blocks
            .iter()
            .map(|block| {
                let mut s = BlockSummary {
                    block: block.id.clone(),
                    title: block.title.clone(),
                    total: 0,
                    answered: 0,
                    strengths: Vec::new(),
                    gaps: Vec::new(),
                    unanswered: Vec::new(),
                    unclassified: Vec::new(),
                    changes: Vec::new(),
                };
                for item in self.items_of(&block.id) {
                    s.total += 1;
                    let Some(now) = usable(item, current) else {
                        s.unanswered.push(item.id.clone());
                        continue;
                    };
                    s.answered += 1;
                    match standing(item, now) {
                        Some(true) => s.strengths.push(item.id.clone()),
                        Some(false) => s.gaps.push(item.id.clone()),
                        None => s.unclassified.push(item.id.clone()),
                    }
                    let Some(then) = before.and_then(|b| usable(item, b)) else {
                        continue;
                    };
                    if let Some(direction) = direction(item, then, now) {
                        s.changes.push(ItemChange {
                            item: item.id.clone(),
                            previous: *then,
                            current: *now,
                            direction,
                        });
                    }
                }
                s
            })
            .collect();
        let answers = self
            .items
            .iter()
            .filter_map(|item| Some((item.id.clone(), *usable(item, current)?)))
            .collect();
        Summary {
            school_id: current.school_id.clone(),
            year: current.year,
            previous_year: before.map(|b| b.year),
            blocks,
            answers,
        }
    }

    /// Пункт сводки для человека: номер, формулировка и ответ словами с единицей
    /// («5.1.11 Наличие …: нет», «5.1.13 Доля …: 87,5 %»); пункт без допустимого ответа —
    /// номером и формулировкой.
    pub fn line(&self, summary: &Summary, id: &str) -> String {
        let Some(item) = self.item(id) else {
            return id.to_string();
        };
        match summary.answers.get(id) {
            // A yes/no item met and phrased as met states its answer: «5.1.11 Нет признаков
            // необъективности…», not «Наличие признаков…: нет» under the strengths.
            Some(value) if item.met.is_some() && standing(item, value) == Some(true) => {
                format!("{} {}", item.id, item.met_text())
            }
            Some(value) if !value.is_empty() => {
                format!("{} {}: {}", item.id, item.text, value.display(&item.unit))
            }
            _ => format!("{} {}", item.id, item.text),
        }
    }

    /// Четыре списка сводки по всем блокам ([`Listed`]).
    pub fn listed(&self, summary: &Summary) -> Listed {
        let all = |pick: fn(&BlockSummary) -> &Vec<String>| -> Vec<String> {
            summary
                .blocks
                .iter()
                .flat_map(|b| pick(b).iter().map(|id| self.line(summary, id)))
                .collect()
        };
        Listed {
            strengths: all(|b| &b.strengths),
            gaps: all(|b| &b.gaps),
            unclassified: all(|b| &b.unclassified),
            unanswered: all(|b| &b.unanswered),
        }
    }
}

/// Противоречия одного пункта (без префикса пункта).
fn item_problems(q: &Questionnaire, item: &Item) -> Vec<String> {
    let mut out = Vec::new();
    match q.block(&item.block) {
        None => out.push(format!("неизвестный блок «{}»", item.block)),
        Some(b) => {
            if !b.groups.is_empty() && !b.groups.contains(&item.group) {
                out.push(format!(
                    "показателя «{}» нет в списке показателей блока «{}»",
                    item.group, b.id
                ));
            }
        }
    }
    let mut texts = vec![("показатель", item.group.as_str()), ("текст", &item.text)];
    if let Some(sub) = &item.subgroup {
        texts.push(("подзаголовок", sub));
    }
    for (what, text) in texts {
        if text.trim().is_empty() {
            out.push(format!("{what} не заполнен"));
        }
        if !is_normalised(text) {
            out.push(format!("{what}: лишние пробелы или переносы строк"));
        }
    }
    if !is_normalised(&item.source) {
        out.push("источник: лишние пробелы или переносы строк".to_string());
    }
    if item.polarity == Polarity::NoGood && item.met.as_deref().is_none_or(str::is_empty) {
        // Иначе доля «соответствуют» читалась бы наоборот: «Наличие признаков…: 100 %».
        out.push(
            "у пункта, где хорошо «нет», не задана формулировка выполненного пункта (met)"
                .to_string(),
        );
    }
    if item
        .met
        .as_deref()
        .is_some_and(|m| !is_normalised(m) || m.trim().is_empty())
    {
        out.push(
            "формулировка выполненного пункта (met): пустая или с лишними пробелами".to_string(),
        );
    }
    if !item.polarity.fits(item.answer) {
        out.push(format!(
            "направление {} не подходит к ответу {}",
            item.polarity.id(),
            item.answer.id()
        ));
    }
    match (item.answer, item.range) {
        (AnswerType::Score, None) => out.push("у балльного пункта нет шкалы (range)".to_string()),
        (AnswerType::Score | AnswerType::Number, Some(r)) => {
            if !(r.min.is_finite() && r.max.is_finite() && r.min < r.max) {
                out.push(format!("неверная шкала: от {} до {}", r.min, r.max));
            }
        }
        (_, Some(_)) => out.push(format!(
            "шкала (range) задаётся только для ответов score и number, а ответ {}",
            item.answer.id()
        )),
        (_, None) => {}
    }
    if item.answer == AnswerType::Share && item.unit != "%" {
        out.push("единица доли должна быть «%»".to_string());
    }
    if item.answer == AnswerType::YesNo && !item.unit.is_empty() {
        out.push("у ответа «да/нет» не бывает единицы".to_string());
    }
    if let Some(t) = item.good_from {
        match item.bounds() {
            None => out.push("норма задаётся только для числовых ответов".to_string()),
            Some((lo, hi)) => {
                if !(t.is_finite() && t >= lo && t <= hi) {
                    out.push(format!("норма {t} вне допустимых значений пункта"));
                }
            }
        }
    }
    out
}

fn is_normalised(text: &str) -> bool {
    text.split_whitespace().collect::<Vec<_>>().join(" ") == text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::contract::problem::Severity;
    use crate::domain::input::check_range;

    fn item(id: &str, answer: AnswerType, polarity: Polarity) -> Item {
        Item {
            id: id.to_string(),
            block: "A".to_string(),
            group: "Группа".to_string(),
            subgroup: None,
            text: format!("Пункт {id}"),
            met: None,
            answer,
            source: String::new(),
            external: false,
            polarity,
            unit: if answer == AnswerType::Share {
                "%".to_string()
            } else {
                String::new()
            },
            range: None,
            good_from: None,
            note: String::new(),
        }
    }

    fn number(v: f64) -> Answer {
        Answer::new(AnswerValue::Number(v))
    }

    // (b) встроенная анкета: уникальные идентификаторы, известные блоки, допустимые виды.

    #[test]
    fn built_in_questionnaire_is_consistent() {
        let q = questionnaire();
        assert_eq!(q.problems(), Vec::<String>::new());
        let mut ids = HashSet::new();
        for i in &q.items {
            assert!(ids.insert(i.id.as_str()), "повторяется {}", i.id);
            let block = q.block(&i.block).expect("блок существует");
            assert!(
                block.groups.contains(&i.group),
                "{}: показатель в блоке",
                i.id
            );
            assert!(i.polarity.fits(i.answer), "{}", i.id);
            assert!(i.id.starts_with(&format!("{}.", i.block)), "{}", i.id);
        }
        let blocks: Vec<(&str, usize)> = q
            .blocks
            .iter()
            .map(|b| (b.id.as_str(), q.items_of(&b.id).count()))
            .collect();
        assert_eq!(blocks, [("5.1", 34), ("5.3", 2), ("5.4", 4), ("5.6", 6)]);
        // Норм для этих пунктов методика не устанавливает.
        assert!(q.items.iter().all(|i| i.good_from.is_none()));
        let no_good: Vec<&str> = q
            .items
            .iter()
            .filter(|i| i.polarity == Polarity::NoGood)
            .map(|i| i.id.as_str())
            .collect();
        assert_eq!(no_good, ["5.1.11"]);
        let external: Vec<&str> = q
            .items
            .iter()
            .filter(|i| i.external)
            .map(|i| i.id.as_str())
            .collect();
        assert_eq!(
            external,
            [
                "5.1.03", "5.1.06", "5.1.07", "5.1.08", "5.1.09", "5.1.10", "5.1.11", "5.1.16",
                "5.1.17", "5.1.18", "5.1.19", "5.1.20"
            ]
        );
        for i in q.items.iter().filter(|i| i.answer == AnswerType::Score) {
            assert_eq!(
                i.range,
                Some(Range {
                    min: 0.0,
                    max: 100.0
                }),
                "{}",
                i.id
            );
        }
    }

    #[test]
    fn every_answer_type_in_json_is_known() {
        let raw: serde_json::Value = serde_json::from_str(QUESTIONNAIRE_JSON).unwrap();
        let known = ["yes_no", "share", "count", "number", "score"];
        let polarities = ["higher_better", "lower_better", "yes_good", "no_good"];
        for i in raw["items"].as_array().unwrap() {
            assert!(known.contains(&i["answer"].as_str().unwrap()), "{i}");
            assert!(polarities.contains(&i["polarity"].as_str().unwrap()), "{i}");
        }
    }

    #[test]
    fn broken_questionnaires_are_refused() {
        let good = questionnaire().clone();
        let mut q = good.clone();
        q.items[1].id = q.items[0].id.clone();
        assert!(q
            .problems()
            .contains(&"повторяется идентификатор пункта «5.1.01»".to_string()));

        let mut q = good.clone();
        q.items[0].block = "9.9".to_string();
        assert!(q.problems()[0].contains("неизвестный блок «9.9»"));

        let mut q = good.clone();
        q.items[0].polarity = Polarity::HigherBetter;
        assert!(q.problems()[0].contains("направление higher_better не подходит к ответу yes_no"));

        let mut q = good.clone();
        let score = q
            .items
            .iter_mut()
            .find(|i| i.answer == AnswerType::Score)
            .unwrap();
        score.range = None;
        assert!(q.problems()[0].contains("нет шкалы"));

        let mut q = good.clone();
        q.items[0].text = "Участие  ОО".to_string();
        assert!(q.problems()[0].contains("лишние пробелы"));

        let mut q = good;
        let share = q
            .items
            .iter_mut()
            .find(|i| i.answer == AnswerType::Share)
            .unwrap();
        share.good_from = Some(120.0);
        assert!(q.problems()[0].contains("норма 120 вне допустимых значений"));

        let unknown_field = QUESTIONNAIRE_JSON.replacen("\"version\"", "\"versoin\"", 1);
        assert!(matches!(
            Questionnaire::from_json(&unknown_field),
            Err(QuestionnaireError::Json(_))
        ));
    }

    // (c) сообщения — как у импорта таблиц.

    #[test]
    fn check_answer_messages_match_the_importer() {
        let share = item("s", AnswerType::Share, Polarity::HigherBetter);
        let count = item("c", AnswerType::Count, Polarity::HigherBetter);
        assert_eq!(
            check_answer(&share, &number(120.0)),
            Err("доля должна быть от 0 до 100 %, получено «120»".to_string())
        );
        assert_eq!(
            check_answer(&count, &number(2.5)),
            Err("количество должно быть целым неотрицательным числом, получено «2,5»".to_string())
        );
        assert_eq!(
            check_answer(&count, &number(-1.0)),
            Err("количество должно быть целым неотрицательным числом, получено «-1»".to_string())
        );
        // Те же правила, что у импорта (`input::check_range`).
        assert_eq!(
            check_range(Kind::Share, 120.0),
            Err("доля должна быть от 0 до 100 %")
        );
        assert_eq!(check_answer(&share, &number(0.0)), Ok(()));
        assert_eq!(check_answer(&share, &number(100.0)), Ok(()));
        assert_eq!(check_answer(&count, &number(3.0)), Ok(()));
        assert_eq!(check_answer(&count, &Answer::default()), Ok(()));
    }

    #[test]
    fn check_answer_kinds_scores_numbers_and_links() {
        let yes_no = item("y", AnswerType::YesNo, Polarity::YesGood);
        let share = item("s", AnswerType::Share, Polarity::HigherBetter);
        let mut score = item("b", AnswerType::Score, Polarity::HigherBetter);
        score.range = Some(Range {
            min: 0.0,
            max: 100.0,
        });
        let plain = item("n", AnswerType::Number, Polarity::HigherBetter);
        assert_eq!(
            check_answer(&yes_no, &number(1.0)),
            Err("ожидался ответ «да» или «нет», получено число «1»".to_string())
        );
        assert_eq!(
            check_answer(&share, &Answer::new(AnswerValue::Yes)),
            Err("ожидалось число, получено «да»".to_string())
        );
        assert_eq!(
            check_answer(&score, &number(100.5)),
            Err("балл должен быть от 0 до 100, получено «100,5»".to_string())
        );
        assert_eq!(
            check_answer(&plain, &number(-0.5)),
            Err("значение должно быть неотрицательным числом, получено «-0,5»".to_string())
        );
        assert_eq!(
            check_answer(&share, &number(f64::NAN)),
            Err("ожидалось число".to_string())
        );
        assert_eq!(check_answer(&plain, &number(1.3)), Ok(()));
        let with_link = |link: &str| Answer {
            value: AnswerValue::Yes,
            evidence: String::new(),
            link: link.to_string(),
        };
        assert_eq!(
            check_answer(&yes_no, &with_link("https://fioco.ru/x")),
            Ok(())
        );
        assert_eq!(
            check_answer(&yes_no, &with_link("fioco.ru")),
            Err("ссылка должна начинаться с http:// или https://, получено «fioco.ru»".to_string())
        );
        assert_eq!(
            check_answer(&share, &Answer {
                value: AnswerValue::Number(120.0),
                evidence: String::new(),
                link: "ftp://x".to_string(),
            }),
            Err("доля должна быть от 0 до 100 %, получено «120»; ссылка должна начинаться с http:// или https://, получено «ftp://x»".to_string())
        );
    }

    #[test]
    fn validate_lists_errors_and_warnings() {
        let mut sa = SelfAssessment::new("s1", 2024);
        sa.answers
            .insert("5.1.01".into(), Answer::new(AnswerValue::Yes));
        sa.answers.insert("5.1.13".into(), number(120.0));
        sa.answers.insert("5.1.04".into(), number(1.0));
        sa.answers
            .insert("9.9.99".into(), Answer::new(AnswerValue::No));
        // внешний пункт со значением, но без ссылки
        sa.answers
            .insert("5.1.11".into(), Answer::new(AnswerValue::No));
        // внешний пункт со ссылкой — без замечаний
        sa.answers.insert(
            "5.1.16".into(),
            Answer {
                value: AnswerValue::Number(91.2),
                evidence: "НОКО 2023".into(),
                link: "https://bus.gov.ru/info-card/1".into(),
            },
        );
        // внешний пункт без значения — без замечаний
        sa.answers.insert("5.1.17".into(), Answer::default());
        assert_eq!(
            validate(&sa),
            [
                "самооценка за 2024 год, пункт 5.1.04: ожидался ответ «да» или «нет», получено число «1»",
                "предупреждение: самооценка за 2024 год, пункт 5.1.11: значение подтверждается внешним источником — укажите ссылку на него",
                "самооценка за 2024 год, пункт 5.1.13: доля должна быть от 0 до 100 %, получено «120»",
                "самооценка за 2024 год, пункт 9.9.99: такого пункта нет в анкете самооценки",
            ]
        );
        let findings = questionnaire().findings(&sa);
        assert_eq!(findings[1].severity, Severity::Warning);
        assert_eq!(findings[0].severity, Severity::Error);
        assert_eq!(findings[1].item.as_deref(), Some("5.1.11"));
        assert_eq!(findings[1].field, Some(AnswerField::Link));
        assert_eq!(findings[0].field, Some(AnswerField::Value));
        assert!(findings.iter().all(|f| f.year == 2024));

        // A wrong value and a wrong link of one item: two findings, each naming its field,
        // so that the page can put the focus in it.
        let mut both = SelfAssessment::new("s1", 2026);
        both.answers.insert(
            "5.1.07".into(),
            Answer {
                value: AnswerValue::Number(2.0),
                evidence: String::new(),
                link: "fioco.ru/list".into(),
            },
        );
        let found = questionnaire().findings(&both);
        let fields: Vec<Option<AnswerField>> = found.iter().map(|f| f.field).collect();
        assert_eq!(fields, [Some(AnswerField::Value), Some(AnswerField::Link)]);
        assert_eq!(
            found[1].to_string(),
            "самооценка за 2026 год, пункт 5.1.07: ссылка должна начинаться с http:// или https://, получено «fioco.ru/list»"
        );

        let empty = SelfAssessment::new(" ", 1900);
        assert_eq!(
            validate(&empty),
            [
                "самооценка за 1900 год: не указан идентификатор школы",
                "самооценка за 1900 год: год самооценки должен быть целым числом от 1990 до 2100",
            ]
        );
        assert!(validate(&SelfAssessment::new("s1", 2024)).is_empty());
    }

    // (d) сводка на вручную построенном случае.

    const SMALL: &str = r#"{
      "version": 1, "title": "Проба", "source": "", "note": "",
      "blocks": [
        {"id": "A", "title": "Блок А", "groups": ["Г"]},
        {"id": "B", "title": "Блок Б", "groups": ["Д"]}
      ],
      "items": [
        {"id": "a.low1", "block": "A", "group": "Г", "text": "Доля меньше — лучше, 1", "answer": "share", "source": "", "external": false, "polarity": "lower_better", "unit": "%"},
        {"id": "a.low2", "block": "A", "group": "Г", "text": "Доля меньше — лучше, 2", "answer": "share", "source": "", "external": false, "polarity": "lower_better", "unit": "%"},
        {"id": "a.high1", "block": "A", "group": "Г", "text": "Число больше — лучше, 1", "answer": "number", "source": "", "external": false, "polarity": "higher_better"},
        {"id": "a.high2", "block": "A", "group": "Г", "text": "Число больше — лучше, 2", "answer": "number", "source": "", "external": false, "polarity": "higher_better"},
        {"id": "a.bad", "block": "A", "group": "Г", "text": "Наличие признаков необъективности", "met": "Нет признаков необъективности", "answer": "yes_no", "source": "", "external": true, "polarity": "no_good"},
        {"id": "a.good", "block": "A", "group": "Г", "text": "Наличие программы", "answer": "yes_no", "source": "", "external": false, "polarity": "yes_good"},
        {"id": "a.norm", "block": "A", "group": "Г", "text": "Доля с нормой", "answer": "share", "source": "", "external": false, "polarity": "higher_better", "unit": "%", "good_from": 80},
        {"id": "a.lownorm", "block": "A", "group": "Г", "text": "Доля с нормой сверху", "answer": "share", "source": "", "external": false, "polarity": "lower_better", "unit": "%", "good_from": 5},
        {"id": "b.count", "block": "B", "group": "Д", "text": "Количество", "answer": "count", "source": "", "external": false, "polarity": "higher_better"},
        {"id": "b.empty", "block": "B", "group": "Д", "text": "Без ответа", "answer": "yes_no", "source": "", "external": false, "polarity": "yes_good"}
      ]
    }"#;

    fn answers(school: &str, year: i32, list: &[(&str, AnswerValue)]) -> SelfAssessment {
        let mut sa = SelfAssessment::new(school, year);
        for (id, v) in list {
            sa.answers.insert((*id).to_string(), Answer::new(*v));
        }
        sa
    }

    #[test]
    fn summary_by_block_with_dynamics() {
        use AnswerValue::{No, Number as N, Yes};
        let q = Questionnaire::from_json(SMALL).unwrap();
        let current = answers(
            "s1",
            2024,
            &[
                ("a.low1", N(7.0)),
                ("a.low2", N(12.0)),
                ("a.high1", N(50.0)),
                ("a.high2", N(3.5)),
                ("a.bad", Yes),
                ("a.good", Yes),
                ("a.norm", N(80.0)),
                ("a.lownorm", N(6.0)),
                ("b.count", N(4.0)),
                ("unknown", Yes),
            ],
        );
        let last_year = answers(
            "s1",
            2023,
            &[
                ("a.low1", N(10.0)),
                ("a.low2", N(9.0)),
                ("a.high1", N(60.0)),
                ("a.high2", N(2.0)),
                ("a.bad", No),
                ("a.good", Yes),
                ("a.norm", N(70.0)),
                // недопустимый ответ прошлого года не сравнивается
                ("b.count", N(2.5)),
            ],
        );
        let older = answers("s1", 2021, &[("a.lownorm", N(1.0))]);
        let other_school = answers("s2", 2023, &[("a.lownorm", N(1.0))]);
        let later = answers("s1", 2025, &[("a.lownorm", N(1.0))]);
        let s = q.summary(&current, &[older, later, other_school, last_year]);
        assert_eq!(s.previous_year, Some(2023));
        assert_eq!((s.school_id.as_str(), s.year), ("s1", 2024));

        let a = &s.blocks[0];
        assert_eq!((a.block.as_str(), a.title.as_str()), ("A", "Блок А"));
        assert_eq!((a.answered, a.total), (8, 8));
        assert_eq!(a.strengths, ["a.good", "a.norm"]);
        // «да» у пункта no_good — дефицит; доля выше нормы «не выше 5» — дефицит
        assert_eq!(a.gaps, ["a.bad", "a.lownorm"]);
        assert_eq!(a.unclassified, ["a.low1", "a.low2", "a.high1", "a.high2"]);
        assert!(a.unanswered.is_empty());
        let changes: Vec<(&str, &str, String)> = a
            .changes
            .iter()
            .map(|c| {
                let unit = q.item(&c.item).unwrap().unit.as_str();
                (c.item.as_str(), c.direction.label(), c.describe(unit))
            })
            .collect();
        assert_eq!(
            changes,
            [
                (
                    "a.low1",
                    "лучше",
                    "лучше: было «10 %», стало «7 %»".to_string()
                ),
                (
                    "a.low2",
                    "хуже",
                    "хуже: было «9 %», стало «12 %»".to_string()
                ),
                ("a.high1", "хуже", "хуже: было «60», стало «50»".to_string()),
                (
                    "a.high2",
                    "лучше",
                    "лучше: было «2», стало «3,5»".to_string()
                ),
                ("a.bad", "хуже", "хуже: было «нет», стало «да»".to_string()),
                (
                    "a.good",
                    "без изменений",
                    "без изменений: было «да», стало «да»".to_string()
                ),
                (
                    "a.norm",
                    "лучше",
                    "лучше: было «70 %», стало «80 %»".to_string()
                ),
            ]
        );
        assert_eq!(a.changes[0].previous, N(10.0));
        assert_eq!(a.changes[0].current, N(7.0));

        let b = &s.blocks[1];
        assert_eq!((b.answered, b.total), (1, 2));
        assert_eq!(b.unanswered, ["b.empty"]);
        assert_eq!(b.unclassified, ["b.count"]);
        assert!(b.changes.is_empty(), "{:?}", b.changes);

        // Без прошлых лет — без динамики.
        let alone = q.summary(&current, &[]);
        assert_eq!(alone.previous_year, None);
        assert!(alone.blocks.iter().all(|b| b.changes.is_empty()));
    }

    #[test]
    fn summary_of_the_built_in_questionnaire() {
        let mut current = SelfAssessment::new("s1", 2024);
        current
            .answers
            .insert("5.1.11".into(), Answer::new(AnswerValue::Yes));
        current.answers.insert("5.1.13".into(), number(120.0)); // недопустимо — как без ответа
        current
            .answers
            .insert("5.6.05".into(), Answer::new(AnswerValue::Yes));
        let s = summary(&current, &[]);
        let totals: Vec<(&str, usize, usize)> = s
            .blocks
            .iter()
            .map(|b| (b.block.as_str(), b.answered, b.total))
            .collect();
        assert_eq!(
            totals,
            [("5.1", 1, 34), ("5.3", 0, 2), ("5.4", 0, 4), ("5.6", 1, 6)]
        );
        assert_eq!(s.blocks[0].gaps, ["5.1.11"]);
        assert_eq!(s.blocks[0].unanswered.len(), 33);
        assert_eq!(s.blocks[3].strengths, ["5.6.05"]);
    }

    #[test]
    fn the_lists_show_each_item_with_its_answer_by_its_polarity() {
        // 5.1.11 — «Наличие признаков необъективности…», в анкете `no_good`: «нет» — сильная
        // сторона, «да» — дефицит; строка несёт ответ, иначе название читается наоборот.
        let q = questionnaire();
        let objectivity = q.item("5.1.11").expect("пункт 5.1.11");
        assert_eq!(objectivity.polarity, Polarity::NoGood);
        let text = "Наличие признаков необъективности результатов ВПР в ОО";
        assert_eq!(objectivity.text, text);
        let with = |v: AnswerValue| {
            let mut sa = SelfAssessment::new("s1", 2024);
            sa.answers.insert("5.1.11".into(), Answer::new(v));
            sa.answers
                .insert("5.1.01".into(), Answer::new(AnswerValue::No));
            sa.answers.insert("5.1.13".into(), number(87.5));
            sa.answers.insert("5.1.14".into(), number(120.0));
            sa.answers.insert("5.1.15".into(), number(-1.0)); // недопустимо
            listed(&summary(&sa, &[]))
        };
        let no = with(AnswerValue::No);
        // Each line starts with the item's number, as the questionnaire shows it.
        // A strength is phrased as met: «Нет признаков…», never «Наличие признаков…» under
        // «Сильные стороны»; a gap keeps the indicator's wording and the answer.
        assert_eq!(
            no.strengths,
            ["5.1.11 Нет признаков необъективности результатов ВПР в ОО"]
        );
        assert_eq!(
            objectivity.met_text(),
            "Нет признаков необъективности результатов ВПР в ОО"
        );
        assert_eq!(
            no.gaps,
            ["5.1.01 Участие общеобразовательной организации (далее – ОО) в региональных мониторингах, ВПР: нет"]
        );
        let yes = with(AnswerValue::Yes);
        assert!(yes.strengths.is_empty(), "{:?}", yes.strengths);
        assert_eq!(yes.gaps.len(), 2);
        assert_eq!(yes.gaps[1], format!("5.1.11 {text}: да"));
        // Числа — с единицей пункта, без оценки (норм методика не задаёт).
        assert_eq!(
            yes.unclassified,
            [
                "5.1.13 Доля обучающихся с ОВЗ, которым созданы специальные образовательные условия в соответствии с рекомендациями ПМПК, от общего количества обучающихся с ОВЗ: 87,5 %",
                "5.1.14 Число персональных компьютеров, используемых в учебных целях, в расчёте на 100 обучающихся ОО, имеющих доступ к сети Интернет: 120 на 100 обучающихся",
            ]
        );
        // Без ответа и с недопустимым ответом — формулировкой, без значения.
        assert_eq!(yes.unanswered.len(), 46 - 4);
        let salary = "5.1.15 Отношение средней заработной платы педагогических работников к средней заработной плате по региону";
        assert!(
            yes.unanswered.iter().any(|l| l == salary),
            "{:?}",
            yes.unanswered
        );
    }

    // (e) сериализация.

    #[test]
    fn self_assessment_round_trip_is_compact() {
        let mut sa = SelfAssessment::new("s1", 2024);
        sa.answers
            .insert("5.1.01".into(), Answer::new(AnswerValue::Yes));
        sa.answers
            .insert("5.1.04".into(), Answer::new(AnswerValue::No));
        sa.answers.insert(
            "5.1.13".into(),
            Answer {
                value: AnswerValue::Number(87.5),
                evidence: "Данные ОО, приказ № 12".into(),
                link: String::new(),
            },
        );
        sa.answers.insert("5.1.14".into(), number(12.0));
        sa.answers.insert(
            "5.1.16".into(),
            Answer {
                value: AnswerValue::Empty,
                evidence: String::new(),
                link: "https://bus.gov.ru/".into(),
            },
        );
        let json = sa.to_json();
        assert_eq!(
            json,
            r#"{"school_id":"s1","year":2024,"answers":{"5.1.01":{"value":true},"5.1.04":{"value":false},"5.1.13":{"value":87.5,"evidence":"Данные ОО, приказ № 12"},"5.1.14":{"value":12},"5.1.16":{"link":"https://bus.gov.ru/"}}}"#
        );
        assert_eq!(SelfAssessment::from_json(&json), Ok(sa.clone()));
        // null — то же, что отсутствие значения
        let with_null = json.replace(r#"{"link""#, r#"{"value":null,"link""#);
        assert_eq!(SelfAssessment::from_json(&with_null), Ok(sa));
        // Сводка тоже переносится через JSON (страница ↔ служба).
        let s = summary(&SelfAssessment::new("s1", 2024), &[]);
        let back: Summary = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn unknown_fields_and_wrong_values_are_refused() {
        for bad in [
            r#"{"school_id":"s1","year":2024,"answers":{},"extra":1}"#,
            r#"{"school_id":"s1","year":2024,"answers":{"5.1.01":{"valeu":true}}}"#,
            r#"{"school_id":"s1","year":2024,"answers":{"5.1.01":{"value":"да"}}}"#,
            r#"{"school_id":"s1","year":2024,"answers":{"5.1.01":{"value":[1]}}}"#,
            r#"{"school_id":"s1","answers":{}}"#,
        ] {
            let err = SelfAssessment::from_json(bad).expect_err(bad);
            assert!(!err.is_empty(), "{bad}");
        }
        let minimal = SelfAssessment::from_json(r#"{"school_id":"s1","year":2024}"#).unwrap();
        assert_eq!(minimal, SelfAssessment::new("s1", 2024));
    }
}
