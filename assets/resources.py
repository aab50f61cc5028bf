"""Resources of the assets: configuration comes from the environment (secrets never from code or the UI).

Each resource is thin: it reads its config (unset fields from the environment, through registry/settings.py)
and hands the assets the registry's own objects (an engine, an HTTP client, the company register).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import dagster as dg
from sqlalchemy.engine import Engine

from registry import settings
from registry.ingest.http_client import DEFAULT_DEADLINE, DEFAULT_MAX_REDIRECTS, HttpClient
from registry.ingest.raw_archive import RawArchive
from registry.register.api_refresh import AnswerCache, RefreshLimits
from registry.register.bolagsverket_api import BolagsverketApi, MissingCredentials
from registry.register.bulk_download import DEFAULT_DEADLINE_SECONDS, DEFAULT_STALL_SECONDS
from registry.register.company_register import Refreshed, RegisterConfig, RegisterInUse
from registry.store.engines import shared_engine
from registry.store.registry_access import RegistryUnavailable


class RegistryDatabase(dg.ConfigurableResource):
    """The registry database. Unset url: ASF_REGISTRY_DB_URL, else sqlite:///data/registry.db."""

    url: str | None = None

    @property
    def resolved_url(self) -> str:
        return self.url or settings.registry_db_url()

    @property
    def display_url(self) -> str:
        return settings.redact_url(self.resolved_url)

    def engine(self) -> Engine:
        try:
            return shared_engine(self.resolved_url)
        except RegistryUnavailable as exc:
            # A wrong password or a missing database fails the same way however often it is tried; a server that
            # did not answer may answer in a minute.
            raise dg.Failure(description=str(exc), allow_retries=exc.transient) from exc


class WebClient(dg.ConfigurableResource):
    """HTTP for all web sources: robots.txt, per-host rate limit, retries, conditional requests, raw archive.

    Unset fields come from ASF_HTTP_MODE (replay), ASF_RAW_ARCHIVE_DIR, ASF_CONTACT and ASF_REPLAY_AS_OF.
    timeout_seconds bounds each connect or read; deadline_seconds the whole of one page (connect, headers,
    body, retries and their waits, redirects); at most max_redirects redirects are followed.
    """

    mode: str | None = None
    archive_dir: str | None = None
    contact: str | None = None
    replay_as_of: str | None = None
    timeout_seconds: float = 30.0
    deadline_seconds: float = DEFAULT_DEADLINE
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    retries: int = 4
    min_seconds_between_requests_per_host: float = 1.0

    def contact_address(self) -> str:
        return self.contact or settings.contact_address()

    def client(self, min_interval: float | None = None, http_class: type[HttpClient] = HttpClient) -> HttpClient:
        """The HTTP client; ``min_interval``: a source's own spacing per host, instead of this resource's."""
        mode = self.mode or settings.http_mode()
        archive_dir = Path(self.archive_dir) if self.archive_dir else settings.raw_archive_dir(mode)
        return http_class(
            RawArchive(archive_dir),
            mode="live" if mode == "live" else "replay",
            contact=self.contact_address(),
            timeout=self.timeout_seconds,
            deadline=self.deadline_seconds,
            max_redirects=self.max_redirects,
            retries=self.retries,
            min_interval=self.min_seconds_between_requests_per_host if min_interval is None else min_interval,
            replay_as_of=settings.parse_moment(self.replay_as_of) if self.replay_as_of else settings.replay_as_of(),
        )


class SourceSettings(dg.ConfigurableResource):
    """Settings shared by all sources.

    Unset city_list_dir: ASF_CITY_LIST_DIR, else the bundled example list. max_record_drop: the share by
    which a source's record count may fall against its last published count before publishing is blocked.
    """

    city_list_dir: str | None = None
    max_record_drop: float = 0.5

    def city_list_path(self) -> Path:
        return Path(self.city_list_dir) if self.city_list_dir else settings.city_list_dir()


class CompanyRegister(dg.ConfigurableResource):
    """Bolagsverket's register as an indexed snapshot (registry/register/company_register.py has the rules).

    Unset fields: ASF_REGISTER_SNAPSHOT (data/register/snapshot), ASF_REGISTER_BULK_FILE (the
    recorded sample in recordings/register/), ASF_SCB_BULK_FILE (the recorded SCB sample), ASF_REGISTER_MIN_SHARE
    (0.9: a new snapshot must hold at least that share of the current one's organisations). In live mode
    (ASF_HTTP_MODE=live) the weekly refresh downloads the bulk file from Bolagsverket instead, and the bundled
    samples are never used: without a snapshot built from a real bulk file the night publishes without
    register data and says so; without a configured SCB file there are no SNI codes. The download fails when
    no data arrives for download_stall_seconds or it is not complete within download_deadline_seconds.
    """

    snapshot_path: str | None = None
    bulk_file: str | None = None
    scb_file: str | None = None
    download_url: str = settings.BOLAGSVERKET_BULK_URL
    min_share: float | None = None
    download_stall_seconds: float = DEFAULT_STALL_SECONDS
    download_deadline_seconds: float = DEFAULT_DEADLINE_SECONDS

    def config(self) -> RegisterConfig:
        return RegisterConfig.from_env(
            snapshot_path=self.snapshot_path,
            bulk_file=self.bulk_file,
            scb_file=self.scb_file,
            min_share=self.min_share,
            download_url=self.download_url,
            download_stall_seconds=self.download_stall_seconds,
            download_deadline_seconds=self.download_deadline_seconds,
        )

    def refresh(self, contact: str) -> Refreshed:
        """The weekly refresh: download (live mode) or take the configured file, build, promote."""
        return self.config().refresh(contact)

    @contextmanager
    def open_register(self) -> Iterator[RegisterInUse]:
        """The snapshot a night uses, or None and why not; ``built`` when this opening built it (the asset
        records that as company_register_snapshot's materialization: assets/register.py)."""
        with self.config().open_register() as register:
            yield register


class BolagsverketApiAccess(dg.ConfigurableResource):
    """Bolagsverket's API "Värdefulla datamängder", which refreshes the registry's organisations' register status
    and name between weekly bulk files (registry/register/api_refresh.py).

    The credentials come from the environment only (ASF_BOLAGSVERKET_CLIENT_ID, ASF_BOLAGSVERKET_CLIENT_SECRET);
    without them the API is not called. Answers are cached in cache_path (default: api_cache.sqlite beside the
    register snapshot) for max_age_hours; a night makes at most max_lookups look-ups, spaced to
    requests_per_minute, within deadline_seconds.
    """

    # Unset: ASF_BOLAGSVERKET_TOKEN_URL / ASF_BOLAGSVERKET_API_URL, else Bolagsverket's production gateway.
    token_url: str | None = None
    base_url: str | None = None
    requests_per_minute: float = 60.0
    max_lookups: int = 600
    deadline_seconds: float = 15 * 60.0
    max_age_hours: float = 20.0
    cache_path: str | None = None

    def client(self) -> BolagsverketApi | None:
        """The API client, or None when no credentials are set."""
        try:
            return BolagsverketApi.from_environment(
                token_url=self.token_url or settings.bolagsverket_token_url(),
                base_url=self.base_url or settings.bolagsverket_api_url(),
                requests_per_minute=self.requests_per_minute,
            )
        except MissingCredentials:
            return None

    def cache(self) -> AnswerCache:
        return AnswerCache(Path(self.cache_path) if self.cache_path else settings.api_cache_path())

    def limits(self) -> RefreshLimits:
        return RefreshLimits(self.max_lookups, self.deadline_seconds, timedelta(hours=self.max_age_hours))


class PublishPolicy(dg.ConfigurableResource):
    """How the registry is maintained. Unset fields: ASF_INACTIVE_AFTER_RUNS (3), ASF_MAX_RETIRING_SHARE (0.2),
    ASF_MAX_FIELD_LOSS_SHARE (0.1), ASF_REPORT_DIR (data/reports).

    inactive_after_runs: consecutive runs in which no source lists an organisation before it is inactive.
    max_retiring_share: the share of active organisations one run may stop listing or make inactive before
    the publish gate blocks it.
    max_field_loss_share: the share of the organisations with an orgnr, legal form or register status that one
    run may clear it on before the publish gate blocks it.
    """

    inactive_after_runs: int | None = None
    max_retiring_share: float | None = None
    max_field_loss_share: float | None = None
    report_dir: str | None = None

    def field_loss_share_limit(self) -> float:
        # 0 is a valid limit (no loss at all), so "unset" is None, not falsy.
        if self.max_field_loss_share is None:
            return settings.max_field_loss_share()
        return settings.MAX_FIELD_LOSS_SHARE.parse(str(self.max_field_loss_share))

    def inactive_after(self) -> int:
        return self.inactive_after_runs or settings.inactive_after_runs()

    def retiring_share_limit(self) -> float:
        return self.max_retiring_share or settings.max_retiring_share()

    def report_path(self) -> Path:
        return Path(self.report_dir) if self.report_dir else settings.report_dir()


def default_resources() -> dict[str, dg.ConfigurableResource]:
    return {
        "registry_db": RegistryDatabase(),
        "publish_policy": PublishPolicy(),
        "web": WebClient(),
        "source_settings": SourceSettings(),
        "company_register": CompanyRegister(),
        "bolagsverket_api": BolagsverketApiAccess(),
    }
