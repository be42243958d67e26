//! Диаграммы оценки механизмов управления: тепловая карта «системы × этапы» и столбцы
//! по системам.

use super::draw::{self, Swatch};
use super::theme;
use super::DrawResult;
use crate::domain::common::format::percent;
use crate::domain::rubric::{ComparisonColumn, Rubric, Scores};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::FontTransform;

/// Короткие названия систем федеральной методики (по полному названию; для других
/// рубрик — полное название без слова «Система»).
const SYSTEM_SHORT: [(&str, &str); 9] = [
    (
        "Система оценки качества подготовки обучающихся",
        "Оценка качества подготовки",
    ),
    (
        "Система работы со школами с низкими результатами обучения и/или школами, \
         функционирующими в неблагоприятных социальных условиях",
        "Работа со ШНРО и ШНСУ",
    ),
    (
        "Система выявления, поддержки и развития способностей и талантов у детей и молодёжи",
        "Способности и таланты",
    ),
    ("Система профессиональной ориентации", "Профориентация"),
    (
        "Система объективности процедур оценки качества образования и олимпиад школьников",
        "Объективность оценки и олимпиад",
    ),
    (
        "Система мониторинга эффективности руководителей всех образовательных организаций региона",
        "Эффективность руководителей",
    ),
    (
        "Система мониторинга качества повышения квалификации и профессионального роста педагогов",
        "Повышение квалификации",
    ),
    ("Система методической работы", "Методическая работа"),
    (
        "Система организации воспитания и социализации обучающихся",
        "Воспитание и социализация",
    ),
];

/// Короткие заголовки этапов управленческого цикла (по идентификатору этапа).
const STAGE_SHORT: [(&str, &str); 6] = [
    ("goals", "Цели"),
    ("indicators", "Показатели"),
    ("monitoring", "Мониторинг"),
    ("analysis", "Анализ"),
    ("measures", "Меры"),
    ("effectiveness", "Эффективность мер"),
];

/// Короткое название системы для подписи строки.
pub fn system_short_title(title: &str) -> String {
    if let Some((_, short)) = SYSTEM_SHORT.iter().find(|(full, _)| *full == title) {
        return (*short).to_string();
    }
    crate::domain::common::format::capitalise(title.strip_prefix("Система ").unwrap_or(title))
}

/// Короткий заголовок этапа для столбца.
pub fn stage_short_title(id: &str, nominative: &str) -> String {
    match STAGE_SHORT.iter().find(|(s, _)| *s == id) {
        Some((_, short)) => (*short).to_string(),
        None => crate::domain::common::format::capitalise(nominative),
    }
}
// ---------------------------------------------------------------------------------------
// Тепловая карта
// ---------------------------------------------------------------------------------------

/// Данные тепловой карты «системы × этапы».
#[derive(Debug, Clone, PartialEq)]
pub struct RubricHeatmap {
    pub title: String,
    /// Короткие заголовки этапов (столбцов), в порядке цикла.
    pub columns: Vec<String>,
    pub rows: Vec<HeatmapRow>,
}

/// Строка тепловой карты — система.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatmapRow {
    /// Номер системы: «1.1».
    pub id: String,
    /// Короткое название.
    pub title: String,
    /// Механизм; между строками разных механизмов — промежуток.
    pub group: String,
    /// Процент от максимума по каждому столбцу; `None` — у этапа нет максимума («—»).
    pub cells: Vec<Option<f64>>,
}

impl RubricHeatmap {
    /// Заголовок по умолчанию.
    pub const TITLE: &'static str = "Процент от максимума по этапам управленческого цикла";

    /// Из подсчёта баллов: строки — системы рубрики, столбцы — её этапы.
    pub fn from_scores(rubric: &Rubric, scores: &Scores) -> Self {
        let columns = rubric
            .stages
            .iter()
            .map(|s| stage_short_title(&s.id, &s.nominative))
            .collect();
        let rows = rubric
            .systems
            .iter()
            .map(|system| HeatmapRow {
                id: system.id.clone(),
                title: system_short_title(&system.title),
                group: system.mechanism.clone(),
                cells: rubric
                    .stages
                    .iter()
                    .map(|stage| {
                        scores
                            .cell(&system.id, &stage.id)
                            .filter(|t| t.max > 0)
                            .map(|t| t.percent)
                    })
                    .collect(),
            })
            .collect();
        RubricHeatmap {
            title: Self::TITLE.to_string(),
            columns,
            rows,
        }
    }

    /// Тот же рисунок с другим заголовком.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }
}

/// Ширина колонки подписей строк («1.1 Оценка качества подготовки»), не больше
/// `max_share` ширины.
fn row_label_width<'a>(
    rows: impl Iterator<Item = (&'a str, &'a str)>,
    w: i32,
    max_share: f64,
) -> i32 {
    let widest = rows
        .map(|(id, title)| {
            draw::text_width(id, theme::LABEL_SIZE) + 8 + draw::text_width(title, theme::LABEL_SIZE)
        })
        .max()
        .unwrap_or(0);
    (widest + 12).min((f64::from(w) * max_share) as i32)
}

/// Подпись строки: номер полужирным и короткое название, по центру строки `cy`;
/// длинное название — в две строки, если строка `rh` достаточно высока.
fn row_label<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    id: &str,
    title: &str,
    (x, cy): (i32, i32),
    (width, rh): (i32, i32),
) -> DrawResult<DB::ErrorType> {
    let size = theme::LABEL_SIZE;
    let bold = draw::font(size, FontStyle::Bold).color(&theme::TEXT).pos(
        plotters::style::text_anchor::Pos::new(HPos::Left, VPos::Center),
    );
    draw::text(area, id, (x, cy), &bold)?;
    let dx = draw::text_width(id, size) + 8;
    let max_lines = if f64::from(rh) >= size * 2.4 { 2 } else { 1 };
    let lines = draw::wrap(title, size, width - dx, max_lines);
    let lh = (size * 1.15).round() as i32;
    let first = cy - (lines.len() as i32 - 1) * lh / 2;
    let style = draw::text_style(size, theme::TEXT, HPos::Left, VPos::Center);
    for (i, line) in lines.iter().enumerate() {
        draw::text(area, line, (x + dx, first + i as i32 * lh), &style)?;
    }
    Ok(())
}

/// Заголовок столбца в одну или две строки, с уменьшением кегля до 10, если не
/// помещается; `None` — не помещается и так.
fn wrap_header(text: &str, width: i32) -> Option<(Vec<String>, f64)> {
    let mut size = theme::HEADER_SIZE;
    while size >= 10.0 {
        if draw::text_width(text, size) <= width {
            return Some((vec![text.to_string()], size));
        }
        // Разрыв по пробелу, при котором длиннее из двух строк короче всего.
        let best = text
            .char_indices()
            .filter(|(_, c)| *c == ' ')
            .map(|(i, _)| (&text[..i], &text[i + 1..]))
            .min_by_key(|(a, b)| draw::text_width(a, size).max(draw::text_width(b, size)));
        if let Some((a, b)) = best {
            if draw::text_width(a, size).max(draw::text_width(b, size)) <= width {
                return Some((vec![a.to_string(), b.to_string()], size));
            }
        }
        size -= 1.0;
    }
    None
}

/// Заголовки столбцов над сеткой: по горизонтали в одну-две строки, а если хоть один не
/// помещается в ширину столбца — все повёрнутыми (снизу вверх). Возвращает высоту полосы.
fn column_headers<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    headers: &[String],
    (grid_left, top): (i32, i32),
    col_w: i32,
    max_h: i32,
) -> Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
    let wrapped: Option<Vec<(Vec<String>, f64)>> =
        headers.iter().map(|h| wrap_header(h, col_w - 6)).collect();
    let centre = |c: usize| grid_left + c as i32 * col_w + col_w / 2;
    if let Some(wrapped) = wrapped {
        let header_h = (theme::HEADER_SIZE * 2.0 * 1.25).round() as i32 + 8;
        for (c, (lines, size)) in wrapped.iter().enumerate() {
            let lh = (size * 1.25).round() as i32;
            let style = draw::text_style(*size, theme::TEXT, HPos::Center, VPos::Bottom);
            let n = lines.len() as i32;
            for (i, line) in lines.iter().enumerate() {
                let y = top + header_h - 6 - (n - 1 - i as i32) * lh;
                draw::text(area, line, (centre(c), y), &style)?;
            }
        }
        return Ok(header_h);
    }
    let size = theme::HEADER_SIZE;
    let widest = headers
        .iter()
        .map(|h| draw::text_width(h, size))
        .max()
        .unwrap_or(0);
    let header_h = (widest + 10).min(max_h);
    let style = draw::font(size, FontStyle::Normal)
        .transform(FontTransform::Rotate270)
        .color(&theme::TEXT)
        .pos(plotters::style::text_anchor::Pos::new(
            HPos::Left,
            VPos::Center,
        ));
    for (c, header) in headers.iter().enumerate() {
        let header = draw::fit(header, size, header_h - 10);
        draw::text(area, &header, (centre(c), top + header_h - 5), &style)?;
    }
    Ok(header_h)
}

/// Вертикальные места строк: (верх, высота) каждой строки; между группами — промежуток.
fn row_slots(groups: &[&str], top: i32, avail: i32, max_h: i32, gap: i32) -> Vec<(i32, i32)> {
    let breaks = groups.windows(2).filter(|w| w[0] != w[1]).count() as i32;
    let n = groups.len().max(1) as i32;
    let h = ((avail - breaks * gap) / n).clamp(1, max_h);
    let mut y = top;
    let mut out = Vec::with_capacity(groups.len());
    for (i, g) in groups.iter().enumerate() {
        if i > 0 && groups[i - 1] != *g {
            y += gap;
        }
        out.push((y, h));
        y += h;
    }
    out
}

/// Тепловая карта: строки — системы, столбцы — этапы; в каждой ячейке — процент от
/// максимума числом («—», если у этапа нет максимума), цвет — по шкале viridis.
/// Без строк или столбцов рисует «Нет данных».
pub fn rubric_heatmap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &RubricHeatmap,
) -> DrawResult<DB::ErrorType> {
    if data.rows.is_empty() || data.columns.is_empty() {
        return draw::no_data(area, &data.title);
    }
    let top = draw::background_and_title(area, &data.title)?;
    let (w, h) = draw::dims(area);
    let m = theme::MARGIN;

    let label_w = row_label_width(
        data.rows.iter().map(|r| (r.id.as_str(), r.title.as_str())),
        w,
        0.42,
    );
    let grid_left = m + label_w;
    let grid_right = w - m;
    let col_count = data.columns.len() as i32;
    let col_w = ((grid_right - grid_left) / col_count).max(1);

    let header_h = column_headers(
        area,
        &data.columns,
        (grid_left, top),
        col_w,
        (h - top) * 2 / 5,
    )?;

    let ncols = data.columns.len();
    let cell = |row: &HeatmapRow, c: usize| {
        row.cells
            .get(c)
            .copied()
            .flatten()
            .filter(|v| v.is_finite())
    };
    let has_missing = data
        .rows
        .iter()
        .any(|r| (0..ncols).any(|c| cell(r, c).is_none()));
    // Шкала цвета — под сеткой; на узком рисунке подпись над градиентом.
    let legend_left = if grid_right - grid_left >= 300 {
        grid_left
    } else {
        m
    };
    let legend_stacked = grid_right - legend_left < 330 + if has_missing { 160 } else { 0 };
    let legend_h = if legend_stacked { 60 } else { 44 };
    let grid_top = top + header_h;
    let groups: Vec<&str> = data.rows.iter().map(|r| r.group.as_str()).collect();
    let slots = row_slots(&groups, grid_top, h - grid_top - legend_h - m, 46, 8);

    // Один кегль для всех ячеек — по самой длинной подписи.
    let labels: Vec<Vec<String>> = data
        .rows
        .iter()
        .map(|r| {
            (0..ncols)
                .map(|c| cell(r, c).map_or_else(|| "—".to_string(), percent))
                .collect()
        })
        .collect();
    let longest = labels
        .iter()
        .flatten()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(1)
        .max(4);
    let rh = slots.first().map_or(0, |s| s.1);
    let size = theme::CELL_SIZE
        .min(f64::from(rh) * 0.5)
        .min(f64::from(col_w - 6) / (longest as f64 * theme::CHAR_WIDTH))
        .max(8.0);

    for ((row, labels), &(y, rh)) in data.rows.iter().zip(&labels).zip(&slots) {
        row_label(
            area,
            &row.id,
            &row.title,
            (m, y + rh / 2),
            (label_w - 8, rh),
        )?;
        for (c, label) in labels.iter().enumerate() {
            let value = cell(row, c);
            let x = grid_left + c as i32 * col_w;
            let fill = value.map_or(theme::NO_MAX, theme::heat_colour);
            draw::rect(
                area,
                (x + 1, y + 1),
                (x + col_w - 1, y + rh - 1),
                fill.filled(),
            )?;
            let colour = if value.is_some() {
                theme::text_on(fill)
            } else {
                theme::MUTED
            };
            let style = draw::text_style(size, colour, HPos::Center, VPos::Center);
            draw::text(area, label, (x + col_w / 2, y + rh / 2), &style)?;
        }
    }

    let grid_bottom = slots.last().map_or(grid_top, |(y, rh)| y + rh);
    heat_legend(
        area,
        (legend_left, grid_bottom + 12),
        grid_right - legend_left,
        legend_stacked,
        has_missing,
    )
}

/// Шкала цвета: подпись, градиент 0–100 % с делениями и, если нужно, образец «—».
/// `stacked` — подпись над градиентом (узкий рисунок), иначе слева от него.
fn heat_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x0, y0): (i32, i32),
    width: i32,
    stacked: bool,
    has_missing: bool,
) -> DrawResult<DB::ErrorType> {
    let caption = "Процент от максимума:";
    let style = draw::text_style(theme::SMALL_SIZE, theme::TEXT, HPos::Left, VPos::Center);
    draw::text(area, caption, (x0, y0 + 6), &style)?;
    let (bar_x, y0) = if stacked {
        (x0 + 6, y0 + 16)
    } else {
        (x0 + draw::text_width(caption, theme::SMALL_SIZE) + 10, y0)
    };
    let missing_w = if has_missing { 170 } else { 0 };
    let bar_w = (width - (bar_x - x0) - missing_w - 20).clamp(80, 240);
    const STEPS: i32 = 40;
    for i in 0..STEPS {
        let xa = bar_x + bar_w * i / STEPS;
        let xb = bar_x + bar_w * (i + 1) / STEPS;
        let colour = theme::heat_colour(100.0 * (f64::from(i) + 0.5) / f64::from(STEPS));
        draw::rect(area, (xa, y0), (xb, y0 + 12), colour.filled())?;
    }
    let tick = draw::text_style(theme::SMALL_SIZE, theme::MUTED, HPos::Center, VPos::Top);
    let ticks: &[i32] = if bar_w >= 180 {
        &[0, 25, 50, 75, 100]
    } else {
        &[0, 50, 100]
    };
    for &p in ticks {
        let x = bar_x + bar_w * p / 100;
        draw::line(
            area,
            (x, y0 + 12),
            (x, y0 + 15),
            ShapeStyle::from(theme::AXIS),
        )?;
        draw::text(area, &format!("{p} %"), (x, y0 + 16), &tick)?;
    }
    if has_missing {
        let x = bar_x + bar_w + 30;
        draw::rect(area, (x, y0), (x + 22, y0 + 12), theme::NO_MAX.filled())?;
        let dash = draw::text_style(theme::SMALL_SIZE, theme::MUTED, HPos::Center, VPos::Center);
        draw::text(area, "—", (x + 11, y0 + 6), &dash)?;
        draw::text(area, "этап без максимума", (x + 28, y0 + 6), &style)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Столбцы по системам
// ---------------------------------------------------------------------------------------

/// Данные столбчатой диаграммы по системам.
#[derive(Debug, Clone, PartialEq)]
pub struct RubricBars {
    pub title: String,
    /// Подпись основного ряда в легенде (например, «2025»).
    pub current_label: String,
    /// Подпись второго ряда (например, «2024»); `None` — второго ряда нет.
    pub previous_label: Option<String>,
    pub rows: Vec<BarRow>,
}

/// Одна система.
#[derive(Debug, Clone, PartialEq)]
pub struct BarRow {
    /// «1.1».
    pub id: String,
    /// Короткое название.
    pub title: String,
    /// Механизм; между строками разных механизмов — промежуток.
    pub group: String,
    /// Процент от максимума; `None` — у системы нет максимума («—»).
    pub value: Option<f64>,
    /// Процент второго ряда (прошлого года), если есть.
    pub previous: Option<f64>,
}

impl RubricBars {
    /// Заголовок по умолчанию.
    pub const TITLE: &'static str = "Процент от максимума по системам";

    /// Из подсчёта баллов; `label` — подпись ряда (обычно год).
    pub fn from_scores(rubric: &Rubric, scores: &Scores, label: impl Into<String>) -> Self {
        let rows = rubric
            .systems
            .iter()
            .map(|system| BarRow {
                id: system.id.clone(),
                title: system_short_title(&system.title),
                group: system.mechanism.clone(),
                value: scores
                    .system(&system.id)
                    .filter(|t| t.max > 0)
                    .map(|t| t.percent),
                previous: None,
            })
            .collect();
        RubricBars {
            title: Self::TITLE.to_string(),
            current_label: label.into(),
            previous_label: None,
            rows,
        }
    }

    /// Добавляет второй ряд (например, прошлый год) из другого подсчёта по той же рубрике.
    pub fn with_previous(mut self, scores: &Scores, label: impl Into<String>) -> Self {
        for row in &mut self.rows {
            row.previous = scores
                .system(&row.id)
                .filter(|t| t.max > 0)
                .map(|t| t.percent);
        }
        self.previous_label = Some(label.into());
        self
    }

    /// Из столбца сравнения организаций: год оценки и, если есть, прошлый год
    /// (процент минус изменение).
    pub fn from_comparison(rubric: &Rubric, column: &ComparisonColumn) -> Self {
        let rows = column
            .rows
            .iter()
            .map(|row| {
                let system = rubric.system(&row.system);
                let previous = column.change.as_ref().and_then(|change| {
                    change
                        .systems
                        .iter()
                        .find(|s| s.system == row.system)
                        .map(|s| row.percent - s.delta)
                });
                BarRow {
                    id: row.system.clone(),
                    title: system.map_or_else(String::new, |s| system_short_title(&s.title)),
                    group: system.map_or_else(String::new, |s| s.mechanism.clone()),
                    value: Some(row.percent),
                    previous,
                }
            })
            .collect();
        let name = column.organisation.name.trim();
        RubricBars {
            title: if name.is_empty() {
                Self::TITLE.to_string()
            } else {
                format!("{name}: процент от максимума по системам")
            },
            current_label: column.year.to_string(),
            previous_label: column.change.as_ref().map(|c| c.previous_year.to_string()),
            rows,
        }
    }

    /// Тот же рисунок с другим заголовком.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }
}

/// Горизонтальные столбцы: процент от максимума по системам, значение — в конце столбца;
/// второй ряд (если задан) — тонкая тёмная полоса под основным столбцом со своим значением
/// и легенда. Без строк рисует «Нет данных».
pub fn rubric_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &RubricBars,
) -> DrawResult<DB::ErrorType> {
    if data.rows.is_empty() {
        return draw::no_data(area, &data.title);
    }
    let mut top = draw::background_and_title(area, &data.title)?;
    let (w, h) = draw::dims(area);
    let m = theme::MARGIN;
    let finite = |v: Option<f64>| v.filter(|v| v.is_finite());
    let has_previous = data.previous_label.is_some();

    if let Some(previous) = &data.previous_label {
        let items = vec![
            (Swatch::Block(theme::BAR), data.current_label.clone()),
            (Swatch::Thin(theme::BAR_PREVIOUS), previous.clone()),
        ];
        draw::legend(area, &items, (m, top - 4), w - 2 * m)?;
        top += draw::legend_lines(&items, w - 2 * m) * draw::legend_line_height();
    }

    let label_w = row_label_width(
        data.rows.iter().map(|r| (r.id.as_str(), r.title.as_str())),
        w,
        0.42,
    );
    let values = data
        .rows
        .iter()
        .flat_map(|r| [finite(r.value), finite(r.previous)])
        .flatten();
    let (lo, hi) = values.fold((0.0f64, 100.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let x_range = ((lo / 20.0).floor() * 20.0, (hi / 20.0).ceil() * 20.0);
    let value_w = draw::text_width("100 %", theme::LABEL_SIZE) + 14;
    let plot = draw::Plot {
        left: m + label_w,
        top,
        right: w - m - value_w,
        bottom: h - m - draw::X_AXIS_SPACE,
        x_range,
        y_range: (0.0, 1.0),
    };
    let mut ticks = Vec::new();
    let mut t = x_range.0;
    while t <= x_range.1 + 1e-9 {
        ticks.push((t, percent(t)));
        t += 20.0;
    }
    plot.axes(area, &ticks, &[], "Процент от максимума", "")?;

    let groups: Vec<&str> = data.rows.iter().map(|r| r.group.as_str()).collect();
    let slots = row_slots(&groups, plot.top, plot.bottom - plot.top - 4, 44, 8);
    let zero = plot.x(0.0);
    for (row, &(y, rh)) in data.rows.iter().zip(&slots) {
        row_label(
            area,
            &row.id,
            &row.title,
            (m, y + rh / 2),
            (label_w - 8, rh),
        )?;
        // Основной столбец и тонкий столбец второго ряда под ним, вместе по центру строки.
        let main_h = if has_previous {
            (rh * 45 / 100).max(4)
        } else {
            (rh * 60 / 100).max(4)
        };
        let thin_h = if has_previous {
            (rh * 14 / 100).max(2)
        } else {
            0
        };
        let gap = if has_previous { 2 } else { 0 };
        let y0 = y + (rh - main_h - gap - thin_h) / 2;
        let value_style =
            draw::text_style(theme::LABEL_SIZE, theme::TEXT, HPos::Left, VPos::Center);
        match finite(row.value) {
            Some(v) => {
                let x = plot.x(v);
                if x != zero {
                    draw::rect(
                        area,
                        (zero.min(x), y0),
                        (zero.max(x), y0 + main_h),
                        theme::BAR.filled(),
                    )?;
                }
                let at = x.max(zero) + 5;
                draw::text(area, &percent(v), (at, y0 + main_h / 2), &value_style)?;
            }
            None => draw::text(area, "—", (zero + 5, y0 + main_h / 2), &value_style)?,
        }
        if let Some(p) = finite(row.previous) {
            let ty = y0 + main_h + gap;
            let x = plot.x(p);
            if x != zero {
                draw::rect(
                    area,
                    (zero.min(x), ty),
                    (zero.max(x), ty + thin_h),
                    theme::BAR_PREVIOUS.filled(),
                )?;
            }
            let style = draw::text_style(theme::SMALL_SIZE, theme::MUTED, HPos::Left, VPos::Center);
            draw::text(
                area,
                &percent(p),
                (x.max(zero) + 5, ty + thin_h / 2 + 2),
                &style,
            )?;
        }
    }
    // Ось нуля поверх столбцов (видна и при отрицательных значениях).
    draw::line(
        area,
        (zero, plot.top),
        (zero, plot.bottom),
        ShapeStyle::from(theme::AXIS),
    )
}
