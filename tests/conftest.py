"""Shared fixtures: paths, the CLI runner, and the rule that CI (ROI_REQUIRE_SYSTEM=1) never skips."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from typer.testing import CliRunner

# Locally hypothesis explores new examples every run (it found real bugs that way); CI replays a fixed
# set, so a red CI always means a change broke something, not that the dice rolled differently.
# No deadline in CI: a loaded runner makes a fast test slow now and then, and a deadline turns that into a failure.
settings.register_profile("ci", derandomize=True, print_blob=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
#: The scenario files the format-v2 oracle (tests/oracle.py) reads: those without lines of their own (the v3 oracle,
#: tests/oracle_v3.py, reads them all).
WITHOUT_LINES = [p for p in SCENARIOS if "[[lines]]" not in p.read_text()]
FORUM = ROOT / "scenarios" / "forum-post.toml"
#: Raw names a reader must never see: code names of fields, columns and sections.
CODE_NAME = re.compile(r"_usd|ci_cd|lead_time|fix_hours|[a-z]+\.[a-z_]+\.|\b[a-z]+_[a-z_]+\b")


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


@contextmanager
def streamlit_server(workdir: Path, args: Sequence[str] = (), env: Mapping[str, str] | None = None) -> Iterator[str]:
    """`streamlit run app.py` on a free 127.0.0.1 port; yields its URL once /_stcore/health answers 200."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1",
           "--server.port", str(port), "--browser.gatherUsageStats", "false", *args]  # fmt: skip
    log = workdir / "streamlit.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert proc.poll() is None, f"streamlit exited: {log.read_text()}"
            assert time.monotonic() < deadline, f"streamlit did not answer within 60 s: {log.read_text()}"
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


# ------------------------------------------------------------------ the browser tests' page: one server, one browser

CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]  # fmt: skip


@pytest.fixture(scope="session")
def server_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("streamlit")


@pytest.fixture(scope="session")
def server(server_dir) -> Iterator[str]:
    """The page, served once for every browser test (each test opens pages of its own: sessions of their own)."""
    args = ["--server.headless", "true", "--server.fileWatcherType", "none"]
    with streamlit_server(server_dir, args) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, launched once for every browser test."""
    executable = require_program("chromium", "chromium-browser")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chrome = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, headless=True)
        yield chrome
        chrome.close()
