"""roi.explore: share links, the KPI row and its changes, the spend planner and the compare table."""

from __future__ import annotations

from dataclasses import replace

import pytest

from roi import evaluate, load_scenario
from roi.explore import COMPARE_KEYS, KPI_KEYS, Kpi, apply_params, compare_table, kpis, plan_spend, share_params
from roi.figures import FIGURES
from roi.model import Summary
from roi.scenario import AREAS, likely, with_values
from tests.conftest import FORUM, ROOT, SCENARIOS

BUILDS = {"builds_per_month": 1000, "build_minutes_before": 47, "build_minutes_after": 10, "blocked_fraction": 0.5}


def test_a_link_that_switches_a_stream_on_reopens_it():
    base = load_scenario(FORUM)  # has no [builds]
    current = with_values(base, {"builds": BUILDS, "merges.fix_hours": 4})
    reopened, warnings = apply_params(base, share_params(base, current))
    assert warnings == []
    assert reopened == current
    assert evaluate(reopened).summary.payback_months == pytest.approx(evaluate(current).summary.payback_months)


def test_a_link_that_switches_a_stream_off_reopens_it():
    base = load_scenario(ROOT / "scenarios" / "series-b.toml")
    current = with_values(base, {"incidents": None})
    params = share_params(base, current)
    assert params == {"incidents": "off"}
    assert apply_params(base, params) == (current, [])


def test_an_incomplete_new_section_falls_back_and_says_so():
    base = load_scenario(FORUM)
    reopened, warnings = apply_params(base, {"builds.builds_per_month": "1000", "merges.fix_hours": "4"})
    assert reopened.builds is None and reopened.merges.fix_hours == 4
    missing = ("build_minutes_before", "build_minutes_after", "blocked_fraction")
    detail = "; ".join(f"builds.{name}: is required but missing" for name in missing)
    assert warnings == [f"URL parameters for builds were ignored: {detail}"]


def test_a_bad_value_in_a_new_section_is_named_and_the_section_falls_back():
    base = load_scenario(FORUM)
    params = {f"builds.{k}": str(v) for k, v in BUILDS.items()} | {"builds.blocked_fraction": "7"}
    reopened, warnings = apply_params(base, params)
    assert reopened.builds is None
    assert (
        warnings[0]
        == "URL parameter builds.blocked_fraction='7' was ignored: builds.blocked_fraction: must be <= 1, got 7"
    )
    assert warnings[1].startswith("URL parameters for builds were ignored: builds.blocked_fraction: is required")


# ------------------------------------------------------------------ KPI row: hand-computed tables


def _summary(**changes: object) -> Summary:
    """The forum post's summary with the figures a test names set by hand."""
    return replace(evaluate(load_scenario(FORUM)).summary, **changes)


def _rows(items: list[Kpi]) -> list[tuple[str, str, str | None, bool]]:
    return [(k.label, k.value, k.delta, k.lower_is_better) for k in items]


def test_kpi_changes_have_the_right_sign_and_units():
    now = _summary(
        payback_months=10.0,
        discounted_payback_months=12.5,
        npv_usd=150_000.0,
        irr_annual=0.25,
        roi=0.40,
        delivery_to_ai_ratio=2.5,
        delivery_to_ai_ratio_incl_staff=3.1,
        include_staff_cost=False,
    )
    then = _summary(
        payback_months=12.25,
        discounted_payback_months=12.5,
        npv_usd=200_000.0,
        irr_annual=0.20,
        roi=0.55,
        delivery_to_ai_ratio=2.0,
        delivery_to_ai_ratio_incl_staff=2.9,
        include_staff_cost=False,
    )
    assert _rows(kpis(now, then)) == [
        ("Payback", "10.00 months", "-2.25 mo", True),  # 10 - 12.25: paid back sooner, which is better
        ("Discounted payback", "12.50 months", None, True),  # unchanged: no delta at all
        ("NPV", "$150,000", "-$50,000", False),  # 150,000 - 200,000
        ("IRR (annual)", "25.0 %", "+5.0 pp", False),  # 25 % - 20 %, in percentage points
        ("ROI", "40.0 %", "-15.0 pp", False),  # 40 % - 55 %
        ("Delivery-to-AI spend ratio", "2.50 : 1", "+0.50", False),  # staff not counted: 2.5 - 2.0
    ]
    # the same change the other way round flips every sign and nothing else
    assert _rows(kpis(then, now)) == [
        ("Payback", "12.25 months", "+2.25 mo", True),
        ("Discounted payback", "12.50 months", None, True),
        ("NPV", "$200,000", "+$50,000", False),
        ("IRR (annual)", "20.0 %", "-5.0 pp", False),
        ("ROI", "55.0 %", "+15.0 pp", False),
        ("Delivery-to-AI spend ratio", "2.00 : 1", "-0.50", False),
    ]  # fmt: skip


def test_kpi_changes_from_and_to_never_say_what_it_was():
    now = _summary(
        payback_months=20.0,
        discounted_payback_months=None,
        npv_usd=-1_234.0,
        irr_annual=None,
        roi=0.1,
        delivery_to_ai_ratio=None,
        delivery_to_ai_ratio_incl_staff=None,
        include_staff_cost=False,
    )
    then = _summary(
        payback_months=None,
        discounted_payback_months=30.5,
        npv_usd=-1_234.0,
        irr_annual=0.1,
        roi=None,
        delivery_to_ai_ratio=None,
        delivery_to_ai_ratio_incl_staff=None,
        include_staff_cost=False,
    )
    assert _rows(kpis(now, then)) == [
        ("Payback", "20.00 months", "was not within the horizon", True),  # pays back now, never did before
        ("Discounted payback", "not within the horizon", "was 30.50 months", True),  # never pays back now
        ("NPV", "-$1,234", None, False),
        ("IRR (annual)", "n/a", "was 10.0 %", False),
        ("ROI", "10.0 %", "was n/a", False),
        ("Delivery-to-AI spend ratio", "n/a (no AI spend)", None, False),  # undefined both times: no change
    ]  # fmt: skip


def test_small_kpi_changes_keep_their_sign():
    now = _summary(payback_months=11.0, npv_usd=-500.0, irr_annual=0.1004)
    then = _summary(payback_months=11.004, npv_usd=-400.0, irr_annual=0.1)
    deltas = {k.label: k.delta for k in kpis(now, then)}
    assert deltas["Payback"] == "-0.00 mo"  # rounds to nothing, still says which way
    assert deltas["NPV"] == "-$100"  # -500 - (-400): both negative, the change is still a loss
    assert deltas["IRR (annual)"] == "+0.0 pp"


def test_the_ratio_kpi_counts_staff_when_staff_is_counted():
    now = _summary(delivery_to_ai_ratio=2.25, delivery_to_ai_ratio_incl_staff=5.37, include_staff_cost=True)
    then = _summary(delivery_to_ai_ratio=2.0, delivery_to_ai_ratio_incl_staff=4.12, include_staff_cost=True)
    ratio = kpis(now, then)[-1]
    assert (ratio.label, ratio.value, ratio.delta, ratio.lower_is_better) == (
        "Delivery-to-AI ratio with staff", "5.37 : 1", "+1.25", False,
    )  # fmt: skip
    assert ratio.note is not None
    assert "Delivery-to-AI spend ratio: 2.25 : 1" in ratio.note  # both ratios named, the one shown said
    assert "Delivery-to-AI ratio with staff: 5.37 : 1" in ratio.note
    assert "counted, so this is the ratio with staff" in ratio.note
    assert "Without staff, the ratio is within the 2:1 to 3:1 of one CTO's opinion" in ratio.note  # same basis
    without = kpis(replace(now, include_staff_cost=False), replace(then, include_staff_cost=False))[-1]
    assert (without.label, without.value, without.delta) == ("Delivery-to-AI spend ratio", "2.25 : 1", "+0.25")
    assert without.note is not None and "within the 2:1 to 3:1 of one CTO's opinion" in without.note
    assert "Staff cost is not counted" in without.note


def test_the_ratio_kpi_of_real_scenarios():
    realistic = evaluate(load_scenario(ROOT / "scenarios" / "forum-post-realistic.toml")).summary
    assert realistic.include_staff_cost
    shown = kpis(realistic, realistic)[-1]
    assert shown.value == f"{realistic.delivery_to_ai_ratio_incl_staff:.2f} : 1"
    assert realistic.delivery_to_ai_ratio_incl_staff != realistic.delivery_to_ai_ratio
    assert shown.delta is None
    post = evaluate(load_scenario(FORUM)).summary
    assert not post.include_staff_cost
    assert kpis(post, post)[-1].value == "2.25 : 1"  # $450,000 of delivery spend per $200,000 of AI tools


def test_kpi_labels_formats_and_flags_come_from_the_figures_table():
    now, then = _summary(payback_months=9.0, npv_usd=1.0), _summary()
    keys = [*KPI_KEYS, "delivery_to_ai_ratio"]
    for kpi, key in zip(kpis(now, then), keys, strict=True):
        figure = FIGURES[key]
        assert (kpi.label, kpi.lower_is_better) == (figure.label, figure.lower_is_better)
        assert kpi.value == figure.show(getattr(now, key))
        assert kpi.delta == figure.change(getattr(now, key), getattr(then, key))


# ------------------------------------------------------------------ spend planner


def test_the_planner_spends_exactly_ratio_times_ai_spend_split_like_the_scenario():
    # forum post: one-time 150k, 100k, 80k, 120k (450k), no recurring; plus 50k a year of CI/CD recurring here
    scenario = with_values(load_scenario(FORUM), {"investments.ci_cd.annual_recurring": 50_000})
    plan = plan_spend(scenario, 3.0)
    assert plan is not None
    assert plan.target_ratio == 3.0
    assert plan.budget_usd == 600_000  # 3 x $200,000 of AI tools, exactly
    assert plan.by_area_usd == pytest.approx(
        {"ci_cd": 240_000, "testing": 120_000, "deployment": 96_000, "observability": 144_000}, rel=1e-12
    )  # 500k of spend scaled by 1.2: (150k + 50k), 100k, 80k, 120k
    inv = plan.scenario.investments
    assert (likely(inv.ci_cd.one_time), likely(inv.ci_cd.annual_recurring)) == pytest.approx((180_000, 60_000))
    assert likely(inv.testing.one_time) == pytest.approx(120_000)
    assert likely(inv.deployment.one_time) == pytest.approx(96_000)
    assert likely(inv.observability.one_time) == pytest.approx(144_000)
    spent = sum(likely(getattr(inv, a).one_time) + likely(getattr(inv, a).annual_recurring) for a in AREAS)
    assert spent <= plan.budget_usd * (1 + 1e-12)  # never over budget
    assert spent == pytest.approx(plan.budget_usd, rel=1e-12)  # nor under it
    assert sum(plan.by_area_usd.values()) == pytest.approx(plan.budget_usd, rel=1e-12)
    assert plan.summary == evaluate(plan.scenario).summary
    assert plan.summary.delivery_to_ai_ratio == pytest.approx(3.0)  # all areas funded, no cost risk
    assert plan.scenario.merges == scenario.merges  # benefits stay as entered


@pytest.mark.parametrize("target", [0.5, 1.0, 2.25, 2.5, 4.0])
def test_the_planner_hits_the_target_ratio(target):
    scenario = load_scenario(FORUM)
    plan = plan_spend(scenario, target)
    assert plan is not None
    assert plan.budget_usd == target * 200_000
    assert plan.summary.delivery_to_ai_ratio == pytest.approx(target, rel=1e-12)
    assert plan.summary.one_time_cost_usd + plan.summary.annual_recurring_cost_usd <= plan.budget_usd * (1 + 1e-12)
    shares = {a: v / plan.budget_usd for a, v in plan.by_area_usd.items()}
    assert shares == pytest.approx(
        {"ci_cd": 15 / 45, "testing": 10 / 45, "deployment": 8 / 45, "observability": 12 / 45}
    )


def test_the_planner_at_the_scenarios_own_ratio_changes_nothing():
    scenario = load_scenario(FORUM)
    plan = plan_spend(scenario, 2.25)
    assert plan is not None
    assert plan.summary.npv_usd == pytest.approx(evaluate(scenario).summary.npv_usd, rel=1e-12)


def test_the_planner_splits_evenly_when_the_scenario_spends_nothing():
    zero = {f"investments.{a}.one_time": 0 for a in AREAS}
    plan = plan_spend(with_values(load_scenario(FORUM), zero), 1.0)
    assert plan is not None
    assert plan.by_area_usd == dict.fromkeys(AREAS, 50_000)
    assert [likely(getattr(plan.scenario.investments, a).one_time) for a in AREAS] == [50_000] * 4


def test_no_plan_without_ai_spend():
    assert plan_spend(with_values(load_scenario(FORUM), {"ai_tools.annual_spend": 0}), 2.5) is None


# ------------------------------------------------------------------ compare table


def test_the_compare_table_side_by_side():
    a = _summary(
        payback_months=10.0,
        discounted_payback_months=None,
        npv_usd=150_000.0,
        irr_annual=0.25,
        roi=0.4,
        delivery_to_ai_ratio=2.5,
        delivery_to_ai_ratio_incl_staff=3.1,
        upfront_investment_usd=450_000.0,
        annual_recurring_cost_usd=12_000.0,
        monthly_benefit_usd=38_237.4,
        horizon_months=36,
    )
    b = _summary(
        payback_months=None,
        discounted_payback_months=30.5,
        npv_usd=-1_234.0,
        irr_annual=None,
        roi=None,
        delivery_to_ai_ratio=None,
        delivery_to_ai_ratio_incl_staff=None,
        upfront_investment_usd=0.0,
        annual_recurring_cost_usd=0.0,
        monthly_benefit_usd=0.0,
        horizon_months=60,
    )
    assert compare_table({"A": a, "B": b}) == [
        {"figure": "Payback", "A": "10.00 months", "B": "not within the horizon"},
        {"figure": "Discounted payback", "A": "not within the horizon", "B": "30.50 months"},
        {"figure": "NPV", "A": "$150,000", "B": "-$1,234"},
        {"figure": "IRR (annual)", "A": "25.0 %", "B": "n/a"},
        {"figure": "ROI", "A": "40.0 %", "B": "n/a"},
        {"figure": "Delivery-to-AI spend ratio", "A": "2.50 : 1", "B": "n/a (no AI spend)"},
        {"figure": "Delivery-to-AI ratio with staff", "A": "3.10 : 1", "B": "n/a (no AI spend)"},
        {"figure": "Investment (one-time + staff)", "A": "$450,000", "B": "$0"},
        {"figure": "Recurring cost per year", "A": "$12,000", "B": "$0"},
        {"figure": "Benefit per month at full ramp", "A": "$38,237", "B": "$0"},
        {"figure": "Horizon", "A": "36 months", "B": "60 months"},
    ]  # fmt: skip


def test_the_compare_table_of_real_scenarios_keeps_their_order():
    summaries = {p.stem: evaluate(load_scenario(p)).summary for p in SCENARIOS}
    rows = compare_table(summaries)
    assert [r["figure"] for r in rows] == [FIGURES[k].label for k in COMPARE_KEYS]
    for row in rows:
        assert list(row) == ["figure", *summaries]
    npv = next(r for r in rows if r["figure"] == "NPV")
    assert npv == {"figure": "NPV", **{n: FIGURES["npv_usd"].show(s.npv_usd) for n, s in summaries.items()}}
