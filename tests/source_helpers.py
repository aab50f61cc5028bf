from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from assets.sources.base import CrawlContext
from registry.ingest.http_client import HttpClient
from registry.ingest.raw_archive import RawArchive
from registry.settings import DEFAULT_CITY_LIST_DIR, DEFAULT_RECORDINGS_DIR


def replay_ctx(
    archive_dir: Path = DEFAULT_RECORDINGS_DIR,
    city_list_dir: Path = DEFAULT_CITY_LIST_DIR,
    as_of: datetime | None = None,
) -> CrawlContext:
    """A crawl context that serves the web from an archive, as the offline run does (as of a moment, if given)."""
    http = HttpClient(RawArchive(archive_dir), mode="replay", replay_as_of=as_of)
    return CrawlContext(http=http, city_list_dir=city_list_dir, log=logging.getLogger("test"))
