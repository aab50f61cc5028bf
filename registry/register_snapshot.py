"""The company register snapshot: the bulk file as an indexed SQLite file, built once per weekly refresh.

Why SQLite with an FTS5 index: matching a few thousand names needs, per name, the few dozen registered names
that share its rarest words, out of ~3 million. FTS5's inverted index answers that in about a millisecond
with bm25 ranking (rare words weigh most), lives in one file that every process can open read-only, needs
no server, and is built in one streaming pass with bounded memory (figures: docs/benchmarks/register.md).
The snapshot is built into a temporary file and moved into place only when complete, so readers never see
half a snapshot and the previous one stays until the new one is good.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path

from registry.bolagsverket import ENTRY_FIELDS, ParseReport, RegisterEntry, entry_from_row, iter_rows, open_bulk_file
from registry.normalize import fold, normalise_name
from registry.scb import iter_scb_rows

_COLUMNS = list(ENTRY_FIELDS)
_NAME, _OTHER_NAMES = _COLUMNS.index("name"), _COLUMNS.index("other_names")
BATCH = 20_000
_LONG_TEXTS = {"description", "deregistration_reason", "street"}
_PUNCTUATION_TO_SPACE = str.maketrans({c: " " for c in "|-.,()&!/:;'\"+"})


@dataclass(frozen=True)
class BuildReport:
    parse: ParseReport
    entries: int
    path: Path
    scb: ParseReport | None = None


def typo_keys(words: Iterable[str]) -> list[str]:
    """Extra index terms for typo-tolerant lookup: a long word's first and last letters ('kythem' -> 'pkyth',
    'sthem'). A typo rarely hits both ends, so a misspelt name still meets its registered form."""
    keys = []
    for word in words:
        if len(word) >= 6:
            # Five letters from each end of longer words: four-letter ends are shared by too many names.
            n = 5 if len(word) >= 8 else 4
            keys += [f"p{word[:n]}", f"s{word[-n:]}"]
    return keys


def search_text(row: Sequence[object]) -> str:
    """What the name index holds for a row: its names' words, folded, plus their typo keys. Legal-form words,
    being in every other name, weigh next to nothing in bm25."""
    other = row[_OTHER_NAMES]
    text = f"{row[_NAME]} {other}" if other else str(row[_NAME])
    words = fold(text).translate(_PUNCTUATION_TO_SPACE).split()
    return " ".join([*words, *typo_keys(words)])


_SCHEMA = """
    PRAGMA page_size = 16384;
    PRAGMA journal_mode = OFF;
    PRAGMA synchronous = OFF;
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
"""


def build_snapshot(bulk_file: Path, target: Path, scb_file: Path | None = None) -> BuildReport:
    """Parse the bulk file (zip or txt) into a new snapshot at ``target``, replacing it only when complete.

    Parsing (this process) and writing (a writer process) run side by side on two cores; batches of parsed
    rows pass between them, so memory stays bounded whatever the file's size.
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
            batch: list[tuple[object, ...]] = []
            for row in iter_rows(stream, report):
                # The index text is made here, so that parsing and writing take about the same time.
                batch.append((*row, search_text(row)))
                if len(batch) == BATCH:
                    _put(batches, batch, writer)
                    batch = []
            _put(batches, batch, writer)
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


def _put(batches: multiprocessing.Queue, batch: list[tuple[object, ...]] | None, writer: BaseProcess) -> None:
    while True:
        if not writer.is_alive():
            raise RuntimeError("the snapshot writer stopped early; the previous snapshot is kept")
        try:
            batches.put(batch, timeout=1)
            return
        except queue.Full:
            continue


def _write_snapshot(path: str, batches: multiprocessing.Queue) -> None:
    with closing(sqlite3.connect(path)) as db:
        db.executescript(_SCHEMA)
        insert = f"INSERT INTO companies (rowid, {', '.join(_COLUMNS)}) VALUES (?, {', '.join('?' * len(_COLUMNS))})"
        next_rowid = 1
        while (batch := batches.get()) is not None:
            next_rowid = _insert(db, insert, batch, next_rowid)
        db.execute("CREATE INDEX companies_orgnr ON companies(orgnr)")
        db.execute("INSERT INTO names(names) VALUES ('optimize')")
        db.commit()


def _insert(db: sqlite3.Connection, sql: str, batch: Sequence[tuple[object, ...]], first_rowid: int) -> int:
    """Insert a batch of rows, each ending with its index text, with explicit rowids (the name index refers to
    them); returns the next free rowid."""
    if not batch:
        return first_rowid
    rowids = range(first_rowid, first_rowid + len(batch))
    db.executemany(sql, ((rowid, *row[:-1]) for rowid, row in zip(rowids, batch, strict=True)))
    db.executemany(
        "INSERT INTO names(rowid, text) VALUES (?, ?)", ((r, row[-1]) for r, row in zip(rowids, batch, strict=True))
    )
    return first_rowid + len(batch)


class RegisterSnapshot:
    """Read access to a built snapshot."""

    def __init__(self, path: Path) -> None:
        if not path.exists():
            raise FileNotFoundError(f"no company register snapshot at {path}")
        self.path = path
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

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

    def candidates(self, name: str, per_term: int = 150, per_typo_key: int = 500) -> list[RegisterEntry]:
        """Registered organisations whose names share a rare word, or a rare word's typo key, with ``name``.

        Each word is looked up on its own and kept only if it is in at most ``per_term`` names (a typo key: at
        most ``per_typo_key``): a word in thousands of names ("ab", "catering") tells little and costs the most.
        No bm25 ranking in SQLite (over thousands of hits it is what makes a lookup slow): the caller scores
        what is returned, cheaply first (``shortlist``).
        """
        tokens = list(dict.fromkeys(t for t in normalise_name(name).split() if len(t) > 1))
        typos = [k for k in dict.fromkeys(typo_keys(tokens)) if k not in tokens]
        ids: dict[int, None] = {}
        for term, limit in [*((t, per_term) for t in tokens), *((k, per_typo_key) for k in typos)]:
            hits = self._db.execute(
                "SELECT rowid FROM names WHERE names MATCH ? LIMIT ?", (f'"{term}"', limit + 1)
            ).fetchall()
            if len(hits) <= limit:
                ids.update(dict.fromkeys(rowid for (rowid,) in hits))
        if not ids:
            return []
        selected = list(ids)
        return self._entries(f"rowid IN ({', '.join('?' * len(selected))})", selected, light=True)

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
