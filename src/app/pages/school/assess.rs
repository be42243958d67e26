//! The self-assessment: the questionnaire of seed 000 (school items of 5.1, 5.3, 5.4, 5.6) as
//! stored in `src/data/self_assessment.json`, one year at a time, each item with its number
//! (section and table row of the seed, as in every error, summary and report), seed wording,
//! source, answer and evidence; and the summary by block with the change against the school's
//! previous year («с учетом динамики показателей (по предыдущим годам)»). An item without an
//! answer shows no answer chosen; an answer can be cleared. Opened from a blocked sending, it
//! shows the year and block of the item to correct, and the field takes the focus.

use super::{jump, save, Ws};
use crate::domain::input::parse_number;
use crate::domain::school::self_assessment::{
    check_answer, questionnaire, summary, AnswerField, AnswerType, AnswerValue, Item, Summary,
};
use crate::domain::workspace::Workspace;
use leptos::prelude::*;

/// The DOM id of an item's field: the value (for «да/нет», the «да» choice), the link, or the
/// item itself.
pub fn field_id(item: &str, field: Option<AnswerField>) -> String {
    let dom = format!("sa-{}", item.replace('.', "-"));
    match field {
        Some(AnswerField::Value) => format!("{dom}-v"),
        Some(AnswerField::Link) => format!("{dom}-l"),
        None => dom,
    }
}

/// The year being assessed: the latest of the draft by default.
fn default_year(w: &Workspace) -> i32 {
    w.draft
        .years
        .last()
        .copied()
        .unwrap_or_else(super::this_year)
}

#[component]
pub fn Assess(ws: Ws) -> impl IntoView {
    let q = questionnaire();
    // Opened to correct an item (from «Отправка»): its year and block.
    let target = jump::take();
    let year = RwSignal::new(
        target
            .as_ref()
            .and_then(|t| t.year)
            .or_else(|| ws.current.with_untracked(|w| w.as_ref().map(default_year)))
            .unwrap_or_else(super::this_year),
    );
    let years = Memo::new(move |_| {
        ws.current
            .with(|w| {
                w.as_ref().map(|w| {
                    let mut y = w.draft.years.clone();
                    y.extend(w.self_assessments.iter().map(|s| s.year));
                    y.sort_unstable();
                    y.dedup();
                    y
                })
            })
            .unwrap_or_default()
    });
    let block = RwSignal::new(
        target
            .and_then(|t| t.block)
            .or_else(|| q.blocks.first().map(|b| b.id.clone()))
            .unwrap_or_default(),
    );
    view! {
        <section aria-labelledby="assess-h">
            <h2 id="assess-h">"Самооценка школы"</h2>
            <p>{q.note.clone()}</p>
            <div class="filters no-print">
                <div class="field">
                    <label for="assess-year">"Год самооценки"</label>
                    <select id="assess-year" prop:value=move || year.get().to_string() on:change=move |ev| {
                        if let Ok(y) = event_target_value(&ev).parse() { year.set(y) }
                    }>
                        {move || years.get().into_iter().map(|y| view! { <option value=y.to_string()>{y}</option> }).collect_view()}
                    </select>
                </div>
            </div>
            <AssessSummary ws=ws year=year.into()/>
            <nav class="rb-systems no-print" aria-label="Блоки анкеты">
                <ul>
                    {q.blocks.iter().map(|b| {
                        let id = b.id.clone();
                        let id2 = id.clone();
                        let label = format!("{} {}", b.id, b.title);
                        view! { <li><button type="button" aria-pressed=move || (block.get() == id).to_string() on:click=move |_| block.set(id2.clone())>{label}</button></li> }
                    }).collect_view()}
                </ul>
            </nav>
            {move || {
                let b = block.get();
                let y = year.get();
                ws.revision.track();
                let title = q.block(&b).map(|b| format!("{} {}", b.id, b.title)).unwrap_or_default();
                view! {
                    <h3>{title}</h3>
                    <ul class="sa-items">
                        {q.items.iter().filter(|i| i.block == b).map(|item| view! { <ItemForm ws=ws item=item year=y/> }).collect_view()}
                    </ul>
                }
            }}
        </section>
    }
}

/// One item: number and wording, source, answer, evidence (and link for values held
/// elsewhere).
#[component]
fn ItemForm(ws: Ws, item: &'static Item, year: i32) -> impl IntoView {
    let dom = field_id(&item.id, None);
    let answer = move || {
        ws.current.with(|w| {
            w.as_ref()
                .and_then(|w| w.self_assessment(year))
                .and_then(|s| s.answers.get(&item.id).cloned())
                .unwrap_or_default()
        })
    };
    let initial = ws.current.with_untracked(|w| {
        w.as_ref()
            .and_then(|w| w.self_assessment(year))
            .and_then(|s| s.answers.get(&item.id).cloned())
            .unwrap_or_default()
    });
    let problem = Memo::new(move |_| check_answer(item, &answer()).err());
    let set =
        move |delay: u32,
              f: Box<dyn FnOnce(&mut crate::domain::school::self_assessment::Answer)>| {
            ws.edit(delay, move |w| {
                let sa = w.self_assessment_mut(year);
                let a = sa.answers.entry(item.id.clone()).or_default();
                f(a);
                if *a == Default::default() {
                    sa.answers.remove(&item.id);
                }
            })
        };
    let input = match item.answer {
        AnswerType::YesNo => {
            // Two choices, neither ticked until the school answers; «Очистить ответ» takes an
            // answer back (an unanswered item counts apart from the gaps).
            let name = field_id(&item.id, Some(AnswerField::Value));
            let choice = move |v: AnswerValue| move |_| set(0, Box::new(move |a| a.value = v));
            let answered = move || !answer().value.is_empty();
            let legend = format!("Ответ на вопрос {}", item.id);
            view! {
                <fieldset class="yes-no">
                    <legend class="visually-hidden">{legend}</legend>
                    <label><input type="radio" id=name.clone() name=name.clone() prop:checked=move || answer().value == AnswerValue::Yes on:change=choice(AnswerValue::Yes)/>" да"</label>
                    <label><input type="radio" name=name prop:checked=move || answer().value == AnswerValue::No on:change=choice(AnswerValue::No)/>" нет"</label>
                    {move || answered().then(|| view! {
                        <button type="button" class="link no-print" on:click=move |_| set(0, Box::new(|a| a.value = AnswerValue::Empty))>"Очистить ответ"</button>
                    })}
                </fieldset>
            }
            .into_any()
        }
        _ => {
            let text = match initial.value {
                AnswerValue::Number(v) => crate::domain::common::format::shortest_decimal_comma(v),
                _ => String::new(),
            };
            let typed = RwSignal::new(None::<String>);
            let id = field_id(&item.id, Some(AnswerField::Value));
            view! {
                <label for=id.clone()>{format!("Значение{}", if item.unit.is_empty() { String::new() } else { format!(", {}", item.unit) })}</label>
                <input type="text" inputmode="decimal" id=id size="8" prop:value=text on:input=move |ev| {
                    let t = event_target_value(&ev);
                    match parse_number(&t) {
                        Ok(v) => {
                            typed.set(None);
                            let value = v.map_or(AnswerValue::Empty, AnswerValue::Number);
                            set(save::TEXT_DELAY_MS, Box::new(move |a| a.value = value));
                        }
                        Err(m) => typed.set(Some(m)),
                    }
                }/>
                {move || typed.get().map(|m| view! { <span class="cell-error" role="alert">{m}</span> })}
            }
            .into_any()
        }
    };
    let evidence_id = format!("{dom}-e");
    let link_id = field_id(&item.id, Some(AnswerField::Link));
    let source = if item.source.is_empty() {
        "в методике не указан".to_string()
    } else {
        item.source.clone()
    };
    view! {
        <li class="sa-item" id=dom.clone() tabindex="-1">
            <p class="sa-group">{item.group.clone()}{item.subgroup.clone().map(|s| format!(" — {s}"))}</p>
            <p class="sa-text"><strong class="sa-number">{item.id.clone()}</strong>" "{item.text.clone()}</p>
            <p class="sa-source">"Источник информации: "{source}{item.external.then_some(" · значение подтверждается внешним источником — укажите ссылку")}</p>
            {(!item.note.is_empty()).then(|| view! { <p class="hint">{item.note.clone()}</p> })}
            <div class="sa-answer">{input}</div>
            <div class="sa-evidence">
                <label for=evidence_id.clone()>"Подтверждение (документ, приказ, раздел формы)"</label>
                <input type="text" id=evidence_id prop:value=initial.evidence.clone() on:input=move |ev| {
                    let v = event_target_value(&ev);
                    set(save::TEXT_DELAY_MS, Box::new(move |a| a.evidence = v));
                }/>
                {item.external.then(|| view! {
                    <label for=link_id.clone()>"Ссылка (https://…)"</label>
                    <input type="url" id=link_id prop:value=initial.link.clone() on:input=move |ev| {
                        let v = event_target_value(&ev);
                        set(save::TEXT_DELAY_MS, Box::new(move |a| a.link = v));
                    }/>
                })}
            </div>
            {move || problem.get().map(|m| view! { <p class="cell-error" role="alert">{m}</p> })}
        </li>
    }
}

/// The summary of one year, by block, with the change against the nearest earlier year.
#[component]
pub fn AssessSummary(ws: Ws, year: Signal<i32>) -> impl IntoView {
    let data = Memo::new(move |_| {
        let y = year.get();
        ws.current.with(|w| {
            let w = w.as_ref()?;
            let current = w.self_assessment(y)?;
            Some(summary(current, &w.self_assessments))
        })
    });
    view! {
        <section class="sa-summary" aria-labelledby="sa-sum-h" data-testid="sa-summary">
            <h3 id="sa-sum-h">{move || format!("Сводка самооценки за {} год", year.get())}</h3>
            {move || match data.get() {
                None => view! { <p>"Ответов за этот год пока нет."</p> }.into_any(),
                Some(s) => view! { <SummaryTable summary=s/> }.into_any(),
            }}
        </section>
    }
}

/// The summary as a table and lists (also used by the report, the stored school view and the
/// municipality's school card): every item with its answer in words, under strengths, gaps,
/// numbers without a norm and unanswered, as [`Questionnaire::listed`] classifies them by the
/// item's polarity.
///
/// [`Questionnaire::listed`]: crate::domain::school::self_assessment::Questionnaire::listed
#[component]
pub fn SummaryTable(summary: Summary) -> impl IntoView {
    let q = questionnaire();
    let text = |id: &str| {
        q.item(id)
            .map(|i| format!("{} {}", i.id, i.text))
            .unwrap_or_else(|| id.to_string())
    };
    let previous = summary.previous_year;
    let rows = summary
        .blocks
        .iter()
        .map(|b| {
            view! {
                <tr>
                    <th scope="row">{format!("{} {}", b.block, b.title)}</th>
                    <td class="num" data-label="Отвечено">{format!("{} из {}", b.answered, b.total)}</td>
                    <td class="num" data-label="Сильные стороны">{b.strengths.len()}</td>
                    <td class="num" data-label="Дефициты">{b.gaps.len()}</td>
                    <td class="num" data-label="Без нормы">{b.unclassified.len()}</td>
                    <td class="num" data-label="Без ответа">{b.unanswered.len()}</td>
                </tr>
            }
        })
        .collect_view();
    let lists = q.listed(&summary);
    let changes: Vec<String> = summary
        .blocks
        .iter()
        .flat_map(|b| b.changes.iter())
        .map(|c| {
            let unit = q.item(&c.item).map(|i| i.unit.as_str()).unwrap_or("");
            format!("{} — {}", text(&c.item), c.describe(unit))
        })
        .collect();
    let list = |items: Vec<String>, testid: &'static str| {
        if items.is_empty() {
            view! { <p>"—"</p> }.into_any()
        } else {
            view! { <ul data-testid=testid>{items.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ul> }.into_any()
        }
    };
    view! {
        <div class="table-wrap" role="region" aria-label="Сводка самооценки по блокам" tabindex="0">
        <table class="data sa-blocks stack-on-phone">
            <thead><tr><th scope="col">"Блок"</th><th scope="col" class="num">"Отвечено"</th><th scope="col" class="num">"Сильные стороны"</th><th scope="col" class="num">"Дефициты"</th><th scope="col" class="num">"Без нормы"</th><th scope="col" class="num">"Без ответа"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
        </div>
        <div class="two-col">
            <div>
                <h4>"Сильные стороны"</h4>
                {list(lists.strengths, "sa-strengths")}
            </div>
            <div>
                <h4>"Дефициты"</h4>
                {list(lists.gaps, "sa-gaps")}
            </div>
        </div>
        {(!lists.unclassified.is_empty()).then(|| view! {
            <h4>"Без нормы"</h4>
            <p class="hint">"Для этих показателей методика не устанавливает нормы: значение показано без оценки, его изменение — в динамике."</p>
            {list(lists.unclassified, "sa-unclassified")}
        })}
        {(!lists.unanswered.is_empty()).then(|| view! {
            <h4>"Без ответа"</h4>
            <p class="hint">"Пункты без ответа или с ответом, не прошедшим проверку; они не считаются ни сильными сторонами, ни дефицитами."</p>
            {list(lists.unanswered, "sa-unanswered")}
        })}
        <h4>{match previous { Some(p) => format!("Динамика к {p} году"), None => "Динамика".to_string() }}</h4>
        {if previous.is_none() {
            view! { <p>"Самооценки за прошлые годы нет — динамика появится со второго года."</p> }.into_any()
        } else if changes.is_empty() {
            view! { <p>"Ответы, данные в оба года, не изменились или несопоставимы."</p> }.into_any()
        } else {
            view! { <ul>{changes.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ul> }.into_any()
        }}
    }
}
