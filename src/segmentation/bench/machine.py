"""A description of the machine and software the benchmark ran on."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

import psutil

from segmentation import PROJECT_DIR


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def git_commit() -> str:
    def git(*args: str) -> str:
        result = subprocess.run(["git", *args], cwd=PROJECT_DIR, capture_output=True, text=True, check=False)
        return result.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + ("+dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "n/a"


def describe() -> dict[str, object]:
    """Machine and software facts for results.json and the report."""
    memory = psutil.virtual_memory()
    return {
        "cpu": cpu_model(),
        "logical_cores": psutil.cpu_count(logical=True),
        "memory_gb": round(memory.total / 1024**3, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": {name: _version(name) for name in ("duckdb", "dbt-core", "dbt-duckdb", "pandas", "pyarrow")},
        "settings": {
            name: os.environ.get(name, default)
            for name, default in (
                ("DBT_THREADS", "2"),
                ("DUCKDB_THREADS", "2"),
                ("DUCKDB_MEMORY_LIMIT", "16GB"),
                ("DUCKDB_TEMP_DIR", "(next to the warehouse)/tmp"),
            )
        },
    }
