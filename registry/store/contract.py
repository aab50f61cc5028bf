"""The contract with downstream systems: the stable views they read, version by version.

A view's columns never change once published; what a later version adds goes into a registry_v2_* view
beside the v1 one, so a reader of v1 keeps working. A view's columns are declared in
registry/store/columns.py: its table's v1 columns, or the ones it names. Tests check that the database's views
have exactly these columns and that docs/schema.md describes them.
"""

from __future__ import annotations

from dataclasses import dataclass

from registry.store.columns import BY_TABLE, Column, Kind

CONTRACT_VERSION = 2


@dataclass(frozen=True)
class View:
    name: str
    table: str
    description: str
    # A view of columns computed from ``table`` declares them here, in order; otherwise the view's columns are
    # its table's v1 columns (registry/store/columns.py).
    computed: tuple[Column, ...] = ()
    # A view of other columns of its table than the v1 ones names them, in order.
    named: tuple[str, ...] = ()
    version: int = 1

    @property
    def declared(self) -> tuple[Column, ...]:
        """The view's columns as declared, in order."""
        if self.computed:
            return self.computed
        table = BY_TABLE[self.table]
        return tuple(table[name] for name in self.named or table.v1_columns)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.declared)


V1_VIEWS = (
    View(
        "registry_v1_organisations",
        "organisations",
        "One row per organisation ever published, inactive and merged-away ones included (filter on active).",
    ),
    View(
        "registry_v1_source_records",
        "source_records",
        "Each source's record of an organisation, as the source wrote it.",
    ),
    View(
        "registry_v1_aliases",
        "source_records",
        "Every name an organisation is listed under: each listing source's name, and the registered name.",
        computed=(
            Column("registry_id", Kind.TEXT, "The organisation the name belongs to", "Registry ID", "Register-ID"),
            Column("alias", Kind.TEXT, "A name the organisation is listed or registered under", "Name", "Namn"),
            Column(
                "source",
                Kind.TEXT,
                "The source that uses the name, or 'bolagsverket' for the registered name",
                "Source",
                "Källa",
            ),
        ),
    ),
    View(
        "registry_v1_redirects",
        "registry_id_redirects",
        "Retired registry IDs (after a merge) and the ID that now stands for the organisation.",
    ),
    View(
        "registry_v1_change_log",
        "change_log",
        "What each run changed: the environmental scan's feed. Rows are only ever added.",
    ),
    View(
        "registry_v1_provenance",
        "field_provenance",
        "For each published value of an organisation: who says it, since when, and when it was last confirmed.",
    ),
    View("registry_v1_runs", "runs", "One row per published run."),
)

# Version 2 adds what v1 left out; each v2 view keeps its v1 view's columns first, in their order.
V2_VIEWS = (
    View(
        "registry_v2_organisations",
        "organisations",
        "The organisations of registry_v1_organisations, and how each was matched to the company register: "
        "register_match says whether the orgnr came from the sources (orgnr), from a fuzzy name match (name, with "
        "its probability in register_match_score) or from a person's review decision (person).",
        named=(*BY_TABLE["organisations"].v1_columns, "register_match", "register_match_score"),
        version=2,
    ),
)

VIEWS = V1_VIEWS + V2_VIEWS
