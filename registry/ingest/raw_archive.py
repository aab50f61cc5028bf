"""The raw archive: every HTTP response kept, content-addressed, with an index to find it again.

Bodies live under ``bodies/<sha256[:2]>/<sha256>``; ``index.jsonl`` holds one line per response
(URL, time, status, headers, hash). Identical bodies are stored once. Parsers can be re-run over the
archive without the network, and replay mode serves requests from it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path
from typing import Any

_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class ArchivedResponse:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime
    sha256: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def declared_charset(self) -> str | None:
        content_type = next((v for k, v in self.headers.items() if k.lower() == "content-type"), None)
        if not content_type:
            return None
        message = Message()
        message["content-type"] = content_type
        return message.get_param("charset")  # type: ignore[return-value]

    def text(self) -> str:
        """The body as text: the declared charset, else UTF-8, else Windows-1252 (common on older Swedish sites)."""
        for encoding in (self.declared_charset, "utf-8"):
            if encoding:
                try:
                    return self.body.decode(encoding)
                except (LookupError, UnicodeDecodeError):
                    continue
        return self.body.decode("cp1252", errors="replace")

    def json(self) -> object:
        return json.loads(self.text())


class RawArchive:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.index_path = self.root / "index.jsonl"
        # URL -> its index entries, oldest first; reloaded when another process appended to the index.
        self._by_url: dict[str, list[dict[str, Any]]] = {}
        self._loaded_size = -1
        # Index lines skipped at the last read: torn, malformed, or pointing outside the archive.
        self.refused = 0

    def _body_path(self, sha256: str) -> Path:
        # The hash names the file: anything but 64 hex digits (``../../etc/passwd``) could point outside the
        # archive, and is refused.
        if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
            raise ValueError(f"refused: {sha256!r} is not a SHA-256 and could point outside {self.root}")
        return self.root / "bodies" / sha256[:2] / sha256

    def store(
        self,
        url: str,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
        fetched_at: datetime | None = None,
    ) -> ArchivedResponse:
        fetched_at = fetched_at or datetime.now(UTC)
        sha256 = hashlib.sha256(body).hexdigest()
        path = self._body_path(sha256)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            tmp.write_bytes(body)
            tmp.replace(path)  # atomic: a reader never sees half a body
        entry = {
            "url": url,
            "status": status,
            "fetched_at": fetched_at.isoformat(),
            "sha256": sha256,
            "size": len(body),
            "headers": dict(headers),
        }
        self.root.mkdir(parents=True, exist_ok=True)
        line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
        # One short line per append: concurrent writers (parallel source assets) do not interleave.
        with self.index_path.open("a+b") as index:
            # A process killed mid-append leaves a line without its newline: start on a fresh line.
            if index.tell() > 0:
                index.seek(-1, os.SEEK_END)
                if index.read(1) != b"\n":
                    line = "\n" + line
            index.write(line.encode("utf-8"))
        return ArchivedResponse(url, status, dict(headers), body, fetched_at, sha256)

    def entries(self) -> Iterator[dict[str, Any]]:
        """The index's entries. A line that is not a whole, valid entry (torn by a killed process, or pointing
        outside the archive) is skipped and counted in ``refused``."""
        self.refused = 0
        if not self.index_path.exists():
            return
        with self.index_path.open(encoding="utf-8", errors="replace") as index:
            for line in index:
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                    valid = (
                        isinstance(entry, dict)
                        and isinstance(entry.get("url"), str)
                        and isinstance(entry.get("status"), int)
                        and isinstance(entry.get("fetched_at"), str)
                        and isinstance(entry.get("headers"), dict)
                        and _SHA256.fullmatch(str(entry.get("sha256", ""))) is not None
                    )
                except json.JSONDecodeError:
                    valid = False
                if valid:
                    yield entry
                else:
                    self.refused += 1

    def _index(self) -> dict[str, list[dict[str, Any]]]:
        size = self.index_path.stat().st_size if self.index_path.exists() else 0
        if size != self._loaded_size:
            by_url: dict[str, list[dict[str, Any]]] = {}
            for entry in self.entries():
                by_url.setdefault(entry["url"], []).append(entry)
            for entries in by_url.values():
                entries.sort(key=lambda e: e["fetched_at"])
            self._by_url, self._loaded_size = by_url, size
        return self._by_url

    def latest(
        self, url: str, *, as_of: datetime | None = None, statuses: Container[int] | None = None
    ) -> ArchivedResponse | None:
        """The newest archived response for a URL (fetched at or before ``as_of``; with one of ``statuses``).

        ``as_of`` replays the archive as it was at a moment, so a parser fix can re-process history.
        """
        for entry in reversed(self._index().get(url, [])):
            fetched_at = datetime.fromisoformat(entry["fetched_at"])
            if as_of is not None and fetched_at > as_of:
                continue
            if statuses is not None and entry["status"] not in statuses:
                continue
            return ArchivedResponse(
                url=url,
                status=int(entry["status"]),
                headers=dict(entry["headers"]),
                body=self._body_path(entry["sha256"]).read_bytes(),
                fetched_at=fetched_at,
                sha256=entry["sha256"],
            )
        return None
