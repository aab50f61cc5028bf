"""Exports of the registry: every format readable the way analysts read it, following the v1 views."""

from __future__ import annotations

import csv
import json
import logging
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from stdnum import luhn

from pipelines.cli import main
from registry.reference.personnummer import REDACTED_PERSONNUMMER, contains_personnummer
from registry.store.columns import ORGANISATIONS
from registry.tools import export
from registry.tools.export import ExportFormat, ExportOptions, export_registry, neutralise_formula, parse_since
from tests.registry_rows import SEEN, change, organisation, registry_with

# A personnummer that validates (1981-12-18, check digit by Luhn), and an organisationsnummer that does too.
PERSONNUMMER = "811218-987" + luhn.calc_check_digit("811218987")
ORGNR = "556012-579" + luhn.calc_check_digit("556012579")
HOSTILE = {
    "hyperlink": '=HYPERLINK("http://evil")',
    "dde": "=cmd|' /C calc'!A0",
    "at": "@SUM(1)",
}
PHONE = "+46 8 123 45 67"
CHANGED = datetime(2026, 11, 20, 2, 30, tzinfo=UTC)


def _rows() -> list[object]:
    return [
        organisation(
            "asf-aaaa0001",
            "Gröna Händer Städ ek. för.",
            orgnr=ORGNR,
            legal_form="EK",
            svb=False,
            kommun_code="0180",
            kommun_name="Stockholm",
            lan_code="01",
            lan_name="Stockholms län",
            phone=PHONE,
            website=HOSTILE["hyperlink"],
            activity=HOSTILE["dde"],
            business_description=HOSTILE["at"],
            activity_areas="catering,cleaning",
            cpv_divisions="55,90",
            source_count=2,
            sources="city_list,skoopi",
        ),
        organisation(
            "asf-aaaa0002",
            "Kooperativet Vägen Ut",
            activity=f"Kontakt: Anna, {PERSONNUMMER}",
            email="info@example.org",
        ),
        organisation(
            "asf-aaaa0003",
            "Nedlagda Caféet AB",
            active=False,
            listed=False,
            inactive_since=CHANGED,
            merged_into="asf-aaaa0001",
        ),
        change("asf-aaaa0001", "added", changed_at=datetime(2026, 10, 1, 2, 30, tzinfo=UTC)),
        change("asf-aaaa0002", "changed", field="phone", old_value="-", new_value=PHONE, changed_at=CHANGED),
        change("asf-aaaa0003", "inactivated", detail="no source lists it", changed_at=CHANGED),
    ]


@pytest.fixture
def registry(registry_url: str) -> Iterator[Engine]:
    engine = registry_with(registry_url, _rows())
    yield engine
    engine.dispose()


def _view(engine: Engine, view: str) -> tuple[list[str], list[dict[str, object]]]:
    with engine.connect() as connection:
        result = connection.execute(sa.text(f"SELECT * FROM {view}"))
        return list(result.keys()), [dict(row._mapping) for row in result]


def _column_named(label: object) -> str:
    """The column a workbook heading (a Swedish label) stands for."""
    return next(column.name for column in ORGANISATIONS if column.label_sv == label)


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


# --- CSV -----------------------------------------------------------------------------------------------------


def test_csv_export_has_the_view_columns_and_rows_and_reads_in_pandas(registry: Engine, tmp_path: Path) -> None:
    report = export_registry(registry, "csv", tmp_path / "out")
    assert report.paths == (tmp_path / "out" / "organisations.csv", tmp_path / "out" / "change_log.csv")
    assert report.rows == {"organisations": 2, "change_log": 3}

    columns, _ = _view(registry, "registry_v2_organisations")
    frame = pd.read_csv(tmp_path / "out" / "organisations.csv", dtype=str, keep_default_na=False)
    assert list(frame.columns) == columns  # the BOM does not end up in the first column's name
    assert list(frame["registry_id"]) == ["asf-aaaa0001", "asf-aaaa0002"]
    first = frame.iloc[0]
    assert first["name"] == "Gröna Händer Städ ek. för."
    assert first["kommun_code"] == "0180" and first["orgnr"] == ORGNR
    assert first["svb"] == "false" and first["active"] == "true" and first["source_count"] == "2"
    assert first["first_seen_at"] == "2026-11-26T02:30:00Z"
    assert first["inactive_since"] == ""

    log_columns, _ = _view(registry, "registry_v1_change_log")
    log = pd.read_csv(tmp_path / "out" / "change_log.csv", dtype=str, keep_default_na=False)
    assert list(log.columns) == log_columns
    assert list(log["change"]) == ["added", "changed", "inactivated"]


def test_csv_is_utf8_with_a_bom_and_rfc4180(registry: Engine, tmp_path: Path) -> None:
    export_registry(registry, "csv", tmp_path)
    raw = (tmp_path / "organisations.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfregistry_id,name,")
    assert "Gröna Händer".encode() in raw
    assert raw.count(b"\r\n") == 3 and b"\n" not in raw.replace(b"\r\n", b"")
    # A quote inside a value is doubled inside a quoted field.
    assert b'"\'=HYPERLINK(""http://evil"")"' in raw


def test_csv_neutralises_formulas_but_not_phone_numbers(registry: Engine, tmp_path: Path) -> None:
    export_registry(registry, "csv", tmp_path)
    first = _csv_rows(tmp_path / "organisations.csv")[0]
    assert first["website"] == "'" + HOSTILE["hyperlink"]
    assert first["activity"] == "'" + HOSTILE["dde"]
    assert first["business_description"] == "'" + HOSTILE["at"]
    assert first["phone"] == PHONE
    changed = _csv_rows(tmp_path / "change_log.csv")[1]
    assert changed["old_value"] == "-" and changed["new_value"] == PHONE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("@SUM(1)", "'@SUM(1)"),
        ("+A1", "'+A1"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("+1+1", "'+1+1"),
        ("\t=1", "'\t=1"),
        ("\rfoo", "'\rfoo"),
        ("  =1+1", "'  =1+1"),
        ("\n@x", "'\n@x"),
        ("- städning", "'- städning"),
        ("+46 8 123 45 67", "+46 8 123 45 67"),
        ("+46 (0)8-123 45 67", "+46 (0)8-123 45 67"),
        ("-12,5", "-12,5"),
        ("-3", "-3"),
        ("-", "-"),
        ("Café = mat", "Café = mat"),
        ("info@example.org", "info@example.org"),
        ("", ""),
    ],
)
def test_the_formula_rule(text: str, expected: str) -> None:
    assert neutralise_formula(text) == expected


# --- JSON ----------------------------------------------------------------------------------------------------


def test_json_export_is_one_document_with_both_tables_verbatim(registry: Engine, tmp_path: Path) -> None:
    now = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    path = tmp_path / "registry.json"
    report = export_registry(registry, ExportFormat.JSON, path, now=now)
    assert report.paths == (path,)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["schema_version"] == 2
    assert document["exported_at"] == "2026-11-27T08:00:00Z"
    assert document["filters"] == {"include_inactive": False, "since": None}

    columns, rows = _view(registry, "registry_v2_organisations")
    assert [list(row) for row in document["organisations"]] == [columns, columns]
    first = document["organisations"][0]
    assert first["website"] == HOSTILE["hyperlink"]  # not executed anywhere: kept as it is
    assert first["svb"] is False and first["active"] is True and first["source_count"] == 2
    assert first["first_seen_at"] == "2026-11-26T02:30:00Z" and first["inactive_since"] is None
    view_first = next(row for row in rows if row["registry_id"] == "asf-aaaa0001")
    for column in columns:
        if not column.endswith(("_at", "_since")) and column not in ("svb", "listed", "active"):
            assert first[column] == view_first[column], column

    series = pd.read_json(path, typ="series")
    frame = pd.DataFrame(series["organisations"])
    assert list(frame.columns) == columns and len(frame) == 2
    log = pd.DataFrame(series["change_log"])
    assert list(log["change"]) == ["added", "changed", "inactivated"]


def test_include_inactive_exports_every_organisation(registry: Engine, tmp_path: Path) -> None:
    report = export_registry(registry, "json", tmp_path / "all.json", ExportOptions(include_inactive=True))
    assert report.rows["organisations"] == 3
    document = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    inactive = document["organisations"][2]
    assert inactive["registry_id"] == "asf-aaaa0003" and inactive["active"] is False
    assert inactive["inactive_since"] == "2026-11-20T02:30:00Z" and inactive["merged_into"] == "asf-aaaa0001"
    assert document["filters"]["include_inactive"] is True


def test_since_limits_the_change_log_only(registry: Engine, tmp_path: Path) -> None:
    options = ExportOptions(since=parse_since("2026-11-20"))
    report = export_registry(registry, "json", tmp_path / "since.json", options)
    assert report.rows == {"organisations": 2, "change_log": 2}
    document = json.loads((tmp_path / "since.json").read_text(encoding="utf-8"))
    assert [row["change"] for row in document["change_log"]] == ["changed", "inactivated"]
    assert document["filters"]["since"] == "2026-11-20T00:00:00Z"
    assert export_registry(registry, "json", tmp_path / "later.json", ExportOptions(since=parse_since("2026-11-21")))
    assert json.loads((tmp_path / "later.json").read_text(encoding="utf-8"))["change_log"] == []


def test_parse_since() -> None:
    assert parse_since("2026-11-20") == datetime(2026, 11, 20, tzinfo=UTC)
    assert parse_since("2026-11-20T12:00") == datetime(2026, 11, 20, 12, tzinfo=UTC)
    assert parse_since("2026-11-20T12:00+01:00") == datetime(2026, 11, 20, 11, tzinfo=UTC)
    with pytest.raises(ValueError):
        parse_since("20 november")


# --- Parquet -------------------------------------------------------------------------------------------------


def test_parquet_export_has_typed_columns(registry: Engine, tmp_path: Path) -> None:
    export_registry(registry, "parquet", tmp_path / "pq", ExportOptions(include_inactive=True))
    table = pq.read_table(tmp_path / "pq" / "organisations.parquet")
    columns, _ = _view(registry, "registry_v2_organisations")
    assert table.column_names == columns and table.num_rows == 3
    schema = table.schema
    assert schema.field("name").type == pa.string()
    assert schema.field("svb").type == pa.bool_() and schema.field("active").type == pa.bool_()
    assert schema.field("source_count").type == pa.int64()
    for name in ("first_seen_at", "last_seen_at", "inactive_since"):
        assert schema.field(name).type == pa.timestamp("us", tz="UTC"), name
    about = json.loads(schema.metadata[b"asf_registry"])
    assert about["schema_version"] == 2 and about["view"] == "registry_v2_organisations"
    assert schema.field("orgnr").metadata == {
        b"description": b"Organisationsnummer NNNNNN-NNNN, if known",
        b"label_sv": b"Organisationsnummer",
        b"label_en": b"Organisation number",
    }
    rows = table.to_pylist()
    assert rows[0]["first_seen_at"] == SEEN and rows[0]["website"] == HOSTILE["hyperlink"]
    assert rows[0]["svb"] is False and rows[1]["svb"] is None and rows[2]["active"] is False

    log = pq.read_table(tmp_path / "pq" / "change_log.parquet")
    assert log.schema.field("id").type == pa.int64()
    assert log.schema.field("changed_at").type == pa.timestamp("us", tz="UTC")
    assert log.column("change").to_pylist() == ["added", "changed", "inactivated"]
    assert pd.read_parquet(tmp_path / "pq" / "organisations.parquet")["active"].dtype == bool


# --- Excel ---------------------------------------------------------------------------------------------------


def test_xlsx_export_has_a_sheet_per_table_with_a_frozen_bold_header(registry: Engine, tmp_path: Path) -> None:
    path = tmp_path / "registry.xlsx"
    export_registry(registry, "xlsx", path)
    workbook = openpyxl.load_workbook(path)
    # The data sheets keep their tables' names (readers open them by name); the about sheet is named in Swedish.
    assert workbook.sheetnames == ["organisations", "change_log", "Om exporten"]
    sheet = workbook["organisations"]
    columns, _ = _view(registry, "registry_v2_organisations")
    # People read the workbook: each column is headed by its Swedish label.
    heads = [cell.value for cell in sheet[1]]
    assert heads == [ORGANISATIONS[name].label_sv for name in columns]
    assert heads[:4] == ["Register-ID", "Namn", "Organisationsnummer", "Organisationsform"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    name_column = columns.index("name") + 1
    width = sheet.column_dimensions[openpyxl.utils.get_column_letter(name_column)].width
    assert len("Gröna Händer Städ ek. för.") <= width <= 60
    first_seen = sheet.cell(row=2, column=columns.index("first_seen_at") + 1)
    assert first_seen.is_date and first_seen.value == SEEN.replace(tzinfo=None)

    frame = pd.read_excel(path, sheet_name="organisations", engine="openpyxl", dtype={"Kommunkod": str})
    assert len(frame) == 2 and frame.loc[0, "Kommunkod"] == "0180"
    log = pd.read_excel(path, sheet_name="change_log", engine="openpyxl")
    assert list(log["Ändring"]) == ["added", "changed", "inactivated"]


def _about(
    path: Path, sheet: str = "Om exporten"
) -> tuple[dict[str, object], dict[tuple[str, str], dict[str, str]]]:
    """The about sheet: its facts, and per (sheet, column) its row of explanations by heading."""
    rows = list(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))
    blank = next(i for i, row in enumerate(rows) if not any(row))
    facts = {row[0]: row[1] for row in rows[:blank]}
    heads = rows[blank + 1]
    explained = {(row[0], row[2]): dict(zip(heads, row, strict=True)) for row in rows[blank + 2 :]}
    return facts, explained  # type: ignore[return-value]


def test_the_about_sheet_explains_every_column_and_its_codes_in_swedish(registry: Engine, tmp_path: Path) -> None:
    path = tmp_path / "registry.xlsx"
    export_registry(registry, "xlsx", path)
    facts, explained = _about(path)
    assert list(facts) == ["Schemaversion", "Exporterad (UTC)", "Inaktiva organisationer med", "Ändringar sedan",
                           "Vyer", "Tider"]  # fmt: skip
    assert facts["Schemaversion"] == 2 and facts["Tider"] == "alla tidpunkter är UTC"
    assert facts["Inaktiva organisationer med"] == "nej" and facts["Ändringar sedan"] == "(hela ändringsloggen)"
    assert facts["Vyer"] == "registry_v2_organisations, registry_v1_change_log"
    columns, _ = _view(registry, "registry_v2_organisations")
    assert [column for sheet, column in explained if sheet == "organisations"] == columns
    assert all(row["Betydelse"] for row in explained.values())
    kommun = explained[("organisations", "kommun_code")]
    assert kommun["Rubrik"] == "Kommunkod" and kommun["Betydelse"] == "SCB:s kommunkod, t.ex. 0180"
    evidence = explained[("organisations", "evidence")]["Koder"]
    assert "current_list = på en aktuell ASF-lista" in evidence and "weak_signal = bara på en allmän" in evidence
    assert "EK = ekonomisk förening" in explained[("organisations", "legal_form")]["Koder"]
    assert "bicycle_repair = Cykelverkstad" in explained[("organisations", "activity_areas")]["Koder"]
    assert "50 = Reparation och underhåll" in explained[("organisations", "cpv_divisions")]["Koder"]
    assert "name = namnlikhet" in explained[("organisations", "register_match")]["Koder"]
    assert "inactivated = inaktiv" in explained[("change_log", "change")]["Koder"]
    assert explained[("change_log", "old_value")]["Rubrik"] == "Före"


def test_the_workbook_in_english(registry: Engine, tmp_path: Path) -> None:
    path = tmp_path / "registry.xlsx"
    export_registry(registry, "xlsx", path, ExportOptions(lang="en"))
    assert [cell.value for cell in openpyxl.load_workbook(path)["organisations"][1]][:3] == [
        "Registry ID", "Name", "Organisation number"
    ]  # fmt: skip
    assert openpyxl.load_workbook(path).sheetnames == ["organisations", "change_log", "about"]
    facts, explained = _about(path, "about")
    assert facts["Times"] == "all date-times are UTC" and facts["Inactive organisations included"] == "no"
    assert facts["Schema version"] == 2 and facts["Changes since"] == "(the whole change log)"
    assert explained[("organisations", "kommun_code")]["Meaning"] == "SCB kommun code, e.g. 0180"
    assert "historical_list = only on the closed Sofisam list" in explained[("organisations", "evidence")]["Codes"]


def test_xlsx_stores_formula_like_text_as_text(registry: Engine, tmp_path: Path) -> None:
    path = tmp_path / "registry.xlsx"
    export_registry(registry, "xlsx", path)
    sheet = openpyxl.load_workbook(path)["organisations"]
    columns = [_column_named(cell.value) for cell in sheet[1]]

    def cell(name: str) -> openpyxl.cell.cell.Cell:
        return sheet.cell(row=2, column=columns.index(name) + 1)

    for name, hostile in (("website", "hyperlink"), ("activity", "dde"), ("business_description", "at")):
        assert cell(name).data_type == "s", name
        assert cell(name).value == "'" + HOSTILE[hostile]
    assert cell("phone").data_type == "s" and cell("phone").value == PHONE
    for row in sheet.iter_rows():
        assert all(c.data_type != "f" for c in row)


def test_the_xlsx_writer_keeps_text_that_starts_with_equals_a_string(tmp_path: Path) -> None:
    # Even without the prefix (a rule change, a future column kind), openpyxl must not be left to make a formula.
    columns = (export.ExportColumn("note", export.ColumnKind.TEXT),)
    table = export.ExportTable("organisations", columns, [("=1+1",)])
    path = tmp_path / "one.xlsx"
    with path.open("wb") as handle:
        export.xlsx_writer([table], datetime.now(UTC), ExportOptions())(handle)
    note = openpyxl.load_workbook(path)["organisations"]["A2"]
    assert note.data_type == "s" and note.value == "'=1+1"


# --- Personal data -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_no_format_exports_a_personnummer(
    registry: Engine, tmp_path: Path, fmt: ExportFormat, caplog: pytest.LogCaptureFixture
) -> None:
    assert contains_personnummer(PERSONNUMMER) and not contains_personnummer(ORGNR)
    output = tmp_path / ("out" if fmt.is_directory else f"registry.{fmt.value}")
    with caplog.at_level(logging.WARNING, logger="registry.tools.export"):
        report = export_registry(registry, fmt, output)
    assert [(r.table, r.row, r.column) for r in report.redactions] == [("organisations", "asf-aaaa0002", "activity")]
    assert "row asf-aaaa0002, column activity" in caplog.text and PERSONNUMMER not in caplog.text

    if fmt is ExportFormat.CSV:
        activities = list(pd.read_csv(output / "organisations.csv", dtype=str)["activity"])
    elif fmt is ExportFormat.PARQUET:
        activities = pq.read_table(output / "organisations.parquet").column("activity").to_pylist()
    elif fmt is ExportFormat.JSON:
        activities = [row["activity"] for row in json.loads(output.read_text(encoding="utf-8"))["organisations"]]
    else:
        heading = ORGANISATIONS["activity"].label_sv
        activities = list(pd.read_excel(output, sheet_name="organisations", engine="openpyxl")[heading])
    assert activities[1] == REDACTED_PERSONNUMMER
    # Nothing anywhere in the written files, nor the digits without their separator.
    for path in report.paths:
        data = path.read_bytes()
        assert PERSONNUMMER.encode() not in data and PERSONNUMMER.replace("-", "").encode() not in data
    # An organisationsnummer is not a personnummer and stays.
    assert report.rows["organisations"] == 2


# --- Writing -------------------------------------------------------------------------------------------------


def test_a_failed_export_leaves_the_previous_file_whole(
    registry: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "exports" / "registry.json"
    export_registry(registry, "json", path)
    before = path.read_bytes()

    def half_then_fail(*_args: object) -> export.Writer:
        def write(handle: BinaryIO) -> None:
            handle.write(b'{"schema_version": 1, "organisations": [')
            raise OSError("disk full")

        return write

    monkeypatch.setattr(export, "json_writer", half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        export_registry(registry, "json", path)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["registry.json"]


def test_a_directory_export_replaces_no_file_unless_all_were_written(
    registry: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    export_registry(registry, "csv", out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real = export.csv_writer

    def fail_on_change_log(table: export.ExportTable) -> export.Writer:
        if table.name == "change_log":
            raise_later = real(table)

            def write(handle: BinaryIO) -> None:
                raise_later(handle)
                raise OSError("disk full")

            return write
        return real(table)

    monkeypatch.setattr(export, "csv_writer", fail_on_change_log)
    with pytest.raises(OSError, match="disk full"):
        export_registry(registry, "csv", out, ExportOptions(include_inactive=True))
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_atomic_write_replaces_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "file.txt"
    path.write_text("old")
    export.write_atomically([(path, lambda handle: handle.write(b"new"))])
    assert path.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["file.txt"]


def test_the_output_must_be_of_the_right_kind(registry: Engine, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="is a file"):
        export_registry(registry, "csv", tmp_path / "file")
    with pytest.raises(ValueError, match="is a directory"):
        export_registry(registry, "xlsx", tmp_path)


def test_an_empty_registry_exports_headers_only(sqlite_url: str, tmp_path: Path) -> None:
    engine = registry_with(sqlite_url, [])
    for fmt in ExportFormat:
        output = tmp_path / ("dir" if fmt.is_directory else f"empty.{fmt.value}")
        report = export_registry(engine, fmt, output)
        assert report.rows == {"organisations": 0, "change_log": 0}
    assert pd.read_csv(tmp_path / "dir" / "organisations.csv").empty
    assert pq.read_table(tmp_path / "dir" / "change_log.parquet").num_rows == 0
    assert pd.read_excel(tmp_path / "empty.xlsx", sheet_name="change_log").columns[0] == "Rad"
    engine.dispose()


# --- The command ---------------------------------------------------------------------------------------------


def test_export_command(
    registry: Engine,
    registry_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ASF_REGISTRY_DB_URL", registry_url)
    out = tmp_path / "exports"
    assert main(["export", "--format", "csv", "--output", str(out), "--include-inactive", "--since", "2026-11-20"]) == 0
    printed = capsys.readouterr()
    assert printed.out.strip() == (
        f"Exporterade 3 organisationer (alla) och 2 ändringar i ändringsloggen sedan 2026-11-20 som csv: "
        f"{out / 'organisations.csv'}, {out / 'change_log.csv'}"
    )
    assert printed.err.strip() == (
        "varning: ett personnummer togs bort: tabellen organisations, rad asf-aaaa0002, kolumnen activity"
    )
    assert len(_csv_rows(out / "organisations.csv")) == 3 and len(_csv_rows(out / "change_log.csv")) == 2

    assert main(["export", "--format", "parquet", "--output", str(tmp_path / "pq")]) == 0
    assert pq.read_table(tmp_path / "pq" / "organisations.parquet").num_rows == 2
    capsys.readouterr()

    assert main(["export", "--format", "json", "--output", str(out)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"Kan inte exportera till {out}: {out} är en mapp; --format json skriver en fil"
    )
    assert main(["export", "--lang", "en", "--format", "csv", "--output", str(tmp_path / "log.csv"),
                 "--table", "change_log"]) == 0  # fmt: skip
    assert capsys.readouterr().out.strip() == f"Exported 3 change-log entries as csv: {tmp_path / 'log.csv'}"
    assert main(["export", "--format", "xlsx", "--output", str(tmp_path / "r.xlsx"), "--table", "change_log"]) == 2
    assert "--table väljer tabell för csv och parquet; xlsx rymmer båda tabellerna" in capsys.readouterr().err
    assert main(["export", "--format", "csv", "--output", str(tmp_path / "r.txt")]) == 2
    assert f"{tmp_path / 'r.txt'} slutar inte på .csv: ange en .csv-fil eller en mapp" in capsys.readouterr().err
    assert main(["export", "--format", "json", "--output", str(tmp_path / "r.json"), "--since", "last week"]) == 2
    assert "--since vill ha ett datum, ÅÅÅÅ-MM-DD, inte 'last week'" in capsys.readouterr().err
    # The same in English.
    assert main(["export", "--lang", "en", "--format", "json", "--output", str(out)]) == 2
    assert f"Cannot export to {out}: {out} is a directory; --format json writes one file" in capsys.readouterr().err
    assert main(["export", "--lang", "en", "--format", "csv", "--output", str(tmp_path / "e"),
                 "--include-inactive"]) == 0  # fmt: skip
    assert capsys.readouterr().err.strip() == (
        "warning: a personnummer was redacted: table organisations, row asf-aaaa0002, column activity"
    )
    assert main(["export", "--lang", "en", "--format", "json", "--output", str(tmp_path / "r.json"), "--since",
                 "last week"]) == 2  # fmt: skip
    assert "--since wants a date, YYYY-MM-DD, not 'last week'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["export", "--format", "ods", "--output", str(tmp_path / "r.ods")])


# --- Files and order -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [ExportFormat.CSV, ExportFormat.PARQUET])
def test_an_output_file_is_exactly_that_file_holding_the_table_chosen(
    registry: Engine, tmp_path: Path, fmt: ExportFormat
) -> None:
    path = tmp_path / "deep" / f"registry.{fmt.value}"
    report = export_registry(registry, fmt, path)
    assert report.paths == (path,) and report.rows == {"organisations": 2}
    assert path.is_file() and sorted(p.name for p in path.parent.iterdir()) == [path.name]
    read = pd.read_csv(path, dtype=str) if fmt is ExportFormat.CSV else pd.read_parquet(path)
    assert list(read["registry_id"]) == ["asf-aaaa0001", "asf-aaaa0002"]

    log = tmp_path / f"log.{fmt.value}"
    assert export_registry(registry, fmt, log, ExportOptions(table="change_log")).rows == {"change_log": 3}
    read = pd.read_csv(log, dtype=str) if fmt is ExportFormat.CSV else pd.read_parquet(log)
    assert list(read["change"]) == ["added", "changed", "inactivated"]

    # A directory (existing, or named without an extension) still receives a file per table.
    assert export_registry(registry, fmt, tmp_path / "both").paths == (
        tmp_path / "both" / f"organisations.{fmt.value}",
        tmp_path / "both" / f"change_log.{fmt.value}",
    )
    one = export_registry(registry, fmt, tmp_path / "both", ExportOptions(table="change_log"))
    assert one.paths == (tmp_path / "both" / f"change_log.{fmt.value}",)


def test_an_output_of_the_wrong_kind_is_refused_before_anything_is_written(registry: Engine, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ValueError, match=r"does not end in \.csv"):
        export_registry(registry, "csv", out / "registry.parquet")
    (out / "notes").write_text("x")
    with pytest.raises(ValueError, match=r"is a file without the extension \.csv"):
        export_registry(registry, "csv", out / "notes")
    with pytest.raises(ValueError, match="no table 'runs'"):
        export_registry(registry, "csv", out / "r.csv", ExportOptions(table="runs"))
    assert sorted(p.name for p in out.iterdir()) == ["notes"]


def test_organisations_are_in_swedish_alphabetical_order(sqlite_url: str, tmp_path: Path) -> None:
    names = {"asf-1": "Örebro Tvätt", "asf-2": "Åre Kök", "asf-3": "Zeta Städ", "asf-4": "Ängby Café",
             "asf-5": "alfa bygg", "asf-6": "Éclair Bageri"}  # fmt: skip
    engine = registry_with(sqlite_url, [organisation(rid, name) for rid, name in names.items()])
    export_registry(engine, "csv", tmp_path / "sorted.csv")
    engine.dispose()
    assert [row["name"] for row in _csv_rows(tmp_path / "sorted.csv")] == [
        "alfa bygg", "Éclair Bageri", "Zeta Städ", "Åre Kök", "Ängby Café", "Örebro Tvätt"
    ]  # fmt: skip


def test_exports_are_not_committed() -> None:
    from registry.settings import PROJECT_ROOT

    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "exports/registry.xlsx"], cwd=PROJECT_ROOT, check=False, capture_output=True
    )
    assert ignored.returncode == 0, "exports/ must be in .gitignore"
