"""Spans and offset maps: every extracted value points back to the characters it came from.

Offsets are half-open ``[start, end)`` Python string indices, as in ``text[start:end]``.
``OffsetMap`` maps each character of a derived (normalized) text to a character of its source
text, so a span found in the normalized text can be reported in source coordinates.
"""
from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import Iterable

import numpy as np

_ITEM = np.dtype(f"i{array('l').itemsize}")  # numpy's twin of array("l") on this platform


def identity_array(n: int) -> array:
    """``array("l", range(n))``, built by numpy (fifty times faster for a long document).

    >>> identity_array(4)
    array('l', [0, 1, 2, 3])
    """
    out = array("l")
    out.frombytes(np.arange(n, dtype=_ITEM).tobytes())
    return out


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open span ``[start, end)`` of some text, with the text it covers."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, text: str, start: int, end: int) -> "Span":
        return cls(start, end, text[start:end])


class OffsetMap:
    """Position map from a derived text back to its source.

    ``src[i]`` is the source index of derived character ``i``; ``src[len]`` is the source length,
    so an end offset maps cleanly. Inserted characters take the source index of the character that
    follows them.
    """

    __slots__ = ("src",)

    def __init__(self, src: Iterable[int]):
        self.src = src if isinstance(src, array) else array("l", src)

    @classmethod
    def identity(cls, n: int) -> "OffsetMap":
        return cls(identity_array(n + 1))

    def __len__(self) -> int:
        return len(self.src) - 1

    def start(self, i: int) -> int:
        return self.src[i]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a derived span to source ``(start, end)``."""
        s = self.src[start]
        if end <= start:
            return s, s
        return s, self.src[end - 1] + 1

    def compose(self, inner: "OffsetMap") -> "OffsetMap":
        """Map through ``self`` after ``inner``: ``self`` maps C→B, ``inner`` maps B→A; result C→A."""
        isrc = inner.src
        return OffsetMap(array("l", (isrc[i] for i in self.src)))
