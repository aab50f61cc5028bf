from __future__ import annotations

from registry.ingest.records import SourceRecord, validate
from registry.reference.orgnr import OrgnrStatus
from registry.reference.personnummer import contains_personnummer
from tests.factories import FETCHED
from tests.personal_numbers import TOLVAN


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


def test_no_quarantine_row_keeps_a_personal_number_from_where_the_record_came_from() -> None:
    """A sole trader's list file named after her (``Anna 811218-9876.csv``) or her page's address
    (``/foretag/8112189876``) put the number in the quarantine's raw data, which the last-line check found:
    every night was blocked. The quarantine keeps where a record came from only without the number."""
    in_file_name = f"file:Anna {TOLVAN}.csv#row=2"
    in_address = f"https://lista.example/foretag/{TOLVAN.replace('-', '')}"
    batch = validate(
        [
            _record("a", "Annas Städ", orgnr_as_written=TOLVAN, source_url=in_file_name),
            _record("b", "Annas Kafé", orgnr_as_written=TOLVAN.replace("-", "\u00ad"), source_url=in_address),
            _record("c", f"Städ {TOLVAN}", source_url=in_address),
            _record("d", "<b>Märkt</b>", source_url=in_file_name),  # quarantined for markup, with all its fields
            _record("e", "Kooperativet Ett", source_url=in_file_name),  # accepted: the address is removed
        ]
    )
    assert [(r.source_key, r.source_url) for r in batch.records] == [("e", None)]
    assert len(batch.quarantined) == 4
    for quarantined in batch.quarantined:
        assert not contains_personnummer(repr(quarantined)) and TOLVAN[:6] not in repr(quarantined), quarantined
    # An address holding a person's number goes whole, as from an accepted record: it may name her too (a slug,
    # a file name). The city list reader shows its file names without the number, so its rows keep theirs.
    assert {q.raw.get("source_url") for q in batch.quarantined} == {None}
