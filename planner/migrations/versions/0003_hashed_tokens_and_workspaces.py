"""Share links stored as hashes; private workspaces.

The ``shares`` table kept each link's token verbatim, so a read of the database
granted access to every shared plan. It is rebuilt keyed by an opaque id, with
the SHA-256 of the token (what a visitor's token is looked up by), a 4-character
hint for the owner's list, and the dates. Existing rows are hashed in place: the
links their owners hold keep opening the plans.

``workspaces`` holds the capability of a private workspace (the SHA-256 of its
``?ws=`` token) and the plan owner it grants: ``ws:<id>`` for a new workspace,
or ``""`` for the plans of an instance that ran before workspaces existed.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

import hashlib
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

HINT_CHARS = 4


def _sha256(token: str) -> str:
    # Frozen here on purpose (a migration must not change when the app does); it
    # is planner.tokens.hash_token, and the store's migration test proves they agree.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def upgrade() -> None:
    conn = op.get_bind()
    old = conn.execute(sa.text("SELECT token, plan_id, created_at, revoked_at FROM shares")).all()
    op.create_table(
        "share_links",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("hint", sa.String(8), nullable=False),
        sa.Column(
            "plan_id",
            sa.String(32),
            sa.ForeignKey("plans.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("revoked_at", sa.DateTime, nullable=True),
    )
    rows = [
        {
            "id": uuid.uuid4().hex,
            "token_hash": _sha256(r.token),
            "hint": r.token[:HINT_CHARS],
            "plan_id": r.plan_id,
            "created_at": r.created_at,
            "revoked_at": r.revoked_at,
        }
        for r in old
    ]
    if rows:
        op.bulk_insert(sa.table("share_links", *(sa.column(k) for k in rows[0])), rows)
    op.drop_index("ix_shares_plan", table_name="shares")
    op.drop_table("shares")
    op.rename_table("share_links", "shares")
    op.create_index("ux_shares_token_hash", "shares", ["token_hash"], unique=True)
    op.create_index("ix_shares_plan", "shares", ["plan_id"])

    op.create_table(
        "workspaces",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("owner", sa.String(320), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("rotated_at", sa.DateTime, nullable=True),
    )
    op.create_index("ux_workspaces_token_hash", "workspaces", ["token_hash"], unique=True)
    op.create_index("ux_workspaces_owner", "workspaces", ["owner"], unique=True)


def downgrade() -> None:
    # The plain tokens are gone for good, and a stored hash must never become a
    # token (it has a token's shape): downgrading drops every share link.
    op.drop_index("ux_workspaces_owner", table_name="workspaces")
    op.drop_index("ux_workspaces_token_hash", table_name="workspaces")
    op.drop_table("workspaces")
    op.drop_index("ix_shares_plan", table_name="shares")
    op.drop_index("ux_shares_token_hash", table_name="shares")
    op.drop_table("shares")
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
