"""What the last `dbt build` says about the warehouse: did it pass, and is it the build of this warehouse?

dbt writes `target/run_results.json` at the end of every invocation. Publish refuses a warehouse whose last
build failed (an error, a failing test, a node skipped because of an upstream failure), a run that was not a
whole-project `dbt build`, and a warehouse that does not belong to that run (another database, or a DuckDB
file written after the run ended).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Node statuses of a passing build (`warn` is a test at severity warn; `no-op` an ephemeral or skipped-by-design node).
PASSING_STATUSES = frozenset({"success", "pass", "warn", "no-op"})
#: A DuckDB file is closed (checkpointed) a moment after dbt writes run_results.json: allowed lag.
MTIME_SLACK_SECONDS = 120.0


class BuildCheckError(Exception):
    """The last dbt build cannot be published; the message says why."""


@dataclass(frozen=True)
class BuildRecord:
    path: Path
    invocation_id: str
    started_at: dt.datetime
    generated_at: dt.datetime
    dbt_version: str
    vars: dict[str, Any]
    target: str | None
    nodes: int
    statuses: dict[str, int] = field(default_factory=dict)

    @property
    def vars_digest(self) -> str:
        """sha256 of the build's --vars (canonical JSON: sorted keys), the empty dict when none."""
        canonical = json.dumps(self.vars, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()


def _timestamp(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _database_of(relation_name: str) -> str:
    """`"segmentation"."marts"."x"` -> `segmentation` (the first quoted part)."""
    first = relation_name.split(".")[0]
    return first.strip('"`')


def _vars(value: Any) -> dict[str, Any]:
    """The build's --vars: dbt records a dict, or the YAML text when it could not parse it."""
    if isinstance(value, str):
        import yaml

        value = yaml.safe_load(value) if value.strip() else {}
    return dict(value or {})


def read_build_record(
    run_results: Path,
    database_name: str | None,
    warehouse_file: Path | None = None,
    allow_partial: bool = False,
) -> BuildRecord:
    """Check the run results and return them; raise BuildCheckError saying why they cannot be published.

    `database_name` is the name dbt gives the warehouse in relation names (a DuckDB file's stem, a PostgreSQL
    database); `warehouse_file` a DuckDB file whose modification time must fall within the run.
    """
    if not run_results.is_file():
        raise BuildCheckError(
            f"no dbt build to publish: {run_results} does not exist (run `make build` or `dbt build` first)"
        )
    try:
        data = json.loads(run_results.read_text())
        metadata = data["metadata"]
        args = data.get("args", {})
        results = data["results"]
    except (OSError, ValueError, KeyError) as error:
        raise BuildCheckError(f"{run_results} is not a dbt run_results.json: {error}") from error
    which = args.get("which")
    if which != "build":
        raise BuildCheckError(
            f"the last dbt invocation recorded in {run_results} was `dbt {which}`, not `dbt build`: "
            "publish needs a whole-project build with its tests (run `dbt build`)"
        )
    if not allow_partial and (args.get("select") or args.get("exclude") or args.get("selector")):
        raise BuildCheckError(
            f"the last dbt build in {run_results} selected a subset of the project "
            f"(select={args.get('select')}, exclude={args.get('exclude')}): publish needs a whole-project "
            "build (or pass --allow-partial-build)"
        )
    failed = [r for r in results if r.get("status") not in PASSING_STATUSES]
    if failed:
        shown = ", ".join(f"{r.get('unique_id')} ({r.get('status')})" for r in failed[:8])
        more = f" and {len(failed) - 8} more" if len(failed) > 8 else ""
        raise BuildCheckError(f"the last dbt build failed: {len(failed)} node(s) did not pass: {shown}{more}")
    models = [r for r in results if str(r.get("unique_id", "")).startswith("model.")]
    if not models:
        raise BuildCheckError(f"the last dbt build in {run_results} built no model")
    if database_name is not None:
        databases = {_database_of(r["relation_name"]) for r in models if r.get("relation_name")}
        if databases and databases != {database_name}:
            raise BuildCheckError(
                f"{run_results} is the build of database {', '.join(sorted(databases))}, not of {database_name}: "
                "point --run-results at the build of this warehouse (DBT_TARGET_PATH)"
            )
    started = _timestamp(metadata.get("invocation_started_at") or metadata["generated_at"])
    generated = _timestamp(metadata["generated_at"])
    if warehouse_file is not None:
        modified = dt.datetime.fromtimestamp(warehouse_file.stat().st_mtime, tz=dt.UTC)
        if modified < started:
            raise BuildCheckError(
                f"{warehouse_file} was last written at {modified:%Y-%m-%d %H:%M:%S} UTC, before the dbt build in "
                f"{run_results} started ({started:%Y-%m-%d %H:%M:%S} UTC): that build is not of this file"
            )
        if (modified - generated).total_seconds() > MTIME_SLACK_SECONDS:
            raise BuildCheckError(
                f"{warehouse_file} was written at {modified:%Y-%m-%d %H:%M:%S} UTC, after the dbt build in "
                f"{run_results} ended ({generated:%Y-%m-%d %H:%M:%S} UTC): the warehouse changed since it was "
                "built and tested; run `dbt build` again"
            )
    statuses: dict[str, int] = {}
    for result in results:
        statuses[result["status"]] = statuses.get(result["status"], 0) + 1
    return BuildRecord(
        path=run_results,
        invocation_id=metadata.get("invocation_id", ""),
        started_at=started,
        generated_at=generated,
        dbt_version=metadata.get("dbt_version", ""),
        vars=_vars(args.get("vars")),
        target=args.get("target"),
        nodes=len(results),
        statuses=statuses,
    )
