"""The company register snapshot: the bulk file as an indexed SQLite file, built once per weekly refresh.

Why SQLite with an FTS5 index: matching a few thousand names needs, per name, the few dozen registered names
that share its rarest words, out of ~3 million. FTS5's inverted index answers that in about a millisecond
with bm25 ranking (rare words weigh most), lives in one file that every process can open read-only, needs
no server, and is built in one streaming pass with bounded memory (figures: docs/benchmarks/register.md).
The snapshot is built into a temporary file and moved into place only when complete, so readers never see
half a snapshot and the previous one stays until the new one is good.

"Good" is checked, not assumed: the new snapshot replaces the current one only when the file began with
Bolagsverket's header row and holds a plausible number of organisations (never 0, and at least a share of
the current snapshot's), so a 0-byte, garbage, header-only or truncated download cannot erase the register
the nightly job enriches from. What a snapshot was built from is recorded in it (table ``build_info``), for
the next build and ``asf-registry doctor`` to compare against.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import itertools
import marshal
import multiprocessing
import os
import queue
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.process import BaseProcess
from pathlib import Path

from registry import settings
from registry.reference.names import normalise_name
from registry.reference.normalize import fold, index_fold
from registry.register.bolagsverket import (
    ENTRY_FIELDS,
    OPTIONAL_FIELDS,
    BulkFileError,
    ParseReport,
    RegisterEntry,
    entry_from_row,
    iter_rows,
    open_bulk_file,
)
from registry.register.scb import iter_scb_rows

_COLUMNS = list(ENTRY_FIELDS)
BATCH = 20_000
# How often a build says how far it has come, when asked to (asf-registry enrich).
PROGRESS_EVERY = 500_000
_LONG_TEXTS = {"description", "deregistration_reason", "street"}
# The samples shipped for offline runs and tests: fictional companies that must never reach a live registry.
BUNDLED_SAMPLES = (settings.DEFAULT_REGISTER_BULK_FILE, settings.DEFAULT_SCB_BULK_FILE)


class SnapshotRefused(ValueError):
    """A new snapshot that is not promoted (the previous one stays): the message names the file and what was
    found in it, never a value from it."""

    def __init__(self, message: str, parse: ParseReport | None = None) -> None:
        super().__init__(message)
        self.parse = parse


@dataclass(frozen=True)
class SnapshotInfo:
    """What a snapshot was built from, as recorded in it (``recorded`` False: built by a release that did not
    record it; then the counts are read from its tables and the sources are unknown)."""

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
    # Half-built files of builds whose process is gone (killed), removed before this build.
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


def _only_sample(db: sqlite3.Connection, query: str, count: int, sample: frozenset[str]) -> bool:
    """Whether the ``count`` organisations that ``query`` lists are all the sample's: by content, so a renamed,
    copied or zipped sample is recognised too. A real file (more organisations than the sample) costs nothing."""
    if not 0 < count <= len(sample):
        return False
    return {orgnr for (orgnr,) in db.execute(query)} <= sample


def remove_stale_builds(target: Path) -> list[Path]:
    """Remove the half-built snapshots (``.NAME.building-PID``) whose building process no longer runs here: a
    build killed with SIGKILL, or by a reboot, cannot remove its own. The folder is assumed to be this
    machine's: a process ID says nothing about another machine's builds."""
    removed = []
    for path in target.parent.glob(f".{target.name}.building-*"):
        pid = path.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


_INFO_TABLE = "build_info"


def read_snapshot_info(path: Path) -> SnapshotInfo | None:
    """What the snapshot at ``path`` was built from; None when there is none. Reads only (sqlite3.Error when
    the file is not a readable snapshot)."""
    if not path.exists():
        return None
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        return _info(db)


def _info(db: sqlite3.Connection) -> SnapshotInfo:
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if _INFO_TABLE in tables:
        values = dict(db.execute(f"SELECT key, value FROM {_INFO_TABLE}").fetchall())
        sni = values.get("sni_organisations")
        return SnapshotInfo(
            organisations=int(values.get("organisations") or 0),
            built_at=values.get("built_at"),
            source=values.get("source"),
            sha256=values.get("sha256"),
            header=values.get("header") == "1",
            sample=values.get("sample") == "1",
            sni_source=values.get("sni_source"),
            sni_organisations=int(sni) if sni else None,
            sni_sample=values.get("sni_sample") == "1",
        )
    # Built before build_info existed: what matters (how many, and whether it is the sample) is in its tables.
    count = int(db.execute("SELECT COUNT(*) FROM companies").fetchone()[0]) if "companies" in tables else 0
    sni = int(db.execute("SELECT COUNT(DISTINCT orgnr) FROM sni").fetchone()[0]) if "sni" in tables else None
    return SnapshotInfo(
        organisations=count,
        sample=_only_sample(db, "SELECT orgnr FROM companies", count, _sample_orgnrs()),
        sni_organisations=sni,
        sni_sample=_only_sample(db, "SELECT DISTINCT orgnr FROM sni", sni or 0, _scb_sample_orgnrs()),
        recorded=False,
    )


def _previous_info(target: Path) -> SnapshotInfo | None:
    try:
        return read_snapshot_info(target)
    except sqlite3.Error:
        return None  # not a readable snapshot: nothing to keep, nothing to compare with


# What the name index holds for a row: its names, split into words by FTS5's tokenizer, which lower-cases and
# strips diacritics ('Gröna' -> 'grona'; registry.reference.normalize.index_fold does the same for queries). Legal-form
# words, in every other name, weigh next to nothing. The text is SQL, not a Python function called per row
# (which would cost the writer a third of its time).
_INDEX_TEXT = "name || ' ' || coalesce(other_names, '')"
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


_SCHEMA = """
    PRAGMA page_size = 16384;
    PRAGMA journal_mode = OFF;
    PRAGMA synchronous = OFF;
    PRAGMA locking_mode = EXCLUSIVE;
    PRAGMA temp_store = MEMORY;
    PRAGMA cache_size = -262144;
    CREATE TABLE companies (
        orgnr TEXT NOT NULL, name TEXT NOT NULL, other_names TEXT, legal_form TEXT, svb INTEGER,
        status TEXT NOT NULL, registered TEXT, deregistered TEXT, deregistration_reason TEXT,
        description TEXT, street TEXT, postcode TEXT, postort TEXT, kommun TEXT
    );
    CREATE VIRTUAL TABLE names USING fts5(
        text, content='', detail=none, columnsize=0, tokenize='unicode61 remove_diacritics 2'
    );
    -- Index leaves as large as the file's pages (default: 4050 bytes): fewer pages to write and merge.
    INSERT INTO names(names, rank) VALUES ('pgsz', 16000);
"""
# Missing values arrive as "" (sqlite3 binds str fast, None slowly) and are stored as NULL.
_PLACEHOLDERS = ", ".join("NULLIF(?, '')" if c in OPTIONAL_FIELDS else "?" for c in _COLUMNS)
_INSERT = f"INSERT INTO companies ({', '.join(_COLUMNS)}) VALUES ({_PLACEHOLDERS})"
_INDEX_NEW_ROWS = f"INSERT INTO names(rowid, text) SELECT rowid, {_INDEX_TEXT} FROM companies WHERE rowid > ?"


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
    the snapshot. Parsing (this process) and writing (a writer process) run side by side on two cores;
    batches of parsed rows pass between them, so memory stays bounded whatever the file's size. Batches travel
    marshalled: marshal (C, for the same interpreter at both ends) packs and unpacks tuples of str three times
    faster than pickle, which multiprocessing would otherwise use.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    removed = remove_stale_builds(target)
    previous = _previous_info(target)
    building = target.with_name(f".{target.name}.building-{os.getpid()}")
    building.unlink(missing_ok=True)
    report = ParseReport()
    context = multiprocessing.get_context("spawn")
    batches: multiprocessing.Queue = context.Queue(maxsize=6)
    writer = context.Process(target=_write_snapshot, args=(str(building), batches), name="snapshot-writer")
    writer.start()
    try:
        try:
            with open_bulk_file(bulk_file) as stream:
                rows = iter_rows(stream, report, require_header=True)
                started, parsed, shown = time.monotonic(), 0, 0
                while batch := list(itertools.islice(rows, BATCH)):
                    _put(batches, marshal.dumps(batch), writer)
                    parsed += len(batch)
                    if progress is not None and parsed - shown >= PROGRESS_EVERY:
                        progress(f"{parsed:,} organisations read ({time.monotonic() - started:.0f} s)")
                        shown = parsed
        except BulkFileError as exc:
            raise SnapshotRefused(f"{bulk_file}: {exc}; the previous snapshot is kept", report) from None
        # Judged before the writer indexes: no time is spent finishing a snapshot that will not be used.
        problem = implausible(report.entries, previous.organisations if previous else None, min_share)
        if problem:
            read = f"{report.rows:,} rows read, {report.malformed:,} malformed"
            raise SnapshotRefused(f"{bulk_file}: {problem}; {read}; the previous snapshot is kept", report)
        _put(batches, None, writer)
        if progress is not None:
            progress(f"{report.entries:,} organisations read; indexing the names")
        writer.join()
    except BaseException:
        writer.kill()
        writer.join()
        building.unlink(missing_ok=True)
        raise
    if writer.exitcode != 0:
        building.unlink(missing_ok=True)
        raise RuntimeError(f"the snapshot writer failed (exit code {writer.exitcode}); the previous snapshot is kept")
    try:
        scb_report = _add_sni_codes(building, scb_file, previous, min_share) if scb_file is not None else None
        info = _record_info(building, report, scb_report, bulk_file, scb_file, source, sha256)
    except BaseException:
        building.unlink(missing_ok=True)
        raise
    building.replace(target)
    return BuildReport(report, report.entries, target, info, scb_report, previous, removed)


def _add_sni_codes(snapshot: Path, scb_file: Path, previous: SnapshotInfo | None, min_share: float) -> ParseReport:
    """SCB's SNI industry codes per organisation, into the snapshot being built; SnapshotRefused when the file
    yields no organisation, or far fewer than the previous snapshot's, rather than an empty SNI table."""
    report = ParseReport()
    with closing(sqlite3.connect(snapshot)) as db, open_bulk_file(scb_file) as stream:
        db.executescript(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; CREATE TABLE sni (orgnr TEXT, code TEXT);"
        )
        try:
            db.executemany(
                "INSERT INTO sni (orgnr, code) VALUES (?, ?)",
                ((row.orgnr, code) for row in iter_scb_rows(stream, report) for code in row.sni),
            )
        except (csv.Error, ValueError) as exc:
            raise SnapshotRefused(f"SCB file {scb_file}: {exc}; the previous snapshot is kept") from None
        problem = implausible(report.entries, previous.sni_organisations if previous else None, min_share)
        if problem:
            raise SnapshotRefused(
                f"SCB file {scb_file}: {problem}; {report.rows:,} rows read, {report.malformed:,} malformed; "
                "the previous snapshot is kept",
                report,
            )
        db.execute("CREATE INDEX sni_orgnr ON sni(orgnr)")
        db.commit()
    return report


def _record_info(
    snapshot: Path,
    report: ParseReport,
    scb_report: ParseReport | None,
    bulk_file: Path,
    scb_file: Path | None,
    source: str | None,
    sha256: str | None,
) -> SnapshotInfo:
    """What the snapshot was built from, written into it (one small table: it costs nothing)."""
    with closing(sqlite3.connect(snapshot)) as db:
        sni_count = scb_report.entries if scb_report else 0
        info = SnapshotInfo(
            organisations=report.entries,
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            source=source or str(bulk_file),
            sha256=sha256,
            header=report.header,
            sample=_only_sample(db, "SELECT orgnr FROM companies", report.entries, _sample_orgnrs()),
            sni_source=str(scb_file) if scb_file is not None else None,
            sni_organisations=scb_report.entries if scb_report else None,
            sni_sample=scb_report is not None
            and _only_sample(db, "SELECT DISTINCT orgnr FROM sni", sni_count, _scb_sample_orgnrs()),
        )
        values = {
            "organisations": info.organisations,
            "built_at": info.built_at,
            "source": info.source,
            "sha256": info.sha256,
            "header": int(bool(info.header)),
            "sample": int(info.sample),
            "rows_read": report.rows,
            "malformed_lines": report.malformed,
            "sole_trader_rows_skipped": report.personnummer_rows_skipped,
            "encoding": report.encoding,
            "sni_source": info.sni_source,
            "sni_organisations": info.sni_organisations,
            "sni_sample": int(info.sni_sample),
        }
        db.execute(f"CREATE TABLE {_INFO_TABLE} (key TEXT PRIMARY KEY, value TEXT)")
        db.executemany(
            f"INSERT INTO {_INFO_TABLE} (key, value) VALUES (?, ?)",
            [(k, None if v is None else str(v)) for k, v in values.items()],
        )
        db.commit()
    return info


def _put(batches: multiprocessing.Queue, batch: bytes | None, writer: BaseProcess) -> None:
    while True:
        if not writer.is_alive():
            raise RuntimeError("the snapshot writer stopped early; the previous snapshot is kept")
        try:
            batches.put(batch, timeout=1)
            return
        except queue.Full:
            continue


def _next_batch(batches: multiprocessing.Queue) -> bytes | None:
    """The next batch; the writer stops when the process that parses is gone (killed with SIGKILL, say), rather
    than waiting for a batch that will never come. Its half-built file is never swapped in."""
    parent = multiprocessing.parent_process()
    while True:
        try:
            return batches.get(timeout=1)
        except queue.Empty:
            if parent is not None and not parent.is_alive():
                raise SystemExit("the parsing process is gone; the snapshot is abandoned") from None


def _write_snapshot(path: str, batches: multiprocessing.Queue) -> None:
    """The writer process: rows into the table, then each batch's names into the name index with one statement
    (SQLite's C, not a Python call per row); the orgnr index once at the end, which is cheaper than keeping it
    up to date row by row."""
    with closing(sqlite3.connect(path)) as db:
        db.executescript(_SCHEMA)
        indexed = 0
        while (batch := _next_batch(batches)) is not None:
            rows = marshal.loads(batch)
            db.executemany(_INSERT, rows)
            db.execute(_INDEX_NEW_ROWS, (indexed,))
            indexed += len(rows)
        db.execute("CREATE INDEX companies_orgnr ON companies(orgnr)")
        db.execute("INSERT INTO names(names) VALUES ('optimize')")
        db.commit()


class RegisterSnapshot:
    """Read access to a built snapshot."""

    def __init__(self, path: Path, use_sni: bool = True) -> None:
        if not path.exists():
            raise FileNotFoundError(f"no company register snapshot at {path}")
        self.path = path
        # False: the snapshot's SNI codes are not to be used (they came from the bundled sample, in live mode).
        self.use_sni = use_sni
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        # The name index's words and how many names hold each (in memory, over the read-only file): how rare a
        # query's word is, and which spellings near a misspelt word exist, without reading the index's lists.
        self._db.execute("CREATE VIRTUAL TABLE temp.names_vocab USING fts5vocab(main, names, row)")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> RegisterSnapshot:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def sni_codes(self, orgnr: str) -> list[str]:
        """SNI industry codes from SCB's bulk file, when the snapshot was built with one."""
        if not self.use_sni or not self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sni'").fetchone():
            return []
        return [code for (code,) in self._db.execute("SELECT code FROM sni WHERE orgnr = ? ORDER BY rowid", (orgnr,))]

    def count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM companies").fetchone()[0])

    def info(self) -> SnapshotInfo:
        return _info(self._db)

    def _entries(self, where: str, params: Iterable[object], light: bool = False) -> list[RegisterEntry]:
        """Entries; ``light`` leaves out the long texts (description), for scoring many candidates."""
        columns = [c if not (light and c in _LONG_TEXTS) else "NULL" for c in _COLUMNS]
        rows = self._db.execute(f"SELECT {', '.join(columns)} FROM companies WHERE {where}", tuple(params))
        return [_entry(row) for row in rows]

    def by_orgnr(self, orgnr: str) -> list[RegisterEntry]:
        return self._entries("orgnr = ?", (orgnr,))

    def candidates(self, name: str, per_term: int = 150, near: bool = True, near_from: int = 4) -> list[RegisterEntry]:
        """Registered organisations whose names share a rare word with ``name``, or (``near``) a spelling one
        typo away from one of its rare words.

        A word in more than ``per_term`` names ("ab", "catering") tells little and costs the most: it is not
        looked up, nor are its near spellings. A word of at least ``near_from`` letters in few names or none
        may be misspelt: its near spellings that the index holds (in at most ``per_term`` names each) are
        looked up too, wherever the typo is in the word. That costs a millisecond or more per word (a few
        hundred spellings to look up), so callers ask for it when the words as written find nothing close.
        No bm25 ranking in SQLite (over thousands of hits it is what makes a look-up slow): the caller scores
        what is returned.
        """
        words = normalise_name(name)
        if _KEPT_BY_INDEX.search(name):
            words += " " + normalise_name(name, index_fold)
        # "_" is a word character to Python but splits words in the index.
        tokens = list(dict.fromkeys(t for t in words.replace("_", " ").split() if len(t) > 1))
        counts = self._names_with(tokens)
        rare = [t for t in tokens if counts.get(t, 0) <= per_term]
        terms = [t for t in rare if t in counts]
        if near:
            spellings: set[str] = set()
            for token in rare:
                if len(token) >= near_from and token.isalpha():
                    spellings |= near_spellings(token)
            spellings.difference_update(tokens)
            terms += [t for t, n in self._names_with(spellings).items() if n <= per_term]
        if not terms:
            return []
        query = " OR ".join(f'"{t}"' for t in terms)
        selected = [rowid for (rowid,) in self._db.execute("SELECT rowid FROM names WHERE names MATCH ?", (query,))]
        if not selected:
            return []
        return self._entries(f"rowid IN ({', '.join('?' * len(selected))})", selected, light=True)

    def _names_with(self, terms: Iterable[str]) -> dict[str, int]:
        """How many names hold each of the terms that the index has."""
        terms = list(terms)
        counts: dict[str, int] = {}
        for start in range(0, len(terms), 5000):
            chunk = terms[start : start + 5000]
            counts.update(
                self._db.execute(
                    f"SELECT term, doc FROM names_vocab WHERE term IN ({', '.join('?' * len(chunk))})", chunk
                ).fetchall()
            )
        return counts

    def discovery_candidates(self, phrases: Sequence[str], limit: int = 5000) -> list[tuple[RegisterEntry, str]]:
        """Active organisations whose business description holds one of the phrases, or whose name says (svb),
        with the reason. One scan of the table: run weekly, not per query."""
        clauses = " OR ".join("description LIKE ?" for _ in phrases) or "0"
        rows = self._db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM companies WHERE status = 'active' AND (svb = 1 OR {clauses}) "
            f"LIMIT {int(limit)}",
            [f"%{p}%" for p in phrases],
        )
        found = []
        for row in rows:
            entry = _entry(row)
            description = fold(entry.description or "")
            phrase = next((p for p in phrases if fold(p) in description), None)
            found.append((entry, f"description: '{phrase}'" if phrase else "name says (svb)"))
        return found


def _entry(row: Sequence[object]) -> RegisterEntry:
    return entry_from_row(tuple(row))
