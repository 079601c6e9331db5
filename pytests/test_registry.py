"""One registry: change a var default and a label in dbt_project.yml and every consumer follows.

The change is made where a user would make it, in a copy of the project: `value_tier_high_above` lowered
to 50000 and the value tier `medium` renamed `mid` under `vars: segments:` (plus the playbook row keyed
by that label). dbt (rule macros, accepted_segment_labels tests, the playbook's tier_rank, the migration
pivot analysis), the report and the bench pandas peer all pick both up with no other edit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from segmentation import PROJECT_DIR, report
from segmentation.dbt_runner import dbt_env, dbt_executable
from segmentation.registry import PROJECT_FILE_VARIABLE, Registry

COPIED = ("models", "macros", "seeds", "tests", "analyses")


@pytest.fixture(scope="module")
def changed_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("registry") / "project"
    root.mkdir()
    for folder in COPIED:
        shutil.copytree(PROJECT_DIR / folder, root / folder)
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    project["vars"]["value_tier_high_above"] = 50000
    labels = project["vars"]["segments"]["value_tier"]["labels"]
    labels[labels.index("medium")] = "mid"
    (root / "dbt_project.yml").write_text(yaml.safe_dump(project, sort_keys=False))
    playbook = root / "seeds" / "reference" / "segment_playbook.csv"
    playbook.write_text(playbook.read_text().replace("\nmedium,", "\nmid,"))
    return root


@pytest.fixture(scope="module")
def changed_build(changed_project: Path) -> Path:
    database = changed_project / "warehouse" / "changed.duckdb"
    database.parent.mkdir()
    env = dbt_env(database, changed_project)
    # The dbt unit tests pin the SPEC defaults and labels on purpose: they are not consumers of a change.
    for args in (["build", "--exclude-resource-type", "unit_test"], ["compile", "--select", "segment_migration_pivot"]):
        result = subprocess.run(
            [dbt_executable(), *args], cwd=changed_project, env=env, text=True, capture_output=True, check=False
        )
        assert result.returncode == 0, result.stdout[-6000:]
    return database


def test_dbt_models_and_tests_follow(changed_build: Path) -> None:
    with duckdb.connect(str(changed_build), read_only=True) as connection:
        tiers = {
            row[0]
            for row in connection.execute("select distinct value_tier from marts.fct_customer_snapshots").fetchall()
        }
        assert tiers == {"high", "mid", "low", "inactive"}
        wrong = connection.execute(
            "select count(*) from marts.fct_customer_snapshots"
            " where (t12m_revenue > 50000) != (value_tier = 'high')"
            " or (potential > 50000) != (potential_tier = 'high')"
        ).fetchone()
        assert wrong == (0,)
        between = connection.execute(
            "select count(*) from marts.fct_customer_snapshots where t12m_revenue > 50000 and t12m_revenue <= 100000"
        ).fetchone()
        assert between is not None and between[0] > 0  # the lowered default changed some tiers
        ranks = dict(connection.execute("select value_tier, tier_rank from marts.dim_segment_playbook").fetchall())
        assert ranks == {"high": 1, "mid": 2, "low": 3, "inactive": 4}
        segments = {
            row[0]
            for row in connection.execute(
                "select segment from marts.mart_segment_summary where segment_type = 'value_tier'"
            ).fetchall()
        }
        assert "medium" not in segments and "mid" in segments


def test_analysis_follows(changed_project: Path, changed_build: Path) -> None:
    compiled = next((changed_project / "target" / "compiled").rglob("segment_migration_pivot.sql")).read_text()
    assert "as to_mid" in compiled and "to_medium" not in compiled


def test_report_follows(changed_project: Path, changed_build: Path) -> None:
    registry = Registry.load(path=changed_project / "dbt_project.yml")
    data = report.collect(changed_build, registry)
    assert [row.segment for row in data.value_tiers] == ["high", "mid", "low", "inactive"]
    text = report.render(data, registry=registry)
    assert "| `mid` |" in text and "`medium`" not in text


def test_bench_pandas_peer_follows(changed_project: Path) -> None:
    code = (
        "from segmentation.bench import pandas_peer as p; import numpy as np;"
        "print(p.HIGH_ABOVE, p._tier(np.array([60000.0, 20000.0, 5.0, 0.0]), p.VALUE_TIERS).tolist())"
    )
    env = {**os.environ, PROJECT_FILE_VARIABLE: str(changed_project / "dbt_project.yml")}
    result = subprocess.run([sys.executable, "-c", code], env=env, text=True, capture_output=True, check=True)
    assert result.stdout.strip() == "50000.0 ['high', 'mid', 'low', 'inactive']"


def test_registry_matches_the_project_defaults() -> None:
    registry = Registry.load()
    assert registry.var("value_tier_high_above") == 100000
    assert registry.cell_matrix()["high"] == ("strategic_growth", "protect")
    assert registry.thresholds("value_tier") == ("value_tier_high_above", "value_tier_medium_from")
    with pytest.raises(KeyError, match="unknown var"):
        Registry.load({"value_tier_high": 1})
