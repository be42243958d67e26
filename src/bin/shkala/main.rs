//! `shkala`: the analyst's command line. It runs the same domain code as the browser app.
//!
//! ```text
//! shkala identify --input FILE [--input FILE ...] [--sheet NAME] [--params params.json]
//!                 [--years 2019,2020,2021] --out FILE [--format json|csv|xlsx] [--lang ru]
//!                 [--pretty] [--robustness] [--chance [N]] [--seed S]
//!                 [--mapping mapping.json]
//! shkala mapping --input FILE [--sheet NAME] [--out mapping.json] [--name NAME]
//!                              suggested column mapping for a table of another form
//! shkala sheet --input BOOK.xlsx [--sheet NAME] [--out FILE.csv]
//!                              a workbook's sheet as CSV, cell for cell
//! shkala template              empty CSV with every column of the row contract
//! shkala rubric                the embedded rubric: lines and maximum per system
//! shkala demo --out FILE [--schools N] [--municipalities N] [--years 2023,2024,2025] [--seed N]
//! shkala serve [--dir DIR] [--port N] [--lan]
//!                              the built app served to this computer or, with --lan, the room
//! ```
//! Exit status: 0 on success, 2 on invalid input or usage — whenever an error was printed
//! (messages on stderr, in Russian).
//!
//! `--format`: `json` (the result contract), `csv` (one line per school, for Excel) or `xlsx`
//! (an Excel workbook: a sheet per list, every school, the municipalities, the parameters;
//! [`shkala::domain::reports::result_workbook`]). Without `--format` the format follows the name of
//! `--out`: `.json` → JSON, `.csv` → CSV, `.xlsx` → the workbook; another name → JSON. A
//! `--format` that contradicts the name's extension, or an extension a command does not write
//! (`demo` writes CSV or a workbook, `sheet` CSV, `mapping` JSON; `.xls`, `.ods` … nothing), is
//! an error. JSON and CSV are the machine contract (ids, full precision:
//! [`identify::csv::to_table`]); `--lang ru` writes the CSV for people instead
//! ([`identify::csv::russian_table`], as the app's export and the workbook's «Все школы»).

use shkala::domain::{contract::problem, demo, input, input::mapping, rubric, tables::xlsx_write};

#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use crate::files::{read, write};
use crate::identification::{cmd_identify, output_format, Format};
use crate::timing::Stages;
use shkala::domain::common::format::count;
use std::path::Path;
use std::process::ExitCode;

mod files;
mod identification;
// The server is the native tool's (a wasm32 build of this binary, made by `cargo test
// --target wasm32-unknown-unknown`, has neither sockets nor the server's crates).
#[cfg(not(target_arch = "wasm32"))]
mod serve;
mod timing;

const USAGE: &str = "\
Шкала — идентификация школ с низкими результатами обучения (ШНРО) и в неблагоприятных
социальных условиях (ШНСУ) по методике «Эффективная школа».

Использование:
  shkala identify --input ФАЙЛ [--input ФАЙЛ ...] [--sheet ЛИСТ] [--params params.json]
                  [--years 2019,2020,2021] --out ФАЙЛ [--format json|csv|xlsx] [--lang ru]
                  [--pretty] [--robustness] [--chance [N]] [--seed S]
                  [--mapping сопоставление.json]
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
      --chance N — надёжность категорий: доли каждой школы разыгрываются
      заново N раз (по умолчанию 200) в пределах, которые допускает
      численность участников (обучающихся), и методика применяется заново;
      вероятность — доля повторов, в которых школа в списке. --seed S —
      зерно генератора (по умолчанию 1): то же зерно — те же вероятности.
      В JSON добавляется ключ «chance», в книгу Excel — лист «Вероятности»
      (для CSV — не записывается).
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
  shkala serve [--dir ПАПКА] [--port N] [--lan]
      Раздаёт собранное приложение браузерам: по умолчанию только этому
      компьютеру (127.0.0.1), с --lan — всем устройствам локальной сети
      (печатает адреса для участников и QR-код каждого). --dir — папка
      собранного приложения; без него — папка dist в текущей папке, рядом
      с программой или на уровень выше. --port — порт (по умолчанию 8080;
      0 — любой свободный). Остановить — Ctrl+C.

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
    // Ordinary 4 KB pages, not transparent huge pages (2 MB), for this process's memory: on
    // this project's virtual machines a fresh huge page cost the system more to hand out than
    // the ordinary pages of the same memory — a national run's system time was 0.5–0.85 s
    // with them and 0.16–0.23 s without (README, «Performance»). The system gave them even
    // unasked (mimalloc asks only when told to, `MIMALLOC_ALLOW_LARGE_OS_PAGES=1`).
    #[cfg(target_os = "linux")]
    // SAFETY: `prctl` with PR_SET_THP_DISABLE only sets a flag of this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    Stages::start();
    match arguments().and_then(|args| run(&args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(messages)) => {
            for m in messages {
                eprintln!("{m}");
            }
            ExitCode::from(2)
        }
    }
}

/// The command line as text. An argument that is not valid Unicode (a file name in another
/// encoding) is refused with a message naming it, instead of the panic of `env::args`.
fn arguments() -> Result<Vec<String>, Failure> {
    std::env::args_os()
        .skip(1)
        .map(|a| {
            a.into_string().map_err(|a| {
                Failure::from(format!(
                    "аргумент «{}» записан не в Юникоде (UTF-8): переименуйте файл или папку \
                     так, чтобы в имени были только буквы, цифры и знаки препинания",
                    a.to_string_lossy()
                ))
            })
        })
        .collect()
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
        #[cfg(not(target_arch = "wasm32"))]
        Some("serve") => serve::cmd_serve(&args[1..]),
        #[cfg(target_arch = "wasm32")]
        Some("serve") => Err("shkala serve работает только в программе для компьютера".into()),
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
    let (_, table) = shkala::domain::input::xlsx_sheet::sheet_table(&bytes, opts.one("sheet")?)
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
    let table = shkala::domain::tables::table::rows_table(&rows);
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
