"""dbt docs: `dbt docs generate` works on the demo warehouse, every mart column is documented, exposures declared."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import Build

MARTS = "models/marts/"


@pytest.fixture(scope="module")
def docs(demo_build: Build) -> dict[str, Any]:
    result = demo_build.dbt("docs", "generate")
    assert result.returncode == 0
    target = demo_build.work_dir / "target"
    return {
        "catalog": json.loads((target / "catalog.json").read_text()),
        "manifest": json.loads((target / "manifest.json").read_text()),
        "index": target / "index.html",
    }


def mart_models(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        unique_id: node
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["original_file_path"].startswith(MARTS)
    }


def test_docs_generate_writes_catalog_with_the_marts(docs: dict[str, Any]) -> None:
    models = mart_models(docs["manifest"])
    names = {node["name"] for node in models.values()}
    assert {"fct_transactions", "dim_customers", "mart_monthly_revenue", "dim_segment_playbook"} <= names
    assert set(models) <= set(docs["catalog"]["nodes"])
    for unique_id in models:
        assert docs["catalog"]["nodes"][unique_id]["metadata"]["schema"] == "marts"
        assert docs["catalog"]["nodes"][unique_id]["columns"]
    assert isinstance(docs["index"], Path) and docs["index"].exists()


def test_every_mart_and_column_is_described_with_its_spec_section(docs: dict[str, Any]) -> None:
    problems = []
    for unique_id, node in mart_models(docs["manifest"]).items():
        if "SPEC §" not in node["description"]:
            problems.append(f"{node['name']}: model description names no SPEC section")
        documented = node["columns"]
        for column in docs["catalog"]["nodes"][unique_id]["columns"]:
            description = documented.get(column.lower(), {}).get("description", "")
            if not description:
                problems.append(f"{node['name']}.{column}: no description")
            elif "SPEC §" not in description:
                problems.append(f"{node['name']}.{column}: description names no SPEC section")
    assert problems == []


def test_exposures_declare_the_bi_consumers(docs: dict[str, Any]) -> None:
    manifest = docs["manifest"]
    exposures = {node["name"]: node for node in manifest["exposures"].values()}
    assert set(exposures) >= {"revenue_segmentation_dashboard", "bi_workbook"}
    marts = mart_models(manifest)
    for exposure in exposures.values():
        assert exposure["owner"]["name"] or exposure["owner"]["email"]
        assert exposure["type"] in {"dashboard", "analysis", "notebook", "application", "ml"}
        assert exposure["maturity"] in {"low", "medium", "high"}
        assert len(exposure["description"]) > 100
        nodes = exposure["depends_on"]["nodes"]
        assert nodes, exposure["name"]
        # BI consumers read the marts (and metrics built on them), never staging or intermediate models
        assert all(node in marts for node in nodes if node.startswith("model.")), exposure["name"]
    dashboard = exposures["revenue_segmentation_dashboard"]
    assert {"metric.segmentation.arpa", "metric.segmentation.nrr"} <= set(dashboard["depends_on"]["nodes"])
    read = {marts[node]["name"] for node in dashboard["depends_on"]["nodes"] if node in marts}
    assert {"mart_monthly_revenue", "mart_segment_summary", "mart_cohort_retention", "mart_segment_migration"} <= read
