"""Market scan for procurement: which organisations in the registry can deliver what, where.

``find_organisations(session, FindQuery(areas=("catering",), lan="01"))`` answers "which ASF near Stockholm
can deliver catering?". Every filter given must hold (AND); several areas widen the search (an organisation
with any of them matches). By default only active organisations with evidence of being an ASF are found:
``weak_signal`` organisations (listed only by a general member list) are left out unless asked for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from registry.publish.organisation_values import Evidence
from registry.reference.activity_areas import AREAS, area_codes_matching
from registry.reference.collation import swedish_sort_key
from registry.reference.geography import Kommun, find_kommun, kommuner, lan_names
from registry.reference.names import declared_legal_form
from registry.reference.normalize import fold
from registry.reference.personnummer import REDACTED_PERSONNUMMER, contains_personnummer
from registry.register.bolagsverket import LEGAL_FORMS
from registry.store.models import Organisation
from registry.tools.labels import COUNTED, Labels

WEAK_SIGNAL = Evidence.WEAK_SIGNAL

# Maps what a user types for an activity area ("catering", "städning", "CPV 90") to area codes.
AreaResolver = Callable[[str], list[str]]


class FindError(ValueError):
    """A query that names something unknown (a kommun, a län, a legal form, an area) or asks for a place that
    cannot exist: said, not guessed. ``key`` and ``values`` are the sentence in the label table; ``str()`` is
    the English one."""

    def __init__(self, key: str, **values: object) -> None:
        self.key, self.values = key, values
        super().__init__(self.said(Labels("en")))

    def said(self, labels: Labels) -> str:
        # A value that depends on the language (the areas' labels) is given as a function of the labels.
        return labels.text(self.key, **{k: v(labels) if callable(v) else v for k, v in self.values.items()})


def _known_areas(labels: Labels) -> str:
    return ", ".join(f"{area.code} ({labels.area(area.code)})" for area in AREAS)


def default_area_resolver(query: str) -> list[str]:
    """Area codes for a query, through the activity-area vocabulary (docs/activity_areas.md)."""
    return list(area_codes_matching(query))


@dataclass(frozen=True)
class FindQuery:
    # Activity areas as the user writes them; an organisation with any of them matches.
    areas: tuple[str, ...] = ()
    # Every word must occur (case and diacritics ignored) in the name, registered name, activity,
    # business description or activity areas.
    text: str | None = None
    # A kommun name ("Solna", "Solna stad", "Stockholms kommun") or SCB code ("0184").
    kommun: str | None = None
    # A län name ("Stockholms län", "Stockholm län", "Stockholm") or SCB code ("01", "1").
    lan: str | None = None
    # A Bolagsverket code ("AB", "EK", "I", "S", "HB"...) or its name ("aktiebolag", "ekonomisk förening").
    legal_form: str | None = None
    active_only: bool = True
    include_weak_signal: bool = False


def search_key(text: str) -> str:
    """Text as a query compares it: folded, with dots and hyphens as spaces ('ek. för.' is 'ek for')."""
    return " ".join(fold(text).replace(".", " ").replace("-", " ").split())


def resolve_kommun(text: str) -> Kommun:
    """'Solna', 'solna stad', 'Stockholms kommun', 'Bromma' (a locality) or '0184' -> the kommun."""
    value = text.strip()
    found = kommuner().get(value) if re.fullmatch(r"\d{4}", value) else find_kommun(value)
    if found is None:
        raise FindError("find.unknown_kommun", text=text)
    return found


def _lan_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for code, name in lan_names().items():
        base = search_key(name).removesuffix(" lan")
        table[base] = code
        if base.endswith("s"):
            table.setdefault(base[:-1], code)  # "Stockholms län" is also written "Stockholm län"
    return table


def resolve_lan(text: str) -> tuple[str, str]:
    """'Stockholms län', 'Stockholm län', 'stockholm', 'Region Stockholm', '01' or '1' -> ('01', 'Stockholms län')."""
    value = text.strip()
    names = lan_names()
    if re.fullmatch(r"\d{1,2}", value):
        code = value.zfill(2)
        if code in names:
            return code, names[code]
        raise FindError("find.unknown_lan_code", text=text)
    key = search_key(value).removeprefix("region ").removesuffix(" lan")
    table = _lan_table()
    code = table.get(key) or table.get(key.removesuffix("s"))
    if code is None:
        raise FindError("find.unknown_lan", text=text)
    return code, names[code]


def _legal_form_table() -> dict[str, str]:
    table = {code.lower(): code for code in LEGAL_FORMS}
    table |= {search_key(name): code for code, name in LEGAL_FORMS.items()}
    table |= {
        "aktiebolaget": "AB",
        "ekonomiska foreningen": "EK",
        "ek for": "EK",
        "ekfor": "EK",
        "ek forening": "EK",
        "economic association": "EK",
        "ideella foreningen": "I",
        "non profit association": "I",
        "stiftelsen": "S",
        "foundation": "S",
        "handelsbolaget": "HB",
        "limited company": "AB",
    }
    return table


def resolve_legal_form(text: str) -> str:
    """'AB', 'ab', 'aktiebolag', 'ekonomisk förening', 'ek. för.', 'ideell förening' -> the Bolagsverket code."""
    code = _legal_form_table().get(search_key(text))
    if code is None:
        raise FindError("find.unknown_legal_form", text=text, known=", ".join(LEGAL_FORMS))
    return code


_DECLARED = {"ab": "AB", "ek": "EK", "if": "I", "st": "S", "hb": "HB"}


def legal_form_of(organisation: Organisation) -> tuple[str | None, bool]:
    """The organisation's legal form and whether the company register says so (True) or only its name
    declares it (False: "Basta ek. för." not yet matched to the register)."""
    if organisation.legal_form:
        return organisation.legal_form, True
    declared = declared_legal_form(organisation.name)
    return (_DECLARED.get(declared), False) if declared else (None, False)


def kommun_of(organisation: Organisation) -> tuple[str | None, str | None]:
    """(kommun code, kommun name); read from the municipality as written when publishing did not place it."""
    if organisation.kommun_code:
        known = kommuner().get(organisation.kommun_code)
        return organisation.kommun_code, organisation.kommun_name or (known.name if known else None)
    found = find_kommun(organisation.municipality)
    return (found.code, found.name) if found else (None, organisation.municipality)


def area_codes(organisation: Organisation) -> list[str]:
    return [code.strip().lower() for code in (organisation.activity_areas or "").split(",") if code.strip()]


def _haystack(organisation: Organisation) -> str:
    fields = (
        organisation.name,
        organisation.register_name,
        organisation.activity,
        organisation.business_description,
        (organisation.activity_areas or "").replace(",", " "),
    )
    return fold(" ".join(field for field in fields if field))


def _resolve_areas(queries: Iterable[str], resolver: AreaResolver) -> set[str]:
    codes: set[str] = set()
    for query in queries:
        found = [code.strip().lower() for code in resolver(query) if code.strip()]
        if not found:
            raise FindError("find.unknown_area", query=query, areas=_known_areas)
        codes.update(found)
    return codes


def find_organisations(
    session: Session, query: FindQuery, area_resolver: AreaResolver = default_area_resolver
) -> list[Organisation]:
    """The organisations matching every filter of the query.

    Sorted by kommun, then name, when a kommun or län is given (the result reads as a list per place);
    otherwise by name; Swedish alphabetical order, registry ID last so the order is stable.
    Raises FindError for a kommun, län, legal form or area it cannot resolve.
    """
    kommun = resolve_kommun(query.kommun) if query.kommun else None
    lan_code, lan_name = resolve_lan(query.lan) if query.lan else (None, None)
    if kommun is not None and lan_code is not None and kommun.code[:2] != lan_code:
        # Both filters hold for no organisation at all: an empty answer would read as "none there".
        kommun_lan = lan_names()[kommun.code[:2]]
        raise FindError(
            "find.contradiction",
            kommun=kommun.name,
            kommun_lan=kommun_lan,
            kommun_lan_code=kommun.code[:2],
            lan=lan_name,
            lan_code=lan_code,
        )
    legal_form = resolve_legal_form(query.legal_form) if query.legal_form else None
    # A single string is one area, not a sequence of one-letter areas.
    areas = (query.areas,) if isinstance(query.areas, str) else query.areas
    wanted_areas = _resolve_areas(areas, area_resolver) if areas else None
    words = fold(query.text).split() if query.text else []

    statement = select(Organisation)
    if query.active_only:
        statement = statement.where(col(Organisation.active))
    if not query.include_weak_signal:
        statement = statement.where(col(Organisation.evidence) != WEAK_SIGNAL)

    found: list[Organisation] = []
    for organisation in session.exec(statement):
        code, _ = kommun_of(organisation)
        if kommun is not None and code != kommun.code:
            continue
        if lan_code is not None and (organisation.lan_code or (code[:2] if code else None)) != lan_code:
            continue
        if legal_form is not None and legal_form_of(organisation)[0] != legal_form:
            continue
        if wanted_areas is not None and not wanted_areas.intersection(area_codes(organisation)):
            continue
        if words:
            haystack = _haystack(organisation)
            if not all(word in haystack for word in words):
                continue
        found.append(organisation)

    by_place = kommun is not None or lan_code is not None

    def order(organisation: Organisation) -> tuple[str, ...]:
        name = (swedish_sort_key(organisation.name), organisation.registry_id)
        return (swedish_sort_key(kommun_of(organisation)[1]), *name) if by_place else name

    return sorted(found, key=order)


# The printed table's columns (their labels: the published columns', registry/store/columns.py) and their
# widest width; the website comes last, untruncated.
TABLE_COLUMNS = (
    ("registry_id", 14), ("name", 40), ("orgnr", 11), ("legal_form", 22), ("kommun_name", 16),
    ("activity_areas", 42), ("evidence", 17),
)  # fmt: skip


def _table_row(organisation: Organisation, labels: Labels) -> tuple[str, ...]:
    form, from_register = legal_form_of(organisation)
    values = (
        organisation.registry_id,
        organisation.name,
        organisation.orgnr or "",
        f"{labels.code('legal_form', form)}{'' if from_register else '*'}" if form else "",
        kommun_of(organisation)[1] or "",
        labels.areas(",".join(area_codes(organisation))),
        labels.code("evidence_short", organisation.evidence),
        organisation.website or "",
    )
    # On screen too: a personnummer that slipped into the registry is not shown.
    return tuple(REDACTED_PERSONNUMMER if contains_personnummer(value) else value for value in values)


def format_table(organisations: Sequence[Organisation], labels: Labels | None = None) -> str:
    """A result as a terminal table (registry ID, name, orgnr, legal form, kommun, areas, evidence, website)
    with its count and what its marks mean."""
    labels = labels or Labels()
    rows = [_table_row(organisation, labels) for organisation in organisations]
    header = (
        *(labels.text("find.orgnr") if name == "orgnr" else labels.column("organisations", name)
          for name, _ in TABLE_COLUMNS),
        labels.column("organisations", "website"),
    )  # fmt: skip
    widths = [
        min(cap, max([len(header[i])] + [len(row[i]) for row in rows])) for i, (_, cap) in enumerate(TABLE_COLUMNS)
    ]

    def line(cells: Sequence[str]) -> str:
        fixed = [
            (cell if len(cell) <= width else cell[: width - 1] + "…").ljust(width)
            for cell, width in zip(cells, widths, strict=False)
        ]
        return "  ".join([*fixed, cells[-1]]).rstrip()

    lines = [line(header), *(line(row) for row in rows)]
    lines.append(f"{len(organisations)} {COUNTED['organisations_found'](labels.lang, len(organisations))}")
    if any(row[3].endswith("*") for row in rows):
        lines.append(labels.text("find.legend_declared"))
    if any(o.evidence != Evidence.CURRENT_LIST for o in organisations):
        lines.append(labels.text("find.legend_evidence"))
    return "\n".join(lines)
