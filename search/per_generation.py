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
    under the generation the commit replaces. The arguments must be hashable and few (a
    language), as every combination is kept."""
    kept: dict[tuple, tuple[str, Result]] = {}

    @functools.wraps(function)
    def remembered(*args):
        generation = current_generation()
        if args in kept and kept[args][0] == generation:
            return kept[args][1]
        # Tagged with the generation read before the data: a thread that read an older one
        # never stores its result as the newer generation's.
        result = function(*args)
        kept[args] = (generation, result)
        return result

    return remembered
