"""People's spreadsheets (CSV and Excel .xlsx), read one row at a time in bounded memory, or refused.

The city's curated list, and the files analysts give to ``review --import`` and ``dedupe``, come from people
and from tools we do not control. A spreadsheet is never held whole: rows are read and handed on one at a
time, and what a reader could be made to hold is capped (``SpreadsheetLimits``):

==========================  ================  ======================================================
limit                       default           why
==========================  ================  ======================================================
rows with content           20,000 per sheet  Sweden has a few hundred ASF; a list 50 times that is
                            or CSV file       not a list of enterprises
columns with content        200               a list uses about ten
characters in one cell      1,000,000         Excel itself stops at 32,767
characters in one file      50,000,000        as much text as the 50 MB a list file may have, however
                                              often a workbook repeats one shared string
the shared-strings part     16 MB unpacked    the one part of a workbook held whole: cells refer to its
                                              strings by number
the workbook's other parts  4 MB unpacked     workbook.xml and the relationship files (sheet names
read                                          and where the sheets are)
the whole workbook          500 MB unpacked   with at most 200:1 compression per member (safe_files)
==========================  ================  ======================================================

A file over a limit raises ``SpreadsheetRefused`` naming the file and the limit (and the sheet, row or line
where it was found). So does a document type declaration (the way XML "billion laughs" bombs expand), XML
that is not well formed, and a file named .xlsx that is not a zip archive (a CSV renamed, an old .xls).

The .xlsx reader is a small streaming (expat, SAX) reader of the parts a list needs: which sheets there are,
the shared strings, and the cells' values. It is not openpyxl's read-only mode, which still builds each row
and each block after the rows (merged ranges, formatting) as an element tree, keeps an emptied element per
row, and parses the style sheet whole: a 17 KB workbook holding one 16 MB row took it 1.27 GB, a 176 KB one
with 72 MB of merged ranges 1.8 GB. Here an element that carries no value is counted and forgotten.
What it does not do: formulas are not evaluated (the value Excel saved is read, as ``data_only`` would),
and a number formatted as a date comes as the number Excel stores (no column the registry reads holds dates).

CSV fields are capped by the csv module itself (``csv.field_size_limit``, set to ``MAX_CELL_CHARS`` for the
process in registry/__init__.py); a field over it becomes an error naming the file and the line.

A quote that is never closed makes the csv module take the lines after it into one value: the rows it
swallows would be published as part of one record's name ("D Kooperativ;Solna E;Solna"). So a CSV file is
refused, naming the line the quote opened on, when a quote is still open at the end of the file, when a value
that spans lines has its closing quote followed by more text (the quote that ends it was some other value's),
or when a value that spans lines holds a line that reads as a row of its own (as many separators as the
header has columns). A value with a line break of its own (Excel writes one quoted) and a quote in the middle
of one line's value (``"Solen" AB``, read as ``Solen AB``) are read as before.
"""

from __future__ import annotations

import codecs
import csv
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from registry import MAX_CSV_FIELD_CHARS
from registry.files.safe_files import UnsafeFile, check_zip_archive
from registry.reference.personnummer import shown_location

# A cell's cap is the project's CSV field cap (set for every reader in registry/__init__.py).
MAX_CELL_CHARS = MAX_CSV_FIELD_CHARS

# Beyond what Excel can address is no sheet Excel made; the caps also bound the work an empty, styled or
# hostile sheet can cause (its cells and rows without content are counted, not kept).
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384


class SpreadsheetRefused(UnsafeFile):
    """A spreadsheet, or a row of one, that is not read: the message names the file and says why."""


@dataclass(frozen=True)
class SpreadsheetLimits:
    max_rows: int = 20_000
    max_columns: int = 200
    max_cell_chars: int = MAX_CELL_CHARS
    max_text_chars: int = 50_000_000
    max_shared_strings_bytes: int = 16 * 1024**2
    max_part_bytes: int = 4 * 1024**2
    max_unpacked_bytes: int = 500 * 1024**2


DEFAULT_LIMITS = SpreadsheetLimits()

Row = tuple[int, list[str]]  # (the row's number in its sheet, or its first line in a CSV file; the cells)


@dataclass
class _Budget:
    """What one file may make a reader hold, counted as the cells are read."""

    label: str
    limits: SpreadsheetLimits
    text_chars: int = 0

    def take(self, chars: int, where: str) -> None:
        self.text_chars += chars
        if self.text_chars > self.limits.max_text_chars:
            raise SpreadsheetRefused(
                f"{self.label}: more than {self.limits.max_text_chars:,} characters of text (at {where}), "
                "far beyond any list of enterprises: refused"
            )


def _check_cell_length(chars: int, limits: SpreadsheetLimits, where: str) -> None:
    if chars > limits.max_cell_chars:
        raise SpreadsheetRefused(f"{where}: a cell longer than {limits.max_cell_chars:,} characters: refused")


# -- CSV ---------------------------------------------------------------------------------------------------


def detect_csv_encoding(path: Path) -> str:
    """'utf-8-sig' when the whole file is UTF-8 (with or without BOM), else 'cp1252' (Excel on Swedish
    Windows saves "CSV" that way). Decoded in chunks: nothing is kept."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def _has_content(cells: list[str]) -> bool:
    return any(cell.strip() for cell in cells)


class _Lines:
    """The lines of a file as the csv reader takes them, the last one kept: a record on one line that strict
    quoting refuses is read again leniently from it."""

    def __init__(self, f: Iterator[str]) -> None:
        self._f = f
        self.last = ""

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        self.last = next(self._f)
        return self.last


def _holds_a_row(cells: list[str], delimiter: str, width: int) -> bool:
    """Whether a value of a record that spans lines holds a line with as many fields as the header: a row a quote
    left open has swallowed. A line break of a value's own (an address's second line) rarely has ``width - 1``
    separators; with one column there is no telling, and nothing is said."""
    if width < 2:
        return False
    return any(
        part.count(delimiter) + 1 >= width
        for cell in cells
        if "\n" in cell or "\r" in cell
        for part in cell.splitlines()
    )


def csv_rows(
    path: Path,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    limits: SpreadsheetLimits | None = DEFAULT_LIMITS,
) -> Iterator[Row]:
    """The rows of a CSV file with the line each starts on (blank lines give ``[]``), read as they come.

    ``encoding`` None detects UTF-8 or Windows-1252; ``delimiter`` None takes the one of ``;``, ``,`` and
    tab that the first line has most of. With ``limits`` None only the cell cap applies (the csv module's);
    otherwise rows, columns and text are capped too. Any limit crossed, a line that is not valid in the
    encoding, or a broken quote raises ``SpreadsheetRefused`` with the file and the line.
    """
    shown = shown_location(path.name)  # the name as it may be shown: a file may be named after a person
    chosen = encoding or detect_csv_encoding(path)
    with path.open(encoding=chosen, errors="replace" if chosen == "cp1252" else "strict", newline="") as f:
        if delimiter is None:
            # Only the first line decides; a huge first line is not read whole for it.
            first_line = f.readline(64 * 1024)
            delimiter = max(";,\t", key=first_line.count)
            f.seek(0)
        lines = _Lines(f)
        # Strict: a quote still open at the end of the file, or text after a closing quote, is an error instead
        # of being read into the value (see the module's docstring for what is done with each).
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        budget = _Budget(shown, limits) if limits else None
        rows_with_content = 0
        width = 0  # the header's columns with a name (the first row with content)
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if reader.line_num > line or not _quote_in_a_line(exc):
                    problem = _csv_problem(exc, reader.line_num)
                    raise SpreadsheetRefused(f"{shown}, line {line}: {problem}") from None
                # A quote in the middle of one line's value: read as the csv module always read it.
                cells = _lenient(lines.last, delimiter, f"{shown}, line {line}")
            except UnicodeDecodeError:
                raise SpreadsheetRefused(
                    f"{shown}, near line {line}: not {chosen.replace('-sig', '').upper()} text "
                    "(save it as 'CSV UTF-8')"
                ) from None
            if not width and _has_content(cells):
                width = sum(1 for cell in cells if cell.strip())
            elif reader.line_num > line and _holds_a_row(cells, delimiter, width):
                raise SpreadsheetRefused(
                    f"{shown}, line {line}: a quoted value runs from line {line} to line {reader.line_num} and "
                    "holds lines that read as rows of their own (a quote never closed where its value ends): refused"
                )
            if limits and budget and cells:
                where = f"{shown}, line {line}"
                if _has_content(cells):
                    rows_with_content += 1
                    if rows_with_content > limits.max_rows:
                        raise SpreadsheetRefused(f"{where}: more than {limits.max_rows:,} rows: refused")
                if len(cells) > limits.max_columns and _has_content(cells[limits.max_columns :]):
                    raise SpreadsheetRefused(
                        f"{where}: content beyond column {limits.max_columns}, the most a list may have: refused"
                    )
                for cell in cells:
                    _check_cell_length(len(cell), limits, where)
                    budget.take(len(cell), f"line {line}")
            yield line, cells


# What the csv module says, in strict mode, when a quote is still open at the end of the file.
_END_IN_QUOTES = "unexpected end of data"


def _quote_in_a_line(exc: csv.Error) -> bool:
    """A strict-mode complaint about a quote (text after a closing one) that the lenient reading tolerates."""
    return "expected after" in str(exc)


def _lenient(line: str, delimiter: str, where: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error as exc:
        raise SpreadsheetRefused(f"{where}: {_csv_problem(exc, 0)}") from None


def _csv_problem(exc: csv.Error, last_line: int) -> str:
    if "field larger than field limit" in str(exc):
        return (
            f"a field longer than {csv.field_size_limit():,} characters, the limit for one cell (a quote "
            "that is never closed makes the rest of the file one field): refused"
        )
    if str(exc) == _END_IN_QUOTES:
        return "a quote opened on this line is never closed (the rest of the file would be one value): refused"
    if _quote_in_a_line(exc):
        return (
            f"a quoted value runs from this line to line {last_line} and its closing quote is followed by more "
            "text (a quote never closed where its value ends): refused"
        )
    return f"not readable as CSV ({exc})"


# -- Excel .xlsx -------------------------------------------------------------------------------------------

_RELATIONSHIP = "relationships"
_CELL_REFERENCE = re.compile(r"([A-Za-z]{1,3})\d*$")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _local(name: str) -> str:
    # The parser reports "namespace localname": Excel's transitional and strict namespaces read alike.
    return name.rpartition(" ")[2]


def _unescape(text: str) -> str:
    """Excel writes characters XML cannot hold (control characters) as ``_xHHHH_``."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _column_number(reference: str | None) -> int | None:
    match = _CELL_REFERENCE.match(reference or "")
    if not match:
        return None
    number = 0
    for letter in match.group(1).upper():
        number = number * 26 + ord(letter) - 64
    return number


def _number_text(raw: str) -> str:
    """A number as a person typed it: 7696001234, not 7.696001234E9 nor 7696001234.0."""
    text = raw.strip()
    try:
        number = float(text)
    except ValueError:
        return text
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return text


def _parser(label: str) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True

    def refuse_declaration(*_args: object) -> None:
        raise SpreadsheetRefused(f"{label}: declares a document type (how XML entity bombs expand): refused")

    # Workbooks never declare a document type; entities declared in one could expand without bound.
    parser.StartDoctypeDeclHandler = refuse_declaration
    parser.EntityDeclHandler = refuse_declaration
    return parser


def _feed(archive: zipfile.ZipFile, member: zipfile.ZipInfo, parser: expat.XMLParserType, label: str) -> Iterator[None]:
    """Feed ``member`` to ``parser`` a chunk at a time, yielding after each chunk (so the caller can hand on
    the rows it completed). Never more than the member's declared size is unpacked."""
    unpacked = 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(64 * 1024):
                unpacked += len(chunk)
                if unpacked > member.file_size:
                    raise SpreadsheetRefused(f"{label} unpacks to more than the {member.file_size:,} bytes it declares")
                parser.Parse(chunk, False)
                yield
            parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise SpreadsheetRefused(
            f"{label}: not well-formed XML ({expat.ErrorString(exc.code)}, line {exc.lineno})"
        ) from None
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise SpreadsheetRefused(f"{label}: damaged ({exc})") from None
    yield


def _member(archive: zipfile.ZipFile, name: str, label: str, max_bytes: int | None) -> zipfile.ZipInfo | None:
    try:
        member = archive.getinfo(name)
    except KeyError:
        return None
    if max_bytes is not None and member.file_size > max_bytes:
        raise SpreadsheetRefused(
            f"{label}: {name} unpacks to {member.file_size:,} bytes, over the {max_bytes:,} allowed: refused"
        )
    return member


def _read_small_part(
    archive: zipfile.ZipFile,
    name: str,
    label: str,
    limits: SpreadsheetLimits,
    on_start: Callable[[str, dict[str, str]], None],
) -> bool:
    """Parse one small part with ``on_start`` called for each element; False when the part is absent."""
    member = _member(archive, name, label, limits.max_part_bytes)
    if member is None:
        return False
    parser = _parser(f"{label}: {name}")
    parser.StartElementHandler = lambda tag, attrs: on_start(_local(tag), attrs)
    for _ in _feed(archive, member, parser, f"{label}: {name}"):
        pass
    return True


def _relationships(
    archive: zipfile.ZipFile, part: str, label: str, limits: SpreadsheetLimits
) -> dict[str, tuple[str, str]]:
    """The relationships of ``part``: id -> (type, the target's name in the archive)."""
    folder, name = posixpath.split(part)
    found: dict[str, tuple[str, str]] = {}

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "Relationship" and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            resolved = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            found[attrs.get("Id", "")] = (attrs.get("Type", "").rpartition("/")[2], posixpath.normpath(resolved))

    _read_small_part(archive, posixpath.join(folder, "_rels", f"{name}.rels"), label, limits, start)
    return found


def _shared_strings(archive: zipfile.ZipFile, name: str | None, label: str, limits: SpreadsheetLimits) -> list[str]:
    member = _member(archive, name, label, limits.max_shared_strings_bytes) if name else None
    if member is None:
        return []
    strings: list[str] = []
    parts: list[str] = []
    state = {"collecting": False, "phonetic": 0, "length": 0}
    where = f"{label}: shared string"

    def start(tag: str, _attrs: dict[str, str]) -> None:
        local = _local(tag)
        if local == "si":
            parts.clear()
            state["length"] = 0
        elif local == "rPh":
            state["phonetic"] += 1  # the phonetic guide of East Asian text is not part of the value
        elif local == "t" and not state["phonetic"]:
            state["collecting"] = True

    def end(tag: str) -> None:
        local = _local(tag)
        if local == "t":
            state["collecting"] = False
        elif local == "rPh":
            state["phonetic"] -= 1
        elif local == "si":
            strings.append(_unescape("".join(parts)))

    def text(data: str) -> None:
        if state["collecting"]:
            state["length"] += len(data)
            _check_cell_length(state["length"], limits, f"{where} {len(strings) + 1}")
            parts.append(data)

    parser = _parser(f"{label}: {name}")
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    for _ in _feed(archive, member, parser, f"{label}: {name}"):
        pass
    return strings


class _SheetParser:
    """Collects the cells of ``<row>`` elements as the parser meets them; everything else is ignored."""

    def __init__(self, title: str, label: str, shared: list[str], limits: SpreadsheetLimits, budget: _Budget) -> None:
        self.title, self.label, self.shared, self.limits, self.budget = title, label, shared, limits, budget
        self.ready: list[Row] = []
        self.rows_with_content = 0
        self.row_number = 0
        self.row_elements = 0
        self.cells_in_row = 0
        self.cells: dict[int, str] = {}
        self.column = 0
        self.cell_type = "n"
        self.reference = ""
        self.parts: list[str] = []
        self.length = 0
        self.collecting = False
        self.in_cell = False
        self.phonetic = 0

    def where(self) -> str:
        return f"{self.label} / {self.title}, row {self.row_number}"

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        local = _local(tag)
        if local == "row":
            number = attrs.get("r", "")
            self.row_number = int(number) if number.isdigit() else self.row_number + 1
            self.row_elements += 1
            if self.row_number > EXCEL_MAX_ROWS or self.row_elements > EXCEL_MAX_ROWS:
                raise SpreadsheetRefused(f"{self.where()}: beyond Excel's last row ({EXCEL_MAX_ROWS:,}): refused")
            self.cells = {}
            self.column = 0
            self.cells_in_row = 0
        elif local == "c":
            self.reference = attrs.get("r", "")
            self.column = _column_number(self.reference) or self.column + 1
            self.cells_in_row += 1
            if max(self.column, self.cells_in_row) > EXCEL_MAX_COLUMNS:
                raise SpreadsheetRefused(
                    f"{self.where()}: more cells than Excel's {EXCEL_MAX_COLUMNS:,} columns: refused"
                )
            self.cell_type = attrs.get("t", "n")
            self.parts, self.length, self.in_cell, self.phonetic = [], 0, True, 0
        elif not self.in_cell:
            return
        elif local == "v":
            self.collecting = True
        elif local == "rPh":
            self.phonetic += 1
        elif local == "t" and self.cell_type == "inlineStr" and not self.phonetic:
            self.collecting = True

    def text(self, data: str) -> None:
        if self.collecting:
            self.length += len(data)
            _check_cell_length(self.length, self.limits, self.where())
            self.parts.append(data)

    def end(self, tag: str) -> None:
        local = _local(tag)
        if local in ("v", "t"):
            self.collecting = False
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "c":
            self.in_cell = False
            value = self._value("".join(self.parts))
            if value:
                if self.column > self.limits.max_columns:
                    raise SpreadsheetRefused(
                        f"{self.where()}: content in column {self.column} ({self.reference or '?'}), beyond the "
                        f"{self.limits.max_columns} a list may have: refused"
                    )
                self.budget.take(len(value), f"{self.title}, row {self.row_number}")
                self.cells[self.column] = value
        elif local == "row" and self.cells:
            if _has_content(list(self.cells.values())):
                self.rows_with_content += 1
                if self.rows_with_content > self.limits.max_rows:
                    raise SpreadsheetRefused(
                        f"{self.label} / {self.title}: more than {self.limits.max_rows:,} rows: refused"
                    )
            width = max(self.cells)
            self.ready.append((self.row_number, [self.cells.get(i, "") for i in range(1, width + 1)]))
            self.cells = {}

    def _value(self, raw: str) -> str:
        if self.cell_type == "s":
            try:
                value = self.shared[int(raw)]
            except (ValueError, IndexError):
                raise SpreadsheetRefused(
                    f"{self.where()}: cell {self.reference or '?'} refers to shared string {raw!r}, which the "
                    "workbook does not have"
                ) from None
            _check_cell_length(len(value), self.limits, self.where())
            return value
        if self.cell_type in ("inlineStr", "str", "e", "d"):
            return _unescape(raw)
        if self.cell_type == "b":
            return "TRUE" if raw.strip() == "1" else "FALSE" if raw.strip() else ""
        return _number_text(raw)


def _workbook_part(archive: zipfile.ZipFile, label: str, limits: SpreadsheetLimits) -> str:
    package = _relationships(archive, "", label, limits)
    name = next((target for kind, target in package.values() if kind == "officeDocument"), "xl/workbook.xml")
    if name not in archive.NameToInfo:
        raise SpreadsheetRefused(f"{label} is not an Excel workbook: it has no {name}")
    return name


def _not_a_workbook(path: Path) -> str | None:
    shown = shown_location(path.name)
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return (
            f"{shown} is not an .xlsx workbook but an old-format .xls or a password-protected one: open it in "
            "Excel and save it as .xlsx without a password"
        )
    if not zipfile.is_zipfile(path):
        return (
            f"{shown} is not an Excel workbook (an .xlsx file is a zip archive, this one is not: a CSV or text "
            "file renamed .xlsx?)"
        )
    return None


class XlsxWorkbook:
    """An .xlsx workbook opened for reading: its worksheets' titles, and each sheet's rows as they are read.

    Use it as a context manager. Opening checks the zip (member names, sizes, compression), finds the sheets
    and reads the shared strings; a sheet's rows are read while they are iterated (an abandoned iteration
    reads no further). Anything wrong raises ``SpreadsheetRefused`` naming the file.
    """

    def __init__(self, path: Path, limits: SpreadsheetLimits = DEFAULT_LIMITS) -> None:
        problem = _not_a_workbook(path)
        if problem:
            raise SpreadsheetRefused(problem)
        self.label, self.limits = shown_location(path.name), limits
        check_zip_archive(path, max_bytes=limits.max_unpacked_bytes)
        self._archive = zipfile.ZipFile(path)
        try:
            workbook = _workbook_part(self._archive, self.label, limits)
            relations = _relationships(self._archive, workbook, self.label, limits)
            self._parts = self._find_sheets(workbook, relations)
            shared_part = next((target for kind, target in relations.values() if kind == "sharedStrings"), None)
            self._shared = _shared_strings(self._archive, shared_part, self.label, limits)
        except BaseException:
            self._archive.close()
            raise
        # One budget for the whole file: its sheets together may not hold more text than the limit.
        self._budget = _Budget(self.label, limits)

    def _find_sheets(self, workbook: str, relations: dict[str, tuple[str, str]]) -> dict[str, str]:
        """Worksheet title -> its part, in the workbook's order."""
        sheets: dict[str, str] = {}

        def start(tag: str, attrs: dict[str, str]) -> None:
            if tag == "sheet":
                relation = next((v for k, v in attrs.items() if k.endswith(f"{_RELATIONSHIP} id")), "")
                kind, target = relations.get(relation, ("", ""))
                if kind == "worksheet":  # chart sheets and macro sheets hold no list
                    sheets.setdefault(attrs.get("name", f"Sheet{len(sheets) + 1}"), target)

        _read_small_part(self._archive, workbook, self.label, self.limits, start)
        return sheets

    @property
    def titles(self) -> list[str]:
        return list(self._parts)

    def rows(self, title: str) -> Iterator[Row]:
        """The rows of sheet ``title`` that have content, with their row numbers, read as they are iterated."""
        member = _member(self._archive, self._parts[title], self.label, None)
        if member is None:
            raise SpreadsheetRefused(f"{self.label}: sheet {title!r} is missing from the workbook")
        return _sheet_rows(self._archive, member, title, self.label, self._shared, self.limits, self._budget)

    def close(self) -> None:
        self._archive.close()

    def __enter__(self) -> XlsxWorkbook:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _sheet_rows(
    archive: zipfile.ZipFile,
    member: zipfile.ZipInfo,
    title: str,
    label: str,
    shared: list[str],
    limits: SpreadsheetLimits,
    budget: _Budget,
) -> Iterator[Row]:
    sheet = _SheetParser(title, label, shared, limits, budget)
    parser = _parser(f"{label} / {title}")
    parser.StartElementHandler, parser.EndElementHandler = sheet.start, sheet.end
    parser.CharacterDataHandler = sheet.text
    for _ in _feed(archive, member, parser, f"{label} / {title}"):
        # One chunk completes a bounded number of rows: hand them on before reading the next.
        ready, sheet.ready = sheet.ready, []
        yield from ready
