"""The city's own curated list of known ASF: spreadsheet exports (CSV) in a configured folder.

Officers keep the list by hand, so the reader is forgiving about what a spreadsheet export looks like:
comma, semicolon or tab separated, UTF-8 (with or without BOM) or Windows-1252, Swedish or English
column names in any order, extra columns ignored.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from assets.sources.base import CrawlContext, SourceSpec
from registry.normalize import fold
from registry.records import SourceRecord

SPEC = SourceSpec(
    name="city_list",
    title="Stockholms stad – curated ASF list",
    description="The city's own list of known ASF, kept by officers as spreadsheet files in a local folder.",
    url=None,
    priority=10,
    kinds=frozenset({"csv"}),
)

_COLUMNS: dict[str, tuple[str, ...]] = {
    "source_key": ("id", "lopnummer", "nr", "record id", "record_id"),
    "name": ("namn", "name", "foretag", "foretagsnamn", "organisation", "organisationsnamn"),
    "orgnr_as_written": ("organisationsnummer", "orgnr", "org nr", "org nummer"),
    "municipality": ("kommun", "municipality", "ort"),
    "address": ("adress", "address", "besoksadress", "postadress"),
    "website": ("webbplats", "hemsida", "webb", "website", "url"),
    "email": ("e post", "epost", "email", "e mail", "mejl"),
    "phone": ("telefon", "tel", "phone", "telefonnummer"),
    "activity": ("verksamhet", "verksamhetsomrade", "bransch", "activity", "inriktning"),
}
_ALIASES = {alias: field for field, aliases in _COLUMNS.items() for alias in aliases}


def crawl(ctx: CrawlContext) -> Iterator[SourceRecord]:
    folder = ctx.city_list_dir
    if not folder.is_dir():
        raise FileNotFoundError(f"city list folder {folder} does not exist")
    files = sorted(folder.glob("*.csv"))
    if not files:
        raise FileNotFoundError(f"no .csv files in the city list folder {folder}")
    for path in files:
        ctx.log.info(f"reading city list {path.name}")
        yield from read_city_csv(path)


def _column_field(header: str) -> str | None:
    return _ALIASES.get(" ".join(re.sub(r"[^\w]", " ", fold(header)).split()))


def decode_spreadsheet_text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Swedish Windows saves "CSV" as Windows-1252.
        return data.decode("cp1252", errors="replace")


def read_city_csv(path: Path) -> Iterator[SourceRecord]:
    text = decode_spreadsheet_text(path.read_bytes())
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        return
    fields = [_column_field(h) for h in header]
    if "name" not in fields:
        raise ValueError(f"{path.name}: no name column among {header}")
    # The file's modification time is when the city last said this; it keeps re-runs identical.
    fetched_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    for line_number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        values: dict[str, str] = {}
        for field, cell in zip(fields, row, strict=False):
            if field and cell.strip() and field not in values:
                values[field] = cell
        own_key = values.pop("source_key", "").strip() or values.get("name", "").strip()
        yield SourceRecord(
            source=SPEC.name,
            source_key=f"{path.stem}:{own_key}" if own_key else "",
            name=values.pop("name", ""),
            fetched_at=fetched_at,
            source_url=f"file:{path.name}#row={line_number}",
            **values,
        )
