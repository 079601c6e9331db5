"""Benchmark inputs: generator output in canonical Parquet, cached by size and seed.

One folder per (lines, seed) under the data root:

    lines-<N>-seed-<S>/
        generated/   the generator's output with --split-last-month (history + last month apart)
        full/        transactions.parquet = history then the last month (N lines), plus the dimensions
        full_csv/    transactions.csv: the same rows as RFC 4180 CSV text, plus the same dimension files
        meta.json    the generator options and row counts; the cache is reused only when they match

The lines carry the benchmark's dirty share (`DIRTY_SHARE`, generator `--dirty-share`): duplicates, padded
ids, bad numbers and dates, unknown currencies, and (unless `--no-malformed-csv`) CSV records with a field
too many, so the quarantine paths are timed. `full/` is what every Parquet step reads, `full_csv/` the CSV steps. The
incremental step starts from `generated/transactions.parquet` (the history) and then appends the last
month, giving the same file as `full/` row for row.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import pyarrow.parquet as pq

from segmentation import PROJECT_DIR

FORMAT_VERSION = 2
DIRTY_SHARE = 0.005
CSV_FILE = "transactions.csv"
LAST_MONTH_CSV = "transactions_last_month.csv"
DIMENSIONS = ("customers.parquet", "products.parquet", "fx_rates.parquet")
HISTORY_FILE = "transactions.parquet"
LAST_MONTH_FILE = "transactions_last_month.parquet"


@dataclass(frozen=True)
class Dataset:
    """A generated data set on disk."""

    lines: int
    seed: int
    root: Path

    @property
    def generated(self) -> Path:
        return self.root / "generated"

    @property
    def full(self) -> Path:
        return self.root / "full"

    @property
    def full_csv(self) -> Path:
        return self.root / "full_csv"

    @property
    def history_file(self) -> Path:
        return self.generated / HISTORY_FILE

    @property
    def last_month_file(self) -> Path:
        return self.generated / LAST_MONTH_FILE

    @property
    def full_file(self) -> Path:
        return self.full / HISTORY_FILE

    def meta(self) -> dict[str, object]:
        return json.loads((self.root / "meta.json").read_text())

    def size_mb(self) -> float:
        return sum(path.stat().st_size for path in self.root.rglob("*") if path.is_file()) / 1024 / 1024


def _expected_meta(lines: int, seed: int, dirty_share: float, malformed_csv: bool) -> dict[str, object]:
    return {
        "format": FORMAT_VERSION,
        "lines": lines,
        "seed": seed,
        "split_last_month": True,
        "dirty_share": dirty_share,
        "malformed_csv": malformed_csv,
    }


def concatenate_csv(parts: list[Path], target: Path) -> None:
    """Concatenate CSV files that share a header line (kept once), streaming."""
    with target.open("wb") as out:
        for index, part in enumerate(parts):
            with part.open("rb") as handle:
                header = handle.readline()
                if index == 0:
                    out.write(header)
                shutil.copyfileobj(handle, out, 16 * 1024 * 1024)


def concatenate_parquet(parts: list[Path], target: Path) -> int:
    """Write the row groups of `parts`, in order, into one Parquet file (streaming, row order kept)."""
    tmp = target.with_suffix(".parquet.tmp")
    writer: pq.ParquetWriter | None = None
    rows = 0
    try:
        for part in parts:
            reader = pq.ParquetFile(part)
            if writer is None:
                writer = pq.ParquetWriter(tmp, reader.schema_arrow, compression="zstd")
            for index in range(reader.num_row_groups):
                table = reader.read_row_group(index)
                writer.write_table(table)
                rows += table.num_rows
    finally:
        if writer is not None:
            writer.close()
    tmp.replace(target)
    return rows


def link_or_copy(source: Path, target: Path) -> None:
    """Hard-link `source` to `target` (same file system), else copy it."""
    if target.exists():
        target.unlink()
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def ensure_dataset(
    data_root: Path,
    lines: int,
    seed: int,
    progress: Callable[[str], None],
    dirty_share: float = DIRTY_SHARE,
    malformed_csv: bool = True,
) -> Dataset:
    """The cached data set for (lines, seed, dirty share), generated when missing or stale."""
    dataset = Dataset(lines, seed, data_root / f"lines-{lines}-seed-{seed}")
    meta_path = dataset.root / "meta.json"
    expected = _expected_meta(lines, seed, dirty_share, malformed_csv)
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        fresh = dataset.full_file.exists() and (dataset.full_csv / CSV_FILE).exists()
        if {key: meta.get(key) for key in expected} == expected and fresh:
            progress(f"  data: reusing {dataset.root} ({dataset.size_mb():,.0f} MB)")
            return dataset
    if dataset.root.exists():
        shutil.rmtree(dataset.root)
    dataset.generated.mkdir(parents=True)
    progress(f"  data: generating {lines:,} lines (seed {seed}) into {dataset.generated} ...")
    command = [
        sys.executable,
        "-m",
        "segmentation.cli",
        "generate",
        "--lines",
        str(lines),
        "--seed",
        str(seed),
        "--out",
        str(dataset.generated),
        "--split-last-month",
        "--dirty-share",
        str(dirty_share),
        "--csv",
    ]
    if not malformed_csv:
        command.append("--no-malformed-csv")
    subprocess.run(command, cwd=PROJECT_DIR, check=True)
    dataset.full.mkdir()
    progress("  data: writing full/transactions.parquet = history + last month ...")
    rows = concatenate_parquet([dataset.history_file, dataset.last_month_file], dataset.full_file)
    if rows != lines:
        raise RuntimeError(f"generated {rows:,} lines, expected {lines:,}")
    progress("  data: writing full_csv/transactions.csv = history + last month ...")
    dataset.full_csv.mkdir()
    csv_parts = [dataset.generated / CSV_FILE, dataset.generated / LAST_MONTH_CSV]
    concatenate_csv(csv_parts, dataset.full_csv / CSV_FILE)
    for part in csv_parts:  # only the concatenation is read
        part.unlink()
    for name in DIMENSIONS:
        link_or_copy(dataset.generated / name, dataset.full / name)
        link_or_copy(dataset.generated / name, dataset.full_csv / name)
    history_rows = pq.ParquetFile(dataset.history_file).metadata.num_rows
    meta = {
        **expected,
        "history_lines": history_rows,
        "last_month_lines": rows - history_rows,
        "csv_mb": round((dataset.full_csv / CSV_FILE).stat().st_size / 1024**2, 1),
        "generator": asdict_options(lines, seed, dirty_share, malformed_csv),
    }
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    progress(f"  data: {rows:,} lines ({history_rows:,} history + {rows - history_rows:,} last month)")
    return dataset


def asdict_options(lines: int, seed: int, dirty_share: float, malformed_csv: bool) -> dict[str, object]:
    from segmentation.generator.scale import ScaleOptions

    options = ScaleOptions(
        lines=lines, seed=seed, split_last_month=True, dirty_share=dirty_share, csv=True, malformed_csv=malformed_csv
    )
    return asdict(options)


def prepare_history_folder(dataset: Dataset, folder: Path) -> None:
    """A raw_data_path folder holding the history only (the state before the append)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    link_or_copy(dataset.history_file, folder / HISTORY_FILE)
    for name in DIMENSIONS:
        link_or_copy(dataset.generated / name, folder / name)


def append_last_month(dataset: Dataset, folder: Path) -> None:
    """Append the last month to the folder's transactions file (history rows first, new rows after)."""
    link_or_copy(dataset.full_file, folder / HISTORY_FILE)


def remove_dataset(dataset: Dataset) -> None:
    shutil.rmtree(dataset.root, ignore_errors=True)
