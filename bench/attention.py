"""Attention page benchmark: the model view of a 32-token text against its budget.

Goal (issue 13): warm, the model view of a 32-token text renders within 2× the time
of one forward pass plus the coverage page's chart time. Measured side by side,
interleaved (the machine is shared), medians of --repeats runs, model warm:

- model view = the eager forward pass with hooks (capture) + every layer × head
  transformed for display + the attn_grid figure + its JSON (what Streamlit sends);
- budget = one plain forward pass of the generation model (its fast attention, no
  attention output) on the same ids + the coverage page's five charts for the sample
  team, built and serialised the same way.

Also printed: the model-view figure alone, the head view and the formula figures,
the JSON size of the grid, and (unless --no-page) whole page reruns in AppTest: the
attention page given a new 32-token text (forward pass and all three views) beside
the coverage page with the sample team. The last line is
`model view / budget ratio: X.XX`.

    .venv/bin/python -m bench.attention [--repeats 7] [--no-page]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as planner.textgen sets it

TOKENS = 32
# The article's theme, in both languages, cut to exactly 32 tokens below.
SOURCE = (
    "我喜欢编程和人工智能。An AI startup needs algorithm research, data processing, "
    "product development and market promotion, and a team that covers all four."
)


def text_of(tokenizer, tokens: int) -> str:
    """A prefix of SOURCE that the tokenizer reads as exactly `tokens` tokens."""
    for end in range(len(SOURCE), 0, -1):
        text = SOURCE[:end].rstrip()
        if len(tokenizer(text, add_special_tokens=True)["input_ids"]) == tokens:
            return text
    raise SystemExit(f"no prefix of the sample text has {tokens} tokens")


def median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


def page_reruns(plan, text: str, repeats: int) -> None:
    """Whole reruns in AppTest: the attention page on a new text vs the coverage page."""
    from streamlit.testing.v1 import AppTest

    def opened(page: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.session_state["plan"] = plan
        at.query_params["lang"] = "zh"
        at.run()
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    attention, coverage = opened("attention"), opened("coverage")
    # Two texts of 32 tokens in turn: each rerun runs the forward pass again.
    texts = [text, text.replace("AI startup", "AI company")]
    attention_s, coverage_s = [], []
    for i in range(repeats):
        attention.text_input(key="attn_text").set_value(texts[i % 2])
        start = time.perf_counter()
        attention.run()
        attention_s.append(time.perf_counter() - start)
        assert not attention.exception and not attention.error, attention.error
        start = time.perf_counter()
        coverage.run()
        coverage_s.append(time.perf_counter() - start)
    print(
        f"page rerun, attention with a new text: median {median_ms(attention_s):7.1f} ms   "
        f"coverage page: median {median_ms(coverage_s):7.1f} ms   "
        f"ratio {statistics.median(attention_s) / statistics.median(coverage_s):.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--no-page", action="store_true", help="skip the AppTest page reruns")
    args = parser.parse_args()

    import torch

    from planner import charts
    from planner.catalog import load_catalog
    from planner.domain import Plan
    from planner.files import read_team
    from planner.scoring import (
        analyze,
        plan_hires,
    )
    from planner.textgen.attention import capture, formula, load_eager, view
    from planner.textgen.attention.figures import attn_formula, attn_grid, attn_heatmap
    from planner.textgen.config import load_config
    from planner.textgen.loader import load_model

    config = load_config()
    started = time.perf_counter()
    eager = load_eager("embedded", config, lambda *_a, **_k: None)
    fast = load_model("embedded", config)
    print(f"models loaded in {time.perf_counter() - started:.1f} s (eager copy + generation copy)")
    print(f"torch threads: {torch.get_num_threads()}")
    text = text_of(eager.lm.tokenizer, TOKENS)
    ids = torch.tensor([eager.lm.tokenizer(text, add_special_tokens=True)["input_ids"]])
    print(f"text ({TOKENS} tokens): {text}")

    catalog = load_catalog()
    plan = Plan(
        team=read_team(ROOT / "data" / "sample_team.csv", catalog), business_model="platform"
    )
    model = catalog.business_models["platform"]
    report = analyze(plan.team, model)
    steps = plan_hires(plan.team, model, catalog.roles)
    lang = "zh"

    def model_view() -> None:
        cap = capture(eager, text)
        shown = view(cap.attn, cap, merge=True, hide_sink=False)
        attn_grid(shown, cap.model_name, lang, current=(0, 0)).to_json()

    grid_bytes: list[int] = []
    cap = capture(eager, text)

    def grid_figure_only() -> None:
        shown = view(cap.attn, cap, merge=True, hide_sink=False)
        grid_bytes.append(len(attn_grid(shown, cap.model_name, lang, current=(0, 0)).to_json()))

    def head_and_formula() -> None:
        shown = view(cap.attn[3, 4], cap, merge=True, hide_sink=False)
        attn_heatmap(shown, 3, 4, lang, heads=cap.heads, kv_heads=cap.kv_heads).to_json()
        f = formula(cap, 3, 4, cap.tokens - 1)
        attn_formula(f, cap.labels[: f.query + 1], cap.labels[-1], lang).to_json()

    def forward() -> None:
        with torch.inference_mode():
            fast.model(input_ids=ids)

    def coverage_charts() -> None:
        for fig in (
            charts.coverage_radar(report, catalog, lang),
            charts.coverage_gaps(report, catalog, lang),
            charts.coverage_heatmap(plan.team, model, catalog, lang),
            charts.bus_factor(report, catalog, lang),
            charts.hiring_plan(steps, report.fit, catalog.roles, catalog, lang),
        ):
            fig.to_json()

    runs: dict[str, Callable[[], None]] = {
        "model view (capture + grid)": model_view,
        "  grid figure alone": grid_figure_only,
        "  head view + formula": head_and_formula,
        "forward pass (generation model)": forward,
        "coverage page charts (5)": coverage_charts,
    }
    for run in runs.values():  # warm: imports, allocator, kaleido-free JSON paths
        run()
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(args.repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    ms = {name: median_ms(values) for name, values in times.items()}
    for name, value in ms.items():
        print(f"{name:34s} median {value:7.1f} ms   (min {min(times[name]) * 1000:.1f})")
    best = {name: min(values) * 1000 for name, values in times.items()}
    print(f"grid JSON: {grid_bytes[-1] / 1024:.0f} KiB")
    budget = ms["forward pass (generation model)"] + ms["coverage page charts (5)"]
    view_ms = ms["model view (capture + grid)"]
    print(f"budget (forward + coverage charts): {budget:.1f} ms; goal ≤ {2 * budget:.1f} ms")
    if not args.no_page:
        page_reruns(plan, text, args.repeats)
    best_budget = best["forward pass (generation model)"] + best["coverage page charts (5)"]
    print(f"best-case ratio (minimums): {best['model view (capture + grid)'] / best_budget:.2f}")
    print(f"model view / budget ratio: {view_ms / budget:.2f}")


if __name__ == "__main__":
    main()
