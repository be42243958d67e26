//! The support project of a year: who takes part («по согласованию с ОМСУ»), which partner
//! school is assigned to each with the agreement, and the project's figures computed from what
//! is stored. The decisions are written to the schools' records through the data service.

use super::card_opening::CardButton;
use super::RunContext;
use crate::app::actions;
use crate::app::components::rows_shown;
use crate::app::components::{Dialog, Pager};
use crate::app::files::TableFiles;
use crate::app::state::app_state;
use crate::domain::common::format::{count, num, plural};
use crate::domain::common::time::date_ru;
use crate::domain::exchange::catalog::SchoolSummary;
use crate::domain::exchange::project::{mark_all, unmark};
use crate::domain::support::{
    figures_table, participants_table, project_figures, project_lines, Agreement, PartnerCandidate,
    Support, SupportView, FIGURES_READING,
};
use leptos::prelude::*;
use std::collections::HashMap;

/// The school's support in the project year, as stored.
fn stored_support(school_id: &str, year: i32) -> Support {
    app_state().overview.with(|o| {
        o.as_ref()
            .and_then(|o| o.school(school_id))
            .and_then(|s| s.support.get(&year).cloned())
            .unwrap_or_default()
    })
}

/// The card's form: participant this year, the partner school (ranked candidates with why),
/// the agreement's number and date, a note.
#[component]
pub fn SupportEditor(school_id: String, candidates: Vec<PartnerCandidate>) -> impl IntoView {
    let state = app_state();
    let ctx = expect_context::<RunContext>();
    let year = ctx.project_year;
    let participant = RwSignal::new(false);
    let partner = RwSignal::new(String::new());
    let number = RwSignal::new(String::new());
    let date = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let id = school_id.clone();
    // The form shows what is stored for the year (again after a save or a change of year).
    Effect::new(move |_| {
        let s = stored_support(&id, year.get());
        state.overview.track();
        participant.set(s.participant);
        partner.set(s.partner_id().unwrap_or_default().to_string());
        number.set(
            s.partner
                .as_ref()
                .map(|a| a.number.clone())
                .unwrap_or_default(),
        );
        date.set(
            s.partner
                .as_ref()
                .map(|a| a.date.clone())
                .unwrap_or_default(),
        );
        note.set(s.note.clone());
    });
    let names: HashMap<String, String> = candidates
        .iter()
        .map(|c| (c.school_id.clone(), c.school_name.clone()))
        .collect();
    let save_id = school_id.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let p = partner.get_untracked();
        let support = Support {
            participant: participant.get_untracked(),
            partner: (!p.trim().is_empty()).then(|| Agreement {
                partner_id: p,
                number: number.get_untracked().trim().to_string(),
                date: date.get_untracked().trim().to_string(),
            }),
            note: note.get_untracked().trim().to_string(),
        };
        let id = save_id.clone();
        let y = year.get_untracked();
        leptos::task::spawn_local(async move {
            actions::set_support(state, y, vec![(id, support)]).await;
        });
    };
    let other_partner = move || {
        let p = partner.get();
        (!p.is_empty() && !names.contains_key(&p)).then(|| {
            let name = state
                .overview
                .with(|o| {
                    o.as_ref()
                        .and_then(|o| o.school(&p))
                        .map(|s| s.school_name.clone())
                })
                .unwrap_or_else(|| p.clone());
            view! { <option value=p.clone()>{format!("{name} (назначена ранее)")}</option> }
        })
    };
    let list = candidates.clone();
    view! {
        <form class="support-form" on:submit=save aria-label="Поддержка школы в году проекта">
            <div class="filters">
                <div class="field">
                    <label for="support-year">"Год проекта"</label>
                    <input id="support-year" type="number" min="1990" max="2100" prop:value=move || year.get().to_string()
                        on:change=move |ev| { if let Ok(y) = event_target_value(&ev).trim().parse::<i32>() { if (1990..=2100).contains(&y) { year.set(y) } } }/>
                </div>
                <label class="check"><input type="checkbox" id="support-participant" prop:checked=move || participant.get()
                    on:change=move |ev| participant.set(event_target_checked(&ev))/>" участник проекта в этом году"</label>
            </div>
            <div class="filters">
                <div class="field">
                    <label for="support-partner">"Школа-партнёр"</label>
                    <select id="support-partner" prop:value=move || partner.get() on:change=move |ev| partner.set(event_target_value(&ev))>
                        <option value="">"— не назначена —"</option>
                        {candidates.into_iter().map(|c| {
                            let text = format!("{} — {}{}", c.school_name, c.municipality, if c.suggested { " (предложена расчётом)" } else { "" });
                            view! { <option value=c.school_id.clone()>{text}</option> }
                        }).collect_view()}
                        {other_partner}
                    </select>
                </div>
                <div class="field">
                    <label for="support-number">"№ соглашения"</label>
                    <input id="support-number" type="text" size="10" prop:value=move || number.get() on:input=move |ev| number.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="support-date">"Дата соглашения"</label>
                    <input id="support-date" type="date" prop:value=move || date.get() on:input=move |ev| date.set(event_target_value(&ev))/>
                </div>
            </div>
            <div class="field">
                <label for="support-note">"Примечание"</label>
                <input id="support-note" type="text" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))/>
            </div>
            <p class="actions"><button type="submit" class="primary" id="support-save">"Сохранить поддержку"</button></p>
        </form>
        <h5>"Кого предложить школой-партнёром"</h5>
        {if list.is_empty() {
            view! { <p>"Кандидатов нет: в группе школы нет школ с высокими результатами (или школа не участвует в расчёте)."</p> }.into_any()
        } else {
            view! {
                <p class="hint">"Правило методики: школы той же группы со стабильно высокими результатами, затем с высокими результатами в последний год; среди них — сначала того же муниципалитета, затем с самыми похожими социальными условиями."</p>
                <ol class="candidates" data-testid="partner-candidates">
                    {list.into_iter().map(|c| {
                        let id = c.school_id.clone();
                        view! {
                            <li><strong>{c.school_name.clone()}</strong>{format!(" ({}) — {}", c.municipality, c.why)}" "
                                <button type="button" class="link" on:click=move |_| partner.set(id.clone())>"Выбрать"</button></li>
                        }
                    }).collect_view()}
                </ol>
            }.into_any()
        }}
    }
}

/// The project year: figures, participants and partners, bulk marking, CSV.
#[component]
pub fn ProjectSection() -> impl IntoView {
    let state = app_state();
    let ctx = expect_context::<RunContext>();
    let year = ctx.project_year;
    let run = ctx.data.get_value();
    let r = run.result.clone();
    let r2 = r.clone();
    let r3 = StoredValue::new(r.clone());
    let figures = Memo::new(move |_| {
        let y = year.get();
        state.overview.with(|o| {
            let o = o.as_ref()?;
            let views: Vec<SupportView> =
                o.schools.iter().map(SchoolSummary::support_view).collect();
            Some(project_figures(&r, &views, y))
        })
    });
    // ШНРО and ШНСУ of the run and every participant of the year.
    let lines = Memo::new(move |_| {
        let y = year.get();
        state.overview.with(|o| {
            let Some(o) = o.as_ref() else {
                return Vec::new();
            };
            let views: Vec<SupportView> =
                o.schools.iter().map(SchoolSummary::support_view).collect();
            project_lines(&r2, &views, y)
        })
    });
    let page = RwSignal::new(0usize);
    let size = RwSignal::new(50usize);
    let total = Signal::derive(move || lines.with(Vec::len));
    // «Отметить участниками всех ШНРО и ШНСУ»: asked with the count, then written; the
    // schools it marked can be unmarked again («Отменить отметку»).
    let asking = RwSignal::new(false);
    let to_mark = RwSignal::new(Vec::<(String, Support)>::new());
    let marked = RwSignal::new(None::<(i32, Vec<String>)>);
    let busy = RwSignal::new(false);
    let ask = move |_| {
        let changes = lines.with_untracked(|l| mark_all(l));
        if changes.is_empty() {
            state.say(
                crate::app::state::NoticeKind::Info,
                "Все ШНРО и ШНСУ уже отмечены участниками.",
            );
            return;
        }
        to_mark.set(changes);
        asking.set(true);
    };
    let confirm = move |_| {
        asking.set(false);
        let y = year.get_untracked();
        let changes = to_mark.get_untracked();
        let ids: Vec<String> = changes.iter().map(|(id, _)| id.clone()).collect();
        busy.set(true);
        leptos::task::spawn_local(async move {
            if actions::set_support(state, y, changes).await {
                marked.set(Some((y, ids)));
                focus_later("bulk-undo");
            }
            busy.set(false);
        });
    };
    let undo = move |_| {
        let Some((y, ids)) = marked.get_untracked() else {
            return;
        };
        // The lines of that year as stored now (a partner assigned since is kept).
        let changes = state.overview.with_untracked(|o| {
            o.as_ref().map_or_else(Vec::new, |o| {
                let views: Vec<SupportView> =
                    o.schools.iter().map(SchoolSummary::support_view).collect();
                r3.with_value(|r| unmark(&project_lines(r, &views, y), &ids))
            })
        });
        busy.set(true);
        leptos::task::spawn_local(async move {
            if changes.is_empty() || actions::set_support(state, y, changes).await {
                marked.set(None);
                focus_later("bulk-mark");
            }
            busy.set(false);
        });
    };
    // A change of year leaves the marking of another year: its undo goes.
    Effect::new(move |_| {
        let y = year.get();
        if marked.with_untracked(|m| m.as_ref().is_some_and(|(my, _)| *my != y)) {
            marked.set(None);
        }
    });
    let figures_of = move || {
        figures
            .get_untracked()
            .map(|f| figures_table(&f))
            .unwrap_or_default()
    };
    let lines_of = move || lines.with_untracked(|l| participants_table(l));
    view! {
        <section aria-labelledby="project-h" class="project">
            <h3 id="project-h">{move || format!("Проект «Эффективная школа» в {} году: участники и школы-партнёры", year.get())}</h3>
            <div class="filters">
                <div class="field">
                    <label for="project-year">"Год проекта"</label>
                    <input id="project-year" type="number" min="1990" max="2100" prop:value=move || year.get().to_string()
                        on:change=move |ev| { if let Ok(y) = event_target_value(&ev).trim().parse::<i32>() { if (1990..=2100).contains(&y) { year.set(y) } } }/>
                </div>
            </div>
            <p class="hint">"Перечень участников утверждается «по согласованию с ОМСУ» и может отличаться от списков идентификации. Отметьте участников и закрепите за каждым школу-партнёра в карточке школы."</p>
            <h4>"Показатели проекта"</h4>
            {move || figures.get().map(|f| view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label="Показатели проекта">
                    <table class="data compact" data-testid="project-figures">
                        <thead><tr><th scope="col">"Показатель"</th><th scope="col" class="num">"Число"</th><th scope="col" class="num">"Из"</th><th scope="col" class="num">"Доля"</th></tr></thead>
                        <tbody>{f.figures().into_iter().map(|x| view! {
                            <tr data-figure=x.id><th scope="row">{x.label.clone()}</th><td class="num">{crate::domain::common::format::thousands(x.count)}</td>
                                <td class="num">{x.of.map(crate::domain::common::format::thousands).unwrap_or_else(|| "—".into())}</td>
                                <td class="num">{x.percent().map(|p| format!("{} %", num(Some(p), 1))).unwrap_or_else(|| "—".into())}</td></tr>
                        }).collect_view()}</tbody>
                    </table>
                </div>
            })}
            <details data-print-open=""><summary>"Как считаются показатели"</summary><p>{FIGURES_READING}</p></details>
            <p class="actions">
                {move || view! { <TableFiles label="Показатели" what=format!("показатели проекта {}", year.get()) sheet="Показатели проекта" table=figures_of/> }}
                <button type="button" id="bulk-mark" on:click=ask disabled=move || busy.get() aria-busy=move || busy.get().to_string()>"Отметить участниками всех ШНРО и ШНСУ…"</button>
                {move || view! { <TableFiles label="Участники и партнёры" what=format!("участники проекта {}", year.get()) sheet="Участники и партнёры" table=lines_of/> }}
            </p>
            {move || marked.get().map(|(y, ids)| view! {
                <div class="alert success" role="status" data-testid="bulk-marked">
                    <p>{format!("Отмечены участниками проекта {y} года: {}.", count(ids.len(), "школа", "школы", "школ"))}</p>
                    <p class="actions"><button type="button" id="bulk-undo" on:click=undo disabled=move || busy.get()>"Отменить отметку"</button></p>
                </div>
            })}
            <Dialog open=asking title="Отметить участниками всех ШНРО и ШНСУ?">
                <p>{move || {
                    let n = to_mark.with(Vec::len);
                    format!(
                        "Участниками проекта {} года {} {} — ШНРО и ШНСУ этого расчёта, ещё не отмеченные. Школы-партнёры и соглашения не меняются. Отметку можно будет отменить.",
                        year.get(),
                        plural(n, "будет отмечена", "будут отмечены", "будут отмечены"),
                        count(n, "школа", "школы", "школ")
                    )
                }}</p>
                <form method="dialog" class="actions">
                    <button type="button" class="primary" id="bulk-confirm" on:click=confirm>{move || format!("Отметить: {}", to_mark.with(Vec::len))}</button>
                    <button type="submit" autofocus>"Отмена"</button>
                </form>
            </Dialog>
            <h4>{move || format!("ШНРО, ШНСУ и участники: {}", total.get())}</h4>
            <Pager total=total page=page size=size label="Страницы списка участников"/>
            <div class="table-wrap" tabindex="0" role="region" aria-label="Участники проекта и школы-партнёры">
                <table class="data" data-testid="participants">
                    <thead><tr><th scope="col">"Школа"</th><th scope="col">"Муниципалитет"</th><th scope="col">"Категория"</th><th scope="col">"Участник"</th><th scope="col">"Школа-партнёр"</th><th scope="col">"Соглашение"</th></tr></thead>
                    <tbody>
                        {move || {
                            let range = rows_shown(total.get(), page, size);
                            lines.with(|l| l[range].to_vec()).into_iter().map(|x| {
                                let a = x.support.partner.clone().unwrap_or_default();
                                let agreement = [(!a.number.is_empty()).then(|| format!("№ {}", a.number)), (!a.date.is_empty()).then(|| format!("от {}", date_ru(&a.date)))].into_iter().flatten().collect::<Vec<_>>().join(" ");
                                view! {
                                    <tr data-school=x.school_id.clone()>
                                        <th scope="row"><CardButton school_id=x.school_id.clone() name=x.school_name.clone()/></th>
                                        <td>{x.municipality.clone()}</td>
                                        <td>{x.category.clone()}</td>
                                        <td>{if x.support.participant { "да" } else { "нет" }}</td>
                                        <td>{if x.partner.is_empty() { "не назначена".to_string() } else { x.partner.clone() }}</td>
                                        <td>{if agreement.is_empty() { "—".to_string() } else { agreement }}</td>
                                    </tr>
                                }
                            }).collect_view()
                        }}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// Moves the focus to the element `id` once it is drawn (the next tick).
fn focus_later(id: &'static str) {
    set_timeout(
        move || {
            if let Some(e) = document().get_element_by_id(id) {
                if let Ok(e) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e) {
                    let _ = e.focus();
                }
            }
        },
        std::time::Duration::from_millis(50),
    );
}
