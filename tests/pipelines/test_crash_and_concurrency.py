"""`asf-registry run` as real processes: killed with SIGKILL at any point and run again, the registry equals
an uninterrupted run's; two runs started at once never interleave their writes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from registry.register.register_snapshot import RegisterSnapshot, build_snapshot
from registry.settings import DEFAULT_REGISTER_BULK_FILE, PROJECT_ROOT
from tests.ops_helpers import published_state
from tests.register_files import leftovers, real_layout_file, snapshot_state

CLI = str(Path(sys.executable).with_name("asf-registry"))
# Runs `asf-registry run` with publishing held until every run has resolved, or paused inside its transaction
# (the hooks a test needs; the code that runs is the CLI's own).
DRIVER = """
import os, sys, time
from pathlib import Path
import registry.publish.publish, registry.store.run_lock
real_publish, real_version = registry.publish.publish.publish, registry.store.run_lock.registry_version
barrier = os.environ.get("TEST_BARRIER_DIR")

def registry_version(session):
    version = real_version(session)
    if barrier:  # this run has read the registry it resolves against
        Path(barrier, f"resolved-{os.getpid()}").touch()
    return version

def publish(session, *args, **kwargs):
    if barrier:  # publish only once every run has resolved: the runs truly overlap
        deadline = time.monotonic() + 120
        while len(list(Path(barrier).glob("resolved-*"))) < int(os.environ["TEST_BARRIER_RUNS"]):
            assert time.monotonic() < deadline, "the other run never resolved"
            time.sleep(0.1)
    summary = real_publish(session, *args, **kwargs)
    session.flush()
    if os.environ.get("TEST_PAUSE_IN_TRANSACTION"):
        print("TEST: publishing, inside the transaction", file=sys.stderr, flush=True)
        time.sleep(600)
    return summary

registry.publish.publish.publish = publish
registry.store.run_lock.registry_version = registry_version
from pipelines.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _env(workdir: Path, db_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASF_", "DAGSTER_", "TEST_"))}
    env |= {
        "ASF_REGISTRY_DB_URL": db_url,
        "ASF_HTTP_MODE": "replay",
        "ASF_REGISTER_SNAPSHOT": str(workdir / "register" / "snapshot"),
        "PYTHONPATH": str(PROJECT_ROOT),
        **extra,
    }
    return env


def _run(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, "run"], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def clean_state(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The registry after one uninterrupted run."""
    workdir = tmp_path_factory.mktemp("clean")
    url = f"sqlite:///{workdir / 'registry.db'}"
    completed = _run(_env(workdir, url), workdir)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return published_state(url)


def _kill_when(marker: str, argv: list[str], env: dict[str, str], cwd: Path) -> None:
    """Start the run and SIGKILL it, with every process it started, when ``marker`` appears in its log."""
    process = subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    watchdog = threading.Timer(240, lambda: os.killpg(process.pid, signal.SIGKILL))
    watchdog.start()
    seen = []
    try:
        assert process.stderr is not None
        for line in process.stderr:
            seen.append(line)
            if marker in line:
                # The whole process group, as systemd, a container runtime or the OOM killer would.
                os.killpg(process.pid, signal.SIGKILL)
                break
        process.wait(60)
    finally:
        watchdog.cancel()
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == -signal.SIGKILL, f"the run ended before {marker!r}: {''.join(seen)[-3000:]}"


@pytest.mark.parametrize(
    "step",
    [
        "source_skoopi",  # while ingesting
        "enriched_organisations",  # while building the register snapshot
        "registry_organisations",  # as publishing starts
        "register_candidates",  # published, discovery not yet written
    ],
)
def test_a_run_killed_at_a_step_and_run_again_equals_an_uninterrupted_run(
    step: str, clean_state: dict, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    env = _env(tmp_path, url)
    _kill_when(f'Started execution of step "{step}"', [CLI, "run", "-v"], env, tmp_path)
    again = _run(env, tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    assert published_state(url) == clean_state


def test_a_run_killed_inside_its_publishing_transaction_leaves_nothing_half_written(
    clean_state: dict, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    env = _env(tmp_path, url)
    paused = _env(tmp_path, url, TEST_PAUSE_IN_TRANSACTION="1")
    _kill_when("TEST: publishing, inside the transaction", [sys.executable, "-c", DRIVER, "run"], paused, tmp_path)
    # Every row of the night had been written into the transaction; none of them is there.
    assert all(not rows for table, rows in published_state(url).items() if table != "alembic_version")
    again = _run(env, tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    assert published_state(url) == clean_state


def _start(argv: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_runs_at_once_publish_once_and_the_second_says_why(
    clean_state: dict, registry_url: str, tmp_path: Path
) -> None:
    # Both runs resolve against the empty registry before either publishes.
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    env = _env(tmp_path, registry_url, TEST_BARRIER_DIR=str(barrier), TEST_BARRIER_RUNS="2")
    runs = [_start([sys.executable, "-c", DRIVER, "run"], env, tmp_path) for _ in range(2)]
    outcomes = [(run.wait(300), *run.communicate()) for run in runs]
    codes = sorted(code for code, _, _ in outcomes)
    assert codes == [0, 1], [err[-2000:] for _, _, err in outcomes]
    refused = next(err for code, _, err in outcomes if code == 1)
    assert "another run published to the registry while this run was resolving" in refused
    assert "Inget publicerades: registret behåller sitt tidigare innehåll." in refused
    state = published_state(registry_url)
    assert len(state["runs"]) == 1
    assert state == clean_state


def test_two_plain_runs_at_once_end_as_one_run(clean_state: dict, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    env = _env(tmp_path, url)
    runs = [_start([CLI, "run"], env, tmp_path) for _ in range(2)]
    outcomes = [(run.wait(300), *run.communicate()) for run in runs]
    assert 0 in [code for code, _, _ in outcomes], [err[-2000:] for _, _, err in outcomes]
    for code, _, err in outcomes:
        # Whichever came second either saw the first's publication or was refused with the reason.
        assert code == 0 or "another run" in err, err[-2000:]
    assert published_state(url) == clean_state


# A build that stops at one point and waits there to be killed: while it parses, or complete and renamed but
# before the link points to it.
_BUILD_KILLED_AT = """
import sys, time
from pathlib import Path
from registry.register import bulk_columns, register_snapshot

def wait_to_be_killed(*args, **kwargs):
    print("stopped", flush=True)
    time.sleep(600)

if sys.argv[3] == "parsing":
    bulk_columns._organisations = wait_to_be_killed
else:
    register_snapshot._point = wait_to_be_killed
register_snapshot.build_snapshot(Path(sys.argv[1]), Path(sys.argv[2]), min_share=0)
"""


@pytest.mark.parametrize("point", ["parsing", "before the link moves"])
def test_a_build_killed_at_any_point_leaves_the_current_snapshot_and_the_next_build_cleans_up(
    tmp_path: Path, point: str
) -> None:
    target = tmp_path / "register" / "snapshot"
    build_snapshot(DEFAULT_REGISTER_BULK_FILE, target)
    before = snapshot_state(target)
    bigger = real_layout_file(tmp_path / "bigger.txt", 50)
    build = subprocess.Popen(
        [sys.executable, "-c", _BUILD_KILLED_AT, str(bigger), str(target), point],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert build.stdout is not None and build.stdout.readline().strip() == "stopped"
    build.send_signal(signal.SIGKILL)
    build.wait(10)
    assert snapshot_state(target) == before and leftovers(target) != []  # what the killed build left
    with RegisterSnapshot(target) as snapshot:
        assert snapshot.count() == 8
    report = build_snapshot(bigger, target, min_share=0)
    assert report.removed_stale and leftovers(target) == []
    with RegisterSnapshot(target) as snapshot:
        assert snapshot.count() == 58
