from __future__ import annotations

import logging
from pathlib import Path

from assets.sources.base import CrawlContext
from registry.http_client import HttpClient
from registry.raw_archive import RawArchive
from registry.settings import DEFAULT_CITY_LIST_DIR, DEFAULT_RECORDINGS_DIR


def replay_ctx(archive_dir: Path = DEFAULT_RECORDINGS_DIR, city_list_dir: Path = DEFAULT_CITY_LIST_DIR) -> CrawlContext:
    """A crawl context that serves the web from an archive, as the offline run does."""
    http = HttpClient(RawArchive(archive_dir), mode="replay")
    return CrawlContext(http=http, city_list_dir=city_list_dir, log=logging.getLogger("test"))
