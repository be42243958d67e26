//! Municipality / region workspace: what is stored and what is missing; the identification
//! runs (which rows, whether a run is out of date, deleting runs) and a run's lists, tables
//! and charts. Every long table is paginated, and sorting and filtering work on the summaries
//! the page keeps, so they stay instant with 45,000 schools.

mod analysis;
mod card;
mod card_opening;
mod chance;
mod charts;
mod completeness;
mod context;
pub(crate) mod monitoring;
mod params;
mod pool_year;
mod programmes;
mod robustness;
mod support;

use crate::app::actions;
use crate::app::components::{rows_shown, Dialog, Pager};
use crate::app::files::TableFiles;
use crate::app::print::print_page;
use crate::app::state::{app_state, NoticeKind};
use crate::domain::common::format::{num, pct};
use crate::domain::exchange::catalog::RunHeader;
use crate::domain::exchange::records::{RunRecord, RunScope};
use crate::domain::method::analysis::{
    municipalities_table, municipality_tallies, MUNICIPALITY_CATEGORIES,
};
use crate::domain::method::identify::chance::{Chance, SmallCohort};
use crate::domain::method::identify::method::method;
use crate::domain::method::identify::small_pools::{
    small_pool_ids, small_pool_lines, small_pools_heading,
};
use crate::domain::method::identify::{
    Identification, Params, ResultsCategory, SchoolResult, SocialCategory,
};
use crate::domain::reports::result_workbook::{LISTS, RESILIENT};
use crate::protocol::Export;
use crate::storage::browser;
use charts::ChartsSection;
use completeness::CompletenessSection;
use leptos::prelude::*;
use pool_year::pool_name;
use std::collections::HashMap;
use std::sync::Arc;
use wasm_bindgen::JsCast;

/// A stored run as the pages under it need it.
#[derive(Clone)]
pub struct RunData {
    pub result: Arc<Identification>,
    /// The run's reference values (for the school card's placement and social profile).
    pub reference: Vec<crate::domain::method::reference::ReferencePool>,
}

/// The small cohorts of a run's schools, by school id.
pub type SmallCohorts = HashMap<String, Vec<SmallCohort>>;

/// What the parts of a run's view share: the run, the open school card, the project year.
#[derive(Clone, Copy)]
pub struct RunContext {
    pub data: StoredValue<RunData>,
    /// The school whose card is open.
    pub card: RwSignal<Option<String>>,
    /// The year of the support project the participants and partners are for.
    pub project_year: RwSignal<i32>,
    /// The run's chance estimate, once asked for here or on the report page (the lists and
    /// the card show it): the session's estimate ([`crate::app::state::AppState::chance`]) when
    /// it is this run's.
    pub chance: Signal<Option<Arc<Chance>>>,
    /// The small cohorts of the run's schools by school id, asked for when the run is shown
    /// (the lists and the card mark them before any estimate).
    pub small: RwSignal<Option<Arc<SmallCohorts>>>,
}

#[component]
pub fn MunicipalityPage() -> impl IntoView {
    view! {
        <h1>"Муниципалитет / регион"</h1>
        <p class="lead">"Данные школ, пропуски, идентификация ШНРО и ШНСУ по методике «Эффективная школа»."</p>
        <RunSection/>
        <analysis::CompareSection/>
        <monitoring::MonitoringSection/>
        <CompletenessSection/>
    }
}

/// The identification: which rows, the runs, the latest run and whether it is out of date.
#[component]
fn RunSection() -> impl IntoView {
    let state = app_state();
    let (demo_rows, real_rows) = (
        Memo::new(move |_| {
            state
                .overview
                .with(|o| o.as_ref().map_or(0, |o| o.demo_and_real_rows().0))
        }),
        Memo::new(move |_| {
            state
                .overview
                .with(|o| o.as_ref().map_or(0, |o| o.demo_and_real_rows().1))
        }),
    );
    let mixed = move || demo_rows.get() > 0 && real_rows.get() > 0;
    let scope = RwSignal::new(RunScope::All);
    let runs = Memo::new(move |_| {
        state.overview.with(|o| {
            let mut r: Vec<RunHeader> = o.as_ref().map(|o| o.runs.clone()).unwrap_or_default();
            r.sort_by(|a, b| b.created_at.cmp(&a.created_at));
            r
        })
    });
    // The run chosen: the one in the address (`?run=`), else the one last viewed in this
    // browser, so that a reload, Back and Forward and a return to the page show the run the
    // user was reading, not the newest.
    let query = leptos_router::hooks::use_query_map();
    let chosen = RwSignal::new(
        query
            .with_untracked(|q| q.get("run"))
            .or_else(browser::last_viewed_run),
    );
    // The run shown: the one chosen, or the latest.
    let shown = Memo::new(move |_| {
        let list = runs.get();
        let wanted = chosen.get();
        wanted
            .and_then(|id| list.iter().find(|r| r.id == id).cloned())
            .or_else(|| list.first().cloned())
    });
    // Back and Forward change the address: the run follows.
    Effect::new(move |_| {
        if let Some(id) = query.with(|q| q.get("run")) {
            if chosen.get_untracked().as_deref() != Some(id.as_str()) {
                chosen.set(Some(id));
            }
        }
    });
    // The run shown is written to the address (replacing it: choosing runs is not a trail of
    // pages) and remembered; a message about another run goes.
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        let Some(id) = shown.with(|r| r.as_ref().map(|r| r.id.clone())) else {
            return;
        };
        browser::remember_run(&id);
        if state.notice.with_untracked(|n| {
            n.as_ref()
                .is_some_and(|n| n.run.as_ref().is_some_and(|r| *r != id))
        }) {
            state.notice.set(None);
        }
        if query.with_untracked(|q| q.get("run")).as_deref() != Some(id.as_str()) {
            navigate(
                &format!("/municipality?run={id}"),
                leptos_router::NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..Default::default()
                },
            );
        }
    });
    // The digests of the rows stored now, asked again after every change of the schools.
    let digests = LocalResource::new(move || {
        state.overview.track();
        async move {
            let read = actions::digests().await;
            if let Err(message) = &read {
                state.say(
                    NoticeKind::Error,
                    format!("Не удалось проверить, менялись ли данные после расчёта: {message}"),
                );
            }
            read.unwrap_or_default()
        }
    });
    let stale = move || {
        let run = shown.get()?;
        let now = digests.get()?;
        let current = now
            .iter()
            .find(|(s, _)| *s == run.scope)
            .map(|(_, d)| d.clone())?;
        Some(run.input_digest != current)
    };
    let params = RwSignal::new(Params::default());
    let params_ok = Memo::new(move |_| params.with(|p| p.validate().is_ok()));
    let data_years = Signal::derive(move || {
        state.overview.with(|o| {
            o.as_ref()
                .and_then(|o| o.year_range())
                .map(|(a, b)| (a.max(b - 4)..=b).collect::<Vec<i32>>())
                .unwrap_or_default()
        })
    });
    // The run made (or the same one found stored) is shown, and the focus goes to its results.
    let run = move || {
        actions::run_identification(
            state,
            scope.get_untracked(),
            params.get_untracked(),
            move |id| {
                chosen.set(Some(id));
                crate::app::components::focus_when_ready("run-results");
            },
        )
    };
    let identifying = move || state.running(actions::IDENTIFYING);
    let confirm_delete = RwSignal::new(false);
    let renaming = RwSignal::new(false);
    let new_label = RwSignal::new(String::new());
    let has_rows = move || demo_rows.get() + real_rows.get() > 0;
    view! {
        <section aria-labelledby="run-h">
            <h2 id="run-h">"Идентификация"</h2>
            <p>
                "Расчёт идёт по данным школ этого браузера за три последних года, отдельно по средним, основным и вечерним школам. "
                <a href="/about">"Как считается"</a>
            </p>
            <Show when=mixed>
                <div class="alert warning" role="alert">
                    <p><strong>"В хранилище вместе и демонстрационные, и реальные данные. "</strong>
                        {move || format!("Демонстрационных строк: {}, остальных: {}. Вместе они дадут бессмысленные списки: выберите, по каким данным считать.", demo_rows.get(), real_rows.get())}
                    </p>
                </div>
            </Show>
            <Show when=mixed>
                <fieldset class="scope">
                    <legend>"По каким данным считать"</legend>
                    {[RunScope::Real, RunScope::Demo, RunScope::All].into_iter().map(|s| view! {
                        <label><input type="radio" name="run-scope" prop:checked=move || scope.get() == s
                            on:change=move |_| scope.set(s)/>{format!(" {}", s.label())}</label>
                    }).collect_view()}
                </fieldset>
            </Show>
            <params::ParamsPanel params=params years=data_years/>
            <p class="actions">
                <button type="button" id="identify" class="primary" on:click=move |_| run()
                    disabled=move || !has_rows() || !params_ok.get() || identifying()
                    aria-busy=move || identifying().to_string()>
                    {move || if identifying() { "Идёт идентификация…" } else { "Провести идентификацию" }}
                </button>
            </p>
            {move || shown.get().map(|r| {
                let id = r.id.clone();
                view! {
                    <div class="run-head">
                        <label for="run-pick">"Расчёт"</label>
                        <select id="run-pick" on:change=move |ev| chosen.set(Some(event_target_value(&ev))) prop:value=move || shown.get().map(|r| r.id).unwrap_or_default()>
                            {move || runs.get().into_iter().map(|r| view! { <option value=r.id.clone()>{r.choice()}</option> }).collect_view()}
                        </select>
                        <button type="button" on:click=move |_| { new_label.set(shown.get_untracked().map(|r| r.label).unwrap_or_default()); renaming.set(true); }>"Переименовать…"</button>
                        <button type="button" class="danger" on:click=move |_| confirm_delete.set(true)>"Удалить расчёт…"</button>
                    </div>
                    {move || match stale() {
                        Some(true) => view! {
                            <div class="alert warning stale" role="status">
                                <p><strong>"Данные изменились после этого расчёта: "</strong>"списки ниже не учитывают то, что импортировано или удалено позже."</p>
                                <p class="actions"><button type="button" disabled=identifying on:click=move |_| {
                                    if let Some(r) = shown.get_untracked() { scope.set(r.scope); }
                                    run();
                                }>"Провести расчёт заново"</button></p>
                            </div>
                        }.into_any(),
                        Some(false) => view! { <p class="hint">"Расчёт соответствует данным, которые хранятся сейчас."</p> }.into_any(),
                        None => ().into_any(),
                    }}
                    <RunView run_id=id.clone() params=params/>
                    <Dialog open=renaming title="Название расчёта">
                        <form method="dialog" on:submit=move |ev| {
                            ev.prevent_default();
                            renaming.set(false);
                            if let Some(r) = shown.get_untracked() { actions::rename_run(state, r.id, new_label.get_untracked()); }
                        }>
                            <div class="field">
                                <label for="run-label">"Название"</label>
                                <input id="run-label" type="text" maxlength="200" required prop:value=move || new_label.get()
                                    on:input=move |ev| new_label.set(event_target_value(&ev))/>
                            </div>
                            <p class="actions">
                                <button type="submit" class="primary">"Сохранить"</button>
                                <button type="button" on:click=move |_| renaming.set(false)>"Отмена"</button>
                            </p>
                        </form>
                    </Dialog>
                    <Dialog open=confirm_delete title="Удалить расчёт?">
                        <p>{format!("Будет удалён расчёт «{}». Данные школ останутся.", r.label)}</p>
                        <form method="dialog" class="actions">
                            <button type="button" class="danger" on:click=move |_| { confirm_delete.set(false); chosen.set(None); actions::delete_run(state, id.clone()); }>"Удалить"</button>
                            <button type="submit" autofocus>"Отмена"</button>
                        </form>
                    </Dialog>
                }
            })}
        </section>
    }
}

/// The results of one stored run, read from the data service.
#[component]
fn RunView(#[prop(into)] run_id: String, params: RwSignal<Params>) -> impl IntoView {
    let state = app_state();
    let id = run_id.clone();
    let record = LocalResource::new(move || actions::run_record(id.clone()));
    let reference_id = run_id.clone();
    let export_reference = move |_| {
        let by = state.profile.get_untracked();
        let region = if by.organisation.is_empty() {
            "регион".to_string()
        } else {
            by.organisation.clone()
        };
        actions::export(
            state,
            Export::Reference {
                run: reference_id.clone(),
                region,
                by,
            },
        );
    };
    let report_id = run_id.clone();
    let robust_id = run_id.clone();
    let export = move |what: Export| move |_| actions::export(state, what.clone());
    let export_csv = export(Export::ResultsCsv {
        run: run_id.clone(),
    });
    let export_xlsx = export(Export::ResultsXlsx {
        run: run_id.clone(),
    });
    let exporting = move || state.running(actions::EXPORTING);
    view! {
        <p class="actions" aria-busy=move || exporting().to_string()>
            <button type="button" on:click=export_csv disabled=exporting>"Выгрузить результаты (CSV для Excel)"</button>
            <button type="button" id="export-results-xlsx" on:click=export_xlsx disabled=exporting>"Выгрузить результаты (книга Excel: списки, параметры, контекст, устойчивость)"</button>
            <button type="button" id="export-reference" on:click=export_reference disabled=exporting>"Эталон для школ (файл)"</button>
            <a class="button" href=format!("/report?run={}", report_id)>"Аналитическая справка"</a>
            <button type="button" id="page-print" on:click=move |_| print_page(state)>"Печать страницы / PDF"</button>
            <span class="hint">"Школы загрузят эталон, чтобы сравнить себя с ориентирами региона."</span>
        </p>
        {move || match record.get() {
            None => view! { <p aria-busy="true">"Загружаю результаты расчёта…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="alert error" role="alert">{e}</p> }.into_any(),
            Some(Ok(r)) => {
                let own = r.result.params.clone();
                let project_year = r.result.years.last().map_or(0, |y| y + 1);
                let RunRecord { reference, result, chance_seed, .. } = r;
                // The small cohorts, asked for a moment after the run is shown.
                let small_cohorts = RwSignal::new(None);
                let small_run = robust_id.clone();
                set_timeout(
                    move || {
                        leptos::task::spawn_local(async move {
                            if let Some(v) = actions::small_cohorts(state, small_run).await {
                                small_cohorts.set(Some(Arc::new(v.into_iter().collect())));
                            }
                        });
                    },
                    std::time::Duration::from_millis(100),
                );
                let result = Arc::new(result);
                let years = result.years.clone();
                provide_context(RunContext {
                    data: StoredValue::new(RunData { result: result.clone(), reference }),
                    card: RwSignal::new(None),
                    project_year: RwSignal::new(project_year),
                    chance: {
                        let run = robust_id.clone();
                        Signal::derive(move || {
                            state
                                .chance
                                .get()
                                .filter(|(id, _)| *id == run)
                                .map(|(_, c)| c)
                        })
                    },
                    small: small_cohorts,
                });
                // The programme list (outside this view) opens this run's school cards.
                programmes::run_shown(expect_context::<RunContext>());
                let same = own == Params::default();
                view! {
                    <div class="run-params">
                        <p>{if same { "Параметры расчёта — как в методике. ".to_string() } else { "Параметры расчёта изменены. ".to_string() + &crate::domain::reports::report::method_paragraph(&own, &years) + " " }}
                            <button type="button" class="link" on:click=move |_| {
                                params.set(own.clone());
                                if let Some(d) = document().get_element_by_id("run-params") { let _ = d.set_attribute("open", ""); }
                            }>"Взять параметры этого расчёта"</button>
                        </p>
                    </div>
                    <Results r=result.clone()/>
                    <robustness::RobustnessSection run_id=robust_id.clone() r=result/>
                    <chance::ChanceSection run_id=robust_id.clone() seed=chance_seed/>
                }.into_any()
            }
        }}
    }
}

#[component]
fn Results(r: Arc<Identification>) -> impl IntoView {
    let o = &r.summary.overall;
    let tile = |label: &'static str, n: usize, share: f64| {
        view! {
            <li class="tile"><span class="n">{n}</span><span class="label">{label}</span><span class="share">{pct(share)}</span></li>
        }
    };
    let results = |c: ResultsCategory| o.results.get(&c).copied().unwrap_or_default();
    let social = |c: SocialCategory| o.social.get(&c).copied().unwrap_or_default();
    let last_year = r.years.last().copied().unwrap_or_default();
    // The lists of the result workbook, in its order; the contextualised reading's resilient
    // schools stand right after the seed's.
    let after_resilient = LISTS
        .iter()
        .position(|l| l.sheet == RESILIENT)
        .map_or(LISTS.len(), |i| i + 1);
    let (seed_lists, other_lists) = LISTS.split_at(after_resilient);
    // A list is built when it is opened (a national run has 45,000 schools) or printed.
    let printing = app_state().printing;
    // The pools that are small in some year: a list says how many of its schools are in one.
    let small_ids = small_pool_ids(&r);
    let list = |title: &'static str, sheet: &'static str, filter: fn(&SchoolResult) -> bool| {
        let n = r.schools.iter().filter(|s| filter(s)).count();
        let in_small = r
            .schools
            .iter()
            .filter(|s| {
                filter(s)
                    && s.pool
                        .as_deref()
                        .is_some_and(|p| small_ids.iter().any(|x| x == p))
            })
            .count();
        let heading = if in_small > 0 {
            format!("{title}: {n} (из малых групп школ: {in_small})")
        } else {
            format!("{title}: {n}")
        };
        let open = RwSignal::new(false);
        let r = r.clone();
        view! {
            <details class="list" data-print-open="" on:toggle=move |ev| {
                if let Some(d) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok()) {
                    open.set(d.open());
                }
            }>
                <summary>{heading}</summary>
                <Show when=move || open.get() || printing.get()>
                    <SchoolList r=r.clone() filter=filter year=last_year sheet=sheet/>
                </Show>
            </details>
        }
    };
    // The blocks that go over every school are built a moment later, each in a task of its
    // own, so that the page's first render of a national run stays short: the tables across
    // categories, the improvement list, the project's figures, then the charts (tens of
    // thousands of points per scatter).
    let tables_ready = after(10);
    let improvement_ready = after(20);
    let project_ready = after(30);
    let charts_ready = after(40);
    let context_ready = after(70);
    let for_charts = r.clone();
    let for_context = r.clone();
    let for_tables = r.clone();
    let for_improvement = r.clone();
    view! {
        <h3 id="run-results" tabindex="-1">"Итоги расчёта"</h3>
        <ul class="tiles" aria-label="Итоги идентификации">
            {tile("ШНРО", results(ResultsCategory::Low).count, results(ResultsCategory::Low).share)}
            {tile("группа риска", results(ResultsCategory::Risk).count, results(ResultsCategory::Risk).share)}
            {tile("стабильно высокие", results(ResultsCategory::High).count, results(ResultsCategory::High).share)}
            {tile("ШНСУ", social(SocialCategory::Unfavourable).count, social(SocialCategory::Unfavourable).share)}
            {tile("резильентные", o.resilient.count, o.resilient.share)}
            {tile("выше ожидаемого в ШНСУ", o.context_resilient.count, o.context_resilient.share)}
            {tile("недостаточно данных", results(ResultsCategory::Insufficient).count, results(ResultsCategory::Insufficient).share)}
        </ul>
        <SmallPoolsNotice r=r.clone()/>
        <p class="hint">{format!("Оценено школ: {} из {}; исключены по типу: {}. Годы: {}. Доли — от оценённых школ.", o.assessed, o.schools, o.excluded, r.years.iter().map(i32::to_string).collect::<Vec<_>>().join(", "))}</p>
        {(!r.notes.is_empty()).then(|| view! { <ul class="notes">{r.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul> })}
        {seed_lists.iter().map(|l| list(l.title, l.sheet, l.filter)).collect_view()}
        {list("Резильентные в прочтении контекста (выше ожидаемого во все годы, ШНСУ)", "Резильентные с учётом контекста", |s| s.context_resilient)}
        {other_lists.iter().map(|l| list(l.title, l.sheet, l.filter)).collect_view()}
        <card::SchoolCard/>
        <MunicipalityTable r=r.clone()/>
        <Show when=move || project_ready.get()>
            <support::ProjectSection/>
        </Show>
        <Show when=move || tables_ready.get()>
            <analysis::CrossTableView r=for_tables.clone()/>
        </Show>
        <Show when=move || improvement_ready.get()>
            <analysis::ImprovementView r=for_improvement.clone()/>
        </Show>
        <Show when=move || charts_ready.get()>
            <ChartsSection r=for_charts.clone()/>
        </Show>
        <Show when=move || context_ready.get()>
            <context::ContextSection r=for_context.clone()/>
        </Show>
    }
}

/// What the run says of its small pool-years, next to the numbers that rest on them (the
/// tiles, the lists, the robustness and context sections): «Малые группы школ (меньше 20 школ
/// с индексом результатов за год)» and a line per pool with the domain's sentence
/// ([`small_pool_lines`]); nothing when no pool-year is small. `only` keeps one pool (the
/// card's).
#[component]
pub(crate) fn SmallPoolsNotice(
    r: Arc<Identification>,
    #[prop(optional, into)] only: Option<String>,
    /// The element's `data-testid` (default «small-pool», the run page's notice).
    #[prop(optional)]
    testid: Option<&'static str>,
) -> impl IntoView {
    let lines = small_pool_lines(&r, only.as_deref());
    let heading = small_pools_heading(&r);
    let testid = testid.unwrap_or("small-pool");
    match heading.filter(|_| !lines.is_empty()) {
        None => ().into_any(),
        Some(heading) => view! {
            <div class="alert warning small-pool" data-testid=testid role="note">
                <p><strong>{format!("{heading}:")}</strong></p>
                <ul>{lines.into_iter().map(|l| view! { <li>{format!("{l}.")}</li> }).collect_view()}</ul>
            </div>
        }
        .into_any(),
    }
}

/// A flag that turns on `ms` milliseconds after the view is built: a block that goes over
/// every school of a run is then built in a task of its own, not in the page's first render.
fn after(ms: u64) -> RwSignal<bool> {
    let ready = RwSignal::new(false);
    set_timeout(
        move || ready.set(true),
        std::time::Duration::from_millis(ms),
    );
    ready
}

/// A list of schools of a run (those `filter` takes), a page at a time; saved as the sheet
/// `sheet` (and the file «шкала-список-<sheet>-<date>»). The municipality and the group of
/// schools stand under the name (on screen and on paper), so the indices, what lowered the
/// index and the partners fit beside it on a tablet; the list grows with the page (no inner
/// scroll box).
#[component]
fn SchoolList(
    r: Arc<Identification>,
    filter: fn(&SchoolResult) -> bool,
    year: i32,
    sheet: &'static str,
) -> impl IntoView {
    let items: Vec<usize> = r
        .schools
        .iter()
        .enumerate()
        .filter(|(_, s)| filter(s))
        .map(|(i, _)| i)
        .collect();
    if items.is_empty() {
        return view! { <p>"Нет школ."</p> }.into_any();
    }
    let csv_items = items.clone();
    let csv_r = r.clone();
    // Short names on screen, the seed's wording in the tooltip and in the exported table.
    let weakest_item = |id: &str| {
        let (short, full) = method()
            .result_component(id)
            .map(|c| (c.short.clone(), c.label.clone()))
            .unwrap_or_else(|| (id.to_string(), id.to_string()));
        view! { <li title=full>{short}</li> }
    };
    let partner_of: Arc<HashMap<String, (String, String)>> = Arc::new(
        r.schools
            .iter()
            .map(|s| {
                (
                    s.school_id.clone(),
                    (s.school_name.clone(), s.municipality.clone()),
                )
            })
            .collect(),
    );
    // Pools by their labels, as everywhere a person reads them.
    let pools: Arc<HashMap<String, String>> = Arc::new(
        r.params
            .pools
            .iter()
            .map(|p| (p.id.clone(), p.label.clone()))
            .collect(),
    );
    let window = r.years.clone();
    let total = items.len();
    let page = RwSignal::new(0usize);
    let size = RwSignal::new(50usize);
    let rows = move || {
        let range = rows_shown(total, page, size);
        items[range].iter().map(|&i| {
            let s = &r.schools[i];
            let y = s.years.get(&year).cloned();
            let weakest: Vec<&'static str> = y.as_ref().map(|y| y.weakest.ids().collect()).unwrap_or_default();
            let missing = (s.results_category == Some(ResultsCategory::Insufficient)).then(|| s.missing(&window)).filter(|m| !m.is_empty());
            let partners = s.partners.iter().map(|p| {
                let (name, muni) = partner_of.get(p).cloned().unwrap_or_else(|| (p.clone(), String::new()));
                view! { <li>{name}{(!muni.is_empty()).then(|| view! { <span class="muni">{format!(" ({muni})")}</span> })}</li> }
            }).collect_view();
            let pool = s.pool.as_ref().map_or_else(|| "—".to_string(), |p| pool_name(&pools, p));
            let under = format!("{} · {pool}", s.municipality);
            view! {
                <tr>
                    <th scope="row"><card_opening::CardButton school_id=s.school_id.clone() name=s.school_name.clone()/><span class="sub">{under}</span><chance::ChanceNote school_id=s.school_id.clone()/></th>
                    <td class="num">{num(y.as_ref().and_then(|y| y.results_index), 3)}</td>
                    <td class="num">{num(y.as_ref().and_then(|y| y.social_index), 3)}</td>
                    <td class="long">
                        {missing.map(|m| view! { <p class="missing">{format!("Недостаточно данных: {m}.")}</p> })}
                        {(!weakest.is_empty()).then(|| view! { <ul class="plain">{weakest.iter().map(|id| weakest_item(id)).collect_view()}</ul> })}
                    </td>
                    <td class="long"><ul class="plain">{partners}</ul></td>
                </tr>
            }
        }).collect_view()
    };
    let build = move || {
        let chosen: Vec<&SchoolResult> = csv_items.iter().map(|&i| &csv_r.schools[i]).collect();
        crate::domain::method::analysis::school_list_table(&csv_r, &chosen, year)
    };
    view! {
        <p class="actions"><TableFiles label="Список" what=format!("список {sheet}") sheet=sheet table=build/></p>
        <p class="hint">{format!("«Что снизило индекс» — до трёх показателей {year} года, ниже собственного индекса школы и ниже середины (медианы) своей группы школ, самые слабые первыми (полное название — при наведении и в выгрузке).")}</p>
        {(total > 25).then(|| view! { <Pager total=Signal::derive(move || total) page=page size=size label="Страницы списка школ"/> })}
        <div class="table-wrap list-wrap" role="region" aria-label="Список школ">
            <table class="data school-list">
                <thead><tr>
                    <th scope="col">"Школа"<span class="sub">"муниципалитет · группа школ"</span></th>
                    <th scope="col" class="num">{format!("Индекс результатов, {year}")}</th>
                    <th scope="col" class="num">{format!("Индекс соц. условий, {year}")}</th>
                    <th scope="col" class="long">"Что снизило индекс"</th><th scope="col" class="long">"Школы-партнёры"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn MunicipalityTable(r: Arc<Identification>) -> impl IntoView {
    let csv_r = r.clone();
    let build = move || municipalities_table(&csv_r);
    let rows: Vec<_> = r
        .summary
        .municipalities
        .iter()
        .map(|(m, c)| {
            let counts = municipality_tallies(c)
                .into_iter()
                .map(|t| view! { <td class="num">{t.count}</td> })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{m.clone()}</th>
                    <td class="num">{c.assessed}</td>
                    {counts}
                </tr>
            }
        })
        .collect();
    let heads = MUNICIPALITY_CATEGORIES
        .map(|h| view! { <th scope="col" class="num">{h}</th> })
        .to_vec();
    view! {
        <h3>"По муниципалитетам"</h3>
        <p class="actions"><TableFiles label="Таблица" what="итоги по муниципалитетам" sheet="По муниципалитетам" table=build/></p>
        <div class="table-wrap" tabindex="0" role="region" aria-label="Итоги по муниципалитетам">
            <table class="data">
                <thead><tr>
                    <th scope="col">"Муниципалитет"</th><th scope="col" class="num">"Оценено"</th>{heads}
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
