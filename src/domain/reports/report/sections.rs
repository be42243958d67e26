//! The report's sections built from a run: the method, the counts, the cross-table, the
//! changes against another run, the six lists and the charts' data, each for the region or one
//! municipality.

use super::method_text::method_paragraph;
use super::{
    num, plural, schools_where, table, weakest_cell, Comparison, ReportTable, Scope, Section,
    CHANGES, CHARTS, COUNTS, CROSS, LISTS, METHOD, SCHOOLS,
};
use crate::domain::common::format::capitalise;
use crate::domain::common::time::years_span;
use crate::domain::method::analysis::{self, Category, CrossTable};
use crate::domain::method::identify::small_pools::{
    pool_sizes, small_pool_lines, small_pool_sentence, small_pools_heading,
};
use crate::domain::method::identify::{
    Counts, Identification, Params, ResultsBand, ResultsCategory, SchoolResult, SocialCategory,
    Tally, YearResult,
};
use crate::domain::method::stats::median;

pub(super) fn method_section(r: &Identification) -> Section {
    let mut paragraphs = vec![method_paragraph(&r.params, &r.years)];
    if !r.notes.is_empty() {
        paragraphs.push(format!("Замечания к данным: {}", r.notes.join("; ")));
    }
    let mut tables = Vec::new();
    if !r.pools.is_empty() {
        let mut t = table(
            format!(
                "Группы школ по годам: сколько школ ранжировано и размер групп {} %",
                num(r.params.band_share * 100.0, 1)
            ),
            &[
                "Группа школ",
                "Год",
                "Школ",
                "С индексом результатов",
                "Размер группы по результатам",
                "С индексом социальных условий",
                "Размер группы по социальным условиям",
                "Примечание",
            ],
            &[false, true, true, true, true, true, true, false],
        );
        for (p, size) in r.pools.iter().zip(pool_sizes(r)) {
            t.rows.push(vec![
                pool_label(&r.params, &p.pool),
                p.year.to_string(),
                p.schools.to_string(),
                p.results_ranked.to_string(),
                p.results_band_size.to_string(),
                p.social_ranked.to_string(),
                p.social_band_size.to_string(),
                if size.small {
                    capitalise(&small_pool_sentence(size.ranked, r.params.band_share))
                } else {
                    String::new()
                },
            ]);
        }
        tables.push(t);
    }
    Section {
        id: METHOD.to_string(),
        heading: "Методика идентификации".to_string(),
        paragraphs,
        tables,
        ..Section::default()
    }
}

/// The small pool-years of the run ([`small_pool_lines`]), each a paragraph after the
/// heading that says what a small group is; nothing when no pool-year is small. The ranking
/// is regional, so a municipality's report says the same.
fn small_pools_paragraphs(r: &Identification) -> Vec<String> {
    let Some(heading) = small_pools_heading(r) else {
        return Vec::new();
    };
    let mut out = vec![format!(
        "{heading}: расчёт по ним выполнен по методике, но списки по ним не показательны."
    )];
    out.extend(
        small_pool_lines(r, None)
            .into_iter()
            .map(|l| format!("{l}.")),
    );
    out
}

fn pool_label(params: &Params, id: &str) -> String {
    params
        .pools
        .iter()
        .find(|p| p.id == id)
        .map_or_else(|| id.to_string(), |p| p.label.clone())
}

/// The rows of the counts table: (kind, category, tally of `c`).
fn count_rows(c: &Counts) -> Vec<(&'static str, String, Tally)> {
    let mut rows = Vec::new();
    for cat in ResultsCategory::ALL {
        rows.push((
            "по результатам",
            crate::domain::common::format::capitalise(cat.label()),
            c.results.get(&cat).copied().unwrap_or_default(),
        ));
    }
    for cat in SocialCategory::ALL {
        rows.push((
            "по социальным условиям",
            crate::domain::common::format::capitalise(cat.label()),
            c.social.get(&cat).copied().unwrap_or_default(),
        ));
    }
    rows.push((
        "сочетание",
        "Резильентные школы (стабильно высокие результаты в неблагоприятных социальных \
         условиях)"
            .to_string(),
        c.resilient,
    ));
    rows.push((
        "сочетание",
        analysis::LOW_AND_UNFAVOURABLE.to_string(),
        c.low_and_unfavourable,
    ));
    rows
}
pub(super) fn count_share(t: Tally) -> String {
    format!(
        "{} ({})",
        t.count,
        crate::domain::common::format::pct(t.share)
    )
}

pub(super) fn counts_section(r: &Identification, municipality: Option<&str>) -> Section {
    let overall = &r.summary.overall;
    let mut paragraphs = Vec::new();
    let mut tables = Vec::new();
    match municipality {
        None => {
            paragraphs.push(format!(
                "В расчёте {} {}: оценено {}, исключено по типу {}. Доли — от числа \
                 оценённых школ.",
                overall.schools,
                plural(overall.schools, SCHOOLS),
                overall.assessed,
                overall.excluded
            ));
            paragraphs.extend(small_pools_paragraphs(r));
            let mut t = table(
                "Школы по категориям, регион",
                &["Признак", "Категория", "Школ", "Доля"],
                &[false, false, true, true],
            );
            for (kind, label, tally) in count_rows(overall) {
                t.rows.push(vec![
                    kind.to_string(),
                    label,
                    tally.count.to_string(),
                    crate::domain::common::format::pct(tally.share),
                ]);
            }
            tables.push(t);
            let mut m = table(
                "Школы по категориям и муниципалитетам: число школ (доля от оценённых школ \
                 муниципалитета)",
                &["Муниципалитет", "Школ", "Оценено"]
                    .into_iter()
                    .chain(analysis::MUNICIPALITY_CATEGORIES)
                    .collect::<Vec<_>>(),
                &[false, true, true, true, true, true, true, true, true],
            );
            let row = |name: &str, c: &Counts| {
                let mut cells = vec![
                    name.to_string(),
                    c.schools.to_string(),
                    c.assessed.to_string(),
                ];
                cells.extend(
                    analysis::municipality_tallies(c)
                        .into_iter()
                        .map(count_share),
                );
                cells
            };
            for (name, c) in &r.summary.municipalities {
                m.rows.push(row(name, c));
            }
            m.rows.push(row("Итого по региону", overall));
            tables.push(m);
        }
        Some(name) => {
            let Some(c) = r.summary.municipalities.get(name) else {
                paragraphs.push(format!("В расчёте нет школ муниципалитета «{name}»."));
                return Section {
                    id: COUNTS.to_string(),
                    heading: "Количество и доля школ по категориям".to_string(),
                    paragraphs,
                    tables,
                    ..Section::default()
                };
            };
            paragraphs.push(format!(
                "В расчёте {} {} муниципалитета «{name}»: оценено {}, исключено по типу {}. \
                 Доли — от числа оценённых школ муниципалитета; для сравнения приведены доли по \
                 региону (оценено школ по региону: {}).",
                c.schools,
                plural(c.schools, SCHOOLS),
                c.assessed,
                c.excluded,
                overall.assessed,
            ));
            paragraphs.extend(small_pools_paragraphs(r));
            let mut t = table(
                format!("Школы по категориям, муниципалитет «{name}»"),
                &["Признак", "Категория", "Школ", "Доля", "Доля по региону"],
                &[false, false, true, true, true],
            );
            for ((kind, label, tally), (_, _, region)) in
                count_rows(c).into_iter().zip(count_rows(overall))
            {
                t.rows.push(vec![
                    kind.to_string(),
                    label,
                    tally.count.to_string(),
                    crate::domain::common::format::pct(tally.share),
                    crate::domain::common::format::pct(region.share),
                ]);
            }
            tables.push(t);
        }
    }
    Section {
        id: COUNTS.to_string(),
        heading: "Количество и доля школ по категориям".to_string(),
        paragraphs,
        tables,
        ..Section::default()
    }
}

pub(super) fn cross_section(r: &Identification, municipality: Option<&str>) -> Section {
    let t: CrossTable = match municipality {
        None => analysis::cross_table(r),
        Some(m) => analysis::cross_table_of_municipality(r, m),
    };
    let mut paragraphs = vec![
        "Перечень ШНРО сопоставлен с перечнем ШНСУ (методика: «сопоставить перечень школ с \
         низкими результатами обучения с перечнем школ, функционирующих в неблагоприятных \
         социальных условиях»): в таблице — число школ по категории образовательных \
         результатов и категории социальных условий."
            .to_string(),
    ];
    match t.low_and_unfavourable() {
        Some(cell) if cell.count() > 0 => {
            let names: Vec<String> = cell
                .schools
                .iter()
                .map(|s| {
                    if municipality.is_some() {
                        s.school_name.clone()
                    } else {
                        format!("{} ({})", s.school_name, s.municipality)
                    }
                })
                .collect();
            paragraphs.push(format!(
                "{}: {} — {}.",
                analysis::LOW_AND_UNFAVOURABLE,
                cell.count(),
                names.join("; ")
            ));
        }
        _ => paragraphs.push(format!("{}: нет.", analysis::LOW_AND_UNFAVOURABLE)),
    }
    if t.excluded > 0 {
        paragraphs.push(format!(
            "Исключены из идентификации и не вошли в таблицу: {} {}.",
            t.excluded,
            plural(t.excluded, SCHOOLS)
        ));
    }
    let mut header = vec!["По результатам \\ по социальным условиям".to_string()];
    header.extend(
        t.columns
            .iter()
            .map(|c| crate::domain::common::format::capitalise(c.short())),
    );
    header.push("Итого".to_string());
    let mut numeric = vec![false];
    numeric.extend(std::iter::repeat_n(true, t.columns.len() + 1));
    let mut rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|row| {
            let mut cells = vec![crate::domain::common::format::capitalise(
                row.results.short(),
            )];
            cells.extend(t.columns.iter().map(|c| {
                row.cells
                    .iter()
                    .find(|x| x.social == *c)
                    .map_or(0, |x| x.count())
                    .to_string()
            }));
            cells.push(row.total.to_string());
            cells
        })
        .collect();
    let mut last = vec!["Итого".to_string()];
    last.extend(t.column_totals.iter().map(usize::to_string));
    last.push(t.total.to_string());
    rows.push(last);
    Section {
        id: CROSS.to_string(),
        heading: "Образовательные результаты и социальные условия".to_string(),
        paragraphs,
        tables: vec![ReportTable {
            caption: "Категория по образовательным результатам × категория по социальным \
                      условиям"
                .to_string(),
            header,
            rows,
            numeric,
        }],
        ..Section::default()
    }
}

/// Members of `c` among the schools of `r` in scope.
fn members(r: &Identification, scope: Scope<'_>, c: Category) -> usize {
    r.schools
        .iter()
        .filter(|s| scope.holds(s) && c.holds(s))
        .count()
}

/// Whether a category is one the report lists (and so whose moves it names school by school).
fn is_listed(c: Category) -> bool {
    matches!(
        c,
        Category::Results(ResultsCategory::Low | ResultsCategory::Risk | ResultsCategory::High)
            | Category::Social(SocialCategory::Unfavourable)
    )
}

/// The sentence of the changes section when no comparison is made, true of `comparison`.
fn no_comparison(comparison: Comparison<'_>) -> Option<String> {
    match comparison {
        Comparison::With { .. } => None,
        Comparison::NotChosen { earlier } => Some(format!(
            "Сравнение с предыдущим расчётом не выбрано (более ранних расчётов: {earlier})."
        )),
        Comparison::NoEarlier => Some("Предыдущих расчётов нет: сравнивать не с чем.".to_string()),
    }
}

pub(super) fn changes_section(
    r: &Identification,
    scope: Scope<'_>,
    comparison: Comparison<'_>,
) -> Section {
    let mut section = Section {
        id: CHANGES.to_string(),
        heading: "Изменения по сравнению с предыдущим расчётом".to_string(),
        ..Section::default()
    };
    let Comparison::With {
        label,
        created_at,
        result: prev,
    } = comparison
    else {
        section.paragraphs.extend(no_comparison(comparison));
        return section;
    };
    let cmp = analysis::compare(prev, r);
    section.paragraphs.push(format!(
        "Сравнение с расчётом «{label}» от {created_at} (годы {}; в этом расчёте — {}). Школа \
         «вошла» в категорию, если она в ней в этом расчёте и не была в ней в том; «вышла» — \
         наоборот. Школы сопоставлены по идентификатору.",
        years_span(&prev.years),
        years_span(&r.years)
    ));
    let only_prev = cmp.only_in_a.iter().filter(|s| scope.holds_ref(s)).count();
    let only_now = cmp.only_in_b.iter().filter(|s| scope.holds_ref(s)).count();
    if only_prev + only_now > 0 {
        section.paragraphs.push(format!(
            "Только в расчёте для сравнения: {only_prev} {}; только в этом: {only_now} {}. Такие \
             школы не считаются вошедшими в категории или вышедшими из них.",
            plural(only_prev, SCHOOLS),
            plural(only_now, SCHOOLS)
        ));
    }
    let mut moves = Vec::new();
    let mut t = table(
        "Вошли в категорию и вышли из неё",
        &["Признак", "Категория", "Было", "Стало", "Вошли", "Вышли"],
        &[false, false, true, true, true, true],
    );
    for ch in &cmp.categories {
        let entered = ch.entered.iter().filter(|s| scope.holds_ref(s)).count();
        let left = ch.left.iter().filter(|s| scope.holds_ref(s)).count();
        t.rows.push(vec![
            ch.category.kind_label().to_string(),
            crate::domain::common::format::capitalise(ch.category.label()),
            members(prev, scope, ch.category).to_string(),
            members(r, scope, ch.category).to_string(),
            entered.to_string(),
            left.to_string(),
        ]);
        if is_listed(ch.category) && entered + left > 0 {
            moves.push(format!(
                "{} — вошли {entered}, вышли {left}",
                ch.category.short()
            ));
        }
    }
    section.paragraphs.push(if moves.is_empty() {
        "Составы списков ШНРО, «группы риска», стабильно высоких и ШНСУ не изменились.".to_string()
    } else {
        format!(
            "{}.",
            crate::domain::common::format::capitalise(&moves.join("; "))
        )
    });
    section.tables.push(t);
    let mut schools = table(
        "Школы, вошедшие в списки ШНРО, «группы риска», стабильно высоких, ШНСУ или вышедшие из \
         них",
        &[
            "Школа",
            "Муниципалитет",
            "По результатам: было",
            "По результатам: стало",
            "По социальным условиям: было",
            "По социальным условиям: стало",
        ],
        &[false; 6],
    );
    let text =
        |c: Option<Category>| c.map_or_else(|| "исключена".to_string(), |c| c.short().to_string());
    for ch in cmp.changed.iter().filter(|c| scope.holds_ref(&c.school)) {
        let touches = [
            ch.results_before.map(Category::Results),
            ch.results_after.map(Category::Results),
            ch.social_before.map(Category::Social),
            ch.social_after.map(Category::Social),
        ];
        let results_moved = ch.results_before != ch.results_after
            && touches[..2].iter().flatten().any(|c| is_listed(*c));
        let social_moved = ch.social_before != ch.social_after
            && touches[2..].iter().flatten().any(|c| is_listed(*c));
        if results_moved || social_moved {
            schools.rows.push(vec![
                ch.school.school_name.clone(),
                ch.school.municipality.clone(),
                text(touches[0]),
                text(touches[1]),
                text(touches[2]),
                text(touches[3]),
            ]);
        }
    }
    if !schools.rows.is_empty() {
        section.tables.push(schools);
    }
    section
}

/// What a list shows of each school besides its name.
#[derive(Clone, Copy)]
pub(super) enum ListColumns {
    /// The results index and the weakest components of the latest year (ШНРО, «группа риска»).
    Results,
    /// The results index of the latest year and the social category (стабильно высокие).
    High,
    /// The social index of the latest year, the results category, the weakest components (ШНСУ).
    Social,
    /// Both indices of the latest year (резильентные).
    Both,
    /// The years of the window without a results index (недостаточно данных).
    Missing,
}

/// One of the seed's lists: the subsection's id and heading, what it says when empty, which
/// schools, which columns.
pub(super) struct ListDef {
    pub(super) id: &'static str,
    pub(super) heading: &'static str,
    pub(super) none: &'static str,
    pub(super) keep: fn(&SchoolResult) -> bool,
    pub(super) columns: ListColumns,
}

/// The lists of the report, in the run page's order (seed 001: «Сформированы перечни ШНРО,
/// школ "группы риска", школ со стабильно высокими образовательными результатами», the
/// list of ШНСУ; the resilient schools; the schools with too few data).
pub(super) const LIST_DEFS: [ListDef; 6] = [
    ListDef {
        id: "low",
        heading: "ШНРО — школы с низкими результатами обучения",
        none: "ШНРО нет.",
        keep: |s| s.results_category == Some(ResultsCategory::Low),
        columns: ListColumns::Results,
    },
    ListDef {
        id: "risk",
        heading: "Школы «группы риска»",
        none: "Школ «группы риска» нет.",
        keep: |s| s.results_category == Some(ResultsCategory::Risk),
        columns: ListColumns::Results,
    },
    ListDef {
        id: "high",
        heading: "Школы со стабильно высокими образовательными результатами",
        none: "Школ со стабильно высокими образовательными результатами нет.",
        keep: |s| s.results_category == Some(ResultsCategory::High),
        columns: ListColumns::High,
    },
    ListDef {
        id: "unfavourable",
        heading: "ШНСУ — школы, функционирующие в неблагоприятных социальных условиях",
        none: "ШНСУ нет.",
        keep: |s| s.social_category == Some(SocialCategory::Unfavourable),
        columns: ListColumns::Social,
    },
    ListDef {
        id: "resilient",
        heading: "Резильентные школы (стабильно высокие результаты в неблагоприятных \
                  социальных условиях)",
        none: "Резильентных школ нет.",
        keep: |s| s.resilient,
        columns: ListColumns::Both,
    },
    ListDef {
        id: "insufficient",
        heading: "Школы с недостаточными данными для отнесения к категории по результатам",
        none: "Школ с недостаточными данными нет.",
        keep: |s| s.results_category == Some(ResultsCategory::Insufficient),
        columns: ListColumns::Missing,
    },
];

/// A value of the latest year as a cell: three decimals, «—» without one.
fn index_cell(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |v| num(v, 3))
}

pub(super) fn lists_section(r: &Identification, scope: Scope<'_>) -> Section {
    let mut section = Section {
        id: LISTS.to_string(),
        heading: "Списки школ".to_string(),
        ..Section::default()
    };
    let year = r.years.last().copied();
    let year_text = year.map_or_else(|| "—".to_string(), |y| y.to_string());
    section.paragraphs.push(match year {
        Some(y) => format!(
            "Списки сгруппированы по муниципалитетам; номер школы сквозной в пределах списка. \
             Индексы — за {y} год (последний год расчёта). Слабые показатели — показатели, \
             сильнее всего снизившие индекс образовательных результатов школы в {y} году, до \
             {} на школу.",
            r.params.weakest_max
        ),
        None => {
            "В расчёте нет ни одного года: индексы и слабые показатели не определены.".to_string()
        }
    });
    let results_index = format!("Индекс результатов, {year_text}");
    let social_index = format!("Индекс соц. условий, {year_text}");
    let weakest = format!("Слабые показатели, {year_text}");
    fn latest(year: Option<i32>, s: &SchoolResult) -> Option<&YearResult> {
        year.and_then(|y| s.years.get(&y))
    }
    for def in &LIST_DEFS {
        let list = schools_where(r, scope, def.keep);
        let mut sub = Section {
            id: format!("list:{}", def.id),
            heading: format!("{}: {}", def.heading, list.len()),
            ..Section::default()
        };
        if list.is_empty() {
            sub.paragraphs.push(def.none.to_string());
            section.subsections.push(sub);
            continue;
        }
        let (header, numeric): (Vec<&str>, Vec<bool>) = match def.columns {
            ListColumns::Results => (
                vec!["№", "Школа", "Тип", &results_index, &weakest],
                vec![true, false, false, true, false],
            ),
            ListColumns::High => (
                vec!["№", "Школа", "Тип", &results_index, "Социальные условия"],
                vec![true, false, false, true, false],
            ),
            ListColumns::Social => (
                vec!["№", "Школа", "Тип", &social_index, "Результаты", &weakest],
                vec![true, false, false, true, false, false],
            ),
            ListColumns::Both => (
                vec!["№", "Школа", "Тип", &results_index, &social_index],
                vec![true, false, false, true, true],
            ),
            ListColumns::Missing => (
                vec!["№", "Школа", "Тип", "Нет индекса результатов за годы"],
                vec![true, false, false, false],
            ),
        };
        // One table per municipality (the list is sorted by municipality).
        let mut number = 0;
        for chunk in list.chunk_by(|a, b| a.municipality == b.municipality) {
            let municipality = chunk.first().map_or("", |s| s.municipality.as_str());
            let mut t = table(
                format!("{municipality}: {}", chunk.len()),
                &header,
                &numeric,
            );
            for s in chunk {
                number += 1;
                let y = latest(year, s);
                let mut row = vec![
                    number.to_string(),
                    s.school_name.clone(),
                    s.school_type.label().to_string(),
                ];
                match def.columns {
                    ListColumns::Results => {
                        row.push(index_cell(y.and_then(|y| y.results_index)));
                        row.push(weakest_cell(r, s));
                    }
                    ListColumns::High => {
                        row.push(index_cell(y.and_then(|y| y.results_index)));
                        row.push(
                            s.social_category
                                .map_or("—", SocialCategory::short)
                                .to_string(),
                        );
                    }
                    ListColumns::Social => {
                        row.push(index_cell(y.and_then(|y| y.social_index)));
                        row.push(
                            s.results_category
                                .map_or("—", ResultsCategory::short)
                                .to_string(),
                        );
                        row.push(weakest_cell(r, s));
                    }
                    ListColumns::Both => {
                        row.push(index_cell(y.and_then(|y| y.results_index)));
                        row.push(index_cell(y.and_then(|y| y.social_index)));
                    }
                    ListColumns::Missing => {
                        let missing: Vec<i32> = r
                            .years
                            .iter()
                            .copied()
                            .filter(|y| s.years.get(y).and_then(|x| x.results_index).is_none())
                            .collect();
                        row.push(years_span(&missing));
                    }
                }
                t.rows.push(row);
            }
            sub.tables.push(t);
        }
        section.subsections.push(sub);
    }
    section
}

pub(super) fn charts_section(r: &Identification, scope: Scope<'_>) -> Section {
    let mut section = Section {
        id: CHARTS.to_string(),
        heading: "Диаграммы и распределение индекса образовательных результатов".to_string(),
        ..Section::default()
    };
    let Some(year) = r.years.last().copied() else {
        section
            .paragraphs
            .push("В расчёте нет ни одного года: распределение индекса не строится.".to_string());
        return section;
    };
    section.paragraphs.push(format!(
        "На странице расчёта построены диаграммы: точечная диаграмма «индекс образовательных \
         результатов — индекс социальных условий» и распределение индекса образовательных \
         результатов по группе школ и году. Ниже — то же распределение за {year} год \
         таблицей: сколько школ каждой группы попало в каждую группу 25 % и в каждый список."
    ));
    let share = num(r.params.band_share * 100.0, 1);
    let low = format!("Низкие ({share} %)");
    let high = format!("Высокие ({share} %)");
    let mut t = table(
        format!("Распределение индекса образовательных результатов по группам школ, {year} год"),
        &[
            "Группа школ",
            "Школ",
            "С индексом",
            &low,
            "Средние",
            &high,
            "Индекс: минимум",
            "Индекс: медиана",
            "Индекс: максимум",
            "ШНРО",
            "Группа риска",
            "Стабильно высокие",
        ],
        &[
            false, true, true, true, true, true, true, true, true, true, true, true,
        ],
    );
    let mut pool_ids: Vec<String> = r.params.pools.iter().map(|p| p.id.clone()).collect();
    for s in &r.schools {
        if let Some(p) = s.pool.as_deref() {
            if !pool_ids.iter().any(|x| x == p) {
                pool_ids.push(p.to_string());
            }
        }
    }
    for pool in &pool_ids {
        let members: Vec<&SchoolResult> = r
            .schools
            .iter()
            .filter(|s| scope.holds(s) && s.pool.as_deref() == Some(pool.as_str()))
            .collect();
        let mut values = Vec::new();
        let mut bands = [0usize; 3];
        for s in &members {
            let Some(yr) = s.years.get(&year) else {
                continue;
            };
            if let Some(v) = yr.results_index.filter(|v| v.is_finite()) {
                values.push(v);
            }
            match yr.results_band {
                Some(ResultsBand::Low) => bands[0] += 1,
                Some(ResultsBand::Middle) => bands[1] += 1,
                Some(ResultsBand::High) => bands[2] += 1,
                None => {}
            }
        }
        values.sort_by(f64::total_cmp);
        let category = |c: ResultsCategory| {
            members
                .iter()
                .filter(|s| s.results_category == Some(c))
                .count()
                .to_string()
        };
        let stat = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| num(v, 3));
        t.rows.push(vec![
            pool_label(&r.params, pool),
            members.len().to_string(),
            values.len().to_string(),
            bands[0].to_string(),
            bands[1].to_string(),
            bands[2].to_string(),
            stat(values.first().copied()),
            stat(median(&values)),
            stat(values.last().copied()),
            category(ResultsCategory::Low),
            category(ResultsCategory::Risk),
            category(ResultsCategory::High),
        ]);
    }
    section.tables.push(t);
    section
}
