"""Schema migrations: the registry database is created and upgraded by Alembic, and matches the models."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlmodel import Session, SQLModel, select

from registry.store.db import create_schema, make_engine
from registry.store.migrate import BASELINE, current_revision, upgrade
from registry.store.models import Organisation

HEAD = "0003"
TABLES = {
    "organisations", "source_records", "judgements", "registry_id_redirects", "quarantine", "runs",
    "register_candidates", "alembic_version", "change_log", "field_provenance",
}  # fmt: skip


def test_migrations_create_the_schema_the_models_declare(registry_url: str) -> None:
    engine = make_engine(registry_url)
    create_schema(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES
    assert current_revision(engine) == HEAD
    with engine.connect() as connection:
        drift = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert drift == [], f"models and migrations disagree: {drift}"
    engine.dispose()


def test_a_database_made_before_migrations_is_adopted_with_its_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    legacy = create_engine(url)
    # A registry made before migrations existed: the baseline's tables, no alembic_version.
    upgrade(legacy, BASELINE)
    with legacy.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
        connection.execute(
            text(
                "INSERT INTO organisations (registry_id, name, sources, source_count, evidence, first_seen_at, "
                "last_seen_at, active) VALUES ('asf-aaaaaaaa', 'Macken', 'city_list', 1, 'current_list', "
                "'2026-11-01', '2026-11-01', 1)"
            )
        )
    legacy.dispose()
    engine = make_engine(url)
    create_schema(engine)
    assert current_revision(engine) == HEAD
    with Session(engine) as session:
        assert [o.name for o in session.exec(select(Organisation))] == ["Macken"]


def _open_registry(url: str) -> None:
    create_schema(make_engine(url))


def test_processes_opening_a_new_registry_at_once_do_not_trip_over_each_other(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_open_registry, args=(url,)) for _ in range(3)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    assert [p.exitcode for p in processes] == [0, 0, 0]
    assert current_revision(make_engine(url)) == HEAD


def test_a_registry_of_the_previous_schema_version_upgrades_in_place_keeping_its_data(registry_url: str) -> None:
    engine = make_engine(registry_url)
    upgrade(engine, "0001")
    listed_at = datetime(2026, 10, 1, tzinfo=UTC)
    gone_at = datetime(2026, 11, 1, tzinfo=UTC)
    with engine.begin() as connection:
        for registry_id, name, active, seen in (
            ("asf-aaaaaaaa", "Macken", True, listed_at),
            ("asf-bbbbbbbb", "Returen", False, gone_at),
        ):
            connection.execute(
                text(
                    "INSERT INTO organisations (registry_id, name, sources, source_count, evidence, first_seen_at, "
                    "last_seen_at, active) VALUES (:id, :name, 'skoopi', 1, 'current_list', :seen, :seen, :active)"
                ),
                {"id": registry_id, "name": name, "seen": seen, "active": active},
            )
        connection.execute(
            text(
                "INSERT INTO runs (run_id, published_at, organisations_active, records, quarantined, source_summary, "
                "failed_sources) VALUES ('run-1', :at, 1, 2, 0, '{}', '')"
            ),
            {"at": gone_at},
        )
    upgrade(engine)
    assert current_revision(engine) == HEAD
    with Session(engine) as session:
        organisations = {o.name: o for o in session.exec(select(Organisation))}
        assert organisations["Macken"].active and organisations["Macken"].listed
        assert not organisations["Returen"].active and not organisations["Returen"].listed
        assert organisations["Returen"].inactive_since is not None
        assert organisations["Macken"].unlisted_runs == 0
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT name, active FROM registry_v1_organisations ORDER BY name")).all()
        assert [(name, bool(active)) for name, active in rows] == [("Macken", True), ("Returen", False)]
        assert connection.execute(text("SELECT changes FROM registry_v1_runs")).scalar_one() == 0
    engine.dispose()
