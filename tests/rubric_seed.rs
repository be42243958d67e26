//! Проверка, что `src/data/rubric.json` целиком и дословно переносит источник
//! `002_c2f9cc6eb99b76b2.txt` (федеральная методика оценки механизмов управления
//! качеством образования).
//!
//! Источник — выгрузка таблицы: много пустых строк, отступы табуляцией, длинные строки
//! разбиты на 2–3 физические. Тест разбирает его сам: делит на разделы по заголовкам
//! систем (`1.1.` … `2.5.`) и по шести названиям этапов, нормализует пробелы, склеивает
//! перенесённые строки в логические, отличает вводные строки от оцениваемых и сверяет
//! результат с рубрикой.

mod common;

use shkala::domain::rubric::{federal, Item, Rubric, Rule};
use std::collections::BTreeMap;
use std::path::PathBuf;

const SEED_NAME: &str = "002_c2f9cc6eb99b76b2.txt";

/// Названия этапов в порядке управленческого цикла, как в источнике.
const STAGES: [(&str, &str); 6] = [
    ("goals", "Обоснование целей"),
    ("indicators", "Выбор показателей, методов сбора информации"),
    ("monitoring", "Проведение мониторинга"),
    (
        "analysis",
        "Проведение анализа и подготовка адресных рекомендаций",
    ),
    ("measures", "Принятие мер и управленческих решений"),
    ("effectiveness", "Анализ эффективности принятых мер"),
];

const SYSTEMS: [&str; 9] = [
    "1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "2.5",
];

/// Первые слова строк со строчной буквы, которые начинают новую оцениваемую строку
/// («включающей …», «по …», «для …» и перечень из системы 2.1). Строка со строчной буквы,
/// начинающаяся иначе, — продолжение предыдущей (перенос внутри ячейки таблицы).
const LOWERCASE_STARTS: [&str; 17] = [
    "включающей",
    "учитывающей",
    "ориентированной",
    "основанной",
    "обеспечивающей",
    "направленной",
    "отражающих",
    "по",
    "для",
    "проведение",
    "устранение",
    "организацию",
    "региональное",
    "порядок/регламент",
    "модель",
    "организационно-технологическую",
    "подготовку",
];

/// Подсчитано вручную по источнику: число оцениваемых строк и сумма максимумов.
const HAND_COUNTED_ITEMS: usize = 284;
const HAND_COUNTED_MAX: i32 = 336;

/// Подсчитано вручную: (система, этап) → число строк.
const HAND_COUNTED_CELLS: [(&str, [usize; 6]); 9] = [
    ("1.1", [6, 6, 4, 2, 4, 1]),
    ("1.2", [5, 5, 3, 4, 3, 1]),
    ("1.3", [12, 7, 5, 6, 7, 1]),
    ("1.4", [11, 7, 5, 6, 7, 1]),
    ("2.1", [8, 4, 2, 3, 6, 1]),
    ("2.2", [6, 12, 10, 11, 8, 1]),
    ("2.3", [11, 6, 4, 4, 7, 1]),
    ("2.4", [5, 6, 4, 5, 3, 1]),
    ("2.5", [14, 6, 4, 5, 6, 1]),
];

/// Подсчитано вручную: максимум по системам.
const HAND_COUNTED_SYSTEM_MAX: [(&str, i32); 9] = [
    ("1.1", 34),
    ("1.2", 25),
    ("1.3", 43),
    ("1.4", 42),
    ("2.1", 31),
    ("2.2", 57),
    ("2.3", 37),
    ("2.4", 27),
    ("2.5", 40),
];

fn seed_bytes() -> Vec<u8> {
    common::seed_bytes(SEED_NAME)
}

fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn starts_lowercase(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_lowercase)
}

fn starts_uppercase(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

/// Номер системы из заголовка «1.2. Система …».
fn system_heading(line: &str) -> Option<(&str, &str)> {
    let b = line.as_bytes();
    let ok = b.len() > 5
        && b[0].is_ascii_digit()
        && b[1] == b'.'
        && b[2].is_ascii_digit()
        && b[3] == b'.'
        && b[4] == b' ';
    ok.then(|| (&line[..3], &line[5..]))
}

/// Заголовок механизма «1. Механизмы …».
fn mechanism_heading(line: &str) -> Option<(&str, &str)> {
    let b = line.as_bytes();
    let ok = b.len() > 3 && b[0].is_ascii_digit() && b[1] == b'.' && b[2] == b' ';
    ok.then(|| (&line[..1], &line[3..]))
}

/// Логическая строка раздела: номер первой физической строки и текст.
#[derive(Debug, Clone)]
struct Logical {
    line: usize,
    text: String,
}

/// Раздел «система × этап».
#[derive(Debug, Default)]
struct Section {
    /// Физические строки (номер, нормализованный текст).
    physical: Vec<(usize, String)>,
}

impl Section {
    fn text(&self) -> String {
        norm(
            &self
                .physical
                .iter()
                .map(|(_, t)| t.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        )
    }

    fn logical(&self) -> Vec<Logical> {
        let mut out: Vec<Logical> = Vec::new();
        for (line, text) in &self.physical {
            let first = text.split(' ').next().unwrap_or("");
            let new_line =
                out.is_empty() || starts_uppercase(text) || LOWERCASE_STARTS.contains(&first);
            if new_line {
                out.push(Logical {
                    line: *line,
                    text: text.clone(),
                });
            } else if let Some(last) = out.last_mut() {
                last.text.push(' ');
                last.text.push_str(text);
            }
        }
        out
    }

    /// Оцениваемые строки с вводными: (строка источника, вводная, текст). Вводная —
    /// логическая строка, которая кончается двоеточием или за которой идёт строка со
    /// строчной буквы; строка с заглавной буквы вводную сбрасывает.
    fn scored(&self) -> Vec<(usize, Option<String>, String)> {
        let logical = self.logical();
        let mut out = Vec::new();
        let mut header: Option<String> = None;
        for (i, l) in logical.iter().enumerate() {
            let next_lower = logical
                .get(i + 1)
                .is_some_and(|n| starts_lowercase(&n.text));
            if l.text.ends_with(':') || (starts_uppercase(&l.text) && next_lower) {
                header = Some(l.text.clone());
                continue;
            }
            if starts_uppercase(&l.text) {
                header = None;
            }
            out.push((l.line, header.clone(), l.text.clone()));
        }
        out
    }
}

/// Разобранный источник.
struct Seed {
    title: String,
    mechanisms: Vec<(String, String)>,
    /// Система → (название, разделы по этапам в порядке `STAGES`).
    systems: BTreeMap<String, (String, Vec<Section>)>,
    /// Строки вне систем, кроме заголовка таблицы (должна остаться только «Итого:»).
    outside: Vec<(usize, String)>,
}

fn parse_seed() -> Seed {
    let bytes = seed_bytes();
    let text = String::from_utf8(bytes).expect("источник в UTF-8");
    let lines: Vec<(usize, String)> = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, norm(l)))
        .filter(|(_, l)| !l.is_empty())
        .collect();

    let mut seed = Seed {
        title: String::new(),
        mechanisms: Vec::new(),
        systems: BTreeMap::new(),
        outside: Vec::new(),
    };
    let mut current_system: Option<String> = None;
    let mut current_stage: Option<usize> = None;
    let mut in_preamble = true;
    for (n, line) in lines {
        if in_preamble {
            // «Методика … образования» / «в субъектах Российской Федерации» /
            // «Позиция оценивания» «Максимальный» «балл» — до первого механизма.
            if mechanism_heading(&line).is_none() {
                if seed.title.is_empty() || line.starts_with("в субъектах") {
                    seed.title = norm(&format!("{} {line}", seed.title));
                }
                continue;
            }
            in_preamble = false;
        }
        if let Some((id, title)) = system_heading(&line) {
            assert!(
                !seed.systems.contains_key(id),
                "строка {n}: система {id} встречается дважды"
            );
            seed.systems.insert(
                id.to_string(),
                (
                    title.to_string(),
                    (0..STAGES.len()).map(|_| Section::default()).collect(),
                ),
            );
            current_system = Some(id.to_string());
            current_stage = None;
            continue;
        }
        if let Some((id, title)) = mechanism_heading(&line) {
            seed.mechanisms.push((id.to_string(), title.to_string()));
            current_system = None;
            current_stage = None;
            continue;
        }
        if line == "Итого:" {
            current_system = None;
            current_stage = None;
            continue;
        }
        let Some(system) = current_system.clone() else {
            seed.outside.push((n, line));
            continue;
        };
        if let Some(i) = STAGES.iter().position(|(_, t)| *t == line) {
            assert!(
                current_stage.is_none_or(|c| c < i),
                "строка {n}: система {system}: этап «{line}» не по порядку или повторяется"
            );
            current_stage = Some(i);
            continue;
        }
        let entry = seed.systems.get_mut(&system).unwrap();
        match current_stage {
            // Продолжение заголовка системы (до первого этапа).
            None => entry.0 = format!("{} {line}", entry.0),
            Some(i) => entry.1[i].physical.push((n, line)),
        }
    }
    seed
}

fn rubric() -> &'static Rubric {
    federal()
}

fn items_of<'a>(r: &'a Rubric, system: &str, stage: &str) -> Vec<&'a Item> {
    r.items
        .iter()
        .filter(|i| i.system == system && i.stage == stage)
        .collect()
}

#[test]
fn seed_structure_matches_rubric() {
    let seed = parse_seed();
    let r = rubric();
    assert_eq!(r.source, SEED_NAME);
    assert_eq!(r.title, seed.title, "заголовок методики");
    assert!(
        seed.outside.is_empty(),
        "строки вне систем: {:?}",
        seed.outside
    );
    let seed_mechanisms: Vec<(String, String)> = seed.mechanisms.clone();
    let rubric_mechanisms: Vec<(String, String)> = r
        .mechanisms
        .iter()
        .map(|m| (m.id.clone(), m.title.clone()))
        .collect();
    assert_eq!(rubric_mechanisms, seed_mechanisms, "механизмы");
    let ids: Vec<&str> = seed.systems.keys().map(String::as_str).collect();
    assert_eq!(ids, SYSTEMS, "системы в источнике");
    let rubric_ids: Vec<&str> = r.systems.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(rubric_ids, SYSTEMS, "системы в рубрике");
    for s in &r.systems {
        let (title, sections) = &seed.systems[&s.id];
        assert_eq!(&s.title, title, "название системы {}", s.id);
        assert_eq!(
            s.mechanism,
            s.id[..1],
            "система {} относится к механизму по первой цифре",
            s.id
        );
        for (i, (stage, stage_title)) in STAGES.iter().enumerate() {
            assert!(
                !sections[i].physical.is_empty(),
                "система {}: в источнике нет этапа «{stage_title}»",
                s.id
            );
            assert!(r.stage(stage).is_some(), "в рубрике нет этапа {stage}");
        }
    }
    let stages: Vec<(&str, &str)> = r
        .stages
        .iter()
        .map(|s| (s.id.as_str(), s.title.as_str()))
        .collect();
    assert_eq!(stages, STAGES, "этапы рубрики");
}

/// (a) Число оцениваемых строк по системам и этапам в источнике и в рубрике.
#[test]
fn counts_per_system_and_stage() {
    let seed = parse_seed();
    let r = rubric();
    let mut problems = Vec::new();
    for (system, hand) in HAND_COUNTED_CELLS {
        let sections = &seed.systems[system].1;
        for (i, (stage, title)) in STAGES.iter().enumerate() {
            let in_seed = sections[i].scored().len();
            let in_rubric = items_of(r, system, stage).len();
            if in_seed != in_rubric || in_seed != hand[i] {
                problems.push(format!(
                    "{system} «{title}»: в источнике {in_seed}, в rubric.json {in_rubric}, подсчитано вручную {}",
                    hand[i]
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Оцениваемые строки источника и пункты рубрики совпадают по порядку, тексту и вводной.
#[test]
fn items_follow_the_seed_line_by_line() {
    let seed = parse_seed();
    let r = rubric();
    let mut problems = Vec::new();
    for system in SYSTEMS {
        let sections = &seed.systems[system].1;
        for (i, (stage, title)) in STAGES.iter().enumerate() {
            let scored = sections[i].scored();
            let items = items_of(r, system, stage);
            for (k, (line, header, text)) in scored.iter().enumerate() {
                let Some(item) = items.get(k) else {
                    problems.push(format!(
                        "{system} «{title}»: строка {line} «{text}» не перенесена"
                    ));
                    continue;
                };
                let expected_id = format!("{system}.{stage}.{}", k + 1);
                if item.id != expected_id {
                    problems.push(format!(
                        "{system} «{title}»: пункт {} должен называться {expected_id}",
                        item.id
                    ));
                }
                if &item.text != text {
                    problems.push(format!(
                        "{system} «{title}»: пункт {} — текст «{}», а в строке {line} источника «{text}»",
                        item.id, item.text
                    ));
                }
                if &item.header != header {
                    problems.push(format!(
                        "{system} «{title}»: пункт {} — вводная {:?}, а в источнике {:?}",
                        item.id, item.header, header
                    ));
                }
            }
            for item in items.iter().skip(scored.len()) {
                problems.push(format!(
                    "{system} «{title}»: лишний пункт {} «{}»",
                    item.id, item.text
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// (b) Текст и вводная каждого пункта есть в источнике в разделе своей системы и этапа.
#[test]
fn every_text_and_header_occurs_in_its_section() {
    let seed = parse_seed();
    let r = rubric();
    let mut problems = Vec::new();
    for item in &r.items {
        let Some((_, sections)) = seed.systems.get(&item.system) else {
            problems.push(format!(
                "пункт {}: нет системы {} в источнике",
                item.id, item.system
            ));
            continue;
        };
        let Some(i) = STAGES.iter().position(|(id, _)| *id == item.stage) else {
            problems.push(format!(
                "пункт {}: неизвестный этап {}",
                item.id, item.stage
            ));
            continue;
        };
        let section = sections[i].text();
        let title = STAGES[i].1;
        if norm(&item.text) != item.text {
            problems.push(format!("пункт {}: лишние пробелы в тексте", item.id));
        }
        if !section.contains(&item.text) {
            problems.push(format!(
                "{} «{title}»: текста пункта {} нет в разделе: «{}»",
                item.system, item.id, item.text
            ));
        }
        if let Some(header) = &item.header {
            if !section.contains(header.as_str()) {
                problems.push(format!(
                    "{} «{title}»: вводной строки пункта {} нет в разделе: «{header}»",
                    item.system, item.id
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// (c) После удаления всех текстов и вводных из раздела не остаётся ничего, кроме
/// пробелов и знаков препинания: ни одна строка источника не пропущена.
#[test]
fn nothing_in_the_seed_is_left_out() {
    let seed = parse_seed();
    let r = rubric();
    let mut problems = Vec::new();
    for system in SYSTEMS {
        let sections = &seed.systems[system].1;
        for (i, (stage, title)) in STAGES.iter().enumerate() {
            let items = items_of(r, system, stage);
            let mut pieces: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
            let mut headers: Vec<&str> = items.iter().filter_map(|i| i.header.as_deref()).collect();
            headers.dedup();
            pieces.extend(headers);
            // длинные раньше коротких, чтобы не вырезать часть более длинной строки
            pieces.sort_by_key(|p| std::cmp::Reverse(p.chars().count()));
            let mut rest = sections[i].text();
            for piece in pieces {
                match rest.find(piece) {
                    Some(at) => rest.replace_range(at..at + piece.len(), " "),
                    None => problems.push(format!(
                        "{system} «{title}»: «{piece}» не найдено (или вырезано дважды)"
                    )),
                }
            }
            let leftover: String = rest
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_ascii_punctuation())
                .collect();
            if !leftover.is_empty() {
                problems.push(format!(
                    "{system} «{title}»: в источнике осталось неперенесённое: «{}»",
                    norm(&rest)
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// (d) Ни один текст не повторяется в разделе чаще, чем в источнике.
#[test]
fn no_duplicates_beyond_the_seed() {
    let seed = parse_seed();
    let r = rubric();
    let mut problems = Vec::new();
    for system in SYSTEMS {
        let sections = &seed.systems[system].1;
        for (i, (stage, title)) in STAGES.iter().enumerate() {
            let mut in_rubric: BTreeMap<&str, usize> = BTreeMap::new();
            for item in items_of(r, system, stage) {
                *in_rubric.entry(item.text.as_str()).or_default() += 1;
            }
            let scored = sections[i].scored();
            let section = sections[i].text();
            for (text, count) in in_rubric {
                let as_lines = scored.iter().filter(|(_, _, t)| t == text).count();
                let as_substring = section.matches(text).count();
                if count > as_lines || count > as_substring {
                    problems.push(format!(
                        "{system} «{title}»: «{text}» в rubric.json {count} раз, в источнике {as_lines} раз"
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Правила согласуются с тем, что написано в строках.
#[test]
fn rules_follow_the_words_of_the_lines() {
    let r = rubric();
    let mut problems = Vec::new();
    for item in &r.items {
        let text = item.text.as_str();
        let header = item.header.as_deref().unwrap_or("");
        let expected = if text.starts_with("Наличие неэффективных показателей")
        {
            Some("penalty")
        } else if text.starts_with("Наличие адресных рекомендаций") {
            Some(if text.contains("2 балла - для нескольких групп") {
                "targeted"
            } else {
                "presence"
            })
        } else if header.contains("2 балла - соответствующих") {
            Some("conformity")
        } else if text.contains("по 1 баллу за каждый")
            || text.contains("по 1 баллу за каждую")
            || text.contains("1 балл - за процедуры оценки качества, 1 балл - за олимпиады")
        {
            Some("per_option")
        } else if text.contains("балл") {
            Some("levels")
        } else {
            None
        };
        let kind = item.rule.kind();
        match expected {
            Some(e) if e != kind => problems.push(format!(
                "{} «{}»: правило {kind}, а по тексту {e}: «{text}»",
                item.system, item.stage
            )),
            None if kind != "presence" => problems.push(format!(
                "{} «{}»: правило {kind} у строки без правила: «{text}»",
                item.system, item.stage
            )),
            _ => {}
        }
        if let Rule::Levels { levels } = &item.rule {
            for l in levels {
                if !text.contains(&l.text) {
                    problems.push(format!(
                        "{}: уровня «{}» нет в тексте строки",
                        item.id, l.text
                    ));
                }
            }
        }
        if let Rule::PerOption { options } = &item.rule {
            if options.len() != 2 {
                problems.push(format!("{}: ожидалось два варианта", item.id));
            }
        }
        if item.max != item.rule.max() {
            problems.push(format!(
                "{}: max {} ≠ {}",
                item.id,
                item.max,
                item.rule.max()
            ));
        }
    }
    let levels: Vec<(&str, i32)> = r
        .items
        .iter()
        .filter(|i| i.rule.kind() == "levels")
        .map(|i| (i.id.as_str(), i.max))
        .collect();
    assert_eq!(
        levels,
        [
            ("1.1.analysis.1", 4),
            ("1.2.goals.2", 2),
            ("2.1.goals.5", 2),
            ("2.1.analysis.1", 2)
        ]
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Общие итоги, подсчитанные вручную: правка, выкинувшая строку, падает здесь.
#[test]
fn hand_counted_totals() {
    let r = rubric();
    assert_eq!(r.items.len(), HAND_COUNTED_ITEMS, "число оцениваемых строк");
    assert_eq!(r.max_total(), HAND_COUNTED_MAX, "сумма максимумов");
    for (system, max) in HAND_COUNTED_SYSTEM_MAX {
        let got: i32 = r
            .items
            .iter()
            .filter(|i| i.system == system)
            .map(|i| i.max)
            .sum();
        assert_eq!(got, max, "максимум системы {system}");
    }
    let penalties = r
        .items
        .iter()
        .filter(|i| i.rule.kind() == "penalty")
        .count();
    assert_eq!(penalties, 9, "по одному штрафу на систему");
    let effectiveness = r
        .items
        .iter()
        .filter(|i| i.stage == "effectiveness")
        .count();
    assert_eq!(effectiveness, 9);
    let json_text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/data/rubric.json"),
    )
    .unwrap();
    let reparsed = Rubric::from_json(&json_text).expect("rubric.json проходит проверку");
    assert_eq!(&reparsed, r);
}
