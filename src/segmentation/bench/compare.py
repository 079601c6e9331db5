"""Equality checks: the pandas peer against the marts, and one warehouse's marts against another's."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from segmentation.duckdb_settings import configure

MONEY_TOLERANCE = 0.01  # SPEC §0: figures are compared at a tolerance of 0.01
EXACT_ROWS = 2_000_000  # larger mart tables are compared by row fingerprints (compare_warehouses)
PEER_TABLES = {
    "fct_customer_months": ("customer_months.parquet", ["customer_id", "revenue_month"]),
    "fct_customer_snapshots": ("snapshots.parquet", ["customer_id", "snapshot_month"]),
}


@dataclass
class Comparison:
    """The outcome of comparing two sets of tables."""

    equal: bool
    rows: dict[str, int] = field(default_factory=dict)
    differences: list[str] = field(default_factory=list)
    fingerprinted: list[str] = field(default_factory=list)

    def summary(self) -> str:
        rows = ", ".join(f"{name} {count:,} rows" for name, count in self.rows.items())
        if self.fingerprinted:
            rows += f"; by row fingerprint: {', '.join(self.fingerprinted)}"
        if self.equal:
            return f"equal ({rows})"
        return "DIFFERENT: " + "; ".join(self.differences[:6])


def _frames_differ(name: str, actual: pd.DataFrame, expected: pd.DataFrame, keys: list[str]) -> list[str]:
    """Cell differences between two frames keyed by `keys` (money within the tolerance, the rest exactly)."""
    merged = actual.merge(expected, on=keys, how="outer", suffixes=("_mart", "_peer"), indicator=True)
    problems = []
    only = merged["_merge"] != "both"
    if only.any():
        sample = merged.loc[only, [*keys, "_merge"]].head(3).to_dict("records")
        problems.append(f"{name}: {int(only.sum()):,} rows on one side only, e.g. {sample}")
    both = merged[~only]
    for column in expected.columns:
        if column in keys:
            continue
        left, right = both[f"{column}_mart"], both[f"{column}_peer"]
        if pd.api.types.is_float_dtype(right) or pd.api.types.is_float_dtype(left):
            a = pd.to_numeric(left, errors="coerce").astype(np.float64).to_numpy()
            b = pd.to_numeric(right, errors="coerce").astype(np.float64).to_numpy()
            bad = ~((np.isnan(a) & np.isnan(b)) | (np.abs(a - b) <= MONEY_TOLERANCE))
        else:
            if pd.api.types.is_datetime64_any_dtype(left) or pd.api.types.is_datetime64_any_dtype(right):
                left, right = (pd.to_datetime(side).astype("datetime64[ns]") for side in (left, right))
            a_missing, b_missing = left.isna().to_numpy(), right.isna().to_numpy()
            same = left.astype(str).to_numpy() == right.astype(str).to_numpy()
            bad = ~((same & ~a_missing & ~b_missing) | (a_missing & b_missing))
        if bad.any():
            sample = both.loc[bad, [*keys, f"{column}_mart", f"{column}_peer"]].head(3).to_dict("records")
            problems.append(f"{name}.{column}: {int(bad.sum()):,} rows differ, e.g. {sample}")
    return problems


def compare_peer_with_marts(peer_dir: Path, database: Path) -> Comparison:
    """The pandas outputs in `peer_dir` against fct_customer_months / fct_customer_snapshots in `database`."""
    result = Comparison(equal=True)
    with duckdb.connect(str(database), read_only=True) as connection:
        for table, (file_name, keys) in PEER_TABLES.items():
            peer = pd.read_parquet(peer_dir / file_name)
            columns = ", ".join(peer.columns)
            mart = connection.execute(f"select {columns} from marts.{table}").df()
            for frame in (peer, mart):
                for key in keys[1:]:
                    frame[key] = pd.to_datetime(frame[key]).astype("datetime64[ns]")
            result.rows[table] = len(mart)
            result.differences += _frames_differ(table, mart, peer, keys)
    result.equal = not result.differences
    return result


def mart_tables(connection: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    rows = connection.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = ? and table_schema = 'marts' and table_type = 'BASE TABLE' order by 1",
        [catalog],
    ).fetchall()
    return [row[0] for row in rows]


def _name(database: Path) -> str:
    return f"{database.parent.name}/{database.name}"


def compare_warehouses(left: Path, right: Path) -> Comparison:
    """Every `marts.*` table of two warehouses, row for row.

    Tables up to EXACT_ROWS rows: EXCEPT ALL both ways (exact, duplicates counted). Larger ones (the line
    fact at 100M rows): the row count and two sums of a 64-bit hash of every whole row, an order-free
    fingerprint of the multiset of rows that two different tables share with negligible probability, read
    in one pass instead of holding both tables in hash tables. DuckDB's memory limit and spill folder come
    from the profile's env vars, so the check itself stays within the benchmark's memory budget.
    """
    result = Comparison(equal=True)
    with duckdb.connect() as connection:
        configure(connection, default_memory_limit="4GB")
        connection.execute("set preserve_insertion_order = false")
        connection.execute(f"attach '{left}' as lhs (read_only)")
        connection.execute(f"attach '{right}' as rhs (read_only)")
        left_tables, right_tables = mart_tables(connection, "lhs"), mart_tables(connection, "rhs")
        if left_tables != right_tables:
            result.differences.append(f"mart tables differ: {left_tables} vs {right_tables}")
        for table in sorted(set(left_tables) & set(right_tables)):
            rows = _count(connection, f"lhs.marts.{table}")
            result.rows[table] = rows
            if rows <= EXACT_ROWS:
                only = [
                    _count(connection, f"(select * from {a}.marts.{table} except all select * from {b}.marts.{table})")
                    for a, b in (("lhs", "rhs"), ("rhs", "lhs"))
                ]
                if any(only):
                    result.differences.append(
                        f"marts.{table}: {only[0]:,} rows only in {_name(left)}, {only[1]:,} only in {_name(right)}"
                    )
            else:
                result.fingerprinted.append(table)
                prints = [
                    connection.execute(
                        f"select count(*), sum(hash(row)::hugeint), sum(hash(row, 1)::hugeint)"
                        f" from {side}.marts.{table} as row"
                    ).fetchone()
                    for side in ("lhs", "rhs")
                ]
                if prints[0] != prints[1]:
                    result.differences.append(f"marts.{table}: row fingerprints differ ({prints[0]} vs {prints[1]})")
    result.equal = not result.differences
    return result


def _count(connection: duckdb.DuckDBPyConnection, relation: str) -> int:
    row = connection.execute(f"select count(*) from {relation}").fetchone()
    return int(row[0]) if row else 0
