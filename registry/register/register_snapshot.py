"""The company register snapshot: the bulk file as columnar files with a name index, built once per refresh.

A snapshot is a folder: the organisations as one Arrow IPC file (``companies.arrow``, uncompressed so that it
is read through a memory map: opening costs nothing, a look-up reads only the rows it takes), the sorted
organisationsnummer with their rows, the name index (registry/register/name_index.py), SCB's SNI codes, and
what it was built from (``build_info.json``). The bulk file is parsed by Arrow (registry/register/
bulk_columns.py), a block at a time, so memory stays bounded whatever the file's size.

The path the settings name (``ASF_REGISTER_SNAPSHOT``) is a symbolic link to the current snapshot's folder.
A snapshot is built in ``.NAME.building-PID``, renamed to ``.NAME.v<time>-PID`` when complete, and the link
is then replaced by one to it in a single rename: readers see the old snapshot or the new one, never half of
one, and a build killed at any point leaves the current snapshot as it was (the half-built folder is removed
by the next build).

"Good" is checked, not assumed: the new snapshot replaces the current one only when the file began with
Bolagsverket's header row and holds a plausible number of organisations (never 0, and at least a share of
the current snapshot's), so a 0-byte, garbage, header-only or truncated download cannot erase the register
the nightly job enriches from.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from registry import settings
from registry.reference.names import normalise_name
from registry.reference.normalize import fold, index_fold
from registry.register.bolagsverket import (
    ENTRY_FIELDS,
    BulkFileError,
    ParseReport,
    RegisterEntry,
    entry_from_row,
    open_bulk_file,
)
from registry.register.bulk_columns import SCHEMA, iter_rows, read_prepared
from registry.register.name_index import IndexBuilder, NameIndex, split_words, words_of
from registry.register.scb import iter_scb_rows

# How often a build says how far it has come, when asked to (asf-registry enrich).
PROGRESS_EVERY = 500_000
# Left out when many candidates are read for scoring: long, and not compared.
_LONG_TEXTS = frozenset({"description", "deregistration_reason"})
# The samples shipped for offline runs and tests: fictional companies that must never reach a live registry.
BUNDLED_SAMPLES = (settings.DEFAULT_REGISTER_BULK_FILE, settings.DEFAULT_SCB_BULK_FILE)

COMPANIES_FILE = "companies.arrow"
ORGNR_KEYS_FILE, ORGNR_ROWS_FILE = "orgnr_keys.npy", "orgnr_rows.npy"
SNI_FILE = "sni.arrow"
INFO_FILE = "build_info.json"


class SnapshotRefused(ValueError):
    """A new snapshot that is not promoted (the previous one stays): the message names the file and what was
    found in it, never a value from it."""

    def __init__(self, message: str, parse: ParseReport | None = None) -> None:
        super().__init__(message)
        self.parse = parse


class SnapshotUnreadable(ValueError):
    """What the snapshot path holds is not a snapshot this release reads (an earlier release's SQLite file, a
    folder with files missing); the next build replaces it."""


@dataclass(frozen=True)
class SnapshotInfo:
    """What a snapshot was built from, as recorded in it."""

    organisations: int
    built_at: str | None = None
    source: str | None = None
    sha256: str | None = None
    header: bool | None = None
    # Its organisations are those of the bundled sample (fictional), whichever file they came from.
    sample: bool = False
    # SCB's file: the organisations read from it (None: built without one), and whether it was the sample.
    sni_source: str | None = None
    sni_organisations: int | None = None
    sni_sample: bool = False
    recorded: bool = True


@dataclass(frozen=True)
class BuildReport:
    parse: ParseReport
    entries: int
    path: Path
    info: SnapshotInfo
    scb: ParseReport | None = None
    # The snapshot it replaced (None: there was none, or it could not be read).
    previous: SnapshotInfo | None = None
    # Half-built and superseded folders of builds whose process is gone (killed), removed before this build.
    removed_stale: list[Path] = field(default_factory=list)


def implausible(found: int, previous: int | None, min_share: float) -> str | None:
    """Why ``found`` organisations cannot replace a snapshot of ``previous``; None when they can."""
    if found == 0:
        return "0 organisations"
    if previous and found < min_share * previous:
        return (
            f"{found:,} organisations against {previous:,} in the previous snapshot "
            f"(at least {min_share * 100:g} % expected)"
        )
    return None


def is_bundled_sample(path: Path) -> bool:
    """Whether ``path`` is one of the samples in recordings/register/ or a copy of one (same size and bytes;
    only a file of a sample's size is read)."""
    try:
        size = path.stat().st_size
    except OSError:
        return False
    for sample in BUNDLED_SAMPLES:
        try:
            if path.samefile(sample) or (size == sample.stat().st_size and _sha256(path) == _sha256(sample)):
                return True
        except OSError:
            continue
    return False


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@functools.cache
def _sample_orgnrs() -> frozenset[str]:
    """The bundled Bolagsverket sample's organisations (a dozen lines: read once per process)."""
    try:
        with open_bulk_file(settings.DEFAULT_REGISTER_BULK_FILE) as stream:
            return frozenset(str(row[0]) for row in iter_rows(stream, ParseReport()))
    except (OSError, ValueError):
        return frozenset()  # an installation without the recordings has no sample to mistake for the register


@functools.cache
def _scb_sample_orgnrs() -> frozenset[str]:
    try:
        with open_bulk_file(settings.DEFAULT_SCB_BULK_FILE) as stream:
            return frozenset(row.orgnr for row in iter_scb_rows(stream, ParseReport()))
    except (OSError, ValueError):
        return frozenset()


def _only_sample(orgnrs: Callable[[], Iterable[str]], count: int, sample: frozenset[str]) -> bool:
    """Whether the ``count`` organisations are all the sample's: by content, so a renamed, copied or zipped
    sample is recognised too. A real file (more organisations than the sample) costs nothing."""
    if not 0 < count <= len(sample):
        return False
    return set(orgnrs()) <= sample


# -- where snapshots live ------------------------------------------------------------------------------------


def _building(target: Path) -> Path:
    return target.with_name(f".{target.name}.building-{os.getpid()}")


def _version(target: Path) -> Path:
    return target.with_name(f".{target.name}.v{time.time_ns()}-{os.getpid()}")


def _current_folder(target: Path) -> Path | None:
    """The folder the link points to (None: no link, or it points nowhere)."""
    if not target.is_symlink():
        return target if target.is_dir() else None
    folder = target.resolve()
    return folder if folder.is_dir() else None


def remove_stale_builds(target: Path) -> list[Path]:
    """Remove the half-built and superseded snapshot folders (``.NAME.building-PID``, ``.NAME.vTIME-PID``)
    and links not yet moved into place (``.NAME.link-PID``) whose building process no longer runs here and
    that the link does not point to: a build killed with SIGKILL, or by a reboot, cannot remove its own. The
    folder is assumed to be this machine's: a process ID says nothing about another machine's builds."""
    current = _current_folder(target)
    removed = []
    for path in sorted(target.parent.glob(f".{target.name}.*")):
        kind, _, pid = path.name.removeprefix(f".{target.name}.").rpartition("-")
        if not (kind in ("building", "link") or re.fullmatch(r"v\d+", kind)) or not pid.isdigit():
            continue
        if path == current or int(pid) == os.getpid() or _running(int(pid)):
            continue
        _remove(path)
        removed.append(path)
    return removed


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


_NOT_A_SNAPSHOT = (
    "{path} is not a register snapshot of this release (a file, not the link to a snapshot folder: an earlier "
    "release's SQLite snapshot, say); the next build replaces it"
)


def read_snapshot_info(path: Path) -> SnapshotInfo | None:
    """What the snapshot at ``path`` was built from; None when there is none. Reads only (SnapshotUnreadable
    when the path holds something else)."""
    if not path.exists() and not path.is_symlink():
        return None
    folder = _current_folder(path)
    if folder is None:
        if path.is_symlink():
            return None  # a link whose folder is gone: there is no snapshot
        raise SnapshotUnreadable(_NOT_A_SNAPSHOT.format(path=path))
    return _read_info(folder)


def _read_info(folder: Path) -> SnapshotInfo:
    try:
        values = json.loads((folder / INFO_FILE).read_text(encoding="utf-8"))
        return SnapshotInfo(**{k: values[k] for k in SnapshotInfo.__dataclass_fields__ if k in values})
    except (OSError, ValueError, TypeError) as exc:
        raise SnapshotUnreadable(f"{folder} is not a complete register snapshot ({type(exc).__name__})") from None


def _previous_info(target: Path) -> SnapshotInfo | None:
    try:
        return read_snapshot_info(target)
    except SnapshotUnreadable:
        return None  # not a readable snapshot: nothing to keep, nothing to compare with


# -- building ------------------------------------------------------------------------------------------------


def build_snapshot(
    bulk_file: Path,
    target: Path,
    scb_file: Path | None = None,
    *,
    min_share: float = settings.DEFAULT_REGISTER_MIN_SHARE,
    source: str | None = None,
    sha256: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> BuildReport:
    """Parse the bulk file (zip or txt) into a new snapshot at ``target``, replacing it only when complete and
    plausible: Bolagsverket's header row recognised, at least one organisation, and at least ``min_share`` of
    the current snapshot's organisations (the same for SCB's file, when given). Otherwise SnapshotRefused,
    naming the file and what was found, and ``target`` is left as it was.

    ``source`` (the download's URL; default: the file's path) and ``sha256`` (when known) are recorded in
    the snapshot.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_dir() and not target.is_symlink():
        raise SnapshotRefused(f"{target} is a folder, not the link to a snapshot: move it away to build here")
    removed = remove_stale_builds(target)
    previous = _previous_info(target)
    building = _building(target)
    _remove(building)
    building.mkdir()
    try:
        report = _write_companies(bulk_file, building, previous, min_share, progress)
        scb_report = _write_sni_codes(building, scb_file, previous, min_share) if scb_file is not None else None
        info = _write_info(building, report, scb_report, bulk_file, scb_file, source, sha256)
        superseded = _current_folder(target) if target.is_symlink() else None
        version = _version(target)
        building.rename(version)
    except BaseException:
        _remove(building)
        raise
    try:
        _point(target, version)
    except BaseException:
        _remove(version)
        raise
    if superseded is not None:
        # A reader that opened it keeps its memory maps; new readers follow the link.
        _remove(superseded)
    return BuildReport(report, report.entries, target, info, scb_report, previous, removed)


def _point(target: Path, version: Path) -> None:
    """Make ``target`` a link to ``version`` in one rename (a relative link: the folder can move)."""
    link = target.with_name(f".{target.name}.link-{os.getpid()}")
    link.unlink(missing_ok=True)
    link.symlink_to(version.name)
    os.replace(link, target)


def _write_companies(
    bulk_file: Path,
    folder: Path,
    previous: SnapshotInfo | None,
    min_share: float,
    progress: Callable[[str], None] | None,
) -> ParseReport:
    """The organisations, their orgnr index and their name index, into ``folder``."""
    report = ParseReport()
    index = IndexBuilder()
    keys: list[np.ndarray] = []
    started, shown = time.monotonic(), 0
    try:
        with (
            open_bulk_file(bulk_file) as stream,
            pa.OSFile(str(folder / COMPANIES_FILE), "wb") as sink,
            pa.ipc.new_file(sink, SCHEMA) as writer,
        ):
            for batch, words in read_prepared(stream, report, _name_words, require_header=True):
                writer.write_batch(batch)
                index.add_words(batch.num_rows, words)
                digits = pc.replace_substring(batch.column("orgnr"), "-", "")
                keys.append(pc.cast(digits, pa.int64()).to_numpy())
                if progress is not None and report.entries - shown >= PROGRESS_EVERY:
                    progress(f"{report.entries:,} organisations read ({time.monotonic() - started:.0f} s)")
                    shown = report.entries
    except BulkFileError as exc:
        raise SnapshotRefused(f"{bulk_file}: {exc}; the previous snapshot is kept", report) from None
    # Judged before the indexes are sorted: no time is spent finishing a snapshot that will not be used.
    problem = implausible(report.entries, previous.organisations if previous else None, min_share)
    if problem:
        read = f"{report.rows:,} rows read, {report.malformed:,} malformed"
        raise SnapshotRefused(f"{bulk_file}: {problem}; {read}; the previous snapshot is kept", report)
    if progress is not None:
        progress(f"{report.entries:,} organisations read; indexing the names")
    # Sorted beside the name index (numpy's sort runs without the GIL) rather than before it.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="orgnr-index") as pool:
        orgnr_index = pool.submit(_write_key_index, folder, ORGNR_KEYS_FILE, ORGNR_ROWS_FILE, keys)
        index.write(folder)
        orgnr_index.result()
    return report


def _name_words(batch: pa.RecordBatch) -> tuple[pa.Array, np.ndarray]:
    return words_of(batch.column("name"), batch.column("other_names"))


def _write_key_index(folder: Path, keys_file: str, rows_file: str, keys: list[np.ndarray]) -> None:
    """Sorted orgnr keys and the row each stands for (several rows may share one), for binary search."""
    values = np.concatenate(keys) if keys else np.zeros(0, np.int64)
    order = np.argsort(values, kind="stable")
    np.save(folder / keys_file, values[order])
    np.save(folder / rows_file, order.astype(np.int32))


_SNI_SCHEMA = pa.schema([("orgnr", pa.string()), ("code", pa.string())])


def _write_sni_codes(folder: Path, scb_file: Path, previous: SnapshotInfo | None, min_share: float) -> ParseReport:
    """SCB's SNI industry codes per organisation, into the snapshot being built; SnapshotRefused when the file
    yields no organisation, or far fewer than the previous snapshot's, rather than an empty SNI table."""
    report = ParseReport()
    orgnrs: list[str] = []
    codes: list[str] = []
    try:
        with open_bulk_file(scb_file) as stream:
            for row in iter_scb_rows(stream, report):
                orgnrs.extend(row.orgnr for _ in row.sni)
                codes.extend(row.sni)
    except ValueError as exc:
        raise SnapshotRefused(f"SCB file {scb_file}: {exc}; the previous snapshot is kept") from None
    problem = implausible(report.entries, previous.sni_organisations if previous else None, min_share)
    if problem:
        raise SnapshotRefused(
            f"SCB file {scb_file}: {problem}; {report.rows:,} rows read, {report.malformed:,} malformed; "
            "the previous snapshot is kept",
            report,
        )
    table = pa.table([pa.array(orgnrs, pa.string()), pa.array(codes, pa.string())], schema=_SNI_SCHEMA)
    with pa.OSFile(str(folder / SNI_FILE), "wb") as sink, pa.ipc.new_file(sink, _SNI_SCHEMA) as writer:
        writer.write_table(table)
    keys = pc.cast(pc.replace_substring(table.column("orgnr"), "-", ""), pa.int64()).to_numpy()
    _write_key_index(folder, "sni_keys.npy", "sni_rows.npy", [keys])
    return report


def _write_info(
    folder: Path,
    report: ParseReport,
    scb_report: ParseReport | None,
    bulk_file: Path,
    scb_file: Path | None,
    source: str | None,
    sha256: str | None,
) -> SnapshotInfo:
    """What the snapshot was built from, written into it (one small file: it costs nothing)."""
    companies = _companies(folder)
    sni = _sni(folder)
    sni_count = scb_report.entries if scb_report else 0
    info = SnapshotInfo(
        organisations=report.entries,
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        source=source or str(bulk_file),
        sha256=sha256,
        header=report.header,
        sample=_only_sample(lambda: companies.column("orgnr").to_pylist(), report.entries, _sample_orgnrs()),
        sni_source=str(scb_file) if scb_file is not None else None,
        sni_organisations=scb_report.entries if scb_report else None,
        sni_sample=sni is not None
        and _only_sample(lambda: set(sni.column("orgnr").to_pylist()), sni_count, _scb_sample_orgnrs()),
    )
    values = {
        **{k: getattr(info, k) for k in SnapshotInfo.__dataclass_fields__ if k != "recorded"},
        "rows_read": report.rows,
        "malformed_lines": report.malformed,
        "rows_recovered_after_malformed_lines": report.rows_recovered,
        "sole_trader_rows_skipped": report.personnummer_rows_skipped,
        "values_with_a_personnummer_redacted": report.personnummer_redacted,
        "encoding": report.encoding,
    }
    (folder / INFO_FILE).write_text(json.dumps(values, indent=2), encoding="utf-8")
    return info


def _companies(folder: Path) -> pa.Table:
    with pa.memory_map(str(folder / COMPANIES_FILE)) as source:
        return pa.ipc.open_file(source).read_all()


def _sni(folder: Path) -> pa.Table | None:
    if not (folder / SNI_FILE).exists():
        return None
    with pa.memory_map(str(folder / SNI_FILE)) as source:
        return pa.ipc.open_file(source).read_all()


# -- reading -------------------------------------------------------------------------------------------------

# Letters that fold writes otherwise than the index does ('ø' -> 'o'): a query that has them is looked up in both.
_KEPT_BY_INDEX = re.compile("[æøßÆØẞ]")
_LETTERS = "abcdefghijklmnopqrstuvwxyzæø"


def near_spellings(word: str) -> set[str]:
    """Every spelling one typo away from a folded word: a letter left out, added, replaced, or two neighbours
    swapped ('kriofut' -> 'krioffut', 'kirofut', 'kriofat'...; 50-odd per letter)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    spellings = {a + b[1:] for a, b in splits if b}
    spellings.update(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1)
    spellings.update(a + c + b[1:] for a, b in splits if b for c in _LETTERS)
    spellings.update(a + c + b for a, b in splits for c in _LETTERS)
    spellings.discard(word)
    return spellings


def _words(name: str) -> list[str]:
    """A query name's words as the index holds them: its comparison key's words, and (when it has letters the
    index keeps, 'ø') the same folded as the index folds."""
    words = normalise_name(name)
    if _KEPT_BY_INDEX.search(name):
        words += " " + normalise_name(name, index_fold)
    return list(dict.fromkeys(split_words(words)))


class RegisterSnapshot:
    """Read access to a built snapshot, through memory maps."""

    def __init__(self, path: Path, use_sni: bool = True) -> None:
        self.path = path
        # False: the snapshot's SNI codes are not to be used (they came from the bundled sample, in live mode).
        self.use_sni = use_sni
        # The folder may be replaced by a build between following the link and opening its files: follow again.
        for attempt in range(3):
            folder = self._folder(path)
            try:
                self._open(folder)
                break
            except FileNotFoundError:
                if attempt == 2:
                    raise SnapshotUnreadable(f"{folder} is not a complete register snapshot") from None

    @staticmethod
    def _folder(path: Path) -> Path:
        if not path.exists():
            raise FileNotFoundError(f"no company register snapshot at {path}")
        folder = _current_folder(path)
        if folder is None:
            raise SnapshotUnreadable(_NOT_A_SNAPSHOT.format(path=path))
        return folder

    def _open(self, folder: Path) -> None:
        self._info = _read_info(folder)
        self._companies = _companies(folder)
        # Where each of the file's batches starts: rows are taken batch by batch (a take across all the
        # batches at once would first join them, copying the whole table).
        self._batches = self._companies.to_batches()
        self._starts = np.cumsum([0] + [b.num_rows for b in self._batches])
        self._keys = np.load(folder / ORGNR_KEYS_FILE, mmap_mode="r")
        self._key_rows = np.load(folder / ORGNR_ROWS_FILE, mmap_mode="r")
        self._index = NameIndex(folder)
        self._sni_table = _sni(folder)
        if self._sni_table is not None:
            self._sni_keys = np.load(folder / "sni_keys.npy", mmap_mode="r")
            self._sni_rows = np.load(folder / "sni_rows.npy", mmap_mode="r")

    def close(self) -> None:
        # The memory maps are released with the last array that uses them.
        self._companies = self._companies.slice(0, 0)
        self._batches = []

    def __enter__(self) -> RegisterSnapshot:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def count(self) -> int:
        return self._companies.num_rows

    def info(self) -> SnapshotInfo:
        return self._info

    def names(self) -> list[str]:
        """Every registered organisation's main name (for benchmarks against a scan of them all)."""
        return self._companies.column("name").to_pylist()

    def sni_codes(self, orgnr: str) -> list[str]:
        """SNI industry codes from SCB's bulk file, when the snapshot was built with one."""
        if not self.use_sni or self._sni_table is None:
            return []
        rows = _rows_for(self._sni_keys, self._sni_rows, orgnr)
        return self._sni_table.column("code").take(pa.array(np.sort(rows))).to_pylist() if len(rows) else []

    def _entries(self, rows: np.ndarray, light: bool = False) -> list[RegisterEntry]:
        """Entries at ``rows`` (in that order); ``light`` leaves out the long texts, for scoring many."""
        if not len(rows):
            return []
        taken = self._take(np.asarray(rows, np.int64))
        columns = [
            [None] * len(rows) if light and name in _LONG_TEXTS else taken.column(name).to_pylist()
            for name in ENTRY_FIELDS
        ]
        return [entry_from_row(row) for row in zip(*columns, strict=True)]

    def _take(self, rows: np.ndarray) -> pa.Table:
        """The rows at ``rows`` (in that order), read from the batches that hold them."""
        batch_of = np.searchsorted(self._starts, rows, side="right") - 1
        order = np.argsort(batch_of, kind="stable")
        parts = []
        for batch in np.unique(batch_of):
            local = rows[order][batch_of[order] == batch] - self._starts[batch]
            parts.append(self._batches[batch].take(pa.array(local)))
        taken = pa.Table.from_batches(parts, schema=self._companies.schema)
        if np.all(order[:-1] <= order[1:]):
            return taken
        return taken.take(pa.array(np.argsort(order, kind="stable")))

    def by_orgnr(self, orgnr: str) -> list[RegisterEntry]:
        return self._entries(np.sort(_rows_for(self._keys, self._key_rows, orgnr)))

    def candidates(self, name: str, per_term: int = 150, near: bool = True, near_from: int = 4) -> list[RegisterEntry]:
        """candidates_for one name."""
        return self.candidates_for([name], per_term, near, near_from)[0]

    def candidates_for(
        self, names: Sequence[str], per_term: int = 150, near: bool = True, near_from: int = 4
    ) -> list[list[RegisterEntry]]:
        """For each name, the registered organisations whose names share a rare word with it, or (``near``) a
        spelling one typo away from one of its rare words: every name's words in one look-up, every near
        spelling in another, every candidate's row in one read.

        A word in more than ``per_term`` names ("ab", "catering") tells little and costs the most: it is not
        looked up, nor are its near spellings. A word of at least ``near_from`` letters in few names or none
        may be misspelt: its near spellings that the index holds (in at most ``per_term`` names each) are
        looked up too, wherever the typo is in the word. That is a few hundred spellings a word, so callers
        ask for it when the words as written find nothing close. Candidates come in row order, unranked:
        the caller scores them.
        """
        words = [_words(name) for name in names]
        distinct = list(dict.fromkeys(w for ws in words for w in ws))
        found = self._index.look_up(distinct)
        place = dict(zip(distinct, found.places.tolist(), strict=True))
        count = dict(zip(distinct, found.counts.tolist(), strict=True))
        rare = [[w for w in ws if count[w] <= per_term] for ws in words]
        terms = [[place[w] for w in ws if place[w] >= 0] for ws in rare]
        if near:
            spellings = [self._near(ws, near_from) - set(all_words) for ws, all_words in zip(rare, words, strict=True)]
            every = list(set().union(*spellings))
            near_found = self._index.look_up(every)
            near_place = {
                w: p for w, p, n in zip(every, near_found.places.tolist(), near_found.counts.tolist(), strict=True)
                if p >= 0 and n <= per_term
            }  # fmt: skip
            for kept, near_words in zip(terms, spellings, strict=True):
                kept.extend(near_place[w] for w in near_words if w in near_place)
        rows = [self._index.rows(t) for t in terms]
        union = np.unique(np.concatenate(rows)) if rows else np.zeros(0, np.int32)
        entries = dict(zip(union.tolist(), self._entries(union, light=True), strict=True))
        return [[entries[r] for r in r_.tolist()] for r_ in rows]

    @staticmethod
    def _near(words: list[str], near_from: int) -> set[str]:
        spellings: set[str] = set()
        for word in words:
            if len(word) >= near_from and word.isalpha():
                spellings |= near_spellings(word)
        return spellings

    def discovery_candidates(self, phrases: Sequence[str], limit: int = 5000) -> list[tuple[RegisterEntry, str]]:
        """Active organisations whose business description holds one of the phrases (any case), or whose name
        says (svb), with the reason. One pass over the table: run weekly, not per query."""
        table = self._companies
        described = pa.array(np.zeros(table.num_rows, bool))
        for phrase in phrases:
            matched = pc.fill_null(pc.match_substring(table.column("description"), phrase, ignore_case=True), False)
            described = pc.or_(described, matched)
        leads = pc.or_(pc.equal(table.column("svb"), 1), described)
        wanted = pc.and_(pc.equal(table.column("status"), "active"), leads)
        rows = pc.indices_nonzero(wanted).to_numpy()[:limit]
        found = []
        for entry in self._entries(rows):
            description = fold(entry.description or "")
            phrase = next((p for p in phrases if fold(p) in description), None)
            found.append((entry, f"description: '{phrase}'" if phrase else "name says (svb)"))
        return found


def _rows_for(keys: np.ndarray, rows: np.ndarray, orgnr: str) -> np.ndarray:
    digits = orgnr.replace("-", "")
    if not (len(digits) == 10 and digits.isascii() and digits.isdigit()):
        return np.zeros(0, np.int32)
    key = np.int64(digits)
    return np.asarray(rows[np.searchsorted(keys, key, "left") : np.searchsorted(keys, key, "right")])
