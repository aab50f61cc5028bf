"""Deadlines for network I/O, and stopping a run: nothing the registry waits for can make it wait for ever.

A socket timeout bounds one socket operation, not a request: a server that trickles a byte every few seconds
never trips it. So a ``Deadline`` bounds the whole of a piece of work (connect, headers, body, retries and
the waits between them): the sockets opened or used while it is active are registered with it, and when it
passes, a timer shuts them down. ``shutdown(SHUT_RDWR)`` is the one way to unblock a ``recv`` that another
thread is blocked in, whatever library is reading (http.client, urllib3, ssl); the reader then sees the
connection end and its library raises, and the code that owns the deadline turns that into an error that
says the deadline passed. Closing the socket instead would not wake the reader, and a thread per request that
is abandoned on timeout would keep the connection (and the server's patience) busy.

``RUN_STOP`` is the process-wide "stop now" of a run (SIGINT, SIGTERM, the run's own deadline): requesting
it cuts every active deadline at once, makes every new one fail before it opens a connection, ends the
interruptible waits, and refuses to commit registry writes, so a stopped run leaves the registry as it was.
"""

from __future__ import annotations

import contextlib
import contextvars
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType


class RunStopped(BaseException):
    """The run was asked to stop. A BaseException, like KeyboardInterrupt, so that code which turns an ordinary
    error into "this source failed, use its last good records" lets it through: a stopped run ends, it does not
    carry on without the source."""


class DeadlinePassed(Exception):
    """The time given to a piece of work ran out; the caller says which work in its own error."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the deadline of {seconds:g} s passed")
        self.seconds = seconds


@dataclass(frozen=True)
class StopReason:
    """Why a run was stopped, as a user reads it ("SIGTERM"), and the exit code that says so."""

    description: str
    exit_code: int


class RunStop:
    """A run's request to stop, shared by every thread of the process."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        # Re-entrant: request() runs in signal handlers, which interrupt the main thread wherever it is.
        self._lock = threading.RLock()
        self._event = threading.Event()
        self._deadlines: set[Deadline] = set()
        self._commit_lock = threading.Lock()
        self.reason: StopReason | None = None
        self.requested_at: float | None = None
        self.repeated = False

    @property
    def requested(self) -> bool:
        return self.reason is not None

    def request(self, reason: StopReason) -> None:
        """Stop: the first reason wins; asking again marks the request as repeated (an impatient second ^C)."""
        with self._lock:
            if self.reason is None:
                self.reason, self.requested_at = reason, self._clock()
            else:
                self.repeated = True
            deadlines = list(self._deadlines)
        self._event.set()
        for deadline in deadlines:
            deadline.cut()

    def check(self) -> None:
        """Raise RunStopped when a stop was requested."""
        reason = self.reason
        if reason is not None:
            raise RunStopped(f"the run was stopped ({reason.description})")

    def sleep(self, seconds: float) -> None:
        """Sleep, but wake as soon as a stop is requested."""
        if seconds > 0:
            self._event.wait(seconds)

    @contextmanager
    def committing(self) -> Iterator[None]:
        """Hold around a commit: a stopped run commits nothing, and whoever stops it can wait for a commit that
        is already under way (``close_commits``) to know what was written."""
        with self._commit_lock:
            self.check()
            yield

    def close_commits(self, timeout: float) -> bool:
        """After a stop: wait for a commit under way; none starts afterwards. False when one is still running
        after ``timeout`` seconds (the database did not answer)."""
        return self._commit_lock.acquire(timeout=timeout)

    def reset(self) -> None:
        """Forget the request (before the next run in the same process)."""
        with self._lock:
            self.reason, self.requested_at, self.repeated = None, None, False
            self._event.clear()
        if self._commit_lock.locked():
            # Closed by close_commits of the previous run; nothing else holds it between runs.
            self._commit_lock.release()

    def _add(self, deadline: Deadline) -> None:
        with self._lock:
            self._deadlines.add(deadline)
            stopped = self.reason is not None
        if stopped:
            deadline.cut()

    def _remove(self, deadline: Deadline) -> None:
        with self._lock:
            self._deadlines.discard(deadline)


RUN_STOP = RunStop()

_CURRENT: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar("asf_registry_deadline", default=None)


def current_deadline() -> Deadline | None:
    """The deadline of the work this thread is doing, if any."""
    return _CURRENT.get()


def watch_socket(sock: socket.socket) -> None:
    """Register a socket that the current work reads from, so that its deadline (or a stop) can cut it."""
    deadline = _CURRENT.get()
    if deadline is not None:
        deadline.watch(sock)


def _shut_down(sock: socket.socket) -> None:
    # Already closed or never connected: nothing left to unblock.
    with contextlib.suppress(OSError):
        # socket.socket's own shutdown, also for an SSLSocket: the TLS layer above it sees the connection end.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class Deadline:
    """At most ``seconds`` for the work done inside ``with Deadline(seconds):`` in this thread.

    When it passes (or the run is stopped), every socket registered with it is shut down and ``is_cut`` becomes
    true; the code doing the work checks ``is_cut``/``passed`` to say why its read failed, and never reports a
    cut answer as complete.
    """

    def __init__(self, seconds: float, *, stop: RunStop = RUN_STOP, clock: Callable[[], float] = time.monotonic):
        if not seconds > 0:
            raise ValueError(f"a deadline must be more than 0 seconds, not {seconds}")
        self.seconds = seconds
        self._stop = stop
        self._clock = clock
        self._ends = clock() + seconds
        self._lock = threading.RLock()
        self._sockets: list[socket.socket] = []
        self._cut = threading.Event()
        self._timer: threading.Timer | None = None
        self._token: contextvars.Token[Deadline | None] | None = None
        self.passed = False

    @property
    def is_cut(self) -> bool:
        """The deadline passed or the run was stopped: whatever was being read is incomplete."""
        return self._cut.is_set()

    def remaining(self) -> float:
        return max(0.0, self._ends - self._clock())

    def check_not_cut(self) -> None:
        """Raise RunStopped when the run was stopped, DeadlinePassed when the time is up."""
        self._stop.check()
        if self.passed or self.remaining() <= 0:
            self.passed = True
            raise DeadlinePassed(self.seconds)

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            if not self._cut.is_set():
                self._sockets.append(sock)
                return
        _shut_down(sock)

    def cut_now(self) -> None:
        """The deadline has passed (its timer, or a caller that saw no time left)."""
        self.passed = True
        self.cut()

    def cut(self) -> None:
        with self._lock:
            self._cut.set()
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            _shut_down(sock)

    def sleep(self, seconds: float) -> None:
        """Sleep at most the time left, and wake when the deadline is cut (or the run stopped)."""
        wait = min(seconds, self.remaining())
        if wait > 0:
            self._cut.wait(wait)

    def __enter__(self) -> Deadline:
        self._stop.check()
        self._token = _CURRENT.set(self)
        self._stop._add(self)
        self._timer = threading.Timer(self.remaining(), self.cut_now)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._stop._remove(self)
        if self._token is not None:
            _CURRENT.reset(self._token)
        with self._lock:
            # Pooled keep-alive connections outlive the work; a later deadline registers them again when used.
            self._sockets.clear()
