"""What a store operation raises. The messages are for the log; a few errors also
say `message(lang)` for the user."""

from __future__ import annotations

from planner.i18n import t


class StoreError(Exception):
    """A store operation failed; the message is for the log, not the user."""


class PlanNotFound(StoreError):
    """No such plan for this owner (or it was deleted)."""


class StaleVersion(StoreError):
    """The save was based on an older version than the latest one."""

    def __init__(self, plan_id: str, base: int, current: int) -> None:
        super().__init__(f"plan {plan_id}: based on version {base}, latest is {current}")
        self.base = base
        self.current = current


class NameTaken(StoreError):
    """Another live plan of this owner already has the name (names are unique per owner)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"name taken: {name}")
        self.name = name

    def message(self, lang: str) -> str:
        return t("store_name_taken", lang, name=self.name)


class WorkspaceNotFound(StoreError):
    """No workspace grants this owner (rotating an unknown workspace)."""


class NewerDatabase(StoreError):
    """The database was written by a newer release of the app."""


class PlanImportError(StoreError):
    """An imported plan was refused; ``message(lang)`` says why, for the user."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(f"{key}: {params}")
        self.key = key
        self.params = params

    def message(self, lang: str) -> str:
        return t(self.key, lang, **self.params)


class MemberNotFound(StoreError):
    """An invite was asked for a member the plan does not have."""


class InviteRefused(StoreError):
    """A submission was refused: `reason` is "invalid" (no live link: malformed,
    unknown, revoked, expired or its plan deleted), "limit" (MAX_SUBMISSIONS reached)
    or "too_soon" (wait `wait_s` seconds)."""

    def __init__(self, reason: str, wait_s: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait_s = wait_s


class ClaimUnconfirmed(StoreError):
    """An open link's name matches a member: whoever held the link says they are
    that member, which the founder confirms before their ratings change."""

    def __init__(self, member: str) -> None:
        super().__init__(f"the claim to be {member!r} is not confirmed")
        self.member = member


class AlreadyDecided(StoreError):
    """The proposal was accepted, rejected or replaced meanwhile (another tab)."""
