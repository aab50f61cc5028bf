"""Resources: configuration comes from the environment (secrets never from code or the UI)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from registry import settings
from registry.ingest.http_client import DEFAULT_DEADLINE, DEFAULT_MAX_REDIRECTS, HttpClient
from registry.ingest.raw_archive import RawArchive
from registry.register.bulk_download import DEFAULT_DEADLINE_SECONDS, DEFAULT_STALL_SECONDS
from registry.register.register_snapshot import (
    RegisterSnapshot,
    SnapshotInfo,
    build_snapshot,
    is_bundled_sample,
    read_snapshot_info,
)
from registry.store.db import create_schema, make_engine
from registry.store.registry_access import RegistryUnavailable, explain

_ENGINES: dict[str, Engine] = {}


def _engine(url: str) -> Engine:
    """One engine (and connection pool) per URL per process, its schema created on first use. A database that
    cannot be used raises RegistryUnavailable saying why in one line."""
    if url not in _ENGINES:
        try:
            engine = make_engine(url)
            create_schema(engine)
        except (SQLAlchemyError, OSError) as exc:
            raise explain(url, exc) from exc
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
        try:
            return _engine(self.resolved_url)
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


@dataclass(frozen=True)
class RegisterInUse:
    """The register snapshot a night uses, or None and why not: said in the assets' metadata, the log and the
    CLI summary."""

    snapshot: RegisterSnapshot | None
    note: str
    # Why the night has no SNI codes, when it has none.
    sni_note: str | None = None


WEEKLY_JOB_HINT = "run the job weekly_register_refresh to build it (it runs on Sundays at 04:00)"


class CompanyRegister(dg.ConfigurableResource):
    """Bolagsverket's register as an indexed snapshot.

    Unset fields: ASF_REGISTER_SNAPSHOT (data/register/snapshot.sqlite), ASF_REGISTER_BULK_FILE (the
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

    def snapshot_file(self) -> Path:
        return Path(self.snapshot_path) if self.snapshot_path else settings.register_snapshot_path()

    def bulk_file_path(self) -> Path:
        return Path(self.bulk_file) if self.bulk_file else settings.register_bulk_file()

    def live(self) -> bool:
        return settings.http_mode() == "live"

    def min_share_setting(self) -> float:
        if self.min_share is None:
            return settings.register_min_share()
        return settings.REGISTER_MIN_SHARE.parse(str(self.min_share))

    def configured_scb_file(self) -> Path | None:
        return Path(self.scb_file) if self.scb_file else settings.scb_bulk_file()

    def scb_file_path(self) -> Path | None:
        """SCB's file to take SNI codes from; in live mode never the bundled sample (then None: no SNI codes)."""
        path = self.configured_scb_file()
        if path is not None and self.live() and is_bundled_sample(path):
            return None
        return path

    def sni_note(self) -> str | None:
        """Why a snapshot built now has no SNI codes, when it has none."""
        path = self.configured_scb_file()
        if path is None:
            return "no SNI codes: ASF_SCB_BULK_FILE is none"
        if self.scb_file_path() is None:
            configured = self.scb_file or os.environ.get("ASF_SCB_BULK_FILE")
            why = f"{path} is the bundled sample" if configured else "no SCB file is configured (ASF_SCB_BULK_FILE)"
            return f"no SNI codes: {why}, and live mode never uses the bundled sample"
        return None

    def downloads(self) -> bool:
        return settings.http_mode() == "live" and not self.bulk_file and not os.environ.get("ASF_REGISTER_BULK_FILE")

    def sample_refusal(self) -> str | None:
        """Why the configured bulk file may not be built from: in live mode, the bundled sample never is."""
        if self.live() and not self.downloads() and is_bundled_sample(self.bulk_file_path()):
            return (
                f"ASF_REGISTER_BULK_FILE names the bundled sample ({self.bulk_file_path()}: fictional companies), "
                "which live mode never uses; unset it to download Bolagsverket's file, or point it at a downloaded one"
            )
        return None

    @contextmanager
    def open_register(self) -> Iterator[RegisterInUse]:
        """The current snapshot, built from the configured bulk file the first time there is none (never in live
        mode from a sample, never by downloading: that is the weekly job's); or None and why not."""
        path = self.snapshot_file()
        try:
            info = read_snapshot_info(path)
        except sqlite3.Error as exc:
            info, unreadable = None, f"the register snapshot at {path} cannot be read ({exc})"
        else:
            unreadable = None
        if info is None or info.organisations == 0:
            built = self._first_build(path, unreadable or ("an empty snapshot" if info else None))
            if isinstance(built, str):
                yield RegisterInUse(None, built, self.sni_note())
                return
            info = built
        elif self.live() and info.sample:
            yield RegisterInUse(
                None,
                f"the register snapshot at {path} holds the bundled sample's fictional companies, which live mode "
                f"never uses: {WEEKLY_JOB_HINT} from Bolagsverket's file",
            )
            return
        # SNI codes from SCB's sample (a snapshot built before live mode refused it) are not used either.
        use_sni = not (self.live() and info.sni_sample)
        with RegisterSnapshot(path, use_sni=use_sni) as snapshot:
            yield RegisterInUse(snapshot, _describe(info, path), _sni_note(info, use_sni))

    def _first_build(self, path: Path, replacing: str | None) -> SnapshotInfo | str:
        """A snapshot built now from the configured file, or why there is none."""
        if self.downloads():
            what = replacing or f"none at {path}"
            return (
                f"live mode, and no snapshot built from Bolagsverket's bulk file yet ({what}; the bundled sample is "
                f"never used in live mode): {WEEKLY_JOB_HINT}"
            )
        refusal = self.sample_refusal()
        if refusal:
            return refusal
        min_share = self.min_share_setting()  # a wrong setting fails the run: it is not a missing register
        try:
            report = build_snapshot(self.bulk_file_path(), path, self.scb_file_path(), min_share=min_share)
        except (ValueError, FileNotFoundError) as exc:
            return f"no register snapshot could be built: {exc}"
        return report.info

    @contextmanager
    def open_snapshot(self) -> Iterator[RegisterSnapshot | None]:
        """The snapshot alone (None when the night has none), for readers that need no explanation."""
        with self.open_register() as register:
            yield register.snapshot


def _describe(info: SnapshotInfo, path: Path) -> str:
    source = info.source or "an unrecorded file (built by an earlier release)"
    built = f", built {info.built_at}" if info.built_at else ""
    return f"{info.organisations:,} organisations from {source}{built} ({path})"


def _sni_note(info: SnapshotInfo, used: bool) -> str | None:
    if not used:
        return "no SNI codes: the snapshot's SNI codes come from the bundled SCB sample, which live mode never uses"
    if info.sni_organisations is None:
        return "no SNI codes: the snapshot was built without SCB's file"
    return None


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
    }
