"""Properties of identity that must hold for any input (hypothesis)."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.identity.ids import assign_ids
from registry.identity.judgements import JudgementGraph
from registry.identity.resolve import resolve
from tests.factories import record

NAMES = ["Vägen ut", "VAGEN UT kooperativen", "Basta", "Basta arbetskooperativ", "Macken", "Macken ek för", "Le Mat"]
PLACES = [None, "Stockholm", "Göteborg", "Växjö"]
ORGNRS = [None, None, "769600-1234", "556016-0680", "802000-0003"]

records_strategy = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c"]), st.sampled_from(NAMES), st.sampled_from(PLACES), st.sampled_from(ORGNRS)
    ),
    min_size=1,
    max_size=14,
).map(
    lambda rows: [
        record(
            source, str(i), name, **({"municipality": place} if place else {}), **({"orgnr_as_written": o} if o else {})
        )
        for i, (source, name, place, o) in enumerate(rows)
    ]
)


def _ids_by_members(records: list, previous: dict) -> tuple[dict[frozenset, str], dict[str, str]]:
    clusters = resolve(records).clusters
    assignment = assign_ids([c.keys for c in clusters], previous)
    return {frozenset(c.keys): i for c, i in zip(clusters, assignment.ids, strict=True)}, assignment.redirects


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records_strategy, st.randoms())
def test_ids_do_not_depend_on_input_order(records: list, rnd: random.Random) -> None:
    shuffled = records[:]
    rnd.shuffle(shuffled)
    assert _ids_by_members(records, {}) == _ids_by_members(shuffled, {})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records_strategy)
def test_re_running_changes_nothing(records: list) -> None:
    first = resolve(records)
    first_ids, _ = _ids_by_members(records, {})
    previous = {key: registry_id for members, registry_id in first_ids.items() for key in members}
    second = resolve(records, prior=JudgementGraph(first.decisions))
    assert second.decisions == []
    assert [c.keys for c in second.clusters] == [c.keys for c in first.clusters]
    second_ids, redirects = _ids_by_members(records, previous)
    assert second_ids == first_ids and redirects == {}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records_strategy)
def test_two_different_valid_orgnr_never_share_an_organisation(records: list) -> None:
    for cluster in resolve(records).clusters:
        assert len({m.orgnr for m in cluster.members if m.orgnr}) <= 1
