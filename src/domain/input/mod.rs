//! The folder `input`: files read into rows of the contract. This module reads CSV and JSON and
//! the stored positional form; [`xlsx`] reads a workbook's sheet through the same column plan;
//! [`mapping`] maps a table whose header is not the contract's; [`xlsx_sheet`] reads a sheet
//! back cell for cell. Uses the folders `common`, `contract` and `tables` only.
//!
//! Reading the row contract from CSV, JSON and Excel (.xlsx) files.
//!
//! CSV: UTF-8 (a BOM is tolerated), separator `;`, `,` or tab (detected from the header),
//! decimal point or decimal comma, empty cell = no data; a line with fewer fields than the
//! header names columns is broken, an error (a blank line is skipped). JSON: an array of
//! objects with the same keys. Every problem is collected with its file, line/record and column; a row with
//! an error is not used, and the caller sees the error (nothing is dropped silently). XLSX: a
//! sheet of a workbook, read by [`xlsx`] through the same column plan and row checks as CSV.

use crate::domain::contract::problem::{Place, Problem};
use crate::domain::contract::row::Row;
use crate::domain::contract::schema::schema;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

mod cells;
mod columns;
mod csv_rows;
mod csv_tokens;
mod json_rows;
pub mod mapping;
mod positional;
mod row_serde;
mod several;
mod xlsx;
pub mod xlsx_sheet;
pub use cells::{check_range, is_year, parse_number};
pub use columns::{normalise_header, ColumnMapping, MappedColumn};
#[cfg(not(target_arch = "wasm32"))]
pub use csv_rows::parse_csv_in_chunks;
pub use csv_rows::{parse_csv, parse_csv_with};
pub use csv_tokens::csv_head_len;
pub use json_rows::{parse_json, row_from_json, rows_from_json_array};
pub use positional::{row_from_parts, row_parts};
pub use several::{merge, template_csv};
pub(crate) use xlsx::unreadable as unreadable_workbook;

use columns::resolve_header;
use csv_tokens::{detect_separator, CsvRecords};

/// Rows read from one file, with where each came from, and everything worth saying about it.
#[derive(Debug, Default, PartialEq)]
pub struct Parsed {
    pub file: String,
    pub rows: Vec<Row>,
    /// Where each row of `rows` came from (same length as `rows`).
    pub places: Vec<Place>,
    pub problems: Vec<Problem>,
}

/// What a binary file that is not a table of text really is, by its first bytes.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        Some("архив ZIP без книги Excel — так устроены документы Word (.docx) и другие файлы")
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Some("книга Excel старого формата (.xls) или документ Word старого формата (.doc); так же хранится и книга Excel, защищённая паролем, — тогда снимите пароль")
    } else if bytes.starts_with(b"%PDF") {
        Some("документ PDF")
    } else {
        None
    }
}

/// A binary file under a table's name, named for what it is, with what to do: a workbook is
/// read as «Книга Excel (.xlsx)», a text table as «CSV UTF-8».
fn binary_problem(file: &str, bytes: &[u8]) -> Option<Problem> {
    let kind = binary_kind(bytes)?;
    Some(Problem::error(
        file,
        Place::File,
        None,
        format!(
            "этот файл Шкала не читает: это {kind}. Откройте таблицу в Excel и сохраните её как «Книга Excel (.xlsx)» или как «CSV UTF-8 (разделитель — запятая)», затем загрузите новый файл."
        ),
    ))
}

/// How a file is to be read beyond its content: which sheet of a workbook, and a column
/// mapping for a file whose header is not the contract's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReadOptions {
    /// The sheet to read; `None`: the first sheet whose header names the contract's required
    /// columns (or, with a mapping, the mapping's columns), else the first sheet.
    pub sheet: Option<String>,
    pub mapping: Option<ColumnMapping>,
}

/// Reads a file by its content: an Excel workbook (.xlsx), a JSON array (first non-blank byte
/// `[`) or CSV. Another binary file under a table's name is named for what it is.
pub fn parse_file(file: &str, bytes: &[u8]) -> Parsed {
    parse_file_with(file, bytes, &ReadOptions::default())
}

/// [`parse_file`] with a sheet and a column mapping.
pub fn parse_file_with(file: &str, bytes: &[u8], options: &ReadOptions) -> Parsed {
    if let Some(parsed) = xlsx::parse(file, bytes, options) {
        return parsed;
    }
    if let Some(problem) = binary_problem(file, bytes) {
        return Parsed {
            file: file.to_string(),
            problems: vec![problem],
            ..Parsed::default()
        };
    }
    if is_json(bytes) {
        parse_json(file, bytes)
    } else {
        parse_csv_with(file, bytes, options.mapping.as_ref())
    }
}

/// A JSON table by its first non-blank byte (after a BOM): `[` or `{`.
fn is_json(bytes: &[u8]) -> bool {
    let first = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(bytes)
        .iter()
        .find(|b| !b.is_ascii_whitespace());
    matches!(first, Some(b'[') | Some(b'{'))
}

/// What [`parse_file_with`] reads as CSV: not a workbook, another binary file or JSON.
#[cfg(not(target_arch = "wasm32"))]
fn is_csv(bytes: &[u8]) -> bool {
    binary_kind(bytes).is_none() && !is_json(bytes)
}

/// The first rows of a table file as they stand, for the mapping step: the sheets (of a
/// workbook), the header and up to `max_rows` records as text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TablePreview {
    pub file: String,
    /// The sheets of a workbook (empty for CSV).
    pub sheets: Vec<String>,
    /// The sheet read (for a workbook).
    pub sheet: Option<String>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl TablePreview {
    /// True when the header names every required column of the contract by its id or
    /// Russian label, so the file can be read without a mapping.
    pub fn reads_by_names(&self) -> bool {
        let s = schema();
        let found: Vec<usize> = self
            .header
            .iter()
            .filter_map(|h| resolve_header(h))
            .collect();
        s.columns
            .iter()
            .enumerate()
            .all(|(i, c)| !c.required || found.contains(&i))
    }

    /// The values of a column of the preview (by position), empty cells left out.
    pub fn column_values(&self, position: usize) -> impl Iterator<Item = &str> {
        self.rows
            .iter()
            .filter_map(move |r| r.get(position))
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
    }
}

/// Reads the header and the first `max_rows` records of a CSV file (or a workbook) without
/// matching them to the contract. A JSON file has no columns to map: an error (one per file:
/// the size of a [`Problem`] does not matter here).
#[allow(clippy::result_large_err)]
pub fn preview_table(
    file: &str,
    bytes: &[u8],
    options: &ReadOptions,
    max_rows: usize,
) -> Result<TablePreview, Problem> {
    if let Some(preview) = xlsx::preview(file, bytes, options, max_rows) {
        return preview;
    }
    if let Some(problem) = binary_problem(file, bytes) {
        return Err(problem);
    }
    let mut problems = Vec::new();
    let Some(text) = decode(file, bytes, &mut problems) else {
        return Err(problems
            .pop()
            .unwrap_or_else(|| Problem::error(file, Place::File, None, "файл не читается")));
    };
    let first = text.trim_start().chars().next();
    if matches!(first, Some('[') | Some('{')) {
        return Err(Problem::error(
            file,
            Place::File,
            None,
            "файл JSON читается по названиям столбцов Шкалы; сопоставление столбцов нужно только для таблиц (CSV, XLSX)",
        ));
    }
    let mut records = CsvRecords::new(text, detect_separator(text));
    let header = match records.next() {
        Some(Ok((_, h))) => h.into_iter().map(Cow::into_owned).collect(),
        Some(Err((line, message))) => {
            return Err(Problem::error(file, Place::Line(line), None, message))
        }
        None => return Err(Problem::error(file, Place::File, None, "файл пуст")),
    };
    let rows = records
        .filter_map(Result::ok)
        .map(|(_, cells)| cells.into_iter().map(Cow::into_owned).collect::<Vec<_>>())
        .filter(|cells| cells.iter().any(|c| !c.trim().is_empty()))
        .take(max_rows)
        .collect();
    Ok(TablePreview {
        file: file.to_string(),
        sheets: Vec::new(),
        sheet: None,
        header,
        rows,
    })
}

/// Decodes UTF-8 (dropping a BOM), or explains why not.
fn decode<'a>(file: &str, bytes: &'a [u8], problems: &mut Vec<Problem>) -> Option<&'a str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Some(s),
        Err(e) => {
            let high = bytes.iter().filter(|&&b| b >= 0xC0).count();
            let hint = if high > 0 {
                " Похоже, файл сохранён в кодировке Windows-1251: сохраните его в Excel как «CSV UTF-8 (разделитель — запятая)»."
            } else {
                ""
            };
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            problems.push(Problem::error(
                file,
                Place::Line(line),
                None,
                format!(
                    "файл не в кодировке UTF-8 (первый неверный символ — в этой строке).{hint}"
                ),
            ));
            None
        }
    }
}

/// [`parse_file_with`] reading a large CSV file on every core ([`parse_csv_in_chunks`]: the
/// same result); workbooks, JSON and small files as [`parse_file_with`] does. The CLI's reader.
/// In the browser (no threads) it is [`parse_file_with`].
#[cfg(target_arch = "wasm32")]
pub fn parse_file_on_all_cores(file: &str, bytes: &[u8], options: &ReadOptions) -> Parsed {
    parse_file_with(file, bytes, options)
}

/// [`parse_file_with`] reading a large CSV file on every core ([`parse_csv_in_chunks`]: the
/// same result); workbooks, JSON and small files as [`parse_file_with`] does. The CLI's reader.
#[cfg(not(target_arch = "wasm32"))]
pub fn parse_file_on_all_cores(file: &str, bytes: &[u8], options: &ReadOptions) -> Parsed {
    /// Below this, a part is not worth a thread.
    const PART: usize = 1 << 20;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunks = cores.min(bytes.len() / PART);
    if chunks < 2 || !is_csv(bytes) {
        return parse_file_with(file, bytes, options);
    }
    parse_csv_in_chunks(file, bytes, options.mapping.as_ref(), chunks)
}

#[cfg(test)]
mod binary_tests {
    use super::*;

    /// A ZIP archive of other parts (as a Word document is), packed in memory.
    fn archive(parts: &[(&str, &str)]) -> Vec<u8> {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, text) in parts {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(text.as_bytes()).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn a_binary_file_under_a_tables_name_is_named_for_what_it_is() {
        let docx = archive(&[("word/document.xml", "<w:document/>")]);
        for (bytes, what) in [
            (
                &docx[..],
                "это архив ZIP без книги Excel — так устроены документы Word (.docx)",
            ),
            (
                &[0xD0, 0xCF, 0x11, 0xE0, 0xA1][..],
                "это книга Excel старого формата (.xls)",
            ),
            (&b"%PDF-1.7"[..], "это документ PDF"),
        ] {
            let p = parse_file("t.csv", bytes);
            assert!(p.rows.is_empty());
            assert_eq!(p.problems.len(), 1);
            let m = p.problems[0].to_string();
            assert!(
                m.starts_with("ошибка: t.csv: этот файл Шкала не читает")
                    && m.contains(what)
                    && m.contains(
                        "«Книга Excel (.xlsx)» или как «CSV UTF-8 (разделитель — запятая)»"
                    ),
                "{m}"
            );
            let e = preview_table("t.csv", bytes, &ReadOptions::default(), 5).unwrap_err();
            assert_eq!(e.to_string(), m, "the mapping step says the same");
        }
    }

    /// The README says old books are saved as .xlsx: so does the message (before, it sent
    /// them to «CSV UTF-8» only).
    #[test]
    fn an_old_xls_book_is_told_to_become_an_xlsx_book() {
        let p = parse_file(
            "свод.xls",
            &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
        );
        assert_eq!(
            p.problems[0].to_string(),
            "ошибка: свод.xls: этот файл Шкала не читает: это книга Excel старого формата (.xls) или документ Word старого формата (.doc); так же хранится и книга Excel, защищённая паролем, — тогда снимите пароль. Откройте таблицу в Excel и сохраните её как «Книга Excel (.xlsx)» или как «CSV UTF-8 (разделитель — запятая)», затем загрузите новый файл."
        );
    }

    /// A file that starts as a ZIP but does not open as one is damaged — cut short in a
    /// download or a copy — not «an archive to save as CSV».
    #[test]
    fn a_broken_zip_under_a_tables_name_is_called_damaged() {
        let p = parse_file("t.csv", b"PK\x03\x04\x14\x00rest");
        assert_eq!(p.problems.len(), 1);
        let m = p.problems[0].to_string();
        assert!(
            m.starts_with("ошибка: t.csv: файл повреждён или записан не полностью"),
            "{m}"
        );
        assert!(!m.contains("CSV"), "{m}");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_mapping_reads_another_form_renamed_reordered_and_with_fractions() {
        let csv = "Год;Наименование ОО;Код ОО;Район;Вид;Доля семей с низким доходом;Лишнее\n\
                   2024;Школа №1;s1;Район А;secondary;0,07;x\n\
                   2024;Школа №2;s2;Район А;basic;0,255;y\n";
        let by_names = parse_csv("f.csv", csv.as_bytes());
        assert!(by_names.rows.is_empty());
        assert!(by_names.problems.iter().any(|p| p.is_error()
            && p.column.as_deref() == Some("school_id")
            && p.message.contains("нет обязательного столбца")));
        let col = |source: &str, target: Option<&str>, fraction: bool| MappedColumn {
            source: source.into(),
            target: target.map(str::to_string),
            fraction,
        };
        let mapping = ColumnMapping {
            name: "Форма района".into(),
            columns: vec![
                col("год", Some("year"), false),
                col("Наименование  ОО", Some("school_name"), false),
                col("Код ОО", Some("school_id"), false),
                col("Район", Some("municipality"), false),
                col("Вид", Some("school_type"), false),
                col("Доля семей с низким доходом", Some("deviant_pct"), true),
                col("Лишнее", None, false),
            ],
        };
        let parsed = parse_csv_with("f.csv", csv.as_bytes(), Some(&mapping));
        assert!(
            !parsed.problems.iter().any(|p| p.is_error()),
            "{:?}",
            parsed.problems
        );
        assert_eq!(parsed.rows.len(), 2);
        let d = schema().data_index("deviant_pct").unwrap();
        assert_eq!(parsed.rows[0].school_id, "s1");
        assert_eq!(parsed.rows[0].values.get(d), Some(7.0));
        assert_eq!(parsed.rows[1].values.get(d), Some(25.5));
        // The ignored column is not called unknown.
        assert!(!parsed
            .problems
            .iter()
            .any(|p| p.column.as_deref() == Some("Лишнее")));
        // Without the fraction flag 0,07 is read as 0,07 %.
        let mut plain = mapping.clone();
        plain.columns[5].fraction = false;
        let parsed = parse_csv_with("f.csv", csv.as_bytes(), Some(&plain));
        assert_eq!(parsed.rows[0].values.get(d), Some(0.07));
        // A mapping to a column the contract does not have is refused by name.
        let mut wrong = mapping.clone();
        wrong.columns[0].target = Some("yaer".into());
        let parsed = parse_csv_with("f.csv", csv.as_bytes(), Some(&wrong));
        assert!(parsed.rows.is_empty());
        assert!(parsed
            .problems
            .iter()
            .any(|p| p.message.contains("неизвестному столбцу «yaer»")));
        let preview = preview_table("f.csv", csv.as_bytes(), &ReadOptions::default(), 1).unwrap();
        assert_eq!(preview.header.len(), 7);
        assert_eq!(preview.rows.len(), 1);
        assert!(!preview.reads_by_names());
        assert_eq!(preview.column_values(5).collect::<Vec<_>>(), vec!["0,07"]);
    }

    use super::*;
    use crate::domain::contract::problem::{has_errors, Severity};
    use crate::domain::contract::row::SchoolType;
    use cells::plain_decimal;
    use csv_tokens::cell_end;

    fn messages(p: &Parsed) -> Vec<String> {
        p.problems.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn semicolon_csv_with_bom_decimal_comma_and_quotes() {
        let csv = "\u{feff}school_id;school_name;municipality;school_type;year;ege_rus_mean;ege_participants\r\n\
                   s1;\"Школа; №1\";Город;secondary;2021;68,5;25\r\n\
                   s2;Школа 2;Город;СОШ;2021;;\r\n\
                   ;;;;;;\r\n";
        let p = parse_csv("a.csv", csv.as_bytes());
        assert!(!has_errors(&p.problems), "{:?}", messages(&p));
        assert_eq!(p.rows.len(), 2, "the empty line is skipped");
        assert_eq!(p.rows[0].school_name, "Школа; №1");
        assert_eq!(p.rows[0].values.get_by_id("ege_rus_mean"), Some(68.5));
        assert_eq!(p.rows[0].values.get_by_id("ege_participants"), Some(25.0));
        assert_eq!(p.rows[1].school_type, SchoolType::Secondary);
        assert_eq!(p.rows[1].values.get_by_id("ege_rus_mean"), None);
        assert_eq!(p.places, vec![Place::Line(2), Place::Line(3)]);
    }

    #[test]
    fn quoted_line_breaks_and_doubled_quotes_keep_line_numbers() {
        let csv = "school_id,school_name,municipality,school_type,year,oge_rus_mean\n\
                   s1,\"Школа «Надежда»,\nкорпус 2\",M,basic,2020,3.9\n\
                   s2,  \"Школа \"\"Знание\"\"\"  ,M,basic,2020,x\r\n\
                   s3,C,M,basic,2020,4";
        let p = parse_csv("q.csv", csv.as_bytes());
        assert_eq!(p.rows.len(), 2);
        assert_eq!(p.rows[0].school_name, "Школа «Надежда»,\nкорпус 2");
        assert_eq!(
            p.rows[1].school_id, "s3",
            "the last line needs no line break"
        );
        assert_eq!(p.places, vec![Place::Line(2), Place::Line(5)]);
        let errors: Vec<String> = p
            .problems
            .iter()
            .filter(|p| p.is_error())
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            errors,
            vec!["ошибка: q.csv, строка 4, столбец «Средний балл ОГЭ по русскому языку»: ожидалось число, получено «x»"]
        );
    }

    #[test]
    fn comma_csv_with_decimal_point_and_russian_headers() {
        let csv = "Идентификатор школы,school_name,municipality,school_type,year,oge_rus_mean\n\
                   s1,A,M,basic,2020,3.9\n";
        let p = parse_csv("b.csv", csv.as_bytes());
        assert!(!has_errors(&p.problems), "{:?}", messages(&p));
        assert_eq!(p.rows[0].school_id, "s1");
        assert_eq!(p.rows[0].values.get_by_id("oge_rus_mean"), Some(3.9));
    }

    #[test]
    fn absent_columns_are_noted_and_unknown_columns_warned() {
        let csv =
            "school_id;school_name;municipality;school_type;year;oge_rus_mean;oge_math_mean;foo\n\
                   s1;A;M;basic;2020;3,9;4;x\n";
        let p = parse_csv("c.csv", csv.as_bytes());
        let m = messages(&p);
        assert!(m.contains(&"предупреждение: c.csv, строка 1, столбец «foo»: неизвестный столбец — он не будет использован".to_string()), "{m:?}");
        let note = p
            .problems
            .iter()
            .find(|p| p.severity == Severity::Note)
            .expect("a note");
        assert!(note.message.starts_with("нет данных: ЕГЭ, ВПР, Социальные характеристики обучающихся и их семей; нет столбцов: «Число участников ОГЭ», «Доля выпускников, не получивших аттестат (ОГЭ), %»"), "{}", note.message);
        assert!(
            !note.message.contains("oge_"),
            "no column id: {}",
            note.message
        );
        assert!(note
            .message
            .ends_with("эти показатели считаются пустыми во всех строках"));
        assert_eq!(p.rows.len(), 1);
    }

    #[test]
    fn every_bad_cell_is_reported_with_line_and_column() {
        let csv = "school_id;school_name;municipality;school_type;year;ege_no_cert_pct;oge_rus_mean;ege_rus_mean;ege_participants\n\
                   s1;A;M;secondary;2021;120;7;101;-1\n\
                   s2;B;M;гимназия;20x1;abc;3,5;;2,5\n\
                   ;C;M;basic;2021;;;;\n\
                   s4;D;M;basic;2021;1;2;3;4;5\n";
        let p = parse_csv("bad.csv", csv.as_bytes());
        assert!(p.rows.is_empty(), "no row with an error is used");
        let m = messages(&p);
        let expected = [
            "ошибка: bad.csv, строка 2, столбец «Доля выпускников, не получивших аттестат (ЕГЭ), %»: доля должна быть от 0 до 100 %, получено «120»",
            "ошибка: bad.csv, строка 2, столбец «Средний балл ОГЭ по русскому языку»: средний балл по пятибалльной шкале должен быть от 2 до 5, получено «7»",
            "ошибка: bad.csv, строка 2, столбец «Средний балл ЕГЭ по русскому языку»: средний балл ЕГЭ должен быть от 0 до 100, получено «101»",
            "ошибка: bad.csv, строка 2, столбец «Число участников ЕГЭ»: количество должно быть целым неотрицательным числом, получено «-1»",
            "ошибка: bad.csv, строка 3, столбец «Тип школы»: неизвестный тип школы (допустимые значения: «средняя», «основная», «вечерняя (сменная)», «начальная», «реализующая адаптированные программы», «при исправительном учреждении» и сокращения СОШ, ООШ …), получено «гимназия»",
            "ошибка: bad.csv, строка 3, столбец «Год»: год должен быть целым числом от 1990 до 2100, получено «20x1»",
            "ошибка: bad.csv, строка 3, столбец «Доля выпускников, не получивших аттестат (ЕГЭ), %»: ожидалось число, получено «abc»",
            "ошибка: bad.csv, строка 3, столбец «Число участников ЕГЭ»: количество должно быть целым неотрицательным числом, получено «2,5»",
            "ошибка: bad.csv, строка 4, столбец «Идентификатор школы»: обязательное поле не заполнено",
            "ошибка: bad.csv, строка 5: в строке 10 ячеек, а в заголовке 9: проверьте разделитель и кавычки",
        ];
        for e in expected {
            assert!(m.contains(&e.to_string()), "missing «{e}» in {m:#?}");
        }
        assert_eq!(
            m.iter().filter(|m| m.starts_with("ошибка")).count(),
            expected.len(),
            "{m:#?}"
        );
    }

    #[test]
    fn missing_required_columns_and_duplicate_headers_stop_the_file() {
        let p = parse_csv(
            "h.csv",
            b"school_id;school_name;year;year\ns1;A;2020;2020\n",
        );
        let m = messages(&p);
        assert!(m.contains(&"ошибка: h.csv, строка 1, столбец «Год»: столбец повторяется в заголовке (позиции 3 и 4)".to_string()), "{m:?}");
        assert!(m.contains(&"ошибка: h.csv, строка 1, столбец «Муниципалитет»: нет обязательного столбца «municipality» (Муниципалитет)".to_string()), "{m:?}");
        assert!(m.iter().any(|m| m.contains("«school_type»")));
        assert!(p.rows.is_empty());
    }

    #[test]
    fn empty_and_non_utf8_files() {
        assert_eq!(
            messages(&parse_csv("e.csv", b"")),
            vec!["ошибка: e.csv: файл пуст"]
        );
        assert_eq!(
            messages(&parse_csv("e.csv", b"\xEF\xBB\xBF \n")),
            vec!["ошибка: e.csv: файл пуст"]
        );
        // «Школа» in Windows-1251.
        let cp1251 = b"school_id;school_name\n1;\xd8\xea\xee\xeb\xe0\n";
        let m = messages(&parse_csv("w.csv", cp1251));
        assert_eq!(m.len(), 1);
        assert!(m[0].starts_with("ошибка: w.csv, строка 2: файл не в кодировке UTF-8 (первый неверный символ — в этой строке)."), "{}", m[0]);
        assert!(m[0].contains("Windows-1251"));
    }

    #[test]
    fn json_rows_with_strings_numbers_and_unknown_keys() {
        let json = r#"[
          {"school_id": 101, "school_name": "A", "municipality": "M", "school_type": "secondary", "year": "2021",
           "ege_rus_mean": "68,5", "ege_participants": 20, "note": "x"},
          {"school_id": "102", "school_name": "B", "municipality": "M", "school_type": "basic", "year": 2021,
           "oge_rus_mean": 9, "oge_math_mean": true, "note": "y"},
          "oops"
        ]"#;
        let p = parse_file("d.json", json.as_bytes());
        let m = messages(&p);
        assert_eq!(p.rows.len(), 1);
        assert_eq!(p.rows[0].school_id, "101");
        assert_eq!(p.rows[0].values.get_by_id("ege_rus_mean"), Some(68.5));
        for e in [
            "ошибка: d.json, запись 2, поле «oge_rus_mean»: средний балл по пятибалльной шкале должен быть от 2 до 5, получено «9»",
            "ошибка: d.json, запись 2, поле «oge_math_mean»: ожидалось число, получено логическое значение",
            "ошибка: d.json, запись 3: ожидался объект с полями строки",
            "предупреждение: d.json, запись 1, поле «note»: неизвестное поле — оно не будет использовано",
        ] {
            assert!(m.contains(&e.to_string()), "missing «{e}» in {m:#?}");
        }
    }

    #[test]
    fn broken_json_names_line_and_position() {
        let m = messages(&parse_json("x.json", b"[{\"school_id\": 1,\n }"));
        assert_eq!(m.len(), 1);
        assert!(
            m[0].starts_with("ошибка: x.json: некорректный JSON: строка 2"),
            "{}",
            m[0]
        );
        let m = messages(&parse_json("y.json", b"{\"a\": 1}"));
        assert_eq!(
            m,
            vec!["ошибка: y.json: ожидался массив объектов (по одному на школу и год)"]
        );
    }

    #[test]
    fn duplicates_within_and_across_files_are_errors() {
        let head = "school_id;school_name;municipality;school_type;year\n";
        let a = parse_csv(
            "a.csv",
            format!("{head}s1;A;M;basic;2020\ns1;A;M;basic;2020\ns2;B;M;basic;2020\n").as_bytes(),
        );
        let b = parse_json(
            "b.json",
            br#"[{"school_id":"s2","school_name":"B","municipality":"M","school_type":"basic","year":2020},
                {"school_id":"s2","school_name":"B","municipality":"M","school_type":"basic","year":2021}]"#,
        );
        let (rows, problems) = merge(vec![a, b]);
        assert_eq!(rows.len(), 3);
        let m: Vec<String> = problems
            .iter()
            .filter(|p| p.is_error())
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            m,
            vec![
                "ошибка: a.csv, строка 3, столбец «Идентификатор школы»: повторная строка для той же школы за тот же год (школа «s1», 2020 год; первая — a.csv, строка 2)",
                "ошибка: b.json, запись 1, поле «school_id»: повторная строка для той же школы за тот же год (школа «s2», 2020 год; первая — a.csv, строка 4)",
            ]
        );
    }

    #[test]
    fn numbers_as_people_write_them() {
        assert_eq!(parse_number(" 1 234,5 "), Ok(Some(1234.5)));
        assert_eq!(parse_number("1\u{a0}234"), Ok(Some(1234.0)));
        assert_eq!(parse_number("12,5 %"), Ok(Some(12.5)));
        assert_eq!(parse_number(""), Ok(None));
        assert!(parse_number("NaN").is_err());
        assert!(parse_number("inf").is_err());
        assert!(parse_number("1,2,3").is_err());
        assert!(parse_number("1.2,3").is_err());
    }

    #[test]
    fn exported_csv_reads_back_identically() {
        use crate::domain::tables::table::rows_csv;
        let rows = vec![
            Row::new(
                "s1",
                "=HYPERLINK(\"x\")",
                "Город; район",
                SchoolType::Secondary,
                2021,
            )
            .with("ege_rus_mean", 68.25)
            .with("ege_participants", 31.0),
            Row::new("s2", "Школа \"Надежда\"", "-", SchoolType::Evening, 2020)
                .with("guardianship_pct", 0.5),
        ];
        let csv = rows_csv(&rows);
        let p = parse_csv("r.csv", csv.as_bytes());
        assert!(!has_errors(&p.problems), "{:?}", messages(&p));
        assert_eq!(p.rows, rows);
    }

    #[test]
    fn template_has_every_column() {
        let t = template_csv();
        let p = parse_csv("t.csv", t.as_bytes());
        assert!(p.problems.iter().all(|p| !p.is_error()));
        assert_eq!(
            t.trim_start_matches('\u{feff}').trim().split(';').count(),
            schema().columns.len()
        );
    }
    #[test]
    fn positional_rows_round_trip_and_are_validated() {
        let row = Row::new("s1", "Школа", "Город", SchoolType::Basic, 2024)
            .with("oge_rus_mean", 3.75)
            .with("ege_participants", 12.0);
        let parts = row_parts(&row);
        assert!(
            parts.len() < schema().data_len(),
            "trailing empties are left out"
        );
        let back = row_from_parts(
            row.school_id.clone(),
            row.school_name.clone(),
            row.municipality.clone(),
            row.school_type.id(),
            i64::from(row.year),
            &parts,
        )
        .unwrap();
        assert_eq!(back, row);
        let mut bad = parts.clone();
        let i = schema().data_index("oge_rus_mean").unwrap();
        bad[i] = Some(9.0);
        let e =
            row_from_parts("s1".into(), "Ш".into(), "Г".into(), "basic", 2024, &bad).unwrap_err();
        assert_eq!(e, "«oge_rus_mean»: средний балл по пятибалльной шкале должен быть от 2 до 5, получено «9»");
        assert!(row_from_parts("".into(), "Ш".into(), "Г".into(), "basic", 2024, &[]).is_err());
        assert!(row_from_parts("s".into(), "Ш".into(), "Г".into(), "гимназия", 2024, &[]).is_err());
        assert!(row_from_parts("s".into(), "Ш".into(), "Г".into(), "basic", 3000, &[]).is_err());
        let too_many = vec![None; schema().data_len() + 1];
        assert!(
            row_from_parts("s".into(), "Ш".into(), "Г".into(), "basic", 2024, &too_many).is_err()
        );
    }

    #[test]
    fn text_after_a_closing_quote_and_an_unclosed_quote_are_errors() {
        let head = "school_id;school_name;municipality;school_type;year\n";
        let csv = format!("{head}s1;\"Школа\" № 1;М;basic;2024\ns2;Б;М;basic;2024\n");
        let p = parse_csv("q.csv", csv.as_bytes());
        let errors = |p: &Parsed| -> Vec<String> {
            p.problems
                .iter()
                .filter(|p| p.is_error())
                .map(ToString::to_string)
                .collect()
        };
        assert_eq!(
            errors(&p),
            vec!["ошибка: q.csv, строка 2: после закрывающей кавычки идёт текст: ячейка с кавычками должна заканчиваться кавычкой (внутри ячейки кавычка пишется двумя \"\")"]
        );
        assert_eq!(p.rows.len(), 1, "the next line is still read");
        assert_eq!(p.places, vec![Place::Line(3)]);

        let csv = format!("{head}s1;А;М;basic;2024\ns2;\"Б;М;basic;2024\ns3;В;М;basic;2024\n");
        let p = parse_csv("u.csv", csv.as_bytes());
        assert_eq!(
            errors(&p),
            vec!["ошибка: u.csv, строка 3: кавычка, открытая в этой строке, не закрыта до конца файла: проверьте кавычки"]
        );
        assert_eq!(
            p.rows.len(),
            1,
            "nothing after the open quote is taken as data"
        );
        // In the header too.
        let p = parse_csv("h.csv", b"school_id;\"school_name\nx");
        assert_eq!(
            messages(&p),
            vec!["ошибка: h.csv, строка 1: кавычка, открытая в этой строке, не закрыта до конца файла: проверьте кавычки"]
        );
    }

    /// A line with fewer fields than the header is broken (cut short, or separators lost):
    /// before, its missing cells were read as empty and the row was used. Blank lines and
    /// lines of separators only are still skipped; a quoted cell over several lines is one
    /// field; empty columns at the header's end need no fields.
    #[test]
    fn a_line_shorter_than_the_header_is_an_error_naming_it() {
        let head =
            "school_id;school_name;municipality;school_type;year;oge_rus_mean;oge_math_mean\n";
        let csv = format!(
            "{head}s1;Школа 1;Город;basic;2024;4;3,9\n\
             s2;Школа 2;Город;basic;2024;4\n\
             \n\
             ;;;;;;\n\
             s3;\"Школа\n№ 3\";Город;basic;2024;;\n\
             s4;Школа 4\n\
             s5;Школа 5;Город;basic;2024;3,5;4\n\
             \n"
        );
        let p = parse_csv("short.csv", csv.as_bytes());
        assert_eq!(
            messages(&p)
                .into_iter()
                .filter(|m| m.starts_with("ошибка"))
                .collect::<Vec<_>>(),
            vec![
                "ошибка: short.csv, строка 3: в строке 6 полей, а в заголовке 7 полей: строка оборвана или в ней пропущены разделители — она не прочитана (пустое значение пишется пустым полем между разделителями)",
                "ошибка: short.csv, строка 8: в строке 2 поля, а в заголовке 7 полей: строка оборвана или в ней пропущены разделители — она не прочитана (пустое значение пишется пустым полем между разделителями)",
            ]
        );
        let ids: Vec<&str> = p.rows.iter().map(|r| r.school_id.as_str()).collect();
        assert_eq!(ids, ["s1", "s3", "s5"]);
        assert_eq!(p.rows[1].school_name, "Школа\n№ 3");
        assert_eq!(
            p.places,
            vec![Place::Line(2), Place::Line(6), Place::Line(9)]
        );

        // Separators at the header's end name no column: the lines need not have them.
        let csv = "school_id;school_name;municipality;school_type;year;;\n\
                   s1;Школа 1;Город;basic;2024\n\
                   s2;Школа 2;Город;basic;2024;;\n";
        let p = parse_csv("trailing.csv", csv.as_bytes());
        assert!(
            p.problems.iter().all(|p| !p.is_error()),
            "{:?}",
            messages(&p)
        );
        assert_eq!(p.rows.len(), 2);
        // One field short of a named column is an error even when that column is empty.
        let p = parse_csv(
            "one.csv",
            "school_id;school_name;municipality;school_type;year;oge_rus_mean\ns1;Ш;Г;basic;2024\n"
                .as_bytes(),
        );
        assert!(p.rows.is_empty());
        assert_eq!(
            messages(&p)
                .into_iter()
                .filter(|m| m.starts_with("ошибка"))
                .collect::<Vec<_>>(),
            vec!["ошибка: one.csv, строка 2: в строке 5 полей, а в заголовке 6 полей: строка оборвана или в ней пропущены разделители — она не прочитана (пустое значение пишется пустым полем между разделителями)"]
        );
    }

    /// A CSV file with a problem of every kind near every part of it: broken years, shares
    /// out of range, short lines, unknown types, text after a closing quote, quoted names
    /// over several lines (with `\r\n` and doubled quotes inside), blank lines and lines of
    /// separators only, repeated rows, `\n` and `\r\n` line ends.
    fn file_with_problems_everywhere(records: usize) -> String {
        let mut csv = String::from("\u{feff}school_id;school_name;municipality;school_type;year;oge_rus_mean;deviant_pct\r\n");
        for i in 0..records {
            let end = if i % 3 == 0 { "\r\n" } else { "\n" };
            let line = match i % 13 {
                1 => format!("s{i};Школа {i};Город;basic;20x4;4;1"),
                2 => format!("s{i};Школа {i};Город;basic;2024;4;150"),
                3 => format!("s{i};Школа {i};Город"),
                4 => format!("s{i};\"Школа «{i}»\r\nкорпус \"\"2\"\"\n\";Город;basic;2024;3,5;2"),
                5 => String::new(),
                6 => ";;;;;;".to_string(),
                7 => format!("s{i};Школа {i};Город;гимназия;2024;4;1"),
                8 => format!("s{i};\"Школа\" {i};Город;basic;2024;4;1"),
                9 => format!("s{};Школа;Город;basic;2024;4;1", i - 9),
                10 => format!("s{i};Школа {i};\"Город\n\n\";basic;2024;9;1"),
                _ => format!("s{i};Школа {i};Город;basic;2024;4,25;0,5"),
            };
            csv.push_str(&line);
            csv.push_str(end);
        }
        csv
    }

    /// The CLI reads a large CSV in parts on every core: exactly what reading it in one piece
    /// gives — the rows, where each came from, and every problem in the same order with the
    /// same line — wherever the cuts fall (after a quoted line break, a blank line, an
    /// error…), with one part or more parts than lines.
    #[test]
    fn reading_in_parts_gives_exactly_the_reading_in_one_piece() {
        let csv = file_with_problems_everywhere(300);
        let whole = parse_csv("parts.csv", csv.as_bytes());
        assert!(
            whole.rows.len() > 100 && whole.problems.iter().filter(|p| p.is_error()).count() > 100
        );
        assert!(
            whole.problems.iter().any(|p| p.place == Place::Line(300)),
            "lines are counted through the quoted breaks"
        );
        for chunks in (1..=40).chain([97, 1000]) {
            let parts = parse_csv_in_chunks("parts.csv", csv.as_bytes(), None, chunks);
            assert!(
                parts == whole,
                "{chunks} parts: {:?}",
                first_difference(&whole, &parts)
            );
        }
        // And so with the repeated rows found across the whole file.
        let merged = merge(vec![whole]);
        let parts = merge(vec![parse_csv_in_chunks(
            "parts.csv",
            csv.as_bytes(),
            None,
            7,
        )]);
        assert_eq!(merged, parts);
        assert!(merged
            .1
            .iter()
            .any(|p| p.message.starts_with("повторная строка")));
    }

    /// A quote left open in the middle of the file: the reading stops there, in parts too.
    #[test]
    fn an_open_quote_ends_the_reading_in_parts_as_in_one_piece() {
        let mut csv = file_with_problems_everywhere(200);
        csv.push_str("s999;\"Школа;Город;basic;2024;4;1\n");
        for i in 0..200 {
            csv.push_str(&format!("t{i};Школа;Город;basic;2024;4;1\n"));
        }
        let whole = parse_csv("open.csv", csv.as_bytes());
        let last = whole.problems.last().unwrap();
        assert!(last.message.starts_with("кавычка, открытая"), "{last}");
        assert!(whole.rows.iter().all(|r| !r.school_id.starts_with('t')));
        for chunks in 1..=24 {
            assert!(
                parse_csv_in_chunks("open.csv", csv.as_bytes(), None, chunks) == whole,
                "{chunks} parts"
            );
        }
    }

    fn first_difference(a: &Parsed, b: &Parsed) -> String {
        if a.rows.len() != b.rows.len() || a.problems.len() != b.problems.len() {
            return format!(
                "rows {} and {}, problems {} and {}",
                a.rows.len(),
                b.rows.len(),
                a.problems.len(),
                b.problems.len()
            );
        }
        let row = a.rows.iter().zip(&b.rows).position(|(x, y)| x != y);
        let place = a.places.iter().zip(&b.places).position(|(x, y)| x != y);
        let problem = a.problems.iter().zip(&b.problems).find(|(x, y)| x != y);
        format!("row {row:?}, place {place:?}, problem {problem:?}")
    }

    /// The end of an unquoted cell found eight bytes at a time is the first separator or
    /// line break, wherever it falls in a word, and the end of the text without one.
    #[test]
    fn cell_ends_are_found_as_byte_by_byte() {
        let alphabet = b"ab;,\t\n\r\"\x80\xd0\xffx1";
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 40) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|i| alphabet[((seed >> (i % 50)) as usize + i * 7) % alphabet.len()])
                .collect();
            for sep in [b';', b',', b'\t'] {
                for start in 0..=len {
                    let plain = (start..len)
                        .find(|&k| matches!(bytes[k], b'\n' | b'\r') || bytes[k] == sep)
                        .unwrap_or(len);
                    assert_eq!(
                        cell_end(&bytes, start, sep),
                        plain,
                        "{bytes:?} from {start}"
                    );
                }
            }
        }
    }

    /// The plain decimals read without `str::parse` are its values to the bit, and what is
    /// not plain is left to it.
    #[test]
    fn plain_decimals_read_as_parse_reads_them() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..200_000 {
            let digits = 1 + (next() % 15) as usize;
            let mut text: String = (0..digits)
                .map(|_| char::from(b'0' + (next() % 10) as u8))
                .collect();
            let at = (next() % (digits as u64 + 2)) as usize;
            if at <= digits {
                text.insert(at, if next() % 2 == 0 { ',' } else { '.' });
            }
            let expected: f64 = text.replace(',', ".").parse().unwrap();
            let got = plain_decimal(text.as_bytes()).unwrap();
            assert_eq!(got.to_bits(), expected.to_bits(), "{text}");
            assert_eq!(parse_number(&text), Ok(Some(expected)));
        }
        for other in [
            "",
            ",",
            ".",
            "-1",
            "+1",
            "1,2,3",
            "1.2,3",
            " 1",
            "1e5",
            "1 000",
            "1234567890123456",
            "0,1234567890123456",
        ] {
            assert_eq!(plain_decimal(other.as_bytes()), None, "{other}");
        }
        assert_eq!(
            parse_number("0,1234567890123456"),
            Ok(Some(0.1234567890123456))
        );
        assert_eq!(parse_number("5,"), Ok(Some(5.0)));
        assert_eq!(parse_number(",5"), Ok(Some(0.5)));
    }

    #[test]
    fn json_tables_with_a_repeated_key_are_refused() {
        let json = br#"[{"school_id": "s1", "school_name": "A", "municipality": "M",
            "school_type": "basic", "year": 2024, "oge_rus_mean": 3, "oge_rus_mean": 5}]"#;
        let p = parse_file("d.json", json);
        assert!(p.rows.is_empty());
        let m = messages(&p);
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(
            m[0].starts_with("ошибка: d.json: некорректный JSON: строка 2, позиция ")
                && m[0].ends_with("поле «oge_rus_mean» повторяется в одном объекте"),
            "{m:?}"
        );
    }

    mod against_the_csv_crate {
        use super::*;
        use proptest::prelude::*;

        /// A cell as a spreadsheet would write it: plain, or quoted with separators, quotes
        /// and line breaks inside.
        fn cell() -> impl Strategy<Value = String> {
            prop_oneof![
                "[A-Za-zА-Яа-я0-9 .,_-]{0,8}".prop_map(|s| s.trim().to_string()),
                "[A-Za-zА-я0-9;,\"\n\r. ]{0,10}"
                    .prop_map(|s| format!("\"{}\"", s.replace('"', "\"\""))),
            ]
        }

        fn file() -> impl Strategy<Value = (char, Vec<Vec<String>>, bool)> {
            (
                prop_oneof![Just(';'), Just(','), Just('\t')],
                (1usize..6).prop_flat_map(|n| {
                    proptest::collection::vec(proptest::collection::vec(cell(), n), 1..8)
                }),
                any::<bool>(),
            )
        }

        proptest! {
            #[test]
            fn well_formed_files_read_the_same((sep, records, crlf) in file()) {
                let end = if crlf { "\r\n" } else { "\n" };
                let text: String = records
                    .iter()
                    .map(|r| r.join(&sep.to_string()) + end)
                    .collect();
                let ours: Vec<Vec<String>> = CsvRecords::new(&text, sep)
                    .map(|r| r.expect("well-formed").1.into_iter().map(|c| c.into_owned()).collect())
                    .collect();
                let theirs: Vec<Vec<String>> = ::csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .delimiter(sep as u8)
                    .from_reader(text.as_bytes())
                    .records()
                    .map(|r| r.expect("well-formed").iter().map(str::to_string).collect())
                    .collect();
                // Records with only empty cells are skipped by `parse_csv` (and an empty line by
                // the csv crate): compare the others.
                let filled = |v: Vec<Vec<String>>| -> Vec<Vec<String>> {
                    v.into_iter().filter(|r| r.iter().any(|c| !c.is_empty())).collect()
                };
                prop_assert_eq!(filled(ours), filled(theirs));
            }

            /// Any text under a valid header, with line breaks, quotes and separators
            /// strewn in, reads the same in parts as in one piece.
            #[test]
            fn any_body_reads_the_same_in_parts(
                body in "[a-zА-я0-9;,\"\n\r .]{0,300}",
                chunks in 2usize..9,
            ) {
                let text = format!("school_id;school_name;municipality;school_type;year\n{body}");
                let whole = parse_csv("p.csv", text.as_bytes());
                let parts = parse_csv_in_chunks("p.csv", text.as_bytes(), None, chunks);
                prop_assert_eq!(parts, whole);
            }

            #[test]
            fn any_text_is_read_without_panicking(text in "\\PC{0,200}", sep in prop_oneof![Just(';'), Just(',')]) {
                for r in CsvRecords::new(&text, sep) {
                    if let Err((line, m)) = r {
                        prop_assert!(line >= 1 && !m.is_empty());
                    }
                }
                let _ = parse_csv("x.csv", text.as_bytes());
                let _ = parse_file("x.json", text.as_bytes());
            }
        }
    }
}
