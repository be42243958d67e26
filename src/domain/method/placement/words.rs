//! What a placement says in words: the sentence of a weak component, the distance to a
//! band's boundary, the years, the three-year category and what it lacks, labels and values.

use super::{
    column_kind, column_label, ComponentPlacement, MissingKind, Placement, VariantPlacement,
    YearPlacement,
};
use crate::domain::common::format::rounded_decimal_comma;
use crate::domain::common::time::years_span;
use crate::domain::contract::schema::Kind;
use crate::domain::method::identify::method::Method;
use crate::domain::method::identify::{ResultsCategory, SocialCategory};
use crate::domain::method::stats::{rank_key, Direction};

/// The sentence of a weak component: its weakest indicator below the group's middle with the
/// value and how it compares («Доля …, — 12,5 %: выше, чем у 70 % школ группы.»), and the
/// component's other indicator below the middle, if any, by what differs in its name («; по
/// русскому языку — 8 %, выше, чем у 60 %»).
pub(super) fn sentence(c: &ComponentPlacement, m: &Method) -> String {
    let direction = m
        .result_component(&c.id)
        .map_or(Direction::Direct, |comp| comp.direction);
    let mut below: Vec<&VariantPlacement> =
        c.variants.iter().filter(|v| v.below_middle()).collect();
    // Weakest first: more of the group doing better, then the lower normalised value.
    below.sort_by(|a, b| {
        b.better_share.cmp(&a.better_share).then(
            a.normalised
                .unwrap_or(1.0)
                .total_cmp(&b.normalised.unwrap_or(1.0)),
        )
    });
    let Some((first, rest)) = below.split_first() else {
        return format!("{}.", c.label);
    };
    let mut out = format!(
        "{} — {}: {}",
        with_comma(&plain_label(&first.label)),
        value_text_of(first),
        comparison(first, direction, true)
    );
    for v in rest {
        out.push_str(&format!(
            "; {} — {}, {}",
            difference(&first.label, &v.label),
            value_text_of(v),
            comparison(v, direction, false)
        ));
    }
    out.push('.');
    out
}

/// A variant's value as its column is read.
fn value_text_of(v: &VariantPlacement) -> String {
    v.value
        .map_or_else(|| "—".into(), |x| value_text(x, column_kind(&v.column)))
}

/// How a value below the group's middle compares, saying only what the reference supports:
/// the share of the group doing better (deciles), the worse half of the range (no deciles),
/// the regional mean and the threshold (gap). `full` names the group («школ группы»); a
/// second indicator of the same sentence is shorter.
fn comparison(v: &VariantPlacement, direction: Direction, full: bool) -> String {
    let group = if full { " школ группы" } else { "" };
    let kind = column_kind(&v.column);
    match (v.better_share, v.range, v.regional_mean, v.threshold) {
        (Some(share), _, _, _) => {
            let word = match direction {
                // Higher is worse: the school's value is above theirs.
                Direction::Inverse => "выше",
                Direction::Direct => "ниже",
            };
            format!("{word}, чем у {share} %{group}")
        }
        (None, Some((lo, hi)), _, _) => format!(
            "в худшей половине диапазона группы ({})",
            range_text(lo, hi, kind)
        ),
        (None, None, Some(mean), Some(threshold)) => format!(
            "ниже среднего по региону ({}) больше чем на {}",
            value_text(mean, kind),
            number(threshold, 2)
        ),
        _ => String::new(),
    }
}

/// What distinguishes `other` from `first` (two indicators of one component), from the last
/// «по» the two names share up to the next comma: «по математике» for «Доля участников ЕГЭ по
/// математике, не преодолевших…» beside «…по русскому языку, не преодолевших…». The whole
/// name (without its unit) when they share no «по».
pub(super) fn difference(first: &str, other: &str) -> String {
    let other = plain_label(other);
    let shared: usize = first
        .chars()
        .zip(other.chars())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum();
    match other[..shared].rfind(" по ") {
        Some(at) => {
            let subject = &other[at + 1..];
            subject
                .split(',')
                .next()
                .unwrap_or(subject)
                .trim()
                .to_string()
        }
        None => other,
    }
}

/// «эталон описывает 2023–2025 годы» of the reference's window.
pub(super) fn window_words(window: &[i32]) -> String {
    if window.is_empty() {
        return "в эталоне нет ни одного года".into();
    }
    format!("эталон описывает {}", years_words(window))
}

/// «2025 год», «2023–2025 годы», «2022 и 2024 годы».
pub fn years_words(years: &[i32]) -> String {
    match years {
        [] => "—".into(),
        [y] => format!("{y} год"),
        [a, b] if a.checked_add(1) != Some(*b) => format!("{a} и {b} годы"),
        _ => format!("{} годы", years_span(years)),
    }
}

/// The distance of an index to a band's boundary in words, by two decimals: «на 0,04 выше
/// границы низких», «на 0,12 ниже границы высоких»; «на границе низких» for an index tied with
/// the cut (as the engine ranks them, [`rank_key`]), «чуть выше (ниже) границы …» for a
/// difference that two decimals show as zero; «—» without an index or a cut. `boundary` is the
/// band's name in the genitive plural («низких», «неблагоприятных»).
pub fn distance_words(distance: Option<f64>, boundary: &str) -> String {
    let Some(d) = distance.filter(|d| d.is_finite()) else {
        return "—".into();
    };
    let side = if d > 0.0 { "выше" } else { "ниже" };
    if rank_key(d) == rank_key(0.0) {
        format!("на границе {boundary}")
    } else if d.abs() < 0.005 {
        format!("чуть {side} границы {boundary}")
    } else {
        format!("на {} {side} границы {boundary}", number(d.abs(), 2))
    }
}

/// The three-year category in one sentence, said once, with what it lacks: «Категория по
/// трёхлетним правилам методики (2023–2025 годы): средние результаты; нейтральные социальные
/// условия.»; «… не определяется: нет данных школы за 2023 год.» when neither can be decided
/// for the same reason; a side that cannot be decided says why. `None` for a school the
/// method leaves out.
pub fn category_sentence(p: &Placement) -> Option<String> {
    let (results, social) = (p.results_category?, p.social_category?);
    let head = format!(
        "Категория по трёхлетним правилам методики ({})",
        years_words(&p.window)
    );
    let lacks_results = lacks(
        p,
        |y| y.results_band.is_some(),
        "образовательных результатов",
    );
    let lacks_social = lacks(p, |y| y.social_band.is_some(), "социальных условий");
    Some(
        match (
            results == ResultsCategory::Insufficient,
            social == SocialCategory::Insufficient,
        ) {
            (false, false) => format!("{head}: {}; {}.", results.label(), social.label()),
            (true, true) if lacks_results == lacks_social => {
                format!("{head} не определяется: {lacks_results}.")
            }
            (true, true) => format!(
                "{head} не определяется: по результатам — {lacks_results}; по социальным условиям — {lacks_social}."
            ),
            (true, false) => format!(
                "{head}: {}; по результатам не определяется — {lacks_results}.",
                social.label()
            ),
            (false, true) => format!(
                "{head}: {}; по социальным условиям не определяется — {lacks_social}.",
                results.label()
            ),
        },
    )
}

/// What a side of the category lacks, by the years of the window without a band: «нет данных
/// школы за 2023 год», «в эталоне нет группы школы за 2024 год», «не рассчитан индекс
/// образовательных результатов за 2025 год», joined by commas.
fn lacks(p: &Placement, has_band: impl Fn(&YearPlacement) -> bool, index: &str) -> String {
    let (mut no_row, mut no_group, mut no_index) = (Vec::new(), Vec::new(), Vec::new());
    for &year in &p.window {
        match p.years.iter().find(|y| y.year == year) {
            Some(y) if has_band(y) => {}
            Some(_) => no_index.push(year),
            None if p
                .missing
                .iter()
                .any(|m| m.year == year && m.kind == MissingKind::NoPoolYear) =>
            {
                no_group.push(year)
            }
            None => no_row.push(year),
        }
    }
    let mut parts = Vec::new();
    if !no_row.is_empty() {
        parts.push(format!("нет данных школы за {}", years_words(&no_row)));
    }
    if !no_group.is_empty() {
        parts.push(format!(
            "в эталоне нет группы школы за {}",
            years_words(&no_group)
        ));
    }
    if !no_index.is_empty() {
        parts.push(format!(
            "не рассчитан индекс {index} за {}",
            years_words(&no_index)
        ));
    }
    parts.join(", ")
}

/// Column labels, each in «», joined by commas.
pub(super) fn labels(columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| format!("«{}»", column_label(c)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A column label for a sentence: without the unit suffix («…, %»).
pub(super) fn plain_label(label: &str) -> String {
    label.trim_end_matches(", %").trim_end().to_string()
}

/// A label before a dash: one with a participial phrase («Доля участников ОГЭ, получивших …»)
/// closes it with a comma.
pub(super) fn with_comma(label: &str) -> String {
    if label.contains(", ") {
        format!("{label},")
    } else {
        label.to_string()
    }
}

/// A number with a decimal comma and at most `digits` decimals; «—» if not finite.
pub(super) fn number(v: f64, digits: usize) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    rounded_decimal_comma(v, digits.min(6))
}

/// A value as its column's kind is read: «12,5 %», «3,61», «54,3».
pub(super) fn value_text(v: f64, kind: Kind) -> String {
    match kind {
        Kind::Share => format!("{} %", number(v, 1)),
        Kind::Score5 => number(v, 2),
        Kind::Count => number(v, 0),
        _ => number(v, 1),
    }
}

/// A range: «0–20 %», «2,5–4,8».
pub(super) fn range_text(lo: f64, hi: f64, kind: Kind) -> String {
    match kind {
        Kind::Share => format!("{}–{} %", number(lo, 1), number(hi, 1)),
        _ => format!("{}–{}", value_text(lo, kind), value_text(hi, kind)),
    }
}
