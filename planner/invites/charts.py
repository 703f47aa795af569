"""The calibration heatmap: each pending self-assessment against today's ratings.

One row per proposal, one column per catalog skill; a cell is the self-rating minus
today's level. Over-rating (self above today) is orange, under-rating blue, the
same white. The hover shows both levels and the person's evidence note. Names and
notes are user text: they pass through `planner.charts.plain`, like every figure.
"""

from __future__ import annotations

import textwrap

import plotly.graph_objects as go

from planner.catalog import Catalog
from planner.charts import FONT, plain
from planner.domain import LEVEL_MAX, Team
from planner.i18n import t
from planner.store import (
    Proposal,
    find_member,
    proposal_diff,
)

UNDER, SAME, OVER = "#1565c0", "#ffffff", "#e65100"
NOTE_WIDTH = 48  # characters a hover line holds


def _note_lines(note: str) -> str:
    # Wrapped before escaping, so that a break never falls inside an entity.
    return "<br>".join(plain(line) for line in textwrap.wrap(note, NOTE_WIDTH)) or "—"


def row_labels(team: Team, proposals: list[Proposal], lang: str) -> list[str]:
    """One label per proposal (Plotly merges equal ones): the name, "(new)" for a
    person not in the team, and a number when a name comes twice."""
    labels: list[str] = []
    for proposal in proposals:
        label = plain(proposal.name)
        if find_member(team, proposal.name) is None:
            label += " " + t("calibration_new_member", lang)
        base, n = label, 2
        while label in labels:
            label, n = f"{base} ({n})", n + 1
        labels.append(label)
    return labels


def calibration_heatmap(
    team: Team, proposals: list[Proposal], catalog: Catalog, lang: str
) -> go.Figure:
    """Self minus today's level, per proposal (rows) and skill (columns)."""
    skills = list(catalog.skill_ids)
    columns = [catalog.skill_label(s, lang) for s in skills]
    z: list[list[int]] = []
    text: list[list[str]] = []
    custom: list[list[list[object]]] = []
    for proposal in proposals:
        diffs = proposal_diff(team, proposal, skills)
        z.append([d.delta for d in diffs])
        text.append([f"{d.delta:+d}" if d.delta else "" for d in diffs])
        custom.append([[d.current, d.proposed, _note_lines(d.note)] for d in diffs])
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=columns,
            y=row_labels(team, proposals, lang),
            text=text,
            texttemplate="%{text}",
            customdata=custom,
            zmin=-LEVEL_MAX,
            zmax=LEVEL_MAX,
            zmid=0,
            colorscale=[[0.0, UNDER], [0.5, SAME], [1.0, OVER]],
            xgap=2,
            ygap=2,
            colorbar={
                "title": t("calibration_axis", lang),
                "tickvals": [-4, 0, 4],
                "ticktext": [t("calibration_under", lang), "0", t("calibration_over", lang)],
            },
            hovertemplate="%{y} · %{x}<br>" + t("calibration_hover", lang) + "<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(tickangle=-40, side="bottom")
    fig.update_layout(
        title={"text": plain(t("calibration_chart_title", lang)), "x": 0.01, "xanchor": "left"},
        font={"family": FONT, "size": 13},
        height=max(360, 220 + 40 * len(proposals)),
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        template="plotly_white",
    )
    return fig
