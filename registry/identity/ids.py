"""Stable registry IDs: once published, an ID keeps meaning the same organisation.

An organisation keeps its ID while its records change; when two organisations merge, the one with more
records keeps its ID and the other ID redirects to it; when one splits, the larger part keeps the ID.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from registry.ingest.records import RecordKey

ID_PREFIX = "asf-"


@dataclass(frozen=True)
class IdAssignment:
    # One ID per cluster, in the order the clusters were given.
    ids: list[str]
    # Retired ID -> the ID that now stands for its organisation.
    redirects: dict[str, str]


def new_registry_id(seed: str, taken: set[str]) -> str:
    """An opaque, short ID derived from a seed, so that re-running the same input yields the same ID."""
    salt = 0
    while True:
        digest = hashlib.sha256(f"{seed}#{salt}".encode()).digest()
        candidate = ID_PREFIX + base64.b32encode(digest).decode("ascii")[:8].lower()
        if candidate not in taken:
            return candidate
        salt += 1


def assign_ids(
    clusters: Sequence[Sequence[RecordKey]],
    previous: Mapping[RecordKey, str],
    known_ids: set[str] | frozenset[str] = frozenset(),
) -> IdAssignment:
    """Give every cluster an ID, reusing previous IDs where the members had one.

    ``previous`` maps record keys to the IDs they were published under; ``known_ids`` are all IDs ever
    issued (including retired ones), which are never handed out to a different organisation.
    """
    claims: list[tuple[int, str, int]] = []  # (votes, id, cluster index)
    for index, members in enumerate(clusters):
        votes = Counter(previous[m] for m in members if m in previous)
        claims += [(count, registry_id, index) for registry_id, count in votes.items()]
    # Most votes first; ties go to the older-sorting ID and cluster so the outcome is order-independent.
    claims.sort(key=lambda c: (-c[0], c[1], min(clusters[c[2]])))
    ids: dict[int, str] = {}
    used: set[str] = set()
    for _, registry_id, index in claims:
        if index not in ids and registry_id not in used:
            ids[index] = registry_id
            used.add(registry_id)
    taken = set(known_ids) | set(previous.values()) | used
    for index in sorted(range(len(clusters)), key=lambda i: min(clusters[i]) if clusters[i] else ("", "")):
        if index not in ids:
            # Seeded by the cluster's first record key: the same organisation gets the same new ID whether or
            # not a run saw all its other records.
            source, key = min(clusters[index])
            ids[index] = new_registry_id(f"{source}:{key}", taken)
            taken.add(ids[index])
    # A retired ID points to the cluster that took most of its records.
    retired: dict[str, Counter[int]] = {}
    for index, members in enumerate(clusters):
        for member in members:
            old = previous.get(member)
            if old and old not in used:
                retired.setdefault(old, Counter())[index] += 1
    redirects = {old: ids[min(votes, key=lambda i: (-votes[i], min(clusters[i])))] for old, votes in retired.items()}
    return IdAssignment([ids[i] for i in range(len(clusters))], redirects)
