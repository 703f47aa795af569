"""Self-assessment invites and their proposals.

``invites`` holds a founder's links to the self-assessment form: the SHA-256 of the
token (never the token), the plan, the member it is for (NULL: an open link), what
the form may show of the plan (``title``), and the dates of its life. ``proposals``
holds what people submitted, pending until the founder accepts or rejects it. Plans
are not touched: a plan made before this revision loads as it did.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "invites",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column(
            "plan_id",
            sa.String(32),
            sa.ForeignKey("plans.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("member", sa.String(120), nullable=True),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("opened_at", sa.DateTime, nullable=True),
        sa.Column("submitted_at", sa.DateTime, nullable=True),
        sa.Column("revoked_at", sa.DateTime, nullable=True),
        sa.Column("submissions", sa.Integer, nullable=False),
    )
    op.create_index("ix_invites_plan", "invites", ["plan_id"])
    op.create_table(
        "proposals",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column(
            "invite_id",
            sa.String(32),
            sa.ForeignKey("invites.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "plan_id",
            sa.String(32),
            sa.ForeignKey("plans.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("decided_at", sa.DateTime, nullable=True),
        sa.Column("version", sa.Integer, nullable=True),
    )
    op.create_index("ix_proposals_plan_status", "proposals", ["plan_id", "status"])
    op.create_index("ix_proposals_invite", "proposals", ["invite_id"])


def downgrade() -> None:
    op.drop_index("ix_proposals_invite", table_name="proposals")
    op.drop_index("ix_proposals_plan_status", table_name="proposals")
    op.drop_table("proposals")
    op.drop_index("ix_invites_plan", table_name="invites")
    op.drop_table("invites")
