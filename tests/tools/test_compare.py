"""asf-registry compare: the pipeline's own model on pairs an analyst gives it, with its decision and why."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pipelines.cli import main

PAIRS = (
    "pair_id,name1,name2,kommun1,kommun2,orgnr1,orgnr2,website1,website2,address1,address2\n"
    "forms,Kooperativet Gröna Händer,Gröna Händer ekonomisk föening,Örebro,Örebro,,,,,,\n"
    "word,Nordic Bygg AB,Nordisk Bygg AB,Solna,Solna,,,,,,\n"
    "numbers,Steget 2 ek. för.,Steget 3 ekonomisk förening,Umeå,Umeå,,,,,,\n"
    "orgnr,Basta,Basta Arbetskooperativ,,,556016-0680,769600-1234,,,,\n"
    "site,Macken,Returbutiken Macken,Växjö,,,,macken.se,https://www.macken.se,,\n"
    "refused,,Macken,,,,,,,,\n"
)


def _compare(tmp_path: Path, *options: str) -> dict[str, dict[str, str]]:
    source, output = tmp_path / "pairs.csv", tmp_path / "out.csv"
    source.write_text(PAIRS, encoding="utf-8")
    assert main(["compare", str(source), "--output", str(output), *options]) == 0
    with output.open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == ["pair_id", "probability", "decision", "explanation"]
        return {row["pair_id"]: row for row in reader}


def test_each_pair_gets_the_pipelines_decision_and_its_reasons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _compare(tmp_path)
    assert "6 par jämfördes med modellen dedupe (2 samma, 1 granskas, 2 olika, 1 inte jämförda)" in (
        capsys.readouterr().out
    )
    _compare(tmp_path, "--lang", "en")
    assert "6 pairs compared with the dedupe model (2 match, 1 review, 2 no match, 1 not compared)" in (
        capsys.readouterr().out
    )
    assert rows["forms"]["decision"] == "match"
    assert rows["forms"]["explanation"].startswith("name similarity 100 (+9.0); kommun equal (+3.0)")
    assert rows["word"]["decision"] == "review"
    assert "words differ (nordic / nordisk) (-4.0)" in rows["word"]["explanation"]
    assert rows["numbers"]["decision"] == "no_match" and "numbers differ (2 / 3)" in rows["numbers"]["explanation"]
    assert rows["orgnr"]["decision"] == "no_match" and "impossible" in rows["orgnr"]["explanation"]
    assert rows["site"]["decision"] == "match" and "website equal" in rows["site"]["explanation"]
    assert rows["refused"] == {"pair_id": "refused", "probability": "", "decision": "",
                               "explanation": "not compared: side 1: missing name"}  # fmt: skip
    assert float(rows["forms"]["probability"]) >= 0.95 > float(rows["word"]["probability"]) >= 0.5


def test_the_register_model_looks_an_orgnr_up_and_weighs_names_as_enrichment_does(tmp_path: Path) -> None:
    rows = _compare(tmp_path, "--model", "register")
    assert rows["orgnr"] == {"pair_id": "orgnr", "probability": "0.0000", "decision": "no_match",
                             "explanation": "organisationsnummer differ: looked up directly"}  # fmt: skip
    assert rows["forms"]["decision"] == "match" and "name similarity 100 (+10.0)" in rows["forms"]["explanation"]
    # Against the register there is no website to compare: the names alone do not make a match.
    assert "website" not in rows["site"]["explanation"] and rows["site"]["decision"] != "match"


def test_a_file_without_the_required_columns_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "pairs.csv"
    source.write_text("id,a,b\n1,Macken,Macken AB\n", encoding="utf-8")
    assert main(["compare", str(source), "--output", str(tmp_path / "out.csv")]) == 2
    assert "pairs.csv: obligatoriska kolumner saknas: pair_id, name1, name2 (hittade" in capsys.readouterr().err
    assert main(["compare", "--lang", "en", str(source), "--output", str(tmp_path / "out.csv")]) == 2
    assert "required column(s) pair_id, name1, name2 missing" in capsys.readouterr().err
