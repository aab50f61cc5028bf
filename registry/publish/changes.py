"""What one run changes in the registry, as change-log entries: the environmental scan's feed.

Pure comparisons of an organisation's published values before and after a run, and the listing state
machine (listed → unlisted → inactive after a configured number of runs → relisted). Publishing writes the
entries; nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from registry.register.bolagsverket import STATUS_ACTIVE, STATUS_DEREGISTERED
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
    # The company register has deregistered it (register_status became 'deregistered').
    DEREGISTERED = "deregistered"
    # Its status in the company register changed otherwise: a bankruptcy, liquidation, reconstruction or other
    # proceeding began or ended (docs/register_codes.md). Not a deregistration: a company in bankruptcy is still
    # registered, and an official reading "deregistered" would be told something untrue.
    STATUS_CHANGED = "status_changed"


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
    """One entry per tracked field whose value differs; a change of register status says what kind it is."""
    entries = []
    for name in TRACKED_FIELDS:
        before, after = as_text(old.get(name)), as_text(new.get(name))
        if before == after:
            continue
        kind = status_change(before, after) if name == "register_status" else Change.CHANGED
        entries.append(ChangeEntry(registry_id, kind, name, before, after))
    return entries


def status_change(before: str | None, after: str | None) -> Change:
    """The kind of a register_status change: deregistered only when the register deregistered it; any other
    new status in the register (a bankruptcy begun, a liquidation ended) is status_changed. A status lost (no
    register value any more: the publish gate counts those) or first learnt as active is an ordinary change."""
    if after is None or (before is None and after == STATUS_ACTIVE):
        return Change.CHANGED
    return Change.DEREGISTERED if after == STATUS_DEREGISTERED else Change.STATUS_CHANGED


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
