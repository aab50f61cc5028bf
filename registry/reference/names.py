"""An organisation name as it is compared: the words that say which organisation is meant, in their order,
and the legal form the name declares. Displayed names keep their spelling; this is for comparison only.

The steps, each a table or a rule of its own, run in this order because each needs the one before:
1. fold case and diacritics first, so that every later table is written once ("förening" = "forening");
2. split into words at punctuation, treating '&' and '+' as words; letters written one by one become one
   word in their order ("K.F.U.M." -> ``kfum``, never sorted into ``fkmu``);
3. abbreviations lists use ("Sthlm", "Gbg", "S:t", "Kafé");
4. legal forms (registry/reference/legal_forms.py), also misspelt, removed and the declared one kept;
5. words that say what kind of organisation it is but not which ("kooperativet", "arbetskooperativ"), the
   words around a place ("X kommun", "Region X", "X län", "Stockholms stad" -> "stockholm"), and prefixes
   lists add or drop ("Föreningen X", "Café X"), removed;
6. connectors ("och", "and", '&', '+') removed.
A step never removes the last word: "Aktiebolaget" alone stays a name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

from rapidfuzz.distance import OSA

from registry.reference.activity_areas import activity_words
from registry.reference.geography import lan_names, place_keys
from registry.reference.legal_forms import FORENING, form_word, longest_spelling, spellings, without_branch
from registry.reference.normalize import fold

_WORDS = re.compile(r"[&+]|[^\W_]+")
# A word written with a dot after it, not one letter of an initialism ("K.F.U.M."): an abbreviation.
_ABBREVIATED = re.compile(r"(?<![\w.])([^\W\d_]+)\.(?!\w\.)")
_ABBREVIATED_COMPOUND = re.compile(r"(?<![\w.])[^\W\d_]{2,}\.[^\W\d_]{2,}(?![\w.]*\.\w)")
# "S:t Eriks", "S:ta Clara": the colon would split them.
_SAINTS = re.compile(r"(?<!\w)s:(ta|t)(?!\w)")
# "Gbg:s Returmarknad", "KFUM:s": a genitive written after a colon is the word's genitive ("gbgs").
_COLON_GENITIVE = re.compile(r"(?<=\w):s(?!\w)")
# "2:a Chansen", "3:e Steget": an ordinal is its number.
_ORDINAL = re.compile(r"(?<=\d):[ae](?!\w)")

ABBREVIATIONS = {
    "sthlm": "stockholm",
    "sthlms": "stockholms",
    "gbg": "goteborg",
    "gbgs": "goteborgs",
    "st": "sankt",
    "kafe": "cafe",
    "kafeet": "cafe",
    "cafeet": "cafe",
    "koop": "kooperativ",
    "nr": "nummer",
}
# Numbers written as words, as digits: "Hus nio" is "Hus 9", "Andra Chansen" "2:a Chansen". Not "en", "ett"
# (also articles) or "sex".
NUMBER_WORDS = {
    "tva": "2", "tre": "3", "fyra": "4", "fem": "5", "sju": "7", "atta": "8", "nio": "9", "tio": "10",
    "elva": "11", "tolv": "12", "forsta": "1", "andra": "2", "tredje": "3", "fjarde": "4", "femte": "5",
}  # fmt: skip
# What a list adds to say that an organisation is an ASF ("Kalmar Hunddagis – arbetsintegrerande socialt
# företag"): it says what kind of enterprise, not which.
DESIGNATIONS = (
    ("arbetsintegrerande", "socialt", "foretag"), ("arbetsintegrerande", "sociala", "foretaget"),
    ("ett", "arbetsintegrerande", "socialt", "foretag"),
)  # fmt: skip
# Words that say what kind of organisation it is, not which one: lists add and drop them.
KIND_WORDS = frozenset({"kooperativ", "kooperativet", "kooperativen"})
_KIND_ENDINGS = ("kooperativet", "kooperativen", "kooperativ")
# Compounds that say no more than "a cooperative": "Arbetskooperativet", "Sociala kooperativet".
GENERIC_KINDS = frozenset({"", "arbets", "arbetets", "social", "sociala", "socialt"})
# Words lists put before the name ("Föreningen Gemenskap", "Café Macken") that the register or another list
# leaves out.
PREFIXES = frozenset({"cafe"})
CONNECTORS = frozenset({"och", "and", "&", "+"})
_BEFORE_PLACE = frozenset({"region", "regionen", "landstinget", "landsting"})
_AFTER_PLACE = frozenset({"kommun", "kommuns", "stad", "stads", "lan", "lans", "landsting", "landstinget"})
_PLACE_KIND = {word: "kommun" for word in ("kommun", "kommuns", "stad", "stads")} | {
    word: "region" for word in ("region", "regionen", "landsting", "landstinget", "lan", "lans")
}


@dataclass(frozen=True)
class ComparedName:
    # The name's distinctive words in their order, space-separated.
    words: str
    # The legal form the name declares ('ab', 'ek', 'if', 'st', 'hb', 'forening', a foreign form, or 'kommun'
    # or 'region' for a name that is only a place and the kind of place), or None.
    legal_form: str | None
    # Words written as abbreviations, with a dot ("Skand.", "V.", "Intl."): they stand for a longer word.
    abbreviations: frozenset[str] = frozenset()
    # The rests of cooperative compounds ("tradgards" of "Trädgårdskooperativet"): what kind of cooperative.
    kind_compounds: frozenset[str] = frozenset()


@lru_cache(maxsize=1 << 16)
def compared_name(name: str, folding: Callable[[str], str] = fold) -> ComparedName:
    text = _SAINTS.sub(lambda m: " sankta " if m.group(1) == "ta" else " sankt ", folding(name))
    text = _ORDINAL.sub("", _COLON_GENITIVE.sub("s", text))
    # "Trädg.service", "Arb.koop.": a compound with its first part abbreviated is one word.
    compounds = {m.group(0): m.group(0).replace(".", "") for m in _ABBREVIATED_COMPOUND.finditer(text)}
    for written, joined in compounds.items():
        text = text.replace(written, joined)
    abbreviated = frozenset(_ABBREVIATED.findall(text)) | set(compounds.values())
    words = [ABBREVIATIONS.get(w, w) for w in _initialisms_joined(_WORDS.findall(text))]
    words = [NUMBER_WORDS.get(w, w) for w in _kept_if_any_left(words, _without_designations(words))]
    words, form = _without_legal_forms([form_word(w) or w for w in _kept_if_any_left(words, without_branch(words))])
    kind_compounds = {k for w in words if (k := _without_kind(w)) and k != w}
    words = _kept_if_any_left(words, [k for w in words if (k := _without_kind(w))])
    without_place_words = _without_place_words(words, _WORDS.findall(name.casefold()))
    if _place_at_end(without_place_words) < len(without_place_words):
        words = without_place_words
    elif len(without_place_words) < len(words):
        # A name that is only a place is a kommun or a region: which of the two is what tells them apart
        # ("Stockholms stad" / "Region Stockholm"), however it is written ("Malmö stad" / "Malmö kommun").
        kinds = sorted({_PLACE_KIND[w] for w in words if w in _PLACE_KIND})
        words = [*without_place_words, *kinds]
        # A kommun or a region is a legal person of its own kind: "Haninge kommun" is not "Haninge
        # Kommunfastigheter AB".
        form = form or (kinds[0] if len(kinds) == 1 else None)
    if len(words) > 1 and words[0] in PREFIXES:
        words = words[1:]
    words = _kept_if_any_left(words, [w for w in words if w not in CONNECTORS])
    abbreviated |= {_without_kind(word) for word in abbreviated}  # "Hantv.koop." -> "hantv", still abbreviated
    kept = set(words)
    return ComparedName(" ".join(words), form, abbreviated & kept, frozenset(kind_compounds & kept))


@lru_cache(maxsize=1 << 14)
def activity_of(name: str) -> frozenset[str]:
    """The words of a name that say what the organisation does, folded as compared ("Snickeri Mimosa" ->
    {"snickeri"}; "Cateringkooperativet Matglädje" -> {"cateringkooperativet", "catering"}), also the ones
    that comparison removes as prefixes ("Kafé"). A list may put them before the name the register has
    without them."""
    words = {ABBREVIATIONS.get(w, w) for w in map(fold, activity_words(name))}
    return frozenset(words | {_without_kind(w) for w in words})


@lru_cache(maxsize=1 << 16)
def _without_kind(word: str) -> str:
    """The word without what says it is a cooperative: '' for 'Kooperativet' or 'Arbetskooperativ' (and
    misspelt: 'Arbetskoperativ'); the rest of a compound that says what kind ('Cykelkooperativet' -> 'cykel',
    'Trädgårdskooperativet' -> 'tradgards', as that is what tells it from a 'Städkooperativ'); else the word."""
    if word in KIND_WORDS or (word.endswith("koop") and len(word) > 4):  # "Arb.koop.", "Hantv.koop."
        return "" if word in KIND_WORDS or word.startswith("arb") else word[:-4]
    if word == "kooperativa":  # an adjective: "Kooperativa Förbundet"
        return word
    for ending in _KIND_ENDINGS:
        for n in (len(ending), len(ending) - 1, len(ending) + 1):
            if len(word) < n or (len(word) > n and len(word) < n + 3):
                continue
            if OSA.distance(word[-n:], ending, score_cutoff=1) <= 1:
                stem = word[:-n]
                return "" if stem in GENERIC_KINDS else stem
    return word


def normalise_name(name: str, folding: Callable[[str], str] = fold) -> str:
    """The comparison key of an organisation name: 'Kooperativet Gröna Händer ek. för.' -> 'grona hander'."""
    return compared_name(name, folding).words


def declared_legal_form(name: str) -> str | None:
    """'Basta ek. för.' -> 'ek'; 'Yalla AB (svb)' -> 'ab'; 'Nordic Oy' -> 'oy'; a name that declares none -> None."""
    return compared_name(name).legal_form


def _without_designations(words: list[str]) -> list[str]:
    for designation in DESIGNATIONS:
        n = len(designation)
        for i in range(len(words) - n + 1):
            if tuple(words[i : i + n]) == designation:
                return words[:i] + words[i + n :]
    return words


def _kept_if_any_left(words: list[str], kept: list[str]) -> list[str]:
    return kept if kept else words


def _initialisms_joined(words: list[str]) -> list[str]:
    joined: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1 and word.isalpha():
            run.append(word)
            continue
        if len(run) > 1:
            joined.append("".join(run))
        else:
            joined += run
        run = []
        if word:
            joined.append(word)
    return joined


def _without_legal_forms(words: list[str]) -> tuple[list[str], str | None]:
    table, longest = spellings(), longest_spelling()
    kept: list[str] = []
    declared: str | None = None
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            form = table.get(tuple(words[i : i + n]))
            at_the_end = i + n == len(words)
            if form is None or (form.only_last and not (at_the_end or (form.also_first and i == 0))):
                continue
            if form.only_at_the_edges and not (i == 0 or at_the_end):
                continue
            # "Föreningen Gemenskap ek. för.": the named kind says more than "förening".
            if declared is None or declared == FORENING:
                declared = form.declared
            i += n
            break
        else:
            kept.append(words[i])
            i += 1
    if not kept:
        return words, declared
    return kept, declared


@cache
def _places() -> frozenset[str]:
    """Kommun and län names and localities, folded, as the word groups a name writes them in."""
    lan = {fold(name).removesuffix(" lan") for name in lan_names().values()}
    return frozenset(place_keys()) | lan | {name.removesuffix("s") for name in lan}


def _is_place(words: list[str]) -> bool:
    places = _places()
    return any(" ".join(words[:n]) in places for n in (1, 2, 3) if n <= len(words))


def _place_at_end(words: list[str]) -> int:
    """How many words at the end of ``words`` name a place (genitive 's' allowed on the last); 0 when none."""
    places = _places()
    for n in (3, 2, 1):
        if n <= len(words):
            group = " ".join(words[-n:])
            if group in places or (group.endswith("s") and group[:-1] in places):
                return n
    return 0


def _without_place_words(words: list[str], as_written: list[str]) -> list[str]:
    """``as_written``: the name's words before folding, so that "städ" (cleaning), folded to "stad", is never
    taken for "stad" (city)."""
    unfolded = set(as_written)
    kept: list[str] = []
    for i, word in enumerate(words):
        if word in _BEFORE_PLACE and _is_place(words[i + 1 : i + 4]):
            continue
        written_as_city = word not in ("stad", "stads") or word in unfolded
        if word in _AFTER_PLACE and written_as_city and _place_at_end(kept):
            last = kept[-1]
            if last.endswith("s") and last[:-1] in _places():
                kept[-1] = last[:-1]  # "Stockholms stad" -> "stockholm"
            continue
        kept.append(word)
    return kept
