"""Downloading Bolagsverket's bulk file: streamed to disk, checksummed, the previous file kept until the new
one has been parsed successfully."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import requests

from registry.http_client import FetchError, retrying_session, user_agent


@dataclass(frozen=True)
class Download:
    path: Path
    sha256: str
    size: int
    downloaded_at: str
    url: str


def download(url: str, target: Path, contact: str, timeout: float = 60.0, max_bytes: int = 2 * 1024**3) -> Download:
    """Stream ``url`` to ``target.partial``; the caller promotes it with ``promote`` once it parsed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    digest = hashlib.sha256()
    size = 0
    session = retrying_session(retries=4, backoff=2.0)
    try:
        with session.get(url, headers={"User-Agent": user_agent(contact)}, stream=True, timeout=timeout) as response:
            if response.status_code != 200:
                raise FetchError(f"{url} answered HTTP {response.status_code}")
            with partial.open("wb") as out:
                for chunk in response.iter_content(chunk_size=1 << 20):
                    size += len(chunk)
                    if size > max_bytes:
                        raise FetchError(f"{url}: larger than {max_bytes} bytes, download stopped")
                    digest.update(chunk)
                    out.write(chunk)
    except requests.RequestException as exc:
        partial.unlink(missing_ok=True)
        raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from exc
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
