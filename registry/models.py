"""The registry tables. Downstream systems read these: column names and meanings are a contract."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Column, DateTime, Text
from sqlmodel import Field, SQLModel


def _timestamp(**kwargs: object) -> object:
    return Field(sa_column=Column(DateTime(timezone=True), **kwargs))


class Organisation(SQLModel, table=True):
    """One organisation, identified by a stable registry ID. Never deleted: inactive when no source lists it."""

    __tablename__ = "organisations"

    registry_id: str = Field(primary_key=True, description="Stable registry ID, e.g. asf-k3m9q2xa")
    name: str = Field(description="Display name, from the most trusted source that has one")
    orgnr: str | None = Field(default=None, index=True, description="Organisationsnummer NNNNNN-NNNN, if known")
    municipality: str | None = Field(default=None, description="Municipality (kommun) as the sources write it")
    address: str | None = None
    website: str | None = None
    email: str | None = Field(default=None, description="Organisation-level e-mail only")
    phone: str | None = None
    activity: str | None = Field(default=None, sa_column=Column(Text), description="What the organisation does")
    sources: str = Field(description="Comma-separated names of the sources that list it")
    source_count: int = Field(description="Number of distinct sources that list it")
    evidence: str = Field(
        index=True,
        description="Why it is listed: current_list (a current ASF list), historical_list (only a closed list), "
        "weak_signal (only a general member list such as Integrationspakten; not evidence of being an ASF)",
    )
    kommun_code: str | None = Field(default=None, index=True, description="SCB kommun code, e.g. 0180")
    kommun_name: str | None = None
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
    registered_on: str | None = None
    postal_address: str | None = None
    postcode: str | None = None
    postort: str | None = None
    business_description: str | None = Field(default=None, sa_column=Column(Text), description="verksamhetsbeskrivning")
    sni_codes: str | None = Field(default=None, description="SNI industry codes from SCB, comma-separated")
    register_match: str | None = Field(
        default=None, description="How the register entry was found: orgnr, name, person"
    )
    register_match_score: float | None = None
    first_seen_at: datetime = _timestamp(nullable=False)
    last_seen_at: datetime = _timestamp(nullable=False)
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

    orgnr: str = Field(primary_key=True)
    name: str
    legal_form: str | None = None
    kommun_code: str | None = Field(default=None, index=True)
    business_description: str | None = Field(default=None, sa_column=Column(Text))
    reason: str
    first_seen_at: datetime = _timestamp(nullable=False)
    last_seen_at: datetime = _timestamp(nullable=False)
    still_candidate: bool = Field(
        default=True, description="False once it is in the registry or gone from the register"
    )


class SourceRecordRow(SQLModel, table=True):
    """A source's record of an organisation, as the source wrote it, linked to the organisation it belongs to."""

    __tablename__ = "source_records"

    source: str = Field(primary_key=True)
    source_key: str = Field(primary_key=True, description="The source's own stable key for the record")
    registry_id: str = Field(index=True)
    name: str
    orgnr_as_written: str | None = Field(default=None, description="As the source wrote it; never 'fixed'")
    orgnr: str | None = Field(default=None, description="Canonical NNNNNN-NNNN when valid")
    orgnr_status: str = Field(description="valid, invalid or missing")
    municipality: str | None = None
    address: str | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    activity: str | None = Field(default=None, sa_column=Column(Text))
    categories: str | None = Field(default=None, description="The source's own categories or marks")
    source_url: str | None = None
    match_explanation: str | None = Field(default=None, sa_column=Column(Text))
    listed: bool = Field(default=True, description="Present in the source's last successful fetch")
    fetched_at: datetime = _timestamp(nullable=False)
    first_seen_at: datetime = _timestamp(nullable=False)
    last_seen_at: datetime = _timestamp(nullable=False)


class QuarantineRow(SQLModel, table=True):
    """A record that could not be used, with the reason. Kept for review, never published."""

    __tablename__ = "quarantine"

    id: int | None = Field(default=None, primary_key=True)
    run_id: str = Field(index=True)
    source: str
    source_key: str | None = None
    reason: str
    raw: str = Field(sa_column=Column(Text, nullable=False), description="The record's fields as JSON")
    quarantined_at: datetime = _timestamp(nullable=False)


class RegistryIdRedirect(SQLModel, table=True):
    """A retired registry ID (after a merge) and the ID that now stands for its organisation."""

    __tablename__ = "registry_id_redirects"

    old_id: str = Field(primary_key=True)
    new_id: str = Field(index=True)
    run_id: str
    created_at: datetime = _timestamp(nullable=False)


class JudgementRow(SQLModel, table=True):
    """One decision on whether two source records are the same organisation. Rows are only ever added:
    the decision in force for a pair is a person's latest, else the matcher's latest."""

    __tablename__ = "judgements"

    id: int | None = Field(default=None, primary_key=True)
    left_source: str = Field(index=True)
    left_key: str = Field(index=True)
    right_source: str = Field(index=True)
    right_key: str = Field(index=True)
    judgement: str = Field(description="positive, negative or unsure")
    score: float | None = Field(default=None, description="The matcher's probability, if the matcher decided")
    explanation: str = Field(default="", sa_column=Column(Text, nullable=False))
    decided_by: str = Field(description="'matcher', or 'person:<name>' for a review decision")
    decided_at: datetime = _timestamp(nullable=False)
    run_id: str | None = None


class RunRow(SQLModel, table=True):
    """One publication of the registry."""

    __tablename__ = "runs"

    run_id: str = Field(primary_key=True)
    published_at: datetime = _timestamp(nullable=False)
    organisations_active: int
    records: int
    quarantined: int
    source_summary: str = Field(sa_column=Column(Text, nullable=False), description="Per-source counts, JSON")
    failed_sources: str = Field(default="", description="Comma-separated sources that failed this run")
    changes: int = Field(
        default=0, sa_column_kwargs={"server_default": "0"}, description="Rows this run wrote to the change log"
    )


class ChangeLogRow(SQLModel, table=True):
    """What one run changed in the registry: the environmental scan's feed. Rows are only ever added."""

    __tablename__ = "change_log"

    id: int | None = Field(default=None, primary_key=True)
    run_id: str = Field(index=True)
    changed_at: datetime = _timestamp(nullable=False)
    registry_id: str = Field(index=True)
    change: str = Field(
        index=True,
        description="added, changed, merged, split, unlisted (no source lists it), inactivated, relisted, "
        "deregistered (the company register no longer has it as active)",
    )
    field: str | None = Field(default=None, description="For 'changed': the published field")
    old_value: str | None = Field(default=None, sa_column=Column(Text))
    new_value: str | None = Field(default=None, sa_column=Column(Text))
    detail: str | None = Field(default=None, sa_column=Column(Text), description="Why, in words")


class FieldProvenanceRow(SQLModel, table=True):
    """Where each published value of an organisation comes from, and since when it has said so."""

    __tablename__ = "field_provenance"

    registry_id: str = Field(primary_key=True)
    field: str = Field(primary_key=True)
    value: str | None = Field(default=None, sa_column=Column(Text))
    source: str = Field(description="A source name, 'bolagsverket', 'scb', or 'derived' (computed from others)")
    source_key: str | None = Field(default=None, description="The source's key for the record, or the orgnr")
    since: datetime = _timestamp(nullable=False)
    confirmed_at: datetime = _timestamp(nullable=False)
