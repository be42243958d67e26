#!/usr/bin/env python3
"""A BENCHMARK PEER, NOT A REFERENCE: the identification of `shkala identify` written as an
analyst would write it in pandas, to time the CLI against (tests/bench/cli_vs_pandas.sh,
`./run bench-cli`). Its results are not checked against the engine's and must not be used
as the method's definition — that is src/domain/identify/ and the README's «Method».

    python3 tests/bench/peer/pandas_identify.py --input region.csv --out result.json

What it computes, end to end, for a CSV as `shkala demo` writes it (`;`, decimal comma,
BOM, the Russian labels or the column ids as the header):

- reads the file (pandas' C parser) and validates it: required identity fields filled,
  school types known (ids or Russian words), years whole 1990–2100, shares 0–100, ЕГЭ means
  0–100, 5-point means 2–5, counts whole and non-negative, every other cell a number, no
  second row for a (school, year); every problem is printed with its line and column and
  the result is then not written (exit status 2);
- the window (the three latest years of the data), each school's type from its latest row
  in the window, the excluded types (primary, adapted, penitentiary) and the pools
  (secondary, basic, evening);
- the regional means of the gap variants per year (participant-weighted over the assessed
  schools), the min–max normalisation of results components 1–8 per pool-year (a variant
  whose max equals its min is dropped), the gap flags 9–11 (20/20/4/1/1/1/1 points), the
  results index and the social index (11 shares, min–max per pool-year) as means of what a
  school has;
- the 25 % bands per pool-year (competition ranks on the indices rounded to 10 decimals,
  ties at the cut in the band, a school in both tails in the middle);
- the three-year categories: ШНРО (low in all years), «группа риска» (low in the last two),
  стабильно высокие, the ШНСУ rule «2 of 3 years» (and favourable likewise), insufficient
  data; resilient schools;
- the weakest components (up to 3 below the school's own index, weakest first);
- partners for ШНРО and «группа риска» (up to 3 of the same pool: stably high, then high in
  the latest year; same municipality first; then the nearest social index; then id);
- the contextualised results (least squares of the results index on the social index per
  pool-year; expected, residual, below / within / above by the 25 % rule on the residuals;
  resilient in that reading);
- the summary (counts and shares per category, overall and per municipality);
- writes one JSON file: the years, summary, pools, regional means and lines, and one record
  per school with every year's indices, bands, components, weakest, expected, residual and
  context category (flat keys such as `results_index_2025`, as `--format csv` names them,
  rather than the engine's nested years — the same content, written by `DataFrame.to_json`).

Left out: the notes, the params echo, `--params`/`--years`/workbooks/mappings/JSON input,
and the engine's fixed-point sums of the regional means (plain floating-point sums here).
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[3]
COLUMNS = json.loads((ROOT / "src/data/columns.json").read_text(encoding="utf-8"))["columns"]
METHOD = json.loads((ROOT / "src/data/components.json").read_text(encoding="utf-8"))

IDENTITY = ["school_id", "school_name", "municipality", "school_type", "year"]
KIND = {c["id"]: c["kind"] for c in COLUMNS}
NUMERIC = [c["id"] for c in COLUMNS if c["id"] not in IDENTITY]
RANGES = {"share": (0, 100), "score100": (0, 100), "score5": (2, 5), "count": (0, np.inf)}
RANGE_TEXT = {
    "share": "доля должна быть от 0 до 100 %",
    "score100": "средний балл ЕГЭ должен быть от 0 до 100",
    "score5": "средний балл по пятибалльной шкале должен быть от 2 до 5",
    "count": "количество должно быть целым неотрицательным числом",
}
TYPES = {
    "secondary": "secondary", "средняя": "secondary", "сош": "secondary",
    "basic": "basic", "основная": "basic", "оош": "basic",
    "evening": "evening", "вечерняя": "evening", "сменная": "evening",
    "вечерняя (сменная)": "evening",
    "primary": "primary", "начальная": "primary", "нош": "primary",
    "adapted": "adapted", "адаптированная": "adapted", "коррекционная": "adapted",
    "реализующая адаптированные программы": "adapted",
    "penitentiary": "penitentiary", "пенитенциарная": "penitentiary",
    "при исправительном учреждении": "penitentiary",
}
POOLS = {"secondary": "secondary", "basic": "basic", "evening": "evening"}
WINDOW, SHARE, RISK_YEARS, SOCIAL_MIN, WEAKEST, PARTNERS, CONTEXT_SHARE = 3, 0.25, 2, 2, 3, 3, 0.25
THRESHOLDS = {"ege_rus_mean": 20, "ege_math_prof_mean": 20, "ege_math_base_mean": 4,
              "oge_rus_mean": 1, "oge_math_mean": 1, "vpr_rus_mean": 1, "vpr_math_mean": 1}


def read(path):
    header = {c["label"].lower(): c["id"] for c in COLUMNS}
    header.update({c["id"]: c["id"] for c in COLUMNS})
    names = pd.read_csv(path, sep=";", encoding="utf-8-sig", nrows=0).columns
    ids = {n: header.get(n.strip().lower(), n) for n in names}
    text = [n for n in names if ids[n] in IDENTITY[:4]]
    df = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig",
                     dtype={n: str for n in text}).rename(columns=ids)
    problems = []
    missing = [c for c in IDENTITY if c not in df.columns]
    if missing:
        sys.exit(f"{path}: нет обязательных столбцов: {', '.join(missing)}")
    for c in NUMERIC:
        if c not in df.columns:
            df[c] = np.nan
    line = pd.Series(np.arange(len(df)) + 2, index=df.index)

    def problem(mask, column, message):
        for n, v in zip(line[mask], df.loc[mask, column]):
            problems.append(f"{path}, строка {n}, «{column}»: {message} («{v}»)")

    for c in ["school_id", "school_name", "municipality"]:
        df[c] = df[c].str.strip()
        problem(df[c].isna() | (df[c] == ""), c, "обязательное поле не заполнено")
    kind = df["school_type"].str.strip().str.lower().map(TYPES)
    problem(kind.isna(), "school_type", "неизвестный тип школы")
    df["school_type"] = kind
    year = pd.to_numeric(df["year"], errors="coerce")
    bad = year.isna() | (year % 1 != 0) | ~year.between(1990, 2100)
    problem(bad, "year", "год должен быть целым числом от 1990 до 2100")
    df["year"] = year.fillna(0).astype("int32")
    for c in NUMERIC:
        v = df[c]
        if not pd.api.types.is_numeric_dtype(v):  # a cell the C parser did not read as a number
            v = pd.to_numeric(v.astype(str).str.replace(",", ".", regex=False), errors="coerce")
            problem(v.isna() & df[c].notna(), c, "не является числом")
            df[c] = v
        lo, hi = RANGES[KIND[c]]
        bad = v.notna() & ~v.between(lo, hi)
        if KIND[c] == "count":
            bad |= v.notna() & (v % 1 != 0)
        problem(bad, c, RANGE_TEXT[KIND[c]])
    dup = df.duplicated(["school_id", "year"])
    problem(dup, "school_id", "повторная строка для школы за этот год")
    return df, problems


def band_size(n, share):
    exact = share * n
    rounded = np.round(exact)
    size = np.where(np.abs(exact - rounded) < 1e-9, rounded, np.ceil(exact))
    return np.minimum(size, n)


def bands(frame, value, by, share, low, high, middle="middle"):
    """Bottom / middle / top band of `value` per group `by`: competition ranks on the value
    rounded to 10 decimals, ties at the cut in the band, both tails → middle."""
    key = frame[value].round(10)
    g = key.groupby([frame[c] for c in by])
    size = band_size(g.transform("count"), share)
    bottom = g.rank(method="min", ascending=True) <= size
    top = g.rank(method="min", ascending=False) <= size
    out = pd.Series(np.where(bottom & ~top, low, np.where(top & ~bottom, high, middle)),
                    index=frame.index, dtype=object)
    return out.where(key.notna())


def identify(df):
    years_in_data = sorted(df["year"].unique())
    last = years_in_data[-1]
    years = years_in_data[-WINDOW:]
    if len(years) < WINDOW:
        years = list(range(last + 1 - WINDOW, last + 1))
    df = df.sort_values(["school_id", "year"], kind="stable")
    in_window = df["year"].isin(years)
    latest = pd.concat([df[in_window].groupby("school_id").tail(1),
                        df.groupby("school_id").tail(1)]).drop_duplicates("school_id")
    schools = latest.set_index("school_id")[["school_name", "municipality", "school_type"]]
    schools = schools.sort_index()
    schools["pool"] = schools["school_type"].map(POOLS)
    excluded_words = {"primary": "начальная", "adapted": "реализующая адаптированные программы",
                      "penitentiary": "при исправительном учреждении"}
    schools["excluded"] = schools["school_type"].map(
        lambda t: None if t in POOLS else f"исключена из идентификации: {excluded_words[t]} школа")

    e = df[in_window].merge(schools[["pool"]], left_on="school_id", right_index=True)
    e = e[e["pool"].notna()].reset_index(drop=True)
    pool_year = [e["pool"], e["year"]]

    # Regional means of the gap variants, weighted by participants.
    means = {}
    for comp in METHOD["results"]:
        if comp["method"] != "gap":
            continue
        for v in comp["variants"]:
            x, w = e[v["column"]], e[v["weight"]]
            ok = x.notna() & (w > 0)
            num = (x * w).where(ok).groupby(e["year"]).sum()
            den = w.where(ok).groupby(e["year"]).sum()
            means[v["column"]] = (num / den).where(den > 0)

    # The min–max ranges of every column a component reads, per pool-year, in one pass.
    ranged = [v["column"] for comp in METHOD["results"] + METHOD["social"]
              if comp["method"] == "minmax" for v in comp["variants"]]
    g = e.groupby(["pool", "year"])[ranged]
    lo, hi = g.transform("min"), g.transform("max")
    span = (hi - lo).where(hi > lo)
    flat = (lo == hi).groupby(pool_year).any()

    def minmax(column, direction, dropped):
        for key in flat.index[flat[column]]:
            dropped.setdefault(key, []).append(column)
        x = e[column]
        v = (x - lo[column]) / span[column] if direction == "direct" else (hi[column] - x) / span[column]
        return v.clip(0, 1)

    dropped = {}
    results = pd.DataFrame(index=e.index)
    for comp in METHOD["results"]:
        parts = []
        for v in comp["variants"]:
            if comp["method"] == "minmax":
                parts.append(minmax(v["column"], comp.get("direction", "direct"), dropped))
            else:
                col = v["column"]
                mean = e["year"].map(means[col])
                flag = (mean - e[col]) > THRESHOLDS[col]
                parts.append((1.0 - flag.astype(float)).where(e[col].notna() & mean.notna()))
        results[comp["id"]] = pd.concat(parts, axis=1).mean(axis=1)
    social = pd.DataFrame({comp["id"]: minmax(comp["variants"][0]["column"], "direct", dropped)
                           for comp in METHOD["social"]})
    e["results_index"] = results.mean(axis=1)
    e["social_index"] = social.mean(axis=1)
    e["results_band"] = bands(e, "results_index", ["pool", "year"], SHARE, "low", "high")
    e["social_band"] = bands(e, "social_index", ["pool", "year"], SHARE,
                             "favourable", "unfavourable")

    # The weakest components: below the school's own index, weakest first.
    comps = results.to_numpy()
    ids = np.array([c["id"] for c in METHOD["results"]])
    below = np.where(comps < e["results_index"].to_numpy()[:, None], comps, np.inf)
    order = np.argsort(below, axis=1, kind="stable")[:, :WEAKEST]
    chosen = np.take_along_axis(below, order, axis=1)
    names = np.where(np.isfinite(chosen), ids[order], "")
    weakest = names[:, 0].astype(object)
    for k in range(1, WEAKEST):
        weakest = np.where(names[:, k] != "", weakest + "," + names[:, k].astype(object), weakest)
    e["weakest"] = weakest

    # Contextualised results per pool-year.
    both = e["results_index"].notna() & e["social_index"].notna()
    c = e[both]
    g = c.groupby(["pool", "year"])
    xm, ym = g["social_index"].transform("mean"), g["results_index"].transform("mean")
    dx, dy = c["social_index"] - xm, c["results_index"] - ym
    sums = pd.DataFrame({"n": 1, "sxx": dx * dx, "sxy": dx * dy, "syy": dy * dy,
                         "xs": c["social_index"].round(10), "ys": c["results_index"].round(10),
                         "pool": c["pool"], "year": c["year"]})
    fits = sums.groupby(["pool", "year"]).agg(n=("n", "sum"), sxx=("sxx", "sum"),
                                              sxy=("sxy", "sum"), syy=("syy", "sum"),
                                              nx=("xs", "nunique"), ny=("ys", "nunique"))
    fits["slope"] = (fits["sxy"] / fits["sxx"]).where((fits["n"] >= 3) & (fits["nx"] > 1))
    means_xy = pd.DataFrame({"xm": c["social_index"], "ym": c["results_index"],
                             "pool": c["pool"], "year": c["year"]}).groupby(["pool", "year"]).mean()
    fits["intercept"] = means_xy["ym"] - fits["slope"] * means_xy["xm"]
    line = fits[["slope", "intercept"]].reindex(pd.MultiIndex.from_arrays(
        [e["pool"], e["year"]])).to_numpy()
    e["expected"] = np.where(both, line[:, 1] + line[:, 0] * e["social_index"], np.nan)
    e["residual"] = e["results_index"] - e["expected"]
    res2 = (e["residual"] ** 2).groupby(pool_year).sum()
    fits["r2"] = (1 - res2 / fits["syy"]).clip(0, 1).where(fits["slope"].notna() & (fits["ny"] > 1))
    e["context_category"] = bands(e, "residual", ["pool", "year"], CONTEXT_SHARE,
                                  "below", "above", "within")

    # Three-year categories.
    assessed = schools[schools["pool"].notna()]
    def wide(column):
        return e.pivot(index="school_id", columns="year", values=column).reindex(
            index=assessed.index, columns=years)
    rb, sb = wide("results_band"), wide("social_band")
    low, high = (rb == "low"), (rb == "high")
    incomplete = rb.isna().any(axis=1)
    cat = np.select(
        [low.all(axis=1), low.iloc[:, -RISK_YEARS:].all(axis=1), high.all(axis=1), incomplete],
        ["low", "risk", "high", "insufficient"], "middle")
    schools.loc[assessed.index, "results_category"] = cat
    unf, fav = (sb == "unfavourable").sum(axis=1), (sb == "favourable").sum(axis=1)
    scat = np.select([unf >= SOCIAL_MIN, fav >= SOCIAL_MIN, sb.isna().any(axis=1)],
                     ["unfavourable", "favourable", "insufficient"], "neutral")
    schools.loc[assessed.index, "social_category"] = scat
    schools["resilient"] = (schools["results_category"] == "high") & (
        schools["social_category"] == "unfavourable")
    above_all = (wide("context_category") == "above").all(axis=1)
    schools["context_resilient"] = False
    schools.loc[assessed.index, "context_resilient"] = above_all & (
        schools.loc[assessed.index, "social_category"] == "unfavourable")

    schools = schools.join(partners(schools, e, years))

    # One record per school: every year's values under flat keys.
    per_year = e.set_index(["school_id", "year"])[
        ["results_index", "results_band", "social_index", "social_band", "weakest",
         "expected", "residual", "context_category"]].join(
        results.set_index([e["school_id"], e["year"]]))
    per_year = per_year.unstack("year")
    per_year.columns = [f"{name}_{year}" for name, year in per_year.columns]
    table = schools.join(per_year).reset_index()

    flags = category_flags(schools)
    by_municipality = flags.groupby(schools["municipality"]).sum()
    summary = {"overall": counts(flags.sum()), "municipalities": {
        m: counts(row) for m, row in by_municipality.iterrows()}}
    fits_out = [{"pool": p, "year": int(y), "n": int(r.n), "slope": nan_none(r.slope),
                 "intercept": nan_none(r.intercept), "r2": nan_none(r.r2)}
                for (p, y), r in fits.iterrows()]
    pools_out = [{"pool": p, "year": int(y), "schools": int(n),
                  "dropped": dropped.get((p, y), [])}
                 for (p, y), n in e.groupby(["pool", "year"]).size().items()]
    means_out = {str(y): {col: nan_none(m.get(y)) for col, m in means.items()} for y in years}
    return years, table, summary, fits_out, pools_out, means_out


def partners(schools, e, years):
    """Up to 3 partners per ШНРО and «группа риска»: the same pool; stably high, then high
    in the latest year; the same municipality first; the nearest social index; then id."""
    social_ref = e.dropna(subset=["social_index"]).groupby("school_id")["social_index"].last()
    high_latest = e[(e["year"] == years[-1]) & (e["results_band"] == "high")]["school_id"]
    s = schools.assign(social=social_ref, order=np.arange(len(schools)))
    s["tier"] = np.where(s["results_category"] == "high", 0,
                         np.where(s.index.isin(high_latest), 1, -1))
    cand = s[(s["tier"] >= 0) & s["pool"].notna()].reset_index()
    need = s[s["results_category"].isin(["low", "risk"])].reset_index()
    cols = ["school_id", "pool", "municipality", "social"]
    local = need[cols].merge(cand[cols + ["tier", "order"]], on=["pool", "municipality"],
                             suffixes=("", "_p"))
    local["elsewhere"] = 0
    # Only a school with fewer than 3 stably high schools at home looks elsewhere first.
    short = local[local["tier"] == 0].groupby("school_id").size().reindex(
        need["school_id"], fill_value=0)
    far = need[need["school_id"].isin(short[short < PARTNERS].index)][cols].merge(
        cand[cols + ["tier", "order"]], on="pool", suffixes=("", "_p"))
    far = far[far["municipality"] != far["municipality_p"]].drop(columns="municipality_p")
    far["elsewhere"] = 1
    pairs = pd.concat([local, far], ignore_index=True)
    pairs = pairs[pairs["school_id"] != pairs["school_id_p"]]
    pairs["distance"] = (pairs["social"] - pairs["social_p"]).abs().round(10).fillna(np.inf)
    pairs = pairs.sort_values(["school_id", "tier", "elsewhere", "distance", "order"])
    best = pairs.groupby("school_id").head(PARTNERS)
    best = best.assign(k=best.groupby("school_id").cumcount() + 1)
    wide = best.pivot(index="school_id", columns="k", values="school_id_p")
    wide.columns = [f"partner_{k}" for k in wide.columns]
    return wide.reindex(schools.index)


RESULTS = ["low", "risk", "high", "middle", "insufficient"]
SOCIAL = ["unfavourable", "neutral", "favourable", "insufficient"]


def category_flags(schools):
    """One column per count of the summary, 0/1 per school (summed per municipality)."""
    assessed = schools["pool"].notna()
    r, c = schools["results_category"], schools["social_category"]
    columns = {"schools": True, "assessed": assessed}
    columns.update({f"results_{k}": assessed & (r == k) for k in RESULTS})
    columns.update({f"social_{k}": assessed & (c == k) for k in SOCIAL})
    columns["resilient"] = assessed & schools["resilient"]
    columns["low_and_unfavourable"] = assessed & (r == "low") & (c == "unfavourable")
    columns["context_resilient"] = assessed & schools["context_resilient"].astype(bool)
    return pd.DataFrame(columns, index=schools.index).astype(int)


def counts(row):
    n = int(row["assessed"])
    def part(k):
        k = int(row[k])
        return {"count": k, "share": k / n if n else 0.0}
    return {
        "schools": int(row["schools"]), "excluded": int(row["schools"]) - n, "assessed": n,
        "results": {k: part(f"results_{k}") for k in RESULTS},
        "social": {k: part(f"social_{k}") for k in SOCIAL},
        "resilient": part("resilient"),
        "low_and_unfavourable": part("low_and_unfavourable"),
        "context_resilient": part("context_resilient"),
    }


def nan_none(v):
    return None if v is None or pd.isna(v) else float(v)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--input", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    df, problems = read(args.input)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        print(f"Найдено ошибок: {len(problems)}; результат не записан.", file=sys.stderr)
        return 2
    years, table, summary, fits, pools, means = identify(df)
    head = {"years": [int(y) for y in years], "summary": summary, "pools": pools,
            "regional_means": means, "context": {"fits": fits}}
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(json.dumps(head, ensure_ascii=False)[:-1])
        f.write(',"schools":')
        f.write(table.to_json(orient="records", force_ascii=False, double_precision=15))
        f.write("}")
    o = summary["overall"]
    print(f"Готово: {o['schools']} школ; ШНРО — {o['results']['low']['count']}, «группа риска» — "
          f"{o['results']['risk']['count']}, стабильно высокие — {o['results']['high']['count']}, "
          f"ШНСУ — {o['social']['unfavourable']['count']}, резильентные — "
          f"{o['resilient']['count']}. Результат: {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
