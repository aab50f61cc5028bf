"""Sofisam (via the Wayback Machine), Social Trade, Region Örebro län and Integrationspakten on their recordings."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from assets.ingest import crawl_source
from assets.sources import SOURCES, sofisam
from registry.ingest.raw_archive import RawArchive
from registry.settings import parse_moment
from tests.source_helpers import replay_ctx

WHEN = datetime(2026, 11, 26, tzinfo=UTC)
SOFISAM, SOCIAL_TRADE = SOURCES["sofisam"], SOURCES["social_trade"]
REGION_OREBRO, INTEGRATIONSPAKTEN = SOURCES["region_orebro"], SOURCES["integrationspakten"]


def test_sofisam_reads_the_newest_capture_of_each_list_page() -> None:
    ctx = replay_ctx()
    records = list(SOFISAM.crawl(ctx))
    by_key = {r.source_key: r for r in records}
    assert sorted(by_key) == [
        "basta-arbetskooperativ",
        "exempelcafeet-solrosen",
        "grona-hander-i-orebro",
        "kalmar-hunddagis",
        "steg-for-steg",
        "vagen-ut-kooperativen",
    ]
    vagen_ut = by_key["vagen-ut-kooperativen"]
    # The record says when Sofisam said it, and which snapshot it came from.
    assert vagen_ut.fetched_at == datetime(2020, 6, 11, 8, 30, 47, tzinfo=UTC)
    assert vagen_ut.source_url == (
        "https://web.archive.org/web/20200611083047id_/https://sofisam.se/sociala-foretag/hitta-sociala-foretag.html"
    )
    assert by_key["grona-hander-i-orebro"].orgnr_as_written == "16769600-1234"
    assert SOFISAM.SPEC.historical


def test_sofisam_keeps_the_newest_capture_per_url() -> None:
    rows = [
        ["urlkey", "timestamp", "original", "statuscode", "digest"],
        ["k1", "20190101000000", "https://sofisam.se/a.html", "200", "x"],
        ["k1", "20200101000000", "https://sofisam.se/a.html", "200", "y"],
        ["k2", "20180101000000", "https://sofisam.se/a.html?sida=2", "200", "z"],
    ]
    assert [(c["urlkey"], c["timestamp"]) for c in sofisam.latest_captures(rows)] == [
        ("k1", "20200101000000"),
        ("k2", "20180101000000"),
    ]
    assert sofisam.latest_captures([]) == []


def test_sofisam_without_captures_fails_with_the_reason(tmp_path: Path) -> None:
    RawArchive(tmp_path).store(
        sofisam.cdx_url(sofisam.archived_path(SOFISAM.SPEC)), 200, {}, b'[["urlkey","timestamp","original"]]', WHEN
    )
    batch = crawl_source(SOFISAM, replay_ctx(tmp_path))
    assert batch.ok is False and "no capture" in (batch.error or "")


def test_a_sofisam_capture_of_only_its_search_form_fails_the_source_with_the_reason(tmp_path: Path) -> None:
    # Sofisam was a searchable database: a capture of the list path may hold the search form and no rows.
    original = "https://sofisam.se/sociala-foretag/hitta-sociala-foretag.html"
    cdx = [["urlkey", "timestamp", "original", "statuscode", "digest"], ["k", "20200611083047", original, "200", "d"]]
    form = (
        "<main><h1>Hitta sociala företag</h1><p>Sök bland de arbetsintegrerande sociala företagen.</p>"
        "<form action='/sok'><h3>Sök företag</h3><label>Län <select name='lan'><option>Alla län</option>"
        "<option>Örebro län</option></select></label><label>Bransch <input name='q'></label>"
        "<button>Sök</button></form></main>"
    )
    archive = RawArchive(tmp_path)
    archive.store(sofisam.cdx_url(sofisam.archived_path(SOFISAM.SPEC)), 200, {}, json.dumps(cdx).encode(), WHEN)
    snapshot = sofisam.SNAPSHOT.format(timestamp="20200611083047", original=original)
    archive.store(snapshot, 200, {"Content-Type": "text/html; charset=utf-8"}, form.encode(), WHEN)
    ctx = replay_ctx(tmp_path)
    batch = crawl_source(SOFISAM, ctx)
    assert batch.ok is False and batch.records == []
    assert (batch.error or "").startswith("no usable records (0 quarantined)")
    # What the page held was considered, and each part is said not to be an entry, with why.
    (warning,) = ctx.warnings
    assert warning == f"{original}: not an entry: 'Sök företag': outside the list (navigation, a side box or a form)"


def test_social_trade_member_cards() -> None:
    records = {r.name: r for r in SOCIAL_TRADE.crawl(replay_ctx(as_of=parse_moment("2026-11-26")))}
    assert sorted(records) == [
        "Basta Väst",
        "Exempel Städkooperativ Väst ek. för.",
        "Le Mat Göteborg",
        "Vägen ut! kooperativen",
    ]
    member = records["Exempel Städkooperativ Väst ek. för."]
    assert (member.municipality, member.phone, member.email) == (
        "Göteborg",
        "031-00 00 00",
        "info@stadkooperativ.example",
    )
    assert records["Vägen ut! kooperativen"].website == "https://vagenut.coop/"


def test_social_trade_s_later_capture_is_what_replay_serves_by_default() -> None:
    records = {r.name: r for r in SOCIAL_TRADE.crawl(replay_ctx())}
    assert sorted(records) == [
        "Exempel Cykelkooperativet Hisingen",
        "Exempel Städkooperativ Väst ek. för.",
        "Le Mat Göteborg",
        "Vägen ut! kooperativen",
    ]
    assert records["Exempel Städkooperativ Väst ek. för."].phone == "031-00 00 11"
    assert records["Vägen ut! kooperativen"].website == "https://vagenut.se/"


def test_region_orebro_reads_its_real_page_past_the_guidance_box() -> None:
    records = {r.name: r for r in REGION_OREBRO.crawl(replay_ctx())}
    assert sorted(records) == ["Exempelkooperativet Gröna Händer ek. för.", "Miljövårdscentrum", "re:form"]
    grona = records["Exempelkooperativet Gröna Händer ek. för."]
    assert (grona.municipality, grona.orgnr_as_written, grona.website) == (
        "Örebro",
        "769600-1234",
        "https://gronahander.example",
    )


def test_region_orebro_page_in_latin_1_reads_the_same(tmp_path: Path) -> None:
    page = (
        "<main><table><tr><th>Företag</th><th>Kommun</th></tr>"
        "<tr><td>Miljövårdscentrum</td><td>Örebro</td></tr></table></main>"
    )
    archive = RawArchive(tmp_path)
    archive.store(
        REGION_OREBRO.SPEC.url or "", 200, {"Content-Type": "text/html; charset=iso-8859-1"}, page.encode("latin-1")
    )
    records = list(REGION_OREBRO.crawl(replay_ctx(tmp_path)))
    assert [(r.name, r.municipality) for r in records] == [("Miljövårdscentrum", "Örebro")]
    # Undeclared Windows-1252 (older Swedish sites) is detected too.
    archive.store(REGION_OREBRO.SPEC.url or "", 200, {"Content-Type": "text/html"}, page.encode("cp1252"))
    assert [r.municipality for r in REGION_OREBRO.crawl(replay_ctx(tmp_path))] == ["Örebro"]


def test_a_truncated_page_yields_what_it_holds_and_nothing_invented(tmp_path: Path) -> None:
    page = "<main><table><tr><th>Företag</th><th>Kommun</th></tr><tr><td>re:form</td><td>Örebro</td></tr><tr><td>Miljö"
    RawArchive(tmp_path).store(
        REGION_OREBRO.SPEC.url or "", 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode()
    )
    batch = crawl_source(REGION_OREBRO, replay_ctx(tmp_path))
    assert [(r.name, r.municipality) for r in batch.records] == [("re:form", "Örebro"), ("Miljö", None)]


def test_integrationspakten_members_are_a_weak_signal() -> None:
    records = {r.name: r for r in INTEGRATIONSPAKTEN.crawl(replay_ctx())}
    assert sorted(records) == ["Ragn-Sells", "Scania", "Stockholm Exergi", "Stockholmshem", "X-Cons Sverige"]
    assert records["Scania"].website == "https://www.scania.com/se/sv/home.html"
    assert INTEGRATIONSPAKTEN.SPEC.weak_signal
    # Navigation and footer links are not members.
    assert "Om webbplatsen" not in records
