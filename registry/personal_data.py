"""Personal data in the published registry: every text value of every table is scanned for personnummer."""

from __future__ import annotations

from sqlalchemy import MetaData, select
from sqlalchemy.engine import Engine

from registry.orgnr import contains_personnummer

# Alembic's bookkeeping is not registry data.
_NOT_SCANNED = {"alembic_version"}


def columns_with_personnummer(engine: Engine) -> list[str]:
    """``table.column`` for every column in which some value holds a personnummer (none in a good registry)."""
    metadata = MetaData()
    metadata.reflect(engine)
    found: set[str] = set()
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            if table.name in _NOT_SCANNED:
                continue
            for row in connection.execute(select(table)):
                for column, value in row._mapping.items():
                    if isinstance(value, str) and contains_personnummer(value):
                        found.add(f"{table.name}.{column}")
    return sorted(found)
