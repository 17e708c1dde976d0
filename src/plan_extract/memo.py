"""Memos that live for one file: what several extractors compute from the same text.

A whole document's folded text, its body mentions and the like are asked for many times while one
file is processed, and never again after it. ``per_document`` memoizes such a function;
``pipeline.process`` calls ``new_document`` before each file, so nothing is carried from one file
to the next: a batch of copies of one plan costs what a batch of different plans costs, and
memory does not hold documents already done.

>>> calls = []
>>> @per_document()
... def length(s: str) -> int:
...     calls.append(s)
...     return len(s)
>>> length("abc"), length("abc"), len(calls)
(3, 3, 1)
>>> new_document()
>>> length("abc"), len(calls)
(3, 2)
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable, TypeVar

F = TypeVar("F", bound=Callable)
_CLEARS: list[Callable[[], None]] = []


def per_document(maxsize: int = 16) -> Callable[[F], F]:
    """``functools.lru_cache(maxsize)``, emptied by ``new_document``."""
    def wrap(fn: F) -> F:
        cached = lru_cache(maxsize=maxsize)(fn)
        _CLEARS.append(cached.cache_clear)
        return cached  # type: ignore[return-value]
    return wrap


def new_document() -> None:
    """Forget what the memos of ``per_document`` hold (called before each file)."""
    for clear in _CLEARS:
        clear()
