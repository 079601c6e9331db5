"""`segmentation bench`: time and peak memory of the pipeline on generated data at several sizes.

Modules: `datasets` (cached generator output, history + appended month), `measure` (run a step in a fresh
subprocess, sample the RSS of its whole process tree), `steps` (what each benchmark step runs), `floor`
(the one-query lower bound), the peers computing the two marts without dbt: `pandas_peer` (vectorised
pandas), `polars_peer` (lazy Polars) and `duckdb_script_peer` (one plain DuckDB SQL script), `compare`
(pandas vs marts, incremental vs full refresh), `results` (results.json and the Markdown report), `command`
(the CLI).
"""

STEPS: tuple[str, ...] = (
    "floor",
    "dbt_build",
    "quality",
    "dbt_run_peer_models",
    "pandas_peer",
    "polars_peer",
    "duckdb_script_peer",
    "dbt_build_csv",
    "dbt_run_peer_models_csv",
    "incremental_append",
)

from segmentation.bench.command import register  # noqa: E402

__all__ = ["STEPS", "register"]
