#!/usr/bin/env bash
# Every test of Shkala, in three layers. Called by `./run test` (after scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
step() { printf '\n═══ %s\n' "$*"; }

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
node tests/e2e/run.mjs
