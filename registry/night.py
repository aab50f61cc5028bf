"""What one night hands from stage to stage: each source's batch (ingest), the resolved organisations with
their registry IDs (resolve), and the night with its register matches (enrich) that publishing writes.

These are the seams between the stages, so every stage imports them and this module imports no stage at run
time: the stages' own types appear here in annotations only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from registry.identity.judgements import Decision
    from registry.identity.resolve import Cluster
    from registry.ingest.records import QuarantinedRecord, SourceRecord
    from registry.register.enrichment import RegisterMatch


@dataclass(frozen=True)
class SourceBatch:
    """What one source delivered this run. A failed source has ok=False and no fresh records."""

    source: str
    ok: bool
    records: list[SourceRecord] = field(default_factory=list)
    quarantined: list[QuarantinedRecord] = field(default_factory=list)
    error: str | None = None


@dataclass(frozen=True)
class ResolvedOrganisation:
    registry_id: str
    cluster: Cluster


@dataclass(frozen=True)
class Resolution:
    """The night's organisations with their registry IDs, and the IDs retired into another (old -> new)."""

    organisations: list[ResolvedOrganisation]
    redirects: dict[str, str]


@dataclass(frozen=True)
class ResolvedNight:
    """What one night delivers to publishing: every source's batch and the organisations resolved from them."""

    batches: list[SourceBatch]
    resolution: Resolution
    # The matcher's judgements that changed this night, appended to the judgement graph on publishing.
    decisions: list[Decision] = field(default_factory=list)
    # Registry ID -> the organisation's entry in the company register, when one was found.
    register_matches: dict[str, RegisterMatch] = field(default_factory=dict)
    # The registry as it was when this night was resolved (registry/store/run_lock.py): publishing refuses a
    # stale night.
    registry_version: str | None = None
