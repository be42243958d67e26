//! Contextualised results (beyond the seed) of one pool-year: each school's results index
//! against its social index, the fitted line of expected results, and the schools above,
//! within and below expectation; with a text alternative in Russian.

use super::draw::{self, Plot, Swatch};
use super::theme;
use super::DrawResult;
use crate::domain::common::format::{count, num, pct};
use crate::domain::method::identify::context::contextualise;
use crate::domain::method::identify::small_pools::{small_pool_sentence, small_pools};
use crate::domain::method::identify::{
    ContextCategory, ContextFit, Identification, SocialCategory,
};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// A school on the plane of the indices, with its place against the expected result.
#[derive(Debug, Clone, PartialEq)]
pub struct ContextPoint {
    pub name: String,
    /// Social index, 0–1 (higher — less favourable conditions).
    pub social: f64,
    /// Results index, 0–1 (higher — better).
    pub results: f64,
    pub category: ContextCategory,
    /// ШНСУ over the window.
    pub unfavourable: bool,
    /// Above expectation in every year of the window and ШНСУ (`context_resilient`).
    pub resilient: bool,
}

/// The data of the contextualised scatter of one pool-year.
#[derive(Debug, Clone, PartialEq)]
pub struct ContextScatter {
    pub title: String,
    /// The schools on the line (both indices, a line in their pool-year).
    pub points: Vec<ContextPoint>,
    /// The pool-year's line (`None`: the pool-year is not in the result).
    pub fit: Option<ContextFit>,
    /// `context_share` of the run: the share above and the share below expectation.
    pub share: f64,
    /// Schools of the pool-year with a row but without a place (no index, or no line).
    pub without_place: usize,
    /// When the pool-year is small ([`crate::domain::method::identify::small_pools`]): the
    /// sentence said next to its numbers, «в группе 3 школы: 25 % — это 1 школа; списки по
    /// этой группе не показательны».
    pub small: Option<String>,
}

impl ContextScatter {
    /// The schools of `pool` in `year`. A result stored before the contextualised results
    /// (no lines) gets them computed here.
    pub fn from_identification(identification: &Identification, pool: &str, year: i32) -> Self {
        let computed = identification
            .context
            .fits
            .is_empty()
            .then(|| contextualise(identification));
        let fit = match &computed {
            Some(c) => c.context.fit(pool, year).cloned(),
            None => identification.context.fit(pool, year).cloned(),
        };
        let mut points = Vec::new();
        let mut without_place = 0;
        for (si, s) in identification.schools.iter().enumerate() {
            if s.pool.as_deref() != Some(pool) {
                continue;
            }
            let Some(slot) = s.years.iter().position(|(y, _)| y == year) else {
                continue;
            };
            let y = &s.years.0[slot].1;
            let (category, resilient) = match &computed {
                Some(c) => (
                    c.schools[si].years[slot].map(|v| v.category),
                    c.schools[si].resilient,
                ),
                None => (y.context_category, s.context_resilient),
            };
            match (y.social_index, y.results_index, category) {
                (Some(social), Some(results), Some(category))
                    if social.is_finite() && results.is_finite() =>
                {
                    points.push(ContextPoint {
                        name: s.school_name.clone(),
                        social,
                        results,
                        category,
                        unfavourable: s.social_category == Some(SocialCategory::Unfavourable),
                        resilient,
                    })
                }
                _ => without_place += 1,
            }
        }
        let label = identification
            .params
            .pools
            .iter()
            .find(|p| p.id == pool)
            .map_or_else(|| pool.to_string(), |p| p.label.clone());
        ContextScatter {
            title: format!("{label}, {year}: результаты с учётом социального контекста"),
            points,
            fit,
            share: identification.params.context_share,
            without_place,
            small: small_pools(identification)
                .into_iter()
                .find(|p| p.pool == pool && p.year == year)
                .map(|p| small_pool_sentence(p.ranked, identification.params.band_share)),
        }
    }

    /// The same picture with another title.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    fn finite_points(&self) -> Vec<&ContextPoint> {
        self.points
            .iter()
            .filter(|p| p.social.is_finite() && p.results.is_finite())
            .collect()
    }

    /// Mean social index and mean results index of the points (the quadrant lines). The
    /// least squares line passes through this point.
    pub fn means(&self) -> Option<(f64, f64)> {
        let points = self.finite_points();
        if points.is_empty() {
            return None;
        }
        let n = points.len() as f64;
        Some((
            points.iter().map(|p| p.social).sum::<f64>() / n,
            points.iter().map(|p| p.results).sum::<f64>() / n,
        ))
    }

    /// The fitted line as a segment over the points' social indices, clipped to the unit
    /// square; `None` without a line.
    pub fn line_segment(&self) -> Option<((f64, f64), (f64, f64))> {
        let fit = self.fit.as_ref()?;
        let (slope, intercept) = (fit.slope?, fit.intercept?);
        if !(slope.is_finite() && intercept.is_finite()) {
            return None;
        }
        let points = self.finite_points();
        let lo = points
            .iter()
            .map(|p| p.social)
            .fold(f64::INFINITY, f64::min);
        let hi = points
            .iter()
            .map(|p| p.social)
            .fold(f64::NEG_INFINITY, f64::max);
        let (mut a, mut b) = (lo.max(0.0), hi.min(1.0));
        if slope != 0.0 {
            // x where the line is at 0 and at 1, in increasing order.
            let (x0, x1) = ((0.0 - intercept) / slope, (1.0 - intercept) / slope);
            a = a.max(x0.min(x1));
            b = b.min(x0.max(x1));
        } else if !(0.0..=1.0).contains(&intercept) {
            return None;
        }
        (a.is_finite() && b.is_finite() && a < b)
            .then_some(((a, intercept + slope * a), (b, intercept + slope * b)))
    }
}

/// The contextualised scatter: each school a point (social index, results index), its shape
/// and colour its place against the expected result; the fitted line across the points'
/// social indices; dashed lines at the mean social and mean results index (they cross on the
/// line); schools above expectation in every year and ШНСУ ringed; a legend with the counts.
/// Without points it draws «Нет данных».
pub fn context_scatter<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &ContextScatter,
) -> DrawResult<DB::ErrorType> {
    let points = data.finite_points();
    if points.is_empty() {
        return draw::no_data(area, &data.title);
    }
    let top = draw::background_and_title(area, &data.title)?;
    let (w, h) = draw::dims(area);
    let m = theme::MARGIN;

    let mut items: Vec<(Swatch, String)> = ContextCategory::ALL
        .iter()
        .map(|&c| {
            let s = theme::context_style(c);
            let n = points.iter().filter(|p| p.category == c).count();
            (
                Swatch::Marker(s.marker, s.colour, s.opacity),
                format!("{} — {n}", c.label()),
            )
        })
        .collect();
    let resilient = points.iter().filter(|p| p.resilient).count();
    if resilient > 0 {
        items.push((
            Swatch::Ring(theme::RESILIENT),
            format!("выше ожидаемого во все годы, ШНСУ — {resilient}"),
        ));
    }
    let segment = data.line_segment();
    if let (Some(_), Some(fit)) = (segment, &data.fit) {
        items.push((
            Swatch::Thin(theme::FIT_LINE),
            format!("ожидаемый результат, R² = {}", num(fit.r2, 2)),
        ));
    }
    items.push((Swatch::Dashed(theme::CUT), "средние значения".to_string()));
    if data.without_place > 0 {
        items.push((
            Swatch::Block(theme::BACKGROUND),
            format!(
                "без индекса или линии (не показаны) — {}",
                data.without_place
            ),
        ));
    }
    let legend_w = w - 2 * m;
    let legend_h = draw::legend_lines(&items, legend_w) * draw::legend_line_height();

    let line_h = (theme::SMALL_SIZE * 1.3).round() as i32;
    let plot = Plot {
        left: m + draw::Y_AXIS_SPACE,
        top: top + line_h + 4,
        right: w - m - 48,
        bottom: h - m - legend_h - draw::X_AXIS_SPACE - 6,
        x_range: (0.0, 1.0),
        y_range: (0.0, 1.0),
    };
    let ticks = |pixels: i32| -> Vec<(f64, String)> {
        let step = if pixels >= 360 { 1 } else { 2 };
        (0..=10)
            .step_by(step)
            .map(|i| (f64::from(i) / 10.0, draw::decimal(f64::from(i) / 10.0, 1)))
            .collect()
    };
    plot.axes(
        area,
        &ticks(plot.right - plot.left),
        &ticks(plot.bottom - plot.top),
        "Социальный индекс (больше — неблагоприятнее условия)",
        "Индекс результатов (больше — лучше)",
    )?;

    // Mean lines, with their values outside the plot.
    if let Some((mx, my)) = data.means() {
        let cut = ShapeStyle::from(theme::CUT).stroke_width(1);
        let (x, y) = (plot.x(mx), plot.y(my));
        draw::dashed(area, (x, plot.top), (x, plot.bottom), cut)?;
        draw::dashed(area, (plot.left, y), (plot.right, y), cut)?;
        let above = draw::text_style(theme::SMALL_SIZE, theme::TEXT, HPos::Center, VPos::Bottom);
        draw::text(area, &draw::decimal(mx, 2), (x, plot.top - 2), &above)?;
        let right = draw::text_style(theme::SMALL_SIZE, theme::TEXT, HPos::Left, VPos::Center);
        draw::text(area, &draw::decimal(my, 2), (plot.right + 4, y), &right)?;
    }

    // Points: within first, above expectation on top.
    let scatter: Vec<draw::ScatterPoint> = points
        .iter()
        .map(|p| draw::ScatterPoint {
            x: p.social,
            y: p.results,
            style: theme::context_style(p.category),
            ring: p.resilient,
        })
        .collect();
    draw::scatter_points(area, &plot, &scatter)?;

    // The line over the points, so that it stays visible.
    if let Some(((x0, y0), (x1, y1))) = segment {
        draw::line(
            area,
            (plot.x(x0), plot.y(y0)),
            (plot.x(x1), plot.y(y1)),
            ShapeStyle::from(theme::FIT_LINE).stroke_width(2),
        )?;
    }

    draw::legend(area, &items, (m, h - m - legend_h), legend_w)
}

/// The text alternative of [`context_scatter`], in Russian, one paragraph a line: the line
/// (slope, intercept, R², n), whether the group is small, how many schools are above, within and below expectation, and
/// which are above expectation in unfavourable conditions (ШНСУ).
pub fn context_scatter_text(data: &ContextScatter) -> Vec<String> {
    let mut out = vec![format!("{}.", data.title)];
    match &data.fit {
        Some(ContextFit {
            n,
            slope: Some(slope),
            intercept: Some(intercept),
            r2,
            note,
            ..
        }) => {
            let sign = if *slope < 0.0 { "−" } else { "+" };
            out.push(format!(
                "Ожидаемый индекс результатов = {} {sign} {} × социальный индекс (наклон {}, свободный член {}); R² = {}; по {}.",
                num(Some(*intercept), 3),
                num(Some(slope.abs()), 3),
                num(Some(*slope), 3),
                num(Some(*intercept), 3),
                r2.map_or_else(|| "не определён".to_string(), |v| num(Some(v), 3)),
                count(*n, "школе", "школам", "школам"),
            ));
            if let Some(note) = note {
                out.push(format!(
                    "{}.",
                    crate::domain::common::format::capitalise(note)
                ));
            }
        }
        Some(ContextFit { n, note, .. }) => out.push(format!(
            "Линия ожидаемого результата не построена ({}): {}.",
            count(*n, "школа", "школы", "школ"),
            note.as_deref().unwrap_or("нет данных")
        )),
        None => out.push(
            "Линии ожидаемого результата нет: в результате нет этой группы за этот год.".into(),
        ),
    }
    // Right after the line and its n: the group is small.
    if let Some(small) = &data.small {
        out.push(format!(
            "{}.",
            crate::domain::common::format::capitalise(small)
        ));
    }
    let points = data.finite_points();
    if !points.is_empty() {
        let n = |c: ContextCategory| points.iter().filter(|p| p.category == c).count();
        out.push(format!(
            "Выше ожидаемого — {}, в пределах ожидаемого — {}, ниже ожидаемого — {} (выше и ниже — по {} школ группы с наибольшим и наименьшим отклонением от линии).",
            n(ContextCategory::Above),
            n(ContextCategory::Within),
            n(ContextCategory::Below),
            pct(data.share),
        ));
        if let Some((mx, my)) = data.means() {
            out.push(format!(
                "Пунктир — средние значения: социальный индекс {}, индекс результатов {}; линия проходит через их пересечение.",
                num(Some(mx), 2),
                num(Some(my), 2)
            ));
        }
        let mut above: Vec<&ContextPoint> = points
            .iter()
            .copied()
            .filter(|p| p.category == ContextCategory::Above && p.unfavourable)
            .collect();
        above.sort_by(|a, b| a.name.cmp(&b.name));
        if above.is_empty() {
            out.push(
                "Выше ожидаемого в неблагоприятных социальных условиях (ШНСУ): таких школ нет."
                    .into(),
            );
        } else {
            let names: Vec<String> = above
                .iter()
                .map(|p| {
                    if p.resilient {
                        format!("{} (во все годы окна)", p.name)
                    } else {
                        p.name.clone()
                    }
                })
                .collect();
            out.push(format!(
                "Выше ожидаемого в неблагоприятных социальных условиях (ШНСУ): {}.",
                names.join(", ")
            ));
        }
    }
    if data.without_place > 0 {
        out.push(format!(
            "Без одного из индексов или без линии (не показаны): {}.",
            data.without_place
        ));
    }
    out
}
