//! Helpers shared by the integration tests that read the seeds.

use std::path::PathBuf;

/// The bytes of seed `name`: from `../shared/seeds` when it is there (and then the copy in
/// `tests/fixtures/seeds` must be identical), else from the copy, so that the tests run in a
/// clone without the shared folder.
pub fn seed_bytes(name: &str) -> Vec<u8> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared/seeds").join(name);
    let vendored = root.join("tests/fixtures/seeds").join(name);
    let shared_bytes = std::fs::read(&shared).ok();
    let vendored_bytes = std::fs::read(&vendored).ok();
    match (shared_bytes, vendored_bytes) {
        (Some(s), Some(v)) => {
            assert!(
                s == v,
                "копия {} отличается от {}: обновите копию в tests/fixtures/seeds",
                vendored.display(),
                shared.display()
            );
            s
        }
        (Some(s), None) => s,
        (None, Some(v)) => v,
        (None, None) => panic!(
            "нет источника ни в {}, ни в {}",
            shared.display(),
            vendored.display()
        ),
    }
}
