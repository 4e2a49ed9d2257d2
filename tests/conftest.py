"""Shared fixtures: paths, the CLI runner, and the rule that CI (ROI_REQUIRE_SYSTEM=1) never skips."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

# Locally hypothesis explores new examples every run (it found real bugs that way); CI replays a fixed
# set, so a red CI always means a change broke something, not that the dice rolled differently.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
FORUM = ROOT / "scenarios" / "forum-post.toml"


def require_program(*names: str) -> str:
    """Path of the first program found; skip when missing, fail instead under ROI_REQUIRE_SYSTEM=1."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    message = f"none of {', '.join(names)} is installed"
    if os.environ.get("ROI_REQUIRE_SYSTEM") == "1":
        pytest.fail(f"{message}, and ROI_REQUIRE_SYSTEM=1 requires it")
    pytest.skip(message)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
