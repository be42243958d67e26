//! Data: import (bundles and CSV), export (backup, one school, a collection, CSV), storage
//! (usage, persistence, clearing) and the journal.

use crate::app::actions;
use crate::app::components::{Dialog, ProblemList};
use crate::app::state::{app_state, AppState, NoticeKind, Progress};
use crate::domain::bundle::{
    plan_import, Class, CreatedBy, ImportPlan, Incoming, Resolution, Resolutions, Role,
};
use crate::domain::problem::Problem;
use crate::format::{count, date_time, pct};
use crate::storage::browser::{self, Persistence};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

#[component]
pub fn DataPage() -> impl IntoView {
    view! {
        <h1>"Данные"</h1>
        <p class="lead">"Загрузка файлов школ и муниципалитетов, выгрузка резервной копии и файлов для передачи, хранилище браузера."</p>
        <ImportSection/>
        <ExportSection/>
        <StorageSection/>
        <Journal/>
    }
}

/// Reads the chosen files and builds the preview.
/// (Runs in a spawned future: the state is passed in, since there is no reactive owner to look
/// up a context from.)
async fn preview(
    state: AppState,
    files: Vec<web_sys::File>,
    problems: RwSignal<Vec<Problem>>,
    plan: RwSignal<Option<ImportPlan>>,
    resolutions: RwSignal<Resolutions>,
) {
    plan.set(None);
    problems.set(Vec::new());
    resolutions.set(Resolutions::new());
    let total = files.len();
    let mut incoming = Vec::new();
    let mut found = Vec::new();
    let mut refused = 0;
    for (i, f) in files.iter().enumerate() {
        let name = f.name();
        state.progress.set(Some(Progress {
            label: format!("Читаю «{name}»…"),
            fraction: Some(i as f64 / total as f64),
        }));
        actions::yield_to_browser().await;
        match browser::read_file(f).await {
            Ok(bytes) => match Incoming::read(&name, &bytes) {
                Ok((inc, notes)) => {
                    incoming.push(inc);
                    found.extend(notes);
                }
                Err(p) => {
                    refused += 1;
                    found.extend(p);
                }
            },
            Err(e) => {
                refused += 1;
                found.push(Problem::error(
                    &name,
                    crate::domain::problem::Place::File,
                    None,
                    format!("не удаётся прочитать файл: {e}"),
                ));
            }
        }
    }
    state.progress.set(Some(Progress {
        label: "Сравниваю с данными в хранилище…".into(),
        fraction: None,
    }));
    actions::yield_to_browser().await;
    if refused == 0 && !incoming.is_empty() {
        // Compare with the database as it is now (not with a snapshot that may still be
        // loading, or that another tab has changed since).
        match crate::storage::records::load_snapshot().await {
            Ok(current) => {
                let p = plan_import(&current, &incoming, &browser::now());
                found.extend(p.warnings.iter().cloned());
                plan.set(Some(p));
            }
            Err(e) => state.fail(e),
        }
    } else if refused > 0 {
        state.say(
            NoticeKind::Error,
            format!(
                "{}: исправьте ошибки и выберите файлы снова; ничего не загружено.",
                count(
                    refused,
                    "файл не принят",
                    "файла не приняты",
                    "файлов не приняты"
                )
            ),
        );
    }
    problems.set(found);
    state.progress.set(None);
}

fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

#[component]
fn ImportSection() -> impl IntoView {
    let state = app_state();
    let problems = RwSignal::new(Vec::<Problem>::new());
    let plan = RwSignal::new(None::<ImportPlan>);
    let resolutions = RwSignal::new(Resolutions::new());
    let over = RwSignal::new(false);
    let input = NodeRef::<leptos::html::Input>::new();
    let on_change = move |_| {
        let files = files_of(input.get().and_then(|i| i.files()));
        if let Some(i) = input.get() {
            i.set_value("");
        }
        spawn_local(preview(state, files, problems, plan, resolutions));
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        over.set(false);
        let files = files_of(ev.data_transfer().and_then(|d| d.files()));
        spawn_local(preview(state, files, problems, plan, resolutions));
    };
    let cancel = move |_| {
        plan.set(None);
        problems.set(Vec::new());
    };
    let apply = move |_| {
        if let Some(p) = plan.get_untracked() {
            let r = resolutions.get_untracked();
            actions::apply_import(state, p, r, move |ok| {
                if ok {
                    plan.set(None);
                    problems.set(Vec::new());
                }
            });
        }
    };
    let all = move |r: Resolution| {
        plan.with_untracked(|p| {
            if let Some(p) = p {
                resolutions.set(p.resolve_all(r));
            }
        })
    };
    view! {
        <section aria-labelledby="import-h">
            <h2 id="import-h">"Импорт"</h2>
            <p>"Файлы Шкалы (данные школы, подборка школ, эталон, оценка механизмов, резервная копия) и таблицы CSV в контракте строки. Можно выбрать несколько файлов сразу. Сначала показывается, что изменится; загрузка — только после подтверждения."</p>
            <div
                class=move || if over.get() { "dropzone over" } else { "dropzone" }
                on:dragover=move |ev: web_sys::DragEvent| { ev.prevent_default(); over.set(true); }
                on:dragleave=move |_| over.set(false)
                on:drop=on_drop
            >
                <label for="import-files">"Перетащите файлы сюда или выберите их: "</label>
                <input id="import-files" type="file" multiple accept=".json,.csv,.txt,application/json,text/csv" node_ref=input on:change=on_change/>
            </div>
            <ProblemList problems=problems/>
            {move || plan.get().map(|p| {
                let counts = p.counts;
                let conflicts: Vec<(usize, String, String, String)> = p.conflicts().map(|(i, item)| (i, item.label.clone(), item.reason.clone(), item.source_file.clone())).collect();
                let groups: Vec<(&'static str, Vec<String>)> = [(Class::New, "Новые"), (Class::Updated, "Обновлённые"), (Class::Identical, "Без изменений")]
                    .into_iter()
                    .map(|(class, title)| (title, p.items.iter().filter(|i| i.kind == class).map(|i| i.label.clone()).collect()))
                    .collect();
                let has_changes = counts.new + counts.updated + counts.conflicts > 0;
                view! {
                    <div id="import-preview" class="alert info" role="region" aria-label="Что изменится">
                        <h3>"Что изменится"</h3>
                        <p><strong>{counts.summary()}</strong></p>
                        {groups.into_iter().filter(|(_, v)| !v.is_empty()).map(|(title, labels)| {
                            let n = labels.len();
                            let more = n.saturating_sub(200);
                            view! {
                                <details class="list">
                                    <summary>{format!("{title}: {n}")}</summary>
                                    <ul>{labels.into_iter().take(200).map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                                    {(more > 0).then(|| view! { <p class="hint">{format!("и ещё {more}")}</p> })}
                                </details>
                            }
                        }).collect_view()}
                        {(!conflicts.is_empty()).then(|| view! {
                            <fieldset class="conflicts">
                                <legend>{format!("Конфликты: {} — одна и та же запись с разным содержимым", conflicts.len())}</legend>
                                <p class="actions">
                                    <button type="button" on:click=move |_| all(Resolution::KeepMine)>"Во всех — оставить моё"</button>
                                    <button type="button" on:click=move |_| all(Resolution::TakeTheirs)>"Во всех — взять из файла"</button>
                                </p>
                                <ul class="conflict-list">
                                    {conflicts.into_iter().map(|(i, label, reason, file)| {
                                        let name = format!("conflict-{i}");
                                        let theirs = move || resolutions.with(|r| r.get(&i) == Some(&Resolution::TakeTheirs));
                                        view! {
                                            <li>
                                                <strong>{label}</strong>
                                                <span class="hint">{format!(" — {reason} (файл «{file}»)")}</span>
                                                <div role="radiogroup" aria-label="Какую версию оставить">
                                                    <label><input type="radio" name=name.clone() prop:checked=move || !theirs()
                                                        on:change=move |_| resolutions.update(|r| { r.insert(i, Resolution::KeepMine); })/>" оставить моё"</label>
                                                    <label><input type="radio" name=name prop:checked=theirs
                                                        on:change=move |_| resolutions.update(|r| { r.insert(i, Resolution::TakeTheirs); })/>" взять из файла"</label>
                                                </div>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            </fieldset>
                        })}
                        <p class="actions">
                            {if has_changes {
                                view! { <button id="import-apply" type="button" class="primary" on:click=apply>"Загрузить в хранилище"</button> }.into_any()
                            } else {
                                view! { <span>"Все записи уже есть в хранилище — загружать нечего."</span> }.into_any()
                            }}
                            <button type="button" on:click=cancel>"Отменить"</button>
                        </p>
                    </div>
                }
            })}
        </section>
    }
}

#[component]
fn ExportSection() -> impl IntoView {
    let state = app_state();
    let schools = state.school_choices();
    let empty = move || {
        state
            .snapshot
            .with(|s| s.as_ref().is_none_or(|s| s.is_empty()))
    };
    let selected = NodeRef::<leptos::html::Select>::new();
    let selected_ids = move || -> Vec<String> {
        let Some(sel) = selected.get() else {
            return Vec::new();
        };
        let opts = sel.selected_options();
        (0..opts.length())
            .filter_map(|i| opts.item(i))
            .filter_map(|o| o.dyn_into::<web_sys::HtmlOptionElement>().ok())
            .map(|o| o.value())
            .collect()
    };
    let profile = state.profile;
    let set_role = move |ev| {
        let mut p = profile.get_untracked();
        p.role = Role::parse(&event_target_value(&ev)).unwrap_or(Role::Other);
        state.save_profile(p);
    };
    let set_org = move |ev| {
        let mut p: CreatedBy = profile.get_untracked();
        p.organisation = event_target_value(&ev).trim().to_string();
        state.save_profile(p);
    };
    view! {
        <section aria-labelledby="export-h">
            <h2 id="export-h">"Экспорт"</h2>
            <fieldset class="profile">
                <legend>"От чьего имени создаются файлы"</legend>
                <div class="field">
                    <label for="profile-role">"Роль"</label>
                    <select id="profile-role" on:change=set_role prop:value=move || profile.with(|p| p.role.id().to_string())>
                        {Role::ALL.into_iter().map(|r| view! { <option value=r.id()>{r.label()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="profile-org">"Организация"</label>
                    <input id="profile-org" type="text" placeholder="например, МОУО г. Приморск" on:change=set_org prop:value=move || profile.with(|p| p.organisation.clone())/>
                </div>
            </fieldset>
            <p class="actions">
                <button id="export-backup" type="button" class="primary" on:click=move |_| actions::export_backup(state) disabled=empty>"Резервная копия (всё)"</button>
                <button id="export-csv" type="button" on:click=move |_| actions::export_rows_csv(state) disabled=empty>"Все данные школ — CSV для Excel"</button>
            </p>
            <div class="field">
                <label for="export-schools">"Школы для выгрузки (несколько — с Ctrl или Shift)"</label>
                <select id="export-schools" multiple size="8" node_ref=selected>
                    <For each=move || schools.get() key=|s| s.0.clone() let((id, name, muni))>
                        <option value=id>{format!("{name} — {muni}")}</option>
                    </For>
                </select>
            </div>
            <p class="actions">
                <button type="button" on:click=move |_| {
                    let ids = selected_ids();
                    match ids.as_slice() {
                        [one] => actions::export_school(state, one.clone()),
                        _ => state.say(NoticeKind::Info, "Выберите одну школу, чтобы выгрузить её файл для муниципалитета."),
                    }
                }>"Файл одной школы"</button>
                <button type="button" on:click=move |_| {
                    let ids = selected_ids();
                    if ids.is_empty() {
                        state.say(NoticeKind::Info, "Выберите школы для подборки (или нажмите «Резервная копия», чтобы выгрузить всё).");
                    } else {
                        actions::export_collection(state, ids);
                    }
                }>"Подборка выбранных школ"</button>
            </p>
        </section>
    }
}

#[component]
fn StorageSection() -> impl IntoView {
    let state = app_state();
    let usage = RwSignal::new(None::<(f64, f64)>);
    let persist = RwSignal::new(None::<Persistence>);
    let refresh = move || {
        spawn_local(async move {
            usage.set(browser::estimate().await);
            persist.set(Some(browser::persistence().await));
        })
    };
    refresh();
    // The estimate changes with every write: refresh it when the snapshot changes.
    Effect::new(move |_| {
        state.snapshot.track();
        refresh();
    });
    let ask = move |_| {
        spawn_local(async move {
            persist.set(Some(browser::request_persistence().await));
        })
    };
    let confirm = RwSignal::new(false);
    let backed_up = RwSignal::new(false);
    view! {
        <section aria-labelledby="storage-h">
            <h2 id="storage-h">"Хранилище браузера"</h2>
            <p>{move || match usage.get() {
                Some((used, quota)) => format!("Занято {} из доступных {} ({}).", browser::human_bytes(used), browser::human_bytes(quota), pct(if quota > 0.0 { used / quota } else { 0.0 })),
                None => "Браузер не сообщает, сколько места занято.".to_string(),
            }}</p>
            <p>{move || match persist.get() {
                Some(Persistence::Persistent) => "Браузер обещал не удалять эти данные при нехватке места.",
                Some(Persistence::BestEffort) => "Браузер может удалить данные при нехватке места. Регулярно сохраняйте резервную копию.",
                Some(Persistence::Unknown) | None => "Неизвестно, сохранит ли браузер данные при нехватке места.",
            }}</p>
            <p class="actions">
                <Show when=move || persist.get() != Some(Persistence::Persistent)>
                    <button type="button" on:click=ask>"Попросить браузер не удалять данные"</button>
                </Show>
                <button type="button" class="danger" on:click=move |_| { backed_up.set(false); confirm.set(true); }>"Удалить все данные…"</button>
            </p>
            <Dialog open=confirm title="Удалить все данные из этого браузера?">
                <p>"Будут удалены школы, данные, оценки механизмов, расчёты и журнал. Отменить это нельзя. Сначала сохраните резервную копию — её можно будет загрузить обратно в разделе «Импорт»."</p>
                <p class="actions">
                    <button type="button" class="primary" on:click=move |_| { actions::export_backup(state); backed_up.set(true); }>"Сохранить резервную копию"</button>
                    <Show when=move || backed_up.get()>
                        <span role="status">"Резервная копия сохранена в папку загрузок."</span>
                    </Show>
                </p>
                <form method="dialog" class="actions">
                    <button type="button" class="danger" on:click=move |_| { confirm.set(false); actions::clear_all(state); }>"Удалить"</button>
                    <button type="submit" autofocus>"Отмена"</button>
                </form>
            </Dialog>
        </section>
    }
}

#[component]
fn Journal() -> impl IntoView {
    let state = app_state();
    let entries = Memo::new(move |_| {
        state.snapshot.with(|s| {
            let mut v: Vec<_> = s.as_ref().map(|s| s.log.clone()).unwrap_or_default();
            v.sort_by(|a, b| b.at.cmp(&a.at));
            v.truncate(100);
            v
        })
    });
    view! {
        <section aria-labelledby="log-h">
            <h2 id="log-h">"Журнал"</h2>
            {move || {
                let e = entries.get();
                if e.is_empty() {
                    return view! { <p>"Журнал пуст."</p> }.into_any();
                }
                view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-label="Журнал импорта и экспорта">
                        <table class="data">
                            <thead><tr><th scope="col">"Когда"</th><th scope="col">"Действие"</th><th scope="col">"Файл"</th><th scope="col">"Что изменилось"</th><th scope="col">"Контрольная сумма"</th></tr></thead>
                            <tbody>{e.into_iter().map(|l| view! {
                                <tr>
                                    <td>{date_time(&l.at)}</td>
                                    <td>{l.action.label()}</td>
                                    <td>{l.file.unwrap_or_default()}</td>
                                    <td>{l.summary}</td>
                                    <td class="mono">{l.sha256.map(|s| s.chars().take(12).collect::<String>()).unwrap_or_default()}</td>
                                </tr>
                            }).collect_view()}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}
