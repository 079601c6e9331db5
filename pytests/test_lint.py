"""Style gates: sqlfluff (dialect duckdb, dbt templater) on the SQL, ruff on the Python."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from segmentation import PROJECT_DIR
from segmentation.dbt_runner import dbt_env

BIN = Path(sys.executable).parent


def run(command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=PROJECT_DIR, env=env, text=True, capture_output=True, check=False)


def test_sqlfluff_lint(tmp_path: Path) -> None:
    folders = [name for name in ("models", "tests", "analyses") if (PROJECT_DIR / name).exists()]
    result = run(
        [str(BIN / "sqlfluff"), "lint", *folders, "--disable-progress-bar", "--nocolor"],
        env=dbt_env(tmp_path / "lint.duckdb", tmp_path),
    )
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]


def test_ruff_check() -> None:
    result = run([str(BIN / "ruff"), "check", "src", "pytests"])
    assert result.returncode == 0, result.stdout


def test_ruff_format() -> None:
    result = run([str(BIN / "ruff"), "format", "--check", "src", "pytests"])
    assert result.returncode == 0, result.stdout
