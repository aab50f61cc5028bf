from __future__ import annotations

import pytest

from registry.reference.orgnr import OrgnrStatus, parse_orgnr
from registry.reference.personnummer import REDACTED_PERSONNUMMER, contains_personnummer


@pytest.mark.parametrize("written", ["769600-1234", "7696001234", "16769600-1234", "1676 9600 1234", " 769600 1234 "])
def test_the_same_number_in_every_written_form_is_one_orgnr(written: str) -> None:
    parsed = parse_orgnr(written)
    assert parsed.status is OrgnrStatus.VALID
    assert parsed.value == "769600-1234"
    assert parsed.as_written == written.strip()


@pytest.mark.parametrize("written", ["769600-1235", "769600-12345", "7696001", "ABC123-4567", "2021-0000000"])
def test_an_invalid_number_is_kept_as_written_and_not_fixed(written: str) -> None:
    parsed = parse_orgnr(written)
    assert parsed.status is OrgnrStatus.INVALID
    assert parsed.value is None
    assert parsed.as_written == written


@pytest.mark.parametrize("written", ["19121212-1212", "121212-1212", "1212121212", "191212121212", "121212+1212"])
def test_a_personnummer_is_recognised_and_redacted(written: str) -> None:
    parsed = parse_orgnr(written)
    assert parsed.status is OrgnrStatus.PERSONNUMMER
    assert parsed.value is None
    assert parsed.as_written == REDACTED_PERSONNUMMER


@pytest.mark.parametrize("written", [None, "", "   "])
def test_missing(written: str | None) -> None:
    assert parse_orgnr(written).status is OrgnrStatus.MISSING


def test_personnummer_scan_finds_numbers_inside_text_but_not_orgnr() -> None:
    assert contains_personnummer("Kontakt: Tolvan, 19121212-1212, Stockholm")
    assert contains_personnummer("pnr 121212-1212")
    assert not contains_personnummer("Orgnr 769600-1234, tel 08-123 45 67")
    assert not contains_personnummer(None)
