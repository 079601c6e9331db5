"""Data-quality checkpoints: Great Expectations suites guarding the raw, staging and marts layers.

`suites/` defines the suites (one module per layer); `gx_project.py` writes them to the file context in
`gx/` and loads it; `duckdb_datasource.py` and `expectations.py` adapt GX 1.x to DuckDB; `runner.py` runs
the checkpoints and `verdicts.py` turns their results into console verdicts; `command.py` is the CLI
`segmentation quality`. See docs/quality.md.
"""

from segmentation.quality.command import register

__all__ = ["register"]
