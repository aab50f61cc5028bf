"""The publish gate: a night that would retire a large share of the registry, clear an identifying register
field (orgnr, legal form, register status) on a large share of the organisations that have one, or in which
a source collapsed, is not published. The verdict is computed by publishing in a transaction that is rolled
back, so the gate weighs exactly what publishing would do."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

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
class GateReason:
    """Why the gate blocks a night, as data: ``kind`` names the sentence and ``values`` fill it, so that each
    reader's language can say it (registry/tools/labels.py, "gate.<kind>"); ``str()`` is the English one the
    check's description carries in the Dagster UI."""

    kind: str
    values: Mapping[str, Any]

    SOURCE_COLLAPSED = "source_collapsed"
    RETIRING = "retiring"
    FIELD_LOSS = "field_loss"
    PERSONAL_DATA = "personal_data"

    def __str__(self) -> str:
        v = self.values
        if self.kind == GateReason.SOURCE_COLLAPSED:
            return f"source {v['source']} collapsed: {v['explanation']}"
        if self.kind == GateReason.RETIRING:
            return (
                f"{v['retiring']} of {v['active_before']} active organisations ({v['share']:.0%}) would stop being "
                f"listed or become inactive; at most {v['max_share']:.0%} may in one run"
            )
        if self.kind == GateReason.FIELD_LOSS:
            return (
                f"{v['lost']} of {v['had']} organisations would lose their {v['field']} ({v['share']:.0%}); at most "
                f"{v['max_share']:.0%} may in one run (was the company register complete tonight?)"
            )
        return str(v.get("message", self.kind))

    def as_data(self) -> dict[str, Any]:
        """The reason as JSON: what the check's metadata carries for the command line to say."""
        return {"kind": self.kind, **self.values}


@dataclass(frozen=True)
class Rehearsal:
    summary: PublishSummary
    field_losses: dict[str, FieldLoss]


@dataclass(frozen=True)
class GateVerdict:
    passed: bool
    # The English sentences of ``blocked_by``.
    reasons: list[str]
    active_before: int
    retiring: int
    retiring_share: float
    collapsed_sources: dict[str, str]
    summary: PublishSummary
    field_losses: dict[str, FieldLoss] = field(default_factory=dict)
    blocked_by: list[GateReason] = field(default_factory=list)


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


def field_losses_blocking(losses: Mapping[str, FieldLoss], max_share: float) -> list[GateReason]:
    """Why the losses block the night: one reason per field cleared on more than ``max_share`` of the
    organisations that had it."""
    return [
        GateReason(
            GateReason.FIELD_LOSS,
            {
                "field": loss.field,
                "lost": loss.lost,
                "had": loss.had_value,
                "share": loss.share,
                "max_share": max_share,
            },
        )
        for loss in losses.values()
        if loss.lost and loss.share > max_share
    ]


def field_loss_reasons(losses: Mapping[str, FieldLoss], max_share: float) -> list[str]:
    """``field_losses_blocking`` in English."""
    return [str(reason) for reason in field_losses_blocking(losses, max_share)]


def _collapses(session: Session, night: ResolvedNight, max_record_drop: float) -> list[GateReason]:
    collapsed = []
    for batch in night.batches:
        if not batch.ok:
            continue  # a failed source contributes its last good records: nothing of it is retired
        health = assess(batch.records, listed_keys(session, batch.source), max_record_drop)
        if health.collapsed:
            values = {
                "source": batch.source,
                "records": health.records,
                "last_published": health.previously_listed,
                "max_drop": max_record_drop,
                # The count the source had to reach (source_health.assess's floor).
                "expected": (1 - max_record_drop) * health.previously_listed,
                "explanation": health.explanation,
            }
            collapsed.append(GateReason(GateReason.SOURCE_COLLAPSED, values))
    return sorted(collapsed, key=lambda reason: reason.values["source"])


def collapsed_sources(session: Session, night: ResolvedNight, max_record_drop: float) -> dict[str, str]:
    return {r.values["source"]: r.values["explanation"] for r in _collapses(session, night, max_record_drop)}


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
    reasons = _collapses(session, night, max_record_drop)
    collapsed = {r.values["source"]: r.values["explanation"] for r in reasons}
    try:
        rehearsal = rehearse(session, night, trust, inactive_after_runs)
    except PersonalDataFound as exc:
        empty = PublishSummary(
            run_id=REHEARSAL_RUN_ID, organisations_active=0, organisations_inactive=0, added=0, records=0,
            quarantined=0, per_source={}, per_evidence={}, failed_sources=[],
        )  # fmt: skip
        rehearsal = Rehearsal(empty, {})
        reasons.append(GateReason(GateReason.PERSONAL_DATA, {"columns": list(exc.columns), "message": str(exc)}))
    summary = rehearsal.summary
    share = summary.retiring / summary.active_before if summary.active_before else 0.0
    if share > max_retiring_share:
        values = {
            "retiring": summary.retiring,
            "active_before": summary.active_before,
            "share": share,
            "max_share": max_retiring_share,
        }
        reasons.append(GateReason(GateReason.RETIRING, values))
    reasons += field_losses_blocking(rehearsal.field_losses, max_field_loss_share)
    return GateVerdict(
        passed=not reasons,
        reasons=[str(reason) for reason in reasons],
        active_before=summary.active_before,
        retiring=summary.retiring,
        retiring_share=share,
        collapsed_sources=collapsed,
        summary=summary,
        field_losses=rehearsal.field_losses,
        blocked_by=reasons,
    )
