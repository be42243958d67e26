//! What the identification produces (the `--out result.json` contract).

use super::params::Params;
use crate::domain::contract::row::SchoolType;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Capacity of the inline component arrays; the method table has 11 results components
/// (checked by a test in `method`).
pub const MAX_COMPONENTS: usize = 16;

fn component_ids() -> impl Iterator<Item = &'static str> {
    super::method::method()
        .results
        .iter()
        .map(|c| c.id.as_str())
}

fn component_index(id: &str) -> Option<usize> {
    component_ids().position(|c| c == id)
}

/// Normalised values of the results components of a school in a year (0 = worst, 1 = best),
/// by position in the method table (NaN = the school has none). Stored inline: a region's
/// result holds one per school and year. Serialised as a JSON object `{component id: value}`
/// of the components the school has.
#[derive(Debug, Clone, Copy)]
pub struct ComponentValues([f64; MAX_COMPONENTS]);

impl Default for ComponentValues {
    fn default() -> Self {
        ComponentValues([f64::NAN; MAX_COMPONENTS])
    }
}

impl ComponentValues {
    /// From values in method order (NaN = absent).
    pub fn from_slice(values: &[f64]) -> Self {
        let mut out = Self::default();
        out.0[..values.len()].copy_from_slice(values);
        out
    }
    pub fn get(&self, id: &str) -> Option<f64> {
        component_index(id)
            .map(|i| self.0[i])
            .filter(|v| !v.is_nan())
    }
    pub fn contains_key(&self, id: &str) -> bool {
        self.get(id).is_some()
    }
    /// (component id, value) of the components present, in method order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, f64)> + '_ {
        component_ids()
            .zip(self.0.iter().copied())
            .filter(|(_, v)| !v.is_nan())
    }
    pub fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.iter().map(|(_, v)| v)
    }
    pub fn len(&self) -> usize {
        self.iter().count()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl PartialEq for ComponentValues {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Serialize for ComponentValues {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (k, v) in self.iter() {
            map.serialize_entry(k, &v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for ComponentValues {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<String, f64>::deserialize(deserializer)?;
        let mut out = Self::default();
        for (k, v) in map {
            let i = component_index(&k)
                .ok_or_else(|| serde::de::Error::custom(format!("неизвестный показатель «{k}»")))?;
            out.0[i] = v;
        }
        Ok(out)
    }
}

/// A short list of results components (by position in the method table), stored inline;
/// serialised as an array of component ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ComponentList {
    len: u8,
    items: [u8; MAX_COMPONENTS],
}

impl ComponentList {
    pub fn push(&mut self, index: usize) {
        if (self.len as usize) < MAX_COMPONENTS {
            self.items[self.len as usize] = index as u8;
            self.len += 1;
        }
    }
    /// The component ids, in list order.
    pub fn ids(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.items[..self.len as usize]
            .iter()
            .map(|&i| component_ids().nth(i as usize).unwrap_or("?"))
    }
    pub fn len(&self) -> usize {
        self.len as usize
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl PartialEq<Vec<&str>> for ComponentList {
    fn eq(&self, other: &Vec<&str>) -> bool {
        self.ids().eq(other.iter().copied())
    }
}

impl Serialize for ComponentList {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.ids())
    }
}

impl<'de> Deserialize<'de> for ComponentList {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let ids = Vec::<String>::deserialize(deserializer)?;
        let mut out = Self::default();
        for k in ids {
            out.push(component_index(&k).ok_or_else(|| {
                serde::de::Error::custom(format!("неизвестный показатель «{k}»"))
            })?);
        }
        Ok(out)
    }
}

/// A school's years, oldest first; serialised as a JSON object keyed by year.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct YearMap(pub Vec<(i32, YearResult)>);

impl YearMap {
    pub fn get(&self, year: &i32) -> Option<&YearResult> {
        self.0.iter().find(|(y, _)| y == year).map(|(_, r)| r)
    }
    pub fn contains_key(&self, year: &i32) -> bool {
        self.get(year).is_some()
    }
    pub fn iter(&self) -> impl Iterator<Item = (i32, &YearResult)> {
        self.0.iter().map(|(y, r)| (*y, r))
    }
    pub fn values(&self) -> impl Iterator<Item = &YearResult> {
        self.0.iter().map(|(_, r)| r)
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::ops::Index<&i32> for YearMap {
    type Output = YearResult;
    fn index(&self, year: &i32) -> &YearResult {
        self.get(year)
            .unwrap_or_else(|| panic!("no result for {year}"))
    }
}

impl Serialize for YearMap {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (y, r) in &self.0 {
            map.serialize_entry(y, r)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for YearMap {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(YearMap(
            BTreeMap::<i32, YearResult>::deserialize(deserializer)?
                .into_iter()
                .collect(),
        ))
    }
}

/// Category over the window by educational results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultsCategory {
    /// ШНРО: in the bottom band in every year of the window.
    Low,
    /// «Группа риска»: in the bottom band in the last years, but not ШНРО.
    Risk,
    /// Стабильно высокие: in the top band in every year.
    High,
    Middle,
    /// A year without an index and no rule met.
    Insufficient,
}

impl ResultsCategory {
    pub const ALL: [ResultsCategory; 5] = [
        Self::Low,
        Self::Risk,
        Self::High,
        Self::Middle,
        Self::Insufficient,
    ];
    pub fn id(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Risk => "risk",
            Self::High => "high",
            Self::Middle => "middle",
            Self::Insufficient => "insufficient",
        }
    }
    /// The seed's names.
    pub fn label(self) -> &'static str {
        match self {
            Self::Low => "ШНРО (школа с низкими результатами обучения)",
            Self::Risk => "школа «группы риска»",
            Self::High => "школа со стабильно высокими образовательными результатами",
            Self::Middle => "средние результаты",
            Self::Insufficient => "недостаточно данных",
        }
    }
    pub fn short(self) -> &'static str {
        match self {
            Self::Low => "ШНРО",
            Self::Risk => "группа риска",
            Self::High => "стабильно высокие",
            Self::Middle => "средние",
            Self::Insufficient => "недостаточно данных",
        }
    }
}

/// Category over the window by social conditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SocialCategory {
    /// ШНСУ.
    Unfavourable,
    Neutral,
    Favourable,
    Insufficient,
}

impl SocialCategory {
    pub const ALL: [SocialCategory; 4] = [
        Self::Unfavourable,
        Self::Neutral,
        Self::Favourable,
        Self::Insufficient,
    ];
    pub fn id(self) -> &'static str {
        match self {
            Self::Unfavourable => "unfavourable",
            Self::Neutral => "neutral",
            Self::Favourable => "favourable",
            Self::Insufficient => "insufficient",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Unfavourable => {
                "ШНСУ (школа, функционирующая в неблагоприятных социальных условиях)"
            }
            Self::Neutral => "нейтральные социальные условия",
            Self::Favourable => "благоприятные социальные условия",
            Self::Insufficient => "недостаточно данных",
        }
    }
    pub fn short(self) -> &'static str {
        match self {
            Self::Unfavourable => "ШНСУ",
            Self::Neutral => "нейтральные",
            Self::Favourable => "благоприятные",
            Self::Insufficient => "недостаточно данных",
        }
    }
}

/// A year's band by results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultsBand {
    Low,
    Middle,
    High,
}

impl ResultsBand {
    pub fn id(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Middle => "middle",
            Self::High => "high",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Low => "низкие",
            Self::Middle => "средние",
            Self::High => "высокие",
        }
    }
}

/// A year's band by social conditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SocialBand {
    Unfavourable,
    Neutral,
    Favourable,
}

impl SocialBand {
    pub fn id(self) -> &'static str {
        match self {
            Self::Unfavourable => "unfavourable",
            Self::Neutral => "neutral",
            Self::Favourable => "favourable",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Unfavourable => "неблагоприятные",
            Self::Neutral => "нейтральные",
            Self::Favourable => "благоприятные",
        }
    }
}

/// One school in one year of the window.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct YearResult {
    pub results_index: Option<f64>,
    pub results_band: Option<ResultsBand>,
    pub social_index: Option<f64>,
    pub social_band: Option<SocialBand>,
    /// Results components that pulled the index down most, weakest first.
    pub weakest: ComponentList,
    /// Normalised value of each results component the school has (0 = worst, 1 = best).
    pub components: ComponentValues,
    /// Contextualised results (beyond the seed, see [`super::context`]): the results index
    /// expected from the social index by the pool-year's fitted line; `None` without a fit
    /// or without both indices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<f64>,
    /// Results index minus `expected`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residual: Option<f64>,
    /// The residual's place among the pool-year's residuals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_category: Option<ContextCategory>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolResult {
    pub school_id: String,
    pub school_name: String,
    pub municipality: String,
    pub school_type: SchoolType,
    /// Pool id; `null` for an excluded school.
    pub pool: Option<std::sync::Arc<str>>,
    /// Why the school is left out, or `null`.
    pub excluded: Option<String>,
    /// `null` for an excluded school.
    pub results_category: Option<ResultsCategory>,
    pub social_category: Option<SocialCategory>,
    /// Keyed by year (a JSON object with the years as keys).
    pub years: YearMap,
    /// Suggested partner schools (ids), for ШНРО and «группа риска».
    pub partners: Vec<String>,
    /// High results in unfavourable social conditions.
    pub resilient: bool,
    /// Above expectation in every year of the window and ШНСУ (contextualised results,
    /// beyond the seed; see [`super::context`]).
    #[serde(default)]
    pub context_resilient: bool,
}

/// A count and its share of the assessed schools.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct Tally {
    pub count: usize,
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Counts {
    /// All schools in the data.
    pub schools: usize,
    pub excluded: usize,
    /// Schools taking part (not excluded); the shares are of this number.
    pub assessed: usize,
    pub results: BTreeMap<ResultsCategory, Tally>,
    pub social: BTreeMap<SocialCategory, Tally>,
    pub resilient: Tally,
    /// ШНРО that are also ШНСУ.
    pub low_and_unfavourable: Tally,
    /// Above expectation in every year and ШНСУ (contextualised results).
    #[serde(default)]
    pub context_resilient: Tally,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Summary {
    pub overall: Counts,
    pub municipalities: BTreeMap<String, Counts>,
}

/// What happened in one pool and year: sizes, cuts and dropped indicators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoolYear {
    pub pool: String,
    pub year: i32,
    /// Schools of the pool with a row that year.
    pub schools: usize,
    /// Schools with a results index, and the size of each 25 % band.
    pub results_ranked: usize,
    pub results_band_size: usize,
    pub social_ranked: usize,
    pub social_band_size: usize,
    /// Columns dropped because their maximum equals their minimum in this pool-year.
    pub dropped: Vec<String>,
}

/// Where a school's results index lies against the one expected from its social index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContextCategory {
    /// In the top `context_share` of the pool-year's residuals.
    Above,
    Within,
    /// In the bottom `context_share` of the pool-year's residuals.
    Below,
}

impl ContextCategory {
    pub const ALL: [ContextCategory; 3] = [Self::Above, Self::Within, Self::Below];
    pub fn id(self) -> &'static str {
        match self {
            Self::Above => "above",
            Self::Within => "within",
            Self::Below => "below",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Above => "выше ожидаемого",
            Self::Within => "в пределах ожидаемого",
            Self::Below => "ниже ожидаемого",
        }
    }
}

/// The line of one pool-year: results index = intercept + slope × social index, by ordinary
/// least squares over the schools with both indices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContextFit {
    pub pool: String,
    pub year: i32,
    /// Schools of the pool-year with both indices.
    pub n: usize,
    /// `None`: no line (see `note`).
    pub slope: Option<f64>,
    pub intercept: Option<f64>,
    /// 1 − SSres/SStot; `None` without a line or when every results index is the same.
    pub r2: Option<f64>,
    /// Why there is no line or no R², in Russian.
    pub note: Option<String>,
}

/// Contextualised results of a run (beyond the seed): one fitted line per pool-year. The
/// per-school values are in [`YearResult`] and [`SchoolResult::context_resilient`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Context {
    pub fits: Vec<ContextFit>,
}

impl Context {
    pub fn fit(&self, pool: &str, year: i32) -> Option<&ContextFit> {
        self.fits.iter().find(|f| f.pool == pool && f.year == year)
    }
}

/// A regional mean used for a gap flag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionalMean {
    pub value: f64,
    /// `official` (from the parameters) or `computed` (participant-weighted mean of school means).
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Identification {
    pub params: Params,
    /// The window, oldest first.
    pub years: Vec<i32>,
    pub schools: Vec<SchoolResult>,
    pub summary: Summary,
    pub pools: Vec<PoolYear>,
    /// Regional means used, by year and column.
    pub regional_means: BTreeMap<String, BTreeMap<String, RegionalMean>>,
    /// Remarks about the data (for example, fewer years than the window).
    pub notes: Vec<String>,
    /// Contextualised results: the fitted line of each pool-year (beyond the seed). Empty in
    /// results made before this reading; [`super::context::ensure_context`] computes it.
    #[serde(default)]
    pub context: Context,
}

impl Identification {
    pub fn school(&self, id: &str) -> Option<&SchoolResult> {
        self.schools.iter().find(|s| s.school_id == id)
    }
}

impl SchoolResult {
    /// What the three-year rules were missing for this school: each year of the run's window
    /// without a results index — no row that year, or a row without any results indicator —
    /// as «нет данных за 2024 год; за 2025 год нет ни одного показателя результатов». Empty
    /// when every year has its index (or the school is excluded).
    pub fn missing(&self, years: &[i32]) -> String {
        if self.excluded.is_some() {
            return String::new();
        }
        let no_row: Vec<i32> = years
            .iter()
            .copied()
            .filter(|y| !self.years.contains_key(y))
            .collect();
        let no_index: Vec<i32> = years
            .iter()
            .copied()
            .filter(|y| self.years.get(y).is_some_and(|r| r.results_index.is_none()))
            .collect();
        let list = |ys: &[i32]| {
            let names: Vec<String> = ys.iter().map(i32::to_string).collect();
            match names.as_slice() {
                [one] => format!("{one} год"),
                [init @ .., last] => format!("{} и {last} годы", init.join(", ")),
                [] => String::new(),
            }
        };
        let mut parts = Vec::new();
        if !no_row.is_empty() {
            parts.push(format!("нет данных за {}", list(&no_row)));
        }
        if !no_index.is_empty() {
            parts.push(format!(
                "за {} нет ни одного показателя результатов",
                list(&no_index)
            ));
        }
        parts.join("; ")
    }
}

#[cfg(test)]
mod missing_tests {
    use super::*;

    #[test]
    fn an_insufficient_school_says_which_years_are_missing_and_why() {
        let year = |index: Option<f64>| YearResult {
            results_index: index,
            ..YearResult::default()
        };
        let mut s = SchoolResult {
            school_id: "s".into(),
            school_name: "Школа".into(),
            municipality: "Город".into(),
            school_type: SchoolType::Secondary,
            pool: Some("secondary".into()),
            excluded: None,
            results_category: Some(ResultsCategory::Insufficient),
            social_category: None,
            years: YearMap(vec![(2024, year(None)), (2025, year(Some(0.4)))]),
            partners: Vec::new(),
            resilient: false,
            context_resilient: false,
        };
        assert_eq!(
            s.missing(&[2023, 2024, 2025]),
            "нет данных за 2023 год; за 2024 год нет ни одного показателя результатов"
        );
        assert_eq!(
            s.missing(&[2021, 2022, 2023, 2025]),
            "нет данных за 2021, 2022 и 2023 годы"
        );
        assert_eq!(s.missing(&[2025]), "");
        s.excluded = Some("тип исключён".into());
        assert_eq!(s.missing(&[2023]), "");
    }
}
