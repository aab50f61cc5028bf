from __future__ import annotations

from registry.ingest.records import SourceRecord, validate
from registry.reference.orgnr import OrgnrStatus
from tests.factories import FETCHED


def _record(key: str, name: str, **fields: str) -> SourceRecord:
    return SourceRecord(source="s", source_key=key, name=name, fetched_at=FETCHED, **fields)


def test_bad_records_are_quarantined_with_a_reason_and_the_rest_kept() -> None:
    batch = validate(
        [
            _record("1", "  Le   Mat  ", orgnr_as_written="769600-1235"),
            _record("2", ""),
            _record("3", "12345"),
            _record("4", "<script>alert(1)</script>"),
            _record("1", "Le Mat igen"),
            _record("", "Utan nyckel"),
            _record("6", "Tolvan Tolvansson", orgnr_as_written="19121212-1212"),
        ]
    )
    assert [(r.source_key, r.name, r.orgnr_status) for r in batch.records] == [("1", "Le Mat", OrgnrStatus.INVALID)]
    assert batch.records[0].orgnr_as_written == "769600-1235"
    assert sorted((q.source_key, q.reason) for q in batch.quarantined if q.source_key) == [
        ("1", "duplicate source key '1'"),
        ("2", "missing name"),
        ("3", "name has no letters"),
        ("4", "name contains markup"),
    ]
    assert sorted(q.reason for q in batch.quarantined if not q.source_key) == [
        "missing source key",
        "organisationsnummer is a personnummer (sole trader): personal data is not kept",
    ]
    sole_trader = [q for q in batch.quarantined if "personnummer" in q.reason]
    assert len(sole_trader) == 1 and "Tolvan" not in repr(sole_trader[0])
