"""What `asf-registry run` tells the person at the terminal once the registry is published: the counts, the
organisations this run added, stopped listing or made inactive (by name), where the report and the
quarantine are, and which database it wrote to."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlmodel import Session, col, select

from registry.publish.changes import Change
from registry.publish.publish import PublishSummary
from registry.reference.collation import swedish_sort_key
from registry.reference.personnummer import redact_personnummer
from registry.store.models import ChangeLogRow, Organisation
from registry.tools.labels import Labels

NAMES_SHOWN = 10
# The changes listed by name, in the order shown.
NAMED_CHANGES = ((Change.ADDED, "summary.added_names"), (Change.UNLISTED, "summary.unlisted_names"),
                 (Change.INACTIVATED, "summary.inactivated_names"))  # fmt: skip


def changed_names(session: Session, run_id: str) -> dict[str, list[str]]:
    """Per change kind, the names of the organisations the run changed so, in Swedish alphabetical order."""
    rows = session.exec(
        select(ChangeLogRow.change, Organisation.name)
        .join(Organisation, col(Organisation.registry_id) == col(ChangeLogRow.registry_id))
        .where(ChangeLogRow.run_id == run_id, col(ChangeLogRow.change).in_([c.value for c, _ in NAMED_CHANGES]))
    )
    names: dict[str, set[str]] = {}
    for change, name in rows:
        names.setdefault(change, set()).add(name)
    return {change: sorted(found, key=swedish_sort_key) for change, found in names.items()}


def _listed(names: Sequence[str], labels: Labels) -> list[str]:
    lines = [f"    {redact_personnummer(name)}" for name in names[:NAMES_SHOWN]]
    if len(names) > NAMES_SHOWN:
        lines.append("    " + labels.text("summary.names_more", count=len(names) - NAMES_SHOWN))
    return lines


def format_summary(
    summary: PublishSummary,
    database: str,
    labels: Labels,
    names: dict[str, list[str]] | None = None,
    report: Path | None = None,
) -> str:
    names = names or {}
    lines = [
        labels.text(
            "summary.published",
            active=summary.organisations_active,
            added=summary.added,
            unlisted=summary.active_unlisted,
            inactive=summary.organisations_inactive,
            records=summary.records,
            quarantined=summary.quarantined,
        ),
        *(f"  {count:>4} {labels.code('evidence', evidence)}" for evidence, count in summary.per_evidence.items()),
        labels.text(
            "summary.changes",
            changes=", ".join(f"{labels.code('change', kind)} {count}" for kind, count in summary.changes.items()),
        )
        if summary.changes
        else labels.text("summary.no_changes"),
    ]
    for change, heading in NAMED_CHANGES:
        if names.get(change):
            lines += [f"  {labels.text(heading)}", *_listed(names[change], labels)]
    lines.append(labels.text("summary.per_source"))
    failed = labels.text("summary.source_failed")
    lines += [
        f"  {source:<20} {count}{'  ' + failed if source in summary.failed_sources else ''}"
        for source, count in summary.per_source.items()
    ]
    if summary.quarantined:
        lines.append(labels.text("summary.quarantine", count=summary.quarantined))
    if report is not None:
        lines.append(labels.text("summary.report", path=report))
    lines.append(labels.text("summary.database", database=database))
    return "\n".join(lines)
