"""Between weekly bulk files: the registry's own organisations' register status and name, from Bolagsverket's
API "Värdefulla datamängder".

A bankruptcy or a deregistration this week should not wait for Sunday's file. So when API credentials are set,
each night asks the API about the organisations matched to the register (a few hundred look-ups, spaced to
stay under the API's rate limit) and lets its answer correct the snapshot's status and name. Answers are
cached for ``max_age`` (a re-run the same night asks nothing again). Nothing here can hold up or fail the
night: a look-up that fails, a run of the time given to the refresh, an answer without the data or one that
cannot be read (counted, logged, not cached), even an error nobody foresaw keeps the snapshot's values for the
organisations not yet refreshed, and the report says what happened.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Mapping
from contextlib import closing
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from registry.deadlines import Deadline, DeadlinePassed
from registry.ingest.http_client import FetchError
from registry.reference.personnummer import is_personnummer
from registry.register.bolagsverket_api import ApiAnswer, ApiOrganisation, BolagsverketApi
from registry.register.enrichment import RegisterMatch
from registry.register.register_codes import STATUS_DEREGISTERED, register_status

DEFAULT_MAX_AGE = timedelta(hours=20)


@dataclass(frozen=True)
class RefreshLimits:
    # At most this many look-ups a night (the rest keep the snapshot's values until the next night).
    max_lookups: int = 600
    # The whole refresh, waits for the rate limit included.
    deadline_seconds: float = 15 * 60.0
    max_age: timedelta = DEFAULT_MAX_AGE


@dataclass
class RefreshReport:
    asked: int = 0
    from_cache: int = 0
    not_found: int = 0
    # Look-ups whose answer held items that are not organisations and no organisation with the orgnr: a failure
    # (not "not found"), logged, not cached, so the next night asks again.
    unreadable: int = 0
    # Registry ID -> what the API changed ("register_status: active -> bankruptcy").
    changed: dict[str, list[str]] = field(default_factory=dict)
    # Why the refresh stopped before every organisation was looked up; None when it did not.
    stopped: str | None = None

    def summary(self) -> str:
        text = (
            f"{self.asked} looked up ({self.from_cache} from the cache), {len(self.changed)} changed, "
            f"{self.not_found} not found"
        )
        if self.unreadable:
            text += f", {self.unreadable} answered with data that could not be read"
        return f"{text}; stopped early: {self.stopped}" if self.stopped else text


class AnswerCache:
    """The API's answers by orgnr, with when they were fetched, in a small SQLite file beside the snapshot."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(path)) as db, db:
            db.execute("CREATE TABLE IF NOT EXISTS answers (orgnr TEXT PRIMARY KEY, fetched_at TEXT, answer TEXT)")

    def get(self, orgnr: str, fresh_after: datetime) -> ApiAnswer | None:
        with closing(sqlite3.connect(self.path)) as db:
            row = db.execute("SELECT fetched_at, answer FROM answers WHERE orgnr = ?", (orgnr,)).fetchone()
        if row is None or datetime.fromisoformat(row[0]) < fresh_after:
            return None
        stored = json.loads(row[1])
        organisations = [
            ApiOrganisation(**{**o, "sni": tuple(map(tuple, o["sni"])), "errors": tuple(o["errors"]),
                               "proceedings": None if o["proceedings"] is None else tuple(o["proceedings"])})
            for o in stored["organisations"]
        ]  # fmt: skip
        return ApiAnswer(organisations, list(stored["errors"]))

    def put(self, orgnr: str, answer: ApiAnswer, fetched_at: datetime) -> None:
        stored = json.dumps({"organisations": [asdict(o) for o in answer.organisations], "errors": answer.errors})
        with closing(sqlite3.connect(self.path)) as db, db:
            db.execute(
                "INSERT OR REPLACE INTO answers (orgnr, fetched_at, answer) VALUES (?, ?, ?)",
                (orgnr, fetched_at.isoformat(), stored),
            )


def refreshed(match: RegisterMatch, organisation: ApiOrganisation) -> tuple[RegisterMatch, list[str]]:
    """The match with the API's status and name where the API says them, and what changed."""
    entry = match.entry
    assert entry is not None
    status = entry.status
    # What the API did not say (a part answered with its own error) is not "not deregistered"; and a
    # deregistration is final: the API never turns a deregistered organisation back into an active one.
    knows_deregistration = not any(e.startswith("avregistreradOrganisation") for e in organisation.errors)
    if organisation.deregistered:
        status = register_status(True, ())
    elif knows_deregistration and organisation.proceedings is not None and entry.status != STATUS_DEREGISTERED:
        status = register_status(False, organisation.proceedings)
    name = organisation.name or entry.name
    changes = [f"{what}: {old} -> {new}" for what, old, new in (("register_status", entry.status, status),
               ("register_name", entry.name, name)) if old != new]  # fmt: skip
    if not changes:
        return match, []
    return replace(match, entry=replace(entry, status=status, name=name)), changes


def _registration(answer: ApiAnswer, orgnr: str) -> ApiOrganisation | None:
    """The answer's organisation with this orgnr; when it lists several registrations under the number, the
    one still registered."""
    listed = [o for o in answer.organisations if o.orgnr == orgnr]
    return next((o for o in listed if not o.deregistered), listed[0] if listed else None)


def refresh_matches(
    matches: Mapping[str, RegisterMatch],
    api: BolagsverketApi,
    cache: AnswerCache,
    now: datetime,
    limits: RefreshLimits = RefreshLimits(),
    log: Callable[[str], None] = lambda _message: None,
    warn: Callable[[str], None] | None = None,
) -> tuple[dict[str, RegisterMatch], RefreshReport]:
    """The night's register matches with the API's status and name for each matched organisation.

    ``log`` hears of each change, ``warn`` (default: ``log``) of each answer that could not be read. An
    unexpected error stops the refresh, not the night: what was refreshed before it is kept, and
    ``report.stopped`` names the error (the caller logs it with the summary)."""
    result = dict(matches)
    report = RefreshReport()
    warn = warn or log
    try:
        _refresh(matches, result, report, api, cache, now, limits, log, warn)
    except Exception as exc:  # an error nobody foresaw in the refresh must not fail the night that called it
        report.stopped = f"an unexpected error ({type(exc).__name__}: {exc})"
    return result, report


def _refresh(
    matches: Mapping[str, RegisterMatch],
    result: dict[str, RegisterMatch],
    report: RefreshReport,
    api: BolagsverketApi,
    cache: AnswerCache,
    now: datetime,
    limits: RefreshLimits,
    log: Callable[[str], None],
    warn: Callable[[str], None],
) -> None:
    with Deadline(limits.deadline_seconds) as deadline:
        for registry_id, match in sorted(matches.items()):
            entry = match.entry
            if entry is None or is_personnummer(entry.orgnr):
                continue
            if deadline.is_cut:
                report.stopped = f"the refresh's {limits.deadline_seconds:g} s were up"
                break
            if report.asked >= limits.max_lookups:
                report.stopped = f"at most {limits.max_lookups} look-ups a night"
                break
            answer = cache.get(entry.orgnr, now - limits.max_age)
            report.asked += 1
            if answer is not None:
                report.from_cache += 1
            else:
                try:
                    answer = api.organisation(entry.orgnr)
                except FetchError as exc:
                    try:
                        deadline.check_not_cut()
                    except DeadlinePassed:
                        report.stopped = f"the refresh's {limits.deadline_seconds:g} s were up"
                    else:
                        report.stopped = f"the API did not answer: {exc}"
                    break
                if not answer.malformed:
                    cache.put(entry.orgnr, answer, now)
            organisation = _registration(answer, entry.orgnr)
            if organisation is None and answer.malformed:
                report.unreadable += 1
                # The errors name parts and JSON types, never values.
                warn(f"{registry_id} ({entry.orgnr}): Bolagsverket's API answered with data that could not be "
                     f"read ({'; '.join(answer.errors)}); the snapshot's values are kept")  # fmt: skip
                continue
            if organisation is None:
                report.not_found += 1
                continue
            result[registry_id], changes = refreshed(match, organisation)
            if changes:
                report.changed[registry_id] = changes
                log(f"{registry_id} ({entry.orgnr}): {'; '.join(changes)} (Bolagsverket's API)")
