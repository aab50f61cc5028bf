"""Downloading the bulk file: streamed, checksummed, and the previous file kept until the new one parsed."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from registry.ingest.http_client import FetchError
from registry.register.bulk_download import download, promote

BODY = b"PK-not-really-a-zip-but-bytes" * 1000


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path in ("/stalls.zip", "/trickles.zip"):
            self._slow(stall=self.path == "/stalls.zip")
            return
        status = 200 if self.path == "/bulk.zip" else 404
        body = BODY if status == 200 else b"missing"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _slow(self, stall: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        try:
            self.wfile.write(BODY[:1000])  # a good start, then...
            if stall:
                time.sleep(30)  # ...nothing more
            for byte in BODY[1000:]:
                self.wfile.write(bytes([byte]))  # ...or a byte every 0.1 s: never a stall, never an end
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass  # the client gave up, as it should

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def base_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_download_checksums_and_keeps_the_previous_file(base_url: str, tmp_path: Path) -> None:
    target = tmp_path / "bolagsverket_bulkfil.zip"
    target.write_bytes(b"last week's file")
    fetched = download(f"{base_url}/bulk.zip", target, contact="scan@example.se")
    assert fetched.path.name == "bolagsverket_bulkfil.zip.partial"
    assert fetched.sha256 == hashlib.sha256(BODY).hexdigest() and fetched.size == len(BODY)
    assert target.read_bytes() == b"last week's file"  # untouched until the new file has parsed
    promoted = promote(fetched, target)
    assert target.read_bytes() == BODY
    assert (tmp_path / "bolagsverket_bulkfil.zip.previous").read_bytes() == b"last week's file"
    assert json.loads((tmp_path / "bolagsverket_bulkfil.zip.json").read_text())["sha256"] == promoted.sha256


def test_a_failed_download_leaves_nothing_half_written(base_url: str, tmp_path: Path) -> None:
    target = tmp_path / "bolagsverket_bulkfil.zip"
    with pytest.raises(FetchError, match="HTTP 404"):
        download(f"{base_url}/missing.zip", target, contact="scan@example.se")
    with pytest.raises(FetchError, match="larger than"):
        download(f"{base_url}/bulk.zip", target, contact="scan@example.se", max_bytes=100)
    assert list(tmp_path.iterdir()) == []


def test_a_stalled_download_fails_and_leaves_no_partial_file(base_url: str, tmp_path: Path) -> None:
    target = tmp_path / "bolagsverket_bulkfil.zip"
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"stalls.zip: no data for 1 s, download stopped \(stalled\)"):
        download(f"{base_url}/stalls.zip", target, contact="scan@example.se", stall_seconds=1, deadline_seconds=60)
    assert time.monotonic() - started < 3
    assert list(tmp_path.iterdir()) == []


def test_a_download_that_never_ends_fails_at_its_deadline_and_leaves_no_partial_file(
    base_url: str, tmp_path: Path
) -> None:
    target = tmp_path / "bolagsverket_bulkfil.zip"
    target.write_bytes(b"last week's file")
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"trickles.zip: not complete within the download deadline of 2 s"):
        download(f"{base_url}/trickles.zip", target, contact="scan@example.se", stall_seconds=1, deadline_seconds=2)
    assert time.monotonic() - started < 3
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    assert target.read_bytes() == b"last week's file"
