"""Bolagsverket's bulk file ("Värdefulla datamängder"): a streaming, forgiving parser.

The file (``bolagsverket_bulkfil.txt``, ~3 million rows, inside ``bolagsverket_bulkfil.zip``) has a header
row and then 11 columns per row, each value in double quotes, separated by ``;``. Fields inside carry their
own codes: ``5560160680$ORGNR-IDORG``, ``Name$FORETAGSNAMN-ORGNAM$2016-11-15|...``, ``AB-ORGFO``, addresses
as ``street$c/o$postort$postnummer$SE-LAND`` with positions that vary. The parser reads it as a stream
(never whole), detects the encoding instead of assuming it, drops stray NUL bytes and a BOM, and counts
malformed lines instead of failing. Rows identified by a personnummer (``PERSON-IDORG``, sole traders) are
counted and skipped: they are never stored and never published.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from registry.files.safe_files import open_zip_member, regular_file
from registry.reference.geography import find_kommun
from registry.reference.orgnr import month_in_third_place
from registry.reference.personnummer import contains_personnummer, redact_personnummer
from registry.register.register_codes import (  # noqa: F401 (the statuses are read from here too)
    DEREGISTRATION_REASONS,
    STATUS_ACTIVE,
    STATUS_BANKRUPTCY,
    STATUS_DEREGISTERED,
    STATUS_LIQUIDATION,
    deregistration_reason_code,
    read_proceedings,
    register_status,
)

COLUMNS = 11
# Bolagsverket's organisationsform codes (the part before "-ORGFO") and what they are.
LEGAL_FORMS = {
    "AB": "aktiebolag",
    "EK": "ekonomisk förening",
    "BRF": "bostadsrättsförening",
    "I": "ideell förening",
    "S": "stiftelse",
    "HB": "handelsbolag",
    "KB": "kommanditbolag",
    "E": "enskild näringsidkare",
    "FL": "filial",
    "BF": "bostadsförening",
    "SF": "sparbank",
    "OFB": "ömsesidigt försäkringsbolag",
    "EGTS": "europeisk gruppering för territoriellt samarbete",
}
# Identity types (the part after "$") that name an organisation. PERSON-IDORG (a sole trader's personnummer) and
# SAMORDNR-IDORG (a samordningsnummer) name a person; a type not known here is not stored either, and is
# counted by type in the parse report rather than guessed at.
ORGANISATION_IDENTITY_TYPES = frozenset({"ORGNR-IDORG", "GDNR-IDORG", ""})
_POSTCODE = re.compile(r"^\d{3}\s?\d{2}$")
_IDENTITY = re.compile(r"^\s*(?:16)?\d{6}[-\s]?\d{4}\s*$")


@dataclass(frozen=True)
class RegisterEntry:
    orgnr: str  # NNNNNN-NNNN
    name: str
    other_names: tuple[str, ...]
    legal_form: str | None  # Bolagsverket's code: AB, EK, I, S...
    svb: bool
    status: str
    registered: str | None
    deregistered: str | None
    deregistration_reason: str | None
    description: str | None
    street: str | None
    postcode: str | None
    postort: str | None
    kommun: str | None


class BulkFileError(ValueError):
    """The file is not Bolagsverket's bulk file, or cannot be read as one (the message never quotes values)."""


@dataclass
class ParseReport:
    encoding: str = ""
    # Whether the first line was Bolagsverket's header row: a file without it is not the bulk file (random
    # bytes, an error page, a file cut off before its first line), whatever rows it seems to hold.
    header: bool = False
    rows: int = 0
    entries: int = 0
    # Rows identified by a person's number (sole traders, samordningsnummer) or an identity type not known to
    # name an organisation: never stored. Counted per identity type, never shown.
    personnummer_rows_skipped: int = 0
    identity_types_skipped: dict[str, int] = field(default_factory=dict)
    malformed: int = 0
    malformed_examples: list[str] = field(default_factory=list)
    # Proceedings and deregistration codes not in the code tables (registry/register/register_codes.py),
    # counted per code: they gave no status, and a new code in the file should be added to the tables.
    unknown_codes: dict[str, int] = field(default_factory=dict)

    def unknown_code(self, code: str) -> None:
        self.unknown_codes[code] = self.unknown_codes.get(code, 0) + 1

    def malformed_line(self, line_number: int, reason: str) -> None:
        self.malformed += 1
        if len(self.malformed_examples) < 20:
            # Reasons are ours and carry no values; redacted all the same, since they reach the event log.
            self.malformed_examples.append(f"line {line_number}: {redact_personnummer(reason)}")

    def skipped_identity(self, identity: str) -> None:
        kind = identity.partition("$")[2]
        label = kind or "unlabelled"
        if kind in ORGANISATION_IDENTITY_TYPES:
            label += " holding a personnummer"
        self.identity_types_skipped[label] = self.identity_types_skipped.get(label, 0) + 1


def _clean(value: str) -> str | None:
    if not value or value == "null":
        return None
    value = value.strip()
    return None if not value or value.lower() == "null" else value


def detect_encoding(sample: bytes) -> str:
    """UTF-8 when the sample decodes as UTF-8 (allowing a character cut at its end), else Windows-1252."""
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3:
            return "utf-8"
        return "cp1252"


def _names(field_value: str) -> tuple[str, tuple[str, ...]]:
    primary: str | None = None
    others: list[str] = []
    for part in field_value.split("|"):
        pieces = part.split("$")
        name = pieces[0].strip()
        if not name or name.lower() == "null":
            continue
        kind = pieces[1] if len(pieces) > 1 else ""
        if primary is None and kind.startswith("FORETAGSNAMN"):
            primary = name
        else:
            others.append(name)
    if primary is None and others:
        primary = others.pop(0)
    return primary or "", tuple(o for o in others if o != primary)


def _status(deregistered: str | None, proceedings: str | None) -> str:
    ongoing = read_proceedings(proceedings).ongoing if proceedings else ()
    return register_status(bool(deregistered), ongoing)


def _address(value: str | None) -> tuple[str | None, str | None, str | None]:
    """(street, postcode, postort) from 'street$c/o$postort$postnummer$SE-LAND', whatever the positions."""
    if not value:
        return None, None, None
    parts = value.split("$")
    if len(parts) == 5 and len(parts[3]) == 5 and parts[3].isdigit():
        # The documented layout, by far the most common: street$c/o$postort$postnummer$SE-LAND.
        return parts[0].strip() or None, parts[3], parts[2].strip() or None
    parts = [p.strip() for p in parts]
    postcode_at = next((i for i, p in enumerate(parts) if _POSTCODE.match(p)), None)
    postcode = parts[postcode_at].replace(" ", "") if postcode_at is not None else None
    texts = [
        p for i, p in enumerate(parts) if p and i != postcode_at and not p.endswith("-LAND") and p.lower() != "null"
    ]
    postort = None
    if postcode_at is not None:
        # The postort stands next to the postcode, before or after it.
        for i in (postcode_at - 1, postcode_at + 1):
            if (
                0 <= i < len(parts)
                and parts[i]
                and not parts[i].endswith("-LAND")
                and not any(c.isdigit() for c in parts[i])
            ):
                postort = parts[i]
                break
    street = next((t for t in texts if t != postort and not t.lower().startswith("c/o")), None)
    return street, postcode, postort


ENTRY_FIELDS = (
    "orgnr", "name", "other_names", "legal_form", "svb", "status", "registered", "deregistered",
    "deregistration_reason", "description", "street", "postcode", "postort", "kommun",
)  # fmt: skip
# Fields a row may lack: "" in a parsed row, NULL in the snapshot, None in a RegisterEntry.
OPTIONAL_FIELDS = frozenset(ENTRY_FIELDS) - {"orgnr", "name", "svb", "status"}
_MISSING = frozenset(("", "null", "NULL", "Null"))
# Postort (as written in the file) -> kommun code, "" for none: a few thousand places, three million look-ups.
_KOMMUN_CODES: dict[str, str] = {}


def _kommun_code(postort: str) -> str:
    code = _KOMMUN_CODES.get(postort)
    if code is None:
        kommun = find_kommun(postort)
        code = _KOMMUN_CODES[postort] = kommun.code if kommun else ""
    return code


def parse_fields(fields: list[str]) -> tuple[str | int, ...] | None:
    """One row's 11 fields (quotes removed) as a tuple in ENTRY_FIELDS order; None for a personnummer identity.

    Tuples rather than objects, "" for a missing value and 0/1 for svb: this runs three million times per
    refresh, and sqlite3 binds str and int quickly but None and bool slowly (the snapshot stores "" as NULL).
    """
    number, _, kind = fields[0].partition("$")
    if kind not in ORGANISATION_IDENTITY_TYPES:
        return None
    if not (len(number) == 10 and number.isdigit()):
        if not _IDENTITY.match(number):
            # Never the value in the message: it ends up in logs, and it may be a person's number.
            raise ValueError("the identity is not an organisationsnummer")
        number = re.sub(r"\D", "", number)[-10:]
    if month_in_third_place(number):
        return None  # a personnummer, whatever the label says
    names = fields[3]
    if "|" in names:
        name, others = _names(names)
        other_names = "|".join(others)
    else:
        name, other_names = names.partition("$")[0].strip(), ""
    form = fields[4]
    # Empty or the text null (any case) is missing. One comprehension, not a function call per field.
    deregistered, reason, proceedings, registered, description, address = [
        "" if (v := f.strip()) in _MISSING or (len(v) == 4 and v.lower() == "null") else v for f in fields[5:]
    ]
    status = _status(deregistered, proceedings)
    street, postcode, postort = _address(address)
    return (
        f"{number[:6]}-{number[6:]}",
        name,
        other_names,
        form.partition("-")[0] if form and form != "null" else "",
        1 if "(svb)" in name.lower() else 0,
        status,
        registered,
        deregistered,
        reason,
        description,
        street or "",
        postcode or "",
        postort or "",
        _kommun_code(postort) if postort else "",
    )


_FREE_TEXT = ("name", "other_names", "description", "street", "postort", "deregistration_reason")
_OPTIONAL_AT = tuple(i for i, name in enumerate(ENTRY_FIELDS) if name in OPTIONAL_FIELDS)


def entry_from_row(row: tuple[object, ...] | list[object]) -> RegisterEntry:
    """A RegisterEntry from a parsed row or a snapshot row (missing values "" or None, both become None)."""
    values = list(row)
    for i in _OPTIONAL_AT:
        values[i] = values[i] or None
    entry = dict(zip(ENTRY_FIELDS, values, strict=True))
    for name in _FREE_TEXT:
        # Every entry read from the snapshot passes here, so a number a person wrote into a business description
        # never reaches the registry, a review screen or an output file. The value goes as a whole, as in source
        # records (the words around it are about the person); a name is needed, so only its number goes. (Here it
        # costs a few thousand scans a night; while building it would cost every one of ~3 million rows.)
        value = entry[name]
        if value and contains_personnummer(value):  # type: ignore[arg-type]
            entry[name] = redact_personnummer(value) if name == "name" else None  # type: ignore[arg-type]
    entry["other_names"] = tuple(str(entry["other_names"]).split("|")) if entry["other_names"] else ()
    entry["svb"] = bool(entry["svb"])
    return RegisterEntry(**entry)  # type: ignore[arg-type]


def iter_entries(stream: BinaryIO, report: ParseReport) -> Iterator[RegisterEntry]:
    """Entries from a binary stream of the .txt file; malformed lines are counted in ``report``."""
    for row in iter_rows(stream, report):
        yield entry_from_row(row)


HEADER_FIRST_COLUMN = "organisationsidentitet"


def is_header(fields: list[str]) -> bool:
    """Whether a line's fields are Bolagsverket's header row (a BOM and stray NUL bytes tolerated)."""
    return bool(fields) and fields[0].lstrip("\ufeff").replace("\x00", "").strip().lower().startswith(
        HEADER_FIRST_COLUMN
    )


def first_line_fields(stream: BinaryIO, limit: int = 1 << 16) -> tuple[list[str], bool]:
    """The first line's fields, read from at most ``limit`` bytes, and whether anything follows that line.

    For a quick look at a file (``doctor``): it never reads the whole file.
    """
    sample = stream.read(limit)
    text = sample.decode(detect_encoding(sample), errors="replace").replace("\x00", "")
    first, newline, rest = text.partition("\n")
    try:
        fields = next(csv.reader([first.rstrip("\r")], delimiter=";", quotechar='"', strict=False), [])
    except csv.Error:  # a line no CSV writer made (a stray carriage return in random bytes): not a header
        fields = []
    return fields, bool(newline and rest.strip()) or len(sample) == limit


def iter_rows(stream: BinaryIO, report: ParseReport, require_header: bool = False) -> Iterator[tuple[str | int, ...]]:
    """Like iter_entries, as parse_fields tuples (the fast path for building a snapshot).

    The csv module (C) splits the quoted ";"-separated fields, including quoted line breaks in descriptions;
    a stray quote is contained by the field-count and identity checks that follow. ``report.header`` says
    whether the first line was the header row; with ``require_header`` a file without it is refused at once
    (BulkFileError) rather than read to its end as malformed lines.
    """
    buffered = io.BufferedReader(stream) if not isinstance(stream, io.BufferedIOBase) else stream
    report.encoding = detect_encoding(buffered.peek(1 << 20)[: 1 << 20])
    text = io.TextIOWrapper(buffered, encoding=report.encoding, errors="replace", newline="")
    reader = csv.reader(text, delimiter=";", quotechar='"', strict=False)
    try:
        first = next(reader, None)
    except csv.Error as exc:
        raise BulkFileError(f"no header row (the first line cannot be read: {exc})") from None
    header = report.header = first is not None and is_header(first)
    if require_header and not header:
        # What the first line holds is not quoted: it could be anything, a personal identity number too.
        found = "the file is empty" if first is None else f"the first line has {len(first)} field(s), not the header"
        raise BulkFileError(f"no header row ('{HEADER_FIRST_COLUMN};...' expected; {found})")
    if first is None:
        return
    # Counted in locals, added to the report when the stream ends: attribute updates per row cost more.
    rows = entries = skipped = 0
    try:
        for fields in itertools.chain(() if header else (first,), reader):
            rows += 1
            if len(fields) != COLUMNS:
                if fields:
                    report.malformed_line(reader.line_num, f"{len(fields)} fields instead of {COLUMNS}")
                continue
            if "\x00" in fields[0] or "\x00" in fields[3]:
                fields = [f.replace("\x00", "") for f in fields]
            try:
                row = parse_fields(fields)
            except (ValueError, IndexError) as exc:
                report.malformed_line(reader.line_num, str(exc))
                continue
            if row is None:
                skipped += 1
                report.skipped_identity(fields[0])
                continue
            entries += 1
            if fields[6] or fields[7]:
                _count_unknown_codes(fields[6], fields[7], report)
            yield row
    except csv.Error as exc:
        # A field beyond the csv module's limit, say: the file cannot be read as the bulk file from here on.
        raise BulkFileError(f"line {reader.line_num}: {exc}") from None
    finally:
        report.rows += rows
        report.entries += entries
        report.personnummer_rows_skipped += skipped


def _count_unknown_codes(reason: str, proceedings: str, report: ParseReport) -> None:
    if proceedings and proceedings.lower() != "null":
        for code in read_proceedings(proceedings).unknown:
            report.unknown_code(code)
    if reason and reason.lower() != "null":
        code = deregistration_reason_code(reason)
        if code and code not in DEREGISTRATION_REASONS:
            report.unknown_code(f"{code} (deregistration reason)")


def open_bulk_file(path: Path) -> BinaryIO:
    """The bulk .txt as a binary stream, from the .zip as downloaded or from the unpacked .txt.

    Refused (registry/files/safe_files.py): a path that is not a regular file, a zip bomb, unsafe member names.
    """
    regular_file(path, "bulk file")
    if zipfile.is_zipfile(path):
        return open_zip_member(path, ".txt")
    return path.open("rb")
