"""A fake Bolagsverket API on loopback that answers with the recorded responses in
fixtures/bolagsverket_api/: the client, the nightly refresh and the pipeline are tested against it."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "bolagsverket_api"
TOKEN_PATH = "/oauth2/token"

# The recorded answer for each orgnr (10 digits); any other orgnr is answered "not found".
ANSWERS = {
    "7696001234": "organisation_found.json",
    "7696222228": "organisation_in_bankruptcy.json",
    "7696111116": "organisation_deregistered.json",
    "7696444442": "organisation_missing_proceedings.json",
}
NOT_FOUND = "organisation_not_found.json"


class FakeBolagsverket(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, *, rate_limit_first: bool = False) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.tokens_issued = 0
        self.rate_limit_first = rate_limit_first
        # The Retry-After of that first 429: delay-seconds or an HTTP date, as RFC 9110 allows either.
        self.retry_after = "0"
        # (path, Authorization header, body) of every request.
        self.seen: list[tuple[str, str, str]] = []
        # Orgnrs looked up (after the token check), in order.
        self.lookups: list[str] = []
        # When set, every look-up answers this HTTP status (a gateway in trouble) ...
        self.fail_with: int | None = None
        # ... or this body with HTTP 200 (an HTML error page passed through) ...
        self.raw_body: bytes | None = None
        # ... or only after this many seconds.
        self.delay = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    @property
    def token_url(self) -> str:
        return f"{self.url}{TOKEN_PATH}"


class _Handler(BaseHTTPRequestHandler):
    server: FakeBolagsverket

    def _send(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        fake = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        fake.seen.append((self.path, self.headers.get("Authorization", ""), body))
        if self.path == TOKEN_PATH:
            fake.tokens_issued += 1
            return self._send(200, {"access_token": f"token-{fake.tokens_issued}", "expires_in": 3600})
        if self.headers.get("Authorization") != f"Bearer token-{fake.tokens_issued}":
            return self._send(401, {"fel": "invalid token"})
        if fake.rate_limit_first:
            fake.rate_limit_first = False
            return self._send(429, {}, {"Retry-After": fake.retry_after})
        number = json.loads(body)["identitetsbeteckning"]
        fake.lookups.append(number)
        if fake.delay:
            time.sleep(fake.delay)
        if fake.fail_with is not None:
            return self._send(fake.fail_with, {"fel": "internal"})
        if fake.raw_body is not None:
            return self._send(200, fake.raw_body)
        self._send(200, json.loads((FIXTURES / ANSWERS.get(number, NOT_FOUND)).read_text(encoding="utf-8")))

    def log_message(self, *_args: object) -> None:
        pass


@contextmanager
def running_fake(*, rate_limit_first: bool = False) -> Iterator[FakeBolagsverket]:
    server = FakeBolagsverket(rate_limit_first=rate_limit_first)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
