//! Диаграммы, нарисованные в SVG: снимки (`tests/snapshots/*.svg`) и проверки содержания.
//!
//! Обновить снимки: `UPDATE_SNAPSHOTS=1 cargo test --test charts`.
//! Нарисовать диаграммы демонстрационного края для просмотра:
//! `CHARTS_PREVIEW_DIR=/tmp/charts cargo test --test charts preview -- --nocapture`.

use plotters::coord::Shift;
use plotters::prelude::*;
use shkala::charts::{context_scatter, context_scatter_text, ContextPoint, ContextScatter};
use shkala::charts::{
    identification_scatter, index_histogram, rubric_bars, rubric_heatmap, school_trajectory, theme,
    BarRow, Cuts, DrawResult, HeatmapRow, IdentificationScatter, IndexHistogram, RubricBars,
    RubricHeatmap, ScatterPoint, SchoolTrajectory, TrajectoryPoint, NO_DATA,
};
use shkala::domain::demo::{region, DemoSpec};
use shkala::domain::method::identify::{
    identify, ContextCategory, ContextFit, Params, ResultsBand, ResultsCategory,
};
use shkala::domain::method::placement::place;
use shkala::domain::method::reference::{reference_pools, ReferencePayload};
use shkala::domain::rubric::{
    compare, federal, score, Assessment, ItemAnswer, OrgLevel, Organisation, Rule,
};
use std::path::PathBuf;

type Svg<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Рисует `f` в строку SVG размером `w × h`.
fn render(w: u32, h: u32, f: impl FnOnce(&Svg) -> DrawResult<std::io::Error>) -> String {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
        f(&root).expect("диаграмма не нарисовалась");
        root.present().expect("SVG не записан");
    }
    out
}

/// Сравнивает SVG со снимком `tests/snapshots/<name>.svg`; при `UPDATE_SNAPSHOTS=1`
/// записывает снимок.
fn check_svg(name: &str, svg: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.svg"));
    if std::env::var("UPDATE_SNAPSHOTS").as_deref() == Ok("1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, svg).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "нет снимка {} ({e}); создайте: UPDATE_SNAPSHOTS=1 cargo test --test charts",
            path.display()
        )
    });
    if expected == svg {
        return;
    }
    let actual_path = std::env::temp_dir()
        .join("shkala-snapshots")
        .join(format!("{name}.svg"));
    std::fs::create_dir_all(actual_path.parent().unwrap()).unwrap();
    std::fs::write(&actual_path, svg).unwrap();
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), svg.lines().collect());
    let first = e
        .iter()
        .zip(&a)
        .position(|(x, y)| x != y)
        .unwrap_or(e.len().min(a.len()));
    panic!(
        "снимок {name} не совпал (строк: ожидалось {}, получено {}).\n\
         первое расхождение в строке {}:\n  ожидалось: {}\n  получено:  {}\n\
         новый рисунок: {}\n\
         если изменение намеренное: UPDATE_SNAPSHOTS=1 cargo test --test charts",
        e.len(),
        a.len(),
        first + 1,
        e.get(first).unwrap_or(&"<конец файла>"),
        a.get(first).unwrap_or(&"<конец файла>"),
        actual_path.display(),
    );
}

/// Цвет в записи SVG: `#D55E00`.
fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// Число элементов `<tag` с заливкой `colour`.
fn count_filled(svg: &str, tag: &str, colour: RGBColor) -> usize {
    let fill = format!("fill=\"{}\"", hex(colour));
    svg.lines()
        .filter(|l| l.trim_start().starts_with(&format!("<{tag}")) && l.contains(&fill))
        .count()
}

/// Тексты всех элементов `<text>` (бэкенд SVG пишет текст отдельной строкой).
fn texts(svg: &str) -> Vec<&str> {
    let lines: Vec<&str> = svg.lines().collect();
    lines
        .windows(2)
        .filter(|w| w[0].trim_start().starts_with("<text"))
        .map(|w| w[1].trim())
        .collect()
}

/// Число текстовых элементов с ровно этим текстом.
fn count_text(svg: &str, text: &str) -> usize {
    texts(svg).iter().filter(|t| **t == text).count()
}

/// Есть ли текстовый элемент, содержащий `part`.
fn has_text(svg: &str, part: &str) -> bool {
    texts(svg).iter().any(|t| t.contains(part))
}

// ---------------------------------------------------------------------------------------
// Входные данные
// ---------------------------------------------------------------------------------------

const STAGES: [&str; 6] = [
    "Цели",
    "Показатели",
    "Мониторинг",
    "Анализ",
    "Меры",
    "Эффективность мер",
];

fn heatmap_fixture() -> RubricHeatmap {
    let systems = [
        ("1.1", "Оценка качества подготовки", "1"),
        ("1.2", "Работа со ШНРО и ШНСУ", "1"),
        ("1.3", "Способности и таланты", "1"),
        ("1.4", "Профориентация", "1"),
        ("2.1", "Объективность оценки и олимпиад", "2"),
        ("2.2", "Эффективность руководителей", "2"),
    ];
    let rows = systems
        .iter()
        .enumerate()
        .map(|(i, (id, title, group))| HeatmapRow {
            id: id.to_string(),
            title: title.to_string(),
            group: group.to_string(),
            cells: (0..6)
                .map(|j| match (i, j) {
                    (0, 0) => Some(45.0),
                    (1, 3) => None,
                    (2, 5) => Some(-12.5),
                    (3, 2) => Some(100.0),
                    _ => Some(((i * 6 + j) * 37 % 101) as f64 * 100.0 / 101.0),
                })
                .collect(),
        })
        .collect();
    RubricHeatmap {
        title: RubricHeatmap::TITLE.to_string(),
        columns: STAGES.iter().map(|s| s.to_string()).collect(),
        rows,
    }
}

fn bars_fixture() -> RubricBars {
    let rows = [
        (
            "1.1",
            "Оценка качества подготовки",
            "1",
            Some(45.0),
            Some(40.0),
        ),
        ("1.2", "Работа со ШНРО и ШНСУ", "1", Some(72.5), Some(80.0)),
        ("1.3", "Способности и таланты", "1", Some(0.0), None),
        (
            "2.1",
            "Объективность оценки и олимпиад",
            "2",
            Some(100.0),
            Some(95.0),
        ),
        (
            "2.2",
            "Эффективность руководителей",
            "2",
            Some(-5.0),
            Some(10.0),
        ),
        ("2.3", "Повышение квалификации", "2", None, None),
    ]
    .into_iter()
    .map(|(id, title, group, value, previous)| BarRow {
        id: id.into(),
        title: title.into(),
        group: group.into(),
        value,
        previous,
    })
    .collect();
    RubricBars {
        title: RubricBars::TITLE.to_string(),
        current_label: "2025".into(),
        previous_label: Some("2024".into()),
        rows,
    }
}

/// Детерминированный генератор (LCG) для точек.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `n` школ: результаты убывают с ростом социального индекса, категории — по четвертям.
fn scatter_fixture(n: usize) -> IdentificationScatter {
    let mut rng = Lcg(7);
    let points = (0..n)
        .map(|i| {
            let social = rng.next();
            let results = (0.75 - 0.5 * social + 0.35 * (rng.next() - 0.5)).clamp(0.0, 1.0);
            let category = match i % 10 {
                0 => ResultsCategory::Insufficient,
                _ if results < 0.3 => ResultsCategory::Low,
                _ if results < 0.38 => ResultsCategory::Risk,
                _ if results > 0.7 => ResultsCategory::High,
                _ => ResultsCategory::Middle,
            };
            // Каждая 25-я школа — высокие результаты в неблагоприятных условиях.
            if i % 25 == 24 {
                let social = 0.8 + 0.15 * rng.next();
                return ScatterPoint {
                    social,
                    results: 0.72 + 0.2 * rng.next(),
                    category: ResultsCategory::High,
                    resilient: true,
                };
            }
            ScatterPoint {
                social,
                results,
                category,
                resilient: false,
            }
        })
        .collect();
    IdentificationScatter {
        title: "Средние школы, 2025: индекс результатов и социальный индекс".into(),
        points,
        results_cuts: Cuts {
            low: Some(0.3),
            high: Some(0.7),
        },
        social_cuts: Cuts {
            low: Some(0.25),
            high: Some(0.75),
        },
        without_index: 2,
        counts: Vec::new(),
        resilient: Default::default(),
        year: 0,
    }
}

fn histogram_fixture() -> IndexHistogram {
    let mut rng = Lcg(11);
    let values = (0..150)
        .map(|_| ((rng.next() + rng.next() + rng.next()) / 3.0).clamp(0.0, 1.0))
        .collect();
    IndexHistogram {
        title: "Средние школы, 2025: распределение индекса результатов".into(),
        values,
        bins: IndexHistogram::BINS,
        cuts: Cuts {
            low: Some(0.38),
            high: Some(0.61),
        },
        edges: Cuts {
            low: Some(0.375),
            high: Some(0.615),
        },
        without_index: 0,
    }
}

// ---------------------------------------------------------------------------------------
// Тепловая карта
// ---------------------------------------------------------------------------------------

#[test]
fn heatmap_snapshot_and_content() {
    let data = heatmap_fixture();
    let svg = render(820, 440, |a| rubric_heatmap(a, &data));
    check_svg("rubric_heatmap", &svg);

    assert_eq!(count_text(&svg, "1.1"), 1, "номер системы в подписи строки");
    assert!(has_text(&svg, "Оценка качества подготовки"));
    assert_eq!(count_text(&svg, "45 %"), 1, "ячейка 45 %");
    assert_eq!(
        count_text(&svg, "−12,5 %") + count_text(&svg, "-12,5 %"),
        1,
        "отрицательный процент как есть"
    );
    assert_eq!(
        count_text(&svg, "—"),
        2,
        "ячейка без максимума и её образец в легенде"
    );
    assert!(has_text(&svg, "этап без максимума"));
    for stage in ["Цели", "Показатели", "Мониторинг", "Анализ", "Меры"]
    {
        assert_eq!(count_text(&svg, stage), 1, "заголовок столбца {stage}");
    }
    // В каждой ячейке с максимумом — число: 6 × 6 − 1 ячеек с « %».
    let cells = texts(&svg).iter().filter(|t| t.ends_with(" %")).count();
    assert_eq!(cells, 35 + 5, "35 ячеек и 5 делений шкалы цвета");
    // Цвет ячейки 45 % — с шкалы, ячейки «—» — серая.
    assert!(svg.contains(&hex(theme::heat_colour(45.0))));
    assert!(svg.contains(&hex(theme::NO_MAX)));
}

#[test]
fn heatmap_from_federal_scores() {
    let rubric = federal();
    let mut assessment = Assessment::new(rubric, Organisation::default(), 2025);
    // Система 1.1 целиком на максимуме, остальное не оценено.
    for item in rubric.items_of_system("1.1") {
        let answer = match &item.rule {
            Rule::PerOption { options } => ItemAnswer::with_options(options.clone()),
            _ => ItemAnswer::with_points(item.max),
        };
        assessment.answers.insert(item.id.clone(), answer);
    }
    let scores = score(rubric, &assessment);
    let data = RubricHeatmap::from_scores(rubric, &scores);
    assert_eq!(data.columns, STAGES);
    assert_eq!(data.rows.len(), 9);
    assert_eq!(data.rows[0].id, "1.1");
    assert_eq!(data.rows[0].title, "Оценка качества подготовки");
    assert_eq!(data.rows[1].title, "Работа со ШНРО и ШНСУ");
    assert_eq!(data.rows[8].id, "2.5");
    assert_eq!(data.rows[0].group, "1");
    assert_eq!(data.rows[8].group, "2");
    for (row, system) in data.rows.iter().zip(&rubric.systems) {
        assert_eq!(row.cells.len(), 6);
        for (cell, stage) in row.cells.iter().zip(&rubric.stages) {
            let tally = scores.cell(&system.id, &stage.id).unwrap();
            let expected = (tally.max > 0).then_some(tally.percent);
            assert_eq!(*cell, expected, "{} {}", system.id, stage.id);
        }
    }
    assert!(
        data.rows[0].cells.iter().all(|c| *c == Some(100.0)),
        "{:?}",
        data.rows[0].cells
    );
    let svg = render(820, 520, |a| rubric_heatmap(a, &data));
    assert_eq!(
        count_text(&svg, "100 %"),
        6 + 1,
        "шесть ячеек 1.1 и деление шкалы"
    );
    assert!(has_text(&svg, "2.5"));
}

#[test]
fn heatmap_empty_draws_no_data() {
    let data = RubricHeatmap {
        title: RubricHeatmap::TITLE.into(),
        columns: vec![],
        rows: vec![],
    };
    let svg = render(400, 300, |a| rubric_heatmap(a, &data));
    assert_eq!(count_text(&svg, NO_DATA), 1);
    // Длинный заголовок на узком рисунке — в две строки.
    assert!(has_text(&svg, "Процент от максимума по"));
    assert!(has_text(&svg, "управленческого цикла"));
    check_svg("rubric_heatmap_empty", &svg);
}

// ---------------------------------------------------------------------------------------
// Столбцы
// ---------------------------------------------------------------------------------------

#[test]
fn bars_snapshot_and_content() {
    let data = bars_fixture();
    let svg = render(820, 420, |a| rubric_bars(a, &data));
    check_svg("rubric_bars", &svg);

    assert_eq!(count_text(&svg, "1.1"), 1);
    assert_eq!(count_text(&svg, "45 %"), 1, "значение в конце столбца");
    assert_eq!(count_text(&svg, "72,5 %"), 1);
    assert!(
        count_text(&svg, "40 %") >= 1,
        "значение прошлого года (и деление оси)"
    );
    assert_eq!(count_text(&svg, "—"), 1, "система без максимума");
    assert_eq!(count_text(&svg, "2025"), 1, "легенда: текущий год");
    assert_eq!(count_text(&svg, "2024"), 1, "легенда: прошлый год");
    // Основные столбцы — синие: 4 ненулевых значения + образец в легенде.
    assert_eq!(count_filled(&svg, "rect", theme::BAR), 4 + 1);
    // Тонкие столбцы прошлого года: 4 значения + образец.
    assert_eq!(count_filled(&svg, "rect", theme::BAR_PREVIOUS), 4 + 1);
}

#[test]
fn bars_without_previous_have_no_legend() {
    let mut data = bars_fixture();
    data.previous_label = None;
    for row in &mut data.rows {
        row.previous = None;
    }
    let svg = render(600, 360, |a| rubric_bars(a, &data));
    assert_eq!(count_text(&svg, "2025"), 0);
    assert_eq!(count_filled(&svg, "rect", theme::BAR), 4);
    assert_eq!(count_filled(&svg, "rect", theme::BAR_PREVIOUS), 0);
}

#[test]
fn bars_from_scores_and_comparison() {
    let rubric = federal();
    let org = Organisation {
        name: "Демонстрационный край".into(),
        level: OrgLevel::Region,
        code: None,
    };
    let mut last = Assessment::new(rubric, org.clone(), 2024);
    let mut this = Assessment::new(rubric, org, 2025);
    for item in rubric.items_of_system("1.4") {
        if item.max > 0 && !item.rule.is_multi() {
            this.answers
                .insert(item.id.clone(), ItemAnswer::with_points(item.max));
            last.answers
                .insert(item.id.clone(), ItemAnswer::with_points(0));
        }
    }
    let (s_last, s_this) = (score(rubric, &last), score(rubric, &this));
    let data = RubricBars::from_scores(rubric, &s_this, "2025").with_previous(&s_last, "2024");
    assert_eq!(data.rows.len(), 9);
    let row = data.rows.iter().find(|r| r.id == "1.4").unwrap();
    assert_eq!(row.title, "Профориентация");
    assert_eq!(row.value, Some(s_this.system("1.4").unwrap().percent));
    assert_eq!(row.previous, Some(0.0));
    assert!(row.value.unwrap() > 0.0);

    let comparison = compare(rubric, &[last, this]);
    let column = &comparison.columns[0];
    let from_cmp = RubricBars::from_comparison(rubric, column);
    assert_eq!(
        from_cmp.title,
        "Демонстрационный край: процент от максимума по системам"
    );
    assert_eq!(from_cmp.current_label, "2025");
    assert_eq!(from_cmp.previous_label.as_deref(), Some("2024"));
    for (a, b) in from_cmp.rows.iter().zip(&data.rows) {
        assert_eq!(a.id, b.id);
        assert_eq!(a.title, b.title);
        let close = |x: Option<f64>, y: Option<f64>| match (x, y) {
            (Some(x), Some(y)) => (x - y).abs() < 1e-9,
            _ => false,
        };
        assert!(
            close(a.value, b.value),
            "{}: {:?} {:?}",
            a.id,
            a.value,
            b.value
        );
        assert!(
            close(a.previous, b.previous),
            "{}: {:?} {:?}",
            a.id,
            a.previous,
            b.previous
        );
    }
}

#[test]
fn bars_empty_draws_no_data() {
    let data = RubricBars {
        title: "Пусто".into(),
        current_label: "2025".into(),
        previous_label: None,
        rows: vec![],
    };
    let svg = render(400, 300, |a| rubric_bars(a, &data));
    assert_eq!(count_text(&svg, NO_DATA), 1);
}

// ---------------------------------------------------------------------------------------
// Точечная диаграмма
// ---------------------------------------------------------------------------------------

/// Проверяет, что у каждой категории столько маркеров, сколько школ, плюс образец в легенде.
fn assert_markers(svg: &str, data: &IdentificationScatter) {
    for category in ResultsCategory::ALL {
        let style = theme::category_style(category);
        let n = data
            .points
            .iter()
            .filter(|p| p.category == category)
            .count();
        let tag = match style.marker {
            theme::Marker::Circle => "circle",
            theme::Marker::Ring => continue,
            _ => "polygon",
        };
        // Образец кольца в легенде — кольцо вокруг кружка «средних».
        let ring_sample = usize::from(
            category == ResultsCategory::Middle && data.points.iter().any(|p| p.resilient),
        );
        assert_eq!(
            count_filled(svg, tag, style.colour),
            n + 1 + ring_sample,
            "{category:?}"
        );
    }
    // Пустые кружки «недостаточно данных» и кольца резильентных — контуры.
    let insufficient = data
        .points
        .iter()
        .filter(|p| p.category == ResultsCategory::Insufficient)
        .count();
    let stroke = format!(
        "stroke=\"{}\"",
        hex(theme::category_style(ResultsCategory::Insufficient).colour)
    );
    let rings = svg
        .lines()
        .filter(|l| l.trim_start().starts_with("<circle") && l.contains(&stroke))
        .count();
    assert_eq!(rings, insufficient + 1);
    let resilient = data.points.iter().filter(|p| p.resilient).count();
    let stroke = format!("stroke=\"{}\"", hex(theme::RESILIENT));
    let rings = svg
        .lines()
        .filter(|l| l.trim_start().starts_with("<circle") && l.contains(&stroke))
        .count();
    assert_eq!(rings, resilient + usize::from(resilient > 0));
}

#[test]
fn scatter_snapshot_and_content() {
    let data = scatter_fixture(80);
    let svg = render(800, 600, |a| identification_scatter(a, &data));
    check_svg("identification_scatter", &svg);

    let points = svg.lines().filter(|l| {
        let l = l.trim_start();
        l.starts_with("<circle") || l.starts_with("<polygon")
    });
    let resilient = data.points.iter().filter(|p| p.resilient).count();
    assert!(resilient > 0);
    // Точки + кольца резильентных + 5 образцов категорий + образец кольца (кружок и кольцо).
    assert_eq!(points.count(), 80 + resilient + 5 + 2);
    assert_markers(&svg, &data);
    let low = data
        .points
        .iter()
        .filter(|p| p.category == ResultsCategory::Low)
        .count();
    assert!(has_text(&svg, &format!("ШНРО — {low}")));
    assert!(has_text(&svg, &format!("резильентные — {resilient}")));
    assert!(has_text(&svg, "без индекса (не показаны) — 2"));
    for label in [
        "0,30",
        "0,70",
        "0,25",
        "0,75",
        "низкие",
        "средние",
        "высокие",
        "благоприятные",
        "нейтральные",
    ] {
        assert_eq!(
            count_text(&svg, label),
            1,
            "подпись границы или группы «{label}»"
        );
    }
    assert!(has_text(&svg, "неблагоприятные (ШНСУ)"));
}

#[test]
fn scatter_stays_small_with_many_points() {
    let data = scatter_fixture(1500);
    let svg = render(800, 600, |a| identification_scatter(a, &data));
    assert_markers(&svg, &data);
    // Маленькие маркеры: радиус кружков средних школ — 2.
    let middle = hex(theme::category_style(ResultsCategory::Middle).colour);
    let line = svg
        .lines()
        .find(|l| l.trim_start().starts_with("<circle") && l.contains(&middle))
        .unwrap();
    assert!(line.contains("r=\"2\""), "{line}");
    // SVG остаётся разумного размера: меньше 200 байт на точку.
    assert!(svg.len() < 1500 * 200, "{} байт", svg.len());
}

#[test]
fn scatter_empty_draws_no_data() {
    let mut data = scatter_fixture(0);
    data.without_index = 5;
    let svg = render(400, 300, |a| identification_scatter(a, &data));
    assert_eq!(count_text(&svg, NO_DATA), 1);
    check_svg("identification_scatter_empty", &svg);
}

/// Демонстрационный край: точки и границы из результата идентификации.
#[test]
fn scatter_and_histogram_from_identification() {
    let rows = region(&DemoSpec::default());
    let result = identify(&rows, &Params::default()).unwrap();
    let year = *result.years.last().unwrap();
    let data = IdentificationScatter::from_identification(&result, "secondary", year);
    let in_pool: Vec<_> = result
        .schools
        .iter()
        .filter(|s| s.pool.as_deref() == Some("secondary"))
        .filter_map(|s| s.years.get(&year).map(|y| (s, y)))
        .collect();
    assert!(!data.points.is_empty());
    assert_eq!(data.points.len() + data.without_index, in_pool.len());
    assert!(data.title.starts_with(&format!("Средние школы, {year}")));
    let (low, high) = (
        data.results_cuts.low.unwrap(),
        data.results_cuts.high.unwrap(),
    );
    assert!(low < high);
    for (_, y) in &in_pool {
        match (y.results_index, y.results_band) {
            (Some(v), Some(ResultsBand::Low)) => assert!(v <= low),
            (Some(v), Some(ResultsBand::High)) => assert!(v >= high),
            (Some(v), Some(ResultsBand::Middle)) => assert!(v >= low && v <= high),
            _ => {}
        }
    }
    assert!(data.social_cuts.low.unwrap() < data.social_cuts.high.unwrap());
    let svg = render(800, 600, |a| identification_scatter(a, &data));
    assert_markers(&svg, &data);

    let histogram = IndexHistogram::from_identification(&result, "secondary", year);
    assert_eq!(histogram.cuts, data.results_cuts);
    assert_eq!(
        histogram.values.len(),
        in_pool
            .iter()
            .filter(|(_, y)| y.results_index.is_some())
            .count()
    );
    assert_eq!(
        histogram.counts().iter().sum::<usize>(),
        histogram.values.len()
    );
    let svg = render(800, 400, |a| index_histogram(a, &histogram));
    assert!(has_text(&svg, "нижние 25 %"));

    let missing = IdentificationScatter::from_identification(&result, "нет такого пула", year);
    assert!(missing.points.is_empty());
}

/// The legend's counts plus the schools without a point this year and those of other pools
/// are the run's counts (the tiles), category by category, for every pool and year; a school
/// with no row in the chart's year is counted as without a point.
#[test]
fn the_scatter_counts_add_up_to_the_runs_counts() {
    let mut rows = region(&DemoSpec {
        schools: 120,
        municipalities: 4,
        ..DemoSpec::default()
    });
    let year = *rows
        .iter()
        .map(|r| r.year)
        .collect::<Vec<_>>()
        .iter()
        .max()
        .unwrap();
    // Two secondary schools lose their last year's row: no point, still counted in the run.
    let gone: Vec<String> = rows
        .iter()
        .filter(|r| {
            r.school_type == shkala::domain::contract::row::SchoolType::Secondary && r.year == year
        })
        .map(|r| r.school_id.clone())
        .take(2)
        .collect();
    rows.retain(|r| !(gone.contains(&r.school_id) && r.year == year));
    let result = identify(&rows, &Params::default()).unwrap();
    let overall = &result.summary.overall;
    let mut pools: Vec<&str> = result.pools.iter().map(|p| p.pool.as_str()).collect();
    pools.dedup();
    assert!(pools.len() >= 2, "{pools:?}");
    for pool in &pools {
        for &y in &result.years {
            let data = IdentificationScatter::from_identification(&result, pool, y);
            for (c, n) in &data.counts {
                let tile = overall.results.get(c).map_or(0, |t| t.count);
                assert_eq!(n.total(), tile, "{pool} {y} {c:?}");
                assert_eq!(
                    n.shown,
                    data.points.iter().filter(|p| p.category == *c).count()
                );
            }
            assert_eq!(data.resilient.total(), overall.resilient.count);
            let shown: usize = data.counts.iter().map(|(_, n)| n.shown).sum();
            let (no_point, other) = data.unseen();
            assert_eq!(shown + no_point + other, overall.assessed, "{pool} {y}");
        }
    }
    let data = IdentificationScatter::from_identification(&result, "secondary", year);
    assert!(data.unseen().0 >= 2, "the two schools without a row");
    assert!(data.unseen().1 > 0, "basic and evening schools");
    let sentences = data.reconciliation();
    assert_eq!(sentences.len(), ResultsCategory::ALL.len() + 1);
    let low = &data.counts[0].1;
    assert!(
        sentences[0].starts_with(&format!(
            "ШНРО: в расчёте {} — на диаграмме {}",
            low.total(),
            low.shown
        )),
        "{}",
        sentences[0]
    );
    // The legend says «из» and why, in one line.
    let svg = render(900, 620, |a| identification_scatter(a, &data));
    assert!(
        has_text(&svg, "«из» — всего в расчёте; не показаны:"),
        "legend"
    );
    assert!(has_text(
        &svg,
        &format!("ШНРО — {} из {}", low.shown, low.total())
    ));

    let histogram = IndexHistogram::from_identification(&result, "secondary", year);
    assert!(
        histogram
            .title
            .ends_with(&format!("({} школ)", histogram.values.len()))
            || histogram.title.contains(" школ"),
        "{}",
        histogram.title
    );
    let with_row = result
        .schools
        .iter()
        .filter(|s| s.pool.as_deref() == Some("secondary") && s.years.contains_key(&year))
        .count();
    assert_eq!(histogram.values.len() + histogram.without_index, with_row);
    let edges = histogram.edges;
    for s in result
        .schools
        .iter()
        .filter(|s| s.pool.as_deref() == Some("secondary"))
    {
        if let Some(y) = s.years.get(&year) {
            match (y.results_index, y.results_band) {
                (Some(v), Some(ResultsBand::Low)) => assert!(v <= edges.low.unwrap()),
                (Some(v), Some(ResultsBand::High)) => assert!(v >= edges.high.unwrap()),
                (Some(v), Some(ResultsBand::Middle)) => {
                    assert!(v > edges.low.unwrap() && v < edges.high.unwrap())
                }
                _ => {}
            }
        }
    }
}

#[test]
fn cuts_from_bands() {
    let cuts = Cuts::from_bands([(0.1, 0), (0.2, 0), (0.4, 1), (0.6, 1), (0.8, 2), (0.9, 2)]);
    assert_eq!(
        cuts,
        Cuts {
            low: Some(0.30000000000000004),
            high: Some(0.7)
        }
    );
    assert_eq!(
        Cuts::from_bands([(0.5, 1)]),
        Cuts {
            low: None,
            high: None
        }
    );
    assert_eq!(
        Cuts::from_bands([(0.2, 0)]),
        Cuts {
            low: Some(0.2),
            high: None
        }
    );
}

// ---------------------------------------------------------------------------------------
// Гистограмма
// ---------------------------------------------------------------------------------------

#[test]
fn histogram_snapshot_and_content() {
    let data = histogram_fixture();
    let svg = render(800, 400, |a| index_histogram(a, &data));
    check_svg("index_histogram", &svg);

    let counts = data.counts();
    assert_eq!(counts.len(), 20);
    assert_eq!(counts.iter().sum::<usize>(), 150);
    let bars = counts.iter().filter(|&&n| n > 0).count();
    assert_eq!(count_filled(&svg, "rect", theme::HISTOGRAM_BAR), bars);
    // Над каждым столбцом — число школ.
    for n in counts.iter().filter(|&&n| n > 0) {
        assert!(has_text(&svg, &format!("{n}")), "число {n}");
    }
    assert_eq!(count_text(&svg, "нижние 25 %"), 1);
    assert_eq!(count_text(&svg, "верхние 25 %"), 1);
    // The method's rule: the lower 25 % are «не выше» their highest index, the upper «не
    // ниже» their lowest (not «<» the line drawn between the groups).
    assert_eq!(count_text(&svg, "не выше 0,375"), 1);
    assert_eq!(count_text(&svg, "не ниже 0,615"), 1);
    assert_eq!(count_text(&svg, "&lt;"), 0);
    assert_eq!(count_filled(&svg, "rect", theme::LOW_ZONE), 1);
    assert_eq!(count_filled(&svg, "rect", theme::HIGH_ZONE), 1);
}

#[test]
fn histogram_edges_and_empty() {
    let data = IndexHistogram {
        title: "Края".into(),
        values: vec![0.0, 0.05, 0.999, 1.0, 1.5, -0.2, f64::NAN],
        bins: 10,
        cuts: Cuts::default(),
        edges: Cuts::default(),
        without_index: 0,
    };
    assert_eq!(data.counts(), vec![3, 0, 0, 0, 0, 0, 0, 0, 0, 3]);
    let empty = IndexHistogram {
        values: vec![f64::NAN],
        ..data
    };
    let svg = render(400, 300, |a| index_histogram(a, &empty));
    assert_eq!(count_text(&svg, NO_DATA), 1);
}

// ---------------------------------------------------------------------------------------
// Траектория школы
// ---------------------------------------------------------------------------------------

/// Три года; в среднем нет индекса результатов (и границ по нему).
fn trajectory_fixture() -> SchoolTrajectory {
    SchoolTrajectory {
        title: "СОШ № 7: индекс результатов по годам".into(),
        points: vec![
            TrajectoryPoint {
                year: 2023,
                results_index: Some(0.2841),
                low_cut: Some(0.3125),
                high_cut: Some(0.6417),
                social_index: Some(0.71),
                unfavourable_cut: Some(0.66),
            },
            TrajectoryPoint {
                year: 2024,
                results_index: None,
                low_cut: None,
                high_cut: None,
                social_index: Some(0.68),
                unfavourable_cut: Some(0.65),
            },
            TrajectoryPoint {
                year: 2025,
                results_index: Some(0.4562),
                low_cut: Some(0.3301),
                high_cut: Some(0.6589),
                social_index: Some(0.64),
                unfavourable_cut: Some(0.67),
            },
        ],
    }
}

/// Число ломаных цвета `colour` длиннее 30 пикселей по горизонтали (не штрихи пунктира и
/// не образцы легенды).
fn count_lines(svg: &str, colour: RGBColor) -> usize {
    let stroke = format!("stroke=\"{}\"", hex(colour));
    svg.lines()
        .filter(|l| l.trim_start().starts_with("<polyline") && l.contains(&stroke))
        .filter(|l| {
            let points = l.split("points=\"").nth(1).unwrap_or("");
            let xs: Vec<i32> = points
                .split_whitespace()
                .filter_map(|p| p.split(',').next()?.parse().ok())
                .collect();
            let (min, max) = (xs.iter().min(), xs.iter().max());
            matches!((min, max), (Some(a), Some(b)) if b - a > 30)
        })
        .count()
}

/// При `CHARTS_PREVIEW_DIR` записывает рисунок туда — посмотреть глазами.
fn preview(name: &str, svg: &str) {
    if let Ok(dir) = std::env::var("CHARTS_PREVIEW_DIR") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(PathBuf::from(dir).join(format!("{name}.svg")), svg).unwrap();
    }
}

const BRAND: RGBColor = RGBColor(0x1F, 0x4E, 0x79);
const SOCIAL_GREY: RGBColor = RGBColor(0x8A, 0x8A, 0x8A);

#[test]
fn school_trajectory_snapshot() {
    let data = trajectory_fixture();
    let svg = render(800, 420, |a| school_trajectory(a, &data));
    check_svg("school_trajectory", &svg);
}

#[test]
fn school_trajectory_content() {
    let data = trajectory_fixture();
    let svg = render(800, 420, |a| school_trajectory(a, &data));
    for year in ["2023", "2024", "2025"] {
        assert_eq!(count_text(&svg, year), 1, "подпись года {year}");
    }
    assert_eq!(count_text(&svg, "0,284"), 1, "значение 2023 года");
    assert_eq!(count_text(&svg, "0,456"), 1, "значение 2025 года");
    assert_eq!(count_text(&svg, "нет индекса"), 1, "год без индекса");
    for tick in ["0", "0,25", "0,5", "0,75", "1"] {
        assert_eq!(count_text(&svg, tick), 1, "деление «{tick}»");
    }
    for label in [
        "индекс школы",
        "граница 25 % низких",
        "граница 25 % высоких",
        "индекс социальных условий (выше — хуже)",
    ] {
        assert_eq!(count_text(&svg, label), 1, "легенда «{label}»");
    }
    // Год без индекса — разрыв: у линии школы из двух точек нет ни одного отрезка, у
    // социального индекса (все три года) — одна ломаная.
    assert_eq!(count_lines(&svg, BRAND), 0);
    assert_eq!(count_lines(&svg, SOCIAL_GREY), 1);
    // Маркеры школы: две точки и образец в легенде.
    assert_eq!(
        svg.lines()
            .filter(|l| l.trim_start().starts_with("<circle") && l.contains(&hex(BRAND)))
            .count(),
        2 + 1
    );
    // Зона нижних 25 % — по одной на год с границей.
    assert_eq!(count_filled(&svg, "rect", theme::LOW_ZONE), 2);

    // Соседние годы с индексом соединены.
    let mut joined = data.clone();
    joined.points[1].results_index = Some(0.35);
    let svg = render(800, 420, |a| school_trajectory(a, &joined));
    assert_eq!(count_lines(&svg, BRAND), 1);
    assert_eq!(count_text(&svg, "0,350"), 1);
    assert_eq!(count_text(&svg, "нет индекса"), 0);
}

#[test]
fn school_trajectory_edges_and_empty() {
    let empty = SchoolTrajectory {
        title: "Пусто".into(),
        points: vec![],
    };
    let svg = render(400, 300, |a| school_trajectory(a, &empty));
    assert_eq!(count_text(&svg, NO_DATA), 1);
    assert!(has_text(&svg, "Пусто"));

    // Только NaN и None — тоже «Нет данных».
    let nothing = SchoolTrajectory {
        title: "Без индексов".into(),
        points: vec![TrajectoryPoint {
            year: 2025,
            results_index: Some(f64::NAN),
            low_cut: Some(0.3),
            high_cut: None,
            social_index: None,
            unfavourable_cut: Some(f64::NAN),
        }],
    };
    let svg = render(400, 300, |a| school_trajectory(a, &nothing));
    assert_eq!(count_text(&svg, NO_DATA), 1);

    // Один год, значения на краях и за краями шкалы, NaN в границах, крошечный рисунок.
    let one = SchoolTrajectory {
        title: "Один год".into(),
        points: vec![TrajectoryPoint {
            year: 2025,
            results_index: Some(1.0),
            low_cut: Some(f64::NAN),
            high_cut: Some(1.2),
            social_index: Some(-0.1),
            unfavourable_cut: None,
        }],
    }
    .with_title("Один год, другой заголовок");
    for (w, h) in [(800, 420), (120, 80), (10, 10)] {
        let svg = render(w, h, |a| school_trajectory(a, &one));
        preview(&format!("school_trajectory_one_{w}"), &svg);
        assert_eq!(count_text(&svg, NO_DATA), 0);
        if w >= 120 {
            assert_eq!(count_text(&svg, "1,000"), 1);
            assert_eq!(count_text(&svg, "2025"), 1);
        }
    }
    // Много лет на узком рисунке: подписи годов прореживаются, но ничего не ломается.
    let many = SchoolTrajectory {
        title: "Двадцать лет".into(),
        points: (0..20)
            .map(|i| TrajectoryPoint {
                year: 2006 + i,
                results_index: (i % 7 != 3).then_some(f64::from(i) / 20.0),
                low_cut: Some(0.3),
                high_cut: Some(0.7),
                social_index: None,
                unfavourable_cut: None,
            })
            .collect(),
    };
    let svg = render(300, 240, |a| school_trajectory(a, &many));
    preview("school_trajectory_many", &svg);
    assert!(has_text(&svg, "2006"));
    assert!(!has_text(&svg, "2007"));
}

/// Демонстрационный край: траектория школы из её размещения по справочнику; границы,
/// восстановленные по расстояниям, — границы справочника.
#[test]
fn school_trajectory_from_placement() {
    let rows = region(&DemoSpec::default());
    let params = Params::default();
    let ident = identify(&rows, &params).unwrap();
    let reference = ReferencePayload::new(
        "Демонстрационный край",
        &ident.years,
        &params,
        &reference_pools(&ident, &rows),
    );
    // Школа пула с индексом результатов во все годы окна.
    let school = ident
        .schools
        .iter()
        .find(|s| {
            s.pool.is_some()
                && s.years.len() == ident.years.len()
                && s.years.values().all(|y| y.results_index.is_some())
        })
        .expect("школа с индексами за все годы");
    let own: Vec<_> = rows
        .iter()
        .filter(|r| r.school_id == school.school_id)
        .cloned()
        .collect();
    let placement = place(&reference, &own).unwrap();
    let pool = placement.pool.clone().unwrap();
    let data = SchoolTrajectory::from_placement(&placement);
    assert_eq!(data.points.len(), placement.years.len());
    assert!(data.title.starts_with(&placement.school_name));
    let close = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= 1e-12,
        (None, None) => true,
        _ => false,
    };
    for (point, year) in data.points.iter().zip(&placement.years) {
        let py = reference
            .pools
            .iter()
            .find(|p| p.pool == pool && p.year == year.year)
            .unwrap();
        assert_eq!(point.year, year.year);
        assert_eq!(point.results_index, year.results_index);
        assert_eq!(point.social_index, year.social_index);
        assert!(point.low_cut.is_some() && point.high_cut.is_some());
        assert!(
            close(point.low_cut, py.results_cut_low),
            "{}: {:?} {:?}",
            year.year,
            point.low_cut,
            py.results_cut_low
        );
        assert!(
            close(point.high_cut, py.results_cut_high),
            "{}: {:?} {:?}",
            year.year,
            point.high_cut,
            py.results_cut_high
        );
        if point.social_index.is_some() {
            assert!(close(point.unfavourable_cut, py.social_cut_unfavourable));
        }
    }
    let svg = render(800, 420, |a| school_trajectory(a, &data));
    preview("school_trajectory_demo", &svg);
    for point in &data.points {
        assert_eq!(count_text(&svg, &point.year.to_string()), 1);
        let value = point.results_index.unwrap();
        let shown = format!("{value:.3}").replace('.', ",");
        assert!(has_text(&svg, &shown), "значение {shown}");
    }
    let renamed = data.with_title("Другой заголовок");
    assert_eq!(renamed.title, "Другой заголовок");
}

// ---------------------------------------------------------------------------------------
// Контекстуализированные результаты
// ---------------------------------------------------------------------------------------

/// The worked example of the README («Contextualised results»): slope 0.68, intercept 0.16,
/// R² = 289/380; B and D above expectation, both ШНСУ, D in every year.
fn context_fixture() -> ContextScatter {
    use ContextCategory::*;
    let point = |name: &str, social, results, category, unfavourable, resilient| ContextPoint {
        name: name.into(),
        social,
        results,
        category,
        unfavourable,
        resilient,
    };
    ContextScatter {
        title: "Средние школы, 2025: результаты с учётом социального контекста".into(),
        points: vec![
            point("Школа A", 0.0, 0.1, Below, false, false),
            point("Школа B", 0.25, 0.5, Above, true, false),
            point("Школа C", 0.5, 0.3, Below, false, false),
            point("Школа D", 0.75, 0.8, Above, true, true),
            point("Школа E", 1.0, 0.8, Within, false, false),
        ],
        fit: Some(ContextFit {
            pool: "secondary".into(),
            year: 2025,
            n: 5,
            slope: Some(0.68),
            intercept: Some(0.16),
            r2: Some(289.0 / 380.0),
            note: None,
        }),
        share: 0.25,
        without_place: 1,
        small: None,
    }
}

#[test]
fn context_scatter_snapshot_and_content() {
    let data = context_fixture();
    let svg = render(800, 600, |a| context_scatter(a, &data));
    check_svg("context_scatter", &svg);
    preview("context_scatter", &svg);
    let above = theme::context_style(ContextCategory::Above).colour;
    let below = theme::context_style(ContextCategory::Below).colour;
    let within = theme::context_style(ContextCategory::Within).colour;
    // Points plus the legend's sample; the grey circles also hold the ring's sample.
    assert_eq!(count_filled(&svg, "polygon", above), 2 + 1);
    assert_eq!(count_filled(&svg, "polygon", below), 2 + 1);
    assert_eq!(count_filled(&svg, "circle", within), 1 + 1 + 1);
    let stroke = format!("stroke=\"{}\"", hex(theme::RESILIENT));
    let rings = svg
        .lines()
        .filter(|l| l.trim_start().starts_with("<circle") && l.contains(&stroke))
        .count();
    assert_eq!(rings, 1 + 1, "D and the legend's sample");
    assert_eq!(count_lines(&svg, theme::FIT_LINE), 1, "the fitted line");
    for text in [
        "выше ожидаемого — 2",
        "в пределах ожидаемого — 1",
        "ниже ожидаемого — 2",
        "выше ожидаемого во все годы, ШНСУ — 1",
        "ожидаемый результат, R² = 0,76",
        "средние значения",
        "без индекса или линии (не показаны) — 1",
    ] {
        assert_eq!(count_text(&svg, text), 1, "«{text}»");
    }
    // The mean lines: mean social index 0.5 above the plot, mean results index 0.5 at right.
    assert_eq!(count_text(&svg, "0,50"), 2);
}

#[test]
fn context_scatter_text_names_the_line_the_counts_and_the_schools() {
    let text = context_scatter_text(&context_fixture());
    let all = text.join("\n");
    for part in [
        "Средние школы, 2025: результаты с учётом социального контекста.",
        "Ожидаемый индекс результатов = 0,16 + 0,68 × социальный индекс (наклон 0,68, свободный член 0,16); R² = 0,761; по 5 школам.",
        "Выше ожидаемого — 2, в пределах ожидаемого — 1, ниже ожидаемого — 2 (выше и ниже — по 25 % школ",
        "социальный индекс 0,5, индекс результатов 0,5",
        "Выше ожидаемого в неблагоприятных социальных условиях (ШНСУ): Школа B, Школа D (во все годы окна).",
        "не показаны): 1.",
    ] {
        assert!(all.contains(part), "«{part}» in\n{all}");
    }
    assert!(!all.contains("не показательны"), "{all}");
    // A small group (issue 22): said right after the line's n.
    let mut small = context_fixture();
    small.small =
        Some("в группе 5 школ: 25 % — это 2 школы; списки по этой группе не показательны".into());
    let all = context_scatter_text(&small).join("\n");
    assert!(
        all.contains("по 5 школам.\nВ группе 5 школ: 25 % — это 2 школы; списки по этой группе не показательны.\n"),
        "{all}"
    );
    // No line: said why, no counts.
    let mut data = context_fixture();
    data.points.clear();
    data.fit = Some(ContextFit {
        pool: "secondary".into(),
        year: 2025,
        n: 2,
        slope: None,
        intercept: None,
        r2: None,
        note: Some("школ с обоими индексами меньше 10 (n = 2): линия не строится".into()),
    });
    let all = context_scatter_text(&data).join("\n");
    assert!(
        all.contains(
            "Линия ожидаемого результата не построена (2 школы): школ с обоими индексами меньше 10"
        ),
        "{all}"
    );
    assert!(!all.contains("Выше ожидаемого —"), "{all}");
    let svg = render(400, 300, |a| context_scatter(a, &data));
    assert_eq!(count_text(&svg, NO_DATA), 1);
    check_svg("context_scatter_empty", &svg);
}

#[test]
fn context_scatter_from_identification_and_from_a_result_without_context() {
    let rows = region(&DemoSpec::default());
    let result = identify(&rows, &Params::default()).unwrap();
    let year = *result.years.last().unwrap();
    let data = ContextScatter::from_identification(&result, "secondary", year);
    let in_pool = result
        .schools
        .iter()
        .filter(|s| s.pool.as_deref() == Some("secondary"))
        .filter(|s| s.years.contains_key(&year))
        .count();
    assert!(!data.points.is_empty());
    assert_eq!(data.points.len() + data.without_place, in_pool);
    let fit = data.fit.clone().unwrap();
    assert_eq!(fit.n, data.points.len());
    // The line passes through the means.
    let ((mx, my), slope, intercept) = (
        data.means().unwrap(),
        fit.slope.unwrap(),
        fit.intercept.unwrap(),
    );
    assert!((intercept + slope * mx - my).abs() < 1e-9);
    let svg = render(800, 600, |a| context_scatter(a, &data));
    assert_eq!(count_lines(&svg, theme::FIT_LINE), 1);
    assert!(context_scatter_text(&data).len() >= 5);
    // The secondary schools are a large group; the evening ones (about one in twenty of 240)
    // a small one, said in the text.
    assert_eq!(data.small, None);
    let evening = ContextScatter::from_identification(&result, "evening", year);
    let sentence = evening.small.clone().expect("a small group");
    assert!(
        sentence.ends_with("списки по этой группе не показательны"),
        "{sentence}"
    );
    assert!(context_scatter_text(&evening)
        .iter()
        .any(|l| l.ends_with("списки по этой группе не показательны.")));

    // A result stored before the contextualised results: the same picture.
    let mut old = result.clone();
    old.context = Default::default();
    for s in &mut old.schools {
        s.context_resilient = false;
        for (_, y) in &mut s.years.0 {
            y.expected = None;
            y.residual = None;
            y.context_category = None;
        }
    }
    assert_eq!(
        ContextScatter::from_identification(&old, "secondary", year),
        data
    );
    let missing = ContextScatter::from_identification(&result, "нет такого пула", year);
    assert!(missing.points.is_empty() && missing.fit.is_none());
}
