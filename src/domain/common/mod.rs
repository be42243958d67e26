//! The folder `common`: the leaves every other folder may use — what the user reads of a value
//! ([`format`]: numbers, percents, plurals, dates, sizes), instants and dates ([`time`]),
//! canonical JSON and its hash ([`canonical`]), the app's version ([`version`]) and the names
//! of the files the app writes ([`file_name`]). Uses no other folder of the domain.

pub mod canonical;
pub mod file_name;
pub mod format;
pub mod time;
pub mod version;
