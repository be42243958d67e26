//! Проверка, что `src/data/self_assessment.json` дословно переносит пункты уровня школы из
//! раздела 5 источника `000_e73747407bc4030a.txt` (методология Хабаровского края, 2019).
//!
//! Источник — выгрузка таблиц: строка таблицы — несколько физических строк, каждая ячейка
//! начинается с табуляции, длинная ячейка продолжается строками без табуляции, строки таблицы
//! разделены пустыми строками. Пустая ячейка «Показатели» продолжает показатель выше. Тест
//! разбирает таблицы сам и сверяет с анкетой каждый пункт: номер строки (из идентификатора),
//! показатель, подзаголовок, индикатор и источник.

mod common;

use shkala::domain::school::self_assessment::{questionnaire, Item, Questionnaire};
use std::collections::BTreeMap;
use std::path::PathBuf;

const SEED_NAME: &str = "000_e73747407bc4030a.txt";

/// Подсчитано вручную: какие строки таблиц взяты в анкету (уровень школы).
/// 5.1: все строки, кроме группы «Формирование кадрового резерва» (34–38, муниципалитет и
/// регион); строка 2 — два утверждения, два пункта. 5.3: наставники молодых специалистов и
/// школьные методические команды. 5.4: программа, ВПР и мониторинги, мониторинг показателей
/// программы, стажировки. 5.6: договоры о профессиональных пробах, сетевые программы, пробы на
/// базе ПОО, совместные с ПОО мероприятия, диагностика, портфолио.
const HAND_PICKED: [(&str, &[&str]); 4] = [
    (
        "5.1",
        &[
            "01", "02.1", "02.2", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13",
            "14", "15", "16", "17", "18", "19", "20", "21", "22", "23", "24", "25", "26", "27",
            "28", "29", "30", "31", "32", "33",
        ],
    ),
    ("5.3", &["13", "14"]),
    ("5.4", &["04", "05", "06", "07"]),
    ("5.6", &["04", "05", "08", "09", "13", "14"]),
];

fn seed_bytes() -> Vec<u8> {
    common::seed_bytes(SEED_NAME)
}

/// The seed as the questionnaire quotes it: word for word, with the proofreading of issue 18
/// (`tests/text_lint.rs`) — «со школами» for the source's «с школами» and a dash, not a
/// hyphen, between numbers («10–11»). Nothing else is changed.
fn seed_text() -> String {
    let raw = String::from_utf8(seed_bytes()).expect("источник в UTF-8");
    let raw = raw.replace("работы с школами", "работы со школами");
    let chars: Vec<char> = raw.chars().collect();
    let mut out = String::with_capacity(raw.len());
    for (i, &c) in chars.iter().enumerate() {
        let digits_around = i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit());
        out.push(if c == '-' && digits_around { '–' } else { c });
    }
    out
}

fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Строка таблицы источника после разбора.
#[derive(Debug, Clone)]
struct SeedRow {
    /// Номер физической строки файла, с которой начинается строка таблицы.
    line: usize,
    group: String,
    subgroup: Option<String>,
    text: String,
    source: String,
}

/// Раздел источника: заголовок (нормализованный) и строки его таблицы по порядку.
struct Section {
    heading: String,
    rows: Vec<SeedRow>,
}

fn is_heading(line: &str) -> Option<&str> {
    let b = line.as_bytes();
    (b.len() > 5 && line.starts_with("5.") && b[2].is_ascii_digit() && &line[3..5] == ". ")
        .then(|| &line[..3])
}

fn parse_section(seed: &str, id: &str) -> Section {
    let lines: Vec<&str> = seed.lines().collect();
    let start = lines
        .iter()
        .position(|l| is_heading(l) == Some(id))
        .unwrap_or_else(|| panic!("в источнике нет раздела {id}"));
    let end = lines
        .iter()
        .enumerate()
        .skip(start + 1)
        .find(|(_, l)| is_heading(l).is_some())
        .map_or(lines.len(), |(i, _)| i);
    let heading = norm(lines[start]);

    // Физические строки → строки таблицы (списки ячеек), начиная с заголовка таблицы.
    let header = (start..end)
        .find(|&i| {
            lines[i].starts_with('\t')
                && matches!(lines[i].trim(), "Показатели" | "Критерии/ Показатели")
        })
        .unwrap_or_else(|| panic!("раздел {id}: нет заголовка таблицы"));
    let mut tables: Vec<(usize, Vec<String>)> = Vec::new();
    let mut cells: Vec<String> = Vec::new();
    let mut first_line = header;
    for (i, line) in lines.iter().enumerate().take(end).skip(header) {
        if let Some(cell) = line.strip_prefix('\t') {
            if cells.is_empty() {
                first_line = i;
            }
            cells.push(cell.to_string());
        } else if line.trim().is_empty() {
            if !cells.is_empty() {
                tables.push((first_line + 1, std::mem::take(&mut cells)));
            }
        } else {
            let last = cells
                .last_mut()
                .unwrap_or_else(|| panic!("раздел {id}, строка {}: продолжение без ячейки", i + 1));
            last.push(' ');
            last.push_str(line);
        }
    }
    if !cells.is_empty() {
        tables.push((first_line + 1, cells));
    }
    let (_, head) = tables.remove(0);
    let head: Vec<String> = head.iter().map(|c| norm(c)).collect();
    assert_eq!(
        head[1..],
        ["Индикаторы", "Источник информации"],
        "раздел {id}: заголовок таблицы"
    );

    let mut rows = Vec::new();
    let mut group = String::new();
    let mut subgroup: Option<String> = None;
    for (line, cells) in tables {
        let cells: Vec<String> = cells.iter().map(|c| norm(c)).collect();
        let (g, sg, text, source) = match cells.as_slice() {
            [g, t, s] => (g, None, t, s),
            [g, sg, t, s] => (g, Some(sg), t, s),
            other => panic!("раздел {id}, строка {line}: неожиданные ячейки {other:?}"),
        };
        if !g.is_empty() {
            group = g.clone();
            subgroup = None;
        }
        match sg {
            None => subgroup = None,
            Some(sg) if !sg.is_empty() => subgroup = Some(sg.clone()),
            Some(_) => {}
        }
        assert!(
            !group.is_empty(),
            "раздел {id}, строка {line}: нет показателя"
        );
        assert!(
            !text.is_empty(),
            "раздел {id}, строка {line}: пустой индикатор"
        );
        rows.push(SeedRow {
            line,
            group: group.clone(),
            subgroup: subgroup.clone(),
            text: text.clone(),
            source: source.clone(),
        });
    }
    Section { heading, rows }
}

/// Номер строки таблицы и номер части из идентификатора `5.1.13` / `5.1.02.1`.
fn row_of(item: &Item) -> (String, usize, Option<usize>) {
    let parts: Vec<&str> = item.id.split('.').collect();
    assert!(
        parts.len() == 3 || parts.len() == 4,
        "{}: идентификатор вида 5.1.13 или 5.1.02.1",
        item.id
    );
    let block = format!("{}.{}", parts[0], parts[1]);
    let row = parts[2]
        .parse()
        .unwrap_or_else(|_| panic!("{}: номер строки", item.id));
    let part = parts.get(3).map(|p| {
        p.parse()
            .unwrap_or_else(|_| panic!("{}: номер части", item.id))
    });
    (block, row, part)
}

fn q() -> &'static Questionnaire {
    questionnaire()
}

/// (a) Индикатор, показатель, подзаголовок и источник каждого пункта дословно есть в
/// источнике после нормализации пробелов.
#[test]
fn every_text_group_and_source_occurs_in_the_seed() {
    let seed = norm(&seed_text());
    let mut problems = Vec::new();
    for item in &q().items {
        let mut fields = vec![
            ("индикатор", item.text.as_str()),
            ("показатель", item.group.as_str()),
        ];
        if !item.source.is_empty() {
            fields.push(("источник", item.source.as_str()));
        }
        if let Some(sub) = &item.subgroup {
            fields.push(("подзаголовок", sub.as_str()));
        }
        for (what, text) in fields {
            if norm(text) != text {
                problems.push(format!("{}: {what} с лишними пробелами", item.id));
            }
            if !seed.contains(text) {
                problems.push(format!(
                    "{}: {what} не найден в источнике: «{text}»",
                    item.id
                ));
            }
        }
    }
    for block in &q().blocks {
        let heading = format!("{}. {}", block.id, block.title);
        if !seed.contains(&heading) {
            problems.push(format!(
                "блок {}: заголовка «{heading}» нет в источнике",
                block.id
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Каждый пункт — своя строка таблицы (по номеру из идентификатора): тот же показатель,
/// подзаголовок, индикатор и источник; пустая ячейка источника — пустой `source`.
#[test]
fn items_match_their_table_rows() {
    let seed = seed_text();
    let mut problems = Vec::new();
    let mut sections = BTreeMap::new();
    for block in &q().blocks {
        let section = parse_section(&seed, &block.id);
        assert_eq!(
            section.heading,
            format!("{}. {}", block.id, block.title),
            "заголовок раздела {}",
            block.id
        );
        sections.insert(block.id.clone(), section);
    }
    // Части одной ячейки: (блок, строка) → тексты частей по порядку.
    let mut parts: BTreeMap<(String, usize), Vec<(usize, &str)>> = BTreeMap::new();
    for item in &q().items {
        let (block, n, part) = row_of(item);
        if block != item.block {
            problems.push(format!(
                "{}: идентификатор не из блока {}",
                item.id, item.block
            ));
            continue;
        }
        let Some(row) = sections[&block].rows.get(n.wrapping_sub(1)) else {
            problems.push(format!("{}: в таблице {block} нет строки {n}", item.id));
            continue;
        };
        let at = format!("{} (строка {} источника)", item.id, row.line);
        match part {
            None if item.text != row.text => problems.push(format!(
                "{at}: индикатор «{}», а в источнике «{}»",
                item.text, row.text
            )),
            Some(p) => {
                if !row.text.contains(&item.text) {
                    problems.push(format!(
                        "{at}: части «{}» нет в ячейке «{}»",
                        item.text, row.text
                    ));
                }
                parts
                    .entry((block.clone(), n))
                    .or_default()
                    .push((p, &item.text));
            }
            None => {}
        }
        if item.group != row.group {
            problems.push(format!(
                "{at}: показатель «{}», а в источнике «{}»",
                item.group, row.group
            ));
        }
        if item.subgroup != row.subgroup {
            problems.push(format!(
                "{at}: подзаголовок {:?}, а в источнике {:?}",
                item.subgroup, row.subgroup
            ));
        }
        if item.source != row.source {
            problems.push(format!(
                "{at}: источник «{}», а в источнике «{}»",
                item.source, row.source
            ));
        }
    }
    // Части ячейки покрывают её целиком, по порядку.
    for ((block, n), mut list) in parts {
        list.sort_by_key(|(p, _)| *p);
        let numbers: Vec<usize> = list.iter().map(|(p, _)| *p).collect();
        let expected: Vec<usize> = (1..=list.len()).collect();
        if numbers != expected || list.len() < 2 {
            problems.push(format!("{block}.{n:02}: части пронумерованы {numbers:?}"));
        }
        let mut rest = sections[&block].rows[n - 1].text.clone();
        for (_, text) in &list {
            match rest.find(text) {
                Some(at) => rest = rest[at + text.len()..].to_string(),
                None => problems.push(format!("{block}.{n:02}: «{text}» не по порядку")),
            }
        }
        let mut whole = sections[&block].rows[n - 1].text.clone();
        for (_, text) in &list {
            whole = whole.replacen(text, "", 1);
        }
        if whole.chars().any(|c| c.is_alphanumeric()) {
            problems.push(format!(
                "{block}.{n:02}: в ячейке осталось «{}»",
                whole.trim()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Разбор таблиц источника: число строк подсчитано вручную, крайние строки узнаются.
#[test]
fn seed_tables_parse_as_counted_by_hand() {
    let seed = seed_text();
    for (id, count, first, last) in [
        (
            "5.1",
            38,
            "Участие общеобразовательной организации",
            "Доля руководителей, назначенных",
        ),
        (
            "5.3",
            15,
            "Наличие в муниципалитетах",
            "Наличие стажировочных площадок",
        ),
        (
            "5.4",
            7,
            "Доля муниципальных систем",
            "ШНРО и ШНСУ прошли обучение",
        ),
        (
            "5.6",
            14,
            "Наличие в муниципальных моделях",
            "Отражение результатов диагностики",
        ),
    ] {
        let rows = parse_section(&seed, id).rows;
        assert_eq!(rows.len(), count, "строк в таблице {id}");
        assert!(rows[0].text.starts_with(first), "{id}: {:?}", rows[0]);
        assert!(
            rows[count - 1].text.starts_with(last),
            "{id}: {:?}",
            rows[count - 1]
        );
    }
    let rows = parse_section(&seed, "5.1").rows;
    // Пустая ячейка источника и подзаголовки группы «Условия …».
    assert_eq!(rows[4].source, "");
    assert_eq!(rows[3].source, "ФСН № ОО-1");
    assert_eq!(rows[11].subgroup.as_deref(), Some("Общие"));
    assert_eq!(rows[14].subgroup.as_deref(), Some("Общие"));
    assert_eq!(
        rows[15].subgroup.as_deref(),
        Some("В рамках независимой оценки качества")
    );
    assert_eq!(rows[20].subgroup, None);
    assert_eq!(rows[20].group, "Индивидуализация обучения");
    assert_eq!(
        rows[33].source, "Да/нет",
        "в ячейке источника строки 34 — «Да/нет»"
    );
}

/// Анкета берёт ровно отобранные вручную строки и идёт в порядке источника.
#[test]
fn hand_picked_rows_in_seed_order() {
    let blocks: Vec<&str> = q().blocks.iter().map(|b| b.id.as_str()).collect();
    let expected_blocks: Vec<&str> = HAND_PICKED.iter().map(|(b, _)| *b).collect();
    assert_eq!(blocks, expected_blocks);
    for (block, rows) in HAND_PICKED {
        let ids: Vec<String> = q().items_of(block).map(|i| i.id.clone()).collect();
        let expected: Vec<String> = rows.iter().map(|r| format!("{block}.{r}")).collect();
        assert_eq!(ids, expected, "пункты блока {block}");
    }
    let order: Vec<(String, usize, usize)> = q()
        .items
        .iter()
        .map(|i| {
            let (b, n, p) = row_of(i);
            (b, n, p.unwrap_or(0))
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted, "пункты в порядке источника");
}

/// Пункты, которые школа подтверждает внешним источником, и пункт «нет — хорошо»:
/// по словам источника.
#[test]
fn external_and_negative_items_follow_the_sources() {
    for item in &q().items {
        let outside = ["МО ХК", "ФИОКО", "bus.gov.ru", "рейтинговых агентств"]
            .iter()
            .any(|s| item.source.contains(s));
        // Балл НОКО «Доступность образовательной деятельности для инвалидов» — внешний,
        // хотя источником в методике названа ФСН № ОО-2.
        let noko = item.subgroup.as_deref() == Some("В рамках независимой оценки качества");
        assert_eq!(item.external, outside || noko, "{}: external", item.id);
        let negative = item.text.starts_with("Наличие признаков необъективности");
        assert_eq!(
            item.polarity.id() == "no_good",
            negative,
            "{}: polarity",
            item.id
        );
    }
}

/// Файл на диске и встроенная анкета совпадают.
#[test]
fn file_on_disk_is_the_built_in_one() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/data/self_assessment.json");
    let text = std::fs::read_to_string(path).expect("src/data/self_assessment.json");
    let parsed = Questionnaire::from_json(&text).expect("анкета проходит проверку");
    assert_eq!(&parsed, q());
    assert_eq!(q().source, SEED_NAME);
}
