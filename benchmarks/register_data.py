"""Synthetic Bolagsverket bulk files in the real layout, at any size, with the oddities real files have.

Usage: ``PYTHONPATH=. .venv/bin/python -m benchmarks.register_data OUT.txt --rows 3000000 [--zip]``
"""

from __future__ import annotations

import argparse
import random
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from benchmarks.er_data import ACTIVITY, FIRST, SECOND, _pseudo_word, luhn_digit
from registry.reference.geography import kommuner

HEADER = (
    "organisationsidentitet;namnskyddslopnummer;registreringsland;organisationsnamn;organisationsform;"
    "avregistreringsdatum;avregistreringsorsak;pagandeAvvecklingsEllerOmstruktureringsforfarande;"
    "registreringsdatum;verksamhetsbeskrivning;postadress"
)
FORMS = (("AB", 0.62), ("E", 0.18), ("HB", 0.05), ("EK", 0.04), ("BRF", 0.04), ("I", 0.03), ("S", 0.02), ("KB", 0.02))
FORM_SUFFIX = {
    "AB": "AB",
    "EK": "ekonomisk förening",
    "BRF": "Bostadsrättsföreningen",
    "I": "",
    "S": "Stiftelsen",
    "HB": "HB",
    "KB": "KB",
    "E": "",
}
GROUP = {"AB": "5", "EK": "7", "BRF": "7", "I": "8", "S": "8", "HB": "9", "KB": "9"}
DESCRIPTIONS = (
    "Bolaget ska bedriva konsultverksamhet inom IT samt därmed förenlig verksamhet.",
    "Föreningen har till ändamål att främja medlemmarnas ekonomiska intressen genom att bedriva caféverksamhet.",
    "Bolaget ska bedriva handel med kläder och accessoarer samt idka därmed förenlig verksamhet.",
    "Föreningen ska genom arbetsträning och anställning ge personer som står långt från arbetsmarknaden arbete.",
    "Bolaget ska bedriva byggverksamhet, snickeri och fastighetsskötsel.",
    "Bedriva arbetsintegrerande verksamhet inom städ, trädgård och second hand.",
    "null",
)


@dataclass(frozen=True)
class SyntheticCompany:
    orgnr: str
    name: str
    form: str
    kommun: str
    status: str


def _orgnr(rnd: random.Random, form: str, used: set[str]) -> str:
    while True:
        body = GROUP.get(form, "5") + str(rnd.randint(0, 9)) + str(rnd.randint(2, 9)) + f"{rnd.randint(0, 999999):06d}"
        number = body + luhn_digit(body)
        if number not in used:
            used.add(number)
            return number


def _name(rnd: random.Random, form: str, kommun_name: str) -> str:
    words = [_pseudo_word(rnd)]
    roll = rnd.random()
    if roll < 0.3:
        words.insert(0, rnd.choice(FIRST))
    elif roll < 0.55:
        words.append(rnd.choice(SECOND))
    if rnd.random() < 0.35:
        words.append(rnd.choice(ACTIVITY))
    if rnd.random() < 0.05:
        words.append(kommun_name)
    base = " ".join(words)
    suffix = FORM_SUFFIX.get(form, "")
    if form in ("BRF", "S"):
        return f"{suffix} {base}"
    if form == "AB" and rnd.random() < 0.01:
        return f"{base} AB (svb)"
    return f"{base} {suffix}".strip()


def companies(rows: int, seed: int = 11) -> Iterator[SyntheticCompany]:
    rnd = random.Random(seed)
    places = list(kommuner().values())
    forms, weights = zip(*FORMS, strict=True)
    used: set[str] = set()
    for _ in range(rows):
        form = rnd.choices(forms, weights)[0]
        kommun = rnd.choice(places)
        roll = rnd.random()
        status = (
            "deregistered"
            if roll < 0.25
            else "bankruptcy"
            if roll < 0.27
            else "liquidation"
            if roll < 0.29
            else "active"
        )
        yield SyntheticCompany(_orgnr(rnd, form, used), _name(rnd, form, kommun.name), form, kommun.name, status)


def line(company: SyntheticCompany, rnd: random.Random) -> str:
    if company.form == "E":
        # A sole trader: identified by a personnummer (a synthetic one; the parser must skip it).
        born = f"19{rnd.randint(40, 99)}{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}"
        identity = f"{born}{rnd.randint(0, 9999):04d}$PERSON-IDORG"
    else:
        identity = f"{company.orgnr}$ORGNR-IDORG"
    names = f"{company.name}$FORETAGSNAMN-ORGNAM$20{rnd.randint(0, 25):02d}-0{rnd.randint(1, 9)}-1{rnd.randint(0, 9)}"
    if rnd.random() < 0.05:
        names += f"|{_pseudo_word(rnd)} {rnd.choice(ACTIVITY)}$SARS_FORNAMN-ORGNAM$2019-01-01"
    dereg = (
        f"20{rnd.randint(10, 25)}-0{rnd.randint(1, 9)}-0{rnd.randint(1, 9)}" if company.status == "deregistered" else ""
    )
    reason = "KKAV-AVORG" if dereg else ""
    proceedings = {"bankruptcy": "KK-AVOMFO$2025-03-01", "liquidation": "LI-AVOMFO$2025-05-01"}.get(company.status, "")
    postcode = f"{rnd.randint(100, 989)}{rnd.randint(0, 99):02d}"
    street = f"{rnd.choice(SECOND)}gatan {rnd.randint(1, 99)}"
    address = (
        f"{street}$${company.kommun.upper()}${postcode}$SE-LAND"
        if rnd.random() < 0.8
        else f"{street}$c/o Exempel${company.kommun.upper()}${postcode}$SE-LAND"
    )
    description = rnd.choice(DESCRIPTIONS)
    fields = [
        identity,
        "",
        "SE-LAND",
        names,
        f"{company.form}-ORGFO",
        dereg or "null",
        reason,
        proceedings,
        f"19{rnd.randint(50, 99)}-0{rnd.randint(1, 9)}-1{rnd.randint(0, 9)}",
        description,
        address,
    ]
    return '"' + '";"'.join(fields) + '"'


def write_bulk_file(
    path: Path, rows: int, seed: int = 11, with_oddities: bool = True, keep_every: int = 1
) -> list[SyntheticCompany]:
    """Write a bulk file; returns every ``keep_every``-th company written (the truth for a matching sample)."""
    rnd = random.Random(seed + 1)
    written: list[SyntheticCompany] = []
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write("\ufeff" + HEADER + "\n")
        for index, company in enumerate(companies(rows, seed)):
            text = line(company, rnd)
            odd_name = with_oddities and index % 100_000 == 70_000
            if with_oddities and index % 100_000 == 50_000:
                f.write('"trasig rad utan citat;;\n')  # a malformed line: counted, never fatal
                f.write(text.replace('";"', '";"\x00', 1) + "\n")  # a stray NUL byte
            elif with_oddities and index % 100_000 == 70_000:
                f.write(text.replace(company.name, company.name + " " + "x" * 23_000, 1) + "\n")  # a very long name
            else:
                f.write(text + "\n")
            if index % keep_every == 0 and not odd_name:  # a name padded to 23,000 characters is no one's
                written.append(company)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("output", type=Path)
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--zip", action="store_true")
    args = parser.parse_args()
    txt = args.output.with_suffix(".txt")
    write_bulk_file(txt, args.rows)
    if args.zip:
        with zipfile.ZipFile(args.output.with_suffix(".zip"), "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(txt, "bolagsverket_bulkfil.txt")


if __name__ == "__main__":
    main()
