"""Persistence: plans and their versions, share links, workspaces and self-assessment
invites, in one database (SQLAlchemy Core; Alembic migrates it).

- `schema`: every table in one `metadata` (Alembic's target);
- `engine`: engines, `Database.transaction()` and the migration;
- `versions`: plan rows and versions (`append_version`, the conditional save);
- `plans`: the `Store` (plans, trash, import) with `shares` and `workspaces`;
- `invites`, `assessment`, `proposals`: self-assessment links, what a person
  submits, and what accepting it changes;
- `changes`, `errors`, `tokens`: history words, what the store raises, capability tokens.

This package re-exports the public names: `from planner.store import Store`.
"""

from planner.store.assessment import (
    MAX_NOTE_LEN,
    InvalidAssessment,
    SelfAssessment,
    one_line,
    parse_assessment,
    read_assessment,
)
from planner.store.changes import (
    CHANGE_TEXT,
    describe_changes,
    summarize,
)
from planner.store.engine import (
    MIGRATIONS_DIR,
    Database,
    make_engine,
    normalize_url,
    sqlite_url,
    utcnow,
)
from planner.store.errors import (
    AlreadyDecided,
    ClaimUnconfirmed,
    InviteRefused,
    MemberNotFound,
    NameTaken,
    NewerDatabase,
    PlanImportError,
    PlanNotFound,
    StaleVersion,
    StoreError,
    WorkspaceNotFound,
)
from planner.store.invites import (
    FTE_FIELD,
    INVITE_DAYS,
    MAX_INVITE_DAYS,
    MAX_SUBMISSIONS,
    MIN_SUBMIT_INTERVAL,
    STATES,
    FormView,
    Invite,
    create_invite,
    list_invites,
    open_form,
    revoke_invite,
    submit,
)
from planner.store.plans import (
    MAX_IMPORT_BYTES,
    UNDO_WINDOW,
    Store,
    parse_plan_json,
)
from planner.store.proposals import (
    ACCEPTED,
    PENDING,
    REJECTED,
    REPLACED,
    Proposal,
    SkillDiff,
    apply_proposal,
    claimed_member,
    decide,
    find_member,
    name_key,
    pending_proposals,
    proposal_diff,
    proposal_status,
)
from planner.store.schema import (
    MAX_TITLE_LEN,
)
from planner.store.shares import (
    HINT_CHARS,
    NewShare,
    ShareInfo,
    Shares,
)
from planner.store.tokens import (
    TOKEN_BYTES,
    TOKEN_FORM,
    hash_token,
    is_token_shaped,
    new_token,
)
from planner.store.versions import (
    Loaded,
    PlanInfo,
    VersionInfo,
    append_version,
    copy_name,
    insert_plan,
    latest_plan,
    plan_row,
    read_plan,
    revoke_owned,
    taken_names,
    unique_name,
    version_data,
)
from planner.store.workspaces import (
    INSTANCE_OWNER,
    WORKSPACE_PREFIX,
    Workspace,
    Workspaces,
)

__all__ = [
    "ACCEPTED",
    "CHANGE_TEXT",
    "FTE_FIELD",
    "HINT_CHARS",
    "INSTANCE_OWNER",
    "INVITE_DAYS",
    "MAX_IMPORT_BYTES",
    "MAX_INVITE_DAYS",
    "MAX_NOTE_LEN",
    "MAX_SUBMISSIONS",
    "MAX_TITLE_LEN",
    "MIGRATIONS_DIR",
    "MIN_SUBMIT_INTERVAL",
    "PENDING",
    "REJECTED",
    "REPLACED",
    "STATES",
    "TOKEN_BYTES",
    "TOKEN_FORM",
    "UNDO_WINDOW",
    "WORKSPACE_PREFIX",
    "AlreadyDecided",
    "ClaimUnconfirmed",
    "Database",
    "FormView",
    "InvalidAssessment",
    "Invite",
    "InviteRefused",
    "Loaded",
    "MemberNotFound",
    "NameTaken",
    "NewShare",
    "NewerDatabase",
    "PlanImportError",
    "PlanInfo",
    "PlanNotFound",
    "Proposal",
    "SelfAssessment",
    "ShareInfo",
    "Shares",
    "SkillDiff",
    "StaleVersion",
    "Store",
    "StoreError",
    "VersionInfo",
    "Workspace",
    "WorkspaceNotFound",
    "Workspaces",
    "append_version",
    "apply_proposal",
    "claimed_member",
    "copy_name",
    "create_invite",
    "decide",
    "describe_changes",
    "find_member",
    "hash_token",
    "insert_plan",
    "is_token_shaped",
    "latest_plan",
    "list_invites",
    "make_engine",
    "name_key",
    "new_token",
    "normalize_url",
    "one_line",
    "open_form",
    "parse_assessment",
    "parse_plan_json",
    "pending_proposals",
    "plan_row",
    "proposal_diff",
    "proposal_status",
    "read_assessment",
    "read_plan",
    "revoke_invite",
    "revoke_owned",
    "sqlite_url",
    "submit",
    "summarize",
    "taken_names",
    "unique_name",
    "utcnow",
    "version_data",
]
