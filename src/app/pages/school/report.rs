//! The printable report: the school's data, placement, self-assessment summary and programme
//! on one page. The print style sheet hides navigation, buttons and inputs' chrome, so that
//! «Сохранить как PDF» gives a clean A4 document.

use super::assess::SummaryTable;
use super::placement::{draft_rows, PlacementView, Trajectory};
use super::Ws;
use crate::domain::placement::place;
use crate::domain::programme::Target;
use crate::domain::self_assessment::summary;
use crate::format::num;
use leptos::prelude::*;

#[component]
pub fn Report(ws: Ws) -> impl IntoView {
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    let rows = draft_rows(ws);
    let w = ws.current.get_untracked();
    let Some(w) = w else {
        return ().into_any();
    };
    let p = &w.profile;
    let placement = w
        .reference
        .as_ref()
        .map(|r| (r.payload.region.clone(), place(&r.payload, &rows)));
    let latest_sa = w
        .self_assessments
        .iter()
        .rev()
        .find(|s| !s.answers.is_empty())
        .map(|s| summary(s, &w.self_assessments));
    let prog = w.programme.clone();
    let today = crate::format::date_time(&crate::storage::browser::now());
    view! {
        <article class="report" aria-labelledby="report-h">
            <p class="actions no-print"><button type="button" id="report-print" class="primary" on:click=print>"Печать / Сохранить как PDF"</button></p>
            <h2 id="report-h">{format!("Самодиагностика: {}", p.school_name)}</h2>
            <p>{format!("{} · код {} · тип: {} · отчёт от {today}", p.municipality, p.school_id, p.school_type.label())}</p>
            <section class="report-part">
                <Trajectory rows=rows.clone()/>
            </section>
            <section class="report-part">
                <h3>"Место в регионе"</h3>
                {match placement {
                    None => view! { <p>"Эталон региона не загружен."</p> }.into_any(),
                    Some((region, Err(e))) => view! { <p>{format!("{region}: {e}")}</p> }.into_any(),
                    Some((region, Ok(pl))) => view! { <p>{format!("По эталону: {region}.")}</p><PlacementView p=pl/> }.into_any(),
                }}
            </section>
            <section class="report-part">
                <h3>"Самооценка"</h3>
                {match latest_sa {
                    None => view! { <p>"Самооценка не заполнена."</p> }.into_any(),
                    Some(s) => view! { <p>{format!("{} год.", s.year)}</p><SummaryTable summary=s/> }.into_any(),
                }}
            </section>
            <section class="report-part">
                <h3>"Программа повышения качества образования"</h3>
                <ProgrammeView prog=prog/>
            </section>
        </article>
    }
    .into_any()
}

/// A programme as a document: basis, problem zones, targets with the three monitoring points,
/// measures (also in the municipality's school card).
#[component]
pub fn ProgrammeView(prog: crate::domain::programme::Programme) -> impl IntoView {
    view! {
                {if prog.is_empty() { view! { <p>"Программа не составлена."</p> }.into_any() } else { view! {
                    {(!prog.basis.is_empty()).then(|| view! { <p>{format!("Основание: {}", prog.basis)}</p> })}
                    <h4>"Проблемные зоны"</h4>
                    <ol>{prog.zones.iter().map(|z| view! { <li>{z.text.clone()}</li> }).collect_view()}</ol>
                    <h4>"Цели и мониторинг"</h4>
                    {prog.targets.is_empty().then(|| view! { <p>"Цели не заданы."</p> })}
                    <table class="data" class:hidden=prog.targets.is_empty()>
                        <thead><tr><th scope="col">"Показатель"</th><th scope="col" class="num">"Исходное"</th><th scope="col" class="num">"Цель"</th><th scope="col">"Год"</th><th scope="col">"Входной"</th><th scope="col">"Промежуточный"</th><th scope="col">"Итоговый"</th><th scope="col">"Достигнута"</th></tr></thead>
                        <tbody>{prog.targets.iter().map(|t| {
                            let point = |c: &crate::domain::programme::Checkpoint| format!("{} {}", num(c.value, 2), c.date);
                            view! { <tr>
                                <td>{format!("{} {}", t.label, t.unit)}</td>
                                <td class="num">{num(t.baseline, 2)}</td>
                                <td class="num">{num(t.target, 2)}</td>
                                <td>{t.target_year.map(|y| y.to_string()).unwrap_or_default()}</td>
                                <td>{point(&t.entry)}</td><td>{point(&t.interim)}</td><td>{point(&t.final_)}</td>
                                <td>{Target::reached(t).map_or("—", |r| if r { "да" } else { "нет" })}</td>
                            </tr> }
                        }).collect_view()}</tbody>
                    </table>
                    <h4>"Мероприятия"</h4>
                    {prog.measures.is_empty().then(|| view! { <p>"Мероприятия не заданы."</p> })}
                    <table class="data" class:hidden=prog.measures.is_empty()>
                        <thead><tr><th scope="col">"Мероприятие"</th><th scope="col">"Начало"</th><th scope="col">"Срок"</th><th scope="col">"Ответственный"</th><th scope="col">"Выполнено"</th></tr></thead>
                        <tbody>{prog.measures.iter().map(|m| view! { <tr><td>{m.text.clone()}</td><td>{m.start.clone()}</td><td>{m.due.clone()}</td><td>{m.responsible.clone()}</td><td>{if m.done { "да" } else { "нет" }}</td></tr> }).collect_view()}</tbody>
                    </table>
                }.into_any() }}
    }
}
