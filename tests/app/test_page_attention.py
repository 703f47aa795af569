"""AppTest of the attention page, both languages, driven by widget keys.

The eager model lives in st.cache_resource for this test process: the first test
loads it (from the disk cache when warm), the others reuse it.
"""

from __future__ import annotations

import base64
import itertools

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apptest import chart_spec, no_exception, open_page

pytestmark = pytest.mark.model
TIMEOUT = 240
ARTICLE = "我喜欢编程和人工智能"


def page(lang: str = "en", state: dict | None = None) -> AppTest:
    return open_page("attention", lang=lang, state=state, timeout=TIMEOUT)


def heatmap(at: AppTest) -> dict:
    return chart_spec(at, "attn_heatmap")


def weights(spec: dict) -> np.ndarray:
    """The head view's z: Plotly sends numpy arrays as base64 typed arrays."""
    z = spec["data"][0]["z"]
    if isinstance(z, dict):
        flat = np.frombuffer(base64.b64decode(z["bdata"]), dtype=np.dtype(z["dtype"]))
        return flat.reshape([int(n) for n in str(z["shape"]).split(",")]).astype(float)
    return np.array([[np.nan if v is None else v for v in row] for row in z], dtype=float)


@pytest.mark.parametrize(
    ("lang", "title", "ticks"),
    [
        ("zh", "注意力，逐步演算", list(ARTICLE)),
        (
            "en",
            "Attention, step by step",
            ["I", "␣like", "␣programming", "␣and", "␣artificial", "␣intelligence"],
        ),
    ],
)
def test_the_article_sentence_in_both_languages(lang, title, ticks):
    at = page(lang)
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == title
    assert at.text_input(key="attn_text").value == (
        ARTICLE
        if lang == "zh"
        else " ".join(["I", "like", "programming", "and", "artificial", "intelligence"])
    )
    spec = heatmap(at)
    assert spec["layout"]["xaxis"]["ticktext"] == ticks
    assert spec["layout"]["yaxis"]["ticktext"] == ticks
    w = weights(spec)
    np.testing.assert_allclose(np.nansum(w, axis=1), 1.0, atol=1e-4)
    assert np.isnan(w[0, 1:]).all()  # the causal mask: the first token sees only itself
    for key in ("attn_grid", "attn_formula"):
        assert chart_spec(at, key)["data"]
    # Each chart has the usual export controls.
    for key in ("attn_heatmap", "attn_grid", "attn_formula"):
        assert at.get_by_key(f"{key}_export_fmt") is not None
    captions = " ".join(c.value for c in at.caption)
    if lang == "zh":
        assert "编 = 3 个词元" in captions and "22 个词元" in captions
    else:
        assert "single token" in captions


def test_layer_head_merge_and_sink_change_the_head_view():
    at = page("zh")
    at.number_input(key="attn_layer").set_value(3).run()
    at.number_input(key="attn_head").set_value(4).run()
    no_exception(at)
    spec = heatmap(at)
    title = spec["layout"]["title"]["text"]
    assert "第 3 层 · 第 4 个注意力头" in title and "3, 5" in title  # kv head shared with 3, 5
    grid = chart_spec(at, "attn_grid")
    assert len(grid["layout"]["shapes"]) == 1  # the outlined thumbnail

    at.toggle(key="attn_merge").set_value(False).run()
    spec = heatmap(at)
    assert len(spec["layout"]["yaxis"]["ticktext"]) == 22
    assert spec["layout"]["yaxis"]["ticktext"][:2] == ["我 1/2", "我 2/2"]

    at.toggle(key="attn_sink").set_value(True).run()
    spec = heatmap(at)
    assert len(spec["layout"]["yaxis"]["ticktext"]) == 21
    np.testing.assert_allclose(np.nansum(weights(spec), axis=1), 1.0, atol=1e-4)
    assert any("汇聚点" in c.value for c in at.caption)


def test_the_formula_for_a_query_equals_the_head_view_row():
    at = page("zh")
    at.number_input(key="attn_layer").set_value(7).run()
    options = at.selectbox(key="attn_query").options
    assert options == list(ARTICLE)
    # Options are query tokens: a character's last piece (程 is tokens 11-13).
    at.selectbox(key="attn_query").set_value(13).run()
    no_exception(at)
    step4 = at.get_by_key("attn_step4").dataframe[0].value
    row = weights(heatmap(at))[ARTICLE.index("程")]
    # The merged row: keys 我(2) 喜(3) 欢(3) 编(3) 程(3) tokens, summed per character.
    sizes = [2, 3, 3, 3, 3]
    bounds = np.cumsum([0, *sizes])
    per_char = [step4.iloc[a:b, 1].sum() for a, b in itertools.pairwise(bounds)]
    np.testing.assert_allclose(per_char, row[:5], atol=1e-4)
    assert "程" in chart_spec(at, "attn_formula")["layout"]["title"]["text"]
    text = " ".join(m.value for m in at.markdown)
    assert "QKᵀ" in text and "softmax" in text and "√64" in text


@pytest.mark.parametrize(
    ("text", "message"),
    [("我喜欢编程和人工智能" * 4, "最多显示 64 个"), ("   ", "请输入文本")],
)
def test_long_or_empty_text_is_refused_with_a_message(text, message):
    at = page("zh")
    at.text_input(key="attn_text").set_value(text).run()
    no_exception(at)
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
    assert not at.get("plotly_chart")


def test_language_switch_follows_with_the_default_sentence():
    at = page("en")
    at.segmented_control(key="lang").set_value("zh").run()
    no_exception(at)
    assert at.text_input(key="attn_text").value == ARTICLE
    assert heatmap(at)["layout"]["xaxis"]["ticktext"] == list(ARTICLE)


def test_remote_backend_says_attention_needs_a_local_model(monkeypatch):
    monkeypatch.setenv("PLANNER_TEXTGEN_REMOTE_URL", "http://127.0.0.1:9")
    at = page("en", state={"gen_backend": "remote"})
    no_exception(at)
    assert "needs a local model" in at.info[0].value
    assert not at.get("plotly_chart")
    assert "attn_model" not in [w.key for w in at.text_input]  # nothing to load


def test_a_missing_model_folder_is_reported(monkeypatch):
    """Locally (make run), where the model field is free; hosted, the field offers only
    the allowed models (tests/app/test_page_model_fields.py)."""
    monkeypatch.setenv("PLANNER_TEXTGEN_FREE_MODEL_FIELD", "1")
    at = page("en", state={"attn_model": "/nonexistent/model-folder"})
    no_exception(at)
    assert at.error, "a missing model must be reported"
    assert not at.get("plotly_chart")


def test_choices_survive_a_visit_to_another_page():
    at = page("zh")
    at.text_input(key="attn_text").set_value("我喜欢人工智能").run()
    at.number_input(key="attn_layer").set_value(9).run()
    at.switch_page("pages/coverage.py").run()
    at.switch_page("pages/attention.py").run()
    no_exception(at)
    assert at.text_input(key="attn_text").value == "我喜欢人工智能"
    assert at.number_input(key="attn_layer").value == 9
    assert heatmap(at)["layout"]["xaxis"]["ticktext"] == list("我喜欢人工智能")
