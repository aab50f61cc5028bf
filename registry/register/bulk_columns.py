"""Bolagsverket's bulk file read column by column: the one parser of the file.

Arrow's CSV reader (C++, several threads) splits the quoted ``;``-separated fields, quoted line breaks
included, a block of 16 MB at a time; Arrow's compute kernels then turn a block's fields into the snapshot's
columns (ENTRY_FIELDS) in a few passes over whole columns. Python runs only where the file is irregular or
where few distinct values stand for many rows: a name field with several names, an address whose parts are
not in the documented places, the distinct proceedings, reasons and postorter of a block (a few hundred,
for a hundred thousand rows). Measured against DuckDB's CSV reader on the same 3-million-row file, this
reader was 2.6x faster and read every row, where DuckDB's lost whole stretches of rows after a line that
opens a quote and never closes it (docs/benchmarks/register.md).

Rows identified by a person (sole traders' personnummer, samordningsnummer, an unknown identity type) are
dropped inside the engine, before any column is built from them: only their identity types are counted.
Malformed rows are counted with a reason of ours, never their content. Stray and doubled quotes, NUL bytes,
a BOM, very long fields and an encoding that is not UTF-8 read as the csv module would read them.

A line that opens a quote and never closes it makes the reader take the next line into the same row: into its
first field (when the quote was the line's first; the row then has its 11 fields) or as extra fields (Arrow
hands the whole span to the invalid-row handler). Either way the broken line is counted as malformed and the
rows it swallowed are read again on their own (``reread``), so no organisation is lost to a neighbour's
typo. Only such rows cost Python work; a well-formed block pays one substring search of its identity column.
"""

from __future__ import annotations

import csv
import io
import re
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import BinaryIO, TypeVar

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from registry.reference.personnummer import redact_personnummer
from registry.register.bolagsverket import (
    COLUMNS,
    DEREGISTRATION_REASONS,
    ENTRY_FIELDS,
    HEADER_FIRST_COLUMN,
    IDENTITY_WRITTEN,
    ORGANISATION_IDENTITY_TYPES,
    BulkFileError,
    ParseReport,
    RegisterEntry,
    deregistration_reason_code,
    detect_encoding,
    entry_from_row,
    first_line_fields,
    is_header,
    kommun_code,
    read_address,
    read_names,
    read_proceedings,
    register_status,
)

T = TypeVar("T")
BLOCK_SIZE = 1 << 24
WORKERS = 2
_RAW = [f"f{i}" for i in range(COLUMNS)]
# The columns read after the identity (the 2nd and 3rd, namnskyddslöpnummer and country, are not kept).
_USED = ["names", "form", "deregistered", "reason", "proceedings", "registered", "description", "address"]
_MISSING = pa.array(["", "null", "NULL", "Null"])
# A line that starts a row as Bolagsverket writes them: its first field (the identity) quoted and closed, then
# the next field. A line of a value that spans lines (a description) almost never looks like this.
_ROW_START = re.compile(r'^"[^"\n]*";')
UNCLOSED_QUOTE = "a quote opened and never closed"

SCHEMA = pa.schema(
    [
        (name, pa.int8() if name == "svb" else pa.string(), name not in ("orgnr", "name", "svb", "status"))
        for name in ENTRY_FIELDS
    ]
)


def _peekable(stream: BinaryIO) -> io.BufferedReader:
    # A zip member peeks a few hundred bytes at most: the encoding is judged on the first MB.
    return stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream, buffer_size=1 << 20)  # type: ignore[arg-type]


def read_batches(
    stream: BinaryIO, report: ParseReport, require_header: bool = False, block_size: int = BLOCK_SIZE
) -> Iterator[pa.RecordBatch]:
    """The file's organisations as record batches in SCHEMA (missing values null, svb 0/1).

    ``report.header`` says whether the first line was the header row; with ``require_header`` a file without
    it is refused at once (BulkFileError) rather than read to its end as malformed rows.
    """
    for batch, _ in read_prepared(stream, report, _nothing, require_header, block_size):
        yield batch


def _nothing(_batch: pa.RecordBatch) -> None:
    return None


def read_prepared(
    stream: BinaryIO,
    report: ParseReport,
    prepare: Callable[[pa.RecordBatch], T],
    require_header: bool = False,
    block_size: int = BLOCK_SIZE,
) -> Iterator[tuple[pa.RecordBatch, T]]:
    """read_batches, each batch with what ``prepare`` made of it on the worker thread that read it (the
    snapshot's name index splits the names there, beside the next blocks' reading)."""
    buffered = _peekable(stream)
    sample = buffered.peek(1 << 20)[: 1 << 20]
    report.encoding = detect_encoding(sample)
    first, more = first_line_fields(io.BytesIO(sample))
    header = report.header = bool(first) and is_header(first)
    if require_header and not header:
        # What the first line holds is not quoted: it could be anything, a personal identity number too.
        found = (
            "the file is empty" if not sample.strip() else f"the first line has {len(first)} field(s), not the header"
        )
        raise BulkFileError(f"no header row ('{HEADER_FIRST_COLUMN};...' expected; {found})")
    if not sample.strip() or (header and not more):
        return
    invalid: list[str] = []
    lock = threading.Lock()

    def skip_invalid(row: pcsv.InvalidRow) -> str:
        # Called from the reader's threads. The text is held only until the rows in it are read again (after
        # the block it came with): it never reaches the report, a log or an error.
        with lock:
            invalid.append(row.text)
        return "skip"

    def read_again() -> pa.RecordBatch | None:
        """The rows inside the spans the reader skipped since the last call, as a raw block; each line that
        cannot be read is counted as malformed."""
        with lock:
            texts = invalid[:]
            invalid.clear()
        rows: list[list[str]] = []
        for text in texts:
            recovered, reasons = reread(text)
            report.rows += len(recovered) + len(reasons)
            report.rows_recovered += len(recovered)
            for reason in reasons:
                report.malformed_line(None, reason)
            rows.extend(recovered)
        return _raw_block(rows) if rows else None

    reader = pcsv.open_csv(
        buffered,
        read_options=pcsv.ReadOptions(
            column_names=_RAW, skip_rows=1 if header else 0, block_size=block_size, encoding=report.encoding
        ),
        parse_options=pcsv.ParseOptions(
            delimiter=";", quote_char='"', double_quote=True, newlines_in_values=True, invalid_row_handler=skip_invalid
        ),
        convert_options=pcsv.ConvertOptions(column_types=dict.fromkeys(_RAW, pa.binary())),
    )
    # Blocks are turned into columns on WORKERS threads (Arrow's kernels run without the GIL) while Arrow's own
    # threads parse the next blocks; they come out in the file's order, at most WORKERS + 1 in memory at once.
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="bulk-columns") as pool:
        pending: deque[Future[tuple[pa.RecordBatch | None, T | None, ParseReport]]] = deque()
        try:
            for raw in _raw_batches(reader):
                report.rows += raw.num_rows
                for block in (raw, read_again()):
                    if block is None:
                        continue
                    pending.append(pool.submit(_read_block, block, prepare))
                    if len(pending) > WORKERS and (done := _take(pending.popleft(), report)) is not None:
                        yield done
            if (block := read_again()) is not None:
                pending.append(pool.submit(_read_block, block, prepare))
            while pending:
                if (done := _take(pending.popleft(), report)) is not None:
                    yield done
        finally:
            for waiting in pending:
                waiting.cancel()
            # A read that stopped early (a refused file, a consumer that stopped) still counts what it skipped.
            read_again()


def _read_block(
    raw: pa.RecordBatch, prepare: Callable[[pa.RecordBatch], T]
) -> tuple[pa.RecordBatch | None, T | None, ParseReport]:
    """One block's organisations, what ``prepare`` made of them, and what was found in the block (merged in
    the file's order by the reader)."""
    found = ParseReport()
    organisations = _organisations(raw, found)
    return organisations, prepare(organisations) if organisations is not None else None, found


def _take(
    done: Future[tuple[pa.RecordBatch | None, T | None, ParseReport]], report: ParseReport
) -> tuple[pa.RecordBatch, T] | None:
    organisations, prepared, found = done.result()
    report.add(found)
    return None if organisations is None else (organisations, prepared)  # type: ignore[return-value]


def _raw_batches(reader: pcsv.CSVStreamingReader) -> Iterator[pa.RecordBatch]:
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            return
        except pa.ArrowInvalid as exc:
            # Arrow's message may quote the row: only what kind of trouble it was is said.
            kind = "a row longer than a read block" if "straddl" in str(exc) else "bytes no CSV writer made"
            raise BulkFileError(f"the file cannot be read on from here ({kind})") from None
        if batch.num_rows:
            yield batch


def reread(text: str) -> tuple[list[list[str]], list[str]]:
    """The rows in a span of lines the reader could not split (a line that opened a quote and never closed it,
    and the lines it swallowed): each line that starts a row, with the lines that continue its values, read
    again on its own as the csv module reads it. Returns the rows that have COLUMNS fields and close every
    quote, and a reason of ours (never the text) for each line of the parts that do not."""
    lines = text.split("\n")
    starts = [0, *(i for i in range(1, len(lines)) if _ROW_START.match(lines[i]))]
    rows: list[list[str]] = []
    reasons: list[str] = []
    for begin, end in zip(starts, [*starts[1:], len(lines)], strict=True):
        part = "\n".join(lines[begin:end])
        try:
            # A line break added after the part ends up inside a value only when a quote is still open there.
            read = list(csv.reader(io.StringIO(part + "\n", newline=""), delimiter=";", quotechar='"', strict=False))
        except csv.Error:  # a field longer than the csv module's limit
            reason = "a field too long to read again"
        else:
            if len(read) == 1 and len(read[0]) == COLUMNS and not read[0][-1].endswith("\n"):
                rows.append(read[0])
                continue
            unclosed = read and read[-1] and read[-1][-1].endswith("\n")
            reason = UNCLOSED_QUOTE if unclosed else f"{sum(len(r) for r in read)} fields instead of {COLUMNS}"
        # Malformed lines are what the report counts: two broken lines read as one part are two.
        reasons.extend([reason] * (end - begin))
    return rows, reasons


def _raw_block(rows: list[list[str]]) -> pa.RecordBatch:
    """Rows read again, as a block the reader could have given (every field as bytes)."""
    return pa.RecordBatch.from_arrays(
        [pa.array([row[i].encode("utf-8", "surrogatepass") for row in rows], pa.binary()) for i in range(COLUMNS)],
        names=_RAW,
    )


def _split_merged(identity: pa.Array, merged: pa.Array, report: ParseReport) -> pa.Array:
    """The identities of rows the reader merged with the broken lines before them, as the rows' own.

    A line that opens a quote in its first field and never closes it swallows the next line up to that line's
    opening quote: the first field then holds the broken line(s), a line break and 'NUMBER$TYPE"', and the
    other ten fields are the next row's, read right. What follows the last line break, with the opening quote
    given back, is the next row's first field as written; the lines before it are counted as malformed."""
    rows = pc.indices_nonzero(merged).to_pylist()
    own: dict[int, str] = {}
    for i in rows:
        broken, _, written = (identity[i].as_py() or "").rpartition("\n")
        lines = broken.count("\n") + 1
        report.rows += lines
        report.rows_recovered += 1
        for _ in range(lines):
            report.malformed_line(None, UNCLOSED_QUOTE)
        fields = next(csv.reader([f'"{written}'], delimiter=";", quotechar='"', strict=False), [""])
        own[i] = fields[0] if fields else ""
    return _replace(identity, merged, own.__getitem__, rows)


def _text(column: pa.Array) -> pa.Array:
    """A column as text without NUL bytes; bytes that are not UTF-8 become U+FFFD, as errors='replace' does."""
    try:
        text = column.cast(pa.string())
    except pa.ArrowInvalid:
        text = pa.array(
            [None if v is None else v.decode("utf-8", errors="replace") for v in column.to_pylist()], pa.string()
        )
    # Replacing costs a pass that copies every value; finding the smallest byte costs a tenth of it.
    if _smallest_byte(text) == 0:
        text = pc.replace_substring(text, "\x00", "")
    return text


def _smallest_byte(values: pa.Array) -> int:
    """The smallest byte in the texts' data (256 for none): one pass over the bytes, without a copy, where a
    search for a byte would cost a hundred times more."""
    data = values.buffers()[2]
    if data is None or not data.size:
        return 256
    return int(pc.min(pa.Array.from_buffers(pa.uint8(), data.size, [None, data])).as_py())


def _optional(column: pa.Array) -> pa.Array:
    """Trimmed; empty and the text null become null."""
    trimmed = pc.ascii_trim_whitespace(column)
    return _nulled(trimmed, pc.is_in(trimmed, value_set=_MISSING))


def _nulled(values: pa.Array, missing: pa.Array) -> pa.Array:
    """``values`` with null where ``missing``: a new validity bitmap over the same data (no copy of the texts)."""
    if values.offset or missing.offset or missing.null_count:
        return pc.if_else(missing, pa.scalar(None, values.type), values)
    keep = pc.invert(missing)
    if values.null_count:
        keep = pc.and_(keep, pc.is_valid(values))
    buffers = values.buffers()
    return pa.Array.from_buffers(values.type, len(values), [keep.buffers()[1], *buffers[1:]])


def _replace(values: pa.Array, mask: pa.Array, make: Callable[[int], object], rows: list[int]) -> pa.Array:
    if not rows:
        return values
    return pc.replace_with_mask(values, mask, pa.array([make(i) for i in rows], values.type))


def _organisations(raw: pa.RecordBatch, report: ParseReport) -> pa.RecordBatch | None:
    identity = _text(raw.column(0))
    # No identity holds a line break: one that does is a broken line and the row it swallowed (_split_merged).
    # Its bytes are digits, letters, '$' and '-': none is as small as a line break, so one look at the smallest
    # byte clears a block without searching each identity.
    if _smallest_byte(identity) <= ord("\n"):
        merged = pc.match_substring(identity, "\n")
        if pc.any(merged).as_py():
            identity = _split_merged(identity, merged, report)
    # 'number$kind' or 'number': with a '$' added, always two parts ('kind$' or '').
    parts = pc.split_pattern(pc.binary_join_element_wise(identity, "$", ""), "$", max_splits=1)
    number = pc.list_element(parts, 0)
    kind = pc.utf8_rtrim(pc.list_element(parts, 1), "$")
    organisation_type = pc.is_in(kind, value_set=pa.array(sorted(ORGANISATION_IDENTITY_TYPES)))
    # Written otherwise than ten digits (a 16 prefix, a dash, spaces): normalised in Python, or malformed.
    ten_digits = pc.and_(pc.equal(pc.utf8_length(number), 10), pc.ascii_is_decimal(number))
    odd = pc.and_(organisation_type, pc.invert(ten_digits))
    odd_rows = pc.indices_nonzero(odd).to_pylist()
    written = {i: number[i].as_py() or "" for i in odd_rows}
    fixed = [i for i in odd_rows if IDENTITY_WRITTEN.match(written[i])]
    malformed = _at(len(number), sorted(set(odd_rows) - set(fixed)))
    for _ in range(len(odd_rows) - len(fixed)):
        report.malformed_line(None, "the identity is not an organisationsnummer")
    if fixed:
        number = _replace(number, _at(len(number), fixed), lambda i: re.sub(r"\D", "", written[i])[-10:], fixed)
    # registry.reference.orgnr.month_in_third_place, on the whole column: a month (0 or 1) where a legal
    # person's number has 2 or more may be a person's number, whatever the label says.
    person = pc.is_in(pc.utf8_slice_codeunits(number, 2, 3), value_set=pa.array(["0", "1"]))
    # A person: an identity type that does not name an organisation, or a person's number under one that does.
    skipped = pc.and_(pc.or_(pc.invert(organisation_type), person), pc.invert(malformed))
    _count_skipped(kind, organisation_type, skipped, report)
    keep = pc.invert(pc.or_(skipped, malformed))
    if not pc.any(keep).as_py():
        return None
    used = pa.RecordBatch.from_arrays([raw.column(i) for i in (3, *range(4, COLUMNS))], names=_USED)
    organisations = _columns(used.filter(keep), number.filter(keep), report)
    report.entries += organisations.num_rows
    return organisations


def _at(length: int, rows: list[int]) -> pa.Array:
    """A mask of ``length`` that is true at ``rows``."""
    if not rows:
        return pc.fill_null(pa.nulls(length, pa.bool_()), False)
    return pc.is_in(pa.array(range(length)), value_set=pa.array(rows))


def _count_skipped(kind: pa.Array, organisation_type: pa.Array, skipped: pa.Array, report: ParseReport) -> None:
    """Skipped rows per identity type, as ParseReport.skipped_identity labels them (never their numbers)."""
    count = pc.sum(skipped).as_py() or 0
    if not count:
        return
    report.personnummer_rows_skipped += count
    # A type is shown as written only when it looks like one ('PERSON-IDORG'): in a broken row the text after
    # the '$' can be anything.
    shown = pc.if_else(pc.match_substring_regex(kind, r"^[A-Z0-9_]{1,20}-[A-Z]{1,10}$"), kind, "unreadable type")
    labels = pc.if_else(
        organisation_type,
        pc.binary_join_element_wise(pc.if_else(pc.equal(kind, ""), "unlabelled", kind), " holding a personnummer", ""),
        shown,
    )
    for item in pc.value_counts(labels.filter(skipped)).to_pylist():
        label = item["values"]
        report.identity_types_skipped[label] = report.identity_types_skipped.get(label, 0) + item["counts"]


def _columns(raw: pa.RecordBatch, digits: pa.Array, report: ParseReport) -> pa.RecordBatch:
    orgnr = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(digits, 0, 6), pc.utf8_slice_codeunits(digits, 6, 10), "-"
    )
    names_field = _text(raw.column("names"))
    name = pc.utf8_trim_whitespace(pc.list_element(pc.split_pattern(names_field, "$", max_splits=1), 0))
    other_names = pa.nulls(len(name), pa.string())
    several = pc.match_substring(names_field, "|")
    rows = pc.indices_nonzero(several).to_pylist()
    if rows:
        read = {i: read_names(names_field[i].as_py()) for i in rows}
        name = _replace(name, several, lambda i: read[i][0], rows)
        other_names = _replace(other_names, several, lambda i: "|".join(read[i][1]) or None, rows)
    legal_form = _lookup(_optional(_text(raw.column("form"))), lambda form: form.partition("-")[0] or None)
    svb = _says_svb(name)
    deregistered, reason, proceedings, registered, description, address = (
        _optional(_text(raw.column(name))) for name in _USED[2:]
    )
    status = _statuses(pc.is_valid(deregistered), proceedings)
    _count_unknown_codes(reason, proceedings, report)
    street, postcode, postort = _addresses(address)
    # Only the number goes here, so that a description still tells what the organisation does when the
    # register's candidates are looked for; the words around it are about the person, and reading an entry
    # (bolagsverket.entry_from_row) leaves such a description or address out.
    name, other_names, description, street = (
        _without_personal_numbers(values, report) for values in (name, other_names, description, street)
    )
    kommun = _lookup(postort, lambda place: kommun_code(place) or None)
    columns = {
        "orgnr": orgnr,
        "name": name,
        "other_names": other_names,
        "legal_form": legal_form,
        "svb": svb,
        "status": status,
        "registered": registered,
        "deregistered": deregistered,
        "deregistration_reason": reason,
        "description": description,
        "street": street,
        "postcode": postcode,
        "postort": postort,
        "kommun": kommun,
    }
    return pa.RecordBatch.from_arrays([columns[f] for f in ENTRY_FIELDS], schema=SCHEMA)


# Text that may hold a personal number as the register writes text: six or eight digits, at most a few
# separators, four digits. A cheap test in the engine, so that only the rare values it finds are read by the
# detector (python-stdnum's date and Luhn rules), which decides.
_MAY_HOLD_A_NUMBER = r"\d{6}(?:\d\d)?\W{0,3}\d{4}"


def _without_personal_numbers(values: pa.Array, report: ParseReport) -> pa.Array:
    """``values`` with every personal number taken out, so that no file of the snapshot holds one."""
    suspect = pc.fill_null(pc.match_substring_regex(values, _MAY_HOLD_A_NUMBER), False)
    rows = pc.indices_nonzero(suspect).to_pylist()
    if not rows:
        return values
    written = {i: values[i].as_py() for i in rows}
    redacted = {i: redact_personnummer(text) for i, text in written.items()}
    report.personnummer_redacted += sum(redacted[i] != written[i] for i in rows)
    return _replace(values, suspect, lambda i: redacted[i], rows)


def _lookup(values: pa.Array, read: Callable[[str], str | None]) -> pa.Array:
    """``read`` of each value, called once per distinct value (null stays null)."""
    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    looked_up = pa.array([read(v) for v in encoded.dictionary.to_pylist()], pa.string())
    return pc.take(looked_up, encoded.indices)


def _statuses(deregistered: pa.Array, proceedings: pa.Array) -> pa.Array:
    """The status of each row: deregistered, or what its ongoing proceedings make it (read per distinct field)."""
    ongoing = _lookup(proceedings, lambda field: register_status(False, read_proceedings(field).ongoing))
    return pc.if_else(deregistered, register_status(True, ()), pc.fill_null(ongoing, register_status(False, ())))


def _count_unknown_codes(reason: pa.Array, proceedings: pa.Array, report: ParseReport) -> None:
    for item in pc.value_counts(proceedings.drop_null()).to_pylist():
        for code in read_proceedings(item["values"]).unknown:
            report.unknown_codes[code] = report.unknown_codes.get(code, 0) + item["counts"]
    for item in pc.value_counts(reason.drop_null()).to_pylist():
        code = deregistration_reason_code(item["values"])
        if code and code not in DEREGISTRATION_REASONS:
            label = f"{code} (deregistration reason)"
            report.unknown_codes[label] = report.unknown_codes.get(label, 0) + item["counts"]


def _says_svb(name: pa.Array) -> pa.Array:
    """1 where the name says '(svb)' in any case (matched without case only in the names that may)."""
    maybe = pc.fill_null(pc.or_(pc.match_substring(name, "vb)"), pc.match_substring(name, "VB)")), False)
    svb = pc.fill_null(pc.match_substring(name, "(svb)"), False)
    if pc.any(pc.and_(maybe, pc.invert(svb))).as_py():
        svb = pc.fill_null(pc.match_substring(name, "(svb)", ignore_case=True), False)
    return pc.cast(svb, pa.int8())


def _addresses(address: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
    """(street, postcode, postort): the documented layout (street$c/o$postort$postnummer$country) split
    column-wide, any other in Python (read_address)."""
    # Four '$' added: every address splits into six parts, and the sixth is exactly '$$$' when it had five.
    parts = pc.split_pattern(pc.binary_join_element_wise(address, "$$$$", ""), "$", max_splits=5)
    postcode = pc.list_element(parts, 3)
    documented = pc.and_(
        pc.equal(pc.list_element(parts, 5), "$$$"),
        pc.and_(pc.equal(pc.utf8_length(postcode), 5), pc.ascii_is_decimal(postcode)),
    )
    documented = pc.fill_null(documented, False)
    missing = pc.invert(documented)
    street = _nulled(_blank_as_null(pc.ascii_trim_whitespace(pc.list_element(parts, 0))), missing)
    postort = _nulled(_blank_as_null(pc.ascii_trim_whitespace(pc.list_element(parts, 2))), missing)
    postcode = _nulled(postcode, missing)
    irregular = pc.and_(pc.is_valid(address), missing)
    rows = pc.indices_nonzero(irregular).to_pylist()
    if rows:
        read = {i: read_address(address[i].as_py()) for i in rows}
        street = _replace(street, irregular, lambda i: read[i][0], rows)
        postcode = _replace(postcode, irregular, lambda i: read[i][1], rows)
        postort = _replace(postort, irregular, lambda i: read[i][2], rows)
    return street, postcode, postort


def _blank_as_null(column: pa.Array) -> pa.Array:
    return _nulled(column, pc.fill_null(pc.equal(column, ""), False))


def iter_rows(stream: BinaryIO, report: ParseReport, require_header: bool = False) -> Iterator[tuple[object, ...]]:
    """The organisations as tuples in ENTRY_FIELDS order (None for a missing value): for small files and
    tests; the snapshot is built from the batches."""
    for batch in read_batches(stream, report, require_header):
        columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
        yield from zip(*columns, strict=True)


def iter_entries(stream: BinaryIO, report: ParseReport, require_header: bool = False) -> Iterator[RegisterEntry]:
    """The organisations as RegisterEntry (free texts checked for personal numbers, as entry_from_row does)."""
    for row in iter_rows(stream, report, require_header):
        yield entry_from_row(row)
