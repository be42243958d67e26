//! `shkala identify`: files read (on every core), checked and merged, the method run, the
//! result written as JSON, CSV or a workbook.

use crate::files::{read, read_input, write, write_json, write_json_result};
use crate::timing::Stages;
use crate::{parse_years, read_mapping, Failure, Opts};
use shkala::domain::common::format::{count, plural, thousands};
use shkala::domain::{
    contract::problem, input, method::identify, reports::result_workbook, tables::xlsx_write,
};
use std::path::Path;

/// A format a command writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
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
pub(crate) fn output_format(
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

pub(crate) fn cmd_identify(args: &[String]) -> Result<(), Failure> {
    let flag = |name: &str| args.iter().any(|a| a == name);
    let (pretty, with_robustness) = (flag("--pretty"), flag("--robustness"));
    let args: Vec<String> = args
        .iter()
        .filter(|a| *a != "--pretty" && *a != "--robustness")
        .cloned()
        .collect();
    let (args, chance_replicates) = chance_flag(args)?;
    let opts = Opts::parse(
        &args,
        &[
            "input", "sheet", "params", "years", "out", "format", "mapping", "lang", "seed",
        ],
    )?;
    let chance_options = chance_options(chance_replicates, opts.one("seed")?)?;
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
    if chance_options.is_some() && format == "csv" {
        return Err(format!(
            "--chance: вероятности категорий записываются в JSON или в книгу Excel (--format json или xlsx), а не в {format}"
        )
        .into());
    }
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
    let chance = match &chance_options {
        Some(o) => Some(chance_of(&rows, &params, o)?),
        None => None,
    };
    let extras = (robustness.is_some() || chance.is_some()).then_some(WithExtras {
        result: &result,
        robustness: robustness.as_ref(),
        chance: chance.as_ref(),
    });
    match (format, &extras) {
        ("csv", _) if russian => write(out, identify::csv::russian_csv(&result))?,
        ("csv", _) => write(out, identify::csv::to_csv(&result))?,
        ("xlsx", _) => {
            let mut tables = robustness
                .as_ref()
                .map(result_workbook::robustness_tables)
                .unwrap_or_default();
            if let Some(c) = &chance {
                tables.push((result_workbook::CHANCE, identify::chance::chance_table(c)));
            }
            write(
                out,
                result_workbook::identification_workbook(&result, &xlsx_write::sheets(&tables))
                    .map_err(|e| format!("ошибка: {out}: {e}"))?,
            )?
        }
        // JSON goes straight to the file: a national result is tens of megabytes.
        (_, None) if pretty => write_json(out, &result, pretty)?,
        (_, Some(extras)) if pretty => write_json(out, extras, pretty)?,
        (_, None) => {
            let schools = std::mem::take(&mut result.schools);
            write_json_result(out, &result, &schools)?;
            result.schools = schools;
        }
        (_, Some(_)) => {
            let schools = std::mem::take(&mut result.schools);
            let extras = WithExtras {
                result: &result,
                robustness: robustness.as_ref(),
                chance: chance.as_ref(),
            };
            write_json_result(out, &extras, &schools)?;
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
    if let Some(c) = &chance {
        let low = c
            .schools
            .iter()
            .filter(|s| s.in_base(identify::chance::ChanceList::Low))
            .count();
        eprintln!(
            "Надёжность категорий: {} (зерно {}); уверенные ШНРО — {} из {}; долей разыграно — {}, оставлено без изменения (нет численности) — {}.",
            count(c.options.replicates, "повтор", "повтора", "повторов"),
            c.options.seed,
            c.confident(identify::chance::ChanceList::Low),
            low,
            thousands(c.drawn_shares),
            thousands(c.fixed_shares),
        );
    }
    // The process ends now and its memory with it: freeing a million allocations one by one
    // first would only take time.
    std::mem::forget((rows, result, robustness, chance));
    Ok(())
}

/// The identification result with the robustness of its lists under the key `robustness`
/// and the probabilities of its categories under `chance`, each when asked for.
#[derive(serde::Serialize)]
struct WithExtras<'a> {
    #[serde(flatten)]
    result: &'a identify::Identification,
    #[serde(skip_serializing_if = "Option::is_none")]
    robustness: Option<&'a identify::robustness::Robustness>,
    #[serde(skip_serializing_if = "Option::is_none")]
    chance: Option<&'a identify::chance::Chance>,
}

/// `--chance [N]` taken out of the arguments: the number of replicates (200 when no number
/// follows), `None` without the flag.
fn chance_flag(args: Vec<String>) -> Result<(Vec<String>, Option<usize>), Failure> {
    let Some(at) = args.iter().position(|a| a == "--chance") else {
        return Ok((args, None));
    };
    let mut args = args;
    args.remove(at);
    let n = match args.get(at) {
        Some(next) if !next.starts_with("--") => {
            let n = next.parse::<usize>().map_err(|_| {
                format!(
                    "--chance: «{next}» — нужно число повторов, целое от 1 до {}",
                    identify::chance::MAX_REPLICATES
                )
            })?;
            args.remove(at);
            n
        }
        _ => identify::chance::DEFAULT_REPLICATES,
    };
    if args.iter().any(|a| a == "--chance") {
        return Err("--chance указан дважды".into());
    }
    Ok((args, Some(n)))
}

/// The chance options of `--chance N` and `--seed S`; `--seed` alone is refused (it only
/// means something with `--chance`).
fn chance_options(
    replicates: Option<usize>,
    seed: Option<&str>,
) -> Result<Option<identify::chance::ChanceOptions>, Failure> {
    let seed = seed
        .map(|s| {
            s.parse::<u64>()
                .map_err(|_| format!("--seed: «{s}» — нужно целое неотрицательное число"))
        })
        .transpose()?;
    let Some(replicates) = replicates else {
        return match seed {
            Some(_) => Err("--seed задаёт зерно для --chance; без --chance он не нужен".into()),
            None => Ok(None),
        };
    };
    let options = identify::chance::ChanceOptions {
        replicates,
        seed: seed.unwrap_or(identify::chance::DEFAULT_SEED),
        ..Default::default()
    };
    options.validate().map_err(|e| {
        Failure(
            e.into_iter()
                .map(|m| format!("ошибка: --chance: {m}"))
                .collect(),
        )
    })?;
    Ok(Some(options))
}

/// The probabilities of the categories on the same rows and parameters.
fn chance_of(
    rows: &[shkala::domain::contract::row::Row],
    params: &identify::Params,
    options: &identify::chance::ChanceOptions,
) -> Result<identify::chance::Chance, Failure> {
    identify::chance::chance(rows, params, options, &mut |_, _| {}, &|| false)
        .map_err(|e| Failure::from(format!("ошибка: надёжность категорий: {e}")))
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
