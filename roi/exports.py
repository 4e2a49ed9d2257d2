"""Exports of one evaluated scenario, each a pure function returning bytes; the CLI and the app write them.

The workbook and the CSV are built from a `Result`; the memo and the slides from a `Document` (roi/documents.py:
the result with its seeded odds, the phasing under budgets and the date), so every format says the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from roi.documents import Document
from roi.memo import render_html, render_markdown, render_pdf
from roi.model import Result
from roi.plan import Phasing
from roi.workbook import build_workbook

B = TypeVar("B")


def monthly_csv(result: Result) -> bytes:
    """The monthly cash-flow table as CSV (numbers only, so nothing in it can become a formula)."""
    return result.monthly.to_csv(index=False, float_format="%.10g").encode("utf-8")


def workbook_xlsx(result: Result, phasing: Phasing | None = None) -> bytes:
    """The CFO workbook: live formulas of named inputs, values cached; with a phasing, the budgets and the phasing
    found on the Plan sheet."""
    return build_workbook(result, phasing)


def html_bytes(document: Document) -> bytes:
    """The one-page CFO memo, self-contained HTML."""
    return render_html(document).encode("utf-8")


def markdown_bytes(document: Document) -> bytes:
    """The CFO memo as Markdown."""
    return render_markdown(document).encode("utf-8")


def pdf_bytes(document: Document) -> bytes:
    """The CFO memo as exactly one A4 page of PDF."""
    return render_pdf(document)


def pptx_bytes(document: Document) -> bytes:
    """The five board slides (16:9 PowerPoint)."""
    from roi.slides import build_deck  # python-pptx loads only when a deck is made

    return build_deck(document)


#: Output suffix -> builder of the memo from its document.
MEMOS: dict[str, Callable[[Document], bytes]] = {".html": html_bytes, ".md": markdown_bytes, ".pdf": pdf_bytes}

#: Output suffix -> builder of the board slides from the document.
SLIDES: dict[str, Callable[[Document], bytes]] = {".pptx": pptx_bytes}

#: Output suffix -> builder. One table the CLI and the app both read.
EXPORTERS: dict[str, Callable[[Result], bytes]] = {
    ".csv": monthly_csv,
    ".xlsx": workbook_xlsx,
}


def builder_for(path: Path, table: Mapping[str, B]) -> B | None:
    """The builder for an output file, chosen by its suffix from a table, or None when none fits."""
    return table.get(path.suffix.lower())
