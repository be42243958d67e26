//! The domain: the row contract, the identification engine, the rubric, the school's
//! documents, the stored records and the bundle format, the documents and tables going out.
//!
//! Invariant: nothing under `domain` knows about the web or does IO. No leptos, web-sys,
//! wasm-bindgen, no file system. Inputs are strings/bytes and values; outputs are values. (One
//! reading of the environment: `common::format` asks the browser's clock for the local time
//! zone and today's date, natively the system clock.)
//!
//! The folders, each with one job, in their dependency order — a folder uses only folders
//! before it (checked by `tests/module_cycles.rs`; ARCHITECTURE.md, «The domain's folders»):
//!
//! `common` → `contract` → `tables` → `input` → `method` → `rubric` → `school` → `support` →
//! `exchange` → `workspace` → `reports` → `demo`

pub mod common;
pub mod contract;
pub mod demo;
pub mod exchange;
pub mod input;
pub mod method;
pub mod reports;
pub mod rubric;
pub mod school;
pub mod support;
pub mod tables;
pub mod workspace;
