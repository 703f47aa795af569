"""Text-generation benchmark: the engine against a plain `model.generate` loop.

One model (the embedded SmolLM2-135M-Instruct), one prompt, one setting (greedy,
96 new tokens), measured side by side and alternated so both see the same machine
load. Prints: cold load (GGUF -> dequantized, into a fresh cache folder), warm load
(from that cache), time to first token, tokens/s of the engine and of plain
generate, the llama.cpp server on the same GGUF when available, the dynamic-int8
CPU path, and last the line `engine/generate tokens/s ratio: X.XX`.

    .venv/bin/python bench/textgen.py [--tokens 96] [--reps 3] [--no-server]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as planner.textgen sets it

PROMPT = "Write a short job description for a machine learning engineer at an AI startup."


def plain_generate(lm, ids, tokens: int) -> tuple[float, int]:
    import torch

    input_ids = torch.tensor([ids])
    start = time.perf_counter()
    with torch.inference_mode():
        out = lm.model.generate(
            input_ids=input_ids,
            attention_mask=torch.ones_like(input_ids),
            max_new_tokens=tokens,
            min_new_tokens=tokens,
            do_sample=False,
            pad_token_id=lm.tokenizer.eos_token_id,
        )
    elapsed = time.perf_counter() - start
    new = out.shape[1] - input_ids.shape[1]
    return new / elapsed, new


def engine_generate(engine, request) -> tuple[float, int, float]:
    run = engine.generate(request, timeout=600)
    if run.error is not None:
        raise run.error
    m = run.metrics
    return m.tokens_per_s, m.tokens, m.ttft_s


def overhead_ms(lm, tokens: int = 96) -> float:
    """What the engine adds per token besides the model: incremental decode, stop checks."""
    import torch

    from planner.textgen.local import RunStop, RunStreamer
    from planner.textgen.run import GenerationRun
    from planner.textgen.settings import GenRequest

    class Idle:
        name, model_name, revision = "bench", "bench", "bench"

    run = GenerationRun(GenRequest(PROMPT), Idle())
    streamer = RunStreamer(lm.tokenizer, run, ("</s>",))
    stop = RunStop(run, streamer)
    ids = lm.tokenizer(PROMPT * 8)["input_ids"][:tokens]
    streamer.put(torch.tensor([ids[:3]]))  # the prompt
    start = time.perf_counter()
    for token in ids:
        streamer.put(torch.tensor([token]))
        stop(torch.tensor([[token]]), None)
    return (time.perf_counter() - start) / len(ids) * 1000


def server_tokens_per_s(gguf: Path, prompt: str, tokens: int) -> str:
    try:
        import httpx
        import llama_cpp  # noqa: F401
    except Exception as exc:
        return f"not available ({exc})"
    import socket

    from planner.textgen.remote import RemoteBackend
    from planner.textgen.run import Engine, SlotPool
    from planner.textgen.settings import GenRequest, GenSettings

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--n_threads", "2", "--n_ctx", "2048"]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                return f"server exited with {server.returncode}"
            try:
                if httpx.get(url + "/v1/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        engine = Engine(RemoteBackend(url, "bench"), SlotPool(1))
        req = GenRequest(
            prompt,
            mode="completion",
            settings=GenSettings(max_new_tokens=tokens, temperature=0, repetition_penalty=1.0),
        )
        engine.generate(req, 120)  # warm-up
        rates = [engine.generate(req, 120).metrics for _ in range(2)]
        best = max(rates, key=lambda m: m.tokens_per_s)
        return f"{best.tokens_per_s:.1f} tok/s ({best.tokens} tokens, ttft {best.ttft_s:.3f} s)"
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=96)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--no-server", action="store_true")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(min(2, os.cpu_count() or 1))
    from planner.textgen.config import TextgenConfig
    from planner.textgen.loader import embedded_gguf, load_model, quantize_int8
    from planner.textgen.local import LocalBackend, prompt_ids
    from planner.textgen.run import Engine, SlotPool
    from planner.textgen.settings import GenRequest, GenSettings

    threads = torch.get_num_threads()
    print(f"machine: {os.cpu_count()} cores, torch {torch.__version__}, threads {threads}")
    with tempfile.TemporaryDirectory(prefix="textgen-bench-") as tmp:
        config = TextgenConfig(cache_dir=Path(tmp))
        cold = load_model("embedded", config)
        print(f"cold load (GGUF -> dequantize -> write cache): {cold.load_s:.2f} s")
        del cold
        warm = load_model("embedded", config)
        print(f"warm load (from the safetensors cache, sha256-checked): {warm.load_s:.2f} s")
    lm = warm
    request = GenRequest(
        PROMPT,
        mode="completion",
        settings=GenSettings(max_new_tokens=args.tokens, temperature=0, repetition_penalty=1.0),
    )
    ids = prompt_ids(lm, request)
    engine = Engine(LocalBackend(lm), SlotPool(1), max_new_tokens_cap=4096)
    print(f"prompt: {len(ids)} tokens; greedy, {args.tokens} new tokens, {args.reps} runs each")
    plain_generate(lm, ids, 8)  # warm-up
    engine_generate(
        engine, GenRequest(PROMPT, "completion", settings=GenSettings(max_new_tokens=8))
    )
    plain_rates, engine_rates, ttfts, counts = [], [], [], []
    for _ in range(args.reps):  # alternate so both see the same load
        rate, n = plain_generate(lm, ids, args.tokens)
        plain_rates.append(rate)
        rate, n_engine, ttft = engine_generate(engine, request)
        engine_rates.append(rate)
        ttfts.append(ttft)
        counts.append((n, n_engine))
    plain_rate, engine_rate = statistics.median(plain_rates), statistics.median(engine_rates)
    print(f"tokens per run (plain, engine): {counts}")
    runs = [round(r, 1) for r in plain_rates]
    print(f"plain model.generate: {plain_rate:.1f} tok/s (runs: {runs})")
    runs = [round(r, 1) for r in engine_rates]
    print(f"engine (streamed, stoppable): {engine_rate:.1f} tok/s (runs: {runs})")
    print(f"engine time to first token: {statistics.median(ttfts) * 1000:.0f} ms (median)")
    print(
        f"engine per-token bookkeeping (streamer + stop check, no model): {overhead_ms(lm):.3f} ms"
    )

    if not args.no_server:
        server = server_tokens_per_s(embedded_gguf(), PROMPT, args.tokens)
        print(f"llama.cpp server, same GGUF: {server}")

    int8 = type(lm)(**{**lm.__dict__, "model": quantize_int8(lm.model), "int8": True})
    int8_engine = Engine(LocalBackend(int8), SlotPool(1), max_new_tokens_cap=4096)
    engine_generate(
        int8_engine, GenRequest(PROMPT, "completion", settings=GenSettings(max_new_tokens=8))
    )
    int8_rates = [engine_generate(int8_engine, request)[0] for _ in range(args.reps)]
    int8_rate = statistics.median(int8_rates)
    print(
        f"engine with dynamic int8 Linear (PLANNER_TEXTGEN_INT8=1): "
        f"{int8_rate:.1f} tok/s ({int8_rate / engine_rate:.2f}x fp32)"
    )
    print(f"engine/generate tokens/s ratio: {engine_rate / plain_rate:.2f}")


if __name__ == "__main__":
    main()
