"""Two nightly runs over different recorded snapshots: the change log, the report, and the publish gate."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from pipelines.cli import main
from registry.settings import DEFAULT_CITY_LIST_DIR
from registry.store.engines import shared_engine
from registry.store.models import RunRow
from tests.pipeline_helpers import registry_snapshot, run_nightly

FIRST_CAPTURE = "2026-11-26"  # the recordings hold a later capture of Social Trade's member page (2026-11-27)


def change_log(db_url: str, run_id: str) -> list[tuple[str, str, str | None, str | None, str | None]]:
    with shared_engine(db_url).connect() as connection:
        rows = connection.execute(
            text(
                "SELECT o.name, c.change, c.field, c.old_value, c.new_value FROM registry_v1_change_log c "
                "JOIN registry_v1_organisations o ON o.registry_id = c.registry_id WHERE c.run_id = :run ORDER BY c.id"
            ),
            {"run": run_id},
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def test_the_second_night_logs_what_changed_and_the_report_shows_it(
    nightly_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with dg.instance_for_test() as instance:
        monkeypatch.setenv("ASF_REPLAY_AS_OF", FIRST_CAPTURE)
        monkeypatch.setenv("ASF_LANG", "en")  # the first night's report in English, the second in Swedish
        first = run_nightly(instance)
        monkeypatch.delenv("ASF_REPLAY_AS_OF")
        monkeypatch.delenv("ASF_LANG")
        second = run_nightly(instance)
    assert first.success and second.success
    first_log = change_log(nightly_env, first.run_id)
    assert {change for _, change, *_ in first_log} == {"added"} and len(first_log) == 27
    assert sorted(change_log(nightly_env, second.run_id)) == [
        ("Basta Väst", "unlisted", None, None, None),
        ("Exempel Cykelkooperativet Hisingen", "added", None, None, "Exempel Cykelkooperativet Hisingen"),
        ("Exempel Städkooperativ Väst ek. för.", "changed", "phone", "031-00 00 00", "031-00 00 11"),
    ]

    report = (tmp_path / "reports" / "registry_report.html").read_text(encoding="utf-8")
    assert "Exempel Cykelkooperativet Hisingen" in report and "Basta Väst" in report
    assert "031-00 00 11" in report
    assert "<script" not in report and "http://" not in report.split("<body>")[0]  # self-contained
    figures = second.asset_materializations_for_node("registry_report")[0].metadata
    assert figures["changes_this_run"].value == 3
    assert figures["active_organisations"].value == 28
    assert "Ändringar i körningen: ny 1, ändrad 1, inte längre listad 1" in figures["key_figures"].value
    assert report.startswith("<!DOCTYPE html><html lang='sv'>")
    english = Path(str(first.asset_materializations_for_node("registry_report")[0].metadata["dated_copy"].value))
    assert english.read_text(encoding="utf-8").startswith("<!DOCTYPE html><html lang='en'>")
    assert "Changes this run: added 27" in first.asset_materializations_for_node("registry_report")[0].metadata[
        "key_figures"
    ].value
    with Session(shared_engine(nightly_env)) as session:
        assert [r.changes for r in session.exec(select(RunRow).order_by(RunRow.published_at))] == [27, 3]

    # The same history reaches people and downstream systems through export and find.
    assert main(["export", "--format", "csv", "--output", str(tmp_path / "export")]) == 0
    exported = pd.read_csv(tmp_path / "export" / "change_log.csv", encoding="utf-8-sig")
    assert sorted(exported[exported["run_id"] == second.run_id]["change"]) == ["added", "changed", "unlisted"]
    organisations = pd.read_csv(tmp_path / "export" / "organisations.csv", encoding="utf-8-sig")
    assert len(organisations) == 28 and "Exempel Cykelkooperativet Hisingen" in set(organisations["name"])
    capsys.readouterr()
    assert main(["find", "--area", "cykelverkstad", "--kommun", "Göteborg"]) == 0
    assert "Exempel Cykelkooperativet Hisingen" in capsys.readouterr().out


def test_the_publish_gate_blocks_a_night_that_would_retire_too_much_and_says_why(
    nightly_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    city = tmp_path / "city"
    shutil.copytree(DEFAULT_CITY_LIST_DIR, city)
    monkeypatch.setenv("ASF_CITY_LIST_DIR", str(city))
    monkeypatch.setenv("ASF_MAX_RETIRING_SHARE", "0.05")
    with dg.instance_for_test() as instance:
        assert run_nightly(instance).success
        before = registry_snapshot(nightly_env)
        # The city's supplementary sheet (two rows) gone: no collapse of the source (12 -> 10 records), but
        # 2 of 27 organisations (7 %) would stop being listed where at most 5 % may.
        (city / "stockholm_asf_tillagg.xlsx").unlink()
        result = run_nightly(instance)
    assert not result.success
    gate = next(e for e in result.get_asset_check_evaluations() if e.check_name == "publish_gate")
    assert gate.passed is False
    assert "would stop being listed or become inactive; at most 5% may in one run" in (gate.description or "")
    assert gate.metadata["would_retire"].value == 2
    assert registry_snapshot(nightly_env) == before
    with Session(shared_engine(nightly_env)) as session:
        assert len(session.exec(select(RunRow)).all()) == 1
