"""What every source connector is: declared metadata plus one ``crawl`` function (no Dagster here)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from registry.ingest.http_client import HttpClient
from registry.ingest.records import SourceRecord
from registry.reference.personnummer import redact_personnummer


@dataclass(frozen=True)
class SourceSpec:
    name: str
    title: str
    description: str
    url: str | None
    # Lower is more trusted: the published value of a field comes from the most trusted source that has it.
    priority: int
    kinds: frozenset[str] = field(default_factory=frozenset)
    # A weak signal (a member list of all kinds of companies) never proves that an organisation is an ASF.
    weak_signal: bool = False
    # A closed source, kept as a historical seed.
    historical: bool = False
    # The share of records expected to carry a valid organisationsnummer, below which the source's
    # valid_orgnr_share check fails (a renamed or moved orgnr column, numbers mangled on the way); None: the
    # source lists no organisationsnummer, and the check says so. Every source states it: no default.
    min_valid_orgnr_share: float | None = field(kw_only=True)


@dataclass
class CrawlContext:
    """The shared machinery a connector needs: HTTP with archiving, local files, a logger, parse warnings."""

    http: HttpClient
    city_list_dir: Path
    log: logging.Logger | logging.LoggerAdapter
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        """Something was skipped or guessed while parsing: logged, and reported by the source's check. A message
        may quote the page: personal numbers are cut out of it first."""
        message = redact_personnummer(message)
        self.log.warning(message)
        self.warnings.append(message)


class Connector(Protocol):
    SPEC: SourceSpec

    def crawl(self, ctx: CrawlContext) -> Iterable[SourceRecord]: ...
