//! Results of one assessment: points and percentage of the maximum per stage, system,
//! mechanism and overall; the systems × stages heat map; bars per system against last year's
//! assessment of the same organisation; the weakest links of the management cycle in words.

use super::{percent, short_title, stage_titles};
use crate::app::chart::{paint, Chart};
use crate::app::print::print_page;
use crate::app::state::app_state;
use crate::charts::{rubric_bars, rubric_heatmap, RubricBars, RubricHeatmap};
use crate::domain::exchange::records::AssessmentRecord;
use crate::domain::rubric::{federal, fmt_points, score, weak_links, Assessment, Scores, Tally};
use leptos::prelude::*;

#[component]
pub fn Results(draft: RwSignal<Option<AssessmentRecord>>) -> impl IntoView {
    let state = app_state();
    let r = federal();
    let current = Memo::new(move |_| draft.with(|d| d.as_ref().map(|d| d.assessment.clone())));
    let scores = Memo::new(move |_| current.with(|a| a.as_ref().map(|a| score(r, a))));
    // Last year's assessment of the same organisation (the newest one if there are several).
    let previous = Memo::new(move |_| {
        let (key, year) = current.with(|a| a.as_ref().map(|a| (a.organisation.key(), a.year)))?;
        state.overview.with(|s| {
            s.as_ref()?
                .assessments
                .iter()
                .filter(|x| x.assessment.year == year - 1 && x.assessment.organisation.key() == key)
                .max_by(|a, b| a.assessment.updated_at.cmp(&b.assessment.updated_at))
                .map(|x| x.assessment.clone())
        })
    });
    let previous_scores =
        Memo::new(move |_| previous.with(|p| p.as_ref().map(|p| (p.year, score(r, p)))));
    let heat =
        Memo::new(move |_| scores.with(|s| s.as_ref().map(|s| RubricHeatmap::from_scores(r, s))));
    let bars = Memo::new(move |_| {
        let year = current.with(|a| a.as_ref().map(|a| a.year))?;
        scores.with(|s| {
            let bars = RubricBars::from_scores(r, s.as_ref()?, year.to_string());
            Some(
                match previous_scores.with(|p| {
                    p.as_ref()
                        .map(|(y, p)| bars.clone().with_previous(p, y.to_string()))
                }) {
                    Some(with) => with,
                    None => bars,
                },
            )
        })
    });

    let table = move || scores.with(|s| s.as_ref().map(results_table));
    let weak = move || scores.with(|s| s.as_ref().map(weak_view));
    let answered = move || scores.with(|s| s.as_ref().map_or(0, |s| s.overall.answered));
    let total = r.items.len();
    let bars_note = move || {
        match previous_scores.with(|p| p.as_ref().map(|(y, _)| *y)) {
        Some(y) => format!("Тонкая тёмная полоса под столбцом — оценка той же организации за {y} год."),
        None => "Оценки той же организации за прошлый год в этом браузере нет — показан только текущий год.".to_string(),
    }
    };
    // The page header of the printed results: who was assessed, for which year, and when.
    let doc_title = move || {
        draft.with(|d| {
            d.as_ref().map_or_else(String::new, |d| {
                format!(
                    "Оценка механизмов управления — {}, {} год",
                    d.assessment.organisation.name.trim(),
                    d.assessment.year
                )
            })
        })
    };
    let today = crate::storage::browser::now()
        .date_ru(crate::domain::common::format::local_offset_minutes());
    view! {
        <section class="document" aria-labelledby="rb-results-h" data-doc-title=doc_title data-doc-date=today>
            <h2 id="rb-results-h">"Результаты"</h2>
            <p class="actions"><button type="button" id="rubric-print" on:click=move |_| print_page(state)>"Печать / Сохранить как PDF"</button></p>
            <p class="rb-progress">{move || format!("Отвечено {} из {total} {}; строки без ответа считаются за 0 баллов.", answered(), crate::domain::common::format::plural(total, "строки", "строк", "строк"))}</p>
            {table}
            <h3>"Тепловая карта: системы × этапы управленческого цикла"</h3>
            <Chart
                width=820
                height=520
                label="Тепловая карта: процент от максимума по системам и этапам управленческого цикла. Те же числа — в таблице выше и в блоке «Данные диаграммы» под рисунком."
                draw=move |c| heat.with(|h| match h {
                    Some(h) => paint(c, |a| rubric_heatmap(&a, h)),
                    None => Ok(()),
                })
                data_title="Данные тепловой карты таблицей"
            >
                {move || heat.with(|h| h.as_ref().map(heat_table))}
            </Chart>
            <h3>"Процент от максимума по системам"</h3>
            <p class="hint">{bars_note}</p>
            <Chart
                width=820
                height=460
                label="Столбчатая диаграмма: процент от максимума по каждой системе, с прошлым годом, если есть. Те же числа — в блоке «Данные диаграммы» под рисунком."
                draw=move |c| bars.with(|b| match b {
                    Some(b) => paint(c, |a| rubric_bars(&a, b)),
                    None => Ok(()),
                })
                data_title="Данные диаграммы по системам"
            >
                {move || bars.with(|b| b.as_ref().map(bars_list))}
            </Chart>
            <h3>"Слабые звенья управленческого цикла"</h3>
            {weak}
        </section>
    }
}

/// «5 из 9» (points can be negative) and the percentage; «—» for a group without lines.
fn tally_cells(t: &Tally) -> (String, String) {
    if t.total() == 0 {
        return ("—".to_string(), "—".to_string());
    }
    let pct = if t.max > 0 {
        percent(t.percent)
    } else {
        "—".to_string()
    };
    (format!("{} из {}", fmt_points(t.points), t.max), pct)
}

fn total_cells(t: &Tally) -> impl IntoView {
    let pct = if t.max > 0 {
        percent(t.percent)
    } else {
        "—".to_string()
    };
    view! {
        <td class="num total-points">{fmt_points(t.points)}</td>
        <td class="num total-max">{t.max}</td>
        <td class="num total-pct">{pct}</td>
    }
}

fn results_table(s: &Scores) -> impl IntoView {
    let r = federal();
    let stages = stage_titles();
    let ncols = stages.len() + 1;
    let body = r
        .mechanisms
        .iter()
        .map(|m| {
            let mt = s.mechanism(&m.id).copied().unwrap_or_default();
            let systems = r
                .systems_of(&m.id)
                .map(|sys| {
                    let t = s.system(&sys.id).copied().unwrap_or_default();
                    let cells = r
                        .stages
                        .iter()
                        .map(|stage| {
                            let (pts, pct) = tally_cells(&s.cell(&sys.id, &stage.id).copied().unwrap_or_default());
                            view! { <td class="num"><span class="rb-pts">{pts}</span><br/><span class="rb-pct">{pct}</span></td> }
                        })
                        .collect_view();
                    view! {
                        <tr data-system=sys.id.clone()>
                            <th scope="row" title=sys.title.clone()><span class="rb-sys-id">{sys.id.clone()}</span>" "{short_title(&sys.id)}</th>
                            {cells}
                            {total_cells(&t)}
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <tr class="group" data-mechanism=m.id.clone()>
                    <th scope="row" colspan=ncols>{format!("Механизм {}. {}", m.id, m.title)}</th>
                    {total_cells(&mt)}
                </tr>
                {systems}
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap rb-results-wrap" tabindex="0" role="region" aria-label="Баллы по этапам, системам и механизмам">
            <table class="data rb-results">
                <caption>"Баллы («набрано из максимума») и процент от максимума"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Система"</th>
                        {stages.iter().map(|t| view! { <th scope="col" class="num">{t.clone()}</th> }).collect_view()}
                        <th scope="col" class="num">"Баллы"</th>
                        <th scope="col" class="num">"Максимум"</th>
                        <th scope="col" class="num">"% от максимума"</th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
                <tfoot>
                    <tr class="overall">
                        <th scope="row" colspan=ncols>"Итого по методике"</th>
                        {total_cells(&s.overall)}
                    </tr>
                </tfoot>
            </table>
        </div>
    }
}

/// The heat map's numbers as a table (systems × stages).
pub(super) fn heat_table(h: &RubricHeatmap) -> impl IntoView {
    let columns = h.columns.clone();
    let rows = h
        .rows
        .iter()
        .map(|row| {
            view! {
                <tr>
                    <th scope="row">{format!("{} {}", row.id, row.title)}</th>
                    {row.cells.iter().map(|c| view! { <td class="num">{c.map_or_else(|| "—".to_string(), percent)}</td> }).collect_view()}
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="data compact">
            <caption>{h.title.clone()}</caption>
            <thead><tr><th scope="col">"Система"</th>{columns.into_iter().map(|c| view! { <th scope="col" class="num">{c}</th> }).collect_view()}</tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

fn bars_list(b: &RubricBars) -> impl IntoView {
    let previous = b.previous_label.clone();
    let current = b.current_label.clone();
    view! {
        <ul class="rb-bars-text">
            {b.rows.iter().map(|row| {
                let mut text = format!("{} {}: {} — {}", row.id, row.title, current, row.value.map_or_else(|| "—".to_string(), percent));
                if let (Some(label), Some(p)) = (&previous, row.previous) {
                    text.push_str(&format!("; {label} — {}", percent(p)));
                }
                view! { <li>{text}</li> }
            }).collect_view()}
        </ul>
    }
}

/// The weakest links per system that has at least one answer; the rest are named as empty.
fn weak_view(s: &Scores) -> impl IntoView {
    let r = federal();
    let links = weak_links(r, s);
    let mut filled = Vec::new();
    let mut empty = Vec::new();
    for sys in &r.systems {
        let answered = s.system(&sys.id).is_some_and(|t| t.answered > 0);
        if !answered {
            empty.push(sys.id.clone());
            continue;
        }
        let texts: Vec<String> = links
            .iter()
            .filter(|l| l.system == sys.id)
            .map(|l| l.text.clone())
            .collect();
        filled.push((sys.id.clone(), texts));
    }
    view! {
        {if filled.is_empty() {
            view! { <p>"Ни одна система ещё не заполнена."</p> }.into_any()
        } else {
            view! {
                <ul class="rb-weak">
                    {filled.into_iter().map(|(id, texts)| {
                        let text = if texts.is_empty() {
                            "все этапы управленческого цикла набрали одинаковый процент — явного слабого звена нет".to_string()
                        } else {
                            texts.join("; ")
                        };
                        view! { <li><strong>{format!("{id} {}: ", short_title(&id))}</strong>{text}</li> }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        {(!empty.is_empty()).then(|| view! {
            <p class="hint">{format!("Без ответов (не входят в перечень слабых звеньев): {}.", empty.join(", "))}</p>
        })}
    }
}

/// Percentages of an assessment, for a quick look in lists.
pub(super) fn overall_percent(a: &Assessment) -> (f64, usize) {
    let s = score(federal(), a);
    (s.overall.percent, s.overall.answered)
}
