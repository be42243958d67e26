#!/usr/bin/env bash
# `./run bundle`: the release bundle for a static host or a seminar without internet — the app
# (trunk build --release), the Linux CLI (`shkala serve`), the hosting configurations, VERSION
# and SHA256SUMS in target/bundle/shkala-<version>-<ДД.ММ.ГГГГ>.tar.gz (scripts/bundle.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# One build date for the app and the CLI, the one in the archive's name: the start of today
# (UTC, the day build.rs counts), so that bundles made the same day do not rebuild everything.
SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(date -u -d "$(date -u +%F)" +%s)}"
export SOURCE_DATE_EPOCH
scripts/setup.sh app
echo "Шкала: релизная сборка приложения и командной строки (несколько минут)"
trunk build --release
cargo build --quiet --release --bin shkala
exec node scripts/bundle.mjs
