//! Contextualised results (a reading beyond the seed): per pool and year, the results index a
//! school's social conditions lead one to expect (the least-squares line), each school above,
//! within or below expectation, and the schools stably above expectation in unfavourable
//! conditions. The lines as a table, the scatter with the line and its text alternative.

use crate::app::chart::{paint, Chart};
use crate::app::files::TableFiles;
use crate::charts::{context_scatter, context_scatter_text, ContextScatter};
use crate::domain::common::format::{capitalise, count, num, pct};
use crate::domain::method::identify::csv::context_fits_table;
use crate::domain::method::identify::small_pools::{small_pool_sentence, small_pools, PoolSize};
use crate::domain::method::identify::Identification;
use leptos::prelude::*;
use std::sync::Arc;

#[component]
pub fn ContextSection(r: Arc<Identification>) -> impl IntoView {
    let (pools, pool_labels) = super::pool_year::pool_choice(&r);
    let label_of = {
        let l = pool_labels.clone();
        move |id: &str| l.get(id).cloned().unwrap_or_else(|| id.to_string())
    };
    let pool = RwSignal::new(pools.first().cloned().unwrap_or_default());
    let year = RwSignal::new(r.years.last().copied().unwrap_or_default());
    let years = r.years.clone();
    let share = r.params.context_share;
    let min_n = r.params.context_min_n;
    let fits = r.context.fits.clone();
    // The small pool-years: their rows say so beside the line's numbers.
    let band_share = r.params.band_share;
    let small: Vec<PoolSize> = small_pools(&r);
    let notice = r.clone();
    let for_fits = StoredValue::new(r.clone());
    let result = StoredValue::new(r);
    let scatter = Memo::new(move |_| {
        result.with_value(|r| ContextScatter::from_identification(r, &pool.get(), year.get()))
    });
    let text = move || scatter.with(context_scatter_text);
    let fit_rows = fits
        .into_iter()
        .map(|f| {
            let label = label_of(&f.pool);
            let small = small
                .iter()
                .find(|p| p.pool == f.pool && p.year == f.year)
                .map(|p| {
                    format!(
                        "{}.",
                        capitalise(&small_pool_sentence(p.ranked, band_share))
                    )
                });
            view! {
                <tr>
                    <td>{label}</td>
                    <td class="num">{f.year}</td>
                    <td class="num">{crate::domain::common::format::thousands(f.n)}</td>
                    <td class="num">{num(f.slope, 3)}</td>
                    <td class="num">{num(f.intercept, 3)}</td>
                    <td class="num">{num(f.r2, 3)}</td>
                    <td class="hint">
                        {f.note.unwrap_or_default()}
                        {small.map(|t| view! { <p class="small-pool">{t}</p> })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="context" aria-labelledby="context-h">
            <h3 id="context-h">"Контекстуализированные результаты"</h3>
            <p>{format!(
                "Прочтение за пределами методики (подход исследований школ, работающих в сложных социальных условиях): в каждой группе школ за каждый год строится линия наименьших квадратов — какой индекс образовательных результатов ожидать при данном индексе социальных условий. Отклонение школы от линии — её результат «с поправкой на контекст». {} школ группы с наибольшим отклонением вверх — «выше ожидаемого», столько же вниз — «ниже ожидаемого», остальные — «в пределах ожидаемого». Школа, которая выше ожидаемого во все годы окна и входит в ШНСУ, — резильентная в этом прочтении (в методике «резильентные» — стабильно высокие результаты в ШНСУ). Линия строится, если в группе за год не меньше {} с обоими индексами: по немногим школам наклон и R² случайны.",
                pct(share),
                count(min_n, "школы", "школ", "школ")
            )}</p>
            <super::SmallPoolsNotice r=notice testid="context-small-pool"/>
            <div class="table-wrap" tabindex="0" role="region" aria-label="Линии ожидаемого результата">
                <table class="data compact" id="context-fits">
                    <caption>"Линии ожидаемого результата по группам школ и годам"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Группа школ"</th>
                            <th scope="col" class="num">"Год"</th>
                            <th scope="col" class="num">"Школ"</th>
                            <th scope="col" class="num">"Наклон"</th>
                            <th scope="col" class="num">"Свободный член"</th>
                            <th scope="col" class="num">"R²"</th>
                            <th scope="col">"Примечание"</th>
                        </tr>
                    </thead>
                    <tbody>{fit_rows}</tbody>
                </table>
            </div>
            <p class="actions">
                <TableFiles label="Линии" what="контекст линии" sheet="Контекст (линии)" table=move || for_fits.with_value(|r| context_fits_table(r))/>
            </p>
            <super::pool_year::PoolYearControls prefix="context" pools=pools labels=pool_labels years=years pool=pool year=year/>
            <Chart
                width=900
                height=620
                label="Диаграмма рассеяния с линией ожидаемого результата: каждая школа — точка; по горизонтали индекс социальных условий, по вертикали индекс образовательных результатов; линия — ожидаемый результат; цвет точки — выше, в пределах или ниже ожидаемого. Итоги — в тексте под рисунком."
                draw=move |c| scatter.with(|s| paint(c, |a| context_scatter(&a, s)))
                data_title="Что на диаграмме"
            >
                <div id="context-text">{move || text().into_iter().map(|line| view! { <p>{line}</p> }).collect_view()}</div>
            </Chart>
        </section>
    }
}
