"""One HTTP client for every web source: polite, retrying, and archiving every response.

Politeness is built in, so a connector only says where to look: robots.txt is honoured, each host gets at
most one request per ``min_interval`` seconds, requests identify the project and a contact address, and a
page fetched before is asked for conditionally (ETag / Last-Modified) so an unchanged page costs little.

In replay mode the client answers from the raw archive and never touches the network: tests and the
default offline run use it. In live mode it fetches and archives every response, whatever its status.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Literal
from urllib.parse import urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from registry.raw_archive import ArchivedResponse, RawArchive

HttpMode = Literal["live", "replay"]
RETRY_STATUSES = (429, 500, 502, 503, 504)
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


class FetchError(Exception):
    """A source could not be fetched; the message says why, for the run's log and the asset check."""


class NotInArchive(FetchError):
    pass


class DisallowedByRobots(FetchError):
    pass


def user_agent(contact: str) -> str:
    return f"asf-registry/0.1 (environmental scan of Swedish social enterprises; contact: {contact})"


def retrying_session(retries: int, backoff: float) -> requests.Session:
    session = requests.Session()
    # urllib3's Retry does exponential backoff, honours Retry-After, and retries connection errors.
    retry = Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=backoff,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class HostRateLimiter:
    """At most one request per ``min_interval`` seconds to each host."""

    def __init__(
        self,
        min_interval: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.min_interval = min_interval
        self.clock = clock
        self.sleep = sleep
        self._last: dict[str, float] = {}

    def wait(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            remaining = self.min_interval - (self.clock() - last)
            if remaining > 0:
                self.sleep(remaining)
        self._last[host] = self.clock()


def _robots_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))


def _header(headers: dict[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name), None)


class HttpClient:
    def __init__(
        self,
        archive: RawArchive,
        mode: HttpMode = "replay",
        contact: str = "asf-registry@example.org",
        timeout: float = 30.0,
        retries: int = 4,
        backoff: float = 1.0,
        min_interval: float = 1.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        replay_as_of: datetime | None = None,
        session: requests.Session | None = None,
        rate_limiter: HostRateLimiter | None = None,
    ) -> None:
        self.archive = archive
        self.mode = mode
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.replay_as_of = replay_as_of
        self.agent = user_agent(contact)
        self.headers = {"User-Agent": self.agent, "Accept-Language": "sv,en;q=0.5"}
        self.session = session or retrying_session(retries, backoff)
        self.rate_limiter = rate_limiter or HostRateLimiter(min_interval)
        # Per host: the parsed robots.txt, and why it could not be read when it could not.
        self._robots: dict[str, tuple[RobotFileParser, str | None]] = {}

    # -- public -----------------------------------------------------------------------------------------------

    def get(self, url: str, *, immutable: bool = False) -> ArchivedResponse:
        """The response for a URL, whatever its status. Raises FetchError when there is none at all.

        ``immutable``: the URL's content never changes (a web-archive snapshot), so an archived copy is
        used even in live mode.
        """
        if self.mode == "replay":
            return self._replay(url)
        if immutable:
            archived = self.archive.latest(url, statuses=range(200, 300))
            if archived is not None:
                return archived
        self._check_robots(url)
        return self._fetch(url)

    def get_ok(self, url: str, *, immutable: bool = False) -> ArchivedResponse:
        """Like get, but a non-2xx status is a FetchError."""
        response = self.get(url, immutable=immutable)
        if not response.ok:
            raise FetchError(f"{url} answered HTTP {response.status}")
        return response

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets this project fetch the URL."""
        return self._robots_for(url)[0].can_fetch(self.agent, url)

    def _robots_for(self, url: str) -> tuple[RobotFileParser, str | None]:
        host = urlsplit(url).netloc
        if host not in self._robots:
            self._robots[host] = self._load_robots(url)
        return self._robots[host]

    # -- internals --------------------------------------------------------------------------------------------

    def _replay(self, url: str) -> ArchivedResponse:
        archived = self.archive.latest(url, as_of=self.replay_as_of, statuses=_NOT_304)
        if archived is None:
            raise NotInArchive(f"{url} is not in the raw archive {self.archive.root} (replay mode)")
        if self.archive.latest(_robots_url(url), as_of=self.replay_as_of) is not None:
            # A robots.txt recorded with the page is honoured on replay too, so replay sees what live saw.
            self._check_robots(url)
        return archived

    def _check_robots(self, url: str) -> None:
        parser, problem = self._robots_for(url)
        if parser.can_fetch(self.agent, url):
            return
        if problem:
            raise FetchError(f"{url} not fetched: {problem}")
        raise DisallowedByRobots(f"{url} is disallowed by {_robots_url(url)} for this project's User-Agent")

    def _load_robots(self, url: str) -> tuple[RobotFileParser, str | None]:
        robots_url = _robots_url(url)
        parser = RobotFileParser(robots_url)
        problem = None
        if self.mode == "replay":
            archived = self.archive.latest(robots_url, as_of=self.replay_as_of)
            status, text = (archived.status, archived.text()) if archived else (404, "")
        else:
            try:
                fetched = self._fetch(robots_url)
                status, text = fetched.status, fetched.text()
            except FetchError as exc:
                status, text, problem = 503, "", f"the host did not answer ({exc})"
        if status >= 500 or status in (401, 403):
            # RFC 9309: an unreachable robots.txt means "assume complete disallow".
            parser.disallow_all = True
            problem = problem or f"{robots_url} answered HTTP {status}, which means complete disallow (RFC 9309)"
        elif status >= 400:
            parser.allow_all = True
        else:
            parser.parse(text.splitlines())
        return parser, problem

    def _conditional_headers(self, url: str) -> dict[str, str]:
        previous = self.archive.latest(url, statuses=range(200, 300))
        if previous is None:
            return {}
        headers = {}
        if etag := _header(previous.headers, "etag"):
            headers["If-None-Match"] = etag
        if modified := _header(previous.headers, "last-modified"):
            headers["If-Modified-Since"] = modified
        return headers

    def _fetch(self, url: str) -> ArchivedResponse:
        self.rate_limiter.wait(urlsplit(url).netloc)
        try:
            with self.session.get(
                url,
                headers={**self.headers, **self._conditional_headers(url)},
                timeout=self.timeout,
                stream=True,
            ) as response:
                body = self._read_capped(url, response)
                status, headers = response.status_code, dict(response.headers)
        except requests.RequestException as exc:
            raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from exc
        archived = self.archive.store(url, status, headers, body)
        if status == 304:
            # Not modified: the page is the one archived before; the 304 itself is kept as evidence of the check.
            previous = self.archive.latest(url, statuses=range(200, 300))
            if previous is not None:
                return previous
        return archived

    def _read_capped(self, url: str, response: requests.Response) -> bytes:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_content(chunk_size=65536):
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(f"{url}: body larger than {self.max_bytes} bytes, not read further")
            chunks.append(chunk)
        return b"".join(chunks)


_NOT_304 = frozenset(range(100, 600)) - {304}
