from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from assets.ingest import crawl_source
from assets.sources import SOURCES
from registry.reference.orgnr import OrgnrStatus
from tests.source_helpers import replay_ctx


def _ctx(folder: Path):
    return replay_ctx(folder / "no-archive", city_list_dir=folder)


def test_the_bundled_example_lists_read_with_their_bad_rows_quarantined() -> None:
    batch = crawl_source(SOURCES["city_list"], replay_ctx())
    assert batch.ok
    assert len(batch.records) == 12 and len(batch.quarantined) == 2
    first = batch.records[0]
    assert (first.source_key, first.name, first.municipality) == (
        "stockholm_asf_exempel:1",
        "Basta Arbetskooperativ ek. för.",
        "Nykvarn",
    )
    assert first.source_url == "file:stockholm_asf_exempel.csv#row=2"
    from_excel = {r.name: r for r in batch.records if r.source_key.startswith("stockholm_asf_tillagg:")}
    assert sorted(from_excel) == ["Exempel Cykelkooperativ Söder", "Exempelbageriet Surdegen ek. för."]
    assert from_excel["Exempelbageriet Surdegen ek. för."].categories == "Livsmedel"


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ("Namn,Kommun,Övrigt\nSödra Gårdens Kooperativ,Södertälje,x\n", "utf-8"),
        ("\ufeffNamn;Kommun\nSödra Gårdens Kooperativ;Södertälje\n", "utf-8"),
        ("Namn;Kommun\nSödra Gårdens Kooperativ;Södertälje\n", "cp1252"),
        ("Kommun\tname\nSödertälje\tSödra Gårdens Kooperativ\n", "utf-8"),
    ],
)
def test_csv_exports_in_any_common_shape_read_the_same(tmp_path: Path, content: str, encoding: str) -> None:
    (tmp_path / "lista.csv").write_bytes(content.encode(encoding))
    records = list(SOURCES["city_list"].crawl(_ctx(tmp_path)))
    assert [(r.name, r.municipality, r.source_key) for r in records] == [
        ("Södra Gårdens Kooperativ", "Södertälje", "lista:Södra Gårdens Kooperativ")
    ]


def test_xlsx_with_extra_and_missing_columns_and_a_title_row(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Lista"
    sheet.append(["ASF i Stockholms län (arbetsmaterial)"])
    # No Kommun column at all, two columns we do not know, and the orgnr typed as a number.
    sheet.append(["Löpnummer", "Företagsnamn", "Org nr", "Kontaktad", "Anteckning", "Webbplats"])
    sheet.append([7, "Gröna Händer", 7696001234, "ja", "ring i maj", "gronahander.example"])
    sheet.append([8, None, None, "nej", "", ""])
    sheet.append([None, None, None, None, None, None])
    empty = workbook.create_sheet("Anteckningar")
    empty.append(["Bara fritext här"])
    workbook.save(tmp_path / "lista.xlsx")
    (tmp_path / "~$lista.xlsx").write_bytes(b"Excel lock file")
    ctx = _ctx(tmp_path)
    batch = crawl_source(SOURCES["city_list"], ctx)
    assert [(r.source_key, r.name, r.orgnr, r.orgnr_status, r.website, r.municipality) for r in batch.records] == [
        ("lista/Lista:7", "Gröna Händer", "769600-1234", OrgnrStatus.VALID, "gronahander.example", None)
    ]
    assert [q.reason for q in batch.quarantined] == ["missing name"]
    assert batch.records[0].source_url == "file:lista.xlsx#Lista!row=3"
    assert ctx.warnings == ["lista.xlsx / Anteckningar: no name column in the first 10 rows, sheet skipped"]


def test_a_file_without_a_name_column_fails_the_source_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "fel.csv").write_text("Kommun;Webb\nSolna;x.se\n")
    batch = crawl_source(SOURCES["city_list"], _ctx(tmp_path))
    assert batch.ok is False and "no name column" in (batch.error or "")


def test_a_missing_folder_fails_the_source_with_the_reason(tmp_path: Path) -> None:
    batch = crawl_source(SOURCES["city_list"], _ctx(tmp_path / "nowhere"))
    assert batch.ok is False and "does not exist" in (batch.error or "")
