"""Data-quality checkpoints (Great Expectations) for what dbt's tests cannot see.

`evidence.py` computes, inside DuckDB, the evidence frames: the raw input before dbt runs, and a build
against the last published serving copy. `checkpoints.py` validates them with GX (configured at run time,
nothing committed) and turns the results into console verdicts; `command.py` is the CLI
`segmentation quality`. See docs/quality.md.
"""

from segmentation.quality.command import register

__all__ = ["register"]
