"""A finished run as Markdown and as a run card (JSON) that reproduces it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from planner.textgen.quality import measured_rise
from planner.textgen.run import GenerationRun
from planner.textgen.settings import GenRequest

CARD_SCHEMA = "planner.textgen.run/1"


def run_card(run: GenerationRun) -> dict:
    """Everything needed to repeat the run: request, seed, model and revision, backend."""
    metrics = run.metrics.as_dict() if run.metrics else None
    return {
        "schema": CARD_SCHEMA,
        "id": run.id,
        "created": datetime.fromtimestamp(run.created, UTC).isoformat(timespec="seconds"),
        "backend": run.backend_name,
        "engine": run.engine,
        "precision": run.precision,
        "perplexity_vs_fp32": measured_rise(run.engine, run.precision),
        "model": run.model_name,
        "model_spec": run.model_spec,
        "revision": run.revision,
        **run.request.as_dict(),
        "seed": run.request.settings.seed,
        "output": run.text,
        "finish_reason": metrics["finish_reason"] if metrics else None,
        "speed": metrics,
        "notices": [{"key": key, "params": params} for key, params in run.notices],
        "error": None if run.error is None else {"key": run.error.key, **run.error.params},
    }


def card_json(card: dict) -> str:
    return json.dumps(card, ensure_ascii=False, indent=2, default=str)


def request_from_card(card: object) -> GenRequest:
    """The request a card describes; ValueError if it is not a run card."""
    if not isinstance(card, dict) or card.get("schema") != CARD_SCHEMA:
        raise ValueError(f"schema is not {CARD_SCHEMA}")
    try:
        return GenRequest.from_dict(card)
    except (TypeError, ValueError) as exc:
        raise ValueError(str(exc)[:200]) from exc


def _fence(text: str) -> str:
    # A fence longer than any backtick run inside keeps the text verbatim.
    longest = max((len(run) for run in text.split("`")[1:] if run == ""), default=0)
    ticks = "`" * max(3, longest + 3)
    return f"{ticks}text\n{text}\n{ticks}"


def run_markdown(card: dict) -> str:
    settings = card.get("settings", {})
    speed = card.get("speed") or {}
    lines = [
        f"# Text generation — {card.get('model')}",
        "",
        f"- backend: {card.get('backend')} ({card.get('engine')}, {card.get('precision')}); "
        f"model: {card.get('model')} ({card.get('revision')})",
        f"- mode: {card.get('mode')}; created: {card.get('created')}",
        "- settings: " + ", ".join(f"{k}={v!r}" for k, v in settings.items()),
    ]
    if speed:
        lines.append(
            f"- speed: {speed.get('tokens')} tokens in {speed.get('total_s')} s "
            f"({speed.get('tokens_per_s')} tokens/s), first token after {speed.get('ttft_s')} s, "
            f"prompt {speed.get('prompt_tokens')} tokens; finish: {speed.get('finish_reason')}"
        )
    if card.get("system"):
        lines += ["", "## System prompt", "", _fence(card["system"])]
    lines += ["", "## Prompt", "", _fence(card.get("prompt", ""))]
    lines += ["", "## Output", "", _fence(card.get("output", "")), ""]
    return "\n".join(lines)
