"""Personal identity numbers in any written form: the one detector used wherever data enters or leaves.

A *personnummer* is a date of birth and four digits (the last a Luhn check digit); a *samordningsnummer*
(coordination number, for people not registered in Sweden) is the same with 60 added to the day. Both
identify a private person: they are personal data that this project never stores or publishes, and a sole
trader's organisationsnummer is one. People write them in many ways: 10 or 12 digits, with or without the
century, with ``-`` or ``+`` (aged 100 or more), a space, any dash, ``.``, ``/`` or ``_``, spaces around the
separator, or nothing between the parts, inside any text. All of these are found, and also what a reader sees
as one of them but a program does not:

- invisible format characters (Unicode category Cf: soft hyphen, zero-width space, word joiner, byte order
  mark...) anywhere in the number, as or around its separator;
- digits of another script or width (fullwidth ``８１１２１８``, Arabic-Indic, Devanagari: any Unicode decimal
  digit) and compatibility forms of the signs (a fullwidth ``－``, an ideographic space);
- a number percent-encoded in a URL (``811218%2D9876``, ``%EF%BC%98...``).

The text is searched in a *view* where all of these are written plainly (format characters dropped, every
decimal digit as its ASCII digit, signs NFKC-normalised, percent escapes decoded), and every character of the
view remembers where it came from, so that redaction removes exactly the original characters of the number.

What tells them apart from an organisationsnummer is the date: a legal person's number has 2 or more as its
third digit, where a person's has a month (0 or 1), so a valid organisationsnummer never validates as a date.
The date and check digit are validated with python-stdnum; a number whose date or check digit is wrong is not
flagged here (``registry.reference.orgnr`` is stricter for the orgnr field itself, where any month-like number is
treated as personal).
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator

from stdnum import luhn
from stdnum.exceptions import ValidationError
from stdnum.se import personnummer as stdnum_personnummer

REDACTED_PERSONNUMMER = "[personnummer redacted]"

# Spaces as people and word processors write them (no-break, thin, figure space); the view writes most other
# spaces (ideographic, en quad...) as a plain one.
SPACES = " \t\u00a0\u2007\u2009\u202f"
# Every dash (Unicode category Pd, as of Unicode 14; a test checks the running Python's list), the plus of a
# person aged 100 or more and the minus sign.
DASHES = (
    "-+\u2212\u058a\u05be\u1400\u1806\u2010\u2011\u2012\u2013\u2014\u2015\u2e17\u2e1a\u2e3a\u2e3b\u2e40\u2e5d"
    "\u301c\u3030\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d\U00010ead"
)
# Other signs people put between the date and the serial: a full stop, a slash (also the fraction and division
# slashes), and the underscore that stands for a space in file names and URLs.
OTHER_SEPARATORS = "./_\u2044\u2215"
SEPARATORS = DASHES + OTHER_SEPARATORS
_CANDIDATE = re.compile(rf"(?<!\d)(\d{{8}}|\d{{6}})[{SPACES}]*([{re.escape(SEPARATORS)}]?)[{SPACES}]*(\d{{4}})(?!\d)")
_SAMORDNING_DAY_OFFSET = 60
_PERCENT_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
# Any decimal digit of any script: a text with fewer than ten holds no number (the view adds none, except by
# decoding percent escapes), and most values (names, addresses) have fewer, so they are not looked at further.
_DIGIT = re.compile(r"\d")
_DIGITS_IN_A_NUMBER = 10
# The bytes ``surrogateescape`` gives for what is not UTF-8 (``%FF``): those escapes stay as written.
_UNDECODABLE = range(0xDC80, 0xDD00)


class _View(dict[int, str | None]):
    """How each character is written in the view, for ``str.translate``: computed on first sight, then cached
    (a text rarely holds more than a few hundred distinct characters)."""

    def __missing__(self, codepoint: int) -> str | None:
        char = chr(codepoint)
        written: str | None
        if unicodedata.category(char) == "Cf":
            written = None  # invisible: a reader does not see it, so neither does the detector
        elif char.isdecimal():
            written = str(unicodedata.decimal(char))
        else:
            written = unicodedata.normalize("NFKC", char)
            if any(c.isdecimal() for c in written):
                # A superscript or circled digit (not a decimal digit) read as a digit would join the text
                # around a number to it, and hide the number: it stays as written.
                written = char
        self[codepoint] = written
        return written


_VIEW = _View()
# Where each character of a view came from: its span in the original text.
_Origins = list[tuple[int, int]]


def number_view(text: str) -> str:
    """The text as the detector reads it: format characters dropped, every decimal digit as its ASCII digit,
    signs and spaces in their plain (NFKC) form. For parsing a number field as a reader sees it."""
    # ASCII needs none of this (no format characters, no other digits, NFKC leaves it as it is).
    return text if text.isascii() else text.translate(_VIEW)


def _view_with_origins(text: str, origins: _Origins) -> tuple[str, _Origins]:
    pieces: list[str] = []
    mapped: _Origins = []
    for char, origin in zip(text, origins, strict=True):
        written = char if char.isascii() else _VIEW[ord(char)]
        if written:
            pieces.append(written)
            mapped += [origin] * len(written)
    return "".join(pieces), mapped


def _percent_decoded(text: str) -> tuple[str, _Origins]:
    """``text`` with its percent escapes decoded as UTF-8, and where each character came from."""
    pieces: list[str] = []
    origins: _Origins = []
    end = 0
    for run in _PERCENT_ESCAPES.finditer(text):
        pieces.append(text[end : run.start()])
        origins += [(i, i + 1) for i in range(end, run.start())]
        at = run.start()
        for char in bytes.fromhex(run[0].replace("%", "")).decode("utf-8", "surrogateescape"):
            if ord(char) in _UNDECODABLE:
                pieces.append(text[at : at + 3])
                origins += [(i, i + 1) for i in range(at, at + 3)]
                at += 3
            else:  # one character from its one to four escapes
                width = 3 * len(char.encode("utf-8"))
                pieces.append(char)
                origins.append((at, at + width))
                at += width
        end = run.end()
    pieces.append(text[end:])
    origins += [(i, i + 1) for i in range(end, len(text))]
    return "".join(pieces), origins


def _valid_date(year: int, month: int, day: int) -> bool:
    # stdnum validates the date of a 12-digit number (its century given): no century guessing involved.
    try:
        stdnum_personnummer.get_birth_date(f"{year:04d}{month:02d}{day:02d}-0000")
    except ValidationError:
        return False
    return True


def is_personal_number(date_part: str, serial: str, plus: bool = False) -> bool:
    """Whether a date part (``YYMMDD`` or ``YYYYMMDD``) and a serial (``NNNN``), in ASCII digits, form a valid
    personnummer or samordningsnummer. Without a century both are tried (the date may be valid in only one of
    them, 29 February), and a ``+`` means a century earlier: nothing that could be a person is missed."""
    ten = date_part[-6:] + serial
    if len(ten) != 10 or not (ten.isascii() and ten.isdigit()) or not luhn.is_valid(ten):
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


def _is_number(match: re.Match[str]) -> bool:
    date_part, separator, serial = match.groups()
    return is_personal_number(date_part, serial, plus=separator == "+")


def _views(text: str) -> Iterator[str]:
    """The views a number is looked for in: the text, and with its percent escapes decoded. Both, because an
    escape may also swallow a digit of a number written plainly (``100%35...``)."""
    yield number_view(text)
    if "%" in text:
        yield number_view(_percent_decoded(text)[0])


def _spans(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` that hold a personal number, merged where they overlap."""
    spans: list[tuple[int, int]] = []
    plain = [(i, i + 1) for i in range(len(text))]
    for decoded, origins in [(text, plain), *([_percent_decoded(text)] if "%" in text else [])]:
        view, mapped = _view_with_origins(decoded, origins)
        spans += [(mapped[m.start()][0], mapped[m.end() - 1][1]) for m in _CANDIDATE.finditer(view) if _is_number(m)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def contains_personnummer(text: str | None) -> bool:
    """True where a text holds a personnummer or samordningsnummer in any written form."""
    if not text or ("%" not in text and len(_DIGIT.findall(text)) < _DIGITS_IN_A_NUMBER):
        return False
    return any(_is_number(m) for view in _views(text) for m in _CANDIDATE.finditer(view))


def redact_personnummer(text: str, marker: str = REDACTED_PERSONNUMMER) -> str:
    """The text with every personnummer and samordningsnummer in it replaced by ``marker``: all the characters
    it was written with (invisible ones inside it too), and nothing around it."""
    if not contains_personnummer(text):  # the common case, without building a map of the text
        return text
    pieces: list[str] = []
    end = 0
    for start, stop in _spans(text):
        pieces += [text[end:start], marker]
        end = stop
    return "".join(pieces) + text[end:]


def is_personnummer(written: str | None) -> bool:
    """Whether a whole value (an identity field, an orgnr as written) is one personnummer or samordningsnummer."""
    if not written:
        return False
    match = _CANDIDATE.fullmatch(number_view(written).strip())
    return match is not None and _is_number(match)


def shown_location(location: str | os.PathLike[str]) -> str:
    """A path, file name or URL as it may be shown: in a log line, a parse warning, an error, event metadata.

    People name files after whom they are about ("Ansökan Anna 811218-9876.csv") and sites put numbers in
    their addresses (``/foretag/8112189876``): every place that shows where something came from shows it
    through here, so such a number is cut out, whichever form (also percent-encoded) it is written in."""
    return redact_personnummer(os.fspath(location))
