"""The HTTP client against a real local server on loopback: politeness, retries, failures, archiving, replay."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from registry.deadlines import RUN_STOP, RunStopped, StopReason
from registry.ingest.http_client import DisallowedByRobots, FetchError, HostRateLimiter, HttpClient, NotInArchive
from registry.ingest.raw_archive import RawArchive
from registry.reference.personnummer import REDACTED_PERSONNUMMER, contains_personnummer
from tests.personal_numbers import TOLVAN


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    # Announce more bytes than are sent: the connection ends early, as on a dropped transfer.
    truncate: bool = False
    # Seconds between the bytes of the body: a server that trickles, so no single read ever times out.
    trickle: float = 0.0
    # With trickle: no Content-Length, the body ends when the connection does.
    unsized: bool = False


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.replies: dict[str, list[Reply]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.request_times: list[float] = []

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.server.requests.append((self.path, dict(self.headers.items())))
        self.server.request_times.append(time.monotonic())
        queue = self.server.replies.get(self.path, [Reply(404, b"not found")])
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        time.sleep(reply.delay)
        if reply.trickle:
            self._trickle(reply)
            return
        self.send_response(reply.status)
        for name, value in {"Content-Type": "text/plain; charset=utf-8", **reply.headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body) + (1000 if reply.truncate else 0)))
        if reply.truncate:
            self.send_header("Connection", "close")
        self.end_headers()
        if reply.status != 304:
            self.wfile.write(reply.body)
        if reply.truncate:
            self.close_connection = True

    def _trickle(self, reply: Reply) -> None:
        self.send_response(reply.status)
        if reply.unsized:
            self.send_header("Connection", "close")
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        try:
            for byte in reply.body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(reply.trickle)
        except OSError:
            self.close_connection = True  # the client gave up: what it should do

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


def _client(tmp_path: Path, **kwargs: object) -> HttpClient:
    options: dict = {"mode": "live", "contact": "scan@example.se", "backoff": 0.01, "min_interval": 0.0, **kwargs}
    return HttpClient(RawArchive(tmp_path), **options)


def _statuses(tmp_path: Path) -> list[tuple[str, int]]:
    return [(str(e["url"]).rsplit("/", 1)[-1], int(e["status"])) for e in RawArchive(tmp_path).entries()]


def test_a_500_then_success_is_retried_and_every_request_identifies_the_project(
    server: _Server, tmp_path: Path
) -> None:
    server.replies["/list"] = [Reply(500), Reply(503), Reply(200, b"the list")]
    response = _client(tmp_path).get_ok(server.url("/list"))
    assert response.status == 200 and response.text() == "the list"
    agents = [headers["User-Agent"] for path, headers in server.requests if path == "/list"]
    assert len(agents) == 3
    assert all("asf-registry" in agent and "scan@example.se" in agent for agent in agents)
    assert ("list", 200) in _statuses(tmp_path)


def test_a_source_that_keeps_failing_is_a_fetch_error_and_its_answer_is_kept(server: _Server, tmp_path: Path) -> None:
    server.replies["/down"] = [Reply(500, b"error page")]
    with pytest.raises(FetchError, match="HTTP 500"):
        _client(tmp_path, retries=2).get_ok(server.url("/down"))
    assert ("down", 500) in _statuses(tmp_path)


def test_a_timeout_is_a_fetch_error(server: _Server, tmp_path: Path) -> None:
    server.replies["/slow"] = [Reply(200, b"late", delay=1.5)]
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"(?i)timeout|timed out"):
        _client(tmp_path, timeout=0.3, retries=1).get(server.url("/slow"))
    assert time.monotonic() - started < 10


def test_a_truncated_body_is_a_fetch_error_not_a_short_page(server: _Server, tmp_path: Path) -> None:
    server.replies["/cut"] = [Reply(200, b"<table><tr><td>Basta", truncate=True)]
    with pytest.raises(FetchError):
        _client(tmp_path, retries=0).get(server.url("/cut"))
    assert not any(name == "cut" for name, _ in _statuses(tmp_path))


def test_a_body_over_the_size_limit_is_refused(server: _Server, tmp_path: Path) -> None:
    server.replies["/huge"] = [Reply(200, b"x" * 5000)]
    with pytest.raises(FetchError, match="larger than 1000 bytes"):
        _client(tmp_path, max_bytes=1000).get(server.url("/huge"))


def test_an_unreachable_host_is_a_fetch_error(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="ConnectionError"):
        _client(tmp_path, retries=1, timeout=2).get("http://127.0.0.1:9/nothing-listens-here")


def test_robots_txt_is_honoured(server: _Server, tmp_path: Path) -> None:
    server.replies["/robots.txt"] = [Reply(200, b"User-agent: *\nDisallow: /private/\n")]
    server.replies["/public/list"] = [Reply(200, b"list")]
    client = _client(tmp_path)
    assert client.get_ok(server.url("/public/list")).text() == "list"
    with pytest.raises(DisallowedByRobots, match="disallowed by"):
        client.get(server.url("/private/list"))
    assert not any(path == "/private/list" for path, _ in server.requests)
    # robots.txt is fetched once per host and archived like every other response.
    assert sum(path == "/robots.txt" for path, _ in server.requests) == 1


def test_an_unreachable_robots_txt_means_disallow_all(server: _Server, tmp_path: Path) -> None:
    server.replies["/robots.txt"] = [Reply(503)]
    server.replies["/list"] = [Reply(200, b"list")]
    with pytest.raises(FetchError, match="complete disallow"):
        _client(tmp_path, retries=0).get(server.url("/list"))
    assert not any(path == "/list" for path, _ in server.requests)


def test_an_unchanged_page_is_asked_for_conditionally(server: _Server, tmp_path: Path) -> None:
    headers = {"ETag": '"v1"', "Last-Modified": "Mon, 02 Nov 2026 14:21:07 GMT"}
    server.replies["/list"] = [Reply(200, b"the list", headers), Reply(304, b"", headers)]
    client = _client(tmp_path)
    first = client.get_ok(server.url("/list"))
    second = client.get_ok(server.url("/list"))
    assert second.body == first.body == b"the list"
    sent = [h for path, h in server.requests if path == "/list"]
    assert "If-None-Match" not in sent[0]
    assert sent[1]["If-None-Match"] == '"v1"' and sent[1]["If-Modified-Since"] == headers["Last-Modified"]
    assert [s for name, s in _statuses(tmp_path) if name == "list"] == [200, 304]


def test_an_immutable_snapshot_is_fetched_once(server: _Server, tmp_path: Path) -> None:
    server.replies["/web/2020id_/x"] = [Reply(200, b"snapshot")]
    client = _client(tmp_path)
    client.get_ok(server.url("/web/2020id_/x"), immutable=True)
    client.get_ok(server.url("/web/2020id_/x"), immutable=True)
    assert sum(path == "/web/2020id_/x" for path, _ in server.requests) == 1


def test_requests_to_one_host_are_spaced() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = HostRateLimiter(2.0, clock=lambda: now[0], sleep=sleep)
    limiter.wait("skoopi.coop")
    limiter.wait("socialtrade.se")  # another host does not wait
    now[0] += 0.5
    limiter.wait("skoopi.coop")
    assert slept == [1.5]


def test_replay_serves_the_archive_without_the_network(server: _Server, tmp_path: Path) -> None:
    server.replies["/page"] = [Reply(200, b"recorded")]
    url = server.url("/page")
    _client(tmp_path).get_ok(url)
    server.shutdown()
    replay = HttpClient(RawArchive(tmp_path), mode="replay")
    assert replay.get_ok(url).body == b"recorded"
    with pytest.raises(NotInArchive):
        replay.get(server.url("/not-recorded"))


def test_replay_as_of_reprocesses_the_archive_as_it_was(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    archive.store("https://x.se/list", 200, {}, b"october", datetime(2026, 10, 1, tzinfo=UTC))
    archive.store("https://x.se/list", 200, {}, b"november", datetime(2026, 11, 1, tzinfo=UTC))
    october = HttpClient(archive, mode="replay", replay_as_of=datetime(2026, 10, 15, tzinfo=UTC))
    assert october.get_ok("https://x.se/list").body == b"october"
    assert HttpClient(archive, mode="replay").get_ok("https://x.se/list").body == b"november"


def test_replay_honours_a_recorded_robots_txt(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    archive.store("https://x.se/robots.txt", 200, {}, b"User-agent: *\nDisallow: /hidden/\n")
    archive.store("https://x.se/hidden/list", 200, {}, b"should not be used")
    with pytest.raises(DisallowedByRobots):
        HttpClient(archive, mode="replay").get("https://x.se/hidden/list")


# -- deadlines and redirects -------------------------------------------------------------------------------------

DEADLINE = 1.5
# How late a deadline may fail: the timer's thread waking, the connection's reader noticing, the error raised.
MARGIN = 1.0


@pytest.mark.parametrize("unsized", [False, True], ids=["content-length", "until-close"])
def test_a_trickling_server_fails_at_the_deadline(server: _Server, tmp_path: Path, unsized: bool) -> None:
    # One byte every 0.2 s: every single read succeeds well within the 30 s timeout, the whole never ends.
    server.replies["/slow-list"] = [Reply(200, b"x" * 50, trickle=0.2, unsized=unsized)]
    started = time.monotonic()
    with pytest.raises(FetchError, match=rf"slow-list: no complete answer within the deadline of {DEADLINE:g} s"):
        _client(tmp_path, deadline=DEADLINE, timeout=30).get(server.url("/slow-list"))
    assert time.monotonic() - started < DEADLINE + MARGIN
    # A cut answer is never taken (nor archived) as the page, also when it has no length to check it against.
    assert not any(name == "slow-list" for name, _ in _statuses(tmp_path))


def test_a_huge_retry_after_ends_the_retries_instead_of_sleeping(server: _Server, tmp_path: Path) -> None:
    server.replies["/busy"] = [Reply(503, b"come back in an hour", {"Retry-After": "3600"})]
    started = time.monotonic()
    with pytest.raises(FetchError, match="answered HTTP 503"):
        _client(tmp_path, deadline=DEADLINE).get_ok(server.url("/busy"))
    assert time.monotonic() - started < MARGIN
    assert sum(path == "/busy" for path, _ in server.requests) == 1
    assert ("busy", 503) in _statuses(tmp_path)


def test_backoff_never_sleeps_past_the_deadline(server: _Server, tmp_path: Path) -> None:
    # Backoff 0, 20, 40 s...: the second wait alone is longer than the deadline.
    server.replies["/flaky"] = [Reply(500)]
    started = time.monotonic()
    with pytest.raises(FetchError, match="answered HTTP 500"):
        _client(tmp_path, deadline=DEADLINE, backoff=10.0, retries=4).get_ok(server.url("/flaky"))
    assert time.monotonic() - started < DEADLINE + MARGIN
    assert sum(path == "/flaky" for path, _ in server.requests) == 2


def test_a_short_retry_after_is_honoured(server: _Server, tmp_path: Path) -> None:
    server.replies["/later"] = [Reply(429, b"", {"Retry-After": "1"}), Reply(200, b"the list")]
    assert _client(tmp_path, deadline=5).get_ok(server.url("/later")).text() == "the list"
    first, second = (t for (path, _), t in zip(server.requests, server.request_times, strict=True) if path == "/later")
    assert second - first >= 1.0


def test_a_redirect_loop_is_capped_spaced_and_archived(server: _Server, tmp_path: Path) -> None:
    server.replies["/loop-a"] = [Reply(302, b"", {"Location": "/loop-b"})]
    server.replies["/loop-b"] = [Reply(302, b"", {"Location": server.url("/loop-a")})]
    interval = 0.3
    with pytest.raises(FetchError, match=r"loop-a: more than 5 redirects"):
        _client(tmp_path, min_interval=interval, max_redirects=5).get(server.url("/loop-a"))
    hops = [t for (path, _), t in zip(server.requests, server.request_times, strict=True) if path.startswith("/loop")]
    assert len(hops) == 6, "the first request and five redirects, not one more"
    assert all(later - earlier >= interval * 0.95 for earlier, later in itertools.pairwise(hops))
    assert [status for name, status in _statuses(tmp_path) if name.startswith("loop")] == [302] * 6


def test_a_redirect_is_followed_live_and_on_replay(server: _Server, tmp_path: Path) -> None:
    server.replies["/old-list"] = [Reply(301, b"moved", {"Location": "/new-list"})]
    server.replies["/new-list"] = [Reply(200, b"the list")]
    live = _client(tmp_path).get_ok(server.url("/old-list"))
    assert live.text() == "the list" and live.url == server.url("/new-list")
    assert _statuses(tmp_path) == [("robots.txt", 404), ("old-list", 301), ("new-list", 200)]
    server.shutdown()
    assert HttpClient(RawArchive(tmp_path), mode="replay").get_ok(server.url("/old-list")).text() == "the list"


def test_each_redirect_hop_honours_robots_txt(server: _Server, tmp_path: Path) -> None:
    server.replies["/robots.txt"] = [Reply(200, b"User-agent: *\nDisallow: /private/\n")]
    server.replies["/list"] = [Reply(302, b"", {"Location": "/private/list"})]
    with pytest.raises(DisallowedByRobots, match="private/list"):
        _client(tmp_path).get(server.url("/list"))
    assert not any(path == "/private/list" for path, _ in server.requests)


def test_a_redirect_to_another_host_honours_that_hosts_robots_txt_and_spacing(
    server: _Server, tmp_path: Path
) -> None:
    other = _Server()  # the second host: reached as localhost, with a robots.txt of its own
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        elsewhere = f"http://localhost:{other.server_address[1]}"
        server.replies["/list"] = [Reply(301, b"", {"Location": f"{elsewhere}/list"})]
        server.replies["/private-list"] = [Reply(301, b"", {"Location": f"{elsewhere}/private/list"})]
        other.replies["/robots.txt"] = [Reply(200, b"User-agent: *\nDisallow: /private/\n")]
        other.replies["/list"] = [Reply(200, b"the list")]
        interval = 0.5
        client = _client(tmp_path, min_interval=interval)
        response = client.get_ok(server.url("/list"))
        assert response.text() == "the list" and response.url == f"{elsewhere}/list"
        # The second host's robots.txt is read before its page, and the page waits its turn after it.
        assert [path for path, _ in other.requests] == ["/robots.txt", "/list"]
        assert other.request_times[1] - other.request_times[0] >= interval * 0.95
        # A redirect into what that robots.txt disallows is refused, and nothing is asked for there.
        with pytest.raises(DisallowedByRobots, match=r"localhost:\d+/private/list is disallowed"):
            client.get(server.url("/private-list"))
        assert [path for path, _ in other.requests] == ["/robots.txt", "/list"]
        # The first host's own robots.txt was read once, for the first host only.
        assert [path for path, _ in server.requests] == ["/robots.txt", "/list", "/private-list"]
    finally:
        other.shutdown()
        other.server_close()


def test_a_stop_cuts_a_blocked_read_and_no_request_follows(server: _Server, tmp_path: Path) -> None:
    server.replies["/hang"] = [Reply(200, b"x" * 20, trickle=0.5)]
    client = _client(tmp_path, deadline=60)
    stopper = threading.Timer(0.5, RUN_STOP.request, args=(StopReason("SIGTERM", 143),))
    stopper.start()
    started = time.monotonic()
    try:
        with pytest.raises(RunStopped, match="stopped"):
            client.get(server.url("/hang"))
        assert time.monotonic() - started < 0.5 + MARGIN
        with pytest.raises(RunStopped):
            client.get(server.url("/another"))
    finally:
        stopper.cancel()
        RUN_STOP.reset()
    assert [path for path, _ in server.requests if path != "/robots.txt"] == ["/hang"]


def test_a_fetch_error_names_an_address_without_a_personal_number_in_it() -> None:
    """A page's address may hold a person's number (``/foretag/8112189876``); a fetch error is logged, stored as
    the source's error and shown by `sources check`, so it names the address as shown_location shows it."""
    for url in (f"https://lista.example/foretag/{TOLVAN.replace('-', '')}", f"https://x.example/?q={TOLVAN}"):
        said = str(FetchError(f"{url} answered HTTP 404"))
        assert REDACTED_PERSONNUMMER in said and not contains_personnummer(said) and TOLVAN[:6] not in said
