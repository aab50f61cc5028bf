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
from registry.bolagsverket import RegisterEntry
from registry.enrichment import REGISTER_SIDE, REGISTRY_SIDE
from registry.export import neutralise_formula
from registry.judgements import Decision, Judgement
from registry.models import Organisation, SourceRecordRow
from registry.output_files import atomic_text_file
from registry.register_snapshot import RegisterSnapshot

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


def _organisation_as_record(org: Organisation) -> SourceRecordRow:
    return SourceRecordRow(
        source=REGISTRY_SIDE, source_key=org.registry_id, registry_id=org.registry_id, name=org.name,
        orgnr_as_written=org.orgnr, orgnr_status="", municipality=org.municipality, address=org.address,
        website=org.website, email=org.email, phone=org.phone, activity=org.activity,
        fetched_at=org.last_seen_at, first_seen_at=org.first_seen_at, last_seen_at=org.last_seen_at,
    )  # fmt: skip


def _register_entry_as_record(entry: RegisterEntry) -> SourceRecordRow:
    now = datetime.now(UTC)
    return SourceRecordRow(
        source=REGISTER_SIDE, source_key=entry.orgnr, registry_id="", name=entry.name,
        orgnr_as_written=f"{entry.orgnr} ({entry.legal_form or '?'}, {entry.status})", orgnr_status="valid",
        municipality=entry.postort, address=entry.street, activity=entry.description,
        fetched_at=now, first_seen_at=now, last_seen_at=now,
    )  # fmt: skip


def pending_pairs(session: Session, register: RegisterSnapshot | None = None) -> list[PendingPair]:
    """Pairs whose judgement in force is 'unsure', surest first: two source records both still listed, or
    (given the register snapshot) an organisation and the register entry it may be."""
    records: dict[tuple[str, str], SourceRecordRow] = {
        (r.source, r.source_key): r for r in session.exec(select(SourceRecordRow).where(SourceRecordRow.listed))
    }
    for org in session.exec(select(Organisation).where(Organisation.active)):
        records[(REGISTRY_SIDE, org.registry_id)] = _organisation_as_record(org)
    graph = judgement_store.load_graph(session)
    pending = []
    for decision in graph.in_force(Judgement.UNSURE):
        sides = []
        for key in decision.pair:
            if key[0] == REGISTER_SIDE and register is not None:
                entries = register.by_orgnr(key[1])
                sides.append(_register_entry_as_record(entries[0]) if entries else None)
            else:
                sides.append(records.get(key))
        if sides[0] is not None and sides[1] is not None:
            pending.append(PendingPair(sides[0], sides[1], decision.score, decision.explanation))
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
    """Spreadsheet-safe text: what a spreadsheet would run as a formula is prefixed (the exports' rule)."""
    return neutralise_formula("" if value is None else str(value))


def export_pairs(pairs: Sequence[PendingPair], path: Path) -> None:
    with atomic_text_file(path, encoding="utf-8-sig") as f:
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


def import_decisions(
    session: Session,
    path: Path,
    reviewer: str,
    now: datetime | None = None,
    register: RegisterSnapshot | None = None,
) -> ImportReport:
    """Apply the decision column of an exported (and filled-in) file. Bad rows are reported, not fatal."""
    report = ImportReport()
    pending = {
        ((p.left.source, p.left.source_key), (p.right.source, p.right.source_key)): p
        for p in pending_pairs(session, register)
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
