"""`instance-link`: the operator's command for the instance workspace link.

An instance that ran without sign-in before private workspaces existed kept its
plans under one shared owner; private mode reaches them only through the
instance workspace link. That link is a live capability, so the server never
writes it to its log: the operator asks for it here, on the server's machine, and
it is printed to this terminal once (only its hash is stored). `--rotate` makes a
new one and kills the old one (a lost or leaked link).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import urlencode

from planner.store import Store, sqlite_url


def default_database_url() -> str:
    """PLANNER_DATABASE_URL, else SQLite in PLANNER_DATA_DIR (default var/): the
    database the app opens when neither is set in its secrets."""
    if url := os.environ.get("PLANNER_DATABASE_URL", "").strip():
        return url
    return sqlite_url(Path(os.environ.get("PLANNER_DATA_DIR") or "var") / "planner.db")


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "instance-link",
        help="print the link to the plans made before private workspaces (once)",
        description=__doc__.split("\n\n")[1],
    )
    p.add_argument(
        "--rotate", action="store_true", help="make a new link; the old one stops working"
    )
    p.add_argument(
        "--database-url", help="default: PLANNER_DATABASE_URL, else PLANNER_DATA_DIR/planner.db"
    )
    p.add_argument(
        "--public-url",
        default=os.environ.get("PLANNER_PUBLIC_URL") or "http://localhost:8501",
        help="the app's address (default: PLANNER_PUBLIC_URL, else http://localhost:8501)",
    )
    p.set_defaults(func=cmd_instance_link)


def cmd_instance_link(args: argparse.Namespace, _catalog: object = None) -> int:
    store = Store(args.database_url or default_database_url())
    try:
        token = store.instance_workspace(rotate=args.rotate)
        exists = token is not None or store.has_instance_workspace()
    finally:
        store.close()
    if token is not None:
        link = f"{args.public_url.rstrip('/')}/?{urlencode({'ws': token})}"
        print(link)
        print("Shown once: keep it. Anyone who has it can open and change these plans.")
        return 0
    if exists:
        print(
            "The instance link was printed before and cannot be shown again (only its "
            "hash is stored). Lost it? Run again with --rotate: the old one stops working.",
            file=sys.stderr,
        )
    else:
        print("No plans from before private workspaces: there is no instance link.")
    return 0
