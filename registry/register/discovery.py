"""Discovery for the environmental scan: register organisations that look like ASF and are not listed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from registry.reference.orgnr import month_in_third_place
from registry.register.bolagsverket import RegisterEntry
from registry.store.models import Organisation, RegisterCandidate
from registry.store.personal_data import refuse_personal_data


@dataclass(frozen=True)
class DiscoveryResult:
    current: dict[str, tuple[RegisterEntry, str]]
    new: list[str]


def update_candidates(session: Session, found: Sequence[tuple[RegisterEntry, str]], now: datetime) -> DiscoveryResult:
    """Keep the register_candidates table in step: leads not in the registry are added or refreshed; a lead
    that is now listed, or no longer found, stays as a row with still_candidate = False. Raises
    PersonalDataFound, with nothing to commit, when the table would hold a personnummer."""
    listed = {o for o in session.exec(select(Organisation.orgnr)) if o}
    existing = {c.orgnr: c for c in session.exec(select(RegisterCandidate))}
    # The snapshot never stores a person's number; checked again here because this table is published.
    current = {
        entry.orgnr: (entry, reason)
        for entry, reason in found
        if entry.orgnr not in listed and not month_in_third_place(entry.orgnr.replace("-", ""))
    }
    for orgnr, (entry, reason) in current.items():
        row = existing.get(orgnr) or RegisterCandidate(
            orgnr=orgnr, name=entry.name, reason=reason, first_seen_at=now, last_seen_at=now
        )
        row.name, row.legal_form, row.kommun_code = entry.name, entry.legal_form, entry.kommun
        row.business_description, row.reason = entry.description, reason
        row.last_seen_at, row.still_candidate = now, True
        session.add(row)
    for orgnr, row in existing.items():
        if orgnr not in current and row.still_candidate:
            row.still_candidate = False
            session.add(row)
    session.flush()
    refuse_personal_data(session.connection(), tables=[RegisterCandidate.__tablename__])
    return DiscoveryResult(current, [orgnr for orgnr in current if orgnr not in existing])
