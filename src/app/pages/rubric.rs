//! Scoring of quality-management mechanisms (federal 9-system rubric). This issue shows what
//! is stored; entry, results and comparison are built on top of it.

use crate::app::format::date_time;
use crate::app::state::app_state;
use crate::domain::rubric;
use leptos::prelude::*;

#[component]
pub fn RubricPage() -> impl IntoView {
    let state = app_state();
    let r = rubric::federal();
    let stored = Memo::new(move |_| {
        state.snapshot.with(|s| {
            s.as_ref()
                .map(|s| {
                    s.assessments
                        .iter()
                        .map(|a| (a.id.clone(), a.assessment.organisation.name.clone(), a.assessment.year, a.meta.modified_at.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    view! {
        <h1>"Оценка механизмов управления качеством образования"</h1>
        <p class="lead">{r.title.clone()}</p>
        <p>{format!("{} систем, {} оцениваемых строк, каждая система — по этапам управленческого цикла: ", r.systems.len(), r.items.len())}
            {r.stages.iter().map(|s| s.title.clone()).collect::<Vec<_>>().join(" → ")}
        </p>
        <h2>"Сохранённые оценки"</h2>
        {move || {
            let list = stored.get();
            if list.is_empty() {
                view! { <p>"Оценок пока нет."</p> }.into_any()
            } else {
                view! {
                    <ul>{list.into_iter().map(|(_, org, year, at)| view! { <li>{format!("{org}, {year} год — изменено {}", date_time(&at))}</li> }).collect_view()}</ul>
                }.into_any()
            }
        }}
    }
}
