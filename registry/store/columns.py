"""Every published column, declared once: its type, what it means, its English and Swedish label, and for an
organisation's columns where the value comes from and whether the change log tracks it.

The rest derives from here: the models' descriptions (registry/store/models.py), the stable views' columns
(registry/store/contract.py, in the order declared here), the change log's tracked fields and the per-value
provenance (registry/publish/), the exports' column explanations (registry/tools/export.py) and
docs/schema.md. A test checks that each declared type and nullability is the database's.

Adding a published column: declare it here (``v1=False``: the v1 views never change), add it to its model
with ``described()``, write the migration, and regenerate docs/schema.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlmodel import Field


class Kind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    FLOAT = "float"
    BOOLEAN = "boolean"
    TIMESTAMP = "timestamp (UTC)"


class FilledFrom(StrEnum):
    """Where an organisation's value in a column comes from."""

    # The most trusted source that has a value.
    SOURCE = "source"
    # The company register entry the organisation was matched to.
    REGISTER = "register"
    # How that match was made.
    REGISTER_MATCH = "register_match"
    # The registered address's kommun, else a source's town.
    PLACE = "place"
    # Computed from other values (activity areas).
    DERIVED = "derived"
    # The registry's own bookkeeping: identity, listing, timestamps.
    REGISTRY = "registry"

    @property
    def has_provenance(self) -> bool:
        """Whether the value says something about the organisation (so field_provenance records who says it)."""
        return self in (FilledFrom.SOURCE, FilledFrom.REGISTER, FilledFrom.PLACE, FilledFrom.DERIVED)


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    meaning: str
    label_en: str
    label_sv: str
    nullable: bool = True
    # In the registry_v1_* view of its table (in the order declared here).
    v1: bool = True
    # Organisations only: where the value comes from, and whether a change is news to the scan (scores,
    # timestamps and counters are not).
    filled_from: FilledFrom = FilledFrom.REGISTRY
    tracked: bool = False

    def label(self, lang: str = "sv") -> str:
        return self.label_sv if lang == "sv" else self.label_en


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]

    def __getitem__(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.name} declares no column {name!r}")

    def __iter__(self) -> Iterator[Column]:
        return iter(self.columns)

    def names(self, **where: object) -> tuple[str, ...]:
        """The declared columns' names, in order, where every given attribute has the given value."""
        return tuple(c.name for c in self.columns if all(getattr(c, k) == v for k, v in where.items()))

    @property
    def v1_columns(self) -> tuple[str, ...]:
        return self.names(v1=True)


# Short names for the declarations below.
T, INT, F, B, TS = Kind.TEXT, Kind.INTEGER, Kind.FLOAT, Kind.BOOLEAN, Kind.TIMESTAMP
SOURCE, REGISTER, MATCH, PLACE, DERIVED = (
    FilledFrom.SOURCE, FilledFrom.REGISTER, FilledFrom.REGISTER_MATCH, FilledFrom.PLACE, FilledFrom.DERIVED
)  # fmt: skip

# In the order of registry_v1_organisations.
ORGANISATIONS = Table("organisations", (
    Column("registry_id", T, "Stable registry ID, e.g. asf-k3m9q2xa", "Registry ID", "Register-ID", nullable=False),
    Column("name", T, "Display name, from the most trusted source that has one", "Name", "Namn",
           nullable=False, filled_from=SOURCE, tracked=True),
    Column("orgnr", T, "Organisationsnummer NNNNNN-NNNN, if known", "Organisation number", "Organisationsnummer",
           filled_from=SOURCE, tracked=True),
    Column("legal_form", T, "Bolagsverket organisationsform code: AB, EK, I, S...", "Legal form",
           "Organisationsform", filled_from=REGISTER, tracked=True),
    Column("svb", B, "Aktiebolag with restricted dividends, '(svb)'", "Restricted dividends (svb)",
           "Särskild vinstutdelningsbegränsning (svb)", filled_from=REGISTER, tracked=True),
    Column("register_status", T, "active, deregistered, or an ongoing bankruptcy, liquidation, reconstruction, "
           "composition, resolution, merger, division or conversion (docs/register_codes.md)", "Register status",
           "Status i bolagsregistret", filled_from=REGISTER, tracked=True),
    Column("register_name", T, "The registered name", "Registered name", "Registrerat namn", filled_from=REGISTER,
           tracked=True),
    Column("registered_on", T, "Registration date in the company register", "Registered on", "Registreringsdatum",
           filled_from=REGISTER),
    Column("kommun_code", T, "SCB kommun code, e.g. 0180", "Municipality code", "Kommunkod", filled_from=PLACE,
           tracked=True),
    Column("kommun_name", T, "Kommun name, e.g. Solna", "Municipality", "Kommun", filled_from=PLACE, tracked=True),
    Column("lan_code", T, "SCB län code, e.g. 01", "County code", "Länskod", filled_from=PLACE),
    Column("lan_name", T, "Län name, e.g. Stockholms län", "County", "Län", filled_from=PLACE),
    Column("municipality", T, "Municipality (kommun) as the sources write it", "Town as listed",
           "Ort enligt källan", filled_from=SOURCE, tracked=True),
    Column("address", T, "Visiting address as the most trusted source writes it", "Visiting address",
           "Besöksadress", filled_from=SOURCE, tracked=True),
    Column("postal_address", T, "Registered postal address (street)", "Registered postal address",
           "Registrerad postadress", filled_from=REGISTER, tracked=True),
    Column("postcode", T, "Registered postcode", "Postcode", "Postnummer", filled_from=REGISTER, tracked=True),
    Column("postort", T, "Registered post town", "Post town", "Postort", filled_from=REGISTER, tracked=True),
    Column("website", T, "Web address", "Website", "Webbplats", filled_from=SOURCE, tracked=True),
    Column("email", T, "Organisation-level e-mail only", "E-mail", "E-post", filled_from=SOURCE, tracked=True),
    Column("phone", T, "Organisation-level phone number", "Phone", "Telefon", filled_from=SOURCE, tracked=True),
    Column("activity", T, "What the organisation does, as a source describes it", "Activity",
           "Verksamhet enligt källan", filled_from=SOURCE, tracked=True),
    Column("business_description", T, "Registered business description (verksamhetsbeskrivning)",
           "Registered business description", "Verksamhetsbeskrivning", filled_from=REGISTER, tracked=True),
    Column("sni_codes", T, "SNI industry codes from SCB, comma-separated", "SNI codes", "SNI-koder",
           filled_from=REGISTER, tracked=True),
    Column("activity_areas", T, "Comma-separated activity area codes (docs/activity_areas.md), e.g. catering",
           "Activity areas", "Verksamhetsområden", filled_from=DERIVED, tracked=True),
    Column("cpv_divisions", T, "Comma-separated CPV divisions of its activity areas, e.g. 55,90", "CPV divisions",
           "CPV-huvudgrupper", filled_from=DERIVED, tracked=True),
    Column("evidence", T, "Why it is listed: current_list (a current ASF list), historical_list (only a closed "
           "list), weak_signal (only a general member list such as Integrationspakten; not evidence of being an "
           "ASF)", "Evidence", "Underlag", nullable=False, tracked=True),
    Column("sources", T, "Comma-separated names of the sources that list it", "Sources", "Källor",
           nullable=False, tracked=True),
    Column("source_count", INT, "Number of distinct sources that list it", "Number of sources", "Antal källor",
           nullable=False),
    Column("listed", B, "Listed by at least one source in the last run", "Listed", "Listad", nullable=False),
    Column("active", B, "False once no source has listed it for the configured number of runs, or merged away",
           "Active", "Aktiv", nullable=False),
    Column("first_seen_at", TS, "When a source first listed it (UTC)", "First seen", "Först sedd", nullable=False),
    Column("last_seen_at", TS, "When a source last listed it (UTC)", "Last seen", "Senast sedd", nullable=False),
    Column("inactive_since", TS, "When it became inactive", "Inactive since", "Inaktiv sedan"),
    Column("merged_into", T, "The registry ID it was merged into, if retired", "Merged into", "Sammanslagen med"),
    Column("register_match", T, "How the register entry was found: orgnr, name, person", "Register match",
           "Matchning mot bolagsregistret", v1=False, filled_from=MATCH),
    Column("register_match_score", F, "The register match's probability", "Register match score",
           "Matchningens sannolikhet", v1=False, filled_from=MATCH),
    Column("unlisted_runs", INT, "Consecutive runs in which no source listed it", "Runs unlisted",
           "Körningar utan listning", nullable=False, v1=False),
))  # fmt: skip

# In the order of registry_v1_source_records.
SOURCE_RECORDS = Table("source_records", (
    Column("source", T, "The source's name, e.g. skoopi", "Source", "Källa", nullable=False),
    Column("source_key", T, "The source's own stable key for the record", "Source key", "Källans nyckel",
           nullable=False),
    Column("registry_id", T, "The organisation the record belongs to", "Registry ID", "Register-ID",
           nullable=False),
    Column("name", T, "The name as the source writes it", "Name", "Namn", nullable=False),
    Column("orgnr_as_written", T, "As the source wrote it; never 'fixed'", "Organisation number as written",
           "Organisationsnummer som källan skriver det", v1=False),
    Column("orgnr", T, "Canonical NNNNNN-NNNN when valid", "Organisation number", "Organisationsnummer"),
    Column("orgnr_status", T, "valid, invalid or missing", "Organisation number status", "Organisationsnummrets status",
           nullable=False),
    Column("municipality", T, "Town or kommun as the source writes it", "Town", "Ort"),
    Column("address", T, "Address as the source writes it", "Address", "Adress"),
    Column("website", T, "Web address as the source gives it", "Website", "Webbplats"),
    Column("email", T, "Organisation-level e-mail as the source gives it", "E-mail", "E-post", v1=False),
    Column("phone", T, "Phone number as the source gives it", "Phone", "Telefon", v1=False),
    Column("activity", T, "What the organisation does, in the source's words", "Activity", "Verksamhet"),
    Column("categories", T, "The source's own categories or marks", "Categories", "Kategorier"),
    Column("source_url", T, "The page or file the record was read from", "Source page", "Källans sida"),
    Column("match_explanation", T, "Why the record was linked to the organisation's other records",
           "Why linked", "Varför sammanförd", v1=False),
    Column("listed", B, "Present in the source's last successful fetch", "Listed", "Listad", nullable=False),
    Column("fetched_at", TS, "When the source's page or file was fetched (UTC)", "Fetched", "Hämtad",
           nullable=False, v1=False),
    Column("first_seen_at", TS, "When the source first listed the record (UTC)", "First seen", "Först sedd",
           nullable=False),
    Column("last_seen_at", TS, "When the source last listed the record (UTC)", "Last seen", "Senast sedd",
           nullable=False),
))  # fmt: skip

FIELD_PROVENANCE = Table("field_provenance", (
    Column("registry_id", T, "The organisation", "Registry ID", "Register-ID", nullable=False),
    Column("field", T, "The published column of organisations", "Field", "Fält", nullable=False),
    Column("value", T, "The published value, as text", "Value", "Värde"),
    Column("source", T, "A source name, 'bolagsverket', 'scb', or 'derived' (computed from others)", "Said by",
           "Uppgiftslämnare", nullable=False),
    Column("source_key", T, "The source's key for the record, or the orgnr", "Source key", "Källans nyckel"),
    Column("since", TS, "Since when this source has said this value (UTC)", "Since", "Sedan", nullable=False),
    Column("confirmed_at", TS, "When a run last confirmed the value (UTC)", "Last confirmed", "Senast bekräftad",
           nullable=False),
))  # fmt: skip

CHANGE_LOG = Table("change_log", (
    Column("id", INT, "Row number: the order changes were written in", "Row", "Rad", nullable=False),
    Column("run_id", T, "The run that made the change", "Run", "Körning", nullable=False),
    Column("changed_at", TS, "When the run published the change (UTC)", "Changed at", "Ändrad", nullable=False),
    Column("registry_id", T, "The organisation changed", "Registry ID", "Register-ID", nullable=False),
    Column("change", T, "added, changed, merged, split, unlisted (no source lists it), inactivated, relisted, "
           "deregistered (the company register deregistered it), status_changed (its register status changed "
           "otherwise: a bankruptcy, liquidation or reconstruction began or ended)", "Change", "Ändring",
           nullable=False),
    Column("field", T, "For 'changed', 'deregistered' and 'status_changed': the published field", "Field",
           "Fält"),
    Column("old_value", T, "The value before (changed, deregistered, status_changed), or the retired ID "
           "(merged)", "Before", "Före"),
    Column("new_value", T, "The value after (changed, deregistered, status_changed), the surviving ID (merged), "
           "the new ID (split), the name (added)", "After", "Efter"),
    Column("detail", T, "Why, in words", "Detail", "Förklaring"),
))  # fmt: skip

REGISTRY_ID_REDIRECTS = Table("registry_id_redirects", (
    Column("old_id", T, "The retired registry ID", "Retired ID", "Avvecklat ID", nullable=False),
    Column("new_id", T, "The registry ID that now stands for the organisation", "Current ID", "Gällande ID",
           nullable=False),
    Column("run_id", T, "The run that retired it", "Run", "Körning", nullable=False, v1=False),
    Column("created_at", TS, "When the ID was retired (UTC)", "Retired at", "Avvecklat", nullable=False),
))  # fmt: skip

RUNS = Table("runs", (
    Column("run_id", T, "The Dagster run ID", "Run", "Körning", nullable=False),
    Column("published_at", TS, "When the run published (UTC)", "Published at", "Publicerad", nullable=False),
    Column("organisations_active", INT, "Active organisations after the run", "Active organisations",
           "Aktiva organisationer", nullable=False),
    Column("records", INT, "Source records published", "Source records", "Källposter", nullable=False),
    Column("quarantined", INT, "Records quarantined in the run", "Quarantined", "I karantän", nullable=False),
    Column("source_summary", T, "Per-source counts, JSON", "Per source", "Per källa", nullable=False, v1=False),
    Column("failed_sources", T, "Comma-separated sources that failed this run", "Failed sources",
           "Källor som inte kunde läsas", nullable=False),
    Column("changes", INT, "Rows this run wrote to the change log", "Changes", "Ändringar", nullable=False),
))  # fmt: skip

# The tables behind the stable views: what downstream systems read.
PUBLISHED_TABLES: tuple[Table, ...] = (
    ORGANISATIONS, SOURCE_RECORDS, FIELD_PROVENANCE, CHANGE_LOG, REGISTRY_ID_REDIRECTS, RUNS
)
BY_TABLE = {table.name: table for table in PUBLISHED_TABLES}


def described(table: Table, column: str, **field: Any) -> Any:
    """A model field whose description is the column's declared meaning."""
    return Field(description=table[column].meaning, **field)


# What the exported columns mean, in Swedish, for the exports' about sheet (the meanings above are English).
MEANINGS_SV: dict[str, dict[str, str]] = {
    "organisations": {
        "registry_id": "Stabilt register-ID, t.ex. asf-k3m9q2xa",
        "name": "Namn att visa, från den mest betrodda källan som har ett",
        "orgnr": "Organisationsnummer NNNNNN-NNNN, om det är känt",
        "legal_form": "Bolagsverkets kod för organisationsform: AB, EK, I, S...",
        "svb": "Aktiebolag med särskild vinstutdelningsbegränsning, '(svb)'",
        "register_status": "aktiv, avregistrerad, eller pågående konkurs, likvidation, rekonstruktion, ackord, "
        "resolution, fusion, delning eller ombildning (docs/register_codes.md)",
        "register_name": "Namnet i bolagsregistret",
        "registered_on": "Registreringsdatum i bolagsregistret",
        "kommun_code": "SCB:s kommunkod, t.ex. 0180",
        "kommun_name": "Kommunens namn, t.ex. Solna",
        "lan_code": "SCB:s länskod, t.ex. 01",
        "lan_name": "Länets namn, t.ex. Stockholms län",
        "municipality": "Ort eller kommun som källorna skriver den",
        "address": "Besöksadress som den mest betrodda källan skriver den",
        "postal_address": "Registrerad postadress (gata)",
        "postcode": "Registrerat postnummer",
        "postort": "Registrerad postort",
        "website": "Webbadress",
        "email": "E-post till organisationen (aldrig till en person)",
        "phone": "Telefonnummer till organisationen",
        "activity": "Vad organisationen gör, som en källa beskriver det",
        "business_description": "Registrerad verksamhetsbeskrivning",
        "sni_codes": "SNI-koder från SCB, kommaseparerade",
        "activity_areas": "Verksamhetsområden (koder, kommaseparerade; docs/activity_areas.md), t.ex. catering",
        "cpv_divisions": "CPV-huvudgrupper för verksamhetsområdena, kommaseparerade, t.ex. 55,90",
        "evidence": "Varför den finns i registret: current_list (på en aktuell ASF-lista), historical_list (bara "
        "på en stängd lista), weak_signal (bara på en allmän medlemslista som Integrationspakten; inte belägg "
        "för att vara ett ASF)",
        "sources": "Kommaseparerade namn på källorna som listar den",
        "source_count": "Antal olika källor som listar den",
        "listed": "Listad av minst en källa i senaste körningen",
        "active": "Falsk när ingen källa har listat den under det inställda antalet körningar, eller när den "
        "slagits samman med en annan",
        "first_seen_at": "När en källa först listade den (UTC)",
        "last_seen_at": "När en källa senast listade den (UTC)",
        "inactive_since": "När den blev inaktiv",
        "merged_into": "Register-ID som den slagits samman med, om den avvecklats",
        "register_match": "Hur posten i bolagsregistret hittades: orgnr (källans organisationsnummer), name "
        "(namnlikhet), person (en persons beslut vid granskning)",
        "register_match_score": "Matchningens sannolikhet (0–1)",
    },
    "change_log": {
        "id": "Radnummer: i vilken ordning ändringarna skrevs",
        "run_id": "Körningen som gjorde ändringen",
        "changed_at": "När körningen publicerade ändringen (UTC)",
        "registry_id": "Organisationen som ändrades",
        "change": "added (ny), changed (ändrad), merged (sammanslagen), split (delad), unlisted (ingen källa "
        "listar den), inactivated (inaktiv), relisted (listad igen), deregistered (avregistrerad i "
        "bolagsregistret), status_changed (ny status i bolagsregistret: en konkurs, likvidation eller "
        "rekonstruktion har inletts eller avslutats)",
        "field": "För 'changed', 'deregistered' och 'status_changed': det publicerade fältet",
        "old_value": "Värdet före (changed, deregistered, status_changed), eller det avvecklade ID:t (merged)",
        "new_value": "Värdet efter (changed, deregistered, status_changed), det gällande ID:t (merged), det nya "
        "ID:t (split), namnet (added)",
        "detail": "Varför, i ord",
    },
}


def meaning(table: str, column: str, lang: str) -> str:
    """A published column's meaning in ``lang`` (Swedish where written, else the declared English one)."""
    if lang == "sv" and column in MEANINGS_SV.get(table, {}):
        return MEANINGS_SV[table][column]
    return BY_TABLE[table][column].meaning
