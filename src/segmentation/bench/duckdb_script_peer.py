"""The `duckdb_script_peer` step: the two peer outputs from one plain DuckDB SQL script, no dbt.

`duckdb_script_peer.sql` beside this file is the script a DuckDB user would write by hand for
`fct_customer_months` and `fct_customer_snapshots` (SPEC defaults, the typed Parquet input, the same typed
rules as `pandas_peer`): the practical limit of this engine for the same work. The runner only fills in the
file paths and runs the statements in one in-memory connection (threads and memory limit from the
profile's env vars, like the dbt steps).

Run as `python -m segmentation.bench.duckdb_script_peer RAW_DIR OUT_DIR`.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import duckdb

SCRIPT = Path(__file__).with_name("duckdb_script_peer.sql")


def script(raw_dir: Path, out_dir: Path) -> str:
    """The SQL script with the input files and the output folder filled in."""
    text = SCRIPT.read_text()
    for name in ("transactions", "customers", "products", "fx_rates"):
        text = text.replace("{" + name + "}", str(raw_dir / f"{name}.parquet"))
    return text.replace("{out}", str(out_dir))


def run(raw_dir: Path, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect()
    connection.execute(f"set threads = {int(os.environ.get('DUCKDB_THREADS', '2'))}")
    connection.execute(f"set memory_limit = '{os.environ.get('DUCKDB_MEMORY_LIMIT', '16GB')}'")
    temp = os.environ.get("DUCKDB_TEMP_DIR")
    if temp:
        connection.execute(f"set temp_directory = '{temp}'")
    connection.execute("set preserve_insertion_order = false")
    connection.execute(script(raw_dir, out_dir))
    connection.close()


def main(argv: list[str]) -> int:
    raw_dir, out_dir = Path(argv[0]), Path(argv[1])
    started = time.perf_counter()
    run(raw_dir, out_dir)
    print(f"duckdb script peer: wrote {out_dir} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
