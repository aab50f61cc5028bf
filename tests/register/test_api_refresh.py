"""The nightly refresh of matched organisations' status and name from Bolagsverket's API, against the fake
gateway: what it changes, what it asks, and that nothing it meets can fail the night or lose a value."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from registry.register.api_refresh import AnswerCache, RefreshLimits, refresh_matches
from registry.register.bolagsverket_api import ApiAnswer, BolagsverketApi
from registry.register.enrichment import RegisterMatch
from tests.factories import register_entry
from tests.register.fake_bolagsverket import FakeBolagsverket, running_fake

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def _match(key: str, orgnr: str, name: str) -> RegisterMatch:
    return RegisterMatch(key, register_entry(orgnr, name), "orgnr", 1.0, "valid orgnr")


BAKERY = _match("asf-bakery", "769622-2228", "Exempelbageriet Surdegen ekonomisk förening")
CLEANERS = _match("asf-clean", "769611-1116", "Exempel Städkooperativ Väst ekonomisk förening")
CYCLES = _match("asf-cycle", "769644-4442", "Exempel Cykelkooperativ Söder ekonomisk förening")
UNKNOWN = _match("asf-unknown", "556677-7777", "Okänd Förening")
UNMATCHED = RegisterMatch("asf-none", None, "none", 0.0, "no candidate")
MATCHES = {m.key: m for m in (BAKERY, CLEANERS, CYCLES, UNKNOWN, UNMATCHED)}


@pytest.fixture
def fake() -> Iterator[FakeBolagsverket]:
    with running_fake() as server:
        yield server


def _api(fake: FakeBolagsverket) -> BolagsverketApi:
    return BolagsverketApi("id", "secret", token_url=fake.token_url, base_url=fake.url, requests_per_minute=6000)


def test_the_api_corrects_status_and_keeps_what_it_does_not_say(fake: FakeBolagsverket, tmp_path: Path) -> None:
    messages: list[str] = []
    result, report = refresh_matches(MATCHES, _api(fake), AnswerCache(tmp_path / "cache.sqlite"), NOW,
                                     log=messages.append)  # fmt: skip
    status = {key: m.entry.status if m.entry else None for key, m in result.items()}
    assert status == {
        "asf-bakery": "bankruptcy",  # an ongoing bankruptcy this week
        "asf-clean": "deregistered",
        "asf-cycle": "active",  # the proceedings part answered with an error: the snapshot's value stands
        "asf-unknown": "active",  # not found: the snapshot's value stands
        "asf-none": None,
    }
    assert report.changed == {
        "asf-bakery": ["register_status: active -> bankruptcy"],
        "asf-clean": ["register_status: active -> deregistered"],
    }
    assert (report.asked, report.not_found, report.stopped) == (4, 1, None)
    assert result["asf-unknown"] is UNKNOWN and result["asf-none"] is UNMATCHED
    # Only matched organisations were asked about, each once.
    assert sorted(fake.lookups) == ["5566777777", "7696111116", "7696222228", "7696444442"]
    assert any("769622-2228" in m and "bankruptcy" in m for m in messages)


def test_a_new_company_name_replaces_the_snapshots(fake: FakeBolagsverket, tmp_path: Path) -> None:
    renamed = _match("asf-bakery", "769622-2228", "Surdegen i Stockholm ekonomisk förening")
    result, report = refresh_matches({"asf-bakery": renamed}, _api(fake), AnswerCache(tmp_path / "c.sqlite"), NOW)
    assert result["asf-bakery"].entry is not None
    assert result["asf-bakery"].entry.name == "Exempelbageriet Surdegen ekonomisk förening"
    assert (
        "register_name: Surdegen i Stockholm ekonomisk förening -> Exempelbageriet Surdegen ekonomisk förening"
        in (report.changed["asf-bakery"])
    )


def test_a_rerun_the_same_night_asks_nothing_again(fake: FakeBolagsverket, tmp_path: Path) -> None:
    cache = AnswerCache(tmp_path / "cache.sqlite")
    first, _ = refresh_matches(MATCHES, _api(fake), cache, NOW)
    asked = len(fake.lookups)
    again, report = refresh_matches(MATCHES, _api(fake), cache, NOW + timedelta(hours=3))
    assert len(fake.lookups) == asked and report.from_cache == 4
    assert again == first
    # The next night's answers are fetched anew.
    refresh_matches(MATCHES, _api(fake), cache, NOW + timedelta(days=1))
    assert len(fake.lookups) == 2 * asked


def test_an_api_in_trouble_stops_the_refresh_and_keeps_every_value(fake: FakeBolagsverket, tmp_path: Path) -> None:
    fake.fail_with = 503
    result, report = refresh_matches(MATCHES, _api(fake), AnswerCache(tmp_path / "cache.sqlite"), NOW)
    assert result == MATCHES and report.changed == {}
    assert report.stopped is not None and "did not answer" in report.stopped and "503" in report.stopped
    assert len(fake.lookups) == 1  # one failure stops the refresh: no hammering a gateway that is down


def test_an_html_error_page_is_not_taken_for_data(fake: FakeBolagsverket, tmp_path: Path) -> None:
    fake.raw_body = b"<html>Service Unavailable</html>"
    result, report = refresh_matches(MATCHES, _api(fake), AnswerCache(tmp_path / "cache.sqlite"), NOW)
    assert result == MATCHES and report.stopped is not None and "not JSON" in report.stopped


def test_a_slow_api_is_cut_at_the_refreshs_deadline(fake: FakeBolagsverket, tmp_path: Path) -> None:
    fake.delay = 5.0
    started = time.monotonic()
    result, report = refresh_matches(
        MATCHES, _api(fake), AnswerCache(tmp_path / "cache.sqlite"), NOW, RefreshLimits(deadline_seconds=0.5)
    )
    assert time.monotonic() - started < 4.0
    assert result == MATCHES
    assert report.stopped == "the refresh's 0.5 s were up"


def test_at_most_max_lookups_a_night(fake: FakeBolagsverket, tmp_path: Path) -> None:
    result, report = refresh_matches(
        MATCHES, _api(fake), AnswerCache(tmp_path / "cache.sqlite"), NOW, RefreshLimits(max_lookups=2)
    )
    assert len(fake.lookups) == 2 and report.asked == 2
    assert report.stopped == "at most 2 look-ups a night"
    # Sorted by registry ID: the bakery and the cleaners were refreshed, the rest keep the snapshot's values.
    assert result["asf-cycle"] is CYCLES and result["asf-unknown"] is UNKNOWN


def test_a_deregistration_is_never_undone_and_an_unanswered_part_changes_nothing(
    fake: FakeBolagsverket, tmp_path: Path
) -> None:
    gone = RegisterMatch("asf-bakery", register_entry("769622-2228", "Exempelbageriet Surdegen ekonomisk förening",
                                                      status="deregistered"), "orgnr", 1.0, "valid orgnr")  # fmt: skip
    result, report = refresh_matches({"asf-bakery": gone}, _api(fake), AnswerCache(tmp_path / "c.sqlite"), NOW)
    assert result["asf-bakery"].entry is not None and result["asf-bakery"].entry.status == "deregistered"
    assert report.changed == {}


def test_proceedings_are_not_read_when_the_deregistration_part_failed(tmp_path: Path) -> None:
    from registry.register.api_refresh import refreshed
    from registry.register.bolagsverket_api import ApiOrganisation

    answer = ApiOrganisation("769622-2228", "Exempelbageriet Surdegen ekonomisk förening", "EK", None, None, False,
                             None, (), None, None, None, errors=("avregistreradOrganisation: TEKNISKT_FEL",),
                             proceedings=())  # fmt: skip
    assert refreshed(BAKERY, answer) == (BAKERY, [])


def test_a_retry_after_written_as_a_date_is_waited_for_not_raised(tmp_path: Path) -> None:
    with running_fake(rate_limit_first=True) as fake:
        fake.retry_after = format_datetime(datetime.now(UTC) - timedelta(seconds=5), usegmt=True)  # already past
        result, report = refresh_matches(MATCHES, _api(fake), AnswerCache(tmp_path / "cache.sqlite"), NOW)
    assert report.stopped is None and report.asked == 4
    assert result["asf-bakery"].entry is not None and result["asf-bakery"].entry.status == "bankruptcy"


def test_an_answer_that_cannot_be_read_is_a_counted_failure_never_cached(
    fake: FakeBolagsverket, tmp_path: Path
) -> None:
    fake.raw_body = json.dumps({"organisationer": ["7696222228", ["KK"]]}).encode()
    warnings: list[str] = []
    cache = AnswerCache(tmp_path / "cache.sqlite")
    result, report = refresh_matches(MATCHES, _api(fake), cache, NOW, warn=warnings.append)
    # Every organisation was asked about, none lost its value, and none was taken for "not found".
    assert result == MATCHES and report.stopped is None
    assert (report.asked, report.unreadable, report.not_found) == (4, 4, 0)
    assert "4 answered with data that could not be read" in report.summary()
    assert len(warnings) == 4 and "organisationer[0]: str, not an object" in warnings[0]
    assert "7696222228" not in " ".join(warnings)  # what the answer held is not repeated, only its JSON types
    # Not cached: the next run asks again and takes a good answer.
    fake.raw_body = None
    again, report = refresh_matches(MATCHES, _api(fake), cache, NOW + timedelta(hours=1))
    assert report.from_cache == 0 and report.unreadable == 0
    assert again["asf-bakery"].entry is not None and again["asf-bakery"].entry.status == "bankruptcy"


class _BrokenAfter(BolagsverketApi):
    """A client that meets a bug nobody foresaw after ``good`` look-ups."""

    def __init__(self, fake: FakeBolagsverket, good: int) -> None:
        super().__init__("id", "secret", token_url=fake.token_url, base_url=fake.url, requests_per_minute=6000)
        self.good = good

    def organisation(self, orgnr: str) -> ApiAnswer:
        if self.good == 0:
            raise KeyError("kod")
        self.good -= 1
        return super().organisation(orgnr)


def test_an_unexpected_error_stops_the_refresh_and_keeps_what_it_refreshed(
    fake: FakeBolagsverket, tmp_path: Path
) -> None:
    result, report = refresh_matches(MATCHES, _BrokenAfter(fake, good=1), AnswerCache(tmp_path / "c.sqlite"), NOW)
    assert report.stopped == "an unexpected error (KeyError: 'kod')"
    assert "stopped early: an unexpected error (KeyError: 'kod')" in report.summary()
    # Sorted by registry ID: the bakery was refreshed before the error; the rest keep the snapshot's values.
    assert result["asf-bakery"].entry is not None and result["asf-bakery"].entry.status == "bankruptcy"
    assert {k: v for k, v in result.items() if k != "asf-bakery"} == {
        k: v for k, v in MATCHES.items() if k != "asf-bakery"
    }


def test_a_corrupt_cache_stops_the_refresh_not_the_caller(fake: FakeBolagsverket, tmp_path: Path) -> None:
    cache = AnswerCache(tmp_path / "cache.sqlite")
    (tmp_path / "cache.sqlite").write_bytes(b"not a database, a disk that filled up" * 100)
    result, report = refresh_matches(MATCHES, _api(fake), cache, NOW)
    assert result == MATCHES and report.stopped is not None and "DatabaseError" in report.stopped
