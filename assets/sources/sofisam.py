"""Sofisam's list of work-integrating social enterprises, from the Wayback Machine: a historical seed.

Sofisam (Tillväxtverket's self-registration list, 333 active ASF in December 2017) closed in 2020. Its list
pages survive as web-archive snapshots: the CDX API names the captures of the list URL (and its paged
variants), the newest good capture of each page is fetched raw (``id_``) and read. Snapshots never change,
so each is fetched once and then served from the raw archive. Records carry the capture time as their
fetch time and the snapshot URL as their provenance; many of these enterprises have since closed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urlencode

from bs4 import BeautifulSoup

from assets.sources.base import CrawlContext, SourceSpec
from assets.sources.listing import read_page, url_slug
from registry.ingest.http_client import FetchError
from registry.ingest.records import SourceRecord

CDX_ENDPOINT = "https://web.archive.org/cdx/search/cdx"
SNAPSHOT = "https://web.archive.org/web/{timestamp}id_/{original}"
SHAPES = ("tables", "headings", "link_list")


def archived_path(spec: SourceSpec) -> str:
    """The list page as the archive knows it: without its scheme ('sofisam.se/sociala-foretag/...')."""
    url = spec.url or ""
    return url.split("://", 1)[-1]


def cdx_url(list_url: str) -> str:
    query = {
        "url": list_url,
        "matchType": "prefix",
        "output": "json",
        "fl": "urlkey,timestamp,original,statuscode,digest",
        "filter": "statuscode:200",
        "to": "2020",
    }
    return f"{CDX_ENDPOINT}?{urlencode(query)}"


def latest_captures(cdx_rows: list[list[str]]) -> list[dict[str, str]]:
    """The newest capture of each archived URL, from a CDX JSON answer (its first row is the field names)."""
    if not cdx_rows:
        return []
    names, *rows = cdx_rows
    newest: dict[str, dict[str, str]] = {}
    for row in rows:
        capture = dict(zip(names, row, strict=False))
        key = capture.get("urlkey") or capture["original"]
        if key not in newest or capture["timestamp"] > newest[key]["timestamp"]:
            newest[key] = capture
    return [newest[key] for key in sorted(newest)]


def capture_time(timestamp: str) -> datetime:
    return datetime.strptime(timestamp[:14].ljust(14, "0"), "%Y%m%d%H%M%S").replace(tzinfo=UTC)


def crawl(ctx: CrawlContext, spec: SourceSpec) -> Iterator[SourceRecord]:
    list_url = archived_path(spec)
    index = ctx.http.get_ok(cdx_url(list_url))
    try:
        captures = latest_captures(index.json())  # type: ignore[arg-type]
    except (ValueError, KeyError, TypeError) as exc:
        raise FetchError(f"the CDX answer for {list_url} is not the expected JSON: {exc}") from exc
    if not captures:
        raise FetchError(f"the Wayback Machine has no capture of {list_url}")
    seen: set[str] = set()
    for capture in captures:
        snapshot_url = SNAPSHOT.format(timestamp=capture["timestamp"], original=capture["original"])
        try:
            page = ctx.http.get_ok(snapshot_url, immutable=True)
        except FetchError as exc:
            ctx.warn(f"Sofisam snapshot skipped: {exc}")
            continue
        for entry in read_page(ctx, BeautifulSoup(page.text(), "html.parser"), capture["original"], SHAPES):
            key = (url_slug(entry.detail_url) if entry.detail_url else None) or entry.name
            if key in seen:
                continue
            seen.add(key)
            yield SourceRecord(
                source=spec.name,
                source_key=key,
                name=entry.name,
                fetched_at=capture_time(capture["timestamp"]),
                source_url=snapshot_url,
                **entry.fields,
            )
