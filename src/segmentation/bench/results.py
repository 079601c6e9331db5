"""benchmarks/results.json (a list of records) and the Markdown report rendered from it.

A record is one step at one size in one run: `lines`, `step`, `seconds`, `peak_rss_mb` (the peak summed
RSS of the step's process tree), `cpu_seconds`, `status` (ok, failed, skipped, out_of_memory_budget,
timeout), the load average before and after, the run id, label, commit and machine, plus step details
(dbt per-node timing, equality checks). A new run replaces the records of the same label, size and step.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from segmentation.bench import STEPS

Record = dict[str, Any]

TARGETS_LINES = 10_000_000
STEP_NOTES = {
    "floor": "one DuckDB query: read the raw Parquet, convert, sum revenue per customer x month",
    "dbt_build": "`dbt build` from an empty warehouse: every model and every test",
    "quality": "`segmentation quality` (Great Expectations checkpoints) on the dbt_build warehouse",
    "dbt_run_peer_models": "`dbt run --select +fct_customer_months +fct_customer_snapshots` from empty",
    "pandas_peer": "plain pandas computing the same two marts from the same Parquet",
    "polars_peer": "idiomatic lazy Polars computing the same two marts from the same Parquet",
    "duckdb_script_peer": "one plain DuckDB SQL script (no dbt) computing the same two marts from the same Parquet",
    "dbt_build_csv": (
        "`dbt build` from empty on the same lines as RFC 4180 CSV text"
        " with a few malformed records (a field more than the header: `malformed_row`)"
    ),
    "dbt_run_peer_models_csv": "`dbt_run_peer_models` on the CSV input",
    "incremental_append": "`dbt build` after appending the last month to a warehouse built on the history",
}
PEERS = ("pandas_peer", "polars_peer", "duckdb_script_peer")
BEFORE_LABEL = "before"


def load(path: Path) -> list[Record]:
    if not path.exists():
        return []
    return json.loads(path.read_text())


def merge(existing: list[Record], new: Iterable[Record]) -> list[Record]:
    """Replace the records of the same (label, lines, step); keep the rest; sort for stable diffs."""
    new = list(new)
    replaced = {(r.get("label"), r["lines"], r["step"]) for r in new}
    kept = [r for r in existing if (r.get("label"), r["lines"], r["step"]) not in replaced]
    order = {step: index for index, step in enumerate(STEPS)}
    return sorted(kept + new, key=lambda r: (r.get("label") != "current", r["lines"], order.get(r["step"], 99)))


def save(path: Path, records: list[Record]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(records, indent=2, default=str) + "\n")


def size_label(lines: int) -> str:
    for unit, name in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "K")):
        if lines >= unit and lines % unit == 0:
            return f"{lines // unit}{name}"
    return f"{lines:,}"


def _seconds(record: Record | None) -> str:
    if record is None:
        return "-"
    if record.get("status") != "ok" or record.get("seconds") is None:
        return record.get("status", "-").replace("_", " ")
    return f"{record['seconds']:,.1f}"


def _memory(record: Record | None) -> str:
    if record is None or record.get("status") != "ok" or record.get("peak_rss_mb") is None:
        return "-"
    return f"{record['peak_rss_mb']:,.0f}"


def _ratio(numerator: Record | None, denominator: Record | None) -> float | None:
    if not numerator or not denominator:
        return None
    if numerator.get("status") != "ok" or denominator.get("status") != "ok":
        return None
    if not denominator.get("seconds"):
        return None
    return numerator["seconds"] / denominator["seconds"]


def _index(records: list[Record], label: str) -> dict[int, dict[str, Record]]:
    by_size: dict[int, dict[str, Record]] = {}
    for record in records:
        if record.get("label", "current") == label:
            by_size.setdefault(record["lines"], {})[record["step"]] = record
    return by_size


def _machine_section(records: list[Record]) -> list[str]:
    current = [r for r in records if r.get("label", "current") == "current" and r.get("machine")]
    if not current:
        return []
    machine = current[-1]["machine"]
    versions = ", ".join(f"{name} {version}" for name, version in machine.get("versions", {}).items())
    settings: dict[str, set[int]] = {}
    # the DuckDB profile settings of the DuckDB steps (a Spark step's DuckDB settings are unused)
    for record in (r for r in current if r.get("target") != "spark"):
        text = ", ".join(f"`{name}={value}`" for name, value in record["machine"].get("settings", {}).items())
        settings.setdefault(text, set()).add(record["lines"])
    lines = [
        "## Machine",
        "",
        f"- CPU: {machine['cpu']}, {machine['logical_cores']} logical cores; RAM {machine['memory_gb']} GB "
        "(shared with other users' builds: see the load averages)",
        f"- {machine['os']}, Python {machine['python']}; {versions}",
    ]
    for text, sizes in settings.items():
        lines.append(f"- profile settings ({', '.join(size_label(size) for size in sorted(sizes))}): {text}")
    return [*lines, ""]


def _results_table(by_size: dict[int, dict[str, Record]]) -> list[str]:
    sizes = sorted(by_size)
    header = "| step | " + " | ".join(f"{size_label(s)} s | CPU s | peak RSS MB" for s in sizes) + " |"
    lines = [header, "|---|" + "---:|---:|---:|" * len(sizes)]
    for step in STEPS:
        cells = []
        for size in sizes:
            record = by_size[size].get(step)
            cells += [_seconds(record), _cpu(record), _memory(record)]
        lines.append(f"| `{step}` | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("| size | run | commit | load average (1 min) over the steps | checks |")
    lines.append("|---|---|---|---|---|")
    for size in sizes:
        records = list(by_size[size].values())
        loads = [r["load_before"][0] for r in records if r.get("load_before")]
        loads += [r["load_after"][0] for r in records if r.get("load_after")]
        load = f"{min(loads):.2f} - {max(loads):.2f}" if loads else "-"
        checks = []
        for step in PEERS:
            peer = by_size[size].get(step)
            if peer and "check" in peer:
                checks.append(f"{step.removesuffix('_peer')} = marts: {'yes' if peer.get('equals_marts') else 'NO'}")
        for step in ("dbt_build_csv", "dbt_run_peer_models_csv"):
            csv = by_size[size].get(step)
            if csv and "check" in csv:
                checks.append(f"{step} = Parquet input: {'yes' if csv.get('identical_to_parquet_input') else 'NO'}")
        build = by_size[size].get("dbt_build_csv") or by_size[size].get("dbt_build")
        if build and build.get("rejected"):
            rejected = ", ".join(f"{reason} {count:,}" for reason, count in build["rejected"].items())
            checks.append(f"quarantined ({build['step']}): {rejected}")
        incremental = by_size[size].get("incremental_append")
        if incremental and "check" in incremental:
            verdict = "yes" if incremental.get("identical_to_full_refresh") else "NO"
            checks.append(f"incremental = full refresh: {verdict}")
        runs = sorted({str(r.get("run_id", "?")) for r in records})
        commits = sorted({str(r.get("commit", "?")) for r in records})
        lines.append(
            f"| {size_label(size)} | {', '.join(runs)} | {', '.join(commits)} | {load} | {'; '.join(checks) or '-'} |"
        )
    failures = [
        f"- {size_label(r['lines'])} `{r['step']}`: {r['status']}"
        + (f" — {_first_line(r['error'])}" if r.get("error") else "")
        for size in sizes
        for r in by_size[size].values()
        if r.get("status") not in ("ok", "skipped", None)
    ]
    skipped = sorted(
        {f"`{r['step']}`" for size in sizes for r in by_size[size].values() if r.get("status") == "skipped"}
    )
    if skipped:
        lines += ["", f"Skipped: {', '.join(skipped)} (the sub-command does not exist on this branch)."]
    if failures:
        lines += ["", "Steps that did not complete:", "", *failures]
    return lines


def _first_line(text: str) -> str:
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    return (lines[-1] if lines else "")[:200]


def _same_run(a: Record | None, b: Record | None) -> bool:
    return bool(a and b and a.get("run_id") == b.get("run_id"))


def _ratios_table(by_size: dict[int, dict[str, Record]]) -> list[str]:
    pairs = [
        ("dbt_run_peer_models / duckdb_script_peer", "dbt_run_peer_models", "duckdb_script_peer"),
        ("dbt_run_peer_models / polars_peer", "dbt_run_peer_models", "polars_peer"),
        ("dbt_run_peer_models / pandas_peer", "dbt_run_peer_models", "pandas_peer"),
        ("dbt_build / duckdb_script_peer", "dbt_build", "duckdb_script_peer"),
        ("dbt_build / floor", "dbt_build", "floor"),
        ("dbt_run_peer_models / floor", "dbt_run_peer_models", "floor"),
        ("duckdb_script_peer / floor", "duckdb_script_peer", "floor"),
        ("incremental_append / dbt_build", "incremental_append", "dbt_build"),
        ("dbt_build_csv / dbt_build (CSV / Parquet input)", "dbt_build_csv", "dbt_build"),
        ("dbt_run_peer_models_csv / dbt_run_peer_models", "dbt_run_peer_models_csv", "dbt_run_peer_models"),
    ]
    sizes = sorted(by_size)
    lines = ["| ratio (both measured in the same run) | " + " | ".join(size_label(s) for s in sizes) + " |"]
    lines.append("|---|" + "---:|" * len(sizes))
    for name, top, bottom in pairs:
        cells = []
        for size in sizes:
            a, b = by_size[size].get(top), by_size[size].get(bottom)
            value = _ratio(a, b) if _same_run(a, b) else None
            cells.append("-" if value is None else f"{value:.2f}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def _targets_table(by_size: dict[int, dict[str, Record]]) -> list[str]:
    ten = by_size.get(TARGETS_LINES, {})
    hundred = by_size.get(100_000_000, {})
    build, peer_dbt, peer_pandas = ten.get("dbt_build"), ten.get("dbt_run_peer_models"), ten.get("pandas_peer")
    incremental = ten.get("incremental_append")

    def verdict(ok: bool | None) -> str:
        return "-" if ok is None else ("met" if ok else "**missed**")

    rows = []
    if build and build.get("status") == "ok":
        rows.append(("10M `dbt_build` ≤ 60 s", f"{build['seconds']:,.1f} s", verdict(build["seconds"] <= 60)))
        rss = build["peak_rss_mb"]
        rows.append(("10M `dbt_build` ≤ 4 GB peak RSS", f"{rss:,.0f} MB", verdict(rss <= 4096)))

    def same_run_ratio(size: dict[str, Record], top: str, bottom: str) -> float | None:
        a, b = size.get(top), size.get(bottom)
        return _ratio(a, b) if _same_run(a, b) else None

    one = by_size.get(1_000_000, {})
    for name, size, top, bottom, limit in (
        (
            "10M `dbt_run_peer_models` ≤ 1.3 x `duckdb_script_peer`",
            ten,
            "dbt_run_peer_models",
            "duckdb_script_peer",
            1.3,
        ),
        ("10M `dbt_run_peer_models` faster than `polars_peer`", ten, "dbt_run_peer_models", "polars_peer", 1.0),
        ("1M `dbt_run_peer_models` faster than `pandas_peer`", one, "dbt_run_peer_models", "pandas_peer", 1.0),
        ("10M `dbt_build` (every test) ≤ 2 x `duckdb_script_peer`", ten, "dbt_build", "duckdb_script_peer", 2.0),
    ):
        ratio = same_run_ratio(size, top, bottom)
        if ratio is not None:
            rows.append((name, f"{ratio:.2f} x", verdict(ratio <= limit if limit != 1.0 else ratio < 1.0)))
    ratio = _ratio(peer_pandas, peer_dbt) if _same_run(peer_pandas, peer_dbt) else None
    if ratio is not None:
        rows.append(("10M `pandas_peer` / `dbt_run_peer_models` ≥ 5 (issue 7)", f"{ratio:.2f}", verdict(ratio >= 5)))
    big = hundred.get("dbt_build")
    if big:
        rows.append(("100M `dbt_build` completes (memory limit + temp dir from the profile env vars)",
                     big.get("status", "?"), verdict(big.get("status") == "ok")))  # fmt: skip
    share = _ratio(incremental, build) if _same_run(incremental, build) else None
    if share is not None and incremental and build:
        identical = incremental.get("identical_to_full_refresh")
        floors = []
        if incremental.get("nothing_appended_seconds"):
            floors.append(f"`dbt build` {incremental['nothing_appended_seconds'] / build['seconds'] * 100:.0f} %")
        if incremental.get("nothing_appended_run_seconds"):
            floors.append(f"`dbt run` {incremental['nothing_appended_run_seconds'] / build['seconds'] * 100:.0f} %")
        floor = f" (with nothing appended: {', '.join(floors)})" if floors else ""
        rows.append(
            (
                "10M `incremental_append` ≤ 20 % of `dbt_build`, identical to a full refresh",
                f"{share * 100:.1f} %{floor}, identical: {'yes' if identical else 'NO'}",
                verdict(share <= 0.20 and bool(identical)),
            )
        )
    if not rows:
        return []
    return ["| target | measured | verdict |", "|---|---|---|", *[f"| {a} | {b} | {c} |" for a, b, c in rows]]


def _growth_table(by_size: dict[int, dict[str, Record]]) -> list[str]:
    sizes = sorted(by_size)
    if len(sizes) < 2:
        return []
    steps = [step for step in STEPS if any(by_size[s].get(step, {}).get("status") == "ok" for s in sizes)]
    header = "| step | " + " | ".join(f"{size_label(a)} → {size_label(b)}" for a, b in itertools.pairwise(sizes)) + " |"
    lines = [header, "|---|" + "---:|" * (len(sizes) - 1)]
    for step in steps:
        cells = []
        for small, large in itertools.pairwise(sizes):
            value = _ratio(by_size[large].get(step), by_size[small].get(step))
            cells.append("-" if value is None else f"x {value:.1f}")
        lines.append(f"| `{step}` | " + " | ".join(cells) + " |")
    lines += ["", "Time multiplies by these factors when the data grows 10x: x 10 is linear scaling."]
    return lines


def _slowest_nodes(by_size: dict[int, dict[str, Record]], step: str, label: str = "current") -> list[str]:
    sizes = [s for s in sorted(by_size) if by_size[s].get(step, {}).get("dbt", {}).get("slowest_nodes")]
    if not sizes:
        return []
    size = TARGETS_LINES if TARGETS_LINES in sizes else sizes[-1]
    dbt = by_size[size][step]["dbt"]
    lines = [
        f"`{step}` ({label}) at {size_label(size)}: {dbt.get('models', 0)} models "
        f"({dbt.get('model_seconds', 0):,.1f} s), "
        f"{dbt.get('tests', 0)} tests ({dbt.get('test_seconds', 0):,.1f} s) — node times summed over dbt's threads.",
        "",
        "| slowest nodes | s |",
        "|---|---:|",
    ]
    lines += [f"| `{name}` | {seconds:,.2f} |" for name, seconds in dbt["slowest_nodes"]]
    return lines


def _before_after(records: list[Record]) -> list[str]:
    baseline, current = _index(records, BEFORE_LABEL), _index(records, "current")
    sizes = sorted(set(baseline) & set(current))
    if not sizes:
        return []
    lines = [
        f"Label `{BEFORE_LABEL}` = the code before this round's changes ({_commits(baseline)}), run by",
        f"`segmentation bench --label {BEFORE_LABEL}` from that commit's checkout in the same session as `current`,",
        "on the same generated lines and profile settings. Older baselines keep labels of their own (e.g.",
        "`before-2026-11-25`) and are not shown. CPU time (user + system of the step's processes) is less",
        "sensitive than wall time to other users' load; the load average is the 1-minute value before the step.",
        "",
        f"| size | step | {BEFORE_LABEL} s | current s | {BEFORE_LABEL} CPU s | current CPU s |"
        f" {BEFORE_LABEL} peak RSS MB | current peak RSS MB | load ({BEFORE_LABEL} / current) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for size in sizes:
        for step in STEPS:
            before, after = baseline[size].get(step), current[size].get(step)
            if not before or not after or before.get("status") == "skipped":
                continue
            loads = " / ".join(f"{r['load_before'][0]:.2f}" if r.get("load_before") else "-" for r in (before, after))
            lines.append(
                f"| {size_label(size)} | `{step}` | {_seconds(before)} | {_seconds(after)} | {_cpu(before)} | "
                f"{_cpu(after)} | {_memory(before)} | {_memory(after)} | {loads} |"
            )
    return lines


def _commits(by_size: dict[int, dict[str, Record]]) -> str:
    commits = sorted({str(r.get("commit", "?")) for steps in by_size.values() for r in steps.values()})
    return "commit " + ", ".join(commits)


def _cpu(record: Record | None) -> str:
    if record is None or record.get("status") != "ok" or record.get("cpu_seconds") is None:
        return "-"
    return f"{record['cpu_seconds']:,.1f}"


CSV_LABEL = "csv-input"


def _csv_input(records: list[Record]) -> list[str]:
    """CSV against Parquet input, from a run of its own (label `csv-input`) or from the `current` run."""
    lines = []
    for label in (CSV_LABEL, "current"):
        by_size = _index(records, label)
        for size in sorted(by_size):
            for parquet_step, csv_step in (
                ("dbt_build", "dbt_build_csv"),
                ("dbt_run_peer_models", "dbt_run_peer_models_csv"),
            ):
                parquet, csv = by_size[size].get(parquet_step), by_size[size].get(csv_step)
                if not parquet or not csv or csv.get("status") != "ok" or not _same_run(parquet, csv):
                    continue
                ratio = _ratio(csv, parquet)
                identical = {True: "yes", False: "NO"}.get(csv.get("identical_to_parquet_input"), "-")
                lines.append(
                    f"| {size_label(size)} | `{csv_step}` | {_seconds(parquet)} | {_seconds(csv)} | "
                    f"{'-' if ratio is None else f'{ratio:.2f}'} | {csv.get('csv_mb', '-')} | {identical} | "
                    f"`{label}` {csv.get('run_id', '?')} |"
                )
        if lines:
            break
    if not lines:
        return []
    return [
        "| size | step | Parquet input s | CSV input s | CSV / Parquet | CSV MB | marts identical | label, run |",
        "|---|---|---:|---:|---:|---:|---|---|",
        *lines,
    ]


def render(records: list[Record]) -> str:
    """The Markdown report (benchmarks/README.md)."""
    current = _index(records, "current")
    out = [
        "# Benchmarks",
        "",
        "Generated by `segmentation bench` (`make bench`) from `results.json`; do not edit by hand.",
        "How the benchmark works and what the profile showed: [docs/performance.md](../docs/performance.md).",
        "",
        "```bash",
        "make bench                                      # 1M and 10M lines",
        "BENCH_SIZES=1000000,10000000,100000000 make bench",
        "```",
        "",
        "Steps, each from empty, in a fresh process; `s` is wall-clock time, `CPU s` user + system time of the",
        "step's processes, peak RSS the largest summed resident memory of its whole process tree (sampled every",
        "50 ms):",
        "",
        *[f"- `{step}`: {note}" for step, note in STEP_NOTES.items()],
        "",
        *_machine_section(records),
        "## Results",
        "",
        *_results_table(current),
        "",
        "The CSV-input steps, when they come from a run of their own, are in the CSV input section below.",
        "",
        "## Ratios",
        "",
        *_ratios_table(current),
        "",
        "## Targets (issues 7 and 16, on this machine)",
        "",
        *(_targets_table(current) or ["No 10M results yet."]),
        "",
        "## CSV input",
        "",
        *(_csv_input(records) or ["No CSV-input results yet."]),
        "",
        "## Growth",
        "",
        *(_growth_table(current) or ["Needs at least two sizes."]),
        "",
        "## Where dbt spends its time",
        "",
        *(_slowest_nodes(current, "dbt_build") or ["No dbt timing yet."]),
        "",
        *(_slowest_nodes(current, "incremental_append") or []),
        "",
    ]
    from segmentation.bench.spark_steps import render_spark_section

    out += render_spark_section(records)
    before_after = _before_after(records)
    if before_after:
        baseline = _index(records, BEFORE_LABEL)
        out += [
            "## Before and after",
            "",
            *before_after,
            "",
            *(_slowest_nodes(baseline, "dbt_build", BEFORE_LABEL) or []),
            "",
        ]
    return "\n".join(out)
