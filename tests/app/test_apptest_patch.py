"""The AppTest patch proves itself: page tests run as a started server does, never
through Streamlit's pages-directory mode, and the patch is put back afterwards."""

from __future__ import annotations

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import app_test

from tests.support.apptest import PagesDirectoryMode, no_exception, open_page, server_steady_state


def test_page_runs_go_through_app_py(_server_steady_state):
    at = open_page("team")
    at.button(key="team_sample").click().run()
    no_exception(at)
    assert at.session_state["plan"].team.members  # the click was not dropped by a rerun
    assert _server_steady_state == [], "a run went through the pages-directory mode"
    assert PagesManager.uses_pages_directory is False


def test_without_the_patch_the_check_fails_loudly(_server_steady_state):
    """The control: AppTest's own PagesManager (what a Streamlit release that builds
    it elsewhere amounts to) puts the runs in pages-directory mode, and the check
    refuses them."""
    with pytest.raises(PagesDirectoryMode, match="did not take effect"), server_steady_state():
        app_test.PagesManager = PagesManager  # the patch undone
        open_page("team")
    # The runs above were seen by this test's own check too: they were meant.
    _server_steady_state.clear()


def test_the_patch_is_put_back(monkeypatch):
    monkeypatch.setattr(app_test, "PagesManager", PagesManager)  # as Streamlit ships it
    flag = PagesManager.uses_pages_directory
    run_as_pages_directory = script_runner._mpa_v1
    with server_steady_state():
        assert app_test.PagesManager is not PagesManager
        PagesManager.uses_pages_directory = True
    assert app_test.PagesManager is PagesManager
    assert script_runner._mpa_v1 is run_as_pages_directory
    assert PagesManager.uses_pages_directory is flag
