"""The API client against a fake Bolagsverket on loopback that answers with recorded responses."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from registry.ingest.http_client import FetchError
from registry.register.bolagsverket_api import BolagsverketApi, MissingCredentials
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
