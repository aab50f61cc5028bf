"""Resources: configuration comes from the environment (secrets never from code or the UI)."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
from sqlalchemy.engine import Engine

from registry import settings
from registry.bulk_download import DEFAULT_DEADLINE_SECONDS, DEFAULT_STALL_SECONDS
from registry.db import create_schema, make_engine
from registry.http_client import DEFAULT_DEADLINE, DEFAULT_MAX_REDIRECTS, HttpClient
from registry.raw_archive import RawArchive
from registry.register_snapshot import RegisterSnapshot, build_snapshot

_ENGINES: dict[str, Engine] = {}


def _engine(url: str) -> Engine:
    """One engine (and connection pool) per URL per process, its schema created on first use."""
    if url not in _ENGINES:
        engine = make_engine(url)
        create_schema(engine)
        _ENGINES[url] = engine
    return _ENGINES[url]


def dispose_engines() -> None:
    """Close every pooled connection (before dropping a database, or at the end of a process)."""
    while _ENGINES:
        _ENGINES.popitem()[1].dispose()


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
        return _engine(self.resolved_url)


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

    def client(self) -> HttpClient:
        mode = self.mode or settings.http_mode()
        archive_dir = Path(self.archive_dir) if self.archive_dir else settings.raw_archive_dir(mode)
        return HttpClient(
            RawArchive(archive_dir),
            mode="live" if mode == "live" else "replay",
            contact=self.contact or settings.contact_address(),
            timeout=self.timeout_seconds,
            deadline=self.deadline_seconds,
            max_redirects=self.max_redirects,
            retries=self.retries,
            min_interval=self.min_seconds_between_requests_per_host,
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
    """Bolagsverket's register as an indexed snapshot.

    Unset fields: ASF_REGISTER_SNAPSHOT (data/register/snapshot.sqlite), ASF_REGISTER_BULK_FILE (the
    recorded sample in recordings/register/). In live mode (ASF_HTTP_MODE=live) the weekly refresh
    downloads the bulk file from Bolagsverket instead; the download fails when no data arrives for
    download_stall_seconds or it is not complete within download_deadline_seconds.
    """

    snapshot_path: str | None = None
    bulk_file: str | None = None
    scb_file: str | None = None
    download_url: str = settings.BOLAGSVERKET_BULK_URL
    download_stall_seconds: float = DEFAULT_STALL_SECONDS
    download_deadline_seconds: float = DEFAULT_DEADLINE_SECONDS

    def snapshot_file(self) -> Path:
        return Path(self.snapshot_path) if self.snapshot_path else settings.register_snapshot_path()

    def bulk_file_path(self) -> Path:
        return Path(self.bulk_file) if self.bulk_file else settings.register_bulk_file()

    def scb_file_path(self) -> Path | None:
        return Path(self.scb_file) if self.scb_file else settings.scb_bulk_file()

    def downloads(self) -> bool:
        return settings.http_mode() == "live" and not self.bulk_file and not os.environ.get("ASF_REGISTER_BULK_FILE")

    def open_snapshot(self) -> RegisterSnapshot:
        """The current snapshot; built from the configured bulk file the first time there is none."""
        path = self.snapshot_file()
        if not path.exists():
            build_snapshot(self.bulk_file_path(), path, self.scb_file_path())
        return RegisterSnapshot(path)


class PublishPolicy(dg.ConfigurableResource):
    """How the registry is maintained. Unset fields: ASF_INACTIVE_AFTER_RUNS (3), ASF_MAX_RETIRING_SHARE (0.2),
    ASF_REPORT_DIR (data/reports).

    inactive_after_runs: consecutive runs in which no source lists an organisation before it is inactive.
    max_retiring_share: the share of active organisations one run may stop listing or make inactive before
    the publish gate blocks it.
    """

    inactive_after_runs: int | None = None
    max_retiring_share: float | None = None
    report_dir: str | None = None

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
    }
