"""Bolagsverket's API "Värdefulla datamängder": single look-ups by organisationsnummer.

OAuth2 client credentials come from the environment (ASF_BOLAGSVERKET_CLIENT_ID, ASF_BOLAGSVERKET_CLIENT_SECRET),
never from code; the token is cached until shortly before it expires. Requests are spaced to stay under the
reported 60-100 requests a minute, and a 429 waits for Retry-After. Every part of an answer may carry its own
``fel`` (error), so an HTTP 200 can hold no data: such errors are collected, never taken for data.
For matching by name the bulk file is the tool; this client is for checking single organisations.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from registry.ingest.http_client import FetchError, HostRateLimiter

TOKEN_URL = "https://portal.api.bolagsverket.se/oauth2/token"
BASE_URL = "https://gw.api.bolagsverket.se/vardefulla-datamangder/v1"
SCOPE = "vardefulla-datamangder:read"


class MissingCredentials(RuntimeError):
    pass


@dataclass(frozen=True)
class ApiOrganisation:
    orgnr: str
    name: str | None
    legal_form: str | None
    legal_form_text: str | None
    active: bool | None
    deregistered: bool
    description: str | None
    sni: tuple[tuple[str, str], ...]
    street: str | None
    postcode: str | None
    postort: str | None
    errors: tuple[str, ...] = ()


@dataclass
class ApiAnswer:
    organisations: list[ApiOrganisation] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _errors(part: object, where: str) -> list[str]:
    if not isinstance(part, Mapping) or not part.get("fel"):
        return []
    fel = part["fel"]
    items = fel if isinstance(fel, list) else [fel]
    found = []
    for item in items:
        code = (item.get("typ") or item.get("kod") or item) if isinstance(item, Mapping) else item
        found.append(f"{where}: {code}")
    return found


def _name(part: Any) -> str | None:
    if isinstance(part, str):
        return part
    if isinstance(part, Mapping):
        listed = part.get("organisationsnamnLista") or part.get("namnLista")
        if isinstance(listed, list) and listed:
            first = listed[0]
            return first.get("namn") if isinstance(first, Mapping) else str(first)
        return part.get("namn")
    return None


def parse_organisation(orgnr: str, data: Mapping[str, Any]) -> ApiOrganisation:
    errors: list[str] = []
    for key in ("organisationsnamn", "organisationsform", "verksamOrganisation", "verksamhetsbeskrivning",
                "naringsgrenOrganisation", "postadressOrganisation", "avregistreradOrganisation"):  # fmt: skip
        errors += _errors(data.get(key), key)
    errors += _errors(data, "organisation")
    form = data.get("organisationsform") or {}
    active = (data.get("verksamOrganisation") or {}).get("kod")
    description = (data.get("verksamhetsbeskrivning") or {}).get("beskrivning")
    sni = (data.get("naringsgrenOrganisation") or {}).get("sni") or []
    address = ((data.get("postadressOrganisation") or {}).get("postadress")) or {}
    deregistered = data.get("avregistreradOrganisation")
    return ApiOrganisation(
        orgnr=orgnr,
        name=_name(data.get("organisationsnamn")),
        legal_form=form.get("kod") if isinstance(form, Mapping) else None,
        legal_form_text=form.get("klartext") if isinstance(form, Mapping) else None,
        active=None if active is None else active == "JA",
        deregistered=isinstance(deregistered, Mapping) and bool(deregistered.get("avregistreringsdatum")),
        description=description,
        sni=tuple((s.get("kod", ""), s.get("klartext", "")) for s in sni if isinstance(s, Mapping) and s.get("kod")),
        street=address.get("utdelningsadress"),
        postcode=address.get("postnummer"),
        postort=address.get("postort"),
        errors=tuple(errors),
    )


class BolagsverketApi:
    def __init__(
        self,
        client_id: str,
        client_secret: str,
        token_url: str = TOKEN_URL,
        base_url: str = BASE_URL,
        requests_per_minute: float = 60.0,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        timeout: float = 30.0,
    ) -> None:
        self._credentials = (client_id, client_secret)
        self.token_url, self.base_url = token_url, base_url.rstrip("/")
        self.session = session or requests.Session()
        self.clock, self.sleep, self.timeout = clock, sleep, timeout
        self.limiter = HostRateLimiter(60.0 / requests_per_minute, clock=clock, sleep=sleep)
        self._token: tuple[str, float] | None = None

    @classmethod
    def from_environment(cls, **kwargs: Any) -> BolagsverketApi:
        client_id = os.environ.get("ASF_BOLAGSVERKET_CLIENT_ID")
        secret = os.environ.get("ASF_BOLAGSVERKET_CLIENT_SECRET")
        if not client_id or not secret:
            raise MissingCredentials(
                "set ASF_BOLAGSVERKET_CLIENT_ID and ASF_BOLAGSVERKET_CLIENT_SECRET (Bolagsverket's API portal)"
            )
        return cls(client_id, secret, **kwargs)

    def _access_token(self, renew: bool = False) -> str:
        if self._token and not renew and self.clock() < self._token[1]:
            return self._token[0]
        try:
            answer = self.session.post(
                self.token_url,
                data={"grant_type": "client_credentials", "scope": SCOPE},
                auth=self._credentials,
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise FetchError(f"token request failed: {type(exc).__name__}: {exc}") from exc
        if answer.status_code != 200:
            raise FetchError(f"token request answered HTTP {answer.status_code}")
        payload = answer.json()
        # Renew a minute early, so a token never expires in the middle of a request.
        expires = self.clock() + max(0.0, float(payload.get("expires_in", 300)) - 60.0)
        self._token = (payload["access_token"], expires)
        return self._token[0]

    def organisation(self, orgnr: str) -> ApiAnswer:
        digits = "".join(c for c in orgnr if c.isdigit())[-10:]
        url = f"{self.base_url}/organisationer"
        renewed = False
        for _attempt in range(5):
            self.limiter.wait("bolagsverket-api")
            try:
                answer = self.session.post(
                    url,
                    json={"identitetsbeteckning": digits},
                    headers={"Authorization": f"Bearer {self._access_token()}", "Accept": "application/json"},
                    timeout=self.timeout,
                )
            except requests.RequestException as exc:
                raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from exc
            if answer.status_code == 401 and not renewed:
                self._access_token(renew=True)
                renewed = True
                continue
            if answer.status_code == 429:
                self.sleep(float(answer.headers.get("Retry-After", "10")))
                continue
            if answer.status_code != 200:
                raise FetchError(f"{url} answered HTTP {answer.status_code}")
            payload = answer.json()
            result = ApiAnswer(errors=_errors(payload, "answer"))
            for item in payload.get("organisationer") or []:
                parsed = parse_organisation(f"{digits[:6]}-{digits[6:]}", item)
                if parsed.name is None and parsed.errors:
                    result.errors += list(parsed.errors)
                else:
                    result.organisations.append(parsed)
            return result
        raise FetchError(f"{url}: still rate limited after 5 attempts")
