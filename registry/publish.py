"""Publishing a resolved night into the registry tables, as one transaction.

Nothing is deleted: organisations no source lists any more become inactive, records a source no longer
lists are marked unlisted, merged-away IDs get a redirect. A source that failed this run keeps its last
good records untouched.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlmodel import Session, select

from registry import judgement_store
from registry.enrichment import RegisterMatch
from registry.geography import find_kommun
from registry.ids import RecordKey, assign_ids
from registry.judgements import Decision
from registry.models import Organisation, QuarantineRow, RegistryIdRedirect, RunRow, SourceRecordRow
from registry.orgnr import OrgnrStatus
from registry.records import QuarantinedRecord, SourceRecord
from registry.resolve import Cluster

_RECORD_FIELDS = (
    "name",
    "orgnr_as_written",
    "orgnr",
    "municipality",
    "address",
    "website",
    "email",
    "phone",
    "activity",
    "categories",
    "source_url",
    "fetched_at",
)
_ORGANISATION_FIELDS = ("name", "orgnr", "municipality", "address", "website", "email", "phone", "activity")


@dataclass(frozen=True)
class SourceTrust:
    """How far a source is believed: its rank for published values, and what its listing proves."""

    priority: int = 100
    # Listing by a weak-signal source (a member list of all kinds of employers) does not make an ASF.
    weak_signal: bool = False
    # A closed source: it proves the enterprise was an ASF once, not that it still is.
    historical: bool = False


class Evidence:
    """Why an organisation is in the registry, from the strongest source that lists it."""

    CURRENT_LIST = "current_list"
    HISTORICAL_LIST = "historical_list"
    WEAK_SIGNAL = "weak_signal"


def evidence(sources: set[str], trust: Mapping[str, SourceTrust]) -> str:
    levels = [trust.get(s, SourceTrust()) for s in sources]
    if any(not t.weak_signal and not t.historical for t in levels):
        return Evidence.CURRENT_LIST
    if any(t.historical for t in levels):
        return Evidence.HISTORICAL_LIST
    return Evidence.WEAK_SIGNAL


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
    # The registry as it was when this night was resolved (registry/run_lock.py): publishing refuses a stale night.
    registry_version: str | None = None


@dataclass(frozen=True)
class PublishSummary:
    run_id: str
    organisations_active: int
    organisations_inactive: int
    added: int
    records: int
    quarantined: int
    per_source: dict[str, int]
    per_evidence: dict[str, int]
    failed_sources: list[str]
    judgements_added: int = 0


def previous_ids(session: Session) -> dict[RecordKey, str]:
    rows = session.exec(select(SourceRecordRow.source, SourceRecordRow.source_key, SourceRecordRow.registry_id))
    return {(source, key): registry_id for source, key, registry_id in rows}


def issued_ids(session: Session) -> set[str]:
    ids = set(session.exec(select(Organisation.registry_id)))
    ids |= set(session.exec(select(RegistryIdRedirect.old_id)))
    return ids


def listed_keys(session: Session, source: str) -> set[str]:
    """The keys of the records a source listed at its last successful publication."""
    rows = session.exec(
        select(SourceRecordRow.source_key).where(SourceRecordRow.source == source, SourceRecordRow.listed)
    )
    return set(rows)


def last_listed_records(session: Session, source: str) -> list[SourceRecord]:
    """The records a source listed at its last successful fetch: what a failed source falls back to."""
    rows = session.exec(select(SourceRecordRow).where(SourceRecordRow.source == source, SourceRecordRow.listed))
    return [
        SourceRecord(
            source=row.source,
            source_key=row.source_key,
            orgnr_status=OrgnrStatus(row.orgnr_status),
            **{name: getattr(row, name) for name in _RECORD_FIELDS},
        )
        for row in rows
    ]


def assign_registry_ids(session: Session, clusters: Sequence[Cluster]) -> Resolution:
    assignment = assign_ids([c.keys for c in clusters], previous_ids(session), issued_ids(session))
    organisations = [
        ResolvedOrganisation(registry_id, cluster)
        for registry_id, cluster in zip(assignment.ids, clusters, strict=True)
    ]
    return Resolution(organisations, assignment.redirects)


def organisation_fields(members: Sequence[SourceRecord], trust: Mapping[str, SourceTrust]) -> dict[str, object]:
    """Each published field from the most trusted source that has a value for it."""
    ranked = sorted(members, key=lambda r: (trust.get(r.source, SourceTrust()).priority, r.source, r.source_key))
    values: dict[str, object] = {}
    for name in _ORGANISATION_FIELDS:
        values[name] = next((getattr(r, name) for r in ranked if getattr(r, name)), None)
    sources = sorted({r.source for r in members})
    values["sources"] = ",".join(sources)
    values["source_count"] = len(sources)
    values["evidence"] = evidence(set(sources), trust)
    return values


_REGISTER_FIELDS = (
    "register_name", "legal_form", "svb", "register_status", "registered_on", "postal_address", "postcode",
    "postort", "business_description", "sni_codes", "register_match", "register_match_score",
)  # fmt: skip


def with_register_and_place(values: dict[str, object], match: RegisterMatch | None) -> dict[str, object]:
    """Add the company register's fields (when matched) and the kommun and län the organisation is in."""
    entry = match.entry if match else None
    values.update(dict.fromkeys(_REGISTER_FIELDS))
    if match is not None and entry is not None:
        values.update(
            register_name=entry.name,
            legal_form=entry.legal_form,
            svb=entry.svb,
            register_status=entry.status,
            registered_on=entry.registered,
            postal_address=entry.street,
            postcode=entry.postcode,
            postort=entry.postort,
            business_description=entry.description,
            sni_codes=",".join(match.sni) or None,
            register_match=match.method,
            register_match_score=round(match.score, 4),
        )
        values["orgnr"] = values.get("orgnr") or entry.orgnr
    # The registered address says where the legal person is; a source's town is the fallback.
    kommun = find_kommun(entry.postort) if entry and entry.postort else None
    if kommun is None and values.get("municipality"):
        kommun = find_kommun(str(values["municipality"]))
    values.update(
        kommun_code=kommun.code if kommun else None,
        kommun_name=kommun.name if kommun else None,
        lan_code=kommun.lan_code if kommun else None,
    )
    return values


def _explanation(record: SourceRecord, cluster: Cluster) -> str | None:
    lines = [
        f"{'/'.join(link.right if link.left == record.key else link.left)}: {link.explanation}"
        for link in cluster.links
        if record.key in (link.left, link.right)
    ]
    return "\n".join(lines) or None


def publish(
    session: Session,
    run_id: str,
    batches: Sequence[SourceBatch],
    resolution: Resolution,
    trust: Mapping[str, SourceTrust],
    now: datetime | None = None,
    decisions: Sequence[Decision] = (),
    register_matches: Mapping[str, RegisterMatch] | None = None,
) -> PublishSummary:
    """Write one night into the registry. The caller commits (or rolls back) the session as a whole."""
    now = now or datetime.now(UTC)
    register_matches = register_matches or {}
    fresh_sources = {b.source for b in batches if b.ok}
    existing_records = {(r.source, r.source_key): r for r in session.exec(select(SourceRecordRow))}
    existing_orgs = {o.registry_id: o for o in session.exec(select(Organisation))}

    seen_records: set[RecordKey] = set()
    for resolved in resolution.organisations:
        for record in resolved.cluster.members:
            seen_records.add(record.key)
            row = existing_records.get(record.key)
            if row is None:
                row = SourceRecordRow(
                    source=record.source,
                    source_key=record.source_key,
                    registry_id=resolved.registry_id,
                    name=record.name,
                    orgnr_status=record.orgnr_status.value,
                    fetched_at=record.fetched_at,
                    first_seen_at=now,
                    last_seen_at=now,
                )
            for name in _RECORD_FIELDS:
                setattr(row, name, getattr(record, name))
            row.orgnr_status = record.orgnr_status.value
            row.registry_id = resolved.registry_id
            row.match_explanation = _explanation(record, resolved.cluster)
            row.listed = True
            if record.source in fresh_sources:
                row.last_seen_at = now
            session.add(row)
    for key, row in existing_records.items():
        if key not in seen_records and row.source in fresh_sources and row.listed:
            row.listed = False
            session.add(row)

    published: set[str] = set()
    per_evidence: Counter[str] = Counter()
    added = 0
    for resolved in resolution.organisations:
        values = with_register_and_place(
            organisation_fields(resolved.cluster.members, trust), register_matches.get(resolved.registry_id)
        )
        org = existing_orgs.get(resolved.registry_id)
        if org is None:
            added += 1
            org = Organisation(registry_id=resolved.registry_id, first_seen_at=now, last_seen_at=now, **values)
        else:
            for name, value in values.items():
                setattr(org, name, value)
        org.active = True
        per_evidence[org.evidence] += 1
        if any(m.source in fresh_sources for m in resolved.cluster.members):
            org.last_seen_at = now
        published.add(resolved.registry_id)
        session.add(org)
    inactive = 0
    for registry_id, org in existing_orgs.items():
        if registry_id not in published:
            inactive += 1
            if org.active:
                org.active = False
                session.add(org)

    known_redirects = set(session.exec(select(RegistryIdRedirect.old_id)))
    for old_id, new_id in sorted(resolution.redirects.items()):
        if old_id not in known_redirects:
            session.add(RegistryIdRedirect(old_id=old_id, new_id=new_id, run_id=run_id, created_at=now))

    quarantined = [q for b in batches for q in b.quarantined]
    for item in quarantined:
        session.add(
            QuarantineRow(
                run_id=run_id,
                source=item.source,
                source_key=item.source_key,
                reason=item.reason,
                raw=json.dumps(item.raw, ensure_ascii=False, default=str),
                quarantined_at=now,
            )
        )

    judgements_added = judgement_store.append(session, decisions, run_id)
    per_source = Counter(m.source for r in resolution.organisations for m in r.cluster.members)
    failed = sorted(b.source for b in batches if not b.ok)
    summary = PublishSummary(
        run_id=run_id,
        organisations_active=len(published),
        organisations_inactive=inactive,
        added=added,
        records=sum(per_source.values()),
        quarantined=len(quarantined),
        per_source=dict(sorted(per_source.items())),
        per_evidence=dict(sorted(per_evidence.items())),
        failed_sources=failed,
        judgements_added=judgements_added,
    )
    session.merge(
        RunRow(
            run_id=run_id,
            published_at=now,
            organisations_active=summary.organisations_active,
            records=summary.records,
            quarantined=summary.quarantined,
            source_summary=json.dumps(
                {
                    b.source: {
                        "ok": b.ok,
                        "records": per_source.get(b.source, 0),
                        "quarantined": len(b.quarantined),
                        "error": b.error,
                    }
                    for b in batches
                },
                ensure_ascii=False,
            ),
            failed_sources=",".join(failed),
        )
    )
    return summary
