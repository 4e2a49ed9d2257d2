"""User text on the page: never read as Markdown or HTML."""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def literal(text: str) -> str:
    """Text for an element that renders Markdown (a warning, a caption), escaped so that it shows as typed."""
    return _SPECIAL.sub(r"\\\1", text)
