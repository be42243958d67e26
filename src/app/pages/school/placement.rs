//! Placement against the region: the school imports the reference file of its municipality
//! or region and is told which years the reference covers — it is placed for those, offered
//! to add a year of them its data lack, and told which of its years are not used — then sees,
//! per year, its results and social indices computed with the reference's ranges and means,
//! the band it would fall in, the distances to the bands' boundaries in words, the category by
//! the three-year rules said once with what it lacks, and the components that pull it down
//! where it is below its group's middle, one short sentence each. Without a reference: its own
//! trajectory and what is missing for placement.

use super::jump::{self, Target};
use super::{picked_file, Ws};
use crate::app::actions;
use crate::app::chart::{paint, Chart};
use crate::app::state::NoticeKind;
use crate::charts::{school_trajectory, SchoolTrajectory};
use crate::domain::common::format::{local_offset_minutes, num};
use crate::domain::contract::row::Row;
use crate::domain::contract::schema::schema;
use crate::domain::method::identify::Params;
use crate::domain::method::placement::{
    category_sentence, distance_words, missing_without_reference, place, years_words, MissingKind,
    Placement as Placed,
};
use crate::domain::workspace::SavedReference;
use leptos::prelude::*;

/// The rows of the draft that pass the checks (cells with errors are left out).
pub fn draft_rows(ws: Ws) -> Vec<Row> {
    ws.current.with(|w| {
        w.as_ref()
            .map(|w| {
                let mut profile = w.profile.clone();
                if profile.school_id.trim().is_empty() {
                    profile.school_id = "—".into();
                }
                if profile.school_name.trim().is_empty() {
                    profile.school_name = "—".into();
                }
                if profile.municipality.trim().is_empty() {
                    profile.municipality = "—".into();
                }
                let mut d = w.draft.clone();
                for p in d.problems() {
                    d.set(p.year, &p.column, "");
                }
                d.rows(&profile).unwrap_or_default()
            })
            .unwrap_or_default()
    })
}

#[component]
pub fn Placement(ws: Ws) -> impl IntoView {
    let state = ws.state;
    let file_input = NodeRef::<leptos::html::Input>::new();
    let take = move |_| {
        let Some(file) = picked_file(file_input) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let Some(r) = actions::read_reference(state, file).await else {
                return;
            };
            let msg = format!(
                "Эталон «{}» ({}, {} г.) загружен.",
                r.payload.region,
                r.file,
                r.payload
                    .years
                    .iter()
                    .map(i32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            ws.edit(0, |w| w.reference = Some(r));
            state.say(NoticeKind::Success, msg);
        });
    };
    let stored_refs = Memo::new(move |_| {
        state.overview.with(|o| {
            o.as_ref()
                .map(|o| {
                    o.references
                        .iter()
                        .filter_map(|r| {
                            let pb = crate::domain::exchange::bundle::ParsedBundle {
                                file: format!(
                                    "эталон из хранилища от {}",
                                    r.received_at.date_ru(local_offset_minutes())
                                ),
                                bundle: r.bundle.clone(),
                                payload: crate::domain::exchange::bundle::Payload::Reference(
                                    serde_json::from_value(r.bundle.payload.clone()).ok()?,
                                ),
                                warnings: Vec::new(),
                            };
                            SavedReference::of_bundle(&pb).ok()
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let result = Memo::new(move |_| {
        let rows = draft_rows(ws);
        ws.current.with(|w| {
            let w = w.as_ref()?;
            Some(match &w.reference {
                Some(r) => Ok(place(&r.payload, &rows).map_err(|e| e.to_string())),
                None => Err(missing_without_reference(&rows, &Params::default())),
            })
        })
    });
    view! {
        <section aria-labelledby="place-h">
            <h2 id="place-h">"Место школы среди школ региона"</h2>
            <p>"Эталон — файл, который муниципалитет или регион выгружает после идентификации: размахи показателей, средние по региону и границы 25-процентных групп по каждому году. По нему Шкала считает индексы вашей школы теми же формулами, что и при идентификации, без данных других школ."</p>
            <div class="actions no-print">
                <label class="file-button">"Загрузить файл эталона…"
                    <input type="file" accept=".json" id="ref-file" node_ref=file_input on:change=take/>
                </label>
                {move || {
                    let refs = stored_refs.get();
                    (!refs.is_empty()).then(|| {
                        let list = refs.clone();
                        view! {
                            <label for="ref-stored">"или взять из хранилища: "</label>
                            <select id="ref-stored" on:change=move |ev| {
                                if let Ok(i) = event_target_value(&ev).parse::<usize>() {
                                    if let Some(r) = list.get(i).cloned() { ws.edit(0, |w| w.reference = Some(r)); }
                                }
                            }>
                                <option value="">"—"</option>
                                {refs.iter().enumerate().map(|(i, r)| view! { <option value=i.to_string()>{format!("{} (файл от {})", r.payload.region, r.created_at.date_ru(local_offset_minutes()))}</option> }).collect_view()}
                            </select>
                        }
                    })
                }}
            </div>
            {move || ws.current.with(|w| w.as_ref().and_then(|w| w.reference.clone())).map(|r| view! {
                <p class="hint" data-testid="reference-name">{format!("{} Файл «{}».", r.sentence(local_offset_minutes()), r.file)}</p>
            })}
            {move || match result.get() {
                None => ().into_any(),
                Some(Err(missing)) => view! {
                    <p class="alert info">"Эталон не загружен: ниже — траектория школы по её собственным данным и то, чего не хватает для расчёта места."</p>
                    <Trajectory rows=draft_rows(ws)/>
                    <MissingList items=missing.into_iter().map(|m| m.message).collect()/>
                }.into_any(),
                Some(Ok(Err(e))) => view! { <p class="alert error" role="alert">{e}</p> }.into_any(),
                Some(Ok(Ok(p))) => view! { <Window ws=ws p=p.clone()/><PlacementView p=p window_above=true/> }.into_any(),
            }}
        </section>
    }
}

/// Which years the reference covers and what that means for the school's data: the years of
/// the window the school lacks, each with a button that adds it to the data (or opens it, when
/// the draft has the year but nothing in it) and puts the focus in its first cell; the years
/// of the school's data the reference does not describe.
#[component]
fn Window(ws: Ws, p: Placed) -> impl IntoView {
    let draft_years = ws
        .current
        .with_untracked(|w| w.as_ref().map(|w| w.draft.years.clone()))
        .unwrap_or_default();
    let first_column = schema()
        .data_columns()
        .next()
        .map(|c| c.id.clone())
        .unwrap_or_default();
    let to_add = p.years_to_add();
    let outside = p.outside_window();
    let lines = to_add
        .into_iter()
        .map(|year| {
            let known = draft_years.contains(&year);
            let column = first_column.clone();
            let open = move |_| {
                if !known {
                    ws.edit_all(|w| w.draft.add_year(year));
                }
                jump::go(
                    "entry",
                    Target {
                        year: Some(year),
                        block: None,
                        field: format!("c-{year}-{column}"),
                    },
                );
            };
            let (said, button) = if known {
                (
                    format!("За {year} год данные школы не заполнены."),
                    format!("Заполнить {year} год"),
                )
            } else {
                (
                    format!("В данных школы нет {year} года."),
                    format!("Добавить {year} год в данные"),
                )
            };
            view! {
                <li data-year=year>{said}" "
                    <button type="button" class="no-print" data-testid="add-year" on:click=open>{button}</button>
                </li>
            }
        })
        .collect_view();
    let not_used = (!outside.is_empty()).then(|| {
        let years = years_words(&outside);
        view! {
            <p data-testid="placement-not-used">{format!(
                "Данные за {years} не учитываются: этот эталон их не описывает. Место за {years} появится, когда вы загрузите эталон, в котором они есть (муниципалитет выгружает его после идентификации)."
            )}</p>
        }
    });
    // An excluded school is not placed (the placement says why); a reference without years
    // places nobody.
    let head = match (&p.excluded, p.window.is_empty()) {
        (Some(_), _) => return ().into_any(),
        (None, true) => {
            "В эталоне нет ни одного года: место школы по нему не определяется.".to_string()
        }
        (None, false) => format!(
            "Эталон описывает {}: место школы определяется за эти годы.",
            years_words(&p.window)
        ),
    };
    view! {
        <div class="alert info" data-testid="placement-window">
            <p><strong>{head}</strong></p>
            {(!p.years_to_add().is_empty()).then(|| view! { <ul class="window-years">{lines}</ul> })}
            {not_used}
        </div>
    }
    .into_any()
}

#[component]
fn MissingList(items: Vec<String>) -> impl IntoView {
    (!items.is_empty()).then(|| {
        view! {
            <h3>"Чего не хватает"</h3>
            <ul data-testid="placement-missing">{items.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
        }
    })
}

/// The school's own values by year, for the method's columns.
#[component]
pub fn Trajectory(rows: Vec<Row>) -> impl IntoView {
    let s = schema();
    let body = s
        .data_columns()
        .enumerate()
        .filter(|(i, _)| rows.iter().any(|r| r.values.get(*i).is_some()))
        .map(|(i, c)| {
            let cells = rows
                .iter()
                .map(|r| view! { <td class="num">{num(r.values.get(i), 2)}</td> })
                .collect_view();
            view! { <tr><th scope="row">{c.label.clone()}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <h3>"Траектория школы"</h3>
        <div class="table-wrap" role="region" aria-label="Показатели школы по годам" tabindex="0">
            <table class="data">
                <thead><tr><th scope="col">"Показатель"</th>{rows.iter().map(|r| view! { <th scope="col" class="num">{r.year}</th> }).collect_view()}</tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}

/// A placement, year by year: the category said once, the indices with their bands and the
/// distances to the boundaries in words, what pulls the index down, what is missing.
/// `window_above`: the school's page says the years to add and the years not used above the
/// placement (with buttons), so the list below leaves them out.
#[component]
pub fn PlacementView(p: Placed, #[prop(optional)] window_above: bool) -> impl IntoView {
    let distances = |a: (Option<f64>, &str), b: (Option<f64>, &str)| {
        view! {
            <span class="line">{distance_words(a.0, a.1)}</span>
            <span class="line">{distance_words(b.0, b.1)}</span>
        }
    };
    // Two tables, each with the year, so that an A4 portrait page holds them whole: the
    // results index and its boundaries, then the social index and its boundaries. On a phone
    // each year stacks, its cells named by `data-label` (style/main.css).
    let results_rows = p
        .years
        .iter()
        .map(|y| {
            view! {
                <tr data-year=y.year>
                    <th scope="row">{y.year}</th>
                    <td class="num" data-label="Индекс образовательных результатов" data-testid="results-index">{num(y.results_index, 3)}</td>
                    <td data-label="Группа" data-testid="results-band">{y.results_band.map(|b| b.label()).unwrap_or("—")}</td>
                    <td data-testid="results-distance">{distances((y.distance_to_low_cut, "низких"), (y.distance_to_high_cut, "высоких"))}</td>
                </tr>
            }
        })
        .collect_view();
    let social_rows = p
        .years
        .iter()
        .map(|y| {
            view! {
                <tr data-year=y.year>
                    <th scope="row">{y.year}</th>
                    <td class="num" data-label="Индекс социальных условий" data-testid="social-index">{num(y.social_index, 3)}</td>
                    <td data-label="Группа" data-testid="social-band">{y.social_band.map(|b| b.label()).unwrap_or("—")}</td>
                    <td data-testid="social-distance">{distances((y.distance_to_unfavourable_cut, "неблагоприятных"), (y.distance_to_favourable_cut, "благоприятных"))}</td>
                </tr>
            }
        })
        .collect_view();
    let weak_hint = p.years.iter().any(|y| !y.weakest.is_empty()).then(|| view! {
        <p class="hint">"Что тянет индекс вниз — показатели, по которым школа ниже середины своей группы и которые сильнее всего снижают её индекс (по каждому — значение школы и сравнение с группой)."</p>
    });
    let weak = p
        .years
        .iter()
        .filter(|y| !y.weakest.is_empty())
        .map(|y| {
            view! {
                <h4>{format!("{} год: что тянет индекс вниз", y.year)}</h4>
                <ul data-testid="placement-weak" data-year=y.year>{y.weakest.iter().map(|w| view! { <li>{w.sentence.clone()}</li> }).collect_view()}</ul>
            }
        })
        .collect_view();
    let has_index = p.years.iter().any(|y| y.results_index.is_some());
    let no_weak = has_index && p.years.iter().all(|y| y.weakest.is_empty());
    let chart = SchoolTrajectory::from_placement(&p);
    let missing: Vec<String> = p
        .missing
        .iter()
        .filter(|m| {
            !(window_above && matches!(m.kind, MissingKind::NoRow | MissingKind::OutsideWindow))
        })
        .map(|m| m.message.clone())
        .collect();
    view! {
        {p.excluded.clone().map(|e| view! { <p class="alert warning">{e}</p> })}
        {category_sentence(&p).map(|c| view! { <p data-testid="placement-category"><strong>{c}</strong></p> })}
        {p.pool_label.clone().map(|l| view! { <p>{format!("Группа школ: {l}.")}</p> })}
        {has_index.then(|| view! {
            <Chart
                width=800
                height=420
                label="Индекс образовательных результатов школы по годам и границы 25 % групп её пула из эталона; те же числа — в таблице под рисунком."
                draw=move |c| paint(c, |a| school_trajectory(&a, &chart))
            />
        })}
        <div class="placement-tables" data-testid="placement">
            <div class="table-wrap" role="region" aria-label="Образовательные результаты школы по годам" tabindex="0">
                <table class="data placement-results stack-on-phone">
                    <caption>"Образовательные результаты"</caption>
                    <thead><tr>
                        <th scope="col">"Год"</th>
                        <th scope="col" class="num">"Индекс образовательных результатов"</th>
                        <th scope="col">"Группа по результатам"</th>
                        <th scope="col">"Расстояние до границ групп"</th>
                    </tr></thead>
                    <tbody>{results_rows}</tbody>
                </table>
            </div>
            <div class="table-wrap" role="region" aria-label="Социальные условия школы по годам" tabindex="0">
                <table class="data placement-social stack-on-phone">
                    <caption>"Социальные условия"</caption>
                    <thead><tr>
                        <th scope="col">"Год"</th>
                        <th scope="col" class="num">"Индекс социальных условий (больше — хуже условия)"</th>
                        <th scope="col">"Группа по условиям"</th>
                        <th scope="col">"Расстояние до границ групп"</th>
                    </tr></thead>
                    <tbody>{social_rows}</tbody>
                </table>
            </div>
        </div>
        <p class="hint">"Граница группы — индекс на её краю в эталоне. Индекс не выше границы низких — школа среди 25 % школ группы с самыми низкими результатами, не ниже границы высоких — среди 25 % с самыми высокими. Индекс социальных условий тем больше, чем условия хуже: не ниже границы неблагоприятных — среди 25 % школ в самых неблагоприятных условиях, не выше границы благоприятных — среди 25 % в самых благоприятных."</p>
        {weak_hint}
        {weak}
        {no_weak.then(|| view! { <p data-testid="placement-no-weak">"Показателей, по которым школа ниже середины своей группы и которые снижают её индекс, нет."</p> })}
        <MissingList items=missing/>
    }
}
