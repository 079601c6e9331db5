"""The DuckDB settings of the dbt profile, for the connections the Python tooling opens itself.

`profiles/profiles.yml` reads DUCKDB_MEMORY_LIMIT, DUCKDB_THREADS and DUCKDB_TEMP_DIR; the connections of
`segmentation quality` and of the benchmark (floor, plain-script peer, warehouse comparisons, shrinking)
honour the same variables, so a machine sized for `dbt build` is sized for them too. Without them DuckDB
would take 80 % of the RAM, which on a 24 GB machine is more than the benchmark's memory budget at 100M
lines.
"""

from __future__ import annotations

import os

import duckdb

#: The profile's defaults (profiles/profiles.yml).
DEFAULT_MEMORY_LIMIT = "16GB"
DEFAULT_THREADS = "2"


def configure(
    connection: duckdb.DuckDBPyConnection, default_memory_limit: str = DEFAULT_MEMORY_LIMIT
) -> duckdb.DuckDBPyConnection:
    """Apply the profile's memory limit (`default_memory_limit` when DUCKDB_MEMORY_LIMIT is unset), threads
    and (when set) spill folder to `connection`."""
    memory_limit = os.environ.get("DUCKDB_MEMORY_LIMIT", default_memory_limit).replace("'", "")
    threads = int(os.environ.get("DUCKDB_THREADS", DEFAULT_THREADS))
    connection.execute(f"set memory_limit = '{memory_limit}'")
    connection.execute(f"set threads = {threads}")
    temp_dir = os.environ.get("DUCKDB_TEMP_DIR")
    if temp_dir:
        connection.execute(f"set temp_directory = '{temp_dir.replace(chr(39), chr(39) * 2)}'")
    return connection
