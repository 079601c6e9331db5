"""Readers and rebuilds at once: `make build` (dbt build + quality + publish) runs twice, the second time with
appended transactions, while one reader process holds the serving file open and another opens a new
connection for every query. Both builds succeed, no reader query fails, each sees one whole publication,
and a new connection afterwards sees the second. Then a tampered warehouse is refused: the serving copy
stays byte-identical. The figures land in test-artifacts/concurrency.json."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from conftest import write_csv
from segmentation import PROJECT_DIR
from segmentation.serving import SERVING_FILE
from serving_reader import folder_digest

SEEDS = PROJECT_DIR / "seeds" / "demo"
HEADER = ["invoice_id", "line_number", "customer_id", "invoiced_at", "product_id", "quantity", "unit_price", "currency"]
APPENDED_MONTHS = ("2025-11", "2025-12")
READER = Path(__file__).with_name("serving_reader.py")
ARTIFACTS = PROJECT_DIR / "test-artifacts"


def write_raw(folder: Path, rows: list[list[str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "transactions.csv", HEADER, rows)
    for name in ("customers", "products", "fx_rates"):
        shutil.copyfile(SEEDS / f"raw_{name}.csv", folder / f"{name}.csv")


def make(target: str, work: Path, raw: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
        "DUCKDB_TEMP_DIR": str(work / "tmp"),
    }
    return subprocess.run(
        [
            "make",
            "-s",
            target,
            f"DUCKDB_PATH={work / 'warehouse.duckdb'}",
            f"SERVING_DIR={work / 'serving'}",
            f"DBT_VARS={json.dumps({'raw_data_path': str(raw)})}",
        ],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def published(serving_file: Path) -> tuple[str, int]:
    """(publication_id, fct_transactions rows) as a new connection in a new process sees them."""
    script = (
        "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
        "print(*c.execute('select publication_id, (select count(*) from marts.fct_transactions) "
        "from serving.publication').fetchone())"
    )
    out = subprocess.run([sys.executable, "-c", script, str(serving_file)], capture_output=True, text=True, check=True)
    publication_id, rows = out.stdout.split()
    return publication_id, int(rows)


def test_readers_never_fail_while_make_build_republishes(tmp_path: Path) -> None:
    with (SEEDS / "raw_transactions.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))[1:]
    history = [row for row in rows if row[3].strip()[:7] not in APPENDED_MONTHS]
    appended = [row for row in rows if row[3].strip()[:7] in APPENDED_MONTHS]
    assert history and appended
    raw = tmp_path / "raw"
    write_raw(raw, history)
    serving_file = tmp_path / "serving" / SERVING_FILE
    stop = tmp_path / "stop"
    readers = {
        mode: subprocess.Popen(
            [sys.executable, str(READER), mode, str(serving_file), str(stop), str(tmp_path / f"{mode}.json")]
        )
        for mode in ("hold", "probe")
    }
    timings: dict[str, float] = {}
    try:
        started = time.monotonic()
        first = make("build", tmp_path, raw)
        timings["first_make_build_s"] = round(time.monotonic() - started, 1)
        assert first.returncode == 0, (first.stdout + first.stderr)[-4000:]
        first_id, first_rows = published(serving_file)
        time.sleep(1.0)  # the holder has opened the first publication
        write_raw(raw, history + appended)  # the last two months are appended to the file
        started = time.monotonic()
        second = make("build", tmp_path, raw)
        timings["second_make_build_s"] = round(time.monotonic() - started, 1)
        assert second.returncode == 0, (second.stdout + second.stderr)[-4000:]
        time.sleep(1.0)  # the prober has seen the second publication
    finally:
        stop.touch()
        for process in readers.values():
            process.wait(timeout=60)
    hold = json.loads((tmp_path / "hold.json").read_text())
    probe = json.loads((tmp_path / "probe.json").read_text())
    second_id, second_rows = published(serving_file)

    assert second_id != first_id and second_rows > first_rows
    assert hold["errors"] == [] and probe["errors"] == []
    assert hold["inconsistent"] == 0 and probe["inconsistent"] == 0
    # The holder kept its snapshot all along; new connections moved from the first publication to the second.
    assert hold["publications"] == [first_id] and hold["queries"] > 10
    assert probe["publications"] == [first_id, second_id] and probe["queries"] > 10
    assert "published" in second.stdout and "audit" in second.stdout

    # Tampered warehouse: refused twice, the serving folder unchanged byte for byte.
    before = folder_digest(serving_file.parent)
    warehouse = tmp_path / "warehouse.duckdb"
    built = warehouse.stat()
    with duckdb.connect(str(warehouse)) as connection:
        # A closed month loses a third of its lines (as if a raw file had been cut short).
        connection.execute(
            "delete from marts.fct_transactions where revenue_month = (select min(revenue_month) + interval 6 month "
            "from marts.fct_transactions) and transaction_key % 3 = 0"
        )
    changed = make("publish", tmp_path, raw)
    # Refused by the file time check (written after the build ended) or, within its 2-minute slack, by the
    # quality gate.
    assert changed.returncode != 0
    assert any(
        reason in changed.stderr
        for reason in ("the warehouse changed since it was built and tested", "the quality checkpoints did not pass")
    ), changed.stderr[-2000:]
    assert folder_digest(serving_file.parent) == before
    # Even when the file looks as built (its time set back), the quality gate's comparison with the last
    # published copy catches the lost lines.
    os.utime(warehouse, ns=(built.st_atime_ns, built.st_mtime_ns))
    gated = make("publish", tmp_path, raw)
    assert gated.returncode != 0 and "the quality checkpoints did not pass" in gated.stderr
    assert "FAIL" in gated.stdout
    assert folder_digest(serving_file.parent) == before
    assert published(serving_file) == (second_id, second_rows)

    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "concurrency.json").write_text(
        json.dumps({**timings, "hold": hold, "probe": probe, "rows": [first_rows, second_rows]}, indent=2)
    )
