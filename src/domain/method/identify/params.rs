//! Parameters of the identification. Every number of the method is here, with the seed's
//! value as the default; a `params.json` may override any of them.

use crate::domain::contract::row::SchoolType;
use crate::domain::contract::schema::schema;
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

/// How the computed regional mean of a gap variant weighs the school means.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeanWeighting {
    /// Each school mean weighted by the school's participants of that exam (our reading of
    /// «средний балл по краю»: the mean over the region's participants).
    #[default]
    Participants,
    /// The plain mean of the school means: every school that has the mean counts once.
    Equal,
}

impl MeanWeighting {
    /// How the computed means are taken, in Russian («средние по данным школ, …»).
    pub fn reading(self) -> &'static str {
        match self {
            MeanWeighting::Participants => "взвешенные по числу участников",
            MeanWeighting::Equal => "без взвешивания (каждая школа учитывается один раз)",
        }
    }
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
    /// How the computed regional means weigh the school means (official ones are used as given).
    pub mean_weighting: MeanWeighting,
    /// How many weakest components to name per school and year.
    pub weakest_max: usize,
    /// How many partner schools to suggest.
    pub partners_max: usize,
    /// Contextualised results (beyond the seed): the share of each pool-year's residuals
    /// read as «ниже ожидаемого» (bottom) and «выше ожидаемого» (top); see
    /// [`super::context`].
    pub context_share: f64,
    /// Small pools (beyond the seed): a pool-year with fewer schools ranked by the results
    /// index than this is marked «малая группа» wherever its numbers are shown (under 20
    /// schools one school is more than 5 % of the pool, and a 25 % band holds at most 5); see
    /// [`super::small_pools`]. Nothing is computed differently.
    pub small_pool: usize,
    /// Contextualised results: the fewest schools with both indices a pool-year's line is
    /// drawn from (at least 3: a line of 2 coefficients through 2 points fits them exactly).
    pub context_min_n: usize,
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
            mean_weighting: MeanWeighting::Participants,
            weakest_max: 3,
            partners_max: 3,
            context_share: 0.25,
            small_pool: 20,
            context_min_n: 10,
        }
    }
}

/// The fewest schools a context line may be drawn from: with 2 coefficients, 2 points lie on
/// the line exactly and leave no residual to rank.
pub const MIN_CONTEXT_N: usize = 3;

/// The longest window of years: every year a row may have (1990 to 2100).
pub const MAX_WINDOW: usize = 111;
/// The first and the last year a row may have (as the readers check it).
const MIN_YEAR: i32 = 1990;
const MAX_YEAR: i32 = 2100;

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
                "«{}»: доля должна быть больше 0 и не больше 50 %, задано {} %",
                label("band_share"),
                crate::domain::common::format::num(Some(self.band_share * 100.0), 2)
            ));
        }
        if !(self.context_share > 0.0 && self.context_share <= 0.5) {
            e.push(format!(
                "«{}»: доля должна быть больше 0 и не больше 50 %, задано {} %",
                label("context_share"),
                crate::domain::common::format::num(Some(self.context_share * 100.0), 2)
            ));
        }
        if self.context_min_n < MIN_CONTEXT_N {
            e.push(format!(
                "«{}»: должно быть не меньше {MIN_CONTEXT_N} (по двум школам линия проходит через обе точки), задано {}",
                label("context_min_n"),
                self.context_min_n
            ));
        }
        let window = self.window_len();
        if window == 0 {
            e.push(format!(
                "«{}»: окно должно содержать хотя бы один год",
                label("window")
            ));
        }
        // A longer window cannot hold data (a row's year is from 1990 to 2100), and a huge one
        // would take all memory for its empty years.
        if self.years.is_empty() && self.window > MAX_WINDOW {
            e.push(format!(
                "«{}»: окно не может быть длиннее {MAX_WINDOW} лет (годы данных — с 1990 по 2100), задано {}",
                label("window"),
                self.window
            ));
        }
        if self.risk_years == 0 || self.risk_years > window {
            e.push(format!(
                "«{}»: должно быть от 1 до длины окна ({window}), задано {}",
                label("risk_years"),
                self.risk_years
            ));
        }
        if self.social_min_years == 0 || self.social_min_years > window {
            e.push(format!(
                "«{}»: должно быть от 1 до длины окна ({window}), задано {}",
                label("social_min_years"),
                self.social_min_years
            ));
        }
        // The years size the pool × year buckets of every stage: each one a year a row may
        // have, so there are at most as many as the window may be long.
        if self.years.len() > MAX_WINDOW {
            e.push(format!(
                "«{}»: не больше {MAX_WINDOW} лет (годы данных — с 1990 по 2100), задано {}",
                label("years"),
                self.years.len()
            ));
        }
        let outside: Vec<String> = self
            .years
            .iter()
            .filter(|y| !(MIN_YEAR..=MAX_YEAR).contains(*y))
            .map(i32::to_string)
            .collect();
        if !outside.is_empty() {
            e.push(format!(
                "«{}»: год должен быть от {MIN_YEAR} до {MAX_YEAR}, задано {}",
                label("years"),
                first_years(&outside)
            ));
        }
        let mut sorted = self.years.clone();
        sorted.sort();
        let mut repeated: Vec<String> = sorted
            .windows(2)
            .filter(|w| w[0] == w[1])
            .map(|w| w[0].to_string())
            .collect();
        repeated.dedup();
        if !repeated.is_empty() {
            e.push(format!(
                "«{}»: годы повторяются: {}",
                label("years"),
                first_years(&repeated)
            ));
        } else if sorted != self.years {
            e.push(format!(
                "«{}»: годы должны идти по возрастанию",
                label("years")
            ));
        }
        let mut seen = Vec::new();
        for p in &self.pools {
            if p.types.is_empty() {
                e.push(format!(
                    "«{}»: в группе «{}» нет типов школ",
                    label("pools"),
                    p.label
                ));
            }
            for t in &p.types {
                if seen.contains(t) {
                    e.push(format!(
                        "«{}»: тип «{}» входит в несколько групп",
                        label("pools"),
                        t.label()
                    ));
                }
                if self.excluded_types.contains(t) {
                    e.push(format!(
                        "«{}»: тип «{}» одновременно исключён и входит в группу «{}»",
                        label("pools"),
                        t.label(),
                        p.label
                    ));
                }
                seen.push(*t);
            }
        }
        for col in self.gap_thresholds.keys() {
            if schema().data_index(col).is_none() {
                e.push(format!(
                    "«{}»: неизвестный столбец «{col}»",
                    label("gap_thresholds")
                ));
            }
        }
        for (col, t) in &self.gap_thresholds {
            if !(t.is_finite() && *t >= 0.0) {
                e.push(format!(
                    "«{}»: порог для «{}» должен быть неотрицательным числом",
                    label("gap_thresholds"),
                    column_label(col)
                ));
            }
        }
        for (year, means) in &self.regional_means {
            if year.parse::<i32>().is_err() {
                e.push(format!(
                    "«{}»: «{year}» не является годом",
                    label("regional_means")
                ));
            }
            for col in means.keys() {
                if schema().data_index(col).is_none() {
                    e.push(format!(
                        "«{}», {year} год: неизвестный столбец «{col}»",
                        label("regional_means")
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

    /// Whether basic and evening schools are ranked together in one pool.
    pub fn basic_and_evening_joined(&self) -> bool {
        let (b, e) = (
            self.pool_of(SchoolType::Basic),
            self.pool_of(SchoolType::Evening),
        );
        b.is_some() && b == e
    }

    /// Ranks basic and evening schools together (one pool «Основные и вечерние (сменные)
    /// школы», seed: «по совокупности основных/ вечерних школ») or apart (the seed's three
    /// groups). Types that are excluded stay out of every pool.
    pub fn set_basic_and_evening_joined(&mut self, joined: bool) {
        let both = [SchoolType::Basic, SchoolType::Evening];
        let at = self
            .pools
            .iter()
            .position(|p| p.types.iter().any(|t| both.contains(t)))
            .unwrap_or(self.pools.len());
        for p in &mut self.pools {
            p.types.retain(|t| !both.contains(t));
        }
        self.pools.retain(|p| !p.types.is_empty());
        let at = at.min(self.pools.len());
        let wanted: Vec<SchoolType> = both
            .into_iter()
            .filter(|t| !self.excluded_types.contains(t))
            .collect();
        let new: Vec<Pool> = if joined && !wanted.is_empty() {
            vec![Pool {
                id: "basic_evening".into(),
                label: "Основные и вечерние (сменные) школы".into(),
                types: wanted,
            }]
        } else {
            wanted.into_iter().map(Pool::of_type).collect()
        };
        for (i, p) in new.into_iter().enumerate() {
            self.pools.insert(at + i, p);
        }
    }

    /// Leaves a type out of the identification, or takes it back (into the pool the type has
    /// by default: the seed's groups, basic and evening as joined now; other types in a pool
    /// of their own).
    pub fn set_excluded(&mut self, t: SchoolType, excluded: bool) {
        let joined = self.basic_and_evening_joined();
        if excluded {
            if !self.excluded_types.contains(&t) {
                self.excluded_types.push(t);
            }
            for p in &mut self.pools {
                p.types.retain(|x| *x != t);
            }
            self.pools.retain(|p| !p.types.is_empty());
        } else {
            self.excluded_types.retain(|x| *x != t);
            if self.pool_of(t).is_some() {
                return;
            }
            match t {
                SchoolType::Basic | SchoolType::Evening => {
                    self.set_basic_and_evening_joined(joined)
                }
                _ => {
                    let at = if t == SchoolType::Secondary {
                        0
                    } else {
                        self.pools.len()
                    };
                    self.pools.insert(at, Pool::of_type(t));
                }
            }
        }
        let order = |t: &SchoolType| SchoolType::ALL.iter().position(|x| x == t);
        self.excluded_types.sort_by_key(order);
    }
}

impl Pool {
    /// A pool of one school type, named as the seed names the group.
    pub fn of_type(t: SchoolType) -> Pool {
        let label = match t {
            SchoolType::Secondary => "Средние школы",
            SchoolType::Basic => "Основные школы",
            SchoolType::Evening => "Вечерние (сменные) школы",
            SchoolType::Primary => "Начальные школы",
            SchoolType::Adapted => "Школы с адаптированными программами",
            SchoolType::Penitentiary => "Школы при исправительных учреждениях",
        };
        Pool {
            id: t.id().into(),
            label: label.into(),
            types: vec![t],
        }
    }
}

/// The years of the window as typed («2022, 2023, 2024»; empty — the latest in the data).
pub fn parse_years(text: &str) -> Result<Vec<i32>, String> {
    let mut years = Vec::new();
    for part in text.split([',', ';', ' ']).filter(|p| !p.trim().is_empty()) {
        match part.trim().parse::<i32>() {
            Ok(y) if (1990..=2100).contains(&y) => years.push(y),
            _ => return Err(format!("«{}» не является годом", part.trim())),
        }
    }
    years.sort();
    years.dedup();
    Ok(years)
}

/// One parameter as the run panel shows it: its label, the seed's words and where they are
/// (from `src/data/parameters.json`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ParameterText {
    pub id: String,
    pub label: String,
    pub seed: String,
    pub source: String,
}

/// The texts of the parameters, in the panel's order.
pub fn parameter_texts() -> &'static [ParameterText] {
    #[derive(Deserialize)]
    struct File {
        parameters: Vec<ParameterText>,
    }
    static TEXTS: std::sync::OnceLock<Vec<ParameterText>> = std::sync::OnceLock::new();
    TEXTS.get_or_init(|| {
        serde_json::from_str::<File>(include_str!("../../../data/parameters.json"))
            .map(|f| f.parameters)
            .unwrap_or_default()
    })
}

/// The label of a parameter as the run panel shows it (for the messages of
/// [`Params::validate`], which the panel lists).
/// The first five of `years` joined by commas, «…» after them when there are more (a
/// refusal names a few, not a list of a hundred).
fn first_years(years: &[String]) -> String {
    let shown = years.len().min(5);
    let more = if years.len() > shown { " …" } else { "" };
    format!("{}{more}", years[..shown].join(", "))
}

fn label(id: &str) -> String {
    parameter_text(id).label
}

/// The label of a data column («Средний балл ЕГЭ по русскому языку»), or the text as given
/// when it names no column.
fn column_label(id: &str) -> String {
    schema()
        .column(id)
        .map_or_else(|| id.to_string(), |c| c.label.clone())
}

/// The text of one parameter (a fallback with its id when the table lacks it).
pub fn parameter_text(id: &str) -> ParameterText {
    parameter_texts()
        .iter()
        .find(|p| p.id == id)
        .cloned()
        .unwrap_or_else(|| ParameterText {
            id: id.into(),
            label: id.into(),
            seed: String::new(),
            source: String::new(),
        })
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
        assert!(
            e[0].starts_with("«Доля школ в нижней и верхней группе"),
            "{e:?}"
        );
        assert!(e[0].ends_with("задано 90 %"), "{e:?}");
        assert!(e.iter().any(|m| m.contains("«foo»")));
        assert_eq!(Params::default().context_share, 0.25);
        for bad in ["0", "0.6", "-0.1"] {
            let e = Params::from_json(&format!(r#"{{"context_share": {bad}}}"#)).unwrap_err();
            assert!(
                e[0].starts_with("«Контекстуализированные результаты: доля школ"),
                "{e:?}"
            );
        }
        assert_eq!(
            Params::from_json(r#"{"context_share": 0.5}"#)
                .unwrap()
                .context_share,
            0.5
        );
        let e = Params::from_json(r#"{"band_shar": 0.2}"#).unwrap_err();
        assert!(e[0].contains("band_shar"), "{e:?}");
    }

    /// Found by the fuzzer (tests/fixtures/fuzz/params/window-huge.json): a window of
    /// 544285146808718718 years passed the checks, and identification asked for 60 GB.
    #[test]
    fn a_window_longer_than_the_years_of_data_is_refused() {
        let e = Params::from_json(r#"{"window": 544285146808718718}"#).unwrap_err();
        assert!(e.iter().any(|m| m.starts_with("«Окно расчёта")), "{e:?}");
        let e = Params::from_json(r#"{"window": 112}"#).unwrap_err();
        assert!(e.iter().any(|m| m.contains("111")), "{e:?}");
        assert!(Params::from_json(r#"{"window": 111}"#).is_ok());
        // Explicit years set the window themselves.
        assert!(Params::from_json(r#"{"window": 1000, "years": [2024, 2025]}"#).is_ok());
    }

    /// An explicit list of years sizes the pool × year buckets as the window does: it is
    /// bounded too — years a row may have, no more of them than the window may be long, none
    /// twice. Before, only the order was checked: 200,000 years in order passed.
    #[test]
    fn an_explicit_list_of_years_is_bounded() {
        let years = |list: &[i32]| Params {
            years: list.to_vec(),
            ..Params::default()
        };
        assert!(years(&[2023, 2024, 2025]).validate().is_ok());
        assert!(years(&(1990..=2100).collect::<Vec<_>>()).validate().is_ok());

        let many: Vec<i32> = (0..200_000).collect();
        let e = years(&many).validate().unwrap_err();
        assert!(
            e.iter()
                .any(|m| m == "«Годы окна (пусто — последние годы в данных)»: не больше 111 лет (годы данных — с 1990 по 2100), задано 200000"),
            "{e:?}"
        );
        assert!(
            e.iter()
                .any(|m| m.ends_with("год должен быть от 1990 до 2100, задано 0, 1, 2, 3, 4 …")),
            "{e:?}"
        );

        let e = Params::from_json(r#"{"years": [1989, 2024, 2101]}"#).unwrap_err();
        assert_eq!(
            e,
            vec!["«Годы окна (пусто — последние годы в данных)»: год должен быть от 1990 до 2100, задано 1989, 2101"]
        );
        let e = Params::from_json(r#"{"years": [-2147483648, 2147483647]}"#).unwrap_err();
        assert!(e[0].ends_with("задано -2147483648, 2147483647"), "{e:?}");

        let e = years(&[2023, 2024, 2024, 2025]).validate().unwrap_err();
        assert_eq!(
            e,
            vec!["«Годы окна (пусто — последние годы в данных)»: годы повторяются: 2024"]
        );
        let e = years(&[2025, 2024]).validate().unwrap_err();
        assert_eq!(
            e,
            vec!["«Годы окна (пусто — последние годы в данных)»: годы должны идти по возрастанию"]
        );
    }

    /// Found by the fuzzer (tests/fixtures/fuzz/params/partners-max-huge.json): the number of
    /// partners to suggest sized a buffer, and 4294967296 asked for 32 GB.
    #[test]
    fn a_huge_number_of_partners_identifies() {
        use crate::domain::demo::{region, DemoSpec};
        let p = Params::from_json(r#"{"partners_max": 4294967296}"#).unwrap();
        let rows = region(&DemoSpec {
            schools: 12,
            municipalities: 3,
            years: vec![2023, 2024, 2025],
            seed: 7,
        });
        let r = crate::domain::method::identify::identify(&rows, &p).unwrap();
        let d = crate::domain::method::identify::identify(&rows, &Params::default()).unwrap();
        assert_eq!(r.schools.len(), d.schools.len());
    }

    /// Parameters stored before the small pools and the context's minimum (no such keys) read
    /// with the defaults; a context line from fewer than 3 schools is refused in words.
    #[test]
    fn small_pool_and_context_minimum_have_defaults_and_bounds() {
        let old = r#"{"band_share": 0.25, "context_share": 0.25, "partners_max": 3}"#;
        let p = Params::from_json(old).unwrap();
        assert_eq!((p.small_pool, p.context_min_n), (20, 10));
        assert_eq!(p, Params::default());
        let p = Params::from_json(r#"{"small_pool": 0, "context_min_n": 3}"#).unwrap();
        assert_eq!((p.small_pool, p.context_min_n), (0, 3));
        let e = Params::from_json(r#"{"context_min_n": 2}"#).unwrap_err();
        assert_eq!(
            e,
            vec![format!(
                "«{}»: должно быть не меньше 3 (по двум школам линия проходит через обе точки), задано 2",
                label("context_min_n")
            )]
        );
        assert!(
            e[0].starts_with("«Контекстуализированные результаты:"),
            "{e:?}"
        );
    }

    #[test]
    fn joining_basic_and_evening_makes_one_pool_and_back() {
        let mut p = Params::default();
        assert!(!p.basic_and_evening_joined());
        p.set_basic_and_evening_joined(true);
        assert!(p.basic_and_evening_joined());
        assert_eq!(p.pools.len(), 2);
        assert_eq!(p.pools[0].id, "secondary");
        assert_eq!(
            p.pools[1].types,
            vec![SchoolType::Basic, SchoolType::Evening]
        );
        assert!(p.validate().is_ok());
        p.set_basic_and_evening_joined(false);
        assert_eq!(p, Params::default());
    }

    #[test]
    fn excluding_and_taking_back_a_type_keeps_the_pools_valid() {
        let mut p = Params::default();
        p.set_excluded(SchoolType::Evening, true);
        assert_eq!(p.pool_of(SchoolType::Evening), None);
        assert!(p.validate().is_ok());
        p.set_excluded(SchoolType::Evening, false);
        assert_eq!(p, Params::default());
        p.set_excluded(SchoolType::Primary, false);
        assert!(p.validate().is_ok());
        assert_eq!(p.pools.last().map(|x| x.id.as_str()), Some("primary"));
        assert!(!p.excluded_types.contains(&SchoolType::Primary));
        // Joined, then evening excluded: the joined pool keeps basic only.
        let mut p = Params::default();
        p.set_basic_and_evening_joined(true);
        p.set_excluded(SchoolType::Evening, true);
        assert_eq!(p.pool_of(SchoolType::Basic), Some(1));
        assert!(p.validate().is_ok());
    }

    #[test]
    fn years_are_read_sorted_and_bad_ones_named() {
        assert_eq!(parse_years("2024, 2022;2023"), Ok(vec![2022, 2023, 2024]));
        assert_eq!(parse_years(""), Ok(vec![]));
        assert!(parse_years("2024, двадцать")
            .unwrap_err()
            .contains("«двадцать»"));
    }

    #[test]
    fn every_parameter_has_its_seed_wording() {
        let texts = parameter_texts();
        for id in [
            "window",
            "years",
            "pools",
            "band_share",
            "risk_years",
            "social_rule",
            "social_min_years",
            "gap_thresholds",
            "excluded_types",
            "regional_means",
            "mean_weighting",
            "weakest_max",
            "partners_max",
            "context_share",
            "small_pool",
            "context_min_n",
        ] {
            let t = texts.iter().find(|t| t.id == id);
            assert!(
                t.is_some_and(|t| !t.seed.is_empty() && !t.label.is_empty()),
                "{id}"
            );
        }
    }
}
