"""Cumulative cash flow (the J-curve of the schedule), benefit by stream, the cost of doing nothing, the split."""

from __future__ import annotations

import streamlit as st

from roi import charts
from roi.formatting import crossings_note
from ui import state
from ui.state import PageState
from ui.views.common import chart, monthly_table


def view(page: PageState) -> None:
    st.subheader("Cumulative flow, and cash alone")
    st.caption(
        "Money and engineer time go out as each area starts and come back once it goes live and ramps up: the "
        "J-curve. The dotted line is cash alone (money paid or saved), engineer time left out."
    )
    chart(charts.cumulative_chart(page.result))
    note = crossings_note(page.result.summary.cumulative_zero_crossings, page.result.summary.payback_months)
    if note:
        st.warning(note)
    left, right = st.columns(2)
    with left:
        st.subheader("Monthly benefit by stream")
        chart(charts.benefit_by_stream_chart(page.result))
    with right:
        st.subheader("The cost of doing nothing")
        chart(charts.waste_vs_investment_chart(page.result))
    st.subheader("Where the money goes")
    chart(charts.spend_split_chart(page.scenario, page.result.summary.staff_cost_usd))
    table = st.expander("Monthly cash-flow table", key=state.MONTHLY_OPEN, on_change="rerun")
    if table.open:  # drawn only when asked for: a 37-row grid is much for the browser to redraw on every edit
        with table:
            monthly_table(page.result)
