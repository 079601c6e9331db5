"""Run dbt as a subprocess against a chosen DuckDB file, with isolated target/log folders."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from segmentation import PROJECT_DIR


def dbt_executable() -> str:
    """The dbt next to the running interpreter (the project's venv), else the one on PATH."""
    candidate = Path(sys.executable).parent / "dbt"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("dbt")
    if found is None:
        raise RuntimeError("dbt is not installed: run `make build` first")
    return found


def dbt_env(database: Path | str, work_dir: Path | str | None = None) -> dict[str, str]:
    """Environment for a dbt run writing to `database`; target/ and logs/ under `work_dir`."""
    env = dict(os.environ)
    env["DBT_PROFILES_DIR"] = str(PROJECT_DIR / "profiles")
    env["DUCKDB_PATH"] = str(Path(database).resolve())
    env.setdefault("DUCKDB_TEMP_DIR", str(Path(database).resolve().parent / "tmp"))
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    # Target spark: the driver JVM in the dbt process binds and connects on loopback only.
    env.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    if work_dir is not None:
        work = Path(work_dir).resolve()
        env["DBT_TARGET_PATH"] = str(work / "target")
        env["DBT_LOG_PATH"] = str(work / "logs")
    return env


def selected_target(args: Sequence[str], env: Mapping[str, str]) -> str:
    """The profile target a dbt command runs against: --target / -t, else DBT_TARGET, else duckdb."""
    arguments = list(args)
    for index, argument in enumerate(arguments):
        if argument in ("--target", "-t") and index + 1 < len(arguments):
            return arguments[index + 1]
        if argument.startswith("--target="):
            return argument.split("=", 1)[1]
    return env.get("DBT_TARGET", "duckdb")


def check_engine_running(target: str, env: Mapping[str, str]) -> None:
    """Fail fast, with the command that starts it, when the target's engine is a local one that is not up.

    Spark: without a master, a dbt-spark session retries for about a minute and ends in a Java stack trace.
    PostgreSQL: the profile reads libpq's PGHOST / PGPORT; a local server that does not answer there gets the
    command that starts the project's cluster (dbt alone would say only "connection refused").
    """
    if target == "postgres":
        check_postgres_running(env)
        return
    if target != "spark":
        return
    from urllib.parse import urlparse

    from segmentation.engines import spark

    url = env.get("SPARK_MASTER_URL", f"spark://{spark.LOOPBACK}:7077")
    parsed = urlparse(url)
    local = parsed.scheme == "spark" and parsed.hostname in (spark.LOOPBACK, "localhost")
    if local and not spark.port_open(parsed.port or 7077):
        raise RuntimeError(
            f"dbt target spark: no Spark master answers at {url}. Start the project's cluster with "
            '`make spark-up` (or `eval "$(make -s spark-up)"` to export its settings), then run again.'
        )


def check_postgres_running(env: Mapping[str, str]) -> None:
    """Raise, naming the address and `eval "$(make -s postgres-up)"`, when no local PostgreSQL answers."""
    import socket

    host = env.get("PGHOST", "127.0.0.1")
    port = int(env.get("PGPORT", "5432"))
    if host not in ("127.0.0.1", "localhost"):
        return  # a remote server: dbt's own connection error names it
    with socket.socket() as probe:
        probe.settimeout(2)
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            return
    raise RuntimeError(
        f"dbt target postgres: no PostgreSQL server answers at 127.0.0.1:{port} (PGHOST/PGPORT). Start the "
        'project\'s cluster with `eval "$(make -s postgres-up)"` (it exports PGHOST, PGPORT, PGUSER, PGPASSWORD and '
        "PGDATABASE), or point PGHOST/PGPORT at a running server, then run again."
    )


def run_dbt(
    args: Sequence[str],
    database: Path | str,
    dbt_vars: Mapping[str, Any] | None = None,
    work_dir: Path | str | None = None,
    check: bool = True,
    capture: bool = True,
    extra_env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `dbt <args>` in the project directory; raise with dbt's output when it fails and `check`."""
    Path(database).resolve().parent.mkdir(parents=True, exist_ok=True)
    command = [dbt_executable(), *args]
    if dbt_vars:
        command += ["--vars", json.dumps(dict(dbt_vars))]
    env = dbt_env(database, work_dir)
    if extra_env:
        env.update(extra_env)
    check_engine_running(selected_target(args, env), env)
    result = subprocess.run(
        command,
        cwd=PROJECT_DIR,
        env=env,
        text=True,
        capture_output=capture,
        check=False,
    )
    if check and result.returncode != 0:
        output = (result.stdout or "") + (result.stderr or "")
        raise RuntimeError(f"`dbt {' '.join(args)}` failed (exit {result.returncode}):\n{output[-8000:]}")
    return result
