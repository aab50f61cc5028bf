"""One engine (and connection pool) per registry URL per process, shared by every step a process runs."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from registry.store.db import create_schema, make_engine
from registry.store.registry_access import explain

_ENGINES: dict[str, Engine] = {}


def shared_engine(url: str) -> Engine:
    """The engine for ``url``, its schema created (or migrated) on first use. A database that cannot be used
    raises RegistryUnavailable saying why in one line."""
    if url not in _ENGINES:
        try:
            engine = make_engine(url)
            create_schema(engine)
        except (SQLAlchemyError, OSError) as exc:
            raise explain(url, exc) from exc
        _ENGINES[url] = engine
    return _ENGINES[url]


def dispose_engines() -> None:
    """Close every pooled connection (before dropping a database, or at the end of a process)."""
    while _ENGINES:
        _ENGINES.popitem()[1].dispose()
