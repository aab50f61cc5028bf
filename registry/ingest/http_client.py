"""One HTTP client for every web source: polite, retrying, and archiving every response.

Politeness is built in, so a connector only says where to look: robots.txt is honoured, each host gets at
most one request per ``min_interval`` seconds, requests identify the project and a contact address, and a
page fetched before is asked for conditionally (ETag / Last-Modified) so an unchanged page costs little.

In replay mode the client answers from the raw archive and never touches the network: tests and the
default offline run use it. In live mode it fetches and archives every response, whatever its status.

Nothing waits for ever: each ``get`` has a total deadline (connect, headers, body, retries, the waits between
them, redirects and the robots.txt it needs), enforced by ``registry.deadlines`` shutting the sockets down when
it passes; waits a server asks for (``Retry-After``) that would pass it end the retries instead. Redirects are
followed here, not by requests, so every hop is checked against robots.txt, spaced by the per-host rate
limit, archived, and counted against ``max_redirects``. The few requests made outside the client (doctor's
look at each source, the alert webhook) get the same total deadline from ``request_within``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from types import TracebackType
from typing import Any, Literal, Self
from urllib.parse import urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import ConnectionPool, HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import MaxRetryError, ResponseError
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from registry.deadlines import RUN_STOP, Deadline, DeadlinePassed, current_deadline, watch_socket
from registry.ingest.raw_archive import ArchivedResponse, RawArchive
from registry.reference.personnummer import shown_location

HttpMode = Literal["live", "replay"]
RETRY_STATUSES = (429, 500, 502, 503, 504)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_DEADLINE = 120.0
DEFAULT_MAX_REDIRECTS = 5


class FetchError(Exception):
    """A source could not be fetched; the message says why, for the run's log and the asset check."""

    def __init__(self, message: str = "") -> None:
        # The message names the addresses it is about (and may quote a library's error, which names them too),
        # and it is logged, stored as the source's error and shown by `sources check`: the addresses as
        # shown_location shows them, since a page's address may hold a person's number (/foretag/8112189876).
        super().__init__(shown_location(message))


class NotInArchive(FetchError):
    pass


class DisallowedByRobots(FetchError):
    pass


class AnswerTooSlow(FetchError):
    """A ``request_within`` got no complete answer within its deadline. The message names no address (a webhook's
    may carry a token): the caller says which request it was."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"no complete answer within the deadline of {seconds:g} s (connect, headers and body together)"
        )
        self.seconds = seconds


def user_agent(contact: str) -> str:
    return f"asf-registry/0.1 (environmental scan of Swedish social enterprises; contact: {contact})"


class _Watched:
    """A urllib3 connection that registers its socket with the current deadline: when the socket is created
    (before TLS, so a stalled handshake is covered too) and each time a pooled connection is used again."""

    sock: Any

    def _new_conn(self) -> Any:
        sock = super()._new_conn()  # type: ignore[misc]
        watch_socket(sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        if self.sock is not None:
            watch_socket(self.sock)
        super().request(*args, **kwargs)  # type: ignore[misc]


class _WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class _WatchedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_WATCHED_POOLS = {"http": _WatchedHTTPConnectionPool, "https": _WatchedHTTPSConnectionPool}


class DeadlineAdapter(HTTPAdapter):
    """requests' adapter whose connections can be cut by a ``Deadline`` (direct and through an HTTP proxy)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _WATCHED_POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):  # SOCKS has pool classes of its own
            manager.pool_classes_by_scheme = _WATCHED_POOLS
        return manager


class DeadlineRetry(Retry):
    """urllib3's retries (exponential backoff, Retry-After, connection errors) within the current deadline:
    a wait that would pass it ends the retries at once (the last answer stands), and every wait wakes when the
    deadline is cut or the run is stopped, instead of ``time.sleep`` holding the thread for an hour."""

    def _wait(self, response: BaseHTTPResponse | None) -> float:
        if self.respect_retry_after_header and response is not None:
            retry_after = self.get_retry_after(response)
            if retry_after is not None:
                return retry_after
        return self.get_backoff_time()

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: TracebackType | None = None,
    ) -> Self:
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        deadline = current_deadline()
        if deadline is not None and (deadline.is_cut or retry._wait(response) >= deadline.remaining()):
            # MaxRetryError is how urllib3 ends retrying: the last response is returned (raise_on_status=False),
            # a connection error is raised with its cause.
            reason = error or ResponseError("no time left before the deadline to retry")
            raise MaxRetryError(_pool, url, reason)  # type: ignore[arg-type]
        return retry

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        interruptible_sleep(self._wait(response))

    def sleep_for_retry(self, response: BaseHTTPResponse) -> bool:
        retry_after = self.get_retry_after(response)
        if retry_after:
            interruptible_sleep(retry_after)
            return True
        return False


def interruptible_sleep(seconds: float) -> None:
    """Sleep, waking when the current deadline is cut or the run is stopped."""
    deadline = current_deadline()
    if deadline is not None:
        deadline.sleep(seconds)
    else:
        RUN_STOP.sleep(seconds)


def retrying_session(retries: int, backoff: float) -> requests.Session:
    """A session whose requests retry (exponential backoff, Retry-After, connection errors) and can be cut by
    a ``Deadline``. It does not follow redirects itself when asked not to (``allow_redirects=False``)."""
    session = requests.Session()
    retry = DeadlineRetry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        redirect=0,
        backoff_factor=backoff,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD"}),
        respect_retry_after_header=True,
        raise_on_status=False,
        raise_on_redirect=False,
    )
    adapter = DeadlineAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def request_within(
    method: str,
    url: str,
    *,
    deadline: float,
    timeout: float,
    session: requests.Session | None = None,
    **kwargs: Any,
) -> requests.Response:
    """One request made outside ``HttpClient`` (nothing archived, no robots.txt, no spacing: doctor's look at a
    source, an alert's webhook) under the same total deadline: connect, headers, body and any redirects requests
    follows take at most ``deadline`` seconds together, each single connect or read at most ``timeout``.

    The body is read before this returns (never ``stream``), so the deadline covers all of it. Raises
    ``AnswerTooSlow`` when the deadline passed, requests' own error for any other failure, ``RunStopped`` when
    the run is stopped. ``session`` must have ``DeadlineAdapter``s to be cut (the default, without retries, has).
    """
    if kwargs.get("stream"):
        raise ValueError("request_within reads the whole body within the deadline; stream=True would leave it unread")
    own = session is None
    active_session = retrying_session(retries=0, backoff=0.0) if session is None else session
    try:
        with Deadline(deadline) as active:
            try:
                response = active_session.request(
                    method, url, timeout=max(0.001, min(timeout, active.remaining())), **kwargs
                )
            except requests.RequestException as exc:
                # The cut connection surfaces as whatever error its reader hit; the deadline is the real cause.
                if active.is_cut:
                    _check_cut(active, exc)
                raise
            # A body without a Content-Length ends when the connection does, so a cut one can look complete.
            if active.is_cut:
                _check_cut(active)
            return response
    finally:
        if own:
            active_session.close()


def _check_cut(deadline: Deadline, cause: BaseException | None = None) -> None:
    """Raise RunStopped when the run stopped, AnswerTooSlow when the deadline passed (the only two ways a
    deadline is cut)."""
    try:
        deadline.check_not_cut()
    except DeadlinePassed as passed:
        raise AnswerTooSlow(passed.seconds) from cause or passed


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
        deadline: float = DEFAULT_DEADLINE,
        max_redirects: int = DEFAULT_MAX_REDIRECTS,
    ) -> None:
        """``timeout``: seconds for any one connect or read; ``deadline``: seconds for a whole ``get`` (see the
        module's docstring). A ``session`` of your own is cut at the deadline only if its adapters are
        ``DeadlineAdapter``s (``retrying_session`` makes one); otherwise the deadline is checked between steps."""
        if not deadline > 0:
            raise ValueError(f"the HTTP deadline must be more than 0 seconds, not {deadline}")
        self.archive = archive
        self.mode = mode
        self.timeout = timeout
        self.deadline = deadline
        self.max_redirects = max_redirects
        self.max_bytes = max_bytes
        self.replay_as_of = replay_as_of
        self.agent = user_agent(contact)
        self.headers = {"User-Agent": self.agent, "Accept-Language": "sv,en;q=0.5"}
        self.session = session or retrying_session(retries, backoff)
        self.rate_limiter = rate_limiter or HostRateLimiter(min_interval, sleep=RUN_STOP.sleep)
        # Per host: the parsed robots.txt, and why it could not be read when it could not.
        self._robots: dict[str, tuple[RobotFileParser, str | None]] = {}

    # -- public -----------------------------------------------------------------------------------------------

    def get(self, url: str, *, immutable: bool = False) -> ArchivedResponse:
        """The response for a URL, redirects followed, whatever its final status. Raises FetchError when there
        is none at all (unreachable, the deadline passed, too many redirects), RunStopped when the run stops.

        ``immutable``: the URL's content never changes (a web-archive snapshot), so an archived copy is
        used even in live mode.
        """
        if self.mode == "replay":
            return self._replay(url)
        if immutable:
            archived = self._archived(url, statuses=range(200, 300))
            if archived is not None:
                return archived
        with self._deadline():
            return self._follow(url, check_robots=True)

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

    @contextmanager
    def _deadline(self) -> Iterator[Deadline]:
        # The robots.txt a page needs is fetched within the page's deadline, not one of its own.
        active = current_deadline()
        if active is not None:
            yield active
            return
        with Deadline(self.deadline) as deadline:
            yield deadline

    def _replay(self, url: str) -> ArchivedResponse:
        # Redirects recorded in live mode are followed through the archive like live; recordings made before the
        # client followed redirects itself hold the final answer under the first URL, which needs no following.
        current = url
        for _ in range(self.max_redirects + 1):
            archived = self.archive.latest(current, as_of=self.replay_as_of, statuses=_NOT_304)
            if archived is None:
                raise NotInArchive(f"{current} is not in the raw archive {self.archive.root} (replay mode)")
            if self.archive.latest(_robots_url(current), as_of=self.replay_as_of) is not None:
                # A robots.txt recorded with the page is honoured on replay too, so replay sees what live saw.
                self._check_robots(current)
            target = self._redirect_target(current, archived.status, archived.headers)
            if target is None:
                return archived
            self._redirected(current, archived.status, target)
            current = target
        raise self._too_many_redirects(url, current)

    def _archived(self, url: str, statuses: range) -> ArchivedResponse | None:
        """The archived answer for a URL, following archived redirects; None unless it ends in ``statuses``."""
        current = url
        # Reported only when the archive has the answer: otherwise the page is fetched and its hops reported then.
        hops: list[tuple[str, int, str]] = []
        for _ in range(self.max_redirects + 1):
            archived = self.archive.latest(current, statuses=frozenset(statuses) | REDIRECT_STATUSES)
            if archived is None:
                return None
            target = self._redirect_target(current, archived.status, archived.headers)
            if target is None:
                if archived.status not in statuses:
                    return None
                for hop in hops:
                    self._redirected(*hop)
                return archived
            hops.append((current, archived.status, target))
            current = target
        return None

    def _redirect_target(self, url: str, status: int, headers: dict[str, str]) -> str | None:
        if status not in REDIRECT_STATUSES:
            return None
        location = _header(headers, "location")
        if not location:
            return None  # a 3xx without a Location is an answer like any other
        target = urljoin(url, location.strip())
        if urlsplit(target).scheme not in ("http", "https"):
            raise FetchError(f"{url} redirects to {target}, which is not an http(s) address")
        return target

    def _too_many_redirects(self, url: str, last: str) -> FetchError:
        return FetchError(f"{url}: more than {self.max_redirects} redirects (the last to {last}), not followed further")

    def _follow(self, url: str, *, check_robots: bool) -> ArchivedResponse:
        """Fetch a URL and the redirects it answers with, each hop a request of its own (robots.txt, the
        per-host spacing, the archive), at most ``max_redirects`` of them."""
        current = url
        for _ in range(self.max_redirects + 1):
            if check_robots:
                self._check_robots(current)
            response = self._fetch(current)
            target = self._redirect_target(current, response.status, response.headers)
            if target is None:
                return response
            if check_robots:  # a page's redirect; robots.txt's own (check_robots=False) are not the page's
                self._redirected(current, response.status, target)
            current = target
        raise self._too_many_redirects(url, current)

    def _redirected(self, url: str, status: int, target: str) -> None:
        """A page asked for by ``get`` answered ``status`` at ``url``, a redirect to ``target`` (live, or replayed
        from the archive). Nothing to do here; a client that reports what it fetched records the hop."""

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
                with self._deadline():
                    # RFC 9309: robots.txt redirects are followed (at least five).
                    fetched = self._follow(robots_url, check_robots=False)
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

    def _stop_if_cut(self, url: str, deadline: Deadline, cause: BaseException | None = None) -> None:
        """The run stopped or the deadline passed: say so, whatever error the cut connection produced."""
        try:
            deadline.check_not_cut()
        except DeadlinePassed as passed:
            raise FetchError(
                f"{url}: no complete answer within the deadline of {passed.seconds:g} s (connect, headers and "
                "body, retries and redirects included)"
            ) from cause or passed

    def _fetch(self, url: str) -> ArchivedResponse:
        """One request (urllib3 retrying it), no redirects followed."""
        deadline = current_deadline()
        assert deadline is not None, "_fetch runs within a deadline"
        self._stop_if_cut(url, deadline)
        self.rate_limiter.wait(urlsplit(url).netloc)
        self._stop_if_cut(url, deadline)
        # A single connect or read may take at most the time left (the timer cuts whatever takes longer).
        per_operation = max(0.001, min(self.timeout, deadline.remaining()))
        try:
            with self.session.get(
                url,
                headers={**self.headers, **self._conditional_headers(url)},
                timeout=per_operation,
                stream=True,
                allow_redirects=False,
            ) as response:
                body = self._read_capped(url, response)
                status, headers = response.status_code, dict(response.headers)
        except requests.RequestException as exc:
            self._stop_if_cut(url, deadline, exc)
            raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from exc
        # A body without a Content-Length ends when the connection does, so a cut one can look complete.
        if deadline.is_cut:
            self._stop_if_cut(url, deadline)
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
