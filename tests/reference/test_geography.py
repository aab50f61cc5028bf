"""The project's own kommun and län table, checked against the CC0 reference copy in shared/."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from registry.reference.geography import find_kommun, kommuner, lan_names, place_suffix, regions, regions_named

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "data" / "swedish-geodata"


def _reference(name: str) -> list[dict[str, str]]:
    path = REFERENCE / name
    if not path.exists():
        pytest.skip(f"reference data {path} is not present on this machine")
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_every_kommun_code_name_and_lan_matches_the_reference() -> None:
    reference = {r["municipality_code"]: r for r in _reference("municipality_county.csv")}
    ours = kommuner()
    assert len(ours) == len(reference) == 290
    for code, kommun in ours.items():
        assert kommun.name == reference[code]["municipality_name_short"], code
        assert kommun.lan_code == reference[code]["county_code"], code
        assert kommun.lan_name == reference[code]["county_name"], code


def test_every_lan_matches_the_reference() -> None:
    assert lan_names() == {r["county_code"]: r["county_name"] for r in _reference("counties.csv")}


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Stockholm", "0180"),
        ("Stockholms stad", "0180"),
        ("STOCKHOLMS KOMMUN", "0180"),
        ("Bromma", "0180"),
        ("Göteborgs Stad", "1480"),
        ("Falu kommun", "2080"),
        ("Upplands-Bro", "0139"),
        ("upplands bro", "0139"),
        ("Malung-Sälen", "2023"),
        ("Hofors", "2104"),
        ("Örebro, Sverige", "1880"),
    ],
)
def test_places_as_sources_write_them(written: str, code: str) -> None:
    found = find_kommun(written)
    assert found is not None and found.code == code


def test_unknown_places_are_not_guessed() -> None:
    assert find_kommun("Atlantis") is None
    assert find_kommun("") is None


def test_a_trailing_place_is_split_from_a_name_but_never_the_whole_name() -> None:
    assert place_suffix("hela manniskan sodertalje") == ("hela manniskan", "0181")
    assert place_suffix("grona hander i orebro") == ("grona hander", "1880")
    assert place_suffix("mora") == ("mora", None)
    assert place_suffix("macken") == ("macken", None)


def test_every_region_lies_in_lan_that_exist_and_no_kommun_is_taken_for_a_region() -> None:
    assert regions()["dalarna"] == {"20"} and regions()["vastra gotaland"] == {"14"}
    assert regions()["malardalen"] == {"01", "03", "04", "18", "19"}
    assert all(codes and codes <= set(lan_names()) for codes in regions().values())
    assert "uppsala" not in regions() and "gotland" not in regions()  # kommuner, as names use them


def test_a_name_names_a_region_also_in_the_genitive() -> None:
    assert set(regions_named("halsinglands sociala kooperativ")) == {"halsingland"}
    assert set(regions_named("grona vastra gotaland")) == {"vastra gotaland"}
    assert regions_named("basta") == {}
