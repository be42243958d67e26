//! The ladder of format versions.

use crate::domain::exchange::envelope::VERSION;
use serde_json::Value;

/// Why [`migrate`] could not bring a file to the current version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationError {
    /// JSON path of the field at fault (empty for the whole file).
    pub path: String,
    pub message: String,
}

/// Brings a bundle of version `from_version` to [`VERSION`], one step per version.
///
/// * 0 → 1: version 0 was a pre-release draft (never published) that named the kind `type`
///   and the checksum `checksum`; the checksum was computed as in version 1.
pub fn migrate(value: Value, from_version: u64) -> Result<Value, MigrationError> {
    if from_version > u64::from(VERSION) {
        return Err(MigrationError {
            path: "version".into(),
            message: newer_version_message(from_version),
        });
    }
    let mut value = value;
    for version in from_version..u64::from(VERSION) {
        value = match version {
            0 => v0_to_v1(value)?,
            _ => {
                return Err(MigrationError {
                    path: "version".into(),
                    message: format!("нет перехода с формата {version} на формат {}", version + 1),
                })
            }
        };
    }
    Ok(value)
}

fn v0_to_v1(value: Value) -> Result<Value, MigrationError> {
    let Value::Object(mut obj) = value else {
        return Err(MigrationError {
            path: String::new(),
            message: "это не файл Шкалы".into(),
        });
    };
    for (old, new) in [("type", "kind"), ("checksum", "sha256")] {
        if obj.contains_key(new) {
            return Err(MigrationError {
                path: new.into(),
                message: format!("в файле формата 0 поле называется «{old}», а не «{new}»"),
            });
        }
        match obj.remove(old) {
            Some(v) => {
                obj.insert(new.to_string(), v);
            }
            None => {
                return Err(MigrationError {
                    path: old.into(),
                    message: format!("нет поля «{old}» (файл формата 0)"),
                });
            }
        }
    }
    obj.insert("version".into(), Value::from(1));
    Ok(Value::Object(obj))
}

pub(super) fn newer_version_message(version: u64) -> String {
    format!("файл создан более новой версией Шкалы (формат {version}); обновите приложение")
}
