"""How a source's fresh batch compares with what the registry last published from it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from registry.orgnr import OrgnrStatus
from registry.records import SourceRecord


@dataclass(frozen=True)
class SourceHealth:
    records: int
    previously_listed: int
    new: int
    gone: int
    valid_orgnr_share: float
    # The count fell by more than the allowed share: publishing this batch could wrongly retire organisations.
    collapsed: bool
    explanation: str


def assess(records: Collection[SourceRecord], previously_listed: Collection[str], max_drop: float) -> SourceHealth:
    keys = {r.source_key for r in records}
    previous = set(previously_listed)
    valid = sum(1 for r in records if r.orgnr_status is OrgnrStatus.VALID)
    share = valid / len(records) if records else 0.0
    floor = (1 - max_drop) * len(previous)
    collapsed = bool(previous) and len(keys) < floor
    if collapsed:
        explanation = (
            f"{len(keys)} records against {len(previous)} last published: a drop of more than "
            f"{max_drop:.0%} (at least {floor:.0f} expected)"
        )
    else:
        explanation = f"{len(keys)} records, {len(previous)} last published"
    return SourceHealth(
        records=len(keys),
        previously_listed=len(previous),
        new=len(keys - previous),
        gone=len(previous - keys),
        valid_orgnr_share=share,
        collapsed=collapsed,
        explanation=explanation,
    )
