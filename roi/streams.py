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
    """Rework no longer spent on failed merges: merges x (after - before) x fix hours x rate.

    >>> round(float(merges_usd(291, 0.708, 0.95, 3, 150)), 2)  # 291 x 0.242 x 3 h x $150
    31689.9
    """
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
    """Developer time no longer spent idle on builds: builds x minutes saved / 60 x blocked share x rate.

    >>> float(builds_usd(1200, 47, 10, 0.2, 150))  # 740 hours saved, a fifth of them blocking, at $150
    22200.0
    """
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
    """Outage hours avoided (DORA: deploys x change failure rate x MTTR), priced at responders and downtime.

    >>> round(float(incidents_usd(20, 30, 0.15, 0.1, 6.3, 2, 3, 1000, 150)), 2)  # (18.9 - 6) h x (3 x $150 + $1,000)
    18705.0
    """
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
    """Cost of delay avoided: changes x days saved x value forgone per change-day.

    >>> float(lead_time_usd(291, 5, 2, 20))  # 291 changes x 3 days x $20
    17460.0
    """
    days_saved = _a(lead_time_days_before) - _a(lead_time_days_after)
    return _a(changes_per_month) * days_saved * _a(cost_of_delay_per_change_day)


def failed_merges_per_month(merges_per_month: ArrayLike, success_rate_before: ArrayLike) -> Array:
    """Merges to main that fail today."""
    return _a(merges_per_month) * (1 - _a(success_rate_before))


def baseline_waste_usd(
    merges_per_month: ArrayLike, success_rate_before: ArrayLike, fix_hours: ArrayLike, loaded_hourly_rate: ArrayLike
) -> Array:
    """The monthly cost of doing nothing: every failed merge reworked at today's success rate.

    >>> round(float(baseline_waste_usd(291, 0.708, 3, 150)), 2)  # 84.972 failed merges x 3 h x $150
    38237.4
    """
    return failed_merges_per_month(merges_per_month, success_rate_before) * _a(fix_hours) * _a(loaded_hourly_rate)


def staff_cost_usd(
    engineer_quarters: ArrayLike, hours_per_engineer_quarter: ArrayLike, loaded_hourly_rate: ArrayLike
) -> Array:
    """Engineer-quarters priced at the loaded rate.

    >>> float(staff_cost_usd(2, 520, 150))  # 2 engineer-quarters of 520 hours at $150
    156000.0
    """
    return _a(engineer_quarters) * _a(hours_per_engineer_quarter) * _a(loaded_hourly_rate)
