"""Typed source records and the validation that sends bad ones to quarantine."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime

from registry.reference.normalize import clean_display
from registry.reference.orgnr import OrgnrStatus, parse_orgnr
from registry.reference.personnummer import contains_personnummer, redact_personnummer

# A record's identity across runs: (source, the source's own key).
RecordKey = tuple[str, str]


@dataclass(frozen=True)
class SourceRecord:
    """One organisation as one source lists it. Organisation-level data only: no names of private persons."""

    source: str
    # The source's own key, from raw fields (an id, a slug, the name as written), never from cleaned values,
    # so that a change in our normalisation never changes which record is which.
    source_key: str
    name: str
    fetched_at: datetime
    orgnr_as_written: str | None = None
    municipality: str | None = None
    address: str | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    activity: str | None = None
    # The source's own categories or marks, comma-separated ("certifierat ASF", "Catering").
    categories: str | None = None
    source_url: str | None = None
    # Derived by validation from orgnr_as_written.
    orgnr: str | None = None
    orgnr_status: OrgnrStatus = OrgnrStatus.MISSING

    @property
    def key(self) -> RecordKey:
        return (self.source, self.source_key)

    def as_row(self) -> dict[str, object]:
        return asdict(self)


# The values of a record stored as they are (the source_records table has a column of the same name for each);
# the key is stored as it is too, and the orgnr status by its value.
RECORD_FIELDS = tuple(f.name for f in fields(SourceRecord) if f.name not in ("source", "source_key", "orgnr_status"))


@dataclass(frozen=True)
class QuarantinedRecord:
    source: str
    source_key: str | None
    reason: str
    raw: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class ValidatedBatch:
    records: list[SourceRecord]
    quarantined: list[QuarantinedRecord]


_LETTER = re.compile(r"[^\W\d_]")
_MARKUP = re.compile(r"<[^>]+>|&[a-z]+;|\{\{|\}\}")
MAX_NAME_LENGTH = 300
# A personnummer in one of these removes the whole value, not just the number: the words around a person's number
# are about that person ("Kontakt: Anna Andersson, 811218-9876"), and names of private persons are not kept.
_REDACTABLE_FIELDS = ("municipality", "address", "website", "email", "phone", "activity", "categories", "source_url")


def _name_problem(name: str | None) -> str | None:
    if not name:
        return "missing name"
    if len(name) > MAX_NAME_LENGTH:
        return f"name longer than {MAX_NAME_LENGTH} characters"
    if len(_LETTER.findall(name)) < 2:
        return "name has no letters"
    if _MARKUP.search(name):
        return "name contains markup"
    return None


def _quarantined(source: str, source_key: str | None, reason: str, raw: dict[str, object]) -> QuarantinedRecord:
    """A quarantine row that holds no personal number, whatever the branch that holds the record back: the
    quarantine is published, so one number in it (a sole trader's page address, ``/foretag/8112189876``) would
    trip the last-line check and block every night. A value of ``_REDACTABLE_FIELDS`` holding one is removed
    whole, as from an accepted record (the words around it, a slug like ``anna-andersson-8112189876``, are about
    the person); any other text has the number cut out."""

    def kept(name: str, value: object) -> object:
        if not isinstance(value, str) or not contains_personnummer(value):
            return value
        return None if name in _REDACTABLE_FIELDS else redact_personnummer(value)

    return QuarantinedRecord(
        source,
        redact_personnummer(source_key) if source_key else source_key,
        redact_personnummer(reason),
        {name: kept(name, value) for name, value in raw.items()},
    )


def validate(records: Iterable[SourceRecord]) -> ValidatedBatch:
    """Clean what is safe to clean, parse the organisationsnummer, and quarantine what cannot be used.

    An invalid organisationsnummer is kept as written and flagged, never "fixed". Personal data is not kept: a
    sole trader (orgnr is a personnummer) or a record with a personnummer in its name or key is quarantined
    without its fields; a personnummer in any other field removes that field's value.
    """
    accepted: list[SourceRecord] = []
    quarantined: list[QuarantinedRecord] = []
    seen_keys: set[RecordKey] = set()
    for record in records:
        parsed = parse_orgnr(record.orgnr_as_written)
        cleaned = replace(
            record,
            name=clean_display(record.name) or "",
            orgnr_as_written=parsed.as_written,
            orgnr=parsed.value,
            orgnr_status=parsed.status,
            municipality=clean_display(record.municipality),
            address=clean_display(record.address),
            website=clean_display(record.website),
            email=clean_display(record.email),
            phone=clean_display(record.phone),
            activity=clean_display(record.activity),
            categories=clean_display(record.categories),
        )
        problem = _name_problem(cleaned.name)
        identity_with_pnr = [n for n in ("name", "source_key") if contains_personnummer(getattr(cleaned, n))]
        if identity_with_pnr and parsed.status is not OrgnrStatus.PERSONNUMMER:
            # A personnummer in the name or the source's key: the record is about a person. Nothing of it is kept.
            quarantined.append(
                _quarantined(
                    record.source,
                    None,
                    f"a personnummer in {' and '.join(identity_with_pnr)}: personal data is not kept",
                    {"source_url": record.source_url},
                )
            )
            continue
        # A personnummer in any other field (a contact person's, written in a description) is removed from it.
        cleaned = replace(
            cleaned,
            **{n: None for n in _REDACTABLE_FIELDS if contains_personnummer(getattr(cleaned, n))},  # type: ignore[arg-type]
        )
        if parsed.status is OrgnrStatus.PERSONNUMMER:
            # A sole trader: the number is a personnummer and the name is usually a private person's.
            # Neither is kept; the quarantine row says only where the record came from.
            quarantined.append(
                _quarantined(
                    record.source,
                    None,
                    "organisationsnummer is a personnummer (sole trader): personal data is not kept",
                    {"source_url": record.source_url},
                )
            )
            continue
        if problem is None and not cleaned.source_key:
            problem = "missing source key"
        if problem is None and cleaned.key in seen_keys:
            problem = f"duplicate source key {cleaned.source_key!r}"
        if problem is not None:
            raw = {k: v for k, v in cleaned.as_row().items() if k not in ("fetched_at", "orgnr_status")}
            quarantined.append(_quarantined(record.source, record.source_key or None, problem, raw))
            continue
        seen_keys.add(cleaned.key)
        accepted.append(cleaned)
    return ValidatedBatch(accepted, quarantined)
