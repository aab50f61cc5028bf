"""This night's clusters get their registry IDs: the IDs the registry has issued, kept where the records are
the same organisation (registry/identity/ids.py decides), and new ones where they are not."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from registry.identity.ids import assign_ids
from registry.identity.resolve import Cluster
from registry.ingest.records import RecordKey
from registry.night import Resolution, ResolvedOrganisation
from registry.store.models import Organisation, RegistryIdRedirect, SourceRecordRow


def previous_ids(session: Session) -> dict[RecordKey, str]:
    """Each published record's registry ID."""
    rows = session.exec(select(SourceRecordRow.source, SourceRecordRow.source_key, SourceRecordRow.registry_id))
    return {(source, key): registry_id for source, key, registry_id in rows}


def issued_ids(session: Session) -> set[str]:
    """Every ID ever published, retired ones included: a new organisation never gets one of them."""
    ids = set(session.exec(select(Organisation.registry_id)))
    ids |= set(session.exec(select(RegistryIdRedirect.old_id)))
    return ids


def assign_registry_ids(session: Session, clusters: Sequence[Cluster]) -> Resolution:
    assignment = assign_ids([c.keys for c in clusters], previous_ids(session), issued_ids(session))
    organisations = [
        ResolvedOrganisation(registry_id, cluster)
        for registry_id, cluster in zip(assignment.ids, clusters, strict=True)
    ]
    return Resolution(organisations, assignment.redirects)
