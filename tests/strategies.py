"""Hypothesis strategies for valid scenario data (plain dicts, as a TOML file holds them)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

money = st.floats(min_value=0, max_value=2e6, allow_nan=False, allow_infinity=False)
share = st.floats(min_value=0, max_value=1, allow_nan=False)
small = st.floats(min_value=0, max_value=500, allow_nan=False)


@st.composite
def ranged(draw: st.DrawFn, base: st.SearchStrategy[float]) -> Any:
    """A number, or a three-point range of numbers drawn from `base`."""
    if draw(st.booleans()):
        return draw(base)
    low, likely, high = sorted(draw(st.lists(base, min_size=3, max_size=3)))
    return {"low": low, "likely": likely, "high": high}


def _risk() -> st.SearchStrategy[float]:
    return st.floats(min_value=0, max_value=0.9, allow_nan=False)


@st.composite
def scenario_data(draw: st.DrawFn, *, max_horizon: int = 120, ranges: bool = True) -> dict[str, Any]:
    """Valid scenario data covering every section, optional sections present or not."""

    def n(base: st.SearchStrategy[float]) -> Any:
        return draw(ranged(base)) if ranges else draw(base)

    data: dict[str, Any] = {
        "schema_version": 1,
        "name": draw(
            st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=40).filter(str.strip)
        ),
        "team": {"loaded_hourly_rate": n(st.floats(1, 400)), "hours_per_engineer_quarter": 520},
        "ai_tools": {"annual_spend": n(money)},
        "merges": {
            "merges_per_month": n(st.floats(0, 5000)),
            "success_rate_before": n(share),
            "success_rate_after": n(share),
            "fix_hours": n(st.floats(0, 12)),
            "risk_adjustment": draw(_risk()),
        },
        "investments": {
            area: {
                "one_time": n(money),
                "annual_recurring": n(st.floats(0, 2e5)),
                "engineer_quarters": n(st.floats(0, 8)),
            }
            for area in ("ci_cd", "testing", "deployment", "observability")
        },
        "finance": {
            "horizon_months": draw(st.integers(1, max_horizon)),
            "annual_discount_rate": draw(st.floats(0, 0.3)),
            "ramp_months": draw(st.sampled_from([0, 0, 3, 6, 12.5])),
            "include_staff_cost": draw(st.booleans()),
        },
    }
    if draw(st.booleans()):
        data["builds"] = {
            "builds_per_month": n(st.floats(0, 20000)),
            "build_minutes_before": n(st.floats(0, 90)),
            "build_minutes_after": n(st.floats(0, 90)),
            "blocked_fraction": n(share),
        }
    if draw(st.booleans()):
        data["incidents"] = {
            "deploys_per_month_before": n(small),
            "deploys_per_month_after": n(small),
            "change_failure_rate_before": n(share),
            "change_failure_rate_after": n(share),
            "mttr_hours_before": n(st.floats(0, 24)),
            "mttr_hours_after": n(st.floats(0, 24)),
            "responders_per_incident": n(st.floats(0, 10)),
            "downtime_cost_per_hour": n(st.floats(0, 50000)),
            "risk_adjustment": draw(_risk()),
        }
    if draw(st.booleans()):
        data["lead_time"] = {
            "changes_per_month": n(st.floats(0, 5000)),
            "lead_time_days_before": n(st.floats(0, 30)),
            "lead_time_days_after": n(st.floats(0, 30)),
            "cost_of_delay_per_change_day": n(st.floats(0, 200)),
        }
    if draw(st.booleans()):
        data["growth"] = {"volume_growth_per_year": n(st.floats(-0.5, 1.0))}
    return data


AREAS = ("ci_cd", "testing", "deployment", "observability")
STREAMS = ("merges", "builds", "incidents", "lead_time")


@st.composite
def shares_of_a_stream(draw: st.DrawFn) -> dict[str, float]:
    """Shares of one stream over the four areas summing to 1 (within 1e-8); an area may be left out (share 0)."""
    weights = draw(st.lists(st.sampled_from([0.0, 0.0, 0.1, 0.25, 1.0, 3.0]) | st.floats(0, 1), min_size=4, max_size=4))
    if sum(weights) <= 0:
        weights[draw(st.integers(0, 3))] = 1.0
    total = sum(weights)
    out = {}
    for area, w in zip(AREAS, weights, strict=True):
        share = round(w / total, 10)  # ten digits: the four sum to 1 within 2e-10
        if share > 0 or draw(st.booleans()):
            out[area] = share
    return out


@st.composite
def scenario_data_v2(
    draw: st.DrawFn,
    *,
    max_horizon: int = 120,
    ranges: bool = True,
    max_start: int = 30,
    max_build: int = 12,
) -> dict[str, Any]:
    """Valid format-v2 scenario data: `scenario_data` plus start months, build months, include flags, recapture,
    cost risk and, sometimes, named `delivers` shares for some streams (a stream not named keeps the default)."""
    data = draw(scenario_data(max_horizon=max_horizon, ranges=ranges))
    data["schema_version"] = 2

    def maybe_ranged(base: st.SearchStrategy[Any]) -> Any:
        return draw(ranged(base)) if ranges else draw(base)

    data["team"]["engineer_time_recapture"] = maybe_ranged(st.floats(0.3, 1.0))
    data["finance"]["cost_risk_adjustment"] = draw(st.floats(0, 0.5))
    for area in AREAS:
        inv = data["investments"][area]
        if draw(st.booleans()):
            inv["start_month"] = draw(st.integers(0, max_start))
        if draw(st.booleans()):
            if ranges and draw(st.booleans()):
                low, likely, high = sorted(draw(st.lists(st.integers(0, max_build), min_size=3, max_size=3)))
                inv["build_months"] = {"low": low, "likely": likely, "high": high}
            else:
                inv["build_months"] = draw(st.integers(0, max_build))
        if draw(st.booleans()):
            inv["include"] = draw(st.booleans())
    for stream in draw(st.lists(st.sampled_from(STREAMS), unique=True, max_size=4)):
        for area, share in draw(shares_of_a_stream()).items():
            data["investments"][area].setdefault("delivers", {})[stream] = share
    return data


@st.composite
def line_data(draw: st.DrawFn, *, ranges: bool = True) -> dict[str, Any]:
    """One line of the user's own: a benefit or a cost, cash or time, per month (maybe a range) or by plan year,
    of an area or of the plan as a whole."""
    line: dict[str, Any] = {
        "name": draw(st.sampled_from(["Retired build servers", "Test platform licences", "A contractor", "=1+1"])),
        "type": draw(st.sampled_from(["benefit", "cost"])),
        "nature": draw(st.sampled_from(["cash", "time"])),
    }
    line["risk_adjustment"] = draw(st.floats(0, 0.9 if line["type"] == "benefit" else 2.0))
    if draw(st.booleans()):
        line["area"] = draw(st.sampled_from(AREAS))
    if draw(st.booleans()):
        line["per_month"] = draw(ranged(st.floats(0, 1e5))) if ranges else draw(st.floats(0, 1e5))
    else:
        line["by_year"] = draw(st.lists(st.floats(0, 1e6), min_size=1, max_size=8))
    return line


@st.composite
def scenario_data_v3(draw: st.DrawFn, *, max_horizon: int = 120, ranges: bool = True) -> dict[str, Any]:
    """Valid format-v3 scenario data: `scenario_data_v2` plus a head count, continuing months, sometimes a ranged
    discount rate and ranged shares (likely shares summing to 1), and lines of the user's own; sometimes lines
    alone, without [merges] or [investments]."""
    data = draw(scenario_data_v2(max_horizon=max_horizon, ranges=ranges))
    data["schema_version"] = 3
    if draw(st.booleans()):
        data["team"]["engineers"] = draw(st.integers(1, 2000))
    data["finance"]["continuing_months"] = draw(st.integers(0, 36))
    if ranges and draw(st.booleans()):
        low, likely, high = sorted(draw(st.lists(st.floats(0, 0.3), min_size=3, max_size=3)))
        data["finance"]["annual_discount_rate"] = {"low": low, "likely": likely, "high": high}
    if ranges and draw(st.booleans()):
        stream = draw(st.sampled_from(STREAMS))
        for area in AREAS:  # the stream's shares are drawn anew, as ranges
            data["investments"][area].get("delivers", {}).pop(stream, None)
        for area, share in draw(shares_of_a_stream()).items():
            spread = draw(st.floats(0, 0.3))
            data["investments"][area].setdefault("delivers", {})[stream] = {
                "low": max(0.0, share - spread),
                "likely": share,
                "high": min(1.0, share + spread),
            }
        for area in AREAS:  # the stream's shares are named together: an area left out names 0
            data["investments"][area].setdefault("delivers", {}).setdefault(stream, 0.0)
    data["lines"] = draw(st.lists(line_data(ranges=ranges), max_size=4))
    if data["lines"] and draw(st.integers(0, 4)) == 0:  # a case made of its lines alone
        del data["merges"], data["investments"]
    return data
