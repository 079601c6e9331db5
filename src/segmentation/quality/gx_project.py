"""The Great Expectations file context in `gx/`: write it from `suites/`, load it to run the checkpoints.

`gx/` holds, under version control:

* `great_expectations.yml`: the data source `warehouse` (type `duckdb`, see `duckdb_datasource.py`) with one
  table asset per validated relation, and the stores. The database file and the output folder are
  config variables, set by `segmentation quality` from its options (environment variables
  `SEGMENTATION_QUALITY_DATABASE` and `SEGMENTATION_QUALITY_OUTPUT`).
* `expectations/<layer>/<name>.json`: the suites.
* `validation_definitions/<checkpoint>.json` and `checkpoints/<checkpoint>.json`: one validation definition
  and one checkpoint per suite and relation; a checkpoint's result format names the relation's key
  columns, so failures come with sample keys, and its action updates the Data Docs.

Generated output (validation results, Data Docs) goes to the output folder, by default `gx/uncommitted/`
(git-ignored). The files are written with stable ids (uuid5 of their names), so rewriting `gx/` from
unchanged suites changes nothing.
"""

from __future__ import annotations

import json
import os
import uuid
import warnings
from pathlib import Path
from typing import Any

import great_expectations as gx
import yaml

from segmentation.quality.layout import GX_DIR
from segmentation.quality.suites import SUITES, SuiteSpec

DATASOURCE = "warehouse"
BATCH_DEFINITION = "whole_table"
DATABASE_VARIABLE = "SEGMENTATION_QUALITY_DATABASE"
OUTPUT_VARIABLE = "SEGMENTATION_QUALITY_OUTPUT"
DATA_DOCS_SITE = "local_site"
_NAMESPACE = uuid.UUID("0b6a1f8e-3c52-4d55-9a3e-6f1d2c7b8e90")

_HEADER = """\
# Great Expectations file context of the revenue-segmentation project (GX 1.x).
# GENERATED from src/segmentation/quality/suites/ by `segmentation quality --write-gx`: edit the suites
# there, not the files in gx/. Run the checkpoints with `make quality` / `segmentation quality --database PATH`,
# which sets the two config variables below:
#   SEGMENTATION_QUALITY_DATABASE  the DuckDB warehouse, opened read-only
#   SEGMENTATION_QUALITY_OUTPUT    where validation results and Data Docs go (default gx/uncommitted, git-ignored)
# The data source type `duckdb` is registered by segmentation.quality.duckdb_datasource (import it first).
"""


def stable_id(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def expectation_id(suite: str, position: int) -> str:
    """Id of the suite's expectation at `position` (0-based) in gx/expectations/."""
    return stable_id("expectation", suite, str(position))


def _relations() -> list[str]:
    seen: dict[str, None] = {}
    for spec in SUITES:
        for relation in spec.checkpoints().values():
            seen.setdefault(relation, None)
    return list(seen)


def project_config() -> dict[str, Any]:
    """great_expectations.yml as a mapping."""

    def store(class_name: str, base_directory: str, **extra: Any) -> dict[str, Any]:
        backend = {"class_name": "TupleFilesystemStoreBackend", "base_directory": base_directory, **extra}
        return {"class_name": class_name, "store_backend": backend}

    assets = {}
    for relation in _relations():
        schema, table = relation.split(".")
        assets[relation] = {
            "type": "table",
            "id": stable_id("asset", relation),
            "batch_metadata": {},
            "batch_definitions": {
                BATCH_DEFINITION: {"id": stable_id("batch_definition", relation), "partitioner": None}
            },
            "table_name": table,
            "schema_name": schema,
        }
    return {
        "config_version": 4,
        "analytics_enabled": False,
        "data_context_id": stable_id("data_context"),
        "progress_bars": {"globally": False, "metric_calculations": False},
        "stores": {
            "expectations_store": store("ExpectationsStore", "expectations/", suppress_store_backend_id=True),
            "validation_results_store": store("ValidationResultsStore", f"${{{OUTPUT_VARIABLE}}}/validations/"),
            "checkpoint_store": store("CheckpointStore", "checkpoints/", suppress_store_backend_id=True),
            "validation_definition_store": store(
                "ValidationDefinitionStore", "validation_definitions/", suppress_store_backend_id=True
            ),
        },
        "expectations_store_name": "expectations_store",
        "validation_results_store_name": "validation_results_store",
        "checkpoint_store_name": "checkpoint_store",
        "data_docs_sites": {
            DATA_DOCS_SITE: {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": f"${{{OUTPUT_VARIABLE}}}/data_docs/{DATA_DOCS_SITE}/",
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
        "fluent_datasources": {
            DATASOURCE: {
                "type": "duckdb",
                "id": stable_id("datasource", DATASOURCE),
                "connection_string": f"duckdb:///${{{DATABASE_VARIABLE}}}",
                "create_temp_table": False,
                "kwargs": {"connect_args": {"read_only": True}},
                "assets": assets,
            }
        },
    }


def suite_document(spec: SuiteSpec) -> dict[str, Any]:
    suite = gx.ExpectationSuite(
        name=spec.name,
        expectations=[expectation.copy() for expectation in spec.expectations],
        id=stable_id("suite", spec.name),
        meta={"layer": spec.layer, "key_columns": list(spec.keys)},
    )
    document = suite.to_json_dict()
    for position, expectation in enumerate(document["expectations"]):
        expectation["id"] = expectation_id(spec.name, position)
    return document


def validation_definition_document(spec: SuiteSpec, checkpoint: str, relation: str) -> dict[str, Any]:
    return {
        "data": {
            "asset": {"id": stable_id("asset", relation), "name": relation},
            "batch_definition": {"id": stable_id("batch_definition", relation), "name": BATCH_DEFINITION},
            "datasource": {"id": stable_id("datasource", DATASOURCE), "name": DATASOURCE},
        },
        "id": stable_id("validation_definition", checkpoint),
        "name": checkpoint,
        "suite": {"id": stable_id("suite", spec.name), "name": spec.name},
    }


def checkpoint_document(spec: SuiteSpec, checkpoint: str) -> dict[str, Any]:
    result_format: dict[str, Any] = {"result_format": "SUMMARY", "partial_unexpected_count": 5}
    if spec.keys:
        result_format["unexpected_index_column_names"] = list(spec.keys)
    return {
        # No UpdateDataDocsAction: rendering the site costs more than validating the demo data, so
        # `segmentation quality` builds the Data Docs once, after the last checkpoint.
        "actions": [],
        "id": stable_id("checkpoint", checkpoint),
        "name": checkpoint,
        "result_format": result_format,
        "validation_definitions": [{"id": stable_id("validation_definition", checkpoint), "name": checkpoint}],
    }


def project_files() -> dict[str, str]:
    """Relative path under gx/ -> file content, for every file `write_project` writes."""

    def as_json(document: dict[str, Any]) -> str:
        return json.dumps(document, indent=2, sort_keys=True, default=str) + "\n"

    files = {
        "great_expectations.yml": _HEADER + yaml.safe_dump(project_config(), sort_keys=False, width=120),
        ".gitignore": "uncommitted/\n",
    }
    for spec in SUITES:
        layer, name = spec.name.split(".", 1)
        files[f"expectations/{layer}/{name}.json"] = as_json(suite_document(spec))
        for checkpoint, relation in spec.checkpoints().items():
            files[f"validation_definitions/{checkpoint}.json"] = as_json(
                validation_definition_document(spec, checkpoint, relation)
            )
            files[f"checkpoints/{checkpoint}.json"] = as_json(checkpoint_document(spec, checkpoint))
    return files


def write_project(gx_dir: Path = GX_DIR) -> list[Path]:
    """Rewrite the committed part of the file context from suites/; returns the files written."""
    written = []
    for folder in ("expectations", "validation_definitions", "checkpoints"):
        for stale in (gx_dir / folder).rglob("*.json") if (gx_dir / folder).exists() else []:
            stale.unlink()
    for relative, content in project_files().items():
        path = gx_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
        written.append(path)
    return written


def load_context(database: Path, output_dir: Path, gx_dir: Path = GX_DIR) -> Any:
    """The file context in `gx_dir`, validating `database` and writing results and Data Docs to `output_dir`."""
    # Registers the `duckdb` data source type and the custom expectations the suites use.
    import segmentation.quality.duckdb_datasource
    import segmentation.quality.expectations  # noqa: F401

    # Table assets name their schema (`schema_name`), which GX 1.24 deprecates in favour of one schema per
    # data source; the warehouse spans five schemas, so the assets keep it.
    warnings.filterwarnings("ignore", message="`schema_name` is deprecated", category=DeprecationWarning)
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ[DATABASE_VARIABLE] = str(database.resolve())
    os.environ[OUTPUT_VARIABLE] = str(output_dir.resolve())
    return gx.get_context(mode="file", project_root_dir=str(gx_dir.parent))
