"""The market scan: which organisations can deliver what, where (`asf-registry find`)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from pipelines.cli import main
from registry.reference.collation import swedish_sort_key
from registry.store.models import Organisation
from registry.tools.find import (
    FindError,
    FindQuery,
    default_area_resolver,
    find_organisations,
    format_table,
    resolve_kommun,
    resolve_lan,
    resolve_legal_form,
)
from registry.tools.labels import Labels
from tests.registry_rows import organisation, registry_with

STOCKHOLM = {"kommun_code": "0180", "kommun_name": "Stockholm", "lan_code": "01", "lan_name": "Stockholms län"}
SOLNA = {"kommun_code": "0184", "kommun_name": "Solna", "lan_code": "01", "lan_name": "Stockholms län"}
UPPSALA = {"kommun_code": "0380", "kommun_name": "Uppsala", "lan_code": "03", "lan_name": "Uppsala län"}


def _rows() -> list[Organisation]:
    return [
        organisation(
            "asf-sthlm",
            "Stockholms Catering AB",
            legal_form="AB",
            activity_areas="catering",
            activity="Lunchservering och catering för företag",
            website="https://catering.example.se",
            orgnr="556677-8899",
            **STOCKHOLM,
        ),
        organisation(
            "asf-solna",
            "Gröna Händer Städ",
            legal_form="EK",
            activity_areas="cleaning,catering",
            business_description="Städning, fönsterputs och enklare måltider",
            **SOLNA,
        ),
        organisation("asf-upsal", "Uppsala Matkooperativ ek. för.", activity_areas="catering", **UPPSALA),
        organisation(
            "asf-weak",
            "Vanlig Restaurang AB",
            legal_form="AB",
            activity_areas="catering",
            evidence="weak_signal",
            **STOCKHOLM,
        ),
        organisation(
            "asf-gone", "Nedlagda Caféet AB", legal_form="AB", activity_areas="catering", active=False, **STOCKHOLM
        ),
        # Published before places were coded: only the municipality as a source wrote it.
        organisation(
            "asf-sundb",
            "Sundbybergs Tvätteri",
            legal_form="I",
            activity_areas="laundry",
            municipality="Sundbybergs stad",
        ),
        organisation(
            "asf-snick",
            "Gamla Snickeriet",
            legal_form="S",
            activity_areas="carpentry_furniture",
            evidence="historical_list",
            **STOCKHOLM,
        ),
    ]


@pytest.fixture
def registry(registry_url: str) -> Iterator[Engine]:
    engine = registry_with(registry_url, _rows())
    yield engine
    engine.dispose()


def _ids(engine: Engine, **query: object) -> list[str]:
    with Session(engine) as session:
        return [o.registry_id for o in find_organisations(session, FindQuery(**query))]  # type: ignore[arg-type]


def test_by_area_active_organisations_with_evidence_only(registry: Engine) -> None:
    assert _ids(registry, areas=("catering",)) == ["asf-solna", "asf-sthlm", "asf-upsal"]
    assert _ids(registry, areas=("catering",), include_weak_signal=True) == [
        "asf-solna",
        "asf-sthlm",
        "asf-upsal",
        "asf-weak",
    ]
    # By name: Gröna, Nedlagda, Stockholms, Uppsala.
    assert _ids(registry, areas=("catering",), active_only=False) == [
        "asf-solna",
        "asf-gone",
        "asf-sthlm",
        "asf-upsal",
    ]
    # Several areas widen the search; a historical listing is still evidence.
    assert _ids(registry, areas=("laundry", "carpentry")) == ["asf-snick", "asf-sundb"]
    assert _ids(registry, areas=("CLEANING",)) == ["asf-solna"]
    assert _ids(registry, areas="cleaning") == ["asf-solna"]
    assert _ids(registry, areas=("gardening",)) == []


def test_catering_near_stockholm_is_stockholms_lan_not_uppsala(registry: Engine) -> None:
    for lan in ("01", "1", "Stockholms län", "Stockholm län", "stockholms lan", "Stockholm"):
        # By place, then name: Solna before Stockholm.
        assert _ids(registry, areas=("catering",), lan=lan) == ["asf-solna", "asf-sthlm"], lan
    assert _ids(registry, areas=("catering",), lan="Uppsala län") == ["asf-upsal"]
    # A kommun known only by its municipality text is still in its län.
    assert "asf-sundb" in _ids(registry, lan="01")


def test_by_kommun_with_or_without_kommun_or_stad(registry: Engine) -> None:
    for kommun in ("Stockholm", "Stockholms stad", "Stockholms kommun", "stockholm kommun", "0180", "Bromma"):
        assert _ids(registry, kommun=kommun) == ["asf-snick", "asf-sthlm"], kommun
    assert _ids(registry, kommun="Solna stad") == ["asf-solna"]
    assert _ids(registry, kommun="Sundbyberg") == ["asf-sundb"]
    assert _ids(registry, kommun="Stockholm", lan="01") == ["asf-snick", "asf-sthlm"]


def test_a_kommun_outside_the_lan_asked_for_is_said_not_an_empty_answer(registry: Engine) -> None:
    with Session(registry) as session, pytest.raises(FindError) as raised:
        find_organisations(session, FindQuery(kommun="Stockholm", lan="14"))
    assert str(raised.value) == (
        "Stockholm is in Stockholms län (01), not in Västra Götalands län (14): no organisation can match both. "
        "Give only the kommun, or only the län."
    )
    assert raised.value.said(Labels("sv")).startswith("Stockholm ligger i Stockholms län (01), inte i Västra")


def test_free_text_ignores_case_and_diacritics_and_wants_every_word(registry: Engine) -> None:
    assert _ids(registry, text="grona HANDER") == ["asf-solna"]
    assert _ids(registry, text="städning") == ["asf-solna"]  # business description
    assert _ids(registry, text="STADNING") == ["asf-solna"]
    assert _ids(registry, text="lunch catering") == ["asf-sthlm"]  # activity
    assert _ids(registry, text="laundry") == ["asf-sundb"]  # activity areas
    assert _ids(registry, text="catering") == ["asf-solna", "asf-sthlm", "asf-upsal"]  # areas, name or activity
    assert _ids(registry, text="catering tvätt") == []


def test_by_legal_form_code_or_word(registry: Engine) -> None:
    for form in ("EK", "ek", "ekonomisk förening", "Ekonomisk forening", "ek. för."):
        # Uppsala's is declared by its name only: no register match yet.
        assert _ids(registry, legal_form=form) == ["asf-solna", "asf-upsal"], form
    assert _ids(registry, legal_form="aktiebolag") == ["asf-sthlm"]
    assert _ids(registry, legal_form="AB", include_weak_signal=True, active_only=False) == [
        "asf-gone",
        "asf-sthlm",
        "asf-weak",
    ]
    assert _ids(registry, legal_form="ideell förening") == ["asf-sundb"]
    assert _ids(registry, legal_form="stiftelse") == ["asf-snick"]


def test_every_filter_must_hold(registry: Engine) -> None:
    assert _ids(registry, areas=("catering",), lan="01", legal_form="EK", text="städ") == ["asf-solna"]
    assert _ids(registry, areas=("catering",), lan="01", legal_form="I") == []


def test_unknown_places_forms_and_areas_are_said_not_guessed(registry: Engine) -> None:
    with Session(registry) as session:
        for query, message in (
            (FindQuery(kommun="Atlantis"), "Unknown kommun 'Atlantis'"),
            (FindQuery(lan="Atlantis län"), "Unknown län 'Atlantis län'"),
            (FindQuery(lan="99"), "Unknown län code '99'"),
            (FindQuery(legal_form="LLC"), "Unknown legal form 'LLC'"),
        ):
            with pytest.raises(FindError, match=message):
                find_organisations(session, query)
        with pytest.raises(FindError, match="No activity area matches 'gräsklippning'") as raised:
            find_organisations(session, FindQuery(areas=("gräsklippning",)), area_resolver=lambda _query: [])
    # The valid areas are listed, each code with its label in the reader's language.
    assert "catering (Catering & café), cleaning (Cleaning)" in str(raised.value)
    assert "catering (Catering och café), cleaning (Städning och lokalvård)" in raised.value.said(Labels("sv"))


def test_areas_are_resolved_by_the_injected_resolver(registry: Engine) -> None:
    vocabulary = {"städning": ["cleaning"], "cpv 55": ["catering"]}

    def resolver(query: str) -> list[str]:
        return vocabulary.get(query.lower(), [])

    with Session(registry) as session:
        found = find_organisations(session, FindQuery(areas=("Städning",)), area_resolver=resolver)
        assert [o.registry_id for o in found] == ["asf-solna"]
        found = find_organisations(session, FindQuery(areas=("CPV 55",), kommun="Stockholm"), area_resolver=resolver)
        assert [o.registry_id for o in found] == ["asf-sthlm"]


def test_the_default_resolver_understands_swedish_english_and_cpv() -> None:
    assert default_area_resolver(" Catering ") == ["catering"]
    assert default_area_resolver("städning") == ["cleaning"]
    assert "cleaning" in default_area_resolver("CPV 90")
    assert default_area_resolver("nothing like an area") == []


def test_resolvers() -> None:
    assert resolve_kommun("Solna stad").code == "0184"
    assert resolve_kommun("Uppsala kommun").code == "0380"
    assert resolve_lan("Region Stockholm") == ("01", "Stockholms län")
    assert resolve_lan("Västra Götalands län") == ("14", "Västra Götalands län")
    assert resolve_lan("Dalarna") == ("20", "Dalarnas län")
    assert resolve_legal_form("handelsbolag") == "HB"
    assert resolve_legal_form("Aktiebolaget") == "AB"


def test_swedish_alphabetical_order() -> None:
    names = ["Örebro Tvätt", "Åre Kök", "Zeta", "Ängby Café", "Alfa", "Éclair"]
    assert sorted(names, key=swedish_sort_key) == ["Alfa", "Éclair", "Zeta", "Åre Kök", "Ängby Café", "Örebro Tvätt"]


def test_the_table_shows_the_columns_the_evidence_and_the_count_in_swedish(registry: Engine) -> None:
    with Session(registry) as session:
        found = find_organisations(session, FindQuery(areas=("catering",), include_weak_signal=True))
    lines = format_table(found).splitlines()
    assert lines[0].split() == [
        "Register-ID", "Namn", "Orgnr", "Organisationsform", "Kommun", "Verksamhetsområden", "Underlag", "Webbplats"
    ]  # fmt: skip
    by_id = {line.split()[0]: line for line in lines[1:5]}
    assert "Solna" in by_id["asf-solna"] and "Städning och lokalvård, Catering och café" in by_id["asf-solna"]
    assert "aktiebolag" in by_id["asf-sthlm"] and "556677-8899" in by_id["asf-sthlm"]
    assert "https://catering.example.se" in by_id["asf-sthlm"] and "aktuell ASF-lista" in by_id["asf-sthlm"]
    assert "ekonomisk förening*" in by_id["asf-upsal"]  # from the name, not the register
    assert "svag signal" in by_id["asf-weak"]
    assert lines[5] == "4 organisationer hittades."
    assert lines[6].startswith("* organisationsform enligt namnet")
    assert lines[7].startswith("Underlag: «endast historisk»")
    assert format_table([]).splitlines()[-1] == "0 organisationer hittades."


def test_the_table_in_english(registry: Engine) -> None:
    with Session(registry) as session:
        found = find_organisations(session, FindQuery(areas=("catering",)))
    lines = format_table(found, Labels("en")).splitlines()
    assert lines[0].split() == [
        "Registry", "ID", "Name", "Org.", "no.", "Legal", "form", "Municipality", "Activity", "areas", "Evidence",
        "Website",
    ]  # fmt: skip
    assert "Cleaning, Catering & café" in lines[1] and "current ASF list" in lines[1]
    assert "economic association*" in lines[3]
    assert lines[4] == "3 organisations found."
    assert lines[5].startswith("* legal form as the name declares it")
    assert len(lines) == 6  # every row is on a current list: no evidence legend
    assert format_table([], Labels("en")).splitlines()[-1] == "0 organisations found."


# --- The command ---------------------------------------------------------------------------------------------


def test_find_command_prints_the_table_and_writes_csv(
    registry: Engine,
    registry_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ASF_REGISTRY_DB_URL", registry_url)
    out = tmp_path / "scan" / "catering.csv"
    assert main(["find", "--area", "catering", "--lan", "01", "--csv", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Gröna Händer Städ" in printed and "Stockholms Catering AB" in printed and "Uppsala" not in printed
    assert "2 organisationer hittades." in printed and f"Skrivet till {out}." in printed
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [row["registry_id"] for row in rows] == ["asf-solna", "asf-sthlm"]
    assert rows[1]["kommun_code"] == "0180" and rows[1]["active"] == "true"

    assert main(["find", "--kommun", "Atlantis"]) == 2
    assert "Okänd kommun 'Atlantis'" in capsys.readouterr().err
    assert main(["--lang", "en", "find", "--kommun", "Atlantis"]) == 2
    assert "Unknown kommun 'Atlantis'" in capsys.readouterr().err
    assert main(["find", "--kommun", "Stockholm", "--lan", "14", "--lang", "en"]) == 2
    assert "Stockholm is in Stockholms län (01), not in Västra Götalands län (14)" in capsys.readouterr().err
    monkeypatch.setenv("ASF_LANG", "en")
    assert (
        main(["find", "--area", "catering", "--include-weak-signal", "--include-inactive", "--kommun", "Stockholm"])
        == 0
    )
    printed = capsys.readouterr().out
    assert "Vanlig Restaurang AB" in printed and "Nedlagda Caféet AB" in printed and "3 organisations found." in printed
    assert "weak signal" in printed
    monkeypatch.setenv("ASF_LANG", "fi")
    assert main(["find", "--area", "catering"]) == 2
    assert "ASF_LANG / --lang must be one of sv, en, not 'fi'" in capsys.readouterr().err


def test_find_csv_neutralises_formulas(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [organisation("asf-evil", '=HYPERLINK("http://evil")', phone="+46 8 123 45 67", activity_areas="catering")]
    registry_with(sqlite_url, rows).dispose()
    monkeypatch.setenv("ASF_REGISTRY_DB_URL", sqlite_url)
    out = tmp_path / "scan.csv"
    assert main(["find", "--area", "catering", "--csv", str(out)]) == 0
    with out.open(encoding="utf-8-sig", newline="") as f:
        row = next(csv.DictReader(f))
    assert row["name"] == '\'=HYPERLINK("http://evil")' and row["phone"] == "+46 8 123 45 67"


def test_find_and_export_as_a_user_runs_them_without_starting_dagster(sqlite_url: str, tmp_path: Path) -> None:
    registry_with(sqlite_url, _rows()).dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASF_", "DAGSTER_"))}
    env["ASF_REGISTRY_DB_URL"] = sqlite_url
    script = (
        "import sys; from pipelines.cli import main; "
        "code = main(sys.argv[1:]); "
        "assert 'dagster' not in sys.modules, 'Dagster was imported'; sys.exit(code)"
    )

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", script, *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    found = run("find", "--area", "catering", "--lan", "Stockholms län")
    assert found.returncode == 0, found.stderr[-3000:]
    assert "2 organisationer hittades." in found.stdout
    exported = run("export", "--format", "xlsx", "--output", "out/registry.xlsx")
    assert exported.returncode == 0, exported.stderr[-3000:]
    assert "Exporterade 6 organisationer (aktiva) och 0 ändringar i ändringsloggen som xlsx: out/registry.xlsx" in (
        exported.stdout
    )
    assert (tmp_path / "out" / "registry.xlsx").exists()
