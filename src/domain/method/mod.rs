//! The folder `method`: the identification method of the seeds as named stages — the
//! statistics it needs ([`stats`]), the engine ([`identify`]: frame, indices, bands,
//! categories, ШНСУ, partners, context), the reference values a school places itself against
//! ([`reference`], [`placement`]), a stored run ([`run`]) and runs compared, the cross-table and
//! stable improvement ([`analysis`]). Uses `common`, `contract` and `tables` only.

pub mod analysis;
pub mod identify;
pub mod placement;
pub mod reference;
pub mod run;
pub mod stats;
