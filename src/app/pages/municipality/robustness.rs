//! How robust a run's lists are: the run's rows identified again under each alternative
//! reading the README lists (the ШНСУ rule, basic and evening schools joined or separate, the
//! band share, weighted or plain regional means, official or computed means); for each, how
//! many schools enter and leave ШНРО, «группа риска» and ШНСУ; and the ШНРО that stay under
//! every alternative («устойчивые ШНРО»).

use crate::app::actions;
use crate::app::files::TableFiles;
use crate::app::state::app_state;
use crate::domain::common::format::count;
use crate::domain::method::identify::robustness::{
    robust_low_table, robustness_table, List, Robustness,
};
use crate::domain::method::identify::Identification;
use leptos::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

#[component]
pub fn RobustnessSection(run_id: String, r: Arc<Identification>) -> impl IntoView {
    let state = app_state();
    let found = RwSignal::new(None::<(Robustness, bool)>);
    let names: Arc<HashMap<String, String>> = Arc::new(
        r.schools
            .iter()
            .map(|s| {
                (
                    s.school_id.clone(),
                    format!("{} ({})", s.school_name, s.municipality),
                )
            })
            .collect(),
    );
    let run = StoredValue::new(run_id);
    let result = StoredValue::new(r);
    let compute = move |_| {
        let id = run.get_value();
        leptos::task::spawn_local(async move {
            if let Some(v) = actions::robustness(state, id).await {
                found.set(Some(v));
            }
        });
    };
    view! {
        <section class="robustness" aria-labelledby="robust-h">
            <h3 id="robust-h">"Устойчивость списков"</h3>
            <p>"Списки зависят от прочтений методики там, где её текст допускает разные. Здесь строки этого расчёта идентифицируются заново при каждом другом прочтении: правило ШНСУ («2 из 3» или «2 последних года или все 3»), основные и вечерние школы вместе или раздельно, доля группы 20, 25 или 30 %, региональные средние со взвешиванием по числу участников или без него, официальные или вычисленные средние. Таблица показывает, сколько школ входит в списки и выходит из них; «устойчивые ШНРО» остаются в списке при всех прочтениях."</p>
            <p class="actions">
                <button type="button" id="robust-run" on:click=compute>"Проверить устойчивость списков"</button>
            </p>
            {move || found.get().map(|(rb, stale)| view! { <RobustnessView rb=rb stale=stale names=names.clone() r=result.get_value()/> })}
        </section>
    }
}

#[component]
fn RobustnessView(
    rb: Robustness,
    stale: bool,
    names: Arc<HashMap<String, String>>,
    /// The run: its small pool-years are said next to the count of устойчивые ШНРО.
    r: Arc<Identification>,
) -> impl IntoView {
    let name = {
        let names = names.clone();
        move |id: &String| names.get(id).cloned().unwrap_or_else(|| id.clone())
    };
    let who = move |title: String, ids: &[String]| {
        (!ids.is_empty()).then(|| {
            let items: Vec<String> = ids.iter().map(&name).collect();
            view! {
                <details class="who" data-print-open="">
                    <summary>{title}</summary>
                    <ul>{items.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                </details>
            }
        })
    };
    let base = rb.base_counts;
    let rows = rb
        .alternatives
        .iter()
        .map(|a| {
            let cells = List::ALL
                .iter()
                .map(|&l| match a.change(l) {
                    Some(c) => view! {
                        <td class="num">
                            {c.alternative}
                            <span class="hint">{format!(" (+{} / −{})", c.entered.len(), c.left.len())}</span>
                            {who(format!("вошли: {}", crate::domain::common::format::thousands(c.entered.len())), &c.entered)}
                            {who(format!("вышли: {}", crate::domain::common::format::thousands(c.left.len())), &c.left)}
                        </td>
                    }
                    .into_any(),
                    None => view! { <td class="hint">"—"</td> }.into_any(),
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">
                        {a.label.clone()}
                        {a.not_applicable.clone().map(|w| view! { <span class="hint">{format!(" — не применимо: {w}")}</span> })}
                    </th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    let robust: Vec<_> = rb
        .low_stays
        .iter()
        .filter(|s| s.stays_in == rb.alternatives_run)
        .cloned()
        .collect();
    let shaky: Vec<_> = rb
        .low_stays
        .iter()
        .filter(|s| s.stays_in < rb.alternatives_run)
        .cloned()
        .collect();
    let run_n = rb.alternatives_run;
    let for_table = Arc::new(rb.clone());
    let for_low = for_table.clone();
    view! {
        {stale.then(|| view! { <p class="alert warning">"Данные изменились после этого расчёта: списки сравниваются по строкам, хранящимся сейчас. Проведите расчёт заново, чтобы базовые списки совпали с таблицей."</p> })}
        <div class="table-wrap" tabindex="0" role="region" aria-label="Списки при других прочтениях">
            <table class="data" id="robust-table">
                <caption>{format!("Списки при других прочтениях (в скобках — вошли / вышли относительно базового расчёта; прочтений проверено: {run_n})")}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Прочтение"</th>
                        {List::ALL.iter().map(|l| view! { <th scope="col" class="num">{l.label()}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    <tr class="base">
                        <th scope="row">"Базовый расчёт (параметры этого расчёта)"</th>
                        {List::ALL.iter().map(|&l| view! { <td class="num">{base.get(l)}</td> }).collect_view()}
                    </tr>
                    {rows}
                </tbody>
            </table>
        </div>
        <p class="actions">
            <TableFiles label="Таблица устойчивости" what="устойчивость списков" sheet="Устойчивость" table=move || robustness_table(&for_table)/>
            <TableFiles label="ШНРО и в скольких прочтениях остаются" what="устойчивые ШНРО" sheet="Устойчивые ШНРО" table=move || robust_low_table(&for_low)/>
        </p>
        <p id="robust-summary"><strong>{format!(
            "Устойчивые ШНРО: {} из {} (остаются ШНРО при всех {}).",
            robust.len(),
            base.low,
            count(run_n, "прочтении", "прочтениях", "прочтениях")
        )}</strong></p>
        <super::SmallPoolsNotice r=r testid="robust-small-pool"/>
        <ul class="robust-list">{robust.into_iter().map(|s| view! { <li>{format!("{} ({})", s.school_name, s.municipality)}</li> }).collect_view()}</ul>
        {(!shaky.is_empty()).then(|| view! {
            <details class="list" data-print-open="">
                <summary>{format!("ШНРО, которые выходят из списка хотя бы при одном прочтении: {}", crate::domain::common::format::thousands(shaky.len()))}</summary>
                <ul>{shaky.into_iter().map(|s| view! { <li>{format!("{} ({}) — остаётся в {} из {run_n}", s.school_name, s.municipality, s.stays_in)}</li> }).collect_view()}</ul>
            </details>
        })}
    }
}
