"""Bolagsverket's bulk file ("Värdefulla datamängder"): its layout, codes and what a row holds.

The file (``bolagsverket_bulkfil.txt``, ~3 million rows, inside ``bolagsverket_bulkfil.zip``) has a header
row and then 11 columns per row, each value in double quotes, separated by ``;``. Fields inside carry their
own codes: ``5560160680$ORGNR-IDORG``, ``Name$FORETAGSNAMN-ORGNAM$2016-11-15|...``, ``AB-ORGFO``, addresses
as ``street$c/o$postort$postnummer$SE-LAND`` with positions that vary. The file is read by
registry/register/bulk_columns.py, column by column; the per-value readers here serve it where a value is
irregular. Rows identified by a personnummer (``PERSON-IDORG``, sole traders) are counted and skipped: they
are never stored and never published.
"""

from __future__ import annotations

import csv
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from registry.files.safe_files import open_zip_member, regular_file
from registry.reference.geography import find_kommun
from registry.reference.personnummer import REDACTED_PERSONNUMMER, contains_personnummer, redact_personnummer
from registry.register.register_codes import (  # noqa: F401 (the statuses are read from here too)
    DEREGISTRATION_REASONS,
    ORGANISATION_IDENTITY_TYPES,
    STATUS_ACTIVE,
    STATUS_BANKRUPTCY,
    STATUS_DEREGISTERED,
    STATUS_LIQUIDATION,
    deregistration_reason_code,
    name_rank,
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
_POSTCODE = re.compile(r"^\d{3}\s?\d{2}$")
IDENTITY_WRITTEN = re.compile(r"^\s*(?:16)?\d{6}[-\s]?\d{4}\s*$")


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
    # Rows a malformed line had swallowed (a quote it opened and never closed), read again on their own and
    # counted like any other row: the malformed lines are the only rows lost.
    rows_recovered: int = 0
    # Values of stored rows (a name, a business description, an address) that held a personal number, which
    # was taken out before the row was written: "Kontakt Anna 811218-9876". Counted, never shown.
    personnummer_redacted: int = 0
    # Proceedings and deregistration codes not in the code tables (registry/register/register_codes.py),
    # counted per code: they gave no status, and a new code in the file should be added to the tables.
    unknown_codes: dict[str, int] = field(default_factory=dict)

    def unknown_code(self, code: str) -> None:
        self.unknown_codes[code] = self.unknown_codes.get(code, 0) + 1

    def add(self, other: ParseReport) -> None:
        """Counts of a part of the file (a block read on its own), added to this report's."""
        self.rows += other.rows
        self.entries += other.entries
        self.personnummer_rows_skipped += other.personnummer_rows_skipped
        for label, count in other.identity_types_skipped.items():
            self.identity_types_skipped[label] = self.identity_types_skipped.get(label, 0) + count
        for code, count in other.unknown_codes.items():
            self.unknown_codes[code] = self.unknown_codes.get(code, 0) + count
        self.malformed += other.malformed
        self.rows_recovered += other.rows_recovered
        self.personnummer_redacted += other.personnummer_redacted
        self.malformed_examples.extend(other.malformed_examples[: max(0, 20 - len(self.malformed_examples))])

    def malformed_line(self, line_number: int | None, reason: str) -> None:
        """Counts a malformed line; ``line_number`` None where the reader cannot tell (a row may span lines)."""
        self.malformed += 1
        if len(self.malformed_examples) < 20:
            # Reasons are ours and carry no values; redacted all the same, since they reach the event log.
            where = f"line {line_number}" if line_number is not None else "a row"
            self.malformed_examples.append(f"{where}: {redact_personnummer(reason)}")

    def skipped_identity(self, identity: str) -> None:
        kind = identity.partition("$")[2]
        label = kind or "unlabelled"
        if kind in ORGANISATION_IDENTITY_TYPES:
            label += " holding a personnummer"
        self.identity_types_skipped[label] = self.identity_types_skipped.get(label, 0) + 1


def detect_encoding(sample: bytes) -> str:
    """UTF-8 when the sample decodes as UTF-8 (allowing a character cut at its end), else Windows-1252."""
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3:
            return "utf-8"
        return "cp1252"


def read_names(field_value: str) -> tuple[str, tuple[str, ...]]:
    """(the name shown, the other names) from 'name$TYPE-ORGNAM$date|...', as the name types' table
    (register_codes.NAME_TYPES) says: the first of the first main type, else the first listed."""
    names: list[tuple[str, int]] = []
    for part in field_value.split("|"):
        pieces = part.split("$")
        name = pieces[0].strip()
        if not name or name.lower() == "null":
            continue
        names.append((name, name_rank(pieces[1] if len(pieces) > 1 else "")))
    if not names:
        return "", ()
    shown = min(range(len(names)), key=lambda i: (names[i][1], i))
    primary = names[shown][0]
    return primary, tuple(name for i, (name, _) in enumerate(names) if i != shown and name != primary)


def read_address(value: str | None) -> tuple[str | None, str | None, str | None]:
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
# Postort (as written in the file) -> kommun code, "" for none: a few thousand places, read once each.
_KOMMUN_CODES: dict[str, str] = {}


def kommun_code(postort: str) -> str:
    code = _KOMMUN_CODES.get(postort)
    if code is None:
        kommun = find_kommun(postort)
        code = _KOMMUN_CODES[postort] = kommun.code if kommun else ""
    return code


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
        # A value the build took a number out of says where it was: it goes all the same.
        if value and (contains_personnummer(value) or REDACTED_PERSONNUMMER in value):  # type: ignore[arg-type]
            entry[name] = redact_personnummer(value) if name == "name" else None  # type: ignore[arg-type]
    entry["other_names"] = tuple(str(entry["other_names"]).split("|")) if entry["other_names"] else ()
    entry["svb"] = bool(entry["svb"])
    return RegisterEntry(**entry)  # type: ignore[arg-type]


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


def open_bulk_file(path: Path) -> BinaryIO:
    """The bulk .txt as a binary stream, from the .zip as downloaded or from the unpacked .txt.

    Refused (registry/files/safe_files.py): a path that is not a regular file, a zip bomb, unsafe member names.
    """
    regular_file(path, "bulk file")
    if zipfile.is_zipfile(path):
        return open_zip_member(path, ".txt")
    return path.open("rb")
