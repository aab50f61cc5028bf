"""``asf-registry sources check``: what each source yields, as an operator reads it on the first live night to
confirm or correct the sources file: the URLs fetched with their status (a redirect hop by hop, to the final
URL), the list shape found on each page, the entry count against the expected range, the first entries with
their fields and the page text each came from, and the parse warnings: those to look at first, then each
part of a page not taken for an entry and why. Nothing is published.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from assets.ingest import crawl_source
from assets.resources import SourceSettings, WebClient
from assets.sources.base import Connector, CrawlContext
from registry.ingest.http_client import FetchError, HttpClient
from registry.ingest.raw_archive import ArchivedResponse
from registry.reference.personnummer import shown_location

FIRST_ENTRIES = 5
_FIELDS = ("municipality", "orgnr_as_written", "activity", "website", "email", "phone", "address")


@dataclass
class Fetched:
    """A URL a connector asked for, the redirects it answered with and how it ended: a moved page shows as its
    old address, each hop with its status, and the final URL."""

    url: str
    # Each hop: the URL, its redirect status and where it led.
    redirects: list[tuple[str, int, str]] = field(default_factory=list)
    outcome: str = "no answer"
    final_url: str | None = None


class RecordingHttpClient(HttpClient):
    """An HTTP client that remembers every URL it was asked for, its redirects and what came of it."""

    fetched: list[Fetched]
    _current: Fetched

    def get(self, url: str, *, immutable: bool = False) -> ArchivedResponse:
        if not hasattr(self, "fetched"):
            self.fetched = []
        self._current = Fetched(url)
        self.fetched.append(self._current)
        try:
            response = super().get(url, immutable=immutable)
        except FetchError as exc:
            self._current.outcome = f"failed: {exc}"
            raise
        self._current.outcome, self._current.final_url = f"HTTP {response.status}", response.url
        return response

    def _redirected(self, url: str, status: int, target: str) -> None:
        self._current.redirects.append((url, status, target))


@dataclass
class SourceReport:
    name: str
    title: str
    reader: str
    evidence: str
    fetched: list[Fetched] = field(default_factory=list)
    # Per page: the shape found and its entry count.
    shapes: dict[str, tuple[str | None, int]] = field(default_factory=dict)
    records: int = 0
    quarantined: int = 0
    expected: tuple[int, int] | None = None
    problems: list[str] = field(default_factory=list)
    first: list[tuple[str, dict[str, str], str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Of the warnings, those that are not expected (see CrawlContext.unexpected_warnings).
    to_look_at: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


def check_source(connector: Connector, web: WebClient, settings: SourceSettings) -> SourceReport:
    spec = connector.SPEC
    http = web.client(min_interval=spec.min_seconds_between_requests, http_class=RecordingHttpClient)
    assert isinstance(http, RecordingHttpClient)
    http.fetched = []
    ctx = CrawlContext(http=http, city_list_dir=settings.city_list_path(), log=logging.getLogger(f"source.{spec.name}"))
    batch = crawl_source(connector, ctx)
    report = SourceReport(spec.name, spec.title, spec.reader, spec.evidence, fetched=http.fetched, shapes=ctx.shapes,
                          records=len(batch.records), quarantined=len(batch.quarantined),
                          expected=spec.expected_entries, warnings=ctx.warnings,
                          to_look_at=ctx.unexpected_warnings)  # fmt: skip
    if not batch.ok:
        report.problems.append(f"failed: {batch.error}")
    else:
        count = spec.count_problem(len(batch.records))
        if count:
            report.problems.append(count)
    for record in batch.records[:FIRST_ENTRIES]:
        fields = {f: str(getattr(record, f)) for f in _FIELDS if getattr(record, f)}
        report.first.append((record.name, fields, ctx.texts.get(record.name, "")))
    return report


def check_sources(
    connectors: Sequence[Connector], names: Sequence[str], web: WebClient, settings: SourceSettings
) -> list[SourceReport]:
    """A report per source (those named, else all); an unknown name is a ValueError listing the known ones."""
    known = {c.SPEC.name: c for c in connectors}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"no source named {', '.join(unknown)} (the sources file has {', '.join(known)})")
    chosen = [known[n] for n in names] if names else list(connectors)
    return [check_source(c, web, settings) for c in chosen]


def format_reports(reports: Sequence[SourceReport]) -> str:
    lines: list[str] = []
    for r in reports:
        verdict = "ok" if r.passed else "FAILS: " + "; ".join(r.problems)
        lines += [f"{r.name} — {r.title} (reader {r.reader}, {r.evidence}): {verdict}"]
        if r.fetched:
            lines.append("  fetched:")
            for fetched in r.fetched:
                lines += _fetched_lines(fetched)
        for url, (shape, entries) in r.shapes.items():
            lines.append(f"  shape: {shape or 'none found'} on {shown_location(url)} ({entries} entries)")
        expected = f"expected {r.expected[0]}-{r.expected[1]}" if r.expected else "no expected range"
        lines.append(f"  entries: {r.records} ({expected}); {r.quarantined} quarantined")
        if r.first:
            lines.append(f"  first {len(r.first)} entries:")
            for name, fields, text in r.first:
                described = "; ".join(f"{k}: {v}" for k, v in fields.items()) or "no fields"
                lines.append(f"    {name} — {described}")
                if text:
                    lines.append(f"      page text: {text[:160]}")
        if r.warnings:
            # The ones to look at first, whatever else the page holds that is not an entry.
            look = f"{len(r.to_look_at)} to look at" if r.to_look_at else "all expected: parts of pages, not entries"
            to_look_at = set(r.to_look_at)
            shown = [*r.to_look_at, *(w for w in r.warnings if w not in to_look_at)]
            lines.append(f"  warnings ({len(r.warnings)}, {look}):")
            lines += [f"    {w}" for w in shown[:20]]
            if len(shown) > 20:
                lines.append(f"    ... and {len(shown) - 20} more")
        else:
            lines.append("  warnings: none")
        lines.append("")
    failed = [r.name for r in reports if not r.passed]
    summary = f"{len(reports) - len(failed)} of {len(reports)} sources pass"
    lines.append(summary + (f"; failing: {', '.join(failed)}" if failed else "."))
    return "\n".join(lines)


def _fetched_lines(fetched: Fetched) -> list[str]:
    """The URL with its status; after a redirect, each hop on a line of its own and the final URL. Each as
    shown_location shows it: an address may hold a person's number."""
    if not fetched.redirects:
        return [f"    {fetched.outcome:<10} {shown_location(fetched.url)}"]
    lines: list[str] = []
    for url, status, _ in fetched.redirects:
        lines.append(f"{'      -> ' if lines else '    '}{f'HTTP {status}':<10} {shown_location(url)}")
    if fetched.final_url is None:  # the last redirect led nowhere that answered
        return [*lines, f"      -> {shown_location(fetched.redirects[-1][2])}: {fetched.outcome}"]
    # A permanent redirect is a page that moved: the sources file's urls can say where it is now.
    moved = any(status in (301, 308) for _, status, _ in fetched.redirects)
    note = "final URL; moved permanently: put it in the sources file" if moved else "final URL"
    return [*lines, f"      -> {fetched.outcome:<10} {shown_location(fetched.final_url)} ({note})"]
