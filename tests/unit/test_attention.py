"""The attention view's pure parts: readable tokens, views, the formula, the figures.

Byte-level tokenizers are modelled by their decode: token pieces are byte strings,
joined and decoded as UTF-8 with replacement, as GPT-2-style tokenizers do.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.textgen.attention import (
    Capture,
    Unit,
    causal_mask,
    formula,
    merge_pieces,
    recompute,
    recompute_head,
    split_units,
    token_labels,
    view,
    weighted_values,
)
from planner.textgen.attention.figures import (
    attn_formula,
    attn_grid,
    attn_heatmap,
    grid_cell,
    grid_mosaic,
)

BOS = 0


def byte_tokens(pieces: list[bytes]):
    """(ids, decode) of a tokenizer whose token i is pieces[i] (id 0 is BOS)."""
    table = {BOS: b"<s>", **{i + 1: p for i, p in enumerate(pieces)}}

    def decode(ids: list[int]) -> str:
        return b"".join(table[i] for i in ids).decode("utf-8", errors="replace")

    return list(range(1, len(pieces) + 1)), decode


WO = "我".encode()  # e6 88 91
XI = "喜".encode()  # e5 96 9c


@pytest.mark.parametrize(
    ("pieces", "expected"),
    [
        # The article's first characters as SmolLM2 splits them: 我 in 2, 喜 in 3.
        ([WO[:2], WO[2:], XI[:1], XI[1:2], XI[2:]], [("我", 2), ("喜", 3)]),
        # One token per character (和 is a single token in SmolLM2).
        (["和".encode(), "人".encode()], [("和", 1), ("人", 1)]),
        # English: whole words, spaces kept in the text.
        ([b"I", b" like", b" programming"], [("I", 1), (" like", 1), (" programming", 1)]),
        # Mixed: a word, a split character, a word again.
        ([b"I", b" ", WO[:1], WO[1:], b"AI"], [("I", 1), (" ", 1), ("我", 2), ("AI", 1)]),
        # A token that ends inside the next character: the unit spans both characters.
        ([WO[:2], WO[2:] + XI[:1], XI[1:]], [("我喜", 3)]),
        # An unfinished character at the very end stays one unit, shown with U+FFFD.
        ([b"a", XI[:2]], [("a", 1), ("\ufffd", 1)]),
    ],
    ids=["zh-split", "zh-whole", "en", "mixed", "straddling", "truncated"],
)
def test_merge_pieces(pieces, expected):
    ids, decode = byte_tokens(pieces)
    units = merge_pieces(ids, decode)
    assert [(u.text, u.tokens) for u in units] == expected
    assert units[0].start == 0 and units[-1].end == len(ids)


def test_special_tokens_are_units_of_their_own():
    ids, decode = byte_tokens([WO[:1], WO[1:], b"!"])
    units = merge_pieces([BOS, *ids], decode, {BOS})
    assert [(u.text, u.tokens, u.special) for u in units] == [
        ("<s>", 1, True),
        ("我", 2, False),
        ("!", 1, False),
    ]


def test_labels_note_the_pieces_of_a_split_character():
    units = [Unit("我", 0, 2), Unit(" like", 2, 3), Unit("喜", 3, 6)]
    assert token_labels(units) == ["我 1/2", "我 2/2", "␣like", "喜 1/3", "喜 2/3", "喜 3/3"]
    assert split_units(units) == [units[0], units[2]]


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(
        alphabet=st.sampled_from(list("我喜欢编程和人工智能 aiAI,。😀é")), min_size=1, max_size=20
    ),
    cuts=st.sets(st.integers(min_value=1, max_value=79), max_size=30),
)
def test_any_byte_split_merges_back_into_whole_characters(text, cuts):
    data = text.encode()
    bounds = [0, *sorted(c for c in cuts if c < len(data)), len(data)]
    pieces = [data[a:b] for a, b in itertools.pairwise(bounds)]
    ids, decode = byte_tokens(pieces)
    units = merge_pieces(ids, decode)
    assert "".join(u.text for u in units) == text
    # The units partition the tokens, in order.
    assert [u.start for u in units] == [0, *[u.end for u in units[:-1]]]
    assert units[-1].end == len(ids)
    for u in units:
        assert "\ufffd" not in u.text
        # Shortest: no proper prefix of the unit's tokens ends on a character boundary.
        for end in range(u.start + 1, u.end):
            assert decode(ids[u.start : end]).endswith("\ufffd")


# ---- views and the formula on a synthetic capture ------------------------------------


def synthetic(layers: int = 2, heads: int = 4, kv: int = 2, dim: int = 8) -> Capture:
    """Five tokens ("我" in two pieces, 喜, <b>, !) whose attention is computed from
    random q, k, v the model's way (grouped-query, scaled, causal softmax)."""
    tokens = 5
    rng = np.random.default_rng(7)
    q = rng.normal(size=(layers, heads, tokens, dim)).astype(np.float32)
    k = rng.normal(size=(layers, kv, tokens, dim)).astype(np.float32)
    v = rng.normal(size=(layers, kv, tokens, dim)).astype(np.float32)
    k_rep = np.repeat(k, heads // kv, axis=1)
    v_rep = np.repeat(v, heads // kv, axis=1)
    scores = np.einsum("lhid,lhjd->lhij", q, k_rep) * dim**-0.5
    scores = np.where(causal_mask(tokens), scores, -np.inf)
    attn = np.exp(scores - scores.max(-1, keepdims=True))
    attn = (attn / attn.sum(-1, keepdims=True)).astype(np.float32)
    units = (Unit("我", 0, 2), Unit("喜", 2, 3), Unit("<b>", 3, 4), Unit("!", 4, 5))
    return Capture(
        model_name="synthetic",
        text="我喜<b>!",
        ids=tuple(range(tokens)),
        units=units,
        attn=attn,
        q=q,
        k=k,
        v=v,
        head_out=np.einsum("lhij,lhjd->lhid", attn, v_rep),
        scaling=(dim**-0.5,) * layers,
        forward_s=0.0,
    )


def test_recomputation_and_weighted_values_agree_on_a_synthetic_capture():
    cap = synthetic()
    assert np.abs(recompute(cap) - cap.attn).max() < 1e-6
    assert np.abs(recompute_head(cap, 1, 3) - cap.attn[1, 3]).max() < 1e-6
    assert np.abs(weighted_values(cap) - cap.head_out).max() < 1e-5
    assert [cap.kv_head(h) for h in range(4)] == [0, 0, 1, 1]


@pytest.mark.parametrize("merge", [False, True])
@pytest.mark.parametrize("hide_sink", [False, True])
def test_every_view_row_sums_to_one_and_the_mask_is_nan(merge, hide_sink):
    cap = synthetic()
    shown = view(cap.attn, cap, merge=merge, hide_sink=hide_sink)
    rows = len(shown.rows)
    assert shown.weights.shape == (cap.layers, cap.heads, rows, len(shown.cols))
    np.testing.assert_allclose(np.nansum(shown.weights, axis=-1), 1.0, atol=1e-6)
    assert np.isnan(shown.weights[..., shown.masked]).all()
    assert not np.isnan(shown.weights[..., ~shown.masked]).any()
    expected_rows = {(False, False): 5, (False, True): 4, (True, False): 4, (True, True): 4}
    assert rows == expected_rows[(merge, hide_sink)]


def test_merged_columns_sum_the_pieces_and_rows_take_the_last_piece():
    cap = synthetic()
    shown = view(cap.attn[0, 0], cap, merge=True, hide_sink=False)
    assert [r.label for r in shown.rows] == ["我", "喜", "<b>", "!"]
    a = cap.attn[0, 0]
    assert shown.weights[0, 0] == pytest.approx(a[1, 0] + a[1, 1])
    assert shown.weights[3, 0] == pytest.approx(a[4, 0] + a[4, 1])
    assert shown.weights[3, 2] == pytest.approx(a[4, 3])


def test_hiding_the_sink_renormalises_without_the_first_token():
    cap = synthetic()
    a = cap.attn[1, 2]
    shown = view(a, cap, merge=False, hide_sink=True)
    assert [r.label for r in shown.rows] == ["我 2/2", "喜", "<b>", "!"]
    assert shown.weights[2, 1] == pytest.approx(a[3, 2] / (1 - a[3, 0]))
    merged = view(a, cap, merge=True, hide_sink=True)
    # 我 lost its first piece (the sink): its label says which pieces are left.
    assert merged.rows[0].label == "我 2/2"


def test_formula_steps_chain_to_the_model_row_and_output():
    cap = synthetic()
    f = formula(cap, 1, 2, 3)
    assert list(f.keys) == [0, 1, 2, 3] and f.kv_head == 1 and f.d_k == 8
    assert f.standard_scale
    np.testing.assert_allclose(f.scaled, f.scores / np.sqrt(8))
    assert f.weights.sum() == pytest.approx(1.0)
    assert f.matches and f.weight_diff < 1e-6 and f.output_diff < 1e-5
    with pytest.raises(ValueError):
        formula(cap, 2, 0, 0)


# ---- figures ---------------------------------------------------------------------------


def test_heatmap_escapes_tokens_and_shows_the_mask():
    cap = synthetic()
    shown = view(cap.attn[0, 1], cap, merge=True, hide_sink=False)
    fig = attn_heatmap(shown, 0, 1, "en", heads=cap.heads, kv_heads=cap.kv_heads)
    spec = json.loads(fig.to_json())
    weights, mask = spec["data"]
    assert "&lt;b&gt;" in spec["layout"]["xaxis"]["ticktext"]
    assert "<b>" not in spec["layout"]["xaxis"]["ticktext"]
    assert "Weight" in weights["hovertemplate"] and "%{z:.4f}" in weights["hovertemplate"]
    assert "masked" in mask["hovertemplate"]
    assert "shared with heads 0" in spec["layout"]["title"]["text"]
    zh = attn_heatmap(shown, 0, 1, "zh", heads=cap.heads, kv_heads=cap.kv_heads)
    assert zh.layout.xaxis.ticktext[:2] == ("我", "喜")
    assert "第 0 层" in zh.layout.title.text


def test_grid_mosaic_and_click_mapping():
    cap = synthetic()
    shown = view(cap.attn, cap, merge=False, hide_sink=False)
    image = grid_mosaic(shown.weights, shown.masked, gap=2)
    assert image.dtype == np.uint8 and image.shape == (4 * 7 - 2, 2 * 7 - 2)
    assert image[0, 1] == 1  # query 0 cannot see key 1: masked
    assert image[0, 0] == 255  # query 0 sees only itself: weight 1
    assert image[5, 5] == 0  # the gap between thumbnails
    fig = attn_grid(shown, "synthetic", "en", current=(1, 2))
    markers = fig.data[1]
    for index, (layer, head) in enumerate(markers.customdata):
        assert grid_cell(index, cap.heads) == (layer, head)
    assert len(markers.x) == cap.layers * cap.heads
    assert len(fig.layout.shapes) == 1


def test_formula_figure_has_the_five_steps():
    cap = synthetic()
    f = formula(cap, 0, 0, 4)
    labels = token_labels(cap.units)
    fig = attn_formula(f, labels, "!", "zh", dims=4)
    titles = [a.text for a in fig.layout.annotations]
    assert len(titles) == 5 and titles[0].startswith("1.") and titles[4].startswith("5.")
    assert "查询“!”" in fig.layout.title.text
