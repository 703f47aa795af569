"""Where ratings come from and how old they are: pure functions over a team.

Each level a member holds carries a `RatingMeta` (planner.domain): its source
(the founder, the member's self-assessment, or both agreeing) and the day it was
last confirmed. A rating confirmed longer ago than a threshold is *stale*; one with
no date is *unconfirmed* (every rating made before self-assessments existed).

`fit_reliance` says how much of the fit rests on such ratings, with the one scoring
model: the fit as it is, against the fit when only fresh, confirmed ratings count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from planner.domain import BusinessModel, Member, RatingMeta, Team
from planner.scoring.coverage import analyze

STALE_DAYS = 180  # default threshold; the app reads PLANNER_STALE_DAYS
# The words for each source (data/strings/invites.yaml), for the app and the report.
SOURCE_KEYS = {
    "founder": "ratings_source_founder",
    "self": "ratings_source_self",
    "calibrated": "ratings_source_calibrated",
}


def is_stale(meta: RatingMeta, today: date, stale_days: int = STALE_DAYS) -> bool:
    """Confirmed, but longer ago than stale_days."""
    return meta.confirmed is not None and (today - meta.confirmed).days > stale_days


def is_fresh(meta: RatingMeta, today: date, stale_days: int = STALE_DAYS) -> bool:
    """Confirmed within stale_days (a date in the future counts as today)."""
    return meta.confirmed is not None and not is_stale(meta, today, stale_days)


def stale_cells(team: Team, today: date, stale_days: int = STALE_DAYS) -> set[tuple[str, str]]:
    """(member name, skill id) of every stale rating."""
    return {
        (m.name, s)
        for m in team.members
        for s in m.skills
        if is_stale(m.meta(s), today, stale_days)
    }


@dataclass(frozen=True)
class MemberRatings:
    """One member's ratings by provenance (rated skills only, level > 0)."""

    rated: int
    stale: int
    unconfirmed: int
    self_rated: int  # from a self-assessment ("self" or "calibrated")
    last_confirmed: date | None  # the most recent confirmation, if any
    oldest_confirmed: date | None


def member_ratings(member: Member, today: date, stale_days: int = STALE_DAYS) -> MemberRatings:
    metas = [member.meta(s) for s in member.skills]
    dates = [m.confirmed for m in metas if m.confirmed is not None]
    return MemberRatings(
        rated=len(metas),
        stale=sum(is_stale(m, today, stale_days) for m in metas),
        unconfirmed=sum(m.confirmed is None for m in metas),
        self_rated=sum(m.source != "founder" for m in metas),
        last_confirmed=max(dates, default=None),
        oldest_confirmed=min(dates, default=None),
    )


@dataclass(frozen=True)
class FitReliance:
    """How much of the fit rests on stale or unconfirmed ratings."""

    fit: float
    fit_confirmed: float  # the fit when only fresh, confirmed ratings count
    ratings: int  # ratings (level > 0) of required skills
    stale: int
    unconfirmed: int

    @property
    def resting(self) -> float:
        """Points of fit that stand only on stale or unconfirmed ratings."""
        return max(0.0, self.fit - self.fit_confirmed)

    @property
    def share(self) -> float:
        """The part of the fit (0..1) that rests on stale or unconfirmed ratings."""
        return self.resting / self.fit if self.fit > 0 else 0.0


def confirmed_only(team: Team, today: date, stale_days: int = STALE_DAYS) -> Team:
    """The team with every stale or unconfirmed level taken out."""
    members = tuple(
        m.model_copy(
            update={
                "skills": {
                    s: lvl for s, lvl in m.skills.items() if is_fresh(m.meta(s), today, stale_days)
                }
            }
        )
        for m in team.members
    )
    return Team(members=members)


def fit_reliance(
    team: Team,
    model: BusinessModel,
    today: date,
    stale_days: int = STALE_DAYS,
    *,
    fit: float | None = None,
) -> FitReliance:
    """The fit (`fit` when already scored), and the fit that fresh, confirmed ratings
    alone would give.

    Coverage only grows with levels, so the second is never above the first; their
    difference is the part of the fit a founder is taking on trust."""
    required = [(m, s) for m in team.members for s in m.skills if s in model.requirements]
    return FitReliance(
        fit=analyze(team, model).fit if fit is None else fit,
        fit_confirmed=analyze(confirmed_only(team, today, stale_days), model).fit,
        ratings=len(required),
        stale=sum(is_stale(m.meta(s), today, stale_days) for m, s in required),
        unconfirmed=sum(m.meta(s).confirmed is None for m, s in required),
    )


@dataclass(frozen=True)
class RatedSkill:
    member: str
    skill_id: str
    level: int
    meta: RatingMeta


def from_self_assessment(team: Team) -> list[RatedSkill]:
    """Ratings that came from a self-assessment, member by member in team order."""
    return [
        RatedSkill(m.name, s, lvl, m.meta(s))
        for m in team.members
        for s, lvl in m.skills.items()
        if m.meta(s).source != "founder"
    ]


def carry_meta(old: Team, new: Team, today: date) -> Team:
    """The new team (an edit of old) with each rating's provenance carried over.

    A level that did not change keeps its source and date; a level the founder set
    or changed is the founder's, confirmed today. Members are matched by name; a
    renamed row (same position, its old name gone) is still the same person."""
    by_name = {m.name.casefold(): m for m in old.members}
    new_names = {m.name.casefold() for m in new.members}
    same_rows = len(old.members) == len(new.members)
    members = []
    for i, member in enumerate(new.members):
        before = by_name.get(member.name.casefold())
        if before is None and same_rows and old.members[i].name.casefold() not in new_names:
            before = old.members[i]
        meta: dict[str, RatingMeta] = {}
        for skill_id, level in member.skills.items():
            if before is not None and before.level(skill_id) == level:
                meta[skill_id] = before.meta(skill_id)
            else:
                meta[skill_id] = RatingMeta(source="founder", confirmed=today)
        members.append(with_meta(member, meta))
    return Team(members=tuple(members))


def with_meta(member: Member, meta: dict[str, RatingMeta]) -> Member:
    """The member with this provenance, validated (so it compares equal to a loaded one)."""
    return Member.model_validate({**member.model_dump(), "ratings_meta": meta})
