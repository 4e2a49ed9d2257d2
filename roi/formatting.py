"""How figures read to people, in one place for the CLI, the memo and the app."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

#: A payback (or IRR, or ROI) where every flow within the horizon is 0: never "0 months".
NOTHING = "nothing is spent or earned within the horizon"
#: A payback the cumulative flow does not reach by the end of the horizon.
NOT_REACHED = "not within the horizon"
#: IRR where NPV changes sign more than once over the rates searched.
IRR_NOT_UNIQUE = "not unique: read NPV"
#: ROI where the present value of costs is under $1.
ROI_NOT_MEANINGFUL = "not meaningful"


def unsigned_zero(text: str) -> str:
    """No figure prints as -0: a formatted number whose digits are all zero loses its minus sign ("-$0" is "$0")."""
    if text.startswith("-") and not any(c in "123456789" for c in text):
        return text[1:]
    return text


def money(x: float | None) -> str:
    """$1,234,567; negative as -$1,234; never -$0."""
    if x is None:
        return "n/a"
    return unsigned_zero(f"-${-x:,.0f}" if x < 0 else f"${x:,.0f}")


def months(x: float | None) -> str:
    return NOT_REACHED if x is None else unsigned_zero(f"{x:.2f} months")


def pct(x: float | None) -> str:
    """70.8 %: a share or rate to one decimal, with a space before the sign as in the field registry's values."""
    return "n/a" if x is None else unsigned_zero(f"{x * 100:,.1f} %")


def hurdle(irr_annual: float | None, npv_usd: float, discount_rate: float, not_unique: bool = False) -> str:
    """IRR as a CFO reads it: the hurdle rate below (or above) which NPV is positive.

    With one IRR, NPV has one sign on each side of it; the NPV at the case's own discount rate says which side is
    positive.
    """
    if irr_annual is None:
        return IRR_NOT_UNIQUE if not_unique else "no IRR: the flows never change sign within the rates searched"
    return f"NPV is positive for any hurdle rate {_hurdle_side(irr_annual, npv_usd, discount_rate)} {pct(irr_annual)}"


def _hurdle_side(irr_annual: float, npv_usd: float, discount_rate: float) -> str:
    """Which side of its one IRR a plan's NPV is positive: "below" (spend, then gain) or "above"."""
    return "below" if (npv_usd >= 0) == (discount_rate <= irr_annual) else "above"


def hurdle_note(irr_annual: float | None, summary: Any) -> str:
    """The hurdle sentence, short, for a tile under the IRR: "NPV > 0 below a 12.6 % hurdle"."""
    if irr_annual is None:
        return "read NPV" if summary.irr_not_unique else ""
    side = _hurdle_side(irr_annual, summary.npv_usd, summary.discount_rate)
    return f"NPV > 0 {side} a {pct(irr_annual)} hurdle"


def by_plan_year(costs_usd: Sequence[float]) -> str:
    """Costs by plan year in words: "year 1 $228,000, year 2 $78,000, year 3 $0"."""
    return ", ".join(f"year {i} {money(c)}" for i, c in enumerate(costs_usd, start=1))


def whole_pct(x: float) -> str:
    """36 %: a share where a decimal would be false precision."""
    return unsigned_zero(f"{x * 100:.0f} %")


def ratio(x: float | None) -> str:
    return "n/a (no AI spend)" if x is None else unsigned_zero(f"{x:.2f} : 1")


# Short forms, where a KPI tile or a table cell has little room: $739K, 19.5 mo, 70.8 %, 2.25 : 1.


def brief_money(x: float | None) -> str:
    """$739K, $1.07M, -$12.3K, $950."""
    if x is None:
        return "n/a"
    sign = "-" if x < 0 else ""
    a = abs(x)
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if a >= size * 0.9995:
            v = a / size
            digits = 2 if v < 10 else (1 if v < 100 else 0)
            return f"{sign}${v:.{digits}f}{suffix}"
    return unsigned_zero(f"{sign}${a:,.0f}")


def brief_months(x: float | None) -> str:
    """19.5 mo, or "none" when it does not happen within the horizon."""
    return "none" if x is None else unsigned_zero(f"{x:.1f} mo")


def brief_ratio(x: float | None) -> str:
    return "n/a" if x is None else unsigned_zero(f"{x:.2f} : 1")


def level(x: float | None, show: Callable[[float], str] = lambda v: f"{v:,.4g}") -> str:
    """A solved input value (as `show` writes it), or the honest answer that none exists."""
    return "no such value in range" if x is None else show(x)


def crossings_note(crossings: int, payback: float | None) -> str | None:
    """A plain warning when the cumulative cash flow crosses zero more than once, or None when it does not."""
    if crossings <= 1:
        return None
    when = (
        f"it pays back for good only after {months(payback)}"
        if payback is not None
        else "it ends the horizon below zero, so it does not pay back"
    )
    return f"The cumulative cash flow crosses zero {crossings} times: it goes above zero and sinks again, so {when}."


#: The method in one sentence, for documents that travel without the project (the memo, the slides).
METHOD = (
    "Method: month by month, the value of fewer failed merges, faster builds, fewer incidents and shorter lead "
    "times less every cost, discounted monthly; engineer time is valued at the loaded rate and kept apart from "
    "cash; payback is the month after which the cumulative flow stays at or above zero; NPV, IRR and ROI come "
    "from the same flows."
)


#: The delivery-to-AI spend ratio one CTO argues for in the founding forum post: $2 to $3 of delivery for each $1 a
#: year of AI tools, staff left out. An opinion, not a benchmark.
RATIO_BAND = (2.0, 3.0)
#: Whose the band is, said wherever it is.
RATIO_BAND_SOURCE = "one CTO's opinion in the founding forum post"


def ratio_band(ratio: float | None) -> str:
    """Where a delivery-to-AI ratio without staff sits against the forum post's band, in words that say whose the band
    is and on which basis: compare the ratio without staff (the band leaves staff out)."""
    if ratio is None:
        return "no AI spend entered"
    low, high = RATIO_BAND
    return f"{ratio_position(ratio)} the {low:g}:1 to {high:g}:1 of {RATIO_BAND_SOURCE}, compared without staff"


def ratio_position(ratio: float) -> str:
    """Where a ratio without staff sits against the forum post's band: "within", "below" or "above"."""
    low, high = RATIO_BAND
    return "within" if low <= ratio <= high else ("below" if ratio < low else "above")


#: The word joiner: no line break on either side, no width.
JOIN = "\u2060"
#: The no-break space.
NBSP = "\u00a0"


def keep_percent(text: str) -> str:
    """A percentage keeps its sign on its line ("89.0" at a line's end and "% ..." on the next): a no-break space."""
    return text.replace(" %", f"{NBSP}%")


def keep_together(text: str) -> str:
    """Text for the slides, which break lines at spaces and after hyphens: percentages unbroken, and a negative amount
    keeps its sign ("NPV -" at a line's end and "$120,499" on the next reads as a gain)."""
    return keep_percent(text).replace("-$", f"-{JOIN}$")
