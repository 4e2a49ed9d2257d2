"""The monthly value of each benefit stream at growth 1 (docs/method.md).

Every function works on floats and on numpy arrays of Monte Carlo draws alike.
A worse "after" gives a negative value: shown, never clipped.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]


def _a(x: ArrayLike) -> Array:
    return np.asarray(x, dtype=np.float64)


def merges_usd(
    merges_per_month: ArrayLike,
    success_rate_before: ArrayLike,
    success_rate_after: ArrayLike,
    fix_hours: ArrayLike,
    loaded_hourly_rate: ArrayLike,
) -> Array:
    """Rework no longer spent on failed merges: merges x (after - before) x fix hours x rate."""
    return (
        _a(merges_per_month)
        * (_a(success_rate_after) - _a(success_rate_before))
        * _a(fix_hours)
        * _a(loaded_hourly_rate)
    )


def builds_usd(
    builds_per_month: ArrayLike,
    build_minutes_before: ArrayLike,
    build_minutes_after: ArrayLike,
    blocked_fraction: ArrayLike,
    loaded_hourly_rate: ArrayLike,
) -> Array:
    """Developer time no longer spent idle on builds: builds x minutes saved / 60 x blocked share x rate."""
    saved_hours = _a(builds_per_month) * (_a(build_minutes_before) - _a(build_minutes_after)) / 60
    return saved_hours * _a(blocked_fraction) * _a(loaded_hourly_rate)


def incidents_usd(
    deploys_per_month_before: ArrayLike,
    deploys_per_month_after: ArrayLike,
    change_failure_rate_before: ArrayLike,
    change_failure_rate_after: ArrayLike,
    mttr_hours_before: ArrayLike,
    mttr_hours_after: ArrayLike,
    responders_per_incident: ArrayLike,
    downtime_cost_per_hour: ArrayLike,
    loaded_hourly_rate: ArrayLike,
) -> Array:
    """Outage hours avoided (DORA: deploys x change failure rate x MTTR), priced at responders and downtime."""
    hours_before = _a(deploys_per_month_before) * _a(change_failure_rate_before) * _a(mttr_hours_before)
    hours_after = _a(deploys_per_month_after) * _a(change_failure_rate_after) * _a(mttr_hours_after)
    cost_per_hour = _a(responders_per_incident) * _a(loaded_hourly_rate) + _a(downtime_cost_per_hour)
    return (hours_before - hours_after) * cost_per_hour


def lead_time_usd(
    changes_per_month: ArrayLike,
    lead_time_days_before: ArrayLike,
    lead_time_days_after: ArrayLike,
    cost_of_delay_per_change_day: ArrayLike,
) -> Array:
    """Cost of delay avoided: changes x days saved x value forgone per change-day."""
    days_saved = _a(lead_time_days_before) - _a(lead_time_days_after)
    return _a(changes_per_month) * days_saved * _a(cost_of_delay_per_change_day)


def failed_merges_per_month(merges_per_month: ArrayLike, success_rate_before: ArrayLike) -> Array:
    """Merges to main that fail today."""
    return _a(merges_per_month) * (1 - _a(success_rate_before))


def baseline_waste_usd(
    merges_per_month: ArrayLike, success_rate_before: ArrayLike, fix_hours: ArrayLike, loaded_hourly_rate: ArrayLike
) -> Array:
    """The monthly cost of doing nothing: every failed merge reworked at today's success rate."""
    return failed_merges_per_month(merges_per_month, success_rate_before) * _a(fix_hours) * _a(loaded_hourly_rate)


def staff_cost_usd(
    engineer_quarters: ArrayLike, hours_per_engineer_quarter: ArrayLike, loaded_hourly_rate: ArrayLike
) -> Array:
    """Engineer-quarters priced at the loaded rate."""
    return _a(engineer_quarters) * _a(hours_per_engineer_quarter) * _a(loaded_hourly_rate)
