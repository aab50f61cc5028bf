"""What a source listed at its last successful publication: the baseline its health is judged against, and
what stands in for it on a night it fails."""

from __future__ import annotations

from sqlmodel import Session, select

from registry.ingest.records import RECORD_FIELDS, SourceRecord
from registry.reference.orgnr import OrgnrStatus
from registry.store.models import SourceRecordRow


def listed_keys(session: Session, source: str) -> set[str]:
    """The keys of the records a source listed at its last successful publication."""
    rows = session.exec(
        select(SourceRecordRow.source_key).where(SourceRecordRow.source == source, SourceRecordRow.listed)
    )
    return set(rows)


def last_listed_records(session: Session, source: str) -> list[SourceRecord]:
    """The records a source listed at its last successful fetch: what a failed source falls back to."""
    rows = session.exec(select(SourceRecordRow).where(SourceRecordRow.source == source, SourceRecordRow.listed))
    return [
        SourceRecord(
            source=row.source,
            source_key=row.source_key,
            orgnr_status=OrgnrStatus(row.orgnr_status),
            **{name: getattr(row, name) for name in RECORD_FIELDS},
        )
        for row in rows
    ]
