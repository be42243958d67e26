//! Data entry: every column of the row contract (grouped ЕГЭ / ОГЭ / ВПР / social) × the
//! years of the draft. Each cell is checked as the user types, with the importer's messages;
//! a block pasted from Excel (tabs, decimal comma) fills the grid from the focused cell; the
//! school's own rows can be taken from a CSV or last year's file.
//!
//! Inputs are not controlled by the draft (they show its text when drawn and then report
//! every keystroke), so typing is never interrupted; a paste or an import redraws them.
//!
//! On a phone the grid stacks (style/main.css): each indicator's name above its cells, each
//! cell with its year (`data-year`), so that no name scrolls away from its cells.

use super::{picked_file, save, Ws};
use crate::app::actions;
use crate::app::state::NoticeKind;
use crate::domain::contract::schema::schema;
use crate::domain::workspace::school_entry::{check_cell, unit};
use crate::domain::workspace::take_own_rows;
use leptos::prelude::*;

#[component]
pub fn Entry(ws: Ws) -> impl IntoView {
    let state = ws.state;
    let years = Memo::new(move |_| {
        ws.current
            .with(|w| w.as_ref().map(|w| w.draft.years.clone()))
            .unwrap_or_default()
    });
    let problems = Memo::new(move |_| {
        ws.current
            .with(|w| w.as_ref().map(|w| w.draft.problems().len()))
            .unwrap_or_default()
    });
    let add_year = move |later: bool| {
        ws.edit_all(|w| {
            let y = if later {
                w.draft.years.last().map_or(super::this_year(), |y| y + 1)
            } else {
                w.draft.years.first().map_or(super::this_year(), |y| y - 1)
            };
            w.draft.add_year(y);
        })
    };
    let file_input = NodeRef::<leptos::html::Input>::new();
    let import = move |_| {
        let Some(file) = picked_file(file_input) else {
            return;
        };
        let school_id = ws.current.with_untracked(|w| {
            w.as_ref()
                .map(|w| w.profile.school_id.trim().to_string())
                .unwrap_or_default()
        });
        leptos::task::spawn_local(async move {
            let Some(own) = actions::own_rows(state, file, school_id).await else {
                return;
            };
            let mut outcome = Err(String::new());
            ws.edit_all(|w| outcome = take_own_rows(w, &own));
            match outcome {
                Ok(m) => state.say(NoticeKind::Success, m),
                Err(m) => state.say(NoticeKind::Error, format!("Файл не принят: {m}.")),
            }
        });
    };
    view! {
        <section aria-labelledby="entry-h">
            <h2 id="entry-h">"Данные школы по годам"</h2>
            <p>"Введите показатели за каждый год окна (методика: «проанализировать имеющуюся информацию за последние 3 года»). Доли — в процентах от 0 до 100, количества — целые числа, дробная часть — через запятую. Пустая клетка — нет данных. Черновик сохраняется сам; в данные школы он превращается только после «Сохранить данные школы» в разделе «Отправка»."</p>
            <p class="hint">"Можно вставить из Excel: скопируйте столбец или блок значений и вставьте в первую клетку (Ctrl+V) — строки лягут вниз по показателям, столбцы — вправо по годам. Строку таблицы региона (все столбцы Шкалы, с заголовком или без) можно вставить в любую клетку."</p>
            <div class="actions no-print">
                <button type="button" on:click=move |_| add_year(false)>"+ год раньше"</button>
                <button type="button" on:click=move |_| add_year(true)>"+ год позже"</button>
                <label class="file-button">
                    "Взять свои строки из файла (CSV, Excel .xlsx или прошлогодний файл школы)"
                    <input type="file" accept=".csv,.json,.txt,.xlsx" node_ref=file_input on:change=import id="entry-file"/>
                </label>
            </div>
            <p class="save-summary" aria-live="polite" data-testid="entry-problems">{move || match problems.get() {
                0 => "Ошибок в клетках нет.".to_string(),
                n => format!("Клеток с ошибками: {n} — они отмечены красным; такие значения не попадут в данные, пока их не исправить."),
            }}</p>
            {move || {
                ws.revision.track();
                let years = years.get();
                view! { <Grid ws=ws years=years/> }
            }}
        </section>
    }
}

/// The DOM id of a cell.
fn cell_id(year: i32, column: &str) -> String {
    format!("c-{year}-{column}")
}

#[component]
fn Grid(ws: Ws, years: Vec<i32>) -> impl IntoView {
    let s = schema();
    let mut body = Vec::new();
    let mut group = String::new();
    for c in s.data_columns() {
        if c.group != group {
            group = c.group.clone();
            body.push(view! { <tr class="group"><th colspan=years.len() + 1 scope="colgroup">{s.group_label(&group).to_string()}</th></tr> }.into_any());
        }
        let help = (!c.help.is_empty()).then(|| {
            let help = c.help.clone();
            view! { <details class="help"><summary>"Что это?"</summary><p>{help}</p></details> }
        });
        let cells = years
            .iter()
            .map(|&year| view! { <Cell ws=ws year=year column=c.id.clone()/> })
            .collect_view();
        let label = if c.label.ends_with('%') {
            c.label.clone()
        } else {
            format!("{} ({})", c.label, unit(c.kind))
        };
        body.push(
            view! {
                <tr>
                    <th scope="row">{label}{help}</th>
                    {cells}
                </tr>
            }
            .into_any(),
        );
    }
    let remove = move |year: i32| {
        let has = ws.current.with_untracked(|w| {
            w.as_ref()
                .is_some_and(|w| w.draft.cells.contains_key(&year))
        });
        let ok = !has
            || web_sys::window()
                .and_then(|w| {
                    w.confirm_with_message(&format!(
                        "Убрать {year} год из черновика вместе с введёнными значениями?"
                    ))
                    .ok()
                })
                .unwrap_or(false);
        if ok {
            ws.edit_all(|w| w.draft.remove_year(year));
        }
    };
    view! {
        <div class="table-wrap entry-grid" role="region" aria-label="Ввод показателей школы по годам" tabindex="0">
            <table class="data">
                <thead>
                    <tr>
                        <th scope="col">"Показатель"</th>
                        {years.iter().map(|&y| view! {
                            <th scope="col" class="num">{y}" "
                                <button type="button" class="link no-print" aria-label=format!("Убрать {y} год") on:click=move |_| remove(y)>"×"</button>
                            </th>
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}

#[component]
fn Cell(ws: Ws, year: i32, column: String) -> impl IntoView {
    let state = ws.state;
    let id = cell_id(year, &column);
    let err_id = format!("{id}-err");
    let initial = ws.current.with_untracked(|w| {
        w.as_ref()
            .map(|w| w.draft.text(year, &column).to_string())
            .unwrap_or_default()
    });
    let col = column.clone();
    let problem = Memo::new(move |_| {
        ws.current.with(|w| {
            w.as_ref()
                .and_then(|w| check_cell(&col, w.draft.text(year, &col)).err())
        })
    });
    let label = schema()
        .column(&column)
        .map(|c| format!("{}, {year}", c.label))
        .unwrap_or_default();
    let col_input = column.clone();
    let on_input = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        let col = col_input.clone();
        ws.edit(save::TEXT_DELAY_MS, move |w| w.draft.set(year, &col, &v));
    };
    let col_paste = column.clone();
    let on_paste = move |ev: web_sys::ClipboardEvent| {
        let Some(text) = ev
            .clipboard_data()
            .and_then(|d| d.get_data("text/plain").ok())
        else {
            return;
        };
        if !text.contains('\t') && !text.trim_end().contains('\n') {
            return; // one value: the browser pastes it, on:input reports it
        }
        ev.prevent_default();
        let col = col_paste.clone();
        let mut outcome = None;
        ws.edit_all(|w| outcome = Some(w.draft.paste(year, &col, &text)));
        if let Some(p) = outcome {
            let mut m = format!("Вставлено значений: {}.", p.cells);
            for n in p.notes {
                m.push(' ');
                m.push_str(&n);
                m.push('.');
            }
            state.say(NoticeKind::Info, m);
        }
    };
    let err_id2 = err_id.clone();
    view! {
        <td class="num" data-year=year class:invalid=move || problem.with(Option::is_some)>
            <input type="text" inputmode="decimal" id=id size="7" aria-label=label
                prop:value=initial
                aria-invalid=move || problem.with(Option::is_some).to_string()
                aria-describedby=move || problem.with(Option::is_some).then(|| err_id2.clone())
                on:input=on_input on:paste=on_paste/>
            {move || problem.get().map(|m| view! { <span class="cell-error" id=err_id.clone() role="alert">{m}</span> })}
        </td>
    }
}
