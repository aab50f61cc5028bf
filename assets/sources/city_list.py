"""The city's own curated list of known ASF: spreadsheets (CSV and Excel .xlsx) in a configured folder.

Officers keep the list by hand, so the reader is forgiving about what a spreadsheet looks like: comma,
semicolon or tab separated CSV in UTF-8 (with or without BOM) or Windows-1252; Excel workbooks with the
header on any of the first rows and on any sheet; Swedish or English column names in any order; extra
columns ignored, missing optional columns left empty.

It is not forgiving about size: a file is read a row at a time within the limits of
``registry/files/spreadsheets.py`` (rows, columns, characters per cell and per file, the workbook's parts), and a
file over one is skipped with its name and the reason, like a file that is not safe to open; the folder's
other files are still read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from assets.sources.base import CrawlContext, SourceSpec
from registry.files.safe_files import UnsafeFile, inside, regular_file
from registry.files.spreadsheets import DEFAULT_LIMITS, SpreadsheetLimits, XlsxWorkbook, csv_rows
from registry.ingest.records import SourceRecord
from registry.reference.normalize import fold
from registry.reference.personnummer import shown_location

# The source's name in the sources file, for records read outside a crawl (tests, tools).
SOURCE = "city_list"
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
# What a list file may hold (rows, columns, characters per cell and per file, workbook parts):
# registry/files/spreadsheets.py.
LIMITS = DEFAULT_LIMITS


def crawl(ctx: CrawlContext, spec: SourceSpec) -> Iterator[SourceRecord]:
    folder = ctx.city_list_dir
    if not folder.is_dir():
        raise FileNotFoundError(f"city list folder {shown_location(folder)} does not exist")
    # Excel leaves "~$name.xlsx" lock files next to open workbooks; they are not lists.
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".csv", ".xlsx") and not p.name.startswith("~$"))
    if not files:
        raise FileNotFoundError(f"no .csv or .xlsx files in the city list folder {shown_location(folder)}")
    refused: list[str] = []
    for path in files:
        # Officers name files after whom they are about ("Ansökan Anna 811218-9876.csv"): a file's name is only
        # ever shown through shown_location, which cuts such a number out.
        shown = shown_location(path.name)
        problem = unsafe_list_file(folder, path)
        if problem:
            ctx.warn(f"city list {shown} skipped: {problem}")
            refused.append(f"{shown}: {problem}")
            continue
        ctx.log.info(f"reading city list {shown}")
        try:
            # A file counts whole or not at all: one refused half-way through contributes nothing.
            if path.suffix.lower() == ".xlsx":
                records = list(read_city_xlsx(path, ctx, LIMITS, source=spec.name))
            else:
                records = list(read_city_csv(path, LIMITS, source=spec.name))
        except UnsafeFile as exc:
            ctx.warn(f"city list {shown} skipped: {exc}")
            refused.append(str(exc))
            continue
        yield from records
    if len(refused) == len(files):
        # The city's own list, every file of it refused: the night says why (the report shows it to the people
        # who keep the list), not only that no records came.
        raise ValueError(
            f"no file in the city list folder {shown_location(folder)} could be read: {'; '.join(refused)}"
        )


def unsafe_list_file(folder: Path, path: Path) -> str | None:
    """Why a file in the list folder is not opened, or None. A list is a small regular file inside the folder:
    not a link to a file elsewhere (``/etc/passwd``), not a device or pipe. (What is inside is checked as it
    is read: registry/files/spreadsheets.py.)"""
    try:
        inside(folder, path.name)
        regular_file(path, "list")
        if path.stat().st_size > MAX_LIST_BYTES:
            return f"larger than {MAX_LIST_BYTES // 1024**2} MB, which no list of enterprises is"
    except (UnsafeFile, OSError) as exc:
        return str(exc)
    return None


def column_field(header: object) -> str | None:
    if header is None:
        return None
    return _ALIASES.get(" ".join(re.sub(r"[^\w]", " ", fold(str(header))).split()))


def _modified(path: Path) -> datetime:
    # The file's modification time is when the city last said this; it keeps re-runs identical.
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def read_city_csv(
    path: Path, limits: SpreadsheetLimits = DEFAULT_LIMITS, source: str = SOURCE
) -> Iterator[SourceRecord]:
    rows = csv_rows(path, limits=limits)
    first = next(rows, None)
    if first is None:
        return
    header = first[1]
    fields = [column_field(h) for h in header]
    if "name" not in fields:
        raise ValueError(f"{shown_location(path.name)}: no name column among {header[: limits.max_columns]}")
    # The key and the location are stored and published: the file's name as it may be shown, so a number in it
    # is neither kept nor puts every record of the file in quarantine (a personnummer in its key).
    yield from _records(
        source, shown_location(path.stem), f"file:{shown_location(path.name)}", fields, rows, _modified(path)
    )


def read_city_xlsx(
    path: Path, ctx: CrawlContext, limits: SpreadsheetLimits = DEFAULT_LIMITS, source: str = SOURCE
) -> Iterator[SourceRecord]:
    shown = shown_location(path.name)
    with XlsxWorkbook(path, limits) as workbook:
        found_any = False
        for title in workbook.titles:
            rows = workbook.rows(title)
            # The header is looked for in the sheet's first rows; the rows after it are read as they come.
            header = next((cells for number, cells in rows if number > HEADER_SEARCH_ROWS or _names(cells)), None)
            if header is None or not _names(header):
                sheet = f"{shown} / {shown_location(title)}"
                ctx.warn(f"{sheet}: no name column in the first {HEADER_SEARCH_ROWS} rows, sheet skipped")
                continue
            found_any = True
            fields = [column_field(c) for c in header]
            # A sheet may be named after a person too ("Anna 811218-9876"): stored as it may be shown, like the file.
            prefix = shown_location(path.stem if len(workbook.titles) == 1 else f"{path.stem}/{title}")
            location = f"file:{shown}#{shown_location(title)}"
            yield from _records(source, prefix, location, fields, rows, _modified(path))
        if not found_any:
            raise ValueError(f"{shown}: no sheet has a name column")


def _names(cells: Sequence[str]) -> bool:
    return "name" in [column_field(c) for c in cells]


def _records(
    source: str,
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
            source=source,
            source_key=f"{key_prefix}:{own_key}" if own_key else "",
            name=values.pop("name", ""),
            fetched_at=fetched_at,
            source_url=f"{location}#row={line_number}" if "#" not in location else f"{location}!row={line_number}",
            **values,
        )
