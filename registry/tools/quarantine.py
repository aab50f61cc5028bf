"""`asf-registry quarantine`: the source records a run held back, and why, for the person who fixes a source.

Shown per record: the source, its key, the name it carried, where it was read and the reason, in the reader's
language. A record held back because it is about a person (a sole trader's personnummer) was stored with no
name and no number, and a personnummer anywhere else in a row is redacted before it is shown.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from registry.store.models import QuarantineRow, RunRow
from registry.tools.labels import Labels


def reason_said(reason: str, labels: Labels) -> str:
    """The reason registry/ingest/records.py stored, in the reader's language (PHRASES "quarantine")."""
    return labels.phrase("quarantine", reason)


@dataclass(frozen=True)
class Held:
    run_id: str
    quarantined_at: datetime
    source: str
    source_key: str | None
    name: str | None
    read_from: str | None
    reason: str


def _field(raw: str, name: str) -> str | None:
    try:
        value = json.loads(raw).get(name)
    except (ValueError, AttributeError):  # an unreadable row still shows its reason
        return None
    return str(value) if value not in (None, "") else None


def held_back(session: Session, run_id: str | None = None, every_run: bool = False) -> list[Held]:
    """The quarantine of one run: the one given, else the last published run (all runs with every_run)."""
    statement = select(QuarantineRow)
    if not every_run:
        if run_id is None:
            latest = session.exec(select(RunRow).order_by(col(RunRow.published_at).desc()).limit(1)).first()
            if latest is None:
                return []
            run_id = latest.run_id
        statement = statement.where(QuarantineRow.run_id == run_id)
    rows = session.exec(statement.order_by(col(QuarantineRow.quarantined_at), col(QuarantineRow.id)))
    return [
        Held(
            run_id=row.run_id,
            quarantined_at=row.quarantined_at,
            source=row.source,
            source_key=row.source_key,
            name=_field(row.raw, "name"),
            read_from=_field(row.raw, "source_url"),
            reason=row.reason,
        )
        for row in rows
    ]


def render(held: list[Held], labels: Labels) -> str:
    if not held:
        return labels.text("quarantine.empty")
    lines = [labels.text("quarantine.heading", count=len(held))]
    for item in held:
        lines.append(f"  {item.source} / {item.source_key or '–'}  ({item.quarantined_at:%Y-%m-%d %H:%M})")
        lines.append("    " + labels.text("quarantine.reason", reason=reason_said(item.reason, labels)))
        if item.name:
            lines.append("    " + labels.text("quarantine.name", name=item.name))
        if item.read_from:
            lines.append("    " + labels.text("quarantine.read_from", where=item.read_from))
    lines.append(labels.text("quarantine.fix"))
    # Whatever a source wrote, a personnummer in it is not shown; the marker reads in the reader's language.
    return "\n".join(labels.redacted(line) for line in lines)
