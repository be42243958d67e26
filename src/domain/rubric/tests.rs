//! Модульные тесты рубрики: правила, подсчёт, проверка, слабые звенья, сравнение.

use super::*;

/// Маленькая рубрика со всеми видами правил.
///
/// | пункт                  | правило     | max |
/// |------------------------|-------------|-----|
/// | 1.1.goals.1            | per_option  | 2   |
/// | 1.1.goals.2            | presence    | 1   |
/// | 1.1.indicators.1       | conformity  | 2   |
/// | 1.1.indicators.2       | penalty     | 0   |
/// | 1.1.monitoring.1       | presence    | 1   |
/// | 1.1.analysis.1         | levels 1–4  | 4   |
/// | 1.1.analysis.2         | targeted    | 2   |
/// | 1.1.measures.1         | presence    | 1   |
/// | 1.1.effectiveness.1    | presence    | 1   |
/// | 2.1.<каждый этап>.1    | presence    | 1×6 |
///
/// Максимум: 1.1 — 14, 2.1 — 6, всего 20.
const SMALL: &str = r#"{
  "id": "test", "version": "7", "title": "Тестовая методика", "source": "test.txt",
  "stages": [
    {"id": "goals", "title": "Обоснование целей", "nominative": "обоснование целей", "genitive": "обоснования целей"},
    {"id": "indicators", "title": "Выбор показателей, методов сбора информации", "nominative": "выбор показателей и методов сбора информации", "genitive": "выбора показателей и методов сбора информации"},
    {"id": "monitoring", "title": "Проведение мониторинга", "nominative": "мониторинг", "genitive": "мониторинга"},
    {"id": "analysis", "title": "Проведение анализа и подготовка адресных рекомендаций", "nominative": "анализ и адресные рекомендации", "genitive": "анализа и адресных рекомендаций"},
    {"id": "measures", "title": "Принятие мер и управленческих решений", "nominative": "меры и управленческие решения", "genitive": "мер и управленческих решений"},
    {"id": "effectiveness", "title": "Анализ эффективности принятых мер", "nominative": "анализ эффективности принятых мер", "genitive": "анализа эффективности принятых мер"}
  ],
  "mechanisms": [{"id": "1", "title": "Первый"}, {"id": "2", "title": "Второй"}],
  "systems": [
    {"id": "1.1", "mechanism": "1", "title": "Система один"},
    {"id": "2.1", "mechanism": "2", "title": "Система два"}
  ],
  "items": [
    {"id": "1.1.goals.1", "system": "1.1", "stage": "goals", "header": "Наличие:", "text": "оценка (по 1 баллу за каждый тип результатов)",
     "rule": {"kind": "per_option", "options": ["метапредметные результаты", "предметные результаты"]}, "max": 2},
    {"id": "1.1.goals.2", "system": "1.1", "stage": "goals", "header": "Наличие:", "text": "учитывающей уровень", "rule": {"kind": "presence"}, "max": 1},
    {"id": "1.1.indicators.1", "system": "1.1", "stage": "indicators", "header": null, "text": "по подготовке", "rule": {"kind": "conformity"}, "max": 2},
    {"id": "1.1.indicators.2", "system": "1.1", "stage": "indicators", "header": null, "text": "Наличие неэффективных показателей", "rule": {"kind": "penalty"}, "max": 0},
    {"id": "1.1.monitoring.1", "system": "1.1", "stage": "monitoring", "header": null, "text": "мониторинг", "rule": {"kind": "presence"}, "max": 1},
    {"id": "1.1.analysis.1", "system": "1.1", "stage": "analysis", "header": null, "text": "анализ",
     "rule": {"kind": "levels", "levels": [
       {"points": 1, "text": "по результатам одной оценочной процедуры"},
       {"points": 2, "text": "по результатам нескольких оценочных процедур"},
       {"points": 3, "text": "проведение комплексного анализа по нескольким процедурам"},
       {"points": 4, "text": "проведение кластерного анализа"}]}, "max": 4},
    {"id": "1.1.analysis.2", "system": "1.1", "stage": "analysis", "header": null, "text": "рекомендации", "rule": {"kind": "targeted"}, "max": 2},
    {"id": "1.1.measures.1", "system": "1.1", "stage": "measures", "header": null, "text": "меры", "rule": {"kind": "presence"}, "max": 1},
    {"id": "1.1.effectiveness.1", "system": "1.1", "stage": "effectiveness", "header": null, "text": "эффективность", "rule": {"kind": "presence"}, "max": 1},
    {"id": "2.1.goals.1", "system": "2.1", "stage": "goals", "text": "цели", "rule": {"kind": "presence"}, "max": 1},
    {"id": "2.1.indicators.1", "system": "2.1", "stage": "indicators", "text": "показатели", "rule": {"kind": "presence"}, "max": 1},
    {"id": "2.1.monitoring.1", "system": "2.1", "stage": "monitoring", "text": "мониторинг", "rule": {"kind": "presence"}, "max": 1},
    {"id": "2.1.analysis.1", "system": "2.1", "stage": "analysis", "text": "анализ", "rule": {"kind": "presence"}, "max": 1},
    {"id": "2.1.measures.1", "system": "2.1", "stage": "measures", "text": "меры", "rule": {"kind": "presence"}, "max": 1},
    {"id": "2.1.effectiveness.1", "system": "2.1", "stage": "effectiveness", "text": "эффективность", "rule": {"kind": "presence"}, "max": 1}
  ]
}"#;

fn small() -> Rubric {
    Rubric::from_json(SMALL).expect("тестовая рубрика корректна")
}

fn org(name: &str, code: Option<&str>) -> Organisation {
    Organisation {
        name: name.to_string(),
        level: OrgLevel::Municipality,
        code: code.map(str::to_string),
    }
}

fn assessment(
    rubric: &Rubric,
    organisation: Organisation,
    year: i32,
    answers: &[(&str, ItemAnswer)],
) -> Assessment {
    let mut a = Assessment::new(rubric, organisation, year);
    for (id, answer) in answers {
        a.answers.insert((*id).to_string(), answer.clone());
    }
    a
}

fn p(points: i32) -> ItemAnswer {
    ItemAnswer::with_points(points)
}

/// Ответы, разобранные в тесте `score_by_hand`.
fn sample(rubric: &Rubric) -> Assessment {
    assessment(
        rubric,
        org("Город А", Some("001")),
        2024,
        &[
            (
                "1.1.goals.1",
                ItemAnswer::with_options(["предметные результаты"]),
            ),
            ("1.1.goals.2", p(1)),
            ("1.1.indicators.1", p(1)),
            ("1.1.indicators.2", p(-1)),
            ("1.1.monitoring.1", p(1)),
            ("1.1.analysis.1", p(3)),
            ("1.1.measures.1", p(0)),
            ("2.1.goals.1", p(1)),
        ],
    )
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn federal_rubric_loads_with_hand_counted_totals() {
    let r = federal();
    assert_eq!(r.id, "federal-moko");
    assert_eq!(r.items.len(), 284);
    assert_eq!(r.max_total(), 336);
    assert_eq!(r.systems.len(), 9);
    assert_eq!(r.mechanisms.len(), 2);
    let stage_ids: Vec<&str> = r.stages.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        stage_ids,
        [
            "goals",
            "indicators",
            "monitoring",
            "analysis",
            "measures",
            "effectiveness"
        ]
    );
    let kinds = |k: &str| r.items.iter().filter(|i| i.rule.kind() == k).count();
    assert_eq!(kinds("penalty"), 9);
    assert_eq!(kinds("levels"), 4);
    assert_eq!(kinds("per_option"), 7);
    assert_eq!(kinds("targeted"), 7);
    assert!(r.readings.len() >= 5);
    let l = r.item("1.1.analysis.1").unwrap();
    assert_eq!(l.max, 4);
    assert_eq!(l.rule.allowed_points(), vec![0, 1, 2, 3, 4]);
    // один и тот же объект при повторных вызовах
    assert!(std::ptr::eq(federal(), r));
}

#[test]
fn summary_text_lists_systems_and_total() {
    let text = summary_text(federal());
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 11, "{text}");
    assert_eq!(lines[0], "Оцениваемых строк: 284");
    assert_eq!(
        lines[1],
        "1.1 Система оценки качества подготовки обучающихся — 23 строки, максимум 34 балла"
    );
    assert_eq!(
        lines[6],
        "2.2 Система мониторинга эффективности руководителей всех образовательных организаций региона — 48 строк, максимум 57 баллов"
    );
    assert_eq!(lines[10], "Итого максимум: 336 баллов");
    assert_eq!(plural(1, "балл", "балла", "баллов"), "балл");
    assert_eq!(plural(21, "балл", "балла", "баллов"), "балл");
    assert_eq!(plural(12, "балл", "балла", "баллов"), "баллов");
    assert_eq!(plural(34, "балл", "балла", "баллов"), "балла");
}

#[test]
fn rule_choices_min_max() {
    let r = small();
    let rule = |id: &str| r.item(id).unwrap().rule.clone();

    let presence = rule("1.1.goals.2");
    assert_eq!((presence.min(), presence.max()), (0, 1));
    let labels: Vec<String> = presence.choices().into_iter().map(|c| c.label).collect();
    assert_eq!(labels, ["нет — 0", "есть — 1"]);

    let conformity = rule("1.1.indicators.1");
    assert_eq!((conformity.min(), conformity.max()), (0, 2));
    assert_eq!(
        conformity.choices()[1],
        Choice {
            points: 1,
            label: "есть, не соответствует обоснованию — 1".to_string()
        }
    );

    let per_option = rule("1.1.goals.1");
    assert_eq!((per_option.min(), per_option.max()), (0, 2));
    assert!(per_option.is_multi());
    let options: Vec<(i32, String)> = per_option
        .choices()
        .into_iter()
        .map(|c| (c.points, c.label))
        .collect();
    assert_eq!(
        options,
        [
            (1, "метапредметные результаты".to_string()),
            (1, "предметные результаты".to_string())
        ]
    );

    let levels = rule("1.1.analysis.1");
    assert_eq!((levels.min(), levels.max()), (0, 4));
    let choices = levels.choices();
    assert_eq!(choices.len(), 5);
    assert_eq!(choices[4].label, "проведение кластерного анализа — 4");

    let targeted = rule("1.1.analysis.2");
    assert_eq!(targeted.allowed_points(), vec![0, 1, 2]);
    assert_eq!(
        targeted.choices()[2].label,
        "для нескольких групп субъектов — 2"
    );

    let penalty = rule("1.1.indicators.2");
    assert_eq!((penalty.min(), penalty.max()), (-1, 0));
    assert_eq!(penalty.allowed_points(), vec![0, -1]);
    assert_eq!(penalty.choices()[1].label, "есть — \u{2212}1");
}

#[test]
fn score_every_rule_kind_by_hand() {
    let r = small();
    let s = score(&r, &sample(&r));
    let item = |id: &str| s.item(id).unwrap();

    // per_option: один вариант из двух
    assert_eq!(
        (item("1.1.goals.1").points, item("1.1.goals.1").max),
        (1, 2)
    );
    assert!(close(item("1.1.goals.1").percent, 50.0));
    // presence
    assert_eq!(item("1.1.goals.2").points, 1);
    // conformity: есть, не соответствует
    assert_eq!(item("1.1.indicators.1").points, 1);
    // penalty: −1, максимум 0, процент 0
    assert_eq!(
        (
            item("1.1.indicators.2").points,
            item("1.1.indicators.2").max
        ),
        (-1, 0)
    );
    assert!(close(item("1.1.indicators.2").percent, 0.0));
    assert!(item("1.1.indicators.2").answered);
    // levels: уровень 3 из 4
    assert_eq!(item("1.1.analysis.1").points, 3);
    assert!(close(item("1.1.analysis.1").percent, 75.0));
    // targeted без ответа
    assert_eq!(item("1.1.analysis.2").points, 0);
    assert!(!item("1.1.analysis.2").answered);
    // «нет» — это ответ
    assert!(item("1.1.measures.1").answered);

    // targeted с ответом 2
    let mut a = sample(&r);
    a.answers.insert("1.1.analysis.2".into(), p(2));
    assert_eq!(score(&r, &a).item("1.1.analysis.2").unwrap().points, 2);
}

#[test]
fn percentages_by_hand() {
    let r = small();
    let s = score(&r, &sample(&r));
    let cell = |stage: &str| *s.cell("1.1", stage).unwrap();

    // goals: 1 + 1 из 2 + 1 = 2/3
    assert_eq!((cell("goals").points, cell("goals").max), (2, 3));
    assert!(close(cell("goals").percent, 200.0 / 3.0));
    // indicators: 1 − 1 = 0 из 2 (штраф не добавляет максимума)
    assert_eq!((cell("indicators").points, cell("indicators").max), (0, 2));
    assert!(close(cell("indicators").percent, 0.0));
    // monitoring: 1/1
    assert!(close(cell("monitoring").percent, 100.0));
    // analysis: 3 + 0 из 4 + 2
    assert_eq!((cell("analysis").points, cell("analysis").max), (3, 6));
    assert!(close(cell("analysis").percent, 50.0));
    assert_eq!(
        (cell("analysis").answered, cell("analysis").unanswered),
        (1, 1)
    );
    assert!(close(cell("measures").percent, 0.0));
    assert!(close(cell("effectiveness").percent, 0.0));

    // система 1.1: 2 + 0 + 1 + 3 + 0 + 0 = 6 из 14
    let sys = *s.system("1.1").unwrap();
    assert_eq!((sys.points, sys.max), (6, 14));
    assert!(close(sys.percent, 600.0 / 14.0));
    assert_eq!((sys.answered, sys.unanswered), (7, 2));
    // система 2.1: 1 из 6
    let sys2 = *s.system("2.1").unwrap();
    assert_eq!(
        (sys2.points, sys2.max, sys2.answered, sys2.unanswered),
        (1, 6, 1, 5)
    );
    // механизмы совпадают со своими единственными системами
    assert_eq!(*s.mechanism("1").unwrap(), sys);
    assert_eq!(*s.mechanism("2").unwrap(), sys2);
    // итог: 7 из 20 = 35 %
    assert_eq!((s.overall.points, s.overall.max), (7, 20));
    assert!(close(s.overall.percent, 35.0));
    assert_eq!(
        (s.overall.answered, s.overall.unanswered, s.overall.total()),
        (8, 7, 15)
    );
    assert_eq!(s.cells.len(), 12);
    assert_eq!(
        crate::domain::common::format::percent(s.overall.percent),
        "35 %"
    );
    assert_eq!(
        crate::domain::common::format::percent(sys.percent),
        "42,9 %"
    );
}

#[test]
fn penalty_can_make_percentage_negative() {
    let r = small();
    let a = assessment(
        &r,
        org("Город А", None),
        2024,
        &[("1.1.indicators.1", p(0)), ("1.1.indicators.2", p(-1))],
    );
    let s = score(&r, &a);
    let cell = s.cell("1.1", "indicators").unwrap();
    assert_eq!((cell.points, cell.max), (-1, 2));
    assert!(close(cell.percent, -50.0));
    assert!(close(s.overall.percent, -5.0));
    assert_eq!(
        crate::domain::common::format::percent(cell.percent),
        "\u{2212}50 %"
    );
    assert_eq!(crate::domain::common::format::percent(-0.01), "0 %");
}

#[test]
fn empty_assessment_scores_zero() {
    let r = small();
    let s = score(&r, &Assessment::new(&r, org("Пусто", None), 2024));
    assert_eq!((s.overall.points, s.overall.max), (0, 20));
    assert_eq!((s.overall.answered, s.overall.unanswered), (0, 15));
    let f = score(
        federal(),
        &Assessment::new(federal(), org("Пусто", None), 2024),
    );
    assert_eq!((f.overall.max, f.overall.unanswered), (336, 284));
    assert_eq!(f.cells.len(), 54);
}

#[test]
fn per_option_answer_forms() {
    let r = small();
    let id = "1.1.goals.1";
    let with = |answer: ItemAnswer| {
        let a = assessment(&r, org("А", None), 2024, &[(id, answer)]);
        (
            validate_assessment(&r, &a),
            score(&r, &a).item(id).unwrap().clone(),
        )
    };
    // оба варианта
    let (problems, s) = with(ItemAnswer::with_options([
        "метапредметные результаты",
        "предметные результаты",
    ]));
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!((s.points, s.answered), (2, true));
    // «ни одного»: points = 0 без вариантов
    let (problems, s) = with(p(0));
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!((s.points, s.answered), (0, true));
    // points совпадает с числом вариантов
    let mut answer = ItemAnswer::with_options(["предметные результаты"]);
    answer.points = Some(1);
    let (problems, s) = with(answer);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(s.points, 1);
    // пустой ответ
    let (_, s) = with(ItemAnswer::default());
    assert!(!s.answered);
}

#[test]
fn validation_messages_name_the_item() {
    let r = small();
    let mut mismatch = ItemAnswer::with_options(["предметные результаты"]);
    mismatch.points = Some(2);
    let mut presence_with_options = p(1);
    presence_with_options.selected = vec!["что-то".into()];
    let a = assessment(
        &r,
        org("А", None),
        2024,
        &[
            ("9.9.goals.1", p(1)),
            ("1.1.goals.2", p(3)),
            ("1.1.indicators.2", p(1)),
            ("1.1.analysis.1", p(5)),
            (
                "1.1.goals.1",
                ItemAnswer::with_options(["личностные результаты", "предметные результаты"]),
            ),
            ("1.1.monitoring.1", presence_with_options),
            ("2.1.goals.1", p(1)),
        ],
    );
    let mut b = a.clone();
    b.answers.insert("1.1.goals.1".into(), mismatch);
    b.answers.insert(
        "1.1.analysis.1".into(),
        ItemAnswer::with_options(["предметные результаты", "предметные результаты"]),
    );
    b.rubric_id = "other".into();

    let problems = validate_assessment(&r, &a);
    let has = |list: &[String], needle: &str| list.iter().any(|m| m.contains(needle));
    assert!(
        has(
            &problems,
            "пункт «9.9.goals.1»: такого пункта нет в рубрике «test»"
        ),
        "{problems:#?}"
    );
    assert!(
        has(
            &problems,
            "пункт «1.1.goals.2»: недопустимое значение 3 (допустимо: 0, 1)"
        ),
        "{problems:#?}"
    );
    assert!(
        has(
            &problems,
            "пункт «1.1.indicators.2»: недопустимое значение 1 (допустимо: 0, \u{2212}1)"
        ),
        "{problems:#?}"
    );
    assert!(
        has(
            &problems,
            "пункт «1.1.analysis.1»: недопустимое значение 5 (допустимо: 0, 1, 2, 3, 4)"
        ),
        "{problems:#?}"
    );
    assert!(
        has(&problems, "пункт «1.1.goals.1»: неизвестный вариант «личностные результаты» (допустимо: «метапредметные результаты», «предметные результаты»)"),
        "{problems:#?}"
    );
    assert!(
        has(
            &problems,
            "пункт «1.1.monitoring.1»: для этого пункта варианты не выбираются"
        ),
        "{problems:#?}"
    );
    assert_eq!(problems.len(), 6, "{problems:#?}");
    assert!(problems.iter().all(|m| m.starts_with("пункт «")));

    let problems = b.validate(&r);
    assert!(
        has(
            &problems,
            "оценка заполнена по рубрике «other», а не «test»"
        ),
        "{problems:#?}"
    );
    assert!(
        has(
            &problems,
            "пункт «1.1.goals.1»: указано баллов: 2, а выбрано вариантов: 1"
        ),
        "{problems:#?}"
    );
    assert!(
        has(
            &problems,
            "пункт «1.1.analysis.1»: для этого пункта варианты не выбираются"
        ),
        "{problems:#?}"
    );

    // недопустимые ответы не засчитываются, но подсчёт не падает
    let s = score(&r, &a);
    let bad = s.item("1.1.goals.2").unwrap();
    assert_eq!((bad.points, bad.answered, bad.valid), (0, false, false));
    assert_eq!(s.overall.points, 1);

    // корректная оценка — без сообщений
    assert!(validate_assessment(&r, &sample(&r)).is_empty());
}

#[test]
fn rubric_validation_messages() {
    let mut bad: serde_json::Value = serde_json::from_str(SMALL).unwrap();
    let items = bad["items"].as_array_mut().unwrap();
    items[1]["id"] = "1.1.goals.1".into();
    items[2]["system"] = "3.3".into();
    items[3]["stage"] = "review".into();
    items[4]["max"] = 2.into();
    items[5]["rule"]["levels"][1]["points"] = 1.into();
    items[0]["rule"]["options"] = serde_json::json!([]);
    items[0]["max"] = 0.into();
    bad["systems"][1]["mechanism"] = "9".into();
    let err = Rubric::from_json(&bad.to_string()).unwrap_err();
    let RubricError::Invalid(problems) = &err else {
        panic!("ожидалась ошибка проверки: {err}");
    };
    let has = |needle: &str| problems.iter().any(|m| m.contains(needle));
    assert!(
        has("повторяется идентификатор пункта «1.1.goals.1»"),
        "{problems:#?}"
    );
    assert!(
        has("пункт «1.1.indicators.1»: неизвестная система «3.3»"),
        "{problems:#?}"
    );
    assert!(
        has("пункт «1.1.indicators.2»: неизвестный этап «review»"),
        "{problems:#?}"
    );
    assert!(has("пункт «1.1.monitoring.1»: максимум 2 не согласуется с правилом presence (по правилу 1)"), "{problems:#?}");
    assert!(
        has("пункт «1.1.analysis.1»: уровни должны идти по возрастанию"),
        "{problems:#?}"
    );
    assert!(
        has("пункт «1.1.goals.1»: у правила «по баллу за каждый вариант» нет вариантов"),
        "{problems:#?}"
    );
    assert!(
        has("система «2.1»: неизвестный механизм «9»"),
        "{problems:#?}"
    );
    assert!(err.to_string().starts_with("рубрика содержит ошибки: "));

    let err = Rubric::from_json("{\"id\": 1}").unwrap_err();
    assert!(matches!(err, RubricError::Json(_)));
    assert!(err.to_string().starts_with("не удалось прочитать JSON"));
    let err = Rubric::from_json(&SMALL.replace("\"kind\": \"targeted\"", "\"kind\": \"bonus\""))
        .unwrap_err();
    assert!(matches!(err, RubricError::Json(_)), "{err}");
}

#[test]
fn weak_links_in_words() {
    let r = small();
    let links = weak_links(&r, &score(&r, &sample(&r)));
    let texts: Vec<(&str, &str)> = links
        .iter()
        .map(|l| (l.system.as_str(), l.text.as_str()))
        .collect();
    assert_eq!(
        texts,
        [
            ("1.1", "есть обоснование целей, но нет выбора показателей и методов сбора информации"),
            ("1.1", "есть анализ и адресные рекомендации, но нет мер и управленческих решений"),
            ("1.1", "есть анализ и адресные рекомендации, но нет анализа эффективности принятых мер"),
            (
                "1.1",
                "0 % на этапах «Выбор показателей, методов сбора информации», «Принятие мер и управленческих решений», «Анализ эффективности принятых мер»"
            ),
            ("2.1", "есть обоснование целей, но нет выбора показателей и методов сбора информации"),
            ("2.1", "есть обоснование целей, но нет мониторинга"),
            ("2.1", "есть обоснование целей, но нет анализа и адресных рекомендаций"),
            ("2.1", "есть обоснование целей, но нет мер и управленческих решений"),
            ("2.1", "есть обоснование целей, но нет анализа эффективности принятых мер"),
            (
                "2.1",
                "0 % на этапах «Выбор показателей, методов сбора информации», «Проведение мониторинга», «Проведение анализа и подготовка адресных рекомендаций», «Принятие мер и управленческих решений», «Анализ эффективности принятых мер»"
            ),
        ]
    );
    // детерминированность
    assert_eq!(links, weak_links(&r, &score(&r, &sample(&r))));
}

#[test]
fn weak_links_monitoring_without_effectiveness_and_lowest_stage() {
    let r = small();
    // 2.1: всё есть, кроме анализа эффективности, а анализ и меры тоже пусты
    let a = assessment(
        &r,
        org("А", None),
        2024,
        &[
            ("2.1.goals.1", p(1)),
            ("2.1.indicators.1", p(1)),
            ("2.1.monitoring.1", p(1)),
            ("2.1.analysis.1", p(0)),
            ("2.1.measures.1", p(0)),
            ("2.1.effectiveness.1", p(0)),
            // 1.1: все этапы с баллами, слабее всего — выбор показателей (1 из 2 = 50 %)
            (
                "1.1.goals.1",
                ItemAnswer::with_options(["метапредметные результаты", "предметные результаты"]),
            ),
            ("1.1.goals.2", p(1)),
            ("1.1.indicators.1", p(1)),
            ("1.1.monitoring.1", p(1)),
            ("1.1.analysis.1", p(4)),
            ("1.1.analysis.2", p(2)),
            ("1.1.measures.1", p(1)),
            ("1.1.effectiveness.1", p(1)),
        ],
    );
    let links = weak_links(&r, &score(&r, &a));
    let texts: Vec<&str> = links.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "слабее всего этап «Выбор показателей, методов сбора информации»: 50 %",
            "есть мониторинг, но нет анализа и адресных рекомендаций",
            "есть мониторинг, но нет мер и управленческих решений",
            "есть мониторинг, но нет анализа эффективности принятых мер",
            "0 % на этапах «Проведение анализа и подготовка адресных рекомендаций», «Принятие мер и управленческих решений», «Анализ эффективности принятых мер»",
        ]
    );
    assert_eq!(links[0].system, "1.1");
    assert_eq!(links[1].system, "2.1");

    // ни одного балла; и одинаковые проценты — без «слабее всего»
    let empty = weak_links(&r, &score(&r, &Assessment::new(&r, org("Б", None), 2024)));
    assert_eq!(
        empty.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(),
        [
            "ни один этап управленческого цикла не набрал баллов",
            "ни один этап управленческого цикла не набрал баллов"
        ]
    );
    let mut full = a.clone();
    full.answers.insert("1.1.indicators.1".into(), p(2));
    for stage in ["analysis", "measures", "effectiveness"] {
        full.answers.insert(format!("2.1.{stage}.1"), p(1));
    }
    assert!(weak_links(&r, &score(&r, &full)).is_empty());

    // единственный этап с 0 % на федеральной рубрике — форма единственного числа
    let f = federal();
    let mut one = Assessment::new(f, org("В", None), 2024);
    for item in f.items_of_system("1.4") {
        if item.stage != "effectiveness" {
            let answer = match &item.rule {
                Rule::PerOption { options } => ItemAnswer::with_options(options.clone()),
                rule => p(rule.max()),
            };
            one.answers.insert(item.id.clone(), answer);
        }
    }
    let texts: Vec<String> = weak_links(f, &score(f, &one))
        .into_iter()
        .filter(|l| l.system == "1.4")
        .map(|l| l.text)
        .collect();
    assert_eq!(
        texts,
        [
            "есть меры и управленческие решения, но нет анализа эффективности принятых мер",
            "0 % на этапе «Анализ эффективности принятых мер»"
        ]
    );
}

#[test]
fn comparison_and_change_against_last_year() {
    let r = small();
    let a_code = Some("001");
    // Город А: 2022, 2023, 2024 (берётся 2024, сравнение с 2023)
    let a2022 = assessment(&r, org("Город А", a_code), 2022, &[("2.1.goals.1", p(1))]);
    let a2023 = assessment(
        &r,
        org("Город А", a_code),
        2023,
        &[("1.1.goals.2", p(1)), ("1.1.monitoring.1", p(1))],
    );
    let a2024 = sample(&r);
    // Посёлок Б: только 2024, две версии — берётся с более поздним updated_at
    let mut b_old = assessment(&r, org("Посёлок Б", None), 2024, &[("2.1.goals.1", p(1))]);
    b_old.updated_at = "2024-03-01T10:00:00Z".into();
    let mut b_new = assessment(
        &r,
        org("Посёлок Б", None),
        2024,
        &[("2.1.goals.1", p(1)), ("2.1.monitoring.1", p(1))],
    );
    b_new.updated_at = "2024-05-01T10:00:00Z".into();
    // Область В: 2024 и 2022 — прошлого (2023) года нет
    let mut region = org("Область В", Some("77"));
    region.level = OrgLevel::Region;
    let v2024 = assessment(&r, region.clone(), 2024, &[("1.1.goals.2", p(1))]);
    let v2022 = assessment(&r, region, 2022, &[("1.1.goals.2", p(0))]);
    // другая рубрика — пропускается
    let mut foreign = assessment(&r, org("Чужая", None), 2024, &[]);
    foreign.rubric_id = "other".into();

    let c = compare(
        &r,
        &[
            b_new.clone(),
            a2023,
            foreign,
            v2024,
            a2022,
            b_old,
            a2024,
            v2022,
        ],
    );
    assert_eq!(c.systems, ["1.1", "2.1"]);
    assert_eq!(c.stages.len(), 6);
    let names: Vec<&str> = c
        .columns
        .iter()
        .map(|c| c.organisation.name.as_str())
        .collect();
    assert_eq!(names, ["Область В", "Город А", "Посёлок Б"]);

    let v = &c.columns[0];
    assert_eq!(v.year, 2024);
    assert!(v.change.is_none());
    assert!(close(v.overall, 5.0)); // 1 из 20

    let a = &c.columns[1];
    assert_eq!(a.year, 2024);
    assert!(close(a.overall, 35.0));
    assert_eq!((a.answered, a.unanswered), (8, 7));
    assert_eq!(a.rows[0].system, "1.1");
    assert!(close(a.rows[0].stages[0], 200.0 / 3.0));
    assert!(close(a.rows[0].stages[3], 50.0));
    assert!(close(a.rows[0].percent, 600.0 / 14.0));
    assert!(close(a.rows[1].percent, 100.0 / 6.0));
    let change = a.change.as_ref().expect("есть оценка за 2023 год");
    assert_eq!(change.previous_year, 2023);
    // 2023: 1.1 — 2 из 14, 2.1 — 0 из 6, итог — 2 из 20 = 10 %
    assert_eq!(change.systems[0].system, "1.1");
    assert!(close(change.systems[0].delta, 600.0 / 14.0 - 200.0 / 14.0));
    assert!(close(change.systems[1].delta, 100.0 / 6.0));
    assert!(close(change.overall, 25.0));

    let b = &c.columns[2];
    assert!(
        close(b.rows[1].percent, 200.0 / 6.0),
        "взята последняя версия"
    );
    assert!(b.change.is_none());
    // столбец не зависит от других организаций
    assert_eq!(compare(&r, &[b_new]).columns[0], *b);
}

#[test]
fn assessment_json_round_trip() {
    let r = small();
    let mut a = sample(&r);
    a.updated_at = "2024-06-01T12:00:00Z".into();
    a.organisation.level = OrgLevel::School;
    let answer = a.answers.get_mut("1.1.goals.2").unwrap();
    answer.comment = "Приказ размещён на сайте".into();
    answer.evidence.push(Evidence {
        name: "Приказ № 15".into(),
        date: "2024-02-01".into(),
        link: "https://example.org/prikaz-15.pdf".into(),
    });
    let json = a.to_json_pretty();
    assert!(json.contains("\"level\": \"school\""), "{json}");
    assert!(json.contains("\"rubric_id\": \"test\""), "{json}");
    let back = Assessment::from_json(&json).unwrap();
    assert_eq!(back, a);
    let compact = serde_json::to_string(&a).unwrap();
    assert_eq!(serde_json::from_str::<Assessment>(&compact).unwrap(), a);

    // значения по умолчанию для недостающих полей
    let minimal = Assessment::from_json(
        r#"{"organisation": {"name": "Школа № 1", "level": "municipality"}, "year": 2025,
            "answers": {"1.1.goals.2": {"points": 1}, "1.1.goals.1": {"selected": ["предметные результаты"]}}}"#,
    )
    .unwrap();
    assert_eq!(minimal.organisation.code, None);
    assert_eq!(minimal.organisation.level, OrgLevel::Municipality);
    assert_eq!(minimal.answers["1.1.goals.2"], p(1));
    assert!(minimal.answers["1.1.goals.1"].evidence.is_empty());
    assert_eq!(score(&r, &minimal).overall.points, 2);
    assert!(matches!(
        Assessment::from_json("{\"year\": \"x\"}"),
        Err(RubricError::Json(_))
    ));
}

#[test]
fn organisation_key_links_years() {
    let a = org("Город А", Some(" 001 "));
    let mut b = org("город а (переименован)", Some("001"));
    assert_eq!(a.key(), b.key());
    b.level = OrgLevel::School;
    assert_ne!(a.key(), b.key());
    assert_eq!(org(" Город А", None).key(), org("город а", None).key());
    assert_eq!(OrgLevel::Municipality.title(), "муниципалитет");
}
