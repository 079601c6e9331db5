"""Two custom Great Expectations expectations used by the suites in `gx/expectations/`.

Importing this module registers them with GX (an Expectation subclass registers under its snake_case
name), so the suites that use them load; `segmentation.quality.context.load_context` imports it.

* `ExpectColumnValuesToFullyMatchRegex`: a column map expectation (so `mostly`, `unexpected_percent`,
  sample values and sample keys work as for GX's own ones) true where DuckDB's `regexp_full_match(value,
  regex)` is. GX's `ExpectColumnValuesToMatchRegex` has no SQL for the duckdb dialect ("Regex is not
  supported for dialect duckdb"), and a full match is what a format check wants anyway.
* `ExpectQueryToReturnNoRows`: GX's `UnexpectedRowsExpectation` (a SQL query over `{batch}` that returns the
  failing rows) plus a short `check` name, and a sample of the failing rows in the result at every
  result format (the stock expectation drops them below `COMPLETE`, and `COMPLETE` would make column map
  expectations return every failing value). GX fetches at most 200 rows of such a query; the sample keeps
  the first few.
"""

from __future__ import annotations

from typing import Any, ClassVar

import sqlalchemy as sa
from great_expectations.execution_engine import ExecutionEngine, SqlAlchemyExecutionEngine
from great_expectations.expectations import UnexpectedRowsExpectation
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics import ColumnMapMetricProvider, column_condition_partial

#: Failing rows of a SQL expectation kept in its result (the console shows them, Data Docs list them).
SAMPLE_ROWS = 5


class ColumnValuesFullyMatchRegex(ColumnMapMetricProvider):
    """Metric `column_values.fully_match_regex`: DuckDB `regexp_full_match(value, regex)`."""

    condition_metric_name = "column_values.fully_match_regex"
    condition_value_keys = ("regex",)

    @column_condition_partial(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(cls, column: sa.ColumnClause, regex: str, **kwargs: Any) -> Any:  # noqa: N805 (GX passes the class)
        return sa.func.regexp_full_match(column, sa.literal(regex))


class ExpectColumnValuesToFullyMatchRegex(ColumnMapExpectation):
    """Expect the column's non-null values to match `regex` as a whole (DuckDB RE2 syntax).

    Args:
        column: the column to check.
        regex: the pattern every value must match from its first to its last character.
        mostly: the share of non-null values that must match (default 1).
    """

    regex: str

    map_metric = "column_values.fully_match_regex"
    success_keys: ClassVar[tuple[str, ...]] = ("regex", "mostly")
    args_keys: ClassVar[tuple[str, ...]] = ("column", "regex")


class ExpectQueryToReturnNoRows(UnexpectedRowsExpectation):
    """A SQL check over `{batch}` that returns the failing rows; passes when it returns none.

    Args:
        check: a short name for the rule, shown in the console verdicts (e.g. `monthly_bridge_identity`).
        unexpected_rows_query: the query; `{batch}` is replaced with the validated relation.
        description: what the rule is, shown in Data Docs.
    """

    check: str

    def _validate(
        self,
        metrics: dict,
        runtime_configuration: dict | None = None,
        execution_engine: ExecutionEngine | None = None,
    ) -> Any:
        outcome = super()._validate(metrics, runtime_configuration, execution_engine)
        if isinstance(outcome, dict) and "result" in outcome:
            rows = metrics.get("unexpected_rows_query.table") or []
            details = outcome["result"].setdefault("details", {})
            details["unexpected_rows"] = list(details.get("unexpected_rows", rows))[:SAMPLE_ROWS]
        return outcome
