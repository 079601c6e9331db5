"""Bad input on the Spark target that needs no cluster: clear errors, no Java stack trace."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from segmentation.dbt_runner import run_dbt, selected_target


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the probe is closed


def test_no_cluster_running_names_the_target_and_the_command(tmp_path: Path) -> None:
    env = {"SPARK_MASTER_URL": f"spark://127.0.0.1:{free_port()}", "DBT_TARGET": "spark"}
    with pytest.raises(RuntimeError) as error:
        run_dbt(["build"], tmp_path / "unused.duckdb", work_dir=tmp_path, extra_env=env)
    message = str(error.value)
    assert "target spark" in message and "make spark-up" in message, message
    assert "Traceback" not in message and "py4j" not in message, message


def test_target_from_flag_or_environment() -> None:
    assert selected_target(["build", "--target", "spark"], {}) == "spark"
    assert selected_target(["build", "-t", "postgres"], {"DBT_TARGET": "spark"}) == "postgres"
    assert selected_target(["build", "--target=spark"], {}) == "spark"
    assert selected_target(["build"], {"DBT_TARGET": "spark"}) == "spark"
    assert selected_target(["build"], {}) == "duckdb"
