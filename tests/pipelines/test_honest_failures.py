"""Honest, fast failures: a misconfigured registry database is named in one line within seconds, read commands
never create a database, messages say what really happened, and no traceback reaches a user without -v."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy.engine import make_url

from pipelines.cli import main
from pipelines.run_errors import step_failure_reasons
from registry.files import output_files
from registry.store.registry_access import Purpose, RegistryUnavailable, check_registry, explain
from registry.tools.doctor import Status, run_checks
from tests.doctor_helpers import closed_port
from tests.pipeline_helpers import run_nightly

# Read commands and what each needs besides the database.
READ_COMMANDS = {
    "export": ["export", "--format", "json", "--output", "{tmp}/out.json"],
    "find": ["find", "--area", "catering"],
    "review": ["review", "--export", "{tmp}/pairs.csv"],
}
FAST = 15.0  # seconds: what the issue allows a misconfigured database before the user hears about it


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP port that accepts connections and never says a word (a database host that hangs)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()



def _postgres_server() -> str:
    url = os.environ.get("ASF_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("ASF_TEST_POSTGRES_URL must be set in CI")
        pytest.skip("ASF_TEST_POSTGRES_URL is not set: PostgreSQL tests need a server (CI sets it)")
    return url


def _misconfigured(kind: str, tmp_path: Path, silent_port: int) -> tuple[str, str]:
    """A wrong registry URL of one kind, and what the one-line message must say."""
    if kind == "refused":
        return f"postgresql+psycopg://asf:s3cret@127.0.0.1:{closed_port()}/registry", "refused the connection"
    if kind == "silent":
        return f"postgresql+psycopg://asf:s3cret@127.0.0.1:{silent_port}/registry", "did not answer in time"
    if kind == "missing database":
        server = make_url(_postgres_server())
        url = server.set(database="no_such_registry_db", password="s3cret").render_as_string(hide_password=False)
        return url, "the database does not exist"
    if kind == "scheme":
        return "mysql://asf:s3cret@127.0.0.1/registry", "'mysql' is not supported"
    if kind == "not a url":
        return "registry.db", "is not a database URL"
    if kind == "uncreatable sqlite":
        blocker = tmp_path / "a-file"
        blocker.write_text("not a folder")
        return f"sqlite:///{blocker}/registry.db", "cannot be created"
    raise AssertionError(kind)


KINDS = ["refused", "silent", "missing database", "scheme", "not a url", "uncreatable sqlite"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", ["run", *READ_COMMANDS])
def test_a_misconfigured_registry_database_fails_fast_with_one_line_naming_it(
    command: str,
    kind: str,
    offline_env: None,
    tmp_path: Path,
    silent_server: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, meaning = _misconfigured(kind, tmp_path, silent_server)
    if kind == "uncreatable sqlite" and command != "run":
        meaning = "there is no registry at"  # a read command never creates one, so that is what is wrong
    monkeypatch.setenv("ASF_REGISTRY_DB_URL", url)
    argv = [a.replace("{tmp}", str(tmp_path)) for a in READ_COMMANDS.get(command, ["run"])]
    started = time.monotonic()

    code = main(argv)

    elapsed = time.monotonic() - started
    said = capsys.readouterr()
    lines = [line for line in said.err.splitlines() if line.strip()]
    assert code == 2 and elapsed < FAST, (code, elapsed, said.err)
    assert len(lines) == 1 and meaning in lines[0] and lines[0].startswith(f"asf-registry {command}: "), said.err
    assert "s3cret" not in said.err + said.out and "Traceback" not in said.err
    assert not list(tmp_path.glob("*.json")) and not list(tmp_path.glob("*.csv"))  # nothing half done


def test_a_password_is_masked_and_a_wrong_one_is_named() -> None:
    error = Exception('connection failed: FATAL:  password authentication failed for user "asf"')
    message = str(explain("postgresql+psycopg://asf:s3cret@db.example:5432/registry", error))
    assert message == "registry database postgresql+psycopg://asf:***@db.example:5432/registry: " + (
        "the user name or password is wrong"
    )


@pytest.mark.parametrize("command", list(READ_COMMANDS))
def test_read_commands_never_create_a_database(
    command: str, offline_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "typo" / "registry.db"
    monkeypatch.setenv("ASF_REGISTRY_DB_URL", f"sqlite:///{path}")
    argv = [a.replace("{tmp}", str(tmp_path)) for a in READ_COMMANDS[command]]

    assert main(argv) == 2

    assert f"there is no registry at {path}" in capsys.readouterr().err
    assert not path.exists() and not path.parent.exists()


def test_read_commands_refuse_an_empty_postgresql_database(postgres_url: str) -> None:
    with pytest.raises(RegistryUnavailable, match="holds no registry: run `asf-registry run` first"):
        check_registry(postgres_url, Purpose.READ)
    check_registry(postgres_url, Purpose.WRITE)  # a run creates the tables there


def test_settings_out_of_range_stop_the_run_before_it_starts_and_doctor_names_them(
    offline_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ASF_REGISTRY_DB_URL", f"sqlite:///{tmp_path / 'registry.db'}")
    monkeypatch.setenv("ASF_MAX_RETIRING_SHARE", "5")
    monkeypatch.setenv("ASF_INACTIVE_AFTER_RUNS", "abc")

    assert main(["run"]) == 2

    err = capsys.readouterr().err
    assert "ASF_MAX_RETIRING_SHARE must be a number more than 0 and at most 1, not '5'" in err
    assert "ASF_INACTIVE_AFTER_RUNS must be a whole number at least 1, not 'abc'" in err
    assert not (tmp_path / "registry.db").exists()
    failures = [f.message for f in run_checks({}, dict(os.environ)) if f.status is Status.FAIL]
    assert "ASF_MAX_RETIRING_SHARE must be a number more than 0 and at most 1, not '5'" in failures
    assert "ASF_INACTIVE_AFTER_RUNS must be a whole number at least 1, not 'abc'" in failures


def test_published_but_the_report_failed_is_not_reported_as_nothing_published(
    offline_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ASF_REGISTRY_DB_URL", f"sqlite:///{tmp_path / 'registry.db'}")
    not_a_folder = tmp_path / "reports-is-a-file"
    not_a_folder.write_text("")
    monkeypatch.setenv("ASF_REPORT_DIR", str(not_a_folder))

    assert main(["run", "--lang", "en"]) == 1

    said = capsys.readouterr()
    assert "Registry published: 27 active organisations" in said.out
    assert "No report was written" not in said.out and "Report:" not in said.out
    assert "registry_report:" in said.err
    assert "The registry was published (see above); the steps after publishing failed." in said.err
    assert "Nothing was published" not in said.err


def test_an_output_that_is_not_a_regular_file_is_refused(
    nightly_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run"]) == 0
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)  # like /dev/full: writing there "succeeds" and nobody gets the file

    assert main(["export", "--format", "json", "--output", str(fifo)]) == 2

    assert f"{fifo} is not a regular file (a device, pipe or socket): refused" in capsys.readouterr().err
    assert fifo.is_fifo()
    for argv in (
        ["find", "--csv", str(fifo)],
        ["review", "--export", str(fifo)],
        ["dedupe", str(tmp_path / "none.csv"), "--output", str(fifo)],
    ):
        assert main(argv) != 0, argv
        assert fifo.is_fifo()


def test_a_disk_full_while_writing_is_reported_and_the_previous_file_stays(
    nightly_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run"]) == 0
    target = tmp_path / "registry.json"
    assert main(["export", "--format", "json", "--output", str(target)]) == 0
    before = target.read_bytes()

    def full(_descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output_files.os, "fsync", full)
    capsys.readouterr()

    assert main(["export", "--format", "json", "--output", str(target)]) == 2

    assert "No space left on device" in capsys.readouterr().err
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".registry.json")] == []


def test_no_traceback_reaches_the_user_without_v(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASF_", "DAGSTER_"))}
    env["ASF_REGISTRY_DB_URL"] = f"sqlite:///{tmp_path / 'registry.db'}"
    (tmp_path / "input.csv").write_text("record_id,name\n1,Kooperativet Ett\n")
    # An output folder that does not exist: an error the command does not expect by name.
    argv = [sys.executable, "-m", "pipelines.cli", "dedupe", str(tmp_path / "input.csv"), "--output"]
    quiet = subprocess.run([*argv, str(tmp_path / "no" / "out.csv")], env=env, capture_output=True, text=True)
    loud = subprocess.run([*argv, str(tmp_path / "no" / "out.csv"), "-v"], env=env, capture_output=True, text=True)
    assert quiet.returncode == loud.returncode == 1
    assert "Traceback" not in quiet.stderr and "the folder" in quiet.stderr and "-v" in quiet.stderr
    assert "Traceback" in loud.stderr


def test_a_scheduled_run_on_a_missing_database_fails_each_step_once_without_fetching(
    offline_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The daemon starts runs without the command line's pre-flight check: the steps say the same, at once."""
    url, meaning = _misconfigured("missing database", Path("."), 0)
    monkeypatch.setenv("ASF_REGISTRY_DB_URL", url)
    started = time.monotonic()
    with dg.instance_for_test() as instance:
        result = run_nightly(instance)
    assert not result.success and time.monotonic() - started < 60
    assert [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"] == []
    reasons = list(step_failure_reasons(result))
    assert reasons and all(meaning in reason and "s3cret" not in reason for reason in reasons), reasons
    assert {r.split(":")[0] for r in reasons} >= {"source_city_list", "source_skoopi"}
