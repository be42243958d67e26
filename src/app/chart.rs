//! A chart on `<canvas>`, drawn by one of [`crate::charts`]' functions.
//!
//! [`Chart`] renders `<canvas class="chart" role="img" aria-label=…>` and draws it in an
//! `Effect` once the element exists, and again whenever a signal read by `draw` changes. The
//! same data must be readable without the picture: pass it as children (usually a table); they
//! are shown under the canvas in a `<details>` block.
//!
//! [`paint`] draws at the logical size given to the component and multiplies the backing store
//! by `devicePixelRatio`, so that lines and text stay sharp on high-density screens:
//!
//! ```ignore
//! view! {
//!     <Chart width=820 height=520 label="Тепловая карта…" draw=move |c| paint(c, |a| rubric_heatmap(&a, &data.get()))>
//!         <table>…</table>
//!     </Chart>
//! }
//! ```

use crate::charts::DrawResult;
use leptos::html;
use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend, IntoDrawingArea};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;

/// The drawing area [`paint`] hands to a chart function.
pub type CanvasArea = DrawingArea<CanvasBackend, Shift>;
/// What a chart function returns when drawing on [`CanvasArea`].
pub type CanvasResult = DrawResult<<CanvasBackend as DrawingBackend>::ErrorType>;

/// A chart: the canvas, a message if drawing failed, and the same data as text (children).
#[component]
pub fn Chart(
    /// Width in CSS pixels (the chart is laid out for this width; narrower screens scale it).
    width: u32,
    /// Height in CSS pixels.
    height: u32,
    /// What the chart shows, for screen readers.
    #[prop(into)]
    label: String,
    /// Draws on the canvas, usually `move |c| paint(c, |area| some_chart(&area, &data.get()))`.
    /// Signals read here are tracked: the chart is drawn again when they change.
    draw: impl Fn(&web_sys::HtmlCanvasElement) -> Result<(), String> + 'static,
    /// Title of the block with the data as text.
    #[prop(optional, into)]
    data_title: Option<String>,
    /// The same data as a table or text.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let node = NodeRef::<html::Canvas>::new();
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(canvas) = node.get() {
            let outcome = draw(&canvas);
            error.set(outcome.err());
        }
    });
    view! {
        <figure class="chart-figure">
            <canvas
                node_ref=node
                class="chart"
                role="img"
                aria-label=label
                width=width
                height=height
                data-width=width
                data-height=height
                style:width=format!("{width}px")
            ></canvas>
            {move || error.get().map(|e| view! { <p class="alert error">{format!("Диаграмма не нарисована: {e}")}</p> })}
            {children.map(|c| view! {
                <details class="chart-data">
                    <summary>{data_title.unwrap_or_else(|| "Данные диаграммы текстом".to_string())}</summary>
                    {c()}
                </details>
            })}
        </figure>
    }
}

fn size_attribute(canvas: &web_sys::HtmlCanvasElement, name: &str) -> Option<u32> {
    canvas.get_attribute(name)?.parse().ok().filter(|v| *v > 0)
}

/// Draws `f` on the canvas at its logical size (the `data-width`/`data-height` set by
/// [`Chart`], or the canvas's own size) with the backing store scaled by the screen's pixel
/// ratio. Errors are in Russian.
pub fn paint<F>(canvas: &web_sys::HtmlCanvasElement, f: F) -> Result<(), String>
where
    F: FnOnce(CanvasArea) -> CanvasResult,
{
    let w = size_attribute(canvas, "data-width").unwrap_or_else(|| canvas.width());
    let h = size_attribute(canvas, "data-height").unwrap_or_else(|| canvas.height());
    // The drawing area takes its size from the canvas once, when it is created: create it at
    // the logical size, then enlarge the backing store and scale the context, so the chart
    // code lays out in CSS pixels and the browser draws it at full density.
    canvas.set_width(w);
    canvas.set_height(h);
    let backend = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or_else(|| "не удалось получить контекст 2D у элемента <canvas>".to_string())?;
    let root = backend.into_drawing_area();
    let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
    let ratio = if ratio.is_finite() {
        ratio.clamp(1.0, 3.0)
    } else {
        1.0
    };
    if ratio > 1.0 {
        canvas.set_width((f64::from(w) * ratio).round() as u32);
        canvas.set_height((f64::from(h) * ratio).round() as u32);
        let context = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
            .ok_or_else(|| "не удалось получить контекст 2D у элемента <canvas>".to_string())?;
        context.scale(ratio, ratio).map_err(|e| format!("{e:?}"))?;
    }
    f(root.clone()).map_err(|e| format!("ошибка рисования диаграммы: {e}"))?;
    root.present()
        .map_err(|e| format!("ошибка вывода диаграммы: {e}"))
}
