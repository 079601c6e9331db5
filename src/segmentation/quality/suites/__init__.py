"""The expectation suites, layer by layer: the source of truth of `gx/expectations/`.

Every suite validates one relation of the warehouse in place (a SQL batch over the whole table). Values
that depend on the run (the as_of dates, the row-count band, the currencies of the FX table) are suite
parameters (`{"$PARAMETER": name}`), filled in by `segmentation quality` from the warehouse and its options:
see `spec.PARAMETERS`. Edit these modules, then run `segmentation quality --write-gx` to rewrite `gx/`; a
test fails while the two differ.

The raw layer depends on where the build read its input (`layout.SOURCES`): the demo seeds
(`raw.raw_transactions`), a `raw_data_path` folder or the UCI file (their raw adapter views in `staging`).
The raw suite and the conservation suite are therefore validated against one relation per source, each
with its own checkpoint.
"""

from __future__ import annotations

from segmentation.quality.suites.marts import (
    DIM_CUSTOMERS,
    FCT_CUSTOMER_MONTHS,
    FCT_CUSTOMER_SNAPSHOTS,
    FCT_TRANSACTIONS,
    MART_COHORT_RETENTION,
    MART_MONTHLY_REVENUE,
    MART_SEGMENT_MIGRATION,
    MART_SEGMENT_SUMMARY,
)
from segmentation.quality.suites.raw import RAW_TRANSACTIONS
from segmentation.quality.suites.spec import LAYERS, PARAMETERS, SuiteSpec
from segmentation.quality.suites.staging import STAGING_CONSERVATION, STAGING_TRANSACTIONS

__all__ = ["LAYERS", "PARAMETERS", "SUITES", "SuiteSpec"]

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
    MART_COHORT_RETENTION,
    MART_SEGMENT_MIGRATION,
)
