"""Skoopi's public ASF list ("ASF-listan"), the ASF trade association's list of members that agreed to be listed.

skoopi.coop is a WordPress site: its REST API serves the list page's rendered content as JSON, which is
tried first; the HTML page is the fallback. The list's markup is not documented, so the parser reads both
layouts seen on WordPress list pages - one heading per organisation followed by labelled lines, or a table
with a header row - and takes only organisation-level fields (contact persons' names are never read).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from assets.sources.base import CrawlContext, SourceSpec
from registry.http_client import FetchError
from registry.normalize import fold
from registry.records import SourceRecord

SPEC = SourceSpec(
    name="skoopi",
    title="Skoopi – ASF-listan",
    description="Skoopi's public list of work-integrating social enterprises (members that agreed to be listed).",
    url="https://skoopi.coop/asf-listan/",
    priority=20,
    kinds=frozenset({"html", "json"}),
)
API_URL = "https://skoopi.coop/wp-json/wp/v2/pages?slug=asf-listan&_fields=id,link,modified,title,content"
PAGE_URL = SPEC.url or ""

# Labels as they appear before a colon, folded; the value's field in our record.
_LABELS: dict[str, str] = {
    "ort": "municipality",
    "kommun": "municipality",
    "stad": "municipality",
    "verksamhetsort": "municipality",
    "adress": "address",
    "besoksadress": "address",
    "postadress": "address",
    "verksamhet": "activity",
    "bransch": "activity",
    "inriktning": "activity",
    "vi erbjuder": "activity",
    "org nr": "orgnr_as_written",
    "orgnr": "orgnr_as_written",
    "organisationsnummer": "orgnr_as_written",
    "telefon": "phone",
    "tel": "phone",
    "e post": "email",
    "epost": "email",
    "mejl": "email",
    "webb": "website",
    "webbplats": "website",
    "hemsida": "website",
}
_LABEL_LINE = re.compile(r"^\s*([^:]{2,25}):\s*(.*)$")
_HEADINGS = ("h2", "h3", "h4")


def crawl(ctx: CrawlContext) -> Iterator[SourceRecord]:
    html, url, fetched_at = _list_content(ctx)
    yield from parse_asf_list(html, url, fetched_at)


def _list_content(ctx: CrawlContext) -> tuple[str, str, datetime]:
    try:
        response = ctx.http.get_ok(API_URL)
        pages = response.json()
        if isinstance(pages, list) and pages:
            rendered = pages[0]["content"]["rendered"]
            if rendered and rendered.strip():
                return rendered, str(pages[0].get("link") or PAGE_URL), response.fetched_at
        ctx.log.warning("Skoopi REST API returned no ASF-listan page; falling back to the HTML page")
    except (FetchError, ValueError, KeyError, TypeError) as exc:
        ctx.log.warning(f"Skoopi REST API unusable ({exc}); falling back to the HTML page")
    response = ctx.http.get_ok(PAGE_URL)
    return response.text(), PAGE_URL, response.fetched_at


def _label_field(label: str) -> str | None:
    return _LABELS.get(" ".join(re.sub(r"[^\w]", " ", fold(label)).split()))


def _slug(href: str) -> str | None:
    path = urlsplit(href).path.strip("/")
    if not path:
        return None
    return path.rsplit("/", 1)[-1]


def parse_asf_list(html: str, page_url: str, fetched_at: datetime) -> list[SourceRecord]:
    soup = BeautifulSoup(html, "html.parser")
    records = list(_from_tables(soup, page_url, fetched_at))
    if not records:
        records = list(_from_headings(soup, page_url, fetched_at))
    return records


def _from_headings(soup: BeautifulSoup, page_url: str, fetched_at: datetime) -> Iterator[SourceRecord]:
    """One heading per organisation, its details in the elements that follow it until the next heading."""
    for heading in soup.find_all(_HEADINGS):
        block = []
        for sibling in heading.find_next_siblings():
            if isinstance(sibling, Tag) and sibling.name in _HEADINGS:
                break
            block.append(sibling)
        fields = _fields_from_block(block, page_url)
        if not fields:
            # A heading with no details of its own is a section title ("Stockholms län"), not an organisation.
            continue
        name = heading.get_text(" ", strip=True)
        link = heading.find("a", href=True)
        detail_url = urljoin(page_url, link["href"]) if link else None
        yield SourceRecord(
            source=SPEC.name,
            source_key=(_slug(detail_url) if detail_url else None) or name,
            name=name,
            fetched_at=fetched_at,
            source_url=detail_url or page_url,
            **fields,
        )


def _fields_from_block(block: list[Tag], page_url: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for element in block:
        if not isinstance(element, Tag):
            continue
        for line in element.get_text("\n").splitlines():
            match = _LABEL_LINE.match(line)
            if match:
                target = _label_field(match.group(1))
                value = match.group(2).strip()
                if target and value and target not in fields:
                    fields[target] = value
        for anchor in element.find_all("a", href=True):
            href = anchor["href"].strip()
            if href.startswith("mailto:"):
                fields.setdefault("email", href.removeprefix("mailto:").split("?")[0])
            elif href.startswith("tel:"):
                fields.setdefault("phone", href.removeprefix("tel:"))
            elif href.startswith("http") and urlsplit(href).hostname != urlsplit(page_url).hostname:
                fields.setdefault("website", href)
    return fields


_COLUMN_FIELDS = {"namn": "name", "foretag": "name", "foretagsnamn": "name", "asf": "name", **_LABELS}


def _from_tables(soup: BeautifulSoup, page_url: str, fetched_at: datetime) -> Iterator[SourceRecord]:
    for table in soup.find_all("table"):
        rows = table.find_all("tr")
        if not rows:
            continue
        header = [
            _COLUMN_FIELDS.get(" ".join(re.sub(r"[^\w]", " ", fold(c.get_text())).split()))
            for c in rows[0].find_all(["th", "td"])
        ]
        if "name" not in header:
            continue
        for row in rows[1:]:
            cells = row.find_all(["td", "th"])
            fields: dict[str, str] = {}
            for target, cell in zip(header, cells, strict=False):
                value = cell.get_text(" ", strip=True)
                if target and value:
                    fields.setdefault(target, value)
                link = cell.find("a", href=True)
                if target == "name" and link:
                    fields["detail_url"] = urljoin(page_url, link["href"])
            name = fields.pop("name", "")
            detail_url = fields.pop("detail_url", None)
            yield SourceRecord(
                source=SPEC.name,
                source_key=(_slug(detail_url) if detail_url else None) or name,
                name=name,
                fetched_at=fetched_at,
                source_url=detail_url or page_url,
                **fields,
            )
