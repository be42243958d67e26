//! The `shkala` command line, run as a process.

use std::path::PathBuf;
use std::process::{Command, Output};

fn shkala(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shkala"))
        .args(args)
        .output()
        .expect("runs")
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("shkala-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const HEADER: &str = "school_id;school_name;municipality;school_type;year;ege_no_cert_pct;ege_rus_mean;ege_participants";

fn good_csv() -> String {
    let mut s = String::from(HEADER);
    s.push('\n');
    for y in [2019, 2020, 2021] {
        for (id, v) in [("a", "10"), ("b", "0"), ("c", "2,5"), ("d", "5")] {
            s.push_str(&format!("{id};Школа {id};Город;secondary;{y};{v};70;20\n"));
        }
    }
    s.push_str("p;Начальная;Город;primary;2021;;;\n");
    s
}

#[test]
fn identify_writes_the_json_contract() {
    let input = temp("good.csv");
    std::fs::write(&input, good_csv()).unwrap();
    let out = temp("result.json");
    let o = shkala(&[
        "identify",
        "--input",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("ШНРО — 1"), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["years"], serde_json::json!([2019, 2020, 2021]));
    assert!(v["params"]["band_share"].is_number());
    let schools = v["schools"].as_array().unwrap();
    let a = schools.iter().find(|s| s["school_id"] == "a").unwrap();
    assert_eq!(a["results_category"], "low");
    assert_eq!(a["pool"], "secondary");
    assert_eq!(a["excluded"], serde_json::Value::Null);
    // No-certificate share is the worst (0) and the ЕГЭ mean equals the regional mean (gap = 1).
    assert_eq!(a["years"]["2021"]["results_index"], 0.5);
    assert_eq!(a["years"]["2021"]["results_band"], "low");
    assert_eq!(a["partners"], serde_json::json!(["b"]));
    assert!(a["resilient"].is_boolean());
    let p = schools.iter().find(|s| s["school_id"] == "p").unwrap();
    assert!(p["excluded"].as_str().unwrap().contains("начальная"));
    assert_eq!(v["summary"]["overall"]["assessed"], 4);
}

/// The contextualised results are in the JSON: a line per pool-year, each school-year's
/// expected value, residual and category, `context_resilient`, and the stderr summary.
#[test]
fn identify_writes_the_contextualised_results() {
    let input = temp("demo-context.csv");
    let o = shkala(&["demo", "--out", input.to_str().unwrap(), "--schools", "60"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = temp("context.json");
    let o = shkala(&[
        "identify",
        "--input",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Контекстуализированные результаты"),
        "{}",
        stderr(&o)
    );
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["params"]["context_share"], 0.25);
    let fits = v["context"]["fits"].as_array().unwrap();
    assert_eq!(fits.len(), v["pools"].as_array().unwrap().len());
    let fitted: Vec<_> = fits.iter().filter(|f| f["slope"].is_number()).collect();
    assert!(!fitted.is_empty(), "{fits:?}");
    for f in &fitted {
        assert!(
            f["intercept"].is_number() && f["n"].as_u64().unwrap() >= 3,
            "{f}"
        );
        let r2 = f["r2"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&r2), "{f}");
    }
    let schools = v["schools"].as_array().unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for s in schools {
        assert!(s["context_resilient"].is_boolean());
        for y in s["years"].as_object().unwrap().values() {
            if let Some(c) = y.get("context_category") {
                seen.insert(c.as_str().unwrap().to_string());
                let (e, r, i) = (
                    y["expected"].as_f64().unwrap(),
                    y["residual"].as_f64().unwrap(),
                    y["results_index"].as_f64().unwrap(),
                );
                assert!((e + r - i).abs() < 1e-9, "{y}");
            }
        }
    }
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        ["above", "below", "within"]
    );
    let resilient = schools
        .iter()
        .filter(|s| s["context_resilient"] == true)
        .count();
    assert_eq!(
        v["summary"]["overall"]["context_resilient"]["count"],
        resilient
    );
}

#[test]
fn years_option_and_csv_format() {
    let input = temp("good2.csv");
    std::fs::write(&input, good_csv()).unwrap();
    let out = temp("result.txt");
    let o = shkala(&[
        "identify",
        "--input",
        input.to_str().unwrap(),
        "--years",
        "2020,2021",
        "--out",
        out.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("\u{feff}school_id;school_name;"));
    assert!(text.contains("results_index_2020;") && !text.contains("_2019"));
    let line_c = text.lines().find(|l| l.starts_with("c;")).unwrap();
    // c: (10 − 2.5) / 10 = 0.75 and gap 1 → 0.875.
    assert!(line_c.contains(";0,875;middle;"), "decimal comma: {line_c}");
}

#[test]
fn invalid_input_exits_2_and_lists_every_problem() {
    let input = temp("bad.csv");
    std::fs::write(
        &input,
        format!("{HEADER}\na;A;Город;secondary;2021;140;70;20\nb;B;Город;лицей;2021;1;70;x\n"),
    )
    .unwrap();
    let out = temp("never.json");
    let _ = std::fs::remove_file(&out);
    let o = shkala(&[
        "identify",
        "--input",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("ошибка: bad.csv, строка 2, столбец «Доля выпускников, не получивших аттестат (ЕГЭ), %»: доля должна быть от 0 до 100 %, получено «140»"), "{e}");
    assert!(
        e.contains(
            "ошибка: bad.csv, строка 3, столбец «Тип школы»: неизвестный тип школы (допустимые значения: «средняя»"
        ),
        "{e}"
    );
    assert!(
        e.contains("и сокращения СОШ, ООШ …), получено «лицей»"),
        "{e}"
    );
    assert!(
        e.contains(
            "ошибка: bad.csv, строка 3, столбец «Число участников ЕГЭ»: ожидалось число, получено «x»"
        ),
        "{e}"
    );
    assert!(e.contains("Найдено ошибок: 3"), "{e}");
    assert!(!out.exists(), "no result is written from invalid input");
}

/// A national file with one column of «н/д»: one line with the count and the first lines, not
/// 45,000; the count of errors is exact.
#[test]
fn one_mistake_down_a_national_file_is_one_line() {
    let input = temp("national-bad.csv");
    let mut csv = format!("{HEADER}\n");
    for i in 0..45_000 {
        csv.push_str(&format!("s{i};Школа {i};Город;secondary;2021;н/д;70;20\n"));
    }
    std::fs::write(&input, csv).unwrap();
    let out = temp("never-national.json");
    let _ = std::fs::remove_file(&out);
    let o = shkala(&[
        "identify",
        "--input",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("ошибка: national-bad.csv, столбец «Доля выпускников, не получивших аттестат (ЕГЭ), %»: 45\u{202f}000 строк — ожидалось число, получено «н/д» (строки 2, 3, 4, 5, 6 и ещё 44\u{202f}995)"),
        "{e}"
    );
    assert!(e.contains("Найдено ошибок: 45\u{202f}000."), "{e}");
    assert!(e.lines().count() < 10, "{e}");
    assert!(!out.exists());
}

#[test]
fn usage_errors_exit_2_in_russian() {
    for (args, expected) in [
        (
            vec!["identify", "--out", "x.json"],
            "укажите хотя бы один входной файл",
        ),
        (
            vec![
                "identify",
                "--input",
                "/nonexistent/file.csv",
                "--out",
                "x.json",
            ],
            "не удаётся прочитать файл",
        ),
        (
            vec![
                "identify", "--input", "a.csv", "--out", "x", "--format", "ods",
            ],
            "допустимы json, csv и xlsx",
        ),
        (
            vec!["identify", "--input", "a.csv", "--bogus", "1"],
            "неизвестный параметр --bogus",
        ),
        (vec!["frobnicate"], "неизвестная команда «frobnicate»"),
        (
            vec![
                "identify", "--input", "a.csv", "--out", "x.csv", "--lang", "en",
            ],
            "--lang: «en» — допустимо ru",
        ),
        (
            vec![
                "identify", "--input", "a.csv", "--out", "x.json", "--lang", "ru",
            ],
            "JSON — машинный контракт",
        ),
    ] {
        let o = shkala(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(expected), "{args:?}: {}", stderr(&o));
    }
}

/// A file name in another encoding than UTF-8 is refused with a message that names it (the
/// tool read its arguments with `env::args`, which panics on such a name).
#[cfg(unix)]
#[test]
fn an_argument_that_is_not_unicode_is_refused_in_russian() {
    use std::os::unix::ffi::OsStrExt;
    let name = std::ffi::OsStr::from_bytes(b"\xcf\xf0\xe8.csv"); // «При» in Windows-1251
    let o = Command::new(env!("CARGO_BIN_EXE_shkala"))
        .arg("identify")
        .arg("--input")
        .arg(name)
        .output()
        .expect("the tool runs");
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("не в Юникоде"), "{err}");
    assert!(err.contains(".csv»"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn invalid_params_file_is_reported_with_its_name() {
    let input = temp("good3.csv");
    std::fs::write(&input, good_csv()).unwrap();
    let params = temp("params.json");
    std::fs::write(&params, r#"{"band_share": 2}"#).unwrap();
    let o = shkala(&[
        "identify",
        "--input",
        input.to_str().unwrap(),
        "--params",
        params.to_str().unwrap(),
        "--out",
        "/tmp/x.json",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("params.json: «Доля школ в нижней и верхней группе, %»"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn template_rubric_and_demo() {
    let o = shkala(&["template"]);
    assert!(o.status.success());
    let t = String::from_utf8(o.stdout).unwrap();
    assert!(t.starts_with(
        "\u{feff}school_id;school_name;municipality;school_type;year;ege_participants;"
    ));
    assert!(t.trim_end().ends_with("guardianship_pct"));

    let o = shkala(&["rubric"]);
    assert!(o.status.success());
    let r = String::from_utf8(o.stdout).unwrap();
    assert_eq!(
        r.lines().filter(|l| l.starts_with(['1', '2'])).count(),
        9,
        "{r}"
    );

    let out = temp("demo.csv");
    let o = shkala(&["demo", "--schools", "50", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let res = temp("demo.json");
    let o = shkala(&[
        "identify",
        "--input",
        out.to_str().unwrap(),
        "--out",
        res.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn robustness_adds_a_key_to_the_json() {
    let input = temp("robust.csv");
    std::fs::write(&input, good_csv()).unwrap();
    let plain = temp("plain.json");
    let out = temp("robust.json");
    let o = shkala(&[
        "identify",
        "--input",
        input.to_str().unwrap(),
        "--out",
        plain.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = shkala(&[
        "identify",
        "--robustness",
        "--input",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--pretty",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("устойчивые ШНРО — 1 из 1"),
        "{}",
        stderr(&o)
    );
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let r = v
        .as_object_mut()
        .unwrap()
        .remove("robustness")
        .expect("robustness key");
    // Without the key, the result is exactly the plain one.
    let p: serde_json::Value = serde_json::from_slice(&std::fs::read(&plain).unwrap()).unwrap();
    assert_eq!(v, p);
    assert_eq!(r["base_counts"]["low"], 1);
    assert_eq!(r["robust_low"], serde_json::json!(["a"]));
    let alts = r["alternatives"].as_array().unwrap();
    let ids: Vec<&str> = alts.iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "social_rule",
            "pools",
            "band_share_20",
            "band_share_30",
            "mean_weighting",
            "regional_means"
        ]
    );
    let official = alts.last().unwrap();
    assert_eq!(official["not_applicable"], "официальные средние не заданы");
    assert_eq!(official["params"], serde_json::Value::Null);
    assert_eq!(alts[2]["params"]["band_share"], 0.2);
    assert_eq!(alts[2]["changes"][0]["list"], "low");
}

#[test]
fn robustness_with_csv_is_an_error_in_russian() {
    let input = temp("robust2.csv");
    std::fs::write(&input, good_csv()).unwrap();
    let out = temp("robust-never.csv");
    let _ = std::fs::remove_file(&out);
    let o = shkala(&[
        "identify",
        "--input",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--robustness",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("устойчивость списков записывается в JSON или в книгу Excel"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
}

#[test]
fn chance_adds_its_key_and_its_sheet_and_a_seed_repeats_it() {
    let input = temp("chance.csv");
    std::fs::write(&input, good_csv()).unwrap();
    let run = |seed: &str, out: &std::path::Path| {
        let o = shkala(&[
            "identify",
            "--input",
            input.to_str().unwrap(),
            "--chance",
            "30",
            "--seed",
            seed,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!("Надёжность категорий: 30 повторов (зерно {seed})")),
            "{}",
            stderr(&o)
        );
    };
    let (a, b) = (temp("chance-a.json"), temp("chance-b.json"));
    run("7", &a);
    run("7", &b);
    let read = |p: &std::path::Path| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
    };
    let (va, vb) = (read(&a), read(&b));
    assert_eq!(va["chance"], vb["chance"]);
    let c = &va["chance"];
    assert_eq!(c["options"]["replicates"], 30);
    assert_eq!(c["options"]["seed"], 7);
    for s in c["schools"].as_array().unwrap() {
        for p in s["probabilities"].as_array().unwrap() {
            let p = p.as_f64().unwrap();
            assert!((0.0..=1.0).contains(&p));
        }
    }
    // Without the flag there is no key.
    let plain = temp("chance-plain.json");
    let o = shkala(&[
        "identify",
        "--input",
        input.to_str().unwrap(),
        "--out",
        plain.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(read(&plain).get("chance").is_none());
    // The workbook has the sheet «Вероятности».
    let book = temp("chance.xlsx");
    let o = shkala(&[
        "identify",
        "--input",
        input.to_str().unwrap(),
        "--chance",
        "--out",
        book.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let sheet = temp("chance-sheet.csv");
    let o = shkala(&[
        "sheet",
        "--input",
        book.to_str().unwrap(),
        "--sheet",
        "Вероятности",
        "--out",
        sheet.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&sheet).unwrap();
    assert!(text.contains("ШНРО, % повторов"), "{text}");
}

#[test]
fn chance_options_out_of_place_are_refused_in_russian() {
    let input = temp("chance2.csv");
    std::fs::write(&input, good_csv()).unwrap();
    let out = temp("chance-never.csv");
    let _ = std::fs::remove_file(&out);
    for (args, said) in [
        (
            vec!["--chance", "--out", out.to_str().unwrap()],
            "вероятности категорий записываются в JSON или в книгу Excel",
        ),
        (
            vec!["--seed", "3", "--out", out.to_str().unwrap()],
            "--seed задаёт зерно для --chance",
        ),
        (
            vec!["--chance", "0", "--out", out.to_str().unwrap()],
            "число повторов должно быть от 1 до 10000",
        ),
        (
            vec!["--chance", "много", "--out", out.to_str().unwrap()],
            "«много» — нужно число повторов",
        ),
    ] {
        let mut all = vec!["identify", "--input", input.to_str().unwrap()];
        all.extend(args);
        let o = shkala(&all);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains(said), "{}", stderr(&o));
        assert!(!out.exists());
    }
}

/// Cells of a CSV for Excel as text: BOM and quotes gone, the formula guard taken off.
fn csv_cells(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    reader
        .records()
        .map(|r| {
            r.expect("a CSV line")
                .iter()
                .map(|c| match c.strip_prefix('\'') {
                    Some(rest) if rest.starts_with(['=', '+', '-', '@', '\'']) => rest.to_string(),
                    _ => c.to_string(),
                })
                .collect()
        })
        .collect()
}

#[test]
fn xlsx_workbook_has_the_lists_and_every_school_as_the_csv() {
    use calamine::{Data, Reader, Xlsx};
    let demo = temp("xlsx-demo.csv");
    let o = shkala(&["demo", "--schools", "300", "--out", demo.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let xlsx = temp("xlsx-result.xlsx");
    let csv = temp("xlsx-result.csv");
    let machine = temp("xlsx-result-machine.csv");
    for (out, format, lang) in [
        (&xlsx, "xlsx", None),
        (&csv, "csv", Some("ru")),
        (&machine, "csv", None),
    ] {
        let mut args = vec![
            "identify",
            "--input",
            demo.to_str().unwrap(),
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
        ];
        if let Some(lang) = lang {
            args.extend(["--lang", lang]);
        }
        let o = shkala(&args);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let bytes = std::fs::read(&xlsx).unwrap();
    assert!(bytes.starts_with(b"PK"), "a zip file");
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).expect("calamine reads it");
    let names = book.sheet_names();
    for name in [
        "ШНРО",
        "Группа риска",
        "Стабильно высокие",
        "ШНСУ",
        "Резильентные",
        "Все школы",
        "По муниципалитетам",
        "Параметры",
    ] {
        assert!(names.iter().any(|n| n == name), "{name}: {names:?}");
    }
    // «Все школы» is the CSV for people (--lang ru): the same texts, the same numbers in full
    // (the CSV has them rounded to three decimals, as the page shows indices).
    let sheet = book.worksheet_range("Все школы").unwrap();
    let lines = csv_cells(&std::fs::read_to_string(&csv).unwrap());
    let machine = csv_cells(&std::fs::read_to_string(&machine).unwrap());
    assert_eq!(
        sheet.height(),
        lines.len(),
        "a row per school and the header"
    );
    assert_eq!(machine.len(), lines.len());
    assert!(lines.len() > 300 / 2);
    assert_eq!(sheet.width(), lines[0].len());
    assert_eq!(
        sheet.get_value((0, 0)),
        Some(&Data::String("Идентификатор школы".into()))
    );
    assert_eq!(lines[0][0], "Идентификатор школы");
    assert_eq!(
        machine[0][0], "school_id",
        "the machine contract keeps its ids"
    );
    let (mut numbers, mut categories) = (0, 0);
    for (r, line) in lines.iter().enumerate().skip(1) {
        for (c, text) in line.iter().enumerate() {
            let cell = sheet
                .get_value((r as u32, c as u32))
                .cloned()
                .unwrap_or(Data::Empty);
            match cell {
                Data::Float(v) => {
                    let read: f64 = text.replace(',', ".").parse().expect("a number in the CSV");
                    assert!(
                        (v - read).abs() <= 0.0005 + 1e-12,
                        "row {r}, column {c}: {v} vs {text}"
                    );
                    assert!(
                        text.split(',').nth(1).is_none_or(|d| d.len() <= 3),
                        "row {r}, column {c}: {text}"
                    );
                    // The machine contract keeps the full value.
                    let full: f64 = machine[r][c].replace(',', ".").parse().unwrap();
                    assert_eq!(full, v, "row {r}, column {c}");
                    numbers += 1;
                }
                Data::String(s) => {
                    assert_eq!(&s, text, "row {r}, column {c}");
                    if c == 6 || c == 7 {
                        categories += 1;
                    }
                }
                Data::Empty => assert_eq!(text, "", "row {r}, column {c}"),
                other => panic!("row {r}, column {c}: {other:?}"),
            }
        }
        assert_eq!(line[0], machine[r][0], "the same school on the same line");
    }
    assert!(numbers > 300, "indices came back as numbers: {numbers}");
    assert!(categories > 300, "{categories}");
    // The ШНРО sheet lists the ШНРО of the CSV, by the screen's word and by the contract's id.
    let low: Vec<&str> = lines[1..]
        .iter()
        .filter(|l| l[6] == "ШНРО")
        .map(|l| l[0].as_str())
        .collect();
    let low_ids: Vec<&str> = machine[1..]
        .iter()
        .filter(|l| l[6] == "low")
        .map(|l| l[0].as_str())
        .collect();
    assert_eq!(low, low_ids);
    let sheet = book.worksheet_range("ШНРО").unwrap();
    let listed: Vec<String> = sheet.rows().skip(1).map(|r| r[1].to_string()).collect();
    assert!(!low.is_empty());
    assert_eq!(listed, low);

    // An .xlsx name without --format gets the workbook (before: JSON in a file named .xlsx).
    let by_name = temp("xlsx-by-name.xlsx");
    let o = shkala(&[
        "identify",
        "--input",
        demo.to_str().unwrap(),
        "--out",
        by_name.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut again = Xlsx::new(std::io::Cursor::new(std::fs::read(&by_name).unwrap()))
        .expect("a workbook, not JSON");
    assert_eq!(again.sheet_names(), book.sheet_names());
    assert_eq!(
        again.worksheet_range("Все школы").unwrap(),
        book.worksheet_range("Все школы").unwrap()
    );
}

/// Without --format the name's extension says the format; a --format that contradicts it,
/// and an extension a command does not write, are errors with nothing written.
#[test]
fn the_format_follows_the_names_extension_and_a_contradiction_is_an_error() {
    let input = temp("formats.csv");
    std::fs::write(&input, good_csv()).unwrap();
    let input = input.to_str().unwrap();
    for (name, starts) in [
        ("formats-out.json", &b"{"[..]),
        ("formats-out.csv", &b"\xEF\xBB\xBFschool_id;"[..]),
        ("formats-out.xlsx", &b"PK\x03\x04"[..]),
        ("formats-out.txt", &b"{"[..]),
        ("formats-out", &b"{"[..]),
    ] {
        let out = temp(name);
        let o = shkala(&["identify", "--input", input, "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        assert!(std::fs::read(&out).unwrap().starts_with(starts), "{name}");
    }
    // Named by its extension, asked for in another format: which one was meant?
    for (format, name, expected) in [
        (
            "json",
            "contradiction.xlsx",
            "ошибка: --format json, а файл результата ",
        ),
        (
            "csv",
            "contradiction.json",
            "ошибка: --format csv, а файл результата ",
        ),
        (
            "xlsx",
            "contradiction.csv",
            "ошибка: --format xlsx, а файл результата ",
        ),
    ] {
        let out = temp(name);
        let _ = std::fs::remove_file(&out);
        let o = shkala(&[
            "identify",
            "--input",
            input,
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{format} {name}");
        assert!(stderr(&o).contains(expected), "{}", stderr(&o));
        assert!(!out.exists(), "{name}: nothing written");
    }
    let o = shkala(&[
        "identify", "--input", input, "--format", "json", "--out", "r.xlsx",
    ]);
    assert!(
        stderr(&o).contains(
            "ошибка: --format json, а файл результата r.xlsx по расширению — книга Excel: укажите --format xlsx или назовите файл r.json"
        ),
        "{}",
        stderr(&o)
    );
    // --format agreeing with the name, or with a name of no format.
    let out = temp("agree.csv");
    let o = shkala(&[
        "identify",
        "--input",
        input,
        "--format",
        "csv",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Formats the tool does not write, and formats a command does not write.
    for (args, expected) in [
        (
            vec!["identify", "--input", input, "--out", "r.xls"],
            "ошибка: r.xls: файлы .xls Шкала не записывает; книга Excel записывается как .xlsx — назовите файл r.xlsx",
        ),
        (
            vec!["demo", "--out", "region.json"],
            "ошибка: region.json: команда demo записывает CSV (.csv) или книгу Excel (.xlsx), а не JSON — назовите файл region.csv",
        ),
        (
            vec!["sheet", "--input", "book.xlsx", "--out", "sheet.xlsx"],
            "ошибка: sheet.xlsx: команда sheet записывает CSV (.csv), а не книгу Excel — назовите файл sheet.csv",
        ),
        (
            vec!["mapping", "--input", input, "--out", "m.csv"],
            "ошибка: m.csv: команда mapping записывает JSON (.json), а не CSV — назовите файл m.json",
        ),
    ] {
        let o = shkala(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(expected), "{args:?}: {}", stderr(&o));
    }
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/mapping")
        .join(name)
}

/// A file of another form: another order of columns, Russian form names and English names,
/// the free-meals share given as 0–1 (the same data as `contract.csv`).
#[test]
fn mapping_prints_suggestions_and_writes_a_mapping_beside_the_file() {
    let dir = temp("mapping-default");
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("odd.csv");
    std::fs::copy(fixture("odd.csv"), &input).unwrap();
    let written = dir.join("odd.mapping.json");
    let _ = std::fs::remove_file(&written);
    let o = shkala(&["mapping", "--input", input.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = String::from_utf8(o.stdout.clone()).unwrap();
    assert!(table.contains("«Код ОО»"), "{table}");
    assert!(table.contains("free_meals_pct (доли × 100)"), "{table}");
    assert!(table.contains("будут умножены на 100"), "{table}");
    assert!(table.contains("— не используется"), "{table}");
    assert!(
        stderr(&o).contains("читаются с этим сопоставлением без ошибок"),
        "{}",
        stderr(&o)
    );
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(&written).unwrap()).unwrap();
    assert_eq!(m["name"], "odd");
    let columns = m["columns"].as_array().unwrap();
    assert_eq!(columns.len(), 14);
    assert_eq!(columns[1]["source"], "Код ОО");
    assert_eq!(columns[1]["target"], "school_id");
    let meals = columns
        .iter()
        .find(|c| c["target"] == "free_meals_pct")
        .unwrap();
    assert_eq!(meals["fraction"], true);
    assert_eq!(columns[13]["target"], serde_json::Value::Null);
    // The analyst's edited mapping beside the file is never overwritten.
    let o = shkala(&["mapping", "--input", input.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("файл уже есть"), "{}", stderr(&o));
}

#[test]
fn identify_reads_another_form_by_its_mapping_as_the_contract_form() {
    let mapping = temp("odd-form.json");
    let o = shkala(&[
        "mapping",
        "--input",
        fixture("odd.csv").to_str().unwrap(),
        "--out",
        mapping.to_str().unwrap(),
        "--name",
        "Форма соседнего региона",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let by_contract = temp("by-contract.json");
    let by_mapping = temp("by-mapping.json");
    let o = shkala(&[
        "identify",
        "--input",
        fixture("contract.csv").to_str().unwrap(),
        "--out",
        by_contract.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = shkala(&[
        "identify",
        "--input",
        fixture("odd.csv").to_str().unwrap(),
        "--mapping",
        mapping.to_str().unwrap(),
        "--out",
        by_mapping.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let read = |p: &PathBuf| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
    };
    let (a, b) = (read(&by_contract), read(&by_mapping));
    let categories = |v: &serde_json::Value| -> Vec<(String, String, String)> {
        v["schools"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["school_id"].to_string(),
                    s["results_category"].to_string(),
                    s["social_category"].to_string(),
                )
            })
            .collect()
    };
    assert_eq!(categories(&a).len(), 8);
    assert!(
        categories(&a).iter().any(|c| c.1 == "\"low\""),
        "{:?}",
        categories(&a)
    );
    assert_eq!(categories(&a), categories(&b));
    assert_eq!(a["schools"], b["schools"]);
    assert_eq!(a["summary"], b["summary"]);
    // Without the mapping the same file is refused: its header is not the contract's.
    let o = shkala(&[
        "identify",
        "--input",
        fixture("odd.csv").to_str().unwrap(),
        "--out",
        by_mapping.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("нет обязательного столбца «school_id»"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_broken_or_wrong_mapping_file_is_refused_by_name() {
    let input = fixture("odd.csv");
    let run = |text: &str, file: &str| {
        let m = temp(file);
        std::fs::write(&m, text).unwrap();
        shkala(&[
            "identify",
            "--input",
            input.to_str().unwrap(),
            "--mapping",
            m.to_str().unwrap(),
            "--out",
            temp("never.json").to_str().unwrap(),
        ])
    };
    let o = run("{\"name\": \"x\", \"columns\": [", "broken-mapping.json");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("ошибка: ")
            && stderr(&o).contains("broken-mapping.json: сопоставление столбцов не читается"),
        "{}",
        stderr(&o)
    );
    let o = run(
        r#"{"name": "x", "columns": [{"source": "Код ОО", "target": "school_idd"}, {"source": "Year", "target": "year", "fraction": true}]}"#,
        "wrong-mapping.json",
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("wrong-mapping.json: столбец файла «Код ОО» отнесён к неизвестному столбцу «school_idd»"), "{e}");
    assert!(e.contains("«Year» отмечен как доли от 0 до 1"), "{e}");
    assert!(e.contains("обязательный столбец «school_name»"), "{e}");
}

/// The same table as [`good_csv`] in an Excel workbook, on its second sheet: numbers as
/// numbers, «2,5» as text with a decimal comma, years as numbers.
fn good_xlsx() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let title = book.add_worksheet().set_name("Титул").unwrap();
    title.write_string(0, 0, "Сведения о школах").unwrap();
    let data = book.add_worksheet().set_name("Данные").unwrap();
    for (r, line) in good_csv().lines().enumerate() {
        for (c, cell) in line.split(';').enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell.parse::<f64>() {
                Ok(n) => data.write_number(r, c, n).unwrap(),
                Err(_) if cell.is_empty() => data,
                Err(_) => data.write_string(r, c, cell).unwrap(),
            };
        }
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn identify_reads_an_excel_workbook_and_its_sheet_by_name() {
    let input = temp("book.xlsx");
    std::fs::write(&input, good_xlsx()).unwrap();
    let out = temp("from-xlsx.json");
    let o = shkala(&[
        "identify",
        "--input",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("ШНРО — 1"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "примечание: book.xlsx: прочитан лист «Данные»; в книге листы: «Титул», «Данные»"
        ),
        "{}",
        stderr(&o)
    );
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let schools = v["schools"].as_array().unwrap();
    let a = schools.iter().find(|s| s["school_id"] == "a").unwrap();
    assert_eq!(a["results_category"], "low");

    // The title sheet asked for by name: no table there, the problem names the cell.
    let o = shkala(&[
        "identify",
        "--input",
        input.to_str().unwrap(),
        "--sheet",
        "Титул",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(
            "ошибка: book.xlsx, ячейка Титул!A1, поле «Идентификатор школы»: нет обязательного столбца"
        ),
        "{}",
        stderr(&o)
    );
    let o = shkala(&[
        "identify",
        "--input",
        input.to_str().unwrap(),
        "--sheet=Лист1",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o)
            .contains("ошибка: book.xlsx: в книге нет листа «Лист1»; листы: «Титул», «Данные»"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_workbook_written_by_the_tool_reads_back_to_the_same_rows_and_result() {
    let csv = temp("rt-region.csv");
    let xlsx = temp("rt-region.xlsx");
    for out in [&csv, &xlsx] {
        let o = shkala(&["demo", "--schools", "60", "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK\x03\x04"));
    // The rows: the workbook's sheet, printed as CSV, is the CSV byte for byte.
    let o = shkala(&["sheet", "--input", xlsx.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        std::fs::read_to_string(&csv).unwrap()
    );
    // The importer reads both to the same rows, and the identification agrees.
    let (from_csv, from_xlsx) = (temp("rt-csv.json"), temp("rt-xlsx.json"));
    for (input, out) in [(&csv, &from_csv), (&xlsx, &from_xlsx)] {
        let o = shkala(&[
            "identify",
            "--input",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let a: serde_json::Value = serde_json::from_slice(&std::fs::read(&from_csv).unwrap()).unwrap();
    let b: serde_json::Value = serde_json::from_slice(&std::fs::read(&from_xlsx).unwrap()).unwrap();
    assert_eq!(a["schools"], b["schools"]);
    assert_eq!(a["summary"], b["summary"]);
    // A sheet that is not there is named with the sheets there are.
    let o = shkala(&[
        "sheet",
        "--input",
        xlsx.to_str().unwrap(),
        "--sheet",
        "Лист9",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("листы: «Данные»"), "{}", stderr(&o));
}

/// `odd.csv` (a table of another form) in a workbook, behind a title sheet.
fn odd_xlsx_behind_a_title() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let title = book.add_worksheet().set_name("Титул").unwrap();
    title
        .write_string(0, 0, "Сведения о школах района")
        .unwrap();
    let data = book.add_worksheet().set_name("Данные").unwrap();
    let text = std::fs::read_to_string(fixture("odd.csv")).unwrap();
    for (r, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        for (c, cell) in line.split(';').enumerate() {
            if !cell.is_empty() {
                data.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// A regional form behind a «Титул» sheet: `shkala mapping` reads the sheet asked for (before,
/// it had no --sheet and suggested a mapping for the title), and a mapping whose first rows do
/// not read exits 2 (before: 0, with «ошибка» printed).
#[test]
fn mapping_reads_the_sheet_asked_for_and_fails_when_the_rows_do_not_read() {
    let dir = temp("mapping-sheet");
    std::fs::create_dir_all(&dir).unwrap();
    let book = dir.join("форма.xlsx");
    std::fs::write(&book, odd_xlsx_behind_a_title()).unwrap();
    let (title_mapping, mapping) = (dir.join("титул.json"), dir.join("данные.json"));
    for m in [&title_mapping, &mapping] {
        let _ = std::fs::remove_file(m);
    }

    // Without --sheet the title sheet is read: nothing maps, the tool says so and fails; the
    // suggestion is still written, to be corrected.
    let o = shkala(&[
        "mapping",
        "--input",
        book.to_str().unwrap(),
        "--out",
        title_mapping.to_str().unwrap(),
    ]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        e.contains("примечание: форма.xlsx: прочитан лист «Титул»; в книге листы: «Титул», «Данные»; другой лист — --sheet ЛИСТ"),
        "{e}"
    );
    assert!(
        e.contains("ошибка: сопоставление «форма»: обязательный столбец «school_id» (Идентификатор школы) не сопоставлен ни с одним столбцом файла"),
        "{e}"
    );
    assert!(e.contains("Найдено ошибок: "), "{e}");
    assert!(e.contains("записано для правки"), "{e}");
    assert!(title_mapping.exists());

    let o = shkala(&[
        "mapping",
        "--input",
        book.to_str().unwrap(),
        "--sheet",
        "Данные",
        "--out",
        mapping.to_str().unwrap(),
    ]);
    let e = stderr(&o);
    assert!(o.status.success(), "{e}");
    assert!(!e.contains("ошибка"), "{e}");
    assert!(
        e.contains("читаются с этим сопоставлением без ошибок"),
        "{e}"
    );
    assert!(e.contains("--sheet \"Данные\" --mapping"), "{e}");
    let table = String::from_utf8(o.stdout).unwrap();
    assert!(table.contains("«Код ОО»"), "{table}");

    // The workbook's sheet read by the mapping gives the contract file's result.
    let (by_book, by_contract) = (temp("by-book.json"), temp("by-contract-2.json"));
    let o = shkala(&[
        "identify",
        "--input",
        book.to_str().unwrap(),
        "--sheet",
        "Данные",
        "--mapping",
        mapping.to_str().unwrap(),
        "--out",
        by_book.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = shkala(&[
        "identify",
        "--input",
        fixture("contract.csv").to_str().unwrap(),
        "--out",
        by_contract.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let read = |p: &PathBuf| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
    };
    assert_eq!(read(&by_book)["schools"], read(&by_contract)["schools"]);

    // A value the mapping reads that is not valid: the rows' error, and exit 2.
    let bad = dir.join("плохая.csv");
    let text = std::fs::read_to_string(fixture("odd.csv")).unwrap();
    std::fs::write(&bad, text.replacen(";68,7;", ";168,7;", 1)).unwrap();
    let bad_mapping = dir.join("плохая.mapping.json");
    let _ = std::fs::remove_file(&bad_mapping);
    let o = shkala(&["mapping", "--input", bad.to_str().unwrap()]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        e.contains("ошибка: плохая.csv, строка 2, столбец «Средний балл ЕГЭ по русскому языку»: средний балл ЕГЭ должен быть от 0 до 100, получено «168,7»"),
        "{e}"
    );
    assert!(e.contains("Найдено ошибок: 1."), "{e}");
    assert!(bad_mapping.exists(), "the draft is written");
}

/// Broken inputs the readers now name: a workbook cut in half, a CSV line cut short, and a
/// formula a program wrote without computing it.
#[test]
fn a_cut_workbook_a_short_line_and_an_uncomputed_formula_are_errors() {
    let out = temp("never-broken.json");
    let _ = std::fs::remove_file(&out);
    let run = |input: &PathBuf| {
        shkala(&[
            "identify",
            "--input",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
    };
    let whole = good_xlsx();
    let half = temp("половина.xlsx");
    std::fs::write(&half, &whole[..whole.len() / 2]).unwrap();
    let o = run(&half);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("ошибка: половина.xlsx: файл повреждён или записан не полностью"),
        "{}",
        stderr(&o)
    );

    let short = temp("short-line.csv");
    let text = good_csv().replacen(
        "b;Школа b;Город;secondary;2019;0;70;20",
        "b;Школа b;Город",
        1,
    );
    std::fs::write(&short, text).unwrap();
    let o = run(&short);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o)
            .contains("ошибка: short-line.csv, строка 3: в строке 3 поля, а в заголовке 8 полей"),
        "{}",
        stderr(&o)
    );

    let mut book = rust_xlsxwriter::Workbook::new();
    let data = book.add_worksheet().set_name("Данные").unwrap();
    for (r, line) in good_csv().lines().enumerate() {
        for (c, cell) in line.split(';').enumerate() {
            if !cell.is_empty() {
                data.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
    }
    data.write_formula(2, 5, "=20/2").unwrap();
    let formula = temp("формула.xlsx");
    std::fs::write(&formula, book.save_to_buffer().unwrap()).unwrap();
    let o = run(&formula);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("ошибка: формула.xlsx, ячейка Данные!F3, поле «Доля выпускников, не получивших аттестат (ЕГЭ), %»: в ячейке формула «=20/2» без вычисленного значения (книгу записала программа, а не Excel): откройте файл в Excel и сохраните его"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists(), "nothing is written from a broken input");
}

/// A region large enough for the tool's fast paths — the CSV read in parts on every core, the
/// schools' JSON serialised in parts — writes exactly the JSON of the library's result
/// (`serde_json::to_writer`), byte for byte, with and without the robustness; and the timing
/// of its stages (`SHKALA_TIMING=1`) goes to stderr only.
#[test]
fn a_large_region_writes_byte_for_byte_the_librarys_json() {
    use shkala::domain::method::identify::{identify, robustness::robustness, Params};
    let csv = temp("large.csv");
    let o = shkala(&[
        "demo",
        "--schools",
        "3000",
        "--municipalities",
        "7",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bytes = std::fs::read(&csv).unwrap();
    assert!(
        bytes.len() > 2 << 20,
        "over a megabyte per part on two cores"
    );
    let parsed = shkala::domain::input::parse_file("large.csv", &bytes);
    let result = identify(&parsed.rows, &Params::default()).unwrap();
    assert!(result.schools.len() > 2 * 512, "several parts of schools");

    let out = temp("large.json");
    let o = Command::new(env!("CARGO_BIN_EXE_shkala"))
        .args(["identify", "--input", csv.to_str().unwrap(), "--out"])
        .arg(&out)
        .env("SHKALA_TIMING", "1")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    assert!(
        stderr(&o).contains("время: идентификация"),
        "{}",
        stderr(&o)
    );
    assert!(std::fs::read(&out).unwrap() == serde_json::to_vec(&result).unwrap());

    #[derive(serde::Serialize)]
    struct WithRobustness<'a> {
        #[serde(flatten)]
        result: &'a shkala::domain::method::identify::Identification,
        robustness: &'a shkala::domain::method::identify::robustness::Robustness,
    }
    let robust = robustness(&parsed.rows, &Params::default()).unwrap();
    let expected = serde_json::to_vec(&WithRobustness {
        result: &result,
        robustness: &robust,
    })
    .unwrap();
    let o = shkala(&[
        "identify",
        "--input",
        csv.to_str().unwrap(),
        "--robustness",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read(&out).unwrap() == expected);
}
