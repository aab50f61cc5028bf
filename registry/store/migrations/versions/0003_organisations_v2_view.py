"""registry_v2_organisations: the v1 organisations and how each was matched to the company register.

The v1 views stay as they are (a contract never changes); version 2 of the contract adds this view beside
them, with register_match and register_match_score, so a reader can tell an orgnr that a source gave from one
that a fuzzy name match found, and how sure that match was.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 15:30:00
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Frozen with this revision: the columns of version 2 of the organisations view.
V2_ORGANISATIONS = (
    "SELECT registry_id, name, orgnr, legal_form, svb, register_status, register_name, registered_on, "
    "kommun_code, kommun_name, lan_code, lan_name, municipality, address, postal_address, postcode, postort, "
    "website, email, phone, activity, business_description, sni_codes, activity_areas, cpv_divisions, "
    "evidence, sources, source_count, listed, active, first_seen_at, last_seen_at, inactive_since, "
    "merged_into, register_match, register_match_score FROM organisations"
)


def upgrade() -> None:
    op.execute(f"CREATE VIEW registry_v2_organisations AS {V2_ORGANISATIONS}")


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS registry_v2_organisations")
