"""Bolagsverket's bulk file: the parser on the oddities real files have, and the snapshot built from it."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest

from registry.register.bolagsverket import ParseReport, open_bulk_file
from registry.register.bulk_columns import iter_entries
from registry.register.register_snapshot import RegisterSnapshot, build_snapshot
from registry.settings import DEFAULT_REGISTER_BULK_FILE, DEFAULT_SCB_BULK_FILE
from tests.register_files import HEADER, quoted_row, register_row

ROWS = [
    quoted_row("7696001234$ORGNR-IDORG", "", "SE-LAND", "Gröna Händer ek. för.$FORETAGSNAMN-ORGNAM$2016-11-15|Gröna$SARS_FORNAMN-ORGNAM$2017-01-01",
          "EK-ORGFO", "null", "", "", "2009-03-02", "Trädgårdsskötsel\nmed arbetsträning.", "Odlarvägen 3$$ÖREBRO$70211$SE-LAND"),
    quoted_row("5566333331$ORGNR-IDORG", "", "SE-LAND", "Surdegen AB$FORETAGSNAMN-ORGNAM$2003-01-20", "AB-ORGFO",
          "2014-06-30", "KKAV-AVORG", "", "2003-01-20", "null", "SE-LAND$17140$SOLNA$Degvägen 1"),
    quoted_row("5590666664$ORGNR-IDORG", "", "SE-LAND", "Fastighet Norr AB (svb)$FORETAGSNAMN-ORGNAM$2021-04-01", "AB-ORGFO",
          "", "", "KK-AVOMFO$2026-01-01", "2021-04-01", "Fastighetsskötsel.", "Box 5$c/o Någon$$172 63$SUNDBYBERG$SE-LAND"),
    quoted_row("191212121212$PERSON-IDORG", "1", "SE-LAND", "Tolvan Tolvanssons Catering$FORETAGSNAMN-ORGNAM$2019-01-01",
          "E-ORGFO", "null", "", "", "2019-01-01", "Catering.", "Tolvgatan 12$$BOTKYRKA$14730$SE-LAND"),
    '"inte en rad";"alls"',
    quoted_row("7696444442$ORGNR-IDORG", "", "SE-LAND", "Lång" + " namn" * 5000 + "$FORETAGSNAMN-ORGNAM$2018-02-12", "EK-ORGFO",
          "null", "", "LI-AVOMFO$2026-09-01", "2018-02-12", "null", "null"),
]  # fmt: skip


def _write(path: Path, text: str, encoding: str = "utf-8", bom: bool = True) -> Path:
    data = (("\ufeff" if bom else "") + text).encode(encoding)
    path.write_bytes(data.replace(b"Gr", b"G\x00r", 1))  # a stray NUL byte, as one report says they occur
    return path


def _parse(path: Path) -> tuple[list, ParseReport]:
    report = ParseReport()
    with open_bulk_file(path) as stream:
        return list(iter_entries(stream, report)), report


def test_the_quirks_of_the_bulk_file(tmp_path: Path) -> None:
    entries, report = _parse(_write(tmp_path / "bulk.txt", HEADER + "\n" + "\n".join(ROWS) + "\n"))
    by_orgnr = {e.orgnr: e for e in entries}
    assert sorted(by_orgnr) == ["556633-3331", "559066-6664", "769600-1234", "769644-4442"]
    assert (report.rows, report.entries, report.personnummer_rows_skipped, report.malformed) == (6, 4, 1, 1)
    assert report.encoding == "utf-8"
    grona = by_orgnr["769600-1234"]
    assert (grona.name, grona.other_names, grona.legal_form, grona.status) == (
        "Gröna Händer ek. för.",
        ("Gröna",),
        "EK",
        "active",
    )
    assert grona.description == "Trädgårdsskötsel\nmed arbetsträning."  # a line break inside quotes
    assert (grona.street, grona.postcode, grona.postort, grona.kommun) == ("Odlarvägen 3", "70211", "ÖREBRO", "1880")
    surdegen = by_orgnr["556633-3331"]
    assert (surdegen.status, surdegen.deregistered, surdegen.deregistration_reason) == (
        "deregistered",
        "2014-06-30",
        "KKAV-AVORG",
    )
    assert surdegen.description is None  # the text "null"
    assert (surdegen.postcode, surdegen.postort, surdegen.kommun) == (
        "17140",
        "SOLNA",
        "0184",
    )  # fields in other places
    norr = by_orgnr["559066-6664"]
    assert (norr.svb, norr.status, norr.postcode, norr.kommun) == (True, "bankruptcy", "17263", "0183")
    long_name = by_orgnr["769644-4442"]
    assert len(long_name.name) > 20_000 and long_name.status == "liquidation" and long_name.street is None


def test_latin_1_files_are_detected_not_assumed(tmp_path: Path) -> None:
    entries, report = _parse(
        _write(tmp_path / "bulk.txt", HEADER + "\n" + ROWS[0] + "\n", encoding="cp1252", bom=False)
    )
    assert report.encoding == "cp1252"
    assert entries[0].name == "Gröna Händer ek. för." and entries[0].postort == "ÖREBRO"


def test_the_zip_as_downloaded_reads_like_the_unpacked_file(tmp_path: Path) -> None:
    txt = _write(tmp_path / "bolagsverket_bulkfil.txt", HEADER + "\n" + "\n".join(ROWS) + "\n")
    with zipfile.ZipFile(tmp_path / "bolagsverket_bulkfil.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(txt, "bolagsverket_bulkfil.txt")
    zipped, _ = _parse(tmp_path / "bolagsverket_bulkfil.zip")
    unpacked, _ = _parse(txt)
    assert zipped == unpacked


def test_the_snapshot_never_holds_a_sole_trader(tmp_path: Path) -> None:
    snapshot = tmp_path / "snapshot"
    report = build_snapshot(DEFAULT_REGISTER_BULK_FILE, snapshot)
    assert report.entries == 8 and report.parse.personnummer_rows_skipped == 1 and report.parse.malformed == 1
    # Filtered before anything was written: no file of the snapshot holds the row's name or number.
    files = list(snapshot.resolve().iterdir())
    assert {f.name for f in files} >= {"companies.arrow", "name_words.npy", "build_info.json"}
    for written in files:
        data = written.read_bytes()
        assert b"Tolvan" not in data and b"tolvan" not in data and b"121212" not in data, written.name
    with RegisterSnapshot(snapshot) as opened:
        assert opened.candidates("Tolvan Tolvanssons Catering") == []


def test_snapshot_lookups_by_orgnr_and_by_misspelt_name(tmp_path: Path) -> None:
    path = tmp_path / "snapshot"
    build_snapshot(DEFAULT_REGISTER_BULK_FILE, path)
    with RegisterSnapshot(path) as snapshot:
        assert snapshot.count() == 8
        assert [e.name for e in snapshot.by_orgnr("769600-1234")] == ["Exempelkooperativet Gröna Händer ek. för."]
        names = [e.name for e in snapshot.candidates("Exempelbagerriet Surdegen")]
        assert "Exempelbageriet Surdegen ekonomisk förening" in names
        leads = {e.orgnr: reason for e, reason in snapshot.discovery_candidates(("arbetsintegrer",))}
        assert leads["769655-5551"] == "description: 'arbetsintegrer'" and leads["559066-6664"] == "name says (svb)"
        assert "556677-7777" not in leads  # in liquidation, and nothing suggests work integration


def _snapshot_of(tmp_path: Path, names: list[str]) -> RegisterSnapshot:
    rows = [
        quoted_row(f"5560{i:05d}0$ORGNR-IDORG", "", "SE-LAND", f"{name}$FORETAGSNAMN-ORGNAM$2020-01-01", "AB-ORGFO", "", "", "",
              "2020-01-01", "null", "Gatan 1$$SOLNA$17140$SE-LAND")
        for i, name in enumerate(names)
    ]  # fmt: skip
    bulk = _write(tmp_path / "bulk.txt", HEADER + "\n" + "\n".join(rows) + "\n")
    build_snapshot(bulk, tmp_path / "snapshot")
    return RegisterSnapshot(tmp_path / "snapshot")


def test_a_misspelt_word_finds_its_registered_spelling_wherever_the_typo_is(tmp_path: Path) -> None:
    names = ["Kriofut AB", "Lispian Catering AB", "Bjørn Snickeri AB", "Bjorn Bygg AB", "Nära Kriofat AB"]
    with _snapshot_of(tmp_path, names) as snapshot:

        def found(query: str, near: bool = True) -> set[str]:
            return {e.name for e in snapshot.candidates(query, near=near)}

        for typo in ("Kirofut", "Krioffut", "Kriofu", "Kraofut", "Kriouft"):  # the first letters too, or the last
            assert "Kriofut AB" in found(typo), typo
            assert found(typo, near=False) == set()  # only when asked: it costs a few hundred look-ups a word
        assert "Lispian Catering AB" in found("Lisian")
        assert found("Kriofut AB") >= {"Kriofut AB", "Nära Kriofat AB"}
        # 'ø' is a letter of its own to the index: a query with it, or without it, finds both spellings.
        assert found("Bjørn") == found("Bjorn") == {"Bjørn Snickeri AB", "Bjorn Bygg AB"}


def test_a_failed_build_keeps_the_previous_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "snapshot"
    build_snapshot(DEFAULT_REGISTER_BULK_FILE, path)
    before = path.resolve()
    with pytest.raises(FileNotFoundError):
        build_snapshot(tmp_path / "missing.zip", path)
    assert path.resolve() == before and (before / "companies.arrow").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["snapshot", before.name])


def test_scb_sni_codes_join_the_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "snapshot"
    report = build_snapshot(DEFAULT_REGISTER_BULK_FILE, path, DEFAULT_SCB_BULK_FILE)
    assert report.scb is not None
    assert (report.scb.encoding, report.scb.entries, report.scb.personnummer_rows_skipped, report.scb.malformed) == (
        "cp1252",
        4,
        1,
        1,
    )
    with RegisterSnapshot(path) as snapshot:
        assert snapshot.sni_codes("769600-1234") == ["81300", "01300"]  # the empty code 00000 is no code
        assert snapshot.sni_codes("556677-7777") == []
    sni = (path.resolve() / "sni.arrow").read_bytes()
    assert b"121212" not in sni and b"191212" not in sni


def test_an_scb_file_without_its_columns_fails_the_build_and_keeps_the_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "snapshot"
    build_snapshot(DEFAULT_REGISTER_BULK_FILE, path)
    wrong = tmp_path / "scb.txt"
    wrong.write_text("Namn\tKommun\nX\tY\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no PeOrgNr column"):
        build_snapshot(DEFAULT_REGISTER_BULK_FILE, path, wrong)
    with RegisterSnapshot(path) as snapshot:
        assert snapshot.count() == 8


def test_doubled_and_stray_quotes_read_as_the_csv_module_reads_them(tmp_path: Path) -> None:
    doubled = '"5566333331$ORGNR-IDORG";"";"SE-LAND";"Bageriet ""Degen"" AB$FORETAGSNAMN-ORGNAM$2003-01-20";"AB-ORGFO";"";"";"";"2003-01-20";"Bröd.";"Degvägen 1$$SOLNA$17140$SE-LAND"'
    stray = '"5590666664$ORGNR-IDORG";"";"SE-LAND";"Kafé "Solen" AB$FORETAGSNAMN-ORGNAM$2021-04-01";"AB-ORGFO";"";"";"";"2021-04-01";"Kaffe.";"Solvägen 2$$SOLNA$17141$SE-LAND"'
    unclosed = '"trasig rad utan citat;;'  # opens a quote it never closes: it takes the next line with it
    after = quoted_row("7696001234$ORGNR-IDORG", "", "SE-LAND", "Efter AB$FORETAGSNAMN-ORGNAM$2020-01-01", "AB-ORGFO",
                       "", "", "", "2020-01-01", "null", "Gatan 1$$SOLNA$17140$SE-LAND")  # fmt: skip
    last = quoted_row("7696444442$ORGNR-IDORG", "", "SE-LAND", "Sist AB$FORETAGSNAMN-ORGNAM$2020-01-01", "AB-ORGFO",
                      "", "", "", "2020-01-01", "null", "Gatan 2$$SOLNA$17140$SE-LAND")  # fmt: skip
    text = HEADER + "\n" + "\n".join([doubled, stray, unclosed, after, last]) + "\n"
    entries, report = _parse(_write(tmp_path / "bulk.txt", text))
    expected = [
        next(csv.reader([line], delimiter=";", strict=False))[3].partition("$")[0] for line in (doubled, stray)
    ]
    assert [e.name for e in entries] == [*expected, "Efter AB", "Sist AB"]
    assert expected == ['Bageriet "Degen" AB', 'Kafé Solen" AB']
    # The broken line is malformed (counted, never quoted); the row it swallowed is read on its own, whole.
    assert (report.rows, report.entries, report.malformed, report.rows_recovered) == (5, 4, 1, 1)
    assert report.identity_types_skipped == {} and report.personnummer_rows_skipped == 0
    assert entries[2].orgnr == "769600-1234" and entries[2].postort == "SOLNA"
    assert "trasig" not in repr(report)


def _company(orgnr: str, name: str, description: str = "null") -> str:
    return quoted_row(f"{orgnr}$ORGNR-IDORG", "", "SE-LAND", f"{name}$FORETAGSNAMN-ORGNAM$2020-01-01", "AB-ORGFO",
                      "", "", "", "2020-01-01", description, "Gatan 1$$SOLNA$17140$SE-LAND")  # fmt: skip


SOLE_TRADER = quoted_row("191212121212$PERSON-IDORG", "", "SE-LAND", "Tolvan Tolvanssons Catering$FORETAGSNAMN-ORGNAM$2019-01-01",
                         "E-ORGFO", "", "", "", "2019-01-01", "null", "Tolvgatan 12$$BOTKYRKA$14730$SE-LAND")  # fmt: skip


@pytest.mark.parametrize(
    ("broken", "recovered"),
    [
        # The quote opens the first field: the reader makes one 11-field row of the line and the next. Of the two
        # broken lines in a row, the first swallows only the second, and the last row is read as ever.
        ('"trasig rad utan citat;;', 2),
        # A later field: the span has too many fields; the two broken lines in a row swallow the last row too.
        ('"5566333331$ORGNR-IDORG";"";"SE-LAND";"Trasig AB', 3),
        # Every field there, the last one cut: still not a row.
        ('"5566333331$ORGNR-IDORG";"";"SE-LAND";"Trasig AB$FORETAGSNAMN-ORGNAM$2020-01-01";"AB-ORGFO";"";"";"";'
         '"2020-01-01";"null";"Gatan 1$$SOLNA', 3),
    ],
    ids=["first field", "a middle field", "the last field"],
)  # fmt: skip
def test_a_line_that_never_closes_its_quote_is_malformed_and_loses_no_neighbour(
    tmp_path: Path, broken: str, recovered: int
) -> None:
    swallowed = _company("7696001234", "Efter AB", "Trädgård\nmed arbetsträning.")  # a value on two lines
    text = "\n".join([HEADER, _company("5590666664", "Före AB"), broken, swallowed, broken, SOLE_TRADER,
                      broken, broken, _company("7696444442", "Sist AB")]) + "\n"  # fmt: skip
    entries, report = _parse(_write(tmp_path / "bulk.txt", text))
    assert [(e.orgnr, e.name) for e in entries] == [
        ("559066-6664", "Före AB"),
        ("769600-1234", "Efter AB"),
        ("769644-4442", "Sist AB"),
    ]
    assert entries[1].description == "Trädgård\nmed arbetsträning." and entries[1].postort == "SOLNA"
    # Four broken lines, each counted once, and every row they swallowed read (a sole trader's skipped as ever).
    assert (report.rows, report.entries, report.malformed) == (8, 3, 4)
    assert report.rows_recovered == recovered and report.identity_types_skipped == {"PERSON-IDORG": 1}
    assert "Trasig" not in repr(report) and "trasig" not in repr(report) and "121212" not in repr(report)


def test_the_snapshot_keeps_the_organisation_a_broken_line_swallowed(tmp_path: Path) -> None:
    rows = [_company(f"5560{i:05d}0", f"Bolag Nummer{i} AB") for i in range(5)]
    rows.insert(2, '"trasig rad utan citat;;')
    bulk = _write(tmp_path / "bulk.txt", "\n".join([HEADER, *rows]) + "\n")
    report = build_snapshot(bulk, tmp_path / "snapshot")
    assert (report.entries, report.parse.malformed, report.parse.rows_recovered) == (5, 1, 1)
    with RegisterSnapshot(tmp_path / "snapshot") as snapshot:
        assert [e.name for e in snapshot.by_orgnr("556000-0020")] == ["Bolag Nummer2 AB"]


def test_a_personal_number_in_a_stored_rows_text_is_never_written_to_the_snapshot(tmp_path: Path) -> None:
    # An organisation's own row may name a person's number in its description or address; the row is kept,
    # the number never reaches a file of the snapshot.
    bulk = tmp_path / "bulk.txt"
    rows = [
        quoted_row("5560160680$ORGNR-IDORG", "", "SE-LAND", "Gröna Händer AB$FORETAGSNAMN-ORGNAM$2020-01-01",
                   "AB-ORGFO", "null", "", "", "2020-01-01", "Catering. Kontakt Anna 811218-9876 eller 8112189876",
                   "c/o Anna 19811218-9876, Gatan 1$$SOLNA$17140$SE-LAND"),
        register_row("5569999990$ORGNR-IDORG", "Surdegen AB", "Bageri sedan 2019, 12 anställda, tel 08-123 45 67"),
    ]  # fmt: skip
    bulk.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    report = build_snapshot(bulk, tmp_path / "snapshot")
    assert report.entries == 2 and report.parse.personnummer_redacted == 2
    for written in (tmp_path / "snapshot").resolve().iterdir():
        data = written.read_bytes()
        assert b"811218" not in data, written.name
    with RegisterSnapshot(tmp_path / "snapshot") as opened:
        [kept] = opened.by_orgnr("556016-0680")
        # The words around the number are about the person: read, the description and the address go whole.
        assert kept.name == "Gröna Händer AB" and kept.description is None and not kept.street
        assert [e.orgnr for e, _ in opened.discovery_candidates(("catering",))] == ["556016-0680"]
        [other] = opened.by_orgnr("556999-9990")
        assert other.description == "Bageri sedan 2019, 12 anställda, tel 08-123 45 67"  # no number, untouched
