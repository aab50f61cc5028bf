"""Nothing hangs: SIGINT, SIGTERM and the run's deadline stop `asf-registry run` promptly, without re-running a
step and with the registry as it was; Dagster's run monitoring gets the same deadline."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest
import yaml
from sqlmodel import Session, select

from assets.ingest import build_source_asset
from assets.resources import RegistryDatabase, SourceSettings, WebClient
from assets.sources.base import SourceSpec
from pipelines.cli import main
from pipelines.definitions import MAX_RUNTIME_TAG, NIGHTLY_JOB_NAME, defs
from registry.deadlines import RUN_STOP, RunStopped, StopReason
from registry.settings import PROJECT_ROOT, run_deadline_seconds
from registry.store.db import create_schema, make_engine
from registry.store.models import RunRow
from registry.store.run_lock import write_transaction
from tests.ops_helpers import published_state

CLI = str(Path(sys.executable).with_name("asf-registry"))
# From the signal to the process's end: the run's thread stops at once when it is fetching; otherwise the
# process exits after the grace period (STOP_GRACE_SECONDS, 3 s).
PROMPT = 5.0
NOTHING_PUBLISHED = "Nothing was published: the registry keeps its previous state."


class _SilentProxy:
    """An HTTP proxy on loopback that every source's request goes through, and that never answers: each site
    hangs as a site does that accepts the connection and says nothing. Counts the connections per site."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.requests: Counter[str] = Counter()
        self.first_request = threading.Event()
        self._held: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._hold, args=(connection,), daemon=True).start()

    def _hold(self, connection: socket.socket) -> None:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = connection.recv(4096)
            if not chunk:
                return
            request += chunk
        # "CONNECT skoopi.coop:443 HTTP/1.0" (https) or "GET http://host/path HTTP/1.1" (http)
        target = request.split(b"\r\n", 1)[0].split()[1].decode()
        self.requests[target.split("://")[-1].split("/")[0].split(":")[0]] += 1
        self._held.append(connection)  # never answered
        self.first_request.set()

    def close(self) -> None:
        self._listener.close()
        for connection in self._held:
            connection.close()


@pytest.fixture
def silent_sites() -> Iterator[_SilentProxy]:
    proxy = _SilentProxy()
    yield proxy
    proxy.close()


def _env(workdir: Path, db_url: str, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ASF_", "DAGSTER_", "TEST_"))
        and k.lower() not in ("http_proxy", "https_proxy", "no_proxy")
    }
    return env | {
        "ASF_REGISTRY_DB_URL": db_url,
        "ASF_REGISTER_SNAPSHOT": str(workdir / "register" / "snapshot"),
        "ASF_REPORT_DIR": str(workdir / "reports"),
        "PYTHONPATH": str(PROJECT_ROOT),
        **extra,
    }


def _live_env(workdir: Path, db_url: str, proxy: _SilentProxy, **extra: str) -> dict[str, str]:
    address = f"http://127.0.0.1:{proxy.port}"
    return _env(
        workdir,
        db_url,
        ASF_HTTP_MODE="live",
        ASF_RAW_ARCHIVE_DIR=str(workdir / "raw"),
        HTTP_PROXY=address,
        HTTPS_PROXY=address,
        NO_PROXY="",
        **extra,
    )


def _existing_registry(db_url: str) -> dict:
    engine = make_engine(db_url)
    create_schema(engine)
    engine.dispose()
    return published_state(db_url)


def _stop_when(
    ready: threading.Event, sig: signal.Signals, argv: list[str], env: dict[str, str], cwd: Path
) -> tuple[int, str, float]:
    """Start the run, send ``sig`` once ``ready`` is set; its exit code, stderr and seconds from signal to end."""
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert ready.wait(60), "the run never got there"
        signalled = time.monotonic()
        process.send_signal(sig)
        _, err = process.communicate(timeout=30)
        return process.returncode, err, time.monotonic() - signalled
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_sigterm_stops_a_run_blocked_on_a_silent_site_at_once(
    registry_url: str, silent_sites: _SilentProxy, tmp_path: Path
) -> None:
    _stop_a_blocked_run(signal.SIGTERM, registry_url, silent_sites, tmp_path)


def test_sigint_stops_a_run_blocked_on_a_silent_site_at_once(
    sqlite_url: str, silent_sites: _SilentProxy, tmp_path: Path
) -> None:
    _stop_a_blocked_run(signal.SIGINT, sqlite_url, silent_sites, tmp_path)


def _stop_a_blocked_run(sig: signal.Signals, registry_url: str, silent_sites: _SilentProxy, tmp_path: Path) -> None:
    before = _existing_registry(registry_url)
    env = _live_env(tmp_path, registry_url, silent_sites)
    code, err, took = _stop_when(silent_sites.first_request, sig, [CLI, "run"], env, tmp_path)
    assert code == 128 + sig, err[-3000:]
    assert took < PROMPT, f"{took:.1f} s from {sig.name} to the end"
    assert err.strip().splitlines() == [f"Stopped: {sig.name} received. {NOTHING_PUBLISHED}"]
    # The source that was waiting was not run again, and no other source started a request after the stop.
    assert list(silent_sites.requests.values()) == [1], silent_sites.requests
    assert published_state(registry_url) == before


def test_the_run_deadline_stops_a_run_the_same_way(
    registry_url: str, silent_sites: _SilentProxy, tmp_path: Path
) -> None:
    before = _existing_registry(registry_url)
    deadline = 6
    env = _live_env(tmp_path, registry_url, silent_sites, ASF_RUN_DEADLINE_SECONDS=str(deadline))
    started = time.monotonic()
    process = subprocess.Popen([CLI, "run"], cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True)
    try:
        # The deadline counts from the start of the run, which is before its first request (and after the
        # seconds Python takes to import Dagster, which depend on the machine's load).
        assert silent_sites.first_request.wait(60), "the run never fetched"
        first_request = time.monotonic()
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    ended = time.monotonic()
    assert process.returncode == 124, err[-3000:]
    assert ended - started >= deadline
    assert ended - first_request < deadline + PROMPT
    assert err.strip().splitlines() == [
        f"Stopped: the run's deadline of {deadline} s passed (ASF_RUN_DEADLINE_SECONDS). {NOTHING_PUBLISHED}"
    ]
    assert all(count == 1 for count in silent_sites.requests.values()), silent_sites.requests
    assert published_state(registry_url) == before


# Runs the real CLI with a hook: publishing writes the night's rows, then never returns (a step that ignores
# the stop, as resolution or a stuck database would), or a source crashes so that Dagster waits to retry it.
DRIVER = """
import os, sys, time
import assets.ingest, registry.publish.publish
real_publish, real_crawl = registry.publish.publish.publish, assets.ingest.crawl_source

def publish(session, *args, **kwargs):
    summary = real_publish(session, *args, **kwargs)
    session.flush()
    print("TEST: publishing, inside the transaction", file=sys.stderr, flush=True)
    time.sleep(600)
    return summary

def crawl_source(connector, ctx):
    if connector.SPEC.name == os.environ.get("TEST_CRASHING_SOURCE"):
        print(f"TEST: crawling {connector.SPEC.name}", file=sys.stderr, flush=True)
        raise RuntimeError("an unexpected crash: the step is retried in 30 s")
    return real_crawl(connector, ctx)

registry.publish.publish.publish = publish
assets.ingest.crawl_source = crawl_source
from pipelines.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _stop_at_marker(marker: str, env: dict[str, str], cwd: Path) -> tuple[int, str, float]:
    process = subprocess.Popen(
        [sys.executable, "-c", DRIVER, "run"],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    seen: list[str] = []
    try:
        deadline = time.monotonic() + 90
        for line in process.stderr:
            seen.append(line)
            if marker in line:
                break
            assert time.monotonic() < deadline
        else:
            pytest.fail(f"the run ended before {marker!r}: {''.join(seen)[-3000:]}")
        time.sleep(0.5)  # well inside the transaction / Dagster's wait before the retry
        signalled = time.monotonic()
        process.send_signal(signal.SIGTERM)
        rest = process.stderr.read()
        process.wait(30)
        return process.returncode, "".join(seen) + rest, time.monotonic() - signalled
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_sigterm_while_publishing_rolls_the_publication_back(registry_url: str, tmp_path: Path) -> None:
    before = _existing_registry(registry_url)
    home = tmp_path / "dagster_home"
    home.mkdir()
    env = _env(tmp_path, registry_url, ASF_HTTP_MODE="replay", DAGSTER_HOME=str(home))
    code, err, took = _stop_at_marker("TEST: publishing, inside the transaction", env, tmp_path)
    assert code == 143, err[-3000:]
    assert took < PROMPT, f"{took:.1f} s from SIGTERM to the end"
    assert err.strip().splitlines()[-1] == f"Stopped: SIGTERM received. {NOTHING_PUBLISHED}"
    # Every row of the night had been written inside the transaction: none of them is there.
    assert published_state(registry_url) == before
    # The Dagster run whose thread was abandoned is recorded as failed, not left running in the UI.
    with dg.DagsterInstance.from_config(str(home)) as instance:
        (run,) = instance.get_runs()
    assert run.status == dg.DagsterRunStatus.FAILURE


def test_sigterm_while_dagster_waits_to_retry_a_step_ends_the_run(sqlite_url: str, tmp_path: Path) -> None:
    before = _existing_registry(sqlite_url)
    env = _env(tmp_path, sqlite_url, ASF_HTTP_MODE="replay", TEST_CRASHING_SOURCE="city_list")
    code, err, took = _stop_at_marker("TEST: crawling city_list", env, tmp_path)
    assert code == 143, err[-3000:]
    assert took < PROMPT
    assert err.count("TEST: crawling city_list") == 1, "the crashed step was not run again"
    assert err.strip().splitlines()[-1] == f"Stopped: SIGTERM received. {NOTHING_PUBLISHED}"
    assert published_state(sqlite_url) == before


# -- in Dagster: an interrupted or stopped step is not retried --------------------------------------------------


class _InterruptedSource:
    SPEC = SourceSpec(
        name="interrupted",
        title="A source",
        description="Interrupted while fetching.",
        reader="city_list",
        trust=9,
        min_valid_orgnr_share=None,
    )
    interrupt: type[BaseException] = dg.DagsterExecutionInterruptedError
    attempts = 0

    @classmethod
    def crawl(cls, _ctx: object) -> Iterator[object]:
        cls.attempts += 1
        raise cls.interrupt()
        yield


@pytest.mark.parametrize(
    "interrupt", [dg.DagsterExecutionInterruptedError, RunStopped], ids=["dagster-interrupt", "run-stopped"]
)
def test_an_interrupted_source_fails_without_a_retry(
    interrupt: type[BaseException], sqlite_url: str, tmp_path: Path
) -> None:
    # Run monitoring terminating a run past its dagster/max_runtime interrupts its steps like this.
    _InterruptedSource.interrupt, _InterruptedSource.attempts = interrupt, 0
    started = time.monotonic()
    result = dg.materialize(
        [build_source_asset(_InterruptedSource)],  # type: ignore[arg-type]
        resources={
            "web": WebClient(mode="replay", archive_dir=str(tmp_path)),
            "source_settings": SourceSettings(),
            "registry_db": RegistryDatabase(url=sqlite_url),
        },
        raise_on_error=False,
    )
    assert not result.success
    assert _InterruptedSource.attempts == 1
    assert not [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY]
    (failure,) = result.get_step_failure_events()
    assert "not retried" in str(failure.step_failure_data.user_failure_data or failure.step_failure_data.error)
    assert time.monotonic() - started < 15, "no wait for a retry"


# -- publishing refuses to commit once the run is stopped -------------------------------------------------------


def test_a_stopped_run_commits_nothing(registry_url: str) -> None:
    engine = make_engine(registry_url)
    create_schema(engine)
    try:
        with pytest.raises(RunStopped), write_transaction(engine) as session:
            session.add(
                RunRow(
                    run_id="stopped-run",
                    published_at=datetime.now(UTC),
                    organisations_active=0,
                    records=0,
                    quarantined=0,
                    source_summary="{}",
                )
            )
            session.flush()
            RUN_STOP.request(StopReason("SIGTERM received", 143))
        with Session(engine) as session:
            assert session.exec(select(RunRow)).all() == []
    finally:
        RUN_STOP.reset()
        engine.dispose()


# -- the run deadline's setting, and Dagster's run monitoring -------------------------------------------------------


def test_the_run_deadline_setting_is_validated(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ASF_RUN_DEADLINE_SECONDS", raising=False)
    assert run_deadline_seconds() == 3 * 3600
    monkeypatch.setenv("ASF_RUN_DEADLINE_SECONDS", "5400")
    assert run_deadline_seconds() == 5400
    for wrong in ("three hours", "0", "-5", "inf"):
        monkeypatch.setenv("ASF_RUN_DEADLINE_SECONDS", wrong)
        with pytest.raises(ValueError, match="ASF_RUN_DEADLINE_SECONDS"):
            run_deadline_seconds()
        assert main(["run"]) == 2
        assert "asf-registry run: ASF_RUN_DEADLINE_SECONDS must be" in capsys.readouterr().err


def test_dagster_run_monitoring_terminates_a_nightly_run_past_the_deadline() -> None:
    from dagster._daemon.monitoring.run_monitoring import check_run_timeout

    config = yaml.safe_load((PROJECT_ROOT / "deploy" / "dagster.yaml").read_text())
    assert config["run_monitoring"]["enabled"] is True
    job = defs.resolve_job_def(NIGHTLY_JOB_NAME)
    assert job.tags[MAX_RUNTIME_TAG] == "10800"
    with dg.instance_for_test() as instance:
        run = instance.create_run_for_job(job, tags=job.tags)
        record = instance.get_run_records(dg.RunsFilter(run_ids=[run.run_id]))[0]
        for age, terminated in ((10_000, False), (11_000, True)):
            check_run_timeout(instance, record._replace(start_time=time.time() - age), logging.getLogger(__name__), 0.0)
            status = instance.get_run_by_id(run.run_id).status  # type: ignore[union-attr]
            assert (status in (dg.DagsterRunStatus.CANCELING, dg.DagsterRunStatus.FAILURE)) is terminated, status
