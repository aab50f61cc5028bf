"""The registry tables. Downstream systems read these: column names and meanings are a contract.

The published columns' meanings and labels are declared once, in registry/store/columns.py; here they get their
SQL types, keys and indexes."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Column, DateTime, Text
from sqlmodel import Field, SQLModel

from registry.store.columns import (
    CHANGE_LOG,
    FIELD_PROVENANCE,
    ORGANISATIONS,
    REGISTRY_ID_REDIRECTS,
    RUNS,
    SOURCE_RECORDS,
    Table,
    described,
)


def _timestamp(description: str, nullable: bool = False) -> object:
    return Field(sa_column=Column(DateTime(timezone=True), nullable=nullable), description=description)


def _published_timestamp(table: Table, column: str, nullable: bool = False) -> object:
    return described(table, column, sa_column=Column(DateTime(timezone=True), nullable=nullable))


class Organisation(SQLModel, table=True):
    """One organisation, identified by a stable registry ID. Never deleted: inactive when no source lists it."""

    __tablename__ = "organisations"

    registry_id: str = described(ORGANISATIONS, "registry_id", primary_key=True)
    name: str = described(ORGANISATIONS, "name")
    orgnr: str | None = described(ORGANISATIONS, "orgnr", default=None, index=True)
    municipality: str | None = described(ORGANISATIONS, "municipality", default=None)
    address: str | None = described(ORGANISATIONS, "address", default=None)
    website: str | None = described(ORGANISATIONS, "website", default=None)
    email: str | None = described(ORGANISATIONS, "email", default=None)
    phone: str | None = described(ORGANISATIONS, "phone", default=None)
    activity: str | None = described(ORGANISATIONS, "activity", default=None, sa_column=Column(Text))
    sources: str = described(ORGANISATIONS, "sources")
    source_count: int = described(ORGANISATIONS, "source_count")
    evidence: str = described(ORGANISATIONS, "evidence", index=True)
    kommun_code: str | None = described(ORGANISATIONS, "kommun_code", default=None, index=True)
    kommun_name: str | None = described(ORGANISATIONS, "kommun_name", default=None)
    lan_code: str | None = described(ORGANISATIONS, "lan_code", default=None, index=True)
    lan_name: str | None = described(ORGANISATIONS, "lan_name", default=None)
    activity_areas: str | None = described(ORGANISATIONS, "activity_areas", default=None)
    cpv_divisions: str | None = described(ORGANISATIONS, "cpv_divisions", default=None)
    # From the company register (Bolagsverket), when matched.
    register_name: str | None = described(ORGANISATIONS, "register_name", default=None)
    legal_form: str | None = described(ORGANISATIONS, "legal_form", default=None)
    svb: bool | None = described(ORGANISATIONS, "svb", default=None)
    register_status: str | None = described(ORGANISATIONS, "register_status", default=None)
    registered_on: str | None = described(ORGANISATIONS, "registered_on", default=None)
    postal_address: str | None = described(ORGANISATIONS, "postal_address", default=None)
    postcode: str | None = described(ORGANISATIONS, "postcode", default=None)
    postort: str | None = described(ORGANISATIONS, "postort", default=None)
    business_description: str | None = described(
        ORGANISATIONS, "business_description", default=None, sa_column=Column(Text)
    )
    sni_codes: str | None = described(ORGANISATIONS, "sni_codes", default=None)
    register_match: str | None = described(ORGANISATIONS, "register_match", default=None)
    register_match_score: float | None = described(ORGANISATIONS, "register_match_score", default=None)
    first_seen_at: datetime = _published_timestamp(ORGANISATIONS, "first_seen_at")
    last_seen_at: datetime = _published_timestamp(ORGANISATIONS, "last_seen_at")
    listed: bool = described(ORGANISATIONS, "listed", default=True, sa_column_kwargs={"server_default": sa.true()})
    unlisted_runs: int = described(ORGANISATIONS, "unlisted_runs", default=0, sa_column_kwargs={"server_default": "0"})
    active: bool = described(ORGANISATIONS, "active", default=True, index=True)
    inactive_since: datetime | None = described(
        ORGANISATIONS, "inactive_since", default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    merged_into: str | None = described(ORGANISATIONS, "merged_into", default=None)


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

    source: str = described(SOURCE_RECORDS, "source", primary_key=True)
    source_key: str = described(SOURCE_RECORDS, "source_key", primary_key=True)
    registry_id: str = described(SOURCE_RECORDS, "registry_id", index=True)
    name: str = described(SOURCE_RECORDS, "name")
    orgnr_as_written: str | None = described(SOURCE_RECORDS, "orgnr_as_written", default=None)
    orgnr: str | None = described(SOURCE_RECORDS, "orgnr", default=None)
    orgnr_status: str = described(SOURCE_RECORDS, "orgnr_status")
    municipality: str | None = described(SOURCE_RECORDS, "municipality", default=None)
    address: str | None = described(SOURCE_RECORDS, "address", default=None)
    website: str | None = described(SOURCE_RECORDS, "website", default=None)
    email: str | None = described(SOURCE_RECORDS, "email", default=None)
    phone: str | None = described(SOURCE_RECORDS, "phone", default=None)
    activity: str | None = described(SOURCE_RECORDS, "activity", default=None, sa_column=Column(Text))
    categories: str | None = described(SOURCE_RECORDS, "categories", default=None)
    source_url: str | None = described(SOURCE_RECORDS, "source_url", default=None)
    match_explanation: str | None = described(SOURCE_RECORDS, "match_explanation", default=None, sa_column=Column(Text))
    listed: bool = described(SOURCE_RECORDS, "listed", default=True)
    fetched_at: datetime = _published_timestamp(SOURCE_RECORDS, "fetched_at")
    first_seen_at: datetime = _published_timestamp(SOURCE_RECORDS, "first_seen_at")
    last_seen_at: datetime = _published_timestamp(SOURCE_RECORDS, "last_seen_at")


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

    old_id: str = described(REGISTRY_ID_REDIRECTS, "old_id", primary_key=True)
    new_id: str = described(REGISTRY_ID_REDIRECTS, "new_id", index=True)
    run_id: str = described(REGISTRY_ID_REDIRECTS, "run_id")
    created_at: datetime = _published_timestamp(REGISTRY_ID_REDIRECTS, "created_at")


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

    run_id: str = described(RUNS, "run_id", primary_key=True)
    published_at: datetime = _published_timestamp(RUNS, "published_at")
    organisations_active: int = described(RUNS, "organisations_active")
    records: int = described(RUNS, "records")
    quarantined: int = described(RUNS, "quarantined")
    source_summary: str = described(RUNS, "source_summary", sa_column=Column(Text, nullable=False))
    failed_sources: str = described(RUNS, "failed_sources", default="")
    changes: int = described(RUNS, "changes", default=0, sa_column_kwargs={"server_default": "0"})


class ChangeLogRow(SQLModel, table=True):
    """What one run changed in the registry: the environmental scan's feed. Rows are only ever added."""

    __tablename__ = "change_log"

    id: int | None = described(CHANGE_LOG, "id", default=None, primary_key=True)
    run_id: str = described(CHANGE_LOG, "run_id", index=True)
    changed_at: datetime = _published_timestamp(CHANGE_LOG, "changed_at")
    registry_id: str = described(CHANGE_LOG, "registry_id", index=True)
    change: str = described(CHANGE_LOG, "change", index=True)
    field: str | None = described(CHANGE_LOG, "field", default=None)
    old_value: str | None = described(CHANGE_LOG, "old_value", default=None, sa_column=Column(Text))
    new_value: str | None = described(CHANGE_LOG, "new_value", default=None, sa_column=Column(Text))
    detail: str | None = described(CHANGE_LOG, "detail", default=None, sa_column=Column(Text))


class FieldProvenanceRow(SQLModel, table=True):
    """Where each published value of an organisation comes from, and since when it has said so."""

    __tablename__ = "field_provenance"

    registry_id: str = described(FIELD_PROVENANCE, "registry_id", primary_key=True)
    field: str = described(FIELD_PROVENANCE, "field", primary_key=True)
    value: str | None = described(FIELD_PROVENANCE, "value", default=None, sa_column=Column(Text))
    source: str = described(FIELD_PROVENANCE, "source")
    source_key: str | None = described(FIELD_PROVENANCE, "source_key", default=None)
    since: datetime = _published_timestamp(FIELD_PROVENANCE, "since")
    confirmed_at: datetime = _published_timestamp(FIELD_PROVENANCE, "confirmed_at")
