//! Entry: one system at a time, its six stages as headings, every line with its verbatim text,
//! its allowed answers (radio buttons; checkboxes for lines scored per option), the rule in a
//! few words, and a collapsible block of documents and a comment.
//!
//! Choices are controlled by the draft; text fields are not (they show the draft's value when
//! they appear and then report every keystroke), so that a change elsewhere never rewrites
//! what is being typed.

use super::save;
use super::{rule_hint, short_title};
use crate::app::autosave::{SaveStatus, TEXT_DELAY_MS};
use crate::app::state::{app_state, AppState};
use crate::domain::common::format::plural;
use crate::domain::exchange::records::{AssessmentRecord, Origin, RecordMeta};
use crate::domain::rubric::{federal, Evidence, Item, ItemAnswer, Rule};
use crate::storage::browser;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Applies `f` to one line's answer, stamps the change and schedules the write.
fn edit(
    state: AppState,
    draft: RwSignal<Option<AssessmentRecord>>,
    status: RwSignal<SaveStatus>,
    item: &str,
    delay_ms: u32,
    f: impl FnOnce(&mut ItemAnswer),
) {
    let now = browser::now();
    let mut changed = None;
    draft.update(|d| {
        let Some(d) = d else { return };
        let answer = d.assessment.answers.entry(item.to_string()).or_default();
        f(answer);
        if *answer == ItemAnswer::default() {
            d.assessment.answers.remove(item);
        }
        d.assessment.updated_at = now.to_string();
        d.meta = RecordMeta {
            modified_at: now,
            origin: Origin::Local,
        };
        changed = Some(d.clone());
    });
    if let Some(record) = changed {
        save::schedule(state, record, delay_ms, status);
    }
}

/// A DOM id for a line: `1.1.goals.1` → `line-1-1-goals-1`.
fn dom_id(item: &str) -> String {
    format!(
        "line-{}",
        item.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    )
}

#[component]
pub fn Entry(
    draft: RwSignal<Option<AssessmentRecord>>,
    status: RwSignal<SaveStatus>,
) -> impl IntoView {
    let r = federal();
    let system = RwSignal::new(r.systems.first().map(|s| s.id.clone()).unwrap_or_default());
    // Answered and total lines per system, in rubric order.
    let progress = Memo::new(move |_| {
        draft.with(|d| {
            r.systems
                .iter()
                .map(|s| {
                    let items = r.items.iter().filter(|i| i.system == s.id);
                    let total = items.clone().count();
                    let answered = d.as_ref().map_or(0, |d| d.assessment.answered(items));
                    (answered, total)
                })
                .collect::<Vec<_>>()
        })
    });
    let go = move |id: String| {
        system.set(id);
        // Move focus to the new system's heading once it is drawn.
        request_animation_frame(|| {
            if let Some(h) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("rb-system-h"))
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = h.focus();
            }
        });
    };
    // An assessment opened: the focus goes to its first question (not 23 Tabs away, past the
    // header and the systems' buttons).
    crate::app::components::focus_first(".rb-stage input:not([disabled])");
    view! {
        <nav class="rb-systems" aria-label="Системы методики">
            <ul>
                {r.systems.iter().enumerate().map(|(k, s)| {
                    let id = s.id.clone();
                    let pressed = {
                        let id = id.clone();
                        move || (system.get() == id).to_string()
                    };
                    let label = move || {
                        let (n, total) = progress.with(|p| p.get(k).copied().unwrap_or_default());
                        format!("{n} из {total} {}", plural(total, "строки", "строк", "строк"))
                    };
                    let done = move || progress.with(|p| p.get(k).is_some_and(|(n, t)| n == t));
                    let click = {
                        let id = id.clone();
                        move |_| system.set(id.clone())
                    };
                    view! {
                        <li>
                            <button type="button" aria-pressed=pressed class:done=done on:click=click>
                                <span class="rb-sys-no">{format!("{id} — ")}{label}</span>
                                <span class="rb-sys-title">{short_title(&s.id)}</span>
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </nav>
        {move || {
            let id = system.get();
            let next = r.systems.iter().skip_while(|s| s.id != id).nth(1).map(|s| s.id.clone());
            view! {
                <SystemForm system=id draft=draft status=status/>
                {next.map(|n| {
                    let label = format!("Дальше: система {n}");
                    view! { <p class="actions"><button type="button" class="primary" on:click=move |_| go(n.clone())>{label}</button></p> }
                })}
            }
        }}
    }
}

/// One system: its stages, each with its lines.
#[component]
fn SystemForm(
    system: String,
    draft: RwSignal<Option<AssessmentRecord>>,
    status: RwSignal<SaveStatus>,
) -> impl IntoView {
    let r = federal();
    let title = r
        .system(&system)
        .map(|s| s.title.clone())
        .unwrap_or_default();
    let stages = r
        .stages
        .iter()
        .enumerate()
        .map(|(k, stage)| {
            let items: Vec<&'static Item> = r.items.iter().filter(|i| i.system == system && i.stage == stage.id).collect();
            let ids: Vec<String> = items.iter().map(|i| i.id.clone()).collect();
            let answered = move || {
                draft.with(|d| d.as_ref().map_or(0, |d| ids.iter().filter(|i| d.assessment.answers.get(*i).is_some_and(ItemAnswer::is_answered)).count()))
            };
            let total = items.len();
            let mut lines = Vec::new();
            let mut header: Option<(&str, String)> = None;
            for (n, item) in items.into_iter().enumerate() {
                match item.header.as_deref() {
                    Some(h) if header.as_ref().map(|(t, _)| *t) != Some(h) => {
                        let hid = format!("{}-header", dom_id(&item.id));
                        lines.push(view! { <p class="rb-line-header" id=hid.clone()>{h.to_string()}</p> }.into_any());
                        header = Some((h, hid));
                    }
                    Some(_) => {}
                    None => header = None,
                }
                let header_id = header.as_ref().map(|(_, id)| id.clone());
                lines.push(view! { <Line item=item number=n + 1 header_id=header_id draft=draft status=status/> }.into_any());
            }
            view! {
                <section class="rb-stage" aria-labelledby=format!("rb-stage-{k}")>
                    <h3 id=format!("rb-stage-{k}")>
                        {format!("Этап {}. {}", k + 1, stage.title)}
                        <span class="rb-stage-progress">{move || format!(" — отвечено {} из {total}", answered())}</span>
                    </h3>
                    {if total == 0 { Some(view! { <p class="hint">"В этой системе у этапа нет оцениваемых строк."</p> }) } else { None }}
                    {lines}
                </section>
            }
        })
        .collect_view();
    view! {
        <h2 id="rb-system-h" tabindex="-1">{format!("{system} {title}")}</h2>
        {stages}
    }
}

/// One line: text, hint, answers, documents and comment.
#[component]
fn Line(
    item: &'static Item,
    number: usize,
    header_id: Option<String>,
    draft: RwSignal<Option<AssessmentRecord>>,
    status: RwSignal<SaveStatus>,
) -> impl IntoView {
    let state = app_state();
    let dom = dom_id(&item.id);
    let hint_id = format!("{dom}-hint");
    let described = match &header_id {
        Some(h) => format!("{h} {hint_id}"),
        None => hint_id.clone(),
    };
    let key = item.id.clone();
    let answer = Memo::new(move |_| {
        draft.with(|d| {
            d.as_ref()
                .and_then(|d| d.assessment.answers.get(&key))
                .map(|a| (a.points, a.selected.clone()))
                .unwrap_or_default()
        })
    });
    let multi = item.rule.is_multi();
    let earned = move || {
        let (points, selected) = answer.get();
        if multi {
            (points.is_some() || !selected.is_empty()).then_some(selected.len() as i32)
        } else {
            points
        }
    };
    let score_text = move || match earned() {
        None => format!("нет ответа (0 из {})", item.max),
        Some(p) if matches!(item.rule, Rule::Penalty) => {
            if p < 0 {
                "штраф −1".to_string()
            } else {
                "штрафа нет".to_string()
            }
        }
        Some(p) => format!(
            "{} из {}",
            if p < 0 {
                format!("\u{2212}{}", -p)
            } else {
                p.to_string()
            },
            item.max
        ),
    };
    let id = item.id.clone();
    let set = move |delay: u32, f: Box<dyn FnOnce(&mut ItemAnswer)>| {
        edit(state, draft, status, &id, delay, f)
    };
    let set = StoredValue::new(set);
    let choices = if let Rule::PerOption { options } = &item.rule {
        let boxes = options
            .iter()
            .enumerate()
            .map(|(k, option)| {
                let input_id = format!("{dom}-o{k}");
                let o = option.clone();
                let checked = move || answer.with(|(_, s)| s.contains(&o));
                let o = option.clone();
                let change = move |ev: web_sys::Event| {
                    let on = event_target_checked(&ev);
                    let o = o.clone();
                    set.with_value(|f| {
                        f(
                            0,
                            Box::new(move |a: &mut ItemAnswer| {
                                a.selected.retain(|x| *x != o);
                                if on {
                                    a.selected.push(o);
                                }
                                a.points = None;
                            }),
                        )
                    });
                };
                view! {
                    <div class="rb-choice">
                        <input type="checkbox" id=input_id.clone() prop:checked=checked on:change=change/>
                        <label for=input_id>{option.clone()}</label>
                    </div>
                }
            })
            .collect_view();
        let none_id = format!("{dom}-none");
        let none_checked = move || answer.with(|(p, s)| *p == Some(0) && s.is_empty());
        let none_change = move |ev: web_sys::Event| {
            let on = event_target_checked(&ev);
            set.with_value(|f| {
                f(
                    0,
                    Box::new(move |a: &mut ItemAnswer| {
                        a.selected.clear();
                        a.points = on.then_some(0);
                    }),
                )
            });
        };
        view! {
            {boxes}
            <div class="rb-choice rb-none">
                <input type="checkbox" id=none_id.clone() prop:checked=none_checked on:change=none_change/>
                <label for=none_id>"ни одного варианта — 0"</label>
            </div>
        }
        .into_any()
    } else {
        let name = format!("{dom}-answer");
        item.rule
            .choices()
            .into_iter()
            .enumerate()
            .map(|(k, choice)| {
                let input_id = format!("{dom}-c{k}");
                let p = choice.points;
                let checked = move || answer.with(|(points, _)| *points == Some(p));
                let change = move |_| {
                    set.with_value(|f| {
                        f(
                            0,
                            Box::new(move |a: &mut ItemAnswer| {
                                a.points = Some(p);
                                a.selected.clear();
                            }),
                        )
                    })
                };
                view! {
                    <div class="rb-choice">
                        <input type="radio" id=input_id.clone() name=name.clone() value=p.to_string() prop:checked=checked on:change=change/>
                        <label for=input_id>{choice.label}</label>
                    </div>
                }
            })
            .collect_view()
            .into_any()
    };
    let answered = move || earned().is_some();
    let clear = move |_| {
        set.with_value(|f| {
            f(
                0,
                Box::new(|a: &mut ItemAnswer| {
                    a.points = None;
                    a.selected.clear();
                }),
            )
        })
    };
    view! {
        <fieldset class="rb-line" id=dom.clone() data-item=item.id.clone() aria-describedby=described>
            <legend><span class="rb-line-no">{format!("{number}. ")}</span>{item.text.clone()}</legend>
            <p class="rb-hint" id=hint_id>
                {rule_hint(&item.rule)}
                " · "
                <span class="rb-line-score">{score_text}</span>
            </p>
            <div class="rb-choices">
                {choices}
                <Show when=answered>
                    <button type="button" class="rb-clear" on:click=clear>"снять ответ"</button>
                </Show>
            </div>
            <EvidenceBlock item=item.id.clone() dom=dom.clone() draft=draft status=status/>
        </fieldset>
    }
}

/// Documents (name, date, link; rows added and removed) and a comment for one line.
#[component]
fn EvidenceBlock(
    item: String,
    dom: String,
    draft: RwSignal<Option<AssessmentRecord>>,
    status: RwSignal<SaveStatus>,
) -> impl IntoView {
    let state = app_state();
    let (initial, comment) = draft.with_untracked(|d| {
        d.as_ref()
            .and_then(|d| d.assessment.answers.get(&item))
            .map(|a| (a.evidence.clone(), a.comment.clone()))
            .unwrap_or_default()
    });
    // Rows are keyed so that removing one keeps the others' fields; a row's place in the
    // answer's list is its key's place in `rows`.
    let rows = RwSignal::new((0..initial.len()).collect::<Vec<usize>>());
    let next_key = StoredValue::new(initial.len());
    let initial = StoredValue::new(initial);
    let item = StoredValue::new(item);
    let has_comment = RwSignal::new(!comment.trim().is_empty());
    let change = move |delay: u32, f: Box<dyn FnOnce(&mut ItemAnswer)>| {
        item.with_value(|id| edit(state, draft, status, id, delay, f));
    };
    let position = move |key: usize| rows.with_untracked(|r| r.iter().position(|k| *k == key));
    let add = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        rows.update(|r| r.push(key));
        change(
            0,
            Box::new(|a: &mut ItemAnswer| a.evidence.push(Evidence::default())),
        );
        // Focus the new row's first field.
        let id = format!("{}-ev{key}-name", dom_id_of(item));
        request_animation_frame(move || {
            if let Some(e) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(&id))
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = e.focus();
            }
        });
    };
    let summary = move || {
        let n = rows.with(Vec::len);
        let mut s = "Подтверждающие документы и комментарий".to_string();
        if n > 0 {
            s.push_str(&format!(" — документов: {n}"));
        }
        if has_comment.get() {
            s.push_str(if n > 0 {
                ", есть комментарий"
            } else {
                " — есть комментарий"
            });
        }
        s
    };
    let comment_id = format!("{dom}-comment");
    let open = !rows.with_untracked(Vec::is_empty) || has_comment.get_untracked();
    view! {
        <details class="rb-evidence" open=open>
            <summary>{summary}</summary>
            <ul class="rb-docs">
                <For each=move || rows.get() key=|k| *k let(key)>
                    {
                        let init = initial.with_value(|v| v.get(key).cloned()).unwrap_or_default();
                        let base = format!("{}-ev{key}", dom_id_of(item));
                        let field = move |which: u8, value: String| {
                            if let Some(pos) = position(key) {
                                change(TEXT_DELAY_MS, Box::new(move |a: &mut ItemAnswer| {
                                    if let Some(e) = a.evidence.get_mut(pos) {
                                        match which {
                                            0 => e.name = value,
                                            1 => e.date = value,
                                            _ => e.link = value,
                                        }
                                    }
                                }));
                            }
                        };
                        let remove = move |_| {
                            if let Some(pos) = position(key) {
                                rows.update(|r| { r.remove(pos); });
                                change(0, Box::new(move |a: &mut ItemAnswer| {
                                    if pos < a.evidence.len() {
                                        a.evidence.remove(pos);
                                    }
                                }));
                            }
                        };
                        let date_kind = if init.date.is_empty() || is_iso_date(&init.date) { "date" } else { "text" };
                        let number = move || position(key).map(|p| p + 1).unwrap_or_default();
                        view! {
                            <li class="rb-doc">
                                <div class="field rb-doc-name">
                                    <label for=format!("{base}-name")>"Документ"</label>
                                    <input type="text" id=format!("{base}-name") prop:value=init.name.clone()
                                        on:input=move |ev| field(0, event_target_value(&ev))
                                        on:change=move |_| save::flush(state, status)/>
                                </div>
                                <div class="field rb-doc-date">
                                    <label for=format!("{base}-date")>"Дата"</label>
                                    <input type=date_kind id=format!("{base}-date") prop:value=init.date.clone()
                                        on:input=move |ev| field(1, event_target_value(&ev))
                                        on:change=move |_| save::flush(state, status)/>
                                </div>
                                <div class="field rb-doc-link">
                                    <label for=format!("{base}-link")>"Ссылка"</label>
                                    <input type="url" id=format!("{base}-link") placeholder="https://…" prop:value=init.link.clone()
                                        on:input=move |ev| field(2, event_target_value(&ev))
                                        on:change=move |_| save::flush(state, status)/>
                                </div>
                                <button type="button" class="rb-remove" on:click=remove
                                    aria-label=move || format!("Удалить документ {}", number())>"Удалить"</button>
                            </li>
                        }
                    }
                </For>
            </ul>
            <p class="actions"><button type="button" on:click=add>"Добавить документ"</button></p>
            <div class="field">
                <label for=comment_id.clone()>"Комментарий"</label>
                <textarea id=comment_id rows="2" prop:value=comment
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        has_comment.set(!text.trim().is_empty());
                        change(TEXT_DELAY_MS, Box::new(move |a: &mut ItemAnswer| a.comment = text));
                    }
                    on:change=move |_| save::flush(state, status)></textarea>
            </div>
        </details>
    }
}

fn dom_id_of(item: StoredValue<String>) -> String {
    item.with_value(|id| dom_id(id))
}

/// `2025-03-01`.
fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}
