"""Configuration of the generation engine from env vars and Streamlit secrets.

Every setting has an env var `PLANNER_TEXTGEN_<NAME>`; the same names (lower case,
without the prefix) may sit in a `[textgen]` table of `.streamlit/secrets.toml`.
Env vars win over secrets. See docs/generation.md.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from planner.textgen.errors import ModelLoadError

ROOT = Path(__file__).resolve().parents[2]
EMBEDDED = "embedded"
ENV_PREFIX = "PLANNER_TEXTGEN_"
# Local engines: ONNX Runtime GenAI (int8 weights, the fast default) and transformers
# (fp32, exact logits; the next-token and attention views always use it).
ENGINES = ("onnx", "transformers")
DEFAULT_ENGINE = "onnx"
# Weights of the ONNX engine. int8 is the default: the fastest build that passes the
# quality gate (planner.textgen.quality; perplexity within 3 % of fp32). int4 is faster
# but writes worse text (+30 % perplexity); docs/generation.md has both measured.
ONNX_PRECISIONS = ("int8", "int4")
# Where generation runs by default: "local" (the app's own process; a configured
# server is offered beside it) or "remote" (the OpenAI-compatible server at
# remote_url; the process never loads a local model unless local_fallback allows it).
BACKENDS = ("local", "remote")


def _default_concurrency() -> int:
    # On CPU two generations already share the cores; more only adds latency.
    return max(1, (os.cpu_count() or 2) // 2)


@dataclass(frozen=True)
class TextgenConfig:
    model: str = EMBEDDED
    engine: str = DEFAULT_ENGINE  # local engine, one of ENGINES
    onnx_precision: str = ONNX_PRECISIONS[0]  # weights of the ONNX engine
    cache_dir: Path = field(default_factory=lambda: ROOT / "var" / "textgen-cache")
    max_new_tokens_cap: int = 512
    default_max_new_tokens: int = 96
    max_concurrent: int = field(default_factory=_default_concurrency)
    max_queue: int = 16
    threads: int = 0  # 0: torch's default
    int8: bool = False  # dynamic int8 quantization of Linear layers (faster on CPU)
    # A hosted app is public: visitors pick only the embedded model or a folder the
    # operator listed; `free_model_field` (make run sets it: there the operator is the
    # user) brings back a free text field for any folder, file or hub id.
    free_model_field: bool = False
    allowed_models: str = ""  # comma-separated folder names under models_dir
    models_dir: Path = field(default_factory=lambda: ROOT / "models")
    allow_download: bool = False  # hub downloads only when the operator turns them on
    orphan_timeout_s: float = 15.0  # a run nobody reads for this long is stopped
    max_run_s: float = 300.0
    backend: str = BACKENDS[0]
    # backend = remote: offer the local engine while the server is down (a replica
    # then loads the model itself, about 1 GB; off in a multi-replica deployment).
    local_fallback: bool = False
    remote_url: str = ""
    remote_model: str = ""
    remote_api_key: str = ""
    remote_timeout_s: float = 30.0
    remote_connect_timeout_s: float = 5.0

    @property
    def remote_configured(self) -> bool:
        return bool(self.remote_url)

    @property
    def remote_only(self) -> bool:
        """Generation goes to the server; a local model loads only as an allowed fallback."""
        return self.backend == "remote"

    @property
    def offline(self) -> bool:
        return not self.allow_download or os.environ.get("HF_HUB_OFFLINE", "") in ("1", "true")


_BOOL = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False}
_BOOL |= {"no": False, "off": False, "": False}


def _coerce(name: str, raw: object, default: object) -> object:
    if isinstance(default, bool):
        value = str(raw).strip().lower()
        if value not in _BOOL:
            raise ValueError(f"{ENV_PREFIX}{name.upper()}: expected true/false, got {raw!r}")
        return _BOOL[value]
    if isinstance(default, int):
        number = int(str(raw).strip())
        if number < 0:
            raise ValueError(f"{ENV_PREFIX}{name.upper()}: must not be negative")
        return number
    if isinstance(default, float):
        number = float(str(raw).strip())
        if not number > 0:
            raise ValueError(f"{ENV_PREFIX}{name.upper()}: must be positive")
        return number
    if isinstance(default, Path):
        return Path(str(raw)).expanduser()
    return str(raw).strip()


def load_config(
    env: Mapping[str, str] | None = None, secrets: Mapping[str, object] | None = None
) -> TextgenConfig:
    """The configuration from secrets (a `[textgen]` table's items), then env vars."""
    env = os.environ if env is None else env
    base = TextgenConfig()
    values: dict[str, object] = {}
    for name in TextgenConfig.__dataclass_fields__:
        default = getattr(base, name)
        raw = env.get(ENV_PREFIX + name.upper())
        if raw is None and secrets is not None:
            raw = secrets.get(name)
        if raw is not None and str(raw).strip() != "":
            try:
                values[name] = _coerce(name, raw, default)
            except ValueError as exc:
                if str(exc).startswith(ENV_PREFIX):
                    raise
                raise ValueError(f"{ENV_PREFIX}{name.upper()}: {exc}") from exc
    for name, allowed in (
        ("engine", ENGINES),
        ("onnx_precision", ONNX_PRECISIONS),
        ("backend", BACKENDS),
    ):
        if name in values:
            value = values[name] = str(values[name]).lower()
            if value not in allowed:
                choices = ", ".join(allowed)
                raise ValueError(
                    f"{ENV_PREFIX}{name.upper()}: expected one of {choices}, got {value!r}"
                )
    config = TextgenConfig(**values)
    if config.remote_only and not config.remote_configured:
        raise ValueError(f"{ENV_PREFIX}BACKEND: remote needs {ENV_PREFIX}REMOTE_URL")
    if config.max_concurrent < 1:
        raise ValueError(f"{ENV_PREFIX}MAX_CONCURRENT: must be at least 1")
    if config.max_new_tokens_cap < 1:
        raise ValueError(f"{ENV_PREFIX}MAX_NEW_TOKENS_CAP: must be at least 1")
    return config


# A model folder name the operator may list: no path separators, no "..", no hidden.
_FOLDER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def allowed_models(config: TextgenConfig) -> list[str]:
    """What a visitor may pick: the embedded model, then the listed folders that exist."""
    names = [n.strip() for n in config.allowed_models.split(",") if n.strip()]
    folders = [
        n
        for n in names
        if _FOLDER_NAME.fullmatch(n) and ".." not in n and (config.models_dir / n).is_dir()
    ]
    return [EMBEDDED, *dict.fromkeys(folders)]


def resolve_model(spec: str, config: TextgenConfig) -> str:
    """The spec the loader takes for what someone chose in any model field, or a refusal.

    The one gate of every model field (generation and attention pages). Hosted (the
    default), only the embedded model or an allowed folder, by its name under
    models_dir: a path, a .gguf file or a hub id is refused with the same message
    whether or not it exists (nobody probes the server's files). With the free field (a
    local run, the operator is the user) any spec goes to the loader; a local path as
    one canonical string, so a folder typed with a trailing "/" is the same model."""
    spec = (spec or "").strip() or EMBEDDED
    if config.free_model_field:
        return _canonical(spec)
    if spec == EMBEDDED:
        return EMBEDDED
    if spec in allowed_models(config)[1:]:
        return str((config.models_dir / spec).resolve())
    raise ModelLoadError("gen_err_model_not_allowed", model=spec[:80])


def _canonical(spec: str) -> str:
    """A local path made absolute and normal (~, "..", a trailing "/"); others as typed."""
    if spec == EMBEDDED:
        return spec
    path = Path(spec).expanduser()
    if path.exists() or spec.startswith(("/", ".", "~")) or spec.lower().endswith(".gguf"):
        return str(path.resolve())
    return spec  # a hub id (org/name)
