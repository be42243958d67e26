//! Stage 1: the window of years, the schools, who is left out and which pool each is in.

use super::{IdentifyError, Params};
use crate::domain::contract::row::{Row, SchoolType};
use std::cmp::Ordering;
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
    /// Index of the entry's pool-year in `Frame::groups`.
    pub group: usize,
    /// Position of the row in the input.
    pub row_index: u32,
    /// Position of the year in the window.
    pub slot: usize,
    pub pool: usize,
    pub row: &'a Row,
}

/// One entry as a pass over the cells needs it, in input-row order.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    pub entry: u32,
    pub group: u32,
    pub slot: u32,
    pub row: u32,
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
    pub by_school: BySchool,
    /// The entries in the order of their rows in the input (see [`Step`]).
    pub walk: Vec<Step>,
    /// The input rows.
    pub rows: &'a [Row],
    pub notes: Vec<String>,
}

/// The window: the given years, or the `window` most recent years of the data. When the data
/// has fewer distinct years, the window is the `window` consecutive years ending with the
/// latest one, and the years without data stay empty.
pub fn window(
    rows: &[Row],
    params: &Params,
    notes: &mut Vec<String>,
) -> Result<Vec<i32>, IdentifyError> {
    if !params.years.is_empty() {
        return Ok(params.years.clone());
    }
    let in_data: BTreeSet<i32> = rows.iter().map(|r| r.year).collect();
    let last = *in_data.iter().next_back().ok_or(IdentifyError::NoData)?;
    let recent: Vec<i32> = in_data
        .iter()
        .rev()
        .take(params.window)
        .rev()
        .copied()
        .collect();
    if recent.len() < params.window {
        notes.push(format!(
            "В данных {} из {} {} окна ({}); за недостающие годы индексов нет, и правила, требующие всех лет, не выполняются.",
            recent.len(),
            params.window,
            crate::domain::common::format::plural(params.window, "года", "лет", "лет"),
            recent.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
        ));
        let first = last + 1 - params.window as i32;
        return Ok((first..=last).collect());
    }
    Ok(recent)
}

/// Which of a school's rows gives its identity (name, municipality, type): the latest row in
/// the window, or else the latest row. `year_at(k)` is the year of row `k` of `n`, oldest
/// first. The engine and [`crate::domain::method::placement`] both decide it here.
pub fn identity_position(n: usize, year_at: impl Fn(usize) -> i32, window: &[i32]) -> usize {
    (0..n)
        .rev()
        .find(|&k| window.contains(&year_at(k)))
        .unwrap_or(n.saturating_sub(1))
}

/// The pool of a school type (by position in `params.pools`), or why the school is left out
/// (seed footnote 2: «В перечень школ не включаются школы, реализующие адаптированные
/// образовательные программы, начальные школы, образовательные организации при
/// исправительных колониях»), in Russian.
pub fn pool_or_exclusion(t: SchoolType, params: &Params) -> (Option<usize>, Option<String>) {
    if params.excluded_types.contains(&t) {
        return (
            None,
            Some(format!("исключена из идентификации: {} школа", t.label())),
        );
    }
    match params.pool_of(t) {
        Some(p) => (Some(p), None),
        None => (
            None,
            Some(format!(
                "тип «{}» не входит ни в одну группу школ",
                t.label()
            )),
        ),
    }
}

/// The first 16 bytes of an id, big-endian, for fast comparisons: ids that differ there
/// compare like their prefixes; only longer ids with equal prefixes need the full strings.
fn prefix(id: &str) -> u128 {
    let mut buf = [0u8; 16];
    let n = id.len().min(16);
    buf[..n].copy_from_slice(&id.as_bytes()[..n]);
    u128::from_be_bytes(buf)
}

pub fn frame<'a>(rows: &'a [Row], params: &Params) -> Result<Frame<'a>, IdentifyError> {
    if rows.is_empty() {
        return Err(IdentifyError::NoData);
    }
    let mut notes = Vec::new();
    let years = window(rows, params, &mut notes)?;
    let slot_of = |y: i32| years.iter().position(|&w| w == y);

    // Rows by (school id, year); the output never depends on the input order. The keys are
    // read in input order (sequential in memory) and sorted without touching the strings,
    // except for ids longer than 16 bytes that share their first 16.
    type Key = (u128, u32, i32, u32); // (id prefix, id length, year, row index)
    let mut keys: Vec<Key> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                prefix(&r.school_id),
                r.school_id.len() as u32,
                r.year,
                i as u32,
            )
        })
        .collect();
    let full = |a: &Key, b: &Key| {
        if a.1 > 16 {
            rows[a.3 as usize]
                .school_id
                .cmp(&rows[b.3 as usize].school_id)
        } else {
            Ordering::Equal
        }
    };
    keys.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then(a.1.cmp(&b.1))
            .then_with(|| full(a, b))
            .then(a.2.cmp(&b.2))
    });
    let same_school = |a: &Key, b: &Key| a.0 == b.0 && a.1 == b.1 && full(a, b).is_eq();

    let mut schools = Vec::new();
    let mut staged: Vec<(u32, u32, u32)> = Vec::with_capacity(rows.len()); // (school, slot, row index)
    let mut outside = BTreeSet::new();
    let mut changed_type = 0usize;
    let mut i = 0;
    while i < keys.len() {
        let mut j = i + 1;
        while j < keys.len() && same_school(&keys[i], &keys[j]) {
            if keys[j].2 == keys[j - 1].2 {
                let r = &rows[keys[j].3 as usize];
                return Err(IdentifyError::Duplicate(r.school_id.clone(), r.year));
            }
            j += 1;
        }
        let group = &keys[i..j];
        let row = |k: usize| &rows[group[k].3 as usize];
        let latest = row(identity_position(group.len(), |k| group[k].2, &years));
        if (0..group.len()).any(|k| row(k).school_type != latest.school_type) {
            changed_type += 1;
        }
        let (pool, excluded) = pool_or_exclusion(latest.school_type, params);
        let si = schools.len() as u32;
        for &(_, _, year, row_index) in group {
            match slot_of(year) {
                Some(slot) if pool.is_some() => staged.push((si, slot as u32, row_index)),
                Some(_) => {}
                None => {
                    outside.insert(year);
                }
            }
        }
        schools.push(School {
            id: &latest.school_id,
            name: &latest.school_name,
            municipality: &latest.municipality,
            school_type: latest.school_type,
            pool,
            excluded,
        });
        i = j;
    }
    if !outside.is_empty() {
        notes.push(format!(
            "Строки за годы вне окна не используются: {}.",
            outside
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if changed_type > 0 {
        notes.push(format!(
            "У {changed_type} {} тип менялся по годам; для исключения и группы используется тип последнего года окна.",
            crate::domain::common::format::plural(changed_type, "школы", "школ", "школ")
        ));
    }

    // Entries by (pool, slot, school): a stable counting sort on (pool, slot), since `staged`
    // is already in school order.
    let slots = years.len();
    let bucket = |school: u32, slot: u32| {
        schools[school as usize].pool.expect("eligible") * slots + slot as usize
    };
    let mut starts = vec![0usize; params.pools.len() * slots + 1];
    for &(school, slot, _) in &staged {
        starts[bucket(school, slot) + 1] += 1;
    }
    for b in 0..starts.len() - 1 {
        starts[b + 1] += starts[b];
    }
    let mut groups: Vec<Group> = (0..starts.len() - 1)
        .filter(|&b| starts[b + 1] > starts[b])
        .map(|b| Group {
            pool: b / slots,
            slot: b % slots,
            start: starts[b],
            end: starts[b + 1],
        })
        .collect();
    let group_of_bucket: Vec<usize> = {
        let mut v = vec![usize::MAX; starts.len() - 1];
        for (gi, g) in groups.iter().enumerate() {
            v[g.pool * slots + g.slot] = gi;
        }
        v
    };
    let mut order = vec![0u32; staged.len()];
    let mut fill = starts.clone();
    for (k, &(school, slot, _)) in staged.iter().enumerate() {
        let b = bucket(school, slot);
        order[fill[b]] = k as u32;
        fill[b] += 1;
    }
    let entries: Vec<Entry> = order
        .iter()
        .map(|&k| {
            let (school, slot, row_index) = staged[k as usize];
            Entry {
                school: school as usize,
                group: group_of_bucket[bucket(school, slot)],
                row_index,
                slot: slot as usize,
                pool: schools[school as usize].pool.expect("eligible"),
                row: &rows[row_index as usize],
            }
        })
        .collect();
    groups.shrink_to_fit();
    // Passes over the cells go in the rows' input order, which is usually their order in
    // memory: far fewer cache misses than walking pool by pool. Row indices are unique, so
    // placing each entry at its row gives that order without sorting.
    let mut at_row = vec![u32::MAX; rows.len()];
    for (k, e) in entries.iter().enumerate() {
        at_row[e.row_index as usize] = k as u32;
    }
    let walk: Vec<Step> = at_row
        .into_iter()
        .filter(|&k| k != u32::MAX)
        .map(|k| {
            let e = &entries[k as usize];
            Step {
                entry: k,
                group: e.group as u32,
                slot: e.slot as u32,
                row: e.row_index,
            }
        })
        .collect();
    let by_school = BySchool::new(schools.len(), &entries);
    Ok(Frame {
        years,
        schools,
        entries,
        groups,
        by_school,
        walk,
        rows,
        notes,
    })
}

/// The entries of each school, in slot order, as one flat list with offsets.
#[derive(Debug)]
pub struct BySchool {
    offsets: Vec<u32>,
    entries: Vec<u32>,
}

impl BySchool {
    fn new(schools: usize, entries: &[Entry]) -> BySchool {
        let mut offsets = vec![0u32; schools + 1];
        for e in entries {
            offsets[e.school + 1] += 1;
        }
        for i in 0..schools {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets.clone();
        let mut list = vec![0u32; entries.len()];
        // Entries are sorted by (pool, slot, school): a school's entries come in slot order.
        for (k, e) in entries.iter().enumerate() {
            list[fill[e.school] as usize] = k as u32;
            fill[e.school] += 1;
        }
        BySchool {
            offsets,
            entries: list,
        }
    }

    /// Entry indices of school `s`, oldest year first.
    pub fn of(&self, s: usize) -> impl Iterator<Item = usize> + '_ {
        self.entries[self.offsets[s] as usize..self.offsets[s + 1] as usize]
            .iter()
            .map(|&e| e as usize)
    }
}
