"""Text helpers shared by the normalisers (private).

``fold`` upper-cases and removes accents; ``key`` also folds punctuation, for lookups in
reference tables. Both are idempotent.
"""

from __future__ import annotations

import unicodedata
from typing import Final

__all__ = ["APOSTROPHE", "HYPHEN", "clean", "fold", "key"]

APOSTROPHE: Final = "'"
HYPHEN: Final = "-"

# Characters NFKD does not decompose, and apostrophe/hyphen look-alikes, mapped explicitly.
_SPECIAL: Final = str.maketrans(
    {
        "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
        "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th",
        "Þ": "TH", "ı": "i", "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T", "ŀ": "l", "Ŀ": "L",
        "’": APOSTROPHE, "‘": APOSTROPHE, "ʼ": APOSTROPHE, "`": APOSTROPHE,
        "´": APOSTROPHE, "′": APOSTROPHE, "ʹ": APOSTROPHE,
        "‐": HYPHEN, "‑": HYPHEN, "‒": HYPHEN, "–": HYPHEN, "—": HYPHEN,
        "―": HYPHEN, "−": HYPHEN,
    }
)  # fmt: skip
# Invisible characters that make a cell look non-empty.
_INVISIBLE: Final = str.maketrans(dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_MAX_PASSES: Final = 5


def clean(text: str | None) -> str | None:
    """Return ``text`` stripped of whitespace and invisible characters, or None if empty."""
    if text is None:
        return None
    stripped = text.translate(_INVISIBLE).strip()
    return stripped or None


def _fold_once(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL).upper())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Upper-case ``text``, fold accents and compatibility forms, unify apostrophes and hyphens.

    Repeats until nothing changes, so the result is a fixed point (upper-casing and
    decomposition can each expose work for the other).
    """
    current = text
    for _ in range(_MAX_PASSES):
        folded = _fold_once(current)
        if folded == current:
            break
        current = folded
    return current


def key(text: str) -> str:
    """Fold ``text``, drop apostrophes, turn other punctuation into spaces and collapse them."""
    chars = ("" if ch == APOSTROPHE else ch if ch.isalnum() else " " for ch in fold(text))
    return " ".join("".join(chars).split())
