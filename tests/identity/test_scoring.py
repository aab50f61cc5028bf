"""The one scoring model: both comparisons share its features and probability, and the shortcut that skips
dissimilar pairs is derived from the features, so a weight change cannot silently make it wrong."""

from __future__ import annotations

import unicodedata
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
    generous = MatchSettings(weights=replace(DEDUPE, kommun=Agreement(16.0, -9.0)))
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


def _side(name: str, kommun: str | None = "0184", address: str | None = None) -> Side:
    return record_features(record("s", name, name, **({"municipality": "Solna"} if kommun else {}),
                                  **({"address": address} if address else {}))).side  # fmt: skip


def _explained(a: Side, b: Side, w: scoring.WeightSet = DEDUPE) -> tuple[str, str]:
    found = scoring.score(a, b, w)
    return scoring.decision(found, w), found.explanation


def test_one_meaningful_word_that_differs_counts_against_a_match() -> None:
    verdict, why = _explained(_side("Nordic Bygg AB"), _side("Nordisk Bygg AB"))
    assert verdict != "match" and "words differ (nordic / nordisk) (-4.0)" in why
    verdict, why = _explained(_side("Norra Städ ek. för."), _side("Södra Städ ek. för."))
    assert verdict == "no_match" and "words differ (norra / sodra)" in why


def test_a_typo_an_abbreviation_or_a_compound_is_not_a_different_word() -> None:
    for a, b in (("Surdegen Bageri", "Surdgen Bageri"), ("Hemtjänst Service", "Hemtjänst Serv."),
                 ("Byggservice Nord", "Bygg Service Nord")):  # fmt: skip
        assert "words" not in _explained(_side(a), _side(b))[1]


def test_numbers_that_differ_keep_two_organisations_apart() -> None:
    verdict, why = _explained(_side("Kooperativet Steget 2"), _side("Kooperativet Steget 3"))
    assert verdict == "no_match" and "numbers differ (2 / 3) (-10.0)" in why
    verdict, why = _explained(_side("Gården II ek. för."), _side("Gården III ek. för."))
    assert verdict == "no_match" and "numbers differ (ii / iii)" in why
    assert "numbers only in one name (2) (-5.0)" in _explained(_side("Steget 2"), _side("Steget"))[1]
    # A lone "i" is a preposition, not a numeral.
    assert "numbers" not in _explained(_side("Gröna Händer i Örebro"), _side("Gröna Händer Örebro"))[1]


def test_countries_that_differ_keep_two_companies_of_a_group_apart() -> None:
    verdict, why = _explained(_side("Samhall Sverige AB", None), _side("Samhall Norge AB", None))
    assert verdict == "no_match" and "countries differ (se / no) (-10.0)" in why


def test_street_addresses_weigh_when_both_sides_have_one() -> None:
    same = _explained(_side("Café Gemenskap", address="Storgatan 1"), _side("Café Gemenskap", address="Storg. 1"))
    assert same[0] == "match" and "street address equal (+3.0)" in same[1]
    moved = _explained(_side("Café Gemenskap", address="Storgatan 1"), _side("Café Gemenskap", address="Hamngatan 9"))
    assert moved[0] == "review" and "street address differ (storgatan 1 / hamngatan 9) (-6.0)" in moved[1]
    assert "street" not in _explained(_side("Café Gemenskap", address="Storgatan 1"), _side("Café Gemenskap"))[1]


def test_the_register_model_compares_words_with_the_alias_that_matches() -> None:
    query = Side(name=name_forms("Surdegen Bageri"), kommun="0180")
    entry = Side(name=name_forms("Exempelbageriet Surdegen ekonomisk förening"), kommun="0180",
                 aliases=(name_forms("Surdegen Bageri"),))  # fmt: skip
    verdict, why = _explained(query, entry, REGISTER)
    assert verdict == "match" and "words" not in why


NAMES = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join)


def _variants(name: str) -> list[str]:
    """The name as other lists write it: case, diacritics, and its legal form written out, abbreviated or left off."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    bare = name
    for form in FORMS:
        if form and bare.endswith(form):
            bare = bare.removesuffix(form)
    return [name.upper(), name.lower(), folded, bare]


@settings(max_examples=300, deadline=None)
@given(records("a"), records("b"))
def test_the_score_is_symmetric(a: object, b: object) -> None:
    left, right = record_features(a), record_features(b)  # type: ignore[arg-type]
    there, back = scoring.score(left.side, right.side, DEDUPE), scoring.score(right.side, left.side, DEDUPE)
    # The explanation names the two sides in the order given; what each feature weighs does not depend on it.
    assert (there.weight, there.probability) == (back.weight, back.probability)
    assert [(e.feature, e.weight) for e in there.evidence] == [(e.feature, e.weight) for e in back.evidence]


@settings(max_examples=300, deadline=None)
@given(NAMES, st.sampled_from(FORMS), st.sampled_from(FORMS), st.sampled_from(KOMMUNER))
def test_case_diacritics_or_a_legal_form_never_turn_a_match_into_a_no_match(
    name: str, form_a: str, form_b: str, kommun: str | None
) -> None:
    fields = {"municipality": kommun} if kommun else {}
    a, b = record("s", "a", name + form_a, **fields), record("s", "b", name + form_b, **fields)
    if scoring.decision(scoring.score(record_features(a).side, record_features(b).side, DEDUPE), DEDUPE) != "match":
        return
    for variant in _variants(a.name):
        changed = record_features(record("s", "a", variant, **fields)).side
        assert scoring.decision(scoring.score(changed, record_features(b).side, DEDUPE), DEDUPE) != "no_match", variant


def test_an_abbreviation_counts_as_the_word_it_abbreviates() -> None:
    a, b = _side("Skand. Byggservice AB"), _side("Skandinavisk Byggservice AB")
    assert scoring.name_similarity(a, b) == 100
    verdict, why = _explained(_side("V. Frölunda Cykelverkstad"), _side("Västra Frölunda Cykelverkstad"))
    assert verdict == "match" and "words" not in why
    # Without the dot it is a word of its own, which may be another organisation's initial.
    assert "words differ (v / vastra)" in _explained(_side("V Frölunda Bygg"), _side("Västra Frölunda Bygg"))[1]


def test_every_word_agreeing_counts_more_than_the_similarity_says() -> None:
    # Each word has its counterpart, misspelt or moved; the similarity of the whole strings may say less.
    a, b = _side("Sociala kooperativet Vinden", None), _side("Vinden Socialt Kooperativ ek. för.", None)
    assert scoring.every_word_agrees(a, b)
    found = scoring.name_evidence(a, b, DEDUPE, known_similarity=80.0)
    assert (found.outcome, found.weight) == ("similarity 80, every word agrees", 7.0)
    assert not scoring.every_word_agrees(_side("Nordic Bygg"), _side("Nordisk Bygg"))


def _pair(x: str, y: str, kommun_x: str | None = "Solna", kommun_y: str | None = "Solna") -> tuple[str, str]:
    def side(name: str, kommun: str | None) -> Side:
        fields = {"municipality": kommun} if kommun else {}
        return record_features(record("s", name + str(kommun), name, **fields)).side

    return _explained(side(x, kommun_x), side(y, kommun_y))


def test_a_list_may_put_what_the_organisation_does_before_the_registered_name() -> None:
    verdict, why = _pair("Mimosa", "Snickeri Mimosa ekonomisk förening")
    assert verdict == "match" and "one name within the other, adding what it does (snickeri) (+7.0)" in why
    assert _pair("Stickan", "Sömnadskooperativet Stickan ek. för.")[0] == "match"
    assert _pair("Ljuspunkten Café", "Ljuspunkten Café & Second Hand")[0] == "match"  # more of what it does
    # Words after a name that says nothing of what it does belong to another company's name.
    verdict, why = _pair("Kooperativet Ringen", "Ringen Bilverkstad AB")
    assert verdict != "match" and "adding" not in why
    # Without a kommun in common, the added words leave the pair to a person.
    assert _pair("Mimosa", "Snickeri Mimosa ekonomisk förening", "Solna", "Malmö")[0] != "match"


def test_two_names_that_say_they_do_different_things_are_not_one_within_the_other() -> None:
    verdict, why = _pair("Kafé Navet AB", "Cykelverkstan Navet AB")
    assert verdict == "no_match" and "they say they do different things" in why


def test_a_regional_organisation_listed_in_two_kommuner_of_its_region() -> None:
    verdict, why = _pair("Stadsjobb Västerbotten", "Stadsjobb Västerbotten", "Skellefteå", "Umeå")
    assert verdict == "match" and "kommun differs, both in vasterbotten, which both names name (+0.0)" in why
    assert _pair("Hälsinglands Sociala Kooperativ ek. för.", "Hälsinglands Sociala Kooperativ ek. för.",
                 "Hudiksvall", "Bollnäs")[0] == "match"  # fmt: skip
    # Outside the region the name names, two kommuner are two organisations.
    assert _pair("Stadsjobb Västerbotten", "Stadsjobb Västerbotten", "Skellefteå", "Malmö")[0] == "no_match"
    assert _pair("Stadsjobb", "Stadsjobb", "Skellefteå", "Umeå")[0] == "no_match"


def test_whose_firm_it_is_tells_two_firms_apart() -> None:
    verdict, why = _pair("Persson & Dotter Bageri AB", "Persson Bageri AB")
    assert verdict != "match" and "only one name says whose firm it is (dotter)" in why
    assert _pair("Nilsson & Söner Åkeri AB", "Nilssons Åkeri AB")[0] != "match"


def test_compass_words_are_words_of_their_own() -> None:
    verdict, why = _pair("Återbruk Syd AB", "Återbruk Sydost AB", None, None)
    assert verdict != "match" and "words differ (syd / sydost)" in why
    assert "words" not in _pair("Basta Norr", "Basta Norra")[1]


def test_names_written_without_a_a_and_o() -> None:
    verdict, why = _pair("Trädgårdslaget Äppelknyckarna", "Traedgaardslaget Aeppelknyckarna")
    assert verdict == "match" and "words" not in why


def test_legal_forms_that_cannot_be_one_legal_person() -> None:
    verdict, why = _pair("Stiftelsen Lärkan", "Föreningen Lärkan")
    assert verdict != "match" and "legal form differ (-8.0)" in why
    assert "legal form" not in _pair("Föreningen Gemenskap", "Gemenskap ek. för.")[1]  # either kind of förening
    assert _pair("Haninge kommun", "Haninge Kommunfastigheter AB", "Haninge", "Haninge")[0] == "no_match"
    assert _pair("Fjordlaks ASA", "Fjordlaks AS", None, None)[0] == "no_match"
    assert _pair("Second Life Furniture B.V.", "Second Life Furniture AB", None, None)[0] == "no_match"


def test_the_same_street_in_another_town_is_no_evidence_of_one_place() -> None:
    a = _side("Kafé Gemenskap", None, address="Storgatan 12, 972 31 Luleå")
    b = _side("Kafé Gemenskap", None, address="Storgatan 12, 222 22 Lund")
    verdict, why = _explained(a, b)
    assert verdict != "match" and "street address differ" in why
