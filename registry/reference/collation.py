"""Swedish alphabetical order, for every list an official reads (find, show, exports, the report).

Å, Ä and Ö are letters of their own after Z: folding them to A, A, O would sort Örebro among the O's. Other
accented letters sort with their base letter (É with E, Ü with Y as Swedish dictionaries do)."""

from __future__ import annotations

import unicodedata

_SWEDISH_LAST = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}", "ü": "y"})


def swedish_sort_key(text: str | None) -> str:
    """A key that sorts text in Swedish order, case ignored; no text sorts last."""
    if not text:
        return "\U0010ffff"
    translated = text.casefold().translate(_SWEDISH_LAST)
    decomposed = unicodedata.normalize("NFKD", translated)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
