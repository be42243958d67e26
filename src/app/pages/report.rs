//! The analytical report («аналитическая справка», seed 003) of one run, for the region or a
//! municipality: built as data by [`crate::domain::report::build`], shown as a document, with
//! the addressed recommendations («адресные рекомендации») drafted from the weakest components
//! and the self-assessment gaps and edited here before printing. The edits are saved as the
//! user types (the `drafts` store, one record per run and scope). The print style sheet turns
//! the page into A4 pages without the controls.

use super::municipality::monitoring::{load_documents, Documents};
use crate::app::actions;
use crate::app::autosave::{self, AutoSave, SaveStatus, Saved, TEXT_DELAY_MS};
use crate::app::chart::{paint, Chart};
use crate::app::state::{app_state, AppState};
use crate::charts::{identification_scatter, IdentificationScatter};
use crate::domain::catalog::SchoolSummary;
use crate::domain::monitoring::monitoring_table;
use crate::domain::records::{RunRecord, SchoolDocuments};
use crate::domain::report::{
    build, draft_recommendations, Recommendation, ReportInput, Section, RECOMMENDATIONS,
};
use crate::domain::report_sections::{figures_section, monitoring_section};
use crate::domain::support::{project_figures, SupportView, FIGURES_READING};
use crate::format::date_time;
use crate::storage::records::put_draft;
use crate::storage::{stores, Db, StorageError};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The specialist's edits of a report's recommendations, by school; kept in the `drafts`
/// store under `report:<run>:<scope>`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ReportEdits {
    pub key: String,
    pub texts: BTreeMap<String, String>,
}

thread_local! {
    static SLOT: AutoSave<ReportEdits> = const { AutoSave::new() };
}

impl Saved for ReportEdits {
    const FAILED: &'static str = "Правка рекомендаций не сохранена";
    async fn write(_state: AppState, e: &Self) -> Result<(), StorageError> {
        let op = put_draft(&e.key, e);
        Db::write_one(op).await
    }
}

async fn read_edits(key: &str) -> ReportEdits {
    let stored = match Db::get().await {
        Ok(db) => db.get_value(stores::DRAFTS, key).await.ok().flatten(),
        Err(_) => None,
    };
    stored
        .and_then(|t| serde_json::from_str::<ReportEdits>(&t).ok())
        .filter(|e| e.key == key)
        .unwrap_or(ReportEdits {
            key: key.to_string(),
            texts: BTreeMap::new(),
        })
}

/// Everything the document needs, loaded once per choice of run, scope and previous run.
struct Loaded {
    run: RunRecord,
    previous: Option<RunRecord>,
    documents: Documents,
    edits: ReportEdits,
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let state = app_state();
    let query = use_query_map();
    let runs = Memo::new(move |_| {
        state.overview.with(|o| {
            let mut r = o.as_ref().map(|o| o.runs.clone()).unwrap_or_default();
            r.sort_by(|a, b| b.created_at.cmp(&a.created_at));
            r
        })
    });
    let run_id = RwSignal::new(query.with_untracked(|q| q.get("run")).unwrap_or_default());
    let muni = RwSignal::new(query.with_untracked(|q| q.get("muni")).unwrap_or_default());
    // The previous run: by default the latest one made before the chosen run.
    let previous = RwSignal::new(None::<String>);
    let chosen = Memo::new(move |_| {
        let id = run_id.get();
        let list = runs.get();
        list.iter().find(|r| r.id == id).or(list.first()).cloned()
    });
    let previous_id = Memo::new(move |_| {
        let mine = chosen.get()?;
        match previous.get() {
            Some(p) if p.is_empty() => None,
            Some(p) => Some(p),
            None => runs
                .get()
                .into_iter()
                .find(|r| r.created_at.as_str() < mine.created_at.as_str())
                .map(|r| r.id),
        }
    });
    let munis = state.municipalities();
    let data = LocalResource::new(move || {
        let run = chosen.get();
        let prev = previous_id.get();
        let m = muni.get();
        async move {
            let run = run.ok_or_else(|| {
                "Расчётов нет: проведите идентификацию на странице «Муниципалитет / регион»."
                    .to_string()
            })?;
            let record = actions::run_record(run.id.clone()).await?;
            let previous = match prev {
                Some(p) => actions::run_record(p).await.ok(),
                None => None,
            };
            let documents = load_documents(state, (!m.is_empty()).then_some(m.clone())).await?;
            let scope = if m.is_empty() {
                "регион"
            } else {
                m.as_str()
            };
            let edits = read_edits(&format!("report:{}:{scope}", run.id)).await;
            Ok::<_, String>(Arc::new(Loaded {
                run: record,
                previous,
                documents,
                edits,
            }))
        }
    });
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <h1 class="no-print">"Аналитическая справка"</h1>
        <div class="filters no-print">
            <div class="field">
                <label for="report-run">"Расчёт"</label>
                <select id="report-run" on:change=move |ev| { run_id.set(event_target_value(&ev)); previous.set(None); }
                    prop:value=move || chosen.get().map(|r| r.id).unwrap_or_default()>
                    {move || runs.get().into_iter().map(|r| view! { <option value=r.id.clone()>{format!("{} — {}", date_time(&r.created_at), r.label)}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="report-scope">"Для кого"</label>
                <select id="report-scope" on:change=move |ev| muni.set(event_target_value(&ev)) prop:value=move || muni.get()>
                    <option value="">"регион (все муниципалитеты)"</option>
                    {move || munis.get().into_iter().map(|m| view! { <option value=m.clone()>{m.clone()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="report-previous">"Сравнить с расчётом"</label>
                <select id="report-previous" on:change=move |ev| previous.set(Some(event_target_value(&ev)))
                    prop:value=move || previous_id.get().unwrap_or_default()>
                    <option value="">"не сравнивать"</option>
                    {move || runs.get().into_iter().filter(|r| Some(&r.id) != chosen.get().map(|c| c.id).as_ref()).map(|r| view! { <option value=r.id.clone()>{format!("{} — {}", date_time(&r.created_at), r.label)}</option> }).collect_view()}
                </select>
            </div>
        </div>
        <p class="actions no-print">
            <button type="button" class="primary" id="report-print" on:click=print>"Печать / Сохранить как PDF"</button>
            <span class="hint">"Перед печатью проверьте и отредактируйте адресные рекомендации в конце справки."</span>
        </p>
        {move || match data.get() {
            None => view! { <p aria-busy="true">"Готовлю справку…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="alert error" role="alert">{e}</p> }.into_any(),
            Some(Ok(d)) => view! { <Document d=d municipality=muni.get_untracked()/> }.into_any(),
        }}
    }
}

#[component]
fn Document(d: Arc<Loaded>, municipality: String) -> impl IntoView {
    let state = app_state();
    let m = (!municipality.is_empty()).then_some(municipality.as_str());
    let r = &d.run.result;
    let docs: BTreeMap<String, SchoolDocuments> = d
        .documents
        .iter()
        .filter(|(_, x)| !x.is_empty())
        .map(|(s, x)| (s.school_id.clone(), x.clone()))
        .collect();
    let drafted = draft_recommendations(r, m, &docs);
    // The monitoring summary and the project's figures (for the year after the window).
    let refs: Vec<_> = d.documents.iter().map(|(s, x)| (s.clone(), x)).collect();
    let table = monitoring_table(&refs);
    let year = r.years.last().map_or(0, |y| y + 1);
    let figures = state.overview.with_untracked(|o| {
        o.as_ref().map(|o| {
            let views: Vec<SupportView> = o
                .schools
                .iter()
                .filter(|s| m.is_none_or(|m| s.municipality == m))
                .map(SchoolSummary::support_view)
                .collect();
            project_figures(r, &views, year)
        })
    });
    let mut extra = vec![monitoring_section(&table, m, 3)];
    if let Some(f) = figures {
        extra.push(figures_section(&f, FIGURES_READING));
    }
    let created = date_time(&d.run.created_at);
    let report = build(&ReportInput {
        run_label: &d.run.label,
        run_created_at: &created,
        result: r,
        municipality: m,
        previous: d.previous.as_ref().map(|p| (p.label.as_str(), &p.result)),
        recommendations: &drafted,
        extra,
    });
    let edits = RwSignal::new(d.edits.clone());
    let status = RwSignal::new(SaveStatus::Idle);
    let result = Arc::new(d.run.result.clone());
    view! {
        <article class="report analytic" aria-labelledby="report-title">
            <h2 id="report-title">{report.title.clone()}</h2>
            <p class="subtitle">{report.subtitle.clone()}</p>
            {report.sections.iter().map(|s| {
                if s.id == RECOMMENDATIONS {
                    view! { <Recommendations section=s.clone() drafted=drafted.clone() edits=edits status=status/> }.into_any()
                } else {
                    view! { <SectionView section=s.clone() result=result.clone()/> }.into_any()
                }
            }).collect_view()}
        </article>
    }
}

#[component]
fn SectionView(
    section: Section,
    result: Arc<crate::domain::identify::Identification>,
) -> impl IntoView {
    let charts = (section.id == crate::domain::report::CHARTS).then(|| {
        let year = result.years.last().copied().unwrap_or_default();
        let mut pools: Vec<(String, String)> = result
            .params
            .pools
            .iter()
            .map(|p| (p.id.clone(), p.label.clone()))
            .collect();
        pools.retain(|(id, _)| result.schools.iter().any(|s| s.pool.as_deref() == Some(id.as_str())));
        pools
            .into_iter()
            .map(|(id, label)| {
                let data = IdentificationScatter::from_identification(&result, &id, year);
                let text = format!("{label}, {year}: школ на диаграмме — {}.", data.points.len());
                view! {
                    <figure class="report-chart">
                        <Chart width=760 height=520 label=format!("Диаграмма рассеяния: {label}, {year} год; по горизонтали индекс социальных условий, по вертикали индекс образовательных результатов.")
                            draw=move |c| paint(c, |a| identification_scatter(&a, &data))/>
                        <figcaption>{text}</figcaption>
                    </figure>
                }
            })
            .collect_view()
    });
    view! {
        <section class="report-part" data-section=section.id.clone()>
            <h3>{section.heading.clone()}</h3>
            {section.paragraphs.iter().map(|p| view! { <p>{p.clone()}</p> }).collect_view()}
            {section.tables.iter().map(|t| view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label=t.caption.clone()>
                    <table class="data compact">
                        <caption>{t.caption.clone()}</caption>
                        <thead><tr>{t.header.iter().enumerate().map(|(i, h)| view! { <th scope="col" class:num=t.numeric.get(i).copied().unwrap_or(false)>{h.clone()}</th> }).collect_view()}</tr></thead>
                        <tbody>{t.rows.iter().map(|row| view! {
                            <tr>{row.iter().enumerate().map(|(i, c)| view! { <td class:num=t.numeric.get(i).copied().unwrap_or(false)>{c.clone()}</td> }).collect_view()}</tr>
                        }).collect_view()}</tbody>
                    </table>
                </div>
            }).collect_view()}
            {charts}
        </section>
    }
}

#[component]
fn Recommendations(
    section: Section,
    drafted: Vec<Recommendation>,
    edits: RwSignal<ReportEdits>,
    status: RwSignal<SaveStatus>,
) -> impl IntoView {
    let state = app_state();
    let change = move |school: String, text: String| {
        edits.update(|e| {
            e.texts.insert(school, text);
        });
        autosave::schedule(&SLOT, state, edits.get_untracked(), TEXT_DELAY_MS, status);
    };
    view! {
        <section class="report-part" data-section=section.id.clone() aria-labelledby="recs-h">
            <h3 id="recs-h">{section.heading.clone()}</h3>
            {section.paragraphs.first().map(|p| view! { <p>{p.clone()}</p> })}
            <p class="hint no-print" role="status">{move || status.get().text()}</p>
            {if drafted.is_empty() {
                view! { <p>"Школ с низкими результатами и в неблагоприятных условиях нет — рекомендаций нет."</p> }.into_any()
            } else {
                view! {
                    <ol class="recommendations">
                        {drafted.into_iter().map(|r| {
                            let id = r.school_id.clone();
                            let id2 = id.clone();
                            let draft = r.text.clone();
                            let text = move || edits.with(|e| e.texts.get(&id).cloned().unwrap_or_else(|| draft.clone()));
                            let text2 = text.clone();
                            let field = format!("rec-{}", r.school_id);
                            view! {
                                <li data-school=r.school_id.clone()>
                                    <label for=field.clone()><strong>{r.school_name.clone()}</strong>{format!(" ({}; {})", r.municipality, r.categories)}</label>
                                    <textarea id=field class="no-print" rows="4" prop:value=text
                                        on:input=move |ev| change(id2.clone(), event_target_value(&ev))></textarea>
                                    <p class="print-only">{text2}</p>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}
