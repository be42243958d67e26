//! The envelope of Шкала's exchange files: what every bundle says about itself.
//!
//! ```json
//! {"format": "shkala", "version": 1,
//!  "kind": "school-submission" | "collection" | "reference" | "rubric-assessment" | "backup",
//!  "created_at": "2025-11-22T10:15:00Z",
//!  "created_by": {"role": "school" | "municipality" | "region" | "other", "organisation": "…"},
//!  "payload": {…},
//!  "sha256": "<lowercase hex SHA-256 of the canonical JSON of payload>",
//!  "app": "Шкала 0.1.0, сборка от 06.12.2026"}
//! ```
//!
//! `app` (optional, absent in files of earlier builds) names the build that wrote the file;
//! nothing depends on it. A leaf module but for [`crate::domain::common::version`]: the payloads and
//! the reader are in [`crate::domain::exchange::bundle`].

use crate::domain::common::canonical::canonical_sha256;
use crate::domain::common::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The value of `format`.
pub const FORMAT: &str = "shkala";
/// The current version of the format.
pub const VERSION: u32 = 1;

/// What a bundle carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// One school's rows, sent by the school.
    SchoolSubmission,
    /// Rows of many schools (a municipality's or a region's table).
    Collection,
    /// A region's reference values: column ranges, means and band cuts per pool-year.
    Reference,
    /// Rubric assessments.
    RubricAssessment,
    /// The whole database.
    Backup,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::SchoolSubmission,
        Kind::Collection,
        Kind::Reference,
        Kind::RubricAssessment,
        Kind::Backup,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Kind::SchoolSubmission => "school-submission",
            Kind::Collection => "collection",
            Kind::Reference => "reference",
            Kind::RubricAssessment => "rubric-assessment",
            Kind::Backup => "backup",
        }
    }

    /// Russian name, nominative: «данные школы».
    pub fn label(self) -> &'static str {
        match self {
            Kind::SchoolSubmission => "данные школы",
            Kind::Collection => "данные школ",
            Kind::Reference => "эталон региона",
            Kind::RubricAssessment => "оценки по рубрике",
            Kind::Backup => "резервная копия",
        }
    }

    pub fn parse(id: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.id() == id)
    }
}

/// Who created a bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    School,
    Municipality,
    Region,
    Other,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::School, Role::Municipality, Role::Region, Role::Other];
    pub fn id(self) -> &'static str {
        match self {
            Role::School => "school",
            Role::Municipality => "municipality",
            Role::Region => "region",
            Role::Other => "other",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Role::School => "школа",
            Role::Municipality => "муниципалитет",
            Role::Region => "регион",
            Role::Other => "другое",
        }
    }
    pub fn parse(id: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.id() == id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedBy {
    pub role: Role,
    pub organisation: String,
}

/// A bundle as it is written: the envelope and the payload as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    pub format: String,
    pub version: u32,
    pub kind: Kind,
    pub created_at: Timestamp,
    pub created_by: CreatedBy,
    pub payload: Value,
    /// Lowercase hex SHA-256 of [`crate::domain::common::canonical::canonical_json`] of `payload`.
    pub sha256: String,
    /// The build that wrote the file ([`crate::domain::common::version::app_line`]); not covered by the
    /// checksum, absent in files of earlier builds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
}

impl Bundle {
    /// A bundle of the current version with its checksum.
    pub fn new(
        kind: Kind,
        created_by: CreatedBy,
        created_at: &Timestamp,
        payload: Value,
    ) -> Bundle {
        let sha256 = canonical_sha256(&payload);
        Bundle {
            format: FORMAT.to_string(),
            version: VERSION,
            kind,
            created_at: created_at.clone(),
            created_by,
            payload,
            sha256,
            app: Some(crate::domain::common::version::app_line()),
        }
    }

    /// The file's text without indentation (large files: backups, collections).
    pub fn to_json(&self) -> String {
        // Serialising a value tree with string keys cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The file's text: indented JSON.
    pub fn to_json_pretty(&self) -> String {
        // Serialising a value tree with string keys cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Whether `sha256` matches the payload.
    pub fn checksum_ok(&self) -> bool {
        self.sha256
            .eq_ignore_ascii_case(&canonical_sha256(&self.payload))
    }
}
