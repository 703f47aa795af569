"""Private workspaces: a capability token that grants one plan owner ("ws:<id>"),
and the instance workspace that holds the plans an instance made before
workspaces existed (owner "")."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import sqlalchemy as sa

from planner.store.engine import Database, utcnow
from planner.store.errors import WorkspaceNotFound
from planner.store.schema import plans, workspaces
from planner.store.tokens import hash_token, is_token_shaped, new_token

WORKSPACE_PREFIX = "ws:"  # owner of a private workspace's plans: "ws:<workspace id>"
INSTANCE_OWNER = ""  # owner of the plans of the shared workspace (no sign-in, shared mode)


@dataclass(frozen=True)
class Workspace:
    """A private workspace just made (or its token just replaced)."""

    owner: str
    token: str


class Workspaces(Database):
    """The workspace part of the Store."""

    def create_workspace(self) -> Workspace:
        """A new private workspace; its token is returned here, once."""
        workspace_id, token = uuid.uuid4().hex, new_token()
        owner = WORKSPACE_PREFIX + workspace_id
        with self.transaction(write=True) as conn:
            conn.execute(
                workspaces.insert().values(
                    id=workspace_id, owner=owner, token_hash=hash_token(token), created_at=utcnow()
                )
            )
        return Workspace(owner=owner, token=token)

    def resolve_workspace(self, token: object) -> str | None:
        """The owner a workspace token grants, or None for any other value
        (malformed, unknown, replaced by a rotation)."""
        if not is_token_shaped(token):
            return None
        with self.transaction() as conn:
            return conn.execute(
                sa.select(workspaces.c.owner).where(
                    workspaces.c.token_hash == hash_token(token)  # type: ignore[arg-type]
                )
            ).scalar()

    def rotate_workspace(self, owner: str) -> str:
        """Replace the workspace's token: the new one is returned, the old one is dead."""
        token = new_token()
        with self.transaction(write=True) as conn:
            done = conn.execute(
                workspaces.update()
                .where(workspaces.c.owner == owner)
                .values(token_hash=hash_token(token), rotated_at=utcnow())
            )
            if done.rowcount != 1:
                raise WorkspaceNotFound(owner)
        return token

    def instance_workspace(self, *, rotate: bool = False) -> str | None:
        """The token of the workspace that holds the instance's shared plans (owner
        ""), when it is made now, or replaced because `rotate` asks: None otherwise.

        An instance that ran without sign-in before workspaces existed kept every
        plan under owner "". Private mode reaches them only through this
        workspace; `python -m planner instance-link` prints the token it returns,
        the one time it exists.
        Nothing is made while there is no such plan."""
        with self.transaction(write=True) as conn:
            held = conn.execute(
                sa.select(workspaces.c.id).where(workspaces.c.owner == INSTANCE_OWNER)
            ).scalar()
            if held is None:
                legacy = conn.execute(
                    sa.select(plans.c.id).where(plans.c.owner == INSTANCE_OWNER).limit(1)
                ).first()
                if legacy is None:
                    return None
                token = new_token()
                try:
                    with conn.begin_nested():
                        conn.execute(
                            workspaces.insert().values(
                                id=uuid.uuid4().hex,
                                owner=INSTANCE_OWNER,
                                token_hash=hash_token(token),
                                created_at=utcnow(),
                            )
                        )
                except sa.exc.IntegrityError:
                    return None  # another process made it (and shows its token)
                return token
        if not rotate:
            return None
        return self.rotate_workspace(INSTANCE_OWNER)

    def has_instance_workspace(self) -> bool:
        """True once the instance workspace exists (its link was handed out)."""
        with self.transaction() as conn:
            found = conn.execute(
                sa.select(workspaces.c.id).where(workspaces.c.owner == INSTANCE_OWNER)
            ).first()
        return found is not None

    def legacy_plans_unclaimed(self) -> bool:
        """Plans of the old shared workspace wait for their instance link."""
        with self.transaction() as conn:
            legacy = conn.execute(
                sa.select(plans.c.id).where(plans.c.owner == INSTANCE_OWNER).limit(1)
            ).first()
        return legacy is not None and not self.has_instance_workspace()
