"""File names that are safe on every file system and still say what they hold."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

# Characters Windows, macOS or Linux refuse in names, control characters (C0, DEL, C1)
# and lone surrogates (no file system or HTTP header can encode them).
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f-\x9f\ud800-\udfff]+')
# Invisible format characters (Unicode category Cf) are dropped: the bidirectional
# controls U+202A-U+202E, U+2066-U+2069, U+200E/F and U+061C reorder what the user sees
# ("\u202egnp.exe" displays as "exe.png"), zero-width ones hide text. ZWNJ and ZWJ stay:
# scripts and emoji need them, and they reorder nothing.
_KEEP_FORMAT = {"\u200c", "\u200d"}
# Characters drawn like a slash or backslash: a name must not look like a path.
_SLASH_LOOKALIKES = re.compile(
    "[\u2044\u2215\u2216\u2571\u2572\u29f5\u29f8\u29f9\u2afb\u2afd"
    "\u3033\u3035\ufe68\uff0f\uff3c\u2f03\u31d3\u27cb\u27cd\u1735\u0338]"
)
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
    text = "".join(c for c in text if c in _KEEP_FORMAT or unicodedata.category(c) != "Cf")
    text = _SLASH_LOOKALIKES.sub("_", text)
    text = _UNSAFE.sub("_", text)
    text = re.sub(r"\s+", "-", text.strip()).strip(".-_ ") or "plan"
    if text.split(".")[0].lower() in _RESERVED:
        text = f"_{text}"
    text = text[:MAX_STEM].rstrip(".-_ ")
    day = (when or date.today()).isoformat()
    return f"{text}-{day}.{ext}"
