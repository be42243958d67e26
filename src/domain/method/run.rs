//! A stored identification run: what was computed, on which rows, with which parameters —
//! kept compactly, because a region's run is stored for every year and a national one holds
//! 45,000 schools.
//!
//! Stored as one JSON object:
//!
//! ```json
//! {"id": "run-…", "created_at": "…", "label": "…", "scope": "all" | "real" | "demo",
//!  "input_digest": "rows-v2-…", "reference": [ReferencePool…],
//!  "params": {…}, "years": [2023, 2024, 2025], "pools": [PoolYear…],
//!  "regional_means": {…}, "notes": […],
//!  "schools": [[id, name, municipality, type, pool, excluded, results category,
//!               social category, resilient, [partner ids],
//!               [[year, results index, results band, social index, social band,
//!                 [weakest component ids]], …]], …]}
//! ```
//!
//! Left out, because they follow from the rest: the summary (recomputed by
//! [`crate::domain::method::identify::summary::summarise`] when the run is read), the contextualised
//! results (recomputed from the indices, social categories and parameters by
//! [`crate::domain::method::identify::context::apply_context`], so runs stored before that reading have
//! them too) and the normalised value of every component (kept only as the list of the
//! weakest ones). A run stored by the
//! first release (a full result under `result`, and `input_sha256`) is read too; its digest is
//! unknown, so it shows as out of date, and it has no reference values.

use crate::domain::common::time::Timestamp;
use crate::domain::contract::row::SchoolType;
use crate::domain::method::identify::chance::run_seed;
use crate::domain::method::identify::context::{apply_context, ensure_context};
use crate::domain::method::identify::{
    ComponentList, ComponentValues, Context, Identification, Params, PoolYear, RegionalMean,
    ResultsBand, ResultsCategory, SchoolResult, SocialBand, SocialCategory, Summary, YearMap,
    YearResult,
};
use crate::domain::method::reference::ReferencePool;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Which stored rows a run used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunScope {
    /// Every stored row.
    #[default]
    All,
    /// Rows that are not demonstration data.
    Real,
    /// The demonstration region only.
    Demo,
}

impl RunScope {
    pub const ALL: [RunScope; 3] = [RunScope::All, RunScope::Real, RunScope::Demo];

    pub fn id(self) -> &'static str {
        match self {
            RunScope::All => "all",
            RunScope::Real => "real",
            RunScope::Demo => "demo",
        }
    }

    pub fn parse(id: &str) -> Option<RunScope> {
        RunScope::ALL.into_iter().find(|s| s.id() == id)
    }

    pub fn label(self) -> &'static str {
        match self {
            RunScope::All => "все данные",
            RunScope::Real => "без демонстрационных данных",
            RunScope::Demo => "только демонстрационный регион",
        }
    }

    /// Whether a record is in the scope, given whether it is demonstration data.
    pub fn includes(self, demo: bool) -> bool {
        match self {
            RunScope::All => true,
            RunScope::Real => !demo,
            RunScope::Demo => demo,
        }
    }
}

/// An identification run. Key: `id`.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    pub id: String,
    pub created_at: Timestamp,
    pub label: String,
    pub scope: RunScope,
    /// [`crate::domain::contract::digest::RowsDigest`] of the rows the run used (empty if unknown).
    pub input_digest: String,
    /// The seed of the run's chance estimate ([`crate::domain::method::identify::chance`]),
    /// made when the run is ([`run_seed`] of its id) and stored with it; a run stored before
    /// the field existed gets the same from its id.
    pub chance_seed: u64,
    /// The reference values of the run, taken from its own rows when it was made.
    pub reference: Vec<ReferencePool>,
    /// The result. Component values are not stored: after reading, each year's `components`
    /// is empty.
    pub result: Identification,
}

#[derive(Serialize, Deserialize)]
struct StoredYear(
    i32,
    Option<f64>,
    Option<ResultsBand>,
    Option<f64>,
    Option<SocialBand>,
    ComponentList,
);

#[derive(Serialize, Deserialize)]
struct StoredSchool(
    String,
    String,
    String,
    SchoolType,
    Option<Arc<str>>,
    Option<String>,
    Option<ResultsCategory>,
    Option<SocialCategory>,
    bool,
    Vec<String>,
    Vec<StoredYear>,
);

#[derive(Serialize)]
struct Stored {
    id: String,
    created_at: Timestamp,
    label: String,
    scope: RunScope,
    input_digest: String,
    chance_seed: u64,
    reference: Vec<ReferencePool>,
    params: Params,
    years: Vec<i32>,
    pools: Vec<PoolYear>,
    regional_means: BTreeMap<String, BTreeMap<String, RegionalMean>>,
    notes: Vec<String>,
    schools: Vec<StoredSchool>,
}

fn stored_school(s: &SchoolResult) -> StoredSchool {
    StoredSchool(
        s.school_id.clone(),
        s.school_name.clone(),
        s.municipality.clone(),
        s.school_type,
        s.pool.clone(),
        s.excluded.clone(),
        s.results_category,
        s.social_category,
        s.resilient,
        s.partners.clone(),
        s.years
            .iter()
            .map(|(y, r)| {
                StoredYear(
                    y,
                    r.results_index,
                    r.results_band,
                    r.social_index,
                    r.social_band,
                    r.weakest,
                )
            })
            .collect(),
    )
}

fn school_result(s: StoredSchool) -> SchoolResult {
    let StoredSchool(
        id,
        name,
        municipality,
        school_type,
        pool,
        excluded,
        rc,
        sc,
        resilient,
        partners,
        years,
    ) = s;
    SchoolResult {
        school_id: id,
        school_name: name,
        municipality,
        school_type,
        pool,
        excluded,
        results_category: rc,
        social_category: sc,
        years: YearMap(
            years
                .into_iter()
                .map(|StoredYear(y, ri, rb, si, sb, weakest)| {
                    (
                        y,
                        YearResult {
                            results_index: ri,
                            results_band: rb,
                            social_index: si,
                            social_band: sb,
                            weakest,
                            components: ComponentValues::default(),
                            expected: None,
                            residual: None,
                            context_category: None,
                        },
                    )
                })
                .collect(),
        ),
        partners,
        resilient,
        context_resilient: false,
    }
}

impl Serialize for RunRecord {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let r = &self.result;
        Stored {
            id: self.id.clone(),
            created_at: self.created_at.clone(),
            label: self.label.clone(),
            scope: self.scope,
            input_digest: self.input_digest.clone(),
            chance_seed: self.chance_seed,
            reference: self.reference.clone(),
            params: r.params.clone(),
            years: r.years.clone(),
            pools: r.pools.clone(),
            regional_means: r.regional_means.clone(),
            notes: r.notes.clone(),
            schools: r.schools.iter().map(stored_school).collect(),
        }
        .serialize(serializer)
    }
}

/// Either layout, read in one pass (a national run is tens of megabytes: reading it into a
/// `serde_json::Value` first took about twice as long). The fields of both layouts are
/// optional here; which layout it is follows from `schools` and `result`, and a field the
/// layout needs but the text lacks is reported as serde reports a missing field.
#[derive(Deserialize)]
struct EitherLayout {
    id: String,
    created_at: Timestamp,
    label: String,
    scope: Option<RunScope>,
    input_digest: Option<String>,
    chance_seed: Option<u64>,
    reference: Option<Vec<ReferencePool>>,
    params: Option<Params>,
    years: Option<Vec<i32>>,
    pools: Option<Vec<PoolYear>>,
    regional_means: Option<BTreeMap<String, BTreeMap<String, RegionalMean>>>,
    notes: Option<Vec<String>>,
    schools: Option<Vec<StoredSchool>>,
    /// The first release's layout: the whole result, and the rows' hash.
    result: Option<Identification>,
    input_sha256: Option<String>,
}

impl<'de> Deserialize<'de> for RunRecord {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let s = EitherLayout::deserialize(deserializer)?;
        let need = |field: &'static str| D::Error::missing_field(field);
        if s.schools.is_none() {
            if let Some(result) = s.result {
                if s.input_sha256.is_none() {
                    return Err(need("input_sha256"));
                }
                let mut result = without_components(result);
                ensure_context(&mut result);
                return Ok(RunRecord {
                    chance_seed: run_seed(&s.id),
                    id: s.id,
                    created_at: s.created_at,
                    label: s.label,
                    scope: RunScope::All,
                    input_digest: String::new(),
                    reference: Vec::new(),
                    result,
                });
            }
        }
        let schools: Vec<SchoolResult> = s
            .schools
            .ok_or_else(|| need("schools"))?
            .into_iter()
            .map(school_result)
            .collect();
        let mut result = Identification {
            params: s.params.ok_or_else(|| need("params"))?,
            years: s.years.ok_or_else(|| need("years"))?,
            schools,
            summary: Summary::default(),
            pools: s.pools.ok_or_else(|| need("pools"))?,
            regional_means: s.regional_means.ok_or_else(|| need("regional_means"))?,
            notes: s.notes.ok_or_else(|| need("notes"))?,
            context: Context::default(),
        };
        // The contextualised results and the summary follow from the rest.
        apply_context(&mut result);
        Ok(RunRecord {
            chance_seed: s.chance_seed.unwrap_or_else(|| run_seed(&s.id)),
            id: s.id,
            created_at: s.created_at,
            label: s.label,
            scope: s.scope.ok_or_else(|| need("scope"))?,
            input_digest: s.input_digest.ok_or_else(|| need("input_digest"))?,
            reference: s.reference.ok_or_else(|| need("reference"))?,
            result,
        })
    }
}

/// The result as a stored run keeps it: without the component values.
pub fn without_components(mut result: Identification) -> Identification {
    for s in &mut result.schools {
        for (_, y) in &mut s.years.0 {
            y.components = ComponentValues::default();
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::common::time::ts;
    use crate::domain::demo::{region, DemoSpec};
    use crate::domain::method::identify::identify;
    use crate::domain::method::reference::reference_pools;

    fn run() -> RunRecord {
        let rows = region(&DemoSpec {
            schools: 60,
            municipalities: 4,
            ..DemoSpec::default()
        });
        let result = identify(&rows, &Params::default()).unwrap();
        RunRecord {
            id: "run-1".into(),
            created_at: ts("2025-11-22T10:00:00Z"),
            label: "пробный".into(),
            scope: RunScope::Real,
            input_digest: crate::domain::contract::digest::RowsDigest::of(&rows).hex(),
            chance_seed: 1,
            reference: reference_pools(&result, &rows),
            result,
        }
    }

    #[test]
    fn a_run_reads_back_without_component_values() {
        let r = run();
        let text = serde_json::to_string(&r).unwrap();
        let back: RunRecord = serde_json::from_str(&text).unwrap();
        let expected = RunRecord {
            result: without_components(r.result.clone()),
            ..r.clone()
        };
        assert_eq!(back, expected);
        assert_eq!(
            back.result.summary, r.result.summary,
            "the summary is recomputed"
        );
        // Compact: well under the full result's size (the reference values aside: their size
        // is fixed per pool-year — ranges, means, deciles — and does not grow with the schools).
        let full = serde_json::to_string(&r.result).unwrap();
        let compact = serde_json::to_string(&RunRecord {
            reference: Vec::new(),
            ..r.clone()
        })
        .unwrap();
        assert!(
            compact.len() * 2 < full.len(),
            "{} vs {}",
            compact.len(),
            full.len()
        );
    }

    #[test]
    fn a_run_keeps_its_seed_and_one_stored_before_the_seed_gets_it_from_its_id() {
        let mut r = run();
        r.chance_seed = 424_242;
        let mut v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["chance_seed"], 424_242);
        let back: RunRecord = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(back.chance_seed, 424_242);
        v.as_object_mut().unwrap().remove("chance_seed");
        let older: RunRecord = serde_json::from_value(v).unwrap();
        assert_eq!(older.chance_seed, run_seed("run-1"));
        assert!(older.chance_seed < 1_000_000_000);
    }

    #[test]
    fn a_run_of_the_first_release_is_read() {
        let r = run();
        let legacy = serde_json::json!({
            "id": r.id, "created_at": "2025-11-22T10:00:00Z", "label": r.label,
            "params": r.result.params, "input_sha256": "ab", "result": r.result,
        });
        let back: RunRecord = serde_json::from_value(legacy).unwrap();
        assert_eq!(back.scope, RunScope::All);
        assert_eq!(back.input_digest, "");
        // A run stored before the seed was: its seed is made from its id.
        assert_eq!(back.chance_seed, run_seed(&r.id));
        assert!(back.reference.is_empty());
        assert_eq!(back.result, without_components(r.result));
    }

    #[test]
    fn scopes_select_demonstration_data_or_not() {
        assert!(RunScope::All.includes(true) && RunScope::All.includes(false));
        assert!(!RunScope::Real.includes(true) && RunScope::Real.includes(false));
        assert!(RunScope::Demo.includes(true) && !RunScope::Demo.includes(false));
        for s in RunScope::ALL {
            assert_eq!(RunScope::parse(s.id()), Some(s));
        }
    }
}
