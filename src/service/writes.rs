//! The other writes: the demonstration region, removals, a school's record and its support,
//! clearing the database and the records set aside as unreadable.

use super::{breathe, changed, now, Job, Outcome, Service, Stop};
use crate::domain::common::format::count;
use crate::domain::contract::row::Row;
use crate::domain::demo::{self, DemoSpec};
use crate::domain::exchange::catalog::Change;
use crate::domain::exchange::records::{
    ImportCounts, LogAction, LogEntry, SchoolDocuments, SchoolIdentity,
};
use crate::domain::exchange::snapshot::{Removal, Snapshot};
use crate::storage::records::{self as stored, Loaded};
use crate::storage::{stores, Op};
use std::collections::BTreeMap;

impl Service {
    pub(super) async fn load_demo(&mut self, job: &Job) -> Result<Outcome, Stop> {
        (job.progress)("Создаю демонстрационный регион…", None);
        breathe().await;
        self.ensure_fresh().await?;
        let (writes, skipped) =
            demo::writes_apart(&self.data.snapshot, &DemoSpec::default(), &now());
        let n = writes.submissions.len();
        let (total, ops) = stored::writes_op_iter(&writes);
        self.write_iter(total, ops, "Сохраняю демонстрационный регион…", job)
            .await?;
        self.data.snapshot.apply(&writes);
        let change = Change::of_writes(&self.data.snapshot, &writes);
        Ok((
            changed(
                change,
                format!(
                    "Открыт {}: {}.{}",
                    demo::REGION_NAME,
                    count(n, "строка данных", "строки данных", "строк данных"),
                    if skipped > 0 {
                        format!(" Не добавлены школы, чьи коды заняты вашими школами: {skipped}.")
                    } else {
                        String::new()
                    }
                ),
            ),
            None,
        ))
    }

    /// Deletes records in one transaction, with a journal entry saying `summary`.
    pub(super) async fn remove(
        &mut self,
        removal: Removal,
        summary: String,
        label: &str,
        message: String,
        job: &Job,
    ) -> Result<Outcome, Stop> {
        let entry = LogEntry::new(
            &now(),
            LogAction::Clear,
            None,
            None,
            summary,
            ImportCounts::default(),
        );
        let mut ops = stored::removal_ops(&removal);
        ops.push(stored::add_log(&entry));
        self.write(ops, label, job).await?;
        self.data.snapshot.remove(&removal);
        self.data.snapshot.log.push(entry.clone());
        let change = Change::of_removal(&self.data.snapshot, &removal, &[entry]);
        Ok((changed(change, message), None))
    }

    pub(super) async fn remove_demo(&mut self, job: &Job) -> Result<Outcome, Stop> {
        self.ensure_fresh().await?;
        self.refresh_assessments().await?;
        let removal = self.data.snapshot.demo_records();
        if removal.is_empty() {
            return Err(Stop::Failed(
                "демонстрационных данных в хранилище нет".into(),
            ));
        }
        let summary = format!(
            "удалён {}: школ — {}, строк — {}, оценок механизмов — {}, расчётов по нему — {}",
            demo::REGION_NAME,
            removal.schools.len(),
            removal.submissions.len(),
            removal.assessments.len(),
            removal.runs.len()
        );
        let message = format!("Демонстрационный регион удалён: {summary}.");
        self.remove(
            removal,
            summary,
            "Удаляю демонстрационный регион…",
            message,
            job,
        )
        .await
    }

    /// Stores a school's confirmed draft (checked again here: the rows must be the school's
    /// and valid, the documents valid).
    pub(super) async fn save_school(
        &mut self,
        school: SchoolIdentity,
        rows: Vec<Row>,
        documents: SchoolDocuments,
        job: &Job,
    ) -> Result<Outcome, Stop> {
        self.ensure_fresh().await?;
        let mut problems = crate::domain::workspace::school_entry::identity_problems(&school);
        for r in &rows {
            if r.school_id != school.school_id {
                problems.push(format!(
                    "строка за {} год относится к школе «{}»",
                    r.year, r.school_id
                ));
            }
        }
        problems.extend(documents.problems());
        if rows.is_empty() {
            problems.push("нет ни одной строки данных".into());
        }
        if !problems.is_empty() {
            return Err(Stop::Failed(format!(
                "Данные школы не сохранены: {}",
                problems.join("; ")
            )));
        }
        let mut writes = crate::domain::workspace::confirm(&school, &rows, documents, &now());
        // The project's decisions about the school (made here by a municipality) stay.
        if let (Some(stored), Some(new)) = (
            self.data.snapshot.school(&school.school_id),
            writes.schools.first_mut(),
        ) {
            new.support = stored.support.clone();
        }
        let (n, ops) = stored::writes_op_iter(&writes);
        self.write_iter(n, ops, "Сохраняю данные школы…", job)
            .await?;
        self.data.snapshot.apply(&writes);
        let change = Change::of_writes(&self.data.snapshot, &writes);
        Ok((
            changed(change, format!("Сохранено: {}.", writes.entry.summary)),
            None,
        ))
    }

    pub(super) async fn set_support(
        &mut self,
        year: i32,
        changes: Vec<(String, crate::domain::support::Support)>,
        job: &Job,
    ) -> Result<Outcome, Stop> {
        self.ensure_fresh().await?;
        let writes = crate::domain::exchange::project::support_writes(
            &self.data.snapshot,
            year,
            &changes,
            &now(),
        )
        .map_err(|p| Stop::Failed(format!("Не сохранено: {}.", p.join("; "))))?;
        if writes.schools.is_empty() {
            return Ok((changed(Change::default(), "Изменений нет.".into()), None));
        }
        let (n, ops) = stored::writes_op_iter(&writes);
        self.write_iter(n, ops, "Сохраняю участников и партнёров…", job)
            .await?;
        self.data.snapshot.apply(&writes);
        let change = Change::of_writes(&self.data.snapshot, &writes);
        let message = format!("Сохранено: {}.", writes.entry.summary);
        Ok((changed(change, message), None))
    }

    pub(super) async fn clear(&mut self, job: &Job) -> Result<Outcome, Stop> {
        let entry = LogEntry::new(
            &now(),
            LogAction::Clear,
            None,
            None,
            "Все данные удалены".into(),
            ImportCounts::default(),
        );
        self.write(stored::clear_ops(&entry), "Удаляю данные…", job)
            .await?;
        self.data = Loaded {
            snapshot: Snapshot {
                log: vec![entry.clone()],
                ..Snapshot::default()
            },
            set_aside: Vec::new(),
        };
        self.plans.clear();
        let change = Change {
            cleared: true,
            log: vec![entry],
            unreadable: Some(Vec::new()),
            ..Change::default()
        };
        Ok((
            changed(change, "Все данные удалены из этого браузера.".into()),
            None,
        ))
    }

    pub(super) async fn delete_unreadable(
        &mut self,
        items: Vec<(String, String)>,
        job: &Job,
    ) -> Result<Outcome, Stop> {
        let wanted: BTreeMap<(String, String), ()> = items.into_iter().map(|i| (i, ())).collect();
        let mut ops = Vec::new();
        for s in &self.data.set_aside {
            let u = &s.unreadable;
            if wanted.contains_key(&(u.store.clone(), u.key.clone())) {
                if let Some(store) = stores::known(&u.store) {
                    ops.push(Op::Delete {
                        store,
                        key: u.key.clone(),
                    });
                }
            }
        }
        if ops.is_empty() {
            return Err(Stop::Failed("эти записи уже удалены".into()));
        }
        let n = ops.len();
        let entry = LogEntry::new(
            &now(),
            LogAction::Clear,
            None,
            None,
            format!("удалены нечитаемые записи: {n}"),
            ImportCounts::default(),
        );
        ops.push(stored::add_log(&entry));
        self.write(ops, "Удаляю нечитаемые записи…", job).await?;
        self.data.set_aside.retain(|s| {
            !wanted.contains_key(&(s.unreadable.store.clone(), s.unreadable.key.clone()))
        });
        self.data.snapshot.log.push(entry.clone());
        let change = Change {
            log: vec![entry],
            unreadable: Some(self.unreadable()),
            ..Change::default()
        };
        Ok((
            changed(change, format!("Удалено нечитаемых записей: {n}.")),
            None,
        ))
    }
}
