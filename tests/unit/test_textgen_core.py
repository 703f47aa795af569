"""planner.textgen without a model: config, validation, queueing, runs, cache, cards, presets."""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from planner.domain import Plan
from planner.textgen import cache
from planner.textgen.config import EMBEDDED, TextgenConfig, load_config
from planner.textgen.errors import TextgenError
from planner.textgen.holder import ModelHolder
from planner.textgen.presets import PRESETS, preset
from planner.textgen.run import Engine, SlotPool, StopFilter
from planner.textgen.runcard import card_json, request_from_card, run_card, run_markdown
from planner.textgen.settings import RANGES, GenRequest, GenSettings, parse_stop, stop_text
from tests.support.textgen import FakeBackend

STRINGS = Path(__file__).resolve().parents[2] / "data" / "strings" / "generate.yaml"


def test_config_defaults_are_offline_capable_and_embedded():
    config = load_config(env={})
    assert config.model == EMBEDDED
    assert config.max_concurrent >= 1
    assert not config.remote_configured


def test_config_env_wins_over_secrets():
    config = load_config(
        env={"PLANNER_TEXTGEN_REMOTE_URL": "http://env:1", "PLANNER_TEXTGEN_INT8": "yes"},
        secrets={"remote_url": "http://secret:2", "remote_model": "m", "max_concurrent": 3},
    )
    assert config.remote_url == "http://env:1"
    assert config.remote_model == "m"
    assert config.max_concurrent == 3
    assert config.int8 is True


@pytest.mark.parametrize(
    "env",
    [
        {"PLANNER_TEXTGEN_MAX_CONCURRENT": "0"},
        {"PLANNER_TEXTGEN_MAX_CONCURRENT": "many"},
        {"PLANNER_TEXTGEN_INT8": "maybe"},
        {"PLANNER_TEXTGEN_REMOTE_TIMEOUT_S": "-1"},
    ],
)
def test_config_rejects_bad_values(env):
    with pytest.raises(ValueError, match="PLANNER_TEXTGEN_"):
        load_config(env=env)


# ---- validation ----


@pytest.mark.parametrize(
    ("settings", "name"),
    [
        (GenSettings(max_new_tokens=0), "max_new_tokens"),
        (GenSettings(max_new_tokens=513), "max_new_tokens"),
        (GenSettings(temperature=-0.1), "temperature"),
        (GenSettings(temperature=float("nan")), "temperature"),
        (GenSettings(top_p=0), "top_p"),
        (GenSettings(top_p=1.5), "top_p"),
        (GenSettings(top_k=-1), "top_k"),
        (GenSettings(repetition_penalty=0.5), "repetition_penalty"),
        (GenSettings(seed=-3), "seed"),
    ],
)
def test_out_of_range_settings_name_the_setting(settings, name):
    with pytest.raises(TextgenError) as info:
        settings.validated(512)
    assert info.value.key == "gen_err_range"
    assert info.value.params["name"] == name


@pytest.mark.parametrize(
    ("request_", "key"),
    [
        (GenRequest("   "), "gen_err_empty_prompt"),
        (GenRequest("x" * 30_000), "gen_err_prompt_chars"),
        (GenRequest("hi", mode="poem"), "gen_err_mode"),
        (GenRequest("hi", settings=GenSettings(stop=("a",) * 5)), "gen_err_stop"),
    ],
)
def test_bad_requests_are_refused_with_a_message_key(request_, key):
    with pytest.raises(TextgenError) as info:
        request_.validated(512)
    assert info.value.key == key


def test_parse_stop_reads_escaped_newlines():
    assert parse_stop("###\n\\n\\n\n\n  \nEND") == ("###", "\n\n", "END")


# A stop sequence a person can type into the field: no other line breaks, no backslash
# (the field's escape character), and not blank once its newlines are written `\n`.
_LINE_BREAKS = "\\\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
typed_stop = st.text(
    st.characters(blacklist_characters=_LINE_BREAKS, blacklist_categories=("Cs",)),
    min_size=1,
    max_size=8,
).filter(lambda stop: stop.replace("\n", "x").strip())


def _between(name: str, cast: type) -> st.SearchStrategy:
    low, high = RANGES[name]
    if cast is int:
        return st.integers(int(low), int(high))
    return st.floats(low, high, allow_nan=False)


page_settings = st.builds(
    GenSettings,
    max_new_tokens=st.integers(1, 512),
    temperature=_between("temperature", float),
    top_p=_between("top_p", float),
    top_k=_between("top_k", int),
    repetition_penalty=_between("repetition_penalty", float),
    seed=_between("seed", int),
    stop=st.lists(typed_stop, max_size=4).map(tuple),
)


@given(st.lists(typed_stop, max_size=4).map(tuple))
def test_stop_text_is_read_back_by_parse_stop(stops):
    assert parse_stop(stop_text(stops)) == stops


def test_the_pages_settings_map_names_every_setting_once():
    from components.generation.session import SETTINGS

    fields = [setting.field for setting in SETTINGS.values()]
    assert sorted(fields) == sorted(GenSettings.__dataclass_fields__)
    assert all(key.startswith("gen_") for key in SETTINGS)


@given(page_settings)
def test_settings_shown_in_the_widgets_read_back_the_same(settings):
    from components.generation.session import settings_from_widgets, settings_to_state

    assert settings_from_widgets(settings_to_state(settings)) == settings


# ---- stop sequences ----


@pytest.mark.parametrize(
    ("stops", "pieces", "shown", "hit"),
    [
        ((), ["ab", "cd"], "abcd", False),
        (("END",), ["hello E", "N", "D more"], "hello ", True),
        (("END",), ["hello E", "NOUGH"], "hello ENOUGH", False),
        (("\n\n", "##"), ["a\n", "b#", "#c"], "a\nb", True),
    ],
)
def test_stop_filter_cuts_at_the_first_stop_sequence(stops, pieces, shown, hit):
    f = StopFilter(stops)
    out = "".join(f.feed(p) for p in pieces) + f.flush()
    assert out == shown
    assert f.hit is hit


# ---- runs, slots, queue ----


def test_a_run_streams_and_reports_metrics():
    engine = Engine(FakeBackend(words=3), SlotPool(1))
    run = engine.submit(GenRequest("a b"))
    chunks = list(run.text_stream())
    assert chunks == ["a b-0 ", "a b-1 ", "a b-2 "]
    assert run.metrics.tokens == 3
    assert run.metrics.prompt_tokens == 2
    assert run.metrics.finish_reason == "length"
    assert run.metrics.ttft_s is not None and run.metrics.ttft_s <= run.metrics.total_s


def test_runs_wait_in_fifo_order_with_their_queue_position():
    gate = threading.Event()
    backend = FakeBackend(words=2, gate=gate)
    engine = Engine(backend, SlotPool(1))
    runs = [engine.submit(GenRequest(f"p{i}")) for i in range(3)]
    deadline = time.monotonic() + 30
    while not runs[0].started and time.monotonic() < deadline:
        time.sleep(0.01)
    assert [r.queue_position() for r in runs] == [0, 1, 2]
    follower = runs[2].follow(poll_s=0.01)
    assert next(follower) == ("queued", 2)
    follower.close()
    gate.set()
    for run in runs:
        assert run.wait(30)
    assert backend.started == ["p0", "p1", "p2"]
    assert backend.max_running == 1
    assert [r.text for r in runs] == [f"p{i}-0 p{i}-1 " for i in range(3)]


def test_slot_pool_runs_up_to_its_size_at_once():
    backend = FakeBackend(words=5, delay=0.05)
    engine = Engine(backend, SlotPool(2))
    runs = [engine.submit(GenRequest(f"p{i}")) for i in range(4)]
    assert all(r.wait(10) for r in runs)
    assert backend.max_running == 2


def test_stop_keeps_the_text_so_far_and_frees_the_slot():
    backend = FakeBackend(words=1000, delay=0.01)
    pool = SlotPool(1)
    engine = Engine(backend, pool)
    run = engine.submit(GenRequest("s"))
    stream = run.text_stream()
    first = next(stream)
    assert not run.ending
    run.stop()
    assert run.ending  # at once, while the worker may still finish its token
    assert run.wait(30)
    assert run.text.startswith(first)
    assert 1 <= run.metrics.tokens < 1000
    assert run.metrics.finish_reason == "stopped"
    assert pool.active == 0
    following = engine.submit(GenRequest("next"))
    assert next(following.text_stream()) == "next-0 "  # got the freed slot
    following.stop()
    assert following.wait(30)


def test_a_queued_run_that_is_stopped_never_starts():
    gate = threading.Event()
    backend = FakeBackend(words=1, gate=gate)
    engine = Engine(backend, SlotPool(1))
    first = engine.submit(GenRequest("first"))
    second = engine.submit(GenRequest("second"))
    assert not first.ending and not second.ending
    second.stop()
    assert second.ending and not first.ending
    assert second.wait(30)
    assert second.metrics.finish_reason == "stopped"
    gate.set()
    assert first.wait(30)
    assert backend.started == ["first"]


def test_a_run_nobody_reads_is_abandoned():
    engine = Engine(FakeBackend(words=10_000, delay=0.005), SlotPool(1))
    run = engine.submit(GenRequest("x"), orphan_timeout_s=0.2)
    stream = run.text_stream()
    next(stream)
    stream.close()  # the session went away
    assert run.wait(30)
    assert run.metrics.finish_reason == "abandoned"


def test_a_full_queue_refuses_politely():
    gate = threading.Event()
    engine = Engine(FakeBackend(words=1, gate=gate), SlotPool(1, max_queue=1))
    first = engine.submit(GenRequest("a"))
    deadline = time.monotonic() + 30
    while not first.started and time.monotonic() < deadline:
        time.sleep(0.01)  # "a" holds the slot, so "b" is the one in the queue
    engine.submit(GenRequest("b"))
    with pytest.raises(TextgenError) as info:
        engine.submit(GenRequest("c"))
    assert info.value.key == "gen_err_busy"
    gate.set()


def test_a_crashing_backend_becomes_an_error_message():
    class Broken(FakeBackend):
        def generate(self, run):
            raise RuntimeError("boom")

    pool = SlotPool(1)
    run = Engine(Broken(), pool).generate(GenRequest("x"), timeout=30)
    assert run.error.key == "gen_err_internal" and "boom" in run.error.params["detail"]
    assert pool.active == 0


# ---- cache ----


def _fill(files: dict[str, bytes]):
    def fill(folder: Path) -> dict:
        for name, data in files.items():
            (folder / name).write_bytes(data)
        return {"note": "test"}

    return fill


def test_cache_entry_is_published_complete_with_a_manifest(tmp_path):
    entry = tmp_path / "entry"
    cache.build(entry, _fill({"a.bin": b"x" * 100, "b.json": b"{}"}))
    manifest = cache.verify(entry)
    assert set(manifest["files"]) == {"a.bin", "b.json"}
    assert manifest["meta"] == {"note": "test"}
    assert not cache.stale_temp_dirs(tmp_path)


def test_a_failed_build_leaves_nothing_behind(tmp_path):
    def fail(folder: Path) -> dict:
        (folder / "half.bin").write_bytes(b"x")
        raise OSError("disk full")

    with pytest.raises(OSError):
        cache.build(tmp_path / "entry", fail)
    assert not (tmp_path / "entry").exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "damage",
    [
        lambda e: (e / "manifest.json").unlink(),
        lambda e: (e / "manifest.json").write_text("{not json"),
        lambda e: (e / "a.bin").unlink(),
        lambda e: (e / "a.bin").write_bytes(b"x" * 50),  # truncated
        lambda e: (e / "a.bin").write_bytes(b"y" * 100),  # same size, other bytes
    ],
    ids=["no-manifest", "bad-manifest", "missing-file", "truncated", "flipped"],
)
def test_a_damaged_cache_entry_is_detected(tmp_path, damage):
    entry = tmp_path / "entry"
    cache.build(entry, _fill({"a.bin": b"x" * 100}))
    damage(entry)
    with pytest.raises(cache.CacheCorrupt):
        cache.verify(entry)


# ---- run cards ----


def test_run_card_round_trips_the_request_and_renders_markdown():
    req = GenRequest(
        "Pitch ```us```",
        mode="chat",
        system="Be brief.",
        settings=GenSettings(seed=7, stop=("##",)),
    )
    run = Engine(FakeBackend(words=2), SlotPool(1)).generate(req, timeout=5)
    card = json.loads(card_json(run_card(run)))
    assert request_from_card(card) == req
    assert card["seed"] == 7 and card["model"] == "fake-model" and card["revision"] == "r1"
    assert card["output"] == run.text and card["speed"]["tokens"] == 2
    md = run_markdown(card)
    assert "Pitch ```us```" in md and run.text in md and "seed=7" in md


@pytest.mark.parametrize(
    "card",
    [
        [],
        {"schema": "other"},
        {"schema": "planner.textgen.run/1", "prompt": "hi", "settings": {"top_k": "x"}},
    ],
)
def test_not_a_run_card(card):
    with pytest.raises((ValueError, TextgenError)):
        request_from_card(card).validated(512)


# ---- presets and strings ----


@pytest.mark.parametrize("kind", PRESETS)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_presets_use_the_plan_in_the_language(catalog, sample_team, kind, lang):
    plan = Plan(team=sample_team, business_model="platform", lang=lang)
    model = catalog.business_models["platform"]
    system, prompt = preset(kind, plan, catalog, model, lang)
    assert system and prompt
    assert model.label(lang) in prompt
    if lang == "zh":
        assert re.search(r"[\u4e00-\u9fff]", prompt)
    if kind == "job":
        from planner.scoring import (
            plan_hires,
        )

        first = plan_hires(sample_team, model, catalog.roles)[0]
        assert catalog.roles[first.role_id].label(lang) in prompt


def test_preset_for_an_empty_team_still_reads_well(catalog):
    plan = Plan()
    _system, prompt = preset("pitch", plan, catalog, catalog.business_models["product"], "en")
    assert "none yet" in prompt and "0%" in prompt


def test_generate_strings_have_the_same_placeholders_in_both_languages():
    strings = yaml.safe_load(STRINGS.read_text(encoding="utf-8"))
    for key, texts in strings.items():
        assert key.startswith("gen_"), key
        assert set(texts) == {"en", "zh"}, key
        names = [set(re.findall(r"{(\w+)}", texts[lang])) for lang in ("en", "zh")]
        assert names[0] == names[1], key


def test_every_message_key_raised_by_the_engine_exists():
    strings = yaml.safe_load(STRINGS.read_text(encoding="utf-8"))
    source = "".join(
        p.read_text(encoding="utf-8")
        for p in (Path(__file__).resolve().parents[2] / "planner" / "textgen").glob("*.py")
    )
    used = set(re.findall(r'"(gen_(?:err|note|load_step)_\w+)"', source))
    assert used and used <= set(strings)


@pytest.mark.parametrize(
    "ask",
    [
        lambda h: h.vocab_size,
        lambda h: h.next_token_candidates(GenRequest("The capital of France is")),
        lambda h: h.argmax_per_position("The capital of France is Paris."),
    ],
    ids=["vocab_size", "next_token_candidates", "argmax_per_position"],
)
def test_a_holder_answers_the_next_token_view_only_once_loaded(ask):
    holder = ModelHolder(EMBEDDED, TextgenConfig(), SlotPool(1))
    with pytest.raises(RuntimeError, match="not loaded"):
        ask(holder)


def test_the_generation_page_and_its_sections_do_not_import_torch():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import components.resources, components.generation.session\n"
        "import components.generation.backend, components.generation.prompt\n"
        "import components.generation.output, components.generation.next_token\n"
        "heavy = [m for m in ('torch', 'transformers') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_the_page_side_of_the_engine_does_not_import_torch():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import planner.textgen, planner.textgen.config, planner.textgen.run\n"
        "import planner.textgen.holder, planner.textgen.presets, planner.textgen.runcard\n"
        "import planner.textgen.remote, planner.textgen.settings, planner.textgen.cache\n"
        "heavy = [m for m in ('torch', 'transformers', 'streamlit') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_a_cache_entry_published_meanwhile_by_another_process_is_kept(tmp_path):
    """Two processes build the same entry at once: the second keeps the first's (which
    the first may be loading from) instead of deleting it."""
    final = tmp_path / "entry"

    def fill_first(folder):
        (folder / "weights.bin").write_bytes(b"first")
        return {"who": "first"}

    def fill_second(folder):
        cache.build(final, fill_first)  # the other process publishes while we build
        (folder / "weights.bin").write_bytes(b"second")
        return {"who": "second"}

    cache.build(final, fill_second)
    assert (final / "weights.bin").read_bytes() == b"first"
    cache.verify(final)
    assert cache.stale_temp_dirs(tmp_path) == []


def test_a_broken_entry_found_at_publish_time_is_replaced(tmp_path):
    final = tmp_path / "entry"
    final.mkdir()
    (final / "weights.bin").write_bytes(b"half")  # no manifest: half-written

    def fill(folder):
        (folder / "weights.bin").write_bytes(b"whole")
        return {}

    cache.build(final, fill)
    assert (final / "weights.bin").read_bytes() == b"whole"
    cache.verify(final)
