//! Шкала: the domain (pure, native and wasm; what the user reads of a value is its
//! `common::format`), the messages between the page and its data service, and — in the
//! browser — storage, the data service (a Web Worker) and the Leptos interface; the hosting
//! rules of the built app (`hosting`, applied by `shkala serve`). See ARCHITECTURE.md.

#[cfg(all(target_arch = "wasm32", feature = "ui"))]
pub mod app;
pub mod charts;
pub mod domain;
pub mod hosting;
pub mod protocol;
#[cfg(target_arch = "wasm32")]
pub mod service;
#[cfg(target_arch = "wasm32")]
pub mod storage;
