"""The generic list reader on pages that mix the list with navigation, section headings, guidance boxes,
article bullets, FAQs, contact boxes and "related pages" lists, in several markups: only the organisations
are entries, and what it leaves out is said with a reason."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from assets.sources.base import CrawlContext
from assets.sources.listing import read_listing, read_page

PAGES = Path(__file__).parent / "fixtures" / "list_pages"
# The fixtures name cards as a shape of their own; the reader reads them as a heading per organisation.
SHAPE = {"cards": "headings"}


def _page(name: str) -> tuple[dict[str, object], object]:
    expected = json.loads((PAGES / f"{name}.expected.json").read_text(encoding="utf-8"))
    soup = BeautifulSoup((PAGES / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
    return expected, soup.select_one(str(expected["region"]))


@pytest.mark.parametrize("name", sorted(p.name.removesuffix(".html") for p in PAGES.glob("*.html")))
def test_only_the_organisations_are_entries(name: str) -> None:
    expected, region = _page(name)
    shape = SHAPE.get(str(expected["shape"]), str(expected["shape"]))
    # The shapes a sources file would name for such a page, the right one not necessarily first.
    shapes = (shape, *(s for s in ("tables", "headings", "link_list") if s != shape))
    found = read_listing(region, "https://www.example-kommun.se/sociala-foretag/", shapes)  # type: ignore[arg-type]
    assert found.shape == shape
    wanted = expected["entries"]
    assert isinstance(wanted, list)
    assert [e.name for e in found.entries] == [w["name"] for w in wanted]
    for entry, want in zip(found.entries, wanted, strict=True):
        if want.get("municipality"):
            assert entry.fields.get("municipality", "").startswith(want["municipality"]), entry
        if want.get("website"):
            assert entry.fields.get("website") == want["website"], entry
    # Whatever the reader considered and left out, it says why.
    assert found.rejected and all(r.reason for r in found.rejected)


def test_a_guidance_box_and_a_contact_box_are_not_organisations() -> None:
    _expected, region = _page("region_orebro_real")
    found = read_listing(region, "https://www.regionorebrolan.se/sv/sociala-foretag/", ("headings",))  # type: ignore[arg-type]
    reasons = {r.text: r.reason for r in found.rejected}
    assert reasons["Råd och stöd"] == "names a part of the page, not an organisation"
    assert "Kontakt" in reasons
    assert all("Maria" not in e.name for e in found.entries)  # the region official's name is never an entry


def test_a_box_that_only_links_to_another_site_is_a_warning_not_an_entry() -> None:
    html = (
        "<main><h3>Starta eget med stöd</h3><p>Läs om hur du startar.</p>"
        "<p><a href='https://www.verksamt.se/starta'>verksamt.se</a></p>"
        "<h3>Yalla Trappan</h3><p><a href='https://yallatrappan.se'>yallatrappan.se</a></p></main>"
    )
    found = read_listing(BeautifulSoup(html, "html.parser").main, "https://x.se/", ("headings",))  # type: ignore[arg-type]
    assert [e.name for e in found.entries] == ["Yalla Trappan"]
    (rejected,) = found.rejected
    assert rejected.text == "Starta eget med stöd" and rejected.looked_like_an_entry


def test_the_labelled_website_is_its_links_address_whatever_other_links_come_first() -> None:
    from assets.sources.listing import fields_from_elements

    html = (
        "<div><p><a href='https://www.facebook.com/sharer?u=x'>Dela</a></p>"
        "<p><strong>Ort:</strong> Nykvarn<br><strong>Webbplats:</strong> <a href='https://www.basta.se/'>basta.se</a></p></div>"
    )
    fields = fields_from_elements([BeautifulSoup(html, "html.parser").div], "https://skoopi.coop/asf/basta/")
    assert fields == {"municipality": "Nykvarn", "website": "https://www.basta.se/"}


def test_every_candidate_not_taken_is_a_parse_warning_with_its_reason() -> None:
    html = (
        "<body><nav><h3>Meny</h3><ul><li><a href='/start/'>Start</a></li></ul></nav><main>"
        "<h2>Råd och stöd</h2><p><a href='https://coompanion.se/malardalen/'>Coompanion Mälardalen</a></p>"
        "<h3>Starta eget med stöd</h3><p><a href='https://www.verksamt.se/starta'>verksamt.se</a></p>"
        "<h3>re:form</h3><p>Kommun: Örebro</p></main></body>"
    )
    ctx = CrawlContext(http=None, city_list_dir=Path(), log=logging.getLogger("test"))  # type: ignore[arg-type]
    entries = read_page(ctx, BeautifulSoup(html, "html.parser"), "https://x.se/", ("headings",))
    assert [e.name for e in entries] == ["re:form"]
    # The navigation and the guidance box are parse warnings with their reasons, expected (parts of the page):
    # the parse_warnings check passes on them.
    assert ctx.warnings == [
        "https://x.se/: not an entry: 'Meny': outside the list (navigation, a side box or a form)",
        "https://x.se/: not an entry: 'Råd och stöd': names a part of the page, not an organisation",
        "https://x.se/: not taken, though it looked like an entry (look at the page): 'Starta eget med stöd': "
        "only links to a site or an address that is not its own (a guidance or 'read more' box)",
    ]
    # The box the rules could not place is one to look at.
    assert ctx.unexpected_warnings == ctx.warnings[2:]
