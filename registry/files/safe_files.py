"""Files named by configuration or by other files, opened without surprises.

- ``open_zip_member``: one member of a zip archive as a stream, refusing zip bombs (a member whose size
  or compression ratio is beyond reason, checked against the header *and* while reading, since a header
  can lie) and member names that would escape a folder (``../../etc/passwd``, ``/etc/passwd``, ``C:\\x``).
- ``check_zip_archive``: the same for every member of a zip read by a library (an .xlsx workbook).
- ``regular_file``: a configured path must be an ordinary file, not a device (``/dev/zero`` never ends),
  a FIFO (blocks forever) or a folder.
- ``inside``: a path built from a name someone else chose must stay inside its folder.
"""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import BinaryIO

from registry.reference.personnummer import shown_location

# Bolagsverket's bulk file unpacks to ~1.5 GB and SCB's to ~0.5 GB; text compresses about 5-10 times.
MAX_UNCOMPRESSED_BYTES = 20 * 1024**3
MAX_COMPRESSION_RATIO = 200


class UnsafeFile(ValueError):
    """A file that is refused: the message says which (its path or name as shown_location shows it, since a
    file may be named after a person and its number) and why."""


def regular_file(path: Path, what: str = "file") -> Path:
    """``path`` if it is an existing regular file (symlinks followed); else UnsafeFile or FileNotFoundError."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise FileNotFoundError(f"{what} {shown_location(path)} does not exist") from None
    if not stat.S_ISREG(mode):
        raise UnsafeFile(f"{what} {shown_location(path)} is not a regular file (a folder, device or pipe): refused")
    return path


def inside(root: Path, relative: str) -> Path:
    """``root / relative``, refused when it resolves (symlinks too) outside ``root``."""
    base = root.resolve()
    target = (base / relative).resolve()
    if not target.is_relative_to(base):
        raise UnsafeFile(f"{shown_location(relative)!r} points outside {shown_location(root)}: refused")
    return target


def unsafe_member_name(name: str) -> str | None:
    """Why a zip member name could escape the folder it is unpacked into, or None when it is safe."""
    if "\x00" in name:
        return "contains a NUL byte"
    windows = PureWindowsPath(name)
    if name.startswith(("/", "\\")) or windows.drive or windows.is_absolute():
        return "is an absolute path"
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if ".." in parts:
        return "climbs out of its folder (..)"
    return None


def check_zip_archive(path: Path, max_bytes: int, max_ratio: float = MAX_COMPRESSION_RATIO) -> None:
    """Refuse a whole zip (an .xlsx is one) whose members have unsafe names, unpack to more than ``max_bytes``
    together, or are compressed more than ``max_ratio`` : 1."""
    name = shown_location(path.name)
    with zipfile.ZipFile(path) as archive:
        total = 0
        for member in archive.infolist():
            member_name = shown_location(member.filename)
            problem = unsafe_member_name(member.filename)
            if problem:
                raise UnsafeFile(f"{name}: member {member_name!r} {problem}: refused")
            total += member.file_size
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > 1024**2 and ratio > max_ratio:
                raise UnsafeFile(f"{name}: member {member_name!r} is compressed {ratio:.0f}:1: refused")
        if total > max_bytes:
            raise UnsafeFile(f"{name} unpacks to {total:,} bytes, over the {max_bytes:,} allowed: refused")


class _CappedStream(io.RawIOBase):
    """Reads a member and stops with UnsafeFile past ``limit`` bytes, whatever the header said."""

    def __init__(self, raw: BinaryIO, limit: int, label: str) -> None:
        self.raw, self.limit, self.label, self.read_so_far = raw, limit, label, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.raw.read(len(buffer))
        self.read_so_far += len(data)
        if self.read_so_far > self.limit:
            raise UnsafeFile(f"{self.label} unpacks to more than {self.limit:,} bytes: refused as a zip bomb")
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.raw.close()
        super().close()


def open_zip_member(
    path: Path,
    suffix: str = ".txt",
    max_bytes: int = MAX_UNCOMPRESSED_BYTES,
    max_ratio: float = MAX_COMPRESSION_RATIO,
) -> BinaryIO:
    """The first member whose name ends with ``suffix``, as a buffered binary stream.

    The whole archive is refused when any member's name is unsafe, or when the chosen member is larger
    than ``max_bytes`` or compressed more than ``max_ratio`` : 1 (what a legitimate text file never is).
    """
    name = shown_location(path.name)
    archive = zipfile.ZipFile(path)
    try:
        members = archive.infolist()
        for member in members:
            problem = unsafe_member_name(member.filename)
            if problem:
                member_name = shown_location(member.filename)
                raise UnsafeFile(f"{name}: member {member_name!r} {problem}: the archive is refused")
        chosen = [m for m in members if m.filename.lower().endswith(suffix) and not m.is_dir()]
        if not chosen:
            raise ValueError(f"{name} holds no {suffix} file")
        member = chosen[0]
        label = shown_location(f"{path.name}:{member.filename}")
        if member.file_size > max_bytes:
            raise UnsafeFile(f"{label} declares {member.file_size:,} bytes, over the {max_bytes:,} allowed: refused")
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > max_ratio:
            raise UnsafeFile(f"{label} is compressed {ratio:.0f}:1, over the {max_ratio:.0f}:1 allowed: refused")
        # The header is checked; the stream enforces the limits again on what is actually unpacked.
        limit = min(max_bytes, int(max(member.compress_size, 1) * max_ratio))
        raw = archive.open(member)
    except BaseException:
        archive.close()
        raise
    stream = io.BufferedReader(_CappedStream(raw, limit, label), buffer_size=1 << 20)
    # The archive stays open as long as the stream: close both together.
    original_close = stream.close

    def close() -> None:
        original_close()
        archive.close()

    stream.close = close  # type: ignore[method-assign]
    return stream
