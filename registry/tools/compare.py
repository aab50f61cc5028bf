"""``asf-registry compare``: two names (and what else is known of them) scored by the pipeline's own model,
with its decision and why. Analysts use it to see why two organisations are or are not joined.

The dedupe model compares two source records, as resolution does each night; the register model compares
an organisation (side 1) with a company register entry as the register writes it (side 2), as enrichment
does. The thresholds are the pipeline's: the same pair gets the same decision here as in a run.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from registry.files.output_files import atomic_text_file
from registry.files.spreadsheets import csv_rows
from registry.identity.matching import record_features
from registry.identity.scoring import DEDUPE, MATCH, NO_MATCH, REGISTER, Side, WeightSet, decision, name_forms, score
from registry.ingest.records import SourceRecord, validate
from registry.reference.addresses import street
from registry.reference.geography import find_kommun
from registry.reference.names import declared_legal_form
from registry.reference.normalize import fold
from registry.register.enrichment import EnrichmentQuery, query_side

MODELS: dict[str, WeightSet] = {"dedupe": DEDUPE, "register": REGISTER}
REQUIRED = ("pair_id", "name1", "name2")
OPTIONAL = ("kommun", "orgnr", "website", "address")
OUTPUT_COLUMNS = ("pair_id", "probability", "decision", "explanation")


@dataclass(frozen=True)
class ComparedPair:
    pair_id: str
    probability: float | None
    decision: str
    explanation: str

    def as_row(self) -> dict[str, str]:
        probability = "" if self.probability is None else f"{self.probability:.4f}"
        return {"pair_id": self.pair_id, "probability": probability, "decision": self.decision,
                "explanation": self.explanation}  # fmt: skip


def read_pairs(path: Path) -> list[dict[str, str]]:
    """The pairs of a CSV with a header: pair_id, name1 and name2 required; kommun1/2, orgnr1/2, website1/2,
    address1/2 optional. A file that cannot be read raises ``SpreadsheetRefused`` (file and line) or
    ``ValueError`` (missing columns)."""
    lines = csv_rows(path, encoding="utf-8-sig", delimiter=None, limits=None)
    header = next(lines, (1, []))[1]
    columns = {fold(c).strip(): i for i, c in enumerate(header)}
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ValueError(f"{path.name}: required column(s) {', '.join(missing)} missing (found {header})")
    wanted = [*REQUIRED, *(f"{name}{side}" for name in OPTIONAL for side in (1, 2))]
    pairs = []
    for _line, cells in lines:
        if cells:
            pairs.append({c: cells[columns[c]].strip() for c in wanted if c in columns and columns[c] < len(cells)})
    return pairs


def compare(pairs: Sequence[dict[str, str]], model: str = "dedupe") -> list[ComparedPair]:
    weights = MODELS[model]
    return [_compare(pair, model, weights) for pair in pairs]


def _compare(pair: dict[str, str], model: str, weights: WeightSet) -> ComparedPair:
    pair_id = pair.get("pair_id", "")
    records = [_record(pair, side) for side in (1, 2)]
    refused = [f"side {i}: {why}" for i, (_record_, why) in enumerate(records, start=1) if why]
    if refused:
        return ComparedPair(pair_id, None, "", f"not compared: {'; '.join(refused)}")
    one, two = (r for r, _why in records)
    assert one is not None and two is not None
    if model == "dedupe":
        a, b = record_features(one).side, record_features(two).side
    else:
        if one.orgnr and two.orgnr:
            # Enrichment looks a valid orgnr up directly instead of matching the name.
            same = one.orgnr == two.orgnr
            return ComparedPair(pair_id, 1.0 if same else 0.0, MATCH if same else NO_MATCH,
                                f"organisationsnummer {'equal' if same else 'differ'}: looked up directly")  # fmt: skip
        a = query_side(EnrichmentQuery(pair_id, one.name, one.orgnr, one.municipality, one.address))
        b = _as_the_register_writes_it(two)
    found = score(a, b, weights)
    return ComparedPair(pair_id, found.probability, decision(found, weights), found.explanation)


def _record(pair: dict[str, str], side: int) -> tuple[SourceRecord | None, str | None]:
    written = {
        "municipality": pair.get(f"kommun{side}"),
        "orgnr_as_written": pair.get(f"orgnr{side}"),
        "website": pair.get(f"website{side}"),
        "address": pair.get(f"address{side}"),
    }
    record = SourceRecord(
        source=f"side{side}",
        source_key=pair.get("pair_id") or "pair",
        name=pair.get(f"name{side}", ""),
        fetched_at=datetime.now(UTC),
        **{k: v for k, v in written.items() if v},
    )
    batch = validate([record])
    if not batch.records:
        return None, batch.quarantined[0].reason
    return batch.records[0], None


def _as_the_register_writes_it(record: SourceRecord) -> Side:
    kommun = find_kommun(record.municipality)
    return Side(
        name=name_forms(record.name),
        legal_form=declared_legal_form(record.name),
        kommun=kommun.code if kommun else None,
        orgnr=record.orgnr,
        street=street(record.address),
    )


def write_compared(compared: Sequence[ComparedPair], path: Path) -> None:
    with atomic_text_file(path) as f:
        writer = csv.DictWriter(f, fieldnames=OUTPUT_COLUMNS)
        writer.writeheader()
        writer.writerows(pair.as_row() for pair in compared)
