"""Soft delete (undo) and read-only share links.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("deleted_at", sa.DateTime, nullable=True))
    op.create_table(
        "shares",
        sa.Column("token", sa.String(100), primary_key=True),
        sa.Column(
            "plan_id",
            sa.String(32),
            sa.ForeignKey("plans.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("revoked_at", sa.DateTime, nullable=True),
    )
    op.create_index("ix_shares_plan", "shares", ["plan_id"])


def downgrade() -> None:
    op.drop_index("ix_shares_plan", table_name="shares")
    op.drop_table("shares")
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("deleted_at")
