"""A night that builds the register snapshot records it as company_register_snapshot's materialization; a night
that reuses it records nothing, so the UI's history of the snapshot is that of its builds."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from pipelines.cli import register_notes
from pipelines.definitions import NIGHTLY_JOB_NAME, defs
from registry.settings import DEFAULT_REGISTER_BULK_FILE
from registry.tools.labels import Labels
from tests.pipeline_helpers import run_nightly

SNAPSHOT = dg.AssetKey("company_register_snapshot")


@pytest.fixture
def night_env(offline_env: None, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An offline night on SQLite (the register's events do not depend on the database); the snapshot's path."""
    monkeypatch.setenv("ASF_REGISTRY_DB_URL", sqlite_url)
    return Path(sqlite_url.removeprefix("sqlite:///")).parent / "register" / "snapshot"


def _builds(instance: dg.DagsterInstance) -> list[dg.EventLogRecord]:
    return list(instance.fetch_materializations(SNAPSHOT, limit=100).records)


def _enriched(result: dg.ExecuteInProcessResult) -> dict[str, object]:
    """enriched_organisations' own metadata (its step also logs the snapshot's materialization, when it built)."""
    (own,) = [
        m
        for m in result.asset_materializations_for_node("enriched_organisations")
        if m.asset_key == dg.AssetKey("enriched_organisations")
    ]
    return {k: v.value for k, v in own.metadata.items()}


def test_a_night_that_builds_the_snapshot_records_its_materialization(night_env: Path) -> None:
    with dg.instance_for_test() as instance:
        first = run_nightly(instance)
        assert first.success
        event = instance.get_latest_materialization_event(SNAPSHOT)
        assert event is not None and event.run_id == first.run_id
        # Recorded by the step that opened the register first and built it.
        assert event.step_key == "enriched_organisations"
        materialization = event.asset_materialization
        assert materialization is not None
        metadata = {k: v.value for k, v in materialization.metadata.items()}
        assert metadata["built_tonight"] is True
        assert metadata["built_by"] == NIGHTLY_JOB_NAME
        assert metadata["snapshot"] == str(night_env)
        assert metadata["organisations"] == metadata["dagster/row_count"] and metadata["organisations"] > 0
        assert metadata["bulk_file"] == DEFAULT_REGISTER_BULK_FILE.name
        assert metadata["source"] == str(DEFAULT_REGISTER_BULK_FILE)
        assert metadata["why_built"] == f"no snapshot at {night_env}"
        assert isinstance(metadata["built_at"], str) and metadata["built_at"].startswith("20")
        assert len(_builds(instance)) == 1
        assert _enriched(first)["register_snapshot_built_tonight"] is True

        # The next night reuses the snapshot: it is used, but not built again, so nothing new is recorded.
        second = run_nightly(instance)
        assert second.success
        assert [r.event_log_entry.run_id for r in _builds(instance)] == [first.run_id]
        enriched = _enriched(second)
        assert enriched["register_snapshot_built_tonight"] is False and enriched["register_used"] is True


def test_a_night_that_finds_an_unreadable_snapshot_records_the_rebuild(night_env: Path) -> None:
    # What an earlier release left at the path (a file, not the link to a snapshot folder): the night replaces it.
    night_env.parent.mkdir(parents=True)
    night_env.write_bytes(b"SQLite format 3\x00")
    with dg.instance_for_test() as instance:
        result = run_nightly(instance)
        assert result.success
        event = instance.get_latest_materialization_event(SNAPSHOT)
    assert event is not None and event.run_id == result.run_id
    assert event.asset_materialization is not None
    why = event.asset_materialization.metadata["why_built"].value
    assert isinstance(why, str) and "cannot be read" in why


def test_a_night_that_cannot_build_records_no_materialization(
    night_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The night goes without register data and says why; there is no snapshot to record.
    monkeypatch.setenv("ASF_REGISTER_BULK_FILE", str(tmp_path / "missing.zip"))
    with dg.instance_for_test() as instance:
        run_nightly(instance)
        assert instance.get_latest_materialization_event(SNAPSHOT) is None
    assert not night_env.exists()


def test_the_run_summary_says_a_missing_sni_source_once_on_a_night_that_built_the_snapshot(
    night_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The build's materialization is recorded by enriched_organisations' step, whose metadata the summary reads.
    monkeypatch.setenv("ASF_SCB_BULK_FILE", "none")
    with dg.instance_for_test() as instance:
        result = run_nightly(instance)
        assert result.success and instance.get_latest_materialization_event(SNAPSHOT) is not None
    # Stored in English, said in Swedish by default.
    assert register_notes(result) == ["Bolagsregistret: inga SNI-koder: registerkopian byggdes utan SCB:s fil"]
    assert register_notes(result, Labels("en")) == [
        "Company register: no SNI codes: the snapshot was built without SCB's file"
    ]


def test_the_report_materialized_alone_records_the_build_it_made(night_env: Path) -> None:
    with dg.instance_for_test() as instance:
        assert run_nightly(instance).success
        # The snapshot is gone (moved away by hand, say) and only the report is materialized from the UI.
        night_env.unlink()
        job = defs.resolve_job_def(NIGHTLY_JOB_NAME)
        result = job.execute_in_process(instance=instance, asset_selection=[dg.AssetKey("registry_report")])
        assert result.success
        event = instance.get_latest_materialization_event(SNAPSHOT)
    assert event is not None and event.run_id == result.run_id and event.step_key == "registry_report"
