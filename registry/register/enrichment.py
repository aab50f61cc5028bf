"""Matching organisations to the company register: by organisationsnummer, else by name with evidence.

A valid orgnr is looked up directly. Otherwise candidates come from the register's name index (rarest words
first) and are scored like source records are (registry/identity/matching.py): name similarity, kommun, declared
legal form, plus the registration's status, so an active registration beats a deregistered namesake. A
confident match is linked with its score and explanation; an uncertain one is left for review; people's
judgements on a pair (organisation, register entry) always win.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache

from rapidfuzz import fuzz

from registry.identity.judgements import MATCHER, Decision, Judgement, JudgementGraph
from registry.ingest.records import SourceRecord
from registry.reference.geography import find_kommun, place_suffix
from registry.reference.normalize import declared_legal_form, normalise_name
from registry.register.bolagsverket import STATUS_ACTIVE, STATUS_DEREGISTERED, RegisterEntry
from registry.register.register_snapshot import RegisterSnapshot

# Declared legal form in a name -> Bolagsverket's organisationsform code.
FORM_CODES = {"ek": {"EK", "BRF"}, "ab": {"AB"}, "if": {"I"}, "st": {"S"}, "hb": {"HB", "KB"}}
METHOD_ORGNR = "orgnr"
METHOD_NAME = "name"
METHOD_REVIEW = "review"
METHOD_PERSON = "person"
METHOD_NONE = "none"


@dataclass(frozen=True)
class EnrichSettings:
    prior: float = -5.0
    name_levels: tuple[tuple[float, float], ...] = ((97.0, 10.0), (92.0, 7.0), (85.0, 3.0), (0.0, -8.0))
    kommun_equal: float = 3.0
    kommun_differ: float = -5.0
    legal_form_equal: float = 1.5
    legal_form_differ: float = -6.0
    # Preference between candidates by registration status (an active one before a deregistered namesake).
    active: float = 1.5
    deregistered: float = -1.5
    confident_at: float = 0.95
    review_at: float = 0.5
    # The best candidate must lead the next by this many bits, or the choice is a person's.
    margin: float = 2.0
    # Candidates scored in full after the fast first pass.
    shortlist: int = 25


DEFAULT_ENRICH = EnrichSettings()


@dataclass(frozen=True)
class EnrichmentQuery:
    key: str
    name: str
    orgnr: str | None = None
    municipality: str | None = None


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


@lru_cache(maxsize=1 << 16)
def name_key(name: str) -> tuple[str, str, str | None]:
    """(normalised name, core, place) of a name as compared: the core is the name without a kommun at its end
    or start."""
    normalised = normalise_name(name)
    return normalised, *place_suffix(normalised)


def similarity(core: str, other: str) -> float:
    """Name similarity of two cores: token_sort_ratio (word order does not matter), or the ratio of the cores
    without spaces when that is higher, so that a typo that moves a space ('God aLändgrust') counts as one
    typo, not as two changed words."""
    return max(fuzz.token_sort_ratio(core, other), fuzz.ratio(core.replace(" ", ""), other.replace(" ", "")))


def _name_similarity(query: tuple[str, str, str | None], entry: RegisterEntry) -> float:
    """The best similarity of the query's name to one of the entry's names: of their cores, or of the whole
    names when a place was split off only one of them (a moved or misspelt place word: 'Bageri Filipstda')."""
    best = 0.0
    for name in (entry.name, *entry.other_names):
        normalised, core, place = name_key(name)
        best = max(best, similarity(query[1], core))
        if (query[2] is None) != (place is None):
            best = max(best, similarity(query[0], normalised))
    return best


def _weight(name_similarity: float, query_kommun: str | None, place_from_name: bool, query_form: str | None,
            entry: RegisterEntry, s: EnrichSettings) -> tuple[float, list[str]]:  # fmt: skip
    name_weight = next(w for at_least, w in s.name_levels if name_similarity >= at_least)
    parts = [f"name similarity {name_similarity:.0f} ({name_weight:+.1f})"]
    weight = s.prior + name_weight
    if query_kommun and entry.kommun:
        if query_kommun != entry.kommun and place_from_name and name_key(entry.name)[2] == query_kommun:
            # The place was read from the query's name, and the registered name says it too: it is part of the
            # name (already compared), not a sign of where the registration is.
            parts.append("kommun: the place is in both names (+0.0)")
        else:
            w = s.kommun_equal if query_kommun == entry.kommun else s.kommun_differ
            parts.append(f"kommun {'equal' if w > 0 else 'differ'} ({w:+.1f})")
            weight += w
    if query_form and entry.legal_form:
        w = s.legal_form_equal if entry.legal_form in FORM_CODES.get(query_form, set()) else s.legal_form_differ
        parts.append(f"legal form {'equal' if w > 0 else 'differ'} ({w:+.1f})")
        weight += w
    return weight, parts


def _status_preference(entry: RegisterEntry, s: EnrichSettings) -> float:
    """Ranks an active registration above a deregistered namesake; it does not change how sure a match is."""
    return s.active if entry.status == STATUS_ACTIVE else s.deregistered if entry.status == STATUS_DEREGISTERED else 0.0


def shortlist(
    query: tuple[str, str, str | None], entries: list[RegisterEntry], size: int
) -> list[tuple[float, RegisterEntry]]:
    """The ``size`` candidates most similar to a query's name (its name_key), with their name similarity: the
    few worth weighing in full."""
    scored = [(_name_similarity(query, e), e) for e in entries]
    return heapq.nlargest(size, scored, key=lambda t: t[0]) if len(scored) > size else scored


def _probability(weight: float) -> float:
    return 1.0 / (1.0 + 2.0 ** (-weight))


def match(
    query: EnrichmentQuery,
    snapshot: RegisterSnapshot,
    settings: EnrichSettings = DEFAULT_ENRICH,
    judgements: Mapping[str, Judgement] | None = None,
) -> RegisterMatch:
    """The register entry for one organisation. ``judgements``: orgnr -> a person's judgement for this query."""
    judgements = judgements or {}
    if query.orgnr:
        found = [e for e in snapshot.by_orgnr(query.orgnr) if judgements.get(e.orgnr) is not Judgement.NEGATIVE]
        if found:
            return RegisterMatch(query.key, found[0], METHOD_ORGNR, 1.0, "organisationsnummer found in the register")
    for orgnr, judgement in sorted(judgements.items()):
        if judgement is Judgement.POSITIVE and (entries := snapshot.by_orgnr(orgnr)):
            return RegisterMatch(query.key, entries[0], METHOD_PERSON, 1.0, "matched by a person in review")
    query_key = name_key(query.name)
    place = query_key[2]
    kommun = find_kommun(query.municipality)
    query_kommun = kommun.code if kommun else place
    form = declared_legal_form(query.name)
    found = shortlist(query_key, snapshot.candidates(query.name, near=False), settings.shortlist)
    if max((score for score, _ in found), default=0.0) < settings.name_levels[0][0]:
        # No registered name as written comes close: the name may be misspelt, so look further.
        found = shortlist(query_key, snapshot.candidates(query.name), settings.shortlist)
    scored = []
    for name_similarity, entry in found:
        if judgements.get(entry.orgnr) is Judgement.NEGATIVE:
            continue
        weight, parts = _weight(name_similarity, query_kommun, kommun is None, form, entry, settings)
        preference = _status_preference(entry, settings)
        scored.append((weight + preference, weight, entry.orgnr, entry, parts))
    if not scored:
        return RegisterMatch(query.key, None, METHOD_NONE, 0.0, "no registered name shares a word with this one")
    scored.sort(key=lambda t: (-t[0], t[2]))
    rank, weight, _, light, parts = scored[0]
    best = snapshot.by_orgnr(light.orgnr)[0]  # the candidates were read without their long texts
    probability = _probability(weight)
    runner_up = scored[1][0] if len(scored) > 1 else float("-inf")
    if len(scored) > 1 and scored[1][1] >= weight - settings.margin and best.status != scored[1][3].status:
        parts.append(f"registration {best.status} preferred to {scored[1][3].status} {scored[1][3].orgnr}")
    explanation = "; ".join(parts) + f" -> p={probability:.3f}"
    if probability >= settings.confident_at and rank - runner_up >= settings.margin:
        return RegisterMatch(query.key, best, METHOD_NAME, probability, explanation)
    if probability >= settings.review_at:
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
    name = max((m.name for m in ordered), key=lambda n: (len(n), n))
    return EnrichmentQuery(registry_id, name, orgnr, municipality)


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
    for registry_id, members in organisations:
        found = match(query_for(registry_id, members), snapshot, settings, people.get(registry_id))
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
