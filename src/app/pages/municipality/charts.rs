//! A run's charts: the scatter of results against social conditions and the distribution
//! of the results index, for one pool and year.

use super::pool_year::{pool_choice, PoolYearControls};
use crate::app::chart::{paint, Chart};
use crate::charts::{
    identification_scatter, index_histogram, IdentificationScatter, IndexHistogram,
};
use crate::domain::common::format::{count, num, thousands};
use crate::domain::method::identify::{Identification, ResultsCategory};
use leptos::prelude::*;
use std::sync::Arc;

/// The scatter of results against social conditions and the distribution of the results
/// index, for one pool and year.
#[component]
pub(super) fn ChartsSection(r: Arc<Identification>) -> impl IntoView {
    let (pools, pool_labels) = pool_choice(&r);
    let pool = RwSignal::new(pools.first().cloned().unwrap_or_default());
    let year = RwSignal::new(r.years.last().copied().unwrap_or_default());
    let years = r.years.clone();
    let result = StoredValue::new(r);
    let scatter = Memo::new(move |_| {
        result
            .with_value(|r| IdentificationScatter::from_identification(r, &pool.get(), year.get()))
    });
    let histogram = Memo::new(move |_| {
        result.with_value(|r| IndexHistogram::from_identification(r, &pool.get(), year.get()))
    });
    let summary = move || {
        let s = scatter.get();
        let (no_point, other) = s.unseen();
        let mut unseen = Vec::new();
        if no_point > 0 {
            unseen.push(format!(
                "{} без индекса за {} год",
                thousands(no_point),
                s.year
            ));
        }
        if other > 0 {
            unseen.push(format!("{} в других группах школ", thousands(other)));
        }
        format!(
            "Школ на диаграмме: {} из {} оценённых в расчёте{}.",
            thousands(s.points.len()),
            thousands(s.points.len() + no_point + other),
            if unseen.is_empty() {
                String::new()
            } else {
                format!("; не показаны: {}", unseen.join(", "))
            }
        )
    };
    // The tiles' numbers, category by category: on the chart, without a point this year,
    // in the other pools.
    let reconciliation = move || {
        let s = scatter.get();
        let ids = ResultsCategory::ALL
            .iter()
            .map(|c| c.id())
            .chain(["resilient"]);
        let rows: Vec<(&str, crate::charts::CategoryCount)> = ids
            .zip(s.counts.iter().map(|(_, n)| *n).chain([s.resilient]))
            .collect();
        let sentences = s.reconciliation();
        rows.into_iter()
            .zip(sentences)
            .map(|((id, n), text)| {
                view! {
                    <li data-category=id data-shown=n.shown data-without=n.without_point data-other=n.other_pools data-total=n.total()>{text}</li>
                }
            })
            .collect_view()
    };
    view! {
        <h3>"Диаграммы"</h3>
        <PoolYearControls prefix="chart" pools=pools labels=pool_labels years=years pool=pool year=year/>
        <Chart
            width=900
            height=620
            label="Диаграмма рассеяния: каждая школа — точка; по горизонтали индекс социальных условий, по вертикали индекс образовательных результатов; форма и цвет точки — категория. Итоги — в тексте под рисунком."
            draw=move |c| scatter.with(|s| paint(c, |a| identification_scatter(&a, s)))
            data_title="Что на диаграмме"
        >
            <ul class="reconciliation" data-testid="scatter-counts">{reconciliation}</ul>
        </Chart>
        <p class="hint chart-note" data-testid="scatter-note">{summary}</p>
        <Chart
            width=900
            height=380
            label="Гистограмма индекса образовательных результатов с границами 25 % групп. Числа — в блоке под рисунком."
            draw=move |c| histogram.with(|h| paint(c, |a| index_histogram(&a, h)))
            data_title="Распределение таблицей"
        >
            {move || {
                let h = histogram.get();
                let counts = h.counts();
                let bins = counts.len().max(1);
                view! {
                    <table class="data compact">
                        <thead><tr><th scope="col">"Индекс"</th><th scope="col" class="num">"Школ"</th></tr></thead>
                        <tbody>{counts.into_iter().enumerate().map(|(i, n)| view! {
                            <tr><td>{format!("{}–{}", num(Some(i as f64 / bins as f64), 2), num(Some((i + 1) as f64 / bins as f64), 2))}</td><td class="num">{crate::domain::common::format::thousands(n)}</td></tr>
                        }).collect_view()}</tbody>
                    </table>
                }
            }}
        </Chart>
        <p class="hint chart-note" data-testid="histogram-covers">{move || {
            let h = histogram.get();
            let other = scatter.with(|s| s.unseen().1);
            format!(
                "На гистограмме — {} этой группы с индексом результатов за {} год; без индекса в этом году — {}. Школы других групп ({}) — на их гистограммах; границы групп — по правилу методики: нижние 25 % не выше, верхние 25 % не ниже подписанного значения.",
                count(h.values.len(), "школа", "школы", "школ"),
                year.get(),
                thousands(h.without_index),
                thousands(other),
            )
        }}</p>
    }
}
