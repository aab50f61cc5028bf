"""Helpers for the operations tests: the whole published state of a registry, comparable across runs."""

from __future__ import annotations

from sqlalchemy import MetaData, create_engine, select
from sqlalchemy.pool import NullPool

# Columns that legitimately differ between runs over the same input: times, run IDs, row IDs.
_VOLATILE = {"id", "run_id", "since", "inactive_since"}


def _volatile(column: str) -> bool:
    return column in _VOLATILE or column.endswith("_at")


def published_state(db_url: str) -> dict[str, set[tuple[tuple[str, object], ...]]]:
    """Every table's distinct rows without their volatile columns, read with plain SQL.

    Sets, not lists: a night published twice (its first attempt killed just after committing) adds a second
    run row and a second copy of its quarantine rows, identical but for their times and run IDs (and the
    second run row counts no changes: the first publication made them).
    """
    engine = create_engine(db_url, poolclass=NullPool)
    metadata = MetaData()
    metadata.reflect(engine)
    state: dict[str, set[tuple[tuple[str, object], ...]]] = {}
    try:
        with engine.connect() as connection:
            for table in metadata.sorted_tables:
                state[table.name] = {
                    tuple(
                        sorted(
                            (c, v)
                            for c, v in row._mapping.items()
                            if not _volatile(c) and (table.name, c) != ("runs", "changes")
                        )
                    )
                    for row in connection.execute(select(table))
                }
    finally:
        engine.dispose()
    return state
