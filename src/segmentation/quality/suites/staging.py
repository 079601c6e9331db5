"""Staging layer: typed lines, and raw = staged + rejected."""

from __future__ import annotations

import great_expectations.expectations as gxe

from segmentation.quality.layout import SOURCES
from segmentation.quality.suites.spec import TOLERANCE, SuiteSpec, not_null, param, sql_check

_RAW_NUMBER = (
    "case when regexp_full_match(trim({column}, ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)),"
    " '[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?')"
    " then try_cast(trim({column}, ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13))"
    " as decimal(18, 6)) end"
)

STAGING_CONSERVATION = SuiteSpec(
    name="staging.conservation",
    layer="staging",
    relations=dict(SOURCES),
    keys=(),
    expectations=(
        sql_check(
            "raw_equals_staged_plus_rejected",
            "SPEC §2: every raw row is staged or rejected, never lost: raw rows = staged + rejected rows, and the"
            " same for the sum of quantity x unit_price over the rows where both parse as numbers.",
            f"""
            with raw_totals as (
                select
                    count(*) as row_count,
                    coalesce(sum(({_RAW_NUMBER.format(column="quantity")})
                        * ({_RAW_NUMBER.format(column="unit_price")})), 0) as amount
                from {{batch}}
            ),
            staged as (
                select count(*) as row_count, coalesce(sum(quantity * unit_price), 0) as amount
                from staging.stg_transactions
            ),
            rejected as (
                select count(*) as row_count, coalesce(sum(raw_amount), 0) as amount
                from audit.rejected_transactions
            )
            select
                raw_totals.row_count as raw_rows,
                staged.row_count as staged_rows,
                rejected.row_count as rejected_rows,
                raw_totals.amount as raw_amount,
                staged.amount as staged_amount,
                rejected.amount as rejected_amount
            from raw_totals cross join staged cross join rejected
            where raw_totals.row_count != staged.row_count + rejected.row_count
                or abs(raw_totals.amount - staged.amount - rejected.amount) > {TOLERANCE}
            """,
        ),
    ),
)

STAGING_TRANSACTIONS = SuiteSpec(
    name="staging.transactions",
    layer="staging",
    relations={"*": "staging.stg_transactions"},
    keys=("transaction_key",),
    expectations=(
        *not_null("transaction_key"),
        gxe.ExpectColumnValuesToBeUnique(column="transaction_key"),
        *not_null("invoice_id", "customer_id", "product_id", "invoiced_at", "quantity", "unit_price", "amount"),
        gxe.ExpectColumnValuesToNotBeInSet(column="quantity", value_set=[0]),
        gxe.ExpectColumnValuesToBeBetween(column="unit_price", min_value=0),
        gxe.ExpectColumnValuesToBeInSet(column="currency", value_set=param("currencies")),
        sql_check(
            "fx_rate_from_fx_table",
            "Each line's fx_rate is the FX table's rate for its currency and month; a currency without FX rates"
            " (the reporting currency) converts at 1.",
            """
            select
                lines.transaction_key, lines.currency, lines.revenue_month, lines.fx_rate,
                fx.rate_to_reporting as fx_table_rate
            from {batch} as lines
            left join staging.stg_fx_rates as fx
                on lines.currency = fx.currency and lines.revenue_month = fx.month
            where
                fx.rate_to_reporting is distinct from lines.fx_rate
                and (
                    fx.currency is not null
                    or lines.fx_rate != 1
                    or lines.currency in (select distinct currency from staging.stg_fx_rates)
                )
            """,
        ),
        sql_check(
            "amount_is_quantity_x_unit_price_x_fx_rate",
            "SPEC §0: amount = quantity x unit_price x fx_rate (to 0.01).",
            f"""
            select
                transaction_key, quantity, unit_price, fx_rate, amount,
                quantity * unit_price * fx_rate as expected_amount
            from {{batch}}
            where abs(amount - quantity * unit_price * fx_rate) > {TOLERANCE}
            """,
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="invoice_date", min_value=param("min_invoice_date"), max_value=param("max_invoice_date")
        ),
        sql_check(
            "dates_derived_from_invoiced_at",
            "invoice_date is the date of invoiced_at and revenue_month its month.",
            """
            select transaction_key, invoiced_at, invoice_date, revenue_month
            from {batch}
            where invoice_date != cast(invoiced_at as date)
                or revenue_month != cast(date_trunc('month', invoiced_at) as date)
            """,
        ),
    ),
)
