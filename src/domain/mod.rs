//! The domain: row contract, identification engine, rubric scoring, school self-assessment,
//! bundle format.
//!
//! Invariant: nothing under `domain` knows about the web or does IO. No leptos, web-sys,
//! wasm-bindgen, no file system. Inputs are strings/bytes and values; outputs are values.
//!
//! Dependencies between the modules run one way (no cycles): `schema` → `row` → `input` →
//! `mapping` (the mapping step for a table whose header is not the contract's);
//! `canonical`, `time`, `file_name`, `version` and `envelope` are leaves; `identify` → `reference` → `run` →
//! `records` → `bundle`; `reference` → `placement`; `catalog` reads `records`; `analysis` (runs
//! compared, the cross-table, stable improvement) reads `identify` and `run`. `rubric` (the federal rubric) and
//! `self_assessment` (the school questionnaire of seed 000 §5) are leaves: `self_assessment`
//! reads only `input`'s range rule and `problem`'s severities. `support` (the project's
//! participants, partner schools and figures) reads `identify`, `programme` and `csv_write`;
//! `records` (and so `bundle` and `catalog`) keep it on the school record. `monitoring` (the
//! municipal monitoring of the self-assessments by school, item and year, and of the
//! programmes) reads `self_assessment`, `programme` and `records`, and writes its CSV with
//! `csv_write`.
//! `table` (typed tables, written as CSV through `csv_write`) and `xlsx_write` (tables as an
//! Excel workbook) are leaves for every export; `result_workbook` (the identification result as
//! a workbook) reads `identify`, `analysis` and `report`.
//! `report` (the analytical report as data, with the addressed recommendations grouped by
//! advice) reads `identify`, `analysis`, `records`, `self_assessment`, `support` and the leaves
//! `schema`, `row` and `time`;
//! `report_sections` (its monitoring and project-figures sections) reads `report`,
//! `monitoring` and `support`. `project` (the support decisions as writes) reads `records` and
//! `support`.
pub mod analysis;
pub mod bundle;
pub mod canonical;
pub mod catalog;
pub mod csv_write;
pub mod demo;
pub mod digest;
pub mod envelope;
pub mod file_name;
pub mod identify;
pub mod input;
pub mod mapping;
pub mod monitoring;
pub mod placement;
pub mod problem;
pub mod programme;
pub mod project;
pub mod quick_copy;
pub mod records;
pub mod reference;
pub mod report;
pub mod report_sections;
pub mod result_workbook;
pub mod row;
pub mod rubric;
pub mod run;
pub mod schema;
pub mod school_entry;
pub mod self_assessment;
pub mod stats;
pub mod support;
pub mod table;
pub mod time;
pub mod version;
pub mod workspace;
pub mod xlsx_sheet;
pub mod xlsx_write;
