"""`asf-registry show ID|NAME`: everything the registry knows about one organisation, for the official who
asks "where does this come from?".

The organisation is found by registry ID (a retired ID leads to the one that stands for it now), by
organisationsnummer, or by name (exact, case and accents ignored, else the closest names). Shown: its
published values with who says each and since when, the sources that list it and what each wrote, the
company register match with its method and score, its change history and the IDs merged into it. A
personnummer is never shown, wherever it would have appeared.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz, process
from sqlmodel import Session, col, select

from registry.reference.collation import swedish_sort_key
from registry.reference.orgnr import parse_orgnr
from registry.store.columns import ORGANISATIONS
from registry.store.models import (
    ChangeLogRow,
    FieldProvenanceRow,
    Organisation,
    RegistryIdRedirect,
    SourceRecordRow,
)
from registry.tools.find import search_key
from registry.tools.labels import Labels

# How close a name must be to be offered when no name is equal, and how many are offered.
CLOSE_NAME_SCORE = 80.0
CLOSE_NAMES_SHOWN = 8


@dataclass(frozen=True)
class Found:
    """The organisation asked for, or the ones that might be meant."""

    organisation: Organisation | None
    # The retired registry ID that was asked for, when it led to the organisation.
    redirected_from: str | None = None
    candidates: tuple[Organisation, ...] = ()


def _follow(session: Session, registry_id: str) -> str:
    """The ID that stands for ``registry_id`` now, after every merge since."""
    seen = {registry_id}
    while (redirect := session.get(RegistryIdRedirect, registry_id)) is not None and redirect.new_id not in seen:
        registry_id = redirect.new_id
        seen.add(registry_id)
    return registry_id


def _current(session: Session, organisations: list[Organisation]) -> list[Organisation]:
    """Each organisation, or the one it was merged into; each once, in the order given."""
    current: dict[str, Organisation] = {}
    for organisation in organisations:
        if organisation.merged_into:
            organisation = session.get(Organisation, _follow(session, organisation.registry_id)) or organisation
        current.setdefault(organisation.registry_id, organisation)
    return list(current.values())


def find_one(session: Session, asked: str) -> Found:
    text = asked.strip()
    organisation = session.get(Organisation, text)
    if organisation is None or organisation.merged_into:
        # A retired ID leads to the organisation that stands for it now.
        current = session.get(Organisation, _follow(session, text))
        if current is not None and current.registry_id != text:
            return Found(current, redirected_from=text)
    if organisation is not None:
        return Found(organisation)
    orgnr = parse_orgnr(text).value
    if orgnr:
        by_orgnr = _current(session, list(session.exec(select(Organisation).where(Organisation.orgnr == orgnr))))
        if len(by_orgnr) == 1:
            return Found(by_orgnr[0])
        if by_orgnr:
            return Found(None, candidates=tuple(by_orgnr))
    everyone = list(session.exec(select(Organisation)))
    wanted = search_key(text)
    named = [o for o in everyone if wanted in (search_key(o.name), search_key(o.register_name or ""))]
    equal = _current(session, named)
    if len(equal) == 1:
        return Found(equal[0])
    if equal:
        return Found(None, candidates=tuple(equal))
    names = {o.registry_id: search_key(o.name) for o in everyone}
    close = process.extract(wanted, names, scorer=fuzz.WRatio, score_cutoff=CLOSE_NAME_SCORE, limit=None)
    by_id = {o.registry_id: o for o in everyone}
    ranked = sorted(close, key=lambda hit: (-hit[1], swedish_sort_key(by_id[hit[2]].name)))
    candidates = _current(session, [by_id[hit[2]] for hit in ranked])
    if len(candidates) == 1:  # one name is close: it is the one meant (its name heads what is shown)
        return Found(candidates[0])
    return Found(None, candidates=tuple(candidates[:CLOSE_NAMES_SHOWN]))


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else ""


def _value(labels: Labels, field: str, value: object) -> str:
    """A published value with its code where the code is what people quote (the legal form: 'EK')."""
    shown = labels.value(field, value)
    if field == "legal_form" and shown and shown != value:
        return f"{value} ({shown})"
    if field == "register_match_score" and shown:
        return f"{float(shown):.2f}"
    return shown


def render(session: Session, found: Found, labels: Labels) -> str:
    """The organisation as text (see the module's docstring); personnummer redacted in every line."""
    organisation = found.organisation
    assert organisation is not None
    rid = organisation.registry_id
    lines = [f"{organisation.name}  ({rid})"]
    if found.redirected_from:
        lines.append(labels.text("show.redirected", old=found.redirected_from, new=rid))
    if organisation.merged_into:
        lines.append(labels.text("show.merged_into", new=organisation.merged_into))
    provenance = {
        row.field: row for row in session.exec(select(FieldProvenanceRow).where(FieldProvenanceRow.registry_id == rid))
    }

    lines += ["", labels.text("show.values")]
    values = [
        (column, shown)
        for column in ORGANISATIONS
        if column.name not in ("registry_id", "name", "unlisted_runs")
        and (shown := _value(labels, column.name, getattr(organisation, column.name)))
    ]
    width = max((len(column.label(labels.lang)) for column, _ in values), default=0)
    for column, shown in values:
        said = provenance.get(column.name)
        source = (
            "  " + labels.text("show.said_by", source=labels.code("provenance", said.source), since=_when(said.since))
            if said is not None
            else ""
        )
        lines.append(f"  {column.label(labels.lang):<{width}}  {shown}{source}")

    records = list(
        session.exec(
            select(SourceRecordRow)
            .where(SourceRecordRow.registry_id == rid)
            .order_by(col(SourceRecordRow.source), col(SourceRecordRow.source_key))
        )
    )
    lines += ["", labels.text("show.sources", count=len(records))]
    for record in records:
        listed = "" if record.listed else "  " + labels.text("show.not_listed")
        lines.append(f"  {record.source} / {record.source_key}{listed}")
        lines.append(f"    {labels.column('source_records', 'name')}: {record.name}")
        for field in ("orgnr", "municipality", "address", "website", "activity", "categories", "source_url"):
            value = getattr(record, field)
            if value:
                lines.append(f"    {labels.column('source_records', field)}: {value}")
        lines.append(
            "    " + labels.text("show.seen", first=_when(record.first_seen_at), last=_when(record.last_seen_at))
        )
        if record.match_explanation:
            lines.append(f"    {labels.column('source_records', 'match_explanation')}:")
            # Stored as scoring wrote it, in English: said in the reader's language here.
            lines += [f"      {reason}" for reason in labels.explanation(record.match_explanation).splitlines()]

    lines += ["", labels.text("show.register")]
    if organisation.register_match:
        score = organisation.register_match_score
        lines.append(
            "  "
            + labels.text(
                "show.register_match",
                method=labels.code("register_match", organisation.register_match),
                score="" if score is None else f"{score:.2f}",
                name=organisation.register_name or "",
                orgnr=organisation.orgnr or "",
            )
        )
    else:
        lines.append("  " + labels.text("show.no_register_match"))

    merged_here = list(session.exec(select(RegistryIdRedirect).where(RegistryIdRedirect.new_id == rid)))
    if merged_here:
        lines += ["", labels.text("show.redirects")]
        lines += [f"  {r.old_id}  ({_when(r.created_at)})" for r in sorted(merged_here, key=lambda r: r.old_id)]

    ids = [rid, *(r.old_id for r in merged_here)]
    history = list(
        session.exec(select(ChangeLogRow).where(col(ChangeLogRow.registry_id).in_(ids)).order_by(col(ChangeLogRow.id)))
    )
    lines += ["", labels.text("show.history", count=len(history))]
    for change in history:
        what = labels.code("change", change.change)
        if change.field:
            field = labels.field(change.field)
            before = _value(labels, change.field, change.old_value) or "–"
            after = _value(labels, change.field, change.new_value) or "–"
            what += f": {field}: {before} → {after}"
        elif change.new_value:
            what += f": {change.new_value}"
        detail = f"  ({labels.phrase('change_detail', change.detail)})" if change.detail else ""
        lines.append(f"  {_when(change.changed_at)}  {what}{detail}")
    return "\n".join(labels.redacted(line) for line in lines)


def render_candidates(found: Found, asked: str, labels: Labels) -> str:
    """What to say when the question does not name one organisation."""
    if not found.candidates:
        return labels.text("show.not_found", asked=asked)
    lines = [labels.text("show.ambiguous", asked=asked)]
    lines += [
        f"  {o.registry_id}  {o.name}" + (f"  ({o.kommun_name})" if o.kommun_name else "") for o in found.candidates
    ]
    return "\n".join(labels.redacted(line) for line in lines)
