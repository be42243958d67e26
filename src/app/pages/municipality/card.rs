//! The school card, opened from any list of a run: the school's indices and bands per year
//! with its trajectory against the pool's cuts, what pulled it down, its social profile
//! against the pool («социальный паспорт школы»), its support in the project year (participant,
//! partner with the agreement), the ranked partner candidates with why, its self-assessment
//! and programme if its file carried them, and its categories across all stored runs.

use super::card_opening::close_card;
use super::support::SupportEditor;
use super::RunContext;
use crate::app::actions;
use crate::app::components::ReadFailed;
use crate::app::pages::school::assess::SummaryTable;
use crate::app::pages::school::placement::PlacementView;
use crate::app::pages::school::report::ProgrammeView;
use crate::domain::common::format::{date_time, num};
use crate::domain::method::analysis::HistoryEntry;
use crate::domain::method::placement::{place, social_profile};
use crate::domain::method::reference::ReferencePayload;
use crate::domain::school::self_assessment::summary;
use crate::domain::support::candidates;
use leptos::prelude::*;

#[component]
pub fn SchoolCard() -> impl IntoView {
    let ctx = expect_context::<RunContext>();
    move || {
        ctx.card.get().map(|id| {
            view! { <CardBody school_id=id/> }
        })
    }
}

#[component]
fn CardBody(school_id: String) -> impl IntoView {
    let ctx = expect_context::<RunContext>();
    let run = ctx.data.get_value();
    let r = run.result.clone();
    let Some(s) = r.school(&school_id).cloned() else {
        return view! {
            <section id="school-card" class="card" aria-labelledby="card-h">
                <h3 id="card-h" tabindex="-1">"Карточка школы"</h3>
                <p>{format!("Школы «{school_id}» нет в этом расчёте.")}</p>
            </section>
        }
        .into_any();
    };
    let id = school_id.clone();
    let data = LocalResource::new(move || actions::school_data(id.clone()));
    let id = school_id.clone();
    let history = LocalResource::new(move || actions::school_history(id.clone()));
    let reference = ReferencePayload::new("", &r.years, &r.params, &run.reference);
    let pool_label = s.pool.as_deref().and_then(|p| {
        r.params
            .pools
            .iter()
            .find(|x| x.id == p)
            .map(|x| x.label.clone())
    });
    let categories = [
        s.results_category.map(|c| c.label().to_string()),
        s.social_category.map(|c| c.label().to_string()),
        s.resilient.then(|| "резильентная".to_string()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("; ");
    let missing = (s.results_category
        == Some(crate::domain::method::identify::ResultsCategory::Insufficient))
    .then(|| s.missing(&r.years))
    .filter(|m| !m.is_empty());
    let ranked = candidates(&r, &school_id, 8);
    let close = move |_| close_card(ctx);
    let heading = format!("Карточка школы: {}", s.school_name);
    let card_id = school_id.clone();
    let chance_id = school_id.clone();
    view! {
        <section id="school-card" class="card" aria-labelledby="card-h" data-school=card_id>
            <div class="card-head">
                <h3 id="card-h" tabindex="-1">{heading}</h3>
                <button type="button" on:click=close>"Закрыть карточку"</button>
            </div>
            <p>{format!("{} · код {} · тип: {}{}", s.municipality, s.school_id, s.school_type.label(), pool_label.map(|p| format!(" · группа: {p}")).unwrap_or_default())}</p>
            <p data-testid="card-categories"><strong>{if categories.is_empty() { s.excluded.clone().unwrap_or_else(|| "Категория не присвоена.".into()) } else { format!("В этом расчёте: {categories}.") }}</strong></p>
            {s.pool.as_deref().map(|p| view! { <super::SmallPoolsNotice r=r.clone() only=p.to_string() testid="card-small-pool"/> })}
            {missing.map(|m| view! { <p data-testid="card-missing">{format!("Чего не хватило для трёхлетних правил: {m}. Добавьте эти данные и проведите расчёт заново.")}</p> })}
            {move || match data.get() {
                None => view! { <p aria-busy="true">"Загружаю данные школы…"</p> }.into_any(),
                Some(Err(message)) => view! { <ReadFailed what="данные школы" message=message/> }.into_any(),
                Some(Ok((record, rows))) => {
                    let placed = place(&reference, &rows);
                    let profile = social_profile(&reference, &rows);
                    let docs = record.map(|r| r.documents).unwrap_or_default();
                    let latest_sa = docs.self_assessments.iter().rev().find(|s| !s.answers.is_empty()).map(|x| summary(x, &docs.self_assessments));
                    view! {
                        <h4>"Индексы и группы по годам"</h4>
                        {match placed {
                            Ok(p) => view! { <PlacementView p=p/> }.into_any(),
                            Err(e) => view! { <p>{e.to_string()}</p> }.into_any(),
                        }}
                        <super::chance::ChanceCard school_id=chance_id.clone()/>
                        <h4>"Социальный паспорт школы"</h4>
                        {match profile {
                            None => view! { <p>"Нет строки школы за годы расчёта."</p> }.into_any(),
                            Some(p) => view! {
                                <p class="hint">{format!("{} год; сравнение со школами своей группы ({}). Чем больше доля, тем сложнее условия.", p.year, p.schools)}</p>
                                <div class="table-wrap" tabindex="0" role="region" aria-label="Социальный паспорт школы">
                                    <table class="data compact" data-testid="social-profile">
                                        <thead><tr><th scope="col">"Показатель"</th><th scope="col" class="num">"Школа"</th><th scope="col" class="num">"Медиана группы"</th><th scope="col" class="num">"Мин.–макс."</th><th scope="col">"Место в группе"</th></tr></thead>
                                        <tbody>{p.lines.iter().map(|l| view! {
                                            <tr><th scope="row">{l.label.clone()}</th>
                                                <td class="num">{num(l.value, 1)}</td>
                                                <td class="num">{num(l.median, 1)}</td>
                                                <td class="num">{l.range.map(|(a, b)| format!("{}–{}", num(Some(a), 1), num(Some(b), 1))).unwrap_or_else(|| "—".into())}</td>
                                                <td>{l.sentence()}</td></tr>
                                        }).collect_view()}</tbody>
                                    </table>
                                </div>
                            }.into_any(),
                        }}
                        <h4>"Самооценка"</h4>
                        {match latest_sa {
                            None => view! { <p>"Самооценка не поступала."</p> }.into_any(),
                            Some(x) => view! { <p>{format!("{} год.", x.year)}</p><SummaryTable summary=x/> }.into_any(),
                        }}
                        <h4>"Программа повышения качества образования"</h4>
                        {match docs.programme {
                            None => view! { <p>"Программа не поступала."</p> }.into_any(),
                            Some(p) => view! { <ProgrammeView prog=p/> }.into_any(),
                        }}
                    }.into_any()
                }
            }}
            <h4>"Поддержка и школа-партнёр"</h4>
            <SupportEditor school_id=school_id.clone() candidates=ranked/>
            <h4>"История по расчётам"</h4>
            {move || history.get().map(|h| match h {
                Ok(h) => view! { <HistoryTable entries=h/> }.into_any(),
                Err(message) => view! { <ReadFailed what="историю расчётов" message=message/> }.into_any(),
            })}
        </section>
    }
    .into_any()
}

#[component]
fn HistoryTable(entries: Vec<HistoryEntry>) -> impl IntoView {
    if entries.is_empty() {
        return view! { <p>"Расчётов нет."</p> }.into_any();
    }
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label="Категории школы по расчётам">
            <table class="data compact" data-testid="card-history">
                <thead><tr><th scope="col">"Расчёт"</th><th scope="col">"Годы"</th><th scope="col">"По результатам"</th><th scope="col">"По условиям"</th><th scope="col" class="num">"Индекс результатов"</th><th scope="col" class="num">"Индекс условий"</th></tr></thead>
                <tbody>{entries.into_iter().map(|e| {
                    let years = e.years.iter().map(i32::to_string).collect::<Vec<_>>().join(", ");
                    let absent = e.school.is_none();
                    view! {
                        <tr>
                            <th scope="row">{format!("{} ({})", e.run_label, crate::domain::common::time::Timestamp::parse(&e.run_date).map(|t| date_time(&t)).unwrap_or(e.run_date.clone()))}</th>
                            <td>{years}</td>
                            <td>{if absent { "нет в расчёте".to_string() } else { e.excluded.clone().unwrap_or_else(|| e.results_category.map(|c| c.label().to_string()).unwrap_or_else(|| "—".into())) }}</td>
                            <td>{e.social_category.map(|c| c.label()).unwrap_or("—")}</td>
                            <td class="num">{num(e.latest_results_index, 3)}</td>
                            <td class="num">{num(e.latest_social_index, 3)}</td>
                        </tr>
                    }
                }).collect_view()}</tbody>
            </table>
        </div>
    }
    .into_any()
}
