"""The roadmap page's building blocks: its controls, the computed section (cached),
the actions editor and the side-by-side comparison."""

from components.roadmap.controls import roadmap_controls
from components.roadmap.editor import actions_editor, add_action, invalid_actions
from components.roadmap.view import (
    compare_table,
    ready_verdict,
    roadmap_figure,
    section_for,
    succession_table,
)

__all__ = [
    "actions_editor",
    "add_action",
    "compare_table",
    "invalid_actions",
    "ready_verdict",
    "roadmap_controls",
    "roadmap_figure",
    "section_for",
    "succession_table",
]
