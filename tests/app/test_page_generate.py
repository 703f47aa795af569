"""AppTest of the text-generation page, driven by widget keys.

The page keeps its model in st.cache_resource, which lives as long as this test
process: the first test loads it (from the disk cache when warm), the others reuse it.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from planner.catalog import load_catalog
from planner.domain import Plan
from planner.files import read_team
from planner.formatting import md
from planner.i18n import t
from planner.scoring import (
    plan_hires,
)
from planner.textgen.config import load_config
from planner.textgen.quality import measured_rise
from planner.textgen.run import Engine, SlotPool
from planner.textgen.settings import GenRequest, GenSettings
from tests.support.apptest import app, open_page
from tests.support.textgen import FakeBackend

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 180

pytestmark = pytest.mark.model


def settle(at: AppTest, done, timeout: float = TIMEOUT) -> AppTest:
    """Rerun the page until done(at): the model loads in the background, and the page
    never waits for it (in a browser a fragment reruns it; AppTest runs no timers)."""
    deadline = time.monotonic() + timeout
    while not done(at):
        assert time.monotonic() < deadline, "the page did not settle"
        time.sleep(0.3)
        at.run()
    return at


def model_ready(at: AppTest) -> bool:
    return bool(at.exception) or not at.button(key="gen_run").disabled


def page(lang: str = "en", plan: Plan | None = None) -> AppTest:
    state = {} if plan is None else {"plan": plan}
    at = open_page("generate", lang=lang, state=state, timeout=TIMEOUT)
    return settle(at, model_ready)


@pytest.fixture(scope="module")
def sample_plan() -> Plan:
    catalog = load_catalog()
    return Plan(
        team=read_team(ROOT / "data" / "sample_team.csv", catalog), business_model="platform"
    )


def ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def few_tokens(at: AppTest, tokens: int = 6, temperature: float = 0.0) -> AppTest:
    at.number_input(key="gen_max_new_tokens").set_value(tokens)
    at.slider(key="gen_temperature").set_value(temperature)
    return at


def _out(at: AppTest) -> str:
    container = at.get_by_key("gen_output")
    return "\n".join(m.value for m in container.markdown)


def test_page_loads_the_model_and_prefills_the_prompt_from_the_plan(sample_plan):
    at = page(plan=sample_plan)
    ok(at)
    assert not errors(at)
    assert at.title[0].value == "Live text generation"
    catalog = load_catalog()
    first = plan_hires(sample_plan.team, catalog.business_models["platform"], catalog.roles)[0]
    prompt = at.text_area(key="gen_prompt").value
    assert catalog.roles[first.role_id].label("en") in prompt
    assert "Platform" in prompt
    # A hosted page offers the built-in model by its name, not a free field.
    model = at.selectbox(key="gen_model")
    assert model.value == "embedded" and model.options == ["SmolLM2-135M-Instruct (built in)"]
    assert not at.button(key="gen_run").disabled
    assert at.button(key="gen_stop").disabled  # no run yet: nothing to stop
    assert t("gen_intro", "en") in [c.value for c in at.caption]
    # "Ready" is said once: in the loading box's label when this run loaded the model,
    # else in a caption.
    ready = [c.value for c in at.caption] + [s.label for s in at.status]
    assert sum("SmolLM2" in text and "ready" in text for text in ready) == 1, ready


def test_a_run_streams_output_metrics_history_and_downloads(sample_plan):
    at = few_tokens(page(plan=sample_plan))
    at.button(key="gen_run").click().run()
    ok(at)
    text = _out(at)
    assert text.strip()
    labels = {m.label: m.value for m in at.get_by_key("gen_metrics").metric}
    assert set(labels) == {
        "Time to first token", "Tokens/s", "Tokens generated", "Prompt tokens", "Total time"
    }  # fmt: skip
    assert 1 <= int(labels["Tokens generated"]) <= 6
    assert int(labels["Prompt tokens"]) > 20
    history = at.session_state["gen_history"]
    assert len(history) == 1
    card = history[0]
    # The page shows the model's text as typed (escaped), the card keeps it raw.
    assert md(card["output"]).strip() == text.strip()
    assert card["settings"]["max_new_tokens"] == 6 and card["settings"]["temperature"] == 0
    assert card["backend"] == "local" and "SmolLM2" in card["model"] and card["revision"]
    # What quality the founder is looking at: engine, weights, perplexity against fp32.
    assert card["engine"] == "onnx" and card["precision"] == "int8"
    assert card["perplexity_vs_fp32"] == measured_rise("onnx", "int8") < 0.03
    shown = [c.value for c in at.get_by_key("gen_metrics").caption]
    rise = f"{measured_rise('onnx', 'int8') * 100:+.1f} %"
    assert any("ONNX Runtime GenAI with int8 weights" in c and rise in c for c in shown)
    json.dumps(card)
    assert {b.label for b in at.get("download_button")} >= {
        "Download Markdown", "Download run card (JSON)"
    }  # fmt: skip


def test_same_seed_and_settings_give_the_same_text_on_the_page():
    at = few_tokens(page(), tokens=6, temperature=1.0)
    at.toggle(key="gen_seed_random").set_value(False).run()
    at.number_input(key="gen_seed").set_value(5)
    at.text_area(key="gen_prompt").set_value("Give a name for an AI startup.")
    at.button(key="gen_run").click().run()
    first = _out(at)
    at.button(key="gen_run").click().run()
    ok(at)
    assert _out(at) == first
    assert len(at.session_state["gen_history"]) == 2


def test_empty_prompt_is_a_clear_message_not_a_traceback():
    at = page()
    at.text_area(key="gen_prompt").set_value("   ")
    at.button(key="gen_run").click().run()
    ok(at)
    assert any("The prompt is empty" in e for e in errors(at))


def _streaming_run(words: int):
    engine = Engine(FakeBackend(words=words, delay=0.01), SlotPool(1))
    run = engine.submit(GenRequest("w", settings=GenSettings()))
    next(run.text_stream())  # it has started
    return run


def _run_held_until_the_page_streams_it(words: int):
    """A run that cannot end before the page follows it: by then the page has drawn
    its buttons, however slowly the machine got there (no race against a clock)."""
    gate = threading.Event()
    engine = Engine(FakeBackend(words=words, gate=gate), SlotPool(1))
    run = engine.submit(GenRequest("w", settings=GenSettings()))

    def release_once_followed():
        deadline = time.monotonic() + 120
        while run.followers == 0 and time.monotonic() < deadline:
            time.sleep(0.005)
        gate.set()

    threading.Thread(target=release_once_followed, daemon=True).start()
    return run


def test_stop_is_live_while_a_run_streams_and_greyed_once_it_ended():
    at = page()
    assert at.button(key="gen_stop").disabled  # no run yet
    run = _run_held_until_the_page_streams_it(words=100)
    at.session_state["gen_current_run"] = run
    at.run()  # Stop is drawn while the run goes; then the page streams it to its end
    ok(at)
    assert run.done and not at.button(key="gen_stop").disabled
    at.run()
    assert at.button(key="gen_stop").disabled  # the run has ended: nothing to stop


def test_stop_button_stops_the_sessions_run_and_keeps_its_text():
    at = page()
    at.session_state["gen_current_run"] = _run_held_until_the_page_streams_it(words=50)
    at.run()  # the page as a browser shows it while a run streams: Stop is live
    assert not at.button(key="gen_stop").disabled
    # A long run is now going (a page streaming it cannot be drawn here: it would
    # stream to its end); the founder clicks the live Stop.
    run = _streaming_run(words=100_000)
    at.session_state["gen_current_run"] = run
    at.button(key="gen_stop").click().run()
    ok(at)
    assert run.done and run.metrics.finish_reason == "stopped"
    assert _out(at).startswith(md("w-0"))
    assert any("Stopped on request" in c.value for c in at.caption)
    assert at.button(key="gen_stop").disabled  # the run has ended


CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("kind", ["job", "pitch", "risks"])
def test_in_chinese_the_english_only_model_gets_its_presets_in_english(sample_plan, kind):
    """Asked in Chinese, the embedded model writes unrelated English: the Chinese page
    fills its presets in English, from the same plan, and says why."""
    at = page("zh", plan=sample_plan.model_copy(update={"lang": "zh"}))
    assert not CJK.search(at.text_area(key="gen_prompt").value)  # the first prompt too
    at.selectbox(key="gen_preset").set_value(kind)
    at.button(key="gen_preset_apply").click().run()
    ok(at)
    prompt = at.text_area(key="gen_prompt").value
    assert "Platform" in prompt and not CJK.search(prompt)
    assert at.title[0].value == "实时文本生成"
    assert any("只用英文训练" in c.value for c in at.caption)


@pytest.mark.parametrize("kind", ["job", "pitch", "risks"])
def test_presets_fill_the_prompt_in_chinese_for_a_server_model(sample_plan, kind, monkeypatch):
    monkeypatch.setenv("PLANNER_TEXTGEN_REMOTE_URL", "http://127.0.0.1:9")
    state = {"plan": sample_plan.model_copy(update={"lang": "zh"}), "gen_backend": "remote"}
    at = open_page("generate", lang="zh", state=state, timeout=TIMEOUT)
    at.selectbox(key="gen_preset").set_value(kind)
    at.button(key="gen_preset_apply").click().run()
    ok(at)
    prompt = at.text_area(key="gen_prompt").value
    assert "平台模式" in prompt
    assert re.search(r"[\u4e00-\u9fff]{10}", prompt)
    assert not any("只用英文训练" in c.value for c in at.caption)


def test_next_token_chart_and_argmax_table():
    at = page()
    at.radio(key="gen_mode").set_value("completion").run()
    at.text_area(key="gen_prompt").set_value("The capital of France is")
    at.button(key="gen_next_run").click().run()
    ok(at)
    chart = at.get_by_key("gen_next_chart")
    spec = json.loads(chart.proto.spec)
    bars = spec["data"][0]
    assert len(bars["x"]) == 10 and 0 < sum(bars["x"]) <= 1 + 1e-6
    # The likeliest is drawn on top, ranked 1 (whichever token the model picks).
    assert bars["x"] == sorted(bars["x"]) and bars["y"][-1].startswith("1. ")
    at.button(key="gen_argmax_run").click().run()
    ok(at)
    table = at.get_by_key("gen_argmax").dataframe[0].value
    assert len(table) >= 5 and "Argmax prediction" in table.columns
    assert any("positions" in c.value for c in at.caption)


def test_an_unavailable_model_says_so_and_the_embedded_model_stays_usable(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("PLANNER_TEXTGEN_ALLOW_DOWNLOAD", "false")
    monkeypatch.setenv("PLANNER_TEXTGEN_FREE_MODEL_FIELD", "1")  # as make run sets it
    at = page()
    at.text_input(key="gen_model").set_value("no-such-org/no-such-model").run()
    settle(at, lambda at: bool(errors(at)) and model_ready(at))
    ok(at)
    # The id is the visitor's text: it reaches the Markdown message escaped.
    assert any(md("no-such-org/no-such-model") in e and "offline" in e for e in errors(at))
    assert any("built-in model stays in use" in i.value for i in at.info)
    assert not at.button(key="gen_run").disabled
    few_tokens(at, tokens=3).button(key="gen_run").click().run()
    ok(at)
    assert _out(at).strip()


def test_a_run_card_reproduces_the_run_in_another_session():
    at = few_tokens(page(), tokens=6, temperature=0.8)
    at.toggle(key="gen_seed_random").set_value(False).run()
    at.number_input(key="gen_seed").set_value(99)
    at.text_area(key="gen_prompt").set_value("Suggest a team offsite activity.")
    at.button(key="gen_run").click().run()
    card = at.session_state["gen_history"][0]
    original = _out(at)

    other = page()
    upload = json.dumps(card).encode("utf-8")
    other.file_uploader(key="gen_card_upload").upload("card.json", upload, "application/json")
    other.run()
    ok(other)
    assert any("Settings loaded from the run card" in s.value for s in other.success)
    assert other.text_area(key="gen_prompt").value == "Suggest a team offsite activity."
    assert other.number_input(key="gen_seed").value == 99
    assert other.slider(key="gen_temperature").value == pytest.approx(0.8)
    other.button(key="gen_run").click().run()
    assert _out(other) == original


def test_a_file_that_is_not_a_run_card_is_refused():
    at = page()
    at.file_uploader(key="gen_card_upload").upload("x.json", b'{"hello": 1}', "application/json")
    at.run()
    ok(at)
    assert any("not a run card" in e for e in errors(at))


def test_the_page_streams_from_the_server_in_secrets(llama_server):
    at = app(lang="en", timeout=TIMEOUT)
    at.secrets["textgen"] = {"remote_url": llama_server.url, "remote_model": llama_server.model}
    at.run().switch_page("pages/generate.py").run()
    at.get_by_key("gen_backend").set_value("remote").run()
    ok(at)
    few_tokens(at, tokens=6).button(key="gen_run").click().run()
    ok(at)
    assert not errors(at)
    assert _out(at).strip()
    card = at.session_state["gen_history"][0]
    assert card["backend"] == "remote" and card["model"] == llama_server.model
    assert t("gen_intro_both", "en") in [c.value for c in at.caption]  # both are offered
    labels = {m.label: m.value for m in at.get_by_key("gen_metrics").metric}
    assert 1 <= int(labels["Tokens generated"]) <= 6


def _run_greedy(at: AppTest, prompt: str = "Name one skill of a data engineer.") -> dict:
    few_tokens(at, tokens=6, temperature=0.0)
    at.text_area(key="gen_prompt").set_value(prompt)
    at.button(key="gen_run").click().run()
    ok(at)
    return at.session_state["gen_history"][0]


def test_the_engine_widget_picks_the_local_engine_and_the_run_card_names_it():
    at = page()
    picker = at.selectbox(key="gen_engine")
    assert picker.value == "onnx"  # the default engine
    assert picker.options == ["ONNX Runtime (int8, fast)", "transformers (fp32, exact)"]
    onnx_card = _run_greedy(at)
    assert onnx_card["engine"] == "onnx" and "ONNX int8" in onnx_card["model"]

    at.selectbox(key="gen_engine").set_value("transformers").run()
    settle(at, model_ready)
    ok(at)
    card = _run_greedy(at)
    assert card["engine"] == "transformers" and "ONNX" not in card["model"]
    assert card["precision"] == "fp32" and card["perplexity_vs_fp32"] == 0
    assert card["output"].strip()


def test_textgen_engine_in_secrets_sets_the_default_engine():
    at = app(lang="en", timeout=TIMEOUT)
    at.secrets["textgen"] = {"engine": "transformers"}
    at.run().switch_page("pages/generate.py").run()
    settle(at, model_ready)
    ok(at)
    assert at.selectbox(key="gen_engine").value == "transformers"
    assert _run_greedy(at)["engine"] == "transformers"


def test_the_page_shows_prompt_presets_and_settings_before_the_model_is_ready(
    monkeypatch, tmp_path, sample_plan
):
    """A model still loading (held here by a gate) never holds back the page."""
    from planner.textgen import ortgenai

    real, gate = ortgenai.load_onnx, threading.Event()
    warm_cache = load_config(env={}).cache_dir

    def held(spec, config, progress=None):
        progress("gen_load_step_onnx_build", precision="int8")
        assert gate.wait(TIMEOUT)
        return real(spec, replace(config, cache_dir=warm_cache), progress)

    monkeypatch.setattr(ortgenai, "load_onnx", held)
    # Another cache folder: another configuration, so a holder of its own (not loaded).
    monkeypatch.setenv("PLANNER_TEXTGEN_CACHE_DIR", str(tmp_path))
    started = time.monotonic()
    at = open_page("generate", lang="en", state={"plan": sample_plan}, timeout=TIMEOUT)
    ok(at)
    assert time.monotonic() - started < 30  # not waiting for the (held) model
    assert "Platform" in at.text_area(key="gen_prompt").value  # the preset, filled in
    assert at.selectbox(key="gen_preset").value == "job"
    assert at.button(key="gen_preset_apply") is not None
    assert at.number_input(key="gen_max_new_tokens").value >= 1
    assert at.slider(key="gen_temperature") is not None
    assert at.button(key="gen_run").disabled  # enabled when the model is ready
    assert any("Loading embedded" in s.label for s in at.status)
    assert any("Converting the model for ONNX Runtime" in m.value for m in at.markdown)
    assert any("s left" in c.value for c in at.caption)  # the estimate
    assert any("once the model is ready" in i.value for i in at.info)

    gate.set()
    settle(at, model_ready)
    ok(at)
    assert not at.status
    assert _run_greedy(at)["output"].strip()


@pytest.mark.parametrize("spec", ["../../etc", "/root", "/proc/self", "HuggingFaceTB/SmolLM2-360M"])
def test_a_hosted_page_never_opens_a_model_the_operator_did_not_allow(spec, monkeypatch):
    """Whatever reaches the session (an old tab, a crafted state), only the embedded
    model or an allowed folder loads; the visitor is told, in their language."""
    monkeypatch.delenv("PLANNER_TEXTGEN_FREE_MODEL_FIELD", raising=False)
    at = page()
    from planner.textgen.config import load_config, resolve_model
    from planner.textgen.errors import ModelLoadError

    with pytest.raises(ModelLoadError):
        resolve_model(spec, load_config())
    assert at.selectbox(key="gen_model").options == ["SmolLM2-135M-Instruct (built in)"]
    ok(at)


def test_the_seed_is_random_by_default_and_each_card_keeps_its_own():
    at = few_tokens(page(), tokens=4, temperature=1.0)
    assert at.toggle(key="gen_seed_random").value is True
    assert at.number_input(key="gen_seed").disabled
    at.button(key="gen_run").click().run()
    at.button(key="gen_run").click().run()
    ok(at)
    seeds = [card["settings"]["seed"] for card in at.session_state["gen_history"]]
    assert len(seeds) == 2 and seeds[0] != seeds[1]


def test_chinese_mode_says_why_the_built_in_model_gets_english_prompts():
    at = page(lang="zh")
    assert any("只用英文训练" in c.value and "英文填入" in c.value for c in at.caption)


def test_a_loaded_run_card_turns_the_random_seed_off_to_repeat_its_run():
    at = few_tokens(page(), tokens=3)
    at.button(key="gen_run").click().run()
    card = json.dumps(at.session_state["gen_history"][0]).encode()
    other = page()
    other.file_uploader(key="gen_card_upload").upload("card.json", card, "application/json")
    other.run()
    ok(other)
    assert other.toggle(key="gen_seed_random").value is False
    assert other.number_input(key="gen_seed").value == json.loads(card)["settings"]["seed"]
