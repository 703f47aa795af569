"""Text-generation benchmark: local engine candidates side by side, against llama.cpp.

One model (the embedded SmolLM2-135M-Instruct GGUF), one prompt, greedy decoding,
the same prompt ids for every candidate, the same number of threads. Each candidate
runs in its own worker process (its memory is its own, and a candidate whose package
is missing or fails says why in one line); the workers take turns, round after
round, so all see the same machine load. Prints:

- the default engine's cold load (GGUF -> transformers folder -> ONNX, into a fresh
  cache folder) and warm load (the checked cache);
- a speed table: tokens/s (prompt included) and decode tokens/s (after the first
  token), time to first token (medians), the ratio to llama.cpp's own C++ decode
  speed (`llama-bench`, built from the sources the pinned llama-cpp-python vendors:
  bench/llamacpp.py), peak memory, conversion time;
- the quality gate (planner.textgen.quality): every candidate's perplexity on
  bench/quality-text.md (a snapshot of the README, ~3,100 tokens), its top-1 agreement
  and mean KL against the GGUF's weights run in fp32, beside its tokens/s; a candidate
  may be the default only if its perplexity is within 3 % of fp32's and its agreement
  at least 90 %; then the fastest candidate that passes;
- the engine (planner.textgen: streamed, stoppable) against its runtime's plain loop;
- just before the last line, `default engine perplexity vs fp32: +X.X %`, and last,
  `local engine / llama.cpp tokens/s ratio: X.XX` (the engine's decode speed over
  llama-bench's, measured side by side in this run).

    .venv/bin/python -m bench.textgen [--quick] [--tokens 96] [--reps 5] [--only a,b]
        [--python openvino-int8=/path/to/python] [--no-cold]

`--quick` runs the default engine, the references (llama.cpp in C++ and in Python,
fp32 for the gate) and the gate only, from the app's warm cache (`make warm`): under
5 minutes on the 2-core machine. Candidates whose packages are not in this
interpreter can run under another one (`--python NAME=PATH`), e.g. OpenVINO through
optimum-intel, which pins an older transformers than the app's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as planner.textgen sets it

QUALITY_TEXT = Path(__file__).resolve().parent / "quality-text.md"
PROMPT = "Write a short job description for a machine learning engineer at an AI startup."
EOS = 2  # <|im_end|> of SmolLM2-Instruct
ENGINE = "engine"
REFERENCE = "llama.cpp"
BASELINE = "transformers-fp32"
DEFAULT_BUILD = "onnxruntime-genai-int8"  # the app's default (ortgenai.PRECISION)
CANDIDATES = (
    BASELINE,
    "transformers-int8",
    "torch-compile-static",
    "openvino-int8",
    "onnxruntime-genai-int4",
    "onnxruntime-genai-int4-head-int8",
    "onnxruntime-genai-int4-kquant-mixed",
    "onnxruntime-genai-int4-block16",
    DEFAULT_BUILD,
    "ctranslate2-int8",
    REFERENCE,
    ENGINE,
)
# --quick: the default engine and its runtime's plain loop, llama.cpp (Python loop; the
# C++ figure is always measured), and the gate against fp32.
QUICK = (DEFAULT_BUILD, REFERENCE, ENGINE)
# ONNX Runtime GenAI builds: precision and builder options (onnxruntime-genai 0.18).
# accuracy_level 4 (the CPU default) quantizes activations to int8 for the matmuls; 1
# keeps them fp32 (measured once: 2.8 tokens/s; not in the default list, `--only` runs
# it). The int4 variants try to keep what int4 loses: the output head in int8, the
# k-quant method with llama.cpp's mixed layers in int8, smaller blocks.
ORT_BUILDS = {
    "onnxruntime-genai-int4": ("int4", ()),
    "onnxruntime-genai-int4-head-int8": ("int4", ("matmul_mixed_precision=last_matmul:int8",)),
    "onnxruntime-genai-int4-kquant-mixed": (
        "int4",
        ("algo_config=k_quant", "matmul_mixed_precision=last_matmul:int8,mixed_layers:int8"),
    ),
    "onnxruntime-genai-int4-block16": ("int4", ("block_size=16",)),
    DEFAULT_BUILD: ("int8", ()),
    "onnxruntime-genai-int8-fp32act": ("int8", ("accuracy_level=1",)),
}
# Why a candidate cannot be the default even when it runs (checked by hand, see docs).
NOT_ELIGIBLE = {
    "torch-compile-static": "compiles C++ at run time (inductor needs a compiler)",
    "openvino-int8": "optimum-intel 2.2 pins transformers<5.6 (the app runs 5.24)",
    "ctranslate2-int8": "one process-wide sampling seed (no per-run seed)",
    REFERENCE: "no prebuilt wheel: compiles llama.cpp (~3.5 min)",
}


# ---------------------------------------------------------------- worker side


def _peak_mb() -> float:
    """Peak resident memory of this process (VmHWM; ru_maxrss survives exec from the parent)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _FirstToken:
    """A transformers streamer that notes when the first new token arrives."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.first: float | None = None
        self._prompt = True

    def put(self, value: object) -> None:
        if self._prompt:
            self._prompt = False
        elif self.first is None:
            self.first = time.perf_counter() - self.start

    def end(self) -> None:
        pass


def _transformers(kind: str, hf: Path, threads: int):
    import torch

    torch.set_num_threads(threads)
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(hf, dtype="float32").eval()
    if kind == "transformers-int8":
        model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    if kind == "torch-compile-static":
        model.generation_config.cache_implementation = "static"
        model.forward = torch.compile(model.forward, mode="reduce-overhead", fullgraph=True)

    def run(ids: list[int], tokens: int, force: bool) -> tuple[list[int], float]:
        streamer = _FirstToken()
        input_ids = torch.tensor([ids])
        with torch.inference_mode():
            out = model.generate(
                input_ids=input_ids,
                attention_mask=torch.ones_like(input_ids),
                max_new_tokens=tokens,
                min_new_tokens=tokens if force else 0,
                do_sample=False,
                pad_token_id=EOS,
                streamer=streamer,
            )
        return out[0, len(ids) :].tolist(), streamer.first or 0.0

    return run


def _openvino(hf: Path, cache: Path, threads: int):
    from optimum.intel import OVModelForCausalLM

    folder = cache / "openvino-int8"
    model = OVModelForCausalLM.from_pretrained(
        folder, ov_config={"INFERENCE_NUM_THREADS": str(threads), "CACHE_DIR": ""}
    )

    def run(ids: list[int], tokens: int, force: bool) -> tuple[list[int], float]:
        import torch

        streamer = _FirstToken()
        input_ids = torch.tensor([ids])
        out = model.generate(
            input_ids=input_ids,
            attention_mask=torch.ones_like(input_ids),
            max_new_tokens=tokens,
            min_new_tokens=tokens if force else 0,
            do_sample=False,
            pad_token_id=EOS,
            streamer=streamer,
        )
        return out[0, len(ids) :].tolist(), streamer.first or 0.0

    return run


def _ortgenai(folder: Path, threads: int):
    import onnxruntime_genai as og

    settings = og.Config(str(folder))
    settings.clear_providers()
    options = {"intra_op_num_threads": threads}
    settings.overlay(json.dumps({"model": {"decoder": {"session_options": options}}}))
    model = og.Model(settings)

    def run(ids: list[int], tokens: int, force: bool) -> tuple[list[int], float]:
        start = time.perf_counter()
        params = og.GeneratorParams(model)
        length = len(ids) + tokens
        params.set_search_options(
            max_length=length, min_length=length if force else 0, do_sample=False
        )
        generator = og.Generator(model, params)
        generator.append_tokens([ids])
        out, first = [], 0.0
        while not generator.is_done():
            generator.generate_next_token()
            out.append(int(generator.get_next_tokens()[0]))
            first = first or time.perf_counter() - start
        return out, first

    return run


def _ctranslate2(cache: Path, threads: int, vocab: list[str]):
    import ctranslate2

    generator = ctranslate2.Generator(
        str(cache / "ctranslate2-int8"), device="cpu", compute_type="int8", intra_threads=threads
    )

    def run(ids: list[int], tokens: int, force: bool) -> tuple[list[int], float]:
        start = time.perf_counter()
        out, first = [], 0.0
        steps = generator.generate_tokens(
            [vocab[i] for i in ids],
            max_length=tokens,
            sampling_topk=1,
            end_token=[] if force else None,
        )
        for step in steps:
            out.append(step.token_id)
            first = first or time.perf_counter() - start
        return out, first

    return run


def _llama(gguf: Path, threads: int):
    from llama_cpp import Llama

    llm = Llama(str(gguf), n_ctx=2048, n_threads=threads, n_threads_batch=threads, verbose=False)

    def run(ids: list[int], tokens: int, force: bool) -> tuple[list[int], float]:
        # Forget the last prompt: llama-cpp-python would reuse the key/value cache of a
        # shared prefix, and every candidate here evaluates its prompt in full.
        llm.reset()
        start = time.perf_counter()
        out, first = [], 0.0
        for token in llm.generate(ids, top_k=1, temp=0.0, repeat_penalty=1.0, reset=True):
            out.append(int(token))
            first = first or time.perf_counter() - start
            if len(out) >= tokens or (token == EOS and not force):
                break
        return out, first

    return run


def app_config(threads: int = 0):
    """The app's default configuration on its own disk cache (`make warm` fills it)."""
    from planner.textgen.config import TextgenConfig, load_config

    return TextgenConfig(cache_dir=load_config().cache_dir, threads=threads)


def ort_folder(name: str, cache: Path) -> Path:
    """Where an ONNX Runtime GenAI candidate's model is: the default build is the app's
    own cache entry (what the app runs), the others are built in the bench cache."""
    if name != DEFAULT_BUILD:
        return cache / name
    from planner.textgen.loader import embedded_gguf, gguf_cache_dir
    from planner.textgen.ortgenai import onnx_cache_dir

    config = app_config()
    return onnx_cache_dir(gguf_cache_dir(embedded_gguf(), config), config)


def _engine(threads: int):
    """The app's default local engine, through planner.textgen (streamed, stoppable)."""
    from planner.textgen.ortgenai import OnnxBackend, load_onnx
    from planner.textgen.run import Engine, SlotPool
    from planner.textgen.settings import GenRequest, GenSettings

    lm = load_onnx("embedded", app_config(threads))
    engine = Engine(OnnxBackend(lm), SlotPool(1), max_new_tokens_cap=4096)

    def run(text: str, mode: str, tokens: int) -> tuple[int, float, float]:
        settings = GenSettings(max_new_tokens=tokens, temperature=0, repetition_penalty=1.0)
        done = engine.generate(GenRequest(text, mode, settings=settings), timeout=600)
        if done.error is not None:
            raise done.error
        m = done.metrics
        return m.tokens, m.total_s, m.ttft_s or 0.0

    return run


def worker(name: str, hf: Path, gguf: Path, cache: Path, threads: int) -> None:
    """Serve one candidate: a JSON command per stdin line, a JSON answer per line."""
    out = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # libraries that print must not corrupt the protocol
    started = time.perf_counter()
    try:
        if name == ENGINE:
            runner = _engine(threads)
        elif name.startswith("transformers") or name.startswith("torch"):
            runner = _transformers(name, hf, threads)
        elif name == "openvino-int8":
            runner = _openvino(hf, cache, threads)
        elif name.startswith("onnxruntime-genai"):
            runner = _ortgenai(ort_folder(name, cache), threads)
        elif name == "ctranslate2-int8":
            vocab = json.loads((cache / name / "vocabulary.json").read_text(encoding="utf-8"))
            runner = _ctranslate2(cache, threads, vocab)
        elif name == REFERENCE:
            runner = _llama(gguf, threads)
        else:
            raise ValueError(f"unknown candidate {name}")
    except Exception as exc:
        out.write(json.dumps({"error": f"{type(exc).__name__}: {str(exc)[:160]}"}) + "\n")
        return
    out.write(json.dumps({"load_s": time.perf_counter() - started, "rss_mb": _peak_mb()}) + "\n")
    for line in sys.stdin:
        cmd = json.loads(line)
        try:
            if name == ENGINE:
                count, total, ttft = runner(cmd["text"], cmd["mode"], cmd["tokens"])
                ids = None
            else:
                start = time.perf_counter()
                ids, ttft = runner(cmd["ids"], cmd["tokens"], cmd["force"])
                count, total = len(ids), time.perf_counter() - start
            # Decode speed: the tokens after the first, over the time after it (what
            # llama-bench's text-generation test measures).
            decode = (count - 1) / (total - ttft) if count > 1 and total > ttft else 0.0
            answer = {"tokens": count, "tps": count / total, "dtps": decode, "ttft": ttft}
            answer["ids"] = ids
        except Exception as exc:
            answer = {"error": f"{type(exc).__name__}: {str(exc)[:160]}"}
        answer["rss_mb"] = _peak_mb()
        out.write(json.dumps(answer) + "\n")


# ---------------------------------------------------------------- conversions


def _hf_copy_for_old_transformers(hf: Path, target: Path) -> Path:
    """transformers < 5.6 reads rope_theta at the top level of config.json."""
    if not target.exists():
        shutil.copytree(hf, target, ignore=shutil.ignore_patterns("manifest.json"))
        config = json.loads((target / "config.json").read_text())
        config.setdefault("rope_theta", config.get("rope_parameters", {}).get("rope_theta"))
        (target / "config.json").write_text(json.dumps(config, indent=1))
    return target


def convert(name: str, hf: Path, cache: Path) -> str | None:
    """Build the candidate's model in the bench cache (once); a reason if it cannot."""
    target = cache / name
    if name == DEFAULT_BUILD:
        target = ort_folder(name, cache)
    if target.exists() or name in (BASELINE, "transformers-int8", "torch-compile-static"):
        return None
    if name in (REFERENCE, ENGINE):
        return None
    if name == DEFAULT_BUILD:  # the app's own entry, checked (or built) as the app does
        from planner.textgen.ortgenai import load_onnx

        load_onnx("embedded", app_config())
        return None
    tmp = cache / f".tmp-{name}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        if name.startswith("onnxruntime-genai"):
            from planner.textgen.ortgenai import build_onnx

            tmp.mkdir(parents=True)
            precision, extra = ORT_BUILDS[name]
            build_onnx(hf, tmp, precision=precision, extra=extra)
        elif name == "ctranslate2-int8":
            from ctranslate2.converters import TransformersConverter

            TransformersConverter(str(hf), low_cpu_mem_usage=True).convert(
                str(tmp), quantization="int8"
            )
        elif name == "openvino-int8":
            return "converted by its own interpreter (see --python)"
        tmp.rename(target)
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc)[:160]}"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return None


OPENVINO_EXPORT = """
import sys
from pathlib import Path
from optimum.intel import OVModelForCausalLM, OVWeightQuantizationConfig
src, dst = Path(sys.argv[1]), Path(sys.argv[2])
model = OVModelForCausalLM.from_pretrained(
    src, export=True, quantization_config=OVWeightQuantizationConfig(bits=8), compile=False
)
model.save_pretrained(dst)
"""


def convert_openvino(python: str, hf: Path, cache: Path) -> str | None:
    target = cache / "openvino-int8"
    if target.exists():
        return None
    src = _hf_copy_for_old_transformers(hf, cache / "hf-rope-theta")
    tmp = cache / ".tmp-openvino-int8"
    done = subprocess.run(
        [python, "-c", OPENVINO_EXPORT, str(src), str(tmp)], capture_output=True, text=True
    )
    if done.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        return done.stderr.strip().splitlines()[-1][:160] if done.stderr.strip() else "failed"
    tmp.rename(target)
    return None


# ---------------------------------------------------------------- main side


class Worker:
    def __init__(self, name: str, python: str, args: list[str]) -> None:
        self.name = name
        self.error: str | None = None
        self.info: dict = {}
        cmd = [python, "-m", "bench.textgen", "--worker", name, *args]
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
        )
        line = self.proc.stdout.readline()
        self.info = json.loads(line) if line else {"error": "worker died while loading"}
        self.error = self.info.get("error")

    def ask(self, **cmd: object) -> dict:
        if self.error:
            return {"error": self.error}
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            self.error = f"worker exited ({self.proc.wait()})"
            return {"error": self.error}
        answer = json.loads(line)
        self.info["rss_mb"] = max(self.info.get("rss_mb", 0), answer.get("rss_mb", 0))
        return answer

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def _chat_ids(tokenizer: object, text: str) -> list[int]:
    return tokenizer.apply_chat_template(
        [{"role": "user", "content": text}], add_generation_prompt=True, tokenize=True
    )


def _cold_warm(threads: int) -> None:
    from planner.textgen.config import TextgenConfig
    from planner.textgen.ortgenai import load_onnx

    with tempfile.TemporaryDirectory(prefix="textgen-bench-") as tmp:
        config = TextgenConfig(cache_dir=Path(tmp), threads=threads)
        steps: list[tuple[str, float]] = []
        t0 = time.perf_counter()
        cold = load_onnx(
            "embedded", config, lambda key, **_: steps.append((key, time.perf_counter() - t0))
        )
        marks = ", ".join(f"{key.removeprefix('gen_load_step_')} at {t:.1f} s" for key, t in steps)
        what = "GGUF -> dequantize -> ONNX int4 build -> cache"
        print(f"cold load ({what}): {cold.load_s:.2f} s ({marks})")
        del cold
        warm = load_onnx("embedded", config)
        print(f"warm load (ONNX int4 from the sha256-checked cache): {warm.load_s:.2f} s")


def under_load(runs: int, tokens: int, threads: int) -> None:
    """`runs` generations submitted at once to the default engine, as sessions would.

    For each pool size (1: the default on 2 cores; 2; `runs`): aggregate tokens/s, each
    run's wait in the queue and time to first token, the queue positions seen, and how
    late a 5 ms timer in another thread fires meanwhile (a Streamlit script thread of
    another session: does a run hold the interpreter?).
    """
    from planner.textgen.config import TextgenConfig, load_config
    from planner.textgen.ortgenai import OnnxBackend, load_onnx
    from planner.textgen.run import Engine, SlotPool
    from planner.textgen.settings import GenRequest, GenSettings

    cache = load_config(env={}).cache_dir
    lm = load_onnx("embedded", TextgenConfig(cache_dir=cache, threads=threads))
    settings = GenSettings(max_new_tokens=tokens, temperature=0, repetition_penalty=1.0)
    request = GenRequest(PROMPT, "chat", settings=settings)
    print(f"under load: {runs} generations at once, {tokens} tokens each, {threads} threads")

    def timer(stop: threading.Event, late: list[float]) -> None:
        while not stop.is_set():
            due = time.perf_counter() + 0.005
            time.sleep(0.005)
            late.append(time.perf_counter() - due)

    for size in sorted({1, 2, runs}):
        engine = Engine(OnnxBackend(lm), SlotPool(size, max_queue=16), max_new_tokens_cap=4096)
        late: list[float] = []
        stop = threading.Event()
        watcher = threading.Thread(target=timer, args=(stop, late), daemon=True)
        watcher.start()
        start = time.perf_counter()
        handles = [engine.submit(request) for _ in range(runs)]
        positions = sorted({h.queue_position() for h in handles})
        for h in handles:
            h.wait(600)
        wall = time.perf_counter() - start
        stop.set()
        watcher.join()
        total = sum(h.metrics.tokens for h in handles)
        queued = ", ".join(f"{h.metrics.queued_s:.1f}" for h in handles)
        ttfts = ", ".join(f"{h.metrics.ttft_s:.2f}" for h in handles)
        rates = ", ".join(f"{h.metrics.tokens_per_s:.0f}" for h in handles)
        late.sort()
        p99 = late[int(len(late) * 0.99)] * 1000 if late else 0.0
        print(
            f"  pool of {size}: {total / wall:.1f} tokens/s in all"
            f" ({total} tokens in {wall:.1f} s);"
            f" per run tokens/s [{rates}]; queued s [{queued}]; ttft s [{ttfts}];"
            f" queue positions at submit {positions}; a 5 ms timer elsewhere was late by"
            f" {statistics.median(late) * 1000:.1f} ms (median), {p99:.1f} ms (p99)"
        )


def _llama_window_logits(gguf: Path, threads: int):
    """llama.cpp's logits at every position of a window (the shipped Q4_1 file, as is)."""
    import numpy as np
    from llama_cpp import Llama

    from planner.textgen.quality import WINDOW

    llm = Llama(
        str(gguf),
        n_ctx=WINDOW + 8,
        n_batch=WINDOW,
        n_threads=threads,
        n_threads_batch=threads,
        logits_all=True,
        verbose=False,
    )

    def run(ids: list[int]) -> np.ndarray:
        llm.reset()
        llm.eval(ids)
        return np.array(llm.scores[: len(ids)], dtype=np.float32)

    return run


def quality_gate(names: list[str], hf: Path, gguf: Path, cache: Path, threads: int):
    """(fp32 tally, {name: GateResult or why it was not measured}) on the fixed text."""
    import torch
    from transformers import AutoModelForCausalLM

    from planner.textgen import quality
    from planner.textgen.ortgenai import _open
    from planner.textgen.tokenizer import FastTokenizer

    torch.set_num_threads(threads)
    text = QUALITY_TEXT.read_text(encoding="utf-8")
    ids = FastTokenizer(hf)(text, add_special_tokens=False)["input_ids"]
    fp32 = AutoModelForCausalLM.from_pretrained(hf, dtype="float32").eval()
    engines, skipped = {}, {}
    for name in names:
        try:
            if name.startswith("onnxruntime-genai") and ort_folder(name, cache).is_dir():
                model, _, _ = _open(ort_folder(name, cache), app_config(threads))
                holder = type("OrtModel", (), {"model": model})
                engines[name] = quality.onnx_window_logits(holder, chunk=quality.WINDOW)
            elif name == REFERENCE:
                engines[name] = _llama_window_logits(gguf, threads)
            elif name == "transformers-int8":
                int8 = torch.ao.quantization.quantize_dynamic(
                    AutoModelForCausalLM.from_pretrained(hf, dtype="float32").eval(),
                    {torch.nn.Linear},
                    dtype=torch.qint8,
                )
                engines[name] = quality.fp32_window_logits(type("Lm", (), {"model": int8}))
        except Exception as exc:  # a missing package or a model that will not open
            skipped[name] = f"{type(exc).__name__}: {str(exc)[:120]}"
    reference = quality.fp32_window_logits(type("Lm", (), {"model": fp32}))
    tally, results = quality.measure(ids, reference, engines)
    return tally, {**results, **skipped}


def _speed_rounds(live: list, ids: list[int], tokens: int, reps: int) -> dict[str, list[dict]]:
    """Each live worker's answers, round after round, turns rotated."""
    for w in live:  # warm-up (torch.compile compiles here)
        w.ask(ids=ids, text=PROMPT, mode="chat", tokens=8, force=True)
    answers: dict[str, list[dict]] = {w.name: [] for w in live}
    for rnd in range(reps):
        order = live[rnd % len(live) :] + live[: rnd % len(live)] if live else []
        for w in order:
            a = w.ask(ids=ids, text=PROMPT, mode="chat", tokens=tokens, force=True)
            if "error" not in a:
                answers[w.name].append(a)
    return answers


def _median(answers: list[dict], key: str) -> float | None:
    return statistics.median(a[key] for a in answers) if answers else None


def _llama_cpp_reference(cache: Path, gguf: Path, args) -> tuple[dict | None, str]:
    """llama-bench's decode speed (built on first use), or None and why not."""
    try:
        from bench import llamacpp

        started = time.perf_counter()
        binary = llamacpp.build(cache, wait=not args.no_build_wait)
        built = time.perf_counter() - started
        result = llamacpp.decode_speed(binary, gguf, args.tokens, args.threads, args.reps)
        note = f"llama-bench {result['build']}" + (f", built in {built:.0f} s" if built > 5 else "")
        return result, note
    except Exception as exc:
        return None, f"{type(exc).__name__}: {str(exc)[:200]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="default engine, references, gate")
    parser.add_argument("--tokens", type=int, default=96)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--threads", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--only", default="", help="comma-separated candidate names")
    parser.add_argument("--python", action="append", default=[], metavar="NAME=PATH")
    parser.add_argument("--cache", type=Path, default=ROOT / "var" / "bench-cache")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold-load measurement")
    parser.add_argument(
        "--no-build-wait",
        action="store_true",
        help="skip llama-bench if another process is building it (else wait for it)",
    )
    parser.add_argument("--load", type=int, default=0, metavar="N", help="only: N runs at once")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--hf", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--gguf", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.hf, args.gguf, args.cache, args.threads)
        return
    if args.load:
        under_load(args.load, args.tokens, args.threads)
        return

    from planner.textgen.loader import embedded_gguf, gguf_folder
    from planner.textgen.quality import MAX_PERPLEXITY_RISE, MIN_AGREEMENT
    from planner.textgen.tokenizer import FastTokenizer

    began = time.perf_counter()
    pythons = dict(item.split("=", 1) for item in args.python)
    names = args.only.split(",") if args.only else list(QUICK if args.quick else CANDIDATES)
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f}, threads {args.threads}")
    if not (args.no_cold or args.quick):
        _cold_warm(args.threads)
    gguf = embedded_gguf()
    args.cache.mkdir(parents=True, exist_ok=True)
    hf, _, _ = gguf_folder(gguf, app_config())  # the app's dequantized fp32 weights
    tokenizer = FastTokenizer(hf)
    # Chat mode: the model answers at length (in completion mode it soon ends the text,
    # and the engine, which stops at the end of text, would run a few tokens only).
    ids = _chat_ids(tokenizer, PROMPT)

    converted: dict[str, str] = {}
    ready: set[str] = set()
    for name in names:
        start = time.perf_counter()
        if name == "openvino-int8":
            why = (
                convert_openvino(pythons[name], hf, args.cache)
                if name in pythons
                else (
                    "optimum-intel needs transformers<5.6: run it with --python openvino-int8=PATH"
                )
            )
        else:
            why = convert(name, hf, args.cache)
        converted[name] = why or f"{time.perf_counter() - start:.0f} s"
        if why is None:
            ready.add(name)

    workers: dict[str, Worker] = {}
    for name in names:
        if name in ready:
            cli = ["--hf", str(hf), "--gguf", str(gguf), "--cache", str(args.cache)]
            cli += ["--threads", str(args.threads)]
            workers[name] = Worker(name, pythons.get(name, sys.executable), cli)
        else:
            workers[name] = _Failed(name, converted[name])
    live = [w for w in workers.values() if not w.error]
    print(f"prompt: {len(ids)} tokens (chat); greedy, {args.tokens} new tokens;", end=" ")
    print(f"{args.reps} rounds, turns rotated")
    answers = _speed_rounds(live, ids, args.tokens, args.reps)
    for w in workers.values():
        w.close()  # their memory back before the gate loads its models
    # llama.cpp's own C++ loop, right after the others (built on first use).
    cpp, cpp_note = _llama_cpp_reference(args.cache, gguf, args)
    med = {n: _median(a, "tps") for n, a in answers.items() if a}
    dec = {n: _median(a, "dtps") for n, a in answers.items() if a}
    ttft = {n: _median(a, "ttft") for n, a in answers.items() if a}
    cpp_rate = cpp["tps"] if cpp else None

    print()
    print(f"llama.cpp C++ reference: {cpp_note}")
    head = ["candidate", "tokens/s", "decode tokens/s", "TTFT ms", "decode / llama.cpp C++"]
    head += ["peak RSS MB", "convert", "note"]
    print("| " + " | ".join(head) + " |")
    print("|" + " --- |" * len(head))
    if cpp:
        runs = ", ".join(f"{r:.0f}" for r in cpp["runs"])
        print(
            f"| llama.cpp C++ (llama-bench) | — | {cpp_rate:.1f} | — | 1.00 | — | — | runs {runs} |"
        )
    for name in names:
        w = workers[name]
        if w.error or name not in med:
            why = w.error or "no run finished"
            print(f"| {name} | — | — | — | — | — | — | cannot run here: {why} |")
            continue
        ratio = f"{dec[name] / cpp_rate:.2f}" if cpp_rate else "—"
        runs = ", ".join(f"{a['tps']:.0f}" for a in answers[name])
        note = NOT_ELIGIBLE.get(name, "")
        note = f"runs {runs}" + (f"; not eligible: {note}" if note else "")
        cells = [name, f"{med[name]:.1f}", f"{dec[name]:.1f}", f"{ttft[name] * 1000:.0f}", ratio]
        cells += [f"{w.info.get('rss_mb', 0):.0f}", converted[name], note]
        print("| " + " | ".join(cells) + " |")

    gate_names = [n for n in names if n != ENGINE]
    fp32, gate = quality_gate(gate_names, hf, gguf, args.cache, args.threads)
    gate[ENGINE] = gate.get(DEFAULT_BUILD, "its build was not measured")
    print()
    print(
        f"quality gate on {QUALITY_TEXT.name}: {fp32.positions} positions; fp32 perplexity"
        f" {fp32.perplexity:.1f}; pass = perplexity within {MAX_PERPLEXITY_RISE:.0%} of fp32"
        f" and top-1 agreement >= {MIN_AGREEMENT:.0%}"
    )
    head = ["candidate", "perplexity", "vs fp32", "top-1 agreement with fp32", "mean KL vs fp32"]
    head += ["gate", "tokens/s"]
    print("| " + " | ".join(head) + " |")
    print("|" + " --- |" * len(head))
    print(f"| {BASELINE} (reference) | {fp32.perplexity:.1f} | — | 100 % | 0 | reference | — |")
    for name in [*gate_names, ENGINE]:
        got = gate.get(name)
        speed = f"{med[name]:.1f}" if name in med else "—"
        if got is None or isinstance(got, str):
            print(f"| {name} | — | — | — | — | not measured: {got or 'no logits here'} | {speed} |")
            continue
        verdict = "passes" if got.passes else "fails"
        cells = [name, f"{got.perplexity:.1f}", f"{got.perplexity_rise:+.1%}"]
        cells += [f"{got.agreement:.1%}", f"{got.mean_kl:.4f}", verdict, speed]
        print("| " + " | ".join(cells) + " |")
    passing = [
        n
        for n in names
        if n in med and n not in NOT_ELIGIBLE and n != ENGINE
        and not isinstance(gate.get(n), str | None) and gate[n].passes
    ]  # fmt: skip
    if passing:
        best = max(passing, key=lambda n: med[n])
        print(f"fastest candidate that passes the gate: {best} ({med[best]:.1f} tokens/s)")
    print()
    print(f"tokens per run: { {n: [a['tokens'] for a in got] for n, got in answers.items()} }")
    print(f"machine load average after the runs: {os.getloadavg()[0]:.1f}")
    print(f"bench time: {time.perf_counter() - began:.0f} s")
    if answers.get(ENGINE) and min(a["tokens"] for a in answers[ENGINE]) < args.tokens:
        print("note: the engine ended some runs early (end of text)")
    if ENGINE in med and REFERENCE in ttft:
        first = ttft[ENGINE] / ttft[REFERENCE]
        print(f"local engine / llama-cpp-python time to first token: {first:.2f}x")
    if ENGINE in dec and REFERENCE in dec:
        print(
            f"local engine / llama-cpp-python decode tokens/s: {dec[ENGINE] / dec[REFERENCE]:.2f}"
        )
    if REFERENCE in dec and cpp_rate:
        loop = dec[REFERENCE] / cpp_rate
        print(f"llama-cpp-python loop / llama.cpp C++ decode tokens/s: {loop:.2f}")
    if ENGINE in med and DEFAULT_BUILD in med:
        print(f"engine/generate tokens/s ratio: {med[ENGINE] / med[DEFAULT_BUILD]:.2f}")
    default = gate.get(ENGINE)
    if not isinstance(default, str | None):
        print(f"default engine perplexity vs fp32: {default.perplexity_rise * 100:+.1f} %")
    if ENGINE in dec and cpp_rate:
        print(f"local engine / llama.cpp tokens/s ratio: {dec[ENGINE] / cpp_rate:.2f}")
    else:
        print(f"local engine / llama.cpp tokens/s ratio: n/a ({cpp_note})")


class _Failed:
    def __init__(self, name: str, why: str) -> None:
        self.name, self.error, self.info = name, why, {}

    def ask(self, **_cmd: object) -> dict:
        return {"error": self.error}

    def close(self) -> None:
        pass


if __name__ == "__main__":
    main()
