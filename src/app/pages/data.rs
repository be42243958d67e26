//! Data: import (bundles and CSV), export (backup, one school, a selection, CSV), the
//! demonstration region, records that could not be read, storage (usage, persistence,
//! clearing) and the journal. Reading, previewing and writing run in the data service, with
//! progress and «Отменить»; long lists are paginated.

use super::mapping::{self, MappingStep};
use crate::app::actions;
use crate::app::components::rows_shown;
use crate::app::components::{Dialog, Pager, ProblemList};
use crate::app::state::{app_state, NoticeKind};
use crate::domain::common::format::{count, date_time, ellipsis, human_bytes, pct};
use crate::domain::contract::problem::ProblemSummary;
use crate::domain::exchange::bundle::{Class, CreatedBy, Resolution, Role};
use crate::domain::input::mapping::SavedMappings;
use crate::domain::input::ReadOptions;
use crate::protocol::{Choice, Export, Inspection, PlanView};
use crate::storage::browser::{self, Persistence};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeMap;
use wasm_bindgen::JsCast;

#[component]
pub fn DataPage() -> impl IntoView {
    view! {
        <h1>"Данные"</h1>
        <p class="lead">"Загрузка файлов школ и муниципалитетов, выгрузка резервной копии и файлов для передачи, хранилище браузера."</p>
        <ImportSection/>
        <ExportSection/>
        <UnreadableSection/>
        <DemoSection/>
        <StorageSection/>
        <Journal/>
    }
}

fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

#[component]
fn ImportSection() -> impl IntoView {
    let state = app_state();
    let problems = RwSignal::new(ProblemSummary::default());
    let view_ = RwSignal::new(None::<PlanView>);
    let choice = RwSignal::new(Choice::default());
    let over = RwSignal::new(false);
    let input = NodeRef::<leptos::html::Input>::new();
    // The files picked, kept while their columns are being mapped.
    let picked = StoredValue::new_local(Vec::<web_sys::File>::new());
    let step = RwSignal::new(None::<(Vec<Inspection>, SavedMappings)>);
    let read = move |files: Vec<web_sys::File>, options: BTreeMap<String, ReadOptions>| {
        spawn_local(async move {
            if let Some(v) = actions::preview(state, files, options).await {
                problems.set(v.problems.clone());
                if v.refused > 0 {
                    state.say(
                        NoticeKind::Error,
                        format!(
                            "{}: исправьте ошибки и выберите файлы снова; ничего не загружено.",
                            count(
                                v.refused,
                                "файл не принят",
                                "файла не приняты",
                                "файлов не приняты"
                            )
                        ),
                    );
                }
                if v.plan.is_some() {
                    view_.set(Some(v));
                }
            }
        });
    };
    let start = move |files: Vec<web_sys::File>| {
        if files.is_empty() {
            return;
        }
        if let Some(p) = view_.get_untracked().and_then(|v| v.plan) {
            actions::discard_plan(p);
        }
        view_.set(None);
        step.set(None);
        problems.set(ProblemSummary::default());
        choice.set(Choice::default());
        picked.set_value(files.clone());
        spawn_local(async move {
            let Some(found) = actions::inspect(state, files.clone(), BTreeMap::new()).await else {
                return;
            };
            if mapping::needed(&found) {
                let (saved, unreadable) = crate::storage::drafts::mappings().await;
                if !unreadable.is_empty() {
                    state.say(
                        NoticeKind::Warning,
                        format!(
                            "Сохранённые сопоставления столбцов не удаётся прочитать ({}): они не изменены и сейчас не предлагаются.",
                            unreadable.join("; ")
                        ),
                    );
                }
                step.set(Some((found, saved)));
            } else {
                read(files, BTreeMap::new());
            }
        });
    };
    let mapped = Callback::new(move |options: BTreeMap<String, ReadOptions>| {
        step.set(None);
        read(picked.get_value(), options);
    });
    let unmapped = Callback::new(move |_: ()| {
        step.set(None);
        picked.set_value(Vec::new());
    });
    let on_change = move |_| {
        let files = files_of(input.get().and_then(|i| i.files()));
        if let Some(i) = input.get() {
            i.set_value("");
        }
        start(files);
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        over.set(false);
        start(files_of(ev.data_transfer().and_then(|d| d.files())));
    };
    let close = move || {
        if let Some(p) = view_.get_untracked().and_then(|v| v.plan) {
            actions::discard_plan(p);
        }
        view_.set(None);
        problems.set(ProblemSummary::default());
    };
    let apply = move |_| {
        let Some(plan) = view_.get_untracked().and_then(|v| v.plan) else {
            return;
        };
        let c = choice.get_untracked();
        spawn_local(async move {
            if actions::apply_import(state, plan, c).await {
                view_.set(None);
                problems.set(ProblemSummary::default());
                // The preview (and the focused button) is gone: the focus goes to the import's
                // heading, above the place where the preview was.
                crate::app::components::focus_when_ready("import-h");
            }
        });
    };
    view! {
        <section aria-labelledby="import-h">
            <h2 id="import-h" tabindex="-1">"Импорт"</h2>
            <p>"Файлы Шкалы (данные школы, подборка школ, эталон, оценка механизмов, резервная копия) и таблицы CSV или книги Excel (XLSX). Таблицу другой формы можно сопоставить со столбцами Шкалы. Можно выбрать несколько файлов сразу. Сначала показывается, что изменится; загрузка — только после подтверждения и одним действием: загружается всё или ничего."</p>
            <div
                class=move || if over.get() { "dropzone over" } else { "dropzone" }
                on:dragover=move |ev: web_sys::DragEvent| { ev.prevent_default(); over.set(true); }
                on:dragleave=move |_| over.set(false)
                on:drop=on_drop
            >
                <p class="dropzone-hint">"Перетащите файлы сюда или"</p>
                <label class="file-button">"Выбрать файлы…"
                    <input id="import-files" type="file" multiple accept=".json,.csv,.txt,.xlsx,application/json,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" node_ref=input on:change=on_change/>
                </label>
            </div>
            <ProblemList problems=problems/>
            {move || step.get().map(|(found, saved)| view! {
                <MappingStep files=picked inspections=found saved=saved done=mapped cancel=unmapped/>
            })}
            {move || view_.get().map(|v| view! { <Preview v=v choice=choice apply=apply close=close/> })}
        </section>
    }
}

/// What an import would change, with a choice for each conflict.
#[component]
fn Preview(
    v: PlanView,
    choice: RwSignal<Choice>,
    apply: impl Fn(web_sys::MouseEvent) + 'static,
    close: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let counts = v.counts;
    let has_changes = counts.new + counts.updated + counts.conflicts > 0;
    let groups = v.groups.clone();
    let documents = v.documents.clone();
    let conflicts = StoredValue::new(v.conflicts.clone());
    let n_conflicts = v.conflicts.len();
    let page = RwSignal::new(0usize);
    let size = RwSignal::new(50usize);
    let title = |c: Class| match c {
        Class::New => "Список новых записей",
        Class::Updated => "Список обновлённых записей",
        Class::Identical => "Список записей без изменений",
        Class::Conflict => "Список конфликтов",
    };
    let all = move |r: Resolution| {
        choice.set(Choice {
            all: Some(r),
            each: Default::default(),
        })
    };
    let chosen = move |i: usize| {
        choice.with(|c| {
            c.each
                .get(&i)
                .copied()
                .or(c.all)
                .unwrap_or(Resolution::KeepMine)
        })
    };
    let visible = move || {
        let r = rows_shown(n_conflicts, page, size);
        conflicts.with_value(|c| c[r].to_vec())
    };
    view! {
        <div id="import-preview" class="alert info" role="region" aria-label="Что изменится">
            <h3>"Что изменится"</h3>
            <ul class="plan-kinds" data-testid="plan-kinds">{v.kinds.iter().map(|l| view! { <li><strong>{l.clone()}</strong></li> }).collect_view()}</ul>
            {(!documents.is_empty()).then(|| view! {
                <div class="plan-documents" data-testid="preview-documents">
                    <h4>{documents.heading()}</h4>
                    <p><strong>{documents.totals()}</strong></p>
                    <p>{documents.classes()}</p>
                    <ul>{documents.lines.iter().map(|l| view! { <li>{l.text.clone()}</li> }).collect_view()}</ul>
                    {documents.more().map(|m| view! { <p class="hint">{m}</p> })}
                </div>
            })}
            {groups.into_iter().map(|(class, n, labels)| {
                let more = n.saturating_sub(labels.len());
                view! {
                    <details class="list">
                        <summary>{format!("{} — школы, строки и другие записи вместе: {}", title(class), crate::domain::common::format::thousands(n))}</summary>
                        <ul>{labels.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                        {(more > 0).then(|| view! { <p class="hint">{format!("и ещё {more}")}</p> })}
                    </details>
                }
            }).collect_view()}
            {(n_conflicts > 0).then(|| view! {
                <fieldset class="conflicts">
                    <legend>{format!("Конфликты: {n_conflicts} — одна и та же запись с разным содержимым")}</legend>
                    <p class="actions">
                        <button type="button" on:click=move |_| all(Resolution::KeepMine)>"Во всех — оставить моё"</button>
                        <button type="button" on:click=move |_| all(Resolution::TakeTheirs)>"Во всех — взять из файла"</button>
                    </p>
                    {(n_conflicts > 25).then(|| view! { <Pager total=Signal::derive(move || n_conflicts) page=page size=size label="Страницы списка конфликтов"/> })}
                    <ul class="conflict-list">
                        <For each=visible key=|c| c.index let(c)>
                            {
                                let i = c.index;
                                let name = format!("conflict-{i}");
                                let theirs = move || chosen(i) == Resolution::TakeTheirs;
                                view! {
                                    <li>
                                        <strong>{c.label.clone()}</strong>
                                        <span class="hint">{format!(" — {} (файл «{}»)", c.reason, c.file)}</span>
                                        <div role="radiogroup" aria-label="Какую версию оставить">
                                            <label><input type="radio" name=name.clone() prop:checked=move || !theirs()
                                                on:change=move |_| choice.update(|c| { c.each.insert(i, Resolution::KeepMine); })/>" оставить моё"</label>
                                            <label><input type="radio" name=name prop:checked=theirs
                                                on:change=move |_| choice.update(|c| { c.each.insert(i, Resolution::TakeTheirs); })/>" взять из файла"</label>
                                        </div>
                                    </li>
                                }
                            }
                        </For>
                    </ul>
                </fieldset>
            })}
            <p class="actions">
                {if has_changes {
                    {
                    let state = app_state();
                    let busy = move || state.running(actions::IMPORTING);
                    view! { <button id="import-apply" type="button" class="primary" on:click=apply disabled=busy aria-busy=move || busy().to_string()>
                        {move || if busy() { "Загружаю…" } else { "Загрузить в хранилище" }}</button> }.into_any()
                }
                } else {
                    view! { <span>"Все записи уже есть в хранилище — загружать нечего."</span> }.into_any()
                }}
                <button type="button" on:click=move |_| close()>"Закрыть предпросмотр"</button>
            </p>
        </div>
    }
}

#[component]
fn ExportSection() -> impl IntoView {
    let state = app_state();
    // While a file is built, the buttons that build one are off (a second click would do
    // nothing: one file per click).
    let exporting = move || state.running(actions::EXPORTING);
    let empty = move || {
        state.overview.with(|o| {
            o.as_ref().is_none_or(|o| {
                o.schools.is_empty() && o.assessments.is_empty() && o.runs.is_empty()
            })
        })
    };
    let muni = RwSignal::new(String::new());
    let query = RwSignal::new(String::new());
    const SHOWN: usize = 300;
    let munis = state.municipalities();
    // The schools matching the filter: (count, the first SHOWN as (id, label)).
    let matching = Memo::new(move |_| {
        let (m, q) = (muni.get(), query.get());
        state.overview.with(|o| {
            let Some(o) = o else { return (0, Vec::new()) };
            let (n, first) = o.search(&m, &q, SHOWN);
            (
                n,
                first
                    .into_iter()
                    .map(|s| {
                        (
                            s.school_id.clone(),
                            format!("{} — {}", s.school_name, s.municipality),
                        )
                    })
                    .collect::<Vec<_>>(),
            )
        })
    });
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
    let by = move || profile.get_untracked();
    let whole_municipality = move |_| {
        let m = muni.get_untracked();
        if m.is_empty() {
            state.say(NoticeKind::Info, "Выберите муниципалитет.");
            return;
        }
        let ids: Vec<String> = state.overview.with_untracked(|o| {
            o.as_ref()
                .map(|o| {
                    o.schools
                        .iter()
                        .filter(|s| s.municipality == m)
                        .map(|s| s.school_id.clone())
                        .collect()
                })
                .unwrap_or_default()
        });
        actions::export(state, Export::Collection { ids, by: by() });
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
            <p class="actions" aria-busy=move || exporting().to_string()>
                <button id="export-backup" type="button" class="primary" on:click=move |_| actions::export_backup(state) disabled=move || empty() || exporting()>"Резервная копия (всё)"</button>
                <button id="export-csv" type="button" on:click=move |_| actions::export(state, Export::RowsCsv) disabled=move || empty() || exporting()>"Все данные школ — CSV для Excel"</button>
                <button id="export-xlsx" type="button" on:click=move |_| actions::export(state, Export::RowsXlsx) disabled=move || empty() || exporting()>"Все данные школ — книга Excel"</button>
            </p>
            <div class="filters">
                <div class="field">
                    <label for="export-muni">"Муниципалитет"</label>
                    <select id="export-muni" on:change=move |ev| muni.set(event_target_value(&ev))>
                        <option value="">"все"</option>
                        {move || munis.get().into_iter().map(|m| view! { <option value=m.clone()>{m.clone()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="export-search">"Поиск школы"</label>
                    <input id="export-search" type="search" on:input=move |ev| query.set(event_target_value(&ev))/>
                </div>
            </div>
            <div class="field">
                <label for="export-schools">"Школы для выгрузки (несколько — с Ctrl или Shift)"</label>
                <select id="export-schools" multiple size="8" node_ref=selected>
                    {move || matching.get().1.into_iter().map(|(id, label)| view! { <option value=id>{label}</option> }).collect_view()}
                </select>
                {move || {
                    let (n, _) = matching.get();
                    (n > SHOWN).then(|| view! { <p class="hint">{format!("Показаны первые {SHOWN} из {n}: уточните поиск или выберите муниципалитет.")}</p> })
                }}
            </div>
            <p class="actions" aria-busy=move || exporting().to_string()>
                <button type="button" disabled=exporting on:click=move |_| {
                    let ids = selected_ids();
                    match ids.as_slice() {
                        [one] => actions::export_school(state, one.clone()),
                        _ => state.say(NoticeKind::Info, "Выберите одну школу, чтобы выгрузить её файл для муниципалитета."),
                    }
                }>"Файл одной школы"</button>
                <button type="button" disabled=exporting on:click=move |_| {
                    let ids = selected_ids();
                    if ids.is_empty() {
                        state.say(NoticeKind::Info, "Выберите школы для подборки (или нажмите «Резервная копия», чтобы выгрузить всё).");
                    } else {
                        actions::export(state, Export::Collection { ids, by: by() });
                    }
                }>"Подборка выбранных школ"</button>
                <button type="button" disabled=exporting on:click=whole_municipality>"Все школы муниципалитета"</button>
            </p>
        </section>
    }
}

/// Records of the database that could not be read: listed, exported as they are, deleted.
/// What a store of the browser's database holds, in Russian (its name is an identifier).
fn store_label(store: &str) -> String {
    match store {
        "schools" => "школы",
        "submissions" => "данные школ по годам",
        "assessments" => "оценки механизмов",
        "runs" => "расчёты",
        "references" => "эталоны",
        "log" => "журнал",
        "settings" => "настройки",
        "drafts" => "черновики",
        "quick" => "копия для быстрого запуска",
        other => other,
    }
    .to_string()
}

/// How many unreadable records the table lists (the export holds them all).
const UNREADABLE_SHOWN: usize = 200;

#[component]
fn UnreadableSection() -> impl IntoView {
    let state = app_state();
    let items = Memo::new(move |_| {
        state
            .overview
            .with(|o| o.as_ref().map(|o| o.unreadable.clone()).unwrap_or_default())
    });
    let confirm = RwSignal::new(false);
    view! {
        <Show when=move || !items.with(Vec::is_empty)>
            <section aria-labelledby="unreadable-h" class="alert error">
                <h2 id="unreadable-h">"Записи, которые не удалось прочитать"</h2>
                <p>"Эти записи хранилища повреждены или не проходят проверку этой версии Шкалы. Остальные данные прочитаны и работают; в резервную копию эти записи не входят. Выгрузите их как есть (например, чтобы передать разработчикам или исправить вручную), затем удалите."</p>
                <div class="table-wrap" tabindex="0" role="region" aria-label="Нечитаемые записи">
                    <table class="data">
                        <thead><tr><th scope="col">"Хранилище"</th><th scope="col">"Ключ"</th><th scope="col">"Причина"</th></tr></thead>
                        <tbody>
                            {move || items.get().into_iter().take(UNREADABLE_SHOWN).map(|u| view! {
                                <tr><td>{store_label(&u.store)}</td><td class="mono">{ellipsis(&u.key, 80)}</td><td>{ellipsis(&u.reason, 300)}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                {move || {
                    let n = items.with(Vec::len);
                    (n > UNREADABLE_SHOWN).then(|| view! { <p class="hint">{format!("Показаны первые {UNREADABLE_SHOWN} из {n}; выгрузка «как есть» содержит все.")}</p> })
                }}
                <p class="actions">
                    <button id="unreadable-export" type="button" on:click=move |_| actions::export(state, Export::Unreadable)>"Выгрузить как есть"</button>
                    <button type="button" class="danger" on:click=move |_| confirm.set(true)>"Удалить эти записи…"</button>
                </p>
                <Dialog open=confirm title="Удалить нечитаемые записи?">
                    <p>{move || format!("Будет удалено: {}. Сначала выгрузите их как есть, если они могут понадобиться.", count(items.with(Vec::len), "запись", "записи", "записей"))}</p>
                    <form method="dialog" class="actions">
                        <button type="button" class="danger" on:click=move |_| {
                            confirm.set(false);
                            let keys = items.get_untracked().into_iter().map(|u| (u.store, u.key)).collect();
                            actions::delete_unreadable(state, keys);
                        }>"Удалить"</button>
                        <button type="submit" autofocus>"Отмена"</button>
                    </form>
                </Dialog>
            </section>
        </Show>
    }
}

/// The demonstration region: how much of it is stored, and removing exactly it.
#[component]
fn DemoSection() -> impl IntoView {
    let state = app_state();
    let demo = Memo::new(move |_| {
        state.overview.with(|o| {
            o.as_ref().map_or((0, 0), |o| {
                let schools = o.schools.iter().filter(|s| s.demo).count();
                (schools, o.demo_and_real_rows().0)
            })
        })
    });
    let confirm = RwSignal::new(false);
    view! {
        <Show when=move || demo.get() != (0, 0) fallback=move || view! {
            <section aria-labelledby="demo-h">
                <h2 id="demo-h">"Демонстрационный регион"</h2>
                <p>"Вымышленный «Демонстрационный край» для семинара или чтобы попробовать приложение. Он хранится отдельно от ваших данных: расчёт спросит, по каким данным считать, а удаляется он одной кнопкой, не затрагивая ваши записи."</p>
                <p class="actions"><button type="button" id="demo-open" on:click=move |_| actions::load_demo(state)>"Открыть демонстрационный регион"</button></p>
            </section>
        }>
            <section aria-labelledby="demo-h">
                <h2 id="demo-h">"Демонстрационный регион"</h2>
                <p>{move || {
                    let (s, r) = demo.get();
                    format!("В хранилище {} и {} демонстрационного региона. Удаление затронет только их (и оценки механизмов и расчёты демонстрационного региона); ваши данные останутся.", count(s, "школа", "школы", "школ"), count(r, "строка", "строки", "строк"))
                }}</p>
                <p class="actions"><button type="button" class="danger" on:click=move |_| confirm.set(true)>"Удалить демонстрационный регион…"</button></p>
                <Dialog open=confirm title="Удалить демонстрационный регион?">
                    <p>"Будут удалены только демонстрационные записи. Данные, загруженные из файлов и введённые вами, останутся."</p>
                    <form method="dialog" class="actions">
                        <button type="button" class="danger" on:click=move |_| { confirm.set(false); actions::remove_demo(state); }>"Удалить"</button>
                        <button type="submit" autofocus>"Отмена"</button>
                    </form>
                </Dialog>
            </section>
        </Show>
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
    // The estimate changes with every write: refresh it when the journal grows.
    Effect::new(move |_| {
        state.overview.with(|o| o.as_ref().map(|o| o.log.len()));
        refresh();
    });
    let ask = move |_| {
        spawn_local(async move {
            persist.set(Some(browser::request_persistence().await));
        })
    };
    let confirm = RwSignal::new(false);
    let backed_up = RwSignal::new(false);
    // Bytes of the stored text per store, read on request (a national store is large).
    let sizes = RwSignal::new(None::<Result<Vec<(&'static str, usize, usize)>, String>>);
    let measure = move |_| {
        sizes.set(None);
        spawn_local(async move {
            let result = crate::storage::drafts::store_sizes()
                .await
                .map_err(|e| e.to_string());
            sizes.set(Some(result));
        });
    };
    view! {
        <section aria-labelledby="storage-h">
            <h2 id="storage-h">"Хранилище браузера"</h2>
            <p>{move || match usage.get() {
                Some((used, quota)) => format!("Занято {} из доступных {} ({}).", human_bytes(used), human_bytes(quota), pct(if quota > 0.0 { used / quota } else { 0.0 })),
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
                <button type="button" id="storage-measure" on:click=measure>"Размер по хранилищам"</button>
                <button type="button" class="danger" on:click=move |_| { backed_up.set(false); confirm.set(true); }>"Удалить все данные…"</button>
            </p>
            {move || sizes.get().map(|r| match r {
                Err(e) => view! { <p class="alert error" role="alert">{format!("Размер не измерен: {e}")}</p> }.into_any(),
                Ok(list) => view! {
                    <table class="data compact" data-testid="store-sizes">
                        <caption>"Объём записей (текст JSON; браузер хранит их со своими накладными расходами)"</caption>
                        <thead><tr><th scope="col">"Хранилище"</th><th scope="col" class="num">"Записей"</th><th scope="col" class="num">"Объём"</th></tr></thead>
                        <tbody>{list.into_iter().map(|(s, n, b)| view! {
                            <tr><th scope="row">{store_label(s)}</th><td class="num">{n}</td><td class="num">{human_bytes(b as f64)}</td></tr>
                        }).collect_view()}</tbody>
                    </table>
                }.into_any(),
            })}
            <Dialog open=confirm title="Удалить все данные из этого браузера?">
                <p>"Будут удалены школы, данные, оценки механизмов, расчёты и журнал. Отменить это нельзя. Сначала сохраните резервную копию — её можно будет загрузить обратно в разделе «Импорт»."</p>
                <p class="actions">
                    <button type="button" class="primary" on:click=move |_| { actions::export_backup(state); backed_up.set(true); }>"Сохранить резервную копию"</button>
                    <Show when=move || backed_up.get()>
                        <span role="status">"Резервная копия готовится и будет сохранена в папку загрузок."</span>
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
        state.overview.with(|o| {
            let mut v: Vec<_> = o.as_ref().map(|o| o.log.clone()).unwrap_or_default();
            v.sort_by(|a, b| b.at.cmp(&a.at));
            v
        })
    });
    let page = RwSignal::new(0usize);
    let size = RwSignal::new(25usize);
    let total = Signal::derive(move || entries.with(Vec::len));
    view! {
        <section aria-labelledby="log-h">
            <h2 id="log-h">"Журнал"</h2>
            {move || {
                if total.get() == 0 {
                    return view! { <p>"Журнал пуст."</p> }.into_any();
                }
                let r = rows_shown(total.get(), page, size);
                let e = entries.with(|e| e[r].to_vec());
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
            <Show when=move || { total.get() > 25 }>
                <Pager total=total page=page size=size label="Страницы журнала"/>
            </Show>
        </section>
    }
}
