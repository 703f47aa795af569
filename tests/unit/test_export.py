"""Chart, data and report export: the content of every file, not just that it appeared."""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import threading
import time
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import plotly.graph_objects as go
import pytest

from planner import charts, export
from planner.catalog import Catalog
from planner.domain import Plan
from planner.export import browser
from planner.i18n import t
from planner.scoring import (
    MERMAID_IDS,
    node_parts,
    parse_mermaid,
    to_mermaid,
)
from tests.support.export import (
    PLAN_NAME,
    QUOTE_NAME,
    SCRIPT_NAME,
    SVG_NS,
    not_blank,
    pdf_pages_text,
    png_image,
    squash,
    svg_texts,
)

TITLE_KEYS = {
    "model_fit_chart": "chart_fit_title",
    "coverage_gaps": "chart_gaps_title",
    "bus_factor": "chart_bus_title",
    "hiring_plan": "chart_hiring_title",
    "pipeline_diagram": "chart_pipeline_title",
}


def shown_title(fig: go.Figure) -> str:
    """The title as a reader sees it (the figure holds it Plotly-escaped)."""
    return html.unescape(fig.layout.title.text)


# ---------------------------------------------------------------- PNG


def test_png_is_twice_the_layout_size_and_not_blank(export_browser, analyses) -> None:
    fig = export.build_chart(analyses["en"], "coverage_radar")
    image = png_image(export.figure_to_image(fig, "png"))
    assert image.size == (2 * export.EXPORT_WIDTH, 2 * fig.layout.height)
    assert not_blank(image)


def test_png_of_a_blank_figure_is_detected_as_blank(export_browser) -> None:
    """The blankness check can fail: an empty white figure does not pass it."""
    empty = go.Figure().update_layout(
        width=300, height=200, template="plotly_white", xaxis_visible=False, yaxis_visible=False
    )
    image = png_image(export.figure_to_image(empty, "png", scale=1))
    assert image.size == (300, 200)
    assert not not_blank(image)


# ---------------------------------------------------------------- SVG


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("chart_id", charts.CHART_IDS)
def test_svg_parses_and_shows_the_title_in_the_language(
    export_browser, analyses, chart_id: str, lang: str
) -> None:
    fig = export.build_chart(analyses[lang], chart_id)
    texts = svg_texts(export.figure_to_image(fig, "svg"))
    assert shown_title(fig) in texts
    if key := TITLE_KEYS.get(chart_id):
        assert any(t(key, lang) in text for text in texts)
    if lang == "zh":
        assert t(TITLE_KEYS.get(chart_id, "chart_fit_title"), "en") not in " ".join(texts)


def test_svg_keeps_user_names_as_text_never_markup(export_browser, analyses) -> None:
    fig = export.build_chart(analyses["en"], "coverage_heatmap")
    data = export.figure_to_image(fig, "svg")
    texts = svg_texts(data)
    assert SCRIPT_NAME in texts
    assert QUOTE_NAME in texts
    root = ET.fromstring(data)
    assert not list(root.iter(f"{SVG_NS}script"))
    assert b"<script>" not in data


def test_bus_factor_svg_names_the_single_expert_intact(export_browser, analyses) -> None:
    texts = svg_texts(
        export.figure_to_image(export.build_chart(analyses["zh"], "bus_factor"), "svg")
    )
    assert any(QUOTE_NAME in text for text in texts)


# ---------------------------------------------------------------- PDF


def test_chart_pdf_is_one_page_with_the_chinese_title(export_browser, analyses) -> None:
    fig = export.build_chart(analyses["zh"], "coverage_gaps")
    data = export.figure_to_image(fig, "pdf")
    pages = pdf_pages_text(data)
    assert len(pages) == 1
    assert t("chart_gaps_title", "zh") in pages[0]


@pytest.fixture(scope="module")
def zh_report_pdf(export_browser, analyses) -> bytes:
    return export.report_pdf(analyses["zh"], date(2026, 3, 14))


def test_report_pdf_has_a_numbered_page_per_report_figure(zh_report_pdf, analyses) -> None:
    from pypdf import PdfReader

    expected = len(export.report_figures(analyses["zh"], date(2026, 3, 14)))
    pages = pdf_pages_text(zh_report_pdf)
    assert len(pages) == expected >= 10
    for number, text in enumerate(pages, start=1):
        assert f"{number} / {expected}" in text
    # Vector pages: A4 landscape, no page is a single embedded raster image.
    reader = PdfReader(io.BytesIO(zh_report_pdf))
    for page in reader.pages:
        assert round(float(page.mediabox.width)) == 842
        assert not page.images or len(page.extract_text()) > 20


def test_report_pdf_text_is_chinese(zh_report_pdf) -> None:
    text = "\n".join(pdf_pages_text(zh_report_pdf))
    for key in (
        "export_report_title",
        "chart_gaps_title",
        "chart_fit_title",
        "chart_hiring_title",
        "export_section_team",
        "export_section_models",
    ):
        assert t(key, "zh") in text, key
    assert t("chart_gaps_title", "en") not in text
    assert "2026-03-14" in text


def test_report_pdf_keeps_names_and_plan_name_intact(zh_report_pdf) -> None:
    text = squash("".join(pdf_pages_text(zh_report_pdf)))
    assert squash(SCRIPT_NAME) in text
    assert "&lt;" not in text and "&amp;" not in text  # escaped once, never twice
    assert squash(PLAN_NAME) in text
    assert squash(QUOTE_NAME) in text


# ---------------------------------------------------------------- HTML


_NETWORK = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def _html_checks(doc: str) -> None:
    from plotly.offline import get_plotlyjs

    assert doc.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in doc
    # plotly.js is inline, once; it only holds links (to plotly.com, map tiles).
    bundle = get_plotlyjs()
    assert doc.count(bundle) == 1
    rest = doc.replace(bundle, "")
    assert not _NETWORK.search(rest), _NETWORK.search(rest)
    assert not re.search(r"<script[^>]*\bsrc\s*=", doc, re.IGNORECASE)
    assert not re.search(r"<link[^>]*\bhref\s*=", doc, re.IGNORECASE)
    assert "url(http" not in rest and "@import" not in rest
    assert doc.count("Plotly.newPlot") >= 1
    assert "<script>alert" not in doc


def test_chart_html_is_self_contained_with_the_data(analyses) -> None:
    a = analyses["zh"]
    fig = export.build_chart(a, "coverage_gaps")
    doc = export.figure_to_html(fig, "zh").decode("utf-8")
    _html_checks(doc)
    assert doc.count("Plotly.newPlot") == 1
    assert f"<title>{html.escape(shown_title(fig))}</title>" in doc
    for g in a.report.gaps():  # the data travels with the chart
        assert f"{g.gap:.2f}" in doc


def test_chart_html_keeps_user_names_as_data_never_markup(analyses) -> None:
    fig = export.build_chart(analyses["en"], "coverage_heatmap")
    doc = export.figure_to_html(fig, "en").decode("utf-8")
    _html_checks(doc)
    assert "alert('x')" in doc  # the member is in the chart's data...
    assert "<script>alert" not in doc  # ...as text, never as a tag
    assert "\\u5f20\\u4f1f" in doc  # 张伟, as plotly's JSON writes non-ASCII


def test_report_html_holds_every_section_escaped(analyses, tricky_plan: Plan) -> None:
    a = analyses["zh"]
    doc = export.report_html(a, date(2026, 3, 14)).decode("utf-8")
    _html_checks(doc)
    from planner.budget.charts import budget_section

    budget_figures = budget_section(a.plan, a.catalog, "zh", a.model).figures
    roadmap_figures = 1  # the roadmap chart
    charts_in_report = (
        len(charts.CHART_IDS) - (0 if a.steps else 1) + len(budget_figures) + roadmap_figures
    )
    assert doc.count("Plotly.newPlot") == charts_in_report
    for key in (
        "export_section_models",
        "export_section_gaps",
        "export_section_hiring",
        "export_section_pipeline",
        "export_section_team",
    ):
        assert f"<h2>{t(key, 'zh')}</h2>" in doc
    assert html.escape(PLAN_NAME) in doc and PLAN_NAME not in doc
    assert "2026-03-14" in doc
    for member in tricky_plan.team.members:  # the team table
        assert f"<td>{html.escape(member.name)}</td>" in doc
    assert html.escape(SCRIPT_NAME) in doc
    for model in a.models.values():  # the business model comparison
        assert html.escape(model.label("zh")) in doc
    assert "graph TD" in doc  # the pipeline as Mermaid text


def test_report_html_in_english_has_english_sections(analyses) -> None:
    doc = export.report_html(analyses["en"]).decode("utf-8")
    assert f"<h2>{t('export_section_team', 'en')}</h2>" in doc
    assert '<html lang="en">' in doc


def test_export_report_rejects_unknown_format_and_model(tricky_plan, catalog: Catalog) -> None:
    with pytest.raises(ValueError, match="docx"):
        export.export_report(tricky_plan, catalog, "en", "docx")
    with pytest.raises(KeyError):
        export.export_report(tricky_plan, catalog, "en", "html", model_id="nope")


# ---------------------------------------------------------------- data


def test_coverage_csv_has_a_row_per_required_skill(analyses, catalog: Catalog) -> None:
    a = analyses["zh"]
    data = export.coverage_csv(a.report, catalog, "zh")
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["skill_id"] for r in rows] == list(a.model.requirements)
    by_id = {r["skill_id"]: r for r in rows}
    devrel = by_id["market.devrel"]
    assert devrel["skill"] == catalog.skill_label("market.devrel", "zh")
    assert SCRIPT_NAME in devrel["expert_names"].split("; ")
    assert QUOTE_NAME in by_id["data.governance"]["expert_names"].split("; ")
    for r in rows:
        skill = a.report.skills[r["skill_id"]]
        assert float(r["gap"]) == pytest.approx(skill.gap, abs=1e-3)
        assert int(r["experts"]) == skill.experts


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_mermaid_parses_back_to_the_same_nodes_and_edges(analyses, lang: str) -> None:
    pipeline = analyses[lang].pipeline
    text = to_mermaid(pipeline, lang)
    nodes, edges = parse_mermaid(text)
    assert nodes == {
        MERMAID_IDS[s.id]: "\n".join(node_parts(s, lang)) for s in pipeline.stages.values()
    }
    assert edges == [(MERMAID_IDS[a], MERMAID_IDS[b]) for a, b in pipeline.edges]
    assert any(SCRIPT_NAME in label for label in nodes.values())
    assert "<script>" not in text


def test_file_names_carry_plan_and_date_and_are_safe() -> None:
    name = export.chart_filename(PLAN_NAME, "coverage_radar", "png", date(2026, 3, 14))
    assert name.endswith("-coverage_radar-2026-03-14.png")
    assert "王" in name
    assert not set('<>:"/\\|?*') & set(name)
    report = export.report_filename("con", "pdf", date(2026, 3, 14))
    assert report.endswith("-report-2026-03-14.pdf") and not report.lower().startswith("con.")


# ---------------------------------------------------------------- renderer


def test_repeated_exports_reuse_one_browser(export_browser, analyses) -> None:
    fig = export.build_chart(analyses["en"], "coverage_gaps")
    export.figure_to_image(fig, "svg")
    first = browser._RENDERER._kaleido
    export.figure_to_image(fig, "svg")
    assert first is not None and browser._RENDERER._kaleido is first


def test_sessions_exporting_at_once_get_their_own_images(export_browser, analyses) -> None:
    """Streamlit sessions are threads: each must get its own chart back, whole."""
    jobs = {
        "radar": (export.build_chart(analyses["en"], "coverage_radar"), 500, 320),
        "gaps": (export.build_chart(analyses["zh"], "coverage_gaps"), 700, 450),
        "bus": (export.build_chart(analyses["en"], "bus_factor"), 640, 380),
    }
    rounds = 3
    start = threading.Barrier(len(jobs))
    results: dict[str, list] = {name: [] for name in jobs}
    errors: list[BaseException] = []

    def session(name: str) -> None:
        fig, width, height = jobs[name]
        try:
            start.wait(timeout=30)
            for i in range(rounds):
                fmt = "svg" if i % 2 == 0 else "png"
                data = export.figure_to_image(fig, fmt, width=width, height=height, scale=1)
                results[name].append((fmt, data))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=session, args=(name,)) for name in jobs]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=180)
    assert not errors, errors
    for name, (fig, width, height) in jobs.items():
        assert len(results[name]) == rounds
        for fmt, data in results[name]:
            if fmt == "svg":
                texts = svg_texts(data)
                assert shown_title(fig) in texts
                others = [shown_title(f) for n, (f, _, _) in jobs.items() if n != name]
                assert not any(o in texts for o in others)
                root = ET.fromstring(data)
                assert (root.get("width"), root.get("height")) == (str(width), str(height))
            else:
                image = png_image(data)
                assert image.size == (width, height)
                assert not_blank(image)


def test_without_a_browser_images_say_what_to_install(monkeypatch, analyses) -> None:
    monkeypatch.setattr(browser, "find_browser", lambda: None)
    fig = export.build_chart(analyses["en"], "coverage_radar")
    with pytest.raises(export.BrowserMissing) as info:
        export.figure_to_image(fig, "png", reuse=False)
    assert "apt-get install chromium" in str(info.value)
    assert "apt-get install chromium" in info.value.message("zh")
    assert not export.browser_available()
    # HTML and data need no browser.
    assert b"Plotly.newPlot" in export.export_figure(fig, "html")


def test_unknown_image_format_is_refused(analyses) -> None:
    with pytest.raises(ValueError, match="bmp"):
        export.figure_to_image(export.build_chart(analyses["en"], "coverage_radar"), "bmp")


def test_an_idle_browser_is_closed_and_starts_again(export_browser, analyses, monkeypatch) -> None:
    monkeypatch.setattr(browser, "IDLE_CLOSE_S", 0.5)
    fig = export.build_chart(analyses["en"], "coverage_gaps")
    export.figure_to_image(fig, "svg")
    assert browser._RENDERER.running
    deadline = time.monotonic() + 10
    # Polling a condition with a deadline (the idle timer runs in its own thread).
    while browser._RENDERER.running and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not browser._RENDERER.running
    assert shown_title(fig) in svg_texts(export.figure_to_image(fig, "svg"))


# ---------------------------------------------------------------- no outside requests


def _process_tree(root: int) -> list[int]:
    """`root`'s descendants, from the parent ids in /proc/<pid>/stat."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended while we looked
            continue
        # The command name, in parentheses, may hold spaces: the parent id is the
        # second field after its closing parenthesis.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _chromium_command_line(root: int) -> list[str]:
    """The command line of the Chromium browser process under kaleido's process:
    not kaleido's Python wrapper, not a shell launcher, not a child (--type=...)."""
    lines = []
    for pid in _process_tree(root):
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")[:-1]
            exe = Path(os.readlink(f"/proc/{pid}/exe")).name
        except OSError:
            continue
        if exe.startswith("python") or exe in {"sh", "dash", "bash"}:
            continue
        if "--remote-debugging-pipe" in args and not any(a.startswith("--type=") for a in args):
            lines.append(args)
    assert len(lines) == 1, lines
    return lines[0]


# Net-log events that mean something left the browser: a DNS query, a TCP
# connection, bytes written to a socket. Without CHROMIUM_FLAGS the same check saw
# 33 DNS queries (UDP_BYTES_SENT) for update.googleapis.com and accounts.google.com
# in 12 s on this machine.
OUTBOUND_EVENTS = {
    "DNS_TRANSACTION_ATTEMPT",
    "HOST_RESOLVER_MANAGER_JOB",
    "TCP_CONNECT_ATTEMPT",
    "UDP_BYTES_SENT",
    "SOCKET_BYTES_SENT",
}
# The browser's background services start within about 3 s of start-up (measured).
OBSERVE_S = 5


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
@pytest.mark.slow  # its own browser behind a refusing proxy
def test_the_export_browser_makes_no_outside_requests(
    export_browser, analyses, monkeypatch, tmp_path: Path
) -> None:
    """The started Chromium carries every flag, as the last value of its switch, and
    its own network log shows no DNS query, connection or sent byte."""
    log = tmp_path / "netlog.json"
    # The one switch added here is the observation itself: Chromium's network log.
    monkeypatch.setattr(
        browser, "CHROMIUM_FLAGS", (*browser.CHROMIUM_FLAGS, f"--log-net-log={log}")
    )
    browser.shutdown()  # the next export starts a browser with these flags
    try:
        fig = export.build_chart(analyses["en"], "coverage_gaps")
        assert shown_title(fig) in svg_texts(export.figure_to_image(fig, "svg"))
        args = _chromium_command_line(browser._RENDERER._kaleido.subprocess.pid)
        time.sleep(OBSERVE_S)  # a window for background requests to show up
    finally:
        browser.shutdown()  # writes the log out; later tests start a browser without it

    for flag in (*browser.CHROMIUM_FLAGS, "--disable-extensions"):
        assert flag in args
        name = flag.split("=", 1)[0]
        # Chromium uses the last value of a repeated switch: nothing may override ours.
        assert [a for a in args if a.split("=", 1)[0] == name][-1] == flag

    netlog, _ = json.JSONDecoder().raw_decode(log.read_text())
    names = {code: name for name, code in netlog["constants"]["logEventTypes"].items()}
    events = [(names[e["type"]], e.get("params")) for e in netlog["events"]]
    assert events  # the log did record the browser's session
    assert [(name, params) for name, params in events if name in OUTBOUND_EVENTS] == []


@pytest.mark.parametrize(("lang", "word"), [("en", "Resilience"), ("zh", "韧性")])
def test_the_report_shows_resilience_beside_fit_with_the_same_numbers(
    analyses, lang: str, word: str
) -> None:
    from planner.numbers import percent
    from planner.scoring import (
        explain_step,
    )

    a = analyses[lang]
    doc = export.report_html(a).decode("utf-8")
    assert f"{word}: {percent(a.report.resilience)}" in doc
    # The hiring table's reasons are the coverage page's, word for word.
    first = a.steps[0]
    assert html.escape(explain_step(first, a.catalog, lang)) in doc
    # Each model's resilience sits in the comparison table.
    for model_id, value in a.resilience.items():
        assert percent(value) in doc, model_id


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_report_has_the_budget_section(analyses, lang: str) -> None:
    from planner.budget.charts import budget_section

    a = analyses[lang]
    section = budget_section(a.plan, a.catalog, lang, a.model)
    doc = export.report_html(a).decode("utf-8")
    assert f"<h2>{html.escape(section.title)}</h2>" in doc
    assert html.escape(section.note) in doc
    for row in section.kpis + section.compute:
        assert html.escape(row[next(iter(row))]) in doc


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_report_has_the_roadmap_section(analyses, lang: str) -> None:
    from planner.roadmap.section import roadmap_section

    a = analyses[lang]
    section = roadmap_section(a.plan, a.catalog, a.model, lang)
    doc = export.report_html(a).decode("utf-8")
    assert f"<h2>{html.escape(section.title)}</h2>" in doc
    assert html.escape(section.note) in doc and html.escape(section.defaults) in doc
    assert section.actions, "the sample plan has roadmap actions"
    why = t("roadmap_col_why", lang)
    for row in section.actions:  # every action with its why, escaped
        assert f"<td>{html.escape(str(row[why]))}</td>" in doc
    for row in section.compare + section.succession:
        assert f"<td>{html.escape(row[next(iter(row))])}</td>" in doc
    pages = export.report_figures(a)
    assert any(fig.layout.title.text == section.figure.layout.title.text for fig in pages), (
        "the roadmap chart is a page of the PDF"
    )
