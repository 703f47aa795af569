"""The attention view on the embedded SmolLM2-135M: the article's sentence, recomputed.

For every layer and head, softmax(q·kᵀ/√d_k + causal mask) from the q and k captured
with hooks (after the rotary embedding, grouped-query kv heads expanded) must equal
the weights the model returns, and the weights times v the head's output.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from planner.textgen.attention import (
    MAX_TOKENS,
    AttentionError,
    Capture,
    EagerModel,
    capture,
    formula,
    load_eager,
    recompute,
    view,
    weighted_values,
)
from planner.textgen.config import TextgenConfig

pytestmark = pytest.mark.model

ARTICLE = "我喜欢编程和人工智能"


@pytest.fixture(scope="module")
def eager(textgen_config: TextgenConfig) -> EagerModel:
    return load_eager("embedded", textgen_config, lambda *_a, **_k: None)


@pytest.fixture(scope="module")
def article(eager: EagerModel) -> Capture:
    return capture(eager, ARTICLE)


def test_the_article_sentence_reads_as_its_ten_characters(article: Capture):
    assert [u.text for u in article.units] == list(ARTICLE)
    # SmolLM2's byte-level BPE: 22 tokens; 和, 人 and 能 are whole tokens.
    assert [u.tokens for u in article.units] == [2, 3, 3, 3, 3, 1, 1, 2, 3, 1]
    assert article.tokens == 22 and len(article.labels) == 22
    assert article.labels[:2] == ["我 1/2", "我 2/2"]


def test_shapes_follow_grouped_query_attention(article: Capture):
    assert (article.layers, article.heads, article.kv_heads, article.head_dim) == (30, 9, 3, 64)
    assert article.q.shape == (30, 9, 22, 64) and article.k.shape == (30, 3, 22, 64)
    assert [article.kv_head(h) for h in range(9)] == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert article.scaling == (64**-0.5,) * 30


def test_every_layer_and_head_recomputes_from_hooked_q_and_k(article: Capture):
    attn = article.attn.astype(np.float64)
    diff = np.abs(recompute(article) - attn)
    worst = np.unravel_index(diff.argmax(), diff.shape)
    assert diff.max() <= 1e-5, f"layer, head, query, key {worst}: {diff.max():.2e}"
    # Masked weights are exactly zero, every row sums to 1.
    assert (attn[..., ~np.tril(np.ones((22, 22), bool))] == 0).all()
    np.testing.assert_allclose(attn.sum(-1), 1.0, atol=1e-5)


def test_weighted_values_are_each_heads_output(article: Capture):
    diff = np.abs(weighted_values(article) - article.head_out)
    assert diff.max() <= 1e-5, f"{diff.max():.2e}"


def test_q_and_k_are_taken_after_the_rotary_step(eager: EagerModel, article: Capture):
    """The projections' raw outputs equal the captured q and k only at position 0
    (where the rotation is the identity), and with them the recomputation fails: the
    equality above does check the rotation."""
    import torch

    attn0 = eager.lm.model.model.layers[0].self_attn
    raw: dict = {}
    hooks = [
        attn0.q_proj.register_forward_hook(lambda _m, _a, out: raw.setdefault("q", out)),
        attn0.k_proj.register_forward_hook(lambda _m, _a, out: raw.setdefault("k", out)),
    ]
    try:
        with eager.lock, torch.inference_mode():
            eager.lm.model(input_ids=torch.tensor([article.ids]))
    finally:
        for hook in hooks:
            hook.remove()
    q_raw = raw["q"][0].reshape(22, 9, 64).transpose(0, 1).numpy()
    k_raw = raw["k"][0].reshape(22, 3, 64).transpose(0, 1).numpy()
    np.testing.assert_allclose(article.q[0, :, 0], q_raw[:, 0], atol=1e-5)
    np.testing.assert_allclose(article.k[0, :, 0], k_raw[:, 0], atol=1e-5)
    assert not np.allclose(article.q[0, :, 5], q_raw[:, 5], atol=1e-3)
    q, k = article.q.copy(), article.k.copy()
    q[0], k[0] = q_raw, k_raw
    unrotated = replace(article, q=q, k=k)
    assert np.abs(recompute(unrotated)[0] - article.attn[0]).max() > 1e-3


def test_formula_of_the_last_character_matches_the_head_view(article: Capture):
    f = formula(article, 12, 4, article.tokens - 1)
    shown = view(article.attn[12, 4], article, merge=False, hide_sink=False)
    np.testing.assert_allclose(f.weights, shown.weights[-1], atol=1e-5)
    assert f.matches and f.standard_scale and f.kv_head == 1


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("I like programming and artificial intelligence", 6),
        ("AI 创业 needs 人才", None),
    ],
)
def test_english_and_mixed_texts(eager: EagerModel, text: str, units: int | None):
    cap = capture(eager, text)
    assert "".join(u.text for u in cap.units) == text
    if units is not None:
        assert len(cap.units) == cap.tokens == units
    assert np.abs(recompute(cap) - cap.attn).max() <= 1e-5


def test_long_and_empty_texts_are_refused(eager: EagerModel):
    with pytest.raises(AttentionError) as too_long:
        capture(eager, "我喜欢编程和人工智能" * 4)
    assert too_long.value.key == "attn_err_too_long"
    assert too_long.value.params["limit"] == MAX_TOKENS
    assert too_long.value.params["tokens"] > MAX_TOKENS
    with pytest.raises(AttentionError) as empty:
        capture(eager, "   ")
    assert empty.value.key == "attn_err_empty"


def test_generation_keeps_its_fast_attention(eager: EagerModel, embedded_model):
    """The view loads a copy of its own: the generation model is not switched to eager."""
    assert eager.lm.model.config._attn_implementation == "eager"
    assert embedded_model.model is not eager.lm.model
    assert embedded_model.model.config._attn_implementation != "eager"
