"""The default local engine: ONNX Runtime GenAI on int8 weights (no torch at run time).

It decodes SmolLM2-135M from prebuilt wheels, measured against llama.cpp's own C++
loop in bench/textgen.py; `onnx_precision` picks int4 weights instead (faster, worse).
The model is converted once, from the GGUF's dequantized transformers folder
(planner.textgen.loader), by the model builder that ships with `onnxruntime-genai`:
int8 weights in blocks of 32 (MatMulNBits, int8 activations). int4 weights are faster
but fail the quality gate (planner.textgen.quality): the GGUF is already 4-bit, and
quantising its dequantised weights to int4 again, in other blocks, loses what the
first quantisation kept.
The result is a cache entry like the transformers one (planner.textgen.cache):
complete or absent, checked (sizes, then sha256 while the model loads) before use.

The prompt is tokenized with the model's Hugging Face tokenizer files, read without
transformers (planner.textgen.tokenizer: no torch import), so both engines see the
same ids. Decoding is ONNX Runtime GenAI's forward passes; sampling and the seed are
planner.textgen.sampling's, with a private generator per run: the same seed gives
the same text while other runs sample. Greedy text follows the fp32 engine's until
quantization flips a choice (measured in docs/generation.md).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from planner.textgen import cache
from planner.textgen.config import TextgenConfig
from planner.textgen.errors import ModelLoadError
from planner.textgen.loader import (
    Progress,
    gguf_cache_dir,
    gguf_folder,
    gguf_identity,
    gguf_path,
)
from planner.textgen.prompting import TextStream, prepare
from planner.textgen.run import GenerationRun
from planner.textgen.sampling import TokenChooser

PACKAGE = "onnxruntime-genai"
NO_TELEMETRY = "ORT_DISABLE_TELEMETRY"
PRECISION = "int8"  # the default (TextgenConfig.onnx_precision)
# The builder loads the fp32 model, writes an fp32 graph and quantizes it: about
# 45 s on 2 busy cores. A build that takes far longer is stuck.
BUILD_TIMEOUT_S = 900
# onnxruntime-genai keeps the GIL while the model runs: a 1500-token prompt read in one
# pass froze every other thread of the server (all sessions' pages) for 1.7 s. Read in
# chunks, the longest pause is one chunk's (tens of ms); the result is the same.
PREFILL_CHUNK = 64


def available() -> bool:
    """True when onnxruntime-genai is installed (checked without importing it)."""
    return importlib.util.find_spec("onnxruntime_genai") is not None


def _version() -> str:
    try:
        return importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def onnx_cache_dir(source_entry: Path, config: TextgenConfig) -> Path:
    """The ONNX entry of a transformers cache entry: its name, the runtime and precision."""
    return config.cache_dir / f"{source_entry.name}-ortgenai{_version()}-{config.onnx_precision}"


@dataclass
class OnnxModel:
    """An ONNX Runtime GenAI model and its Hugging Face tokenizer, shared by every session."""

    model: object  # onnxruntime_genai.Model
    tokenizer: object
    spec: str
    name: str
    revision: str
    source: str  # "cache" (checked entry) or "onnx" (converted now)
    load_s: float
    context_window: int
    eos_ids: tuple[int, ...]
    engine: str = "onnx"
    precision: str = PRECISION

    @property
    def has_chat_template(self) -> bool:
        return bool(getattr(self.tokenizer, "chat_template", None))

    @property
    def vocab_size(self) -> int:
        return len(self.tokenizer)


def _builder_script() -> Path:
    spec = importlib.util.find_spec("onnxruntime_genai")
    if spec is None or not spec.submodule_search_locations:
        raise ModelLoadError("gen_err_engine_missing", engine="onnx", package=PACKAGE)
    for folder in spec.submodule_search_locations:
        script = Path(folder) / "models" / "builder.py"
        if script.is_file():
            return script
    raise ModelLoadError("gen_err_engine_missing", engine="onnx", package=PACKAGE)


def build_onnx(
    source: Path, target: Path, precision: str = PRECISION, extra: tuple[str, ...] = ()
) -> dict:
    """Convert the transformers folder `source` into `target` (an empty folder).

    The builder runs in a child process: its ~1.5 GB working set (fp32 model, fp32
    graph, quantizer) is returned to the system when it ends, and its prints stay
    out of the server's log. Raises OSError with the builder's last words on failure.
    """
    work = target / ".build"
    cmd = [sys.executable, str(_builder_script()), "-i", str(source), "-o", str(target)]
    cmd += ["-p", precision, "-e", "cpu", "-c", str(work)]
    if extra:  # builder options as KEY=VALUE (the benchmark tries variants)
        cmd += ["--extra_options", *extra]
    no_telemetry()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_VERBOSITY": "error"}
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, env=env, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise OSError(f"the ONNX builder took more than {BUILD_TIMEOUT_S} s") from exc
    cache.remove(work)
    if done.returncode != 0 or not (target / "genai_config.json").is_file():
        tail = (done.stderr or done.stdout or "").strip().splitlines()[-3:]
        raise OSError(f"the ONNX builder failed ({done.returncode}): {' | '.join(tail)}")
    return {"source": source.name, "builder": f"{PACKAGE}=={_version()}", "precision": precision}


def _threads(config: TextgenConfig) -> int:
    return config.threads or os.cpu_count() or 1


def no_telemetry() -> None:
    """ONNX Runtime sends usage events to Microsoft unless told not to (7 requests
    in a model load were seen); an operator who sets the variable decides."""
    os.environ.setdefault(NO_TELEMETRY, "1")


def _open(folder: Path, config: TextgenConfig) -> tuple[object, object, dict]:
    """(model, tokenizer, genai config) from a built folder."""
    no_telemetry()
    import onnxruntime_genai as og

    from planner.textgen.tokenizer import FastTokenizer

    genai = json.loads((folder / "genai_config.json").read_text(encoding="utf-8"))
    settings = og.Config(str(folder))
    settings.clear_providers()  # CPU
    overlay = {
        "model": {"decoder": {"session_options": {"intra_op_num_threads": _threads(config)}}}
    }
    settings.overlay(json.dumps(overlay))
    model = og.Model(settings)
    tokenizer = FastTokenizer(folder)
    return model, tokenizer, genai


def _open_checked(entry: Path, config: TextgenConfig) -> tuple[object, object, dict, dict]:
    """Open a cache entry while its hashes are checked; CacheCorrupt if it is not sound."""
    (model, tokenizer, genai), manifest = cache.open_verified(
        entry, lambda folder: _open(folder, config)
    )
    return model, tokenizer, genai, manifest


def _eos(genai: dict, tokenizer: object) -> tuple[int, ...]:
    raw = genai.get("model", {}).get("eos_token_id")
    ids = [raw] if isinstance(raw, int) else list(raw or [])
    extra = getattr(tokenizer, "eos_token_id", None)
    if isinstance(extra, int) and extra not in ids:
        ids.append(extra)
    return tuple(ids)


def load_onnx(spec: str, config: TextgenConfig, progress: Progress | None = None) -> OnnxModel:
    """The ONNX model of a GGUF spec ("embedded" or a .gguf path), from its cache or built.

    ModelLoadError("gen_err_engine_unsupported") for other specs (folders, hub ids):
    the caller then uses the transformers engine.
    """
    progress = progress or (lambda *_a, **_k: None)
    started = time.perf_counter()
    spec = (spec or "").strip() or "embedded"
    if not available():
        raise ModelLoadError("gen_err_engine_missing", engine="onnx", package=PACKAGE)
    gguf = gguf_path(spec)
    if gguf is None:
        raise ModelLoadError("gen_err_engine_unsupported", engine="onnx", model=spec)
    entry = onnx_cache_dir(gguf_cache_dir(gguf, config), config)
    opened = None
    source = "cache"
    if entry.exists():
        progress("gen_load_step_onnx_cache", path=str(entry))
        try:
            opened = _open_checked(entry, config)
        except (cache.CacheCorrupt, OSError, ValueError, RuntimeError) as exc:
            progress("gen_load_step_corrupt", reason=str(exc)[:200])
            cache.remove(entry)
    if opened is None:
        try:
            folder, _, _ = gguf_folder(gguf, config, progress)
            precision = config.onnx_precision
            progress("gen_load_step_onnx_build", precision=precision)
            cache.build(entry, lambda tmp: build_onnx(folder, tmp, precision))
            progress("gen_load_step_saved", path=str(entry))
            opened = _open_checked(entry, config)
        except (OSError, cache.CacheCorrupt, RuntimeError) as exc:
            raise ModelLoadError(
                "gen_err_engine_build", engine="onnx", detail=str(exc)[:300]
            ) from exc
        source = "onnx"
    model, tokenizer, genai, manifest = opened
    gguf_meta = _gguf_meta(config, gguf)
    name, revision = gguf_identity(spec, gguf, gguf_meta)
    window = int(genai.get("model", {}).get("context_length") or 2048)
    limit = getattr(tokenizer, "model_max_length", None)
    if isinstance(limit, int) and 0 < limit < window:
        window = limit
    loaded = OnnxModel(
        model=model,
        tokenizer=tokenizer,
        spec=spec,
        name=f"{name} · ONNX {config.onnx_precision}",
        revision=f"{revision} {manifest.get('meta', {}).get('builder', PACKAGE)}",
        source=source,
        load_s=round(time.perf_counter() - started, 3),
        context_window=window,
        eos_ids=_eos(genai, tokenizer),
        precision=config.onnx_precision,
    )
    progress("gen_load_step_done", name=loaded.name, seconds=f"{loaded.load_s:.1f}")
    return loaded


def _gguf_meta(config: TextgenConfig, gguf: Path) -> dict:
    """The GGUF's sha256 as its transformers cache entry recorded it (else computed)."""
    try:
        manifest = cache.read_manifest(gguf_cache_dir(gguf, config))
        if manifest.get("meta", {}).get("gguf_sha256"):
            return manifest["meta"]
    except cache.CacheCorrupt:
        pass
    return {"gguf_sha256": cache.sha256_file(gguf)}


class OnnxBackend:
    """Streams a run token by token; checks stop, stop sequences and readers after each.

    Decoding is a loop over the model's logits: each token is chosen by
    planner.textgen.sampling (the run's own seed) and appended, which runs the next
    forward pass. Generators (key/value cache and buffers, ~12 ms to make) are kept
    for the next run and rewound, not made anew: that is a third of the time to the
    first token.
    """

    name = "local"
    engine = "onnx"
    KEEP_GENERATORS = 4

    def __init__(self, lm: OnnxModel) -> None:
        self.lm = lm
        self.model_name = lm.name
        self.model_spec = lm.spec
        self.revision = lm.revision
        self.precision = lm.precision
        self._idle: list[object] = []
        self._lock = threading.Lock()
        self._put_back(self._new_generator())  # the first run need not make one

    def _new_generator(self) -> object:
        import onnxruntime_genai as og

        params = og.GeneratorParams(self.lm.model)
        # Room for the whole context; without a shared buffer the key/value cache grows
        # with the text instead of being allocated for 8192 tokens up front.
        params.set_search_options(
            max_length=self.lm.context_window, do_sample=False, past_present_share_buffer=False
        )
        return og.Generator(self.lm.model, params)

    def _take(self) -> object:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return self._new_generator()

    def _put_back(self, generator: object) -> None:
        generator.rewind_to(0)
        with self._lock:
            if len(self._idle) < self.KEEP_GENERATORS:
                self._idle.append(generator)

    def generate(self, run: GenerationRun) -> str:
        settings = run.request.settings
        prepared = prepare(self.lm, run.request)
        if prepared.dropped:
            run.note("gen_note_truncated", dropped=prepared.dropped, kept=len(prepared.ids))
        run.set_prompt_tokens(len(prepared.ids))
        stream = TextStream(self.lm.tokenizer, run, settings.stop)
        generator = self._take()
        try:
            reason = self._decode(generator, run, prepared.ids, stream)
        finally:
            stream.end()
        self._put_back(generator)  # not after an error: its state is unknown
        return reason

    def _decode(
        self, generator: object, run: GenerationRun, ids: list[int], stream: TextStream
    ) -> str:
        """Read the prompt, then choose and stream tokens; the finish reason."""
        settings = run.request.settings
        for start in range(0, len(ids), PREFILL_CHUNK):
            if run.should_stop():
                return "stopped"
            generator.append_tokens([ids[start : start + PREFILL_CHUNK]])
        chooser = TokenChooser(settings, ids)
        for step in range(settings.max_new_tokens):
            if step and run.should_stop():
                return "stopped"
            token = chooser.choose(generator.get_logits()[0, -1])
            chooser.add(token)
            stream.add([token])
            if token in self.lm.eos_ids:
                return "eos"
            if stream.filter.hit:
                return "stop_sequence"
            if step + 1 < settings.max_new_tokens:
                generator.append_tokens([[token]])
        return "length"
