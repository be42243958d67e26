//! `shkala`: the analyst's command line. It runs the same domain code as the browser app.
//!
//! ```text
//! shkala identify --input FILE [--input FILE ...] [--sheet NAME] [--params params.json]
//!                 [--years 2019,2020,2021] --out FILE [--format json|csv|xlsx] [--lang ru]
//!                 [--pretty] [--robustness]
//!                 [--mapping mapping.json]
//! shkala mapping --input FILE [--sheet NAME] [--out mapping.json] [--name NAME]
//!                              suggested column mapping for a table of another form
//! shkala sheet --input BOOK.xlsx [--sheet NAME] [--out FILE.csv]
//!                              a workbook's sheet as CSV, cell for cell
//! shkala template              empty CSV with every column of the row contract
//! shkala rubric                the embedded rubric: lines and maximum per system
//! shkala demo --out FILE [--schools N] [--municipalities N] [--years 2023,2024,2025] [--seed N]
//! ```
//! Exit status: 0 on success, 2 on invalid input or usage — whenever an error was printed
//! (messages on stderr, in Russian).
//!
//! `--format`: `json` (the result contract), `csv` (one line per school, for Excel) or `xlsx`
//! (an Excel workbook: a sheet per list, every school, the municipalities, the parameters;
//! [`shkala::domain::result_workbook`]). Without `--format` the format follows the name of
//! `--out`: `.json` → JSON, `.csv` → CSV, `.xlsx` → the workbook; another name → JSON. A
//! `--format` that contradicts the name's extension, or an extension a command does not write
//! (`demo` writes CSV or a workbook, `sheet` CSV, `mapping` JSON; `.xls`, `.ods` … nothing), is
//! an error. JSON and CSV are the machine contract (ids, full precision:
//! [`identify::csv::to_table`]); `--lang ru` writes the CSV for people instead
//! ([`identify::csv::russian_table`], as the app's export and the workbook's «Все школы»).

use shkala::domain::{
    demo, identify, input, mapping, problem, result_workbook, rubric, xlsx_write,
};

#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use shkala::format::{count, plural, thousands};
use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "\
Шкала — идентификация школ с низкими результатами обучения (ШНРО) и в неблагоприятных
социальных условиях (ШНСУ) по методике «Эффективная школа».

Использование:
  shkala identify --input ФАЙЛ [--input ФАЙЛ ...] [--sheet ЛИСТ] [--params params.json]
                  [--years 2019,2020,2021] --out ФАЙЛ [--format json|csv|xlsx] [--lang ru]
                  [--pretty] [--robustness] [--mapping сопоставление.json]
      Читает строки «школа × год» из CSV, JSON или книги Excel, проводит
      идентификацию и записывает результат: JSON, CSV для Excel или книгу
      Excel (xlsx: листы ШНРО, «группа риска», стабильно высокие, ШНСУ,
      резильентные, все школы, по муниципалитетам, параметры). Без --format
      формат следует из имени файла: *.json — JSON, *.csv — CSV, *.xlsx —
      книга Excel, другое имя — JSON; --format, который противоречит
      расширению, — ошибка. JSON пишется одной строкой; --pretty — с
      отступами. --sheet — лист книг Excel; без него читается первый лист,
      в заголовке которого есть столбцы контракта строки.
      JSON и CSV — машинный контракт для программ: идентификаторы столбцов и
      значений (school_id, low, unfavourable …), полная точность чисел.
      --lang ru — CSV для людей (как выгрузка приложения и лист «Все школы»
      книги Excel): русские заголовки и слова («ШНРО», «средние школы»,
      «ниже ожидаемого»), партнёры по названию, индексы с тремя знаками.
      Книга Excel всегда по-русски.
      --robustness — устойчивость списков: расчёт повторяется при других
      прочтениях методики (правило ШНСУ, основные и вечерние вместе или
      отдельно, доля группы 20/25/30 %, средние без взвешивания или со
      взвешиванием, вычисленные средние вместо официальных); в JSON
      добавляется ключ «robustness», в книгу Excel — листы «Устойчивость» и
      «Устойчивые ШНРО» (для CSV — не записывается).
      Таблицу другой формы (другие названия и порядок столбцов) читает
      сопоставление столбцов: --mapping ФАЙЛ.json (его предлагает команда
      shkala mapping).
  shkala mapping --input ФАЙЛ [--sheet ЛИСТ] [--out сопоставление.json] [--name НАЗВАНИЕ]
      Предлагает сопоставление столбцов таблицы со столбцами контракта строки:
      печатает таблицу предложений и записывает сопоставление в JSON (по
      умолчанию — рядом с файлом, ФАЙЛ.mapping.json), чтобы проверить его,
      исправить и передать в identify --mapping. --sheet — лист книги Excel
      (например, когда таблица стоит за листом «Титул»); без него — первый
      лист с контрактом строки в заголовке, иначе первый непустой. Если
      первые строки с этим сопоставлением не читаются, ошибки печатаются,
      сопоставление записывается для правки, а код выхода — 2.
  shkala sheet --input КНИГА.xlsx [--sheet ЛИСТ] [--out ФАЙЛ.csv]
      Печатает лист книги Excel (по умолчанию первый) как CSV для Excel —
      например, чтобы сравнить выгруженную книгу с CSV того же расчёта.
      Записывает только CSV.
  shkala template
      Печатает пустой CSV со всеми столбцами контракта строки.
  shkala rubric
      Печатает число оцениваемых строк рубрики и максимум баллов по системам.
  shkala demo --out ФАЙЛ [--schools N] [--municipalities N] [--years 2023,2024,2025] [--seed N]
      Создаёт вымышленный регион для демонстрации: CSV или, если имя
      файла оканчивается на .xlsx, книгу Excel (лист «Данные»).

Код выхода: 0 — успех, 2 — ошибка во входных данных или в аргументах (всегда,
когда напечатана ошибка).";

/// A failure to report: messages for stderr, exit code 2.
struct Failure(Vec<String>);

impl<T: Into<String>> From<T> for Failure {
    fn from(s: T) -> Self {
        Failure(vec![s.into()])
    }
}

fn main() -> ExitCode {
    // Large OS pages where the system allows them: a national file means hundreds of megabytes
    // of short-lived memory, and on this project's machines zeroing 4 KB pages took a third of
    // the run. Where large pages are not available, mimalloc uses ordinary ones.
    #[cfg(not(target_arch = "wasm32"))]
    // SAFETY: sets a global option of the allocator before any other thread exists (the call
    // is not thread-safe).
    unsafe {
        libmimalloc_sys::mi_option_set(libmimalloc_sys::mi_option_large_os_pages, 1);
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(messages)) => {
            for m in messages {
                eprintln!("{m}");
            }
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<(), Failure> {
    match args.first().map(String::as_str) {
        Some("identify") => cmd_identify(&args[1..]),
        Some("template") => {
            no_more(&args[1..])?;
            print!("{}", input::template_csv());
            Ok(())
        }
        Some("rubric") => {
            no_more(&args[1..])?;
            print!("{}", rubric::summary_text(rubric::federal()));
            Ok(())
        }
        Some("demo") => cmd_demo(&args[1..]),
        Some("mapping") => cmd_mapping(&args[1..]),
        Some("sheet") => cmd_sheet(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("неизвестная команда «{other}»\n\n{USAGE}").into()),
        None => Err(USAGE.into()),
    }
}

fn no_more(args: &[String]) -> Result<(), Failure> {
    match args.first() {
        Some(a) => Err(format!("лишний аргумент «{a}»").into()),
        None => Ok(()),
    }
}

/// Options of the form `--name value`, repeatable.
struct Opts(Vec<(String, String)>);

impl Opts {
    fn parse(args: &[String], known: &[&str]) -> Result<Opts, Failure> {
        let mut out = Vec::new();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let Some(name) = a.strip_prefix("--") else {
                return Err(format!(
                    "неожиданный аргумент «{a}»; параметры пишутся как --имя значение"
                )
                .into());
            };
            let (name, value) = match name.split_once('=') {
                Some((n, v)) => (n.to_string(), v.to_string()),
                None => {
                    let v = it
                        .next()
                        .ok_or_else(|| format!("у параметра --{name} нет значения"))?;
                    (name.to_string(), v.clone())
                }
            };
            if !known.contains(&name.as_str()) {
                return Err(format!(
                    "неизвестный параметр --{name}; допустимы: --{}",
                    known.join(", --")
                )
                .into());
            }
            out.push((name, value));
        }
        Ok(Opts(out))
    }
    fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
    fn one(&self, name: &str) -> Result<Option<&str>, Failure> {
        match self.all(name).as_slice() {
            [] => Ok(None),
            [v] => Ok(Some(v)),
            _ => Err(format!("параметр --{name} указан несколько раз").into()),
        }
    }
}

fn parse_years(s: &str) -> Result<Vec<i32>, Failure> {
    s.split(',')
        .map(|y| {
            y.trim()
                .parse::<i32>()
                .map_err(|_| Failure::from(format!("--years: «{}» не является годом", y.trim())))
        })
        .collect()
}

fn read(path: &str) -> Result<Vec<u8>, Failure> {
    std::fs::read(path)
        .map_err(|e| Failure::from(format!("ошибка: {path}: не удаётся прочитать файл: {e}")))
}

fn write(path: &str, bytes: impl AsRef<[u8]>) -> Result<(), Failure> {
    std::fs::write(path, bytes)
        .map_err(|e| Failure::from(format!("ошибка: {path}: не удаётся записать файл: {e}")))
}

fn write_json(path: &str, value: &impl serde::Serialize, pretty: bool) -> Result<(), Failure> {
    use std::io::Write;
    let fail = |e: &dyn std::fmt::Display| {
        Failure::from(format!("ошибка: {path}: не удаётся записать файл: {e}"))
    };
    let file = std::fs::File::create(path).map_err(|e| fail(&e))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    let written = if pretty {
        serde_json::to_writer_pretty(&mut w, value)
    } else {
        serde_json::to_writer(&mut w, value)
    };
    written.map_err(|e| fail(&e))?;
    w.flush().map_err(|e| fail(&e))
}

/// A format a command writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
    Xlsx,
}

impl Format {
    const ALL: [Format; 3] = [Format::Json, Format::Csv, Format::Xlsx];

    fn id(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    /// What a file of this format is, in words.
    fn words(self) -> &'static str {
        match self {
            Format::Json => "JSON",
            Format::Csv => "CSV",
            Format::Xlsx => "книга Excel",
        }
    }

    /// The same, as what is written («записывает книгу Excel»).
    fn written(self) -> &'static str {
        match self {
            Format::Xlsx => "книгу Excel",
            other => other.words(),
        }
    }

    /// The format a file name asks for by its extension: `None` for a name that says nothing
    /// (no extension, or one of no format: `.txt`); an error for a spreadsheet format the
    /// tool does not write.
    fn of_name(path: &str) -> Result<Option<Format>, Failure> {
        let extension = Path::new(path)
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase());
        match extension.as_deref() {
            Some("json") => Ok(Some(Format::Json)),
            Some("csv") => Ok(Some(Format::Csv)),
            Some("xlsx") => Ok(Some(Format::Xlsx)),
            Some(e @ ("xls" | "xlsm" | "xlsb" | "ods")) => Err(format!(
                "ошибка: {path}: файлы .{e} Шкала не записывает; книга Excel записывается как .xlsx — назовите файл {}",
                Path::new(path).with_extension("xlsx").display()
            )
            .into()),
            _ => Ok(None),
        }
    }
}

/// The format of a command's output file: `--format` if given, otherwise the one the name's
/// extension asks for, otherwise `default`. A `--format` that contradicts the extension, and
/// a format the command does not write, are errors — the file would say one thing and hold
/// another.
fn output_format(
    command: &str,
    out: &str,
    flag: Option<&str>,
    writes: &[Format],
    default: Format,
) -> Result<Format, Failure> {
    let ids = || {
        let ids: Vec<&str> = writes.iter().map(|f| f.id()).collect();
        match ids.split_last() {
            Some((last, [])) => last.to_string(),
            Some((last, rest)) => format!("{} и {last}", rest.join(", ")),
            None => String::new(),
        }
    };
    let flag = match flag {
        None => None,
        Some(f) => match Format::ALL.into_iter().find(|x| x.id() == f) {
            Some(x) if writes.contains(&x) => Some(x),
            _ => return Err(format!("--format: «{f}» — допустимы {}", ids()).into()),
        },
    };
    let named = Format::of_name(out)?;
    match (flag, named) {
        (Some(f), Some(n)) if f != n => Err(format!(
            "ошибка: --format {}, а файл результата {out} по расширению — {}: укажите --format {} или назовите файл {}",
            f.id(),
            n.words(),
            n.id(),
            Path::new(out).with_extension(f.id()).display()
        )
        .into()),
        (Some(f), _) => Ok(f),
        (None, Some(n)) if !writes.contains(&n) => Err(format!(
            "ошибка: {out}: команда {command} записывает {}, а не {} — назовите файл {}",
            writes
                .iter()
                .map(|f| format!("{} (.{})", f.written(), f.id()))
                .collect::<Vec<_>>()
                .join(" или "),
            n.written(),
            Path::new(out).with_extension(default.id()).display()
        )
        .into()),
        (None, Some(n)) => Ok(n),
        (None, None) => Ok(default),
    }
}

fn cmd_identify(args: &[String]) -> Result<(), Failure> {
    let flag = |name: &str| args.iter().any(|a| a == name);
    let (pretty, with_robustness) = (flag("--pretty"), flag("--robustness"));
    let args: Vec<String> = args
        .iter()
        .filter(|a| *a != "--pretty" && *a != "--robustness")
        .cloned()
        .collect();
    let opts = Opts::parse(
        &args,
        &[
            "input", "sheet", "params", "years", "out", "format", "mapping", "lang",
        ],
    )?;
    let inputs = opts.all("input");
    if inputs.is_empty() {
        return Err("укажите хотя бы один входной файл: --input ФАЙЛ".into());
    }
    let out = opts
        .one("out")?
        .ok_or("укажите файл результата: --out ФАЙЛ")?;
    let format = output_format(
        "identify",
        out,
        opts.one("format")?,
        &Format::ALL,
        Format::Json,
    )?
    .id();
    // The CSV for people instead of the machine contract; the workbook is always Russian.
    let russian = match opts.one("lang")? {
        None => false,
        Some("ru") if format == "json" => {
            return Err(
                "--lang ru: JSON — машинный контракт (идентификаторы, полная точность); таблица по-русски пишется в CSV (--format csv --lang ru) или в книгу Excel (--format xlsx)".into(),
            )
        }
        Some("ru") => true,
        Some(l) => {
            return Err(format!(
                "--lang: «{l}» — допустимо ru (таблица по-русски); без --lang CSV — машинный контракт"
            )
            .into())
        }
    };
    if with_robustness && format == "csv" {
        return Err(format!(
            "--robustness: устойчивость списков записывается в JSON или в книгу Excel (--format json или xlsx), а не в {format}"
        )
        .into());
    }
    let mut params = match opts.one("params")? {
        Some(p) => {
            let text = String::from_utf8(read(p)?)
                .map_err(|_| format!("ошибка: {p}: файл не в кодировке UTF-8"))?;
            identify::Params::from_json(&text).map_err(|e| {
                Failure(e.into_iter().map(|m| format!("ошибка: {p}: {m}")).collect())
            })?
        }
        None => identify::Params::default(),
    };
    if let Some(y) = opts.one("years")? {
        params.years = parse_years(y)?;
    }
    let options = input::ReadOptions {
        sheet: opts.one("sheet")?.map(str::to_string),
        mapping: opts.one("mapping")?.map(read_mapping).transpose()?,
    };

    let mut parsed = Vec::new();
    for path in &inputs {
        let bytes = read(path)?;
        let name = Path::new(path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.to_string());
        parsed.push(input::parse_file_with(&name, &bytes, &options));
    }
    let (rows, problems) = input::merge(parsed);
    // The same mistake in one column is one line with its count and first places: a national
    // file with one column of «н/д» prints one line, not 45,000.
    for g in problem::group(&problems) {
        eprintln!("{g}");
    }
    let errors = problems.iter().filter(|p| p.is_error()).count();
    if errors > 0 {
        return Err(format!(
            "Найдено ошибок: {}. Исправьте данные и запустите снова; результат не записан.",
            thousands(errors)
        )
        .into());
    }
    debug_assert!(!problem::has_errors(&problems));
    let result =
        identify::identify(&rows, &params).map_err(|e| Failure::from(format!("ошибка: {e}")))?;
    for n in &result.notes {
        eprintln!("примечание: {n}");
    }
    let robustness = if with_robustness {
        Some(robustness_of(&rows, &params)?)
    } else {
        None
    };
    match (format, &robustness) {
        ("csv", _) if russian => write(out, identify::csv::russian_csv(&result))?,
        ("csv", _) => write(out, identify::csv::to_csv(&result))?,
        ("xlsx", robustness) => {
            let tables = robustness
                .as_ref()
                .map(result_workbook::robustness_tables)
                .unwrap_or_default();
            write(
                out,
                result_workbook::identification_workbook(&result, &xlsx_write::sheets(&tables))
                    .map_err(|e| format!("ошибка: {out}: {e}"))?,
            )?
        }
        // JSON goes straight to the file: a national result is tens of megabytes.
        (_, None) => write_json(out, &result, pretty)?,
        (_, Some(robustness)) => write_json(
            out,
            &WithRobustness {
                result: &result,
                robustness,
            },
            pretty,
        )?,
    }
    let o = &result.summary.overall;
    let of = |c| o.results[&c].count;
    eprintln!(
        "Готово: {} ({} {}), годы {}; ШНРО — {}, «группа риска» — {}, стабильно высокие — {}, ШНСУ — {}, резильентные — {}. Результат: {out}",
        count(o.schools, "школа", "школы", "школ"),
        thousands(o.excluded),
        plural(o.excluded, "исключена", "исключены", "исключены"),
        result.years.iter().map(i32::to_string).collect::<Vec<_>>().join(", "),
        of(identify::ResultsCategory::Low),
        of(identify::ResultsCategory::Risk),
        of(identify::ResultsCategory::High),
        o.social[&identify::SocialCategory::Unfavourable].count,
        o.resilient.count,
    );
    let fits = &result.context.fits;
    eprintln!(
        "Контекстуализированные результаты (сверх методики): выше ожидаемого во все годы окна в неблагоприятных условиях (ШНСУ) — {}; линия построена для {} из {} {}.",
        o.context_resilient.count,
        fits.iter().filter(|f| f.slope.is_some()).count(),
        fits.len(),
        plural(fits.len(), "группы-года", "групп-лет", "групп-лет"),
    );
    if let Some(r) = &robustness {
        eprintln!(
            "Устойчивость: рассчитано альтернатив — {}; устойчивые ШНРО — {} из {}.",
            r.alternatives_run,
            r.robust_low.len(),
            r.base_counts.low
        );
    }
    Ok(())
}

/// The identification result with the robustness of its lists under the key `robustness`.
#[derive(serde::Serialize)]
struct WithRobustness<'a> {
    #[serde(flatten)]
    result: &'a identify::Identification,
    robustness: &'a identify::robustness::Robustness,
}

/// The robustness of the lists on the same rows and parameters. For a spreadsheet export its
/// tables are `robustness::robustness_table` and `robustness::robust_low_table` (one sheet
/// each); CSV has one table per file, so the CLI writes it to JSON only.
fn robustness_of(
    rows: &[shkala::domain::row::Row],
    params: &identify::Params,
) -> Result<identify::robustness::Robustness, Failure> {
    identify::robustness::robustness(rows, params)
        .map_err(|e| Failure::from(format!("ошибка: устойчивость списков: {e}")))
}

/// A column mapping from its JSON file, refused with every problem named.
fn read_mapping(path: &str) -> Result<input::ColumnMapping, Failure> {
    let text = String::from_utf8(read(path)?)
        .map_err(|_| format!("ошибка: {path}: файл не в кодировке UTF-8"))?;
    let m = input::ColumnMapping::from_json(text.trim_start_matches('\u{feff}'))
        .map_err(|e| format!("ошибка: {path}: сопоставление столбцов не читается: {e}"))?;
    let problems = mapping::validate(&m);
    if !problems.is_empty() {
        return Err(Failure(
            problems
                .into_iter()
                .map(|p| format!("ошибка: {path}: {p}"))
                .collect(),
        ));
    }
    Ok(m)
}

/// Rows of a file read for the mapping's suggestions and for its preview.
const MAPPING_ROWS: usize = 50;

fn cmd_mapping(args: &[String]) -> Result<(), Failure> {
    let opts = Opts::parse(args, &["input", "out", "name", "sheet"])?;
    let path = opts.one("input")?.ok_or("укажите файл: --input ФАЙЛ")?;
    if let Some(out) = opts.one("out")? {
        output_format("mapping", out, None, &[Format::Json], Format::Json)?;
    }
    let bytes = read(path)?;
    let file = Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string());
    let asked = input::ReadOptions {
        sheet: opts.one("sheet")?.map(str::to_string),
        mapping: None,
    };
    let preview = input::preview_table(&file, &bytes, &asked, MAPPING_ROWS)
        .map_err(|p| Failure::from(p.to_string()))?;
    if preview.sheets.is_empty() && asked.sheet.is_some() {
        eprintln!("примечание: {file}: --sheet относится к книгам Excel; этот файл — таблица CSV, листов в нём нет");
    }
    if preview.sheets.len() > 1 {
        if let Some(sheet) = &preview.sheet {
            eprintln!(
                "примечание: {file}: прочитан лист «{sheet}»; в книге листы: {}{}",
                preview
                    .sheets
                    .iter()
                    .map(|s| format!("«{s}»"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if asked.sheet.is_none() {
                    "; другой лист — --sheet ЛИСТ"
                } else {
                    ""
                }
            );
        }
    }
    // The sheet read, named again wherever the file is read with the mapping.
    let sheet = preview
        .sheet
        .clone()
        .filter(|_| preview.sheets.len() > 1 || asked.sheet.is_some());
    let name = match opts.one("name")? {
        Some(n) => n.to_string(),
        None => mapping::name_for_file(&file),
    };
    let out = match opts.one("out")? {
        Some(o) => o.to_string(),
        None => {
            let o = Path::new(path).with_extension("mapping.json");
            if o.exists() {
                return Err(format!(
                    "ошибка: {}: файл уже есть (возможно, это исправленное сопоставление); укажите другой файл: --out ФАЙЛ",
                    o.display()
                )
                .into());
            }
            o.to_string_lossy().into_owned()
        }
    };
    let suggestions = mapping::suggest(&preview);
    let m = mapping::mapping_from(&suggestions, &name);
    print!("{}", mapping::table_text(&suggestions));
    if preview.reads_by_names() {
        eprintln!("примечание: {file}: заголовок называет столбцы контракта — файл читается и без сопоставления");
    }
    // What keeps the file from being read with this mapping: the mapping's own faults (a
    // required column without a file column …), or else those of the first rows read with it.
    let faults = mapping::validate(&m);
    for p in &faults {
        eprintln!("ошибка: сопоставление «{name}»: {p}");
    }
    let mut errors = faults.len();
    if faults.is_empty() {
        let options = input::ReadOptions {
            sheet: sheet.clone(),
            mapping: Some(m.clone()),
        };
        let first = mapping::preview_rows(&file, &bytes, &options, MAPPING_ROWS);
        for g in problem::group(first.problems.iter().filter(|p| p.is_error())) {
            eprintln!("{g}");
            errors += g.count;
        }
        if errors == 0 && !first.rows.is_empty() {
            eprintln!(
                "Первые строки ({}) читаются с этим сопоставлением без ошибок.",
                first.rows.len()
            );
        }
    }
    let json = serde_json::to_string_pretty(&m)
        .map_err(|e| Failure::from(format!("ошибка: {out}: {e}")))?;
    write(&out, format!("{json}\n"))?;
    let sheet = match &sheet {
        Some(s) => format!(" --sheet \"{s}\""),
        None => String::new(),
    };
    let command =
        format!("shkala identify --input {path}{sheet} --mapping {out} --out результат.json");
    if errors > 0 {
        // The suggestion is still written: it is the draft to correct.
        return Err(format!(
            "Найдено ошибок: {errors}. Сопоставление «{name}» записано для правки: {out}. Исправьте его (или данные) и проверьте: {command}"
        )
        .into());
    }
    eprintln!("Сопоставление «{name}» записано: {out}. Проверьте его и запустите: {command}");
    Ok(())
}

/// A workbook's sheet as CSV for Excel (what an exported workbook holds, cell for cell).
fn cmd_sheet(args: &[String]) -> Result<(), Failure> {
    let opts = Opts::parse(args, &["input", "sheet", "out"])?;
    let input = opts
        .one("input")?
        .ok_or("укажите книгу: --input ФАЙЛ.xlsx")?;
    if let Some(out) = opts.one("out")? {
        output_format("sheet", out, None, &[Format::Csv], Format::Csv)?;
    }
    let bytes = read(input)?;
    let (_, table) = shkala::domain::xlsx_sheet::sheet_table(&bytes, opts.one("sheet")?)
        .map_err(|e| format!("ошибка: {input}: {e}"))?;
    match opts.one("out")? {
        Some(out) => write(out, table.to_csv()),
        None => {
            print!("{}", table.to_csv());
            Ok(())
        }
    }
}

fn cmd_demo(args: &[String]) -> Result<(), Failure> {
    let opts = Opts::parse(args, &["out", "schools", "municipalities", "years", "seed"])?;
    let out = opts.one("out")?.ok_or("укажите файл: --out ФАЙЛ")?;
    let format = output_format("demo", out, None, &[Format::Csv, Format::Xlsx], Format::Csv)?;
    let mut spec = demo::DemoSpec::default();
    let number = |name: &str| -> Result<Option<u64>, Failure> {
        opts.one(name)?
            .map(|v| {
                v.parse::<u64>()
                    .map_err(|_| Failure::from(format!("--{name}: «{v}» не является целым числом")))
            })
            .transpose()
    };
    if let Some(n) = number("schools")? {
        spec.schools = n as usize;
    }
    if let Some(n) = number("municipalities")? {
        spec.municipalities = (n as usize).max(1);
    }
    if let Some(n) = number("seed")? {
        spec.seed = n;
    }
    if let Some(y) = opts.one("years")? {
        spec.years = parse_years(y)?;
    }
    let rows = demo::region(&spec);
    let table = shkala::domain::table::rows_table(&rows);
    if format == Format::Xlsx {
        let book = xlsx_write::workbook(&[xlsx_write::Sheet {
            name: "Данные",
            table: &table,
        }])
        .map_err(|e| format!("ошибка: {out}: {e}"))?;
        write(out, book)?;
    } else {
        write(out, table.to_csv())?;
    }
    eprintln!(
        "Создан «{}»: {}, {} → {out}",
        demo::REGION_NAME,
        count(spec.schools, "школа", "школы", "школ"),
        count(rows.len(), "строка", "строки", "строк")
    );
    Ok(())
}
