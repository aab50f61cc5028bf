"""One HTTP client for every web source: polite, retrying, and archiving every response.

In replay mode it answers from the raw archive and never touches the network: tests and the default
offline run use it. In live mode it fetches and archives.
"""

from __future__ import annotations

from typing import Literal

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from registry.raw_archive import ArchivedResponse, RawArchive

HttpMode = Literal["live", "replay"]
RETRY_STATUSES = (429, 500, 502, 503, 504)


class FetchError(Exception):
    """A source could not be fetched; the message says why, for the run's log and the asset check."""


class NotInArchive(FetchError):
    pass


def user_agent(contact: str) -> str:
    return f"asf-registry/0.1 (environmental scan of Swedish social enterprises; contact: {contact})"


def retrying_session(retries: int, backoff: float) -> requests.Session:
    session = requests.Session()
    # urllib3's Retry does exponential backoff, honours Retry-After, and retries connection errors.
    retry = Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=backoff,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class HttpClient:
    def __init__(
        self,
        archive: RawArchive,
        mode: HttpMode = "replay",
        contact: str = "asf-registry@example.org",
        timeout: float = 30.0,
        retries: int = 4,
        backoff: float = 1.0,
        session: requests.Session | None = None,
    ) -> None:
        self.archive = archive
        self.mode = mode
        self.timeout = timeout
        self.headers = {"User-Agent": user_agent(contact), "Accept-Language": "sv,en;q=0.5"}
        self.session = session or retrying_session(retries, backoff)

    def get(self, url: str) -> ArchivedResponse:
        """The response for a URL, whatever its status. Raises FetchError when there is none at all."""
        if self.mode == "replay":
            archived = self.archive.latest(url)
            if archived is None:
                raise NotInArchive(f"{url} is not in the raw archive {self.archive.root} (replay mode)")
            return archived
        try:
            response = self.session.get(url, headers=self.headers, timeout=self.timeout)
        except requests.RequestException as exc:
            raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from exc
        return self.archive.store(url, response.status_code, dict(response.headers), response.content)

    def get_ok(self, url: str) -> ArchivedResponse:
        """Like get, but a non-2xx status is a FetchError."""
        response = self.get(url)
        if not response.ok:
            raise FetchError(f"{url} answered HTTP {response.status}")
        return response
