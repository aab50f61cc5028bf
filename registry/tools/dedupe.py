"""Deduplicating an analyst's spreadsheet with the registry's matcher: CSV in, one row per record out."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from registry.files.output_files import atomic_text_file
from registry.files.spreadsheets import csv_rows
from registry.identity.judgements import Judgement
from registry.identity.resolve import ResolveResult, judge, resolve
from registry.ingest.records import SourceRecord, validate
from registry.reference.normalize import fold
from registry.tools.export import neutralise_formula

OPTIONAL = ("source", "orgnr", "municipality", "website", "email", "phone", "address")
OUTPUT_COLUMNS = (
    "record_id", "name", "cluster_id", "cluster_size", "matched_with", "score", "explanation",
    # Records the matcher was unsure about joining to this one (left apart, for a person to judge), and the
    # highest probability among them.
    "review_with", "review_probability", "problem",
)  # fmt: skip
_FIELD_OF = {"orgnr": "orgnr_as_written"}


@dataclass(frozen=True)
class InputRow:
    line: int
    record_id: str
    problem: str | None
    record: SourceRecord | None


def read_input(path: Path) -> list[InputRow]:
    """Rows of a UTF-8 CSV with a header; columns record_id and name are required, others optional or ignored.

    A cell over the spreadsheet cap, or text that is not UTF-8, raises ``SpreadsheetRefused`` naming the file
    and the line (registry/files/spreadsheets.py). The file's rows are kept: deduplication compares them all."""
    rows: list[InputRow] = []
    seen: set[str] = set()
    now = datetime.now(UTC)
    lines = csv_rows(path, encoding="utf-8-sig", delimiter=",", limits=None)
    header = next(lines, (1, []))[1]
    columns = {fold(c).strip(): i for i, c in enumerate(header)}
    missing = [c for c in ("record_id", "name") if c not in columns]
    if missing:
        raise ValueError(f"{path.name}: required column(s) {', '.join(missing)} missing (found {header})")
    for line, cells in lines:
        if not cells:
            continue  # a blank line
        values = {
            name: (cells[columns[name]] if columns[name] < len(cells) else "").strip()
            for name in ("record_id", "name", *OPTIONAL)
            if name in columns
        }
        record_id = values.get("record_id", "")
        if not record_id:
            rows.append(InputRow(line, "", "no record_id", None))
            continue
        if record_id in seen:
            rows.append(InputRow(line, record_id, "duplicate record_id", None))
            continue
        seen.add(record_id)
        fields = {_FIELD_OF.get(k, k): v for k, v in values.items() if k in OPTIONAL and k != "source" and v}
        record = SourceRecord(
            source="input", source_key=record_id, name=values.get("name", ""), fetched_at=now, **fields
        )
        batch = validate([record])
        if not batch.records:
            rows.append(InputRow(line, record_id, batch.quarantined[0].reason, None))
            continue
        rows.append(InputRow(line, record_id, None, batch.records[0]))
    return rows


def dedupe(rows: Sequence[InputRow]) -> list[dict[str, str]]:
    """One output row per input row with an id; cluster_id is the smallest record_id in the cluster."""
    records = [r.record for r in rows if r.record is not None]
    result = resolve(records)
    cluster_of: dict[str, tuple[str, int]] = {}
    best_link: dict[str, tuple[float, str, str]] = {}
    for cluster in result.clusters:
        ids = sorted(m.source_key for m in cluster.members)
        for record_id in ids:
            cluster_of[record_id] = (ids[0], len(ids))
        for link in cluster.links:
            for this, other in ((link.left, link.right), (link.right, link.left)):
                score = link.score if link.score is not None else 1.0
                if this[1] not in best_link or score > best_link[this[1]][0]:
                    best_link[this[1]] = (score, other[1], link.explanation)
    review_with = _unsure_links(result, cluster_of)
    output = []
    for row in rows:
        if not row.record_id:
            continue
        if row.record is None:
            output.append({"record_id": row.record_id, "problem": row.problem or ""})
            continue
        cluster_id, size = cluster_of[row.record_id]
        score, other, explanation = best_link.get(row.record_id, (None, "", ""))
        unsure = review_with.get(row.record_id, {})
        output.append(
            {
                "record_id": row.record_id,
                # Opened in a spreadsheet: a name that starts like a formula is shown, never run.
                "name": neutralise_formula(row.record.name),
                "cluster_id": cluster_id,
                "cluster_size": str(size),
                "matched_with": other,
                "score": f"{score:.3f}" if score is not None else "",
                "explanation": explanation,
                "review_with": ";".join(sorted(unsure)),
                "review_probability": f"{max(unsure.values()):.3f}" if unsure else "",
                "problem": "",
            }
        )
    return output


def _unsure_links(result: ResolveResult, cluster_of: dict[str, tuple[str, int]]) -> dict[str, dict[str, float]]:
    """record_id -> the records in other clusters it has an unsure pair with -> that pair's probability."""
    unsure: dict[str, dict[str, float]] = defaultdict(dict)
    for (left, right), pair in result.scores.items():
        if judge(pair) is not Judgement.UNSURE or cluster_of[left[1]][0] == cluster_of[right[1]][0]:
            continue
        unsure[left[1]][right[1]] = pair.probability
        unsure[right[1]][left[1]] = pair.probability
    return unsure


def write_output(rows: Sequence[dict[str, str]], path: Path) -> None:
    with atomic_text_file(path) as f:
        writer = csv.DictWriter(f, fieldnames=OUTPUT_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in OUTPUT_COLUMNS})
