"""The company register as configured: where Bolagsverket's and SCB's files come from, where the snapshot lives,
and the rules that decide what a night and the weekly refresh may use.

The rules, in one place for the pipeline and for ``asf-registry doctor``:
- in live mode without a bulk file named by the operator, the weekly refresh downloads Bolagsverket's file;
  otherwise it builds from the named file (replay mode: the bundled sample when none is named);
- live mode never uses the bundled samples: not to build from, not a snapshot built from them, not their SNI
  codes; a night then publishes without register data (or without SNI codes) and says why;
- a night with no snapshot builds one from the configured file, never by downloading (that is the weekly job's),
  and says so (``RegisterInUse.built``), so the pipeline can record the build as the snapshot's materialization.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from registry import settings
from registry.register.bulk_download import DEFAULT_DEADLINE_SECONDS, DEFAULT_STALL_SECONDS, download, promote
from registry.register.register_snapshot import (
    BuildReport,
    RegisterSnapshot,
    SnapshotInfo,
    SnapshotRefused,
    SnapshotUnreadable,
    build_snapshot,
    is_bundled_sample,
    read_snapshot_info,
)

WEEKLY_JOB_HINT = "run the job weekly_register_refresh to build it (it runs on Sundays at 04:00)"
DOWNLOADED_ZIP = "bolagsverket_bulkfil.zip"


@dataclass(frozen=True)
class RegisterInUse:
    """The register snapshot a night uses, or None and why not: said in the assets' metadata, the log and the
    CLI summary."""

    snapshot: RegisterSnapshot | None
    note: str
    # Why the night has no SNI codes, when it has none.
    sni_note: str | None = None
    # The snapshot this opening built, there being none it could use; None when it reused the current one.
    built: NightBuild | None = None


@dataclass(frozen=True)
class NightBuild:
    """A snapshot a night built from the configured bulk file because the path held none it could use."""

    report: BuildReport
    bulk_file: Path
    # Why: what the path held before (nothing, an empty snapshot, one this release cannot read).
    reason: str
    seconds: float


@dataclass(frozen=True)
class Refreshed:
    """A weekly refresh that promoted a new snapshot."""

    report: BuildReport
    # The download's URL, or the local file's path.
    source: str
    # The downloaded file's checksum; None for a local file.
    sha256: str | None = None


@dataclass(frozen=True)
class RegisterConfig:
    snapshot_path: Path
    # The bulk file an operator named (None: download in live mode, the bundled sample in replay mode).
    configured_bulk_file: Path | None
    # SCB's file as configured: a path, or None when the operator wrote 'none'; scb_named: whether one was named.
    configured_scb_file: Path | None
    scb_named: bool
    live: bool
    # ASF_REGISTER_MIN_SHARE as written (read when a snapshot is built: a wrong value fails that build).
    min_share_written: str = ""
    download_url: str = settings.BOLAGSVERKET_BULK_URL
    download_stall_seconds: float = DEFAULT_STALL_SECONDS
    download_deadline_seconds: float = DEFAULT_DEADLINE_SECONDS

    @classmethod
    def from_env(
        cls,
        env: settings.Env | None = None,
        *,
        snapshot_path: str | None = None,
        bulk_file: str | None = None,
        scb_file: str | None = None,
        min_share: float | None = None,
        download_url: str = settings.BOLAGSVERKET_BULK_URL,
        download_stall_seconds: float = DEFAULT_STALL_SECONDS,
        download_deadline_seconds: float = DEFAULT_DEADLINE_SECONDS,
    ) -> RegisterConfig:
        """The configuration ``env`` gives (default: the process environment); a given value wins over it."""
        scb_setting = scb_file or settings.scb_bulk_file_setting(env)
        min_share_setting = settings.REGISTER_MIN_SHARE.name
        return cls(
            snapshot_path=Path(snapshot_path) if snapshot_path else settings.register_snapshot_path(env),
            configured_bulk_file=Path(bulk_file) if bulk_file else settings.configured_register_bulk_file(env),
            configured_scb_file=settings.scb_bulk_file_path(scb_setting),
            scb_named=bool(scb_setting),
            live=settings.http_mode(env) == "live",
            min_share_written=str(min_share) if min_share is not None else settings.written(min_share_setting, env),
            download_url=download_url,
            download_stall_seconds=download_stall_seconds,
            download_deadline_seconds=download_deadline_seconds,
        )

    # -- the rules ---------------------------------------------------------------------------------------------

    @property
    def downloads(self) -> bool:
        """Whether the weekly refresh downloads Bolagsverket's file (live mode, no file named)."""
        return self.live and self.configured_bulk_file is None

    @property
    def bulk_file(self) -> Path:
        """The file a snapshot is built from when not downloading."""
        return self.configured_bulk_file or settings.DEFAULT_REGISTER_BULK_FILE

    @property
    def downloaded_file(self) -> Path:
        """Where the weekly refresh keeps the last downloaded bulk file."""
        return self.snapshot_path.with_name(DOWNLOADED_ZIP)

    def min_share(self) -> float:
        """A new snapshot must hold at least this share of the current one's organisations."""
        return settings.REGISTER_MIN_SHARE.parse(self.min_share_written)

    def scb_file(self) -> Path | None:
        """SCB's file to take SNI codes from; in live mode never the bundled sample (then None: no SNI codes)."""
        path = self.configured_scb_file
        if path is not None and self.live and is_bundled_sample(path):
            return None
        return path

    def sni_note(self) -> str | None:
        """Why a snapshot built now has no SNI codes, when it has none."""
        if self.configured_scb_file is None:
            return "no SNI codes: ASF_SCB_BULK_FILE is none"
        if self.scb_file() is None:
            why = (
                f"{self.configured_scb_file} is the bundled sample"
                if self.scb_named
                else "no SCB file is configured (ASF_SCB_BULK_FILE)"
            )
            return f"no SNI codes: {why}, and live mode never uses the bundled sample"
        return None

    def sample_refusal(self) -> str | None:
        """Why the configured bulk file may not be built from: in live mode, the bundled sample never is."""
        if self.live and not self.downloads and is_bundled_sample(self.bulk_file):
            return (
                f"ASF_REGISTER_BULK_FILE names the bundled sample ({self.bulk_file}: fictional companies), "
                "which live mode never uses; unset it to download Bolagsverket's file, or point it at a downloaded one"
            )
        return None

    # -- the weekly refresh ------------------------------------------------------------------------------------

    def refresh(self, contact: str) -> Refreshed:
        """Download (live mode) or take the configured file, build a new snapshot from it and promote it.

        Raises SnapshotRefused (or another ValueError, FileNotFoundError, zipfile.BadZipFile) when the file is
        refused or does not parse, and FetchError when the download fails: then the previous file and snapshot
        stay as they were."""
        min_share, scb_file = self.min_share(), self.scb_file()
        if not self.downloads:
            refusal = self.sample_refusal()
            if refusal:
                raise SnapshotRefused(refusal)
            report = build_snapshot(self.bulk_file, self.snapshot_path, scb_file, min_share=min_share)
            return Refreshed(report, str(self.bulk_file))
        fetched = download(
            self.download_url,
            self.downloaded_file,
            contact,
            stall_seconds=self.download_stall_seconds,
            deadline_seconds=self.download_deadline_seconds,
        )
        # Raises, and keeps the previous file and snapshot, if it does not parse into a plausible register.
        report = build_snapshot(
            fetched.path,
            self.snapshot_path,
            scb_file,
            min_share=min_share,
            source=self.download_url,
            sha256=fetched.sha256,
        )
        promoted = promote(fetched, self.downloaded_file)
        return Refreshed(report, self.download_url, promoted.sha256)

    # -- a night's register ------------------------------------------------------------------------------------

    @contextmanager
    def open_register(self) -> Iterator[RegisterInUse]:
        """The current snapshot, built from the configured bulk file the first time there is none (never in live
        mode from a sample, never by downloading: that is the weekly job's); or None and why not."""
        path = self.snapshot_path
        try:
            info = read_snapshot_info(path)
        except SnapshotUnreadable as exc:
            info, unreadable = None, f"the register snapshot at {path} cannot be read ({exc})"
        else:
            unreadable = None
        built = None
        if info is None or info.organisations == 0:
            outcome = self._first_build(unreadable or (f"an empty snapshot at {path}" if info else None))
            if isinstance(outcome, str):
                yield RegisterInUse(None, outcome, self.sni_note())
                return
            built, info = outcome, outcome.report.info
        elif self.live and info.sample:
            yield RegisterInUse(
                None,
                f"the register snapshot at {path} holds the bundled sample's fictional companies, which live mode "
                f"never uses: {WEEKLY_JOB_HINT} from Bolagsverket's file",
            )
            return
        # SNI codes from SCB's sample (a snapshot built before live mode refused it) are not used either.
        use_sni = not (self.live and info.sni_sample)
        with RegisterSnapshot(path, use_sni=use_sni) as snapshot:
            yield RegisterInUse(snapshot, _describe(info, path), _sni_note(info, use_sni), built)

    def _first_build(self, replacing: str | None) -> NightBuild | str:
        """A snapshot built now from the configured file, or why there is none."""
        what = replacing or f"no snapshot at {self.snapshot_path}"
        if self.downloads:
            return (
                f"live mode, and no snapshot built from Bolagsverket's bulk file yet ({what}; the bundled sample is "
                f"never used in live mode): {WEEKLY_JOB_HINT}"
            )
        refusal = self.sample_refusal()
        if refusal:
            return refusal
        min_share = self.min_share()  # a wrong setting fails the run: it is not a missing register
        started = time.perf_counter()
        try:
            report = build_snapshot(self.bulk_file, self.snapshot_path, self.scb_file(), min_share=min_share)
        except (ValueError, FileNotFoundError) as exc:
            return f"no register snapshot could be built: {exc}"
        return NightBuild(report, self.bulk_file, what, time.perf_counter() - started)


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
