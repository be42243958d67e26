//! The choice of a pool and a year (charts, context), and a pool's name as the user reads it.

use crate::domain::method::identify::Identification;
use leptos::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// The pools of a run's pool-years, in the result's order, and every pool's label by id.
pub(super) fn pool_choice(r: &Identification) -> (Vec<String>, BTreeMap<String, String>) {
    let mut pools: Vec<String> = r.pools.iter().map(|p| p.pool.clone()).collect();
    pools.dedup();
    let labels = r
        .params
        .pools
        .iter()
        .map(|p| (p.id.clone(), p.label.clone()))
        .collect();
    (pools, labels)
}

/// The choice of a pool and a year for a run's charts; `prefix` makes the fields' ids.
#[component]
pub(super) fn PoolYearControls(
    prefix: &'static str,
    pools: Vec<String>,
    labels: BTreeMap<String, String>,
    years: Vec<i32>,
    pool: RwSignal<String>,
    year: RwSignal<i32>,
) -> impl IntoView {
    let (pool_id, year_id) = (format!("{prefix}-pool"), format!("{prefix}-year"));
    view! {
        <div class="chart-controls">
            <div class="field">
                <label for=pool_id.clone()>"Группа школ"</label>
                <select id=pool_id on:change=move |ev| pool.set(event_target_value(&ev))>
                    {pools.into_iter().map(|p| {
                        let label = labels.get(&p).cloned().unwrap_or_else(|| p.clone());
                        view! { <option value=p>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for=year_id.clone()>"Год"</label>
                <select id=year_id on:change=move |ev| year.set(event_target_value(&ev).parse().unwrap_or_default()) prop:value=move || year.get().to_string()>
                    {years.into_iter().rev().map(|y| view! { <option value=y.to_string()>{y}</option> }).collect_view()}
                </select>
            </div>
        </div>
    }
}

/// A pool by its label; a label that is only the pool's id (a run whose parameters came
/// from a file without labels) by the seed's name of the school type.
pub(super) fn pool_name(labels: &HashMap<String, String>, id: &str) -> String {
    labels
        .get(id)
        .filter(|l| l.as_str() != id)
        .cloned()
        .or_else(|| {
            crate::domain::contract::row::SchoolType::ALL
                .into_iter()
                .find(|t| t.id() == id)
                .map(|t| crate::domain::method::identify::Pool::of_type(t).label)
        })
        .unwrap_or_else(|| id.to_string())
}
