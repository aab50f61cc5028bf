"""Bulk files for tests of the register snapshot: real-layout files of any size, and broken ones."""

from __future__ import annotations

import os
from pathlib import Path

from registry.settings import DEFAULT_REGISTER_BULK_FILE

HEADER = (
    "organisationsidentitet;namnskyddslopnummer;registreringsland;organisationsnamn;organisationsform;"
    "avregistreringsdatum;avregistreringsorsak;pagandeAvvecklingsEllerOmstruktureringsforfarande;"
    "registreringsdatum;verksamhetsbeskrivning;postadress"
)


def quoted_row(*fields: str) -> str:
    """One row as Bolagsverket writes it: every value in double quotes, separated by semicolons."""
    return '"' + '";"'.join(fields) + '"'


def register_row(identity: str, name: str, description: str = "") -> str:
    """A registered aktiebolag in Solna with this identity, name and business description."""
    return quoted_row(identity, "", "SE-LAND", f"{name}$FORETAGSNAMN-ORGNAM$2020-01-01", "AB-ORGFO", "null", "", "",
                      "2020-01-01", description or "null", "Gatan 1$$SOLNA$17140$SE-LAND")  # fmt: skip


# The kinds of broken bulk file a download or a copy can leave behind.
BROKEN_KINDS = ("empty", "random", "header_only", "cut_in_the_middle", "cut_to_few_rows")


def filler_rows(count: int) -> list[str]:
    """Registered companies in the real layout that no source lists and no discovery phrase finds."""
    return [
        quoted_row(f"5560{i:05d}0$ORGNR-IDORG", "", "SE-LAND",
                   f"Fyllnadsbolag Nummer{i:05d} AB$FORETAGSNAMN-ORGNAM$2020", "AB-ORGFO", "", "", "",
                   "2020-01-01", "Handel med varor.", "Gatan 1$$UMEÅ$90325$SE-LAND")
        for i in range(count)
    ]  # fmt: skip


def real_layout_file(path: Path, filler: int, with_sample: bool = True) -> Path:
    """The bundled sample's companies (which the recorded sources match) and ``filler`` more, as Bolagsverket
    writes the file: a BOM, the header row, then one quoted row per organisation."""
    lines = [HEADER]
    if with_sample:
        sample = DEFAULT_REGISTER_BULK_FILE.read_text(encoding="utf-8-sig").splitlines()
        lines += [line for line in sample[1:] if line.startswith('"')]
    lines += filler_rows(filler)
    path.write_bytes(("\ufeff" + "\n".join(lines) + "\n").encode("utf-8"))
    return path


def broken_file(kind: str, path: Path, good: Path) -> Path:
    """A broken bulk file of ``kind``; ``good`` is the real-layout file the previous snapshot was built from."""
    data = good.read_bytes()
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "random":
        path.write_bytes(os.urandom(len(data)))
    elif kind == "header_only":
        path.write_bytes(data.split(b"\n", 1)[0] + b"\n")
    elif kind == "cut_in_the_middle":
        # A download cut off halfway: inside a row, without its closing quote and line end.
        middle = len(data) // 2
        assert data[middle : middle + 1] not in (b"\n", b""), "the cut must fall inside a row"
        path.write_bytes(data[:middle])
    elif kind == "cut_to_few_rows":
        path.write_bytes(b"\n".join(data.split(b"\n")[:6]) + b"\n")
    else:
        raise ValueError(kind)
    return path


# What the refusal says about each kind (the file's name comes first).
REFUSAL = {
    "empty": "no header row ('organisationsidentitet;...' expected; the file is empty)",
    "random": "no header row",
    "header_only": ": 0 organisations; 0 rows read",
    "cut_in_the_middle": "in the previous snapshot (at least 90 % expected)",
    "cut_to_few_rows": "organisations against",
}


def snapshot_state(path: Path) -> tuple[str, bytes]:
    """What the snapshot at ``path`` is: the folder its link points to, and that folder's organisations."""
    folder = path.resolve()
    return folder.name, (folder / "companies.arrow").read_bytes()


def leftovers(target: Path) -> list[str]:
    """What a snapshot's folder holds besides the link and the snapshot folder it points to."""
    current = target.resolve().name if target.is_symlink() else None
    return sorted(p.name for p in target.parent.iterdir() if p.name not in (target.name, current))
