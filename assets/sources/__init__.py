"""The registered sources. Adding a source: a list page is an entry in list_pages.py; a source that needs its
own reading is one module with SPEC and crawl(), added here."""

from __future__ import annotations

from assets.sources import city_list, skoopi, sofisam
from assets.sources.base import Connector
from assets.sources.list_pages import LIST_PAGES

CONNECTORS: tuple[Connector, ...] = (city_list, skoopi, sofisam, *LIST_PAGES)
