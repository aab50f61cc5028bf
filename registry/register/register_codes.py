"""Bolagsverket's codes for ongoing and concluded proceedings and for deregistration, with what each means and
which register status it gives. Data, read by the bulk-file parser and the API client; written out as
docs/register_codes.md (``python -m registry.register.register_codes``).

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
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    from registry.settings import PROJECT_ROOT

    (PROJECT_ROOT / "docs" / "register_codes.md").write_text(codes_markdown(), encoding="utf-8")
