"""Vars: defaults in dbt_project.yml, validated in one place (macros/config/seg_var.sql); a bad value names the var."""

from __future__ import annotations

from pathlib import Path

import pytest

from segmentation.dbt_runner import run_dbt


@pytest.mark.parametrize(
    ("dbt_vars", "message"),
    [
        ({"as_of_date": "2024-02-30"}, "Invalid value for var 'as_of_date'"),
        ({"as_of_date": "last month"}, "Invalid value for var 'as_of_date'"),
        ({"pareto_cuts": [0.9, 0.8, 0.99]}, "Invalid value for var 'pareto_cuts'"),
        ({"pareto_cuts": [0.8, 0.95, 1.2]}, "Invalid value for var 'pareto_cuts'"),
        ({"penetration_grain": "sku"}, "Invalid value for var 'penetration_grain'"),
        ({"peer_group_columns": ["industry", "revenue"]}, "Invalid value for var 'peer_group_columns'"),
        ({"potential_quantile": 1.5}, "Invalid value for var 'potential_quantile'"),
        ({"min_peer_group_size": 0}, "Invalid value for var 'min_peer_group_size'"),
        ({"value_tier_medium_from": 200000}, "Invalid value for var 'value_tier_"),
        ({"reporting_currency": "dollars"}, "Invalid value for var 'reporting_currency'"),
        ({"source": "salesforce"}, "Invalid value for var 'source'"),
    ],
)
def test_bad_var_stops_the_run_naming_it(tmp_path: Path, dbt_vars: dict, message: str) -> None:
    result = run_dbt(["parse", "--no-partial-parse"], tmp_path / "wh.duckdb", dbt_vars, work_dir=tmp_path, check=False)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr
