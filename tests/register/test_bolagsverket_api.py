"""The API client against a fake Bolagsverket on loopback that answers with recorded responses."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from registry.ingest.http_client import FetchError
from registry.register.bolagsverket_api import (
    DEFAULT_RETRY_AFTER,
    BolagsverketApi,
    MissingCredentials,
    parse_organisation,
    read_answer,
    retry_after_seconds,
)
from tests.register.fake_bolagsverket import FakeBolagsverket, running_fake


@pytest.fixture
def fake() -> Iterator[FakeBolagsverket]:
    with running_fake(rate_limit_first=True) as server:
        yield server


def _client(fake: FakeBolagsverket) -> BolagsverketApi:
    return BolagsverketApi(
        "id",
        "secret",
        token_url=fake.token_url,
        base_url=fake.url,
        requests_per_minute=6000,
        sleep=lambda _s: None,
    )


def test_a_look_up_by_orgnr(fake: FakeBolagsverket) -> None:
    answer = _client(fake).organisation("769600-1234")
    assert answer.errors == []
    (org,) = answer.organisations
    assert (org.orgnr, org.name, org.legal_form, org.active, org.deregistered) == (
        "769600-1234",
        "Exempelkooperativet Gröna Händer ek. för.",
        "EK",
        True,
        False,
    )
    assert org.sni == (("81300", "Skötsel och underhåll av grönytor"),)
    assert (org.street, org.postcode, org.postort) == ("Odlarvägen 3", "70211", "ÖREBRO")
    # The client credentials went to the token endpoint only; the look-up carried the bearer token.
    assert fake.seen[0][0] == "/oauth2/token" and "grant_type=client_credentials" in fake.seen[0][2]
    assert json.loads(fake.seen[-1][2]) == {"identitetsbeteckning": "7696001234"}


def test_a_200_holding_only_an_error_is_not_data(fake: FakeBolagsverket) -> None:
    answer = _client(fake).organisation("556677-7777")
    assert answer.organisations == []
    assert answer.errors == ["organisation: ORGANISATION_FINNS_EJ"]


def test_the_token_is_cached_and_renewed_when_refused(fake: FakeBolagsverket) -> None:
    client = _client(fake)
    client.organisation("769600-1234")
    client.organisation("769600-1234")
    assert fake.tokens_issued == 1
    fake.tokens_issued += 1  # the server forgets the token it gave out
    assert client.organisation("769600-1234").organisations
    assert fake.tokens_issued == 3


def test_credentials_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASF_BOLAGSVERKET_CLIENT_ID", raising=False)
    monkeypatch.delenv("ASF_BOLAGSVERKET_CLIENT_SECRET", raising=False)
    with pytest.raises(MissingCredentials, match="ASF_BOLAGSVERKET_CLIENT_ID"):
        BolagsverketApi.from_environment()
    monkeypatch.setenv("ASF_BOLAGSVERKET_CLIENT_ID", "id")
    monkeypatch.setenv("ASF_BOLAGSVERKET_CLIENT_SECRET", "secret")
    assert isinstance(BolagsverketApi.from_environment(), BolagsverketApi)


def test_proceedings_are_read_and_the_company_name_wins_over_a_secondary_name(fake: FakeBolagsverket) -> None:
    (org,) = _client(fake).organisation("769622-2228").organisations
    assert org.proceedings == ("KK",)
    assert org.name == "Exempelbageriet Surdegen ekonomisk förening"  # not the särskilt företagsnamn listed first
    (gone,) = _client(fake).organisation("769611-1116").organisations
    assert gone.deregistered and gone.proceedings == ()


def test_a_part_answered_with_an_error_says_nothing_about_proceedings(fake: FakeBolagsverket) -> None:
    answer = _client(fake).organisation("769644-4442")
    (org,) = answer.organisations
    assert org.proceedings is None
    assert org.errors == ("pagaendeAvvecklingsEllerOmstruktureringsforfarande: TEKNISKT_FEL",)


def test_an_answer_that_is_not_json_is_a_failed_request(fake: FakeBolagsverket) -> None:
    fake.raw_body = b"<html><body>Bad gateway</body></html>"
    with pytest.raises(FetchError, match="not JSON"):
        _client(fake).organisation("769600-1234")


NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("7", 7.0),
        (" 1.5 ", 1.5),
        ("-3", 0.0),  # a wait in the past is no wait
        (format_datetime(NOW + timedelta(seconds=30), usegmt=True), 30.0),  # 'Wed, 02 Dec 2026 02:00:30 GMT'
        ("Wed, 02 Dec 2026 02:00:45", 45.0),  # a date without its zone: GMT, as HTTP dates are
        (format_datetime(NOW - timedelta(hours=1), usegmt=True), 0.0),
        (None, DEFAULT_RETRY_AFTER),
        ("", DEFAULT_RETRY_AFTER),
        ("soon", DEFAULT_RETRY_AFTER),
        ("nan", DEFAULT_RETRY_AFTER),
        ("Wed, 99 Foo 2026", DEFAULT_RETRY_AFTER),
    ],
)
def test_retry_after_is_read_as_seconds_or_an_http_date(header: str | None, seconds: float) -> None:
    assert retry_after_seconds(header, NOW) == pytest.approx(seconds)


class _Clock:
    """A monotonic clock that moves only when told to or when the client sleeps: spacing without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_a_429_with_an_http_date_waits_until_that_date(fake: FakeBolagsverket) -> None:
    fake.retry_after = format_datetime(NOW + timedelta(seconds=12), usegmt=True)
    clock = _Clock()
    client = BolagsverketApi("id", "secret", token_url=fake.token_url, base_url=fake.url, clock=clock,
                             sleep=clock.sleep, now=lambda: NOW)  # fmt: skip
    assert client.organisation("769600-1234").organisations
    assert clock.slept == [pytest.approx(12.0)]  # the date; it is longer than the spacing, which adds nothing


def test_a_429_asking_for_a_long_wait_is_a_failed_request_not_a_stalled_night(fake: FakeBolagsverket) -> None:
    fake.retry_after = format_datetime(NOW + timedelta(hours=2), usegmt=True)
    clock = _Clock()
    client = BolagsverketApi("id", "secret", token_url=fake.token_url, base_url=fake.url, clock=clock,
                             sleep=clock.sleep, now=lambda: NOW)  # fmt: skip
    with pytest.raises(FetchError, match="HTTP 429, asking to wait 7200 s"):
        client.organisation("769600-1234")
    assert clock.slept == []


def test_look_ups_are_spaced_to_60_a_minute() -> None:
    clock = _Clock()
    with running_fake() as fake:  # no 429 first: only the spacing sleeps
        # The default rate: 60 requests a minute, one a second.
        client = BolagsverketApi("id", "secret", token_url=fake.token_url, base_url=fake.url, clock=clock,
                                 sleep=clock.sleep)  # fmt: skip
        for number in ("769600-1234", "769622-2228", "769611-1116"):
            client.organisation(number)
            clock.now += 0.25  # the time the answer took to read
        assert clock.slept == [pytest.approx(0.75), pytest.approx(0.75)]  # the first look-up waits for nothing
        clock.now += 5.0
        client.organisation("769644-4442")  # after a pause longer than the spacing, no wait
        assert len(clock.slept) == 2 and len(fake.lookups) == 4


def test_items_that_are_not_organisations_are_counted_not_raised(fake: FakeBolagsverket) -> None:
    named = {"namn": "Exempel AB", "organisationsnamntyp": {"kod": "FORETAGSNAMN"}}
    listed = ["769600-1234", 5, None, {"organisationsnamn": {"organisationsnamnLista": [named]}}]
    fake.raw_body = json.dumps({"organisationer": listed}).encode()
    answer = _client(fake).organisation("769600-1234")
    assert answer.malformed == 3 and [o.name for o in answer.organisations] == ["Exempel AB"]
    assert answer.errors == [
        "organisationer[0]: str, not an object",
        "organisationer[1]: int, not an object",
        "organisationer[2]: NoneType, not an object",
    ]
    assert read_answer({"organisationer": "769600-1234"}, "769600-1234").malformed == 1


def test_parts_of_the_wrong_json_type_say_nothing_and_raise_nothing() -> None:
    org = parse_organisation("769600-1234", {
        "organisationsnamn": {"organisationsnamnLista": [7, "x"]},
        "organisationsform": "EK",
        "verksamOrganisation": ["JA"],
        "verksamhetsbeskrivning": {"beskrivning": {"text": "Bageri"}},
        "naringsgrenOrganisation": {"sni": "10710"},
        "postadressOrganisation": {"postadress": "Degvägen 2"},
        "avregistreradOrganisation": "2026-01-01",
        "pagaendeAvvecklingsEllerOmstruktureringsforfarande": {
            "pagaendeAvvecklingsEllerOmstruktureringsforfarandeLista": "KK"},
    })  # fmt: skip
    assert (org.name, org.legal_form, org.active, org.deregistered, org.description, org.sni, org.street) == (
        None, None, None, False, None, (), None
    )  # fmt: skip
    assert org.proceedings is None  # not "none ongoing": it was not said
    assert org.errors == (
        "organisationsform: str, not an object",
        "verksamOrganisation: list, not an object",
        "avregistreradOrganisation: str, not an object",
    )
