//! A school's social profile against its group («социальный паспорт школы», seed 003 §3.5):
//! for each social characteristic of the row contract, the school's value beside the range and
//! the median of its pool in the reference, and the share of the pool that certainly has a
//! lower value (a lower share of pupils in difficult circumstances is more favourable).

use crate::domain::contract::row::Row;
use crate::domain::contract::schema::schema;
use crate::domain::method::reference::ReferencePayload;
use crate::domain::method::stats::{share_above, share_below};
use serde::{Deserialize, Serialize};

/// One social characteristic of the school.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileLine {
    pub column: String,
    pub label: String,
    pub value: Option<f64>,
    /// (min, max) of the pool-year.
    pub range: Option<(f64, f64)>,
    /// The pool-year's median (the fifth decile), when the reference has deciles.
    pub median: Option<f64>,
    /// Per cent of the pool (a whole ten, rounded down) certainly below the school's value.
    pub share_lower: Option<u32>,
    /// Per cent of the pool certainly above the school's value.
    pub share_higher: Option<u32>,
}

impl ProfileLine {
    /// In plain Russian: where the school stands on this line.
    pub fn sentence(&self) -> String {
        match (self.value, self.share_lower, self.share_higher) {
            (None, _, _) => "нет значения".to_string(),
            (Some(_), Some(l), _) if l >= 50 => {
                format!("выше, чем у {l} % школ группы")
            }
            (Some(_), _, Some(h)) if h >= 50 => {
                format!("ниже, чем у {h} % школ группы")
            }
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => "около середины группы".to_string(),
            (Some(_), None, None) => "деления группы неизвестны".to_string(),
        }
    }
}

/// The school's social profile in one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SocialProfile {
    pub year: i32,
    pub pool: String,
    /// Schools of the pool that year.
    pub schools: usize,
    pub lines: Vec<ProfileLine>,
}

/// The profile for the latest of the school's rows that has a pool-year in the reference;
/// `None` when there is none (an excluded type, or years outside the reference).
pub fn social_profile(reference: &ReferencePayload, rows: &[Row]) -> Option<SocialProfile> {
    let s = schema();
    let mut rows: Vec<&Row> = rows.iter().collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.year));
    rows.into_iter().find_map(|row| {
        let pool_index = reference.params.pool_of(row.school_type)?;
        let pool_id = &reference.params.pools.get(pool_index)?.id;
        let pool = reference
            .pools
            .iter()
            .find(|p| &p.pool == pool_id && p.year == row.year)?;
        let lines = s
            .data_columns()
            .filter(|c| c.group == "social" && c.id != "students_total")
            .map(|c| {
                let value = row.values.get_by_id(&c.id);
                let q = pool.quantiles.get(&c.id);
                ProfileLine {
                    column: c.id.clone(),
                    label: c.label.clone(),
                    value,
                    range: pool.columns.get(&c.id).copied(),
                    median: q.and_then(|q| q.get(5).copied()),
                    share_lower: q.zip(value).and_then(|(q, v)| share_below(q, v)),
                    share_higher: q.zip(value).and_then(|(q, v)| share_above(q, v)),
                }
            })
            .collect();
        Some(SocialProfile {
            year: row.year,
            pool: pool_id.clone(),
            schools: pool.schools,
            lines,
        })
    })
}
