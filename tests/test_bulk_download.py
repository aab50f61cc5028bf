"""Downloading the bulk file: streamed, checksummed, and the previous file kept until the new one parsed."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from registry.bulk_download import download, promote
from registry.http_client import FetchError

BODY = b"PK-not-really-a-zip-but-bytes" * 1000


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status = 200 if self.path == "/bulk.zip" else 404
        body = BODY if status == 200 else b"missing"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

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
