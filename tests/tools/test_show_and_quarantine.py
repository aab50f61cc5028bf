"""`asf-registry show`, `asf-registry quarantine` and `asf-registry --version`, as an official calls them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from pipelines.cli import installed_version, main
from registry.store.models import (
    FieldProvenanceRow,
    QuarantineRow,
    RegistryIdRedirect,
    RunRow,
    SourceRecordRow,
)
from tests.registry_rows import SEEN, change, organisation, registry_with

LATER = SEEN + timedelta(days=1)


def _rows() -> list[object]:
    bageri = organisation(
        "asf-bageri",
        "Surdegen Bageri ek. för.",
        orgnr="769622-2228",
        legal_form="EK",
        register_name="Surdegen Bageri ekonomisk förening",
        register_status="liquidation",
        register_match="name",
        register_match_score=0.9731,
        kommun_code="0184",
        kommun_name="Solna",
        activity_areas="catering",
        cpv_divisions="55",
        sources="city_list,skoopi",
        source_count=2,
    )
    return [
        bageri,
        organisation("asf-cykel", "Cykelverkstan Söder", kommun_name="Stockholm"),
        organisation("asf-cykel2", "Cykelverkstan Norr", kommun_name="Stockholm"),
        organisation("asf-old", "Surdegen Bageri", active=False, merged_into="asf-bageri"),
        RegistryIdRedirect(old_id="asf-old", new_id="asf-bageri", run_id="run-2", created_at=LATER),
        SourceRecordRow(
            source="skoopi", source_key="surdegen", registry_id="asf-bageri", name="Surdegen Bageri",
            orgnr_status="missing", source_url="https://skoopi.coop/asf/surdegen/", listed=True,
            fetched_at=SEEN, first_seen_at=SEEN, last_seen_at=LATER,
            # As publishing stores it: a line per link, in scoring's English.
            match_explanation=(
                "city_list/7: name similarity 97 (+9.0); kommun equal (+3.0) -> p=0.999\ncity_list/9: review"
            ),
        ),
        SourceRecordRow(
            source="city_list", source_key="7", registry_id="asf-bageri", name="Surdegen Bageri ek. för.",
            orgnr="769622-2228", orgnr_status="valid", listed=False, fetched_at=SEEN, first_seen_at=SEEN,
            last_seen_at=SEEN,
        ),
        FieldProvenanceRow(
            registry_id="asf-bageri", field="legal_form", value="EK", source="bolagsverket",
            source_key="769622-2228", since=SEEN, confirmed_at=LATER,
        ),
        FieldProvenanceRow(
            registry_id="asf-bageri", field="activity_areas", value="catering", source="derived", since=SEEN,
            confirmed_at=LATER,
        ),
        change("asf-bageri", "added", new_value="Surdegen Bageri ek. för."),
        change(
            "asf-bageri", "changed", field="register_status", old_value="active", new_value="liquidation",
            run_id="run-2", changed_at=LATER,
        ),
        change("asf-old", "merged", old_value="asf-old", new_value="asf-bageri", run_id="run-2", changed_at=LATER,
               detail="asf-old merged into asf-bageri"),
        RunRow(
            run_id="run-1", published_at=SEEN, organisations_active=3, records=4, quarantined=1,
            source_summary="{}", failed_sources="",
        ),
        RunRow(
            run_id="run-2", published_at=LATER, organisations_active=3, records=4, quarantined=2,
            source_summary="{}", failed_sources="",
        ),
        QuarantineRow(
            run_id="run-1", source="skoopi", source_key="x", reason="missing name", raw="{}", quarantined_at=SEEN
        ),
        QuarantineRow(
            run_id="run-2", source="city_list", source_key="12", reason="duplicate source key '12'",
            raw=json.dumps({"name": "Dubbel AB", "source_url": "file:lista.csv#row=13"}), quarantined_at=LATER,
        ),
        QuarantineRow(
            run_id="run-2", source="city_list", source_key=None,
            reason="organisationsnummer is a personnummer (sole trader): personal data is not kept",
            # Stored with no name or number; a personnummer that still reached a row is never shown.
            raw=json.dumps({"source_url": "file:lista.csv#pnr=811218-9876"}), quarantined_at=LATER,
        ),
        QuarantineRow(
            run_id="run-2", source="skoopi", source_key="lang", reason="name longer than 300 characters",
            raw=json.dumps({"name": "Lång " * 70}), quarantined_at=LATER,
        ),
        QuarantineRow(
            run_id="run-2", source="city_list", source_key=None,
            reason="a personnummer in name and source_key: personal data is not kept", raw="{}", quarantined_at=LATER,
        ),
    ]


@pytest.fixture
def registry(registry_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    engine = registry_with(registry_url, _rows())
    monkeypatch.setenv("ASF_REGISTRY_DB_URL", registry_url)
    monkeypatch.delenv("ASF_LANG", raising=False)
    yield engine
    engine.dispose()


def _said(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_show_an_organisation_in_swedish(registry: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _said(capsys, "show", "asf-bageri")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Surdegen Bageri ek. för.  (asf-bageri)"
    assert any(
        line.split() == ["Organisationsform", "EK", "(ekonomisk", "förening)", "[bolagsverket,", "sedan", "2026-11-26",
                         "02:30]"]
        for line in lines
    )  # fmt: skip
    assert any("Status i bolagsregistret" in line and "i likvidation" in line for line in lines)
    assert any("Verksamhetsområden" in line and "Catering och café" in line for line in lines)
    assert any("55 Hotell-, restaurang- och detaljhandelstjänster" in line for line in lines)
    assert "Källor som listar den (2):" in lines
    assert "  city_list / 7  (inte längre listad)" in lines and "  skoopi / surdegen" in lines
    # Each link on its line, its explanation said in Swedish from the stored English.
    assert "      city_list/7: namn: likhet 97 (+9.0); kommun: lika (+3.0) → sannolikhet 0.999" in lines
    assert "      city_list/9: bedömd av en person vid granskning" in lines
    assert any("Catering och café" in line and "[härledd ur andra uppgifter, sedan" in line for line in lines)
    assert "  matchad via namnlikhet (sannolikhet 0.97): Surdegen Bageri ekonomisk förening 769622-2228" in lines
    assert "Avvecklade register-ID som nu leder hit:" in lines and "  asf-old  (2026-11-27 02:30)" in lines
    assert "Ändringshistorik (3):" in lines
    assert "  2026-11-27 02:30  ändrad: Status i bolagsregistret: aktiv → i likvidation" in lines
    assert "  2026-11-27 02:30  sammanslagen: asf-bageri  (asf-old sammanslagen med asf-bageri)" in lines
    assert not any(english in out for english in ("similarity", "equal", "review", "derived", "merged into"))


def test_show_in_english_by_orgnr_and_by_a_retired_id(registry: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _said(capsys, "show", "--lang", "en", "7696222228")
    assert code == 0 and out.startswith("Surdegen Bageri ek. för.  (asf-bageri)")
    assert "matched by name similarity (probability 0.97)" in out and "in liquidation" in out
    assert "Change history (3):" in out
    # The stored explanation, as scoring wrote it; the provenance and the change's detail in English.
    assert "      city_list/7: name similarity 97 (+9.0); kommun equal (+3.0) -> p=0.999" in out
    assert "[derived from other values, since" in out and "(asf-old merged into asf-bageri)" in out
    code, out = _said(capsys, "--lang", "en", "show", "asf-old")
    assert code == 0
    assert out.splitlines()[1] == "asf-old is a retired registry ID: the organisation is now asf-bageri."


def test_show_by_name_one_close_name_or_a_choice(registry: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _said(capsys, "show", "surdegen", "bageri", "ek", "for")
    assert code == 0 and out.startswith("Surdegen Bageri ek. för.  (asf-bageri)")
    code, out = _said(capsys, "show", "Cykelverkstan")
    assert code == 1
    assert out.splitlines() == [
        "'Cykelverkstan' kan vara flera organisationer; ange ett register-ID:",
        "  asf-cykel2  Cykelverkstan Norr  (Stockholm)",
        "  asf-cykel  Cykelverkstan Söder  (Stockholm)",
    ]
    code, out = _said(capsys, "show", "--lang", "en", "Helt Annat Namn")
    assert code == 1
    assert "No organisation in the registry has the registry ID, organisation number or a name like" in out


def test_quarantine_lists_the_last_run_with_reasons_and_never_a_personnummer(
    registry: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _said(capsys, "quarantine")
    assert code == 0
    assert out.splitlines()[0] == "Poster som hölls tillbaka (4), inte publicerade:"
    assert "    Orsak: källans nyckel '12' finns två gånger" in out and "    Namn: Dubbel AB" in out
    assert "organisationsnumret är ett personnummer (enskild firma): personuppgifter sparas inte" in out
    assert "    Orsak: namnet är längre än 300 tecken" in out
    assert "    Orsak: ett personnummer i namn och källans nyckel: personuppgifter sparas inte" in out
    # The marker is stored in English and said in Swedish.
    assert "811218" not in out and "Läst från: file:lista.csv#pnr=[personnummer borttaget]" in out
    assert "redacted" not in out and "source_key" not in out and " and " not in out
    assert "missing name" not in out and "namn saknas" not in out  # run-1's quarantine is not the last run's
    code, out = _said(capsys, "quarantine", "--all", "--lang", "en")
    assert out.splitlines()[0] == "Records held back (5), not published:"
    assert "Reason: missing name" in out and "Reason: duplicate source key '12'" in out
    assert "Reason: name longer than 300 characters" in out
    assert "Reason: a personnummer in name and source key: personal data is not kept" in out
    assert "811218" not in out and "file:lista.csv#pnr=[personnummer redacted]" in out
    code, out = _said(capsys, "quarantine", "--run", "no-such-run")
    assert code == 0 and out.strip() == "Inga poster i karantän."


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"asf-registry {installed_version()}"
    assert installed_version()[0].isdigit()
