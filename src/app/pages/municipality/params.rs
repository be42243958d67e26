//! The run panel's parameters: every number of the method with the seed's default and the
//! seed's own words beside it (the texts are data: `src/data/parameters.json`). The page keeps
//! the parameters in one signal; the panel edits it and says what is wrong in Russian.

use crate::domain::common::format::num;
use crate::domain::contract::row::SchoolType;
use crate::domain::contract::schema::schema;
use crate::domain::input::parse_number;
use crate::domain::method::identify::params::{
    parameter_text, parse_years, MeanWeighting, SocialRule, MIN_CONTEXT_N,
};
use crate::domain::method::identify::Params;
use leptos::prelude::*;

/// The seed's words for a parameter, under its field.
#[component]
fn Seed(id: &'static str) -> impl IntoView {
    let t = parameter_text(id);
    view! {
        <p class="seed-quote" id=format!("seed-{id}")>
            "«"{t.seed}"» "<span class="hint">"("{t.source}")"</span>
        </p>
    }
}

/// A number field bound to one parameter: `get` reads it from the parameters, `set` writes a
/// parsed value (or says why it cannot).
#[component]
fn NumberField(
    params: RwSignal<Params>,
    id: &'static str,
    #[prop(into)] label: String,
    get: fn(&Params) -> f64,
    set: fn(&mut Params, f64) -> Result<(), String>,
    #[prop(optional)] seed: Option<&'static str>,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let field = format!("param-{id}");
    let described = seed.map(|s| format!("seed-{s}")).unwrap_or_default();
    view! {
        <div class="field">
            <label for=field.clone()>{label}</label>
            <input id=field type="text" inputmode="decimal" size="6"
                aria-describedby=described aria-invalid=move || error.get().is_some().to_string()
                prop:value=move || num(Some(params.with(get)), 2)
                on:change=move |ev| {
                    let text = event_target_value(&ev);
                    let result = match parse_number(&text) {
                        Ok(Some(v)) => {
                            let mut p = params.get_untracked();
                            set(&mut p, v).map(|()| params.set(p))
                        }
                        Ok(None) => Err("введите число".to_string()),
                        Err(e) => Err(e),
                    };
                    error.set(result.err());
                }/>
            {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            {seed.map(|s| view! { <Seed id=s/> })}
        </div>
    }
}

fn whole(v: f64, min: usize, max: usize) -> Result<usize, String> {
    if v.fract() != 0.0 || v < min as f64 || v > max as f64 {
        Err(format!("нужно целое число от {min} до {max}"))
    } else {
        Ok(v as usize)
    }
}

/// The parameters form. `years` are the years present in the data (for the regional means).
#[component]
pub fn ParamsPanel(params: RwSignal<Params>, years: Signal<Vec<i32>>) -> impl IntoView {
    let problems = Memo::new(move |_| params.with(|p| p.validate().err().unwrap_or_default()));
    let years_error = RwSignal::new(None::<String>);
    let gap_columns: Vec<(String, String)> = Params::default()
        .gap_thresholds
        .keys()
        .map(|id| {
            let label = schema()
                .column(id)
                .map(|c| c.label.clone())
                .unwrap_or_else(|| id.clone());
            (id.clone(), label)
        })
        .collect();
    let mean_columns = gap_columns.clone();
    let rule_text = |r: SocialRule| match r {
        SocialRule::AtLeast => {
            "в 25 % с худшими условиями не менее чем в N годах окна («за 2 или 3 года», приложение)"
        }
        SocialRule::LastOrAll => {
            "в N последних годах или во всех годах окна («за 2 последних года или за все 3 года»)"
        }
    };
    view! {
        <details class="params" id="run-params">
            <summary>{move || format!("Параметры расчёта{}", if params.with(|p| *p == Params::default()) { " — как в методике" } else { " — изменены" })}</summary>
            <p class="hint">"Значения по умолчанию — из методики (документ 001). Изменённые параметры сохраняются вместе с расчётом; их можно сравнить с расчётом по методике в разделе «Сравнение расчётов»."</p>
            <fieldset>
                <legend>{parameter_text("window").label}</legend>
                <NumberField params id="window" label="Лет в окне" seed="window"
                    get=|p| p.window as f64
                    set=|p, v| { p.window = whole(v, 1, 10)?; p.years.clear(); Ok(()) }/>
                <div class="field">
                    <label for="param-years">{parameter_text("years").label}</label>
                    <input id="param-years" type="text" placeholder="например, 2022, 2023, 2024" aria-describedby="seed-years"
                        prop:value=move || params.with(|p| p.years.iter().map(i32::to_string).collect::<Vec<_>>().join(", "))
                        on:change=move |ev| match parse_years(&event_target_value(&ev)) {
                            Ok(y) => { years_error.set(None); params.update(|p| p.years = y); }
                            Err(e) => years_error.set(Some(e)),
                        }/>
                    {move || years_error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                    <Seed id="years"/>
                </div>
            </fieldset>
            <fieldset>
                <legend>{parameter_text("pools").label}</legend>
                <label><input type="radio" name="param-pools" prop:checked=move || !params.with(Params::basic_and_evening_joined)
                    on:change=move |_| params.update(|p| p.set_basic_and_evening_joined(false))/>" основные и вечерние — отдельно (три группы)"</label>
                <label><input type="radio" name="param-pools" prop:checked=move || params.with(Params::basic_and_evening_joined)
                    on:change=move |_| params.update(|p| p.set_basic_and_evening_joined(true))/>" основные и вечерние — вместе"</label>
                <p class="hint">{move || params.with(|p| format!("Сейчас групп: {} ({}).", p.pools.len(), p.pools.iter().map(|x| x.label.clone()).collect::<Vec<_>>().join("; ")))}</p>
                <Seed id="pools"/>
            </fieldset>
            <fieldset>
                <legend>"Группы 25 % и правила по годам"</legend>
                <NumberField params id="band_share" label=parameter_text("band_share").label seed="band_share"
                    get=|p| p.band_share * 100.0
                    set=|p, v| { if v > 0.0 && v <= 50.0 { p.band_share = v / 100.0; Ok(()) } else { Err("доля — больше 0 и не больше 50 %".into()) } }/>
                <NumberField params id="risk_years" label=parameter_text("risk_years").label seed="risk_years"
                    get=|p| p.risk_years as f64
                    set=|p, v| { p.risk_years = whole(v, 1, 10)?; Ok(()) }/>
                <div class="field">
                    <span class="label">{parameter_text("social_rule").label}</span>
                    {[SocialRule::AtLeast, SocialRule::LastOrAll].into_iter().map(|r| view! {
                        <label><input type="radio" name="param-social-rule" prop:checked=move || params.with(|p| p.social_rule == r)
                            on:change=move |_| params.update(|p| p.social_rule = r)/>{format!(" {}", rule_text(r))}</label>
                    }).collect_view()}
                    <Seed id="social_rule"/>
                </div>
                <NumberField params id="social_min_years" label=parameter_text("social_min_years").label seed="social_min_years"
                    get=|p| p.social_min_years as f64
                    set=|p, v| { p.social_min_years = whole(v, 1, 10)?; Ok(()) }/>
            </fieldset>
            <fieldset>
                <legend>{parameter_text("gap_thresholds").label}</legend>
                <div class="field-grid">
                    {gap_columns.into_iter().map(|(id, label)| {
                        let (a, b) = (id.clone(), id.clone());
                        let error = RwSignal::new(None::<String>);
                        let field = format!("param-gap-{id}");
                        view! {
                            <div class="field">
                                <label for=field.clone()>{format!("{label}, баллов")}</label>
                                <input id=field type="text" inputmode="decimal" size="5" aria-describedby="seed-gap_thresholds"
                                    prop:value=move || num(params.with(|p| p.gap_thresholds.get(&a).copied()), 2)
                                    on:change=move |ev| match parse_number(&event_target_value(&ev)) {
                                        Ok(Some(v)) if v >= 0.0 => { error.set(None); params.update(|p| { p.gap_thresholds.insert(b.clone(), v); }); }
                                        Ok(_) => error.set(Some("нужно неотрицательное число".into())),
                                        Err(e) => error.set(Some(e)),
                                    }/>
                                {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                            </div>
                        }
                    }).collect_view()}
                </div>
                <Seed id="gap_thresholds"/>
                <div class="field">
                    <span class="label">{parameter_text("mean_weighting").label}</span>
                    {[(MeanWeighting::Participants, "взвешенное по числу участников экзамена"), (MeanWeighting::Equal, "простое среднее средних баллов школ")].into_iter().map(|(w, text)| view! {
                        <label><input type="radio" name="param-mean-weighting" prop:checked=move || params.with(|p| p.mean_weighting == w)
                            on:change=move |_| params.update(|p| p.mean_weighting = w)/>{format!(" {text}")}</label>
                    }).collect_view()}
                    <Seed id="mean_weighting"/>
                </div>
            </fieldset>
            <fieldset>
                <legend>"Сверх методики: контекстуализированные результаты"</legend>
                <NumberField params id="context_share" label=format!("{}, %", parameter_text("context_share").label) seed="context_share"
                    get=|p| p.context_share * 100.0
                    set=|p, v| { if v > 0.0 && v <= 50.0 { p.context_share = v / 100.0; Ok(()) } else { Err("доля — больше 0 и не больше 50 %".into()) } }/>
                <NumberField params id="context_min_n" label=parameter_text("context_min_n").label seed="context_min_n"
                    get=|p| p.context_min_n as f64
                    set=|p, v| { p.context_min_n = whole(v, MIN_CONTEXT_N, 1000)?; Ok(()) }/>
            </fieldset>
            <fieldset>
                <legend>"Сверх методики: малые группы школ"</legend>
                <NumberField params id="small_pool" label=parameter_text("small_pool").label seed="small_pool"
                    get=|p| p.small_pool as f64
                    set=|p, v| { p.small_pool = whole(v, 0, 1000)?; Ok(()) }/>
            </fieldset>
            <fieldset>
                <legend>{parameter_text("excluded_types").label}</legend>
                {SchoolType::ALL.into_iter().map(|t| view! {
                    <label class="check"><input type="checkbox" prop:checked=move || params.with(|p| p.excluded_types.contains(&t))
                        on:change=move |ev| { let on = event_target_checked(&ev); params.update(|p| p.set_excluded(t, on)); }/>{format!(" {}", t.label())}</label>
                }).collect_view()}
                <Seed id="excluded_types"/>
            </fieldset>
            <fieldset>
                <legend>{parameter_text("regional_means").label}</legend>
                <p class="hint">"Если регион публикует официальные средние баллы, впишите их; пустая ячейка — среднее считается по данным школ (взвешенное по числу участников)."</p>
                <div class="table-wrap" tabindex="0" role="region" aria-label="Официальные средние баллы по региону">
                    <table class="data compact">
                        <thead><tr><th scope="col">"Показатель"</th>
                            {move || years.get().into_iter().map(|y| view! { <th scope="col" class="num">{y}</th> }).collect_view()}
                        </tr></thead>
                        <tbody>
                            {mean_columns.into_iter().map(|(id, label)| {
                                let row_label = label.clone();
                                view! {
                                    <tr><th scope="row">{row_label}</th>
                                        {move || years.get().into_iter().map(|y| {
                                            let (a, b) = (id.clone(), id.clone());
                                            let error = RwSignal::new(false);
                                            let aria = format!("{label}, {y}");
                                            view! {
                                                <td class="num"><input type="text" inputmode="decimal" size="5" aria-label=aria
                                                    aria-invalid=move || error.get().to_string()
                                                    prop:value=move || num(params.with(|p| p.regional_means.get(&y.to_string()).and_then(|m| m.get(&a)).copied()), 2)
                                                    on:change=move |ev| match parse_number(&event_target_value(&ev)) {
                                                        Ok(v) => {
                                                            error.set(false);
                                                            params.update(|p| {
                                                                let year = p.regional_means.entry(y.to_string()).or_default();
                                                                match v { Some(v) => { year.insert(b.clone(), v); } None => { year.remove(&b); } }
                                                                p.regional_means.retain(|_, m| !m.is_empty());
                                                            });
                                                        }
                                                        Err(_) => error.set(true),
                                                    }/></td>
                                            }
                                        }).collect_view()}
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <Seed id="regional_means"/>
            </fieldset>
            <fieldset>
                <legend>"Что показывать"</legend>
                <NumberField params id="weakest_max" label=parameter_text("weakest_max").label
                    get=|p| p.weakest_max as f64
                    set=|p, v| { p.weakest_max = whole(v, 1, 10)?; Ok(()) }/>
                <NumberField params id="partners_max" label=parameter_text("partners_max").label seed="partners_max"
                    get=|p| p.partners_max as f64
                    set=|p, v| { p.partners_max = whole(v, 1, 10)?; Ok(()) }/>
            </fieldset>
            {move || {
                let e = problems.get();
                (!e.is_empty()).then(|| view! {
                    <div class="alert error" role="alert"><p><strong>"Параметры не подходят для расчёта:"</strong></p>
                        <ul>{e.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul></div>
                })
            }}
            <p class="actions">
                <button type="button" on:click=move |_| params.set(Params::default())>"Вернуть значения методики"</button>
            </p>
        </details>
    }
}
