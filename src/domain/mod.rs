//! The domain: row contract, identification engine, rubric scoring, bundle format.
//!
//! Invariant: nothing under `domain` knows about the web or does IO. No leptos, web-sys,
//! wasm-bindgen, no file system. Inputs are strings/bytes and values; outputs are values.
pub mod bundle;
pub mod csv_write;
pub mod demo;
pub mod identify;
pub mod input;
pub mod problem;
pub mod records;
pub mod row;
pub mod rubric;
pub mod schema;
pub mod stats;
