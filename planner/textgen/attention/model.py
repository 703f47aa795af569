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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from planner.textgen.background import BackgroundLoad
from planner.textgen.config import TextgenConfig
from planner.textgen.errors import ModelLoadError, TextgenError
from planner.textgen.figures import visible_token

MAX_TOKENS = 64
# A recomputed weight or output farther than this from the model's own is not the
# formula the page explains (another architecture): the page says so.
FORMULA_TOLERANCE = 1e-4


class AttentionError(TextgenError):
    """A text or model the attention view cannot show (message key in attention.yaml)."""


# ---- readable tokens ---------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """Whole characters shown as one label, made of the tokens [start, end)."""

    text: str
    start: int
    end: int
    special: bool = False

    @property
    def tokens(self) -> int:
        return self.end - self.start

    @property
    def label(self) -> str:
        return visible_token(self.text)


def merge_pieces(
    ids: Sequence[int],
    decode: Callable[[list[int]], str],
    special_ids: frozenset[int] | set[int] = frozenset(),
) -> list[Unit]:
    """Group tokens into units that decode to whole characters.

    Byte-level tokenizers split a Chinese character (3 UTF-8 bytes) over up to three
    tokens, and a token may even end inside the next character; a piece alone decodes
    to U+FFFD. A unit grows token by token until its text decodes without a trailing
    replacement character, so every unit is the shortest run of tokens that ends on a
    character boundary. Special tokens (BOS) are units of their own. `decode` maps ids
    to text the way the tokenizer does (bytes joined, then UTF-8 with replacement).
    """
    units: list[Unit] = []
    start = 0
    n = len(ids)
    for k in range(n):
        if ids[k] in special_ids:
            if start < k:  # an unfinished character before a special token stays as is
                units.append(Unit(decode(list(ids[start:k])), start, k))
            units.append(Unit(decode([ids[k]]), k, k + 1, special=True))
            start = k + 1
            continue
        text = decode(list(ids[start : k + 1]))
        if not text.endswith("\ufffd") or k == n - 1:
            units.append(Unit(text, start, k + 1))
            start = k + 1
    return units


def token_labels(units: Sequence[Unit]) -> list[str]:
    """One label per token: the unit's text, with "k/n" when the unit has n tokens."""
    labels: list[str] = []
    for unit in units:
        if unit.tokens == 1:
            labels.append(unit.label)
        else:
            labels.extend(f"{unit.label} {i + 1}/{unit.tokens}" for i in range(unit.tokens))
    return labels


def split_units(units: Sequence[Unit]) -> list[Unit]:
    """The units that span several tokens (what the page notes under the text)."""
    return [u for u in units if u.tokens > 1]


# ---- the captured forward pass -----------------------------------------------------


@dataclass(frozen=True)
class Capture:
    """One forward pass: the returned attention and the vectors it was computed from.

    Shapes (L layers, H query heads, G kv heads, T tokens, D head dim):
    attn (L, H, T, T); q, head_out (L, H, T, D); k, v (L, G, T, D). q and k are after
    the rotary embedding. q, k, v and head_out are None when the model's attention
    layers are not of the q/k/v-projection kind (the formula then is unavailable).
    """

    model_name: str
    text: str
    ids: tuple[int, ...]
    units: tuple[Unit, ...]
    attn: np.ndarray
    q: np.ndarray | None
    k: np.ndarray | None
    v: np.ndarray | None
    head_out: np.ndarray | None
    scaling: tuple[float, ...]
    forward_s: float

    @property
    def layers(self) -> int:
        return int(self.attn.shape[0])

    @property
    def heads(self) -> int:
        return int(self.attn.shape[1])

    @property
    def tokens(self) -> int:
        return int(self.attn.shape[2])

    @property
    def kv_heads(self) -> int | None:
        return None if self.k is None else int(self.k.shape[1])

    @property
    def head_dim(self) -> int | None:
        return None if self.q is None else int(self.q.shape[-1])

    @property
    def has_vectors(self) -> bool:
        return self.q is not None

    def kv_head(self, head: int) -> int:
        """The key/value head a query head reads (grouped-query attention)."""
        if self.kv_heads is None:
            return head
        return head // (self.heads // self.kv_heads)

    @property
    def labels(self) -> list[str]:
        return token_labels(self.units)


def causal_mask(tokens: int) -> np.ndarray:
    """True where query i may attend to key j (j <= i)."""
    return np.tril(np.ones((tokens, tokens), dtype=bool))


def _softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - np.max(scores, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def expand_kv(cap: Capture, tensor: np.ndarray) -> np.ndarray:
    """k or v (L, G, T, D) repeated to one row per query head (L, H, T, D)."""
    return np.repeat(tensor, cap.heads // tensor.shape[1], axis=1)


def recompute(cap: Capture) -> np.ndarray:
    """softmax(q·kᵀ · scale + causal mask) for every layer and head, in float64."""
    if cap.q is None or cap.k is None:
        raise AttentionError("attn_err_formula_unsupported")
    q = cap.q.astype(np.float64)
    k = expand_kv(cap, cap.k).astype(np.float64)
    scale = np.asarray(cap.scaling, dtype=np.float64)[:, None, None, None]
    scores = np.einsum("lhid,lhjd->lhij", q, k) * scale
    scores = np.where(causal_mask(cap.tokens), scores, -np.inf)
    return _softmax(scores)


def recompute_head(cap: Capture, layer: int, head: int) -> np.ndarray:
    """softmax(q·kᵀ · scale + causal mask) of one head (T, T), in float64."""
    if cap.q is None or cap.k is None:
        raise AttentionError("attn_err_formula_unsupported")
    q = cap.q[layer, head].astype(np.float64)
    k = cap.k[layer, cap.kv_head(head)].astype(np.float64)
    scores = np.where(causal_mask(cap.tokens), q @ k.T * cap.scaling[layer], -np.inf)
    return _softmax(scores)


def weighted_values(cap: Capture) -> np.ndarray:
    """The returned weights times v, per head (L, H, T, D): what each head outputs."""
    if cap.v is None:
        raise AttentionError("attn_err_formula_unsupported")
    v = expand_kv(cap, cap.v).astype(np.float64)
    return np.einsum("lhij,lhjd->lhid", cap.attn.astype(np.float64), v)


# ---- views: what the head view and the model view plot ------------------------------


@dataclass(frozen=True)
class Axis:
    """One row or column of a view: its label and the tokens it stands for."""

    label: str
    start: int
    end: int  # one past the last token


@dataclass(frozen=True)
class View:
    """Attention weights as displayed: (..., rows, cols), NaN where the mask hides a key."""

    weights: np.ndarray
    rows: tuple[Axis, ...]
    cols: tuple[Axis, ...]
    merged: bool
    sink_hidden: bool

    @property
    def masked(self) -> np.ndarray:
        """(rows, cols) True where the causal mask hides the key from the query."""
        row_token = np.array([r.end - 1 for r in self.rows])
        col_start = np.array([c.start for c in self.cols])
        return col_start[None, :] > row_token[:, None]


def _axes(cap: Capture, first: int, merge: bool) -> list[Axis]:
    """Rows/columns from token `first` on: one per token, or one per unit."""
    if not merge:
        labels = cap.labels
        return [Axis(labels[i], i, i + 1) for i in range(first, cap.tokens)]
    axes = []
    for unit in cap.units:
        start = max(unit.start, first)
        if start < unit.end:
            label = unit.label
            if start > unit.start:  # the hidden first token was part of this character
                first = start - unit.start + 1
                pieces = str(first) if first == unit.tokens else f"{first}–{unit.tokens}"
                label += f" {pieces}/{unit.tokens}"
            axes.append(Axis(label, start, unit.end))
    return axes


def view(attn: np.ndarray, cap: Capture, *, merge: bool, hide_sink: bool) -> View:
    """attn (..., T, T) of `cap` as displayed.

    hide_sink: drop the first token as a key (and as a query: it sees only itself) and
    renormalise every row to sum to 1 again. merge: one column per unit, the sum of its
    tokens' weights (the weight the query gives the whole character); one row per unit,
    the row of its last token, the first position where the character is complete.
    """
    weights = attn.astype(np.float64)
    first = 0
    if hide_sink and cap.tokens > 1:
        rest = 1.0 - weights[..., :, :1]
        with np.errstate(divide="ignore", invalid="ignore"):
            weights = np.where(rest > 0, weights / rest, np.nan)
        weights[..., :, 0] = 0.0
        first = 1
    axes = _axes(cap, first, merge)
    rows = [a.end - 1 for a in axes]
    weights = weights[..., rows, :]
    if merge:
        weights = np.add.reduceat(weights[..., first:], [a.start - first for a in axes], axis=-1)
    else:
        weights = weights[..., first:]
    result = View(weights, tuple(axes), tuple(axes), merge, first == 1)
    return replace(result, weights=np.where(result.masked, np.nan, weights))


# ---- the formula, worked for one query token and one head ---------------------------


@dataclass(frozen=True)
class Formula:
    """softmax(q·kᵀ/√d_k)·v for one query token of one head, step by step.

    keys are the tokens 0..query (the causal mask hides the later ones).
    """

    layer: int
    head: int
    kv_head: int
    query: int
    d_k: int
    scale: float
    q: np.ndarray  # (D,)
    k: np.ndarray  # (query+1, D)
    v: np.ndarray  # (query+1, D)
    scores: np.ndarray  # q·k_j
    scaled: np.ndarray  # q·k_j · scale
    weights: np.ndarray  # softmax(scaled)
    model_row: np.ndarray  # the model's returned weights (the head view's row)
    output: np.ndarray  # Σ_j w_j v_j, (D,)
    model_output: np.ndarray  # the head's output in the model, (D,)

    @property
    def keys(self) -> range:
        return range(self.query + 1)

    @property
    def standard_scale(self) -> bool:
        """True when the model scales by 1/√d_k, as the article's formula does."""
        return bool(np.isclose(self.scale, self.d_k**-0.5, rtol=1e-6))

    @property
    def weight_diff(self) -> float:
        return float(np.max(np.abs(self.weights - self.model_row)))

    @property
    def output_diff(self) -> float:
        return float(np.max(np.abs(self.output - self.model_output)))

    @property
    def matches(self) -> bool:
        return max(self.weight_diff, self.output_diff) <= FORMULA_TOLERANCE


def formula(cap: Capture, layer: int, head: int, query: int) -> Formula:
    """The worked formula for token `query` of (layer, head), from the captured vectors."""
    if cap.q is None or cap.k is None or cap.v is None or cap.head_out is None:
        raise AttentionError("attn_err_formula_unsupported")
    if not (0 <= layer < cap.layers and 0 <= head < cap.heads and 0 <= query < cap.tokens):
        raise ValueError(f"no layer {layer}, head {head}, token {query}")
    g = cap.kv_head(head)
    q = cap.q[layer, head, query].astype(np.float64)
    k = cap.k[layer, g, : query + 1].astype(np.float64)
    v = cap.v[layer, g, : query + 1].astype(np.float64)
    scale = float(cap.scaling[layer])
    scores = k @ q
    scaled = scores * scale
    weights = _softmax(scaled)
    return Formula(
        layer=layer,
        head=head,
        kv_head=g,
        query=query,
        d_k=int(q.shape[0]),
        scale=scale,
        q=q,
        k=k,
        v=v,
        scores=scores,
        scaled=scaled,
        weights=weights,
        model_row=cap.attn[layer, head, query, : query + 1].astype(np.float64),
        output=weights @ v,
        model_output=cap.head_out[layer, head, query].astype(np.float64),
    )


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
