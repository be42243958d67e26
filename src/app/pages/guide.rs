//! «Как работать»: the user guide in plain Russian for a school, a municipality or region and
//! a seminar presenter, and what to do when something goes wrong. The guide is data
//! (`src/data/guide.json`: sections of numbered steps, each with a title, text and an optional
//! screenshot), not Markdown, so the page needs no Markdown dependency. The screenshots are
//! taken from the real app by the end-to-end tests (`tests/e2e/run.mjs` → `public/guide/`).
//! They are 1280 × 800 and carry their size, so the style sheet only has to let them shrink
//! (`.guide-shot { max-width: 100%; height: auto; }`): no inline style, which the CSP forbids.

use leptos::prelude::*;
use serde::Deserialize;

/// The guide, built into the app.
pub const GUIDE_JSON: &str = include_str!("../../data/guide.json");

/// The whole guide.
#[derive(Debug, Clone, Deserialize)]
pub struct Guide {
    pub sections: Vec<Section>,
}

/// One audience (or «Если что-то пошло не так»): its anchor, title, introduction and steps.
#[derive(Debug, Clone, Deserialize)]
pub struct Section {
    /// The anchor of the section (`/guide#school`).
    pub id: String,
    pub title: String,
    /// Paragraphs separated by line breaks.
    #[serde(default)]
    pub intro: String,
    pub steps: Vec<Step>,
}

/// One numbered step.
#[derive(Debug, Clone, Deserialize)]
pub struct Step {
    pub title: String,
    /// Paragraphs separated by line breaks.
    pub text: String,
    /// The screenshot, a path under the site's root (`guide/school-entry.png`), or none.
    #[serde(default)]
    pub image: Option<String>,
    /// What the screenshot shows, for screen readers.
    #[serde(default)]
    pub alt: String,
}

/// The guide read from [`GUIDE_JSON`], or why it could not be read.
pub fn guide() -> Result<Guide, String> {
    serde_json::from_str(GUIDE_JSON)
        .map_err(|e| crate::domain::contract::problem::serde_error_ru(&e))
}

/// The address of a screenshot from the site's root, whatever page shows it.
fn image_src(image: &str) -> String {
    if image.starts_with('/') || image.contains("://") {
        image.to_string()
    } else {
        format!("/{image}")
    }
}

/// A text with line breaks as paragraphs.
fn paragraphs(text: &str) -> impl IntoView {
    text.lines()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| view! { <p>{p.to_string()}</p> })
        .collect_view()
}

#[component]
pub fn GuidePage() -> impl IntoView {
    match guide() {
        Ok(g) => view! { <GuideView guide=g/> }.into_any(),
        Err(e) => view! {
            <h1>"Как работать"</h1>
            <p class="alert error" role="alert">{format!("Руководство не удалось прочитать: {e}. Остальные разделы Шкалы работают.")}</p>
        }
        .into_any(),
    }
}

#[component]
fn GuideView(guide: Guide) -> impl IntoView {
    let toc = guide
        .sections
        .iter()
        .map(|s| {
            let href = format!("#{}", s.id);
            view! { <li><a href=href>{s.title.clone()}</a></li> }
        })
        .collect_view();
    let sections = guide
        .sections
        .into_iter()
        .map(|s| view! { <SectionView section=s/> })
        .collect_view();
    view! {
        <h1>"Как работать"</h1>
        <p class="lead">"Пошаговое руководство: для школы, для муниципалитета или региона и для ведущего семинара. Названия кнопок и вкладок даны в «ёлочках» — так, как они написаны на экране."</p>
        <nav class="guide-toc" aria-labelledby="guide-toc-h">
            <h2 id="guide-toc-h">"Содержание"</h2>
            <ol>{toc}</ol>
        </nav>
        {sections}
    }
}

#[component]
fn SectionView(section: Section) -> impl IntoView {
    let Section {
        id,
        title,
        intro,
        steps,
    } = section;
    let heading = format!("{id}-h");
    let labelled_by = heading.clone();
    let steps = steps
        .into_iter()
        .map(|s| view! { <StepView step=s/> })
        .collect_view();
    view! {
        <section id=id class="guide-section" aria-labelledby=labelled_by>
            <h2 id=heading>{title}</h2>
            {paragraphs(&intro)}
            <ol class="guide-steps">{steps}</ol>
            <p class="no-print"><a href="#main">"К содержанию"</a></p>
        </section>
    }
}

#[component]
fn StepView(step: Step) -> impl IntoView {
    let Step {
        title,
        text,
        image,
        alt,
    } = step;
    view! {
        <li class="guide-step">
            <h3>{title}</h3>
            {paragraphs(&text)}
            {image.map(|i| view! {
                <img class="guide-shot" src=image_src(&i) alt=alt loading="lazy" width="1280" height="800"/>
            })}
        </li>
    }
}
