"""The city's own curated list of known ASF: spreadsheets (CSV and Excel .xlsx) in a configured folder.

Officers keep the list by hand, so the reader is forgiving about what a spreadsheet looks like: comma,
semicolon or tab separated CSV in UTF-8 (with or without BOM) or Windows-1252; Excel workbooks with the
header on any of the first rows and on any sheet; Swedish or English column names in any order; extra
columns ignored, missing optional columns left empty.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from openpyxl import load_workbook

from assets.sources.base import CrawlContext, SourceSpec
from registry.normalize import fold
from registry.records import SourceRecord
from registry.safe_files import UnsafeFile, check_zip_archive, inside, regular_file

SPEC = SourceSpec(
    name="city_list",
    title="Stockholms stad – curated ASF list",
    description="The city's own list of known ASF, kept by officers as spreadsheet files (CSV, Excel) in a folder.",
    url=None,
    priority=10,
    kinds=frozenset({"csv", "excel"}),
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
    "categories": ("kategori", "kategorier", "category", "categories"),
}
_ALIASES = {alias: field for field, aliases in _COLUMNS.items() for alias in aliases}
HEADER_SEARCH_ROWS = 10
MAX_LIST_BYTES = 50 * 1024**2


def crawl(ctx: CrawlContext) -> Iterator[SourceRecord]:
    folder = ctx.city_list_dir
    if not folder.is_dir():
        raise FileNotFoundError(f"city list folder {folder} does not exist")
    # Excel leaves "~$name.xlsx" lock files next to open workbooks; they are not lists.
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".csv", ".xlsx") and not p.name.startswith("~$"))
    if not files:
        raise FileNotFoundError(f"no .csv or .xlsx files in the city list folder {folder}")
    for path in files:
        problem = unsafe_list_file(folder, path)
        if problem:
            ctx.warn(f"city list {path.name} skipped: {problem}")
            continue
        ctx.log.info(f"reading city list {path.name}")
        if path.suffix.lower() == ".xlsx":
            yield from read_city_xlsx(path, ctx)
        else:
            yield from read_city_csv(path)


def unsafe_list_file(folder: Path, path: Path) -> str | None:
    """Why a file in the list folder is not read, or None. A list is a small regular file inside the folder:
    not a link to a file elsewhere (``/etc/passwd``), not a device or pipe, not a zip bomb dressed as .xlsx."""
    try:
        inside(folder, path.name)
        regular_file(path, "list")
        if path.stat().st_size > MAX_LIST_BYTES:
            return f"larger than {MAX_LIST_BYTES // 1024**2} MB, which no list of enterprises is"
        if path.suffix.lower() == ".xlsx" and zipfile.is_zipfile(path):
            check_zip_archive(path, max_bytes=MAX_LIST_BYTES * 10)
    except (UnsafeFile, OSError, zipfile.BadZipFile) as exc:
        return str(exc)
    return None


def column_field(header: object) -> str | None:
    if header is None:
        return None
    return _ALIASES.get(" ".join(re.sub(r"[^\w]", " ", fold(str(header))).split()))


def decode_spreadsheet_text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Swedish Windows saves "CSV" as Windows-1252.
        return data.decode("cp1252", errors="replace")


def _modified(path: Path) -> datetime:
    # The file's modification time is when the city last said this; it keeps re-runs identical.
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def read_city_csv(path: Path) -> Iterator[SourceRecord]:
    text = decode_spreadsheet_text(path.read_bytes())
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        return
    fields = [column_field(h) for h in rows[0]]
    if "name" not in fields:
        raise ValueError(f"{path.name}: no name column among {rows[0]}")
    yield from _records(path.stem, f"file:{path.name}", fields, enumerate(rows[1:], start=2), _modified(path))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an orgnr typed as a number comes back as 7696001234.0
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def read_city_xlsx(path: Path, ctx: CrawlContext) -> Iterator[SourceRecord]:
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheets = [ws for ws in workbook.worksheets if ws.max_row and ws.max_row > 0]
        found_any = False
        for sheet in sheets:
            rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            header_index = next(
                (i for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]) if "name" in [column_field(c) for c in row]),
                None,
            )
            if header_index is None:
                ctx.warn(
                    f"{path.name} / {sheet.title}: no name column in the first {HEADER_SEARCH_ROWS} rows, sheet skipped"
                )
                continue
            found_any = True
            fields = [column_field(c) for c in rows[header_index]]
            prefix = path.stem if len(sheets) == 1 else f"{path.stem}/{sheet.title}"
            numbered = enumerate(rows[header_index + 1 :], start=header_index + 2)
            yield from _records(prefix, f"file:{path.name}#{sheet.title}", fields, numbered, _modified(path))
        if not found_any:
            raise ValueError(f"{path.name}: no sheet has a name column")
    finally:
        workbook.close()


def _records(
    key_prefix: str,
    location: str,
    fields: Sequence[str | None],
    numbered_rows: Iterable[tuple[int, Sequence[str]]],
    fetched_at: datetime,
) -> Iterator[SourceRecord]:
    for line_number, row in numbered_rows:
        if not any(cell.strip() for cell in row):
            continue
        values: dict[str, str] = {}
        for field, cell in zip(fields, row, strict=False):
            if field and cell.strip() and field not in values:
                values[field] = cell
        own_key = values.pop("source_key", "").strip() or values.get("name", "").strip()
        yield SourceRecord(
            source=SPEC.name,
            source_key=f"{key_prefix}:{own_key}" if own_key else "",
            name=values.pop("name", ""),
            fetched_at=fetched_at,
            source_url=f"{location}#row={line_number}" if "#" not in location else f"{location}!row={line_number}",
            **values,
        )
