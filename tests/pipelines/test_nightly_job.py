"""The nightly job end to end, in-process, on SQLite and on PostgreSQL, over the recorded sources."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg
import pytest
from sqlmodel import Session, select

from assets.sources import SOURCES as CONFIGURED
from registry.ingest.raw_archive import RawArchive
from registry.reference.personnummer import contains_personnummer
from registry.settings import DEFAULT_CITY_LIST_DIR, DEFAULT_RECORDINGS_DIR
from registry.store.engines import shared_engine
from registry.store.models import Organisation, QuarantineRow, RegisterCandidate, RunRow, SourceRecordRow
from tests.pipeline_helpers import registry_snapshot, run_nightly, table_names

SOURCES = ("city_list", "skoopi", "sofisam", "social_trade", "region_orebro", "integrationspakten")
WEB_SOURCES = SOURCES[1:]
EXPECTED_ORGANISATIONS = {
    "Basta Arbetskooperativ ek. för.": "city_list,skoopi,sofisam",
    "Exempel Cykelkooperativet Hisingen": "social_trade",
    "En trappa upp": "skoopi",
    "Exempel Cykelkooperativ Söder": "city_list",
    "Exempel Städkooperativ Väst ek. för.": "social_trade",
    "Exempelbageriet Surdegen ek. för.": "city_list",
    "Exempelcaféet Solrosen": "sofisam",
    "Exempelkooperativet Grön Gård ek. för.": "city_list",
    "Exempelkooperativet Gröna Händer ek. för.": "region_orebro,sofisam",
    "Hela Människan Stockholm": "city_list",
    "Hela Människan Södertälje": "city_list,skoopi",
    "KOOPUS": "skoopi",
    "Kalmar Hunddagis": "skoopi,sofisam",
    "Le Mat": "city_list",
    "Le Mat Göteborg": "social_trade",
    "Macken": "city_list,skoopi",
    "Miljövårdscentrum": "region_orebro",
    "Ragn-Sells": "integrationspakten",
    "Scania": "integrationspakten",
    "Snickeri Mimosa": "city_list,skoopi",
    "Steg för steg": "sofisam",
    "Stockholm Exergi": "integrationspakten",
    "Stockholmshem": "integrationspakten",
    "Vägen Ut Kooperativen ek. för.": "city_list,skoopi,social_trade,sofisam",
    "X-Cons Sverige": "city_list,integrationspakten,skoopi",
    "Yalla Trappan": "city_list,skoopi",
    "re:form": "region_orebro",
}


def _organisations(db_url: str) -> dict[str, Organisation]:
    with Session(shared_engine(db_url)) as session:
        return {o.name: o for o in session.exec(select(Organisation))}


def _checks(result: dg.ExecuteInProcessResult) -> dict[tuple[str, str], bool]:
    return {(e.asset_key.to_user_string(), e.check_name): e.passed for e in result.get_asset_check_evaluations()}


def _archive_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "archive"
    shutil.copytree(DEFAULT_RECORDINGS_DIR, copy)
    return copy


def test_nightly_job_ingests_every_source_and_publishes_the_registry(nightly_env: str) -> None:
    with dg.instance_for_test() as instance:
        result = run_nightly(instance)
    assert result.success
    assert {"organisations", "source_records", "quarantine", "registry_id_redirects", "runs"} <= table_names(
        nightly_env
    )
    organisations = _organisations(nightly_env)
    assert {name: o.sources for name, o in organisations.items()} == EXPECTED_ORGANISATIONS
    assert all(o.active and o.registry_id.startswith("asf-") for o in organisations.values())
    # Namesakes stay apart; records with the same orgnr join whatever their names.
    assert (
        organisations["Hela Människan Stockholm"].registry_id != organisations["Hela Människan Södertälje"].registry_id
    )
    assert organisations["Exempelkooperativet Gröna Händer ek. för."].orgnr == "769600-1234"
    # What an organisation's listing proves.
    assert organisations["Scania"].evidence == "weak_signal"
    assert organisations["X-Cons Sverige"].evidence == "current_list"
    assert organisations["Steg för steg"].evidence == "historical_list"
    # The company register adds the official identity; the kommun and län follow the registered address.
    grona = organisations["Exempelkooperativet Gröna Händer ek. för."]
    assert (grona.legal_form, grona.register_status, grona.register_match, grona.kommun_code, grona.lan_code) == (
        "EK",
        "active",
        "orgnr",
        "1880",
        "18",
    )
    bageri = organisations["Exempelbageriet Surdegen ek. för."]
    assert (bageri.orgnr, bageri.register_status, bageri.register_match) == ("769622-2228", "active", "name")
    assert organisations["Macken"].register_match is None and organisations["Macken"].kommun_name == "Växjö"
    with Session(shared_engine(nightly_env)) as session:
        leads = {c.orgnr: c.reason for c in session.exec(select(RegisterCandidate))}
    assert leads == {"769655-5551": "description: 'arbetsintegrer'", "559066-6664": "name says (svb)"}
    # The city's own list is the most trusted source for display values; Skoopi fills its gaps.
    assert organisations["Kalmar Hunddagis"].municipality == "Kalmar"
    assert organisations["Yalla Trappan"].website == "https://yallatrappan.se"

    with Session(shared_engine(nightly_env)) as session:
        records = session.exec(select(SourceRecordRow)).all()
        quarantine = session.exec(select(QuarantineRow)).all()
        runs = session.exec(select(RunRow)).all()
    assert {s: sum(r.source == s for r in records) for s in SOURCES} == {
        "city_list": 12,
        "skoopi": 10,
        "sofisam": 6,
        "social_trade": 4,
        "region_orebro": 3,
        "integrationspakten": 5,
    }
    invalid = [r for r in records if r.orgnr_status == "invalid"]
    assert [(r.name, r.orgnr_as_written, r.orgnr) for r in invalid] == [
        ("Exempelkooperativet Grön Gård ek. för.", "769600-1235", None)
    ]
    assert sorted(q.reason for q in quarantine) == [
        "missing name",
        "organisationsnummer is a personnummer (sole trader): personal data is not kept",
    ]
    assert len(runs) == 1 and runs[0].organisations_active == len(EXPECTED_ORGANISATIONS)
    assert json.loads(runs[0].source_summary)["skoopi"] == {"ok": True, "records": 10, "quarantined": 0, "error": None}
    for row in [*records, *organisations.values(), *quarantine]:
        dumped = " ".join(str(v) for v in row.model_dump().values())
        assert not contains_personnummer(dumped)
        assert "Tolvan" not in dumped and "Exempelsson" not in dumped


def test_every_check_passes_on_a_good_night(nightly_env: str) -> None:
    with dg.instance_for_test() as instance:
        result = run_nightly(instance)
    expected = {
        (f"source_{s}", check): True
        for s in SOURCES
        for check in (
            "source_fetched", "record_count_stable", "valid_orgnr_share", "parse_warnings", "entry_count_expected"
        )
    }
    expected[("enriched_organisations", "publish_gate")] = True
    expected[("registry_organisations", "registry_not_empty")] = True
    expected[("registry_organisations", "no_personnummer_published")] = True
    assert _checks(result) == expected
    # Parts of a page that are not entries are parse warnings with their reasons, expected: the check passes.
    (orebro,) = (
        e
        for e in result.get_asset_check_evaluations()
        if e.asset_key.to_user_string() == "source_region_orebro" and e.check_name == "parse_warnings"
    )
    assert orebro.metadata["warnings"].value == orebro.metadata["expected"].value == 4
    assert "'Råd och stöd': names a part of the page, not an organisation" in (orebro.description or "")


def test_running_twice_gives_the_same_registry(nightly_env: str) -> None:
    with dg.instance_for_test() as instance:
        assert run_nightly(instance).success
        first = registry_snapshot(nightly_env)
        second_run = run_nightly(instance)
        assert second_run.success
        second = registry_snapshot(nightly_env)
    assert first == second
    metadata = second_run.asset_materializations_for_node("source_skoopi")[0].metadata
    assert metadata["new_since_last_run"].value == 0 and metadata["gone_since_last_run"].value == 0
    with Session(shared_engine(nightly_env)) as session:
        assert len(session.exec(select(RunRow)).all()) == 2


def test_sources_that_are_down_keep_their_last_good_records(
    nightly_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with dg.instance_for_test() as instance:
        assert run_nightly(instance).success
        before = _organisations(nightly_env)
        # The next night no web source answers: every URL is missing from the archive.
        archive = _archive_copy(tmp_path)
        (archive / "index.jsonl").write_text("")
        monkeypatch.setenv("ASF_RAW_ARCHIVE_DIR", str(archive))
        result = run_nightly(instance)
    assert result.success, "sources failing must not fail the run"
    checks = _checks(result)
    assert all(checks[(f"source_{s}", "source_fetched")] is False for s in WEB_SOURCES)
    assert checks[("source_city_list", "source_fetched")] is True
    after = _organisations(nightly_env)
    assert {n: (o.registry_id, o.active) for n, o in after.items()} == {
        n: (o.registry_id, o.active) for n, o in before.items()
    }
    with Session(shared_engine(nightly_env)) as session:
        skoopi = session.exec(select(SourceRecordRow).where(SourceRecordRow.source == "skoopi")).all()
        last_run = session.exec(select(RunRow).order_by(RunRow.published_at.desc())).first()  # type: ignore[attr-defined]
    assert len(skoopi) == 10 and all(r.listed for r in skoopi)
    assert last_run is not None and last_run.failed_sources == ",".join(sorted(WEB_SOURCES))


def test_a_page_with_changed_markup_fails_its_check_and_loses_nothing(
    nightly_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with dg.instance_for_test() as instance:
        assert run_nightly(instance).success
        before = _organisations(nightly_env)
        archive = _archive_copy(tmp_path)
        RawArchive(archive).store(
            CONFIGURED["region_orebro"].SPEC.url or "",
            200,
            {"Content-Type": "text/html; charset=utf-8"},
            "<html><main><div class='cards'><span>re:form</span><span>Miljövårdscentrum</span></div></main>".encode(),
        )
        monkeypatch.setenv("ASF_RAW_ARCHIVE_DIR", str(archive))
        result = run_nightly(instance)
    assert result.success
    assert _checks(result)[("source_region_orebro", "source_fetched")] is False
    after = _organisations(nightly_env)
    for name in ("re:form", "Miljövårdscentrum", "Exempelkooperativet Gröna Händer ek. för."):
        assert after[name].active and after[name].registry_id == before[name].registry_id


def test_a_collapsed_source_blocks_publishing_and_the_registry_stays(
    nightly_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    city = tmp_path / "city"
    shutil.copytree(DEFAULT_CITY_LIST_DIR, city)
    monkeypatch.setenv("ASF_CITY_LIST_DIR", str(city))
    with dg.instance_for_test() as instance:
        assert run_nightly(instance).success
        before = registry_snapshot(nightly_env)
        # Someone saved the city's list with only its first row: 2 records where 12 were published.
        (city / "stockholm_asf_tillagg.xlsx").unlink()
        lines = (city / "stockholm_asf_exempel.csv").read_text().splitlines()
        (city / "stockholm_asf_exempel.csv").write_text("\n".join(lines[:3]) + "\n")
        result = run_nightly(instance)
    assert not result.success
    checks = _checks(result)
    assert checks[("source_city_list", "record_count_stable")] is False
    assert ("registry_organisations", "registry_not_empty") not in checks  # publishing never ran
    assert registry_snapshot(nightly_env) == before
    with Session(shared_engine(nightly_env)) as session:
        assert len(session.exec(select(RunRow)).all()) == 1


def test_an_organisation_no_longer_listed_becomes_inactive_after_the_configured_runs_not_deleted(
    nightly_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    city_dir = tmp_path / "city"
    city_dir.mkdir()
    (city_dir / "lista.csv").write_text(
        "Id;Namn;Kommun\n1;Exempelkooperativet Unik;Solna\n2;Basta Arbetskooperativ;Nykvarn\n"
    )
    monkeypatch.setenv("ASF_CITY_LIST_DIR", str(city_dir))
    monkeypatch.setenv("ASF_INACTIVE_AFTER_RUNS", "2")
    with dg.instance_for_test() as instance:
        assert run_nightly(instance).success
        unique = _organisations(nightly_env)["Exempelkooperativet Unik"]
        (city_dir / "lista.csv").write_text("Id;Namn;Kommun\n2;Basta Arbetskooperativ;Nykvarn\n")
        assert run_nightly(instance).success
        unlisted = _organisations(nightly_env)["Exempelkooperativet Unik"]
        assert (unlisted.listed, unlisted.active) == (False, True)
        assert run_nightly(instance).success
    after = _organisations(nightly_env)["Exempelkooperativet Unik"]
    assert after.registry_id == unique.registry_id
    assert (after.listed, after.active) == (False, False)
    assert _organisations(nightly_env)["Basta Arbetskooperativ"].active is True
