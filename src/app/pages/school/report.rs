//! The school's report as a document people sign and send: the school's requisites (full
//! name, code, municipality, type, director, the report's date), its data by year, its place
//! in the region by a named reference, the self-assessment summary with every answer, the
//! programme, and the signature lines. The root `<article class="report document">` carries
//! `data-doc-title` and `data-doc-date`, which the print frame repeats on every page; the
//! print style sheet hides navigation, buttons and inputs' chrome, so that «Сохранить как PDF»
//! gives a clean A4 document.

use super::assess::SummaryTable;
use super::placement::{draft_rows, PlacementView, Trajectory};
use super::Ws;
use crate::domain::common::format::{local_offset_minutes, num};
use crate::domain::common::time::date_ru;
use crate::domain::method::placement::place;
use crate::domain::school::programme::{Checkpoint, Programme};
use crate::domain::school::self_assessment::summary;
use leptos::prelude::*;

/// A line to fill in by hand where a requisite is not known.
const BLANK: &str = "______________________________";

/// The text, or a line to fill in by hand when it is empty.
fn or_blank(text: &str) -> String {
    match text.trim() {
        "" => BLANK.to_string(),
        t => t.to_string(),
    }
}

#[component]
pub fn Report(ws: Ws) -> impl IntoView {
    let print = move |_| crate::app::print::print_page(crate::app::state::app_state());
    let rows = draft_rows(ws);
    let w = ws.current.get_untracked();
    let Some(w) = w else {
        return ().into_any();
    };
    let offset = local_offset_minutes();
    let p = &w.profile;
    let placement = w
        .reference
        .as_ref()
        .map(|r| (r.sentence(offset), place(&r.payload, &rows)));
    let latest_sa = w
        .self_assessments
        .iter()
        .rev()
        .find(|s| !s.answers.is_empty())
        .map(|s| summary(s, &w.self_assessments));
    let prog = w.programme.clone();
    let today = crate::storage::browser::now().date_ru(offset);
    let name = or_blank(&p.school_name);
    let doc_title = match p.school_name.trim() {
        "" => "Самодиагностика школы".to_string(),
        n => format!("Самодиагностика школы — {n}"),
    };
    let director = w.director.trim().to_string();
    let requisites = [
        ("Полное наименование", name),
        ("Код школы", or_blank(&p.school_id)),
        ("Муниципалитет", or_blank(&p.municipality)),
        ("Тип школы", p.school_type.label().to_string()),
        ("Директор", or_blank(&director)),
        ("Дата отчёта", today.clone()),
    ];
    let signed_by = if director.is_empty() {
        "________________________".to_string()
    } else {
        director
    };
    view! {
        <article class="report document" aria-labelledby="report-h" data-doc-title=doc_title data-doc-date=today>
            <p class="actions no-print"><button type="button" id="report-print" class="primary" on:click=print>"Печать / Сохранить как PDF"</button></p>
            <header class="doc-head">
                <h2 id="report-h">"Отчёт о самодиагностике школы"</h2>
                <dl class="doc-requisites" data-testid="report-requisites">
                    {requisites.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                </dl>
            </header>
            <section class="report-part">
                <Trajectory rows=rows.clone()/>
            </section>
            <section class="report-part">
                <h3>"Место в регионе"</h3>
                {match placement {
                    None => view! { <p>"Эталон региона не загружен: место школы среди школ региона не рассчитано."</p> }.into_any(),
                    Some((which, Err(e))) => view! { <p data-testid="report-reference">{which}</p><p>{format!("Место не рассчитано: {e}.")}</p> }.into_any(),
                    Some((which, Ok(pl))) => view! { <p data-testid="report-reference">{which}</p><PlacementView p=pl/> }.into_any(),
                }}
            </section>
            <section class="report-part">
                <h3>"Самооценка"</h3>
                {match latest_sa {
                    None => view! { <p>"Самооценка не заполнена."</p> }.into_any(),
                    Some(s) => view! { <p>{format!("Самооценка за {} год.", s.year)}</p><SummaryTable summary=s/> }.into_any(),
                }}
            </section>
            <section class="report-part">
                <h3>"Программа повышения качества образования"</h3>
                <ProgrammeView prog=prog/>
            </section>
            <footer class="doc-sign" data-testid="report-signature">
                <p class="sign-line">"Директор "<span class="sign-blank">"____________________"</span>{format!(" / {signed_by} /")}</p>
                <p class="sign-date">"«____» ________________ 20____ г."</p>
                <p class="sign-seal">"М. П."</p>
            </footer>
        </article>
    }
    .into_any()
}

/// A date as ДД.ММ.ГГГГ that never breaks across lines (nothing for no date).
fn date_cell(iso: &str) -> impl IntoView {
    let shown = date_ru(iso);
    (!shown.is_empty()).then(|| view! { <span class="date">{shown}</span> })
}

/// A monitoring point: its value, and under it the date of the measurement.
fn point_cell(c: &Checkpoint) -> impl IntoView {
    let has_date = !c.date.trim().is_empty();
    view! {
        <span>{num(c.value, 2)}</span>
        {has_date.then(|| view! { <br/>{date_cell(&c.date)} })}
    }
}

/// A programme as a document: basis, problem zones, targets with the three monitoring points,
/// measures (also in the municipality's school card). Dates as ДД.ММ.ГГГГ; «Достигнута» only
/// by the final value («нет данных» before it, see
/// [`crate::domain::school::programme::Target::reached`]).
#[component]
pub fn ProgrammeView(prog: Programme) -> impl IntoView {
    view! {
                {if prog.is_empty() { view! { <p>"Программа не составлена."</p> }.into_any() } else { view! {
                    {(!prog.basis.is_empty()).then(|| view! { <p>{format!("Основание: {}", prog.basis)}</p> })}
                    <h4>"Проблемные зоны"</h4>
                    {prog.zones.is_empty().then(|| view! { <p>"Проблемные зоны не указаны."</p> })}
                    <ol class:hidden=prog.zones.is_empty()>{prog.zones.iter().map(|z| view! { <li>{z.text.clone()}</li> }).collect_view()}</ol>
                    <h4>"Цели и мониторинг"</h4>
                    {prog.targets.is_empty().then(|| view! { <p>"Цели не заданы."</p> })}
                    <table class="data prog-view" class:hidden=prog.targets.is_empty()>
                        <thead><tr><th scope="col">"Показатель"</th><th scope="col" class="num">"Исходное"</th><th scope="col" class="num">"Цель"</th><th scope="col">"Год"</th><th scope="col">"Входной замер"</th><th scope="col">"Промежуточный"</th><th scope="col">"Итоговый"</th><th scope="col">"Достигнута"</th></tr></thead>
                        <tbody>{prog.targets.iter().map(|t| view! { <tr>
                                <td>{t.name()}</td>
                                <td class="num">{num(t.baseline, 2)}</td>
                                <td class="num">{num(t.target, 2)}</td>
                                <td>{t.target_year.map(|y| y.to_string()).unwrap_or_default()}</td>
                                <td>{point_cell(&t.entry)}</td><td>{point_cell(&t.interim)}</td><td>{point_cell(&t.final_)}</td>
                                <td data-testid="target-reached">{t.reached_label()}</td>
                            </tr> }).collect_view()}</tbody>
                    </table>
                    <h4>"Мероприятия"</h4>
                    {prog.measures.is_empty().then(|| view! { <p>"Мероприятия не заданы."</p> })}
                    <table class="data prog-view" class:hidden=prog.measures.is_empty()>
                        <thead><tr><th scope="col">"Мероприятие"</th><th scope="col">"Начало"</th><th scope="col">"Срок"</th><th scope="col">"Ответственный"</th><th scope="col">"Выполнено"</th></tr></thead>
                        <tbody>{prog.measures.iter().map(|m| view! { <tr><td>{m.text.clone()}</td><td>{date_cell(&m.start)}</td><td>{date_cell(&m.due)}</td><td>{m.responsible.clone()}</td><td>{if m.done { "да" } else { "нет" }}</td></tr> }).collect_view()}</tbody>
                    </table>
                }.into_any() }}
    }
}
