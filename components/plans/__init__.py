"""Plans that last: the database, saving, the plan sidebar and share links.

The Store (planner/store/plans.py) is created once per process with st.cache_resource;
everything per user lives in st.session_state. app.py calls, on every run:

- `init_plans` before any page reads the plan: it loads the user's latest plan
  (or the plan of a ``?share=`` link, read-only);
- `render_plan_sidebar` in the sidebar (``plan_select``, new, rename,
  duplicate, delete with undo, history with restore, import, export).

Pages change the plan with `update_plan` (``saving``), the one save path: it
saves every change as a new version based on the version this tab last saw, so
a stale save is refused, never silent. Where the plan is stored (id, version,
workspace) pages read from ``Ctx.ref``. pages/share.py shows `share_panel`.
Pages check ``components.state.is_read_only()`` and hide their edit controls.

Without sign-in each browser has a private workspace, reached through its
``?ws=`` link (``workspace``), unless the operator chose the shared mode.

Modules: ``config`` (database, Store, owner, links), ``session`` (per-tab keys and
messages), ``saving`` (update_plan, the one save path), ``actions`` (the store
actions of the sidebar and share panel), ``workspace`` (private
workspaces), ``access`` (downloads re-check their link when clicked), ``loading``
(init_plans), ``sidebar``, ``share`` (the panel) and ``widgets`` (pieces both show).
"""

from components.plans.config import database_url, get_store, owner_id, share_url
from components.plans.loading import init_plans
from components.plans.saving import update_plan
from components.plans.share import share_panel
from components.plans.sidebar import render_plan_sidebar
from components.plans.workspace import show_new_workspace

__all__ = [
    "database_url",
    "get_store",
    "init_plans",
    "owner_id",
    "render_plan_sidebar",
    "share_panel",
    "share_url",
    "show_new_workspace",
    "update_plan",
]
