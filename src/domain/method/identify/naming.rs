//! A run's parameters in a few words: what differs from the method («доля 30 %»,
//! «ШНСУ: 2 последних или все 3»), or «как в методике». Every run selector shows it beside
//! the run's date and name, so that two runs over the same data are told apart by what was
//! chosen, not by the minute they were made.

use super::params::{MeanWeighting, Params, SocialRule};
use crate::domain::common::format::num;
use crate::domain::common::time::years_span;

/// What differs from the method's parameters ([`Params::default`]), each in a few words,
/// in the order of the parameters panel; empty when the run follows the method.
pub fn differences(p: &Params) -> Vec<String> {
    let seed = Params::default();
    let mut out = Vec::new();
    if !p.years.is_empty() {
        out.push(format!("годы {}", years_span(&p.years)));
    } else if p.window != seed.window {
        out.push(format!("окно {} {}", p.window, years_word(p.window)));
    }
    if p.pools != seed.pools {
        out.push("свои группы школ".into());
    }
    if p.band_share != seed.band_share {
        out.push(format!("доля {} %", num(Some(p.band_share * 100.0), 1)));
    }
    if p.risk_years != seed.risk_years {
        out.push(format!(
            "группа риска: {} {}",
            p.risk_years,
            last_years_word(p.risk_years)
        ));
    }
    if p.social_rule != seed.social_rule || p.social_min_years != seed.social_min_years {
        out.push(match p.social_rule {
            SocialRule::LastOrAll => format!(
                "ШНСУ: {} {} или все {}",
                p.social_min_years,
                last_years_word(p.social_min_years),
                p.years.len().max(p.window)
            ),
            // «не менее» takes the genitive: «1 года», «2 лет», «21 года».
            SocialRule::AtLeast => format!(
                "ШНСУ: не менее {} {}",
                p.social_min_years,
                crate::domain::common::format::plural(p.social_min_years, "года", "лет", "лет")
            ),
        });
    }
    if p.gap_thresholds != seed.gap_thresholds {
        out.push("свои пороги расхождения".into());
    }
    if p.excluded_types != seed.excluded_types {
        out.push("свой перечень исключённых типов".into());
    }
    if !p.regional_means.is_empty() {
        let years: Vec<i32> = p
            .regional_means
            .keys()
            .filter_map(|y| y.parse().ok())
            .collect();
        out.push(format!("официальные средние за {}", years_span(&years)));
    }
    if p.mean_weighting != seed.mean_weighting {
        out.push(match p.mean_weighting {
            MeanWeighting::Equal => "средние без учёта числа участников".into(),
            MeanWeighting::Participants => "средние с учётом числа участников".into(),
        });
    }
    if p.weakest_max != seed.weakest_max {
        out.push(format!("слабых составляющих: {}", p.weakest_max));
    }
    if p.partners_max != seed.partners_max {
        out.push(format!("партнёров: {}", p.partners_max));
    }
    if p.context_share != seed.context_share {
        out.push(format!(
            "контекст: доля {} %",
            num(Some(p.context_share * 100.0), 1)
        ));
    }
    if p.context_min_n != seed.context_min_n {
        out.push(format!(
            "контекст: линия от {}",
            crate::domain::common::format::count(p.context_min_n, "школы", "школ", "школ")
        ));
    }
    if p.small_pool != seed.small_pool {
        out.push(format!(
            "малая группа: меньше {}",
            crate::domain::common::format::count(p.small_pool, "школы", "школ", "школ")
        ));
    }
    out
}

/// The run's parameters in one phrase: «как в методике» or what differs, joined by «; ».
pub fn method_name(p: &Params) -> String {
    let d = differences(p);
    if d.is_empty() {
        "как в методике".into()
    } else {
        d.join("; ")
    }
}

/// «год / года / лет» after a number of years.
fn years_word(n: usize) -> &'static str {
    crate::domain::common::format::plural(n, "год", "года", "лет")
}

/// «последний / последних» after a number of years.
fn last_years_word(n: usize) -> &'static str {
    if n % 10 == 1 && n % 100 != 11 {
        "последний"
    } else {
        "последних"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_method_is_named_as_such() {
        assert_eq!(method_name(&Params::default()), "как в методике");
    }

    #[test]
    fn each_difference_is_named_in_a_few_words() {
        let p = Params {
            band_share: 0.3,
            social_rule: SocialRule::LastOrAll,
            ..Params::default()
        };
        assert_eq!(method_name(&p), "доля 30 %; ШНСУ: 2 последних или все 3");
        let p = Params {
            years: vec![2022, 2023, 2024],
            partners_max: 5,
            mean_weighting: MeanWeighting::Equal,
            ..Params::default()
        };
        assert_eq!(
            differences(&p),
            vec![
                "годы 2022–2024".to_string(),
                "средние без учёта числа участников".to_string(),
                "партнёров: 5".to_string()
            ]
        );
        let p = Params {
            window: 4,
            social_min_years: 3,
            ..Params::default()
        };
        assert_eq!(method_name(&p), "окно 4 года; ШНСУ: не менее 3 лет");
        let p = Params {
            context_min_n: 21,
            small_pool: 30,
            ..Params::default()
        };
        assert_eq!(
            method_name(&p),
            "контекст: линия от 21 школы; малая группа: меньше 30 школ"
        );
    }
}
