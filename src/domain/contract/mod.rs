//! The folder `contract`: the row contract of the seeds — its columns ([`schema`], from
//! `src/data`), one school-year row ([`row`]), the problems a file's rows can have, named by
//! file, row and field ([`problem`]), and the order-free digest of a set of rows ([`digest`]).
//! Uses `common` only.

pub mod digest;
pub mod problem;
pub mod row;
pub mod schema;
