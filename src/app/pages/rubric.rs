//! Scoring of quality-management mechanisms with the federal 9-system rubric.
//!
//! `/rubric` — the stored assessments, a new one, export, and the comparison of organisations
//! ([`list`], [`compare`]). `/rubric?id=<key>` — one assessment: entry system by system
//! ([`entry`]), saved as the user goes ([`save`]); `&view=results` — its results: tables,
//! heat map, bars against last year, weakest links ([`results`]).

mod compare;
mod entry;
mod list;
mod results;
mod save;

use crate::app::autosave::SaveStatus;
use crate::app::state::app_state;
use crate::charts::RubricHeatmap;
use crate::domain::common::format::{count, date_time};
use crate::domain::exchange::records::AssessmentRecord;
use crate::domain::rubric::{self, federal, Assessment, Rule};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn RubricPage() -> impl IntoView {
    let query = use_query_map();
    let id = Memo::new(move |_| query.with(|q| q.get("id")).filter(|s| !s.trim().is_empty()));
    let results = Memo::new(move |_| query.with(|q| q.get("view")).as_deref() == Some("results"));
    view! {
        {move || match id.get() {
            Some(id) => view! { <AssessmentView id=id results=results/> }.into_any(),
            None => view! { <list::Overview/> }.into_any(),
        }}
        <Readings/>
    }
}

/// The address of an assessment's entry (`results = false`) or results page.
pub(crate) fn href(id: &str, results: bool) -> String {
    let id = String::from(js_sys::encode_uri_component(id));
    if results {
        format!("/rubric?id={id}&view=results")
    } else {
        format!("/rubric?id={id}")
    }
}

/// «Демонстрационный край (регион), 2025».
pub(crate) fn title_of(a: &Assessment) -> String {
    format!(
        "{} ({}), {}",
        a.organisation.name.trim(),
        a.organisation.level.title(),
        a.year
    )
}

/// The one per cent and change in points of the app ([`crate::domain::common::format`]).
pub(crate) use crate::domain::common::format::{percent, points_change};

/// The rule of a line in a few words, for the hint under it.
pub(crate) fn rule_hint(rule: &Rule) -> String {
    match rule {
        Rule::Presence => "0/1: 1 — есть, 0 — нет".to_string(),
        Rule::Conformity => {
            "0–2: 2 — есть и соответствует обоснованию, 1 — есть, но не соответствует, 0 — нет"
                .to_string()
        }
        Rule::PerOption { options } => format!(
            "0–{}: по 1 баллу за каждый отмеченный вариант",
            options.len()
        ),
        Rule::Levels { levels } => {
            let max = rule.max();
            let top = levels.last().map(|l| l.text.as_str()).unwrap_or_default();
            format!("0–{max}: уровни не суммируются, засчитывается наивысший ({max} — {top})")
        }
        Rule::Targeted => {
            "0–2: 2 — для нескольких групп субъектов, 1 — для одной группы, 0 — нет".to_string()
        }
        Rule::Penalty => {
            "штраф: \u{2212}1, если есть; 0, если нет; в максимум не входит".to_string()
        }
    }
}

/// One assessment: its header, the tabs «Заполнение» / «Результаты», and the draft both
/// read. The draft is loaded from the overview once (when it arrives) and then owned here:
/// later changes of the overview do not overwrite what the user is typing.
#[component]
fn AssessmentView(id: String, results: Memo<bool>) -> impl IntoView {
    let state = app_state();
    let draft = RwSignal::new(None::<AssessmentRecord>);
    let loaded = RwSignal::new(false);
    let status = RwSignal::new(SaveStatus::Idle);
    let wanted = id.clone();
    Effect::new(move |_| {
        state.overview.with(|s| {
            let Some(s) = s else { return };
            if draft.with_untracked(|d| d.as_ref().is_some_and(|d| d.id == wanted)) {
                return;
            }
            draft.set(s.assessments.iter().find(|a| a.id == wanted).cloned());
            loaded.set(true);
        })
    });
    on_cleanup(move || save::flush(state, status));
    let total = federal().items.len();
    let answered = Memo::new(move |_| {
        draft.with(|d| {
            d.as_ref()
                .map_or(0, |d| d.assessment.answered(&federal().items))
        })
    });
    // Only who and when: answers change with every click and must not rebuild the page.
    let head = Memo::new(move |_| {
        draft.with(|d| {
            d.as_ref()
                .map(|d| (d.assessment.organisation.clone(), d.assessment.year))
        })
    });
    let entry_href = href(&id, false);
    let results_href = href(&id, true);
    move || {
        if !loaded.get() {
            return view! { <p>"Загрузка…"</p> }.into_any();
        }
        let Some((org, year)) = head.get() else {
            return view! {
                <h1>"Оценка не найдена"</h1>
                <p class="alert error" role="alert">"В этом браузере нет такой оценки. Возможно, данные были удалены или оценка загружена в другом браузере."</p>
                <p><a href="/rubric">"Все оценки"</a></p>
            }
            .into_any();
        };
        let code = org.code.clone().filter(|c| !c.trim().is_empty());
        let entry_href = entry_href.clone();
        let results_href = results_href.clone();
        view! {
            <p class="breadcrumbs no-print"><a href="/rubric">"← Все оценки механизмов"</a></p>
            <h1 class="doc-keep">{format!("{} — оценка механизмов управления, {year} год", org.name.trim())}</h1>
            <p class="lead doc-keep">
                {format!("Уровень: {}", org.level.title())}
                {code.map(|c| format!("; код: {c}"))}
                {move || format!("; отвечено {} из {total}", answered.get())}
            </p>
            <p class="rb-save no-print" aria-live="off" data-state=move || status.with(|s| s.id())>{move || status.with(SaveStatus::text)}</p>
            <nav class="rb-tabs no-print" aria-label="Оценка">
                <a href=entry_href aria-current=move || (!results.get()).then_some("page")>"Заполнение"</a>
                <a href=results_href aria-current=move || results.get().then_some("page")>"Результаты"</a>
            </nav>
            {move || if results.get() {
                view! { <results::Results draft=draft/> }.into_any()
            } else {
                view! { <entry::Entry draft=draft status=status/> }.into_any()
            }}
        }
        .into_any()
    }
}

/// The short title of a system («Оценка качества подготовки»), as the charts label it.
pub(crate) fn short_title(system: &str) -> String {
    static TITLES: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    let titles = TITLES.get_or_init(|| {
        let r = federal();
        let empty = rubric::score(r, &Assessment::new(r, Default::default(), 0));
        RubricHeatmap::from_scores(r, &empty)
            .rows
            .into_iter()
            .map(|row| (row.id, row.title))
            .collect()
    });
    titles
        .iter()
        .find(|(id, _)| id == system)
        .map(|(_, t)| t.clone())
        .unwrap_or_default()
}

/// Short stage titles («Цели», «Показатели» …), as the charts label the columns.
pub(crate) fn stage_titles() -> Vec<String> {
    let r = federal();
    let empty = rubric::score(r, &Assessment::new(r, Default::default(), 0));
    RubricHeatmap::from_scores(r, &empty).columns
}

/// «Как начисляются баллы»: the rubric's readings.
#[component]
fn Readings() -> impl IntoView {
    let r = federal();
    view! {
        <details class="list rb-readings" data-print-open="">
            <summary>"Как начисляются баллы"</summary>
            <p>{format!(
                "{}: {}, {} (максимум {}). Строка без ответа даёт 0 баллов, но её максимум входит в итог; штраф (−1) уменьшает баллы и не входит в максимум, поэтому процент может быть отрицательным.",
                r.title,
                count(r.systems.len(), "система", "системы", "систем"),
                count(r.items.len(), "оцениваемая строка", "оцениваемые строки", "оцениваемых строк"),
                count(r.max_total().max(0) as usize, "балл", "балла", "баллов")
            )}</p>
            <ul>{r.readings.iter().map(|x| view! { <li>{x.reading.clone()}</li> }).collect_view()}</ul>
        </details>
    }
}

/// «22.11.2025 10:15».
pub(crate) fn changed(at: &crate::domain::common::time::Timestamp) -> String {
    date_time(at)
}
