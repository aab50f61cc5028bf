"""Personal data in the published registry: every text value of every table is scanned for personnummer.

This is the last line, behind the guards where data enters (source records, the register snapshot): it runs
inside the publishing transaction, so a hit means that nothing of the night is committed.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Column, MetaData, select
from sqlalchemy.engine import Connection, Engine

from registry.reference.personnummer import contains_personnummer

# Alembic's bookkeeping is not registry data.
_NOT_SCANNED = {"alembic_version"}


class PersonalDataFound(Exception):
    """A personnummer would be published. The message names the tables and columns, never the number."""

    def __init__(self, columns: list[str]) -> None:
        self.columns = columns
        super().__init__(
            f"a personal identity number (personnummer or samordningsnummer) was found in {', '.join(columns)}: "
            "nothing was published and the registry keeps its previous state (the number is not shown; look for it "
            "in the sources' data for that column)"
        )


def columns_with_personnummer(bind: Engine | Connection, tables: Iterable[str] | None = None) -> list[str]:
    """``table.column`` for every column in which some value holds a personnummer (none in a good registry).

    ``bind`` may be a connection inside a transaction: what is scanned is what that transaction would commit.
    ``tables`` limits the scan to those tables (default: every table).
    """
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return columns_with_personnummer(connection, tables)
    metadata = MetaData()
    metadata.reflect(bind, only=list(tables) if tables is not None else None)
    found: set[str] = set()
    for table in metadata.sorted_tables:
        if table.name in _NOT_SCANNED:
            continue
        text_columns = [c for c in table.columns if _may_hold_text(c)]
        if not text_columns:
            continue
        for row in bind.execute(select(*text_columns)):
            for column, value in zip(text_columns, row, strict=True):
                if isinstance(value, str) and contains_personnummer(value):
                    found.add(f"{table.name}.{column.name}")
    return sorted(found)


def _may_hold_text(column: Column) -> bool:
    try:
        return column.type.python_type is str
    except NotImplementedError:  # a type reflection does not know: read it, and look at what comes back
        return True


def refuse_personal_data(bind: Connection, tables: Iterable[str] | None = None) -> None:
    """Raise PersonalDataFound when a table (or one of ``tables``) holds a personnummer."""
    found = columns_with_personnummer(bind, tables)
    if found:
        raise PersonalDataFound(found)
