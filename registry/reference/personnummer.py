"""Personal identity numbers in any written form: the one detector used wherever data enters or leaves.

A *personnummer* is a date of birth and four digits (the last a Luhn check digit); a *samordningsnummer*
(coordination number, for people not registered in Sweden) is the same with 60 added to the day. Both
identify a private person: they are personal data that this project never stores or publishes, and a sole
trader's organisationsnummer is one. People write them in many ways: 10 or 12 digits, with or without the
century, with ``-`` or ``+`` (aged 100 or more), a space, an en or em dash, spaces around the separator, or
nothing between the parts, inside any text. All of these are found.

What tells them apart from an organisationsnummer is the date: a legal person's number has 2 or more as its
third digit, where a person's has a month (0 or 1), so a valid organisationsnummer never validates as a date.
The date and check digit are validated with python-stdnum; a number whose date or check digit is wrong is not
flagged here (``registry.reference.orgnr`` is stricter for the orgnr field itself, where any month-like number is
treated as personal).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum import luhn
from stdnum.exceptions import ValidationError
from stdnum.se import personnummer as stdnum_personnummer

REDACTED_PERSONNUMMER = "[personnummer redacted]"

# Spaces as people and word processors write them (no-break, thin, figure space) and every dash-like sign.
SPACES = " \t\u00a0\u2007\u2009\u202f"
DASHES = "-+\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_CANDIDATE = re.compile(rf"(?<!\d)(\d{{8}}|\d{{6}})[{SPACES}]*([{re.escape(DASHES)}]?)[{SPACES}]*(\d{{4}})(?!\d)")
_SAMORDNING_DAY_OFFSET = 60


def _valid_date(year: int, month: int, day: int) -> bool:
    # stdnum validates the date of a 12-digit number (its century given): no century guessing involved.
    try:
        stdnum_personnummer.get_birth_date(f"{year:04d}{month:02d}{day:02d}-0000")
    except ValidationError:
        return False
    return True


def is_personal_number(date_part: str, serial: str, plus: bool = False) -> bool:
    """Whether a date part (``YYMMDD`` or ``YYYYMMDD``) and a serial (``NNNN``) form a valid personnummer or
    samordningsnummer. Without a century both are tried (the date may be valid in only one of them, 29
    February), and a ``+`` means a century earlier: nothing that could be a person is missed."""
    ten = date_part[-6:] + serial
    if len(ten) != 10 or not ten.isdigit() or not luhn.is_valid(ten):
        return False
    month, day = int(ten[2:4]), int(ten[4:6])
    if day > _SAMORDNING_DAY_OFFSET:
        day -= _SAMORDNING_DAY_OFFSET
    if len(date_part) == 8:
        centuries = [int(date_part[:2])]
        if centuries[0] not in (18, 19, 20):
            return False
    else:
        centuries = [18, 19] if plus else [19, 20]
    yy = int(ten[:2])
    return any(_valid_date(century * 100 + yy, month, day) for century in centuries)


def _matches(text: str) -> Iterator[re.Match[str]]:
    for match in _CANDIDATE.finditer(text):
        date_part, separator, serial = match.groups()
        if is_personal_number(date_part, serial, plus=separator == "+"):
            yield match


def contains_personnummer(text: str | None) -> bool:
    """True where a text holds a personnummer or samordningsnummer in any written form."""
    if not text:
        return False
    return next(_matches(text), None) is not None


def redact_personnummer(text: str, marker: str = REDACTED_PERSONNUMMER) -> str:
    """The text with every personnummer and samordningsnummer in it replaced by ``marker``."""
    if not text:
        return text
    pieces: list[str] = []
    end = 0
    for match in _matches(text):
        pieces += [text[end : match.start()], marker]
        end = match.end()
    return "".join(pieces) + text[end:] if pieces else text


def is_personnummer(written: str | None) -> bool:
    """Whether a whole value (an identity field, an orgnr as written) is one personnummer or samordningsnummer."""
    if not written:
        return False
    match = _CANDIDATE.fullmatch(written.strip())
    return match is not None and is_personal_number(match[1], match[3], plus=match[2] == "+")
