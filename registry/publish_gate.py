"""The publish gate: a night that would retire a large share of the registry, or in which a source
collapsed, is not published. The verdict is computed by publishing in a transaction that is rolled back,
so the gate weighs exactly what publishing would do."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session

from registry.organisation_values import SourceTrust
from registry.personal_data import PersonalDataFound
from registry.publish import PublishSummary, ResolvedNight, listed_keys, publish
from registry.source_health import assess


@dataclass(frozen=True)
class GateVerdict:
    passed: bool
    reasons: list[str]
    active_before: int
    retiring: int
    retiring_share: float
    collapsed_sources: dict[str, str]
    summary: PublishSummary


def rehearse(
    session: Session, night: ResolvedNight, trust: Mapping[str, SourceTrust], inactive_after_runs: int
) -> PublishSummary:
    """What publishing the night would do, with nothing written."""
    try:
        return publish(
            session,
            run_id="publish-gate-rehearsal",
            batches=night.batches,
            resolution=night.resolution,
            trust=trust,
            decisions=night.decisions,
            register_matches=night.register_matches,
            inactive_after_runs=inactive_after_runs,
        )
    finally:
        session.rollback()


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
) -> GateVerdict:
    collapsed = collapsed_sources(session, night, max_record_drop)
    reasons = [f"source {name} collapsed: {why}" for name, why in sorted(collapsed.items())]
    try:
        summary = rehearse(session, night, trust, inactive_after_runs)
    except PersonalDataFound as exc:
        summary = PublishSummary(
            run_id="publish-gate-rehearsal", organisations_active=0, organisations_inactive=0, added=0, records=0,
            quarantined=0, per_source={}, per_evidence={}, failed_sources=[],
        )  # fmt: skip
        reasons.append(str(exc))
    share = summary.retiring / summary.active_before if summary.active_before else 0.0
    if share > max_retiring_share:
        reasons.append(
            f"{summary.retiring} of {summary.active_before} active organisations ({share:.0%}) would stop being "
            f"listed or become inactive; at most {max_retiring_share:.0%} may in one run"
        )
    return GateVerdict(
        passed=not reasons,
        reasons=reasons,
        active_before=summary.active_before,
        retiring=summary.retiring,
        retiring_share=share,
        collapsed_sources=collapsed,
        summary=summary,
    )
