"""One golden test per file in scenarios/: its `roi summary --json`, frozen.

Regenerate after a deliberate model change with ROI_UPDATE_GOLDEN=1 and review the diff by hand.
The forum-post golden was checked by hand: NPV = 38,237.40 x (1 - 1.1^-3) / d - 450,000 with
d = 1.1^(1/12) - 1 = 0.0079741, i.e. 38,237.40 x 31.1864 - 450,000 = 742,489 (to the dollar).
"""

from __future__ import annotations

import json
import os

import pytest

from roi.cli import app
from tests.conftest import ROOT, SCENARIOS

GOLDEN = ROOT / "tests" / "golden"


def _close(actual, expected, key=""):
    if isinstance(expected, dict):
        assert set(actual) == set(expected), key
        for k in expected:
            _close(actual[k], expected[k], f"{key}.{k}")
    elif isinstance(expected, float):
        assert actual == pytest.approx(expected, rel=1e-9, abs=1e-9), key
    else:
        assert actual == expected, key


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_golden_summary(runner, path):
    result = runner.invoke(app, ["summary", str(path), "--json"])
    assert result.exit_code == 0, result.output
    actual = json.loads(result.output)
    golden = GOLDEN / f"{path.stem}.json"
    if os.environ.get("ROI_UPDATE_GOLDEN") == "1":
        golden.write_text(json.dumps(actual, indent=2) + "\n")
    assert golden.exists(), f"no golden file for {path.name}: run with ROI_UPDATE_GOLDEN=1 and review it"
    _close(actual, json.loads(golden.read_text()))


def test_forum_post_golden_matches_the_hand_check():
    data = json.loads((GOLDEN / "forum-post.json").read_text())
    assert data["npv_usd"] == pytest.approx(742_489, abs=1)
    assert data["payback_months"] == pytest.approx(450_000 / 38_237.4, rel=1e-12)


def test_every_golden_has_a_scenario():
    assert {p.stem for p in GOLDEN.glob("*.json")} == {p.stem for p in SCENARIOS}
