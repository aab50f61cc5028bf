from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assets.ingest import crawl_source
from assets.sources import skoopi
from assets.sources.base import CrawlContext
from registry.http_client import HttpClient, NotInArchive
from registry.raw_archive import RawArchive
from registry.settings import DEFAULT_RECORDINGS_DIR

LOG = logging.getLogger("test")
WHEN = datetime(2026, 11, 26, tzinfo=UTC)


def _ctx(archive_dir: Path) -> CrawlContext:
    return CrawlContext(http=HttpClient(RawArchive(archive_dir), mode="replay"), city_list_dir=Path("."), log=LOG)


def test_the_recorded_list_parses_into_organisation_records() -> None:
    records = list(skoopi.crawl(_ctx(DEFAULT_RECORDINGS_DIR)))
    assert len(records) == 10
    by_key = {r.source_key: r for r in records}
    basta = by_key["basta-arbetskooperativ"]
    assert basta.name == "Basta arbetskooperativ"
    assert basta.municipality == "Nykvarn"
    assert basta.website == "https://www.basta.se"
    assert basta.activity == "Snickeri, byggservice, städ och tryckeri"
    assert basta.source_url == "https://skoopi.coop/asf/basta-arbetskooperativ/"
    # Section headings ("Stockholms län") are not organisations; contact persons are never read.
    assert not any("län" in r.name for r in records)
    assert not any("Exempelsson" in repr(r) for r in records)


def test_when_the_rest_api_fails_the_html_page_is_used(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    archive.store(skoopi.API_URL, 404, {"Content-Type": "application/json"}, b'{"code":"rest_no_route"}', WHEN)
    page = """<html><body><nav><h2>Meny</h2></nav><main><h1>ASF-listan</h1>
    <h3><a href="/asf/macken/">Macken</a></h3><p>Ort: Växjö<br/>Verksamhet: Cykelverkstad</p>
    <h3>Le Mat</h3><p>Ort: Göteborg<br/>E-post: <a href="mailto:info@lemat.example">info@lemat.example</a></p>
    </main></body></html>"""
    archive.store(skoopi.PAGE_URL, 200, {"Content-Type": "text/html; charset=UTF-8"}, page.encode(), WHEN)
    records = list(skoopi.crawl(_ctx(tmp_path)))
    assert [(r.source_key, r.name, r.municipality) for r in records] == [
        ("macken", "Macken", "Växjö"),
        ("Le Mat", "Le Mat", "Göteborg"),
    ]
    assert records[1].email == "info@lemat.example"


def test_a_table_layout_is_read_by_its_header() -> None:
    html = """<table><tr><th>Företag</th><th>Ort</th><th>Bransch</th><th>Kontaktperson</th></tr>
    <tr><td><a href="https://skoopi.coop/asf/koopus/">KOOPUS</a></td><td>Hedemora</td>
    <td>Tvätteri</td><td>Per Person</td></tr>
    </table>"""
    records = skoopi.parse_asf_list(html, skoopi.PAGE_URL, WHEN)
    assert [(r.source_key, r.name, r.municipality, r.activity) for r in records] == [
        ("koopus", "KOOPUS", "Hedemora", "Tvätteri")
    ]
    assert "Per Person" not in repr(records)


def test_a_changed_layout_fails_the_source_instead_of_emptying_it(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    archive.store(
        skoopi.API_URL,
        200,
        {"Content-Type": "application/json"},
        b'[{"link": "https://skoopi.coop/asf-listan/", "content": {"rendered": "<div class=new>x</div>"}}]',
        WHEN,
    )
    batch = crawl_source(skoopi, _ctx(tmp_path))
    assert batch.ok is False and batch.records == []
    assert "no usable records" in (batch.error or "")


def test_a_source_missing_from_the_archive_fails_cleanly(tmp_path: Path) -> None:
    with pytest.raises(NotInArchive):
        list(skoopi.crawl(_ctx(tmp_path)))
    batch = crawl_source(skoopi, _ctx(tmp_path))
    assert batch.ok is False and "NotInArchive" in (batch.error or "")
