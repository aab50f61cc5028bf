"""An organisation's published values, and for each value where it comes from (per-value provenance).

Source fields come from the most trusted source that has a value; register fields from the company register
entry it was matched to; kommun and län from the registered address, else a source's town; activity areas
are derived from all of these.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from registry.ingest.records import SourceRecord
from registry.reference.activity_areas import classify_organisation
from registry.reference.geography import find_kommun
from registry.register.enrichment import RegisterMatch
from registry.store.columns import ORGANISATIONS, FilledFrom

REGISTER_SOURCE = "bolagsverket"
SCB_SOURCE = "scb"
# A value computed from other values (activity areas from descriptions and SNI codes).
DERIVED_SOURCE = "derived"

# Where each published value comes from is declared with the column (registry/store/columns.py).
SOURCE_FIELDS = ORGANISATIONS.names(filled_from=FilledFrom.SOURCE)
# What the register says about the organisation, and how the match was made.
REGISTER_FACTS = ORGANISATIONS.names(filled_from=FilledFrom.REGISTER)
REGISTER_FIELDS = (*REGISTER_FACTS, *ORGANISATIONS.names(filled_from=FilledFrom.REGISTER_MATCH))
# Fields that say something about the organisation (provenance is kept for these, not for bookkeeping).
PROVENANCE_FIELDS = tuple(c.name for c in ORGANISATIONS if c.filled_from.has_provenance)


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
class Origin:
    """Who said a value: a source and its record key, the register and the orgnr, or 'derived'."""

    source: str
    source_key: str | None = None


@dataclass(frozen=True)
class OrganisationValues:
    values: dict[str, object]
    origins: dict[str, Origin]


def organisation_values(
    members: Sequence[SourceRecord], trust: Mapping[str, SourceTrust], match: RegisterMatch | None = None
) -> OrganisationValues:
    values: dict[str, object] = {}
    origins: dict[str, Origin] = {}
    ranked = sorted(members, key=lambda r: (trust.get(r.source, SourceTrust()).priority, r.source, r.source_key))
    for name in SOURCE_FIELDS:
        record = next((r for r in ranked if getattr(r, name)), None)
        values[name] = getattr(record, name) if record else None
        if record:
            origins[name] = Origin(record.source, record.source_key)
    sources = sorted({r.source for r in members})
    values.update(sources=",".join(sources), source_count=len(sources), evidence=evidence(set(sources), trust))
    _add_register(values, origins, match)
    _add_place(values, origins, ranked, match)
    categories = ", ".join(sorted({r.categories for r in members if r.categories}))
    areas = classify_organisation(
        name=str(values["name"] or ""),
        activity=" ".join(sorted({r.activity for r in members if r.activity})) or None,
        categories=categories or None,
        business_description=values.get("business_description"),  # type: ignore[arg-type]
        sni_codes=values.get("sni_codes"),  # type: ignore[arg-type]
    )
    values["activity_areas"] = ",".join(areas.areas) or None
    values["cpv_divisions"] = ",".join(areas.cpv_divisions) or None
    if areas.areas:
        origins["activity_areas"] = origins["cpv_divisions"] = Origin(DERIVED_SOURCE)
    return OrganisationValues(values, origins)


def _add_register(values: dict[str, object], origins: dict[str, Origin], match: RegisterMatch | None) -> None:
    values.update(dict.fromkeys(REGISTER_FIELDS))
    entry = match.entry if match else None
    if match is None or entry is None:
        return
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
    register = Origin(REGISTER_SOURCE, entry.orgnr)
    for name in REGISTER_FACTS:
        if values[name] is not None:
            origins[name] = Origin(SCB_SOURCE, entry.orgnr) if name == "sni_codes" else register
    if not values.get("orgnr"):
        values["orgnr"] = entry.orgnr
        origins["orgnr"] = register


def _add_place(
    values: dict[str, object],
    origins: dict[str, Origin],
    ranked: Sequence[SourceRecord],
    match: RegisterMatch | None,
) -> None:
    """The registered address says where the legal person is; a source's town is the fallback."""
    entry = match.entry if match else None
    kommun = find_kommun(entry.postort) if entry and entry.postort else None
    origin = Origin(REGISTER_SOURCE, entry.orgnr) if kommun and entry else None
    if kommun is None:
        for record in ranked:
            kommun = find_kommun(record.municipality) if record.municipality else None
            if kommun:
                origin = Origin(record.source, record.source_key)
                break
    values.update(
        kommun_code=kommun.code if kommun else None,
        kommun_name=kommun.name if kommun else None,
        lan_code=kommun.lan_code if kommun else None,
        lan_name=kommun.lan_name if kommun else None,
    )
    if origin:
        for name in ("kommun_code", "kommun_name", "lan_code", "lan_name"):
            origins[name] = origin
