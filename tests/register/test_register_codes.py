"""Every proceedings and deregistration code read as Bolagsverket's code list means it: an ended proceeding is
no longer one, a reconstruction is a reconstruction, and a code nobody knows is counted, never guessed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from registry.register.bolagsverket import ParseReport
from registry.register.bulk_columns import iter_entries
from registry.register.register_codes import (
    PROCEEDINGS,
    STATUS_ACTIVE,
    STATUS_BANKRUPTCY,
    STATUS_DEREGISTERED,
    STATUS_RECONSTRUCTION,
    codes_markdown,
    read_proceedings,
    register_status,
)
from registry.settings import PROJECT_ROOT
from tests.register_files import HEADER, quoted_row


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
