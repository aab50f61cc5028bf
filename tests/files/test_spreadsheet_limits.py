"""Spreadsheets people give us are read in bounded memory, or refused with the file's name and the reason."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from assets.ingest import crawl_source
from assets.sources import SOURCES, city_list
from pipelines.cli import main
from registry.files.spreadsheets import (
    DEFAULT_LIMITS,
    MAX_CELL_CHARS,
    SpreadsheetLimits,
    SpreadsheetRefused,
    XlsxWorkbook,
)
from registry.settings import PROJECT_ROOT
from registry.tools.labels import Labels
from tests.source_helpers import replay_ctx
from tests.spreadsheet_files import MAIN, list_rows, rows_of, write_workbook

MEMORY_BOUND_MB = 500
GOOD_LIST = "Namn;Kommun\nSödra Gårdens Kooperativ;Södertälje\n"

# Reads one workbook the way the city list does, in a fresh process, and reports what it read and its peak
# memory (ru_maxrss is in KiB on Linux).
_CHILD = """
import json, resource, sys
from pathlib import Path
from assets.sources import SOURCES, city_list
from tests.source_helpers import replay_ctx
path = Path(sys.argv[1])
ctx = replay_ctx(path.parent / "no-archive", city_list_dir=path.parent)
records = 0
for _ in city_list.read_city_xlsx(path, ctx):
    records += 1
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"records": records, "peak_mb": peak, "warnings": ctx.warnings}))
"""


# Linux keeps a process's peak RSS across execve, so a child started straight from this (large) test process
# would report this process's peak. A small launcher in between starts the reader from a small address space.
_LAUNCHER = "import subprocess, sys; sys.exit(subprocess.call(sys.argv[1:]))"


def _read_in_child(path: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, sys.executable, "-c", _CHILD, str(path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _ratio(path: Path, member: str = "xl/worksheets/sheet1.xml") -> float:
    info = zipfile.ZipFile(path).getinfo(member)
    return info.file_size / info.compress_size


@pytest.fixture(scope="module")
def lists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same kind of list, 1,000 rows and at the row limit (the header is a row too), each alone in a folder."""
    made = {}
    for name, rows in (("small", 1_000), ("at_limit", DEFAULT_LIMITS.max_rows - 1)):
        folder = tmp_path_factory.mktemp(name)
        made[name] = write_workbook(folder / "lista.xlsx", {"Lista": list_rows(rows)}, dimension=f"A1:H{rows + 1}")
    return made


def test_a_workbook_at_the_row_limit_is_read_in_the_same_memory_as_a_small_one(lists: dict[str, Path]) -> None:
    big = lists["at_limit"]
    assert 7 <= _ratio(big) <= 15, "compressed like a real list, about 10:1"
    assert big.stat().st_size > 1024**2
    small_run, big_run = _read_in_child(lists["small"]), _read_in_child(big)
    assert (small_run["records"], big_run["records"]) == (1_000, DEFAULT_LIMITS.max_rows - 1)
    assert big_run["warnings"] == []
    assert big_run["peak_mb"] < MEMORY_BOUND_MB  # type: ignore[operator]
    # Rows are handed on as they are read: 19 times the rows, no more memory (holding the rows, as the reader
    # did before, took 15 MB more here; openpyxl keeps a little per row even in read-only mode).
    assert big_run["peak_mb"] - small_run["peak_mb"] < 8, (small_run, big_run)  # type: ignore[operator]


def _merged_ranges(megabytes: int) -> Iterator[bytes]:
    # Random ranges compress about as well as real XML, so the file is within the 200:1 compression limit.
    rng = random.Random(5)
    yield b"<mergeCells>"
    for _ in range(megabytes):
        yield b"".join(
            b'<mergeCell ref="A%d:C%d"/>' % (rng.randint(2, 999_999), rng.randint(2, 999_999)) for _ in range(40_000)
        )
    yield b"</mergeCells>"


def test_a_workbook_built_to_exhaust_a_parser_is_read_in_little_memory(tmp_path: Path) -> None:
    # 30 MB of merged ranges after the rows: openpyxl's read-only mode builds them as one element tree (72 MB
    # of them took it 1.8 GB). Here they are parsed and forgotten.
    path = write_workbook(
        tmp_path / "lista.xlsx",
        {"Lista": rows_of([("Namn", "Kommun"), ("Södra Gårdens Kooperativ", "Södertälje")])},
        after_rows=_merged_ranges(30),
    )
    assert _ratio(path) < 200 and zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").file_size > 25 * 1024**2
    run = _read_in_child(path)
    assert run["records"] == 1
    assert run["peak_mb"] < 100  # type: ignore[operator]


def _said_in_swedish(warning: str) -> str:
    """A skipped file's reason as the city's officials read it: every refusal is said in Swedish."""
    reason = warning.split(" skipped: ", 1)[1]
    said = Labels("sv").phrase("spreadsheet", reason)
    assert said != reason and "refused" not in said, reason
    return said


def _crawl(folder: Path) -> tuple[list[str], list[str]]:
    ctx = replay_ctx(folder / "no-archive", city_list_dir=folder)
    batch = crawl_source(SOURCES["city_list"], ctx)
    assert batch.ok, batch.error
    return [r.name for r in batch.records], ctx.warnings


def test_a_workbook_over_the_row_limit_is_skipped_with_its_name_and_the_others_are_read(tmp_path: Path) -> None:
    write_workbook(tmp_path / "for_lang.xlsx", {"Lista": list_rows(DEFAULT_LIMITS.max_rows)})
    (tmp_path / "lista.csv").write_text(GOOD_LIST, encoding="utf-8")
    names, warnings = _crawl(tmp_path)
    assert names == ["Södra Gårdens Kooperativ"]
    assert warnings == ["city list for_lang.xlsx skipped: for_lang.xlsx / Lista: more than 20,000 rows: refused"]


def _shared_strings(strings: list[str]) -> bytes:
    items = "".join(f"<si><t>{s}</t></si>" for s in strings)
    return f'<?xml version="1.0"?><sst xmlns="{MAIN}" count="{len(strings)}">{items}</sst>'.encode()


@pytest.mark.parametrize(
    ("limits", "workbook", "reason"),
    [
        (
            SpreadsheetLimits(max_columns=10),
            {"Lista": rows_of([("Namn", *[""] * 10, "Anteckning"), ("Macken", *[""] * 10, "x")])},
            "fel.xlsx / Lista, row 1: content in column 12 (L1), beyond the 10 a list may have: refused",
        ),
        (
            SpreadsheetLimits(max_cell_chars=100),
            {"Lista": rows_of([("Namn", "Verksamhet"), ("Macken", "x" * 101)])},
            "fel.xlsx / Lista, row 2: a cell longer than 100 characters: refused",
        ),
        (
            SpreadsheetLimits(max_text_chars=1_000),
            {"Lista": list_rows(50)},
            "fel.xlsx: more than 1,000 characters of text (at Lista, row ",
        ),
        (
            SpreadsheetLimits(),
            {"Lista": [b'<row r="1"><c r="A1" t="inlineStr"><is><t>Namn</t></is></c>', b"<c/>" * 20_000, b"</row>"]},
            "fel.xlsx / Lista, row 1: more cells than Excel's 16,384 columns: refused",
        ),
        (
            SpreadsheetLimits(),
            {"Lista": rows_of([("Namn",), ("Macken",)], first=1_048_576)},
            "fel.xlsx / Lista, row 1048577: beyond Excel's last row (1,048,576): refused",
        ),
    ],
    ids=["columns", "cell", "text", "cells-in-a-row", "row-number"],
)
def test_a_workbook_over_a_limit_is_refused_with_the_limit(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    limits: SpreadsheetLimits,
    workbook: dict[str, list[bytes]],
    reason: str,
) -> None:
    write_workbook(tmp_path / "fel.xlsx", workbook)
    (tmp_path / "lista.csv").write_text(GOOD_LIST, encoding="utf-8")
    monkeypatch.setattr(city_list, "LIMITS", limits)
    names, warnings = _crawl(tmp_path)
    assert names == ["Södra Gårdens Kooperativ"]
    assert len(warnings) == 1 and warnings[0].startswith(f"city list fel.xlsx skipped: {reason}"), warnings
    assert _said_in_swedish(warnings[0]).startswith("fel.xlsx")


def test_the_shared_strings_a_workbook_holds_whole_are_capped(tmp_path: Path) -> None:
    strings = ["Namn", "Macken", *(f"anteckning {i}" for i in range(2_000))]
    cells = b'<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>'
    path = write_workbook(tmp_path / "delad.xlsx", {"Lista": [cells]}, shared_strings=_shared_strings(strings))
    with XlsxWorkbook(path) as workbook:
        assert list(workbook.rows("Lista")) == [(1, ["Namn"]), (2, ["Macken"])]
    with pytest.raises(
        SpreadsheetRefused, match=r"delad.xlsx: xl/sharedStrings.xml unpacks to [\d,]+ bytes, over the "
    ):
        XlsxWorkbook(path, SpreadsheetLimits(max_shared_strings_bytes=10_000))


def test_an_xml_entity_bomb_is_refused(tmp_path: Path) -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "hahahahahahahahahaha">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    )
    path = write_workbook(tmp_path / "skratt.xlsx", {"Lista": rows_of([("Namn",), ("&c;",)])}, prologue=laughs)
    with XlsxWorkbook(path) as workbook, pytest.raises(SpreadsheetRefused, match="declares a document type"):
        list(workbook.rows("Lista"))


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            GOOD_LIST.encode(),
            "lista.xlsx is not an Excel workbook (an .xlsx file is a zip archive, this one is not: a CSV or text "
            "file renamed .xlsx?)",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
            "lista.xlsx is not an .xlsx workbook but an old-format .xls",
        ),
    ],
    ids=["text", "xls"],
)
def test_a_file_that_is_not_a_workbook_is_refused_with_its_name(tmp_path: Path, content: bytes, reason: str) -> None:
    (tmp_path / "lista.xlsx").write_bytes(content)
    (tmp_path / "other.csv").write_text(GOOD_LIST, encoding="utf-8")
    names, warnings = _crawl(tmp_path)
    assert names == ["Södra Gårdens Kooperativ"]
    assert len(warnings) == 1 and warnings[0].startswith(f"city list lista.xlsx skipped: {reason}"), warnings
    assert _said_in_swedish(warnings[0]).startswith("lista.xlsx är ingen")


def test_excel_shared_strings_rich_text_and_numbers_read_as_a_person_sees_them(tmp_path: Path) -> None:
    shared = (
        f'<?xml version="1.0"?><sst xmlns="{MAIN}"><si><t>Namn</t></si><si><t>Org nr</t></si>'
        "<si><r><t>Gröna </t></r><r><rPr><b/></rPr><t>Händer</t></r><rPh><t>fonetik</t></rPh></si>"
        "<si><t>Rad_x000D_brytning</t></si></sst>"
    ).encode()
    rows = (
        b'<row r="2"><c r="B2" t="s"><v>0</v></c><c r="C2" t="s"><v>1</v></c><c r="D2" t="s"><v>3</v></c></row>'
        b'<row r="3"><c r="B3" t="s"><v>2</v></c><c r="C3"><v>7.696001234E9</v></c><c r="D3" t="b"><v>1</v></c>'
        b'<c r="E3" t="str"><f>A1</f><v>formelns v\xc3\xa4rde</v></c><c r="F3"><v>12.5</v></c></row>'
    )
    path = write_workbook(tmp_path / "excel.xlsx", {"Blad1": [rows]}, shared_strings=shared)
    with XlsxWorkbook(path) as workbook:
        assert list(workbook.rows("Blad1")) == [
            (2, ["", "Namn", "Org nr", "Rad\rbrytning"]),
            (3, ["", "Gröna Händer", "7696001234", "TRUE", "formelns värde", "12.5"]),
        ]


# -- CSV -------------------------------------------------------------------------------------------------------


def test_a_csv_field_over_the_cap_is_refused_with_the_file_and_line(tmp_path: Path) -> None:
    # The 130 KB activity text that used to stop the whole source now reads; one over the cap is refused.
    (tmp_path / "lang.csv").write_text(f"Namn;Verksamhet\nMacken;{'cykel ' * 26_000}\n", encoding="utf-8")
    (tmp_path / "for_lang.csv").write_text(
        f"Namn;Verksamhet\nMacken;cykel\nTolvan;{'x' * (MAX_CELL_CHARS + 1)}\n", encoding="utf-8"
    )
    names, warnings = _crawl(tmp_path)
    assert names == ["Macken"]
    assert warnings == [
        "city list for_lang.csv skipped: for_lang.csv, line 3: a field longer than 1,000,000 characters, the "
        "limit for one cell (a quote that is never closed makes the rest of the file one field): refused"
    ]
    assert _said_in_swedish(warnings[0]) == (
        "for_lang.csv, rad 3: ett fält längre än 1,000,000 tecken, gränsen för en cell (ett citattecken som aldrig "
        "stängs gör resten av filen till ett enda fält): läses inte"
    )


def test_a_quote_never_closed_names_the_line_it_opens_on(tmp_path: Path) -> None:
    (tmp_path / "citat.csv").write_text(
        'Namn;Verksamhet\nMacken;cykel\nTolvan;"catering\n' + "rad\n" * (MAX_CELL_CHARS // 4 + 1), encoding="utf-8"
    )
    (tmp_path / "lista.csv").write_text(GOOD_LIST, encoding="utf-8")
    names, warnings = _crawl(tmp_path)
    assert names == ["Södra Gårdens Kooperativ"]
    assert warnings[0].startswith("city list citat.csv skipped: citat.csv, line 3: a field longer than")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        # The audit's file: a name opens a quote that never closes; the next row went into the name.
        (
            'Namn;Kommun\nA Kooperativ;Solna\n"D Kooperativ;Solna\nE;Solna\n',
            "citat.csv, line 3: a quote opened on this line is never closed (the rest of the file would be one "
            "value): refused",
        ),
        # The last line, without a line break after it.
        (
            'Namn;Kommun\nA Kooperativ;Solna\n"D Kooperativ;Solna',
            "citat.csv, line 3: a quote opened on this line is never closed (the rest of the file would be one "
            "value): refused",
        ),
        # Closed by the opening quote of a later row's value, with that value's text after it.
        (
            'Namn;Kommun\n"D Kooperativ;Solna\nE;Solna\n"F AB";Solna\n',
            "citat.csv, line 2: a quoted value runs from this line to line 4 and its closing quote is followed by "
            "more text (a quote never closed where its value ends): refused",
        ),
        # Closed by a stray quote at the end of a later row: no complaint from the csv module at all.
        (
            'Namn;Kommun\n"D Kooperativ;Solna\nE;Solna\nF AB;Solna"\nG;Solna\n',
            "citat.csv, line 2: a quoted value runs from line 2 to line 4 and holds lines that read as rows of "
            "their own (a quote never closed where its value ends): refused",
        ),
    ],
    ids=["at-the-end", "last-line", "closed-by-a-later-value", "closed-by-a-stray-quote"],
)
def test_a_csv_quote_never_closed_is_refused_with_the_file_and_line_and_nothing_swallowed_is_published(
    tmp_path: Path, content: str, reason: str
) -> None:
    (tmp_path / "citat.csv").write_text(content, encoding="utf-8")
    (tmp_path / "lista.csv").write_text(GOOD_LIST, encoding="utf-8")
    names, warnings = _crawl(tmp_path)
    assert names == ["Södra Gårdens Kooperativ"]  # the whole file is skipped, its good rows too, as for any limit
    assert warnings == [f"city list citat.csv skipped: {reason}"]
    assert _said_in_swedish(warnings[0]).startswith("citat.csv, rad ")


def test_a_csv_value_with_its_own_line_break_or_a_quote_inside_is_read_as_before(tmp_path: Path) -> None:
    (tmp_path / "lista.csv").write_text(
        'Namn;Adress;Kommun\n"Gröna Händer";"Storgatan 1\n123 45 Solna";Solna\n"Solen" AB;Torget 2;Växjö\n'
        '"Macken; cykel och café";"Box 12\r\nVäxjö";Växjö\n',
        encoding="utf-8",
    )
    names, warnings = _crawl(tmp_path)
    assert names == ["Gröna Händer", "Solen AB", "Macken; cykel och café"]
    assert warnings == []


@pytest.mark.parametrize(
    ("limits", "content", "reason"),
    [
        (SpreadsheetLimits(max_rows=3), "Namn\na\nb\nc\n", "rader.csv, line 4: more than 3 rows: refused"),
        (
            SpreadsheetLimits(max_columns=2),
            "Namn;Kommun;;x\nMacken;Växjö;;y\n",
            "rader.csv, line 1: content beyond column 2, the most a list may have: refused",
        ),
    ],
    ids=["rows", "columns"],
)
def test_a_csv_list_over_a_limit_is_skipped_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limits: SpreadsheetLimits, content: str, reason: str
) -> None:
    (tmp_path / "rader.csv").write_text(content, encoding="utf-8")
    (tmp_path / "lista.csv").write_text(GOOD_LIST, encoding="utf-8")
    monkeypatch.setattr(city_list, "LIMITS", limits)
    names, warnings = _crawl(tmp_path)
    assert names == ["Södra Gårdens Kooperativ"]
    assert warnings == [f"city list rader.csv skipped: {reason}"]
    assert _said_in_swedish(warnings[0]).startswith("rader.csv, rad ")


def test_dedupe_names_the_file_and_line_of_a_field_over_the_cap(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.csv"
    source.write_text(f"record_id,name\nr1,Macken\nr2,{'x' * (MAX_CELL_CHARS + 1)}\n", encoding="utf-8")
    assert main(["dedupe", str(source), "--output", str(tmp_path / "out.csv")]) == 2
    err = capsys.readouterr().err
    assert "Kan inte läsa " in err and "in.csv, rad 3: ett fält längre än 1,000,000 tecken" in err
    assert "Traceback" not in err and not (tmp_path / "out.csv").exists()
    assert main(["dedupe", "--lang", "en", str(source), "--output", str(tmp_path / "out.csv")]) == 2
    assert "in.csv, line 3: a field longer than 1,000,000 characters" in capsys.readouterr().err


def test_a_city_list_whose_every_file_is_refused_fails_the_source_saying_why(tmp_path: Path) -> None:
    # The officials who keep the list read why in the report, not only that no records came.
    (tmp_path / "citat.csv").write_text('Namn;Kommun\nA Kooperativ;Solna\n"D Kooperativ;Solna\n', encoding="utf-8")
    (tmp_path / "gammal.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    batch = crawl_source(SOURCES["city_list"], replay_ctx(tmp_path / "no-archive", city_list_dir=tmp_path))
    assert not batch.ok and batch.error is not None
    assert batch.error.startswith("ValueError: no file in the city list folder ") and "could be read: " in batch.error
    assert "citat.csv, line 3: a quote opened on this line is never closed" in batch.error
    said = Labels("sv").phrase("source_error", batch.error)
    assert said.startswith("ingen fil i mappen för stadens lista, ") and "kunde läsas: " in said
    assert "citat.csv, rad 3: ett citattecken som öppnas på den här raden stängs aldrig" in said
    assert "gammal.xlsx är ingen .xlsx-arbetsbok utan en .xls i det gamla formatet" in said
