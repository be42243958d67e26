//! Parameters of the identification. Every number of the method is here, with the seed's
//! value as the default; a `params.json` may override any of them.

use crate::domain::row::SchoolType;
use crate::domain::schema::schema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A pool: school types ranked together in each year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pool {
    pub id: String,
    pub label: String,
    pub types: Vec<SchoolType>,
}

/// How the social rule over the window reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SocialRule {
    /// In the band in at least `social_min_years` years of the window (seed appendix: «за 2 или 3 года»).
    AtLeast,
    /// In the band in the last `social_min_years` years, or in all years (seed, stage 2:
    /// «за 2 последних года или за все 3 года»).
    LastOrAll,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Params {
    /// Types left out of the identification (seed footnote 2: начальные школы, школы с
    /// адаптированными программами, школы при исправительных колониях).
    pub excluded_types: Vec<SchoolType>,
    /// Pools ranked separately («отдельно по группам школ: средним, основным, вечерним»).
    pub pools: Vec<Pool>,
    /// Years of the window, oldest first. Empty: the `window` most recent years in the data.
    pub years: Vec<i32>,
    /// Length of the window when `years` is empty.
    pub window: usize,
    /// Share of each pool-year in the bottom and in the top band (25 %).
    pub band_share: f64,
    /// «Группа риска»: in the bottom band in the last this many years.
    pub risk_years: usize,
    pub social_rule: SocialRule,
    /// ШНСУ / favourable: in the band in this many years (see `social_rule`).
    pub social_min_years: usize,
    /// Gap flags: a school mean below the regional mean by more than this is weak.
    /// Keyed by the mean's column id.
    pub gap_thresholds: BTreeMap<String, f64>,
    /// Official regional means, by year and column id; where absent, the participant-weighted
    /// mean of school means is used.
    pub regional_means: BTreeMap<String, BTreeMap<String, f64>>,
    /// How many weakest components to name per school and year.
    pub weakest_max: usize,
    /// How many partner schools to suggest.
    pub partners_max: usize,
}

impl Default for Params {
    fn default() -> Self {
        let pool = |id: &str, label: &str, t: SchoolType| Pool {
            id: id.into(),
            label: label.into(),
            types: vec![t],
        };
        Params {
            excluded_types: vec![
                SchoolType::Primary,
                SchoolType::Adapted,
                SchoolType::Penitentiary,
            ],
            pools: vec![
                pool("secondary", "Средние школы", SchoolType::Secondary),
                pool("basic", "Основные школы", SchoolType::Basic),
                pool("evening", "Вечерние (сменные) школы", SchoolType::Evening),
            ],
            years: Vec::new(),
            window: 3,
            band_share: 0.25,
            risk_years: 2,
            social_rule: SocialRule::AtLeast,
            social_min_years: 2,
            gap_thresholds: [
                ("ege_rus_mean", 20.0),
                ("ege_math_prof_mean", 20.0),
                ("ege_math_base_mean", 4.0),
                ("oge_rus_mean", 1.0),
                ("oge_math_mean", 1.0),
                ("vpr_rus_mean", 1.0),
                ("vpr_math_mean", 1.0),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
            regional_means: BTreeMap::new(),
            weakest_max: 3,
            partners_max: 3,
        }
    }
}

impl Params {
    /// Reads parameters from JSON; keys left out keep their defaults.
    pub fn from_json(text: &str) -> Result<Params, Vec<String>> {
        let p: Params = serde_json::from_str(text).map_err(|e| vec![format!("параметры: {e}")])?;
        p.validate()?;
        Ok(p)
    }

    /// Checks the parameters; all problems at once, in Russian.
    pub fn validate(&self) -> Result<(), Vec<String>> {
        let mut e = Vec::new();
        if !(self.band_share > 0.0 && self.band_share <= 0.5) {
            e.push(format!(
                "band_share: доля группы должна быть больше 0 и не больше 0,5, задано {}",
                self.band_share
            ));
        }
        let window = self.window_len();
        if window == 0 {
            e.push("window: окно должно содержать хотя бы один год".into());
        }
        if self.risk_years == 0 || self.risk_years > window {
            e.push(format!(
                "risk_years: должно быть от 1 до длины окна ({window}), задано {}",
                self.risk_years
            ));
        }
        if self.social_min_years == 0 || self.social_min_years > window {
            e.push(format!(
                "social_min_years: должно быть от 1 до длины окна ({window}), задано {}",
                self.social_min_years
            ));
        }
        let mut sorted = self.years.clone();
        sorted.sort();
        sorted.dedup();
        if sorted != self.years {
            e.push("years: годы должны идти по возрастанию без повторов".into());
        }
        let mut seen = Vec::new();
        for p in &self.pools {
            if p.types.is_empty() {
                e.push(format!("pools: в группе «{}» нет типов школ", p.id));
            }
            for t in &p.types {
                if seen.contains(t) {
                    e.push(format!("pools: тип «{t}» входит в несколько групп"));
                }
                if self.excluded_types.contains(t) {
                    e.push(format!(
                        "pools: тип «{t}» одновременно исключён и входит в группу «{}»",
                        p.id
                    ));
                }
                seen.push(*t);
            }
        }
        for col in self.gap_thresholds.keys() {
            if schema().data_index(col).is_none() {
                e.push(format!("gap_thresholds: неизвестный столбец «{col}»"));
            }
        }
        for (col, t) in &self.gap_thresholds {
            if !(t.is_finite() && *t >= 0.0) {
                e.push(format!(
                    "gap_thresholds: порог для «{col}» должен быть неотрицательным числом"
                ));
            }
        }
        for (year, means) in &self.regional_means {
            if year.parse::<i32>().is_err() {
                e.push(format!("regional_means: «{year}» не является годом"));
            }
            for col in means.keys() {
                if schema().data_index(col).is_none() {
                    e.push(format!(
                        "regional_means[{year}]: неизвестный столбец «{col}»"
                    ));
                }
            }
        }
        if e.is_empty() {
            Ok(())
        } else {
            Err(e)
        }
    }

    /// The number of years in the window.
    pub fn window_len(&self) -> usize {
        if self.years.is_empty() {
            self.window
        } else {
            self.years.len()
        }
    }

    /// The pool a school type belongs to, by position in `pools`.
    pub fn pool_of(&self, t: SchoolType) -> Option<usize> {
        self.pools.iter().position(|p| p.types.contains(&t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_seed_values_and_valid() {
        let p = Params::default();
        assert!(p.validate().is_ok());
        assert_eq!(p.band_share, 0.25);
        assert_eq!(p.window_len(), 3);
        assert_eq!(p.gap_thresholds["ege_math_base_mean"], 4.0);
        assert_eq!(p.pool_of(SchoolType::Evening), Some(2));
        assert_eq!(p.pool_of(SchoolType::Primary), None);
    }

    #[test]
    fn partial_json_keeps_defaults_and_bad_values_are_all_reported() {
        let p = Params::from_json(r#"{"band_share": 0.2, "social_rule": "last_or_all"}"#).unwrap();
        assert_eq!(p.band_share, 0.2);
        assert_eq!(p.social_rule, SocialRule::LastOrAll);
        assert_eq!(p.window, 3);
        let e = Params::from_json(
            r#"{"band_share": 0.9, "risk_years": 5, "gap_thresholds": {"foo": 1}}"#,
        )
        .unwrap_err();
        assert_eq!(e.len(), 3, "{e:?}");
        assert!(e[0].starts_with("band_share"));
        assert!(e.iter().any(|m| m.contains("«foo»")));
        let e = Params::from_json(r#"{"band_shar": 0.2}"#).unwrap_err();
        assert!(e[0].contains("band_shar"), "{e:?}");
    }
}
