"""The figures of the environmental scan's report, collected from the registry tables into plain data.

Codes, not labels: the page and the Markdown (registry/tools/report.py) say the same thing in either language,
and tests check the figures without parsing HTML.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from registry.publish.changes import Change
from registry.publish.organisation_values import Evidence
from registry.reference.collation import swedish_sort_key
from registry.store.models import ChangeLogRow, Organisation, RegisterCandidate, RunRow, SourceRecordRow
from registry.tools.find import legal_form_of
from registry.tools.review import ReviewPair

STOCKHOLMS_LAN = "01"
MONTHS_SHOWN = 12
LISTED_CHANGES = 200
# The groups the organisations are listed in, strongest evidence first.
EVIDENCE_ORDER: tuple[str, ...] = (Evidence.CURRENT_LIST, Evidence.HISTORICAL_LIST, Evidence.WEAK_SIGNAL)
CHANGE_ORDER = {change.value: index for index, change in enumerate(Change)}


@dataclass(frozen=True)
class SourceHealthRow:
    source: str
    ok: bool
    records: int
    quarantined: int
    error: str | None
    title: str = ""


@dataclass(frozen=True)
class ChangeRow:
    registry_id: str
    name: str
    change: str
    field: str | None
    old_value: str | None
    new_value: str | None
    detail: str | None


@dataclass(frozen=True)
class SourceLink:
    """One source's record of an organisation: where an official can see what the source says."""

    source: str
    title: str
    url: str | None
    listed: bool


@dataclass(frozen=True)
class ListedOrganisation:
    registry_id: str
    name: str
    kommun_name: str | None
    lan_name: str | None
    activity_areas: tuple[str, ...]
    legal_form: str | None
    # False when the legal form is read from the name, not (yet) from the company register.
    legal_form_from_register: bool
    orgnr: str | None
    website: str | None
    listed: bool
    sources: tuple[SourceLink, ...]


@dataclass(frozen=True)
class Tally:
    """Active organisations under one key (a kommun's or län's name, an area code; None: unknown), by evidence."""

    key: str | None
    by_evidence: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_evidence.values())


@dataclass(frozen=True)
class ReportData:
    generated_at: datetime
    run_id: str | None
    published_at: datetime | None
    active: int
    inactive: int
    unlisted_but_active: int
    # Every evidence code of EVIDENCE_ORDER (zero when none), then any other code an older run wrote.
    per_evidence: dict[str, int]
    # The active organisations per evidence, same keys and order, each group in Swedish alphabetical order.
    organisations: dict[str, tuple[ListedOrganisation, ...]]
    per_area: list[Tally]
    per_area_in_stockholms_lan: list[Tally]
    per_kommun_in_stockholms_lan: list[Tally]
    per_lan: list[Tally]
    changes_this_run: dict[str, int]
    latest_changes: list[ChangeRow]
    changes_per_month: dict[str, dict[str, int]]
    source_health: list[SourceHealthRow]
    candidates: list[tuple[str, str, str]]
    pairs_waiting: list[tuple[str, str, float | None]] = field(default_factory=list)

    @property
    def changes_total(self) -> int:
        return sum(self.changes_this_run.values())


# Collecting the figures.


def collect(
    session: Session,
    pending: Sequence[ReviewPair] = (),
    now: datetime | None = None,
    source_titles: Mapping[str, str] | None = None,
) -> ReportData:
    now = now or datetime.now(UTC)
    titles = source_titles or {}
    organisations = list(session.exec(select(Organisation)))
    active = [o for o in organisations if o.active]
    latest = session.exec(select(RunRow).order_by(col(RunRow.published_at).desc()).limit(1)).first()
    this_run = _changes_of(session, latest)
    in_stockholms_lan = [o for o in active if o.lan_code == STOCKHOLMS_LAN]
    evidence_codes = _evidence_codes(active)
    return ReportData(
        generated_at=now,
        run_id=latest.run_id if latest else None,
        published_at=latest.published_at if latest else None,
        active=len(active),
        inactive=len(organisations) - len(active),
        unlisted_but_active=sum(1 for o in active if not o.listed),
        per_evidence={code: sum(1 for o in active if o.evidence == code) for code in evidence_codes},
        organisations=_listed(active, _source_links(session, titles), evidence_codes),
        per_area=_tallies(active, _areas_of),
        per_area_in_stockholms_lan=_tallies(in_stockholms_lan, _areas_of),
        per_kommun_in_stockholms_lan=_tallies(in_stockholms_lan, lambda o: [o.kommun_name]),
        per_lan=_tallies(active, lambda o: [o.lan_name]),
        changes_this_run=_in_change_order(Counter(r.change for r in this_run)),
        latest_changes=_change_rows(this_run, {o.registry_id: o.name for o in organisations}),
        changes_per_month=_changes_per_month(session, now),
        source_health=_source_health(latest, titles),
        candidates=[
            (c.orgnr, c.name, c.reason)
            for c in session.exec(
                select(RegisterCandidate).where(RegisterCandidate.still_candidate).order_by(col(RegisterCandidate.name))
            )
        ],
        pairs_waiting=[(p.left.name, p.right.name, p.score) for p in pending],
    )


def _evidence_codes(active: Iterable[Organisation]) -> tuple[str, ...]:
    # A code an older run wrote gets a group of its own after the known ones rather than being lost.
    others = sorted({o.evidence for o in active} - set(EVIDENCE_ORDER))
    return (*EVIDENCE_ORDER, *others)


def _areas_of(organisation: Organisation) -> list[str | None]:
    codes = [code.strip() for code in (organisation.activity_areas or "").split(",") if code.strip()]
    return list(codes) or [None]


def _tallies(
    organisations: Iterable[Organisation], keys: Callable[[Organisation], Sequence[str | None]]
) -> list[Tally]:
    """Most organisations first; the unknown key last, whatever its count, so it does not read as a place."""
    counts: dict[str | None, Counter[str]] = {}
    for organisation in organisations:
        for key in dict.fromkeys(keys(organisation)):
            counts.setdefault(key, Counter())[organisation.evidence] += 1
    tallies = [Tally(key, dict(by_evidence)) for key, by_evidence in counts.items()]
    return sorted(tallies, key=lambda t: (t.key is None, -t.total, swedish_sort_key(t.key)))


def _source_links(session: Session, titles: Mapping[str, str]) -> dict[str, list[SourceLink]]:
    links: dict[str, list[SourceLink]] = {}
    for record in session.exec(select(SourceRecordRow)):
        link = SourceLink(record.source, titles.get(record.source, record.source), record.source_url, record.listed)
        links.setdefault(record.registry_id, []).append(link)
    return links


def _listed(
    active: Iterable[Organisation], links: Mapping[str, list[SourceLink]], evidence_codes: Sequence[str]
) -> dict[str, tuple[ListedOrganisation, ...]]:
    groups: dict[str, list[ListedOrganisation]] = {code: [] for code in evidence_codes}
    for organisation in active:
        groups[organisation.evidence].append(_listed_one(organisation, links.get(organisation.registry_id, [])))
    return {
        code: tuple(sorted(rows, key=lambda o: (swedish_sort_key(o.name), o.registry_id)))
        for code, rows in groups.items()
    }


def _listed_one(organisation: Organisation, links: Sequence[SourceLink]) -> ListedOrganisation:
    form, from_register = legal_form_of(organisation)
    # The sources that list it now first; an unlisted record still says where it was seen.
    ordered = sorted(links, key=lambda link: (not link.listed, swedish_sort_key(link.title), link.url or ""))
    return ListedOrganisation(
        registry_id=organisation.registry_id,
        name=organisation.name,
        kommun_name=organisation.kommun_name,
        lan_name=organisation.lan_name,
        activity_areas=tuple(code for code in _areas_of(organisation) if code),
        legal_form=form,
        legal_form_from_register=from_register,
        orgnr=organisation.orgnr,
        website=organisation.website,
        listed=organisation.listed,
        sources=tuple(ordered),
    )


def _changes_of(session: Session, latest: RunRow | None) -> list[ChangeLogRow]:
    if latest is None:
        return []
    query = select(ChangeLogRow).where(ChangeLogRow.run_id == latest.run_id).order_by(col(ChangeLogRow.id))
    return list(session.exec(query))


def _in_change_order(counts: Mapping[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda item: (CHANGE_ORDER.get(item[0], len(CHANGE_ORDER)), item[0])))


def _change_rows(rows: Sequence[ChangeLogRow], names: Mapping[str, str]) -> list[ChangeRow]:
    """By kind of change (added first), then by name: an official reads what is new as one list."""
    ordered = sorted(
        rows,
        key=lambda r: (CHANGE_ORDER.get(r.change, len(CHANGE_ORDER)), swedish_sort_key(names.get(r.registry_id))),
    )
    return [
        ChangeRow(r.registry_id, names.get(r.registry_id, ""), r.change, r.field, r.old_value, r.new_value, r.detail)
        for r in ordered[:LISTED_CHANGES]
    ]


def _changes_per_month(session: Session, now: datetime) -> dict[str, dict[str, int]]:
    since = (now - timedelta(days=31 * MONTHS_SHOWN)).replace(day=1)
    per_month: dict[str, Counter[str]] = {}
    for row in session.exec(select(ChangeLogRow).where(ChangeLogRow.changed_at >= since)):
        per_month.setdefault(row.changed_at.strftime("%Y-%m"), Counter())[row.change] += 1
    return {month: _in_change_order(c) for month, c in sorted(per_month.items())}


def _source_health(latest: RunRow | None, titles: Mapping[str, str]) -> list[SourceHealthRow]:
    if latest is None:
        return []
    rows = [
        SourceHealthRow(
            source=source,
            ok=bool(figures.get("ok")),
            records=int(figures.get("records") or 0),
            quarantined=int(figures.get("quarantined") or 0),
            error=figures.get("error"),
            title=titles.get(source, source),
        )
        for source, figures in json.loads(latest.source_summary).items()
    ]
    return sorted(rows, key=lambda row: (swedish_sort_key(row.title), row.source))


# Rendering: every text goes through _shown; only Markup built here is trusted as HTML.
