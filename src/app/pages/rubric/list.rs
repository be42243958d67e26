//! The stored assessments: open one, start a new one, export selected ones as a file; and the
//! comparison of organisations.

use super::compare::ComparisonSection;
use super::results::overall_percent;
use super::{changed, href, percent, save, title_of};
use crate::app::actions;
use crate::app::state::{app_state, NoticeKind};
use crate::domain::common::format::count;
use crate::domain::exchange::records::{AssessmentRecord, Origin, RecordMeta};
use crate::domain::rubric::{federal, Assessment, OrgLevel, Organisation};
use crate::storage::browser;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

#[component]
pub fn Overview() -> impl IntoView {
    let r = federal();
    view! {
        <h1>"Оценка механизмов управления качеством образования"</h1>
        <p class="lead">{r.title.clone()}</p>
        <p>
            {format!("{}, {} (максимум {}). Каждая система оценивается по этапам управленческого цикла: ", count(r.systems.len(), "система", "системы", "систем"), count(r.items.len(), "оцениваемая строка", "оцениваемые строки", "оцениваемых строк"), count(r.max_total().max(0) as usize, "балл", "балла", "баллов"))}
            {r.stages.iter().map(|s| s.title.clone()).collect::<Vec<_>>().join(" → ")}
            "."
        </p>
        <AssessmentList/>
        <NewAssessment/>
        <ComparisonSection/>
    }
}

/// One line of the list.
#[derive(Debug, Clone, PartialEq)]
struct ListRow {
    id: String,
    name: String,
    level: &'static str,
    code: String,
    year: i32,
    percent: f64,
    answered: usize,
    modified: crate::domain::common::time::Timestamp,
    imported: bool,
}

#[component]
fn AssessmentList() -> impl IntoView {
    let state = app_state();
    let total = federal().items.len();
    let rows = Memo::new(move |_| {
        state.overview.with(|s| {
            let mut rows: Vec<(OrgLevel, ListRow)> = s
                .as_ref()
                .map(|s| {
                    s.assessments
                        .iter()
                        .map(|rec| {
                            let a = &rec.assessment;
                            let (percent, answered) = overall_percent(a);
                            (
                                a.organisation.level,
                                ListRow {
                                    id: rec.id.clone(),
                                    name: a.organisation.name.trim().to_string(),
                                    level: a.organisation.level.title(),
                                    code: a.organisation.code.clone().unwrap_or_default(),
                                    year: a.year,
                                    percent,
                                    answered,
                                    modified: rec.meta.modified_at.clone(),
                                    imported: matches!(rec.meta.origin, Origin::Imported { .. }),
                                },
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            rows.sort_by(|(la, a), (lb, b)| {
                (la, &a.name, std::cmp::Reverse(a.year)).cmp(&(
                    lb,
                    &b.name,
                    std::cmp::Reverse(b.year),
                ))
            });
            rows.into_iter().map(|(_, r)| r).collect::<Vec<_>>()
        })
    });
    let selected = RwSignal::new(Vec::<String>::new());
    let export = move |ids: Vec<String>| {
        let by = state.profile.get_untracked();
        actions::export(state, crate::protocol::Export::Assessments { ids, by });
    };
    let export_selected = move |_| {
        // Only ids still stored (an import or a clear may have changed the list).
        let ids: Vec<String> = rows.with_untracked(|r| {
            r.iter()
                .filter(|x| selected.with_untracked(|s| s.contains(&x.id)))
                .map(|x| x.id.clone())
                .collect()
        });
        if ids.is_empty() {
            state.say(
                NoticeKind::Info,
                "Отметьте оценки для выгрузки в первом столбце списка.",
            );
        } else {
            export(ids);
        }
    };
    let export_all = move |_| export(Vec::new());
    view! {
        <section aria-labelledby="rb-list-h">
            <h2 id="rb-list-h">"Сохранённые оценки"</h2>
            {move || {
                let list = rows.get();
                if list.is_empty() {
                    return view! {
                        <p>"Оценок пока нет. Начните новую оценку ниже или загрузите файл с оценками в разделе " <a href="/data">"«Данные»"</a> "."</p>
                    }.into_any();
                }
                view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-label="Сохранённые оценки">
                        <table class="data rb-list">
                            <thead><tr>
                                <th scope="col">"Выгрузить"</th>
                                <th scope="col">"Организация"</th>
                                <th scope="col">"Уровень"</th>
                                <th scope="col" class="num">"Год"</th>
                                <th scope="col" class="num">"% от максимума"</th>
                                <th scope="col" class="num">"Отвечено"</th>
                                <th scope="col">"Изменена"</th>
                                <th scope="col">"Открыть"</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|row| {
                                    let id = row.id.clone();
                                    let checked = {
                                        let id = id.clone();
                                        move || selected.with(|s| s.contains(&id))
                                    };
                                    let toggle = {
                                        let id = id.clone();
                                        move |ev: web_sys::Event| {
                                            let on = event_target_checked(&ev);
                                            selected.update(|s| {
                                                s.retain(|x| *x != id);
                                                if on {
                                                    s.push(id.clone());
                                                }
                                            });
                                        }
                                    };
                                    let who = format!("{}, {}", row.name, row.year);
                                    view! {
                                        <tr>
                                            <td><input type="checkbox" aria-label=format!("Отметить для выгрузки: {who}") prop:checked=checked on:change=toggle/></td>
                                            <th scope="row">
                                                {row.name.clone()}
                                                {(!row.code.trim().is_empty()).then(|| view! { <span class="hint">{format!(" (код {})", row.code.trim())}</span> })}
                                            </th>
                                            <td>{row.level}</td>
                                            <td class="num">{row.year}</td>
                                            <td class="num">{percent(row.percent)}</td>
                                            <td class="num">{format!("{} из {total}", row.answered)}</td>
                                            <td>{changed(&row.modified)}{row.imported.then_some(" (из файла)")}</td>
                                            <td class="rb-open">
                                                <a class="button" href=href(&id, false) aria-label=format!("Открыть оценку: {who}")>"Открыть"</a>
                                                " "
                                                <a href=href(&id, true) aria-label=format!("Результаты: {who}")>"Результаты"</a>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <p class="actions">
                        <button type="button" on:click=export_selected>
                            {move || {
                                let n = selected.with(Vec::len);
                                if n == 0 { "Выгрузить отмеченные".to_string() } else { format!("Выгрузить отмеченные ({n})") }
                            }}
                        </button>
                        <button type="button" on:click=export_all>"Выгрузить все оценки"</button>
                    </p>
                }.into_any()
            }}
            <p class="hint">
                "Выгрузка — файл Шкалы «оценка механизмов» для передачи в муниципалитет или регион. Чтобы загрузить такой файл, откройте раздел "
                <a href="/data">"«Данные» → «Импорт»"</a>
                "; до загрузки будет показано, что изменится."
            </p>
        </section>
    }
}

/// Why a new assessment was refused.
#[derive(Debug, Clone, PartialEq)]
enum Refusal {
    Text(String),
    /// An assessment with the same key is stored: its id, title and last change.
    Duplicate {
        id: String,
        title: String,
        changed: String,
    },
}

#[component]
fn NewAssessment() -> impl IntoView {
    let state = app_state();
    let navigate = use_navigate();
    let this_year = js_sys::Date::new_0().get_full_year() as i32;
    let name = RwSignal::new(String::new());
    let level = RwSignal::new(OrgLevel::Region);
    let code = RwSignal::new(String::new());
    let year = RwSignal::new(this_year.to_string());
    let refusal = RwSignal::new(None::<Refusal>);
    let busy = RwSignal::new(false);
    let submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        refusal.set(None);
        let org_name = name.get_untracked().trim().to_string();
        if org_name.is_empty() {
            refusal.set(Some(Refusal::Text("Укажите название организации.".into())));
            return;
        }
        let Some(y) = year
            .get_untracked()
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
        else {
            refusal.set(Some(Refusal::Text(
                "Год — целое число от 2000 до 2100.".into(),
            )));
            return;
        };
        let org_code = code.get_untracked().trim().to_string();
        let organisation = Organisation {
            name: org_name,
            level: level.get_untracked(),
            code: (!org_code.is_empty()).then_some(org_code),
        };
        let now = browser::now();
        let mut assessment = Assessment::new(federal(), organisation, y);
        assessment.updated_at = now.to_string();
        let record = AssessmentRecord::new(
            assessment,
            RecordMeta {
                modified_at: now,
                origin: Origin::Local,
            },
        );
        let existing = state.overview.with_untracked(|s| {
            s.as_ref()
                .and_then(|s| s.assessments.iter().find(|a| a.id == record.id))
                .map(|a| Refusal::Duplicate {
                    id: a.id.clone(),
                    title: title_of(&a.assessment),
                    changed: changed(&a.meta.modified_at),
                })
        });
        if let Some(d) = existing {
            refusal.set(Some(d));
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            let title = title_of(&record.assessment);
            match save::write(state, &record).await {
                Ok(()) => {
                    state.say(
                        NoticeKind::Success,
                        format!("Оценка создана: {title}. Ответы сохраняются автоматически."),
                    );
                    navigate(&href(&record.id, false), Default::default());
                }
                Err(e) => state.say(NoticeKind::Error, format!("Оценка не создана: {e}")),
            }
            busy.try_set(false);
        });
    };
    let not_ready = move || busy.get() || state.overview.with(Option::is_none);
    view! {
        <section aria-labelledby="rb-new-h">
            <h2 id="rb-new-h">"Новая оценка"</h2>
            <form class="rb-new" on:submit=submit novalidate>
                <div class="field">
                    <label for="rb-org">"Организация"</label>
                    <input id="rb-org" type="text" autocomplete="organization" placeholder="например, Демонстрационный край"
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </div>
                <div class="rb-new-row">
                    <div class="field">
                        <label for="rb-level">"Уровень"</label>
                        <select id="rb-level" on:change=move |ev| level.set(if event_target_value(&ev) == "municipality" { OrgLevel::Municipality } else { OrgLevel::Region })>
                            <option value="region" selected=move || level.get() == OrgLevel::Region>"регион"</option>
                            <option value="municipality" selected=move || level.get() == OrgLevel::Municipality>"муниципалитет"</option>
                        </select>
                    </div>
                    <div class="field">
                        <label for="rb-code">"Код (ОКТМО и т. п., необязательно)"</label>
                        <input id="rb-code" type="text" prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev))/>
                    </div>
                    <div class="field">
                        <label for="rb-year">"Год"</label>
                        <input id="rb-year" type="number" min="2000" max="2100" step="1" inputmode="numeric"
                            prop:value=move || year.get() on:input=move |ev| year.set(event_target_value(&ev))/>
                    </div>
                </div>
                <div role="alert" class="rb-refusal">
                    {move || refusal.get().map(|r| match r {
                        Refusal::Text(t) => view! { <p class="alert error">{t}</p> }.into_any(),
                        Refusal::Duplicate { id, title, changed } => view! {
                            <p class="alert error">
                                {format!("Такая оценка уже есть: {title} (изменена {changed}). Новая не создана — откройте существующую: ")}
                                <a href=href(&id, false)>{format!("«{title}»")}</a>
                                "."
                            </p>
                        }.into_any(),
                    })}
                </div>
                <p class="actions"><button type="submit" class="primary" disabled=not_ready>"Начать оценку"</button></p>
                <p class="hint">{format!(
                    "Оценка одной организации за один год хранится одна: организация узнаётся по уровню и коду, а без кода — по названию. В оценке {}.",
                    count(federal().items.len(), "строка", "строки", "строк")
                )}</p>
            </form>
        </section>
    }
}
