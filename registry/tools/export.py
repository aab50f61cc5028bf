"""Exports of the published registry and its change log, for people and systems that do not read SQL.

Exports read the stable views, never the tables: the views are the contract, so an export's columns are
exactly the contract's columns, in its order, whatever later migrations add to the tables. Organisations come
from ``registry_v2_organisations`` (the v1 columns and the register match's method and score), the change log
from ``registry_v1_change_log``.

Layout (``export_registry``):

- ``csv`` and ``parquet``: ``output`` is a file (its name ends in the format's extension) that receives
  exactly one table, ``table`` (default organisations); or a directory (an existing one, or a name without an
  extension) that receives ``organisations.<ext>`` and ``change_log.<ext>`` (or only ``table``).
- ``json`` and ``xlsx``: ``output`` is one file holding both tables. JSON is ``{"schema_version",
  "exported_at", "filters", "organisations": [...], "change_log": [...]}``; the workbook has the sheets
  ``organisations`` and ``change_log`` (named as the views' tables in either language: readers open them by
  name) and the about sheet, named in the export's language ("Om exporten", "about").

Values:

- Organisations are in Swedish alphabetical order of their names (Å, Ä, Ö after Z); the change log in the
  order it was written.
- Timestamps are UTC: ISO 8601 with ``Z`` in CSV and JSON, ``timestamp[us, tz=UTC]`` in Parquet, and Excel
  date-times (which cannot carry a zone) holding UTC in xlsx.
- CSV is RFC 4180 (comma, double quotes, CRLF) in UTF-8 with a byte order mark, so Excel shows å, ä and ö
  right when the file is opened by double-click; booleans are ``true``/``false``, unknown values empty.
  CSV, JSON and Parquet name columns as the views do (systems read them); the workbook, which people read,
  heads each column with its label in the export's language, and its about sheet gives each column's name,
  meaning and the labels of the codes it holds.
- CSV and xlsx are opened by spreadsheets, which run a cell that looks like a formula: such text cells are
  neutralised (``neutralise_formula``). JSON and Parquet keep every value verbatim.
- No format ever carries a personnummer: every text cell is scanned, and a cell holding one is replaced
  whole by ``[personnummer redacted]`` with a warning naming the table, row and column (never the value).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from enum import StrEnum
from pathlib import Path
from typing import Any, BinaryIO

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from registry.files.output_files import Writer, write_atomically
from registry.reference.collation import swedish_sort_key
from registry.reference.personnummer import REDACTED_PERSONNUMMER, contains_personnummer
from registry.store.columns import Column, meaning
from registry.store.contract import VIEWS as CONTRACT_VIEWS
from registry.tools.labels import Labels

logger = logging.getLogger(__name__)

# The contract version of the views this module reads (registry/store/contract.py).
SCHEMA_VERSION = 2
ORGANISATIONS = "organisations"
CHANGE_LOG = "change_log"
TABLES = (ORGANISATIONS, CHANGE_LOG)
VIEWS = {ORGANISATIONS: "registry_v2_organisations", CHANGE_LOG: "registry_v1_change_log"}
_VIEWS_BY_NAME = {view.name: view for view in CONTRACT_VIEWS}
# The column that names a row in warnings (never the value that was redacted).
_ROW_KEYS = {ORGANISATIONS: "registry_id", CHANGE_LOG: "id"}


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"
    PARQUET = "parquet"
    XLSX = "xlsx"

    @property
    def is_directory(self) -> bool:
        """One file per table in a directory, or every table in one file."""
        return self in (ExportFormat.CSV, ExportFormat.PARQUET)


class ColumnKind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    FLOAT = "float"
    BOOLEAN = "boolean"
    TIMESTAMP = "timestamp"


@dataclass(frozen=True)
class ExportColumn:
    name: str
    kind: ColumnKind
    # What the column means and its labels, as declared (registry/store/columns.py).
    declared: Column | None = None


@dataclass
class ExportTable:
    """One exported table: its columns as the view declares them, and its rows with values normalised
    (timestamps aware in UTC, booleans as bool, personnummer redacted)."""

    name: str
    columns: tuple[ExportColumn, ...]
    rows: list[tuple[Any, ...]]


class ExportError(ValueError):
    """An output of the wrong kind, or a table that is not exported: ``key`` and ``values`` are the sentence in
    the label table (registry/tools/labels.py), said in the reader's language; ``str()`` is the English one."""

    def __init__(self, key: str, **values: object) -> None:
        self.key, self.values = key, values
        super().__init__(self.said(Labels("en")))

    def said(self, labels: Labels) -> str:
        return labels.text(self.key, **self.values)


@dataclass(frozen=True)
class Redaction:
    table: str
    row: str
    column: str

    def __str__(self) -> str:
        return self.said(Labels("en"))

    def said(self, labels: Labels) -> str:
        """What the command warns of, in the reader's language."""
        return labels.text("export.redacted", table=self.table, row=self.row, column=self.column)


@dataclass(frozen=True)
class ExportOptions:
    # Default: the active organisations, which is what "the registry" means to procurement; with
    # include_inactive every organisation ever published, told apart by the `active` column.
    include_inactive: bool = False
    # Change-log entries changed at or after this moment; None: the whole change log.
    since: datetime | None = None
    # One table only (csv and parquet); None: both.
    table: str | None = None
    # The language of the workbook's column heads and about sheet.
    lang: str = "sv"


@dataclass(frozen=True)
class ExportReport:
    format: ExportFormat
    paths: tuple[Path, ...]
    rows: dict[str, int]
    exported_at: datetime
    redactions: tuple[Redaction, ...] = field(default=())


def _kind(column_type: sa.types.TypeEngine[Any]) -> ColumnKind:
    if isinstance(column_type, sa.Boolean):
        return ColumnKind.BOOLEAN
    if isinstance(column_type, sa.Integer):
        return ColumnKind.INTEGER
    if isinstance(column_type, sa.Numeric):
        return ColumnKind.FLOAT
    if isinstance(column_type, sa.DateTime):
        return ColumnKind.TIMESTAMP
    return ColumnKind.TEXT


def reflect_view(connection: Connection | Engine, view: str) -> sa.Table:
    """The view as the database declares it: its columns are the contract's, never a second list here."""
    return sa.Table(view, sa.MetaData(), autoload_with=connection)


def _export_columns(view: sa.Table) -> tuple[ExportColumn, ...]:
    declared = {c.name: c for c in _VIEWS_BY_NAME[view.name].declared} if view.name in _VIEWS_BY_NAME else {}
    return tuple(ExportColumn(c.name, _kind(c.type), declared.get(c.name)) for c in view.columns)


def view_columns(connection: Connection | Engine, view: str) -> tuple[ExportColumn, ...]:
    return _export_columns(reflect_view(connection, view))


def as_utc(moment: datetime) -> datetime:
    # SQLite hands back the naive UTC value that was stored; PostgreSQL an aware one in the session's zone.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _normalise(value: Any, kind: ColumnKind) -> Any:
    if value is None:
        return None
    if kind is ColumnKind.TIMESTAMP:
        return as_utc(value) if isinstance(value, datetime) else as_utc(datetime.fromisoformat(str(value)))
    if kind is ColumnKind.BOOLEAN:
        return bool(value)
    if kind is ColumnKind.INTEGER:
        return int(value)
    if kind is ColumnKind.FLOAT:
        return float(value)
    return value if isinstance(value, str) else str(value)


def _redact(
    table: str, columns: Sequence[ExportColumn], rows: list[tuple[Any, ...]]
) -> tuple[list[tuple[Any, ...]], list[Redaction]]:
    """The export's last line of defence: the registry should hold no personnummer, but if one slipped into
    any text, the export carries a marker instead and says where, so the source can be fixed."""
    text_positions = [i for i, column in enumerate(columns) if column.kind is ColumnKind.TEXT]
    key_position = next((i for i, c in enumerate(columns) if c.name == _ROW_KEYS.get(table)), 0)
    redactions: list[Redaction] = []
    cleaned: list[tuple[Any, ...]] = []
    for row in rows:
        hits = [i for i in text_positions if contains_personnummer(row[i])]
        if hits:
            values = list(row)
            for i in hits:
                values[i] = REDACTED_PERSONNUMMER
                redaction = Redaction(table, str(row[key_position]), columns[i].name)
                redactions.append(redaction)
                logger.warning("Export: %s", redaction)
            row = tuple(values)
        cleaned.append(row)
    return cleaned, redactions


def make_table(
    name: str, columns: Sequence[ExportColumn], raw_rows: Sequence[Sequence[Any]]
) -> tuple[ExportTable, list[Redaction]]:
    """Normalised, redacted rows for export from rows in the columns' order."""
    kinds = [column.kind for column in columns]
    rows = [tuple(_normalise(value, kind) for value, kind in zip(row, kinds, strict=True)) for row in raw_rows]
    rows, redactions = _redact(name, columns, rows)
    return ExportTable(name, tuple(columns), rows), redactions


def _by_name(columns: Sequence[ExportColumn], rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Organisations in Swedish alphabetical order of their names, the registry ID keeping the order stable.
    Sorted here, not in SQL: neither SQLite nor a PostgreSQL without a Swedish collation sorts Å, Ä, Ö last."""
    names = [c.name for c in columns]
    name, registry_id = names.index("name"), names.index("registry_id")
    return sorted(rows, key=lambda row: (swedish_sort_key(row[name]), row[registry_id]))


def read_tables(engine: Engine, options: ExportOptions) -> tuple[list[ExportTable], list[Redaction]]:
    """The organisations and the change log (or the one table asked for), read from the views in one
    transaction.

    On PostgreSQL the transaction is REPEATABLE READ, so both views come from one snapshot even while a
    run publishes (under the default READ COMMITTED each SELECT would see its own). On SQLite each view is
    read in one statement; a publication is one transaction, so neither is ever half-published.
    """
    tables: list[ExportTable] = []
    redactions: list[Redaction] = []
    if engine.dialect.name == "postgresql":
        engine = engine.execution_options(isolation_level="REPEATABLE READ")
    wanted = (options.table,) if options.table else TABLES
    with engine.connect() as connection, connection.begin():
        for name in wanted:
            view = reflect_view(connection, VIEWS[name])
            if name == ORGANISATIONS:
                query = sa.select(view)
                if not options.include_inactive:
                    query = query.where(view.c.active == sa.true())
            else:
                query = sa.select(view).order_by(view.c.changed_at, view.c.id)
                if options.since is not None:
                    query = query.where(view.c.changed_at >= as_utc(options.since))
            columns = _export_columns(view)
            rows = [tuple(row) for row in connection.execute(query)]
            table, found = make_table(name, columns, _by_name(columns, rows) if name == ORGANISATIONS else rows)
            tables.append(table)
            redactions += found
    return tables, redactions


def parse_since(text: str) -> datetime:
    """``2026-11-01`` -> 2026-11-01 00:00 UTC (the whole day counts); a date-time without zone is UTC."""
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return datetime.combine(date.fromisoformat(text), time(0), tzinfo=UTC)
    return as_utc(datetime.fromisoformat(text))


# --- Spreadsheet safety ------------------------------------------------------------------------------------

# After a leading + or -, only what a phone number or a number is made of: no letters, no operators that
# reach other cells or programs (: ! | " and function names need letters), so nothing that can run.
_PLAIN_SIGNED = re.compile(r"[+-][0-9 ().,/-]*")


def neutralise_formula(text: str) -> str:
    """Text that a spreadsheet would run as a formula, prefixed with ``'`` (OWASP, CSV injection).

    The rule: prefix when the text starts with a tab or a carriage return, or when its first character after
    any leading whitespace (spreadsheets may trim it on import) is ``=`` or ``@``, or is ``+`` or ``-``
    followed by anything but digits, spaces and ``( ) . , / -``. So ``=HYPERLINK(...)``, ``@SUM(1)`` and
    ``-2+3+cmd|' /C calc'!A0`` are neutralised, while ``+46 8 123 45 67``, ``-12,5`` and ``-`` stay as they
    are.
    """
    if text[:1] in ("\t", "\r"):
        return "'" + text
    core = text.strip()
    first = core[:1]
    if first in ("=", "@"):
        return "'" + text
    if first in ("+", "-") and not _PLAIN_SIGNED.fullmatch(core):
        return "'" + text
    return text


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _csv_cell(value: Any, kind: ColumnKind) -> str:
    if value is None:
        return ""
    if kind is ColumnKind.BOOLEAN:
        return "true" if value else "false"
    if kind is ColumnKind.TIMESTAMP:
        return _iso(value)
    if kind is ColumnKind.TEXT:
        return neutralise_formula(value)
    return str(value)


def _json_value(value: Any, kind: ColumnKind) -> Any:
    if value is not None and kind is ColumnKind.TIMESTAMP:
        return _iso(value)
    return value


# --- Formats -----------------------------------------------------------------------------------------------


def csv_writer(table: ExportTable) -> Writer:
    def write(handle: BinaryIO) -> None:
        # utf-8-sig: the BOM is what makes Excel read the file as UTF-8 instead of the Windows code page.
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        writer = csv.writer(text, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow([column.name for column in table.columns])
        kinds = [column.kind for column in table.columns]
        for row in table.rows:
            writer.writerow([_csv_cell(value, kind) for value, kind in zip(row, kinds, strict=True)])
        text.flush()
        text.detach()  # the caller owns the binary handle and closes it

    return write


def _about(exported_at: datetime, options: ExportOptions) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "exported_at": _iso(exported_at),
        "filters": {
            "include_inactive": options.include_inactive,
            "since": _iso(as_utc(options.since)) if options.since else None,
        },
    }


def json_writer(tables: Sequence[ExportTable], exported_at: datetime, options: ExportOptions) -> Writer:
    document = _about(exported_at, options)
    for table in tables:
        kinds = [column.kind for column in table.columns]
        names = [column.name for column in table.columns]
        document[table.name] = [
            {name: _json_value(value, kind) for name, value, kind in zip(names, row, kinds, strict=True)}
            for row in table.rows
        ]

    def write(handle: BinaryIO) -> None:
        handle.write(json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8"))
        handle.write(b"\n")

    return write


def parquet_writer(table: ExportTable, exported_at: datetime, options: ExportOptions) -> Writer:
    import pyarrow as pa  # only the Parquet export pays for importing Arrow
    import pyarrow.parquet as pq

    arrow_types = {
        ColumnKind.TEXT: pa.string(),
        ColumnKind.INTEGER: pa.int64(),
        ColumnKind.FLOAT: pa.float64(),
        ColumnKind.BOOLEAN: pa.bool_(),
        ColumnKind.TIMESTAMP: pa.timestamp("us", tz="UTC"),
    }
    about = _about(exported_at, options) | {"view": VIEWS.get(table.name, table.name)}
    schema = pa.schema(
        [pa.field(column.name, arrow_types[column.kind], metadata=_field_metadata(column)) for column in table.columns],
        metadata={"asf_registry": json.dumps(about)},
    )
    arrays = [
        pa.array([row[i] for row in table.rows], type=arrow_types[column.kind])
        for i, column in enumerate(table.columns)
    ]
    arrow_table = pa.Table.from_arrays(arrays, schema=schema)

    def write(handle: BinaryIO) -> None:
        pq.write_table(arrow_table, handle)

    return write


def _field_metadata(column: ExportColumn) -> dict[str, str] | None:
    """A Parquet column's meaning and labels, for tools that show them."""
    if column.declared is None:
        return None
    declared = column.declared
    return {"description": declared.meaning, "label_sv": declared.label_sv, "label_en": declared.label_en}


# Excel's limit for one cell; longer text makes Excel "repair" the workbook.
_XLSX_CELL_LIMIT = 32_767
_XLSX_MAX_WIDTH = 60


def xlsx_writer(tables: Sequence[ExportTable], exported_at: datetime, options: ExportOptions) -> Writer:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    labels = Labels(options.lang)
    for table in tables:
        sheet = workbook.create_sheet(table.name)
        # People read the workbook: each column is headed by its label; the about sheet gives its name.
        heads = [_head(table.name, column, labels) for column in table.columns]
        sheet.append(heads)
        for cell in sheet[1]:
            cell.font = bold
        widths = [len(head) for head in heads]
        for row_number, row in enumerate(table.rows, start=2):
            for i, (column, value) in enumerate(zip(table.columns, row, strict=True)):
                cell = sheet.cell(row=row_number, column=i + 1)
                if value is None:
                    continue
                if column.kind is ColumnKind.TIMESTAMP:
                    # Excel has no time zones: the UTC wall-clock time, as the about sheet says.
                    cell.value = value.replace(tzinfo=None)
                    cell.number_format = "yyyy-mm-dd hh:mm:ss"
                    widths[i] = max(widths[i], 19)
                elif column.kind is ColumnKind.TEXT:
                    text = ILLEGAL_CHARACTERS_RE.sub("", neutralise_formula(value))[:_XLSX_CELL_LIMIT]
                    cell.value = text
                    # openpyxl stores any string starting with "=" as a formula; text must stay text.
                    cell.data_type = "s"
                    widths[i] = max(widths[i], max((len(line) for line in text.splitlines()), default=0))
                else:
                    cell.value = value
                    widths[i] = max(widths[i], len(str(value)))
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = min(width + 2, _XLSX_MAX_WIDTH)
        sheet.freeze_panes = "A2"
        if table.columns:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{max(len(table.rows) + 1, 1)}"
    _about_sheet(workbook.create_sheet(labels.text("export.about_name")), tables, exported_at, options, labels, bold)

    def write(handle: BinaryIO) -> None:
        workbook.save(handle)

    return write


def _head(table: str, column: ExportColumn, labels: Labels) -> str:
    return column.declared.label(labels.lang) if column.declared is not None else column.name


def _about_sheet(
    sheet: Any, tables: Sequence[ExportTable], exported_at: datetime, options: ExportOptions, labels: Labels, bold: Any
) -> None:
    """What the workbook holds and what each column means, with the labels of the codes it holds: an analyst
    reading the workbook has no schema document at hand."""
    facts = _about(exported_at, options)
    for key, value in (
        ("schema_version", facts["schema_version"]),
        ("exported_at", facts["exported_at"]),
        ("include_inactive", labels.boolean(options.include_inactive)),
        ("since", facts["filters"]["since"] or labels.text("export.about.since_all")),
        ("views", ", ".join(VIEWS[t.name] for t in tables if t.name in VIEWS)),
        ("times", labels.text("export.about_times")),
    ):
        sheet.append([labels.text(f"export.about.{key}"), value])
    sheet.append([])
    sheet.append([labels.text(f"export.about_{head}") for head in ("sheet", "label", "column", "meaning", "codes")])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for table in tables:
        for column in table.columns:
            codes = "; ".join(f"{code} = {label}" for code, label in labels.column_codes(table.name, column.name))
            sheet.append(
                [table.name, _head(table.name, column, labels), column.name,
                 meaning(table.name, column.name, labels.lang) if column.declared else "", codes]
            )  # fmt: skip
    for letter, width in zip("ABCDE", (18, 34, 24, 70, 80), strict=True):
        sheet.column_dimensions[letter].width = width


def _extension(path: Path) -> str:
    return path.suffix.lower().lstrip(".")


def output_paths(fmt: ExportFormat, output: Path, table: str | None = None) -> dict[str, Path]:
    """Where each table goes. csv and parquet: into exactly the file named (one table), or into a directory
    (an existing one, or a name without an extension) one file per table; json and xlsx: both in one file.
    Raises ExportError (a ValueError) for an output of the wrong kind."""
    if table is not None and table not in TABLES:
        raise ExportError("export.no_table", table=table, tables=", ".join(TABLES))
    if not fmt.is_directory:
        if table is not None:
            raise ExportError("export.table_one_file", format=fmt.value)
        if output.is_dir():
            raise ExportError("export.is_directory", output=output, format=fmt.value)
        return {name: output for name in TABLES}
    if output.is_dir() or (not output.exists() and not output.suffix):
        return {name: output / f"{name}.{fmt.value}" for name in ((table,) if table else TABLES)}
    if _extension(output) != fmt.value:
        raise ExportError("export.no_extension" if output.exists() else "export.wrong_extension", output=output,
                          format=fmt.value)  # fmt: skip
    return {table or ORGANISATIONS: output}


def export_registry(
    engine: Engine,
    fmt: ExportFormat | str,
    output: Path,
    options: ExportOptions | None = None,
    now: datetime | None = None,
) -> ExportReport:
    """Export the organisations and the change log from the views to ``output`` (see the module's docstring
    for the layout). Raises ExportError (a ValueError) when ``output`` is of the wrong kind (a directory where a file is
    needed, a file of another format) or names a table that is not exported."""
    fmt = ExportFormat(fmt)
    options = options or ExportOptions()
    exported_at = as_utc(now or datetime.now(UTC))
    paths = output_paths(fmt, output, options.table)
    if fmt.is_directory and len(set(paths.values())) == 1:
        options = replace(options, table=next(iter(paths)))  # one file: the one table it holds
    for path in set(paths.values()):
        path.parent.mkdir(parents=True, exist_ok=True)
    tables, redactions = read_tables(engine, options)
    files: list[tuple[Path, Writer]]
    if fmt is ExportFormat.CSV:
        files = [(paths[table.name], csv_writer(table)) for table in tables]
    elif fmt is ExportFormat.PARQUET:
        files = [(paths[table.name], parquet_writer(table, exported_at, options)) for table in tables]
    elif fmt is ExportFormat.JSON:
        files = [(output, json_writer(tables, exported_at, options))]
    else:
        files = [(output, xlsx_writer(tables, exported_at, options))]
    write_atomically(files)
    return ExportReport(
        format=fmt,
        paths=tuple(path for path, _ in files),
        rows={table.name: len(table.rows) for table in tables},
        exported_at=exported_at,
        redactions=tuple(redactions),
    )


def write_csv(path: Path, table: ExportTable) -> None:
    """One table as a CSV file, with the export's rules (BOM, RFC 4180, formulas neutralised), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically([(path, csv_writer(table))])


def write_organisations_csv(
    engine: Engine | Connection, organisations: Sequence[object], path: Path
) -> list[Redaction]:
    """Organisations (e.g. a market scan's result) as CSV in the columns of the v1 organisations view."""
    columns = view_columns(engine, VIEWS[ORGANISATIONS])
    raw_rows = [[getattr(organisation, column.name) for column in columns] for organisation in organisations]
    table, redactions = make_table(ORGANISATIONS, columns, raw_rows)
    write_csv(path, table)
    return redactions
