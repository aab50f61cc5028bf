"""Opening the registry database honestly: a wrong URL fails fast with one line that says what is wrong.

A misconfigured database used to cost minutes of retries and end in ``Exceeded max_retries``, and a read
command pointed at a wrong SQLite path created an empty database and reported 0 organisations. Here:

- ``check_registry(url, purpose)`` probes the database with a short connect timeout and raises
  ``RegistryUnavailable`` with one sentence (password masked) when it cannot be used: an unsupported URL, a
  server that refuses or does not answer, a wrong password, a database that does not exist, an SQLite file
  that cannot be created, or (for reading) no registry there at all, or one of a schema version this
  release does not read.
- ``open_registry(url)`` is what the read commands use (export, find, review, show): it checks first and
  never creates or migrates anything.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from registry.settings import redact_url
from registry.store.db import make_engine
from registry.store.migrate import known_revisions

DEFAULT_PROBE_TIMEOUT = 10.0
RUN_FIRST = "run `asf-registry run` first to publish the registry, or check ASF_REGISTRY_DB_URL"


class Purpose(StrEnum):
    # A run creates the database (SQLite) and the tables on first use, and upgrades older ones.
    WRITE = "write"
    # A read command needs a registry that is there, at the schema version this release reads.
    READ = "read"


class RegistryUnavailable(Exception):
    """The registry database cannot be used as configured. The message is one line for the person running the
    command; ``transient`` says whether trying again later may help (a server that did not answer)."""

    def __init__(self, message: str, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


# What drivers say, and what the person who configured the URL should hear (checked in order).
_CONNECTION_PROBLEMS = (
    ("password authentication failed", "the user name or password is wrong", False),
    ("no password supplied", "the server wants a password and the URL has none", False),
    ("does not exist", "the database does not exist on that server", False),
    ("could not translate host name", "the host name is unknown", False),
    ("name or service not known", "the host name is unknown", False),
    ("connection refused", "the server refused the connection (is it running, on that host and port?)", True),
    ("timeout expired", "the server did not answer in time", True),
    ("timed out", "the server did not answer in time", True),
    ("no pg_hba.conf entry", "the server does not accept connections from this machine (pg_hba.conf)", False),
)


def explain(url: str, error: BaseException) -> RegistryUnavailable:
    """A driver's or SQLAlchemy's error as one line naming the database (password masked)."""
    detail = str(getattr(error, "orig", None) or error).strip()
    lowered = detail.lower()
    for needle, meaning, transient in _CONNECTION_PROBLEMS:
        if needle in lowered:
            return RegistryUnavailable(f"registry database {redact_url(url)}: {meaning}", transient)
    first_line = next((line.strip() for line in detail.splitlines() if line.strip()), type(error).__name__)
    return RegistryUnavailable(f"registry database {redact_url(url)}: {redact_url(first_line)}", transient=True)


def _backend(url: str) -> str:
    shown = redact_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise RegistryUnavailable(
            f"ASF_REGISTRY_DB_URL is not a database URL: {shown!r} "
            "(write sqlite:////path/registry.db or postgresql+psycopg://USER:PASSWORD@HOST:5432/DB)"
        ) from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise RegistryUnavailable(
            f"registry database {shown}: {parsed.drivername!r} is not supported "
            "(use sqlite:/// or postgresql+psycopg://)"
        )
    try:
        parsed.get_dialect()
    except NoSuchModuleError:
        raise RegistryUnavailable(
            f"registry database {shown}: the driver {parsed.drivername!r} is not installed (use postgresql+psycopg://)"
        ) from None
    return backend


@dataclass(frozen=True)
class RegistryState:
    """What is in the database: its tables and its schema version (None: no alembic_version)."""

    tables: frozenset[str]
    revision: str | None


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL; None for any other URL and for an in-memory database."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    database = parsed.database if parsed.get_backend_name() == "sqlite" else None
    return None if not database or database == ":memory:" else Path(database)


def can_be_created(path: Path) -> bool:
    """Whether an SQLite file could be created at ``path`` (its nearest existing folder is writable)."""
    existing = next((p for p in path.absolute().parents if p.exists()), None)
    return existing is not None and existing.is_dir() and os.access(existing, os.W_OK | os.X_OK)


def read_state(url: str, timeout: float = DEFAULT_PROBE_TIMEOUT) -> RegistryState | None:
    """The database's tables and schema version, read without changing anything; None for an SQLite file that
    does not exist (yet). RegistryUnavailable when the database cannot be reached or read."""
    shown = redact_url(url)
    if _backend(url) == "sqlite":
        path = sqlite_path(url)
        if path is None or not path.exists():
            return None if path is not None else RegistryState(frozenset(), None)
        if not path.is_file():
            raise RegistryUnavailable(f"registry database {shown}: {path} is not a file")
        try:
            with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=timeout)) as connection:
                tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
                row = None
                if "alembic_version" in tables:
                    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.Error as exc:
            raise RegistryUnavailable(f"registry database {shown}: {path} cannot be read as SQLite ({exc})") from None
        return RegistryState(frozenset(tables), row[0] if row else None)
    engine = create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": max(1, round(timeout))})
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            revision = None
            if "alembic_version" in tables:
                revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError as exc:
        raise explain(url, exc) from None
    finally:
        engine.dispose()
    return RegistryState(frozenset(tables), revision)


def _check_schema(shown: str, purpose: Purpose, tables: set[str], revision: str | None) -> None:
    known, head = known_revisions()
    if revision is not None and revision not in known:
        raise RegistryUnavailable(
            f"registry database {shown} has schema version {revision!r}, unknown to this release: it was "
            "migrated by a newer asf-registry (deploy that release, or check ASF_REGISTRY_DB_URL)"
        )
    if purpose is Purpose.WRITE:
        return  # a run creates the tables, and upgrades an older schema in place
    if "organisations" not in tables:
        raise RegistryUnavailable(f"registry database {shown} holds no registry: {RUN_FIRST}")
    if revision != head:
        raise RegistryUnavailable(
            f"registry database {shown} has schema version {revision or 'none'}, and this release reads {head}: "
            "run `asf-registry run` to upgrade it in place"
        )


def check_registry(url: str, purpose: Purpose, timeout: float = DEFAULT_PROBE_TIMEOUT) -> None:
    """Raise RegistryUnavailable when the registry at ``url`` cannot be used for ``purpose``."""
    shown = redact_url(url)
    state = read_state(url, timeout)
    if state is None:  # an SQLite file that is not there
        path = sqlite_path(url)
        assert path is not None
        if purpose is Purpose.READ:
            raise RegistryUnavailable(f"there is no registry at {path.absolute()}: {RUN_FIRST}")
        if not can_be_created(path):
            raise RegistryUnavailable(
                f"registry database {shown}: {path} does not exist and cannot be created (no writable folder)"
            )
        return
    if purpose is Purpose.READ and sqlite_path(url) is None and _backend(url) == "sqlite":
        raise RegistryUnavailable(f"registry database {shown}: an in-memory database holds no registry")
    _check_schema(shown, purpose, set(state.tables), state.revision)


def open_registry(url: str, timeout: float = DEFAULT_PROBE_TIMEOUT) -> Engine:
    """An engine on an existing, current registry, for commands that read it (and review, which adds people's
    decisions to it). Never creates a database or tables, never migrates."""
    check_registry(url, Purpose.READ, timeout)
    return make_engine(url)
