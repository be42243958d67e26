//! After the lists: the cross-table of results and social categories (the seed's
//! «сопоставить перечень школ с низкими результатами обучения с перечнем школ,
//! функционирующих в неблагоприятных социальных условиях»), the schools of stable improvement
//! («банк лучших практик со школ, показавших максимальное и стабильное улучшение учебных
//! результатов»), and two runs compared. The computations are `domain::method::analysis`; this module
//! only shows them and hands their CSV for Excel to the browser.

use crate::app::actions;
use crate::app::files::TableFiles;
use crate::app::state::app_state;
use crate::domain::common::format::{num, plural};
use crate::domain::method::analysis::{
    compare, comparison_table, cross_table, cross_table_counts_table, cross_table_schools_table,
    improvement_table, stable_improvement, Comparison, SchoolRef, READING,
};
use crate::domain::method::identify::Identification;
use leptos::prelude::*;
use std::sync::Arc;

/// How many names a list shows on the page (all of them are in the CSV).
const NAMES_SHOWN: usize = 30;
/// How many schools a cell of the cross-table lists on the page.
const CELL_SHOWN: usize = 300;

fn names(list: &[SchoolRef]) -> String {
    let mut s = list
        .iter()
        .take(NAMES_SHOWN)
        .map(|s| format!("{} ({})", s.school_name, s.municipality))
        .collect::<Vec<_>>()
        .join("; ");
    if list.len() > NAMES_SHOWN {
        s.push_str(&format!(
            "; и ещё {} — в CSV",
            crate::domain::common::format::thousands(list.len() - NAMES_SHOWN)
        ));
    }
    s
}

/// Results category × social category, with the schools of each cell a click away.
#[component]
pub fn CrossTableView(r: Arc<Identification>) -> impl IntoView {
    let t = cross_table(&r);
    let chosen = RwSignal::new(None::<(usize, usize)>);
    let head = t
        .columns
        .iter()
        .map(|c| view! { <th scope="col" class="num" title=c.label()>{c.short()}</th> })
        .collect_view();
    let cells = t.clone();
    let body = t
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let cells_view = row
                .cells
                .iter()
                .enumerate()
                .map(|(j, c)| {
                    let n = c.count();
                    let mark = c.is_low_and_unfavourable();
                    let label = format!("{}: {} — показать школы", c.label(), crate::domain::common::format::thousands(n));
                    view! {
                        <td class="num" class:key-cell=mark>
                            {if n == 0 { view! { <span>"0"</span> }.into_any() } else {
                                view! { <button type="button" class="link as-text" aria-label=label on:click=move |_| chosen.set(Some((i, j)))>{crate::domain::common::format::thousands(n)}</button> }.into_any()
                            }}
                        </td>
                    }
                })
                .collect_view();
            view! { <tr><th scope="row" title=row.results.label()>{row.results.short()}</th>{cells_view}<td class="num">{crate::domain::common::format::thousands(row.total)}</td></tr> }
        })
        .collect_view();
    let totals = t
        .column_totals
        .iter()
        .map(|n| view! { <td class="num">{crate::domain::common::format::thousands(*n)}</td> })
        .collect_view();
    let both = t.low_and_unfavourable().map(|c| c.count()).unwrap_or(0);
    let csv = t.clone();
    let csv_schools = t.clone();
    view! {
        <section aria-labelledby="cross-h">
            <h3 id="cross-h">"Результаты × социальные условия"</h3>
            <p>{format!("«Сопоставить перечень школ с низкими результатами обучения с перечнем школ, функционирующих в неблагоприятных социальных условиях»: в обоих перечнях — {both} {}.", plural(both, "школа", "школы", "школ"))}</p>
            <div class="table-wrap" role="region" aria-label="Перекрёстная таблица категорий" tabindex="0">
                <table class="data" data-testid="cross-table">
                    <thead><tr><th scope="col">"Результаты \\ условия"</th>{head}<th scope="col" class="num">"Итого"</th></tr></thead>
                    <tbody>{body}<tr class="total"><th scope="row">"Итого"</th>{totals}<td class="num">{crate::domain::common::format::thousands(t.total)}</td></tr></tbody>
                </table>
            </div>
            {move || chosen.get().and_then(|(i, j)| {
                let c = cells.rows.get(i)?.cells.get(j)?;
                Some(view! {
                    <div class="cell-list" role="region" aria-label="Школы выбранной клетки">
                        <h4>{format!("{} ({})", c.label(), c.schools.len())}</h4>
                        {(c.schools.len() > CELL_SHOWN).then(|| view! { <p class="hint">{format!("Показаны первые {CELL_SHOWN}; все — в файле «Школы по клеткам (CSV)».")}</p> })}
                        <ul>{c.schools.iter().take(CELL_SHOWN).map(|s| view! { <li><super::card_opening::CardButton school_id=s.school_id.clone() name=s.school_name.clone()/>{format!(" — {}", s.municipality)}</li> }).collect_view()}</ul>
                    </div>
                })
            })}
            <p class="actions">
                <TableFiles label="Таблица" what="перекрёстная таблица" sheet="Перекрёстная таблица" table=move || cross_table_counts_table(&csv)/>
                <TableFiles label="Школы по клеткам" what="перекрёстная таблица школы" sheet="Школы по клеткам" table=move || cross_table_schools_table(&csv_schools)/>
            </p>
        </section>
    }
}

/// The schools whose results index rose every year and most.
#[component]
pub fn ImprovementView(r: Arc<Identification>) -> impl IntoView {
    const SHOWN: usize = 20;
    let all = stable_improvement(&r, usize::MAX);
    let n = all.len();
    let rows = all
        .iter()
        .take(SHOWN)
        .enumerate()
        .map(|(k, i)| {
            let path = i
                .indices
                .iter()
                .map(|(y, v)| format!("{y}: {}", num(Some(*v), 3)))
                .collect::<Vec<_>>()
                .join(" → ");
            view! {
                <tr>
                    <td class="num">{k + 1}</td>
                    <td><super::card_opening::CardButton school_id=i.school.school_id.clone() name=i.school.school_name.clone()/></td>
                    <td>{i.school.municipality.clone()}</td>
                    <td>{i.pool_label.clone()}</td>
                    <td>{path}</td>
                    <td class="num">{format!("+{}", num(Some(i.rise), 3))}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="improve-h">
            <h3 id="improve-h">"Стабильное улучшение"</h3>
            <p class="hint">{READING}</p>
            {if n == 0 { view! { <p>"Таких школ в этом расчёте нет."</p> }.into_any() } else { view! {
                <p>{format!("Школ: {n}{}.", if n > SHOWN { format!("; показаны первые {SHOWN}, все — в CSV") } else { String::new() })}</p>
                <div class="table-wrap" role="region" aria-label="Школы стабильного улучшения" tabindex="0">
                    <table class="data" data-testid="improvement">
                        <thead><tr><th scope="col" class="num">"№"</th><th scope="col">"Школа"</th><th scope="col">"Муниципалитет"</th><th scope="col">"Группа"</th><th scope="col">"Индекс по годам"</th><th scope="col" class="num">"Прирост"</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <p class="actions"><TableFiles label="Список" what="стабильное улучшение" sheet="Стабильное улучшение" table=move || improvement_table(&all)/></p>
            }.into_any() }}
        </section>
    }
}

/// Two stored runs compared: who entered and who left each category.
#[component]
pub fn CompareSection() -> impl IntoView {
    let state = app_state();
    // Newest first, as the run picker above.
    let runs = Memo::new(move |_| {
        state.overview.with(|o| {
            let mut r: Vec<_> = o
                .as_ref()
                .map(|o| o.runs.iter().collect())
                .unwrap_or_default();
            r.sort_by(|a, b| b.created_at.cmp(&a.created_at));
            r.into_iter()
                .map(|r| (r.id.clone(), r.choice()))
                .collect::<Vec<_>>()
        })
    });
    let first = RwSignal::new(String::new());
    let second = RwSignal::new(String::new());
    let result = RwSignal::new(None::<Result<Comparison, String>>);
    let go = move |_| {
        let (a, b) = (first.get_untracked(), second.get_untracked());
        if a.is_empty() || b.is_empty() {
            result.set(Some(Err("Выберите два расчёта.".into())));
            return;
        }
        leptos::task::spawn_local(async move {
            let outcome = match (actions::run_record(a).await, actions::run_record(b).await) {
                (Ok(a), Ok(b)) => Ok(compare(&a.result, &b.result)),
                (Err(e), _) | (_, Err(e)) => Err(e),
            };
            result.set(Some(outcome));
        });
    };
    let picker = move |id: &'static str, label: &'static str, value: RwSignal<String>| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <select id=id prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))>
                    <option value="">"—"</option>
                    {move || runs.get().into_iter().map(|(id, label)| view! { <option value=id>{label}</option> }).collect_view()}
                </select>
            </div>
        }
    };
    view! {
        <Show when=move || runs.with(|r| r.len() >= 2)>
            <section aria-labelledby="compare-h">
                <h2 id="compare-h">"Сравнение расчётов"</h2>
                <p>"Два расчёта — два года или два набора параметров на тех же данных: какие школы вошли в каждую категорию и какие вышли из неё."</p>
                <div class="filters">
                    {picker("cmp-a", "Прежний расчёт", first)}
                    {picker("cmp-b", "Новый расчёт", second)}
                    <p class="actions"><button type="button" id="cmp-go" on:click=go>"Сравнить"</button></p>
                </div>
                {move || result.get().map(|r| match r {
                    Err(e) => view! { <p class="alert error" role="alert">{e}</p> }.into_any(),
                    Ok(c) => view! { <ComparisonView c=c/> }.into_any(),
                })}
            </section>
        </Show>
    }
}

#[component]
fn ComparisonView(c: Comparison) -> impl IntoView {
    let rows = c
        .categories
        .iter()
        .map(|k| {
            let by_muni = |m: &std::collections::BTreeMap<String, usize>| {
                m.iter().map(|(k, v)| format!("{k}: {}", crate::domain::common::format::thousands(*v))).collect::<Vec<_>>().join(", ")
            };
            view! {
                <tr>
                    <th scope="row">{k.category.label()}</th>
                    <td class="num">{crate::domain::common::format::thousands(k.entered.len())}</td>
                    <td>{names(&k.entered)}<br/><small>{by_muni(&k.entered_by_municipality)}</small></td>
                    <td class="num">{crate::domain::common::format::thousands(k.left.len())}</td>
                    <td>{names(&k.left)}<br/><small>{by_muni(&k.left_by_municipality)}</small></td>
                </tr>
            }
        })
        .collect_view();
    let moved = c.changed.len();
    let only = (c.only_in_a.len(), c.only_in_b.len());
    let csv = c.clone();
    view! {
        <p data-testid="compare-summary">{format!("Категория изменилась у {moved} {}; только в прежнем расчёте — {}, только в новом — {}.", plural(moved, "школы", "школ", "школ"), only.0, only.1)}</p>
        <div class="table-wrap" role="region" aria-label="Кто вошёл в категории и кто вышел" tabindex="0">
            <table class="data" data-testid="compare-table">
                <thead><tr><th scope="col">"Категория"</th><th scope="col" class="num">"Вошли"</th><th scope="col">"Школы (по муниципалитетам)"</th><th scope="col" class="num">"Вышли"</th><th scope="col">"Школы (по муниципалитетам)"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <p class="actions"><TableFiles label="Сравнение" what="сравнение расчётов" sheet="Сравнение расчётов" table=move || comparison_table(&csv)/></p>
    }
}
