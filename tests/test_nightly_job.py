"""The nightly job end to end, in-process, on SQLite and on PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest
from sqlmodel import Session, select

from pipelines.resources import _engine
from registry.models import Organisation, QuarantineRow, RunRow, SourceRecordRow
from registry.orgnr import contains_personnummer
from registry.settings import DEFAULT_RECORDINGS_DIR
from tests.pipeline_helpers import registry_snapshot, run_nightly, table_names

EXPECTED_ORGANISATIONS = {
    "Basta Arbetskooperativ ek. för.",
    "En trappa upp",
    "Exempelkooperativet Grön Gård ek. för.",
    "Hela Människan Stockholm",
    "Hela Människan Södertälje",
    "KOOPUS",
    "Kalmar Hunddagis",
    "Le Mat",
    "Macken",
    "Snickeri Mimosa",
    "Vägen Ut Kooperativen ek. för.",
    "X-Cons Sverige",
    "Yalla Trappan",
}


@pytest.fixture
def nightly_env(offline_env: None, registry_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ASF_REGISTRY_DB_URL", registry_url)
    return registry_url


def _organisations(db_url: str) -> dict[str, Organisation]:
    with Session(_engine(db_url)) as session:
        return {o.name: o for o in session.exec(select(Organisation))}


def test_nightly_job_publishes_the_registry(nightly_env: str) -> None:
    with dg.instance_for_test() as instance:
        result = run_nightly(instance)
    assert result.success
    assert {"organisations", "source_records", "quarantine", "registry_id_redirects", "runs"} <= table_names(
        nightly_env
    )
    organisations = _organisations(nightly_env)
    assert set(organisations) == EXPECTED_ORGANISATIONS
    assert all(o.active and o.registry_id.startswith("asf-") for o in organisations.values())
    # The same enterprise in the city's list and on Skoopi is one organisation; namesakes are not.
    vagen_ut = organisations["Vägen Ut Kooperativen ek. för."]
    assert vagen_ut.sources == "city_list,skoopi"
    assert (
        organisations["Hela Människan Stockholm"].registry_id != organisations["Hela Människan Södertälje"].registry_id
    )
    # The city's own list is the most trusted source for display values; Skoopi fills its gaps.
    assert organisations["Kalmar Hunddagis"].municipality == "Kalmar"

    with Session(_engine(nightly_env)) as session:
        records = session.exec(select(SourceRecordRow)).all()
        quarantine = session.exec(select(QuarantineRow)).all()
        runs = session.exec(select(RunRow)).all()
    invalid = [r for r in records if r.orgnr_status == "invalid"]
    assert [(r.name, r.orgnr_as_written, r.orgnr) for r in invalid] == [
        ("Exempelkooperativet Grön Gård ek. för.", "769600-1235", None)
    ]
    assert sorted(q.reason for q in quarantine) == [
        "missing name",
        "organisationsnummer is a personnummer (sole trader): personal data is not kept",
    ]
    assert len(runs) == 1 and runs[0].organisations_active == len(EXPECTED_ORGANISATIONS)
    for row in [*records, *organisations.values(), *quarantine]:
        dumped = " ".join(str(v) for v in row.model_dump().values())
        assert not contains_personnummer(dumped)
        assert "Tolvan" not in dumped and "Exempelsson" not in dumped


def test_asset_checks_pass_on_a_good_night(nightly_env: str) -> None:
    with dg.instance_for_test() as instance:
        result = run_nightly(instance)
    evaluations = {(e.asset_key.to_user_string(), e.check_name): e.passed for e in result.get_asset_check_evaluations()}
    assert evaluations == {
        ("source_city_list", "source_fetched"): True,
        ("source_skoopi", "source_fetched"): True,
        ("registry_organisations", "registry_not_empty"): True,
        ("registry_organisations", "no_personnummer_published"): True,
    }


def test_running_twice_gives_the_same_registry(nightly_env: str) -> None:
    with dg.instance_for_test() as instance:
        assert run_nightly(instance).success
        first = registry_snapshot(nightly_env)
        assert run_nightly(instance).success
        second = registry_snapshot(nightly_env)
    assert first == second
    with Session(_engine(nightly_env)) as session:
        assert len(session.exec(select(RunRow)).all()) == 2


def test_a_failed_source_keeps_its_last_good_records(
    nightly_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with dg.instance_for_test() as instance:
        assert run_nightly(instance).success
        before = _organisations(nightly_env)
        # The next night Skoopi's recording is gone: the source is "down".
        empty_archive = tmp_path / "empty_archive"
        shutil.copytree(DEFAULT_RECORDINGS_DIR, empty_archive)
        (empty_archive / "index.jsonl").write_text("")
        monkeypatch.setenv("ASF_RAW_ARCHIVE_DIR", str(empty_archive))
        result = run_nightly(instance)
    assert result.success, "one source failing must not fail the run"
    checks = {(e.asset_key.to_user_string(), e.check_name): e.passed for e in result.get_asset_check_evaluations()}
    assert checks[("source_skoopi", "source_fetched")] is False
    assert checks[("source_city_list", "source_fetched")] is True
    after = _organisations(nightly_env)
    assert {n: (o.registry_id, o.active) for n, o in after.items()} == {
        n: (o.registry_id, o.active) for n, o in before.items()
    }
    with Session(_engine(nightly_env)) as session:
        skoopi = session.exec(select(SourceRecordRow).where(SourceRecordRow.source == "skoopi")).all()
        last_run = session.exec(select(RunRow).order_by(RunRow.published_at.desc())).first()  # type: ignore[attr-defined]
    assert len(skoopi) == 10 and all(r.listed for r in skoopi)
    assert last_run is not None and last_run.failed_sources == "skoopi"


def test_an_organisation_no_longer_listed_becomes_inactive_not_deleted(
    nightly_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    city_dir = tmp_path / "city"
    city_dir.mkdir()
    (city_dir / "lista.csv").write_text("Id;Namn;Kommun\n1;Le Mat;Göteborg\n2;Basta Arbetskooperativ;Nykvarn\n")
    monkeypatch.setenv("ASF_CITY_LIST_DIR", str(city_dir))
    with dg.instance_for_test() as instance:
        assert run_nightly(instance).success
        le_mat = _organisations(nightly_env)["Le Mat"]
        (city_dir / "lista.csv").write_text("Id;Namn;Kommun\n2;Basta Arbetskooperativ;Nykvarn\n")
        assert run_nightly(instance).success
    after = _organisations(nightly_env)["Le Mat"]
    assert after.registry_id == le_mat.registry_id
    assert after.active is False
    assert _organisations(nightly_env)["Basta Arbetskooperativ"].active is True
