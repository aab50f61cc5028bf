from __future__ import annotations

import logging
from pathlib import Path

import pytest

from assets.ingest import crawl_source
from assets.sources import city_list
from assets.sources.base import CrawlContext
from registry.http_client import HttpClient
from registry.raw_archive import RawArchive
from registry.settings import DEFAULT_CITY_LIST_DIR


def _ctx(folder: Path) -> CrawlContext:
    http = HttpClient(RawArchive(folder / "unused"), mode="replay")
    return CrawlContext(http=http, city_list_dir=folder, log=logging.getLogger("test"))


def test_the_bundled_example_list_reads_with_its_bad_rows_quarantined() -> None:
    batch = crawl_source(city_list, _ctx(DEFAULT_CITY_LIST_DIR))
    assert batch.ok
    assert len(batch.records) == 10 and len(batch.quarantined) == 2
    first = batch.records[0]
    assert (first.source_key, first.name, first.municipality) == (
        "stockholm_asf_exempel:1",
        "Basta Arbetskooperativ ek. för.",
        "Nykvarn",
    )
    assert first.source_url == "file:stockholm_asf_exempel.csv#row=2"


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ("Namn,Kommun,Övrigt\nSödra Gårdens Kooperativ,Södertälje,x\n", "utf-8"),
        ("\ufeffNamn;Kommun\nSödra Gårdens Kooperativ;Södertälje\n", "utf-8"),
        ("Namn;Kommun\nSödra Gårdens Kooperativ;Södertälje\n", "cp1252"),
        ("Kommun\tname\nSödertälje\tSödra Gårdens Kooperativ\n", "utf-8"),
    ],
)
def test_spreadsheet_exports_in_any_common_shape_read_the_same(tmp_path: Path, content: str, encoding: str) -> None:
    (tmp_path / "lista.csv").write_bytes(content.encode(encoding))
    records = list(city_list.crawl(_ctx(tmp_path)))
    assert [(r.name, r.municipality, r.source_key) for r in records] == [
        ("Södra Gårdens Kooperativ", "Södertälje", "lista:Södra Gårdens Kooperativ")
    ]


def test_a_file_without_a_name_column_fails_the_source_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "fel.csv").write_text("Kommun;Webb\nSolna;x.se\n")
    batch = crawl_source(city_list, _ctx(tmp_path))
    assert batch.ok is False and "no name column" in (batch.error or "")


def test_a_missing_folder_fails_the_source_with_the_reason(tmp_path: Path) -> None:
    batch = crawl_source(city_list, _ctx(tmp_path / "nowhere"))
    assert batch.ok is False and "does not exist" in (batch.error or "")
