"""Sources that are one web page listing organisations: each is an entry (what the source is, where its list
is, how the list is marked up), read by the generic list reader (assets/sources/listing.py). Adding such a
source is adding an entry here; a source that needs more than one page or its own parsing gets a module.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from assets.sources.base import CrawlContext, SourceSpec
from assets.sources.listing import list_page_records
from registry.ingest.records import SourceRecord


@dataclass(frozen=True)
class ListPage:
    """A source that is one list page, read by the generic reader: a Connector like a source's module."""

    SPEC: SourceSpec
    # The markups the list may have, tried in this order: "tables", "headings" (a heading per organisation,
    # cards included), "link_list".
    shapes: tuple[str, ...]
    # A CSS selector for the part of the page that holds the list (navigation and footers are outside it).
    region: str

    def crawl(self, ctx: CrawlContext) -> Iterator[SourceRecord]:
        yield from list_page_records(ctx, self.SPEC.name, self.SPEC.url or "", self.shapes, self.region)


SOCIAL_TRADE = ListPage(
    SourceSpec(
        name="social_trade",
        title="Social Trade – medlemmar",
        description="Member enterprises of Social Trade, the jointly owned sales company of ASF in western Sweden.",
        url="https://socialtrade.se/medlemmar/",
        priority=30,
        kinds=frozenset({"html"}),
        # Member cards: name, town, activity, contact channels; no organisationsnummer.
        min_valid_orgnr_share=None,
    ),
    # Members are shown as cards (a heading with text and links) or, on older versions, as a table.
    shapes=("headings", "tables"),
    region=".entry-content",
)

REGION_OREBRO = ListPage(
    SourceSpec(
        name="region_orebro",
        title="Region Örebro län – sociala företag",
        description="Social enterprises in Örebro county that agreed to be listed by the region.",
        url="https://utveckling.regionorebrolan.se/sv/kultur-och-civilsamhalle/socialt-foretagande/sociala-foretag-i-orebro-lan/",
        priority=30,
        kinds=frozenset({"html"}),
        # The table has an Organisationsnummer column, filled for 1 of the 3 recorded entries.
        min_valid_orgnr_share=0.2,
    ),
    # A Sitevision page: the list is a table in the main content, or a heading per enterprise.
    shapes=("tables", "headings"),
    region="main",
)

# Integrationspakten gathers 350+ employers of every kind that want a more inclusive labour market. A member
# is stored and matched (it tells the city an ASF is engaged in Stockholm), but an organisation listed only
# here is published with evidence ``weak_signal``, not as an ASF.
INTEGRATIONSPAKTEN = ListPage(
    SourceSpec(
        name="integrationspakten",
        title="Integrationspakten – medlemmar",
        description="Members of Stockholms stad's Integrationspakten network: employers of all kinds (weak signal).",
        url="https://foretagsservice.stockholm/natverk-moten/integrationspakten/integrationspaktens-medlemmar/",
        priority=60,
        kinds=frozenset({"html"}),
        weak_signal=True,
        # A list of member links: names only.
        min_valid_orgnr_share=None,
    ),
    shapes=("link_list", "tables"),
    region="main",
)

LIST_PAGES: tuple[ListPage, ...] = (SOCIAL_TRADE, REGION_OREBRO, INTEGRATIONSPAKTEN)
