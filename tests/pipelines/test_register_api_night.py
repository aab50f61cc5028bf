"""The nightly job with Bolagsverket's API credentials set: a bankruptcy or deregistration this week reaches
the registry and its change log before Sunday's bulk file; without credentials the API is never called."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import text

from registry.store.engines import shared_engine
from tests.pipeline_helpers import run_nightly
from tests.register.fake_bolagsverket import TOKEN_PATH, FakeBolagsverket, running_fake


@pytest.fixture
def fake() -> Iterator[FakeBolagsverket]:
    with running_fake() as server:
        yield server


@pytest.fixture
def registry(offline_env: None, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ASF_REGISTRY_DB_URL", sqlite_url)
    return sqlite_url


def _with_credentials(monkeypatch: pytest.MonkeyPatch, fake: FakeBolagsverket) -> None:
    monkeypatch.setenv("ASF_BOLAGSVERKET_CLIENT_ID", "registry-client")
    monkeypatch.setenv("ASF_BOLAGSVERKET_CLIENT_SECRET", "not-a-real-secret")
    monkeypatch.setenv("ASF_BOLAGSVERKET_TOKEN_URL", fake.token_url)
    monkeypatch.setenv("ASF_BOLAGSVERKET_API_URL", fake.url)


def _api_note(result: dg.ExecuteInProcessResult) -> str:
    # The step also records the register snapshot's materialization on a night that built it.
    (own,) = [
        m
        for m in result.asset_materializations_for_node("enriched_organisations")
        if m.asset_key == dg.AssetKey("enriched_organisations")
    ]
    return str(own.metadata["bolagsverket_api"].value)


def _status_changes(db_url: str, run_id: str) -> list[tuple[str, str, str, str]]:
    with shared_engine(db_url).connect() as connection:
        rows = connection.execute(
            text(
                "SELECT o.name, c.change, c.old_value, c.new_value FROM registry_v1_change_log c "
                "JOIN registry_v1_organisations o ON o.registry_id = c.registry_id "
                "WHERE c.run_id = :run AND c.field = 'register_status' ORDER BY o.name"
            ),
            {"run": run_id},
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def test_a_bankruptcy_this_week_is_published_the_next_night(
    registry: str, fake: FakeBolagsverket, monkeypatch: pytest.MonkeyPatch
) -> None:
    with dg.instance_for_test() as instance:
        first = run_nightly(instance)
        assert first.success
        assert fake.seen == [] and _api_note(first).startswith("not used")

        _with_credentials(monkeypatch, fake)
        second = run_nightly(instance)
    assert second.success
    assert _status_changes(registry, second.run_id) == [
        ("Exempel Städkooperativ Väst ek. för.", "deregistered", "active", "deregistered"),
        # An ongoing bankruptcy: still registered, so not called a deregistration.
        ("Exempelbageriet Surdegen ek. för.", "status_changed", "active", "bankruptcy"),
    ]
    # Only the organisations matched to the register were asked about; the secret went to the token endpoint only.
    assert sorted(fake.lookups) == ["7696001234", "7696111116", "7696222228", "7696444442"]
    assert all(auth.startswith("Bearer ") for path, auth, _body in fake.seen if path != TOKEN_PATH)
    assert "2 changed" in _api_note(second)


def test_an_api_that_is_down_never_holds_up_the_night(
    registry: str, fake: FakeBolagsverket, monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_credentials(monkeypatch, fake)
    fake.fail_with = 500
    with dg.instance_for_test() as instance:
        result = run_nightly(instance)
    assert result.success
    assert "the API did not answer" in _api_note(result)
    with shared_engine(registry).connect() as connection:
        statuses = connection.execute(
            text("SELECT register_status FROM registry_v1_organisations WHERE orgnr IS NOT NULL")
        ).scalars()
        assert set(statuses) == {"active"}  # the snapshot's values, published as on any night


def test_an_api_answer_that_cannot_be_read_never_fails_the_night(
    registry: str, fake: FakeBolagsverket, monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_credentials(monkeypatch, fake)
    fake.raw_body = b'{"organisationer": ["7696222228", 5]}'  # items that are not organisations
    with dg.instance_for_test() as instance:
        result = run_nightly(instance)
    assert result.success
    assert "4 answered with data that could not be read" in _api_note(result)
    assert _status_changes(registry, result.run_id) == []  # the snapshot's values, as on any night


def test_a_refresh_that_breaks_lets_the_night_continue_on_the_weekly_file(
    registry: str, fake: FakeBolagsverket, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _with_credentials(monkeypatch, fake)
    # The answers' cache beside the snapshot is not a database (a disk that filled up, a copy cut short).
    cache = tmp_path / "register" / "api_cache.sqlite"
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(b"not a database" * 100)
    with dg.instance_for_test() as instance:
        result = run_nightly(instance)
    assert result.success
    assert _api_note(result).startswith("not used tonight: the refresh failed (DatabaseError: ")
    assert fake.lookups == []
    with shared_engine(registry).connect() as connection:
        statuses = connection.execute(
            text("SELECT register_status FROM registry_v1_organisations WHERE orgnr IS NOT NULL")
        ).scalars()
        assert set(statuses) == {"active"}
