//! Proofreading, as a test: every Russian text a person can read — the string values of the
//! data files (`src/data/*.json`) and the string literals of the program (`src/**/*.rs`, tests
//! left out) — is checked for what must never reach a person:
//! - the engine's words and developer words (`secondary`, `low`, `unfavourable`, `IndexedDB`,
//!   `README` …) and ids in snake_case (`vpr_rus_mean`);
//! - forms known to be wrong («1 школ», «с школой», «школу-партнёр», «партнеры» without ё);
//! - a hyphen where a minus or a dash belongs (« -0,5», «2023-2025»).
//!
//! A text is Russian when it holds a Cyrillic letter: ids and formats (Latin only) are not read.
//!
//! The rules the texts follow (issue 18):
//! - the field names of a file (`school_id`, `self_assessments[2].year`) are shown only as the
//!   place of a problem in that file («поле schools[3].school_id», made by `Problem`'s display,
//!   not a literal here); a message itself says what is wrong in words («ожидалось описание
//!   школы: код, название, муниципалитет и тип»);
//! - a parameter is named by its label from `src/data/parameters.json`, a column by its label
//!   from `src/data/columns.json`, a school type by `SchoolType::label`;
//! - the command-line tool (`src/bin`) explains its machine contract (ids such as `low`,
//!   `school_id`) to the authors of programs: only the wrong forms are looked for there;
//! - a number before a noun goes through `format::count`/`format::plural` (one plural
//!   function), negative numbers on screen take the minus «−», ranges the dash «–».
//!
//! The end-to-end suite runs the same checks over the rendered pages (`tests/e2e/run.mjs`,
//! «the words»).

mod test_code;

use std::path::{Path, PathBuf};

/// Developer words in Russian, as the start of a word in any form («контракт строки»,
/// «столбцы контракта»): the texts say «столбцы Шкалы», «форма таблицы».
const DEVELOPER_STEMS: [&str; 2] = ["контракт", "транзакци"];

/// Words of the engine and of developers, as whole ASCII words, in any case.
const FORBIDDEN_WORDS: [&str; 16] = [
    "secondary",
    "basic",
    "evening",
    "primary",
    "adapted",
    "penitentiary",
    "low",
    "middle",
    "high",
    "risk",
    "insufficient",
    "unfavourable",
    "favourable",
    "neutral",
    "indexeddb",
    "readme",
];

/// (wrong form, why) — each a plain substring, compared in lower case.
const WRONG_FORMS: [(&str, &str); 10] = [
    (" с школ", "«со школ…»"),
    (" с школой", "«со школой»"),
    ("школу-партнёр ", "«школу-партнёра»"),
    ("школу-партнёр.", "«школу-партнёра»"),
    ("школу-партнёр,", "«школу-партнёра»"),
    ("партнеры", "«партнёры» (ё)"),
    ("партнеров", "«партнёров» (ё)"),
    ("п.п.", "«п. п.» (процентные пункты пишутся одинаково)"),
    (" еще ", "«ещё» (ё)"),
    (" ее ", "«её» (ё)"),
];

/// Parts of texts that name a file, a format or an example of one, where Latin and hyphens are
/// the point: they are cut out of a text before it is read (the rest is still read).
const ALLOWED: [&str; 4] = [
    // The source documents, named in the data files' provenance notes.
    "001_b52395fe2205607b.txt",
    "000_e73747407bc4030a.txt",
    // The RFC 3339 example in the message about a malformed time in a file.
    "2025-11-22T10:15:00Z",
    // The form of a date the user types in a file («ГГГГ-ММ-ДД»).
    "ГГГГ-ММ-ДД",
];

fn is_russian(text: &str) -> bool {
    text.chars().any(|c| {
        ('а'..='я').contains(&c.to_lowercase().next().unwrap_or(c)) || c == 'ё' || c == 'Ё'
    })
}

/// Every problem of one text, in Russian.
fn problems(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    if !is_russian(text) {
        return out;
    }
    let mut text = text.to_string();
    for a in ALLOWED {
        text = text.replace(a, "");
    }
    // Web addresses (the seed's sources) are cut out too.
    let text: String = text
        .split(' ')
        .filter(|w| !w.starts_with("http://") && !w.starts_with("https://"))
        .collect::<Vec<_>>()
        .join(" ");
    let lower = text.to_lowercase();
    for word in lower.split(|c: char| !c.is_alphabetic()) {
        if let Some(stem) = DEVELOPER_STEMS.iter().find(|s| word.starts_with(**s)) {
            out.push(format!("слово разработчиков «{word}» (от «{stem}»)"));
        }
    }
    for word in lower.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        if word.is_empty() {
            continue;
        }
        if FORBIDDEN_WORDS.contains(&word) {
            out.push(format!("слово «{word}»"));
        }
        let parts: Vec<&str> = word.split('_').collect();
        if parts.len() > 1
            && parts.iter().all(|p| !p.is_empty())
            && word.chars().any(|c| c.is_ascii_alphabetic())
        {
            out.push(format!("идентификатор «{word}»"));
        }
    }
    let padded = format!(" {lower} ");
    for (wrong, right) in WRONG_FORMS {
        if padded.contains(wrong) {
            // A final «.» or «,» that only marks the end of a word («школу-партнёр.») is not
            // shown; an abbreviation keeps its dots («п.п.»).
            let trimmed = wrong.trim();
            let shown = match trimmed.strip_suffix(['.', ',']) {
                Some(word) if !word.contains('.') => word,
                _ => trimmed,
            };
            out.push(format!("«{shown}» — нужно {right}"));
        }
    }
    // «1 школ», «21 школ», «31 строк»: a number ending in 1 (not 11) takes the singular.
    let words: Vec<&str> = padded.split_whitespace().collect();
    for pair in words.windows(2) {
        let (n, noun) = (
            pair[0],
            pair[1].trim_end_matches(|c: char| !c.is_alphabetic()),
        );
        let one = n.ends_with('1') && !n.ends_with("11") && n.chars().all(|c| c.is_ascii_digit());
        if one
            && [
                "школ",
                "строк",
                "записей",
                "файлов",
                "баллов",
                "ответов",
                "лет",
            ]
            .contains(&noun)
        {
            out.push(format!("«{n} {noun}» — после {n} единственное число"));
        }
    }
    // A hyphen as a minus or a dash between numbers: « -0,5», «2023-2025».
    let chars: Vec<char> = text.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if *c != '-' {
            continue;
        }
        let before = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        let after = chars.get(i + 1).copied();
        let digit_after = after.is_some_and(|a| a.is_ascii_digit());
        let digit_before = before.is_some_and(|b| b.is_ascii_digit());
        if digit_after && (before.is_none() || before == Some(' ') || before == Some('(')) {
            out.push("дефис вместо минуса перед числом («−»)".to_string());
        } else if digit_after && digit_before {
            out.push("дефис между числами вместо тире («–»)".to_string());
        }
    }
    out.sort();
    out.dedup();
    out
}

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

fn json_strings(v: &serde_json::Value, path: &str, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::String(s) => out.push((path.to_string(), s.clone())),
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                json_strings(x, &format!("{path}[{i}]"), out);
            }
        }
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                json_strings(x, &format!("{path}.{k}"), out);
            }
        }
        _ => {}
    }
}

/// A format string without its placeholders (`{school_id}`, `{:.3}`, `{}`): what a person
/// reads is the value put there, not the name. `{{` and `}}` stay as braces.
fn without_placeholders(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                for d in chars.by_ref() {
                    if d == '}' {
                        break;
                    }
                }
                out.push('…');
            }
            c => out.push(c),
        }
    }
    out
}

/// The source with the lines of its test code blanked (items marked `#[cfg(test)]`, at any
/// depth of inline modules), so that line numbers stay those of the file. Parsed with `syn`.
fn without_tests(source: &str) -> String {
    fn collect(items: &[syn::Item], out: &mut Vec<(usize, usize)>) {
        use syn::spanned::Spanned;
        for item in items {
            if test_code::is_test_only(item) {
                out.push((item.span().start().line, item.span().end().line));
            } else if let syn::Item::Mod(syn::ItemMod {
                content: Some((_, inner)),
                ..
            }) = item
            {
                collect(inner, out);
            }
        }
    }
    // A piece of code that is not a whole file (the checks' own examples) is read whole.
    let Ok(file) = syn::parse_file(source) else {
        return source.to_string();
    };
    let mut ranges = Vec::new();
    collect(&file.items, &mut ranges);
    source
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if ranges.iter().any(|&(a, b)| (a..=b).contains(&(i + 1))) {
                ""
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The string literals of a Rust file outside its test code, with their line numbers
/// (comments, char literals and raw strings are understood; a `\` line continuation is
/// joined).
fn rust_strings(source: &str) -> Vec<(usize, String)> {
    let source = without_tests(source);
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0usize, 1usize);
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && at(i + 1) == '/') {
                if chars[i] == '\n' {
                    line += 1;
                }
                i += 1;
            }
            i += 2;
        } else if c == '\'' {
            // A char literal ('x', '\'', '"') or a lifetime ('a).
            if at(i + 1) == '\\' {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
            }
        } else if c == 'r'
            && (at(i + 1) == '"' || (at(i + 1) == '#' && (at(i + 2) == '"' || at(i + 2) == '#')))
            && !at(i.wrapping_sub(1)).is_alphanumeric()
        {
            let mut hashes = 0;
            let mut j = i + 1;
            while at(j) == '#' {
                hashes += 1;
                j += 1;
            }
            j += 1;
            let start_line = line;
            let mut text = String::new();
            while j < chars.len() {
                if chars[j] == '"' && (0..hashes).all(|k| at(j + 1 + k) == '#') {
                    break;
                }
                if chars[j] == '\n' {
                    line += 1;
                }
                text.push(chars[j]);
                j += 1;
            }
            out.push((start_line, text));
            i = j + 1 + hashes;
        } else if c == '"' {
            let start_line = line;
            let mut text = String::new();
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '"' {
                if chars[j] == '\\' {
                    match at(j + 1) {
                        '\n' => {
                            line += 1;
                            j += 2;
                            while at(j).is_whitespace() {
                                if at(j) == '\n' {
                                    line += 1;
                                }
                                j += 1;
                            }
                            continue;
                        }
                        'n' => text.push('\n'),
                        other => text.push(other),
                    }
                    j += 2;
                    continue;
                }
                if chars[j] == '\n' {
                    line += 1;
                }
                text.push(chars[j]);
                j += 1;
            }
            out.push((start_line, text));
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}

#[test]
fn every_russian_text_of_the_data_files_and_the_program_reads_right() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    let mut data = Vec::new();
    files(&root.join("src/data"), "json", &mut data);
    data.sort();
    assert!(data.len() >= 6, "the data files: {data:?}");
    for f in &data {
        let text = std::fs::read_to_string(f).expect("a data file");
        let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        let mut strings = Vec::new();
        json_strings(&v, "", &mut strings);
        let name = f.strip_prefix(&root).unwrap_or(f).display().to_string();
        for (path, s) in strings {
            for p in problems(&s) {
                found.push(format!(
                    "{name}{path}: {p}: «{}»",
                    s.chars().take(90).collect::<String>()
                ));
            }
        }
    }
    let mut code = Vec::new();
    files(&root.join("src"), "rs", &mut code);
    code.sort();
    for f in &code {
        if f.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let source = std::fs::read_to_string(f).expect("a source file");
        let name = f.strip_prefix(&root).unwrap_or(f).display().to_string();
        // The command-line tool explains its machine contract (ids such as `low`, `school_id`)
        // to the programs' authors: only the wrong forms are looked for there.
        let cli = name.starts_with("src/bin/");
        for (line, s) in rust_strings(&source) {
            let s = without_placeholders(&s);
            let found_here = problems(&s);
            let found_here = found_here
                .into_iter()
                .filter(|p| !cli || !(p.starts_with("слово") || p.starts_with("идентификатор")));
            for p in found_here {
                found.push(format!(
                    "{name}:{line}: {p}: «{}»",
                    s.chars().take(90).collect::<String>()
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "{} замечаний:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn the_checks_catch_what_they_look_for() {
    let bad = [
        ("Категория: low", "слово «low»"),
        ("Хранится в IndexedDB", "слово «indexeddb»"),
        ("нет столбцов: vpr_rus_mean", "идентификатор «vpr_rus_mean»"),
        ("Готово: 1 школ", "«1 школ»"),
        ("Готово: 21 школ", "«21 школ»"),
        ("работа с школой-партнёром", "«с школой»"),
        ("закрепить школу-партнёр, затем", "«школу-партнёр»"),
        ("До границы: -0,113", "дефис вместо минуса"),
        ("годы 2023-2025", "дефис между числами"),
        (
            "сопоставить со столбцами контракта",
            "слово разработчиков «контракта»",
        ),
        ("одной транзакцией", "слово разработчиков «транзакцией»"),
        ("67 % (−33 п.п.)", "«п.п.»"),
        ("но еще и другое", "«еще»"),
        (
            "см. 001_b52395fe2205607b.txt и school_type",
            "идентификатор «school_type»",
        ),
        (
            "см. https://example.org/a_b и school_id",
            "идентификатор «school_id»",
        ),
    ];
    for (text, what) in bad {
        let p = problems(text);
        assert!(p.iter().any(|x| x.contains(what)), "{text}: {p:?}");
    }
    for good in [
        "Готово: 11 школ, 1 школа, 21 школа",
        "работа со школой-партнёром; закрепить школу-партнёра",
        "До границы: −0,113; годы 2023–2025",
        "school_id",
        "ГГГГ-ММ-ДД",
        "источник: 001_b52395fe2205607b.txt, таблица 1",
        "см. https://example.org/a_b",
    ] {
        assert_eq!(problems(good), Vec::<String>::new(), "{good}");
    }
    assert_eq!(
        rust_strings("let a = \"один\"; // \"нет\"\nlet c = '\"'; let b = r#\"два \"в\" кавычках\"#;\nlet d = \"три \\\n    строки\";"),
        vec![
            (1, "один".to_string()),
            (2, "два \"в\" кавычках".to_string()),
            (3, "три строки".to_string())
        ]
    );
}
