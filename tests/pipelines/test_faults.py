"""Faults during a night lose nothing: sources that time out, fail or answer garbage over real HTTP, and a
database connection that drops in the middle of publishing."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
import requests
from requests.adapters import HTTPAdapter
from sqlalchemy import create_engine, text
from sqlmodel import Session, select
from urllib3.util.retry import Retry

import assets.publish
from assets.resources import WebClient
from registry.ingest.http_client import RETRY_STATUSES, HttpClient
from registry.ingest.raw_archive import RawArchive
from registry.settings import DEFAULT_CITY_LIST_DIR, DEFAULT_RECORDINGS_DIR
from registry.store.engines import shared_engine
from registry.store.models import Organisation, RunRow, SourceRecordRow
from registry.tools.labels import Labels
from tests.ops_helpers import published_state
from tests.pipeline_helpers import run_nightly

REGION_OREBRO = "www.regionorebrolan.se"
CLIENT_TIMEOUT = 0.5
MAX_BYTES = 1024**2


class _Web(ThreadingHTTPServer):
    """The sources' sites on loopback: recorded pages, except the faulty host's list page."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SiteHandler)
        self.recordings = RawArchive(DEFAULT_RECORDINGS_DIR)
        self.fault: str | None = None
        self.faulty_requests = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _SiteHandler(BaseHTTPRequestHandler):
    server: _Web
    protocol_version = "HTTP/1.1"

    def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        url = self.headers["X-Original-Url"]
        if self.server.fault and REGION_OREBRO in url and not url.endswith("/robots.txt"):
            self.server.faulty_requests += 1
            fault = self.server.fault
            if fault == "timeout":
                time.sleep(CLIENT_TIMEOUT * 4)
                self._send(200, b"too late")
            elif fault == "http_500":
                self._send(500, b"<h1>Internal Server Error</h1>")
            elif fault == "empty":
                self._send(200, b"")
            elif fault == "garbage":
                self._send(200, os.urandom(64 * 1024))
            elif fault == "huge":
                self._send(200, b"<html><body>" + b"<p>ASF</p>" * (MAX_BYTES // 5) + b"</body></html>")
            return
        recorded = self.server.recordings.latest(url, statuses=range(200, 300))
        if recorded is None:
            self._send(404, b"not found", "text/plain")
            return
        content_type = next((v for k, v in recorded.headers.items() if k.lower() == "content-type"), "text/html")
        self._send(recorded.status, recorded.body, content_type)

    def log_message(self, *_args: object) -> None:
        pass


class _ToLoopback(HTTPAdapter):
    """Sends every request to the local server, saying which URL it was for: no request leaves the machine."""

    def __init__(self, base: str) -> None:
        retry = Retry(
            total=1,
            connect=1,
            read=1,
            status=1,
            backoff_factor=0,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"GET"}),
            raise_on_status=False,
        )
        super().__init__(max_retries=retry)
        self.base = base

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        request.headers["X-Original-Url"] = str(request.url)
        request.url = f"{self.base}/fetch"
        return super().send(request, *args, **kwargs)


@pytest.fixture
def web(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[_Web]:
    """Live mode, with the sites served from loopback."""
    server = _Web()
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def client(
        self: WebClient, min_interval: float | None = None, http_class: type[HttpClient] = HttpClient
    ) -> HttpClient:
        session = requests.Session()
        adapter = _ToLoopback(server.base)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return http_class(
            RawArchive(tmp_path / "raw"),
            mode="live",
            timeout=CLIENT_TIMEOUT,
            min_interval=0.0,
            max_bytes=MAX_BYTES,
            session=session,
        )

    monkeypatch.setattr(WebClient, "client", client)
    yield server
    server.shutdown()
    server.server_close()


def _organisations(db_url: str) -> dict[str, tuple[str, bool]]:
    with Session(shared_engine(db_url)) as session:
        return {o.name: (o.registry_id, o.active) for o in session.exec(select(Organisation))}


@pytest.mark.parametrize(
    ("fault", "reason", "said_in_swedish"),
    [
        ("timeout", "ReadTimeout", "/ gick inte att nå ("),
        ("http_500", "answered HTTP 500", "svarade med HTTP-status 500"),
        ("empty", "no usable records", "inga användbara poster (0 i karantän)"),
        ("garbage", "no usable records", "inga användbara poster"),
        ("huge", f"body larger than {MAX_BYTES} bytes", f"svaret är större än {MAX_BYTES} byte"),
    ],
)
def test_a_faulty_source_is_flagged_and_the_registry_keeps_its_organisations(
    fault: str,
    reason: str,
    said_in_swedish: str,
    offline_env: None,
    sqlite_url: str,
    monkeypatch: pytest.MonkeyPatch,
    web: _Web,
) -> None:
    monkeypatch.setenv("ASF_REGISTRY_DB_URL", sqlite_url)
    with dg.instance_for_test() as instance:
        assert run_nightly(instance).success
        before = _organisations(sqlite_url)
        web.fault = fault
        result = run_nightly(instance)
    assert result.success, "a faulty source must not fail the run"
    assert web.faulty_requests >= 1
    fetched = {
        e.asset_key.to_user_string(): e.passed
        for e in result.get_asset_check_evaluations()
        if e.check_name == "source_fetched"
    }
    assert fetched.pop("source_region_orebro") is False
    assert all(fetched.values()), f"the other sources, fetched live from loopback, are fine: {fetched}"
    assert _organisations(sqlite_url) == before
    with Session(shared_engine(sqlite_url)) as session:
        kept = session.exec(select(SourceRecordRow).where(SourceRecordRow.source == "region_orebro")).all()
        last = session.exec(select(RunRow).order_by(RunRow.published_at.desc())).first()  # type: ignore[attr-defined]
    assert len(kept) == 3 and all(r.listed for r in kept)
    assert last is not None and last.failed_sources == "region_orebro"
    metadata = result.asset_materializations_for_node("source_region_orebro")[0].metadata
    assert metadata["ok"].value is False and reason in metadata["error"].value
    # The report's sources table says it to the city's officials in Swedish.
    assert said_in_swedish in Labels("sv").phrase("source_error", metadata["error"].value)


# -- the database goes away while publishing -------------------------------------------------------------------


def _drop_connection_mid_publish(monkeypatch: pytest.MonkeyPatch, server_url: str | None) -> list[str]:
    """Publishing writes everything, then loses its connection before it commits."""
    real_publish = assets.publish.publish
    happened: list[str] = []

    def publish_then_lose_the_connection(session: Session, *args: Any, **kwargs: Any) -> Any:
        summary = real_publish(session, *args, **kwargs)
        session.flush()  # the night's rows are on the server, inside the open transaction
        if server_url is None:
            happened.append("raised")
            raise OSError("disk I/O error: the registry's volume went away")
        pid = session.exec(text("SELECT pg_backend_pid()")).scalar_one()  # type: ignore[call-overload]
        admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        admin.dispose()
        happened.append("terminated")
        return summary

    monkeypatch.setattr(assets.publish, "publish", publish_then_lose_the_connection)
    return happened


def test_a_connection_lost_mid_publish_rolls_back_and_the_next_run_publishes(
    offline_env: None, registry_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ASF_REGISTRY_DB_URL", registry_url)
    city = tmp_path / "city"
    shutil.copytree(DEFAULT_CITY_LIST_DIR, city)
    monkeypatch.setenv("ASF_CITY_LIST_DIR", str(city))
    monkeypatch.setenv("ASF_INACTIVE_AFTER_RUNS", "1")  # what is no longer listed is inactive at once
    with dg.instance_for_test() as instance:
        assert run_nightly(instance).success
        before = published_state(registry_url)
        # The next night has news: the city's Excel list is gone, so its two enterprises become inactive.
        (city / "stockholm_asf_tillagg.xlsx").unlink()
        postgres = registry_url.startswith("postgresql")
        with monkeypatch.context() as patch:
            happened = _drop_connection_mid_publish(patch, registry_url if postgres else None)
            failed = run_nightly(instance)
        assert happened and not failed.success
        assert [e.step_key for e in failed.get_step_failure_events()] == ["registry_organisations"]
        assert published_state(registry_url) == before, "the registry is exactly as before"
        published = run_nightly(instance)
    assert published.success
    after = _organisations(registry_url)
    assert after["Exempel Cykelkooperativ Söder"][1] is False and after["Exempelbageriet Surdegen ek. för."][1] is False
    with Session(shared_engine(registry_url)) as session:
        assert len(session.exec(select(RunRow)).all()) == 2
