#[cfg(target_arch = "wasm32")]
pub mod app;
pub mod charts;
pub mod domain;
pub mod format;
#[cfg(target_arch = "wasm32")]
pub mod storage;
