"""Read-only share links: capabilities whose token is shown once to their creator
and stored only as its SHA-256 (planner/store/tokens.py), so a read of the
database opens nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from planner.store.engine import Database, utcnow
from planner.store.schema import plans, shares
from planner.store.tokens import hash_token, is_token_shaped, new_token
from planner.store.versions import Loaded, plan_row, read_plan, revoke_owned, version_data

HINT_CHARS = 4  # of a share token, kept so its owner can tell links apart (24 of 256 bits)


@dataclass(frozen=True)
class ShareInfo:
    """A share link as its owner's list shows it: never the token itself."""

    id: str
    hint: str  # the token's first HINT_CHARS characters
    plan_id: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class NewShare:
    """A link just made: the only moment its token exists outside the visitor's URL."""

    id: str
    token: str
    hint: str


class Shares(Database):
    """The share-link part of the Store."""

    def new_share(self, plan_id: str, owner: str = "") -> NewShare:
        """A new read-only link to the plan; its token is returned here, once."""
        token, share_id = new_token(), uuid.uuid4().hex
        with self.transaction(write=True) as conn:
            plan_row(conn, plan_id, owner)
            conn.execute(
                shares.insert().values(
                    id=share_id,
                    token_hash=hash_token(token),
                    hint=token[:HINT_CHARS],
                    plan_id=plan_id,
                    created_at=utcnow(),
                )
            )
        return NewShare(id=share_id, token=token, hint=token[:HINT_CHARS])

    def create_share(self, plan_id: str, owner: str = "") -> str:
        """The token of a new link (see new_share)."""
        return self.new_share(plan_id, owner).token

    def list_shares(self, plan_id: str, owner: str = "", active: bool = True) -> list[ShareInfo]:
        with self.transaction() as conn:
            plan_row(conn, plan_id, owner)
            query = sa.select(shares).where(shares.c.plan_id == plan_id)
            if active:
                query = query.where(shares.c.revoked_at.is_(None))
            rows = conn.execute(query.order_by(shares.c.created_at.desc(), shares.c.id)).all()
        return [ShareInfo(r.id, r.hint, r.plan_id, r.created_at, r.revoked_at) for r in rows]

    def revoke_share(self, share_id: str, owner: str = "") -> None:
        """Revoke a live link of one of the owner's plans, by its id."""
        with self.transaction(write=True) as conn:
            revoke_owned(conn, shares, share_id, owner, "share")

    def resolve_share(self, token: object) -> Loaded | None:
        """The latest version of a shared plan, or None for any token that is not
        a live link (malformed, unknown, revoked, plan deleted): callers show one
        message for all of them."""
        if not is_token_shaped(token):
            return None
        with self.transaction() as conn:
            row = conn.execute(
                sa.select(plans.c.id, plans.c.version)
                .join(shares, shares.c.plan_id == plans.c.id)
                .where(
                    shares.c.token_hash == hash_token(token),  # type: ignore[arg-type]
                    shares.c.revoked_at.is_(None),
                    plans.c.deleted_at.is_(None),
                )
            ).first()
            if row is None:
                return None
            plan = read_plan(version_data(conn, row.id, row.version))
        return Loaded(id=row.id, version=row.version, plan=plan, latest=row.version)
