//! Reading a bundle: the envelope, the version, the kind and the checksum, then the payload
//! (see [`super::validate`]). Every problem is collected, each naming the file and the JSON path.

use super::migrate::{migrate, newer_version_message};
use super::payload::Payload;
use super::validate::check_payload;
use crate::domain::common::canonical::{canonical_sha256, parse_json};
use crate::domain::common::time::Timestamp;
use crate::domain::contract::problem::{Place, Problem};
use crate::domain::exchange::envelope::{Bundle, CreatedBy, Kind, Role, FORMAT, VERSION};
use serde_json::Value;

/// A bundle read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedBundle {
    /// The file's name.
    pub file: String,
    /// The envelope (migrated to the current version) with the payload as JSON.
    pub bundle: Bundle,
    pub payload: Payload,
    /// Warnings and notes (unknown fields, absent columns); no errors.
    pub warnings: Vec<Problem>,
}

/// Reads a bundle of any kind; see [`parse_bundle_as`].
pub fn parse_bundle(file_name: &str, bytes: &[u8]) -> Result<ParsedBundle, Vec<Problem>> {
    parse_bundle_as(file_name, bytes, &[])
}

/// Reads a bundle and checks everything: envelope, version (migrating older ones), kind
/// (one of `expected`, unless it is empty), checksum and payload. On refusal, every problem
/// found is returned (errors and warnings), each naming the file and the JSON path.
pub fn parse_bundle_as(
    file_name: &str,
    bytes: &[u8],
    expected: &[Kind],
) -> Result<ParsedBundle, Vec<Problem>> {
    let file = file_name;
    let err = |path: &str, message: String| {
        Problem::error(file, Place::Path(path.to_string()), None, message)
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(vec![Problem::error(
            file,
            Place::File,
            None,
            "файл не в кодировке UTF-8",
        )]);
    };
    let value = match parse_json(text) {
        Ok(v) => v,
        Err(e) => return Err(vec![Problem::error(file, Place::File, None, e.to_string())]),
    };
    if !value.is_object() {
        return Err(vec![Problem::error(
            file,
            Place::File,
            None,
            "это не файл Шкалы",
        )]);
    }
    if value.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(vec![err("format", "это не файл Шкалы".into())]);
    }
    let version = match value.get("version") {
        None => return Err(vec![err("version", "не указана версия формата".into())]),
        Some(v) => match v.as_u64() {
            Some(n) => n,
            None => {
                return Err(vec![err(
                    "version",
                    format!(
                        "версия формата должна быть целым неотрицательным числом, получено {v}"
                    ),
                )])
            }
        },
    };
    if version > u64::from(VERSION) {
        return Err(vec![err("version", newer_version_message(version))]);
    }
    let value = match migrate(value, version) {
        Ok(v) => v,
        Err(e) => return Err(vec![err(&e.path, e.message)]),
    };
    let Value::Object(obj) = value else {
        return Err(vec![Problem::error(
            file,
            Place::File,
            None,
            "это не файл Шкалы",
        )]);
    };

    let mut problems = Vec::new();
    for key in obj.keys() {
        if ![
            "format",
            "version",
            "kind",
            "created_at",
            "created_by",
            "payload",
            "sha256",
            "app",
        ]
        .contains(&key.as_str())
        {
            problems.push(Problem::warning(
                file,
                Place::Path(key.clone()),
                None,
                "неизвестное поле — оно не будет использовано",
            ));
        }
    }
    let kind = match obj.get("kind") {
        None => {
            problems.push(err("kind", "не указан вид файла".into()));
            None
        }
        Some(v) => match v.as_str().and_then(Kind::parse) {
            Some(k) => Some(k),
            None => {
                let known: Vec<&str> = Kind::ALL.iter().map(|k| k.id()).collect();
                let shown = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                problems.push(err(
                    "kind",
                    format!(
                        "неизвестный вид файла «{shown}»; известные виды: {}",
                        known.join(", ")
                    ),
                ));
                None
            }
        },
    };
    if let Some(k) = kind {
        if !expected.is_empty() && !expected.contains(&k) {
            let wanted: Vec<String> = expected
                .iter()
                .map(|e| format!("«{}»", e.label()))
                .collect();
            problems.push(err(
                "kind",
                format!(
                    "в файле «{}», а здесь ожидается {}",
                    k.label(),
                    wanted.join(" или ")
                ),
            ));
        }
    }
    let created_at = match obj.get("created_at") {
        Some(Value::String(s)) => match Timestamp::parse(s) {
            Ok(t) => Some(t),
            Err(m) => {
                problems.push(err("created_at", format!("дата создания: {m}")));
                None
            }
        },
        other => {
            let got = other.map_or_else(|| "ничего".to_string(), Value::to_string);
            problems.push(err(
                "created_at",
                format!("дата создания должна быть строкой в формате RFC 3339 (например, 2025-11-22T10:15:00Z), получено {got}"),
            ));
            None
        }
    };
    let created_by = match obj.get("created_by") {
        Some(Value::Object(by)) => {
            let role = match by.get("role").and_then(Value::as_str).and_then(Role::parse) {
                Some(r) => Some(r),
                None => {
                    let got = by
                        .get("role")
                        .map_or_else(|| "ничего".to_string(), Value::to_string);
                    problems.push(err(
                        "created_by.role",
                        format!("неизвестная роль {got}; допустимо: school, municipality, region, other"),
                    ));
                    None
                }
            };
            let organisation = match by.get("organisation") {
                Some(Value::String(s)) => Some(s.clone()),
                _ => {
                    problems.push(err(
                        "created_by.organisation",
                        "название организации должно быть строкой".into(),
                    ));
                    None
                }
            };
            role.zip(organisation)
                .map(|(role, organisation)| CreatedBy { role, organisation })
        }
        _ => {
            problems.push(err(
                "created_by",
                "не указано, кто создал файл (роль и организация)".into(),
            ));
            None
        }
    };
    let payload = match obj.get("payload") {
        Some(p @ Value::Object(_)) => Some(p),
        Some(_) => {
            problems.push(err(
                "payload",
                "содержимое файла (payload) должно быть объектом".into(),
            ));
            None
        }
        None => {
            problems.push(err("payload", "в файле нет содержимого (payload)".into()));
            None
        }
    };
    let sha256 = match obj.get("sha256") {
        Some(Value::String(s)) => {
            if let Some(p) = payload {
                if !s.eq_ignore_ascii_case(&canonical_sha256(p)) {
                    problems.push(err(
                        "sha256",
                        "контрольная сумма не совпадает: файл повреждён или изменён вручную".into(),
                    ));
                }
            }
            Some(s.to_ascii_lowercase())
        }
        _ => {
            problems.push(err("sha256", "нет контрольной суммы".into()));
            None
        }
    };
    let typed = match (kind, payload) {
        (Some(kind), Some(p)) => check_payload(file, kind, p, &mut problems),
        _ => None,
    };
    if problems.iter().any(Problem::is_error) {
        return Err(problems);
    }
    match (kind, created_at, created_by, payload, sha256, typed) {
        (
            Some(kind),
            Some(created_at),
            Some(created_by),
            Some(payload),
            Some(sha256),
            Some(typed),
        ) => Ok(ParsedBundle {
            file: file.to_string(),
            bundle: Bundle {
                format: FORMAT.to_string(),
                version: VERSION,
                kind,
                created_at,
                created_by,
                payload: payload.clone(),
                sha256,
                app: obj.get("app").and_then(Value::as_str).map(str::to_string),
            },
            payload: typed,
            warnings: problems,
        }),
        // Every `None` above comes with an error, so this is not reached; refuse anyway.
        _ => {
            problems.push(Problem::error(file, Place::File, None, "файл не прочитан"));
            Err(problems)
        }
    }
}
