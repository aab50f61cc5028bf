"""Publishing a resolved night into the registry tables, as one transaction, with its change log.

Nothing is deleted: an organisation no source lists any more is marked unlisted, and inactive after a
configured number of such runs; records a source no longer lists are marked unlisted; merged-away IDs get a
redirect. A source that failed this run keeps its last good records untouched. Every published value keeps
its provenance: which source (or the register) said it, and since when.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import bindparam, delete, insert, update
from sqlmodel import Session, col, select

from registry.identity import judgement_store
from registry.identity.resolve import Cluster
from registry.ingest.records import RECORD_FIELDS, QuarantinedRecord, RecordKey, SourceRecord
from registry.night import Resolution, ResolvedNight, ResolvedOrganisation, SourceBatch
from registry.publish.changes import (
    Change,
    ChangeEntry,
    ListingState,
    after_listed_run,
    after_unlisted_run,
    as_text,
    field_changes,
)
from registry.publish.organisation_values import PROVENANCE_FIELDS, Origin, SourceTrust, organisation_values
from registry.settings import DEFAULT_INACTIVE_AFTER_RUNS
from registry.store.models import (
    ChangeLogRow,
    FieldProvenanceRow,
    Organisation,
    QuarantineRow,
    RegistryIdRedirect,
    RunRow,
    SourceRecordRow,
)
from registry.store.personal_data import refuse_personal_data


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
    # Active organisations before this run, and the change log's entries per kind.
    active_before: int = 0
    changes: dict[str, int] = field(default_factory=dict)
    # Organisations this run stops listing or makes inactive: what the publish gate weighs.
    retiring: int = 0
    # Active organisations that no source listed in this run (inactive after the configured number of runs).
    active_unlisted: int = 0


def publish(
    session: Session,
    run_id: str,
    night: ResolvedNight,
    trust: Mapping[str, SourceTrust],
    *,
    now: datetime | None = None,
    inactive_after_runs: int = DEFAULT_INACTIVE_AFTER_RUNS,
) -> PublishSummary:
    """Write one night into the registry. The caller commits (or rolls back) the session as a whole.

    Raises PersonalDataFound, with nothing to commit, when the registry would hold a personnummer."""
    now = now or datetime.now(UTC)
    before = _RegistryBefore.read(session)
    fresh_sources = {b.source for b in night.batches if b.ok}
    published = {r.registry_id for r in night.resolution.organisations}

    _write_source_records(session, fresh_sources, night.resolution, before.records, now)
    entries, added = _write_organisations(session, night, trust, before, fresh_sources, published, now)
    entries += _retire_merged(session, night.resolution.redirects, before.organisations, published, now, run_id)
    entries += _age_unlisted(session, before.organisations, published, inactive_after_runs, now)
    _write_change_log(session, run_id, entries, now)
    quarantined = _write_quarantine(session, run_id, night.batches, now)
    judgements_added = judgement_store.append(session, night.decisions, run_id)
    summary = _summarise(run_id, night, before, entries, added, quarantined, judgements_added)
    _write_run(session, summary, night.batches, len(entries), now)
    # The last line behind the guards where data enters: a personnummer anywhere in what this transaction would
    # commit stops the whole publication (the caller's rollback leaves the registry as it was).
    session.flush()
    refuse_personal_data(session.connection())
    return summary


@dataclass
class _RegistryBefore:
    """The registry as this night finds it. ``organisations`` grows by the night's new ones as they are
    written, so the later steps see every organisation."""

    records: dict[RecordKey, SourceRecordRow]
    organisations: dict[str, Organisation]
    # Per organisation and field: what the stored provenance says (value, source, source key). Plain tuples,
    # not ORM rows: there are about twenty per organisation (see _ProvenanceWrites).
    provenance: dict[str, dict[str, _Said]]
    active: int
    # Record -> the registry ID it had: tells a new ID that split from an organisation from a new organisation.
    owners: dict[RecordKey, str]

    @classmethod
    def read(cls, session: Session) -> _RegistryBefore:
        records = {(r.source, r.source_key): r for r in session.exec(select(SourceRecordRow))}
        organisations = {o.registry_id: o for o in session.exec(select(Organisation))}
        provenance: dict[str, dict[str, _Said]] = {}
        table = FieldProvenanceRow
        stored = select(
            col(table.registry_id), col(table.field), col(table.value), col(table.source), col(table.source_key)
        )
        for registry_id, name, value, source, source_key in session.exec(stored):
            provenance.setdefault(registry_id, {})[name] = (value, source, source_key)
        return cls(
            records=records,
            organisations=organisations,
            provenance=provenance,
            active=sum(1 for o in organisations.values() if o.active),
            owners={key: row.registry_id for key, row in records.items()},
        )


def _write_organisations(
    session: Session,
    night: ResolvedNight,
    trust: Mapping[str, SourceTrust],
    before: _RegistryBefore,
    fresh_sources: set[str],
    published: set[str],
    now: datetime,
) -> tuple[list[ChangeEntry], int]:
    """Each organisation of the night with the values its records and register entry give it, and where each
    value came from. Returns the change entries and how many organisations are new."""
    entries: list[ChangeEntry] = []
    added = 0
    provenance = _ProvenanceWrites(session, now)
    for resolved in night.resolution.organisations:
        register_match = night.register_matches.get(resolved.registry_id)
        computed = organisation_values(resolved.cluster.members, trust, register_match)
        org = before.organisations.get(resolved.registry_id)
        if org is None:
            added += 1
            entries += _added(resolved, computed.values, before.owners, published)
            org = Organisation(registry_id=resolved.registry_id, first_seen_at=now, last_seen_at=now, **computed.values)
            before.organisations[org.registry_id] = org
        else:
            entries += field_changes(org.registry_id, org.model_dump(), computed.values)
            for name, value in computed.values.items():
                setattr(org, name, value)
            state, kinds = after_listed_run(ListingState(org.listed, org.unlisted_runs, org.active))
            entries += [ChangeEntry(org.registry_id, kind, detail=f"listed again by {org.sources}") for kind in kinds]
            org.listed, org.unlisted_runs, org.active = state.listed, state.unlisted_runs, state.active
            org.inactive_since = None
            org.merged_into = None
        if any(m.source in fresh_sources for m in resolved.cluster.members):
            org.last_seen_at = now
        session.add(org)
        provenance.write(org, computed.origins, before.provenance.get(org.registry_id, {}))
    provenance.finish()
    return entries, added


def _age_unlisted(
    session: Session,
    organisations: Mapping[str, Organisation],
    published: set[str],
    inactive_after_runs: int,
    now: datetime,
) -> list[ChangeEntry]:
    """Organisations no source lists tonight: unlisted now, inactive after the configured number of runs."""
    entries: list[ChangeEntry] = []
    for registry_id, org in sorted(organisations.items()):
        if registry_id in published or org.merged_into:
            continue
        state, kinds = after_unlisted_run(ListingState(org.listed, org.unlisted_runs, org.active), inactive_after_runs)
        org.listed, org.unlisted_runs = state.listed, state.unlisted_runs
        if org.active and not state.active:
            org.active, org.inactive_since = False, now
        entries += [
            ChangeEntry(registry_id, kind, detail=_unlisted_detail(kind, state.unlisted_runs, inactive_after_runs))
            for kind in kinds
        ]
        session.add(org)
    return entries


def _write_change_log(session: Session, run_id: str, entries: Sequence[ChangeEntry], now: datetime) -> None:
    # Rows only ever added: a bulk INSERT in the order of the entries (their ids follow it), not an ORM object
    # each, which a first night of a large list (one "added" per organisation) would build by the ten thousand.
    rows = [
        {
            "run_id": run_id,
            "changed_at": now,
            "registry_id": entry.registry_id,
            "change": entry.change.value,
            "field": entry.field,
            "old_value": entry.old_value,
            "new_value": entry.new_value,
            "detail": entry.detail,
        }
        for entry in entries
    ]
    for start in range(0, len(rows), _ProvenanceWrites.BATCH):
        session.execute(insert(ChangeLogRow), rows[start : start + _ProvenanceWrites.BATCH])


def _write_quarantine(
    session: Session, run_id: str, batches: Sequence[SourceBatch], now: datetime
) -> list[QuarantinedRecord]:
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
    return quarantined


def _summarise(
    run_id: str,
    night: ResolvedNight,
    before: _RegistryBefore,
    entries: Sequence[ChangeEntry],
    added: int,
    quarantined: Sequence[QuarantinedRecord],
    judgements_added: int,
) -> PublishSummary:
    organisations = before.organisations.values()
    per_source = Counter(m.source for r in night.resolution.organisations for m in r.cluster.members)
    active_after = sum(1 for o in organisations if o.active)
    return PublishSummary(
        run_id=run_id,
        organisations_active=active_after,
        organisations_inactive=len(before.organisations) - active_after,
        added=added,
        records=sum(per_source.values()),
        quarantined=len(quarantined),
        per_source=dict(sorted(per_source.items())),
        per_evidence=dict(sorted(Counter(o.evidence for o in organisations if o.active).items())),
        failed_sources=sorted(b.source for b in night.batches if not b.ok),
        judgements_added=judgements_added,
        active_before=before.active,
        changes=dict(sorted(Counter(e.change.value for e in entries).items())),
        active_unlisted=sum(1 for o in organisations if o.active and not o.listed),
        retiring=len({e.registry_id for e in entries if e.change in (Change.UNLISTED, Change.INACTIVATED)}),
    )


def _write_run(
    session: Session, summary: PublishSummary, batches: Sequence[SourceBatch], changes: int, now: datetime
) -> None:
    per_source = {
        b.source: {
            "ok": b.ok,
            "records": summary.per_source.get(b.source, 0),
            "quarantined": len(b.quarantined),
            "error": b.error,
        }
        for b in batches
    }
    session.merge(
        RunRow(
            run_id=summary.run_id,
            published_at=now,
            organisations_active=summary.organisations_active,
            records=summary.records,
            quarantined=summary.quarantined,
            source_summary=json.dumps(per_source, ensure_ascii=False),
            failed_sources=",".join(summary.failed_sources),
            changes=changes,
        )
    )


def _write_source_records(
    session: Session,
    fresh_sources: set[str],
    resolution: Resolution,
    existing_records: dict[RecordKey, SourceRecordRow],
    now: datetime,
) -> None:
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
            for name in RECORD_FIELDS:
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


def _explanation(record: SourceRecord, cluster: Cluster) -> str | None:
    lines = [
        f"{'/'.join(link.right if link.left == record.key else link.left)}: {link.explanation}"
        for link in cluster.links
        if record.key in (link.left, link.right)
    ]
    return "\n".join(lines) or None


def _added(
    resolved: ResolvedOrganisation,
    values: Mapping[str, object],
    previous_owner: Mapping[RecordKey, str],
    published: set[str],
) -> list[ChangeEntry]:
    """A new ID: a new organisation, or the smaller part of one that split (its records had an ID that the
    larger part kept)."""
    registry_id = resolved.registry_id
    owners = {previous_owner[m.key] for m in resolved.cluster.members if m.key in previous_owner}
    parents = sorted((owners & published) - {registry_id})
    name = as_text(values.get("name"))
    if not parents:
        return [ChangeEntry(registry_id, Change.ADDED, new_value=name)]
    return [
        *(
            ChangeEntry(parent, Change.SPLIT, new_value=registry_id, detail=f"records now form {registry_id}")
            for parent in parents
        ),
        ChangeEntry(registry_id, Change.ADDED, new_value=name, detail=f"split from {', '.join(parents)}"),
    ]


def _retire_merged(
    session: Session,
    redirects: Mapping[str, str],
    existing_orgs: Mapping[str, Organisation],
    published: set[str],
    now: datetime,
    run_id: str,
) -> list[ChangeEntry]:
    known = set(session.exec(select(RegistryIdRedirect.old_id)))
    entries = []
    for old_id, new_id in sorted(redirects.items()):
        if old_id in known or old_id in published:
            continue
        session.add(RegistryIdRedirect(old_id=old_id, new_id=new_id, run_id=run_id, created_at=now))
        retired = existing_orgs.get(old_id)
        if retired is not None:
            retired.merged_into, retired.listed = new_id, False
            if retired.active:
                retired.active, retired.inactive_since = False, now
            session.add(retired)
        detail = f"{old_id} merged into {new_id}"
        entries.append(ChangeEntry(new_id, Change.MERGED, old_value=old_id, new_value=new_id, detail=detail))
    return entries


def _unlisted_detail(kind: Change, runs: int, inactive_after_runs: int) -> str:
    if kind is Change.INACTIVATED:
        return f"no source has listed it for {runs} run(s)"
    return f"no source lists it any more; inactive after {inactive_after_runs} such run(s)"


# What a stored provenance row says: (value, source, source key).
_Said = tuple[str | None, str, str | None]


class _ProvenanceWrites:
    """For each published value, who says it; 'since' moves only when the value or who says it changes, and
    'confirmed_at' moves every night the organisation is published.

    Written as bulk statements in batches, not as ORM objects: about twenty rows per organisation made a
    20,000-organisation list 480,000 ORM objects per publication (built, validated, tracked and flushed,
    twice a night with the publish gate's rehearsal), which took most of the run's time and a gigabyte of
    memory. In the session's transaction, so the caller's commit or rollback covers them as before.
    """

    # Rows per statement batch, and organisations per "confirmed" UPDATE (an IN list well within every
    # database's limit on parameters).
    BATCH = 2_000

    def __init__(self, session: Session, now: datetime) -> None:
        self.session, self.now = session, now
        self.new: list[dict[str, object]] = []
        self.moved: list[dict[str, object]] = []
        self.dropped: list[dict[str, object]] = []
        self.confirmed: list[str] = []  # the organisations whose every remaining row is confirmed tonight

    def write(self, org: Organisation, origins: Mapping[str, Origin], existing: Mapping[str, _Said]) -> None:
        for name in PROVENANCE_FIELDS:
            value, origin, said = as_text(getattr(org, name)), origins.get(name), existing.get(name)
            key = {"registry_id": org.registry_id, "field": name}
            if value is None or origin is None:
                if said is not None:
                    self.dropped.append({"b_registry_id": org.registry_id, "b_field": name})
                continue
            if said == (value, origin.source, origin.source_key):
                continue  # only confirmed: below, with the organisation's other rows
            row = {**key, "value": value, "source": origin.source, "source_key": origin.source_key, "since": self.now}
            (self.new if said is None else self.moved).append({**row, "confirmed_at": self.now})
        self.confirmed.append(org.registry_id)
        if max(len(self.new), len(self.moved), len(self.confirmed)) >= self.BATCH:
            self._execute()

    def finish(self) -> None:
        self._execute()

    def _execute(self) -> None:
        if self.dropped:
            table = FieldProvenanceRow.__table__  # type: ignore[attr-defined]
            drop = delete(table).where(
                table.c.registry_id == bindparam("b_registry_id"), table.c.field == bindparam("b_field")
            )
            self.session.connection().execute(drop, self.dropped)
        if self.new:
            self.session.execute(insert(FieldProvenanceRow), self.new)
        if self.moved:
            # ORM bulk UPDATE: one statement per row by primary key, executed as a batch.
            self.session.execute(update(FieldProvenanceRow), self.moved)
        if self.confirmed:
            self.session.execute(
                update(FieldProvenanceRow)
                .where(col(FieldProvenanceRow.registry_id).in_(self.confirmed))
                .values(confirmed_at=self.now)
            )
        self.new, self.moved, self.dropped, self.confirmed = [], [], [], []
