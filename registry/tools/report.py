"""The environmental scan's report: one self-contained HTML page (no network needed to view it) and the same
key figures as Markdown for the Dagster UI.

Figures are collected from the registry tables into plain data first, so the page and the Markdown say the
same thing and tests can check the figures without parsing HTML. Every text that came from a source is
escaped: a name with markup in it is shown, never run.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape

from sqlmodel import Session, col, select

from registry.reference.activity_areas import area_by_code
from registry.store.models import ChangeLogRow, Organisation, RegisterCandidate, RunRow
from registry.tools.review import ReviewPair

STOCKHOLMS_LAN = "01"
MONTHS_SHOWN = 12
LISTED_CHANGES = 200


@dataclass(frozen=True)
class SourceHealthRow:
    source: str
    ok: bool
    records: int
    quarantined: int
    error: str | None


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
class ReportData:
    generated_at: datetime
    run_id: str | None
    published_at: datetime | None
    active: int
    inactive: int
    unlisted_but_active: int
    per_evidence: dict[str, int]
    per_area: list[tuple[str, int]]
    per_kommun_in_stockholms_lan: list[tuple[str, int]]
    changes_this_run: dict[str, int]
    latest_changes: list[ChangeRow]
    changes_per_month: dict[str, dict[str, int]]
    source_health: list[SourceHealthRow]
    candidates: list[tuple[str, str, str]]
    pairs_waiting: list[tuple[str, str, float | None]] = field(default_factory=list)


def area_label(code: str) -> str:
    try:
        return area_by_code(code).label_en
    except KeyError:  # a code from an older classification: shown as it is rather than lost
        return code


def collect(session: Session, pending: Sequence[ReviewPair] = (), now: datetime | None = None) -> ReportData:
    now = now or datetime.now(UTC)
    organisations = list(session.exec(select(Organisation)))
    active = [o for o in organisations if o.active]
    names = {o.registry_id: o.name for o in organisations}
    runs = list(session.exec(select(RunRow).order_by(col(RunRow.published_at).desc()).limit(1)))
    latest = runs[0] if runs else None

    per_area: Counter[str] = Counter()
    for org in active:
        for code in (org.activity_areas or "").split(","):
            if code:
                per_area[area_label(code)] += 1
    if any(not o.activity_areas for o in active):
        per_area["(not classified)"] = sum(1 for o in active if not o.activity_areas)
    per_kommun = Counter(o.kommun_name or "(unknown)" for o in active if o.lan_code == STOCKHOLMS_LAN)

    this_run = (
        list(session.exec(select(ChangeLogRow).where(ChangeLogRow.run_id == latest.run_id).order_by(ChangeLogRow.id)))
        if latest
        else []
    )
    since = (now - timedelta(days=31 * MONTHS_SHOWN)).replace(day=1)
    per_month: dict[str, Counter[str]] = {}
    for row in session.exec(select(ChangeLogRow).where(ChangeLogRow.changed_at >= since)):
        per_month.setdefault(row.changed_at.strftime("%Y-%m"), Counter())[row.change] += 1

    health = []
    if latest:
        for source, figures in sorted(json.loads(latest.source_summary).items()):
            health.append(
                SourceHealthRow(
                    source=source,
                    ok=bool(figures.get("ok")),
                    records=int(figures.get("records") or 0),
                    quarantined=int(figures.get("quarantined") or 0),
                    error=figures.get("error"),
                )
            )
    candidates = [
        (c.orgnr, c.name, c.reason)
        for c in session.exec(
            select(RegisterCandidate).where(RegisterCandidate.still_candidate).order_by(col(RegisterCandidate.name))
        )
    ]
    return ReportData(
        generated_at=now,
        run_id=latest.run_id if latest else None,
        published_at=latest.published_at if latest else None,
        active=len(active),
        inactive=len(organisations) - len(active),
        unlisted_but_active=sum(1 for o in active if not o.listed),
        per_evidence=dict(sorted(Counter(o.evidence for o in active).items())),
        per_area=sorted(per_area.items(), key=lambda item: (-item[1], item[0])),
        per_kommun_in_stockholms_lan=sorted(per_kommun.items(), key=lambda item: (-item[1], item[0])),
        changes_this_run=dict(sorted(Counter(r.change for r in this_run).items())),
        latest_changes=[
            ChangeRow(
                r.registry_id, names.get(r.registry_id, ""), r.change, r.field, r.old_value, r.new_value, r.detail
            )
            for r in this_run[:LISTED_CHANGES]
        ],
        changes_per_month={month: dict(sorted(c.items())) for month, c in sorted(per_month.items())},
        source_health=health,
        candidates=candidates,
        pairs_waiting=[(p.left.name, p.right.name, p.score) for p in pending],
    )


def render_markdown(data: ReportData) -> str:
    """The key figures, for the asset's metadata in the Dagster UI."""
    failed = [s.source for s in data.source_health if not s.ok]
    lines = [
        f"**{data.active} active organisations** ({data.inactive} inactive, {data.unlisted_but_active} no longer "
        f"listed by any source but not yet inactive)",
        "",
        "Changes this run: " + (", ".join(f"{k} {v}" for k, v in data.changes_this_run.items()) or "none"),
        "",
        f"Sources: {len(data.source_health) - len(failed)} ok" + (f", failed: {', '.join(failed)}" if failed else ""),
        f"Waiting for a person: {len(data.pairs_waiting)} pairs to review, {len(data.candidates)} register candidates",
        "",
        "| activity area | active organisations |",
        "|---|---|",
        *(f"| {_md(area)} | {count} |" for area, count in data.per_area),
        "",
        "| kommun in Stockholms län | active organisations |",
        "|---|---|",
        *(f"| {_md(kommun)} | {count} |" for kommun, count in data.per_kommun_in_stockholms_lan),
    ]
    return "\n".join(lines)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _bar_chart(rows: Sequence[tuple[str, int]], title: str) -> str:
    """A horizontal bar chart as inline SVG: readable without scripts or a network."""
    if not rows:
        return f"<p class='empty'>{escape(title)}: nothing to show.</p>"
    top = max(count for _, count in rows) or 1
    bar_height, label_width, chart_width = 22, 230, 360
    height = bar_height * len(rows) + 10
    parts = [
        f"<svg role='img' aria-label='{escape(title, quote=True)}' width='{label_width + chart_width + 50}' "
        f"height='{height}' xmlns='http://www.w3.org/2000/svg'>"
    ]
    for index, (label, count) in enumerate(rows):
        y = index * bar_height + 5
        width = max(2, round(chart_width * count / top))
        parts.append(
            f"<text x='{label_width - 8}' y='{y + 15}' text-anchor='end'>{escape(label)}</text>"
            f"<rect x='{label_width}' y='{y + 2}' width='{width}' height='{bar_height - 6}' class='bar'/>"
            f"<text x='{label_width + width + 6}' y='{y + 15}'>{count}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    if not rows:
        return "<p class='empty'>None.</p>"
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape('' if v is None else str(v))}</td>" for v in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; color: #1b1b1b; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ccc; }
.figures { display: flex; gap: 1rem; flex-wrap: wrap; }
.figure { border: 1px solid #ccc; border-radius: 6px; padding: .6rem 1rem; min-width: 9rem; }
.figure b { display: block; font-size: 1.6rem; }
table { border-collapse: collapse; margin: .5rem 0; } td, th { border: 1px solid #ddd; padding: .25rem .5rem; }
th { background: #f2f2f2; text-align: left; } svg text { font-size: 13px; } .bar { fill: #2f6f9f; }
.failed { color: #a40000; font-weight: bold; } .empty { color: #666; }
"""


def render_html(data: ReportData) -> str:
    months = list(data.changes_per_month)
    kinds = sorted({k for counts in data.changes_per_month.values() for k in counts})
    published = data.published_at.strftime("%Y-%m-%d %H:%M UTC") if data.published_at else "never"
    figures = [
        ("active organisations", data.active),
        ("inactive", data.inactive),
        ("unlisted, not yet inactive", data.unlisted_but_active),
        ("changes this run", sum(data.changes_this_run.values())),
        ("pairs waiting for review", len(data.pairs_waiting)),
        ("register candidates", len(data.candidates)),
    ]
    sections = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<title>ASF registry: environmental scan report</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Work-integrating social enterprises: environmental scan</h1>",
        f"<p>Registry as published by run <code>{escape(data.run_id or '-')}</code> at {escape(published)}; "
        f"report made {escape(data.generated_at.strftime('%Y-%m-%d %H:%M UTC'))}.</p>",
        "<div class='figures'>"
        + "".join(f"<div class='figure'><b>{value}</b>{escape(label)}</div>" for label, value in figures)
        + "</div>",
        "<h2>Organisations per activity area</h2>",
        _bar_chart(data.per_area, "organisations per activity area"),
        "<h2>Organisations per kommun in Stockholms län</h2>",
        _bar_chart(data.per_kommun_in_stockholms_lan, "organisations per kommun in Stockholms län"),
        "<h2>What changed in this run</h2>",
        _table(["change", "count"], list(data.changes_this_run.items())),
        _table(
            ["registry ID", "organisation", "change", "field", "old value", "new value", "detail"],
            [
                (c.registry_id, c.name, c.change, c.field, c.old_value, c.new_value, c.detail)
                for c in data.latest_changes
            ],
        ),
        f"<h2>Changes over the last {MONTHS_SHOWN} months</h2>",
        _bar_chart([(m, sum(data.changes_per_month[m].values())) for m in months], "changes per month"),
        _table(["month", *kinds], [(m, *(data.changes_per_month[m].get(k, 0) for k in kinds)) for m in months]),
        "<h2>Source health (this run)</h2>",
        _table(
            ["source", "status", "records", "quarantined", "error"],
            [
                (s.source, "ok" if s.ok else "FAILED: last good records kept", s.records, s.quarantined, s.error)
                for s in data.source_health
            ],
        ),
        "<h2>Waiting for a person</h2>",
        f"<p>{len(data.pairs_waiting)} pairs to review (<code>asf-registry review</code>).</p>",
        _table(["record", "may be the same as", "score"], [(a, b, _score(s)) for a, b, s in data.pairs_waiting]),
        f"<p>{len(data.candidates)} organisations in the company register that look like ASF and are not in "
        "the registry (table <code>register_candidates</code>).</p>",
        _table(["orgnr", "name", "why"], data.candidates),
        "</body></html>",
    ]
    return "\n".join(sections)


def _score(score: float | None) -> str:
    return "" if score is None else f"{score:.2f}"
