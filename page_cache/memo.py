"""Values every page reads and few changes touch (sites, home and section pages, their
view restrictions), kept in each process's memory for one generation of the page cache.

Any watched save or deletion, in any process, starts a new generation (generation.py),
so a value read under an older one is read again at its next use: a restriction or an
unpublication made through another worker is seen at once, as cached pages are. Unlike
the cached pages, memos are used whether the page cache is on or off."""

import functools
from collections.abc import Callable, Hashable
from typing import TypeVar

from .generation import current_generation

T = TypeVar("T")

_memos: dict[Hashable, tuple[str, object]] = {}


def per_generation(key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, computed once per process and generation. The generation is read
    before computing, so a value read while a change commits is kept under the
    generation the commit replaces, and read again after it."""
    generation = current_generation()
    held = _memos.get(key)
    if held is not None and held[0] == generation:
        return held[1]  # type: ignore[return-value]
    value = compute()
    _memos[key] = (generation, value)
    return value


def per_generation_function(function: Callable[..., T]) -> Callable[..., T]:
    """`function`, its result for each set of (hashable, few) arguments kept as
    `per_generation` keeps a value: every combination is held until the next generation."""
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def remembered(*args: Hashable) -> T:
        return per_generation((name, args), lambda: function(*args))

    return remembered
