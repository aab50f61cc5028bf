from __future__ import annotations

from datetime import UTC, datetime

from registry.ingest.records import SourceRecord, validate

FETCHED = datetime(2026, 11, 26, tzinfo=UTC)


def record(source: str, key: str, name: str, **fields: str) -> SourceRecord:
    """A validated source record, as a connector would deliver it after validation."""
    batch = validate([SourceRecord(source=source, source_key=key, name=name, fetched_at=FETCHED, **fields)])
    assert batch.records, batch.quarantined
    return batch.records[0]
