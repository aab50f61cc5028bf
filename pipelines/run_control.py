"""Running a job in this process so that SIGINT, SIGTERM and the run's deadline stop it promptly and cleanly.

Dagster's ``execute_in_process`` on the main thread turns SIGINT (and SIGTERM, mapped to it) into an interrupt
raised in the running step, which a step with a RetryPolicy (the sources) takes as a reason to run again
30 s later; and while it sleeps before a retry it only notes the signal. So the job runs in a worker thread,
where Dagster leaves the signal handlers alone, and the main thread owns the signals and the deadline:

1. a signal or the deadline requests the stop (``registry.deadlines.RUN_STOP``): every HTTP request in flight
   is cut, no new one starts, waits between retries end, and nothing is committed to the registry, so a
   publication under way rolls back;
2. the step that was fetching ends with RunStopped, which fails it without a retry
   (``assets.policies.stops_without_retry``); the other sources fail at their first request, what depends on
   them is skipped, and the run ends;
3. if the worker has not ended after ``STOP_GRACE_SECONDS`` (a step that neither fetches nor commits, such
   as resolution, or Dagster sleeping before a retry), or a second signal comes, the process exits without
   it: what was not committed is rolled back by the database, as when a run is killed, and commits were
   closed before (``RunStop.close_commits``), so the report of what was published is true.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any, TextIO, TypeVar

import dagster as dg
from sqlalchemy import inspect
from sqlmodel import Session, func, select

from registry.deadlines import RUN_STOP, StopReason
from registry.store.db import make_engine
from registry.store.models import RunRow

T = TypeVar("T")

STOP_GRACE_SECONDS = 3.0
# How long the stopped run's last checks (did it publish? the Dagster run marked failed) may take.
AFTER_STOP_SECONDS = 5.0
DEADLINE_EXIT_CODE = 124  # as timeout(1) exits


@dataclass(frozen=True)
class Stopped:
    """The run was stopped. ``finished``: its thread ended by itself; otherwise the process must exit
    without waiting for it (``os._exit``)."""

    reason: StopReason
    finished: bool


def _duration(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds / 3600:g} h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:g} min"
    return f"{seconds:g} s"


def deadline_reason(seconds: float) -> StopReason:
    description = f"the run's deadline of {_duration(seconds)} passed (ASF_RUN_DEADLINE_SECONDS)"
    return StopReason(description, DEADLINE_EXIT_CODE)


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    # 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM, as shells report a process a signal ended.
    RUN_STOP.request(StopReason(f"{signal.Signals(signum).name} received", 128 + signum))


def run_stoppable(
    work: Callable[[], T], deadline_seconds: float, grace_seconds: float = STOP_GRACE_SECONDS
) -> T | Stopped:
    """``work()``'s result, or Stopped when SIGINT, SIGTERM or the deadline stopped it."""
    RUN_STOP.reset()
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["result"] = work()
        except BaseException as exc:  # handed to the main thread, which re-raises it
            outcome["error"] = exc

    worker = threading.Thread(target=target, name="asf-registry-run", daemon=True)
    timer = threading.Timer(deadline_seconds, RUN_STOP.request, args=(deadline_reason(deadline_seconds),))
    timer.daemon = True
    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, _on_signal)
    try:
        timer.start()
        worker.start()
        while worker.is_alive():
            # Short joins: the main thread runs signal handlers only between them.
            worker.join(0.1)
            requested_at = RUN_STOP.requested_at
            if requested_at is not None and (RUN_STOP.repeated or time.monotonic() - requested_at >= grace_seconds):
                break
    finally:
        timer.cancel()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if RUN_STOP.reason is not None:
        return Stopped(RUN_STOP.reason, finished=not worker.is_alive())
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


class _QuietAfterStop:
    """stderr for the run: once a stop was requested, what the run's thread writes (Dagster's report of each
    step failing or skipped because of the stop, with stack traces) is dropped, so the one line saying what
    happened is not buried; the main thread's writes pass."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        if RUN_STOP.requested and threading.current_thread() is not threading.main_thread():
            return len(text)
        return self._stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def quiet_after_stop() -> Iterator[None]:
    original = sys.stderr
    sys.stderr = _QuietAfterStop(original)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stderr = original


def _published(db_url: str, run_id: str) -> bool:
    engine = make_engine(db_url)
    try:
        if not inspect(engine).has_table(RunRow.__tablename__):
            return False
        with Session(engine) as session:
            return session.exec(select(func.count()).select_from(RunRow).where(RunRow.run_id == run_id)).one() > 0
    finally:
        engine.dispose()


def _after_stop(stopped: Stopped, db_url: str, run_id: str, instance: dg.DagsterInstance) -> bool | str:
    """Whether the run published (or why that is unknown); marks an abandoned Dagster run failed."""
    if not RUN_STOP.close_commits(timeout=AFTER_STOP_SECONDS):
        return "a commit to the registry was still under way"
    answer: dict[str, bool | str] = {}

    def check() -> None:
        try:
            answer["published"] = _published(db_url, run_id)
        except Exception as exc:  # the registry database is what may have hung the run
            answer["published"] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
        if not stopped.finished:
            # Nothing else will record the end of a run whose thread is abandoned.
            run = instance.get_run_by_id(run_id)
            if run is not None and not run.is_finished:
                instance.report_run_failed(run, f"Stopped: {stopped.reason.description}.")

    checker = threading.Thread(target=check, name="asf-registry-after-stop", daemon=True)
    checker.start()
    checker.join(AFTER_STOP_SECONDS)
    return answer.get("published", "the registry database did not answer")


def finish_stopped(stopped: Stopped, db_url: str, run_id: str, instance: dg.DagsterInstance) -> int:
    """Say in one line that the run was stopped, why, and whether it published; the exit code. Exits the
    process at once when the run's thread did not end by itself."""
    published = _after_stop(stopped, db_url, run_id, instance)
    why = stopped.reason.description
    if published is True:
        line = (
            f"Stopped: {why}, after this run had published the registry; the steps after publishing "
            "(register candidates, the report) may not have run."
        )
    elif published is False:
        line = f"Stopped: {why}. Nothing was published: the registry keeps its previous state."
    else:
        line = (
            f"Stopped: {why}. Whether this run had published could not be checked ({published}); the registry "
            "holds either its previous state or this run's whole publication, never a part of it."
        )
    print(line, file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    if not stopped.finished:
        os._exit(stopped.reason.exit_code)
    RUN_STOP.reset()
    return stopped.reason.exit_code
