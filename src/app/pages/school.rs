//! School workspace: a school's stored data by indicator and year, and its file for the
//! municipality. (Data entry, placement against the reference and self-assessment come in
//! later issues.)

use crate::app::actions;
use crate::app::state::app_state;
use crate::domain::row::Row;
use crate::domain::schema::schema;
use crate::format::num;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SchoolPage() -> impl IntoView {
    let state = app_state();
    let query = use_query_map();
    let chosen = RwSignal::new(query.with_untracked(|q| q.get("id")).unwrap_or_default());
    let schools = state.school_choices();
    // The school's rows come from the data service; asked again when the school's summary
    // changes (an import touched it).
    let rows = LocalResource::new(move || {
        let id = chosen.get();
        let summary = state
            .overview
            .with(|o| o.as_ref().and_then(|o| o.school(&id).cloned()));
        async move {
            match summary {
                Some(_) => actions::school_rows(id).await,
                None => Vec::<Row>::new(),
            }
        }
    });
    let export = move |_| actions::export_school(state, chosen.get_untracked());
    view! {
        <h1>"Школа"</h1>
        <p class="lead">"Данные школы по годам в контракте строки «школа × год». Файл для муниципалитета выгружается одной кнопкой."</p>
        {move || schools.with(Vec::is_empty).then(|| view! {
            <p class="alert info">"В этом браузере пока нет ни одной школы. Импортируйте файл в разделе " <a href="/data">"«Данные»"</a> " или откройте демонстрационный регион на " <a href="/">"главной"</a> "."</p>
        })}
        <div class="field">
            <label for="school-select">"Школа"</label>
            <select id="school-select" on:change=move |ev| chosen.set(event_target_value(&ev)) prop:value=move || { schools.track(); chosen.get() }>
                <option value="">"— выберите школу —"</option>
                <For each=move || schools.get() key=|s| s.0.clone() let((id, name, muni))>
                    <option value=id.clone()>{format!("{name} ({muni})")}</option>
                </For>
            </select>
        </div>
        {move || {
            let rows = rows.get().map(|r| r.to_vec()).unwrap_or_default();
            let first = rows.last().cloned()?;
            Some(view! {
                <section aria-labelledby="school-data-h">
                    <h2 id="school-data-h">{first.school_name.clone()}</h2>
                    <p>{format!("{}; тип: {}; код: {}", first.municipality, first.school_type.label(), first.school_id)}</p>
                    <p class="actions"><button type="button" on:click=export>"Выгрузить файл для муниципалитета"</button></p>
                    <RowsTable rows=rows/>
                </section>
            })
        }}
    }
}

/// Indicators (rows, grouped) × years (columns).
#[component]
fn RowsTable(rows: Vec<Row>) -> impl IntoView {
    let s = schema();
    let years: Vec<i32> = rows.iter().map(|r| r.year).collect();
    let mut body = Vec::new();
    let mut group = "";
    for i in 0..s.data_len() {
        let col = s.data_column(i);
        if col.group != group {
            group = &col.group;
            body.push(view! { <tr class="group"><th colspan=years.len() + 1 scope="colgroup">{s.group_label(group).to_string()}</th></tr> }.into_any());
        }
        let digits = if col.kind == crate::domain::schema::Kind::Count {
            0
        } else {
            2
        };
        let cells: Vec<_> = rows
            .iter()
            .map(|r| view! { <td class="num">{num(r.values.get(i), digits)}</td> })
            .collect();
        body.push(view! { <tr><th scope="row">{col.label.clone()}</th>{cells}</tr> }.into_any());
    }
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label="Показатели школы по годам">
            <table class="data">
                <thead><tr><th scope="col">"Показатель"</th>{years.iter().map(|y| view! { <th scope="col" class="num">{*y}</th> }).collect_view()}</tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}
