"""The generic list reader as a source: one web page listing organisations, configured in the sources file
(its URL, the markups to try and the CSS selector of the list's region) and read by assets/sources/listing.py.
Adding such a source is adding an entry to sources.toml; a source that needs more than one page or its own
parsing gets a module.
"""

from __future__ import annotations

from collections.abc import Iterator

from assets.sources.base import CrawlContext, SourceSpec
from assets.sources.listing import list_page_records
from registry.ingest.records import SourceRecord


def crawl(ctx: CrawlContext, spec: SourceSpec) -> Iterator[SourceRecord]:
    yield from list_page_records(ctx, spec.name, spec.url or "", spec.shapes, spec.region)
