from __future__ import annotations

import random

from registry.resolve import candidate_pairs, resolve, score_pair
from tests.factories import record


def _clusters(records: list) -> list[set[tuple[str, str]]]:
    return sorted((set(c.keys) for c in resolve(records)), key=lambda s: sorted(s))


def test_spelling_variants_of_one_enterprise_are_one_organisation() -> None:
    records = [
        record("city_list", "1", "Vägen Ut Kooperativen ek. för.", municipality="Göteborg"),
        record("skoopi", "vagen-ut", "Vägen ut! kooperativen", municipality="Göteborg"),
        record("other", "x", "VAGEN UT"),
    ]
    assert _clusters(records) == [{("city_list", "1"), ("skoopi", "vagen-ut"), ("other", "x")}]


def test_namesakes_in_different_municipalities_stay_apart() -> None:
    records = [
        record("a", "1", "Hela Människan Stockholm", municipality="Stockholm"),
        record("b", "2", "Hela Människan Södertälje", municipality="Södertälje"),
        record("c", "3", "Hela människan", municipality="Stockholm"),
        record("d", "4", "Hela människan", municipality="Södertälje"),
    ]
    clusters = _clusters(records)
    assert {("c", "3"), ("d", "4")} not in clusters
    assert all(not ({("c", "3"), ("d", "4")} <= c) for c in clusters)


def test_different_valid_orgnr_are_never_one_organisation_even_with_identical_names() -> None:
    records = [
        record("a", "1", "Macken", orgnr_as_written="769600-1234"),
        record("b", "2", "Macken", orgnr_as_written="556016-0680"),
        record("c", "3", "Macken"),  # could join either, but must not bridge them
    ]
    clusters = _clusters(records)
    assert not any({("a", "1"), ("b", "2")} <= c for c in clusters)
    assert len(clusters) == 2


def test_the_same_orgnr_links_records_whatever_their_names() -> None:
    a = record("a", "1", "Kooperativet Gröna Händer", orgnr_as_written="7696001234")
    b = record("b", "2", "Gröna händer i Huddinge ek för", orgnr_as_written="16769600-1234")
    pair = score_pair(a, b)
    assert pair.linked and "same organisationsnummer" in pair.explanation


def test_a_shared_website_supports_a_weaker_name_match_and_says_so() -> None:
    a = record("a", "1", "Basta arbetskooperativ", website="https://www.basta.se")
    b = record("b", "2", "Basta Nykvarn", website="basta.se/om")
    pair = score_pair(a, b)
    assert pair.linked
    assert "same website" in pair.explanation and "name similarity" in pair.explanation


def test_blocking_never_pairs_records_that_share_nothing() -> None:
    records = [record("a", str(i), name) for i, name in enumerate(["Macken", "Le Mat", "Yalla Trappan"])]
    assert candidate_pairs(records) == set()


def test_result_does_not_depend_on_input_order() -> None:
    records = [
        record("a", "1", "Vägen ut kooperativen"),
        record("b", "1", "Vagen Ut"),
        record("a", "2", "Basta"),
        record("b", "2", "Basta arbetskooperativ ek för"),
        record("c", "1", "Le Mat"),
    ]
    expected = _clusters(records)
    for seed in range(5):
        shuffled = records[:]
        random.Random(seed).shuffle(shuffled)
        assert _clusters(shuffled) == expected
