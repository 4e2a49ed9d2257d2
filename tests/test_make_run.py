"""`make run` on a fresh machine: streamlit starts as the Makefile starts it, with no home config and no
terminal to answer a question, and serves the page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

from tests.conftest import ROOT


def test_app_starts_like_make_run_with_no_prompt(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "HOME": str(tmp_path), "BROWSER": "true"}  # a fresh user; "open the browser" does nothing
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--browser.gatherUsageStats", "false",
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--", "--scenario", "scenarios/forum-post.toml"]  # fmt: skip
    log = tmp_path / "run.log"
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    status = r.status
                    break
            except OSError:
                time.sleep(0.3)
        assert status == 200, log.read_text()
        assert "Email" not in log.read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_makefile_runs_the_forum_post_scenario():
    makefile = (ROOT / "Makefile").read_text()
    assert "SCENARIO ?= scenarios/forum-post.toml" in makefile
    assert "streamlit run app.py" in makefile and "-- --scenario $(SCENARIO)" in makefile
