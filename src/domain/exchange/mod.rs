//! The folder `exchange`: what is stored and what travels between people — the stored records
//! ([`records`]), the database as values and its writes ([`snapshot`]), the quick-start copy of the schools and rows ([`quick_copy`]), what the pages
//! keep of the database and how a write changes it ([`catalog`]), the envelope every file is
//! wrapped in ([`envelope`]), the JSON bundles read, checked, planned and written
//! ([`bundle`]), and the support project's decisions as writes ([`project`]). Uses every
//! folder before it in ARCHITECTURE.md's order: `common` … `support`.

pub mod bundle;
pub mod catalog;
pub mod envelope;
pub mod project;
pub mod quick_copy;
pub mod records;
pub mod snapshot;
