//! How sure each school's category is: the run's rows redrawn by chance as their counts
//! allow and identified again (`domain::method::identify::chance`, in the worker with progress
//! and cancel). The section shows each list's schools grouped «уверенно», «вероятно», «под
//! сомнением» and, below, «на грани», a histogram of the probabilities and the files; the
//! lists of the run and the school card show a school's probabilities, its small cohorts and
//! the indicator that drives its uncertainty ([`ChanceNote`], [`ChanceCard`]).

use super::card_opening::CardButton;
use super::RunContext;
use crate::app::actions;
use crate::app::components::{rows_shown, Pager};
use crate::app::files::TableFiles;
use crate::app::state::app_state;
use crate::domain::common::format::{count, pct, thousands};
use crate::domain::method::identify::chance::{
    chance_table, cohorts::small_summary, Certainty, Chance, ChanceList, ChanceOptions,
    SchoolChance, SmallCohort,
};
use leptos::prelude::*;
use std::sync::Arc;

/// A number typed in a field, `None` when it is not one (a decimal comma is read too).
fn typed(text: &str) -> Option<f64> {
    text.trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// The options as typed, or every reason they cannot be used.
fn options_of(fields: &Fields) -> Result<ChanceOptions, Vec<String>> {
    let mut bad = Vec::new();
    let mut whole = |text: &str, what: &str| match typed(text) {
        Some(v) if v >= 0.0 && v.fract() == 0.0 => v as u64,
        _ => {
            bad.push(format!("«{what}»: нужно целое неотрицательное число"));
            0
        }
    };
    let replicates = whole(&fields.replicates.get_untracked(), "Число повторов") as usize;
    let seed = whole(&fields.seed.get_untracked(), "Зерно генератора");
    let min_cohort = whole(
        &fields.min_cohort.get_untracked(),
        "Малочисленная группа — меньше",
    )
    .min(u64::from(u32::MAX)) as u32;
    let mut share = |text: &str, what: &str| match typed(text) {
        Some(v) => v / 100.0,
        None => {
            bad.push(format!("«{what}»: нужно число процентов"));
            0.0
        }
    };
    let confident = share(&fields.confident.get_untracked(), "Уверенно — от");
    let probable = share(&fields.probable.get_untracked(), "Вероятно — от");
    let edge = share(&fields.edge.get_untracked(), "На грани — от");
    let mut spreads = std::collections::BTreeMap::new();
    for (exam, label, field) in [
        ("ege", "ЕГЭ", fields.spread_ege),
        ("oge", "ОГЭ", fields.spread_oge),
        ("vpr", "ВПР", fields.spread_vpr),
    ] {
        let text = field.get_untracked();
        if text.trim().is_empty() {
            continue;
        }
        match typed(&text) {
            Some(v) => {
                spreads.insert(exam.to_string(), v);
            }
            None => bad.push(format!(
                "«Разброс баллов, {label}»: нужно число или пустое поле"
            )),
        }
    }
    let options = ChanceOptions {
        replicates,
        seed,
        min_cohort,
        confident,
        probable,
        edge,
        spreads,
    };
    if bad.is_empty() {
        options.validate().map(|_| options)
    } else {
        Err(bad)
    }
}

/// The fields of the options, as typed.
#[derive(Clone, Copy)]
struct Fields {
    replicates: RwSignal<String>,
    seed: RwSignal<String>,
    min_cohort: RwSignal<String>,
    confident: RwSignal<String>,
    probable: RwSignal<String>,
    edge: RwSignal<String>,
    spread_ege: RwSignal<String>,
    spread_oge: RwSignal<String>,
    spread_vpr: RwSignal<String>,
}

/// One labelled field of the options.
#[component]
fn Field(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(optional)] hint: &'static str,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type="text" inputmode="decimal" size="8" prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
            {(!hint.is_empty()).then(|| view! { <span class="hint">{hint}</span> })}
        </div>
    }
}

#[component]
pub fn ChanceSection(run_id: String, seed: u64) -> impl IntoView {
    let state = app_state();
    let ctx = expect_context::<RunContext>();
    let d = ChanceOptions::default();
    let percent = |v: f64| format!("{}", (v * 100.0).round());
    let fields = Fields {
        replicates: RwSignal::new(d.replicates.to_string()),
        seed: RwSignal::new(seed.to_string()),
        min_cohort: RwSignal::new(d.min_cohort.to_string()),
        confident: RwSignal::new(percent(d.confident)),
        probable: RwSignal::new(percent(d.probable)),
        edge: RwSignal::new(percent(d.edge)),
        spread_ege: RwSignal::new(String::new()),
        spread_oge: RwSignal::new(String::new()),
        spread_vpr: RwSignal::new(String::new()),
    };
    let errors = RwSignal::new(Vec::<String>::new());
    let stale = RwSignal::new(false);
    let run = StoredValue::new(run_id);
    let compute = move |_| {
        let options = match options_of(&fields) {
            Ok(o) => o,
            Err(e) => {
                errors.set(e);
                return;
            }
        };
        errors.set(Vec::new());
        let id = run.get_value();
        leptos::task::spawn_local(async move {
            if let Some((c, s)) = actions::chance(state, id, options).await {
                stale.set(s);
                state.chance.set(Some((run.get_value(), Arc::new(c))));
                crate::app::components::focus_when_ready("chance-result");
            }
        });
    };
    let busy = move || state.running(actions::CHANCE);
    view! {
        <section class="chance" aria-labelledby="chance-h">
            <h3 id="chance-h">"Надёжность категорий: малочисленные группы и случайность"</h3>
            <p>"В школе с 4 участниками ЕГЭ один выпускник меняет долю на 25 процентных пунктов, в классе из 9 человек на ОГЭ — на 11. Методика сравнивает такие доли так же, как доли школы с 200 участниками, поэтому часть любого списка попадает в него случайно. Здесь каждая доля каждой школы за каждый год разыгрывается заново в пределах того, что допускает её численность (апостериорное распределение Джеффриса: из k случаев на n участников), и методика применяется заново ко всему региону — группы по 25 % относительны, поэтому разыгрываются все школы вместе. Вероятность — доля повторов, в которых школа попадает в список."</p>
            <details class="chance-options">
                <summary>"Параметры оценки"</summary>
                <div class="fields">
                    <Field id="chance-replicates" label="Число повторов" value=fields.replicates hint="от 1 до 10 000; по умолчанию 200"/>
                    <Field id="chance-seed" label="Зерно генератора" value=fields.seed hint="то же зерно даёт те же вероятности"/>
                    <Field id="chance-min" label="Малочисленная группа — меньше" value=fields.min_cohort hint="участников (обучающихся); по умолчанию 10"/>
                    <Field id="chance-confident" label="«Уверенно» — от, %" value=fields.confident/>
                    <Field id="chance-probable" label="«Вероятно» — от, %" value=fields.probable/>
                    <Field id="chance-edge" label="«На грани» — от, %" value=fields.edge hint="для школ вне списка"/>
                    <Field id="chance-spread-ege" label="Разброс баллов учащихся, ЕГЭ" value=fields.spread_ege hint="в баллах; пусто — средние баллы не разыгрываются"/>
                    <Field id="chance-spread-oge" label="Разброс отметок учащихся, ОГЭ" value=fields.spread_oge hint="в отметках; пусто — не разыгрываются"/>
                    <Field id="chance-spread-vpr" label="Разброс отметок учащихся, ВПР" value=fields.spread_vpr hint="в отметках; пусто — не разыгрываются"/>
                </div>
            </details>
            {move || (!errors.get().is_empty()).then(|| view! {
                <div class="alert error" role="alert"><p>"Параметры оценки не приняты:"</p><ul>{errors.get().into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul></div>
            })}
            <p class="actions">
                <button type="button" id="chance-run" on:click=compute disabled=busy>"Оценить надёжность категорий"</button>
            </p>
            {move || ctx.chance.get().map(|c| view! { <ChanceView c=c stale=stale.get()/> })}
        </section>
    }
}

#[component]
fn ChanceView(c: Arc<Chance>, stale: bool) -> impl IntoView {
    let o = &c.options;
    let kept = if c.fixed_shares > 0 {
        format!(
            " Оставлены без изменения (в строке нет численности): {}.",
            count(c.fixed_shares, "доля", "доли", "долей")
        )
    } else {
        String::new()
    };
    let means = if c.drawn_means > 0 {
        format!(
            " Средние баллы разыгрываются для экзаменов с заданным разбросом: {}.",
            count(c.drawn_means, "значение", "значения", "значений")
        )
    } else {
        " Средние баллы не разыгрываются (разброс не задан).".to_string()
    };
    let about = format!(
        "Повторов: {}, зерно генератора {}. Разыгрываются заново в каждом повторе: {}.{kept}{means} Группы: «уверенно» — не менее {} повторов, «вероятно» — от {} до {}, «под сомнением» — меньше {}; «на грани» — школы вне списка, попадающие в него не менее чем в {} повторов. Малочисленная группа — меньше {}.",
        thousands(o.replicates),
        o.seed,
        count(c.drawn_shares, "доля", "доли", "долей"),
        pct(o.confident),
        pct(o.probable),
        pct(o.confident),
        pct(o.probable),
        pct(o.edge),
        count(o.min_cohort as usize, "участника", "участников", "участников"),
    );
    let for_table = c.clone();
    let lists = ChanceList::ALL
        .into_iter()
        .map(|list| view! { <ListGroups c=c.clone() list=list/> })
        .collect_view();
    view! {
        <div id="chance-result" tabindex="-1">
            {stale.then(|| view! { <p class="alert warning">"Данные изменились после этого расчёта: повторы сделаны по строкам, хранящимся сейчас."</p> })}
            <p id="chance-summary"><strong>{format!(
                "Уверенные ШНРО: {} из {}.",
                c.confident(ChanceList::Low),
                c.schools.iter().filter(|s| s.in_base(ChanceList::Low)).count()
            )}</strong>" "{about}</p>
            <p class="actions">
                <TableFiles label="Вероятности по школам" what="вероятности категорий" sheet="Вероятности" table=move || chance_table(&for_table)/>
            </p>
            {lists}
        </div>
    }
}

/// One list: its groups with their schools (a page at a time) and the histogram.
#[component]
fn ListGroups(c: Arc<Chance>, list: ChanceList) -> impl IntoView {
    let groups: Vec<(Certainty, Vec<SchoolChance>)> = Certainty::ALL
        .into_iter()
        .map(|g| (g, c.group(list, g).into_iter().cloned().collect()))
        .collect();
    let in_list: usize = groups
        .iter()
        .filter(|(g, _)| *g != Certainty::Edge)
        .map(|(_, s)| s.len())
        .sum();
    let counts = groups
        .iter()
        .map(|(g, s)| format!("{} — {}", g.label(), thousands(s.len())))
        .collect::<Vec<_>>()
        .join(", ");
    let rows: Vec<(Certainty, SchoolChance)> = groups
        .into_iter()
        .flat_map(|(g, s)| s.into_iter().map(move |s| (g, s)))
        .collect();
    let total = rows.len();
    let page = RwSignal::new(0usize);
    let size = RwSignal::new(25usize);
    let rows = StoredValue::new(rows);
    let shown = move || {
        let range = rows_shown(total, page, size);
        rows.with_value(|rows| {
            rows[range]
                .iter()
                .map(|(g, s)| {
                    let small = s.small.iter().map(|m| m.words()).collect::<Vec<_>>().join("; ");
                    view! {
                        <tr class=if *g == Certainty::Edge { "edge" } else { "" }>
                            <td>{g.label()}</td>
                            <th scope="row"><CardButton school_id=s.school_id.clone() name=s.school_name.clone()/><span class="sub">{s.municipality.clone()}</span></th>
                            <td class="num">{pct(s.probability(list))}</td>
                            <td class="long">{small}</td>
                            <td class="long">{s.drivers.iter().map(|d| d.words()).collect::<Vec<_>>().join("; ")}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    let (bins, zero) = c.histogram(list, 10);
    let max = bins.iter().copied().max().unwrap_or(0).max(1);
    let histogram = bins
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            let width = format!("width: {:.1}%", 100.0 * n as f64 / max as f64);
            view! {
                <tr>
                    <th scope="row">{format!("{}–{} %", i * 10, (i + 1) * 10)}</th>
                    <td class="bar"><span class="bar" style=width></span></td>
                    <td class="num">{thousands(n)}</td>
                </tr>
            }
        })
        .collect_view();
    let caption = format!(
        "{}: вероятность попасть в список (школ с нулевой вероятностью: {})",
        list.label(),
        thousands(zero)
    );
    view! {
        <details class="list chance-list" data-print-open="" open=list == ChanceList::Low>
            <summary>{format!("{}: в списке {}; {counts}", list.label(), thousands(in_list))}</summary>
            {(total == 0).then(|| view! { <p>"Нет школ в списке и на грани."</p> })}
            {(total > 25).then(|| view! { <Pager total=Signal::derive(move || total) page=page size=size label=format!("Страницы списка «{}»", list.label())/> })}
            {(total > 0).then(|| view! {
                <div class="table-wrap list-wrap" role="region" aria-label=format!("Надёжность списка «{}»", list.label())>
                    <table class="data">
                        <thead><tr>
                            <th scope="col">"Группа"</th>
                            <th scope="col">"Школа"<span class="sub">"муниципалитет"</span></th>
                            <th scope="col" class="num">"Доля повторов в списке"</th>
                            <th scope="col" class="long">"Малочисленные группы"</th>
                            <th scope="col" class="long">"Больше всего неопределённости даёт"</th>
                        </tr></thead>
                        <tbody>{shown}</tbody>
                    </table>
                </div>
            })}
            <table class="data histogram">
                <caption>{caption}</caption>
                <thead><tr><th scope="col">"Вероятность"</th><th scope="col">"Распределение"</th><th scope="col" class="num">"Школ"</th></tr></thead>
                <tbody>{histogram}</tbody>
            </table>
        </details>
    }
}

/// Under a school's name in a run's list: its probabilities and small cohorts, once the
/// estimate is made.
#[component]
pub fn ChanceNote(school_id: String) -> impl IntoView {
    let ctx = expect_context::<RunContext>();
    move || {
        let (text, small) = match ctx.chance.get() {
            Some(c) => {
                let s = c.school(&school_id)?;
                (note(s), s.small.clone())
            }
            None => {
                let small = ctx.small.get()?.get(&school_id)?.clone();
                (small_note(&small), small)
            }
        };
        // The years and counts in the tooltip (and in the card and the table).
        let title = small
            .iter()
            .map(|m| m.words())
            .collect::<Vec<_>>()
            .join("; ");
        (!text.is_empty())
            .then(|| view! { <span class="sub chance-note" title=title>{text}</span> })
    }
}

/// «малочисленная: ЕГЭ, ОГЭ» (a line under a name keeps a list's rows short).
fn small_note(small: &[SmallCohort]) -> String {
    if small.is_empty() {
        return String::new();
    }
    format!("малочисленная: {}", small_summary(small))
}

/// «ШНРО в 62 % повторов; малочисленная: 2021: ЕГЭ — 4 участника».
fn note(s: &SchoolChance) -> String {
    let mut parts: Vec<String> = ChanceList::ALL
        .into_iter()
        .filter(|&l| s.probability(l) > 0.0 && (s.in_base(l) || s.probability(l) < 1.0))
        .map(|l| format!("{} в {} повторов", l.label(), pct(s.probability(l))))
        .collect();
    if !s.small.is_empty() {
        parts.push(small_note(&s.small));
    }
    parts.join("; ")
}

/// The card's block: the school's probabilities, its small cohorts and what drives its
/// uncertainty; an invitation when no estimate was made.
#[component]
pub fn ChanceCard(school_id: String) -> impl IntoView {
    let ctx = expect_context::<RunContext>();
    move || {
        let Some(c) = ctx.chance.get() else {
            let small = ctx
                .small
                .get()
                .and_then(|all| all.get(&school_id).cloned())
                .unwrap_or_default();
            return view! {
                <h4>"Надёжность категорий"</h4>
                {(!small.is_empty()).then(|| view! {
                    <p>{format!("Малочисленные группы: {}.", small.iter().map(|m| m.words()).collect::<Vec<_>>().join("; "))}</p>
                })}
                <p class="hint">"Вероятности категорий не оценивались: «Оценить надёжность категорий» под списками расчёта."</p>
            }
            .into_any();
        };
        let Some(s) = c.school(&school_id).cloned() else {
            return view! { <p class="hint">"Школа не участвует в идентификации."</p> }.into_any();
        };
        let lines = ChanceList::ALL
            .into_iter()
            .map(|l| {
                let group = s
                    .certainty(l, &c.options)
                    .map(|g| format!(" ({})", g.label()))
                    .unwrap_or_default();
                view! { <li>{format!("{}: {} повторов{group}", l.label(), pct(s.probability(l)))}</li> }
            })
            .collect_view();
        view! {
            <h4>"Надёжность категорий"</h4>
            <ul class="plain chance-card">{lines}</ul>
            {(!s.small.is_empty()).then(|| view! {
                <p>{format!("Малочисленные группы: {}.", s.small.iter().map(|m| m.words()).collect::<Vec<_>>().join("; "))}</p>
            })}
            {s.drivers.iter().map(|d| view! { <p class="chance-driver">{format!("Больше всего неопределённости {}.", d.words())}</p> }).collect_view()}
        }
        .into_any()
    }
}
