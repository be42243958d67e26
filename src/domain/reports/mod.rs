//! The folder `reports`: the documents built from a run and the stored records — the
//! analytical report (справка) with its recommendations ([`report`]) and its sections from
//! outside the run ([`report_sections`]), the municipal monitoring of self-assessments and
//! programmes ([`monitoring`]), and the results workbook ([`result_workbook`]). Uses every
//! folder before it in ARCHITECTURE.md's order except `workspace`.

pub mod monitoring;
pub mod report;
pub mod report_sections;
pub mod result_workbook;
