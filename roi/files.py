"""Files the tool writes and reads, so that nothing a user gives or does loses their case.

Writing: every file goes to a temporary file in the target's folder, is flushed and fsynced, then `os.replace`d over
the target (keeping its mode). A full disk, a kill or any error leaves the target exactly as it was, or exactly the
new file; never a file cut short. Reading: a parsed file nested deeper than any scenario is refused before anything
recursive (validation, copies) walks it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: The deepest nesting of tables and lists a scenario file may have (the format needs 5: a range in a share).
MAX_DEPTH = 16
BACKUP_SUFFIX = ".bak"


def backup_path(path: Path) -> Path:
    """Where the previous version of a replaced scenario is kept: NAME.toml.bak beside it."""
    return path.with_name(path.name + BACKUP_SUFFIX)


def write_atomic(path: str | Path, content: bytes, *, backup: bool = False) -> None:
    """Write `content` to `path` so that the path always holds the old file or the new one, whole.

    A new file gets the mode any new file gets (the umask applies); an existing one keeps its mode (and, when
    possible, its owner). A target that exists but may not be written stays refused, as a plain write would be.
    With `backup`, an existing target is first copied, also atomically, to NAME.bak. On any error the target is
    untouched, the temporary file is removed, and the OSError propagates.
    """
    target = Path(os.path.realpath(path))  # through a symlink: replace the file it points to, keep the link
    try:
        old = target.stat()
    except FileNotFoundError:
        old = None
    if old is not None:
        if stat.S_ISDIR(old.st_mode):
            raise IsADirectoryError(21, os.strerror(21), str(path))
        if not os.access(target, os.W_OK):
            raise PermissionError(13, os.strerror(13), str(path))
        if backup:
            write_atomic(backup_path(target), target.read_bytes())
    with _temporary_beside(target) as (fd, temporary):
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view) :]
        if old is not None:
            os.fchmod(fd, stat.S_IMODE(old.st_mode))
            if (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
                with contextlib.suppress(OSError):  # only root may give a file away; keep going as its new owner
                    os.fchown(fd, old.st_uid, old.st_gid)
        os.fsync(fd)
        os.replace(temporary, target)
    _sync_folder(target.parent)


@contextlib.contextmanager
def _temporary_beside(target: Path) -> Iterator[tuple[int, Path]]:
    """A new, empty, hidden file in the target's folder (same file system, so the replace is atomic), removed
    unless it was moved over the target."""
    for _ in range(100):
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
            break
        except FileExistsError:
            continue
    else:  # pragma: no cover - 100 collisions of 32 random bits
        raise FileExistsError(17, os.strerror(17), str(target))
    try:
        yield fd, temporary
    except BaseException:
        os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise
    os.close(fd)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; a file system that cannot sync a folder has nothing to do here."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def too_deep(data: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether parsed data nests tables and lists deeper than `limit` levels; walked without recursion."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth >= limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False
