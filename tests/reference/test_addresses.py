from __future__ import annotations

import pytest

from registry.reference.addresses import Street, same_street, street


@pytest.mark.parametrize(
    "written", ["Storgatan 12 B", "Storg. 12b", "storg 12 B, 2 tr", "STORGATAN 12B, 111 22 Stockholm"]
)
def test_one_address_however_it_is_written(written: str) -> None:
    found = street(written)
    assert found is not None and (found.words, found.number, found.letter) == (("storgatan",), "12", "b")
    assert same_street(found, Street(("storgatan",), "12", "b"))


def test_the_postcode_and_town_after_the_street_are_read() -> None:
    assert street("Storgatan 12, 972 31 Luleå") == Street(("storgatan",), "12", "", "97231", "2580")
    assert street("Storgatan 5 97231 LULEÅ") == Street(("storgatan",), "5", "", "97231", "2580")
    assert street("Drottninggatan 22, Uppsala") == Street(("drottninggatan",), "22", "", "", "0380")


@pytest.mark.parametrize(
    ("x", "y"),
    [("Storgatan 12, 972 31 Luleå", "Storgatan 12, 222 22 Lund"),
     ("Drottninggatan 22, Uppsala", "Drottninggatan 22, Norrköping")],
)  # fmt: skip
def test_the_same_street_in_another_town_is_another_address(x: str, y: str) -> None:
    assert not same_street(street(x), street(y))  # type: ignore[arg-type]


def test_a_town_written_on_one_side_only_does_not_tell_addresses_apart() -> None:
    assert same_street(street("Storgatan 12, 972 31 Luleå"), street("Storg. 12"))  # type: ignore[arg-type]


def test_abbreviated_street_words_and_sankt() -> None:
    assert street("Kungsv. 5") == street("Kungsvägen 5") == Street(("kungsvagen",), "5")
    assert street("S:t Eriksgatan 117") == street("Sankt Eriksgatan 117")
    assert same_street(street("St Eriksgatan 117"), street("Sankt Eriksgatan 117"))  # type: ignore[arg-type]


@pytest.mark.parametrize("written", ["Box 123, 111 22 Stockholm", "c/o Kooperativet", "Storgatan", "", None])
def test_no_street_address(written: str | None) -> None:
    assert street(written) is None


def test_a_care_of_line_is_skipped_for_the_street_after_it() -> None:
    assert street("c/o Föreningen, Hamngatan 2") == Street(("hamngatan",), "2")
