//! The improvement programme: problem zones (prefilled from the weakest components of the
//! placement and the gaps of the self-assessment), targets with a target year and the entry /
//! interim / final monitoring values with dates, and measures with dates and responsible
//! persons.

use super::placement::draft_rows;
use super::{save, Ws};
use crate::app::state::NoticeKind;
use crate::domain::contract::schema::{schema, Kind};
use crate::domain::input::parse_number;
use crate::domain::method::placement::{place, Placement};
use crate::domain::school::programme::{
    validate, Better, Checkpoint, Measure, ProblemZone, Programme, Target, ZoneOrigin,
};
use crate::domain::school::self_assessment::{questionnaire, summary};
use leptos::prelude::*;

/// The school placed by its reference, if it has one and can be placed.
fn placed(ws: Ws) -> Option<Placement> {
    let rows = draft_rows(ws);
    ws.current.with_untracked(|w| {
        let r = w.as_ref()?.reference.as_ref()?;
        place(&r.payload, &rows).ok()
    })
}

/// Why the school needs a programme by its placement (ШНРО, «группа риска», ШНСУ), if it does.
fn basis_of(p: Option<&Placement>) -> Option<String> {
    use crate::domain::method::identify::{ResultsCategory, SocialCategory};
    let p = p?;
    let mut why = Vec::new();
    if let Some(c @ (ResultsCategory::Low | ResultsCategory::Risk)) = p.results_category {
        why.push(c.label());
    }
    if let Some(c @ SocialCategory::Unfavourable) = p.social_category {
        why.push(c.label());
    }
    (!why.is_empty()).then(|| format!("по эталону региона: {}", why.join("; ")))
}

/// Zones suggested by the latest placed year and the latest self-assessment.
fn suggestions(ws: Ws, placement: Option<&Placement>) -> Vec<ProblemZone> {
    ws.current.with_untracked(|w| {
        let Some(w) = w.as_ref() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if let Some(p) = placement {
            if let Some(y) = p.years.iter().rev().find(|y| !y.weakest.is_empty()) {
                out.extend(y.weakest.iter().map(|k| ProblemZone {
                    text: format!("{} ({} год).", k.sentence.trim_end_matches('.'), y.year),
                    origin: ZoneOrigin::Component {
                        id: k.component.clone(),
                    },
                }));
            }
        }
        if let Some(sa) = w
            .self_assessments
            .iter()
            .rev()
            .find(|s| !s.answers.is_empty())
        {
            let s = summary(sa, &w.self_assessments);
            let q = questionnaire();
            for b in &s.blocks {
                for id in &b.gaps {
                    if let Some(item) = q.item(id) {
                        let answer = sa
                            .answers
                            .get(id)
                            .map(|a| a.value.display(&item.unit))
                            .unwrap_or_default();
                        out.push(ProblemZone {
                            text: format!(
                                "Самооценка {} г., дефицит: {} «{}» — ответ «{answer}»",
                                sa.year, item.id, item.text
                            ),
                            origin: ZoneOrigin::SelfAssessment { item: id.clone() },
                        });
                    }
                }
            }
        }
        out
    })
}

/// Which way a column improves: by the method's direction for results components (gap
/// components: a higher mean is better), lower for the social shares (higher = worse
/// conditions), higher otherwise.
fn better_of(column: &str) -> Better {
    use crate::domain::method::identify::method::{method, Rule};
    use crate::domain::method::stats::Direction;
    let m = method();
    if let Some(c) = m
        .results
        .iter()
        .find(|c| c.variants.iter().any(|v| v.column == column))
    {
        return match (c.rule, c.direction) {
            (Rule::Minmax, Direction::Inverse) => Better::Lower,
            _ => Better::Higher,
        };
    }
    if m.social
        .iter()
        .any(|c| c.variants.iter().any(|v| v.column == column))
    {
        return Better::Lower;
    }
    Better::Higher
}

/// A number input of target `i`; `set` writes the parsed value (empty or unreadable = none).
fn target_number(
    ws: Ws,
    i: usize,
    label: &'static str,
    v: Option<f64>,
    set: impl Fn(&mut Target, Option<f64>) + Copy + 'static,
) -> impl IntoView {
    view! {
        <input type="text" inputmode="decimal" size="6" aria-label=format!("{label}, цель {}", i + 1) prop:value=value_text(v) on:input=move |ev| {
            let x = number(&event_target_value(&ev));
            ws.edit(save::TEXT_DELAY_MS, move |w| if let Some(t) = w.programme.targets.get_mut(i) { set(t, x) });
        }/>
    }
}

/// A monitoring point of target `i`: value and date.
fn target_point(
    ws: Ws,
    i: usize,
    label: &'static str,
    c: &Checkpoint,
    point: fn(&mut Target) -> &mut Checkpoint,
) -> impl IntoView {
    let date = c.date.clone();
    view! {
        {target_number(ws, i, label, c.value, move |t, x| point(t).value = x)}
        <input type="date" aria-label=format!("{label}: дата, цель {}", i + 1) prop:value=date on:change=move |ev| {
            let d = event_target_value(&ev);
            ws.edit(0, move |w| if let Some(t) = w.programme.targets.get_mut(i) { point(t).date = d });
        }/>
    }
}

fn number(text: &str) -> Option<f64> {
    parse_number(text).ok().flatten()
}

fn value_text(v: Option<f64>) -> String {
    v.map(crate::domain::common::format::shortest_decimal_comma)
        .unwrap_or_default()
}

#[component]
pub fn ProgrammeForm(ws: Ws) -> impl IntoView {
    let state = ws.state;
    let p = move || {
        ws.current
            .with_untracked(|w| w.as_ref().map(|w| w.programme.clone()))
            .unwrap_or_default()
    };
    let edit = move |delay: u32, f: Box<dyn FnOnce(&mut Programme)>| {
        ws.edit(delay, move |w| f(&mut w.programme))
    };
    let problems = Memo::new(move |_| {
        ws.current
            .with(|w| w.as_ref().map(|w| validate(&w.programme)))
            .unwrap_or_default()
    });
    let prefill = move |_| {
        let placement = placed(ws);
        let zones = suggestions(ws, placement.as_ref());
        let basis = basis_of(placement.as_ref());
        let mut added = 0;
        ws.edit_all(|w| {
            added = w.programme.add_zones(zones);
            if let Some(b) = basis {
                if w.programme.basis.trim().is_empty() {
                    w.programme.basis = b;
                }
            }
        });
        state.say(
            NoticeKind::Info,
            if added == 0 {
                "Новых проблемных зон не найдено: загрузите эталон («Место в регионе») или ответьте на самооценку.".to_string()
            } else {
                format!("Добавлено проблемных зон: {added}.")
            },
        );
    };
    let s = schema();
    view! {
        <section aria-labelledby="prog-h">
            <h2 id="prog-h">"Программа повышения качества образования"</h2>
            <p>"Методика проекта: «разработка и утверждение школьных планов-программ повышения качества образования в ШНРО, на основании углубленного анализа и выявленных проблемных зон». Программу составляет школа из ШНРО, «группы риска» или ШНСУ — или любая школа, которая этого хочет. Мониторинг — «входного, промежуточного, итогового» значений."</p>
            {basis_of(placed(ws).as_ref()).map(|b| view! { <p class="alert warning" data-testid="prog-need">{format!("Школе нужна программа: {b}.")}</p> })}
            {move || {
                ws.revision.track();
                let prog = p();
                view! {
            <div class="field">
                <label for="prog-basis">"Основание (категория школы или решение школы)"</label>
                <input id="prog-basis" type="text" prop:value=prog.basis.clone() on:input=move |ev| {
                    let v = event_target_value(&ev);
                    edit(save::TEXT_DELAY_MS, Box::new(move |p| p.basis = v));
                }/>
            </div>

                    <h3>"Проблемные зоны"</h3>
                    <p class="actions no-print"><button type="button" id="prog-prefill" on:click=prefill>"Заполнить по слабым показателям и дефицитам самооценки"</button>
                        <button type="button" on:click=move |_| ws.edit_all(|w| w.programme.zones.push(ProblemZone { text: String::new(), origin: ZoneOrigin::Own }))>"+ своя зона"</button></p>
                    <ol class="prog-zones" data-testid="prog-zones">
                        {prog.zones.iter().enumerate().map(|(i, z)| view! {
                            <li>
                                <label class="visually-hidden" for=format!("zone-{i}")>{format!("Проблемная зона {}", i + 1)}</label>
                                <textarea id=format!("zone-{i}") rows="3" prop:value=z.text.clone() on:input=move |ev| {
                                    let v = event_target_value(&ev);
                                    edit(save::TEXT_DELAY_MS, Box::new(move |p| if let Some(z) = p.zones.get_mut(i) { z.text = v }));
                                }></textarea>
                                <button type="button" class="link no-print" on:click=move |_| ws.edit_all(|w| { if i < w.programme.zones.len() { w.programme.zones.remove(i); } })>"Убрать"</button>
                            </li>
                        }).collect_view()}
                    </ol>
                    <h3>"Цели и мониторинг"</h3>
                    <p class="actions no-print">
                        <label for="prog-add-target">"Добавить цель по показателю: "</label>
                        <select id="prog-add-target" on:change=move |ev| {
                            let id = event_target_value(&ev);
                            let Some(c) = s.column(&id) else { return };
                            let latest = ws.current.with_untracked(|w| w.as_ref().and_then(|w| {
                                w.draft.years.iter().rev().find_map(|&y| number(w.draft.text(y, &id)))
                            }));
                            let better = better_of(&id);
                            let t = Target {
                                indicator: id.clone(),
                                label: c.label.clone(),
                                unit: if c.kind == Kind::Share { "%".into() } else { String::new() },
                                better,
                                baseline: latest,
                                ..Default::default()
                            };
                            ws.edit_all(|w| w.programme.targets.push(t));
                        }>
                            <option value="">"— показатель —"</option>
                            {s.data_columns().filter(|c| c.kind != Kind::Count).map(|c| view! { <option value=c.id.clone()>{c.label.clone()}</option> }).collect_view()}
                        </select>
                        <button type="button" on:click=move |_| ws.edit_all(|w| w.programme.targets.push(Target { label: String::new(), ..Default::default() }))>"+ своя цель"</button>
                    </p>
                    <div class="table-wrap" role="region" aria-label="Цели программы" tabindex="0">
                    <table class="data prog-targets">
                        <thead><tr><th scope="col">"Показатель"</th><th scope="col">"Исходное"</th><th scope="col">"Цель"</th><th scope="col">"Год"</th><th scope="col">"Входной замер"</th><th scope="col">"Промежуточный"</th><th scope="col">"Итоговый"</th><th scope="col">"Достигнута?"</th><th scope="col" class="no-print"></th></tr></thead>
                        <tbody>
                        {prog.targets.iter().enumerate().map(|(i, t)| {
                            // Decided by the final value only («нет данных» before it).
                            let reached = move || ws.current.with(|w| w.as_ref().and_then(|w| w.programme.targets.get(i)).map(Target::reached_label)).unwrap_or("нет данных");
                            // A column's label already ends with its unit («…, %»): not twice.
                            let unit = (!t.label_has_unit()).then(|| format!(" {}", t.unit));
                            view! {
                                <tr>
                                    <td><input type="text" aria-label=format!("Показатель цели {}", i + 1) prop:value=t.label.clone() on:input=move |ev| {
                                        let v = event_target_value(&ev);
                                        edit(save::TEXT_DELAY_MS, Box::new(move |p| if let Some(t) = p.targets.get_mut(i) { t.label = v }));
                                    }/>{unit}<br/><small>{match t.better { Better::Higher => "лучше — больше", Better::Lower => "лучше — меньше" }}</small></td>
                                    <td>{target_number(ws, i, "Исходное значение", t.baseline, |t, x| t.baseline = x)}</td>
                                    <td>{target_number(ws, i, "Целевое значение", t.target, |t, x| t.target = x)}</td>
                                    <td><input type="number" min="1990" max="2100" aria-label=format!("Год достижения, цель {}", i + 1) prop:value=t.target_year.map(|y| y.to_string()).unwrap_or_default() on:input=move |ev| {
                                        let y = event_target_value(&ev).trim().parse::<i32>().ok();
                                        edit(save::TEXT_DELAY_MS, Box::new(move |p| if let Some(t) = p.targets.get_mut(i) { t.target_year = y }));
                                    }/></td>
                                    <td>{target_point(ws, i, "Входной замер", &t.entry, |t| &mut t.entry)}</td>
                                    <td>{target_point(ws, i, "Промежуточный замер", &t.interim, |t| &mut t.interim)}</td>
                                    <td>{target_point(ws, i, "Итоговый замер", &t.final_, |t| &mut t.final_)}</td>
                                    <td>{reached}</td>
                                    <td class="no-print"><button type="button" class="link" on:click=move |_| ws.edit_all(|w| { if i < w.programme.targets.len() { w.programme.targets.remove(i); } })>"Убрать"</button></td>
                                </tr>
                            }
                        }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                    <h3>"Мероприятия"</h3>
                    <p class="actions no-print"><button type="button" id="prog-add-measure" on:click=move |_| ws.edit_all(|w| w.programme.measures.push(Measure::default()))>"+ мероприятие"</button></p>
                    <div class="table-wrap" role="region" aria-label="Мероприятия программы" tabindex="0">
                    <table class="data prog-measures">
                        <thead><tr><th scope="col">"Мероприятие"</th><th scope="col">"Начало"</th><th scope="col">"Срок"</th><th scope="col">"Ответственный"</th><th scope="col">"Выполнено"</th><th scope="col" class="no-print"></th></tr></thead>
                        <tbody>
                        {prog.measures.iter().enumerate().map(|(i, m)| {
                            let text = move |label: &'static str, v: String, f: fn(&mut Measure, String)| view! {
                                <input type="text" aria-label=format!("{label}, мероприятие {}", i + 1) prop:value=v on:input=move |ev| {
                                    let x = event_target_value(&ev);
                                    edit(save::TEXT_DELAY_MS, Box::new(move |p| if let Some(m) = p.measures.get_mut(i) { f(m, x) }));
                                }/>
                            };
                            let date = move |label: &'static str, v: String, f: fn(&mut Measure, String)| view! {
                                <input type="date" aria-label=format!("{label}, мероприятие {}", i + 1) prop:value=v on:change=move |ev| {
                                    let x = event_target_value(&ev);
                                    edit(0, Box::new(move |p| if let Some(m) = p.measures.get_mut(i) { f(m, x) }));
                                }/>
                            };
                            view! {
                                <tr>
                                    <td>{text("Мероприятие", m.text.clone(), |m, x| m.text = x)}</td>
                                    <td>{date("Начало", m.start.clone(), |m, x| m.start = x)}</td>
                                    <td>{date("Срок", m.due.clone(), |m, x| m.due = x)}</td>
                                    <td>{text("Ответственный", m.responsible.clone(), |m, x| m.responsible = x)}</td>
                                    <td><input type="checkbox" aria-label=format!("Выполнено, мероприятие {}", i + 1) prop:checked=m.done on:change=move |ev| {
                                        let x = event_target_checked(&ev);
                                        edit(0, Box::new(move |p| if let Some(m) = p.measures.get_mut(i) { m.done = x }));
                                    }/></td>
                                    <td class="no-print"><button type="button" class="link" on:click=move |_| ws.edit_all(|w| { if i < w.programme.measures.len() { w.programme.measures.remove(i); } })>"Убрать"</button></td>
                                </tr>
                            }
                        }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                }
            }}
            {move || {
                let p = problems.get();
                (!p.is_empty()).then(|| view! { <ul class="field-problems" aria-label="Что исправить в программе">{p.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul> })
            }}
        </section>
    }
}
