from __future__ import annotations

import random

from registry.identity.ids import ID_PREFIX, assign_ids

A1, A2, B1, B2, C1 = ("a", "1"), ("a", "2"), ("b", "1"), ("b", "2"), ("c", "1")


def test_new_ids_are_opaque_prefixed_and_distinct() -> None:
    result = assign_ids([[A1, B1], [A2], [C1]], previous={})
    assert len(set(result.ids)) == 3
    assert all(i.startswith(ID_PREFIX) and len(i) == len(ID_PREFIX) + 8 for i in result.ids)


def test_an_organisation_keeps_its_id_while_its_records_change() -> None:
    first = assign_ids([[A1, B1]], previous={})
    previous = {A1: first.ids[0], B1: first.ids[0]}
    second = assign_ids([[B1, C1]], previous=previous)  # A1 left, C1 arrived
    assert second.ids == first.ids and second.redirects == {}


def test_a_merge_keeps_one_id_and_redirects_the_other() -> None:
    previous = {A1: "asf-aaaaaaaa", A2: "asf-aaaaaaaa", B1: "asf-bbbbbbbb"}
    result = assign_ids([[A1, A2, B1]], previous=previous)
    assert result.ids == ["asf-aaaaaaaa"]
    assert result.redirects == {"asf-bbbbbbbb": "asf-aaaaaaaa"}


def test_a_split_keeps_the_id_with_the_larger_part() -> None:
    previous = {A1: "asf-aaaaaaaa", A2: "asf-aaaaaaaa", B1: "asf-aaaaaaaa"}
    result = assign_ids([[B1], [A1, A2]], previous=previous)
    assert result.ids[1] == "asf-aaaaaaaa"
    assert result.ids[0] != "asf-aaaaaaaa" and result.redirects == {}


def test_a_retired_id_is_never_given_to_another_organisation() -> None:
    retired = assign_ids([[C1]], previous={}).ids[0]
    # C1's organisation is gone; a new organisation seeded by the same key must not reuse the old ID.
    result = assign_ids([[C1]], previous={}, known_ids={retired})
    assert result.ids[0] != retired


def test_ids_do_not_depend_on_cluster_order() -> None:
    clusters = [[A1, B1], [A2], [C1, B2]]
    expected = dict(zip(map(tuple, clusters), assign_ids(clusters, previous={}).ids, strict=True))
    for seed in range(5):
        shuffled = clusters[:]
        random.Random(seed).shuffle(shuffled)
        got = dict(zip(map(tuple, shuffled), assign_ids(shuffled, previous={}).ids, strict=True))
        assert got == expected
