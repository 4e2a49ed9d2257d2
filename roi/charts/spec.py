"""`ChartSpec` (a template and its named DataFrames), its rendering to SVG and PNG for the documents, and the
chart that is one sentence when there is nothing to draw."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import vl_convert as vlc

from roi.charts.theme import THEME, named_data, themed_template


@dataclass(frozen=True)
class ChartSpec:
    """A Vega-Lite template and the DataFrames for its named datasets.

    `message` is set when there is nothing to draw: the picture is then that sentence alone.
    """

    template: dict[str, Any]
    datasets: dict[str, pd.DataFrame]
    message: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The spec with its data: DataFrames for streamlit, which sends them as Arrow."""
        return {**self.template, "datasets": dict(self.datasets)}

    def to_json_dict(self) -> dict[str, Any]:
        """The spec with its data as plain records (for a standalone Vega-Lite renderer, or a test)."""
        return {**self.template, "datasets": {k: _records(v) for k, v in self.datasets.items()}}


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-safe records: numpy scalars to Python, NaN and infinity to null."""
    clean = frame.replace([np.inf, -np.inf], np.nan).astype(object)
    clean = clean.where(pd.notna(clean), None)
    return [
        {str(k): (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
        for row in clean.to_dict("records")
    ]


#: Room the timeline leaves left of its plots for the area names and the axis titles.
TIMELINE_LABEL_WIDTH = 170


def _sized(spec: ChartSpec, width: int) -> dict[str, Any]:
    """The spec with inlined data, `width` pixels wide overall."""
    out = spec.to_json_dict()
    if "vconcat" in out:
        plot = max(200, width - TIMELINE_LABEL_WIDTH - 40)
        out["vconcat"] = [{**child, "width": plot} for child in out["vconcat"]]
        out["autosize"] = {"type": "pad", "contains": "padding"}
    else:
        out["width"] = width
    return out


def to_svg(spec: ChartSpec, width: int = 720) -> str:
    """The chart as SVG, `width` pixels wide, rendered by vl-convert with the data inlined."""
    return str(vlc.vegalite_to_svg(json.dumps(_sized(spec, width)), vl_version=_vl_version(), allowed_base_urls=[]))


def to_png(spec: ChartSpec, width: int = 720, scale: float = 2) -> bytes:
    """The chart as PNG, `width` CSS pixels wide at `scale` device pixels each."""
    png = vlc.vegalite_to_png(
        json.dumps(_sized(spec, width)), vl_version=_vl_version(), scale=scale, allowed_base_urls=[]
    )
    return bytes(png)


def _vl_version() -> str:
    """The Vega-Lite version altair validated the templates against, as vl-convert names it (e.g. 6.4)."""
    major, minor = str(alt.SCHEMA_VERSION).lstrip("v").split(".")[:2]
    return f"{major}.{minor}"


@lru_cache(maxsize=1)
def _message_template() -> dict[str, Any]:
    return themed_template(
        alt.Chart(named_data("message"))
        .mark_text(fontSize=THEME["title_size"], color=THEME["muted"], align="center", baseline="middle")
        .encode(text=alt.Text("text:N"))
        .properties(height=60)
    )


def message_chart(text: str) -> ChartSpec:
    """A chart that is one plain sentence: what a view says when there is nothing to draw."""
    return ChartSpec(_message_template(), {"message": pd.DataFrame({"text": [text]})}, message=text)
