"""The building blocks of the suites: SuiteSpec, suite parameters, label sets and expectation helpers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import great_expectations.expectations as gxe
from great_expectations.expectations.expectation import Expectation

from segmentation.quality.expectations import ExpectQueryToReturnNoRows

LAYERS: tuple[str, ...] = ("raw", "staging", "marts")

#: Suite parameters and what they mean (values: `segmentation.quality.runner.suite_parameters`).
PARAMETERS: Mapping[str, str] = {
    "raw_rows_min": "fewest raw transaction rows accepted (option --min-raw-rows)",
    "raw_rows_max": "most raw transaction rows accepted (option --max-raw-rows)",
    "raw_format_share": "share of non-null raw values that must be well formed (option --raw-format-share)",
    "min_invoice_date": "earliest plausible invoice date (option --min-date)",
    "max_invoice_date": "latest plausible invoice date (option --max-date, default today)",
    "currencies": "currency codes of staging.stg_fx_rates plus the build's reporting currency (int_as_of_dates)",
    "as_of_date": "as_of_date of the build (intermediate.int_as_of_dates)",
    "as_of_month": "as_of_month of the build (intermediate.int_as_of_dates)",
}


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

    `relations` maps a source (a key of layout.SOURCES) to the relation validated for it; the key `*` means the
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


def param(name: str) -> dict[str, str]:
    assert name in PARAMETERS, name
    return {"$PARAMETER": name}


def sql_check(check: str, description: str, query: str) -> ExpectQueryToReturnNoRows:
    return ExpectQueryToReturnNoRows(
        check=check, description=description, unexpected_rows_query=" ".join(query.split())
    )


def in_set(column: str, values: tuple[str, ...]) -> gxe.ExpectColumnValuesToBeInSet:
    return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(values))


def not_null(*columns: str) -> list[Expectation]:
    return [gxe.ExpectColumnValuesToNotBeNull(column=column) for column in columns]
