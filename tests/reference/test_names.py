"""Names as they are compared: one rule per test, each with the spellings lists and the register really use."""

from __future__ import annotations

import pytest

from registry.reference.names import compared_name, declared_legal_form, normalise_name


@pytest.mark.parametrize(
    "name",
    [
        "Vägen Ut Kooperativen ek. för.",
        "VAGEN UT",
        "Kooperativet Vägen ut",
        "Vägen ut! kooperativen",
        "vägen  ut ekonomisk förening",
        "Vägen ut ek.för",
        "Vägen Ut ekonomiska föreningen",
        "Vagen ut ek for",
    ],
)
def test_legal_forms_case_diacritics_and_punctuation_do_not_count(name: str) -> None:
    assert normalise_name(name) == "vagen ut"


@pytest.mark.parametrize(
    ("name", "form"),
    [
        ("Macken ekonomisk föening", "ek"),  # a letter missing
        ("Macken ekonomisk öfrening", "ek"),  # two letters swapped
        ("Macken ekonomsik förening", "ek"),
        ("Macken Aktibolag", "ab"),
        ("Macken aktiebolaget", "ab"),
        ("Macken AB (publ)", "ab"),
        ("Macken AB (svb)", "ab"),
        ("Macken ideell förening", "if"),
        ("Stiftelsen Macken", "st"),
        ("Macken HB", "hb"),
        ("Macken Kommanditbolag", "hb"),  # lists write HB for a kommanditbolag too
        ("Macken KB", "hb"),
        ("Macken förening", None),  # an association, of a kind the name does not say
    ],
)
def test_swedish_forms_in_every_spelling_are_removed_and_declared(name: str, form: str | None) -> None:
    assert normalise_name(name) == "macken"
    assert declared_legal_form(name) == form


@pytest.mark.parametrize(
    ("name", "form"),
    [("Siemens AG", "ag"), ("Siemens Aktiengesellschaft", "ag"), ("Siemens GmbH", "gmbh"), ("Siemens Ltd", "ltd"),
     ("Siemens Oy", "oy"), ("Siemens Oy Ab", "oy"), ("Siemens A/S", "as"), ("Siemens ASA", "as"),
     ("Siemens Inc.", "inc")],
)  # fmt: skip
def test_foreign_forms_are_forms_at_the_end_of_a_name(name: str, form: str) -> None:
    assert normalise_name(name) == "siemens"
    assert declared_legal_form(name) == form


def test_a_short_foreign_form_inside_a_name_is_a_word_of_the_name() -> None:
    assert normalise_name("AS Bygg Göteborg AB") == "as bygg goteborg"
    assert declared_legal_form("AS Bygg Göteborg AB") == "ab"


def test_diacritics_are_folded_before_forms_are_removed() -> None:
    assert normalise_name("Gröna Händer EKONOMISK FÖRENING") == normalise_name("Grona Hander ekonomisk forening")


def test_a_name_that_is_only_a_form_word_keeps_it() -> None:
    assert normalise_name("Aktiebolaget") == "aktiebolaget"
    assert normalise_name("Kooperativet") == "kooperativet"


@pytest.mark.parametrize("name", ["Bygg & Städ", "Bygg och Städ", "Bygg and Städ", "Bygg + Städ", "Bygg+Städ"])
def test_connectors_do_not_count(name: str) -> None:
    assert normalise_name(name) == "bygg stad"


def test_initialisms_keep_their_order() -> None:
    assert normalise_name("K.F.U.M. Söder") == normalise_name("KFUM Söder") == "kfum soder"
    assert normalise_name("C.B.A. Bygg") != normalise_name("A.B.C. Bygg")
    assert normalise_name("A B C Bygg") == "abc bygg"


@pytest.mark.parametrize(
    ("name", "compared"),
    [
        ("Arbetsmarknadsförvaltningen Stockholms stad", "arbetsmarknadsforvaltningen stockholm"),
        ("Arbetsmarknadsförvaltningen Sthlm", "arbetsmarknadsforvaltningen stockholm"),
        ("Coompanion Region Skåne", "coompanion skane"),
        ("Coompanion Skåne län", "coompanion skane"),
        ("Gröna Händer Örebro läns", "grona hander orebro"),
        ("Falu kommun Arbetsmarknad", "falu arbetsmarknad"),
        ("Le Mat Gbg", "le mat goteborg"),
        ("S:t Eriks Bageri", "sankt eriks bageri"),
    ],
)
def test_places_are_written_one_way(name: str, compared: str) -> None:
    assert normalise_name(name) == compared


def test_stad_is_a_city_only_where_it_was_written_without_diacritics() -> None:
    # "Städ" (cleaning) folds to "stad" (city): after a place it is still the cleaning firm's word.
    assert normalise_name("Sthlm Städ") == "stockholm stad"
    assert normalise_name("Arbetscenter Stockholms stad") == "arbetscenter stockholm"


def test_a_name_that_is_only_a_place_keeps_what_kind_of_place_it_is() -> None:
    # A kommun and a region are two legal persons.
    assert normalise_name("Stockholms stad") != normalise_name("Region Stockholm")


@pytest.mark.parametrize("name", ["Café Macken", "Kafé Macken", "Föreningen Macken", "Kooperativet Macken"])
def test_prefixes_lists_add_or_drop_do_not_count(name: str) -> None:
    assert normalise_name(name) == "macken"


@pytest.mark.parametrize(
    ("name", "compared"),
    [
        ("Arbetskooperativet Basta", "basta"),
        ("Basta Arbetskoperativ", "basta"),  # misspelt
        ("Kooprativet Macken", "macken"),
        ("Arb.koop. Svängdörren", "svangdorren"),
        # What kind of cooperative tells two apart: kept.
        ("Exempel Cykelkooperativet Hisingen", "exempel cykel hisingen"),
        ("Exempel Städkooperativ Hisingen", "exempel stad hisingen"),
        ("Kooperativa Förbundet", "kooperativa forbundet"),  # an adjective, not the kind word
    ],
)
def test_the_word_cooperative_says_what_kind_not_which(name: str, compared: str) -> None:
    assert normalise_name(name) == compared


def test_abbreviations_written_with_a_dot_are_kept_as_abbreviations() -> None:
    assert compared_name("Skand. Byggservice AB").abbreviations == {"skand"}
    assert compared_name("Trädg.service Höör").abbreviations == {"tradgservice"}
    assert compared_name("K.F.U.M. Söder").abbreviations == frozenset()  # an initialism, not an abbreviation
    assert normalise_name("S:ta Clara Kafé") == normalise_name("Sankta Clara Café") == "sankta clara cafe"
