"""Personal identity numbers: found in every written form, never mistaken for an organisationsnummer, never stored
from the register, and never published even when a guard where data enters misses one."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import sys
import unicodedata
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import MetaData
from sqlalchemy import select as select_rows
from sqlmodel import Session, select

from pipelines.cli import main
from registry.identity.judgement_store import load_graph
from registry.identity.registry_ids import assign_registry_ids
from registry.identity.resolve import resolve
from registry.ingest import records
from registry.ingest.records import SourceRecord
from registry.night import ResolvedNight, SourceBatch
from registry.publish.publish import publish
from registry.reference.orgnr import OrgnrStatus, parse_orgnr
from registry.reference.personnummer import (
    DASHES,
    REDACTED_PERSONNUMMER,
    contains_personnummer,
    is_personnummer,
    redact_personnummer,
    shown_location,
)
from registry.register.bolagsverket import ParseReport
from registry.register.bulk_columns import iter_rows
from registry.register.register_snapshot import RegisterSnapshot, build_snapshot
from registry.settings import DEFAULT_CITY_LIST_DIR
from registry.store.db import create_schema, make_engine
from registry.store.models import Organisation
from registry.store.personal_data import PersonalDataFound
from tests.factories import FETCHED, record
from tests.personal_numbers import SAMORDNING, TOLVAN, orgnr, personnummer
from tests.pipeline_helpers import registry_snapshot
from tests.register_files import HEADER, register_row

# -- the detector ----------------------------------------------------------------------------------------------


SEPARATORS = [
    "", "-", " ", " - ", " – ", "–", "—", "\u2212", "\u00a0", " -", "- ", "\u2009–\u2009",
    # Invisible format characters (Unicode Cf) as or around the separator: a soft hyphen, a zero-width space, a
    # word joiner, a byte order mark, a left-to-right mark.
    "\u00ad", "\u200b", "-\u00ad", "\u00ad-", "\u200b-\u200b", " \u2060– ", "\ufeff", "\u200e", "\u200b\u00ad",
    # A full stop, a slash, an underscore (a space in a file name), and the fullwidth forms of the signs.
    ".", "/", " / ", "_", "\uff0d", "\uff0e", "\u3000", "\ufe63", "\u2044",
]  # fmt: skip
# The zero of each set of decimal digits a number may be written in: ASCII, fullwidth (as East Asian input
# methods write it), Arabic-Indic, Persian, Devanagari, Bengali, mathematical bold (category Nd, all of them).
DIGIT_ZEROS = ["0", "\uff10", "\u0660", "\u06f0", "\u0966", "\u09e6", "\U0001d7ce"]
FORMAT_CHARACTERS = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u2062"]
# Text around a number: anything but digits right next to it (a longer run of digits is another number).
AROUND = st.text(alphabet=st.characters(blacklist_categories=("Nd", "Cs")), max_size=30)


def _in_digits(written: str, zeros: list[str]) -> str:
    """``written`` with each ASCII digit in the set of digits of the zero drawn for it."""
    digits = iter(zeros)
    return "".join(chr(ord(next(digits)) + int(c)) if c.isdigit() else c for c in written)


@st.composite
def digit_forms(draw: st.DrawFn, written: str) -> str:
    """A number as any script writes its digits (mostly one script, sometimes mixed, as a pasted text may be),
    sometimes with an invisible format character inside it."""
    count = sum(c.isdigit() for c in written)
    if draw(st.booleans()):
        zeros = [draw(st.sampled_from(DIGIT_ZEROS))] * count
    else:
        zeros = draw(st.lists(st.sampled_from(DIGIT_ZEROS), min_size=count, max_size=count))
    written = _in_digits(written, zeros)
    if draw(st.booleans()):  # strictly inside: what is redacted is exactly the number
        at = draw(st.integers(1, len(written) - 1))
        written = written[:at] + draw(st.sampled_from(FORMAT_CHARACTERS)) + written[at:]
    return written


@st.composite
def written_personal_numbers(draw: st.DrawFn) -> str:
    born = draw(st.dates(min_value=dt.date(1890, 1, 1), max_value=dt.date(2026, 11, 30)))
    day = born.day + (60 if draw(st.booleans()) else 0)  # a samordningsnummer adds 60 to the day
    serial = f"{draw(st.integers(0, 999)):03d}"
    yymmdd = f"{born.year % 100:02d}{born.month:02d}{day:02d}"
    with_century = draw(st.booleans())
    separator = draw(st.sampled_from(SEPARATORS))
    if not with_century and born.year < 1926 and draw(st.booleans()):
        separator = draw(st.sampled_from(["+", "\uff0b"]))  # aged 100 or more: the dash becomes a plus
    written = personnummer(yymmdd, serial, separator, century=f"{born.year // 100}" if with_century else "")
    return draw(digit_forms(written))


@st.composite
def written_organisation_numbers(draw: st.DrawFn) -> str:
    first_nine = f"{draw(st.integers(1, 9))}{draw(st.integers(0, 9))}{draw(st.integers(2, 9))}" + "".join(
        str(draw(st.integers(0, 9))) for _ in range(6)
    )
    written = orgnr(first_nine, draw(st.sampled_from(["-", "", " ", "–", " - ", "\u00ad", "\u200b-", ".", "/"])))
    return draw(digit_forms(f"16{written}" if draw(st.booleans()) else written))


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(number=written_personal_numbers(), before=AROUND, after=AROUND)
def test_a_personal_number_in_any_written_form_inside_any_text_is_found(number: str, before: str, after: str) -> None:
    text = before + number + after
    assert contains_personnummer(text)
    redacted = redact_personnummer(text)
    # Exactly the number's characters go, invisible ones inside it too, and nothing of the text around it.
    assert redacted == before + REDACTED_PERSONNUMMER + after
    assert not contains_personnummer(redacted)
    assert parse_orgnr(number).status is OrgnrStatus.PERSONNUMMER


@settings(max_examples=400)
@given(number=written_organisation_numbers(), before=AROUND, after=AROUND)
def test_an_organisationsnummer_in_any_written_form_is_never_taken_for_a_person(
    number: str, before: str, after: str
) -> None:
    text = before + number + after
    assert not contains_personnummer(text)
    assert redact_personnummer(text) == text
    assert parse_orgnr(number).status is OrgnrStatus.VALID


@pytest.mark.parametrize(
    "text",
    [
        f"Anna {TOLVAN.replace('-', ' - ')} Catering",  # spaces around the dash
        f"Anna {TOLVAN.replace('-', '–')} Catering",  # an en dash, as word processors write it
        f"Anna {TOLVAN.replace('-', '—')}",  # an em dash
        f"pnr:19{TOLVAN}",  # with the century, glued to the word before it
        f"({SAMORDNING})",  # a samordningsnummer
        TOLVAN.replace("-", ""),
        # The forms an audit published later: invisible characters as or around the separator, a full stop or
        # a slash, fullwidth digits.
        TOLVAN.replace("-", "\u00ad"),  # a soft hyphen, invisible where the line does not break
        "Städ Tolvan " + TOLVAN.replace("-", "\u200b-"),  # a zero-width space before the dash
        TOLVAN.replace("-", "\u2060"),  # a word joiner
        f"Ref {TOLVAN.replace('-', '.')}",
        f"{SAMORDNING.replace('-', '/')} Anna",
        _in_digits(TOLVAN, ["\uff10"] * 10),  # fullwidth digits, the dash as it is
        _in_digits(TOLVAN.replace("-", "\uff0d"), ["\uff10"] * 10),  # and a fullwidth hyphen
        _in_digits(TOLVAN, ["\u0660"] * 10),  # Arabic-Indic digits
        f"https://lista.example/foretag/{TOLVAN.replace('-', '%2D')}",  # percent-encoded in an address
        "?q=" + quote(_in_digits(TOLVAN, ["\uff10"] * 10)),  # fullwidth, then percent-encoded
    ],
)
def test_the_written_forms_that_were_published_are_found(text: str) -> None:
    assert contains_personnummer(text)
    assert redact_personnummer(text).count(REDACTED_PERSONNUMMER) == 1


def test_every_dash_unicode_has_is_a_separator() -> None:
    dashes = {chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Pd"}
    assert dashes <= set(DASHES)


@pytest.mark.parametrize(
    "text",
    [
        "1981-12-18",  # a date alone
        "18.12.1981",
        "2021/12/18 12:34",
        "Dnr KS 2021/01234",
        "Bankgiro 5050-1055",
        "ISBN 978-91-7343-120-5",
        "tel 08-123 456 78",
        "Öppet 09:00\u201317:00, 1.234,50 kr",
        "version 1.2.3_20211218",
        "²811218-98",  # a superscript is not a digit of a number, and too few digits anyway
        "https://example.org/a%20b%2Fc?x=1&y=%E2%80%93",
        orgnr("556016068", "\u00ad"),
        _in_digits(orgnr("556016068"), ["\uff10"] * 10),
    ],
)
def test_ordinary_dates_and_numbers_are_not_flagged_in_any_writing(text: str) -> None:
    assert not contains_personnummer(text) and redact_personnummer(text) == text


def test_redaction_removes_the_invisible_characters_inside_a_number_and_keeps_those_around_it() -> None:
    hidden = TOLVAN.replace("-", "\u200b\u00ad-")
    assert redact_personnummer(f"a\u200b {hidden} \u00adb") == f"a\u200b {REDACTED_PERSONNUMMER} \u00adb"
    encoded = f"/foretag/{TOLVAN[:6]}%E2%80%93{TOLVAN[7:]}?x=1"  # an en dash, percent-encoded
    assert redact_personnummer(encoded) == f"/foretag/{REDACTED_PERSONNUMMER}?x=1"


def test_a_path_or_url_is_shown_without_a_personal_number() -> None:
    shown = shown_location(Path(f"/lists/Ansökan Anna {TOLVAN}.csv"))
    assert shown == f"/lists/Ansökan Anna {REDACTED_PERSONNUMMER}.csv"
    assert shown_location(f"Anna_{TOLVAN.replace('-', '_')}.xlsx") == f"Anna_{REDACTED_PERSONNUMMER}.xlsx"
    assert shown_location(f"https://x.example/foretag/{TOLVAN.replace('-', '')}") == (
        f"https://x.example/foretag/{REDACTED_PERSONNUMMER}"
    )
    assert shown_location("stockholm_asf_exempel.csv") == "stockholm_asf_exempel.csv"


def test_a_whole_value_is_recognised_as_one_number_but_not_a_number_inside_words() -> None:
    assert is_personnummer(f" {TOLVAN} ") and is_personnummer(SAMORDNING.replace("-", " – "))
    assert not is_personnummer(f"Kontakt {TOLVAN}") and not is_personnummer(orgnr("556016068"))
    # A number whose date is right but check digit wrong is not flagged in free text (too many false alarms)...
    wrong_check = TOLVAN[:-1] + str((int(TOLVAN[-1]) + 1) % 10)
    assert not contains_personnummer(f"faktura {wrong_check}")
    # ...but in the orgnr field a month in third place is never kept in clear, whatever its check digit.
    assert parse_orgnr(wrong_check).status is OrgnrStatus.PERSONNUMMER
    assert parse_orgnr(f"19{wrong_check}").status is OrgnrStatus.PERSONNUMMER
    assert parse_orgnr(f"Org.nr {TOLVAN}").as_written == REDACTED_PERSONNUMMER


# -- source records --------------------------------------------------------------------------------------------


def test_a_source_record_with_a_personal_number_in_its_name_or_orgnr_is_quarantined_without_it() -> None:
    spaced, en_dash = TOLVAN.replace("-", " - "), TOLVAN.replace("-", "–")
    batch = records.validate(
        [
            SourceRecord("city_list", "a", f"Städhjälpen {spaced}", FETCHED),
            SourceRecord("city_list", "b", "Catering Anna", FETCHED, orgnr_as_written=en_dash),
            SourceRecord(
                "city_list",
                "c",
                "Kooperativet Ett",
                FETCHED,
                activity=f"Kontakt: Anna, {SAMORDNING}",
                orgnr_as_written=orgnr("769600123"),
            ),
        ]
    )
    assert [r.source_key for r in batch.records] == ["c"]
    assert batch.records[0].activity is None and batch.records[0].orgnr == orgnr("769600123")
    for quarantined in batch.quarantined:
        assert not contains_personnummer(repr(quarantined)) and "Anna" not in repr(quarantined)


# -- register rows ---------------------------------------------------------------------------------------------


def test_register_rows_identified_by_a_person_are_never_stored_and_never_echoed() -> None:
    plain = TOLVAN.replace("-", "")
    lines = [
        HEADER,
        register_row(f"{orgnr('556016068', '')}$ORGNR-IDORG", "Riktigt Bolag AB", f"Kontakt {TOLVAN} Anna"),
        register_row(f"19{plain}$PERSON-IDORG", "Anna Anderssons Firma"),
        register_row(f"{SAMORDNING.replace('-', '')}$SAMORDNR-IDORG", "Samordnad Firma"),
        register_row(f"{plain}$ORGNR-IDORG", "Felmärkt Firma"),  # a person's number under the organisation label
        register_row(plain, "Omärkt Firma"),
        register_row(f"{orgnr('302000123', '')}$NYTYP-IDORG", "Okänd Typ"),
        f'"19{plain}$PERSON-IDORG";"too few fields"',  # malformed: counted, never quoted
    ]
    report = ParseReport()
    rows = list(iter_rows(io.BufferedReader(io.BytesIO("\n".join(lines).encode())), report))
    assert [row[1] for row in rows] == ["Riktigt Bolag AB"]
    assert report.personnummer_rows_skipped == 5 and report.malformed == 1
    assert report.identity_types_skipped == {
        "PERSON-IDORG": 1,
        "SAMORDNR-IDORG": 1,
        "ORGNR-IDORG holding a personnummer": 1,
        "unlabelled holding a personnummer": 1,
        "NYTYP-IDORG": 1,
    }
    assert not contains_personnummer(" ".join(report.malformed_examples)) and plain not in repr(report)


def test_a_register_entry_read_from_the_snapshot_carries_no_personal_number(tmp_path: Path) -> None:
    bulk = tmp_path / "bulk.txt"
    bulk.write_text(
        HEADER + "\n"
        + register_row(f"{orgnr('556016068', '')}$ORGNR-IDORG", "Riktigt Bolag AB", f"Kontakt {TOLVAN} Anna") + "\n",
        encoding="utf-8",
    )  # fmt: skip
    build_snapshot(bulk, tmp_path / "snapshot")
    with RegisterSnapshot(tmp_path / "snapshot") as snapshot:
        (entry,) = snapshot.by_orgnr(orgnr("556016068"))
    assert entry.name == "Riktigt Bolag AB" and entry.description is None


# -- the last line: publishing refuses -------------------------------------------------------------------------


def _publish(url: str, run_id: str, night: list[SourceRecord]) -> None:
    engine = make_engine(url)
    create_schema(engine)
    try:
        with Session(engine) as session:
            resolution = assign_registry_ids(session, resolve(night, prior=load_graph(session)).clusters)
            publish(session, run_id, ResolvedNight([SourceBatch("city_list", True, night)], resolution), {})
            session.commit()
    finally:
        engine.dispose()


def test_publishing_refuses_a_night_that_would_publish_a_personal_number(registry_url: str) -> None:
    """A guard where data enters could miss a form nobody thought of: then nothing of the night is committed."""
    good = record("city_list", "a", "Kooperativet Ett", municipality="Solna")
    _publish(registry_url, "night-1", [good])
    leaked = SourceRecord(**{**good.as_row(), "activity": f"Kontakt {TOLVAN.replace('-', ' – ')}"})  # not validated
    with pytest.raises(PersonalDataFound) as refused:
        _publish(registry_url, "night-2", [leaked])
    assert "organisations.activity" in str(refused.value) and "source_records.activity" in str(refused.value)
    assert TOLVAN[:6] not in str(refused.value)
    engine = make_engine(registry_url)
    with Session(engine) as session:
        assert [o.activity for o in session.exec(select(Organisation))] == [None]
    engine.dispose()


def test_a_night_whose_personal_number_got_past_the_guards_publishes_nothing_and_says_where(
    nightly_env: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run"]) == 0
    before = registry_snapshot(nightly_env)
    folder = tmp_path / "city"
    shutil.copytree(DEFAULT_CITY_LIST_DIR, folder)
    (folder / "leak.csv").write_text(
        f"Id;Namn;Kommun;Verksamhet\nL1;Kooperativet Läckan;Solna;Kontakt {TOLVAN.replace('-', ' – ')}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("ASF_CITY_LIST_DIR", str(folder))
    monkeypatch.setattr(records, "contains_personnummer", lambda _text: False)  # a hole in the guard at the door
    capsys.readouterr()

    assert main(["run"]) == 1

    said = capsys.readouterr()
    assert "organisations.activity" in said.err and "Inget publicerades" in said.err
    assert not contains_personnummer(said.out + said.err) and TOLVAN[:6] not in said.out + said.err
    assert registry_snapshot(nightly_env) == before


# -- end to end: the forms a reader sees as a number but a program does not -------------------------------------


def _leaks_a_number(text: str) -> bool:
    """Whether one of the test's numbers is in ``text``, found without the detector: every decimal digit of any
    script read as its value, everything else (separators, invisible characters) ignored."""
    digits = "".join(str(unicodedata.decimal(c)) for c in text if c.isdecimal())
    return any(number.replace("-", "") in digits for number in (TOLVAN, SAMORDNING))


def _every_text(db_url: str) -> list[tuple[str, str]]:
    """``(table.column, value)`` for every text value of every table and view, read with plain SQL."""
    engine = make_engine(db_url)
    metadata = MetaData()
    metadata.reflect(engine, views=True)
    found: list[tuple[str, str]] = []
    try:
        with engine.connect() as connection:
            for table in metadata.sorted_tables:
                for row in connection.execute(select_rows(table)):
                    found += [(f"{table.name}.{c}", v) for c, v in row._mapping.items() if isinstance(v, str)]
    finally:
        engine.dispose()
    return found


SOFT_HYPHEN, ZERO_WIDTH_SPACE, WORD_JOINER, FULLWIDTH_HYPHEN = "\u00ad", "\u200b", "\u2060", "\uff0d"
FULLWIDTH_ZEROS, ARABIC_INDIC_ZEROS = ["\uff10"] * 10, ["\u0660"] * 10
HIDDEN_FORMS_CSV = (
    "Id;Namn;Organisationsnummer;Kommun;Verksamhet\n"
    # A soft hyphen as the separator, in the orgnr (a sole trader) and in the activity.
    f"w1;Kafé Mjuk;{TOLVAN.replace('-', SOFT_HYPHEN)};Solna;Kontakt {TOLVAN.replace('-', SOFT_HYPHEN)}\n"
    # A zero-width space before the dash, in a name.
    f"w2;Städ {TOLVAN.replace('-', ZERO_WIDTH_SPACE + '-')};;Solna;Städning\n"
    # Fullwidth digits and a fullwidth hyphen; Arabic-Indic digits; a full stop and a slash.
    f"w3;Kooperativet Bredd;;Solna;Kontakt {_in_digits(TOLVAN.replace('-', FULLWIDTH_HYPHEN), FULLWIDTH_ZEROS)}\n"
    f"w4;Kooperativet Skrift;;Solna;Kontakt {_in_digits(TOLVAN, ARABIC_INDIC_ZEROS)}\n"
    f"w5;Kooperativet Punkt;;Solna;Ref {TOLVAN.replace('-', '.')} och {SAMORDNING.replace('-', '/')}\n"
    # A word joiner in a samordningsnummer as an orgnr.
    f"w6;Kafé Fogad;{SAMORDNING.replace('-', WORD_JOINER)};Solna;\n"
)


def test_a_night_with_numbers_written_with_invisible_characters_other_digits_or_dots_publishes_none_of_them(
    nightly_env: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The forms an audit got through to every published table, view, export and the report, exit 0: the night
    still publishes (the guards where data enters catch them), and none of them is anywhere."""
    folder = tmp_path / "city"
    shutil.copytree(DEFAULT_CITY_LIST_DIR, folder)
    (folder / "dolda.csv").write_text(HIDDEN_FORMS_CSV, encoding="utf-8")
    monkeypatch.setenv("ASF_CITY_LIST_DIR", str(folder))

    assert main(["run"]) == 0
    assert main(["export", "--format", "csv", "--output", str(tmp_path / "csv")]) == 0
    assert main(["export", "--format", "json", "--output", str(tmp_path / "registry.json")]) == 0

    said = capsys.readouterr()
    assert not _leaks_a_number(said.out + said.err)
    values = _every_text(nightly_env)
    assert {column.split(".")[0] for column, _ in values} >= {
        "organisations", "source_records", "quarantine", "change_log", "registry_v1_organisations"
    }  # fmt: skip
    assert [column for column, value in values if _leaks_a_number(value)] == []
    names = {value for column, value in values if column == "organisations.name"}
    assert {"Kooperativet Bredd", "Kooperativet Skrift", "Kooperativet Punkt"} <= names
    assert not {n for n in names if n.startswith(("Kafé Mjuk", "Städ 8", "Kafé Fogad"))}
    reasons = [value for column, value in values if column == "quarantine.reason"]
    assert "a personnummer in name: personal data is not kept" in reasons
    assert reasons.count("organisationsnummer is a personnummer (sole trader): personal data is not kept") >= 3
    report = tmp_path / "reports" / "registry_report.html"
    for path in [*(tmp_path / "csv").iterdir(), tmp_path / "registry.json", report]:
        assert not _leaks_a_number(path.read_text(encoding="utf-8-sig")), path.name
