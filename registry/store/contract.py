"""The contract with downstream systems: the stable views they read, version by version.

A view's columns never change once published; a later breaking change adds registry_v2_* views beside these.
Tests check that the database's views have exactly these columns and that docs/schema.md describes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CONTRACT_VERSION = 1


@dataclass(frozen=True)
class View:
    name: str
    table: str
    columns: tuple[str, ...]
    description: str
    # Columns that are not copied from ``table``, with what they mean.
    computed: dict[str, str] = field(default_factory=dict)


V1_VIEWS = (
    View(
        "registry_v1_organisations",
        "organisations",
        (
            "registry_id", "name", "orgnr", "legal_form", "svb", "register_status", "register_name",
            "registered_on", "kommun_code", "kommun_name", "lan_code", "lan_name", "municipality", "address",
            "postal_address", "postcode", "postort", "website", "email", "phone", "activity", "business_description",
            "sni_codes", "activity_areas", "cpv_divisions", "evidence", "sources", "source_count", "listed", "active",
            "first_seen_at", "last_seen_at", "inactive_since", "merged_into",
        ),
        "One row per organisation ever published, inactive and merged-away ones included (filter on active).",
    ),
    View(
        "registry_v1_source_records",
        "source_records",
        (
            "source", "source_key", "registry_id", "name", "orgnr", "orgnr_status", "municipality", "address",
            "website", "activity", "categories", "source_url", "listed", "first_seen_at", "last_seen_at",
        ),
        "Each source's record of an organisation, as the source wrote it.",
    ),
    View(
        "registry_v1_aliases",
        "source_records",
        ("registry_id", "alias", "source"),
        "Every name an organisation is listed under: each listing source's name, and the registered name.",
        computed={
            "alias": "A name the organisation is listed or registered under",
            "source": "The source that uses the name, or 'bolagsverket' for the registered name",
        },
    ),
    View(
        "registry_v1_redirects",
        "registry_id_redirects",
        ("old_id", "new_id", "created_at"),
        "Retired registry IDs (after a merge) and the ID that now stands for the organisation.",
    ),
    View(
        "registry_v1_change_log",
        "change_log",
        ("id", "run_id", "changed_at", "registry_id", "change", "field", "old_value", "new_value", "detail"),
        "What each run changed: the environmental scan's feed. Rows are only ever added.",
    ),
    View(
        "registry_v1_provenance",
        "field_provenance",
        ("registry_id", "field", "value", "source", "source_key", "since", "confirmed_at"),
        "For each published value of an organisation: who says it, since when, and when it was last confirmed.",
    ),
    View(
        "registry_v1_runs",
        "runs",
        ("run_id", "published_at", "organisations_active", "records", "quarantined", "failed_sources", "changes"),
        "One row per published run.",
    ),
)  # fmt: skip
