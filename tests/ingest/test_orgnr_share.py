"""valid_orgnr_share: every source states the share of valid organisationsnummer it is expected to carry."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest
from openpyxl import load_workbook

from assets.ingest import crawl_source
from assets.sources import CONNECTORS
from registry.ingest.source_health import assess, orgnr_share_verdict
from registry.settings import DEFAULT_CITY_LIST_DIR
from tests.pipeline_helpers import run_nightly
from tests.source_helpers import replay_ctx

LISTS_NO_NUMBERS = {"skoopi", "social_trade", "integrationspakten"}


def test_every_source_meets_its_expectation_on_the_recordings() -> None:
    expectations = {c.SPEC.name: c.SPEC.min_valid_orgnr_share for c in CONNECTORS}
    assert {name for name, share in expectations.items() if share is None} == LISTS_NO_NUMBERS
    assert all(share is None or share > 0 for share in expectations.values()), "a floor of 0 can never fail"
    for connector in CONNECTORS:
        batch = crawl_source(connector, replay_ctx())
        passed, text = orgnr_share_verdict(assess(batch.records, [], 0.5), connector.SPEC.min_valid_orgnr_share)
        assert passed, (connector.SPEC.name, text)
        if connector.SPEC.name in LISTS_NO_NUMBERS:
            assert text.startswith("this source lists no organisationsnummer: nothing to check (0 of ")


def test_the_city_list_without_its_numbers_fails_the_check_with_share_and_expectation(
    offline_env: None, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "city"
    shutil.copytree(DEFAULT_CITY_LIST_DIR, folder)
    # An officer's edit that loses the one valid number: the column renamed to something not recognised.
    workbook_path = folder / "stockholm_asf_tillagg.xlsx"
    workbook = load_workbook(workbook_path)
    workbook["ASF"]["B3"] = "Nummer hos Bolagsverket"
    workbook.save(workbook_path)
    monkeypatch.setenv("ASF_CITY_LIST_DIR", str(folder))
    monkeypatch.setenv("ASF_REGISTRY_DB_URL", sqlite_url)
    with dg.instance_for_test() as instance:
        result = run_nightly(instance)
    assert result.success, "the check warns: the night still publishes"
    evaluations = {
        e.asset_key.to_user_string(): e
        for e in result.get_asset_check_evaluations()
        if e.check_name == "valid_orgnr_share"
    }
    city = evaluations.pop("source_city_list")
    assert city.passed is False
    assert city.description is not None and city.description.startswith(
        "0 of 12 records (0%) carry a valid organisationsnummer, below the 5% expected: has the orgnr column been "
        "renamed or moved"
    )
    metadata = {k: v.value for k, v in city.metadata.items()}
    assert metadata == {"valid_orgnr_share": 0.0, "records_with_valid_orgnr": 0, "expected_at_least": 0.05}
    assert all(e.passed for e in evaluations.values())
    skoopi = evaluations["source_skoopi"]
    assert skoopi.metadata["expected_at_least"].value == "none: the source lists no organisationsnummer"
    assert evaluations["source_region_orebro"].description == (
        "1 of 3 records (33%) carry a valid organisationsnummer; at least 20% expected"
    )
