#!/usr/bin/env bash
# Installs what Shkala's build and tests need, skipping whatever is already there.
#   scripts/setup.sh app    tools to build and serve the app
#   scripts/setup.sh test   the same, plus Chromium, ChromeDriver and playwright-core
# Facts behind the choices: ../shared/notes/toolchain.md (trunk 0.21.14; wasm-bindgen-cli at
# the exact Cargo.lock version, without --locked; wasm-opt from npm binaryen@132; Debian's
# Chromium). Nothing is downloaded from outside the Rust, npm and Debian registries.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-test}"
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '▸ %s\n' "$*"; }
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else echo "Нужны права администратора для: $*" >&2; exit 1
  fi
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rustup: цель wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -qx 'trunk 0.21.14'; then
  say "cargo install trunk 0.21.14 (около 10 минут, один раз)"
  cargo install --locked trunk --version 0.21.14
fi

wbg=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $wbg"; then
  say "cargo install wasm-bindgen-cli $wbg (версия из Cargo.lock)"
  cargo install wasm-bindgen-cli --version "=$wbg"
fi
if ! grep -q "wasm_bindgen = \"$wbg\"" Trunk.toml; then
  echo "Trunk.toml: [tools] wasm_bindgen должен быть \"$wbg\", как в Cargo.lock" >&2
  exit 1
fi

# Chromium for the browser tests; poppler-utils (pdftotext, pdftoppm) to read printed PDFs back.
if [ "$mode" = test ] && { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] \
   || [ ! -x /usr/bin/pdftotext ] || [ ! -x /usr/bin/pdftoppm ]; }; then
  say "apt: chromium, chromium-driver, poppler-utils"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver poppler-utils >/dev/null
fi

if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci (binaryen 132, playwright-core, axe-core)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Trunk builds with --offline: fetch the crates first (a no-op when they are there).
cargo fetch --quiet
