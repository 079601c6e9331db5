"""Run the checkpoints of `gx/` against a warehouse, layer by layer, and collect one verdict per suite.

Everything heavy runs inside DuckDB: GX turns each expectation into SQL aggregates over the relation and
fetches counts plus a few sample rows (at most `partial_unexpected_count` values / keys for a column
expectation, 200 rows for a SQL check, of which `SAMPLE_ROWS` are kept), so the Python side does not grow
with the number of rows.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from segmentation.quality.gx_project import DATA_DOCS_SITE, load_context
from segmentation.quality.layout import GX_DIR, SOURCES
from segmentation.quality.suites import LAYERS, SUITES, SuiteSpec
from segmentation.quality.verdicts import SuiteVerdict, verdict_from_result

#: Schemas of the warehouse (dbt_project.yml).
SCHEMAS: tuple[str, ...] = ("raw", "staging", "audit", "intermediate", "marts")
#: Relations that must exist before anything runs (the warehouse was built by `dbt build`).
BUILT_MARKERS: tuple[str, ...] = ("staging.stg_transactions_validated", "staging.stg_transactions")


class QualityError(Exception):
    """The warehouse cannot be checked at all (missing file, not built, unknown source)."""


@dataclass(frozen=True)
class Options:
    """Knobs of a run; the defaults are the ones of `segmentation quality`."""

    source: str = "auto"
    min_raw_rows: int = 1
    max_raw_rows: int = 100_000_000
    raw_format_share: float = 0.99
    min_date: str = "1990-01-01"
    max_date: str | None = None  # default: today
    reporting_currency: str | None = None  # default: the build's, from intermediate.int_as_of_dates
    keep_going: bool = False


@dataclass
class QualityRun:
    database: Path
    source: str
    verdicts: list[SuiteVerdict]
    data_docs: Path | None

    @property
    def success(self) -> bool:
        return all(verdict.ok for verdict in self.verdicts)


# --- the warehouse before GX ------------------------------------------------------------------------


def existing_relations(connection: duckdb.DuckDBPyConnection) -> set[str]:
    rows = connection.execute("select table_schema || '.' || table_name from information_schema.tables").fetchall()
    return {row[0] for row in rows}


def detect_source(connection: duckdb.DuckDBPyConnection, relations: set[str]) -> str:
    """Where the last build read its raw transactions: `seed`, `files` or `online_retail` (see SOURCES).

    Staging keeps each row's `source_file`: `seed:raw_transactions` for the demo seeds, the var
    `online_retail_path` for the UCI file (as its adapter view also reports it), else a raw_data_path file.
    """
    row = connection.execute("select source_file from staging.stg_transactions_validated limit 1").fetchone()
    if row is None:
        raise QualityError(
            "the warehouse has no raw transaction rows: pass --source to say which input it was built from"
        )
    source_file = row[0]
    if source_file == "seed:raw_transactions":
        return "seed"
    online_retail = SOURCES["online_retail"]
    if online_retail in relations:
        adapter = connection.execute(f"select source_file from {online_retail} limit 1").fetchone()
        if adapter is not None and adapter[0] == source_file:
            return "online_retail"
    return "files"


def suite_parameters(connection: duckdb.DuckDBPyConnection, relations: set[str], options: Options) -> dict[str, Any]:
    """Values of the suite parameters (suites.PARAMETERS) for this warehouse and these options."""
    as_of_date = as_of_month = None
    reporting_currency = options.reporting_currency
    if "intermediate.int_as_of_dates" in relations:
        row = connection.execute(
            "select as_of_date, as_of_month, reporting_currency from intermediate.int_as_of_dates"
        ).fetchone()
        if row is not None:
            as_of_date, as_of_month = row[0], row[1]
            reporting_currency = reporting_currency or row[2]
    currencies = {(reporting_currency or "USD").strip().upper()}
    if "staging.stg_fx_rates" in relations:
        rows = connection.execute("select distinct currency from staging.stg_fx_rates").fetchall()
        currencies |= {row[0] for row in rows}
    return {
        "raw_rows_min": options.min_raw_rows,
        "raw_rows_max": options.max_raw_rows,
        "raw_format_share": options.raw_format_share,
        "min_invoice_date": options.min_date,
        "max_invoice_date": options.max_date or dt.date.today().isoformat(),
        "currencies": sorted(currencies),
        "as_of_date": as_of_date.isoformat() if as_of_date else None,
        "as_of_month": as_of_month.isoformat() if as_of_month else None,
    }


# --- the run -------------------------------------------------------------------------------------


def _run_suite(
    context: Any, spec: SuiteSpec, source: str, parameters: Mapping[str, Any], run_id: Any, stored: list[Any]
) -> SuiteVerdict:
    """Run the suite's checkpoint; appends the keys of its stored validation results to `stored`."""
    relation = spec.relation_for(source)
    started = time.monotonic()
    checkpoint = context.checkpoints.get(spec.checkpoint_for(source))
    outcome = checkpoint.run(expectation_parameters=dict(parameters), run_id=run_id)
    stored += list(outcome.run_results)
    results = [result for suite_result in outcome.run_results.values() for result in suite_result.results]
    return verdict_from_result(spec, relation, results, time.monotonic() - started)


def _close(context: Any) -> None:
    """Release the warehouse file: close GX's connections and dispose of its engines."""
    for datasource in context.data_sources.all().values():
        execution_engine = getattr(datasource, "_execution_engine", None)
        if execution_engine is not None and hasattr(execution_engine, "close"):
            execution_engine.close()
        engine = getattr(datasource, "_engine", None)
        if engine is not None:
            engine.dispose()


def run_quality(
    database: Path,
    output_dir: Path,
    options: Options | None = None,
    suites: Iterable[SuiteSpec] = SUITES,
    gx_dir: Path = GX_DIR,
) -> QualityRun:
    """Run every suite's checkpoint against `database` (read-only), raw -> staging -> marts.

    After a layer with a failing suite the later layers are skipped (their inputs are suspect), unless
    `options.keep_going`.
    """
    options = options or Options()
    if not database.is_file():
        raise QualityError(f"no warehouse at {database}: run `dbt build` (or `make build`) first")
    if database.stem in SCHEMAS:
        # DuckDB names the attached database after the file, and `raw.x` would then be ambiguous.
        raise QualityError(f"{database}: a warehouse file cannot be named after a schema ({', '.join(SCHEMAS)})")
    try:
        connection = duckdb.connect(str(database), read_only=True)
    except duckdb.Error as error:
        raise QualityError(f"cannot open {database} read-only: {error}") from error
    try:
        relations = existing_relations(connection)
        missing = [name for name in BUILT_MARKERS if name not in relations]
        if missing:
            raise QualityError(f"{database} is not a built warehouse (no {', '.join(missing)}): run `dbt build` first")
        source = detect_source(connection, relations) if options.source == "auto" else options.source
        if source not in SOURCES:
            raise QualityError(f"unknown source {source!r}: one of {', '.join(SOURCES)}")
        parameters = suite_parameters(connection, relations, options)
    finally:
        connection.close()

    context = load_context(database, output_dir, gx_dir)
    from great_expectations.core.run_identifier import RunIdentifier

    # One run id for every checkpoint of this run, so Data Docs list them together.
    run_id = RunIdentifier(run_name=f"{database.name} ({source})", run_time=dt.datetime.now(dt.UTC))
    verdicts: list[SuiteVerdict] = []
    stored: list[Any] = []
    failed_layer: str | None = None
    try:
        for layer in LAYERS:
            for spec in (spec for spec in suites if spec.layer == layer):
                relation = spec.relation_for(source)
                if failed_layer is not None:
                    verdicts.append(SuiteVerdict(spec.name, relation, "SKIP", note=f"{failed_layer} failed"))
                elif relation not in relations:
                    verdicts.append(
                        SuiteVerdict(spec.name, relation, "ERROR", note=f"{relation} is not in the warehouse")
                    )
                else:
                    try:
                        verdicts.append(_run_suite(context, spec, source, parameters, run_id, stored))
                    except Exception as error:  # a checkpoint that cannot run is a failed gate, not a crash
                        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
                        verdicts.append(SuiteVerdict(spec.name, relation, "ERROR", note=f"could not run: {message}"))
            if failed_layer is None and not options.keep_going and not all(v.ok for v in verdicts):
                failed_layer = layer
    finally:
        _close(context)
    index = None
    if stored:
        # This run's pages plus the index of every stored run.
        context.build_data_docs(site_names=[DATA_DOCS_SITE], resource_identifiers=stored)
        index = output_dir / "data_docs" / DATA_DOCS_SITE / "index.html"
    return QualityRun(database, source, verdicts, index)
