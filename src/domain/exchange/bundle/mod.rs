//! The exchange format: one self-describing JSON file for everything Шкала sends or keeps.
//!
//! The envelope (format, version, kind, creation time and author, checksum) is
//! [`crate::domain::exchange::envelope`]; its checksum is over the canonical JSON of the payload
//! ([`crate::domain::common::canonical`]). This module holds what depends on the payloads:
//!
//! * [`payload`] — the typed payloads ([`SchoolSubmission`], [`Collection`],
//!   [`ReferencePayload`], [`RubricAssessment`], [`Backup`]); [`Payload`] is their sum.
//! * [`read`] — [`parse_bundle`] / [`parse_bundle_as`] read a file and refuse it with every
//!   problem found (Russian messages naming the file and the JSON path, e.g.
//!   `payload.rows[3].ege_rus_mean`; array indices in paths are 0-based); [`validate`] checks
//!   the payloads; older versions go through [`migrate`].
//! * [`plan`] — what importing files would change, conflicts and their resolution;
//!   [`documents`] — the schools' documents an import brings, for its preview.
//! * [`export`] — the builders: [`backup`], [`school_submission`], [`collection`],
//!   [`rubric_assessments`], [`reference`]; [`suggested_file_name`].
//!
//! ## Versions
//!
//! [`VERSION`] (1) is current. [`migrate()`] is a ladder of steps, one per version. Version 0
//! was a pre-release draft, never published: it named the kind `type` and the checksum
//! `checksum`. Its step is kept so that the ladder has a rung exercised by the tests.
//!
//! Nothing here panics on any input: the reader is tested on every prefix of a bundle and on
//! flipped bytes.

pub mod documents;
pub mod export;
mod json_path;
pub mod migrate;
pub mod payload;
pub mod plan;
pub mod read;
pub mod validate;

pub use crate::domain::common::canonical::{
    canonical_json, canonical_sha256, parse_json, sha256_hex,
};
pub use crate::domain::exchange::envelope::{Bundle, CreatedBy, Kind, Role, FORMAT, VERSION};
pub use documents::{DocumentLine, DocumentsPreview};
pub use export::{
    backup, collection, export_log_entry, reference, rubric_assessments, school_submission,
    suggested_file_name,
};
pub use migrate::{migrate, MigrationError};
pub use payload::{
    Backup, Collection, Payload, ReferencePayload, ReferencePool, RubricAssessment,
    SchoolSubmission,
};
pub use plan::{
    counts_by_kind, kinds_summary, plan_import, Class, ImportPlan, Incoming, PlanItem, Record,
    RecordKey, RecordKind, Resolution, Resolutions,
};
pub use read::{parse_bundle, parse_bundle_as, ParsedBundle};

#[cfg(test)]
mod tests;
