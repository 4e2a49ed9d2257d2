"""User text on the page: never read as Markdown, HTML, a link, an emoji code or a formula, and never a wall of it."""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&])")  # & too: "&#58;" is a colon once read
#: Invisible, and not a word character: put inside what the page's Markdown would otherwise make a link or an icon.
WORD_JOINER = "\u2060"
# The frontend's Markdown makes links of the text it shows, after escapes are read: "http://", "https://" and
# "www." (any case), and "name@host.tld" addresses; and ":name:" an emoji. A word joiner after every colon and "@"
# that something follows, and inside "www.", leaves none of these for it to find.
_LINKS = re.compile(r"(?i)(?<=[:@])(?=\S)|(?<=www)(?=\\\.)")  # escaped, "www." is "www\\."
#: The longest message shown whole; a longer one is cut (a file can echo a value of a megabyte).
MAX_CHARS = 500


def cut(text: str, limit: int = MAX_CHARS) -> str:
    """About `limit` characters at most: a longer text loses its middle (where an echoed value is; its start names the
    file or the field, its end says what is wrong), and says how much."""
    if len(text) <= limit:
        return text
    head, tail = limit * 2 // 3, limit // 3
    return f"{text[:head]} … {len(text) - head - tail:,} characters left out … {text[-tail:]}"


def visible(text: str) -> str:
    """Every character that would not show as itself (a line break, a tab, a right-to-left override) as its code."""
    return "".join(c if c.isprintable() or c == " " else f"\\u{ord(c):04x}" for c in text)


def literal(text: str) -> str:
    """Text for an element that renders Markdown (a warning, a caption): cut to a sane length, on one line, escaped
    so that it shows as typed, with nothing the page would turn into a link, an image or an icon."""
    return _LINKS.sub(WORD_JOINER, _SPECIAL.sub(r"\\\1", visible(cut(text))))


def at_most(lines: list[str], limit: int, more: str) -> list[str]:
    """The first `limit` lines, then one that counts the rest ("and 295 more {more}")."""
    if len(lines) <= limit:
        return lines
    return [*lines[:limit], f"and {len(lines) - limit:,} more {more}"]
