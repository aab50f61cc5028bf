from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assets.ingest import crawl_source
from assets.sources import SOURCES, skoopi
from assets.sources.listing import parse_listing
from registry.ingest.http_client import NotInArchive
from registry.ingest.raw_archive import RawArchive
from tests.source_helpers import replay_ctx

SKOOPI = SOURCES["skoopi"]
PAGE_URL = SKOOPI.SPEC.url or ""
API_URL = skoopi.api_url(PAGE_URL)
WHEN = datetime(2026, 11, 26, tzinfo=UTC)


def test_the_recorded_list_is_read_across_its_pages_and_detail_pages() -> None:
    ctx = replay_ctx()
    records = list(SKOOPI.crawl(ctx))
    # The county headings between the members are parse warnings, expected ones: nothing to look at.
    assert ctx.unexpected_warnings == [] and len(ctx.warnings) == 7
    assert all(w.endswith("no details of its own (a section title)") for w in ctx.warnings)
    by_key = {r.source_key: r for r in records}
    assert sorted(by_key) == [
        "Kalmar Hunddagis",
        "Macken",
        "X-CONS Sverige",
        "basta-arbetskooperativ",
        "en-trappa-upp",
        "hela-manniskan-sodertalje",
        "koopus",
        "snickeri-mimosa",
        "vagen-ut-kooperativen",
        "yalla-trappan",
    ]
    basta = by_key["basta-arbetskooperativ"]
    assert (basta.name, basta.municipality, basta.activity) == (
        "Basta arbetskooperativ",
        "Nykvarn",
        "Snickeri, byggservice, städ och tryckeri",
    )
    assert basta.website == "https://www.basta.se"  # only on its detail page
    assert basta.source_url == "https://skoopi.coop/asf/basta-arbetskooperativ/"
    assert basta.categories == "certifierat ASF"
    assert by_key["snickeri-mimosa"].categories is None
    # Entries from the second page, one without a detail page.
    assert (
        by_key["Macken"].municipality == "Växjö"
        and by_key["Macken"].source_url == "https://skoopi.coop/asf-listan/page/2/"
    )
    # Section headings ("Stockholms län") are not organisations; contact persons are never read.
    assert not any("län" in r.name for r in records)
    assert not any("Exempelsson" in repr(r) for r in records)


def test_the_rest_api_page_is_used_when_it_exists(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    rendered = (
        '<h3><a href="https://skoopi.coop/asf/macken/">Macken</a></h3><p>Ort: Växjö<br>Verksamhet: Cykelverkstad</p>'
    )
    body = json.dumps([{"link": "https://skoopi.coop/asf-listan/", "content": {"rendered": rendered}}])
    archive.store(API_URL, 200, {"Content-Type": "application/json"}, body.encode(), WHEN)
    archive.store(
        "https://skoopi.coop/asf/macken/",
        200,
        {},
        b"<div class='entry-content'><p>Telefon: 0470-00 00 00</p></div>",
        WHEN,
    )
    ctx = replay_ctx(tmp_path)
    records = list(SKOOPI.crawl(ctx))
    assert [(r.source_key, r.name, r.municipality, r.phone) for r in records] == [
        ("macken", "Macken", "Växjö", "0470-00 00 00")
    ]


def test_pagination_stops_at_a_loop(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    archive.store(API_URL, 200, {}, b"[]", WHEN)
    looping = (
        '<html><head><link rel="next" href="https://skoopi.coop/asf-listan/"></head><body>'
        "<h3>Macken</h3><p>Ort: Växjö</p></body></html>"
    )
    archive.store(PAGE_URL, 200, {"Content-Type": "text/html; charset=utf-8"}, looping.encode(), WHEN)
    assert [r.name for r in SKOOPI.crawl(replay_ctx(tmp_path))] == ["Macken"]


def test_a_missing_detail_page_costs_only_its_fields_and_is_reported(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    archive.store(API_URL, 200, {}, b"[]", WHEN)
    page = '<h3><a href="https://skoopi.coop/asf/koopus/">KOOPUS</a></h3><p>Ort: Hedemora</p>'
    archive.store(PAGE_URL, 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode(), WHEN)
    archive.store("https://skoopi.coop/asf/koopus/", 404, {}, b"not found", WHEN)
    ctx = replay_ctx(tmp_path)
    batch = crawl_source(SKOOPI, ctx)
    assert batch.ok and [r.name for r in batch.records] == ["KOOPUS"]
    assert len(ctx.warnings) == 1 and "HTTP 404" in ctx.warnings[0]


def test_a_table_layout_is_read_by_its_header() -> None:
    html = """<table><tr><th>Företag</th><th>Ort</th><th>Bransch</th><th>Kontaktperson</th></tr>
    <tr><td><a href="https://skoopi.coop/asf/koopus/">KOOPUS</a></td><td>Hedemora</td>
    <td>Tvätteri</td><td>Per Person</td></tr>
    </table>"""
    entries = parse_listing(html, PAGE_URL, skoopi.SHAPES)
    assert [(e.name, e.fields, e.detail_url) for e in entries] == [
        ("KOOPUS", {"municipality": "Hedemora", "activity": "Tvätteri"}, "https://skoopi.coop/asf/koopus/")
    ]


def test_a_changed_layout_fails_the_source_instead_of_emptying_it(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    archive.store(API_URL, 200, {}, b"[]", WHEN)
    archive.store(PAGE_URL, 200, {}, b"<div class=new-grid><span>KOOPUS</span></div>", WHEN)
    batch = crawl_source(SKOOPI, replay_ctx(tmp_path))
    assert batch.ok is False and batch.records == []
    assert "no usable records" in (batch.error or "")


def test_a_source_missing_from_the_archive_fails_cleanly(tmp_path: Path) -> None:
    with pytest.raises(NotInArchive):
        list(SKOOPI.crawl(replay_ctx(tmp_path)))
    batch = crawl_source(SKOOPI, replay_ctx(tmp_path))
    assert batch.ok is False and "NotInArchive" in (batch.error or "")


def test_detail_pages_disallowed_by_robots_are_skipped_with_the_reason(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    archive.store("https://skoopi.coop/robots.txt", 200, {}, b"User-agent: *\nDisallow: /asf/\n", WHEN)
    archive.store(API_URL, 200, {}, b"[]", WHEN)
    page = '<h3><a href="https://skoopi.coop/asf/koopus/">KOOPUS</a></h3><p>Ort: Hedemora</p>'
    archive.store(PAGE_URL, 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode(), WHEN)
    archive.store("https://skoopi.coop/asf/koopus/", 200, {}, b"<p>Telefon: 0225-00 00 00</p>", WHEN)
    ctx = replay_ctx(tmp_path)
    records = list(SKOOPI.crawl(ctx))
    assert [(r.name, r.phone) for r in records] == [("KOOPUS", None)]
    assert len(ctx.warnings) == 1 and "disallowed by https://skoopi.coop/robots.txt" in ctx.warnings[0]


def test_detail_pages_are_followed_on_each_of_skoopis_hosts_and_nowhere_else(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    archive.store(API_URL, 200, {}, b"[]", WHEN)
    page = (
        '<h3><a href="https://asf.se/asf/macken/">Macken</a></h3><p>Ort: Växjö</p>'
        '<h3><a href="https://www.skoopi.coop/asf/koopus/">KOOPUS</a></h3><p>Ort: Hedemora</p>'
        '<h3><a href="https://returen.example.se/">Returen</a></h3><p>Ort: Nacka</p>'
    )
    archive.store(PAGE_URL, 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode(), WHEN)
    detail = "<main><p>Verksamhet: {}</p></main>"
    archive.store("https://asf.se/asf/macken/", 200, {}, detail.format("Second hand").encode(), WHEN)
    archive.store("https://www.skoopi.coop/asf/koopus/", 200, {}, detail.format("Snickeri").encode(), WHEN)
    ctx = replay_ctx(tmp_path)
    records = {r.name: r for r in SKOOPI.crawl(ctx)}
    assert (records["Macken"].activity, records["KOOPUS"].activity) == ("Second hand", "Snickeri")
    # A link to the enterprise's own site is not a Skoopi page: not fetched (it is not in the archive either).
    assert records["Returen"].activity is None and not ctx.warnings
