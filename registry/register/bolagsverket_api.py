"""Bolagsverket's API "Värdefulla datamängder": single look-ups by organisationsnummer.

OAuth2 client credentials come from the environment (ASF_BOLAGSVERKET_CLIENT_ID, ASF_BOLAGSVERKET_CLIENT_SECRET),
never from code; the token is cached until shortly before it expires. Requests are spaced to stay under the
reported 60-100 requests a minute, and a 429 waits for Retry-After (seconds or an HTTP date; a wait longer
than ``max_retry_after`` is a failed request, not a stalled night). Every part of an answer may carry its own
``fel`` (error), so an HTTP 200 can hold no data: such errors are collected, never taken for data; an item or
a part of the wrong JSON type is such an error too, never an exception.
For matching by name the bulk file is the tool; this client checks single organisations: the nightly job
refreshes the registry's own organisations' status and name with it between weekly bulk files
(registry/register/api_refresh.py).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from registry.ingest.http_client import FetchError, HostRateLimiter, interruptible_sleep, retrying_session
from registry.register.register_codes import name_rank
from registry.settings import BOLAGSVERKET_API_URL, BOLAGSVERKET_TOKEN_URL

TOKEN_URL = BOLAGSVERKET_TOKEN_URL
BASE_URL = BOLAGSVERKET_API_URL
SCOPE = "vardefulla-datamangder:read"
PROCEEDINGS = "pagaendeAvvecklingsEllerOmstruktureringsforfarande"
CLIENT_ID = "ASF_BOLAGSVERKET_CLIENT_ID"
CLIENT_SECRET = "ASF_BOLAGSVERKET_CLIENT_SECRET"


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
    # Codes of ongoing liquidation or restructuring proceedings (KK bankruptcy, LI liquidation...); None when
    # the answer did not say (the part was missing or carried an error), which is not the same as none.
    proceedings: tuple[str, ...] | None = None


@dataclass
class ApiAnswer:
    organisations: list[ApiOrganisation] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Items of the answer's list that are not organisations (not JSON objects): said in ``errors``, counted here.
    malformed: int = 0


# Retry-After when a 429 gives none, or one that cannot be read.
DEFAULT_RETRY_AFTER = 10.0


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float:
    """How long a Retry-After header asks to wait: delay-seconds or an HTTP date (RFC 9110), never negative;
    DEFAULT_RETRY_AFTER when missing or unreadable (a header is no reason to fail)."""
    if value is None or not value.strip():
        return DEFAULT_RETRY_AFTER
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return DEFAULT_RETRY_AFTER
        # An HTTP date is in GMT; one written without a zone is read as UTC rather than as local time.
        when = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else DEFAULT_RETRY_AFTER


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
    """The name shown when the answer lists several, by the bulk file's rule (register_codes.NAME_TYPES: the
    first of the first main type, else the first listed)."""
    if isinstance(part, str):
        return part
    if isinstance(part, Mapping):
        listed = part.get("organisationsnamnLista") or part.get("namnLista")
        if isinstance(listed, list) and listed:
            names = [n for n in listed if isinstance(n, Mapping)]
            if not names:
                return listed[0] if isinstance(listed[0], str) else None
            return min(names, key=lambda n: name_rank(str(_code(n.get("organisationsnamntyp")) or ""))).get("namn")
        return part.get("namn")
    return None


def _code(part: Any) -> object:
    return part.get("kod") if isinstance(part, Mapping) else None


def _proceedings(part: Any) -> tuple[str, ...] | None:
    if not isinstance(part, Mapping) or part.get("fel"):
        return None
    listed = part.get("pagaendeAvvecklingsEllerOmstruktureringsforfarandeLista") or []
    if not isinstance(listed, list):
        return None  # a list of the wrong type says nothing about proceedings, as an error does
    return tuple(str(item["kod"]) for item in listed if isinstance(item, Mapping) and item.get("kod"))


def _json(answer: requests.Response, url: str) -> Any:
    """The answer's JSON object; an answer that is not one (an HTML error page from a gateway) is a failed
    request, not data."""
    try:
        payload = answer.json()
    except ValueError as exc:
        raise FetchError(f"{url} answered HTTP {answer.status_code} with something that is not JSON") from exc
    if not isinstance(payload, Mapping):
        raise FetchError(f"{url} answered HTTP {answer.status_code} with JSON that is not an object")
    return payload


_PARTS = ("organisationsnamn", "organisationsform", "verksamOrganisation", "verksamhetsbeskrivning",
          "naringsgrenOrganisation", "postadressOrganisation", "avregistreradOrganisation", PROCEEDINGS)  # fmt: skip


def _object(part: object) -> Mapping[str, Any]:
    """A part of the answer as a JSON object: anything else (a list, a string) reads as an empty one."""
    return part if isinstance(part, Mapping) else {}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def parse_organisation(orgnr: str, data: Mapping[str, Any]) -> ApiOrganisation:
    """One organisation of an answer. A part of the wrong JSON type is an error of the answer (said by its key,
    never its value) and says nothing, as a missing part does: never an exception that would stop the night."""
    errors: list[str] = []
    for key in _PARTS:
        part = data.get(key)
        if part is not None and not isinstance(part, Mapping) and not (key == "organisationsnamn" and _text(part)):
            errors.append(f"{key}: {type(part).__name__}, not an object")
        errors += _errors(part, key)
    errors += _errors(data, "organisation")
    form = _object(data.get("organisationsform"))
    active = _object(data.get("verksamOrganisation")).get("kod")
    sni = _object(data.get("naringsgrenOrganisation")).get("sni")
    address = _object(_object(data.get("postadressOrganisation")).get("postadress"))
    deregistered = _object(data.get("avregistreradOrganisation"))
    name = _name(data.get("organisationsnamn"))
    return ApiOrganisation(
        orgnr=orgnr,
        name=_text(name),
        legal_form=_text(form.get("kod")),
        legal_form_text=_text(form.get("klartext")),
        active=None if active is None else active == "JA",
        deregistered=bool(deregistered.get("avregistreringsdatum")),
        description=_text(_object(data.get("verksamhetsbeskrivning")).get("beskrivning")),
        sni=tuple(
            (str(s.get("kod", "")), str(s.get("klartext", "")))
            for s in (sni if isinstance(sni, list) else [])
            if isinstance(s, Mapping) and s.get("kod")
        ),
        street=_text(address.get("utdelningsadress")),
        postcode=_text(address.get("postnummer")),
        postort=_text(address.get("postort")),
        errors=tuple(errors),
        proceedings=_proceedings(data.get(PROCEEDINGS)),
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
        sleep: Callable[[float], None] = interruptible_sleep,
        timeout: float = 30.0,
        max_retry_after: float = 120.0,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._credentials = (client_id, client_secret)
        self.token_url, self.base_url = token_url, base_url.rstrip("/")
        # Its connections can be cut by a Deadline (and by a stopped run), like every request of the pipeline.
        self.session = session or retrying_session(retries=2, backoff=1.0)
        self.clock, self.sleep, self.timeout = clock, sleep, timeout
        # ``clock`` spaces requests (monotonic); ``now`` reads a Retry-After given as a date (the wall clock).
        self.max_retry_after, self.now = max_retry_after, now
        self.limiter = HostRateLimiter(60.0 / requests_per_minute, clock=clock, sleep=sleep)
        self._token: tuple[str, float] | None = None

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None, **kwargs: Any) -> BolagsverketApi:
        env = os.environ if env is None else env
        client_id, secret = env.get(CLIENT_ID), env.get(CLIENT_SECRET)
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
        payload = _json(answer, self.token_url)
        token = payload.get("access_token")
        if not isinstance(token, str) or not token:
            raise FetchError(f"{self.token_url} answered without an access token")
        try:
            lifetime = float(payload.get("expires_in", 300))
        except (TypeError, ValueError):
            lifetime = 300.0
        # Renew a minute early, so a token never expires in the middle of a request.
        self._token = (token, self.clock() + max(0.0, lifetime - 60.0))
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
                wait = retry_after_seconds(answer.headers.get("Retry-After"), self.now())
                if wait > self.max_retry_after:
                    # A gateway asking for minutes or hours would hold the night up: the refresh stops instead.
                    raise FetchError(f"{url} answered HTTP 429, asking to wait {wait:.0f} s")
                self.sleep(wait)
                continue
            if answer.status_code != 200:
                raise FetchError(f"{url} answered HTTP {answer.status_code}")
            return read_answer(_json(answer, url), f"{digits[:6]}-{digits[6:]}")
        raise FetchError(f"{url}: still rate limited after 5 attempts")


def read_answer(payload: Mapping[str, Any], orgnr: str) -> ApiAnswer:
    """An answer's organisations and errors. An item that is not a JSON object is counted as malformed and
    said among the errors (its type, never its value); a list that is not a list holds no organisation."""
    result = ApiAnswer(errors=_errors(payload, "answer"))
    listed = payload.get("organisationer") or []
    if not isinstance(listed, list):
        result.errors.append(f"organisationer: {type(listed).__name__}, not a list")
        result.malformed += 1
        listed = []
    for index, item in enumerate(listed):
        if not isinstance(item, Mapping):
            result.errors.append(f"organisationer[{index}]: {type(item).__name__}, not an object")
            result.malformed += 1
            continue
        parsed = parse_organisation(orgnr, item)
        if parsed.name is None and parsed.errors:
            result.errors += list(parsed.errors)
        else:
            result.organisations.append(parsed)
    return result
