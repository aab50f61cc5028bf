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
from stdnum.se import personnummer

REDACTED_PERSONNUMMER = "[personnummer redacted]"


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


_SEPARATORS = re.compile(r"[\s\-+]")


def parse_orgnr(raw: str | None) -> ParsedOrgnr:
    text = (raw or "").strip()
    if not text:
        return ParsedOrgnr(OrgnrStatus.MISSING, None, None)
    digits = _SEPARATORS.sub("", text)
    if not digits.isdigit():
        return ParsedOrgnr(OrgnrStatus.INVALID, None, text)
    if len(digits) == 12:
        if digits.startswith("16"):
            digits = digits[2:]
        elif personnummer.is_valid(digits):
            return ParsedOrgnr(OrgnrStatus.PERSONNUMMER, None, REDACTED_PERSONNUMMER)
        else:
            return ParsedOrgnr(OrgnrStatus.INVALID, None, text)
    if len(digits) != 10:
        return ParsedOrgnr(OrgnrStatus.INVALID, None, text)
    if int(digits[2]) < 2:
        # The third digit of a personnummer is a month (0 or 1). Whether or not the date or the check digit
        # is right, such a number may identify a person, so it is never kept in clear.
        return ParsedOrgnr(OrgnrStatus.PERSONNUMMER, None, REDACTED_PERSONNUMMER)
    if not luhn.is_valid(digits):
        return ParsedOrgnr(OrgnrStatus.INVALID, None, text)
    return ParsedOrgnr(OrgnrStatus.VALID, f"{digits[:6]}-{digits[6:]}", text)


_PERSONNUMMER_LIKE = re.compile(r"(?<!\d)(?:19|20)?\d{2}[01]\d[0-3]\d[-+\s]?\d{4}(?!\d)")


def contains_personnummer(text: str | None) -> bool:
    """True where a text holds something that validates as a personnummer (used to scan published output)."""
    if not text:
        return False
    for match in _PERSONNUMMER_LIKE.finditer(text):
        digits = _SEPARATORS.sub("", match.group())
        if personnummer.is_valid(digits):
            return True
    return False
