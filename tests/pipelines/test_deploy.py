"""deploy/dagster.yaml, exercised: an instance whose storage is the local PostgreSQL server runs the nightly job
and keeps its runs and events there; the run queue and pools are configured as documented."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
import yaml
from dagster._core.run_coordinator import QueuedRunCoordinator
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from registry.settings import PROJECT_ROOT
from registry.store.engines import dispose_engines
from tests.conftest import fresh_postgres_database
from tests.pipeline_helpers import run_nightly

DEPLOY = PROJECT_ROOT / "deploy"


@pytest.fixture
def dagster_storage_db(postgres_url: str) -> Iterator[str]:
    """A second fresh database, for Dagster's own storage (its tables are not the registry's)."""
    with fresh_postgres_database("asf_dagster") as url:
        yield url


@pytest.fixture
def production_home(
    dagster_storage_db: str, offline_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Path:
    """DAGSTER_HOME holding deploy/dagster.yaml as it is, its variables pointing at the test database."""
    home = tmp_path / "production_home"
    home.mkdir()
    shutil.copy(DEPLOY / "dagster.yaml", home / "dagster.yaml")
    url = make_url(dagster_storage_db)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("DAGSTER_PG_HOST", url.host or "127.0.0.1")
    monkeypatch.setenv("DAGSTER_PG_PORT", str(url.port or 5432))
    monkeypatch.setenv("DAGSTER_PG_DB", url.database or "")
    monkeypatch.setenv("DAGSTER_PG_USERNAME", url.username or "postgres")
    monkeypatch.setenv("DAGSTER_PG_PASSWORD", url.password or "unused-with-trust-auth")
    return home


def test_the_deploy_config_uses_environment_variables_for_every_secret() -> None:
    config = yaml.safe_load((DEPLOY / "dagster.yaml").read_text())
    database = config["storage"]["postgres"]["postgres_db"]
    secrets = {k: v for k, v in database.items() if k != "scheme"}
    assert all(set(value) == {"env"} for value in secrets.values()), "no literal host, user or password"
    assert config["telemetry"] == {"enabled": False}
    example = (DEPLOY / "asf-registry.env.example").read_text()
    for value in secrets.values():
        assert f"{value['env']}=" in example


def test_the_nightly_job_runs_on_an_instance_stored_in_postgresql(
    production_home: Path, postgres_url: str, dagster_storage_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASF_REGISTRY_DB_URL", postgres_url)
    with dg.DagsterInstance.get() as instance:
        assert isinstance(instance.run_storage, PostgresRunStorage)
        assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
        assert isinstance(instance.run_coordinator, QueuedRunCoordinator)
        assert not instance.telemetry_enabled
        concurrency = instance.get_concurrency_config()
        assert concurrency.pool_config.default_pool_limit == 1
        assert concurrency.run_queue_config is not None
        assert concurrency.run_queue_config.max_concurrent_runs == 4
        assert concurrency.run_queue_config.tag_concurrency_limits == [
            {"key": "asf_registry/writes", "value": {"applyLimitPerUniqueValue": True}, "limit": 1}
        ]
        result = run_nightly(instance)
        assert result.success
        assert instance.get_run_by_id(result.run_id).status == dg.DagsterRunStatus.SUCCESS
        materialized = instance.get_latest_materialization_event(dg.AssetKey("registry_organisations"))
        assert materialized is not None and materialized.run_id == result.run_id
    dispose_engines()
    # Straight from Dagster's database: the run and its events are there.
    storage = create_engine(dagster_storage_db)
    with storage.connect() as connection:
        status = connection.execute(
            text("SELECT status FROM runs WHERE run_id = :run_id"), {"run_id": result.run_id}
        ).scalar_one()
        events = connection.execute(
            text("SELECT COUNT(*) FROM event_logs WHERE run_id = :run_id"), {"run_id": result.run_id}
        ).scalar_one()
    storage.dispose()
    assert status == "SUCCESS" and events > 50
    # And the registry, in its own database, was published.
    registry = create_engine(postgres_url)
    with registry.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM organisations WHERE active")).scalar_one() == 27
    registry.dispose()
