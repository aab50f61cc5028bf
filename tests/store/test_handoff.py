"""Handoff: after a run, the SQLite file alone is the whole registry, as a downstream system copies it."""

from __future__ import annotations

import csv
import shutil
import sqlite3
from pathlib import Path

import dagster as dg
import pytest

from pipelines.cli import main
from tests.pipeline_helpers import run_nightly

TABLES = ("organisations", "source_records", "change_log", "runs", "judgements", "registry_id_redirects")


def _rows(database: Path) -> dict[str, list[tuple[object, ...]]]:
    # Read-only and immutable: the copy is read as a file, whatever -wal or -shm lies beside it (none does).
    with sqlite3.connect(f"file:{database}?mode=ro&immutable=1", uri=True) as connection:
        return {table: sorted(connection.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in TABLES}


def _copy_file_alone(database: Path, folder: Path) -> Path:
    folder.mkdir()
    return Path(shutil.copy(database, folder / "registry.db"))


def _live_rows(database: Path) -> dict[str, list[tuple[object, ...]]]:
    # The original through SQLite's normal path, which reads the write-ahead log too.
    with sqlite3.connect(database) as connection:
        return {table: sorted(connection.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in TABLES}


def test_the_database_file_alone_holds_the_published_registry(
    offline_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "data" / "registry.db"
    monkeypatch.setenv("ASF_REGISTRY_DB_URL", f"sqlite:///{database}")
    with dg.instance_for_test() as instance:
        assert run_nightly(instance).success
        # The run's connections are still open (a Dagster process keeps its pool): nothing closes the log.
        copy = _copy_file_alone(database, tmp_path / "downstream")
        published = _live_rows(database)
        assert len(published["organisations"]) == 27 and len(published["runs"]) == 1
        assert published["change_log"] and published["judgements"]
        assert _rows(copy) == published
        assert Path(f"{database}-wal").stat().st_size == 0

        # A second night's publication reaches the file too (one more run, the same organisations).
        assert run_nightly(instance).success
        second = _copy_file_alone(database, tmp_path / "downstream_2")
        assert _rows(second) == _live_rows(database) and len(_rows(second)["runs"]) == 2

    # A reviewer's decision, recorded by the CLI, is in the file as well.
    pairs = tmp_path / "pairs.csv"
    assert main(["review", "--export", str(pairs)]) == 0
    with pairs.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    rows[0]["decision"] = "match"
    with pairs.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert main(["review", "--import", str(pairs), "--reviewer", "Granskare H"]) == 0
    reviewed = _copy_file_alone(database, tmp_path / "downstream_3")
    assert [r for r in _rows(reviewed)["judgements"] if "person:Granskare H" in r] != []
