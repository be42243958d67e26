//! Stage 1: the window of years, the schools, who is left out and which pool each is in.

use super::{IdentifyError, Params};
use crate::domain::row::{Row, SchoolType};
use std::collections::BTreeSet;

/// A school as the method sees it: identity from its latest row in the window.
#[derive(Debug)]
pub struct School<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub municipality: &'a str,
    pub school_type: SchoolType,
    /// Pool index in `params.pools`; `None` if the school is excluded.
    pub pool: Option<usize>,
    pub excluded: Option<String>,
}

/// One school's row in one year of the window (eligible schools only).
#[derive(Debug)]
pub struct Entry<'a> {
    pub school: usize,
    /// Position of the year in the window.
    pub slot: usize,
    pub pool: usize,
    pub row: &'a Row,
}

/// A pool-year: a contiguous run of `entries`.
#[derive(Debug, Clone)]
pub struct Group {
    pub pool: usize,
    pub slot: usize,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug)]
pub struct Frame<'a> {
    /// The window, oldest first.
    pub years: Vec<i32>,
    /// Sorted by id.
    pub schools: Vec<School<'a>>,
    /// Sorted by (pool, slot, school).
    pub entries: Vec<Entry<'a>>,
    pub groups: Vec<Group>,
    /// Entry indices of each school, by slot.
    pub by_school: Vec<Vec<usize>>,
    pub notes: Vec<String>,
}

/// The window: the given years, or the `window` most recent years of the data. When the data
/// has fewer distinct years, the window is the `window` consecutive years ending with the
/// latest one, and the years without data stay empty.
pub fn window(rows: &[Row], params: &Params, notes: &mut Vec<String>) -> Result<Vec<i32>, IdentifyError> {
    if !params.years.is_empty() {
        return Ok(params.years.clone());
    }
    let in_data: BTreeSet<i32> = rows.iter().map(|r| r.year).collect();
    let last = *in_data.iter().next_back().ok_or(IdentifyError::NoData)?;
    let recent: Vec<i32> = in_data.iter().rev().take(params.window).rev().copied().collect();
    if recent.len() < params.window {
        notes.push(format!(
            "В данных {} из {} лет окна ({}); за недостающие годы индексов нет, и правила, требующие всех лет, не выполняются.",
            recent.len(),
            params.window,
            recent.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
        ));
        let first = last + 1 - params.window as i32;
        return Ok((first..=last).collect());
    }
    Ok(recent)
}

pub fn frame<'a>(rows: &'a [Row], params: &Params) -> Result<Frame<'a>, IdentifyError> {
    if rows.is_empty() {
        return Err(IdentifyError::NoData);
    }
    let mut notes = Vec::new();
    let years = window(rows, params, &mut notes)?;
    let slot_of = |y: i32| years.iter().position(|&w| w == y);

    let mut sorted: Vec<&Row> = rows.iter().collect();
    sorted.sort_by(|a, b| a.school_id.cmp(&b.school_id).then(a.year.cmp(&b.year)));

    let mut schools = Vec::new();
    let mut by_school: Vec<Vec<usize>> = Vec::new();
    let mut staged: Vec<(usize, usize, &Row)> = Vec::new(); // (school, slot, row)
    let mut outside = BTreeSet::new();
    let mut changed_type = 0usize;
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j < sorted.len() && sorted[j].school_id == sorted[i].school_id {
            j += 1;
        }
        let rows_of = &sorted[i..j];
        let in_window: Vec<&Row> = rows_of.iter().copied().filter(|r| slot_of(r.year).is_some()).collect();
        for r in rows_of.iter().filter(|r| slot_of(r.year).is_none()) {
            outside.insert(r.year);
        }
        let latest = *in_window.last().unwrap_or(&rows_of[rows_of.len() - 1]);
        if rows_of.iter().any(|r| r.school_type != latest.school_type) {
            changed_type += 1;
        }
        let (pool, excluded) = if params.excluded_types.contains(&latest.school_type) {
            (None, Some(format!("исключена из идентификации: {} школа", latest.school_type.label())))
        } else {
            match params.pool_of(latest.school_type) {
                Some(p) => (Some(p), None),
                None => (None, Some(format!("тип «{}» не входит ни в одну группу школ", latest.school_type))),
            }
        };
        let si = schools.len();
        schools.push(School {
            id: &latest.school_id,
            name: &latest.school_name,
            municipality: &latest.municipality,
            school_type: latest.school_type,
            pool,
            excluded,
        });
        by_school.push(Vec::new());
        if pool.is_some() {
            for r in in_window {
                staged.push((si, slot_of(r.year).expect("in window"), r));
            }
        }
        i = j;
    }
    if !outside.is_empty() {
        notes.push(format!(
            "Строки за годы вне окна не используются: {}.",
            outside.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
        ));
    }
    if changed_type > 0 {
        notes.push(format!(
            "У {changed_type} школ тип менялся по годам; для исключения и группы используется тип последнего года окна."
        ));
    }

    let mut entries: Vec<Entry> = staged
        .into_iter()
        .map(|(school, slot, row)| Entry { school, slot, pool: schools[school].pool.expect("eligible"), row })
        .collect();
    entries.sort_by_key(|e| (e.pool, e.slot, e.school));
    let mut groups: Vec<Group> = Vec::new();
    for (k, e) in entries.iter().enumerate() {
        match groups.last_mut() {
            Some(g) if g.pool == e.pool && g.slot == e.slot => g.end = k + 1,
            _ => groups.push(Group { pool: e.pool, slot: e.slot, start: k, end: k + 1 }),
        }
        by_school[e.school].push(k);
    }
    for list in &mut by_school {
        list.sort_by_key(|&k| entries[k].slot);
    }
    Ok(Frame { years, schools, entries, groups, by_school, notes })
}
