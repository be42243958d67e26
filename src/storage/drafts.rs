//! The page's own small records, typed: a school's workspaces, the saved column mappings, the
//! analytical report's edits and the user's profile. The pages call these functions; the keys
//! of the `drafts` and `settings` stores and the JSON of the records are made here only
//! (ARCHITECTURE.md, «Invariants»).
//!
//! A record that cannot be read is never dropped or written over silently: the readers return
//! it as a reason in Russian beside what could be read, and a page that gets one starts blank
//! and saves nothing in its place.

use super::records::{put_draft, put_setting};
use super::{stores, Db, Op, StorageError};
use crate::domain::contract::problem::serde_error_ru;
use crate::domain::exchange::envelope::CreatedBy;
use crate::domain::input::mapping::SavedMappings;
use crate::domain::input::ColumnMapping;
use crate::domain::reports::report::{DocumentFields, ReportEdits};
use crate::domain::workspace::{Workspace, STORE_PREFIX};

/// The `drafts` keys of the saved column mappings begin so, then the mapping's name.
const MAPPING: &str = "mapping:";
/// The `drafts` key of the title block's fields as last typed in any report.
const LAST_TITLE: &str = "report:title";
/// The `settings` key of the user's profile (role and organisation).
const PROFILE: &str = "profile";

// ------------------------------------------------------------------- workspaces

/// Every workspace of this browser, sorted by school name, and why each one that cannot be
/// read could not be.
pub async fn workspaces() -> Result<(Vec<Workspace>, Vec<String>), StorageError> {
    let db = Db::get().await?;
    let texts = db.values_with_prefix(stores::DRAFTS, STORE_PREFIX).await?;
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for t in texts {
        match serde_json::from_str::<Workspace>(&t) {
            Ok(w) => out.push(w),
            Err(e) => bad.push(serde_error_ru(&e)),
        }
    }
    out.sort_by(|a, b| a.profile.school_name.cmp(&b.profile.school_name));
    Ok((out, bad))
}

/// Writes a workspace (one transaction).
pub async fn write_workspace(w: &Workspace) -> Result<(), StorageError> {
    Db::write_one(put_draft(&w.store_key(), w)).await
}

/// Deletes the workspace keyed `key` (its [`Workspace::key`]).
pub async fn remove_workspace(key: &str) -> Result<(), StorageError> {
    Db::write_one(Op::Delete {
        store: stores::DRAFTS,
        key: format!("{STORE_PREFIX}{key}"),
    })
    .await
}

// ------------------------------------------------------------------- column mappings

/// The mappings saved in this browser, and what could not be read of them (in Russian: the
/// storage's error, or one line per damaged mapping). A damaged mapping is left as it is.
pub async fn mappings() -> (SavedMappings, Vec<String>) {
    let values = match Db::get().await {
        Ok(db) => db.values_with_prefix(stores::DRAFTS, MAPPING).await,
        Err(e) => Err(e),
    };
    let values = match values {
        Ok(v) => v,
        Err(e) => return (SavedMappings::default(), vec![e.to_string()]),
    };
    let mut unreadable = Vec::new();
    let mappings = values
        .iter()
        .filter_map(|t| match ColumnMapping::from_json(t) {
            Ok(m) => Some(m),
            Err(e) => {
                unreadable.push(e);
                None
            }
        })
        .collect();
    (SavedMappings { mappings }, unreadable)
}

/// Saves a mapping under its name (a mapping of the same name is replaced).
pub async fn write_mapping(mapping: &ColumnMapping) -> Result<(), StorageError> {
    Db::write_one(put_draft(&format!("{MAPPING}{}", mapping.name), mapping)).await
}

/// Deletes the mapping named `name`.
pub async fn remove_mapping(name: &str) -> Result<(), StorageError> {
    Db::write_one(Op::Delete {
        store: stores::DRAFTS,
        key: format!("{MAPPING}{name}"),
    })
    .await
}

// ------------------------------------------------------------------- report edits

/// The `drafts` key of the edits of the report of run `run_id` for `scope` (the region or a
/// municipality's name).
pub fn report_key(run_id: &str, scope: &str) -> String {
    format!("report:{run_id}:{scope}")
}

/// The edits stored under `key` ([`report_key`]), upgraded from the first form: `Ok(None)`
/// when there are none; an error in Russian when the storage could not be read or the record
/// is damaged or belongs to another report.
pub async fn report_edits(key: &str) -> Result<Option<ReportEdits>, String> {
    let db = Db::get().await.map_err(|e| e.to_string())?;
    let Some(text) = db
        .get_value(stores::DRAFTS, key)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Ok(None);
    };
    match serde_json::from_str::<ReportEdits>(&text) {
        Ok(e) if e.key == key => Ok(Some(e.upgrade())),
        Ok(_) => Err("запись другой справки".into()),
        Err(e) => Err(format!("запись повреждена: {e}")),
    }
}

/// The title block's fields as last typed in any report (without their date), if they can
/// be read: a convenience for a report never typed before.
pub async fn last_report_title() -> Option<DocumentFields> {
    let db = Db::get().await.ok()?;
    let text = db.get_value(stores::DRAFTS, LAST_TITLE).await.ok()??;
    serde_json::from_str(&text).ok()
}

/// Writes a report's edits and, in the same transaction, its title block's fields (without
/// the date) as the last typed.
pub async fn write_report_edits(e: &ReportEdits) -> Result<(), StorageError> {
    let last = DocumentFields {
        date: String::new(),
        ..e.title.clone()
    };
    let ops = [put_draft(&e.key, e), put_draft(LAST_TITLE, &last)];
    Db::get().await?.apply(&ops, |_, _| {}).await
}

// ------------------------------------------------------------------- profile

/// The user's profile, if one was saved and can be read.
pub async fn profile() -> Option<CreatedBy> {
    let db = Db::get().await.ok()?;
    let text = db.get_value(stores::SETTINGS, PROFILE).await.ok()??;
    serde_json::from_str(&text).ok()
}

/// Saves the user's profile (one small write).
pub async fn write_profile(p: &CreatedBy) -> Result<(), StorageError> {
    Db::write_one(put_setting(PROFILE, p)).await
}

// ------------------------------------------------------------------- sizes

/// Per store, its number of records and the bytes of their stored text (read on request: a
/// national store is large).
pub async fn store_sizes() -> Result<Vec<(&'static str, usize, usize)>, StorageError> {
    let db = Db::get().await?;
    let mut out = Vec::new();
    for store in stores::ALL {
        let values = db.values_with_prefix(store, "").await?;
        out.push((store, values.len(), values.iter().map(String::len).sum()));
    }
    Ok(out)
}
