"""A BI-like reader of the serving copy, run as its own process by test_serving_concurrency.py.

    python serving_reader.py hold|probe SERVING_FILE STOP_FILE OUT_JSON

`hold`: wait for the file, open ONE read-only connection and query it in a loop until STOP_FILE exists.
`probe`: open a new read-only connection for every query (and close it), as a dashboard page view does.
Each query checks that what it sees is one whole publication: the row counts recorded in
serving.publication equal the tables' counts, and the monthly mart's revenue equals the account months'.
Every exception is recorded, never raised; the summary goes to OUT_JSON. Also `folder_digest`, with which
the tests check that a refused publish leaves the serving folder byte-identical.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import duckdb


def folder_digest(folder: Path) -> dict[str, str]:
    """Every entry of a folder (recursively) -> sha256 of its bytes, or the target of a symlink."""
    digest: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            digest[key] = "-> " + os.readlink(path)
        elif path.is_file():
            digest[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


def check(connection: duckdb.DuckDBPyConnection) -> tuple[str, bool]:
    """(publication_id, consistent) of what this connection sees."""
    publication_id, row_counts = connection.execute(
        "select publication_id, row_counts from serving.publication"
    ).fetchone()
    counts = json.loads(row_counts)
    seen = {name: connection.execute(f"select count(*) from marts.{name}").fetchone()[0] for name in counts}
    monthly, months = connection.execute(
        "select (select sum(revenue) from marts.mart_monthly_revenue), "
        "(select sum(revenue) from marts.fct_customer_months)"
    ).fetchone()
    return publication_id, seen == counts and abs(float(monthly) - float(months)) < 0.01


def main(mode: str, serving_file: Path, stop_file: Path, out: Path) -> None:
    result: dict[str, Any] = {"mode": mode, "queries": 0, "errors": [], "inconsistent": 0, "publications": []}
    while not serving_file.exists() and not stop_file.exists():
        time.sleep(0.05)
    held = duckdb.connect(str(serving_file), read_only=True) if mode == "hold" else None
    started = time.monotonic()
    while not stop_file.exists():
        try:
            if held is not None:
                publication_id, consistent = check(held)
            else:
                with duckdb.connect(str(serving_file), read_only=True) as connection:
                    publication_id, consistent = check(connection)
            result["queries"] += 1
            result["inconsistent"] += not consistent
            if not result["publications"] or result["publications"][-1] != publication_id:
                result["publications"].append(publication_id)
        except Exception as error:  # recorded: the test asserts there are none
            result["errors"].append(f"{type(error).__name__}: {error}")
        time.sleep(0.02)
    result["seconds"] = round(time.monotonic() - started, 1)
    if held is not None:
        held.close()
    out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
