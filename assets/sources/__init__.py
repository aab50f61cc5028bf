"""The registered sources. Adding a source: write one module with SPEC and crawl(), add it here."""

from __future__ import annotations

from assets.sources import city_list, integrationspakten, region_orebro, skoopi, social_trade, sofisam
from assets.sources.base import Connector

CONNECTORS: tuple[Connector, ...] = (
    city_list,
    skoopi,
    sofisam,
    social_trade,
    region_orebro,
    integrationspakten,
)
