"""Marts layer: the core facts and dimension (SPEC §3-6) and the BI summaries (SPEC §7)."""

from __future__ import annotations

import great_expectations.expectations as gxe

from segmentation.quality.suites.spec import (
    CATEGORIES,
    CELLS,
    LIFECYCLE_STATUSES,
    MOVEMENTS,
    PARETO_TIERS,
    POTENTIAL_TIERS,
    RELATIONSHIP_LEVELS,
    SEGMENT_TYPES,
    SIZE_BANDS,
    TOLERANCE,
    VALUE_TIERS,
    SuiteSpec,
    in_set,
    not_null,
    param,
    sql_check,
)

# --- marts: core facts and dimension ------------------------------------------------------------

FCT_TRANSACTIONS = SuiteSpec(
    name="marts.fct_transactions",
    layer="marts",
    relations={"*": "marts.fct_transactions"},
    keys=("transaction_key",),
    expectations=(
        *not_null("transaction_key", "customer_id", "revenue_month", "amount"),
        gxe.ExpectColumnValuesToBeUnique(column="transaction_key"),
        in_set("revenue_category", CATEGORIES),
        sql_check(
            "category_on_core_lines_only",
            "SPEC §4: every core line has a revenue_category, non-core lines have none.",
            """
            select transaction_key, is_core, revenue_category
            from {batch}
            where (is_core and revenue_category is null) or (not is_core and revenue_category is not null)
            """,
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="invoice_date", min_value=param("min_invoice_date"), max_value=param("as_of_date")
        ),
    ),
)

FCT_CUSTOMER_MONTHS = SuiteSpec(
    name="marts.fct_customer_months",
    layer="marts",
    relations={"*": "marts.fct_customer_months"},
    keys=("customer_id", "revenue_month"),
    expectations=(
        *not_null("customer_id", "revenue_month", "revenue", "movement_amount"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["customer_id", "revenue_month"]),
        in_set("movement", MOVEMENTS),
        gxe.ExpectColumnValuesToBeBetween(column="revenue_month", max_value=param("as_of_month")),
        sql_check(
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
        sql_check(
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
        *not_null("customer_id", "snapshot_month", "t12m_revenue", "potential"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["customer_id", "snapshot_month"]),
        in_set("value_tier", VALUE_TIERS),
        in_set("pareto_tier", PARETO_TIERS),
        in_set("potential_tier", POTENTIAL_TIERS),
        in_set("value_potential_cell", CELLS),
        in_set("relationship_level", RELATIONSHIP_LEVELS),
        gxe.ExpectColumnValuesToBeBetween(column="potential", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="snapshot_month", max_value=param("as_of_month")),
        sql_check(
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
        *not_null("customer_id", "lifecycle_status", "size_band", "lifetime_revenue", "lifetime_orders"),
        gxe.ExpectColumnValuesToBeUnique(column="customer_id"),
        in_set("lifecycle_status", LIFECYCLE_STATUSES),
        in_set("size_band", SIZE_BANDS),
        in_set("value_tier", VALUE_TIERS),
        in_set("pareto_tier", PARETO_TIERS),
        in_set("potential_tier", POTENTIAL_TIERS),
        in_set("value_potential_cell", CELLS),
        in_set("relationship_level", RELATIONSHIP_LEVELS),
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
        *not_null("snapshot_month", "segment_type", "segment", "accounts", "account_share"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["snapshot_month", "segment_type", "segment"]),
        in_set("segment_type", SEGMENT_TYPES),
        sql_check(
            "segment_in_its_set",
            "Each segment is one of the labels of its segment_type (SPEC §5).",
            f"""
            select snapshot_month, segment_type, segment
            from {{batch}}
            where {_SEGMENT_SETS}
            """,
        ),
        gxe.ExpectColumnValuesToBeBetween(column="account_share", min_value=0, max_value=1),
        gxe.ExpectColumnValuesToBeBetween(column="snapshot_month", max_value=param("as_of_month")),
        sql_check(
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
        *not_null("revenue_month", "revenue", "opening_revenue", "closing_revenue"),
        gxe.ExpectColumnValuesToBeUnique(column="revenue_month"),
        gxe.ExpectColumnValuesToBeBetween(column="revenue_month", max_value=param("as_of_month")),
        sql_check(
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
        sql_check(
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

MART_COHORT_RETENTION = SuiteSpec(
    name="marts.mart_cohort_retention",
    layer="marts",
    relations={"*": "marts.mart_cohort_retention"},
    keys=("cohort_month", "months_since_acquisition"),
    expectations=(
        *not_null("cohort_month", "months_since_acquisition", "cohort_accounts", "active_accounts", "revenue"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["cohort_month", "months_since_acquisition"]),
        gxe.ExpectColumnValuesToBeBetween(column="logo_retention", min_value=0, max_value=1),
        gxe.ExpectColumnValuesToBeBetween(column="revenue_month", max_value=param("as_of_month")),
        sql_check(
            "cohort_retention_consistent",
            "SPEC §7: active_accounts <= cohort_accounts, both retentions are 1 at k = 0, the cohort's size is"
            " the same at every k, and every k from 0 to as_of_month is present.",
            """
            with cohorts as (
                select
                    cohort_month,
                    min(cohort_accounts) as cohort_accounts,
                    max(cohort_accounts) as max_cohort_accounts,
                    bool_or(active_accounts > cohort_accounts) as more_active_than_accounts,
                    bool_or(months_since_acquisition = 0 and (logo_retention != 1 or revenue_retention != 1))
                        as start_not_one,
                    count(*) as month_rows,
                    max(months_since_acquisition) as last_k,
                    max(revenue_month) as last_month
                from {batch}
                group by cohort_month
            )
            select *
            from cohorts
            where
                cohort_accounts != max_cohort_accounts
                or more_active_than_accounts
                or start_not_one
                or month_rows != last_k + 1
                or last_month != (select max(last_month) from cohorts)
            order by cohort_month
            """,
        ),
    ),
)

MART_SEGMENT_MIGRATION = SuiteSpec(
    name="marts.mart_segment_migration",
    layer="marts",
    relations={"*": "marts.mart_segment_migration"},
    keys=("snapshot_month", "from_value_tier", "to_value_tier"),
    expectations=(
        *not_null("snapshot_month", "from_value_tier", "to_value_tier", "accounts"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["snapshot_month", "from_value_tier", "to_value_tier"]),
        in_set("from_value_tier", VALUE_TIERS),
        in_set("to_value_tier", VALUE_TIERS),
        gxe.ExpectColumnValuesToBeBetween(column="accounts", min_value=1),
        sql_check(
            "migration_covers_every_account",
            "SPEC §7: each month's migrating accounts add up to the accounts with a snapshot in that month,"
            " and their to_t12m_revenue to those accounts' t12m_revenue (fct_customer_snapshots).",
            f"""
            with migrated as (
                select snapshot_month, sum(accounts) as accounts, sum(to_t12m_revenue) as t12m_revenue
                from {{batch}}
                group by snapshot_month
            ),
            snapshots as (
                select snapshot_month, count(*) as accounts, sum(t12m_revenue) as t12m_revenue
                from marts.fct_customer_snapshots
                group by snapshot_month
            )
            select
                migrated.snapshot_month,
                migrated.accounts,
                snapshots.accounts as snapshot_accounts,
                migrated.t12m_revenue,
                snapshots.t12m_revenue as snapshot_t12m_revenue
            from migrated
            left join snapshots on migrated.snapshot_month = snapshots.snapshot_month
            where
                snapshots.accounts is null
                or migrated.accounts != snapshots.accounts
                or abs(migrated.t12m_revenue - snapshots.t12m_revenue) > {TOLERANCE}
            order by migrated.snapshot_month
            """,
        ),
    ),
)
