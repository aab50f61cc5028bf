"""Files this project writes for people (exports, reports, review sheets, CSV results): complete or not at all.

Every file is written beside its target, flushed and synced, and renamed into place only when complete, so a
reader sees the previous file or the new one, never half of one; an error while writing, flushing or closing
(a full disk) is raised, never swallowed, and leaves the previous file as it was. A target that exists and
is not a regular file (``/dev/full``, a pipe, a socket) is refused: renaming over it would replace a device
node, and writing into it would report success for output nobody can read.
"""

from __future__ import annotations

import io
import os
import secrets
import stat
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO

Writer = Callable[[BinaryIO], None]


class UnwritableOutput(ValueError):
    """The output cannot be written there; the message names the path and why."""


def check_target(path: Path) -> None:
    """Refuse a target that is a folder, a device, a pipe or a socket, or whose folder does not exist."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if not path.parent.is_dir():
            raise UnwritableOutput(f"{path}: the folder {path.parent} does not exist") from None
        return
    if stat.S_ISDIR(mode):
        raise UnwritableOutput(f"{path} is a folder; a file is written there")
    if not stat.S_ISREG(mode):
        raise UnwritableOutput(f"{path} is not a regular file (a device, pipe or socket): refused")


@contextmanager
def _staged(path: Path) -> Iterator[tuple[Path, BinaryIO]]:
    """A new file beside ``path`` (same file system, so the rename is atomic), removed if writing fails."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    # os.open with 0o666 lets the umask decide the permissions, as for any file the user writes.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield temporary, handle
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_atomically(files: Sequence[tuple[Path, Writer]]) -> None:
    """Write every file completely first, then move each into place with a rename: a reader sees the old
    file or the new one, never half of one, and nothing is replaced unless all files were written."""
    for path, _ in files:
        check_target(path)
    staged: list[tuple[Path, Path]] = []
    try:
        for path, write in files:
            with _staged(path) as (temporary, handle):
                write(handle)
            staged.append((temporary, path))
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, path in staged:
        os.replace(temporary, path)
    for directory in {path.parent for _, path in staged}:
        _fsync_directory(directory)


@contextmanager
def atomic_text_file(path: Path, encoding: str = "utf-8") -> Iterator[TextIO]:
    """A text file to write row by row (``newline=""``, as the csv module wants), moved into place only when the
    block ends without an error."""
    check_target(path)
    with _staged(path) as (temporary, handle):
        text = io.TextIOWrapper(handle, encoding=encoding, newline="")
        yield text
        text.flush()
        text.detach()  # the binary handle is flushed, synced and closed by _staged
    os.replace(temporary, path)
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    # Makes the renames themselves durable; not every platform lets a directory be opened.
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
