//! Диаграммы идентификации: школы пула за год на плоскости индексов и распределение
//! индекса результатов.

use super::draw::{self, Plot, Swatch};
use super::theme;
use super::DrawResult;
use crate::domain::method::identify::{
    Identification, ResultsBand, ResultsCategory, SchoolResult, SocialBand, YearResult,
};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Границы нижних и верхних 25 % по значению индекса (середина между последней школой
/// группы и первой школой за её пределами). `None` — группы нет.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Cuts {
    /// Ниже — нижние 25 %: низкие результаты; по социальному индексу — благоприятные условия.
    pub low: Option<f64>,
    /// Выше — верхние 25 %: высокие результаты; по социальному индексу — неблагоприятные
    /// условия (ШНСУ).
    pub high: Option<f64>,
}

impl Cuts {
    /// Из пар (индекс, группа: 0 — нижние 25 %, 1 — середина, 2 — верхние 25 %).
    pub fn from_bands(values: impl IntoIterator<Item = (f64, u8)>) -> Cuts {
        let mut bottom_max = f64::NEG_INFINITY;
        let mut rest_min = f64::INFINITY;
        let mut top_min = f64::INFINITY;
        let mut rest_max = f64::NEG_INFINITY;
        for (v, band) in values.into_iter().filter(|(v, _)| v.is_finite()) {
            if band == 0 {
                bottom_max = bottom_max.max(v);
            } else {
                rest_min = rest_min.min(v);
            }
            if band == 2 {
                top_min = top_min.min(v);
            } else {
                rest_max = rest_max.max(v);
            }
        }
        let between = |a: f64, b: f64| match (a.is_finite(), b.is_finite()) {
            (true, true) => Some((a + b) / 2.0),
            (true, false) => Some(a),
            (false, true) => Some(b),
            (false, false) => None,
        };
        Cuts {
            low: bottom_max
                .is_finite()
                .then(|| between(bottom_max, rest_min))
                .flatten(),
            high: top_min
                .is_finite()
                .then(|| between(rest_max, top_min))
                .flatten(),
        }
    }
}

/// Крайние значения групп: наибольший индекс нижних 25 % и наименьший — верхних 25 % (правило
/// методики: «не выше» и «не ниже» этих значений). `None` — группы нет.
pub fn band_edges(values: impl IntoIterator<Item = (f64, u8)>) -> Cuts {
    let mut low: Option<f64> = None;
    let mut high: Option<f64> = None;
    for (v, band) in values.into_iter().filter(|(v, _)| v.is_finite()) {
        match band {
            0 => low = Some(low.map_or(v, |l| l.max(v))),
            2 => high = Some(high.map_or(v, |h| h.min(v))),
            _ => {}
        }
    }
    Cuts { low, high }
}

/// Школы пула, у которых есть строка за год.
fn pool_year<'a>(
    identification: &'a Identification,
    pool: &'a str,
    year: i32,
) -> impl Iterator<Item = (&'a SchoolResult, &'a YearResult)> + 'a {
    identification
        .schools
        .iter()
        .filter(move |s| s.pool.as_deref() == Some(pool))
        .filter_map(move |s| s.years.get(&year).map(|y| (s, y)))
}

fn pool_label(identification: &Identification, pool: &str) -> String {
    identification
        .params
        .pools
        .iter()
        .find(|p| p.id == pool)
        .map_or_else(|| pool.to_string(), |p| p.label.clone())
}

fn results_bands<'a>(
    rows: &'a [(&SchoolResult, &YearResult)],
) -> impl Iterator<Item = (f64, u8)> + 'a {
    rows.iter().filter_map(|(_, y)| {
        let band = match y.results_band? {
            ResultsBand::Low => 0,
            ResultsBand::Middle => 1,
            ResultsBand::High => 2,
        };
        Some((y.results_index?, band))
    })
}

fn results_cuts(rows: &[(&SchoolResult, &YearResult)]) -> Cuts {
    Cuts::from_bands(results_bands(rows))
}

fn social_cuts(rows: &[(&SchoolResult, &YearResult)]) -> Cuts {
    Cuts::from_bands(rows.iter().filter_map(|(_, y)| {
        let band = match y.social_band? {
            SocialBand::Favourable => 0,
            SocialBand::Neutral => 1,
            SocialBand::Unfavourable => 2,
        };
        Some((y.social_index?, band))
    }))
}

// ---------------------------------------------------------------------------------------
// Точечная диаграмма
// ---------------------------------------------------------------------------------------

/// Школа на плоскости индексов.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScatterPoint {
    /// Социальный индекс, 0–1 (больше — неблагоприятнее условия).
    pub social: f64,
    /// Индекс результатов, 0–1 (больше — лучше).
    pub results: f64,
    /// Категория по результатам за окно лет.
    pub category: ResultsCategory,
    /// Высокие результаты в неблагоприятных условиях.
    pub resilient: bool,
}

/// Данные точечной диаграммы одного пула за один год.
#[derive(Debug, Clone, PartialEq)]
pub struct IdentificationScatter {
    pub title: String,
    pub points: Vec<ScatterPoint>,
    /// Границы 25 % по индексу результатов (горизонтальные линии).
    pub results_cuts: Cuts,
    /// Границы 25 % по социальному индексу (вертикальные линии).
    pub social_cuts: Cuts,
    /// Школы пула с данными за год, у которых нет одного из индексов (не показаны).
    pub without_index: usize,
    /// Число школ каждой категории по результатам во всём расчёте (как в итогах) и где они
    /// относительно этой диаграммы; пусто у диаграммы, построенной не из расчёта.
    pub counts: Vec<(ResultsCategory, CategoryCount)>,
    /// То же для резильентных школ.
    pub resilient: CategoryCount,
    /// Год диаграммы (0 — не из расчёта).
    pub year: i32,
}

/// Школы одной категории расчёта относительно диаграммы одного пула за один год: сумма трёх
/// чисел — число в итогах расчёта.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CategoryCount {
    /// Точки на диаграмме.
    pub shown: usize,
    /// Школы этого пула без точки за год: нет строки за год или нет одного из индексов.
    pub without_point: usize,
    /// Школы других групп школ (у каждой группы своя диаграмма).
    pub other_pools: usize,
}

impl CategoryCount {
    /// Всего в расчёте.
    pub fn total(&self) -> usize {
        self.shown + self.without_point + self.other_pools
    }

    /// «ШНРО: в расчёте 186 — на диаграмме 156, без точки за 2025 год 12, в других группах
    /// школ 18.» (без нулевых частей; «все на диаграмме», когда не показаны все).
    pub fn sentence(&self, what: &str, year: i32) -> String {
        use crate::domain::common::format::thousands;
        let mut parts = vec![format!("на диаграмме {}", thousands(self.shown))];
        if self.without_point > 0 {
            parts.push(format!(
                "без индекса за {year} год {}",
                thousands(self.without_point)
            ));
        }
        if self.other_pools > 0 {
            parts.push(format!(
                "в других группах школ {}",
                thousands(self.other_pools)
            ));
        }
        if parts.len() == 1 {
            format!(
                "{what}: в расчёте {}, все на диаграмме.",
                thousands(self.total())
            )
        } else {
            format!(
                "{what}: в расчёте {} — {}.",
                thousands(self.total()),
                parts.join(", ")
            )
        }
    }
}

impl IdentificationScatter {
    /// Школы пула `pool` за `year` с обоими индексами; границы — по группам этого года.
    pub fn from_identification(identification: &Identification, pool: &str, year: i32) -> Self {
        let rows: Vec<_> = pool_year(identification, pool, year).collect();
        let mut points = Vec::with_capacity(rows.len());
        let mut without_index = 0;
        for (school, y) in &rows {
            match (y.social_index, y.results_index, school.results_category) {
                (Some(social), Some(results), Some(category))
                    if social.is_finite() && results.is_finite() =>
                {
                    points.push(ScatterPoint {
                        social,
                        results,
                        category,
                        resilient: school.resilient,
                    })
                }
                _ => without_index += 1,
            }
        }
        // Every school with a category (the assessed ones, as in the run's counts): a point
        // here, or none this year in this pool, or in another pool.
        let mut counts: Vec<(ResultsCategory, CategoryCount)> = ResultsCategory::ALL
            .iter()
            .map(|&c| (c, CategoryCount::default()))
            .collect();
        let mut resilient = CategoryCount::default();
        for school in &identification.schools {
            let Some(category) = school.results_category else {
                continue;
            };
            let here = if school.pool.as_deref() != Some(pool) {
                2
            } else {
                let shown = school.years.get(&year).is_some_and(|y| {
                    y.social_index.is_some_and(f64::is_finite)
                        && y.results_index.is_some_and(f64::is_finite)
                });
                usize::from(!shown)
            };
            let add = |c: &mut CategoryCount| match here {
                0 => c.shown += 1,
                1 => c.without_point += 1,
                _ => c.other_pools += 1,
            };
            if let Some((_, c)) = counts.iter_mut().find(|(k, _)| *k == category) {
                add(c);
            }
            if school.resilient {
                add(&mut resilient);
            }
        }
        IdentificationScatter {
            counts,
            resilient,
            year,
            title: format!(
                "{}, {year}: индекс результатов и социальный индекс",
                pool_label(identification, pool)
            ),
            points,
            results_cuts: results_cuts(&rows),
            social_cuts: social_cuts(&rows),
            without_index,
        }
    }

    /// Тот же рисунок с другим заголовком.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// Школы расчёта, не показанные на диаграмме: (без индекса за год в этом пуле, в
    /// других пулах), по всем категориям.
    pub fn unseen(&self) -> (usize, usize) {
        self.counts.iter().fold((0, 0), |(a, b), (_, c)| {
            (a + c.without_point, b + c.other_pools)
        })
    }

    /// По предложению на категорию (и на резильентные школы): сколько в расчёте, сколько на
    /// диаграмме и почему остальных нет. Пусто у диаграммы не из расчёта.
    pub fn reconciliation(&self) -> Vec<String> {
        if self.counts.is_empty() {
            return Vec::new();
        }
        let mut out: Vec<String> = self
            .counts
            .iter()
            .map(|(c, n)| n.sentence(c.short(), self.year))
            .collect();
        out.push(self.resilient.sentence("резильентные", self.year));
        out
    }
}

/// Подпись с полупрозрачной белой подложкой (читается поверх точек и столбцов).
fn boxed_label<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    (x, y): (i32, i32),
    h: HPos,
) -> DrawResult<DB::ErrorType> {
    let size = theme::SMALL_SIZE;
    let w = draw::text_width(s, size);
    let th = (size * 1.3).round() as i32;
    let x0 = match h {
        HPos::Left => x,
        HPos::Center => x - w / 2,
        HPos::Right => x - w,
    };
    draw::rect(
        area,
        (x0 - 2, y),
        (x0 + w + 2, y + th),
        theme::BACKGROUND.mix(0.85).filled(),
    )?;
    let style = draw::text_style(size, theme::TEXT, h, VPos::Center);
    draw::text(area, s, (x, y + th / 2), &style)
}

/// Деления 0–1 с шагом 0,1 (0,2 на узком поле).
fn unit_ticks(pixels: i32) -> Vec<(f64, String)> {
    let step = if pixels >= 360 { 1 } else { 2 };
    (0..=10)
        .step_by(step)
        .map(|i| (f64::from(i) / 10.0, draw::decimal(f64::from(i) / 10.0, 1)))
        .collect()
}

/// Точечная диаграмма: каждая школа — точка (социальный индекс, индекс результатов);
/// форма и цвет — категория по результатам; резильентные школы обведены кольцом;
/// пунктиром — границы 25 %; легенда с числом школ. Без точек рисует «Нет данных».
pub fn identification_scatter<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &IdentificationScatter,
) -> DrawResult<DB::ErrorType> {
    let points: Vec<&ScatterPoint> = data
        .points
        .iter()
        .filter(|p| p.social.is_finite() && p.results.is_finite())
        .collect();
    if points.is_empty() {
        return draw::no_data(area, &data.title);
    }
    let top = draw::background_and_title(area, &data.title)?;
    let (w, h) = draw::dims(area);
    let m = theme::MARGIN;

    // Легенда: все категории (с числом школ), резильентные и границы.
    // Число на диаграмме и, если в расчёте их больше, — «из» числа в итогах расчёта.
    let of_total = |shown: usize, c: Option<&CategoryCount>| match c {
        Some(c) if c.total() != shown => format!("{shown} из {}", c.total()),
        _ => shown.to_string(),
    };
    let mut items: Vec<(Swatch, String)> = ResultsCategory::ALL
        .iter()
        .map(|&c| {
            let s = theme::category_style(c);
            let n = points.iter().filter(|p| p.category == c).count();
            let total = data.counts.iter().find(|(k, _)| *k == c).map(|(_, n)| n);
            (
                Swatch::Marker(s.marker, s.colour, s.opacity),
                format!("{} — {}", c.short(), of_total(n, total)),
            )
        })
        .collect();
    let resilient = points.iter().filter(|p| p.resilient).count();
    if resilient > 0 || data.resilient.total() > 0 {
        let total = (!data.counts.is_empty()).then_some(&data.resilient);
        items.push((
            Swatch::Ring(theme::RESILIENT),
            format!("резильентные — {}", of_total(resilient, total)),
        ));
    }
    items.push((
        Swatch::Dashed(theme::CUT),
        "границы нижних и верхних 25 %".to_string(),
    ));
    let (no_point, other) = data.unseen();
    if no_point + other > 0 {
        // Почему «из»: одно предложение рядом с числами.
        let mut why = Vec::new();
        if no_point > 0 {
            why.push(format!("{no_point} без индекса за {} год", data.year));
        }
        if other > 0 {
            why.push(format!("{other} в других группах школ"));
        }
        items.push((
            Swatch::Block(theme::BACKGROUND),
            format!("«из» — всего в расчёте; не показаны: {}", why.join(", ")),
        ));
    } else if data.counts.is_empty() && data.without_index > 0 {
        items.push((
            Swatch::Block(theme::BACKGROUND),
            format!("без индекса (не показаны) — {}", data.without_index),
        ));
    }
    let legend_w = w - 2 * m;
    let legend_h = draw::legend_lines(&items, legend_w) * draw::legend_line_height();

    // Над полем — полоса с названиями групп по социальному индексу и значениями границ,
    // справа — то же по индексу результатов: подписи не закрывают точки.
    let line_h = (theme::SMALL_SIZE * 1.3).round() as i32;
    let plot = Plot {
        left: m + draw::Y_AXIS_SPACE,
        top: top + 2 * line_h + 4,
        right: w - m - RIGHT_STRIP,
        bottom: h - m - legend_h - draw::X_AXIS_SPACE - 6,
        x_range: (0.0, 1.0),
        y_range: (0.0, 1.0),
    };
    plot.axes(
        area,
        &unit_ticks(plot.right - plot.left),
        &unit_ticks(plot.bottom - plot.top),
        "Социальный индекс (больше — неблагоприятнее условия)",
        "Индекс результатов (больше — лучше)",
    )?;
    cut_lines(area, &plot, data, line_h)?;

    // Точки: сначала фон (средние, недостаточно данных), сверху — ШНРО и группа риска.
    let scatter: Vec<draw::ScatterPoint> = points
        .iter()
        .map(|p| draw::ScatterPoint {
            x: p.social,
            y: p.results,
            style: theme::category_style(p.category),
            ring: p.resilient,
        })
        .collect();
    draw::scatter_points(area, &plot, &scatter)?;

    draw::legend(area, &items, (m, h - m - legend_h), legend_w)
}

/// Ширина полосы справа от поля точечной диаграммы (названия групп по результатам).
const RIGHT_STRIP: i32 = 72;

/// Участки отрезка 0–1 между границами с названиями групп (нижняя, средняя, верхняя).
fn zones(cuts: &Cuts, names: [&'static str; 3]) -> Vec<(f64, f64, &'static str)> {
    let low = cuts.low.filter(|v| v.is_finite());
    let high = cuts.high.filter(|v| v.is_finite());
    let mut out = Vec::with_capacity(3);
    if let Some(l) = low {
        out.push((0.0, l, names[0]));
    }
    out.push((low.unwrap_or(0.0), high.unwrap_or(1.0), names[1]));
    if let Some(h) = high {
        out.push((h, 1.0, names[2]));
    }
    out
}

/// Пунктирные границы 25 % (под точками) и подписи к ним вне поля: значения границ у
/// концов линий, названия групп — над полем и справа от него.
fn cut_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plot: &Plot,
    data: &IdentificationScatter,
    line_h: i32,
) -> DrawResult<DB::ErrorType> {
    let cut = ShapeStyle::from(theme::CUT).stroke_width(1);
    let value_style = draw::text_style(theme::SMALL_SIZE, theme::TEXT, HPos::Center, VPos::Bottom);
    let zone_style = draw::text_style(theme::SMALL_SIZE, theme::MUTED, HPos::Center, VPos::Bottom);
    let x_cuts = [data.social_cuts.low, data.social_cuts.high];
    for v in x_cuts.into_iter().flatten().filter(|v| v.is_finite()) {
        let x = plot.x(v);
        draw::dashed(area, (x, plot.top), (x, plot.bottom), cut)?;
        draw::text(area, &draw::decimal(v, 2), (x, plot.top - 2), &value_style)?;
    }
    let names = ["благоприятные", "нейтральные", "неблагоприятные (ШНСУ)"];
    for (a, b, name) in zones(&data.social_cuts, names) {
        let (xa, xb) = (plot.x(a), plot.x(b));
        let name = draw::fit(name, theme::SMALL_SIZE, xb - xa - 4);
        draw::text(
            area,
            &name,
            ((xa + xb) / 2, plot.top - 2 - line_h),
            &zone_style,
        )?;
    }

    let value_style = draw::text_style(theme::SMALL_SIZE, theme::TEXT, HPos::Left, VPos::Center);
    let zone_style = draw::text_style(theme::SMALL_SIZE, theme::MUTED, HPos::Left, VPos::Center);
    let y_cuts = [data.results_cuts.low, data.results_cuts.high];
    for v in y_cuts.into_iter().flatten().filter(|v| v.is_finite()) {
        let y = plot.y(v);
        draw::dashed(area, (plot.left, y), (plot.right, y), cut)?;
        draw::text(
            area,
            &draw::decimal(v, 2),
            (plot.right + 4, y),
            &value_style,
        )?;
    }
    for (a, b, name) in zones(&data.results_cuts, ["низкие", "средние", "высокие"])
    {
        let (ya, yb) = (plot.y(a), plot.y(b));
        // Название — посередине участка, если он выше двух строк (иначе мешает значениям).
        if ya - yb >= 2 * line_h {
            let name = draw::fit(name, theme::SMALL_SIZE, RIGHT_STRIP - 6);
            draw::text(area, &name, (plot.right + 4, (ya + yb) / 2), &zone_style)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Гистограмма
// ---------------------------------------------------------------------------------------

/// Данные гистограммы индекса результатов одного пула за год.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexHistogram {
    pub title: String,
    /// Индексы результатов школ (0–1).
    pub values: Vec<f64>,
    /// Число интервалов на отрезке 0–1.
    pub bins: usize,
    /// Границы нижних и верхних 25 %.
    pub cuts: Cuts,
    /// Крайние значения групп ([`band_edges`]): подписи «не выше» и «не ниже»; без них —
    /// «<» и «>» середины между группами.
    pub edges: Cuts,
    /// Школы пула с данными за год без индекса результатов (не вошли в гистограмму).
    pub without_index: usize,
}

impl IndexHistogram {
    /// Число интервалов по умолчанию.
    pub const BINS: usize = 20;

    /// Индексы результатов школ пула `pool` за `year` и границы групп этого года.
    pub fn from_identification(identification: &Identification, pool: &str, year: i32) -> Self {
        let rows: Vec<_> = pool_year(identification, pool, year).collect();
        let values: Vec<f64> = rows
            .iter()
            .filter_map(|(_, y)| y.results_index)
            .filter(|v| v.is_finite())
            .collect();
        IndexHistogram {
            title: format!(
                "{}, {year}: распределение индекса результатов ({})",
                pool_label(identification, pool),
                crate::domain::common::format::count(values.len(), "школа", "школы", "школ")
            ),
            without_index: rows.len() - values.len(),
            values,
            bins: Self::BINS,
            cuts: results_cuts(&rows),
            edges: band_edges(results_bands(&rows)),
        }
    }

    /// Тот же рисунок с другим заголовком.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// Число значений в каждом интервале (значения вне 0–1 — в крайних интервалах).
    pub fn counts(&self) -> Vec<usize> {
        let bins = self.bins.max(1);
        let mut counts = vec![0; bins];
        for v in self.values.iter().filter(|v| v.is_finite()) {
            let i = (v.clamp(0.0, 1.0) * bins as f64).floor() as usize;
            counts[i.min(bins - 1)] += 1;
        }
        counts
    }
}

/// Гистограмма индекса результатов: столбцы с числом школ над каждым, зоны нижних и
/// верхних 25 % — фоном, подписью и пунктирной границей. Без значений рисует «Нет данных».
pub fn index_histogram<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &IndexHistogram,
) -> DrawResult<DB::ErrorType> {
    let counts = data.counts();
    let max = counts.iter().copied().max().unwrap_or(0);
    if max == 0 {
        return draw::no_data(area, &data.title);
    }
    let top = draw::background_and_title(area, &data.title)?;
    let (w, h) = draw::dims(area);
    let m = theme::MARGIN;

    // Сверху над столбцами — место для подписей зон.
    let step = draw::nice_step(max as f64 * 1.3, 6).max(1.0).ceil();
    let y_max = ((max as f64 * 1.3) / step).ceil() * step;
    let plot = Plot {
        left: m + draw::Y_AXIS_SPACE,
        top: top + 4,
        right: w - m - 8,
        bottom: h - m - draw::X_AXIS_SPACE,
        x_range: (0.0, 1.0),
        y_range: (0.0, y_max),
    };
    // Фон зон — до сетки, чтобы сетка была видна поверх.
    let low = data.cuts.low.filter(|v| v.is_finite());
    let high = data.cuts.high.filter(|v| v.is_finite());
    if let Some(v) = low {
        draw::rect(
            area,
            (plot.left, plot.top),
            (plot.x(v), plot.bottom),
            theme::LOW_ZONE.filled(),
        )?;
    }
    if let Some(v) = high {
        draw::rect(
            area,
            (plot.x(v), plot.top),
            (plot.right, plot.bottom),
            theme::HIGH_ZONE.filled(),
        )?;
    }
    let y_ticks: Vec<(f64, String)> = (0..=((y_max / step).round() as usize))
        .map(|i| {
            let v = i as f64 * step;
            (v, format!("{v}"))
        })
        .collect();
    plot.axes(
        area,
        &unit_ticks(plot.right - plot.left),
        &y_ticks,
        "Индекс результатов (0 — худший, 1 — лучший)",
        "Число школ",
    )?;

    let bins = counts.len();
    let bar = |i: usize| {
        (
            plot.x(i as f64 / bins as f64),
            plot.x((i + 1) as f64 / bins as f64),
        )
    };
    for (i, &n) in counts.iter().enumerate().filter(|(_, &n)| n > 0) {
        let (xa, xb) = bar(i);
        draw::rect(
            area,
            (xa + 1, plot.y(n as f64)),
            (xb - 1, plot.bottom),
            theme::HISTOGRAM_BAR.filled(),
        )?;
    }

    // Границы и подписи зон у верхнего края.
    let cut = ShapeStyle::from(theme::CUT).stroke_width(1);
    let line_h = (theme::SMALL_SIZE * 1.3).round() as i32 + 2;
    if let Some(v) = low {
        let x = plot.x(v);
        draw::dashed(area, (x, plot.top), (x, plot.bottom), cut)?;
        boxed_label(area, "нижние 25 %", (x - 4, plot.top + 4), HPos::Right)?;
        let text = match data.edges.low {
            Some(e) => format!("не выше {}", draw::decimal(e, 3)),
            None => format!("< {}", draw::decimal(v, 2)),
        };
        boxed_label(area, &text, (x - 4, plot.top + 4 + line_h), HPos::Right)?;
    }
    if let Some(v) = high {
        let x = plot.x(v);
        draw::dashed(area, (x, plot.top), (x, plot.bottom), cut)?;
        boxed_label(area, "верхние 25 %", (x + 4, plot.top + 4), HPos::Left)?;
        let text = match data.edges.high {
            Some(e) => format!("не ниже {}", draw::decimal(e, 3)),
            None => format!("> {}", draw::decimal(v, 2)),
        };
        boxed_label(area, &text, (x + 4, plot.top + 4 + line_h), HPos::Left)?;
    }

    // Число школ над каждым столбцом — последним, поверх границ.
    let count_style = draw::text_style(theme::SMALL_SIZE, theme::TEXT, HPos::Center, VPos::Bottom);
    for (i, &n) in counts.iter().enumerate().filter(|(_, &n)| n > 0) {
        let (xa, xb) = bar(i);
        if xb - xa >= draw::text_width(&n.to_string(), theme::SMALL_SIZE) + 2 {
            draw::text(
                area,
                &n.to_string(),
                ((xa + xb) / 2, plot.y(n as f64) - 2),
                &count_style,
            )?;
        }
    }
    Ok(())
}
