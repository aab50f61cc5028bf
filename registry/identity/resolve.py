"""Resolution: source records into organisations, through blocking, explained scores and the judgement graph.

The matcher judges every candidate pair: confident pairs positive, uncertain ones unsure (they wait for a
person), the rest negative. Its judgements join those already in the graph, where a person's always win;
organisations are the connected components of positive judgements. Only judgements that changed are
returned for storing, so a re-run over the same input adds nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from registry.identity.judgements import MATCHER, Decision, Judgement, JudgementGraph, Pair
from registry.identity.matching import (
    DEFAULT_SETTINGS,
    MatchSettings,
    PairScore,
    candidate_pairs,
    clearly_different,
    record_features,
    score_pair,
)
from registry.identity.scoring import MATCH, NO_MATCH, REVIEW, decision
from registry.ingest.records import SourceRecord


@dataclass(frozen=True)
class Cluster:
    members: tuple[SourceRecord, ...]
    links: tuple[Decision, ...]

    @property
    def keys(self) -> list[tuple[str, str]]:
        return [m.key for m in self.members]


@dataclass(frozen=True)
class ResolveResult:
    clusters: list[Cluster]
    # The matcher's judgements that are new or changed this run: to be stored in the judgement graph.
    decisions: list[Decision]
    # Every candidate pair the matcher scored in full this run (not those it could tell apart at a glance).
    scores: dict[Pair, PairScore]
    # Positive judgements that could not be applied (they would cross a negative one or join two orgnr).
    refused: list[Decision]
    # How many pairs blocking proposed (those not in ``scores`` were told apart at a glance).
    candidate_count: int = 0


_JUDGEMENT_OF = {MATCH: Judgement.POSITIVE, REVIEW: Judgement.UNSURE, NO_MATCH: Judgement.NEGATIVE}


def judge(score: PairScore, settings: MatchSettings = DEFAULT_SETTINGS) -> Judgement:
    return _JUDGEMENT_OF[decision(score.as_score(), settings.weights)]


def resolve(
    records: Sequence[SourceRecord],
    prior: JudgementGraph | None = None,
    settings: MatchSettings = DEFAULT_SETTINGS,
    now: datetime | None = None,
) -> ResolveResult:
    """Group records into organisations. The result does not depend on the order of ``records``."""
    now = now or datetime.now(UTC)
    ordered = sorted(records, key=lambda r: r.key)
    features = [record_features(r) for r in ordered]
    graph = JudgementGraph(prior.latest() if prior else ())
    changed: list[Decision] = []
    scores: dict[Pair, PairScore] = {}
    candidates: set[Pair] = set()
    for i, j in sorted(candidate_pairs(features, settings)):
        a, b = features[i], features[j]
        pair = (a.key, b.key) if a.key <= b.key else (b.key, a.key)
        candidates.add(pair)
        score = None if clearly_different(a, b, settings) else score_pair(a, b, settings)
        if score is not None:
            scores[pair] = score
        judgement = judge(score, settings) if score else Judgement.NEGATIVE
        previous = graph.matcher_decision(*pair)
        if judgement is (previous.judgement if previous else Judgement.NEGATIVE):
            continue
        decision = Decision(
            *pair,
            judgement,
            MATCHER,
            now,
            score.probability if score else 0.0,
            score.explanation if score else "names dissimilar and no identifier shared",
        )
        graph.decide(decision)
        changed.append(decision)
    present = {r.key for r in ordered}
    for decision in graph.matcher_decisions():
        # A pair the matcher once linked, whose records are still here but no longer candidates (their names,
        # sites or numbers changed): the old link no longer holds.
        if (
            decision.judgement is not Judgement.NEGATIVE
            and set(decision.pair) <= present
            and decision.pair not in candidates
        ):
            withdrawn = Decision(*decision.pair, Judgement.NEGATIVE, MATCHER, now, 0.0, "no longer a candidate pair")
            graph.decide(withdrawn)
            changed.append(withdrawn)
    by_key = {r.key: r for r in ordered}
    groups, used, refused = graph.clusters(
        [r.key for r in ordered], {r.key: r.orgnr for r in ordered}, {f.key: f.kommun for f in features}
    )
    links_by_member: dict[tuple[str, str], list[Decision]] = {}
    for decision in used:
        links_by_member.setdefault(decision.left, []).append(decision)
    clusters = [
        Cluster(
            members=tuple(by_key[k] for k in group),
            links=tuple(d for k in group for d in links_by_member.get(k, [])),
        )
        for group in groups
    ]
    return ResolveResult(clusters, changed, scores, refused, len(candidates))
