//! Диаграмма школы по справочнику региона: индекс результатов по годам на фоне границ
//! нижних и верхних 25 % своей группы.

use super::draw::{self, Plot};
use super::theme::{self, Marker};
use super::DrawResult;
use crate::domain::method::placement::Placement;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Линия школы — фирменный цвет интерфейса (`--brand` в `style/main.css`).
const BRAND: RGBColor = RGBColor(0x1F, 0x4E, 0x79);
/// Граница нижних 25 % — цвет опасности (`--danger`).
const DANGER: RGBColor = RGBColor(0xB4, 0x23, 0x18);
/// Граница верхних 25 % — цвет успеха (`--ok`).
const OK: RGBColor = RGBColor(0x1A, 0x7F, 0x37);
/// Социальный индекс — серый, тоньше линии школы.
const SOCIAL: RGBColor = RGBColor(0x8A, 0x8A, 0x8A);

/// Один год школы.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrajectoryPoint {
    pub year: i32,
    /// Индекс результатов школы, 0–1 (больше — лучше).
    pub results_index: Option<f64>,
    /// Граница нижних 25 % группы по индексу результатов.
    pub low_cut: Option<f64>,
    /// Граница верхних 25 % группы по индексу результатов.
    pub high_cut: Option<f64>,
    /// Социальный индекс школы, 0–1 (больше — неблагоприятнее условия).
    pub social_index: Option<f64>,
    /// Граница 25 % школ с неблагоприятными условиями (ШНСУ) по социальному индексу.
    /// Не рисуется (рядом с границами по результатам она путала бы), но есть в данных —
    /// для подписи или таблицы под диаграммой.
    pub unfavourable_cut: Option<f64>,
}

/// Данные диаграммы «траектория школы»: годы по порядку.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolTrajectory {
    pub title: String,
    pub points: Vec<TrajectoryPoint>,
}

impl SchoolTrajectory {
    /// Годы размещения школы по справочнику. Границы восстанавливаются как
    /// «индекс − расстояние до границы», поэтому в году без индекса их нет.
    pub fn from_placement(p: &Placement) -> Self {
        let cut = |index: Option<f64>, distance: Option<f64>| Some(index? - distance?);
        let points = p
            .years
            .iter()
            .map(|y| TrajectoryPoint {
                year: y.year,
                results_index: y.results_index,
                low_cut: cut(y.results_index, y.distance_to_low_cut),
                high_cut: cut(y.results_index, y.distance_to_high_cut),
                social_index: y.social_index,
                unfavourable_cut: cut(y.social_index, y.distance_to_unfavourable_cut),
            })
            .collect();
        let title = match &p.pool_label {
            Some(pool) => format!(
                "{}: индекс результатов по годам и границы 25 % группы «{pool}»",
                p.school_name
            ),
            None => format!("{}: индекс результатов по годам", p.school_name),
        };
        SchoolTrajectory { title, points }
    }

    /// Тот же рисунок с другим заголовком.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }
}

/// Конечное значение или `None`.
fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|v| v.is_finite())
}

/// Деление оси индекса: «0», «0,25», «0,5», «0,75», «1».
fn unit_label(v: f64) -> String {
    let s = draw::decimal(v, 2);
    match s.trim_end_matches('0').trim_end_matches(',') {
        "" => "0".to_string(),
        t => t.to_string(),
    }
}

/// Траектория школы: по горизонтали — годы (через равные промежутки), по вертикали —
/// индекс 0–1. Индекс результатов школы — линия с маркерами и значением у каждой точки
/// (год без индекса — разрыв линии); границы нижних и верхних 25 % группы за каждый год —
/// короткие пунктирные отрезки, под нижней границей — светлая зона; социальный индекс —
/// тонкая серая линия. Без значений индексов рисует «Нет данных».
pub fn school_trajectory<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &SchoolTrajectory,
) -> DrawResult<DB::ErrorType> {
    let mut points: Vec<TrajectoryPoint> = data.points.clone();
    points.sort_by_key(|p| p.year);
    let has_results = points.iter().any(|p| finite(p.results_index).is_some());
    let has_social = points.iter().any(|p| finite(p.social_index).is_some());
    if !has_results && !has_social {
        return draw::no_data(area, &data.title);
    }
    let top = draw::background_and_title(area, &data.title)?;
    let (w, h) = draw::dims(area);
    let m = theme::MARGIN;

    // Легенда — только то, что есть на рисунке; сверху вниз, как на поле.
    let any =
        |f: fn(&TrajectoryPoint) -> Option<f64>| points.iter().any(|p| finite(f(p)).is_some());
    let mut items: Vec<(Sample, &str)> = Vec::new();
    if has_results {
        items.push((Sample::School, "индекс школы"));
    }
    if has_social {
        items.push((Sample::Social, "индекс социальных условий (выше — хуже)"));
    }
    if any(|p| p.high_cut) {
        items.push((Sample::Cut(OK), "граница 25 % высоких"));
    }
    if any(|p| p.low_cut) {
        items.push((Sample::Cut(DANGER), "граница 25 % низких"));
    }
    let legend_w = w - 2 * m;
    let legend_h = legend_rows(&items, legend_w) * draw::legend_line_height();

    // Над полем — место для подписи значения у точки с индексом 1.
    let label_h = (theme::SMALL_SIZE * 1.3).round() as i32;
    let n = points.len();
    let plot = Plot {
        left: m + draw::Y_AXIS_SPACE,
        top: top + label_h + 4,
        right: w - m - 8,
        bottom: h - m - legend_h - X_AXIS_SPACE,
        x_range: (-0.5, n as f64 - 0.5),
        y_range: (0.0, 1.0),
    };
    let slot = f64::from(plot.right - plot.left) / n.max(1) as f64;
    let x_of = |i: usize| plot.x(i as f64);
    // Полуширина отрезков границ: доля промежутка между годами, не шире 50 пикселей.
    let half = ((slot * 0.3).round() as i32).clamp(3, 50);

    // Зона ниже нижней границы — до сетки, чтобы сетка была видна поверх.
    for (i, p) in points.iter().enumerate() {
        if let Some(low) = finite(p.low_cut) {
            let x = x_of(i);
            draw::rect(
                area,
                (x - half, plot.y(low)),
                (x + half, plot.bottom),
                theme::LOW_ZONE.filled(),
            )?;
        }
    }

    // Подписи годов: если не помещаются, — через одну, через две, …
    let year_w = points
        .iter()
        .map(|p| draw::text_width(&p.year.to_string(), theme::SMALL_SIZE))
        .max()
        .unwrap_or(0)
        + 6;
    let every = ((f64::from(year_w) / slot.max(1.0)).ceil() as usize).max(1);
    let x_ticks: Vec<(f64, String)> = points
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, p)| (i as f64, p.year.to_string()))
        .collect();
    let y_ticks: Vec<(f64, String)> = (0..=4)
        .map(|i| {
            let v = f64::from(i) / 4.0;
            (v, unit_label(v))
        })
        .collect();
    plot.axes(area, &x_ticks, &y_ticks, "", "Индекс (0–1)")?;

    // Границы за каждый год.
    for (i, p) in points.iter().enumerate() {
        for (cut, colour) in [(p.low_cut, DANGER), (p.high_cut, OK)] {
            if let Some(v) = finite(cut) {
                let (x, y) = (x_of(i), plot.y(v));
                cut_segment(area, (x - half, y), (x + half, y), colour)?;
            }
        }
    }

    // Социальный индекс — тонкая серая линия с квадратами, под линией школы.
    let social: Vec<Option<(i32, i32)>> = points
        .iter()
        .enumerate()
        .map(|(i, p)| finite(p.social_index).map(|v| (x_of(i), plot.y(v))))
        .collect();
    polyline(area, &social, ShapeStyle::from(SOCIAL).stroke_width(1))?;
    for &c in social.iter().flatten() {
        draw::marker(area, c, Marker::Square, SOCIAL, 1.0, 2)?;
    }

    // Индекс результатов школы.
    let results: Vec<Option<(i32, i32)>> = points
        .iter()
        .enumerate()
        .map(|(i, p)| finite(p.results_index).map(|v| (x_of(i), plot.y(v))))
        .collect();
    polyline(area, &results, ShapeStyle::from(BRAND).stroke_width(2))?;
    for &c in results.iter().flatten() {
        draw::marker(area, c, Marker::Circle, BRAND, 1.0, 4)?;
    }

    // Значения у точек: над точкой, если там не мешают границы и край поля, иначе — под ней.
    // Если подписи шире промежутка между годами — у каждой k-й точки (и всегда у последней).
    let label_gap = 7;
    let value_w = draw::text_width("0,000", theme::SMALL_SIZE) + 8;
    let k = ((f64::from(value_w) / slot.max(1.0)).ceil() as usize).max(1);
    for (i, p) in points.iter().enumerate() {
        if (n - 1 - i) % k != 0 {
            continue;
        }
        let (Some(v), Some((x, y))) = (finite(p.results_index), results[i]) else {
            continue;
        };
        let s = draw::decimal(v, 3);
        let above = y - label_gap - label_h;
        let below = y + label_gap;
        // Мешают границы этого года и точка социального индекса.
        let obstacles: Vec<i32> = [p.low_cut, p.high_cut, p.social_index]
            .into_iter()
            .filter_map(finite)
            .map(|c| plot.y(c))
            .collect();
        let clear = |y0: i32| {
            !obstacles
                .iter()
                .any(|&oy| oy >= y0 - 3 && oy <= y0 + label_h + 3)
        };
        let fits_above = above >= plot.top - label_h;
        let fits_below = below + label_h <= plot.bottom;
        let y0 = match (fits_above && clear(above), fits_below && clear(below)) {
            (true, _) => above,
            (false, true) => below,
            (false, false) if fits_above => above,
            _ => below,
        };
        boxed_value(area, &s, (x, y0), label_h)?;
    }

    // Год без индекса — пометка у оси, чтобы разрыв линии читался.
    let gap_style = draw::text_style(theme::SMALL_SIZE, theme::MUTED, HPos::Center, VPos::Bottom);
    let gap_text = draw::fit("нет индекса", theme::SMALL_SIZE, slot as i32 - 4);
    if has_results {
        for (i, p) in points.iter().enumerate() {
            if finite(p.results_index).is_none() {
                draw::text(area, &gap_text, (x_of(i), plot.bottom - 4), &gap_style)?;
            }
        }
    }

    legend(area, &items, (m, h - m - legend_h), legend_w)
}

/// Пунктир границы: толще общего ([`draw::dashed`]), чтобы короткий отрезок был заметен.
fn cut_segment<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    from: (i32, i32),
    to: (i32, i32),
    colour: RGBColor,
) -> DrawResult<DB::ErrorType> {
    area.draw(&DashedPathElement::new(
        vec![from, to],
        6,
        4,
        ShapeStyle::from(colour).stroke_width(2),
    ))
}

/// Образец в легенде — такой же, как на поле: линия с маркером или толстый пунктир.
#[derive(Debug, Clone, Copy)]
enum Sample {
    School,
    Social,
    Cut(RGBColor),
}

/// Ширина образца, отступ до подписи и промежуток между колонками (как в
/// [`draw::legend`]).
const SAMPLE_W: i32 = 18;
const SAMPLE_GAP: i32 = 6;
const ITEM_GAP: i32 = 18;

/// Колонки легенды одной ширины (по самому широкому элементу): (ширина, число колонок).
fn legend_columns(items: &[(Sample, &str)], width: i32) -> (i32, usize) {
    let col_w = items
        .iter()
        .map(|(_, l)| SAMPLE_W + SAMPLE_GAP + draw::text_width(l, theme::LABEL_SIZE))
        .max()
        .unwrap_or(0)
        + ITEM_GAP;
    (col_w, ((width + ITEM_GAP) / col_w.max(1)).max(1) as usize)
}

/// Сколько строк займёт легенда в ширину `width`.
fn legend_rows(items: &[(Sample, &str)], width: i32) -> i32 {
    let (_, cols) = legend_columns(items, width);
    items.len().div_ceil(cols) as i32
}

/// Легенда, уложенная в строки шириной `width`, начиная с `(x0, y0)`.
fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[(Sample, &str)],
    (x0, y0): (i32, i32),
    width: i32,
) -> DrawResult<DB::ErrorType> {
    let (col_w, cols) = legend_columns(items, width);
    let lh = draw::legend_line_height();
    let style = draw::text_style(theme::LABEL_SIZE, theme::TEXT, HPos::Left, VPos::Center);
    for (i, (sample, label)) in items.iter().enumerate() {
        let x = x0 + (i % cols) as i32 * col_w;
        let cy = y0 + (i / cols) as i32 * lh + lh / 2;
        let (a, b, c) = ((x, cy), (x + SAMPLE_W, cy), (x + SAMPLE_W / 2, cy));
        match *sample {
            Sample::School => {
                draw::line(area, a, b, ShapeStyle::from(BRAND).stroke_width(2))?;
                draw::marker(area, c, Marker::Circle, BRAND, 1.0, 4)?;
            }
            Sample::Social => {
                draw::line(area, a, b, ShapeStyle::from(SOCIAL).stroke_width(1))?;
                draw::marker(area, c, Marker::Square, SOCIAL, 1.0, 2)?;
            }
            Sample::Cut(colour) => cut_segment(area, a, b, colour)?,
        }
        draw::text(area, label, (x + SAMPLE_W + SAMPLE_GAP, cy), &style)?;
    }
    Ok(())
}

/// Отступ снизу под подписи годов (без названия оси).
const X_AXIS_SPACE: i32 = 28;

/// Ломаная по точкам; `None` разрывает линию (без интерполяции).
fn polyline<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: &[Option<(i32, i32)>],
    style: ShapeStyle,
) -> DrawResult<DB::ErrorType> {
    for run in points.split(Option::is_none) {
        let run: Vec<(i32, i32)> = run.iter().flatten().copied().collect();
        if run.len() >= 2 {
            area.draw(&PathElement::new(run, style))?;
        }
    }
    Ok(())
}

/// Значение на белой подложке, по центру `x`, верхний край — `y`.
fn boxed_value<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    (x, y): (i32, i32),
    th: i32,
) -> DrawResult<DB::ErrorType> {
    let w = draw::text_width(s, theme::SMALL_SIZE);
    draw::rect(
        area,
        (x - w / 2 - 2, y),
        (x + w / 2 + 2, y + th),
        theme::BACKGROUND.mix(0.85).filled(),
    )?;
    let style = draw::text_style(theme::SMALL_SIZE, BRAND, HPos::Center, VPos::Center);
    draw::text(area, s, (x, y + th / 2), &style)
}
