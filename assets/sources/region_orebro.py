"""Region Örebro län's list of social enterprises in the county that agreed to be listed."""

from __future__ import annotations

from collections.abc import Iterator

from assets.sources.base import CrawlContext, SourceSpec
from assets.sources.listing import list_page_records
from registry.ingest.records import SourceRecord

SPEC = SourceSpec(
    name="region_orebro",
    title="Region Örebro län – sociala företag",
    description="Social enterprises in Örebro county that agreed to be listed by the region.",
    url="https://utveckling.regionorebrolan.se/sv/kultur-och-civilsamhalle/socialt-foretagande/sociala-foretag-i-orebro-lan/",
    priority=30,
    kinds=frozenset({"html"}),
    # The table has an Organisationsnummer column, filled for 1 of the 3 recorded entries.
    min_valid_orgnr_share=0.2,
)


def crawl(ctx: CrawlContext) -> Iterator[SourceRecord]:
    # A Sitevision page: the list is a table in the main content, or a heading per enterprise.
    yield from list_page_records(ctx, SPEC.name, SPEC.url or "", ("tables", "headings"), "main")
