from __future__ import annotations

import pytest

from registry.reference.addresses import Street, same_street, street


@pytest.mark.parametrize(
    "written", ["Storgatan 12 B", "Storg. 12b", "storg 12 B, 2 tr", "STORGATAN 12B, 111 22 Stockholm"]
)
def test_one_address_however_it_is_written(written: str) -> None:
    assert street(written) == Street(("storgatan",), "12", "b")


def test_abbreviated_street_words_and_sankt() -> None:
    assert street("Kungsv. 5") == street("Kungsvägen 5") == Street(("kungsvagen",), "5")
    assert street("S:t Eriksgatan 117") == street("Sankt Eriksgatan 117")
    assert same_street(street("St Eriksgatan 117"), street("Sankt Eriksgatan 117"))  # type: ignore[arg-type]


@pytest.mark.parametrize("written", ["Box 123, 111 22 Stockholm", "c/o Kooperativet", "Storgatan", "", None])
def test_no_street_address(written: str | None) -> None:
    assert street(written) is None


def test_a_care_of_line_is_skipped_for_the_street_after_it() -> None:
    assert street("c/o Föreningen, Hamngatan 2") == Street(("hamngatan",), "2")
