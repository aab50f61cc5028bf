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

from registry.reference.geography import lan_names, place_keys
from registry.reference.legal_forms import form_word, longest_spelling, spellings
from registry.reference.normalize import fold

_WORDS = re.compile(r"[&+]|[^\W_]+")
# A word written with a dot after it, not one letter of an initialism ("K.F.U.M."): an abbreviation.
_ABBREVIATED = re.compile(r"(?<![\w.])([^\W\d_]+)\.(?!\w\.)")
_ABBREVIATED_COMPOUND = re.compile(r"(?<![\w.])[^\W\d_]{2,}\.[^\W\d_]{2,}(?![\w.]*\.\w)")
# "S:t Eriks", "S:ta Clara": the colon would split them.
_SAINTS = re.compile(r"(?<!\w)s:(ta|t)(?!\w)")

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
}
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
    # The legal form the name declares ('ab', 'ek', 'if', 'st', 'hb', or a foreign form), or None.
    legal_form: str | None
    # Words written as abbreviations, with a dot ("Skand.", "V.", "Intl."): they stand for a longer word.
    abbreviations: frozenset[str] = frozenset()


@lru_cache(maxsize=1 << 16)
def compared_name(name: str, folding: Callable[[str], str] = fold) -> ComparedName:
    text = _SAINTS.sub(lambda m: " sankta " if m.group(1) == "ta" else " sankt ", folding(name))
    # "Trädg.service", "Arb.koop.": a compound with its first part abbreviated is one word.
    compounds = {m.group(0): m.group(0).replace(".", "") for m in _ABBREVIATED_COMPOUND.finditer(text)}
    for written, joined in compounds.items():
        text = text.replace(written, joined)
    abbreviated = frozenset(_ABBREVIATED.findall(text)) | set(compounds.values())
    words = [ABBREVIATIONS.get(w, w) for w in _initialisms_joined(_WORDS.findall(text))]
    words, form = _without_legal_forms([form_word(w) or w for w in words])
    words = _kept_if_any_left(words, [k for w in words if (k := _without_kind(w))])
    without_place_words = _without_place_words(words, _WORDS.findall(name.casefold()))
    if _place_at_end(without_place_words) < len(without_place_words):
        words = without_place_words
    elif len(without_place_words) < len(words):
        # A name that is only a place is a kommun or a region: which of the two is what tells them apart
        # ("Stockholms stad" / "Region Stockholm"), however it is written ("Malmö stad" / "Malmö kommun").
        kinds = sorted({_PLACE_KIND[w] for w in words if w in _PLACE_KIND})
        words = [*without_place_words, *kinds]
    if len(words) > 1 and words[0] in PREFIXES:
        words = words[1:]
    words = _kept_if_any_left(words, [w for w in words if w not in CONNECTORS])
    abbreviated |= {_without_kind(word) for word in abbreviated}  # "Hantv.koop." -> "hantv", still abbreviated
    return ComparedName(" ".join(words), form, abbreviated & set(words))


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
            if form is not None and (not form.only_last or i + n == len(words)):
                declared = declared or form.declared
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
