"""Journey: the article's sentence on the attention page, in Chinese.

Open /attention?lang=zh, read the sentence's characters on the head view's axes,
change the layer and the head (with the inputs, then by clicking a thumbnail of the
model view), work the formula for 编程 (its query is 程, where the word is complete),
and export the head view as SVG.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.browser import AppPage

pytestmark = pytest.mark.browser

ARTICLE = "我喜欢编程和人工智能"
SVG_NS = "{http://www.w3.org/2000/svg}"
# The eager model loads on first use: from the disk cache in seconds, converted from
# its GGUF file on a fresh machine (tens of seconds, more on a busy box).
LOAD_TIMEOUT_MS = 180_000
EXPORT_TIMEOUT_MS = 90_000

# The page position of a thumbnail's click target, from Plotly's own axes.
THUMBNAIL_AT = """([layer, head]) => {
    const gd = document.querySelector('.st-key-attn_grid .js-plotly-plot');
    const markers = gd._fullData[1];
    const i = markers.customdata.findIndex(c => c[0] === layer && c[1] === head);
    const box = gd.querySelector('.nsewdrag').getBoundingClientRect();
    return {x: box.left + gd._fullLayout.xaxis.l2p(markers.x[i]),
            y: box.top + gd._fullLayout.yaxis.l2p(markers.y[i])};
}"""


def ticks(app: AppPage, axis: str) -> list[str]:
    return app.key("attn_heatmap").locator(f".{axis}tick text").all_text_contents()


def set_number(app: AppPage, key: str, value: int) -> None:
    box = app.key(key).locator("input")
    box.fill(str(value))
    box.press("Enter")
    expect(box).to_have_value(str(value))
    app.wait_idle()


def test_attention_journey(open_app) -> None:
    app = open_app()
    app.page.goto(f"{app.base_url}/attention?lang=zh")
    expect(app.key("attn_heatmap").locator(".main-svg").first).to_be_visible(
        timeout=LOAD_TIMEOUT_MS
    )
    app.wait_idle(LOAD_TIMEOUT_MS)
    app.expect_no_exception()
    expect(app.page.get_by_role("heading", name="注意力，逐步演算")).to_be_visible()
    expect(app.key("attn_text").locator("input")).to_have_value(ARTICLE)

    # The sentence's characters on both axes, each once (byte pieces merged).
    expect(app.key("attn_heatmap").locator(".ytick text")).to_have_count(len(ARTICLE))
    assert ticks(app, "y") == list(ARTICLE)
    assert ticks(app, "x") == list(ARTICLE)
    expect(app.main.get_by_text(re.compile("编 = 3 个词元"))).to_be_visible()
    app.shot("01-article-sentence")

    # Another layer and head, with the inputs.
    set_number(app, "attn_layer", 3)
    set_number(app, "attn_head", 4)
    app.expect_chart_title("attn_heatmap", "第 3 层 · 第 4 个注意力头", contains=True)
    app.expect_no_exception()

    # A thumbnail of the model view opens its head in the head view.
    grid = app.key("attn_grid")
    grid.scroll_into_view_if_needed()
    expect(grid.locator(".main-svg").first).to_be_visible()
    spot = app.page.evaluate(THUMBNAIL_AT, [5, 2])
    app.page.mouse.move(spot["x"], spot["y"])
    app.page.mouse.click(spot["x"], spot["y"])
    expect(app.key("attn_layer").locator("input")).to_have_value("5")
    expect(app.key("attn_head").locator("input")).to_have_value("2")
    app.expect_chart_title("attn_heatmap", "第 5 层 · 第 2 个注意力头", contains=True)
    app.wait_idle()
    app.shot("02-layer-5-head-2")

    # The formula for 编程: the query 程, whose row sees 编 and 程 (three pieces each).
    app.choose("attn_query", "程")
    app.wait_idle()
    app.expect_chart_title("attn_formula", "查询“程”", contains=True)
    # Step 1's table: q of 程 on top, then the keys from the start (编's pieces among them).
    expect(app.grid_cells("attn_step1", "程")).to_have_count(1)
    for piece in ("我 1/2", "编 1/3", "编 3/3"):
        expect(app.grid_cells("attn_step1", piece)).to_have_count(1)
    app.page.get_by_role("tab", name="4 · softmax").click()
    expect(app.key("attn_step4")).to_be_visible()
    expect(app.main.get_by_text(re.compile("注意力头视图中“程”那一行"))).to_be_visible()
    app.expect_no_exception()
    app.shot("03-formula-for-bian-cheng")

    # The head view as SVG: the characters and the title are text in the file.
    app.key("attn_heatmap_export_fmt").get_by_role("radio", name="SVG", exact=True).click()
    button = app.key("attn_heatmap_download").get_by_role("button")
    expect(button).to_contain_text("SVG")
    app.wait_idle()
    with app.page.expect_download(timeout=EXPORT_TIMEOUT_MS) as info:
        button.click()
    download = info.value
    assert download.failure() is None, download.failure()
    assert download.suggested_filename.endswith(".svg"), download.suggested_filename
    assert "attn_heatmap" in download.suggested_filename
    data = Path(download.path()).read_bytes()
    Path(app.artifact("attn_heatmap.svg")).write_bytes(data)
    texts = ["".join(el.itertext()) for el in ET.fromstring(data).iter(f"{SVG_NS}text")]
    assert any("第 5 层 · 第 2 个注意力头" in text for text in texts), texts[:5]
    for char in ARTICLE:
        assert char in texts, f"{char} is not on the exported axes"
    app.expect_no_exception()
    assert app.dialogs == []
