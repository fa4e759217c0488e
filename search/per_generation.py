"""Reference data the search page reads on every request (group names, places, labels,
what each entry's recordings are), kept in this process until the page cache's generation
changes: `page_cache.generation` replaces it on any save of a watched model, in every
worker at once, so nothing here outlives the change that made it stale."""

import functools
from collections.abc import Callable
from typing import TypeVar

from page_cache.generation import current_generation

Result = TypeVar("Result")


def per_generation(function: Callable[..., Result]) -> Callable[..., Result]:
    """`function`, its results kept per arguments until the generation changes. The
    generation is read before the data, so a result read while a change commits is kept
    under the generation the commit replaces."""
    kept: dict = {}
    generation_kept = [None]

    @functools.wraps(function)
    def remembered(*args):
        generation = current_generation()
        if generation != generation_kept[0]:
            kept.clear()
            generation_kept[0] = generation
        if args not in kept:
            kept[args] = function(*args)
        return kept[args]

    remembered.forget = kept.clear
    return remembered
