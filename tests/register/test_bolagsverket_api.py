"""The API client against a fake Bolagsverket on loopback that answers with recorded responses."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from registry.register.bolagsverket_api import BolagsverketApi, MissingCredentials

FIXTURES = Path(__file__).parent / "fixtures" / "bolagsverket_api"


class _Fake(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.tokens_issued = 0
        self.rate_limited_once = False
        self.seen: list[tuple[str, str, str]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: _Fake

    def _send(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length).decode()
        self.server.seen.append((self.path, self.headers.get("Authorization", ""), body))
        if self.path == "/oauth2/token":
            self.server.tokens_issued += 1
            return self._send(200, {"access_token": f"token-{self.server.tokens_issued}", "expires_in": 3600})
        if self.headers.get("Authorization") != f"Bearer token-{self.server.tokens_issued}":
            return self._send(401, {"fel": "invalid token"})
        if not self.server.rate_limited_once:
            self.server.rate_limited_once = True
            return self._send(429, {}, {"Retry-After": "0"})
        number = json.loads(body)["identitetsbeteckning"]
        name = "organisation_found.json" if number == "7696001234" else "organisation_not_found.json"
        self._send(200, json.loads((FIXTURES / name).read_text(encoding="utf-8")))

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def fake() -> Iterator[_Fake]:
    server = _Fake()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _client(fake: _Fake) -> BolagsverketApi:
    return BolagsverketApi(
        "id",
        "secret",
        token_url=f"{fake.url}/oauth2/token",
        base_url=fake.url,
        requests_per_minute=6000,
        sleep=lambda _s: None,
    )


def test_a_look_up_by_orgnr(fake: _Fake) -> None:
    answer = _client(fake).organisation("769600-1234")
    assert answer.errors == []
    (org,) = answer.organisations
    assert (org.orgnr, org.name, org.legal_form, org.active, org.deregistered) == (
        "769600-1234",
        "Exempelkooperativet Gröna Händer ek. för.",
        "EK",
        True,
        False,
    )
    assert org.sni == (("81300", "Skötsel och underhåll av grönytor"),)
    assert (org.street, org.postcode, org.postort) == ("Odlarvägen 3", "70211", "ÖREBRO")
    # The client credentials went to the token endpoint only; the look-up carried the bearer token.
    assert fake.seen[0][0] == "/oauth2/token" and "grant_type=client_credentials" in fake.seen[0][2]
    assert json.loads(fake.seen[-1][2]) == {"identitetsbeteckning": "7696001234"}


def test_a_200_holding_only_an_error_is_not_data(fake: _Fake) -> None:
    answer = _client(fake).organisation("556677-7777")
    assert answer.organisations == []
    assert answer.errors == ["organisation: ORGANISATION_FINNS_EJ"]


def test_the_token_is_cached_and_renewed_when_refused(fake: _Fake) -> None:
    client = _client(fake)
    client.organisation("769600-1234")
    client.organisation("769600-1234")
    assert fake.tokens_issued == 1
    fake.tokens_issued += 1  # the server forgets the token it gave out
    assert client.organisation("769600-1234").organisations
    assert fake.tokens_issued == 3


def test_credentials_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASF_BOLAGSVERKET_CLIENT_ID", raising=False)
    monkeypatch.delenv("ASF_BOLAGSVERKET_CLIENT_SECRET", raising=False)
    with pytest.raises(MissingCredentials, match="ASF_BOLAGSVERKET_CLIENT_ID"):
        BolagsverketApi.from_environment()
    monkeypatch.setenv("ASF_BOLAGSVERKET_CLIENT_ID", "id")
    monkeypatch.setenv("ASF_BOLAGSVERKET_CLIENT_SECRET", "secret")
    assert isinstance(BolagsverketApi.from_environment(), BolagsverketApi)
