//! The analytical report («аналитическая справка», seed 003) of one run, for the region or a
//! municipality, as an official document: built as data by [`crate::domain::reports::report::build`]
//! and shown with its title block (for whom, prepared by whom, the date — typed above the
//! document —, the run and its parameters), contents, numbered sections, the addressed
//! recommendations grouped by what they recommend and a signature block.
//!
//! What the specialist changes is saved as they type (the `drafts` store, one record per run
//! and scope, [`ReportEdits`]): a group's text, its «Проверено» box, a school's note and the
//! title block's fields. The fields also go to one record of their own (the last typed title), from
//! which a report never typed before starts (the date aside: it starts as today). The print
//! style sheet turns the page into A4 pages without the controls; the print frame reads the
//! document's `data-doc-title` and `data-doc-date`.

use super::municipality::monitoring::{load_documents, today, Documents};
use crate::app::actions;
use crate::app::autosave::{self, AutoSave, SaveStatus, Saved, TEXT_DELAY_MS};
use crate::app::chart::{paint, Chart};
use crate::app::state::{app_state, AppState};
use crate::charts::{identification_scatter, IdentificationScatter};
use crate::domain::common::format::date_time;
use crate::domain::common::time::date_ru;
use crate::domain::exchange::catalog::SchoolSummary;
use crate::domain::exchange::records::{RunRecord, SchoolDocuments};
use crate::domain::method::identify::chance::{Chance, ChanceOptions};
use crate::domain::reports::monitoring::{monitoring_table, programme_details};
use crate::domain::reports::report::{
    build, checked_summary, draft_recommendations, group_status, recommendations::notes_table,
    Comparison, DocumentFields, Recommendations, Report, ReportEdits, ReportInput, ReportTable,
    Section, Signature, CHARTS, RECOMMENDATIONS,
};
use crate::domain::reports::report_sections::{
    chance_section, figures_section, monitoring_section, programme_section,
};
use crate::domain::support::{project_figures, SupportView, FIGURES_READING};
use crate::storage::{drafts, StorageError};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use std::collections::BTreeMap;
use std::sync::Arc;

thread_local! {
    static SLOT: AutoSave<ReportEdits> = const { AutoSave::new() };
}

impl Saved for ReportEdits {
    const FAILED: &'static str = "Правка справки не сохранена";
    async fn write(_state: AppState, e: &Self) -> Result<(), StorageError> {
        // The document's record and the fields for the next report, in one transaction.
        drafts::write_report_edits(e).await
    }
}

/// The report's edits as stored (the first form's texts become notes); a report never
/// typed before takes the fields last typed in another. With them, why the stored edits
/// could not be read, if so: then the page starts from blank edits and saves nothing, so that
/// the stored ones are never overwritten.
async fn read_edits(key: &str) -> (ReportEdits, Option<String>) {
    let stored = match drafts::report_edits(key).await {
        Ok(stored) => stored,
        Err(why) => return (ReportEdits::new(key), Some(why)),
    };
    let mut edits = stored.unwrap_or_else(|| ReportEdits::new(key));
    if edits.title.is_blank() {
        // The fields of the last report are a convenience: when they cannot be read, the
        // report starts with empty fields.
        if let Some(last) = drafts::last_report_title().await {
            edits.title = DocumentFields {
                date: edits.title.date.clone(),
                ..last
            };
        }
    }
    (edits, None)
}

/// The fields as printed: the date chosen, or today.
fn effective(fields: &DocumentFields) -> DocumentFields {
    let mut f = fields.clone();
    if f.date.trim().is_empty() {
        f.date = today();
    }
    f
}

/// Everything the document needs, loaded once per choice of run, scope and comparison.
struct Loaded {
    run: RunRecord,
    /// The run chosen for the comparison, with its date as shown.
    previous: Option<(RunRecord, String)>,
    /// Runs made before the chosen one.
    earlier: usize,
    documents: Documents,
    edits: ReportEdits,
    /// Why the stored edits could not be read, if so (nothing is saved then).
    unreadable_edits: Option<String>,
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
    // The run to compare with: by default the latest one made before the chosen run;
    // `Some("")` — «не сравнивать».
    let previous = RwSignal::new(None::<String>);
    let chosen = Memo::new(move |_| {
        let id = run_id.get();
        let list = runs.get();
        list.iter().find(|r| r.id == id).or(list.first()).cloned()
    });
    let earlier = Memo::new(move |_| {
        let Some(mine) = chosen.get() else {
            return 0;
        };
        runs.get()
            .iter()
            .filter(|r| r.created_at.as_str() < mine.created_at.as_str())
            .count()
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
        let earlier = earlier.get();
        let m = muni.get();
        async move {
            let run = run.ok_or_else(|| {
                "Расчётов нет: проведите идентификацию на странице «Муниципалитет / регион»."
                    .to_string()
            })?;
            let record = actions::run_record(run.id.clone()).await?;
            let previous = match prev {
                Some(p) => {
                    let r = actions::run_record(p)
                        .await
                        .map_err(|e| format!("Не удалось прочитать расчёт для сравнения: {e}"))?;
                    let at = date_time(&r.created_at);
                    Some((r, at))
                }
                None => None,
            };
            let documents = load_documents(state, (!m.is_empty()).then_some(m.clone())).await?;
            let scope = if m.is_empty() {
                "регион"
            } else {
                m.as_str()
            };
            let (edits, unreadable_edits) = read_edits(&drafts::report_key(&run.id, scope)).await;
            Ok::<_, String>(Arc::new(Loaded {
                run: record,
                previous,
                earlier,
                documents,
                edits,
                unreadable_edits,
            }))
        }
    });
    let print = move |_| crate::app::print::print_page(crate::app::state::app_state());
    view! {
        <h1 class="no-print">"Аналитическая справка"</h1>
        <div class="filters no-print">
            <div class="field">
                <label for="report-run">"Расчёт"</label>
                <select id="report-run" on:change=move |ev| { run_id.set(event_target_value(&ev)); previous.set(None); }
                    prop:value=move || chosen.get().map(|r| r.id).unwrap_or_default()>
                    {move || runs.get().into_iter().map(|r| view! { <option value=r.id.clone()>{r.choice()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="report-scope">"Охват"</label>
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
                    {move || runs.get().into_iter().filter(|r| Some(&r.id) != chosen.get().map(|c| c.id).as_ref()).map(|r| view! { <option value=r.id.clone()>{r.choice()}</option> }).collect_view()}
                </select>
            </div>
        </div>
        <p class="actions no-print">
            <button type="button" class="primary" id="report-print" on:click=print>"Печать / Сохранить как PDF"</button>
            <span class="hint">"Заполните реквизиты, проверьте адресные рекомендации в конце справки и отметьте проверенные."</span>
        </p>
        {move || match data.get() {
            None => view! { <p aria-busy="true">"Готовлю справку…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="alert error" role="alert">{e}</p> }.into_any(),
            Some(Ok(d)) => {
                // The chance estimate of this run, if one was made in this session.
                // Read, not tracked: when an estimate is made the report is read again
                // (`refetch`), so that it is rebuilt with the edits as saved meanwhile.
                let chance = state
                    .chance
                    .get_untracked()
                    .filter(|(run, _)| *run == d.run.id)
                    .map(|(_, c)| c);
                let refresh = Callback::new(move |_: ()| data.refetch());
                view! {
                    <ChanceOffer run_id=d.run.id.clone() seed=d.run.chance_seed made=chance.is_some() refresh=refresh/>
                    <Document d=d municipality=muni.get_untracked() chance=chance/>
                }
                .into_any()
            }
        }}
    }
}

/// Above the document: the chance estimate of the run's categories, made on request (with the
/// seed stored with the run and the default options) and then placed in the report as a section.
#[component]
fn ChanceOffer(run_id: String, seed: u64, made: bool, refresh: Callback<()>) -> impl IntoView {
    let state = app_state();
    if made {
        return view! { <p class="hint no-print">"Оценка надёжности категорий включена в справку (раздел перед рекомендациями)."</p> }.into_any();
    }
    let add = move |_| {
        let id = run_id.clone();
        leptos::task::spawn_local(async move {
            let options = ChanceOptions {
                seed,
                ..ChanceOptions::default()
            };
            if let Some((c, _)) = actions::chance(state, id.clone(), options).await {
                state.chance.set(Some((id, Arc::new(c))));
                refresh.run(());
            }
        });
    };
    view! {
        <p class="actions no-print">
            <button type="button" id="report-chance" on:click=add disabled=move || state.running(actions::CHANCE)>"Добавить в справку оценку надёжности категорий (200 повторов)"</button>
            <span class="hint">"Малочисленные группы и случайность: сколько ШНРО попадают в список уверенно."</span>
        </p>
    }
    .into_any()
}

/// The report of one run and scope: the fields typed above it, then the document.
#[component]
fn Document(d: Arc<Loaded>, municipality: String, chance: Option<Arc<Chance>>) -> impl IntoView {
    let state = app_state();
    let m = (!municipality.is_empty()).then_some(municipality.as_str());
    let r = &d.run.result;
    let docs: BTreeMap<String, SchoolDocuments> = d
        .documents
        .iter()
        .filter(|(_, x)| !x.is_empty())
        .map(|(s, x)| (s.school_id.clone(), x.clone()))
        .collect();
    // The project year: the year after the window (the support records and the figures).
    let year = r.years.last().map_or(0, |y| y + 1);
    let (recs, figures) = state.overview.with_untracked(|o| {
        let views: Vec<SupportView> = o
            .as_ref()
            .map(|o| o.schools.iter().map(SchoolSummary::support_view).collect())
            .unwrap_or_default();
        let recs = draft_recommendations(r, m, &docs, &views, year);
        let figures = o.as_ref().map(|_| {
            let here: Vec<SupportView> = views
                .iter()
                .filter(|v| m.is_none_or(|m| v.municipality == m))
                .copied()
                .collect();
            project_figures(r, &here, year)
        });
        (recs, figures)
    });
    // The monitoring summary and the project's figures.
    let refs: Vec<_> = d.documents.iter().map(|(s, x)| (s.clone(), x)).collect();
    let table = monitoring_table(&refs);
    let mut extra = vec![monitoring_section(&table, m, 3)];
    // The programme monitoring (seed 001: входной, промежуточный, итоговый замеры), read today.
    let now = today();
    extra.push(programme_section(&programme_details(&refs, &now), m, &now));
    if let Some(f) = figures {
        extra.push(figures_section(&f, FIGURES_READING));
    }
    if let Some(c) = &chance {
        extra.push(chance_section(c, m));
    }
    let created = date_time(&d.run.created_at);
    let comparison = match &d.previous {
        Some((p, at)) => Comparison::With {
            label: &p.label,
            created_at: at,
            result: &p.result,
        },
        None if d.earlier > 0 => Comparison::NotChosen { earlier: d.earlier },
        None => Comparison::NoEarlier,
    };
    let mut edits = d.edits.clone();
    if edits.title.is_blank() {
        // Who this browser speaks for, until something is typed.
        edits.title.organisation = state.profile.with_untracked(|p| p.organisation.clone());
    }
    let report = build(&ReportInput {
        run_label: &d.run.label,
        run_created_at: &created,
        result: r,
        municipality: m,
        comparison,
        document: &effective(&edits.title),
        recommendations: &recs,
        edits: &edits,
        extra,
    });
    let edits = RwSignal::new(edits);
    let status = RwSignal::new(match &d.unreadable_edits {
        Some(why) => SaveStatus::Frozen(why.clone()),
        None => SaveStatus::Idle,
    });
    let result = Arc::new(d.run.result.clone());
    let recs = Arc::new(recs);
    let fields = Memo::new(move |_| edits.with(|e| effective(&e.title)));
    let report = Arc::new(report);
    let base = report.clone();
    let title_lines = Memo::new(move |_| {
        let mut t = base.title_block.clone();
        t.set_document(&fields.get());
        t.lines()
    });
    let signature = move || Signature::of(&fields.get()).lines();
    view! {
        <DocumentFieldsForm edits=edits status=status/>
        <article class="report analytic document" aria-labelledby="report-title"
            data-doc-title=report.short_title.clone() data-doc-date=move || date_ru(&fields.get().date)>
            <header class="doc-title-block">
                // The addressee at the top right, as on a letter; the other lines under the title.
                <p class="doc-addressee">{move || title_lines.get().into_iter().next().map(|(label, text)| format!("{label}: {text}"))}</p>
                <h2 id="report-title">{report.title.clone()}</h2>
                <p class="subtitle">{report.subtitle.clone()}</p>
                <dl class="doc-requisites">
                    {move || title_lines.get().into_iter().skip(1).map(|(label, text)| view! { <dt>{label}</dt><dd>{text}</dd> }).collect_view()}
                </dl>
            </header>
            <Contents report=report.clone()/>
            {report.sections.iter().map(|s| {
                if s.id == RECOMMENDATIONS {
                    view! { <RecommendationsView section=s.clone() recs=recs.clone() edits=edits status=status/> }.into_any()
                } else {
                    view! { <SectionView section=s.clone() result=result.clone()/> }.into_any()
                }
            }).collect_view()}
            <footer class="doc-signature" aria-label="Подпись">
                {move || signature().into_iter().map(|line| view! { <p>{line}</p> }).collect_view()}
            </footer>
        </article>
    }
}

/// Schedules the save of `edits` (text: after a pause in typing).
fn save(state: AppState, edits: RwSignal<ReportEdits>, status: RwSignal<SaveStatus>, delay: u32) {
    autosave::schedule(&SLOT, state, edits.get_untracked(), delay, status);
}

/// The title block's fields, typed above the document and kept as typed.
#[component]
fn DocumentFieldsForm(edits: RwSignal<ReportEdits>, status: RwSignal<SaveStatus>) -> impl IntoView {
    let state = app_state();
    let text_field = move |id: &'static str,
                           label: &'static str,
                           get: fn(&DocumentFields) -> &String,
                           set: fn(&mut DocumentFields, String)| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input id=id type="text" prop:value=move || edits.with(|e| get(&e.title).clone())
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        edits.update(|e| set(&mut e.title, v));
                        save(state, edits, status, TEXT_DELAY_MS);
                    }
                    on:blur=move |_| autosave::flush(&SLOT, state, status)/>
            </div>
        }
    };
    view! {
        <fieldset class="doc-fields no-print">
            <legend>"Реквизиты справки"</legend>
            <div class="field-grid">
                {text_field("doc-addressee", "Для кого (адресат)", |f| &f.addressee, |f, v| f.addressee = v)}
                {text_field("doc-organisation", "Кем подготовлено: организация", |f| &f.organisation, |f, v| f.organisation = v)}
                {text_field("doc-position", "Должность", |f| &f.position, |f, v| f.position = v)}
                {text_field("doc-name", "Фамилия и инициалы", |f| &f.name, |f, v| f.name = v)}
                <div class="field">
                    <label for="doc-date">"Дата документа"</label>
                    <input id="doc-date" type="date" prop:value=move || edits.with(|e| effective(&e.title).date)
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            edits.update(|e| e.title.date = v);
                            save(state, edits, status, 0);
                        }/>
                </div>
            </div>
            // The recommendations' status line is the live one; this one is only seen.
            <p class=move || if status.with(|s| matches!(s, SaveStatus::Frozen(_))) { "alert warning" } else { "hint" }
                data-testid="report-save">{move || status.get().text()}</p>
        </fieldset>
    }
}

/// The anchor of a section or subsection, «part-5-1».
fn anchor(number: &str) -> String {
    format!("part-{}", number.replace('.', "-"))
}

/// The contents: the numbered sections and subsections, linked (no page numbers: the
/// printer places the pages).
#[component]
fn Contents(report: Arc<Report>) -> impl IntoView {
    view! {
        <nav class="doc-contents" aria-labelledby="contents-h">
            <h3 id="contents-h">"Содержание"</h3>
            <ul>
                {report.contents().into_iter().map(|c| {
                    let sub = c.level > 1;
                    view! {
                    <li class:sub=sub><a href=format!("#{}", anchor(&c.number))>{format!("{}. {}", c.number, c.heading)}</a></li>
                    }
                }).collect_view()}
            </ul>
        </nav>
    }
}

fn table_view(t: &ReportTable) -> impl IntoView {
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=t.caption.clone()>
            <table class="data compact">
                <caption>{t.caption.clone()}</caption>
                <thead><tr>{t.header.iter().enumerate().map(|(i, h)| view! { <th scope="col" class:num=t.numeric.get(i).copied().unwrap_or(false)>{h.clone()}</th> }).collect_view()}</tr></thead>
                <tbody>{t.rows.iter().map(|row| view! {
                    <tr>{row.iter().enumerate().map(|(i, c)| view! { <td class:num=t.numeric.get(i).copied().unwrap_or(false)>{c.clone()}</td> }).collect_view()}</tr>
                }).collect_view()}</tbody>
            </table>
        </div>
    }
}

#[component]
fn SectionView(
    section: Section,
    result: Arc<crate::domain::method::identify::Identification>,
) -> impl IntoView {
    let charts = (section.id == CHARTS).then(|| {
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
                let text = format!("{label}, {year}: школ на диаграмме — {}.", crate::domain::common::format::thousands(data.points.len()));
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
        <section class="report-part" data-section=section.id.clone() id=anchor(&section.number)>
            <h3>{format!("{}. {}", section.number, section.heading)}</h3>
            {section.paragraphs.iter().map(|p| view! { <p>{p.clone()}</p> }).collect_view()}
            {section.tables.iter().map(table_view).collect_view()}
            {charts}
            {section.subsections.iter().map(|sub| view! {
                <section class="report-subpart" data-subsection=sub.id.clone() id=anchor(&sub.number)>
                    <h4>{format!("{}. {}", sub.number, sub.heading)}</h4>
                    {sub.paragraphs.iter().map(|p| view! { <p>{p.clone()}</p> }).collect_view()}
                    {sub.tables.iter().map(table_view).collect_view()}
                </section>
            }).collect_view()}
        </section>
    }
}

/// The recommendations: per group its text (a textarea on screen, the text in print), what
/// the report says of its check, «Проверено», and the table of its schools; then the
/// schools' notes.
#[component]
fn RecommendationsView(
    section: Section,
    recs: Arc<Recommendations>,
    edits: RwSignal<ReportEdits>,
    status: RwSignal<SaveStatus>,
) -> impl IntoView {
    let state = app_state();
    let number: usize = section.number.parse().unwrap_or(0);
    let summary_recs = recs.clone();
    let summary = move || edits.with(|e| checked_summary(number, &summary_recs, e));
    let groups = recs
        .groups
        .iter()
        .zip(&section.subsections)
        .map(|(g, sub)| {
            let g = Arc::new(g.clone());
            let (g1, g2, g3, g4) = (g.clone(), g.clone(), g.clone(), g.clone());
            let key = g.key.clone();
            let key2 = key.clone();
            let text = move || edits.with(|e| e.text_of(&g1).to_string());
            let field = format!("rec-{}", anchor(&sub.number));
            let check = format!("{field}-checked");
            view! {
                <section class="report-subpart recommendation" data-subsection=sub.id.clone() id=anchor(&sub.number)>
                    <h4>{format!("{}. {}", sub.number, sub.heading)}</h4>
                    <label class="no-print" for=field.clone()>{format!("Текст рекомендации {}", sub.number)}</label>
                    <textarea id=field class="no-print" rows="4" prop:value=text
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            edits.update(|e| { e.groups.insert(key.clone(), v); });
                            save(state, edits, status, TEXT_DELAY_MS);
                        }
                        on:blur=move |_| autosave::flush(&SLOT, state, status)></textarea>
                    <p class="print-only">{move || edits.with(|e| e.text_of(&g2).trim().to_string())}</p>
                    <p class="rec-status">{move || edits.with(|e| group_status(e.edited(&g3), e.confirmed(&g3)))}</p>
                    <p class="no-print">
                        <input type="checkbox" id=check.clone() prop:checked=move || edits.with(|e| e.confirmed(&g4))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                edits.update(|e| {
                                    if on { e.checked.insert(key2.clone()); } else { e.checked.remove(&key2); }
                                });
                                save(state, edits, status, 0);
                            }/>
                        <label for=check>" Проверено"</label>
                    </p>
                    {table_view(&g.table())}
                </section>
            }
        })
        .collect_view();
    let notes = section
        .subsections
        .last()
        .cloned()
        .filter(|s| s.id == "recommendation-notes");
    view! {
        <section class="report-part" data-section=section.id.clone() id=anchor(&section.number) aria-labelledby="recs-h">
            <h3 id="recs-h">{format!("{}. {}", section.number, section.heading)}</h3>
            {section.paragraphs.first().map(|p| view! { <p>{p.clone()}</p> })}
            {(!recs.groups.is_empty()).then(|| view! { <p>{summary}</p> })}
            {section.paragraphs.get(1).filter(|_| recs.groups.is_empty()).map(|p| view! { <p>{p.clone()}</p> })}
            <p class="hint no-print" role="status">{move || status.get().text()}</p>
            {groups}
            {notes.map(|sub| view! { <Notes sub=sub recs=recs.clone() edits=edits status=status/> })}
        </section>
    }
}

/// The schools' notes: on screen a textarea per school with a note and a choice of school to
/// add one; in print the table of the notes.
#[component]
fn Notes(
    sub: Section,
    recs: Arc<Recommendations>,
    edits: RwSignal<ReportEdits>,
    status: RwSignal<SaveStatus>,
) -> impl IntoView {
    let state = app_state();
    let pick = RwSignal::new(String::new());
    let (r1, r2, r3) = (recs.clone(), recs.clone(), recs.clone());
    // Schools with a note entry, in the report's order.
    let with_notes = move || {
        edits.with(|e| {
            r1.schools
                .iter()
                .filter(|s| e.notes.contains_key(&s.school_id))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let without = move || {
        edits.with(|e| {
            r2.schools
                .iter()
                .filter(|s| !e.notes.contains_key(&s.school_id))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let add = move |_| {
        let id = pick.get_untracked();
        if id.is_empty() {
            return;
        }
        edits.update(|e| {
            e.notes.entry(id.clone()).or_default();
        });
        pick.set(String::new());
        // The new field, once drawn, takes the focus.
        request_animation_frame(move || {
            if let Some(el) = document().get_element_by_id(&format!("note-{id}")) {
                if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
                    let _ = el.focus();
                }
            }
        });
    };
    let printed = move || edits.with(|e| notes_table(&r3, e));
    view! {
        <section class="report-subpart" data-subsection=sub.id.clone() id=anchor(&sub.number)>
            <h4>{format!("{}. {}", sub.number, sub.heading)}</h4>
            <div class="no-print">
                <For each=with_notes key=|s| s.school_id.clone() let(s)>
                    {
                        let id = s.school_id.clone();
                        let id2 = id.clone();
                        let field = format!("note-{id}");
                        view! {
                            <div class="field">
                                <label for=field.clone()>{format!("{} ({}; {})", s.school_name, s.municipality, s.categories)}</label>
                                <textarea id=field rows="3" prop:value=move || edits.with(|e| e.notes.get(&id).cloned().unwrap_or_default())
                                    on:input=move |ev| {
                                        let v = event_target_value(&ev);
                                        edits.update(|e| { e.notes.insert(id2.clone(), v); });
                                        save(state, edits, status, TEXT_DELAY_MS);
                                    }
                                    on:blur=move |_| autosave::flush(&SLOT, state, status)></textarea>
                            </div>
                        }
                    }
                </For>
                <div class="field">
                    <label for="note-school">"Добавить дополнение по школе"</label>
                    <select id="note-school" prop:value=move || pick.get() on:change=move |ev| pick.set(event_target_value(&ev))>
                        <option value="">"— выберите школу —"</option>
                        {move || without().into_iter().map(|s| view! { <option value=s.school_id.clone()>{format!("{} ({})", s.school_name, s.municipality)}</option> }).collect_view()}
                    </select>
                    <button type="button" on:click=add>"Добавить"</button>
                </div>
            </div>
            <div class="print-only">
                {move || match printed() {
                    Some(t) => table_view(&t).into_any(),
                    None => view! { <p>"Дополнений нет."</p> }.into_any(),
                }}
            </div>
        </section>
    }
}
