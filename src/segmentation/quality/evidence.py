"""The evidence the checkpoints validate, computed inside DuckDB (no Great Expectations import here).

Two kinds, both things dbt's own tests cannot see:

* **Raw input, before dbt runs**: the raw transactions file (or table) as it arrived. One scan gives the
  columns present, the row count, per typed column the values that do not parse, the rows a format
  problem would send to the quarantine (plus malformed CSV records) and the invoice-date range.
* **This build against the last published serving copy**: rows and revenue per month, months that
  disappeared, and accounts whose revenue changed in months that were already closed.

Each is returned as small pandas frames (one row per column, per month or per input), with a few sample
rows taken from DuckDB for the failure messages, so Great Expectations validates evidence whose size does
not grow with the data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from segmentation import PROJECT_DIR
from segmentation.generator.dirty import TRANSACTION_COLUMNS
from segmentation.registry import Registry

#: Canonical raw transaction columns (SPEC §1) and the format each typed one must parse as.
CANONICAL_COLUMNS: tuple[str, ...] = TRANSACTION_COLUMNS
CANONICAL_FORMATS: Mapping[str, str] = {
    "line_number": "integer",
    "invoiced_at": "timestamp",
    "quantity": "number",
    "unit_price": "number",
    "currency": "currency",
}
#: The UCI Online Retail file (var source: online_retail).
UCI_COLUMNS: tuple[str, ...] = (
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
)
UCI_FORMATS: Mapping[str, str] = {"Quantity": "number", "InvoiceDate": "uci_timestamp", "UnitPrice": "number"}

SAMPLE_ROWS = 3
#: Relations of a built warehouse that hold the raw transactions as text, per kind of input.
WAREHOUSE_RAW = {
    "seed": "raw.raw_transactions",
    "files": "staging.stg_canonical__transactions",
    "online_retail": "staging.stg_online_retail__transactions",
}


class EvidenceError(Exception):
    """The input or a warehouse cannot be read at all (missing file, not built)."""


@dataclass(frozen=True)
class RawInput:
    """Where the raw transactions are: `name` is shown in messages (a file path or a table)."""

    name: str
    relation: str  # a DuckDB FROM expression
    columns: tuple[str, ...]
    formats: Mapping[str, str]
    date_column: str
    is_csv: bool = False


@dataclass
class Evidence:
    """One frame to validate, the file or table it describes, and failing-row samples per key value."""

    name: str
    target: str
    frame: pd.DataFrame
    key: str | None = None
    samples: dict[str, list[str]] = field(default_factory=dict)


def _csv(path: Path) -> str:
    text = str(path).replace("'", "''")
    return (
        f"read_csv('{text}', header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"',"
        " store_rejects = true)"
    )


def raw_input_from_vars(registry: Registry) -> RawInput:
    """The raw transactions the next `dbt build` reads, from the vars (as dbt resolves them)."""
    source = registry.var("source")
    if source == "online_retail":
        path = (PROJECT_DIR / str(registry.var("online_retail_path"))).resolve()
        if not path.is_file():
            raise EvidenceError(f"no file at {path} (var online_retail_path)")
        return RawInput(str(path), _csv(path), UCI_COLUMNS, UCI_FORMATS, "InvoiceDate", is_csv=True)
    folder = registry.var("raw_data_path")
    if folder is None:
        path = PROJECT_DIR / "seeds" / "demo" / "raw_transactions.csv"
        return RawInput(str(path), _csv(path), CANONICAL_COLUMNS, CANONICAL_FORMATS, "invoiced_at", is_csv=True)
    base = (PROJECT_DIR / str(folder)).resolve()
    found = [base / name for name in ("transactions.csv", "transactions.csv.gz", "transactions.parquet")]
    found = [path for path in found if path.is_file()]
    if len(found) != 1:
        raise EvidenceError(
            f"raw_data_path {base}: expected exactly one of transactions.csv, .csv.gz or .parquet, found {len(found)}"
        )
    path = found[0]
    if path.suffix == ".parquet":
        relation = f"read_parquet('{str(path).replace(chr(39), chr(39) * 2)}')"
        return RawInput(str(path), relation, CANONICAL_COLUMNS, CANONICAL_FORMATS, "invoiced_at")
    return RawInput(str(path), _csv(path), CANONICAL_COLUMNS, CANONICAL_FORMATS, "invoiced_at", is_csv=True)


def raw_input_in_warehouse(connection: duckdb.DuckDBPyConnection) -> RawInput:
    """The raw transactions a built warehouse read, through the relation its staging reads them from."""
    relations = {
        row[0]
        for row in connection.execute(
            "select table_schema || '.' || table_name from information_schema.tables"
        ).fetchall()
    }
    if "staging.stg_transactions_validated" not in relations:
        raise EvidenceError("not a built warehouse (no staging.stg_transactions_validated): run `dbt build` first")
    row = connection.execute("select source_file from staging.stg_transactions_validated limit 1").fetchone()
    kind = "seed" if row is None or row[0] == "seed:raw_transactions" else "files"
    if kind == "files" and WAREHOUSE_RAW["online_retail"] in relations:
        adapter = connection.execute(f"select source_file from {WAREHOUSE_RAW['online_retail']} limit 1").fetchone()
        if adapter is not None and row is not None and adapter[0] == row[0]:
            kind = "online_retail"
    relation = WAREHOUSE_RAW[kind]
    if relation not in relations:
        raise EvidenceError(f"the warehouse has no {relation}, the raw relation of its input ({kind})")
    catalog = connection.execute("select current_database()").fetchone()[0]  # type: ignore[index]
    schema, table = relation.split(".")
    qualified = f'"{catalog}"."{schema}"."{table}"'
    return RawInput(relation, qualified, CANONICAL_COLUMNS, CANONICAL_FORMATS, "invoiced_at")


# --- raw input ------------------------------------------------------------------------------------------

_VALID = {
    "integer": "regexp_full_match({v}, '[+-]?[0-9]+')",
    "number": "regexp_full_match({v}, '[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?')",
    "currency": "regexp_full_match({v}, '[A-Za-z]{{3}}')",
    "timestamp": (
        "(regexp_matches({v}, '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') and try_cast(left({v}, 10) as date) is not null)"
    ),
    "uci_timestamp": "try_strptime({v}, '%m/%d/%Y %H:%M') is not null",
}
_DATE = {
    "timestamp": "try_cast(left({v}, 10) as date)",
    "uci_timestamp": "cast(try_strptime({v}, '%m/%d/%Y %H:%M') as date)",
}


def _text(column: str) -> str:
    return f"nullif(trim(cast(\"{column}\" as varchar)), '')"


def raw_evidence(connection: duckdb.DuckDBPyConnection, raw: RawInput) -> list[Evidence]:
    """Columns present, row count and rejected share, parse failures per column, invoice-date range."""
    try:
        present = [row[0] for row in connection.execute(f"describe select * from {raw.relation}").fetchall()]
    except duckdb.Error as error:
        raise EvidenceError(f"cannot read {raw.name}: {str(error).splitlines()[0]}") from error
    columns = pd.DataFrame({"column": list(raw.columns), "present": [name in present for name in raw.columns]})
    out = [Evidence("columns", raw.name, columns, key="column")]
    formats = {column: kind for column, kind in raw.formats.items() if column in present}
    bad = {
        column: f"({_text(column)} is not null and not {_VALID[kind].format(v=_text(column))})"
        for column, kind in formats.items()
    }
    date_kind = formats.get(raw.date_column)
    date_expr = _DATE[date_kind].format(v=_text(raw.date_column)) if date_kind else "cast(null as date)"
    selects = ["count(*) as rows", f"count(*) filter (where {' or '.join(bad.values()) or 'false'}) as bad_rows"]
    selects += [
        f"count({_text(column)}) as nn_{i}, count(*) filter (where {condition}) as bad_{i}"
        for i, (column, condition) in enumerate(bad.items())
    ]
    selects += [f"min({date_expr}) as first_date", f"max({date_expr}) as last_date"]
    # One parse of the input into a temporary table (CSV rejects are recorded by this scan); the profile
    # and the samples then read the table. Only the checked columns are kept: at 100M lines the whole row
    # would not fit the memory limit (the table spills to the temp folder beyond it).
    kept = ", ".join(f'"{column}"' for column in formats) or "1 as no_checked_column"
    connection.execute(
        f"create or replace temp table raw_input as select {kept}, row_number() over () as source_row"
        f" from {raw.relation}"
    )
    numbered = "raw_input"
    row = connection.execute(f"select {', '.join(selects)} from {numbered}").fetchone()
    assert row is not None
    rows, bad_rows = int(row[0]), int(row[1])
    malformed = 0
    if raw.is_csv:
        malformed = int(connection.execute("select count(distinct line) from reject_errors").fetchone()[0])  # type: ignore[index]
    raw_rows = rows + malformed
    summary = pd.DataFrame(
        {
            "rows": [raw_rows],
            "rejected_rows": [bad_rows + malformed],
            "rejected_share": [(bad_rows + malformed) / raw_rows if raw_rows else 0.0],
            "first_invoice_date": [row[-2]],
            "last_invoice_date": [row[-1]],
        }
    )
    summary_samples: list[str] = []
    if malformed:
        summary_samples += [
            f"line {line}: malformed CSV record ({error_type}: {message})"
            for line, error_type, message in connection.execute(
                "select line, any_value(error_type), min(error_message) from reject_errors"
                f" group by line order by line limit {SAMPLE_ROWS}"
            ).fetchall()
        ]
    parse = []
    samples: dict[str, list[str]] = {}
    for i, (column, condition) in enumerate(bad.items()):
        non_null, failing = int(row[2 + 2 * i]), int(row[3 + 2 * i])
        parse.append(
            {
                "column": column,
                "format": formats[column],
                "non_null": non_null,
                "unparseable": failing,
                "unparseable_share": failing / non_null if non_null else 0.0,
            }
        )
        if failing:
            samples[column] = [
                f"row {source_row}: {column}={value!r}"
                for source_row, value in connection.execute(
                    f'select source_row, "{column}" from {numbered} where {condition}'
                    f" order by source_row limit {SAMPLE_ROWS}"
                ).fetchall()
            ]
    summary_samples += [sample for column_samples in samples.values() for sample in column_samples][:SAMPLE_ROWS]
    out.append(Evidence("summary", raw.name, summary, samples={"0": summary_samples}))
    parse_frame = pd.DataFrame(parse, columns=["column", "format", "non_null", "unparseable", "unparseable_share"])
    out.append(Evidence("parsing", raw.name, parse_frame, key="column", samples=samples))
    return out


# --- this build against the last published copy ---------------------------------------------------------


def _table(connection: duckdb.DuckDBPyConnection, catalog: str, name: str) -> str:
    """`catalog.schema.name` for a mart table, found in schema `marts` first, else any schema."""
    rows = connection.execute(
        "select table_schema from information_schema.tables where table_catalog = ? and table_name = ?"
        " order by table_schema != 'marts', table_schema",
        [catalog, name],
    ).fetchall()
    if not rows:
        raise EvidenceError(f"{catalog}: no table {name}")
    return f'"{catalog}"."{rows[0][0]}"."{name}"'


def comparison_evidence(
    connection: duckdb.DuckDBPyConnection, current: str, baseline: str, baseline_path: str, registry: Registry
) -> list[Evidence]:
    """Per-month rows and revenue, disappeared months and changed account histories vs the baseline.

    `current` and `baseline` are attached catalogs. The baseline's latest `incremental_lookback_months + 1`
    months are still open (late lines may land in them, SPEC incremental rule) and are left out of the
    change checks; every baseline month must still exist.
    """
    open_months = int(registry.var("incremental_lookback_months")) + 1
    tables = {
        (side, name): _table(connection, catalog, name)
        for side, catalog in (("now", current), ("then", baseline))
        for name in ("fct_transactions", "mart_monthly_revenue", "fct_customer_months")
    }
    months = connection.execute(
        f"""
        with rows_now as (select revenue_month, count(*) as rows from {tables["now", "fct_transactions"]} group by 1),
        rows_then as (select revenue_month, count(*) as rows from {tables["then", "fct_transactions"]} group by 1),
        revenue_now as (select revenue_month, revenue from {tables["now", "mart_monthly_revenue"]}),
        revenue_then as (select revenue_month, revenue from {tables["then", "mart_monthly_revenue"]}),
        then_months as (
            select revenue_month, row_number() over (order by revenue_month desc) <= {open_months} as is_open
            from revenue_then
        )
        select
            then_months.revenue_month as month,
            then_months.is_open,
            revenue_now.revenue_month is not null as present_now,
            coalesce(rows_then.rows, 0) as rows_then,
            coalesce(rows_now.rows, 0) as rows_now,
            cast(revenue_then.revenue as double) as revenue_then,
            cast(coalesce(revenue_now.revenue, 0) as double) as revenue_now
        from then_months
        inner join revenue_then on then_months.revenue_month = revenue_then.revenue_month
        left join revenue_now on then_months.revenue_month = revenue_now.revenue_month
        left join rows_then on then_months.revenue_month = rows_then.revenue_month
        left join rows_now on then_months.revenue_month = rows_now.revenue_month
        order by month
        """
    ).df()
    months["month"] = months["month"].astype(str)

    def change(now: pd.Series, then: pd.Series) -> pd.Series:
        denominator = then.abs().where(then.abs() > 0, 1.0)
        return ((now - then).abs() / denominator).where(~months["is_open"] & months["present_now"], 0.0)

    months["rows_change"] = change(months["rows_now"], months["rows_then"])
    months["revenue_change"] = change(months["revenue_now"], months["revenue_then"])
    month_samples = {
        str(r.month): [
            f"month {r.month}: rows {r.rows_then:,} -> {r.rows_now:,},"
            f" revenue {r.revenue_then:,.2f} -> {r.revenue_now:,.2f}"
        ]
        for r in months.itertuples()
    }
    history = connection.execute(
        f"""
        with closed as (
            select revenue_month from {tables["then", "mart_monthly_revenue"]}
            qualify row_number() over (order by revenue_month desc) > {open_months}
        ),
        now_months as (
            select customer_id, revenue_month, revenue from {tables["now", "fct_customer_months"]}
            where revenue_month in (select revenue_month from closed)
        ),
        then_months as (
            select customer_id, revenue_month, revenue from {tables["then", "fct_customer_months"]}
            where revenue_month in (select revenue_month from closed)
        ),
        compared as (
            select
                coalesce(now_months.customer_id, then_months.customer_id) as customer_id,
                coalesce(now_months.revenue_month, then_months.revenue_month) as revenue_month,
                then_months.revenue as revenue_then,
                now_months.revenue as revenue_now
            from now_months
            full outer join then_months
                on now_months.customer_id = then_months.customer_id
                and now_months.revenue_month = then_months.revenue_month
        ),
        changed as (
            select * from compared
            where abs(coalesce(revenue_now, 0) - coalesce(revenue_then, 0)) > 0.01
        )
        select
            (select count(distinct customer_id) from then_months) as accounts_then,
            (select count(distinct customer_id) from changed) as changed_accounts,
            (select list(
                customer_id || ' ' || strftime(revenue_month, '%Y-%m') || ': '
                || coalesce(cast(revenue_then as varchar), 'absent') || ' -> '
                || coalesce(cast(revenue_now as varchar), 'absent')
                order by customer_id, revenue_month
            )[1:{SAMPLE_ROWS}] from changed) as sample
        """
    ).fetchone()
    assert history is not None
    accounts_then, changed_accounts, sample = int(history[0]), int(history[1]), list(history[2] or [])
    accounts = pd.DataFrame(
        {
            "accounts_then": [accounts_then],
            "changed_accounts": [changed_accounts],
            "changed_share": [changed_accounts / accounts_then if accounts_then else 0.0],
        }
    )
    return [
        Evidence("months", f"marts vs {baseline_path}", months, key="month", samples=month_samples),
        Evidence("account_history", f"marts.fct_customer_months vs {baseline_path}", accounts, samples={"0": sample}),
    ]


def today() -> dt.date:
    """The latest plausible invoice date (a quality check may look at the clock; models never do)."""
    return dt.date.today()
