"""The publish gate: a night that would retire a large share of the registry, clear an identifying register
field (orgnr, legal form, register status) on a large share of the organisations that have one, or in which
a source collapsed, is not published. The verdict is computed by publishing in a transaction that is rolled
back, so the gate weighs exactly what publishing would do."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from registry.ingest.last_listed import listed_keys
from registry.ingest.source_health import assess
from registry.night import ResolvedNight
from registry.publish.changes import Change
from registry.publish.organisation_values import SourceTrust
from registry.publish.publish import PublishSummary, publish
from registry.settings import DEFAULT_MAX_FIELD_LOSS_SHARE
from registry.store.models import ChangeLogRow, Organisation
from registry.store.personal_data import PersonalDataFound

REHEARSAL_RUN_ID = "publish-gate-rehearsal"
# Fields whose loss on many organisations at once means the register data went missing (a broken snapshot, a
# register left out), not that the organisations changed: cleared, they take the register's other values
# (addresses, SNI codes, description) with them.
GUARDED_FIELDS = ("orgnr", "legal_form", "register_status")


@dataclass(frozen=True)
class FieldLoss:
    field: str
    # Active organisations that had a value before the night, and how many of them it would clear.
    had_value: int
    lost: int

    @property
    def share(self) -> float:
        return self.lost / self.had_value if self.had_value else 0.0


@dataclass(frozen=True)
class Rehearsal:
    summary: PublishSummary
    field_losses: dict[str, FieldLoss]


@dataclass(frozen=True)
class GateVerdict:
    passed: bool
    reasons: list[str]
    active_before: int
    retiring: int
    retiring_share: float
    collapsed_sources: dict[str, str]
    summary: PublishSummary
    field_losses: dict[str, FieldLoss] = field(default_factory=dict)


def _holding(session: Session, name: str) -> int:
    column = col(getattr(Organisation, name))
    query = select(func.count()).select_from(Organisation).where(Organisation.active, column.is_not(None), column != "")
    return int(session.exec(query).one())


def _cleared(session: Session, run_id: str) -> dict[str, int]:
    """Per guarded field, the organisations whose value the run's change log takes from something to nothing."""
    rows = session.exec(
        select(ChangeLogRow.field, func.count(func.distinct(ChangeLogRow.registry_id)))
        .where(
            ChangeLogRow.run_id == run_id,
            ChangeLogRow.change == Change.CHANGED.value,
            col(ChangeLogRow.field).in_(GUARDED_FIELDS),
            col(ChangeLogRow.old_value).is_not(None),
            col(ChangeLogRow.new_value).is_(None),
        )
        .group_by(ChangeLogRow.field)
    )
    return {str(name): int(count) for name, count in rows}


def rehearse(
    session: Session, night: ResolvedNight, trust: Mapping[str, SourceTrust], inactive_after_runs: int
) -> Rehearsal:
    """What publishing the night would do, with nothing written: its summary, and the guarded fields it would
    clear, counted from the change log it writes before the rollback."""
    try:
        had = {name: _holding(session, name) for name in GUARDED_FIELDS}
        summary = publish(session, REHEARSAL_RUN_ID, night, trust, inactive_after_runs=inactive_after_runs)
        cleared = _cleared(session, REHEARSAL_RUN_ID)
        losses = {name: FieldLoss(name, had[name], cleared.get(name, 0)) for name in GUARDED_FIELDS}
        return Rehearsal(summary, losses)
    finally:
        session.rollback()


def field_loss_reasons(losses: Mapping[str, FieldLoss], max_share: float) -> list[str]:
    """Why the losses block the night: one reason per field cleared on more than ``max_share`` of the
    organisations that had it."""
    return [
        f"{loss.lost} of {loss.had_value} organisations would lose their {loss.field} ({loss.share:.0%}); at most "
        f"{max_share:.0%} may in one run (was the company register complete tonight?)"
        for loss in losses.values()
        if loss.lost and loss.share > max_share
    ]


def collapsed_sources(session: Session, night: ResolvedNight, max_record_drop: float) -> dict[str, str]:
    collapsed = {}
    for batch in night.batches:
        if not batch.ok:
            continue  # a failed source contributes its last good records: nothing of it is retired
        health = assess(batch.records, listed_keys(session, batch.source), max_record_drop)
        if health.collapsed:
            collapsed[batch.source] = health.explanation
    return collapsed


def judge(
    session: Session,
    night: ResolvedNight,
    trust: Mapping[str, SourceTrust],
    *,
    inactive_after_runs: int,
    max_retiring_share: float,
    max_record_drop: float,
    max_field_loss_share: float = DEFAULT_MAX_FIELD_LOSS_SHARE,
) -> GateVerdict:
    collapsed = collapsed_sources(session, night, max_record_drop)
    reasons = [f"source {name} collapsed: {why}" for name, why in sorted(collapsed.items())]
    try:
        rehearsal = rehearse(session, night, trust, inactive_after_runs)
    except PersonalDataFound as exc:
        empty = PublishSummary(
            run_id=REHEARSAL_RUN_ID, organisations_active=0, organisations_inactive=0, added=0, records=0,
            quarantined=0, per_source={}, per_evidence={}, failed_sources=[],
        )  # fmt: skip
        rehearsal = Rehearsal(empty, {})
        reasons.append(str(exc))
    summary = rehearsal.summary
    share = summary.retiring / summary.active_before if summary.active_before else 0.0
    if share > max_retiring_share:
        reasons.append(
            f"{summary.retiring} of {summary.active_before} active organisations ({share:.0%}) would stop being "
            f"listed or become inactive; at most {max_retiring_share:.0%} may in one run"
        )
    reasons += field_loss_reasons(rehearsal.field_losses, max_field_loss_share)
    return GateVerdict(
        passed=not reasons,
        reasons=reasons,
        active_before=summary.active_before,
        retiring=summary.retiring,
        retiring_share=share,
        collapsed_sources=collapsed,
        summary=summary,
        field_losses=rehearsal.field_losses,
    )
