"""The judgement graph in the registry database: loaded whole, appended to, never updated or deleted."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from registry.identity.judgements import Decision, Judgement, JudgementGraph
from registry.store.models import JudgementRow


def load_graph(session: Session) -> JudgementGraph:
    rows = session.exec(select(JudgementRow).order_by(col(JudgementRow.decided_at), col(JudgementRow.id)))
    return JudgementGraph(
        Decision(
            left=(row.left_source, row.left_key),
            right=(row.right_source, row.right_key),
            judgement=Judgement(row.judgement),
            decided_by=row.decided_by,
            decided_at=row.decided_at,
            score=row.score,
            explanation=row.explanation,
        )
        for row in rows
    )


def append(session: Session, decisions: Iterable[Decision], run_id: str | None = None) -> int:
    count = 0
    for decision in decisions:
        (left_source, left_key), (right_source, right_key) = decision.pair
        session.add(
            JudgementRow(
                left_source=left_source,
                left_key=left_key,
                right_source=right_source,
                right_key=right_key,
                judgement=decision.judgement.value,
                score=decision.score,
                explanation=decision.explanation,
                decided_by=decision.decided_by,
                decided_at=decision.decided_at,
                run_id=run_id,
            )
        )
        count += 1
    return count
