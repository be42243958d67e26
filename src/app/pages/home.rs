//! Home: choose a role; see what is stored; open the demonstration region.

use crate::app::actions;
use crate::app::state::app_state;
use crate::domain::common::format;
use crate::domain::common::format::count;
use crate::domain::exchange::catalog::Overview;
use leptos::prelude::*;

/// What the home page says about the stored data.
#[derive(Clone, PartialEq)]
struct Stored {
    schools: usize,
    municipalities: usize,
    rows: usize,
    demo_rows: usize,
    years: Option<(i32, i32)>,
    assessments: usize,
    runs: usize,
    unreadable: usize,
    last_action: Option<String>,
}

impl Stored {
    fn of(o: &Overview) -> Stored {
        let (demo_rows, _) = o.demo_and_real_rows();
        Stored {
            schools: o.schools.len(),
            municipalities: o.municipalities().len(),
            rows: o.rows(),
            demo_rows,
            years: o.year_range(),
            assessments: o.assessments.len(),
            runs: o.runs.len(),
            unreadable: o.unreadable.len(),
            last_action: o
                .log
                .iter()
                .max_by(|a, b| a.at.cmp(&b.at))
                .map(|l| format!("{} — {}", format::date_time(&l.at), l.summary)),
        }
    }
    fn is_empty(&self) -> bool {
        self.schools == 0 && self.rows == 0 && self.assessments == 0 && self.runs == 0
    }
}

#[component]
pub fn Home() -> impl IntoView {
    let state = app_state();
    let stored = Memo::new(move |_| state.overview.with(|o| o.as_ref().map(Stored::of)));
    let load_demo = move |_| actions::load_demo(state);
    view! {
        <section class="hero">
            <h1>"Шкала"</h1>
            <p class="lead">
                "Идентификация школ с низкими результатами обучения (ШНРО) и школ, функционирующих в неблагоприятных социальных условиях (ШНСУ), "
                "и оценка механизмов управления качеством образования — прямо в браузере. Данные не покидают этот компьютер."
            </p>
        </section>
        <section aria-labelledby="roles-h">
            <h2 id="roles-h">"С чего начать"</h2>
            <ul class="cards">
                <li class="card">
                    <h3><a href="/school">"Школа"</a></h3>
                    <p>"Внести данные своей школы, сравнить себя с региональными ориентирами, пройти самооценку и передать файл в муниципалитет."</p>
                </li>
                <li class="card">
                    <h3><a href="/municipality">"Муниципалитет / регион"</a></h3>
                    <p>"Собрать файлы школ, увидеть пропуски, провести идентификацию ШНРО и ШНСУ, найти школы-партнёры, выгрузить результаты."</p>
                </li>
                <li class="card">
                    <h3><a href="/rubric">"Оценка механизмов управления"</a></h3>
                    <p>"Оценить механизмы управления качеством образования по федеральной методике: 9 систем, каждая — по управленческому циклу."</p>
                </li>
            </ul>
        </section>
        <section aria-labelledby="stored-h" class="stored">
            <h2 id="stored-h">"Что хранится в этом браузере"</h2>
            {move || match stored.get() {
                None => view! { <p aria-busy="true">"Загрузка данных…"</p> }.into_any(),
                Some(x) if x.is_empty() => view! {
                    <p>"Хранилище пусто."</p>
                    <p class="actions">
                        <button type="button" class="primary" on:click=load_demo>"Открыть демонстрационный регион"</button>
                        <a class="button" href="/data">"Импортировать файлы"</a>
                    </p>
                    <p class="hint">"Демонстрационный регион — вымышленный «Демонстрационный край»: 240 школ в 12 муниципалитетах за три года и оценки механизмов управления (край за два года, два муниципалитета). Его можно удалить в разделе «Данные»."</p>
                }.into_any(),
                Some(x) => view! {
                    <ul class="facts">
                        <li>{count(x.schools, "школа", "школы", "школ")} " в " {count(x.municipalities, "муниципалитете", "муниципалитетах", "муниципалитетах")}</li>
                        <li>{count(x.rows, "строка", "строки", "строк")} " данных «школа × год»"
                            {x.years.map(|(a, b)| if a == b { format!(" за {a} год") } else { format!(" за {a}–{b} годы") })}
                        </li>
                        <li>{count(x.assessments, "оценка", "оценки", "оценок")} " механизмов управления"</li>
                        <li>{count(x.runs, "расчёт", "расчёта", "расчётов")} " идентификации"</li>
                    </ul>
                    {if x.demo_rows > 0 {
                        view! {
                            <p class="hint">{format!("Из них демонстрационный регион: {}. ", count(x.demo_rows, "строка", "строки", "строк"))}
                                <a href="/data#demo-h">"Удалить демонстрационный регион"</a></p>
                        }.into_any()
                    } else {
                        view! {
                            <p class="hint">"Для семинара можно открыть и демонстрационный регион: он хранится отдельно от ваших данных. "
                                <a href="/data#demo-h">"Открыть демонстрационный регион"</a></p>
                        }.into_any()
                    }}
                    {(x.unreadable > 0).then(|| view! {
                        <p class="alert error" role="alert">{format!("{} не удалось прочитать. ", count(x.unreadable, "запись хранилища", "записи хранилища", "записей хранилища"))}
                            <a href="/data#unreadable-h">"Что с ними сделать"</a></p>
                    })}
                    {x.last_action.map(|l| view! { <p class="hint">"Последнее действие: " {l}</p> })}
                }.into_any(),
            }}
        </section>
    }
}
