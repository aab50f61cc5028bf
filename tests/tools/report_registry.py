"""A known registry for the report's tests: organisations of each evidence, in and outside Stockholms län, with
source records, changes, a failed source, and texts that must be escaped or redacted."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from registry.store.models import ChangeLogRow, Organisation, RegisterCandidate, RunRow, SourceRecordRow
from registry.tools.report_data import ReportData, collect
from tests.personal_numbers import TOLVAN
from tests.registry_rows import SEEN, change, organisation, registry_with

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
RUN = "run-1"
MARKUP_NAME = "<script>alert(1)</script> Kooperativet"
STOCKHOLM = {"kommun_code": "0180", "kommun_name": "Stockholm", "lan_code": "01", "lan_name": "Stockholms län"}
SOLNA = {"kommun_code": "0184", "kommun_name": "Solna", "lan_code": "01", "lan_name": "Stockholms län"}
VASBY = {"kommun_code": "0114", "kommun_name": "Upplands Väsby", "lan_code": "01", "lan_name": "Stockholms län"}
UPPSALA = {"kommun_code": "0380", "kommun_name": "Uppsala", "lan_code": "03", "lan_name": "Uppsala län"}
GOTEBORG = {"kommun_code": "1480", "kommun_name": "Göteborg", "lan_code": "14", "lan_name": "Västra Götalands län"}

# Each group's names in Swedish alphabetical order: Å, Ä and Ö after Z (and markup before letters).
CURRENT = [MARKUP_NAME, "Café Solna", "Ekot Second Hand", "Zeta Montage AB", "Åkeriet ek. för.", "Örnens Städ ek. för."]
HISTORICAL = ["Sofisams Snickeri"]
WEAK = ["Stora Bolaget AB"]
INACTIVE = "Gamla Snickeriet"


def _organisations() -> list[Organisation]:
    return [
        organisation("asf-1", "Örnens Städ ek. för.", **STOCKHOLM, activity_areas="cleaning,gardening",
                     legal_form="EK", orgnr="769600-0001", website="https://ornen.example/", sources="city_list,skoopi",
                     source_count=2),
        organisation("asf-2", "Café Solna", **SOLNA, activity_areas="catering", sources="skoopi"),
        organisation("asf-3", "Zeta Montage AB", **VASBY, activity_areas="assembly_packaging,bicycle_repair",
                     legal_form="AB", svb=True, website="zeta.example"),
        organisation("asf-4", "Åkeriet ek. för.", **UPPSALA, activity_areas="removals_transport", listed=False),
        organisation("asf-5", "Ekot Second Hand", **STOCKHOLM, activity_areas="second_hand,it_support",
                     website="javascript:alert(2)"),
        organisation("asf-6", MARKUP_NAME, activity_areas=None),
        organisation("asf-7", "Sofisams Snickeri", **UPPSALA, activity_areas="carpentry_furniture",
                     evidence="historical_list", sources="sofisam"),
        organisation("asf-8", "Stora Bolaget AB", **GOTEBORG, activity_areas="office_services", evidence="weak_signal",
                     sources="integrationspakten", legal_form="AB"),
        organisation("asf-9", INACTIVE, **STOCKHOLM, activity_areas="carpentry_furniture", active=False,
                     listed=False),
    ]  # fmt: skip


def _record(
    source: str, key: str, registry_id: str, name: str, url: str | None, listed: bool = True
) -> SourceRecordRow:
    return SourceRecordRow(
        source=source, source_key=key, registry_id=registry_id, name=name, orgnr_status="missing", source_url=url,
        listed=listed, fetched_at=SEEN, first_seen_at=SEEN, last_seen_at=SEEN,
    )  # fmt: skip


def _records() -> list[SourceRecordRow]:
    return [
        _record("skoopi", "ornen", "asf-1", "Örnens Städ", "https://skoopi.coop/asf/ornen"),
        _record("city_list", "12", "asf-1", "Örnens Städ ek. för.", "file:///srv/city/lista.csv#rad=12"),
        _record("skoopi", "cafe", "asf-2", "Café Solna", "https://skoopi.coop/asf/cafe?a=1&b=2"),
        _record("city_list", "13", "asf-3", "Zeta Montage", "file:///srv/city/lista.csv"),
        _record("skoopi", "akeriet", "asf-4", "Åkeriet", "https://skoopi.coop/asf/akeriet", listed=False),
        _record("city_list", "14", "asf-5", "Ekot", f"https://city.example/lista?kontakt={TOLVAN}"),
        _record("city_list", "15", "asf-6", MARKUP_NAME, "https://city.example/'><img src=x onerror=alert(3)>"),
        _record("sofisam", "snickeri", "asf-7", "Sofisams Snickeri", "https://web.archive.org/web/2019/sofisam.se/x"),
        _record("integrationspakten", "stora", "asf-8", "Stora Bolaget", "https://integrationspakten.example/m"),
    ]


def _changes() -> list[ChangeLogRow]:
    return [
        change("asf-2", "added", run_id=RUN, new_value="Café Solna"),
        change("asf-1", "changed", run_id=RUN, field="legal_form", old_value="AB", new_value="EK"),
        change("asf-3", "changed", run_id=RUN, field="activity_areas", old_value="assembly_packaging",
               new_value="assembly_packaging,bicycle_repair"),
        change("asf-3", "changed", run_id=RUN, field="svb", old_value="false", new_value="true"),
        change("asf-1", "changed", run_id=RUN, field="phone", old_value=f"ring {TOLVAN}", new_value="08-00 00 00"),
        change("asf-4", "unlisted", run_id=RUN),
        change("asf-9", "inactivated", run_id=RUN, detail="no source has listed it for 3 run(s)"),
        change("asf-1", "added", run_id="run-0", changed_at=datetime(2026, 10, 3, tzinfo=UTC),
               new_value="Örnens Städ ek. för."),
    ]  # fmt: skip


def _run() -> RunRow:
    summary = (
        '{"skoopi": {"ok": true, "records": 4, "quarantined": 1, "error": null}, '
        '"sofisam": {"ok": false, "records": 1, "quarantined": 0, "error": "timeout"}}'
    )
    return RunRow(run_id=RUN, published_at=NOW, organisations_active=8, records=9, quarantined=1,
                  source_summary=summary, changes=7)  # fmt: skip


def _candidate() -> RegisterCandidate:
    # The reason as discovery writes it, in English.
    return RegisterCandidate(orgnr="559000-0003", name="Arbetsträning i Nacka AB",
                             reason="description: 'arbetsintegrer'", first_seen_at=SEEN, last_seen_at=SEEN)  # fmt: skip


def known_rows() -> list[SQLModel]:
    return [*_organisations(), *_records(), *_changes(), _run(), _candidate()]


TITLES = {"skoopi": "Skoopi – ASF-listan", "city_list": "Stockholms stad", "sofisam": "Sofisam (arkiverad)"}


def known_registry(url: str) -> Engine:
    return registry_with(url, known_rows())


def known_report(url: str) -> ReportData:
    engine = known_registry(url)
    try:
        with Session(engine) as session:
            return collect(session, now=NOW, source_titles=TITLES)
    finally:
        engine.dispose()
