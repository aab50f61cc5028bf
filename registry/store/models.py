"""The registry tables. Downstream systems read these: column names and meanings are a contract."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Column, DateTime, Text
from sqlmodel import Field, SQLModel


def _timestamp(description: str, nullable: bool = False) -> object:
    return Field(sa_column=Column(DateTime(timezone=True), nullable=nullable), description=description)


class Organisation(SQLModel, table=True):
    """One organisation, identified by a stable registry ID. Never deleted: inactive when no source lists it."""

    __tablename__ = "organisations"

    registry_id: str = Field(primary_key=True, description="Stable registry ID, e.g. asf-k3m9q2xa")
    name: str = Field(description="Display name, from the most trusted source that has one")
    orgnr: str | None = Field(default=None, index=True, description="Organisationsnummer NNNNNN-NNNN, if known")
    municipality: str | None = Field(default=None, description="Municipality (kommun) as the sources write it")
    address: str | None = Field(default=None, description="Visiting address as the most trusted source writes it")
    website: str | None = Field(default=None, description="Web address")
    email: str | None = Field(default=None, description="Organisation-level e-mail only")
    phone: str | None = Field(default=None, description="Organisation-level phone number")
    activity: str | None = Field(
        default=None, sa_column=Column(Text), description="What the organisation does, as a source describes it"
    )
    sources: str = Field(description="Comma-separated names of the sources that list it")
    source_count: int = Field(description="Number of distinct sources that list it")
    evidence: str = Field(
        index=True,
        description="Why it is listed: current_list (a current ASF list), historical_list (only a closed list), "
        "weak_signal (only a general member list such as Integrationspakten; not evidence of being an ASF)",
    )
    kommun_code: str | None = Field(default=None, index=True, description="SCB kommun code, e.g. 0180")
    kommun_name: str | None = Field(default=None, description="Kommun name, e.g. Solna")
    lan_code: str | None = Field(default=None, index=True, description="SCB län code, e.g. 01")
    lan_name: str | None = Field(default=None, description="Län name, e.g. Stockholms län")
    activity_areas: str | None = Field(
        default=None, description="Comma-separated activity area codes (docs/activity_areas.md), e.g. catering"
    )
    cpv_divisions: str | None = Field(
        default=None, description="Comma-separated CPV divisions of its activity areas, e.g. 55,90"
    )
    # From the company register (Bolagsverket), when matched.
    register_name: str | None = Field(default=None, description="The registered name")
    legal_form: str | None = Field(default=None, description="Bolagsverket organisationsform code: AB, EK, I, S...")
    svb: bool | None = Field(default=None, description="Aktiebolag with restricted dividends, '(svb)'")
    register_status: str | None = Field(
        default=None, description="active, deregistered, bankruptcy, liquidation or winding_up"
    )
    registered_on: str | None = Field(default=None, description="Registration date in the company register")
    postal_address: str | None = Field(default=None, description="Registered postal address (street)")
    postcode: str | None = Field(default=None, description="Registered postcode")
    postort: str | None = Field(default=None, description="Registered post town")
    business_description: str | None = Field(
        default=None, sa_column=Column(Text), description="Registered business description (verksamhetsbeskrivning)"
    )
    sni_codes: str | None = Field(default=None, description="SNI industry codes from SCB, comma-separated")
    register_match: str | None = Field(
        default=None, description="How the register entry was found: orgnr, name, person"
    )
    register_match_score: float | None = Field(default=None, description="The register match's probability")
    first_seen_at: datetime = _timestamp("When a source first listed it (UTC)")
    last_seen_at: datetime = _timestamp("When a source last listed it (UTC)")
    listed: bool = Field(
        default=True,
        sa_column_kwargs={"server_default": sa.true()},
        description="Listed by at least one source in the last run",
    )
    unlisted_runs: int = Field(
        default=0,
        sa_column_kwargs={"server_default": "0"},
        description="Consecutive runs in which no source listed it",
    )
    active: bool = Field(
        default=True,
        index=True,
        description="False once no source has listed it for the configured number of runs, or merged away",
    )
    inactive_since: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True), description="When it became inactive"
    )
    merged_into: str | None = Field(default=None, description="The registry ID it was merged into, if retired")


class RegisterCandidate(SQLModel, table=True):
    """An organisation in the company register whose description or name suggests work integration and that
    the registry does not list: a lead for the environmental scan, for a person to look at. Never added
    to the registry automatically."""

    __tablename__ = "register_candidates"

    orgnr: str = Field(primary_key=True, description="Organisationsnummer of the register entry")
    name: str = Field(description="Registered name")
    legal_form: str | None = Field(default=None, description="Bolagsverket organisationsform code")
    kommun_code: str | None = Field(default=None, index=True, description="SCB kommun code of the registered address")
    business_description: str | None = Field(
        default=None, sa_column=Column(Text), description="Registered business description"
    )
    reason: str = Field(description="Why it looks like an ASF: the phrase or mark found")
    first_seen_at: datetime = _timestamp("When the register first showed it as a candidate (UTC)")
    last_seen_at: datetime = _timestamp("When the register last showed it as a candidate (UTC)")
    still_candidate: bool = Field(
        default=True, description="False once it is in the registry or gone from the register"
    )


class SourceRecordRow(SQLModel, table=True):
    """A source's record of an organisation, as the source wrote it, linked to the organisation it belongs to."""

    __tablename__ = "source_records"

    source: str = Field(primary_key=True, description="The source's name, e.g. skoopi")
    source_key: str = Field(primary_key=True, description="The source's own stable key for the record")
    registry_id: str = Field(index=True, description="The organisation the record belongs to")
    name: str = Field(description="The name as the source writes it")
    orgnr_as_written: str | None = Field(default=None, description="As the source wrote it; never 'fixed'")
    orgnr: str | None = Field(default=None, description="Canonical NNNNNN-NNNN when valid")
    orgnr_status: str = Field(description="valid, invalid or missing")
    municipality: str | None = Field(default=None, description="Town or kommun as the source writes it")
    address: str | None = Field(default=None, description="Address as the source writes it")
    website: str | None = Field(default=None, description="Web address as the source gives it")
    email: str | None = Field(default=None, description="Organisation-level e-mail as the source gives it")
    phone: str | None = Field(default=None, description="Phone number as the source gives it")
    activity: str | None = Field(
        default=None, sa_column=Column(Text), description="What the organisation does, in the source's words"
    )
    categories: str | None = Field(default=None, description="The source's own categories or marks")
    source_url: str | None = Field(default=None, description="The page or file the record was read from")
    match_explanation: str | None = Field(
        default=None,
        sa_column=Column(Text),
        description="Why the record was linked to the organisation's other records",
    )
    listed: bool = Field(default=True, description="Present in the source's last successful fetch")
    fetched_at: datetime = _timestamp("When the source's page or file was fetched (UTC)")
    first_seen_at: datetime = _timestamp("When the source first listed the record (UTC)")
    last_seen_at: datetime = _timestamp("When the source last listed the record (UTC)")


class QuarantineRow(SQLModel, table=True):
    """A record that could not be used, with the reason. Kept for review, never published."""

    __tablename__ = "quarantine"

    id: int | None = Field(default=None, primary_key=True, description="Row number")
    run_id: str = Field(index=True, description="The run that quarantined it")
    source: str = Field(description="The source it came from")
    source_key: str | None = Field(default=None, description="The source's key for it, if it had one")
    reason: str = Field(description="Why it could not be used")
    raw: str = Field(sa_column=Column(Text, nullable=False), description="The record's fields as JSON")
    quarantined_at: datetime = _timestamp("When the record was quarantined (UTC)")


class RegistryIdRedirect(SQLModel, table=True):
    """A retired registry ID (after a merge) and the ID that now stands for its organisation."""

    __tablename__ = "registry_id_redirects"

    old_id: str = Field(primary_key=True, description="The retired registry ID")
    new_id: str = Field(index=True, description="The registry ID that now stands for the organisation")
    run_id: str = Field(description="The run that retired it")
    created_at: datetime = _timestamp("When the ID was retired (UTC)")


class JudgementRow(SQLModel, table=True):
    """One decision on whether two source records are the same organisation. Rows are only ever added:
    the decision in force for a pair is a person's latest (unless they withdrew it), else the matcher's latest."""

    __tablename__ = "judgements"

    id: int | None = Field(default=None, primary_key=True, description="Row number")
    left_source: str = Field(index=True, description="Source of the first record")
    left_key: str = Field(index=True, description="Key of the first record")
    right_source: str = Field(index=True, description="Source of the second record")
    right_key: str = Field(index=True, description="Key of the second record")
    judgement: str = Field(
        description="positive, negative or unsure; withdrawn: a person took back their earlier decision on the pair"
    )
    score: float | None = Field(default=None, description="The matcher's probability, if the matcher decided")
    explanation: str = Field(
        default="", sa_column=Column(Text, nullable=False), description="Which features agreed, with what weight"
    )
    decided_by: str = Field(description="'matcher', or 'person:<name>' for a review decision")
    decided_at: datetime = _timestamp("When the decision was made (UTC)")
    run_id: str | None = Field(default=None, description="The run whose matcher decided, if any")


class RunRow(SQLModel, table=True):
    """One publication of the registry."""

    __tablename__ = "runs"

    run_id: str = Field(primary_key=True, description="The Dagster run ID")
    published_at: datetime = _timestamp("When the run published (UTC)")
    organisations_active: int = Field(description="Active organisations after the run")
    records: int = Field(description="Source records published")
    quarantined: int = Field(description="Records quarantined in the run")
    source_summary: str = Field(sa_column=Column(Text, nullable=False), description="Per-source counts, JSON")
    failed_sources: str = Field(default="", description="Comma-separated sources that failed this run")
    changes: int = Field(
        default=0, sa_column_kwargs={"server_default": "0"}, description="Rows this run wrote to the change log"
    )


class ChangeLogRow(SQLModel, table=True):
    """What one run changed in the registry: the environmental scan's feed. Rows are only ever added."""

    __tablename__ = "change_log"

    id: int | None = Field(default=None, primary_key=True, description="Row number: the order changes were written in")
    run_id: str = Field(index=True, description="The run that made the change")
    changed_at: datetime = _timestamp("When the run published the change (UTC)")
    registry_id: str = Field(index=True, description="The organisation changed")
    change: str = Field(
        index=True,
        description="added, changed, merged, split, unlisted (no source lists it), inactivated, relisted, "
        "deregistered (the company register no longer has it as active)",
    )
    field: str | None = Field(default=None, description="For 'changed': the published field")
    old_value: str | None = Field(
        default=None, sa_column=Column(Text), description="The value before (changed), or the retired ID (merged)"
    )
    new_value: str | None = Field(
        default=None,
        sa_column=Column(Text),
        description="The value after (changed), the surviving ID (merged), the new ID (split), the name (added)",
    )
    detail: str | None = Field(default=None, sa_column=Column(Text), description="Why, in words")


class FieldProvenanceRow(SQLModel, table=True):
    """Where each published value of an organisation comes from, and since when it has said so."""

    __tablename__ = "field_provenance"

    registry_id: str = Field(primary_key=True, description="The organisation")
    field: str = Field(primary_key=True, description="The published column of organisations")
    value: str | None = Field(default=None, sa_column=Column(Text), description="The published value, as text")
    source: str = Field(description="A source name, 'bolagsverket', 'scb', or 'derived' (computed from others)")
    source_key: str | None = Field(default=None, description="The source's key for the record, or the orgnr")
    since: datetime = _timestamp("Since when this source has said this value (UTC)")
    confirmed_at: datetime = _timestamp("When a run last confirmed the value (UTC)")
