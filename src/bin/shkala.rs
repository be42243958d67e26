//! `shkala`: the analyst's command line. It runs the same domain code as the browser app.
//!
//! ```text
//! shkala identify --input FILE [--input FILE ...] [--sheet NAME] [--params params.json]
//!                 [--years 2019,2020,2021] --out FILE [--format json|csv] [--pretty]
//! shkala template              empty CSV with every column of the row contract
//! shkala rubric                the embedded rubric: lines and maximum per system
//! shkala demo --out FILE [--schools N] [--municipalities N] [--years 2023,2024,2025] [--seed N]
//! ```
//! Exit status: 0 on success, 2 on invalid input or usage (messages on stderr, in Russian).

use shkala::domain::{demo, identify, input, problem, rubric};

#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "\
Шкала — идентификация школ с низкими результатами обучения (ШНРО) и в неблагоприятных
социальных условиях (ШНСУ) по методике «Эффективная школа».

Использование:
  shkala identify --input ФАЙЛ [--input ФАЙЛ ...] [--sheet ЛИСТ] [--params params.json]
                  [--years 2019,2020,2021] --out ФАЙЛ [--format json|csv] [--pretty]
      Читает строки «школа × год» из CSV, JSON или книги Excel (.xlsx), проводит
      идентификацию и записывает результат (JSON или CSV для Excel). JSON пишется
      одной строкой; --pretty — с отступами. --sheet — лист книг Excel; без него
      читается первый лист, в заголовке которого есть столбцы контракта строки.
  shkala template
      Печатает пустой CSV со всеми столбцами контракта строки.
  shkala rubric
      Печатает число оцениваемых строк рубрики и максимум баллов по системам.
  shkala demo --out ФАЙЛ [--schools N] [--municipalities N] [--years 2023,2024,2025] [--seed N]
      Создаёт вымышленный регион для демонстрации (CSV).

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

fn write(path: &str, text: &str) -> Result<(), Failure> {
    std::fs::write(path, text)
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
    let pretty = args.iter().any(|a| a == "--pretty");
    let args: Vec<String> = args.iter().filter(|a| *a != "--pretty").cloned().collect();
    let opts = Opts::parse(
        &args,
        &["input", "sheet", "params", "years", "out", "format"],
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
        Some(f) => return Err(format!("--format: «{f}» — допустимы json и csv").into()),
        None if out.to_lowercase().ends_with(".csv") => "csv",
        None => "json",
    };
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

    let read_options = input::ReadOptions {
        sheet: opts.one("sheet")?.map(str::to_string),
        ..input::ReadOptions::default()
    };
    let mut parsed = Vec::new();
    for path in &inputs {
        let bytes = read(path)?;
        let name = Path::new(path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.to_string());
        parsed.push(input::parse_file_with(&name, &bytes, &read_options));
    }
    let (rows, problems) = input::merge(parsed);
    for p in &problems {
        eprintln!("{p}");
    }
    let errors = problems.iter().filter(|p| p.is_error()).count();
    if errors > 0 {
        return Err(format!(
            "Найдено ошибок: {errors}. Исправьте данные и запустите снова; результат не записан."
        )
        .into());
    }
    debug_assert!(!problem::has_errors(&problems));
    let result =
        identify::identify(&rows, &params).map_err(|e| Failure::from(format!("ошибка: {e}")))?;
    for n in &result.notes {
        eprintln!("примечание: {n}");
    }
    match format {
        "csv" => write(out, &identify::csv::to_csv(&result))?,
        // JSON goes straight to the file: a national result is tens of megabytes.
        _ => write_json(out, &result, pretty)?,
    }
    let o = &result.summary.overall;
    let count = |c| o.results[&c].count;
    eprintln!(
        "Готово: {} школ ({} исключены), годы {}; ШНРО — {}, «группа риска» — {}, стабильно высокие — {}, ШНСУ — {}, резильентные — {}. Результат: {out}",
        o.schools,
        o.excluded,
        result.years.iter().map(i32::to_string).collect::<Vec<_>>().join(", "),
        count(identify::ResultsCategory::Low),
        count(identify::ResultsCategory::Risk),
        count(identify::ResultsCategory::High),
        o.social[&identify::SocialCategory::Unfavourable].count,
        o.resilient.count,
    );
    Ok(())
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
    write(out, &shkala::domain::csv_write::rows_csv(&rows))?;
    eprintln!(
        "Создан «{}»: {} школ, {} строк → {out}",
        demo::REGION_NAME,
        spec.schools,
        rows.len()
    );
    Ok(())
}
