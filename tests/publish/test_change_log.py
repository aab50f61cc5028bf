"""The change log over several simulated nights: added, changed, merged, split, unlisted, inactivated,
relisted, deregistered, status_changed; with per-value provenance. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from registry.identity.judgement_store import append, load_graph
from registry.identity.judgements import Decision, Judgement
from registry.identity.registry_ids import assign_registry_ids
from registry.identity.resolve import resolve
from registry.ingest.records import SourceRecord
from registry.night import ResolvedNight, SourceBatch
from registry.publish.changes import Change, field_changes
from registry.publish.publish import PublishSummary, publish
from registry.register.bolagsverket import RegisterEntry
from registry.register.enrichment import RegisterMatch
from registry.store.db import create_schema, make_engine, transaction
from registry.store.models import ChangeLogRow, FieldProvenanceRow, Organisation, RegistryIdRedirect
from registry.tools.labels import Labels
from tests.factories import record, register_entry

SOURCES = ("skoopi", "city_list", "social_trade")
FIRST_NIGHT = datetime(2026, 11, 1, 2, 30, tzinfo=UTC)


@pytest.fixture
def engine(registry_url: str) -> Engine:
    engine = make_engine(registry_url)
    create_schema(engine)
    yield engine
    engine.dispose()


def night(
    engine: Engine,
    number: int,
    records: Sequence[SourceRecord],
    register: Mapping[str, RegisterEntry] | None = None,
    inactive_after_runs: int = 2,
    failed: Sequence[str] = (),
) -> PublishSummary:
    """One nightly publication of ``records``; ``register`` maps an orgnr to its register entry."""
    now = FIRST_NIGHT + timedelta(days=number)
    with transaction(engine) as session:
        result = resolve(records, prior=load_graph(session), now=now)
        resolution = assign_registry_ids(session, result.clusters)
        batches = [SourceBatch(s, ok=s not in failed, records=[r for r in records if r.source == s]) for s in SOURCES]
        matches = {}
        for org in resolution.organisations:
            orgnrs = {m.orgnr for m in org.cluster.members if m.orgnr}
            entry = next((register[o] for o in sorted(orgnrs) if register and o in register), None)
            if entry:
                matches[org.registry_id] = RegisterMatch(org.registry_id, entry, "orgnr", 1.0, "same orgnr")
        night = ResolvedNight(batches, resolution, decisions=result.decisions, register_matches=matches)
        return publish(session, f"night-{number}", night, {}, now=now, inactive_after_runs=inactive_after_runs)


def log(engine: Engine, number: int) -> list[tuple[str, str, str | None, str | None, str | None]]:
    with Session(engine) as session:
        rows = session.exec(
            select(ChangeLogRow).where(ChangeLogRow.run_id == f"night-{number}").order_by(col(ChangeLogRow.id))
        )
        names = {o.registry_id: o.name for o in session.exec(select(Organisation))}
        return [(names[r.registry_id], r.change, r.field, r.old_value, r.new_value) for r in rows]


def organisation(engine: Engine, name: str) -> Organisation:
    with Session(engine) as session:
        return session.exec(select(Organisation).where(Organisation.name == name)).one()


MACKEN = record("skoopi", "macken", "Kooperativet Macken", municipality="Solna", website="https://macken.se")
RETUREN = record("skoopi", "returen", "Returbutiken Returen", municipality="Nacka")
GRONA = record("city_list", "17", "Gröna Händer Trädgård", municipality="Huddinge")
BASTA = record("city_list", "18", "Basta Arbetskooperativ", municipality="Nykvarn")
REGISTER = {"769600-1234": register_entry("769600-1234", "Kooperativet Macken ekonomisk förening")}


def test_the_first_night_adds_every_organisation(engine: Engine) -> None:
    summary = night(engine, 1, [MACKEN, RETUREN, GRONA])
    assert sorted(log(engine, 1)) == [
        ("Gröna Händer Trädgård", "added", None, None, "Gröna Händer Trädgård"),
        ("Kooperativet Macken", "added", None, None, "Kooperativet Macken"),
        ("Returbutiken Returen", "added", None, None, "Returbutiken Returen"),
    ]
    assert summary.changes == {"added": 3} and summary.added == 3


def test_a_changed_value_is_logged_with_old_and_new_and_its_provenance_moves(engine: Engine) -> None:
    night(engine, 1, [MACKEN, RETUREN])
    before = provenance(engine, "Kooperativet Macken")
    night(engine, 2, [replace(MACKEN, website="https://macken.coop"), RETUREN])
    assert log(engine, 2) == [
        ("Kooperativet Macken", "changed", "website", "https://macken.se", "https://macken.coop"),
    ]
    after = provenance(engine, "Kooperativet Macken")
    website = after["website"]
    assert (website.source, website.source_key, website.value) == ("skoopi", "macken", "https://macken.coop")
    assert utc(website.since) == FIRST_NIGHT + timedelta(days=2) > utc(before["website"].since)
    # An unchanged value keeps its 'since' and is confirmed again.
    assert utc(after["name"].since) == utc(before["name"].since) == FIRST_NIGHT + timedelta(days=1)
    assert utc(after["name"].confirmed_at) == FIRST_NIGHT + timedelta(days=2)


def utc(moment: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def provenance(engine: Engine, name: str) -> dict[str, FieldProvenanceRow]:
    org = organisation(engine, name)
    with Session(engine) as session:
        rows = session.exec(select(FieldProvenanceRow).where(FieldProvenanceRow.registry_id == org.registry_id))
        return {row.field: row for row in rows}


def test_register_values_say_they_come_from_the_register_and_deregistration_is_logged(engine: Engine) -> None:
    macken = replace(MACKEN, orgnr="769600-1234")
    night(engine, 1, [macken, RETUREN], register=REGISTER)
    sources = provenance(engine, "Kooperativet Macken")
    assert (sources["legal_form"].source, sources["legal_form"].source_key) == ("bolagsverket", "769600-1234")
    assert sources["website"].source == "skoopi"
    assert sources["kommun_code"].source == "bolagsverket" and sources["kommun_code"].value == "0184"
    macken_gone = register_entry("769600-1234", "Kooperativet Macken ekonomisk förening", status="deregistered")
    gone = {"769600-1234": macken_gone}
    night(engine, 2, [macken, RETUREN], register=gone)
    assert ("Kooperativet Macken", "deregistered", "register_status", "active", "deregistered") in log(engine, 2)
    # Still listed by a source: deregistered in the register, but the registry keeps it active with the news.
    assert organisation(engine, "Kooperativet Macken").active


def test_a_bankruptcy_is_a_status_change_not_a_deregistration(engine: Engine) -> None:
    macken = replace(MACKEN, orgnr="769600-1234")
    night(engine, 1, [macken, RETUREN], register=REGISTER)

    def in_register(status: str) -> dict[str, RegisterEntry]:
        return {"769600-1234": register_entry("769600-1234", "Kooperativet Macken ekonomisk förening", status=status)}

    night(engine, 2, [macken, RETUREN], register=in_register("bankruptcy"))
    assert log(engine, 2) == [("Kooperativet Macken", "status_changed", "register_status", "active", "bankruptcy")]
    night(engine, 3, [macken, RETUREN], register=in_register("deregistered"))
    assert log(engine, 3) == [
        ("Kooperativet Macken", "deregistered", "register_status", "bankruptcy", "deregistered")
    ]
    # What an official reads: a bankruptcy is not called a deregistration, in either language.
    sv, en = Labels("sv"), Labels("en")
    assert (sv.code("change", "status_changed"), en.code("change", "status_changed")) == (
        "ny status i bolagsregistret",
        "new status in the company register",
    )
    assert sv.code("change", "deregistered") == "avregistrerad"


@pytest.mark.parametrize(
    ("before", "after", "kind"),
    [
        ("active", "deregistered", Change.DEREGISTERED),
        ("liquidation", "deregistered", Change.DEREGISTERED),
        (None, "deregistered", Change.DEREGISTERED),
        ("active", "bankruptcy", Change.STATUS_CHANGED),
        ("active", "reconstruction", Change.STATUS_CHANGED),
        ("active", "liquidation", Change.STATUS_CHANGED),
        ("bankruptcy", "active", Change.STATUS_CHANGED),  # a bankruptcy concluded
        ("reconstruction", "bankruptcy", Change.STATUS_CHANGED),
        (None, "bankruptcy", Change.STATUS_CHANGED),  # first matched, and in bankruptcy: news
        (None, "active", Change.CHANGED),  # first matched and active: nothing happened in the register
        ("bankruptcy", None, Change.CHANGED),  # a value lost, as the publish gate counts them
    ],
)
def test_each_register_status_change_has_the_kind_that_says_what_happened(
    before: str | None, after: str | None, kind: Change
) -> None:
    (entry,) = field_changes("asf-x", {"register_status": before}, {"register_status": after})
    assert (entry.change, entry.field, entry.old_value, entry.new_value) == (kind, "register_status", before, after)


def test_unlisted_then_inactive_after_the_configured_runs_then_relisted(engine: Engine) -> None:
    night(engine, 1, [MACKEN, RETUREN, GRONA, BASTA])
    night(engine, 2, [MACKEN, GRONA, BASTA])
    assert log(engine, 2) == [("Returbutiken Returen", "unlisted", None, None, None)]
    returen = organisation(engine, "Returbutiken Returen")
    assert (returen.listed, returen.active, returen.unlisted_runs) == (False, True, 1)
    night(engine, 3, [MACKEN, GRONA, BASTA])
    assert log(engine, 3) == [("Returbutiken Returen", "inactivated", None, None, None)]
    returen = organisation(engine, "Returbutiken Returen")
    assert (returen.listed, returen.active) == (False, False)
    assert returen.inactive_since and utc(returen.inactive_since) == FIRST_NIGHT + timedelta(days=3)
    night(engine, 4, [MACKEN, GRONA, BASTA])
    assert log(engine, 4) == []  # already inactive: nothing new to say
    night(engine, 5, [MACKEN, RETUREN, GRONA, BASTA])
    assert log(engine, 5) == [("Returbutiken Returen", "relisted", None, None, None)]
    back = organisation(engine, "Returbutiken Returen")
    assert back.registry_id == returen.registry_id
    assert (back.listed, back.active, back.unlisted_runs, back.inactive_since) == (True, True, 0, None)


def test_a_failed_source_does_not_unlist_its_organisations(engine: Engine) -> None:
    night(engine, 1, [MACKEN, RETUREN, GRONA])
    # skoopi failed: the asset hands over its last good records, as assets/resolve.py does.
    night(engine, 2, [MACKEN, RETUREN, GRONA], failed=["skoopi"])
    assert log(engine, 2) == []


def test_a_merge_and_a_split_are_logged_and_the_retired_id_redirects(engine: Engine) -> None:
    alias = record("city_list", "19", "Macken Återbruk", municipality="Solna")
    night(engine, 1, [MACKEN, alias, RETUREN])
    macken_id = organisation(engine, "Kooperativet Macken").registry_id
    alias_id = organisation(engine, "Macken Återbruk").registry_id
    assert macken_id != alias_id
    decide(engine, MACKEN, alias, Judgement.POSITIVE)
    night(engine, 2, [MACKEN, alias, RETUREN])
    with Session(engine) as session:
        redirect = session.exec(select(RegistryIdRedirect)).one()
        retired = session.get(Organisation, redirect.old_id)
    survivor = redirect.new_id
    assert {redirect.old_id, survivor} == {macken_id, alias_id}
    merged = [row for row in log(engine, 2) if row[1] == "merged"]
    assert [(change, old, new) for _, change, _, old, new in merged] == [("merged", redirect.old_id, survivor)]
    assert retired is not None and retired.merged_into == survivor and not retired.active

    decide(engine, MACKEN, alias, Judgement.NEGATIVE)
    night(engine, 3, [MACKEN, alias, RETUREN])
    changes = log(engine, 3)
    split = [row for row in changes if row[1] == "split"]
    assert len(split) == 1 and split[0][3] is None
    new_id = split[0][4]
    assert new_id not in (macken_id, alias_id)  # a retired ID is never handed out again
    with Session(engine) as session:
        added = session.exec(
            select(ChangeLogRow).where(ChangeLogRow.run_id == "night-3", ChangeLogRow.change == "added")
        ).one()
    assert added.registry_id == new_id and added.detail == f"split from {survivor}"


def decide(engine: Engine, left: SourceRecord, right: SourceRecord, judgement: Judgement) -> None:
    with transaction(engine) as session:
        append(
            session,
            [Decision(left.key, right.key, judgement, "person:analyst", datetime.now(UTC), explanation="review")],
        )


def test_activity_areas_are_published_with_their_cpv_divisions(engine: Engine) -> None:
    cafe = record("skoopi", "cafe", "Café Pärlan", municipality="Stockholm", activity="Café, lunch och catering")
    night(engine, 1, [cafe])
    org = organisation(engine, "Café Pärlan")
    assert "catering" in (org.activity_areas or "").split(",")
    assert "55" in (org.cpv_divisions or "").split(",")
    assert provenance(engine, "Café Pärlan")["activity_areas"].source == "derived"
