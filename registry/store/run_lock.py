"""One writer at a time: the registry's write lock, across threads, processes and machines.

Publishing (and the other writes of a run) happen inside ``write_transaction``, which first takes the
registry's write lock and holds it until the transaction ends:

- PostgreSQL: a transaction-scoped advisory lock (``pg_try_advisory_xact_lock``), polled until a deadline;
- SQLite: ``BEGIN IMMEDIATE``, which takes the database's single write lock, waiting up to the deadline.

Both locks end with their transaction: at commit, at rollback, and when the process or the connection
holding them dies, so a killed run never leaves the registry locked.

A second writer **waits** for the lock (``timeout`` seconds, ``ASF_REGISTRY_LOCK_TIMEOUT``, default 600) and is
then refused with ``RegistryBusy``. A run that publishes also names the registry version it resolved against
(``registry_version``, read before it read anything else); if another run published in the meantime, its
resolution is stale and it is **refused** with ``RegistryChanged``: nothing is written, and the next run
resolves against the new state. So two runs started at once never interleave their writes, and the one that
comes second never overwrites the first with a resolution made from the state before it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, func, select

from registry.deadlines import RUN_STOP
from registry.store.db import checkpoint
from registry.store.models import RunRow

# Any fixed number, different from the migrations' lock (registry/store/migrate.py).
WRITE_LOCK_KEY = 7_696_001_235
DEFAULT_TIMEOUT = 600.0
_SQLITE_BUSY_TIMEOUT_MS = 30_000  # what registry/store/db.py configures for every SQLite connection


class RegistryBusy(RuntimeError):
    """Another run held the registry's write lock for longer than this run was willing to wait."""


class RegistryChanged(RuntimeError):
    """Another run published after this run read the registry: this run's resolution is stale."""


def registry_version(session: Session) -> str:
    """What the registry was last published as: the number of publications and the latest run's ID."""
    count = session.exec(select(func.count()).select_from(RunRow)).one()
    latest = session.exec(
        select(RunRow.run_id).order_by(col(RunRow.published_at).desc(), col(RunRow.run_id).desc()).limit(1)
    ).first()
    return f"{count}:{latest or '-'}"


def _acquire_postgres(session: Session, deadline: float, poll: float, clock: Callable[[], float]) -> None:
    while True:
        taken = session.exec(  # type: ignore[call-overload]
            text("SELECT pg_try_advisory_xact_lock(:key)"), params={"key": WRITE_LOCK_KEY}
        ).scalar_one()
        if taken:
            return
        remaining = deadline - clock()
        if remaining <= 0:
            raise RegistryBusy("another run is writing to the registry")
        time.sleep(min(poll, remaining))


def _acquire_sqlite(session: Session, deadline: float, clock: Callable[[], float]) -> None:
    connection = session.connection()
    remaining_ms = max(int((deadline - clock()) * 1000), 0)
    connection.exec_driver_sql(f"PRAGMA busy_timeout = {remaining_ms}")
    try:
        # SQLite's own busy handler waits (up to busy_timeout) for the writer before us to finish.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise RegistryBusy("another run is writing to the registry") from exc
        raise
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {_SQLITE_BUSY_TIMEOUT_MS}")


@contextmanager
def write_transaction(
    engine: Engine,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    expected_version: str | None = None,
    poll: float = 0.2,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[Session]:
    """A session holding the registry's write lock, committed as a whole or not at all.

    Waits up to ``timeout`` seconds for another writer, then raises ``RegistryBusy``. With
    ``expected_version``, raises ``RegistryChanged`` (before anything is written) when the registry was
    published since that version was read. On SQLite the committed writes are then checkpointed into the
    database file (registry/store/db.py ``checkpoint``), so the file alone holds them.
    """
    started = clock()
    with Session(engine) as session:
        try:
            if engine.dialect.name == "postgresql":
                _acquire_postgres(session, started + timeout, poll, clock)
            elif engine.dialect.name == "sqlite":
                _acquire_sqlite(session, started + timeout, clock)
            else:
                raise NotImplementedError(f"no write lock for {engine.dialect.name}")
        except RegistryBusy as exc:
            session.rollback()
            raise RegistryBusy(
                f"{exc} (waited {clock() - started:.0f} s, the limit set by ASF_REGISTRY_LOCK_TIMEOUT); "
                "nothing was written by this run"
            ) from exc
        try:
            if expected_version is not None:
                current = registry_version(session)
                if current != expected_version:
                    raise RegistryChanged(
                        f"another run published to the registry while this run was resolving (registry version "
                        f"{expected_version} when read, {current} now); nothing was written by this run, the "
                        "registry keeps the other run's publication, and the next run resolves against it"
                    )
            yield session
            # A stopped run (SIGINT, SIGTERM, its deadline) commits nothing: its writes are rolled back below.
            with RUN_STOP.committing():
                session.commit()
        except BaseException:
            session.rollback()
            raise
    # After the lock is released: the checkpoint may wait for readers, and must not keep writers waiting too.
    checkpoint(engine)
