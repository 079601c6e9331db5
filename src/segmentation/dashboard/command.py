"""`segmentation dashboard`: the Streamlit dashboard over the serving copy, on 127.0.0.1."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from segmentation.serving import SERVING_FILE, add_serving_dir_option

DESCRIPTION = f"""\
Serve the revenue segmentation dashboard (Streamlit) on http://127.0.0.1:PORT. It reads the published
serving copy DIR/{SERVING_FILE} read-only (never the build's warehouse), so it runs while `make build`
rebuilds and republishes: each page view after a publish shows the new copy.

Pages: Overview (revenue, ARPA, T12M ARPA, NRR / GRR, active accounts), Revenue bridge,
Value x potential (the SPEC §5 matrix with its accounts, and the relationship x potential canvas),
Pareto, Cohorts, Migration, Playbook (treatments and sales hours), Account card. Sidebar filters:
industry, size band, country. Without a published copy it says how to make one (`make build`).
"""

EPILOG = """\
examples:
  segmentation dashboard                         # http://127.0.0.1:8501, warehouse/serving
  segmentation dashboard --port 8600 --serving-dir warehouse/serving_uci
"""


def streamlit_command(serving_dir: Path, port: int) -> tuple[list[str], dict[str, str]]:
    """The `streamlit run` command line and environment of the dashboard (loopback only, no telemetry)."""
    from segmentation.dashboard.data import SERVING_DIR_ENV

    app = Path(__file__).with_name("app.py")
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        "--global.developmentMode",
        "false",
        "--client.toolbarMode",
        "viewer",
    ]
    env = dict(os.environ)
    env[SERVING_DIR_ENV] = str(serving_dir.resolve())
    env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    return command, env


def run(args: argparse.Namespace) -> int:
    from segmentation.dashboard.data import check_serving_copy

    problem = check_serving_copy(args.serving_dir)
    if problem is not None:
        print(f"segmentation dashboard: {problem}", file=sys.stderr)
        print("segmentation dashboard: starting anyway; the page shows this until a copy is published", file=sys.stderr)
    command, env = streamlit_command(args.serving_dir, args.port)
    print(f"dashboard: http://127.0.0.1:{args.port} (reading {args.serving_dir / SERVING_FILE}; Ctrl-C stops)")
    try:
        return subprocess.run(command, env=env, check=False).returncode
    except KeyboardInterrupt:
        return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "dashboard",
        help="serve the Streamlit dashboard over the published serving copy on 127.0.0.1",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_serving_dir_option(parser, "written by `segmentation publish`")
    parser.add_argument("--port", type=int, default=8501, metavar="P", help="port on 127.0.0.1 (default 8501)")
    parser.set_defaults(handler=run)
