//! Палитра, шрифты и маркеры всех диаграмм — в одном месте.
//!
//! Цвета подобраны так, чтобы их различали люди с нарушениями цветового зрения:
//! тепловая карта — последовательная шкала viridis (светлота растёт монотонно, поэтому
//! шкала читается и в оттенках серого), категории школ — палитра Окабэ — Ито, и у каждой
//! категории ещё и своя форма маркера. Ничто не передаётся только цветом: в ячейках карты
//! написано число, у столбцов — значение, у точек — форма и легенда.

use crate::domain::method::identify::ResultsCategory;
use plotters::style::{FontStyle, RGBColor};

/// Семейство шрифта. Браузер выбирает шрифт сам; в SVG — тоже просмотрщик.
pub const FONT_FAMILY: &str = "sans-serif";
/// Заголовок диаграммы (полужирный).
pub const TITLE_SIZE: f64 = 17.0;
pub const TITLE_STYLE: FontStyle = FontStyle::Bold;
/// Подписи осей, строк, столбцов и легенды.
pub const LABEL_SIZE: f64 = 13.0;
/// Заголовки столбцов тепловой карты (при нехватке места — мельче, до 10).
pub const HEADER_SIZE: f64 = 12.0;
/// Мелкие подписи: деления осей, значения прошлого года.
pub const SMALL_SIZE: f64 = 11.0;
/// Наибольший размер числа в ячейке тепловой карты (меньше — если ячейка низкая).
pub const CELL_SIZE: f64 = 14.0;
/// Сообщение «Нет данных».
pub const NO_DATA_SIZE: f64 = 16.0;

/// Средняя ширина символа в долях кегля — для раскладки подписей (кириллица в
/// распространённых рублёных шрифтах — 0,5–0,6 кегля: Arial и Liberation Sans уже,
/// DejaVu Sans шире).
pub const CHAR_WIDTH: f64 = 0.56;

/// Поля вокруг диаграммы, пикселей.
pub const MARGIN: i32 = 10;

pub const BACKGROUND: RGBColor = RGBColor(0xFF, 0xFF, 0xFF);
/// Основной текст.
pub const TEXT: RGBColor = RGBColor(0x21, 0x21, 0x21);
/// Второстепенный текст (деления, значения прошлого года, «Нет данных»).
pub const MUTED: RGBColor = RGBColor(0x5F, 0x5F, 0x5F);
/// Оси.
pub const AXIS: RGBColor = RGBColor(0x75, 0x75, 0x75);
/// Линии сетки.
pub const GRID: RGBColor = RGBColor(0xE3, 0xE3, 0xE3);
/// Пунктирные границы групп (25 %).
pub const CUT: RGBColor = RGBColor(0x21, 0x21, 0x21);

/// Ячейка этапа без максимума.
pub const NO_MAX: RGBColor = RGBColor(0xEE, 0xEE, 0xEE);

/// Столбец текущего года (синий Окабэ — Ито).
pub const BAR: RGBColor = RGBColor(0x00, 0x72, 0xB2);
/// Тонкий столбец прошлого года: тёмно-серый, отличается от синего и светлотой.
pub const BAR_PREVIOUS: RGBColor = RGBColor(0x44, 0x44, 0x44);

/// Столбцы гистограммы.
pub const HISTOGRAM_BAR: RGBColor = RGBColor(0x56, 0x8E, 0xBF);
/// Фон зоны нижних 25 % (светлый киноварный) и верхних 25 % (светлый синий).
pub const LOW_ZONE: RGBColor = RGBColor(0xFB, 0xE6, 0xD9);
pub const HIGH_ZONE: RGBColor = RGBColor(0xDD, 0xEC, 0xF6);

/// Viridis в девяти опорных точках (0, 1/8, …, 1); между ними — линейно.
pub const VIRIDIS: [RGBColor; 9] = [
    RGBColor(0x44, 0x01, 0x54),
    RGBColor(0x47, 0x2D, 0x7B),
    RGBColor(0x3B, 0x52, 0x8B),
    RGBColor(0x2C, 0x72, 0x8E),
    RGBColor(0x21, 0x91, 0x8C),
    RGBColor(0x28, 0xAE, 0x80),
    RGBColor(0x5E, 0xC9, 0x62),
    RGBColor(0xAD, 0xDC, 0x30),
    RGBColor(0xFD, 0xE7, 0x25),
];

/// Цвет ячейки тепловой карты для процента от максимума (вне 0–100 — по краю шкалы).
pub fn heat_colour(percent: f64) -> RGBColor {
    let t = if percent.is_finite() {
        (percent / 100.0).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let pos = t * (VIRIDIS.len() - 1) as f64;
    let i = (pos.floor() as usize).min(VIRIDIS.len() - 2);
    let f = pos - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Цвет текста, читаемый на фоне `bg`: белый на тёмном, основной — на светлом.
pub fn text_on(bg: RGBColor) -> RGBColor {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * lin(bg.0) + 0.7152 * lin(bg.1) + 0.0722 * lin(bg.2);
    // Порог, при котором контраст с белым и с почти чёрным одинаков.
    if luminance < 0.2 {
        BACKGROUND
    } else {
        TEXT
    }
}

/// Форма маркера точки.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// Закрашенный круг.
    Circle,
    /// Пустой круг (контур).
    Ring,
    /// Треугольник вершиной вверх.
    TriangleUp,
    /// Треугольник вершиной вниз.
    TriangleDown,
    /// Ромб.
    Diamond,
    /// Квадрат.
    Square,
}

/// Вид точки категории по результатам: цвет, форма, непрозрачность и порядок отрисовки
/// (чем больше, тем позже рисуется и тем виднее при наложении).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CategoryStyle {
    pub colour: RGBColor,
    pub marker: Marker,
    pub opacity: f64,
    pub layer: u8,
}

/// ШНРО — киноварный ▼, группа риска — оранжевый ◆, стабильно высокие — синий ▲,
/// средние — серый ●, недостаточно данных — серый контур ○.
pub fn category_style(category: ResultsCategory) -> CategoryStyle {
    match category {
        ResultsCategory::Low => CategoryStyle {
            colour: RGBColor(0xD5, 0x5E, 0x00),
            marker: Marker::TriangleDown,
            opacity: 0.9,
            layer: 4,
        },
        ResultsCategory::Risk => CategoryStyle {
            colour: RGBColor(0xE6, 0x9F, 0x00),
            marker: Marker::Diamond,
            opacity: 0.9,
            layer: 3,
        },
        ResultsCategory::High => CategoryStyle {
            colour: RGBColor(0x00, 0x72, 0xB2),
            marker: Marker::TriangleUp,
            opacity: 0.9,
            layer: 2,
        },
        ResultsCategory::Middle => CategoryStyle {
            colour: RGBColor(0x8A, 0x8A, 0x8A),
            marker: Marker::Circle,
            opacity: 0.6,
            layer: 1,
        },
        ResultsCategory::Insufficient => CategoryStyle {
            colour: RGBColor(0x6E, 0x6E, 0x6E),
            marker: Marker::Ring,
            opacity: 0.8,
            layer: 0,
        },
    }
}

/// Обводка резильентных школ (высокие результаты в неблагоприятных условиях):
/// чёрное кольцо вокруг маркера.
pub const RESILIENT: RGBColor = RGBColor(0x00, 0x00, 0x00);

/// Contextualised results: above expectation — blue ▲, within — grey ●, below — vermilion ▼
/// (the colours of the high and low results categories, so «выше» reads like «высокие»).
pub fn context_style(category: crate::domain::method::identify::ContextCategory) -> CategoryStyle {
    use crate::domain::method::identify::ContextCategory;
    match category {
        ContextCategory::Above => CategoryStyle {
            colour: RGBColor(0x00, 0x72, 0xB2),
            marker: Marker::TriangleUp,
            opacity: 0.9,
            layer: 2,
        },
        ContextCategory::Within => CategoryStyle {
            colour: RGBColor(0x8A, 0x8A, 0x8A),
            marker: Marker::Circle,
            opacity: 0.6,
            layer: 0,
        },
        ContextCategory::Below => CategoryStyle {
            colour: RGBColor(0xD5, 0x5E, 0x00),
            marker: Marker::TriangleDown,
            opacity: 0.9,
            layer: 1,
        },
    }
}

/// The fitted line of the contextualised results (bluish green of Okabe–Ito: apart from the
/// points' colours and from the dashed mean lines).
pub const FIT_LINE: RGBColor = RGBColor(0x00, 0x9E, 0x73);
