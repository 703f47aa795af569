"""Self-attention of a local model, captured for display (the article's section 4).

The article writes `Attention(Q, K, V) = softmax(QKᵀ/√d_k)·V` for the sentence
"我喜欢编程和人工智能". This module runs one forward pass of a real model on a text and
keeps what that formula needs, per layer: the attention weights the model returns
(eager attention, `output_attentions=True`), and q, k (after the rotary position
embedding) and v, captured with forward hooks, plus each head's output (the input of
`o_proj`), so every number on the page can be recomputed from the ones before it.

Grouped-query attention (SmolLM2-135M: 9 query heads share 3 key/value heads) is kept
as the model stores it: `k` and `v` have one row per kv head, and query head `h` reads
kv head `h // (heads // kv_heads)`, as transformers' `repeat_kv` expands them.

torch and transformers are imported inside the functions that run the model, so the
pure parts (token merging, views, the formula) import without them.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from planner.textgen.attention.forward import AttentionError, Capture
from planner.textgen.attention.tokens import merge_pieces
from planner.textgen.background import BackgroundLoad
from planner.textgen.config import TextgenConfig
from planner.textgen.errors import ModelLoadError

MAX_TOKENS = 64

# ---- the eager model ----------------------------------------------------------------


@dataclass
class EagerModel:
    """A model loaded for this view only, with eager attention (generation keeps its own).

    Hooks are registered on the shared modules for the length of one forward pass, so
    passes take the lock: two sessions' captures must never interleave.
    """

    lm: object  # planner.textgen.loader.LoadedModel
    lock: threading.Lock

    @property
    def name(self) -> str:
        return str(self.lm.name)


def load_eager(spec: str, config: TextgenConfig, progress: Callable[..., None]) -> EagerModel:
    """The model of `spec` through the project's loader (and its GGUF cache), in eager mode.

    A copy of its own: switching the generation model to eager attention would slow
    generation for everyone. int8 is off here: the view shows the model's float numbers.
    """
    from planner.textgen.loader import load_model

    lm = load_model(spec, replace(config, int8=False), progress)
    try:
        lm.model.set_attn_implementation("eager")
    except Exception as exc:
        raise ModelLoadError("attn_err_eager", model=spec, detail=str(exc)[:300]) from exc
    return EagerModel(lm=lm, lock=threading.Lock())


def _attention_modules(model: object) -> list:
    """The model's self-attention layers of the q/k/v/o-projection kind, in order."""
    wanted = ("q_proj", "k_proj", "v_proj", "o_proj")
    return [m for m in model.modules() if all(hasattr(m, name) for name in wanted)]


class _Hooks:
    """Forward hooks that record q, k, v, the rotary cos/sin and each head's output."""

    def __init__(self, modules: list) -> None:
        self.modules = modules
        self.seen: list[dict] = [{} for _ in modules]
        self.handles: list = []

    def __enter__(self) -> _Hooks:
        for i, attn in enumerate(self.modules):
            record = self.seen[i]

            def keep(name: str, record: dict = record):
                def hook(_module, _args, output):
                    record[name] = output.detach()

                return hook

            def keep_rope(_module, _args, kwargs, _output, record: dict = record):
                record["rope"] = kwargs.get("position_embeddings")

            def keep_heads(_module, args, record: dict = record):
                record["heads"] = args[0].detach()

            # Some families normalise q and k per head before the rotary step (Qwen3).
            q_src = getattr(attn, "q_norm", None) or attn.q_proj
            k_src = getattr(attn, "k_norm", None) or attn.k_proj
            self.handles += [
                q_src.register_forward_hook(keep("q")),
                k_src.register_forward_hook(keep("k")),
                attn.v_proj.register_forward_hook(keep("v")),
                attn.register_forward_hook(keep_rope, with_kwargs=True),
                attn.o_proj.register_forward_pre_hook(keep_heads),
            ]
        return self

    def __exit__(self, *exc: object) -> None:
        for handle in self.handles:
            handle.remove()
        self.handles = []


def _vectors(modules: list, seen: list[dict], heads: int, tokens: int) -> tuple | None:
    """(q, k, v, head_out) as numpy arrays, q and k rotated; None if the layers differ."""
    qs, ks, vs, outs = [], [], [], []
    for attn, record in zip(modules, seen, strict=True):
        if not all(name in record for name in ("q", "k", "v", "heads")):
            return None
        dim = int(getattr(attn, "head_dim", 0) or record["heads"].shape[-1] // heads)

        def split(t, dim: int = dim):
            return t.reshape(1, tokens, -1, dim).transpose(1, 2)

        q, k, v = split(record["q"]), split(record["k"]), split(record["v"])
        rope = record.get("rope")
        if rope is not None:
            rotate = getattr(sys.modules[type(attn).__module__], "apply_rotary_pos_emb", None)
            if rotate is None:
                return None
            q, k = rotate(q, k, *rope)
        qs.append(q[0].float().numpy())
        ks.append(k[0].float().numpy())
        vs.append(v[0].float().numpy())
        outs.append(split(record["heads"])[0].float().numpy())
    return np.stack(qs), np.stack(ks), np.stack(vs), np.stack(outs)


def capture(em: EagerModel, text: str, max_tokens: int = MAX_TOKENS) -> Capture:
    """Run the model once on `text` and keep its attention and the vectors behind it."""
    import torch

    lm = em.lm
    tokenizer, model = lm.tokenizer, lm.model
    if not text.strip():
        raise AttentionError("attn_err_empty")
    with em.lock:
        ids = list(tokenizer(text, add_special_tokens=True)["input_ids"])
        if len(ids) > max_tokens:
            raise AttentionError("attn_err_too_long", tokens=len(ids), limit=max_tokens)
        special = set(getattr(tokenizer, "all_special_ids", []) or [])
        units = merge_pieces(
            ids, lambda part: tokenizer.decode(part, skip_special_tokens=False), special
        )
        modules = _attention_modules(model)
        started = time.perf_counter()
        with _Hooks(modules) as hooks, torch.inference_mode():
            out = model(input_ids=torch.tensor([ids]), output_attentions=True, use_cache=False)
        forward_s = time.perf_counter() - started
    if not out.attentions or out.attentions[0] is None:
        raise AttentionError("attn_err_no_attention", model=lm.name)
    attn = torch.stack([a[0].float() for a in out.attentions]).numpy()
    heads, tokens = attn.shape[1], attn.shape[2]
    vectors = None
    if len(modules) == attn.shape[0]:
        vectors = _vectors(modules, hooks.seen, heads, tokens)
    q, k, v, head_out = vectors if vectors is not None else (None, None, None, None)
    dim = q.shape[-1] if q is not None else 1
    scaling = (
        tuple(float(getattr(m, "scaling", dim**-0.5)) for m in modules[: attn.shape[0]])
        or (dim**-0.5,) * attn.shape[0]
    )
    return Capture(
        model_name=lm.name,
        text=text,
        ids=tuple(ids),
        units=tuple(units),
        attn=attn,
        q=q,
        k=k,
        v=v,
        head_out=head_out,
        scaling=scaling,
        forward_s=forward_s,
    )


class EagerModelHolder(BackgroundLoad):
    """This view's eager copy of a model, loading once in the background (the pattern of
    planner.textgen.background): the app starts the configured model's at server start,
    from the disk cache, and every session watches the same progress."""

    thread_name = "attn-load"

    def __init__(self, spec: str, config: TextgenConfig) -> None:
        super().__init__(spec, config)
        self.model: EagerModel | None = None

    @property
    def ready(self) -> bool:
        return self.model is not None

    def _load_model(self) -> None:
        self.model = load_eager(self.spec, self.config, self._progress)
