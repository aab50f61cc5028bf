"""asf-registry doctor: a healthy setup passes; each kind of problem is found and says how to fix it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from registry.settings import PROJECT_ROOT
from registry.store.db import create_schema, make_engine
from registry.store.migrate import known_revisions
from registry.tools.doctor import GIB, DoctorOptions, Finding, Status, run_checks
from tests.doctor_helpers import ROOMY, closed_port, healthy_env
from tests.ingest.test_http_client import MARGIN, Reply, _Server


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return healthy_env(tmp_path)


def _by_check(findings: list[Finding]) -> dict[str, Finding]:
    return {f.check: f for f in findings}


def _failures(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.status is Status.FAIL]


def test_a_healthy_installation_has_no_failures(env: dict[str, str]) -> None:
    findings = run_checks({}, env, ROOMY)
    assert _failures(findings) == []
    checks = _by_check(findings)
    assert checks["database"].status is Status.OK
    assert checks["schema"].message == f"schema version {known_revisions()[1]} (current)"
    assert checks["alerts"].status is Status.OK
    assert checks["register snapshot"].status is Status.WARN  # built by the first run: a warning, not a failure


def test_a_healthy_postgresql_registry(env: dict[str, str], postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    create_schema(engine)
    engine.dispose()
    checks = _by_check(run_checks({}, {**env, "ASF_REGISTRY_DB_URL": postgres_url}, ROOMY))
    assert checks["database"].status is Status.OK and "is reachable" in checks["database"].message
    assert checks["schema"].status is Status.OK


def test_an_unreachable_database_fails_with_what_to_check(env: dict[str, str]) -> None:
    url = f"postgresql+psycopg://asf:s3cret@127.0.0.1:{closed_port()}/registry"
    [failure] = _failures(run_checks({}, {**env, "ASF_REGISTRY_DB_URL": url}, ROOMY))
    assert failure.check == "database" and "postgresql+psycopg://asf:***@127.0.0.1" in failure.message
    assert "refused the connection" in failure.message
    assert "s3cret" not in failure.message and "ASF_REGISTRY_DB_URL" in failure.fix


def test_a_schema_version_this_release_does_not_know_fails(env: dict[str, str], tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "registry.db") as db:
        db.execute("UPDATE alembic_version SET version_num = 'f00dcafe'")
    [failure] = _failures(run_checks({}, env, ROOMY))
    assert failure.check == "schema" and "'f00dcafe' is unknown to this release" in failure.message
    assert "newer asf-registry" in failure.fix


def test_tables_from_before_migrations_are_a_warning(env: dict[str, str], tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "registry.db") as db:
        db.execute("DROP TABLE alembic_version")
    findings = run_checks({}, env, ROOMY)
    assert _failures(findings) == []
    schema = _by_check(findings)["schema"]
    assert schema.status is Status.WARN and "adopts them" in schema.fix


def test_a_missing_bulk_file_and_city_list_fail(env: dict[str, str], tmp_path: Path) -> None:
    env |= {"ASF_REGISTER_BULK_FILE": str(tmp_path / "nowhere.zip"), "ASF_CITY_LIST_DIR": str(tmp_path)}
    failures = _by_check(_failures(run_checks({}, env, ROOMY)))
    assert set(failures) == {"register bulk file", "city list"}
    assert "nowhere.zip is missing" in failures["register bulk file"].message
    assert "holds no .csv or .xlsx" in failures["city list"].message


def test_low_disk_space_fails(env: dict[str, str]) -> None:
    tight = DoctorOptions(disk_usage=lambda _path: 1 * GIB, min_free_register_bytes=5 * GIB)
    [failure] = _failures(run_checks({}, env, tight))
    assert (
        failure.check == "disk: register"
        and "1.0 GiB free" in failure.message
        and "below the 5.0 GiB" in failure.message
    )
    live = {**env, "ASF_HTTP_MODE": "live", "ASF_RAW_ARCHIVE_DIR": str(Path(env["ASF_REGISTER_SNAPSHOT"]).parent)}
    checks = {
        f.check for f in _failures(run_checks({}, live, DoctorOptions(online=False, disk_usage=tight.disk_usage)))
    }
    assert checks == {"disk: register", "disk: raw archive"}


class _Sites(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/up" else 503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def sites() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Sites)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_online_sources_that_do_not_answer_are_warnings(env: dict[str, str], sites: str) -> None:
    sources = {"good": f"{sites}/up", "down": f"{sites}/down", "gone": f"http://127.0.0.1:{closed_port()}/"}
    options = DoctorOptions(online=True, http_timeout=2, disk_usage=ROOMY.disk_usage)
    checks = _by_check(run_checks(sources, env, options))
    assert checks["source good"].status is Status.OK
    assert checks["source down"].status is Status.WARN and "HTTP error 503" in checks["source down"].message
    assert checks["source gone"].status is Status.WARN and "ConnectionError" in checks["source gone"].message


@pytest.fixture
def trickling() -> Iterator[_Server]:
    server = _Server()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("unsized", [False, True], ids=["content-length", "until-close"])
def test_a_source_that_trickles_its_page_is_given_up_at_the_deadline(
    env: dict[str, str], trickling: _Server, unsized: bool
) -> None:
    # A byte every 0.2 s: no single read reaches the 1 s timeout, the page would take 10 s.
    trickling.replies["/list"] = [Reply(200, b"x" * 50, trickle=0.2, unsized=unsized)]
    options = DoctorOptions(online=True, http_timeout=1, disk_usage=ROOMY.disk_usage)
    started = time.monotonic()
    checks = _by_check(run_checks({"slow": trickling.url("/list")}, env, options))
    assert time.monotonic() - started < 1 + MARGIN + 3  # the other checks (database, disk) take well under 3 s
    slow = checks["source slow"]
    assert slow.status is Status.WARN
    assert "does not answer (no complete answer within the deadline of 1 s" in slow.message


def test_offline_sources_are_looked_up_in_the_archive(env: dict[str, str]) -> None:
    sources = {"skoopi": "https://skoopi.coop/asf-listan/", "unknown": "https://example.invalid/list"}
    checks = _by_check(run_checks(sources, env, ROOMY))
    assert "source skoopi" not in checks  # recorded: nothing to say
    assert (
        checks["source unknown"].status is Status.WARN and "not in the raw archive" in checks["source unknown"].message
    )


def test_half_configured_alerts_and_a_dagster_home_missing_its_secrets_fail(
    env: dict[str, str], tmp_path: Path
) -> None:
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(
        "storage:\n  postgres:\n    postgres_db:\n      username:\n        env: DAGSTER_PG_USERNAME\n"
        "      password:\n        env: DAGSTER_PG_PASSWORD\n"
    )
    env |= {"ASF_ALERT_SMTP_HOST": "smtp.example.se", "DAGSTER_HOME": str(home), "DAGSTER_PG_USERNAME": "dagster"}
    failures = _by_check(_failures(run_checks({}, env, ROOMY)))
    assert "e-mail alerts need ASF_ALERT_EMAIL_FROM" in failures["alerts"].message
    assert failures["dagster instance"].message.endswith(
        "reads DAGSTER_PG_PASSWORD from the environment, but they are not set"
    )


def test_half_set_api_credentials_fail_and_a_full_pair_says_where_the_refresh_goes(env: dict[str, str]) -> None:
    assert "weekly bulk files only" in _by_check(run_checks({}, env, ROOMY))["register API"].message
    half = _by_check(run_checks({}, env | {"ASF_BOLAGSVERKET_CLIENT_ID": "registry-client"}, ROOMY))["register API"]
    assert half.status is Status.FAIL and "ASF_BOLAGSVERKET_CLIENT_SECRET is not set" in half.message
    both = env | {"ASF_BOLAGSVERKET_CLIENT_ID": "registry-client", "ASF_BOLAGSVERKET_CLIENT_SECRET": "s3cret"}
    found = _by_check(run_checks({}, both, ROOMY))["register API"]
    assert found.status is Status.OK and "gw.api.bolagsverket.se" in found.message and "s3cret" not in found.message


def test_a_language_there_are_no_labels_in_fails(env: dict[str, str]) -> None:
    assert _failures(run_checks({}, env | {"ASF_LANG": "en"}, ROOMY)) == []
    (failed,) = _failures(run_checks({}, env | {"ASF_LANG": "suomi"}, ROOMY))
    assert failed.check == "configuration" and "must be one of sv, en, not 'suomi'" in failed.message
    assert failed.fix == "set ASF_LANG to sv or en"


def test_the_command_exits_non_zero_on_a_failure(env: dict[str, str], tmp_path: Path) -> None:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ASF_", "DAGSTER_"))}

    def doctor(extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pipelines.cli", "doctor", "--min-free-register-gb", "0"],
            cwd=PROJECT_ROOT,
            env={**base, **env, **extra},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    healthy = doctor({})
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    assert "0 failure(s)" in healthy.stdout
    broken = doctor({"ASF_REGISTER_BULK_FILE": str(tmp_path / "missing.zip")})
    assert broken.returncode == 1
    assert "FAIL  register bulk file" in broken.stdout and "fix: download bolagsverket_bulkfil.zip" in broken.stdout
