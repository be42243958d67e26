//! `shkala`: the analyst's command line. It runs the same domain code as the browser app.
//!
//! ```text
//! shkala identify --input FILE [--input FILE ...] [--sheet NAME] [--params params.json]
//!                 [--years 2019,2020,2021] --out FILE [--format json|csv|xlsx] [--lang ru]
//!                 [--pretty] [--robustness]
//!                 [--mapping mapping.json]
//! shkala mapping --input FILE [--out mapping.json] [--name NAME]
//!                              suggested column mapping for a table of another form
//! shkala sheet --input BOOK.xlsx [--sheet NAME] [--out FILE.csv]
//!                              a workbook's sheet as CSV, cell for cell
//! shkala template              empty CSV with every column of the row contract
//! shkala rubric                the embedded rubric: lines and maximum per system
//! shkala demo --out FILE [--schools N] [--municipalities N] [--years 2023,2024,2025] [--seed N]
//! ```
//! Exit status: 0 on success, 2 on invalid input or usage (messages on stderr, in Russian).
//!
//! `--format`: `json` (the result contract), `csv` (one line per school, for Excel) or `xlsx`
//! (an Excel workbook: a sheet per list, every school, the municipalities, the parameters;
//! [`shkala::domain::result_workbook`]). Without `--format` the format follows `--out`: a name
//! ending in `.csv` gets CSV, any other JSON — `.xlsx` too (with a note on stderr), so a
//! workbook is always asked for by name. JSON and CSV are the machine contract (ids, full
//! precision: [`identify::csv::to_table`]); `--lang ru` writes the CSV for people instead
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
      файл *.csv получает CSV, любой другой — JSON (и *.xlsx тоже: для книги
      Excel укажите --format xlsx). JSON пишется одной строкой; --pretty — с
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
  shkala mapping --input ФАЙЛ [--out сопоставление.json] [--name НАЗВАНИЕ]
      Предлагает сопоставление столбцов таблицы со столбцами контракта строки:
      печатает таблицу предложений и записывает сопоставление в JSON (по
      умолчанию — рядом с файлом, ФАЙЛ.mapping.json), чтобы проверить его,
      исправить и передать в identify --mapping.
  shkala sheet --input КНИГА.xlsx [--sheet ЛИСТ] [--out ФАЙЛ.csv]
      Печатает лист книги Excel (по умолчанию первый) как CSV для Excel —
      например, чтобы сравнить выгруженную книгу с CSV того же расчёта.
  shkala template
      Печатает пустой CSV со всеми столбцами контракта строки.
  shkala rubric
      Печатает число оцениваемых строк рубрики и максимум баллов по системам.
  shkala demo --out ФАЙЛ [--schools N] [--municipalities N] [--years 2023,2024,2025] [--seed N]
      Создаёт вымышленный регион для демонстрации: CSV или, если имя
      файла оканчивается на .xlsx, книгу Excel (лист «Данные»).

Код выхода: 0 — успех, 2 — ошибка во входных данных или в аргументах.";

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
    let format = match opts.one("format")? {
        Some("json") => "json",
        Some("csv") => "csv",
        Some("xlsx") => "xlsx",
        Some(f) => return Err(format!("--format: «{f}» — допустимы json, csv и xlsx").into()),
        None if out.to_lowercase().ends_with(".csv") => "csv",
        None => {
            if out.to_lowercase().ends_with(".xlsx") {
                eprintln!(
                    "примечание: формат не указан, в {out} будет записан JSON; для книги Excel укажите --format xlsx"
                );
            }
            "json"
        }
    };
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
    let opts = Opts::parse(args, &["input", "out", "name"])?;
    let path = opts.one("input")?.ok_or("укажите файл: --input ФАЙЛ")?;
    let bytes = read(path)?;
    let file = Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string());
    let preview = input::preview_table(&file, &bytes, &input::ReadOptions::default(), MAPPING_ROWS)
        .map_err(|p| Failure::from(p.to_string()))?;
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
    for p in mapping::validate(&m) {
        eprintln!("внимание: {p}");
    }
    let options = input::ReadOptions {
        mapping: Some(m.clone()),
        ..input::ReadOptions::default()
    };
    let first = mapping::preview_rows(&file, &bytes, &options, MAPPING_ROWS);
    let errors: Vec<_> = problem::group(first.problems.iter().filter(|p| p.is_error()));
    for g in &errors {
        eprintln!("{g}");
    }
    if errors.is_empty() && !first.rows.is_empty() {
        eprintln!(
            "Первые строки ({}) читаются с этим сопоставлением без ошибок.",
            first.rows.len()
        );
    }
    let json = serde_json::to_string_pretty(&m)
        .map_err(|e| Failure::from(format!("ошибка: {out}: {e}")))?;
    write(&out, format!("{json}\n"))?;
    eprintln!(
        "Сопоставление «{name}» записано: {out}. Проверьте его и запустите: shkala identify --input {path} --mapping {out} --out результат.json"
    );
    Ok(())
}

/// A workbook's sheet as CSV for Excel (what an exported workbook holds, cell for cell).
fn cmd_sheet(args: &[String]) -> Result<(), Failure> {
    let opts = Opts::parse(args, &["input", "sheet", "out"])?;
    let input = opts
        .one("input")?
        .ok_or("укажите книгу: --input ФАЙЛ.xlsx")?;
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
    if out.to_lowercase().ends_with(".xlsx") {
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
