"""What every source connector is: declared metadata plus one ``crawl`` function (no Dagster here)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from registry.ingest.http_client import HttpClient
from registry.ingest.records import SourceRecord
from registry.ingest.sources_file import SourceConfig
from registry.reference.personnummer import redact_personnummer

# "Kontaktperson: Anna Exempelsson" up to the next label ("Telefon:") or the end of the text.
_CONTACT_PERSON = re.compile(
    r"\b(kontaktperson|kontakt|ansvarig|verksamhetsledare|ordförande|vd|namn)\s*:\s*.*?(?=\s\S{2,25}:|$)",
    re.IGNORECASE,
)

# A source as the sources file declares it (registry/ingest/sources_file.py).
SourceSpec = SourceConfig


@dataclass
class CrawlContext:
    """The shared machinery a connector needs: HTTP with archiving, local files, a logger, parse warnings."""

    http: HttpClient
    city_list_dir: Path
    log: logging.Logger | logging.LoggerAdapter
    warnings: list[str] = field(default_factory=list)
    # The warnings a person should look at: all but the expected ones, the parts of pages a reader did not take
    # for entries because they plainly are not (section titles, navigation, guidance boxes, an article's
    # bullets). Every page has those, so they would fail the parse_warnings check every night and teach the
    # operator to ignore it: they are reported like any warning, and only these fail the check.
    unexpected_warnings: list[str] = field(default_factory=list)
    # Per page read: the list shape found (None: none) and how many entries it held.
    shapes: dict[str, tuple[str | None, int]] = field(default_factory=dict)
    # The page text each entry was read from, by its name: what `sources check` shows beside it.
    texts: dict[str, str] = field(default_factory=dict)

    def warn(self, message: str, *, expected: bool = False) -> None:
        """Something was skipped or guessed while parsing: logged, and reported by the source's check (failing it
        unless ``expected``: what a healthy page gives too). A message may quote the page: personal numbers are
        cut out of it first."""
        message = redact_personnummer(message)
        if expected:
            self.log.info(message)
        else:
            self.log.warning(message)
        self.warnings.append(message)
        if not expected:
            self.unexpected_warnings.append(message)

    def found(self, url: str, shape: str | None, entries: int) -> None:
        self.shapes[url] = (shape, entries)

    def entry_text(self, name: str, text: str) -> None:
        """The page text an entry came from, for `sources check`: without personal numbers, and without the
        names on a contact person's line (a private person's name is never shown)."""
        shown = _CONTACT_PERSON.sub(r"\1: [left out]", " ".join(text.split()))
        self.texts.setdefault(name, redact_personnummer(shown)[:300])


class Connector(Protocol):
    SPEC: SourceSpec

    def crawl(self, ctx: CrawlContext) -> Iterable[SourceRecord]: ...
