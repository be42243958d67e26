//! A school's improvement programme.
//!
//! Seed 001 asks every ШНРО for «школьных планов-программ повышения качества образования …
//! на основании углубленного анализа и выявленных проблемных зон», and the project's
//! monitoring as «входного, промежуточного, итогового» measurements. A programme here holds
//! the problem zones (prefilled from the weakest components of the placement and the gaps of
//! the self-assessment, editable), target values of chosen indicators with a target year,
//! the measures with dates and responsible persons, and the three monitoring points of every
//! target with their dates. It travels in the school's file.

use crate::domain::common::time::iso_date;
use serde::{Deserialize, Serialize};

/// Where a problem zone came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum ZoneOrigin {
    /// A results component that pulls the school's index down (method table id).
    Component { id: String },
    /// A gap of the self-assessment (questionnaire item id).
    SelfAssessment { item: String },
    /// Written by the school.
    Own,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemZone {
    pub text: String,
    pub origin: ZoneOrigin,
}

/// Which way an indicator improves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    #[default]
    Higher,
    Lower,
}

/// A measured value with its date (ISO `YYYY-MM-DD`, empty when not measured yet).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Checkpoint {
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub date: String,
}

/// A target value of one indicator, with the monitoring points.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Target {
    /// A row-contract column id, a questionnaire item id, or empty for the school's own.
    #[serde(default)]
    pub indicator: String,
    /// The indicator's wording as shown.
    pub label: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub better: Better,
    /// The value the programme starts from (the latest known).
    #[serde(default)]
    pub baseline: Option<f64>,
    #[serde(default)]
    pub target: Option<f64>,
    #[serde(default)]
    pub target_year: Option<i32>,
    /// «входной» monitoring.
    #[serde(default)]
    pub entry: Checkpoint,
    /// «промежуточный».
    #[serde(default)]
    pub interim: Checkpoint,
    /// «итоговый».
    #[serde(default, rename = "final")]
    pub final_: Checkpoint,
}

impl Target {
    /// The latest measured value: final, else interim, else entry.
    pub fn latest(&self) -> Option<f64> {
        self.final_
            .value
            .or(self.interim.value)
            .or(self.entry.value)
    }

    /// Whether `value` is at the target or beyond it in the indicator's direction (the target
    /// itself counts as reached); `None` without a target value.
    pub fn reaches(&self, value: f64) -> Option<bool> {
        let goal = self.target?;
        Some(match self.better {
            Better::Higher => value >= goal,
            Better::Lower => value <= goal,
        })
    }

    /// Whether the target is reached: decided by the final («итоговый») value only, so
    /// `None` («нет данных») until both the final value and the target value are there. An
    /// entry or interim value at the target does not make it reached: the programme's result
    /// is its final measurement (the municipal monitoring reads it the same way, see
    /// [`crate::domain::reports::monitoring::programme_status`]).
    pub fn reached(&self) -> Option<bool> {
        self.reaches(self.final_.value?)
    }

    /// «да», «нет», or «нет данных» before the final value (see [`Target::reached`]).
    pub fn reached_label(&self) -> &'static str {
        match self.reached() {
            Some(true) => "да",
            Some(false) => "нет",
            None => "нет данных",
        }
    }

    /// Whether the label already ends with the unit («…, %»), as the row contract's share
    /// columns do.
    pub fn label_has_unit(&self) -> bool {
        let (label, unit) = (self.label.trim_end(), self.unit.trim());
        unit.is_empty() || label.ends_with(unit)
    }

    /// The indicator as shown: its label with the unit once — «Доля …, %» stays as it is (the
    /// column's label carries the unit), «Средний балл» with unit «баллов» becomes «Средний
    /// балл, баллов».
    pub fn name(&self) -> String {
        if self.label_has_unit() {
            self.label.trim().to_string()
        } else {
            format!("{}, {}", self.label.trim(), self.unit.trim())
        }
    }
}

/// A measure of the programme.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Measure {
    pub text: String,
    /// ISO dates; empty when not set.
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub due: String,
    #[serde(default)]
    pub responsible: String,
    /// The school marked the measure as carried out (absent in older files: not done).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub done: bool,
}

/// The programme.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Programme {
    /// Why the school has one (its category, or its own decision), in words.
    #[serde(default)]
    pub basis: String,
    #[serde(default)]
    pub zones: Vec<ProblemZone>,
    #[serde(default)]
    pub targets: Vec<Target>,
    #[serde(default)]
    pub measures: Vec<Measure>,
}

impl Programme {
    pub fn is_empty(&self) -> bool {
        self.basis.trim().is_empty()
            && self.zones.is_empty()
            && self.targets.is_empty()
            && self.measures.is_empty()
    }

    /// Adds zones not already there (by origin, or by text for the school's own).
    pub fn add_zones(&mut self, zones: impl IntoIterator<Item = ProblemZone>) -> usize {
        let mut added = 0;
        for z in zones {
            let known = self.zones.iter().any(|k| match (&k.origin, &z.origin) {
                (ZoneOrigin::Own, ZoneOrigin::Own) => k.text.trim() == z.text.trim(),
                (a, b) => a == b,
            });
            if !known {
                self.zones.push(z);
                added += 1;
            }
        }
        added
    }
}

/// Checks a date written as `YYYY-MM-DD` (what `<input type="date">` gives): the one reading
/// of such dates, [`iso_date`].
pub fn check_date(text: &str) -> Result<(), String> {
    iso_date(text).map(|_| ()).ok_or_else(|| {
        format!(
            "«{}» не является датой (нужно ГГГГ-ММ-ДД, год от 1990 до 2100)",
            text.trim()
        )
    })
}

/// Every problem of a programme, in Russian, naming the place («цель 2, итоговый замер: …»).
pub fn validate(p: &Programme) -> Vec<String> {
    let mut out = Vec::new();
    for (i, z) in p.zones.iter().enumerate() {
        if z.text.trim().is_empty() {
            out.push(format!("проблемная зона {}: текст не заполнен", i + 1));
        }
    }
    for (i, t) in p.targets.iter().enumerate() {
        let at = format!("цель {}", i + 1);
        if t.label.trim().is_empty() {
            out.push(format!("{at}: не указан показатель"));
        }
        for (v, name) in [
            (t.baseline, "исходное значение"),
            (t.target, "целевое значение"),
            (t.entry.value, "входной замер"),
            (t.interim.value, "промежуточный замер"),
            (t.final_.value, "итоговый замер"),
        ] {
            if v.is_some_and(|v| !v.is_finite()) {
                out.push(format!("{at}, {name}: не число"));
            } else if t.unit == "%" && v.is_some_and(|v| !(0.0..=100.0).contains(&v)) {
                out.push(format!("{at}, {name}: доля должна быть от 0 до 100 %"));
            }
        }
        if let Some(y) = t.target_year {
            if !(1990..=2100).contains(&y) {
                out.push(format!(
                    "{at}: год достижения должен быть от 1990 до 2100, получено «{y}»"
                ));
            }
        }
        let mut last: Option<&str> = None;
        for (c, name) in [
            (&t.entry, "входной замер"),
            (&t.interim, "промежуточный замер"),
            (&t.final_, "итоговый замер"),
        ] {
            if c.date.trim().is_empty() {
                continue;
            }
            match check_date(&c.date) {
                Err(m) => out.push(format!("{at}, {name}: {m}")),
                Ok(()) => {
                    if last.is_some_and(|l| l > c.date.trim()) {
                        out.push(format!("{at}, {name}: дата раньше предыдущего замера"));
                    }
                    last = Some(c.date.trim());
                }
            }
        }
    }
    for (i, m) in p.measures.iter().enumerate() {
        let at = format!("мероприятие {}", i + 1);
        if m.text.trim().is_empty() {
            out.push(format!("{at}: не описано"));
        }
        for (d, name) in [(&m.start, "начало"), (&m.due, "срок")] {
            if !d.trim().is_empty() {
                if let Err(e) = check_date(d) {
                    out.push(format!("{at}, {name}: {e}"));
                }
            }
        }
        if check_date(&m.start).is_ok() && check_date(&m.due).is_ok() && m.start > m.due {
            out.push(format!("{at}: срок раньше начала"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked_as_calendar_dates() {
        assert!(check_date("2025-02-28").is_ok());
        assert!(check_date("2024-02-29").is_ok());
        assert!(check_date("2025-02-29").is_err());
        assert!(check_date("28.02.2025").is_err());
        assert!(check_date("2025-1-5").is_err());
        assert!(check_date("２０２５-01-05").is_err());
    }

    #[test]
    fn a_target_is_decided_by_its_final_value_only() {
        let mut t = Target {
            label: "Доля «2» по ОГЭ, математика".into(),
            unit: "%".into(),
            better: Better::Lower,
            target: Some(10.0),
            ..Default::default()
        };
        assert_eq!((t.reached(), t.reached_label()), (None, "нет данных"));
        // Entry and interim values, even one already at the target, decide nothing.
        t.entry.value = Some(18.0);
        t.interim.value = Some(9.0);
        assert_eq!(t.reaches(9.0), Some(true));
        assert_eq!((t.reached(), t.reached_label()), (None, "нет данных"));
        // The final value decides, in the indicator's direction; the target itself counts.
        t.final_.value = Some(10.0);
        assert_eq!((t.reached(), t.reached_label()), (Some(true), "да"));
        t.final_.value = Some(11.0);
        assert_eq!((t.reached(), t.reached_label()), (Some(false), "нет"));
        t.better = Better::Higher;
        assert_eq!((t.reached(), t.reached_label()), (Some(true), "да"));
        // Without a target value there is nothing to reach.
        t.target = None;
        assert_eq!((t.reached(), t.reached_label()), (None, "нет данных"));
    }

    #[test]
    fn the_unit_is_shown_once() {
        let share = Target {
            label: "Доля участников ОГЭ, получивших оценку «2» по математике, %".into(),
            unit: "%".into(),
            ..Default::default()
        };
        assert_eq!(
            share.name(),
            "Доля участников ОГЭ, получивших оценку «2» по математике, %"
        );
        let score = Target {
            label: "Средний балл ЕГЭ по русскому языку".into(),
            unit: "баллов".into(),
            ..Default::default()
        };
        assert!(!score.label_has_unit());
        assert_eq!(score.name(), "Средний балл ЕГЭ по русскому языку, баллов");
        let own = Target {
            label: "Число победителей олимпиад ".into(),
            ..Default::default()
        };
        assert_eq!(own.name(), "Число победителей олимпиад");
    }

    #[test]
    fn problems_name_the_place() {
        let p = Programme {
            zones: vec![ProblemZone {
                text: " ".into(),
                origin: ZoneOrigin::Own,
            }],
            targets: vec![Target {
                label: "Доля".into(),
                unit: "%".into(),
                target: Some(120.0),
                entry: Checkpoint {
                    value: Some(5.0),
                    date: "2025-09-01".into(),
                },
                interim: Checkpoint {
                    value: None,
                    date: "2025-03-01".into(),
                },
                ..Default::default()
            }],
            measures: vec![Measure {
                text: "Семинар".into(),
                start: "2025-10-01".into(),
                due: "2025-09-01".into(),
                responsible: "Зам. директора".into(),
                done: false,
            }],
            ..Default::default()
        };
        let v = validate(&p);
        assert_eq!(
            v,
            vec![
                "проблемная зона 1: текст не заполнен".to_string(),
                "цель 1, целевое значение: доля должна быть от 0 до 100 %".to_string(),
                "цель 1, промежуточный замер: дата раньше предыдущего замера".to_string(),
                "мероприятие 1: срок раньше начала".to_string(),
            ]
        );
    }

    #[test]
    fn zones_are_added_once() {
        let mut p = Programme::default();
        let z = |id: &str| ProblemZone {
            text: format!("зона {id}"),
            origin: ZoneOrigin::Component { id: id.into() },
        };
        assert_eq!(p.add_zones([z("oge_fail"), z("vpr_fail")]), 2);
        assert_eq!(p.add_zones([z("oge_fail")]), 0);
        assert_eq!(p.zones.len(), 2);
    }

    #[test]
    fn the_final_point_is_serialised_as_final() {
        let t = Target {
            label: "x".into(),
            ..Default::default()
        };
        let v = serde_json::to_value(&t).unwrap();
        assert!(v.get("final").is_some());
        let back: Target = serde_json::from_value(v).unwrap();
        assert_eq!(back, t);
    }

    #[test]
    fn done_is_written_only_when_set_and_old_files_read() {
        let old: Measure =
            serde_json::from_str(r#"{"text":"Семинар","due":"2025-05-01"}"#).unwrap();
        assert!(!old.done);
        assert_eq!(
            serde_json::to_string(&old).unwrap(),
            r#"{"text":"Семинар","start":"","due":"2025-05-01","responsible":""}"#
        );
        let done = Measure { done: true, ..old };
        let json = serde_json::to_string(&done).unwrap();
        assert!(json.ends_with(r#","done":true}"#), "{json}");
        assert_eq!(serde_json::from_str::<Measure>(&json).unwrap(), done);
    }
}
