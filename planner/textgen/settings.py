"""What a generation asks for, validated before it reaches a backend."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from planner.textgen.errors import TextgenError

MODES = ("chat", "completion")
MAX_STOP_SEQUENCES = 4
MAX_STOP_LEN = 32
MAX_PROMPT_CHARS = 20_000
MAX_SEED = 2**31 - 1

# name: (lowest, highest); inclusive.
RANGES: dict[str, tuple[float, float]] = {
    "temperature": (0.0, 2.0),
    "top_p": (0.01, 1.0),
    "top_k": (0, 200),
    "repetition_penalty": (1.0, 2.0),
    "seed": (0, MAX_SEED),
}


@dataclass(frozen=True)
class GenSettings:
    """Sampling settings. temperature 0 means greedy decoding; top_k 0 means off."""

    max_new_tokens: int = 96
    temperature: float = 0.7
    top_p: float = 0.9
    top_k: int = 50
    repetition_penalty: float = 1.1
    seed: int = 0
    stop: tuple[str, ...] = ()

    @property
    def greedy(self) -> bool:
        return self.temperature == 0

    def as_dict(self) -> dict:
        data = asdict(self)
        data["stop"] = list(self.stop)
        return data

    def validated(self, max_new_tokens_cap: int) -> GenSettings:
        """Self if every value is in range, else TextgenError naming the first bad one."""
        if not 1 <= self.max_new_tokens <= max_new_tokens_cap:
            raise TextgenError(
                "gen_err_range", name="max_new_tokens", low=1, high=max_new_tokens_cap
            )
        for name, (low, high) in RANGES.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TextgenError("gen_err_range", name=name, low=low, high=high)
            if not low <= value <= high or value != value:  # NaN fails both
                raise TextgenError("gen_err_range", name=name, low=low, high=high)
        if len(self.stop) > MAX_STOP_SEQUENCES or any(
            not s or len(s) > MAX_STOP_LEN for s in self.stop
        ):
            raise TextgenError("gen_err_stop", count=MAX_STOP_SEQUENCES, length=MAX_STOP_LEN)
        return self


def parse_stop(text: str) -> tuple[str, ...]:
    """Stop sequences from a text field: one per line; `\\n` stands for a newline."""
    out = []
    for line in text.splitlines():
        if line.strip():
            out.append(line.replace("\\n", "\n").replace("\\t", "\t"))
    return tuple(out)


def stop_text(stops: tuple[str, ...]) -> str:
    """The text field for stop sequences: one per line, a newline written `\\n`."""
    return "\n".join(stop.replace("\n", "\\n") for stop in stops)


@dataclass(frozen=True)
class GenRequest:
    """One generation: prompt, mode and settings."""

    prompt: str
    mode: str = "chat"
    system: str = ""
    settings: GenSettings = field(default_factory=GenSettings)

    def validated(self, max_new_tokens_cap: int) -> GenRequest:
        if not self.prompt.strip():
            raise TextgenError("gen_err_empty_prompt")
        if len(self.prompt) + len(self.system) > MAX_PROMPT_CHARS:
            raise TextgenError("gen_err_prompt_chars", limit=MAX_PROMPT_CHARS)
        if self.mode not in MODES:
            raise TextgenError("gen_err_mode", mode=self.mode)
        self.settings.validated(max_new_tokens_cap)
        return self

    def as_dict(self) -> dict:
        return {
            "prompt": self.prompt,
            "mode": self.mode,
            "system": self.system,
            "settings": self.settings.as_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict) -> GenRequest:
        raw = dict(data.get("settings") or {})
        known = {k: raw[k] for k in GenSettings.__dataclass_fields__ if k in raw}
        if "stop" in known:
            known["stop"] = tuple(known["stop"])
        return cls(
            prompt=str(data.get("prompt", "")),
            mode=str(data.get("mode", "chat")),
            system=str(data.get("system", "")),
            settings=GenSettings(**known),
        )
