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
    assert!(e.contains("ошибка: bad.csv, строка 2, столбец «ege_no_cert_pct»: доля должна быть от 0 до 100 %, получено «140»"), "{e}");
    assert!(
        e.contains(
            "ошибка: bad.csv, строка 3, столбец «school_type»: неизвестный тип школы «лицей»"
        ),
        "{e}"
    );
    assert!(
        e.contains("ошибка: bad.csv, строка 3, столбец «ege_participants»: «x» не является числом"),
        "{e}"
    );
    assert!(e.contains("Найдено ошибок: 3"), "{e}");
    assert!(!out.exists(), "no result is written from invalid input");
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
                "identify", "--input", "a.csv", "--out", "x", "--format", "xlsx",
            ],
            "допустимы json и csv",
        ),
        (
            vec!["identify", "--input", "a.csv", "--bogus", "1"],
            "неизвестный параметр --bogus",
        ),
        (vec!["frobnicate"], "неизвестная команда «frobnicate»"),
    ] {
        let o = shkala(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(expected), "{args:?}: {}", stderr(&o));
    }
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
        stderr(&o).contains("params.json: band_share"),
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
            "ошибка: book.xlsx, ячейка Титул!A1, поле «school_id»: нет обязательного столбца"
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
