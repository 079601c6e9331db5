"""The `polars_peer` step: `fct_customer_months` and `fct_customer_snapshots` with idiomatic lazy Polars.

What a competent analyst would write with Polars today, from the same canonical Parquet input and with the
SPEC defaults: the lazy API end to end (scan, one collect of the staged lines, which every later step
reads, then one `collect_all` of both outputs), amounts as Float64 with sums rounded to 1e-6 like
`pandas_peer` (compared with the marts at the SPEC tolerance of 0.01). The SPEC §1-2 rules are applied to
the typed values, as in `pandas_peer`: required values present, quantity non-zero, unit_price >= 0, a
known currency for the line's month, duplicate lines dropped (lowest line_number / file row kept), ids
trimmed.

Run as `python -m segmentation.bench.polars_peer RAW_DIR OUT_DIR`: writes `customer_months.parquet` and
`snapshots.parquet` into OUT_DIR.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import polars as pl

from segmentation.bench.peer_settings import (
    CELLS,
    ESTABLISHED_MIN_KEYS,
    HIGH_ABOVE,
    MEDIUM_FROM,
    MIN_PEER_GROUP_SIZE,
    MOVEMENTS,
    NEW_BELOW_MONTHS,
    PARETO_CUTS,
    PARETO_TIERS,
    PARTNER_MIN_KEYS,
    PARTNER_MIN_MONTHS,
    POTENTIAL_QUANTILE,
    POTENTIAL_TIERS,
    RELATIONSHIP_LEVELS,
    REPORTING_CURRENCY,
    SIZE_BANDS,
    VALUE_TIERS,
    WHITESPACE,
)

MONEY_DECIMALS = 6
DUPLICATE_COLUMNS = ["invoice_id", "customer_id", "invoiced_at", "product_id", "quantity", "unit_price", "currency"]
MONTH_COLUMNS = (
    "customer_id", "revenue_month", "acquisition_month", "revenue", "previous_revenue", "movement", "movement_amount",
    "orders", "conversion_revenue", "retention_revenue", "penetration_revenue",
)  # fmt: skip
SNAPSHOT_COLUMNS = (
    "customer_id", "snapshot_month", "t12m_revenue", "t12m_orders", "t12m_active_months", "aov", "tenure_months",
    "product_lines_t12m", "keys_to_date", "value_tier", "pareto_tier", "peer_group", "peer_benchmark", "potential",
    "potential_tier", "value_potential_cell", "relationship_level",
)  # fmt: skip


def _clean(name: str) -> pl.Expr:
    """Trimmed text; blank becomes null (SPEC §1)."""
    stripped = pl.col(name).cast(pl.String).str.strip_chars(WHITESPACE)
    return pl.when(stripped != "").then(stripped)


def _month_index(expr: pl.Expr) -> pl.Expr:
    return expr.dt.year().cast(pl.Int32) * 12 + expr.dt.month().cast(pl.Int32)


def _tier(expr: pl.Expr, labels: tuple[str, ...]) -> pl.Expr:
    return (
        pl.when(expr > HIGH_ABOVE)
        .then(pl.lit(labels[0]))
        .when(expr >= MEDIUM_FROM)
        .then(pl.lit(labels[1]))
        .when(expr > 0)
        .then(pl.lit(labels[2]))
        .otherwise(pl.lit(labels[3]))
    )


def staged_lines(folder: Path) -> pl.LazyFrame:
    """Typed, validated, de-duplicated lines in the reporting currency, with product line and is_core."""
    fx = (
        pl.scan_parquet(folder / "fx_rates.parquet")
        .select(
            pl.col("month").cast(pl.Date),
            _clean("currency").str.to_uppercase().alias("currency"),
            pl.col("rate_to_reporting").cast(pl.Float64).alias("rate"),
        )
        .filter((pl.col("rate") > 0) & (pl.col("currency") != REPORTING_CURRENCY))
        .unique(["month", "currency"], keep="first")
    )
    products = (
        pl.scan_parquet(folder / "products.parquet")
        .select(
            _clean("product_id").alias("product_id"),
            _clean("product_line").fill_null("unassigned").alias("product_line"),
            pl.col("is_core").cast(pl.Boolean).fill_null(True).alias("is_core"),
        )
        .drop_nulls("product_id")
    )
    return (
        pl.scan_parquet(folder / "transactions.parquet")
        .with_row_index("row", offset=1)
        .with_columns(
            _clean("invoice_id").alias("invoice_id"),
            _clean("customer_id").alias("customer_id"),
            _clean("product_id").alias("product_id"),
            _clean("currency").str.to_uppercase().fill_null(REPORTING_CURRENCY).alias("currency"),
            pl.coalesce(pl.col("line_number").cast(pl.Int64), pl.col("row").cast(pl.Int64)).alias("line_number"),
            pl.col("quantity").cast(pl.Float64),
            pl.col("unit_price").cast(pl.Float64),
            pl.col("invoiced_at").dt.truncate("1mo").cast(pl.Date).alias("month"),
        )
        .join(fx, on=["month", "currency"], how="left")
        .with_columns(
            pl.when(pl.col("currency") == REPORTING_CURRENCY).then(pl.lit(1.0)).otherwise(pl.col("rate")).alias("rate")
        )
        .filter(
            pl.all_horizontal(
                pl.col(
                    ["invoice_id", "customer_id", "invoiced_at", "product_id", "quantity", "unit_price"]
                ).is_not_null()
            )
            & (pl.col("quantity") != 0)
            & (pl.col("unit_price") >= 0)
            & pl.col("rate").is_not_null()
        )
        .sort(["line_number", "row"])
        .unique(subset=DUPLICATE_COLUMNS, keep="first")
        .join(products, on="product_id", how="left")
        .select(
            "invoice_id",
            "customer_id",
            "invoiced_at",
            "month",
            pl.col("product_line").fill_null("unknown").alias("key"),
            pl.col("is_core").fill_null(True),
            "quantity",
            (pl.col("quantity") * pl.col("unit_price") * pl.col("rate")).alias("amount"),
        )
    )


def _window_deltas(sightings: pl.LazyFrame, item: str, name: str) -> pl.LazyFrame:
    """+1 / -1 events whose running sum per account counts the distinct items in the T12M window."""
    sightings = sightings.sort(["customer_id", item, "month"]).with_columns(
        pl.col("month").shift(1).over(["customer_id", item]).alias("previous")
    )
    starts = sightings.select(
        "customer_id",
        pl.when(pl.col("previous").is_null())
        .then(pl.col("month"))
        .otherwise(pl.max_horizontal("month", pl.col("previous").dt.offset_by("12mo")))
        .alias("month"),
        pl.lit(1).alias(name),
    )
    ends = sightings.select("customer_id", pl.col("month").dt.offset_by("12mo"), pl.lit(-1).alias(name))
    return pl.concat([starts, ends]).group_by(["customer_id", "month"]).agg(pl.col(name).sum())


def customer_attributes(folder: Path) -> pl.LazyFrame:
    employees = pl.col("employee_count").cast(pl.Float64, strict=False)
    valid = (employees >= 0) & (employees == employees.round())
    return (
        pl.scan_parquet(folder / "customers.parquet")
        .select(
            _clean("customer_id").alias("customer_id"),
            _clean("industry").fill_null("unknown").alias("industry"),
            pl.when(valid & (employees < 50))
            .then(pl.lit(SIZE_BANDS[0]))
            .when(valid & (employees < 250))
            .then(pl.lit(SIZE_BANDS[1]))
            .when(valid & (employees < 1000))
            .then(pl.lit(SIZE_BANDS[2]))
            .when(valid)
            .then(pl.lit(SIZE_BANDS[3]))
            .otherwise(pl.lit(SIZE_BANDS[4]))
            .alias("size_band"),
        )
        .drop_nulls("customer_id")
    )


def compute(folder: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Both outputs from the canonical Parquet files in `folder`."""
    lines = staged_lines(folder).collect()
    as_of = lines.select(pl.col("invoiced_at").max().dt.date()).item()
    as_of_month = as_of.replace(day=1)
    core = lines.lazy().filter(pl.col("is_core") & (pl.col("invoiced_at").dt.date() <= as_of))
    purchase = (pl.col("quantity") > 0) & (pl.col("amount") > 0)

    key_months = (
        core.group_by(["customer_id", "month", "key"])
        .agg(pl.col("amount").sum().alias("revenue"), purchase.any().alias("bought"))
        .cache()
    )
    invoice_months = core.filter(purchase).select("customer_id", "month", "invoice_id").unique().cache()
    revenue = key_months.group_by(["customer_id", "month"]).agg(pl.col("revenue").sum().round(MONEY_DECIMALS)).cache()
    accounts = revenue.group_by("customer_id").agg(
        pl.col("month").min().alias("first_month"),
        pl.col("month").max().alias("last_month"),
        pl.col("month").filter(pl.col("revenue") > 0).min().alias("acquisition_month"),
    )
    first_bought = (
        key_months.filter("bought").group_by(["customer_id", "key"]).agg(pl.col("month").min().alias("first_bought"))
    )
    conversion = pl.col("acquisition_month").is_null() | (pl.col("month") <= pl.col("acquisition_month"))
    retention = ~conversion & (pl.col("first_bought") < pl.col("month")).fill_null(False)
    categories = (
        key_months.join(accounts.select("customer_id", "acquisition_month"), on="customer_id")
        .join(first_bought, on=["customer_id", "key"], how="left")
        .group_by(["customer_id", "month"])
        .agg(
            pl.col("revenue").filter(conversion).sum().round(MONEY_DECIMALS).alias("conversion_revenue"),
            pl.col("revenue").filter(retention).sum().round(MONEY_DECIMALS).alias("retention_revenue"),
            pl.col("revenue").filter(~conversion & ~retention).sum().round(MONEY_DECIMALS).alias("penetration_revenue"),
        )
    )
    orders = invoice_months.group_by(["customer_id", "month"]).agg(pl.len().cast(pl.Int64).alias("orders"))
    spine = (
        accounts.with_columns(pl.date_ranges("first_month", pl.lit(as_of_month), "1mo").alias("month"))
        .explode("month")
        .join(revenue, on=["customer_id", "month"], how="left")
        .join(orders, on=["customer_id", "month"], how="left")
        .join(categories, on=["customer_id", "month"], how="left")
        .with_columns(
            pl.col(["revenue", "conversion_revenue", "retention_revenue", "penetration_revenue"]).fill_null(0.0),
            pl.col("orders").fill_null(0),
        )
        .sort(["customer_id", "month"])
        .with_columns(pl.col("revenue").shift(1, fill_value=0.0).over("customer_id").alias("previous_revenue"))
        .cache()
    )

    current, previous, acquired = pl.col("revenue"), pl.col("previous_revenue"), pl.col("acquisition_month")
    customer_months = spine.filter(pl.col("month") <= pl.col("last_month").dt.offset_by("1mo")).select(
        "customer_id",
        pl.col("month").alias("revenue_month"),
        "acquisition_month",
        "revenue",
        "previous_revenue",
        pl.when(pl.col("month") == acquired)
        .then(pl.lit(MOVEMENTS[0]))
        .when((previous > 0) & ~(current > 0))
        .then(pl.lit(MOVEMENTS[1]))
        .when(~(previous > 0) & (current > 0) & (pl.col("month") > acquired))
        .then(pl.lit(MOVEMENTS[2]))
        .when((previous > 0) & (current > previous))
        .then(pl.lit(MOVEMENTS[3]))
        .when((previous > 0) & (current > 0) & (current < previous))
        .then(pl.lit(MOVEMENTS[4]))
        .when((previous > 0) & (current == previous))
        .then(pl.lit(MOVEMENTS[5]))
        .otherwise(pl.lit(MOVEMENTS[6]))
        .alias("movement"),
        (current - previous).alias("movement_amount"),
        "orders",
        "conversion_revenue",
        "retention_revenue",
        "penetration_revenue",
    )

    deltas = [
        _window_deltas(invoice_months, "invoice_id", "orders_delta"),
        _window_deltas(key_months.filter("bought").select("customer_id", "key", "month"), "key", "keys_delta"),
        first_bought.group_by(["customer_id", "first_bought"])
        .agg(pl.len().cast(pl.Int64).alias("first_keys"))
        .rename({"first_bought": "month"}),
    ]
    windowed = spine
    for delta in deltas:
        windowed = windowed.join(delta, on=["customer_id", "month"], how="left")
    windowed = (
        windowed.sort(["customer_id", "month"])
        .with_columns(
            pl.col("revenue")
            .rolling_sum(12, min_samples=1)
            .over("customer_id")
            .round(MONEY_DECIMALS)
            .alias("t12m_revenue"),
            (pl.col("revenue") > 0)
            .cast(pl.Int64)
            .rolling_sum(12, min_samples=1)
            .over("customer_id")
            .alias("t12m_active_months"),
            pl.col("orders_delta").fill_null(0).cum_sum().over("customer_id").cast(pl.Int64).alias("t12m_orders"),
            pl.col("keys_delta").fill_null(0).cum_sum().over("customer_id").cast(pl.Int64).alias("product_lines_t12m"),
            pl.col("first_keys").fill_null(0).cum_sum().over("customer_id").cast(pl.Int64).alias("keys_to_date"),
        )
        .join(customer_attributes(folder), on="customer_id", how="left")
        .with_columns(pl.col(["industry", "size_band"]).fill_null("unknown"))
        .cache()
    )

    # Pareto tiers per month over the active accounts (t12m_revenue desc, customer_id asc).
    active = windowed.filter(pl.col("t12m_revenue") > 0)
    total = pl.col("t12m_revenue").sum().over("month")
    before = pl.col("t12m_revenue").cum_sum().over("month") - pl.col("t12m_revenue")
    pareto = (
        active.sort(["month", "t12m_revenue", "customer_id"], descending=[False, True, False])
        .with_columns(before.alias("before"), total.alias("total"))
        .select(
            "customer_id",
            "month",
            pl.when(pl.col("before") < PARETO_CUTS[0] * pl.col("total"))
            .then(pl.lit(PARETO_TIERS[0]))
            .when(pl.col("before") < PARETO_CUTS[1] * pl.col("total"))
            .then(pl.lit(PARETO_TIERS[1]))
            .when(pl.col("before") < PARETO_CUTS[2] * pl.col("total"))
            .then(pl.lit(PARETO_TIERS[2]))
            .otherwise(pl.lit(PARETO_TIERS[3]))
            .alias("pareto_tier"),
        )
    )

    # Peer benchmark: (industry, size_band), else industry, else every active account of the month.
    def level(columns: list[str], suffix: str) -> pl.LazyFrame:
        return active.group_by(["month", *columns]).agg(
            pl.len().alias(f"accounts_{suffix}"),
            pl.col("t12m_revenue").quantile(POTENTIAL_QUANTILE, "linear").alias(f"benchmark_{suffix}"),
        )

    enough_pair = pl.col("accounts_pair") >= MIN_PEER_GROUP_SIZE
    enough_single = pl.col("accounts_single") >= MIN_PEER_GROUP_SIZE
    snapshots = (
        windowed.join(pareto, on=["customer_id", "month"], how="left")
        .join(level(["industry", "size_band"], "pair"), on=["month", "industry", "size_band"], how="left")
        .join(level(["industry"], "single"), on=["month", "industry"], how="left")
        .join(level([], "all"), on="month", how="left")
        .with_columns(
            pl.col("pareto_tier").fill_null(PARETO_TIERS[3]),
            pl.when(enough_pair)
            .then(pl.col("industry") + " / " + pl.col("size_band"))
            .when(enough_single)
            .then(pl.col("industry"))
            .otherwise(pl.lit("all"))
            .alias("peer_group"),
            pl.when(enough_pair)
            .then(pl.col("benchmark_pair"))
            .when(enough_single)
            .then(pl.col("benchmark_single"))
            .otherwise(pl.col("benchmark_all"))
            .alias("peer_benchmark"),
            (_month_index(pl.col("month")) - _month_index(pl.col("acquisition_month"))).alias("tenure"),
            pl.when(pl.col("t12m_orders") > 0).then(pl.col("t12m_revenue") / pl.col("t12m_orders")).alias("aov"),
            _tier(pl.col("t12m_revenue"), VALUE_TIERS).alias("value_tier"),
        )
        .with_columns(
            pl.when(pl.col("tenure") >= 0).then(pl.col("tenure")).cast(pl.Int64).alias("tenure_months"),
            pl.max_horizontal(pl.lit(0.0), pl.col("peer_benchmark") - pl.max_horizontal("t12m_revenue", pl.lit(0.0)))
            .fill_null(0.0)
            .alias("potential"),
        )
        .with_columns(_tier(pl.col("potential"), POTENTIAL_TIERS).alias("potential_tier"))
        .with_columns(
            pl.concat_str(
                pl.col("value_tier"),
                pl.col("potential_tier").is_in(list(POTENTIAL_TIERS[:2])).cast(pl.String),
                separator=":",
            )
            .replace_strict(
                {
                    f"{tier}:{str(grows).lower()}": CELLS[tier][0 if grows else 1]
                    for tier in CELLS
                    for grows in (True, False)
                },
                default=CELLS[VALUE_TIERS[3]][1],
            )
            .alias("value_potential_cell"),
            pl.when(pl.col("tenure_months").is_null() | (pl.col("tenure_months") < NEW_BELOW_MONTHS))
            .then(pl.lit(RELATIONSHIP_LEVELS[0]))
            .when((pl.col("tenure_months") >= PARTNER_MIN_MONTHS) & (pl.col("keys_to_date") >= PARTNER_MIN_KEYS))
            .then(pl.lit(RELATIONSHIP_LEVELS[3]))
            .when(pl.col("keys_to_date") >= ESTABLISHED_MIN_KEYS)
            .then(pl.lit(RELATIONSHIP_LEVELS[2]))
            .otherwise(pl.lit(RELATIONSHIP_LEVELS[1]))
            .alias("relationship_level"),
        )
        .rename({"month": "snapshot_month"})
        .select(SNAPSHOT_COLUMNS)
    )
    months_frame, snapshots_frame = pl.collect_all([customer_months, snapshots])
    return months_frame, snapshots_frame


def main(argv: list[str]) -> int:
    raw_dir, out_dir = Path(argv[0]), Path(argv[1])
    started = time.perf_counter()
    months, snapshots = compute(raw_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    months.write_parquet(out_dir / "customer_months.parquet")
    snapshots.write_parquet(out_dir / "snapshots.parquet")
    print(
        f"polars peer: {months.height:,} account-months, {snapshots.height:,} snapshots,"
        f" {time.perf_counter() - started:.1f} s ({os.environ.get('POLARS_MAX_THREADS', 'all')} threads)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
