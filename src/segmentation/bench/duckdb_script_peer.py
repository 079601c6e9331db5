"""The `duckdb_script_peer` step: the two peer outputs from one plain DuckDB SQL script, no dbt.

`duckdb_script_peer.sql` beside this file is the script a DuckDB user would write by hand for
`fct_customer_months` and `fct_customer_snapshots` (SPEC defaults, the typed Parquet input, the same typed
rules as `pandas_peer`): the practical limit of this engine for the same work. The runner only fills in the
file paths and runs the statements in one in-memory connection (threads and memory limit from the
profile's env vars, like the dbt steps).

Run as `python -m segmentation.bench.duckdb_script_peer RAW_DIR OUT_DIR`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import duckdb

from segmentation.duckdb_settings import configure
from segmentation.registry import default

SCRIPT = Path(__file__).with_name("duckdb_script_peer.sql")


def settings() -> dict[str, str]:
    """The SPEC defaults the script uses, as SQL literals, from dbt_project.yml (segmentation.registry)."""
    registry = default()
    cuts = [str(cut) for cut in registry.var("pareto_cuts")]
    return {
        "reporting_currency": "'" + str(registry.var("reporting_currency")).upper().replace("'", "''") + "'",
        "high_above": str(registry.decimal("value_tier_high_above")),
        "medium_from": str(registry.decimal("value_tier_medium_from")),
        "pareto_a": cuts[0],
        "pareto_b": cuts[1],
        "pareto_c": cuts[2],
        "potential_quantile": str(registry.decimal("potential_quantile")),
        "min_peer_group_size": str(int(registry.var("min_peer_group_size"))),
        "new_below_months": str(int(registry.var("relationship_new_below_months"))),
        "partner_min_months": str(int(registry.var("relationship_partner_min_months"))),
        "partner_min_keys": str(int(registry.var("relationship_partner_min_keys"))),
        "established_min_keys": str(int(registry.var("relationship_established_min_keys"))),
    }


def script(raw_dir: Path, out_dir: Path) -> str:
    """The SQL script with the input files, the output folder and the settings filled in."""
    text = SCRIPT.read_text()
    for name in ("transactions", "customers", "products", "fx_rates"):
        text = text.replace("{" + name + "}", str(raw_dir / f"{name}.parquet"))
    for name, value in settings().items():
        text = text.replace("{" + name + "}", value)
    return text.replace("{out}", str(out_dir))


def run(raw_dir: Path, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    connection = configure(duckdb.connect())
    connection.execute("set preserve_insertion_order = false")
    connection.execute(script(raw_dir, out_dir))
    connection.close()


def main(argv: list[str]) -> int:
    raw_dir, out_dir = Path(argv[0]), Path(argv[1])
    started = time.perf_counter()
    run(raw_dir, out_dir)
    print(f"duckdb script peer: wrote {out_dir} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
