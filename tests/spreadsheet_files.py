"""Workbooks written byte by byte, as Excel (shared strings) or other tools (inline strings) lay them out, fast
enough to make big ones in a test, and able to hold what no spreadsheet program would write."""

from __future__ import annotations

import random
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    f'relationships"><Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _content_types(sheets: int, shared_strings: bool) -> str:
    parts = [("/xl/workbook.xml", f"{_TYPE}.sheet.main+xml")]
    parts += [(f"/xl/worksheets/sheet{i}.xml", f"{_TYPE}.worksheet+xml") for i in range(1, sheets + 1)]
    if shared_strings:
        parts.append(("/xl/sharedStrings.xml", f"{_TYPE}.sharedStrings+xml"))
    overrides = "".join(f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in parts)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        f'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>'
    )


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _inline_row(number: int, cells: Sequence[str]) -> bytes:
    xml = "".join(
        f'<c r="{column_letters(i)}{number}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
        for i, value in enumerate(cells, start=1)
        if value
    )
    return f'<row r="{number}">{xml}</row>'.encode()


def write_workbook(
    path: Path,
    sheets: dict[str, Iterable[bytes]],
    shared_strings: bytes | None = None,
    prologue: bytes = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
    dimension: str = "A1",
    after_rows: Iterable[bytes] = (),
) -> Path:
    """A workbook whose sheets' ``<sheetData>`` content (rows, and anything else) is streamed from ``sheets``;
    ``shared_strings`` is the whole sharedStrings.xml when given; ``dimension`` the range the sheets declare;
    ``after_rows`` is written after the rows of every sheet (merged ranges, formatting and the like)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _content_types(len(sheets), shared_strings is not None))
        archive.writestr("_rels/.rels", _PACKAGE_RELS)
        entries = "".join(
            f'<sheet name="{escape(title)}" sheetId="{i}" r:id="rId{i}"/>' for i, title in enumerate(sheets, start=1)
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
            f"<sheets>{entries}</sheets></workbook>",
        )
        relations = "".join(
            f'<Relationship Id="rId{i}" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        if shared_strings is not None:
            relations += f'<Relationship Id="rIdS" Type="{RELATIONSHIPS}/sharedStrings" Target="sharedStrings.xml"/>'
            archive.writestr("xl/sharedStrings.xml", shared_strings)
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships">{relations}</Relationships>',
        )
        for i, content in enumerate(sheets.values(), start=1):
            with archive.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as sheet:
                sheet.write(prologue + f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/><sheetData>'.encode())
                for chunk in content:
                    sheet.write(chunk)
                sheet.write(b"</sheetData>")
                for chunk in after_rows:
                    sheet.write(chunk)
                sheet.write(b"</worksheet>")
    return path


HEADER = ("Id", "Namn", "Organisationsnummer", "Kommun", "Adress", "Webbplats", "Verksamhet", "Anteckning")
_TOWNS = ("Stockholm", "Solna", "Huddinge", "Botkyrka", "Södertälje", "Nacka", "Järfälla", "Sundbyberg")
_WORDS = [
    "café",
    "catering",
    "städ",
    "tvätt",
    "trädgård",
    "snickeri",
    "cykel",
    "second",
    "hand",
    "textil",
    "sömnad",
    "kontor",
    "flytt",
    "fastighet",
    "återbruk",
    "bageri",
    "arbetsträning",
    "kooperativ",
    "förening",
    "gemenskap",
    "social",
    "ekonomi",
    "omsorg",
    "hantverk",
    "tryckeri",
    "reparation",
    "uthyrning",
    "lokalvård",
    "kök",
    "lunch",
    "fika",
    "odling",
    "grönyta",
    "service",
    "montering",
    "lager",
    "logistik",
]


def list_rows(count: int, seed: int = 11) -> Iterable[bytes]:
    """A header row and ``count`` rows of a plausible list (names, towns, addresses, activities, notes) as
    inline strings: its XML compresses about 10:1, as real lists do."""
    rng = random.Random(seed)
    yield _inline_row(1, HEADER)
    for n in range(2, count + 2):
        words = rng.sample(_WORDS, 6)
        yield _inline_row(
            n,
            (
                str(n - 1),
                f"{words[0].title()} {words[1]} kooperativ {n}",
                "",
                rng.choice(_TOWNS),
                f"{words[2].title()}vägen {rng.randint(1, 200)}",
                f"https://{words[3]}{n}.example",
                f"{words[4].title()}, {words[5]} och {rng.choice(_WORDS)}",
                " ".join(rng.choices(_WORDS, k=rng.randint(3, 12))),
            ),
        )


def rows_of(cells: Iterable[Sequence[str]], first: int = 1) -> Iterable[bytes]:
    for number, row in enumerate(cells, start=first):
        yield _inline_row(number, row)
