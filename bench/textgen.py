"""Text-generation benchmark: local engine candidates side by side, against llama.cpp.

One model (the embedded SmolLM2-135M-Instruct GGUF), one prompt, greedy decoding,
the same prompt ids for every candidate, the same number of threads. Each candidate
runs in its own worker process (its memory is its own, and a candidate whose package
is missing or fails says why in one line); the workers take turns, round after
round, so all see the same machine load. Prints:

- the default engine's cold load (GGUF -> transformers folder -> ONNX int4, into a
  fresh cache folder) and warm load (the checked cache);
- a table: tokens/s and time to first token (medians), the ratio to llama.cpp,
  whether greedy text equals transformers fp32 for 32 tokens on 5 chat prompts,
  peak memory, conversion time;
- the engine (planner.textgen: streamed, stoppable) against its runtime's plain loop;
- last, the line `local engine / llama.cpp tokens/s ratio: X.XX`.

    .venv/bin/python bench/textgen.py [--tokens 96] [--reps 5] [--only a,b]
        [--python openvino-int8=/path/to/python] [--no-cold]

Candidates whose packages are not in this interpreter can run under another one
(`--python NAME=PATH`), e.g. OpenVINO through optimum-intel, which pins an older
transformers than the app's.
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
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as planner.textgen sets it

PROMPT = "Write a short job description for a machine learning engineer at an AI startup."
EQUAL_PROMPTS = (
    "Name one skill of a data engineer.",
    "Write a one-sentence pitch for an AI startup that sells to hospitals.",
    "What is the capital of France?",
    "List three risks of training a large language model.",
    "Explain gradient descent to a ten-year-old.",
)
EQUAL_TOKENS = 32
EOS = 2  # <|im_end|> of SmolLM2-Instruct
ENGINE = "engine"
REFERENCE = "llama.cpp"
BASELINE = "transformers-fp32"
CANDIDATES = (
    BASELINE,
    "transformers-int8",
    "torch-compile-static",
    "openvino-int8",
    "onnxruntime-genai-int4",
    "onnxruntime-genai-int8",
    "ctranslate2-int8",
    REFERENCE,
    ENGINE,
)
# ONNX Runtime GenAI builds: precision and builder options. accuracy_level 4 (the CPU
# default) quantizes activations to int8 for the matmuls; 1 keeps them fp32 (measured
# once: 2.8 tokens/s, 3/5 greedy equal; not in the default list, `--only` runs it).
ORT_BUILDS = {
    "onnxruntime-genai-int4": ("int4", ()),
    "onnxruntime-genai-int8": ("int8", ()),
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


def _engine(cache: Path, threads: int):
    """The app's default local engine, through planner.textgen (streamed, stoppable)."""
    from planner.textgen.config import TextgenConfig
    from planner.textgen.ortgenai import OnnxBackend, load_onnx
    from planner.textgen.run import Engine, SlotPool
    from planner.textgen.settings import GenRequest, GenSettings

    lm = load_onnx("embedded", TextgenConfig(cache_dir=cache, threads=threads))
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
            runner = _engine(cache, threads)
        elif name.startswith("transformers") or name.startswith("torch"):
            runner = _transformers(name, hf, threads)
        elif name == "openvino-int8":
            runner = _openvino(hf, cache, threads)
        elif name.startswith("onnxruntime-genai"):
            runner = _ortgenai(cache / name, threads)
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
                answer = {"tokens": count, "tps": count / total, "ttft": ttft, "ids": None}
            else:
                start = time.perf_counter()
                ids, ttft = runner(cmd["ids"], cmd["tokens"], cmd["force"])
                elapsed = time.perf_counter() - start
                answer = {"tokens": len(ids), "tps": len(ids) / elapsed, "ttft": ttft, "ids": ids}
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
    if target.exists() or name in (BASELINE, "transformers-int8", "torch-compile-static"):
        return None
    if name in (REFERENCE, ENGINE):
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
        cmd = [python, str(Path(__file__).resolve()), "--worker", name, *args]
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


def _until_eos(ids: list[int]) -> list[int]:
    return ids[: ids.index(EOS) + 1] if EOS in ids else ids


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=96)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--threads", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--only", default="", help="comma-separated candidate names")
    parser.add_argument("--python", action="append", default=[], metavar="NAME=PATH")
    parser.add_argument("--cache", type=Path, default=ROOT / "var" / "bench-cache")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold-load measurement")
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

    from planner.textgen.config import TextgenConfig
    from planner.textgen.loader import embedded_gguf, gguf_folder
    from planner.textgen.tokenizer import FastTokenizer

    pythons = dict(item.split("=", 1) for item in args.python)
    names = args.only.split(",") if args.only else list(CANDIDATES)
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f}, threads {args.threads}")
    if not args.no_cold:
        _cold_warm(args.threads)
    gguf = embedded_gguf()
    args.cache.mkdir(parents=True, exist_ok=True)
    hf, _, _ = gguf_folder(gguf, TextgenConfig(cache_dir=args.cache / "transformers"))
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

    for w in live:  # warm-up (torch.compile compiles here)
        w.ask(ids=ids, text=PROMPT, mode="chat", tokens=8, force=True)
    rates: dict[str, list[float]] = {w.name: [] for w in live}
    ttfts: dict[str, list[float]] = {w.name: [] for w in live}
    counts: dict[str, list[int]] = {w.name: [] for w in live}
    for rnd in range(args.reps):
        order = live[rnd % len(live) :] + live[: rnd % len(live)] if live else []
        for w in order:
            a = w.ask(ids=ids, text=PROMPT, mode="chat", tokens=args.tokens, force=True)
            if "error" not in a:
                rates[w.name].append(a["tps"])
                ttfts[w.name].append(a["ttft"])
                counts[w.name].append(a["tokens"])

    same: dict[str, str] = {}
    reference: list[list[int]] = []
    if BASELINE in workers and not workers[BASELINE].error:
        for text in EQUAL_PROMPTS:
            a = workers[BASELINE].ask(
                ids=_chat_ids(tokenizer, text), tokens=EQUAL_TOKENS, force=False
            )
            reference.append(_until_eos(a.get("ids") or []))
    for w in live:
        if w.name == ENGINE or not reference:
            continue
        diverged = []
        for text, ref in zip(EQUAL_PROMPTS, reference, strict=True):
            a = w.ask(ids=_chat_ids(tokenizer, text), tokens=EQUAL_TOKENS, force=False)
            got = _until_eos(a.get("ids") or [])
            if got != ref:
                pairs = enumerate(zip(got, ref, strict=False))
                at = next((i for i, (x, y) in pairs if x != y), min(len(got), len(ref)))
                diverged.append(str(at))
        same[w.name] = f"{5 - len(diverged)}/5" + (
            f" (first diff at token {', '.join(diverged)})" if diverged else ""
        )

    med = {n: statistics.median(r) for n, r in rates.items() if r}
    ttft = {n: statistics.median(t) for n, t in ttfts.items() if t}
    ref_rate, ref_ttft = med.get(REFERENCE), ttft.get(REFERENCE)
    print()
    head = ["candidate", "tokens/s", "TTFT ms", "/ llama.cpp", "greedy = fp32 (5 x 32 tokens)"]
    head += ["peak RSS MB", "convert", "note"]
    print("| " + " | ".join(head) + " |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in names:
        w = workers[name]
        if w.error or name not in med:
            why = w.error or "no run finished"
            print(f"| {name} | — | — | — | — | — | — | cannot run here: {why} |")
            continue
        ratio = f"{med[name] / ref_rate:.2f}" if ref_rate else "—"
        runs = ", ".join(f"{r:.0f}" for r in rates[name])
        note = NOT_ELIGIBLE.get(name, "")
        note = f"runs {runs}" + (f"; not eligible: {note}" if note else "")
        cells = [name, f"{med[name]:.1f}", f"{ttft[name] * 1000:.0f}", ratio]
        cells += [same.get(name, "—"), f"{w.info.get('rss_mb', 0):.0f}", converted[name], note]
        print("| " + " | ".join(cells) + " |")
    print()
    print(f"tokens per run: { {n: c for n, c in counts.items()} }")
    print(f"machine load average after the runs: {os.getloadavg()[0]:.1f}")
    raw = "onnxruntime-genai-int4"
    if counts.get(ENGINE) and min(counts[ENGINE]) < args.tokens:
        print(f"note: the engine ended some runs early (end of text): {counts[ENGINE]}")
    if ENGINE in med and ref_ttft:
        print(f"local engine / llama.cpp time to first token: {ttft[ENGINE] / ref_ttft:.2f}x")
    if ENGINE in med and raw in med:
        print(f"engine/generate tokens/s ratio: {med[ENGINE] / med[raw]:.2f}")
    if ENGINE in med and ref_rate:
        print(f"local engine / llama.cpp tokens/s ratio: {med[ENGINE] / ref_rate:.2f}")
    for w in workers.values():
        w.close()


class _Failed:
    def __init__(self, name: str, why: str) -> None:
        self.name, self.error, self.info = name, why, {}

    def ask(self, **_cmd: object) -> dict:
        return {"error": self.error}

    def close(self) -> None:
        pass


if __name__ == "__main__":
    main()
