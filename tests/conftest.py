from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from registry.register.register_snapshot import RegisterSnapshot, build_snapshot
from registry.settings import DEFAULT_REGISTER_BULK_FILE
from registry.store import engines

POSTGRES_ENV = "ASF_TEST_POSTGRES_URL"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'registry.db'}"


@contextmanager
def fresh_postgres_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the test server, dropped afterwards whatever happened."""
    server_url = os.environ.get(POSTGRES_ENV)
    if not server_url:
        if os.environ.get("CI"):
            pytest.fail(f"{POSTGRES_ENV} must be set in CI: the registry is tested on PostgreSQL there")
        pytest.skip(f"{POSTGRES_ENV} is not set: PostgreSQL tests need a server (CI sets it)")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        engines.dispose_engines()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test."""
    with fresh_postgres_database("asf_test") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def registry_url(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def offline_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every run in a test replays the committed recordings and never touches the network."""
    monkeypatch.setenv("ASF_HTTP_MODE", "replay")
    monkeypatch.delenv("ASF_RAW_ARCHIVE_DIR", raising=False)
    monkeypatch.delenv("ASF_CITY_LIST_DIR", raising=False)
    monkeypatch.delenv("ASF_REGISTER_BULK_FILE", raising=False)
    for name in (
        "ASF_BOLAGSVERKET_CLIENT_ID",
        "ASF_BOLAGSVERKET_CLIENT_SECRET",
        "ASF_BOLAGSVERKET_API_URL",
        "ASF_BOLAGSVERKET_TOKEN_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ASF_REGISTER_SNAPSHOT", str(tmp_path / "register" / "snapshot"))
    monkeypatch.setenv("ASF_REPORT_DIR", str(tmp_path / "reports"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    (tmp_path / "dagster_home").mkdir()


@pytest.fixture
def nightly_env(offline_env: None, registry_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """An offline nightly run publishing to a fresh registry (SQLite, then PostgreSQL)."""
    monkeypatch.setenv("ASF_REGISTRY_DB_URL", registry_url)
    return registry_url


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegisterSnapshot]:
    """A register snapshot built from the bundled sample bulk file, shared by a module's tests."""
    path = tmp_path_factory.mktemp("register") / "snapshot"
    build_snapshot(DEFAULT_REGISTER_BULK_FILE, path)
    with RegisterSnapshot(path) as opened:
        yield opened
