"""Where a case starts: a new case (blank, a profile whose figures cite their source, the team's CI history) or a
worked example from scenarios/. The picker names each by its title and one line about it, never by file name."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from roi import ci_import as ci
from roi.errors import RoiError
from roi.scenario import Scenario, loads_scenario, scenario_from_dict
from roi.vocabulary import SCHEMA_VERSION
from ui import cache, state
from ui.text import cut

PROFILE_DIR = Path(__file__).resolve().parent.parent / "profiles"
NEW = "new:"  # the picker's options for a new case start with this; a worked example is its file's stem
BLANK = f"{NEW}blank"
FROM_CI = f"{NEW}ci"
#: A CI history of a 60-engineer team over 90 days is a few MB; a scenario file is a few KB.
MAX_CI_UPLOAD_MB = 20
MAX_CI_UPLOAD_BYTES = MAX_CI_UPLOAD_MB * 1024 * 1024
ONE_LINE_CHARS = 90


@st.cache_data(show_spinner=False)
def _profiles(folder: str) -> dict[str, str]:
    """The text of every profile that loads, by stem (the blank template first)."""
    found = {}
    for path in sorted(Path(folder).glob("*.toml"), key=lambda p: (p.stem != "blank", p.stem)):
        content = path.read_text(encoding="utf-8")
        loads_scenario(content, source=f"profiles/{path.name}")  # a broken profile is a bug: fail loudly
        found[path.stem] = content
    return found


def profiles() -> dict[str, str]:
    return _profiles(str(PROFILE_DIR))


@st.cache_data(show_spinner=False)
def profile(stem: str) -> Scenario:
    return loads_scenario(profiles()[stem], source=f"profiles/{stem}.toml")


def options() -> list[str]:
    """The picker's choices: a new case (blank, each profile, from the CI history), then the worked examples."""
    return [*(f"{NEW}{stem}" for stem in profiles()), FROM_CI, *cache.scenario_files()]


def one_line(text: str) -> str:
    """The first sentence of a description, on one line and short."""
    flat = " ".join(text.split())
    first = flat.split(". ")[0].rstrip(".")
    return cut(first, ONE_LINE_CHARS) if len(first) <= ONE_LINE_CHARS else first[: ONE_LINE_CHARS - 1] + "\u2026"


def title(option: str) -> str:
    """An option as the picker shows it: "New case: <name>" or the example's name, and one line about it."""
    if option == FROM_CI:
        return "New case from my CI history: upload a GitHub Actions, GitLab or CSV export"
    if option.startswith(NEW):
        scenario = profile(option.removeprefix(NEW))
        head = scenario.name if option == BLANK else f"New case from {scenario.name}"
        return f"{head} \u2014 {one_line(scenario.description)}"
    scenario = cache.file_scenario(option)
    return f"{scenario.name} \u2014 {one_line(scenario.description)}" if scenario.description else scenario.name


def load_option(option: str) -> bool:
    """Load a picked case; False for "from my CI history", which waits for an upload."""
    if option == FROM_CI:
        return False
    if option.startswith(NEW):
        stem = option.removeprefix(NEW)
        state.load(profile(stem), f"profiles/{stem}.toml", None)
    else:
        state.load(cache.file_scenario(option), f"scenarios/{option}.toml", option)
    return True


def ci_case(content: bytes, name: str, branch: str) -> tuple[Scenario, list[str]]:
    """A new case around a CI history: the measured figures, and what the page assumed (to replace)."""
    if len(content) > MAX_CI_UPLOAD_BYTES:
        raise ValueError(f"{name}: larger than {MAX_CI_UPLOAD_MB} MB ({len(content):,} bytes)")
    baseline = cache.ci_baseline(content, name, branch or "main", "", "", "")
    data = ci.starter_scenario(baseline, rounded=True)
    data["schema_version"] = SCHEMA_VERSION
    scenario = scenario_from_dict(data, source=name)
    return scenario, [*baseline.warnings(), *ci.assumed_after(data)]


def load_ci_case(content: bytes, name: str, branch: str) -> list[str]:
    """Load a new case from a CI history; the lines to show (what is measured and assumed, or why it failed)."""
    try:
        scenario, notes = ci_case(content, name, branch)
    except (RoiError, ValueError) as exc:
        return [f"Not loaded, the current case is kept. {line}" for line in _lines(exc)]
    state.load(scenario, f"CI history: {name}", None)
    return notes


def _lines(exc: Exception) -> list[str]:
    return exc.lines() if isinstance(exc, RoiError) else [str(exc)]
