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
