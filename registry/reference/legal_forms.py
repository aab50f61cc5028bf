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

FORENING = "forening"
# The register's legal form of a Swedish branch of a foreign company, whose name carries the company's own form.
FILIAL = "filial"


@dataclass(frozen=True)
class LegalForm:
    # What the name declares, compared between the two sides (``same_legal_form``): 'ab', 'ek', 'if', 'st',
    # 'hb', the foreign form's own code ('ag', 'gmbh'...), or 'forening' for a word that says "an association"
    # without saying which kind.
    declared: str
    spellings: tuple[str, ...]
    # Short foreign forms ("AS", "AG", "Oy") are forms only as the name's last word; elsewhere they may be a
    # word of the name.
    only_last: bool = False
    # ... or its first: Latvian and Lithuanian companies write their form before the name ("SIA Baltic Timber").
    also_first: bool = False
    # "Förening" alone is a form at the start or the end of a name ("Föreningen Gemenskap", "Basta förening");
    # inside it, it is a word of the name ("Sociala Företagens Förening Väst").
    only_at_the_edges: bool = False


LEGAL_FORMS: tuple[LegalForm, ...] = (
    LegalForm("ek", (
        "ekonomisk forening", "ekonomiska foreningen", "ekonomisk foreningen", "ekonomiska forening",
        "ek forening", "ek foreningen", "ek for", "ek foren", "ek fore", "ek fo", "ekon for", "ekon forening",
        "ekonomisk for", "ekonomisk foren", "ekonomisk fore", "ekon foren", "ek fr", "ekforening", "ekforen",
        "ekfore", "ekfor", "ek f",
        "bostadsrattsforening", "bostadsrattsforeningen", "brf",
    )),
    LegalForm("ab", (
        "aktiebolag", "aktiebolaget", "ab", "publ", "ab publ", "svb", "ab svb",
    )),
    LegalForm("if", (
        "ideell forening", "ideella foreningen", "ideell foreningen", "ideella forening", "ideell for",
        "ideell foren", "id for", "id foren", "id forening", "ideel forening", "ideel foreningen", "ideel for",
    )),
    # "Basta förening", "Föreningen Gemenskap": an ekonomisk or an ideell förening, the name does not say.
    LegalForm(FORENING, ("forening", "foreningen", "foren"), only_at_the_edges=True),
    LegalForm("st", ("stiftelse", "stiftelsen", "insamlingsstiftelse", "insamlingsstiftelsen")),
    # A kommanditbolag is a kind of handelsbolag, and lists write "HB" for both.
    LegalForm("hb", ("handelsbolag", "handelsbolaget", "hb", "kommanditbolag", "kommanditbolaget", "kb")),
    LegalForm("ag", ("aktiengesellschaft", "ag"), only_last=True),
    LegalForm("gmbh", ("gmbh", "gesellschaft mit beschrankter haftung"), only_last=True),
    LegalForm("ltd", ("ltd", "limited", "plc", "llc"), only_last=True),
    LegalForm("inc", ("inc", "incorporated", "corp", "corporation"), only_last=True),
    LegalForm("oy", ("oy", "oyj", "oy ab", "oy abp", "abp"), only_last=True),
    # Norway's aksjeselskap (AS) and allmennaksjeselskap (ASA), Denmark's aktieselskab (A/S) and
    # anpartsselskab (ApS): a group's listed parent is "X ASA", its operating company "X AS".
    LegalForm("as", ("as", "a s"), only_last=True),
    LegalForm("asa", ("asa",), only_last=True),
    LegalForm("aps", ("aps",), only_last=True),
    # Other European forms of companies that Swedish lists carry: the Netherlands, Belgium, France, Italy,
    # Spain, Poland, Czechia and Slovakia, Estonia, Latvia, Lithuania, Iceland.
    LegalForm("bv", ("bv",), only_last=True),
    LegalForm("nv", ("nv",), only_last=True),
    LegalForm("sa", ("sa", "sas", "sarl"), only_last=True),
    LegalForm("srl", ("srl", "spa"), only_last=True),
    LegalForm("sl", ("sl",), only_last=True),
    LegalForm("spzoo", ("sp z o o", "sp zoo", "spzoo"), only_last=True),
    LegalForm("sro", ("s r o", "sro"), only_last=True),
    LegalForm("ou", ("ou",), only_last=True),
    LegalForm("sia", ("sia",), only_last=True, also_first=True),
    LegalForm("uab", ("uab",), only_last=True, also_first=True),
    LegalForm("ehf", ("ehf", "hf"), only_last=True),
)  # fmt: skip

# The Swedish forms an association may have, when its name says only "förening".
_ASSOCIATIONS = frozenset({"ek", "if"})


def same_legal_form(x: str, y: str) -> bool | None:
    """Whether two declared legal forms are one: True, False, or None when one side says only "förening"
    and the other an ekonomisk or ideell förening (it may be either), or one is the register's filial, whose
    name declares its foreign company's form."""
    if x == y:
        return True
    if FILIAL in (x, y):
        return None
    if FORENING in (x, y) and {x, y} - {FORENING} <= _ASSOCIATIONS:
        return None
    return False


# A Swedish branch of a foreign company ("Aurora Food Oyj, filial i Sverige", "Kestrel Software Ltd, UK
# filial") is that company, not a legal person of its own: the words that say so are removed, with the
# country word before "filial", so that the company's own form ends the name again.
# "NUF" is Norway's register entry for a foreign company's branch ("Hjälpsam Städ AB, NUF").
BRANCH_WORDS = frozenset({"filial", "filialen", "sverigefilial", "nuf"})
BRANCH_COUNTRIES = frozenset({
    "sverige", "svensk", "svenska", "uk", "norge", "norsk", "danmark", "dansk", "finland", "finsk", "tyskland",
    "tysk", "sweden", "swedish",
})  # fmt: skip


def without_branch(words: list[str]) -> list[str]:
    """``words`` without a trailing branch designation: 'x oyj filial i sverige' -> 'x oyj'."""
    end = len(words)
    if end >= 3 and words[end - 2] == "i" and words[end - 1] in BRANCH_COUNTRIES:
        end -= 2  # "filial i Sverige"
    if end < 2 or words[end - 1] not in BRANCH_WORDS:
        return words
    end -= 1
    if end >= 2 and words[end - 1] in BRANCH_COUNTRIES:
        end -= 1  # "UK filial", "svensk filial"
    return words[:end]


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
