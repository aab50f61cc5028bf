"""The registered sources, as the sources file declares them (sources.toml, or ASF_SOURCES_FILE), each read by
its reader: a connector module for a source that needs its own reading, the generic list reader for a page
that lists organisations. Adding a list page is an entry in the file; a new kind of source is a module with
``crawl(ctx, spec)`` added to READERS."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from assets.sources import city_list, list_pages, skoopi, sofisam
from assets.sources.base import Connector, CrawlContext, SourceSpec
from registry import settings
from registry.ingest.records import SourceRecord
from registry.ingest.sources_file import load_sources

Reader = Callable[[CrawlContext, SourceSpec], Iterable[SourceRecord]]
READERS: Mapping[str, Reader] = {
    "city_list": city_list.crawl,
    "skoopi": skoopi.crawl,
    "sofisam": sofisam.crawl,
    "list_page": list_pages.crawl,
}


@dataclass(frozen=True)
class ConfiguredSource:
    """A source from the sources file with its reader: a Connector."""

    SPEC: SourceSpec
    read: Reader

    def crawl(self, ctx: CrawlContext) -> Iterator[SourceRecord]:
        yield from self.read(ctx, self.SPEC)


def configured_sources(path: Path | None = None) -> tuple[ConfiguredSource, ...]:
    """The sources of the sources file (default: the configured one), each with its reader."""
    specs = load_sources(path or settings.sources_file(), READERS)
    return tuple(ConfiguredSource(spec, READERS[spec.reader]) for spec in specs)


CONNECTORS: tuple[Connector, ...] = configured_sources()
SOURCES: Mapping[str, Connector] = {c.SPEC.name: c for c in CONNECTORS}
