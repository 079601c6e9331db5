"""Raw layer: the raw transactions as text, before staging types them."""

from __future__ import annotations

import great_expectations.expectations as gxe

from segmentation.quality.expectations import ExpectColumnValuesToFullyMatchRegex
from segmentation.quality.layout import SOURCES
from segmentation.quality.suites.spec import SuiteSpec, param

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

RAW_TRANSACTIONS = SuiteSpec(
    name="raw.transactions",
    layer="raw",
    relations=dict(SOURCES),
    keys=("invoice_id", "line_number"),
    expectations=(
        gxe.ExpectTableColumnsToMatchSet(column_set=list(RAW_COLUMNS), exact_match=False),
        gxe.ExpectTableRowCountToBeBetween(min_value=param("raw_rows_min"), max_value=param("raw_rows_max")),
        ExpectColumnValuesToFullyMatchRegex(column="invoiced_at", regex=DATE_REGEX, mostly=param("raw_format_share")),
        ExpectColumnValuesToFullyMatchRegex(column="quantity", regex=NUMBER_REGEX, mostly=param("raw_format_share")),
        ExpectColumnValuesToFullyMatchRegex(column="unit_price", regex=NUMBER_REGEX, mostly=param("raw_format_share")),
        ExpectColumnValuesToFullyMatchRegex(column="currency", regex=CURRENCY_REGEX, mostly=param("raw_format_share")),
    ),
)
