//! Sending: what the school's file will contain, checked; saving the draft as the school's
//! data; the file for the municipality. A file made after a correction is newer, so the
//! municipality's import takes it as an update of the earlier one. Each problem that stops the
//! file names its place (the self-assessment's year and item number, the data's year and
//! indicator, the profile's field) and has «Исправить», which opens that section with the
//! focus in the field.

use super::jump::{self, Target};
use super::Ws;
use crate::app::actions;
use crate::app::components::ReadFailed;
use crate::app::state::NoticeKind;
use crate::domain::common::format::{ellipsis, plural};
use crate::domain::contract::problem::Severity;
use crate::domain::contract::row::Row;
use crate::domain::school::self_assessment::questionnaire;
use crate::domain::workspace::school_entry::identity_problems;
use crate::domain::workspace::Workspace;
use leptos::prelude::*;

/// A problem that stops the file, and where it is corrected: the section (its tab's id) and
/// the place in it.
#[derive(Clone, PartialEq)]
struct Problem {
    text: String,
    fix: Option<(&'static str, Target)>,
}

impl Problem {
    fn plain(text: String) -> Problem {
        Problem { text, fix: None }
    }
}

/// Everything that stops the file, in the order of the sections: the profile's fields, the
/// data's cells, the self-assessments (each error with its year and item number), the
/// programme.
fn problems(w: &Workspace) -> Vec<Problem> {
    let mut out = Vec::new();
    let profile_fields = [
        ("Идентификатор школы", "p-id"),
        ("Наименование школы", "p-name"),
        ("Муниципалитет", "p-muni"),
    ];
    for text in identity_problems(&w.profile) {
        let field = profile_fields
            .iter()
            .find(|(label, _)| text.contains(label))
            .map(|(_, id)| id.to_string());
        out.push(Problem {
            fix: field.map(|field| {
                (
                    "profile",
                    Target {
                        year: None,
                        block: None,
                        field,
                    },
                )
            }),
            text,
        });
    }
    let cells = w.draft.problems();
    for c in &cells {
        out.push(Problem {
            text: format!("Данные: {c}"),
            fix: Some((
                "entry",
                Target {
                    year: Some(c.year),
                    block: None,
                    field: format!("c-{}-{}", c.year, c.column),
                },
            )),
        });
    }
    if out.is_empty() {
        if let Err(e) = w.draft.rows(&w.profile) {
            out.extend(e.into_iter().map(Problem::plain));
        }
    }
    let q = questionnaire();
    let docs = w.documents();
    for sa in &docs.self_assessments {
        for f in q.findings(sa) {
            if f.severity != Severity::Error {
                continue;
            }
            let item = f.item.as_deref().and_then(|id| q.item(id));
            let text = match item {
                Some(item) => format!(
                    "Самооценка за {} год, пункт {} «{}»: {}",
                    f.year,
                    item.id,
                    ellipsis(&item.text, 70),
                    f.message
                ),
                None => {
                    // «Самооценка за 2026 год: …» (the finding starts in lower case).
                    let t = f.to_string();
                    let mut chars = t.chars();
                    chars
                        .next()
                        .map(|c| c.to_uppercase().chain(chars).collect())
                        .unwrap_or(t)
                }
            };
            out.push(Problem {
                text,
                fix: item.map(|item| {
                    (
                        "assess",
                        Target {
                            year: Some(f.year),
                            block: Some(item.block.clone()),
                            field: super::assess::field_id(&item.id, f.field),
                        },
                    )
                }),
            });
        }
    }
    if let Some(p) = &docs.programme {
        out.extend(
            crate::domain::school::programme::validate(p)
                .into_iter()
                .map(|m| Problem::plain(format!("Программа: {m}"))),
        );
    }
    out
}

/// What the file will hold.
#[derive(Clone, PartialEq)]
struct Contents {
    school: String,
    rows: Vec<(i32, usize, &'static str)>,
    /// The rows themselves, oldest first.
    values: Vec<Row>,
    assessments: Vec<(i32, usize)>,
    programme: Option<(usize, usize, usize)>,
    problems: Vec<Problem>,
}

#[component]
pub fn Send(ws: Ws) -> impl IntoView {
    let state = ws.state;
    // Rows stored earlier for years the draft does not have also travel in the file.
    let stored = LocalResource::new(move || {
        let id = ws.current.with_untracked(|w| {
            w.as_ref()
                .map(|w| w.profile.school_id.trim().to_string())
                .unwrap_or_default()
        });
        async move {
            if id.is_empty() {
                Ok(Vec::<Row>::new())
            } else {
                actions::school_data(id).await.map(|(_, rows)| rows)
            }
        }
    });
    let contents = Memo::new(move |_| {
        let stored = stored.get().and_then(Result::ok).unwrap_or_default();
        ws.current.with(|w| {
            let w = w.as_ref()?;
            let p = &w.profile;
            let rows = w.draft.rows(p).unwrap_or_default();
            let docs = w.documents();
            let mut list: Vec<(i32, usize, &'static str)> = rows
                .iter()
                .map(|r| (r.year, r.values.filled(), "из черновика"))
                .collect();
            let mut values = rows.clone();
            for r in &stored {
                if !list.iter().any(|(y, _, _)| *y == r.year) {
                    list.push((r.year, r.values.filled(), "сохранено ранее"));
                    values.push(r.clone());
                }
            }
            list.sort_by_key(|x| x.0);
            values.sort_by_key(|r| r.year);
            Some(Contents {
                school: format!(
                    "{} (код {}), {}, тип: {}",
                    p.school_name,
                    p.school_id,
                    p.municipality,
                    p.school_type.label()
                ),
                rows: list,
                values,
                assessments: docs
                    .self_assessments
                    .iter()
                    .map(|s| (s.year, s.answers.len()))
                    .collect(),
                programme: docs
                    .programme
                    .as_ref()
                    .map(|p| (p.zones.len(), p.targets.len(), p.measures.len())),
                problems: problems(w),
            })
        })
    });
    let busy = RwSignal::new(false);
    let save = move |export: bool| {
        let Some((school, rows, documents)) = ws.current.with_untracked(|w| {
            let w = w.as_ref()?;
            let rows = w.draft.rows(&w.profile).ok()?;
            let mut school = w.profile.clone();
            school.school_id = school.school_id.trim().to_string();
            Some((school, rows, w.documents()))
        }) else {
            state.say(
                NoticeKind::Error,
                "Сначала исправьте ошибки, перечисленные выше.",
            );
            return;
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let id = school.school_id.clone();
            if actions::save_school(state, school, rows, documents).await {
                let at = crate::storage::browser::now();
                ws.edit(0, |w| w.confirmed_at = Some(at));
                stored.refetch();
                if export {
                    actions::export_school(state, id);
                }
            }
            busy.set(false);
        });
    };
    let q = questionnaire();
    let total_items = q.items.len();
    view! {
        <section aria-labelledby="send-h">
            <h2 id="send-h">"Отправка в муниципалитет"</h2>
            <p>"Файл школы — один JSON-файл: строки данных по годам, самооценка и программа. Перед выгрузкой черновик сохраняется как данные школы. Если потом что-то исправить и выгрузить снова, новый файл новее прежнего, и муниципалитет при импорте увидит его как обновление, а не конфликт."</p>
            {move || stored.get().and_then(Result::err).map(|message| view! {
                <ReadFailed what="строки школы, сохранённые раньше" message=message/>
            })}
            {move || contents.get().map(|c| view! {
                <div class="file-contents" data-testid="file-contents">
                    <h3>"Что будет в файле"</h3>
                    <dl>
                        <dt>"Школа"</dt><dd>{c.school.clone()}</dd>
                        <dt>"Строки данных"</dt>
                        <dd>{if c.rows.is_empty() { "нет".to_string() } else {
                            c.rows.iter().map(|(y, n, from)| format!("{y} год: {n} {} ({from})", plural(*n, "показатель", "показателя", "показателей"))).collect::<Vec<_>>().join("; ")
                        }}</dd>
                        <dt>"Самооценка"</dt>
                        <dd>{if c.assessments.is_empty() { "нет".to_string() } else {
                            c.assessments.iter().map(|(y, n)| format!("{y} год: ответов {n} из {total_items}")).collect::<Vec<_>>().join("; ")
                        }}</dd>
                        <dt>"Программа повышения качества"</dt>
                        <dd>{match c.programme {
                            None => "нет".to_string(),
                            Some((z, t, m)) => format!("проблемных зон: {z}, целей: {t}, мероприятий: {m}"),
                        }}</dd>
                    </dl>
                    {(!c.values.is_empty()).then(|| {
                        let values = c.values.clone();
                        view! { <details><summary>"Значения, которые уйдут в файле"</summary><super::placement::Trajectory rows=values/></details> }
                    })}
                    {(!c.problems.is_empty()).then(|| view! {
                        <div class="alert error" role="alert" data-testid="send-problems">
                            <p>"Файл не может быть выгружен, пока не исправлено:"</p>
                            <ul>{c.problems.iter().map(|p| {
                                let fix = p.fix.clone().map(|(tab, target)| {
                                    let label = format!("Исправить: {}", p.text);
                                    view! {
                                        " "
                                        <button type="button" class="link no-print" aria-label=label on:click=move |_| jump::go(tab, target.clone())>"Исправить"</button>
                                    }
                                });
                                view! { <li>{p.text.clone()}{fix}</li> }
                            }).collect_view()}</ul>
                        </div>
                    })}
                </div>
            })}
            {move || ws.current.with(|w| w.as_ref().and_then(|w| w.confirmed_at.clone())).map(|at| view! {
                <p class="hint">{format!("Последнее сохранение данных школы: {}", crate::domain::common::format::date_time(&at))}</p>
            })}
            <p class="actions">
                <button type="button" id="send-save" prop:disabled=move || busy.get() on:click=move |_| save(false)>"Сохранить данные школы"</button>
                <button type="button" id="send-export" class="primary" prop:disabled=move || busy.get() on:click=move |_| save(true)>"Сохранить и выгрузить файл для муниципалитета"</button>
            </p>
        </section>
    }
}
