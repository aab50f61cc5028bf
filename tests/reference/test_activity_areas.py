from __future__ import annotations

import re
from pathlib import Path

import pytest

from registry.reference.activity_areas import (
    AREAS,
    CPV_DIVISIONS,
    TABLE_START,
    area_by_code,
    area_codes_matching,
    classify,
    classify_organisation,
    markdown_table,
    table_section,
    with_current_table,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "activity_areas.md"


def areas_of(text: str) -> tuple[str, ...]:
    return classify(texts=[text]).areas


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Bolaget ska bedriva caféverksamhet, catering och lunchservering samt därmed förenlig verksamhet",
            ("catering",),
        ),
        ("Lokalvård, fönsterputs och trappstädning", ("cleaning",)),
        ("Skötsel av parker och grönytor samt snöröjning åt bostadsrättsföreningar", ("gardening",)),
        # Reused furniture is furniture an officer can buy, so the shop is found under both.
        ("Försäljning av second hand-kläder och återbruk av möbler", ("second_hand", "carpentry_furniture")),
        ("Cykelverkstad", ("bicycle_repair",)),
        ("Tvätteri och mangling för restauranger och företag", ("laundry",)),
        ("Flyttjänster och transporter för privatpersoner och företag", ("removals_transport",)),
        ("Skanning av dokument, utskick och kuvertering", ("office_services",)),
        ("Ändringssömnad och tillverkning av textilier", ("textiles",)),
        ("IT-support och återbruk av datorer", ("it_support",)),
        ("Fastighetsskötsel och vaktmästeri", ("property_care",)),
        ("Konferensanläggning med vandrarhem", ("hospitality",)),
        ("Legotillverkning, montering och förpackning åt industrin", ("assembly_packaging",)),
        ("Daglig verksamhet enligt LSS", ("care",)),
        ("Måleri och tapetsering", ("painting_construction",)),
        ("Tryckeri och grafisk formgivning", ("culture_media",)),
    ],
)
def test_realistic_descriptions_find_their_area(text: str, expected: tuple[str, ...]) -> None:
    assert areas_of(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Bolaget ska äga och förvalta fastigheter",  # owning property is not a service anyone buys from it
        "Köpa och sälja aktier",
        "Verksamhet i Stockholms stad",  # "stad" is not "städ": å/ä/ö must not be folded away
        "Verksamhet i flera svenska städer",  # starts like "städ" but means cities
        "Föreningen har till ändamål att främja medlemmarnas ekonomiska intressen genom arbetsintegrering",
        "Utbildning i logik och filosofi",  # starts like "logi" (lodging)
        "",
    ],
)
def test_descriptions_without_a_deliverable_give_no_area(text: str) -> None:
    assert areas_of(text) == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Keywords match at word starts: the "kök" and "tvätt" inside these words are not catering and laundry.
        ("Cykelkök", ("bicycle_repair",)),
        ("Biltvätt", ("vehicle_care",)),
        ("Biltvätt och tvätteri", ("laundry", "vehicle_care")),
        # Where keywords overlap the longest wins.
        ("Flyttstädning", ("cleaning",)),
        ("Köksträdgård", ("gardening",)),
        ("Cykelbud", ("removals_transport",)),
        ("Återvinning av elektronik", ("it_support",)),
        ("Second hand-butik", ("second_hand",)),
        ("Butik", ("retail",)),
    ],
)
def test_compounds_go_to_the_area_they_name(text: str, expected: tuple[str, ...]) -> None:
    assert areas_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Städning åt hotell, restauranger och butiker", ("cleaning",)),
        ("Tvätt för restauranger", ("laundry",)),
        ("Föreningen ska verka för att driva ett café", ("catering",)),
        ("Café och lunchrestaurang för alla", ("catering",)),
    ],
)
def test_places_named_as_customers_are_not_the_organisations_activity(text: str, expected: tuple[str, ...]) -> None:
    assert areas_of(text) == expected


def test_the_name_counts_as_text() -> None:
    assert classify_organisation("Café Pärlan").areas == ("catering",)
    assert classify_organisation("Returbutiken Återbruk ek. för.").areas == ("second_hand",)
    # A decision, not a measurement: a kitchen in the name is read as food.
    assert classify_organisation("Kökets Vänner").areas == ("catering",)
    assert classify_organisation("Vägen ut! kooperativen").areas == ()


@pytest.mark.parametrize(
    ("sni", "expected"),
    [
        ("56100", ("catering",)),
        ("81300", ("gardening",)),
        ("81210", ("cleaning",)),
        ("10710", ("catering",)),
        ("47792", ("second_hand",)),  # the longest prefix wins: not retail as division 47 would say
        ("47110", ("retail",)),
        ("45201", ("vehicle_care",)),
        ("95290", ()),  # bicycles share this class with tailors and key cutters
        ("68201", ()),
        ("00000", ()),
    ],
)
def test_sni_codes(sni: str, expected: tuple[str, ...]) -> None:
    assert classify(sni_codes=[sni]).areas == expected


def test_organisation_fields_are_combined_and_reasons_say_where() -> None:
    result = classify_organisation(
        "Exempelkooperativet Gröna Händer ek. för.",
        activity="Vi sköter trädgårdar och städar trapphus",
        categories="certifierat ASF",
        business_description=None,
        sni_codes="81300, 01300,00000",
    )
    assert result.areas == ("cleaning", "gardening")
    assert result.cpv_divisions == ("77", "90")
    assert result.reasons == {
        "cleaning": 'keyword "städ" in activity',
        "gardening": 'keyword "trädgård" in activity; SNI 81300',
    }


def test_areas_follow_the_table_order_and_cpv_divisions_are_sorted_without_repeats() -> None:
    result = classify(texts=["Trädgårdsskötsel, café och kafé"], sni_codes=["56100", "56210"])
    assert result.areas == ("catering", "gardening")
    assert result.cpv_divisions == ("15", "55", "77")
    assert result.reasons["catering"] == 'keyword "café" in text; SNI 56100'


def test_empty_input_gives_no_area() -> None:
    assert classify() == classify(texts=[None, "", "   "], sni_codes=["", " "])
    empty = classify_organisation(None, sni_codes=None)
    assert (empty.areas, empty.cpv_divisions, empty.reasons) == ((), (), {})


def test_a_single_string_is_refused_rather_than_read_letter_by_letter() -> None:
    with pytest.raises(TypeError):
        classify(texts="Café")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("catering", ["catering"]),
        ("Café", ["catering"]),
        ("städning", ["cleaning"]),
        ("cleaning", ["cleaning"]),
        ("möbler", ["carpentry_furniture"]),
        ("furniture", ["carpentry_furniture"]),
        ("furn", ["carpentry_furniture"]),
        ("bike", ["bicycle_repair"]),
        ("IT", ["it_support"]),
        ("car", ["vehicle_care"]),  # not care or carpentry: short words match only whole terms
        ("second_hand", ["second_hand"]),
        ("CPV 90", ["cleaning", "second_hand", "it_support"]),
        ("90", ["cleaning", "second_hand", "it_support"]),
        ("90910000-9", ["cleaning", "second_hand", "it_support"]),
        ("cpv 77", ["gardening"]),
        ("56100", ["catering"]),
        ("SNI 81", ["cleaning", "gardening", "property_care"]),
        ("aktier", []),
        ("", []),
    ],
)
def test_search_words_map_to_areas(query: str, expected: list[str]) -> None:
    assert area_codes_matching(query) == expected


def test_every_area_has_a_unique_code_and_valid_cpv_divisions() -> None:
    codes = [area.code for area in AREAS]
    assert len(codes) == len(set(codes)) <= 20
    for area in AREAS:
        assert re.fullmatch(r"[a-z]+(?:_[a-z]+)*", area.code)
        assert area.cpv_divisions, area.code
        for division in area.cpv_divisions:
            assert re.fullmatch(r"\d{2}", division) and division in CPV_DIVISIONS, (area.code, division)
        for prefix in area.sni_prefixes:
            assert re.fullmatch(r"\d{2,5}", prefix), (area.code, prefix)
    assert area_by_code("laundry").label_sv == "Tvätteri"
    with pytest.raises(KeyError, match="catering"):
        area_by_code("plumbing")


def test_no_sni_prefix_is_claimed_by_two_areas() -> None:
    prefixes = [prefix for area in AREAS for prefix in area.sni_prefixes]
    assert len(prefixes) == len(set(prefixes))


def test_the_document_shows_the_current_table() -> None:
    document = DOC.read_text(encoding="utf-8")
    assert table_section(document) == markdown_table(), "run: python -m registry.reference.activity_areas"


def test_the_document_lists_exactly_the_areas_with_their_cpv_divisions() -> None:
    rows = [line for line in table_section(DOC.read_text(encoding="utf-8")).splitlines() if line.startswith("| `")]
    listed = {}
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        listed[cells[0].strip("`")] = tuple(re.findall(r"(?:^|<br>)(\d{2}) ", cells[3]))
    assert listed == {area.code: area.cpv_divisions for area in AREAS}


def test_rewriting_the_document_replaces_only_the_table() -> None:
    stale = f"# Title\n{TABLE_START}| old |\n<!-- end of activity-areas table -->\nAfter.\n"
    rewritten = with_current_table(stale)
    assert rewritten.startswith(f"# Title\n{TABLE_START}{markdown_table()}")
    assert rewritten.endswith("<!-- end of activity-areas table -->\nAfter.\n")
