"""A labelled benchmark set for entity resolution: synthetic Swedish social enterprises as sources list them.

Each organisation gets a legal name, a kommun, usually a valid organisationsnummer, sometimes a website and a
phone number; then 1-4 source records that write it the way real lists do: other case, missing diacritics,
another legal-form spelling or none, words swapped, typos, "&" for "och", the town appended, the orgnr
with or without dash or "16" prefix, left out, or mistyped. Brand names are reused by several organisations
in different kommuner ("Hela Människan Stockholm" / "... Södertälje"), each its own legal person.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime

from registry.ingest.records import SourceRecord, validate
from registry.reference.geography import kommuner

# Distinctive words are made from syllables, as real enterprise names have one ("Mimosa", "Koopus", "Yalla").
ONSETS = (
    "b",
    "d",
    "f",
    "g",
    "h",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "st",
    "sk",
    "tr",
    "kr",
    "bl",
    "fl",
    "gr",
    "sn",
)
VOWELS = ("a", "e", "i", "o", "u", "y", "å", "ä", "ö", "ia", "io")
CODAS = ("", "", "n", "r", "s", "l", "m", "k", "t", "nd", "ng", "rk", "st")
FIRST = (
    "Gröna",
    "Vägen",
    "Nya",
    "Södra",
    "Norra",
    "Östra",
    "Västra",
    "Lilla",
    "Stora",
    "Goda",
    "Trygga",
    "Fria",
    "Glada",
    "Starka",
    "Kloka",
    "Hela",
    "Unga",
    "Gamla",
    "Blå",
    "Röda",
    "Ljusa",
    "Varma",
    "Öppna",
    "Raka",
)
SECOND = (
    "Händer",
    "Gården",
    "Verkstaden",
    "Caféet",
    "Köket",
    "Trappan",
    "Bron",
    "Steget",
    "Vägen",
    "Huset",
    "Boden",
    "Ladan",
    "Tvätten",
    "Cykeln",
    "Snickarna",
    "Odlarna",
    "Städarna",
    "Bageriet",
    "Tryckeriet",
    "Möbeln",
    "Kvarnen",
    "Hamnen",
    "Torget",
    "Porten",
    "Källan",
    "Skogen",
    "Ängen",
    "Lyktan",
    "Nålen",
    "Spiran",
)
ACTIVITY = (
    "Catering",
    "Café",
    "Städ",
    "Trädgård",
    "Second hand",
    "Snickeri",
    "Tvätteri",
    "Flytt",
    "Cykelverkstad",
    "Kontorsservice",
    "Textil",
    "Fastighetsservice",
    "Återbruk",
    "Bageri",
    "IT-support",
)
BRANDS = ("Hela Människan", "Le Mat", "Macken", "Basta", "Vägen ut", "Yalla", "Trappan", "Steg för steg")
LEGAL_FORMS = {
    "ek": ("ek. för.", "ekonomisk förening", "ek för", "Ekonomisk Förening", ""),
    "ab": ("AB", "Aktiebolag", "AB (svb)", "aktiebolaget", ""),
    "if": ("ideell förening", "Ideell förening", ""),
    "st": ("Stiftelsen", "stiftelse", ""),
    # Forms whose names are used as registered (handelsbolag, bostadsrättsförening...).
    "none": ("",),
}
GROUP_DIGIT = {"ek": "7", "ab": "5", "if": "8", "st": "8"}


@dataclass(frozen=True)
class Organisation:
    entity: int
    name: str
    legal_form: str
    kommun: str
    orgnr: str | None
    website: str | None
    phone: str | None
    activity: str


def _pseudo_word(rnd: random.Random) -> str:
    syllables = rnd.choice((2, 2, 3))
    word = "".join(rnd.choice(ONSETS) + rnd.choice(VOWELS) + rnd.choice(CODAS) for _ in range(syllables))
    return word.capitalize()


def luhn_digit(digits: str) -> str:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def _orgnr(rnd: random.Random, form: str, used: set[str]) -> str:
    while True:
        body = (
            GROUP_DIGIT[form]
            + str(rnd.randint(0, 9))
            + str(rnd.randint(2, 9))
            + "".join(str(rnd.randint(0, 9)) for _ in range(6))
        )
        number = body + luhn_digit(body)
        if number not in used:
            used.add(number)
            return number


def _fold_ascii(text: str) -> str:
    return text.translate(str.maketrans("åäöÅÄÖé", "aaoAAOe"))


def _domain(name: str) -> str:
    return "".join(ch for ch in _fold_ascii(name).lower() if ch.isalnum())[:24] + ".se"


def organisations(count: int, seed: int) -> list[Organisation]:
    rnd = random.Random(seed)
    places = sorted(kommuner().values(), key=lambda k: k.code)
    used_orgnr: set[str] = set()
    used_names: set[tuple[str, str]] = set()
    orgs: list[Organisation] = []
    while len(orgs) < count:
        form = rnd.choice(("ek", "ek", "ek", "ab", "if", "st"))
        kommun = rnd.choice(places)
        if rnd.random() < 0.12:
            # A brand with a legal person per town: the town is part of the name.
            name = f"{rnd.choice(BRANDS)} {kommun.name}"
        elif orgs and rnd.random() < 0.02:
            # The same name as another organisation elsewhere: a namesake, not a duplicate.
            name = rnd.choice(orgs).name
        else:
            words = [_pseudo_word(rnd)]
            roll = rnd.random()
            if roll < 0.35:
                words.insert(0, rnd.choice(FIRST))
            elif roll < 0.6:
                words.append(rnd.choice(SECOND))
            if rnd.random() < 0.4:
                words.append(rnd.choice(ACTIVITY))
            if rnd.random() < 0.2:
                words.insert(0, rnd.choice(("Kooperativet", "Föreningen", "Arbetskooperativet", "Sociala företaget")))
            name = " ".join(words)
        if (name, kommun.code) in used_names:
            continue
        used_names.add((name, kommun.code))
        orgs.append(
            Organisation(
                entity=len(orgs),
                name=name,
                legal_form=form,
                kommun=kommun.name,
                orgnr=_orgnr(rnd, form, used_orgnr) if rnd.random() < 0.85 else None,
                website=f"https://www.{_domain(name)}" if rnd.random() < 0.5 else None,
                phone=f"0{rnd.randint(10, 99)}-{rnd.randint(100000, 999999)}" if rnd.random() < 0.4 else None,
                activity=rnd.choice(ACTIVITY),
            )
        )
    return orgs


def _typo(rnd: random.Random, text: str) -> str:
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 6:
        return text
    i = rnd.choice(letters[1:-1])
    kind = rnd.choice(("swap", "drop", "double", "replace"))
    if kind == "swap" and i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if kind == "drop":
        return text[:i] + text[i + 1 :]
    if kind == "double":
        return text[:i] + text[i] + text[i:]
    return text[:i] + rnd.choice("aeiourstnl") + text[i + 1 :]


def _name_variant(rnd: random.Random, org: Organisation) -> str:
    name = org.name
    if rnd.random() < 0.3:
        name = name.replace(" och ", " & ") if " och " in name else name
    if rnd.random() < 0.05 and len(name.split()) > 2:
        # "Kooperativet Nohin" written "Nohin Kooperativet": a word moved, not the name scrambled.
        words = name.split()
        name = " ".join([*words[1:], words[0]])
    if rnd.random() < 0.15:
        name = _typo(rnd, name)
    if rnd.random() < 0.25:
        name = _fold_ascii(name)
    case = rnd.random()
    if case < 0.15:
        name = name.upper()
    elif case < 0.3:
        name = name.lower()
    form = rnd.choice(LEGAL_FORMS[org.legal_form])
    if form:
        name = f"{form} {name}" if form.startswith("Stiftelse") else f"{name} {form}"
    return name


def _orgnr_variant(rnd: random.Random, orgnr: str | None) -> str | None:
    if orgnr is None or rnd.random() < 0.45:
        return None
    roll = rnd.random()
    if roll < 0.06:
        # A typo: one digit changed, which the check digit catches.
        i = rnd.randrange(10)
        orgnr = orgnr[:i] + str((int(orgnr[i]) + rnd.randint(1, 9)) % 10) + orgnr[i + 1 :]
        return f"{orgnr[:6]}-{orgnr[6:]}"
    if roll < 0.5:
        return f"{orgnr[:6]}-{orgnr[6:]}"
    if roll < 0.8:
        return orgnr
    return f"16{orgnr}"


def records_for(orgs: list[Organisation], seed: int) -> tuple[list[SourceRecord], dict[tuple[str, str], int]]:
    """Source records and the truth: record key -> entity."""
    rnd = random.Random(seed + 1)
    fetched = datetime(2026, 11, 26, tzinfo=UTC)
    raw: list[SourceRecord] = []
    truth: dict[tuple[str, str], int] = {}
    sources = ("city_list", "skoopi", "sofisam", "social_trade", "region", "pakten")
    for org in orgs:
        copies = rnd.choices((1, 2, 3, 4), weights=(35, 35, 20, 10))[0]
        for source in rnd.sample(sources, copies):
            key = f"{org.entity}-{source}"
            raw.append(
                SourceRecord(
                    source=source,
                    source_key=key,
                    name=_name_variant(rnd, org),
                    fetched_at=fetched,
                    orgnr_as_written=_orgnr_variant(rnd, org.orgnr),
                    municipality=org.kommun if rnd.random() < 0.7 else None,
                    website=org.website if org.website and rnd.random() < 0.6 else None,
                    phone=org.phone if org.phone and rnd.random() < 0.5 else None,
                    activity=org.activity,
                )
            )
            truth[(source, key)] = org.entity
    return validate(raw).records, truth


def benchmark_set(records_wanted: int, seed: int = 7) -> tuple[list[SourceRecord], dict[tuple[str, str], int]]:
    """About ``records_wanted`` labelled records (2.05 records per organisation on average)."""
    orgs = organisations(max(1, round(records_wanted / 2.05)), seed)
    return records_for(orgs, seed)
