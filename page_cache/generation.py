"""The site-wide generation of cached pages: part of every cache key, replaced whenever
anything a public page shows may have changed, so every cached page goes at once.

It lives in the page cache itself, shared by every web worker (a file cache or Redis),
so a change made through one worker reaches the pages cached by the other. A request
reads it once (`generation_held`), unless this process starts a new one meanwhile."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import caches
from django.db import connection, transaction

CACHE_ALIAS = "pages"
GENERATION_KEY = "page-cache:generation"
# Within a request: a list holding the generation once read.
_held: ContextVar[list[str] | None] = ContextVar("page_cache_generation", default=None)


def current_generation() -> str:
    """The generation pages are cached under now. A missing one (never set, evicted or
    lost with a restarted cache) starts a new generation: nothing older is served."""
    held = _held.get()
    if held:
        return held[0]
    cache = caches[CACHE_ALIAS]
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        # add, not set: two workers starting a generation at once agree on the first.
        if not cache.add(GENERATION_KEY, generation, timeout=None):
            generation = cache.get(GENERATION_KEY) or generation
    if held is not None:
        held.append(generation)
    return generation


@contextmanager
def generation_held() -> Iterator[None]:
    """Read the generation at most once while this block (a request) runs, rather than at
    each of the memos a page reads (page_cache/memo.py)."""
    token = _held.set([])
    try:
        yield
    finally:
        _held.reset(token)


def _new_generation() -> None:
    caches[CACHE_ALIAS].set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    held = _held.get()
    if held is not None:
        held.clear()


def forget_cached_pages() -> None:
    """Drop every cached page now, and again when the current transaction commits: a
    page rendered meanwhile from the data not yet committed is cached under the
    intermediate generation, which nobody asks for after the commit."""
    _new_generation()
    if not any(callback is _new_generation for _sids, callback, _robust in connection.run_on_commit):
        transaction.on_commit(_new_generation)
