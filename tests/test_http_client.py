"""The HTTP client against a real local server on loopback: retries, user agent, archiving, replay."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from registry.http_client import FetchError, HttpClient, NotInArchive
from registry.raw_archive import RawArchive


class _Server(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script: dict[str, list[int]] = {}
        self.seen_agents: list[str] = []


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self.server.seen_agents.append(self.headers.get("User-Agent", ""))
        statuses = self.server.script.get(self.path, [404])
        status = statuses.pop(0) if len(statuses) > 1 else statuses[0]
        body = f"status {status}".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[_Server]:
    srv = _Server()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _url(server: _Server, path: str) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


def test_a_500_then_success_is_retried_and_archived(server: _Server, tmp_path: Path) -> None:
    server.script["/list"] = [500, 503, 200]
    client = HttpClient(RawArchive(tmp_path), mode="live", contact="scan@example.se", backoff=0.01)
    response = client.get_ok(_url(server, "/list"))
    assert response.status == 200 and response.text() == "status 200"
    assert len(server.seen_agents) == 3
    assert all("asf-registry" in agent and "scan@example.se" in agent for agent in server.seen_agents)
    assert [e["status"] for e in RawArchive(tmp_path).entries()] == [200]


def test_a_source_that_keeps_failing_is_a_fetch_error_with_the_status(server: _Server, tmp_path: Path) -> None:
    server.script["/down"] = [500]
    client = HttpClient(RawArchive(tmp_path), mode="live", retries=2, backoff=0.01)
    with pytest.raises(FetchError, match="HTTP 500"):
        client.get_ok(_url(server, "/down"))
    # The failing answer is kept too: it is evidence of what the source did.
    assert [e["status"] for e in RawArchive(tmp_path).entries()] == [500]


def test_an_unreachable_host_is_a_fetch_error(tmp_path: Path) -> None:
    client = HttpClient(RawArchive(tmp_path), mode="live", retries=1, backoff=0.01, timeout=2)
    with pytest.raises(FetchError, match="ConnectionError"):
        client.get("http://127.0.0.1:9/nothing-listens-here")


def test_replay_serves_the_archive_without_the_network(server: _Server, tmp_path: Path) -> None:
    server.script["/page"] = [200]
    live = HttpClient(RawArchive(tmp_path), mode="live")
    url = _url(server, "/page")
    recorded = live.get_ok(url)
    server.shutdown()
    replay = HttpClient(RawArchive(tmp_path), mode="replay")
    assert replay.get_ok(url).body == recorded.body
    with pytest.raises(NotInArchive):
        replay.get(_url(server, "/not-recorded"))
