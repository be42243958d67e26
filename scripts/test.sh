#!/usr/bin/env bash
# Every test of Shkala, in three layers. Called by `./run test` (after scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
step() { printf '\n═══ %s\n' "$*"; }
# Tests write only under ignored folders (target/, dist/, tests/*/out/): the tree is checked
# to be as it was before them.
tree() { git status --porcelain --untracked-files=all 2>/dev/null || true; }
before="$(tree)"

step "1/4 native: formatting, unit, property, CLI and chart tests (cargo test)"
cargo fmt --check
cargo test --quiet
cargo check --quiet --benches

step "2/4 lints (clippy, warnings are errors)"
cargo clippy --quiet --all-targets -- -D warnings
cargo clippy --quiet --lib --bin shkala-web --target wasm32-unknown-unknown -- -D warnings
cargo clippy --quiet --lib --bin shkala-worker --target wasm32-unknown-unknown --no-default-features -- -D warnings

step "3/4 in the browser: storage tests (wasm-bindgen-test, headless Chromium)"
CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=120 \
  cargo test --target wasm32-unknown-unknown --test web

step "4/4 end to end: the release build in headless Chromium (playwright-core)"
trunk build --release
# The hosting tests run `shkala serve` and put the tool into a bundle (cheap after cargo test).
cargo build --quiet --bin shkala
node tests/e2e/run.mjs

step "the tree is as it was: nothing tracked was rewritten by the tests"
if [ "$(tree)" != "$before" ]; then
  echo "Тесты изменили файлы репозитория (должны писать только в игнорируемые папки):" >&2
  diff <(echo "$before") <(tree) >&2 || true
  exit 1
fi
