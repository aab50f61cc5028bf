"""Street addresses as sources and the register write them, reduced to what tells two places apart: the street
and the house number. "Storg. 12 B, 2 tr" and "Storgatan 12b" are one address; "Box 123" and "c/o ..." are
not street addresses (a box says nothing about where an organisation works, and c/o names a person).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from registry.reference.normalize import fold

# "Storg." -> "storgatan", "Kungsv." -> "kungsvagen": the abbreviations Swedish addresses use for the
# street's last word, written with a dot or not ("Storg 12").
_ABBREVIATED_ENDINGS = (("g", "gatan"), ("gt", "gatan"), ("v", "vagen"), ("vg", "vagen"), ("pl", "platsen"))
_SEGMENT = re.compile(r"^\s*([^\d,]*?[^\W\d_][^\d,]*?)\s+(\d+)\s*([a-z])?\b")
_NOT_A_STREET = re.compile(r"^\s*(?:box|c/o|co|pl|postbox|fack)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Street:
    # The street's words, abbreviations of the last one written out ("storgatan"; "vastra", "esplanaden").
    words: tuple[str, ...]
    number: str
    # The entrance letter ("12 B"), when written.
    letter: str = ""

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
    for segment in address.split(","):
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
        return Street(tuple(words), found.group(2), found.group(3) or "")
    return None


def _expanded(word: str) -> str:
    for ending, full in _ABBREVIATED_ENDINGS:
        if word.endswith(ending) and not word.endswith(full) and len(word) > len(ending) + 2:
            return word[: -len(ending)] + full
    return word
