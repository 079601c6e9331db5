"""Revenue-based B2B customer segmentation: Python tooling around the dbt project."""

from pathlib import Path

__version__ = "0.1.0"

#: Root of the dbt project (the repository checkout).
PROJECT_DIR = Path(__file__).resolve().parents[2]
