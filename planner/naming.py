"""File names that are safe on every file system and still say what they hold."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

# Characters Windows, macOS or Linux refuse in names, and control characters.
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]+')
_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}
MAX_STEM = 80


def safe_filename(stem: str, ext: str, when: date | None = None) -> str:
    """`<stem>-<date>.<ext>` with unsafe characters replaced; CJK letters are kept."""
    text = unicodedata.normalize("NFC", stem)
    text = _UNSAFE.sub("_", text)
    text = re.sub(r"\s+", "-", text.strip()).strip(".-_ ") or "plan"
    if text.split(".")[0].lower() in _RESERVED:
        text = f"_{text}"
    text = text[:MAX_STEM].rstrip(".-_ ")
    day = (when or date.today()).isoformat()
    return f"{text}-{day}.{ext}"
