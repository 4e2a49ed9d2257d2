"""A baseline from the team's own CI history: upload an export, check the evidence, apply it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from roi import ci_import as ci
from roi.errors import RoiError
from roi.scenario import FIELDS, field_label, scenario_from_dict
from ui import cache, state
from ui.state import PageState
from ui.text import literal


def apply_ci_baseline(baseline: ci.Baseline) -> None:
    """Button callback (runs before the widgets are drawn): put the measured baseline into the inputs."""
    ss = st.session_state
    try:
        data, changed, left = ci.apply_baseline(state.data_from_widgets(), baseline)
        state.put_in_widgets(scenario_from_dict(data, source="inputs"))
        ss[state.CI_APPLIED] = (changed, left)
    except RoiError as exc:
        ss[state.CI_APPLIED] = ([], [f"not applied: {line}" for line in exc.lines()])


def view(page: PageState) -> None:
    ss = st.session_state
    st.subheader("A baseline from your own CI history")
    st.caption(
        "GitHub Actions (`gh run list --json databaseId,conclusion,status,createdAt,updatedAt,headBranch,event,"
        "workflowName` or the REST API's /actions/runs), GitLab (/projects/:id/pipelines), or a CSV with the header "
        "`timestamp,branch,status,duration_minutes,workflow`. At most 20 MB."
    )
    upload = st.file_uploader("CI export", type=["json", "csv"], key=state.CI_UPLOAD)
    c1, c2, c3, c4 = st.columns(4)
    branch = c1.text_input("Branch", "main", key=state.CI_BRANCH)
    since = c2.text_input("Since (optional)", "", key=state.CI_SINCE, placeholder="2026-01-01")
    until = c3.text_input("Until (optional)", "", key=state.CI_UNTIL, placeholder="2026-04-01")
    deploy = c4.text_input("Deploy workflow pattern (optional)", "", key=state.CI_DEPLOY, placeholder="deploy*")
    changed, left = ss.pop(state.CI_APPLIED, ([], []))
    for line in changed:
        st.success(f"Applied {literal(line)}")
    for line in left:
        st.warning(literal(line))
    if upload is None:
        return
    try:
        baseline = cache.ci_baseline(
            upload.getvalue(), upload.name, branch.strip() or "main", since.strip(), until.strip(), deploy.strip()
        )
    except RoiError as exc:
        for line in exc.lines():
            st.error(literal(line))
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Input": field_label(path),
                    "Measured": FIELDS[path].show(value) if path in FIELDS else f"{value:,.4g}",
                }
                for path, value in baseline.values().items()
            ]
        ),
        hide_index=True,
    )
    with st.expander("Evidence", expanded=True):
        st.text("\n".join(f"- {line}" for line in baseline.evidence()))
    st.button("Apply to the current scenario", on_click=apply_ci_baseline, args=(baseline,), key=state.CI_APPLY)
