"""How a source's fresh batch compares with what the registry last published from it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from registry.ingest.records import SourceRecord
from registry.reference.orgnr import OrgnrStatus


@dataclass(frozen=True)
class SourceHealth:
    records: int
    previously_listed: int
    new: int
    gone: int
    valid_orgnr: int
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
        valid_orgnr=valid,
        valid_orgnr_share=share,
        collapsed=collapsed,
        explanation=explanation,
    )


def orgnr_share_verdict(health: SourceHealth, expected: float | None) -> tuple[bool, str]:
    """Whether a fresh batch has the share of valid organisationsnummer its source is expected to have, and a
    sentence saying so. ``expected`` None: the source lists no numbers, so there is nothing to fall short of."""
    share = f"{health.valid_orgnr_share:.0%}"
    found = f"{health.valid_orgnr} of {health.records} records ({share}) carry a valid organisationsnummer"
    if expected is None:
        return True, f"this source lists no organisationsnummer: nothing to check ({found})"
    if health.valid_orgnr_share >= expected:
        return True, f"{found}; at least {expected:.0%} expected"
    return False, (
        f"{found}, below the {expected:.0%} expected: has the orgnr column been renamed or moved, or are the "
        "numbers written in a way that no longer reads as an organisationsnummer?"
    )
