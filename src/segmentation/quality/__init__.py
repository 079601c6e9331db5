"""Data-quality checkpoints: Great Expectations suites guarding the raw, staging and marts layers.

`suites.py` defines the suites, `gx_project.py` writes them to the file context in `gx/` and loads it,
`duckdb_datasource.py` and `expectations.py` adapt GX 1.x to DuckDB, `runner.py` runs the checkpoints and
`command.py` is the CLI `segmentation quality`.
"""

from segmentation.quality.command import register

__all__ = ["register"]
