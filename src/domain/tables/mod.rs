//! The folder `tables`: tables going out — typed tables ([`table`]), written as CSV for Excel
//! ([`csv_write`]) or as an Excel workbook ([`xlsx_write`], streamed). Every export goes
//! through them. Uses `common` and `contract` only.

pub mod csv_write;
pub mod table;
pub mod xlsx_write;
