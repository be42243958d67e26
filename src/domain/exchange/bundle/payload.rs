//! The typed payloads of the bundle kinds.

use crate::domain::common::time::Timestamp;
use crate::domain::contract::row::Row;
use crate::domain::exchange::envelope::{Bundle, CreatedBy, Kind};
use crate::domain::exchange::records::{SchoolDocuments, SchoolIdentity};
use crate::domain::exchange::snapshot::Snapshot;
pub use crate::domain::method::reference::{ReferencePayload, ReferencePool};
use crate::domain::rubric::Assessment;
use crate::domain::school::programme::Programme;
use crate::domain::school::self_assessment::SelfAssessment;
use crate::domain::support::Support;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// One school's rows, sent by the school, with its self-assessments and programme if it has
/// any. Every row and self-assessment belongs to `school`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolSubmission {
    pub school: SchoolIdentity,
    pub rows: Vec<Row>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub self_assessments: Vec<SelfAssessment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub programme: Option<Programme>,
}

/// Rows of many schools; `schools` optionally gives their current identities (otherwise each
/// school's identity is that of its latest row).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Collection {
    pub rows: Vec<Row>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schools: Vec<SchoolIdentity>,
    /// The self-assessments and programmes of the schools that have any, by school id (a
    /// municipality sends its schools' documents up to the region with their rows).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub documents: BTreeMap<String, SchoolDocuments>,
    /// The schools' place in the project by year (participant, partner, agreement), by
    /// school id, for the schools that have any. Files written before it read without it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub support: BTreeMap<String, BTreeMap<i32, Support>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RubricAssessment {
    pub assessments: Vec<Assessment>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backup {
    pub snapshot: Snapshot,
}

/// A typed payload.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    SchoolSubmission(SchoolSubmission),
    Collection(Collection),
    Reference(ReferencePayload),
    RubricAssessment(RubricAssessment),
    Backup(Backup),
}

impl Payload {
    pub fn kind(&self) -> Kind {
        match self {
            Payload::SchoolSubmission(_) => Kind::SchoolSubmission,
            Payload::Collection(_) => Kind::Collection,
            Payload::Reference(_) => Kind::Reference,
            Payload::RubricAssessment(_) => Kind::RubricAssessment,
            Payload::Backup(_) => Kind::Backup,
        }
    }

    pub fn to_value(&self) -> Value {
        // These types serialise to JSON without error (string or integer map keys).
        let v = match self {
            Payload::SchoolSubmission(p) => serde_json::to_value(p),
            Payload::Collection(p) => serde_json::to_value(p),
            Payload::Reference(p) => serde_json::to_value(p),
            Payload::RubricAssessment(p) => serde_json::to_value(p),
            Payload::Backup(p) => serde_json::to_value(p),
        };
        v.unwrap_or_default()
    }
}

impl Bundle {
    /// A bundle of a typed payload (the kind follows from the payload).
    pub fn from_payload(
        created_by: CreatedBy,
        created_at: &Timestamp,
        payload: &Payload,
    ) -> Bundle {
        Bundle::new(payload.kind(), created_by, created_at, payload.to_value())
    }
}
