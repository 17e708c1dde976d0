"""``rx(pattern)``: a compiled ``regex`` pattern, memoized.

The module-level calls of ``regex`` (``regex.match(pattern, s)``) look the pattern up in the
library's cache on every call, flags and all, which costs more than most of the matches the
extractors make; ``rx(pattern).match(s)`` pays for that once.

>>> rx(r"\\d+") is rx(r"\\d+")
True
>>> rx(r"(\\d+)\\D*$").search("1.2.").group(1)
'2'
"""
from __future__ import annotations

from functools import lru_cache

import regex


@lru_cache(maxsize=None)
def rx(pattern: str, flags: int = 0) -> "regex.Pattern[str]":
    return regex.compile(pattern, flags)
