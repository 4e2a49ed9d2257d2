"""The page in a real browser keeps what the user gives it safe (issue 17): nothing leaves the machine, user text is
never a link or an image, and the downloads still work after the server restarts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

from roi import loads_scenario
from tests.conftest import ROOT
from tests.test_browser import (
    HEADLINE_DRAWN,
    TABS,
    ScriptRuns,
    download,
    open_downloads,
    open_page,
    open_tab,
)

pytestmark = pytest.mark.browser


def foreign(requests: list[str], url: str) -> list[str]:
    """The requests that went anywhere but the page's own server."""
    return [r for r in requests if not r.startswith((url + "/", "data:", "blob:")) and r != url]


def test_nothing_leaves_the_machine_when_the_page_loads(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 1600})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.runs = ScriptRuns(page)
    page.goto(server, wait_until="domcontentloaded")
    page.runs.wait_settled()
    page.wait_for_function(HEADLINE_DRAWN, timeout=60_000)
    # the icon and the fonts load after the first run
    page.wait_for_function("() => document.fonts.status === 'loaded' && document.querySelector('link[rel*=icon]')")
    icons = page.evaluate("() => [...document.querySelectorAll('link[rel*=icon]')].map(l => l.href)")
    assert icons and all(i.startswith(server + "/") for i in icons), icons
    for tab in TABS:
        open_tab(page, tab)
    assert foreign(requests, server) == []
    page.close()


#: A file name and a value that, read as Markdown, would be links, an image fetched from elsewhere and an emoji.
HOSTILE_NAME = "[win](https:evil.example) www.evil.example a@evil.example :smile:.toml"
BEACON = "http://127.0.0.1:9/beacon.png"
HOSTILE_VALUE = f"![b]({BEACON}) [click](https://evil.example/x) https://evil.example www.evil.example <img src=x>"


def test_user_text_in_messages_is_never_a_link_or_an_image(browser, server):
    value = quote("https://evil.example/x www.evil.example a@evil.example")
    link = f"{server}/?scenario=forum-post&merges.fix_hours={value}&{quote('https://evil.example/a')}=1"
    page = open_page(browser, link, {"width": 1280, "height": 1600})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    main_alerts = page.get_by_test_id("stMain").get_by_test_id("stAlert")
    assert main_alerts.count() == 2, main_alerts.all_inner_texts()
    content = f'schema_version = "{HOSTILE_VALUE}"\nname = "x"\n'.encode()
    uploader = page.get_by_test_id("stSidebar").get_by_test_id("stFileUploaderDropzoneInput")
    with page.runs.rerun():
        uploader.set_input_files(files=[{"name": HOSTILE_NAME, "mimeType": "application/toml", "buffer": content}])
    side_alerts = page.get_by_test_id("stSidebar").get_by_test_id("stAlert")
    side_alerts.first.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)  # an image would be fetched by now
    for where, alerts in (("main", main_alerts), ("sidebar", side_alerts)):
        links = alerts.locator("a, img").evaluate_all("es => es.map(e => e.outerHTML)")
        assert links == [], f"{where}: {links}"
    assert [r for r in requests if r.startswith(BEACON)] == []
    assert foreign(requests, server) == []
    shown = side_alerts.all_inner_texts()  # as typed
    assert any(HOSTILE_NAME in s.replace("\u2060", "") for s in shown), shown
    assert any(HOSTILE_VALUE[:40] in s.replace("\u2060", "") for s in shown), shown
    page.close()


# ------------------------------------------------------------------ a server restart


@contextmanager
def streamlit_on(port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`streamlit run app.py` on a given port (a restart reuses it), until its health check answers."""
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1", "--server.port",
           str(port), "--browser.gatherUsageStats", "false", "--server.headless", "true",
           "--server.fileWatcherType", "none"]  # fmt: skip
    with log.open("a") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=dict(os.environ), stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_downloads_work_after_the_server_restarts(browser, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url, log = f"http://127.0.0.1:{port}", tmp_path / "streamlit.log"
    with streamlit_on(port, log):
        page = open_page(browser, f"{url}/?scenario=series-b&merges.fix_hours=3")
        open_downloads(page)
        assert download(page, "Monthly cash flow (CSV)")[1].startswith(b"month,")
        runs = page.runs.requests
    page.runs.wait(lambda: page.runs.closed > 0, "the page did not see the server go")
    with streamlit_on(port, log):
        # reconnected, the page reruns itself: its files are registered with the new server
        page.runs.wait(lambda: page.runs.requests > runs, "the page did not rerun after the server restarted", 60)
        page.runs.wait_settled()
        name, toml = download(page, "Scenario (TOML)", timeout=15_000)
        assert name.endswith(".toml") and loads_scenario(toml).merges.fix_hours == 3  # the case the page showed
        assert download(page, "Monthly cash flow (CSV)", timeout=15_000)[1].startswith(b"month,")
        assert download(page, "CFO workbook (XLSX)", timeout=15_000)[1][:2] == b"PK"
    assert "not found" not in log.read_text() and "mismatch" not in log.read_text(), log.read_text()[-2000:]
    page.close()
