"""The delivery ROI calculator's page: inputs in the sidebar, answers at a glance, then the detail in tabs.

Run with `make run` (streamlit run app.py -- --scenario FILE). All computing happens in the `roi` package;
this file only lays out widgets, calls into it (cached), and shows the results.
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from roi import charts, explore, uncertainty
from roi import ci_import as ci
from roi import formatting as fmt
from roi.errors import RoiError
from roi.exports import memo_html_bytes, monthly_csv, workbook_xlsx
from roi.model import Result, evaluate
from roi.scenario import (
    AREA_LABELS,
    AREAS,
    FIELDS,
    OPTIONAL_SECTIONS,
    Range,
    Scenario,
    dump_scenario,
    field_info,
    load_scenario,
    loads_scenario,
    scenario_from_dict,
    section_model,
)

SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"
DEFAULT_FILE = "forum-post"
MAX_UPLOAD_BYTES = 1_000_000
SECTION_TITLES = {
    "team": "Team",
    "ai_tools": "AI tools",
    "merges": "Failed merges",
    "builds": "Builds",
    "incidents": "Incidents",
    "lead_time": "Lead time",
    "growth": "Growth",
}
AREA_TITLES = {a: f"Invest: {t}" for a, t in AREA_LABELS.items()}
FINANCE_FIELDS = ("horizon_months", "annual_discount_rate", "ramp_months", "include_staff_cost")
PAYBACK_TARGETS = (12, 18)  # months, offered for break-even when the horizon reaches them

st.set_page_config(page_title="Delivery ROI calculator", page_icon=":material/savings:", layout="wide")
ss = st.session_state


# ------------------------------------------------------------------ cached calls into roi (keyed by TOML text)


@st.cache_data(max_entries=256, show_spinner=False)
def evaluated(toml_text: str) -> Result:
    return evaluate(loads_scenario(toml_text))


@st.cache_data(max_entries=32, show_spinner="Simulating...")
def simulated(toml_text: str, draws: int, seed: int) -> uncertainty.Simulation:
    return uncertainty.simulate(loads_scenario(toml_text), draws, seed)


@st.cache_data(max_entries=32, show_spinner=False)
def sensitivity(toml_text: str, target_months: float) -> tuple[pd.DataFrame, list[uncertainty.BreakEven]]:
    scenario = loads_scenario(toml_text)
    return uncertainty.tornado(scenario), uncertainty.break_even(scenario, target_months)


@st.cache_data(max_entries=16, show_spinner=False)
def download_bytes(toml_text: str, kind: str) -> bytes:
    result = evaluated(toml_text)
    builders = {"csv": monthly_csv, "xlsx": workbook_xlsx, "memo": memo_html_bytes}
    return builders[kind](result)


@st.cache_data(max_entries=8, show_spinner="Reading the CI history...")
def ci_baseline(content: bytes, name: str, branch: str, since: str, until: str, deploy: str) -> ci.Baseline:
    return ci.import_ci(content, ci.Options(branch, since or None, until or None, deploy or None), source=name)


@st.cache_data(show_spinner=False)
def scenario_files() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(SCENARIO_DIR.glob("*.toml"))}


@st.cache_data(show_spinner=False)
def file_scenario(stem: str) -> Scenario:
    return loads_scenario(scenario_files()[stem], source=f"scenarios/{stem}.toml")


# ------------------------------------------------------------------ widget state <-> scenario


def numeric_paths(section: str) -> list[str]:
    model = section_model(section.split("."))
    assert model is not None
    paths = [f"{section}.{name}" for name in model.model_fields]
    return [p for p in paths if p in FIELDS and FIELDS[p].kind != "flag" and not FIELDS[p].whole]


def all_sections() -> list[str]:
    return [*SECTION_TITLES, *(f"investments.{a}" for a in AREAS)]


def put_in_widgets(scenario: Scenario) -> None:
    """Set every input widget's state from a scenario (before the widgets are drawn)."""
    ss["w:name"] = scenario.name
    ss["w:description"] = scenario.description
    numbers = scenario.numeric_inputs()
    for section in all_sections():
        present = section not in OPTIONAL_SECTIONS or getattr(scenario, section) is not None
        if section in OPTIONAL_SECTIONS:
            ss[f"on:{section}"] = present
        ranged = []
        for path in numeric_paths(section):
            value = numbers.get(path, 0.0)
            if isinstance(value, Range):
                ranged.append(path.rsplit(".", 1)[1])
                low, likely, high = value.low, value.likely, value.high
            else:
                low = likely = high = float(value)
            ss[f"w:{path}"] = likely
            ss[f"w:{path}:low"], ss[f"w:{path}:likely"], ss[f"w:{path}:high"] = low, likely, high
        ss[f"ranged:{section}"] = ss[f"ranged_before:{section}"] = ranged
    for name in FINANCE_FIELDS:
        ss[f"w:finance.{name}"] = getattr(scenario.finance, name)


def data_from_widgets() -> dict[str, Any]:
    """The scenario as the widgets hold it, as raw data (validated by the caller)."""
    data: dict[str, Any] = {"schema_version": 2, "name": ss["w:name"], "description": ss["w:description"]}
    for section in all_sections():
        if section in OPTIONAL_SECTIONS and not ss[f"on:{section}"]:
            continue
        values = {}
        for path in numeric_paths(section):
            field = path.rsplit(".", 1)[1]
            if field in ss[f"ranged:{section}"]:
                values[field] = {k: ss[f"w:{path}:{k}"] for k in ("low", "likely", "high")}
            else:
                values[field] = ss[f"w:{path}"]
        if section.startswith("investments."):
            data.setdefault("investments", {})[section.split(".")[1]] = values
        else:
            data[section] = values
    data["finance"] = {name: ss[f"w:finance.{name}"] for name in FINANCE_FIELDS}
    return data


def sync_range_mode(section: str) -> None:
    """A number made a range starts as low = likely = high = its value; a range made a number keeps its likely."""
    now = set(ss[f"ranged:{section}"])
    before = set(ss.get(f"ranged_before:{section}", []))
    for field in now - before:
        path = f"{section}.{field}"
        ss[f"w:{path}:low"] = ss[f"w:{path}:likely"] = ss[f"w:{path}:high"] = ss[f"w:{path}"]
    for field in before - now:
        ss[f"w:{section}.{field}"] = ss[f"w:{section}.{field}:likely"]
    ss[f"ranged_before:{section}"] = sorted(now)


def keep_widget_state() -> None:
    """Keep the values of widgets not drawn this run (a hidden section, a range mode), so nothing typed is lost."""
    for key in list(ss.keys()):
        if isinstance(key, str) and key.startswith(("w:", "on:", "ranged:")):
            ss[key] = ss[key]


def load(scenario: Scenario, label: str, file_stem: str | None) -> None:
    ss["base_toml"] = dump_scenario(scenario)
    ss["base_label"] = label
    ss["base_file"] = file_stem
    ss["good_toml"] = ss["base_toml"]
    put_in_widgets(scenario)


# ------------------------------------------------------------------ first run: the command line and the URL


def start() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenario", default=f"scenarios/{DEFAULT_FILE}.toml")
    args, _ = parser.parse_known_args(sys.argv[1:])
    warnings: list[str] = []
    stem = Path(args.scenario).stem if Path(args.scenario).stem in scenario_files() else DEFAULT_FILE
    base, label = file_scenario(stem), f"scenarios/{stem}.toml"
    if Path(args.scenario).stem not in scenario_files():
        try:
            base, label, stem = load_scenario(args.scenario), str(args.scenario), DEFAULT_FILE
        except RoiError as exc:
            warnings += exc.lines()
    params = dict(st.query_params)
    wanted = params.get(explore.SCENARIO_PARAM)
    if wanted is not None:
        if wanted in scenario_files():
            stem, base, label = wanted, file_scenario(wanted), f"scenarios/{wanted}.toml"
        else:
            warnings.append(f"URL parameter scenario={wanted!r} was ignored: no such scenario file")
    ss["picked"] = stem
    ss["picker"] = stem
    load(base, label, stem)
    if len(params) > (wanted is not None):
        shared, problems = explore.apply_params(file_scenario(stem), params)
        warnings += problems
        ss["good_toml"] = dump_scenario(shared)
        put_in_widgets(shared)
    ss["warnings"] = warnings


if "base_toml" not in ss:
    start()
keep_widget_state()

# ------------------------------------------------------------------ sidebar: where the case comes from

with st.sidebar:
    st.header("Scenario")
    files = list(scenario_files())
    picked = st.selectbox("Start from", files, key="picker", help="Every file in scenarios/")
    if picked != ss["picked"]:
        ss["picked"] = picked
        load(file_scenario(picked), f"scenarios/{picked}.toml", picked)
    upload = st.file_uploader("Or upload a scenario (TOML)", type=["toml"], key="upload")
    if upload is not None and upload.file_id != ss.get("upload_id"):
        ss["upload_id"] = upload.file_id
        ss["upload_error"] = []
        content = upload.getvalue()
        try:
            if len(content) > MAX_UPLOAD_BYTES:
                raise RoiError([], upload.name)
            load(loads_scenario(content, source=upload.name), f"upload: {upload.name}", None)
        except RoiError as exc:
            ss["upload_error"] = exc.lines() or [f"{upload.name}: larger than {MAX_UPLOAD_BYTES:,} bytes"]
    for line in ss.get("upload_error", []):
        st.error(f"Upload not loaded, the previous scenario is kept. {line}")
    st.caption(f"Loaded: {ss['base_label']}")
    if st.button("Reset to the loaded file", icon=":material/restart_alt:"):
        put_in_widgets(loads_scenario(ss["base_toml"]))

    # ------------------------------------------------------------------ sidebar: every input, by section

    with st.expander("Name and description"):
        st.text_input("Name", key="w:name", max_chars=200)
        st.text_area("Description", key="w:description", max_chars=20_000)

    def number_input(path: str, label: str | None = None) -> None:
        unit, note = field_info(path.split(":")[0])
        name = label or path.rsplit(".", 1)[1].replace("_", " ")
        is_share = unit.startswith("share") and "growth" not in path
        minimum = -0.99 if "growth" in path else 0.0
        maximum = 0.99 if path.split(":")[0].endswith("risk_adjustment") else (1.0 if is_share else None)
        step = (
            0.01 if is_share or "growth" in path else (1000.0 if unit.startswith("USD") and "/h" not in unit else 1.0)
        )
        st.number_input(
            f"{name} ({unit})", key=f"w:{path}", min_value=minimum, max_value=maximum, step=step,
            format="%.4f" if is_share else "%.2f", help=note,
        )  # fmt: skip

    def section_inputs(section: str) -> None:
        if section in OPTIONAL_SECTIONS:
            st.toggle(f"Count the {SECTION_TITLES[section].lower()} stream", key=f"on:{section}")
            if not ss[f"on:{section}"]:
                return
        fields = [p.rsplit(".", 1)[1] for p in numeric_paths(section)]
        st.multiselect(
            "Three-point ranges for", fields, key=f"ranged:{section}", help="low / likely / high",
            on_change=sync_range_mode, args=(section,),
        )  # fmt: skip
        for path in numeric_paths(section):
            field = path.rsplit(".", 1)[1]
            unit, note = field_info(path)
            if field in ss[f"ranged:{section}"]:
                st.caption(f"{field.replace('_', ' ')} ({unit}): low / likely / high")
                for column, part in zip(st.columns(3), ("low", "likely", "high"), strict=True):
                    with column:
                        number_input(f"{path}:{part}", part)
            elif unit.startswith("share") and section != "growth":
                top = 0.99 if field == "risk_adjustment" else 1.0
                label = f"{field.replace('_', ' ')} ({unit})"
                st.slider(label, 0.0, top, key=f"w:{path}", step=0.001, format="%.3f", help=note)
            else:
                number_input(path)

    for section in all_sections():
        title = SECTION_TITLES.get(section) or AREA_TITLES[section.split(".")[1]]
        with st.expander(title, expanded=section == "merges"):
            section_inputs(section)
    with st.expander("Finance", expanded=True):
        st.slider(
            "Horizon (months)", 1, 240, key="w:finance.horizon_months", help=field_info("finance.horizon_months")[1]
        )
        st.slider("Annual discount rate", 0.0, 1.0, key="w:finance.annual_discount_rate", step=0.005, format="%.3f")
        st.number_input("Ramp-up (months)", 0.0, 240.0, key="w:finance.ramp_months", step=1.0)
        st.toggle("Count staff cost (engineer-quarters)", key="w:finance.include_staff_cost")

# ------------------------------------------------------------------ the case as edited (or the last valid one)

try:
    scenario = scenario_from_dict(data_from_widgets(), source="inputs")
    ss["good_toml"] = dump_scenario(scenario)
    input_problems: list[str] = []
except RoiError as exc:
    scenario = loads_scenario(ss["good_toml"])
    input_problems = exc.lines()

toml_text = ss["good_toml"]
result = evaluated(toml_text)
base_result = evaluated(ss["base_toml"])

share_from = ss["base_file"] or DEFAULT_FILE
params = {explore.SCENARIO_PARAM: share_from, **explore.share_params(file_scenario(share_from), scenario)}
if dict(st.query_params) != params:
    st.query_params.from_dict(params)

# ------------------------------------------------------------------ the page

st.title("Delivery ROI calculator")
st.caption(
    f"**{scenario.name}**: what CI/CD, testing, deployment automation and observability spend pays back. "
    "Move the inputs on the left; every figure follows the formulas in docs/method.md."
)
for warning in ss.get("warnings", []):
    st.warning(warning)
for line in input_problems:
    st.error(f"Not applied, the last valid inputs are shown: {line}")

for column, kpi in zip(st.columns(6), explore.kpis(result.summary, base_result.summary), strict=True):
    colour = "inverse" if kpi.lower_is_better else "normal"
    column.metric(kpi.label, kpi.value, kpi.delta, delta_color=colour, help=kpi.note)
st.caption("Changes are against the loaded file. The forum post argues for a delivery-to-AI ratio of 2:1 to 3:1.")

# Only the open tab computes: tabs report which one is open, so a slider move reruns one view, not five.
tab_flow, tab_risk, tab_plan, tab_compare, tab_ci, tab_share = st.tabs(
    ["Cash flow", "Uncertainty", "Spend planner", "Compare", "CI baseline", "Share and download"],
    key="view",
    on_change="rerun",
)


def cash_flow_view() -> None:
    """Cumulative cash flow, benefit by stream, the cost of doing nothing, the spend split."""
    st.subheader("Cumulative cash flow")
    st.vega_lite_chart(spec=charts.cumulative_chart(result).to_dict(), width="stretch")
    left, right = st.columns(2)
    with left:
        st.subheader("Monthly benefit by stream")
        st.vega_lite_chart(spec=charts.benefit_by_stream_chart(result).to_dict(), width="stretch")
    with right:
        st.subheader("The cost of doing nothing")
        st.vega_lite_chart(spec=charts.waste_vs_investment_chart(result).to_dict(), width="stretch")
    st.subheader("Where the money goes")
    st.vega_lite_chart(
        spec=charts.spend_split_chart(scenario, result.summary.staff_cost_usd).to_dict(), width="stretch"
    )
    with st.expander("Monthly cash-flow table"):
        st.dataframe(result.monthly, hide_index=True)


def payback_targets(horizon_months: int) -> list[int]:
    """The payback targets offered for break-even: 12 and 18 months where the horizon reaches them, else half the
    horizon and the horizon itself (a payback past the horizon is never reached, so no target beyond it is offered)."""
    within = [t for t in PAYBACK_TARGETS if t <= horizon_months]
    return within or sorted({max(1, (horizon_months + 1) // 2), horizon_months})


def uncertainty_view() -> None:
    """Monte Carlo over the ranges, tornado, break-even values and what to measure next."""
    ranged = scenario.ranged_inputs()
    if not ranged:
        st.info("No input has a three-point range, so there is no uncertainty to show. Add ranges in the sidebar.")
    else:
        c1, c2, c3 = st.columns(3)
        draws = c1.select_slider("Draws", [1_000, 10_000, 50_000], value=10_000, key="mc:draws")
        seed = c2.number_input("Seed", 0, 2**31 - 1, 0, key="mc:seed")
        target = c3.radio(
            "Payback target (months)",
            payback_targets(scenario.finance.horizon_months),
            horizontal=True,
            key="mc:target",
        )
        sim = simulated(toml_text, int(draws), int(seed))
        summary = sim.summary()
        st.subheader("Payback across the ranges")
        p = summary["prob_payback_within_months"]
        cols = st.columns(5)
        cols[0].metric("P(payback <= 12 mo)", f"{p['12']:.0%}")
        cols[1].metric("P(payback <= 18 mo)", f"{p['18']:.0%}")
        cols[2].metric("P(payback <= 24 mo)", f"{p['24']:.0%}")
        cols[3].metric("P(within horizon)", f"{p['horizon']:.0%}")
        cols[4].metric("P(NPV > 0)", f"{summary['prob_npv_positive']:.0%}")
        st.vega_lite_chart(spec=charts.payback_distribution_chart(sim).to_dict(), width="stretch")
        shown = {"payback_months": fmt.months, "discounted_payback_months": fmt.months, "npv_usd": fmt.money}
        shown |= {"irr_annual": fmt.pct, "roi": fmt.pct}
        st.dataframe(
            pd.DataFrame(
                [
                    {"figure": k, **{q: show(summary[k][q]) for q in ("p10", "p50", "p90", "mean")}}
                    for k, show in shown.items()
                ]
            ),
            hide_index=True,
        )
        tornado, breaks = sensitivity(toml_text, float(target))
        st.subheader("What moves NPV most (tornado)")
        st.vega_lite_chart(spec=charts.tornado_chart(tornado, result.summary.npv_usd).to_dict(), width="stretch")
        st.subheader(f"Break-even values (payback = {target} months, NPV = 0)")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "input": b.input,
                        "as entered": f"{b.likely:,.4g}",
                        f"payback = {target} mo": fmt.level(b.for_payback_target),
                        "NPV = 0": fmt.level(b.for_npv_zero),
                        "searched": f"{b.search_low:,.4g} to {b.search_high:,.4g}",
                    }
                    for b in breaks
                ]
            ),
            hide_index=True,
        )
        st.subheader("Which number to measure next")
        voi = uncertainty.value_of_information(sim)
        evpi = uncertainty.expected_value_of_perfect_information(sim)
        if evpi == 0:
            st.caption(
                "The decision does not hinge on any single estimate: NPV has the same sign in every draw. "
                "The share of NPV spread each input explains says which to pin down for a tighter figure."
            )
        else:
            st.caption(f"Knowing every input exactly would be worth {fmt.money(evpi)} to the invest-or-not decision.")
        st.dataframe(
            voi.assign(
                evppi_usd=voi["evppi_usd"].map(fmt.money), variance_share=voi["variance_share"].map("{:.0%}".format)
            ),
            hide_index=True,
        )


def spend_planner_view() -> None:
    """The delivery budget a target delivery-to-AI ratio implies, and its payback."""
    st.subheader("Spend planner")
    st.caption("The delivery budget a delivery-to-AI ratio implies, split like this scenario's spend, and its payback.")
    ratio = st.slider("Target delivery-to-AI ratio", 1.0, 4.0, 2.0, 0.25, key="plan:ratio", format="%.2f : 1")
    plan = explore.plan_spend(scenario, ratio)
    if plan is None:
        st.info("Enter an AI tools spend to plan against it.")
    else:
        cols = st.columns(4)
        cols[0].metric("Delivery budget", fmt.money(plan.budget_usd))
        cols[1].metric("Payback", fmt.months(plan.summary.payback_months))
        cols[2].metric("NPV", fmt.money(plan.summary.npv_usd))
        cols[3].metric("ROI", fmt.pct(plan.summary.roi))
        st.dataframe(
            pd.DataFrame([{"area": AREA_LABELS[a], "budget": fmt.money(v)} for a, v in plan.by_area_usd.items()]),
            hide_index=True,
        )
        st.caption("Benefits stay as entered: this is what the budget pays back, not what more money would buy.")


def compare_view() -> None:
    """Two to four scenarios side by side."""
    st.subheader("Compare scenarios")
    current = f"current edit: {scenario.name}"
    options = [current, *files]
    picked_for_compare = st.multiselect(
        "Two to four scenarios", options, default=[current, files[0] if files[0] != ss["picked"] else files[-1]],
        max_selections=4, key="compare",
    )  # fmt: skip
    if len(picked_for_compare) < 2:
        st.info("Pick at least two scenarios.")
    else:
        results = {
            name: result if name == current else evaluated(scenario_files()[name]) for name in picked_for_compare
        }
        st.dataframe(pd.DataFrame(explore.compare_table({n: r.summary for n, r in results.items()})), hide_index=True)
        st.vega_lite_chart(spec=charts.compare_chart(results).to_dict(), width="stretch")


def apply_ci_baseline(baseline: ci.Baseline) -> None:
    """Button callback (runs before the widgets are drawn): put the measured baseline into the inputs."""
    try:
        data, changed, left = ci.apply_baseline(data_from_widgets(), baseline)
        put_in_widgets(scenario_from_dict(data, source="inputs"))
        ss["ci_applied"] = (changed, left)
    except RoiError as exc:
        ss["ci_applied"] = ([], [f"not applied: {line}" for line in exc.lines()])


def ci_baseline_view() -> None:
    """A baseline from the team's own CI history: upload an export, check the evidence, apply it."""
    st.subheader("A baseline from your own CI history")
    st.caption(
        "GitHub Actions (`gh run list --json databaseId,conclusion,status,createdAt,updatedAt,headBranch,event,"
        "workflowName` or the REST API's /actions/runs), GitLab (/projects/:id/pipelines), or a CSV with the header "
        "`timestamp,branch,status,duration_minutes,workflow`."
    )
    upload = st.file_uploader("CI export", type=["json", "csv"], key="ci_upload")
    c1, c2, c3, c4 = st.columns(4)
    branch = c1.text_input("Branch", "main", key="ci:branch")
    since = c2.text_input("Since (optional)", "", key="ci:since", placeholder="2026-01-01")
    until = c3.text_input("Until (optional)", "", key="ci:until", placeholder="2026-04-01")
    deploy = c4.text_input("Deploy workflow pattern (optional)", "", key="ci:deploy", placeholder="deploy*")
    changed, left = ss.pop("ci_applied", ([], []))
    for line in changed:
        st.success(f"Applied {line}")
    for line in left:
        st.warning(line)
    if upload is None:
        return
    try:
        baseline = ci_baseline(
            upload.getvalue(), upload.name, branch.strip() or "main", since.strip(), until.strip(), deploy.strip()
        )
    except RoiError as exc:
        for line in exc.lines():
            st.error(line)
        return
    values = baseline.values()
    st.dataframe(
        pd.DataFrame([{"field": path, "measured": f"{value:,.4g}"} for path, value in values.items()]),
        hide_index=True,
    )
    with st.expander("Evidence", expanded=True):
        st.markdown("\n".join(f"- {line}" for line in baseline.evidence()))
    st.button("Apply to the current scenario", on_click=apply_ci_baseline, args=(baseline,), key="ci:apply")


def share_view() -> None:
    """The share link and the downloads."""
    st.subheader("Share")
    st.write("The page's address holds every input that differs from the loaded file: copy it to share this case.")
    st.code("?" + "&".join(f"{k}={v}" for k, v in params.items()), language=None)
    st.subheader("Download")
    stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in scenario.name)[:60].strip("-") or "scenario"
    # The CSV, workbook and memo are built only when clicked (a callable as data: the browser asks the server for
    # the file by an id this run registered). A click must not rerun the page (on_click="ignore"): a rerun registers
    # new ids and drops this run's, and when it finishes before the browser's file request is served, the click gets
    # "Deferred file ... not found" and no file. Nothing in the file depends on the click, so nothing needs the rerun.
    cols = st.columns(4)
    cols[0].download_button(
        "Scenario (TOML)", toml_text, f"{stem}.toml", "application/toml", key="dl:toml", on_click="ignore"
    )
    cols[1].download_button(
        "Monthly cash flow (CSV)", partial(download_bytes, toml_text, "csv"), f"{stem}.csv", "text/csv",
        key="dl:csv", on_click="ignore",
    )  # fmt: skip
    cols[2].download_button(
        "CFO workbook (XLSX)", partial(download_bytes, toml_text, "xlsx"), f"{stem}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="dl:xlsx", on_click="ignore",
    )  # fmt: skip
    cols[3].download_button(
        "One-page memo (HTML)", partial(download_bytes, toml_text, "memo"), f"{stem}-memo.html", "text/html",
        key="dl:memo", on_click="ignore",
    )  # fmt: skip


for tab, view in (
    (tab_flow, cash_flow_view),
    (tab_risk, uncertainty_view),
    (tab_plan, spend_planner_view),
    (tab_compare, compare_view),
    (tab_ci, ci_baseline_view),
    (tab_share, share_view),
):
    if tab.open is not False:  # None when the browser has not said yet: draw it
        with tab:
            view()
