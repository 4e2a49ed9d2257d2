"""The page keeps the user's case whatever file or link it is given (issue 17), through streamlit's AppTest: a hostile
upload is an inline error, a bad file in scenarios/ is reported, and every message holding user text is plain text."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.conftest import FORUM, ROOT
from tests.test_app import kpis, plain, start
from tests.test_safety import HOSTILE
from ui import cache, state

#: What the page's Markdown (react-markdown with remark-gfm and remark-emoji) makes of text once escapes are read:
#: GFM's autolink literals (mdast-util-gfm-autolink-literal's patterns) and emoji short codes.
AUTOLINK = re.compile(r"(https?://|www(?=\.))[-.\w]+|[-.\w+]+@[-\w]+(?:\.[-\w]+)+|:[+\w-]+:", re.IGNORECASE | re.ASCII)
MARKDOWN_LINK = re.compile(r"(?<!\\)\]\(|(?<!\\)<[a-z]", re.IGNORECASE)  # "[text](url)", "![alt](url)", "<tag"


def unescaped(markdown: str) -> str:
    """The text the Markdown renderer's link finder reads: escapes read, invisible characters kept."""
    return re.sub(r"\\(.)", r"\1", markdown)


def assert_plain(markdown: str) -> None:
    """Shown as typed: no Markdown link or image, no HTML tag, nothing the page would link, and not a wall of text."""
    assert not MARKDOWN_LINK.search(markdown), markdown
    assert not AUTOLINK.search(unescaped(markdown)), unescaped(markdown)
    assert len(plain(markdown)) <= 700, len(markdown)


@pytest.fixture(scope="module")
def baseline() -> dict[str, str]:
    return kpis(start())


@pytest.mark.parametrize(("what", "text", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_upload_is_an_inline_error_and_the_case_is_kept(baseline, what, text, message):
    at = start()
    at.file_uploader(key=state.UPLOAD).upload("hostile.toml", text.encode(), "application/toml").run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [plain(e.value) for e in at.sidebar.error]
    said = f"Upload not loaded, the previous scenario is kept. hostile.toml: {message}"
    assert len(errors) == 1 and errors[0].startswith(said), errors
    assert kpis(at) == baseline
    assert at.selectbox(key=state.PICKER).value == "forum-post"  # the sidebar is drawn
    at.number_input(key="w:merges.fix_hours:likely").set_value(3.5).run()  # and still edits the case
    assert not at.exception and kpis(at) != baseline


def test_an_upload_saved_with_a_byte_order_mark_loads(baseline):
    at = start()
    content = b"\xef\xbb\xbf" + (ROOT / "scenarios" / "series-b.toml").read_bytes()
    at.file_uploader(key=state.UPLOAD).upload("bom.toml", content, "application/toml").run()
    assert not at.sidebar.error, [e.value for e in at.sidebar.error]
    assert kpis(at)["Payback"] == "14.4 mo"


LINKS = "![b](http://127.0.0.1:9/beacon.png) [click](https://evil.example/x) https://evil.example www.evil.example"
HOSTILE_NAME = "[win](https://evil.example) :smile: a@evil.example.toml"


def test_an_upload_error_shows_the_file_name_and_the_value_as_plain_text():
    at = start()
    content = f'schema_version = "{LINKS} {"x" * 5_000}"\nname = "x"\n'.encode()
    at.file_uploader(key=state.UPLOAD).upload(HOSTILE_NAME, content, "application/toml").run()
    errors = [e.value for e in at.sidebar.error]
    assert errors and all(HOSTILE_NAME in plain(e) for e in errors), errors
    assert any("got the text '![b](http://127.0.0.1:9/beacon.png) [click]" in plain(e) for e in errors), errors
    for error in errors:
        assert_plain(error)
    assert any("characters left out" in plain(e) for e in errors), errors  # cut, and says so


def test_url_parameter_warnings_are_plain_text():
    at = start({"scenario": "forum-post", "https://evil.example/a": "1", "www.evil.example": LINKS})
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 2 and any("https://evil" in plain(w) for w in warnings), warnings
    for warning in warnings:
        assert_plain(warning)


def test_at_most_five_warnings_come_from_url_parameters():
    at = start({"scenario": "forum-post", **{f"nope{i}": "1" for i in range(300)}})
    assert not at.exception
    warnings = [plain(w.value) for w in at.warning]
    assert len(warnings) == 6, warnings[:8]
    assert all("unknown key" in w for w in warnings[:5]) and warnings[5] == "and 295 more warnings about URL parameters"


@pytest.mark.parametrize(
    ("key", "value"),
    [("merges.fix_hours", "[" * 5000 + "]" * 5000), ("merges.fix_hours", "{low = " * 5000 + "1" + "}" * 5000),
     (".".join(["investments.ci_cd.delivers", *["x"] * 5000]), "1")],
    ids=["a value of nested lists", "a value of nested tables", "a key 5,000 levels deep"],
)  # fmt: skip
def test_a_url_parameter_nested_5000_deep_is_a_warning(baseline, key, value):
    at = start({"scenario": "forum-post", key: value})
    assert not at.exception, [e.value[:300] for e in at.exception]
    warnings = [plain(w.value) for w in at.warning]
    assert len(warnings) == 1 and "is nested more than 16 levels deep" in warnings[0], warnings
    assert kpis(at) == baseline


@pytest.fixture
def scenario_folder(tmp_path, monkeypatch):
    """scenarios/ with two good files, one saved with a byte-order mark, and three that do not load."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copy(FORUM, folder / "forum-post.toml")
    shutil.copy(ROOT / "scenarios" / "series-b.toml", folder / "series-b.toml")
    (folder / "bom.toml").write_bytes(b"\xef\xbb\xbf" + (ROOT / "scenarios" / "enterprise.toml").read_bytes())
    (folder / "bad.toml").write_text('schema_version = 4\nname = "[x](https://evil.example)"\n')
    (folder / "deep.toml").write_text("a = " + "[" * 5000 + "]" * 5000)
    (folder / "latin1.toml").write_bytes('name = "Caf\xe9"'.encode("latin-1"))
    monkeypatch.setattr(cache, "SCENARIO_DIR", folder)
    return folder


def test_a_bad_file_in_scenarios_is_reported_and_the_page_keeps_working(scenario_folder):
    at = start()
    options = at.selectbox(key=state.PICKER).options
    if "bad" in options:  # offered, as before: picking it must not break the page
        at.selectbox(key=state.PICKER).set_value("bad").run()
        assert not at.exception, [e.value[:300] for e in at.exception]
    examples = [o for o in options if not o.startswith("New case")]  # the picker names them (issue 19)
    assert len(examples) == 3 and not any("bad" in o or "deep" in o or "latin1" in o for o in examples), examples
    reported = [plain(w.value) for w in at.sidebar.warning]
    assert [r.split(": ")[1] for r in reported] == [f"scenarios/{n}.toml" for n in ("bad", "deep", "latin1")]
    assert "schema_version: must be 1, 2 or 3" in reported[0] and "nested more than 16" in reported[1], reported
    for line in at.sidebar.warning:
        assert_plain(line.value)
    at.selectbox(key=state.PICKER).set_value("bom").run()
    assert not at.exception and at.query_params["scenario"] == "bom"
    at.session_state[state.VIEW] = "Compare"
    at.run()
    assert not at.exception, [e.value[:300] for e in at.exception]
    linked = start({"scenario": "bad"})
    said = "scenario='bad' was ignored: that file is not a valid scenario"
    assert any(said in plain(w.value) for w in linked.warning)
