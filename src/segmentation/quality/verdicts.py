"""Verdicts: what a checkpoint's results say, per suite, and how the console shows them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from segmentation.quality.gx_project import expectation_id
from segmentation.quality.suites import SuiteSpec


@dataclass
class Failure:
    """One failing expectation: its name, what GX observed and a sample of failing values / keys / rows."""

    expectation: str
    observed: str
    sample: list[str] = field(default_factory=list)


@dataclass
class SuiteVerdict:
    suite: str
    relation: str
    status: str  # PASS, FAIL, ERROR (could not run) or SKIP (an earlier layer failed)
    passed: int = 0
    total: int = 0
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "PASS"


def expectation_name(config: Any) -> str:
    """`monthly_bridge_identity` for a SQL check, else the expectation type and its column(s)."""
    kwargs = dict(config.kwargs)
    if kwargs.get("check"):
        return str(kwargs["check"])
    target = kwargs.get("column") or ", ".join(kwargs.get("column_list") or [])
    return f"{config.type}({target})" if target else str(config.type)


def _value(value: Any) -> str:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    text = str(value) if value is None or not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _row(mapping: Mapping[str, Any]) -> str:
    return " ".join(f"{key}={_value(value)}" for key, value in mapping.items())


def _exception_message(exception_info: Any) -> str | None:
    if not exception_info:
        return None
    infos = [exception_info] if "raised_exception" in exception_info else list(exception_info.values())
    for info in infos:
        if isinstance(info, Mapping) and info.get("raised_exception"):
            message = str(info.get("exception_message") or "").strip().splitlines()
            return message[0] if message else "exception while computing the expectation"
    return None


def describe_failure(result: Any) -> Failure:
    """What a failing ExpectationValidationResult says, in a few lines."""
    config = result.expectation_config
    kwargs = dict(config.kwargs)
    outcome: Mapping[str, Any] = result.result or {}
    name = expectation_name(config)
    error = _exception_message(result.exception_info)
    if error:
        return Failure(name, f"error: {error}")
    if "unexpected_count" in outcome:
        mostly = kwargs.get("mostly")
        observed = (
            f"{outcome['unexpected_count']:,} of {outcome.get('element_count', 0):,} rows unexpected"
            f" ({outcome.get('unexpected_percent') or 0:.3g} % of non-null values"
            + (f", allowed {(1 - float(mostly)) * 100:.3g} %)" if mostly is not None else ")")
        )
        sample = []
        if outcome.get("partial_unexpected_list"):
            values = ", ".join(_value(value) for value in outcome["partial_unexpected_list"][:5])
            sample.append(f"values: {values}")
        sample += [f"key: {_row(keys)}" for keys in (outcome.get("partial_unexpected_index_list") or [])[:5]]
        return Failure(name, observed, sample)
    details = outcome.get("details") or {}
    if "unexpected_rows" in details:
        count = outcome.get("observed_value", 0)
        rows = details["unexpected_rows"]
        return Failure(name, f"{count:,} failing row{'s' if count != 1 else ''}", [_row(row) for row in rows])
    mismatched = details.get("mismatched")
    if isinstance(mismatched, Mapping):
        missing = mismatched.get("missing") or []
        return Failure(name, f"missing columns: {', '.join(missing)}; found: {', '.join(outcome['observed_value'])}")
    if "observed_value" in outcome:
        bounds = {key: kwargs[key] for key in ("min_value", "max_value") if kwargs.get(key) is not None}
        expected = f" (expected {_row(bounds)})" if bounds else ""
        return Failure(name, f"observed {_value(outcome['observed_value'])}{expected}")
    return Failure(name, "failed")


def verdict_from_result(spec: SuiteSpec, relation: str, results: Iterable[Any], seconds: float) -> SuiteVerdict:
    # In the order of the suite (GX returns them grouped by the metrics they share); the stored
    # expectations carry ids derived from their position (gx_project.expectation_id).
    position = {expectation_id(spec.name, index): index for index in range(len(spec.expectations))}
    results = sorted(results, key=lambda result: position.get(result.expectation_config.id, len(position)))
    failing = [result for result in results if not result.success]
    return SuiteVerdict(
        suite=spec.name,
        relation=relation,
        status="FAIL" if failing else "PASS",
        passed=len(results) - len(failing),
        total=len(results),
        seconds=seconds,
        failures=[describe_failure(result) for result in failing],
    )


def verdict_lines(verdict: SuiteVerdict) -> list[str]:
    """`PASS raw.transactions  6/6 expectations  0.4s`, plus the failures under a FAIL."""
    head = f"{verdict.status} {verdict.suite:<29}"
    if verdict.status in ("PASS", "FAIL"):
        head += f" {verdict.passed:>2}/{verdict.total:<2} expectations  {verdict.seconds:.1f}s  ({verdict.relation})"
    else:
        head += f" {verdict.note}"
    lines = [head]
    for failure in verdict.failures:
        lines.append(f"     failed: {failure.expectation}: {failure.observed}")
        lines += [f"       {line}" for line in failure.sample]
    return lines
