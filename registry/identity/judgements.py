"""Identity as a judgement graph: which pairs of source records are the same organisation, and who said so.

A few verbs, no matching logic: ``decide`` records a judgement, ``current`` tells the one in force for a
pair (a person's latest decision always wins over the matcher's), and ``clusters`` returns the connected
components of positive judgements, never crossing a negative one and never joining two different valid
organisationsnummer. Decisions are only ever added: the history of every pair is kept. A person revises a
decision by deciding again (the latest wins) and withdraws it with a ``withdrawn`` decision, which is added
like any other and puts the matcher's judgement back in force.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from registry.ingest.records import RecordKey

Pair = tuple[RecordKey, RecordKey]
MATCHER = "matcher"


class Judgement(StrEnum):
    POSITIVE = "positive"
    NEGATIVE = "negative"
    UNSURE = "unsure"
    # Not a judgement on the pair: a person takes back their own decision on it.
    WITHDRAWN = "withdrawn"


def pair_of(a: RecordKey, b: RecordKey) -> Pair:
    return (a, b) if a <= b else (b, a)


@dataclass(frozen=True)
class Decision:
    left: RecordKey
    right: RecordKey
    judgement: Judgement
    decided_by: str
    decided_at: datetime
    score: float | None = None
    explanation: str = ""

    @property
    def pair(self) -> Pair:
        return pair_of(self.left, self.right)

    @property
    def by_person(self) -> bool:
        return self.decided_by != MATCHER


class JudgementGraph:
    def __init__(self, decisions: Iterable[Decision] = ()) -> None:
        self._matcher: dict[Pair, Decision] = {}
        self._person: dict[Pair, Decision] = {}
        for decision in sorted(decisions, key=lambda d: d.decided_at):
            self.decide(decision)

    def decide(self, decision: Decision) -> None:
        if decision.judgement is Judgement.WITHDRAWN:
            if not decision.by_person:
                raise ValueError("only a person's decision can be withdrawn")
            self._person.pop(decision.pair, None)
            return
        table = self._person if decision.by_person else self._matcher
        table[decision.pair] = decision

    def current(self, a: RecordKey, b: RecordKey) -> Decision | None:
        pair = pair_of(a, b)
        return self._person.get(pair) or self._matcher.get(pair)

    def matcher_decision(self, a: RecordKey, b: RecordKey) -> Decision | None:
        return self._matcher.get(pair_of(a, b))

    def person_decision(self, a: RecordKey, b: RecordKey) -> Decision | None:
        return self._person.get(pair_of(a, b))

    def latest(self) -> list[Decision]:
        """The latest decision of the matcher and of people for every pair (enough to rebuild the graph)."""
        return [*self._matcher.values(), *self._person.values()]

    def matcher_decisions(self) -> list[Decision]:
        return list(self._matcher.values())

    def pairs(self) -> set[Pair]:
        return set(self._matcher) | set(self._person)

    def in_force(self, judgement: Judgement, present: set[RecordKey] | None = None) -> list[Decision]:
        found = []
        for pair in self.pairs():
            decision = self.current(*pair)
            if decision and decision.judgement is judgement and (present is None or set(pair) <= present):
                found.append(decision)
        return found

    def clusters(
        self,
        keys: Sequence[RecordKey],
        orgnr: Mapping[RecordKey, str | None],
        kommun: Mapping[RecordKey, str | None] | None = None,
    ) -> tuple[list[list[RecordKey]], list[Decision], list[Decision]]:
        """Connected components of positive judgements among ``keys``.

        People's positive decisions are applied first, then the matcher's by score. A link is refused when it
        would join a component to one it has a negative judgement with, or two different valid orgnr. A
        matcher's link is also refused when the two components are known to be in different kommuner and the
        link is not an orgnr match: a record without a kommun must not chain namesakes from two towns.
        Returns the clusters, the links used, and the links refused.
        """
        kommun = kommun or {}
        present = set(keys)
        index = {key: i for i, key in enumerate(sorted(present))}
        ordered = sorted(present)
        parent = list(range(len(ordered)))
        orgnrs: list[set[str]] = [{orgnr[k]} if orgnr.get(k) else set() for k in ordered]  # type: ignore[misc]
        places: list[set[str]] = [{kommun[k]} if kommun.get(k) else set() for k in ordered]  # type: ignore[misc]
        negative: list[set[int]] = [set() for _ in ordered]
        for decision in self.in_force(Judgement.NEGATIVE, present):
            i, j = index[decision.left], index[decision.right]
            negative[i].add(j)
            negative[j].add(i)

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        positives = sorted(
            self.in_force(Judgement.POSITIVE, present),
            key=lambda d: (not d.by_person, -(d.score or 0.0), d.pair),
        )
        used: list[Decision] = []
        refused: list[Decision] = []
        for decision in positives:
            ri, rj = find(index[decision.left]), find(index[decision.right])
            if ri == rj:
                used.append(decision)
                continue
            conflicting_orgnr = orgnrs[ri] and orgnrs[rj] and orgnrs[ri] != orgnrs[rj]
            blocked = any(find(n) == rj for n in negative[ri]) or any(find(n) == ri for n in negative[rj])
            same_orgnr = bool(orgnr.get(decision.left)) and orgnr.get(decision.left) == orgnr.get(decision.right)
            other_towns = places[ri] and places[rj] and not places[ri] & places[rj]
            if conflicting_orgnr or blocked or (other_towns and not decision.by_person and not same_orgnr):
                refused.append(decision)
                continue
            keep, drop = min(ri, rj), max(ri, rj)
            parent[drop] = keep
            orgnrs[keep] |= orgnrs[drop]
            places[keep] |= places[drop]
            negative[keep] |= negative[drop]
            used.append(decision)
        groups: dict[int, list[RecordKey]] = defaultdict(list)
        for key in ordered:
            groups[find(index[key])].append(key)
        return [groups[root] for root in sorted(groups)], used, refused
