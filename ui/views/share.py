"""The share link and the downloads (each built only when clicked, none rerunning the page)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import streamlit as st

from ui import cache, state
from ui.state import PageState
from ui.views.common import simulation_settings
from ui.views.plan import budgets_in_force

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def view(page: PageState) -> None:
    st.subheader("Share")
    st.write("The page's address holds every input that differs from the loaded file: copy it to share this case.")
    st.code("?" + "&".join(f"{k}={v}" for k, v in page.share_params.items()), language=None)
    st.subheader("Download")
    caps = budgets_in_force(page.scenario.finance.horizon_months)  # the Plan tab's: the documents carry its phasing
    if caps:
        st.caption(
            "The workbook, memo and slides carry the Plan tab's yearly budgets and the phasing found within them."
        )
    name = page.scenario.name
    stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in name)[:60].strip("-") or "scenario"
    # The files are built only when clicked (a callable as data: the browser asks the server for the file by an id
    # this run registered). A click must not rerun the page (on_click="ignore"): a rerun registers new ids and drops
    # this run's, and when it finishes before the browser's file request is served, the click gets "Deferred file
    # ... not found" and no file. Nothing in the file depends on the click, so nothing needs the rerun.
    text = page.toml_text
    draws, seed = simulation_settings()  # the Uncertainty tab's: the documents' odds are the ones the page shows

    def document(kind: str) -> Callable[[], bytes]:
        """The memo or the slides, from the page's cached simulation, combinations and phasing."""
        return partial(cache.download_bytes, text, kind, caps, draws, seed)

    buttons: list[tuple[str, str | Callable[[], bytes], str, str, str]] = [
        ("Scenario (TOML)", text, f"{stem}.toml", "application/toml", state.DL_TOML),
        (
            "Monthly cash flow (CSV)",
            partial(cache.download_bytes, text, "csv"),
            f"{stem}.csv",
            "text/csv",
            state.DL_CSV,
        ),
        ("CFO workbook (XLSX)", partial(cache.download_bytes, text, "xlsx", caps), f"{stem}.xlsx", XLSX, state.DL_XLSX),
        ("One-page memo (HTML)", document(".html"), f"{stem}-memo.html", "text/html", state.DL_MEMO),
        ("One-page memo (PDF)", document(".pdf"), f"{stem}-memo.pdf", PDF, state.DL_PDF),
        ("Board slides (PPTX)", document(".pptx"), f"{stem}-slides.pptx", PPTX, state.DL_SLIDES),
    ]
    for row in (buttons[:3], buttons[3:]):
        for column, (label, data, file_name, mime, key) in zip(st.columns(3), row, strict=True):
            column.download_button(label, data, file_name, mime, key=key, on_click="ignore")
