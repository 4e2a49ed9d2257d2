"""Nothing a user gives or does loses their case (issue 17): every file written whole or not at all, hostile files
refused in one line. The full disk is a real one (a small tmpfs, mounted when the tests run as root, as CI does); the
kill is a real SIGKILL of a process writing through the CLI's writer."""

from __future__ import annotations

import errno
import os
import random
import re
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from roi import files
from roi.cli import app
from roi.errors import ScenarioError
from roi.scenario import load_scenario, loads_scenario
from tests.conftest import FORUM, ROOT

CI = ROOT / "tests" / "fixtures" / "ci"
RUNS = CI / "runs.csv"

#: A user's scenario that `import-ci runs.csv --into` changes in place (merges per month 120 -> 5.073333333).
CASE = """\
# Our case for the board.
schema_version = 1
name = "Platform team case"

[merges]
success_rate_after = 0.94
merges_per_month = 120
fix_hours = 3
success_rate_before = 0.70

[team]
loaded_hourly_rate = 150
"""


def leftovers(folder: Path) -> list[str]:
    """Temporary files a write left behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# ---------------------------------------------------------------- -o onto an existing scenario, --into, --force


def test_output_onto_an_existing_scenario_is_refused_and_names_into_and_force(runner, tmp_path):
    target = tmp_path / "case.toml"
    target.write_text(CASE)
    result = runner.invoke(app, ["import-ci", str(RUNS), "-o", str(target)])
    assert result.exit_code == 2, result.output
    [line] = result.output.splitlines()
    assert line.startswith(f"{target}: already exists") and f"--into {target}" in line and "--force" in line
    assert target.read_text() == CASE and not files.backup_path(target).exists()


def test_force_replaces_an_existing_scenario_and_keeps_the_previous_one(runner, tmp_path):
    target = tmp_path / "case.toml"
    target.write_text(CASE)
    result = runner.invoke(app, ["import-ci", str(RUNS), "-o", str(target), "--force"])
    assert result.exit_code == 0, result.output
    assert load_scenario(target).name.startswith("Baseline from CI history")
    assert files.backup_path(target).read_text() == CASE
    assert leftovers(tmp_path) == []


def test_into_keeps_the_previous_file_as_bak_and_its_mode(runner, tmp_path):
    target = tmp_path / "case.toml"
    target.write_text(CASE)
    target.chmod(0o640)
    result = runner.invoke(app, ["import-ci", str(RUNS), "--into", str(target)])
    assert result.exit_code == 0, result.output
    assert "merges_per_month = 5.073333333" in target.read_text()
    assert (tmp_path / "case.toml.bak").read_text() == CASE
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


def test_into_and_output_the_same_file_is_an_update_not_a_refusal(runner, tmp_path):
    target = tmp_path / "case.toml"
    target.write_text(CASE)
    result = runner.invoke(app, ["import-ci", str(RUNS), "--into", str(target), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "merges_per_month = 5.073333333" in target.read_text()


# ---------------------------------------------------------------- the writer itself


@pytest.mark.parametrize(
    ("before", "mode"),
    [(None, None), (b"old", 0o640), (b"old", 0o600), (b"x" * 100_000, 0o664)],
    ids=["new file", "0640", "0600", "large 0664"],
)
def test_a_write_replaces_the_file_keeps_its_mode_and_leaves_nothing_behind(tmp_path, before, mode):
    target = tmp_path / "out.csv"
    if before is not None:
        target.write_bytes(before)
        target.chmod(mode)
    files.write_atomic(target, b"new content")
    assert target.read_bytes() == b"new content"
    if mode is not None:
        assert stat.S_IMODE(target.stat().st_mode) == mode
    else:
        umask = os.umask(0)
        os.umask(umask)
        assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert leftovers(tmp_path) == []


def test_a_write_through_a_symlink_replaces_the_file_and_keeps_the_link(tmp_path):
    real = tmp_path / "real.toml"
    real.write_bytes(b"old")
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    files.write_atomic(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"


@pytest.mark.parametrize(
    ("name", "error"),
    [("no-dir/x.csv", FileNotFoundError), ("a-folder", IsADirectoryError), ("a-file/x.csv", NotADirectoryError)],
)
def test_a_write_that_cannot_happen_raises_and_leaves_nothing_behind(tmp_path, name, error):
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "a-file").write_bytes(b"keep")
    with pytest.raises(error):
        files.write_atomic(tmp_path / name, b"new")
    assert (tmp_path / "a-file").read_bytes() == b"keep" and leftovers(tmp_path) == []


# ---------------------------------------------------------------- a full disk


@pytest.fixture
def small_disk(tmp_path) -> Iterator[Path]:
    """A 1 MB tmpfs at tmp_path/disk: needs root (CI runs as root; elsewhere skipped, unless ROI_REQUIRE_SYSTEM=1)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    why = "a full disk is a tmpfs mounted for the test, which needs root" if os.geteuid() != 0 else None
    if why is None:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs", str(disk)], capture_output=True, text=True
        )
        why = f"cannot mount a tmpfs: {mounted.stderr.strip()}" if mounted.returncode else None
    if why is not None:
        if os.environ.get("ROI_REQUIRE_SYSTEM") == "1":
            pytest.fail(f"{why}, and ROI_REQUIRE_SYSTEM=1 requires it")
        pytest.skip(why)
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=False)
        if os.path.ismount(disk):
            subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk: Path) -> None:
    """Take every free block of the disk."""
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        for size in (65536, 4096, 1):
            while True:
                try:
                    os.write(fd, b"\0" * size)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC
                    break
    finally:
        os.close(fd)
    assert os.statvfs(disk).f_bavail == 0


def padded_case() -> str:
    """CASE with a comment that takes it to just under one 4 KB block, so its update (9 bytes longer) needs two."""
    return CASE + "#" * (4096 - 4 - len(CASE) - 1) + "\n"


OLD_OUTPUT = b"the good output of yesterday\n"

#: (what is written, the target's name, the command line given the target, what the target holds before)
FULL_DISK_CASES: list[tuple[str, str, Callable[[Path], list[str]], bytes]] = [
    ("import-ci --into", "case.toml", lambda t: ["import-ci", str(RUNS), "--into", str(t)], padded_case().encode()),
    ("import-ci -o --force", "new.toml", lambda t: ["import-ci", str(RUNS), "-o", str(t), "--force"], OLD_OUTPUT),
    ("export -o .csv", "flows.csv", lambda t: ["export", str(FORUM), "-o", str(t)], OLD_OUTPUT),
    ("export -o .xlsx", "book.xlsx", lambda t: ["export", str(FORUM), "-o", str(t)], OLD_OUTPUT),
    ("memo -o .html", "memo.html", lambda t: ["memo", str(FORUM), "-o", str(t), "--draws", "200"], OLD_OUTPUT),
    ("simulate --draws-csv", "draws.csv", lambda t: ["simulate", str(FORUM), "--draws", "500", "--draws-csv", str(t)],
     OLD_OUTPUT),
]  # fmt: skip


@pytest.mark.parametrize(("what", "name", "args", "before"), FULL_DISK_CASES, ids=[c[0] for c in FULL_DISK_CASES])
def test_a_full_disk_leaves_the_file_as_it_was(runner, small_disk, what, name, args, before):
    target = small_disk / name
    target.write_bytes(before)
    fill(small_disk)
    result = runner.invoke(app, args(target))
    after = target.read_bytes()
    assert after == before, f"{len(before):,} bytes before, {len(after):,} after: {result.output}"
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    line = result.output.splitlines()[-1]
    assert line == f"{target}: cannot write: No space left on device; {target} is unchanged", result.output
    assert sorted(p.name for p in small_disk.iterdir()) == sorted(["filler", target.name])


# ---------------------------------------------------------------- a kill in the middle of a write

WRITER = """\
import sys
from pathlib import Path
from roi.cli import save

target, contents = Path(sys.argv[1]), [Path(p).read_bytes() for p in sys.argv[2:]]
print("ready", flush=True)
i = 0
while True:
    save(target, contents[i % 2])
    i += 1
"""


def test_a_kill_mid_write_leaves_exactly_the_old_or_the_new_file(tmp_path):
    """Eight SIGKILLs at random moments of a loop writing two 10 MB files in turn over one target."""
    old, new = tmp_path / "old.bin", tmp_path / "new.bin"
    old.write_bytes(os.urandom(10_000_000))
    new.write_bytes(os.urandom(10_000_000))
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "case.toml"
    dice = random.Random(17)
    seen = []
    for _ in range(8):
        target.write_bytes(old.read_bytes())
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(target), str(new), str(old)], cwd=ROOT, stdout=subprocess.PIPE
        )
        assert proc.stdout is not None and proc.stdout.readline() == b"ready\n"
        proc.stdout.close()
        time.sleep(dice.uniform(0.05, 0.8))
        assert proc.poll() is None, "the writer stopped by itself"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        content = target.read_bytes()
        assert content in (old.read_bytes(), new.read_bytes()), f"target cut to {len(content):,} bytes"
        seen.append("old" if content == old.read_bytes() else "new")
        for stray in leftovers(folder):  # a killed writer cannot remove its temporary file: that is all it leaves
            (folder / stray).unlink()
    assert sorted(os.listdir(folder)) == ["case.toml"]


# ---------------------------------------------------------------- hostile files

DEEP = 5000
HOSTILE = [
    ("nested lists", "a = " + "[" * DEEP + "]" * DEEP, "is nested more than 16 levels deep"),
    ("nested inline tables", "a = " + "{b = " * DEEP + "1" + "}" * DEEP, "is nested more than 16 levels deep"),
    ("nested table header", "[" + ".".join(["a"] * DEEP) + "]\nx = 1", "is nested more than 16 levels deep"),
    ("an integer of 5,000 digits", "schema_version = " + "1" * DEEP, "is not valid TOML: Exceeds the limit"),
]


@pytest.mark.parametrize(("what", "text", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
@pytest.mark.parametrize("command", ["validate", "summary", "import-ci --into"])
def test_a_hostile_file_is_one_clean_line_and_exit_2(runner, tmp_path, what, text, message, command):
    path = tmp_path / "hostile.toml"
    path.write_text(text)
    args = ["import-ci", str(RUNS), "--into", str(path)] if command == "import-ci --into" else [command, str(path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.output.splitlines()[0].startswith(f"{path}: {message}"), result.output
    assert len(result.output.splitlines()) <= 2  # import-ci adds "not written"
    assert path.read_text() == text


@pytest.mark.parametrize("value", ["[" * DEEP + "]" * DEEP, "{b = " * DEEP + "1" + "}" * DEEP, "9" * DEEP])
def test_a_hostile_set_value_is_one_clean_line_and_exit_2(runner, value):
    result = runner.invoke(
        app, ["summary", str(ROOT / "scenarios" / "forum-post.toml"), "--set", f"merges.fix_hours={value}"]
    )
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.output.splitlines() == [
        "--set: merges.fix_hours: the value is nested more than 16 levels deep or too long to read"
    ]


@pytest.mark.parametrize(("what", "text", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_upload_is_a_scenario_error(what, text, message):
    with pytest.raises(ScenarioError) as caught:
        loads_scenario(text.encode(), source="up.toml")
    assert caught.value.lines()[0].startswith(f"up.toml: {message}")


def test_a_file_saved_with_a_byte_order_mark_is_read(runner, tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + FORUM.read_bytes())
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert loads_scenario(path.read_bytes()) == load_scenario(FORUM)
    assert loads_scenario(path.read_text(encoding="utf-8")) == load_scenario(FORUM)  # text with the mark in it
    into = tmp_path / "bom-case.toml"
    into.write_bytes(b"\xef\xbb\xbf" + CASE.encode())
    result = runner.invoke(app, ["import-ci", str(RUNS), "--into", str(into)])
    assert result.exit_code == 0, result.output
    assert "merges_per_month = 5.073333333" in into.read_text(encoding="utf-8-sig")


def test_every_file_the_tool_writes_goes_through_the_atomic_writer():
    """The kill test drives roi.cli.save; every command's output goes through it, and nothing in roi/, ui/ or the page
    writes a file any other way."""
    cli = (ROOT / "roi" / "cli.py").read_text()
    assert cli.count("files.write_atomic(") == 1
    sources = [*ROOT.glob("roi/**/*.py"), *ROOT.glob("ui/**/*.py"), ROOT / "app.py"]
    writes = re.compile(r"write_bytes\(|write_text\(|\bopen\([^)]*[\"'][rb]*[wax]|os\.open\(|to_(csv|excel)\([^)]*path")
    assert [p.name for p in sources if writes.search(p.read_text())] == ["files.py"]
