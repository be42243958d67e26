//! The programmes of the schools on the municipal page (seed 001: monitoring «входного,
//! промежуточного, итогового»): how many targets each school reached, missed or measured late,
//! and, per school, every target with its entry, interim and final values and their dates, its
//! target and year, its state and why, and the overdue measures by name. A school's name opens
//! its card when a run with that school is shown on the page (the card needs a run); otherwise
//! it opens the school's details here and says so.

use super::card_opening::open_card;
use super::RunContext;
use crate::app::files::TableFiles;
use crate::domain::exchange::records::{SchoolDocuments, SchoolIdentity};
use crate::domain::reports::monitoring::{
    overdue_measures_table, programme_details, programme_list, programme_table,
    programme_targets_table, PointDetail, ProgrammeDetail, ProgrammeRow, TargetDetail,
};
use leptos::prelude::*;
use std::cell::Cell;
use std::sync::Arc;

thread_local! {
    /// The run shown on the page, for the programme list (a sibling of the run's view, outside
    /// its context): set when a run's view is made; a view closed since is disposed, and
    /// [`run_with`] then finds nothing.
    static SHOWN_RUN: Cell<Option<RunContext>> = const { Cell::new(None) };
}

/// Remembers the run shown on the page, so that a school's name in the programme list can
/// open its card (called where the run's view provides its [`RunContext`]).
pub fn run_shown(ctx: RunContext) {
    SHOWN_RUN.with(|r| r.set(Some(ctx)));
}

/// The run shown on the page, when it is still shown and holds the school.
fn run_with(school_id: &str) -> Option<RunContext> {
    let ctx = SHOWN_RUN.with(Cell::get)?;
    ctx.data
        .try_with_value(|d| d.result.school(school_id).is_some())
        .filter(|&holds| holds)
        .map(|_| ctx)
}

/// The programme list of the schools of the scope (`docs`: the monitoring's documents, every
/// stored school with its documents; `today` ISO): the summary sentence, the files for Excel,
/// one line per school with the counts and, under it, the school's programme in detail.
#[component]
pub fn ProgrammesView(
    docs: Arc<Vec<(SchoolIdentity, SchoolDocuments)>>,
    #[prop(into)] today: String,
) -> impl IntoView {
    let refs: Vec<(SchoolIdentity, &SchoolDocuments)> =
        docs.iter().map(|(s, d)| (s.clone(), d)).collect();
    let rows = programme_list(&refs, &today);
    let details = programme_details(&refs, &today);
    let targets = Arc::new(programme_targets_table(&refs, &today));
    let overdue = Arc::new(overdue_measures_table(&refs, &today));
    let all = Arc::new(rows.clone());
    let late = rows
        .iter()
        .filter(|r| r.late > 0 || r.overdue_measures > 0)
        .count();
    let off = rows.iter().filter(|r| r.off_target > 0).count();
    let overdue_count: usize = rows.iter().map(|r| r.overdue_measures).sum();
    // What pressing a school's name did, when it could not open the card.
    let notice = RwSignal::new(None::<String>);
    view! {
        <h3>"Программы повышения качества образования"</h3>
        {if rows.is_empty() {
            view! { <p data-testid="programmes-empty">"Программы в файлах школ не поступали."</p> }.into_any()
        } else {
            view! {
                <p>{format!("Программ: {}; с просроченными замерами или мероприятиями: {late}; с отклонением от цели: {off}.", rows.len())}</p>
                <p class="actions">
                    <TableFiles label="Программы" what="программы" sheet="Программы" table=move || programme_table(&all)/>
                    <TableFiles label="Цели и замеры" what="программы цели и замеры" sheet="Цели и замеры" table=move || (*targets).clone()/>
                    {(overdue_count > 0).then(|| view! {
                        <TableFiles label="Просроченные мероприятия" what="программы просроченные мероприятия" sheet="Просроченные мероприятия" table=move || (*overdue).clone()/>
                    })}
                </p>
                <p class="hint">"Название школы открывает её карточку, когда выше показан расчёт с этой школой; иначе раскрывает цели и мероприятия программы в строке под школой."</p>
                <p role="status" aria-live="polite" data-testid="programme-notice">{move || notice.get()}</p>
                <div class="table-wrap programmes-wrap" tabindex="0" role="region" aria-label="Программы школ">
                    <table class="data programmes" data-testid="programmes">
                        <caption>"Программы школ: цели, замеры и мероприятия"</caption>
                        <colgroup>
                            <col class="school"/><col class="muni"/><col class="basis"/>
                            <col class="count"/><col class="count"/><col class="count"/><col class="count"/><col class="count"/>
                            <col class="state"/>
                        </colgroup>
                        <thead><tr>
                            <th scope="col">"Школа"</th>
                            <th scope="col">"Муниципалитет"</th>
                            <th scope="col">"Основание"</th>
                            <th scope="col" class="num">"Целей"</th>
                            <th scope="col" class="num">"Достигнуто"</th>
                            <th scope="col" class="num">"Отклонение"</th>
                            <th scope="col" class="num">"Просрочен замер"</th>
                            <th scope="col" class="num">"Просрочено мероприятий"</th>
                            <th scope="col">"Состояние"</th>
                        </tr></thead>
                        <tbody>{rows.into_iter().zip(details).enumerate().map(|(i, (r, d))| view! {
                            <SchoolRows index=i row=r detail=d notice=notice/>
                        }).collect_view()}</tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}

/// One school: the line with the counts (its name a button) and the line under it with the
/// programme in detail.
#[component]
fn SchoolRows(
    index: usize,
    row: ProgrammeRow,
    detail: ProgrammeDetail,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let id = row.identity.school_id.clone();
    let name = row.identity.school_name.clone();
    let summary_id = format!("programme-detail-{index}");
    let focus_id = summary_id.clone();
    let show = {
        let (id, name) = (id.clone(), name.clone());
        move |_| match run_with(&id) {
            Some(ctx) => {
                notice.set(None);
                open_card(ctx, &id);
            }
            None => {
                open.set(true);
                notice.set(Some(format!(
                    "Карточка школы «{name}» открывается из результатов расчёта, а расчёт с этой школой на странице не показан: цели и мероприятия её программы раскрыты в таблице."
                )));
                let focus_id = focus_id.clone();
                set_timeout(
                    move || {
                        if let Some(s) = document().get_element_by_id(&focus_id) {
                            if let Ok(s) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(s)
                            {
                                let _ = s.focus();
                            }
                        }
                    },
                    std::time::Duration::from_millis(0),
                );
            }
        }
    };
    let class = if row.off_target > 0 || row.late > 0 || row.overdue_measures > 0 {
        "gap"
    } else {
        ""
    };
    let label = format!("Карточка или программа школы «{name}»");
    let summary = format!(
        "Цели ({}) и просроченные мероприятия ({}): {name}",
        detail.targets.len(),
        detail.overdue.len()
    );
    view! {
        <tr class=class data-school=id.clone()>
            <th scope="row"><button type="button" class="link card-open as-text" aria-label=label on:click=show>{name.clone()}</button></th>
            <td>{row.identity.municipality.clone()}</td>
            <td>{row.basis.clone()}</td>
            <td class="num">{row.targets}</td><td class="num">{row.reached}</td><td class="num">{row.off_target}</td>
            <td class="num">{row.late}</td><td class="num">{row.overdue_measures}</td>
            <td class="state">{row.status.clone()}</td>
        </tr>
        <tr class="programme-detail-row" data-detail-for=id>
            <td colspan="9">
                <details data-testid="programme-detail" data-print-open="" prop:open=move || open.get() on:toggle=move |ev| {
                    if let Some(d) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlDetailsElement>(t).ok()) {
                        open.set(d.open());
                    }
                }>
                    <summary id=summary_id>{summary}</summary>
                    <DetailBody detail=detail/>
                </details>
            </td>
        </tr>
    }
}

/// A checkpoint: the value, its date under it.
fn point_cell(p: &PointDetail) -> impl IntoView {
    let date = (p.value.is_some() && !p.date.is_empty()).then(|| p.date.clone());
    view! {
        {p.shown.clone()}
        {date.map(|d| view! { <span class="sub">{d}</span> })}
    }
}

fn target_row(t: &TargetDetail) -> impl IntoView {
    let class = if t.needs_attention() { "gap" } else { "" };
    view! {
        <tr class=class data-target=t.number.to_string()>
            <td class="num">{t.number}</td>
            <th scope="row">{t.name.clone()}</th>
            <td class="num">{t.baseline_shown.clone()}</td>
            <td class="num">{point_cell(&t.entry)}</td>
            <td class="num">{point_cell(&t.interim)}</td>
            <td class="num">{point_cell(&t.final_)}</td>
            <td class="num">{t.target_shown.clone()}<span class="sub">{t.year_text()}</span></td>
            <td>{t.state.label()}<span class="sub">{t.note.clone()}</span></td>
        </tr>
    }
}

/// A school's programme in detail: the targets with their three checkpoints and the overdue
/// measures by name.
#[component]
fn DetailBody(detail: ProgrammeDetail) -> impl IntoView {
    let name = detail.identity.school_name.clone();
    let targets = (!detail.targets.is_empty()).then(|| {
        view! {
            <table class="data programme-targets">
                <caption>{format!("Цели программы: {name}")}</caption>
                <thead><tr>
                    <th scope="col" class="num">"№"</th>
                    <th scope="col">"Показатель"</th>
                    <th scope="col" class="num">"Исходное"</th>
                    <th scope="col" class="num">"Входной замер"</th>
                    <th scope="col" class="num">"Промежуточный замер"</th>
                    <th scope="col" class="num">"Итоговый замер"</th>
                    <th scope="col" class="num">"Цель, год"</th>
                    <th scope="col">"Состояние"</th>
                </tr></thead>
                <tbody>{detail.targets.iter().map(target_row).collect_view()}</tbody>
            </table>
        }
    });
    let measures = if detail.overdue.is_empty() {
        let text = if detail.measures == 0 {
            "Мероприятия не заданы."
        } else {
            "Просроченных мероприятий нет."
        };
        view! { <p>{text}</p> }.into_any()
    } else {
        view! {
            <p class="programme-overdue-h">"Просроченные мероприятия"</p>
            <ul class="programme-overdue">{detail.overdue.iter().map(|m| {
                let who = if m.responsible.is_empty() {
                    String::new()
                } else {
                    format!(", ответственный: {}", m.responsible)
                };
                view! { <li data-measure=m.number.to_string()>{format!("«{}» — срок {}{who}", m.text, m.due)}</li> }
            }).collect_view()}</ul>
        }
        .into_any()
    };
    view! {
        {detail.targets.is_empty().then(|| view! { <p>"Цели не заданы."</p> })}
        {targets}
        {measures}
    }
}
