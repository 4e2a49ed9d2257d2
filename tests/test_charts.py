"""The charts a CFO reads: every public chart validates, renders, carries the model's numbers, and reads in words.

Each chart is checked three ways: its Vega-Lite spec (altair validates it against the schema), its data (against
`roi.evaluate` and the simulation), and its picture (rendered to SVG by vl-convert, whose axis ticks, legend
entries and texts are read back). The money tick formatter is checked against its Python twin on a table.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pytest
import vl_convert as vlc

from roi import charts
from roi.model import Result, cash_flows, evaluate, likely_values
from roi.scenario import AREA_LABELS, AREAS, STREAM_LABELS, STREAMS, Scenario, field_label, load_scenario
from roi.uncertainty import Simulation, simulate, tornado
from tests.conftest import CODE_NAME, FORUM, ROOT

REALISTIC = ROOT / "scenarios" / "forum-post-realistic.toml"
PHASED = ROOT / "scenarios" / "enterprise-phased.toml"


# ---------------------------------------------------------------- cases (computed once)


@cache
def scenario(path: Path, *overrides: str) -> Scenario:
    return load_scenario(path, overrides)


@cache
def result(path: Path, *overrides: str) -> Result:
    return evaluate(scenario(path, *overrides))


@cache
def simulation(path: Path, *overrides: str, draws: int = 400) -> Simulation:
    return simulate(scenario(path, *overrides), draws=draws, seed=0)


#: A plan that never pays back: barely better merges and cheap outages.
NEVER = ("merges.success_rate_after=0.75", "incidents.downtime_cost_per_hour=100")


def all_charts(path: Path) -> dict[str, charts.ChartSpec]:
    """Every public chart of one scenario."""
    r = result(path)
    sc = r.scenario
    sim = simulation(path)
    return {
        "cumulative": charts.cumulative_chart(r),
        "streams": charts.benefit_by_stream_chart(r),
        "waste": charts.waste_vs_investment_chart(r),
        "split": charts.spend_split_chart(sc, r.summary.staff_cost_usd),
        "compare": charts.compare_chart({"Forum post": result(FORUM), "CFO-corrected": result(REALISTIC)}),
        "histogram": charts.payback_distribution_chart(sim),
        "tornado": charts.tornado_chart(tornado(sc), r.summary.npv_usd),
        "fan": charts.fan_chart(sim),
        "timeline": charts.plan_timeline_chart(r),
    }


# ---------------------------------------------------------------- reading a spec and its picture


def validate(spec: charts.ChartSpec) -> None:
    """Altair builds the spec (validating it against the Vega-Lite schema), data inlined."""
    d = spec.to_json_dict()
    cls = alt.LayerChart if "layer" in d else alt.VConcatChart if "vconcat" in d else alt.Chart
    cls.from_dict(d, validate=True)


@cache
def _svg(spec_json: str) -> str:
    spec = json.loads(spec_json)
    return str(vlc.vegalite_to_svg(spec, vl_version=charts._vl_version(), allowed_base_urls=[]))


def svg(spec: charts.ChartSpec, width: int = 720) -> str:
    return _svg(json.dumps(charts._sized(spec, width)))


def _classes(el: ET.Element) -> set[str]:
    return set(el.get("class", "").split())


def _texts(el: ET.Element, role: str) -> list[str]:
    return [
        "".join(t.itertext())
        for g in el.iter()
        if g.tag.endswith("g") and role in _classes(g)
        for t in g.iter()
        if t.tag.endswith("text")
    ]


def axes(picture: str) -> list[dict[str, Any]]:
    """Each axis of the picture: its title and its tick labels, in drawing order."""
    root = ET.fromstring(picture)
    out = []
    for g in root.iter():
        if g.tag.endswith("g") and {"mark-group", "role-axis"} <= _classes(g):
            labels = _texts(g, "role-axis-label")
            titles = _texts(g, "role-axis-title")
            if labels or titles:  # a grid is drawn as an axis of its own, without labels
                out.append({"title": titles[0] if titles else None, "labels": labels})
    return out


def legend_labels(picture: str) -> list[str]:
    return _texts(ET.fromstring(picture), "role-legend-label")


def all_texts(picture: str) -> list[str]:
    root = ET.fromstring(picture)
    return ["".join(t.itertext()) for t in root.iter() if t.tag.endswith("text")]


def axis(picture: str, title: str) -> dict[str, Any]:
    found = [a for a in axes(picture) if a["title"] == title]
    assert found, f"no axis titled {title!r} in {[a['title'] for a in axes(picture)]}"
    return found[0]


def walk(node: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) in a nested spec."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield k, v
            yield from walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v)


def units(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The unit (single-mark) specs of a template, through layers and concatenations."""
    if "layer" in spec or "vconcat" in spec:
        return [u for child in spec.get("layer", []) + spec.get("vconcat", []) for u in units(child)]
    return [spec]


def unit_for(spec: charts.ChartSpec, dataset: str, mark: str | None = None) -> dict[str, Any]:
    found = [
        u
        for u in units(spec.template)
        if u.get("data", {}).get("name") == dataset
        and (mark is None or (u["mark"] if isinstance(u["mark"], str) else u["mark"]["type"]) == mark)
    ]
    assert found, f"no {mark or 'mark'} on dataset {dataset}"
    return found[0]


def money_axes(spec: charts.ChartSpec) -> list[dict[str, Any]]:
    """Axes with a label expression other than the percentage's: money."""
    shares = charts.PERCENT_LABEL_EXPR
    axes = [v for k, v in walk(spec.template) if k == "axis" and isinstance(v, dict)]
    return [a for a in axes if a.get("labelExpr", shares) != shares]


# ---------------------------------------------------------------- money on an axis

MONEY_TABLE = [
    (1_500_000, "$1.5M"),
    (250_000, "$250K"),
    (-450_000, "-$450K"),
    (0, "$0"),
    (12_000_000, "$12M"),
    (16_000_000, "$16M"),
    (1_000_000, "$1M"),
    (1_250_000, "$1.25M"),
    (-1_000_000, "-$1M"),
    (500, "$500"),
    (2_500_000_000, "$2.5B"),
    (999, "$999"),
    (100_000, "$100K"),
    (200_000, "$200K"),
    (-50_000, "-$50K"),
]


@pytest.mark.parametrize(("value", "label"), MONEY_TABLE)
def test_money_label(value: float, label: str) -> None:
    assert charts.money_label(value) == label


def test_money_short_reads_three_digits() -> None:
    assert charts.money_short(42_616.48) == "$42.6K"
    assert charts.money_short(1_074_000) == "$1.07M"
    assert charts.money_short(-739_412) == "-$739K"


def _labels_rendered(values: list[float]) -> list[str]:
    """The money labelExpr evaluated by Vega itself: an axis with exactly these tick values, read back."""
    spec = {
        "data": {"values": [{"x": v} for v in values]},
        "mark": "point",
        "encoding": {
            "x": {
                "field": "x",
                "type": "quantitative",
                "axis": {"values": values, "labelExpr": charts.MONEY_LABEL_EXPR, "labelOverlap": False},
            }
        },
        "width": 4000,
    }
    picture = str(vlc.vegalite_to_svg(spec, vl_version=charts._vl_version(), allowed_base_urls=[]))
    labels: list[str] = axes(picture)[0]["labels"]
    return labels


def test_money_label_expr_is_the_twin_of_money_label() -> None:
    rng = np.random.default_rng(0)
    # round values as ticks are (multiples of 1, 2, 2.5 or 5 times a power of ten), both signs, many magnitudes
    steps = np.array([1, 2, 2.5, 5])[rng.integers(0, 4, 60)] * 10.0 ** rng.integers(0, 9, 60)
    values = sorted({float(v) for v in steps * rng.integers(-12, 13, 60)} | {float(v) for v, _ in MONEY_TABLE})
    assert Counter(_labels_rendered(values)) == Counter(charts.money_label(v) for v in values)


def test_money_ticks_of_neighbouring_round_values_are_distinct() -> None:
    # the old "$,.0s" format read $100k $100k $200k $200k for these ticks
    values = [0, 50_000, 100_000, 150_000, 200_000, 250_000, 1_000_000, 1_500_000, 15_500_000, 16_000_000]
    labels = [charts.money_label(v) for v in values]
    assert len(set(labels)) == len(labels)
    assert labels[-2:] == ["$15.5M", "$16M"]


# ---------------------------------------------------------------- every chart, every case

CASES = [FORUM, REALISTIC, PHASED]
NAMES = ["cumulative", "streams", "waste", "split", "compare", "histogram", "tornado", "fan", "timeline"]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
@pytest.mark.parametrize("name", NAMES)
def test_every_chart_validates_renders_and_reads_in_words(path: Path, name: str) -> None:
    spec = all_charts(path)[name]
    validate(spec)
    picture = svg(spec)
    assert picture.startswith("<svg")
    # every tick label of every axis is distinct
    for a in axes(picture):
        assert len(a["labels"]) == len(set(a["labels"])), (a["title"], a["labels"])
    # money axes read through the money formatter and carry their unit
    for money in money_axes(spec):
        assert money["labelExpr"] == charts.MONEY_LABEL_EXPR
        assert "(USD)" in money["title"]
    for a in axes(picture):
        if a["title"] and "(USD)" in a["title"]:
            assert all(re.fullmatch(r"-?\$\d+(\.\d+)?[KMB]?", label) for label in a["labels"]), a["labels"]
        if a["title"] == "Share of draws":
            assert all(re.fullmatch(r"\d+(\.\d+)? %", label) for label in a["labels"]), a["labels"]
    # no code name anywhere a reader looks: the picture's texts, every title and tooltip title of the spec
    texts = all_texts(picture)
    texts += [v for k, v in walk(spec.template) if k == "title" and isinstance(v, str)]
    texts += [v["text"] for k, v in walk(spec.template) if k == "title" and isinstance(v, dict) and "text" in v]
    for text in texts:
        assert not CODE_NAME.search(text), text
    # the theme is on every template
    assert spec.template["config"]["font"] == charts.THEME["font"]


@pytest.mark.parametrize("name", NAMES)
def test_every_chart_renders_to_png(name: str, tmp_path: Path) -> None:
    """The memo's and the slides' images; ROI_CHARTS_DIR keeps them for a look (e.g. /tmp/charts)."""
    spec = all_charts(REALISTIC)[name]
    png = charts.to_png(spec, width=760)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    assert 760 * 2 - 80 <= width <= 760 * 2 + 80  # scale 2, about the width asked for
    keep = Path(os.environ.get("ROI_CHARTS_DIR", tmp_path))
    keep.mkdir(parents=True, exist_ok=True)
    (keep / f"{REALISTIC.stem}-{name}.png").write_bytes(png)
    assert charts.to_svg(spec, width=760).startswith("<svg")


def test_templates_are_built_once_per_shape() -> None:
    first = charts.cumulative_chart(result(FORUM))
    again = charts.cumulative_chart(result(REALISTIC))  # same horizon: the same template
    assert first.template is again.template
    assert first.datasets["flows"] is not again.datasets["flows"]


def test_to_dict_feeds_streamlit_dataframes() -> None:
    spec = charts.cumulative_chart(result(FORUM)).to_dict()
    assert all(isinstance(v, pd.DataFrame) for v in spec["datasets"].values())
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}  # height is the plot's: nothing squashed


def test_json_dict_has_no_infinities_or_numpy_scalars() -> None:
    frame = pd.DataFrame({"a": [np.inf, 1.0, np.nan], "b": np.array([1, 2, 3], dtype=np.int64)})
    spec = charts.ChartSpec({"mark": "point"}, {"d": frame})
    json.dumps(spec.to_json_dict(), allow_nan=False)
    assert spec.to_json_dict()["datasets"]["d"][0] == {"a": None, "b": 1}


# ---------------------------------------------------------------- cumulative cash flow


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_cumulative_chart_lines_are_the_models(path: Path) -> None:
    r = result(path)
    spec = charts.cumulative_chart(r)
    flows = spec.datasets["flows"]
    plain = flows[flows["series"] == charts.CUMULATIVE]
    discounted = flows[flows["series"] == charts.DISCOUNTED]
    np.testing.assert_allclose(plain["usd"], r.monthly["cumulative_usd"])
    np.testing.assert_allclose(discounted["usd"], r.monthly["cumulative_discounted_usd"])
    np.testing.assert_array_equal(plain["month"], r.monthly["month"])
    assert spec.datasets["zero"]["usd"].tolist() == [0.0]


def _line_tops_and_label_bottoms(picture: str, labels: list[str]) -> tuple[float, float]:
    """The highest point of the lines and the lowest edge of the given labels, in the plot's pixels."""
    root = ET.fromstring(picture)
    ys = [
        float(y)
        for g in root.iter()
        if "mark-line" in _classes(g)
        for path in g.iter()
        if path.tag.endswith("path")
        for y in re.findall(r"[ML][-\d.e]+,([-\d.e]+)", path.get("d", ""))
    ]
    bottoms = [
        float(re.findall(r"translate\([-\d.e]+,([-\d.e]+)\)", t.get("transform", ""))[0]) + 15
        for t in root.iter()
        if t.tag.endswith("text") and "".join(t.itertext()) in labels
    ]
    assert ys and len(bottoms) == len(labels)
    return min(ys), max(bottoms)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
@pytest.mark.parametrize("height", [160, 320])
def test_cumulative_chart_labels_stay_clear_of_the_lines(path: Path, height: int) -> None:
    """The memo draws the page's spec 160 pixels high: the y domain leaves room for the labels at any height."""
    spec = charts.cumulative_chart(result(path))
    spec = charts.ChartSpec({**spec.template, "height": height}, spec.datasets, spec.message)
    scale = unit_for(spec, "flows", "line")["encoding"]["y"]["scale"]
    assert {"data('flows')", "data('marks')", "height"} <= set(
        re.findall(r"data\('\w+'\)|height", scale["domainMax"]["expr"])
    )
    lines_top, labels_bottom = _line_tops_and_label_bottoms(svg(spec), spec.datasets["marks"]["text"].tolist())
    assert labels_bottom <= lines_top


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_cumulative_chart_marks_both_paybacks(path: Path) -> None:
    r = result(path)
    marks = charts.cumulative_chart(r).datasets["marks"]
    rules = marks[marks["rule"]]
    assert r.summary.payback_months is not None and r.summary.discounted_payback_months is not None
    assert rules["at"].tolist() == pytest.approx([r.summary.payback_months, r.summary.discounted_payback_months])
    assert rules["text"].tolist() == [
        f"Payback {r.summary.payback_months:.1f} months",
        f"Discounted payback {r.summary.discounted_payback_months:.1f} months",
    ]
    # labels inside the plot, from the top down
    assert (marks["y"] > 0).all() and (marks["top"] >= 0).all()
    picture = svg(charts.cumulative_chart(r))
    texts = all_texts(picture)
    assert all(text in texts for text in rules["text"])


def test_cumulative_chart_encodings_and_legend() -> None:
    spec = charts.cumulative_chart(result(REALISTIC))
    lines = unit_for(spec, "flows", "line")
    enc = lines["encoding"]
    assert enc["x"]["field"] == "month" and enc["x"]["axis"]["title"] == "Month"
    assert enc["x"]["axis"]["values"] == [0, 6, 12, 18, 24, 30, 36]  # whole, round months
    assert enc["y"]["field"] == "usd" and enc["y"]["axis"]["title"] == "Cumulative (USD)"
    series = [charts.CUMULATIVE, charts.DISCOUNTED, charts.CASH_ONLY]
    for channel in ("color", "strokeDash"):
        assert enc[channel]["field"] == "series"
        assert enc[channel].get("legend") is not None  # a legend, not disabled
        assert enc[channel]["scale"]["domain"] == series
    assert enc["strokeDash"]["scale"]["range"][1] != [1, 0]  # dashed = discounted, and the legend says so
    assert legend_labels(svg(spec)) == series


def test_cumulative_chart_says_when_there_is_no_payback() -> None:
    r = result(REALISTIC, *NEVER)
    assert r.summary.payback_months is None
    spec = charts.cumulative_chart(r)
    marks = spec.datasets["marks"]
    assert not marks["rule"].any()
    assert marks["text"].tolist() == ["Payback and discounted payback: not within the 36-month horizon"]
    assert marks["text"].iloc[0] in all_texts(svg(spec))


def test_rule_labels_never_cross_another_rule() -> None:
    """Two labels whose text spans the other's rule: the spanned rule starts below the label that spans it."""
    cases = ([11.8, 12.4], [30.9, 34.8], [2.0, 3.0, 35.0], [10.0, 18.0, 19.0, 20.0], [1.0, 35.5], [12.0, 12.0])
    for ats in cases:
        text = "Payback at month 00.0"
        rows: list[dict[str, Any]] = [{"at": at, "text": text, "colour": "#000"} for at in ats]
        marks = charts._rule_labels(rows, 0, 36)
        width = (len(text) * charts.LABEL_CHAR_PX + 10) * 36 / charts.ASSUMED_PLOT_PX
        for i, a in marks.iterrows():
            lo, hi = (a["at"] - width, a["at"]) if a["align"] == "right" else (a["at"], a["at"] + width)
            assert lo >= 0 - 1e-9 and hi <= 36 + 1e-9  # inside the plot
            for j, b in marks.iterrows():
                if i != j and b["at"] != a["at"] and lo <= b["at"] <= hi:
                    assert b["row"] > a["row"], (ats, marks)
                if i != j and a["row"] == b["row"]:
                    other = (b["at"] - width, b["at"]) if b["align"] == "right" else (b["at"], b["at"] + width)
                    assert hi <= other[0] or other[1] <= lo, (ats, marks)


# ---------------------------------------------------------------- benefit by stream


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_benefit_by_stream_sums_to_the_benefit(path: Path) -> None:
    r = result(path)
    spec = charts.benefit_by_stream_chart(r)
    long = spec.datasets["streams"]
    assert set(long["stream"]) <= set(STREAM_LABELS.values())
    total = long.groupby("month")["usd"].sum()
    paid = r.monthly[r.monthly["month"] >= 1].set_index("month")["benefit_usd"]
    np.testing.assert_allclose(total.to_numpy(), paid.to_numpy(), rtol=1e-9, atol=1e-6)
    enc = unit_for(spec, "streams", "bar")["encoding"]
    assert enc["color"]["legend"] is not None and enc["color"]["title"] == "Benefit stream"
    shown = [STREAM_LABELS[s] for s in STREAMS if bool((r.monthly[f"{s}_usd"] != 0).any())]
    assert enc["color"]["scale"]["domain"] == shown
    assert enc["color"]["scale"]["range"] == [charts.THEME["streams"][s] for s in STREAMS if STREAM_LABELS[s] in shown]
    assert legend_labels(svg(spec)) == shown


# ---------------------------------------------------------------- the cost of doing nothing


@pytest.mark.parametrize("path", [FORUM, REALISTIC], ids=lambda p: p.stem)
def test_waste_chart_total_avoidable_and_plan(path: Path) -> None:
    r = result(path)
    spec = charts.waste_vs_investment_chart(r)
    long = spec.datasets["costs"]
    plan = charts.PLAN_COST if r.scenario.finance.include_staff_cost else charts.PLAN_COST_NO_STAFF
    series = {name: frame["usd"].to_numpy() for name, frame in long.groupby("series")}
    assert set(series) == {charts.DOING_NOTHING, charts.AVOIDABLE, plan}
    m = r.monthly
    np.testing.assert_allclose(series[charts.DOING_NOTHING], m["baseline_waste_usd"].cumsum())
    np.testing.assert_allclose(series[charts.AVOIDABLE], m["merges_usd"].cumsum())
    np.testing.assert_allclose(series[plan], -(m["one_time_usd"] + m["staff_usd"] + m["recurring_usd"]).cumsum())
    assert (series[charts.AVOIDABLE] <= series[charts.DOING_NOTHING] + 1e-6).all()  # a part of the total
    enc = unit_for(spec, "costs", "line")["encoding"]
    assert enc["color"]["legend"] is not None and enc["strokeDash"]["legend"] is not None
    assert enc["y"]["axis"]["title"] == "Cumulative cost (USD)"
    assert legend_labels(svg(spec)) == [charts.DOING_NOTHING, charts.AVOIDABLE, plan]


# ---------------------------------------------------------------- where the money goes


@pytest.mark.parametrize("path", [FORUM, REALISTIC], ids=lambda p: p.stem)
def test_spend_split_every_label_and_staff_as_counted(path: Path) -> None:
    r = result(path)
    sc = r.scenario
    spec = charts.spend_split_chart(sc, r.summary.staff_cost_usd)
    frame = spec.datasets["split"]
    counted = sc.finance.include_staff_cost
    staff = charts.STAFF if counted else charts.STAFF_NOT_COUNTED
    assert set(frame["kind"]) == {charts.ONE_TIME, charts.PER_YEAR, staff}
    assert frame.loc[frame["kind"] == staff, "usd"].sum() == pytest.approx(r.summary.staff_cost_usd)
    assert frame.loc[frame["area"] == charts.AI_TOOLS, "usd"].sum() == pytest.approx(200_000)
    enc = unit_for(spec, "split", "bar")["encoding"]
    colours = dict(zip(enc["color"]["scale"]["domain"], enc["color"]["scale"]["range"], strict=True))
    if not counted:
        grey = colours[charts.STAFF_NOT_COUNTED]
        assert grey == charts.THEME["staff_not_counted"]
        assert len({grey[1:3], grey[3:5], grey[5:7]}) == 1  # a grey, not red
    # a sensible height: a fixed step per row, so the five rows never squash
    assert spec.template["height"]["step"] >= 30
    picture = svg(spec)
    rows = axes(picture)[[a["title"] for a in axes(picture)].index(None)]["labels"]
    assert rows == [charts.AI_TOOLS, *(AREA_LABELS[a] for a in AREAS)]
    assert legend_labels(picture) == charts.spend_kinds(counted)
    assert axis(picture, "Spend (USD)")["labels"][0] == "$0"


# ---------------------------------------------------------------- scenarios compared


def test_compare_chart_lines_and_paybacks() -> None:
    results = {"Forum post": result(FORUM), "CFO-corrected": result(REALISTIC)}
    spec = charts.compare_chart(results)
    data = spec.datasets["compare"]
    for name, r in results.items():
        np.testing.assert_allclose(data.loc[data["scenario"] == name, "usd"], r.monthly["cumulative_usd"])
    paybacks = spec.datasets["paybacks"].set_index("scenario")["month"]
    assert paybacks["Forum post"] == pytest.approx(result(FORUM).summary.payback_months)
    enc = unit_for(spec, "compare", "line")["encoding"]
    assert enc["color"]["legend"] is not None
    assert legend_labels(svg(spec)) == list(results)  # in the order given


# ---------------------------------------------------------------- payback across the draws


@pytest.mark.parametrize("path", [FORUM, REALISTIC], ids=lambda p: p.stem)
def test_histogram_bars_and_percentiles(path: Path) -> None:
    sim = simulation(path)
    spec = charts.payback_distribution_chart(sim)
    assert spec.message is None
    bins = spec.datasets["bins"]
    payback = sim.metrics.payback_months
    finite = payback[np.isfinite(payback)]
    assert int(bins["draws"].sum()) == finite.size
    assert bins["share"].sum() == pytest.approx(finite.size / payback.size)
    assert bins["start"].iloc[0] <= finite.min() and bins["end"].iloc[-1] >= finite.max()
    marks = spec.datasets["marks"]
    q = sim.percentiles()["payback_months"]
    rules = marks[marks["rule"]]
    assert rules["at"].tolist() == pytest.approx([q[k] for k in ("p10", "p50", "p90") if q[k] is not None])
    assert all(t.startswith(("P10 ", "P50 ", "P90 ")) for t in rules["text"])
    enc = unit_for(spec, "bins", "bar")["encoding"]
    assert "y2" in enc and "x2" in enc  # bars from zero: not floating dashes
    assert enc["y"]["axis"]["title"] == "Share of draws"
    assert enc["x"]["title"] == "Payback (months)"
    # P10 / P50 / P90 are written inside the plot
    texts = all_texts(svg(spec))
    assert all(t in texts for t in rules["text"])


def test_histogram_with_no_draw_paying_back_is_a_sentence() -> None:
    sim = simulation(REALISTIC, *NEVER, draws=200)
    assert np.isinf(sim.metrics.payback_months).all()
    spec = charts.payback_distribution_chart(sim)
    assert spec.message == "No draw pays back within the horizon (36 months)."
    validate(spec)
    picture = svg(spec)
    assert axes(picture) == []  # no empty axes, no "0.000000" tick
    assert all_texts(picture) == [spec.message]


def test_histogram_says_how_many_draws_never_pay_back() -> None:
    sim = simulation(REALISTIC, "merges.success_rate_after=0.85", draws=400)
    never = float(np.isinf(sim.metrics.payback_months).mean())
    assert 0 < never < 1
    marks = charts.payback_distribution_chart(sim).datasets["marks"]
    notes = marks[~marks["rule"]]["text"].tolist()
    assert len(notes) == 1 and notes[0].startswith(f"{never * 100:.0f} % of draws never pay back")


# ---------------------------------------------------------------- the fan


def test_fan_chart_bands_are_the_draws_percentiles(monkeypatch: pytest.MonkeyPatch) -> None:
    sim = simulation(REALISTIC)
    net = cash_flows(sim.scenario, sim.inputs).net_flow_usd  # all draws at once, for the check
    expected = np.quantile(np.cumsum(net, axis=1), [0.1, 0.5, 0.9], axis=0, method="inverted_cdf")
    monkeypatch.setattr("roi.model.CHUNK_CELLS", 37 * 64)  # force several chunks
    spec = charts.fan_chart(sim)
    bands, median = spec.datasets["bands"], spec.datasets["median"]
    np.testing.assert_allclose(bands["low"], expected[0], rtol=1e-5, atol=1.0)
    np.testing.assert_allclose(median["usd"], expected[1], rtol=1e-5, atol=1.0)
    np.testing.assert_allclose(bands["high"], expected[2], rtol=1e-5, atol=1.0)
    assert (bands["low"] <= median["usd"] + 1e-6).all() and (median["usd"] <= bands["high"] + 1e-6).all()
    for dataset, mark in (("bands", "area"), ("median", "line")):
        enc = unit_for(spec, dataset, mark)["encoding"]
        assert enc["color"]["field"] == "series" and enc["color"]["legend"] is not None
    assert legend_labels(svg(spec)) == [charts.FAN_BAND, charts.FAN_MEDIAN]


def test_fan_chart_takes_the_draws_as_an_array() -> None:
    sim = simulation(REALISTIC)
    draws = charts.cumulative_draws(sim)
    assert draws.shape == (sim.draws, 37)
    given = charts.fan_chart(sim, draws)
    assert given.datasets["median"]["usd"].tolist() == charts.fan_chart(sim).datasets["median"]["usd"].tolist()
    with pytest.raises(ValueError, match="shaped"):
        charts.fan_chart(sim, draws[:, :10])


def test_fan_chart_discounted_ends_at_the_discounted_npv() -> None:
    """With no range the fan is one line: the likely case, whose discounted cumulative ends at the NPV."""
    sc = scenario(FORUM, "merges.fix_hours=3")
    sim = simulate(sc, draws=20, seed=0)
    spec = charts.fan_chart(sim, discounted=True)
    assert spec.datasets["median"]["usd"].iloc[-1] == pytest.approx(evaluate(sc).summary.npv_usd, rel=1e-5)
    assert unit_for(spec, "bands", "area")["encoding"]["y"]["axis"]["title"] == "Discounted cumulative flow (USD)"


# ---------------------------------------------------------------- the plan's schedule


@pytest.mark.parametrize("path", [REALISTIC, PHASED], ids=lambda p: p.stem)
def test_timeline_builds_and_costs_are_the_plans(path: Path) -> None:
    r = result(path)
    spec = charts.plan_timeline_chart(r)
    values = likely_values(r.scenario)
    phases = spec.datasets["phases"]
    for area in AREAS:
        rows = phases[phases["area"] == AREA_LABELS[area]]
        build = rows[rows["phase"] == charts.BUILD]
        start = values[f"investments.{area}.start_month"]
        assert build["start"].tolist() == [start]
        assert build["end"].tolist() == [start + values[f"investments.{area}.build_months"]]
        assert rows["end"].max() == r.summary.horizon_months
    costs = spec.datasets["costs"].groupby("month")["usd"].sum()
    m = r.monthly.set_index("month")
    expected = -(m["one_time_usd"] + m["staff_usd"] + m["recurring_usd"])
    np.testing.assert_allclose(costs.reindex(m.index, fill_value=0.0), expected, atol=1e-6)
    stacked = spec.datasets["costs"]
    np.testing.assert_allclose(stacked["top"] - stacked["bottom"], stacked["usd"])
    picture = svg(spec)
    assert [a["labels"] for a in axes(picture) if a["title"] == "Spend area"] == [[AREA_LABELS[a] for a in AREAS]]
    assert axis(picture, "Cost by month (USD)")["labels"][0] == "$0"
    labels = legend_labels(picture)
    assert labels[:3] == [charts.BUILD, charts.RAMP, charts.FULL]
    assert labels[3:] == [charts.COST_ONE_TIME, charts.COST_STAFF, charts.COST_RECURRING]


def test_timeline_marks_areas_not_funded() -> None:
    r = result(REALISTIC, "investments.observability.include=false")
    spec = charts.plan_timeline_chart(r)
    assert AREA_LABELS["observability"] not in set(spec.datasets["phases"]["area"])
    assert spec.datasets["unfunded"].to_dict("records") == [
        {"area": AREA_LABELS["observability"], "x": 0.0, "text": charts.NOT_FUNDED}
    ]
    assert charts.NOT_FUNDED in all_texts(svg(spec))


# ---------------------------------------------------------------- tornado


def test_tornado_inputs_in_words_and_npvs_from_the_table() -> None:
    sc = scenario(REALISTIC)
    table = tornado(sc)
    base = result(REALISTIC).summary.npv_usd
    spec = charts.tornado_chart(table, base)
    bars = spec.datasets["bars"]
    for row in table.to_dict("records"):
        path = str(row["input"])
        label = charts.input_label(path, float(row["low"]), float(row["high"]))
        assert label.startswith(field_label(path))
        mine = bars[bars["input"] == label].set_index("end")["npv"]
        assert mine[charts.AT_LOW] == pytest.approx(row["npv_low_usd"])
        assert mine[charts.AT_HIGH] == pytest.approx(row["npv_high_usd"])
    assert (bars["base"] == base).all()
    assert spec.datasets["base"]["npv"].tolist() == [base]
    assert charts.input_label("merges.fix_hours", 2, 4) == "Hours to fix one failed merge (2 h to 4 h)"
    picture = svg(spec)
    order = list(dict.fromkeys(bars["input"]))
    assert axes(picture)[[a["title"] for a in axes(picture)].index(None)]["labels"] == order  # widest on top
    assert f"Likely case: NPV {charts.money_short(base)}" in all_texts(picture)
    assert legend_labels(picture) == [charts.AT_LOW, charts.AT_HIGH]
    assert axis(picture, "NPV (USD)")


def test_tornado_without_ranges_is_a_sentence() -> None:
    spec = charts.tornado_chart(tornado(scenario(FORUM, "merges.fix_hours=3")), 0.0)
    assert spec.message is not None
    validate(spec)


# ---------------------------------------------------------------- one theme


def test_one_theme_for_every_template() -> None:
    config = charts.vega_lite_config()
    for name, spec in all_charts(REALISTIC).items():
        for key in ("font", "axis", "legend"):
            assert spec.template["config"][key] == config[key], name
    assert set(charts.THEME["streams"]) == set(STREAMS) and set(charts.THEME["areas"]) == set(AREAS)


CHART_FUNCTIONS: list[Callable[..., charts.ChartSpec]] = [
    charts.cumulative_chart,
    charts.benefit_by_stream_chart,
    charts.waste_vs_investment_chart,
    charts.spend_split_chart,
    charts.compare_chart,
    charts.payback_distribution_chart,
    charts.tornado_chart,
    charts.fan_chart,
    charts.plan_timeline_chart,
]


def test_every_public_chart_function_is_covered() -> None:
    public = {
        name
        for name in dir(charts)
        if name.endswith("_chart") and not name.startswith("_") and callable(getattr(charts, name))
    }
    assert public == {f.__name__ for f in CHART_FUNCTIONS} | {"message_chart"}


# ---------------------------------------------------------------- format v3: cash apart from engineer time


def test_the_cumulative_chart_has_a_cash_only_line_in_its_legend() -> None:
    r = result(FORUM)
    spec = charts.cumulative_chart(r)
    flows = spec.datasets["flows"]
    cash = flows[flows["series"] == charts.CASH_ONLY]
    table = r.horizon_monthly
    assert cash["month"].tolist() == table["month"].tolist()
    assert np.allclose(cash["usd"], table["cumulative_cash_usd"])
    assert charts.CASH_ONLY in legend_labels(svg(spec))


def test_charts_of_the_horizon_stop_at_the_horizon_with_continuing_months() -> None:
    r = result(FORUM, "schema_version=3", "finance.continuing_months=24")
    assert len(r.monthly) > len(r.horizon_monthly)
    horizon = r.summary.horizon_months
    assert charts.cumulative_chart(r).datasets["flows"]["month"].max() == horizon
    assert charts.benefit_by_stream_chart(r).datasets["streams"]["month"].max() == horizon
    assert charts.waste_vs_investment_chart(r).datasets["costs"]["month"].max() == horizon
    assert charts.compare_chart({"a": r}).datasets["compare"]["month"].max() == horizon


def test_a_case_of_cash_alone_draws_no_hidden_cash_line() -> None:
    r = result(FORUM, "merges.success_rate_after=0.708")  # no failed merge saved: one-time cash costs alone
    assert not charts.has_cash_line(r)
    spec = charts.cumulative_chart(r)
    assert charts.CASH_ONLY not in set(spec.datasets["flows"]["series"])
    assert charts.CASH_ONLY not in legend_labels(svg(spec))
