"""What changed between two versions of a plan, stored with each version in
language-neutral form, and said in the user's language in the history."""

from __future__ import annotations

from planner.domain import Plan
from planner.i18n import t


def describe_changes(old: Plan | None, new: Plan) -> list[dict]:
    """Language-neutral list of what changed, stored with each version."""
    if old is None:
        return [{"kind": "created"}]
    changes: list[dict] = []
    if old.name != new.name:
        changes.append({"kind": "renamed", "from": old.name, "to": new.name})
    before = {m.name.casefold(): m for m in old.team.members}
    after = {m.name.casefold(): m for m in new.team.members}
    added = [m.name for key, m in after.items() if key not in before]
    removed = [m.name for key, m in before.items() if key not in after]
    if added:
        changes.append({"kind": "added", "names": added})
    if removed:
        changes.append({"kind": "removed", "names": removed})
    leveled, edited, skills_changed = [], [], 0
    for key, member in after.items():
        if key not in before:
            continue
        prev = before[key]
        if prev.skills != member.skills:
            leveled.append(member.name)
            skill_ids = set(prev.skills) | set(member.skills)
            skills_changed += sum(prev.level(s) != member.level(s) for s in skill_ids)
        if (prev.role, prev.fte, prev.name, prev.monthly_cost) != (
            member.role,
            member.fte,
            member.name,
            member.monthly_cost,
        ):
            edited.append(member.name)
    if leveled:
        changes.append({"kind": "levels", "names": leveled, "count": skills_changed})
    if edited:
        changes.append({"kind": "edited", "names": edited})
    if [m.name for m in old.team.members] != [m.name for m in new.team.members] and not (
        added or removed
    ):
        changes.append({"kind": "reordered"})
    if old.business_model != new.business_model:
        changes.append({"kind": "model", "from": old.business_model, "to": new.business_model})
    if old.custom_models != new.custom_models:
        changes.append(
            {
                "kind": "custom_models",
                "added": sorted(set(new.custom_models) - set(old.custom_models)),
                "removed": sorted(set(old.custom_models) - set(new.custom_models)),
            }
        )
    if old.lang != new.lang:
        changes.append({"kind": "lang", "to": new.lang})
    if old.notes != new.notes:
        changes.append({"kind": "notes"})
    if old.finances != new.finances:
        changes.append({"kind": "finances"})
    if old.roadmap != new.roadmap:
        changes.append({"kind": "roadmap"})
    return changes


def _names(names: list[str], limit: int = 3) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" +{len(names) - limit}" if len(names) > limit else "")


# A change's kind -> its words in the history (literal keys: the strings test sees them).
CHANGE_TEXT = {
    "created": "store_change_created",
    "imported": "store_change_imported",
    "copied": "store_change_copied",
    "restored": "store_change_restored",
    "renamed": "store_change_renamed",
    "added": "store_change_added",
    "removed": "store_change_removed",
    "levels": "store_change_levels",
    "edited": "store_change_edited",
    "reordered": "store_change_reordered",
    "model": "store_change_model",
    "custom_models": "store_change_custom_models",
    "lang": "store_change_lang",
    "notes": "store_change_notes",
    "finances": "store_change_finances",
    "roadmap": "store_change_roadmap",
    "self_assessment": "store_change_self_assessment",
    "self_assessment_added": "store_change_self_assessment_added",
    "self_assessment_claimed": "store_change_self_assessment_claimed",
}


def summarize(changes: list[dict], lang: str) -> str:
    """One line for the history view, in the user's language."""
    parts: list[str] = []
    for change in changes:
        kind = change.get("kind")
        params = {k: v for k, v in change.items() if k != "kind"}
        if "names" in params:
            params["names"] = _names(params["names"])
        if kind == "custom_models":
            params = {"names": _names(change["added"] + change["removed"]) or "-"}
        key = CHANGE_TEXT.get(str(kind))
        try:
            parts.append(t(key, lang, **params) if key else str(kind))
        except (KeyError, IndexError):  # a change from a newer release: say something
            parts.append(str(kind))
    return "; ".join(parts) if parts else t("store_change_none", lang)
