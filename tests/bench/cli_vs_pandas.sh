#!/usr/bin/env bash
# The command-line tool against its pandas peer, end to end on the national file (README,
# «Performance»; `./run bench-cli`). Generates the 45,000-school region once, then runs
# `shkala identify` and tests/bench/peer/pandas_identify.py alternately, ROUNDS times
# (default 7; `tests/bench/cli_vs_pandas.sh 11` or BENCH_ROUNDS=11), and prints the wall,
# user and system time of each run, their ranges and the ratio CLI wall / pandas wall —
# per round (the two runs of a round are taken one after the other, so a busy moment of a
# shared machine weighs on both) and its range. Writes only under tests/bench/out/.
#
# Needs target/release/shkala (`cargo build --release --bin shkala`; SHKALA_CLI=path for
# another build) and python3 with pandas (`pip install pandas`); the project's tests do not.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-${BENCH_ROUNDS:-7}}"
cli="${SHKALA_CLI:-target/release/shkala}"
out=tests/bench/out
mkdir -p "$out"
[[ -x "$cli" ]] || { echo "нет $cli: cargo build --release --bin shkala" >&2; exit 2; }
python3 -c 'import pandas' 2>/dev/null || { echo "нет pandas: pip install pandas" >&2; exit 2; }

region="$out/r45k.csv"
"$cli" demo --out "$region" --schools 45000 --municipalities 80 2>/dev/null
echo "Файл: $region ($(du -m "$region" | cut -f1) МБ), раундов: $rounds; CLI: $cli; pandas $(python3 -c 'import pandas; print(pandas.__version__)')"

# Wall, user and system seconds of one command (its own output to a log).
timed() {
  local log=$1
  shift
  /usr/bin/time -f "%e %U %S" -o "$out/time.txt" "$@" >"$log" 2>&1 || {
    echo "ошибка: $* (см. $log)" >&2
    exit 1
  }
  cat "$out/time.txt"
}

printf '%-6s %24s %24s %8s\n' "раунд" "CLI: wall user sys" "pandas: wall user sys" "CLI/pandas"
results=()
for ((r = 1; r <= rounds; r++)); do
  c=$(timed "$out/cli.log" "$cli" identify --input "$region" --out "$out/cli.json")
  p=$(timed "$out/peer.log" python3 tests/bench/peer/pandas_identify.py --input "$region" --out "$out/peer.json")
  results+=("$c $p")
  read -r cw cu cs pw pu ps <<<"$c $p"
  printf '%-6s %8s %7s %7s %8s %7s %7s %10.3f\n' "$r" "$cw" "$cu" "$cs" "$pw" "$pu" "$ps" \
    "$(awk -v a="$cw" -v b="$pw" 'BEGIN { print a / b }')"
done

printf '%s\n' "${results[@]}" | awk '
  function span(i) { return sprintf("%.2f–%.2f", min[i], max[i]) }
  {
    for (i = 1; i <= 6; i++) {
      if (NR == 1 || $i < min[i]) min[i] = $i
      if (NR == 1 || $i > max[i]) max[i] = $i
    }
    ratio = $1 / $4
    if (NR == 1 || ratio < rmin) rmin = ratio
    if (NR == 1 || ratio > rmax) rmax = ratio
  }
  END {
    printf "CLI:    wall %s s, user %s s, system %s s\n", span(1), span(2), span(3)
    printf "pandas: wall %s s, user %s s, system %s s\n", span(4), span(5), span(6)
    printf "CLI wall / pandas wall по раундам: %.3f–%.3f (цель ≤ 0,10)\n", rmin, rmax
  }'
