//! What the identification produces (the `--out result.json` contract).

use super::params::Params;
use crate::domain::row::SchoolType;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
    pub const ALL: [ResultsCategory; 5] = [Self::Low, Self::Risk, Self::High, Self::Middle, Self::Insufficient];
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
    pub const ALL: [SocialCategory; 4] = [Self::Unfavourable, Self::Neutral, Self::Favourable, Self::Insufficient];
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
            Self::Unfavourable => "ШНСУ (школа, функционирующая в неблагоприятных социальных условиях)",
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearResult {
    pub results_index: Option<f64>,
    pub results_band: Option<ResultsBand>,
    pub social_index: Option<f64>,
    pub social_band: Option<SocialBand>,
    /// Results components that pulled the index down most, weakest first.
    pub weakest: Vec<String>,
    /// Normalised value of each results component the school has (0 = worst, 1 = best).
    pub components: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolResult {
    pub school_id: String,
    pub school_name: String,
    pub municipality: String,
    pub school_type: SchoolType,
    /// Pool id; `null` for an excluded school.
    pub pool: Option<String>,
    /// Why the school is left out, or `null`.
    pub excluded: Option<String>,
    /// `null` for an excluded school.
    pub results_category: Option<ResultsCategory>,
    pub social_category: Option<SocialCategory>,
    /// Keyed by year.
    pub years: BTreeMap<String, YearResult>,
    /// Suggested partner schools (ids), for ШНРО and «группа риска».
    pub partners: Vec<String>,
    /// High results in unfavourable social conditions.
    pub resilient: bool,
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
}

impl Identification {
    pub fn school(&self, id: &str) -> Option<&SchoolResult> {
        self.schools.iter().find(|s| s.school_id == id)
    }
}
