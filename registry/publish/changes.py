"""What one run changes in the registry, as change-log entries: the environmental scan's feed.

Pure comparisons of an organisation's published values before and after a run, and the listing state
machine (listed → unlisted → inactive after a configured number of runs → relisted). Publishing writes the
entries; nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from registry.register.bolagsverket import STATUS_ACTIVE
from registry.store.columns import ORGANISATIONS


class Change(StrEnum):
    ADDED = "added"
    CHANGED = "changed"
    MERGED = "merged"
    SPLIT = "split"
    # No source lists it any more (it stays active for a configured number of runs).
    UNLISTED = "unlisted"
    INACTIVATED = "inactivated"
    RELISTED = "relisted"
    # The company register no longer has it as an active registration.
    DEREGISTERED = "deregistered"


# Published fields whose change is news to the scan (declared in registry/store/columns.py).
TRACKED_FIELDS = ORGANISATIONS.names(tracked=True)


@dataclass(frozen=True)
class ChangeEntry:
    registry_id: str
    change: Change
    field: str | None = None
    old_value: str | None = None
    new_value: str | None = None
    detail: str | None = None


def as_text(value: object) -> str | None:
    """The change log stores values as text; booleans and numbers as a reader would write them."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def field_changes(registry_id: str, old: Mapping[str, object], new: Mapping[str, object]) -> list[ChangeEntry]:
    """One entry per tracked field whose value differs; a registration leaving 'active' is a deregistration."""
    entries = []
    for name in TRACKED_FIELDS:
        before, after = as_text(old.get(name)), as_text(new.get(name))
        if before == after:
            continue
        kind = Change.CHANGED
        if name == "register_status" and after is not None and after != STATUS_ACTIVE:
            kind = Change.DEREGISTERED
        entries.append(ChangeEntry(registry_id, kind, name, before, after))
    return entries


@dataclass(frozen=True)
class ListingState:
    listed: bool
    unlisted_runs: int
    active: bool


def after_unlisted_run(state: ListingState, inactive_after_runs: int) -> tuple[ListingState, list[Change]]:
    """An organisation no source listed this run: unlisted at once, inactive after ``inactive_after_runs``
    such runs in a row, so a source that drops an entry for a night or two does not retire it."""
    changes = []
    runs = state.unlisted_runs + 1
    if state.listed:
        changes.append(Change.UNLISTED)
    active = state.active
    if active and runs >= inactive_after_runs:
        active = False
        changes.append(Change.INACTIVATED)
    return ListingState(listed=False, unlisted_runs=runs, active=active), changes


def after_listed_run(state: ListingState) -> tuple[ListingState, list[Change]]:
    changes = [] if state.listed else [Change.RELISTED]
    return ListingState(listed=True, unlisted_runs=0, active=True), changes
