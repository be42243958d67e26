//! Reading the row contract from Excel workbooks (.xlsx), from the file's bytes (natively and
//! in the data service, the same code).
//!
//! - **The sheet:** the one asked for ([`ReadOptions::sheet`]); otherwise the first sheet whose
//!   header names every required column of the contract (with a mapping: every column the
//!   mapping reads), otherwise the first sheet that is not empty. When the workbook has several
//!   sheets, a note says which one was read.
//! - **The header:** the first non-empty row. Title rows above it (rows with a single filled
//!   cell, such as «Сведения о школах района» merged across the table) are skipped. A two-row
//!   header — cells of the first row merged across columns (a group label: «ЕГЭ» over «русский
//!   язык», «математика»), the row below it text only — is read as one: a merged cell's value
//!   fills every column it spans, and a column is named by its bottom non-empty header cell;
//!   when that bottom text repeats in the row («русский язык» under «ЕГЭ» and again under
//!   «ОГЭ»), the column is named «группа подзаголовок» («ЕГЭ русский язык»). A row of column
//!   numbers right under the header (1, 2, 3, … as official forms have) is skipped.
//! - **Cells:** numbers are numbers; text is read as in CSV (so «12,5» with a decimal comma is
//!   12.5, and an id typed as the number 123 reads «123»); a date, a logical value or an Excel
//!   error where a number or text is expected is an error that says what is in the cell («дата
//!   01.09.2024») — a date is never read as Excel's day number. A formula's stored value is
//!   read when a spreadsheet computed it; a formula of a workbook that asks to be recalculated
//!   on opening (a program wrote it, storing 0 or nothing as the value) or stored without a
//!   value is an error at its cell in a column that is read ([`Formulas`]). Empty rows are
//!   skipped; a value in a column without a header is warned about once per column. In data
//!   rows a cell merged down several rows gives its value to each of them (a municipality
//!   written once for its schools).
//! - **Places:** every problem names the cell as Excel does (`Лист1!F12`), with the sheet's
//!   real row and column numbers.
//!
//! Cells are read one row at a time from the sheet's XML (nothing as big as the sheet is
//! held), positions beyond Excel's limits are ignored, and nothing read from the file panics.

use super::cells::Cell;
use super::columns::{plan_columns, read_record, resolve_header, ColumnMapping};
use super::{Parsed, ReadOptions, TablePreview};
use crate::domain::contract::problem::{column_letters, Place, Problem};
use crate::domain::contract::schema::schema;
use calamine::{DataRef, Dimensions, Reader, Xlsx, XlsxError};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::Cursor;

mod cell_values;
mod formulas;

use cell_values::{cell, display};
use formulas::{formulas_of, Formulas};

type Book<'b> = Xlsx<Cursor<&'b [u8]>>;

/// Excel's limits: 1,048,576 rows, 16,384 columns (0-based positions are below them).
const MAX_ROWS: u32 = 1 << 20;
const MAX_COLUMNS: u32 = 1 << 14;
/// Title rows skipped above a header, at most.
const MAX_TITLES: usize = 5;

/// What the bytes are.
enum Opened<'b> {
    Book(Box<Book<'b>>),
    /// Not an Excel workbook (another ZIP, such as a Word document): the caller says what it is.
    NotWorkbook,
    /// A workbook that cannot be read: why, in Russian.
    Broken(String),
}

fn open(bytes: &[u8]) -> Opened<'_> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return Opened::NotWorkbook;
    }
    match Xlsx::new(Cursor::new(bytes)) {
        Ok(book) => Opened::Book(Box::new(book)),
        Err(e) => match unreadable(bytes, &e) {
            Some(message) => Opened::Broken(message),
            None => Opened::NotWorkbook,
        },
    }
}

/// Why a file that starts as a ZIP archive does not open as a workbook, in Russian; `None`
/// when it is a readable archive without a workbook (a Word document): the caller names it.
pub(crate) fn unreadable(bytes: &[u8], e: &XlsxError) -> Option<String> {
    // The names of a ZIP's files are stored uncompressed: a workbook's parts are named.
    let names = |part: &[u8]| bytes.windows(part.len()).any(|w| w == part);
    if names(b"xl/workbook.bin") {
        return Some(
            "это двоичная книга Excel (.xlsb). Откройте её в Excel и сохраните как «Книга Excel (.xlsx)»".to_string(),
        );
    }
    match e {
        XlsxError::Zip(zip::result::ZipError::UnsupportedArchive(_)) => Some(
            "архив книги записан способом, который Шкала не читает (другое сжатие или шифрование). Откройте файл в Excel и сохраните его как «Книга Excel (.xlsx)»".to_string(),
        ),
        // The archive itself does not read: the end of a ZIP holds its table of contents, so a
        // file cut short (a download or a copy that did not finish) lands here.
        XlsxError::Zip(_) | XlsxError::Io(_) => Some(
            "файл повреждён или записан не полностью: это архив ZIP, как книга Excel (.xlsx), но он обрывается или испорчен, и прочитать его нельзя. Получите файл заново (скачайте или скопируйте ещё раз) или, если он открывается в Excel, сохраните его там как «Книга Excel (.xlsx)»".to_string(),
        ),
        _ if names(b"xl/workbook.xml") => Some(format!(
            "книгу Excel не удаётся прочитать: файл повреждён или записан не полностью. Получите файл заново или, если он открывается в Excel, сохраните его там заново (техническая причина: {e})"
        )),
        _ => None,
    }
}

/// Reads a workbook; `None` when the bytes are not an Excel workbook.
pub(super) fn parse(file: &str, bytes: &[u8], options: &ReadOptions) -> Option<Parsed> {
    let mut out = Parsed {
        file: file.to_string(),
        ..Parsed::default()
    };
    let mut book = match open(bytes) {
        Opened::NotWorkbook => return None,
        Opened::Broken(message) => {
            out.problems
                .push(Problem::error(file, Place::File, None, message));
            return Some(out);
        }
        Opened::Book(book) => book,
    };
    let sheets = book.sheet_names();
    let (sheet, merges) = match choose(&mut book, file, options) {
        Ok(chosen) => chosen,
        Err(problem) => {
            out.problems.push(problem);
            return Some(out);
        }
    };
    if sheets.len() > 1 {
        out.problems.push(Problem::note(
            file,
            Place::File,
            None,
            format!(
                "прочитан лист «{sheet}»; в книге листы: {}",
                quoted_list(&sheets)
            ),
        ));
    }
    let formulas = sheets
        .iter()
        .position(|s| *s == sheet)
        .map(|index| formulas_of(bytes, index))
        .unwrap_or_default();
    if let Err(e) = read_sheet(
        &mut book, file, &sheet, &merges, &formulas, options, &mut out,
    ) {
        out.problems.push(damaged(file, &sheet, &e));
    }
    Some(out)
}

/// The header and the first `max_rows` rows of a workbook's sheet as Excel shows them;
/// `None` when the bytes are not an Excel workbook.
pub(super) fn preview(
    file: &str,
    bytes: &[u8],
    options: &ReadOptions,
    max_rows: usize,
) -> Option<Result<TablePreview, Problem>> {
    let mut book = match open(bytes) {
        Opened::NotWorkbook => return None,
        Opened::Broken(message) => {
            return Some(Err(Problem::error(file, Place::File, None, message)))
        }
        Opened::Book(book) => book,
    };
    let sheets = book.sheet_names();
    let (sheet, merges) = match choose(&mut book, file, options) {
        Ok(chosen) => chosen,
        Err(problem) => return Some(Err(problem)),
    };
    Some(
        match preview_sheet(&mut book, file, &sheets, &sheet, &merges, max_rows) {
            Ok(Some(preview)) => Ok(preview),
            Ok(None) => Err(Problem::error(
                file,
                Place::File,
                None,
                format!("лист «{sheet}» пуст"),
            )),
            Err(e) => Err(damaged(file, &sheet, &e)),
        },
    )
}

fn preview_sheet(
    book: &mut Book<'_>,
    file: &str,
    sheets: &[String],
    sheet: &str,
    merges: &[Dimensions],
    max_rows: usize,
) -> Result<Option<TablePreview>, XlsxError> {
    let mut reader = match book.worksheet_cells_reader(sheet) {
        Err(XlsxError::NotAWorksheet(_)) => return Ok(None),
        other => other?,
    };
    let none = Formulas::default();
    let mut rows = Rows::new(move || reader.next_cell(), &none);
    let Some(mut table) = Table::start(&mut rows, merges)? else {
        return Ok(None);
    };
    let mut shown = Vec::new();
    while shown.len() < max_rows {
        let Some(row) = table.next_row(&mut rows)? else {
            break;
        };
        let mut cells = vec![String::new(); table.layout.names.len()];
        for (c, v) in &row.cells {
            if let Some(slot) = table.layout.position(*c).and_then(|p| cells.get_mut(p)) {
                *slot = display(v);
            }
        }
        shown.push(cells);
    }
    Ok(Some(TablePreview {
        file: file.to_string(),
        sheets: sheets.to_vec(),
        sheet: Some(sheet.to_string()),
        header: table.layout.names,
        rows: shown,
    }))
}

fn damaged(file: &str, sheet: &str, e: &XlsxError) -> Problem {
    Problem::error(
        file,
        Place::File,
        None,
        format!(
            "лист «{sheet}» не удаётся дочитать: файл повреждён. Откройте его в Excel и сохраните заново (техническая причина: {e})"
        ),
    )
}

fn quoted_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("«{n}»"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The merged cells of a sheet (none when they cannot be read: the sheet's own reading then
/// says what is wrong).
fn merges_of(book: &mut Book<'_>, sheet: &str) -> Vec<Dimensions> {
    match book.worksheet_merge_cells(sheet) {
        Some(Ok(merges)) => merges,
        _ => Vec::new(),
    }
}

/// The sheet to read, with its merged cells (a refusal is one per file: the size of a
/// [`Problem`] does not matter here).
#[allow(clippy::result_large_err)]
fn choose(
    book: &mut Book<'_>,
    file: &str,
    options: &ReadOptions,
) -> Result<(String, Vec<Dimensions>), Problem> {
    let sheets = book.sheet_names();
    if sheets.is_empty() {
        return Err(Problem::error(
            file,
            Place::File,
            None,
            "в книге нет листов",
        ));
    }
    if let Some(wanted) = &options.sheet {
        let found = sheets
            .iter()
            .find(|s| *s == wanted)
            .or_else(|| {
                sheets
                    .iter()
                    .find(|s| s.trim().to_lowercase() == wanted.trim().to_lowercase())
            })
            .cloned();
        return match found {
            Some(name) => {
                let merges = merges_of(book, &name);
                Ok((name, merges))
            }
            None => Err(Problem::error(
                file,
                Place::File,
                None,
                format!(
                    "в книге нет листа «{wanted}»; листы: {}",
                    quoted_list(&sheets)
                ),
            )),
        };
    }
    let mut first_filled: Option<(String, Vec<Dimensions>)> = None;
    let mut first_error: Option<Problem> = None;
    for name in &sheets {
        let merges = merges_of(book, name);
        let header = {
            let mut reader = match book.worksheet_cells_reader(name) {
                Ok(reader) => reader,
                Err(XlsxError::NotAWorksheet(_)) => continue,
                Err(e) => {
                    first_error.get_or_insert_with(|| damaged(file, name, &e));
                    continue;
                }
            };
            let none = Formulas::default();
            let mut rows = Rows::new(move || reader.next_cell(), &none);
            match Table::start(&mut rows, &merges) {
                Ok(Some(table)) => table.layout.names,
                Ok(None) => continue,
                Err(e) => {
                    first_error.get_or_insert_with(|| damaged(file, name, &e));
                    continue;
                }
            }
        };
        if names_the_table(&header, options.mapping.as_ref()) {
            return Ok((name.clone(), merges));
        }
        if first_filled.is_none() {
            first_filled = Some((name.clone(), merges));
        }
    }
    match (first_filled, first_error) {
        (Some(chosen), _) => Ok(chosen),
        (None, Some(problem)) => Err(problem),
        (None, None) => Err(Problem::error(
            file,
            Place::File,
            None,
            "в книге нет данных: все листы пусты",
        )),
    }
}

/// Whether a header names the row contract's required columns (with a mapping: every column
/// of the file the mapping reads).
fn names_the_table(header: &[String], mapping: Option<&ColumnMapping>) -> bool {
    match mapping {
        Some(m) => {
            let mut read = m.columns.iter().filter(|c| c.target.is_some()).peekable();
            read.peek().is_some()
                && read.all(|c| {
                    header
                        .iter()
                        .any(|h| super::normalise_header(h) == super::normalise_header(&c.source))
                })
        }
        None => {
            let found: Vec<usize> = header.iter().filter_map(|h| resolve_header(h)).collect();
            schema()
                .columns
                .iter()
                .enumerate()
                .all(|(i, c)| !c.required || found.contains(&i))
        }
    }
}

/// Reads the chosen sheet into `out`.
fn read_sheet(
    book: &mut Book<'_>,
    file: &str,
    sheet: &str,
    merges: &[Dimensions],
    formulas: &Formulas,
    options: &ReadOptions,
    out: &mut Parsed,
) -> Result<(), XlsxError> {
    let mut reader = match book.worksheet_cells_reader(sheet) {
        Err(XlsxError::NotAWorksheet(_)) => {
            out.problems.push(Problem::error(
                file,
                Place::File,
                None,
                format!("лист «{sheet}» — не таблица (диаграмма или макрос)"),
            ));
            return Ok(());
        }
        other => other?,
    };
    let mut rows = Rows::new(move || reader.next_cell(), formulas);
    let Some(mut table) = Table::start(&mut rows, merges)? else {
        out.problems.push(Problem::error(
            file,
            Place::File,
            None,
            format!("лист «{sheet}» пуст"),
        ));
        return Ok(());
    };
    let layout = &table.layout;
    let cell_at = |row: u32, column: u32| Place::Cell {
        sheet: sheet.to_string(),
        row: row as usize + 1,
        column: column as usize,
    };
    if !layout.titles.is_empty() {
        let titles: Vec<String> = layout.titles.iter().map(|r| (r + 1).to_string()).collect();
        out.problems.push(Problem::note(
            file,
            cell_at(layout.top, layout.col0),
            None,
            format!(
                "строки {} над таблицей (заголовок листа) пропущены; заголовок таблицы — строка {}",
                titles.join(", "),
                layout.top + 1
            ),
        ));
    }
    if layout.bottom > layout.top {
        out.problems.push(Problem::note(
            file,
            cell_at(layout.top, layout.col0),
            None,
            format!(
                "заголовок таблицы в двух строках ({} и {}, с объединёнными ячейками): столбцы названы по нижней строке",
                layout.top + 1,
                layout.bottom + 1
            ),
        ));
    }
    let header_at = |pos: usize| {
        let row = layout.name_rows.get(pos).copied().unwrap_or(layout.bottom);
        cell_at(row, layout.col0 + pos as u32)
    };
    let Some(plan) = plan_columns(
        file,
        &layout.names,
        &header_at,
        options.mapping.as_ref(),
        &mut out.problems,
    ) else {
        return Ok(());
    };
    if let Some(row) = table.numbering {
        out.problems.push(Problem::note(
            file,
            cell_at(row, layout.col0),
            None,
            "строка с номерами столбцов (1, 2, 3, …) пропущена",
        ));
    }
    let width = layout.names.len();
    let col0 = layout.col0;
    let mut warned: BTreeSet<u32> = BTreeSet::new();
    let mut unnamed: Vec<Problem> = Vec::new();
    while let Some(row) = table.next_row(&mut rows)? {
        let mut cells: Vec<Cell> = vec![Cell::Text(""); width];
        for (c, v) in &row.cells {
            let named = table.layout.position(*c).filter(|&p| {
                table
                    .layout
                    .names
                    .get(p)
                    .is_some_and(|n| !n.trim().is_empty())
            });
            match named.and_then(|p| cells.get_mut(p)) {
                Some(slot) => *slot = cell(v),
                None => {
                    if warned.insert(*c) {
                        unnamed.push(Problem::warning(
                            file,
                            cell_at(row.row, *c),
                            None,
                            format!(
                                "значение в столбце {} без заголовка — столбец не будет использован",
                                column_letters(*c as usize)
                            ),
                        ));
                    }
                }
            }
        }
        // A formula whose value no spreadsheet computed, in a column that is read: an error at
        // its cell (`build_row`); in a column that is not read it does not matter.
        for (c, formula) in &row.uncomputed {
            let named = table.layout.position(*c).filter(|&p| {
                table
                    .layout
                    .names
                    .get(p)
                    .is_some_and(|n| !n.trim().is_empty())
            });
            if let Some(slot) = named.and_then(|p| cells.get_mut(p)) {
                *slot = Cell::Uncomputed(formula);
            }
        }
        let r = row.row;
        read_record(
            file,
            &plan,
            &cells,
            &|pos| cell_at(r, col0 + pos.unwrap_or(0) as u32),
            out,
        );
    }
    out.problems.extend(unnamed);
    Ok(())
}

/// A row of a sheet: its 0-based Excel row and its filled cells (0-based column, value), and
/// its formulas whose value no spreadsheet computed (0-based column, formula).
struct SheetRow<'a> {
    row: u32,
    cells: Vec<(u32, DataRef<'a>)>,
    uncomputed: Vec<(u32, Box<str>)>,
}

/// The filled rows of a sheet, one at a time, from its cells as the file lists them.
struct Rows<'a, 'f, F> {
    next_cell: F,
    pending: Option<(u32, u32, DataRef<'a>)>,
    done: bool,
    /// The sheet's formula cells: one whose value was not computed is set apart.
    formulas: &'f Formulas,
}

impl<'a, 'f, F> Rows<'a, 'f, F>
where
    F: FnMut() -> Result<Option<calamine::Cell<DataRef<'a>>>, XlsxError>,
{
    fn new(next_cell: F, formulas: &'f Formulas) -> Self {
        Rows {
            next_cell,
            pending: None,
            done: false,
            formulas,
        }
    }

    fn next_row(&mut self) -> Result<Option<SheetRow<'a>>, XlsxError> {
        let mut current: Option<SheetRow<'a>> = None;
        loop {
            let next = match self.pending.take() {
                Some(cell) => Some(cell),
                None if self.done => None,
                None => match (self.next_cell)() {
                    Ok(Some(cell)) => {
                        let (r, c) = cell.get_position();
                        Some((r, c, cell.get_value().clone()))
                    }
                    Ok(None) => {
                        self.done = true;
                        None
                    }
                    Err(e) => {
                        self.done = true;
                        return Err(e);
                    }
                },
            };
            let Some((r, c, value)) = next else {
                return Ok(current);
            };
            if r >= MAX_ROWS || c >= MAX_COLUMNS {
                continue;
            }
            let formula = self.formulas.uncomputed(r, c, &value);
            if formula.is_none() && blank(&value) {
                continue;
            }
            if current.as_ref().is_some_and(|row| row.row != r) {
                self.pending = Some((r, c, value));
                return Ok(current);
            }
            let row = current.get_or_insert_with(|| SheetRow {
                row: r,
                cells: Vec::new(),
                uncomputed: Vec::new(),
            });
            match formula {
                Some(f) => row.uncomputed.push((c, f.into())),
                None => row.cells.push((c, value)),
            }
        }
    }
}

fn blank(v: &DataRef<'_>) -> bool {
    match v {
        DataRef::Empty => true,
        DataRef::String(s) => s.trim().is_empty(),
        DataRef::SharedString(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// Where a sheet's table is and what its columns are called.
struct Layout {
    /// The first column of the table (0-based); `names[i]` is column `col0 + i`.
    col0: u32,
    names: Vec<String>,
    /// The row (0-based) each name was taken from.
    name_rows: Vec<u32>,
    /// The header's first and last rows (0-based; equal for a one-row header).
    top: u32,
    bottom: u32,
    /// Title rows skipped above the header (0-based).
    titles: Vec<u32>,
}

impl Layout {
    /// The table position of a sheet column, if the table has it.
    fn position(&self, column: u32) -> Option<usize> {
        let p = column.checked_sub(self.col0)? as usize;
        (p < self.names.len()).then_some(p)
    }
}

/// A sheet being read: its layout, the rows already read past the header, and the cells
/// merged down several data rows.
struct Table<'a> {
    layout: Layout,
    buffered: VecDeque<SheetRow<'a>>,
    /// The row of column numbers under the header, skipped (0-based).
    numbering: Option<u32>,
    /// Merged cells starting below the header and spanning several rows, by first row.
    tall: Vec<Dimensions>,
    next_tall: usize,
    /// Merged cells of the rows being read: the region and its value.
    active: Vec<(Dimensions, DataRef<'a>)>,
}

impl<'a> Table<'a> {
    /// Reads the header (and the rows needed to recognise it); `None` for an empty sheet.
    fn start<F>(
        rows: &mut Rows<'a, '_, F>,
        merges: &[Dimensions],
    ) -> Result<Option<Self>, XlsxError>
    where
        F: FnMut() -> Result<Option<calamine::Cell<DataRef<'a>>>, XlsxError>,
    {
        let mut buffered: VecDeque<SheetRow<'a>> = VecDeque::new();
        while buffered.len() < MAX_TITLES + 2 {
            match rows.next_row()? {
                // Above the table, a row of formulas without values has nothing to name.
                Some(row) if buffered.is_empty() && row.cells.is_empty() => {}
                Some(row) => buffered.push_back(row),
                None => break,
            }
        }
        // Title rows: single filled cells above a row with several.
        let singles = buffered
            .iter()
            .take(MAX_TITLES)
            .take_while(|r| r.cells.len() == 1)
            .count();
        let titles: Vec<u32> = if buffered.get(singles).is_some_and(|r| r.cells.len() > 1) {
            buffered.drain(..singles).map(|r| r.row).collect()
        } else {
            Vec::new()
        };
        let Some(first) = buffered.pop_front() else {
            return Ok(None);
        };
        let groups = merges
            .iter()
            .any(|d| d.start.0 == first.row && d.end.1 > d.start.1 && d.end.0 >= d.start.0);
        let second_is_header = groups
            && buffered.front().is_some_and(|r| {
                r.row == first.row + 1
                    && r.cells
                        .iter()
                        .all(|(_, v)| matches!(v, DataRef::String(_) | DataRef::SharedString(_)))
            });
        let second = if second_is_header {
            buffered.pop_front()
        } else {
            None
        };
        let layout = match &second {
            None => {
                let mut texts: BTreeMap<u32, String> = BTreeMap::new();
                for (c, v) in &first.cells {
                    texts.entry(*c).or_insert_with(|| display(v));
                }
                let with_rows = texts.into_iter().map(|(c, t)| (c, t, first.row)).collect();
                layout_of(with_rows, first.row, first.row, titles)
            }
            Some(second) => two_row_layout(&first, second, merges, titles),
        };
        let Some(layout) = layout else {
            return Ok(None);
        };
        let mut table = Table {
            layout,
            buffered,
            numbering: None,
            tall: Vec::new(),
            next_tall: 0,
            active: Vec::new(),
        };
        let bottom = table.layout.bottom;
        table.tall = merges
            .iter()
            .filter(|d| d.start.0 > bottom && d.end.0 > d.start.0)
            .copied()
            .collect();
        table.tall.sort_by_key(|d| d.start);
        if table
            .buffered
            .front()
            .is_some_and(|r| r.row == bottom + 1 && table.is_numbering(r))
        {
            table.numbering = table.buffered.pop_front().map(|r| r.row);
        }
        Ok(Some(table))
    }

    /// A row of column numbers: 1, 2, 3, … in the table's columns in order (at least three).
    fn is_numbering(&self, row: &SheetRow<'_>) -> bool {
        row.cells.len() >= 3
            && row.cells.iter().all(|(c, v)| {
                let number = match v {
                    DataRef::Int(i) => Some(*i as f64),
                    DataRef::Float(f) => Some(*f),
                    DataRef::String(s) => s.trim().parse::<f64>().ok(),
                    DataRef::SharedString(s) => s.trim().parse::<f64>().ok(),
                    _ => None,
                };
                match (number, self.layout.position(*c)) {
                    (Some(n), Some(p)) => n == (p + 1) as f64,
                    _ => false,
                }
            })
    }

    /// The next data row, with the values of cells merged down into it.
    fn next_row<F>(&mut self, rows: &mut Rows<'a, '_, F>) -> Result<Option<SheetRow<'a>>, XlsxError>
    where
        F: FnMut() -> Result<Option<calamine::Cell<DataRef<'a>>>, XlsxError>,
    {
        let mut row = match self.buffered.pop_front() {
            Some(row) => row,
            None => match rows.next_row()? {
                Some(row) => row,
                None => return Ok(None),
            },
        };
        let r = row.row;
        self.active.retain(|(d, _)| d.end.0 >= r);
        while let Some(d) = self.tall.get(self.next_tall) {
            if d.start.0 > r {
                break;
            }
            if d.start.0 == r && self.active.len() < MAX_COLUMNS as usize {
                if let Some((_, v)) = row.cells.iter().find(|(c, _)| *c == d.start.1) {
                    self.active.push((*d, v.clone()));
                }
            }
            self.next_tall += 1;
        }
        for (d, v) in &self.active {
            if d.start.0 < r && !row.cells.iter().any(|(c, _)| *c == d.start.1) {
                row.cells.push((d.start.1, v.clone()));
            }
        }
        Ok(Some(row))
    }
}

/// The layout of a two-row header: merged cells fill the columns they span, a column is named
/// by its bottom non-empty cell, or «group sub» when the bottom text repeats in the row.
fn two_row_layout(
    first: &SheetRow<'_>,
    second: &SheetRow<'_>,
    merges: &[Dimensions],
    titles: Vec<u32>,
) -> Option<Layout> {
    let texts = |row: &SheetRow<'_>| -> BTreeMap<u32, String> {
        let mut t = BTreeMap::new();
        for (c, v) in &row.cells {
            t.entry(*c).or_insert_with(|| display(v));
        }
        t
    };
    let own = [texts(first), texts(second)];
    // Merged cells fill columns within the header's own cells only (a merge can claim the
    // whole sheet).
    let (lo, hi) = own
        .iter()
        .flat_map(|t| t.keys())
        .fold((u32::MAX, 0), |(lo, hi), &c| (lo.min(c), hi.max(c)));
    let mut filled = own.clone();
    for (i, row) in [first.row, second.row].into_iter().enumerate() {
        for d in merges {
            if d.start.0 > row || d.end.0 < row {
                continue;
            }
            let origin = match d.start.0 {
                r if r == first.row => own[0].get(&d.start.1),
                r if r == second.row => own[1].get(&d.start.1),
                _ => None,
            };
            let (Some(text), Some(target)) = (origin, filled.get_mut(i)) else {
                continue;
            };
            for c in d.start.1.max(lo)..=d.end.1.min(hi) {
                target.entry(c).or_insert_with(|| text.clone());
            }
        }
    }
    let [upper, lower] = filled;
    let repeated = |t: &str| {
        let key = super::normalise_header(t);
        lower
            .values()
            .filter(|l| super::normalise_header(l) == key)
            .count()
            > 1
    };
    let columns: BTreeSet<u32> = upper.keys().chain(lower.keys()).copied().collect();
    let named = columns
        .into_iter()
        .filter_map(|c| match (upper.get(&c), lower.get(&c)) {
            (Some(u), Some(l))
                if super::normalise_header(u) != super::normalise_header(l) && repeated(l) =>
            {
                Some((c, format!("{} {}", u.trim(), l.trim()), second.row))
            }
            (_, Some(l)) => Some((c, l.clone(), second.row)),
            (Some(u), None) => Some((c, u.clone(), first.row)),
            (None, None) => None,
        })
        .collect();
    layout_of(named, first.row, second.row, titles)
}

/// A layout from the named columns (sheet column, name, the row it came from).
fn layout_of(
    named: Vec<(u32, String, u32)>,
    top: u32,
    bottom: u32,
    titles: Vec<u32>,
) -> Option<Layout> {
    let col0 = named.iter().map(|(c, _, _)| *c).min()?;
    let last = named.iter().map(|(c, _, _)| *c).max()?;
    let width = (last - col0) as usize + 1;
    let mut names = vec![String::new(); width];
    let mut name_rows = vec![bottom; width];
    for (c, name, row) in named {
        let p = (c - col0) as usize;
        if let (Some(n), Some(r)) = (names.get_mut(p), name_rows.get_mut(p)) {
            *n = name;
            *r = row;
        }
    }
    Some(Layout {
        col0,
        names,
        name_rows,
        top,
        bottom,
        titles,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{parse_file, parse_file_with, preview_table, MappedColumn};
    use super::*;
    use crate::domain::contract::problem::Severity;
    use formulas::{attribute, each_tag, names_a_formula, position_of, CellScan};
    use rust_xlsxwriter::{ExcelDateTime as Date, Format, Workbook, Worksheet};

    const IDENTITY: [&str; 5] = [
        "school_id",
        "school_name",
        "municipality",
        "school_type",
        "year",
    ];

    fn saved(mut book: Workbook) -> Vec<u8> {
        book.save_to_buffer().expect("a workbook")
    }

    fn sheet<'w>(book: &'w mut Workbook, name: &str) -> &'w mut Worksheet {
        book.add_worksheet().set_name(name).expect("a sheet name")
    }

    /// Writes a header at `row` and data rows under it, starting at `col`: text cells as text,
    /// the rest as numbers.
    fn table(ws: &mut Worksheet, row: u32, col: u16, header: &[&str], data: &[Vec<&str>]) {
        for (i, h) in header.iter().enumerate() {
            ws.write_string(row, col + i as u16, *h).unwrap();
        }
        for (r, cells) in data.iter().enumerate() {
            for (i, v) in cells.iter().enumerate() {
                let (rr, cc) = (row + 1 + r as u32, col + i as u16);
                if v.is_empty() {
                    continue;
                }
                match v.parse::<f64>() {
                    Ok(n) => ws.write_number(rr, cc, n).unwrap(),
                    Err(_) => ws.write_string(rr, cc, *v).unwrap(),
                };
            }
        }
    }

    fn errors(p: &Parsed) -> Vec<String> {
        p.problems
            .iter()
            .filter(|p| p.is_error())
            .map(ToString::to_string)
            .collect()
    }

    fn cell(sheet: &str, row: usize, column: usize) -> Place {
        Place::Cell {
            sheet: sheet.to_string(),
            row,
            column,
        }
    }

    #[test]
    fn the_first_sheet_with_the_tables_columns_is_read_by_default_or_the_one_asked_for() {
        let mut book = Workbook::new();
        let ws = sheet(&mut book, "Титул");
        ws.write_string(0, 0, "Сведения о школах района").unwrap();
        ws.write_string(1, 0, "Составитель").unwrap();
        ws.write_string(1, 1, "Иванова").unwrap();
        let ws = sheet(&mut book, "Данные 2024");
        table(
            ws,
            0,
            0,
            &[&IDENTITY[..], &["ege_rus_mean"]].concat(),
            &[
                vec!["s1", "Школа 1", "Город", "secondary", "2024", "68.5"],
                vec!["s2", "Школа 2", "Город", "basic", "2024", ""],
            ],
        );
        let bytes = saved(book);

        let p = parse_file("book.xlsx", &bytes);
        assert!(errors(&p).is_empty(), "{:?}", p.problems);
        assert_eq!(p.rows.len(), 2);
        assert_eq!(p.rows[0].values.get_by_id("ege_rus_mean"), Some(68.5));
        assert_eq!(
            p.places,
            vec![cell("Данные 2024", 2, 0), cell("Данные 2024", 3, 0)]
        );
        let note = p
            .problems
            .iter()
            .find(|p| p.severity == Severity::Note && p.message.starts_with("прочитан лист"))
            .expect("which sheet was read");
        assert_eq!(
            note.to_string(),
            "примечание: book.xlsx: прочитан лист «Данные 2024»; в книге листы: «Титул», «Данные 2024»"
        );

        // Asked for by name: the title sheet, which has no table.
        let options = ReadOptions {
            sheet: Some("Титул".into()),
            mapping: None,
        };
        let p = parse_file_with("book.xlsx", &bytes, &options);
        assert!(p.rows.is_empty());
        assert!(errors(&p).contains(
            &"ошибка: book.xlsx, ячейка Титул!A2, поле «Идентификатор школы»: нет обязательного столбца «school_id» (Идентификатор школы)"
                .to_string()
        ), "{:?}", errors(&p));
        // A sheet the workbook does not have.
        let options = ReadOptions {
            sheet: Some("Лист1".into()),
            mapping: None,
        };
        let p = parse_file_with("book.xlsx", &bytes, &options);
        assert_eq!(
            errors(&p),
            vec!["ошибка: book.xlsx: в книге нет листа «Лист1»; листы: «Титул», «Данные 2024»"]
        );
        // The preview names the sheets and the one read.
        let preview = preview_table("book.xlsx", &bytes, &ReadOptions::default(), 10).unwrap();
        assert_eq!(preview.sheets, vec!["Титул", "Данные 2024"]);
        assert_eq!(preview.sheet.as_deref(), Some("Данные 2024"));
        assert!(preview.reads_by_names());
        assert_eq!(preview.rows[0][5], "68,5");
        assert_eq!(preview.rows[1][5], "");
    }

    #[test]
    fn a_two_row_header_with_merged_group_cells() {
        let mut book = Workbook::new();
        let ws = sheet(&mut book, "Лист1");
        let plain = Format::new();
        // Identity columns merged over both header rows; «ЕГЭ» and «ОГЭ» over their subjects.
        for (i, id) in IDENTITY.iter().enumerate() {
            ws.merge_range(0, i as u16, 1, i as u16, id, &plain)
                .unwrap();
        }
        ws.merge_range(0, 5, 0, 6, "ЕГЭ", &plain).unwrap();
        ws.merge_range(0, 7, 0, 8, "ОГЭ", &plain).unwrap();
        ws.merge_range(0, 9, 0, 10, "Контингент", &plain).unwrap();
        for (i, sub) in [
            "средний балл по русскому",
            "участники",
            "средний балл по русскому",
            "участники",
            "students_total",
            "deviant_pct",
        ]
        .iter()
        .enumerate()
        {
            ws.write_string(1, 5 + i as u16, *sub).unwrap();
        }
        for (r, (id, ege, oge)) in [("s1", 70.0, 4.1), ("s2", 65.0, 3.8)].iter().enumerate() {
            let r = 2 + r as u32;
            ws.write_string(r, 0, *id).unwrap();
            ws.write_string(r, 1, format!("Школа {id}")).unwrap();
            ws.write_string(r, 2, "Город").unwrap();
            ws.write_string(r, 3, "secondary").unwrap();
            ws.write_number(r, 4, 2024).unwrap();
            ws.write_number(r, 5, *ege).unwrap();
            ws.write_number(r, 6, 20).unwrap();
            ws.write_number(r, 7, *oge).unwrap();
            ws.write_number(r, 8, 30).unwrap();
            ws.write_number(r, 9, 500).unwrap();
            ws.write_string(r, 10, "1,5").unwrap();
        }
        let bytes = saved(book);

        let preview = preview_table("two.xlsx", &bytes, &ReadOptions::default(), 5).unwrap();
        assert_eq!(
            preview.header,
            vec![
                "school_id",
                "school_name",
                "municipality",
                "school_type",
                "year",
                "ЕГЭ средний балл по русскому",
                "ЕГЭ участники",
                "ОГЭ средний балл по русскому",
                "ОГЭ участники",
                "students_total",
                "deviant_pct",
            ],
            "a repeated sub-label takes its group; a unique one stands alone"
        );
        assert_eq!(preview.rows.len(), 2, "data starts under the second row");
        assert_eq!(preview.rows[0][7], "4,1");

        let col = |source: &str, target: &str| MappedColumn {
            source: source.into(),
            target: Some(target.into()),
            fraction: false,
        };
        let mut columns: Vec<MappedColumn> = IDENTITY.iter().map(|id| col(id, id)).collect();
        columns.extend([
            col("ЕГЭ средний балл по русскому", "ege_rus_mean"),
            col("ЕГЭ участники", "ege_participants"),
            col("ОГЭ средний балл по русскому", "oge_rus_mean"),
            col("ОГЭ участники", "oge_participants"),
        ]);
        let options = ReadOptions {
            sheet: None,
            mapping: Some(ColumnMapping {
                name: "Форма района".into(),
                columns,
            }),
        };
        let p = parse_file_with("two.xlsx", &bytes, &options);
        assert!(errors(&p).is_empty(), "{:?}", p.problems);
        assert_eq!(p.rows.len(), 2);
        let r = &p.rows[1];
        assert_eq!(r.values.get_by_id("ege_rus_mean"), Some(65.0));
        assert_eq!(r.values.get_by_id("oge_rus_mean"), Some(3.8));
        assert_eq!(r.values.get_by_id("oge_participants"), Some(30.0));
        assert_eq!(r.values.get_by_id("students_total"), Some(500.0));
        assert_eq!(r.values.get_by_id("deviant_pct"), Some(1.5));
        assert_eq!(p.places[0], cell("Лист1", 3, 0));
        assert!(p.problems.iter().any(|p| p.severity == Severity::Note
            && p.message
                .starts_with("заголовок таблицы в двух строках (1 и 2")));
    }

    #[test]
    fn decimal_commas_ids_typed_as_numbers_and_empty_rows() {
        let mut book = Workbook::new();
        let ws = sheet(&mut book, "Лист1");
        table(
            ws,
            0,
            0,
            &[&IDENTITY[..], &["ege_no_cert_pct", "ege_rus_mean"]].concat(),
            &[
                vec![
                    "123",
                    "Школа",
                    "Город",
                    "basic",
                    "2024",
                    "12,5",
                    " 1 068,25 ",
                ],
                vec!["s2", "Школа 2", "Город", "basic", "2024", "0,5", ""],
            ],
        );
        // Empty rows at the end: blank formatted cells, spaces, an empty string.
        let bold = Format::new().set_bold();
        for r in 3..40 {
            ws.write_blank(r, 0, &bold).unwrap();
        }
        ws.write_string(41, 2, "   ").unwrap();
        ws.write_string(45, 6, "").unwrap();
        let bytes = saved(book);
        let p = parse_file("n.xlsx", &bytes);
        // 1 068,25 is out of range for a mean score: the text was read as a number.
        assert_eq!(
            errors(&p),
            vec!["ошибка: n.xlsx, ячейка Лист1!G2, поле «Средний балл ЕГЭ по русскому языку»: средний балл ЕГЭ должен быть от 0 до 100, получено «1 068,25»"]
        );
        assert_eq!(p.rows.len(), 1, "the empty rows are not rows");
        assert_eq!(p.rows[0].school_id, "s2");
        assert_eq!(p.rows[0].values.get_by_id("ege_no_cert_pct"), Some(0.5));

        let mut book = Workbook::new();
        let ws = sheet(&mut book, "Лист1");
        table(
            ws,
            0,
            0,
            &[&IDENTITY[..], &["ege_no_cert_pct"]].concat(),
            &[vec!["123", "Школа", "Город", "basic", "2024", "12,5"]],
        );
        let p = parse_file("n.xlsx", &saved(book));
        assert!(errors(&p).is_empty(), "{:?}", p.problems);
        assert_eq!(p.rows[0].school_id, "123", "not «123.0»");
        assert_eq!(p.rows[0].year, 2024);
        assert_eq!(p.rows[0].values.get_by_id("ege_no_cert_pct"), Some(12.5));
    }

    #[test]
    fn dates_logical_values_and_excel_errors_are_not_numbers() {
        let mut book = Workbook::new();
        let ws = sheet(&mut book, "Лист1");
        let header = [&IDENTITY[..], &["ege_no_cert_pct"]].concat();
        let rows: Vec<Vec<&str>> = (0..11)
            .map(|_| vec!["s", "Школа", "Город", "basic", "2024", "5"])
            .collect();
        table(ws, 0, 0, &header, &rows);
        let dates = Format::new().set_num_format("dd.mm.yyyy");
        // Row 12: a date in the share column; row 11: the year typed into a date cell.
        ws.write_string(11, 0, "s12").unwrap();
        ws.write_datetime_with_format(11, 5, Date::from_ymd(2024, 9, 1).unwrap(), &dates)
            .unwrap();
        ws.write_string(10, 0, "s11").unwrap();
        ws.write_number_with_format(10, 4, 2024, &dates).unwrap();
        ws.write_boolean(9, 5, true).unwrap();
        ws.write_formula(8, 5, "=1/0").unwrap();
        // A number where the id is, a date where the name is.
        ws.write_datetime_with_format(7, 1, Date::from_ymd(2023, 5, 25).unwrap(), &dates)
            .unwrap();
        let bytes = saved(book);
        let p = parse_file("d.xlsx", &bytes);
        let e = errors(&p);
        for expected in [
            "ошибка: d.xlsx, ячейка Лист1!F12, поле «Доля выпускников, не получивших аттестат (ЕГЭ), %»: ожидалось число, а в ячейке дата 01.09.2024",
            "ошибка: d.xlsx, ячейка Лист1!E11, поле «Год»: год должен быть целым числом от 1990 до 2100, а в ячейке дата 16.07.1905 (у ячейки формат даты: поставьте формат «Общий» или «Числовой» и введите год числом)",
            "ошибка: d.xlsx, ячейка Лист1!F10, поле «Доля выпускников, не получивших аттестат (ЕГЭ), %»: ожидалось число, а в ячейке логическое значение ИСТИНА",
            "ошибка: d.xlsx, ячейка Лист1!B8, поле «Наименование школы»: ожидался текст, а в ячейке дата 25.05.2023",
        ] {
            assert!(e.contains(&expected.to_string()), "missing «{expected}» in {e:#?}");
        }
        // The formula's value was never computed (a program wrote the book, storing 0 as its
        // value; Excel itself would store #DIV/0!): an error at its cell, not a 0.
        assert!(
            e.iter().any(|m| m.starts_with(
                "ошибка: d.xlsx, ячейка Лист1!F9, поле «Доля выпускников, не получивших аттестат (ЕГЭ), %»: в ячейке формула «=1/0» без вычисленного значения"
            )),
            "{e:#?}"
        );
        assert_eq!(e.len(), 5, "{e:#?}");
        assert_eq!(p.rows.len(), 6);
        let preview = preview_table("d.xlsx", &bytes, &ReadOptions::default(), 20).unwrap();
        assert_eq!(preview.rows[10][5], "01.09.2024");
        assert_eq!(preview.rows[8][5], "ИСТИНА");
    }

    /// A workbook's parts, changed by `edit(name, text)`, packed again.
    fn repacked(bytes: &[u8], edit: impl Fn(&str, String) -> String) -> Vec<u8> {
        use std::io::{Read, Write};
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..archive.len() {
            let mut part = archive.by_index(i).unwrap();
            let name = part.name().to_string();
            let mut text = String::new();
            part.read_to_string(&mut text).unwrap();
            w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(edit(&name, text).as_bytes()).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    /// Scripts write workbooks with formulas and leave computing them to Excel:
    /// rust_xlsxwriter stores 0 as every formula's value (and asks Excel to recalculate on
    /// load). Before, such a cell was read as 0 — or, stored without a value, as empty —
    /// without a word.
    #[test]
    fn a_formula_without_a_computed_value_is_an_error_at_its_cell() {
        use rust_xlsxwriter::Formula;
        let write = |results: bool| {
            let mut book = Workbook::new();
            let ws = sheet(&mut book, "Лист1");
            let header = [&IDENTITY[..], &["ege_no_cert_pct", "ege_rus_mean", "Итого"]].concat();
            let rows: Vec<Vec<&str>> = ["s1", "s2", "s3", "s4", "s5"]
                .iter()
                .map(|id| vec![*id, "Школа", "Город", "basic", "2024", "5", "70"])
                .collect();
            table(ws, 0, 0, &header, &rows);
            let formula = |f: &str, v: &str| {
                if results {
                    Formula::new(f).set_result(v)
                } else {
                    Formula::new(f)
                }
            };
            // s1: a share computed by a formula; s3: a mean, its value given by the script;
            // s4: a total in a column that is not read; s5: the name made by a formula.
            ws.write_formula(1, 5, formula("=10/4", "2.5")).unwrap();
            ws.write_formula(3, 6, Formula::new("=70+1").set_result("71"))
                .unwrap();
            ws.write_formula(4, 7, formula("=SUM(F5:G5)", "75"))
                .unwrap();
            ws.write_formula(5, 1, formula("=\"Школа \"&A6", "Школа s5"))
                .unwrap();
            saved(book)
        };
        let program = write(false);
        let p = parse_file("формулы.xlsx", &program);
        let advice = "без вычисленного значения (книгу записала программа, а не Excel): откройте файл в Excel и сохраните его — Excel вычислит формулы, — или вставьте в эти ячейки значения («Специальная вставка» → «Значения»)";
        assert_eq!(
            errors(&p),
            vec![
                format!("ошибка: формулы.xlsx, ячейка Лист1!F2, поле «Доля выпускников, не получивших аттестат (ЕГЭ), %»: в ячейке формула «=10/4» {advice}"),
                format!("ошибка: формулы.xlsx, ячейка Лист1!G4, поле «Средний балл ЕГЭ по русскому языку»: в ячейке формула «=70+1» {advice}"),
                format!("ошибка: формулы.xlsx, ячейка Лист1!B6, поле «Наименование школы»: в ячейке формула «=\"Школа \"&A6» {advice}"),
            ]
        );
        let read: Vec<&str> = p.rows.iter().map(|r| r.school_id.as_str()).collect();
        assert_eq!(read, ["s2", "s4"], "a row with such a cell is not used");
        assert_eq!(
            p.problems
                .iter()
                .filter(|p| p.severity == Severity::Warning)
                .count(),
            1,
            "the unknown column «Итого» once, its formula not at all: {:?}",
            p.problems
        );

        // Stored without any value (as other libraries write formulas): the same, even in a
        // workbook that does not ask to be recalculated.
        let bare = repacked(&program, |name, text| match name {
            "xl/workbook.xml" => text.replace(r#" fullCalcOnLoad="1""#, ""),
            _ => text.replace("</f><v>0</v>", "</f>"),
        });
        let e = errors(&parse_file("формулы.xlsx", &bare));
        assert_eq!(e.len(), 2, "{e:#?}");
        assert!(e[0].starts_with("ошибка: формулы.xlsx, ячейка Лист1!F2, поле «Доля выпускников, не получивших аттестат (ЕГЭ), %»: в ячейке формула «=10/4» без вычисленного значения"), "{e:#?}");
        assert!(e[1].contains("ячейка Лист1!B6"), "{e:#?}");

        // Saved by Excel: the values it computed are the data.
        let excel = repacked(&write(true), |name, text| match name {
            "xl/workbook.xml" => text.replace(r#" fullCalcOnLoad="1""#, ""),
            _ => text,
        });
        let p = parse_file("формулы.xlsx", &excel);
        assert!(errors(&p).is_empty(), "{:?}", errors(&p));
        assert_eq!(p.rows.len(), 5);
        assert_eq!(p.rows[0].values.get_by_id("ege_no_cert_pct"), Some(2.5));
        assert_eq!(p.rows[2].values.get_by_id("ege_rus_mean"), Some(71.0));
        assert_eq!(p.rows[4].school_name, "Школа s5");
    }

    #[test]
    fn formula_cells_are_found_in_the_sheets_xml_as_calamine_places_cells() {
        let mut book = Workbook::new();
        table(
            sheet(&mut book, "Титул"),
            0,
            0,
            &IDENTITY,
            &[vec!["s1", "Ш", "Г", "basic", "2024"]],
        );
        let ws = sheet(&mut book, "Данные");
        ws.write_string(0, 0, "a").unwrap();
        ws.write_formula(2, 27, "=A1&\"<x>\"").unwrap();
        let bytes = saved(book);
        let f = formulas_of(&bytes, 0);
        assert!(f.cells.is_empty(), "the first sheet has no formula");
        let f = formulas_of(&bytes, 1);
        assert_eq!(f.cells, vec![((2, 27), Some("=A1&\"<x>\"".into()))]);
        assert!(f.recalculate, "rust_xlsxwriter asks Excel to recalculate");
        assert_eq!(formulas_of(&bytes, 2).cells, vec![], "no such sheet");

        // Cells without references, a shared formula's cells, a prefix, comments, a tag split
        // over blocks: as calamine reads them.
        let xml = format!(
            "<?xml version=\"1.0\"?><!-- <c r=\"Z9\"><f>1</f></c> --><x:sheetData>\
             <x:row r=\"3\"><x:c r=\"B3\"><x:f t=\"shared\" ref=\"B3:B4\" si=\"0\">A3*2</x:f><x:v>0</x:v></x:c>\
             <x:c><x:v>1</x:v></x:c><x:c><x:f>1&lt;2</x:f></x:c></x:row>\
             <x:row><x:c r=\"B4\" s=\"1\"><x:f t=\"shared\" si=\"0\"/></x:c><x:c r=\"C4\"/></x:row>\
             <x:row r=\"7\" spans=\"1:2\"/><x:row>{}<x:c><x:f>{}</x:f></x:c></x:row></x:sheetData>",
            "<x:c r=\"A8\" t=\"s\" attr=\"a>b\"><x:v>0</x:v></x:c>".repeat(5000),
            "Z".repeat(200),
        );
        let mut cells = Vec::new();
        let mut scan = CellScan::default();
        each_tag(xml.as_bytes(), |t| scan.take(t, &mut cells));
        let long = format!("={}…", "Z".repeat(60));
        assert_eq!(
            cells,
            vec![
                ((2, 1), Some("=A3*2".into())),
                ((2, 3), Some("=1<2".into())),
                ((3, 1), None),
                ((7, 1), Some(long.into())),
            ]
        );
        assert!(names_a_formula(b"<c r=\"A1\"><f>1+1</f></c>"));
        assert!(names_a_formula(b"<x:f t=\"shared\" si=\"0\"/>"));
        assert!(!names_a_formula(
            b"<c r=\"A1\" t=\"s\"><v>0</v></c><font/><fill>"
        ));
        assert_eq!(position_of(b"XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(position_of(b"A0"), None);
        assert_eq!(position_of(b"ZZZZZZZZ1"), None);
        assert_eq!(position_of(b"A99999999999"), None);
        assert_eq!(attribute(b" r='B2' t=\"str\" ", b"t"), Some(&b"str"[..]));
    }

    #[test]
    fn a_table_below_a_title_with_numbered_columns_and_municipalities_merged_down() {
        let mut book = Workbook::new();
        let ws = sheet(&mut book, "Свод");
        let plain = Format::new();
        ws.merge_range(0, 2, 0, 7, "Сведения о школах района за 2024 год", &plain)
            .unwrap();
        let header = [&IDENTITY[..], &["oge_rus_mean"]].concat();
        table(ws, 2, 2, &header, &[]);
        for i in 0..6u16 {
            ws.write_number(3, 2 + i, f64::from(i + 1)).unwrap();
        }
        ws.merge_range(4, 4, 6, 4, "Район А", &plain).unwrap();
        for (k, (id, v)) in [("s1", "3,9"), ("s2", "4"), ("s3", "7")].iter().enumerate() {
            let r = 4 + k as u32;
            ws.write_string(r, 2, *id).unwrap();
            ws.write_string(r, 3, format!("Школа {id}")).unwrap();
            ws.write_string(r, 5, "basic").unwrap();
            ws.write_number(r, 6, 2024).unwrap();
            ws.write_string(r, 7, *v).unwrap();
        }
        ws.write_string(5, 10, "проверено").unwrap();
        ws.write_string(6, 10, "проверено").unwrap();
        let p = parse_file("t.xlsx", &saved(book));
        assert_eq!(
            errors(&p),
            vec!["ошибка: t.xlsx, ячейка Свод!H7, поле «Средний балл ОГЭ по русскому языку»: средний балл по пятибалльной шкале должен быть от 2 до 5, получено «7»"]
        );
        assert_eq!(p.rows.len(), 2);
        assert!(p.rows.iter().all(|r| r.municipality == "Район А"));
        assert_eq!(p.places, vec![cell("Свод", 5, 2), cell("Свод", 6, 2)]);
        let m: Vec<String> = p.problems.iter().map(ToString::to_string).collect();
        for expected in [
            "примечание: t.xlsx, ячейка Свод!C3: строки 1 над таблицей (заголовок листа) пропущены; заголовок таблицы — строка 3",
            "примечание: t.xlsx, ячейка Свод!C4: строка с номерами столбцов (1, 2, 3, …) пропущена",
            "предупреждение: t.xlsx, ячейка Свод!K6: значение в столбце K без заголовка — столбец не будет использован",
        ] {
            assert!(m.contains(&expected.to_string()), "missing «{expected}» in {m:#?}");
        }
    }

    #[test]
    fn damaged_and_foreign_archives() {
        let mut book = Workbook::new();
        table(
            sheet(&mut book, "Лист1"),
            0,
            0,
            &IDENTITY,
            &[vec!["s1", "Ш", "Г", "basic", "2024"]],
        );
        let bytes = saved(book);
        // Cut anywhere: an error, and once it starts as a ZIP, «повреждён» (before, a cut
        // before the workbook's parts were named was «архив ZIP … сохраните как CSV»).
        for cut in (0..bytes.len()).step_by(97) {
            let p = parse_file("cut.xlsx", &bytes[..cut]);
            assert!(p.rows.is_empty() || cut == bytes.len());
            assert!(!errors(&p).is_empty(), "cut at {cut}");
            if cut >= 4 {
                assert!(
                    errors(&p)[0]
                        .starts_with("ошибка: cut.xlsx: файл повреждён или записан не полностью"),
                    "cut at {cut}: {:?}",
                    errors(&p)
                );
            }
            let _ = preview_table("cut.xlsx", &bytes[..cut], &ReadOptions::default(), 3);
        }
        for cut in [bytes.len() / 2, bytes.len() - 30] {
            let m = "ошибка: cut.xlsx: файл повреждён или записан не полностью: это архив ZIP, как книга Excel (.xlsx), но он обрывается или испорчен, и прочитать его нельзя. Получите файл заново (скачайте или скопируйте ещё раз) или, если он открывается в Excel, сохраните его там как «Книга Excel (.xlsx)»";
            assert_eq!(errors(&parse_file("cut.xlsx", &bytes[..cut])), vec![m]);
            assert_eq!(
                preview_table("cut.xlsx", &bytes[..cut], &ReadOptions::default(), 3)
                    .unwrap_err()
                    .to_string(),
                m
            );
        }
        // Flipped bytes never panic.
        for i in (0..bytes.len()).step_by(13) {
            let mut b = bytes.clone();
            b[i] ^= 0x5A;
            let _ = parse_file("flip.xlsx", &b);
            let _ = preview_table("flip.xlsx", &b, &ReadOptions::default(), 3);
        }
    }

    #[test]
    fn an_empty_workbook_and_an_empty_sheet_asked_for() {
        let mut book = Workbook::new();
        sheet(&mut book, "Пусто");
        let bytes = saved(book);
        assert_eq!(
            errors(&parse_file("e.xlsx", &bytes)),
            vec!["ошибка: e.xlsx: в книге нет данных: все листы пусты"]
        );
        let options = ReadOptions {
            sheet: Some("пусто".into()),
            mapping: None,
        };
        assert_eq!(
            errors(&parse_file_with("e.xlsx", &bytes, &options)),
            vec!["ошибка: e.xlsx: лист «Пусто» пуст"]
        );
        assert_eq!(
            preview_table("e.xlsx", &bytes, &options, 3)
                .unwrap_err()
                .to_string(),
            "ошибка: e.xlsx: лист «Пусто» пуст"
        );
    }

    /// A header as wide as Excel allows reads in reasonable time (a crafted file).
    #[test]
    fn a_header_as_wide_as_excel_allows() {
        let mut book = Workbook::new();
        let ws = sheet(&mut book, "Лист1");
        for c in 0..16_384u32 {
            ws.write_string(0, c as u16, format!("x{c}")).unwrap();
            ws.write_number(1, c as u16, 1.0).unwrap();
        }
        let started = std::time::Instant::now();
        let p = parse_file("wide.xlsx", &saved(book));
        assert!(p.rows.is_empty());
        assert!(
            errors(&p).len() == 5,
            "the five required columns are missing"
        );
        println!("wide header read in {:?}", started.elapsed());
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    }
}
