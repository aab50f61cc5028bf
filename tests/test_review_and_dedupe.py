"""`asf-registry review` and `asf-registry dedupe`, as analysts use them."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
from sqlmodel import Session, select

from pipelines.cli import main
from pipelines.resources import _engine
from registry.models import JudgementRow, Organisation
from tests.pipeline_helpers import run_nightly

LE_MAT_PAIR = ("city_list", "stockholm_asf_exempel:8", "social_trade", "Le Mat Göteborg")


@pytest.fixture
def published(offline_env: None, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ASF_REGISTRY_DB_URL", sqlite_url)
    with dg.instance_for_test() as instance:
        assert run_nightly(instance).success
    return sqlite_url


def _le_mat_sources(db_url: str) -> dict[str, str]:
    with Session(_engine(db_url)) as session:
        return {
            o.name: o.sources
            for o in session.exec(select(Organisation).where(Organisation.active))
            if "Le Mat" in o.name
        }


def test_export_then_import_decides_pairs_and_the_next_run_follows_the_person(
    published: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pairs = tmp_path / "pairs.csv"
    assert main(["review", "--export", str(pairs)]) == 0
    with pairs.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert [(r["left_source"], r["left_key"], r["right_source"], r["right_key"]) for r in rows] == [LE_MAT_PAIR]
    assert rows[0]["left_name"] == "Le Mat" and "place in name only in one (-3.0)" in rows[0]["explanation"]

    rows[0]["decision"] = "match"
    rows.append({**rows[0], "right_key": "nobody", "decision": "match"})
    rows.append({**rows[0], "decision": "kanske"})
    with pairs.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert main(["review", "--import", str(pairs), "--reviewer", "Granskare A"]) == 0
    out, err = capsys.readouterr()
    assert "1 decisions recorded by Granskare A, 0 skipped, 2 rows with problems." in out
    assert "line 3: no pair waiting for review" in err and "line 4: unknown decision 'kanske'" in err

    with dg.instance_for_test() as instance:
        assert run_nightly(instance).success
    assert _le_mat_sources(published) == {"Le Mat": "city_list,social_trade"}
    with Session(_engine(published)) as session:
        people = session.exec(select(JudgementRow).where(JudgementRow.decided_by == "person:Granskare A")).all()
    assert [(p.left_key, p.right_key, p.judgement) for p in people] == [(LE_MAT_PAIR[1], LE_MAT_PAIR[3], "positive")]
    # The next run leaves the person's decision in force and adds nothing.
    with dg.instance_for_test() as instance:
        assert run_nightly(instance).success
    assert _le_mat_sources(published) == {"Le Mat": "city_list,social_trade"}


def test_interactive_review_in_the_terminal(published: str, tmp_path: Path) -> None:
    env = {**os.environ, "ASF_REGISTRY_DB_URL": published}
    session = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "review", "--reviewer", "Granskare B"],
        input="x\nn\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert session.returncode == 0, session.stderr
    assert "Pair 1 of 1  (score 0.800)" in session.stdout
    assert "Le Mat Göteborg" in session.stdout and "why: name similarity 100 (+9.0)" in session.stdout
    assert "1 decisions recorded by Granskare B" in session.stdout
    again = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "review"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "No pairs are waiting for review." in again.stdout
    with dg.instance_for_test() as instance:
        assert run_nightly(instance).success
    assert _le_mat_sources(published) == {"Le Mat": "city_list", "Le Mat Göteborg": "social_trade"}


def test_dedupe_a_spreadsheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        "record_id,name,orgnr,municipality,website,note\n"
        "r1,Vägen Ut Kooperativen ek. för.,,Göteborg,vagenut.coop,x\n"
        "r2,VAGEN UT,,Göteborgs stad,https://www.vagenut.coop,\n"
        "r3,Hela Människan Stockholm,,,,\n"
        "r4,Hela Människan Södertälje,,,,\n"
        ",Utan id,,,,\n"
        "r2,Dubblett,,,,\n"
        "r5,,,,,\n"
        "r6,Gröna Händer,7696001234,,,\n"
        "r7,Kooperativet Gröna Händer i Örebro,16769600-1234,,,\n",
        encoding="utf-8",
    )
    output = tmp_path / "out.csv"
    assert main(["dedupe", str(source), "--output", str(output)]) == 0
    out, err = capsys.readouterr()
    assert "6 records in 4 organisations written to" in out and "3 bad rows" in out
    assert "line 6: no record_id" in err and "line 7: duplicate record_id" in err and "line 8: missing name" in err
    with output.open(encoding="utf-8") as f:
        written = list(csv.DictReader(f))
    # One row per input row that has an id, in input order; the duplicate is reported in its own row.
    assert [(r["record_id"], r["problem"]) for r in written] == [
        ("r1", ""),
        ("r2", ""),
        ("r3", ""),
        ("r4", ""),
        ("r2", "duplicate record_id"),
        ("r5", "missing name"),
        ("r6", ""),
        ("r7", ""),
    ]
    rows = {r["record_id"]: r for r in written if not r["problem"]} | {"r5": written[5]}
    assert rows["r1"]["cluster_id"] == rows["r2"]["cluster_id"] == "r1"
    assert rows["r2"]["matched_with"] == "r1" and "website equal" in rows["r2"]["explanation"]
    assert rows["r3"]["cluster_id"] != rows["r4"]["cluster_id"]
    assert (
        rows["r6"]["cluster_id"] == rows["r7"]["cluster_id"]
        and "organisationsnummer equal" in rows["r7"]["explanation"]
    )
    assert rows["r5"]["problem"] == "missing name" and rows["r5"]["cluster_id"] == ""


def test_dedupe_refuses_a_file_without_the_required_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.csv"
    source.write_text("id,namn\n1,Macken\n", encoding="utf-8")
    assert main(["dedupe", str(source), "--output", str(tmp_path / "out.csv")]) == 2
    assert "required column(s) record_id, name missing" in capsys.readouterr().err


def test_an_uncertain_register_match_is_reviewed_like_any_pair(
    offline_env: None,
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    city = tmp_path / "city"
    city.mkdir()
    (city / "lista.csv").write_text("Id;Namn\n1;Exempelväveri Inkludera\n2;Macken\n", encoding="utf-8")
    monkeypatch.setenv("ASF_CITY_LIST_DIR", str(city))
    monkeypatch.setenv("ASF_REGISTRY_DB_URL", sqlite_url)
    with dg.instance_for_test() as instance:
        assert run_nightly(instance).success
    pairs = tmp_path / "pairs.csv"
    assert main(["review", "--export", str(pairs)]) == 0
    with pairs.open(encoding="utf-8-sig") as f:
        rows = [r for r in csv.DictReader(f) if "bolagsverket" in (r["left_source"], r["right_source"])]
    assert [(r["left_source"], r["left_key"], r["left_name"], r["right_source"], r["right_name"]) for r in rows] == [
        (
            "bolagsverket",
            "769655-5551",
            "Exempelväveriet Inkludera ekonomisk förening",
            "registry",
            "Exempelväveri Inkludera",
        )
    ]
    rows[0]["decision"] = "ja"
    with pairs.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert main(["review", "--import", str(pairs), "--reviewer", "Granskare C"]) == 0
    with dg.instance_for_test() as instance:
        assert run_nightly(instance).success
    with Session(_engine(sqlite_url)) as session:
        org = session.exec(select(Organisation).where(Organisation.name == "Exempelväveri Inkludera")).one()
    assert (org.orgnr, org.register_match, org.legal_form) == ("769655-5551", "person", "EK")
