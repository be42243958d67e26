//! The mapping step of an import: a table file whose header is not the row contract's
//! (another region's form, an old template, a foreign data set), or a workbook with several
//! sheets, is shown column by column before it is read. Each column of the file is read as a
//! contract column or ignored, with the suggestion and why; a share given as 0–1 is offered for
//! conversion; «Проверить чтение» shows the first rows as they will be read with every
//! problem; the mapping is saved by name (the `drafts` store, `mapping:<name>`) and offered
//! again for next year's file of the same form.

use crate::app::actions;
use crate::app::components::ProblemList;
use crate::app::state::{app_state, NoticeKind};
use crate::domain::common::format::{count, thousands};
use crate::domain::contract::schema::{schema, Kind};
use crate::domain::input::mapping::{self, SavedMappings, Suggestion};
use crate::domain::input::{ColumnMapping, ReadOptions};
use crate::protocol::Inspection;
use crate::storage::drafts;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeMap;

/// True when the files need the mapping step: a table whose header does not name the
/// contract's columns, or a workbook with several sheets.
pub fn needed(inspections: &[Inspection]) -> bool {
    inspections.iter().any(|i| {
        i.table
            .as_ref()
            .is_some_and(|t| !i.reads_by_names || t.sheets.len() > 1)
    })
}

/// One file of the step, as being edited.
#[derive(Clone, PartialEq)]
struct Edit {
    inspection: Inspection,
    suggestions: Vec<Suggestion>,
    mapping: ColumnMapping,
    sheet: Option<String>,
}

impl Edit {
    fn new(inspection: Inspection, saved: &SavedMappings) -> Edit {
        let stem = inspection
            .file
            .rsplit_once('.')
            .map(|(s, _)| s.to_string())
            .unwrap_or_else(|| inspection.file.clone());
        let (suggestions, mapping) = match &inspection.table {
            Some(t) => {
                let suggestions = mapping::suggest(t);
                let mapping = match saved.find_for(t) {
                    Some(m) => m.clone(),
                    None => mapping::mapping_from(&suggestions, &stem),
                };
                (suggestions, mapping)
            }
            None => (Vec::new(), ColumnMapping::default()),
        };
        let sheet = inspection.table.as_ref().and_then(|t| t.sheet.clone());
        Edit {
            inspection,
            suggestions,
            mapping,
            sheet,
        }
    }

    fn options(&self) -> ReadOptions {
        ReadOptions {
            sheet: self.sheet.clone(),
            mapping: (!self.inspection.reads_by_names || self.mapping_differs())
                .then(|| self.mapping.clone()),
        }
    }

    /// True when the person read a column otherwise than its header names it.
    fn mapping_differs(&self) -> bool {
        self.inspection.table.as_ref().is_some_and(|t| {
            let by_names = mapping::mapping_from(&mapping::suggest(t), &self.mapping.name);
            by_names.columns != self.mapping.columns
        })
    }

    /// The mapping's target and fraction flag for the file's column `source`.
    fn target_of(&self, source: &str) -> (Option<String>, bool) {
        self.mapping
            .columns
            .iter()
            .find(|m| m.source == source)
            .map(|m| (m.target.clone(), m.fraction))
            .unwrap_or((None, false))
    }

    fn set(&mut self, source: &str, target: Option<String>, fraction: bool) {
        match self.mapping.columns.iter_mut().find(|m| m.source == source) {
            Some(m) => {
                m.target = target;
                m.fraction = fraction;
            }
            None => self
                .mapping
                .columns
                .push(crate::domain::input::MappedColumn {
                    source: source.to_string(),
                    target,
                    fraction,
                }),
        }
    }
}

/// The step for the files just picked. `done` gets the options to read each file with;
/// `cancel` drops the import.
#[component]
pub fn MappingStep(
    files: StoredValue<Vec<web_sys::File>, LocalStorage>,
    inspections: Vec<Inspection>,
    saved: SavedMappings,
    done: Callback<BTreeMap<String, ReadOptions>>,
    cancel: Callback<()>,
) -> impl IntoView {
    let state = app_state();
    let saved = RwSignal::new(saved);
    let edits = RwSignal::new(
        inspections
            .into_iter()
            .filter(|i| i.table.is_some())
            .map(|i| saved.with_untracked(|s| Edit::new(i, s)))
            .collect::<Vec<_>>(),
    );
    let options = move || {
        edits.with_untracked(|e| {
            e.iter()
                .map(|e| (e.inspection.file.clone(), e.options()))
                .collect::<BTreeMap<_, _>>()
        })
    };
    // Reads the files again with the options as they are now and shows what they give.
    // Reads the files again with the options as they are now and shows what they give. A
    // sheet chosen anew gets its own suggestions, and is read again with them.
    let check = move || {
        spawn_local(async move {
            for _ in 0..2 {
                let Some(found) = actions::inspect(state, files.get_value(), options()).await
                else {
                    return;
                };
                let mut sheet_changed = false;
                edits.update(|e| {
                    for edit in e.iter_mut() {
                        let Some(new) = found.iter().find(|f| f.file == edit.inspection.file)
                        else {
                            continue;
                        };
                        let sheet = |i: &Inspection| i.table.as_ref().and_then(|t| t.sheet.clone());
                        if sheet(new) != sheet(&edit.inspection) {
                            sheet_changed = true;
                            *edit = saved.with_untracked(|s| Edit::new(new.clone(), s));
                        } else {
                            edit.inspection = new.clone();
                        }
                    }
                });
                if !sheet_changed {
                    return;
                }
            }
        });
    };
    let proceed = move |_| done.run(options());
    view! {
        <section id="mapping-step" class="alert info" aria-labelledby="mapping-h">
            <h3 id="mapping-h">"Сопоставление столбцов"</h3>
            <p>"Заголовок таблицы не совпадает с формой таблицы Шкалы (или в книге несколько листов). Укажите для каждого столбца файла, каким столбцом Шкалы его читать, или оставьте «не использовать». Подсказки — по русским и английским названиям; доли, записанные от 0 до 1, можно перевести в проценты."</p>
            <For each=move || edits.with(|e| (0..e.len()).collect::<Vec<_>>()) key=|i| *i let(i)>
                <FileMapping edits=edits index=i check=check saved=saved/>
            </For>
            <SavedList saved=saved edits=edits check=check/>
            <p class="actions">
                <button type="button" id="mapping-check" on:click=move |_| check()>"Проверить чтение"</button>
                <button type="button" id="mapping-continue" class="primary" on:click=proceed>"Продолжить импорт"</button>
                <button type="button" on:click=move |_| cancel.run(())>"Отмена"</button>
            </p>
        </section>
    }
}

#[component]
fn FileMapping(
    edits: RwSignal<Vec<Edit>>,
    index: usize,
    check: impl Fn() + Copy + Send + Sync + 'static,
    saved: RwSignal<SavedMappings>,
) -> impl IntoView {
    let state = app_state();
    let edit = move || edits.with(|e| e.get(index).cloned());
    let file = edit()
        .map(|e| e.inspection.file.clone())
        .unwrap_or_default();
    let s = schema();
    let header = move || {
        edit()
            .and_then(|e| e.inspection.table.map(|t| t.header))
            .unwrap_or_default()
    };
    let sheets = move || {
        edit()
            .and_then(|e| e.inspection.table.map(|t| t.sheets))
            .unwrap_or_default()
    };
    let set_sheet = move |name: String| {
        edits.update(|e| {
            if let Some(e) = e.get_mut(index) {
                e.sheet = Some(name);
            }
        });
        check();
    };
    let name = move || edit().map(|e| e.mapping.name).unwrap_or_default();
    let set_name = move |v: String| {
        edits.update(|e| {
            if let Some(e) = e.get_mut(index) {
                e.mapping.name = v;
            }
        })
    };
    let save_it = move |_| {
        let Some(mapping) = edit().map(|e| e.mapping) else {
            return;
        };
        if mapping.name.trim().is_empty() {
            state.say(
                NoticeKind::Error,
                "Назовите сопоставление, чтобы сохранить его.",
            );
            return;
        }
        let problems = mapping::validate(&mapping);
        spawn_local(async move {
            match drafts::write_mapping(&mapping).await {
                Ok(()) => {
                    saved.update(|s| s.save(mapping.clone()));
                    state.say(
                    NoticeKind::Success,
                    if problems.is_empty() {
                        format!("Сопоставление «{}» сохранено: в следующий раз файл этой формы откроется с ним.", mapping.name)
                    } else {
                        format!("Сопоставление «{}» сохранено, но в нём есть недочёты: {}", mapping.name, problems.join("; "))
                    },
                    )
                }
                Err(e) => state.say(
                    NoticeKind::Error,
                    format!("Сопоставление не сохранено: {e}"),
                ),
            }
        });
    };
    let rows = move || {
        edit()
            .map(|e| {
                let look = &e.inspection;
                let sample = |pos: usize| -> String {
                    look.table
                        .as_ref()
                        .map(|t| t.column_values(pos).take(3).collect::<Vec<_>>().join("; "))
                        .unwrap_or_default()
                };
                header()
                    .into_iter()
                    .enumerate()
                    .map(|(pos, h)| {
                        let (target, fraction) = e.target_of(&h);
                        let why = e
                            .suggestions
                            .iter()
                            .find(|s| s.position == pos)
                            .map(|s| {
                                let mut w = s.why.clone();
                                if let Some(c) = &s.values_check {
                                    w.push_str("; ");
                                    w.push_str(c);
                                }
                                w
                            })
                            .unwrap_or_default();
                        (pos, h, sample(pos), target, fraction, why)
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let status = move || {
        edit().map(|e| {
            let look = e.inspection;
            let p = &look.problems;
            format!(
                "С этим сопоставлением будет прочитано {}; {}.",
                count(look.rows_total, "строка", "строки", "строк"),
                if p.is_empty() {
                    "замечаний нет".to_string()
                } else {
                    format!(
                        "ошибок {}, всего замечаний {}",
                        thousands(p.errors),
                        thousands(p.errors + p.warnings + p.notes)
                    )
                }
            )
        })
    };
    let problems =
        Signal::derive(move || edit().map(|e| e.inspection.problems).unwrap_or_default());
    let read_rows = move || edit().map(|e| e.inspection.rows).unwrap_or_default();
    let file_label = file.clone();
    view! {
        <fieldset class="mapping">
            <legend>{format!("Файл «{file}»")}</legend>
            {move || {
                let list = sheets();
                (list.len() > 1).then(|| {
                    let current = edit().and_then(|e| e.sheet).unwrap_or_default();
                    view! {
                        <p>
                            <label for=format!("sheet-{index}")>"Лист книги: "</label>
                            <select id=format!("sheet-{index}") on:change=move |ev| set_sheet(event_target_value(&ev))>
                                {list.into_iter().map(|sh| {
                                    let selected = sh == current;
                                    view! { <option value=sh.clone() selected=selected>{sh.clone()}</option> }
                                }).collect_view()}
                            </select>
                        </p>
                    }
                })
            }}
            <div class="table-wrap mapping-wrap" tabindex="0" role="region" aria-label="Столбцы файла и как их читать">
                <table class="data mapping-table">
                    <caption>{format!("Столбцы файла «{file_label}» и как их читать")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Столбец файла"</th>
                            <th scope="col">"Примеры значений"</th>
                            <th scope="col">"Читать как"</th>
                            <th scope="col">"Доли 0–1 → %"</th>
                            <th scope="col">"Подсказка"</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=rows key=|r| (r.0, r.3.clone(), r.4) let((pos, h, sample, target, fraction, why))>
                            {
                                let source = h.clone();
                                let source2 = h.clone();
                                let is_share = target
                                    .as_deref()
                                    .and_then(|id| s.columns.iter().find(|c| c.id == id))
                                    .is_some_and(|c| c.kind == Kind::Share);
                                let on_target = move |ev| {
                                    let v = event_target_value(&ev);
                                    let t = (!v.is_empty()).then_some(v);
                                    edits.update(|e| {
                                        if let Some(e) = e.get_mut(index) {
                                            let keep = e.target_of(&source).1;
                                            e.set(&source, t, keep);
                                        }
                                    });
                                };
                                let target2 = target.clone();
                                let on_fraction = move |ev| {
                                    let checked = event_target_checked(&ev);
                                    edits.update(|e| {
                                        if let Some(e) = e.get_mut(index) {
                                            e.set(&source2, target2.clone(), checked);
                                        }
                                    });
                                };
                                let chosen = target.clone().unwrap_or_default();
                                view! {
                                    <tr>
                                        <th scope="row">{h.clone()}</th>
                                        <td>{sample}</td>
                                        <td>
                                            <select id=format!("map-{index}-{pos}") aria-label=format!("Столбец «{h}» читать как") on:change=on_target>
                                                <option value="" selected=chosen.is_empty()>"— не использовать —"</option>
                                                {s.groups.iter().map(|g| view! {
                                                    <optgroup label=g.label.clone()>
                                                        {s.columns.iter().filter(|c| c.group == g.id).map(|c| {
                                                            let selected = c.id == chosen;
                                                            view! { <option value=c.id.clone() selected=selected>{format!("{} ({})", c.label, c.id)}</option> }
                                                        }).collect_view()}
                                                    </optgroup>
                                                }).collect_view()}
                                            </select>
                                        </td>
                                        <td>
                                            <input type="checkbox" id=format!("frac-{index}-{pos}") checked=fraction disabled=!is_share on:change=on_fraction
                                                aria-label=format!("Столбец «{h}»: значения — доли от 0 до 1, умножить на 100")/>
                                        </td>
                                        <td class="hint">{why}</td>
                                    </tr>
                                }
                            }
                        </For>
                    </tbody>
                </table>
            </div>
            <p>
                <label for=format!("mapping-name-{index}")>"Название сопоставления: "</label>
                <input id=format!("mapping-name-{index}") type="text" prop:value=name on:input=move |ev| set_name(event_target_value(&ev))/>
                " "
                <button type="button" on:click=save_it>"Сохранить сопоставление"</button>
            </p>
            <p class="mapping-status" role="status">{status}</p>
            <RowsRead rows=Signal::derive(read_rows)/>
            <ProblemList problems=problems/>
        </fieldset>
    }
}

/// The first rows as they will be read.
#[component]
fn RowsRead(rows: Signal<Vec<crate::domain::contract::row::Row>>) -> impl IntoView {
    move || {
        let rows = rows.get();
        (!rows.is_empty()).then(|| {
            view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label="Первые строки так, как они будут прочитаны">
                    <table class="data">
                        <caption>"Первые строки так, как они будут прочитаны"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Школа"</th>
                                <th scope="col">"Наименование"</th>
                                <th scope="col">"Муниципалитет"</th>
                                <th scope="col">"Тип"</th>
                                <th scope="col">"Год"</th>
                                <th scope="col">"Показателей заполнено"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows.into_iter().map(|r| {
                                let filled = (0..r.values.len()).filter(|&i| r.values.get(i).is_some()).count();
                                view! {
                                    <tr>
                                        <td>{r.school_id.clone()}</td>
                                        <td>{r.school_name.clone()}</td>
                                        <td>{r.municipality.clone()}</td>
                                        <td>{r.school_type.label()}</td>
                                        <td>{r.year}</td>
                                        <td>{filled}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }
        })
    }
}

/// The mappings saved in this browser: one is applied to every file of the step (then read
/// again), or deleted.
#[component]
fn SavedList(
    saved: RwSignal<SavedMappings>,
    edits: RwSignal<Vec<Edit>>,
    check: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let state = app_state();
    let apply = move |name: String| {
        let Some(m) = saved.with_untracked(|s| s.get(&name).cloned()) else {
            return;
        };
        edits.update(|e| {
            for edit in e.iter_mut() {
                edit.mapping = m.clone();
            }
        });
        check();
    };
    let delete = move |name: String| {
        spawn_local(async move {
            match drafts::remove_mapping(&name).await {
                Ok(()) => {
                    saved.update(|s| {
                        s.remove(&name);
                    });
                    state.say(
                        NoticeKind::Success,
                        format!("Сопоставление «{name}» удалено."),
                    );
                }
                Err(e) => state.say(NoticeKind::Error, format!("Сопоставление не удалено: {e}")),
            }
        });
    };
    move || {
        let names: Vec<String> =
            saved.with(|s| s.mappings.iter().map(|m| m.name.clone()).collect());
        (!names.is_empty()).then(|| view! {
            <details class="saved-mappings">
                <summary>{format!("Сохранённые сопоставления: {}", names.len())}</summary>
                <ul>
                    {names.into_iter().map(|n| {
                        let (a, d) = (n.clone(), n.clone());
                        view! {
                            <li>
                                {n.clone()}" "
                                <button type="button" class="link" aria-label=format!("Применить сопоставление «{n}»") on:click=move |_| apply(a.clone())>"Применить"</button>" "
                                <button type="button" class="link" aria-label=format!("Удалить сопоставление «{n}»") on:click=move |_| delete(d.clone())>"Удалить"</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </details>
        })
    }
}
