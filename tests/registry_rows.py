"""Registry rows written straight into the tables, so export and find are tested without running a night."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from registry.store.db import create_schema, make_engine
from registry.store.models import ChangeLogRow, Organisation

SEEN = datetime(2026, 11, 26, 2, 30, tzinfo=UTC)


def organisation(registry_id: str, name: str, **fields: Any) -> Organisation:
    """A published organisation: active, on a current ASF list, listed by the city's list, unless told."""
    values: dict[str, Any] = {
        "sources": "city_list",
        "source_count": 1,
        "evidence": "current_list",
        "first_seen_at": SEEN,
        "last_seen_at": SEEN,
        "active": True,
        "listed": True,
    }
    return Organisation(registry_id=registry_id, name=name, **(values | fields))


def change(registry_id: str, change: str = "added", **fields: Any) -> ChangeLogRow:
    values: dict[str, Any] = {"run_id": "run-1", "changed_at": SEEN}
    return ChangeLogRow(registry_id=registry_id, change=change, **(values | fields))


def registry_with(url: str, rows: Iterable[SQLModel]) -> Engine:
    """A migrated registry at ``url`` holding ``rows``."""
    engine = make_engine(url)
    create_schema(engine)
    with Session(engine) as session:
        session.add_all(list(rows))
        session.commit()
    return engine
