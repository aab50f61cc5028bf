"""Comparing two source records: features, blocking, and an explained match score.

The model is declared as data (``MatchSettings``): each feature's outcomes carry a weight in bits of
evidence (log2 of a Bayes factor, as in Fellegi-Sunter and Splink). A pair's weight is the prior plus the
sum of its features' weights; its probability is 1 / (1 + 2^-weight). Every score comes with the list of
features that agreed or disagreed and their weights, so an analyst can see why two records were joined.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from rapidfuzz import fuzz

from registry.ingest.records import RecordKey, SourceRecord
from registry.reference.geography import find_kommun, place_suffix
from registry.reference.normalize import declared_legal_form, email_domain, normalise_name, normalise_phone, web_domain

# Shared mailbox providers say nothing about which organisation a record belongs to.
GENERIC_EMAIL_DOMAINS = frozenset(
    {"gmail.com", "hotmail.com", "hotmail.se", "outlook.com", "live.se", "yahoo.com", "yahoo.se", "icloud.com"}
)


@dataclass(frozen=True)
class MatchSettings:
    """Every weight and threshold of the matcher, in one place; explanations print them."""

    # Most blocked pairs are not the same organisation: start from about 1 in 17.
    prior: float = -4.0
    # Name similarity (token sort ratio of the names without legal form and trailing place): (at least, weight).
    name_levels: tuple[tuple[float, float], ...] = ((95.0, 9.0), (90.0, 7.0), (85.0, 4.0), (75.0, 0.0), (0.0, -7.0))
    # One name's words all appear in the other ("Basta" / "Basta arbetskooperativ Nykvarn").
    name_subset: float = 4.0
    # Only one of the names ends in a place ("Le Mat" / "Le Mat Göteborg"): a franchise or chain may have a
    # legal person per town, so the bare name is not enough.
    place_in_one_name: float = -3.0
    # One organisationsnummer is one legal person: equal valid numbers settle the question.
    orgnr_equal: float = 30.0
    # One number valid, the other one digit away (a typo the check digit caught).
    orgnr_near: float = 4.0
    # Among pairs with similar names, sharing a kommun is about 20 times likelier for the same organisation.
    kommun_equal: float = 3.0
    # Both names declare a legal form: "Stolior ek. för." and "Stolior AB" are two legal persons.
    legal_form_equal: float = 1.5
    legal_form_differ: float = -6.0
    kommun_differ: float = -9.0
    domain_equal: float = 7.0
    domain_differ: float = -1.0
    mail_domain_equal: float = 5.0
    phone_equal: float = 7.0
    phone_differ: float = -0.5
    # Probability at or above which the matcher judges a pair the same organisation, and the band below it
    # in which a pair waits for a person's review.
    positive_at: float = 0.95
    unsure_at: float = 0.5
    # A name word shared by more records than this is too common to make candidates from ("cafe"); an
    # identifier (orgnr, domain, phone) shared by more than max_identifier_block is a switchboard or a portal.
    max_block_size: int = 40
    max_identifier_block: int = 200


DEFAULT_SETTINGS = MatchSettings()


@dataclass(frozen=True)
class RecordFeatures:
    key: RecordKey
    name: str
    core: str
    tokens: frozenset[str]
    name_place: str | None
    legal_form: str | None
    kommun: str | None
    orgnr: str | None
    orgnr_digits: str | None
    domain: str | None
    mail_domain: str | None
    phone: str | None


def record_features(record: SourceRecord) -> RecordFeatures:
    name = normalise_name(record.name)
    core, place = place_suffix(name)
    kommun = find_kommun(record.municipality)
    mail = email_domain(record.email)
    digits = "".join(ch for ch in (record.orgnr_as_written or "") if ch.isdigit())[-10:] or None
    return RecordFeatures(
        key=record.key,
        name=name,
        core=core,
        tokens=frozenset(core.split()),
        name_place=place,
        legal_form=declared_legal_form(record.name),
        # A place in the name ("Hela Människan Södertälje") says where the organisation is when no field does.
        kommun=kommun.code if kommun else place,
        orgnr=record.orgnr,
        orgnr_digits=digits,
        domain=web_domain(record.website),
        mail_domain=None if mail in GENERIC_EMAIL_DOMAINS else mail,
        phone=normalise_phone(record.phone),
    )


@dataclass(frozen=True)
class FeatureResult:
    feature: str
    outcome: str
    weight: float


@dataclass(frozen=True)
class PairScore:
    left: RecordKey
    right: RecordKey
    probability: float
    weight: float
    features: tuple[FeatureResult, ...]
    # Two different valid organisationsnummer: never the same organisation, whatever else agrees.
    impossible: bool = False

    @property
    def explanation(self) -> str:
        parts = [f"{f.feature} {f.outcome} ({f.weight:+.1f})" for f in self.features if f.weight or f.outcome]
        verdict = "impossible" if self.impossible else f"p={self.probability:.3f}"
        return "; ".join(parts) + f" -> {verdict}"


def _name_result(a: RecordFeatures, b: RecordFeatures, settings: MatchSettings) -> FeatureResult:
    similarity = fuzz.token_sort_ratio(a.core, b.core)
    weight = next(w for at_least, w in settings.name_levels if similarity >= at_least)
    outcome = f"similarity {similarity:.0f}"
    shorter, longer = sorted((a.tokens, b.tokens), key=len)
    if weight < settings.name_subset and shorter and shorter < longer and any(len(t) >= 4 for t in shorter):
        return FeatureResult("name", f"{outcome}, one name within the other", settings.name_subset)
    return FeatureResult("name", outcome, weight)


def clearly_different(a: RecordFeatures, b: RecordFeatures, settings: MatchSettings = DEFAULT_SETTINGS) -> bool:
    """A cheap test that a pair cannot reach the unsure band: dissimilar names, no shared identifier.

    Most candidate pairs from name-word blocks are like that; skipping their full scoring keeps resolution
    near-linear. The bound: the best such a pair can score is prior + differ-level name + subset + kommun +
    legal form, which must stay below the unsure threshold for this shortcut to be taken.
    """
    if (a.orgnr and a.orgnr == b.orgnr) or (a.domain and a.domain == b.domain) or (a.phone and a.phone == b.phone):
        return False
    if (a.mail_domain and a.mail_domain == b.mail_domain) or (
        a.orgnr_digits and b.orgnr_digits and (a.orgnr or b.orgnr)
    ):
        return False
    lowest_level = settings.name_levels[-2][0]
    if fuzz.token_sort_ratio(a.core, b.core, score_cutoff=lowest_level):
        return False
    shorter, longer = sorted((a.tokens, b.tokens), key=len)
    return not (shorter and shorter < longer)


def _one_digit_apart(a: str, b: str) -> bool:
    return len(a) == len(b) == 10 and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def score_pair(a: RecordFeatures, b: RecordFeatures, settings: MatchSettings = DEFAULT_SETTINGS) -> PairScore:
    left, right = sorted((a, b), key=lambda f: f.key)
    if a.orgnr and b.orgnr and a.orgnr != b.orgnr:
        result = FeatureResult("organisationsnummer", f"differ ({a.orgnr} / {b.orgnr})", float("-inf"))
        return PairScore(left.key, right.key, 0.0, float("-inf"), (result,), impossible=True)
    results = [_name_result(a, b, settings)]
    if bool(a.name_place) != bool(b.name_place):
        placed, other = (a, b) if a.name_place else (b, a)
        # "Hela Människan Stockholm" against "Hela Människan" in Stockholm agree; only an unknown or other
        # place leaves the bare name in doubt.
        if other.kommun != placed.name_place:
            results.append(FeatureResult("place in name", "only in one", settings.place_in_one_name))
    if a.orgnr and a.orgnr == b.orgnr:
        results.append(FeatureResult("organisationsnummer", "equal", settings.orgnr_equal))
    elif (
        (a.orgnr or b.orgnr) and a.orgnr_digits and b.orgnr_digits and _one_digit_apart(a.orgnr_digits, b.orgnr_digits)
    ):
        results.append(FeatureResult("organisationsnummer", "one digit apart", settings.orgnr_near))
    for feature, x, y, equal, differ in (
        ("legal form", a.legal_form, b.legal_form, settings.legal_form_equal, settings.legal_form_differ),
        ("kommun", a.kommun, b.kommun, settings.kommun_equal, settings.kommun_differ),
        ("website", a.domain, b.domain, settings.domain_equal, settings.domain_differ),
        ("e-mail domain", a.mail_domain, b.mail_domain, settings.mail_domain_equal, 0.0),
        ("phone", a.phone, b.phone, settings.phone_equal, settings.phone_differ),
    ):
        if x and y:
            results.append(FeatureResult(feature, "equal" if x == y else "differ", equal if x == y else differ))
    weight = settings.prior + sum(r.weight for r in results)
    probability = 1.0 / (1.0 + 2.0 ** (-weight))
    return PairScore(left.key, right.key, probability, weight, tuple(results))


def blocking_keys(f: RecordFeatures) -> list[tuple[str, str]]:
    keys: list[tuple[str, str]] = [("name", f.name)]
    if f.core:
        # The whole name, and a brand with its kommun: "Yalla" is everywhere, "Yalla" in Norrtälje is not.
        keys += [("core", f.core), ("core_in_kommun", f"{f.core}|{f.kommun}")] if f.kommun else [("core", f.core)]
    for token in f.tokens:
        if len(token) > 1:
            keys.append(("token", token))
        if len(token) >= 5:
            # Typos rarely hit both ends of a word: "snikeri" still shares "snik"... or "keri".
            keys += [("prefix", token[:4]), ("suffix", token[-4:])]
    keys += [
        (kind, value)
        for kind, value in (("orgnr", f.orgnr), ("domain", f.domain), ("mail", f.mail_domain), ("phone", f.phone))
        if value
    ]
    return keys


def candidate_pairs(
    features: Sequence[RecordFeatures], settings: MatchSettings = DEFAULT_SETTINGS
) -> set[tuple[int, int]]:
    """Index pairs that share a blocking key (a name word, orgnr, web or mail domain, phone): never all pairs."""
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, feature in enumerate(features):
        for key in blocking_keys(feature):
            blocks[key].append(index)
    pairs: set[tuple[int, int]] = set()
    for (kind, _), members in blocks.items():
        name_key = kind in ("name", "core", "core_in_kommun", "token", "prefix", "suffix")
        limit = settings.max_block_size if name_key else settings.max_identifier_block
        if len(members) < 2 or len(members) > limit:
            continue
        pairs.update(combinations(members, 2))
    return pairs
