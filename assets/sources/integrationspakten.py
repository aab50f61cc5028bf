"""Integrationspakten's member list (Stockholms stad): a weak signal, never evidence of being an ASF.

Integrationspakten gathers 350+ employers of every kind that want a more inclusive labour market. A member
is stored and matched (it tells the city an ASF is engaged in Stockholm), but an organisation listed only
here is published with evidence ``weak_signal``, not as an ASF.
"""

from __future__ import annotations

from collections.abc import Iterator

from assets.sources.base import CrawlContext, SourceSpec
from assets.sources.listing import list_page_records
from registry.ingest.records import SourceRecord

SPEC = SourceSpec(
    name="integrationspakten",
    title="Integrationspakten – medlemmar",
    description="Members of Stockholms stad's Integrationspakten network: employers of all kinds (weak signal).",
    url="https://foretagsservice.stockholm/natverk-moten/integrationspakten/integrationspaktens-medlemmar/",
    priority=60,
    kinds=frozenset({"html"}),
    weak_signal=True,
    # A list of member links: names only.
    min_valid_orgnr_share=None,
)


def crawl(ctx: CrawlContext) -> Iterator[SourceRecord]:
    yield from list_page_records(ctx, SPEC.name, SPEC.url or "", ("link_list", "tables"), "main")
