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

from assets.sources.base import CrawlContext, SourceSpec
from assets.sources.listing import parse_listing, url_slug
from registry.ingest.http_client import FetchError
from registry.ingest.records import SourceRecord

SPEC = SourceSpec(
    name="sofisam",
    title="Sofisam (archived)",
    description=(
        "Tillväxtverket's former self-registration list of ASF, closed in 2020, read from the Wayback Machine's "
        "last snapshots. Historical: listed organisations may no longer exist."
    ),
    url="https://sofisam.se/",
    priority=50,
    kinds=frozenset({"html", "wayback"}),
    historical=True,
    # The table's Org.nr column is filled for 1 of the 6 recorded entries (self-registration left it optional).
    min_valid_orgnr_share=0.1,
)
# The list page as Sofisam published it; every capture whose URL starts with it (paged variants) is read.
LIST_URL = "sofisam.se/sociala-foretag/hitta-sociala-foretag.html"
CDX_ENDPOINT = "https://web.archive.org/cdx/search/cdx"
SNAPSHOT = "https://web.archive.org/web/{timestamp}id_/{original}"
SHAPES = ("tables", "headings", "link_list")


def cdx_url(list_url: str = LIST_URL) -> str:
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


def crawl(ctx: CrawlContext) -> Iterator[SourceRecord]:
    index = ctx.http.get_ok(cdx_url())
    try:
        captures = latest_captures(index.json())  # type: ignore[arg-type]
    except (ValueError, KeyError, TypeError) as exc:
        raise FetchError(f"the CDX answer for {LIST_URL} is not the expected JSON: {exc}") from exc
    if not captures:
        raise FetchError(f"the Wayback Machine has no capture of {LIST_URL}")
    seen: set[str] = set()
    for capture in captures:
        snapshot_url = SNAPSHOT.format(timestamp=capture["timestamp"], original=capture["original"])
        try:
            page = ctx.http.get_ok(snapshot_url, immutable=True)
        except FetchError as exc:
            ctx.warn(f"Sofisam snapshot skipped: {exc}")
            continue
        for entry in parse_listing(page.text(), capture["original"], SHAPES):
            key = (url_slug(entry.detail_url) if entry.detail_url else None) or entry.name
            if key in seen:
                continue
            seen.add(key)
            yield SourceRecord(
                source=SPEC.name,
                source_key=key,
                name=entry.name,
                fetched_at=capture_time(capture["timestamp"]),
                source_url=snapshot_url,
                **entry.fields,
            )
