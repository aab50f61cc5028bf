"""Street addresses as sources and the register write them, reduced to what tells two places apart: the street
and the house number, and the postcode or town where the address gives one. "Storg. 12 B, 2 tr" and
"Storgatan 12b" are one address, "Storgatan 12, 972 31 Luleå" and "Storgatan 12, 222 22 Lund" two; "Box 123"
and "c/o ..." are not street addresses (a box says nothing about where an organisation works, and c/o names a
person).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from registry.reference.geography import find_kommun
from registry.reference.normalize import fold

# "Storg." -> "storgatan", "Kungsv." -> "kungsvagen": the abbreviations Swedish addresses use for the
# street's last word, written with a dot or not ("Storg 12").
_ABBREVIATED_ENDINGS = (("g", "gatan"), ("gt", "gatan"), ("v", "vagen"), ("vg", "vagen"), ("pl", "platsen"))
_SEGMENT = re.compile(r"^\s*([^\d,]*?[^\W\d_][^\d,]*?)\s+(\d+)\s*([a-z])?\b")
_NOT_A_STREET = re.compile(r"^\s*(?:box|c/o|co|pl|postbox|fack)\b", re.IGNORECASE)
# "972 31 Luleå", "97231 LULEÅ", "SE-972 31": a Swedish postcode and the postal town after it.
_POSTCODE = re.compile(r"(?<!\d)(?:se-?\s?)?(\d{3})\s?(\d{2})(?!\d)\s*([^\W\d_][^\d,]*)?")


@dataclass(frozen=True)
class Street:
    # The street's words, abbreviations of the last one written out ("storgatan"; "vastra", "esplanaden").
    words: tuple[str, ...]
    number: str
    # The entrance letter ("12 B"), when written.
    letter: str = ""
    postcode: str = ""
    # The kommun code of the postal town or place written after the street, when it names one.
    kommun: str = ""

    @property
    def name(self) -> str:
        return "".join(self.words)

    def __str__(self) -> str:
        return f"{' '.join(self.words)} {self.number}{self.letter}"


def same_street(x: Street, y: Street) -> bool:
    """One address: the same number, the same entrance letter where both write one, and the same street,
    allowing one typo and an abbreviated word ("V. Esplanaden" / "Västra Esplanaden", "St. Södergatan" /
    "Stora Södergatan")."""
    if x.number != y.number or (x.letter and y.letter and x.letter != y.letter):
        return False
    if (x.postcode and y.postcode and x.postcode != y.postcode) or (x.kommun and y.kommun and x.kommun != y.kommun):
        return False  # the same street name in another town
    if x.name == y.name or (min(len(x.name), len(y.name)) >= 5 and OSA.distance(x.name, y.name) <= 1):
        return True
    return len(x.words) == len(y.words) and all(_same_word(a, b) for a, b in zip(x.words, y.words, strict=True))


def _same_word(a: str, b: str) -> bool:
    """Equal, or one an abbreviation of the other: its first letters ("V.", "St." for Stora) or a contraction
    ("St" for Sankt)."""
    short, long = sorted((a, b), key=len)
    if long.startswith(short):
        return True
    rest = iter(long[1:])
    return len(short) <= 3 and short[0] == long[0] and all(letter in rest for letter in short[1:])


def street(address: str | None) -> Street | None:
    """The street and house number of an address, or None when it holds no street address."""
    if not address:
        return None
    segments = address.split(",")
    for i, segment in enumerate(segments):
        if _NOT_A_STREET.match(segment):
            continue
        found = _SEGMENT.match(fold(segment))
        if found is None:
            continue
        words = re.findall(r"[^\W\d_]+", found.group(1))
        if not words:
            continue
        words[-1] = _expanded(words[-1])
        if words[:2] == ["s", "t"]:  # "S:t Eriksgatan" (also "St Eriksgatan", "Sankt Eriksgatan": see same_street)
            words = ["sankt", *words[2:]]
        postcode, kommun = _where(segments[i + 1 :], fold(segment)[found.end() :])
        return Street(tuple(words), found.group(2), found.group(3) or "", postcode, kommun)
    return None


def _where(after: list[str], rest_of_segment: str) -> tuple[str, str]:
    """The postcode and the kommun of the place written after a street ("972 31 Luleå", "Uppsala")."""
    postcode, kommun = "", ""
    for text in (rest_of_segment, *after):
        found = _POSTCODE.search(fold(text))
        if found:
            postcode = postcode or found.group(1) + found.group(2)
            text = found.group(3) or ""
        place = find_kommun(text.strip()) if text.strip() else None
        if place is not None and not kommun:
            kommun = place.code
    return postcode, kommun


def _expanded(word: str) -> str:
    for ending, full in _ABBREVIATED_ENDINGS:
        if word.endswith(ending) and not word.endswith(full) and len(word) > len(ending) + 2:
            return word[: -len(ending)] + full
    return word
