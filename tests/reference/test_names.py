"""Names as they are compared: one rule per test, each with the spellings lists and the register really use."""

from __future__ import annotations

import pytest

from registry.reference.legal_forms import same_legal_form
from registry.reference.names import activity_of, compared_name, declared_legal_form, normalise_name


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
        ("Macken förening", "forening"),  # an association, of a kind the name does not say
    ],
)
def test_swedish_forms_in_every_spelling_are_removed_and_declared(name: str, form: str | None) -> None:
    assert normalise_name(name) == "macken"
    assert declared_legal_form(name) == form


@pytest.mark.parametrize(
    ("name", "form"),
    [("Siemens AG", "ag"), ("Siemens Aktiengesellschaft", "ag"), ("Siemens GmbH", "gmbh"), ("Siemens Ltd", "ltd"),
     ("Siemens Oy", "oy"), ("Siemens Oy Ab", "oy"), ("Siemens A/S", "as"), ("Siemens ASA", "asa"),
     ("Siemens ApS", "aps"), ("Siemens Inc.", "inc")],
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


@pytest.mark.parametrize(
    ("name", "form"),
    [("Second Life Furniture B.V.", "bv"), ("Gröna Sp. z o.o.", "spzoo"), ("SIA Baltic Timber", "sia"),
     ("Baltic Timber SIA", "sia"), ("UAB Linas", "uab")],
)  # fmt: skip
def test_other_european_forms_and_the_baltic_form_before_the_name(name: str, form: str) -> None:
    assert declared_legal_form(name) == form
    assert normalise_name(name) in ("second life furniture", "grona", "baltic timber", "linas")


@pytest.mark.parametrize(
    ("name", "form"),
    [("Malmö Cykelkök id. för.", "if"), ("Caféet Hörnan ek. fr.", "ek"), ("Kafé Kvarnen ekon. fören.", "ek"),
     ("Tvätteriet Vita Lakan ekonomisk fören.", "ek"), ("Fören. Kvarnbacken", "forening")],
)  # fmt: skip
def test_abbreviated_forms_as_lists_write_them(name: str, form: str) -> None:
    assert declared_legal_form(name) == form


def test_forening_inside_a_name_is_a_word_of_the_name() -> None:
    assert normalise_name("Sociala Företagens Förening Väst") == "sociala foretagens forening vast"
    assert declared_legal_form("Sociala Företagens Förening Väst") is None
    assert declared_legal_form("Föreningen Gemenskap ek. för.") == "ek"  # the named kind says more


def test_an_association_of_a_kind_not_said_may_be_either_swedish_association() -> None:
    assert same_legal_form("forening", "ek") is None and same_legal_form("if", "forening") is None
    assert same_legal_form("forening", "st") is False and same_legal_form("forening", "ab") is False
    assert same_legal_form("asa", "as") is False and same_legal_form("ab", "ab") is True


@pytest.mark.parametrize(
    ("name", "compared", "form"),
    [("Aurora Food Oyj, filial i Sverige", "aurora food", "oy"),
     ("Kestrel Software Ltd, UK filial", "kestrel software", "ltd"),
     ("Nordvik Facility Services AS, filial i Sverige", "nordvik facility services", "as"),
     ("Hjälpsam Städ AB, NUF", "hjalpsam stad", "ab")],
)  # fmt: skip
def test_a_branch_is_its_company(name: str, compared: str, form: str) -> None:
    assert normalise_name(name) == compared
    assert declared_legal_form(name) == form


def test_a_kommun_or_a_region_declares_what_kind_of_legal_person_it_is() -> None:
    assert declared_legal_form("Haninge kommun") == "kommun"
    assert declared_legal_form("Malmö stad") == "kommun"
    assert declared_legal_form("Region Skåne") == "region"
    assert declared_legal_form("Haninge Kommunfastigheter AB") == "ab"


@pytest.mark.parametrize(
    ("x", "y"),
    [("Gbg:s Returmarknad", "Göteborgs Returmarknad"), ("Hus nio Snickeri", "Hus 9 Snickeri"),
     ("Kooperativet 2:a Chansen", "Kooperativet Andra Chansen"), ("Nr 10 Kafé", "Nummer 10 Kafé"),
     ("Tre Kronor Städ", "3 Kronor Städ"),
     ("Kalmar Hunddagis – arbetsintegrerande socialt företag", "Kalmar Hunddagis")],
)  # fmt: skip
def test_genitives_numbers_and_the_asf_designation_are_written_one_way(x: str, y: str) -> None:
    assert normalise_name(x) == normalise_name(y)


def test_what_a_name_says_the_organisation_does() -> None:
    assert activity_of("Snickeri Mimosa") == {"snickeri"}
    assert {"catering"} <= activity_of("Cateringkooperativet Matglädje")
    assert "cafe" in activity_of("Kafé Navet AB")  # also a prefix that comparison removes
    assert activity_of("Yalla Trappan") == frozenset()
