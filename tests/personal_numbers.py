"""Valid personal identity numbers and organisationsnummer for tests, computed (Luhn) rather than copied."""

from __future__ import annotations

from stdnum import luhn


def personnummer(yymmdd: str, serial: str, separator: str = "-", century: str = "") -> str:
    """A valid number for a date: the check digit computed by Luhn over the ten digits."""
    return f"{century}{yymmdd}{separator}{serial}{luhn.calc_check_digit(yymmdd + serial)}"


def orgnr(first_nine: str, separator: str = "-") -> str:
    return f"{first_nine[:6]}{separator}{first_nine[6:]}{luhn.calc_check_digit(first_nine)}"


TOLVAN = personnummer("811218", "987")  # 1981-12-18
SAMORDNING = personnummer("811278", "987")  # the same date as a samordningsnummer: day + 60
