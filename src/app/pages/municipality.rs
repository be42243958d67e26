//! Municipality / region workspace: what is stored and what is missing; the identification
//! run and its lists.

use crate::app::actions;
use crate::app::chart::{paint, Chart};
use crate::app::state::app_state;
use crate::charts::{
    identification_scatter, index_histogram, IdentificationScatter, IndexHistogram,
};
use crate::domain::identify::method::method;
use crate::domain::identify::{Identification, ResultsCategory, SchoolResult, SocialCategory};
use crate::domain::records::Snapshot;
use crate::domain::schema::schema;
use crate::format::{count, date_time, num, pct};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// One school's completeness: years with a row, and per indicator group the years with data.
#[derive(Clone, PartialEq)]
struct Completeness {
    id: String,
    name: String,
    municipality: String,
    school_type: String,
    years: Vec<i32>,
    /// (group label, years with at least one value in the group)
    groups: Vec<(String, usize)>,
}

const GROUPS: [&str; 4] = ["ege", "oge", "vpr", "social"];

fn completeness(s: &Snapshot) -> Vec<Completeness> {
    let sc = schema();
    let mut by_school: BTreeMap<&str, Vec<&crate::domain::row::Row>> = BTreeMap::new();
    for r in &s.submissions {
        by_school
            .entry(r.row.school_id.as_str())
            .or_default()
            .push(&r.row);
    }
    let mut out: Vec<Completeness> = s
        .schools
        .iter()
        .map(|school| {
            let rows = by_school
                .get(school.school_id.as_str())
                .cloned()
                .unwrap_or_default();
            let mut years: Vec<i32> = rows.iter().map(|r| r.year).collect();
            years.sort_unstable();
            let groups = GROUPS
                .iter()
                .map(|g| {
                    let cols: Vec<usize> = (0..sc.data_len())
                        .filter(|&i| sc.data_column(i).group == *g)
                        .collect();
                    let n = rows
                        .iter()
                        .filter(|r| cols.iter().any(|&i| r.values.get(i).is_some()))
                        .count();
                    (sc.group_label(g).to_string(), n)
                })
                .collect();
            Completeness {
                id: school.school_id.clone(),
                name: school.school_name.clone(),
                municipality: school.municipality.clone(),
                school_type: school.school_type.label().to_string(),
                years,
                groups,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        a.municipality
            .cmp(&b.municipality)
            .then(a.name.cmp(&b.name))
    });
    out
}

#[component]
pub fn MunicipalityPage() -> impl IntoView {
    let state = app_state();
    let muni = RwSignal::new(String::new());
    let table = Memo::new(move |_| {
        state
            .snapshot
            .with(|s| s.as_ref().map(completeness).unwrap_or_default())
    });
    let munis = Memo::new(move |_| {
        let mut m: Vec<String> = table.with(|t| t.iter().map(|c| c.municipality.clone()).collect());
        m.sort();
        m.dedup();
        m
    });
    let shown = Memo::new(move |_| {
        let m = muni.get();
        table.with(|t| {
            t.iter()
                .filter(|c| m.is_empty() || c.municipality == m)
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let latest_run = Memo::new(move |_| {
        state.snapshot.with(|s| {
            s.as_ref().and_then(|s| {
                s.runs
                    .iter()
                    .max_by(|a, b| a.created_at.cmp(&b.created_at))
                    .map(|r| (r.id.clone(), r.created_at.clone(), r.label.clone()))
            })
        })
    });
    let run = move |_| actions::run_identification(state);
    view! {
        <h1>"Муниципалитет / регион"</h1>
        <p class="lead">"Данные школ, пропуски, идентификация ШНРО и ШНСУ по методике «Эффективная школа»."</p>
        <section aria-labelledby="run-h">
            <h2 id="run-h">"Идентификация"</h2>
            <p>
                "Расчёт идёт по данным всех школ этого браузера за три последних года, отдельно по средним, основным и вечерним школам. "
                <a href="/about">"Как считается"</a>
            </p>
            <p class="actions">
                <button type="button" class="primary" on:click=run disabled=move || table.with(Vec::is_empty)>"Провести идентификацию"</button>
            </p>
            {move || latest_run.get().map(|(id, at, label)| view! {
                <p class="hint">{format!("Последний расчёт: {} ({})", label, date_time(&at))}</p>
                <RunView run_id=id/>
            })}
        </section>
        <section aria-labelledby="data-h">
            <h2 id="data-h">"Данные школ"</h2>
            <div class="field">
                <label for="muni-filter">"Муниципалитет"</label>
                <select id="muni-filter" on:change=move |ev| muni.set(event_target_value(&ev))>
                    <option value="">"все"</option>
                    <For each=move || munis.get() key=|m| m.clone() let(m)>
                        <option value=m.clone()>{m.clone()}</option>
                    </For>
                </select>
            </div>
            <p>{move || {
                let t = shown.get();
                let gaps = t.iter().filter(|c| c.years.len() < 3 || c.groups.iter().any(|(_, n)| *n < c.years.len())).count();
                format!("{}; с пропусками: {}", count(t.len(), "школа", "школы", "школ"), gaps)
            }}</p>
            <div class="table-wrap" tabindex="0" role="region" aria-label="Полнота данных школ">
                <table class="data">
                    <thead>
                        <tr>
                            <th scope="col">"Школа"</th><th scope="col">"Муниципалитет"</th><th scope="col">"Тип"</th><th scope="col">"Годы"</th>
                            {GROUPS.iter().map(|g| view! { <th scope="col">{schema().group_label(g).split(' ').next().unwrap_or_default().to_string()}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        <For each=move || shown.get() key=|c| c.id.clone() let(c)>
                            <tr>
                                <th scope="row"><a href=format!("/school?id={}", c.id)>{c.name.clone()}</a></th>
                                <td>{c.municipality.clone()}</td>
                                <td>{c.school_type.clone()}</td>
                                <td>{c.years.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")}</td>
                                {c.groups.iter().map(|(label, n)| {
                                    let full = *n == c.years.len() && *n > 0;
                                    let text = if *n == 0 { "нет".to_string() } else { format!("{n} из {}", c.years.len()) };
                                    view! { <td class=if full { "ok" } else { "gap" } title=label.clone()>{if full { "✓ " } else { "✗ " }}{text}</td> }
                                }).collect_view()}
                            </tr>
                        </For>
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// The results of one stored run.
#[component]
fn RunView(#[prop(into)] run_id: String) -> impl IntoView {
    let state = app_state();
    let id = run_id.clone();
    let result = Memo::new(move |_| {
        state.snapshot.with(|s| {
            s.as_ref()
                .and_then(|s| s.runs.iter().find(|r| r.id == id).map(|r| r.result.clone()))
        })
    });
    let state_ = state;
    let export_reference = move |_| actions::export_reference(state_, run_id.clone());
    view! {
        {move || result.get().map(|r| view! { <Results r=r/> })}
        <p class="actions">
            <button type="button" on:click=export_reference>"Эталон для школ (файл)"</button>
            <span class="hint">"Школы загрузят его, чтобы сравнить себя с ориентирами региона."</span>
        </p>
    }
}

#[component]
fn Results(r: Identification) -> impl IntoView {
    let o = &r.summary.overall;
    let tile = |label: &'static str, n: usize, share: f64| {
        view! {
            <li class="tile"><span class="n">{n}</span><span class="label">{label}</span><span class="share">{pct(share)}</span></li>
        }
    };
    let results = |c: ResultsCategory| o.results.get(&c).copied().unwrap_or_default();
    let social = |c: SocialCategory| o.social.get(&c).copied().unwrap_or_default();
    let names: BTreeMap<String, String> = r
        .schools
        .iter()
        .map(|s| (s.school_id.clone(), s.school_name.clone()))
        .collect();
    let last_year = r.years.last().copied().unwrap_or_default();
    let list = |title: &'static str, filter: &dyn Fn(&SchoolResult) -> bool| {
        let items: Vec<SchoolResult> = r.schools.iter().filter(|s| filter(s)).cloned().collect();
        let n = items.len();
        let names = names.clone();
        view! {
            <details class="list">
                <summary>{format!("{title}: {n}")}</summary>
                <SchoolList items=items names=names year=last_year/>
            </details>
        }
    };
    let csv = r.clone();
    let export_csv = move |_| actions::export_results_csv(&csv);
    view! {
        <ul class="tiles" aria-label="Итоги идентификации">
            {tile("ШНРО", results(ResultsCategory::Low).count, results(ResultsCategory::Low).share)}
            {tile("группа риска", results(ResultsCategory::Risk).count, results(ResultsCategory::Risk).share)}
            {tile("стабильно высокие", results(ResultsCategory::High).count, results(ResultsCategory::High).share)}
            {tile("ШНСУ", social(SocialCategory::Unfavourable).count, social(SocialCategory::Unfavourable).share)}
            {tile("резильентные", o.resilient.count, o.resilient.share)}
            {tile("недостаточно данных", results(ResultsCategory::Insufficient).count, results(ResultsCategory::Insufficient).share)}
        </ul>
        <p class="hint">{format!("Оценено школ: {} из {}; исключены по типу: {}. Годы: {}. Доли — от оценённых школ.", o.assessed, o.schools, o.excluded, r.years.iter().map(i32::to_string).collect::<Vec<_>>().join(", "))}</p>
        {(!r.notes.is_empty()).then(|| view! { <ul class="notes">{r.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul> })}
        <p class="actions"><button type="button" on:click=export_csv>"Выгрузить результаты (CSV для Excel)"</button></p>
        {list("ШНРО — школы с низкими результатами обучения", &|s| s.results_category == Some(ResultsCategory::Low))}
        {list("Школы «группы риска»", &|s| s.results_category == Some(ResultsCategory::Risk))}
        {list("Школы со стабильно высокими результатами", &|s| s.results_category == Some(ResultsCategory::High))}
        {list("ШНСУ — школы в неблагоприятных социальных условиях", &|s| s.social_category == Some(SocialCategory::Unfavourable))}
        {list("Резильентные школы (высокие результаты в неблагоприятных условиях)", &|s| s.resilient)}
        {list("Недостаточно данных", &|s| s.results_category == Some(ResultsCategory::Insufficient))}
        <MunicipalityTable r=r.clone()/>
        <ChartsSection r=r.clone()/>
    }
}

/// The scatter of results against social conditions and the distribution of the results
/// index, for one pool and year.
#[component]
fn ChartsSection(r: Identification) -> impl IntoView {
    let pools: Vec<String> = {
        let mut p: Vec<String> = r.pools.iter().map(|p| p.pool.clone()).collect();
        p.dedup();
        p
    };
    let pool_labels: BTreeMap<String, String> = r
        .params
        .pools
        .iter()
        .map(|p| (p.id.clone(), p.label.clone()))
        .collect();
    let pool = RwSignal::new(pools.first().cloned().unwrap_or_default());
    let year = RwSignal::new(r.years.last().copied().unwrap_or_default());
    let years = r.years.clone();
    let result = StoredValue::new(r);
    let scatter = Memo::new(move |_| {
        result
            .with_value(|r| IdentificationScatter::from_identification(r, &pool.get(), year.get()))
    });
    let histogram = Memo::new(move |_| {
        result.with_value(|r| IndexHistogram::from_identification(r, &pool.get(), year.get()))
    });
    let summary = move || {
        let s = scatter.get();
        let count = |c: ResultsCategory| s.points.iter().filter(|p| p.category == c).count();
        format!(
            "Школ на диаграмме: {}; ШНРО — {}, группа риска — {}, стабильно высокие — {}, средние — {}, недостаточно данных — {}; резильентных — {}; без индекса в этом году — {}.",
            s.points.len(),
            count(ResultsCategory::Low),
            count(ResultsCategory::Risk),
            count(ResultsCategory::High),
            count(ResultsCategory::Middle),
            count(ResultsCategory::Insufficient),
            s.points.iter().filter(|p| p.resilient).count(),
            s.without_index
        )
    };
    view! {
        <h3>"Диаграммы"</h3>
        <div class="chart-controls">
            <div class="field">
                <label for="chart-pool">"Группа школ"</label>
                <select id="chart-pool" on:change=move |ev| pool.set(event_target_value(&ev))>
                    {pools.into_iter().map(|p| {
                        let label = pool_labels.get(&p).cloned().unwrap_or_else(|| p.clone());
                        view! { <option value=p>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="chart-year">"Год"</label>
                <select id="chart-year" on:change=move |ev| year.set(event_target_value(&ev).parse().unwrap_or_default()) prop:value=move || year.get().to_string()>
                    {years.into_iter().rev().map(|y| view! { <option value=y.to_string()>{y}</option> }).collect_view()}
                </select>
            </div>
        </div>
        <Chart
            width=900
            height=620
            label="Диаграмма рассеяния: каждая школа — точка; по горизонтали индекс социальных условий, по вертикали индекс образовательных результатов; форма и цвет точки — категория. Итоги — в тексте под рисунком."
            draw=move |c| scatter.with(|s| paint(c, |a| identification_scatter(&a, s)))
            data_title="Что на диаграмме"
        >
            <p>{summary}</p>
        </Chart>
        <Chart
            width=900
            height=380
            label="Гистограмма индекса образовательных результатов с границами 25 % групп. Числа — в блоке под рисунком."
            draw=move |c| histogram.with(|h| paint(c, |a| index_histogram(&a, h)))
            data_title="Распределение таблицей"
        >
            {move || {
                let h = histogram.get();
                let counts = h.counts();
                let bins = counts.len().max(1);
                view! {
                    <table class="data compact">
                        <thead><tr><th scope="col">"Индекс"</th><th scope="col" class="num">"Школ"</th></tr></thead>
                        <tbody>{counts.into_iter().enumerate().map(|(i, n)| view! {
                            <tr><td>{format!("{}–{}", num(Some(i as f64 / bins as f64), 2), num(Some((i + 1) as f64 / bins as f64), 2))}</td><td class="num">{n}</td></tr>
                        }).collect_view()}</tbody>
                    </table>
                }
            }}
        </Chart>
    }
}

#[component]
fn SchoolList(
    items: Vec<SchoolResult>,
    names: BTreeMap<String, String>,
    year: i32,
) -> impl IntoView {
    if items.is_empty() {
        return view! { <p>"Нет школ."</p> }.into_any();
    }
    let label = |id: &str| {
        method()
            .result_component(id)
            .map(|c| format!("{} ({})", c.label, c.number))
            .unwrap_or_else(|| id.to_string())
    };
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label="Список школ">
            <table class="data">
                <thead><tr>
                    <th scope="col">"Школа"</th><th scope="col">"Муниципалитет"</th><th scope="col">"Группа"</th>
                    <th scope="col" class="num">{format!("Индекс результатов, {year}")}</th>
                    <th scope="col" class="num">{format!("Индекс соц. условий, {year}")}</th>
                    <th scope="col">"Что снизило индекс"</th><th scope="col">"Школы-партнёры"</th>
                </tr></thead>
                <tbody>
                    {items.into_iter().map(|s| {
                        let y = s.years.get(&year).cloned();
                        let weakest = y.as_ref().map(|y| y.weakest.ids().map(label).collect::<Vec<_>>().join("; ")).unwrap_or_default();
                        let partners = s.partners.iter().map(|p| names.get(p).cloned().unwrap_or_else(|| p.clone())).collect::<Vec<_>>().join("; ");
                        view! {
                            <tr>
                                <th scope="row"><a href=format!("/school?id={}", s.school_id)>{s.school_name.clone()}</a></th>
                                <td>{s.municipality.clone()}</td>
                                <td>{s.pool.as_deref().unwrap_or("—").to_string()}</td>
                                <td class="num">{num(y.as_ref().and_then(|y| y.results_index), 3)}</td>
                                <td class="num">{num(y.as_ref().and_then(|y| y.social_index), 3)}</td>
                                <td>{weakest}</td>
                                <td>{partners}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn MunicipalityTable(r: Identification) -> impl IntoView {
    let rows: Vec<_> = r
        .summary
        .municipalities
        .iter()
        .map(|(m, c)| {
            let get = |cat| c.results.get(&cat).map(|t| t.count).unwrap_or(0);
            let shnsu = c
                .social
                .get(&SocialCategory::Unfavourable)
                .map(|t| t.count)
                .unwrap_or(0);
            view! {
                <tr>
                    <th scope="row">{m.clone()}</th>
                    <td class="num">{c.assessed}</td>
                    <td class="num">{get(ResultsCategory::Low)}</td>
                    <td class="num">{get(ResultsCategory::Risk)}</td>
                    <td class="num">{get(ResultsCategory::High)}</td>
                    <td class="num">{shnsu}</td>
                    <td class="num">{c.resilient.count}</td>
                </tr>
            }
        })
        .collect();
    view! {
        <h3>"По муниципалитетам"</h3>
        <div class="table-wrap" tabindex="0" role="region" aria-label="Итоги по муниципалитетам">
            <table class="data">
                <thead><tr>
                    <th scope="col">"Муниципалитет"</th><th scope="col" class="num">"Оценено"</th><th scope="col" class="num">"ШНРО"</th>
                    <th scope="col" class="num">"Группа риска"</th><th scope="col" class="num">"Стабильно высокие"</th>
                    <th scope="col" class="num">"ШНСУ"</th><th scope="col" class="num">"Резильентные"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
