"""One scoring model for every comparison of two organisations: a source record against another (dedupe) and an
organisation against a company register entry (register matching).

Each feature is a function that reads both sides and returns its evidence, an outcome and a weight in bits of
evidence (log2 of a Bayes factor, as in Fellegi-Sunter and Splink), or nothing when it cannot tell. The
features are listed once, in FEATURES. A weight set (WeightSet) gives each feature its weights for one kind of
comparison and leaves out (None) the features that kind does not use: DEDUPE and REGISTER. A pair's weight is
the prior plus its features' weights, and its probability is ``probability(weight)``. Every score carries its
evidence, so an explanation says which features agreed or disagreed and by how much.

Adding a feature: write its function, give it weights in WeightSet (None where a comparison does not use it),
and list it in FEATURES with the most it can add to a pair whose names are dissimilar and that shares no
identifier (``bound``): that bound is what lets resolution skip such pairs (``clearly_different``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from registry.reference.addresses import Street, same_street
from registry.reference.geography import place_suffix, regions_named
from registry.reference.legal_forms import FILIAL, same_legal_form
from registry.reference.names import activity_of, compared_name

# Bolagsverket's organisationsform codes -> the legal form a name declares (registry/reference/normalize.py):
# "ek. för." is an ekonomisk förening or a bostadsrättsförening, "HB" a handelsbolag or kommanditbolag.
# A filial ("FL") is registered under its foreign company's name and form: "Aurora Food Oyj, filial i Sverige".
DECLARED_FORM_OF_CODE = {
    "EK": "ek", "BRF": "ek", "AB": "ab", "I": "if", "S": "st", "HB": "hb", "KB": "hb", "FL": FILIAL,
}  # fmt: skip


# -- the two sides -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameForms:
    """A name as compared: normalised, its core (without a kommun at its end or start) and that kommun's code."""

    normalised: str
    core: str
    place: str | None
    # Words written as abbreviations ("skand", "v"): each may stand for a longer word on the other side.
    abbreviations: frozenset[str] = frozenset()
    # The rests of cooperative compounds ("tradgards"; registry/reference/names.py).
    kind_compounds: frozenset[str] = frozenset()
    # The name as written: what it says the organisation does is read from it when a comparison needs it.
    written: str = ""

    @property
    def activity(self) -> frozenset[str]:
        return activity_of(self.written)

    @cached_property
    def tokens(self) -> frozenset[str]:
        return frozenset(self.core.split())

    @cached_property
    def numbers(self) -> frozenset[str]:
        """Digits and roman numerals in the name ('Steget 2', 'Gården II'): each one another organisation."""
        return frozenset(w for w in self.normalised.split() if _is_number(w))

    @cached_property
    def countries(self) -> frozenset[str]:
        return frozenset(COUNTRIES[w] for w in self.normalised.split() if w in COUNTRIES)

    @cached_property
    def words(self) -> tuple[str, ...]:
        """The core's words that are neither numbers nor countries: the words compared one by one."""
        return tuple(w for w in self.core.split() if w not in COUNTRIES and not _is_number(w))


# Roman numerals of two letters or more: a lone "i" is Swedish for "in", a lone "v" or "x" an initial.
_ROMAN = re.compile(r"x{0,3}(?:ix|iv|v?i{0,3})")


_DIGIT = re.compile(r"\d")


def _is_number(word: str) -> bool:
    """'2', '2000', '3k', 'ii', 'xiv': a word with a digit in it, or a roman numeral of two letters or more."""
    return _DIGIT.search(word) is not None or (len(word) >= 2 and _ROMAN.fullmatch(word) is not None)

# Country words, folded, -> the country: "X Sverige AB" and "X Norge AS" are two companies of one group.
COUNTRIES = {
    "sverige": "se", "sweden": "se", "norge": "no", "norway": "no", "danmark": "dk", "denmark": "dk",
    "finland": "fi", "suomi": "fi", "island": "is", "iceland": "is", "tyskland": "de", "germany": "de",
    "deutschland": "de", "estland": "ee", "estonia": "ee", "polen": "pl", "poland": "pl",
}  # fmt: skip


@lru_cache(maxsize=1 << 16)
def name_forms(name: str) -> NameForms:
    compared = compared_name(name)
    return NameForms(compared.words, *place_suffix(compared.words), abbreviations=compared.abbreviations,
                     kind_compounds=compared.kind_compounds, written=name)  # fmt: skip


@dataclass(frozen=True)
class Side:
    """One side of a compared pair, as the features read it."""

    name: NameForms
    # Other names the organisation is registered under (the register's secondary and foreign-language names).
    aliases: tuple[NameForms, ...] = ()
    # The legal form: as a name declares it ('ab', 'ek', 'if', 'st', 'hb'), or 'code:X' for a register code
    # that no name declares (an enskild firma, a filial...).
    legal_form: str | None = None
    # A kommun code; when no field says where the organisation is, the place in its name.
    kommun: str | None = None
    kommun_from_name: bool = False
    orgnr: str | None = None
    # The digits of an organisationsnummer as written, valid or not (the last ten).
    orgnr_digits: str | None = None
    domain: str | None = None
    mail_domain: str | None = None
    phone: str | None = None
    street: Street | None = None


def register_form(code: str | None) -> str | None:
    """A register organisationsform code as a Side's legal form."""
    if not code:
        return None
    return DECLARED_FORM_OF_CODE.get(code, f"code:{code}")


# -- weights -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Agreement:
    """Weights of a feature that either agrees or disagrees."""

    equal: float
    differ: float = 0.0


@dataclass(frozen=True)
class NameWeights:
    # (similarity at least, weight), highest first; the last level is the weight of dissimilar names.
    levels: tuple[tuple[float, float], ...]
    # One name's words all appear in the other ("Basta" / "Basta arbetskooperativ Nykvarn"); None: not used.
    within: float | None = None
    # ... and the other adds only what the organisation does, before the name ("Mimosa" / "Snickeri Mimosa
    # ek. för.", "Stickan" / "Sömnadskooperativet Stickan"): how lists and the register write one business.
    within_adding_activity: float | None = None
    # Every word of each name has its counterpart in the other, misspelt, abbreviated or moved ("Sociala
    # kooperativet Vinden" / "Vinden Socialt Kooperativ"): the names agree more than their similarity says.
    every_word_agrees: float | None = None

    @property
    def dissimilar_below(self) -> float:
        """Names less similar than this get the last level's weight."""
        return self.levels[-2][0]


@dataclass(frozen=True)
class OrgnrWeights:
    # One organisationsnummer is one legal person: equal valid numbers settle the question, different ones
    # make a pair impossible.
    equal: float
    # One number valid, the other one digit away (a typo the check digit caught).
    near: float


@dataclass(frozen=True)
class WeightSet:
    """Every weight and threshold of one kind of comparison, in one place; explanations print them."""

    prior: float
    name: NameWeights
    kommun: Agreement
    legal_form: Agreement
    # Only one of the names carries a place ("Le Mat" / "Le Mat Göteborg"), and not the other side's kommun.
    place_in_one_name: float | None = None
    orgnr: OrgnrWeights | None = None
    website: Agreement | None = None
    mail_domain: Agreement | None = None
    phone: Agreement | None = None
    # Both sides have a street address: the same street and number, or not.
    street: Agreement | None = None
    # Each name has a word the other lacks, and they are not one word misspelt ("Nordic" / "Nordisk",
    # "Norra" / "Södra"): a near-equal similarity hides that one meaningful word differs.
    word_differs: float = 0.0
    # The names carry different numbers ("Steget 2" / "Steget 3"), or only one carries a number.
    numbers_differ: float = 0.0
    number_in_one_name: float = 0.0
    # The names name different countries ("X Sverige" / "X Norge").
    countries_differ: float = 0.0
    # Probability at or above which a pair is judged the same organisation, and the band below it in which a
    # pair waits for a person's review.
    positive_at: float = 0.95
    unsure_at: float = 0.5


DEDUPE = WeightSet(
    # Most blocked pairs are not the same organisation: start from about 1 in 17.
    prior=-4.0,
    name=NameWeights(
        levels=((95.0, 9.0), (90.0, 7.0), (85.0, 4.0), (75.0, 0.0), (0.0, -7.0)), within=4.0,
        within_adding_activity=7.0, every_word_agrees=7.0,
    ),
    # Among pairs with similar names, sharing a kommun is about 20 times likelier for the same organisation.
    kommun=Agreement(3.0, -9.0),
    # Both names declare a legal form: "Stolior ek. för." and "Stolior AB" are two legal persons.
    legal_form=Agreement(1.5, -8.0),
    # A franchise or chain may have a legal person per town, so the bare name is not enough.
    place_in_one_name=-3.0,
    orgnr=OrgnrWeights(equal=30.0, near=4.0),
    website=Agreement(7.0, -1.0),
    mail_domain=Agreement(5.0),
    phone=Agreement(7.0, -0.5),
    # Lists keep old addresses: a different one puts a pair in review rather than apart.
    street=Agreement(3.0, -6.0),
    word_differs=-4.0,
    numbers_differ=-10.0,
    number_in_one_name=-5.0,
    countries_differ=-10.0,
)

# Against the register: a valid orgnr is looked up directly, so by name the prior is lower; entries have no
# website, e-mail or phone.
REGISTER = WeightSet(
    prior=-5.0,
    name=NameWeights(levels=((97.0, 10.0), (92.0, 7.0), (85.0, 3.0), (0.0, -8.0)), every_word_agrees=7.0),
    kommun=Agreement(3.0, -5.0),
    legal_form=Agreement(1.5, -6.0),
    # The register's address is the postal address, often a box or an office's: weak either way.
    street=Agreement(2.0, -1.0),
    word_differs=-4.0,
    numbers_differ=-10.0,
    number_in_one_name=-5.0,
    countries_differ=-10.0,
)


# -- the features ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    feature: str
    outcome: str
    weight: float

    def __str__(self) -> str:
        return f"{self.feature} {self.outcome} ({self.weight:+.1f})"


def similarity(a: str, b: str) -> float:
    """Name similarity: token_sort_ratio (word order does not matter), or the ratio without spaces when that
    is higher, so that a typo that moves a space ('God aLändgrust') counts as one typo, not two changed words."""
    return max(fuzz.token_sort_ratio(a, b), fuzz.ratio(a.replace(" ", ""), b.replace(" ", "")))


def name_similarity(a: Side, b: Side) -> float:
    """The best similarity of a's name to one of b's names: of their cores, or of the whole names when a place
    was split off only one of them (a moved or misspelt place word: 'Bageri Filipstda'). An abbreviation
    counts as the word it abbreviates ('Skand. Byggservice' / 'Skandinavisk Byggservice')."""
    best = 0.0
    for name in (b.name, *b.aliases):
        best = max(best, similarity(*_expanded(a.name.core, name.core, a.name, name)))
        if (a.name.place is None) != (name.place is None):
            best = max(best, similarity(*_expanded(a.name.normalised, name.normalised, a.name, name)))
    return best


def abbreviates(short: str, word: str) -> bool:
    """'skand' abbreviates 'skandinavisk', 'intl' 'international', 'v' 'vastra': the same first letter and
    its letters in order."""
    if len(short) >= len(word) or short[0] != word[0]:
        return False
    rest = iter(word[1:])
    return all(letter in rest for letter in short[1:])


def _expanded(x: str, y: str, a: NameForms, b: NameForms) -> tuple[str, str]:
    """Both texts with each abbreviation written out as the other side's word it abbreviates."""
    if not (a.abbreviations or b.abbreviations):
        return x, y
    xs, ys = x.split(), y.split()
    xs = [next((w for w in ys if abbreviates(t, w)), t) if t in a.abbreviations else t for t in xs]
    ys = [next((w for w in xs if abbreviates(t, w)), t) if t in b.abbreviations else t for t in ys]
    return " ".join(xs), " ".join(ys)


def one_name_within_the_other(a: Side, b: Side) -> bool:
    shorter, longer = sorted((a.name.tokens, b.name.tokens), key=len)
    return bool(shorter) and shorter < longer and any(len(t) >= 4 for t in shorter)


def activities_differ(a: Side, b: Side) -> bool:
    """Both names say what the organisation does, and nothing alike ("Kafé Navet" / "Cykelverkstan Navet")."""
    x, y = a.name.activity, b.name.activity
    return bool(x and y) and not x & y


def added_activity(a: Side, b: Side) -> list[str]:
    """When one name is the other with words that say what the organisation does before it ("Snickeri
    Mimosa" / "Mimosa"), a cooperative compound anywhere ("Kålgården Odlingskooperativ"), or more of what it
    does after a name that already says it ("Ljuspunkten Café" / "Ljuspunkten Café & Second Hand"): those
    words; else []. Other words added after a name are part of another company's name ("Ringen" / "Ringen
    Bilverkstad AB")."""
    shorter, longer = sorted((a.name, b.name), key=lambda n: len(n.tokens))
    words = longer.core.split()
    added = [w for w in words if w not in shorter.tokens]
    if not added or not shorter.tokens < longer.tokens:
        return []
    lists_more = bool(shorter.activity) and shorter.activity <= longer.activity
    first_shared = next(i for i, w in enumerate(words) if w in shorter.tokens)
    for i, word in enumerate(words):
        if word in shorter.tokens or word in longer.kind_compounds:
            continue
        if word not in longer.activity or (i > first_shared and not lists_more):
            return []
    return added


def name_evidence(a: Side, b: Side, w: WeightSet, known_similarity: float | None = None) -> Evidence:
    score = name_similarity(a, b) if known_similarity is None else known_similarity
    weight = next(weight for at_least, weight in w.name.levels if score >= at_least)
    outcome = f"similarity {score:.0f}"
    agrees = w.name.every_word_agrees
    if agrees is not None and weight < agrees and every_word_agrees(a, b):
        return Evidence("name", f"{outcome}, every word agrees", agrees)
    within = w.name.within is not None and weight < w.name.within and one_name_within_the_other(a, b)
    if within and activities_differ(a, b):
        return Evidence("name", f"{outcome}, one name within the other, but they say they do different things",
                        weight)  # fmt: skip
    if within:
        adding = w.name.within_adding_activity
        if adding is not None and (added := added_activity(a, b)):
            return Evidence("name", f"{outcome}, one name within the other, adding what it does ({' '.join(added)})",
                            adding)  # fmt: skip
        return Evidence("name", f"{outcome}, one name within the other", w.name.within)
    return Evidence("name", outcome, weight)


def every_word_agrees(a: Side, b: Side) -> bool:
    other = best_name(a, b)
    if not (a.name.words and other.words):
        return False
    left, right = words_without_counterpart(a.name.words, other.words, a.name.abbreviations | other.abbreviations)
    return not left and not right


def place_in_name_evidence(a: Side, b: Side, w: WeightSet) -> Evidence | None:
    if w.place_in_one_name is None or bool(a.name.place) == bool(b.name.place):
        return None
    placed, other = (a, b) if a.name.place else (b, a)
    # "Hela Människan Stockholm" against "Hela Människan" in Stockholm agree; only an unknown or other place
    # leaves the bare name in doubt.
    if other.kommun == placed.name.place:
        return None
    return Evidence("place in name", "only in one", w.place_in_one_name)


def _one_digit_apart(a: str, b: str) -> bool:
    return len(a) == len(b) == 10 and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def orgnr_evidence(a: Side, b: Side, w: WeightSet) -> Evidence | None:
    if w.orgnr is None:
        return None
    if a.orgnr and b.orgnr:
        if a.orgnr != b.orgnr:
            return Evidence("organisationsnummer", f"differ ({a.orgnr} / {b.orgnr})", -math.inf)
        return Evidence("organisationsnummer", "equal", w.orgnr.equal)
    if (a.orgnr or b.orgnr) and a.orgnr_digits and b.orgnr_digits and _one_digit_apart(a.orgnr_digits, b.orgnr_digits):
        return Evidence("organisationsnummer", "one digit apart", w.orgnr.near)
    return None


def _agreement(feature: str, x: str | None, y: str | None, weights: Agreement | None) -> Evidence | None:
    if weights is None or not x or not y:
        return None
    return Evidence(feature, "equal", weights.equal) if x == y else Evidence(feature, "differ", weights.differ)


def kommun_evidence(a: Side, b: Side, w: WeightSet) -> Evidence | None:
    found = _agreement("kommun", a.kommun, b.kommun, w.kommun)
    if found is not None and found.outcome == "differ":
        for placed, other in ((a, b), (b, a)):
            if placed.kommun_from_name and other.name.place == placed.kommun:
                # The place was read from one name, and the other name says it too: it is part of the names
                # (already compared), not a sign of where the organisation is.
                return Evidence("kommun", "differs, but the place is in both names", 0.0)
        if region := shared_region(a, b):
            # "Stadsjobb Västerbotten" on Skellefteå's list and on Umeå's: one organisation for a region is
            # listed where it works and registered where its seat is.
            return Evidence("kommun", f"differs, both in {region}, which both names name", 0.0)
    return found


def shared_region(a: Side, b: Side) -> str | None:
    """A region (landskap, län, 'Mälardalen') that both names name and whose län both kommuner lie in."""
    if not (a.kommun and b.kommun):
        return None
    theirs = regions_named(b.name.normalised)
    for region, lan in regions_named(a.name.normalised).items():
        if region in theirs and a.kommun[:2] in lan and b.kommun[:2] in lan:
            return region
    return None


def legal_form_evidence(a: Side, b: Side, w: WeightSet) -> Evidence | None:
    if not (a.legal_form and b.legal_form):
        return None
    same = same_legal_form(a.legal_form, b.legal_form)
    if same is None:
        return None  # "Föreningen X" and "X ek. för.": an association of either kind
    return Evidence("legal form", "equal" if same else "differ", w.legal_form.equal if same else w.legal_form.differ)


def website_evidence(a: Side, b: Side, w: WeightSet) -> Evidence | None:
    return _agreement("website", a.domain, b.domain, w.website)


def mail_domain_evidence(a: Side, b: Side, w: WeightSet) -> Evidence | None:
    return _agreement("e-mail domain", a.mail_domain, b.mail_domain, w.mail_domain)


def phone_evidence(a: Side, b: Side, w: WeightSet) -> Evidence | None:
    return _agreement("phone", a.phone, b.phone, w.phone)


def best_name(a: Side, b: Side) -> NameForms:
    """Of b's names (its name and aliases), the one a's name is most similar to: the one the words are compared with."""
    if not b.aliases:
        return b.name
    return max((b.name, *b.aliases), key=lambda n: similarity(a.name.core, n.core))


# Words of four letters get typo tolerance only for a letter left out or added ("Väst" / "Vässt"): "KFUM"
# and "KFUK", "NKB" and "NBK" are other organisations' initials.
_TYPO_FROM = 5


# Compass words, each its direction: "Återbruk Syd" and "Återbruk Sydost" are two organisations, although one
# word starts the other; "Norr" and "Norra" are one direction.
DIRECTIONS = {
    "norr": "n", "nord": "n", "norra": "n", "syd": "s", "sod": "s", "sodra": "s", "soder": "s", "ost": "e",
    "ostra": "e", "oster": "e", "vast": "w", "vastra": "w", "vaster": "w", "nordost": "ne", "nordostra": "ne",
    "sydost": "se", "sydostra": "se", "nordvast": "nw", "nordvastra": "nw", "sydvast": "sw", "sydvastra": "sw",
    "mitt": "c", "mellersta": "c",
}  # fmt: skip
def _may_be_transliterated(x: str, y: str) -> bool:
    return any(pair in x or pair in y for pair in ("aa", "ae", "oe"))


def _transliterated(word: str) -> str:
    """A folded word as it reads where a keyboard or system had no å, ä or ö and wrote "aa", "ae", "oe"
    ("Traedgaardslaget" / "Trädgårdslaget")."""
    return word.replace("aa", "a").replace("ae", "a").replace("oe", "o")


def _same_word(x: str, y: str, abbreviations: frozenset[str]) -> bool:
    """Equal, one typo apart (words of five letters or more), one the start of the other ('serv'), or one
    written as an abbreviation of the other ('skand.', 'v.'). Two compass words are the same word only
    when they name one direction."""
    if x == y:
        return True
    if x in DIRECTIONS and y in DIRECTIONS:
        return DIRECTIONS[x] == DIRECTIONS[y]
    if _may_be_transliterated(x, y) and _transliterated(x) == _transliterated(y):
        return True
    if (
        abs(len(x) - len(y)) <= 1
        and min(len(x), len(y)) >= 4
        and max(len(x), len(y)) >= _TYPO_FROM
        and OSA.distance(x, y, score_cutoff=1) <= 1
    ):
        return True
    shorter, longer = sorted((x, y), key=len)
    if len(shorter) >= 3 and longer.startswith(shorter):
        return True
    return shorter in abbreviations and abbreviates(shorter, longer)


def words_without_counterpart(
    xs: tuple[str, ...], ys: tuple[str, ...], abbreviations: frozenset[str] = frozenset()
) -> tuple[list[str], list[str]]:
    """The words of each name that have no counterpart in the other."""
    if set(xs) == set(ys):
        return [], []
    left = [x for x in xs if x not in ys and not any(_same_word(x, y, abbreviations) for y in ys)]
    right = [y for y in ys if y not in xs and not any(_same_word(x, y, abbreviations) for x in xs)]
    # A compound written as one word or two ("Byggservice" / "Bygg Service"), or a typo across a space.
    joined_left, joined_right = "".join(left), "".join(right)
    if left and right and joined_left == joined_right:
        return [], []
    if min(len(joined_left), len(joined_right)) >= _TYPO_FROM and OSA.distance(joined_left, joined_right) <= 1:
        return [], []
    return left, right


# Words that say who owns a firm ("Persson & Dotter", "Nilsson & Söner", "Bröderna Ek"): in one name only,
# they name another firm than the bare surname does.
FIRM_WORDS = frozenset({
    "son", "soner", "sons", "dotter", "dottrar", "broderna", "bror", "syskonen", "co", "kompani", "partner",
    "partners",
})  # fmt: skip


def word_evidence(a: Side, b: Side, w: WeightSet) -> Evidence | None:
    if not w.word_differs:
        return None
    other = best_name(a, b)
    left, right = words_without_counterpart(a.name.words, other.words, a.name.abbreviations | other.abbreviations)
    if left and right:
        return Evidence("words", f"differ ({' '.join(left)} / {' '.join(right)})", w.word_differs)
    if firm := [word for word in left or right if word in FIRM_WORDS]:
        return Evidence("words", f"only one name says whose firm it is ({' '.join(firm)})", w.word_differs)
    return None


def number_evidence(a: Side, b: Side, w: WeightSet) -> Evidence | None:
    x, y = a.name.numbers, best_name(a, b).numbers
    if x == y or not w.numbers_differ:
        return None
    if x and y:
        return Evidence("numbers", f"differ ({' '.join(sorted(x))} / {' '.join(sorted(y))})", w.numbers_differ)
    if not w.number_in_one_name:
        return None
    return Evidence("numbers", f"only in one name ({' '.join(sorted(x or y))})", w.number_in_one_name)


def country_evidence(a: Side, b: Side, w: WeightSet) -> Evidence | None:
    x, y = a.name.countries, best_name(a, b).countries
    if not (x and y) or x == y or not w.countries_differ:
        return None
    return Evidence("countries", f"differ ({' '.join(sorted(x))} / {' '.join(sorted(y))})", w.countries_differ)


def street_evidence(a: Side, b: Side, w: WeightSet) -> Evidence | None:
    if w.street is None or a.street is None or b.street is None:
        return None
    x, y = a.street, b.street
    if same_street(x, y):
        return Evidence("street address", "equal", w.street.equal)
    return Evidence("street address", f"differ ({x} / {y})", w.street.differ)


def _positive(*weights: float | None) -> float:
    return max(0.0, *(x for x in weights if x is not None))


@dataclass(frozen=True)
class Feature:
    name: str
    evidence: Callable[[Side, Side, WeightSet], Evidence | None]
    # The most the feature can add to a pair whose names are dissimilar and that shares no identifier (no
    # orgnr, website, e-mail domain or phone in common): such a pair can only get its 'differ' weights.
    bound: Callable[[WeightSet], float]


# Every feature but the name, whose levels are the scale the others are weighed against.
FEATURES: tuple[Feature, ...] = (
    Feature("place in name", place_in_name_evidence, lambda w: _positive(w.place_in_one_name)),
    Feature("organisationsnummer", orgnr_evidence, lambda w: 0.0),
    Feature("legal form", legal_form_evidence, lambda w: _positive(w.legal_form.equal, w.legal_form.differ)),
    Feature("kommun", kommun_evidence, lambda w: _positive(w.kommun.equal, w.kommun.differ)),
    Feature("website", website_evidence, lambda w: _positive(w.website and w.website.differ)),
    Feature("e-mail domain", mail_domain_evidence, lambda w: _positive(w.mail_domain and w.mail_domain.differ)),
    Feature("phone", phone_evidence, lambda w: _positive(w.phone and w.phone.differ)),
    Feature("street address", street_evidence, lambda w: _positive(w.street and w.street.equal)),
    # Evidence against only: they never lift a pair.
    Feature("words", word_evidence, lambda w: _positive(w.word_differs)),
    Feature("numbers", number_evidence, lambda w: _positive(w.numbers_differ, w.number_in_one_name)),
    Feature("countries", country_evidence, lambda w: _positive(w.countries_differ)),
)


# -- scores ------------------------------------------------------------------------------------------------------


def probability(weight: float) -> float:
    """The probability that a pair is the same organisation, from its weight in bits."""
    return 1.0 / (1.0 + 2.0 ** (-weight))


def weight_at(p: float) -> float:
    """The weight at which a pair reaches probability ``p`` (the inverse of ``probability``)."""
    return math.log2(p / (1.0 - p))


@dataclass(frozen=True)
class Score:
    weight: float
    probability: float
    evidence: tuple[Evidence, ...]
    # Two different valid organisationsnummer: never the same organisation, whatever else agrees.
    impossible: bool = False

    def parts(self) -> list[str]:
        """The evidence that counted, as 'feature outcome (weight)'."""
        return [str(e) for e in self.evidence if e.weight or e.outcome]

    @property
    def verdict(self) -> str:
        return "impossible" if self.impossible else f"p={self.probability:.3f}"

    @property
    def explanation(self) -> str:
        return "; ".join(self.parts()) + f" -> {self.verdict}"


def score(a: Side, b: Side, w: WeightSet, known_similarity: float | None = None) -> Score:
    """A pair's score: every feature's evidence, their weight and its probability. ``known_similarity``: the
    name similarity when the caller has already computed it."""
    evidence = [name_evidence(a, b, w, known_similarity)]
    evidence += [found for feature in FEATURES if (found := feature.evidence(a, b, w)) is not None]
    if any(e.weight == -math.inf for e in evidence):
        impossible = tuple(e for e in evidence if e.weight == -math.inf)
        return Score(-math.inf, 0.0, impossible, impossible=True)
    weight = w.prior + sum(e.weight for e in evidence)
    return Score(weight, probability(weight), tuple(evidence))


MATCH, REVIEW, NO_MATCH = "match", "review", "no_match"


def decision(found: Score, w: WeightSet) -> str:
    """What the pipeline does with a pair so scored: joins it (match), asks a person (review), or keeps the two
    apart (no_match)."""
    if found.impossible or found.probability < w.unsure_at:
        return NO_MATCH
    return MATCH if found.probability >= w.positive_at else REVIEW


@cache
def clearly_different_bound(w: WeightSet) -> float:
    """The most a pair can weigh whose names are dissimilar (neither within the other) and that shares no
    identifier: the prior, the dissimilar names' weight, and the most every other feature can add."""
    return w.prior + w.name.levels[-1][1] + sum(feature.bound(w) for feature in FEATURES)


@cache
def can_tell_apart_at_a_glance(w: WeightSet) -> bool:
    """Whether such pairs always stay below the unsure band, so that they need not be scored in full."""
    return clearly_different_bound(w) < weight_at(w.unsure_at)


def shares_an_identifier(a: Side, b: Side) -> bool:
    """The same orgnr, website, phone or e-mail domain, or orgnr digits that could be one digit apart."""
    return bool(
        (a.orgnr and a.orgnr == b.orgnr)
        or (a.domain and a.domain == b.domain)
        or (a.phone and a.phone == b.phone)
        or (a.mail_domain and a.mail_domain == b.mail_domain)
        or (a.orgnr_digits and b.orgnr_digits and (a.orgnr or b.orgnr))
    )


def clearly_different(a: Side, b: Side, w: WeightSet) -> bool:
    """A cheap test that a pair cannot reach the unsure band: dissimilar names, no shared identifier, and a
    weight set in which such a pair cannot weigh enough (``can_tell_apart_at_a_glance``)."""
    if not can_tell_apart_at_a_glance(w) or shares_an_identifier(a, b):
        return False
    if name_similarity(a, b) >= w.name.dissimilar_below:
        return False
    if w.name.every_word_agrees is not None and every_word_agrees(a, b):
        return False
    return not (w.name.within is not None and one_name_within_the_other(a, b))

