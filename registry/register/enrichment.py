"""Matching organisations to the company register: by organisationsnummer, else by name with evidence.

A valid orgnr is looked up directly. Otherwise candidates come from the register's name index (words shared
with few registered names), for all organisations in one set-based look-up, and are scored by the model that
compares source records (registry/identity/scoring.py, its REGISTER weights): name similarity against every
name the entry is registered under, kommun, street, declared legal form. The registration's status ranks the
candidates, so an active registration beats a deregistered namesake. A confident match is linked with its
score and explanation; an uncertain one is left for review; people's judgements on a pair (organisation,
register entry) always win.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from registry.identity.judgements import MATCHER, Decision, Judgement, JudgementGraph
from registry.identity.scoring import REGISTER, Side, WeightSet, name_forms, name_similarity, register_form, score
from registry.ingest.records import SourceRecord
from registry.reference.addresses import street
from registry.reference.geography import find_kommun
from registry.reference.names import declared_legal_form
from registry.register.bolagsverket import STATUS_ACTIVE, STATUS_DEREGISTERED, RegisterEntry
from registry.register.register_snapshot import RegisterSnapshot

METHOD_ORGNR = "orgnr"
METHOD_NAME = "name"
METHOD_REVIEW = "review"
METHOD_PERSON = "person"
METHOD_NONE = "none"


@dataclass(frozen=True)
class EnrichSettings:
    """The register model's weights and thresholds (scoring.REGISTER), and how a candidate is chosen."""

    weights: WeightSet = REGISTER
    # Preference between candidates by registration status (an active one before a deregistered namesake): it
    # ranks candidates, it does not change how sure a match is.
    active: float = 1.5
    deregistered: float = -1.5
    # The best candidate must lead the next by this many bits, or the choice is a person's.
    margin: float = 2.0
    # Candidates scored in full after the fast first pass on names alone.
    shortlist: int = 25


DEFAULT_ENRICH = EnrichSettings()
# Queries whose candidates are looked up together (a few hundred candidates each are held at once).
QUERIES_AT_ONCE = 1000


@dataclass(frozen=True)
class EnrichmentQuery:
    key: str
    name: str
    orgnr: str | None = None
    municipality: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class RegisterMatch:
    key: str
    entry: RegisterEntry | None
    method: str
    score: float
    explanation: str
    # The best candidate when the method is review: what a person is asked about.
    candidate: RegisterEntry | None = None
    # SNI industry codes of the matched entry (from SCB's bulk file, when the snapshot has them).
    sni: tuple[str, ...] = ()


def query_side(query: EnrichmentQuery) -> Side:
    name = name_forms(query.name)
    kommun = find_kommun(query.municipality)
    return Side(
        name=name,
        legal_form=declared_legal_form(query.name),
        kommun=kommun.code if kommun else name.place,
        kommun_from_name=kommun is None and name.place is not None,
        street=street(query.address),
    )


def entry_side(entry: RegisterEntry) -> Side:
    return Side(
        name=name_forms(entry.name),
        aliases=tuple(name_forms(other) for other in entry.other_names),
        legal_form=register_form(entry.legal_form),
        kommun=entry.kommun,
        orgnr=entry.orgnr,
        street=street(entry.street),
    )


def _status_preference(entry: RegisterEntry, s: EnrichSettings) -> float:
    """Ranks an active registration above a deregistered namesake; it does not change how sure a match is."""
    return s.active if entry.status == STATUS_ACTIVE else s.deregistered if entry.status == STATUS_DEREGISTERED else 0.0


def shortlist(query: Side, entries: list[RegisterEntry], size: int) -> list[tuple[float, RegisterEntry, Side]]:
    """The ``size`` candidates whose names are most similar to the query's, with that similarity: the few
    worth weighing in full."""
    sides = [(entry, entry_side(entry)) for entry in entries]
    scored = [(name_similarity(query, side), entry, side) for entry, side in sides]
    return heapq.nlargest(size, scored, key=lambda t: t[0]) if len(scored) > size else scored


def match(
    query: EnrichmentQuery,
    snapshot: RegisterSnapshot,
    settings: EnrichSettings = DEFAULT_ENRICH,
    judgements: Mapping[str, Judgement] | None = None,
) -> RegisterMatch:
    """The register entry for one organisation. ``judgements``: orgnr -> a person's judgement for this query."""
    return match_all([query], snapshot, settings, [judgements])[0]


def match_all(
    queries: Sequence[EnrichmentQuery],
    snapshot: RegisterSnapshot,
    settings: EnrichSettings = DEFAULT_ENRICH,
    judgements: Sequence[Mapping[str, Judgement] | None] | None = None,
) -> list[RegisterMatch]:
    """The register entry for each organisation, in the order given; ``judgements``, per query: orgnr -> a
    person's judgement.

    Candidates come for the whole batch at once (RegisterSnapshot.candidates_for): first by the names' words as
    written, then, for the names whose words found nothing close, by near spellings too. Each query's
    candidates are then weighed by the shared model.
    """
    judged = list(judgements) if judgements is not None else [None] * len(queries)
    if len(queries) > QUERIES_AT_ONCE:
        # Candidates of a batch are held at once: a long input (asf-registry enrich) goes in batches.
        return [
            found
            for start in range(0, len(queries), QUERIES_AT_ONCE)
            for found in match_all(
                queries[start : start + QUERIES_AT_ONCE], snapshot, settings, judged[start : start + QUERIES_AT_ONCE]
            )
        ]
    results: list[RegisterMatch | None] = [_settled(q, snapshot, j or {}) for q, j in zip(queries, judged, strict=True)]
    by_name = [i for i, result in enumerate(results) if result is None]
    sides = {i: query_side(queries[i]) for i in by_name}
    found = snapshot.candidates_for([queries[i].name for i in by_name], near=False)
    shortlists = {
        i: shortlist(sides[i], entries, settings.shortlist) for i, entries in zip(by_name, found, strict=True)
    }
    close = settings.weights.name.levels[0][0]
    # No registered name as written comes close: the name may be misspelt, so look further.
    misspelt = [i for i in by_name if max((similar for similar, _, _ in shortlists[i]), default=0.0) < close]
    further = snapshot.candidates_for([queries[i].name for i in misspelt]) if misspelt else []
    for i, entries in zip(misspelt, further, strict=True):
        shortlists[i] = shortlist(sides[i], entries, settings.shortlist)
    for i in by_name:
        results[i] = _weighed(queries[i], sides[i], shortlists[i], snapshot, settings, judged[i] or {})
    return [result for result in results if result is not None]


def _settled(
    query: EnrichmentQuery, snapshot: RegisterSnapshot, judgements: Mapping[str, Judgement]
) -> RegisterMatch | None:
    """The match an orgnr in the register or a person's judgement settles; None when the name must decide."""
    if query.orgnr:
        found = [e for e in snapshot.by_orgnr(query.orgnr) if judgements.get(e.orgnr) is not Judgement.NEGATIVE]
        if found:
            return RegisterMatch(query.key, found[0], METHOD_ORGNR, 1.0, "organisationsnummer found in the register")
    for orgnr, judgement in sorted(judgements.items()):
        if judgement is Judgement.POSITIVE and (entries := snapshot.by_orgnr(orgnr)):
            return RegisterMatch(query.key, entries[0], METHOD_PERSON, 1.0, "matched by a person in review")
    return None


def _weighed(
    query: EnrichmentQuery,
    side: Side,
    found: list[tuple[float, RegisterEntry, Side]],
    snapshot: RegisterSnapshot,
    settings: EnrichSettings,
    judgements: Mapping[str, Judgement],
) -> RegisterMatch:
    """The best of a query's shortlisted candidates by the model, if it is sure enough and leads the next."""
    weights = settings.weights
    scored = []
    for similar, entry, candidate in found:
        if judgements.get(entry.orgnr) is Judgement.NEGATIVE:
            continue
        result = score(side, candidate, weights, known_similarity=similar)
        preference = _status_preference(entry, settings)
        scored.append((result.weight + preference, result.weight, entry.orgnr, entry, result))
    if not scored:
        return RegisterMatch(query.key, None, METHOD_NONE, 0.0, "no registered name shares a word with this one")
    scored.sort(key=lambda t: (-t[0], t[2]))
    rank, weight, _, light, result = scored[0]
    best = snapshot.by_orgnr(light.orgnr)[0]  # the candidates were read without their long texts
    probability, parts = result.probability, result.parts()
    runner_up = scored[1][0] if len(scored) > 1 else float("-inf")
    if len(scored) > 1 and scored[1][1] >= weight - settings.margin and best.status != scored[1][3].status:
        parts.append(f"registration {best.status} preferred to {scored[1][3].status} {scored[1][3].orgnr}")
    explanation = "; ".join(parts) + f" -> p={probability:.3f}"
    if probability >= weights.positive_at and rank - runner_up >= settings.margin:
        return RegisterMatch(query.key, best, METHOD_NAME, probability, explanation)
    if probability >= weights.unsure_at:
        if rank - runner_up < settings.margin:
            explanation += f"; runner-up {scored[1][2]} within {settings.margin:.0f} bits"
        return RegisterMatch(query.key, None, METHOD_REVIEW, probability, explanation, candidate=best)
    return RegisterMatch(query.key, None, METHOD_NONE, probability, explanation)


# Words in a business description or name that suggest work integration (Swedish, folded for comparison).
DISCOVERY_PHRASES = (
    "arbetsintegrer",
    "arbetstraning",
    "arbetsträning",
    "langt fran arbetsmarknaden",
    "långt från arbetsmarknaden",
    "socialt foretag",
    "socialt företag",
    "sociala arbetskooperativ",
    "rehabilitering till arbete",
)


REGISTRY_SIDE = "registry"
REGISTER_SIDE = "bolagsverket"


def query_for(registry_id: str, members: Sequence[SourceRecord]) -> EnrichmentQuery:
    """What the register is asked about an organisation: its orgnr if any record has a valid one, else its
    name (the longest written form, which usually carries the legal form) and its town."""
    ordered = sorted(members, key=lambda r: (r.source, r.source_key))
    orgnr = next((m.orgnr for m in ordered if m.orgnr), None)
    municipality = next((m.municipality for m in ordered if m.municipality), None)
    address = next((m.address for m in ordered if m.address), None)
    name = max((m.name for m in ordered), key=lambda n: (len(n), n))
    return EnrichmentQuery(registry_id, name, orgnr, municipality, address)


def people_on_register_pairs(graph: JudgementGraph) -> dict[str, dict[str, Judgement]]:
    """People's judgements on organisations against register entries: registry ID -> orgnr -> judgement."""
    found: dict[str, dict[str, Judgement]] = {}
    for pair in graph.pairs():
        sides = dict(pair)
        decision = graph.person_decision(*pair)
        if decision is not None and REGISTRY_SIDE in sides and REGISTER_SIDE in sides:
            found.setdefault(sides[REGISTRY_SIDE], {})[sides[REGISTER_SIDE]] = decision.judgement
    return found


def enrich(
    organisations: Sequence[tuple[str, Sequence[SourceRecord]]],
    snapshot: RegisterSnapshot,
    graph: JudgementGraph,
    now: datetime,
    settings: EnrichSettings = DEFAULT_ENRICH,
) -> tuple[dict[str, RegisterMatch], list[Decision]]:
    """Register matches for (registry ID, records) pairs, and the matcher's judgements that changed: a
    confident match as positive, an uncertain one as unsure (it waits in `asf-registry review`)."""
    matches: dict[str, RegisterMatch] = {}
    decisions: list[Decision] = []
    people = people_on_register_pairs(graph)
    queries = [query_for(registry_id, members) for registry_id, members in organisations]
    found_all = match_all(queries, snapshot, settings, [people.get(q.key) for q in queries])
    for (registry_id, _), found in zip(organisations, found_all, strict=True):
        if found.entry is not None:
            found = replace(found, sni=tuple(snapshot.sni_codes(found.entry.orgnr)))
        matches[registry_id] = found
        judged = found.entry or found.candidate
        if judged is None or found.method not in (METHOD_NAME, METHOD_REVIEW):
            continue
        judgement = Judgement.POSITIVE if found.method == METHOD_NAME else Judgement.UNSURE
        pair = ((REGISTRY_SIDE, registry_id), (REGISTER_SIDE, judged.orgnr))
        previous = graph.matcher_decision(*pair)
        if previous is None or previous.judgement is not judgement:
            decisions.append(Decision(*pair, judgement, MATCHER, now, found.score, found.explanation))
    return matches, decisions
