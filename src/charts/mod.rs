//! Диаграммы: чистые функции рисования на plotters.
//!
//! Каждая диаграмма — функция, обобщённая по [`DrawingBackend`]: в браузере она рисует на
//! `<canvas>` (компонент `app::chart::Chart`), в тестах — в строку SVG. Данные подготавливаются
//! заранее в маленькие структуры (`from_…` строят их из значений предметной области), так
//! что функции рисования не делают ввода-вывода и не читают глобальных состояний.
//!
//! * [`rubric_heatmap`] — системы × этапы управленческого цикла, процент от максимума;
//! * [`rubric_bars`] — процент от максимума по системам, с прошлым годом;
//! * [`identification_scatter`] — школы пула за год: социальный индекс × индекс результатов;
//! * [`index_histogram`] — распределение индекса результатов пула за год;
//! * [`school_trajectory`] — индекс результатов школы по годам и границы 25 % её группы;
//! * [`context_scatter`] — сверх методики: школы пула за год против линии ожидаемого
//!   результата (контекстуализированные результаты), с текстом [`context_scatter_text`].
//!
//! Пустые данные не ошибка: рисуется заголовок и «Нет данных». Палитра, шрифты и маркеры —
//! в [`theme`]. Размеры текста раскладываются по оценке ширины символа
//! ([`theme::CHAR_WIDTH`]), а не средствами бэкенда, поэтому картинка одинакова на холсте
//! и в SVG (в SVG plotters пишет `font-size` в 1,24 раза меньше, чем на холсте, — текст там
//! немного мельче, раскладка та же).

mod context;
mod draw;
mod identification;
mod rubric;
mod school;
pub mod theme;

pub use context::{context_scatter, context_scatter_text, ContextPoint, ContextScatter};
pub use identification::{
    band_edges, identification_scatter, index_histogram, CategoryCount, Cuts,
    IdentificationScatter, IndexHistogram, ScatterPoint,
};
pub use rubric::{rubric_bars, rubric_heatmap, BarRow, HeatmapRow, RubricBars, RubricHeatmap};
pub use school::{school_trajectory, SchoolTrajectory, TrajectoryPoint};

use plotters::drawing::DrawingAreaErrorKind;

/// Результат рисования: ошибка — ошибка бэкенда (холста, SVG).
pub type DrawResult<E> = Result<(), DrawingAreaErrorKind<E>>;

/// Надпись на пустой диаграмме.
pub const NO_DATA: &str = "Нет данных";
