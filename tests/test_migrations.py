"""Schema migrations: the registry database is created and upgraded by Alembic, and matches the models."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import Session, SQLModel, select

from registry.db import create_schema, make_engine
from registry.migrate import current_revision
from registry.models import Organisation

TABLES = {
    "organisations", "source_records", "judgements", "registry_id_redirects", "quarantine", "runs",
    "register_candidates", "alembic_version",
}  # fmt: skip


def test_migrations_create_the_schema_the_models_declare(registry_url: str) -> None:
    engine = make_engine(registry_url)
    create_schema(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES
    assert current_revision(engine) == "0001"
    with engine.connect() as connection:
        drift = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert drift == [], f"models and migrations disagree: {drift}"
    engine.dispose()


def test_a_database_made_before_migrations_is_adopted_with_its_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    legacy = create_engine(url)
    SQLModel.metadata.create_all(legacy)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    with Session(legacy) as session:
        session.add(
            Organisation(registry_id="asf-aaaaaaaa", name="Macken", sources="city_list", source_count=1,
                         evidence="current_list", first_seen_at=now, last_seen_at=now)
        )  # fmt: skip
        session.commit()
    legacy.dispose()
    engine = make_engine(url)
    create_schema(engine)
    assert current_revision(engine) == "0001"
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
    assert current_revision(make_engine(url)) == "0001"
