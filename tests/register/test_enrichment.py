"""Matching organisations to the company register."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from registry.identity.judgements import Judgement
from registry.register.enrichment import EnrichmentQuery, match
from registry.register.register_snapshot import RegisterSnapshot, build_snapshot
from registry.settings import DEFAULT_REGISTER_BULK_FILE


def test_a_valid_orgnr_is_looked_up_directly(snapshot: RegisterSnapshot) -> None:
    found = match(EnrichmentQuery("1", "Helt annat namn", "769600-1234"), snapshot)
    assert (found.method, found.entry.name if found.entry else None) == (
        "orgnr",
        "Exempelkooperativet Gröna Händer ek. för.",
    )


def test_a_name_with_kommun_and_legal_form_matches_with_an_explanation(snapshot: RegisterSnapshot) -> None:
    found = match(EnrichmentQuery("2", "Exempel Cykelkooperativ Söder ek. för.", None, "Stockholm"), snapshot)
    assert found.method == "name" and found.entry is not None and found.entry.orgnr == "769644-4442"
    assert "kommun equal (+3.0)" in found.explanation and "legal form equal (+1.5)" in found.explanation


def test_an_active_registration_beats_a_deregistered_namesake(snapshot: RegisterSnapshot) -> None:
    found = match(EnrichmentQuery("3", "Exempelbageriet Surdegen", None, "Solna"), snapshot)
    assert found.entry is not None and found.entry.orgnr == "769622-2228" and found.entry.status == "active"
    assert "registration active preferred to deregistered 556633-3331" in found.explanation


def test_a_legal_form_that_disagrees_is_not_linked(snapshot: RegisterSnapshot) -> None:
    # "... AB" is not the registered ekonomisk förening of the same name: another legal person.
    found = match(EnrichmentQuery("4", "Exempel Städkooperativ Väst AB", None, None), snapshot)
    assert found.method == "none" and found.entry is None
    assert "legal form differ (-6.0)" in found.explanation


def test_a_near_name_without_kommun_waits_for_review(snapshot: RegisterSnapshot) -> None:
    # Typos in two words of the name (a misspelt "kooperativ" is only a kind of organisation, not a typo).
    found = match(EnrichmentQuery("4b", "Exempell Stadkooperativ Vasst", None, None), snapshot)
    assert found.method == "review" and found.entry is None
    assert found.candidate is not None and found.candidate.orgnr == "769611-1116"


def test_people_s_judgements_win(snapshot: RegisterSnapshot) -> None:
    query = EnrichmentQuery("5", "Exempelbageriet Surdegen", None, "Solna")
    rejected = match(query, snapshot, judgements={"769622-2228": Judgement.NEGATIVE})
    assert rejected.entry is None or rejected.entry.orgnr != "769622-2228"
    chosen = match(query, snapshot, judgements={"556633-3331": Judgement.POSITIVE})
    assert (chosen.method, chosen.entry.orgnr if chosen.entry else None) == ("person", "556633-3331")


def test_an_unknown_name_matches_nothing(snapshot: RegisterSnapshot) -> None:
    assert match(EnrichmentQuery("6", "Zyxwvu Qwerty"), snapshot).method == "none"


def test_the_enrich_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipelines.cli import main

    monkeypatch.setenv("ASF_REGISTER_SNAPSHOT", str(tmp_path / "register" / "snapshot"))
    source = tmp_path / "in.csv"
    source.write_text(
        "record_id,name,orgnr,municipality,website\n"
        "a,Exempelbageriet Surdegen,,Solna,\n"
        "b,Gröna Händer,16769600-1234,,\n"
        "c,Okänt Företag,,,\n"
        ",utan id,,,\n",
        encoding="utf-8",
    )
    output = tmp_path / "out.csv"
    assert main(["enrich", str(source), "--register", str(DEFAULT_REGISTER_BULK_FILE), "--output", str(output)]) == 0
    rows = output.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "record_id,orgnr,register_name,legal_form,status,score,method,explanation"
    assert rows[1].startswith("a,769622-2228,Exempelbageriet Surdegen ekonomisk förening,EK,active,")
    assert rows[2].startswith("b,769600-1234,Exempelkooperativet Gröna Händer ek. för.,EK,active,1.000,orgnr")
    assert rows[3].startswith("c,,,,,0.000,none")
    assert len(rows) == 4
    err = capsys.readouterr().err
    assert "rad 5: record_id saknas" in err
    # The index is built once, saying what it found and how long it took; a second run reuses it.
    assert "Indexerar bolagsverket_bulkfil_sample.txt" in err and "organisationer lästa; indexerar namnen" in err
    assert re.search(r"8 organisationer, 1 enskild firma hoppades över, 1 felaktig rad; indexerat på \d+\.\d s", err)
    assert "3 poster matchades på" in err
    assert main(["enrich", str(source), "--register", str(DEFAULT_REGISTER_BULK_FILE), "--output", str(output)]) == 0
    again = capsys.readouterr()
    assert "Använder indexet för bolagsverket_bulkfil_sample.txt som byggdes tidigare" in again.err
    assert "1 organisationsnummer, 1 namnlikhet, 1 ingen träff." in again.out
    assert (
        main(
            [
                "enrich",
                "--lang",
                "en",
                str(source),
                "--register",
                str(DEFAULT_REGISTER_BULK_FILE),
                "--output",
                str(output),
            ]
        )
        == 0
    )
    english = capsys.readouterr()
    assert "Using the index of bolagsverket_bulkfil_sample.txt built before" in english.err
    assert (
        "line 5: no record_id" in english.err and "1 organisation number, 1 name similarity, 1 no match." in english.out
    )


def _snapshot_of(tmp_path: Path, rows: list[tuple[str, str, str]]) -> RegisterSnapshot:
    """A snapshot of (name, organisationsform, postort) rows."""
    from tests.register_files import HEADER, quoted_row

    lines = [
        quoted_row(f"5560{i:05d}0$ORGNR-IDORG", "", "SE-LAND", f"{name}$FORETAGSNAMN-ORGNAM$2020-01-01",
                   f"{form}-ORGFO", "", "", "", "2020-01-01", "null", f"Gatan 1$${postort}$12345$SE-LAND")
        for i, (name, form, postort) in enumerate(rows)
    ]  # fmt: skip
    bulk = tmp_path / "bulk.txt"
    bulk.write_text(HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    build_snapshot(bulk, tmp_path / "snapshot")
    return RegisterSnapshot(tmp_path / "snapshot")


def test_typos_in_a_place_word_or_a_space_still_match(tmp_path: Path) -> None:
    rows = [("Blotkek Bageri Filipstad HB", "HB", "FILIPSTAD"), ("Goda Ländgrust AB", "AB", "HÄRNÖSAND")]
    with _snapshot_of(tmp_path, rows) as snapshot:
        # The place is misspelt, so it is split off the registered name only: the whole names are compared too.
        found = match(EnrichmentQuery("1", "Blotkek Bageri Filipstda HB", None, "Filipstad"), snapshot)
        assert found.method == "name" and found.entry is not None and found.entry.name == rows[0][0]
        # A typo that moves a space is one typo, not two changed words.
        found = match(EnrichmentQuery("2", "God aLändgrust aktiebolaget", None, "Härnösand"), snapshot)
        assert found.method == "name" and "name similarity 100" in found.explanation


def test_a_place_word_in_both_names_says_nothing_about_the_address(tmp_path: Path) -> None:
    # "Boden" (the shed) is also a kommun; the registered name says it too, and the address is elsewhere.
    with _snapshot_of(tmp_path, [("Byrdåsttrys Boden AB", "AB", "HULTSFRED")]) as snapshot:
        found = match(EnrichmentQuery("1", "Byrdåsttrys Boden", None, None), snapshot)
        assert found.method == "name" and "the place is in both names" in found.explanation
        # A kommun given by the source is evidence as before.
        found = match(EnrichmentQuery("2", "Byrdåsttrys Boden", None, "Boden"), snapshot)
        assert found.method != "name" and "kommun differ (-5.0)" in found.explanation


def test_a_secondary_name_is_found_and_matched_as_the_organisation(tmp_path: Path) -> None:
    from tests.register_files import HEADER, quoted_row

    names = ("Trädgårdsgruppen i Örebro ekonomisk förening$FORETAGSNAMN-ORGNAM$2015-01-01"
             "|Kafé Gröna Rummet$SARSKILT_FORETAGSNAMN-ORGNAM$2019-05-01")  # fmt: skip
    row = quoted_row("7696001234$ORGNR-IDORG", "", "SE-LAND", names, "EK-ORGFO", "", "", "", "2015-01-01", "null",
                     "Odlarvägen 3$$ÖREBRO$70211$SE-LAND")  # fmt: skip
    bulk = tmp_path / "bulk.txt"
    bulk.write_text(HEADER + "\n" + row + "\n", encoding="utf-8")
    build_snapshot(bulk, tmp_path / "snapshot")
    with RegisterSnapshot(tmp_path / "snapshot") as snapshot:
        # The list writes the café's name, the way ASF lists use trading names.
        found = match(EnrichmentQuery("1", "Kafe Gröna Rummet", None, "Örebro"), snapshot)
    assert found.method == "name" and found.entry is not None and found.entry.orgnr == "769600-1234"
    assert "name similarity 100" in found.explanation


def test_folded_and_misspelt_legal_forms_and_list_prefixes_still_match(tmp_path: Path) -> None:
    rows = [("Snickeriet Hyveln ekonomisk förening", "EK", "VÄXJÖ"), ("Städkompaniet Rent Aktiebolag", "AB", "NACKA")]
    with _snapshot_of(tmp_path, rows) as snapshot:
        for i, (written, kommun) in enumerate((("Kooperativet Snickeriet Hyveln ek. fören.", "Växjö"),
                                               ("Snickeriet Hyveln ekonomisk föening", "Växjö"),
                                               ("STADKOMPANIET RENT AKTIBOLAG", "Nacka"))):  # fmt: skip
            found = match(EnrichmentQuery(str(i), written, None, kommun), snapshot)
            assert found.method == "name", (written, found.explanation)
