"""Database access: one engine per URL, SQLite by default, PostgreSQL in production, same code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from registry.store import models  # noqa: F401  (registers the tables on SQLModel.metadata)

# libpq's connection settings for PostgreSQL, so that a database host that does not answer fails in bounded
# time instead of hanging the run: a host that accepts TCP and never answers fails after connect_timeout
# (libpq's default is to wait for ever); one that stops answering mid-run is found by TCP keepalives when
# the connection is idle, and by tcp_user_timeout when data sent to it stays unacknowledged. A value in the
# URL (``?connect_timeout=30``) wins.
POSTGRES_CONNECT_ARGS: dict[str, int] = {
    "connect_timeout": 10,  # seconds
    "keepalives": 1,
    "keepalives_idle": 30,  # seconds idle before the first probe
    "keepalives_interval": 10,  # seconds between probes
    "keepalives_count": 3,  # unanswered probes before the connection is dead
    "tcp_user_timeout": 60_000,  # milliseconds
}


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    connect_args: dict[str, int] = {}
    if parsed.get_backend_name() == "postgresql":
        connect_args = {k: v for k, v in POSTGRES_CONNECT_ARGS.items() if k not in parsed.query}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets readers (the UI, exports) read while a run publishes; checkpoint() below moves the writes into
    # the main file once they are committed.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def checkpoint(engine: Engine) -> bool:
    """SQLite: copy every committed write from the write-ahead log (``registry.db-wal``) into the database file
    and empty the log, so that the file alone is the whole registry: a downstream system that copies
    ``registry.db`` after a run gets what the run published, not an empty or stale file. Called after every
    write transaction commits. A no-op on PostgreSQL.

    A reader in the middle of a read transaction holds the log back; SQLite then waits for it (up to the
    connection's busy timeout, 30 s). Returns False when a reader still held it: the file is completed by the
    next checkpoint.
    """
    if engine.dialect.name != "sqlite":
        return True
    with engine.connect() as connection:
        busy, _log_pages, _copied = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    return not busy


def create_schema(engine: Engine) -> None:
    """Create or upgrade the registry tables to the current schema (Alembic migrations)."""
    from registry.store.migrate import upgrade

    upgrade(engine)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session whose work is committed as a whole or not at all."""
    with Session(engine) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
