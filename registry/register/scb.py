"""SCB's bulk file from the Företagsregister: SNI industry codes per organisation.

Tab-separated, Latin-1 (detected, not assumed), ~1.8 million rows in 34 columns (each line ending with a tab
and CRLF; the zip's member is ``scb_bulkfil_JE_<timestamp>.txt``), columns found by their header names:
``PeOrgNr`` (12 digits, ``16`` + orgnr for legal persons), ``Foretagsnamn``, ``FtgStat`` (1 active, 9 not
active, 0 never active), ``JurForm``, ``Ng1``..``Ng5`` (5-digit SNI codes). Rows identified by a personnummer
(sole traders) are counted and skipped: never stored.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from registry.reference.orgnr import OrgnrStatus, parse_orgnr
from registry.register.bolagsverket import ParseReport, detect_encoding

SNI_COLUMNS = ("Ng1", "Ng2", "Ng3", "Ng4", "Ng5")
SCB_STATUS = {"1": "active", "9": "not_active", "0": "never_active"}


@dataclass(frozen=True)
class ScbRow:
    orgnr: str
    name: str
    status: str | None
    legal_form_code: str | None
    sni: tuple[str, ...]


def _name(fields: list[str], at: dict[str, int]) -> str:
    """Foretagsnamn, or Namn where the file leaves the company name empty."""
    for column in ("Foretagsnamn", "Namn"):
        if column in at and (value := fields[at[column]].strip()):
            return value
    return ""


def iter_scb_rows(stream: BinaryIO, report: ParseReport) -> Iterator[ScbRow]:
    buffered = io.BufferedReader(stream) if not isinstance(stream, io.BufferedIOBase) else stream
    report.encoding = detect_encoding(buffered.peek(1 << 20)[: 1 << 20])
    text = io.TextIOWrapper(buffered, encoding=report.encoding, errors="replace", newline="")
    reader = csv.reader(text, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = [h.strip().lstrip("\ufeff") for h in next(reader, [])]
    if "PeOrgNr" not in header:
        # The first line is not echoed: in a wrong file it may be a row of data, personal numbers and all.
        raise ValueError("not an SCB bulk file: its first line has no PeOrgNr column")
    at = {name: header.index(name) for name in header}
    sni_at = [at[c] for c in SNI_COLUMNS if c in at]
    for fields in reader:
        report.rows += 1
        if len(fields) < len(header):
            report.malformed_line(reader.line_num, f"{len(fields)} fields instead of {len(header)}")
            continue
        parsed = parse_orgnr(fields[at["PeOrgNr"]])
        if parsed.status is OrgnrStatus.PERSONNUMMER:
            report.personnummer_rows_skipped += 1
            continue
        if parsed.value is None:
            report.malformed_line(reader.line_num, "PeOrgNr is not an organisationsnummer")
            continue
        report.entries += 1
        yield ScbRow(
            orgnr=parsed.value,
            name=_name(fields, at),
            status=SCB_STATUS.get(fields[at["FtgStat"]].strip()) if "FtgStat" in at else None,
            legal_form_code=fields[at["JurForm"]].strip() or None if "JurForm" in at else None,
            sni=tuple(code for i in sni_at if (code := fields[i].strip()) and code.strip("0")),
        )
