"""The sources file: the project's own, and every way a hand-edited one can be wrong, each refused with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from assets.sources import READERS, SOURCES
from registry.ingest.sources_file import SourcesFileError, load_sources
from registry.settings import DEFAULT_SOURCES_FILE

GOOD = """
[[source]]
name = "kommun_lista"
title = "Exempel kommun – sociala företag"
description = "A kommun's list page."
reader = "list_page"
urls = ["https://www.exempel.se/sociala-foretag/"]
evidence = "current_list"
trust = 30
min_valid_orgnr_share = "none"
expected_entries = [2, 50]
shapes = ["tables", "headings"]
region = "main"
"""


def _load(tmp_path: Path, text: str) -> tuple:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return load_sources(path, READERS)


def test_the_projects_sources_file_declares_every_source_with_the_real_addresses() -> None:
    specs = {s.name: s for s in load_sources(DEFAULT_SOURCES_FILE, READERS)}
    assert list(specs) == ["city_list", "skoopi", "sofisam", "social_trade", "region_orebro", "integrationspakten"]
    assert specs["region_orebro"].url == (
        "https://www.regionorebrolan.se/sv/regional-utveckling/kultur-och-civilsamhalle/civilsamhalle/sociala-foretag/"
    )
    skoopi = specs["skoopi"]
    assert all(skoopi.follows(f"https://{host}/asf/macken/") for host in ("skoopi.coop", "www.skoopi.coop", "asf.se"))
    assert not skoopi.follows("https://evil.example/asf/macken/")
    assert specs["integrationspakten"].weak_signal and specs["sofisam"].historical
    assert set(SOURCES) == set(specs)


def test_a_new_list_page_is_one_entry(tmp_path: Path) -> None:
    (spec,) = _load(tmp_path, GOOD)
    assert (spec.reader, spec.url, spec.shapes, spec.region, spec.expected_entries) == (
        "list_page", "https://www.exempel.se/sociala-foretag/", ("tables", "headings"), "main", (2, 50)
    )  # fmt: skip
    assert spec.min_valid_orgnr_share is None and spec.priority == 30 and not spec.weak_signal
    assert spec.count_problem(1) == "1 entries, expected at least 2 (expected_entries in the sources file)"
    assert spec.count_problem(51) is not None and spec.count_problem(20) is None


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (('reader = "list_page"', 'reader = "listpage"'), 6, "unknown reader 'listpage' (known: city_list, list_page"),
        (('urls = ["https://www.exempel.se/sociala-foretag/"]\n', ""), 2, "needs its list's URL in 'urls'"),
        (('urls = ["https://www.exempel.se/sociala-foretag/"]', 'urls = ["www.exempel.se"]'), 7, "not an http(s) URL"),
        (('expected_entries = [2, 50]', 'expected_entries = [50, 2]'), 11, "must be [at least, at most]"),
        (('evidence = "current_list"', 'evidence = "asf"'), 8, "evidence 'asf' is not one of"),
        (('min_valid_orgnr_share = "none"', "min_valid_orgnr_share = 5"), 10, "must be a share from 0 to 1"),
        (('region = "main"', 'regoin = "main"'), 13, "unknown setting 'regoin'"),
        (('trust = 30\n', ""), 2, "the source has no 'trust'"),
        (('shapes = ["tables", "headings"]', 'shapes = ["cards"]'), 12, "shape 'cards' is not one of"),
    ],
)  # fmt: skip
def test_a_wrong_entry_is_refused_with_its_line(
    tmp_path: Path, change: tuple[str, str], line: int, message: str
) -> None:
    assert change[0] in GOOD
    with pytest.raises(SourcesFileError) as refused:
        _load(tmp_path, GOOD.replace(*change))
    assert str(refused.value).startswith(f"{tmp_path / 'sources.toml'}:{line}: ")
    assert message in str(refused.value)


@pytest.mark.parametrize("header", ["[[ source ]]", "  [[source]]  # the kommun's list", '[[ "source" ]]'])
def test_the_line_is_found_however_the_entry_header_is_written(tmp_path: Path, header: str) -> None:
    text = GOOD + GOOD.replace('name = "kommun_lista"', 'name = "region_lista"').replace("trust = 30", "trust = 2000")
    with pytest.raises(SourcesFileError) as refused:
        _load(tmp_path, text.replace("[[source]]", header))
    # The second entry's trust line, not line 0.
    assert str(refused.value).startswith(f"{tmp_path / 'sources.toml'}:{GOOD.count(chr(10)) + 9}: ")
    assert "trust" in str(refused.value)


def test_an_entry_without_a_header_line_is_named_not_put_at_line_0(tmp_path: Path) -> None:
    inline = (
        'source = [{name = "kommun_lista", title = "t", description = "d", reader = "listpage", '
        'evidence = "current_list", trust = 30, min_valid_orgnr_share = "none"}]\n'
    )
    with pytest.raises(SourcesFileError) as refused:
        _load(tmp_path, inline)
    assert str(refused.value).startswith(f"{tmp_path / 'sources.toml'}: source kommun_lista: unknown reader")


def test_a_file_that_is_not_toml_is_refused_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(SourcesFileError, match=r"sources\.toml:9: not valid TOML"):
        _load(tmp_path, GOOD.replace('trust = 30', 'trust = 30 30'))


def test_two_sources_of_one_name_and_an_empty_file_are_refused(tmp_path: Path) -> None:
    second = GOOD.count("\n") + 2  # the second copy's [[source]] line
    with pytest.raises(SourcesFileError, match=rf":{second}: the source name 'kommun_lista' is used twice"):
        _load(tmp_path, GOOD + GOOD)
    with pytest.raises(SourcesFileError, match=r"no \[\[source\]\] entries"):
        _load(tmp_path, "# nothing yet\n")
    with pytest.raises(SourcesFileError, match="cannot be read"):
        load_sources(tmp_path / "missing.toml", READERS)
