//! Monitoring from the schools' files: the municipal monitoring table of the self-assessments
//! (schools × indicators × years, the share of schools meeting each indicator per
//! municipality and its change from last year, seed 003: «в разрезе образовательных
//! организаций», «глубиной не менее 3 лет») and the programmes with their entry, interim and
//! final values (seed 001), which are late or off target. Built when opened, from the
//! documents the data service keeps with the school records.

use crate::app::actions;
use crate::app::components::rows_shown;
use crate::app::components::Pager;
use crate::app::files::TableFiles;
use crate::app::state::app_state;
use crate::domain::exchange::records::{SchoolDocuments, SchoolIdentity};
use crate::domain::reports::monitoring::{
    change_words, depth_note, monitoring_coverage_table, monitoring_long_table,
    monitoring_shares_table, monitoring_table, numbers_change_words, numbers_words, percent_words,
    share_words, unanswered_words, Judgement, MonitoringItem, MonitoringTable, ShareCell,
};
use leptos::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

/// Every stored school (of a municipality, or all) with its documents (empty for a school
/// that sent none, so that the coverage counts it).
pub type Documents = Arc<Vec<(SchoolIdentity, SchoolDocuments)>>;

/// Reads the documents and joins them to every stored school of the scope.
pub async fn load_documents(
    state: crate::app::state::AppState,
    municipality: Option<String>,
) -> Result<Documents, String> {
    let with_docs = actions::documents(municipality.clone()).await?;
    let mut docs: HashMap<String, SchoolDocuments> = with_docs
        .into_iter()
        .map(|(s, d)| (s.school_id, d))
        .collect();
    let mut all: Vec<(SchoolIdentity, SchoolDocuments)> = state.overview.with_untracked(|o| {
        o.as_ref()
            .map(|o| {
                o.schools
                    .iter()
                    .filter(|s| municipality.as_ref().is_none_or(|m| &s.municipality == m))
                    .map(|s| {
                        (
                            SchoolIdentity {
                                school_id: s.school_id.clone(),
                                school_name: s.school_name.clone(),
                                municipality: s.municipality.clone(),
                                school_type: s.school_type,
                            },
                            docs.remove(&s.school_id).unwrap_or_default(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    });
    all.sort_by(|a, b| {
        (&a.0.municipality, &a.0.school_name).cmp(&(&b.0.municipality, &b.0.school_name))
    });
    Ok(Arc::new(all))
}

/// Today as `YYYY-MM-DD` (local date).
pub fn today() -> String {
    let d = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date()
    )
}

#[component]
pub fn MonitoringSection() -> impl IntoView {
    let state = app_state();
    let muni = RwSignal::new(String::new());
    let loaded = RwSignal::new(None::<Result<Documents, String>>);
    let load = move || {
        let m = muni.get_untracked();
        loaded.set(None);
        leptos::task::spawn_local(async move {
            let r = load_documents(state, (!m.is_empty()).then_some(m)).await;
            loaded.set(Some(r));
        });
    };
    let munis = state.municipalities();
    view! {
        <section aria-labelledby="monitoring-h">
            <h2 id="monitoring-h">"Мониторинг по файлам школ"</h2>
            <p>"Самооценки и программы повышения качества образования, пришедшие в файлах школ: муниципальный мониторинг «в разрезе образовательных организаций» и мониторинг программ (входной, промежуточный, итоговый замеры)."</p>
            <div class="filters">
                <div class="field">
                    <label for="monitoring-muni">"Муниципалитет"</label>
                    <select id="monitoring-muni" on:change=move |ev| muni.set(event_target_value(&ev))>
                        <option value="">"все"</option>
                        {move || munis.get().into_iter().map(|m| view! { <option value=m.clone()>{m.clone()}</option> }).collect_view()}
                    </select>
                </div>
            </div>
            <p class="actions"><button type="button" class="primary" id="monitoring-build" on:click=move |_| load()>"Собрать мониторинг"</button></p>
            {move || match loaded.get() {
                None => ().into_any(),
                Some(Err(e)) => view! { <p class="alert error" role="alert">{e}</p> }.into_any(),
                Some(Ok(d)) => view! { <MonitoringView docs=d/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn MonitoringView(docs: Documents) -> impl IntoView {
    let refs: Vec<(SchoolIdentity, &SchoolDocuments)> =
        docs.iter().map(|(s, d)| (s.clone(), d)).collect();
    let table = Arc::new(monitoring_table(&refs));
    view! {
        <TableView table=table/>
        <super::programmes::ProgrammesView docs=docs.clone() today=today()/>
    }
}

/// One municipality × item × year as the table shows it: the share with its base and its
/// change, or a numeric item's median, range and n with the median's change; then the schools
/// without an answer. The same words as the справка ([`share_words`] …).
fn share_cell_view(item: &MonitoringItem, c: &ShareCell) -> impl IntoView {
    let (main, change) = match (&c.numbers, c.classified) {
        (Some(n), 0) => (
            numbers_words(n, &item.unit),
            numbers_change_words(n, &item.unit),
        ),
        _ => (share_words(c), change_words(c.change_pp)),
    };
    view! {
        <td class="num">
            <span class="line">{main}</span>
            {change.map(|t| view! { <span class="line">{t}</span> })}
            {unanswered_words(c).map(|t| view! { <span class="line unanswered">{t}</span> })}
        </td>
    }
}

#[component]
fn TableView(table: Arc<MonitoringTable>) -> impl IntoView {
    let t = table.clone();
    let (a, b, c) = (table.clone(), table.clone(), table.clone());
    // The files say what they cover, in their names as in their first lines: the municipality
    // (or all) and the years.
    let scope = t.scope().replace(',', "");
    let exports = view! {
        <p class="actions">
            <TableFiles label="Доли по муниципалитетам" what=format!("мониторинг доли {scope}") sheet="Доли" table=move || monitoring_shares_table(&a)/>
            <TableFiles label="Ответы школ" what=format!("мониторинг ответы школ {scope}") sheet="Ответы школ" table=move || monitoring_long_table(&b)/>
            <TableFiles label="Охват" what=format!("мониторинг охват {scope}") sheet="Охват" table=move || monitoring_coverage_table(&c)/>
        </p>
    };
    if t.years.is_empty() {
        return view! {
            <h3>"Муниципальный мониторинг"</h3>
            <p data-testid="monitoring-empty">"Самооценки школ ещё не поступали: импортируйте файлы школ."</p>
        }
        .into_any();
    }
    let years = t.years.clone();
    let group_names: Vec<(String, String)> = t
        .groups
        .iter()
        .map(|g| {
            (
                if g.whole {
                    String::new()
                } else {
                    g.municipality.clone()
                },
                g.municipality.clone(),
            )
        })
        .collect();
    let group = RwSignal::new(t.groups.iter().position(|g| g.whole).unwrap_or_default());
    let tg = t.clone();
    let coverage = move || {
        let g = &tg.groups[group.get().min(tg.groups.len() - 1)];
        g.coverage
            .iter()
            .map(|c| {
                view! { <li>{format!("{} год: самооценка есть у {} из {} {} ({})", c.year, c.assessed, c.schools, crate::domain::common::format::plural(c.schools, "школы", "школ", "школ"), percent_words(c.share))}</li> }
            })
            .collect_view()
    };
    let tn = t.clone();
    let caption_group = move || {
        tn.groups[group.get().min(tn.groups.len() - 1)]
            .municipality
            .clone()
    };
    let ts = t.clone();
    let share_rows = move || {
        let g = &ts.groups[group.get().min(ts.groups.len() - 1)];
        ts.items
            .iter()
            .zip(&g.cells)
            .map(|(item, cells)| {
                view! {
                    <tr data-item=item.id.clone()>
                        <th scope="row">{format!("{} {}", item.id, item.met)}</th>
                        {cells.iter().map(|c| share_cell_view(item, c)).collect_view()}
                    </tr>
                }
            })
            .collect_view()
    };
    // Schools × years for one chosen indicator.
    let item = RwSignal::new(0usize);
    let page = RwSignal::new(0usize);
    let size = RwSignal::new(25usize);
    let total = Signal::derive({
        let n = t.schools.len();
        move || n
    });
    let tc = t.clone();
    let school_rows = move || {
        let i = item.get().min(tc.items.len().saturating_sub(1));
        let range = rows_shown(tc.schools.len(), page, size);
        tc.schools[range]
            .iter()
            .map(|s| {
                view! {
                    <tr>
                        <th scope="row">{s.identity.school_name.clone()}</th>
                        <td>{s.identity.municipality.clone()}</td>
                        {s.cells.get(i).map(|cells| cells.iter().map(|c| {
                            let class = match c.judgement {
                                Judgement::Meets => "ok",
                                Judgement::DoesNotMeet => "gap",
                                _ => "",
                            };
                            view! { <td class=class>{format!("{} — {}", c.shown, c.judgement.label())}</td> }
                        }).collect_view())}
                    </tr>
                }
            })
            .collect_view()
    };
    let items: Vec<(usize, String)> = t
        .items
        .iter()
        .enumerate()
        .map(|(i, x)| (i, format!("{} {}", x.id, x.text)))
        .collect();
    let year_heads = years.clone();
    view! {
        <h3>"Муниципальный мониторинг"</h3>
        {depth_note(&t).map(|n| view! { <p class="alert warning" role="status">{n}</p> })}
        {exports}
        <div class="filters">
            <div class="field">
                <label for="monitoring-group">"Доли и медианы по"</label>
                <select id="monitoring-group" on:change=move |ev| group.set(event_target_value(&ev).parse().unwrap_or_default())>
                    {group_names.into_iter().enumerate().map(|(i, (m, label))| view! {
                        <option value=i.to_string() selected=m.is_empty()>{label}</option>
                    }).collect_view()}
                </select>
            </div>
        </div>
        <ul class="coverage" data-testid="monitoring-coverage">{coverage}</ul>
        <p class="hint">"Доля соответствующих — из школ, ответивших «да» или «нет» (в скобках — сколько из скольких); изменение к прошлому году — в процентных пунктах. «Без ответа» — школы с самооценкой, не ответившие на пункт или ответившие «не знаю»: в долю они не входят. Числовые показатели норм не имеют: для них — медиана, размах (от наименьшего до наибольшего значения) и число ответивших n, изменение — медианы."</p>
        <div class="table-wrap" tabindex="0" role="region" aria-label="Доля школ, соответствующих показателю, по годам">
            <table class="data compact monitoring-shares" data-testid="monitoring-shares">
                <caption>{move || format!("{}: доля школ, соответствующих показателю, по годам", caption_group())}</caption>
                <thead><tr><th scope="col">"Показатель"</th>{years.iter().map(|y| view! { <th scope="col" class="num">{*y}</th> }).collect_view()}</tr></thead>
                <tbody>{share_rows}</tbody>
            </table>
        </div>
        <h4>"По школам"</h4>
        <div class="field">
            <label for="monitoring-item">"Показатель"</label>
            <select id="monitoring-item" on:change=move |ev| { item.set(event_target_value(&ev).parse().unwrap_or_default()); page.set(0); }>
                {items.into_iter().map(|(i, text)| view! { <option value=i.to_string()>{text}</option> }).collect_view()}
            </select>
        </div>
        <Pager total=total page=page size=size label="Страницы мониторинга по школам"/>
        <div class="table-wrap" tabindex="0" role="region" aria-label="Ответы школ по годам">
            <table class="data compact" data-testid="monitoring-schools">
                <thead><tr><th scope="col">"Школа"</th><th scope="col">"Муниципалитет"</th>{year_heads.iter().map(|y| view! { <th scope="col">{*y}</th> }).collect_view()}</tr></thead>
                <tbody>{school_rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
