//! Which build of Шкала this is: the package's version and the build date (set by `build.rs`,
//! ДД.ММ.ГГГГ). Shown in «О методике», at the foot of every printed page, in every bundle's
//! envelope (`app`) and in every workbook's properties, so that a presenter can see that the
//! participants run the same build and a reader of a file can see which build wrote it.
//! A leaf module.

/// The package's version, «0.1.0».
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The build date, «06.12.2026».
pub const BUILT: &str = env!("SHKALA_BUILD_DATE");

/// «Шкала 0.1.0, сборка от 06.12.2026».
pub fn app_line() -> String {
    format!("Шкала {VERSION}, сборка от {BUILT}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_build_is_named_with_a_russian_date() {
        let b = BUILT.as_bytes();
        assert!(
            b.len() == 10
                && b[2] == b'.'
                && b[5] == b'.'
                && BUILT.replace('.', "").bytes().all(|c| c.is_ascii_digit()),
            "{BUILT}"
        );
        assert_eq!(app_line(), format!("Шкала {VERSION}, сборка от {BUILT}"));
        assert!(!VERSION.is_empty());
    }
}
