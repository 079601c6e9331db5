"""`segmentation publish`: the serving copy holds every BI mart as built, opens in DuckDB 1.4, and a build
that did not pass (or is not the build of the warehouse) is refused with the serving copy untouched."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import Build
from segmentation import PROJECT_DIR
from segmentation.serving import PUBLISHED_TABLES, SERVING_FILE, STORAGE_VERSION
from segmentation.serving.publish import PublishError, PublishOptions, git_commit, publish
from serving_reader import folder_digest


def run_results_of(build: Build) -> Path:
    return build.work_dir / "target" / "run_results.json"


@pytest.fixture
def serving_copy(demo_serving: Path, tmp_path: Path) -> Path:
    """A private copy of the published demo serving folder (symlinks kept), to try refusals against."""
    target = tmp_path / "serving"
    shutil.copytree(demo_serving, target, symlinks=True)
    return target


def test_serving_copy_holds_every_mart_as_built(demo_build: Build, demo_serving: Path) -> None:
    serving_file = demo_serving / SERVING_FILE
    connection = duckdb.connect()
    connection.execute(f"attach '{demo_build.database}' as built (read_only)")
    connection.execute(f"attach '{serving_file}' as served (read_only)")
    expected = [t.name for t in PUBLISHED_TABLES if t.required]
    rows = connection.execute("select table_name, row_count from served.serving.published_tables").fetchall()
    published = dict(rows)
    assert set(expected) <= set(published)
    for name in published:
        for left, right in (("built", "served"), ("served", "built")):
            extra = connection.execute(
                f"select count(*) from (from {left}.marts.{name} except all from {right}.marts.{name})"
            ).fetchone()[0]
            assert extra == 0, f"marts.{name}: {extra} rows of {left} not in {right}"
        built_count = connection.execute(f"select count(*) from built.marts.{name}").fetchone()[0]
        assert published[name] == built_count > 0
        # Column types are kept exactly (decimals stay decimals).
        types = (
            "select column_name, data_type from information_schema.columns "
            "where table_catalog = ? and table_schema = 'marts' and table_name = ? order by column_name"
        )
        served_types = connection.execute(types, ["served", name]).fetchall()
        assert served_types and served_types == connection.execute(types, ["built", name]).fetchall()
        parquet = demo_serving / "parquet" / f"{name}.parquet"
        assert connection.execute(f"select count(*) from '{parquet}'").fetchone()[0] == built_count
    publication = connection.execute(
        "select as_of_date, vars_digest, git_commit, row_counts, storage_version, quality_checked, "
        "dbt_invocation_id, tables from served.serving.publication"
    ).fetchall()
    assert len(publication) == 1
    as_of_date, vars_digest, commit, row_counts, storage_version, quality_checked, invocation, tables = publication[0]
    assert as_of_date == connection.execute("select as_of_date from built.intermediate.int_as_of_dates").fetchone()[0]
    assert vars_digest == hashlib.sha256(b"{}").hexdigest()  # the demo build has no --vars
    assert commit == git_commit()
    assert json.loads(row_counts) == published and tables == len(published)
    assert storage_version == STORAGE_VERSION and quality_checked is True
    assert invocation == json.loads(run_results_of(demo_build).read_text())["metadata"]["invocation_id"]
    # Only the published entries are left: no temporary file, Parquet behind one symlink.
    names = {p.name for p in demo_serving.iterdir()}
    assert {SERVING_FILE, "parquet", ".publish.lock"} <= names
    assert not [n for n in names if ".tmp-" in n or n.endswith(".wal")]
    assert (demo_serving / "parquet").is_symlink()
    assert json.loads((demo_serving / "parquet" / "_publication.json").read_text())["row_counts"] == published


def test_duckdb_1_4_reader_opens_the_serving_copy(demo_serving: Path, tmp_path: Path) -> None:
    """BI clients embedding DuckDB 1.4 open the file (DuckDB 2.0's default storage is unreadable to them)."""
    venv = tmp_path / "duckdb14"
    uv = Path(sys.executable).with_name("uv")
    subprocess.run([str(uv), "venv", "-q", "-p", sys.executable, str(venv)], check=True)
    subprocess.run(
        [str(uv), "pip", "install", "-q", "--python", str(venv / "bin" / "python"), "duckdb==1.4.*"], check=True
    )
    script = (
        "import duckdb, json, sys\n"
        "c = duckdb.connect(sys.argv[1], read_only=True)\n"
        "counts = json.loads(c.execute('select row_counts from serving.publication').fetchone()[0])\n"
        "seen = {t: c.execute(f'select count(*) from marts.{t}').fetchone()[0] for t in counts}\n"
        "revenue = str(c.execute('select sum(revenue) from marts.mart_monthly_revenue').fetchone()[0])\n"
        "print(json.dumps({'version': duckdb.__version__, 'counts': counts, 'seen': seen, 'revenue': revenue}))\n"
    )
    completed = subprocess.run(
        [str(venv / "bin" / "python"), "-c", script, str(demo_serving / SERVING_FILE)],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(completed.stdout)
    assert result["version"].startswith("1.4.")
    assert result["seen"] == result["counts"]
    with duckdb.connect(str(demo_serving / SERVING_FILE), read_only=True) as connection:
        revenue = connection.execute("select sum(revenue) from marts.mart_monthly_revenue").fetchone()[0]
    assert result["revenue"] == str(revenue)
    # The check has teeth: a file in DuckDB 2.0's default storage is refused by the same reader.
    default_file = tmp_path / "default.duckdb"
    with duckdb.connect(str(default_file)) as connection:
        connection.execute("create table t as select 1 as x")
    refused = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import duckdb, sys; duckdb.connect(sys.argv[1], read_only=True)",
            str(default_file),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode != 0 and "version number" in refused.stderr


def _options(build: Build, serving_dir: Path, run_results: Path, **overrides: object) -> PublishOptions:
    values: dict[str, object] = {"serving_dir": serving_dir, "warehouse": build.database, "run_results": run_results}
    values.update(overrides)
    return PublishOptions(**values)  # type: ignore[arg-type]


def _edited_run_results(build: Build, tmp_path: Path, edit) -> Path:
    data = json.loads(run_results_of(build).read_text())
    edit(data)
    path = tmp_path / "run_results.json"
    path.write_text(json.dumps(data))
    return path


def _fail_one_test(data: dict) -> None:
    test = next(r for r in data["results"] if r["unique_id"].startswith("test."))
    test["status"] = "fail"
    test["failures"] = 3


def _skip_one_model(data: dict) -> None:
    model = next(r for r in data["results"] if r["unique_id"] == "model.segmentation.dim_customers")
    model["status"] = "skipped"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_fail_one_test, "the last dbt build failed: 1 node(s) did not pass: test."),
        (_skip_one_model, "model.segmentation.dim_customers (skipped)"),
        (lambda d: d["args"].update(which="run"), "was `dbt run`, not `dbt build`"),
        (lambda d: d["args"].update(select=["dim_customers"]), "selected a subset of the project"),
        (
            lambda d: [r.update(relation_name='"other"."marts"."x"') for r in d["results"] if r.get("relation_name")],
            "is the build of database other",
        ),
        (lambda d: d["metadata"].update(invocation_started_at="2099-01-01T00:00:00Z"), "before the dbt build"),
        (
            lambda d: d["metadata"].update(generated_at="2000-01-01T00:00:00Z"),
            "the warehouse changed since it was built and tested",
        ),
    ],
    ids=["failing-test", "skipped-model", "not-a-build", "partial-build", "other-database", "older", "newer"],
)
def test_build_that_did_not_pass_is_refused(
    demo_build: Build, serving_copy: Path, tmp_path: Path, edit, message: str
) -> None:
    before = folder_digest(serving_copy)
    run_results = _edited_run_results(demo_build, tmp_path, edit)
    with pytest.raises(PublishError) as refused:
        publish(_options(demo_build, serving_copy, run_results, quality=False))
    assert message in str(refused.value)
    assert refused.value.exit_code == 1
    assert folder_digest(serving_copy) == before


def test_no_build_is_a_clear_error_on_the_command_line(demo_build: Build, serving_copy: Path, tmp_path: Path) -> None:
    before = folder_digest(serving_copy)
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "segmentation.cli",
            "publish",
            "--database",
            str(demo_build.database),
            "--serving-dir",
            str(serving_copy),
            "--run-results",
            str(tmp_path / "nothing" / "run_results.json"),
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        check=False,
    )
    assert completed.returncode == 1
    assert "no dbt build to publish" in completed.stderr and "Traceback" not in completed.stderr
    assert f"the serving copy in {serving_copy} is unchanged" in completed.stderr
    assert folder_digest(serving_copy) == before
    missing = subprocess.run(
        [
            sys.executable,
            "-m",
            "segmentation.cli",
            "publish",
            "--database",
            str(tmp_path / "none.duckdb"),
            "--serving-dir",
            str(serving_copy),
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        check=False,
    )
    assert missing.returncode == 2 and "no warehouse at" in missing.stderr and "Traceback" not in missing.stderr


def test_interrupted_publish_leftovers_are_cleaned_and_readers_keep_their_snapshot(
    demo_build: Build, serving_copy: Path
) -> None:
    """A temporary file of a killed publish is removed; a connection opened before a swap keeps its snapshot."""
    (serving_copy / f".{SERVING_FILE}.tmp-killed").write_bytes(b"partial")
    held = duckdb.connect(str(serving_copy / SERVING_FILE), read_only=True)
    before = held.execute("select publication_id from serving.publication").fetchone()[0]
    publication = publish(_options(demo_build, serving_copy, run_results_of(demo_build), quality=False))
    try:
        assert publication.publication_id != before
        # The held connection reads the old file (a new process opens the new one).
        assert held.execute("select publication_id from serving.publication").fetchone()[0] == before
        assert held.execute("select count(*) from marts.dim_customers").fetchone()[0] > 0
    finally:
        held.close()
    fresh = subprocess.run(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
            "print(c.execute('select publication_id, quality_checked from serving.publication').fetchone())",
            str(serving_copy / SERVING_FILE),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert publication.publication_id in fresh.stdout and "False" in fresh.stdout  # --no-quality is recorded
    assert not list(serving_copy.glob("*.tmp-*"))
    assert len(list(serving_copy.glob("parquet.*"))) == 2  # the current Parquet folder and the previous one
