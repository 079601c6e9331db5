"""The segment registry and var defaults, read from `dbt_project.yml` (the one place they are written).

dbt reads the same `vars:` block: var defaults (validated by `macros/config/seg_var.sql`) and, under
`segments:`, each classification's labels in their order and the names of the vars holding its thresholds.
The Python tools (quality checks, report, bench pandas peer, generator) read them here instead of writing
them again. `pytests/reference_impl.py` does not, on purpose: it is the independent cross-check.

    registry = Registry.load()                        # the project's defaults
    registry = Registry.load({"value_tier_high_above": 50_000})   # as `dbt build --vars '{...}'` would
    registry.labels("value_tier")                     # ('high', 'medium', 'low', 'inactive')
    registry.var("pareto_cuts")                       # [0.8, 0.95, 0.99]
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from segmentation import PROJECT_DIR

#: Environment variable naming another dbt_project.yml to read (tests use it on a changed copy).
PROJECT_FILE_VARIABLE = "SEGMENTATION_PROJECT_FILE"


def project_file() -> Path:
    return Path(os.environ.get(PROJECT_FILE_VARIABLE) or PROJECT_DIR / "dbt_project.yml")


@lru_cache(maxsize=8)
def _project_vars(path: Path, mtime: float) -> dict[str, Any]:
    document = yaml.safe_load(path.read_text())
    return dict(document.get("vars") or {})


def project_vars(path: Path | None = None) -> dict[str, Any]:
    """The `vars:` block of dbt_project.yml (defaults)."""
    path = path or project_file()
    return dict(_project_vars(path, path.stat().st_mtime))


@dataclass(frozen=True)
class Registry:
    """Var values (defaults overlaid with overrides, like dbt's --vars) and the segment registry."""

    vars: Mapping[str, Any]

    @classmethod
    def load(cls, overrides: Mapping[str, Any] | None = None, path: Path | None = None) -> Registry:
        merged = project_vars(path)
        for name in overrides or {}:
            if name not in merged:
                raise KeyError(f"unknown var {name!r}: not declared under vars: in {path or project_file()}")
        merged.update(overrides or {})
        return cls(merged)

    def var(self, name: str) -> Any:
        if name not in self.vars:
            raise KeyError(f"unknown var {name!r}: declare it under vars: in dbt_project.yml")
        return self.vars[name]

    def decimal(self, name: str) -> Decimal:
        """A numeric var as an exact Decimal (from its text, so 0.95 stays 0.95)."""
        return Decimal(str(self.var(name)))

    @property
    def classifications(self) -> tuple[str, ...]:
        return tuple(self.var("segments"))

    def labels(self, classification: str) -> tuple[str, ...]:
        """The labels of `classification`, in registry order."""
        segments = self.var("segments")
        if classification not in segments:
            raise KeyError(f"segment registry: no classification {classification!r} (known: {sorted(segments)})")
        return tuple(segments[classification]["labels"])

    def thresholds(self, classification: str) -> tuple[str, ...]:
        """Names of the vars holding the thresholds of `classification`."""
        return tuple(self.var("segments")[classification].get("thresholds", ()))

    def cell_matrix(self) -> dict[str, tuple[str, str]]:
        """value tier -> (cell when the potential tier is one of the first two, cell otherwise) (SPEC §5)."""
        cells = self.labels("value_potential_cell")
        return {tier: (cells[2 * i], cells[2 * i + 1]) for i, tier in enumerate(self.labels("value_tier"))}

    def growth_potential_tiers(self) -> tuple[str, ...]:
        """The potential tiers that count as growth potential in the value x potential matrix (high, medium)."""
        return self.labels("potential_tier")[:2]


def default() -> Registry:
    """The registry with the project's defaults."""
    return Registry.load()
