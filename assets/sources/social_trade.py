"""Social Trade's member list: the sales cooperative owned by social enterprises in Västra Götaland."""

from __future__ import annotations

from collections.abc import Iterator

from assets.sources.base import CrawlContext, SourceSpec
from assets.sources.listing import list_page_records
from registry.ingest.records import SourceRecord

SPEC = SourceSpec(
    name="social_trade",
    title="Social Trade – medlemmar",
    description="Member enterprises of Social Trade, the jointly owned sales company of ASF in western Sweden.",
    url="https://socialtrade.se/medlemmar/",
    priority=30,
    kinds=frozenset({"html"}),
    # Member cards: name, town, activity, contact channels; no organisationsnummer.
    min_valid_orgnr_share=None,
)


def crawl(ctx: CrawlContext) -> Iterator[SourceRecord]:
    # Members are shown as cards (a heading with text and links) or, on older versions, as a table.
    yield from list_page_records(ctx, SPEC.name, SPEC.url or "", ("headings", "tables"), ".entry-content")
