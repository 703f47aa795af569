"""Real generation with the embedded SmolLM2-135M-Instruct (few tokens per test)."""

from __future__ import annotations

import shutil
import time

import pytest

from planner.textgen import cache, loader
from planner.textgen.config import TextgenConfig
from planner.textgen.errors import ModelLoadError, TextgenError
from planner.textgen.holder import ModelHolder
from planner.textgen.loader import LoadedModel, gguf_cache_dir, load_model
from planner.textgen.local import (
    argmax_per_position,
    next_token_candidates,
    prepare,
    prompt_ids,
)
from planner.textgen.run import SlotPool
from planner.textgen.settings import GenRequest
from tests.support import textgen as tg

pytestmark = pytest.mark.model


def test_output_streams_incrementally(embedded_model):
    engine = tg.local_engine(embedded_model)
    req, _ = tg.long_greedy(engine, 12)  # a prompt this machine's model answers at length
    run = engine.submit(req)
    arrivals = list(run.text_stream())
    assert run.error is None
    assert len(arrivals) >= 6, arrivals  # about a chunk per token, not one block at the end
    assert "".join(arrivals) == run.text
    # Timed where the tokens are made (a reader's clock would also time its own stalls):
    # the first came out well before the last.
    m = run.metrics
    assert m.total_s - m.ttft_s > 0.02
    assert m.tokens == 12 and m.finish_reason == "length"
    assert m.prompt_tokens > 10 and m.tokens_per_s > 1
    assert m.backend == "local" and "SmolLM2" in m.model


def test_greedy_run_matches_plain_model_generate(embedded_model):
    import torch  # after planner.textgen, which sets the OpenMP wait policy first

    req = tg.request(
        "The capital of France is", mode="completion", temperature=0, repetition_penalty=1.0
    )
    run = tg.local_engine(embedded_model).generate(req, timeout=60)
    tok = embedded_model.tokenizer
    ids = torch.tensor([prompt_ids(embedded_model, req)])
    with torch.inference_mode():
        out = embedded_model.model.generate(
            input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=8, do_sample=False
        )
    assert run.text == tok.decode(out[0, ids.shape[1] :], skip_special_tokens=True)


def test_same_seed_and_settings_give_the_same_text(embedded_model):
    settings = {"temperature": 1.0, "top_p": 0.95, "top_k": 50, "max_new_tokens": 10}
    tg.distinct_seeds(tg.local_engine(embedded_model, slots=2), tg.request(**settings), seed=11)


def test_stop_halts_within_a_token_or_two_and_keeps_the_text(embedded_model):
    engine = tg.local_engine(embedded_model)
    req, _ = tg.long_greedy(engine, 24)  # greedy: the run below writes 24 tokens or more
    run = engine.submit(tg.replace_settings(req, max_new_tokens=200))
    stream = run.text_stream()
    next(stream)
    next(stream)
    run.stop()
    tokens_at_stop = run._tokens
    assert run.wait(10)
    assert run.metrics.finish_reason == "stopped"
    assert run.metrics.tokens - tokens_at_stop <= 2
    assert run.metrics.tokens < 24
    assert run.text  # what was produced stays


def test_three_concurrent_generations_stay_separate_and_all_finish(embedded_model):
    engine = tg.local_engine(embedded_model, slots=2)
    prompts = ["Count: one, two,", "Colors: red, green,", "Days: Monday, Tuesday,"]
    reqs = [tg.request(p, mode="completion", temperature=0, max_new_tokens=6) for p in prompts]
    runs = [engine.submit(r) for r in reqs]
    deadline = time.monotonic() + 60
    while not (runs[0].started and runs[1].started) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert runs[2].queue_position() in (0, 1)  # the third waits for a slot (or just got it)
    together = [r.result(120) for r in runs]
    alone = [tg.local_engine(embedded_model).generate(r, timeout=60).text for r in reqs]
    assert together == alone
    assert len(set(together)) == 3
    assert all(
        1 <= r.metrics.tokens <= 6 and r.metrics.finish_reason in ("length", "eos") for r in runs
    )


def test_stop_sequence_cuts_the_output_right_before_it(embedded_model):
    """The stop sequence is a piece of the model's own greedy text on this machine."""
    engine = tg.local_engine(embedded_model)
    req, plain = tg.long_greedy(engine, 32)
    stop, at = tg.stop_from(plain)
    cut = engine.generate(tg.replace_settings(req, stop=(stop,)), timeout=60)
    assert cut.metrics.finish_reason == "stop_sequence"
    assert cut.text == plain[:at]
    assert stop not in cut.text


def test_a_prompt_longer_than_the_context_is_cut_from_the_left(embedded_model):
    small = type(embedded_model)(**{**embedded_model.__dict__, "context_window": 64})
    req = tg.request("word " * 200, mode="completion", temperature=0, max_new_tokens=4)
    prepared = prepare(small, req)
    assert len(prepared.ids) == 60 and prepared.dropped > 100
    run = tg.local_engine(small).generate(req, timeout=60)
    assert run.error is None and run.metrics.prompt_tokens == 60
    assert run.notices == [("gen_note_truncated", {"dropped": prepared.dropped, "kept": 60})]


def test_next_token_probabilities_match_a_direct_forward_pass(embedded_model):
    import torch

    req = tg.request("The capital of France is", mode="completion")
    ids = prompt_ids(embedded_model, req)
    top = next_token_candidates(embedded_model, ids, k=10)
    assert len(top) == 10
    probs = [c["prob"] for c in top]
    assert probs == sorted(probs, reverse=True)
    assert 0 < sum(probs) <= 1 + 1e-6
    with torch.inference_mode():
        logits = embedded_model.model(input_ids=torch.tensor([ids])).logits[0, -1]
    direct = torch.softmax(logits.float(), -1)
    for c in top:
        assert c["prob"] == pytest.approx(float(direct[c["token_id"]]), abs=1e-6)
    assert top[0]["token_id"] == int(direct.argmax())


@pytest.fixture
def embedded_holder(embedded_model, textgen_config, monkeypatch) -> ModelHolder:
    """A holder over the session's model: its loading is the page tests' subject."""
    monkeypatch.setattr(loader, "load_model", lambda spec, config, progress: embedded_model)
    holder = ModelHolder("embedded", textgen_config, SlotPool(1), engine="transformers")
    holder.start()
    assert holder.wait(60) and holder.ready, holder.error
    return holder


@pytest.mark.parametrize("mode", ["chat", "completion"])
def test_the_holder_gives_the_next_tokens_after_the_prompt_as_a_run_would_see_it(
    embedded_holder: ModelHolder, embedded_model: LoadedModel, mode: str
):
    req = tg.request("The capital of France is", mode=mode)
    top = embedded_holder.next_token_candidates(req, k=5)
    ids = prepare(embedded_model, GenRequest(req.prompt, req.mode)).ids
    direct = next_token_candidates(embedded_model, ids, k=5)
    assert [c["token_id"] for c in top] == [c["token_id"] for c in direct]
    assert [c["token"] for c in top] == [c["token"] for c in direct]
    assert [c["prob"] for c in top] == pytest.approx([c["prob"] for c in direct], abs=1e-6)
    assert embedded_holder.vocab_size == len(embedded_model.tokenizer) > 10_000


def test_the_holder_refuses_an_empty_prompt_and_a_one_token_text(embedded_holder):
    with pytest.raises(TextgenError) as info:
        embedded_holder.next_token_candidates(tg.request("  \n "))
    assert info.value.key == "gen_err_empty_prompt"
    with pytest.raises(TextgenError) as info:
        embedded_holder.argmax_per_position("Paris")
    assert info.value.key == "gen_err_short_text"


def test_argmax_per_position_is_prediction_not_generation(embedded_model):
    import torch

    rows = argmax_per_position(embedded_model, "The capital of France is Paris.")
    tok = embedded_model.tokenizer
    ids = tok("The capital of France is Paris.", add_special_tokens=False)["input_ids"]
    assert len(rows) == len(ids) - 1
    assert [r["actual"] for r in rows] == [tok.decode([i]) for i in ids[1:]]
    # Each row is the model's argmax after the text up to it (one forward pass, not
    # generated text): the same as a direct pass, whichever token this CPU's sums pick.
    with torch.inference_mode():
        logits = embedded_model.model(input_ids=torch.tensor([ids])).logits[0, :-1]
    best = logits.float().argmax(-1).tolist()
    assert [r["predicted"] for r in rows] == [tok.decode([i]) for i in best]
    assert [r["match"] for r in rows] == [b == a for b, a in zip(best, ids[1:], strict=True)]
    assert all(
        0 <= r["predicted_prob"] <= 1 and r["actual_prob"] <= r["predicted_prob"] + 1e-6
        for r in rows
    )


# ---- loading and the disk cache ----


def test_warm_load_from_the_cache_gives_the_same_model(embedded_model, textgen_config):
    entry = gguf_cache_dir(embedded_model_gguf(), textgen_config)
    cache.verify(entry)
    start = time.perf_counter()
    warm = load_model("embedded", textgen_config)
    assert time.perf_counter() - start < 60  # a few seconds; a conversion takes minutes
    assert warm.source == "cache"
    assert warm.revision == embedded_model.revision
    req = tg.request("Hello", mode="completion", temperature=0, max_new_tokens=5)
    assert (
        tg.local_engine(warm).generate(req, 60).text
        == tg.local_engine(embedded_model).generate(req, 60).text
    )


def embedded_model_gguf():
    from planner.textgen.loader import embedded_gguf

    return embedded_gguf()


@pytest.mark.slow
def test_a_corrupted_cache_is_rebuilt_never_loaded(embedded_model, textgen_config, tmp_path):
    config = TextgenConfig(cache_dir=tmp_path)
    source = gguf_cache_dir(embedded_model_gguf(), textgen_config)
    entry = gguf_cache_dir(embedded_model_gguf(), config)
    shutil.copytree(source, entry)
    weights = entry / "model.safetensors"
    with weights.open("r+b") as handle:  # same size, different bytes
        handle.seek(weights.stat().st_size // 2)
        handle.write(b"\xff" * 64)
    steps = []
    lm = load_model("embedded", config, lambda key, **p: steps.append(key))
    assert "gen_load_step_corrupt" in steps and "gen_load_step_dequant" in steps
    assert lm.source == "gguf"
    cache.verify(entry)  # rebuilt whole
    assert not cache.stale_temp_dirs(tmp_path)
    req = tg.request("Hello", mode="completion", temperature=0, max_new_tokens=4)
    assert (
        tg.local_engine(lm).generate(req, 60).text
        == tg.local_engine(embedded_model).generate(req, 60).text
    )


def test_an_unavailable_model_is_a_clear_error_offline(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    config = TextgenConfig(cache_dir=tmp_path, allow_download=False)
    with pytest.raises(ModelLoadError) as info:
        load_model("nonexistent-org/nonexistent-model-xyz", config)
    assert info.value.key == "gen_err_model_offline"
    with pytest.raises(ModelLoadError) as info:
        load_model(str(tmp_path / "missing.gguf"), config)
    assert info.value.key == "gen_err_model_missing"


def test_pieces_of_chinese_characters_show_their_bytes(embedded_model):
    rows = argmax_per_position(embedded_model, "我们的创业公司")
    shown = [r["token"] for r in rows] + [rows[-1]["actual"]]
    assert all("\ufffd" not in s for s in shown)
    raw = b"".join(
        s.encode("latin-1", "backslashreplace").decode("unicode_escape").encode("latin-1")
        if "\\x" in s
        else s.encode("utf-8")
        for s in shown
    )
    assert raw.decode("utf-8") == "我们的创业公司"


def test_a_local_model_folder_loads_by_path(embedded_model, textgen_config):
    folder = gguf_cache_dir(embedded_model_gguf(), textgen_config)  # a plain HF model folder
    lm = load_model(str(folder), textgen_config)
    assert lm.source == "folder" and lm.name == folder.name
    assert lm.has_chat_template and lm.context_window == embedded_model.context_window
    req = tg.request("Hi", mode="completion", temperature=0, max_new_tokens=4)
    ours = tg.local_engine(lm).generate(req, 60).text
    assert ours == tg.local_engine(embedded_model).generate(req, 60).text
