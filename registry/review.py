"""Review of uncertain pairs by a person: in the terminal, or through a spreadsheet (CSV export and import).

A person's decision is appended to the judgement graph and wins over the matcher from the next run on.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session, select

from registry import judgement_store
from registry.judgements import Decision, Judgement
from registry.models import SourceRecordRow

RECORD_FIELDS = ("name", "orgnr_as_written", "municipality", "address", "website", "email", "phone", "activity")
EXPORT_COLUMNS = (
    "left_source", "left_key", *(f"left_{f}" for f in RECORD_FIELDS),
    "right_source", "right_key", *(f"right_{f}" for f in RECORD_FIELDS),
    "score", "explanation", "decision",
)  # fmt: skip
# What a reviewer may write in the decision column (Swedish or English); empty or "skip" leaves the pair.
DECISION_WORDS: dict[str, Judgement | None] = {
    "match": Judgement.POSITIVE,
    "same": Judgement.POSITIVE,
    "yes": Judgement.POSITIVE,
    "ja": Judgement.POSITIVE,
    "samma": Judgement.POSITIVE,
    "no match": Judgement.NEGATIVE,
    "different": Judgement.NEGATIVE,
    "no": Judgement.NEGATIVE,
    "nej": Judgement.NEGATIVE,
    "olika": Judgement.NEGATIVE,
    "unsure": Judgement.UNSURE,
    "osäker": Judgement.UNSURE,
    "skip": None,
    "": None,
}


@dataclass(frozen=True)
class PendingPair:
    left: SourceRecordRow
    right: SourceRecordRow
    score: float | None
    explanation: str


def pending_pairs(session: Session) -> list[PendingPair]:
    """Pairs whose judgement in force is 'unsure' and whose records are both still listed, surest first."""
    records = {(r.source, r.source_key): r for r in session.exec(select(SourceRecordRow).where(SourceRecordRow.listed))}
    graph = judgement_store.load_graph(session)
    pending = [
        PendingPair(records[d.pair[0]], records[d.pair[1]], d.score, d.explanation)
        for d in graph.in_force(Judgement.UNSURE, set(records))
    ]
    return sorted(pending, key=lambda p: (-(p.score or 0.0), p.left.source, p.left.source_key))


def decide(
    session: Session, pair: PendingPair, judgement: Judgement, reviewer: str, now: datetime | None = None
) -> None:
    decision = Decision(
        left=(pair.left.source, pair.left.source_key),
        right=(pair.right.source, pair.right.source_key),
        judgement=judgement,
        decided_by=f"person:{reviewer}",
        decided_at=now or datetime.now(UTC),
        explanation="review",
    )
    judgement_store.append(session, [decision])


def _neutralise(value: object) -> str:
    """Spreadsheet-safe text: a value starting with = + - @ would run as a formula when the CSV is opened."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_pairs(pairs: Sequence[PendingPair], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        writer.writerow(EXPORT_COLUMNS)
        for pair in pairs:
            row: list[object] = [pair.left.source, pair.left.source_key]
            row += [getattr(pair.left, name) for name in RECORD_FIELDS]
            row += [pair.right.source, pair.right.source_key]
            row += [getattr(pair.right, name) for name in RECORD_FIELDS]
            row += [f"{pair.score:.3f}" if pair.score is not None else "", pair.explanation, ""]
            writer.writerow([_neutralise(v) for v in row])


@dataclass
class ImportReport:
    decided: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)


def import_decisions(session: Session, path: Path, reviewer: str, now: datetime | None = None) -> ImportReport:
    """Apply the decision column of an exported (and filled-in) file. Bad rows are reported, not fatal."""
    report = ImportReport()
    pending = {
        ((p.left.source, p.left.source_key), (p.right.source, p.right.source_key)): p for p in pending_pairs(session)
    }
    with path.open(newline="", encoding="utf-8-sig") as f:
        for line_number, row in enumerate(csv.DictReader(f), start=2):
            word = (row.get("decision") or "").strip().casefold()
            if word not in DECISION_WORDS:
                report.problems.append(
                    f"line {line_number}: unknown decision {word!r} (use match / no match / unsure / skip)"
                )
                continue
            judgement = DECISION_WORDS[word]
            if judgement is None:
                report.skipped += 1
                continue
            key = (
                (row.get("left_source", ""), row.get("left_key", "")),
                (row.get("right_source", ""), row.get("right_key", "")),
            )
            pair = pending.get(key) or pending.get((key[1], key[0]))
            if pair is None:
                report.problems.append(f"line {line_number}: no pair waiting for review between {key[0]} and {key[1]}")
                continue
            decide(session, pair, judgement, reviewer, now)
            report.decided += 1
    return report
