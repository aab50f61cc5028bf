"""Baseline: the registry tables as of 2026-11-27 (organisations, source records, judgements, redirects,
quarantine, runs, register candidates).

Revision ID: 0001
Revises:
Create Date: 2026-11-27 22:51:40.321610
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "judgements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("left_source", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("left_key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("right_source", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("right_key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("judgement", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("judgements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_judgements_left_key"), ["left_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_judgements_left_source"), ["left_source"], unique=False)
        batch_op.create_index(batch_op.f("ix_judgements_right_key"), ["right_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_judgements_right_source"), ["right_source"], unique=False)

    op.create_table(
        "organisations",
        sa.Column("registry_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("orgnr", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("municipality", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("website", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("activity", sa.Text(), nullable=True),
        sa.Column("sources", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("source_count", sa.Integer(), nullable=False),
        sa.Column("evidence", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kommun_code", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("kommun_name", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("lan_code", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("register_name", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("legal_form", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("svb", sa.Boolean(), nullable=True),
        sa.Column("register_status", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("registered_on", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("postal_address", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("postcode", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("postort", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("business_description", sa.Text(), nullable=True),
        sa.Column("sni_codes", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("register_match", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("register_match_score", sa.Float(), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("registry_id"),
    )
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organisations_active"), ["active"], unique=False)
        batch_op.create_index(batch_op.f("ix_organisations_evidence"), ["evidence"], unique=False)
        batch_op.create_index(batch_op.f("ix_organisations_kommun_code"), ["kommun_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_organisations_lan_code"), ["lan_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_organisations_orgnr"), ["orgnr"], unique=False)

    op.create_table(
        "quarantine",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("source_key", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("quarantined_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quarantine_run_id"), ["run_id"], unique=False)

    op.create_table(
        "register_candidates",
        sa.Column("orgnr", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("legal_form", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("kommun_code", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("business_description", sa.Text(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("still_candidate", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("orgnr"),
    )
    with op.batch_alter_table("register_candidates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_register_candidates_kommun_code"), ["kommun_code"], unique=False)

    op.create_table(
        "registry_id_redirects",
        sa.Column("old_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("new_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("run_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("old_id"),
    )
    with op.batch_alter_table("registry_id_redirects", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registry_id_redirects_new_id"), ["new_id"], unique=False)

    op.create_table(
        "runs",
        sa.Column("run_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("organisations_active", sa.Integer(), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("quarantined", sa.Integer(), nullable=False),
        sa.Column("source_summary", sa.Text(), nullable=False),
        sa.Column("failed_sources", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("run_id"),
    )
    op.create_table(
        "source_records",
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("source_key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("registry_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("orgnr_as_written", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("orgnr", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("orgnr_status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("municipality", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("website", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("activity", sa.Text(), nullable=True),
        sa.Column("categories", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("source_url", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("match_explanation", sa.Text(), nullable=True),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source", "source_key"),
    )
    with op.batch_alter_table("source_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_source_records_registry_id"), ["registry_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("source_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_records_registry_id"))

    op.drop_table("source_records")
    op.drop_table("runs")
    with op.batch_alter_table("registry_id_redirects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_id_redirects_new_id"))

    op.drop_table("registry_id_redirects")
    with op.batch_alter_table("register_candidates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_register_candidates_kommun_code"))

    op.drop_table("register_candidates")
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quarantine_run_id"))

    op.drop_table("quarantine")
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisations_orgnr"))
        batch_op.drop_index(batch_op.f("ix_organisations_lan_code"))
        batch_op.drop_index(batch_op.f("ix_organisations_kommun_code"))
        batch_op.drop_index(batch_op.f("ix_organisations_evidence"))
        batch_op.drop_index(batch_op.f("ix_organisations_active"))

    op.drop_table("organisations")
    with op.batch_alter_table("judgements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_judgements_right_source"))
        batch_op.drop_index(batch_op.f("ix_judgements_right_key"))
        batch_op.drop_index(batch_op.f("ix_judgements_left_source"))
        batch_op.drop_index(batch_op.f("ix_judgements_left_key"))

    op.drop_table("judgements")
