"""`make run` on a fresh machine: streamlit starts as the Makefile starts it, with no home config and no
terminal to answer a question, and serves the page."""

from __future__ import annotations

from tests.conftest import ROOT, streamlit_server


def test_app_starts_like_make_run_with_no_prompt(tmp_path):
    # A fresh user (empty HOME), not headless, no stdin; BROWSER=true makes "open the browser" a no-op.
    env = {"HOME": str(tmp_path), "BROWSER": "true"}
    with streamlit_server(tmp_path, ["--", "--scenario", "scenarios/forum-post.toml"], env):
        pass  # it answered: nothing stopped at a prompt
    assert "Email" not in (tmp_path / "streamlit.log").read_text()


def test_makefile_runs_the_forum_post_scenario():
    makefile = (ROOT / "Makefile").read_text()
    assert "SCENARIO ?= scenarios/forum-post.toml" in makefile
    assert "streamlit run app.py" in makefile and "-- --scenario $(SCENARIO)" in makefile
