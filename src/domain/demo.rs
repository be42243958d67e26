//! The module `demo` (a folder of one file, last in the order): may use every folder.
//!
//! A made-up region for demonstrations, benchmarks and tests: deterministic (same spec, same
//! rows), plausible (social disadvantage lowers results, results persist from year to year,
//! some cells are missing, every school type occurs).
//!
//! No real school is described; names are invented.

use crate::domain::common::time::Timestamp;
use crate::domain::contract::row::{Row, SchoolType};
use crate::domain::exchange::records::{
    AssessmentRecord, ImportCounts, LogAction, LogEntry, Origin, RecordMeta, SchoolIdentity,
    SchoolRecord, SubmissionRecord,
};
use crate::domain::exchange::snapshot::{Snapshot, Writes};
use crate::domain::rubric::{self, Assessment, ItemAnswer, OrgLevel, Organisation, Rule};
use std::collections::{BTreeMap, HashSet};

/// What to generate.
#[derive(Debug, Clone)]
pub struct DemoSpec {
    pub schools: usize,
    pub municipalities: usize,
    /// Exam years, oldest first.
    pub years: Vec<i32>,
    pub seed: u64,
}

impl Default for DemoSpec {
    /// The seminar region: 240 schools in 12 municipalities, three years.
    fn default() -> Self {
        DemoSpec {
            schools: 240,
            municipalities: 12,
            years: vec![2023, 2024, 2025],
            seed: 2025,
        }
    }
}

/// The name of the demonstration region.
pub const REGION_NAME: &str = "Демонстрационный край";

const MUNICIPALITIES: [&str; 24] = [
    "г. Приморск",
    "г. Северогорск",
    "Заречный район",
    "Кедровый район",
    "Озёрный район",
    "Таёжный район",
    "г. Новоключевск",
    "Амгуньский район",
    "Берёзовский район",
    "Светлореченский район",
    "Каменский район",
    "Тихоокеанский район",
    "г. Лесогорск",
    "Полярный район",
    "Ясный район",
    "Сосновский район",
    "Рудный район",
    "Степной район",
    "Горный район",
    "г. Речной",
    "Ольховский район",
    "Медвежий район",
    "Луговой район",
    "Восточный район",
];

const VILLAGES: [&str; 12] = [
    "Берёзовка",
    "Ключи",
    "Сосновка",
    "Каменка",
    "Заозёрное",
    "Покровка",
    "Троицкое",
    "Ивановка",
    "Малиновка",
    "Октябрьский",
    "Лесной",
    "Нижний Бор",
];

/// splitmix64: small, fast and good enough for made-up data.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u = self.unit().max(1e-12);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}
/// A share in per cent from a latent score: `base` % at 0, rising with `x`.
fn share(base: f64, x: f64) -> f64 {
    let b = (base / 100.0).clamp(1e-4, 0.9999);
    round1(100.0 * logistic((b / (1.0 - b)).ln() + x)).clamp(0.0, 100.0)
}

struct SchoolSeed {
    id: String,
    name: String,
    municipality: String,
    school_type: SchoolType,
    /// Latent quality (higher = better results).
    quality: f64,
    /// Latent disadvantage (higher = worse social conditions).
    disadvantage: f64,
    size: f64,
}

fn schools(spec: &DemoSpec, rng: &mut Rng) -> Vec<SchoolSeed> {
    let munis: Vec<String> = (0..spec.municipalities.max(1))
        .map(|i| {
            let base = MUNICIPALITIES[i % MUNICIPALITIES.len()];
            if i < MUNICIPALITIES.len() {
                base.to_string()
            } else {
                format!("{base} {}", i / MUNICIPALITIES.len() + 1)
            }
        })
        .collect();
    // Municipalities differ in their social context.
    let context: Vec<f64> = munis.iter().map(|_| rng.normal() * 0.6).collect();
    let mut numbers = vec![0usize; munis.len()];
    (0..spec.schools)
        .map(|i| {
            let m = if i < munis.len() {
                i
            } else {
                rng.below(munis.len())
            };
            let t = match rng.unit() {
                x if x < 0.62 => SchoolType::Secondary,
                x if x < 0.86 => SchoolType::Basic,
                x if x < 0.91 => SchoolType::Evening,
                x if x < 0.96 => SchoolType::Primary,
                x if x < 0.99 => SchoolType::Adapted,
                _ => SchoolType::Penitentiary,
            };
            numbers[m] += 1;
            let n = numbers[m];
            let town = munis[m].starts_with("г. ");
            let place = if town {
                munis[m].clone()
            } else {
                format!("с. {}", VILLAGES[rng.below(VILLAGES.len())])
            };
            let name = match t {
                SchoolType::Secondary if town && n % 5 == 0 => {
                    format!("МАОУ «Гимназия № {n}» {place}")
                }
                SchoolType::Secondary if town && n % 7 == 0 => {
                    format!("МАОУ «Лицей № {n}» {place}")
                }
                SchoolType::Secondary => format!("МБОУ СОШ № {n} {place}"),
                SchoolType::Basic => format!("МБОУ ООШ № {n} {place}"),
                SchoolType::Evening => format!("МБОУ «Вечерняя (сменная) школа № {n}» {place}"),
                SchoolType::Primary => format!("МБОУ НОШ № {n} {place}"),
                SchoolType::Adapted => {
                    format!("КГКОУ «Школа № {n}» {place} (адаптированные программы)")
                }
                SchoolType::Penitentiary => format!("КГКОУ «Вечерняя школа при ИК № {n}»"),
            };
            let disadvantage = context[m] + rng.normal() * 0.8 + if town { -0.3 } else { 0.3 };
            let quality = -0.45 * disadvantage
                + rng.normal() * 0.8
                + if name.contains("Гимназия") || name.contains("Лицей") {
                    0.8
                } else {
                    0.0
                };
            let size = if town {
                300.0 + rng.unit() * 900.0
            } else {
                60.0 + rng.unit() * 300.0
            };
            SchoolSeed {
                id: format!("{:03}{:04}", m + 1, i + 1),
                name,
                municipality: munis[m].clone(),
                school_type: t,
                quality,
                disadvantage,
                size,
            }
        })
        .collect()
}

/// Generates one row per school and year.
pub fn region(spec: &DemoSpec) -> Vec<Row> {
    let mut rng = Rng(spec.seed);
    let schools = schools(spec, &mut rng);
    let mut rows = Vec::with_capacity(schools.len() * spec.years.len());
    for s in &schools {
        let mut q = s.quality;
        let mut d = s.disadvantage;
        for &year in &spec.years {
            // Results and conditions drift a little from year to year.
            q = 0.85 * q + 0.15 * s.quality + rng.normal() * 0.65;
            d = 0.9 * d + 0.1 * s.disadvantage + rng.normal() * 0.2;
            rows.push(school_year(s, year, q, d, &mut rng));
        }
    }
    rows
}

fn school_year(s: &SchoolSeed, year: i32, q: f64, d: f64, rng: &mut Rng) -> Row {
    let mut row = Row::new(&s.id, &s.name, &s.municipality, s.school_type, year);
    let put = |row: &mut Row, id: &str, v: f64, rng: &mut Rng| {
        // About 3 % of cells are missing, as in real tables.
        if rng.unit() >= 0.03 {
            row.values.set_by_id(id, Some(v));
        }
    };
    let students = (s.size * (0.9 + rng.unit() * 0.2)).round();
    let has_ege = matches!(
        s.school_type,
        SchoolType::Secondary | SchoolType::Evening | SchoolType::Penitentiary
    );
    let has_oge = s.school_type != SchoolType::Primary;
    let e = |rng: &mut Rng| rng.normal() * 0.25;
    if has_ege {
        let n = (students / 11.0 * (0.5 + rng.unit() * 0.4))
            .round()
            .max(1.0);
        put(&mut row, "ege_participants", n, rng);
        put(
            &mut row,
            "ege_no_cert_pct",
            share(1.5, -0.9 * q + e(rng)),
            rng,
        );
        put(
            &mut row,
            "ege_rus_below_min_pct",
            share(1.2, -0.9 * q + e(rng)),
            rng,
        );
        put(
            &mut row,
            "ege_math_below_min_pct",
            share(3.0, -0.9 * q + e(rng)),
            rng,
        );
        put(
            &mut row,
            "ege_rus_80plus_pct",
            share(12.0, 0.8 * q + e(rng)),
            rng,
        );
        put(
            &mut row,
            "ege_math_80plus_pct",
            share(6.0, 0.8 * q + e(rng)),
            rng,
        );
        put(
            &mut row,
            "ege_rus_mean",
            round1((69.0 + 9.0 * q + rng.normal() * 3.0).clamp(20.0, 98.0)),
            rng,
        );
        put(
            &mut row,
            "ege_math_prof_mean",
            round1((56.0 + 11.0 * q + rng.normal() * 4.0).clamp(15.0, 98.0)),
            rng,
        );
        put(
            &mut row,
            "ege_math_base_mean",
            round2((4.15 + 0.45 * q + rng.normal() * 0.12).clamp(2.0, 5.0)),
            rng,
        );
    }
    if has_oge {
        let n = (students / 9.0 * (0.6 + rng.unit() * 0.4)).round().max(1.0);
        put(&mut row, "oge_participants", n, rng);
        put(
            &mut row,
            "oge_no_cert_pct",
            share(2.0, -0.9 * q + e(rng)),
            rng,
        );
        put(
            &mut row,
            "oge_rus_2_pct",
            share(3.0, -0.9 * q + e(rng)),
            rng,
        );
        put(
            &mut row,
            "oge_math_2_pct",
            share(5.0, -0.9 * q + e(rng)),
            rng,
        );
        put(
            &mut row,
            "oge_rus_5_pct",
            share(25.0, 0.8 * q + e(rng)),
            rng,
        );
        put(
            &mut row,
            "oge_math_5_pct",
            share(15.0, 0.8 * q + e(rng)),
            rng,
        );
        put(
            &mut row,
            "oge_rus_mean",
            round2((3.9 + 0.4 * q + rng.normal() * 0.1).clamp(2.0, 5.0)),
            rng,
        );
        put(
            &mut row,
            "oge_math_mean",
            round2((3.6 + 0.45 * q + rng.normal() * 0.1).clamp(2.0, 5.0)),
            rng,
        );
    }
    let n = (students * 0.45).round().max(1.0);
    put(&mut row, "vpr_participants", n, rng);
    put(
        &mut row,
        "vpr_rus_2_pct",
        share(10.0, -0.9 * q + e(rng)),
        rng,
    );
    put(
        &mut row,
        "vpr_math_2_pct",
        share(9.0, -0.9 * q + e(rng)),
        rng,
    );
    put(&mut row, "vpr_rus_5_pct", share(9.0, 0.8 * q + e(rng)), rng);
    put(
        &mut row,
        "vpr_math_5_pct",
        share(11.0, 0.8 * q + e(rng)),
        rng,
    );
    put(
        &mut row,
        "vpr_rus_mean",
        round2((3.5 + 0.35 * q + rng.normal() * 0.08).clamp(2.0, 5.0)),
        rng,
    );
    put(
        &mut row,
        "vpr_math_mean",
        round2((3.6 + 0.35 * q + rng.normal() * 0.08).clamp(2.0, 5.0)),
        rng,
    );

    put(&mut row, "students_total", students, rng);
    let soc = |base: f64, k: f64, rng: &mut Rng| share(base, k * d + rng.normal() * 0.3);
    for (id, base, k) in [
        ("deviant_pct", 1.5, 0.9),
        ("school_register_pct", 3.0, 0.8),
        ("police_register_pct", 1.0, 0.9),
        ("non_native_pct", 4.0, 0.6),
        ("disabled_pct", 5.0, 0.4),
        ("unemployed_parents_pct", 8.0, 0.9),
        ("parents_no_higher_ed_pct", 45.0, 0.8),
        ("single_parent_pct", 22.0, 0.5),
        ("at_risk_family_pct", 2.0, 0.9),
        ("free_meals_pct", 25.0, 0.9),
        ("guardianship_pct", 2.5, 0.7),
    ] {
        let v = soc(base, k, rng);
        put(&mut row, id, v, rng);
    }
    row
}

/// Assessments of quality-management mechanisms for the demonstration: the region in the two
/// last years (so that the change against last year shows) and two municipalities in the last
/// year (so that the comparison shows). Answers are invented and deterministic; later stages of
/// the management cycle are answered more weakly, as is typical, so that the weakest links show.
pub fn rubric_assessments(spec: &DemoSpec, updated_at: &str) -> Vec<Assessment> {
    let r = rubric::federal();
    let last = spec.years.last().copied().unwrap_or(2025);
    let orgs = [
        (
            REGION_NAME.to_string(),
            OrgLevel::Region,
            Some("99".to_string()),
            last - 1,
            0.45,
        ),
        (
            REGION_NAME.to_string(),
            OrgLevel::Region,
            Some("99".to_string()),
            last,
            0.62,
        ),
        (
            MUNICIPALITIES[0].to_string(),
            OrgLevel::Municipality,
            None,
            last,
            0.55,
        ),
        (
            MUNICIPALITIES[2].to_string(),
            OrgLevel::Municipality,
            None,
            last,
            0.35,
        ),
    ];
    let mut rng = Rng(spec.seed ^ 0x005e_ed0f_7b1c);
    orgs.into_iter()
        .map(|(name, level, code, year, maturity)| {
            let mut a = Assessment::new(r, Organisation { name, level, code }, year);
            for item in &r.items {
                // The six stages, in cycle order, answered ever more weakly.
                let stage = r
                    .stages
                    .iter()
                    .position(|s| s.id == item.stage)
                    .unwrap_or(0);
                let p: f64 = (maturity * [1.0, 0.95, 0.85, 0.7, 0.75, 0.4][stage.min(5)]
                    + 0.05_f64)
                    .min(0.95);
                let answer = match &item.rule {
                    Rule::Penalty => {
                        ItemAnswer::with_points(if rng.unit() < 0.25 { -1 } else { 0 })
                    }
                    Rule::PerOption { options } => {
                        let selected: Vec<String> =
                            options.iter().filter(|_| rng.unit() < p).cloned().collect();
                        ItemAnswer {
                            points: Some(selected.len() as i32),
                            selected,
                            ..ItemAnswer::default()
                        }
                    }
                    rule => {
                        let choices = rule.choices();
                        let best = choices.iter().map(|c| c.points).max().unwrap_or(0);
                        let lower: Vec<i32> = choices
                            .iter()
                            .map(|c| c.points)
                            .filter(|&x| x < best)
                            .collect();
                        let points = if rng.unit() < p || lower.is_empty() {
                            best
                        } else {
                            lower[rng.below(lower.len())]
                        };
                        ItemAnswer::with_points(points)
                    }
                };
                a.answers.insert(item.id.clone(), answer);
            }
            a.updated_at = updated_at.to_string();
            a
        })
        .collect()
}

/// The demonstration region as the writes of one transaction: its schools (identity of the
/// latest year), rows and rubric assessments, all marked [`Origin::Demo`], and the journal
/// entry.
pub fn writes(spec: &DemoSpec, now: &Timestamp) -> Writes {
    let rows = region(spec);
    let meta = RecordMeta {
        modified_at: now.clone(),
        origin: Origin::Demo,
    };
    let mut latest: BTreeMap<&str, &Row> = BTreeMap::new();
    for r in &rows {
        let e = latest.entry(&r.school_id).or_insert(r);
        if r.year > e.year {
            *e = r;
        }
    }
    let schools: Vec<SchoolRecord> = latest
        .values()
        .map(|r| SchoolRecord::new(SchoolIdentity::of_row(r), meta.clone()))
        .collect();
    let assessments: Vec<AssessmentRecord> = rubric_assessments(spec, now.as_str())
        .into_iter()
        .map(|a| AssessmentRecord::new(a, meta.clone()))
        .collect();
    let counts = ImportCounts {
        new: schools.len() + rows.len() + assessments.len(),
        ..ImportCounts::default()
    };
    let entry = LogEntry::new(
        now,
        LogAction::Demo,
        None,
        None,
        format!(
            "{REGION_NAME}: {}, {}, {}",
            crate::domain::common::format::count(schools.len(), "школа", "школы", "школ"),
            crate::domain::common::format::count(rows.len(), "строка", "строки", "строк"),
            crate::domain::common::format::count(
                assessments.len(),
                "оценка механизмов управления",
                "оценки механизмов управления",
                "оценок механизмов управления"
            )
        ),
        counts,
    );
    Writes {
        schools,
        submissions: rows
            .into_iter()
            .map(|row| SubmissionRecord {
                row,
                meta: meta.clone(),
            })
            .collect(),
        assessments,
        runs: Vec::new(),
        references: Vec::new(),
        log: Vec::new(),
        entry,
    }
}

/// The demonstration region beside what is stored, kept apart: a school whose code a
/// record of another origin already holds (a real school, or rows from a file) is left out
/// with its rows, so opening the demo never overwrites the user's data. Also the number of
/// schools left out. (Demonstration records already stored are written again as new.)
pub fn writes_apart(current: &Snapshot, spec: &DemoSpec, now: &Timestamp) -> (Writes, usize) {
    let mut w = writes(spec, now);
    let taken: HashSet<&str> = current
        .schools
        .iter()
        .filter(|r| r.meta.origin != Origin::Demo)
        .map(|r| r.school_id.as_str())
        .chain(
            current
                .submissions
                .iter()
                .filter(|r| r.meta.origin != Origin::Demo)
                .map(|r| r.row.school_id.as_str()),
        )
        .collect();
    let before = w.schools.len();
    w.schools.retain(|r| !taken.contains(r.school_id.as_str()));
    w.submissions
        .retain(|r| !taken.contains(r.row.school_id.as_str()));
    let taken_assessments: HashSet<&str> = current
        .assessments
        .iter()
        .filter(|r| r.meta.origin != Origin::Demo)
        .map(|r| r.id.as_str())
        .collect();
    w.assessments
        .retain(|r| !taken_assessments.contains(r.id.as_str()));
    let skipped = before - w.schools.len();
    if skipped > 0 {
        w.entry.counts.new = w.schools.len() + w.submissions.len() + w.assessments.len();
        use crate::domain::common::format::count;
        w.entry.summary = format!(
            "{REGION_NAME}: {}, {}, {}; пропущены школы с кодами ваших школ: {skipped}",
            count(w.schools.len(), "школа", "школы", "школ"),
            count(w.submissions.len(), "строка", "строки", "строк"),
            count(
                w.assessments.len(),
                "оценка механизмов управления",
                "оценки механизмов управления",
                "оценок механизмов управления"
            )
        );
    }
    (w, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::method::identify::{identify, Params, ResultsCategory};

    #[test]
    fn the_demo_opens_beside_real_data_without_touching_it() {
        use crate::domain::common::time::ts;
        use crate::domain::exchange::records::SubmissionRecord;
        use crate::domain::exchange::snapshot::Snapshot;
        let spec = DemoSpec {
            schools: 30,
            municipalities: 3,
            ..DemoSpec::default()
        };
        let now = ts("2025-11-22T10:00:00Z");
        let full = writes(&spec, &now);
        // A real school that happens to have a demo school's code, and one of its own.
        let clash = full.schools[0].school_id.clone();
        let real_meta = RecordMeta {
            modified_at: now.clone(),
            origin: Origin::Local,
        };
        let mut current = Snapshot::default();
        for id in [clash.as_str(), "real-1"] {
            let row = Row::new(id, "Моя школа", "Мой город", SchoolType::Secondary, 2025);
            current.schools.push(SchoolRecord::new(
                SchoolIdentity::of_row(&row),
                real_meta.clone(),
            ));
            current.submissions.push(SubmissionRecord {
                row,
                meta: real_meta.clone(),
            });
        }
        let (w, skipped) = writes_apart(&current, &spec, &now);
        assert_eq!(skipped, 1);
        assert_eq!(w.schools.len(), full.schools.len() - 1);
        assert!(w.schools.iter().all(|s| s.school_id != clash));
        assert!(w.submissions.iter().all(|s| s.row.school_id != clash));
        assert_eq!(
            w.submissions.len(),
            full.submissions.len() - spec.years.len()
        );
        assert!(w
            .entry
            .summary
            .ends_with("пропущены школы с кодами ваших школ: 1"));
        let mut after = current.clone();
        after.apply(&w);
        let mine = after.school(&clash).unwrap();
        assert_eq!(
            mine.school_name, "Моя школа",
            "the real school is untouched"
        );
        assert_eq!(
            after
                .submissions
                .iter()
                .filter(|s| s.row.school_id == clash)
                .count(),
            1
        );
        // The demo is removed again exactly, the real data stays.
        after.remove(&after.demo_records());
        assert_eq!(after.schools, current.schools);
        assert_eq!(after.submissions, current.submissions);
        // On an empty database nothing is left out.
        let (w, skipped) = writes_apart(&Snapshot::default(), &spec, &now);
        assert_eq!((skipped, w.schools.len()), (0, full.schools.len()));
        assert_eq!(w.entry.summary, full.entry.summary);
    }

    #[test]
    fn demo_assessments_are_valid_and_show_progress_and_weak_links() {
        let r = rubric::federal();
        let list = rubric_assessments(&DemoSpec::default(), "2025-11-22T10:00:00.000Z");
        assert_eq!(list.len(), 4);
        for a in &list {
            assert!(
                rubric::validate_assessment(r, a).is_empty(),
                "{:?}",
                rubric::validate_assessment(r, a)
            );
            assert_eq!(a.answers.len(), r.items.len(), "every line answered");
        }
        let pct = |a: &Assessment| rubric::score(r, a).overall.percent;
        assert!(
            pct(&list[1]) > pct(&list[0]),
            "the region improves over the year"
        );
        assert!(!rubric::weak_links(r, &rubric::score(r, &list[3])).is_empty());
        assert_eq!(
            list,
            rubric_assessments(&DemoSpec::default(), "2025-11-22T10:00:00.000Z"),
            "deterministic"
        );
    }

    #[test]
    fn demo_is_deterministic_valid_and_interesting() {
        let spec = DemoSpec::default();
        let rows = region(&spec);
        assert_eq!(rows.len(), spec.schools * spec.years.len());
        assert_eq!(rows, region(&spec), "same spec, same rows");
        // Every generated value passes the importer's checks (export and read back).
        let csv = crate::domain::tables::table::rows_csv(&rows);
        let parsed = crate::domain::input::parse_csv("demo.csv", csv.as_bytes());
        assert!(
            parsed.problems.iter().all(|p| !p.is_error()),
            "{:?}",
            parsed.problems.first()
        );
        assert_eq!(parsed.rows, rows);
        for t in SchoolType::ALL {
            assert!(rows.iter().any(|r| r.school_type == t), "type {t} occurs");
        }
        let r = identify(&rows, &Params::default()).unwrap();
        for c in [
            ResultsCategory::Low,
            ResultsCategory::Risk,
            ResultsCategory::High,
            ResultsCategory::Middle,
        ] {
            assert!(
                r.summary.overall.results[&c].count > 0,
                "the demo shows {c:?} schools"
            );
        }
        assert!(
            r.summary.overall.resilient.count + r.summary.overall.low_and_unfavourable.count > 0
        );
        assert_eq!(r.summary.municipalities.len(), spec.municipalities);
    }
}
