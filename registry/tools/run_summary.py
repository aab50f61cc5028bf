"""What `asf-registry run` tells the person at the terminal once the registry is published: the counts, the
organisations this run added, stopped listing or made inactive (by name), where the report and the
quarantine are, and which database it wrote to; and when a night is blocked, why, from the checks' data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from sqlmodel import Session, col, select

from registry.publish.changes import Change
from registry.publish.gate import GateReason
from registry.publish.publish import PublishSummary
from registry.reference.collation import swedish_sort_key
from registry.store.models import ChangeLogRow, Organisation
from registry.tools.labels import TEXTS, Labels, in_sentence

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
    lines = [f"    {labels.redacted(name)}" for name in names[:NAMES_SHOWN]]
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
            active=labels.counted("summary.active", summary.organisations_active),
            added=labels.counted("summary.added", summary.added),
            unlisted=labels.counted("summary.unlisted", summary.active_unlisted),
            inactive=labels.counted("summary.inactive", summary.organisations_inactive),
            records=labels.counted("summary.records", summary.records),
            quarantined=labels.counted("summary.quarantined", summary.quarantined),
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
        lines.append(
            labels.text(
                "summary.quarantine",
                records=labels.counted("summary.records_quarantined", summary.quarantined),
                them=labels.text("summary.it" if summary.quarantined == 1 else "summary.them"),
            )
        )
    if report is not None:
        lines.append(labels.text("summary.report", path=report))
    lines.append(labels.text("summary.database", database=database))
    return "\n".join(lines)


def register_note(note: str, used: bool, labels: Labels) -> str:
    """A night's note on the company register (registry/register/company_register.py) as the summary says it:
    why the register was not used (``used`` False), or why it had no SNI codes."""
    said = labels.phrase("register_note", note)
    return labels.text("summary.register_note" if used else "summary.register_not_used", note=said)


def gate_reason(reason: Mapping[str, object], labels: Labels) -> str:
    """One of the publish gate's reasons (GateReason.as_data) in the reader's language; a kind this release
    does not know by its English sentence."""
    kind = str(reason.get("kind"))
    values = {key: value for key, value in reason.items() if key != "kind"}
    if f"gate.{kind}" not in TEXTS:
        return str(GateReason(kind, values))
    if kind == GateReason.SOURCE_COLLAPSED:
        values["records"] = labels.counted("records", int(values["records"]))  # type: ignore[call-overload]
    if kind == GateReason.FIELD_LOSS:
        values["field"] = in_sentence(labels.field(str(values["field"])))
    if kind == GateReason.PERSONAL_DATA:
        values["columns"] = ", ".join(str(c) for c in values.get("columns") or ())  # type: ignore[attr-defined]
    return labels.text(f"gate.{kind}", **values)


def record_count_reason(metadata: Mapping[str, object], labels: Labels) -> str | None:
    """Why a source's count collapsed, from the record_count_stable check's figures (registry/ingest/
    source_health.py says it in English); None when the figures are not there."""
    try:
        records, last = int(metadata["records"]), int(metadata["last_published"])  # type: ignore[call-overload]
        max_drop = float(metadata["max_drop"])  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError):
        return None
    # The count the source had to reach: source_health.assess's floor.
    expected = (1 - max_drop) * last
    return labels.text(
        "check.record_count_stable",
        records=labels.counted("records", records),
        last_published=last,
        max_drop=max_drop,
        expected=expected,
    )
