"""Every proceedings and deregistration code read as Bolagsverket's code list means it: an ended proceeding is
no longer one, a reconstruction is a reconstruction, and a code nobody knows is counted, never guessed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from registry.register.bolagsverket import ParseReport
from registry.register.bolagsverket_api import parse_organisation
from registry.register.bulk_columns import iter_entries
from registry.register.register_codes import (
    IDENTITY_TYPES,
    NAME_TYPES,
    PROCEEDINGS,
    STATUS_ACTIVE,
    STATUS_BANKRUPTCY,
    STATUS_DEREGISTERED,
    STATUS_RECONSTRUCTION,
    IdentityType,
    codes_markdown,
    read_proceedings,
    register_status,
)
from registry.register.register_snapshot import RegisterSnapshot, build_snapshot
from registry.settings import PROJECT_ROOT
from tests.register_files import HEADER, quoted_row, register_row


def _status(proceedings: str, deregistered: bool = False) -> str:
    return register_status(deregistered, read_proceedings(proceedings).ongoing)


@pytest.mark.parametrize("proceeding", PROCEEDINGS, ids=lambda p: p.code)
def test_each_ongoing_proceeding_gives_its_documented_status(proceeding: object) -> None:
    assert _status(f"{proceeding.code}-AVOMFO$2026-03-01") == proceeding.status  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("written", "status"),
    [
        ("KK-AVOMFO$2024-03-01|KKAVOV-AVSLAVOMFO$2024-11-20", STATUS_ACTIVE),  # a concluded bankruptcy
        ("KK-AVOMFO$2024-03-01|KKUHAVD-AVSLAVOMFO$2024-04-02", STATUS_ACTIVE),  # set aside by a court
        ("FR-AVOMFO$2025-01-10|FRUHOR-AVSLAVOMFO$2025-06-30", STATUS_ACTIVE),
        # Bankrupt again after the first bankruptcy ended.
        ("KK-AVOMFO$2020-03-01|KKAVOV-AVSLAVOMFO$2021-01-20|KK-AVOMFO$2026-02-01", STATUS_BANKRUPTCY),
        # A reconstruction is its own status, not a winding-up.
        ("FR-AVOMFO$2026-05-04", STATUS_RECONSTRUCTION),
        # The most serious ongoing proceeding wins.
        ("FR-AVOMFO$2026-01-04|KK-AVOMFO$2026-05-04", STATUS_BANKRUPTCY),
        ("KK-AVOMFO$2026-05-04|FR-AVOMFO$2026-01-04|FRUHOR-AVSLAVOMFO$2026-04-01", STATUS_BANKRUPTCY),
        ("", STATUS_ACTIVE),
    ],
)
def test_ended_proceedings_are_over(written: str, status: str) -> None:
    assert _status(written) == status


def test_deregistration_wins_over_any_proceeding() -> None:
    assert _status("KK-AVOMFO$2026-05-04", deregistered=True) == STATUS_DEREGISTERED


def test_a_code_nobody_documented_gives_no_status_and_is_counted() -> None:
    read = read_proceedings("XX-AVOMFO$2026-01-01|KKZZ-AVSLAVOMFO$2026-02-01")
    assert read.ongoing == () and read.unknown == ("XX-AVOMFO", "KKZZ-AVSLAVOMFO")
    row = quoted_row("5560160680$ORGNR-IDORG", "", "SE-LAND", "Exempel Bygg AB$FORETAGSNAMN-ORGNAM$2020-01-01",
                     "AB-ORGFO", "", "", "XX-AVOMFO$2026-01-01", "2020-01-01", "null",
                     "Gatan 1$$SOLNA$17140$SE-LAND")  # fmt: skip
    gone = quoted_row("5567223705$ORGNR-IDORG", "", "SE-LAND", "Exempel Två AB$FORETAGSNAMN-ORGNAM$2020-01-01",
                      "AB-ORGFO", "2025-01-01", "QQAV-AVORG", "", "2020-01-01", "null",
                      "Gatan 1$$SOLNA$17140$SE-LAND")  # fmt: skip
    report = ParseReport()
    entries = list(iter_entries(io.BufferedReader(io.BytesIO(f"{HEADER}\n{row}\n{gone}\n".encode())), report))
    assert [e.status for e in entries] == [STATUS_ACTIVE, STATUS_DEREGISTERED]
    assert report.unknown_codes == {"XX-AVOMFO": 1, "QQAV (deregistration reason)": 1}


def test_the_documented_table_is_the_one_the_code_reads() -> None:
    assert (PROJECT_ROOT / "docs" / "register_codes.md").read_text(encoding="utf-8") == codes_markdown()
    documented = codes_markdown()
    for kind in (*IDENTITY_TYPES, *NAME_TYPES):
        assert f"| `{kind.code}` |" in documented or not kind.code, kind


def _read(*rows: str) -> tuple[list, ParseReport]:
    report = ParseReport()
    text = "\n".join([HEADER, *rows]) + "\n"
    return list(iter_entries(io.BufferedReader(io.BytesIO(text.encode())), report)), report


@pytest.mark.parametrize(
    "kind",
    [*IDENTITY_TYPES, IdentityType("UTLANDSK-IDORG", "a type nobody documented", False, "")],
    ids=lambda k: k.code or "(none)",
)
def test_each_identity_type_is_stored_or_skipped_as_documented(kind: IdentityType) -> None:
    # A legal person's number (third digit 2 or more) whatever the type: only the type decides.
    identity = f"5560160680${kind.code}" if kind.code else "5560160680"
    entries, report = _read(register_row(identity, "Exempel Bygg AB"))
    if kind.stored:
        assert [e.orgnr for e in entries] == ["556016-0680"] and report.identity_types_skipped == {}
    else:
        assert entries == [] and report.identity_types_skipped == {kind.code: 1}
        assert report.personnummer_rows_skipped == 1 and report.malformed == 0


@pytest.mark.parametrize("kind", [k for k in IDENTITY_TYPES if k.stored], ids=lambda k: k.code or "(none)")
def test_a_persons_number_under_an_organisations_type_is_skipped(kind: IdentityType) -> None:
    identity = f"8112189876${kind.code}" if kind.code else "8112189876"  # a month in the third place: a person
    entries, report = _read(register_row(identity, "Tolvan Tolvanssons Catering"))
    assert entries == []
    assert report.identity_types_skipped == {f"{kind.code or 'unlabelled'} holding a personnummer": 1}


def test_a_gd_nummer_is_stored_and_found_in_the_snapshot(tmp_path: Path) -> None:
    bulk = tmp_path / "bulk.txt"
    bulk.write_text("\n".join([HEADER, register_row("3020004573$GDNR-IDORG", "Exempelstiftelsen Gröna Rum"),
                               register_row("5560160680$ORGNR-IDORG", "Exempel Bygg AB")]) + "\n",
                    encoding="utf-8")  # fmt: skip
    report = build_snapshot(bulk, tmp_path / "snapshot")
    assert report.entries == 2 and report.parse.identity_types_skipped == {}
    with RegisterSnapshot(tmp_path / "snapshot") as snapshot:
        assert [e.name for e in snapshot.by_orgnr("302000-4573")] == ["Exempelstiftelsen Gröna Rum"]
        assert "302000-4573" in {e.orgnr for e in snapshot.candidates("Exempelstiftelsen Gröna Rum")}


def _names(*listed: tuple[str, str]) -> str:
    return "|".join(f"{name}${code}-ORGNAM$2020-01-01" for name, code in listed)


@pytest.mark.parametrize(
    ("listed", "shown", "aliases"),
    [
        # The main name wins wherever it is listed; the others are aliases.
        ((("Gröna Jobb", "SARS_FORNAMN"), ("Exempel Bygg AB", "FORETAGSNAMN")), "Exempel Bygg AB", ("Gröna Jobb",)),
        ((("Green Jobs", "FORNAMN_FRSPRAK"), ("Gröna Jobbet", "NAMN")), "Gröna Jobbet", ("Green Jobs",)),
        ((("Gröna Jobbet", "NAMN"), ("Exempel Bygg AB", "FORETAGSNAMN")), "Exempel Bygg AB", ("Gröna Jobbet",)),
        # No main type: the first listed is shown. A type nobody documented is an alias like the others.
        ((("Gröna Jobb", "SARS_FORNAMN"), ("Green Jobs", "FORNAMN_FRSPRAK"), ("GJ", "NYTT_NAMN")), "Gröna Jobb",
         ("Green Jobs", "GJ")),
    ],
    ids=["FORETAGSNAMN", "NAMN", "FORETAGSNAMN before NAMN", "no main type"],
)  # fmt: skip
def test_each_name_type_is_the_name_shown_or_an_alias_as_documented(
    listed: tuple[tuple[str, str], ...], shown: str, aliases: tuple[str, ...]
) -> None:
    row = quoted_row("5560160680$ORGNR-IDORG", "", "SE-LAND", _names(*listed), "AB-ORGFO", "", "", "",
                     "2020-01-01", "null", "Gatan 1$$SOLNA$17140$SE-LAND")  # fmt: skip
    (entry,), _ = _read(row)
    assert (entry.name, entry.other_names) == (shown, aliases)
    # The API names the main type by the same table (its own codes: SARSKILT_FORETAGSNAMN for SARS_FORNAMN).
    api_codes = {t.code: t.api_code for t in NAME_TYPES}
    answer = {"organisationsnamn": {"organisationsnamnLista": [
        {"namn": name, "organisationsnamntyp": {"kod": api_codes.get(code, code)}} for name, code in listed
    ]}}  # fmt: skip
    assert parse_organisation("556016-0680", answer).name == shown


SCB_HEADER = (
    "ForAndrTyp\tCOAdress\tForetagsnamn\tFtgStat\tGatuadress\tJEStat\tJurForm\tNamn\tNg1\tNg2\tNg3\tNg4\tNg5\t"
    "PeOrgNr\tPostNr\tPostOrt\tRegDatKtid\tReklamsparrtyp\tmCOAdress\tmForetagsnamn\tmFtgStat\tmGatuadress\t"
    "mJEStat\tmJurForm\tmNamn\tmNg1\tmNg2\tmNg3\tmNg4\tmNg5\tmPostNr\tmPostOrt\tmRegDatKtid\tmReklamsparrtyp\t"
)


def _scb_line(orgnr: str, company: str, name: str, status: str, sni: tuple[str, ...]) -> str:
    codes = [*sni, "", "", "", "", ""][:5]
    masks = "\t".join("1" for _ in range(16))
    return (f"1\t\t{company}\t{status}\tStorgatan 1\t1\t51\t{name}\t" + "\t".join(codes)
            + f"\t{orgnr}\t11122\tSTOCKHOLM\t20200101\t1\t{masks}\t")  # fmt: skip


def test_scbs_file_in_its_real_layout(tmp_path: Path) -> None:
    import zipfile

    from registry.files.safe_files import open_zip_member
    from registry.register.scb import iter_scb_rows

    lines = [
        SCB_HEADER,
        _scb_line("167696001234", "Exempelkooperativet Gröna Händer ek. för.", "", "1", ("81300", "01300")),
        _scb_line("5567223705", "", "EXEMPEL TVÅ AB", "9", ("62010",)),
        _scb_line("191212121212", "", "Tolvan Tolvansson", "1", ("56100",)),  # a sole trader: never stored
    ]
    assert len(SCB_HEADER.split("\t")) == 35 and len(lines[1].split("\t")) == 35  # 34 columns and the last tab
    bulk = tmp_path / "scb_bulkfil.zip"
    with zipfile.ZipFile(bulk, "w") as archive:
        archive.writestr("scb_bulkfil_JE_20261130T055245_80.txt", "\r\n".join(lines).encode("latin-1") + b"\r\n")
    report = ParseReport()
    with open_zip_member(bulk, ".txt") as member:
        rows = list(iter_scb_rows(member, report))
    assert [(r.orgnr, r.name, r.status, r.sni) for r in rows] == [
        ("769600-1234", "Exempelkooperativet Gröna Händer ek. för.", "active", ("81300", "01300")),
        ("556722-3705", "EXEMPEL TVÅ AB", "not_active", ("62010",)),
    ]
    assert report.encoding == "cp1252" and report.personnummer_rows_skipped == 1 and report.malformed == 0
