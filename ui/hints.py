"""What a stream switched on still needs: the inputs it is worth $0 without, named as the sidebar labels them."""

from __future__ import annotations

from typing import Any

from roi.scenario import field_label, section_label
from ui import state

#: The inputs each stream's benefit is a product of: any one at 0 makes the stream worth $0.
FACTORS = {
    "merges": ("merges.merges_per_month", "merges.fix_hours", "team.loaded_hourly_rate"),
    "builds": ("builds.builds_per_month", "builds.blocked_fraction", "team.loaded_hourly_rate"),
    "incidents": (
        "incidents.deploys_per_month_before",
        "incidents.change_failure_rate_before",
        "incidents.mttr_hours_before",
    ),
    "lead_time": ("lead_time.changes_per_month", "lead_time.cost_of_delay_per_change_day"),
}
#: (today, after, which way is better): the plan gains only when "after" is better than today.
IMPROVES = {
    "merges": ("merges.success_rate_before", "merges.success_rate_after", 1),
    "builds": ("builds.build_minutes_before", "builds.build_minutes_after", -1),
    "lead_time": ("lead_time.lead_time_days_before", "lead_time.lead_time_days_after", -1),
}


def held(ss: Any, path: str) -> float | None:
    """An input's likely value as the widgets hold it; None when it is blank or not a number."""
    section, field = path.rsplit(".", 1)
    ranged = field in ss.get(state.ranged_key(section), [])
    key = state.widget_key(path, "likely" if ranged else None)
    if key not in ss:
        return None
    x = state.input_value(ss, path, key)
    return float(x) if isinstance(x, (int, float)) else None


def unset_fields(ss: Any, section: str) -> list[str]:
    """The inputs a stream is worth $0 without, in the words of the sidebar: those at 0, and an "after" no better
    than today."""
    out = [
        field_label(p) + ("" if p.startswith(section + ".") else f" (under {section_label(p.split('.')[0])})")
        for p in FACTORS.get(section, ())
        if held(ss, p) == 0
    ]
    if section == "incidents":
        rate, responders = held(ss, "team.loaded_hourly_rate"), held(ss, "incidents.responders_per_incident")
        if held(ss, "incidents.downtime_cost_per_hour") == 0 and (rate == 0 or responders == 0):
            out.append(f"{field_label('incidents.downtime_cost_per_hour')} (or engineers pulled in, at a loaded rate)")
    if section in IMPROVES:
        before, after, better = IMPROVES[section]
        a, b = held(ss, before), held(ss, after)
        if a is not None and b is not None and (b - a) * better <= 0:
            out.append(f"{field_label(after)}, better than today's")
    return out
