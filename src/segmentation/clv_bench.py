"""Benchmark of the SPEC §10 fit and scoring (segmentation.clv) at a given number of accounts.

Synthetic summary statistics drawn from the BG/NBD and Gamma-Gamma generative processes with the CDNOW
parameters (first purchases spread over 78 weeks, as_of_date at the end), so the fit has a known answer
to recover. Measures wall time and peak memory of each step (Python heap peak by tracemalloc, process
peak RSS) and writes them to a JSON file (default benchmarks/clv_results.json). The SQL summary statistics
are part of the dbt benchmark (segmentation bench), not of this one.

    python -m segmentation.clv_bench --accounts 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from segmentation import PROJECT_DIR, clv

TRUE_BG_NBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
TRUE_GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "v": 15.44}
MAX_AGE_DAYS = 546


def synthetic_summary(accounts: int, seed: int = 20261201) -> pd.DataFrame:
    """One row per account: frequency, recency_days, age_days, monetary_value, drawn from the models."""
    rng = np.random.default_rng(seed)
    r, alpha, a, b = TRUE_BG_NBD.values()
    p, q, v = TRUE_GAMMA_GAMMA.values()
    rate = rng.gamma(r, 1 / alpha, accounts) / 7  # purchases per day
    dropout = rng.beta(a, b, accounts)
    age = rng.integers(0, MAX_AGE_DAYS + 1, accounts).astype("float64")
    frequency = np.zeros(accounts, dtype="int64")
    last = np.zeros(accounts)
    clock = np.zeros(accounts)
    active = np.ones(accounts, dtype=bool)
    while active.any():
        index = np.flatnonzero(active)
        clock[index] += rng.exponential(1 / np.maximum(rate[index], 1e-12))
        within = clock[index] <= age[index]
        bought = index[within]
        frequency[bought] += 1
        last[bought] = clock[bought]
        # after each repeat purchase the account drops out with its probability; past T it stops
        survives = rng.random(bought.size) >= dropout[bought]
        active[:] = False
        active[bought[survives]] = True
    recency = np.floor(last).astype("int64")
    spend_rate = rng.gamma(q, 1 / v, accounts)
    shape = np.maximum(p * frequency, 1e-9)
    monetary = np.where(frequency > 0, rng.gamma(shape, 1 / (spend_rate * np.maximum(frequency, 1))), np.nan)
    return pd.DataFrame(
        {
            "customer_id": [f"{i:08d}" for i in range(accounts)],
            "frequency": frequency,
            "recency_days": recency,
            "age_days": age.astype("int64"),
            "monetary_value": np.round(monetary, 2),
        }
    )


def measure(label: str, step: Callable[[], Any]) -> tuple[Any, dict[str, Any]]:
    print(f"[clv bench] {label} ...", flush=True)
    tracemalloc.start()
    started = time.perf_counter()
    result = step()
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"[clv bench] {label}: {seconds:.2f} s, Python heap peak {peak / 2**20:.0f} MB", flush=True)
    return result, {"seconds": round(seconds, 3), "heap_peak_mb": round(peak / 2**20, 1),
                    "process_peak_rss_mb": round(rss_mb, 1)}  # fmt: skip


def run(accounts: int, settings: clv.ClvSettings) -> dict[str, Any]:
    summary, generate = measure("generate synthetic summary", lambda: synthetic_summary(accounts))
    bg_nbd, fit_bg = measure("fit BG/NBD", lambda: clv.fit_bg_nbd(summary, settings))
    gamma_gamma, fit_gg = measure("fit Gamma-Gamma", lambda: clv.fit_gamma_gamma(summary, settings))
    parameters = clv.parameters_frame((bg_nbd, gamma_gamma))
    scored, score = measure("score", lambda: clv.score(summary, parameters, settings))
    patterns = summary.groupby(["frequency", "recency_days", "age_days"]).ngroups
    return {
        "accounts": accounts,
        "repeat_accounts": int((summary["frequency"] > 0).sum()),
        "bg_nbd_patterns": int(patterns),
        "true_parameters": {**TRUE_BG_NBD, **TRUE_GAMMA_GAMMA},
        "fitted_parameters": {**(bg_nbd.params or {}), **(gamma_gamma.params or {})},
        "status": {"bg_nbd": bg_nbd.status, "gamma_gamma": gamma_gamma.status},
        "mean_p_alive": float(scored["p_alive"].mean()),
        "steps": {"generate": generate, "fit_bg_nbd": fit_bg, "fit_gamma_gamma": fit_gg, "score": score},
        "fit_and_score_seconds": round(fit_bg["seconds"] + fit_gg["seconds"] + score["seconds"], 3),
        "machine": {
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m segmentation.clv_bench",
        description="Time and peak memory of the SPEC §10 CLV fit and scoring on synthetic accounts.",
    )
    parser.add_argument("--accounts", type=int, default=1_000_000, help="number of accounts (default 1000000)")
    parser.add_argument("--output", type=Path, default=PROJECT_DIR / "benchmarks" / "clv_results.json",
                        help="JSON file to write (default benchmarks/clv_results.json)")  # fmt: skip
    args = parser.parse_args(argv)
    result = run(args.accounts, clv.ClvSettings())
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({key: result[key] for key in ("accounts", "fit_and_score_seconds", "fitted_parameters")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
