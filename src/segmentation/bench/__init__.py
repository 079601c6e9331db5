"""`segmentation bench`: time and peak memory of the pipeline on generated data at several sizes.

Modules: `datasets` (cached generator output, history + appended month), `measure` (run a step in a fresh
subprocess, sample the RSS of its whole process tree), `steps` (what each benchmark step runs), `floor`
(the one-query lower bound), `pandas_peer` (the pandas implementation of the two marts), `compare`
(pandas vs marts, incremental vs full refresh), `results` (results.json and the Markdown report), `command`
(the CLI).
"""

STEPS: tuple[str, ...] = (
    "floor",
    "dbt_build",
    "quality",
    "dbt_run_peer_models",
    "pandas_peer",
    "incremental_append",
)

from segmentation.bench.command import register  # noqa: E402

__all__ = ["STEPS", "register"]
