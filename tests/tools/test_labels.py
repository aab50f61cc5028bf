"""The label table: both languages say everything, and every code the registry writes reads as words."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from registry import settings
from registry.publish.changes import Change
from registry.publish.organisation_values import Evidence
from registry.reference.activity_areas import AREAS, CPV_DIVISIONS, CPV_DIVISIONS_SV
from registry.reference.personnummer import REDACTED_PERSONNUMMER
from registry.register.bolagsverket import LEGAL_FORMS
from registry.register.register_codes import PROCEEDINGS, STATUS_ACTIVE, STATUS_DEREGISTERED
from registry.settings import PROJECT_ROOT
from registry.tools.labels import CODES, PHRASES, TEXTS, Labels, placeholders


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_each_sentence_has_the_same_placeholders_in_both_languages(key: str) -> None:
    said = TEXTS[key]
    assert said.sv.strip() and said.en.strip()
    assert placeholders(said.sv) == placeholders(said.en)


def test_every_code_the_registry_writes_has_a_label_in_both_languages() -> None:
    written = {
        "change": {c.value for c in Change},
        "evidence": {Evidence.CURRENT_LIST, Evidence.HISTORICAL_LIST, Evidence.WEAK_SIGNAL},
        "register_status": {STATUS_ACTIVE, STATUS_DEREGISTERED, *(p.status for p in PROCEEDINGS)},
        "legal_form": set(LEGAL_FORMS),
    }
    sv = Labels("sv")
    for vocabulary, codes in written.items():
        for code in codes:
            assert code in CODES[vocabulary], f"{vocabulary} {code!r} has no label"
    assert {area.code for area in AREAS} and all(sv.area(a.code) == a.label_sv for a in AREAS)
    assert set(CPV_DIVISIONS_SV) == set(CPV_DIVISIONS)
    assert set(CODES["evidence_short"]) == set(CODES["evidence"])


def test_codes_read_as_words_and_an_unknown_code_is_shown_as_it_is() -> None:
    sv, en = Labels("sv"), Labels("en")
    assert sv.code("evidence", "historical_list") == "bara på den stängda Sofisam-listan"
    assert en.code("legal_form", "EK") == "economic association"
    assert sv.code("legal_form", "EK") == "ekonomisk förening"
    assert sv.areas("catering,bicycle_repair") == "Catering och café, Cykelverkstad"
    assert sv.cpv("50") == "50 Reparation och underhåll" and en.cpv("50") == "50 Repair and maintenance services"
    assert sv.code("change", "renamed_in_2030") == "renamed_in_2030"
    assert sv.counted("organisations", 1) == "1 organisation"
    assert sv.counted("organisations", 2) == "2 organisationer" and en.counted("pairs", 1) == "1 pair"
    assert sv.column("organisations", "kommun_name") == "Kommun" and en.column("organisations", "lan_name") == "County"


def test_language_comes_from_the_option_then_asf_lang_then_swedish() -> None:
    assert settings.language(env={}) == "sv"
    assert settings.language(env={"ASF_LANG": "EN"}) == "en"
    assert settings.language("sv", env={"ASF_LANG": "en"}) == "sv"
    with pytest.raises(ValueError, match="sv, en"):
        settings.language(env={"ASF_LANG": "fi"})


def test_a_value_reads_as_words_whether_stored_or_written_in_the_change_log() -> None:
    sv = Labels("sv")
    assert sv.value("register_status", "bankruptcy") == "pågående konkurs"
    assert sv.value("svb", True) == "ja" and sv.value("svb", "false") == "nej"
    assert sv.value("cpv_divisions", "55,90") == (
        "55 Hotell-, restaurang- och detaljhandelstjänster; 90 Avlopps-, avfalls-, renhållnings- och miljötjänster"
    )
    assert sv.value("name", "true") == "true"  # only a boolean field's text is a boolean
    assert sv.value("phone", None) == "" and sv.field("retired_field") == "retired_field"
    assert Labels("en").value("evidence", "weak_signal") == "only on a general member list (not evidence of ASF)"


@pytest.mark.parametrize("table", sorted(PHRASES))
def test_each_stored_sentence_is_said_with_its_values_in_both_languages(table: str) -> None:
    for phrase in PHRASES[table]:
        assert phrase.said.sv.strip() and phrase.said.en.strip()
        assert placeholders(phrase.said.sv) == placeholders(phrase.said.en), phrase.said.en
        assert placeholders(phrase.said.en) <= set(phrase.pattern.groupindex), phrase.said.en
        assert set(phrase.values) <= set(phrase.pattern.groupindex), phrase.said.en


def test_every_bundled_source_has_a_title_in_both_languages_and_a_new_one_its_own() -> None:
    sources = tomllib.loads((PROJECT_ROOT / "sources.toml").read_text(encoding="utf-8"))["source"]
    assert {source["name"] for source in sources} <= set(CODES["source"])
    sv, en = Labels("sv"), Labels("en")
    assert sv.source("sofisam", "Sofisam (archived)") == "Sofisam (arkiverad)"
    assert en.source("city_list") == "City of Stockholm – curated ASF list"
    assert sv.source("kommun_x", "Kommun X – sociala företag") == "Kommun X – sociala företag"


def test_the_redaction_marker_is_stored_in_english_and_shown_in_the_reader_s_language() -> None:
    assert Labels("en").text("personnummer.redacted") == REDACTED_PERSONNUMMER
    shown = Labels("sv").redacted(f"ring 811218-9876 eller se {REDACTED_PERSONNUMMER}")
    assert shown == "ring [personnummer borttaget] eller se [personnummer borttaget]"


def test_why_a_source_failed_is_said_in_swedish_as_the_sources_write_it(tmp_path: Path) -> None:
    from assets.ingest import crawl_source
    from assets.sources import SOURCES
    from tests.source_helpers import replay_ctx

    sv = Labels("sv")
    empty = tmp_path / "empty"
    empty.mkdir()
    no_names = tmp_path / "no_names"
    no_names.mkdir()
    (no_names / "lista.csv").write_text("Kommun;Webbplats\nSolna;x.se\n", encoding="utf-8")
    failures = {
        "missing folder": (SOURCES["city_list"], replay_ctx(tmp_path / "raw", city_list_dir=tmp_path / "saknas")),
        "empty folder": (SOURCES["city_list"], replay_ctx(tmp_path / "raw", city_list_dir=empty)),
        "no name column": (SOURCES["city_list"], replay_ctx(tmp_path / "raw", city_list_dir=no_names)),
        "not archived": (SOURCES["skoopi"], replay_ctx(tmp_path / "raw")),
    }
    said = {}
    for what, (connector, ctx) in failures.items():
        batch = crawl_source(connector, ctx)
        assert not batch.ok and batch.error
        said[what] = sv.phrase("source_error", batch.error)
    assert said["missing folder"].startswith("mappen för stadens lista, ") and said["missing folder"].endswith(
        ", finns inte"
    )
    assert said["empty folder"].startswith("inga .csv- eller .xlsx-filer i mappen för stadens lista, ")
    assert said["no name column"].startswith("lista.csv: ingen kolumn med namn bland ")
    assert "finns inte i råarkivet" in said["not archived"] and said["not archived"].endswith("(uppspelningsläge)")
    # A reason no phrase reads is shown as written; the stored text is never changed.
    assert sv.phrase("source_error", "RuntimeError: something new") == "RuntimeError: something new"
    assert sv.phrase("check", "kept the last good records (3): FetchError: https://x.se/ answered HTTP 503") == (
        "behöll de senaste goda posterna (3): https://x.se/ svarade med HTTP-status 503"
    )
