"""Hostile input, each handled safely: markup and personnummer in sources, zip bombs and unsafe member names,
configured paths that are not what they claim, archive entries pointing outside the archive."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import dagster as dg
import openpyxl
import pyarrow.parquet as pq
import pytest
from sqlalchemy import MetaData, select

from assets.ingest import crawl_source
from assets.metadata import markdown_table
from assets.sources import SOURCES
from pipelines.cli import main
from pipelines.definitions import WEEKLY_REGISTER_JOB_NAME, defs
from registry.files.safe_files import UnsafeFile, _CappedStream, open_zip_member
from registry.ingest.http_client import HttpClient, NotInArchive
from registry.ingest.raw_archive import RawArchive
from registry.reference.personnummer import REDACTED_PERSONNUMMER, contains_personnummer
from registry.register.bolagsverket import open_bulk_file
from registry.settings import DEFAULT_CITY_LIST_DIR, DEFAULT_REGISTER_BULK_FILE
from registry.store.engines import shared_engine
from tests.personal_numbers import SAMORDNING, TOLVAN
from tests.pipeline_helpers import run_nightly
from tests.register_files import register_row, snapshot_state
from tests.source_helpers import replay_ctx

# -- zip files -------------------------------------------------------------------------------------------------


def _zip_of_zeros(path: Path, megabytes: int, member: str = "bolagsverket_bulkfil.txt") -> Path:
    """A zip bomb: ``megabytes`` MB of zeros, written in 1 MB chunks (never held in memory)."""
    chunk = bytes(1024**2)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, archive.open(member, "w") as out:
        for _ in range(megabytes):
            out.write(chunk)
    return path


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _zip_of_zeros(tmp_path_factory.mktemp("bomb") / "bolagsverket_bulkfil.zip", 200)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(zip_bomb: Path) -> None:
    assert zip_bomb.stat().st_size < 1024**2  # 200 MB in a few hundred kB
    with pytest.raises(UnsafeFile, match=r"compressed \d+:1, over the 200:1 allowed"):
        open_bulk_file(zip_bomb)


def test_a_member_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("bulk.txt", os.urandom(3 * 1024**2))
    with pytest.raises(UnsafeFile, match=r"declares 3,145,728 bytes, over the 1,048,576 allowed"):
        open_zip_member(path, max_bytes=1024**2)


def test_the_stream_stops_at_its_limit_whatever_the_header_said() -> None:
    capped = io.BufferedReader(_CappedStream(io.BytesIO(bytes(5000)), limit=4096, label="bulk.zip:x.txt"))
    with pytest.raises(UnsafeFile, match="unpacks to more than 4,096 bytes"):
        capped.read()


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "..\\..\\windows\\win.ini", "C:\\temp\\x.txt"])
def test_a_zip_with_a_member_escaping_its_folder_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / "bulk.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("bolagsverket_bulkfil.txt", DEFAULT_REGISTER_BULK_FILE.read_bytes())
        archive.writestr(name, b"root:x:0:0")
    with pytest.raises(UnsafeFile, match="the archive is refused"):
        open_bulk_file(path)


def test_an_honest_zip_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "bulk.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(DEFAULT_REGISTER_BULK_FILE, "bolagsverket_bulkfil.txt")
    with open_bulk_file(path) as stream:
        assert stream.read() == DEFAULT_REGISTER_BULK_FILE.read_bytes()


def test_the_weekly_refresh_refuses_a_zip_bomb_and_keeps_the_snapshot(
    zip_bomb: Path, offline_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    job = defs.resolve_job_def(WEEKLY_REGISTER_JOB_NAME)
    with dg.instance_for_test() as instance:
        assert job.execute_in_process(instance=instance).success
        snapshot = Path(os.environ["ASF_REGISTER_SNAPSHOT"])
        before = snapshot_state(snapshot)
        monkeypatch.setenv("ASF_REGISTER_BULK_FILE", str(zip_bomb))
        result = job.execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    [failure] = result.get_step_failure_events()
    error = failure.step_failure_data.error
    assert error is not None and "the previous one is kept" in error.to_string() and "200:1" in error.to_string()
    # Not retried: the same file would be refused again.
    assert [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"] == []
    assert snapshot_state(snapshot) == before


# -- configured paths ------------------------------------------------------------------------------------------


def test_a_bulk_file_that_is_a_device_a_pipe_or_a_folder_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "bulk.txt"
    os.mkfifo(fifo)
    for path in (Path("/dev/zero"), fifo, tmp_path):
        with pytest.raises(UnsafeFile, match="not a regular file"):
            open_bulk_file(path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        open_bulk_file(tmp_path / "missing.zip")


def test_city_list_files_that_lead_elsewhere_are_skipped_with_the_reason(tmp_path: Path) -> None:
    secrets = tmp_path / "elsewhere"
    secrets.mkdir()
    (secrets / "passwd.csv").write_text("Namn\nroot:x:0:0\n")
    folder = tmp_path / "city"
    shutil.copytree(DEFAULT_CITY_LIST_DIR, folder)
    (folder / "a_link.csv").symlink_to(secrets / "passwd.csv")
    os.mkfifo(folder / "b_pipe.csv")  # reading it would block the source for ever
    with (folder / "c_huge.csv").open("wb") as huge:
        huge.truncate(60 * 1024**2)  # sparse: 60 MB that take no room
    bomb = _zip_of_zeros(tmp_path / "d_bomb.xlsx", 20, member="xl/worksheets/sheet1.xml")
    shutil.move(bomb, folder / "d_bomb.xlsx")
    ctx = replay_ctx(tmp_path / "no-archive", city_list_dir=folder)
    batch = crawl_source(SOURCES["city_list"], ctx)
    assert batch.ok and len(batch.records) == 12  # the city's two real lists, nothing else
    assert all("root" not in r.name for r in batch.records)
    reasons = {w.split(" skipped: ")[0]: w.split(" skipped: ")[1] for w in ctx.warnings}
    assert "points outside" in reasons["city list a_link.csv"]
    assert "not a regular file" in reasons["city list b_pipe.csv"]
    assert "larger than 50 MB" in reasons["city list c_huge.csv"]
    assert "compressed" in reasons["city list d_bomb.xlsx"]


def test_an_archive_entry_pointing_outside_the_archive_is_refused(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path / "archive")
    archive.store("https://example.se/list", 200, {}, b"<html>the real page</html>")
    outside = tmp_path / "secret.txt"
    outside.write_text("not for the archive")
    entry = {
        "url": "https://example.se/list",
        "status": 200,
        "fetched_at": "2099-01-01T00:00:00+00:00",
        "size": 1,
        "headers": {},
        "sha256": "../../secret.txt",
    }
    with archive.index_path.open("a") as index:
        index.write(json.dumps(entry) + "\n")
    latest = archive.latest("https://example.se/list")
    assert latest is not None and latest.body == b"<html>the real page</html>"  # the forged newer entry is ignored
    assert archive.refused == 1
    with pytest.raises(ValueError, match="could point outside"):
        archive._body_path("../../secret.txt")
    # A URL whose only entry is forged is simply not in the archive.
    entry["url"] = "https://example.se/other"
    with archive.index_path.open("a") as index:
        index.write(json.dumps(entry) + "\n")
    with pytest.raises(NotInArchive):
        HttpClient(RawArchive(tmp_path / "archive"), mode="replay").get("https://example.se/other")


def test_an_index_line_torn_by_a_killed_process_costs_only_that_line(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    archive.store("https://example.se/a", 200, {}, b"a")
    with archive.index_path.open("a") as index:
        index.write('{"url": "https://example.se/b", "status": 2')  # the process died here
    archive.store("https://example.se/c", 200, {}, b"c")
    fresh = RawArchive(tmp_path)
    assert [e["url"] for e in fresh.entries()] == ["https://example.se/a", "https://example.se/c"]
    assert fresh.refused == 1
    assert fresh.latest("https://example.se/c") is not None


# -- what the UI shows -----------------------------------------------------------------------------------------


def test_markup_in_values_is_shown_as_text_in_the_ui() -> None:
    table = markdown_table(
        [{"name": "<script>alert(1)</script>", "site": "[klicka](javascript:alert(1))", "x": "a|b"}],
        ("name", "site", "x"),
    )
    row = table.splitlines()[2]
    assert "<script" not in row and "&lt;script&gt;" in row
    assert "](" not in row and "\\[klicka\\]\\(javascript" in row
    assert row.count(" | ") == 2  # the | inside a value does not make a new column


# -- the whole night on hostile input --------------------------------------------------------------------------

HOSTILE_CSV = (
    "Id;Namn;Organisationsnummer;Kommun;Webbplats;Verksamhet;Telefon\n"
    "h1;<script>alert('x')</script>Kooperativet;;Solna;;;\n"
    "h2;<img src=x onerror=alert(1)> Café;;Solna;;;\n"
    "h3;Tolvan Tolvanssons Catering;19121212-1212;Botkyrka;;Catering;\n"
    "h4;Städhjälpen 121212-1212;;Botkyrka;;Städning;\n"
    "h5;Exempelträdgården Hostil ek. för.;;Solna;https://tradgard.example;Kontakt: Tolvan, 121212-1212;"
    "19121212-1212\n"
    "h6;" + "Jättelångt namn " * 40 + ";;Solna;;;\n"
    "121212-1212;Nyckeln Är Ett Personnummer;;Solna;;;\n"
    'h7;=HYPERLINK("http://evil.example") Kooperativet;;Solna;;@SUM(1+1);\n'
    # The written forms that once got through: spaces around the dash, an en dash, a samordningsnummer.
    f"h8;Tolvans Hemstäd {TOLVAN.replace('-', ' - ')};;Solna;;;\n"
    f"h9;Tolvans Kafé;{TOLVAN.replace('-', '–')};Solna;;;\n"
    f"h10;Kooperativet Tio;;Solna;;Kontakt: Tolvan, {SAMORDNING};\n"
)
# Register rows identified by a person, whatever the label, and a real organisation whose business description
# holds a contact's number: a lead for the environmental scan ("arbetsintegrerande"), published without it.
HOSTILE_REGISTER_ROWS = [
    register_row(f"19{TOLVAN.replace('-', '')}$PERSON-IDORG", "Tolvan Tolvanssons Städ", "arbetsintegrerande städ"),
    register_row(f"{SAMORDNING.replace('-', '')}$SAMORDNR-IDORG", "Tolvan Samordnad", "arbetsintegrerande kafé"),
    register_row(f"{TOLVAN.replace('-', '')}$ORGNR-IDORG", "Tolvan Felmärkt (svb)", "arbetsträning"),
    register_row(TOLVAN.replace("-", ""), "Tolvan Omärkt (svb)", "arbetsträning"),
    register_row("5567778889$ORGNR-IDORG", "Exempel Lead AB", f"arbetsintegrerande; kontakt Tolvan {TOLVAN}"),
    f'"19{TOLVAN.replace("-", "")}$PERSON-IDORG";"a malformed line"',
]


def _every_value(db_url: str) -> dict[str, list[tuple[str, object]]]:
    """Every value of every table, read with plain SQL (not through the models)."""
    engine = shared_engine(db_url)
    metadata = MetaData()
    metadata.reflect(engine)
    values: dict[str, list[tuple[str, object]]] = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            values[table.name] = [
                (column, value) for row in connection.execute(select(table)) for column, value in row._mapping.items()
            ]
    return values


def test_a_night_on_hostile_input_publishes_no_markup_and_no_personnummer(
    offline_env: None, registry_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = tmp_path / "city"
    shutil.copytree(DEFAULT_CITY_LIST_DIR, folder)
    (folder / "hostile.csv").write_text(HOSTILE_CSV, encoding="utf-8")
    bulk = tmp_path / "bulk.txt"
    bulk.write_text(DEFAULT_REGISTER_BULK_FILE.read_text(encoding="utf-8-sig") + "\n".join(HOSTILE_REGISTER_ROWS))
    monkeypatch.setenv("ASF_CITY_LIST_DIR", str(folder))
    monkeypatch.setenv("ASF_REGISTER_BULK_FILE", str(bulk))
    monkeypatch.setenv("ASF_REGISTRY_DB_URL", registry_url)
    with dg.instance_for_test() as instance:
        weekly = defs.resolve_job_def(WEEKLY_REGISTER_JOB_NAME).execute_in_process(instance=instance)
        result = run_nightly(instance)
        assert weekly.success and result.success
        checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
        assert checks["no_personnummer_published"] is True
        # Nor in what the runs wrote to Dagster's event log (metadata, previews, malformed register lines).
        logged = " ".join(
            str(record.event_log_entry)
            for run in (weekly, result)
            for record in instance.get_records_for_run(run.run_id, limit=100_000).records
        )
    assert "sole_trader_rows_skipped" in logged and "malformed_examples" in logged
    assert not contains_personnummer(logged) and "Tolvan" not in logged and "<script" not in logged

    values = _every_value(registry_url)
    assert set(values) >= {"organisations", "source_records", "quarantine", "judgements", "runs"}
    for table, pairs in values.items():
        for column, value in pairs:
            assert not (isinstance(value, str) and contains_personnummer(value)), f"{table}.{column}: {value!r}"
            assert "Tolvan" not in str(value), f"{table}.{column}"
    published = " ".join(str(v) for table in ("organisations", "source_records") for _, v in values[table])
    assert "<script" not in published and "<img" not in published and "Jättelångt" not in published
    names = {v for c, v in values["organisations"] if c == "name"}
    assert "Exempelträdgården Hostil ek. för." in names  # its contact's personnummer removed, the rest kept
    reasons = sorted(v for c, v in values["quarantine"] if c == "reason")
    assert reasons.count("name contains markup") == 2
    assert "a personnummer in name: personal data is not kept" in reasons
    assert "a personnummer in source_key: personal data is not kept" in reasons
    # h3, h9 and the example list's own sole trader.
    assert reasons.count("organisationsnummer is a personnummer (sole trader): personal data is not kept") == 3
    assert "Kooperativet Tio" in names  # its activity, which named a person and her number, is gone
    candidates = {v for c, v in values["register_candidates"] if c == "name"}
    assert "Exempel Lead AB" in candidates and not {n for n in candidates if "Tolvan" in str(n)}
    assert "name longer than 300 characters" in reasons

    # What leaves the registry for people: the exports in every format and the report.
    assert main(["export", "--format", "csv", "--output", str(tmp_path / "csv")]) == 0
    assert main(["export", "--format", "json", "--output", str(tmp_path / "registry.json")]) == 0
    assert main(["export", "--format", "xlsx", "--output", str(tmp_path / "registry.xlsx")]) == 0
    assert main(["export", "--format", "parquet", "--output", str(tmp_path / "parquet")]) == 0
    texts = {
        "csv": (tmp_path / "csv" / "organisations.csv").read_text(encoding="utf-8-sig")
        + (tmp_path / "csv" / "change_log.csv").read_text(encoding="utf-8-sig"),
        "json": (tmp_path / "registry.json").read_text(encoding="utf-8"),
        "report": (tmp_path / "reports" / "registry_report.html").read_text(encoding="utf-8"),
    }
    workbook = openpyxl.load_workbook(tmp_path / "registry.xlsx")
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    texts["xlsx"] = " ".join(str(cell.value) for cell in cells if cell.value is not None)
    texts["parquet"] = " ".join(
        str(value)
        for name in ("organisations", "change_log")
        for column in pq.read_table(tmp_path / "parquet" / f"{name}.parquet").to_pylist()
        for value in column.values()
    )
    for output, content in texts.items():
        assert not contains_personnummer(content), output
        assert "Tolvan" not in content and "<script" not in content and "<img" not in content, output
    assert "HYPERLINK" in texts["csv"]
    csv_cells = [cell for line in csv.reader(io.StringIO(texts["csv"])) for cell in line]
    assert not [c for c in csv_cells if c.lstrip()[:1] in ("=", "@")], "a formula would run in a spreadsheet"
    assert all(cell.data_type != "f" for cell in cells)


# -- file names and addresses named after a person -------------------------------------------------------------

# What officers name a list after: the applicant and her number, as written in a name, with underscores, and
# a samordningsnummer with a soft hyphen.
SOFT_HYPHEN = "\u00ad"
PERSONAL_FILE_NAMES = {
    "csv": f"Ansökan Anna {TOLVAN}.csv",
    "broken": f"Anna_{TOLVAN.replace('-', '_')}.xlsx",  # a text file renamed .xlsx: refused, naming the file
    "quote": f"Bilaga {SAMORDNING.replace('-', SOFT_HYPHEN)}.csv",  # a quote never closed: refused, naming the file
}


def _shows_a_number(text: str) -> bool:
    """A number of the test in the text, by the detector and by its digits (every written form of it)."""
    digits = "".join(c for c in text if c.isdigit())
    plain = [n.replace("-", "") for n in (TOLVAN, SAMORDNING)]
    return contains_personnummer(text) or any(n in digits for n in plain) or TOLVAN[:6] in text


def test_a_list_file_named_after_a_person_is_read_and_her_number_is_in_no_log_event_or_table(
    offline_env: None, registry_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    """A list file named ``Ansökan Anna 811218-9876.csv`` put the number in the log ("reading city list ...") and,
    through a sole trader's row, in quarantine.raw, which blocked every night. Now the file is read, the night
    publishes, and the number is nowhere: not in a log record, not in Dagster's events, not in a table."""
    folder = tmp_path / "city"
    shutil.copytree(DEFAULT_CITY_LIST_DIR, folder)
    (folder / PERSONAL_FILE_NAMES["csv"]).write_text(
        "Id;Namn;Organisationsnummer;Kommun\n"
        "a1;Kooperativet Ansökan;;Solna\n"
        f"a2;Annas Hemtjänst;{TOLVAN};Solna\n",  # a sole trader: quarantined, with where it came from
        encoding="utf-8",
    )
    (folder / PERSONAL_FILE_NAMES["broken"]).write_text("Namn\nKooperativet Trasig\n", encoding="utf-8")
    (folder / PERSONAL_FILE_NAMES["quote"]).write_text('Namn;Kommun\n"Kooperativet Öppen;Solna\n', encoding="utf-8")
    monkeypatch.setenv("ASF_CITY_LIST_DIR", str(folder))
    monkeypatch.setenv("ASF_REGISTRY_DB_URL", registry_url)
    caplog.set_level("DEBUG")
    with dg.instance_for_test() as instance:
        # Dagster's console logger does not reach the root logger: its log manager is given caplog's handler too,
        # so caplog sees every record the run logs (context.log, Dagster's own).
        handlers = instance.get_handlers
        monkeypatch.setattr(instance, "get_handlers", lambda: [*handlers(), caplog.handler])
        result = run_nightly(instance)
        events = [r.event_log_entry for r in instance.get_records_for_run(result.run_id, limit=100_000).records]
    assert result.success
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks["no_personnummer_published"] is True

    logged = [record.getMessage() for record in caplog.records]
    assert any(f"reading city list Ansökan Anna {REDACTED_PERSONNUMMER}.csv" in m for m in logged)
    assert [m for m in logged if _shows_a_number(m)] == []
    # Dagster's events: their messages, and every metadata value (parse warnings, errors, previews).
    texts = [event.user_message for event in events]
    for event in events:
        data = event.dagster_event.event_specific_data if event.dagster_event else None
        for holder in (data, getattr(data, "materialization", None), getattr(data, "asset_check_evaluation", None)):
            texts += [str(holder)] if holder is not None else []
    warnings = " ".join(texts)
    assert PERSONAL_FILE_NAMES["broken"].split("_")[0] in warnings and "not an Excel workbook" in warnings
    assert f"city list Bilaga {REDACTED_PERSONNUMMER}.csv skipped" in warnings
    assert [t for t in texts if _shows_a_number(t)] == []

    values = _every_value(registry_url)
    leaks = [(table, column) for table, pairs in values.items() for column, v in pairs if _shows_a_number(str(v))]
    assert leaks == []
    names = {v for c, v in values["organisations"] if c == "name"}
    assert "Kooperativet Ansökan" in names and "Annas Hemtjänst" not in names
    quarantined = [json.loads(v) for c, v in values["quarantine"] if c == "raw"]
    assert {"source_url": f"file:Ansökan Anna {REDACTED_PERSONNUMMER}.csv#row=3"} in quarantined
