#[cfg(target_arch = "wasm32")]
pub mod app;
pub mod charts;
pub mod domain;
#[cfg(target_arch = "wasm32")]
pub mod storage;
