//! The analyst's views over identification results (issue «Runs compared, cross-table, stable
//! improvement»): pure functions over [`Identification`] values, for the municipal and the
//! regional specialist.
//!
//! - [`compare`] — two runs side by side: for every category, the schools that entered it and
//!   the schools that left it, with counts per municipality.
//! - [`cross_table`] — results category × social category, with the schools of every cell
//!   (seed 001: «сопоставить перечень школ с низкими результатами обучения с перечнем школ,
//!   функционирующих в неблагоприятных социальных условиях»).
//! - [`history`] — one school through the stored runs.
//! - [`stable_improvement`] — candidates for the bank of best practices (seed 001: «банк
//!   лучших практик со школ, показавших максимальное и стабильное улучшение учебных
//!   результатов»); the reading is [`READING`].
//! - [`comparison_csv`], [`cross_table_csv`], [`cross_table_schools_csv`],
//!   [`improvement_csv`] — the same as CSV for Excel ([`crate::domain::tables::csv_write`]), each the
//!   CSV of a typed table (`*_table`, [`crate::domain::tables::table`]) that can also go into a workbook.
//!
//! Schools are matched across runs by `school_id`. A school without a category (excluded from
//! the identification: `results_category` / `social_category` is `None`) is in no category.

use crate::domain::method::identify::csv::{weakest_text, yes_no, Words};
use crate::domain::method::identify::{
    Counts, Identification, ResultsCategory, SchoolResult, SocialCategory, Tally,
};
use crate::domain::method::run::RunRecord;
use crate::domain::tables::table::{self, Table, TableWriter};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// A school as the analyst's lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolRef {
    pub school_id: String,
    pub school_name: String,
    pub municipality: String,
}

impl SchoolRef {
    pub fn of(s: &SchoolResult) -> SchoolRef {
        SchoolRef {
            school_id: s.school_id.clone(),
            school_name: s.school_name.clone(),
            municipality: s.municipality.clone(),
        }
    }

    /// The order of every school list here: municipality, then name, then id (so that two
    /// schools of the same name keep one order).
    fn sort_key(&self) -> (&str, &str, &str) {
        (&self.municipality, &self.school_name, &self.school_id)
    }
}

fn sort_schools(list: &mut [SchoolRef]) {
    list.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// Schools per municipality, by municipality name.
fn by_municipality(list: &[SchoolRef]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for s in list {
        *out.entry(s.municipality.clone()).or_insert(0) += 1;
    }
    out
}

/// A category of either kind: by educational results or by social conditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Results(ResultsCategory),
    Social(SocialCategory),
}

impl Category {
    /// Every category: the results categories in [`ResultsCategory::ALL`] order, then the
    /// social ones in [`SocialCategory::ALL`] order.
    pub fn all() -> impl Iterator<Item = Category> {
        ResultsCategory::ALL
            .into_iter()
            .map(Category::Results)
            .chain(SocialCategory::ALL.into_iter().map(Category::Social))
    }

    /// The seed's name of the category.
    pub fn label(self) -> &'static str {
        match self {
            Category::Results(c) => c.label(),
            Category::Social(c) => c.label(),
        }
    }

    pub fn short(self) -> &'static str {
        match self {
            Category::Results(c) => c.short(),
            Category::Social(c) => c.short(),
        }
    }

    /// Which of the two lists of categories this one belongs to.
    pub fn kind_label(self) -> &'static str {
        match self {
            Category::Results(_) => "по образовательным результатам",
            Category::Social(_) => "по социальным условиям",
        }
    }

    /// Whether the school is in this category (an excluded school is in none).
    pub fn holds(self, s: &SchoolResult) -> bool {
        match self {
            Category::Results(c) => s.results_category == Some(c),
            Category::Social(c) => s.social_category == Some(c),
        }
    }
}

/// Who entered and who left one category between two runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryChange {
    pub category: Category,
    /// In the category in the second run, not in the first (sorted by municipality, name).
    pub entered: Vec<SchoolRef>,
    /// In the category in the first run, not in the second.
    pub left: Vec<SchoolRef>,
    /// `entered` counted per municipality.
    pub entered_by_municipality: BTreeMap<String, usize>,
    /// `left` counted per municipality.
    pub left_by_municipality: BTreeMap<String, usize>,
}

impl CategoryChange {
    pub fn is_empty(&self) -> bool {
        self.entered.is_empty() && self.left.is_empty()
    }
}

/// A school of both runs whose category differs (`None` = excluded in that run).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolChange {
    /// As the second run names it.
    pub school: SchoolRef,
    pub results_before: Option<ResultsCategory>,
    pub results_after: Option<ResultsCategory>,
    pub social_before: Option<SocialCategory>,
    pub social_after: Option<SocialCategory>,
}

/// Two runs compared: the first (`a`, usually the earlier) against the second (`b`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// One entry for every category, in [`Category::all`] order, changed or not.
    pub categories: Vec<CategoryChange>,
    /// Schools of both runs whose results or social category differs, sorted by
    /// municipality, name.
    pub changed: Vec<SchoolChange>,
    /// Schools only in the first run; not counted as leaving any category.
    pub only_in_a: Vec<SchoolRef>,
    /// Schools only in the second run; not counted as entering any category.
    pub only_in_b: Vec<SchoolRef>,
}

impl Comparison {
    /// The entry of one category.
    pub fn category(&self, c: Category) -> Option<&CategoryChange> {
        self.categories.iter().find(|x| x.category == c)
    }

    /// Nothing entered, left, changed, appeared or disappeared.
    pub fn is_empty(&self) -> bool {
        self.categories.iter().all(CategoryChange::is_empty)
            && self.changed.is_empty()
            && self.only_in_a.is_empty()
            && self.only_in_b.is_empty()
    }
}

/// The schools of a run by id; for a repeated id, its first school.
fn index_by_id(r: &Identification) -> HashMap<&str, &SchoolResult> {
    let mut out = HashMap::with_capacity(r.schools.len());
    for s in &r.schools {
        out.entry(s.school_id.as_str()).or_insert(s);
    }
    out
}

/// Compares two runs school by school (matched by `school_id`).
///
/// A school of both runs *entered* a category when it is in it in `b` and not in `a`, and
/// *left* it when it is in it in `a` and not in `b`; a school excluded in one run (no
/// category) and assessed in the other therefore entered or left the category it has. An
/// entering school is named as in `b`, a leaving one as in `a`. Schools of one run only are
/// listed in `only_in_a` / `only_in_b` and counted nowhere else.
pub fn compare(a: &Identification, b: &Identification) -> Comparison {
    let in_a = index_by_id(a);
    let in_b = index_by_id(b);

    let mut categories: Vec<CategoryChange> = Category::all()
        .map(|category| CategoryChange {
            category,
            entered: Vec::new(),
            left: Vec::new(),
            entered_by_municipality: BTreeMap::new(),
            left_by_municipality: BTreeMap::new(),
        })
        .collect();
    let mut changed = Vec::new();
    let mut only_in_a = Vec::new();
    let mut only_in_b = Vec::new();

    // Walk each run's own list (first occurrence of an id only), so that the output does not
    // depend on hash order.
    for sb in b.schools.iter().filter(|s| first_of(&in_b, s)) {
        let Some(sa) = in_a.get(sb.school_id.as_str()) else {
            only_in_b.push(SchoolRef::of(sb));
            continue;
        };
        for ch in &mut categories {
            let (was, is) = (ch.category.holds(sa), ch.category.holds(sb));
            if is && !was {
                ch.entered.push(SchoolRef::of(sb));
            } else if was && !is {
                ch.left.push(SchoolRef::of(sa));
            }
        }
        if sa.results_category != sb.results_category || sa.social_category != sb.social_category {
            changed.push(SchoolChange {
                school: SchoolRef::of(sb),
                results_before: sa.results_category,
                results_after: sb.results_category,
                social_before: sa.social_category,
                social_after: sb.social_category,
            });
        }
    }
    for sa in a.schools.iter().filter(|s| first_of(&in_a, s)) {
        if !in_b.contains_key(sa.school_id.as_str()) {
            only_in_a.push(SchoolRef::of(sa));
        }
    }

    for ch in &mut categories {
        sort_schools(&mut ch.entered);
        sort_schools(&mut ch.left);
        ch.entered_by_municipality = by_municipality(&ch.entered);
        ch.left_by_municipality = by_municipality(&ch.left);
    }
    changed.sort_by(|x: &SchoolChange, y: &SchoolChange| {
        x.school.sort_key().cmp(&y.school.sort_key())
    });
    sort_schools(&mut only_in_a);
    sort_schools(&mut only_in_b);
    Comparison {
        categories,
        changed,
        only_in_a,
        only_in_b,
    }
}

/// Whether `s` is the school its id stands for in `index` (the first with that id).
fn first_of(index: &HashMap<&str, &SchoolResult>, s: &SchoolResult) -> bool {
    index
        .get(s.school_id.as_str())
        .is_some_and(|first| std::ptr::eq(*first, s))
}

/// One cell of the cross-table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrossCell {
    pub results: ResultsCategory,
    pub social: SocialCategory,
    /// Sorted by municipality, name.
    pub schools: Vec<SchoolRef>,
}

/// The name of the cell the seed asks to look at: ШНРО that are also ШНСУ.
pub const LOW_AND_UNFAVOURABLE: &str =
    "ШНРО, функционирующие в неблагоприятных социальных условиях (ШНРО и ШНСУ)";

impl CrossCell {
    pub fn count(&self) -> usize {
        self.schools.len()
    }

    /// Whether this is the ШНРО × ШНСУ cell.
    pub fn is_low_and_unfavourable(&self) -> bool {
        self.results == ResultsCategory::Low && self.social == SocialCategory::Unfavourable
    }

    /// «ШНРО × ШНСУ», «средние × нейтральные», …; the ШНРО × ШНСУ cell gets
    /// [`LOW_AND_UNFAVOURABLE`].
    pub fn label(&self) -> String {
        if self.is_low_and_unfavourable() {
            LOW_AND_UNFAVOURABLE.to_string()
        } else {
            format!("{} × {}", self.results.short(), self.social.short())
        }
    }
}

/// One row of the cross-table: a results category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrossRow {
    pub results: ResultsCategory,
    /// One cell per column, in the order of [`CrossTable::columns`].
    pub cells: Vec<CrossCell>,
    pub total: usize,
}

/// Results category × social category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrossTable {
    /// The columns: [`SocialCategory::ALL`].
    pub columns: Vec<SocialCategory>,
    /// The rows: [`ResultsCategory::ALL`].
    pub rows: Vec<CrossRow>,
    /// Schools per column, in the order of `columns`.
    pub column_totals: Vec<usize>,
    /// Schools in the table: those with both categories (every school not excluded).
    pub total: usize,
    /// Schools left out of the table: excluded from the identification (no category).
    pub excluded: usize,
}

impl CrossTable {
    pub fn cell(&self, results: ResultsCategory, social: SocialCategory) -> Option<&CrossCell> {
        self.rows
            .iter()
            .find(|r| r.results == results)
            .and_then(|r| r.cells.iter().find(|c| c.social == social))
    }

    /// The ШНРО × ШНСУ cell.
    pub fn low_and_unfavourable(&self) -> Option<&CrossCell> {
        self.cell(ResultsCategory::Low, SocialCategory::Unfavourable)
    }
}

/// Results category × social category over the schools of a run.
pub fn cross_table(r: &Identification) -> CrossTable {
    cross_table_where(r, |_| true)
}

/// The cross-table of one municipality's schools (the municipal specialist's view).
pub fn cross_table_of_municipality(r: &Identification, municipality: &str) -> CrossTable {
    cross_table_where(r, |s| s.municipality == municipality)
}

fn cross_table_where(r: &Identification, keep: impl Fn(&SchoolResult) -> bool) -> CrossTable {
    let columns = SocialCategory::ALL.to_vec();
    let mut rows: Vec<CrossRow> = ResultsCategory::ALL
        .into_iter()
        .map(|results| CrossRow {
            results,
            cells: columns
                .iter()
                .map(|&social| CrossCell {
                    results,
                    social,
                    schools: Vec::new(),
                })
                .collect(),
            total: 0,
        })
        .collect();
    let mut excluded = 0;
    for s in r.schools.iter().filter(|s| keep(s)) {
        let cell = match (s.results_category, s.social_category) {
            (Some(rc), Some(sc)) => rows
                .iter_mut()
                .find(|row| row.results == rc)
                .and_then(|row| row.cells.iter_mut().find(|c| c.social == sc)),
            _ => None,
        };
        match cell {
            Some(cell) => cell.schools.push(SchoolRef::of(s)),
            None => excluded += 1,
        }
    }
    for row in &mut rows {
        for cell in &mut row.cells {
            sort_schools(&mut cell.schools);
        }
        row.total = row.cells.iter().map(CrossCell::count).sum();
    }
    let column_totals = (0..columns.len())
        .map(|i| {
            rows.iter()
                .map(|row| row.cells.get(i).map_or(0, CrossCell::count))
                .sum()
        })
        .collect();
    let total = rows.iter().map(|row| row.total).sum();
    CrossTable {
        columns,
        rows,
        column_totals,
        total,
        excluded,
    }
}

/// One school in one stored run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub run_label: String,
    pub run_date: String,
    /// The school as the run names it; `None` when the school is not in the run (then every
    /// field below is empty).
    pub school: Option<SchoolRef>,
    /// Pool id; `None` for an excluded school.
    pub pool: Option<String>,
    /// Why the school is left out, or `None`.
    pub excluded: Option<String>,
    pub results_category: Option<ResultsCategory>,
    pub social_category: Option<SocialCategory>,
    pub resilient: bool,
    /// The run's window, oldest first.
    pub years: Vec<i32>,
    /// The last year of the run's window: the latest indices are that year's.
    pub latest_year: Option<i32>,
    /// The school's results index in `latest_year` (`None` if it has none that year).
    pub latest_results_index: Option<f64>,
    pub latest_social_index: Option<f64>,
}

/// The school's categories, window and latest indices in each run, in the given order;
/// `runs` are (run label, run date, result). Every run gives an entry, also one without the
/// school (`school: None`), so that the entries line up with the runs.
///
/// The latest indices are those of the last year of each run's window (the year the
/// categories end with), not the last year the school happens to have.
pub fn history(runs: &[(&str, &str, &Identification)], school_id: &str) -> Vec<HistoryEntry> {
    runs.iter()
        .map(|&(label, date, r)| {
            let latest_year = r.years.last().copied();
            let s = r.school(school_id);
            let latest = s.zip(latest_year).and_then(|(s, y)| s.years.get(&y));
            HistoryEntry {
                run_label: label.to_string(),
                run_date: date.to_string(),
                school: s.map(SchoolRef::of),
                pool: s.and_then(|s| s.pool.as_deref().map(str::to_string)),
                excluded: s.and_then(|s| s.excluded.clone()),
                results_category: s.and_then(|s| s.results_category),
                social_category: s.and_then(|s| s.social_category),
                resilient: s.is_some_and(|s| s.resilient),
                years: r.years.clone(),
                latest_year,
                latest_results_index: latest.and_then(|y| y.results_index),
                latest_social_index: latest.and_then(|y| y.social_index),
            }
        })
        .collect()
}

/// [`history`] over stored runs, in the given order, dated by their creation time.
pub fn history_of_runs(runs: &[&RunRecord], school_id: &str) -> Vec<HistoryEntry> {
    let list: Vec<(&str, &str, &Identification)> = runs
        .iter()
        .map(|r| (r.label.as_str(), r.created_at.as_str(), &r.result))
        .collect();
    history(&list, school_id)
}

/// The reading of «максимальное и стабильное улучшение учебных результатов», as the user
/// sees it.
pub const READING: &str = "Стабильное улучшение: школа участвует в идентификации, у неё есть \
индекс образовательных результатов за каждый год окна, от года к году индекс ни разу не \
снижался и за окно в целом вырос. Школы упорядочены по приросту индекса (значение последнего \
года минус значение первого), при равенстве — по названию. Индекс рассчитывается заново в \
каждой группе школ за каждый год (показатели приводятся к шкале от 0 до 1 по минимуму и \
максимуму группы), поэтому рост индекса означает, что школа поднялась относительно других \
школ своей группы.";

/// A school that improved stably over the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Improvement {
    pub school: SchoolRef,
    /// Pool id.
    pub pool: String,
    /// The pool's label from the run's parameters (the id if the parameters lack it).
    pub pool_label: String,
    /// Results index in the first and in the last year of the window.
    pub first: f64,
    pub last: f64,
    /// `last − first`, greater than 0.
    pub rise: f64,
    /// (year, results index) for every year of the window, oldest first.
    pub indices: Vec<(i32, f64)>,
}

/// Schools with the largest stable improvement of their results index, best first, at most
/// `limit` of them.
///
/// Reading (seed 001, «банк лучших практик со школ, показавших максимальное и стабильное
/// улучшение учебных результатов»; the user's wording is [`READING`]): among the schools not
/// excluded, those with a results index in every year of the run's window whose index never
/// fell from one year to the next (equal counts as not falling) and rose in total (last >
/// first). Ranked by the total rise `last − first`, descending; ties by name, then id. A
/// window of one year has no improvement. The index is normalised within each pool and year,
/// so a rise is a rise relative to the school's pool; schools of all pools are ranked in one
/// list, each with its pool.
pub fn stable_improvement(r: &Identification, limit: usize) -> Vec<Improvement> {
    let mut out = Vec::new();
    if r.years.len() < 2 {
        return out;
    }
    for s in &r.schools {
        if s.excluded.is_some() || s.results_category.is_none() {
            continue;
        }
        let Some(pool) = s.pool.as_deref() else {
            continue;
        };
        let indices: Option<Vec<(i32, f64)>> = r
            .years
            .iter()
            .map(|&y| {
                s.years
                    .get(&y)
                    .and_then(|yr| yr.results_index)
                    .filter(|v| v.is_finite())
                    .map(|v| (y, v))
            })
            .collect();
        let Some(indices) = indices else {
            continue;
        };
        let (Some(&(_, first)), Some(&(_, last))) = (indices.first(), indices.last()) else {
            continue;
        };
        let never_fell = indices.windows(2).all(|w| w[1].1 >= w[0].1);
        if !never_fell || last <= first {
            continue;
        }
        let pool_label = r
            .params
            .pools
            .iter()
            .find(|p| p.id == pool)
            .map_or_else(|| pool.to_string(), |p| p.label.clone());
        out.push(Improvement {
            school: SchoolRef::of(s),
            pool: pool.to_string(),
            pool_label,
            first,
            last,
            rise: last - first,
            indices,
        });
    }
    out.sort_by(|x, y| {
        y.rise
            .total_cmp(&x.rise)
            .then_with(|| x.school.school_name.cmp(&y.school.school_name))
            .then_with(|| x.school.school_id.cmp(&y.school.school_id))
    });
    out.truncate(limit);
    out
}

/// A category in a CSV cell; an excluded school has none.
fn category_text(c: Option<Category>) -> &'static str {
    c.map_or("исключена", Category::short)
}

/// The comparison for Excel: one line per school whose category changed (its categories in
/// both runs), then the schools of one run only.
pub fn comparison_table(c: &Comparison) -> Table {
    let mut w = TableWriter::new();
    for h in [
        "Муниципалитет",
        "Идентификатор школы",
        "Школа",
        "Категория по результатам: первый расчёт",
        "Категория по результатам: второй расчёт",
        "Категория по социальным условиям: первый расчёт",
        "Категория по социальным условиям: второй расчёт",
        "Изменение",
    ] {
        w.text(h);
    }
    w.end_line();
    for ch in &c.changed {
        let mut what = Vec::new();
        if ch.results_before != ch.results_after {
            what.push("по результатам");
        }
        if ch.social_before != ch.social_after {
            what.push("по социальным условиям");
        }
        w.text(&ch.school.municipality)
            .text(&ch.school.school_id)
            .text(&ch.school.school_name)
            .text(category_text(ch.results_before.map(Category::Results)))
            .text(category_text(ch.results_after.map(Category::Results)))
            .text(category_text(ch.social_before.map(Category::Social)))
            .text(category_text(ch.social_after.map(Category::Social)))
            .text(&format!("категория изменилась: {}", what.join(", ")))
            .end_line();
    }
    for (list, note) in [
        (&c.only_in_a, "только в первом расчёте"),
        (&c.only_in_b, "только во втором расчёте"),
    ] {
        for s in list {
            w.text(&s.municipality)
                .text(&s.school_id)
                .text(&s.school_name)
                .text("")
                .text("")
                .text("")
                .text("")
                .text(note)
                .end_line();
        }
    }
    w.finish()
}

/// [`comparison_table`] as CSV for Excel.
pub fn comparison_csv(c: &Comparison) -> String {
    comparison_table(c).to_csv()
}

/// The cross-table's counts for Excel: a line per results category and «Итого», a column per
/// social category and «Итого».
pub fn cross_table_counts_table(t: &CrossTable) -> Table {
    let mut w = TableWriter::new();
    w.text("Категория по результатам / по социальным условиям");
    for c in &t.columns {
        w.text(c.short());
    }
    w.text("Итого").end_line();
    for row in &t.rows {
        w.text(row.results.short());
        for c in &t.columns {
            let n = row
                .cells
                .iter()
                .find(|x| x.social == *c)
                .map_or(0, |x| x.count());
            w.number(Some(n as f64));
        }
        w.number(Some(row.total as f64)).end_line();
    }
    w.text("Итого");
    for n in &t.column_totals {
        w.number(Some(*n as f64));
    }
    w.number(Some(t.total as f64)).end_line();
    w.finish()
}

/// [`cross_table_counts_table`] as CSV for Excel.
pub fn cross_table_csv(t: &CrossTable) -> String {
    cross_table_counts_table(t).to_csv()
}

/// The cross-table's schools for Excel: one line per school, cell by cell in table order.
pub fn cross_table_schools_table(t: &CrossTable) -> Table {
    let mut w = TableWriter::new();
    for h in [
        "Муниципалитет",
        "Идентификатор школы",
        "Школа",
        "Категория по результатам",
        "Категория по социальным условиям",
        "ШНРО и ШНСУ",
    ] {
        w.text(h);
    }
    w.end_line();
    for cell in t.rows.iter().flat_map(|r| &r.cells) {
        let both = if cell.is_low_and_unfavourable() {
            "да"
        } else {
            "нет"
        };
        for s in &cell.schools {
            w.text(&s.municipality)
                .text(&s.school_id)
                .text(&s.school_name)
                .text(cell.results.short())
                .text(cell.social.short())
                .text(both)
                .end_line();
        }
    }
    w.finish()
}

/// [`cross_table_schools_table`] as CSV for Excel.
pub fn cross_table_schools_csv(t: &CrossTable) -> String {
    cross_table_schools_table(t).to_csv()
}

/// The improvements for Excel: rank, school, pool, the index of every year (the years of all
/// the improvements, oldest first) and the rise, read with [`table::INDEX`] decimals.
pub fn improvement_table(list: &[Improvement]) -> Table {
    let mut years: Vec<i32> = list
        .iter()
        .flat_map(|i| i.indices.iter().map(|(y, _)| *y))
        .collect();
    years.sort_unstable();
    years.dedup();
    let mut w = TableWriter::new();
    for h in [
        "Место",
        "Муниципалитет",
        "Идентификатор школы",
        "Школа",
        "Группа школ",
    ] {
        w.text(h);
    }
    for y in &years {
        w.text(&format!("Индекс результатов {y}"));
    }
    w.text("Прирост индекса").end_line();
    for (rank, i) in list.iter().enumerate() {
        w.number(Some((rank + 1) as f64))
            .text(&i.school.municipality)
            .text(&i.school.school_id)
            .text(&i.school.school_name)
            .text(&i.pool_label);
        for y in &years {
            w.rounded(
                i.indices.iter().find(|(iy, _)| iy == y).map(|(_, v)| *v),
                table::INDEX,
            );
        }
        w.rounded(Some(i.rise), table::INDEX).end_line();
    }
    w.finish()
}

/// [`improvement_table`] as CSV for Excel.
pub fn improvement_csv(list: &[Improvement]) -> String {
    improvement_table(list).to_csv()
}

/// A list of schools of a run for Excel: the school, its type, pool (by its label) and
/// categories, the indices of `year` (read with [`table::INDEX`] decimals), the weakest
/// components of that year (by their seed wording) and the suggested partners as
/// «Название (код, муниципалитет)».
pub fn school_list_table(r: &Identification, schools: &[&SchoolResult], year: i32) -> Table {
    let words = Words::of(r);
    let mut w = TableWriter::new();
    for h in [
        "Муниципалитет",
        "Идентификатор школы",
        "Школа",
        "Тип",
        "Группа школ",
        "Категория по результатам",
        "Категория по социальным условиям",
        "Резильентная",
    ] {
        w.text(h);
    }
    w.text(&format!("Индекс образовательных результатов {year}"))
        .text(&format!("Индекс социальных условий {year}"))
        .text(&format!("Что снизило индекс в {year}"))
        .text("Школы-партнёры")
        .end_line();
    for s in schools {
        let y = s.years.get(&year);
        w.text(&s.municipality)
            .text(&s.school_id)
            .text(&s.school_name)
            .text(s.school_type.label())
            .text(words.pool_of(s))
            .text(s.results_category.map_or("", |c| c.label()))
            .text(s.social_category.map_or("", |c| c.label()))
            .text(yes_no(s.resilient))
            .rounded(y.and_then(|y| y.results_index), table::INDEX)
            .rounded(y.and_then(|y| y.social_index), table::INDEX)
            .text(&y.map(weakest_text).unwrap_or_default())
            .text(&words.partners(s))
            .end_line();
    }
    w.finish()
}

/// [`school_list_table`] as CSV for Excel.
pub fn school_list_csv(r: &Identification, schools: &[&SchoolResult], year: i32) -> String {
    school_list_table(r, schools, year).to_csv()
}

/// The categories counted per municipality, in the one order of every table that shows them:
/// the run page's «По муниципалитетам», its workbook sheet and the report's table.
pub const MUNICIPALITY_CATEGORIES: [&str; 6] = [
    "ШНРО",
    "Группа риска",
    "Стабильно высокие",
    "ШНСУ",
    "ШНРО и ШНСУ одновременно",
    "Резильентные",
];

/// A municipality's (or the region's) tallies of [`MUNICIPALITY_CATEGORIES`], in that order.
pub fn municipality_tallies(c: &Counts) -> [Tally; 6] {
    let results = |cat| c.results.get(&cat).copied().unwrap_or_default();
    [
        results(ResultsCategory::Low),
        results(ResultsCategory::Risk),
        results(ResultsCategory::High),
        c.social
            .get(&SocialCategory::Unfavourable)
            .copied()
            .unwrap_or_default(),
        c.low_and_unfavourable,
        c.resilient,
    ]
}

/// The run's counts per municipality for Excel (the page's table «По муниципалитетам»).
pub fn municipalities_table(r: &Identification) -> Table {
    let mut w = TableWriter::new();
    for h in ["Муниципалитет", "Школ", "Оценено"]
        .into_iter()
        .chain(MUNICIPALITY_CATEGORIES)
    {
        w.text(h);
    }
    w.end_line();
    let n = |v: usize| Some(v as f64);
    for (m, c) in &r.summary.municipalities {
        w.text(m).number(n(c.schools)).number(n(c.assessed));
        for t in municipality_tallies(c) {
            w.number(n(t.count));
        }
        w.end_line();
    }
    w.finish()
}

/// [`municipalities_table`] as CSV for Excel.
pub fn municipalities_csv(r: &Identification) -> String {
    municipalities_table(r).to_csv()
}

#[cfg(test)]
mod tests;
