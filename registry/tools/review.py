"""Review of uncertain pairs by a person: in the terminal, or through a spreadsheet (CSV export and import).

A person's decision is appended to the judgement graph and wins over the matcher from the next run on. People
can correct themselves: the pairs a person decided are listed too (``decided_pairs``), and deciding again
revises the decision (the latest wins) while ``withdraw`` / ``ångra`` takes it back, so that the matcher's
judgement is in force again. Nothing is overwritten: every decision and withdrawal is a row of its own.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session, select

from registry.files.output_files import atomic_text_file
from registry.files.spreadsheets import SpreadsheetRefused, csv_rows
from registry.identity import judgement_store
from registry.identity.judgements import MATCHER, Decision, Judgement, JudgementGraph, Pair, pair_of
from registry.ingest.records import RecordKey
from registry.register.bolagsverket import RegisterEntry
from registry.register.enrichment import REGISTER_SIDE, REGISTRY_SIDE
from registry.register.register_snapshot import RegisterSnapshot
from registry.store.db import checkpoint
from registry.store.models import Organisation, SourceRecordRow
from registry.tools.export import neutralise_formula
from registry.tools.labels import Labels

RECORD_FIELDS = ("name", "orgnr_as_written", "municipality", "address", "website", "email", "phone", "activity")
EXPORT_COLUMNS = (
    "left_source", "left_key", *(f"left_{f}" for f in RECORD_FIELDS),
    "right_source", "right_key", *(f"right_{f}" for f in RECORD_FIELDS),
    "score", "explanation", "decided_by", "decided_at", "decision",
)  # fmt: skip
# What an import needs: which pair, and what the person says about it.
REQUIRED_COLUMNS = ("left_source", "left_key", "right_source", "right_key", "decision")
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
    "withdraw": Judgement.WITHDRAWN,
    "ångra": Judgement.WITHDRAWN,
    "undo": Judgement.WITHDRAWN,
    "skip": None,
    "hoppa över": None,
    "": None,
}
# What an export writes for a decision in force is the reader's word for it (labels' "judgement"), which
# DECISION_WORDS reads back: an unchanged row imports as unchanged, in either language.
DECIDED = (Judgement.POSITIVE, Judgement.NEGATIVE, Judgement.UNSURE)


def word_for(judgement: Judgement, labels: Labels) -> str:
    return labels.code("judgement", judgement.value)


def decision_words(labels: Labels, withdraw: bool = True, skip: bool = True) -> str:
    """The words a reviewer may write, in the reader's language: 'samma / olika / osäker / ångra / hoppa över'."""
    words = [word_for(j, labels) for j in DECIDED]
    words += [word_for(Judgement.WITHDRAWN, labels)] if withdraw else []
    words += [labels.text("review.skip_word")] if skip else []
    return " / ".join(words)


class ReviewFileError(ValueError):
    """An import file that cannot be used at all: missing, unreadable, not a review file, contradictory."""


@dataclass(frozen=True)
class ReviewPair:
    left: SourceRecordRow
    right: SourceRecordRow
    score: float | None
    explanation: str
    # The judgement in force: 'unsure' (the matcher's or a person's) for a pair waiting for review, the
    # person's decision for a pair a person decided.
    in_force: Decision | None = None

    @property
    def pair(self) -> Pair:
        return pair_of((self.left.source, self.left.source_key), (self.right.source, self.right.source_key))

    @property
    def by_person(self) -> bool:
        return self.in_force is not None and self.in_force.by_person


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


def _unknown_record(key: RecordKey) -> SourceRecordRow:
    """A side of a decided pair that is no longer in the registry: shown by its key alone."""
    now = datetime.now(UTC)
    return SourceRecordRow(
        source=key[0], source_key=key[1], registry_id="", name="", orgnr_status="",
        fetched_at=now, first_seen_at=now, last_seen_at=now,
    )  # fmt: skip


def _records(session: Session, listed_only: bool) -> dict[RecordKey, SourceRecordRow]:
    query = select(SourceRecordRow).where(SourceRecordRow.listed) if listed_only else select(SourceRecordRow)
    records: dict[RecordKey, SourceRecordRow] = {(r.source, r.source_key): r for r in session.exec(query)}
    organisations = select(Organisation).where(Organisation.active) if listed_only else select(Organisation)
    for org in session.exec(organisations):
        records[(REGISTRY_SIDE, org.registry_id)] = _organisation_as_record(org)
    return records


def _side(
    key: RecordKey, records: dict[RecordKey, SourceRecordRow], register: RegisterSnapshot | None
) -> SourceRecordRow | None:
    if key[0] == REGISTER_SIDE and register is not None:
        entries = register.by_orgnr(key[1])
        return _register_entry_as_record(entries[0]) if entries else None
    return records.get(key)


def pending_pairs(session: Session, register: RegisterSnapshot | None = None) -> list[ReviewPair]:
    """Pairs whose judgement in force is 'unsure', surest first: two source records both still listed, or
    (given the register snapshot) an organisation and the register entry it may be."""
    records = _records(session, listed_only=True)
    graph = judgement_store.load_graph(session)
    pending = []
    for decision in graph.in_force(Judgement.UNSURE):
        left, right = (_side(key, records, register) for key in decision.pair)
        if left is not None and right is not None:
            matcher = graph.matcher_decision(*decision.pair)
            pending.append(
                ReviewPair(
                    left,
                    right,
                    matcher.score if matcher else decision.score,
                    matcher.explanation if matcher else decision.explanation,
                    decision,
                )
            )
    return sorted(pending, key=lambda p: (-(p.score or 0.0), p.left.source, p.left.source_key))


def decided_pairs(session: Session, register: RegisterSnapshot | None = None) -> list[ReviewPair]:
    """Every pair a person's decision is in force on, latest decision first, so that it can be revised or
    withdrawn. A side the registry no longer holds is shown by its key alone."""
    records = _records(session, listed_only=False)
    graph = judgement_store.load_graph(session)
    decided = []
    for pair in graph.pairs():
        person = graph.person_decision(*pair)
        if person is None:
            continue
        left, right = (_side(key, records, register) or _unknown_record(key) for key in pair)
        matcher = graph.matcher_decision(*pair)
        decided.append(
            ReviewPair(
                left,
                right,
                matcher.score if matcher else None,
                matcher.explanation if matcher else "",
                person,
            )
        )
    return sorted(decided, key=lambda p: (_utc(p.in_force.decided_at) if p.in_force else _EPOCH, p.pair), reverse=True)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _utc(moment: datetime) -> datetime:
    # SQLite hands back the UTC times it was given without their zone.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def decide(
    session: Session, pair: ReviewPair, judgement: Judgement, reviewer: str, now: datetime | None = None
) -> None:
    """Record a person's decision on ``pair`` (``Judgement.WITHDRAWN`` takes back their decision on it)."""
    decision = Decision(
        left=(pair.left.source, pair.left.source_key),
        right=(pair.right.source, pair.right.source_key),
        judgement=judgement,
        decided_by=f"person:{reviewer}",
        decided_at=now or datetime.now(UTC),
        explanation="review: withdrawn" if judgement is Judgement.WITHDRAWN else "review",
    )
    judgement_store.append(session, [decision])


def commit(session: Session) -> None:
    """Commit review decisions so that the registry's database file alone holds them (registry/store/db.py)."""
    session.commit()
    checkpoint(session.get_bind())


def decided_by_label(decision: Decision | None) -> str:
    if decision is None:
        return ""
    return decision.decided_by.removeprefix("person:") if decision.by_person else MATCHER


def pair_lines(number: int, total: int, pair: ReviewPair, labels: Labels, width: int = 38) -> list[str]:
    """A pair as the terminal review shows it: both records side by side (a '=' where they agree), why the
    matcher was unsure, and a person's decision in force."""
    if pair.score is not None:
        heading = labels.text("review.pair", number=number, total=total, score=f"{pair.score:.3f}")
    else:
        heading = labels.text("review.pair_unscored", number=number, total=total)
    lines = [
        f"\n{heading}",
        f"  {'':<12} {pair.left.source + ' / ' + pair.left.source_key:<{width}.{width}}  "
        f"{pair.right.source + ' / ' + pair.right.source_key:<{width}.{width}}",
    ]
    for name in RECORD_FIELDS:
        left, right = getattr(pair.left, name) or "", getattr(pair.right, name) or ""
        if left or right:
            marker = "=" if left == right else " "
            label = labels.code("review_field", name)
            lines.append(f"  {label:<12} {left:<{width}.{width}}{marker} {right:<{width}.{width}}")
    if pair.explanation:
        lines.append("  " + labels.text("review.why", explanation=labels.explanation(pair.explanation)))
    if pair.by_person and pair.in_force is not None:
        decision = pair.in_force
        lines.append(
            "  "
            + labels.text(
                "review.decided",
                decision=word_for(decision.judgement, labels),
                by=decided_by_label(decision),
                at=f"{_utc(decision.decided_at):%Y-%m-%d %H:%M}",
            )
        )
    return lines


def _neutralise(value: object) -> str:
    """Spreadsheet-safe text: what a spreadsheet would run as a formula is prefixed (the exports' rule)."""
    return neutralise_formula("" if value is None else str(value))


def export_pairs(pairs: Sequence[ReviewPair], path: Path, labels: Labels | None = None) -> None:
    """Write ``pairs`` as a spreadsheet; a pair a person decided has their decision in the 'decision' column,
    so that changing it revises the decision and leaving it changes nothing. The column names are the file's
    format (an import reads them); the explanation and the decisions are in ``labels``' language."""
    labels = labels or Labels()
    with atomic_text_file(path, encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        writer.writerow(EXPORT_COLUMNS)
        for pair in pairs:
            decision = pair.in_force
            row: list[object] = [pair.left.source, pair.left.source_key]
            row += [getattr(pair.left, name) for name in RECORD_FIELDS]
            row += [pair.right.source, pair.right.source_key]
            row += [getattr(pair.right, name) for name in RECORD_FIELDS]
            row += [f"{pair.score:.3f}" if pair.score is not None else "", labels.explanation(pair.explanation)]
            row += [
                decided_by_label(decision),
                _utc(decision.decided_at).strftime("%Y-%m-%dT%H:%M:%SZ") if decision else "",
                word_for(decision.judgement, labels) if decision and decision.by_person else "",
            ]
            writer.writerow([_neutralise(v) for v in row])


@dataclass
class ImportReport:
    decided: int = 0
    revised: int = 0
    withdrawn: int = 0
    unchanged: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def recorded(self) -> int:
        return self.decided + self.revised + self.withdrawn


@dataclass(frozen=True)
class _Row:
    line: int
    judgement: Judgement
    word: str
    pair: Pair


def _read_rows(path: Path, labels: Labels) -> list[tuple[int, dict[str, str]]]:
    """The rows of an import file by column name, or ReviewFileError saying why the file cannot be used."""
    if path.is_dir():
        raise ReviewFileError(labels.text("review.folder", path=path))
    try:
        # Excel may save the file again with ';' and in Windows-1252: both are read.
        lines = csv_rows(path, limits=None)
        header_line = next(lines, None)
        header = [h.strip().lower() for h in header_line[1]] if header_line else []
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            found = ", ".join(header[:12]) or labels.text("review.found_nothing")
            raise ReviewFileError(
                labels.text("review.not_a_review_file", file=path.name, missing=", ".join(missing), found=found)
            )
        return [(line, dict(zip(header, cells, strict=False))) for line, cells in lines if cells]
    except FileNotFoundError:
        raise ReviewFileError(labels.text("review.missing", path=path)) from None
    except PermissionError:
        raise ReviewFileError(labels.text("review.denied", path=path)) from None
    except SpreadsheetRefused as exc:
        raise ReviewFileError(labels.phrase("spreadsheet", str(exc))) from None
    except OSError as exc:
        raise ReviewFileError(labels.text("review.unreadable", path=path, error=exc.strerror or exc)) from None


def _side_label(side: RecordKey) -> str:
    return f"{side[0]}/{side[1]}"


def _label(pair: Pair, labels: Labels) -> str:
    return labels.text("review.pair_of", left=_side_label(pair[0]), right=_side_label(pair[1]))


def import_decisions(
    session: Session,
    path: Path,
    reviewer: str,
    now: datetime | None = None,
    register: RegisterSnapshot | None = None,
    labels: Labels | None = None,
) -> ImportReport:
    """Apply the decision column of an exported (and filled-in) file: of pairs waiting for review, and of
    pairs a person decided (a changed decision revises it, ``withdraw`` takes it back).

    A file that cannot be used raises ``ReviewFileError`` and records nothing; so does a file deciding one
    pair two different ways. Other bad rows (an unknown word, a pair that is neither waiting nor decided) are
    reported and the rest recorded, each reason in ``labels``' language. The caller commits.
    """
    labels = labels or Labels()
    rows = _read_rows(path, labels)
    report = ImportReport()
    known = {p.pair: p for p in pending_pairs(session, register)}
    known.update({p.pair: p for p in decided_pairs(session, register)})
    chosen: dict[Pair, _Row] = {}
    contradictions: list[str] = []
    for line, row in rows:
        word = " ".join((row.get("decision") or "").split()).casefold()
        if word not in DECISION_WORDS:
            words = decision_words(labels)
            report.problems.append(labels.text("review.unknown_decision", line=line, word=word, words=words))
            continue
        judgement = DECISION_WORDS[word]
        if judgement is None:
            report.skipped += 1
            continue
        pair = pair_of(
            (row.get("left_source", "").strip(), row.get("left_key", "").strip()),
            (row.get("right_source", "").strip(), row.get("right_key", "").strip()),
        )
        if pair not in known:
            left, right = (_side_label(side) for side in pair)
            report.problems.append(labels.text("review.no_such_pair", line=line, left=left, right=right))
            continue
        earlier = chosen.get(pair)
        if earlier is None:
            chosen[pair] = _Row(line, judgement, word, pair)
        elif earlier.judgement is not judgement:
            contradictions.append(
                labels.text(
                    "review.differently",
                    first=earlier.line,
                    line=line,
                    pair=_label(pair, labels),
                    first_word=earlier.word,
                    word=word,
                )
            )
    if contradictions:
        listed = "; ".join(contradictions)
        raise ReviewFileError(labels.text("review.contradicts_itself", file=path.name, contradictions=listed))
    graph: JudgementGraph = judgement_store.load_graph(session)
    for pair, row in chosen.items():
        person = graph.person_decision(*pair)
        if row.judgement is Judgement.WITHDRAWN:
            if person is None:
                report.problems.append(
                    labels.text("review.nothing_to_withdraw", line=row.line, pair=_label(pair, labels))
                )
                continue
            report.withdrawn += 1
        elif person is not None and person.judgement is row.judgement:
            report.unchanged += 1
            continue
        elif person is not None:
            report.revised += 1
        else:
            report.decided += 1
        decide(session, known[pair], row.judgement, reviewer, now)
    return report
