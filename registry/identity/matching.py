"""Comparing two source records: what each says (a Side of the scoring model), blocking, and an explained score.

The model and its weights are registry/identity/scoring.py (the DEDUPE weight set); here a record becomes a
Side, and blocking proposes the pairs worth comparing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from registry.identity import scoring
from registry.identity.scoring import DEDUPE, Evidence, Score, Side, WeightSet, name_forms
from registry.ingest.records import RecordKey, SourceRecord
from registry.reference.addresses import street
from registry.reference.geography import find_kommun
from registry.reference.names import declared_legal_form
from registry.reference.normalize import email_domain, normalise_phone, web_domain

# Shared mailbox providers say nothing about which organisation a record belongs to.
GENERIC_EMAIL_DOMAINS = frozenset(
    {"gmail.com", "hotmail.com", "hotmail.se", "outlook.com", "live.se", "yahoo.com", "yahoo.se", "icloud.com"}
)


@dataclass(frozen=True)
class MatchSettings:
    """The dedupe model's weights and thresholds (scoring.DEDUPE), and how candidates are blocked."""

    weights: WeightSet = DEDUPE
    # A name word shared by more records than this is too common to make candidates from ("cafe"); an
    # identifier (orgnr, domain, phone) shared by more than max_identifier_block is a switchboard or a portal.
    max_block_size: int = 40
    max_identifier_block: int = 200

    @property
    def positive_at(self) -> float:
        return self.weights.positive_at

    @property
    def unsure_at(self) -> float:
        return self.weights.unsure_at


DEFAULT_SETTINGS = MatchSettings()


@dataclass(frozen=True)
class RecordFeatures:
    """A record as the model compares it, with its key."""

    key: RecordKey
    side: Side

    @property
    def kommun(self) -> str | None:
        return self.side.kommun


def record_features(record: SourceRecord) -> RecordFeatures:
    name = name_forms(record.name)
    kommun = find_kommun(record.municipality)
    mail = email_domain(record.email)
    digits = "".join(ch for ch in (record.orgnr_as_written or "") if ch.isdigit())[-10:] or None
    side = Side(
        name=name,
        legal_form=declared_legal_form(record.name),
        # A place in the name ("Hela Människan Södertälje") says where the organisation is when no field does.
        kommun=kommun.code if kommun else name.place,
        kommun_from_name=kommun is None and name.place is not None,
        orgnr=record.orgnr,
        orgnr_digits=digits,
        domain=web_domain(record.website),
        mail_domain=None if mail in GENERIC_EMAIL_DOMAINS else mail,
        phone=normalise_phone(record.phone),
        street=street(record.address),
    )
    return RecordFeatures(record.key, side)


@dataclass(frozen=True)
class PairScore:
    left: RecordKey
    right: RecordKey
    probability: float
    weight: float
    features: tuple[Evidence, ...]
    explanation: str
    # Two different valid organisationsnummer: never the same organisation, whatever else agrees.
    impossible: bool = False

    def as_score(self) -> Score:
        return Score(self.weight, self.probability, self.features, self.impossible)


def clearly_different(a: RecordFeatures, b: RecordFeatures, settings: MatchSettings = DEFAULT_SETTINGS) -> bool:
    """A cheap test that a pair cannot reach the unsure band (scoring.clearly_different): most candidate pairs
    from name-word blocks are like that, and skipping their full scoring keeps resolution near-linear."""
    return scoring.clearly_different(a.side, b.side, settings.weights)


def score_pair(a: RecordFeatures, b: RecordFeatures, settings: MatchSettings = DEFAULT_SETTINGS) -> PairScore:
    left, right = sorted((a.key, b.key))
    found = scoring.score(a.side, b.side, settings.weights)
    return PairScore(
        left, right, found.probability, found.weight, found.evidence, found.explanation, impossible=found.impossible
    )


def blocking_keys(f: RecordFeatures) -> list[tuple[str, str]]:
    side = f.side
    name, core = side.name.normalised, side.name.core
    keys: list[tuple[str, str]] = [("name", name)]
    if core:
        # The whole name, and a brand with its kommun: "Yalla" is everywhere, "Yalla" in Norrtälje is not.
        keys += [("core", core), ("core_in_kommun", f"{core}|{side.kommun}")] if side.kommun else [("core", core)]
    for token in side.name.tokens:
        if len(token) > 1:
            keys.append(("token", token))
        if len(token) >= 5:
            # Typos rarely hit both ends of a word: "snikeri" still shares "snik"... or "keri".
            keys += [("prefix", token[:4]), ("suffix", token[-4:])]
    identifiers = (("orgnr", side.orgnr), ("domain", side.domain), ("mail", side.mail_domain), ("phone", side.phone))
    keys += [(kind, value) for kind, value in identifiers if value]
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
