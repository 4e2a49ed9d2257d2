"""Exports of one evaluated scenario, each a pure function returning bytes; the CLI and the app write them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from roi.memo import memo_html, memo_markdown
from roi.model import Result
from roi.workbook import build_workbook


def monthly_csv(result: Result) -> bytes:
    """The monthly cash-flow table as CSV (numbers only, so nothing in it can become a formula)."""
    return result.monthly.to_csv(index=False, float_format="%.10g").encode("utf-8")


def workbook_xlsx(result: Result) -> bytes:
    """The CFO workbook: live formulas of named inputs, values cached."""
    return build_workbook(result)


def memo_html_bytes(result: Result) -> bytes:
    """The one-page CFO memo, self-contained HTML."""
    return memo_html(result).encode("utf-8")


def memo_markdown_bytes(result: Result) -> bytes:
    """The one-page CFO memo as Markdown."""
    return memo_markdown(result).encode("utf-8")


MEMOS: dict[str, Callable[[Result], bytes]] = {".html": memo_html_bytes, ".md": memo_markdown_bytes}

#: Output suffix -> builder. One table the CLI and the app both read.
EXPORTERS: dict[str, Callable[[Result], bytes]] = {
    ".csv": monthly_csv,
    ".xlsx": workbook_xlsx,
}


def builder_for(path: Path, table: dict[str, Callable[[Result], bytes]]) -> Callable[[Result], bytes] | None:
    """The builder for an output file, chosen by its suffix from a table, or None when none fits."""
    return table.get(path.suffix.lower())
