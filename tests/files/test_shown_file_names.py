"""A file named after a person (``Ansökan Anna 811218-9876.csv``) is refused or reported by a name without her
number: every error about a file shows its name as ``shown_location`` shows it."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from registry.files.safe_files import UnsafeFile, check_zip_archive, inside, open_zip_member, regular_file
from registry.files.spreadsheets import DEFAULT_LIMITS, XlsxWorkbook, csv_rows
from registry.reference.personnummer import REDACTED_PERSONNUMMER, contains_personnummer
from tests.personal_numbers import SAMORDNING, TOLVAN

NAMED = f"Ansökan Anna {TOLVAN}"


def _refusal(action: Callable[[], object]) -> str:
    with pytest.raises((UnsafeFile, FileNotFoundError, ValueError)) as refused:
        action()
    return str(refused.value)


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / f"{NAMED}.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "what",
    ["quote never closed", "too many rows", "not a workbook", "old .xls", "a folder", "missing"],
)
def test_a_refused_file_is_named_without_the_personal_number_in_its_name(tmp_path: Path, what: str) -> None:
    if what == "quote never closed":
        path = _csv(tmp_path, 'Namn;Kommun\n"Kooperativet Öppen;Solna\n')
        said = _refusal(lambda: list(csv_rows(path, encoding="utf-8")))
    elif what == "too many rows":
        path = _csv(tmp_path, "Namn\n" + "Kooperativet\n" * 30)
        said = _refusal(lambda: list(csv_rows(path, limits=replace(DEFAULT_LIMITS, max_rows=10))))
    elif what == "not a workbook":
        path = tmp_path / f"Anna_{TOLVAN.replace('-', '_')}.xlsx"
        path.write_text("Namn\nKooperativet\n", encoding="utf-8")
        said = _refusal(lambda: XlsxWorkbook(path))
    elif what == "old .xls":
        path = tmp_path / f"{NAMED}.xlsx"
        path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
        said = _refusal(lambda: XlsxWorkbook(path))
    elif what == "a folder":
        folder = tmp_path / f"Anna {SAMORDNING}"
        folder.mkdir()
        said = _refusal(lambda: regular_file(folder, "list"))
    else:
        said = _refusal(lambda: regular_file(tmp_path / f"{NAMED}.csv", "list"))
    assert REDACTED_PERSONNUMMER in said
    assert not contains_personnummer(said) and TOLVAN[:6] not in said and SAMORDNING[:6] not in said


def test_a_zip_or_a_path_outside_its_folder_is_named_without_the_number(tmp_path: Path) -> None:
    archive = tmp_path / f"{NAMED}.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(f"../{NAMED}.txt", "x")
    for said in (
        _refusal(lambda: check_zip_archive(archive, max_bytes=1024)),
        _refusal(lambda: open_zip_member(archive)),
        _refusal(lambda: inside(tmp_path, f"../{NAMED}.csv")),
    ):
        assert REDACTED_PERSONNUMMER in said and TOLVAN[:6] not in said, said
