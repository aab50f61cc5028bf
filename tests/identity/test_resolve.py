from __future__ import annotations

import random
from datetime import UTC, datetime

from registry.identity.judgements import MATCHER, Decision, Judgement, JudgementGraph
from registry.identity.matching import PairScore, candidate_pairs, record_features, score_pair
from registry.identity.resolve import resolve
from registry.ingest.records import SourceRecord
from tests.factories import record

LATER = datetime(2026, 12, 1, tzinfo=UTC)


def _clusters(records: list, prior: JudgementGraph | None = None) -> list[set[tuple[str, str]]]:
    return sorted((set(c.keys) for c in resolve(records, prior).clusters), key=lambda s: sorted(s))


def _score(a: SourceRecord, b: SourceRecord) -> PairScore:
    return score_pair(record_features(a), record_features(b))


def test_spelling_variants_of_one_enterprise_are_one_organisation() -> None:
    records = [
        record("city_list", "1", "Vägen Ut Kooperativen ek. för.", municipality="Göteborg"),
        record("skoopi", "vagen-ut", "Vägen ut! kooperativen", municipality="Göteborgs stad"),
        record("other", "x", "VAGEN UT"),
        record("fourth", "k", "Kooperativet Vägen ut"),
    ]
    assert _clusters(records) == [{("city_list", "1"), ("skoopi", "vagen-ut"), ("other", "x"), ("fourth", "k")}]


def test_namesakes_in_different_municipalities_stay_apart() -> None:
    records = [
        record("a", "1", "Hela Människan Stockholm"),
        record("b", "2", "Hela Människan Södertälje"),
        record("c", "3", "Hela människan", municipality="Stockholm"),
        record("d", "4", "Hela människan", municipality="Södertälje"),
    ]
    clusters = _clusters(records)
    assert {("a", "1"), ("c", "3")} in clusters
    assert {("b", "2"), ("d", "4")} in clusters
    pair = _score(records[0], records[1])
    assert pair.probability < 0.5 and "kommun differ" in pair.explanation


def test_different_valid_orgnr_are_never_one_organisation_even_with_identical_names() -> None:
    records = [
        record("a", "1", "Macken", orgnr_as_written="769600-1234", municipality="Växjö"),
        record("b", "2", "Macken", orgnr_as_written="556016-0680", municipality="Växjö"),
        record("c", "3", "Macken", municipality="Växjö"),  # matches both, so must not bridge them
    ]
    clusters = _clusters(records)
    assert not any({("a", "1"), ("b", "2")} <= c for c in clusters)
    assert len(clusters) == 2
    assert _score(records[0], records[1]).impossible


def test_the_same_orgnr_written_differently_settles_it_whatever_the_names() -> None:
    a = record("a", "1", "Kooperativet Gröna Händer", orgnr_as_written="7696001234")
    b = record("b", "2", "Gröna händer i Huddinge ek för", orgnr_as_written="16769600-1234")
    pair = _score(a, b)
    assert pair.probability > 0.99 and "organisationsnummer equal (+30.0)" in pair.explanation


def test_every_score_explains_each_feature_with_its_weight() -> None:
    a = record("a", "1", "Basta arbetskooperativ", website="https://www.basta.se", municipality="Nykvarn")
    b = record("b", "2", "Basta", website="basta.se/om", phone="08-555 000 00", municipality="Nykvarn")
    pair = _score(a, b)
    assert pair.probability >= 0.95
    assert "name similarity 100 (+9.0)" in pair.explanation
    assert "kommun equal (+3.0)" in pair.explanation and "website equal (+7.0)" in pair.explanation


def test_a_bare_name_against_the_same_name_with_a_town_waits_for_review() -> None:
    a = record("city_list", "8", "Le Mat")
    b = record("social_trade", "le-mat-goteborg", "Le Mat Göteborg")
    result = resolve([a, b])
    assert [d.judgement for d in result.decisions] == [Judgement.UNSURE]
    assert len(result.clusters) == 2


def test_blocking_never_pairs_records_that_share_nothing() -> None:
    records = [record("a", str(i), name) for i, name in enumerate(["Macken", "Le Mat", "Yalla Trappan"])]
    assert candidate_pairs([record_features(r) for r in records]) == set()


def test_blocking_finds_typos_in_long_words() -> None:
    records = [record("a", "1", "Snickeri Mimosa"), record("b", "1", "Snikkeri Mimossa")]
    assert candidate_pairs([record_features(r) for r in records]) == {(0, 1)}


def test_a_person_s_judgement_wins_and_survives_re_runs() -> None:
    a = record("a", "1", "Le Mat", municipality="Göteborg")
    b = record("b", "1", "Le Mat", municipality="Göteborg")
    first = resolve([a, b])
    assert len(first.clusters) == 1  # the matcher says same
    graph = JudgementGraph(first.decisions)
    graph.decide(Decision(a.key, b.key, Judgement.NEGATIVE, "person:Elin", LATER))
    second = resolve([a, b], prior=graph)
    assert len(second.clusters) == 2
    assert second.decisions == []  # the matcher's view did not change, so nothing new is stored
    assert graph.current(a.key, b.key).decided_by == "person:Elin"


def test_a_negative_judgement_is_never_crossed_through_a_third_record() -> None:
    a = record("a", "1", "Macken", municipality="Växjö")
    b = record("b", "1", "Macken", municipality="Växjö")
    c = record("c", "1", "Macken", municipality="Växjö")
    graph = JudgementGraph([Decision(a.key, b.key, Judgement.NEGATIVE, "person:Elin", LATER)])
    result = resolve([a, b, c], prior=graph)
    assert not any({a.key, b.key} <= set(cl.keys) for cl in result.clusters)
    assert result.refused  # one of the matcher's links had to be refused


def test_a_person_can_join_what_the_matcher_would_not() -> None:
    a = record("a", "1", "Kooperativet Gröna Händer")
    b = record("b", "1", "GH Trädgård ek. för.")
    graph = JudgementGraph([Decision(a.key, b.key, Judgement.POSITIVE, "person:Elin", LATER)])
    assert _clusters([a, b], graph) == [{a.key, b.key}]


def test_a_link_the_matcher_withdraws_is_recorded_as_withdrawn() -> None:
    a = record("a", "1", "Macken", municipality="Växjö")
    b = record("b", "1", "Macken", municipality="Växjö")
    first = resolve([a, b])
    renamed = record("b", "1", "Yalla Trappan", municipality="Malmö")
    second = resolve([a, renamed], prior=JudgementGraph(first.decisions))
    assert [(d.judgement, d.decided_by, d.explanation) for d in second.decisions] == [
        (Judgement.NEGATIVE, MATCHER, "no longer a candidate pair")
    ]
    assert len(second.clusters) == 2


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
