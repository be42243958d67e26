//! The folder `rubric`: the federal rubric of quality-management mechanisms as data and its
//! scoring. Uses `common` only.
//!
//! Федеральная методика оценки механизмов управления качеством образования в субъектах РФ:
//! рубрика как данные (`src/data/rubric.json`) и её подсчёт.
//!
//! Рубрика — это 2 механизма, 9 систем (1.1–1.4, 2.1–2.5) и 6 этапов управленческого цикла
//! в каждой системе. Оцениваемая строка методики — пункт ([`Item`]) с правилом начисления
//! баллов ([`Rule`]). Столбец максимальных баллов в источнике пуст, поэтому баллы выведены из
//! правил, записанных в самих строках; у каждого пункта хранится `max`, чтобы официальные
//! максимумы можно было подставить без изменения кода (см. `readings` в JSON).
//!
//! Модуль не знает о вебе и не делает ввода-вывода: рубрика встроена через `include_str!`.
//!
//! * [`federal`] — встроенная рубрика (разбирается и проверяется один раз);
//! * [`Rubric::from_json`] — разбор и проверка любой рубрики той же схемы;
//! * [`Assessment`], [`ItemAnswer`], [`validate_assessment`] — ответы организации;
//! * [`score`], [`weak_links`], [`compare`] — подсчёт, слабые звенья, сравнение;
//! * [`summary_text`] — краткая сводка для CLI.

mod assessment;
mod compare;
mod score;
#[cfg(test)]
mod tests;

pub use assessment::{
    validate_assessment, Assessment, Evidence, ItemAnswer, OrgLevel, Organisation,
};
pub use compare::{compare, Change, Comparison, ComparisonColumn, ComparisonRow, SystemChange};
pub use score::{
    percent_of, score, weak_links, CellScore, ItemScore, MechanismScore, Scores, SystemScore,
    Tally, WeakLink,
};

use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::OnceLock;

/// Текст встроенной федеральной рубрики.
pub const FEDERAL_JSON: &str = include_str!("../../data/rubric.json");

/// Встроенная федеральная рубрика, разобранная и проверенная один раз.
///
/// Корректность встроенного файла проверяют тесты (`cargo test --lib rubric`,
/// `cargo test --test rubric_seed`), поэтому паника здесь означает испорченную сборку.
pub fn federal() -> &'static Rubric {
    static FEDERAL: OnceLock<Rubric> = OnceLock::new();
    FEDERAL.get_or_init(|| match Rubric::from_json(FEDERAL_JSON) {
        Ok(rubric) => rubric,
        Err(err) => panic!("встроенная рубрика src/data/rubric.json некорректна: {err}"),
    })
}

/// Ошибка чтения или проверки рубрики (сообщения по-русски).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RubricError {
    /// JSON не разобран (синтаксис или схема).
    #[error("не удалось прочитать JSON: {0}")]
    Json(String),
    /// JSON разобран, но содержимое противоречиво; каждое сообщение называет пункт.
    #[error("рубрика содержит ошибки: {}", .0.join("; "))]
    Invalid(Vec<String>),
}

/// Рубрика целиком.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rubric {
    pub id: String,
    pub version: String,
    /// Заголовок методики дословно.
    pub title: String,
    /// Имя файла-источника.
    pub source: String,
    /// Прочтения неоднозначных мест методики (показываются на странице «О методике»).
    #[serde(default)]
    pub readings: Vec<Reading>,
    /// Этапы управленческого цикла в порядке цикла.
    pub stages: Vec<Stage>,
    pub mechanisms: Vec<Mechanism>,
    pub systems: Vec<System>,
    /// Оцениваемые строки в порядке методики.
    pub items: Vec<Item>,
}

/// Прочтение неоднозначного места: к какому пункту (или шаблону пунктов) и как.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reading {
    /// Идентификатор пункта или шаблон («*», «*.indicators.*», «2.1.analysis»).
    pub item: String,
    pub reading: String,
}

/// Этап управленческого цикла.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    /// `goals`, `indicators`, `monitoring`, `analysis`, `measures`, `effectiveness`.
    pub id: String,
    /// Название этапа в методике.
    pub title: String,
    /// Короткая форма в именительном падеже: «мониторинг».
    pub nominative: String,
    /// Короткая форма в родительном падеже: «анализа эффективности принятых мер».
    pub genitive: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mechanism {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct System {
    /// «1.1» … «2.5».
    pub id: String,
    /// Идентификатор механизма («1» или «2»).
    pub mechanism: String,
    pub title: String,
}

/// Оцениваемая строка методики.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// `<система>.<этап>.<номер>`, например `1.1.goals.1`.
    pub id: String,
    pub system: String,
    pub stage: String,
    /// Вводная строка, к которой относится пункт, дословно; `None`, если строка самостоятельна.
    #[serde(default)]
    pub header: Option<String>,
    /// Текст строки дословно (переносы заменены одним пробелом).
    pub text: String,
    pub rule: Rule,
    /// Максимум баллов; должен совпадать с [`Rule::max`].
    pub max: i32,
}

/// Уровень для правила [`Rule::Levels`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level {
    pub points: i32,
    /// Описание уровня словами методики.
    pub text: String,
}

/// Правило начисления баллов за пункт.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rule {
    /// 0 — нет, 1 — есть.
    Presence,
    /// 0 — нет, 1 — есть, но не соответствует обоснованию, 2 — соответствует.
    Conformity,
    /// По 1 баллу за каждый выбранный вариант (тип результатов, категорию участников).
    PerOption { options: Vec<String> },
    /// 0 или один из уровней (уровни не суммируются).
    Levels { levels: Vec<Level> },
    /// Адресные рекомендации: 0 — нет, 1 — для одной группы, 2 — для нескольких групп.
    Targeted,
    /// Штраф: 0 — нет, −1 — есть; в максимум не входит.
    Penalty,
}

/// Допустимый ответ на пункт: баллы и подпись.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub points: i32,
    pub label: String,
}

impl Choice {
    fn new(points: i32, label: &str) -> Self {
        Choice {
            points,
            label: format!("{label} — {}", fmt_points(points)),
        }
    }
}

/// Баллы со знаком «−» для отрицательных значений.
pub(crate) fn fmt_points(points: i32) -> String {
    if points < 0 {
        format!("\u{2212}{}", points.unsigned_abs())
    } else {
        points.to_string()
    }
}

/// Русская форма слова после числа: `plural(3, "балл", "балла", "баллов")` → «балла».
/// Правило одно на всё приложение: [`crate::domain::common::format::plural`]; здесь — для целых со знаком.
pub fn plural<'a>(n: i64, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    let n = usize::try_from(n.unsigned_abs()).unwrap_or(usize::MAX);
    crate::domain::common::format::plural(n, one, few, many)
}

impl Rule {
    /// Имя вида правила, как в JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Rule::Presence => "presence",
            Rule::Conformity => "conformity",
            Rule::PerOption { .. } => "per_option",
            Rule::Levels { .. } => "levels",
            Rule::Targeted => "targeted",
            Rule::Penalty => "penalty",
        }
    }

    /// Наименьший возможный балл (−1 у штрафа, иначе 0).
    pub fn min(&self) -> i32 {
        match self {
            Rule::Penalty => -1,
            _ => 0,
        }
    }

    /// Наибольший возможный балл (0 у штрафа).
    pub fn max(&self) -> i32 {
        match self {
            Rule::Presence => 1,
            Rule::Conformity | Rule::Targeted => 2,
            Rule::PerOption { options } => i32::try_from(options.len()).unwrap_or(i32::MAX),
            Rule::Levels { levels } => levels.iter().map(|l| l.points).max().unwrap_or(0),
            Rule::Penalty => 0,
        }
    }

    /// Ответ — набор вариантов (`ItemAnswer::selected`), а не один балл.
    pub fn is_multi(&self) -> bool {
        matches!(self, Rule::PerOption { .. })
    }

    /// Допустимые ответы с русскими подписями. Для `per_option` — сами варианты
    /// (каждый по 1 баллу, выбирается любое их подмножество); для остальных правил —
    /// взаимоисключающие значения, начиная с «нет — 0».
    pub fn choices(&self) -> Vec<Choice> {
        match self {
            Rule::Presence => vec![Choice::new(0, "нет"), Choice::new(1, "есть")],
            Rule::Conformity => vec![
                Choice::new(0, "нет"),
                Choice::new(1, "есть, не соответствует обоснованию"),
                Choice::new(2, "есть, соответствует обоснованию"),
            ],
            Rule::PerOption { options } => options
                .iter()
                .map(|o| Choice {
                    points: 1,
                    label: o.clone(),
                })
                .collect(),
            Rule::Levels { levels } => std::iter::once(Choice::new(0, "нет"))
                .chain(levels.iter().map(|l| Choice::new(l.points, &l.text)))
                .collect(),
            Rule::Targeted => vec![
                Choice::new(0, "нет"),
                Choice::new(1, "для одной группы субъектов образовательного процесса"),
                Choice::new(2, "для нескольких групп субъектов"),
            ],
            Rule::Penalty => vec![Choice::new(0, "нет"), Choice::new(-1, "есть")],
        }
    }

    /// Допустимые значения `points` (для `per_option` — от 0 до числа вариантов).
    pub fn allowed_points(&self) -> Vec<i32> {
        match self {
            Rule::PerOption { .. } => (0..=self.max()).collect(),
            _ => self.choices().iter().map(|c| c.points).collect(),
        }
    }

    /// Краткое описание правила: «наличие: 0/1», «уровни: 0–4» …
    pub fn describe(&self) -> String {
        match self {
            Rule::Presence => "наличие: 0/1".to_string(),
            Rule::Conformity => "соответствие обоснованию: 0/1/2".to_string(),
            Rule::PerOption { options } => {
                format!("по 1 баллу за каждый вариант: 0–{}", options.len())
            }
            Rule::Levels { .. } => format!("уровни: 0–{}", self.max()),
            Rule::Targeted => "адресность рекомендаций: 0/1/2".to_string(),
            Rule::Penalty => "штраф: 0/\u{2212}1".to_string(),
        }
    }

    /// Внутренние противоречия правила (без префикса пункта).
    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        match self {
            Rule::PerOption { options } => {
                if options.is_empty() {
                    out.push("у правила «по баллу за каждый вариант» нет вариантов".to_string());
                }
                let mut seen = HashSet::new();
                for o in options {
                    if o.trim().is_empty() {
                        out.push(
                            "пустой вариант в правиле «по баллу за каждый вариант»".to_string(),
                        );
                    } else if !seen.insert(o.as_str()) {
                        out.push(format!("вариант «{o}» повторяется"));
                    }
                }
            }
            Rule::Levels { levels } => {
                if levels.is_empty() {
                    out.push("у правила levels нет уровней".to_string());
                }
                let mut prev = 0;
                for l in levels {
                    if l.points <= prev {
                        out.push(format!(
                            "уровни должны идти по возрастанию баллов начиная с 1, а уровень «{}» даёт {}",
                            l.text, l.points
                        ));
                    }
                    if l.text.trim().is_empty() {
                        out.push(format!("у уровня {} нет описания", l.points));
                    }
                    prev = l.points;
                }
            }
            _ => {}
        }
        out
    }
}

impl Rubric {
    /// Разбирает и проверяет рубрику: уникальные идентификаторы, известные механизмы,
    /// системы и этапы, непротиворечивые правила, `max`, совпадающий с правилом.
    pub fn from_json(json: &str) -> Result<Rubric, RubricError> {
        let rubric: Rubric =
            serde_json::from_str(json).map_err(|e| RubricError::Json(e.to_string()))?;
        let problems = rubric.problems();
        if problems.is_empty() {
            Ok(rubric)
        } else {
            Err(RubricError::Invalid(problems))
        }
    }

    /// Все противоречия рубрики (пустой список — рубрика корректна).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.id.trim().is_empty() {
            out.push("у рубрики нет идентификатора".to_string());
        }
        if self.version.trim().is_empty() {
            out.push("у рубрики нет версии".to_string());
        }
        if self.stages.is_empty() {
            out.push("в рубрике нет этапов".to_string());
        }
        let mut stage_ids = HashSet::new();
        for s in &self.stages {
            if !stage_ids.insert(s.id.as_str()) {
                out.push(format!("повторяется идентификатор этапа «{}»", s.id));
            }
            if s.title.trim().is_empty()
                || s.nominative.trim().is_empty()
                || s.genitive.trim().is_empty()
            {
                out.push(format!("у этапа «{}» не заполнены названия", s.id));
            }
        }
        let mut mechanism_ids = HashSet::new();
        for m in &self.mechanisms {
            if !mechanism_ids.insert(m.id.as_str()) {
                out.push(format!("повторяется идентификатор механизма «{}»", m.id));
            }
        }
        let mut system_ids = HashSet::new();
        for s in &self.systems {
            if !system_ids.insert(s.id.as_str()) {
                out.push(format!("повторяется идентификатор системы «{}»", s.id));
            }
            if !mechanism_ids.contains(s.mechanism.as_str()) {
                out.push(format!(
                    "система «{}»: неизвестный механизм «{}»",
                    s.id, s.mechanism
                ));
            }
        }
        let mut item_ids = HashSet::new();
        for item in &self.items {
            let id = &item.id;
            if !item_ids.insert(id.as_str()) {
                out.push(format!("повторяется идентификатор пункта «{id}»"));
            }
            if !system_ids.contains(item.system.as_str()) {
                out.push(format!(
                    "пункт «{id}»: неизвестная система «{}»",
                    item.system
                ));
            }
            if !stage_ids.contains(item.stage.as_str()) {
                out.push(format!("пункт «{id}»: неизвестный этап «{}»", item.stage));
            }
            if item.text.trim().is_empty() {
                out.push(format!("пункт «{id}»: пустой текст"));
            }
            if matches!(&item.header, Some(h) if h.trim().is_empty()) {
                out.push(format!("пункт «{id}»: пустая вводная строка (нужен null)"));
            }
            for p in item.rule.problems() {
                out.push(format!("пункт «{id}»: {p}"));
            }
            if item.max != item.rule.max() {
                out.push(format!(
                    "пункт «{id}»: максимум {} не согласуется с правилом {} (по правилу {})",
                    item.max,
                    item.rule.kind(),
                    item.rule.max()
                ));
            }
        }
        out
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    pub fn stage(&self, id: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }

    pub fn system(&self, id: &str) -> Option<&System> {
        self.systems.iter().find(|s| s.id == id)
    }

    pub fn mechanism(&self, id: &str) -> Option<&Mechanism> {
        self.mechanisms.iter().find(|m| m.id == id)
    }

    /// Системы механизма в порядке рубрики.
    pub fn systems_of<'a>(&'a self, mechanism: &'a str) -> impl Iterator<Item = &'a System> + 'a {
        self.systems
            .iter()
            .filter(move |s| s.mechanism == mechanism)
    }

    /// Пункты системы в порядке рубрики.
    pub fn items_of_system<'a>(&'a self, system: &'a str) -> impl Iterator<Item = &'a Item> + 'a {
        self.items.iter().filter(move |i| i.system == system)
    }

    /// Пункты одного этапа одной системы в порядке рубрики.
    pub fn items_of<'a>(
        &'a self,
        system: &'a str,
        stage: &'a str,
    ) -> impl Iterator<Item = &'a Item> + 'a {
        self.items
            .iter()
            .filter(move |i| i.system == system && i.stage == stage)
    }

    /// Сумма максимумов всех пунктов.
    pub fn max_total(&self) -> i32 {
        self.items.iter().map(|i| i.max).sum()
    }
}

/// Сводка для `shkala rubric`: число оцениваемых строк, по строке на систему
/// (номер, название, число строк, максимум баллов) и итоговый максимум.
pub fn summary_text(rubric: &Rubric) -> String {
    let n = rubric.items.len();
    let mut out = format!("Оцениваемых строк: {n}\n");
    for system in &rubric.systems {
        let lines = rubric.items_of_system(&system.id).count();
        let max: i32 = rubric.items_of_system(&system.id).map(|i| i.max).sum();
        out.push_str(&format!(
            "{} {} — {lines} {}, максимум {max} {}\n",
            system.id,
            system.title,
            plural(lines as i64, "строка", "строки", "строк"),
            plural(i64::from(max), "балл", "балла", "баллов"),
        ));
    }
    let total = rubric.max_total();
    out.push_str(&format!(
        "Итого максимум: {total} {}\n",
        plural(i64::from(total), "балл", "балла", "баллов")
    ));
    out
}
