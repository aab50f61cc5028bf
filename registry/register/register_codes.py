"""Bolagsverket's codes for ongoing and concluded proceedings and for deregistration, with what each means and
which register status it gives, and the identity and name types of a row with what the registry does with
each. Data, read by the bulk-file parser and the API client; written out as docs/register_codes.md
(``python -m registry.register.register_codes``).

The bulk file's proceedings field lists each proceeding that was started, ``<code>-AVOMFO$<date>``, and each
one that ended, ``<code><how>-AVSLAVOMFO$<date>``: a bankruptcy that was concluded appears twice
(``KK-AVOMFO$2024-03-01|KKAVOV-AVSLAVOMFO$2024-11-20``) and is no longer a bankruptcy. Bolagsverket's code
list documents the eleven ``-AVOMFO`` codes; the ``-AVSLAVOMFO`` ones are in the file but not in the list,
and are read by their leading proceeding code. A code in neither is counted and reported, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

STATUS_ACTIVE = "active"
STATUS_DEREGISTERED = "deregistered"
STATUS_BANKRUPTCY = "bankruptcy"
STATUS_LIQUIDATION = "liquidation"
STATUS_RECONSTRUCTION = "reconstruction"
STATUS_COMPOSITION = "composition"
STATUS_MERGER = "merger"
STATUS_DIVISION = "division"
STATUS_CONVERSION = "conversion"
STATUS_RESOLUTION = "resolution"


@dataclass(frozen=True)
class Proceeding:
    code: str
    meaning: str  # as Bolagsverket's code list says it
    status: str


# Most serious first: with several ongoing, the status is the first one's.
PROCEEDINGS: tuple[Proceeding, ...] = (
    Proceeding("KK", "Konkurs", STATUS_BANKRUPTCY),
    Proceeding("LI", "Likvidation", STATUS_LIQUIDATION),
    Proceeding("FR", "Företagsrekonstruktion", STATUS_RECONSTRUCTION),
    Proceeding("AC", "Ackordsförhandling", STATUS_COMPOSITION),
    Proceeding("RES", "Resolution", STATUS_RESOLUTION),
    Proceeding("FUOL", "Överlåtande i fusion", STATUS_MERGER),
    Proceeding("FUOT", "Övertagande i fusion", STATUS_MERGER),
    Proceeding("DEOL", "Överlåtande vid delning", STATUS_DIVISION),
    Proceeding("DEOT", "Övertagande vid delning", STATUS_DIVISION),
    Proceeding("OM", "Ombildning", STATUS_CONVERSION),
    Proceeding("GROM", "Gränsöverskridande ombildning", STATUS_CONVERSION),
)
BY_CODE = {p.code: p for p in PROCEEDINGS}
_RANK = {p.code: i for i, p in enumerate(PROCEEDINGS)}

# How a proceeding ended, as the -AVSLAVOMFO codes seen in the file write it after the proceeding's code.
# Not in Bolagsverket's code list: the meanings are read from the codes, and only the ending matters here.
CONCLUSIONS = {
    "AVOV": "avslutad (konkurs avslutad, med eller utan överskott)",
    "UHOR": "upphört (avslutat på annat sätt)",
    "UHAVD": "upphävd (hävd av domstol)",
}

DEREGISTRATION_REASONS = {
    "AKEJH": "Aktiekapitalet inte höjts",
    "ARSEED": "Årsredovisning saknas",
    "AVREG": "Avregistrerad",
    "BABAKEJH": "Ombildat till bankaktiebolag eller aktiekapitalet inte höjts",
    "DELAV": "Delning",
    "DOM": "Beslut av domstol",
    "FUAV": "Fusion",
    "GROMAV": "Gränsöverskridande ombildning",
    "KKAV": "Konkurs",
    "LIAV": "Likvidation",
    "NYINN": "Ny innehavare",
    "OMAV": "Ombildning",
    "OMBAB": "Ombildat till bankaktiebolag",
    "OVERK": "Overksamhet",
    "UTLKKLI": "Det utländska företagets likvidation eller konkurs",
    "VERKUPP": "Verksamheten har upphört",
    "VDSAK": "Verkställande direktör saknas",
}



@dataclass(frozen=True)
class IdentityType:
    code: str  # after the '$' of organisationsidentitet ('5560160680$ORGNR-IDORG'); "" for none written
    meaning: str
    # Whether a row of this type may be stored: only types that name an organisation. Its number is checked all
    # the same (a person's number under an organisation's type is skipped).
    stored: bool
    handling: str


# What the registry does with each type of identity. A person's identity never reaches a column of the snapshot:
# such rows are dropped inside the engine and counted per type (ParseReport.identity_types_skipped).
IDENTITY_TYPES: tuple[IdentityType, ...] = (
    IdentityType("ORGNR-IDORG", "Organisationsnummer", True,
                 "Stored. A number whose third digit is 0 or 1 (a month: a person's number) is skipped and counted "
                 "as `ORGNR-IDORG holding a personnummer`."),
    IdentityType("GDNR-IDORG", "GD-nummer: an organisation's number that is not an organisationsnummer", True,
                 "Stored like an organisationsnummer, with the same check for a person's number."),
    IdentityType("", "no type written (`5560160680`)", True,
                 "Read as an organisationsnummer, with the same check (counted as `unlabelled holding a "
                 "personnummer` when it fails)."),
    IdentityType("PERSON-IDORG", "Personnummer: a sole trader (enskild näringsidkare), that is a person", False,
                 "Never stored: dropped before any column is built from the row; counted as `PERSON-IDORG`."),
    IdentityType("SAMORDNR-IDORG", "Samordningsnummer: a person's number for someone not folkbokförd in Sweden",
                 False, "Never stored: dropped like a personnummer; counted as `SAMORDNR-IDORG`."),
)  # fmt: skip
ORGANISATION_IDENTITY_TYPES = frozenset(t.code for t in IDENTITY_TYPES if t.stored)
UNKNOWN_IDENTITY_TYPES = (
    "Never stored: a type not in this table is not known to name an organisation and could name a person. "
    "Counted under the type as written (`unreadable type` when the text after the `$` does not look like one)."
)


@dataclass(frozen=True)
class NameType:
    code: str  # in the bulk file, before '-ORGNAM' ('Exempel AB$FORETAGSNAMN-ORGNAM$2016-11-15')
    api_code: str  # the API's organisationsnamntyp.kod
    meaning: str
    # A main type's name is the one shown (the first main type in this order that the organisation has); every
    # other name is an alias that register matching searches too (the trading names lists use).
    main: bool


NAME_TYPES: tuple[NameType, ...] = (
    NameType("FORETAGSNAMN", "FORETAGSNAMN", "Företagsnamn: the registered business name", True),
    NameType("NAMN", "NAMN", "Namn: a registered name that is not a företagsnamn", True),
    NameType("SARS_FORNAMN", "SARSKILT_FORETAGSNAMN", "Särskilt företagsnamn (bifirma): a name for part of the "
             "business", False),
    NameType("FORNAMN_FRSPRAK", "FORNAMN_FRSPRAK", "Företagsnamn på främmande språk: the business name in another "
             "language", False),
)  # fmt: skip
_MAIN_NAME_RANK = {code: i for i, t in enumerate(NAME_TYPES) if t.main for code in (t.code, t.api_code)}


def name_rank(code: str) -> int:
    """How strongly a name of type ``code`` (bulk file's or API's, '-ORGNAM' or not) claims to be the name shown:
    the main types in table order, then every other type (and none) alike."""
    return _MAIN_NAME_RANK.get(code.strip().removesuffix("-ORGNAM"), len(NAME_TYPES))


STARTED, ENDED = "-AVOMFO", "-AVSLAVOMFO"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class ReadProceedings:
    # The codes of the proceedings that are still ongoing.
    ongoing: tuple[str, ...]
    # Codes neither in the code list nor read as an ending of one: counted, never guessed.
    unknown: tuple[str, ...]


def _concluded_code(code: str) -> str | None:
    """'KKAVOV' -> 'KK', 'FRUHOR' -> 'FR': the proceeding an -AVSLAVOMFO code ends, or None."""
    for base in sorted(BY_CODE, key=len, reverse=True):
        if code.startswith(base) and code[len(base) :] in CONCLUSIONS:
            return base
    return None


def read_proceedings(field: str) -> ReadProceedings:
    """The bulk file's proceedings field: which proceedings are ongoing (started, and not ended since)."""
    started: dict[str, str] = {}
    ended: dict[str, str] = {}
    unknown: list[str] = []
    for part in field.split("|"):
        written, _, rest = part.strip().partition("$")
        if not written:
            continue
        found = _DATE.search(rest)
        when = found.group(0) if found else ""
        if written.endswith(ENDED):
            base = _concluded_code(written.removesuffix(ENDED))
            if base is None:
                unknown.append(written)
            else:
                ended[base] = max(ended.get(base, ""), when)
            continue
        code = written.removesuffix(STARTED)
        if code in BY_CODE:
            started[code] = max(started.get(code, ""), when)
        else:
            unknown.append(written)
    # Ongoing when it started after it last ended (or never ended); a bankruptcy ended without its start in
    # the file is ended all the same.
    ongoing = [code for code, when in started.items() if code not in ended or (when and when > ended[code])]
    return ReadProceedings(tuple(sorted(ongoing, key=_RANK.__getitem__)), tuple(unknown))


def register_status(deregistered: bool, ongoing: Iterable[str]) -> str:
    """The registration's status from whether it is deregistered and the codes of its ongoing proceedings
    (the bulk file's, read by read_proceedings, or the API's 'pågående' list): one rule for both. A code not
    in the code list gives no status of its own."""
    if deregistered:
        return STATUS_DEREGISTERED
    known = sorted((c for c in ongoing if c in BY_CODE), key=_RANK.__getitem__)
    return BY_CODE[known[0]].status if known else STATUS_ACTIVE


def deregistration_reason_code(field: str) -> str | None:
    """'KKAV-AVORG$...' -> 'KKAV': the reason's code, whatever follows it."""
    code = field.partition("$")[0].strip().partition("-")[0]
    return code or None


def codes_markdown() -> str:
    """docs/register_codes.md: every code the registry reads, what it means and the status it gives."""
    lines = [
        "# Company register codes",
        "",
        "Generated from `registry/register/register_codes.py` (`python -m registry.register.register_codes`).",
        "",
        "## Proceedings (`pagaendeAvvecklingsEllerOmstruktureringsforfarande`)",
        "",
        "Started: `<code>-AVOMFO$<date>`; ended: `<code><how>-AVSLAVOMFO$<date>`. A proceeding is ongoing when",
        "it started after it last ended. With several ongoing, the status is the first in this table's order.",
        "",
        "| code | meaning | `register_status` while ongoing |",
        "|---|---|---|",
        *(f"| `{p.code}` | {p.meaning} | `{p.status}` |" for p in PROCEEDINGS),
        "",
        "How a proceeding ended (after its code, before `-AVSLAVOMFO`; seen in the file, not in Bolagsverket's",
        "code list): an ended proceeding gives no status.",
        "",
        "| code | meaning |",
        "|---|---|",
        *(f"| `{code}` | {meaning} |" for code, meaning in CONCLUSIONS.items()),
        "",
        "Any other code is counted in the snapshot build's report (`unknown_codes`) and gives no status.",
        "A deregistered organisation is `deregistered` whatever its proceedings.",
        "",
        "## Deregistration reasons (`avregistreringsorsak`)",
        "",
        "| code | meaning |",
        "|---|---|",
        *(f"| `{code}` | {meaning} |" for code, meaning in DEREGISTRATION_REASONS.items()),
        "",
        "## Identity types (`organisationsidentitet`: `<number>$<type>`)",
        "",
        "Rows that are not stored are dropped before any column of the snapshot is built from them; only their",
        "types are counted (`identity_types_skipped` in the build's report), never their numbers.",
        "",
        "| type | meaning | stored | what the registry does |",
        "|---|---|---|---|",
        *(_identity_row(t) for t in IDENTITY_TYPES),
        f"| any other | unknown | never | {UNKNOWN_IDENTITY_TYPES} |",
        "",
        "## Name types (`organisationsnamn`: `<name>$<type>-ORGNAM$<date>`, several joined by `|`)",
        "",
        "The name shown is the organisation's name of the first main type in this table's order, or the first",
        "name listed when it has none. Every other name, of whatever type (one not in this table too), is kept",
        "as an alias that register matching searches like the main name.",
        "",
        "| type in the bulk file | in the API | meaning | use |",
        "|---|---|---|---|",
        *(
            f"| `{t.code}` | `{t.api_code}` | {t.meaning} | {'main name' if t.main else 'alias'} |"
            for t in NAME_TYPES
        ),
        "",
    ]
    return "\n".join(lines)


def _identity_row(kind: IdentityType) -> str:
    code = f"`{kind.code}`" if kind.code else "(none)"
    return f"| {code} | {kind.meaning} | {'yes' if kind.stored else 'never'} | {kind.handling} |"


if __name__ == "__main__":
    from registry.settings import PROJECT_ROOT

    (PROJECT_ROOT / "docs" / "register_codes.md").write_text(codes_markdown(), encoding="utf-8")
