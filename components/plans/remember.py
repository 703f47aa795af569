"""This browser remembers its private workspace: a cookie holding the ``?ws=``
capability (never a plan), so a new tab, a typed address or a reload opens the
same plans. A bookmark of the link is still the way in from another browser.

Streamlit 1.67 reads cookies (``st.context.cookies``, those sent with the
session's first request) but cannot set one from Python, so a one-line script
does, through ``st.html``. It carries only a token the server made and checked
(the token alphabet, nothing a user typed). The cookie is ``SameSite=Strict``
(another site's page cannot send it), ``Secure`` over HTTPS, lives at most the
400 days browsers allow, and is named per port, so two local instances on one
host do not overwrite each other's. A replaced link (rotation) opens nothing,
from a cookie or not; a remembered link found dead is forgotten.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from urllib.parse import urlsplit

import streamlit as st

from planner.store import is_token_shaped

COOKIE = "planner_ws"
MAX_AGE_S = 400 * 24 * 3600  # the longest lifetime browsers grant a cookie


def browser_cookies() -> Mapping[str, str]:
    """The cookies the browser sent when this session connected."""
    return st.context.cookies or {}


def cookie_name() -> str:
    """One cookie per port: cookies ignore ports, two instances on a host would not."""
    port = urlsplit(st.context.url or "").port
    return f"{COOKIE}_{port}" if port else COOKIE


def remembered() -> str | None:
    """The workspace token this browser holds, if it is token-shaped."""
    value = browser_cookies().get(cookie_name())
    return value if is_token_shaped(value) else None


def remember(token: str | None) -> None:
    """Make the browser hold token (None: forget it), when it does not already.

    Rendered on every run of this session (the browser sends the cookie back only
    when a session starts): the same element again writes nothing new, and a rerun
    cannot drop the write."""
    if token is not None and not is_token_shaped(token):
        raise ValueError("only a workspace token is ever written to a cookie")
    if token == remembered():
        return
    st.html(_cookie_script(token), unsafe_allow_javascript=True)


def _cookie_script(token: str | None) -> str:
    path = "/" + (st.get_option("server.baseUrlPath") or "").strip("/")
    value, max_age = (token, MAX_AGE_S) if token is not None else ("", 0)
    cookie = f"{cookie_name()}={value}; Path={path}; Max-Age={max_age}; SameSite=Strict"
    secure = '(location.protocol === "https:" ? "; Secure" : "")'
    return f"<script>document.cookie = {json.dumps(cookie)} + {secure};</script>"
