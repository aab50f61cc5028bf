"""The report's figures come from the registry tables; the page says them in Swedish (or English), lists every
active organisation in its evidence group, and escapes or redacts everything a source wrote."""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

import pytest
from sqlmodel import Session, SQLModel

from registry.reference.personnummer import contains_personnummer
from registry.store.models import RunRow
from registry.tools.labels import Labels
from registry.tools.report import render_html, render_markdown, text_width
from registry.tools.report_data import ReportData, Tally, collect
from tests.registry_rows import SEEN, organisation, registry_with
from tests.tools.report_registry import CURRENT, HISTORICAL, INACTIVE, MARKUP_NAME, NOW, WEAK, known_report

SV, EN = Labels("sv"), Labels("en")


@pytest.fixture
def known(registry_url: str) -> ReportData:
    return known_report(registry_url)


@pytest.fixture
def known_sqlite(sqlite_url: str) -> ReportData:
    return known_report(sqlite_url)


def test_headline_counts_are_split_by_evidence(known: ReportData) -> None:
    assert known.per_evidence == {"current_list": 6, "historical_list": 1, "weak_signal": 1}
    assert (known.active, known.inactive, known.unlisted_but_active) == (8, 1, 1)
    assert known.changes_this_run == {"added": 1, "changed": 4, "unlisted": 1, "inactivated": 1}
    assert (known.changes_total, len(known.pairs_waiting), len(known.candidates)) == (7, 0, 1)


def test_every_active_organisation_is_listed_in_its_evidence_group_in_swedish_order(known: ReportData) -> None:
    names = {code: [o.name for o in group] for code, group in known.organisations.items()}
    assert names == {"current_list": CURRENT, "historical_list": HISTORICAL, "weak_signal": WEAK}
    ornen = next(o for o in known.organisations["current_list"] if o.registry_id == "asf-1")
    assert (ornen.kommun_name, ornen.activity_areas, ornen.legal_form, ornen.orgnr) == (
        "Stockholm", ("cleaning", "gardening"), "EK", "769600-0001"
    )  # fmt: skip
    assert [(s.title, s.url) for s in ornen.sources] == [
        ("Skoopi – ASF-listan", "https://skoopi.coop/asf/ornen"),
        ("Stockholms stad", "file:///srv/city/lista.csv#rad=12"),
    ]
    akeriet = next(o for o in known.organisations["current_list"] if o.registry_id == "asf-4")
    assert not akeriet.listed and not akeriet.sources[0].listed
    # Its legal form read from the name "ek. för.", not (yet) from the register.
    assert (akeriet.legal_form, akeriet.legal_form_from_register) == ("EK", False)


def test_tables_per_kommun_in_stockholms_lan_per_lan_and_per_area(known: ReportData) -> None:
    assert known.per_kommun_in_stockholms_lan == [
        Tally("Stockholm", {"current_list": 2}),
        Tally("Solna", {"current_list": 1}),
        Tally("Upplands Väsby", {"current_list": 1}),
    ]
    assert known.per_lan == [
        Tally("Stockholms län", {"current_list": 4}),
        Tally("Uppsala län", {"current_list": 1, "historical_list": 1}),
        Tally("Västra Götalands län", {"weak_signal": 1}),
        Tally(None, {"current_list": 1}),  # the unknown last
    ]
    per_area = {t.key: t.by_evidence for t in known.per_area}
    assert per_area["carpentry_furniture"] == {"historical_list": 1} and per_area[None] == {"current_list": 1}
    assert {t.key for t in known.per_area_in_stockholms_lan} == {
        "cleaning", "gardening", "catering", "assembly_packaging", "bicycle_repair", "second_hand", "it_support"
    }  # fmt: skip
    assert known.changes_per_month == {"2026-10": {"added": 1}, "2026-11": {"added": 1, "changed": 4,
                                       "unlisted": 1, "inactivated": 1}}  # fmt: skip
    assert [(s.source, s.ok, s.error) for s in known.source_health] == [("skoopi", True, None),
                                                                        ("sofisam", False, "timeout")]  # fmt: skip


def _group(page: str, code: str) -> str:
    found = re.search(rf"<section class='group {code}'>(.*?)</section>", page, re.S)
    assert found, code
    return found.group(1)


def test_the_page_in_swedish_lists_each_group_with_labels_and_links(known_sqlite: ReportData) -> None:
    page = render_html(known_sqlite, SV)
    assert page.startswith("<!DOCTYPE html><html lang='sv'>")
    assert "Registret har 8 aktiva organisationer:" in page
    assert "<b>6</b>på en aktuell ASF-lista" in page and "<b>1</b>bara på den stängda Sofisam-listan" in page
    assert "<b>1</b>inaktiv" in page and "<b>7</b>ändringar i körningen" in page
    assert "<b>1</b>kandidat i bolagsregistret" in page and "<b>0</b>par att granska" in page
    assert "Inga par väntar på granskning." in page and "0 par att granska, med" not in page
    for code, names, heading in (
        ("current_list", CURRENT, "På en aktuell ASF-lista (6)"),
        ("historical_list", HISTORICAL, "Bara på den stängda Sofisam-listan (1)"),
        ("weak_signal", WEAK, "Bara en svag signal: en allmän medlemslista (1)"),
    ):
        group = _group(page, code)
        assert f"<h3>{heading}</h3>" in group
        positions = [group.index(f"<td>{escape(name, quote=False)}") for name in names]
        assert positions == sorted(positions), f"{code} not in Swedish order"
    assert INACTIVE not in _group(page, "current_list")
    assert (
        page.index("class='group current_list'")
        < page.index("class='group historical_list'")
        < page.index("class='group weak_signal'")
    )
    ornen = _group(page, "current_list").split("<tr id='org-asf-1'>")[1].split("</tr>")[0]
    for shown in ("Stockholm", "Städning och lokalvård, Trädgård, grönytor och utemiljö", "ekonomisk förening",
                  "769600-0001", "<a href='https://ornen.example/'>ornen.example</a>",
                  "<a class='source' href='https://skoopi.coop/asf/ornen'>Skoopi – ASF-listan</a>",
                  # A source's title from the label table, whatever sources.toml calls it.
                  "Stockholms stad – stadens ASF-lista <span class='where'>lista.csv#rad=12</span>"):  # fmt: skip
        assert shown in ornen
    assert "href='file:" not in page  # the city's folder is named, not linked
    assert "href='https://skoopi.coop/asf/cafe?a=1&amp;b=2'" in page
    assert "ekonomisk förening*" in page and "organisationsform enligt namnet" in page  # Åkeriet's, from its name
    assert "(inte längre listad)" in _group(page, "current_list")
    for heading in ("Aktiva organisationer per kommun i Stockholms län", "Aktiva organisationer per län, hela landet",
                    "Aktiva organisationer per verksamhetsområde", "Ändringar i den här körningen",
                    "Källornas status i den här körningen", "Väntar på en person"):  # fmt: skip
        assert heading in page
    assert "<th>Kommun</th><th class=n>Totalt</th><th class=n>aktuell ASF-lista</th>" in page
    assert (
        "<td>Västra Götalands län</td><td class=n>1</td><td class=n>0</td><td class=n>0</td><td class=n>1</td>" in page
    )
    assert "KUNDE INTE LÄSAS: senaste goda poster används" in page
    assert "<td>Sofisam (arkiverad) (sofisam)</td>" in page
    # What lower stages stored in English reads in Swedish: a candidate's reason, a change's detail.
    assert "<td>verksamhetsbeskrivningen nämner «arbetsintegrer»</td>" in page and "description:" not in page
    assert "<td>ingen källa har listat den på 3 körningar</td>" in page and "run(s)" not in page
    assert "bicycle_repair" not in page and "current_list</" not in page and "None" not in page


def test_the_change_log_reads_with_field_labels_and_code_labels(known_sqlite: ReportData) -> None:
    page = render_html(known_sqlite, SV)
    changes = page.split("<section id='changes'")[1].split("</section>")[0]
    assert "<th>Namn</th><th>Register-ID</th><th>Ändring</th><th>Fält</th><th>Före</th><th>Efter</th>" in changes
    assert "<td>ändrad</td><td>Organisationsform</td><td>aktiebolag</td><td>ekonomisk förening</td>" in changes
    assert "<td>Montering, förpackning och legotillverkning</td><td>Montering, förpackning och " in changes
    assert "<td>Särskild vinstutdelningsbegränsning (svb)</td><td>nej</td><td>ja</td>" in changes
    assert "<td>ny</td>" in changes and "<td>inte längre listad</td>" in changes and "<td>inaktiv</td>" in changes
    assert "<p>ny: 1 · ändrad: 4 · inte längre listad: 1 · inaktiv: 1</p>" in changes
    # Added first, and a listed organisation's name leads to its row.
    assert changes.index("<td>ny</td>") < changes.index("<td>ändrad</td>")
    assert "<a href='#org-asf-2'>Café Solna</a>" in changes
    english = render_html(known_sqlite, EN).split("<section id='changes'")[1].split("</section>")[0]
    assert "<td>changed</td><td>Legal form</td><td>limited company</td><td>economic association</td>" in english


def test_the_page_in_english(known_sqlite: ReportData) -> None:
    page = render_html(known_sqlite, EN)
    assert page.startswith("<!DOCTYPE html><html lang='en'>")
    assert "The registry has 8 active organisations:" in page and "<b>6</b>on a current ASF list" in page
    assert "<h3>On a current ASF list (6)</h3>" in page and "<h3>Only on the closed Sofisam list (1)</h3>" in page
    assert "economic association" in page and "Cleaning, Gardening, green spaces &amp; outdoor care" in page
    assert "<b>0</b>pairs to review" in page and "No pairs are waiting for review." in page
    assert "<b>1</b>register candidate<" in page
    assert "FAILED: last good records kept" in page and "Organisationer" not in page
    assert "<td>Sofisam (archived) (sofisam)</td>" in page and "City of Stockholm – curated ASF list" in page
    assert "<td>the business description mentions &#x27;arbetsintegrer&#x27;</td>" in page
    assert "<td>no source has listed it for 3 runs</td>" in page


def test_the_markdown_says_the_key_figures_in_either_language(known_sqlite: ReportData) -> None:
    markdown = render_markdown(known_sqlite, SV)
    assert markdown.startswith("**8 aktiva organisationer**")
    assert "- 6 på en aktuell ASF-lista" in markdown and "- 1 bara på den stängda Sofisam-listan" in markdown
    assert "Ändringar i körningen: ny 1, ändrad 4, inte längre listad 1, inaktiv 1" in markdown
    assert "Källor: 1 ok, kunde inte läsas: sofisam" in markdown
    assert "| Catering och café | 1 |" in markdown and "| Stockholm | 2 |" in markdown
    english = render_markdown(known_sqlite, EN)
    assert english.startswith("**8 active organisations**") and "- 1 only on the closed Sofisam list" in english
    assert "Changes this run: added 1, changed 4, no longer listed 1, inactivated 1" in english
    assert "Waiting for a person: 0 pairs to review, 1 register candidate" in english


def test_what_a_source_wrote_is_escaped_and_a_personnummer_never_shown(known_sqlite: ReportData) -> None:
    for labels in (SV, EN):
        page = render_html(known_sqlite, labels)
        assert "<script" not in page and "<img" not in page
        assert escape(MARKUP_NAME, quote=False) in page
        assert "href='javascript:" not in page and "<td>javascript:alert(2)</td>" in page
        assert "&#x27;&gt;&lt;img src=x onerror=alert(3)&gt;" in page  # a quote in a URL cannot end the attribute
        assert not contains_personnummer(page)
        # In a source's URL and in a changed phone number; the marker in the page's language.
        marker = "[personnummer borttaget]" if labels is SV else "[personnummer redacted]"
        assert marker in page and page.count("[personnummer ") == page.count(marker)
        assert not contains_personnummer(render_markdown(known_sqlite, labels))


def _empty_report(url: str, rows: Sequence[SQLModel]) -> ReportData:
    engine = registry_with(url, rows)
    with Session(engine) as session:
        data = collect(session, now=NOW)
    engine.dispose()
    return data


def test_an_empty_section_says_so_once_and_counts_agree_with_their_nouns(sqlite_url: str) -> None:
    run = RunRow(run_id="r", published_at=NOW, organisations_active=1, records=1, quarantined=0, source_summary="{}")
    data = _empty_report(sqlite_url, [organisation("asf-1", "Ensam ek. för.", first_seen_at=SEEN), run])
    page = render_html(data, SV)
    assert page.count("Inga ändringar i den här körningen.") == 1
    assert "None" not in page and "<table><thead><tr><th>Ändring" not in page
    assert "Registret har 1 aktiv organisation:" in page and "<b>0</b>ändringar i körningen" in page
    assert "<b>0</b>kandidater i bolagsregistret" in page and "0 organisationer i bolagsregistret" in page
    assert page.count("Ingen organisation i den här gruppen.") == 2
    english = render_html(data, EN)
    assert "No changes in this run." in english and "1 pairs" not in english and "1 organisations" not in english
    assert "The registry has 1 active organisation:" in english
    markdown = render_markdown(data, SV)
    assert "Inga ändringar i den här körningen." in markdown and "None" not in markdown


def test_a_registry_never_published_still_makes_a_report(sqlite_url: str) -> None:
    data = _empty_report(sqlite_url, [])
    page = render_html(data, SV)
    assert "aldrig" in page and "Ingen körning har publicerat registret ännu." in page
    assert page.count("Inget att visa.") >= 2 and "None" not in page


def test_the_chart_label_column_is_as_wide_as_its_longest_label(known_sqlite: ReportData) -> None:
    page = render_html(known_sqlite, EN)
    longest = "Assembly, packaging &amp; contract manufacturing"
    chart = next(svg for svg in page.split("<svg")[1:] if longest in svg)
    label_x = int(re.search(rf"<text x='(\d+)' y='\d+' text-anchor='end'>{re.escape(longest)}", chart).group(1))  # type: ignore[union-attr]
    assert label_x >= text_width("Assembly, packaging & contract manufacturing")
    assert text_width("WWW") > text_width("iii") and text_width("Åkeriet") > 0
