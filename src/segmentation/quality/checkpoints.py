"""The Great Expectations checkpoints, configured at run time (nothing generated is committed).

An ephemeral GX context validates the evidence frames of `segmentation.quality.evidence` through GX's
pandas data source (`add_pandas` / `add_dataframe_asset`, the documented path for in-memory data: no
SQLAlchemy dialect, so none of duckdb-engine's gaps), one suite per frame, thresholds from the `quality_*`
vars of dbt_project.yml. Results go to the console (each failure names the file or table, the expectation
and sample rows) and to Data Docs under the output folder.

Checkpoints:
* `raw`: the raw transactions as they arrived, before dbt (or as a built warehouse read them);
* `comparison`: this build against the last published serving copy (skipped, and said so, without one).
"""

from __future__ import annotations

import logging
import os
import time
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from segmentation.duckdb_settings import configure
from segmentation.quality.evidence import (
    Evidence,
    EvidenceError,
    RawInput,
    comparison_evidence,
    raw_evidence,
    raw_input_in_warehouse,
    today,
)
from segmentation.registry import Registry

DATA_DOCS_SITE = "local_site"


@dataclass
class Failure:
    expectation: str
    observed: str
    sample: list[str] = field(default_factory=list)


@dataclass
class Verdict:
    """One validated frame: PASS / FAIL / SKIP (with the reason in `note`)."""

    checkpoint: str
    suite: str
    target: str
    status: str
    passed: int = 0
    total: int = 0
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("PASS", "SKIP")

    def lines(self) -> list[str]:
        head = f"{self.status:<4} {self.checkpoint}.{self.suite} ({self.target})"
        if self.status == "SKIP":
            return [f"{head}: {self.note}"]
        lines = [f"{head}: {self.passed}/{self.total} expectations, {self.seconds:.1f}s"]
        for failure in self.failures:
            lines.append(f"     x {failure.expectation}: {failure.observed}")
            lines += [f"         {sample}" for sample in failure.sample]
        return lines


@dataclass
class QualityRun:
    verdicts: list[Verdict]
    data_docs: Path | None

    @property
    def success(self) -> bool:
        return all(verdict.ok for verdict in self.verdicts)


def _expectations(evidence: Evidence, registry: Registry) -> list[Any]:
    import great_expectations.expectations as gxe

    var = registry.var
    between = gxe.ExpectColumnValuesToBeBetween
    if evidence.name == "columns":
        return [gxe.ExpectColumnValuesToBeInSet(column="present", value_set=[True])]
    if evidence.name == "summary":
        max_date = str(var("quality_max_invoice_date") or today().isoformat())
        return [
            between(column="rows", min_value=var("quality_min_raw_rows"), max_value=var("quality_max_raw_rows")),
            between(column="rejected_share", min_value=0, max_value=var("quality_max_rejected_share")),
            between(column="first_invoice_date", min_value=str(var("quality_min_invoice_date")), max_value=max_date),
            between(column="last_invoice_date", min_value=str(var("quality_min_invoice_date")), max_value=max_date),
        ]
    if evidence.name == "parsing":
        return [between(column="unparseable_share", min_value=0, max_value=var("quality_max_rejected_share"))]
    if evidence.name == "months":
        return [
            gxe.ExpectColumnValuesToBeInSet(column="present_now", value_set=[True]),
            between(column="rows_change", min_value=0, max_value=var("quality_max_month_rows_change")),
            between(column="revenue_change", min_value=0, max_value=var("quality_max_month_revenue_change")),
        ]
    if evidence.name == "account_history":
        return [between(column="changed_share", min_value=0, max_value=var("quality_max_changed_accounts_share"))]
    raise ValueError(f"no expectations for evidence {evidence.name!r}")


def _describe(result: Any, evidence: Evidence) -> Failure:
    config = result.expectation_config
    kwargs = dict(config.kwargs)
    bounds = ", ".join(f"{key}={kwargs[key]}" for key in ("value_set", "min_value", "max_value") if key in kwargs)
    name = f"{config.type}({kwargs.get('column')}; {bounds})"
    outcome = result.result or {}
    values = outcome.get("partial_unexpected_list") or outcome.get("unexpected_list") or []
    observed = (
        f"{outcome.get('unexpected_count', 0)} of {outcome.get('element_count', 0)} rows outside, e.g. {values[:3]}"
    )
    if result.exception_info and result.exception_info.get("raised_exception"):
        observed = f"error: {result.exception_info.get('exception_message')}"
    sample: list[str] = []
    if evidence.key is not None:
        for index in outcome.get("unexpected_index_list") or []:
            key = str(index.get(evidence.key) if isinstance(index, dict) else evidence.frame[evidence.key].iloc[index])
            sample += evidence.samples.get(key) or [f"{evidence.key}={key}"]
    else:
        sample = list(evidence.samples.get("0", []))
    return Failure(name, observed, sample[:12])


class _Runner:
    """An ephemeral GX context with a pandas data source and a Data Docs site under `output_dir`."""

    def __init__(self, output_dir: Path | None) -> None:
        import great_expectations as gx

        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        logging.getLogger("great_expectations").setLevel(logging.CRITICAL)
        warnings.filterwarnings("ignore", module="great_expectations")
        self.gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = {"globally": False, "metric_calculations": False}
        self.data_docs = None
        if output_dir is not None:
            site = (output_dir / "data_docs" / DATA_DOCS_SITE).resolve()
            for existing in list(self.context.list_data_docs_sites()):
                self.context.delete_data_docs_site(existing)
            self.context.add_data_docs_site(
                DATA_DOCS_SITE,
                {
                    "class_name": "SiteBuilder",
                    "show_how_to_buttons": False,
                    "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(site)},
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                },
            )
            self.data_docs = site / "index.html"
        self.source = self.context.data_sources.add_pandas("evidence")

    def validate(self, checkpoint: str, evidence: Evidence, registry: Registry) -> Verdict:
        started = time.monotonic()
        name = f"{checkpoint}.{evidence.name}"
        asset = self.source.add_dataframe_asset(name)
        batch = asset.add_batch_definition_whole_dataframe("whole_frame")
        suite = self.context.suites.add(
            self.gx.ExpectationSuite(
                name=name, expectations=_expectations(evidence, registry), meta={"target": evidence.target}
            )
        )
        definition = self.context.validation_definitions.add(
            self.gx.ValidationDefinition(name=name, data=batch, suite=suite)
        )
        result_format: dict[str, Any] = {"result_format": "COMPLETE"}
        if evidence.key is not None:
            result_format["unexpected_index_column_names"] = [evidence.key]
        outcome = definition.run(batch_parameters={"dataframe": evidence.frame}, result_format=result_format)
        results = list(outcome.results)
        failures = [_describe(result, evidence) for result in results if not result.success]
        status = "PASS" if not failures else "FAIL"
        return Verdict(
            checkpoint,
            evidence.name,
            evidence.target,
            status,
            len(results) - len(failures),
            len(results),
            time.monotonic() - started,
            failures,
        )

    def finish(self) -> Path | None:
        if self.data_docs is None:
            return None
        self.context.build_data_docs()
        return self.data_docs


def _validate_all(runner: _Runner, checkpoint: str, evidence: Iterable[Evidence], registry: Registry) -> list[Verdict]:
    return [runner.validate(checkpoint, item, registry) for item in evidence]


def check_raw(raw: RawInput, registry: Registry | None = None, output_dir: Path | None = None) -> QualityRun:
    """The `raw` checkpoint on raw input that has not been loaded yet (before `dbt build`)."""
    registry = registry or Registry.load()
    runner = _Runner(output_dir)
    with configure(duckdb.connect()) as connection:
        verdicts = _validate_all(runner, "raw", raw_evidence(connection, raw), registry)
    return QualityRun(verdicts, runner.finish())


def check_warehouse(
    database: Path,
    baseline: Path | None = None,
    registry: Registry | None = None,
    output_dir: Path | None = None,
) -> QualityRun:
    """The `raw` checkpoint on the raw relation a built warehouse read, then the `comparison` checkpoint
    against `baseline` (the last published serving copy), skipped when there is none.

    Both files are opened read-only. Raises EvidenceError when a file cannot be read or is not built.
    """
    registry = registry or Registry.load()
    if not database.is_file():
        raise EvidenceError(f"no warehouse at {database}: run `dbt build` first")
    runner = _Runner(output_dir)
    try:
        connection = configure(duckdb.connect(str(database), read_only=True))
    except duckdb.Error as error:
        raise EvidenceError(f"cannot open {database} read-only: {str(error).splitlines()[0]}") from error
    with connection:
        verdicts = _validate_all(runner, "raw", raw_evidence(connection, raw_input_in_warehouse(connection)), registry)
        current = connection.execute("select current_database()").fetchone()[0]  # type: ignore[index]
        if baseline is None:
            note = "no baseline given (--baseline: the last published serving copy); nothing to compare with"
            verdicts.append(Verdict("comparison", "months", str(database), "SKIP", note=note))
        elif not baseline.is_file():
            note = f"no published copy at {baseline} yet (first publish); nothing to compare with"
            verdicts.append(Verdict("comparison", "months", str(database), "SKIP", note=note))
        else:
            path = str(baseline.resolve()).replace("'", "''")
            try:
                connection.execute(f"attach '{path}' as published_baseline (read_only)")
            except duckdb.Error as error:
                raise EvidenceError(
                    f"cannot open the baseline {baseline} read-only: {str(error).splitlines()[0]}"
                ) from error
            evidence = comparison_evidence(connection, current, "published_baseline", str(baseline), registry)
            verdicts += _validate_all(runner, "comparison", evidence, registry)
    return QualityRun(verdicts, runner.finish())
