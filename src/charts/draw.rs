//! Общие приёмы рисования: текст и его раскладка, заголовок, «Нет данных», маркеры,
//! пунктир, оси, легенда. Всё — в пикселях области (`Shift`), без оценок размеров текста
//! средствами бэкенда, чтобы раскладка была одинаковой на холсте и в SVG.

use super::theme::{self, Marker};
use super::DrawResult;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontTransform;

/// Шрифт заданного кегля и начертания.
pub fn font(size: f64, style: FontStyle) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(theme::FONT_FAMILY), size, style)
}

/// Стиль текста: кегль, цвет, привязка.
pub fn text_style(size: f64, colour: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    font(size, FontStyle::Normal)
        .color(&colour)
        .pos(Pos::new(h, v))
}

/// Пишет строку в точке `(x, y)` области с привязкой `h`/`v`.
pub fn text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    (x, y): (i32, i32),
    style: &TextStyle,
) -> DrawResult<DB::ErrorType> {
    if s.is_empty() {
        return Ok(());
    }
    area.draw_text(s, style, (x, y))
}

/// Оценка ширины строки в пикселях (см. [`theme::CHAR_WIDTH`]).
pub fn text_width(s: &str, size: f64) -> i32 {
    (s.chars().count() as f64 * size * theme::CHAR_WIDTH).ceil() as i32
}

/// Строка, укороченная с «…» так, чтобы поместиться в `max_width` пикселей.
pub fn fit(s: &str, size: f64, max_width: i32) -> String {
    if text_width(s, size) <= max_width {
        return s.to_string();
    }
    let max_chars = (f64::from(max_width.max(0)) / (size * theme::CHAR_WIDTH)).floor() as usize;
    if max_chars == 0 {
        return String::new();
    }
    let kept: String = s.chars().take(max_chars - 1).collect();
    format!("{}…", kept.trim_end())
}

/// Переносит строку по словам в не более чем `max_lines` строк шириной `max_width`;
/// не поместившееся укорачивается с «…».
pub fn wrap(s: &str, size: f64, max_width: i32, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in s.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if current.is_empty()
            || text_width(&candidate, size) <= max_width
            || lines.len() + 1 == max_lines
        {
            current = candidate;
        } else {
            lines.push(std::mem::take(&mut current));
            current = word.to_string();
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines.iter().map(|l| fit(l, size, max_width)).collect()
}

/// Заливает фон и пишет заголовок слева сверху (до двух строк); возвращает высоту,
/// занятую заголовком (вместе с полем).
pub fn background_and_title<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
    area.fill(&theme::BACKGROUND)?;
    if title.is_empty() {
        return Ok(theme::MARGIN);
    }
    let (w, _) = dims(area);
    let style = font(theme::TITLE_SIZE, theme::TITLE_STYLE)
        .color(&theme::TEXT)
        .pos(Pos::new(HPos::Left, VPos::Top));
    let lh = (theme::TITLE_SIZE * 1.25).round() as i32;
    let lines = wrap(title, theme::TITLE_SIZE, w - 2 * theme::MARGIN, 2);
    for (i, line) in lines.iter().enumerate() {
        text(
            area,
            line,
            (theme::MARGIN, theme::MARGIN + i as i32 * lh),
            &style,
        )?;
    }
    Ok(theme::MARGIN + lines.len() as i32 * lh + (theme::TITLE_SIZE * 0.4).round() as i32)
}

/// Пустая диаграмма: заголовок и «Нет данных» посередине.
pub fn no_data<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
) -> DrawResult<DB::ErrorType> {
    let top = background_and_title(area, title)?;
    let (w, h) = dims(area);
    let style = text_style(
        theme::NO_DATA_SIZE,
        theme::MUTED,
        HPos::Center,
        VPos::Center,
    );
    text(area, super::NO_DATA, (w / 2, top + (h - top) / 2), &style)
}

/// Размеры области в пикселях.
pub fn dims<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>) -> (i32, i32) {
    let (w, h) = area.dim_in_pixel();
    (w as i32, h as i32)
}

/// Прямоугольник (закрашенный или контур).
pub fn rect<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x0, y0): (i32, i32),
    (x1, y1): (i32, i32),
    style: ShapeStyle,
) -> DrawResult<DB::ErrorType> {
    area.draw(&Rectangle::new([(x0, y0), (x1, y1)], style))
}

/// Отрезок.
pub fn line<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    from: (i32, i32),
    to: (i32, i32),
    style: ShapeStyle,
) -> DrawResult<DB::ErrorType> {
    area.draw(&PathElement::new(vec![from, to], style))
}

/// Пунктирный отрезок (штрих 6, промежуток 4).
pub fn dashed<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    from: (i32, i32),
    to: (i32, i32),
    style: ShapeStyle,
) -> DrawResult<DB::ErrorType> {
    area.draw(&DashedPathElement::new(vec![from, to], 6, 4, style))
}

/// Маркер с центром `(x, y)` и «радиусом» `r`: один элемент SVG на точку
/// (`<circle>` или `<polygon>`).
pub fn marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    shape: Marker,
    colour: RGBColor,
    opacity: f64,
    r: i32,
) -> DrawResult<DB::ErrorType> {
    let fill = ShapeStyle::from(colour.mix(opacity)).filled();
    match shape {
        Marker::Circle => area.draw(&Circle::new((x, y), r, fill)),
        Marker::Ring => area.draw(&Circle::new(
            (x, y),
            r,
            ShapeStyle::from(colour.mix(opacity)).stroke_width(1),
        )),
        // Треугольники и ромб чуть больше круга той же «площади восприятия».
        Marker::TriangleUp => {
            let r = r + 1;
            area.draw(&Polygon::new(
                vec![(x, y - r), (x + r, y + r - 1), (x - r, y + r - 1)],
                fill,
            ))
        }
        Marker::TriangleDown => {
            let r = r + 1;
            area.draw(&Polygon::new(
                vec![(x - r, y - r + 1), (x + r, y - r + 1), (x, y + r)],
                fill,
            ))
        }
        Marker::Diamond => {
            let r = r + 1;
            area.draw(&Polygon::new(
                vec![(x, y - r), (x + r, y), (x, y + r), (x - r, y)],
                fill,
            ))
        }
        Marker::Square => area.draw(&Polygon::new(
            vec![
                (x - r, y - r),
                (x + r, y - r),
                (x + r, y + r),
                (x - r, y + r),
            ],
            fill,
        )),
    }
}

/// Число с запятой и заданным числом знаков: `decimal(0.25, 2)` → «0,25».
pub fn decimal(v: f64, digits: usize) -> String {
    let s = format!("{v:.digits$}");
    let s = if s.starts_with('-') && s.trim_start_matches(['-', '0', '.']).is_empty() {
        s[1..].to_string()
    } else {
        s
    };
    s.replace('.', ",")
}

/// Удобный шаг делений (1, 2 или 5 × 10ⁿ), чтобы на `0..max` пришлось не больше
/// `max_ticks` интервалов.
pub fn nice_step(max: f64, max_ticks: usize) -> f64 {
    if max.is_nan() || max <= 0.0 || max_ticks == 0 {
        return 1.0;
    }
    let raw = max / max_ticks as f64;
    let mag = 10f64.powf(raw.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * mag >= raw {
            return m * mag;
        }
    }
    10.0 * mag
}

/// Прямоугольник построения с линейными шкалами по обеим осям.
#[derive(Debug, Clone, Copy)]
pub struct Plot {
    pub left: i32,
    pub top: i32,
    pub right: i32,
    pub bottom: i32,
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
}

impl Plot {
    /// Пиксель по x для значения (за пределами шкалы — по краю).
    pub fn x(&self, v: f64) -> i32 {
        let (a, b) = self.x_range;
        let t = if b > a {
            ((v - a) / (b - a)).clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.left + (t * f64::from(self.right - self.left)).round() as i32
    }

    /// Пиксель по y для значения (ось направлена вверх).
    pub fn y(&self, v: f64) -> i32 {
        let (a, b) = self.y_range;
        let t = if b > a {
            ((v - a) / (b - a)).clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.bottom - (t * f64::from(self.bottom - self.top)).round() as i32
    }

    /// Сетка, оси, деления с подписями и названия осей.
    pub fn axes<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        x_ticks: &[(f64, String)],
        y_ticks: &[(f64, String)],
        x_title: &str,
        y_title: &str,
    ) -> DrawResult<DB::ErrorType> {
        let grid = ShapeStyle::from(theme::GRID).stroke_width(1);
        let axis = ShapeStyle::from(theme::AXIS).stroke_width(1);
        let tick_style = text_style(theme::SMALL_SIZE, theme::MUTED, HPos::Center, VPos::Top);
        for (v, label) in x_ticks {
            let x = self.x(*v);
            line(area, (x, self.top), (x, self.bottom), grid)?;
            line(area, (x, self.bottom), (x, self.bottom + 4), axis)?;
            text(area, label, (x, self.bottom + 6), &tick_style)?;
        }
        let tick_style = text_style(theme::SMALL_SIZE, theme::MUTED, HPos::Right, VPos::Center);
        for (v, label) in y_ticks {
            let y = self.y(*v);
            line(area, (self.left, y), (self.right, y), grid)?;
            line(area, (self.left - 4, y), (self.left, y), axis)?;
            text(area, label, (self.left - 6, y), &tick_style)?;
        }
        line(
            area,
            (self.left, self.bottom),
            (self.right, self.bottom),
            axis,
        )?;
        line(area, (self.left, self.top), (self.left, self.bottom), axis)?;

        let title_style = text_style(theme::LABEL_SIZE, theme::TEXT, HPos::Center, VPos::Top);
        let x_title = fit(x_title, theme::LABEL_SIZE, self.right - self.left);
        let below = self.bottom + 8 + (theme::SMALL_SIZE * 1.4).round() as i32;
        text(
            area,
            &x_title,
            ((self.left + self.right) / 2, below),
            &title_style,
        )?;

        // Название оси y — повёрнуто, слева от подписей делений.
        let y_title = fit(y_title, theme::LABEL_SIZE, self.bottom - self.top);
        let style = font(theme::LABEL_SIZE, FontStyle::Normal)
            .transform(FontTransform::Rotate270)
            .color(&theme::TEXT)
            .pos(Pos::new(HPos::Center, VPos::Top));
        let x = self.left - Y_TICK_LABELS - (theme::LABEL_SIZE * 1.5).round() as i32;
        text(area, &y_title, (x, (self.top + self.bottom) / 2), &style)
    }
}

/// Место под подписи делений оси y («0,25», «120»).
pub const Y_TICK_LABELS: i32 = 34;
/// Отступ слева под подписи делений и название оси y.
pub const Y_AXIS_SPACE: i32 = Y_TICK_LABELS + 30;
/// Отступ снизу под подписи делений и название оси x.
pub const X_AXIS_SPACE: i32 = 44;

/// Образец в легенде.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Swatch {
    /// Маркер точки.
    Marker(Marker, RGBColor, f64),
    /// Кольцо вокруг маркера (резильентные).
    Ring(RGBColor),
    /// Закрашенный прямоугольник.
    Block(RGBColor),
    /// Тонкая полоса.
    Thin(RGBColor),
    /// Пунктир.
    Dashed(RGBColor),
}

/// Ширина образца и отступ до подписи.
const SWATCH_W: i32 = 18;
const SWATCH_GAP: i32 = 6;
const ITEM_GAP: i32 = 18;

/// Высота строки легенды.
pub fn legend_line_height() -> i32 {
    (theme::LABEL_SIZE * 1.6).round() as i32
}

/// Сколько строк займёт легенда в ширину `width`.
pub fn legend_lines(items: &[(Swatch, String)], width: i32) -> i32 {
    legend_layout(items, width)
        .last()
        .map_or(0, |(_, line)| line + 1)
}

/// Положение каждого элемента: (x от начала строки, номер строки). Элементы стоят в
/// колонках одной ширины (по самому широкому), сколько колонок поместится.
fn legend_layout(items: &[(Swatch, String)], width: i32) -> Vec<(i32, i32)> {
    let item_w = |label: &str| SWATCH_W + SWATCH_GAP + text_width(label, theme::LABEL_SIZE);
    let col_w = items.iter().map(|(_, l)| item_w(l)).max().unwrap_or(0) + ITEM_GAP;
    let cols = ((width + ITEM_GAP) / col_w.max(1)).max(1) as usize;
    (0..items.len())
        .map(|i| ((i % cols) as i32 * col_w, (i / cols) as i32))
        .collect()
}

/// Легенда, уложенная в строки шириной `width`, начиная с `(x0, y0)`.
pub fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[(Swatch, String)],
    (x0, y0): (i32, i32),
    width: i32,
) -> DrawResult<DB::ErrorType> {
    let lh = legend_line_height();
    let style = text_style(theme::LABEL_SIZE, theme::TEXT, HPos::Left, VPos::Center);
    for ((swatch, label), (dx, line)) in items.iter().zip(legend_layout(items, width)) {
        let x = x0 + dx;
        let cy = y0 + line * lh + lh / 2;
        let cx = x + SWATCH_W / 2;
        match *swatch {
            Swatch::Marker(shape, colour, opacity) => {
                marker(area, (cx, cy), shape, colour, opacity.max(0.85), 4)?
            }
            Swatch::Ring(colour) => {
                marker(
                    area,
                    (cx, cy),
                    Marker::Circle,
                    theme::category_style(crate::domain::method::identify::ResultsCategory::Middle)
                        .colour,
                    0.6,
                    3,
                )?;
                area.draw(&Circle::new(
                    (cx, cy),
                    7,
                    ShapeStyle::from(colour).stroke_width(2),
                ))?
            }
            Swatch::Block(colour) => {
                rect(area, (x, cy - 6), (x + SWATCH_W, cy + 6), colour.filled())?
            }
            Swatch::Thin(colour) => {
                rect(area, (x, cy - 2), (x + SWATCH_W, cy + 2), colour.filled())?
            }
            Swatch::Dashed(colour) => dashed(
                area,
                (x, cy),
                (x + SWATCH_W, cy),
                ShapeStyle::from(colour).stroke_width(1),
            )?,
        }
        text(area, label, (x + SWATCH_W + SWATCH_GAP, cy), &style)?;
    }
    Ok(())
}

/// Точка диаграммы рассеяния: значения по осям, вид её категории и кольцо вокруг
/// резильентной.
pub struct ScatterPoint {
    pub x: f64,
    pub y: f64,
    pub style: theme::CategoryStyle,
    pub ring: bool,
}

/// Точки диаграммы рассеяния: по слоям их категорий (нижние слои — раньше, поэтому важные
/// категории видны поверх), размер маркера — по числу точек; затем кольца вокруг отмеченных.
pub fn scatter_points<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plot: &Plot,
    points: &[ScatterPoint],
) -> DrawResult<DB::ErrorType> {
    let r = match points.len() {
        0..=200 => 4,
        201..=1000 => 3,
        _ => 2,
    };
    let mut order: Vec<&ScatterPoint> = points.iter().collect();
    order.sort_by_key(|p| p.style.layer);
    for p in &order {
        let s = p.style;
        marker(
            area,
            (plot.x(p.x), plot.y(p.y)),
            s.marker,
            s.colour,
            s.opacity,
            r,
        )?;
    }
    let ring =
        ShapeStyle::from(theme::RESILIENT).stroke_width(if points.len() > 400 { 1 } else { 2 });
    for p in order.iter().filter(|p| p.ring) {
        area.draw(&Circle::new((plot.x(p.x), plot.y(p.y)), r + 4, ring))?;
    }
    Ok(())
}
