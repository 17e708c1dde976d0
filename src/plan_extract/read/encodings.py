"""Decode text files: UTF-8 (with or without BOM), UTF-16, and legacy Vietnamese encodings.

Legacy files come in Windows-1258 (tone marks as combining characters, composed to NFC here) and
in the font encodings TCVN3 (ABC) and VNI, which are bytes meant for special fonts: they decode as
cp1252 into mojibake and are converted with the tables in ``lang/vi/legacy_encodings.yaml``.
"""
from __future__ import annotations

import unicodedata

from ..model import ReadError

_VI_LETTERS = set("ăâđêôơưĂÂĐÊÔƠƯ")
_VI_TONED = set(
    "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
)


def vietnamese_score(text: str) -> float:
    """Share of letters that are Vietnamese-specific: high for real Vietnamese, ~0 for mojibake."""
    letters = [c for c in text.lower() if c.isalpha()]
    if not letters:
        return 0.0
    return sum(c in _VI_LETTERS or c in _VI_TONED for c in letters) / len(letters)


def decode(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding_name)`` for the bytes of a text file, or raise ReadError."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ReadError("empty file: no text to read", "read")
    if data.startswith(b"\xef\xbb\xbf"):
        return _utf8(data[3:]), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if _looks_utf16(data):
        enc = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
        return data.decode(enc, errors="replace"), enc
    try:
        return _utf8(data), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        raise ReadError("binary file: this is not a text document", "read")
    return _legacy(data)


def _utf8(data: bytes) -> str:
    return data.decode("utf-8")


def _looks_utf16(data: bytes) -> bool:
    head = data[:2000]
    return len(head) >= 4 and (head[1::2].count(0) > 0.4 * len(head) / 2 or head[0::2].count(0) > 0.4 * len(head) / 2)


LEGACY_MIN_SCORE = 0.5  # a font encoding must read as Vietnamese at least this well to be chosen
SAMPLE = 200_000  # characters scored per candidate: plenty to tell encodings apart


def _legacy(data: bytes) -> tuple[str, str]:
    """Pick the legacy decoding under which the text reads most like Vietnamese.

    The candidates are cp1258 and the font encodings TCVN3 and VNI (``legacy.convert_legacy``).
    The main score is syllable validity: a wrong decoding turns "Việt" into "ViÖt", "Vieät" or
    "Viờũt", which no Vietnamese syllable looks like. The share of Vietnamese letters breaks ties.
    A font encoding wins only when its text clearly reads as Vietnamese; otherwise (Western text in
    cp1252, say) the file stays cp1258, the one standard code page, whose Latin letters are cp1252's.
    """
    text = unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
    try:
        from .legacy import convert_legacy, syllable_score  # font encodings (TCVN3, VNI)
    except ImportError:  # pragma: no cover - tables not installed
        return text, "cp1258"
    scored = [(round(syllable_score(t, SAMPLE), 3), round(vietnamese_score(t[:SAMPLE]), 3), -i, name, t)
              for i, (name, t) in enumerate([("cp1258", text), *convert_legacy(data)])]
    score, _, _, name, best = max(scored)
    if name != "cp1258" and score < LEGACY_MIN_SCORE:
        return text, "cp1258"
    return best, name
