"""Swedish kommuner and län: the project's own table (SCB codes), and reading a place as sources write it.

Sources write "Stockholm", "Stockholms stad", "Bromma", "Falu kommun" or "Malung-Sälen"; every one of those
should resolve to one kommun code, whose first two digits are its län.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files

from registry.reference.normalize import fold


@dataclass(frozen=True)
class Kommun:
    code: str
    name: str
    lan_code: str
    lan_name: str


def _rows(name: str) -> list[dict[str, str]]:
    text = files("registry.reference").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines(), delimiter=";"))


@cache
def lan_names() -> dict[str, str]:
    return {row["lan_code"]: row["lan_name"] for row in _rows("lan.csv")}


@cache
def kommuner() -> dict[str, Kommun]:
    lan = lan_names()
    return {
        row["kommun_code"]: Kommun(
            row["kommun_code"], row["kommun_name"], row["kommun_code"][:2], lan[row["kommun_code"][:2]]
        )
        for row in _rows("kommuner.csv")
    }


def _key(text: str) -> str:
    return " ".join(fold(text).replace("-", " ").split())


@cache
def _lookup() -> dict[str, str]:
    """Folded name, official long form or known locality -> kommun code."""
    table: dict[str, str] = {}
    for row in _rows("kommuner.csv"):
        code = row["kommun_code"]
        table[_key(row["kommun_name"])] = code
        for alias in filter(None, row["aliases"].split("|")):
            table.setdefault(_key(alias), code)
    return table


def place_keys() -> frozenset[str]:
    """Every kommun name and locality as a folded word group ('stockholm', 'upplands vasby', 'bromma')."""
    return frozenset(_lookup())


_SUFFIXES = (" kommun", " stad", " municipality", " lan")


@cache
def find_kommun(text: str | None) -> Kommun | None:
    """The kommun a place text names: 'Stockholms stad', 'Bromma', 'SÖDERTÄLJE', 'Falu kommun'; else None."""
    if not text:
        return None
    key = _key(text.split(",")[0])
    for suffix in _SUFFIXES:
        key = key.removesuffix(suffix)
    table = _lookup()
    code = table.get(key)
    if code is None and key.endswith("s"):
        code = table.get(key[:-1])  # genitive: "Stockholms", "Göteborgs"
    return kommuner()[code] if code else None


def place_suffix(folded_name: str) -> tuple[str, str | None]:
    """Split a kommun or locality at the end (or start) of a folded name: 'hela manniskan stockholm' ->
    ('hela manniskan', '0180'); 'stockholms stadsmission' is not split (the place must be a whole word group).

    Never the whole name, so "Macken" or "Mora" stay as they are.
    """
    tokens = folded_name.split()
    table = _lookup()
    for width in (3, 2, 1):
        if len(tokens) > width:
            code = table.get(" ".join(tokens[-width:]))
            if code:
                rest = tokens[:-width]
                if len(rest) > 1 and rest[-1] in ("i", "pa"):  # "Gröna Händer i Örebro", "Café på Söder"
                    rest = rest[:-1]
                return " ".join(rest), code
    for width in (3, 2, 1):
        if len(tokens) > width + 1:
            code = table.get(" ".join(tokens[:width]))
            if code:
                return " ".join(tokens[width:]), code
    return folded_name, None


@cache
def regions() -> dict[str, frozenset[str]]:
    """Regions that organisation names carry, folded -> the län they lie in: every län by its name
    ('vasterbotten', 'vastra gotaland'), the landskap and the regions people name ('malardalen', 'sjuharad').
    A län named after its kommun ('Uppsala', 'Kalmar') is left out: in a name it is the kommun."""
    table = {fold(name).removesuffix(" lan").removesuffix("s"): frozenset({code}) for code, name in lan_names().items()}
    for row in _rows("regions.csv"):
        codes = frozenset(row["lan_codes"].split("|"))
        key = fold(row["region"])
        table[key] = table.get(key, frozenset()) | codes
    places = _lookup()
    return {region: codes for region, codes in table.items() if region not in places}


@lru_cache(maxsize=1 << 14)
def regions_named(folded_name: str) -> dict[str, frozenset[str]]:
    """The regions a folded name names (one or two words each), with their län."""
    table, tokens = regions(), folded_name.split()
    groups = [" ".join(tokens[i : i + n]) for n in (1, 2) for i in range(len(tokens) - n + 1)]
    found = {group: table[group] for group in groups if group in table}
    # "Hälsinglands Sociala Kooperativ": the genitive names the region too.
    found |= {group[:-1]: table[group[:-1]] for group in groups if group.endswith("s") and group[:-1] in table}
    return found
