"""On a hosted site a visitor picks only the embedded model or a folder the operator
listed; locally (make run) the field is free."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.textgen.config import EMBEDDED, TextgenConfig, allowed_models, resolve_model
from planner.textgen.errors import ModelLoadError


@pytest.fixture
def hosted(tmp_path: Path) -> TextgenConfig:
    (tmp_path / "qwen-small").mkdir()
    (tmp_path / "hidden").mkdir()
    return TextgenConfig(models_dir=tmp_path, allowed_models="qwen-small, missing, ../etc, .x")


def test_the_choices_are_the_embedded_model_and_listed_folders_that_exist(hosted) -> None:
    assert allowed_models(hosted) == [EMBEDDED, "qwen-small"]


@pytest.mark.parametrize(
    "spec",
    [
        "../../etc",
        "/root",
        "/proc/self",
        "hidden",  # exists, but not listed
        "missing",  # listed, but not there
        "../etc",
        "HuggingFaceTB/SmolLM2-360M-Instruct",  # a hub id: would download
        "/usr/lib/x.gguf",
    ],
)
def test_anything_else_is_refused(hosted, spec: str) -> None:
    with pytest.raises(ModelLoadError) as info:
        resolve_model(spec, hosted)
    assert info.value.key == "gen_err_model_not_allowed"


def test_allowed_choices_resolve_to_their_folder(hosted) -> None:
    assert resolve_model("", hosted) == EMBEDDED
    assert resolve_model(EMBEDDED, hosted) == EMBEDDED
    assert resolve_model("qwen-small", hosted) == str((hosted.models_dir / "qwen-small").resolve())


def test_the_free_field_passes_what_the_local_user_typed() -> None:
    free = TextgenConfig(free_model_field=True)
    assert resolve_model("/models/mine", free) == "/models/mine"
    assert resolve_model("org/model", free) == "org/model"  # a hub id, as typed


def test_a_path_typed_two_ways_is_one_model(tmp_path: Path, monkeypatch) -> None:
    """The key of the model caches: a folder with a trailing "/", through "..", or
    relative is the same resolved model (each spelling loaded its own copy before)."""
    free = TextgenConfig(free_model_field=True)
    folder = tmp_path / "model"
    folder.mkdir()
    monkeypatch.chdir(tmp_path)
    spellings = [str(folder), f"{folder}/", f"{folder}/../model", "./model", "model/"]
    assert {resolve_model(s, free) for s in spellings} == {str(folder.resolve())}


def test_a_refusal_says_the_same_whether_the_path_exists(hosted, tmp_path: Path) -> None:
    """Nobody probes the server's files through the model field."""
    messages = []
    for spec in ("/etc", "/no/such/folder", "/etc/hostname.gguf", "/no/such.gguf"):
        with pytest.raises(ModelLoadError) as info:
            resolve_model(spec, hosted)
        messages.append((info.value.key, sorted(info.value.params)))
    assert len(set(map(str, messages))) == 1


def test_downloads_are_off_by_default() -> None:
    assert TextgenConfig().allow_download is False and TextgenConfig().free_model_field is False
