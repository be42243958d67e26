//! A school received in a file (or from the demo region), read-only: its stored rows by
//! indicator and year, the self-assessment and programme it sent, and a way to open a
//! workspace from it (a municipality specialist filling in for a small school).

use super::assess::SummaryTable;
use super::{profile, Tab, Ws};
use crate::app::actions;
use crate::app::components::ReadFailed;
use crate::domain::common::format::num;
use crate::domain::contract::row::Row;
use crate::domain::contract::schema::{schema, Kind};
use crate::domain::school::self_assessment::summary;
use leptos::prelude::*;

#[component]
pub fn StoredSchool(id: RwSignal<String>, ws: Ws, tab: RwSignal<Tab>) -> impl IntoView {
    let state = ws.state;
    // Asked again when the school's summary changes (an import touched it).
    let data = LocalResource::new(move || {
        let id = id.get();
        let summary = state
            .overview
            .with(|o| o.as_ref().and_then(|o| o.school(&id).cloned()));
        async move {
            match summary {
                Some(_) => actions::school_data(id).await,
                None => Ok((None, Vec::<Row>::new())),
            }
        }
    });
    let export = move |_| actions::export_school(state, id.get_untracked());
    let open = move |_| profile::open_from_stored(ws, tab, id, id.get_untracked());
    move || {
        let (record, rows) = match data.get()? {
            Ok(d) => d,
            Err(message) => {
                return Some(view! { <ReadFailed what="данные школы" message=message/> }.into_any())
            }
        };
        let first = rows.last().cloned()?;
        let name = record
            .as_ref()
            .map_or(first.school_name.clone(), |r| r.school_name.clone());
        let docs = record.map(|r| r.documents).unwrap_or_default();
        let latest = docs
            .self_assessments
            .iter()
            .rev()
            .find(|s| !s.answers.is_empty())
            .map(|s| summary(s, &docs.self_assessments));
        let programme = docs.programme.clone();
        Some(view! {
            <section aria-labelledby="school-data-h" data-testid="stored-school">
                <h2 id="school-data-h">{name}</h2>
                <p>{format!("{}; тип: {}; код: {}", first.municipality, first.school_type.label(), first.school_id)}</p>
                <p class="actions">
                    <button type="button" on:click=export>"Выгрузить файл для муниципалитета"</button>
                    <button type="button" on:click=open>"Открыть для заполнения (черновик)"</button>
                </p>
                <RowsTable rows=rows/>
                {latest.map(|s| view! { <section data-testid="stored-self-assessment"><h3>{format!("Самооценка школы за {} год", s.year)}</h3><SummaryTable summary=s/></section> })}
                {programme.map(|p| view! {
                    <section data-testid="stored-programme">
                        <h3>"Программа повышения качества образования"</h3>
                        {(!p.basis.is_empty()).then(|| view! { <p>{format!("Основание: {}", p.basis)}</p> })}
                        <ol>{p.zones.iter().map(|z| view! { <li>{z.text.clone()}</li> }).collect_view()}</ol>
                        <p>{format!("Целей: {}, мероприятий: {}.", p.targets.len(), p.measures.len())}</p>
                    </section>
                })}
            </section>
        }.into_any())
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
        let digits = if col.kind == Kind::Count { 0 } else { 2 };
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
