"""Legal forms as organisation names write them: Swedish forms in every spelling lists and the register use,
and the foreign forms of companies that Swedish lists carry. Data, read by registry/reference/names.py.

Each spelling is written folded (lower case, no diacritics) as the words it splits into: "ek. för." is
``ek for``, "A/S" is ``a s``. The form a name declares matters: "Stolior ek. för." and "Stolior AB" are two
legal persons; a form word that is misspelt ("föening", "Aktibolag") is still a form word, which the typo
tolerance in ``form_word`` finds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rapidfuzz.distance import OSA


@dataclass(frozen=True)
class LegalForm:
    # What the name declares, compared between the two sides: 'ab', 'ek', 'if', 'st', 'hb', or the foreign
    # form's own code ('ag', 'gmbh'...); None for a word that says "an association" without saying which kind.
    declared: str | None
    spellings: tuple[str, ...]
    # Short foreign forms ("AS", "AG", "Oy") are forms only as the name's last word; elsewhere they may be a
    # word of the name.
    only_last: bool = False


LEGAL_FORMS: tuple[LegalForm, ...] = (
    LegalForm("ek", (
        "ekonomisk forening", "ekonomiska foreningen", "ekonomisk foreningen", "ekonomiska forening",
        "ek forening", "ek foreningen", "ek for", "ek foren", "ek fore", "ek fo", "ekon for", "ekon forening",
        "ekonomisk for", "ekforening", "ekforen", "ekfore", "ekfor", "ek f",
        "bostadsrattsforening", "bostadsrattsforeningen", "brf",
    )),
    LegalForm("ab", (
        "aktiebolag", "aktiebolaget", "ab", "publ", "ab publ", "svb", "ab svb",
    )),
    LegalForm("if", (
        "ideell forening", "ideella foreningen", "ideell foreningen", "ideella forening", "ideell for",
        "ideell foren",
    )),
    # "Basta förening", "Föreningen Gemenskap": an ekonomisk or an ideell förening, the name does not say.
    LegalForm(None, ("forening", "foreningen")),
    LegalForm("st", ("stiftelse", "stiftelsen", "insamlingsstiftelse", "insamlingsstiftelsen")),
    # A kommanditbolag is a kind of handelsbolag, and lists write "HB" for both.
    LegalForm("hb", ("handelsbolag", "handelsbolaget", "hb", "kommanditbolag", "kommanditbolaget", "kb")),
    LegalForm("ag", ("aktiengesellschaft", "ag"), only_last=True),
    LegalForm("gmbh", ("gmbh", "gesellschaft mit beschrankter haftung"), only_last=True),
    LegalForm("ltd", ("ltd", "limited", "plc", "llc"), only_last=True),
    LegalForm("inc", ("inc", "incorporated", "corp", "corporation"), only_last=True),
    LegalForm("oy", ("oy", "oyj", "oy ab", "oy abp", "abp"), only_last=True),
    LegalForm("as", ("as", "a s", "asa", "aps"), only_last=True),
)  # fmt: skip


@cache
def spellings() -> dict[tuple[str, ...], LegalForm]:
    """Every spelling as its words -> its form."""
    return {tuple(spelling.split()): form for form in LEGAL_FORMS for spelling in form.spellings}


@cache
def longest_spelling() -> int:
    return max(len(words) for words in spellings())


# The long words of the spelled-out forms, to which a misspelt word is corrected.
FORM_WORDS = tuple(
    sorted({word for form in LEGAL_FORMS for s in form.spellings for word in s.split() if len(word) >= 7})
)


@cache
def form_word(word: str) -> str | None:
    """The form word that ``word`` is, allowing one typo (a letter missing, added, changed, or two swapped:
    'foening', 'ofrening', 'aktibolag', 'ekonomsik'); two in words of twelve letters or more. None when it is
    not one."""
    if len(word) < 7 or not word.isalpha():
        return None
    for known in FORM_WORDS:
        allowed = 2 if len(known) >= 12 else 1
        if abs(len(known) - len(word)) <= allowed and OSA.distance(word, known, score_cutoff=allowed) <= allowed:
            return known
    return None
