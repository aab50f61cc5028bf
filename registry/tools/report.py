"""The environmental scan's report: one self-contained HTML page (no network needed to view it, printable) and
the same key figures as Markdown for the Dagster UI, in Swedish by default or English (registry/tools/labels.py).

It renders what registry/tools/report_data.py collected. Every text shown passes one gate, ``_shown``: a
personnummer is redacted and markup escaped, so a name with markup in it is shown, never run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from html import escape
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from registry.reference.collation import swedish_sort_key
from registry.reference.personnummer import REDACTED_PERSONNUMMER, contains_personnummer, redact_personnummer
from registry.tools.labels import COUNTED, Labels
from registry.tools.report_data import (
    CHANGE_ORDER,
    EVIDENCE_ORDER,
    MONTHS_SHOWN,
    ChangeRow,
    ListedOrganisation,
    ReportData,
    SourceLink,
    Tally,
)


class Markup(str):
    """HTML this module built from escaped parts."""


Cell = Markup | str | int | float | None


def _shown(text: object) -> Markup:
    """A text as a reader may see it: any personnummer redacted, markup escaped."""
    if isinstance(text, Markup):
        return text
    return Markup(escape(redact_personnummer("" if text is None else str(text))))


def _linkable(url: str | None) -> bool:
    # Only web pages are links: a file: URL is the city's own folder, meaningless on another machine.
    return bool(url) and urlsplit(url or "").scheme in ("http", "https") and not contains_personnummer(url)


def _link(url: str | None, text: object, css: str = "") -> Markup:
    if not _linkable(url):
        return _shown(text)
    klass = f" class='{css}'" if css else ""
    return Markup(f"<a{klass} href='{escape(url or '', quote=True)}'>{_shown(text)}</a>")


def _file_name(url: str) -> str:
    """A file: URL as the file's name and the place in it: the folder is this machine's, not the reader's."""
    parts = urlsplit(url)
    name = PurePosixPath(parts.path).name or url
    return f"{name}#{parts.fragment}" if parts.fragment else name


def _without_scheme(url: str | None) -> str:
    """A web address as people write it: www.example.se rather than https://www.example.se/."""
    text = url or ""
    for scheme in ("https://", "http://"):
        if text.lower().startswith(scheme):
            text = text[len(scheme) :]
    return text.rstrip("/") or (url or "")


def _noun(labels: Labels, key: str, count: int) -> str:
    """The words after a number, agreeing with it."""
    return COUNTED[key](labels.lang, count)


def _table(header: Sequence[str], rows: Sequence[Sequence[Cell]], numeric: frozenset[int] = frozenset()) -> Markup:
    """A table; columns in ``numeric`` are right-aligned. An empty table is not drawn: the section says so."""
    if not rows:
        return Markup("")
    head = "".join(f"<th{' class=n' if i in numeric else ''}>{_shown(h)}</th>" for i, h in enumerate(header))
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=n' if i in numeric else ''}>{_shown(v)}</td>" for i, v in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return Markup(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def _empty(text: str) -> Markup:
    return Markup(f"<p class='empty'>{_shown(text)}</p>")


# Bar charts. The label column is as wide as the longest label, estimated generously from DejaVu Sans's
# advance widths (wider than most system fonts), so a label is never cut off whatever font the reader has.
_FONT_PX = 13
_NARROW = frozenset("fijlrtI.,:;'!|()[] -")
_WIDE = frozenset("mwMW@%&—–")


def text_width(text: str, font_px: float = _FONT_PX) -> float:
    """An upper estimate of the text's width in pixels at ``font_px`` in a sans-serif font."""
    em = sum(0.42 if ch in _NARROW else 1.0 if ch in _WIDE else 0.82 if ch.isupper() else 0.66 for ch in text)
    return em * font_px


def _bar_chart(rows: Sequence[tuple[str, int]], title: str, labels: Labels) -> Markup:
    """A horizontal bar chart as inline SVG: readable without scripts or a network; it scales to the page."""
    if not rows:
        return _empty(labels.text("report.nothing_to_show"))
    top = max(count for _, count in rows) or 1
    bar_height, bars_width, gap = 22, 360, 8
    label_width = round(max(text_width(label) for label, _ in rows)) + 2 * gap
    width = label_width + bars_width + round(text_width(str(top))) + 2 * gap
    height = bar_height * len(rows) + 10
    parts = [
        f"<svg role='img' aria-label='{escape(title, quote=True)}' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}' font-size='{_FONT_PX}' xmlns='http://www.w3.org/2000/svg'>"
    ]
    for index, (label, count) in enumerate(rows):
        y = index * bar_height + 5
        bar = max(2, round(bars_width * count / top))
        parts.append(
            f"<text x='{label_width - gap}' y='{y + 15}' text-anchor='end'>{_shown(label)}</text>"
            f"<rect x='{label_width}' y='{y + 2}' width='{bar}' height='{bar_height - 6}' class='bar'/>"
            f"<text x='{label_width + bar + gap}' y='{y + 15}'>{count}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


# The page's parts.


def _when(moment: datetime | None, labels: Labels) -> str:
    if moment is None:
        return labels.text("report.never")
    # SQLite gives the stored UTC moments back without their zone; astimezone() would read them as local time.
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%d %H:%M UTC")


def _header(data: ReportData, labels: Labels) -> str:
    said = labels.text(
        "report.published",
        run=data.run_id or "-",
        published=_when(data.published_at, labels),
        generated=_when(data.generated_at, labels),
    )
    return f"<header><h1>{_shown(labels.text('report.heading'))}</h1><p>{_shown(said)}</p></header>"


def _contents(data: ReportData, labels: Labels) -> str:
    entries = [
        ("organisations", labels.text("report.organisations")),
        ("geography", labels.text("report.geography")),
        ("areas", labels.text("report.per_area")),
        ("changes", labels.text("report.changes")),
        ("months", labels.text("report.months", months=MONTHS_SHOWN)),
        ("sources", labels.text("report.sources")),
        ("waiting", labels.text("report.waiting")),
    ]
    items = "".join(f"<li><a href='#{anchor}'>{_shown(title)}</a></li>" for anchor, title in entries)
    return f"<nav aria-label='{_shown(labels.text('report.contents'))}'><ol>{items}</ol></nav>"


def _figure(count: int, words: str, css: str = "") -> str:
    return f"<div class='figure {escape(css, quote=True)}'><b>{count}</b>{_shown(words)}</div>"


def _figures(data: ReportData, labels: Labels) -> str:
    evidence = "".join(
        _figure(count, _noun(labels, f"report.{code}", count) if f"report.{code}" in COUNTED else code, code)
        for code, count in data.per_evidence.items()
    )
    others = [
        ("report.inactive", data.inactive),
        ("report.unlisted", data.unlisted_but_active),
        ("report.changes", data.changes_total),
        ("report.pairs", len(data.pairs_waiting)),
        ("report.candidates", len(data.candidates)),
    ]
    rest = "".join(_figure(count, _noun(labels, key, count), "other") for key, count in others)
    headline = labels.text("report.headline", active=labels.counted("report.active", data.active))
    return (
        f"<section id='summary'><p class='headline'>{_shown(headline)}</p>"
        f"<div class='figures'>{evidence}</div><p>{_shown(labels.text('report.headline_note'))}</p>"
        f"<div class='figures'>{rest}</div></section>"
    )


def _source_cell(links: Sequence[SourceLink], labels: Labels) -> Markup:
    parts = []
    for link in links:
        shown = _link(link.url, labels.source(link.source, link.title), "source")
        if link.url and not _linkable(link.url):
            shown = Markup(f"{shown} <span class='where'>{_shown(_file_name(link.url))}</span>")
        if not link.listed:
            shown = Markup(f"{shown} <small>({_shown(labels.text('report.not_listed'))})</small>")
        parts.append(f"<li>{shown}</li>")
    return Markup(f"<ul class='sources'>{''.join(parts)}</ul>") if parts else Markup("")


def _organisation_row(organisation: ListedOrganisation, labels: Labels) -> str:
    name = _shown(organisation.name)
    if not organisation.listed:
        name = Markup(f"{name}<br><small>({_shown(labels.text('report.not_listed'))})</small>")
    place = _shown(organisation.kommun_name or "")
    if organisation.lan_name:
        place = Markup(f"{place}<br><small>{_shown(organisation.lan_name)}</small>")
    form = labels.code("legal_form", organisation.legal_form)
    form = f"{form}*" if form and not organisation.legal_form_from_register else form
    cells = [
        name,
        place,
        labels.areas(",".join(organisation.activity_areas)),
        form,
        organisation.orgnr,
        _link(organisation.website, _without_scheme(organisation.website)),
        _source_cell(organisation.sources, labels),
    ]
    anchor = escape(f"org-{organisation.registry_id}", quote=True)
    return f"<tr id='{anchor}'>" + "".join(f"<td>{_shown(cell)}</td>" for cell in cells) + "</tr>"


def _organisation_group(code: str, rows: Sequence[ListedOrganisation], labels: Labels) -> str:
    known = code in EVIDENCE_ORDER
    title = (
        labels.text(f"report.group.{code}", count=len(rows))
        if known
        else labels.text("report.group.other", evidence=code, count=len(rows))
    )
    parts = [f"<section class='group {escape(code, quote=True)}'><h3>{_shown(title)}</h3>"]
    if known:
        parts.append(f"<p class='note'>{_shown(labels.text(f'report.note.{code}'))}</p>")
    if not rows:
        parts.append(_empty(labels.text("report.group_empty")))
    else:
        columns = ("name", "kommun_name", "activity_areas", "legal_form", "orgnr", "website", "sources")
        # The orgnr's short head: the number itself is narrow.
        header = [labels.text("find.orgnr") if c == "orgnr" else labels.column("organisations", c) for c in columns]
        head = "".join(f"<th>{_shown(h)}</th>" for h in header)
        body = "".join(_organisation_row(o, labels) for o in rows)
        parts.append(f"<table class='organisations'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    return "".join(parts) + "</section>"


def _organisations(data: ReportData, labels: Labels) -> str:
    declared = any(o.legal_form and not o.legal_form_from_register for g in data.organisations.values() for o in g)
    legend = f"<p class='note'>{_shown(labels.text('find.legend_declared'))}</p>" if declared else ""
    groups = "".join(_organisation_group(code, rows, labels) for code, rows in data.organisations.items())
    return (
        f"<section id='organisations' class='big'><h2>{_shown(labels.text('report.organisations'))}</h2>"
        f"<p>{_shown(labels.text('report.organisations_note'))}</p>{legend}{groups}</section>"
    )


def _tally_table(
    first: str, tallies: Sequence[Tally], name: Callable[[str | None], str], data: ReportData, labels: Labels
) -> Markup:
    codes = list(data.per_evidence)
    header = [first, labels.text("report.total"), *(labels.code("evidence_short", c) for c in codes)]
    rows = [[name(t.key), t.total, *(t.by_evidence.get(c, 0) for c in codes)] for t in _ordered(tallies, name)]
    return _table(header, rows, numeric=frozenset(range(1, len(header))))


def _ordered(tallies: Sequence[Tally], name: Callable[[str | None], str]) -> list[Tally]:
    """Most first, the unknown last; equal counts in the alphabetical order of what the reader sees."""
    return sorted(tallies, key=lambda t: (t.key is None, -t.total, swedish_sort_key(name(t.key))))


def _area_name(labels: Labels) -> Callable[[str | None], str]:
    return lambda code: labels.area(code) if code else labels.text("report.not_classified")


def _or(unknown: str) -> Callable[[str | None], str]:
    return lambda name: name or unknown


def _geography(data: ReportData, labels: Labels) -> str:
    kommun, lan = _or(labels.text("report.unknown_kommun")), _or(labels.text("report.unknown_lan"))
    per_kommun = labels.text("report.per_kommun")
    return (
        f"<section id='geography' class='big'><h2>{_shown(labels.text('report.geography'))}</h2>"
        f"<h3>{_shown(per_kommun)}</h3>"
        + _bar_chart(
            [(kommun(t.key), t.total) for t in _ordered(data.per_kommun_in_stockholms_lan, kommun)], per_kommun, labels
        )
        + _tally_table(
            labels.column("organisations", "kommun_name"), data.per_kommun_in_stockholms_lan, kommun, data, labels
        )
        + f"<h3>{_shown(labels.text('report.per_lan'))}</h3>"
        + (
            _tally_table(labels.column("organisations", "lan_name"), data.per_lan, lan, data, labels)
            or _empty(labels.text("report.nothing_to_show"))
        )
        + "</section>"
    )


def _areas(data: ReportData, labels: Labels) -> str:
    area = _area_name(labels)
    title = labels.text("report.per_area")
    stockholm = _tally_table(labels.text("report.area"), data.per_area_in_stockholms_lan, area, data, labels)
    return (
        f"<section id='areas'><h2>{_shown(title)}</h2><p class='note'>{_shown(labels.text('report.areas_note'))}</p>"
        f"<h3>{_shown(labels.text('report.per_area_national'))}</h3>"
        + _bar_chart([(area(t.key), t.total) for t in _ordered(data.per_area, area)], title, labels)
        + _tally_table(labels.text("report.area"), data.per_area, area, data, labels)
        + f"<h3>{_shown(labels.text('report.per_area_stockholm'))}</h3>"
        + (stockholm or _empty(labels.text("report.nothing_to_show")))
        + "</section>"
    )


def _change_name(change: ChangeRow, listed: set[str]) -> Markup:
    if change.registry_id in listed:
        return Markup(f"<a href='#{escape(f'org-{change.registry_id}', quote=True)}'>{_shown(change.name)}</a>")
    return _shown(change.name)


def _changes(data: ReportData, labels: Labels) -> str:
    parts = [f"<section id='changes' class='big'><h2>{_shown(labels.text('report.changes'))}</h2>"]
    if not data.changes_this_run:
        parts.append(_empty(labels.text("report.no_changes")))
        return "".join(parts) + "</section>"
    counts = " · ".join(f"{labels.code('change', kind)}: {count}" for kind, count in data.changes_this_run.items())
    parts.append(f"<p>{_shown(counts)}</p>")
    if data.changes_total > len(data.latest_changes):
        said = labels.text("report.changes_shown", shown=len(data.latest_changes), total=data.changes_total)
        parts.append(f"<p class='note'>{_shown(said)}</p>")
    listed = {o.registry_id for group in data.organisations.values() for o in group}
    header = [
        labels.column("organisations", "name"),
        *(
            labels.column("change_log", c)
            for c in ("registry_id", "change", "field", "old_value", "new_value", "detail")
        ),
    ]
    rows = [
        [
            _change_name(c, listed),
            c.registry_id,
            labels.code("change", c.change),
            labels.field(c.field),
            labels.value(c.field, c.old_value),
            labels.value(c.field, c.new_value),
            labels.phrase("change_detail", c.detail),
        ]
        for c in data.latest_changes
    ]
    parts.append(_table(header, rows))
    return "".join(parts) + "</section>"


def _months(data: ReportData, labels: Labels) -> str:
    title = labels.text("report.months", months=MONTHS_SHOWN)
    parts = [f"<section id='months'><h2>{_shown(title)}</h2>"]
    if not data.changes_per_month:
        parts.append(_empty(labels.text("report.no_months", months=MONTHS_SHOWN)))
        return "".join(parts) + "</section>"
    months = list(data.changes_per_month)
    kinds = sorted(
        {k for counts in data.changes_per_month.values() for k in counts}, key=lambda k: CHANGE_ORDER.get(k, 99)
    )
    parts.append(_bar_chart([(m, sum(data.changes_per_month[m].values())) for m in months], title, labels))
    header = [labels.text("report.month"), *(labels.code("change", k) for k in kinds)]
    rows = [[m, *(data.changes_per_month[m].get(k, 0) for k in kinds)] for m in months]
    parts.append(_table(header, rows, numeric=frozenset(range(1, len(header)))))
    return "".join(parts) + "</section>"


def _sources(data: ReportData, labels: Labels) -> str:
    parts = [f"<section id='sources'><h2>{_shown(labels.text('report.sources'))}</h2>"]
    if not data.source_health:
        parts.append(_empty(labels.text("report.no_sources")))
        return "".join(parts) + "</section>"
    failed = Markup(f"<span class='failed'>{_shown(labels.text('report.source_failed'))}</span>")
    header = [
        labels.column("source_records", "source"),
        labels.text("report.status"),
        labels.column("runs", "records"),
        labels.column("runs", "quarantined"),
        labels.text("report.error"),
    ]
    titles = {s.source: labels.source(s.source, s.title) for s in data.source_health}
    rows = [
        [
            titles[s.source] if titles[s.source] == s.source else f"{titles[s.source]} ({s.source})",
            labels.text("report.source_ok") if s.ok else failed,
            s.records,
            s.quarantined,
            labels.phrase("source_error", s.error),
        ]
        for s in data.source_health
    ]
    parts.append(_table(header, rows, numeric=frozenset({2, 3})))
    return "".join(parts) + "</section>"


def _waiting(data: ReportData, labels: Labels) -> str:
    pairs = (
        labels.text(
            "report.pairs_waiting",
            pairs=labels.counted("pairs", len(data.pairs_waiting)),
            command="asf-registry review",
        )
        if data.pairs_waiting
        else labels.text("report.no_pairs_waiting")
    )
    candidates = labels.text(
        "report.candidates",
        organisations=labels.counted("organisations", len(data.candidates)),
        table="register_candidates",
    )
    return (
        f"<section id='waiting'><h2>{_shown(labels.text('report.waiting'))}</h2><p>{_shown(pairs)}</p>"
        + _table(
            [labels.text("report.record"), labels.text("report.same_as"), labels.text("report.score")],
            [(a, b, _score(s)) for a, b, s in data.pairs_waiting],
            numeric=frozenset({2}),
        )
        + f"<p>{_shown(candidates)}</p>"
        + _table(
            [
                labels.column("organisations", "orgnr"),
                labels.column("organisations", "name"),
                labels.text("report.why"),
            ],
            # The reason is stored in English (registry/register/register_snapshot.py).
            [(orgnr, name, labels.phrase("register_candidate", reason)) for orgnr, name, reason in data.candidates],
        )
        + "</section>"
    )


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; padding: 0 1rem; max-width: 80rem; color: #1b1b1b;
  line-height: 1.4; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.4rem; border-bottom: 1px solid #ccc; } h3 { margin-top: 1.6rem; }
nav ol { columns: 2; padding-left: 1.4rem; }
.headline { font-size: 1.15rem; font-weight: 600; }
.figures { display: flex; gap: .8rem; flex-wrap: wrap; margin: .6rem 0; }
.figure { border: 1px solid #ccc; border-radius: 6px; padding: .5rem .9rem; min-width: 9rem; max-width: 16rem; }
.figure b { display: block; font-size: 1.6rem; }
.figure.current_list { border: 2px solid #2f6f9f; } .figure.historical_list, .figure.weak_signal { color: #444; }
table { border-collapse: collapse; margin: .5rem 0; } td, th { border: 1px solid #ddd; padding: .25rem .5rem;
  vertical-align: top; text-align: left; }
th { background: #f2f2f2; } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
/* The same column widths in every evidence group, so the groups read as one list. */
table.organisations { width: 100%; table-layout: fixed; } table.organisations td { overflow-wrap: anywhere; }
table.organisations td:first-child { font-weight: 600; }
table.organisations th { overflow-wrap: anywhere; font-size: .85em; }
table.organisations td:nth-child(5) { white-space: nowrap; }
table.organisations th:nth-child(1) { width: 16%; } table.organisations th:nth-child(2) { width: 10%; }
table.organisations th:nth-child(3) { width: 17%; } table.organisations th:nth-child(4) { width: 12%; }
table.organisations th:nth-child(5) { width: 10%; } table.organisations th:nth-child(6) { width: 14%; }
table.organisations th:nth-child(7) { width: 21%; }
small { color: #555; font-weight: normal; }
ul.sources { margin: 0; padding-left: 1rem; } .where { color: #555; font-size: .85em; word-break: break-all; }
svg { max-width: 100%; height: auto; display: block; margin: .5rem 0; }
svg text { font-family: system-ui, sans-serif; font-size: 13px; } .bar { fill: #2f6f9f; }
.failed { color: #a40000; font-weight: bold; } .empty, .note { color: #555; }
@media print {
  body { margin: 0; max-width: none; color: #000; font-size: 10pt; }
  nav { display: none; }
  th { background: none; border-bottom: 2px solid #000; } td, th, .figure { border-color: #999; }
  .figure { box-shadow: none; } .bar { fill: #555; }
  a { color: #000; text-decoration: none; }
  a.source[href]::after { content: " (" attr(href) ")"; font-size: .8em; word-break: break-all; }
  thead { display: table-header-group; }
  tr, .figure, svg { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  section.big { break-before: page; page-break-before: always; }
}
"""


def render_html(data: ReportData, labels: Labels | None = None) -> str:
    labels = labels or Labels()
    sections = [
        f"<!DOCTYPE html><html lang='{labels.lang}'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{_shown(labels.text('report.title'))}</title>",
        f"<style>{_STYLE}</style></head><body>",
        _header(data, labels),
        _contents(data, labels),
        _figures(data, labels),
        _organisations(data, labels),
        _geography(data, labels),
        _areas(data, labels),
        _changes(data, labels),
        _months(data, labels),
        _sources(data, labels),
        _waiting(data, labels),
        "</body></html>",
    ]
    return _in_language("\n".join(sections), labels)


def _in_language(text: str, labels: Labels) -> str:
    """The text with the marker left where a personnummer was (``_shown``, or stored so) in the reader's
    language: the marker is one fixed string, with nothing in it that escaping changes."""
    return text.replace(REDACTED_PERSONNUMMER, labels.text("personnummer.redacted"))


def _score(score: float | None) -> str:
    return "" if score is None else f"{score:.2f}"


# The key figures as Markdown, for the asset's metadata in the Dagster UI.


def render_markdown(data: ReportData, labels: Labels | None = None) -> str:
    labels = labels or Labels()
    failed = [s.source for s in data.source_health if not s.ok]
    sources = labels.text("report.md.sources", ok=len(data.source_health) - len(failed))
    if failed:
        sources += ", " + labels.text("report.md.failed", failed=", ".join(failed))
    changes = ", ".join(f"{labels.code('change', k)} {v}" for k, v in data.changes_this_run.items())
    area, kommun = _area_name(labels), _or(labels.text("report.unknown_kommun"))
    lines = [
        f"**{_md(labels.counted('report.active', data.active))}**",
        "",
        *(
            f"- {_md(labels.counted(f'report.{code}', count) if f'report.{code}' in COUNTED else f'{code} {count}')}"
            for code, count in data.per_evidence.items()
        ),
        f"- {_md(labels.counted('report.inactive', data.inactive))}; "
        f"{_md(labels.counted('report.unlisted', data.unlisted_but_active))}",
        "",
        labels.text("report.md.changes", changes=changes) if changes else labels.text("report.no_changes"),
        "",
        _md(sources),
        _md(
            labels.text(
                "report.md.waiting",
                pairs=labels.counted("pairs", len(data.pairs_waiting)),
                candidates=labels.counted("report.candidates", len(data.candidates)),
            )
        ),
        "",
        *_md_table(labels.text("report.area"), [(area(t.key), t.total) for t in _ordered(data.per_area, area)], labels),
        "",
        _md(labels.text("report.per_kommun")),
        "",
        *_md_table(
            labels.column("organisations", "kommun_name"),
            [(kommun(t.key), t.total) for t in _ordered(data.per_kommun_in_stockholms_lan, kommun)],
            labels,
        ),
    ]
    return _in_language("\n".join(lines), labels)


def _md_table(first: str, rows: Sequence[tuple[str, int]], labels: Labels) -> list[str]:
    return [
        f"| {_md(first)} | {_md(labels.text('report.total'))} |",
        "|---|---:|",
        *(f"| {_md(name)} | {count} |" for name, count in rows),
    ]


def _md(text: str) -> str:
    return redact_personnummer(text).replace("|", "\\|").replace("\n", " ")
