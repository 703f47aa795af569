"""The database schema: every table of the app in one `metadata`.

Alembic's `target_metadata` (planner/migrations/env.py) is this `metadata`, so an
autogenerate compares the migrations with every table (tests/unit/test_migrations.py
asserts it proposes nothing). Changing a table here means writing a migration.
"""

from __future__ import annotations

import sqlalchemy as sa

from planner.domain import MAX_NAME_LEN

MAX_TITLE_LEN = 120  # an invite's title: what the self-assessment form may show

metadata = sa.MetaData()

plans = sa.Table(
    "plans",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("owner", sa.String(320), nullable=False),
    sa.Column("name", sa.String(MAX_NAME_LEN), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("deleted_at", sa.DateTime, nullable=True),
)
sa.Index("ix_plans_owner_updated", plans.c.owner, plans.c.updated_at)

versions = sa.Table(
    "plan_versions",
    metadata,
    sa.Column(
        "plan_id",
        sa.String(32),
        sa.ForeignKey("plans.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("data", sa.Text, nullable=False),
)

shares = sa.Table(
    "shares",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),  # opaque: what revoking names
    sa.Column("token_hash", sa.String(64), nullable=False),  # SHA-256 of the token
    sa.Column("hint", sa.String(8), nullable=False),  # the token's first characters
    sa.Column(
        "plan_id",
        sa.String(32),
        sa.ForeignKey("plans.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("revoked_at", sa.DateTime, nullable=True),
)
sa.Index("ux_shares_token_hash", shares.c.token_hash, unique=True)
sa.Index("ix_shares_plan", shares.c.plan_id)

workspaces = sa.Table(
    "workspaces",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    # The plan owner the workspace's token grants: "ws:<id>", or "" for the plans an
    # instance made before workspaces existed (its "instance workspace").
    sa.Column("owner", sa.String(320), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("rotated_at", sa.DateTime, nullable=True),
)
sa.Index("ux_workspaces_token_hash", workspaces.c.token_hash, unique=True)
sa.Index("ux_workspaces_owner", workspaces.c.owner, unique=True)


invites = sa.Table(
    "invites",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column(
        "plan_id", sa.String(32), sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("member", sa.String(MAX_NAME_LEN), nullable=True),  # None: an open link
    sa.Column("title", sa.String(MAX_TITLE_LEN), nullable=False),  # what the form may show
    sa.Column("lang", sa.String(8), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
    sa.Column("opened_at", sa.DateTime, nullable=True),
    sa.Column("submitted_at", sa.DateTime, nullable=True),
    sa.Column("revoked_at", sa.DateTime, nullable=True),
    sa.Column("submissions", sa.Integer, nullable=False),
)
sa.Index("ix_invites_plan", invites.c.plan_id)

proposals = sa.Table(
    "proposals",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column(
        "invite_id", sa.String(32), sa.ForeignKey("invites.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column(
        "plan_id", sa.String(32), sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("data", sa.Text, nullable=False),  # the SelfAssessment, as JSON
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("decided_at", sa.DateTime, nullable=True),
    sa.Column("version", sa.Integer, nullable=True),  # the plan version an accept made
)
sa.Index("ix_proposals_plan_status", proposals.c.plan_id, proposals.c.status)
sa.Index("ix_proposals_invite", proposals.c.invite_id)
