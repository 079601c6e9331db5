"""The `floor` step: one DuckDB query over the raw Parquet, revenue per customer x month.

The least work any implementation of the marts must do: read the lines, convert them to the reporting
currency and sum them per account and month. Run as `python -m segmentation.bench.floor DIR`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from segmentation.duckdb_settings import configure

FLOOR_SQL = """
select
    lines.customer_id,
    cast(date_trunc('month', lines.invoiced_at) as date) as revenue_month,
    sum(lines.quantity * lines.unit_price * coalesce(fx.rate_to_reporting, 1)) as revenue
from read_parquet('{transactions}') as lines
left join read_parquet('{fx_rates}') as fx
    on
        lines.currency = fx.currency
        and cast(date_trunc('month', lines.invoiced_at) as date) = fx.month
group by all
"""


def run_floor(folder: Path) -> int:
    """Run the floor query; returns the number of customer-month rows."""
    connection = configure(duckdb.connect())
    sql = FLOOR_SQL.format(transactions=folder / "transactions.parquet", fx_rates=folder / "fx_rates.parquet")
    row = connection.execute(f"select count(*), sum(revenue) from ({sql})").fetchone()
    assert row is not None
    print(f"floor: {row[0]:,} customer-month rows, total revenue {row[1]:,.2f}")
    return int(row[0])


if __name__ == "__main__":
    run_floor(Path(sys.argv[1]))
