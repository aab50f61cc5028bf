"""Cross-source deduplication: blocking, explained pair scores, and clustering under hard constraints.

Two records with different valid organisationsnummer are never placed in one organisation, whatever
their names say: the constraint is enforced when clusters are joined, not only when pairs are scored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from rapidfuzz import fuzz

from registry.normalize import email_domain, normalise_name, normalise_phone, web_domain
from registry.records import SourceRecord

# Shared mailbox providers say nothing about which organisation a record belongs to.
GENERIC_EMAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "hotmail.com",
        "hotmail.se",
        "outlook.com",
        "live.se",
        "yahoo.com",
        "yahoo.se",
        "icloud.com",
    }
)


@dataclass(frozen=True)
class MatchSettings:
    """Every threshold of the matcher in one place, printed in explanations."""

    name_alone: float = 92.0
    name_with_contact: float = 80.0
    # A name token shared by more records than this is too common to make candidates from ("café", "stockholm").
    max_block_size: int = 50


DEFAULT_SETTINGS = MatchSettings()


@dataclass(frozen=True)
class PairScore:
    left: tuple[str, str]
    right: tuple[str, str]
    score: float
    linked: bool
    explanation: str


@dataclass(frozen=True)
class Cluster:
    members: tuple[SourceRecord, ...]
    links: tuple[PairScore, ...]

    @property
    def keys(self) -> list[tuple[str, str]]:
        return [m.key for m in self.members]


@dataclass(frozen=True)
class _Features:
    name: str
    tokens: frozenset[str]
    domain: str | None
    mail_domain: str | None
    phone: str | None
    municipality: str | None


def _features(record: SourceRecord) -> _Features:
    name = normalise_name(record.name)
    mail = email_domain(record.email)
    return _Features(
        name=name,
        tokens=frozenset(name.split()),
        domain=web_domain(record.website),
        mail_domain=None if mail in GENERIC_EMAIL_DOMAINS else mail,
        phone=normalise_phone(record.phone),
        municipality=normalise_name(record.municipality) if record.municipality else None,
    )


def candidate_pairs(
    records: Sequence[SourceRecord], settings: MatchSettings = DEFAULT_SETTINGS
) -> set[tuple[int, int]]:
    """Pairs that share a blocking key (a name token, orgnr, web or mail domain, phone): never all pairs."""
    features = [_features(r) for r in records]
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, (record, feat) in enumerate(zip(records, features, strict=True)):
        keys = [("token", t) for t in feat.tokens if len(t) > 1]
        keys += [("orgnr", record.orgnr), ("domain", feat.domain), ("mail", feat.mail_domain)]
        keys.append(("phone", feat.phone))
        for kind, value in keys:
            if value:
                blocks[(kind, value)].append(index)
    pairs: set[tuple[int, int]] = set()
    for (kind, _), members in blocks.items():
        if kind == "token" and len(members) > settings.max_block_size:
            continue
        pairs.update(combinations(members, 2))
    return pairs


def score_pair(a: SourceRecord, b: SourceRecord, settings: MatchSettings = DEFAULT_SETTINGS) -> PairScore:
    fa, fb = _features(a), _features(b)
    name_score = fuzz.token_sort_ratio(fa.name, fb.name)
    reasons = [f"name similarity {name_score:.0f}"]
    if a.orgnr and b.orgnr:
        same = a.orgnr == b.orgnr
        reasons.append("same organisationsnummer" if same else "different organisationsnummer")
        return PairScore(a.key, b.key, 100.0 if same else 0.0, same, "; ".join(reasons))
    contact = [
        label
        for label, left, right in (
            ("website", fa.domain, fb.domain),
            ("e-mail domain", fa.mail_domain, fb.mail_domain),
            ("phone", fa.phone, fb.phone),
        )
        if left and left == right
    ]
    reasons += [f"same {label}" for label in contact]
    municipality_conflict = bool(fa.municipality and fb.municipality and fa.municipality != fb.municipality)
    if municipality_conflict:
        reasons.append("different municipality")
    if contact:
        # With shared contact details one name may be a shortening of the other ("Basta" / "Basta Nykvarn"),
        # so token-set similarity, which scores a subset as a match, is the measure.
        name_score = fuzz.token_set_ratio(fa.name, fb.name)
        reasons.append(f"name token overlap {name_score:.0f}")
        linked = name_score >= settings.name_with_contact
        threshold = settings.name_with_contact
    else:
        linked = name_score >= settings.name_alone and not municipality_conflict
        threshold = settings.name_alone
    reasons.append(f"threshold {threshold:.0f}")
    return PairScore(a.key, b.key, float(name_score), linked, "; ".join(reasons))


class _ConstrainedUnionFind:
    """Union-find that refuses to join two components holding different valid organisationsnummer."""

    def __init__(self, records: Sequence[SourceRecord]) -> None:
        self.parent = list(range(len(records)))
        self.orgnrs: list[set[str]] = [{r.orgnr} if r.orgnr else set() for r in records]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> bool:
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return True
        if self.orgnrs[ri] and self.orgnrs[rj] and self.orgnrs[ri] != self.orgnrs[rj]:
            return False
        keep, drop = min(ri, rj), max(ri, rj)
        self.parent[drop] = keep
        self.orgnrs[keep] |= self.orgnrs[drop]
        return True


def resolve(records: Sequence[SourceRecord], settings: MatchSettings = DEFAULT_SETTINGS) -> list[Cluster]:
    """Group records into organisations. Deterministic: the result does not depend on input order."""
    ordered = sorted(records, key=lambda r: r.key)
    scored = [(i, j, score_pair(ordered[i], ordered[j], settings)) for i, j in candidate_pairs(ordered, settings)]
    # Strongest evidence first, so a weak link can never block a strong one through the orgnr constraint.
    scored.sort(key=lambda t: (-t[2].score, t[0], t[1]))
    components = _ConstrainedUnionFind(ordered)
    accepted: list[tuple[int, PairScore]] = []
    for i, j, pair in scored:
        if pair.linked and components.union(i, j):
            accepted.append((i, pair))
    members: dict[int, list[SourceRecord]] = defaultdict(list)
    for index, record in enumerate(ordered):
        members[components.find(index)].append(record)
    links: dict[int, list[PairScore]] = defaultdict(list)
    for i, pair in accepted:
        links[components.find(i)].append(pair)
    return [Cluster(tuple(members[root]), tuple(links[root])) for root in sorted(members)]
