from __future__ import annotations

from datetime import UTC, datetime

from registry.ingest.records import SourceRecord, validate
from registry.register.bolagsverket import RegisterEntry

FETCHED = datetime(2026, 11, 26, tzinfo=UTC)


def record(source: str, key: str, name: str, **fields: str) -> SourceRecord:
    """A validated source record, as a connector would deliver it after validation."""
    batch = validate([SourceRecord(source=source, source_key=key, name=name, fetched_at=FETCHED, **fields)])
    assert batch.records, batch.quarantined
    return batch.records[0]


def register_entry(orgnr: str, name: str, status: str = "active") -> RegisterEntry:
    """A company register entry of an economic association in Solna, as the snapshot holds it."""
    return RegisterEntry(
        orgnr=orgnr, name=name, other_names=(), legal_form="EK", svb=False, status=status, registered="2012-03-01",
        deregistered=None, deregistration_reason=None, description="Kafé och catering med arbetsträning",
        street="Storgatan 1", postcode="17141", postort="SOLNA", kommun=None,
    )  # fmt: skip
