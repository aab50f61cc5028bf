"""``asf-registry sources check``: what each source yields, as an operator reads it on the first live night to
confirm or correct the sources file: the URLs fetched with their status, the list shape found on each page,
the entry count against the expected range, the first entries with their fields and the page text each came
from, what was not taken for an entry and why, and the warnings. Nothing is published.
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

FIRST_ENTRIES = 5
_FIELDS = ("municipality", "orgnr_as_written", "activity", "website", "email", "phone", "address")


class RecordingHttpClient(HttpClient):
    """An HTTP client that remembers every URL it was asked for and what came of it."""

    fetched: list[tuple[str, str]]

    def get(self, url: str, *, immutable: bool = False) -> ArchivedResponse:
        if not hasattr(self, "fetched"):
            self.fetched = []
        try:
            response = super().get(url, immutable=immutable)
        except FetchError as exc:
            self.fetched.append((url, f"failed: {exc}"))
            raise
        self.fetched.append((url, f"HTTP {response.status}"))
        return response


@dataclass
class SourceReport:
    name: str
    title: str
    reader: str
    evidence: str
    fetched: list[tuple[str, str]] = field(default_factory=list)
    # Per page: the shape found and its entry count.
    shapes: dict[str, tuple[str | None, int]] = field(default_factory=dict)
    records: int = 0
    quarantined: int = 0
    expected: tuple[int, int] | None = None
    problems: list[str] = field(default_factory=list)
    first: list[tuple[str, dict[str, str], str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

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
                          expected=spec.expected_entries, warnings=ctx.warnings, notes=ctx.notes)  # fmt: skip
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
            lines += ["  fetched:"] + [f"    {status:<10} {url}" for url, status in r.fetched]
        for url, (shape, entries) in r.shapes.items():
            lines.append(f"  shape: {shape or 'none found'} on {url} ({entries} entries)")
        expected = f"expected {r.expected[0]}-{r.expected[1]}" if r.expected else "no expected range"
        lines.append(f"  entries: {r.records} ({expected}); {r.quarantined} quarantined")
        if r.first:
            lines.append(f"  first {len(r.first)} entries:")
            for name, fields, text in r.first:
                described = "; ".join(f"{k}: {v}" for k, v in fields.items()) or "no fields"
                lines.append(f"    {name} — {described}")
                if text:
                    lines.append(f"      page text: {text[:160]}")
        if r.notes:
            lines.append(f"  not taken for entries ({len(r.notes)}):")
            lines += [f"    {note}" for note in r.notes[:10]]
        lines.append(f"  warnings ({len(r.warnings)}):" if r.warnings else "  warnings: none")
        lines += [f"    {w}" for w in r.warnings[:20]]
        lines.append("")
    failed = [r.name for r in reports if not r.passed]
    summary = f"{len(reports) - len(failed)} of {len(reports)} sources pass"
    lines.append(summary + (f"; failing: {', '.join(failed)}" if failed else "."))
    return "\n".join(lines)
