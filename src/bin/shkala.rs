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
//! [`shkala::domain::reports::result_workbook`]). Without `--format` the format follows the name of
//! `--out`: `.json` → JSON, `.csv` → CSV, `.xlsx` → the workbook; another name → JSON. A
//! `--format` that contradicts the name's extension, or an extension a command does not write
//! (`demo` writes CSV or a workbook, `sheet` CSV, `mapping` JSON; `.xls`, `.ods` … nothing), is
//! an error. JSON and CSV are the machine contract (ids, full precision:
//! [`identify::csv::to_table`]); `--lang ru` writes the CSV for people instead
//! ([`identify::csv::russian_table`], as the app's export and the workbook's «Все школы»).

use shkala::domain::{
    contract::problem, demo, input, input::mapping, method::identify, reports::result_workbook,
    rubric, tables::xlsx_write,
};

#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use shkala::domain::common::format::{count, plural, thousands};
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

/// The bytes of an input file. On Unix a regular file is mapped into memory: a national file
/// is tens of megabytes, and mapping it neither copies it nor asks the system for as much
/// fresh memory, which the system must first fill with zeros (on this project's virtual
/// machines that took more time than reading the file). Otherwise it is read.
enum Input {
    #[cfg(unix)]
    Mapped {
        start: *mut libc::c_void,
        len: usize,
    },
    Read(Vec<u8>),
}

impl std::ops::Deref for Input {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            #[cfg(unix)]
            // SAFETY: `start..start + len` is a readable mapping that lives as long as `self`
            // (unmapped in `drop`); nothing in this process writes to it.
            Input::Mapped { start, len } => unsafe {
                std::slice::from_raw_parts(*start as *const u8, *len)
            },
            Input::Read(bytes) => bytes,
        }
    }
}

#[cfg(unix)]
impl Drop for Input {
    fn drop(&mut self) {
        if let Input::Mapped { start, len } = *self {
            // SAFETY: the mapping made in `read_input`, unmapped once; no slice of it outlives
            // `self`.
            unsafe {
                libc::munmap(start, len);
            }
        }
    }
}

/// An input file's bytes, mapped where it can be ([`Input`]), else read whole.
fn read_input(path: &str) -> Result<Input, Failure> {
    #[cfg(unix)]
    if let Some(mapped) = map_file(path) {
        return Ok(mapped);
    }
    read(path).map(Input::Read)
}

/// A regular, non-empty file mapped read-only; `None` when it cannot be (the caller reads it
/// instead, and names the error if that fails too).
#[cfg(unix)]
fn map_file(path: &str) -> Option<Input> {
    use std::os::fd::AsRawFd;
    let file = std::fs::File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    let len = usize::try_from(meta.len()).ok()?;
    if !meta.is_file() || len == 0 {
        return None;
    }
    // The pages of a file the system holds in its cache are mapped at once (one call instead
    // of a fault for every few pages).
    #[cfg(target_os = "linux")]
    let flags = libc::MAP_PRIVATE | libc::MAP_POPULATE;
    #[cfg(not(target_os = "linux"))]
    let flags = libc::MAP_PRIVATE;
    // SAFETY: a private read-only mapping of an open regular file, of its length; the mapping
    // stays valid after the file is closed. A file that another program shortens while it is
    // mapped would end this process when the lost part is read (SIGBUS) — as for any program
    // that maps its input; the tool reads its inputs once, right away.
    let start = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ,
            flags,
            file.as_raw_fd(),
            0,
        )
    };
    (start != libc::MAP_FAILED).then_some(Input::Mapped { start, len })
}

/// Schools per part of the JSON result that one thread serialises (about a megabyte).
const SCHOOLS_PER_PART: usize = 512;

/// Writes the identification result as compact JSON, byte for byte what
/// `serde_json::to_writer` writes for `head` with `schools` as its schools (`head` is the
/// result or the result with its robustness, with its `schools` taken out), without holding
/// it whole: the schools' records — nearly all of a national result — are serialised on every
/// core, a part each, into a few buffers that are written in order, while the next parts are
/// being serialised, and used again; serde writes the rest around them.
fn write_json_result(
    path: &str,
    head: &impl serde::Serialize,
    schools: &[identify::SchoolResult],
) -> Result<(), Failure> {
    use std::io::Write;
    let fail = |e: &dyn std::fmt::Display| {
        Failure::from(format!("ошибка: {path}: не удаётся записать файл: {e}"))
    };
    let frame = serde_json::to_vec(head).map_err(|e| fail(&e))?;
    // Where the schools go: their key with an empty array, which only a key can be (a quote
    // inside a string is escaped) — and the result has no other key named so before it.
    const SLOT: &[u8] = b"\"schools\":[]";
    let at = frame
        .windows(SLOT.len())
        .position(|w| w == SLOT)
        .ok_or_else(|| fail(&"в результате нет списка школ"))?
        + SLOT.len()
        - 1;
    // Parts of a megabyte go to the file as they are (a buffer would only copy them).
    let mut w = std::fs::File::create(path).map_err(|e| fail(&e))?;
    w.write_all(&frame[..at]).map_err(|e| fail(&e))?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let parts: Vec<&[identify::SchoolResult]> = schools.chunks(SCHOOLS_PER_PART).collect();
    let (mut made, mut ready) = (vec![Vec::new(); threads], vec![Vec::new(); threads]);
    let mut ready_parts = 0;
    let mut first = true;
    let mut write_ready = |ready: &[Vec<u8>], w: &mut std::fs::File| {
        for part in ready {
            if !first {
                w.write_all(b",")?;
            }
            first = false;
            w.write_all(part)?;
        }
        Ok::<(), std::io::Error>(())
    };
    for batch in parts.chunks(threads) {
        std::thread::scope(|s| {
            let serialising: Vec<_> = batch
                .iter()
                .zip(made.iter_mut())
                .map(|(part, buffer)| s.spawn(move || serialise_schools(part, buffer)))
                .collect();
            let written = write_ready(&ready[..ready_parts], &mut w).map_err(|e| fail(&e));
            for h in serialising {
                h.join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e))
                    .map_err(|e| fail(&e))?;
            }
            written
        })?;
        std::mem::swap(&mut made, &mut ready);
        ready_parts = batch.len();
    }
    write_ready(&ready[..ready_parts], &mut w).map_err(|e| fail(&e))?;
    w.write_all(&frame[at..]).map_err(|e| fail(&e))
}

/// Schools as serde_json writes them inside an array: `{…},{…}`.
fn serialise_schools(
    schools: &[identify::SchoolResult],
    buffer: &mut Vec<u8>,
) -> serde_json::Result<()> {
    buffer.clear();
    for (i, school) in schools.iter().enumerate() {
        if i > 0 {
            buffer.push(b',');
        }
        serde_json::to_writer(&mut *buffer, school)?;
    }
    Ok(())
}

/// `SHKALA_TIMING=1`: the wall and CPU time (user, system) of each stage of a command and the
/// memory after it, on stderr — how the README's figures are taken apart.
struct Stages;

/// When the process started, and its CPU time then.
static STARTED: std::sync::OnceLock<(std::time::Instant, (f64, f64))> = std::sync::OnceLock::new();
/// When the last stage ended, and the CPU time then.
static LAST: std::sync::Mutex<Option<(std::time::Instant, (f64, f64))>> =
    std::sync::Mutex::new(None);

impl Stages {
    fn on() -> bool {
        std::env::var_os("SHKALA_TIMING").is_some_and(|v| v != "0")
    }

    fn start() {
        if Self::on() {
            let now = (std::time::Instant::now(), cpu_seconds());
            STARTED.get_or_init(|| now);
            *LAST.lock().unwrap_or_else(|e| e.into_inner()) = Some(now);
        }
    }

    /// A stage ended.
    fn done(stage: &str) {
        let Some(&(started, cpu0)) = STARTED.get() else {
            return;
        };
        let now = (std::time::Instant::now(), cpu_seconds());
        let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
        let (then, cpu) = last.unwrap_or((started, cpu0));
        let (user, system) = (now.1 .0 - cpu.0, now.1 .1 - cpu.1);
        eprintln!(
            "время: {stage:<22} {:>7.3} с (польз. {user:.3}, сист. {system:.3}); с начала {:.3} с (польз. {:.3}, сист. {:.3}); {}",
            (now.0 - then).as_secs_f64(),
            (now.0 - started).as_secs_f64(),
            now.1 .0 - cpu0.0,
            now.1 .1 - cpu0.1,
            memory_words(),
        );
        *last = Some(now);
    }
}

/// The process's CPU time so far, user and system, in seconds (all threads).
fn cpu_seconds() -> (f64, f64) {
    #[cfg(unix)]
    {
        // SAFETY: `getrusage` fills the struct it is given; zeroed is a valid `rusage`.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } == 0 {
            let s = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
            return (s(usage.ru_utime), s(usage.ru_stime));
        }
    }
    (0.0, 0.0)
}

/// Resident memory now and at its peak, and how much of it is in large pages (Linux).
fn memory_words() -> String {
    let field = |text: &str, name: &str| -> Option<u64> {
        let line = text.lines().find(|l| l.starts_with(name))?;
        line[name.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()
    };
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let rollup = std::fs::read_to_string("/proc/self/smaps_rollup").unwrap_or_default();
    match (field(&status, "VmRSS:"), field(&status, "VmHWM:")) {
        (Some(rss), Some(peak)) => format!(
            "память {} МБ, пик {} МБ, в больших страницах {} МБ",
            rss / 1024,
            peak / 1024,
            field(&rollup, "AnonHugePages:").unwrap_or(0) / 1024
        ),
        _ => String::new(),
    }
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

    Stages::done("параметры");
    let mut parsed = Vec::new();
    for path in &inputs {
        let bytes = read_input(path)?;
        Stages::done("чтение файла");
        let name = Path::new(path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.to_string());
        parsed.push(input::parse_file_on_all_cores(&name, &bytes, &options));
        drop(bytes);
        Stages::done("разбор и проверка");
    }
    let (rows, problems) = input::merge(parsed);
    Stages::done("повторы");
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
    let mut result =
        identify::identify(&rows, &params).map_err(|e| Failure::from(format!("ошибка: {e}")))?;
    Stages::done("идентификация");
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
        (_, None) if pretty => write_json(out, &result, pretty)?,
        (_, Some(robustness)) if pretty => write_json(
            out,
            &WithRobustness {
                result: &result,
                robustness,
            },
            pretty,
        )?,
        (_, robustness) => {
            let schools = std::mem::take(&mut result.schools);
            match robustness {
                None => write_json_result(out, &result, &schools)?,
                Some(robustness) => write_json_result(
                    out,
                    &WithRobustness {
                        result: &result,
                        robustness,
                    },
                    &schools,
                )?,
            }
            result.schools = schools;
        }
    }
    Stages::done("запись результата");
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
    // The process ends now and its memory with it: freeing a million allocations one by one
    // first would only take time.
    std::mem::forget((rows, result, robustness));
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
    rows: &[shkala::domain::contract::row::Row],
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
