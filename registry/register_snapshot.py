"""The company register snapshot: the bulk file as an indexed SQLite file, built once per weekly refresh.

Why SQLite with an FTS5 index: matching a few thousand names needs, per name, the few dozen registered names
that share its rarest words, out of ~3 million. FTS5's inverted index answers that in about a millisecond
with bm25 ranking (rare words weigh most), lives in one file that every process can open read-only, needs
no server, and is built in one streaming pass with bounded memory (figures: docs/benchmarks/register.md).
The snapshot is built into a temporary file and moved into place only when complete, so readers never see
half a snapshot and the previous one stays until the new one is good.
"""

from __future__ import annotations

import itertools
import marshal
import multiprocessing
import os
import queue
import re
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path

from registry.bolagsverket import (
    ENTRY_FIELDS,
    OPTIONAL_FIELDS,
    ParseReport,
    RegisterEntry,
    entry_from_row,
    iter_rows,
    open_bulk_file,
)
from registry.normalize import fold, index_fold, normalise_name
from registry.scb import iter_scb_rows

_COLUMNS = list(ENTRY_FIELDS)
BATCH = 20_000
_LONG_TEXTS = {"description", "deregistration_reason", "street"}


@dataclass(frozen=True)
class BuildReport:
    parse: ParseReport
    entries: int
    path: Path
    scb: ParseReport | None = None


# What the name index holds for a row: its names, split into words by FTS5's tokenizer, which lower-cases and
# strips diacritics ('Gröna' -> 'grona'; registry.normalize.index_fold does the same for queries). Legal-form
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


def build_snapshot(bulk_file: Path, target: Path, scb_file: Path | None = None) -> BuildReport:
    """Parse the bulk file (zip or txt) into a new snapshot at ``target``, replacing it only when complete.

    Parsing (this process) and writing (a writer process) run side by side on two cores; batches of parsed
    rows pass between them, so memory stays bounded whatever the file's size. Batches travel marshalled:
    marshal (C, for the same interpreter at both ends) packs and unpacks tuples of str three times faster
    than pickle, which multiprocessing would otherwise use.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    building = target.with_name(f".{target.name}.building-{os.getpid()}")
    building.unlink(missing_ok=True)
    report = ParseReport()
    context = multiprocessing.get_context("spawn")
    batches: multiprocessing.Queue = context.Queue(maxsize=6)
    writer = context.Process(target=_write_snapshot, args=(str(building), batches), name="snapshot-writer")
    writer.start()
    try:
        with open_bulk_file(bulk_file) as stream:
            rows = iter_rows(stream, report)
            while batch := list(itertools.islice(rows, BATCH)):
                _put(batches, marshal.dumps(batch), writer)
        _put(batches, None, writer)
        writer.join()
    except BaseException:
        writer.kill()
        writer.join()
        building.unlink(missing_ok=True)
        raise
    if writer.exitcode != 0:
        building.unlink(missing_ok=True)
        raise RuntimeError(f"the snapshot writer failed (exit code {writer.exitcode}); the previous snapshot is kept")
    scb_report = None
    if scb_file is not None:
        try:
            scb_report = _add_sni_codes(building, scb_file)
        except BaseException:
            building.unlink(missing_ok=True)
            raise
    building.replace(target)
    return BuildReport(report, report.entries, target, scb_report)


def _add_sni_codes(snapshot: Path, scb_file: Path) -> ParseReport:
    """SCB's SNI industry codes per organisation, into the snapshot being built."""
    report = ParseReport()
    with closing(sqlite3.connect(snapshot)) as db, open_bulk_file(scb_file) as stream:
        db.executescript(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; CREATE TABLE sni (orgnr TEXT, code TEXT);"
        )
        db.executemany(
            "INSERT INTO sni (orgnr, code) VALUES (?, ?)",
            ((row.orgnr, code) for row in iter_scb_rows(stream, report) for code in row.sni),
        )
        db.execute("CREATE INDEX sni_orgnr ON sni(orgnr)")
        db.commit()
    return report


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

    def __init__(self, path: Path) -> None:
        if not path.exists():
            raise FileNotFoundError(f"no company register snapshot at {path}")
        self.path = path
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
        if not self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sni'").fetchone():
            return []
        return [code for (code,) in self._db.execute("SELECT code FROM sni WHERE orgnr = ? ORDER BY rowid", (orgnr,))]

    def count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM companies").fetchone()[0])

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
