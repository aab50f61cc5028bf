"""The one scoring model: both comparisons share its features and probability, and the shortcut that skips
dissimilar pairs is derived from the features, so a weight change cannot silently make it wrong."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from registry.identity import scoring
from registry.identity.matching import MatchSettings, clearly_different, record_features, score_pair
from registry.identity.scoring import DEDUPE, FEATURES, REGISTER, Agreement, Side, name_forms
from tests.factories import record

WORDS = ["basta", "macken", "vägen", "ut", "le", "mat", "snickeri", "mimosa", "café", "gröna", "händer", "yalla"]
FORMS = ["", " AB", " ek. för.", " ideell förening", " stiftelse"]
PLACES = ["", " Stockholm", " Göteborg", " Solna"]
KOMMUNER = [None, "Stockholm", "Göteborg", "Solna", "Växjö"]
SITES = [None, "https://basta.se", "https://macken.se", "yalla.se"]
PHONES = [None, "08-123 45 67", "031-77 88 99"]
ORGNRS = [None, "769600-1234", "556016-0680", "802000-0003", "556016-0681"]


@st.composite
def records(draw: st.DrawFn, key: str) -> object:
    name = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3)))
    name += draw(st.sampled_from(FORMS)) + draw(st.sampled_from(PLACES))
    fields = {
        "municipality": draw(st.sampled_from(KOMMUNER)),
        "website": draw(st.sampled_from(SITES)),
        "phone": draw(st.sampled_from(PHONES)),
        "orgnr_as_written": draw(st.sampled_from(ORGNRS)),
    }
    return record("s", key, name, **{k: v for k, v in fields.items() if v})


@settings(max_examples=400, deadline=None)
@given(records("a"), records("b"))
def test_a_pair_told_apart_at_a_glance_could_never_have_been_unsure(a: object, b: object) -> None:
    left, right = record_features(a), record_features(b)  # type: ignore[arg-type]
    if clearly_different(left, right):
        assert score_pair(left, right).probability < DEDUPE.unsure_at


def test_the_shortcut_is_off_when_the_weights_would_let_a_dissimilar_pair_reach_review() -> None:
    # Names that share a word but are not alike, in one kommun: dissimilar, no identifier in common.
    a = record_features(record("s", "a", "Gröna Händer Catering", municipality="Solna"))
    b = record_features(record("s", "b", "Gröna Vägen Flyttfirma", municipality="Solna"))
    assert clearly_different(a, b)
    generous = MatchSettings(weights=replace(DEDUPE, kommun=Agreement(12.0, -9.0)))
    assert scoring.clearly_different_bound(generous.weights) >= 0
    assert not clearly_different(a, b, generous)
    assert score_pair(a, b, generous).probability >= generous.unsure_at  # the pair it would have hidden


def test_the_bound_counts_every_listed_feature() -> None:
    # Each feature's bound is part of the sum: raising one feature's best weight raises the bound by as much.
    raised = replace(DEDUPE, legal_form=Agreement(DEDUPE.legal_form.equal + 2.0, DEDUPE.legal_form.differ))
    assert scoring.clearly_different_bound(raised) == scoring.clearly_different_bound(DEDUPE) + 2.0
    assert {f.name for f in FEATURES} >= {"kommun", "legal form", "organisationsnummer", "website", "phone"}


def test_dedupe_and_register_matching_score_a_pair_with_one_model() -> None:
    query = Side(name=name_forms("Gröna Händer ek. för."), legal_form="ek", kommun="1880")
    entry = Side(name=name_forms("Gröna Händer Ekonomisk Förening"), legal_form="ek", kommun="1880")
    for weights in (DEDUPE, REGISTER):
        found = scoring.score(query, entry, weights)
        assert found.probability == scoring.probability(found.weight)
        assert [e.feature for e in found.evidence] == ["name", "legal form", "kommun"]
        assert found.weight == weights.prior + sum(e.weight for e in found.evidence)


def test_an_alias_counts_as_the_registered_name() -> None:
    query = Side(name=name_forms("Kafé Gröna Rummet"))
    entry = Side(name=name_forms("Stiftelsen Trädgårdsgruppen i Örebro"), aliases=(name_forms("Kafé Gröna Rummet"),))
    assert scoring.name_similarity(query, entry) == 100


def test_two_valid_numbers_that_differ_make_a_pair_impossible_in_the_dedupe_model_only() -> None:
    a = Side(name=name_forms("Basta AB"), orgnr="556016-0680")
    b = Side(name=name_forms("Basta AB"), orgnr="769600-1234")
    assert scoring.score(a, b, DEDUPE).impossible
    assert not scoring.score(a, b, REGISTER).impossible  # against the register the number is looked up instead
