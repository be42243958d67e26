//! Placement against the region: the school imports the reference file of its municipality
//! or region and sees, per year, its results and social indices computed with the
//! reference's ranges and means, the band it would fall in, the distance to the cuts, and the
//! components that pull it down in plain words. Without a reference: its own trajectory and
//! what is missing for placement.

use super::{first_problems, read_picked, Ws};
use crate::app::chart::{paint, Chart};
use crate::app::state::NoticeKind;
use crate::charts::{school_trajectory, SchoolTrajectory};
use crate::domain::bundle::{parse_bundle_as, Kind};
use crate::domain::identify::Params;
use crate::domain::placement::{missing_without_reference, place, Placement as Placed};
use crate::domain::row::Row;
use crate::domain::schema::schema;
use crate::domain::workspace::SavedReference;
use crate::format::{local_offset_minutes, num};
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
        read_picked(state, file_input, move |name, bytes| {
            let reference = parse_bundle_as(&name, &bytes, &[Kind::Reference])
                .map_err(|p| first_problems(&p))
                .and_then(|pb| SavedReference::of_bundle(&pb));
            match reference {
                Ok(r) => {
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
                }
                Err(m) => state.say(NoticeKind::Error, format!("Эталон не загружен: {m}")),
            }
        });
    };
    let stored_refs = Memo::new(move |_| {
        state.overview.with(|o| {
            o.as_ref()
                .map(|o| {
                    o.references
                        .iter()
                        .filter_map(|r| {
                            let pb = crate::domain::bundle::ParsedBundle {
                                file: format!(
                                    "эталон из хранилища от {}",
                                    r.received_at.date_ru(local_offset_minutes())
                                ),
                                bundle: r.bundle.clone(),
                                payload: crate::domain::bundle::Payload::Reference(
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
                Some(Ok(Ok(p))) => view! { <PlacementView p=p/> }.into_any(),
            }}
        </section>
    }
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

/// A placement, year by year.
#[component]
pub fn PlacementView(p: Placed) -> impl IntoView {
    let signed = |v: Option<f64>| match v {
        Some(v) if v > 0.0 => format!("+{}", num(Some(v), 3)),
        other => num(other, 3),
    };
    // Two tables, each with the year, so that an A4 portrait page holds them whole: the
    // results index and its cuts, then the social index and its cuts.
    let results_rows = p
        .years
        .iter()
        .map(|y| {
            view! {
                <tr data-year=y.year>
                    <th scope="row">{y.year}</th>
                    <td class="num" data-testid="results-index">{num(y.results_index, 3)}</td>
                    <td data-testid="results-band">{y.results_band.map(|b| b.label()).unwrap_or("—")}</td>
                    <td class="num">{signed(y.distance_to_low_cut)}</td>
                    <td class="num">{signed(y.distance_to_high_cut)}</td>
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
                    <td class="num" data-testid="social-index">{num(y.social_index, 3)}</td>
                    <td data-testid="social-band">{y.social_band.map(|b| b.label()).unwrap_or("—")}</td>
                    <td class="num">{signed(y.distance_to_unfavourable_cut)}</td>
                    <td class="num">{signed(y.distance_to_favourable_cut)}</td>
                </tr>
            }
        })
        .collect_view();
    let weak = p
        .years
        .iter()
        .filter(|y| !y.weakest.is_empty())
        .map(|y| {
            view! {
                <h4>{format!("{} год: что тянет индекс вниз", y.year)}</h4>
                <ul>{y.weakest.iter().map(|w| view! { <li>{w.sentence.clone()}</li> }).collect_view()}</ul>
            }
        })
        .collect_view();
    let chart = SchoolTrajectory::from_placement(&p);
    let has_index = p.years.iter().any(|y| y.results_index.is_some());
    view! {
        {p.excluded.clone().map(|e| view! { <p class="alert warning">{e}</p> })}
        {has_index.then(|| view! {
            <Chart
                width=800
                height=420
                label="Индекс образовательных результатов школы по годам и границы 25 % групп её пула из эталона; те же числа — в таблице под рисунком."
                draw=move |c| paint(c, |a| school_trajectory(&a, &chart))
            />
        })}
        {p.pool_label.clone().map(|l| view! { <p>{format!("Группа школ: {l}.")}</p> })}
        {p.results_category.map(|r| {
            let social = p.social_category.map(|s| s.label()).unwrap_or("—");
            view! { <p data-testid="placement-category"><strong>{format!("По трёхлетним правилам методики: {}; {}.", r.label(), social)}</strong></p> }
        })}
        <div class="placement-tables" data-testid="placement">
            <div class="table-wrap" role="region" aria-label="Образовательные результаты школы по годам" tabindex="0">
                <table class="data placement-results">
                    <caption>"Образовательные результаты"</caption>
                    <thead><tr>
                        <th scope="col">"Год"</th>
                        <th scope="col" class="num">"Индекс образовательных результатов"</th>
                        <th scope="col">"Группа по результатам"</th>
                        <th scope="col" class="num">"До границы низких (0 и −: в группе низких)"</th>
                        <th scope="col" class="num">"До границы высоких (0 и +: в группе высоких)"</th>
                    </tr></thead>
                    <tbody>{results_rows}</tbody>
                </table>
            </div>
            <div class="table-wrap" role="region" aria-label="Социальные условия школы по годам" tabindex="0">
                <table class="data placement-social">
                    <caption>"Социальные условия"</caption>
                    <thead><tr>
                        <th scope="col">"Год"</th>
                        <th scope="col" class="num">"Индекс социальных условий (больше — хуже условия)"</th>
                        <th scope="col">"Группа по условиям"</th>
                        <th scope="col" class="num">"До границы неблагоприятных (0 и +: в группе неблагоприятных)"</th>
                        <th scope="col" class="num">"До границы благоприятных (0 и −: в группе благоприятных)"</th>
                    </tr></thead>
                    <tbody>{social_rows}</tbody>
                </table>
            </div>
        </div>
        <p class="hint">"Расстояние до границы — разность индекса школы и индекса на границе группы в эталоне: школа с индексом не выше границы низких попадает в 25 % с самыми низкими результатами; не ниже границы высоких — в 25 % с самыми высокими. Индекс социальных условий тем больше, чем условия хуже: не ниже границы неблагоприятных — 25 % школ в самых неблагоприятных условиях; не выше границы благоприятных — 25 % в самых благоприятных."</p>
        {weak}
        <MissingList items=p.missing.iter().map(|m| m.message.clone()).collect()/>
    }
}
