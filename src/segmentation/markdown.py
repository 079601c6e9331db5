"""Generated sections inside hand-written Markdown files (README.md, docs/*.md).

A generated section sits between two comment lines, so the prose around it stays hand-written while the
figures or tables inside are always rewritten by the command that owns them.
"""

from __future__ import annotations

import re


def markers(name: str, command: str) -> tuple[str, str]:
    """The comment lines that delimit the generated section `name`, naming the `command` that writes it."""
    return (
        f"<!-- BEGIN generated section {name}: `{command}`, do not edit by hand -->",
        f"<!-- END generated section {name} -->",
    )


def _pattern(name: str) -> re.Pattern[str]:
    """Matches the whole section `name`; group 1 is its text."""
    begin = rf"<!-- BEGIN generated section {re.escape(name)}: .*? -->\n"
    end = rf"<!-- END generated section {re.escape(name)} -->"
    return re.compile(begin + "(.*?)" + end, re.DOTALL)


def section(document: str, name: str) -> str | None:
    """The text of section `name` in `document` (without its markers), or None when it has none."""
    match = _pattern(name).search(document)
    return None if match is None else match.group(1)


def replace_section(document: str, name: str, command: str, text: str) -> str:
    """`document` with section `name` replaced by `text`; exits with a clear message when it is missing."""
    begin, end = markers(name, command)
    pattern = _pattern(name)
    if not pattern.search(document):
        raise SystemExit(f"no generated section '{name}' in the document; add the two lines\n{begin}\n{end}")
    return pattern.sub(lambda _: f"{begin}\n{text.rstrip()}\n{end}", document, count=1)
