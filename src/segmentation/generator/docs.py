"""The generated part of docs/demo_data.md: what the demo data holds, its dirty rows and scripted accounts.

Written by `segmentation generate --seeds seeds/demo --docs docs/demo_data.md` (`make seeds`), so the
documentation always describes the committed seeds; a test regenerates it and compares.
"""

from __future__ import annotations

from collections import Counter

from segmentation.generator.demo import DemoData
from segmentation.generator.dirty import TRANSACTION_COLUMNS
from segmentation.generator.scripted import LISTED_ONLY_IDS, SCRIPTS, UNLISTED_CUSTOMER_ID

SECTION = "demo_data"
COMMAND = "segmentation generate --seeds seeds/demo --docs docs/demo_data.md"


def _cell(value: str) -> str:
    """A raw value shown in a Markdown table: quoted in a code span, so blanks and padding stay visible."""
    return '`"' + value.replace("|", "\\|") + '"`'


def demo_data_section(data: DemoData) -> str:
    """Markdown tables describing `data` (deterministic for a seed)."""
    clean = len(data.transactions) - len(data.dirty)
    invoices = {row[0] for row in data.transactions[:clean]}
    months = sorted({row[3][:7] for row in data.transactions[:clean]})
    core = sum(1 for product in data.products if product[3] != "false")
    out = [
        "| what | count |",
        "|---|---:|",
        f"| transaction rows (clean + dirty) | {len(data.transactions):,} ({clean:,} + {len(data.dirty)}) |",
        f"| invoices and credit notes | {len(invoices):,} |",
        f"| months | {len(months)} ({months[0]} .. {months[-1]}) |",
        f"| customers listed | {len(data.customers):,} |",
        f"| products | {len(data.products)} ({core} core, {len(data.products) - core} non-core) |",
        f"| FX rate rows | {len(data.fx_rates)} |",
        "",
        "Dirty rows, appended after the clean rows in this order (SPEC §2 reason they must get, what they exercise):",
        "",
        "| # | reason | exercises | " + " | ".join(TRANSACTION_COLUMNS) + " |",
        "|---:|---|---|" + "---|" * len(TRANSACTION_COLUMNS),
    ]
    for number, dirty in enumerate(data.dirty, start=1):
        values = " | ".join(_cell(value) for value in dirty.row)
        out.append(f"| {number} | `{dirty.reason}` | {dirty.exercises} | {values} |")
    reasons = Counter(dirty.reason for dirty in data.dirty)
    out += [
        "",
        "Dirty rows per reason: " + ", ".join(f"`{reason}` {count}" for reason, count in reasons.items()) + ".",
        "",
        "Scripted accounts (fixed ids, so each behaviour occurs whatever the random draws):",
        "",
        "| customer_id | purpose |",
        "|---|---|",
    ]
    out += [f"| {script.customer_id} | {script.purpose} |" for script in SCRIPTS]
    out += [
        f"| {LISTED_ONLY_IDS[0]} .. {LISTED_ONLY_IDS[-1]} | listed in raw_customers, never buy (`prospect`) |",
        f"| {UNLISTED_CUSTOMER_ID} | buys from Feb 2025 but is missing from raw_customers (warning test) |",
    ]
    return "\n".join(out) + "\n"
