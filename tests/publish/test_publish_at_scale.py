"""Publishing a large night: every value's provenance is right across the batches it is written in, and the
memory a publication takes per organisation is bounded (a 20,000-row city list took 1.4 GB and three minutes
when each provenance row was an ORM object; README, Operations)."""

from __future__ import annotations

import tracemalloc
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from registry.identity.resolve import Cluster
from registry.ingest.records import SourceRecord
from registry.night import Resolution, ResolvedNight, ResolvedOrganisation, SourceBatch
from registry.publish.publish import _ProvenanceWrites, publish
from registry.store.db import create_schema, make_engine, transaction
from registry.store.models import ChangeLogRow, FieldProvenanceRow
from tests.factories import record
from tests.publish.test_change_log import utc

FIRST_NIGHT = datetime(2026, 11, 1, 2, 30, tzinfo=UTC)
SECOND_NIGHT = FIRST_NIGHT + timedelta(days=1)
# What publishing may hold per organisation at its peak (organisation, source record, change log, about ten
# provenance rows, and what reading the registry before the night takes). Measured: 8.7 KB on a first night
# and 15.6 KB on the next, against 49 and 51 KB with ORM objects for the provenance rows and the change log.
MAX_KB_PER_ORGANISATION = 25


def _records(count: int) -> list[SourceRecord]:
    return [
        record(
            "city_list",
            str(n),
            f"Kooperativet Nummer {n}",
            municipality="Solna",
            website=f"https://k{n}.example",
            address=f"Storgatan {n}, 171 41 Solna",
            activity="Kafé, catering och städ",
            email=f"info@k{n}.example",
        )
        for n in range(count)
    ]


def _night(records: list[SourceRecord]) -> ResolvedNight:
    organisations = [ResolvedOrganisation(f"asf-{n:05d}", Cluster((r,), ())) for n, r in enumerate(records)]
    return ResolvedNight([SourceBatch("city_list", True, records)], Resolution(organisations, {}))


def _publish(engine: Engine, number: int, night: ResolvedNight, now: datetime) -> None:
    with transaction(engine) as session:
        publish(session, f"night-{number}", night, {}, now=now)


def _provenance(engine: Engine) -> dict[tuple[str, str], FieldProvenanceRow]:
    with Session(engine) as session:
        return {(row.registry_id, row.field): row for row in session.exec(select(FieldProvenanceRow))}


def test_provenance_is_right_across_the_batches_it_is_written_in(registry_url: str) -> None:
    engine = make_engine(registry_url)
    create_schema(engine)
    try:
        # Several batches of rows, and of organisations confirmed, on each night.
        count = 3 * _ProvenanceWrites.BATCH // 10 + 7
        records = _records(count)
        _publish(engine, 1, _night(records), FIRST_NIGHT)
        first = _provenance(engine)
        assert {registry_id for registry_id, _ in first} == {f"asf-{n:05d}" for n in range(count)}
        assert all(utc(row.since) == utc(row.confirmed_at) == FIRST_NIGHT for row in first.values())

        last, middle = count - 1, count // 2
        records[last] = replace(records[last], website="https://moved.example")
        records[middle] = replace(records[middle], email=None)
        _publish(engine, 2, _night(records), SECOND_NIGHT)
        second = _provenance(engine)
        moved = second[(f"asf-{last:05d}", "website")]
        assert (moved.value, utc(moved.since), utc(moved.confirmed_at)) == (
            "https://moved.example",
            SECOND_NIGHT,
            SECOND_NIGHT,
        )
        # A value no longer published has no provenance; every other row is kept and confirmed tonight.
        assert (f"asf-{middle:05d}", "email") not in second
        assert set(second) == set(first) - {(f"asf-{middle:05d}", "email")}
        unchanged = [row for key, row in second.items() if key != (f"asf-{last:05d}", "website")]
        assert all(utc(row.since) == FIRST_NIGHT for row in unchanged)
        assert all(utc(row.confirmed_at) == SECOND_NIGHT for row in second.values())
        with Session(engine) as session:
            logged = session.exec(
                select(func.count()).select_from(ChangeLogRow).where(col(ChangeLogRow.run_id) == "night-1")
            ).one()
        assert logged == count  # one "added" per organisation
    finally:
        engine.dispose()


def test_publishing_takes_bounded_memory_per_organisation(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'registry.db'}")
    create_schema(engine)
    count = 1_000
    night = _night(_records(count))
    try:
        for number, now in ((1, FIRST_NIGHT), (2, SECOND_NIGHT)):
            tracemalloc.start()
            try:
                _publish(engine, number, night, now)
                peak = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
            per_organisation = peak / 1024 / count
            assert per_organisation < MAX_KB_PER_ORGANISATION, f"night {number}: {per_organisation:.1f} KB"
    finally:
        engine.dispose()
