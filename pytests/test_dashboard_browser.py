"""The dashboard in a real browser: `segmentation dashboard` on a loopback port, every page opened in
headless Chromium (Debian's /usr/bin/chromium through Playwright, no browser download), its figures read
from the rendered page, and a screenshot of each saved under test-artifacts/dashboard/ (git-ignored)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from segmentation import PROJECT_DIR
from segmentation.dashboard.context import PAGES
from segmentation.dashboard.formatting import count, money, percent
from segmentation.serving import SERVING_FILE

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = PROJECT_DIR / "test-artifacts" / "dashboard"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and os.environ.get("CI") != "true",
    reason="no Chromium at /usr/bin/chromium (apt-get install chromium; .ci/run installs it)",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def dashboard(demo_serving: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`segmentation dashboard` on 127.0.0.1:<free port>; stopped (its process group) afterwards."""
    port = free_port()
    log = tmp_path_factory.mktemp("dashboard") / "streamlit.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "segmentation.cli",
                "dashboard",
                "--serving-dir",
                str(demo_serving),
                "--port",
                str(port),
            ],
            cwd=PROJECT_DIR,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the dashboard did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def expected_texts(serving_dir: Path) -> dict[str, list[str]]:
    """Per page: figures of the marts that the rendered page must show."""
    with duckdb.connect(str(serving_dir / SERVING_FILE), read_only=True) as connection:

        def one(sql: str) -> tuple:
            return connection.execute(sql).fetchone()

        month = "(select as_of_month from serving.publication)"
        revenue, arpa, nrr, active, opening, closing = one(
            "select revenue, arpa, nrr_t12m, active_accounts, opening_revenue, closing_revenue "
            f"from marts.mart_monthly_revenue where revenue_month = {month}"
        )
        protect = one(
            "select accounts from marts.mart_segment_summary where segment_type = 'value_potential_cell' "
            f"and segment = 'protect' and snapshot_month = {month}"
        )[0]
        tier_a = one(
            "select accounts from marts.mart_segment_summary where segment_type = 'pareto_tier' "
            f"and segment = 'A' and snapshot_month = {month}"
        )[0]
        cohorts = one("select count(distinct cohort_month) from marts.mart_cohort_retention")[0]
        migrated = one(f"select sum(accounts) from marts.mart_segment_migration where snapshot_month = {month}")[0]
        high_share = one("select sales_time_share from marts.dim_segment_playbook where value_tier = 'high'")[0]
        top = one(
            "select customer_id, t12m_revenue from marts.dim_customers "
            "order by t12m_revenue desc nulls last, customer_id limit 1"
        )
    return {
        "overview": [money(revenue, "USD"), money(arpa, "USD"), percent(nrr), count(active)],
        "revenue_bridge": [money(opening, "USD", 2), money(closing, "USD", 2)],
        "value_potential": ["protect", f"{count(protect)} accounts"],
        "pareto": [f"{count(tier_a)} accounts"],
        "cohorts": [count(cohorts)],
        "migration": [f"{count(migrated)} accounts with a snapshot"],
        "playbook": [f"{float(high_share) * 1000:,.1f} h"],
        "account_card": [top[0], money(top[1], "USD")],
    }


def test_every_page_in_headless_chromium(dashboard: str, demo_serving: Path) -> None:
    from playwright.sync_api import sync_playwright

    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    ARTIFACTS.mkdir(parents=True)
    expected = expected_texts(demo_serving)
    with sync_playwright() as playwright:
        # Debian's Chromium: Playwright never downloads a browser here.
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            for spec in PAGES:
                page.goto(f"{dashboard}/{spec.url_path}", wait_until="domcontentloaded")
                page.locator("h1", has_text=spec.title).first.wait_for(timeout=90_000)
                page.locator(".js-plotly-plot").first.wait_for(timeout=90_000)
                # Streamlit renders while the script runs: wait until it has finished (no running widget).
                page.wait_for_function(
                    "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=90_000
                )
                for text in expected[spec.file]:
                    page.get_by_text(text, exact=False).first.wait_for(state="attached", timeout=30_000)
                body = page.inner_text("body")
                assert spec.title in body
                assert "Traceback" not in body and "Error" not in body.split("\n")[0]
                page.screenshot(path=str(ARTIFACTS / f"{spec.file}.png"), full_page=True)
        finally:
            browser.close()
    shots = sorted(ARTIFACTS.glob("*.png"))
    assert len(shots) == len(PAGES) and all(s.stat().st_size > 10_000 for s in shots)


def test_chromium_command_line_renders_a_page(dashboard: str, tmp_path: Path) -> None:
    """The plain Chromium command line (the flags CI uses) loads the app and writes a screenshot."""
    shot = tmp_path / "overview.png"
    completed = subprocess.run(
        [
            str(CHROMIUM),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1280,900",
            "--virtual-time-budget=15000",
            f"--screenshot={shot}",
            f"{dashboard}/overview",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert shot.stat().st_size > 5_000
