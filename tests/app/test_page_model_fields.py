"""Every model field (generation and attention pages) goes through one resolver and the
operator's allowlist, and one bounded cache keyed by the resolved model (issue 23).

Hosted (the default), nothing a visitor puts in a model field reaches the loader but
the embedded model or an allowed folder: no path of the server (`../../etc`, `/root`,
`/proc/self`, any `.gguf`), no hub id (which would connect to the Hub), and no message
that tells an existing path from a missing one. Locally (the free field), a folder
typed with a trailing "/" is the model already loaded, not another copy.
"""

from __future__ import annotations

import gc
import sys
import weakref
from pathlib import Path

import pytest

from planner.textgen import loader, ortgenai
from planner.textgen.attention import model as attention
from planner.textgen.config import EMBEDDED, TextgenConfig
from planner.textgen.errors import ModelLoadError
from tests.support.apptest import no_exception, open_page

pytestmark = pytest.mark.model
TIMEOUT = 240
EMBEDDED_GGUF = str(loader.embedded_gguf())
HOSTILE = [
    "../../etc",
    "/root",
    "/proc/self",
    "evil-org/evil-model",
    EMBEDDED_GGUF,  # a .gguf path that exists
    "/nonexistent/model.gguf",  # and one that does not
    "/nonexistent/folder",
]


LOADERS = (
    (sys.modules[attention.EagerModelHolder.__module__], "load_eager"),
    (loader, "load_model"),
    (ortgenai, "load_onnx"),
)


@pytest.fixture
def loads(monkeypatch) -> list[str]:
    """The specs every loader was asked for, other than the embedded model (refused)."""
    asked: list[str] = []

    def refuse(spec, *_args, **_kwargs):
        asked.append(spec)
        raise ModelLoadError("gen_err_model_missing", model=spec)

    for module, name in LOADERS:
        real = getattr(module, name)

        def guarded(spec, *args, _real=real, **kwargs):
            if spec in ("", EMBEDDED):
                return _real(spec, *args, **kwargs)
            return refuse(spec)

        monkeypatch.setattr(module, name, guarded)
    return asked


@pytest.mark.parametrize("spec", HOSTILE)
@pytest.mark.parametrize(("page", "key"), [("attention", "attn_model"), ("generate", "gen_model")])
def test_a_hosted_model_field_never_loads_what_the_operator_did_not_allow(
    page, key, spec, loads, monkeypatch
):
    monkeypatch.delenv("PLANNER_TEXTGEN_FREE_MODEL_FIELD", raising=False)
    at = open_page(page, lang="en", state={key: spec}, timeout=TIMEOUT)
    no_exception(at)
    assert loads == [], f"the loader was asked for {loads}"
    # The field offers the allowed models only, and shows the built-in one.
    field = at.selectbox(key=key)
    assert field.value == EMBEDDED and field.options == ["SmolLM2-135M-Instruct (built in)"]
    # Nothing on the page names the path (an existing and a missing one look alike).
    shown = " ".join(e.value for e in at.error) + " ".join(m.value for m in at.markdown)
    assert spec not in shown


def test_a_folder_typed_with_a_trailing_slash_is_the_model_already_loaded(
    monkeypatch, tmp_path: Path
):
    """Locally (make run) the field is free; the cache is keyed by the resolved folder."""
    monkeypatch.setenv("PLANNER_TEXTGEN_FREE_MODEL_FIELD", "1")
    folder = tmp_path / "my-model"
    folder.mkdir()
    asked: list[str] = []

    def fake_load(spec, config, progress):
        asked.append(spec)
        raise ModelLoadError("gen_err_model_missing", model=spec)  # no copy to keep

    # Where the holder looks it up (the module that defines it, not a re-export).
    monkeypatch.setattr(sys.modules[attention.EagerModelHolder.__module__], "load_eager", fake_load)
    at = open_page("attention", lang="en", state={"attn_model": str(folder)}, timeout=TIMEOUT)
    for typed in (f"{folder}/", f"{folder}/../my-model", str(folder)):
        at.text_input(key="attn_model").set_value(typed).run()
        no_exception(at)
    # (The configured model's copy, started with the app, may load meanwhile.)
    assert [spec for spec in asked if spec != EMBEDDED] == [str(folder.resolve())]
    assert at.error  # the failed load is said, in words


def test_the_model_caches_are_bounded(tmp_path: Path):
    """Other models than the configured one are kept in a bounded cache: a visitor who
    tries many (locally) does not keep a full copy of each."""
    from components import resources

    config = TextgenConfig(cache_dir=tmp_path, free_model_field=True)
    alive = weakref.WeakSet()
    for i in range(resources.MAX_OTHER_MODELS + 3):
        alive.add(resources.attention_holder(str(tmp_path / f"m{i}"), config))
        alive.add(resources.model_holder(str(tmp_path / f"m{i}"), config, "transformers"))
    gc.collect()
    assert len(alive) <= 2 * resources.MAX_OTHER_MODELS


def test_the_attention_model_starts_loading_with_the_server():
    """app.py starts the configured model for both pages, from the disk cache; the
    attention page then watches that same holder."""
    from components import resources

    at = open_page("overview", lang="en", timeout=TIMEOUT)
    no_exception(at)
    started = resources.start_model_load()
    assert started is not None
    gen, attn = started
    assert attn.ready or attn.loading
    assert attn.wait(TIMEOUT) and attn.ready, attn.error
    assert resources.attention_holder(attn.spec, attn.config) is attn
    assert resources.model_holder(gen.spec, gen.config, gen.engine_name) is gen
    assert attn.model.lm.source == "cache"  # from the disk cache, not converted again
