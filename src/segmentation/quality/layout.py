"""Names shared by the quality modules that are cheap to import (no Great Expectations import)."""

from __future__ import annotations

from collections.abc import Mapping

from segmentation import PROJECT_DIR

#: The Great Expectations file context (under version control).
GX_DIR = PROJECT_DIR / "gx"
#: Default folder for validation results and Data Docs (git-ignored).
DEFAULT_OUTPUT_DIR = GX_DIR / "uncommitted"

#: Where the build read its raw transactions, and the relation that holds them as text.
SOURCES: Mapping[str, str] = {
    "seed": "raw.raw_transactions",  # the demo seeds (no raw_data_path)
    "files": "staging.stg_canonical__transactions",  # CSV / Parquet files in var raw_data_path
    "online_retail": "staging.stg_online_retail__transactions",  # var source: online_retail
}
