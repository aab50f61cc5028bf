"""Downloading Bolagsverket's bulk file: streamed to disk, checksummed, the previous file kept until the new
one has been parsed successfully.

Two limits keep a bad transfer from holding the weekly run: a stall (no byte for ``stall_seconds``, the read
timeout) and an overall deadline (``deadline_seconds``, long: the file is hundreds of MB). Either ends the
download with a FetchError that says which, and the partial file is removed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import requests
from urllib3.exceptions import MaxRetryError, ReadTimeoutError

from registry.deadlines import Deadline, DeadlinePassed
from registry.ingest.http_client import FetchError, retrying_session, user_agent

DEFAULT_STALL_SECONDS = 120.0
DEFAULT_DEADLINE_SECONDS = 2 * 3600.0


@dataclass(frozen=True)
class Download:
    path: Path
    sha256: str
    size: int
    downloaded_at: str
    url: str


def _stalled(exc: BaseException) -> bool:
    """Whether a requests error is a read that timed out (requests wraps urllib3's in several ways)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, requests.ReadTimeout | ReadTimeoutError):
            return True
        if isinstance(seen, MaxRetryError) and isinstance(seen.reason, ReadTimeoutError):
            return True
        wrapped = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None
        seen = wrapped or seen.__cause__
    return False


def download(
    url: str,
    target: Path,
    contact: str,
    max_bytes: int = 2 * 1024**3,
    *,
    stall_seconds: float = DEFAULT_STALL_SECONDS,
    deadline_seconds: float = DEFAULT_DEADLINE_SECONDS,
) -> Download:
    """Stream ``url`` to ``target.partial``; the caller promotes it with ``promote`` once it parsed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    digest = hashlib.sha256()
    size = 0
    session = retrying_session(retries=4, backoff=2.0)
    try:
        with Deadline(deadline_seconds) as deadline:
            try:
                with session.get(
                    url, headers={"User-Agent": user_agent(contact)}, stream=True, timeout=stall_seconds
                ) as response:
                    if response.status_code != 200:
                        raise FetchError(f"{url} answered HTTP {response.status_code}")
                    with partial.open("wb") as out:
                        for chunk in response.iter_content(chunk_size=1 << 20):
                            size += len(chunk)
                            if size > max_bytes:
                                raise FetchError(f"{url}: larger than {max_bytes} bytes, download stopped")
                            digest.update(chunk)
                            out.write(chunk)
                deadline.check_not_cut()
            except (requests.RequestException, FetchError) as exc:
                deadline.check_not_cut()
                if isinstance(exc, FetchError):
                    raise
                if _stalled(exc):
                    raise FetchError(f"{url}: no data for {stall_seconds:g} s, download stopped (stalled)") from exc
                raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from exc
    except DeadlinePassed as exc:
        partial.unlink(missing_ok=True)
        raise FetchError(f"{url}: not complete within the download deadline of {deadline_seconds:g} s") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Download(partial, digest.hexdigest(), size, datetime.now(UTC).isoformat(), url)


def promote(downloaded: Download, target: Path) -> Download:
    """Make a parsed download the current file, keeping the one it replaces as ``.previous``."""
    if target.exists():
        shutil.move(target, target.with_name(target.name + ".previous"))
    downloaded.path.replace(target)
    promoted = Download(target, downloaded.sha256, downloaded.size, downloaded.downloaded_at, downloaded.url)
    target.with_name(target.name + ".json").write_text(json.dumps(asdict(promoted), default=str, indent=1))
    return promoted
