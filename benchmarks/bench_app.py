"""The app, server side: the median rerun after an input's change (target under 200 ms), and what the Uncertainty
tab adds to such a rerun (target under 150 ms), through streamlit's AppTest. Both reruns run the 10,000-draw
simulation of a ranged case once, for the headline's expected NPV; the Uncertainty tab reads the same cached draws.

The baseline, measured in the same run, is the same rerun with the Cash flow tab open.
"""

from __future__ import annotations

import logging
import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
VALUES = [90.0 + i * 0.1 for i in range(25)]  # percent, each a new scenario, so nothing is served from the cache


def _reruns(view: str) -> float:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.session_state["view"] = view
    at.run()
    samples = []
    for value in VALUES:
        at.number_input(key="w:merges.success_rate_after").set_value(value)
        start = time.perf_counter()
        at.run()
        samples.append(time.perf_counter() - start)
        assert not at.exception, at.exception
    return statistics.median(samples[3:])


def run() -> bool:
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    flow = _reruns("Cash flow")
    risk = _reruns("Uncertainty")
    ok_flow, ok_added = flow < 0.2, risk - flow < 0.15
    print(
        f"app rerun after an input's change (Cash flow tab): median {flow * 1e3:.0f} ms | target < 200 ms "
        f"{'OK' if ok_flow else 'MISSED'}"
    )
    print(
        f"app rerun with the Uncertainty tab open (its draws cached by the headline's simulation): median "
        f"{risk * 1e3:.0f} ms, {(risk - flow) * 1e3:+.0f} ms against the Cash flow rerun | target < +150 ms "
        f"{'OK' if ok_added else 'MISSED'}"
    )
    return ok_flow and ok_added
