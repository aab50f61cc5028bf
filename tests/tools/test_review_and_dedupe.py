"""`asf-registry review` and `asf-registry dedupe`, as analysts use them."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import pytest
from sqlmodel import Session, select

from pipelines.cli import main
from registry.identity.judgements import MATCHER, Decision, Judgement, JudgementGraph
from registry.store.db import create_schema, make_engine
from registry.store.engines import shared_engine
from registry.store.models import JudgementRow, Organisation
from registry.tools.labels import Labels
from registry.tools.review import DECISION_WORDS, decision_words, word_for
from tests.pipeline_helpers import run_nightly

LE_MAT_PAIR = ("city_list", "stockholm_asf_exempel:8", "social_trade", "Le Mat Göteborg")


@pytest.fixture
def published(offline_env: None, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ASF_REGISTRY_DB_URL", sqlite_url)
    with dg.instance_for_test() as instance:
        assert run_nightly(instance).success
    return sqlite_url


def _le_mat_sources(db_url: str) -> dict[str, str]:
    with Session(shared_engine(db_url)) as session:
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
    # Swedish by default: the matcher's explanation, the messages and the words written for a decision.
    assert rows[0]["left_name"] == "Le Mat" and "ort i namnet: bara i det ena namnet (-3.0)" in rows[0]["explanation"]

    rows[0]["decision"] = "samma"
    rows.append({**rows[0], "right_key": "nobody", "decision": "samma"})
    rows.append({**rows[0], "decision": "kanske"})
    with pairs.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert main(["review", "--import", str(pairs), "--reviewer", "Granskare A"]) == 0
    out, err = capsys.readouterr()
    assert (
        "Granskare A registrerade 1 beslut (0 ändrar ett tidigare beslut, 0 ångrar ett); 0 utan ändring, "
        "0 hoppades över, 2 rader med problem." in out
    )
    assert "rad 3: inget par som väntar på granskning eller som en person har avgjort mellan" in err
    assert "rad 4: okänt beslut 'kanske' (skriv samma / olika / osäker / ångra / hoppa över)" in err
    # The decision in force is exported as the reader writes it, and imports again as unchanged.
    decided = tmp_path / "decided.csv"
    assert main(["review", "--decided", "--export", str(decided)]) == 0
    assert "1 par som personer har avgjort skrevs till" in capsys.readouterr().out
    assert [r["decision"] for r in _read_pairs(decided)] == ["samma"]
    assert main(["review", "--import", str(decided), "--reviewer", "Granskare A"]) == 0
    assert "Granskare A registrerade 0 beslut (0 ändrar ett tidigare beslut, 0 ångrar ett); 1 utan ändring" in (
        capsys.readouterr().out
    )

    with dg.instance_for_test() as instance:
        assert run_nightly(instance).success
    assert _le_mat_sources(published) == {"Le Mat": "city_list,social_trade"}
    with Session(shared_engine(published)) as session:
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
    assert "Par 1 av 1  (poäng 0.800)" in session.stdout and "[j] samma, [n] olika" in session.stdout
    assert "Le Mat Göteborg" in session.stdout and "varför: namn: likhet 100 (+9.0)" in session.stdout
    assert "Granskare B registrerade 1 beslut; de gäller från nästa körning." in session.stdout
    again = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "review"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Inga par väntar på granskning." in again.stdout
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
    assert "6 poster i 4 organisationer skrevs till" in out and "3 felaktiga rader" in out
    assert "rad 6: record_id saknas" in err and "rad 7: record_id finns redan på en tidigare rad" in err
    assert "rad 8: namn saknas" in err
    assert main(["dedupe", "--lang", "en", str(source), "--output", str(output)]) == 0
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


def test_dedupe_names_each_record_and_says_which_pairs_wait_for_a_person(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        "record_id,name,municipality,address\n"
        "a,Café Gemenskap,Malmö,Storgatan 1\n"
        "b,Café Gemenskap,Malmö,Hamngatan 9\n"
        "c,Kooperativet Gröna Händer,Örebro,\n"
        "d,Gröna Händer ekonomisk föening,Örebro,\n"
        'e,=HYPERLINK("http://x"),Solna,\n',
        encoding="utf-8",
    )
    output = tmp_path / "out.csv"
    assert main(["dedupe", str(source), "--output", str(output)]) == 0
    capsys.readouterr()
    with output.open(encoding="utf-8") as f:
        rows = {r["record_id"]: r for r in csv.DictReader(f)}
    assert rows["a"]["name"] == "Café Gemenskap" and rows["e"]["name"].startswith("'=")
    # Two cafés of one name in one town at different addresses: left apart, each pointing at the other.
    assert rows["a"]["cluster_id"] != rows["b"]["cluster_id"]
    assert (rows["a"]["review_with"], rows["b"]["review_with"]) == ("b", "a")
    assert 0.5 <= float(rows["a"]["review_probability"]) < 0.95
    # A pair that was joined is not also waiting for review.
    assert rows["c"]["cluster_id"] == rows["d"]["cluster_id"] and rows["c"]["review_with"] == ""
    assert rows["c"]["review_probability"] == ""


def test_dedupe_refuses_a_file_without_the_required_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.csv"
    source.write_text("id,namn\n1,Macken\n", encoding="utf-8")
    assert main(["dedupe", str(source), "--output", str(tmp_path / "out.csv")]) == 2
    assert "in.csv: obligatoriska kolumner saknas: record_id, name (hittade" in capsys.readouterr().err
    assert main(["dedupe", "--lang", "en", str(source), "--output", str(tmp_path / "out.csv")]) == 2
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
    with Session(shared_engine(sqlite_url)) as session:
        org = session.exec(select(Organisation).where(Organisation.name == "Exempelväveri Inkludera")).one()
    assert (org.orgnr, org.register_match, org.legal_form) == ("769655-5551", "person", "EK")


# -- people correct themselves ------------------------------------------------------------------------------


@pytest.fixture
def published_everywhere(nightly_env: str) -> str:
    """A registry published by one offline night, on SQLite and on PostgreSQL."""
    with dg.instance_for_test() as instance:
        assert run_nightly(instance).success
    return nightly_env


def _read_pairs(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def _write_pairs(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _people_on_le_mat(db_url: str) -> list[tuple[str, str]]:
    with Session(shared_engine(db_url)) as session:
        rows = session.exec(
            select(JudgementRow)
            .where(JudgementRow.decided_by != "matcher", JudgementRow.right_key == LE_MAT_PAIR[3])
            .order_by(JudgementRow.id)  # type: ignore[arg-type]
        ).all()
    return [(r.decided_by, r.judgement) for r in rows]


def _night() -> None:
    with dg.instance_for_test() as instance:
        assert run_nightly(instance).success


def test_a_person_revises_and_withdraws_a_decision(
    published_everywhere: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # In English throughout (--lang en): the words exported for a decision are English ones.
    db_url = published_everywhere
    pending = tmp_path / "pending.csv"
    assert main(["review", "--lang", "en", "--export", str(pending)]) == 0
    rows = _read_pairs(pending)
    rows[0]["decision"] = "match"
    _write_pairs(pending, rows)
    assert main(["review", "--lang", "en", "--import", str(pending), "--reviewer", "Granskare A"]) == 0
    _night()
    assert _le_mat_sources(db_url) == {"Le Mat": "city_list,social_trade"}

    # The decided pairs, with who decided, when and what; the decision column holds the decision in force.
    decided = tmp_path / "decided.csv"
    assert main(["review", "--lang", "en", "--decided", "--export", str(decided)]) == 0
    assert "1 pair decided by people written to" in capsys.readouterr().out
    [row] = _read_pairs(decided)
    assert (row["left_key"], row["right_key"], row["decided_by"], row["decision"]) == (
        LE_MAT_PAIR[1],
        LE_MAT_PAIR[3],
        "Granskare A",
        "match",
    )
    assert row["decided_at"].endswith("Z") and "place in name only in one" in row["explanation"]

    # Imported as exported: nothing changes, nothing is recorded.
    assert main(["review", "--lang", "en", "--import", str(decided), "--reviewer", "Granskare B"]) == 0
    assert "0 decisions recorded by Granskare B (0 revising an earlier decision, 0 withdrawn), 1 unchanged" in (
        capsys.readouterr().out
    )
    # A changed decision revises it: the newer person judgement wins at the next run.
    _write_pairs(decided, [{**row, "decision": "nej"}])
    assert main(["review", "--lang", "en", "--import", str(decided), "--reviewer", "Granskare B"]) == 0
    assert "1 decision recorded by Granskare B (1 revising an earlier decision, 0 withdrawn)" in capsys.readouterr().out
    _night()
    assert _le_mat_sources(db_url) == {"Le Mat": "city_list", "Le Mat Göteborg": "social_trade"}

    # Withdrawn, the person's decision no longer counts: the matcher's 'unsure' is in force and the pair waits
    # for review again.
    _write_pairs(decided, [{**row, "decision": "Ångra"}])
    assert main(["review", "--lang", "en", "--import", str(decided), "--reviewer", "Granskare C"]) == 0
    assert "1 decision recorded by Granskare C (0 revising an earlier decision, 1 withdrawn)" in capsys.readouterr().out
    assert main(["review", "--lang", "en", "--decided", "--export", str(decided)]) == 0
    assert _read_pairs(decided) == []
    assert main(["review", "--lang", "en", "--export", str(pending)]) == 0
    assert [(r["left_key"], r["right_key"], r["decided_by"], r["decision"]) for r in _read_pairs(pending)] == [
        (LE_MAT_PAIR[1], LE_MAT_PAIR[3], "matcher", "")
    ]

    # In the terminal, a decided pair can be withdrawn too ([w]).
    capsys.readouterr()
    monkeypatch.setattr("builtins.input", lambda _prompt: "m")
    assert main(["review", "--lang", "en", "--reviewer", "Granskare D"]) == 0
    monkeypatch.setattr("builtins.input", lambda _prompt: "w")
    assert main(["review", "--lang", "en", "--decided", "--reviewer", "Granskare D"]) == 0
    out = capsys.readouterr().out
    assert "decided: match by Granskare D on " in out and "1 decision recorded by Granskare D" in out

    # Nothing was overwritten: every decision and withdrawal is a row of its own.
    assert _people_on_le_mat(db_url) == [
        ("person:Granskare A", "positive"),
        ("person:Granskare B", "negative"),
        ("person:Granskare C", "withdrawn"),
        ("person:Granskare D", "positive"),
        ("person:Granskare D", "withdrawn"),
    ]


def test_an_import_that_decides_a_pair_two_ways_records_nothing(
    published_everywhere: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pairs = tmp_path / "pairs.csv"
    assert main(["review", "--export", str(pairs)]) == 0
    [row] = _read_pairs(pairs)
    # The same pair written the other way round is the same pair.
    flipped = {
        **row,
        "left_source": row["right_source"],
        "left_key": row["right_key"],
        "right_source": row["left_source"],
        "right_key": row["left_key"],
    }
    _write_pairs(pairs, [{**row, "decision": "match"}, {**row, "decision": "skip"}, {**flipped, "decision": "olika"}])
    assert main(["review", "--import", str(pairs), "--reviewer", "Granskare E"]) == 2
    err = capsys.readouterr().err
    assert "Inget registrerades: pairs.csv motsäger sig själv" in err
    assert f"raderna 2 och 4 avgör city_list/{LE_MAT_PAIR[1]} och social_trade/{LE_MAT_PAIR[3]} olika" in err
    assert "('match', 'olika')" in err
    assert _people_on_le_mat(published_everywhere) == []

    # Withdrawing what no person decided is a problem with the row, not a withdrawal.
    _write_pairs(pairs, [{**row, "decision": "withdraw"}])
    assert main(["review", "--import", str(pairs), "--reviewer", "Granskare E"]) == 1
    assert "rad 2: inget beslut av en person om" in capsys.readouterr().err
    assert _people_on_le_mat(published_everywhere) == []


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: None, "pairs.csv finns inte"),
        (lambda p: p.mkdir(), "är en mapp, inte en CSV-fil"),
        (
            lambda p: p.write_text("record_id,name\nr1,Macken\n", encoding="utf-8"),
            "är ingen granskningsfil: obligatoriska kolumner saknas: left_source, left_key, right_source, "
            "right_key, decision (hittade record_id, name)",
        ),
        (lambda p: p.write_text("", encoding="utf-8"), "obligatoriska kolumner saknas: left_source"),
        (
            lambda p: p.write_text(
                f"left_source,left_key,right_source,right_key,decision\ncity_list,{'x' * 1_000_001},a,b,match\n",
                encoding="utf-8",
            ),
            "pairs.csv, rad 2: ett fält längre än 1,000,000 tecken",
        ),
    ],
    ids=["missing", "folder", "wrong-columns", "empty", "huge-field"],
)
def test_an_import_file_that_cannot_be_used_is_a_clear_error(
    offline_env: None,
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    make: Callable[[Path], object],
    message: str,
) -> None:
    # An existing, empty registry: what is wrong is the file, not the database.
    engine = make_engine(sqlite_url)
    create_schema(engine)
    engine.dispose()
    monkeypatch.setenv("ASF_REGISTRY_DB_URL", sqlite_url)
    path = tmp_path / "pairs.csv"
    make(path)
    assert main(["review", "--import", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Inget registrerades: ") and message in err and "Traceback" not in err


def test_export_and_import_together_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["review", "--export", "a.csv", "--import", "b.csv"])
    assert exit_info.value.code == 2
    assert "argument --import: not allowed with argument --export" in capsys.readouterr().err
    assert main(["review", "--decided", "--import", "b.csv"]) == 2
    assert "--import läser vilken exporterad fil som helst" in capsys.readouterr().err
    assert main(["review", "--lang", "en", "--decided", "--import", "b.csv"]) == 2
    assert "--import reads any exported file" in capsys.readouterr().err


def test_a_withdrawn_decision_leaves_the_matcher_in_force() -> None:
    a, b = ("city_list", "1"), ("skoopi", "x")
    at = datetime(2026, 11, 1, tzinfo=UTC)
    graph = JudgementGraph(
        [
            Decision(a, b, Judgement.UNSURE, MATCHER, at, 0.8, "names alike"),
            Decision(a, b, Judgement.POSITIVE, "person:A", at + timedelta(hours=1)),
            Decision(b, a, Judgement.NEGATIVE, "person:B", at + timedelta(hours=2)),
        ]
    )
    current = graph.current(a, b)
    assert current is not None and (current.judgement, current.decided_by) == (Judgement.NEGATIVE, "person:B")
    graph.decide(Decision(a, b, Judgement.WITHDRAWN, "person:C", at + timedelta(hours=3)))
    current = graph.current(a, b)
    assert current is not None and (current.judgement, current.decided_by) == (Judgement.UNSURE, MATCHER)
    assert graph.person_decision(a, b) is None
    with pytest.raises(ValueError, match="only a person's decision can be withdrawn"):
        graph.decide(Decision(a, b, Judgement.WITHDRAWN, MATCHER, at))


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_word_a_review_file_is_written_with_reads_back_as_the_same_decision(lang: str) -> None:
    labels = Labels(lang)
    for judgement in (Judgement.POSITIVE, Judgement.NEGATIVE, Judgement.UNSURE, Judgement.WITHDRAWN):
        assert DECISION_WORDS[word_for(judgement, labels).casefold()] is judgement
    # The words the messages offer are the ones an import reads.
    for word in decision_words(labels).split(" / "):
        assert word.casefold() in DECISION_WORDS
