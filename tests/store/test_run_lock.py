"""The registry's write lock: writers take turns, a second writer waits or is refused, a dead holder frees it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from registry.settings import PROJECT_ROOT
from registry.store.db import create_schema, make_engine
from registry.store.models import RunRow
from registry.store.run_lock import RegistryBusy, RegistryChanged, registry_version, write_transaction


def _engine(url: str) -> Engine:
    engine = make_engine(url)
    create_schema(engine)
    return engine


@pytest.fixture
def engines(registry_url: str) -> Iterator[list[Engine]]:
    """Two engines on one registry: two writers as separate processes would have them."""
    made = [_engine(registry_url), _engine(registry_url)]
    yield made
    for engine in made:
        engine.dispose()


def _run_row(run_id: str) -> RunRow:
    return RunRow(
        run_id=run_id,
        published_at=datetime.now(UTC),
        organisations_active=0,
        records=0,
        quarantined=0,
        source_summary="{}",
    )


def test_writers_take_turns_and_never_interleave(engines: list[Engine]) -> None:
    order: list[str] = []
    start = threading.Barrier(2)

    def writer(name: str, engine: Engine) -> None:
        start.wait()
        with write_transaction(engine, timeout=60) as session:
            for step in range(5):
                session.add(_run_row(f"{name}-{step}"))
                session.flush()  # the row is on the server now, inside the open transaction
                order.append(name)
                time.sleep(0.05)

    threads = [threading.Thread(target=writer, args=(name, e)) for name, e in zip("AB", engines, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert "".join(order) in ("AAAAABBBBB", "BBBBBAAAAA")
    with Session(engines[0]) as session:
        assert len(session.exec(select(RunRow)).all()) == 10


def test_a_second_writer_waits_for_the_first_then_is_refused_at_its_limit(engines: list[Engine]) -> None:
    holding, release = threading.Event(), threading.Event()

    def holder() -> None:
        with write_transaction(engines[0], timeout=10) as session:
            session.add(_run_row("first"))
            session.flush()
            holding.set()
            release.wait(30)

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert holding.wait(30)
        started = time.monotonic()
        with (
            pytest.raises(RegistryBusy, match=r"another run is writing to the registry.*nothing was written"),
            write_transaction(engines[1], timeout=1) as session,
        ):
            session.add(_run_row("second"))
        assert 0.9 <= time.monotonic() - started < 10
    finally:
        release.set()
        thread.join(30)
    # Once the first writer is done, the second gets its turn.
    with write_transaction(engines[1], timeout=10) as session:
        session.add(_run_row("second"))
    with Session(engines[1]) as session:
        assert sorted(r.run_id for r in session.exec(select(RunRow))) == ["first", "second"]


def test_a_writer_waiting_within_its_limit_goes_after_the_first(engines: list[Engine]) -> None:
    holding = threading.Event()

    def holder() -> None:
        with write_transaction(engines[0], timeout=10) as session:
            session.add(_run_row("first"))
            session.flush()
            holding.set()
            time.sleep(1.0)

    thread = threading.Thread(target=holder)
    thread.start()
    assert holding.wait(30)
    with write_transaction(engines[1], timeout=30) as session:
        # The first writer has committed by the time the second holds the lock.
        assert [r.run_id for r in session.exec(select(RunRow))] == ["first"]
        session.add(_run_row("second"))
    thread.join(30)


def test_a_resolution_made_before_another_publication_is_refused(engines: list[Engine]) -> None:
    with Session(engines[0]) as session:
        read_at = registry_version(session)
    assert read_at == "0:-"
    with write_transaction(engines[1], expected_version=read_at) as session:
        session.add(_run_row("other-run"))
    with (
        pytest.raises(RegistryChanged, match=r"version 0:- when read, 1:other-run now.*nothing was written"),
        write_transaction(engines[0], expected_version=read_at) as session,
    ):
        session.add(_run_row("stale-run"))
    with Session(engines[0]) as session:
        assert [r.run_id for r in session.exec(select(RunRow))] == ["other-run"]
        assert registry_version(session) == "1:other-run"


_HOLD_AND_WAIT = """
import sys, time
from registry.store.db import make_engine
from registry.store.run_lock import write_transaction
with write_transaction(make_engine(sys.argv[1]), timeout=10) as session:
    print("holding", flush=True)
    time.sleep(120)
"""


def test_a_killed_writer_leaves_the_registry_unlocked(engines: list[Engine], registry_url: str) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", _HOLD_AND_WAIT, registry_url],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "holding"
        with pytest.raises(RegistryBusy), write_transaction(engines[0], timeout=0.5):
            pass
        os.kill(process.pid, signal.SIGKILL)
        process.wait(30)
        with write_transaction(engines[0], timeout=15) as session:
            session.add(_run_row("after-the-crash"))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
