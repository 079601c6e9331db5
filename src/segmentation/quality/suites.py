"""The expectation suites, layer by layer: the source of truth of `gx/expectations/`.

Every suite validates one relation of the warehouse in place (a SQL batch over the whole table). Values
that depend on the run (the as_of dates, the row-count band, the currencies of the FX table) are suite
parameters (`{"$PARAMETER": name}`), filled in by `segmentation quality` from the warehouse and its options:
see `PARAMETERS`. Edit this module, then run `segmentation quality --write-gx` to rewrite `gx/`; a test
fails while the two differ.

The raw layer depends on where the build read its input (`SOURCES`): the demo seeds (`raw.raw_transactions`),
a `raw_data_path` folder or the UCI file (their raw adapter views in `staging`). The raw suite and the
conservation suite are therefore validated against one relation per source, each with its own checkpoint.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import great_expectations.expectations as gxe
from great_expectations.expectations.expectation import Expectation

from segmentation.quality.expectations import ExpectColumnValuesToFullyMatchRegex, ExpectQueryToReturnNoRows
from segmentation.quality.layout import SOURCES

LAYERS: tuple[str, ...] = ("raw", "staging", "marts")

#: Suite parameters and what they mean (values: `segmentation.quality.runner.suite_parameters`).
PARAMETERS: Mapping[str, str] = {
    "raw_rows_min": "fewest raw transaction rows accepted (option --min-raw-rows)",
    "raw_rows_max": "most raw transaction rows accepted (option --max-raw-rows)",
    "raw_format_share": "share of non-null raw values that must be well formed (option --raw-format-share)",
    "min_invoice_date": "earliest plausible invoice date (option --min-date)",
    "max_invoice_date": "latest plausible invoice date (option --max-date, default today)",
    "currencies": "currency codes of staging.stg_fx_rates plus the reporting currency (--reporting-currency)",
    "as_of_date": "as_of_date of the build (intermediate.int_as_of_dates)",
    "as_of_month": "as_of_month of the build (intermediate.int_as_of_dates)",
}

RAW_COLUMNS: tuple[str, ...] = (
    "invoice_id",
    "line_number",
    "customer_id",
    "invoiced_at",
    "product_id",
    "quantity",
    "unit_price",
    "currency",
)
# SPEC §1 formats, surrounding whitespace allowed (values are trimmed first). Calendar validity and
# the exact parse stay with staging, which quarantines a malformed row with its reason.
DATE_REGEX = r"\s*[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?\s*"
NUMBER_REGEX = r"\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*"
CURRENCY_REGEX = r"\s*([A-Za-z]{3})?\s*"

MOVEMENTS = ("new", "churn", "reactivation", "expansion", "contraction", "unchanged", "inactive")
CATEGORIES = ("conversion", "retention", "penetration")
VALUE_TIERS = ("high", "medium", "low", "inactive")
PARETO_TIERS = ("A", "B", "C", "D")
POTENTIAL_TIERS = ("high", "medium", "low", "none")
CELLS = ("strategic_growth", "protect", "develop", "maintain", "hidden_gem", "automate", "win_back", "dormant")
RELATIONSHIP_LEVELS = ("new", "developing", "established", "partner")
LIFECYCLE_STATUSES = ("prospect", "new", "active", "churned")
SIZE_BANDS = ("small", "mid", "large", "enterprise", "unknown")
SEGMENT_TYPES = ("value_tier", "pareto_tier", "value_potential_cell", "relationship_level")

#: Figures are compared at this tolerance (SPEC §0).
TOLERANCE = "0.01"


@dataclass(frozen=True)
class SuiteSpec:
    """One expectation suite and the relation(s) it validates.

    `relations` maps a source (a key of SOURCES) to the relation validated for it; the key `*` means the
    same relation whatever the source. `keys` are the columns that identify a row: GX reports them for a
    sample of the failing rows.
    """

    name: str
    layer: str
    relations: Mapping[str, str]
    keys: tuple[str, ...]
    expectations: tuple[Expectation, ...] = field(default_factory=tuple)

    def relation_for(self, source: str) -> str:
        return self.relations.get(source) or self.relations["*"]

    def checkpoint_for(self, source: str) -> str:
        """Name of the checkpoint (and validation definition) that runs this suite for `source`."""
        return self.name if "*" in self.relations else f"{self.name}.{source}"

    def checkpoints(self) -> dict[str, str]:
        """Checkpoint name -> relation, for every source this suite runs on."""
        if "*" in self.relations:
            return {self.name: self.relations["*"]}
        return {self.checkpoint_for(source): relation for source, relation in self.relations.items()}


def _param(name: str) -> dict[str, str]:
    assert name in PARAMETERS, name
    return {"$PARAMETER": name}


def _sql(check: str, description: str, query: str) -> ExpectQueryToReturnNoRows:
    return ExpectQueryToReturnNoRows(
        check=check, description=description, unexpected_rows_query=" ".join(query.split())
    )


def _in_set(column: str, values: tuple[str, ...]) -> gxe.ExpectColumnValuesToBeInSet:
    return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(values))


def _not_null(*columns: str) -> list[Expectation]:
    return [gxe.ExpectColumnValuesToNotBeNull(column=column) for column in columns]


# --- raw ------------------------------------------------------------------------------------------

RAW_TRANSACTIONS = SuiteSpec(
    name="raw.transactions",
    layer="raw",
    relations=dict(SOURCES),
    keys=("invoice_id", "line_number"),
    expectations=(
        gxe.ExpectTableColumnsToMatchSet(column_set=list(RAW_COLUMNS), exact_match=False),
        gxe.ExpectTableRowCountToBeBetween(min_value=_param("raw_rows_min"), max_value=_param("raw_rows_max")),
        ExpectColumnValuesToFullyMatchRegex(column="invoiced_at", regex=DATE_REGEX, mostly=_param("raw_format_share")),
        ExpectColumnValuesToFullyMatchRegex(column="quantity", regex=NUMBER_REGEX, mostly=_param("raw_format_share")),
        ExpectColumnValuesToFullyMatchRegex(column="unit_price", regex=NUMBER_REGEX, mostly=_param("raw_format_share")),
        ExpectColumnValuesToFullyMatchRegex(column="currency", regex=CURRENCY_REGEX, mostly=_param("raw_format_share")),
    ),
)

# --- staging --------------------------------------------------------------------------------------

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
        _sql(
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
        *_not_null("transaction_key"),
        gxe.ExpectColumnValuesToBeUnique(column="transaction_key"),
        *_not_null("invoice_id", "customer_id", "product_id", "invoiced_at", "quantity", "unit_price", "amount"),
        gxe.ExpectColumnValuesToNotBeInSet(column="quantity", value_set=[0]),
        gxe.ExpectColumnValuesToBeBetween(column="unit_price", min_value=0),
        gxe.ExpectColumnValuesToBeInSet(column="currency", value_set=_param("currencies")),
        _sql(
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
        _sql(
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
            column="invoice_date", min_value=_param("min_invoice_date"), max_value=_param("max_invoice_date")
        ),
        _sql(
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

# --- marts: core facts and dimension ------------------------------------------------------------

FCT_TRANSACTIONS = SuiteSpec(
    name="marts.fct_transactions",
    layer="marts",
    relations={"*": "marts.fct_transactions"},
    keys=("transaction_key",),
    expectations=(
        *_not_null("transaction_key", "customer_id", "revenue_month", "amount"),
        gxe.ExpectColumnValuesToBeUnique(column="transaction_key"),
        _in_set("revenue_category", CATEGORIES),
        _sql(
            "category_on_core_lines_only",
            "SPEC §4: every core line has a revenue_category, non-core lines have none.",
            """
            select transaction_key, is_core, revenue_category
            from {batch}
            where (is_core and revenue_category is null) or (not is_core and revenue_category is not null)
            """,
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="invoice_date", min_value=_param("min_invoice_date"), max_value=_param("as_of_date")
        ),
    ),
)

FCT_CUSTOMER_MONTHS = SuiteSpec(
    name="marts.fct_customer_months",
    layer="marts",
    relations={"*": "marts.fct_customer_months"},
    keys=("customer_id", "revenue_month"),
    expectations=(
        *_not_null("customer_id", "revenue_month", "revenue", "movement_amount"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["customer_id", "revenue_month"]),
        _in_set("movement", MOVEMENTS),
        gxe.ExpectColumnValuesToBeBetween(column="revenue_month", max_value=_param("as_of_month")),
        _sql(
            "monthly_bridge_identity",
            "SPEC §3: for every month, the sum of movement_amount over accounts = total revenue of the month -"
            " total revenue of the previous month. Returns the months where it does not hold.",
            f"""
            with monthly as (
                select revenue_month, sum(revenue) as revenue, sum(movement_amount) as movement_amount
                from {{batch}}
                group by revenue_month
            )
            select
                monthly.revenue_month,
                coalesce(previous.revenue, 0) as previous_revenue,
                monthly.revenue,
                monthly.movement_amount,
                monthly.revenue - coalesce(previous.revenue, 0) - monthly.movement_amount as difference
            from monthly
            left join monthly as previous
                on previous.revenue_month = cast(monthly.revenue_month - interval 1 month as date)
            where abs(monthly.revenue - coalesce(previous.revenue, 0) - monthly.movement_amount) > {TOLERANCE}
            order by monthly.revenue_month
            """,
        ),
        _sql(
            "category_sum_identity",
            "SPEC §4: for every account and month, conversion + retention + penetration revenue = revenue, and"
            " each equals the sum of the account's core lines of that category in marts.fct_transactions."
            " Returns the account-months where it does not hold.",
            f"""
            with lines as (
                select
                    customer_id,
                    revenue_month,
                    coalesce(sum(amount) filter (where revenue_category = 'conversion'), 0) as conversion_revenue,
                    coalesce(sum(amount) filter (where revenue_category = 'retention'), 0) as retention_revenue,
                    coalesce(sum(amount) filter (where revenue_category = 'penetration'), 0) as penetration_revenue
                from marts.fct_transactions
                where is_core
                group by customer_id, revenue_month
            )
            select
                months.customer_id,
                months.revenue_month,
                months.revenue,
                months.conversion_revenue,
                months.retention_revenue,
                months.penetration_revenue,
                coalesce(lines.conversion_revenue, 0) as lines_conversion_revenue,
                coalesce(lines.retention_revenue, 0) as lines_retention_revenue,
                coalesce(lines.penetration_revenue, 0) as lines_penetration_revenue
            from {{batch}} as months
            left join lines
                on months.customer_id = lines.customer_id and months.revenue_month = lines.revenue_month
            where
                abs(months.conversion_revenue + months.retention_revenue + months.penetration_revenue
                    - months.revenue) > {TOLERANCE}
                or abs(months.conversion_revenue - coalesce(lines.conversion_revenue, 0)) > {TOLERANCE}
                or abs(months.retention_revenue - coalesce(lines.retention_revenue, 0)) > {TOLERANCE}
                or abs(months.penetration_revenue - coalesce(lines.penetration_revenue, 0)) > {TOLERANCE}
            order by months.revenue_month, months.customer_id
            """,
        ),
    ),
)

_CELL_MATRIX = " ".join(
    f"when value_tier = '{tier}' then case when potential_tier in ('high', 'medium')"
    f" then '{growth}' else '{steady}' end"
    for tier, growth, steady in (
        ("high", "strategic_growth", "protect"),
        ("medium", "develop", "maintain"),
        ("low", "hidden_gem", "automate"),
        ("inactive", "win_back", "dormant"),
    )
)

FCT_CUSTOMER_SNAPSHOTS = SuiteSpec(
    name="marts.fct_customer_snapshots",
    layer="marts",
    relations={"*": "marts.fct_customer_snapshots"},
    keys=("customer_id", "snapshot_month"),
    expectations=(
        *_not_null("customer_id", "snapshot_month", "t12m_revenue", "potential"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["customer_id", "snapshot_month"]),
        _in_set("value_tier", VALUE_TIERS),
        _in_set("pareto_tier", PARETO_TIERS),
        _in_set("potential_tier", POTENTIAL_TIERS),
        _in_set("value_potential_cell", CELLS),
        _in_set("relationship_level", RELATIONSHIP_LEVELS),
        gxe.ExpectColumnValuesToBeBetween(column="potential", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="snapshot_month", max_value=_param("as_of_month")),
        _sql(
            "cell_matches_value_and_potential_tier",
            "SPEC §5: value_potential_cell is the cell of the account's value_tier and potential_tier.",
            f"""
            select customer_id, snapshot_month, value_tier, potential_tier, value_potential_cell
            from {{batch}}
            where value_potential_cell is distinct from (case {_CELL_MATRIX} end)
            """,
        ),
    ),
)

DIM_CUSTOMERS = SuiteSpec(
    name="marts.dim_customers",
    layer="marts",
    relations={"*": "marts.dim_customers"},
    keys=("customer_id",),
    expectations=(
        *_not_null("customer_id", "lifecycle_status", "size_band", "lifetime_revenue", "lifetime_orders"),
        gxe.ExpectColumnValuesToBeUnique(column="customer_id"),
        _in_set("lifecycle_status", LIFECYCLE_STATUSES),
        _in_set("size_band", SIZE_BANDS),
        _in_set("value_tier", VALUE_TIERS),
        _in_set("pareto_tier", PARETO_TIERS),
        _in_set("potential_tier", POTENTIAL_TIERS),
        _in_set("value_potential_cell", CELLS),
        _in_set("relationship_level", RELATIONSHIP_LEVELS),
        gxe.ExpectColumnValuesToBeBetween(column="potential", min_value=0),
    ),
)

# --- marts: BI summaries (SPEC §7) ---------------------------------------------------------------

_SEGMENT_SETS = " or ".join(
    f"(segment_type = '{segment_type}' and segment not in ({', '.join(repr(value) for value in values)}))"
    for segment_type, values in (
        ("value_tier", VALUE_TIERS),
        ("pareto_tier", PARETO_TIERS),
        ("value_potential_cell", CELLS),
        ("relationship_level", RELATIONSHIP_LEVELS),
    )
)

#: Shares are ratios rounded to DECIMAL(38,10) per segment: their sums are compared at this tolerance.
SHARE_TOLERANCE = "0.000001"

MART_SEGMENT_SUMMARY = SuiteSpec(
    name="marts.mart_segment_summary",
    layer="marts",
    relations={"*": "marts.mart_segment_summary"},
    keys=("snapshot_month", "segment_type", "segment"),
    expectations=(
        *_not_null("snapshot_month", "segment_type", "segment", "accounts", "account_share"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["snapshot_month", "segment_type", "segment"]),
        _in_set("segment_type", SEGMENT_TYPES),
        _sql(
            "segment_in_its_set",
            "Each segment is one of the labels of its segment_type (SPEC §5).",
            f"""
            select snapshot_month, segment_type, segment
            from {{batch}}
            where {_SEGMENT_SETS}
            """,
        ),
        gxe.ExpectColumnValuesToBeBetween(column="account_share", min_value=0, max_value=1),
        gxe.ExpectColumnValuesToBeBetween(column="snapshot_month", max_value=_param("as_of_month")),
        _sql(
            "shares_sum_to_one",
            "SPEC §7: per snapshot_month and segment_type, account_share sums to 1, and so does revenue_share"
            " (a segment's revenue_share can be negative; it is null only when the month's total is 0).",
            f"""
            select
                snapshot_month,
                segment_type,
                sum(account_share) as account_share,
                sum(revenue_share) as revenue_share,
                sum(t12m_revenue) as t12m_revenue
            from {{batch}}
            group by snapshot_month, segment_type
            having
                abs(sum(account_share) - 1) > {SHARE_TOLERANCE}
                or (sum(t12m_revenue) != 0 and (sum(revenue_share) is null
                    or abs(sum(revenue_share) - 1) > {SHARE_TOLERANCE}))
            order by snapshot_month, segment_type
            """,
        ),
    ),
)

_MOVEMENT_COLUMNS = (
    "new_revenue",
    "reactivation_revenue",
    "expansion_revenue",
    "contraction_revenue",
    "churned_revenue",
    "inactive_change",
)
_MOVEMENT_LIST = ", ".join(f"months.{column}" for column in _MOVEMENT_COLUMNS)
_MOVEMENT_SUM = " + ".join(f"months.{column}" for column in _MOVEMENT_COLUMNS)

MART_MONTHLY_REVENUE = SuiteSpec(
    name="marts.mart_monthly_revenue",
    layer="marts",
    relations={"*": "marts.mart_monthly_revenue"},
    keys=("revenue_month",),
    expectations=(
        *_not_null("revenue_month", "revenue", "opening_revenue", "closing_revenue"),
        gxe.ExpectColumnValuesToBeUnique(column="revenue_month"),
        gxe.ExpectColumnValuesToBeBetween(column="revenue_month", max_value=_param("as_of_month")),
        _sql(
            "revenue_bridge_balances",
            "SPEC §7: opening_revenue + the movement sums = closing_revenue = revenue, and opening_revenue is the"
            " previous month's revenue (0 in the first month). Returns the months where it does not hold.",
            f"""
            select
                months.revenue_month,
                months.opening_revenue,
                {_MOVEMENT_LIST},
                months.closing_revenue,
                months.revenue,
                coalesce(previous.revenue, 0) as previous_revenue
            from {{batch}} as months
            left join {{batch}} as previous
                on previous.revenue_month = cast(months.revenue_month - interval 1 month as date)
            where
                abs(months.opening_revenue + {_MOVEMENT_SUM} - months.closing_revenue) > {TOLERANCE}
                or abs(months.closing_revenue - months.revenue) > {TOLERANCE}
                or abs(months.opening_revenue - coalesce(previous.revenue, 0)) > {TOLERANCE}
            order by months.revenue_month
            """,
        ),
        _sql(
            "monthly_category_sum",
            "SPEC §4: each month's conversion + retention + penetration revenue = revenue.",
            f"""
            select revenue_month, revenue, conversion_revenue, retention_revenue, penetration_revenue
            from {{batch}}
            where abs(conversion_revenue + retention_revenue + penetration_revenue - revenue) > {TOLERANCE}
            """,
        ),
    ),
)

#: Every suite, in the order the checkpoints run: layer by layer, raw -> staging -> marts.
SUITES: tuple[SuiteSpec, ...] = (
    RAW_TRANSACTIONS,
    STAGING_TRANSACTIONS,
    STAGING_CONSERVATION,
    FCT_TRANSACTIONS,
    FCT_CUSTOMER_MONTHS,
    FCT_CUSTOMER_SNAPSHOTS,
    DIM_CUSTOMERS,
    MART_MONTHLY_REVENUE,
    MART_SEGMENT_SUMMARY,
)
