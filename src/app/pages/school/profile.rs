//! Choosing the school to work on, and its profile.

use super::{save, this_year, Tab, Ws};
use crate::app::actions;
use crate::app::state::NoticeKind;
use crate::domain::contract::row::SchoolType;
use crate::domain::exchange::records::SchoolIdentity;
use crate::domain::workspace::school_entry::{identity_problems, type_exclusion};
use crate::domain::workspace::Workspace;
use leptos::prelude::*;

/// Workspaces of this browser, a new one, or one made from a stored school.
#[component]
pub fn Picker(
    ws: Ws,
    list: RwSignal<Vec<Workspace>>,
    tab: RwSignal<Tab>,
    loaded: RwSignal<bool>,
    stored_id: RwSignal<String>,
) -> impl IntoView {
    let state = ws.state;
    // Stored schools matching the search (a national database holds 45,000: the list shows the
    // first SHOWN and says how many match).
    const SHOWN: usize = 300;
    let query = RwSignal::new(String::new());
    let matching = Memo::new(move |_| {
        let q = query.get();
        state.overview.with(|o| {
            let Some(o) = o else {
                return (0, Vec::new());
            };
            let (n, first) = o.search("", &q, SHOWN);
            let shown: Vec<(String, String)> = first
                .into_iter()
                .map(|s| {
                    (
                        s.school_id.clone(),
                        format!("{} ({})", s.school_name, s.municipality),
                    )
                })
                .collect();
            (n, shown)
        })
    });
    let open = move |key: String| {
        save::flush(state, ws.status);
        let w = list.with_untracked(|l| l.iter().find(|w| w.key == key).cloned());
        if w.is_some() {
            stored_id.set(String::new());
            ws.current.set(w);
            ws.status.set(save::SaveStatus::Idle);
            tab.set(Tab::Entry);
        }
    };
    let create = move |_| {
        // One intent, one effect: while the open draft is a new one with nothing typed in it
        // yet, «Новая школа» again (a double click) opens that one, not a second empty draft.
        let untouched = ws.current.with_untracked(|w| {
            w.as_ref()
                .is_some_and(|w| w.key.starts_with("new-") && w.is_blank())
        });
        if untouched {
            tab.set(Tab::Profile);
            crate::app::components::focus_when_ready("p-id");
            return;
        }
        save::flush(state, ws.status);
        let key = format!("new-{}", js_sys::Date::now() as u64);
        let mut w = Workspace::new(
            SchoolIdentity {
                school_id: String::new(),
                school_name: String::new(),
                municipality: String::new(),
                school_type: SchoolType::Secondary,
            },
            this_year(),
        );
        w.key = key;
        stored_id.set(String::new());
        ws.current.set(Some(w.clone()));
        save::schedule(state, w, 0, ws.status);
        tab.set(Tab::Profile);
        state.say(
            NoticeKind::Info,
            "Новая школа: заполните профиль, затем данные.",
        );
        crate::app::components::focus_when_ready("p-id");
    };
    view! {
        <section class="ws-picker no-print" aria-labelledby="ws-picker-h">
            <h2 id="ws-picker-h" class="visually-hidden">"Выбор школы"</h2>
            <div class="filters">
                <div class="field">
                    <label for="ws-select">"Мои школы в этом браузере"</label>
                    <select id="ws-select" prop:value=move || ws.current.with(|w| w.as_ref().map(|w| w.key.clone()).unwrap_or_default()) on:change=move |ev| open(event_target_value(&ev))>
                        <option value="">{move || if loaded.get() && list.with(Vec::is_empty) { "— пока нет —" } else { "— выберите —" }}</option>
                        <For each=move || list.get() key=|w| (w.key.clone(), w.profile.school_id.clone(), w.profile.school_name.clone()) let(w)>
                            <option value=w.key.clone()>{label(&w)}</option>
                        </For>
                    </select>
                </div>
                <p class="actions"><button type="button" id="ws-new" on:click=create>"Новая школа"</button></p>
                <div class="field" class:hidden=move || matching.with(|m| m.0 == 0 && query.with(String::is_empty))>
                    <label for="school-search">"Поиск среди школ из файлов и демонстрационного региона"</label>
                    <input id="school-search" type="search" placeholder="название или код" prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))/>
                </div>
                <div class="field" class:hidden=move || matching.with(|m| m.0 == 0 && query.with(String::is_empty))>
                    <label for="school-select">{move || {
                        let (n, shown) = matching.get();
                        if n > shown.len() {
                            format!("Школа (показаны {} из {}; уточните поиск)", crate::domain::common::format::thousands(shown.len()), crate::domain::common::format::thousands(n))
                        } else {
                            format!("Школа ({})", crate::domain::common::format::thousands(n))
                        }
                    }}</label>
                    <select id="school-select" on:change=move |ev| { stored_id.set(event_target_value(&ev)); ws.current.set(None); } prop:value=move || { matching.track(); stored_id.get() }>
                        <option value="">"— выберите школу —"</option>
                        {move || matching.get().1.into_iter().map(|(id, label)| view! { <option value=id>{label}</option> }).collect_view()}
                    </select>
                </div>
            </div>
        </section>
    }
}

fn label(w: &Workspace) -> String {
    let p = &w.profile;
    match (p.school_name.trim(), p.school_id.trim()) {
        ("", "") => "Новая школа (без названия)".to_string(),
        (name, id) => format!("{name} ({id})"),
    }
}

/// Id, name, municipality, type, director; what the type means for the method.
#[component]
pub fn ProfileForm(ws: Ws) -> impl IntoView {
    let get = move |f: fn(&SchoolIdentity) -> String| {
        ws.current
            .with_untracked(|w| w.as_ref().map(|w| f(&w.profile)).unwrap_or_default())
    };
    let set = move |f: fn(&mut SchoolIdentity, String)| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            ws.edit(save::TEXT_DELAY_MS, |w| f(&mut w.profile, v));
        }
    };
    let problems = Memo::new(move |_| {
        ws.current
            .with(|w| {
                w.as_ref().map(|w| {
                    let mut p = identity_problems(&w.profile);
                    let id = w.profile.school_id.trim();
                    if let Some(other) = ws.list.with(|l| {
                        l.iter()
                            .find(|x| x.key != w.key && !id.is_empty() && x.profile.school_id.trim() == id)
                            .map(|x| x.profile.school_name.clone())
                    }) {
                        p.push(format!(
                            "в этом браузере уже есть черновик школы с кодом «{id}» («{other}»): после сохранения оба черновика будут данными одной школы"
                        ));
                    }
                    p
                })
            })
            .unwrap_or_default()
    });
    let exclusion = Memo::new(move |_| {
        ws.current.with(|w| {
            w.as_ref().and_then(|w| {
                let params = w
                    .reference
                    .as_ref()
                    .map(|r| r.payload.params.clone())
                    .unwrap_or_default();
                type_exclusion(w.profile.school_type, &params)
            })
        })
    });
    let remove = move |_| {
        let Some(key) = ws
            .current
            .with_untracked(|w| w.as_ref().map(|w| w.key.clone()))
        else {
            return;
        };
        let confirmed = web_sys::window()
            .and_then(|w| {
                w.confirm_with_message("Удалить черновик этой школы из браузера? Сохранённые данные школы (после «Сохранить») останутся.")
                    .ok()
            })
            .unwrap_or(false);
        if !confirmed {
            return;
        }
        let state = ws.state;
        save::discard(&key);
        leptos::task::spawn_local(async move {
            match crate::storage::drafts::remove_workspace(&key).await {
                Ok(()) => {
                    ws.current.set(None);
                    ws.list.update(|l| l.retain(|w| w.key != key));
                    state.say(NoticeKind::Success, "Черновик удалён.");
                }
                Err(e) => state.fail(e),
            }
        });
    };
    view! {
        <section aria-labelledby="profile-h">
            <h2 id="profile-h">"Профиль школы"</h2>
            <div class="form-grid">
                <div class="field">
                    <label for="p-id">"Идентификатор школы"</label>
                    <input id="p-id" type="text" autocomplete="off" prop:value=get(|p| p.school_id.clone()) on:input=set(|p, v| p.school_id = v)/>
                    <small>"Код, под которым муниципалитет знает школу (например, код ОО в региональной системе)."</small>
                </div>
                <div class="field">
                    <label for="p-name">"Наименование школы"</label>
                    <input id="p-name" type="text" prop:value=get(|p| p.school_name.clone()) on:input=set(|p, v| p.school_name = v)/>
                </div>
                <div class="field">
                    <label for="p-muni">"Муниципалитет"</label>
                    <input id="p-muni" type="text" prop:value=get(|p| p.municipality.clone()) on:input=set(|p, v| p.municipality = v)/>
                </div>
                <div class="field">
                    <label for="p-type">"Тип школы"</label>
                    <select id="p-type" prop:value=get(|p| p.school_type.id().to_string()) on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some(t) = SchoolType::parse(&v) {
                            ws.edit(0, |w| w.profile.school_type = t);
                        }
                    }>
                        {SchoolType::ALL.iter().map(|t| view! { <option value=t.id()>{t.label()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="p-director">"Директор (ФИО)"</label>
                    <input id="p-director" type="text" autocomplete="off" prop:value=ws.current.with_untracked(|w| w.as_ref().map(|w| w.director.clone()).unwrap_or_default()) on:input=move |ev| {
                        let v = event_target_value(&ev);
                        ws.edit(save::TEXT_DELAY_MS, |w| w.director = v);
                    }/>
                    <small>"Для шапки отчёта и строки подписи; если не указать, в отчёте останется строка, чтобы вписать от руки."</small>
                </div>
            </div>
            {move || exclusion.get().map(|why| view! { <p class="alert warning" data-testid="type-excluded">{why}</p> })}
            {move || {
                let p = problems.get();
                (!p.is_empty()).then(|| view! {
                    <ul class="field-problems" aria-label="Что нужно заполнить">
                        {p.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                    </ul>
                })
            }}
            <p class="actions"><button type="button" class="danger" on:click=remove>"Удалить черновик школы"</button></p>
        </section>
    }
}

/// Opens a workspace made from a stored school (its rows and documents), or the existing one.
pub fn open_from_stored(ws: Ws, tab: RwSignal<Tab>, stored_id: RwSignal<String>, id: String) {
    let state = ws.state;
    leptos::task::spawn_local(async move {
        if let Ok((found, _)) = crate::storage::drafts::workspaces().await {
            if let Some(w) = found.into_iter().find(|w| w.key == id) {
                stored_id.set(String::new());
                ws.current.set(Some(w));
                tab.set(Tab::Entry);
                return;
            }
        }
        let (record, rows) = match actions::school_data(id.clone()).await {
            Ok(data) => data,
            Err(message) => {
                state.say(
                    NoticeKind::Error,
                    format!("Не удалось прочитать данные школы «{id}»: {message}"),
                );
                return;
            }
        };
        let Some(record) = record else {
            state.say(NoticeKind::Error, format!("Школа «{id}» не найдена."));
            return;
        };
        let w = Workspace::of_stored(&record, &rows, this_year());
        stored_id.set(String::new());
        ws.current.set(Some(w.clone()));
        save::schedule(state, w, 0, ws.status);
        tab.set(Tab::Entry);
    });
}
