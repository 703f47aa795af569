"""A Hugging Face fast tokenizer without transformers (and so without torch).

`import transformers` imports torch: 3-5 s on a busy 2-core machine, more than the
whole warm start of the ONNX engine. This reads the same files (tokenizer.json,
tokenizer_config.json, chat_template.jinja) with the `tokenizers` library and
renders the chat template with Jinja the way transformers does, so the ids match
AutoTokenizer's (tested on chat and plain prompts, English and Chinese).

Only what planner.textgen.prompting and the engines use is provided.
"""

from __future__ import annotations

import json
from pathlib import Path


def _raise_exception(message: str) -> None:
    # Chat templates call raise_exception("...") on bad input, as in transformers.
    raise ValueError(message)


class FastTokenizer:
    def __init__(self, folder: Path) -> None:
        from jinja2.sandbox import ImmutableSandboxedEnvironment
        from tokenizers import Tokenizer

        folder = Path(folder)
        self._tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        config_path = folder / "tokenizer_config.json"
        config = (
            json.loads(config_path.read_text(encoding="utf-8")) if config_path.is_file() else {}
        )
        template_path = folder / "chat_template.jinja"
        self.chat_template: str | None = (
            template_path.read_text(encoding="utf-8")
            if template_path.is_file()
            else config.get("chat_template")
        )
        self.special = {
            name: config.get(name)
            for name in ("bos_token", "eos_token", "pad_token", "unk_token")
            if isinstance(config.get(name), str)
        }
        limit = config.get("model_max_length")
        self.model_max_length = int(limit) if isinstance(limit, int | float) else None
        self.eos_token_id = self._id(self.special.get("eos_token"))
        self.pad_token_id = self._id(self.special.get("pad_token"))
        env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
        env.globals["raise_exception"] = _raise_exception
        self._template = env.from_string(self.chat_template) if self.chat_template else None

    def _id(self, token: str | None) -> int | None:
        return None if token is None else self._tok.token_to_id(token)

    def __len__(self) -> int:
        return self._tok.get_vocab_size(with_added_tokens=True)

    def __call__(self, text: str, add_special_tokens: bool = True) -> dict[str, list[int]]:
        return {"input_ids": self._tok.encode(text, add_special_tokens=add_special_tokens).ids}

    def apply_chat_template(
        self, messages: list[dict], add_generation_prompt: bool = False, tokenize: bool = True
    ) -> list[int] | str:
        if self._template is None:
            raise ValueError("this tokenizer has no chat template")
        text = self._template.render(
            messages=messages, add_generation_prompt=add_generation_prompt, **self.special
        )
        if not tokenize:
            return text
        # As transformers does: the template already holds the special tokens.
        return self._tok.encode(text, add_special_tokens=False).ids

    def decode(self, ids: list[int], skip_special_tokens: bool = False) -> str:
        return self._tok.decode(list(ids), skip_special_tokens=skip_special_tokens)

    def convert_ids_to_tokens(self, token_id: int) -> str | None:
        return self._tok.id_to_token(token_id)
