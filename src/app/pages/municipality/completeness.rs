//! Which schools have which data: filter by municipality and name, sort, page.

use crate::app::components::{rows_shown, Pager};
use crate::app::state::app_state;
use crate::domain::common::format::count;
use crate::domain::exchange::catalog::{data_groups, GroupCompleteness};
use leptos::prelude::*;

/// How the completeness table is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortBy {
    Municipality,
    Name,
    Gaps,
}

/// Which schools have which data: filter by municipality and name, sort, page.
#[component]
pub(super) fn CompletenessSection() -> impl IntoView {
    let state = app_state();
    let muni = RwSignal::new(String::new());
    let query = RwSignal::new(String::new());
    let sort = RwSignal::new(SortBy::Municipality);
    let page = RwSignal::new(0usize);
    let size = RwSignal::new(50usize);
    let groups = data_groups();
    let munis = state.municipalities();
    let latest = Memo::new(move |_| {
        state.overview.with(|o| {
            o.as_ref()
                .and_then(|o| o.year_range())
                .map(|(a, b)| ((a.max(b - 2))..=b).collect::<Vec<i32>>())
                .unwrap_or_default()
        })
    });
    // Indices into the overview's schools, filtered and sorted.
    let order = Memo::new(move |_| {
        let m = muni.get();
        let q = query.get().trim().to_lowercase();
        let by = sort.get();
        let latest = latest.get();
        state.overview.with(|o| {
            let Some(o) = o else { return Vec::new() };
            let mut idx: Vec<(usize, usize)> = o
                .schools
                .iter()
                .enumerate()
                .filter(|(_, s)| m.is_empty() || s.municipality == m)
                .filter(|(_, s)| s.matches(&q))
                .map(|(i, s)| {
                    (
                        i,
                        if by == SortBy::Gaps {
                            s.gaps(&latest)
                        } else {
                            0
                        },
                    )
                })
                .collect();
            let s = &o.schools;
            match by {
                SortBy::Municipality => idx.sort_by(|a, b| {
                    (&s[a.0].municipality, &s[a.0].school_name)
                        .cmp(&(&s[b.0].municipality, &s[b.0].school_name))
                }),
                SortBy::Name => idx.sort_by(|a, b| s[a.0].school_name.cmp(&s[b.0].school_name)),
                SortBy::Gaps => idx.sort_by(|a, b| {
                    b.1.cmp(&a.1)
                        .then(s[a.0].school_name.cmp(&s[b.0].school_name))
                }),
            }
            idx.into_iter().map(|(i, _)| i).collect::<Vec<usize>>()
        })
    });
    let with_gaps = Memo::new(move |_| {
        let latest = latest.get();
        state.overview.with(|o| {
            o.as_ref().map_or(0, |o| {
                o.schools.iter().filter(|s| s.gaps(&latest) > 0).count()
            })
        })
    });
    let total = Signal::derive(move || order.with(Vec::len));
    let visible = move || {
        let r = rows_shown(total.get(), page, size);
        let ids = order.with(|o| o[r].to_vec());
        state.overview.with(|o| {
            o.as_ref()
                .map(|o| {
                    ids.iter()
                        .filter_map(|&i| o.schools.get(i).cloned())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let headers: Vec<String> = groups
        .iter()
        .map(|(_, label)| label.split(' ').next().unwrap_or_default().to_string())
        .collect();
    let labels: Vec<String> = groups.iter().map(|(_, l)| l.to_string()).collect();
    view! {
        <section aria-labelledby="data-h">
            <h2 id="data-h">"Данные школ"</h2>
            <div class="filters">
                <div class="field">
                    <label for="muni-filter">"Муниципалитет"</label>
                    <select id="muni-filter" on:change=move |ev| { muni.set(event_target_value(&ev)); page.set(0); }>
                        <option value="">"все"</option>
                        {move || munis.get().into_iter().map(|m| view! { <option value=m.clone()>{m.clone()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="school-search">"Поиск по названию или коду"</label>
                    <input id="school-search" type="search" on:input=move |ev| { query.set(event_target_value(&ev)); page.set(0); }/>
                </div>
                <div class="field">
                    <label for="school-sort">"Порядок"</label>
                    <select id="school-sort" on:change=move |ev| sort.set(match event_target_value(&ev).as_str() {
                        "name" => SortBy::Name,
                        "gaps" => SortBy::Gaps,
                        _ => SortBy::Municipality,
                    })>
                        <option value="muni">"по муниципалитету"</option>
                        <option value="name">"по названию"</option>
                        <option value="gaps">"сначала с пропусками"</option>
                    </select>
                </div>
            </div>
            <p>{move || format!("{}; с пропусками (всего по хранилищу): {}", count(total.get(), "школа", "школы", "школ"), with_gaps.get())}</p>
            <p class="hint">"Пропуск — год, в котором не заполнен хотя бы один показатель, нужный методике для школы этого типа, или нет строки за один из трёх последних годов. От основных школ ЕГЭ не ждут («не нужно»); школы типов, исключённых из идентификации, не проверяются."</p>
            <Pager total=total page=page size=size label="Страницы таблицы полноты данных"/>
            <div class="table-wrap" tabindex="0" role="region" aria-label="Полнота данных школ">
                <table class="data">
                    <thead>
                        <tr>
                            <th scope="col">"Школа"</th><th scope="col">"Муниципалитет"</th><th scope="col">"Тип"</th><th scope="col">"Годы"</th>
                            {headers.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        <For each=visible key=|c| c.clone() let(c)>
                            <tr>
                                <th scope="row"><a href=format!("/school?id={}", c.school_id)>{c.school_name.clone()}</a>{c.demo.then_some(" (демо)")}</th>
                                <td>{c.municipality.clone()}</td>
                                <td>{c.school_type.label()}</td>
                                <td>{c.years.iter().map(|y| y.year.to_string()).collect::<Vec<_>>().join(", ")}</td>
                                {labels.iter().enumerate().map(|(g, label)| completeness_cell(c.completeness(g), label)).collect_view()}
                            </tr>
                        </For>
                    </tbody>
                </table>
            </div>
            <Pager total=total page=page size=size label="Страницы таблицы полноты данных (внизу)"/>
        </section>
    }
}

/// A cell of the completeness table: what the method expects of the school in one data
/// group and what its rows hold; its title names the years with empty cells.
fn completeness_cell(c: GroupCompleteness, label: &str) -> impl IntoView {
    let years = |ys: &[i32]| ys.iter().map(i32::to_string).collect::<Vec<_>>().join(", ");
    let (class, text, why) = match c {
        GroupCompleteness::NotExpected => ("na", "не нужно".to_string(), String::new()),
        GroupCompleteness::Full { years } => ("ok", format!("✓ {years} из {years}"), String::new()),
        GroupCompleteness::Gaps {
            years: n,
            full,
            partial,
            empty,
        } => {
            let mut why = Vec::new();
            if !partial.is_empty() {
                why.push(format!("не все показатели за {}", years(&partial)));
            }
            if !empty.is_empty() {
                why.push(format!("нет данных за {}", years(&empty)));
            }
            let text = if full == 0 && partial.is_empty() {
                "✗ нет".to_string()
            } else {
                format!("✗ {full} из {n}")
            };
            ("gap", text, why.join("; "))
        }
    };
    let title = match class {
        "na" => format!("{label}: методика не ждёт этих данных от школы такого типа"),
        "ok" => format!("{label}: заполнено всё, что нужно методике"),
        _ => format!("{label}: {why}"),
    };
    view! { <td class=class title=title>{text}{(!why.is_empty()).then(|| view! { <span class="sub">{why}</span> })}</td> }
}
