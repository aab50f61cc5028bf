"""Skoopi's public ASF list ("ASF-listan"): the trade association's members that agreed to be listed.

skoopi.coop is a WordPress site. Its REST API is asked first for a page with the slug ``asf-listan``; when
it has none (the list can be a theme template rather than a page), the HTML list is read, following
WordPress pagination (``rel=next`` / ``a.next``). Each entry that links to a detail page on the site is
completed from that page. The markup is not documented, so entries are read as tables or as one heading
per organisation with labelled lines; certified ASF are marked in ``categories``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

from assets.sources.base import CrawlContext, SourceSpec
from assets.sources.listing import ListingEntry, content_root, fields_from_elements, read_page, url_slug
from registry.ingest.http_client import FetchError
from registry.ingest.records import SourceRecord

# The list's page slug in WordPress: the REST API is asked for the page with the list page's last path segment.
API_PATH = "/wp-json/wp/v2/pages?slug={slug}&_fields=id,link,modified,title,content"
MAX_PAGES = 50
SHAPES = ("tables", "headings")
CONTENT = (".entry-content", "article", "main")
CERTIFIED = "certifierat ASF"


def api_url(page_url: str) -> str:
    """The WordPress REST API's address for the page at ``page_url``."""
    parts = urlsplit(page_url)
    slug = parts.path.strip("/").rsplit("/", 1)[-1]
    return f"{parts.scheme}://{parts.netloc}{API_PATH.format(slug=slug)}"


def crawl(ctx: CrawlContext, spec: SourceSpec) -> Iterator[SourceRecord]:
    page_url = spec.url or ""
    pages = _from_rest_api(ctx, page_url) or list(_html_pages(ctx, page_url))
    for entries, url, fetched_at in pages:
        for entry in entries:
            if entry.detail_url and spec.follows(entry.detail_url):
                _complete_from_detail_page(ctx, entry)
            yield _record(spec, entry, url, fetched_at)


def _from_rest_api(ctx: CrawlContext, page_url: str) -> list[tuple[list[ListingEntry], str, datetime]]:
    try:
        response = ctx.http.get_ok(api_url(page_url))
        pages = response.json()
        rendered = pages[0]["content"]["rendered"] if isinstance(pages, list) and pages else ""
    except (FetchError, ValueError, KeyError, TypeError) as exc:
        ctx.log.info(f"Skoopi REST API unusable ({exc}); reading the HTML list")
        return []
    if not rendered or not rendered.strip():
        ctx.log.info("Skoopi REST API has no page 'asf-listan'; reading the HTML list")
        return []
    link = str(pages[0].get("link") or page_url)
    return [(read_page(ctx, BeautifulSoup(rendered, "html.parser"), link, SHAPES), link, response.fetched_at)]


def _html_pages(ctx: CrawlContext, page_url: str) -> Iterator[tuple[list[ListingEntry], str, datetime]]:
    url: str | None = page_url
    seen: set[str] = set()
    while url and url not in seen:
        if len(seen) == MAX_PAGES:
            ctx.warn(f"Skoopi list: stopped after {MAX_PAGES} pages")
            return
        seen.add(url)
        response = ctx.http.get_ok(url)
        html = response.text()
        yield read_page(ctx, BeautifulSoup(html, "html.parser"), url, SHAPES), url, response.fetched_at
        url = next_page(html, url)


def next_page(html: str, page_url: str) -> str | None:
    """The next page of a WordPress listing, from <link rel=next> or the pagination links."""
    soup = BeautifulSoup(html, "html.parser")
    for selector in ('link[rel="next"]', 'a[rel="next"]', "a.next.page-numbers", ".nav-links a.next"):
        found = soup.select_one(selector)
        if found is not None and found.get("href"):
            return urljoin(page_url, found["href"])
    return None


def _complete_from_detail_page(ctx: CrawlContext, entry: ListingEntry) -> None:
    """Fill the fields the list leaves out from the entry's own page; a failure only costs those fields."""
    assert entry.detail_url is not None
    try:
        response = ctx.http.get_ok(entry.detail_url)
    except FetchError as exc:
        ctx.warn(f"Skoopi detail page for {entry.name!r} skipped: {exc}")
        return
    root = content_root(response.text(), CONTENT)
    for name, value in fields_from_elements([root], entry.detail_url).items():
        entry.fields.setdefault(name, value)
    entry.text += " " + root.get_text(" ", strip=True)


def _record(spec: SourceSpec, entry: ListingEntry, page_url: str, fetched_at: datetime) -> SourceRecord:
    return SourceRecord(
        source=spec.name,
        source_key=(url_slug(entry.detail_url) if entry.detail_url else None) or entry.name,
        name=entry.name,
        fetched_at=fetched_at,
        source_url=entry.detail_url or page_url,
        categories=CERTIFIED if "certifierat asf" in entry.text.casefold() else None,
        **entry.fields,
    )
