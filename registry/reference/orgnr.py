"""Organisationsnummer parsing.

A source may write the same number as ``769000-0000``, ``7690000000``, ``16769000-0000`` or with spaces.
A sole trader's number is a personnummer: personal data that must never be published, so it is
recognised and redacted rather than carried along as an identifier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from stdnum import luhn

from registry.reference.personnummer import (
    REDACTED_PERSONNUMMER,
    SEPARATORS,
    SPACES,
    contains_personnummer,
    is_personal_number,
    number_view,
)


class OrgnrStatus(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    PERSONNUMMER = "personnummer"
    MISSING = "missing"


@dataclass(frozen=True)
class ParsedOrgnr:
    status: OrgnrStatus
    # Canonical ``NNNNNN-NNNN`` for a valid legal person's number, otherwise None.
    value: str | None
    # What the source wrote, safe to store: a personnummer is replaced by a redaction marker.
    as_written: str | None


# The separators the personal-number detector knows: the two must agree on what is one number.
_SEPARATORS = re.compile(f"[\\s{re.escape(SEPARATORS)}{SPACES}]")


def month_in_third_place(digits: str) -> bool:
    """Whether a 10-digit number has a month (0 or 1) where a legal person's number has 2 or more. Whether or
    not its date or check digit is right, such a number may identify a person: it is never kept in clear."""
    return digits[2] in "01"


def parse_orgnr(raw: str | None) -> ParsedOrgnr:
    text = (raw or "").strip()
    if not text:
        return ParsedOrgnr(OrgnrStatus.MISSING, None, None)
    if contains_personnummer(text):
        # Also a number inside other words ("pnr 811218-9876"), which would otherwise be kept as written.
        return ParsedOrgnr(OrgnrStatus.PERSONNUMMER, None, REDACTED_PERSONNUMMER)
    # Read as a person reads it (no invisible characters, fullwidth or other digits as ASCII), as the detector
    # does: a month in third place written so is still never kept in clear.
    digits = _SEPARATORS.sub("", number_view(text))
    if not (digits.isascii() and digits.isdigit()):  # "²" is a digit to isdigit, but no digit of a number
        return ParsedOrgnr(OrgnrStatus.INVALID, None, text)
    if len(digits) == 12:
        if digits.startswith("16"):
            digits = digits[2:]
        elif is_personal_number(digits[:8], digits[8:]) or (digits[:2] in ("18", "19", "20") and digits[4] in "01"):
            # A century and a month: a person's number, even with a wrong check digit. Never kept in clear.
            return ParsedOrgnr(OrgnrStatus.PERSONNUMMER, None, REDACTED_PERSONNUMMER)
        else:
            return ParsedOrgnr(OrgnrStatus.INVALID, None, text)
    if len(digits) != 10:
        return ParsedOrgnr(OrgnrStatus.INVALID, None, text)
    if month_in_third_place(digits):
        return ParsedOrgnr(OrgnrStatus.PERSONNUMMER, None, REDACTED_PERSONNUMMER)
    if not luhn.is_valid(digits):
        return ParsedOrgnr(OrgnrStatus.INVALID, None, text)
    return ParsedOrgnr(OrgnrStatus.VALID, f"{digits[:6]}-{digits[6:]}", text)
