//! Comparison of organisations: one column per organisation (its latest year), percentages per
//! system and overall with the change against last year's assessment of the same organisation,
//! and a heat map per organisation (small multiples).

use super::results::heat_table;
use super::{percent, points_change, short_title};
use crate::app::chart::{paint, Chart};
use crate::app::state::app_state;
use crate::charts::{rubric_heatmap, HeatmapRow, RubricHeatmap};
use crate::domain::rubric::{compare, federal, score, Assessment, Comparison, ComparisonColumn};
use leptos::prelude::*;

#[component]
pub fn ComparisonSection() -> impl IntoView {
    let state = app_state();
    let r = federal();
    let comparison = Memo::new(move |_| {
        state.overview.with(|s| {
            s.as_ref().map(|s| {
                let list: Vec<Assessment> =
                    s.assessments.iter().map(|a| a.assessment.clone()).collect();
                compare(r, &list)
            })
        })
    });
    view! {
        <section aria-labelledby="rb-compare-h">
            <h2 id="rb-compare-h">"Сравнение организаций"</h2>
            {move || comparison.with(|c| match c {
                Some(c) if c.columns.len() >= 2 => view! { <ComparisonView c=c.clone()/> }.into_any(),
                _ => view! {
                    <p class="hint">"Сравнение появится, когда в этом браузере будут оценки хотя бы двух организаций (свои или загруженные из файлов в разделе «Данные»). Изменение к прошлому году для одной организации показано на странице её результатов."</p>
                }.into_any(),
            })}
        </section>
    }
}

fn change_text(column: &ComparisonColumn, system: Option<&str>) -> Option<String> {
    let change = column.change.as_ref()?;
    let delta = match system {
        Some(id) => change.systems.iter().find(|s| s.system == id)?.delta,
        None => change.overall,
    };
    Some(format!(
        "{} к {}",
        points_change(delta),
        change.previous_year
    ))
}

#[component]
fn ComparisonView(c: Comparison) -> impl IntoView {
    let r = federal();
    let head = c
        .columns
        .iter()
        .map(|col| {
            view! {
                <th scope="col" class="num">
                    {col.organisation.name.trim().to_string()}
                    <br/>
                    <span class="rb-col-sub">{format!("{}, {}", col.organisation.level.title(), col.year)}</span>
                </th>
            }
        })
        .collect_view();
    let rows = c
        .systems
        .iter()
        .enumerate()
        .map(|(k, id)| {
            let cells = c
                .columns
                .iter()
                .map(|col| {
                    let p = col.rows.get(k).map_or(0.0, |row| row.percent);
                    let change = change_text(col, Some(id));
                    view! {
                        <td class="num">
                            {percent(p)}
                            {change.map(|t| view! { <br/><span class="rb-delta">{t}</span> })}
                        </td>
                    }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row"><span class="rb-sys-id">{id.clone()}</span>" "{short_title(id)}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    let overall = c
        .columns
        .iter()
        .map(|col| {
            let change = change_text(col, None);
            view! {
                <td class="num">
                    <strong>{percent(col.overall)}</strong>
                    {change.map(|t| view! { <br/><span class="rb-delta">{t}</span> })}
                </td>
            }
        })
        .collect_view();
    let answered = c
        .columns
        .iter()
        .map(|col| view! { <td class="num">{format!("{} из {}", col.answered, col.answered + col.unanswered)}</td> })
        .collect_view();
    // Which stages of which systems have a maximum at all (a cell without one shows «—»).
    let empty = score(r, &Assessment::new(r, Default::default(), 0));
    let multiples = c
        .columns
        .iter()
        .map(|col| {
            let data = RubricHeatmap {
                title: format!("{}, {}", col.organisation.name.trim(), col.year),
                columns: super::stage_titles(),
                rows: col
                    .rows
                    .iter()
                    .map(|row| {
                        let system = r.system(&row.system);
                        HeatmapRow {
                            id: row.system.clone(),
                            // Numbers only: the names are in the table above, and the cells
                            // get the width (the stage headers then fit without turning).
                            title: String::new(),
                            group: system.map(|s| s.mechanism.clone()).unwrap_or_default(),
                            cells: r
                                .stages
                                .iter()
                                .zip(&row.stages)
                                .map(|(stage, p)| empty.cell(&row.system, &stage.id).filter(|t| t.max > 0).map(|_| *p))
                                .collect(),
                        }
                    })
                    .collect(),
            };
            let label = format!(
                "Тепловая карта: {}, {} год — процент от максимума по системам и этапам управленческого цикла",
                col.organisation.name.trim(),
                col.year
            );
            let mut named = data.clone();
            for row in &mut named.rows {
                row.title = short_title(&row.id);
            }
            let table = heat_table(&named);
            view! {
                <Chart width=560 height=380 label=label draw=move |canvas| paint(canvas, |a| rubric_heatmap(&a, &data))
                    data_title="Данные тепловой карты таблицей">
                    {table}
                </Chart>
            }
        })
        .collect_view();
    view! {
        <p>"Для каждой организации — последний год, за который есть оценка. Под процентом — изменение к оценке той же организации за прошлый год, в процентных пунктах."</p>
        <div class="table-wrap rb-results-wrap" tabindex="0" role="region" aria-label="Сравнение организаций по системам">
            <table class="data rb-compare">
                <caption>"Процент от максимума по системам"</caption>
                <thead><tr><th scope="col">"Система"</th>{head}</tr></thead>
                <tbody>
                    {rows}
                    <tr class="overall"><th scope="row">"Итого по методике"</th>{overall}</tr>
                    <tr><th scope="row">"Отвечено строк"</th>{answered}</tr>
                </tbody>
            </table>
        </div>
        <h3>"Тепловые карты организаций"</h3>
        <div class="rb-multiples">{multiples}</div>
    }
}
